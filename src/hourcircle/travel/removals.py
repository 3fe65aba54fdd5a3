"""What a user takes out of the network: a place (with its sites), a site, or links.

A user names a removal as they name anything else: a place or site by id or name, a link by
its id (``road:suzhou_js-nantong``) or by any part of its name, ignoring case, spaces and
punctuation, so that a bridge's name closes every link that crosses it.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> bridge, = times.removals(["Hangzhou Bay Bridge"])
>>> bridge.kind, len(bridge.links) > 0
('link', True)
>>> times.removals(["Sutong"])[0].links
('road:suzhou_js-nantong',)
>>> times.removals("合肥")[0].kind
'place'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.errors import AmbiguousNameError, ArgumentError, NameLookupError
from hourcircle.links import is_segment, segment_order
from hourcircle.network import TravelNetwork
from hourcircle.scenario import Scenario
from hourcircle.travel.names import NameIndex, compact

RemovalKind = Literal["place", "site", "link"]


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
    names : tuple of str
        The names of the links and infrastructure it closes, when named by name.
    """

    label: str
    kind: RemovalKind
    places: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def describe(self) -> str:
        """What the removal takes away, in a few words.

        Returns
        -------
        str
            E.g. ``place hefei``, ``site byd_hefei``, ``Hangzhou Bay Bridge (1 link)``.
        """
        if self.kind != "link":
            return f"{self.kind} {self.label}"
        count = f"{len(self.links)} link{'' if len(self.links) == 1 else 's'}"
        return f"{'; '.join(self.names)} ({count})" if self.names else f"{', '.join(self.links)}"

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


MAX_NAMED = 6  # a text naming more things than this is refused, with what it names


def named_links(network: TravelNetwork) -> pd.DataFrame:
    """Everything a removal can name: named infrastructure, and links that carry a name.

    Parameters
    ----------
    network : TravelNetwork
        The network.

    Returns
    -------
    pandas.DataFrame
        ``name`` and ``links`` (the link ids it closes), one row per named thing.
    """
    infrastructure = network.roads.infrastructure[["name", "links"]]
    links = network.edges.dropna(subset=["link", "name"])
    links = links[~is_segment(links["link"])]
    by_link = pd.DataFrame({"name": links["name"].astype(str), "links": [(str(k),) for k in links["link"]]})
    return pd.concat([infrastructure, by_link], ignore_index=True)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "


def _contains(name: str, text: str) -> bool:
    """Whether a name contains a text: as whole words, or anywhere for text with no word breaks.

    ``G15`` is not in ``G1522``; Chinese text has no word breaks.

    >>> _contains("G15 Shenhai", "g15"), _contains("G1522 Changtai", "G15"), _contains("苏通长江大桥", "苏通")
    (True, False, True)
    """
    if text.isascii():
        return _words(text) in _words(name)
    return compact(text) in compact(name)


def _links_named(network: TravelNetwork, text: str) -> Removal | None:
    """The link whose id is ``text``, or everything whose name contains it (compacted).

    An exact name wins. A bridge so closes on every link that crosses it.
    """
    if text in network.link_ids:
        return Removal(text, "link", links=(text,))
    wanted = compact(text)
    if not wanted:
        return None
    named = named_links(network)
    exact = named[named["name"].map(compact) == wanted]
    hits = exact if len(exact) else named[named["name"].map(lambda name: _contains(str(name), text))]
    if hits.empty:
        return None
    distinct = list(dict.fromkeys(hits["name"]))
    if len(distinct) > MAX_NAMED:
        shown = "; ".join(distinct[:MAX_NAMED])
        raise ArgumentError("remove", f"{text!r} names {len(distinct)} links and crossings ({shown}; ...); "
                                      "give more of one name, or its id")
    return Removal(text, "link", links=tuple(sorted({link for links in hits["links"] for link in links})),
                   names=tuple(distinct))


