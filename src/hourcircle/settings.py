"""Travel profiles and their calibrated defaults.

A *profile* says how fast one moves on the network: ``truck`` (freight by road, the default
of every analysis), ``car`` (people by road, what published drive times describe) and
``rail`` (people by high-speed rail). Every key is optional in ``scenario.toml``; what a
scenario leaves out comes from the defaults here, which ``benchmarks/calibrate.py``
reproduces from the published figures in ``data/calibration/``.

The truck is derived from the car: its cruising speed is the car's scaled by the ratio of
the expressway speed limits, 100 km/h for goods vehicles against 120 km/h for small
passenger cars (Regulations for the Implementation of the Road Traffic Safety Law of the
PRC, art. 78).

Examples
--------
>>> s = TravelSettings.from_mapping({"car": {"speed_kmh": 90}})
>>> s.car.speed_kmh, round(s.truck.speed_kmh, 1)
(90.0, 75.0)
>>> round(TravelSettings.from_mapping().truck.speed_kmh, 1)  # the car's 103 km/h x 100/120
85.8
>>> s.terminal_minutes("rail") == RAIL_DEFAULT.station_minutes
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProfileName = Literal["truck", "car", "rail"]
PROFILES: tuple[ProfileName, ...] = ("truck", "car", "rail")

CAR_LIMIT_KMH = 120.0
TRUCK_LIMIT_KMH = 100.0


class StrictModel(BaseModel):
    """Base of every validated record.

    Unknown keys are errors, values are not coerced, and records cannot change once made. CSV
    rows, whose cells are text, are validated with ``strict=False``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RoadProfile(StrictModel):
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
    """

    speed_kmh: float = Field(gt=0, le=200, description="mean speed on road links")
    detour: float = Field(ge=1, le=3, description="road km per geodesic km where no km is given")
    access_speed_kmh: float = Field(gt=0, le=200, description="speed on a site's access leg")
    terminal_minutes: float = Field(ge=0, le=240, description="fixed minutes per trip (urban access)")


class RailProfile(StrictModel):
    """Moving by train: timetable minutes per rail link, plus boarding and station time.

    Parameters
    ----------
    station_minutes : float
        Fixed minutes per trip (to, through and from stations).
    boarding_minutes : float
        Added to every train taken.
    speed_kmh : float
        Mean speed on rail links given only km.
    """

    station_minutes: float = Field(ge=0, le=240, description="fixed minutes per trip (to, from and in stations)")
    boarding_minutes: float = Field(
        ge=0, le=240, description="added to every train taken (platform wait); a change pays it again")
    speed_kmh: float = Field(gt=0, le=400, description="mean speed on rail links given only km")


# speed_kmh and terminal_minutes are fitted by benchmarks/calibrate.py to the published drive times of
# data/calibration/road_pairs.csv (the delta's and national pairs) on OpenStreetMap roads, where
# every road has its km; detour (road km per great-circle km, for access legs and for links given
# without km) was fitted to published km on the schematic roads of round one. access_speed_kmh is
# an assumption (arterial roads and ring expressways between a city centre and its industrial
# districts), not a measurement.
CAR_DEFAULT = RoadProfile(speed_kmh=103.0, detour=1.18, access_speed_kmh=50.0, terminal_minutes=28.0)
# boarding_minutes is fitted to data/calibration/rail_pairs.csv;
# station_minutes (to, through and from stations) and speed_kmh (only for rail links given
# by km alone) are assumptions, not measurements.
RAIL_DEFAULT = RailProfile(station_minutes=30.0, boarding_minutes=20.0, speed_kmh=200.0)


def truck_from_car(car: RoadProfile) -> RoadProfile:
    """The freight profile implied by a car profile (speed scaled by the speed-limit ratio).

    Parameters
    ----------
    car : RoadProfile
        The car profile.

    Returns
    -------
    RoadProfile
        The same profile at ``car.speed_kmh * 100 / 120``.
    """
    return car.model_copy(update={"speed_kmh": car.speed_kmh * TRUCK_LIMIT_KMH / CAR_LIMIT_KMH})


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
