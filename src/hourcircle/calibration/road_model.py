"""Which car model the published drive times support: one speed, or speeds and terminals that vary.

Each published pair is routed once on the network with one speed (:func:`route_features`), and
its route described by what could change its minutes: road km, access km, km in the mountain
provinces and the road-density km (km times each edge's density term; see
:mod:`hourcircle.roads.terrain`), the *winding* km (``km - straight km`` of each road
edge: sinuosity) and the populations of its two places. A candidate model predicts door-to-door
minutes from these (:func:`predict`); its parameters minimise the mean absolute log ratio on the
fit rows (:func:`fit`), and its out-of-sample error is the MdAPE of 5-fold cross-validation on
those rows only (:func:`cross_validated`). A model richer than one speed is kept only if it beats
one speed out of sample by :data:`MARGIN` points (:func:`choose`). Held-out rows are never seen.

Candidates (:data:`MODELS`): ``mountains`` (a slowdown on mountain roads), ``road density``
(faster where roads are dense, slower where sparse), ``winding`` (minutes
per winding km), ``city terminals`` (terminal minutes that grow with the log of both places'
populations) and ``car breaks`` (the truck's rest rule, 20 minutes per 4 hours, for cars too).

Examples
--------
>>> features = pd.DataFrame({"road_km": [100.0, 400.0], "access_km": [0.0, 0.0], "mountain_km": [0.0, 400.0],
...                          "winding_km": [0.0, 0.0], "population_from": [1e6, 1e6], "population_to": [1e6, 1e6],
...                          "density_km": [0.0, 0.0]})
>>> predict({"speed_kmh": 100.0, "terminal_minutes": 10.0, "mountain_slowdown": 0.25}, features, 50.0).tolist()
[70.0, 310.0]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from hourcircle.calibration.fit import log_loss, mdape
from hourcircle.driving import BREAK_MINUTES, CONTINUOUS_DRIVING_MINUTES
from hourcircle.network import Terrain
from hourcircle.travel.times import TravelTimes

FOLDS = 5
MARGIN = 0.5  # percentage points of cross-validated MdAPE a richer model must win by
MODELS: dict[str, tuple[str, ...]] = {
    "one speed": (),
    "mountains": ("mountain_slowdown",),
    "winding": ("winding_minutes_per_km",),
    "city terminals": ("terminal_per_log_population",),
    "car breaks": ("breaks",),
    "mountains and car breaks": ("mountain_slowdown", "breaks"),
    "road density": ("density_speedup",),
    "road density and mountains": ("density_speedup", "mountain_slowdown"),
}
IMPLEMENTED = ("one speed", "mountains", "car breaks", "mountains and car breaks", "road density",
               "road density and mountains")  # what the engine computes
STARTS = ((100.0, 28.0, 0.0), (85.0, 15.0, 0.1), (110.0, 5.0, 0.3))  # speed, terminal, each extra parameter
FEATURES = ["road_km", "access_km", "mountain_km", "winding_km", "population_from", "population_to", "density_km"]


def route_features(times: TravelTimes, pairs: pd.DataFrame) -> pd.DataFrame:
    """What each pair's fastest car route is made of (see the module's notes).

    Parameters
    ----------
    times : TravelTimes
        The network (its car minutes choose the route).
    pairs : pandas.DataFrame
        ``from_place, to_place``.

    Returns
    -------
    pandas.DataFrame
        :data:`FEATURES`, on ``pairs``' index.
    """
    edges, places = times.network.edges, times.scenario.places
    terrain = Terrain.of(edges, times.network.nodes, places)
    mountain, density = terrain.mountain, terrain.density
    km = edges["km_car"].to_numpy(dtype=np.float64)
    winding = np.maximum(km - edges["geodesic_km"].to_numpy(dtype=np.float64), 0.0)
    road = edges["kind"].to_numpy() == "road"
    engine = times.engine("car")
    rows = []
    for a, b in zip(pairs["from_place"], pairs["to_place"], strict=True):
        i, j = (int(k) for k in times.positions([a, b]))
        found = engine.route(i, j)
        steps = np.asarray(found[1] if found is not None else [i], dtype=np.int64)
        taken = times.edges.between(steps[:-1], steps[1:], "car")
        on_road = road[taken]
        rows.append((km[taken][on_road].sum(), km[taken][~on_road].sum(), km[taken][on_road & mountain[taken]].sum(),
                     winding[taken][on_road].sum(), (km * density)[taken][on_road].sum()))
    parts = pd.DataFrame(rows, columns=[*FEATURES[:4], "density_km"], index=pairs.index)
    population = places["population"] if "population" in places else pd.Series(1e6, index=places.index)
    return parts.assign(population_from=population.reindex(pairs["from_place"]).to_numpy(dtype=np.float64),
                        population_to=population.reindex(pairs["to_place"]).to_numpy(dtype=np.float64))[FEATURES]


def predict(parameters: Mapping[str, float], features: pd.DataFrame, access_speed_kmh: float) -> np.ndarray:
    """Door-to-door car minutes of routes described by ``features`` under a model's parameters.

    Parameters
    ----------
    parameters : mapping
        ``speed_kmh``, ``terminal_minutes`` and any of ``mountain_slowdown``,
        ``winding_minutes_per_km``, ``terminal_per_log_population`` and ``breaks`` (1: the car
        rests as the truck does).
    features : pandas.DataFrame
        :data:`FEATURES`.
    access_speed_kmh : float
        Speed on access legs.

    Returns
    -------
    numpy.ndarray
        Minutes.
    """
    f = {name: features[name].to_numpy(dtype=np.float64) for name in FEATURES}
    km = (f["road_km"] + parameters.get("mountain_slowdown", 0.0) * f["mountain_km"]
          - parameters.get("density_speedup", 0.0) * f["density_km"])
    driving = km / parameters["speed_kmh"] * 60 + parameters.get("winding_minutes_per_km", 0.0) * f["winding_km"]
    city = np.log10(np.maximum(f["population_from"], 1.0) / 1e6) + np.log10(np.maximum(f["population_to"], 1.0) / 1e6)
    terminal = np.maximum(parameters["terminal_minutes"] + parameters.get("terminal_per_log_population", 0.0) * city, 0)
    door = driving + f["access_km"] / access_speed_kmh * 60 + terminal
    if parameters.get("breaks", 0.0):
        door = door + np.maximum(np.ceil(door / CONTINUOUS_DRIVING_MINUTES) - 1, 0) * BREAK_MINUTES
    return np.asarray(door, dtype=np.float64)


def fit(model: str, features: pd.DataFrame, published: np.ndarray, access_speed_kmh: float) -> dict[str, float]:
    """A model's parameters that minimise the mean absolute log ratio (Nelder-Mead from fixed starts).

    Parameters
    ----------
    model : str
        A key of :data:`MODELS`.
    features : pandas.DataFrame
        :data:`FEATURES` of the fit rows.
    published : numpy.ndarray
        Their published minutes.
    access_speed_kmh : float
        Speed on access legs.

    Returns
    -------
    dict of str to float
        ``speed_kmh``, ``terminal_minutes`` and the model's own parameters (rounded).
    """
    free = [name for name in MODELS[model] if name != "breaks"]
    fixed = {"breaks": 1.0} if "breaks" in MODELS[model] else {}

    def named(x: np.ndarray) -> dict[str, float]:
        return {"speed_kmh": float(x[0]), "terminal_minutes": float(x[1])} | dict(
            zip(free, map(float, x[2:]), strict=True)) | fixed

    def loss(x: np.ndarray) -> float:
        if x[0] <= 1 or x[1] < 0 or (np.any(x[2:] < 0) and "terminal_per_log_population" not in free):
            return np.inf
        return log_loss(np.maximum(predict(named(x), features, access_speed_kmh), 1.0), published)

    found = [minimize(loss, np.array([speed, terminal] + [extra] * len(free)), method="Nelder-Mead",
                      options={"xatol": 1e-4, "fatol": 1e-7, "maxiter": 4000}) for speed, terminal, extra in STARTS]
    best = min(found, key=lambda r: (float(r.fun), tuple(r.x)))
    digits = [1, 1, *([3] * len(free))]
    return named(np.array([round(float(x), d) for x, d in zip(best.x, digits, strict=True)]))


def cross_validated(model: str, features: pd.DataFrame, published: np.ndarray, access_speed_kmh: float,
                    folds: int = FOLDS) -> float:
    """MdAPE of every row predicted by the model fitted on the other folds (rows dealt in order).

    Parameters
    ----------
    model : str
        A key of :data:`MODELS`.
    features : pandas.DataFrame
        :data:`FEATURES` of the fit rows.
    published : numpy.ndarray
        Their published minutes.
    access_speed_kmh : float
        Speed on access legs.
    folds : int, default 5
        How many folds.

    Returns
    -------
    float
        Percent.
    """
    fold = np.arange(len(features)) % folds
    model_minutes = np.empty(len(features))
    for k in range(folds):
        parameters = fit(model, features[fold != k], published[fold != k], access_speed_kmh)
        model_minutes[fold == k] = predict(parameters, features[fold == k], access_speed_kmh)
    return mdape(model_minutes, published)


def choose(features: pd.DataFrame, published: np.ndarray, access_speed_kmh: float) -> tuple[str, pd.DataFrame]:
    """The model to ship: the implemented one with the lowest cross-validated error, if it beats one speed.

    Parameters
    ----------
    features : pandas.DataFrame
        :data:`FEATURES` of the fit rows (never held-out ones).
    published : numpy.ndarray
        Their published minutes.
    access_speed_kmh : float
        Speed on access legs.

    Returns
    -------
    tuple of (str, pandas.DataFrame)
        The chosen model's name, and every candidate's ``model, cv_mdape, fit_mdape, implemented``.
    """
    rows = []
    for name in MODELS:
        parameters = fit(name, features, published, access_speed_kmh)
        rows.append({"model": name, "cv_mdape": round(cross_validated(name, features, published, access_speed_kmh), 2),
                     "fit_mdape": round(mdape(predict(parameters, features, access_speed_kmh), published), 2),
                     "implemented": name in IMPLEMENTED})
    table = pd.DataFrame(rows)
    flat = float(table.loc[table["model"] == "one speed", "cv_mdape"].iloc[0])
    usable = table[table["implemented"] & (table["cv_mdape"] <= flat - MARGIN)]
    return (str(usable.sort_values("cv_mdape")["model"].iloc[0]) if len(usable) else "one speed"), table
