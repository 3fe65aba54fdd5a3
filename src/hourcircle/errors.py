r"""The exception family of hourcircle.

Every error a user can cause is a :class:`HourcircleError`; the command line prints its
lines (one per problem) on stderr and exits with status 2. Anything else is a bug. The
errors are also builtin exceptions, so ``except ValueError`` or ``except LookupError``
catches them in a notebook. A cluster that fails during batch work is a :class:`ClusterError`.

Examples
--------
>>> p = Problem("places.csv", "'abc' is not a number", row=5, column="lat")
>>> str(p)
"places.csv, row 5, column lat: 'abc' is not a number"
>>> str(Problem("scenario.toml", "unknown key", key="scenario.budget_hour"))
'scenario.toml, key scenario.budget_hour: unknown key'
>>> error = ArgumentError("top", "must be at least 1, not 0")
>>> str(error), isinstance(error, ValueError)
('top: must be at least 1, not 0', True)

A problem is one line whatever the text it quotes: control characters in a file's name, a
header or a path are shown escaped (:func:`escape_controls`).

>>> print(Problem("places.csv", "unknown column", row=1, column="pop\nulation"))
places.csv, row 1, column pop\u000aulation: unknown column

>>> wrong = ArgumentTypeError("query", "must be a Query, not NoneType")
>>> isinstance(wrong, TypeError), isinstance(wrong, ValueError), isinstance(wrong, ArgumentError)
(True, True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls (ANSI and OSC escapes among them)


def escape_controls(text: str, keep: str = "") -> str:
    r"""Text with its control characters shown as ``\u001b``, so that nothing acts on them.

    The one way hourcircle shows text it did not write: in messages (one line each, whatever
    the text quotes), on the terminal, and in CSV, Markdown and GeoJSON files. A scenario's
    names must not move a cursor, set a window title, hide text or split a line. The form is
    JSON's, so escaped JSON stays valid and means the same.

    Parameters
    ----------
    text : str
        Any text.
    keep : str, default ""
        Control characters to leave as they are (the terminal keeps ``"\t\n"``).

    Returns
    -------
    str
        The text, with C0 and C1 controls (``U+0000``-``U+001F``, ``U+007F``-``U+009F``) not in
        ``keep`` as ``\uXXXX``; text without them is returned as it is.

    Examples
    --------
    >>> print(escape_controls("Hefei\x1b]0;pwned\x07\tline\n"))
    Hefei\u001b]0;pwned\u0007\u0009line\u000a
    >>> escape_controls("a\tb\x9b", keep="\t\n")
    'a\tb\\u009b'
    """
    def show(match: re.Match[str]) -> str:
        character = match.group()
        return character if character in keep else f"\\u{ord(character):04x}"

    return CONTROL.sub(show, text)


class HourcircleError(Exception):
    """Base of every error caused by input.

    Its :attr:`lines` are what the command line prints, one per problem.
    """

    @property
    def lines(self) -> list[str]:
        """The message, one problem per line (the class name if the message is empty).

        Returns
        -------
        list of str
            Non-empty lines of the message (split at line ends only: a problem's own text has
            its controls escaped, and other line separators such as ``U+2028`` stay in it).
        """
        return [line for line in str(self).split("\n") if line] or [type(self).__name__]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Parameters
    ----------
    where : str
        The file, as messages name it (e.g. ``places.csv``).
    message : str
        What is wrong.
    row : int, optional
        Row as a spreadsheet counts it (the header is row 1).
    column : str, optional
        CSV column.
    key : str, optional
        Dotted TOML key.
    """

    where: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = [self.where]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.key:
            parts.append(f"key {self.key}")
        return escape_controls(", ".join(parts) + f": {self.message}")


class InputError(HourcircleError, ValueError):
    """Bad scenario files: carries every problem found, not just the first.

    Parameters
    ----------
    problems : iterable of Problem
        Every problem found; repeats are dropped and the rest sorted by file, row and column.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = dict.fromkeys(problems)
        self.problems = sorted(unique, key=lambda p: (p.where, p.row or 0, p.column or ""))
        super().__init__("\n".join(str(p) for p in self.problems))


class NameLookupError(HourcircleError, LookupError):
    """A place or site name that is unknown or ambiguous."""


class AmbiguousNameError(NameLookupError):
    """A name that fits several places or sites."""


class ArgumentError(HourcircleError, ValueError):
    """An argument of the Python API (or the command line) that cannot be used.

    Parameters
    ----------
    parameter : str
        The parameter's name in the Python API (``top``, ``hours``); the command line
        shows its flag instead.
    message : str
        What is wrong with it.
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.message = escape_controls(message)  # one line, whatever path or name it quotes
        super().__init__(f"{parameter}: {self.message}")


class MissingExtraError(HourcircleError, ImportError):
    """Data an optional part of hourcircle brings, which is not installed (the message says which)."""


class TooLargeError(HourcircleError, MemoryError):
    """A question whose arrays would not fit in the memory the machine has (said before allocating)."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of the Python API of the wrong type: a :class:`TypeError` as well as a :class:`ValueError`.

    So ``except TypeError`` and ``except ValueError`` both catch it, and the command line
    reports it as any :class:`ArgumentError`.

    Parameters
    ----------
    parameter : str
        The parameter's name in the Python API.
    message : str
        What it must be, and what it is (``must be a Query, not DataFrame``).
    """


class NoRouteError(HourcircleError, LookupError):
    """A travel question whose answer needs a route that does not exist."""


class ClusterError(HourcircleError, RuntimeError):
    """A Dask cluster that failed during the work: its workers or its scheduler were lost.

    The message says what happened and what to do; nothing was written.

    Examples
    --------
    >>> error = ClusterError("the cluster lost its workers 3 times: rerun")
    >>> error.lines, isinstance(error, RuntimeError)
    (['the cluster lost its workers 3 times: rerun'], True)
    """
