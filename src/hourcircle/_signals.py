"""Ctrl-C and SIGTERM end the program with one line and a known status, at any moment.

Before the command line is *armed* (while Python and the package are still starting, when
nothing can have been written), a signal ends the process at once with its line. Once armed,
SIGTERM is raised like Ctrl-C, so that every ``finally`` runs (temporary files, staging folders
and Dask clusters are cleaned up) and the command line prints the same line. After the work is
done, signals are ignored while Python exits.

Examples
--------
>>> from hourcircle import _signals
>>> _signals.message(terminated=False)
'hourcircle: interrupted; nothing was written'
>>> _signals.status(terminated=True)
143
"""

import _signal  # type: ignore[import-not-found]  # the C module: ``signal`` would import enum first, widening the window before install()
import os
import sys

_STATE = {"armed": False, "stopping": False, "terminated": False, "in_hook": False}
_SIGNUM = [0]  # the signal being handled


class Stopped(BaseException):
    """Ctrl-C or SIGTERM, raised where the program is, so that it unwinds."""


def message(*, terminated: bool) -> str:
    """The one line a stopped command prints.

    Parameters
    ----------
    terminated : bool
        SIGTERM (True) or Ctrl-C (False).

    Returns
    -------
    str
        The line, without a newline.
    """
    return f"hourcircle: {'terminated' if terminated else 'interrupted'}; nothing was written"


def status(*, terminated: bool) -> int:
    """The exit status of a stopped command: 143 for SIGTERM, 130 for Ctrl-C.

    Parameters
    ----------
    terminated : bool
        SIGTERM (True) or Ctrl-C (False).

    Returns
    -------
    int
        128 + the signal's number, as shells report it.
    """
    return 143 if terminated else 130


def terminated() -> bool:
    """Whether the process was asked to stop by SIGTERM (rather than Ctrl-C).

    Returns
    -------
    bool
        True once SIGTERM has come.
    """
    return _STATE["terminated"]


def _handle(signum: int, frame: object) -> None:
    stop = signum == _signal.SIGTERM
    holding = getattr(sys.modules.get("hourcircle.atomic"), "holding", None)  # once anything can be held
    if holding is not None and holding():  # a section that must finish whole: the signal acts after it
        sys.modules["hourcircle.atomic"].defer(signum)
        return
    _STATE["terminated"] = _STATE["terminated"] or stop
    if not _STATE["armed"]:  # still starting: nothing written, nothing to unwind
        os.write(2, (message(terminated=stop) + "\n").encode())
        os._exit(status(terminated=stop))
    if _STATE["in_hook"]:  # raised in the hook, the stop would be swallowed again: once the hook is left
        _SIGNUM[0] = signum
        _redeliver()
        return
    if not _STATE["stopping"]:  # a second signal while unwinding is not let cut the cleaning short
        _STATE["stopping"], _SIGNUM[0] = True, signum
        raise Stopped


def _unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
    """A stop raised where Python swallows exceptions (a weakref or gc callback, ``__del__``): raise it again.

    While a stop unwinds, what libraries complain of in such places (a Dask timer cut short) is
    its consequence, and is not shown.
    """
    _STATE["in_hook"] = True
    try:
        if isinstance(unraisable.exc_value, Stopped):
            _STATE["stopping"] = False
            _redeliver()
        elif not _STATE["stopping"]:
            sys.__unraisablehook__(unraisable)
    finally:
        _STATE["in_hook"] = False


def _redeliver() -> None:
    """Send the stop's signal again from another thread, so that the main program gets it after the hook.

    (Raised from here, it would be handled at the hook's next line, inside the hook, and lost.)
    """
    import threading

    threading.Thread(target=_signal.raise_signal, args=(_SIGNUM[0],), name="hourcircle: stop", daemon=True).start()


def stopping() -> bool:
    """Whether a signal is unwinding the program (then any exception is its consequence).

    Returns
    -------
    bool
        True once a signal has raised :class:`Stopped`.
    """
    return _STATE["stopping"]


def install() -> None:
    """Handle Ctrl-C and SIGTERM from now on: at once before :func:`arm`, by unwinding after."""
    _signal.signal(_signal.SIGINT, _handle)
    _signal.signal(_signal.SIGTERM, _handle)
    sys.unraisablehook = _unraisable


def arm() -> None:
    """Let signals unwind the program (every ``finally`` runs) instead of ending it at once."""
    _STATE["armed"] = True


def settle() -> None:
    """Hold back signals from now on (both at once): the work is done and Python is exiting."""
    _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT, _signal.SIGTERM})


def report_stop() -> int:
    """Print the stop's line on stderr and give its exit status.

    Returns
    -------
    int
        130 after Ctrl-C, 143 after SIGTERM.
    """
    sys.stderr.write(message(terminated=terminated()) + "\n")
    return status(terminated=terminated())
