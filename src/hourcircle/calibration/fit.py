"""Fit travel profiles to published travel times, and measure the fit.

Published figures are rows of ``(from_place, to_place, role, ...)`` where ``role`` is
``fit`` (used to choose parameters), ``holdout`` (only used to check them) or ``excluded``.
Parameters minimise the mean absolute log ratio of model to published figure (symmetric,
and not fooled by a median that many parameter sets share); the score reported is the
median absolute percentage error (MdAPE).

Road: the detour is fitted on published km, then speed and terminal minutes on published
car drive times. Rail: nothing is fitted; minutes in trains are scored against published
figures. Both are cross-validated (every figure predicted by a model that did not see it),
and the spread of published/model on those predictions is each mode's uncertainty band.

Examples
--------
>>> mdape([110, 90], [100, 100])
10.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hourcircle.profiles import TravelSettings
from hourcircle.scenario import Scenario
from hourcircle.travel.times import TravelTimes

DETOURS = np.round(np.arange(1.0, 1.61, 0.02), 2)
SPEEDS = np.arange(50.0, 121.0, 1.0)  # up to the legal limit for cars on expressways
EXPONENTS = np.round(np.arange(0.70, 1.001, 0.01), 2)  # for a km-dependent speed
SCALE_STEPS = np.exp(np.linspace(-0.4, 0.4, 81))  # around each exponent's median scale
TERMINALS = np.arange(0.0, 61.0, 1.0)
FOLDS = 5


Figures = Sequence[float] | pd.Series | np.ndarray


def mdape(model: Figures, published: Figures) -> float:
    """Median absolute percentage error of model figures against published ones.

    Parameters
    ----------
    model, published : sequence of float
        Paired figures.

    Returns
    -------
    float
        In percent.
    """
    m, p = np.asarray(model, dtype=float), np.asarray(published, dtype=float)
    return float(np.median(np.abs(m - p) / p) * 100)


def log_loss(model: np.ndarray, published: np.ndarray) -> float:
    """Mean absolute log ratio of model to published figures: the fitting objective.

    Parameters
    ----------
    model, published : numpy.ndarray
        Paired figures.

    Returns
    -------
    float
        The mean of ``|log(model / published)|``.
    """
    return float(np.mean(np.abs(np.log(np.asarray(model, float) / np.asarray(published, float)))))


@dataclass(frozen=True)
class Fit:
    """Fitted parameters and the MdAPE they reach on fit and holdout rows.

    Parameters
    ----------
    parameters : dict of str to float
        The fitted profile keys.
    error_fit, error_holdout : float
        MdAPE (percent) on the rows used for fitting, and on the held-out rows.
    table : pandas.DataFrame
        Every pair: role, measure, published and model figures, error.
    """

    parameters: dict[str, float]
    error_fit: float
    error_holdout: float
    table: pd.DataFrame

    def describe(self, label: str) -> str:
        """One line: the parameters and the errors.

        Parameters
        ----------
        label : str
            What was fitted (``car``, ``rail``).

        Returns
        -------
        str
            ``label: parameters; MdAPE fit ..., holdout ...``.
        """
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return (f"{label}: {params}; MdAPE fit {self.error_fit:.1f}% "
                f"({(self.table['role'] == 'fit').sum()} rows), holdout {self.error_holdout:.1f}% "
                f"({(self.table['role'] == 'holdout').sum()} rows)")


def with_travel(scenario: Scenario, travel: dict[str, dict[str, float]]) -> TravelTimes:
    """The scenario's travel times with some profile keys changed.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    travel : dict
        Profile keys by profile: ``{"car": {"speed_kmh": 90}}``.

    Returns
    -------
    TravelTimes
        On the scenario with those keys changed.
    """
    merged = {name: getattr(scenario.travel, name).model_dump() | travel.get(name, {})
              for name in ("car", "rail")}
    settings = TravelSettings.from_mapping(merged)
    return TravelTimes.for_scenario(dataclasses.replace(scenario, travel=settings))


def pair_rows(pairs: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per place pair and role: the mean of its published figures in ``column`` (sources disagree).

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``from_place, to_place, role`` and ``column``.
    column : str
        The figure (``km``, ``drive_minutes``, ``minutes``).

    Returns
    -------
    pandas.DataFrame
        ``from_place, to_place, role, <column>``: rows ``excluded`` or without a figure left out,
        each pair's ends in alphabetical order.
    """
    rows = pairs[(pairs["role"] != "excluded") & pd.to_numeric(pairs[column], errors="coerce").notna()]
    ends = np.sort(rows[["from_place", "to_place"]].to_numpy(dtype=str), axis=1)
    rows = rows.assign(from_place=ends[:, 0], to_place=ends[:, 1], **{column: pd.to_numeric(rows[column])})
    return rows.groupby(["from_place", "to_place", "role"])[column].mean().reset_index()


