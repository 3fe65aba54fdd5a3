"""Rail minutes in trains against published figures: the fixed hold-out rule and the errors by region and period.

Published in-train figures are split into a fit set (they build rail links) and a held-out
set (they only check them) by ``pair_role``, the road figures' rule
(:func:`hourcircle.calibration.split.role`), fixed before any figure was used: a
pair of places is held out when the SHA-256 of its id (the two place ids in alphabetical
order, joined by ``|``) read as a number is divisible by three. Every figure of a pair falls
on the same side, whatever the order of its two places.

:func:`score_figures` routes each figure's pair on a network and puts the model's minutes in
trains beside the published ones; :func:`error_summary` gives the median absolute percentage
error (MdAPE) by role, period (``<=2020`` or ``2021-2025``, from the figure's date) and region
(the six regions of China; a pair whose places lie in two regions is ``across regions``).

Examples
--------
>>> pair_role("shanghai", "suzhou_js") == pair_role("suzhou_js", "shanghai")
True
>>> region_of("Hainan"), region_of("Xinjiang")
('south-central', 'north-west')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hourcircle.calibration import mdape, train_minutes
from hourcircle.calibration.split import role as pair_role
from hourcircle.travel.times import TravelTimes

REGIONS = {
    "north": ("Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia"),
    "north-east": ("Liaoning", "Jilin", "Heilongjiang"),
    "east": ("Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong"),
    "south-central": ("Henan", "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan"),
    "south-west": ("Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet"),
    "north-west": ("Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"),
}
ACROSS = "across regions"
RECENT = "2021-2025"
OLDER = "<=2020"


def region_of(province: str) -> str:
    """The region of China a province belongs to.

    Parameters
    ----------
    province : str
        English name, as in ``places.csv``.

    Returns
    -------
    str
        One of the keys of :data:`REGIONS`, or ``other``.
    """
    return next((region for region, members in REGIONS.items() if province in members), "other")


def score_figures(times: TravelTimes, figures: pd.DataFrame) -> pd.DataFrame:
    """Each published figure beside the network's minutes in trains for its pair.

    Parameters
    ----------
    times : TravelTimes
        The network (its scenario's places must hold every figure's places).
    figures : pandas.DataFrame
        ``from_place, to_place, minutes, kind, date``.

    Returns
    -------
    pandas.DataFrame
        The figures with ``role`` (:func:`pair_role`), ``period``, ``region``, ``model`` (NaN
        where there is no rail route) and ``error_pct``.
    """
    places = times.scenario.places
    province = places["province"].map(region_of)
    a, b = province.loc[figures["from_place"]].to_numpy(), province.loc[figures["to_place"]].to_numpy()
    year = pd.to_numeric(figures["date"].astype(str).str[:4], errors="coerce").to_numpy()
    published = figures["minutes"].to_numpy(dtype=float)
    model = train_minutes(times, figures)
    return figures.assign(
        role=[pair_role(x, y) for x, y in zip(figures["from_place"], figures["to_place"], strict=True)],
        period=np.where(year <= 2020, OLDER, RECENT), region=np.where(a == b, a, ACROSS),
        model=model.round(1), error_pct=(np.abs(model - published) / published * 100).round(1))


def error_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """MdAPE and figure counts by role, period and region (``all`` rows aggregate).

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_figures`. A figure whose pair has no rail route counts in ``no_route``
        and not in the error.

    Returns
    -------
    pandas.DataFrame
        ``role, period, region, figures, no_route, mdape_pct``.

    Examples
    --------
    >>> scored = pd.DataFrame({"role": ["fit", "fit"], "period": ["2021-2025"] * 2, "region": ["east", "north"],
    ...                        "minutes": [100, 100], "model": [110.0, np.nan]})
    >>> error_summary(scored).iloc[0].to_dict()
    {'role': 'fit', 'period': '2021-2025', 'region': 'all', 'figures': 2, 'no_route': 1, 'mdape_pct': 10.0}
    """
    rows = []
    for role, by_role in scored.groupby("role", sort=True):
        for period in (RECENT, OLDER):
            part = by_role[by_role["period"] == period]
            if part.empty:
                continue
            for region, group in [("all", part), *part.groupby("region", sort=True)]:
                routed = group.dropna(subset=["model"])
                error = mdape(routed["model"], routed["minutes"]) if len(routed) else float("nan")
                missing = len(group) - len(routed)
                rows.append((str(role), period, str(region), len(group), missing, round(float(error), 1)))
    return pd.DataFrame(rows, columns=["role", "period", "region", "figures", "no_route", "mdape_pct"])
