"""The checks of the Python API's arguments, made once, where a call enters the package.

Every public entry point checks its arguments with these helpers before any work, so that a
wrong argument is reported as the command line reports it: an
:class:`~hourcircle.errors.ArgumentError` naming the parameter (``top: must be at least 1,
not 0``). A value of the wrong type raises :class:`~hourcircle.errors.ArgumentTypeError`, which
is a :class:`TypeError` as well. Counts accept any integer (numpy's too, never a bool), numbers
any real number; a sequence of ids or names is never a single ``str`` (whose letters a loop
would take one by one). Ids are checked in one vectorised lookup (a few, by comparison), never one by one.

Examples
--------
>>> count("top", 3), number("km", 600)
(3, 600.0)
>>> count("top", 0)
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: top: must be at least 1, not 0
>>> texts("origins", "hefei")
Traceback (most recent call last):
...
hourcircle.errors.ArgumentTypeError: origins: must be a sequence of str, not a str (for one, give ['hefei'])
>>> positions("origins", pd.Index(["a", "b"]), ["b", "zeta"])
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: origins: unknown id 'zeta'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.errors import ArgumentError, ArgumentTypeError

Kinds = type | tuple[type, ...]
FEW_IDS = 8  # ids looked up by comparison rather than by hashing the index (see positions)


def type_name(value: object) -> str:
    """The name of a value's type, as messages show it.

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    str
        ``None`` for None, else the type's name (``str``, ``DataFrame``, ``int64``).

    Examples
    --------
    >>> type_name(None), type_name("x"), type_name(np.int64(2))
    ('None', 'str', 'int64')
    """
    return "None" if value is None else type(value).__name__


def _describe(kind: Kinds) -> str:
    """``a Query``, ``a Basemap or None``: what an instance of ``kind`` is called."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = [("None" if k is type(None) else k.__name__) for k in kinds]
    first = names[0]
    article = "" if first == "None" else ("an " if first[0] in "AEIOUaeiou" else "a ")
    return article + (first if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1])


def instance(parameter: str, value: object, kind: Kinds, *, what: str | None = None) -> None:
    """Refuse a value that is not an instance of ``kind``.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.
    kind : type or tuple of type
        What it must be (``type(None)`` allows None).
    what : str, optional
        How the message names ``kind`` (default: its names, ``a Query``).

    Raises
    ------
    ArgumentTypeError
        ``parameter: must be a Query, not DataFrame``.

    Examples
    --------
    >>> instance("km", 3.0, (float, type(None)))
    >>> instance("query", None, dict)
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentTypeError: query: must be a dict, not None
    """
    if not isinstance(value, kind):
        raise ArgumentTypeError(parameter, f"must be {what or _describe(kind)}, not {type_name(value)}")


def count(parameter: str, value: object, *, minimum: int = 1) -> int:
    """An integer count: any integer (Python's or numpy's; not a bool) of at least ``minimum``.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.
    minimum : int, default 1
        The smallest allowed.

    Returns
    -------
    int
        The value as a Python int.

    Raises
    ------
    ArgumentTypeError
        For anything but an integer (``top: must be an integer, not float``).
    ArgumentError
        For an integer below ``minimum`` (``top: must be at least 1, not 0``).

    Examples
    --------
    >>> count("top", np.int64(2)), count("exact_cells", 0, minimum=0)
    (2, 0)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(parameter, f"must be an integer, not {type_name(value)}")
    if value < minimum:
        raise ArgumentError(parameter, f"must be at least {minimum}, not {int(value)}")
    return int(value)


def number(parameter: str, value: object, *, above: float | None = None, at_least: float | None = None,
           at_most: float | None = None, finite: bool = False, what: str = "a number") -> float:
    """A real number (Python's or numpy's; not a bool) within limits; NaN never is.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.
    above, at_least, at_most : float, optional
        Limits: strictly above, at least, at most.
    finite : bool, default False
        Refuse infinities too.
    what : str, default "a number"
        What the message says it must be (``a positive number``).

    Returns
    -------
    float
        The value as a Python float.

    Raises
    ------
    ArgumentTypeError
        For anything but a real number (``km: must be a positive number, not str``).
    ArgumentError
        For one outside the limits (``km: must be a positive number, not -1``).

    Examples
    --------
    >>> number("hours", np.float32(2.5), above=0)
    2.5
    >>> number("km", float("nan"), above=0, what="a positive number")
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: km: must be a positive number, not nan
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(parameter, f"must be {what}, not {type_name(value)}")
    x = float(value)
    if (math.isnan(x) or (finite and math.isinf(x)) or (above is not None and not x > above)
            or (at_least is not None and not x >= at_least) or (at_most is not None and not x <= at_most)):
        raise ArgumentError(parameter, f"must be {what}, not {value!r}")
    return x


