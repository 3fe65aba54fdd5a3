"""The ``hourcircle`` console script: signals first, then the command line.

SIGTERM is turned into an exception, like Ctrl-C, so that every ``finally`` runs (temporary
files, staging folders and Dask clusters are cleaned up) and the process ends with one line,
not a traceback, even while the command line's modules are still being imported.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it unwinds as on Ctrl-C."""


TERMINATED: list[bool] = []  # set when SIGTERM came (click turns every KeyboardInterrupt into its Abort)


def _terminate(signum: int, frame: FrameType | None) -> None:
    TERMINATED.append(True)
    raise Terminated


def terminated() -> bool:
    """Whether the process was asked to stop by SIGTERM (rather than Ctrl-C).

    Returns
    -------
    bool
        True once SIGTERM has come.
    """
    return bool(TERMINATED)


def main() -> None:
    """Run the command line with clean interrupts; exit 130 on Ctrl-C, 143 on SIGTERM."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from hourcircle.cli import main as run

        status = run()
    except KeyboardInterrupt:
        sys.stderr.write(f"hourcircle: {'terminated' if terminated() else 'interrupted'}; nothing was written\n")
        status = 143 if terminated() else 130
    sys.exit(status)
