"""The explorer: its compact minutes, its page, and the page in headless chromium against the analysis.

The browser tests move the budget slider and read what the page computed itself (summary lines,
cities' colours, a picked plant's table) against :func:`~hourcircle.analysis.coverage.circles`
at the same budget, i.e. what ``run --hours H`` reports.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BundledRun
from helpers import ScenarioMaker, run
from playwright.sync_api import Browser, Page
from test_maps import HOSTILE, SCREENSHOTS, Visit, _hostile_scenario, browser  # noqa: F401  (the chromium fixture)

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.coverage import Coverage, circles, coverage
from hourcircle.analysis.explore import BEYOND, ExplorerData, budget_steps, explorer_data
from hourcircle.errors import ArgumentError, ArgumentTypeError
from hourcircle.maps import ExplorerPage, explore, explorer_page

GREEN, ORANGE, RED, MARGINAL = "#1a9850", "#fdae61", "#d73027", "#6a3d9a"
SUMMARY = re.compile(r"^(\d+) of (\d+) (plants|places) complete within ([\d.]+) h; (\d+) marginal either way")


def recomputed(data: ExplorerData, mode: str, hours: float) -> pd.DataFrame:
    """What the page computes at a budget, in numpy: one row per origin and component."""
    profile = data.profiles[mode]
    step = data.hours.index(hours)
    budget = 60.0 * hours
    components = list(data.scenario.product.components)
    category = data.scenario.sites.loc[data.suppliers, "category"].to_numpy()
    rows = []
    for c, name in enumerate(components):
        within_step = profile.first_step[:, category == name] <= step
        rows.append(pd.DataFrame({"origin": data.origins.index, "category": name,
                                  "minutes": profile.nearest_minutes[:, c],
                                  "alternatives": within_step.sum(axis=1)}))
    table = pd.concat(rows, ignore_index=True)
    return table.assign(within=table["minutes"] <= budget)


def _expected(found: Coverage) -> pd.DataFrame:
    return found.pairs.set_index(["origin", "category"])[["minutes", "alternatives", "within"]]


# ---- the compact minutes ----------------------------------------------------------------------

def test_four_cities_by_hand(four: Path) -> None:
    """Alpha's plant: battery at B 100 min, chips at C 150, software at D 210 (1 km a minute)."""
    data = explorer_data(Query(TravelTimes.for_scenario(four)), hours=[1, 2, 3])
    assert data.hours == (1.0, 2.0, 3.0, 4.0) and data.start == 4.0 and data.modes == ("truck",)
    assert data.origins["kind"].tolist() == ["plant", "place", "place", "place", "place", "site", "site", "site"]
    assert list(data.suppliers) == ["cells_b", "fab_c", "code_d"]
    truck = data.profiles["truck"]
    plant = data.origins.index.get_loc("plant_a")
    assert truck.nearest_minutes[plant].tolist() == [100.0, 150.0, 210.0]
    assert truck.nearest_site[plant].tolist() == [0, 1, 2]
    assert truck.first_step[plant].tolist() == [1, 2, 3]  # within 2 h, 3 h, 4 h
    d = data.origins.index.get_loc("d")
    assert truck.first_step[d].tolist() == [1, 0, 0]  # D: battery 110 min (2 h), chips 60 (1 h), software 0
    assert truck.band == data.scenario.travel.band("truck")


def test_a_supplier_beyond_every_budget_is_marked(four: Path) -> None:
    data = explorer_data(Query(TravelTimes.for_scenario(four), hours=1), hours=[0.5])
    plant = data.origins.index.get_loc("plant_a")
    assert data.hours == (0.5, 1.0)
    assert data.profiles["truck"].first_step[plant].tolist() == [BEYOND, BEYOND, BEYOND]