def function(parameter: str, value: object) -> None:
    """Refuse a value that is neither None nor callable (a progress bar, say).

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.

    Raises
    ------
    ArgumentTypeError
        For anything else (``progress: must be a callable or None, not int``).

    Examples
    --------
    >>> function("progress", None), function("progress", list)
    (None, None)
    """
    if value is not None and not callable(value):
        raise ArgumentTypeError(parameter, f"must be a callable or None, not {type_name(value)}")


def text(parameter: str, value: object) -> str:
    """A str (an id or a name).

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.

    Returns
    -------
    str
        The value.

    Raises
    ------
    ArgumentTypeError
        For anything else (``origin: must be a str, not None``).

    Examples
    --------
    >>> text("origin", "hefei")
    'hefei'
    """
    instance(parameter, value, str)
    assert isinstance(value, str)
    return value


def sequence(parameter: str, values: object, *, what: str = "a sequence of ids") -> list[Any]:
    """The items of a collection, not checked one by one; a single str is refused.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    values : object
        Its value: a list, tuple or other iterable.
    what : str, default "a sequence of ids"
        How the message names the collection.

    Returns
    -------
    list
        The items, in order.

    Raises
    ------
    ArgumentTypeError
        For a str or bytes, or something not iterable.

    Examples
    --------
    >>> sequence("origins", iter(["a", "b"]))
    ['a', 'b']
    """
    if isinstance(values, str | bytes):
        raise ArgumentTypeError(parameter, f"must be {what}, not a {type_name(values)} (for one, give [{values!r}])")
    if not isinstance(values, Iterable):
        raise ArgumentTypeError(parameter, f"must be {what}, not {type_name(values)}")
    return list(values)


def items(parameter: str, values: object, kind: Kinds, *, what: str) -> list[Any]:
    """The items of a collection, each an instance of ``kind``; a single str is refused.

    For short collections only (what a user names): each item's type is checked in turn.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    values : object
        Its value: a list, tuple or other iterable.
    kind : type or tuple of type
        What each item must be.
    what : str
        How the message names the collection (``a sequence of str``).

    Returns
    -------
    list
        The items, in order.

    Raises
    ------
    ArgumentTypeError
        For a str or bytes, something not iterable, or an item of another type.

    Examples
    --------
    >>> items("kinds", ("place", "link"), str, what="a sequence of str")
    ['place', 'link']
    >>> items("kinds", ["place", 3], str, what="a sequence of str")
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentTypeError: kinds: must be a sequence of str, not one holding an int
    """
    found = sequence(parameter, values, what=what)
    for item in found:
        if not isinstance(item, kind):
            raise ArgumentTypeError(parameter, f"must be {what}, not one holding {_describe(type(item))}")
    return found


def texts(parameter: str, values: object) -> list[str]:
    """A collection of str (ids or names), never a str itself.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    values : object
        Its value.

    Returns
    -------
    list of str
        The texts, in order.

    Raises
    ------
    ArgumentTypeError
        For a str, something not iterable, or an item that is not a str.

    Examples
    --------
    >>> texts("origins", ("hefei", "wuhu"))
    ['hefei', 'wuhu']
    """
    return items(parameter, values, str, what="a sequence of str")


