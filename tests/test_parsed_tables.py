"""Scenario tables parsed once: the same bytes give the same rows from the cache; anything else parses again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from hourcircle import config, datasets, netcache
from hourcircle.errors import InputError
from hourcircle.io import load_scenario, parsed
from hourcircle.io import tables as table_specs
from hourcircle.scenario import Scenario


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "cache_folder", folder)
    yield folder


def _frames(scenario: Scenario) -> list[pd.DataFrame]:
    return [scenario.places, scenario.sites, scenario.links, scenario.infrastructure]


def _parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr("hourcircle.io.load.parse_table", refuse)


@pytest.mark.parametrize("name", ["yrd_nev", "china_nev"])
def test_a_scenario_read_again_gives_the_same_tables_exactly_without_parsing(
        name: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_scenario(datasets.bundled(name))
    assert len(list((cache / parsed.FOLDER).iterdir())) == 4  # places, sites, links, infrastructure
    _parsing_fails(monkeypatch)
    again = load_scenario(datasets.bundled(name))
    for expected, got in zip(_frames(first), _frames(again), strict=True):
        assert_frame_equal(got, expected, check_exact=True)
        assert list(got.dtypes) == list(expected.dtypes)
    assert [entry.what for entry in netcache.entries(cache)].count("a scenario table, parsed") == 4


def test_a_changed_file_is_parsed_again(cache: Path, four: Path) -> None:
    load_scenario(four)
    places = four / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("Alpha", "Alfa"), encoding="utf-8")
    assert load_scenario(four).places.loc["a", "name"] == "Alfa"
    assert len(list((cache / parsed.FOLDER).iterdir())) == 3 + 1  # places, sites and links; places again


def test_a_table_with_a_problem_is_never_stored_and_reported_every_time(cache: Path, four: Path) -> None:
    places = four / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("30.0,120.0", "91.0,120.0"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match=r"places\.csv"):
            load_scenario(four)
    raw = places.read_bytes()
    assert parsed.lookup(raw, table_specs.PLACES, cache) is None


def test_a_damaged_store_is_a_note_and_a_parse(cache: Path, four: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = load_scenario(four).places
    for array in (cache / parsed.FOLDER).glob("*/*.npy"):
        array.write_bytes(array.read_bytes()[:-3] + b"xyz")
    got = load_scenario(four).places
    assert_frame_equal(got, expected, check_exact=True)
    assert "ignoring the cache" in caplog.text


def test_cache_clear_removes_the_parsed_tables(cache: Path, four: Path) -> None:
    load_scenario(four)
    removed = netcache.clear(cache)
    assert [entry.what for entry in removed].count("a scenario table, parsed") == 3  # places, sites, links
    assert not any((cache / parsed.FOLDER).iterdir())
