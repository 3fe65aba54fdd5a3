"""The ``hourcircle`` console script: signal handlers first, then the command line.

The handlers are installed as this module loads, before any other module of the package (the
package's ``__init__`` runs no code), so that Ctrl-C or SIGTERM at any moment ends the process
with one line (see :mod:`hourcircle._signals`).
"""

from typing import NoReturn

from hourcircle import _signals

_signals.install()


def main() -> None:
    """Run the command line with clean interrupts; exit 130 on Ctrl-C, 143 on SIGTERM."""
    try:
        _signals.arm()
        try:
            from hourcircle.cli import main as run
            from hourcircle.output.files import finish_after_commit

            finish_after_commit()  # a command that has put its results in place runs to its end
            status = run()
        finally:
            _signals.settle()  # a signal before this line is caught below; none comes after it
    except (KeyboardInterrupt, _signals.Stopped):
        status = _signals.report_stop()
    except BaseException:  # what a library made of the stop (class creation wraps it in a RuntimeError)
        if not _signals.stopping():
            raise
        status = _signals.report_stop()
    _exit(status)


def _exit(status: int) -> NoReturn:
    """End the process with ``status`` once its output is out, without tearing the interpreter down.

    Freeing the modules of numpy, scipy, pandas and pyarrow at exit took 0.12 s here, a sixth of
    a first answer, and a finished command needs none of it. The exit hooks still run (logging's
    flush and the like); the usual exit is taken instead when another thread runs, a Dask cluster
    was used, or the output cannot be flushed (a closed pipe: the usual exit reports it).
    """
    import atexit
    import os
    import sys
    import threading

    if threading.active_count() > 1 or "distributed" in sys.modules:
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)
    atexit._run_exitfuncs()
    os._exit(status)
