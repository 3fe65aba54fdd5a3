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
from typing import Literal

import pandas as pd
from pydantic import Field

from hourcircle._validate import StrictModel
from hourcircle.profiles import TravelSettings


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
    """

    source: Literal["osm", "links", "inferred"] | None = None
    margin_km: float = Field(default=100.0, ge=0, le=2000, allow_inf_nan=False)
    max_access_km: float = Field(default=100.0, gt=0, le=2000, allow_inf_nan=False)
    outline: Literal["auto", "china", "none"] = "auto"



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
        Each category's weight in a circle's share (1 by default).

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

    def weight(self, category: str) -> float:
        """A category's weight in a circle's share.

        Parameters
        ----------
        category : str
            A category of the bill of materials.

        Returns
        -------
        float
            Its weight (1 unless the scenario says otherwise).
        """
        return dict(zip(self.categories, self.weights, strict=False)).get(category, 1.0)

    @property
    def components(self) -> tuple[str, ...]:
        """The categories a plant needs from suppliers: the bill of materials but the plant's own."""
        return tuple(c for c in self.categories if c != self.plant_category)

    @property
    def all_categories(self) -> tuple[str, ...]:
        """The plant's own category, then the components."""
        return (self.plant_category, *self.components)



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

