"""DataFrames as plain arrays and a JSON schema, and back exactly: values, dtypes, index, column order.

What :mod:`hourcircle.store` holds is ``.npy`` arrays of plain dtypes (never pickled objects), so
a set of named DataFrames is taken apart into such arrays and a schema that puts them together:

- numeric, bool and datetime columns of a NumPy dtype: their values, as they are;
- strings, wherever they are, go to one pool of distinct strings shared by every table (their
  UTF-8 bytes one after another, ``strings.utf8``, and where each starts, ``strings.offsets``:
  read back as one Arrow array without a copy), and a column holds one code per row into it:

  - pandas string columns (``StringDtype``, whatever its storage and missing value): -1 where missing;
  - object columns of ``str``, ``None`` and NaN: -1 for ``None``, -2 for NaN;
  - object columns of tuples of ``str``: the codes of every tuple's strings, and ``offsets``, where
    each row's tuple starts;
- object columns of ``float``, ``None`` and NaN: the values as ``float64`` and a mask of the ``None``;
- the index and the column labels like a column (a ``RangeIndex`` as its start, stop and step).

Anything else (a ``MultiIndex``, categoricals, nullable integers, objects of other types, a string
that is not Unicode, such as a lone surrogate) is refused with :class:`Unsupported`, and the
caller does without the arrays. The round trip is exact, as
``pandas.testing.assert_frame_equal(..., check_exact=True)`` checks it.

Examples
--------
>>> frame = pd.DataFrame({"km": pd.array([1.5, None], dtype=object), "name": ["a", None]},
...                      index=pd.Index(["x", "y"], name="node"))
>>> arrays, schema = encode({"demo": frame})
>>> sorted(arrays)
['demo.c0.none', 'demo.c0.values', 'demo.c1.codes', 'demo.columns.codes', 'demo.index.codes', 'strings.offsets',
 'strings.utf8']
>>> back = decode(arrays, schema)["demo"]
>>> back["km"].tolist(), back["name"].tolist(), back.index.name
([1.5, None], ['a', nan], 'node')
>>> digest(back) == digest(frame)
True
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Arrays = dict[str, NDArray[Any]]
Schema = dict[str, Any]
Values = NDArray[Any] | pd.api.extensions.ExtensionArray

NUMERIC_KINDS = "biufcmM"  # NumPy dtype kinds stored as they are
NONE, NAN = -1, -2  # codes of the missing values of a column of strings
UTF8, OFFSETS = "strings.utf8", "strings.offsets"  # the pool of strings: bytes, and where each string starts
PARTS = {"numpy": ("values",), "string": ("codes",), "object-str": ("codes",), "object-float": ("values", "none"),
         "object-tuple": ("codes", "offsets"), "range": ()}  # the arrays of each kind of column


class Unsupported(ValueError):
    """A frame the codec cannot round-trip exactly (the caller does without the arrays)."""


class _Pool:
    """The distinct strings of every table, and each column's codes into its own distinct strings."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, NDArray[Any], NDArray[Any]]] = []  # (array name, local codes, local strings)

    def add(self, name: str, values: Any, what: str, *, object_missing: bool) -> None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
            raise Unsupported(f"{what}: values that are not str")
        codes = np.asarray(codes, dtype=np.int64)
        if object_missing:
            objects = np.asarray(values, dtype=object)
            for at in np.flatnonzero(codes < 0):
                value = objects[at]
                if isinstance(value, float) and math.isnan(value):
                    codes[at] = NAN
                elif value is not None:
                    raise Unsupported(f"{what}: a missing value other than None and NaN ({value!r})")
        self.parts.append((name, codes, uniques))

    def arrays(self) -> tuple[Arrays, int]:
        """The pool (UTF-8 bytes and where each string starts), every column's codes into it, and its size."""
        every = np.concatenate([uniques for _, _, uniques in self.parts] or [np.array([], dtype=object)])
        code, pool = pd.factorize(every)
        try:
            encoded = [text.encode("utf-8") for text in pool.tolist()]
        except UnicodeEncodeError as error:
            raise Unsupported(f"a string that is not Unicode ({error.reason})") from None
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        out: Arrays = {UTF8: np.frombuffer(b"".join(encoded), dtype=np.uint8), OFFSETS: offsets}
        kind = np.int32 if len(encoded) < 2**31 else np.int64
        start = 0
        for name, codes, uniques in self.parts:
            mine = code[start:start + len(uniques)]
            start += len(uniques)
            out[name] = np.where(codes >= 0, mine[np.maximum(codes, 0)] if len(mine) else 0, codes).astype(kind)
        return out, len(encoded)


