"""The explorer: a circle map that recomputes itself as the user moves a budget slider or picks a plant.

One offline HTML file: the folium map of the network (roads or links, closed links dashed
red), the minutes of :func:`~hourcircle.analysis.explore.explorer_data` as compact typed
arrays (base64), and a small script (``explorer.js``, shipped with the package) that draws
places and sites, and recomputes completeness, alternatives, robust/marginal, hours to
complete and colours at the slider's budget: the same numbers as ``run --hours H``.
:class:`ExplorerPage` shows it inline in Jupyter (an ``iframe`` with ``srcdoc``: no server, no
widget extension).

Examples
--------
>>> from hourcircle import Query, TravelTimes, datasets
>>> page = explore(Query(TravelTimes.for_scenario(datasets.bundled())))
>>> '<script src="http' in page.html, "hourcircleExplorer(" in page.html
(False, True)
>>> page._repr_html_().startswith("<iframe srcdoc=")
True
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from branca.element import Element

from hourcircle import _checks as check
from hourcircle.analysis.explore import DEFAULT_HOURS, ExplorerData, Question, explorer_data
from hourcircle.maps.assets import figure, script_json
from hourcircle.maps.basemap import Basemap
from hourcircle.maps.builders import (
    MARGINAL_STROKE,
    _category_colours,
    _finish,
    _new_map,
    category_label,
    network_layers,
)
from hourcircle.maps.explorer_chains import chain_data
from hourcircle.maps.layers import Script, legend
from hourcircle.maps.points import place_labels, rings
from hourcircle.maps.tier_popups import tier_legend, tier_style

PROFILE_LABELS = {"truck": "truck 卡车", "car": "car 小汽车", "rail": "rail 高铁"}
TEXT = {
    "explorer": "Circle explorer 产业圈探索", "budget": "Budget 时间预算", "profile": "Profile 出行方式",
    "search": "Find 查找", "pick": "Plant, city or site 工厂、城市或供应商", "layers": "Layers 图层",
    "kind": "Kind 类型", "company": "Company 公司", "category": "Category 类别", "complete": "Complete 完整",
    "hoursToComplete": "Hours to complete 补全所需小时", "certainty": "Certainty 确定性",
    "nearest": "Nearest 最近供应商", "minutes": "Minutes 分钟", "alternatives": "Alternatives 备选",
    "robust": "robust 稳健", "marginal": "marginal 边缘", "yes": "yes 是", "no": "no 否",
    "never": "never (a component is unreachable) 无法补全",
    "kinds": {"plant": "plant 整车厂", "place": "city 城市", "site": "site 供应商"},
    "plantsZh": "工厂", "placesZh": "城市",
}


@cache
def _asset(name: str) -> str:
    """A file shipped beside this module (the page's script and style)."""
    return (resources.files("hourcircle.maps") / name).read_text(encoding="utf-8")


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def page_data(data: ExplorerData, basemap: Basemap, extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the page's script reads: origins, suppliers, budgets and each profile's minutes.

    Parameters
    ----------
    data : ExplorerData
        The minutes (:func:`~hourcircle.analysis.explore.explorer_data`).
    basemap : Basemap
        Where coordinates are drawn (GCJ-02 on Gaode tiles).
    extras : mapping, optional
        JSON-ready data for scripts that extend the page (``window.hourcircle.explorer.extras``);
        a tiered product's chains go in ``chains`` (:func:`~hourcircle.maps.explorer_chains.chain_data`).

    Returns
    -------
    dict
        JSON-ready (no NaN: minutes travel as base64 float64, NaN where unreachable). Sites
        sharing a point carry their place on its ring (``rings``: k and n of each origin, flat;
        n is 1 for a site alone and 0 for a place, see :func:`~hourcircle.maps.points.rings`),
        and tiers below one their symbol (``categoryStyle``, see
        :func:`~hourcircle.maps.tier_popups.tier_style`).
    """
    scenario, origins = data.scenario, data.origins
    product = scenario.product
    colours = _category_colours(scenario)
    lat, lon = basemap.shift(origins["lat"].to_numpy(), origins["lon"].to_numpy())
    position = {origin: i for i, origin in enumerate(origins.index)}
    present = set(origins["category"])
    drawn = [c for c in product.all_categories if c in present] + sorted(present - set(product.all_categories) - {""})
    counts = origins["category"].value_counts()
    layers: list[dict[str, Any]] = [{"id": "", "label": "places by circle 城市产业圈", "colour": "#1a9850"}]
    styles = {c: tier_style(product.tier(c)) for c in drawn if tier_style(product.tier(c))}
    layers += [{"id": c, "label": f"{tier_legend(product, c)}{category_label(c)} ({counts[c]})",
                "colour": colours.get(c, "#7f7f7f"), "dashed": c in styles} for c in drawn]
    sites = scenario.sites  # rings as the circle map draws them: over the scenario's sites, in its order
    ring = dict(zip(sites.index, rings(sites["lat"].to_numpy(), sites["lon"].to_numpy()), strict=True))
    flat = [value for origin, kind in zip(origins.index, origins["kind"], strict=True)
            for value in ([0, 0] if kind == "place" else ring[origin] or [0, 1])]
    chains = chain_data(data)
    extras = dict(extras or {}) | ({"chains": chains} if chains else {})
    components = list(product.components)
    supplier_category = origins.loc[data.suppliers, "category"]
    return {
        "hours": list(data.hours), "budgets": [60.0 * h for h in data.hours], "start": data.hours.index(data.start),
        "origins": {"id": [str(i) for i in origins.index], "kind": origins["kind"].tolist(),
                    "name": origins["name"].fillna("").astype(str).tolist(),
                    "zh": origins["name_zh"].fillna("").astype(str).tolist(),
                    "company": origins["company"].fillna("").astype(str).tolist(),
                    "category": origins["category"].astype(str).tolist(),
                    "lat": np.round(lat, 5).tolist(), "lon": np.round(lon, 5).tolist()},
        "categories": [{"id": c, "label": category_label(c), "colour": colours.get(c, "#7f7f7f")} for c in components],
        "categoryColours": {c: colours.get(c, "#7f7f7f") for c in drawn},
        "categoryLabels": {c: category_label(c) for c in drawn},
        "suppliers": [position[s] for s in data.suppliers],
        "supplierCategory": [components.index(c) for c in supplier_category],
        "layers": layers, "rings": flat, "categoryStyle": styles,
        "profiles": [{"mode": p.mode, "label": PROFILE_LABELS.get(p.mode, p.mode), "band": list(p.band),
                      "near": _b64(p.nearest_minutes, "<f8"), "site": _b64(p.nearest_site, "<i4"),
                      "step": _b64(p.first_step, "u1")} for p in data.profiles.values()],
        "text": TEXT, "extras": extras,
    }


def explorer_page(data: ExplorerData, *, basemap: Basemap | None = None,
                  extras: Mapping[str, Any] | None = None) -> str:
    """The explorer's HTML.

    Parameters
    ----------
    data : ExplorerData
        The minutes and the network (:func:`~hourcircle.analysis.explore.explorer_data`).
    basemap : Basemap, optional
        The background (default: the bundled offline basemap).
    extras : mapping, optional
        JSON-ready data for scripts that extend the page (a picked plant's chain, say); hooks
        are registered with ``window.hourcircle.explorer.onPick(function (id, circle) {...})``.

    Returns
    -------
    str
        One HTML page.

    Raises
    ------
    ArgumentTypeError
        (parameter ``data`` or ``basemap``) for a value of another type.
    """
    check.instance("data", data, ExplorerData, what="ExplorerData (from hourcircle.analysis.explore)")
    check.instance("basemap", basemap, (Basemap, type(None)))
    basemap = basemap or Basemap()
    scenario, drawing = data.scenario, data.drawing
    places = scenario.places
    title = f"{scenario.name}: circle explorer 产业圈探索"
    fmap = _new_map(basemap, places["lat"].to_numpy(), places["lon"].to_numpy(), title, len(data.origins))
    root = figure(fmap)
    root.header.add_child(Element(f"<style>{_asset('explorer.css')}</style>"), name="hourcircle_explorer_css")
    script = "\n".join(_asset(name) for name in ("explorer.js", "explorer_chains.js"))
    script = script.replace("</script", "<\\/script")
    root.header.add_child(Element(f"<script>{script}</script>"), name="hourcircle_explorer")
    network_layers(fmap, drawing, basemap)
    fmap.add_child(Script(f"hourcircleExplorer({{map}}, {script_json(page_data(data, basemap, extras))});"))
    place_labels(fmap, places, basemap)
    colours = _category_colours(scenario)
    entries = [("#1a9850", "complete within the budget 预算内完整", False),
               ("#fdae61", "complete within the budget + 1 h 预算加1小时内完整", False),
               ("#d73027", "incomplete 不完整", False),
               (MARGINAL_STROKE, "marginal (within the model's error) 边缘", True)]
    entries += [(colours[c], tier_legend(scenario.product, c) + category_label(c), False)
                for c in scenario.product.all_categories]
    if drawing.links["closed"].any() or (drawing.roads is not None and drawing.roads.closed.any()):
        entries.append(("#e00000", "disrupted link", True))
    legend(fmap, "Circle completeness 产业圈完整度", entries)
    return _finish(fmap)


class ExplorerPage:
    """An explorer page: ``html``, written by :meth:`save`, shown inline by Jupyter.

    Parameters
    ----------
    html : str
        The page (:func:`explorer_page`).
    height : int, default 640
        Height of the inline frame in a notebook, in pixels.
    """

    def __init__(self, html: str, height: int = 640) -> None:
        self.html = html
        self.height = height

    def _repr_html_(self) -> str:
        """The page in an ``iframe`` (``srcdoc``, scripts allowed, no network or server needed)."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {int(self.height)}px; border: 0" '
                'title="hourcircle circle explorer"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page to a file (UTF-8).

        Parameters
        ----------
        path : str or pathlib.Path
            Where.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        target = Path(path)
        target.write_text(self.html, encoding="utf-8")
        return target


def explore(question: Question, *, modes: Sequence[str] | None = None, hours: Sequence[float] = DEFAULT_HOURS,
            basemap: Basemap | None = None) -> ExplorerPage:
    """The explorer of a query's network (or of a run, with its closed links drawn).

    Parameters
    ----------
    question : Query or Results
        The network, the budget the page opens at and the first profile; a run's
        :class:`~hourcircle.analysis.run.Results` also draws the links it removed.
    modes : sequence of {"truck", "car", "rail"}, optional
        More profiles to switch between.
    hours : sequence of float, default 0.5 to 8 h in quarter hours
        The budgets the slider offers.
    basemap : Basemap, optional
        The background (default: the bundled offline basemap).

    Returns
    -------
    ExplorerPage
        Shown inline in Jupyter; ``.html`` and ``.save(path)`` for a file.

    Raises
    ------
    ArgumentError
        As :func:`~hourcircle.analysis.explore.explorer_data`.
    """
    check.instance("basemap", basemap, (Basemap, type(None)))
    return ExplorerPage(explorer_page(explorer_data(question, modes=modes, hours=hours), basemap=basemap))
