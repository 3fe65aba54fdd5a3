"""The ``hourcircle`` command line: parse, call the API, print. No analysis lives here.

Exit status: 0 on success, 2 on bad input or usage (one line per problem on stderr, no
traceback, nothing written), 1 only for a bug. Heavy modules (pandas, scipy, folium, the
solver) are imported inside the commands that use them, so ``hourcircle --help`` is quick.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from hourcircle import _signals
from hourcircle.config import FORMATS, MAX_HOURS, PROFILES, TILES

if TYPE_CHECKING:
    import pandas as pd

    from hourcircle.maps import Basemap
    from hourcircle.output import FileClaim
    from hourcircle.profiles import ProfileName
    from hourcircle.scenario import Scenario
    from hourcircle.travel.query import Query

F = TypeVar("F", bound=Callable[..., Any])


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls (ANSI and OSC escapes among them)


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
    click.echo(CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text), err=err, nl=nl)


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


HOURS = FiniteFloat(min=0, min_open=True, max=MAX_HOURS)
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
    from hourcircle.errors import ArgumentError
    from hourcircle.io import load_scenario

    if positional is not None and option is not None and positional != option:
        raise ArgumentError("scenario", f"given twice ({positional} and {option}); give one")
    given = positional or option
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
    command = click.option("--scheduler", default=None, metavar="ADDRESS",
                           help="Run the batch work on this existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                                "(default: $HOURCIRCLE_SCHEDULER, if set).")(command)
    return click.option("--workers", type=COUNT, default=None,
                        help="Run the batch work on a local Dask cluster of this many processes "
                             "(on 127.0.0.1; closed when done).")(command)


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
    import pandas as pd

    from hourcircle.output.formats import to_csv

    if fmt == "json":
        echo(frame.reset_index().to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        echo(to_csv(frame), nl=False)
    else:  # minutes as whole numbers; hours and shares (below 10) with two decimals
        with pd.option_context("display.max_rows", None, "display.width", 200):
            echo(frame.to_string(float_format=lambda x: f"{x:.2f}" if abs(x) < 10 else f"{x:.0f}"))


def _progress(label: str) -> Callable[[Any], Any]:
    """A progress bar on stderr for long loops (only on a terminal)."""
    def wrap(items: Any) -> Any:
        from tqdm import tqdm

        return tqdm(items, desc=label, unit="removal", leave=False, disable=None, file=sys.stderr)
    return wrap


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hourcircle")
def cli() -> None:
    """Find the N-hour industry circles of a supply network."""


@cli.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@scenario_option
def validate(scenario: Path | None, scenario_path: Path | None) -> None:
    """Check a scenario's files and list every problem at once."""
    from hourcircle.network import build_network

    loaded = _scenario(scenario, scenario_path)
    network = build_network(loaded)
    echo(loaded.summary())
    echo(network.roads.summary())
    for note in network.roads.notes():
        echo(f"warning: {note}")
    echo("ok: no problems found" + (f" ({len(network.roads.notes())} warnings)" if network.roads.notes() else ""))


@cli.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@mode_option
@format_option(("table", "json"))
@scenario_option
def travel(origin: str, destination: str, mode: ProfileName, fmt: str, scenario_path: Path | None) -> None:
    """Minutes, km and route between two places or sites."""
    from hourcircle.errors import NoRouteError
    from hourcircle.travel.route import Route

    times = _query(scenario_path, mode=mode).times
    try:
        route = times.route(origin, destination, mode)
    except NoRouteError as error:
        missing = Route.missing(times.resolve(origin), times.resolve(destination), mode)
        echo(json.dumps(missing) if fmt == "json" else str(error))
        return
    if fmt == "json":
        echo(json.dumps(route.as_dict(), ensure_ascii=False, indent=1))
        return
    h, m = divmod(round(route.minutes), 60)
    low, high = route.minutes_band
    train = "" if route.train_minutes is None else f"{route.train_minutes:.0f} min in trains, "
    echo(f"{route.origin} -> {route.destination} by {mode}: {train}{route.minutes:.0f} min door to door "
               f"({h} h {m:02d}; likely {low:.0f}-{high:.0f}), {route.km:.0f} km")
    echo("  " + ", ".join(f"{name} {value:.0f} min" for name, value in route.parts().items() if value))
    for leg in route.legs().to_dict("records"):
        echo(f"  {leg['km']:7.1f} km {leg['minutes']:5.0f} min  {leg['name']}  -> {leg['to']}")
    if route.estimated:
        echo("  (estimated: a leg is a rail stop or station feeder the timetable lacks)")