@pytest.mark.parametrize("mode", ["truck", "rail"])
def test_the_compact_minutes_give_the_analysis_at_every_budget(four: Path, mode: str) -> None:
    times = TravelTimes.for_scenario(four)
    data = explorer_data(Query(times, mode="truck"), modes=[mode], hours=budget_steps(0.5, 5, 0.25))
    for hours in data.hours:
        found = coverage(Query(times, hours=hours, mode=mode))
        mine = recomputed(data, mode, hours).set_index(["origin", "category"]).loc[_expected(found).index]
        pd.testing.assert_frame_equal(mine, _expected(found), check_dtype=False)


def test_bundled_compact_minutes_equal_the_analysis(bundled_run: BundledRun) -> None:
    results = bundled_run.results
    data = explorer_data(results)
    assert data.drawing is results.drawing  # a run's map keeps its closed links
    for hours in (2.0, 3.25, 4.0, 6.0):
        found = coverage(Query(results.query.times, hours=hours))
        mine = recomputed(data, "truck", hours).set_index(["origin", "category"]).loc[_expected(found).index]
        pd.testing.assert_frame_equal(mine, _expected(found), check_dtype=False)


def test_budget_steps() -> None:
    assert budget_steps(0.5, 8, 0.25) == tuple(np.arange(2, 33) / 4)
    assert budget_steps(1, 2, 0.4) == (1.0, 1.4, 1.8, 2.0)  # the end is always offered
    with pytest.raises(ArgumentError, match="more than 254 budgets"):
        budget_steps(0.5, 72, 0.25)
    with pytest.raises(ArgumentError, match="hours: must be a number of hours from a minute"):
        budget_steps(0, 2, 0.25)


@pytest.mark.parametrize("call, parameter", [
    (lambda q: explorer_data(q, modes=["bus"]), "modes"),
    (lambda q: explorer_data(q, modes="car"), "modes"),
    (lambda q: explorer_data(q, hours=[100]), "hours"),
    (lambda q: explorer_data(q, hours=[float("nan")]), "hours"),
    (lambda q: explorer_data(q, hours=list(np.arange(1, 300) / 10)), "hours"),
    (lambda q: explorer_data(q.times), "question"),
    (lambda q: explore(q, basemap="none"), "basemap"),
    (lambda q: explorer_page(q), "data"),
])
def test_bad_arguments_name_the_parameter(four: Path, call: object, parameter: str) -> None:
    query = Query(TravelTimes.for_scenario(four))
    with pytest.raises((ArgumentError, ArgumentTypeError)) as raised:
        call(query)  # type: ignore[operator]
    assert raised.value.parameter == parameter


def test_a_profile_the_network_cannot_serve_is_refused(make_scenario: ScenarioMaker) -> None:
    from helpers import LINKS

    folder = make_scenario({"links.csv": LINKS.replace("a,c,rail,,45,T1,test\n", "")})
    with pytest.raises(ArgumentError, match=r"^mode: "):
        explorer_data(Query(TravelTimes.for_scenario(folder)), modes=["rail"])


# ---- the page, as a file and in a notebook ----------------------------------------------------

def test_the_page_is_offline_and_embeds_minutes_once(four: Path) -> None:
    page = explore(Query(TravelTimes.for_scenario(four)), modes=["car", "rail"])
    loads = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]+)\"", page.html)
    assert loads == []
    assert page.html.count('"step":"') == 3  # one byte array a profile, none per budget
    assert page.html == explore(Query(TravelTimes.for_scenario(four)), modes=["car", "rail"]).html


def test_inline_in_a_notebook_the_page_is_an_iframe_srcdoc(four: Path, tmp_path: Path) -> None:
    page = explore(Query(TravelTimes.for_scenario(four)))
    shown = page._repr_html_()
    assert shown.startswith('<iframe srcdoc="') and shown.count("<") == 2  # the page is escaped inside
    assert html.unescape(shown.split('"')[1]) == page.html
    assert isinstance(page, ExplorerPage)
    assert page.save(tmp_path / "x.html").read_text(encoding="utf-8") == page.html


