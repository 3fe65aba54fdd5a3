"""What one plant or place reaches: sites in hourly bands, and the share of suppliers near it.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> bands = reach_bands(times, "hefei", hours=4)
>>> list(bands.columns)
['<=1 h', '<=2 h', '<=3 h', '<=4 h']
>>> share = share_within(times, "hefei", km=600, hours=4)
>>> int(share.loc["all", "suppliers"]) == len(suppliers(times.network.scenario))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hourcircle.analysis.coverage import suppliers
from hourcircle.errors import ArgumentError
from hourcircle.geo import geodesic_km_many
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes


def band_labels(hours: float) -> list[str]:
    """``<=1 h`` ... up to ``hours`` (the last band is ``hours`` itself when not whole).

    >>> band_labels(2.5)
    ['<=1 h', '<=2 h', '<=2.5 h']
    """
    return [f"<={h:g} h" for h in band_edges(hours)]


def band_edges(hours: float) -> list[float]:
    """The hourly band limits up to ``hours``."""
    whole = [float(h) for h in range(1, math.floor(hours) + 1)]
    return whole if whole and whole[-1] == hours else [*whole, float(hours)]


def reach_bands(times: TravelTimes, origin: str, hours: float | None = None,
                mode: ProfileName = "truck") -> pd.DataFrame:
    """Sites ``origin`` reaches per category (rows), counted cumulatively per hourly band (columns)."""
    scenario = times.network.scenario
    budget = scenario.budget_hours if hours is None else hours
    return count_bands(times.reach(origin, budget, mode), budget, scenario.product.all_categories)


def count_bands(reached: pd.DataFrame, hours: float, categories: Sequence[str]) -> pd.DataFrame:
    """Rows of a :meth:`~hourcircle.traveltimes.TravelTimes.reach` table counted per category
    (rows, in ``categories`` order) and cumulative hourly band (columns)."""
    counts = {label: reached[reached["minutes"] <= 60 * edge]["category"].value_counts()
              for label, edge in zip(band_labels(hours), band_edges(hours), strict=True)}
    frame = pd.DataFrame(counts).reindex(list(categories)).fillna(0).astype(int)
    frame.index.name = "category"
    return frame


def share_within(times: TravelTimes, origin: str, km: float | None = None, hours: float | None = None,
                 mode: ProfileName = "truck") -> pd.DataFrame:
    """Share of the scenario's suppliers within ``km`` (geodesic) and within ``hours`` of ``origin``.

    One row per component category and a last row ``all``; columns ``suppliers``,
    ``within_km``, ``share_km``, ``within_hours``, ``share_hours`` (for whichever limit is given).
    """
    if km is None and hours is None:
        raise ArgumentError("give --km, --hours or both")
    for name, value in (("--km", km), ("--hours", hours)):
        if value is not None and not value > 0:
            raise ArgumentError(f"{name} must be a positive number, not {value!r}")
    node = times.resolve(origin)
    sites = suppliers(times.network.scenario)
    lat, lon = times.network.nodes.loc[[node], ["lat", "lon"]].to_numpy(dtype=np.float64)[0]
    columns: dict[str, pd.Series] = {"suppliers": pd.Series(1, index=sites.index)}
    if km is not None:
        distance = geodesic_km_many(float(lat), float(lon), sites["lat"], sites["lon"])
        columns["within_km"] = pd.Series(distance <= km, index=sites.index).astype(int)
    if hours is not None:
        minutes = times.minutes_from(node, mode, cutoff=60 * hours)
        columns["within_hours"] = pd.Series(sites.index.isin(minutes.index), index=sites.index).astype(int)
    table = pd.DataFrame(columns).groupby(sites["category"]).sum()
    order = [c for c in times.network.scenario.product.categories if c in table.index]
    table = pd.concat([table.reindex(order), table.sum().to_frame("all").T])
    for limit in ("km", "hours"):
        if f"within_{limit}" in table:
            table[f"share_{limit}"] = np.round(table[f"within_{limit}"] / table["suppliers"].replace(0, np.nan), 4)
    table.index.name = "category"
    order = ["suppliers"] + [c for limit in ("km", "hours") for c in (f"within_{limit}", f"share_{limit}")]
    return table[[c for c in order if c in table]]
