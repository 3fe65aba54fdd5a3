"""Load a scenario folder (``scenario.toml`` + CSV files) into a validated :class:`Scenario`.

Every problem in every file is collected and raised together as one
:class:`~hourcircle.errors.InputError`; nothing is returned half-checked.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> s = load_scenario(bundled())
>>> s.places.loc["hefei", "name_zh"]
'合肥市'
>>> s.product.plant_category
'assembly'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from hourcircle import config
from hourcircle.errors import InputError, Problem
from hourcircle.geo import haversine_km
from hourcircle.io import parsed
from hourcircle.io.crossings import Crossings, read_crossings
from hourcircle.io.csvfile import parse_csv, read_user_file
from hourcircle.io.document import (
    SCENARIO_FILE,
    ScenarioDocument,
    document_problems,
    product_of,
    product_problems,
    read_document,
    travel_settings,
)
from hourcircle.io.tables import INFRASTRUCTURE, LINKS, PLACES, SITES, TableSpec, parse_table
from hourcircle.io.tiers import tier_problems
from hourcircle.scenario import Product, RoadsSection, Scenario

MAX_SITE_KM_FROM_PLACE = 300.0



def _duplicates(frame: pd.DataFrame, column: str, label: str) -> list[Problem]:
    repeated = frame[frame[column].duplicated(keep="first")]
    first_row = frame.drop_duplicates(column).set_index(column)["row"]
    return [
        Problem(label, f"duplicate id {value!r} (first used in row {first_row[value]})", row=int(row),
                column=column)
        for row, value in zip(repeated["row"], repeated[column], strict=True)
    ]


def _unknown_refs(frame: pd.DataFrame, column: str, known: Iterable[str], label: str,
                  what: str) -> list[Problem]:
    known_list = list(known)
    known_set = set(known_list)
    problems = []
    for row, value in zip(frame["row"], frame[column], strict=True):
        if value not in known_set:
            close = difflib.get_close_matches(value, known_list, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(Problem(label, f"unknown {what} {value!r}{hint}", row=int(row), column=column))
    return problems


def _read_named(folder: Path, name: str | None, spec: TableSpec, label: str, key: str, *,
                allow_outside: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The table a key of ``[scenario]`` names (None if it names none), or a problem naming the key."""
    if name is None:
        return None, []
    if "\0" in name:  # no file system takes it; the OS refuses it with a bare ValueError
        return pd.DataFrame(columns=["row", *spec.columns]), [Problem(
            label, f"{name!r} holds a NUL character (\\u0000), which no file name can; give the file's name",
            key=f"scenario.{key}")]
    return _read_table(folder, name, spec, allow_outside=allow_outside)