def _road_parts(times: TravelTimes, pairs: pd.DataFrame) -> pd.DataFrame:
    """For each pair, its fastest car route's road km, access km (legs to and from the roads) and total km."""
    rows = []
    for a, b in zip(pairs["from_place"], pairs["to_place"], strict=True):
        hops = times.route(a, b, "car").hops
        rows.append((float(hops.loc[hops["kind"] == "road", "km"].sum()),
                     float(hops.loc[hops["kind"] == "access", "km"].sum()), float(hops["km"].sum())))
    return pd.DataFrame(rows, columns=["road_km", "access_km", "km"], index=pairs.index)


def _best_detour(scenario: Scenario, with_km: pd.DataFrame) -> float:
    """The car detour that best fits published km (only links without km use it: the schematic roads)."""
    if scenario.roads.source == "osm":
        return scenario.travel.car.detour  # real km on every road: the detour shapes access legs only
    fit = with_km["role"] == "fit"
    errors = [(log_loss(_road_parts(with_travel(scenario, {"car": {"detour": float(d)}}), with_km[fit])["km"]
                        .to_numpy(), with_km.loc[fit, "km"].to_numpy()), float(d)) for d in DETOURS]
    return min(errors)[1]


def fit_road(scenario: Scenario, pairs: pd.DataFrame, *, km_dependent: bool = False) -> Fit:
    """Fit the car's ``speed_kmh`` and ``terminal_minutes`` on published drive times.

    On schematic roads (links without km), the ``detour`` is fitted first on published km; on
    OpenStreetMap roads every road has its km and the detour is left as it is. Each pair is
    routed once: with one speed for every road, the fastest route does not depend on the
    speed, so the grid search works on the routes' road and access km.

    Parameters
    ----------
    scenario : Scenario
        The network to route on.
    pairs : pandas.DataFrame
        Published figures: ``from_place, to_place, role, km, drive_minutes``.
    km_dependent : bool, default False
        Fit instead a speed that changes with the trip's length: driving minutes =
        ``scale * road_km ** exponent`` (an exponent below 1: longer trips run faster).

    Returns
    -------
    Fit
        The parameters and their errors (route km against published km, minutes against
        published drive times).
    """
    with_km, with_time = pair_rows(pairs, "km"), pair_rows(pairs, "drive_minutes")
    detour = _best_detour(scenario, with_km)
    times = with_travel(scenario, {"car": {"detour": detour}})
    trips = _RoadTrips.route(times, with_time)
    scale, terminal, exponent = trips.fit((with_time["role"] == "fit").to_numpy(), km_dependent)
    parameters = {"detour": detour, "terminal_minutes": terminal}
    if km_dependent:
        parameters |= {"minutes_per_km_power": round(scale, 4), "exponent": exponent}
    else:
        parameters |= {"speed_kmh": round(60 / scale, 1)}
    km_parts = _road_parts(times, with_km)
    table = pd.concat([_table(with_km, "km", "km", km_parts["km"].to_numpy()),
                       _table(with_time, "drive_minutes", "minutes", trips.minutes(scale, terminal, exponent))])
    return _fit(parameters, table)


