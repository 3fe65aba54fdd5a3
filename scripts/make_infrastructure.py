"""Rebuild the bundled infrastructure.csv files: named crossings and expressway corridors by their two ends.

Crossings (data/sources/crossings.csv): each crossing's published centre point is matched to the
OpenStreetMap road chain passing within MAX_OFFSET_KM of it (a chain: edges between junctions,
see hourcircle.roads.topology.chain_segments); the chain's two end nodes become the row's ends. A crossing
with no published centre, opened before the extract was made, is matched, when GeoNames knows
its two landfall towns, to the longest chain on the fastest road between them, if that chain is
0.5 to 1.5 times the crossing's published length. A crossing matched neither way (the extract lacks it, or nothing is
published to place it) is left out and listed.

Corridors (data/sources/road_links.csv): every curated expressway link between two places of the
Yangtze River Delta, its ends the two places' seats; it is matched, like every row, to the
fastest road path between its ends when a scenario is loaded.

Run: .venv/bin/python scripts/make_infrastructure.py
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import numpy as np

from hourcircle.roads.osm import Box, osm_roads
from hourcircle.roads.topology import chain_segments

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
MAX_OFFSET_KM = 2.5  # published centres are rounded, and the extract draws long bridges straight
COLUMNS = ["name", "kind", "lat1", "lon1", "lat2", "lon2", "source"]
YRD_BOX = Box(27.0, 114.5, 35.5, 123.5)
EXTRACT_YEAR = 2024  # scgraph-data 2.0.0 (April 2024): a crossing opened since cannot be in it
EXPRESSWAY = re.compile(r"\b[GS]\d+")


def nearest_edge(lat: float, lon: float, roads: object) -> tuple[int, float]:
    """The road edge nearest a point, and its distance in km (planar, around the point)."""
    k, c = 111.2, np.cos(np.radians(lat))
    ax, ay = (roads.lon[roads.u] - lon) * k * c, (roads.lat[roads.u] - lat) * k  # type: ignore[attr-defined]
    bx, by = (roads.lon[roads.v] - lon) * k * c, (roads.lat[roads.v] - lat) * k  # type: ignore[attr-defined]
    dx, dy = bx - ax, by - ay
    t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    distance = np.hypot(ax + t * dx, ay + t * dy)
    best = int(np.argmin(distance))
    return best, float(distance[best])


def chain_ends(edge: int, segment: np.ndarray, roads: object) -> tuple[int, int]:
    """The two nodes where the chain holding an edge ends (nodes met by one of its edges only)."""
    members = np.flatnonzero(segment == segment[edge])
    ends = np.r_[roads.u[members], roads.v[members]]  # type: ignore[attr-defined]
    counts = np.bincount(ends)
    single = np.flatnonzero(counts == 1)
    if len(single) != 2:  # a closed loop: its edge's own nodes
        return int(roads.u[edge]), int(roads.v[edge])  # type: ignore[attr-defined]
    return int(single[0]), int(single[1])


def load_towns() -> dict[str, tuple[float, float]]:
    """GeoNames places of over 15,000 people by English name (the most populous of a name)."""
    towns: dict[str, tuple[float, float, int]] = {}
    with (SOURCES / "geonames_cn_cities15000.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            people = int(row["population"] or 0)
            if people > towns.get(row["name_en"], (0.0, 0.0, -1))[2]:
                towns[row["name_en"]] = (float(row["latitude"]), float(row["longitude"]), people)
    return {name: (lat, lon) for name, (lat, lon, _) in towns.items()}


def town_of(text: str, towns: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """The first named place of a landfall description that GeoNames knows ('Zhengjiadai, Haiyan, ...')."""
    for part in re.split(r"[,;()]", text):
        found = towns.get(part.strip())
        if found:
            return found
    return None


def by_landfalls(row: dict[str, str], roads: object, segment: np.ndarray,
                 towns: dict[str, tuple[float, float]]) -> int | None:
    """An edge of the longest chain on the fastest road between a crossing's two landfall towns, if that
    chain is 0.5 to 1.5 times the crossing's published length."""
    ends = [town_of(row["end_a"], towns), town_of(row["end_b"], towns)]
    opened = re.search(r"\b(19|20)\d\d\b", row["opened"])
    if None in ends or not row["length_km"] or not opened or int(opened.group()) >= EXTRACT_YEAR:
        return None
    from scipy.sparse.csgraph import dijkstra

    from hourcircle.roads.arrays import Snapper
    from hourcircle.roads.topology import adjacency

    (a, b), _ = Snapper(roads.lat, roads.lon).nearest(  # type: ignore[attr-defined]
        np.array([e[0] for e in ends]), np.array([e[1] for e in ends]))  # type: ignore[index]
    graph = adjacency(len(roads.ids), roads.u, roads.v, roads.km)  # type: ignore[attr-defined]
    found, before = dijkstra(graph, indices=[a], return_predecessors=True, limit=300.0)
    if not np.isfinite(found[0][b]):
        return None
    path = [int(b)]
    while path[-1] != a:
        path.append(int(before[0][path[-1]]))
    pairs = {tuple(sorted(p)) for p in itertools.pairwise(path)}
    edges = [i for i, p in enumerate(zip(roads.u.tolist(), roads.v.tolist(), strict=True))  # type: ignore[attr-defined]
             if tuple(sorted(p)) in pairs]
    chain_km = {int(segment[e]): float(roads.km[segment == segment[e]].sum()) for e in edges}  # type: ignore[attr-defined]
    if not chain_km:
        return None
    longest = max(chain_km, key=lambda k: chain_km[k])
    published = float(row["length_km"])
    if not 0.5 * published <= chain_km[longest] <= 1.5 * published:
        return None
    return next(e for e in edges if segment[e] == longest)