def _label(value: object, what: str) -> str | None:
    """An index's name, which the schema (JSON) holds: a str or None."""
    if value is None or type(value) is str:
        return value
    raise Unsupported(f"{what}: a name that is not a str ({value!r})")


def _values(values: pd.Index | pd.Series, prefix: str, what: str, pool: _Pool) -> tuple[Arrays, Schema]:
    """The arrays (strings go to the pool) and schema of one column or index."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in NUMERIC_KINDS:
        return {f"{prefix}.values": values.to_numpy()}, {"kind": "numpy", "dtype": dtype.str}
    if isinstance(dtype, pd.StringDtype):
        na = "nan" if dtype.na_value is np.nan else "NA" if dtype.na_value is pd.NA else None
        if na is None or dtype.storage not in ("python", "pyarrow"):
            raise Unsupported(f"{what}: a string dtype {dtype!r}")
        pool.add(f"{prefix}.codes", values.array, what, object_missing=False)
        return {}, {"kind": "string", "storage": dtype.storage, "na": na}
    if dtype != np.dtype(object):
        raise Unsupported(f"{what}: dtype {dtype} is not stored")
    objects = values.to_numpy()
    inferred = pd.api.types.infer_dtype(objects, skipna=True)
    if inferred in ("string", "empty"):
        pool.add(f"{prefix}.codes", objects, what, object_missing=True)
        return {}, {"kind": "object-str"}
    if inferred == "floating" and not isinstance(values, pd.Index):
        none = np.fromiter((v is None for v in objects), dtype=bool, count=len(objects))
        floats = np.where(none, np.nan, objects).astype(np.float64)
        return {f"{prefix}.values": floats, f"{prefix}.none": none}, {"kind": "object-float"}
    if not isinstance(values, pd.Index) and all(type(v) is tuple for v in objects):
        flat = np.array([item for row in objects for item in row] + [None], dtype=object)[:-1]
        if not all(type(item) is str for item in flat):
            raise Unsupported(f"{what}: tuples of values that are not str")
        pool.add(f"{prefix}.codes", flat, what, object_missing=False)
        offsets = np.cumsum([0, *(len(row) for row in objects)], dtype=np.int64)
        return {f"{prefix}.offsets": offsets}, {"kind": "object-tuple"}
    raise Unsupported(f"{what}: object values of kind {inferred!r} are not stored")


def _index(index: pd.Index, prefix: str, what: str, pool: _Pool) -> tuple[Arrays, Schema]:
    if isinstance(index, pd.MultiIndex):
        raise Unsupported(f"{what}: a MultiIndex")
    name = _label(index.name, what)
    if type(index) is pd.RangeIndex:
        return {}, {"kind": "range", "start": index.start, "stop": index.stop, "step": index.step, "name": name}
    if type(index) is not pd.Index:
        raise Unsupported(f"{what}: a {type(index).__name__}")
    arrays, schema = _values(index, prefix, what, pool)
    return arrays, {**schema, "name": name}


def encode(tables: Mapping[str, pd.DataFrame]) -> tuple[Arrays, Schema]:
    """Frames as arrays (named ``<table>.<part>``, and ``strings.*``) and the schema to rebuild them.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The frames (not changed), by a name made of lowercase letters, digits, ``_`` and ``.``.

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        Plain arrays (no object dtype).
    schema : dict
        JSON-able: each table's index, column labels and columns, and the pool's size.

    Raises
    ------
    Unsupported
        If a column, an index or the column labels cannot be round-tripped exactly.
    """
    pool = _Pool()
    arrays: Arrays = {}
    described = {}
    for table, frame in tables.items():
        if table.split(".")[0] == "strings":
            raise Unsupported(f"{table}: a table name the pool's arrays use")
        if frame.attrs or not frame.flags.allows_duplicate_labels:
            raise Unsupported(f"{table}: a frame with attrs or flags")
        more, index = _index(frame.index, f"{table}.index", f"{table} index", pool)
        arrays |= more
        more, columns = _index(frame.columns, f"{table}.columns", f"{table} column labels", pool)
        arrays |= more
        data = []
        for position in range(frame.shape[1]):
            more, column = _values(frame.iloc[:, position], f"{table}.c{position}",
                                   f"{table} column {frame.columns[position]!r}", pool)
            arrays |= more
            data.append(column)
        described[table] = {"rows": len(frame), "index": index, "columns": columns, "data": data}
    strings, count = pool.arrays()
    return arrays | strings, {"strings": count, "tables": described}


class _Decoder:
    """Rebuilds columns from the arrays: the pool as one Arrow array (no copy), as Python strs when needed."""

    def __init__(self, arrays: Mapping[str, NDArray[Any]], count: Any) -> None:
        import pyarrow as pa

        if type(count) is not int or count < 0:
            raise ValueError("a bad number of strings")
        self.arrays, self.count = arrays, count
        data, offsets = self.get(UTF8, "u", None), self.get(OFFSETS, "i", count + 1)
        if data.dtype != np.uint8 or offsets.dtype != np.int64:
            raise ValueError("the pool of strings is not UTF-8 bytes and their offsets")
        if offsets[0] != 0 or offsets[-1] != len(data) or (np.diff(offsets) < 0).any():
            raise ValueError(f"{OFFSETS}: not the starts of the strings")
        self._arrow = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))
        self._arrow.validate(full=True)  # UTF-8 that does not decode is an ArrowInvalid, a ValueError

    @cached_property
    def pool(self) -> NDArray[np.object_]:
        """The strings as Python objects (made when a column of objects first needs them)."""
        return np.asarray(self._arrow.to_numpy(zero_copy_only=False), dtype=object)

    def get(self, name: str, kinds: str, length: int | None) -> NDArray[Any]:
        array = self.arrays.get(name)
        if array is None:
            raise ValueError(f"no array {name}")
        if array.ndim != 1 or array.dtype.kind not in kinds or (length is not None and len(array) != length):
            raise ValueError(f"{name}: {array.dtype}{list(array.shape)} is not what the schema says")
        return array

    def codes(self, name: str, length: int | None, lowest: int) -> NDArray[Any]:
        codes = self.get(name, "i", length)
        if len(codes) and (codes.min() < lowest or codes.max() >= self.count):
            raise ValueError(f"{name}: codes out of range")
        return codes

    def strings(self, codes: NDArray[Any]) -> NDArray[np.object_]:
        """Python strs (``None`` where the code is NONE, NaN where NAN)."""
        out = self.pool.take(np.maximum(codes, 0)) if self.count else np.full(len(codes), None, dtype=object)
        out[codes == NONE] = None
        out[codes == NAN] = np.nan
        return out

    def string_array(self, codes: NDArray[Any], dtype: pd.StringDtype) -> pd.api.extensions.ExtensionArray:
        if dtype.storage != "pyarrow" or not self.count:
            return pd.array(self.strings(codes), dtype=dtype)
        import pyarrow as pa

        taken = self._arrow.take(pa.array(codes, mask=codes < 0))
        try:
            return pd.arrays.ArrowStringArray(taken, dtype=dtype)  # type: ignore[call-arg]  # pandas >= 2.3
        except TypeError:
            return pd.array(self.strings(codes), dtype=dtype)

    def values(self, schema: Any, prefix: str, rows: int | None) -> Values:
        kind = schema.get("kind") if isinstance(schema, dict) else None
        if kind == "numpy":
            values = self.get(f"{prefix}.values", NUMERIC_KINDS, rows)
            if values.dtype.str != schema.get("dtype"):
                raise ValueError(f"{prefix}: dtype {values.dtype.str}, not {schema.get('dtype')}")
            return values
        if kind == "string":
            if schema.get("storage") not in ("python", "pyarrow") or schema.get("na") not in ("nan", "NA"):
                raise ValueError(f"{prefix}: an unknown string dtype")
            dtype = pd.StringDtype(schema["storage"], na_value=np.nan if schema["na"] == "nan" else pd.NA)
            return self.string_array(self.codes(f"{prefix}.codes", rows, NONE), dtype)
        if kind == "object-str":
            return self.strings(self.codes(f"{prefix}.codes", rows, NAN))
        if kind == "object-float" and rows is not None:
            values = self.get(f"{prefix}.values", "f", rows).astype(object)
            values[self.get(f"{prefix}.none", "b", rows)] = None
            return values
        if kind == "object-tuple" and rows is not None:
            offsets = self.get(f"{prefix}.offsets", "i", rows + 1)
            flat = self.strings(self.codes(f"{prefix}.codes", None, 0)).tolist()
            if offsets[0] != 0 or offsets[-1] != len(flat) or (np.diff(offsets) < 0).any():
                raise ValueError(f"{prefix}.offsets: not the starts of the tuples")
            out = np.empty(rows, dtype=object)
            out[:] = [tuple(flat[a:b]) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
            return out
        raise ValueError(f"{prefix}: an unknown kind of values ({kind!r})")

    def index(self, schema: Any, prefix: str, rows: int | None) -> pd.Index:
        if not isinstance(schema, dict) or not (schema.get("name") is None or isinstance(schema.get("name"), str)):
            raise ValueError(f"{prefix}: a bad description")
        if schema.get("kind") == "range":
            start, stop, step = (schema.get(key) for key in ("start", "stop", "step"))
            if not (type(start) is int and type(stop) is int and type(step) is int and step != 0):
                raise ValueError(f"{prefix}: a bad range")
            index: pd.Index = pd.RangeIndex(start, stop, step, name=schema["name"])
        elif schema.get("kind") in ("numpy", "string", "object-str"):
            index = pd.Index(self.values(schema, prefix, rows), name=schema["name"],
                             dtype=object if schema.get("kind") == "object-str" else None)
        else:
            raise ValueError(f"{prefix}: an unknown kind of index")
        if rows is not None and len(index) != rows:
            raise ValueError(f"{prefix}: {len(index)} labels for {rows} rows")
        return index

    def frame(self, table: str, schema: Any) -> pd.DataFrame:
        rows, data = schema.get("rows"), schema.get("data")
        if type(rows) is not int or rows < 0 or not isinstance(data, list):
            raise ValueError(f"{table}: a bad description")
        index = self.index(schema.get("index"), f"{table}.index", rows)
        columns = self.index(schema.get("columns"), f"{table}.columns", None)
        if len(columns) != len(data):
            raise ValueError(f"{table}: {len(columns)} column labels for {len(data)} columns")
        frame = pd.DataFrame({n: pd.Series(self.values(column, f"{table}.c{n}", rows), index=index, copy=False,
                                           dtype=object if str(column.get("kind")).startswith("object") else None)
                              for n, column in enumerate(data)}, index=index)
        frame.columns = columns
        return frame


def decode(arrays: Mapping[str, NDArray[Any]], schema: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The frames :func:`encode` took apart.

    Parameters
    ----------
    arrays : mapping of str to numpy.ndarray
        The arrays.
    schema : mapping
        What :func:`encode` returned (read back from JSON).

    Returns
    -------
    dict of str to pandas.DataFrame
        The frames, exactly, by name.

    Raises
    ------
    ValueError
        If the arrays do not fit the schema (missing, another dtype or length, codes out of range).
    """
    tables = schema.get("tables")
    if not isinstance(tables, dict):
        raise ValueError("a bad description of the tables")
    decoder = _Decoder(arrays, schema.get("strings"))
    return {table: decoder.frame(table, described) for table, described in tables.items()}


