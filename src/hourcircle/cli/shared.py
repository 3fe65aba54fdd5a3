"""What every command shares: the group, options, argument types, loading, printing.

Examples
--------
>>> HOURS.convert("2.5", None, None)
2.5
>>> try:
...     HOURS.convert("1e-310", None, None)
... except click.BadParameter as error:
...     print(error.message)
1e-310 is not in the range 1/60<=x<=72 (a minute to 72 hours).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from hourcircle.config import FORMATS, MAX_HOURS, MIN_HOURS, PROFILES, TILES
from hourcircle.errors import escape_controls

if TYPE_CHECKING:
    import pandas as pd

    from hourcircle.maps import Basemap
    from hourcircle.output import FileClaim
    from hourcircle.profiles import ProfileName
    from hourcircle.progress import Bars
    from hourcircle.scenario import Scenario
    from hourcircle.travel.query import Query

F = TypeVar("F", bound=Callable[..., Any])


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    r"""Print to the terminal with control characters shown as ``\u001b``, never acted on.

    A scenario's names reach the terminal; an escape sequence in one must not move the
    cursor, set the window title or hide text. (The form is JSON's, so JSON output stays valid.)

    Parameters
    ----------
    text : str
        What to print (tabs and line ends are kept).
    err : bool, default False
        To stderr.
    nl : bool, default True
        End the line.

    Examples
    --------
    >>> echo("Hefei\x1b]0;pwned\x07")
    Hefei\u001b]0;pwned\u0007
    """
    click.echo(escape_controls(text, keep="\t\n"), err=err, nl=nl)


class FiniteFloat(click.FloatRange):
    """A float in a range, and never ``nan`` or ``inf`` (which every range check lets through).

    Parameters
    ----------
    min, max : float, optional
        The range's ends.
    min_open, max_open : bool, default False
        Whether an end is excluded.
    clamp : bool, default False
        Clamp values outside the range instead of refusing them.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value``, refusing what is not a finite number.

        Parameters
        ----------
        value : Any
            The text given.
        param : click.Parameter or None
            The option.
        ctx : click.Context or None
            The command's context.

        Returns
        -------
        Any
            The number.
        """
        number = super().convert(value, param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class Hours(FiniteFloat):
    """A travel budget: from a minute (1/60 h) to :data:`~hourcircle.config.MAX_HOURS`, finite.

    A budget under a minute is a typing slip (``--hours 1e-310``), never a question.
    """

    def __init__(self) -> None:
        super().__init__(min=MIN_HOURS, max=MAX_HOURS)

    def _describe_range(self) -> str:
        return f"1/60<=x<={MAX_HOURS:g} (a minute to {MAX_HOURS:g} hours)"


HOURS = Hours()
KM = FiniteFloat(min=0, min_open=True, max=20_000)
COUNT = click.IntRange(min=1)


def scenario_option(command: F) -> F:
    """Add ``--scenario PATH`` (default: the bundled dataset).

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the option.
    """
    command = click.option("--allow-outside-files", is_flag=True, expose_value=False, callback=_remember,
                           help="Read data files that scenario.toml names outside the scenario folder.")(command)
    return click.option("--scenario", "scenario_path", type=click.Path(path_type=Path), default=None,
                        help="Scenario folder or .toml file, or a bundled scenario: yrd (the default, the "
                             "Yangtze River Delta) or china.")(command)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a flag that only scenario loading reads in the context, not among the command's arguments."""
    ctx.meta[f"hourcircle.{param.name}"] = value
    return value


def _scenario(positional: Path | None = None, option: Path | None = None) -> Scenario:
    """The scenario a command names (a folder or .toml file, or a bundled name; default: the delta)."""
    from hourcircle import datasets
    from hourcircle.atomic import too_long
    from hourcircle.errors import ArgumentError
    from hourcircle.io import load_scenario

    if positional is not None and option is not None and positional != option:
        raise ArgumentError("scenario", f"given twice ({positional} and {option}); give one")
    given = positional or option
    if given is not None and (problem := too_long(given)) is not None:
        raise ArgumentError("scenario", f"{given}: {problem}")
    allow = bool(click.get_current_context().meta.get("hourcircle.allow_outside_files", False))
    return load_scenario(datasets.locate(given) if given else datasets.bundled(), allow_outside=allow)


def mode_option(command: F) -> F:
    """Add ``--mode``.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the option.
    """
    return click.option("--mode", type=click.Choice(PROFILES), default="truck", show_default=True,
                        help="Travel profile: truck (freight by road), car (people by road) "
                             "or rail (high-speed rail).")(command)


def budget_options(command: F) -> F:
    """Add ``--hours`` and ``--mode``.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the options.
    """
    command = mode_option(command)
    return click.option("--hours", type=HOURS, default=None,
                        help="Travel budget in hours (default: the scenario's budget_hours).")(command)


