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
>>> from hourcircle.traveltimes import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> removal = resolve_removals(times, ["Hangzhou Bay Bridge"])[0]
>>> removal.kind, removal.links
('link', ('road:jiaxing-ningbo', 'road:shanghai-ningbo'))
>>> table = disrupt(times, ["Hangzhou Bay Bridge"])
>>> {"plant", "category", "before_minutes", "after_minutes", "lost"} <= set(table.columns)
True
>>> ranking = sweep(times)
>>> list(ranking.columns[:4])
['kind', 'id', 'name', 'pairs_broken']
>>> int(ranking.loc[ranking["id"] == "road:jiaxing-ningbo", "alternatives_lost"].iloc[0]) > 0
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.analysis.coverage import budget_minutes, pair_table, plants, supplier_minutes, suppliers
from hourcircle.engine import Engine
from hourcircle.errors import AmbiguousNameError, ArgumentError, NameLookupError
from hourcircle.io import Scenario
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes

Progress = Callable[[Iterable[Any]], Iterable[Any]]


@dataclass(frozen=True)
class Removal:
    """What one ``--remove`` names: a place (with its sites), a site, or links (by id or name)."""

    label: str
    kind: str
    places: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    @classmethod
    def of_place(cls, scenario: Scenario, place: str) -> Removal:
        """A place, with every site in it."""
        sites = scenario.sites.index[scenario.sites["place_id"] == place]
        return cls(place, "place", places=(place,), sites=tuple(sites))


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _link_removal(times: TravelTimes, text: str) -> Removal | None:
    """The link whose id is ``text``, or every link whose name contains it (ignoring case, spaces
    and punctuation): a bridge closes on every link that crosses it."""
    edges = times.network.edges.dropna(subset=["link"])
    if text in set(edges["link"]):
        return Removal(text, "link", links=(text,))
    wanted = _compact(text)
    named = edges.dropna(subset=["name"])
    hits = named[named["name"].astype(str).map(_compact).str.contains(wanted, regex=False)] if wanted else named[:0]
    if hits.empty:
        return None
    return Removal(text, "link", links=tuple(sorted(hits["link"])))


def resolve_removals(times: TravelTimes, texts: Sequence[str]) -> list[Removal]:
    """Turn ``--remove`` arguments into removals: a place or site by id or name, else a link.

    An unknown or ambiguous text raises :class:`ArgumentError` naming it.
    """
    scenario = times.network.scenario
    removals = []
    for text in texts:
        try:
            node = times.resolve(text)
        except AmbiguousNameError as error:
            raise ArgumentError(f"--remove {error}") from None
        except NameLookupError as error:
            link = _link_removal(times, text)
            if link is None:
                raise ArgumentError(f"--remove: {error}, and no link's id or name contains it") from None
            removals.append(link)
            continue
        if node in scenario.places.index:
            removals.append(Removal.of_place(scenario, node))
        else:
            removals.append(Removal(node, "site", sites=(node,)))
    return removals


def _mode_edges(times: TravelTimes, mode: ProfileName) -> pd.DataFrame:
    return times.network.edges.dropna(subset=[f"minutes_{mode}"])


def _blocked(edges: pd.DataFrame, removal: Removal) -> NDArray[np.bool_]:
    """Edges a removal takes away: its links, and every edge touching its places and sites."""
    gone = list(removal.places) + list(removal.sites)
    return np.asarray(edges["link"].isin(removal.links) | edges["u"].isin(gone) | edges["v"].isin(gone))


def _pairs(times: TravelTimes, engine: Engine, plant_ids: pd.Index, sites: pd.DataFrame,
           mode: ProfileName, budget: float) -> pd.DataFrame:
    """The plants' circles (see :func:`~hourcircle.analysis.coverage.pair_table`) on ``engine``,
    with ``sites`` as the suppliers left."""
    minutes = supplier_minutes(times, list(plant_ids), mode, engine)[sites.index]
    return pair_table(minutes, sites, times.network.scenario, budget)