def cross_validate_road(scenario: Scenario, pairs: pd.DataFrame, *, folds: int = FOLDS) -> pd.DataFrame:
    """Every published drive time predicted by a car profile fitted without it (k-fold).

    Pairs are dealt to ``folds`` folds in a fixed order; each fold is predicted by the speed
    and terminal minutes fitted on the others (the detour as :func:`fit_road` leaves it).

    Parameters
    ----------
    scenario : Scenario
        The network to route on.
    pairs : pandas.DataFrame
        Published figures: ``from_place, to_place, role, drive_minutes`` (roles other than
        ``excluded`` are all used).
    folds : int, default 5
        How many folds.

    Returns
    -------
    pandas.DataFrame
        ``from_place, to_place, published, model``: one row per place pair.
    """
    rows = pair_rows(pairs.assign(role="fit"), "drive_minutes")
    trips = _RoadTrips.route(with_travel(scenario, {}), rows)
    fold = np.arange(len(rows)) % folds
    model = np.empty(len(rows))
    for k in range(folds):
        scale, terminal, exponent = trips.fit(fold != k, km_dependent=False)
        model[fold == k] = trips.minutes(scale, terminal, exponent)[fold == k]
    return pd.DataFrame({"from_place": rows["from_place"], "to_place": rows["to_place"],
                         "published": rows["drive_minutes"].to_numpy(dtype=float), "model": model})


@dataclass(frozen=True)
class _RoadTrips:
    """Published drive times and their routes' road and access minutes parts, routed once."""

    road_km: np.ndarray
    access_minutes: np.ndarray
    published: np.ndarray

    @classmethod
    def route(cls, times: TravelTimes, rows: pd.DataFrame) -> _RoadTrips:
        parts = _road_parts(times, rows)
        access = parts["access_km"].to_numpy() / times.scenario.travel.car.access_speed_kmh * 60
        return cls(parts["road_km"].to_numpy(), access, rows["drive_minutes"].to_numpy(dtype=float))

    def minutes(self, scale: float, terminal: float, exponent: float) -> np.ndarray:
        return np.asarray(scale * np.maximum(self.road_km, 1e-9) ** exponent + self.access_minutes + terminal)

    def fit(self, use: np.ndarray, km_dependent: bool) -> tuple[float, float, float]:
        """The grid's best ``scale, terminal, exponent`` on the rows ``use``."""
        road_km, access, target = self.road_km[use], self.access_minutes[use], self.published[use]
        best: tuple[float, float, float, float] = (np.inf, 0.0, 0.0, 1.0)
        for terminal in TERMINALS:
            for exponent in EXPONENTS if km_dependent else (1.0,):
                shape = np.maximum(road_km, 1e-9) ** exponent
                scales = (60 / SPEEDS) if exponent == 1.0 else np.exp(np.median(
                    np.log(np.maximum(target - terminal - access, 1.0) / shape))) * SCALE_STEPS
                for scale in np.atleast_1d(scales):
                    error = log_loss(scale * shape + access + terminal, target)
                    best = min(best, (error, float(scale), float(terminal), float(exponent)))
        return best[1], best[2], best[3]


def _table(rows: pd.DataFrame, column: str, what: str, model: np.ndarray) -> pd.DataFrame:
    published = rows[column].to_numpy(dtype=float)
    return pd.DataFrame({"from_place": rows["from_place"].to_numpy(), "to_place": rows["to_place"].to_numpy(),
                         "role": rows["role"].to_numpy(), "measure": what, "published": published, "model": model,
                         "error_pct": (np.abs(model - published) / published * 100).round(1)})


