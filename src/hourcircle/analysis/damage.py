"""What one removal does to the plants' circles, measured against a baseline searched once.

A removal *cuts off* a plant-component pair when no supplier of the component stays reachable,
and pushes it *over the budget* when the nearest one left is farther than the budget; minutes
added count over the pairs still reachable. When a removal cuts a site or place off the
network, :class:`Damage` names what it cut off, so that a road only one place's sites depend
on (their access) can be told from the network's chokepoints.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> state = Baseline(query)
>>> found = state.damage(query.times.removals("Sutong")[0])
>>> found.pairs_cut_off, found.cut_off
(0, '')
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from hourcircle.engine import Engine
from hourcircle.regrow import SHARE, Forest
from hourcircle.travel.query import Query
from hourcircle.travel.removals import Candidate, Removal, sweep_candidates


class Damage(NamedTuple):
    """What one removal does to the plants' circles (a row of the sweep).

    Parameters
    ----------
    pairs_cut_off : int
        Plant-component pairs within the budget before with no supplier reachable after,
        among surviving plants.
    pairs_over_budget : int
        Pairs within the budget before whose nearest supplier left is beyond it.
    minutes_added : float
        To the nearest supplier, summed over the pairs still reachable.
    alternatives_lost : int
        Suppliers no longer within the budget, summed over plants and components.
    plants_removed : int
        Plants the removal takes out.
    plants_rerouted : int
        Plants whose searches had to be redone.
    cut_off : str
        The sites and places (ids, comma-separated) the removal cuts off the network, beside
        those it removes; empty if none.
    """

    pairs_cut_off: int
    pairs_over_budget: int
    minutes_added: float
    alternatives_lost: int
    plants_removed: int
    plants_rerouted: int
    cut_off: str = ""


class Baseline:
    """The baseline of a sweep, and the damage of one removal measured against it.

    Plants and suppliers are leaves (one leg each into the network), so the network is
    searched once per *origin*, the node a plant's leg joins, and a plant's minutes are its
    origin's plus its leg. ``trip`` holds plant x supplier trip minutes (terminal minutes
    included). A removal can change an origin's answers only if it cuts the origin's
    shortest-path tree on the way to a supplier that counts (one within the budget, or the
    nearest of its category): ``tree`` marks those edges. An origin it cuts is searched again,
    no farther than its horizon (the farthest nearest supplier of its plants, or the budget),
    and without that bound only when a category's nearest supplier moves beyond it; and only
    in the subtrees the removal cuts off the origin's tree (see :mod:`hourcircle.regrow`),
    unless they hold more than :attr:`share` of what the search reaches.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    trees : tuple of numpy.ndarray, optional
        The engine's :meth:`~hourcircle.engine.Engine.trees` from :func:`plant_origins`, when
        already searched (in parts, by several workers, say).
    """

    share: float = SHARE  # search the whole network again when a removal cuts more than this share of a search

    def __init__(self, query: Query, trees: tuple[NDArray[np.float64], NDArray[np.int64]] | None = None) -> None:
        times, mode = query.times, query.mode
        self.query = query
        self.budget = query.budget_minutes
        edges = times.network.edges
        sites = query.scenario.sites.index
        self.at_site = np.asarray(edges["u"].isin(sites) | edges["v"].isin(sites))
        self.plant_ids = query.plants.index
        self.categories = list(query.components)
        self.sites = query.suppliers
        self.site_pos = times.positions(self.sites.index)
        self.site_category = self.sites["category"].to_numpy()
        self._columns = [np.flatnonzero(self.site_category == c) for c in self.categories]  # suppliers by category
        self.origins, self.row, self.access = plant_origins(query)
        self._all_sites = np.ones(len(self.sites), dtype=bool)  # kept and surviving when a removal takes no site
        self._all_plants = np.ones(len(self.plant_ids), dtype=bool)
        engine = times.engine(mode)
        dist, before = engine.trees(self.origins) if trees is None else trees  # origins x nodes
        self.dist = dist[:, self.site_pos]  # origins x suppliers
        self.trip = self._trip(self.dist, np.arange(len(self.plant_ids)))
        self.nearest = self._nearest(self.trip)
        self.within = self.trip <= self.budget  # plants x suppliers
        self.runner_up = self._runner_up()
        finite = np.where(np.isfinite(self.nearest), self.nearest, -np.inf)
        farthest = np.maximum(finite.max(axis=1, initial=-np.inf), self.budget)
        plant_horizon = np.array([times.scenario.travel.network_limit(mode, m) for m in farthest]) - self.access
        self.horizon = pd.Series(plant_horizon).groupby(self.row).max().reindex(
            range(len(self.origins)), fill_value=-np.inf).to_numpy() + 1e-9
        reaches = np.c_[self.horizon, 2 * self.horizon]  # the limits of damage's first two searches
        self.forest = Forest(engine, self.origins, dist, before, reaches)  # searches again only what is cut
        self.tree = self._trees(before)  # edges (rows) x origins (columns): on a path that counts
        self._leaves: tuple[pd.Index, NDArray[np.int64], NDArray[np.int64]] | None = None  # see _cut_off
        self._candidates: list[Candidate] | None = None  # see candidates

    def _trip(self, dist: NDArray[np.float64], plants_: NDArray[np.int64],
              origins: NDArray[np.int64] | None = None) -> NDArray[np.float64]:
        """Trip minutes from the given plants to every supplier, from their origins' rows of ``dist``.

        ``dist`` holds network minutes to the suppliers, one row per origin (the rows of
        ``origins`` only, when they are given).
        """
        rows = self.row[plants_] if origins is None else np.searchsorted(origins, self.row[plants_])
        network = dist[rows] + self.access[plants_][:, None]
        return self.query.scenario.travel.trip_minutes(self.query.mode, network)

    def _nearest(self, trip: NDArray[np.float64], kept: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
        """Plants x categories: minutes to the nearest kept supplier (``inf``: none)."""
        if kept is not None:
            trip = np.where(kept, trip, np.inf)
        return np.column_stack([trip[:, columns].min(axis=1, initial=np.inf)
                                for columns in self._columns]) if self.categories else np.empty((len(trip), 0))

    def _runner_up(self) -> NDArray[np.float64]:
        """Plants x categories: minutes to the second-nearest supplier (``inf``: none)."""
        columns = []
        for category in self.categories:
            block = self.trip[:, self.site_category == category]
            columns.append(np.partition(block, 1, axis=1)[:, 1] if block.shape[1] > 1
                           else np.full(len(block), np.inf))
        return np.column_stack(columns) if columns else np.empty((len(self.trip), 0))

    def _trees(self, before: NDArray[np.int64]) -> sp.csr_array:
        """Edges x origins: the edges on an origin's fastest routes to the suppliers that count.

        Suppliers count when within the budget of one of its plants, or the nearest of a
        category; a site's own leg is left out (a site is a leaf).
        """
        times, mode = self.query.times, self.query.mode
        columns = [(k, self.site_category == c) for k, c in enumerate(self.categories)]
        rows, cols = [], []
        for o in range(len(self.origins)):
            mine = self.row == o
            counts = self.within[mine].any(axis=0)
            for k, in_category in columns:
                counts |= in_category & np.any(self.trip[mine] <= self.nearest[mine, k][:, None], axis=0)
            nodes = _ancestors(before[o], self.site_pos[counts])
            nodes = nodes[before[o][nodes] >= 0]
            found = times.edges.between(nodes, before[o][nodes], mode)
            found = found[~self.at_site[found]]
            rows.append(found)
            cols.append(np.full(len(found), o))
        flat_rows = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        flat_cols = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
        shape = (len(times.network.edges), len(self.origins))
        return sp.coo_array((np.ones(len(flat_rows), dtype=bool), (flat_rows, flat_cols)), shape=shape).tocsr()

    def on_trees(self) -> NDArray[np.bool_]:
        """Edges on some origin's tree (see :meth:`_trees`).

        Returns
        -------
        numpy.ndarray of bool
            One flag per row of the network's edges.
        """
        return np.diff(self.tree.indptr) > 0

    def _supplier_damage(self, site: str) -> Damage:
        """One supplier gone and no route changed.

        Only plants whose nearest it was move on, to their second-nearest.
        """
        k = int(np.flatnonzero(self.sites.index == site)[0])
        j = self.categories.index(str(self.site_category[k]))
        before = self.nearest[:, j]
        after = np.where(self.trip[:, k] <= before, self.runner_up[:, j], before)
        return _damage(before, after, self.budget, int(self.within[:, k].sum()), 0, 0)

    def rerouted(self, blocked: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Origins whose answers the blocked edges can change: the edges cut a path that counts.

        Parameters
        ----------
        blocked : numpy.ndarray of bool
            One flag per row of the network's edges.

        Returns
        -------
        numpy.ndarray of int
            Rows of :attr:`origins`, ascending.
        """
        cut = np.flatnonzero(blocked & ~self.at_site)
        indptr, indices = self.tree.indptr, self.tree.indices
        found = [indices[indptr[row]:indptr[row + 1]] for row in cut.tolist()]
        return np.unique(np.concatenate(found)).astype(np.int64) if found else np.empty(0, dtype=np.int64)

    def damage(self, removal: Removal) -> Damage:
        """What one removal does to the plants' circles.

        Parameters
        ----------
        removal : Removal
            A place, site or links.

        Returns
        -------
        Damage
            Pairs cut off and over the budget, minutes added, alternatives lost, and what it
            cuts off the network.
        """
        times, mode = self.query.times, self.query.mode
        blocked = times.edges.blocked([removal])
        rerouted_rows = self.rerouted(blocked)
        if removal.kind == "site" and not rerouted_rows.size and removal.label in self.sites.index:
            return self._supplier_damage(removal.label)
        kept = ~self.sites.index.isin(list(removal.sites)) if removal.sites else self._all_sites
        surviving = ~self.plant_ids.isin(list(removal.sites)) if removal.sites else self._all_plants
        searched = np.zeros(len(self.origins), dtype=bool)
        searched[rerouted_rows] = True
        moved = np.flatnonzero(searched[self.row])  # plants whose searches change
        nearest = self.nearest.copy()
        lost_alternatives = self.within[:, ~kept].sum(axis=1)
        cut_off = ""
        if moved.size:
            dist = np.empty((len(rerouted_rows), self.dist.shape[1]))  # rows of the origins searched again
            arrays = times.edges.arrays(mode)
            shut = blocked[arrays.rows]
            change = self.forest.change(arrays.tails[shut], arrays.heads[shut],
                                        times.edges.parallel_minutes(mode, shut))
            closed: Engine | None = None
            trips = np.empty((len(self.plant_ids), len(self.sites)))
            for i, o in enumerate(rerouted_rows):
                mine = np.flatnonzero(self.row == o)
                reachable = np.isfinite(self.nearest[mine])  # a category none reaches stays out of reach
                for limit in (self.horizon[o], 2 * self.horizon[o], None):  # farther only when a nearest moved out
                    found = self.forest.minutes(o, change, self.site_pos, limit, share=self.share)
                    if found is None:  # most of the search cut: the whole network again is as fast
                        closed = times.engine_without(mode, blocked) if closed is None else closed
                        found = closed.minutes_from(self.origins[o], limit)[self.site_pos]
                    dist[i] = found
                    trips[mine] = self._trip(dist, mine, rerouted_rows)
                    if np.isfinite(self._nearest(trips[mine], kept))[reachable].all():
                        break
            trip = trips[moved]
            nearest[moved] = self._nearest(trip, kept)
            lost_alternatives[moved] = self.within[moved].sum(axis=1) - (trip[:, kept] <= self.budget).sum(axis=1)
            gone = ~np.isfinite(trip[:, kept])  # beyond a bounded search, or cut off: the components tell
            newly_unreachable = np.isfinite(self.nearest[moved]) & np.isinf(nearest[moved])
            if np.any(self.within[moved][:, kept] & gone) or np.any(newly_unreachable):
                cut_off = self._cut_off(times.engine_without(mode, blocked) if closed is None else closed, removal)
        if not kept.all():
            others = np.setdiff1d(np.arange(len(self.plant_ids)), moved)
            nearest[others] = self._nearest(self.trip[others], kept)
        return _damage(self.nearest[surviving], nearest[surviving], self.budget,
                       int(lost_alternatives[surviving].sum()), int((~surviving).sum()), int(moved.size), cut_off)

    def _cut_off(self, closed: Engine, removal: Removal) -> str:
        """The sites and places a closed network no longer joins to the rest (ids, comma-separated).

        A leaf is cut off when its component no longer holds the most leaves of the component
        it was in; the removal's own places and sites do not count.
        """
        times = self.query.times
        if self._leaves is None:
            scenario = self.query.scenario
            ids = pd.Index([*scenario.places.index, *scenario.sites.index])
            self._leaves = (ids, times.positions(ids), times.engine(self.query.mode).components())
        ids, positions, base = self._leaves
        now = closed.components()[positions]
        was = base[positions]
        labels = int(now.max(initial=0)) + 1
        pairs, leaves = np.unique(was * labels + now, return_counts=True)  # (was, now) ascending
        before, after = pairs // labels, pairs % labels
        order = np.lexsort((after, -leaves, before))  # by component before, most leaves first, then label
        first = order[np.r_[True, before[order][1:] != before[order][:-1]]]
        main = after[first][np.searchsorted(before[first], was)]  # where most of each component's leaves are
        gone = (now != main) & ~ids.isin([*removal.places, *removal.sites])
        return ", ".join(sorted(ids[gone].astype(str)))

    def candidates(self) -> list[Candidate]:
        """What the sweep removes (see :func:`hourcircle.travel.removals.sweep_candidates`), listed once.

        The same list, in the same order, in every process that builds this baseline: batches
        of a sweep can name candidates by their positions in it.

        Returns
        -------
        list of Candidate
            Kind, id, name and removal of each.
        """
        if self._candidates is None:
            on_trees = set(self.query.times.network.edges["link"].to_numpy()[self.on_trees()].tolist())
            self._candidates = sweep_candidates(self.query.times.network,
                                                self.query.times.edges.arrays(self.query.mode).rows, on_trees,
                                                self.sites)
        return self._candidates


