"""The tiers of a bill of materials: ``[product.inputs]`` and ``[product.budgets]``, checked.

A category may have inputs of its own, each a category that a site of it needs within its own
budget (``battery = ["cathode", "anode"]``); a budget per category with inputs is optional.
The tiers must form a tree or a DAG: every category with inputs is in the bill (a component, or
an input of one), no input is the plant's own category or its own ancestor, and a budget
belongs to a category with inputs. Every problem is named by its key, one line each.

Examples
--------
>>> section = {"categories": ["battery"], "plant_category": "assembly",
...            "inputs": {"battery": ["cathode"], "cathode": ["battery"]}}
>>> [str(p) for p in tier_problems(section, "scenario.toml")]
['scenario.toml, key product.inputs.cathode: makes a cycle (battery -> cathode -> battery); tiers must not loop']
>>> tiers({"inputs": {"battery": ["cathode", "anode"]}, "budgets": {"battery": 3}})
((('battery', ('cathode', 'anode')),), (('battery', 3.0),))
"""

from __future__ import annotations

from typing import Any

from hourcircle.config import MAX_HOURS, MIN_HOURS
from hourcircle.errors import Problem


def _table(section: object, key: str) -> dict[str, Any]:
    """``[product.<key>]`` when it is a table (a malformed one is reported with the document)."""
    value = section.get(key) if isinstance(section, dict) else None
    return value if isinstance(value, dict) else {}


def input_names(section: object) -> list[str]:
    """Every category named as an input, once, in the order given.

    Parameters
    ----------
    section : object
        ``[product]`` as read.

    Returns
    -------
    list of str
        The input categories (text entries only).
    """
    lists = [v for v in _table(section, "inputs").values() if isinstance(v, list)]
    return list(dict.fromkeys(i for values in lists for i in values if isinstance(i, str)))


def tier_problems(section: object, label: str) -> list[Problem]:
    """Every problem with ``[product.inputs]`` and ``[product.budgets]``.

    Parameters
    ----------
    section : object
        ``[product]`` as read.
    label : str
        The file, as messages name it.

    Returns
    -------
    list of Problem
        One per bad key.
    """
    inputs = _table(section, "inputs")
    given = section.get("categories") if isinstance(section, dict) else None
    components = [c for c in given if isinstance(c, str)] if isinstance(given, list) else []
    plant = section.get("plant_category") if isinstance(section, dict) else None
    known = set(components) | set(input_names(section))
    problems = []
    for category, values in inputs.items():
        key = f"product.inputs.{category}"
        if category == plant:
            problems.append(Problem(label, "the plant's own category cannot have inputs (list them as "
                                           "categories of the product)", key=key))
        elif category not in known:
            problems.append(Problem(label, f"{category!r} is neither a category of the product nor an input "
                                           "of one", key=key))
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            problems.append(Problem(label, f"must be a non-empty list of category names (got {values!r:.40})",
                                    key=key))
            continue
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            problems.append(Problem(label, f"lists {', '.join(repeated)} more than once", key=key))
        if plant in values:
            problems.append(Problem(label, f"lists the plant category {plant!r} as an input", key=key))
    problems += _cycle_problems(inputs, label)
    for category, hours in _table(section, "budgets").items():
        key = f"product.budgets.{category}"
        if category not in inputs:
            problems.append(Problem(label, f"{category!r} has no inputs in [product.inputs], so no budget of "
                                           "its own", key=key))
        elif not isinstance(hours, int | float) or isinstance(hours, bool) or not MIN_HOURS <= hours <= MAX_HOURS:
            problems.append(Problem(label, f"must be a number of hours from a minute ({MIN_HOURS:.4f}) to "
                                           f"{MAX_HOURS:g} (got {hours!r:.40})", key=key))
    return problems


def _cycle_problems(inputs: dict[str, Any], label: str) -> list[Problem]:
    """A problem for each category whose inputs lead back to it (named once per cycle)."""
    graph = {c: [v for v in vs if isinstance(v, str)] for c, vs in inputs.items() if isinstance(vs, list)}
    problems, reported = [], set()
    for start in graph:
        path = _loop(graph, start, [start])
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            problems.append(Problem(label, f"makes a cycle ({' -> '.join(path)}); tiers must not loop",
                                    key=f"product.inputs.{path[-2]}"))
    return problems


def _loop(graph: dict[str, list[str]], node: str, path: list[str]) -> list[str] | None:
    """The first path from ``path[0]`` back to itself, depth first (None: there is none)."""
    for nxt in graph.get(node, []):
        if nxt == path[0]:
            return [*path, nxt]
        if nxt not in path:
            found = _loop(graph, nxt, [*path, nxt])
            if found:
                return found
    return None


def tiers(section: dict[str, Any]) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, float], ...]]:
    """The tiers of a sound ``[product]`` as the domain model holds them.

    Parameters
    ----------
    section : dict
        ``[product]``, checked by :func:`tier_problems`.

    Returns
    -------
    tuple
        ``inputs`` and ``budgets`` of :class:`~hourcircle.scenario.Product`.
    """
    inputs = tuple((c, tuple(v)) for c, v in _table(section, "inputs").items())
    budgets = tuple((c, float(h)) for c, h in _table(section, "budgets").items())
    return inputs, budgets
