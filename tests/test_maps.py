"""Maps: HTML checks, and the real thing in headless Debian chromium driven by Playwright.

The browser runs with no network: every request that is not a file: or data: URL is
recorded and refused, so an offline map that still reached for a CDN fails here.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import BundledRun
from helpers import SITES, ScenarioMaker, run
from playwright.sync_api import Browser, Page, sync_playwright

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.drawing import circle_drawing, reach_drawing
from hourcircle.analysis.reach import reached_sites
from hourcircle.errors import ArgumentError
from hourcircle.geo import wgs84_to_gcj02
from hourcircle.maps import Basemap, reach_map

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAYLOAD = "<img src=x onerror=alert(1)>"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture(scope="module")
def times() -> TravelTimes:
    return TravelTimes.for_scenario(datasets.bundled())


@pytest.fixture(scope="module")
def bundled_map(bundled_run: BundledRun) -> Path:
    assert bundled_run.results.disrupted_links  # the Hangzhou Bay Bridge's segments
    return bundled_run.folder / "map.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Visit:
    """A page opened with the network refused; collects console errors, requests and dialogs."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.hourcircle && window.hourcircle.ready === true", timeout=10_000)

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.requests.append(url)
            route.abort()  # type: ignore[attr-defined]


def test_bundled_offline_map_loads_with_legend_layers_and_every_site(browser: Browser, bundled_map: Path,
                                                                     times: TravelTimes) -> None:
    visit = Visit(browser, bundled_map)
    page = visit.page
    assert visit.errors == [] and visit.requests == []
    assert page.locator(".hc-legend").count() == 1
    assert "disrupted link" in page.locator(".hc-legend").inner_text()
    layers = page.locator(".leaflet-control-layers-overlays label")
    assert layers.count() >= 2 + len(times.scenario.product.all_categories)
    assert page.locator("path.hc-site").count() == len(times.scenario.sites)
    assert page.evaluate("window.hourcircle.sites") == len(times.scenario.sites)
    assert page.locator('path[stroke="#e00000"][stroke-dasharray]').count() == 1  # the closed bridge
    assert "OpenStreetMap contributors" in page.locator(".leaflet-control-attribution").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "circle_map.png"))
    assert (SCREENSHOTS / "circle_map.png").stat().st_size > 10_000
    page.close()


def test_a_category_layer_can_be_switched_off(browser: Browser, bundled_map: Path, times: TravelTimes) -> None:
    visit = Visit(browser, bundled_map)
    batteries = int((times.scenario.sites["category"] == "battery").sum())
    visit.page.locator(".leaflet-control-layers-overlays label", has_text="battery").locator("input").uncheck()
    assert visit.page.locator("path.hc-site").count() == len(times.scenario.sites) - batteries
    visit.page.close()


def test_plant_popup_shows_its_circle(browser: Browser, bundled_map: Path) -> None:
    visit = Visit(browser, bundled_map)
    visit.page.evaluate("""() => {
        const plant = [...document.querySelectorAll('path.hc-site')].find(p => p.getAttribute('fill') === '#1f3c88');
        plant.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    }""")
    popup = visit.page.locator(".leaflet-popup-content").inner_text()
    assert "Hours to complete" in popup and "battery 动力电池" in popup
    visit.page.close()


def test_reach_map_draws_the_reached_sites(browser: Browser, times: TravelTimes, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "reach.html"
    status, _, err = run(["reach", "hefei", "--hours", "3", "--map", str(path)], capsys)
    assert status == 0, err
    visit = Visit(browser, path)
    assert visit.errors == [] and visit.requests == []
    assert visit.page.locator("path.hc-site").count() == len(reached_sites(Query(times, hours=3), "hefei"))
    assert "<=3 h" in visit.page.locator(".hc-legend").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / "reach_map.png"))
    visit.page.close()


def test_user_text_is_shown_as_text_and_never_runs(browser: Browser, make_scenario: ScenarioMaker,
                                                   tmp_path: Path) -> None:
    sites = SITES.replace("plant_a,Plant A,Maker", f'plant_a,"{PAYLOAD}","{PAYLOAD}"')
    times = TravelTimes.for_scenario(make_scenario({"sites.csv": sites}))
    html = reach_map(reach_drawing(Query(times), "a"))
    assert PAYLOAD not in html and "<img" not in html
    path = tmp_path / "xss.html"
    path.write_text(html, encoding="utf-8")
    visit = Visit(browser, path)
    page = visit.page
    page.evaluate("""() => document.querySelectorAll('path.hc-site').forEach(
        p => p.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))""")
    tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(PAYLOAD in text for text in tooltips)
    assert visit.dialogs == [] and visit.errors == []
    assert page.locator('img[src="x"]').count() == 0
    page.close()


