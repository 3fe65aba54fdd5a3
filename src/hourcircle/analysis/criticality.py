"""The criticality sweep: remove every link, place and supplier in turn, and rank what breaks most.

:func:`sweep` removes each named bridge, tunnel or corridor, each road link or segment,
each place and each supplier in turn and ranks them by the plant-component pairs it breaks
(cut off: no supplier of the component reachable; or pushed over the budget), then by
minutes added. A road segment whose loss cuts off only the sites and centre of one place is
that place's *access*, not a chokepoint of the network: its kind is ``access``. The sweep
searches the network once per plant origin, then for each removal searches again only from
the origins whose fastest routes to a supplier that counts it cuts, no farther than they need,
and only the parts of their trees it cuts (see :mod:`hourcircle.analysis.damage` and
:mod:`hourcircle.regrow`). On a Dask cluster the workers build that baseline themselves, each
searching a share of the origins, and only positions of removals travel; :func:`sweep_soon`
starts such a sweep and returns at once, so that this process can work on meanwhile.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> ranking = sweep(query, kinds=("infrastructure",))  # named bridges, tunnels and corridors only
>>> list(ranking.columns[:5])
['kind', 'id', 'name', 'pairs_cut_off', 'pairs_over_budget']
>>> int(ranking.loc[ranking["id"] == "Hangzhou Bay Bridge", "alternatives_lost"].iloc[0]) > 0
True
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle import config, netcache
from hourcircle.analysis.damage import Baseline, Damage, plant_origins
from hourcircle.batches import SplitRecipe, on_a_worker, prepare, run_batches
from hourcircle.progress import Progress, named
from hourcircle.scenario import Scenario
from hourcircle.travel.query import Query
from hourcircle.travel.removals import SWEEP_KINDS
from hourcircle.travel.times import TravelTimes

if TYPE_CHECKING:
    from distributed import Client

    from hourcircle.profiles import ProfileName


@dataclass(frozen=True)
class _SweepRecipe(SplitRecipe):
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

    def share(self, part: int, parts: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """The shortest-path trees from one of ``parts`` consecutive shares of the plants' origins (the costly part)."""
        query = _recipe_query(self)
        origins = np.array_split(plant_origins(query)[0], parts)[part]
        return query.times.engine(query.mode).trees(origins)

    def build(self, shares: Sequence[tuple[NDArray[np.float64], NDArray[np.int64]]] | None = None) -> Baseline:
        """The baseline and its candidates, from the trees of every share when given."""
        trees = None if shares is None else (np.concatenate([dist for dist, _ in shares]),
                                             np.concatenate([before for _, before in shares]))
        state = Baseline(_recipe_query(self), trees)
        state.candidates()  # listed while every worker builds, not by one worker while the others wait
        return state


@functools.lru_cache(maxsize=1)
def _recipe_query(recipe: _SweepRecipe) -> Query:
    """A recipe's query, from the scenario's files (the network from the cache when there), once per process.

    Checked against the caller's network (see :attr:`_SweepRecipe.fingerprint`).
    """
    query = Query(TravelTimes.for_scenario(Path(recipe.scenario_file)), hours=recipe.hours, mode=recipe.mode)
    if _fingerprint(query) != recipe.fingerprint:
        raise ValueError(f"the network built here from {recipe.scenario_file} is not the caller's")
    return query


def _fingerprint(query: Query) -> str:
    """A digest of what a sweep's baseline is computed from: scenario content, the mode's edges, the budget."""
    hashed = hashlib.sha256(f"{netcache.content_digest(query.scenario)}|{query.mode}|{query.hours!r}|"
                            f"{len(query.times.node_ids)}".encode())
    arrays = query.times.edges.arrays(query.mode)
    for array in (arrays.rows, arrays.tails, arrays.heads, arrays.minutes):
        hashed.update(np.ascontiguousarray(array).tobytes())
    return hashed.hexdigest()


def _kinds(state: Baseline) -> NDArray[np.str_]:
    """The kind of each of the baseline's candidates, in their order (all a caller needs to choose some).

    An array: Dask sends it as one buffer, where a list of 9,000 texts took it a quarter of a second.
    """
    return np.array([kind for kind, *_ in state.candidates()], dtype=str)


