"""Write mainland China's OpenStreetMap railways (course only) as data/sources/osm_railways_china.npz.

The national rail links' estimated stops follow these courses (scripts/rail_sources.py,
route_stops): a place is a stop of a published train when its seat lies near the railway the
train runs on between its two ends. The railways carry no speeds or timetables: only where the
lines run and how long they are.

Railways © OpenStreetMap contributors, ODbL 1.0, via the PyPI package scgraph-data 2.0.0 (MIT),
its world_railways.py: nodes inside the box the bundled roads cover, and the edges between them.

Run (needs the world extract): .venv/bin/pip install '.[world]' && .venv/bin/python scripts/make_bundled_rails.py
"""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

import numpy as np

from hourcircle.roads.osm import BUNDLED_BOX, OSM_MODULE, OSM_PACKAGE, ROAD_DATA_VERSION, clip_arrays, parse_scgraph

OUT = Path(__file__).resolve().parent.parent / "data" / "sources" / "osm_railways_china.npz"


def main() -> None:
    if metadata.version(OSM_PACKAGE) != ROAD_DATA_VERSION:
        raise SystemExit(f"needs {OSM_PACKAGE} {ROAD_DATA_VERSION}: pip install '.[world]'")
    text = (resources.files(OSM_MODULE) / "world_railways.py").read_text(encoding="ascii")
    lat, lon, u, v, km = parse_scgraph(text)
    clip = clip_arrays({"lat": lat, "lon": lon, "u": u, "v": v, "km": km}, BUNDLED_BOX)
    # node positions instead of the extract's numbers: the arrays stand alone
    u_at, v_at = np.searchsorted(clip["ids"], clip["u"]), np.searchsorted(clip["ids"], clip["v"])
    np.savez_compressed(OUT, lat=clip["lat"].astype(np.float32), lon=clip["lon"].astype(np.float32),
                        u=u_at.astype(np.int32), v=v_at.astype(np.int32), km=clip["km"].astype(np.float32))
    print(f"{OUT.name}: {len(clip['ids']):,} nodes, {len(u_at):,} edges, {clip['km'].sum():,.0f} km in {BUNDLED_BOX}")


if __name__ == "__main__":
    main()
