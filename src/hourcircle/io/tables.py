"""The scenario tables: their columns, row rules, and conversion to DataFrames.

Each row is checked by a pydantic model; every problem is reported with its file, row and
column. Cross-table rules (unknown places, duplicate ids) live in :mod:`hourcircle.io.load`.

Examples
--------
>>> spec = PLACES
>>> spec.required, spec.optional
(('place_id', 'name', 'name_zh', 'province', 'lat', 'lon'), ('population',))
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import AfterValidator, BeforeValidator, ValidationError

from hourcircle._validate import StrictModel
from hourcircle.errors import Problem
from hourcircle.io.csvfile import CsvTable

ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


def _empty_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _number(value: Any) -> Any:
    if value is None:
        raise ValueError("is empty; a number is needed")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _identifier(value: str) -> str:
    if not value:
        raise ValueError("is empty; an id is needed")
    if not set(value) <= ID_CHARS:
        raise ValueError(f"{value!r} is not an ASCII id (letters, digits, '_', '-', '.')")
    return value


def _text(value: str) -> str:
    if not value:
        raise ValueError("is empty")
    return value


def _latitude(value: float) -> float:
    if not -90 <= value <= 90:
        hint = " (are lat and lon swapped?)" if -180 <= value <= 180 else ""
        raise ValueError(f"latitude {value:g} is outside -90..90{hint}")
    return value


def _longitude(value: float) -> float:
    if not -180 <= value <= 180:
        raise ValueError(f"longitude {value:g} is outside -180..180")
    return value


def _positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise ValueError(f"{value:g} must be greater than 0")
    return value


MAX_KM = 20_000.0  # half the Earth's circumference: no link or road is longer
MAX_MINUTES = 7 * 24 * 60.0  # a week: no link takes longer
MAX_POPULATION = 2e9  # more people than any country
MAX_WITHIN_KM = 100.0  # a border crossing's reach along the border: more would join another crossing's roads


def _not_negative(value: float | None) -> float | None:
    if value is not None and value < 0:
        raise ValueError(f"{value:g} must be 0 or more")
    return value


def _at_most(limit: float, what: str) -> Callable[[float | None], float | None]:
    def check(value: float | None) -> float | None:
        if value is not None and value > limit:
            raise ValueError(f"{value:g} is more than {limit:,.0f} {what}; check the unit")
        return value
    return check


Number = Annotated[float, BeforeValidator(_number)]
OptionalNumber = Annotated[float | None, BeforeValidator(lambda v: None if v is None else _number(v))]
Id = Annotated[str, AfterValidator(_identifier)]
Text = Annotated[str, AfterValidator(_text)]
Latitude = Annotated[Number, AfterValidator(_latitude)]
Longitude = Annotated[Number, AfterValidator(_longitude)]
PositiveOrEmpty = Annotated[OptionalNumber, AfterValidator(_positive)]
Kilometres = Annotated[PositiveOrEmpty, AfterValidator(_at_most(MAX_KM, "km"))]
Minutes = Annotated[PositiveOrEmpty, AfterValidator(_at_most(MAX_MINUTES, "minutes (a week)"))]
People = Annotated[PositiveOrEmpty, AfterValidator(_at_most(MAX_POPULATION, "people"))]
Wait = Annotated[OptionalNumber, AfterValidator(_not_negative),
                 AfterValidator(_at_most(MAX_MINUTES, "minutes (a week)"))]
Reach = Annotated[PositiveOrEmpty, AfterValidator(_at_most(MAX_WITHIN_KM, "km"))]


class PlaceRow(StrictModel):
    """A row of ``places.csv``.

    Parameters
    ----------
    place_id : str
        Unique ASCII id.
    name, name_zh : str
        English and Chinese names.
    province : str
        Province.
    lat, lon : float
        WGS-84 seat coordinates.
    population : float, optional
        Residents.
    """

    place_id: Id
    name: Text
    name_zh: str
    province: Text
    lat: Latitude
    lon: Longitude
    population: People = None


class SiteRow(StrictModel):
    """A row of ``sites.csv``.

    Parameters
    ----------
    site_id : str
        Unique ASCII id.
    name, company : str
        The site and its company.
    category : str
        Its category of the bill of materials.
    place_id : str
        The place it belongs to.
    lat, lon : float
        WGS-84 coordinates.
    precision : {"site", "city"}, optional
        Whether the point is the site itself or its city or district centre.
    source : str, optional
        Where the row's facts come from.
    """

    site_id: Id
    name: Text
    company: Text
    category: Id
    place_id: Id
    lat: Latitude
    lon: Longitude
    precision: Literal["site", "city"] | None = None
    source: str | None = None


class LinkRow(StrictModel):
    """A row of ``links.csv``.

    Parameters
    ----------
    from_place, to_place : str
        Place ids.
    mode : {"road", "rail"}
        The infrastructure.
    km : float, optional
        Published length (estimated when empty).
    minutes : float, optional
        Overrides the computed time.
    name : str, optional
        A label (a bridge, an expressway) that removals can name.
    source : str, optional
        Where the row's facts come from.
    """

    from_place: Id
    to_place: Id
    mode: Literal["road", "rail"]
    km: Kilometres
    minutes: Minutes = None
    name: str | None = None
    source: str | None = None


class InfrastructureRow(StrictModel):
    """A row of ``infrastructure.csv``: a named crossing or road section by its two ends.

    Parameters
    ----------
    name : str
        What users call it (``Sutong Yangtze River Bridge``, ``G15 Ningbo-Taizhou``).
    kind : {"bridge", "tunnel", "corridor"}
        What it is.
    lat1, lon1, lat2, lon2 : float
        WGS-84 points on the road at or near its two ends; it is matched to the road edges on
        the fastest path between them.
    source : str, optional
        Where the row's facts come from.
    """

    name: Text
    kind: Literal["bridge", "tunnel", "corridor"]
    lat1: Latitude
    lon1: Longitude
    lat2: Latitude
    lon2: Longitude
    source: str | None = None


class CrossingRow(StrictModel):
    """A row of a border crossings file: an official land crossing that roads may pass.

    Parameters
    ----------
    name : str
        What users call it (``Mohan-Boten``).
    lat, lon : float
        WGS-84 point where the road crosses the border.
    name_zh, neighbour : str, optional
        The Chinese name (``磨憨口岸``) and the country across.
    minutes : float, optional
        Minutes a trip pays to cross (default: ``[roads] border_minutes``).
    within_km : float, optional
        How far from the point a road edge crossing the border may pass and still cross here
        (default :data:`hourcircle.roads.crossings.WITHIN_KM`).
    precision_km, source : optional
        How good the point is, and where it comes from.
    """

    name: Text
    lat: Latitude
    lon: Longitude
    name_zh: str | None = None
    neighbour: str | None = None
    minutes: Wait = None
    within_km: Reach = None
    precision_km: PositiveOrEmpty = None
    source: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table's row model and the columns it requires and allows.

    Parameters
    ----------
    model : type of StrictModel
        Validates one row (cells are text; numbers are parsed).
    required, optional : tuple of str
        Column names.
    """

    model: type[StrictModel]
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every allowed column, required ones first."""
        return self.required + self.optional


def _spec(model: type[StrictModel], required: tuple[str, ...]) -> TableSpec:
    names = tuple(model.model_fields)
    return TableSpec(model, required, tuple(c for c in names if c not in required))


PLACES = _spec(PlaceRow, ("place_id", "name", "name_zh", "province", "lat", "lon"))
SITES = _spec(SiteRow, ("site_id", "name", "company", "category", "place_id", "lat", "lon"))
LINKS = _spec(LinkRow, ("from_place", "to_place", "mode", "km"))
INFRASTRUCTURE = _spec(InfrastructureRow, ("name", "kind", "lat1", "lon1", "lat2", "lon2"))
CROSSINGS = _spec(CrossingRow, ("name", "lat", "lon"))

_MESSAGES: dict[str, Callable[[Any], str]] = {
    "literal_error": lambda e: f"{e['input']!r} is not one of {e['ctx']['expected']}",
    "missing": lambda e: "is missing",
}


def _message(error: Any) -> str:
    if error.get("input", "") is None:
        return "is empty"
    make = _MESSAGES.get(error["type"])
    if make is not None:
        return str(make(error))
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse_table(table: CsvTable, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Check the header and every row of ``table``.

    Parameters
    ----------
    table : CsvTable
        The file as read.
    spec : TableSpec
        What its columns and rows must be.

    Returns
    -------
    tuple of (pandas.DataFrame, list of Problem)
        The good rows (with their spreadsheet ``row`` number) and every problem found.
    """
    problems = [
        Problem(table.label, f"missing column (required: {', '.join(spec.required)})", row=1, column=c)
        for c in spec.required if c not in table.header
    ] + [
        Problem(table.label, f"unknown column (allowed: {', '.join(spec.columns)})", row=1, column=c)
        for c in table.header if c not in spec.columns
    ]
    if problems:
        return pd.DataFrame(columns=["row", *spec.columns]), problems
    if not table.rows:
        problems.append(Problem(table.label, "has a header but no data rows"))
    records: list[dict[str, Any]] = []
    for number, cells in table.rows:
        values = {k: _empty_to_none(v) for k, v in cells.items()}
        try:
            row = spec.model.model_validate(values, strict=False)
        except ValidationError as error:
            problems += [
                Problem(table.label, _message(e), row=number, column=str(e["loc"][0]) if e["loc"] else None)
                for e in error.errors()
            ]
            continue
        records.append({"row": number, **row.model_dump()})
    frame = pd.DataFrame.from_records(records, columns=["row", *spec.columns])
    return frame, problems
