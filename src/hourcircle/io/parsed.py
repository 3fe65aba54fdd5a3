r"""Scenario tables parsed once: a CSV file's checked rows, cached by the file's bytes.

Reading a table checks every row against its model, which takes most of the time a question
on the national scenario spends reading its files. A table that passed without a problem is
stored (:mod:`hourcircle.store`: plain arrays, :mod:`hourcircle.frames`) under the SHA-256 of
its bytes, of the table's kind and of hourcircle's code: the same bytes give the same rows
again without a check. Any change to the file, or to hourcircle, misses the cache; a table with
a problem is never stored, so every problem is found and reported each time.

Examples
--------
>>> import tempfile
>>> from hourcircle.io.csvfile import parse_csv
>>> from hourcircle.io.tables import PLACES, parse_table
>>> folder = Path(tempfile.mkdtemp())
>>> raw = "place_id,name,lat,lon\na,A,30,120\nb,B,31,121\n".encode()
>>> lookup(raw, PLACES, folder) is None
True
>>> frame, problems = parse_table(parse_csv(raw, "places.csv"), PLACES)
>>> remember(raw, PLACES, frame, folder)
>>> lookup(raw, PLACES, folder).equals(frame)
True
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from hourcircle import config, frames, store
from hourcircle.io.tables import TableSpec
from hourcircle.versions import code_digest

FOLDER = "tables"  # inside the cache folder
SCHEMA = "schema"  # the array holding the JSON that puts the rows together again


def _key(raw: bytes, spec: TableSpec) -> str:
    """The bytes, the kind of table and hourcircle's code (so a change to how tables are parsed or stored misses)."""
    kind = f"{spec.model.__qualname__}|{','.join(spec.required)}|{','.join(spec.optional)}"
    return hashlib.sha256(b"\0".join([raw, kind.encode(), code_digest().encode()])).hexdigest()


def _where(key: str, folder: Path | None) -> Path:
    return (config.cache_path() if folder is None else folder) / FOLDER / key[:32]


def lookup(raw: bytes, spec: TableSpec, folder: Path | None = None) -> pd.DataFrame | None:
    """The rows parsed from these bytes before, or ``None``.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    spec : TableSpec
        The kind of table.
    folder : pathlib.Path, optional
        The cache folder (default: :func:`hourcircle.config.cache_path`).

    Returns
    -------
    pandas.DataFrame or None
        What :func:`hourcircle.io.tables.parse_table` gave, exactly.
    """
    key = _key(raw, spec)
    arrays = store.read(_where(key, folder), key=key, names=None)
    if arrays is None or SCHEMA not in arrays:
        return None
    try:
        schema = json.loads(arrays.pop(SCHEMA).tobytes().decode("utf-8"))
        if frames.array_names(schema) != set(arrays):
            return None
        return frames.decode(arrays, schema)["rows"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def remember(raw: bytes, spec: TableSpec, rows: pd.DataFrame, folder: Path | None = None) -> None:
    """Store the rows parsed from these bytes (a table that cannot be stored is skipped: it is a cache).

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    spec : TableSpec
        The kind of table.
    rows : pandas.DataFrame
        What :func:`hourcircle.io.tables.parse_table` gave, with no problem.
    folder : pathlib.Path, optional
        The cache folder.
    """
    key = _key(raw, spec)
    try:
        arrays, schema = frames.encode({"rows": rows})
    except frames.Unsupported:
        return
    arrays[SCHEMA] = np.frombuffer(json.dumps(schema).encode("utf-8"), dtype=np.uint8)
    store.write(_where(key, folder), arrays, key=key)
