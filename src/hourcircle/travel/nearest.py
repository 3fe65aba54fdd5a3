"""The nearest site of every category from every node: one multi-source search per category.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> minutes, nearest = nearest_by_category(TravelTimes.for_scenario(bundled()), "truck")
>>> nearest.loc["changzhou", "battery"] is not None
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle.profiles import ProfileName
from hourcircle.travel.times import TravelTimes


def nearest_by_category(times: TravelTimes, mode: ProfileName = "truck",
                        cutoff: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For every node and category: minutes to the nearest site, and that site's id.

    One multi-source search per category.

    Parameters
    ----------
    times : TravelTimes
        The network's travel times.
    mode : {"truck", "car", "rail"}, default "truck"
        The profile.
    cutoff : float, optional
        Trip minutes beyond which a site does not count.

    Returns
    -------
    tuple of pandas.DataFrame
        Minutes (NaN: none within the cutoff) and site ids (None), nodes by categories.

    Raises
    ------
    ArgumentError
        (parameter ``times``, ``mode`` or ``cutoff``) for an argument of the wrong type, an
        unknown mode, or a cutoff below 0.
    """
    check.instance("times", times, TravelTimes)
    times.engine(mode)  # checks the mode
    if cutoff is not None:
        check.number("cutoff", cutoff, at_least=0, what="a number of minutes of at least 0")
    limit = None if cutoff is None else times.scenario.travel.network_limit(mode, cutoff)
    sites = times.scenario.sites
    minutes, nearest = {}, {}
    for category in times.scenario.product.all_categories:
        members = times.positions(sites.index[sites["category"] == category])
        dist, which = times.engine(mode).nearest(members, limit)
        dist = np.where(which == np.arange(len(dist)), dist, times.scenario.travel.trip_minutes(mode, dist))
        if cutoff is not None:
            which = np.where(dist <= cutoff, which, -1)
            dist = np.where(dist <= cutoff, dist, np.inf)
        minutes[category] = np.where(np.isfinite(dist), dist, np.nan)
        nearest[category] = pd.Series(times.node_ids.to_numpy()[np.maximum(which, 0)]).where(which >= 0).to_numpy()
    return (pd.DataFrame(minutes, index=times.node_ids), pd.DataFrame(nearest, index=times.node_ids))