def test_offline_html_has_no_external_resources(bundled_map: Path) -> None:
    html = bundled_map.read_text(encoding="utf-8")
    loads = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert loads == []
    assert "L.map(" in html and "leaflet" in html.lower()


def test_online_map_takes_leaflet_from_the_cdn_and_tiles(times: TravelTimes) -> None:
    html = reach_map(reach_drawing(Query(times), "hefei"), basemap=Basemap("osm", offline=False))
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in html
    assert "tile.openstreetmap.org" in html


def test_gaode_tiles_shift_every_coordinate_to_gcj02(times: TravelTimes) -> None:
    html = reach_map(reach_drawing(Query(times, hours=1), "shanghai"), basemap=Basemap("gaode", offline=False))
    assert "autonavi.com" in html
    place = times.scenario.places.loc["shanghai"]
    lat, lon = wgs84_to_gcj02([place["lat"]], [place["lon"]])
    shifted = f"[{round(float(lon[0]), 6)},{round(float(lat[0]), 6)}]"
    assert shifted in html
    assert f"[{round(float(place['lon']), 6)},{round(float(place['lat']), 6)}]" not in html


def test_map_files_are_reproducible(times: TravelTimes) -> None:
    assert reach_map(reach_drawing(Query(times, hours=1), "hefei")) == reach_map(
        reach_drawing(Query(times, hours=1), "hefei"))


@pytest.mark.parametrize("tiles, offline, message", [
    ("osm", True, "tiles: osm loads tiles from the network; go online"),
    ("bing", False, "tiles: 'bing' is not one of none, osm, carto, gaode, tianditu"),
])
def test_impossible_basemaps_are_refused(tiles: str, offline: bool, message: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(message)):
        Basemap(tiles, offline)


def test_tianditu_needs_a_key(monkeypatch: pytest.MonkeyPatch, times: TravelTimes) -> None:
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(ArgumentError, match="TIANDITU_KEY"):
        Basemap("tianditu", offline=False)
    monkeypatch.setenv("TIANDITU_KEY", "k123")
    html = reach_map(reach_drawing(Query(times, hours=1), "hefei"), basemap=Basemap("tianditu", offline=False))
    assert "tianditu.gov.cn/vec_w/wmts" in html and "tk=k123" in html


