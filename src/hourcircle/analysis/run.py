"""Every analysis at once, as ``hourcircle run`` needs them (and a notebook may want them).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> results = analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure", "place"))
>>> int(results.plants["complete"].sum()) <= len(results.plants)
True
>>> sorted(results.critical["kind"].unique())
['infrastructure', 'place']
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle.analysis.access import accessibility
from hourcircle.analysis.coverage import Coverage, circles, coverage, origin_kinds
from hourcircle.analysis.criticality import KINDS, sweep, sweep_soon
from hourcircle.analysis.disrupt import Removals, as_removals, disrupt
from hourcircle.analysis.drawing import CircleDrawing, circle_drawing
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import OBJECTIVES, default_objective, locate, plant_set
from hourcircle.analysis.tier_results import TierResults, analyse_tiers, chain_disruption
from hourcircle.batches import batched
from hourcircle.errors import ArgumentError
from hourcircle.geo import haversine_km
from hourcircle.progress import Progress, stage, step
from hourcircle.travel.query import Query
from hourcircle.travel.removals import SWEEP_KINDS, Removal

if TYPE_CHECKING:
    from distributed import Client

SHARE_RADIUS_KM = 600.0


@dataclass(frozen=True)
class Results:
    """The tables of one run; every frame is new (the network is not changed).

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    radius_km : float
        The radius of the plants' supplier share.
    coverage : Coverage
        Every origin's circle, per component.
    plants, places : pandas.DataFrame
        Circles of plants and of places.
    gaps, missing_links : pandas.DataFrame
        See :mod:`hourcircle.analysis.gaps`.
    sites_ranked : pandas.DataFrame
        Places for a new plant, best first.
    plant_set : pandas.DataFrame or None
        The best set of plant places (None when it cannot be found: see ``plant_set_note``).
    plant_set_note : str
        Why there is no ``plant_set`` (empty when there is one).
    critical : pandas.DataFrame
        The sweep's ranking.
    removals : tuple of Removal
        What the user removed (``--remove``), if anything.
    removed : tuple of str
        How the user named them.
    disruption : pandas.DataFrame or None
        Every plant's circle before and after the removals.
    objective : str
        The best set's objective (``center``, ``coverage`` or ``median``).
    access : pandas.DataFrame or None
        Every place's accessibility measures by mode (see
        :func:`~hourcircle.analysis.access.accessibility`).
    tiers : TierResults or None
        The tier circles, chains and concentration, when the product has tiers.
    chain_disruption : pandas.DataFrame or None
        Every plant's chain before and after the removals, when the product has tiers.
    """

    query: Query
    radius_km: float
    coverage: Coverage
    plants: pd.DataFrame
    places: pd.DataFrame
    gaps: pd.DataFrame
    missing_links: pd.DataFrame
    sites_ranked: pd.DataFrame
    plant_set: pd.DataFrame | None
    critical: pd.DataFrame
    removals: tuple[Removal, ...] = ()
    removed: tuple[str, ...] = ()
    disruption: pd.DataFrame | None = None
    plant_set_note: str = ""
    objective: str = "center"
    access: pd.DataFrame | None = None
    tiers: TierResults | None = None
    chain_disruption: pd.DataFrame | None = None

    @property
    def disrupted_links(self) -> tuple[str, ...]:
        """The link ids the removals take away, sorted."""
        return tuple(sorted({link for r in self.removals for link in r.links}))

    @cached_property
    def drawing(self) -> CircleDrawing:
        """What the circle map draws besides these tables: the network, with the disrupted links.

        Computed on first use, so a run that draws no map does not pay for it.
        """
        return circle_drawing(self.query, self.disrupted_links)


def _plant_table(found: Coverage, radius_km: float) -> pd.DataFrame:
    """Plants' circles with their place, company and the share of suppliers within reach."""
    query = found.query
    plants, sites = query.plants, query.suppliers
    pairs = found.of_kind("plant")
    summary = circles(pairs).drop(columns="kind")
    km = haversine_km(plants["lat"].to_numpy()[:, None], plants["lon"].to_numpy()[:, None],
                      sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :])
    within = pairs.pairs.groupby("origin", sort=False)["alternatives"].sum()
    places = query.scenario.places
    people = query.scenario.population().to_numpy()
    reached = query.times.trip_minutes(list(plants.index), list(places.index), query.mode) <= query.budget_minutes
    extra = pd.DataFrame({
        "name": plants["name"], "company": plants["company"], "place_id": plants["place_id"],
        f"share_within_{radius_km:g}km": np.round((km <= radius_km).mean(axis=1), 4) if len(sites) else np.nan,
        "suppliers_within_budget": within.reindex(plants.index),
        "people_within_budget": reached.astype(float) @ people if len(places) else 0.0,
    }, index=plants.index)
    table = extra.join(summary)
    table.index.name = "plant"
    return table