def resolve_removals(network: TravelNetwork, names: NameIndex, texts: str | Iterable[str]) -> tuple[Removal, ...]:
    """Turn what a user typed into removals: a place or site by id or name, else links.

    Parameters
    ----------
    network : TravelNetwork
        The places, sites, links and named infrastructure.
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
        (parameter ``remove``) for a text that names nothing, several places or sites, or more
        than :data:`MAX_NAMED` links and crossings; an
        :class:`~hourcircle.errors.ArgumentTypeError` for anything but a str or a collection of str.
    """
    scenario = network.scenario
    removals = []
    for text in [texts] if isinstance(texts, str) else check.items("remove", texts, str,
                                                                    what="a str or a sequence of str"):
        try:
            node = names.resolve(text)
        except AmbiguousNameError as error:
            raise ArgumentError("remove", str(error)) from None
        except NameLookupError as error:
            links = _links_named(network, text)
            if links is None:
                raise ArgumentError("remove", f"{error}, and no link's id or name contains it") from None
            removals.append(links)
            continue
        if node in scenario.places.index:
            removals.append(Removal.of_place(scenario, node))
        else:
            removals.append(Removal.of_site(node))
    return tuple(removals)


SWEEP_KINDS = ("infrastructure", "link", "segment", "place", "supplier")  # what a sweep removes, in this order
Candidate = tuple[str, str, str, Removal]  # kind, id, name, what to remove


def sweep_candidates(network: TravelNetwork, usable: NDArray[np.int64], on_trees: set[str],
                     sites: pd.DataFrame) -> list[Candidate]:
    """What a disruption sweep removes, each with its kind, id and name.

    Named infrastructure, named road links (patches), and the road segments on some
    origin's tree when the roads are OpenStreetMap's; every link of the mode otherwise; then
    every place and every supplier.

    Parameters
    ----------
    network : TravelNetwork
        The network.
    usable : numpy.ndarray of int
        The rows of the network's edges the sweep's profile may use.
    on_trees : set of str
        The links on some plant's tree to a supplier that counts (only those segments matter).
    sites : pandas.DataFrame
        The suppliers (``name``, ``company``), indexed by site id.

    Returns
    -------
    list of Candidate
        In the order of :data:`SWEEP_KINDS`.
    """
    scenario = network.scenario
    roads = network.roads
    found: list[Candidate] = []
    links = network.edges.iloc[usable].dropna(subset=["link"])
    if roads.source == "osm":
        for name, covered in zip(roads.infrastructure["name"], roads.infrastructure["links"], strict=True):
            found.append(("infrastructure", str(name), str(name), Removal(str(name), "link", links=tuple(covered))))
        named = {link for covered in roads.infrastructure["links"] for link in covered}
        segments = roads.segments
        ordered = [link for link in sorted(on_trees - named, key=segment_order) if link in segments.index]
        where = segments.reindex(ordered)  # one lookup, not one per segment
        for link, near, lat, lon, km in zip(ordered, where["near"].tolist(), where["lat"].tolist(),
                                            where["lon"].tolist(), where["km"].tolist(), strict=True):
            label = f"road near {near} ({lat:.3f} N, {lon:.3f} E, {km:.1f} km)"
            found.append(("segment", link, label, Removal(link, "link", links=(link,))))
        links = links[~is_segment(links["link"])]
    found += [("link", str(link), str(name) if pd.notna(name) else "", Removal(str(link), "link", links=(link,)))
              for link, name in zip(links["link"], links["name"], strict=True)]
    places = scenario.places
    sites_in = scenario.sites.groupby("place_id", sort=False).groups  # as Removal.of_place finds them, at once
    found += [("place", str(p), str(name), Removal(p, "place", places=(p,), sites=tuple(sites_in.get(p, ()))))
              for p, name in zip(places.index, places["name"], strict=True)]
    labels = sites["name"].astype(str) + " (" + sites["company"].astype(str) + ")"
    found += [("supplier", str(s), label, Removal.of_site(s))
              for s, label in zip(sites.index, labels, strict=True)]
    return found
