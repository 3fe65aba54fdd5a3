"""The exception family of hourcircle.

Every error a user can cause is a :class:`HourcircleError`; the command line prints its
lines (one per problem) on stderr and exits with status 2. Anything else is a bug.

Examples
--------
>>> p = Problem("places.csv", "'abc' is not a number", row=5, column="lat")
>>> str(p)
"places.csv, row 5, column lat: 'abc' is not a number"
>>> str(Problem("scenario.toml", "unknown key", key="scenario.budget_hour"))
'scenario.toml, key scenario.budget_hour: unknown key'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class HourcircleError(Exception):
    """Base of every error caused by input; :attr:`lines` are printed one per line."""

    @property
    def lines(self) -> list[str]:
        return [line for line in str(self).splitlines() if line] or [type(self).__name__]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` counts as a spreadsheet does (the header is row 1); ``column`` names a CSV
    column and ``key`` a dotted TOML key.
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


class InputError(HourcircleError):
    """Bad scenario files: carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = dict.fromkeys(problems)
        self.problems = sorted(unique, key=lambda p: (p.where, p.row or 0, p.column or ""))
        super().__init__("\n".join(str(p) for p in self.problems))


class NameLookupError(HourcircleError):
    """A place or site name that is unknown or ambiguous."""


class AmbiguousNameError(NameLookupError):
    """A name that fits several places or sites."""


class ArgumentError(HourcircleError):
    """A command-line or API argument that cannot be used."""


class NoRouteError(HourcircleError):
    """A travel question whose answer needs a route that does not exist."""