def choice(parameter: str, value: object, choices: Collection[str]) -> str:
    """One of a few names.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    value : object
        Its value.
    choices : collection of str
        The names allowed.

    Returns
    -------
    str
        The value.

    Raises
    ------
    ArgumentTypeError
        For anything but a str.
    ArgumentError
        For another name, listing the allowed ones.

    Examples
    --------
    >>> choice("between", "all", ("places", "sites", "all"))
    'all'
    >>> choice("between", "cities", ("places", "sites", "all"))
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: between: 'cities' is not one of places, sites, all
    """
    instance(parameter, value, str, what=f"one of {', '.join(choices)}")
    assert isinstance(value, str)
    if value not in choices:
        raise ArgumentError(parameter, f"{value!r} is not one of {', '.join(choices)}")
    return value


def some_of(parameter: str, values: object, choices: Collection[str]) -> list[str]:
    """Some of a few names (a collection of them, not one str).

    Parameters
    ----------
    parameter : str
        The parameter's name.
    values : object
        Its value.
    choices : collection of str
        The names allowed.

    Returns
    -------
    list of str
        The names, in order.

    Raises
    ------
    ArgumentTypeError
        For a str, something not iterable, or an item that is not a str.
    ArgumentError
        For an unknown name, listing the allowed ones.

    Examples
    --------
    >>> some_of("kinds", ["segmnet"], ("link", "segment"))
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: kinds: unknown kind 'segmnet'; use some of link, segment
    """
    found = texts(parameter, values)
    unknown = [v for v in found if v not in choices]
    if unknown:
        raise ArgumentError(parameter, f"unknown kind {unknown[0]!r}; use some of {', '.join(choices)}")
    return found


def _first(index: pd.Index, value: str) -> int:
    """The position of a str in an index (-1: not in it), by comparing it with every label."""
    hits = np.flatnonzero(np.asarray(index == value, dtype=bool))
    return int(hits[0]) if hits.size else -1


def positions(parameter: str, index: pd.Index, ids: object, *, hint: str = "",
              compare: bool = False) -> NDArray[np.int64]:
    """The positions in ``index`` of ids, every one known: one vectorised lookup.

    Parameters
    ----------
    parameter : str
        The parameter's name.
    index : pandas.Index
        The known ids (unique).
    ids : object
        Its value: a list, tuple, numpy array, pandas Index or Series, or other iterable of ids;
        not a str.
    hint : str, optional
        Added to the message of an unknown id.
    compare : bool, default False
        Find a few ids (at most :data:`FEW_IDS`, each a str) by comparing them with every label,
        not by hashing the index: for a question or two, as hashing a national network's index
        (100,000 ids and more) takes longer than answering them.

    Returns
    -------
    numpy.ndarray of int
        One position per id.

    Raises
    ------
    ArgumentTypeError
        For a str, or something that is not a one-dimensional collection of ids.
    ArgumentError
        For an unknown id, naming the first (and how many more there are).

    Examples
    --------
    >>> positions("nodes", pd.Index(["a", "b", "c"]), np.array(["c", "a"])).tolist()
    [2, 0]
    >>> positions("nodes", pd.Index(["a", "b", "c"]), ["c", "a"], compare=True).tolist()
    [2, 0]
    """
    if isinstance(ids, str | bytes):
        raise ArgumentTypeError(parameter, f"must be a sequence of ids, not a {type_name(ids)} "
                                           f"(for one, give [{ids!r}])")
    try:
        if isinstance(ids, pd.Index):
            wanted = ids
        elif isinstance(ids, np.ndarray | pd.Series | list):
            wanted = pd.Index(ids)
        elif isinstance(ids, Iterable):
            wanted = pd.Index(list(ids))
        else:
            raise TypeError
        if compare and len(wanted) <= FEW_IDS and all(type(value) is str for value in wanted):
            found = np.array([_first(index, value) for value in wanted], dtype=np.int64)  # compared, not hashed
        else:
            found = index.get_indexer(wanted)
    except (TypeError, ValueError):  # not iterable, not one-dimensional, or unhashable items
        raise ArgumentTypeError(parameter, f"must be a sequence of ids, not {type_name(ids)}") from None
    missing = found < 0
    if missing.any():
        more = int(missing.sum()) - 1
        first = wanted[int(np.argmax(missing))]
        raise ArgumentError(parameter, f"unknown id {first!r}" + (f" (and {more} more)" if more else "") + hint)
    return np.asarray(found, dtype=np.int64)
