"""Shared fixtures: the 4-city scenario of :mod:`helpers`, written to a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ScenarioMaker, write_scenario

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.run import Results, analyse
from hourcircle.maps import circle_map
from hourcircle.output import write_folder
from hourcircle.output.assemble import render


@pytest.fixture
def make_scenario(tmp_path: Path) -> ScenarioMaker:
    """Write the 4-city scenario, with any file replaced (text, or bytes for encodings)."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        return write_scenario(tmp_path / "scenario", files)

    return make


@pytest.fixture
def four(make_scenario: ScenarioMaker) -> Path:
    """The 4-city scenario as given."""
    return make_scenario()


@pytest.fixture(scope="session", autouse=True)
def road_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """OpenStreetMap roads are cached in the session's own folder, never in the user's."""
    folder = tmp_path_factory.mktemp("road_cache")
    before = os.environ.get("HOURCIRCLE_CACHE")
    os.environ["HOURCIRCLE_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("HOURCIRCLE_CACHE", None)
    else:
        os.environ["HOURCIRCLE_CACHE"] = before


@dataclass(frozen=True)
class BundledRun:
    """What ``hourcircle run --remove "Hangzhou Bay Bridge"`` writes for the bundled dataset."""

    folder: Path
    results: Results


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory: pytest.TempPathFactory, road_cache: Path) -> BundledRun:
    """The bundled run, analysed once a session (its sweep is the slowest thing the tests do)."""
    results = analyse(Query(TravelTimes.for_scenario(datasets.bundled())), remove=["Hangzhou Bay Bridge"])
    folder = tmp_path_factory.mktemp("bundled") / "out"
    write_folder(folder, render(results, {"map.html": circle_map(results)}))
    return BundledRun(folder, results)
