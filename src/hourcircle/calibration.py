"""Fit travel profiles to published travel times, and measure the fit.

Published figures are rows of ``(from_place, to_place, role, ...)`` where ``role`` is
``fit`` (used to choose parameters), ``holdout`` (only used to check them) or ``excluded``.
Parameters minimise the mean absolute log ratio of model to published figure (symmetric,
and not fooled by a median that many parameter sets share); the score reported is the
median absolute percentage error (MdAPE).

Road: the detour is fitted on published km, then speed and terminal minutes on published
car drive times. Rail: the boarding minutes are fitted on published in-train times (the
model's trip minus its station and first boarding minutes).

Examples
--------
>>> mdape([110, 90], [100, 100])
10.0
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hourcircle.io import Scenario
from hourcircle.settings import ProfileName, TravelSettings
from hourcircle.traveltimes import TravelTimes

DETOURS = np.round(np.arange(1.0, 1.61, 0.02), 2)
SPEEDS = np.arange(60.0, 121.0, 1.0)  # up to the legal limit for cars on expressways
TERMINALS = np.arange(0.0, 61.0, 1.0)
BOARDINGS = np.arange(0.0, 21.0, 1.0)  # a wait for a train on a dense network: up to 20 minutes


def mdape(model: Sequence[float] | pd.Series, published: Sequence[float] | pd.Series) -> float:
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


def _with_travel(scenario: Scenario, travel: dict[str, dict[str, float]]) -> TravelTimes:
    merged = {name: getattr(scenario.travel, name).model_dump() | travel.get(name, {})
              for name in ("car", "rail")}
    settings = TravelSettings.from_mapping(merged)
    return TravelTimes.for_scenario(dataclasses.replace(scenario, travel=settings))


def _pair_values(times: TravelTimes, pairs: pd.DataFrame, mode: ProfileName, what: str) -> np.ndarray:
    """Route km, or minutes (for rail: minutes in trains, without station and first boarding)."""
    values = []
    for a, b in zip(pairs["from_place"], pairs["to_place"], strict=True):
        route = times.route(a, b, mode)
        if what == "km":
            values.append(route.km)
        elif mode == "rail":
            rail = times.scenario.travel.rail
            values.append(route.minutes - rail.station_minutes - rail.boarding_minutes * min(route.rides, 1))
        else:
            values.append(route.minutes)
    return np.asarray(values, dtype=float)


def _used(pairs: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per place pair and role: the mean of its published figures (sources disagree)."""
    rows = pairs[(pairs["role"] != "excluded") & pd.to_numeric(pairs[column], errors="coerce").notna()]
    ends = np.sort(rows[["from_place", "to_place"]].to_numpy(dtype=str), axis=1)
    rows = rows.assign(from_place=ends[:, 0], to_place=ends[:, 1], **{column: pd.to_numeric(rows[column])})
    return rows.groupby(["from_place", "to_place", "role"])[column].mean().reset_index()


def fit_road(scenario: Scenario, pairs: pd.DataFrame) -> Fit:
    """Fit the car's ``detour`` on published km, then ``speed_kmh`` and ``terminal_minutes`` on drive times.

    Parameters
    ----------
    scenario : Scenario
        The network to route on.
    pairs : pandas.DataFrame
        Published figures: ``from_place, to_place, role, km, drive_minutes``.

    Returns
    -------
    Fit
        The parameters and their errors.
    """
    with_km, with_time = _used(pairs, "km"), _used(pairs, "drive_minutes")
    fit_km = with_km["role"] == "fit"
    best_detour, best_error = 1.0, np.inf
    km_by_detour: dict[float, np.ndarray] = {}
    for detour in DETOURS:
        times = _with_travel(scenario, {"car": {"detour": float(detour)}})
        km_by_detour[float(detour)] = _pair_values(times, with_time, "car", "km")
        error = log_loss(_pair_values(times, with_km[fit_km], "car", "km"), with_km.loc[fit_km, "km"].to_numpy())
        if error < best_error:
            best_detour, best_error = float(detour), error
    route_km = km_by_detour[best_detour]
    fit_time = (with_time["role"] == "fit").to_numpy()
    target = with_time["drive_minutes"].to_numpy()
    best: tuple[float, float, float] = (np.inf, 0.0, 0.0)
    for speed, terminal in itertools.product(SPEEDS, TERMINALS):
        error = log_loss(route_km[fit_time] / speed * 60 + terminal, target[fit_time])
        best = min(best, (error, float(speed), float(terminal)))
    _, speed, terminal = best
    times = _with_travel(scenario, {"car": {"detour": best_detour, "speed_kmh": speed,
                                           "terminal_minutes": terminal}})
    table = _score_table(times, with_km, "km", "km", "car")
    table = pd.concat([table, _score_table(times, with_time, "drive_minutes", "minutes", "car")])
    parameters = {"detour": best_detour, "speed_kmh": speed, "terminal_minutes": terminal}
    return _fit(parameters, table)


def fit_rail(scenario: Scenario, pairs: pd.DataFrame) -> Fit:
    """Fit the rail profile's ``boarding_minutes`` on published in-train minutes.

    Parameters
    ----------
    scenario : Scenario
        The network to route on.
    pairs : pandas.DataFrame
        Published figures: ``from_place, to_place, role, minutes``.

    Returns
    -------
    Fit
        The parameter and its errors.
    """
    rows = _used(pairs, "minutes")
    best: tuple[float, float] = (np.inf, 0.0)
    fit = (rows["role"] == "fit").to_numpy()
    for boarding in BOARDINGS:
        times = _with_travel(scenario, {"rail": {"boarding_minutes": float(boarding)}})
        in_train = _pair_values(times, rows, "rail", "minutes")
        best = min(best, (log_loss(in_train[fit], rows["minutes"].to_numpy()[fit]), float(boarding)))
    boarding = best[1]
    times = _with_travel(scenario, {"rail": {"boarding_minutes": boarding}})
    table = _score_table(times, rows, "minutes", "minutes", "rail")
    return _fit({"boarding_minutes": boarding}, table)


def _score_table(times: TravelTimes, rows: pd.DataFrame, column: str, what: str,
                 mode: ProfileName) -> pd.DataFrame:
    model = _pair_values(times, rows, mode, what)
    return pd.DataFrame({"from_place": rows["from_place"].to_numpy(), "to_place": rows["to_place"].to_numpy(),
                         "role": rows["role"].to_numpy(), "measure": what,
                         "published": rows[column].to_numpy(dtype=float), "model": model,
                         "error_pct": (np.abs(model - rows[column].to_numpy(dtype=float))
                                       / rows[column].to_numpy(dtype=float) * 100).round(1)})


def _fit(parameters: dict[str, float], table: pd.DataFrame) -> Fit:
    def err(role: str) -> float:
        part = table[table["role"] == role]
        return mdape(part["model"], part["published"]) if len(part) else float("nan")
    return Fit(parameters, err("fit"), err("holdout"), table.reset_index(drop=True))
