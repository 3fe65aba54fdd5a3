"""The built-network cache: tables back exactly (values, dtypes, None vs NaN), any doubt a rebuild, and the CLI."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import run
from pandas.testing import assert_frame_equal

import hourcircle
from hourcircle import config, datasets, frames, netcache, store
from hourcircle.io import load_scenario
from hourcircle.network import TravelNetwork, build_network
from hourcircle.travel.times import TravelTimes


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "cache_folder", folder)
    yield folder


def _tables(network: TravelNetwork) -> dict[str, pd.DataFrame]:
    roads = network.roads
    return {"nodes": network.nodes, "edges": network.edges, "roads.nodes": roads.nodes, "roads.edges": roads.edges,
            "roads.joins": roads.joins, "roads.segments": roads.segments,
            "roads.infrastructure": roads.infrastructure, "roads.crossings": roads.crossings}


def _assert_same(expected: dict[str, pd.DataFrame], got: dict[str, pd.DataFrame]) -> None:
    assert list(got) == list(expected)
    for name, frame in expected.items():
        assert_frame_equal(got[name], frame, check_exact=True, check_index_type=True, check_column_type=True)
        assert list(got[name].dtypes) == list(frame.dtypes), name
        for column in range(frame.shape[1]):  # None and NaN apart, where a column holds objects
            if frame.iloc[:, column].dtype == object:
                assert ([v is None for v in got[name].iloc[:, column]]
                        == [v is None for v in frame.iloc[:, column]]), (name, column)


@pytest.mark.parametrize("which", ["four", "delta"])
def test_the_network_tables_round_trip_exactly(which: str, four: Path) -> None:
    network = build_network(load_scenario(four if which == "four" else datasets.bundled()))
    arrays, schema = frames.encode(_tables(network))
    assert all(not array.dtype.hasobject for array in arrays.values())
    assert frames.array_names(schema) == set(arrays)
    _assert_same(_tables(network), frames.decode(arrays, json.loads(json.dumps(schema))))


def test_columns_of_every_kind_round_trip() -> None:
    tuples = np.empty(5, dtype=object)
    tuples[:] = [("a", "b"), (), ("c",), ("a",), ("x" * 300,)]
    frame = pd.DataFrame({
        "str_none_nan": np.array(["a", None, np.nan, "日本語", "ends in NUL\0"], dtype=object),
        "arrow_nan": pd.array(["", "x", None, "b", "日本語"], dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
        "float_none": np.array([1.5, None, np.nan, -0.0, 2.0], dtype=object),
        "tuples": tuples,
        "python_na": pd.array(["x", None, "y", None, "z"], dtype=pd.StringDtype("python", na_value=pd.NA)),
        "ints": np.arange(5, dtype=np.int16), "flags": [True, False, True, True, False],
        "when": pd.to_datetime(["2024-01-01"] * 5),
        "all_none": np.array([None] * 5, dtype=object),
    }, index=pd.RangeIndex(10, 0, -2, name="n"))
    frame.columns = pd.Index(list(frame.columns), dtype=object, name="what")
    empty = pd.DataFrame(columns=["lat", "lon"])
    _assert_same({"f": frame, "empty": empty}, frames.decode(*frames.encode({"f": frame, "empty": empty})))


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": [1, 2]}, index=pd.MultiIndex.from_tuples([(1, 2), (3, 4)])),
    pd.DataFrame({"a": pd.Categorical(["x", "y"])}),
    pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}),
    pd.DataFrame({"a": pd.Series(["x", 1], dtype=object)}),
    pd.DataFrame({"a": pd.Series([1.0, 2], dtype=object)}),
    pd.DataFrame({"a": pd.Series(["x", pd.NA], dtype=object)}),
    pd.DataFrame({"a": pd.Series([("x", 1)], dtype=object)}),
    pd.DataFrame({"a": pd.Series(["a lone surrogate \udc80"], dtype=object)}),
], ids=["multiindex", "categorical", "Int64", "mixed", "int-in-floats", "pd.NA", "tuple-of-int", "surrogate"])
def test_what_cannot_round_trip_is_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(frames.Unsupported):
        frames.encode({"f": frame})


def test_the_second_time_the_network_is_read_not_built(cache: Path, four: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    built = TravelTimes.for_scenario(four)
    assert len(list((cache / "networks").iterdir())) == 1

    def refuse(*_: object) -> TravelNetwork:
        raise AssertionError("built again")

    monkeypatch.setattr(netcache, "build_network", refuse)
    read = TravelTimes.for_scenario(four)
    _assert_same(_tables(built.network), _tables(read.network))
    assert read.network.roads.source == built.network.roads.source
    assert "ends" in read.network.__dict__  # stored, not looked up again
    fresh = TravelNetwork(read.network.scenario, read.network.nodes, read.network.edges, read.network.roads)
    for stored, looked_up in zip(read.network.ends, fresh.ends, strict=True):
        assert stored.dtype == looked_up.dtype == np.int64 and np.array_equal(stored, looked_up)
    assert read.route("a", "d").as_dict() == built.route("a", "d").as_dict()
    assert TravelTimes.for_scenario(load_scenario(four)).route("a", "c", "car").minutes == 75.0  # a loaded scenario


def test_the_delta_from_the_cache_gives_the_same_answers(cache: Path) -> None:
    built = TravelTimes.for_scenario(datasets.bundled())
    read = TravelTimes.for_scenario(datasets.bundled())
    _assert_same(_tables(built.network), _tables(read.network))
    assert read.route("shanghai", "hefei", "car").as_dict() == built.route("shanghai", "hefei", "car").as_dict()


def test_a_scenario_changed_in_memory_is_built_and_not_stored(cache: Path, four: Path) -> None:
    scenario = load_scenario(four)
    TravelTimes.for_scenario(scenario)
    [folder] = (cache / "networks").iterdir()
    written = (folder / "manifest.json").read_bytes()
    faster = scenario.travel.model_copy(update={"truck": scenario.travel.truck.model_copy(update={"speed_kmh": 120.0})})
    changed = TravelTimes.for_scenario(dataclasses.replace(scenario, travel=faster))
    assert changed.network.edges["minutes_truck"].sum() < TravelTimes.for_scenario(scenario).network.edges[
        "minutes_truck"].sum()
    assert (folder / "manifest.json").read_bytes() == written
    assert len(list((cache / "networks").iterdir())) == 1


def test_other_files_other_store(cache: Path, four: Path) -> None:
    TravelTimes.for_scenario(four)
    places = four / "places.csv"
    places.write_text(places.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    TravelTimes.for_scenario(four)
    assert len(list((cache / "networks").iterdir())) == 2


def test_a_damaged_store_is_a_note_and_a_rebuild(cache: Path, four: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = _tables(TravelTimes.for_scenario(four).network)
    [folder] = (cache / "networks").iterdir()
    array = sorted(folder.glob("edges.c*.npy"))[0]
    data = bytearray(array.read_bytes())
    data[-1] ^= 0x01
    array.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="hourcircle.cache"):
        _assert_same(expected, _tables(TravelTimes.for_scenario(four).network))
    assert "damaged" in caplog.text
    assert netcache._read(folder, netcache.network_key(load_scenario(four)) or "", load_scenario(four),
                          netcache._content(load_scenario(four)) or "") is not None  # written again


def test_a_schema_that_lies_is_a_note_and_a_rebuild(cache: Path, four: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    scenario = load_scenario(four)
    expected = _tables(TravelTimes.for_scenario(scenario).network)
    key = netcache.network_key(scenario)
    assert key is not None
    folder = netcache.store_folder(key)
    arrays = store.read(folder, key=key, names=None)
    assert arrays is not None
    described = json.loads(arrays["schema"].tobytes())
    described["frames"]["tables"]["edges"]["rows"] += 1
    arrays["schema"] = np.frombuffer(json.dumps(described).encode(), dtype=np.uint8)
    store.write(folder, arrays, key=key)
    with caplog.at_level(logging.WARNING, logger="hourcircle.cache"):
        _assert_same(expected, _tables(TravelTimes.for_scenario(scenario).network))
    assert "ignoring the cache" in caplog.text


@pytest.mark.parametrize(("array", "change", "says"), [
    ("strings.utf8", lambda a: np.r_[a[:-1], np.uint8(0xFF)], "Invalid UTF8"),
    ("strings.offsets", lambda a: a[::-1].copy(), "not the starts of the strings"),
])
def test_a_pool_of_strings_that_lies_is_a_note_and_a_rebuild(cache: Path, four: Path,
                                                             caplog: pytest.LogCaptureFixture, array: str,
                                                             change: Any, says: str) -> None:
    scenario = load_scenario(four)
    expected = _tables(TravelTimes.for_scenario(scenario).network)
    key = netcache.network_key(scenario)
    assert key is not None
    folder = netcache.store_folder(key)
    arrays = store.read(folder, key=key, names=None)
    assert arrays is not None
    arrays[array] = change(arrays[array])
    store.write(folder, arrays, key=key)  # sound as a store: its checksums are the new bytes'
    with caplog.at_level(logging.WARNING, logger="hourcircle.cache"):
        _assert_same(expected, _tables(TravelTimes.for_scenario(scenario).network))
    assert says in caplog.text


def test_stored_ends_that_lie_are_a_note_and_a_rebuild(cache: Path, four: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    scenario = load_scenario(four)
    expected = TravelTimes.for_scenario(scenario).network.ends
    key = netcache.network_key(scenario)
    assert key is not None
    folder = netcache.store_folder(key)
    arrays = store.read(folder, key=key, names=None)
    assert arrays is not None
    arrays["ends.v"] = arrays["ends.v"] + len(expected[0]) + 1000  # beyond the nodes
    store.write(folder, arrays, key=key)
    with caplog.at_level(logging.WARNING, logger="hourcircle.cache"):
        got = TravelTimes.for_scenario(scenario).network.ends
    assert "not positions of its nodes" in caplog.text
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))


def test_a_network_without_edges_keeps_their_ends_right(four: Path) -> None:
    network = build_network(load_scenario(four))
    blocked = np.arange(len(network.edges)) % 3 == 0
    reduced = network.without(blocked)
    looked_up = TravelNetwork(reduced.scenario, reduced.nodes, reduced.edges, reduced.roads).ends
    assert all(np.array_equal(a, b) for a, b in zip(reduced.ends, looked_up, strict=True))


def test_a_network_that_cannot_be_stored_is_still_built(cache: Path, four: Path, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    def odd(scenario: object) -> TravelNetwork:
        network = build_network(scenario)  # type: ignore[arg-type]
        return dataclasses.replace(network, nodes=network.nodes.assign(odd=pd.Categorical(network.nodes["kind"])))

    monkeypatch.setattr(netcache, "build_network", odd)
    with caplog.at_level(logging.WARNING, logger="hourcircle.cache"):
        assert "odd" in TravelTimes.for_scenario(four).network.nodes
    assert "not cached" in caplog.text
    assert not (cache / "networks").exists()


def test_two_processes_building_at_once_both_succeed(cache: Path, four: Path) -> None:
    source = str(Path(hourcircle.__file__).resolve().parents[1])
    env = {**os.environ, "HOURCIRCLE_CACHE": str(cache), "PYTHONPATH": source}
    code = ("import sys; from hourcircle.travel.times import TravelTimes; "
            "print(TravelTimes.for_scenario(sys.argv[1]).route('a', 'd').minutes)")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(four)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [process.communicate(timeout=300) for process in runs]
    assert [process.returncode for process in runs] == [0, 0], results
    assert [out for out, _ in results] == ["210.0\n", "210.0\n"]
    [folder] = (cache / "networks").iterdir()
    assert netcache._read(folder, netcache.network_key(load_scenario(four)) or "", load_scenario(four),
                          netcache._content(load_scenario(four)) or "") is not None


def test_cache_lists_and_clears_only_what_is_hourcircles(cache: Path, four: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    TravelTimes.for_scenario(four)
    store.write(cache / "osm-2.0.0-v2-29_118_32_122", {"ids": np.arange(3)}, key="osm")
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    (cache / "osm-photos").mkdir()
    (cache / "networks" / "readme.txt").write_text("mine too", encoding="utf-8")
    status, out, err = run(["cache"], capsys)
    assert (status, err) == (0, "")
    assert "network of 'four cities'" in out and "a road clip 29_118_32_122" in out
    assert "notes.txt" not in out and "osm-photos" not in out and "readme" not in out
    assert out.strip().endswith("MB") and "5 cached items" in out  # the network, the clip, 3 parsed tables
    assert out.count("a scenario table, parsed") == 3
    status, out, err = run(["cache", "--clear"], capsys)
    assert (status, err) == (0, "") and out.startswith("removed 5 cached items")
    assert sorted(p.name for p in cache.iterdir()) == ["networks", "notes.txt", "osm-photos", "tables"]
    assert [p.name for p in (cache / "networks").iterdir()] == ["readme.txt"]
    assert not any((cache / "tables").iterdir())
    status, out, _ = run(["cache"], capsys)
    assert "nothing cached" in out


def test_validate_reads_a_cached_network_and_says_the_same(cache: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = run(["validate", str(datasets.bundled())], capsys)
    assert first[0] == 0 and "ok:" in first[1] and len(list((cache / "networks").iterdir())) == 1

    def refuse(*_: object) -> TravelNetwork:
        raise AssertionError("built again")

    monkeypatch.setattr(netcache, "build_network", refuse)
    assert run(["validate", str(datasets.bundled())], capsys) == first