def score_rail(scenario: Scenario, pairs: pd.DataFrame) -> Fit:
    """Minutes in trains on the fastest rail route of published pairs, against the published figures.

    Nothing is fitted: a timetable's minutes are what they are. (Boarding and station
    minutes, which published in-train figures do not contain, are stated assumptions.)

    Parameters
    ----------
    scenario : Scenario
        The network to route on.
    pairs : pandas.DataFrame
        Published in-train figures: ``from_place, to_place, role, minutes``.

    Returns
    -------
    Fit
        No parameters; the errors by role.
    """
    rows = pair_rows(pairs, "minutes")
    return _fit({}, _table(rows, "minutes", "minutes", train_minutes(TravelTimes.for_scenario(scenario), rows)))


def train_minutes(times: TravelTimes, pairs: pd.DataFrame) -> np.ndarray:
    """Minutes in trains on each pair's fastest rail route (door to door), NaN where none.

    Parameters
    ----------
    times : TravelTimes
        The network.
    pairs : pandas.DataFrame
        ``from_place, to_place``.

    Returns
    -------
    numpy.ndarray
        One figure per row.
    """
    origins, row = np.unique(pairs["from_place"].to_numpy(dtype=str), return_inverse=True)
    destinations, column = np.unique(pairs["to_place"].to_numpy(dtype=str), return_inverse=True)
    found = times.train_minutes(list(origins), list(destinations))
    return np.asarray(found[row.ravel(), column.ravel()], dtype=float)


def cross_validate_rail(scenario: Scenario, published: pd.Series, *, folds: int = FOLDS) -> pd.DataFrame:
    """Every published rail link predicted by the network without it (k-fold).

    The links marked ``published`` are dealt to ``folds`` folds; each fold's links are taken
    out of the scenario, and their pairs' minutes in trains are found on what remains (other
    published figures, the base timetable, estimated stops).

    Parameters
    ----------
    scenario : Scenario
        A scenario with rail links.
    published : pandas.Series of bool
        Which rows of ``scenario.links`` are published figures to hold out.
    folds : int, default 5
        How many folds.

    Returns
    -------
    pandas.DataFrame
        ``from_place, to_place, published, model``: one row per held-out link.
    """
    links = scenario.links if scenario.links is not None else pd.DataFrame()
    held = links[published.to_numpy(dtype=bool)]
    fold = np.arange(len(held)) % folds
    model = np.empty(len(held))
    for k in range(folds):
        kept = links.drop(index=held.index[fold == k])
        times = TravelTimes.for_scenario(dataclasses.replace(scenario, links=kept))
        model[fold == k] = train_minutes(times, held[fold == k])
    return pd.DataFrame({"from_place": held["from_place"].to_numpy(), "to_place": held["to_place"].to_numpy(),
                         "published": held["minutes"].to_numpy(dtype=float), "model": model})


def band(predictions: pd.DataFrame, *, low: float = 10, high: float = 90) -> tuple[float, float]:
    """The uncertainty band of held-out predictions: percentiles of published/model, to 0.01.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``published`` and ``model`` minutes.
    low, high : float, default 10 and 90
        Percentiles.

    Returns
    -------
    tuple of float
        ``(low, high)``, widened where needed to hold 1.

    Examples
    --------
    >>> band(pd.DataFrame({"published": [90, 100, 110, 120], "model": [100, 100, 100, 100]}))
    (0.93, 1.17)
    """
    ratio = (predictions["published"] / predictions["model"]).replace([np.inf, -np.inf], np.nan).dropna()
    p_low, p_high = np.percentile(ratio, [low, high])
    return min(round(float(p_low), 2), 1.0), max(round(float(p_high), 2), 1.0)


def _fit(parameters: dict[str, float], table: pd.DataFrame) -> Fit:
    def err(role: str) -> float:
        part = table[table["role"] == role]
        return mdape(part["model"], part["published"]) if len(part) else float("nan")
    return Fit(parameters, err("fit"), err("holdout"), table.reset_index(drop=True))
