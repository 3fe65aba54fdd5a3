"""What a user takes out of the network: a place (with its sites), a site, or links.

A user names a removal as they name anything else: a place or site by id or name, a link by
its id (``road:suzhou_js-nantong``) or by any part of its name, ignoring case, spaces and
punctuation, so that a bridge's name closes every link that crosses it.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> bridge, = times.removals(["Hangzhou Bay Bridge"])
>>> bridge.kind, bridge.links
('link', ('road:jiaxing-ningbo', 'road:shanghai-ningbo'))
>>> times.removals("合肥")[0].kind
'place'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from hourcircle.errors import AmbiguousNameError, ArgumentError, NameLookupError
from hourcircle.io import Scenario
from hourcircle.names import NameIndex, compact


@dataclass(frozen=True)
class Removal:
    """One thing taken out: a place (with every site in it), a site, or links.

    Parameters
    ----------
    label : str
        The id of the place or site, or the text that named the links.
    kind : {"place", "site", "link"}
        What is removed.
    places, sites, links : tuple of str
        The place ids, site ids and link ids it takes away.
    """

    label: str
    kind: str
    places: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    @classmethod
    def of_place(cls, scenario: Scenario, place: str) -> Removal:
        """A place, with every site in it.

        Parameters
        ----------
        scenario : Scenario
            Where the place's sites are listed.
        place : str
            The place id.

        Returns
        -------
        Removal
            Of kind ``place``.
        """
        sites = scenario.sites.index[scenario.sites["place_id"] == place]
        return cls(place, "place", places=(place,), sites=tuple(sites))

    @classmethod
    def of_site(cls, site: str) -> Removal:
        """A site alone.

        Parameters
        ----------
        site : str
            The site id.

        Returns
        -------
        Removal
            Of kind ``site``.
        """
        return cls(site, "site", sites=(site,))


def _links_named(edges: pd.DataFrame, text: str) -> Removal | None:
    """The link whose id is ``text``, or every link whose name contains it (compacted)."""
    links = edges.dropna(subset=["link"])
    if text in set(links["link"]):
        return Removal(text, "link", links=(text,))
    wanted = compact(text)
    if not wanted:
        return None
    named = links.dropna(subset=["name"])
    hits = named[named["name"].astype(str).map(compact).str.contains(wanted, regex=False)]
    return Removal(text, "link", links=tuple(sorted(hits["link"]))) if len(hits) else None


def resolve_removals(scenario: Scenario, edges: pd.DataFrame, names: NameIndex,
                     texts: str | Iterable[str]) -> tuple[Removal, ...]:
    """Turn what a user typed into removals: a place or site by id or name, else links.

    Parameters
    ----------
    scenario : Scenario
        The places and sites.
    edges : pandas.DataFrame
        The network's edges, with ``link`` ids and ``name``.
    names : NameIndex
        Resolves place and site names.
    texts : str or iterable of str
        One text, or several.

    Returns
    -------
    tuple of Removal
        One per text, in order.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) for a text that names nothing, or several places or sites.
    """
    removals = []
    for text in [texts] if isinstance(texts, str) else list(texts):
        try:
            node = names.resolve(text)
        except AmbiguousNameError as error:
            raise ArgumentError("remove", str(error)) from None
        except NameLookupError as error:
            links = _links_named(edges, text)
            if links is None:
                raise ArgumentError("remove", f"{error}, and no link's id or name contains it") from None
            removals.append(links)
            continue
        if node in scenario.places.index:
            removals.append(Removal.of_place(scenario, node))
        else:
            removals.append(Removal.of_site(node))
    return tuple(removals)
