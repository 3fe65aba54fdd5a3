"""The ``hourcircle`` command line: parse, call the API, print. No analysis lives here.

Exit status: 0 on success, 2 on bad input or usage (one line per problem on stderr, no
traceback, nothing written), 1 only for a bug.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd

from hourcircle import datasets
from hourcircle.analysis.disrupt import changed, impact, resolve_removals, sweep
from hourcircle.analysis.disrupt import disrupt as disrupt_table
from hourcircle.analysis.locate import locate as locate_table
from hourcircle.analysis.locate import plant_set
from hourcircle.analysis.reach import count_bands, share_within
from hourcircle.analysis.run import analyse
from hourcircle.errors import HourcircleError, NoRouteError
from hourcircle.io import load_scenario
from hourcircle.maps import TILES, Basemap, circle_map, reach_map
from hourcircle.output import write_atomic, write_folder
from hourcircle.report import render, to_csv
from hourcircle.settings import PROFILES, ProfileName
from hourcircle.traveltimes import TravelTimes

F = TypeVar("F", bound=Callable[..., Any])

MODE = click.Choice(PROFILES)
FORMAT = click.Choice(["table", "csv", "json"])
HOURS = click.FloatRange(min=0, min_open=True, max=72)
COUNT = click.IntRange(min=1)


def scenario_option(command: F) -> F:
    """``--scenario PATH`` on every command; the bundled dataset when absent."""
    return click.option("--scenario", "scenario_path", type=click.Path(path_type=Path), default=None,
                        help="Scenario folder (default: the bundled Yangtze River Delta dataset).")(command)


def _times(path: Path | None) -> TravelTimes:
    return TravelTimes.for_scenario(path or datasets.bundled())


def map_options(command: F) -> F:
    """``--tiles`` and ``--offline/--online`` for commands that draw a map."""
    command = click.option("--offline/--online", default=True, show_default=True,
                           help="Offline: Leaflet inlined and a bundled basemap, no network needed. "
                                "Online: Leaflet from a CDN and tiles from --tiles.")(command)
    return click.option("--tiles", type=click.Choice(TILES), default="none", show_default=True,
                        help="Tile basemap (needs --online); gaode shifts coordinates to GCJ-02; "
                             "tianditu needs TIANDITU_KEY.")(command)


def _print_frame(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        click.echo(frame.reset_index().to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(to_csv(frame), nl=False)
    else:  # minutes as whole numbers; hours and shares (below 10) with two decimals
        with pd.option_context("display.max_rows", None, "display.width", 200):
            click.echo(frame.to_string(float_format=lambda x: f"{x:.2f}" if abs(x) < 10 else f"{x:.0f}"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hourcircle")
def cli() -> None:
    """Find the N-hour industry circles of a supply network."""


@cli.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@scenario_option
def validate(scenario: Path | None, scenario_path: Path | None) -> None:
    """Check a scenario's files and list every problem at once."""
    loaded = load_scenario(scenario or scenario_path or datasets.bundled())
    click.echo(loaded.summary())
    click.echo("ok: no problems found")


@cli.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--mode", type=MODE, default="truck", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@scenario_option
def travel(origin: str, destination: str, mode: ProfileName, fmt: str, scenario_path: Path | None) -> None:
    """Minutes, km and route between two places or sites."""
    times = _times(scenario_path)
    try:
        route = times.route(origin, destination, mode)
    except NoRouteError as error:
        if fmt != "json":
            click.echo(str(error))
            return
        source, target = times.resolve(origin), times.resolve(destination)
        click.echo(json.dumps({"from": source, "to": target, "mode": mode, "minutes": None, "km": None,
                               "route": None, "links": None, "kinds": None}))
        return
    if fmt == "json":
        click.echo(json.dumps(route.as_dict(), ensure_ascii=False, indent=1))
        return
    h, m = divmod(round(route.minutes), 60)
    click.echo(f"{route.origin} -> {route.destination} by {mode}: {route.minutes:.0f} min "
               f"({h} h {m:02d}), {route.km:.0f} km")
    for node, link in zip(route.nodes[1:], route.links, strict=True):
        click.echo(f"  -> {node}  via {link}")