def _read_table(folder: Path, name: str, spec: TableSpec, *,
                allow_outside: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    try:
        raw = read_user_file(folder / name, name, within=None if allow_outside else folder)
        known = parsed.lookup(raw, spec)
        if known is not None:
            return known, []
        rows, problems = parse_table(parse_csv(raw, name), spec)
    except InputError as error:
        return pd.DataFrame(columns=["row", *spec.columns]), list(error.problems)
    if not problems:
        parsed.remember(raw, spec, rows)
    return rows, problems


def _cross_checks(places: pd.DataFrame, sites: pd.DataFrame, links: pd.DataFrame | None,
                  product: Product | None, files: dict[str, str], places_ok: bool) -> list[Problem]:
    """Rules between rows and tables; references are checked only against a sound places table."""
    problems = _duplicates(places, "place_id", files["places"])
    if places_ok and places["place_id"].nunique() == 1:  # every command measures between places
        problems.append(Problem(files["places"], "has one place; a scenario needs at least two (travel times, "
                                                 "circles and siting all compare places)"))
    problems += _duplicates(sites, "site_id", files["sites"])
    place_ids = list(dict.fromkeys(places["place_id"]))
    if places_ok:
        problems += _unknown_refs(sites, "place_id", place_ids, files["sites"], "place")
    problems += _case_clashes(places, sites, files)
    if product is not None:
        declared = list(product.all_categories)
        problems += _unknown_refs(sites, "category", declared, files["sites"],
                                  "category (not declared in [product] of scenario.toml)")
    located = sites.merge(places.drop_duplicates("place_id"), on="place_id", suffixes=("", "_place"))
    if len(located):
        km = haversine_km(located["lat"], located["lon"], located["lat_place"], located["lon_place"])
        far = located[km > MAX_SITE_KM_FROM_PLACE]
        problems += [
            Problem(files["sites"], f"is {d:.0f} km from its place {pid!r}; check lat, lon and place_id",
                    row=int(row), column="lat")
            for row, pid, d in zip(far["row"], far["place_id"], km[km > MAX_SITE_KM_FROM_PLACE],
                                   strict=True)
        ]
    if links is not None and "links" in files:
        for column in ("from_place", "to_place"):
            if places_ok:
                problems += _unknown_refs(links, column, place_ids, files["links"], "place")
        problems += _long_road_links(links, places, files["links"])
        loops = links[links["from_place"] == links["to_place"]]
        problems += [
            Problem(files["links"], "a link must join two different places", row=int(row), column="to_place")
            for row in loops["row"]
        ]
    return problems


def _long_road_links(links: pd.DataFrame, places: pd.DataFrame, label: str) -> list[Problem]:
    """Road links longer than any road runs between two neighbours (given km, else great-circle km)."""
    road = links[links["mode"] == "road"]
    ends = places.drop_duplicates("place_id").set_index("place_id")[["lat", "lon"]]
    road = road[road["from_place"].isin(ends.index) & road["to_place"].isin(ends.index)]
    a, b = ends.loc[road["from_place"]], ends.loc[road["to_place"]]
    great = haversine_km(a["lat"].to_numpy(), a["lon"].to_numpy(), b["lat"].to_numpy(), b["lon"].to_numpy())
    km = np.maximum(pd.to_numeric(road["km"], errors="coerce").fillna(0).to_numpy(dtype=float), great)
    return [Problem(label, f"a road link of {d:,.0f} km between {f} and {t} (at most {config.max_road_link_km:,.0f} "
                           "km: does it cross a sea?)", row=int(row), column="km")
            for row, f, t, d in zip(road["row"], road["from_place"], road["to_place"], km, strict=True)
            if d > config.max_road_link_km]


def _case_clashes(places: pd.DataFrame, sites: pd.DataFrame, files: dict[str, str]) -> list[Problem]:
    """Ids must differ in more than case, across places and sites (names look them up either way)."""
    ids = pd.concat([pd.DataFrame({"id": places["place_id"], "row": places["row"], "table": "places"}),
                     pd.DataFrame({"id": sites["site_id"], "row": sites["row"], "table": "sites"})],
                    ignore_index=True)
    key = ids["id"].astype(str).str.casefold()
    owner = ids[~key.duplicated()].set_index(key[~key.duplicated()])
    problems = []
    for (_, later), folded in zip(ids[key.duplicated()].iterrows(), key[key.duplicated()], strict=True):
        first = owner.loc[folded]
        if (first["id"], first["table"]) == (later["id"], later["table"]):
            continue  # an exact repeat within a table: reported as a duplicate
        kind = "place" if first["table"] == "places" else "site"
        how = f"is also a {kind} id" if first["id"] == later["id"] else f"differs only in case from {kind} id "
        message = (f"id {later['id']!r} {how}{'' if first['id'] == later['id'] else repr(first['id'])}; ids must be "
                   "unique across places and sites, whatever the case")
        problems.append(Problem(files[later["table"]], message, row=int(later["row"]),
                                column="place_id" if later["table"] == "places" else "site_id"))
    return problems


def load_scenario(folder: str | Path, *, allow_outside: bool = False) -> Scenario:
    """Read and validate a scenario.

    Parameters
    ----------
    folder : str or pathlib.Path
        The scenario folder (or its ``.toml`` file).
    allow_outside : bool, default False
        Read data files that lie outside the scenario folder (links resolved). By default a
        path in ``scenario.toml`` such as ``../../secret.csv`` is refused; only regular files of
        at most 512 MB are read either way.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InputError
        Listing every problem in every file, each with its file, row and column or key.
    """
    path = Path(folder)
    document_path = path / SCENARIO_FILE
    try:
        is_folder = path.is_dir()
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise InputError([Problem(str(path), f"cannot be read as a scenario ({reason})")]) from None
    if path.suffix == ".toml" and not is_folder:
        document_path, path = path, path.parent
    elif not is_folder:
        raise InputError([Problem(str(path), "scenario folder not found")])
    folder = path
    label = document_path.name
    raw = read_document(document_path, label)
    problems: list[Problem] = []
    try:
        document: ScenarioDocument | None = ScenarioDocument.model_validate(raw)
    except ValidationError as error:
        document = None
        problems += document_problems(error, label, ScenarioDocument)
    given = raw.get("scenario")
    section: dict[str, Any] = given if isinstance(given, dict) else {}
    files: dict[str, str | None] = {"places": "places.csv", "sites": "sites.csv", "links": None,
                                    "infrastructure": None}
    files |= {key: str(section[key]) for key in files if isinstance(section.get(key), str)}
    product = product_of(raw.get("product"))
    problems += product_problems(raw.get("product"), label)
    problems += tier_problems(raw.get("product"), label)
    travel, travel_problems = travel_settings(raw.get("travel"), label)
    problems += travel_problems

    specs = {"places": PLACES, "sites": SITES, "links": LINKS, "infrastructure": INFRASTRUCTURE}
    read = {key: _read_named(folder, files[key], spec, label, key, allow_outside=allow_outside)
            for key, spec in specs.items()}
    problems += [problem for _, more in read.values() for problem in more]
    places_ok = not read["places"][1]
    (places, _), (sites, _), (links, _), (infrastructure, _) = read.values()
    assert places is not None and sites is not None  # [scenario] names them by default
    named_files = {k: v for k, v in files.items() if v is not None}
    problems += _cross_checks(places, sites, links, product, named_files, places_ok)
    crossings = Crossings()
    if document is not None:
        problems += _roads_problems(document.roads, links, files["infrastructure"], label)
        crossings = read_crossings(_roads(document.roads, links), folder, label, allow_outside=allow_outside)
        problems += crossings.problems
    if problems or document is None or product is None:
        raise InputError(problems)

    return Scenario(
        name=document.scenario.name,
        folder=folder,
        budget_hours=float(document.scenario.budget_hours),
        product=product,
        travel=travel,
        places=_indexed(places, "place_id"),
        sites=_indexed(sites, "site_id"),
        links=None if links is None else links.drop(columns="row").reset_index(drop=True),
        roads=_roads(document.roads, links),
        infrastructure=None if infrastructure is None else infrastructure.reset_index(drop=True),
        files=named_files | ({"border_crossings": crossings.label} if crossings.label else {}),
        inputs=(document_path, *(folder / name for name in named_files.values()),
                *([crossings.path] if crossings.path else [])),
        rows={"places": places.set_index("place_id")["row"], "sites": sites.set_index("site_id")["row"]},
        crossings=crossings.table,
    )


def _has_road_links(links: pd.DataFrame | None) -> bool:
    return links is not None and bool((links["mode"] == "road").any())


def _roads(section: RoadsSection, links: pd.DataFrame | None) -> RoadsSection:
    """The roads section with its source resolved (``links`` when links.csv has road rows, else ``inferred``)."""
    if section.source is not None:
        return section
    return section.model_copy(update={"source": "links" if _has_road_links(links) else "inferred"})


def _roads_problems(section: RoadsSection, links: pd.DataFrame | None, infrastructure: str | None,
                    label: str) -> list[Problem]:
    source = _roads(section, links).source
    if source == "links" and not _has_road_links(links):
        return [Problem(label, "is 'links', but no links file with road rows is given; add road rows to "
                               "links.csv, or use 'osm' or 'inferred'", key="roads.source")]
    if infrastructure is not None and source != "osm":
        return [Problem(label, f"an infrastructure file ({infrastructure}) is matched to OpenStreetMap roads: "
                               "set [roads] source = 'osm', or leave the file out", key="scenario.infrastructure")]
    return []


def _indexed(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    out = frame.drop(columns="row").set_index(column)
    for name in ("lat", "lon"):
        out[name] = out[name].astype(np.float64)
    return out
