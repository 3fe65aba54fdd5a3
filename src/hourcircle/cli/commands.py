"""The commands: parse, call the API, print. No analysis lives here.

Heavy modules (pandas, scipy, folium, the solver) are imported inside the commands that use
them, so ``hourcircle --help`` is quick.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hourcircle.cli.shared import (
    COUNT,
    HOURS,
    KM,
    _bars,
    _basemap,
    _claim,
    _print_frame,
    _query,
    _scenario,
    budget_options,
    cli,
    cluster_options,
    echo,
    force_option,
    format_option,
    map_options,
    mode_option,
    objective_option,
    quiet_option,
    scenario_option,
)
from hourcircle.config import PROFILES

if TYPE_CHECKING:

    from hourcircle.profiles import ProfileName

@cli.command("validate")
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@scenario_option
def validate_command(scenario: Path | None, scenario_path: Path | None) -> None:
    """Check a scenario's files and list every problem at once."""
    from hourcircle.netcache import load_or_build_network

    loaded = _scenario(scenario, scenario_path)
    network = load_or_build_network(loaded)  # a network built before from the same files is read, not rebuilt
    echo(loaded.summary())
    echo(network.roads.summary())
    for note in network.roads.notes():
        echo(f"warning: {note}")
    echo("ok: no problems found" + (f" ({len(network.roads.notes())} warnings)" if network.roads.notes() else ""))


@cli.command("travel")
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@mode_option
@format_option()
@scenario_option
def travel_command(origin: str, destination: str, mode: ProfileName, fmt: str, scenario_path: Path | None) -> None:
    """Minutes, km and route between two places or sites."""
    from hourcircle.errors import NoRouteError
    from hourcircle.output.formats import to_csv
    from hourcircle.travel.route import Route, round_parts

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
    if fmt == "csv":
        echo(to_csv(route.as_row()), nl=False)
        return
    h, m = divmod(round(route.minutes), 60)
    low, high = route.minutes_band
    train = "" if route.train_minutes is None else f"{route.train_minutes:.0f} min in trains, "
    echo(f"{route.origin} -> {route.destination} by {mode}: {train}{route.minutes:.0f} min door to door "
               f"({h} h {m:02d}; likely {low:.0f}-{high:.0f}), {route.km:.0f} km")
    echo("  " + ", ".join(f"{name} {value:.0f} min" for name, value in round_parts(route.parts()).items() if value))
    for leg in route.legs().to_dict("records"):
        echo(f"  {leg['km']:7.1f} km {leg['minutes']:5.0f} min  {leg['name']}  -> {leg['to']}")
    if route.estimated:
        echo("  (estimated: a leg is a rail stop or station feeder the timetable lacks)")


@cli.command("matrix")
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
def matrix_command(mode: ProfileName, fmt: str, between: str, minutes: str, out: Path | None, force: bool,
                   workers: int | None, scheduler: str | None, scenario_path: Path | None) -> None:
    """Minutes between every pair of places (or sites): door to door, or in trains."""
    import pandas as pd

    from hourcircle.analysis.matrix import matrix_nodes, matrix_parts
    from hourcircle.clusters import cluster
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