def analyse(query: Query, *, plants_wanted: int = 3, radius_km: float = SHARE_RADIUS_KM,
            progress: Progress | None = None, remove: Removals = (), kinds: Sequence[str] = KINDS,
            client: Client | None = None, objective: str | None = None) -> Results:
    """Coverage, gaps, siting, accessibility and the disruption sweep for one question.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    plants_wanted : int, default 3
        Size of the best set of new plant places.
    objective : {"center", "coverage", "median"}, optional
        The best set's objective (default: the scenario's, see
        :func:`~hourcircle.analysis.locate.default_objective`).
    radius_km : float, default 600
        Radius of the plants' supplier share.
    progress : callable, optional
        Wraps each long step's work (a progress bar, say: see :mod:`hourcircle.progress`):
        coverage, siting, the sweep.
    remove : str, Removal, or iterable of them
        Also compare every plant's circle without these (see
        :func:`~hourcircle.analysis.disrupt.disrupt`).
    kinds : sequence of str
        What the sweep removes (see :func:`~hourcircle.analysis.criticality.sweep`); leaving out
        ``segment`` makes it much faster on real roads.
    client : dask.distributed.Client, optional
        Run the sweep on this Dask cluster (see :func:`~hourcircle.analysis.criticality.sweep`).

    Returns
    -------
    Results
        Every table.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) for a removal that names nothing; every other parameter for a
        value of the wrong type or out of range (``plants_wanted`` at least 1, ``radius_km``
        positive, ``kinds`` some of :data:`~hourcircle.travel.removals.SWEEP_KINDS`), checked
        before any work.
    """
    check.instance("query", query, Query)
    plants_wanted = check.count("plants_wanted", plants_wanted)
    objective = default_objective(query.scenario) if objective is None else check.choice("objective", objective,
                                                                                          OBJECTIVES)
    radius_km = check.number("radius_km", radius_km, above=0, finite=True, what="a positive number")
    check.function("progress", progress)
    check.some_of("kinds", kinds, SWEEP_KINDS)
    removals = as_removals(query.times, remove)
    # on a cluster the workers start sweeping now, while this process does the rest
    swept = (sweep_soon(query, kinds=kinds, client=client) if client is not None
             else functools.partial(sweep, query, progress=progress, kinds=kinds))
    for origins in step(progress, batched(list(origin_kinds(query).index), 16), "coverage", unit="origin", size=len):
        query.times.remember(origins, query.mode)  # the searches coverage makes, in parts a bar can count
    found = coverage(query)
    places = circles(found.of_kind("place")).drop(columns="kind")
    places = query.scenario.places[["name", "name_zh", "province"]].join(places)
    places.index.name = "place_id"
    with stage(progress, "siting"):
        try:
            chosen: pd.DataFrame | None = plant_set(found, plants_wanted, objective=objective)
            note = ""
        except ArgumentError as error:
            chosen, note = None, error.message  # too few complete places for that many plants: the report says so
    named = [remove] if isinstance(remove, str | Removal) else list(remove)
    tiered = query.scenario.product.tiered
    plants, gaps, links, ranked = _plant_table(found, radius_km), chain_gaps(found), missing_links(found), locate(found)
    disruption = disrupt(query, removals) if removals else None
    access = accessibility(query.times)
    tiers = analyse_tiers(query) if tiered else None
    chain_broken = chain_disruption(query, removals) if tiered and removals else None
    with stage(progress, "sweep, on the cluster") if client is not None else contextlib.nullcontext():
        critical = swept()  # last: on a cluster, the workers swept while this process did the rest
    return Results(query=query, radius_km=radius_km, coverage=found, plants=plants, places=places, gaps=gaps,
                   missing_links=links, sites_ranked=ranked, plant_set=chosen, critical=critical, removals=removals,
                   removed=tuple(r if isinstance(r, str) else r.label for r in named), disruption=disruption,
                   plant_set_note=note, objective=objective, access=access, tiers=tiers,
                   chain_disruption=chain_broken)
