"""The ``hourcircle`` command line: parse, call the API, print. No analysis lives here.

Exit status: 0 on success, 2 on bad input or usage (one line per problem on stderr, no
traceback, nothing written), 1 only for a bug. Heavy modules (pandas, scipy, folium, the
solver) are imported inside the commands that use them, so ``hourcircle --help`` is quick.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from hourcircle import _signals
from hourcircle.cli import commands, places, tiers  # noqa: F401  (registers the commands on the group)
from hourcircle.cli.shared import cli, echo

__all__ = ["cli", "main"]


def _messages(error: Exception) -> list[str]:
    """What to print for an error a user caused: click's own, or the library's with flags for parameters."""
    from hourcircle.errors import ArgumentError, HourcircleError, escape_controls

    if isinstance(error, click.ClickException):  # one line, whatever value it quotes
        return [escape_controls(error.format_message())]
    if isinstance(error, ArgumentError):
        return [f"--{error.parameter.replace('_', '-')}: {error.message}"]
    assert isinstance(error, HourcircleError)
    return error.lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, 2 for bad input or usage, 130 if interrupted (Ctrl-C), 143 if
        terminated (SIGTERM; see :mod:`hourcircle._signals`).
    """
    from hourcircle.errors import HourcircleError

    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="hourcircle", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except (click.Abort, KeyboardInterrupt, _signals.Stopped):
        return _signals.report_stop()
    except (click.ClickException, HourcircleError) as error:
        if _signals.stopping():  # the error is the stop's consequence
            return _signals.report_stop()
        for line in _messages(error):
            echo(f"hourcircle: error: {line}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