@cli.command()
@mode_option
@format_option()
@click.option("--between", type=click.Choice(["places", "sites", "all"]), default="places", show_default=True,
              help="The matrix's nodes: places, sites, or both.")
@click.option("--minutes", type=click.Choice(["door", "train"]), default="door", show_default=True,
              help="Door-to-door trip minutes, or (with --mode rail) minutes in trains, as timetables publish.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the matrix here instead: FILE.parquet (written in batches of origins, so that memory "
                   "stays bounded) or FILE.csv.")
@force_option
@cluster_options
@scenario_option
def matrix(mode: ProfileName, fmt: str, between: str, minutes: str, out: Path | None, force: bool, workers: int | None,
           scheduler: str | None, scenario_path: Path | None) -> None:
    """Minutes between every pair of places (or sites): door to door, or in trains."""
    import pandas as pd

    from hourcircle.analysis.matrix import matrix_nodes, matrix_parts
    from hourcircle.batches import cluster
    from hourcircle.output.formats import to_csv

    if out is not None and out.suffix not in (".parquet", ".csv"):
        raise click.BadParameter(f"{out}: give a file name ending in .parquet or .csv", param_hint="--out")
    scenario = _scenario(None, scenario_path)
    with _claim(out, "matrix", "out", scenario, force) as target, cluster(workers, scheduler) as client:
        times = _query(scenario, mode=mode).times
        nodes = matrix_nodes(times, between)
        parts = matrix_parts(times, mode, nodes, minutes=minutes, client=client)
        if target is not None and out is not None and out.suffix == ".parquet":
            rows = target.write_parquet(parts)
            echo(f"wrote {rows}x{len(nodes)} {mode} minutes to {out}")
            return
        table = pd.concat([part for _, part in sorted(parts, key=lambda numbered: numbered[0])])
        if target is not None:
            target.write_text(to_csv(table))
            echo(f"wrote {len(table)}x{len(table.columns)} {mode} minutes to {out}")
            return
    _print_frame(table, fmt)


@cli.command()
@click.argument("origins", metavar="FROM...", nargs=-1, required=True)
@budget_options
@format_option()
@click.option("--map", "map_path", type=click.Path(path_type=Path), default=None,
              help="Also write an HTML map of the reach here (one FROM).")
@click.option("--km", type=KM, default=None,
              help="Also: the share of the scenario's suppliers within this many km (geodesic) and the hours "
                   "(one FROM).")
