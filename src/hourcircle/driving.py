"""A driver's hours: a break after each stretch at the wheel, and a daily limit.

The rule China sets for a truck driver, and what it does to a trip's minutes:

- **Continuous driving**: no more than 4 hours without a stop of at least 20 minutes
  (《中华人民共和国道路交通安全法实施条例》, Regulations for the Implementation of the Road
  Traffic Safety Law, art. 62 item 7: 连续驾驶机动车超过4小时未停车休息或者停车休息时间少于
  20分钟). It binds every driver, freight included.
- **Daily driving**: no more than 8 hours at the wheel in 24 hours. The figure is the one the
  road transport vehicle dynamic supervision measures set for the fatigue limits transport
  companies monitor (《道路运输车辆动态监督管理办法》, Ministry of Transport order 2014 no. 5,
  revised 2016 and 2022, art. 24: 客运驾驶员24小时累计驾驶时间原则上不超过8小时, 日间连续驾驶
  不超过4小时, 夜间连续驾驶不超过2小时, 每次停车休息时间不少于20分钟). Its numbers are written
  for passenger drivers; the same measures make freight companies with 50 or more heavy
  trucks, and the national freight platform, monitor fatigue limits without a figure of their
  own, and an employed driver's working day is 8 hours (《中华人民共和国劳动法》, Labour Law,
  art. 36: 每日工作时间不超过八小时). The model applies 8 hours in 24 to the truck driver as the
  rule's best-documented reading, an assumption for freight, not a measurement.

A driver who has driven the day's limit stops until 24 hours after the day's start (the daily
rest), then drives on. A two-driver team relieves each other instead of stopping for breaks
(the one relieved rests far longer than the 20 minutes while the other drives) and drives
twice the daily limit in 24 hours, then stops for the rest of the day.

Examples
--------
>>> one = DrivingRule(break_after=240, break_minutes=20, daily=480)
>>> one.elapsed([200, 300, 480, 500]).tolist()  # a break after 4 h; past 8 h, the next day
[200.0, 320.0, 500.0, 1460.0]
>>> two = DrivingRule(break_after=240, break_minutes=20, daily=480, drivers=2)
>>> two.elapsed([300, 960, 1000]).tolist()  # no breaks; 16 h a day
[300.0, 960.0, 1480.0]
>>> one.driving_within(1460.0), two.driving_within(1480.0)
(500.0, 1000.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

CONTINUOUS_DRIVING_MINUTES = 240.0  # art. 62 item 7: at most 4 hours of continuous driving,
BREAK_MINUTES = 20.0  # then a stop of at least 20 minutes
DAILY_DRIVING_MINUTES = 480.0  # at most 8 hours at the wheel in 24 hours (see the module's notes)
DAY_MINUTES = 1440.0


@dataclass(frozen=True)
class DrivingRule:
    """How long a truck's drivers may drive, and how long they stop.

    Parameters
    ----------
    break_after : float
        Minutes at the wheel after which a lone driver stops (0: never).
    break_minutes : float
        Minutes of each such stop (0: none).
    daily : float
        Minutes at the wheel per driver in 24 hours (0: no daily limit).
    drivers : int
        1, or 2 for a team that relieves each other.
    """

    break_after: float
    break_minutes: float
    daily: float = 0.0
    drivers: int = 1

    @property
    def per_day(self) -> float:
        """Minutes the truck moves in 24 hours (``inf``: no daily limit)."""
        if not self.daily or self.daily * self.drivers >= DAY_MINUTES:
            return float("inf")
        return self.daily * self.drivers

    def _with_breaks(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """Minutes of one day's driving ``t`` with its breaks (none for a team)."""
        if self.drivers > 1 or not (self.break_after and self.break_minutes):
            return t
        with np.errstate(invalid="ignore"):
            breaks = np.maximum(np.ceil(t / self.break_after) - 1, 0)
        return np.asarray(t + np.where(np.isfinite(t), breaks, 0) * self.break_minutes)

    def _within_breaks(self, limit: float) -> float:
        """The inverse of :meth:`_with_breaks`: where a limit ends inside a break, the driving before it."""
        every, stop = self.break_after, self.break_minutes
        if self.drivers > 1 or not (every and stop):
            return limit
        breaks = np.floor(limit / (every + stop))
        return float(min(limit - stop * breaks, every * (breaks + 1)))

    def day_elapsed(self) -> float:
        """Minutes from a day's start to the end of its driving, breaks included.

        Returns
        -------
        float
            ``inf`` when there is no daily limit.
        """
        per_day = self.per_day
        return per_day if not np.isfinite(per_day) else float(self._with_breaks(np.array(per_day)))

    def elapsed(self, driving: ArrayLike) -> NDArray[np.float64]:
        """Trip minutes for minutes at the wheel: breaks and daily rests added.

        A trip of ``t`` minutes at the wheel takes ``n = ceil(t / per_day) - 1`` whole days
        and drives the rest, ``t - n * per_day``, on the last day with its breaks (none on
        arrival). The function increases strictly, so the fastest route is the same with the
        rule or without.

        Parameters
        ----------
        driving : array_like
            Minutes at the wheel, door to door.

        Returns
        -------
        numpy.ndarray
            Minutes from departure to arrival.
        """
        t = np.asarray(driving, dtype=np.float64)
        per_day = self.per_day
        if not np.isfinite(per_day):
            return self._with_breaks(t)
        with np.errstate(invalid="ignore"):
            days = np.where(np.isfinite(t), np.maximum(np.ceil(t / per_day) - 1, 0), 0)
        return np.asarray(days * DAY_MINUTES + self._with_breaks(t - days * per_day))

    def driving_within(self, limit: float) -> float:
        """The most minutes at the wheel a trip may take to arrive within ``limit``.

        The inverse of :meth:`elapsed`: where a limit ends inside a break or a daily rest,
        the driving before it.

        Parameters
        ----------
        limit : float
            Trip minutes, breaks and rests included.

        Returns
        -------
        float
            Minutes at the wheel.

        Examples
        --------
        >>> rule = DrivingRule(break_after=240, break_minutes=20, daily=480)
        >>> rule.driving_within(250.0), rule.driving_within(300.0), rule.driving_within(1439.0)
        (240.0, 280.0, 480.0)
        """
        per_day = self.per_day
        if not np.isfinite(limit) or not np.isfinite(per_day):
            return self._within_breaks(limit) if np.isfinite(limit) else limit
        days = float(np.floor(limit / DAY_MINUTES))
        return days * per_day + min(self._within_breaks(limit - days * DAY_MINUTES), per_day)
