"""Chain gaps (补链): what places lack, and the missing links that would complete the most circles.

:func:`chain_gaps` lists the components each place lacks within the budget;
:func:`missing_links` ranks new suppliers by the circles they would complete.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.coverage import coverage
>>> found = coverage(Query(TravelTimes.for_scenario(bundled())))
>>> chain_gaps(found).columns.tolist()
['missing', 'count']
>>> links = missing_links(found)
>>> list(links.columns[:4]), links.columns[-1]
(['category', 'place_id', 'completes_plants', 'completes_places'], 'completes')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle.analysis.coverage import COVERAGE, Coverage

LINK_COLUMNS = ["category", "place_id", "completes_plants", "completes_places", "covers_plants", "covers_places",
                "completes"]


def chain_gaps(found: Coverage) -> pd.DataFrame:
    """Places with at least one component outside the budget: which ones, and how many.

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``place_id``: ``missing`` (the categories, comma-separated) and ``count``,
        most missing first.

    Raises
    ------
    ArgumentTypeError
        (parameter ``found``) for anything but a :class:`~hourcircle.analysis.coverage.Coverage`.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    places = found.of_kind("place").pairs
    missing = places[~places["within"]]
    table = missing.groupby("origin", sort=False).agg(
        missing=("category", ", ".join), count=("category", "size"))
    table.index.name = "place_id"
    return table.sort_values("count", ascending=False, kind="stable")


def _completed(origins: pd.Index, within: np.ndarray, completable: np.ndarray) -> list[str]:
    """For each place (a column of ``within``), the ids of the circles a supplier there completes.

    >>> _completed(pd.Index(["a", "b"]), np.array([[True, False], [True, True]]), np.array([True, True]))
    ['a, b', 'b']
    """
    done, ids = within[completable], origins[completable]
    named = [""] * within.shape[1]
    for column in np.flatnonzero(done.any(axis=0)):  # only the places that complete something
        named[column] = ", ".join(ids[done[:, column]])
    return named


def missing_links(found: Coverage) -> pd.DataFrame:
    """Rank each (category, place) by what a new supplier of that category there would do.

    A new supplier sits at the place itself.

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result.

    Returns
    -------
    pandas.DataFrame
        ``category, place_id``; ``completes_plants`` and ``completes_places`` count the
        circles it would make complete (their only missing component, within reach);
        ``covers_plants`` and ``covers_places`` those for which it would bring the category
        within the budget; ``completes`` names them (plant and place ids, comma-separated).
        Only pairs that change something are listed, best first.

    Raises
    ------
    ArgumentTypeError
        (parameter ``found``) for anything but a :class:`~hourcircle.analysis.coverage.Coverage`.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    query, pairs = found.query, found.pairs
    places = query.scenario.places.index
    origins = pd.Index(pairs["origin"].unique())
    within = query.times.trip_minutes(list(origins), list(places), query.mode) <= query.budget_minutes
    outside = pairs[~pairs["within"]]
    n_missing = outside.groupby("origin").size().reindex(origins, fill_value=0).to_numpy()
    is_plant = (pairs.drop_duplicates("origin").set_index("origin")["kind"] == "plant").reindex(origins).to_numpy()
    rows = []
    for category, group in outside.groupby("category", sort=False):
        lacks = origins.isin(group["origin"])
        counts = {}
        for label, mask in (("completes", lacks & (n_missing == 1)), ("covers", lacks)):
            for kind, which in (("plants", is_plant), ("places", ~is_plant)):
                counts[f"{label}_{kind}"] = within[mask & which].sum(axis=0)
        rows.append(pd.DataFrame({"category": category, "place_id": places, **counts,
                                  "completes": _completed(origins, within, lacks & (n_missing == 1))}))
    if not rows:
        return pd.DataFrame(columns=LINK_COLUMNS)
    table = pd.concat(rows, ignore_index=True)
    table = table[table["covers_plants"] + table["covers_places"] > 0]
    order = ["completes_plants", "completes_places", "covers_plants", "covers_places"]
    return table.sort_values([*order, "category", "place_id"], ascending=[False] * 4 + [True, True],
                             kind="stable")[LINK_COLUMNS].reset_index(drop=True).astype(
        {c: np.int64 for c in order})
