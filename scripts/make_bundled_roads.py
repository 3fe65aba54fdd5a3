"""Write mainland China's OpenStreetMap major roads as package data: data/roads/china/.

The roads of the bundled scenarios (and of any scenario inside the box below) then need no
world extract at install or at run time; scenarios elsewhere install ``hourcircle[world]``
(scgraph-data, whose world graph takes minutes and gigabytes to install).

Roads © OpenStreetMap contributors, ODbL 1.0, via the PyPI package scgraph-data 2.0.0 (MIT).

Run (needs the world extract): .venv/bin/pip install '.[world]' && .venv/bin/python scripts/make_bundled_roads.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hourcircle import store
from hourcircle.roads.osm import BUNDLED_BOX, BUNDLED_KEY, CLIP, clip_arrays, world_arrays

OUT = Path(__file__).resolve().parent.parent / "data" / "roads" / "china"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        world = world_arrays(Path(folder))
    clipped = clip_arrays(world, BUNDLED_BOX)
    store.write(OUT, {name: clipped[name] for name in CLIP}, key=BUNDLED_KEY)
    print(f"{OUT}: {len(clipped['ids']):,} nodes, {len(clipped['u']):,} edges in {BUNDLED_BOX}")


if __name__ == "__main__":
    main()
