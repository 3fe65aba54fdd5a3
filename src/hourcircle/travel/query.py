"""One question, made and checked once: on which network, within which budget, by which mode.

Every analysis takes a :class:`Query`. Its ``hours`` default to the scenario's
``budget_hours``; they must be a finite number of hours from a minute
(:data:`~hourcircle.config.MIN_HOURS`) to :data:`~hourcircle.config.MAX_HOURS`; the mode must
be a profile the network has links for.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> query.hours, query.mode, query.budget_minutes
(4.0, 'truck', 240.0)
>>> query.components
('chips', 'software', 'battery', 'e_motor', 'die_casting')
>>> Query(query.times, hours=float("nan"))
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: hours: must be a finite number of hours from a minute (1/60) to 72, not nan
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from hourcircle import _checks as check
from hourcircle.config import MAX_HOURS, MIN_HOURS
from hourcircle.profiles import ProfileName
from hourcircle.scenario import Scenario
from hourcircle.travel.times import TravelTimes


@dataclass(frozen=True, init=False)
class Query:
    """A travel budget and mode on a network: the question every analysis answers.

    Parameters
    ----------
    times : TravelTimes
        The network to search.
    hours : float, optional
        The budget (default: the scenario's ``budget_hours``).
    mode : {"truck", "car", "rail"}, default "truck"
        The travel profile.

    Raises
    ------
    ArgumentError
        (parameter ``times``, ``hours`` or ``mode``) for times that are not a
        :class:`TravelTimes`, a budget that is not a finite number of hours from a minute to 72 (any
        real number: numpy's too), or a mode the network cannot serve.
    """

    times: TravelTimes
    hours: float
    mode: ProfileName

    def __init__(self, times: TravelTimes, hours: float | None = None, mode: ProfileName = "truck") -> None:
        check.instance("times", times, TravelTimes)
        budget = check.number("hours", times.scenario.budget_hours if hours is None else hours, at_least=MIN_HOURS,
                              at_most=MAX_HOURS, finite=True,
                              what=f"a finite number of hours from a minute (1/60) to {MAX_HOURS:g}")
        times.engine(mode)  # checks the mode
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "hours", budget)
        object.__setattr__(self, "mode", mode)

    @property
    def scenario(self) -> Scenario:
        """The scenario of the network."""
        return self.times.scenario

    @property
    def budget_minutes(self) -> float:
        """The budget in minutes."""
        return 60.0 * self.hours

    @property
    def components(self) -> tuple[str, ...]:
        """The categories plants need from suppliers."""
        return self.scenario.product.components

    @cached_property
    def plants(self) -> pd.DataFrame:
        """The sites of the plant category."""
        sites = self.scenario.sites
        return sites[sites["category"] == self.scenario.product.plant_category]

    @cached_property
    def suppliers(self) -> pd.DataFrame:
        """The sites of the components' categories."""
        sites = self.scenario.sites
        return sites[sites["category"].isin(self.components)]

    def on(self, times: TravelTimes) -> Query:
        """The same budget and mode on another network (one with something removed, say).

        Parameters
        ----------
        times : TravelTimes
            The other network.

        Returns
        -------
        Query
            A new query.

        Raises
        ------
        ArgumentTypeError
            (parameter ``times``) for anything but a :class:`TravelTimes`.
        """
        return Query(times, self.hours, self.mode)
