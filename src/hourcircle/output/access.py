"""The report's accessibility section: the best and worst places by each measure and mode.

Examples
--------
>>> table = pd.DataFrame({"name": ["A", "B", "C"], "people": [1.0, 2.0, 3.0],
...                       "watt_hours_rail": [1.6, 3.25, 3.33], "potential_rail": [0.06, 0.03, 0.02],
...                       "daily_share_rail": [1.0, 0.5, 0.67]}, index=pd.Index(["a", "b", "c"], name="place_id"))
>>> parts = access_section(table)
>>> parts[0]
"## Accessibility: the planners' measures, by mode"
>>> "A 1.60, B 3.25, C 3.33" in parts[2], "B 50%, C 67%, A 100%" in parts[2]  # WATT's best, daily's worst
(True, True)
>>> table.loc["c", "watt_hours_rail"] = float("nan")  # C reaches no other place by rail
>>> parts = access_section(table)
>>> parts[1].endswith("Left out of the rows: by rail, 1 reach no other place (C)."), "C" in parts[2]
(True, False)
"""

from __future__ import annotations

import pandas as pd

from hourcircle.analysis.access import DAY_HOURS, DECAY, MEASURES
from hourcircle.output.tables import markdown_table

SHOWN = 3  # places named at each end
TITLES = {"watt_hours": "weighted average time (h)", "potential": "potential (people per min)",
          "daily_share": f"daily (share within {DAY_HOURS:g} h)"}
BETTER_LOW = {"watt_hours"}


def _value(measure: str, value: float) -> str:
    if measure == "daily_share":
        return f"{value:.0%}"
    if measure == "potential" and value >= 1e4:
        return f"{value / 1e6:.2f} M"
    return f"{value:.2f}"


def _names(table: pd.DataFrame, column: str, measure: str, best: bool) -> str:
    mode = column.removeprefix(f"{measure}_")
    ordered = table[column][table[f"watt_hours_{mode}"].notna()]  # places that reach another by the mode
    ordered = ordered.dropna().sort_values(ascending=(measure in BETTER_LOW) == best, kind="stable")
    counts = table["name"].value_counts()
    names = {place: f"{name} ({place})" if counts[name] > 1 else str(name) for place, name in table["name"].items()}
    return ", ".join(f"{names[place]} {_value(measure, value)}" for place, value in ordered.head(SHOWN).items())


def access_section(table: pd.DataFrame | None) -> list[str]:
    """The section's parts: title, what the measures are, and a table of the best and worst places.

    Parameters
    ----------
    table : pandas.DataFrame or None
        :func:`~hourcircle.analysis.access.accessibility`'s table (nothing when None).

    Returns
    -------
    list of str
        Markdown parts (empty without a table).
    """
    if table is None or table.empty:
        return []
    modes = [c.removeprefix("watt_hours_") for c in table.columns if c.startswith("watt_hours_")]
    rows = [{"measure": TITLES[measure], "mode": mode, "best": _names(table, f"{measure}_{mode}", measure, True),
             "worst": _names(table, f"{measure}_{mode}", measure, False)}
            for measure in MEASURES for mode in modes]
    alone = [f"by {mode}, {len(cut)} reach no other place ({', '.join(cut['name'].astype(str).head(SHOWN))}"
             f"{', ...' if len(cut) > SHOWN else ''})" for mode in modes
             if len(cut := table[table[f"watt_hours_{mode}"].isna()])]
    left_out = f" Left out of the rows: {'; '.join(alone)}." if alone else ""
    return ["## Accessibility: the planners' measures, by mode",
            f"Door to door by {' and '.join(modes)}, every place weighted by its people: the weighted average "
            "travel time to the other places (lower is better); potential accessibility, the people of the other "
            f"places over the minutes to them (to the power {DECAY:g}; higher is better); daily accessibility, the "
            f"share of all people within {DAY_HOURS:g} h each way. Definitions and sources: the README. Every place: "
            "`access.csv`." + left_out,
            markdown_table(pd.DataFrame(rows).set_index("measure"))]