@cli.command("reach")
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
def reach_command(origins: tuple[str, ...], hours: float | None, mode: ProfileName, fmt: str, map_path: Path | None,
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
        tier = query.scenario.product.tier(category)
        echo(f"\n{category}{f' (tier {tier})' if tier >= 2 else ''}: {len(part)}")
        for site_id, row in part.iterrows():
            train = f" ({row['train_minutes']:.0f} in trains)" if "train_minutes" in row else ""
            echo(f"  {row['minutes']:5.0f} min{train}  {site_id}  ({row['company']}, {row['place_id']})")
    if query.scenario.product.tiered:
        from hourcircle.cli.tiers import chain_summary

        chain_summary(query, origin)


def _reach_many(origins: Sequence[str], hours: float | None, mode: ProfileName, fmt: str, workers: int | None,
                scheduler: str | None, scenario_path: Path | None) -> None:
    """What several origins reach: every site (csv, json), or counts per category (table)."""
    from hourcircle.analysis.reach import reached_from_many
    from hourcircle.clusters import cluster

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


@cli.command("run")
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@budget_options
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder to write the report, tables and GeoJSON into.")
@click.option("--plants", "plants_wanted", type=COUNT, default=3, show_default=True,
              help="Size of the best set of new plant sites.")
@objective_option
@click.option("--remove", multiple=True, metavar="ID",
              help="Also compare every plant's circle without this place, site or link (repeatable).")
@map_options
@click.option("--force", is_flag=True, default=False,
              help="Replace an earlier run's files in --out even if they were changed since (never a file no "
                   "run wrote).")
@cluster_options
@quiet_option
@scenario_option
def run_command(scenario: Path | None, hours: float | None, mode: ProfileName, out: Path, plants_wanted: int,
                objective: str | None, remove: tuple[str, ...], tiles: str, offline: bool, force: bool,
                workers: int | None, scheduler: str | None, quiet: bool, scenario_path: Path | None) -> None:
    """Everything: circles, gaps, siting, disruption; report.md, CSV, GeoJSON and the explorer map.html in --out."""
    from hourcircle.analysis.explore import explorer_data
    from hourcircle.analysis.run import analyse
    from hourcircle.clusters import cluster
    from hourcircle.maps import explorer_page
    from hourcircle.output import claim_folder
    from hourcircle.output.assemble import render
    from hourcircle.output.prose import plain_findings
    from hourcircle.output.report import findings
    from hourcircle.progress import stage

    bars = _bars(quiet)
    basemap = _basemap(tiles, offline)
    loaded = _scenario(scenario, scenario_path)
    with claim_folder(out, inputs=loaded.inputs, force=force) as target:  # before the work, not after
        query = _query(loaded, hours, mode)
        removals = query.times.removals(remove)
        with cluster(workers, scheduler) as client:
            results = analyse(query, plants_wanted=plants_wanted, progress=bars, remove=removals, client=client,
                              objective=objective)
        with stage(bars, "map"):
            drawn = explorer_page(explorer_data(results), basemap=basemap)
        with stage(bars, "report and tables"):
            files = render(results, {"map.html": drawn})
            target.write(files)
    echo(plain_findings(findings(results)))
    echo(f"\nwrote {len(files)} files to {out}/: start with {out / 'report.md'}, "
               f"open {out / 'map.html'} in a browser")


@cli.command("explore")
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@click.option("--hours", type=HOURS, default=None,
              help="The budget the page opens at (default: the scenario's budget_hours).")
@click.option("--mode", "modes", type=click.Choice(PROFILES), multiple=True,
              help="A profile to switch between; repeat for several, the first shown first (default: truck).")
@click.option("--range", "hours_range", type=(HOURS, HOURS), default=(0.5, 8.0), show_default=True,
              metavar="FROM TO", help="The slider's first and last budget, in hours.")
@click.option("--step", type=HOURS, default=0.25, show_default=True,
              help="Hours between the slider's budgets.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("explorer.html"), show_default=True,
              help="The HTML file to write.")
@map_options
@force_option
@scenario_option
def explore_command(scenario: Path | None, hours: float | None, modes: tuple[ProfileName, ...],
                    hours_range: tuple[float, float], step: float, out: Path, tiles: str, offline: bool, force: bool,
                    scenario_path: Path | None) -> None:
    """An offline map that recomputes the circles as you move a budget slider, switch profile or pick a plant."""
    from hourcircle.analysis.explore import budget_steps, explorer_data
    from hourcircle.maps import explorer_page

    low, high = hours_range
    if low > high:
        raise click.BadParameter(f"the start ({low:g} h) is above the end ({high:g} h)", param_hint="--range")
    budgets = budget_steps(low, high, step)
    basemap = _basemap(tiles, offline)
    loaded = _scenario(scenario, scenario_path)
    with _claim(out, "explore", "out", loaded, force) as target:
        query = _query(loaded, hours, modes[0] if modes else "truck")
        data = explorer_data(query, modes=modes, hours=budgets)
        assert target is not None
        target.write_text(explorer_page(data, basemap=basemap))
    echo(f"wrote the explorer to {out}: {len(data.hours)} budgets from {data.hours[0]:g} to {data.hours[-1]:g} h, "
         f"{', '.join(data.modes)}; open it in a browser (it needs no network)")


@cli.command("disrupt")
@click.option("--remove", multiple=True, metavar="ID",
              help="A place, site or link (id, or part of a link's name); repeat to remove several.")
@click.option("--sweep", "do_sweep", is_flag=True, help="Remove each link, place and supplier in turn; rank them.")
@budget_options
@click.option("--top", type=COUNT, default=None, help="List only the first N rows of a sweep.")
@format_option()
@cluster_options
@quiet_option
@scenario_option
def disrupt_command(remove: tuple[str, ...], do_sweep: bool, hours: float | None, mode: ProfileName, top: int | None,
                    fmt: str, workers: int | None, scheduler: str | None, quiet: bool,
                    scenario_path: Path | None) -> None:
    """What a loss breaks: every plant's circle before and after, or a criticality sweep."""
    from hourcircle.analysis.criticality import sweep
    from hourcircle.analysis.disrupt import changed, disruption_rows, impact
    from hourcircle.analysis.disrupt import disrupt as disrupt_table

    if bool(remove) == do_sweep:
        raise click.UsageError("give --remove ID (one or more) or --sweep, not both")
    if not do_sweep and (workers is not None or scheduler is not None):
        raise click.UsageError("--workers and --scheduler are for --sweep")
    query = _query(scenario_path, hours, mode)
    if do_sweep:
        from hourcircle.clusters import cluster

        with cluster(workers, scheduler) as client:
            ranking = sweep(query, progress=_bars(quiet), client=client).set_index(["kind", "id"])
        _print_frame(ranking.head(top) if top else ranking, fmt)
        if fmt == "table" and query.scenario.product.tiered:
            from hourcircle.cli.tiers import tier_sweep

            tier_sweep(query, top)
        return
    removals = query.times.removals(remove)
    table = disrupt_table(query, removals)
    if fmt != "table":
        _print_frame(table.set_index(["plant", "category"]), fmt)
        return
    for removal in removals:
        echo(f"removed {removal.label!r}: {removal.describe()}")
    found = impact(table)
    if found.any:
        echo(f"{found.pairs_cut_off} plant-component pairs cut off (no supplier reachable), "
             f"{found.pairs_over_budget} pushed over the budget; +{found.minutes_added:.0f} min to nearest suppliers "
             f"over the pairs still reachable; {found.alternatives_lost} alternatives lost\n")
        _print_frame(disruption_rows(changed(table)).set_index(["plant", "category"]), "table")
    chains = False
    if query.scenario.product.tiered:
        from hourcircle.cli.tiers import chain_changes

        chains = chain_changes(query, removals)
    if not (found.any or chains):
        echo(f"nothing changed: every plant reaches the same suppliers in the same minutes ({len(table)} "
             "plant-component pairs)" + (", and every chain through the tiers holds" if query.scenario.product.tiered
                                         else ""))


def _age(seconds: float) -> str:
    """An age for people: seconds, minutes, hours or days."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


@cli.command("cache")
@click.option("--clear", is_flag=True,
              help="Remove what hourcircle has cached (road clips, the world extract, built networks, parsed "
                   "scenario tables); "
                   "nothing else in the folder is touched.")
def cache_command(clear: bool) -> None:
    """List what hourcircle has cached (what, size, age), or remove it with --clear."""
    from hourcircle import config, netcache

    folder = config.cache_path()
    if clear:
        removed = netcache.clear(folder)
        echo(f"removed {len(removed)} cached items ({sum(e.megabytes for e in removed):.1f} MB) from {folder}")
        return
    found = netcache.entries(folder)
    echo(f"cache folder: {folder}")
    for entry in found:
        echo(f"{entry.megabytes:9.1f} MB {_age(entry.age_seconds):>7}  {entry.what}  [{entry.path.name}]")
    echo(f"{len(found)} cached items, {sum(e.megabytes for e in found):.1f} MB" if found else "nothing cached")
