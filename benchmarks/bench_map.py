"""Benchmark the circle map at scale: HTML size and time to interactive in headless chromium.

Scenario: the bundled 41 places, with N synthetic sites (default 10,000) scattered up to
30 km around random places: 1 in 20 a plant, the rest split over the five components; the
bundled links. For each map:

- hourcircle: ``maps.circle_map`` (one GeoJSON layer per category; canvas above 2,000 sites);
- bundled: the circle map of the bundled dataset, as ``make run`` writes it;
- baseline: the plain folium way, one ``folium.CircleMarker`` with a tooltip per site, in
  the same run, with the same inlined Leaflet (so both open offline).

Both are opened offline from file:// in Debian's chromium (Playwright); "interactive" is the
time from navigation until the page's scripts have run and the map answers a zoom (the
baseline has no ready flag, so both wait for a zoom round trip). Medians of repeated loads.
The last line is ``ratio_load=<baseline / hourcircle>``.

Run: .venv/bin/python benchmarks/bench_map.py [--sites 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from playwright.sync_api import Browser, sync_playwright

from hourcircle import Query, TravelTimes, datasets, load_scenario
from hourcircle.analysis.run import analyse
from hourcircle.maps import circle_map
from hourcircle.maps.assets import use_leaflet_only

CATEGORIES = ["chips", "software", "battery", "e_motor", "die_casting"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def big_scenario(folder: Path, n_sites: int, seed: int = 5) -> Path:
    source = datasets.bundled()
    for name in ("scenario.toml", "places.csv", "links.csv", "infrastructure.csv"):
        shutil.copy(source / name, folder / name)
    places = load_scenario(source).places
    rng = np.random.default_rng(seed)
    where = rng.integers(0, len(places), n_sites)
    angle, radius_km = rng.uniform(0, 2 * np.pi, n_sites), rng.uniform(0, 30, n_sites)
    lat = places["lat"].to_numpy()[where] + radius_km * np.sin(angle) / 111.0
    lon = places["lon"].to_numpy()[where] + radius_km * np.cos(angle) / (111.0 * np.cos(np.radians(31)))
    category = np.where(np.arange(n_sites) % 20 == 0, "assembly",
                        np.array(CATEGORIES)[np.arange(n_sites) % len(CATEGORIES)])
    pd.DataFrame({"site_id": [f"s{i}" for i in range(n_sites)], "name": [f"Site {i}" for i in range(n_sites)],
                  "company": [f"Company {i % 300}" for i in range(n_sites)], "category": category,
                  "place_id": places.index.to_numpy()[where], "lat": lat.round(5), "lon": lon.round(5)}
                 ).to_csv(folder / "sites.csv", index=False)
    return folder


def baseline_map(times: TravelTimes) -> str:
    sites = times.scenario.sites
    fmap = use_leaflet_only(folium.Map(location=[31.5, 119.5], zoom_start=7, tiles=None))
    for _, site in sites.iterrows():
        folium.CircleMarker([site["lat"], site["lon"]], radius=5, tooltip=f"{site['name']} ({site['category']})"
                            ).add_to(fmap)
    html: str = fmap.get_root().render()
    return html


def interactive_seconds(browser: Browser, path: Path) -> float:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=120_000)
    page.wait_for_function("""() => {
        const m = Object.values(window).find(v => v && v._leaflet_id && v.getZoom);
        if (!m) return false;
        if (!window.__zoomed) {
            window.__zoomed = true;
            m.once('zoomend', () => window.__done = true);
            m.setZoom(m.getZoom() + 1, {animate: false});
        }
        return window.__done === true; }""", timeout=120_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        times = TravelTimes.for_scenario(big_scenario(Path(folder), args.sites))
        start = time.perf_counter()
        results = analyse(Query(times))
        analyse_s = time.perf_counter() - start
        start = time.perf_counter()
        ours = circle_map(results)
        ours_build = time.perf_counter() - start
        start = time.perf_counter()
        base = baseline_map(times)
        base_build = time.perf_counter() - start
        bundled = circle_map(analyse(Query(TravelTimes.for_scenario(datasets.bundled()))))
        paths = {"hourcircle": Path(folder) / "ours.html", "baseline": Path(folder) / "base.html",
                 "bundled": Path(folder) / "bundled.html"}
        for name, html in (("hourcircle", ours), ("baseline", base), ("bundled", bundled)):
            paths[name].write_text(html, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            loads = {name: statistics.median(interactive_seconds(browser, p) for _ in range(args.repeats))
                     for name, p in paths.items()}
            browser.close()
    print(f"{args.sites} sites, {len(times.scenario.places)} places; analyse (with sweep) {analyse_s:.1f} s")
    for name, html, build in (("hourcircle", ours, ours_build), ("baseline", base, base_build)):
        print(f"{name:>10}: {len(html.encode()) / 1e6:.2f} MB, built in {build:.1f} s, "
              f"interactive in {loads[name]:.2f} s (median of {args.repeats})")
    print(f"bundled map (93 sites): {len(bundled.encode()) / 1e6:.2f} MB, interactive in {loads['bundled']:.2f} s")
    print(f"ratio_size={len(base.encode()) / len(ours.encode()):.2f}")
    print(f"ratio_load={loads['baseline'] / loads['hourcircle']:.2f}")


if __name__ == "__main__":
    main()
