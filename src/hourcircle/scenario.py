"""The domain model: a validated scenario, its product (bill of materials) and its roads section.

:mod:`hourcircle.io` reads and validates files into these; everything else reads them.

Examples
--------
>>> p = Product("car", "assembly", ("battery", "assembly", "chips"))
>>> p.components
('battery', 'chips')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import BeforeValidator, Field

from hourcircle._validate import StrictModel
from hourcircle.profiles import TravelSettings

BORDER_MINUTES = 120.0  # a truck's time through both sides' border checks: an assumption (README, Borders)
MAX_BORDER_MINUTES = 7 * 24 * 60.0  # a week


def _crossings_setting(value: object) -> object:
    if not isinstance(value, bool | str):
        raise ValueError("must be true (the bundled crossings), false, or a CSV file's name")
    return value


class RoadsSection(StrictModel):
    """``[roads]`` of ``scenario.toml``: where the road network comes from.

    Parameters
    ----------
    source : {"osm", "links", "inferred"}, optional
        ``osm``: OpenStreetMap major roads (``links.csv`` road rows are patches); ``links``:
        the road rows of ``links.csv`` are the network; ``inferred``: links between
        neighbouring places. Default: ``links`` when ``links.csv`` has road rows, else
        ``inferred``.
    margin_km : float, default 100
        How far beyond the places and sites the OpenStreetMap roads are kept.
    max_access_km : float, default 100
        The farthest a place or site may lie from the OpenStreetMap roads (it joins them by an
        access leg); farther is refused as a likely coordinate error.
    outline : {"auto", "china", "none"}, default "auto"
        ``china``: only the OpenStreetMap roads inside mainland China (and just off its coast;
        :mod:`hourcircle.roads.border`); ``none``: every road of the scenario's area, across
        borders, with no border time; ``auto``: ``china`` when the area lies within the roads
        the package ships, else ``none``.
    border_crossings : bool or str, default False
        Roads beyond the outline too, joined to the country only at official land border
        crossings (:mod:`hourcircle.roads.crossings`): ``true`` for the bundled list
        (``data/border_crossings.csv``), or a CSV file of the same columns.
    border_minutes : float, optional
        Minutes a road trip pays at each border crossing it passes, where the crossings file
        gives none (default :data:`BORDER_MINUTES`, an assumption); only with
        ``border_crossings``.
    """

    source: Literal["osm", "links", "inferred"] | None = None
    margin_km: float = Field(default=100.0, ge=0, le=2000, allow_inf_nan=False)
    max_access_km: float = Field(default=100.0, gt=0, le=2000, allow_inf_nan=False)
    outline: Literal["auto", "china", "none"] = "auto"
    border_crossings: Annotated[bool | str, BeforeValidator(_crossings_setting)] = False
    border_minutes: float | None = Field(default=None, ge=0, le=MAX_BORDER_MINUTES, allow_inf_nan=False)

    @property
    def crossing_minutes(self) -> float:
        """Minutes paid at a border crossing whose file gives none.

        Examples
        --------
        >>> RoadsSection().crossing_minutes, RoadsSection(border_minutes=45).crossing_minutes
        (120.0, 45.0)
        """
        return BORDER_MINUTES if self.border_minutes is None else float(self.border_minutes)



@dataclass(frozen=True)
class Product:
    """What a complete plant needs within the budget.

    Parameters
    ----------
    name : str
        The product, e.g. "battery electric vehicle".
    plant_category : str
        The category of the sites that assemble it (the plants).
    categories : tuple of str
        The bill of materials, as the scenario lists it.
    weights : tuple of float
        Each category's weight in a circle's share (1 by default): the categories', then the
        input categories' (:attr:`input_categories`).
    inputs : tuple of (str, tuple of str)
        The tiers: each category with inputs of its own, and what its sites need within their
        budget (``[product.inputs]``); none by default, which is a one-tier bill.
    budgets : tuple of (str, float)
        Hours within which a category's sites need their inputs (``[product.budgets]``;
        default: the question's budget).

    Examples
    --------
    >>> p = Product("car", "assembly", ("battery", "assembly", "chips"))
    >>> p.components, p.all_categories
    (('battery', 'chips'), ('assembly', 'battery', 'chips'))
    """

    name: str
    plant_category: str
    categories: tuple[str, ...]
    weights: tuple[float, ...] = ()
    inputs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    budgets: tuple[tuple[str, float], ...] = ()

    def weight(self, category: str) -> float:
        """A category's weight in a circle's share.

        Parameters
        ----------
        category : str
            A category of the bill of materials (at any tier).

        Returns
        -------
        float
            Its weight (1 unless the scenario says otherwise).
        """
        named = (*self.categories, *self.input_categories)
        return dict(zip(named, self.weights, strict=False)).get(category, 1.0)

    def inputs_of(self, category: str) -> tuple[str, ...]:
        """What a site of a category needs within its own budget (nothing for most).

        Parameters
        ----------
        category : str
            A category.

        Returns
        -------
        tuple of str
            Its input categories, as the scenario lists them.

        Examples
        --------
        >>> p = Product("car", "assembly", ("battery",), inputs=(("battery", ("cathode",)),))
        >>> p.inputs_of("battery"), p.inputs_of("cathode")
        (('cathode',), ())
        """
        return dict(self.inputs).get(category, ())

    def budget_hours(self, category: str, default: float) -> float:
        """The hours within which a site of a category needs its inputs.

        Parameters
        ----------
        category : str
            A category with inputs.
        default : float
            The hours when the scenario gives none for it (the question's budget).

        Returns
        -------
        float
            Hours.
        """
        return dict(self.budgets).get(category, default)

    @property
    def tiered(self) -> bool:
        """Whether some category has inputs of its own."""
        return bool(self.inputs)

    @property
    def input_categories(self) -> tuple[str, ...]:
        """The categories that appear only as inputs, in the order the tiers reach them."""
        return tuple(c for c in self.stages if c not in self.categories)

    @property
    def stages(self) -> tuple[str, ...]:
        """Every category of the bill at every tier, once: the components, then their inputs, tier by tier.

        Examples
        --------
        >>> p = Product("car", "assembly", ("assembly", "battery", "chips"),
        ...             inputs=(("battery", ("cathode", "anode")), ("cathode", ("lithium",))))
        >>> p.stages, p.tier("lithium")
        (('battery', 'chips', 'cathode', 'anode', 'lithium'), 3)
        """
        return tuple(self._tiers())

    def tier(self, category: str) -> int:
        """The shallowest tier at which a category is needed (components are tier 1; 0: not needed).

        Parameters
        ----------
        category : str
            A category.

        Returns
        -------
        int
            The tier.
        """
        return self._tiers().get(category, 0)

    def _tiers(self) -> dict[str, int]:
        tiers = dict.fromkeys(self.components, 1)
        frontier, depth = list(self.components), 1
        while frontier:
            depth += 1
            found = [i for c in frontier for i in self.inputs_of(c) if i not in tiers]
            tiers |= dict.fromkeys(found, depth)
            frontier = list(dict.fromkeys(found))
        return tiers

    @property
    def components(self) -> tuple[str, ...]:
        """The categories a plant needs from suppliers: the bill of materials but the plant's own."""
        return tuple(c for c in self.categories if c != self.plant_category)

    @property
    def all_categories(self) -> tuple[str, ...]:
        """The plant's own category, then the components, then the categories needed only as inputs."""
        return (self.plant_category, *self.components, *self.input_categories)



@dataclass(frozen=True)
class Scenario:
    """A validated scenario: places, sites and links as DataFrames indexed by id.

    Parameters
    ----------
    name : str
        The scenario's name.
    folder : pathlib.Path
        Where its files are.
    budget_hours : float
        The default travel budget.
    product : Product
        The bill of materials.
    travel : TravelSettings
        The travel profiles.
    places, sites : pandas.DataFrame
        Indexed by ``place_id`` and ``site_id``.
    links : pandas.DataFrame or None
        ``None`` when the scenario gives no links file.
    roads : RoadsSection
        Where the road network comes from (``source`` resolved).
    infrastructure : pandas.DataFrame or None
        Named bridges, tunnels and corridors by their two ends, with their ``row`` in the file.
    files : dict of str to str
        The file of each table (``places``, ``sites``, ...), as messages name it.
    inputs : tuple of pathlib.Path
        Every file the scenario was read from, ``scenario.toml`` first.
    rows : dict of str to pandas.Series
        For ``places`` and ``sites``: each id's row in its file.
    crossings : pandas.DataFrame or None
        The official land border crossings roads may pass (``[roads] border_crossings``), with
        their ``row`` in the file and their ``minutes`` (the file's, else ``border_minutes``);
        ``None`` when the scenario keeps its roads inside the outline.
    """

    name: str
    folder: Path
    budget_hours: float
    product: Product
    travel: TravelSettings
    places: pd.DataFrame
    sites: pd.DataFrame
    links: pd.DataFrame | None
    roads: RoadsSection = field(default_factory=lambda: RoadsSection(source="inferred"))
    infrastructure: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)
    inputs: tuple[Path, ...] = ()
    rows: dict[str, pd.Series] = field(default_factory=dict)
    crossings: pd.DataFrame | None = None

    def population(self) -> pd.Series:
        """Each place's population (0 where the scenario gives none).

        Returns
        -------
        pandas.Series
            People, by place id.
        """
        if "population" not in self.places:
            return pd.Series(0.0, index=self.places.index, name="population")
        return pd.to_numeric(self.places["population"], errors="coerce").fillna(0).rename("population")

    def summary(self) -> str:
        """A few lines: counts of places, sites per category and links per mode.

        Returns
        -------
        str
            The summary ``hourcircle validate`` prints.
        """
        per_category = self.sites["category"].value_counts()
        cats = ", ".join(f"{c} {per_category.get(c, 0)}" for c in self.product.all_categories)
        lines = [
            f"{self.name}: {len(self.places)} places, {len(self.sites)} sites, "
            f"budget {self.budget_hours:g} h",
            f"sites per category: {cats}",
        ]
        if self.product.tiered:
            lines.append("tiers: " + "; ".join(
                f"{c} needs {', '.join(needs)} within {self.product.budget_hours(c, self.budget_hours):g} h"
                for c, needs in self.product.inputs))
        if self.links is None:
            lines.append("links: none given (road links are inferred from the places)")
        else:
            modes = self.links["mode"].value_counts()
            lines.append("links: " + ", ".join(f"{m} {n}" for m, n in modes.items()))
        if "precision" in self.sites:
            exact = int((self.sites["precision"] == "site").sum())
            lines.append(f"site coordinates: {exact} of {len(self.sites)} at the plant itself, "
                         "the rest at the city or district centre")
        return "\n".join(lines)

