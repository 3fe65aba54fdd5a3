"""Benchmark the disruption sweep against naive remove-and-recompute, over every link.

Scenario: 2,000 random places over the Yangtze River Delta (lat 27.5-35, lon 115.5-122.5),
roads inferred (Gabriel graph, as for a scenario without links.csv); 40 plants and 400
suppliers in four categories at random places; budget 4 h by truck.

- sweep: ``hourcircle.analysis.criticality.sweep(kinds=("link",))`` over every road link;
- naive: for each link, rebuild the engine without it, search again from every plant and
  take the nearest supplier per category (the lean core of ``disrupt``, no tables).

The naive loop is timed on a random sample of links (it is slow on all of them) and compared
per link; its answers are checked against the sweep's on that sample. Timings are medians
of repeated runs. The last line is ``ratio_sweep_per_link=<naive / sweep>``.

Run: .venv/bin/python benchmarks/bench_sweep.py [--places 2000] [--sample 150] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hourcircle.analysis.criticality import sweep
from hourcircle.engine import Engine
from hourcircle.travel.query import Query
from hourcircle.travel.times import TravelTimes

CATEGORIES = ["battery", "chips", "software", "e_motor"]


def write_scenario(folder: Path, n_places: int, n_plants: int, n_suppliers: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(27.5, 35.0, n_places), rng.uniform(115.5, 122.5, n_places)
    places = pd.DataFrame({"place_id": [f"p{i}" for i in range(n_places)], "name": [f"P{i}" for i in range(n_places)],
                           "name_zh": [f"地{i}" for i in range(n_places)], "province": "X",
                           "lat": lat.round(5), "lon": lon.round(5)})
    where = rng.integers(0, n_places, n_plants + n_suppliers)
    category = ["assembly"] * n_plants + [CATEGORIES[i % len(CATEGORIES)] for i in range(n_suppliers)]
    sites = pd.DataFrame({"site_id": [f"s{i}" for i in range(len(where))], "name": [f"S{i}" for i in range(len(where))],
                          "company": "Co", "category": category, "place_id": [f"p{i}" for i in where],
                          "lat": lat[where].round(5), "lon": lon[where].round(5)})
    places.to_csv(folder / "places.csv", index=False)
    sites.to_csv(folder / "sites.csv", index=False)
    (folder / "scenario.toml").write_text(
        '[scenario]\nname = "synthetic"\nbudget_hours = 4.0\n\n[product]\nname = "x"\n'
        f'plant_category = "assembly"\ncategories = {CATEGORIES!r}\n'.replace("'", '"'), encoding="utf-8")


def naive(times: TravelTimes, links: list[str]) -> list[tuple[int, float]]:
    """Pairs broken and minutes added per link, rebuilding the engine and searching from every plant each time."""
    query = Query(times)
    ids = times.node_ids
    edges = times.network.edges.dropna(subset=["minutes_truck"])
    u, v = ids.get_indexer(pd.Index(edges["u"])), ids.get_indexer(pd.Index(edges["v"]))
    w = edges["minutes_truck"].to_numpy()
    plant_pos = ids.get_indexer(query.plants.index)
    sites = query.suppliers
    columns = [ids.get_indexer(sites.index[sites["category"] == c]) for c in CATEGORIES]
    budget = query.budget_minutes

    def nearest(engine: Engine) -> np.ndarray:
        dist = engine.minutes_from_many(plant_pos)
        return np.column_stack([times.scenario.travel.trip_minutes("truck", dist[:, c].min(axis=1)) for c in columns])

    before = nearest(times.engine("truck"))
    broken = []
    link_ids = edges["link"].to_numpy()
    for link in links:
        keep = link_ids != link
        after = nearest(Engine(u[keep], v[keep], w[keep], len(ids)))
        both = np.isfinite(before) & np.isfinite(after)
        broken.append((int(((before <= budget) & ~(after <= budget)).sum()), float((after - before)[both].sum())))
    return broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_scenario(Path(folder), args.places, 40, 400)
        times = TravelTimes.for_scenario(folder)
        times.engine("truck")
    n_links = int(times.network.edges["link"].notna().sum())
    print(f"{args.places} places, {len(times.node_ids)} nodes, {n_links} links, 40 plants, 400 suppliers")

    sweep_times, naive_times = [], []
    ranking = pd.DataFrame()
    rng = np.random.default_rng(3)
    sample = sorted(rng.choice(times.network.edges["link"].dropna().to_numpy(), args.sample, replace=False))
    for _ in range(args.repeats):
        start = time.perf_counter()
        ranking = sweep(Query(times), kinds=("link",))
        sweep_times.append((time.perf_counter() - start) / n_links)
        start = time.perf_counter()
        broken = naive(times, sample)
        naive_times.append((time.perf_counter() - start) / len(sample))
    expected = ranking.set_index("id").loc[sample, ["pairs_cut_off", "pairs_over_budget", "minutes_added"]]
    pairs_broken = expected["pairs_cut_off"] + expected["pairs_over_budget"]
    assert [b for b, _ in broken] == pairs_broken.tolist(), "sweep and naive recompute disagree"
    assert np.allclose([m for _, m in broken], expected["minutes_added"], atol=1e-6), "minutes added disagree"
    rerouted = ranking["plants_rerouted"]
    sweep_ms, naive_ms = statistics.median(sweep_times) * 1e3, statistics.median(naive_times) * 1e3
    print(f"sweep: {sweep_ms:.2f} ms per link ({sweep_ms * n_links / 1e3:.1f} s for all {n_links}); "
          f"plants searched again per link: median {rerouted.median():.0f}, mean {rerouted.mean():.1f} of 40")
    print(f"naive: {naive_ms:.2f} ms per link (sample of {len(sample)}; {naive_ms * n_links / 1e3:.0f} s for all)")
    print(f"answers agree on the sample: {len(sample)} links, {sum(b for b, _ in broken)} plant-component pairs "
          f"broken, {sum(m for _, m in broken):.0f} minutes added")
    print(f"ratio_sweep_per_link={naive_ms / sweep_ms:.1f}")


if __name__ == "__main__":
    main()
