"""Benchmark the national explorer: page size, time to interactive and a slider move in headless chromium.

Pages, all of the national scenario (``china``: 338 places, 313 sites, the national roads), truck:

- explorer: ``maps.explorer_page`` as ``hourcircle explore --scenario china`` writes it
  (the network, minutes of 651 origins to 252 suppliers as typed arrays, the script);
- explorer, three profiles: the same with car and rail to switch to;
- baseline: the same network under a plain folium page, one ``folium.CircleMarker`` with a
  tooltip per place and site, measured in the same run (Leaflet inlined in both).

Each is opened offline from file:// in Debian's chromium (Playwright); "interactive" is the
time from navigation until the page's scripts have run and the map answers a zoom (as in
``bench_map.py``). A slider move is timed in the page (recompute every circle, recolour, summary).
Medians of repeated loads, the pages taken in turn. Targets: the explorer under 10 MB and interactive within 3 s.

Run: .venv/bin/python benchmarks/bench_explorer.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import folium
from bench_map import FLAGS, interactive_seconds
from playwright.sync_api import Browser, sync_playwright

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.explore import ExplorerData, explorer_data
from hourcircle.maps import Basemap, explorer_page
from hourcircle.maps.builders import _finish, _new_map, network_layers

SIZE_MB, INTERACTIVE_S = 10.0, 3.0


def baseline_page(data: ExplorerData) -> str:
    """The same network with a plain folium marker and tooltip per place and site."""
    basemap = Basemap()
    places = data.scenario.places
    fmap = _new_map(basemap, places["lat"].to_numpy(), places["lon"].to_numpy(), "baseline", len(data.origins))
    network_layers(fmap, data.drawing, basemap)
    for _, origin in data.origins.iterrows():
        folium.CircleMarker([origin["lat"], origin["lon"]], radius=6,
                            tooltip=f"{origin['name']} ({origin['kind']})").add_to(fmap)
    return _finish(fmap)


def slider_move_ms(browser: Browser, path: Path, moves: int = 10) -> tuple[float, float]:
    """Median milliseconds for the page to recompute and redraw at another budget, and its start's."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    page.goto(path.as_uri(), wait_until="load", timeout=120_000)
    page.wait_for_function("window.hourcircle && window.hourcircle.ready === true", timeout=120_000)
    times = page.evaluate("""(moves) => {
        const slider = document.getElementById('hc-budget'), out = [];
        for (let i = 0; i < moves; i++) {
            const start = performance.now();
            slider.value = String((Number(slider.value) + 4) % (Number(slider.max) + 1));
            slider.dispatchEvent(new Event('input'));
            out.push(performance.now() - start);
        }
        return out; }""", moves)
    start_ms = page.evaluate("window.hourcircle.explorer.startMs")
    page.close()
    return float(statistics.median(times)), float(start_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    times = TravelTimes.for_scenario(datasets.locate("china"))
    network_s = time.perf_counter() - start
    start = time.perf_counter()
    data = explorer_data(Query(times))
    data_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = explorer_page(data)
    page_s = time.perf_counter() - start
    every = explorer_page(explorer_data(Query(times), modes=["car", "rail"]))
    base = baseline_page(data)
    pages = {"explorer": ours, "explorer, 3 profiles": every, "baseline": base}
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: Path(folder) / f"{i}.html" for i, name in enumerate(pages)}
        for name, html in pages.items():
            paths[name].write_text(html, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            runs: dict[str, list[float]] = {name: [] for name in paths}
            for _ in range(args.repeats):  # interleaved, so that a busy moment hits every page alike
                for name, path in paths.items():
                    runs[name].append(interactive_seconds(browser, path))
            loads = {name: statistics.median(values) for name, values in runs.items()}
            move, start_ms = slider_move_ms(browser, paths["explorer"])
            browser.close()
    print(f"china: {len(data.origins)} origins x {len(data.suppliers)} suppliers; network {network_s:.1f} s, "
          f"minutes {data_s:.1f} s, page {page_s:.1f} s")
    for name, html in pages.items():
        print(f"{name:>22}: {len(html.encode()) / 1e6:.2f} MB, interactive in {loads[name]:.2f} s "
              f"(median of {args.repeats})")
    print(f"the explorer's own start (draw {len(data.origins)} markers, first recompute): {start_ms:.0f} ms; "
          f"a slider move (recompute every circle, recolour, summary): {move:.1f} ms (median of 10)")
    size_mb = len(ours.encode()) / 1e6
    print(f"target: under {SIZE_MB:g} MB: {'ok' if size_mb < SIZE_MB else 'MISSED'}; interactive within "
          f"{INTERACTIVE_S:g} s: {'ok' if loads['explorer'] < INTERACTIVE_S else 'MISSED'}")
    print(f"ratio_size={len(ours.encode()) / len(base.encode()):.2f}")
    print(f"ratio_load={loads['explorer'] / loads['baseline']:.2f}")


if __name__ == "__main__":
    main()
