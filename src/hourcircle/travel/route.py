"""A fastest route, door to door, with its minutes itemised, and how its road nodes are described.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> r = TravelTimes.for_scenario(bundled()).route("shanghai", "hefei", "car")
>>> r.nodes[0], r.nodes[-1], sorted(r.parts())
('shanghai', 'hefei', ['access', 'driving', 'rest', 'terminal'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.geo import project_km
from hourcircle.network import RIDE_KINDS
from hourcircle.profiles import ProfileName

PROJECTION_LAT = 30.0  # planar km for "the nearest place" are good enough at any Chinese latitude
NEAREST_BATCH = 1024  # road nodes whose distances to every place are held at once

ROUTE_KEYS = ("from", "to", "mode", "minutes", "train_minutes", "band", "km", "parts", "legs", "estimated")



@dataclass(frozen=True, eq=False)
class Route:
    """A fastest route, door to door, with its minutes itemised.

    Parameters
    ----------
    origin, destination : str
        Node ids.
    mode : {"truck", "car", "rail"}
        The profile.
    minutes : float
        Door to door: the network's minutes plus the trip's fixed minutes.
    nodes : list of str
        The nodes passed, origin first.
    hops : pandas.DataFrame
        One row per edge taken: ``kind, name, km, minutes, estimated`` and ``to``, the node it
        ends at (a road node is described by the nearest place: ``near Wuxi``). Kinds: ``road``,
        ``access`` (a place or site to its road), ``border`` (a road across the border at a
        crossing; its wait is in ``border_minutes``), ``station`` (a site to its station), ``rail``,
        and the estimates ``rail_estimate`` (a stop a timetable lacks) and ``rail_feeder`` (a road
        leg to a station); see :mod:`hourcircle.rail_gaps`.
    fixed_minutes : float
        The trip's fixed minutes: terminal minutes by road, station minutes by rail.
    boarding_minutes : float
        Paid for every train taken (rail).
    band : tuple of float
        The profile's uncertainty band (see :mod:`hourcircle.profiles`).
    borders : bool
        Whether the network has border crossings (then road routes itemise a ``border`` part,
        from the hops' ``border_minutes``).
    """

    origin: str
    destination: str
    mode: ProfileName
    minutes: float
    nodes: list[str]
    hops: pd.DataFrame
    fixed_minutes: float = 0.0
    boarding_minutes: float = 0.0
    band: tuple[float, float] = (1.0, 1.0)
    borders: bool = False

    @property
    def km(self) -> float:
        """Total km."""
        return float(self.hops["km"].sum())

    @property
    def links(self) -> list[str]:
        """The name of each edge taken (``road`` for an unnamed road)."""
        return [str(name) if isinstance(name, str) and name else str(kind)
                for name, kind in zip(self.hops["name"], self.hops["kind"], strict=True)]

    @property
    def kinds(self) -> list[str]:
        """The kind of each edge taken."""
        return self.hops["kind"].astype(str).tolist()

    @property
    def rides(self) -> int:
        """How many trains the route takes (each pays the rail profile's boarding minutes)."""
        return sum(kind in RIDE_KINDS for kind in self.kinds)

    @property
    def estimated(self) -> bool:
        """Whether any figure on the route is an estimate: a stop, ride or feeder the timetable lacks."""
        kinds = self.hops["kind"]
        worked_out = (kinds == "rail") & self.hops["estimated"].astype(bool)
        return bool((kinds.isin(["rail_estimate", "rail_feeder"]) | worked_out).any())

    @property
    def train_minutes(self) -> float | None:
        """Minutes in trains (by rail; ``None`` by road): what timetables publish."""
        return self.parts()["train"] if self.mode == "rail" else None

    @property
    def minutes_band(self) -> tuple[float, float]:
        """:attr:`minutes` times the low and the high factor of the profile's band."""
        return self.minutes * self.band[0], self.minutes * self.band[1]

    def parts(self) -> dict[str, float]:
        """The route's minutes, itemised; they add up to :attr:`minutes`.

        Returns
        -------
        dict of str to float
            By road: ``driving``, ``access`` (to and from the roads), ``terminal`` (leaving
            and entering city centres), ``border`` (waiting at border crossings, when the
            network has them), ``rest`` (a driver's stops: see
            :meth:`hourcircle.profiles.RoadProfile.with_rests`). By rail: ``train`` (in trains, timetable or estimated),
            ``boarding`` (waiting for each train), ``station`` (to, through and from stations),
            ``feeder`` (by road to a station the timetable serves), ``access`` (a site to its
            city's station).
        """
        by_kind = self.hops.groupby("kind")["minutes"].sum()

        def total(*kinds: str) -> float:
            return float(sum(by_kind.get(kind, 0.0) for kind in kinds))

        if self.mode != "rail":
            moving = total("road", "access", "border") + self.fixed_minutes
            rest = self.minutes - moving if self.minutes - moving > 1e-6 else 0.0  # not float noise
            if not self.borders:
                return {"driving": total("road"), "access": total("access"), "terminal": self.fixed_minutes,
                        "rest": rest}
            border = float(self.hops["border_minutes"].sum())
            return {"driving": total("road", "border") - border, "access": total("access"),
                    "terminal": self.fixed_minutes, "border": border, "rest": rest}
        boarding = self.boarding_minutes * self.rides
        return {"train": total("rail", "rail_estimate") - boarding, "boarding": boarding,
                "station": self.fixed_minutes, "feeder": total("rail_feeder"), "access": total("station")}

    def legs(self) -> pd.DataFrame:
        """The route as legs: runs of edges of one kind and name (an unnamed road: near one place).

        Returns
        -------
        pandas.DataFrame
            ``kind, name, km, minutes, to`` per leg, ``to`` being the node where it ends; a
            train's minutes are in the train (its boarding is a part of its own, see :meth:`parts`).
        """
        in_train = self.hops["minutes"] - np.where(self.hops["kind"].isin(RIDE_KINDS), self.boarding_minutes, 0.0)
        hops = self.hops.assign(label=self.links, minutes=in_train)
        # unnamed roads are told apart by the place they pass near
        hops["where"] = hops["to"].where(hops["name"].isna() & (hops["kind"] == "road"), "")
        keys = hops[["kind", "label", "where"]]
        run = (keys != keys.shift()).any(axis=1).cumsum()
        grouped = hops.groupby(run, sort=False)
        return pd.DataFrame({"kind": grouped["kind"].first(), "name": grouped["label"].first(),
                             "km": grouped["km"].sum(), "minutes": grouped["minutes"].sum(),
                             "to": grouped["to"].last()}).reset_index(drop=True)

    def as_dict(self) -> dict[str, object]:
        """The route as JSON-ready values.

        Returns
        -------
        dict
            Keys :data:`ROUTE_KEYS`: ``minutes`` door to door, ``train_minutes`` (in trains;
            ``None`` by road), ``band`` (``minutes`` times the profile's band: ``[low, high]``),
            ``km`` (to 0.1), ``parts`` (see :meth:`parts`), ``legs`` (see :meth:`legs`) and
            ``estimated``.
        """
        legs = [{"kind": str(row["kind"]), "name": str(row["name"]), "km": round(float(row["km"]), 1),
                 "minutes": round(float(row["minutes"]), 1), "to": str(row["to"])}
                for row in self.legs().to_dict("records")]
        train = None if self.train_minutes is None else round(self.train_minutes, 1)
        band = [round(m, 1) for m in self.minutes_band]
        values = (self.origin, self.destination, self.mode, round(self.minutes, 1), train, band, round(self.km, 1),
                  round_parts(self.parts(), 1), legs, self.estimated)
        return dict(zip(ROUTE_KEYS, values, strict=True))

    def as_row(self) -> pd.DataFrame:
        """The route as one table row (``travel --format csv``): the totals and each part.

        Returns
        -------
        pandas.DataFrame
            One row: ``from``, ``to``, ``mode``, ``minutes``, ``train_minutes``, ``band_low``,
            ``band_high``, ``km``, ``<part>_minutes`` for each of :meth:`parts` (rounded to
            0.1 so that they add up to ``minutes``) and ``estimated``.
        """
        found = self.as_dict()
        band = found.pop("band")
        parts = found.pop("parts")
        found.pop("legs")
        assert isinstance(band, list) and isinstance(parts, dict)
        row = {**{k: found[k] for k in ("from", "to", "mode", "minutes", "train_minutes")},
               "band_low": band[0], "band_high": band[1], "km": found["km"],
               **{f"{name}_minutes": value for name, value in parts.items()}, "estimated": found["estimated"]}
        return pd.DataFrame([row]).set_index("from")

    @staticmethod
    def missing(origin: str, destination: str, mode: ProfileName) -> dict[str, object]:
        """What :meth:`as_dict` says when there is no route: the same keys, empty.

        Parameters
        ----------
        origin, destination : str
            Node ids.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        dict
            Keys :data:`ROUTE_KEYS`; all but ``from``, ``to`` and ``mode`` are ``None``.
        """
        return dict.fromkeys(ROUTE_KEYS) | {"from": origin, "to": destination, "mode": mode}



class NodeLabels:
    """Names road nodes by the nearest place (``near Wuxi``); other nodes by their id.

    Parameters
    ----------
    nodes : pandas.DataFrame
        The network's nodes: ``kind``, ``lat``, ``lon``, indexed by id.
    places : pandas.DataFrame
        The scenario's places: ``name``, ``lat``, ``lon``.

    Examples
    --------
    >>> nodes = pd.DataFrame({"kind": ["place", "road"], "lat": [30.0, 30.0], "lon": [120.0, 120.1]},
    ...                      index=["hz", "osm:1"])
    >>> places = pd.DataFrame({"name": ["Hangzhou"], "lat": [30.0], "lon": [120.0]}, index=["hz"])
    >>> NodeLabels(nodes, places).describe(np.array([0, 1]))
    ['hz', 'near Hangzhou']
    """

    def __init__(self, nodes: pd.DataFrame, places: pd.DataFrame) -> None:
        self.nodes, self.places = nodes, places

    @cached_property
    def _place_points(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        return (project_km(self.places["lat"], self.places["lon"], origin_lat=PROJECTION_LAT),
                self.places["name"].astype(str).to_numpy())

    def _nearest_place(self, points: NDArray[np.float64]) -> NDArray[np.int64]:
        """The nearest place of each point (planar km), by its distance to every place.

        A route has few road nodes; a k-d tree would cost scipy.spatial's import, longer than the answer.
        """
        places = self._place_points[0]
        nearest = np.empty(len(points), dtype=np.int64)
        for start in range(0, len(points), NEAREST_BATCH):
            part = points[start:start + NEAREST_BATCH]
            squared = (part[:, None, 0] - places[None, :, 0]) ** 2 + (part[:, None, 1] - places[None, :, 1]) ** 2
            nearest[start:start + NEAREST_BATCH] = squared.argmin(axis=1)
        return nearest

    def describe(self, positions: NDArray[np.int64]) -> list[str]:
        """Labels of nodes by position.

        Parameters
        ----------
        positions : numpy.ndarray
            Node positions.

        Returns
        -------
        list of str
            Node ids, with road nodes described by the nearest place.
        """
        nodes = self.nodes.iloc[positions]
        labels = np.array(nodes.index.astype(str), dtype=object)
        road = (nodes["kind"] == "road").to_numpy()
        if road.any() and len(self.places):
            near = self._nearest_place(project_km(nodes["lat"][road], nodes["lon"][road], origin_lat=PROJECTION_LAT))
            labels[road] = ["near " + name for name in self._place_points[1][near]]
        return [str(label) for label in labels]


def round_parts(parts: dict[str, float], digits: int = 0) -> dict[str, float]:
    """Parts rounded so that they add up to their sum rounded (the largest remainders round up).

    Parameters
    ----------
    parts : dict of str to float
        Named parts of a total.
    digits : int, default 0
        Decimals to keep.

    Returns
    -------
    dict of str to float
        The same names, rounded.

    Examples
    --------
    >>> round_parts({"driving": 208.4, "access": 1.4, "terminal": 28.4})  # 238.2 in all: 238, not 237
    {'driving': 209.0, 'access': 1.0, 'terminal': 28.0}
    """
    scale = 10.0 ** digits
    values = np.array(list(parts.values()), dtype=np.float64) * scale
    floors = np.floor(values + 1e-9)
    short = int(round(float(values.sum())) - floors.sum())
    floors[np.argsort(-(values - floors), kind="stable")[:max(short, 0)]] += 1
    return {name: round(float(v) / scale, digits) for name, v in zip(parts, floors, strict=True)}
