"""Disruption: what breaks when a place, a site or a link drops out.

:func:`disrupt` compares every plant's circle before and after removing what the user
names. :func:`sweep` removes each named bridge, tunnel or corridor, each road link or segment,
each place and each supplier in turn and ranks them by the plant-component pairs that fall
outside the budget, then by minutes added. The sweep searches the network once per plant
origin, then for each removal searches again only from the origins whose fastest routes to a
supplier that counts it cuts, no farther than they need.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> table = disrupt(query, ["Hangzhou Bay Bridge"])
>>> {"plant", "category", "before_minutes", "after_minutes", "lost"} <= set(table.columns)
True
>>> ranking = sweep(query, kinds=("infrastructure",))  # named bridges, tunnels and corridors only
>>> list(ranking.columns[:4])
['kind', 'id', 'name', 'pairs_broken']
>>> int(ranking.loc[ranking["id"] == "Hangzhou Bay Bridge", "alternatives_lost"].iloc[0]) > 0
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle import config, netcache
from hourcircle.analysis.coverage import pair_table, supplier_minutes
from hourcircle.batches import Recipe, on_a_worker, prepare, run_batches
from hourcircle.errors import ArgumentError
from hourcircle.progress import Progress, named
from hourcircle.travel.query import Query
from hourcircle.travel.removals import SWEEP_KINDS, Candidate, Removal, sweep_candidates
from hourcircle.travel.times import TravelTimes

if TYPE_CHECKING:
    from distributed import Client

    from hourcircle.profiles import ProfileName

Removals = str | Removal | Iterable[str | Removal]


class Damage(NamedTuple):
    """What one removal does to the plants' circles (a row of the sweep).

    Parameters
    ----------
    pairs_broken : int
        Plant-component pairs within the budget before and not after, among surviving plants.
    minutes_added : float
        To the nearest supplier, summed over the pairs still reachable.
    alternatives_lost : int
        Suppliers no longer within the budget, summed over plants and components.
    plants_removed : int
        Plants the removal takes out.
    plants_rerouted : int
        Plants whose searches had to be redone.
    """

    pairs_broken: int
    minutes_added: float
    alternatives_lost: int
    plants_removed: int
    plants_rerouted: int


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
        (parameter ``remove``) for a text that names nothing, or several places; an
        :class:`~hourcircle.errors.ArgumentTypeError` for anything but texts and removals.
    """
    items = [remove] if isinstance(remove, str | Removal) else check.items(
        "remove", remove, (str, Removal), what="a str, a Removal, or a sequence of them")
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
        :meth:`~hourcircle.travel.times.TravelTimes.removals`), or resolved removals.

    Returns
    -------
    pandas.DataFrame
        One row per surviving plant and component: ``before_``/``after_`` ``nearest_site``,
        ``minutes``, ``alternatives`` and ``within``; ``lost`` (within the budget before, not
        after), ``minutes_added`` and ``alternatives_lost``.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) if nothing is named, or a text names nothing; (``query``) for a
        query that is not a :class:`Query`.
    """
    check.instance("query", query, Query)
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

    Raises
    ------
    ArgumentTypeError
        (parameter ``table``) for anything but a DataFrame.
    """
    check.instance("table", table, pd.DataFrame)
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

    Raises
    ------
    ArgumentTypeError
        (parameter ``table``) for anything but a DataFrame.
    """
    check.instance("table", table, pd.DataFrame)
    return (int(table["lost"].sum()), float(table["minutes_added"].sum(skipna=True)),
            int(table["alternatives_lost"].sum()))


class _Sweep:
    """The baseline of a sweep, and the damage of one removal measured against it.

    Plants and suppliers are leaves (one leg each into the network), so the network is
    searched once per *origin*, the node a plant's leg joins, and a plant's minutes are its
    origin's plus its leg. ``trip`` holds plant x supplier trip minutes (terminal minutes
    included). A removal can change an origin's answers only if it cuts the origin's
    shortest-path tree on the way to a supplier that counts (one within the budget, or the
    nearest of its category): ``tree`` marks those edges. An origin it cuts is searched again,
    no farther than its horizon (the farthest nearest supplier of its plants, or the budget),
    and without that bound only when a category's nearest supplier moves beyond it.
    """

    def __init__(self, query: Query) -> None:
        times, mode = query.times, query.mode
        self.query = query
        self.budget = query.budget_minutes
        arrays = times.edges.arrays(mode)
        edges = times.network.edges
        sites = query.scenario.sites.index
        self.at_site = np.asarray(edges["u"].isin(sites) | edges["v"].isin(sites))
        self.plant_ids = query.plants.index
        self.categories = list(query.components)
        self.sites = query.suppliers
        self.site_pos = times.positions(self.sites.index)
        self.site_category = self.sites["category"].to_numpy()
        leg = pd.Series(arrays.heads, index=arrays.tails).groupby(level=0).first()  # a leaf's one leg
        leg_minutes = pd.Series(arrays.minutes, index=arrays.tails).groupby(level=0).first()
        plant_pos = times.positions(self.plant_ids)
        joined = leg.reindex(plant_pos).fillna(-1).to_numpy(dtype=np.int64)
        self.access = leg_minutes.reindex(plant_pos).fillna(np.inf).to_numpy()
        self.origins, self.row = np.unique(np.where(joined >= 0, joined, plant_pos), return_inverse=True)
        self.row = np.asarray(self.row, dtype=np.int64).reshape(-1)
        self.dist, before = times.engine(mode).trees(self.origins)  # origins x nodes
        self.trip = self._trip(self.dist, np.arange(len(self.plant_ids)))
        self.nearest = self._nearest(self.trip)
        self.within = self.trip <= self.budget  # plants x suppliers
        self.runner_up = self._runner_up()
        finite = np.where(np.isfinite(self.nearest), self.nearest, -np.inf)
        farthest = np.maximum(finite.max(axis=1, initial=-np.inf), self.budget)
        plant_horizon = np.array([times.scenario.travel.network_limit(mode, m) for m in farthest]) - self.access
        self.horizon = pd.Series(plant_horizon).groupby(self.row).max().reindex(
            range(len(self.origins)), fill_value=-np.inf).to_numpy() + 1e-9
        self.tree = self._trees(before)  # edges (rows) x origins (columns): on a path that counts

    def _trip(self, dist: NDArray[np.float64], plants_: NDArray[np.int64],
              origins: NDArray[np.int64] | None = None) -> NDArray[np.float64]:
        """Trip minutes from the given plants to every supplier, from their origins' rows of ``dist``.

        ``dist`` holds the rows of ``origins`` only, when they are given.
        """
        rows = self.row[plants_] if origins is None else np.searchsorted(origins, self.row[plants_])
        network = dist[rows[:, None], self.site_pos] + self.access[plants_][:, None]
        return self.query.scenario.travel.trip_minutes(self.query.mode, network)

    def _nearest(self, trip: NDArray[np.float64], kept: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
        """Plants x categories: minutes to the nearest kept supplier (``inf``: none)."""
        if kept is not None:
            trip = np.where(kept, trip, np.inf)
        return np.column_stack([trip[:, self.site_category == c].min(axis=1, initial=np.inf)
                                for c in self.categories]) if self.categories else np.empty((len(trip), 0))

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
        """Edges on some origin's tree (see :meth:`_trees`)."""
        return np.diff(self.tree.indptr) > 0

    def _supplier_damage(self, site: str) -> Damage:
        """One supplier gone and no route changed.

        Only plants whose nearest it was move on, to their second-nearest.
        """
        k = int(np.flatnonzero(self.sites.index == site)[0])
        j = self.categories.index(str(self.site_category[k]))
        before = self.nearest[:, j]
        after = np.where(self.trip[:, k] <= before, self.runner_up[:, j], before)
        both = np.isfinite(before) & np.isfinite(after)
        return Damage(int(((before <= self.budget) & ~(after <= self.budget)).sum()),
                      float((after - before)[both].sum()), int(self.within[:, k].sum()), 0, 0)

    def rerouted(self, blocked: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Origins whose answers the blocked edges can change: the edges cut a path that counts."""
        cut = np.flatnonzero(blocked & ~self.at_site)
        return np.unique(self.tree[cut].indices).astype(np.int64) if cut.size else np.empty(0, dtype=np.int64)

    def damage(self, removal: Removal) -> Damage:
        """What one removal does to the plants' circles."""
        times, mode = self.query.times, self.query.mode
        blocked = times.edges.blocked([removal])
        rerouted_rows = self.rerouted(blocked)
        if removal.kind == "site" and not rerouted_rows.size and removal.label in self.sites.index:
            return self._supplier_damage(removal.label)
        kept = ~self.sites.index.isin(list(removal.sites))
        surviving = ~self.plant_ids.isin(list(removal.sites))
        moved = np.flatnonzero(np.isin(self.row, rerouted_rows))  # plants whose searches change
        nearest = self.nearest.copy()
        lost_alternatives = self.within[:, ~kept].sum(axis=1)
        if moved.size:
            dist = np.empty((len(rerouted_rows), self.dist.shape[1]))  # rows of the origins searched again
            closed = times.engine_without(mode, blocked)
            for i, o in enumerate(rerouted_rows):
                mine = np.flatnonzero(self.row == o)
                reachable = np.isfinite(self.nearest[mine])  # a category none reaches stays out of reach
                for limit in (self.horizon[o], 2 * self.horizon[o], None):  # farther only when a nearest moved out
                    dist[i] = closed.minutes_from(self.origins[o], limit)
                    if np.isfinite(self._nearest(self._trip(dist, mine, rerouted_rows), kept))[reachable].all():
                        break
            trip = self._trip(dist, moved, rerouted_rows)
            nearest[moved] = self._nearest(trip, kept)
            lost_alternatives[moved] = self.within[moved].sum(axis=1) - (trip[:, kept] <= self.budget).sum(axis=1)
        if not kept.all():
            others = np.setdiff1d(np.arange(len(self.plant_ids)), moved)
            nearest[others] = self._nearest(self.trip[others], kept)
        before, after = self.nearest[surviving], nearest[surviving]
        both = np.isfinite(before) & np.isfinite(after)
        return Damage(int(((before <= self.budget) & ~(after <= self.budget)).sum()),
                      float((after[both] - before[both]).sum()), int(lost_alternatives[surviving].sum()),
                      int((~surviving).sum()), int(moved.size))

    def candidates(self) -> list[Candidate]:
        """What the sweep removes (see :func:`hourcircle.travel.removals.sweep_candidates`)."""
        on_trees = set(self.query.times.network.edges["link"].to_numpy()[self.on_trees()].tolist())
        return sweep_candidates(self.query.times.network, self.query.times.edges.arrays(self.query.mode).rows,
                                on_trees, self.sites)

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


@dataclass(frozen=True)
class _SweepRecipe(Recipe):
    """A sweep's baseline as a worker builds it: from the scenario's files and the network cache.

    ``fingerprint`` covers the scenario's content, the network's edges for the mode and the
    budget, so a worker whose network differs refuses to build (and the baseline is sent).
    """

    scenario_file: str
    hours: float
    mode: ProfileName
    fingerprint: str

    @classmethod
    def of(cls, query: Query) -> _SweepRecipe | None:
        """The recipe of a query's sweep, or ``None`` for a scenario without files."""
        scenario = query.scenario
        return None if not scenario.inputs else cls(str(scenario.inputs[0]), query.hours, query.mode,
                                                    _fingerprint(query))

    def build(self) -> _Sweep:
        """The baseline, from the scenario's files (the network read from the cache when it is there)."""
        query = Query(TravelTimes.for_scenario(Path(self.scenario_file)), hours=self.hours, mode=self.mode)
        if _fingerprint(query) != self.fingerprint:
            raise ValueError(f"the network built here from {self.scenario_file} is not the caller's")
        return _Sweep(query)


def _fingerprint(query: Query) -> str:
    """A digest of what a sweep's baseline is computed from: scenario content, the mode's edges, the budget."""
    hashed = hashlib.sha256(f"{netcache.content_digest(query.scenario)}|{query.mode}|{query.hours!r}|"
                            f"{len(query.times.node_ids)}".encode())
    arrays = query.times.edges.arrays(query.mode)
    for array in (arrays.rows, arrays.tails, arrays.heads, arrays.minutes):
        hashed.update(np.ascontiguousarray(array).tobytes())
    return hashed.hexdigest()


def _candidates(state: _Sweep) -> list[Candidate]:
    return state.candidates()


KINDS = SWEEP_KINDS
_PLURAL = {"infrastructure": "infrastructure", "link": "links", "segment": "road segments", "place": "places",
           "supplier": "suppliers"}
SWEEP_COLUMNS = ["kind", "id", "name", *Damage._fields]


def _damages(state: _Sweep, batch: Sequence[Candidate]) -> list[tuple[Any, ...]]:
    """The sweep's rows for a batch of candidates (run where the batch is: here, or on a worker)."""
    return [(kind, ident, name, *state.damage(removal)) for kind, ident, name, removal in batch]


def sweep(query: Query, *, progress: Progress | None = None, kinds: Sequence[str] = KINDS,
          client: Client | None = None) -> pd.DataFrame:
    """Remove each piece of infrastructure, link, road segment, place and supplier in turn; rank them.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    progress : callable, optional
        Wraps the iterable of removals (a progress bar, say); on a cluster, asks for Dask's.
    kinds : sequence of {"infrastructure", "link", "segment", "place", "supplier"}
        What to remove: named infrastructure, links (named road patches, or every link of the
        mode on schematic roads), road segments on some plant's routes, places, suppliers.
    client : dask.distributed.Client, optional
        Sweep on this Dask cluster: each worker builds the baseline itself from the scenario's
        files and the network cache (or, when it cannot, receives it once), removals go in
        batches. The ranking is the same as in this process.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``id``, ``name``; ``pairs_broken`` (plant-component pairs within the budget
        before and not after, among surviving plants), ``minutes_added`` (to the nearest
        supplier, summed over pairs still reachable), ``alternatives_lost`` (suppliers no
        longer within the budget, summed over plants and components); ``plants_removed``;
        ``plants_rerouted`` (plants whose searches had to be redone). Sorted by
        ``pairs_broken``, then ``minutes_added``, then ``alternatives_lost``, worst first.

    Raises
    ------
    ArgumentError
        (parameter ``query``, ``progress`` or ``kinds``) for a query that is not a
        :class:`Query`, a progress that cannot be called, or an unknown kind (listing
        :data:`~hourcircle.travel.removals.SWEEP_KINDS`); a str is not a sequence of kinds.
    """
    check.instance("query", query, Query)
    check.function("progress", progress)
    wanted = set(check.some_of("kinds", kinds, SWEEP_KINDS))
    recipe = _SweepRecipe.of(query) if client is not None else None
    shared: _Sweep | _SweepRecipe
    if client is not None and recipe is not None and not prepare(client, recipe):
        shared, found = recipe, on_a_worker(client, _candidates, recipe)  # each worker built its own baseline
    else:
        shared = _Sweep(query)
        found = shared.candidates()
    candidates = [c for c in found if c[0] in wanted]
    # on a cluster, many small batches: candidates differ in cost, and the last batches set the pace
    size = config.sweep_batch if client is None else min(max(len(candidates) // (32 * _workers(client)), 16), 256)
    if client is None:  # kind by kind, so that a progress bar names each
        present = [kind for kind in SWEEP_KINDS if any(c[0] == kind for c in candidates)]
        rows = [row for number, kind in enumerate(present, 1) for row in run_batches(
            _damages, shared, [c for c in candidates if c[0] == kind], batch_size=size,
            progress=named(progress, f"sweep {number} of {len(present)}: {_PLURAL[kind]}", unit="removal", size=len))]
    else:
        rows = run_batches(_damages, shared, candidates, batch_size=size, client=client, progress=progress)
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    order = {kind: i for i, kind in enumerate(SWEEP_KINDS)}
    return (table.assign(_k=table["kind"].map(order))
            .sort_values(["pairs_broken", "minutes_added", "alternatives_lost", "_k", "id"],
                         ascending=[False, False, False, True, True], kind="stable")
            .drop(columns="_k").reset_index(drop=True))


def _workers(client: Client) -> int:
    return max(len(client.scheduler_info().get("workers", {})), 1)