@map_options
@force_option
@cluster_options
@scenario_option
def reach(origins: tuple[str, ...], hours: float | None, mode: ProfileName, fmt: str, map_path: Path | None,
          km: float | None, tiles: str, offline: bool, force: bool, workers: int | None, scheduler: str | None,
          scenario_path: Path | None) -> None:
    """Sites FROM reaches within the budget, grouped by category; with several FROM, a table of them all."""
    from hourcircle.analysis.reach import count_bands, population_bands, reached_sites, share_within

    if len(origins) > 1:
        if map_path is not None or km is not None:
            raise click.UsageError("--map and --km take one FROM")
        _reach_many(origins, hours, mode, fmt, workers, scheduler, scenario_path)
        return
    origin = origins[0]

    basemap = _basemap(tiles, offline)
    scenario = _scenario(None, scenario_path)
    with _claim(map_path, "reach", "map", scenario, force) as target:
        query = _query(scenario, hours, mode)
        table = reached_sites(query, origin)
        share = share_within(query, origin, km=km) if km is not None else None
        if target is not None:
            from hourcircle.analysis.drawing import reach_drawing
            from hourcircle.maps import reach_map

            target.write_text(reach_map(reach_drawing(query, origin), basemap=basemap))
    if fmt != "table":
        _print_frame(table, fmt)
        return
    if map_path is not None:
        echo(f"wrote the map to {map_path}")
    echo(f"from {query.times.resolve(origin)} within {query.hours:g} h by {mode}: {len(table)} sites")
    echo("\nsites reached per category, cumulative by hour:")
    categories = query.scenario.product.all_categories
    echo(count_bands(table, query.hours, categories).to_string())
    people = population_bands(query, origin)
    if people.iloc[-1] > 0:
        echo("\npeople in the places reached (2020 census, whole prefectures whose seat is reached):")
        echo("  " + "  ".join(f"{band} {value / 1e6:.1f} M" for band, value in people.items()))
    if share is not None:
        echo(f"\nshare of the scenario's suppliers within {km:g} km (geodesic) and {query.hours:g} h:")
        _print_frame(share, "table")
    for category in categories:
        part = table[table["category"] == category]
        echo(f"\n{category}: {len(part)}")
        for site_id, row in part.iterrows():
            train = f" ({row['train_minutes']:.0f} in trains)" if "train_minutes" in row else ""
            echo(f"  {row['minutes']:5.0f} min{train}  {site_id}  ({row['company']}, {row['place_id']})")


def _reach_many(origins: Sequence[str], hours: float | None, mode: ProfileName, fmt: str, workers: int | None,
                scheduler: str | None, scenario_path: Path | None) -> None:
    """What several origins reach: every site (csv, json), or counts per category (table)."""
    from hourcircle.analysis.reach import reached_from_many
    from hourcircle.batches import cluster

    query = _query(scenario_path, hours, mode)
    with cluster(workers, scheduler) as client:
        table = reached_from_many(query, origins, client=client)
    if fmt != "table":
        _print_frame(table.set_index(["origin", "site_id"]), fmt)
        return
    categories = list(query.scenario.product.all_categories)
    counts = table.groupby(["origin", "category"]).size().unstack(fill_value=0).reindex(
        index=[query.times.resolve(o) for o in origins], columns=categories, fill_value=0)
    echo(f"sites reached within {query.hours:g} h by {mode}, per origin and category:")
    _print_frame(counts.assign(all=counts.sum(axis=1)), "table")


@cli.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@budget_options
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder to write the report, tables and GeoJSON into.")
@click.option("--plants", "plants_wanted", type=COUNT, default=3, show_default=True,
              help="Size of the best set of new plant sites (p-center).")
@click.option("--remove", multiple=True, metavar="ID",
              help="Also compare every plant's circle without this place, site or link (repeatable).")
@map_options
@click.option("--force", is_flag=True, default=False,
              help="Replace an earlier run's files in --out even if they were changed since (never a file no "
                   "run wrote).")
@cluster_options
@scenario_option
def run(scenario: Path | None, hours: float | None, mode: ProfileName, out: Path, plants_wanted: int,
        remove: tuple[str, ...], tiles: str, offline: bool, force: bool, workers: int | None,
        scheduler: str | None, scenario_path: Path | None) -> None:
    """Everything: circles, gaps, siting, disruption; report.md, CSV, GeoJSON and map.html in --out."""
    from hourcircle.analysis.run import analyse
    from hourcircle.batches import cluster
    from hourcircle.maps import circle_map
    from hourcircle.output import claim_folder
    from hourcircle.output.assemble import render
    from hourcircle.output.report import findings

    basemap = _basemap(tiles, offline)
    loaded = _scenario(scenario, scenario_path)
    with claim_folder(out, inputs=loaded.inputs, force=force) as target:  # before the work, not after
        query = _query(loaded, hours, mode)
        removals = query.times.removals(remove)
        with cluster(workers, scheduler) as client:
            results = analyse(query, plants_wanted=plants_wanted, progress=_progress("sweep"), remove=removals,
                              client=client)
        files = render(results, {"map.html": circle_map(results, basemap=basemap)})
        target.write(files)
    echo("\n".join(f"- {line}" for line in findings(results)))
    echo(f"\nwrote {len(files)} files to {out}/: start with {out / 'report.md'}, "
               f"open {out / 'map.html'} in a browser")


