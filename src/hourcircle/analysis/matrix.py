"""Travel minutes between many nodes, in batches of origins, here or on a Dask cluster.

A matrix of 10,000 sites is 10⁸ cells: it is computed and handed on in batches of origins, so
that memory stays bounded whatever its size (see :func:`hourcircle.output.write_parquet`).

Examples
--------
>>> from hourcircle import TravelTimes, datasets
>>> times = TravelTimes.for_scenario(datasets.bundled())
>>> parts = dict(matrix_parts(times, "truck", ["hefei", "wuhu", "anqing"], batch_size=2))
>>> [part.shape for _, part in sorted(parts.items())]
[(2, 3), (1, 3)]
>>> float(parts[0].loc["hefei", "hefei"])
0.0
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle import config
from hourcircle.batches import stream_batches
from hourcircle.errors import ArgumentError
from hourcircle.profiles import ProfileName
from hourcircle.travel.times import TravelTimes

if TYPE_CHECKING:
    from distributed import Client

NODE_SETS = ("places", "sites", "all")
MEASURES = ("door", "train")


def matrix_nodes(times: TravelTimes, between: str = "places") -> list[str]:
    """The nodes of a matrix.

    Parameters
    ----------
    times : TravelTimes
        The network.
    between : {"places", "sites", "all"}, default "places"
        Places, sites, or both.

    Returns
    -------
    list of str
        Node ids, places first.

    Raises
    ------
    ArgumentError
        (parameter ``between``) for another value; (``times``) for anything but a
        :class:`~hourcircle.travel.times.TravelTimes`.
    """
    check.instance("times", times, TravelTimes)
    check.choice("between", between, NODE_SETS)
    places = list(times.scenario.places.index) if between in ("places", "all") else []
    sites = list(times.scenario.sites.index) if between in ("sites", "all") else []
    return places + sites


def _rows(job: tuple[TravelTimes, ProfileName, list[str], str], origins: Sequence[str]) -> pd.DataFrame:
    """One batch of a matrix's rows (run where the batch is: here, or on a worker)."""
    times, mode, nodes, measure = job
    minutes = (times.train_minutes(list(origins), nodes) if measure == "train"
               else times.trip_minutes(list(origins), nodes, mode, remember=False))
    minutes[np.asarray([nodes.index(o) for o in origins])[:, None] == np.arange(len(nodes))[None, :]] = 0.0
    minutes[~np.isfinite(minutes)] = np.nan
    return pd.DataFrame(minutes.round(1).astype(np.float32), index=pd.Index(list(origins), name="from"),
                        columns=pd.Index(nodes, name="to"))


def matrix_parts(times: TravelTimes, mode: ProfileName, nodes: Sequence[str], *, minutes: str = "door",
                 batch_size: int | None = None, client: Client | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
    """Trip minutes between every pair of nodes, batch by batch of origins.

    Parameters
    ----------
    times : TravelTimes
        The network.
    mode : {"truck", "car", "rail"}
        The profile.
    nodes : sequence of str
        Node ids (see :func:`matrix_nodes`).
    minutes : {"door", "train"}, default "door"
        Door-to-door trip minutes, or (rail only) minutes in trains on the fastest route
        (see :meth:`~hourcircle.travel.times.TravelTimes.train_minutes`).
    batch_size : int, optional
        Origins per batch (default: :data:`hourcircle.config.matrix_batch`).
    client : dask.distributed.Client, optional
        Compute the batches on this Dask cluster (the network goes to each worker once).

    Returns
    -------
    iterator of tuple of (int, pandas.DataFrame)
        The batch's number and its rows: minutes (to 0.1, float32) from each origin of the batch
        to every node, zero on the diagonal, NaN where there is no route; batches come as they
        are ready (in order in this process). The arguments are checked when it is called,
        before the first batch is asked for.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``) for another value, or ``train`` with a road mode; (``times``,
        ``mode``, ``nodes``, ``batch_size``) for times that are not a
        :class:`~hourcircle.travel.times.TravelTimes`, an unknown mode, an unknown node id or a
        str instead of a sequence, or a batch size below 1.
    """
    check.instance("times", times, TravelTimes)
    times.engine(mode)  # checks the mode; built once here, and sent with the network
    nodes = check.sequence("nodes", nodes)
    check.positions("nodes", times.node_ids, nodes)
    check.choice("minutes", minutes, MEASURES)
    if minutes == "train" and mode != "rail":
        raise ArgumentError("minutes", "minutes in trains need --mode rail")
    size = config.matrix_batch if batch_size is None else check.count("batch_size", batch_size)
    return stream_batches(_rows, (times, mode, nodes, minutes), nodes, batch_size=size, client=client)