def test_map_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["reach", "hefei", "--map", str(tmp_path)], capsys)
    assert status == 2 and "--map" in err and "is a folder" in err
    status, _, err = run(["run", "--tiles", "gaode", "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and "--tiles: gaode loads tiles from the network; go online" in err
    assert not (tmp_path / "o").exists()


def test_run_writes_the_map(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["run", "--out", str(tmp_path / "out"), "--remove", "R2", "--scenario", str(four)], capsys)
    assert status == 0, err
    html = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    assert "road:b-c" in html and "disrupted 中断" in html
    assert "map.html" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_basemap_is_bundled_and_in_wgs84() -> None:
    collection = json.loads((datasets.data_root() / "basemap" / "east_china.geojson").read_text(encoding="utf-8"))
    kinds = {f["properties"]["kind"] for f in collection["features"]}
    assert "province" in kinds
    coords = np.concatenate([np.asarray(part, dtype=float).reshape(-1, 2) for f in collection["features"]
                             for part in _parts(f["geometry"]["coordinates"])])
    assert coords[:, 0].min() > 110 and coords[:, 0].max() < 126 and coords[:, 1].min() > 25


def _parts(coords: list[object]) -> list[list[object]]:
    """The innermost coordinate lists of any GeoJSON geometry."""
    if coords and isinstance(coords[0], (int, float)):
        return [coords]
    first = coords[0] if coords else None
    if isinstance(first, list) and first and isinstance(first[0], (int, float)):
        return [coords]
    return [part for inner in coords for part in _parts(inner)]  # type: ignore[arg-type]


HOSTILE = '</title><script>window.pwned=1</script><img src=x onerror="window.pwned=2">&amp;"\''


def _hostile_scenario(make_scenario: ScenarioMaker) -> Path:
    """The 4-city scenario with markup in every free text a map shows: names, companies, the product, links."""
    from helpers import LINKS, PLACES, TOML

    quoted = HOSTILE.replace('"', '""')
    toml = (TOML.replace('name = "four cities"', f"name = {json.dumps(HOSTILE)}")
            .replace('name = "test product"', f"name = {json.dumps(HOSTILE)}")
            .replace('"software"]', f'"software", {json.dumps(HOSTILE)}]'))
    places = PLACES.replace("a,Alpha,甲市,East", f'a,"{quoted}","{quoted}","{quoted}"')
    sites = SITES.replace("plant_a,Plant A,Maker", f'plant_a,"{quoted}","{quoted}"')  # (categories are ids)
    links = LINKS.replace("a,c,rail,,45,T1,test", f'a,c,rail,,45,"{quoted}",test')
    return make_scenario({"scenario.toml": toml, "places.csv": places, "sites.csv": sites, "links.csv": links})


def test_every_text_of_every_map_is_shown_as_text(browser: Browser, make_scenario: ScenarioMaker,
                                                  tmp_path: Path) -> None:
    from hourcircle.analysis.run import analyse
    from hourcircle.maps import circle_map

    times = TravelTimes.for_scenario(_hostile_scenario(make_scenario))
    pages = {"circles.html": circle_map(analyse(Query(times), kinds=("link",))),
             "reach.html": reach_map(reach_drawing(Query(times, mode="rail"), "a"))}
    for name, html in pages.items():
        assert "<script>window.pwned" not in html and '<img src=x' not in html, name
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        visit = Visit(browser, path)
        page = visit.page
        assert page.title().startswith(HOSTILE if name == "circles.html" else "a: "), name  # the title, as text
        page.evaluate("""() => document.querySelectorAll('path.leaflet-interactive').forEach(
            p => p.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))""")
        shown = " ".join(page.locator(".leaflet-tooltip, .hc-legend, .hc-title, .leaflet-control-layers")
                         .all_text_contents())
        assert HOSTILE in shown, name  # tooltips, legend, title box and layer names show the text itself
        assert page.evaluate("() => window.pwned") is None, name
        assert page.locator('img[src="x"]').count() == 0 and visit.dialogs == [] and visit.errors == [], name
        page.close()


def test_reach_drawing_holds_the_search(four: Path) -> None:
    drawing = reach_drawing(Query(TravelTimes.for_scenario(four)), "Alpha")
    assert drawing.origin == "a" and drawing.mode == "truck" and drawing.roads is None
    assert drawing.nodes.loc[["a", "b", "c", "d"], "minutes"].tolist() == [0.0, 100.0, 150.0, 210.0]
    assert drawing.nodes["minutes"].is_monotonic_increasing  # fastest first
    far = drawing.links.set_index("name")["minutes"]  # minutes at each link's farther end
    assert far.to_dict() == {"R1": 100.0, "R2": 150.0, "R3 slow": 150.0, "R4": 210.0}
    assert drawing.links.loc[drawing.links["name"] == "R4", ["lat1", "lon1", "lat2", "lon2"]].values.tolist() == [
        [30.0, 121.0, 30.0, 121.5]]


def test_circle_drawing_marks_the_closed_links(four: Path) -> None:
    from hourcircle.analysis.run import analyse

    query = Query(TravelTimes.for_scenario(four))
    drawing = circle_drawing(query, ["road:b-c"])
    assert drawing.roads is None
    assert drawing.links.set_index("link")["closed"].to_dict() == {
        "road:a-b": False, "road:b-c": True, "road:a-c": False, "road:c-d": False, "rail:a-c": False}
    results = analyse(query, remove=["R2"], kinds=("link",))
    assert "drawing" not in vars(results)  # analyse does not pay for the map's geometry
    assert results.drawing.links["closed"].tolist() == drawing.links["closed"].tolist()
    assert results.drawing is results.drawing


def test_bundled_circle_drawing_has_the_whole_road_network(bundled_run: BundledRun) -> None:
    roads = bundled_run.results.drawing.roads
    assert roads is not None and len(roads.segments.lat1) == len(roads.closed) > 10_000
    bridge = [c for c in roads.named if c.name == "Hangzhou Bay Bridge"]
    assert len(bridge) == 1 and roads.closed[bridge[0].edges].all()
    assert set(bundled_run.results.drawing.links["kind"]) == {"rail"}


HOVER_EVERY_SITE = """() => {
  // For each site marker: what the mouse would meet at its centre (the topmost element there), a
  // mouseover sent to that element as the browser would, and the title of the tooltip it opens.
  const titles = [];
  for (const marker of document.querySelectorAll('path.hc-site')) {
    const box = marker.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const met = document.elementFromPoint(x, y);
    const at = {bubbles: true, clientX: x, clientY: y, relatedTarget: document.body};
    met.dispatchEvent(new MouseEvent('mouseover', at));
    const tips = document.querySelectorAll('.leaflet-tooltip:not(.hc-place-label) b');
    titles.push(tips.length ? tips[tips.length - 1].textContent : '');
    met.dispatchEvent(new MouseEvent('mouseout', at));
  }
  return titles;
}"""


def _hover_every_site(page: Page) -> list[str]:
    """Hover each site marker in turn (at its centre, as the mouse would): the titles of the tooltips that open."""
    page.add_style_tag(content=".leaflet-control-container {display: none}")  # a marker under the legend pans out
    titles: list[str] = page.evaluate(HOVER_EVERY_SITE)
    return titles


def test_every_site_of_a_crowded_city_can_be_hovered(browser: Browser, bundled_map: Path,
                                                     times: TravelTimes) -> None:
    sites = times.scenario.sites
    hefei = sites[sites["place_id"] == "hefei"]
    assert len(hefei) >= 10 and hefei[["lat", "lon"]].drop_duplicates().shape[0] == 1  # one point, 13 sites (3 tier 2)
    visit = Visit(browser, bundled_map)
    titles = _hover_every_site(visit.page)
    assert set(hefei["name"]) <= set(titles)  # each shows its own tooltip: none hides under another
    assert sorted(titles) == sorted(sites["name"])  # and so does every site of the map
    assert visit.requests == [] and visit.errors == []
    visit.page.close()


def test_the_origin_does_not_hide_its_own_sites(browser: Browser, times: TravelTimes, tmp_path: Path) -> None:
    path = tmp_path / "reach.html"
    path.write_text(reach_map(reach_drawing(Query(times, hours=3), "hefei")), encoding="utf-8")
    visit = Visit(browser, path)
    reached = reached_sites(Query(times, hours=3), "hefei")
    assert sorted(_hover_every_site(visit.page)) == sorted(reached["name"])
    assert visit.requests == []
    visit.page.close()


def test_city_names_show_from_a_zoom_up(browser: Browser, bundled_map: Path, times: TravelTimes) -> None:
    visit = Visit(browser, bundled_map)
    page = visit.page
    zoom = page.evaluate("window.hourcircle.labelZoom")
    current = page.evaluate("() => Object.values(window).find(v => v instanceof L.Map).getZoom()")
    assert zoom <= current  # the delta's names show when the map opens
    labels = page.locator(".hc-place-label")
    assert labels.count() == len(times.scenario.places) and "Hefei" in labels.all_inner_texts()
    page.evaluate(f"() => Object.values(window).find(v => v instanceof L.Map).setZoom({zoom - 1}, {{animate: false}})")
    assert labels.count() == 0
    visit.page.close()


def test_sites_sharing_a_point_get_places_on_a_ring() -> None:
    from hourcircle.maps.points import label_zoom, rings

    assert rings(np.array([31.8, 30.0, 31.8, 31.8]), np.array([117.2, 120.0, 117.2, 117.2])) == [
        [0, 3], None, [1, 3], [2, 3]]
    assert label_zoom(np.array([31.0, 31.0, 40.0]), np.array([117.0, 117.4, 117.0])) == 8  # 0.4 degree: 36 px at 7


def test_the_delta_basemap_has_no_straight_edge() -> None:
    import shapely
    import shapely.geometry

    from hourcircle.maps.basemap import EAST_CHINA, seamless_features

    features = seamless_features(False)
    fills = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features
                               if f["properties"]["style"].get("outline") is False])
    for lon, lat in [(111.0, 30.5), (112.1, 30.5), (115.0, 38.5), (118.0, 25.5), (113.0, 26.1)]:
        assert fills.contains(shapely.geometry.Point(lon, lat)), (lon, lat)  # land beyond the box is land
    assert not fills.contains(shapely.geometry.Point(123.5, 31.0))  # the sea off Shanghai is sea
    borders = [shapely.geometry.shape(f["geometry"]) for f in features if f["geometry"]["type"].endswith("String")
               and f["properties"]["style"]["colour"] == "#8a8a8a"]
    edge = shapely.geometry.box(*EAST_CHINA).exterior
    assert all(border.intersection(edge.buffer(1e-5)).length < 0.01 for border in borders)  # no box edge drawn


def test_land_beyond_china_is_land_not_sea() -> None:
    import shapely
    import shapely.geometry

    from hourcircle.maps.basemap import NEIGHBOURS, seamless_features

    for national in (True, False):
        features = seamless_features(national)
        beyond = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features
                                    if f["properties"]["style"].get("fillColour") == NEIGHBOURS])
        for lon, lat, where in [(106.9, 47.9, "Ulaanbaatar"), (105.8, 21.0, "Hanoi"), (127.0, 37.5, "Seoul"),
                                (71.4, 51.2, "Astana"), (139.7, 35.7, "Tokyo")]:
            assert beyond.contains(shapely.geometry.Point(lon, lat)), where
        for lon, lat in [(116.4, 39.9), (121.47, 31.23), (125.0, 30.0)]:  # Beijing, Shanghai: China's; the sea
            assert not beyond.contains(shapely.geometry.Point(lon, lat))
