"""Maps people open in a browser: reachability and circle maps (folium and Leaflet).

This package is the only code that imports folium. Every map is one HTML file:

- offline (the default), Leaflet's JavaScript and CSS are inlined from the installed
  ``xstatic-leaflet`` package and a light basemap of provinces and the Yangtze is drawn from
  bundled GeoJSON, so the file opens with no network at all (:mod:`~hourcircle.maps.assets`,
  :mod:`~hourcircle.maps.basemap`);
- with tiles (``osm``, ``carto``, ``gaode``, ``tianditu``) the page needs the network; Gaode
  tiles are in GCJ-02 coordinates, so with them every drawn coordinate is shifted.

Sites, places and links are GeoJSON layers drawn by a small script that builds every tooltip
and popup with ``textContent``: user text is shown as text and never runs
(:mod:`~hourcircle.maps.layers`). :mod:`~hourcircle.maps.builders` makes the two maps;
:mod:`~hourcircle.maps.explorer` the circle explorer, which recomputes the circles in the page
as a budget slider moves.
"""

from hourcircle.maps.basemap import TILES, Basemap
from hourcircle.maps.builders import circle_map, reach_map
from hourcircle.maps.explorer import ExplorerPage, explore, explorer_page

__all__ = ["TILES", "Basemap", "ExplorerPage", "circle_map", "explore", "explorer_page", "reach_map"]
