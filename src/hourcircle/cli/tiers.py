"""``hourcircle chain``: one place's, plant's or supplier's chain through every tier of the bill."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from hourcircle.cli.shared import _print_frame, _query, budget_options, cli, echo, format_option, scenario_option

if TYPE_CHECKING:
    import pandas as pd

    from hourcircle.analysis.tiers import Tiers
    from hourcircle.profiles import ProfileName
    from hourcircle.travel.query import Query
    from hourcircle.travel.removals import Removal


@cli.command("chain")
@click.argument("origin", metavar="PLACE")
@budget_options
@format_option()
@scenario_option
def chain_command(origin: str, hours: float | None, mode: ProfileName, fmt: str, scenario_path: Path | None) -> None:
    """PLACE's chain through every tier: stages within the budget, what is missing, where it breaks.

    PLACE is a place or a plant (every stage of the bill), a supplier whose category has inputs
    (its own circle of inputs), or a supplier of an input (what its loss breaks).
    """
    from hourcircle.analysis.chains import chains, tier_concentration
    from hourcircle.analysis.tier_results import stage_table
    from hourcircle.analysis.tiers import Tiers, site_circles, tier_circles

    query = _query(scenario_path, hours, mode)
    ident = query.times.resolve(origin)
    tiers = Tiers.of(query)
    if ident in tiers.from_origins.index:
        stages = stage_table(tiers, ident)
        if fmt != "table":
            _print_frame(stages, fmt)
            return
        _origin_lines(tiers, ident, chains(tiers).loc[[ident]].iloc[0])
        _print_frame(stages, "table")
        return
    sites = site_circles(tiers)
    if ident in sites.index:
        pairs = tier_circles(tiers)
        mine = pairs[pairs["site"] == ident].set_index("input").drop(columns=["site", "category", "place_id"])
        if fmt == "table":
            row = sites.loc[ident]
            missing = f"; missing: {row['missing']}" if row["missing"] else ""
            echo(f"{ident} ({row['name']}, {row['category']}): {row['covered']} of {row['inputs']} inputs within "
                 f"{mine['budget_hours'].iloc[0]:g} h{missing}; chain-complete: "
                 f"{'yes' if row['chain_complete'] else 'no'} ({row['certainty']})")
        _print_frame(mine, fmt)
        return
    ranked = tier_concentration(tiers)
    if ident not in ranked.index:
        raise click.BadParameter(f"{ident} is a site of a category with no inputs that no category needs; give a "
                                 "place, a plant, or a supplier of a tier", param_hint="PLACE")
    row = ranked.loc[ident]
    if fmt == "table":
        echo(f"{ident} ({row['name']}, {row['category']}, {row['place_id']}): serves {row['serves']} sites within "
             f"their budget, the only one for {row['sole_source_for']}; its loss breaks {row['circles_broken']} tier "
             f"circles, {row['plants_broken']} plant chains and {row['places_broken']} place chains")
        return
    _print_frame(ranked.loc[[ident]], fmt)


def _origin_lines(tiers: Tiers, ident: str, row: pd.Series) -> None:
    """The headline of a place's or plant's chain."""
    name = tiers.query.scenario.places["name"].get(ident)
    if name is None:
        name = tiers.query.scenario.sites["name"].get(ident, ident)
    missing = f"; missing: {row['missing_stages']}" if row["missing_stages"] else ""
    echo(f"{ident} ({name}): {row['present']} of {row['stages']} stages within {tiers.query.hours:g} h "
         f"(weighted {row['stage_share']:.0%}){missing}")
    echo("chain complete through every tier" if row["chain_complete"]
         else f"chain broken at tier {row['weakest_tier']}: {row['broken']}")


def chain_summary(query: Query, origin: str) -> None:
    """After ``reach``: FROM's chain through the tiers, when FROM is a place or a plant.

    Parameters
    ----------
    query : Query
        The question.
    origin : str
        FROM, as the user named it.
    """
    from hourcircle.analysis.chains import chains
    from hourcircle.analysis.tiers import Tiers

    tiers = Tiers.of(query)
    ident = query.times.resolve(origin)
    if ident in tiers.from_origins.index:
        echo("")
        _origin_lines(tiers, ident, chains(tiers).loc[[ident]].iloc[0])


def tier_sweep(query: Query, top: int | None) -> None:
    """After ``disrupt --sweep``: the input sites ranked by the chains their loss breaks.

    Parameters
    ----------
    query : Query
        The question.
    top : int or None
        How many rows to print (None: all).
    """
    from hourcircle.analysis.chains import tier_concentration
    from hourcircle.analysis.tiers import Tiers

    ranked = tier_concentration(Tiers.of(query))
    columns = ["category", "place_id", "serves", "sole_source_for", "circles_broken", "plants_broken",
               "places_broken"]
    echo("\ninput sites by the chains their loss breaks (tier circles, plant and place chains):")
    _print_frame(ranked[columns].head(top) if top else ranked[columns], "table")


def chain_changes(query: Query, removals: tuple[Removal, ...]) -> bool:
    """After ``disrupt --remove``: the plants whose chain through the tiers changes, if any.

    Parameters
    ----------
    query : Query
        The question.
    removals : tuple of Removal
        What is removed.

    Returns
    -------
    bool
        Whether any plant's chain changed (nothing is printed when none did).
    """
    from hourcircle.analysis.tier_results import chain_disruption

    table = chain_disruption(query, removals)
    lost = table[table["chain_lost"] | (table["stages_lost"] != 0)]
    if not len(lost):
        return False
    echo(f"\n{int(table['chain_lost'].sum())} plant chains broken through the tiers; "
         f"{int(table['stages_lost'].sum())} plant-stages lost")
    _print_frame(lost.set_index("plant")[["before_present", "after_present", "chain_lost", "after_broken"]], "table")
    return True
