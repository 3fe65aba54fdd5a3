"""The commands about places: where to put new plants (``locate``), how accessible each is (``access``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from hourcircle.cli.shared import (
    COUNT,
    HOURS,
    FiniteFloat,
    _print_frame,
    _query,
    _scenario,
    budget_options,
    cli,
    format_option,
    objective_option,
    scenario_option,
)
from hourcircle.config import PROFILES

if TYPE_CHECKING:
    from hourcircle.profiles import ProfileName


@cli.command("locate")
@budget_options
@click.option("--top", type=COUNT, default=10, show_default=True, help="How many places to list.")
@click.option("--plants", "plants_wanted", type=COUNT, default=None,
              help="Instead: the best set of K places with a complete circle, by --objective.")
@objective_option
@click.option("--weight", type=click.Choice(["people", "places"]), default=None,
              help="With --plants: what a place weighs, its people (2020 census) or one each. Default: people "
                   "where the scenario gives populations.")
@format_option()
@scenario_option
def locate_command(hours: float | None, mode: ProfileName, top: int, plants_wanted: int | None, objective: str | None,
                   weight: str | None, fmt: str, scenario_path: Path | None) -> None:
    """Best places for a new plant: most suppliers of the weakest component, then fastest, then spread."""
    from hourcircle.analysis.coverage import coverage
    from hourcircle.analysis.locate import locate as ranked_places
    from hourcircle.analysis.locate import plant_set

    if plants_wanted is None and (objective is not None or weight is not None):
        raise click.UsageError("--objective and --weight choose the best set: give --plants K")
    found = coverage(_query(scenario_path, hours, mode))
    _print_frame(plant_set(found, plants_wanted, objective=objective, weight=weight) if plants_wanted is not None
                 else ranked_places(found, top=top), fmt)


@cli.command("access")
@click.option("--mode", "modes", type=click.Choice(PROFILES), multiple=True,
              help="A mode to measure (repeat for several; default: car and rail, those the scenario has).")
@click.option("--day-hours", type=HOURS, default=3.0, show_default=True,
              help="Daily accessibility's budget each way, in hours.")
@click.option("--decay", type=FiniteFloat(min=0, max=5), default=1.0, show_default=True,
              help="The power of minutes in potential accessibility (people / minutes ** decay).")
@format_option()
@scenario_option
def access_command(modes: tuple[ProfileName, ...], day_hours: float, decay: float, fmt: str,
                   scenario_path: Path | None) -> None:
    """Every place's weighted average travel time, potential and daily accessibility, by mode."""
    from hourcircle.analysis.access import accessibility

    times = _query(_scenario(None, scenario_path)).times
    _print_frame(accessibility(times, modes=modes or None, day_hours=day_hours, decay=decay), fmt)
