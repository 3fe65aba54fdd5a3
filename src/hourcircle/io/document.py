"""A scenario's settings document, ``scenario.toml``: its schema, how it is read, what it says.

:func:`read_document` reads the TOML (a page of settings, at most :data:`MAX_DOCUMENT_BYTES`);
:class:`ScenarioDocument` is its schema, :func:`document_problems` words a schema's complaints
as one-line problems naming the key; :func:`travel_settings` and :func:`product_of` turn its
sections into the travel profiles and the product.

Examples
--------
>>> settings, problems = travel_settings({"truck": {"speed_kmh": 70}}, "scenario.toml")
>>> settings.truck.speed_kmh, problems
(70.0, [])
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from hourcircle._validate import StrictModel
from hourcircle.config import MAX_HOURS, MIN_HOURS
from hourcircle.errors import InputError, Problem
from hourcircle.io.csvfile import read_user_file
from hourcircle.io.tiers import input_names, tier_problems, tiers
from hourcircle.profiles import PROFILES, RailProfile, RoadProfile, TravelSettings
from hourcircle.scenario import Product, RoadsSection

SCENARIO_FILE = "scenario.toml"
MIN_WEIGHT, MAX_WEIGHT = 1e-6, 1e6  # [product] weights (relative): a millionth to a million


class ScenarioSection(StrictModel):
    """``[scenario]`` of ``scenario.toml``.

    Parameters
    ----------
    name : str
        The scenario's name.
    budget_hours : float
        The default travel budget: a minute to :data:`~hourcircle.config.MAX_HOURS` hours.
    places, sites : str
        The CSV files.
    links : str, optional
        The links file.
    infrastructure : str, optional
        The file naming bridges, tunnels and corridors by their two ends.
    """

    name: str = Field(min_length=1)
    budget_hours: float = Field(allow_inf_nan=False)
    places: str = "places.csv"
    sites: str = "sites.csv"
    links: str | None = None
    infrastructure: str | None = None

    @field_validator("budget_hours")
    @classmethod
    def _plausible_budget(cls, value: float) -> float:
        if not MIN_HOURS <= value <= MAX_HOURS:
            raise ValueError(f"must be from a minute ({MIN_HOURS:.4f} h) to {MAX_HOURS:g} hours")
        return value


class ProductSection(StrictModel):
    """``[product]`` of ``scenario.toml``.

    Parameters
    ----------
    name : str
        The product.
    plant_category : str
        The category of plants.
    categories : list of str
        The bill of materials.
    weights : dict
        Categories' weights (checked apart, so that each bad one is named).
    inputs, budgets : dict
        The tiers (checked apart by :mod:`hourcircle.io.tiers`).
    """

    name: str = Field(min_length=1)
    plant_category: str = Field(min_length=1)
    categories: list[str] = Field(min_length=1)
    weights: dict[str, Any] = Field(default_factory=dict)  # checked by _weight_problems
    inputs: dict[str, Any] = Field(default_factory=dict)  # checked by io.tiers
    budgets: dict[str, Any] = Field(default_factory=dict)  # checked by io.tiers


class TravelSection(StrictModel):
    """``[travel]`` of ``scenario.toml``.

    Parameters
    ----------
    truck, car, rail : dict
        Each profile's keys (checked by :mod:`hourcircle.profiles`).
    """

    truck: dict[str, Any] = Field(default_factory=dict)
    car: dict[str, Any] = Field(default_factory=dict)
    rail: dict[str, Any] = Field(default_factory=dict)


class ScenarioDocument(StrictModel):
    """A whole ``scenario.toml``.

    Parameters
    ----------
    scenario : ScenarioSection
        ``[scenario]``.
    product : ProductSection
        ``[product]``.
    travel : TravelSection
        ``[travel]``.
    roads : RoadsSection
        ``[roads]``.
    """

    scenario: ScenarioSection
    product: ProductSection
    travel: TravelSection = Field(default_factory=TravelSection)
    roads: RoadsSection = Field(default_factory=RoadsSection)


def document_problems(error: ValidationError, label: str, model: type[BaseModel],
                      prefix: str = "") -> list[Problem]:
    """A schema's complaints as one problem each, naming the key (and the nearest allowed one).

    Parameters
    ----------
    error : pydantic.ValidationError
        What the schema found.
    label : str
        How messages name the file.
    model : type of pydantic.BaseModel
        The schema (to suggest an allowed key for an unknown one).
    prefix : str, default ""
        Put before every key (the table the schema checks, such as ``travel.truck.``).

    Returns
    -------
    list of Problem
        One per complaint.
    """
    problems = []
    for e in error.errors():
        key = prefix + ".".join(str(part) for part in e["loc"])
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, tuple(str(p) for p in e["loc"][:-1]))
            close = difflib.get_close_matches(str(e["loc"][-1]), allowed, n=1)
            hint = f"did you mean {close[0]}?" if close else f"allowed: {', '.join(allowed)}"
            message = f"unknown key ({hint})"
        elif e["type"] == "missing":
            message = "is missing"
        else:
            message = f"{str(e['msg']).removeprefix('Value error, ')} (got {_shown(e['input'])})"
        problems.append(Problem(label, message, key=key))
    return problems


def _shown(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: its repr, shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _allowed_keys(model: type[BaseModel], path: tuple[str, ...]) -> list[str]:
    for part in path:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


MAX_DOCUMENT_BYTES = 1024 * 1024  # a scenario.toml is a page of settings


def read_document(path: Path, label: str) -> dict[str, Any]:
    """The TOML settings of a scenario.

    Parameters
    ----------
    path : pathlib.Path
        The ``scenario.toml``.
    label : str
        How messages name the file.

    Returns
    -------
    dict
        The TOML's tables.

    Raises
    ------
    InputError
        If the file is missing, too large, not UTF-8 or not TOML.
    """
    if not path.exists():
        raise InputError([Problem(label, "file not found (a scenario folder needs one)")])
    raw = read_user_file(path, label, limit=MAX_DOCUMENT_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(label, "is not UTF-8 text")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(label, f"TOML syntax error: {error}")]) from None
    except RecursionError:
        raise InputError([Problem(label, "nests tables or arrays too deep to read")]) from None


def travel_settings(raw: object, label: str) -> tuple[TravelSettings, list[Problem]]:
    """The scenario's profiles, or the defaults and a problem for every bad key.

    A malformed ``[travel]`` table itself is reported with the rest of the document.

    Parameters
    ----------
    raw : object
        The ``[travel]`` table as read (``None`` when absent).
    label : str
        How messages name the file.

    Returns
    -------
    tuple of (TravelSettings, list of Problem)
        The profiles and what is wrong with the keys.
    """
    try:
        section = TravelSection.model_validate(raw if raw is not None else {})
    except ValidationError:
        return TravelSettings.from_mapping(), []
    problems = []
    for profile in PROFILES:
        keys = getattr(section, profile)
        try:
            TravelSettings.from_mapping({profile: keys})
        except ValidationError as error:
            model = RailProfile if profile == "rail" else RoadProfile
            problems += document_problems(error, label, model, prefix=f"travel.{profile}.")
    if problems:
        return TravelSettings.from_mapping(), problems
    return TravelSettings.from_mapping(section.model_dump()), []


def product_of(section: object) -> Product | None:
    """The product, when its own section is sound (so sites can be checked against it).

    Parameters
    ----------
    section : object
        The ``[product]`` table as read.

    Returns
    -------
    Product or None
        ``None`` when the section has a problem (reported by the schema and :func:`product_problems`).
    """
    try:
        checked = ProductSection.model_validate(section)
    except ValidationError:
        return None
    categories = tuple(dict.fromkeys(checked.categories))
    if _weight_problems(section, "") or _component_problems(section, "") or tier_problems(section, ""):
        return None
    inputs, budgets = tiers(checked.model_dump())
    product = Product(checked.name, checked.plant_category, categories, inputs=inputs, budgets=budgets)
    named = (*categories, *product.input_categories)
    return Product(checked.name, checked.plant_category, categories,
                   tuple(float(checked.weights.get(c, 1.0)) for c in named), inputs, budgets)


def _component_problems(section: object, label: str) -> list[Problem]:
    """The bill of materials needs a component besides the plant's own category."""
    if not isinstance(section, dict) or not isinstance(section.get("categories"), list):
        return []
    if not [c for c in section["categories"] if c != section.get("plant_category")]:
        return [Problem(label, "lists no component besides the plant category; a circle needs something to "
                               "reach", key="product.categories")]
    return []


