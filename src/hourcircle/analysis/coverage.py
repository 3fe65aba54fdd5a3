"""Circle completeness: does a plant or a place have every component within the budget?

For every origin (each plant, then each place) and every component of the bill of materials:
minutes to the nearest supplier, which one, and how many suppliers lie within the budget
(k-redundancy). :func:`circles` sums that up per origin: categories covered, weighted share,
complete or not, and the hours it would take to complete (the slowest nearest supplier).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> pairs = coverage(times)
>>> summary = circles(pairs)
>>> bool(summary.loc["shanghai", "complete"])
True
>>> sorted(summary["kind"].unique())
['place', 'plant']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.engine import Engine
from hourcircle.io import Scenario
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes

PAIR_COLUMNS = ["origin", "kind", "category", "weight", "minutes", "nearest_site", "alternatives", "within"]


def plants(scenario: Scenario) -> pd.DataFrame:
    """The sites of the plant category."""
    return scenario.sites[scenario.sites["category"] == scenario.product.plant_category]


def suppliers(scenario: Scenario) -> pd.DataFrame:
    """The sites of the bill of materials' categories (the plant's own category excluded)."""
    components = [c for c in scenario.product.categories if c != scenario.product.plant_category]
    return scenario.sites[scenario.sites["category"].isin(components)]


def budget_minutes(times: TravelTimes, hours: float | None) -> float:
    """The budget in minutes (``hours``, or the scenario's ``budget_hours``)."""
    return 60.0 * (times.network.scenario.budget_hours if hours is None else hours)


def origin_kinds(scenario: Scenario) -> pd.Series:
    """Every plant (``plant``) then every place (``place``), indexed by id."""
    return pd.concat([pd.Series("plant", index=plants(scenario).index),
                      pd.Series("place", index=scenario.places.index)]).rename("kind")


def supplier_minutes(times: TravelTimes, origins: Sequence[str], mode: ProfileName = "truck",
                     engine: Engine | None = None) -> pd.DataFrame:
    """Minutes from each origin (rows) to each supplier (columns); ``inf`` where there is no route.

    ``engine`` replaces the mode's own (a network with something removed, say)."""
    sites = suppliers(times.network.scenario)
    minutes = times.trip_minutes(pd.Index(origins), sites.index, mode, engine)
    return pd.DataFrame(minutes, index=pd.Index(origins, name="origin"), columns=sites.index)


def pair_table(minutes: pd.DataFrame, sites: pd.DataFrame, scenario: Scenario, budget: float) -> pd.DataFrame:
    """One row per (origin, component): nearest supplier among ``sites`` (columns of ``minutes``),
    its minutes and the number of suppliers within ``budget`` minutes."""
    product = scenario.product
    parts = []
    for category in (c for c in product.categories if c != product.plant_category):
        columns = sites.index[sites["category"] == category]
        block = minutes[columns].to_numpy() if len(columns) else np.full((len(minutes), 1), np.inf)
        best = np.argmin(block, axis=1)
        nearest = block[np.arange(len(block)), best]
        names: NDArray[Any] = (np.asarray(columns, dtype=object)[best] if len(columns)
                               else np.full(len(block), None, dtype=object))
        parts.append(pd.DataFrame({
            "origin": minutes.index, "category": category, "weight": product.weight(category),
            "minutes": np.where(np.isfinite(nearest), nearest, np.nan),
            "nearest_site": pd.Series(names).where(np.isfinite(nearest), None).to_numpy(),
            "alternatives": (block <= budget).sum(axis=1), "within": nearest <= budget}))
    return pd.concat(parts, ignore_index=True)


def coverage(times: TravelTimes, hours: float | None = None, mode: ProfileName = "truck") -> pd.DataFrame:
    """For every plant and place and every component: nearest supplier, minutes, alternatives.

    Columns: ``origin, kind, category, weight, minutes, nearest_site, alternatives, within``;
    ``minutes`` is NaN where no supplier of the category can be reached at all.
    """
    scenario = times.network.scenario
    kinds = origin_kinds(scenario)
    minutes = supplier_minutes(times, list(kinds.index), mode)
    pairs = pair_table(minutes, suppliers(scenario), scenario, budget_minutes(times, hours))
    return pairs.assign(kind=pairs["origin"].map(kinds))[PAIR_COLUMNS]


def circles(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per origin of a :func:`coverage` table: how complete its circle is.

    ``covered`` of ``categories`` components lie within the budget, ``share`` weighs them by
    the product's weights; ``hours_to_complete`` is the slowest nearest supplier (NaN when a
    component cannot be reached at all), ``fewest_alternatives`` the thinnest category's
    count, ``missing`` the categories outside the budget.
    """
    grouped = pairs.groupby("origin", sort=False)
    weighted = pairs["weight"] * pairs["within"]
    slowest = pairs.loc[pairs["minutes"].fillna(np.inf).groupby(pairs["origin"], sort=False).idxmax()]
    missing = pairs[~pairs["within"]].groupby("origin", sort=False)["category"].agg(", ".join)
    summary = pd.DataFrame({
        "kind": grouped["kind"].first(),
        "covered": grouped["within"].sum(),
        "categories": grouped.size(),
        "share": weighted.groupby(pairs["origin"], sort=False).sum() / grouped["weight"].sum(),
        "complete": grouped["within"].all(),
        "hours_to_complete": grouped["minutes"].max() / 60.0,
        "weakest": slowest.set_index("origin")["category"],
        "fewest_alternatives": grouped["alternatives"].min(),
    })
    unreachable = pairs[pairs["minutes"].isna()]["origin"].unique()
    summary.loc[summary.index.isin(unreachable), "hours_to_complete"] = np.nan
    summary["missing"] = missing.reindex(summary.index).fillna("")
    summary.index.name = "origin"
    return summary