def objective_option(command: F) -> F:
    """Add ``--objective`` (the best set of plant sites' objective).

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the option.
    """
    return click.option("--objective", type=click.Choice(["center", "coverage", "median"]), default=None,
                        help="The best set's objective: center (p-center: the farthest place as near as possible), "
                             "coverage (the most people within the budget of a plant) or median (the least "
                             "people-weighted mean time to the nearest plant). Default: center for a region, "
                             "coverage where the places span more than 1,500 km.")(command)


def format_option(choices: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """A decorator adding ``--format``.

    Parameters
    ----------
    choices : sequence of str
        The formats the command prints.

    Returns
    -------
    callable
        The decorator.
    """
    def add(command: F) -> F:
        return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
                            help="How to print the result: " + ", ".join(choices) + ".")(command)
    return add


def map_options(command: F) -> F:
    """Add ``--tiles`` and ``--offline/--online`` for commands that draw a map.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the options.
    """
    command = click.option("--offline/--online", default=True, show_default=True,
                           help="Offline: Leaflet inlined and a bundled basemap, no network needed. "
                                "Online: Leaflet from a CDN and tiles from --tiles.")(command)
    return click.option("--tiles", type=click.Choice(TILES), default="none", show_default=True,
                        help="Tile basemap (needs --online); gaode shifts coordinates to GCJ-02; "
                             "tianditu needs TIANDITU_KEY.")(command)


def cluster_options(command: F) -> F:
    """Add ``--workers`` and ``--scheduler`` for commands that do batch work.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the options.
    """
    command = click.option("--scheduler", default=None, metavar="ADDRESS", callback=_check_cluster,
                           help="Run the batch work on this existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                                "(default: $HOURCIRCLE_SCHEDULER, if set).")(command)
    return click.option("--workers", type=COUNT, default=None, callback=_check_cluster,
                        help="Run the batch work on a local Dask cluster of this many processes "
                             "(on 127.0.0.1; closed when done; at most a few per core).")(command)


def _check_cluster(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Refuse a malformed --scheduler or too many --workers at once, before any work (Dask is not imported)."""
    from hourcircle import clusters

    if value is not None and param.name == "workers":
        clusters.check_workers(value)
    elif value is not None:
        clusters.check_scheduler(value)
    return value


def _query(path: Path | Scenario | None, hours: float | None = None, mode: ProfileName = "truck", *,
           positional: Path | None = None) -> Query:
    """The question of a command: the scenario (a loaded one, or default: bundled), budget and mode."""
    from hourcircle.scenario import Scenario
    from hourcircle.travel.query import Query
    from hourcircle.travel.times import TravelTimes

    scenario = path if isinstance(path, Scenario) else _scenario(positional, path)
    return Query(TravelTimes.for_scenario(scenario), hours, mode)


def force_option(command: F) -> F:
    """Add ``--force`` for commands that write a file.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the option.
    """
    return click.option("--force", is_flag=True, default=False,
                        help="Replace an existing file that no earlier run of this command wrote (never one "
                             "of the scenario's files).")(command)


def _claim(out: Path | None, command: str, parameter: str, scenario: Scenario,
           force: bool) -> contextlib.AbstractContextManager[FileClaim | None]:
    """Check and lock a command's output file before the work (nothing when there is none)."""
    from hourcircle.output import claim_file

    if out is None:
        return contextlib.nullcontext()
    return claim_file(out, command=command, parameter=parameter, inputs=scenario.inputs, force=force)


def _basemap(tiles: str, offline: bool) -> Basemap:
    from hourcircle.maps import Basemap

    return Basemap(tiles, offline)


def _print_frame(frame: pd.DataFrame, fmt: str) -> None:
    """A table as JSON records, CSV, or aligned plain text (:func:`hourcircle.output.tables.text_table`)."""
    from hourcircle.output.formats import flat, to_csv
    from hourcircle.output.tables import text_table

    if fmt == "json":
        echo(flat(frame).to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        echo(to_csv(frame), nl=False)
    else:
        echo(text_table(frame))


def quiet_option(command: F) -> F:
    """Add ``--quiet`` for commands that show progress bars on a terminal while they work.

    Parameters
    ----------
    command : callable
        A click command function.

    Returns
    -------
    callable
        The same, with the option.
    """
    return click.option("--quiet", "-q", is_flag=True, default=False,
                        help="Show no progress bars (none are shown either when stderr is not a terminal).")(command)


def _bars(quiet: bool) -> Bars | None:
    """The progress bars of a long command, on stderr (only on a terminal), or none with --quiet."""
    from hourcircle.progress import Bars

    return None if quiet else Bars()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hourcircle")
def cli() -> None:
    """Find the N-hour industry circles of a supply network."""
