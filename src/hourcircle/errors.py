"""The exception family of hourcircle.

Every error a user can cause is a :class:`HourcircleError`; the command line prints its
lines (one per problem) on stderr and exits with status 2. Anything else is a bug. The
errors are also builtin exceptions, so ``except ValueError`` or ``except LookupError``
catches them in a notebook.

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
>>> wrong = ArgumentTypeError("query", "must be a Query, not NoneType")
>>> isinstance(wrong, TypeError), isinstance(wrong, ValueError), isinstance(wrong, ArgumentError)
(True, True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
            Non-empty lines of the message.
        """
        return [line for line in str(self).splitlines() if line] or [type(self).__name__]


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
        return ", ".join(parts) + f": {self.message}"


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
        self.message = message
        super().__init__(f"{parameter}: {message}")


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