def array_names(schema: Mapping[str, Any]) -> set[str]:
    """The names of the arrays a schema refers to.

    Parameters
    ----------
    schema : mapping
        What :func:`encode` returned.

    Returns
    -------
    set of str
        The array names.

    Examples
    --------
    >>> sorted(array_names(encode({"f": pd.DataFrame({"a": [1]})})[1]))
    ['f.c0.values', 'f.columns.codes', 'strings.offsets', 'strings.utf8']
    """
    names = {UTF8, OFFSETS}
    tables = schema.get("tables")
    for table, described in (tables.items() if isinstance(tables, dict) else ()):
        if not isinstance(described, dict):
            continue
        data = described.get("data")
        entries = [("index", described.get("index")), ("columns", described.get("columns")),
                   *((f"c{n}", column) for n, column in enumerate(data if isinstance(data, list) else []))]
        for where, entry in entries:
            kind = entry.get("kind") if isinstance(entry, dict) else None
            names |= {f"{table}.{where}.{part}" for part in PARTS.get(str(kind), ())}
    return names


def digest(frame: pd.DataFrame) -> str:
    """A SHA-256 of a frame's encoding: two frames have the same one when each round-trips to the other.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame.

    Returns
    -------
    str
        Hexadecimal.

    Raises
    ------
    Unsupported
        If the frame cannot be encoded.

    Examples
    --------
    >>> digest(pd.DataFrame({"a": [None]}, dtype=object)) == digest(pd.DataFrame({"a": [np.nan]}, dtype=object))
    False
    """
    arrays, schema = encode({"f": frame})
    hashed = hashlib.sha256(json.dumps(schema, sort_keys=True).encode("utf-8"))
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        hashed.update(f"{name} {array.dtype.str} {array.shape}".encode())
        hashed.update(array.tobytes())
    return hashed.hexdigest()