def disrupt(times: TravelTimes, remove: Sequence[str], hours: float | None = None,
            mode: ProfileName = "truck") -> pd.DataFrame:
    """Every plant's circle before and after removing ``remove`` (places, sites, link ids or names).

    One row per surviving plant and component: nearest supplier, minutes and alternatives
    before and after, ``lost`` (within the budget before, not after) and ``minutes_added``.
    Computed from scratch on the reduced network, so it also serves as the reference for
    :func:`sweep`.
    """
    if not remove:
        raise ArgumentError("--remove needs at least one place, site or link")
    removals = resolve_removals(times, remove)
    scenario = times.network.scenario
    budget = budget_minutes(times, hours)
    gone_sites = {s for r in removals for s in r.sites}
    edges = _mode_edges(times, mode)
    blocked = np.any([_blocked(edges, r) for r in removals], axis=0)
    kept = edges[~blocked]
    ids = times.node_ids
    after_engine = Engine(ids.get_indexer(pd.Index(kept["u"])), ids.get_indexer(pd.Index(kept["v"])),
                          kept[f"minutes_{mode}"].to_numpy(), len(ids))
    plant_ids = plants(scenario).index.difference(pd.Index(sorted(gone_sites)), sort=False)
    sites = suppliers(scenario)
    before = _pairs(times, times.engine(mode), plant_ids, sites, mode, budget)
    after = _pairs(times, after_engine, plant_ids, sites.drop(index=sites.index.intersection(list(gone_sites))),
                   mode, budget)
    keys = ["origin", "category"]
    table = before[[*keys, "nearest_site", "minutes", "alternatives", "within"]].merge(
        after[[*keys, "nearest_site", "minutes", "alternatives", "within"]], on=keys, suffixes=("_before", "_after"))
    table = table.rename(columns=lambda c: re.sub(r"^(\w+)_(before|after)$", r"\2_\1", c))
    table["lost"] = table["before_within"] & ~table["after_within"]
    table["minutes_added"] = table["after_minutes"] - table["before_minutes"]
    table["alternatives_lost"] = table["before_alternatives"] - table["after_alternatives"]
    return table.rename(columns={"origin": "plant"})


