"""The explorer shows every site: rings around shared points, city labels, tier symbols and a plant's chain.

In headless chromium with the network refused, on ``run``'s ``map.html`` (the explorer of the
bundled run) and on the hand-checkable two-tier fixture (``tests/data/tiers``): Hefei's ten
sites, which share one point, can each be hovered; city names show from the label zoom; tier-2
sites have their own symbol; a picked plant's chain view equals the tier analysis.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BundledRun
from playwright.sync_api import Browser, Page
from test_explorer import _set_hours
from test_maps import Visit, browser  # noqa: F401  (the chromium fixture)

from hourcircle import Query, TravelTimes, load_scenario
from hourcircle.analysis.chains import chains
from hourcircle.analysis.coverage import coverage
from hourcircle.analysis.explore import explorer_data
from hourcircle.analysis.tiers import Tiers, tier_circles
from hourcircle.maps import Basemap, explorer_page
from hourcircle.maps.explorer_chains import chain_data
from hourcircle.maps.points import label_zoom

FIXTURE = Path(__file__).parent / "data" / "tiers"
MAP = "Object.values(window).find(v => v instanceof L.Map)"


@pytest.fixture(scope="module")
def run_map(bundled_run: BundledRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``run``'s map.html for the bundled run, made as the command makes it."""
    path = tmp_path_factory.mktemp("run_map") / "map.html"
    path.write_text(explorer_page(explorer_data(bundled_run.results)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def light_map(bundled_run: BundledRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same page without the road network, for tests that zoom a lot (headless chromium redraws
    the roads' SVG at every zoom, some seconds each); the markers, rings and labels are the same."""
    data = explorer_data(bundled_run.results)
    roadless = dataclasses.replace(data.drawing, roads=None, links=data.drawing.links.iloc[:0])
    path = tmp_path_factory.mktemp("light_map") / "map.html"
    path.write_text(explorer_page(dataclasses.replace(data, drawing=roadless)), encoding="utf-8")
    return path


HOVER = """(ids) => ids.map((id) => {
  // What the mouse meets at the marker's centre (the topmost element there) gets the mouseover a
  // browser would send; the title of the tooltip that opens, then the mouse leaves again.
  const box = document.querySelector(`path.hc-site[data-id="${id}"]`).getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const met = document.elementFromPoint(x, y);
  const at = {bubbles: true, clientX: x, clientY: y, relatedTarget: document.body};
  met.dispatchEvent(new MouseEvent('mouseover', at));
  const tips = document.querySelectorAll('.leaflet-tooltip:not(.hc-place-label) b');
  const title = tips.length ? tips[tips.length - 1].innerText : '';
  met.dispatchEvent(new MouseEvent('mouseout', at));
  return title;
})"""


def _hover(page: Page, sites: list[str]) -> dict[str, str]:
    """Hover each site's marker at its centre, as the mouse would: the title of the tooltip that opens there."""
    return dict(zip(sites, page.evaluate(HOVER, sites), strict=True))


def _view(page: Page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"([lat, lon, z]) => {MAP}.setView([lat, lon], z, {{animate: false}})", [lat, lon, zoom])


def test_every_site_of_hefei_can_be_hovered_at_every_zoom(browser: Browser, light_map: Path,  # noqa: F811
                                                          bundled_run: BundledRun) -> None:
    scenario = bundled_run.results.query.scenario
    sites = scenario.sites
    hefei = sites[sites["place_id"] == "hefei"]
    assert len(hefei) >= 10 and hefei[["lat", "lon"]].drop_duplicates().shape[0] == 1  # one point, 13 sites
    expected = {site: f"{name} {scenario.places.loc['hefei', 'name_zh']}" for site, name in hefei["name"].items()}
    (lat,), (lon,) = Basemap().shift([scenario.places.loc["hefei", "lat"]], [scenario.places.loc["hefei", "lon"]])
    visit = Visit(browser, light_map)
    page = visit.page
    for zoom in (7, 9, 11):  # the ring is redrawn in screen pixels at every zoom
        _view(page, lat, lon, zoom)
        assert _hover(page, list(hefei.index)) == expected, zoom
    page.locator("#hc-search").fill("Hefei 合肥市 (city")
    page.locator("#hc-search").press("Enter")
    assert page.locator("#hc-detail h3").first.inner_text().startswith("Hefei")
    _view(page, lat, lon, 9)
    assert page.locator("path.hc-link").count() == len(scenario.product.components)
    assert _hover(page, list(hefei.index)) == expected  # the picked city's highlight and links hide none
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_city_names_show_from_the_label_zoom(browser: Browser, light_map: Path,  # noqa: F811
                                             bundled_run: BundledRun) -> None:
    places = bundled_run.results.query.scenario.places
    lat, lon = Basemap().shift(places["lat"].to_numpy(), places["lon"].to_numpy())
    visit = Visit(browser, light_map)
    page = visit.page
    zoom = page.evaluate("window.hourcircle.labelZoom")
    assert zoom == label_zoom(lat, lon)  # the circle map's rule
    page.evaluate(f"(z) => {MAP}.setZoom(z, {{animate: false}})", zoom)
    labels = page.locator(".hc-place-label")
    assert labels.count() == len(places) and "Hefei" in labels.all_inner_texts()
    page.evaluate(f"(z) => {MAP}.setZoom(z, {{animate: false}})", zoom - 1)
    assert labels.count() == 0
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_tier_two_sites_have_their_own_symbol_and_checkbox(browser: Browser, run_map: Path,  # noqa: F811
                                                           bundled_run: BundledRun) -> None:
    scenario = bundled_run.results.query.scenario
    product, sites = scenario.product, scenario.sites
    deep = sites[sites["category"].map(product.tier) >= 2]
    assert len(deep) > 0
    visit = Visit(browser, run_map)
    page = visit.page
    dashed = page.locator('path.hc-site[stroke-dasharray="2 2"]')
    assert dashed.count() == len(deep)
    assert {p.get_attribute("stroke") for p in dashed.all()} == {"#111"}
    assert set(page.evaluate("""() => [...document.querySelectorAll('path.hc-site[stroke-dasharray="2 2"]')]
        .map(p => p.getAttribute('data-id'))""")) == set(deep.index)
    chip = sites.index[sites["category"] == "chips"][0]
    cathode = page.locator(f'path.hc-site[data-id="{deep.index[0]}"]').bounding_box()
    chips = page.locator(f'path.hc-site[data-id="{chip}"]').bounding_box()
    assert cathode is not None and chips is not None and cathode["width"] < chips["width"]  # smaller
    box = page.locator(".hc-filters label", has_text="tier 2 · cathode").locator("input")
    box.uncheck()
    assert dashed.count() == len(deep) - int((deep["category"] == "cathode").sum())
    assert "tier 2 · cathode" in page.locator(".hc-legend").inner_text()
    assert visit.errors == [] and visit.requests == []
    page.close()


def _expected_chain(query: Query, plant: str) -> list[tuple[int, str, str, float, bool]]:
    """Depth, stage, nearest site, minutes and within of each row, from the analysis."""
    nearest = coverage(query).pairs.set_index("origin").loc[plant]
    tiers = Tiers.of(query)
    pairs = tier_circles(tiers)
    inputs = dict(query.scenario.product.inputs)
    rows: list[tuple[int, str, str, float, bool]] = []

    def below(site: str, depth: int) -> None:
        for _, pair in pairs[pairs["site"] == site].iterrows():
            rows.append((depth, pair["input"], pair["nearest_site"] or "", pair["minutes"], bool(pair["within"])))
            if pair["input"] in inputs and pair["nearest_site"]:
                below(pair["nearest_site"], depth + 1)

    for _, pair in nearest.iterrows():
        rows.append((0, pair["category"], pair["nearest_site"] or "", pair["minutes"], bool(pair["within"])))
        if pair["category"] in inputs and pair["nearest_site"]:
            below(pair["nearest_site"], 1)
    return rows


def _shown_chain(page: Page) -> list[tuple[int, str, str, float, bool]]:
    shown = page.evaluate("""() => [...document.querySelectorAll('#hc-chain tr.hc-chain-row')].map(r => [
        Number(r.getAttribute('data-depth')), r.getAttribute('data-stage'), r.getAttribute('data-site'),
        r.cells[2].textContent, r.classList.contains('hc-within')])""")
    return [(d, s, site, float("nan") if m == "-" else float(m), w) for d, s, site, m, w in shown]


def _same_rows(shown: list[tuple[int, str, str, float, bool]], expected: list[tuple[int, str, str, float, bool]]
               ) -> bool:
    assert [r[:3] + r[4:] for r in shown] == [r[:3] + r[4:] for r in expected]
    return all((np.isnan(a[3]) and np.isnan(b[3])) or abs(a[3] - b[3]) <= 0.5 for a, b in zip(shown, expected,
                                                                                                strict=True))


def test_a_picked_plant_shows_its_chain_as_the_analysis(browser: Browser, run_map: Path,  # noqa: F811
                                                        bundled_run: BundledRun) -> None:
    """At 2, 4 and 6 h: each component's nearest supplier, its inputs within their tier budget, the verdict."""
    times = bundled_run.results.query.times
    plant = "leapmotor_jinhua"
    verdicts = {h: bool(chains(Tiers.of(Query(times, hours=h))).loc[plant, "chain_complete"]) for h in (2.0, 4.0)}
    assert verdicts == {2.0: False, 4.0: True}  # the slider changes the verdict
    visit = Visit(browser, run_map)
    page = visit.page
    page.evaluate(f"window.hourcircle.explorer.pick('{plant}')")
    for hours in (2.0, 4.0, 6.0):
        _set_hours(page, hours)
        query = Query(times, hours=hours)
        assert _same_rows(_shown_chain(page), _expected_chain(query, plant)), hours
        complete = bool(chains(Tiers.of(query)).loc[plant, "chain_complete"])
        verdict = page.locator("#hc-chain .hc-chain-verdict")
        assert verdict.get_attribute("data-complete") == ("yes" if complete else "no"), hours
    assert "battery 4 h, cathode 4 h" in page.locator("#hc-chain h3").inner_text()
    assert visit.errors == [] and visit.requests == []
    page.close()


# ---- the two-tier fixture, by hand ------------------------------------------------------------

def test_chain_data_by_hand() -> None:
    """Cells B has cathode and separator within 1.5 h (chain-complete); Cells D lacks the separator (180 min)."""
    data = explorer_data(Query(TravelTimes.for_scenario(load_scenario(FIXTURE))), hours=[2.5, 3])
    found = chain_data(data)
    assert found is not None and found["live"] and found["budgets"] == {"battery": 1.5}
    position = {origin: i for i, origin in enumerate(data.origins.index)}
    assert list(data.suppliers) == ["cells_b", "cells_d", "fab_c"] and found["complete"] == [1, 0, 1]
    assert found["circles"][str(position["cells_d"])] == [["cathode", position["cath_c"], 60.0],
                                                         ["separator", position["sep_a"], 180.0]]
    assert set(found["circles"]) == {str(position["cells_b"]), str(position["cells_d"])}


def _fixture_page(folder: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tiers.html"
    query = Query(TravelTimes.for_scenario(load_scenario(folder)))
    path.write_text(explorer_page(explorer_data(query, hours=[2, 2.5, 3])), encoding="utf-8")
    return path


def test_the_chain_view_by_hand(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    """Plant E: battery at D (60 min) lacks the separator (Separator A, 180 min > 1.5 h), chips at C (120);
    from 3 h Cells B (180 min), chain-complete, is within reach, and the chain is complete."""
    visit = Visit(browser, _fixture_page(FIXTURE, tmp_path))
    page = visit.page
    page.evaluate("window.hourcircle.explorer.pick('plant_e')")
    _set_hours(page, 2.5)
    assert _shown_chain(page) == [(0, "battery", "cells_d", 60.0, True), (1, "cathode", "cath_c", 60.0, True),
                                  (1, "separator", "sep_a", 180.0, False), (0, "chips", "fab_c", 120.0, True)]
    verdict = page.locator("#hc-chain .hc-chain-verdict")
    assert verdict.get_attribute("data-complete") == "no" and "battery" in verdict.inner_text()
    _set_hours(page, 3.0)
    assert verdict.get_attribute("data-complete") == "yes"
    assert page.locator("#hc-chain .hc-chain-note").count() == 0  # live: every tier's budget is fixed
    page.evaluate("window.hourcircle.explorer.pick('cells_d')")  # a site with inputs: its own tier circle
    assert _shown_chain(page) == [(0, "cathode", "cath_c", 60.0, True), (0, "separator", "sep_a", 180.0, False)]
    page.evaluate("window.hourcircle.explorer.pick('fab_c')")  # a site without inputs: no chain view
    assert page.locator("#hc-chain").count() == 0
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_without_fixed_tier_budgets_the_verdict_is_the_runs(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    """Battery's inputs then count within the slider's budget; whether a supplier is chain-complete is the
    run's (2.5 h), and the panel says so."""
    folder = tmp_path / "unfixed"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[product.budgets]\nbattery = 1.5\n", ""),
                    encoding="utf-8")
    query = Query(TravelTimes.for_scenario(load_scenario(folder)))
    found = chain_data(explorer_data(query, hours=[2, 3]))
    assert found is not None and not found["live"] and found["budgets"] == {"battery": None}
    visit = Visit(browser, _fixture_page(folder, tmp_path))
    page = visit.page
    page.evaluate("window.hourcircle.explorer.pick('plant_e')")
    _set_hours(page, 2.0)
    assert _shown_chain(page)[2] == (1, "separator", "sep_a", 180.0, False)  # within 2 h now
    _set_hours(page, 3.0)
    assert _shown_chain(page)[2] == (1, "separator", "sep_a", 180.0, True)  # within 3 h
    assert "2.5 h" in page.locator("#hc-chain .hc-chain-note").inner_text()
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_the_chain_follows_its_profile_alone(browser: Browser, run_map: Path,  # noqa: F811
                                            bundled_run: BundledRun, tmp_path: Path) -> None:
    path = tmp_path / "two.html"
    path.write_text(explorer_page(explorer_data(bundled_run.results, modes=["car"])), encoding="utf-8")
    visit = Visit(browser, path)
    page = visit.page
    page.evaluate("window.hourcircle.explorer.pick('leapmotor_jinhua')")
    assert page.locator("#hc-chain tr.hc-chain-row").count() > 0
    page.locator(".hc-modes input[value=car]").check()
    assert page.locator("#hc-chain tr.hc-chain-row").count() == 0
    assert "truck" in page.locator("#hc-chain .hc-chain-note").inner_text()
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_the_chain_data_is_small(bundled_run: BundledRun) -> None:
    data = explorer_data(bundled_run.results)
    found = chain_data(data)
    assert found is not None
    tiers = bundled_run.results.tiers
    assert tiers is not None
    assert sum(len(rows) for rows in found["circles"].values()) == len(tiers.pairs)  # one row per tier pair
    assert pd.Series(found["complete"]).sum() == int(tiers.tiers.complete.reindex(data.suppliers).sum())