@cli.command()
@click.option("--mode", type=MODE, default="truck", show_default=True)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write CSV here instead.")
@scenario_option
def matrix(mode: ProfileName, fmt: str, out: Path | None, scenario_path: Path | None) -> None:
    """Minutes between every pair of places."""
    table = _times(scenario_path).matrix(mode)
    if out is not None:
        write_atomic(out, table.to_csv(float_format="%.1f"))
        click.echo(f"wrote {len(table)}x{len(table.columns)} {mode} minutes to {out}")
        return
    _print_frame(table, fmt)


@cli.command()
@click.argument("origin", metavar="FROM")
@click.option("--hours", type=HOURS, default=None,
              help="Travel budget in hours (default: the scenario's budget_hours).")
@click.option("--mode", type=MODE, default="truck", show_default=True)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.option("--map", "map_path", type=click.Path(path_type=Path), default=None,
              help="Also write an HTML map of the reach here.")
@click.option("--km", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Also: the share of the scenario's suppliers within this many km (geodesic) and the hours.")
@map_options
@scenario_option
def reach(origin: str, hours: float | None, mode: ProfileName, fmt: str, map_path: Path | None, km: float | None,
          tiles: str, offline: bool, scenario_path: Path | None) -> None:
    """Sites FROM reaches within the budget, grouped by category."""
    basemap = Basemap(tiles, offline).check()
    if map_path is not None and map_path.is_dir():
        raise click.BadParameter(f"{map_path} is a folder; give a file name such as reach.html", param_hint="--map")
    times = _times(scenario_path)
    table = times.reach(origin, hours, mode)
    if map_path is not None:
        write_atomic(map_path, reach_map(times, origin, hours, mode, basemap))
    budget = hours if hours is not None else times.network.scenario.budget_hours
    if fmt != "table":
        _print_frame(table, fmt)
        return
    source = times.resolve(origin)
    if map_path is not None:
        click.echo(f"wrote the map to {map_path}")
    click.echo(f"from {source} within {budget:g} h by {mode}: {len(table)} sites")
    click.echo("\nsites reached per category, cumulative by hour:")
    click.echo(count_bands(table, budget, times.network.scenario.product.all_categories).to_string())
    if km is not None:
        click.echo(f"\nshare of the scenario's suppliers within {km:g} km (geodesic) and {budget:g} h:")
        _print_frame(share_within(times, origin, km=km, hours=budget, mode=mode), "table")
    for category in times.network.scenario.product.all_categories:
        part = table[table["category"] == category]
        click.echo(f"\n{category}: {len(part)}")
        for site_id, row in part.iterrows():
            click.echo(f"  {row['minutes']:5.0f} min  {site_id}  ({row['company']}, {row['place_id']})")


def _budget_options(command: F) -> F:
    command = click.option("--mode", type=MODE, default="truck", show_default=True)(command)
    return click.option("--hours", type=HOURS, default=None,
                        help="Travel budget in hours (default: the scenario's budget_hours).")(command)


@cli.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@_budget_options
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder to write the report, tables and GeoJSON into.")
@click.option("--plants", "plants_wanted", type=COUNT, default=3, show_default=True,
              help="Size of the best set of new plant sites (p-center).")
@click.option("--remove", multiple=True, metavar="ID",
              help="Also compare every plant's circle without this place, site or link (repeatable).")
@map_options
@scenario_option
def run(scenario: Path | None, hours: float | None, mode: ProfileName, out: Path, plants_wanted: int,
        remove: tuple[str, ...], tiles: str, offline: bool, scenario_path: Path | None) -> None:
    """Everything: circles, gaps, siting, disruption; report.md, CSV, GeoJSON and map.html in --out."""
    if out.exists() and not out.is_dir():
        raise click.BadParameter(f"{out} is a file; give a folder to write into", param_hint="--out")
    basemap = Basemap(tiles, offline).check()
    times = _times(scenario or scenario_path)
    results = analyse(times, hours, mode, plants_wanted=plants_wanted, progress=_progress("sweep"), remove=remove)
    files = render(results, {"map.html": circle_map(results, basemap, results.disrupted_links)})
    write_folder(out, files)
    findings = files["report.md"].split("## Findings", 1)[1].split("\n## ", 1)[0].strip()
    click.echo(findings)
    click.echo(f"\nwrote {len(files)} files to {out}/: start with {out / 'report.md'}, "
               f"open {out / 'map.html'} in a browser")


def _progress(label: str) -> Callable[[Any], Any]:
    """A progress bar on stderr for long loops (only on a terminal)."""
    def wrap(items: Any) -> Any:
        from tqdm import tqdm
        return tqdm(items, desc=label, unit="removal", leave=False, disable=None, file=sys.stderr)
    return wrap


@cli.command()
@_budget_options
@click.option("--top", type=COUNT, default=10, show_default=True, help="How many places to list.")
@click.option("--plants", "plants_wanted", type=COUNT, default=None,
              help="Instead: the best set of K places that together reach every place (p-center).")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@scenario_option
def locate(hours: float | None, mode: ProfileName, top: int, plants_wanted: int | None, fmt: str,
           scenario_path: Path | None) -> None:
    """Best places for a new plant: fastest complete circle, then redundancy, then spread."""
    times = _times(scenario_path)
    if plants_wanted is not None:
        _print_frame(plant_set(times, plants_wanted, hours, mode), fmt)
        return
    _print_frame(locate_table(times, hours, mode, top=top), fmt)


@cli.command()
@click.option("--remove", multiple=True, metavar="ID",
              help="A place, site or link (id, or part of a link's name); repeat to remove several.")
@click.option("--sweep", "do_sweep", is_flag=True, help="Remove each link, place and supplier in turn; rank them.")
@_budget_options
@click.option("--top", type=COUNT, default=None, help="List only the first N rows of a sweep.")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@scenario_option
def disrupt(remove: tuple[str, ...], do_sweep: bool, hours: float | None, mode: ProfileName, top: int | None,
            fmt: str, scenario_path: Path | None) -> None:
    """What a loss breaks: every plant's circle before and after, or a criticality sweep."""
    if bool(remove) == do_sweep:
        raise click.UsageError("give --remove ID (one or more) or --sweep, not both")
    times = _times(scenario_path)
    if do_sweep:
        ranking = sweep(times, hours, mode, progress=_progress("sweep"))
        _print_frame(ranking.set_index(["kind", "id"]).head(top) if top else ranking.set_index(["kind", "id"]), fmt)
        return
    removals = resolve_removals(times, list(remove))
    table = disrupt_table(times, list(remove), hours, mode)
    if fmt != "table":
        _print_frame(table.set_index(["plant", "category"]), fmt)
        return
    for removal in removals:
        what = ", ".join(removal.links) if removal.kind == "link" else f"{removal.kind} {removal.label}"
        click.echo(f"removed {removal.label!r}: {what}")
    lost, added, alternatives = impact(table)
    click.echo(f"{lost} plant-component pairs fall outside the budget; +{added:.0f} min to nearest suppliers; "
               f"{alternatives} alternatives lost\n")
    columns = ["before_nearest_site", "before_minutes", "after_nearest_site", "after_minutes", "lost",
               "alternatives_lost"]
    _print_frame(changed(table).set_index(["plant", "category"])[columns], "table")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="hourcircle",
                 standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.UsageError as error:
        click.echo(f"hourcircle: error: {error.format_message()}", err=True)
        return 2
    except click.ClickException as error:
        click.echo(f"hourcircle: error: {error.format_message()}", err=True)
        return 2
    except click.Abort:
        click.echo("hourcircle: aborted", err=True)
        return 1
    except HourcircleError as error:
        for line in error.lines:
            click.echo(f"hourcircle: error: {line}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
