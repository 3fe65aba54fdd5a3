"""What the explorer carries of the tiers: every tier circle's nearest input and each supplier's chain.

A picked plant's chain view (``explorer_chains.js``) shows, for each component, its nearest
supplier and whether that supplier has its own inputs within its tier's budget, tier by tier,
and whether the plant's chain is complete (some chain-complete supplier of each component
within the budget). The nearest input and its minutes do not depend on a budget
(:func:`~hourcircle.analysis.tiers.tier_circles`), so the page recomputes the rows at every
budget; whether a supplier is chain-complete does not either when the scenario fixes every
tier's budget (``[product.budgets]``): then the verdict is live too, else it holds at the
run's budget alone and the panel says so.

Examples
--------
>>> from hourcircle import Query, TravelTimes, datasets
>>> from hourcircle.analysis.explore import explorer_data
>>> chains = chain_data(explorer_data(Query(TravelTimes.for_scenario(datasets.bundled()))))
>>> chains["live"], chains["budgets"], chains["inputs"]["cathode"]
(True, {'battery': 4.0, 'cathode': 4.0}, ['lithium_salt'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hourcircle.analysis.explore import ExplorerData
from hourcircle.analysis.tiers import tier_circles
from hourcircle.maps.builders import category_label

CHAIN_TEXT = {
    "chain": "Chain 全链", "stage": "Stage 环节", "nearest": "Nearest 最近供应商", "minutes": "Minutes 分钟",
    "within": "Within 预算内", "complete": "Chain complete 全链完整", "yes": "yes 是", "no": "no 否",
    "budgets": "tier budgets 各级预算",
    "lacking": "no chain-complete supplier within the budget 预算内无全链完整供应商",
    "runOnly": "the verdict holds at the run's budget of {h} h only 仅适用于运行预算 {h} 小时",
    "otherMode": "the chain is computed by {m} alone: switch the profile to {m} 全链仅按 {m} 计算",
}


def chain_data(data: ExplorerData) -> dict[str, Any] | None:
    """The page's chain data, JSON-ready; None when the product has no tiers.

    Parameters
    ----------
    data : ExplorerData
        The explorer's minutes, with its ``tiers``.

    Returns
    -------
    dict or None
        ``mode`` and ``hours`` the tiers were searched for; ``inputs`` and ``budgets`` (hours,
        None for the slider's) of each category with inputs; ``circles``: by origin position
        (a site with inputs), ``[input, position of its nearest supplier (-1: none), minutes
        (None: none reachable)]`` rows; ``complete``: per supplier of a component (in
        ``data.suppliers``' order), 1 when chain-complete; ``live`` (the verdict holds at every
        budget); ``labels`` of every stage and ``text``.
    """
    tiers = data.tiers
    if tiers is None or not tiers.product_inputs:
        return None
    product = tiers.query.scenario.product
    position = {origin: i for i, origin in enumerate(data.origins.index)}
    pairs = tier_circles(tiers)
    circles: dict[str, list[list[Any]]] = {}
    for site, needed, nearest, minutes in zip(pairs["site"], pairs["input"], pairs["nearest_site"],
                                              pairs["minutes"], strict=True):
        found = nearest is not None and np.isfinite(minutes)
        circles.setdefault(str(position[site]), []).append(
            [str(needed), position[nearest] if found else -1, round(float(minutes), 3) if found else None])
    fixed = dict(product.budgets)
    budgets = {category: fixed.get(category) for category, _ in product.inputs}
    complete = tiers.complete
    return {"mode": tiers.query.mode, "hours": tiers.query.hours,
            "inputs": {category: list(needs) for category, needs in product.inputs}, "budgets": budgets,
            "circles": circles, "complete": [int(bool(complete.get(s, True))) for s in data.suppliers],
            "live": all(b is not None for b in budgets.values()),
            "labels": {stage: category_label(stage) for stage in product.stages}, "text": CHAIN_TEXT}