def test_explore_command_writes_the_page(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "e.html"
    status, printed, err = run(["explore", str(four), "--mode", "truck", "--mode", "rail", "--range", "1", "3",
                                "--step", "0.5", "--out", str(out)], capsys)
    assert status == 0, err
    assert "6 budgets from 1 to 4 h, truck, rail" in printed  # the scenario's 4 h is offered too
    assert '"hours":[1.0,1.5,2.0,2.5,3.0,4.0]' in out.read_text(encoding="utf-8")
    status, _, err = run(["explore", str(four), "--out", str(out)], capsys)
    assert status == 0, err  # its own earlier page is replaced


@pytest.mark.parametrize("args, message", [
    (["--range", "6", "1"], "--range: the start (6 h) is above the end (1 h)"),
    (["--step", "0.02"], "--step: 0.5 to 8 h every 0.02 h is more than 254 budgets"),
    (["--mode", "bus"], "'bus' is not one of 'truck', 'car', 'rail'"),
    (["--range", "1", "99"], "--range"),
    (["--tiles", "osm"], "--tiles: osm loads tiles from the network"),
])
def test_explore_command_errors_are_one_line(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str], message: str) -> None:
    out = tmp_path / "e.html"
    status, _, err = run(["explore", str(four), "--out", str(out), *args], capsys)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_explore_command_refuses_a_profile_without_links(make_scenario: ScenarioMaker, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import LINKS

    folder = make_scenario({"links.csv": LINKS.replace("a,c,rail,,45,T1,test\n", "")})
    status, _, err = run(["explore", str(folder), "--mode", "rail", "--out", str(tmp_path / "e.html")], capsys)
    assert status == 2 and err.startswith("hourcircle: error: --mode: ") and len(err.splitlines()) == 1
    assert not (tmp_path / "e.html").exists()


def test_explore_command_never_overwrites_a_file_it_did_not_write(four: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "notes.html"
    out.write_text("mine", encoding="utf-8")
    status, _, err = run(["explore", str(four), "--out", str(out)], capsys)
    assert status == 2 and "--out" in err
    assert out.read_text(encoding="utf-8") == "mine"


# ---- in the browser ---------------------------------------------------------------------------

def _summary(page: Page, kind: str) -> tuple[int, int, float, int]:
    text = page.locator(f"#hc-summary-{kind}").inner_text()
    match = SUMMARY.match(text)
    assert match, text
    return int(match[1]), int(match[2]), float(match[4]), int(match[5])


def _expected_summary(table: pd.DataFrame, hours: float) -> tuple[int, int, float, int]:
    return (int(table["complete"].sum()), len(table), hours, int((table["certainty"] == "marginal").sum()))


def _colour(row: pd.Series, hours: float) -> str:
    """A city's colour as the circle map draws it."""
    if row["complete"]:
        return GREEN
    return ORANGE if np.isfinite(row["hours_to_complete"]) and row["hours_to_complete"] <= hours + 1 else RED


def _set_hours(page: Page, hours: float) -> None:
    index = page.evaluate("(h) => window.hourcircle.explorer.hours.indexOf(h)", hours)
    assert index >= 0
    page.locator("#hc-budget").fill(str(index))
    assert page.locator(".hc-budget-value").inner_text() == f"{hours:g} h"


def _check_budget(page: Page, times: TravelTimes, hours: float, mode: str = "truck") -> None:
    """The page's summary lines and every city's colour and outline against the analysis."""
    table = circles(coverage(Query(times, hours=hours, mode=mode)))  # type: ignore[arg-type]
    plants, places = table[table["kind"] == "plant"], table[table["kind"] == "place"]
    assert _summary(page, "plants") == _expected_summary(plants, hours)
    assert _summary(page, "places") == _expected_summary(places, hours)
    drawn = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('path.hc-place')].map(
        p => [p.getAttribute('data-id'), [p.getAttribute('fill'), p.getAttribute('stroke')]]))""")
    assert set(drawn) == set(places.index)
    for place, row in places.iterrows():
        stroke = MARGINAL if row["certainty"] == "marginal" else "#333"
        assert drawn[place] == [_colour(row, hours), stroke], (place, hours, mode)


@pytest.fixture(scope="module")
def bundled_explorer(bundled_run: BundledRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(explorer_page(explorer_data(bundled_run.results, modes=["car"])), encoding="utf-8")
    return path


def test_slider_recomputes_summary_and_colours(browser: Browser, bundled_explorer: Path,  # noqa: F811
                                               bundled_run: BundledRun) -> None:
    times = bundled_run.results.query.times
    visit = Visit(browser, bundled_explorer)
    page = visit.page
    _check_budget(page, times, 4.0)  # as it opens: the run's budget
    for hours in (2.0, 6.0, 4.0):
        _set_hours(page, hours)
        _check_budget(page, times, hours)
    page.locator(".hc-modes input[value=car]").check()
    _check_budget(page, times, 4.0, "car")
    _set_hours(page, 2.0)
    _check_budget(page, times, 2.0, "car")
    assert visit.errors == [] and visit.requests == [] and visit.dialogs == []
    page.close()


def test_the_slider_answers_the_keyboard(browser: Browser, bundled_explorer: Path) -> None:  # noqa: F811
    visit = Visit(browser, bundled_explorer)
    page = visit.page
    page.locator("#hc-budget").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator(".hc-budget-value").inner_text() == "4.25 h"
    assert page.locator("#hc-budget").get_attribute("aria-valuetext") == "4.25 h"
    assert "within 4.25 h" in page.locator("#hc-summary-plants").inner_text()
    labels = page.evaluate("""() => [...document.querySelectorAll('.hc-explorer input, .hc-explorer select')]
        .map(e => e.labels.length)""")
    assert labels and all(count >= 1 for count in labels)  # every control has a label
    page.close()


def test_picking_a_plant_shows_its_circle(browser: Browser, bundled_explorer: Path,  # noqa: F811
                                         bundled_run: BundledRun) -> None:
    results = bundled_run.results
    times, scenario = results.query.times, results.query.scenario
    visit = Visit(browser, bundled_explorer)
    page = visit.page
    _set_hours(page, 2.0)
    plant = "nio_hefei_f1"
    assert plant in results.plants.index
    page.locator("#hc-search").fill(str(scenario.sites.loc[plant, "name"]))
    assert page.locator("#hc-pick option").count() == 1
    page.locator("#hc-pick").select_option(index=0)
    found = coverage(Query(times, hours=2.0)).pairs.set_index("origin").loc[plant]
    rows = page.locator(".hc-circle tbody tr")
    assert rows.count() == len(scenario.product.components)
    for i, (_, pair) in enumerate(found.iterrows()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        nearest = scenario.sites.loc[pair["nearest_site"], "name"]
        assert cells[0].startswith(pair["category"]) and cells[1].startswith(str(nearest))
        assert abs(float(cells[2]) - pair["minutes"]) <= 0.5
        assert int(cells[3]) == pair["alternatives"]
        assert cells[4].split()[0] == pair["certainty"]
    summary = circles(coverage(Query(times, hours=2.0))).loc[plant]
    facts = page.locator(".hc-facts").inner_text()
    assert f"{summary['hours_to_complete']:.2f}" in facts
    assert ("yes 是" if summary["complete"] else "no 否") in facts
    assert page.locator("path.hc-link").count() == len(scenario.product.components)  # the connections
    assert page.locator("path.hc-nearest").count() == len(scenario.product.components)
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_a_plant_beyond_the_budget_shows_what_it_lacks(browser: Browser, bundled_explorer: Path,  # noqa: F811
                                                       bundled_run: BundledRun) -> None:
    """Leapmotor Jinhua at 3 h: its slowest component lies beyond (dashed line, row marked); a screenshot."""
    times = bundled_run.results.query.times
    visit = Visit(browser, bundled_explorer)
    page = visit.page
    _set_hours(page, 3.0)
    page.locator("#hc-search").fill("leapmotor")
    page.locator("#hc-search").press("Enter")
    summary = circles(coverage(Query(times, hours=3.0))).loc["leapmotor_jinhua"]
    assert not summary["complete"]
    beyond = page.locator(".hc-circle tbody tr.hc-beyond td:first-child").all_inner_texts()
    assert [text.split()[0] for text in beyond] == summary["missing"].split(", ")
    assert page.locator("path.hc-link[stroke-dasharray]").count() == len(beyond)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "explorer.png"))  # README's docs/explorer.png
    assert (SCREENSHOTS / "explorer.png").stat().st_size > 10_000
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_a_category_checkbox_filters_its_layer(browser: Browser, bundled_explorer: Path) -> None:  # noqa: F811
    scenario = pd.read_csv(datasets.bundled() / "sites.csv")
    batteries = int((scenario["category"] == "battery").sum())
    visit = Visit(browser, bundled_explorer)
    page = visit.page
    assert page.locator("path.hc-site").count() == len(scenario)
    box = page.locator(".hc-filters label", has_text="battery").locator("input")
    box.press("Space")  # by keyboard
    assert not box.is_checked()
    assert page.locator("path.hc-site").count() == len(scenario) - batteries
    box.check()
    assert page.locator("path.hc-site").count() == len(scenario)
    page.locator(".hc-filters input[value='']").uncheck()
    assert page.locator("path.hc-place").count() == 0
    assert visit.errors == [] and visit.requests == []
    page.close()


def test_every_text_is_shown_as_text(browser: Browser, make_scenario: ScenarioMaker,  # noqa: F811
                                     tmp_path: Path) -> None:
    times = TravelTimes.for_scenario(_hostile_scenario(make_scenario))
    page_html = explore(Query(times), modes=["rail"]).html
    assert "<script>window.pwned" not in page_html and "<img src=x" not in page_html
    path = tmp_path / "explorer.html"
    path.write_text(page_html, encoding="utf-8")
    visit = Visit(browser, path)
    page = visit.page
    assert page.title().startswith(HOSTILE)
    page.locator("#hc-search").fill("pwned")
    assert page.locator("#hc-pick option").count() >= 2  # the place and the plant named so
    page.locator("#hc-search").press("Enter")
    page.evaluate("""() => document.querySelectorAll('path.leaflet-interactive').forEach(
        p => p.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))""")
    shown = " ".join(page.locator(".leaflet-tooltip, .hc-legend, .hc-title, .hc-explorer").all_text_contents())
    assert shown.count(HOSTILE) >= 4  # title, picker, detail heading, tooltip, category label
    assert page.evaluate("() => window.pwned") is None
    assert page.locator('img[src="x"]').count() == 0 and visit.dialogs == [] and visit.errors == []
    page.close()


def test_the_national_explorer_matches_the_analysis(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    """The numbers on the national network; the page's size and speed are the benchmark's
    (``benchmarks/bench_explorer.py``), so the roads are left out here (they take seconds to merge)."""
    times = TravelTimes.for_scenario(datasets.locate("china"))
    data = explorer_data(Query(times))
    unroaded = dataclasses.replace(data.drawing, roads=None, links=data.drawing.links.iloc[:0])
    path = tmp_path / "china.html"
    path.write_text(explorer_page(dataclasses.replace(data, drawing=unroaded)), encoding="utf-8")
    visit = Visit(browser, path)
    for hours in (2.0, 4.0, 6.0):
        _set_hours(visit.page, hours)
        _check_budget(visit.page, times, hours)
    assert visit.errors == [] and visit.requests == []
    visit.page.close()
