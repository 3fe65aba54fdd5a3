"""Every analysis at once, as ``hourcircle run`` needs them (and a notebook may want them).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> results = analyse(TravelTimes.for_scenario(bundled()))
>>> int(results.plants["complete"].sum()) <= len(results.plants)
True
>>> sorted(results.critical["kind"].unique())
['link', 'place', 'supplier']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hourcircle.analysis.coverage import budget_minutes, circles, coverage, plants, suppliers
from hourcircle.analysis.disrupt import Progress, disrupt, resolve_removals, sweep
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import locate, plant_set
from hourcircle.errors import ArgumentError
from hourcircle.geo import haversine_km
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes

SHARE_RADIUS_KM = 600.0


@dataclass(frozen=True)
class Results:
    """The tables of one run; every frame is new (the network is not changed)."""

    times: TravelTimes
    hours: float
    mode: ProfileName
    radius_km: float
    pairs: pd.DataFrame
    plants: pd.DataFrame
    places: pd.DataFrame
    gaps: pd.DataFrame
    missing_links: pd.DataFrame
    sites_ranked: pd.DataFrame
    plant_set: pd.DataFrame | None
    critical: pd.DataFrame
    removed: tuple[str, ...] = ()  # what the user asked to remove (``--remove``)
    disrupted_links: tuple[str, ...] = ()  # the link ids that removal takes away
    disruption: pd.DataFrame | None = None  # every plant's circle before and after it


def _plant_table(times: TravelTimes, pairs: pd.DataFrame, radius_km: float) -> pd.DataFrame:
    """Plants' circles with their place, company and the share of suppliers within reach."""
    scenario = times.network.scenario
    found = plants(scenario)
    summary = circles(pairs[pairs["kind"] == "plant"]).drop(columns="kind")
    sites = suppliers(scenario)
    km = haversine_km(found["lat"].to_numpy()[:, None], found["lon"].to_numpy()[:, None],
                      sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :])
    within = pairs[pairs["kind"] == "plant"].groupby("origin", sort=False)["alternatives"].sum()
    extra = pd.DataFrame({
        "name": found["name"], "company": found["company"], "place_id": found["place_id"],
        f"share_within_{radius_km:g}km": np.round((km <= radius_km).mean(axis=1), 4) if len(sites) else np.nan,
        "suppliers_within_budget": within.reindex(found.index),
    }, index=found.index)
    table = extra.join(summary)
    table.index.name = "plant"
    return table


def analyse(times: TravelTimes, hours: float | None = None, mode: ProfileName = "truck",
            plants_wanted: int = 3, radius_km: float = SHARE_RADIUS_KM,
            progress: Progress | None = None, remove: Sequence[str] = ()) -> Results:
    """Coverage, gaps, siting and the disruption sweep for one budget and mode; with ``remove``,
    also every plant's circle before and after removing those places, sites or links."""
    if hours is not None and not hours > 0:
        raise ArgumentError(f"--hours must be a positive number of hours, not {hours!r}")
    scenario = times.network.scenario
    budget = budget_minutes(times, hours)
    pairs = coverage(times, hours, mode)
    places = circles(pairs[pairs["kind"] == "place"]).drop(columns="kind")
    places = scenario.places[["name", "name_zh", "province"]].join(places)
    places.index.name = "place_id"
    removals = resolve_removals(times, list(remove))
    try:
        chosen: pd.DataFrame | None = plant_set(times, plants_wanted, hours, mode, pairs=pairs)
    except ArgumentError:
        chosen = None  # too few complete places for that many plants: the report says so
    return Results(
        times=times, hours=budget / 60, mode=mode, radius_km=radius_km, pairs=pairs,
        plants=_plant_table(times, pairs, radius_km), places=places, gaps=chain_gaps(pairs),
        missing_links=missing_links(times, pairs, hours, mode),
        sites_ranked=locate(times, hours, mode, pairs=pairs), plant_set=chosen,
        critical=sweep(times, hours, mode, progress=progress), removed=tuple(remove),
        disrupted_links=tuple(sorted({link for r in removals for link in r.links})),
        disruption=disrupt(times, list(remove), hours, mode) if remove else None)