def crossings(roads: object, segment: np.ndarray) -> tuple[list[dict[str, str]], list[str]]:
    rows, left_out = [], []
    towns = load_towns()
    taken: dict[int, str] = {}
    with (SOURCES / "crossings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            how = "centre"
            if not row["lat"]:
                how = "landfalls"
                edge = by_landfalls(row, roads, segment, towns)
                if edge is None:
                    left_out.append(f"{row['name']}: no published centre point, nor two landfall towns the "
                                    "extract joins across a road of about the published length")
                    continue
                offset = 0.0
            else:
                edge, offset = nearest_edge(float(row["lat"]), float(row["lon"]), roads)
            if offset > MAX_OFFSET_KM:
                left_out.append(f"{row['name']}: no road of the extract within {MAX_OFFSET_KM:g} km of its centre "
                                f"(nearest {offset:.1f} km)")
                continue
            chain_km = float(roads.km[segment == segment[edge]].sum())  # type: ignore[attr-defined]
            published = float(row["length_km"] or "nan")
            if chain_km < 0.15 * published:
                left_out.append(f"{row['name']}: the road nearest its centre is {chain_km:.1f} km long, not the "
                                f"{published:g} km published")
                continue
            if segment[edge] in taken:
                left_out.append(f"{row['name']}: its road is already matched to {taken[segment[edge]]}")
                continue
            taken[segment[edge]] = row["name"]
            print(f"  {row['name'][:50]:50} {offset:4.1f} km off, chain {chain_km:5.1f} km, published {published:g}")
            a, b = chain_ends(edge, segment, roads)
            first_source = row["source"].split(" ; ")[0]
            rows.append({"name": row["name"], "kind": row["kind"],
                         "lat1": f"{roads.lat[a]:.3f}", "lon1": f"{roads.lon[a]:.3f}",  # type: ignore[attr-defined]
                         "lat2": f"{roads.lat[b]:.3f}", "lon2": f"{roads.lon[b]:.3f}",  # type: ignore[attr-defined]
                         "source": f"{how}: {first_source}; ends: the OpenStreetMap road chain "
                                   + ("through it" if how == "centre" else "that spans the water between them")})
    return rows, left_out


def corridors() -> list[dict[str, str]]:
    with (ROOT / "data" / "yrd_nev" / "places.csv").open(encoding="utf-8") as handle:
        places = {row["place_id"]: row for row in csv.DictReader(handle)}
    rows = []
    with (SOURCES / "road_links.csv").open(encoding="utf-8") as handle:
        for link in csv.DictReader(handle):
            if not EXPRESSWAY.search(link["name"]):
                continue
            a, b = places[link["from_place"]], places[link["to_place"]]
            rows.append({"name": f"{link['name']}: {a['name']}-{b['name']}", "kind": "corridor",
                         "lat1": a["lat"], "lon1": a["lon"], "lat2": b["lat"], "lon2": b["lon"],
                         "source": f"route: {link['source']}; ends: the two cities' seats"})
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    roads = osm_roads(Box(17.0, 73.0, 54.0, 135.5))
    segment = chain_segments(len(roads.ids), roads.u, roads.v, np.zeros(len(roads.ids), dtype=bool))
    found, left_out = crossings(roads, segment)
    inside = [r for r in found if YRD_BOX.contains(np.array([float(r["lat1"])]), np.array([float(r["lon1"])]))[0]]
    ways = corridors()
    write(ROOT / "data" / "yrd_nev" / "infrastructure.csv", inside + ways)
    write(ROOT / "data" / "china_nev" / "infrastructure.csv", found + ways)
    print(f"{len(found)} crossings matched ({len(inside)} in the delta), {len(ways)} corridors")
    print("left out:\n  " + "\n  ".join(left_out))


if __name__ == "__main__":
    main()