def changed(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`disrupt` table that the removal changed (minutes or alternatives)."""
    return table[(table["minutes_added"].fillna(1) != 0) | (table["alternatives_lost"] != 0)]


def impact(table: pd.DataFrame) -> tuple[int, float, int]:
    """Pairs lost, minutes added (over pairs still reachable) and alternatives lost of a
    :func:`disrupt` table."""
    return (int(table["lost"].sum()), float(table["minutes_added"].sum(skipna=True)),
            int(table["alternatives_lost"].sum()))


class _Sweep:
    """The baseline of a sweep, and the damage of one removal measured against it.

    Plants and suppliers are leaves (one access leg each), so the network is searched once
    per *place* that has plants, and a plant's minutes are its place's plus its access leg.
    ``trip`` holds plant x supplier trip minutes (terminal minutes included).
    """

    def __init__(self, times: TravelTimes, hours: float | None, mode: ProfileName) -> None:
        scenario = times.network.scenario
        self.scenario = scenario
        self.budget = budget_minutes(times, hours)
        self.fixed = times.terminal_minutes(mode)
        self.engine = times.engine(mode)
        self.edges = _mode_edges(times, mode)
        ids = times.node_ids
        self.ends = (ids.get_indexer(pd.Index(self.edges["u"])), ids.get_indexer(pd.Index(self.edges["v"])))
        self.minutes = self.edges[f"minutes_{mode}"].to_numpy()
        at_site = self.edges["u"].isin(scenario.sites.index) | self.edges["v"].isin(scenario.sites.index)
        self.site_ends = np.asarray(at_site)
        u, v = self.ends
        self.pair_key = np.minimum(u, v).astype(np.int64) * len(ids) + np.maximum(u, v)
        self.by_pair = _groups(self.pair_key)
        self.by_link = _groups(self.edges["link"].to_numpy())
        self.by_node = _groups(np.r_[self.edges["u"].to_numpy(), self.edges["v"].to_numpy()],
                               np.r_[np.arange(len(u)), np.arange(len(u))])
        found = plants(scenario)
        self.plant_ids = found.index
        access = self.edges[self.edges["kind"] == "access"].set_index("u")[f"minutes_{mode}"]
        self.access = access.reindex(self.plant_ids).fillna(np.inf).to_numpy()
        self.origins, self.row = np.unique(ids.get_indexer(pd.Index(found["place_id"])), return_inverse=True)
        self.sites = suppliers(scenario)
        self.site_pos = ids.get_indexer(self.sites.index)
        self.site_category = self.sites["category"].to_numpy()
        self.categories = [c for c in scenario.product.categories if c != scenario.product.plant_category]
        self.dist = self.engine.minutes_from_many(self.origins)  # plant places x nodes
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
        """One supplier gone and no route changed: only plants whose nearest it was move on, to
        their second-nearest."""
        k = int(np.flatnonzero(self.sites.index == site)[0])
        j = self.categories.index(str(self.site_category[k]))
        before = self.nearest[:, j]
        after = np.where(self.trip[:, k] <= before, self.runner_up[:, j], before)
        both = np.isfinite(before) & np.isfinite(after)
        return (int(((before <= self.budget) & ~(after <= self.budget)).sum()), float((after - before)[both].sum()),
                int(self.within[:, k].sum()), 0, 0)

    def rerouted(self, blocked: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Plant places whose answers a blocked edge can change: it lies on one of their
        shortest-path trees (its ends differ by exactly its minutes) no farther out than their
        plants' nearest supplier or the budget, whichever is larger; distances only grow, so
        nothing beyond matters. A site is a leaf: its access leg only matters to the site."""
        through = blocked & ~self.site_ends
        u, v, w = self.ends[0][through], self.ends[1][through], self.minutes[through]
        du, dv = self.dist[:, u], self.dist[:, v]
        with np.errstate(invalid="ignore"):
            tight = np.isfinite(du) & np.isfinite(dv) & (np.abs(du - dv) >= w - 1e-9 * np.maximum(w, 1.0))
        return np.flatnonzero((tight & (np.maximum(du, dv) <= self.horizon[:, None])).any(axis=1))

    def blocked(self, removal: Removal) -> NDArray[np.bool_]:
        """Edges a removal takes away (as :func:`_blocked`, from prebuilt indexes)."""
        mask = np.zeros(len(self.minutes), dtype=bool)
        for link in removal.links:
            mask[self.by_link.get(link, [])] = True
        for node in (*removal.places, *removal.sites):
            mask[self.by_node.get(node, [])] = True
        return mask

    def parallel_minutes(self, blocked: NDArray[np.bool_]) -> NDArray[np.float64]:
        """For each blocked edge, the fastest unblocked edge between its two ends (``inf`` if none)."""
        best = []
        for key in self.pair_key[blocked]:
            left = [i for i in self.by_pair[key] if not blocked[i]]
            best.append(min((self.minutes[i] for i in left), default=np.inf))
        return np.asarray(best, dtype=np.float64)

    def damage(self, removal: Removal) -> tuple[int, float, int, int, int]:
        """Pairs broken, minutes added, alternatives lost, plants removed, plants searched again."""
        blocked = self.blocked(removal)
        rerouted_rows = self.rerouted(blocked)
        if removal.kind == "site" and not rerouted_rows.size and removal.label in self.sites.index:
            return self._supplier_damage(removal.label)
        kept = ~self.sites.index.isin(list(removal.sites))
        surviving = ~self.plant_ids.isin(list(removal.sites))
        moved = np.flatnonzero(np.isin(self.row, rerouted_rows))  # plants whose searches change
        nearest = self.nearest.copy()
        lost_alternatives = self.within[:, ~kept].sum(axis=1)
        if moved.size:
            u, v = self.ends[0][blocked], self.ends[1][blocked]
            changed = self.engine.with_minutes(u, v, self.parallel_minutes(blocked))
            dist = self.dist.copy()
            dist[rerouted_rows] = changed.minutes_from_many(self.origins[rerouted_rows])
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
        places = self.scenario.places
        links = self.edges.dropna(subset=["link"])
        found = [("link", str(link), str(name) if pd.notna(name) else "", Removal(str(link), "link", links=(link,)))
                 for link, name in zip(links["link"], links["name"], strict=True)]
        found += [("place", str(p), str(name), Removal.of_place(self.scenario, p))
                  for p, name in zip(places.index, places["name"], strict=True)]
        labels = self.sites["name"].astype(str) + " (" + self.sites["company"].astype(str) + ")"
        found += [("supplier", str(s), label, Removal(s, "site", sites=(s,)))
                  for s, label in zip(self.sites.index, labels, strict=True)]
        return found


SWEEP_COLUMNS = ["kind", "id", "name", "pairs_broken", "minutes_added", "alternatives_lost",
                 "plants_removed", "plants_rerouted"]


def sweep(times: TravelTimes, hours: float | None = None, mode: ProfileName = "truck",
          progress: Progress | None = None, kinds: Sequence[str] = ("link", "place", "supplier")) -> pd.DataFrame:
    """Remove each link, place and supplier in turn; rank them by the damage done.

    Columns: ``kind`` (link, place, supplier), ``id``, ``name``; ``pairs_broken`` (plant-component
    pairs within the budget before and not after, among surviving plants), ``minutes_added``
    (to the nearest supplier, summed over pairs still reachable), ``alternatives_lost``
    (suppliers no longer within the budget, summed over plants and components);
    ``plants_removed``; ``plants_rerouted`` (plants whose searches had to be redone).
    ``kinds`` limits what is removed.
    Sorted by ``pairs_broken``, then ``minutes_added``, then ``alternatives_lost``, worst first.
    """
    state = _Sweep(times, hours, mode)
    candidates = [c for c in state.candidates() if c[0] in kinds]
    rows = [(kind, ident, name, *state.damage(removal))
            for kind, ident, name, removal in (progress or iter)(candidates)]
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return (table.assign(_k=table["kind"].map({"link": 0, "place": 1, "supplier": 2}))
            .sort_values(["pairs_broken", "minutes_added", "alternatives_lost", "_k", "id"],
                         ascending=[False, False, False, True, True], kind="stable")
            .drop(columns="_k").reset_index(drop=True))


def _groups(keys: NDArray[Any], positions: NDArray[np.int64] | None = None) -> dict[Any, list[int]]:
    """Positions of each key's occurrences (``positions`` relabels them)."""
    found: dict[Any, list[int]] = {}
    labels = np.arange(len(keys)) if positions is None else positions
    for key, position in zip(keys.tolist(), labels.tolist(), strict=True):
        found.setdefault(key, []).append(position)
    return found
