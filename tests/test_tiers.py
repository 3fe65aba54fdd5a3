"""Tiers of the bill of materials, on the hand-checkable fixture of tests/data/tiers.

Five cities on a line, 60 km apart, 1 km a minute by truck (so minutes are km):

    A --60-- B --60-- C --60-- D --60-- E        A, B in East; C, D, E in West

Plants at A and E need battery and chips within 150 min; a battery site needs cathode and
separator within 90 min. Sites: cells at B and D, chips at C, cathode at A and C, separator at A.

- cells_b: cathode at A and C (60 each, 2 alternatives), separator at A (60): complete.
- cells_d: cathode at C (60, sole), separator at A (180 > 90): incomplete.
- plant_a: battery cells_b (60, complete), chips 120: chain-complete.
- plant_e: battery only cells_d (60; cells_b is 180 away): chain broken at tier 2.
- Stages (battery, chips, cathode, separator) within 150 min: E and D lack separator (180,
  240), weighted share with separator weight 2: 3 of 5 = 60%.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import run

from hourcircle import Query, TravelTimes, load_scenario
from hourcircle.analysis.chains import chains, sole_sources, tier_concentration, tier_links
from hourcircle.analysis.tier_results import analyse_tiers, chain_disruption
from hourcircle.analysis.tiers import Tiers, site_circles, tier_circles
from hourcircle.errors import InputError

FIXTURE = Path(__file__).parent / "data" / "tiers"


@pytest.fixture(scope="module")
def tiers() -> Tiers:
    return Tiers.of(Query(TravelTimes.for_scenario(load_scenario(FIXTURE))))


def test_the_product_knows_its_tiers() -> None:
    product = load_scenario(FIXTURE).product
    assert product.stages == ("battery", "chips", "cathode", "separator")
    assert product.all_categories == ("assembly", "battery", "chips", "cathode", "separator")
    assert (product.tier("cathode"), product.tier("chips"), product.tier("assembly")) == (2, 1, 0)
    assert product.budget_hours("battery", 2.5) == 1.5 and product.weight("separator") == 2.0
    assert "tiers: battery needs cathode, separator within 1.5 h" in load_scenario(FIXTURE).summary()


def test_tier_circles_by_hand(tiers: Tiers) -> None:
    pairs = tier_circles(tiers).set_index(["site", "input"])
    assert pairs.loc[("cells_b", "cathode"), ["minutes", "alternatives", "within"]].tolist() == [60.0, 2, True]
    assert pairs.loc[("cells_b", "cathode"), "provinces"] == "East, West"
    assert pairs.loc[("cells_d", "cathode"), ["nearest_site", "alternatives"]].tolist() == ["cath_c", 1]
    assert pairs.loc[("cells_d", "separator"), ["minutes", "alternatives", "within"]].tolist() == [180.0, 0, False]
    assert (pairs["budget_hours"] == 1.5).all() and (pairs["certainty"] == "robust").all()  # 60 * 1.4 < 90
    sites = site_circles(tiers)
    assert sites.loc["cells_b", ["complete", "chain_complete", "hours_to_complete"]].tolist() == [True, True, 1.0]
    assert sites.loc["cells_d", ["covered", "inputs", "missing"]].tolist() == [1, 2, "separator"]


def test_chains_and_stages_by_hand(tiers: Tiers) -> None:
    table = chains(tiers)
    assert table["chain_complete"].to_dict() == {"plant_a": True, "plant_e": False, "a": True, "b": True,
                                                 "c": True, "d": True, "e": False}
    assert table.loc["plant_e", "weakest_tier"] == 2 and pd_na(table.loc["plant_a", "weakest_tier"])
    assert table.loc["plant_e", "broken"] == "battery: cells_d lacks separator"
    assert table.loc["e", ["present", "stages", "missing_stages"]].tolist() == [3, 4, "separator"]
    assert table.loc["e", "stage_share"] == pytest.approx(3 / 5)  # weights 1, 1, 1 and separator 2
    assert table.loc["c", "stage_share"] == 1.0


def pd_na(value: object) -> bool:
    return value is None or value is np.nan or str(value) == "<NA>"


def test_the_weakest_tier_is_one_when_a_component_is_out_of_reach(tmp_path: Path) -> None:
    folder = tmp_path / "short"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace("budget_hours = 2.5", "budget_hours = 1.5"))
    table = chains(Tiers.of(Query(TravelTimes.for_scenario(load_scenario(folder)))))
    assert table.loc["plant_a", "weakest_tier"] == 1  # chips at C: 120 min > 90
    assert table.loc["plant_a", "broken"] == "chips (none within the budget)"


def test_missing_links_below_tier_one(tiers: Tiers) -> None:
    links = tier_links(tiers)
    # a separator within 90 min of D (at C, D or E) completes cells_d, so plant_e's chain and E's
    assert links[["input", "place_id"]].to_numpy().tolist() == [["separator", "c"], ["separator", "d"],
                                                                ["separator", "e"]]
    assert (links[["completes_plants", "completes_places", "completes_circles", "covers_sites"]] == 1).all().all()


def test_concentration_and_sole_sources(tiers: Tiers) -> None:
    ranked = tier_concentration(tiers)
    assert ranked.index[0] == "sep_a"
    assert ranked.loc["sep_a", ["circles_broken", "plants_broken", "places_broken"]].tolist() == [1, 1, 4]
    assert ranked.loc["cath_c", ["serves", "sole_source_for", "plants_broken"]].tolist() == [2, 1, 0]
    sole = sole_sources(tiers)
    assert sole.loc["separator", ["sites", "one_province", "needed_by", "sole_sourced", "unsupplied"]].tolist() == \
        [1, "East", 2, 1, 1]
    assert sole.loc["cathode", ["provinces", "one_province", "sole_sourced", "one_province_within"]].tolist() == \
        [2, "", 1, 1]


def test_a_removal_breaks_chains() -> None:
    query = Query(TravelTimes.for_scenario(load_scenario(FIXTURE)))
    table = chain_disruption(query, ["sep_a"]).set_index("plant")
    assert table.loc["plant_a", ["before_chain_complete", "after_chain_complete", "chain_lost"]].tolist() == \
        [True, False, True]
    assert table.loc["plant_a", "stages_lost"] == 1 and not table.loc["plant_e", "chain_lost"]


def test_a_scenario_without_tiers_has_one_tier(four: Path) -> None:
    found = analyse_tiers(Query(TravelTimes.for_scenario(load_scenario(four))))
    assert found.pairs.empty and found.sites.empty and found.links.empty and found.concentration.empty
    assert found.chains.loc["plant_a", "chain_complete"]  # the circle is the chain
    assert found.chains.loc["plant_a", "stages"] == 3


@pytest.mark.parametrize(("inputs", "expected"), [
    ('battery = ["cathode"]\ncathode = ["battery"]', "key product.inputs.cathode: makes a cycle "
                                                     "(battery -> cathode -> battery)"),
    ('battery = ["battery"]', "key product.inputs.battery: makes a cycle (battery -> battery)"),
    ('wafer = ["silicon"]', "key product.inputs.wafer: 'wafer' is neither a category of the product"),
    ('battery = []', "key product.inputs.battery: must be a non-empty list"),
    ('battery = "cathode"', "key product.inputs.battery: must be a non-empty list"),
    ('battery = ["cathode", "cathode"]', "key product.inputs.battery: lists cathode more than once"),
    ('battery = ["assembly"]', "key product.inputs.battery: lists the plant category 'assembly'"),
    ('assembly = ["cathode"]', "key product.inputs.assembly: the plant's own category cannot have inputs"),
])
def test_bad_tiers_are_named_by_key(tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: str,
                                    expected: str) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    text = toml.read_text()
    text = text.replace('battery = ["cathode", "separator"]', inputs).replace("[product.budgets]\nbattery = 1.5\n", "")
    toml.write_text(text.replace("weights = { separator = 2 }\n", ""))
    status, _, err = run(["validate", str(folder)], capsys)
    assert status == 2 and "Traceback" not in err
    assert any(expected in line for line in err.splitlines()), err
    assert all(line.startswith("hourcircle: error: ") for line in err.splitlines())


def test_every_tier_problem_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace("battery = 1.5", "battery = -1\nchips = 2").replace(
        'battery = ["cathode", "separator"]', 'battery = ["cathode", "separator"]\nwafer = ["x"]'))
    with pytest.raises(InputError) as caught:
        load_scenario(folder)
    lines = caught.value.lines
    assert any("product.budgets.battery: must be a number of hours" in line for line in lines)
    assert any("product.budgets.chips: 'chips' has no inputs" in line for line in lines)
    assert any("product.inputs.wafer" in line for line in lines)


def test_sites_of_an_undeclared_input_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace('["cathode", "separator"]', '["cathode"]').replace(
        "weights = { separator = 2 }\n", ""))
    with pytest.raises(InputError) as caught:
        load_scenario(folder)
    assert any("sites.csv, row 9, column category: unknown category" in line and "'separator'" in line
               for line in caught.value.lines)


def test_an_empty_inputs_table_changes_no_output_byte(four: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with_table = tmp_path / "with"
    shutil.copytree(four, with_table)
    toml = with_table / "scenario.toml"
    toml.write_text(toml.read_text().replace("[travel.truck]", "[product.inputs]\n\n[product.budgets]\n\n"
                                                               "[travel.truck]"))
    outputs = []
    for folder in (four, with_table):
        out = tmp_path / f"out-{folder.name}"
        status, _, err = run(["run", str(folder), "--out", str(out), "--offline"], capsys)
        assert status == 0, err
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")})
    assert outputs[0].keys() == outputs[1].keys()
    assert "chain_completeness.csv" not in outputs[0]
    for name in outputs[0]:
        if name != "map.html":  # the map names the scenario's folder nowhere, but check it all the same
            assert outputs[0][name] == outputs[1][name], name
    assert outputs[0]["map.html"] == outputs[1]["map.html"]


def test_the_run_writes_tier_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    status, stdout, err = run(["run", str(FIXTURE), "--out", str(out), "--offline", "--remove", "sep_a"], capsys)
    assert status == 0, err
    for name in ("tier_circles.csv", "tier_sites.csv", "chain_completeness.csv", "tier_missing_links.csv",
                 "tier_concentration.csv", "sole_sources.csv", "chain_disruption.csv"):
        assert (out / name).exists(), name
    report = (out / "report.md").read_text()
    assert "## Chain completeness" in report and "## Tier-2 concentration" in report
    assert "Chains through the tiers: 1 of 2 plants are chain-complete" in stdout  # plain text on the terminal
    assert "Epsilon 3 of 4 (60%, lacks separator)" in stdout
    assert "losing Separator A (sep_a, separator, a) breaks 1 plant chain, 1 tier circle" in stdout
    assert "Removing sep_a: every plant reaches the same suppliers of its components" in stdout


def test_chain_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["chain", "Epsilon", "--scenario", str(FIXTURE)], capsys)
    assert status == 0, err
    assert "e (Epsilon): 3 of 4 stages within 2.5 h (weighted 60%)" in out
    assert "missing: separator" in out
    assert "chain broken at tier 2: battery: cells_d lacks separator" in out
    status, out, err = run(["chain", "cells_d", "--scenario", str(FIXTURE)], capsys)
    assert status == 0, err
    assert "separator" in out and "180" in out
    status, _, err = run(["chain", "nowhere", "--scenario", str(FIXTURE)], capsys)
    assert status == 2 and "Traceback" not in err


def test_disrupt_and_reach_speak_of_tiers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["disrupt", "--remove", "sep_a", "--scenario", str(FIXTURE)], capsys)
    assert status == 0, err
    assert "1 plant chains broken through the tiers; 1 plant-stages lost" in out
    assert "battery: cells_b lacks separator" in out
    status, out, err = run(["disrupt", "--sweep", "--scenario", str(FIXTURE)], capsys)
    assert status == 0, err
    ranking = out.split("input sites by the chains their loss breaks")[1].splitlines()
    assert ranking[3].split()[:2] == ["sep_a", "separator"]
    status, out, err = run(["reach", "e", "--scenario", str(FIXTURE)], capsys)
    assert status == 0, err
    assert "\ncathode (tier 2): 1\n" in out and "\nbattery: 1\n" in out
    assert "chain broken at tier 2: battery: cells_d lacks separator" in out


def test_the_map_draws_tier_sites_with_their_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    status, _, err = run(["run", str(FIXTURE), "--out", str(out), "--offline"], capsys)
    assert status == 0, err
    page = (out / "map.html").read_text()
    assert "tier 2 · cathode" in page and "tier 2 · separator" in page  # layers and legend
    assert '"chains":{"mode":"truck"' in page and "Chain 全链" in page  # the chain view (test_explorer_sites.py)
    assert '"dash": "2 2"' in page or '"dash":"2 2"' in page


@pytest.mark.parametrize(("name", "at_least"), [("yrd", 30), ("china", 80)])
def test_the_bundled_tier_two_sites(name: str, at_least: int) -> None:
    import pandas as pd

    from hourcircle import datasets

    folder = datasets.locate(name)
    scenario = load_scenario(folder)
    product = scenario.product
    assert product.inputs_of("battery") == ("cathode", "anode", "separator", "electrolyte", "copper_foil")
    tier_two = scenario.sites[scenario.sites["category"].map(product.tier) >= 2]
    assert len(tier_two) >= at_least
    assert set(tier_two["category"]) == {"cathode", "anode", "separator", "electrolyte", "copper_foil",
                                         "lithium_salt"}
    assert (tier_two["precision"] == "city").all()  # no source places a materials plant's gate
    assert tier_two["source"].str.startswith("http").all()
    evidence = pd.read_csv(folder / "site_evidence.csv").set_index("site_id")
    assert tier_two.index.isin(evidence.index).all()
    assert evidence.loc[tier_two.index, "evidence"].str.len().min() > 20
    left_out = {("anode", "changzhou", "Tianmu"), ("cathode", "changsha", "Changyuan")}  # VERIFY.md, 3.4
    assert not any(c == cat and p == place and firm in str(company)
                   for cat, place, firm in left_out
                   for c, p, company in zip(tier_two["category"], tier_two["place_id"], tier_two["company"],
                                            strict=True))


def _delta_without_tiers(folder: Path, empty_table: bool) -> Path:
    """The bundled delta as it was before tiers: its tier sections and tier-two sites taken out."""
    import re

    import pandas as pd

    from hourcircle import datasets

    shutil.copytree(datasets.bundled(), folder)
    toml = folder / "scenario.toml"
    text = re.sub(r"\n# Tier two.*?(?=\n\[roads\])", "\n", toml.read_text(), flags=re.S)
    toml.write_text(text.replace("[roads]", "[product.inputs]\n\n[roads]") if empty_table else text)
    sites = pd.read_csv(folder / "sites.csv", dtype=str, keep_default_na=False)
    tier_one = sites[~sites["category"].isin(["cathode", "anode", "separator", "electrolyte", "copper_foil",
                                              "lithium_salt"])]
    (folder / "sites.csv").write_text(tier_one.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return folder


def test_the_delta_with_an_empty_inputs_table_is_the_delta_without(tmp_path: Path) -> None:
    from hourcircle.analysis.run import analyse
    from hourcircle.maps import circle_map
    from hourcircle.output.assemble import render

    files = []
    for empty in (False, True):
        scenario = load_scenario(_delta_without_tiers(tmp_path / f"delta-{empty}", empty))
        assert not scenario.product.tiered and len(scenario.sites) == 93
        results = analyse(Query(TravelTimes.for_scenario(scenario)), kinds=("infrastructure", "supplier"))
        files.append(render(results, {"map.html": circle_map(results)}))
    assert files[0].keys() == files[1].keys() and "chain_completeness.csv" not in files[0]
    assert all(files[0][name] == files[1][name] for name in files[0])


def test_a_third_tier(tmp_path: Path) -> None:
    """Cathode needs lithium within 1 h; the only lithium site is at E, 120 min from C and 240 from A.

    Both cathode sites lack lithium, so cells_b's circle is complete but not its chain, and
    plant_a's chain breaks at tier 3. Lithium at B (60 min from A and C) would mend both.
    """
    folder = tmp_path / "three"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace('battery = ["cathode", "separator"]',
                                             'battery = ["cathode", "separator"]\ncathode = ["lithium"]')
                    .replace("battery = 1.5", "battery = 1.5\ncathode = 1.0"))
    with (folder / "sites.csv").open("a") as handle:
        handle.write("lith_e,Lithium E,LiCo,lithium,e,30.0,122.0,city,test\n")
    tiers = Tiers.of(Query(TravelTimes.for_scenario(load_scenario(folder))))
    assert tiers.query.scenario.product.tier("lithium") == 3 and tiers.order == ("cathode", "battery")
    sites = site_circles(tiers)
    assert sites.loc["cells_b", ["complete", "chain_complete"]].tolist() == [True, False]
    assert sites.loc["cath_c", ["complete", "missing"]].tolist() == [False, "lithium"]
    table = chains(tiers)
    assert table.loc["plant_a", ["chain_complete", "weakest_tier"]].tolist() == [False, 3]
    assert table.loc["plant_a", "broken"] == "battery: cells_b lacks a deeper tier"
    assert table.loc["a", ["present", "stages"]].tolist() == [4, 5]  # lithium is 240 min from A
    links = tier_links(tiers).set_index(["input", "place_id"])
    assert links.loc[("lithium", "b"), ["completes_plants", "completes_circles"]].tolist() == [1, 3]
