"""The ``hourcircle`` console script: signal handlers first, then the command line.

The handlers are installed as this module loads, before any other module of the package (the
package's ``__init__`` runs no code), so that Ctrl-C or SIGTERM at any moment ends the process
with one line (see :mod:`hourcircle._signals`).
"""

from hourcircle import _signals

_signals.install()


def main() -> None:
    """Run the command line with clean interrupts; exit 130 on Ctrl-C, 143 on SIGTERM."""
    import sys

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
    sys.exit(status)
