"""Errors of a car model on published figures: overall, by region and by trip length.

Each published pair is routed on the scenario's network (:func:`car_table`); the figures are
road km, door-to-door car minutes and *driving only* minutes (the model's minutes on roads,
against the published minutes less the model's terminal and access minutes). :func:`summary`
gives the median absolute percentage error (MdAPE) and the median model/published ratio of
each measure overall, in each region (:data:`REGIONS`; a pair between two regions counts in
both) and in each trip-length band (:data:`BANDS`, by the model's route km).

Examples
--------
>>> table = pd.DataFrame({"measure": "km", "published": [100.0, 200.0], "model": [110.0, 180.0],
...                      "regions": [("east",), ("east", "central")], "route_km": [100.0, 200.0]})
>>> summary(table)[["group", "rows", "mdape", "ratio"]].head(2).to_dict("records")
[{'group': 'all', 'rows': 2, 'mdape': 10.0, 'ratio': 1.0}, {'group': 'east', 'rows': 2, 'mdape': 10.0, 'ratio': 1.0}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hourcircle.calibration.fit import mdape
from hourcircle.travel.times import TravelTimes

REGIONS = {
    "north": ("Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia"),
    "north-east": ("Liaoning", "Jilin", "Heilongjiang"),
    "east": ("Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong"),
    "central": ("Henan", "Hubei", "Hunan"),
    "south": ("Guangdong", "Guangxi", "Hainan"),
    "south-west": ("Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet"),
    "north-west": ("Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"),
}
BANDS = (("< 150 km", 0.0, 150.0), ("150-400 km", 150.0, 400.0), ("> 400 km", 400.0, np.inf))
MEASURES = ("km", "minutes", "driving")
REGION_OF = {province: region for region, provinces in REGIONS.items() for province in provinces}


def car_table(times: TravelTimes, km: pd.DataFrame, minutes: pd.DataFrame) -> pd.DataFrame:
    """Model against published figures, one row per pair and measure.

    Parameters
    ----------
    times : TravelTimes
        The network and its car profile.
    km, minutes : pandas.DataFrame
        ``from_place, to_place, published``: published road km, and published drive minutes.

    Returns
    -------
    pandas.DataFrame
        ``from_place, to_place, measure, published, model, route_km, regions`` (``measure``:
        ``km``, ``minutes`` door to door, ``driving``).
    """
    parts = []
    for measure, rows in (("km", km), ("minutes", minutes)):
        routes = [times.route(a, b, "car") for a, b in zip(rows["from_place"], rows["to_place"], strict=True)]
        route_km = np.array([float(r.hops["km"].sum()) for r in routes])
        published = rows["published"].to_numpy(dtype=np.float64)
        base = rows[["from_place", "to_place"]].assign(route_km=route_km)
        base["regions"] = pd.Series(_regions(times, rows), index=rows.index, dtype=object)
        if measure == "km":
            parts.append(base.assign(measure="km", published=published, model=route_km))
            continue
        door = np.array([r.minutes for r in routes])
        driving = np.array([float(r.hops.loc[r.hops["kind"] == "road", "minutes"].sum()) for r in routes])
        parts.append(base.assign(measure="minutes", published=published, model=door))
        parts.append(base.assign(measure="driving", published=published - (door - driving), model=driving))
    return pd.concat(parts, ignore_index=True)


def _regions(times: TravelTimes, rows: pd.DataFrame) -> list[tuple[str, ...]]:
    province = times.scenario.places["province"] if "province" in times.scenario.places else pd.Series(dtype=str)
    ends = [province.reindex(rows[end]).map(REGION_OF).fillna("other").to_numpy(dtype=str)
            for end in ("from_place", "to_place")]
    return [tuple(dict.fromkeys((a, b))) for a, b in zip(*ends, strict=True)]


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """MdAPE and median model/published ratio of each measure: overall, by region, by band.

    Parameters
    ----------
    table : pandas.DataFrame
        ``measure, published, model, regions, route_km`` (as :func:`car_table` gives).

    Returns
    -------
    pandas.DataFrame
        ``measure, group, rows, mdape, ratio``; groups with no rows left out.
    """
    rows = []
    for measure in [m for m in MEASURES if m in set(table["measure"])]:
        part = table[(table["measure"] == measure) & (table["published"] > 0)]
        groups: dict[str, pd.Series] = {"all": pd.Series(True, index=part.index)}
        groups |= {region: part["regions"].map(lambda ends, r=region: r in ends) for region in REGIONS}
        groups |= {name: (part["route_km"] >= low) & (part["route_km"] < high) for name, low, high in BANDS}
        for group, chosen in groups.items():
            if chosen.any():
                chosen_rows = part[chosen.to_numpy(dtype=bool)]
                rows.append({"measure": measure, "group": group, "rows": len(chosen_rows),
                             "mdape": round(mdape(chosen_rows["model"], chosen_rows["published"]), 1),
                             "ratio": round(float(np.median(chosen_rows["model"] / chosen_rows["published"])), 2)})
    return pd.DataFrame(rows, columns=["measure", "group", "rows", "mdape", "ratio"])


def markdown(before: pd.DataFrame, after: pd.DataFrame) -> str:
    """Two summaries side by side as a Markdown table (MdAPE and model/published ratio).

    Parameters
    ----------
    before, after : pandas.DataFrame
        What :func:`summary` gives, for the same rows under two models.

    Returns
    -------
    str
        One line per measure and group.

    Examples
    --------
    >>> one = pd.DataFrame({"measure": ["km"], "group": ["all"], "rows": [3], "mdape": [6.5], "ratio": [0.97]})
    >>> print(markdown(one, one.assign(mdape=5.0)).splitlines()[2])
    | road km | all | 3 | 6.5% | 5.0% | 0.97 | 0.97 |
    """
    both = before.merge(after, on=["measure", "group", "rows"], suffixes=("_before", "_after"))
    label = {"km": "road km", "minutes": "car minutes, door to door", "driving": "car minutes, driving only"}
    lines = ["| measure | group | rows | MdAPE before | MdAPE after | model/published before | after |",
             "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {label[str(r.measure)]} | {r.group} | {r.rows} | {r.mdape_before:.1f}% | {r.mdape_after:.1f}% | "
              f"{r.ratio_before:.2f} | {r.ratio_after:.2f} |" for r in both.itertuples()]
    return "\n".join(lines)