KINDS = SWEEP_KINDS
_PLURAL = {"infrastructure": "infrastructure", "link": "links", "segment": "road segments", "place": "places",
           "supplier": "suppliers"}
ROW_KINDS = ("infrastructure", "link", "segment", "access", "place", "supplier")  # a sweep's rows, in this order
SWEEP_COLUMNS = ["kind", "id", "name", *Damage._fields]


def _damages(state: Baseline, batch: Sequence[int]) -> list[tuple[Any, ...]]:
    """The sweep's rows for a batch of candidates, by position (run where the batch is: here, or on a worker)."""
    found = state.candidates()
    return [(kind, ident, name, *state.damage(removal)) for kind, ident, name, removal in (found[i] for i in batch)]


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
        A segment whose loss cuts off the sites and centre of one place only is ranked as
        that place's ``access`` (see :func:`access_rows`).
    client : dask.distributed.Client, optional
        Sweep on this Dask cluster: each worker builds the baseline itself from the scenario's
        files and the network cache (or, when it cannot, receives it once), removals go in
        batches. The ranking is the same as in this process.

    Returns
    -------
    pandas.DataFrame
        ``kind`` (one of :data:`ROW_KINDS`), ``id``, ``name``; ``pairs_cut_off`` and
        ``pairs_over_budget`` (plant-component pairs within the budget before, among
        surviving plants, with no supplier reachable after, or the nearest beyond the
        budget), ``minutes_added`` (to the nearest supplier, summed over pairs still
        reachable), ``alternatives_lost`` (suppliers no longer within the budget, summed over
        plants and components); ``plants_removed``; ``plants_rerouted`` (plants whose
        searches had to be redone); ``cut_off`` (the sites and places it cuts off the
        network). Sorted by the pairs broken (cut off and over the budget), then cut off,
        then ``minutes_added``, then ``alternatives_lost``, worst first.

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
    rows = _rows_on_workers(recipe, wanted, client, progress) if recipe is not None and client is not None else None
    if rows is None:
        rows = _rows(Baseline(query), wanted, client, progress)
    return _ranking(rows, query.scenario)


def sweep_soon(query: Query, *, kinds: Sequence[str] = KINDS, client: Client) -> Callable[[], pd.DataFrame]:
    """Start a sweep on a Dask cluster and return at once: this process works on while the workers sweep.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    kinds : sequence of str
        What to remove (see :func:`sweep`).
    client : dask.distributed.Client
        The cluster. Its workers build the baseline from the scenario's files and sweep; a
        thread of this process waits for them. Where they cannot (a scenario without files),
        the sweep runs when the ranking is asked for, sending the baseline.

    Returns
    -------
    callable
        Called without arguments, waits for the sweep and returns its ranking: the same as
        ``sweep(query, kinds=kinds, client=client)``.

    Raises
    ------
    ArgumentError
        (parameter ``query`` or ``kinds``) as :func:`sweep`, at once.
    """
    check.instance("query", query, Query)
    wanted = set(check.some_of("kinds", kinds, SWEEP_KINDS))
    recipe = _SweepRecipe.of(query)
    if recipe is None:
        return functools.partial(sweep, query, kinds=kinds, client=client)
    waiting = ThreadPoolExecutor(1, thread_name_prefix="hourcircle sweep")
    rows = waiting.submit(_rows_on_workers, recipe, wanted, client, None)
    waiting.shutdown(wait=False)  # the thread ends with the sweep (or when the cluster closes)

    def ranking() -> pd.DataFrame:
        found = rows.result()
        return _ranking(_rows(Baseline(query), wanted, client, None) if found is None else found, query.scenario)

    return ranking