def _weight_problems(section: object, label: str) -> list[Problem]:
    """Weights must name declared categories and be plausible numbers.

    A weight says how much one component counts against another: from a millionth to a million,
    so that sums of weights stay far from overflow and from denormal numbers.
    """
    if not isinstance(section, dict) or not isinstance(section.get("weights"), dict):
        return []
    given = section.get("categories")
    declared: list[Any] = [*(given if isinstance(given, list) else []), *input_names(section)]
    problems = []
    for category, weight in section["weights"].items():
        key = f"product.weights.{category}"
        if category not in declared:
            problems.append(Problem(label, f"{category!r} is not one of the product's categories", key=key))
        elif not isinstance(weight, int | float) or isinstance(weight, bool) or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            problems.append(Problem(label, f"must be a number from {MIN_WEIGHT:g} to {MAX_WEIGHT:,.0f} "
                                           f"(got {_shown(weight)})", key=key))
    return problems


def product_problems(section: object, label: str) -> list[Problem]:
    """What is wrong with a ``[product]`` section beyond its schema: weights and components.

    Parameters
    ----------
    section : object
        The ``[product]`` table as read.
    label : str
        How messages name the file.

    Returns
    -------
    list of Problem
        Empty when the weights and the bill of materials are sound.
    """
    return _weight_problems(section, label) + _component_problems(section, label)