def plant_origins(query: Query) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Where the plants join the network: the nodes a sweep searches from, once each.

    A plant is a leaf with one leg into the network; its origin is the node that leg reaches.

    Parameters
    ----------
    query : Query
        The network, plants and mode.

    Returns
    -------
    tuple of numpy.ndarray
        The origins (node numbers, ascending), each plant's row in them, and each plant's leg
        minutes (``inf`` for a plant without one).

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> from hourcircle.travel.query import Query
    >>> from hourcircle.travel.times import TravelTimes
    >>> query = Query(TravelTimes.for_scenario(bundled()))
    >>> origins, row, access = plant_origins(query)
    >>> len(row) == len(query.plants), int(row.max()) == len(origins) - 1, bool((access > 0).all())
    (True, True, True)
    """
    times = query.times
    arrays = times.edges.arrays(query.mode)
    leg = pd.Series(arrays.heads, index=arrays.tails).groupby(level=0).first()  # a leaf's one leg
    leg_minutes = pd.Series(arrays.minutes, index=arrays.tails).groupby(level=0).first()
    plant_pos = times.positions(query.plants.index)
    joined = leg.reindex(plant_pos).fillna(-1).to_numpy(dtype=np.int64)
    access = np.asarray(leg_minutes.reindex(plant_pos).fillna(np.inf), dtype=np.float64)
    origins, row = np.unique(np.where(joined >= 0, joined, plant_pos), return_inverse=True)
    return origins.astype(np.int64), np.asarray(row, dtype=np.int64).reshape(-1), access


def _ancestors(before: NDArray[np.int64], targets: NDArray[np.int64]) -> NDArray[np.int64]:
    """Every node on the tree paths from the root to the targets (``before``: each node's predecessor)."""
    seen = np.zeros(len(before), dtype=bool)
    frontier = np.unique(targets[before[targets] >= 0]) if len(targets) else targets
    while frontier.size:
        seen[frontier] = True
        parents = before[frontier]
        parents = parents[parents >= 0]
        frontier = np.unique(parents[~seen[parents]])
    return np.flatnonzero(seen)


def _damage(before: NDArray[np.float64], after: NDArray[np.float64], budget: float, alternatives_lost: int,
            plants_removed: int, plants_rerouted: int, cut_off: str = "") -> Damage:
    """A :class:`Damage` from the nearest supplier's minutes before and after (plants x categories)."""
    within = before <= budget
    reachable = np.isfinite(after)
    both = np.isfinite(before) & reachable
    return Damage(int((within & ~reachable).sum()), int((within & reachable & (after > budget)).sum()),
                  float((after[both] - before[both]).sum()), alternatives_lost, plants_removed, plants_rerouted,
                  cut_off)
