"""Disruption: what breaks when a place, a site or a link drops out.

:func:`disrupt` compares every plant's circle before and after removing what the user
names. :func:`sweep` removes each link, each place and each supplier in turn and ranks them
by the plant-component pairs that fall outside the budget, then by minutes added. The sweep
searches the network once per plant, then for each removal recomputes only the plants whose
fastest routes it can change: a link matters to a plant only when it lies on one of the
plant's shortest-path trees (its two ends differ by exactly its minutes).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.query import Query
>>> from hourcircle.traveltimes import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> table = disrupt(query, ["Hangzhou Bay Bridge"])
>>> {"plant", "category", "before_minutes", "after_minutes", "lost"} <= set(table.columns)
True
>>> ranking = sweep(query)
>>> list(ranking.columns[:4])
['kind', 'id', 'name', 'pairs_broken']
>>> int(ranking.loc[ranking["id"] == "road:jiaxing-ningbo", "alternatives_lost"].iloc[0]) > 0
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.analysis.coverage import pair_table, supplier_minutes
from hourcircle.errors import ArgumentError
from hourcircle.query import Query
from hourcircle.removals import Removal
from hourcircle.traveltimes import TravelTimes

Progress = Callable[[Iterable[Any]], Iterable[Any]]
Removals = str | Removal | Iterable[str | Removal]


def as_removals(times: TravelTimes, remove: Removals) -> tuple[Removal, ...]:
    """Removals as given, with texts resolved (a single text is one removal, not its letters).

    Parameters
    ----------
    times : TravelTimes
        Resolves texts.
    remove : str, Removal, or iterable of them
        What to take out.

    Returns
    -------
    tuple of Removal
        In the order given.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) for a text that names nothing, or several places.
    """
    items = [remove] if isinstance(remove, str | Removal) else list(remove)
    return tuple(item if isinstance(item, Removal) else times.removals(item)[0] for item in items)


def _pairs(query: Query, plant_ids: pd.Index) -> pd.DataFrame:
    """The plants' circles (see :func:`~hourcircle.analysis.coverage.pair_table`) on the query's network."""
    return pair_table(query, supplier_minutes(query, list(plant_ids)), query.suppliers)


def disrupt(query: Query, remove: Removals) -> pd.DataFrame:
    """Every plant's circle before and after removing places, sites or links.

    Computed from scratch on the reduced network, so it also serves as the reference for
    :func:`sweep`.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    remove : str, Removal, or iterable of them
        Place or site ids or names, link ids or parts of link names (see
        :meth:`~hourcircle.traveltimes.TravelTimes.removals`), or resolved removals.

    Returns
    -------
    pandas.DataFrame
        One row per surviving plant and component: ``before_``/``after_`` ``nearest_site``,
        ``minutes``, ``alternatives`` and ``within``; ``lost`` (within the budget before, not
        after), ``minutes_added`` and ``alternatives_lost``.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) if nothing is named, or a text names nothing.
    """
    removals = as_removals(query.times, remove)
    if not removals:
        raise ArgumentError("remove", "needs at least one place, site or link")
    after = query.on(query.times.without(removals))
    plant_ids = query.plants.index.intersection(after.plants.index, sort=False)
    before = _pairs(query, plant_ids)
    changed_pairs = _pairs(after, plant_ids)
    keys = ["origin", "category"]
    columns = [*keys, "nearest_site", "minutes", "alternatives", "within"]
    table = before[columns].merge(changed_pairs[columns], on=keys, suffixes=("_before", "_after"))
    table = table.rename(columns=lambda c: re.sub(r"^(\w+)_(before|after)$", r"\2_\1", c))
    table["lost"] = table["before_within"] & ~table["after_within"]
    table["minutes_added"] = table["after_minutes"] - table["before_minutes"]
    table["alternatives_lost"] = table["before_alternatives"] - table["after_alternatives"]
    return table.rename(columns={"origin": "plant"})


def changed(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`disrupt` table that the removal changed.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`disrupt` table.

    Returns
    -------
    pandas.DataFrame
        Rows whose minutes or alternatives changed.
    """
    return table[(table["minutes_added"].fillna(1) != 0) | (table["alternatives_lost"] != 0)]


def impact(table: pd.DataFrame) -> tuple[int, float, int]:
    """The totals of a :func:`disrupt` table.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`disrupt` table.

    Returns
    -------
    tuple of (int, float, int)
        Pairs lost, minutes added (over pairs still reachable) and alternatives lost.
    """
    return (int(table["lost"].sum()), float(table["minutes_added"].sum(skipna=True)),
            int(table["alternatives_lost"].sum()))