@cli.command()
@budget_options
@click.option("--top", type=COUNT, default=10, show_default=True, help="How many places to list.")
@click.option("--plants", "plants_wanted", type=COUNT, default=None,
              help="Instead: the best set of K places that together reach every place (p-center).")
@format_option()
@scenario_option
def locate(hours: float | None, mode: ProfileName, top: int, plants_wanted: int | None, fmt: str,
           scenario_path: Path | None) -> None:
    """Best places for a new plant: fastest complete circle, then redundancy, then spread."""
    from hourcircle.analysis.coverage import coverage
    from hourcircle.analysis.locate import locate as ranked_places
    from hourcircle.analysis.locate import plant_set

    found = coverage(_query(scenario_path, hours, mode))
    _print_frame(plant_set(found, plants_wanted) if plants_wanted is not None else ranked_places(found, top=top), fmt)


@cli.command()
@click.option("--remove", multiple=True, metavar="ID",
              help="A place, site or link (id, or part of a link's name); repeat to remove several.")
@click.option("--sweep", "do_sweep", is_flag=True, help="Remove each link, place and supplier in turn; rank them.")
@budget_options
@click.option("--top", type=COUNT, default=None, help="List only the first N rows of a sweep.")
@format_option()
@cluster_options
@scenario_option
def disrupt(remove: tuple[str, ...], do_sweep: bool, hours: float | None, mode: ProfileName, top: int | None,
            fmt: str, workers: int | None, scheduler: str | None, scenario_path: Path | None) -> None:
    """What a loss breaks: every plant's circle before and after, or a criticality sweep."""
    from hourcircle.analysis.disrupt import changed, impact, sweep
    from hourcircle.analysis.disrupt import disrupt as disrupt_table

    if bool(remove) == do_sweep:
        raise click.UsageError("give --remove ID (one or more) or --sweep, not both")
    if not do_sweep and (workers is not None or scheduler is not None):
        raise click.UsageError("--workers and --scheduler are for --sweep")
    query = _query(scenario_path, hours, mode)
    if do_sweep:
        from hourcircle.batches import cluster

        with cluster(workers, scheduler) as client:
            ranking = sweep(query, progress=_progress("sweep"), client=client).set_index(["kind", "id"])
        _print_frame(ranking.head(top) if top else ranking, fmt)
        return
    removals = query.times.removals(remove)
    table = disrupt_table(query, removals)
    if fmt != "table":
        _print_frame(table.set_index(["plant", "category"]), fmt)
        return
    for removal in removals:
        echo(f"removed {removal.label!r}: {removal.describe()}")
    lost, added, alternatives = impact(table)
    echo(f"{lost} plant-component pairs fall outside the budget; +{added:.0f} min to nearest suppliers; "
               f"{alternatives} alternatives lost\n")
    columns = ["before_nearest_site", "before_minutes", "after_nearest_site", "after_minutes", "lost",
               "alternatives_lost"]
    _print_frame(changed(table).set_index(["plant", "category"])[columns], "table")


def _messages(error: Exception) -> list[str]:
    """What to print for an error a user caused: click's own, or the library's with flags for parameters."""
    from hourcircle.errors import ArgumentError, HourcircleError

    if isinstance(error, click.ClickException):
        return [error.format_message()]
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
