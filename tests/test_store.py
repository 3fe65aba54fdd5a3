"""The derived-data store: any damage to a cache is a one-line note and a rebuild, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hourcircle import store

KEY = "test-key-1"
ARRAYS = {"ids": np.arange(5, dtype=np.int64), "km": np.linspace(0.5, 2.5, 5),
          "name": np.array(["a", "bb", "c", "d", "e"])}


def _written(tmp_path: Path) -> Path:
    folder = tmp_path / "clip"
    store.write(folder, ARRAYS, key=KEY)
    return folder


def _flip_a_bit(folder: Path) -> None:
    data = bytearray((folder / "km.npy").read_bytes())
    data[-3] ^= 0x10
    (folder / "km.npy").write_bytes(bytes(data))


def _huge_header(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["arrays"]["km"]["shape"] = [2 ** 45]  # 256 TiB of float64
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    data = (folder / "km.npy").read_bytes().replace(b"(5,)", b"(35184372088832,)")
    (folder / "km.npy").write_bytes(data)


def _wrong_length(folder: Path) -> None:
    store.write(folder, {**ARRAYS, "km": np.ones(4)}, key=KEY)


def _fifo_for_an_array(folder: Path) -> None:
    (folder / "ids.npy").unlink()
    os.mkfifo(folder / "ids.npy")


def _fifo_for_the_store(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    os.mkfifo(folder)


def _npy_for_the_store(folder: Path) -> None:
    data = (folder / "km.npy").read_bytes()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_bytes(data)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": lambda f: (f / "ids.npy").write_bytes((f / "ids.npy").read_bytes()[:-5]),
    "flipped bit": _flip_a_bit,
    "missing array": lambda f: (f / "name.npy").unlink(),
    "manifest garbage": lambda f: (f / "manifest.json").write_bytes(b"\x00\xff{"),
    "manifest missing": lambda f: (f / "manifest.json").unlink(),
    "another key": lambda f: store.write(f, ARRAYS, key="another version"),
    "another format": lambda f: (f / "manifest.json").write_text('{"format": 99}', encoding="utf-8"),
    "huge header": _huge_header,
    "pickle inside": lambda f: np.save(f / "km.npy", np.array([object()]), allow_pickle=True),
    "wrong length": _wrong_length,
    "fifo for an array": _fifo_for_an_array,
    "fifo for the store": _fifo_for_the_store,
    "npy for the store": _npy_for_the_store,
    "symlink for an array": lambda f: ((f / "km.npy").unlink(), (f / "km.npy").symlink_to("/dev/zero")),
}


def _consistent(arrays: dict[str, np.ndarray]) -> None:
    if len({len(a) for a in arrays.values()}) != 1:
        raise ValueError("arrays of different lengths")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_a_note_and_a_rebuild(tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    folder = _written(tmp_path)
    DAMAGE[damage](folder)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(store.read(folder, key=KEY, names=ARRAYS,
                                                                    check=_consistent)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading the store hung"
    assert found == [None]
    [note] = [record.getMessage() for record in caplog.records]
    assert note.startswith(f"hourcircle: note: ignoring the cache {folder} (") and "\n" not in note
    store.write(folder, ARRAYS, key=KEY)  # rebuilt in its place, whatever was there
    again = store.read(folder, key=KEY, names=ARRAYS, check=_consistent)
    assert again is not None and all(np.array_equal(again[k], ARRAYS[k]) for k in ARRAYS)
    assert [p.name for p in tmp_path.iterdir()] == ["clip"]  # no staging or old folder left


def test_a_missing_store_is_silent_and_an_unwritable_one_is_skipped(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    assert store.read(tmp_path / "none", key=KEY, names=ARRAYS) is None and caplog.records == []
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache's folder would go", encoding="utf-8")
    store.write(blocked / "clip", ARRAYS, key=KEY)  # cannot make the folder: a note, not an error
    assert "could not write the cache" in caplog.records[0].getMessage()


def test_two_writers_leave_one_whole_store(tmp_path: Path) -> None:
    folder = tmp_path / "clip"
    threads = [threading.Thread(target=store.write, args=(folder, ARRAYS), kwargs={"key": KEY}) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert store.read(folder, key=KEY, names=ARRAYS) is not None
    assert [p.name for p in tmp_path.iterdir()] == ["clip"]


def test_arrays_come_back_exactly_and_writable(tmp_path: Path) -> None:
    arrays = {"grid": np.asfortranarray(np.arange(12.0).reshape(3, 4)), "none": np.empty((0, 2), dtype=np.int32),
              "big_endian": np.arange(4, dtype=">i8"), "flags": np.array([True, False]),
              "text": np.array(["合肥", "b"])}
    store.write(tmp_path / "s", arrays, key=KEY)
    back = store.read(tmp_path / "s", key=KEY, names=arrays)
    assert back is not None
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape and np.array_equal(back[name], array)
        assert back[name].flags.writeable, name
    back["grid"][0, 0] = 99.0  # its own bytes: the store's file is unchanged
    assert store.read(tmp_path / "s", key=KEY, names=arrays)["grid"][0, 0] == 0.0  # type: ignore[index]