class _Sweep:
    """The baseline of a sweep, and the damage of one removal measured against it.

    Plants and suppliers are leaves (one access leg each), so the network is searched once
    per *place* that has plants, and a plant's minutes are its place's plus its access leg.
    ``trip`` holds plant x supplier trip minutes (terminal minutes included).
    """

    def __init__(self, query: Query) -> None:
        times, mode = query.times, query.mode
        self.query = query
        self.budget = query.budget_minutes
        self.fixed = times.terminal_minutes(mode)
        arrays = times.edge_arrays(mode)
        self.rows = arrays.rows
        self.ends = (arrays.tails, arrays.heads)
        self.minutes = arrays.minutes
        edges = times.network.edges.iloc[arrays.rows]
        sites = query.scenario.sites.index
        self.site_ends = np.asarray(edges["u"].isin(sites) | edges["v"].isin(sites))
        self.plant_ids = query.plants.index
        access = edges[edges["kind"] == "access"].set_index("u")[f"minutes_{mode}"]
        self.access = access.reindex(self.plant_ids).fillna(np.inf).to_numpy()
        self.origins, self.row = np.unique(times.positions(query.plants["place_id"]), return_inverse=True)
        self.sites = query.suppliers
        self.site_pos = times.positions(self.sites.index)
        self.site_category = self.sites["category"].to_numpy()
        self.categories = list(query.components)
        self.dist = times.node_minutes(self.origins, mode)  # plant places x nodes
        self.trip = self._trip(self.dist, np.arange(len(self.plant_ids)))
        self.nearest = self._nearest(self.trip)
        self.within = self.trip <= self.budget  # plants x suppliers
        self.runner_up = self._runner_up()
        finite = np.where(np.isfinite(self.nearest), self.nearest, -np.inf)
        plant_horizon = np.maximum(finite.max(axis=1, initial=-np.inf), self.budget) - self.fixed - self.access
        self.horizon = pd.Series(plant_horizon).groupby(self.row).max().reindex(
            range(len(self.origins)), fill_value=-np.inf).to_numpy() + 1e-9

    def _trip(self, dist: NDArray[np.float64], plants_: NDArray[np.int64]) -> NDArray[np.float64]:
        """Trip minutes from the given plants to every supplier, from their places' rows of ``dist``."""
        return np.asarray(dist[self.row[plants_]][:, self.site_pos] + (self.access[plants_] + self.fixed)[:, None])

    def _nearest(self, trip: NDArray[np.float64], kept: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
        """Plants x categories: minutes to the nearest kept supplier (``inf``: none)."""
        if kept is not None:
            trip = np.where(kept, trip, np.inf)
        return np.column_stack([trip[:, self.site_category == c].min(axis=1, initial=np.inf)
                                for c in self.categories])

    def _runner_up(self) -> NDArray[np.float64]:
        """Plants x categories: minutes to the second-nearest supplier (``inf``: none)."""
        columns = []
        for category in self.categories:
            block = self.trip[:, self.site_category == category]
            columns.append(np.partition(block, 1, axis=1)[:, 1] if block.shape[1] > 1
                           else np.full(len(block), np.inf))
        return np.column_stack(columns) if columns else np.empty((len(self.trip), 0))

    def _supplier_damage(self, site: str) -> tuple[int, float, int, int, int]:
        """One supplier gone and no route changed.

        Only plants whose nearest it was move on, to their second-nearest.
        """
        k = int(np.flatnonzero(self.sites.index == site)[0])
        j = self.categories.index(str(self.site_category[k]))
        before = self.nearest[:, j]
        after = np.where(self.trip[:, k] <= before, self.runner_up[:, j], before)
        both = np.isfinite(before) & np.isfinite(after)
        return (int(((before <= self.budget) & ~(after <= self.budget)).sum()), float((after - before)[both].sum()),
                int(self.within[:, k].sum()), 0, 0)

    def rerouted(self, blocked: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Plant places whose answers a blocked edge can change.

        The edge lies on one of their shortest-path trees (its ends differ by exactly its
        minutes) no farther out than their plants' nearest supplier or the budget, whichever is
        larger; distances only grow, so nothing beyond matters. A site is a leaf: its access
        leg only matters to the site.
        """
        through = blocked[self.rows] & ~self.site_ends
        u, v, w = self.ends[0][through], self.ends[1][through], self.minutes[through]
        du, dv = self.dist[:, u], self.dist[:, v]
        with np.errstate(invalid="ignore"):
            tight = np.isfinite(du) & np.isfinite(dv) & (np.abs(du - dv) >= w - 1e-9 * np.maximum(w, 1.0))
        return np.flatnonzero((tight & (np.maximum(du, dv) <= self.horizon[:, None])).any(axis=1))

    def damage(self, removal: Removal) -> tuple[int, float, int, int, int]:
        """Pairs broken, minutes added, alternatives lost, plants removed, plants searched again."""
        times = self.query.times
        blocked = times.blocked_edges([removal])
        rerouted_rows = self.rerouted(blocked)
        if removal.kind == "site" and not rerouted_rows.size and removal.label in self.sites.index:
            return self._supplier_damage(removal.label)
        kept = ~self.sites.index.isin(list(removal.sites))
        surviving = ~self.plant_ids.isin(list(removal.sites))
        moved = np.flatnonzero(np.isin(self.row, rerouted_rows))  # plants whose searches change
        nearest = self.nearest.copy()
        lost_alternatives = self.within[:, ~kept].sum(axis=1)
        if moved.size:
            dist = self.dist.copy()
            dist[rerouted_rows] = times.node_minutes(self.origins[rerouted_rows], self.query.mode, blocked=blocked)
            trip = self._trip(dist, moved)
            nearest[moved] = self._nearest(trip, kept)
            lost_alternatives[moved] = self.within[moved].sum(axis=1) - (trip[:, kept] <= self.budget).sum(axis=1)
        if not kept.all():
            others = np.setdiff1d(np.arange(len(self.plant_ids)), moved)
            nearest[others] = self._nearest(self.trip[others], kept)
        before, after = self.nearest[surviving], nearest[surviving]
        both = np.isfinite(before) & np.isfinite(after)
        return (int(((before <= self.budget) & ~(after <= self.budget)).sum()),
                float((after - before)[both].sum()), int(lost_alternatives[surviving].sum()),
                int((~surviving).sum()), int(moved.size))

    def candidates(self) -> list[tuple[str, str, str, Removal]]:
        """(kind, id, name, removal) for every link of the mode, every place and every supplier."""
        scenario = self.query.scenario
        places = scenario.places
        links = self.query.times.network.edges.iloc[self.rows].dropna(subset=["link"])
        found = [("link", str(link), str(name) if pd.notna(name) else "", Removal(str(link), "link", links=(link,)))
                 for link, name in zip(links["link"], links["name"], strict=True)]
        found += [("place", str(p), str(name), Removal.of_place(scenario, p))
                  for p, name in zip(places.index, places["name"], strict=True)]
        labels = self.sites["name"].astype(str) + " (" + self.sites["company"].astype(str) + ")"
        found += [("supplier", str(s), label, Removal.of_site(s))
                  for s, label in zip(self.sites.index, labels, strict=True)]
        return found


SWEEP_COLUMNS = ["kind", "id", "name", "pairs_broken", "minutes_added", "alternatives_lost",
                 "plants_removed", "plants_rerouted"]


def sweep(query: Query, *, progress: Progress | None = None,
          kinds: Sequence[str] = ("link", "place", "supplier")) -> pd.DataFrame:
    """Remove each link, place and supplier in turn; rank them by the damage done.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    progress : callable, optional
        Wraps the iterable of removals (a progress bar, say).
    kinds : sequence of {"link", "place", "supplier"}
        What to remove.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``id``, ``name``; ``pairs_broken`` (plant-component pairs within the budget
        before and not after, among surviving plants), ``minutes_added`` (to the nearest
        supplier, summed over pairs still reachable), ``alternatives_lost`` (suppliers no
        longer within the budget, summed over plants and components); ``plants_removed``;
        ``plants_rerouted`` (plants whose searches had to be redone). Sorted by
        ``pairs_broken``, then ``minutes_added``, then ``alternatives_lost``, worst first.
    """
    state = _Sweep(query)
    candidates = [c for c in state.candidates() if c[0] in kinds]
    rows = [(kind, ident, name, *state.damage(removal))
            for kind, ident, name, removal in (progress or iter)(candidates)]
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return (table.assign(_k=table["kind"].map({"link": 0, "place": 1, "supplier": 2}))
            .sort_values(["pairs_broken", "minutes_added", "alternatives_lost", "_k", "id"],
                         ascending=[False, False, False, True, True], kind="stable")
            .drop(columns="_k").reset_index(drop=True))