def _rows_on_workers(recipe: _SweepRecipe, wanted: set[str], client: Client,
                     progress: Progress | None) -> list[tuple[Any, ...]] | None:
    """The sweep's rows, from workers that build the baseline themselves; ``None`` when they cannot."""
    if prepare(client, recipe):
        return None
    kinds_found = on_a_worker(client, _kinds, recipe)
    chosen = _chosen(kinds_found, wanted)
    return run_batches(_damages, recipe, chosen.tolist(), batch_size=_cluster_batch(len(chosen), client),
                       client=client, progress=progress)


def _rows(state: Baseline, wanted: set[str], client: Client | None, progress: Progress | None
          ) -> list[tuple[Any, ...]]:
    """The sweep's rows from a baseline: in this process kind by kind, or on a cluster that is sent it."""
    kinds_found = _kinds(state)
    chosen = _chosen(kinds_found, wanted)
    if client is not None:
        return run_batches(_damages, state, chosen.tolist(), batch_size=_cluster_batch(len(chosen), client),
                           client=client, progress=progress)
    present = [kind for kind in SWEEP_KINDS if kind in wanted and kind in kinds_found]  # a bar names each
    return [row for number, kind in enumerate(present, 1) for row in run_batches(
        _damages, state, chosen[kinds_found[chosen] == kind].tolist(), batch_size=config.sweep_batch,
        progress=named(progress, f"sweep {number} of {len(present)}: {_PLURAL[kind]}", unit="removal", size=len))]


def _chosen(kinds_found: NDArray[np.str_], wanted: set[str]) -> NDArray[np.int64]:
    """The positions of the wanted kinds in a baseline's candidates (what batches carry, wherever it is built)."""
    return np.flatnonzero(np.isin(kinds_found, list(wanted)))


def _cluster_batch(count: int, client: Client) -> int:
    """On a cluster, many small batches: candidates differ in cost, and the last batches set the pace."""
    return min(max(count // (32 * _workers(client)), 16), 256)


def _ranking(rows: list[tuple[Any, ...]], scenario: Scenario) -> pd.DataFrame:
    """The sweep's rows as a table, access roads marked, worst first."""
    table = access_rows(pd.DataFrame(rows, columns=SWEEP_COLUMNS), scenario)
    order = {kind: i for i, kind in enumerate(ROW_KINDS)}
    return (table.assign(_k=table["kind"].map(order), _b=table["pairs_cut_off"] + table["pairs_over_budget"])
            .sort_values(["_b", "pairs_cut_off", "minutes_added", "alternatives_lost", "_k", "id"],
                         ascending=[False, False, False, False, True, True], kind="stable")
            .drop(columns=["_k", "_b"]).reset_index(drop=True))


def access_rows(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Sweep rows with road segments that are one place's access marked so.

    A segment whose loss cuts off sites or the centre of one place only (the only road to a
    plant, say) is where that place's sites were put, not a chokepoint of the network: its
    kind becomes ``access`` and its name says whose.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep rows (:data:`SWEEP_COLUMNS`).
    scenario : Scenario
        The places and sites.

    Returns
    -------
    pandas.DataFrame
        A copy, with ``kind`` and ``name`` changed where a segment is an access.

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> from hourcircle.io import load_scenario
    >>> row = ("segment", "seg:1", "road near Yangzhou", 5, 0, 0.0, 56, 0, 1, "saic_vw_yizheng")
    >>> table = access_rows(pd.DataFrame([row], columns=SWEEP_COLUMNS), load_scenario(bundled()))
    >>> table[["kind", "name"]].values.tolist()
    [['access', 'access to Yangzhou: road near Yangzhou']]
    """
    place_of = pd.concat([pd.Series(scenario.places.index, index=scenario.places.index),
                          scenario.sites["place_id"]])
    table = table.copy()
    for i in table.index[(table["kind"] == "segment") & (table["cut_off"] != "")]:
        places = set(place_of.reindex(str(table.at[i, "cut_off"]).split(", ")).dropna())
        if len(places) == 1:
            place = places.pop()
            table.at[i, "kind"] = "access"
            table.at[i, "name"] = f"access to {scenario.places.at[place, 'name']!s}: {table.at[i, 'name']!s}"
    return table


def _workers(client: Client) -> int:
    return max(len(client.scheduler_info().get("workers", {})), 1)
