"""Travel profiles and their calibrated defaults.

A *profile* says how fast one moves on the network: ``truck`` (freight by road, the default
of every analysis), ``car`` (people by road, what published drive times describe) and
``rail`` (people by high-speed rail). Every key is optional in ``scenario.toml``; what a
scenario leaves out comes from the defaults here, which ``benchmarks/calibrate.py``
reproduces from the published figures in ``data/calibration/``.

The truck is derived from the car: its cruising speed is the car's scaled by the ratio of
the expressway speed limits, 100 km/h for goods vehicles against 120 km/h for small
passenger cars (Regulations for the Implementation of the Road Traffic Safety Law of the
PRC, art. 78), and its driver keeps China's driving hours (:mod:`hourcircle.driving`, where
the rule's sources are cited): a stop of 20 minutes after every 4 hours at the wheel, and no
more than 8 hours at the wheel in 24 hours, so a longer trip waits out a daily rest. One
driver by default; ``drivers = 2`` in ``[travel.truck]`` is a team that relieves each other
(see :meth:`RoadProfile.with_rests`).

Every profile has a ``band``: the 10th and 90th percentiles of published/model minutes on
held-out published figures (``benchmarks/calibrate.py``). A modelled trip of ``m`` minutes
is expected within ``m * band[0]`` and ``m * band[1]``; conclusions that change inside
that range are *marginal*.

Examples
--------
>>> s = TravelSettings.from_mapping({"car": {"speed_kmh": 90}})
>>> s.car.speed_kmh, round(s.truck.speed_kmh, 1)
(90.0, 75.0)
>>> round(TravelSettings.from_mapping().truck.speed_kmh, 1)  # the car's 103 km/h x 100/120
85.8
>>> s.terminal_minutes("rail") == RAIL_DEFAULT.station_minutes
True
>>> s.truck.with_rests(np.array([200.0, 300.0, 480.0, 500.0])).tolist()  # a rest after 4 h; 8 h a day
[200.0, 320.0, 500.0, 1460.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import Field, ValidationInfo, field_validator, model_validator

from hourcircle._validate import StrictModel
from hourcircle.driving import (
    BREAK_MINUTES,
    CONTINUOUS_DRIVING_MINUTES,
    DAILY_DRIVING_MINUTES,
    DAY_MINUTES,
    DrivingRule,
)

ProfileName = Literal["truck", "car", "rail"]
PROFILES: tuple[ProfileName, ...] = ("truck", "car", "rail")  # as config.PROFILES, typed

CAR_LIMIT_KMH = 120.0
TRUCK_LIMIT_KMH = 100.0
SHORTEST_DRIVE_MINUTES = 30.0  # a driver who rests sooner than this never gets anywhere: the rests dominate
SHORTEST_REST_MINUTES = 1.0  # a rest shorter than a minute is no rest
SHORTEST_DAY_MINUTES = 60.0  # a daily limit under an hour is no working day
LOWEST_BAND = 0.1  # published figures ten times faster than the model: the model is wrong, not uncertain


Band = tuple[float, float]


class Banded(StrictModel):
    """A profile's uncertainty band (see the module's notes).

    Parameters
    ----------
    band : tuple of float
        Low and high factors on modelled minutes; ``0.1 <= low <= 1 <= high <= 3``.
    """

    band: Band = Field(description="low and high factors on modelled minutes (10th and 90th percentiles of "
                                   "published/model on held-out figures)")

    @model_validator(mode="before")
    @classmethod
    def _band_from_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("band"), list):
            return data | {"band": tuple(data["band"])}
        return data

    @field_validator("band")
    @classmethod
    def _ordered(cls, band: Band) -> Band:
        low, high = band
        if not LOWEST_BAND <= low <= 1 <= high <= 3:
            raise ValueError(f"band must be [low, high] with {LOWEST_BAND:g} <= low <= 1 <= high <= 3")
        return band


class RoadProfile(Banded):
    """Moving by road: ``minutes = km / speed_kmh * 60`` on a link, plus per-trip terminals.

    Parameters
    ----------
    speed_kmh : float
        Mean speed on road links.
    detour : float
        Road km per geodesic km where a link gives no km.
    access_speed_kmh : float
        Speed on a site's access leg.
    terminal_minutes : float
        Fixed minutes per trip (leaving and entering city centres).
    rest_after_minutes : float
        Minutes of driving after which the driver rests: 0 (never), or 30 to 1440.
    rest_minutes : float
        Minutes of each rest: 0, or 1 to 600.
    daily_driving_minutes : float
        Minutes at the wheel per driver in 24 hours: 0 (no daily limit), or 60 to 1440.
    drivers : int
        1, or 2: a team that relieves each other instead of resting, and drives twice the
        daily limit (see :mod:`hourcircle.driving`).
    mountain_slowdown : float
        Extra minutes per minute on roads in the mountain provinces (0 to 2; see
        :mod:`hourcircle.roads.terrain`): their speed is ``speed_kmh / (1 + mountain_slowdown)``.
    density_speedup : float
        Fewer minutes per minute per tenfold road density (0 to 0.5; see
        :mod:`hourcircle.roads.terrain`); never faster than the legal limit.
    band : tuple of float
        See :class:`Banded`.
    """

    speed_kmh: float = Field(ge=1, le=200, description="mean speed on road links")
    detour: float = Field(ge=1, le=3, description="road km per geodesic km where no km is given")
    access_speed_kmh: float = Field(ge=1, le=200, description="speed on a site's access leg")
    terminal_minutes: float = Field(ge=0, le=240, description="fixed minutes per trip (urban access)")
    rest_after_minutes: float = Field(
        default=0.0, ge=0, le=1440, description="minutes of driving after which the driver rests (0: never)")
    rest_minutes: float = Field(default=0.0, ge=0, le=600, description="minutes of each rest")
    drivers: int = Field(default=1, ge=1, le=2, strict=True, description="1, or 2: a team that relieves each other")
    daily_driving_minutes: float = Field(
        default=0.0, ge=0, le=DAY_MINUTES, description="minutes at the wheel per driver in 24 hours (0: no limit)")
    mountain_slowdown: float = Field(
        default=0.0, ge=0, le=2, description="extra minutes per minute on roads in the mountain provinces")
    density_speedup: float = Field(
        default=0.0, ge=0, le=0.5, description="fewer minutes per minute per tenfold road density")

    @field_validator("rest_after_minutes")
    @classmethod
    def _drives_a_while(cls, value: float) -> float:
        if value and value < SHORTEST_DRIVE_MINUTES:
            raise ValueError(f"must be 0 (no rests) or at least {SHORTEST_DRIVE_MINUTES:g} minutes of driving")
        return value

    @field_validator("rest_minutes")
    @classmethod
    def _rests_a_while(cls, value: float) -> float:
        if value and value < SHORTEST_REST_MINUTES:
            raise ValueError(f"must be 0 (no rests) or at least {SHORTEST_REST_MINUTES:g} minute")
        return value

    @field_validator("daily_driving_minutes")
    @classmethod
    def _a_day_fits_in_24_hours(cls, value: float, info: ValidationInfo) -> float:
        if value and value < SHORTEST_DAY_MINUTES:
            raise ValueError(f"must be 0 (no daily limit) or at least {SHORTEST_DAY_MINUTES:g} minutes of driving")
        known = info.data
        if {"rest_after_minutes", "rest_minutes", "drivers"} <= known.keys():
            day = DrivingRule(known["rest_after_minutes"], known["rest_minutes"], value, known["drivers"]).day_elapsed()
            if np.isfinite(day) and day > DAY_MINUTES:
                raise ValueError(f"with its rests, a day's driving takes more than 24 hours ({day:g} minutes)")
        return value

    @property
    def driving(self) -> DrivingRule:
        """The driving hours this profile keeps (see :mod:`hourcircle.driving`)."""
        return DrivingRule(self.rest_after_minutes, self.rest_minutes, self.daily_driving_minutes, self.drivers)

    def with_rests(self, minutes: ArrayLike) -> NDArray[np.float64]:
        """Trip minutes with the rests a driver must take on the way.

        A lone driver rests after each ``rest_after_minutes`` at the wheel (not on arrival);
        beyond ``daily_driving_minutes``, the trip waits until 24 hours after its start and
        drives on (see :meth:`hourcircle.driving.DrivingRule.elapsed`). The function increases
        strictly, so the fastest route is the same with rests or without.

        Parameters
        ----------
        minutes : array_like
            Minutes at the wheel, door to door.

        Returns
        -------
        numpy.ndarray
            With the rests added.
        """
        return self.driving.elapsed(minutes)

    def at_the_wheel(self, limit: float) -> float:
        """The most minutes at the wheel a trip may take to arrive within ``limit`` (rests included).

        The inverse of :meth:`with_rests`: where a budget ends inside a rest, the driving
        before that rest.

        Parameters
        ----------
        limit : float
            Trip minutes, rests included.

        Returns
        -------
        float
            Minutes at the wheel.

        Examples
        --------
        >>> p = CAR_DEFAULT.model_copy(update={"rest_after_minutes": 240.0, "rest_minutes": 20.0})
        >>> p.at_the_wheel(250.0), p.at_the_wheel(300.0)
        (240.0, 280.0)
        """
        return self.driving.driving_within(limit)


class RailProfile(Banded):
    """Moving by train: timetable minutes per rail link, plus boarding and station time.

    Parameters
    ----------
    station_minutes : float
        Fixed minutes per trip (to, through and from stations).
    boarding_minutes : float
        Added to every train taken.
    speed_kmh : float
        Mean speed on rail links given only km.
    band : tuple of float
        See :class:`Banded`.
    """

    station_minutes: float = Field(ge=0, le=240, description="fixed minutes per trip (to, from and in stations)")
    boarding_minutes: float = Field(
        ge=0, le=240, description="added to every train taken (platform wait); a change pays it again")
    speed_kmh: float = Field(ge=1, le=400, description="mean speed on rail links given only km")


# speed_kmh and terminal_minutes are fitted by benchmarks/calibrate.py to the published drive times of
# data/calibration/road_pairs.csv (the delta's and national pairs) on OpenStreetMap roads, where
# every road has its km; detour (road km per great-circle km, for access legs and for links given
# without km) was fitted to published km on the schematic roads of round one. access_speed_kmh is
# an assumption (arterial roads and ring expressways between a city centre and its industrial
# districts), not a measurement.
# band: published/model of every drive time predicted by a fit that did not see it (5-fold). The national
# scenario has its own car, fitted on the national set (data/china_nev/scenario.toml).
CAR_DEFAULT = RoadProfile(speed_kmh=103.0, detour=1.18, access_speed_kmh=50.0, terminal_minutes=28.0,
                          band=(0.65, 1.4))
# Minutes in trains are the timetable's and published figures' (nothing to fit). station_minutes
# (to, through and from stations), boarding_minutes (the wait for each train: published in-train
# figures cannot measure it) and speed_kmh (only for rail links given by km alone) are
# assumptions, not measurements. band: published/model minutes in trains on the figures of
# data/calibration/rail_pairs.csv, which did not build the network.
RAIL_DEFAULT = RailProfile(station_minutes=30.0, boarding_minutes=20.0, speed_kmh=200.0, band=(0.92, 1.58))


def truck_from_car(car: RoadProfile) -> RoadProfile:
    """The freight profile implied by a car profile: speed scaled by the limits, China's driving hours.

    Parameters
    ----------
    car : RoadProfile
        The car profile.

    Returns
    -------
    RoadProfile
        The same profile at ``car.speed_kmh * 100 / 120``, resting 20 minutes after every
        240 minutes at the wheel and driving at most 480 minutes in 24 hours, one driver
        (see the module's notes).
    """
    return car.model_copy(update={"speed_kmh": car.speed_kmh * TRUCK_LIMIT_KMH / CAR_LIMIT_KMH,
                                  "rest_after_minutes": CONTINUOUS_DRIVING_MINUTES, "rest_minutes": BREAK_MINUTES,
                                  "daily_driving_minutes": DAILY_DRIVING_MINUTES, "drivers": 1})


class TravelSettings(StrictModel):
    """The three profiles of a scenario.

    Parameters
    ----------
    truck, car : RoadProfile
        Freight and people by road.
    rail : RailProfile
        People by high-speed rail.
    """

    truck: RoadProfile
    car: RoadProfile
    rail: RailProfile

    @classmethod
    def from_mapping(cls, travel: Mapping[str, Mapping[str, Any]] | None = None) -> TravelSettings:
        """Defaults overlaid with a scenario's ``[travel.*]`` tables (validated by pydantic).

        Parameters
        ----------
        travel : mapping, optional
            ``{"truck": {...}, "car": {...}, "rail": {...}}``; every key optional.

        Returns
        -------
        TravelSettings
            The validated profiles.

        Raises
        ------
        pydantic.ValidationError
            If a key is unknown or a value out of range.
        """
        travel = travel or {}
        car = RoadProfile.model_validate(CAR_DEFAULT.model_dump() | dict(travel.get("car", {})))
        truck = RoadProfile.model_validate(truck_from_car(car).model_dump() | dict(travel.get("truck", {})))
        rail = RailProfile.model_validate(RAIL_DEFAULT.model_dump() | dict(travel.get("rail", {})))
        return cls(truck=truck, car=car, rail=rail)

    def road(self, name: ProfileName) -> RoadProfile:
        """The road profile used by ``name`` (rail passengers reach stations by car).

        Parameters
        ----------
        name : {"truck", "car", "rail"}
            A profile.

        Returns
        -------
        RoadProfile
            The truck's for ``truck``, the car's otherwise.
        """
        return self.truck if name == "truck" else self.car

    def terminal_minutes(self, name: ProfileName) -> float:
        """The fixed minutes one trip of ``name`` pays (urban access, or stations).

        Parameters
        ----------
        name : {"truck", "car", "rail"}
            A profile.

        Returns
        -------
        float
            Terminal minutes by road, station minutes by rail.
        """
        return self.rail.station_minutes if name == "rail" else self.road(name).terminal_minutes

    def trip_minutes(self, name: ProfileName, network_minutes: ArrayLike) -> NDArray[np.float64]:
        """Door-to-door minutes of trips that spend ``network_minutes`` on the network.

        The trip's fixed minutes are added, and by road the rests on the way
        (:meth:`RoadProfile.with_rests`).

        Parameters
        ----------
        name : {"truck", "car", "rail"}
            A profile.
        network_minutes : array_like
            Minutes on the network's edges.

        Returns
        -------
        numpy.ndarray
            Trip minutes.

        Examples
        --------
        >>> s = TravelSettings.from_mapping()
        >>> float(s.trip_minutes("truck", 250.0)), float(s.trip_minutes("car", 250.0))
        (298.0, 278.0)
        """
        door = np.asarray(network_minutes, dtype=np.float64) + self.terminal_minutes(name)
        return door if name == "rail" else self.road(name).with_rests(door)

    def network_limit(self, name: ProfileName, trip_limit: float) -> float:
        """The most network minutes a trip may spend to arrive within ``trip_limit``.

        The inverse of :meth:`trip_minutes`; never negative.

        Parameters
        ----------
        name : {"truck", "car", "rail"}
            A profile.
        trip_limit : float
            Door-to-door minutes.

        Returns
        -------
        float
            Network minutes.

        Examples
        --------
        >>> s = TravelSettings.from_mapping()
        >>> s.network_limit("truck", 298.0), s.network_limit("car", 28.0)
        (250.0, 0.0)
        """
        at_the_wheel = trip_limit if name == "rail" else self.road(name).at_the_wheel(trip_limit)
        return max(at_the_wheel - self.terminal_minutes(name), 0.0)

    def band(self, name: ProfileName) -> Band:
        """The uncertainty band of ``name``'s minutes.

        Parameters
        ----------
        name : {"truck", "car", "rail"}
            A profile.

        Returns
        -------
        tuple of float
            Low and high factors on modelled minutes.
        """
        profile: Banded = self.rail if name == "rail" else self.road(name)
        return profile.band
