/* The explorer: recomputes every circle in the page from embedded minutes (see hourcircle.maps.explorer).
 * No framework, no network; every text a user or a scenario gives is set with textContent. */
(function () {
  'use strict';
  var GREEN = '#1a9850', ORANGE = '#fdae61', RED = '#d73027', MARGINAL = '#6a3d9a';

  function decode(text, Kind) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return new Kind(bytes.buffer);
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function hoursText(h) { return String(h); }

  window.hourcircleExplorer = function (map, data) {
    var started = performance.now();
    var T = data.text, origins = data.origins, n = origins.id.length;
    var categories = data.categories, nC = categories.length, nS = data.suppliers.length;
    var profiles = data.profiles.map(function (p) {
      return {mode: p.mode, label: p.label, band: p.band, near: decode(p.near, Float64Array),
              site: decode(p.site, Int32Array), step: decode(p.step, Uint8Array)};
    });
    var byCategory = categories.map(function () { return []; });  // supplier positions of each component
    data.supplierCategory.forEach(function (c, s) { byCategory[c].push(s); });
    var state = {step: data.start, profile: 0, picked: -1};
    var hooks = [], shown = [];  // called when a pick is made; whenever the picked circle is shown

    /* One origin's circle at the current budget and profile: what the Python analysis computes. */
    function circle(o) {
      var p = profiles[state.profile], budget = data.budgets[state.step], hours = data.hours[state.step];
      var lo = p.band[0], hi = p.band[1], rows = [], complete = true, slowest = -Infinity, unreachable = false;
      for (var c = 0; c < nC; c++) {
        var m = p.near[o * nC + c], alternatives = 0, list = byCategory[c];
        for (var k = 0; k < list.length; k++) { if (p.step[o * nS + list[k]] <= state.step) { alternatives++; } }
        var within = m <= budget;
        complete = complete && within;
        if (isNaN(m)) { unreachable = true; } else if (m > slowest) { slowest = m; }
        rows.push({category: c, site: p.site[o * nC + c], minutes: m, alternatives: alternatives, within: within,
                   marginal: m * lo <= budget && m * hi > budget});
      }
      var h = unreachable || nC === 0 ? NaN : slowest / 60.0;
      var marginal = h * 60 * lo <= budget && h * 60 * hi > budget;
      var colour = complete ? GREEN : (isFinite(h) && h <= hours + 1 ? ORANGE : RED);
      return {rows: rows, complete: complete, hours: h, marginal: marginal, colour: colour, band: p.band};
    }

    function certaintyText(result) {
      if (!result.marginal) { return T.robust; }
      return T.marginal + ' (likely ' + (result.hours * result.band[0]).toFixed(1) + '-' +
        (result.hours * result.band[1]).toFixed(1) + ' h)';
    }

    function originTitle(o) {
      var zh = origins.zh[o];
      return origins.name[o] + (zh ? ' ' + zh : '');
    }

    /* ---- the layers: places by circle, sites by category (sites sharing a point on a ring around it,
     * laid out by the page's hourcircleLayout as on the circle map; tiers below one smaller, dashed) ---- */
    // markers above the lines (network, a picked plant's links), so a link's end never hides a site
    map.createPane('hc_markers').style.zIndex = 420;
    var renderer = n > 2000 ? L.canvas({pane: 'hc_markers'}) : undefined;
    var groups = {}, markers = new Array(n);
    data.layers.forEach(function (layer) { groups[layer.id] = L.layerGroup().addTo(map); });
    function tooltip(o) {
      return function () {
        var rows = [[T.kind, T.kinds[origins.kind[o]]]];
        if (origins.kind[o] !== 'place') {
          rows.push([T.company, origins.company[o]], [T.category, data.categoryLabels[origins.category[o]]]);
        }
        if (origins.kind[o] !== 'site') {
          var result = circle(o);
          rows.push([T.complete, result.complete ? T.yes : T.no],
                    [T.hoursToComplete, isFinite(result.hours) ? result.hours.toFixed(2) : null],
                    [T.certainty, certaintyText(result)]);
        }
        return hourcircleTable(originTitle(o), rows);
      };
    }
    for (var o = 0; o < n; o++) {
      var kind = origins.kind[o], isPlace = kind === 'place', at = L.latLng(origins.lat[o], origins.lon[o]);
      var tier = (!isPlace && data.categoryStyle[origins.category[o]]) || {};
      var marker = L.circleMarker(at, {
        renderer: renderer, pane: 'hc_markers', weight: 1,
        radius: (isPlace ? 9 : (kind === 'plant' ? 8 : 6)) + (tier.radius_change || 0),
        color: tier.stroke || '#222', dashArray: tier.dash || null,
        fillColor: isPlace ? '#999' : data.categoryColours[origins.category[o]],
        fillOpacity: isPlace ? 0.55 : 0.85, className: isPlace ? 'hc-place' : 'hc-site'});
      if (!isPlace) {  // every site joins the layout; one sharing its point has its place on the ring
        window.hourcircle.spread.push({marker: marker, at: at, ring: data.rings.slice(2 * o, 2 * o + 2)});
      }
      marker.bindTooltip(tooltip(o));
      marker.on('click', (function (index) { return function () { pick(index); }; })(o));
      marker.on('add', (function (index) {
        return function (event) {
          var path = event.target.getElement && event.target.getElement();
          if (path) { path.setAttribute('data-id', origins.id[index]); }
        };
      })(o));
      marker.addTo(groups[isPlace ? '' : origins.category[o]]);
      markers[o] = marker;
    }
    var links = L.layerGroup().addTo(map);

    /* ---- the panel ---- */
    var panel = L.control({position: 'topleft'});
    var ui = {};
    panel.onAdd = function () {
      var box = ui.box = L.DomUtil.create('div', 'hc-explorer');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', T.explorer);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);

      var budget = element('div', null, 'hc-row');
      var budgetLabel = element('label', T.budget);
      budgetLabel.htmlFor = 'hc-budget';
      ui.slider = element('input');
      ui.slider.type = 'range';
      ui.slider.id = 'hc-budget';
      ui.slider.min = '0';
      ui.slider.max = String(data.hours.length - 1);
      ui.slider.step = '1';
      ui.slider.value = String(state.step);
      ui.value = element('output', null, 'hc-budget-value');
      ui.value.htmlFor = 'hc-budget';
      budget.appendChild(budgetLabel);
      budget.appendChild(ui.slider);
      budget.appendChild(ui.value);
      box.appendChild(budget);
      ui.slider.addEventListener('input', function () { setStep(Number(ui.slider.value)); });

      if (profiles.length > 1) {
        var modes = element('fieldset', null, 'hc-modes');
        modes.appendChild(element('legend', T.profile));
        profiles.forEach(function (p, i) {
          var label = element('label'), radio = element('input');
          radio.type = 'radio';
          radio.name = 'hc-profile';
          radio.value = p.mode;
          radio.checked = i === state.profile;
          radio.addEventListener('change', function () { if (radio.checked) { setProfile(i); } });
          label.appendChild(radio);
          label.appendChild(document.createTextNode(' ' + p.label));
          modes.appendChild(label);
        });
        box.appendChild(modes);
      }

      ui.plants = element('div', null, 'hc-summary');
      ui.plants.id = 'hc-summary-plants';
      ui.places = element('div', null, 'hc-summary');
      ui.places.id = 'hc-summary-places';
      var summary = element('div');
      summary.setAttribute('aria-live', 'polite');
      summary.appendChild(ui.plants);
      summary.appendChild(ui.places);
      box.appendChild(summary);

      var search = element('div', null, 'hc-row');
      var searchLabel = element('label', T.search);
      searchLabel.htmlFor = 'hc-search';
      ui.search = element('input');
      ui.search.type = 'search';
      ui.search.id = 'hc-search';
      ui.search.setAttribute('autocomplete', 'off');
      search.appendChild(searchLabel);
      search.appendChild(ui.search);
      box.appendChild(search);
      var pickLabel = element('label', T.pick, 'hc-hidden-label');
      pickLabel.htmlFor = 'hc-pick';
      ui.pick = element('select');
      ui.pick.id = 'hc-pick';
      ui.pick.size = 4;
      box.appendChild(pickLabel);
      box.appendChild(ui.pick);
      ui.search.addEventListener('input', fillPicker);
      ui.search.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' && ui.pick.options.length) { pick(Number(ui.pick.options[0].value)); }
        if (event.key === 'ArrowDown' && ui.pick.options.length) { ui.pick.focus(); }
      });
      ui.pick.addEventListener('change', function () { if (ui.pick.value !== '') { pick(Number(ui.pick.value)); } });

      var filters = element('fieldset', null, 'hc-filters');
      filters.appendChild(element('legend', T.layers));
      data.layers.forEach(function (layer) {
        var label = element('label'), box2 = element('input');
        box2.type = 'checkbox';
        box2.checked = true;
        box2.value = layer.id;
        box2.addEventListener('change', function () {
          if (box2.checked) { groups[layer.id].addTo(map); } else { map.removeLayer(groups[layer.id]); }
        });
        var swatch = element('span', null, 'hc-swatch');
        swatch.style.background = layer.colour;
        swatch.style.borderColor = layer.dashed ? '#111' : layer.colour;
        if (layer.dashed) { swatch.style.borderStyle = 'dashed'; }
        label.appendChild(box2);
        label.appendChild(swatch);
        label.appendChild(document.createTextNode(layer.label));
        filters.appendChild(label);
      });
      box.appendChild(filters);

      ui.detail = element('div', null, 'hc-detail');
      ui.detail.id = 'hc-detail';
      box.appendChild(ui.detail);
      return box;
    };
    panel.addTo(map);

    function fillPicker() {
      var wanted = ui.search.value.trim().toLowerCase();
      while (ui.pick.firstChild) { ui.pick.removeChild(ui.pick.firstChild); }
      for (var o = 0; o < n; o++) {
        var text = originTitle(o) + ' (' + T.kinds[origins.kind[o]] + ')';
        if (wanted && (text + ' ' + origins.id[o]).toLowerCase().indexOf(wanted) < 0) { continue; }
        var option = element('option', text);
        option.value = String(o);
        option.selected = o === state.picked;
        ui.pick.appendChild(option);
      }
    }

    /* ---- recomputing ---- */
    function summaryLine(results, kind, noun, zh) {
      var total = 0, complete = 0, marginal = 0;
      for (var o = 0; o < n; o++) {
        if (origins.kind[o] !== kind) { continue; }
        var result = results[o];
        total++;
        if (result.complete) { complete++; }
        if (result.marginal) { marginal++; }
      }
      var hours = hoursText(data.hours[state.step]);
      return complete + ' of ' + total + ' ' + noun + ' complete within ' + hours + ' h; ' + marginal +
        ' marginal either way · ' + zh + ' ' + complete + '/' + total + ' 在 ' + hours + ' 小时内完整, ' + marginal +
        ' 处于边缘';
    }

    function recolour(results) {
      for (var o = 0; o < n; o++) {
        if (origins.kind[o] !== 'place') { continue; }
        var result = results[o];
        markers[o].setStyle(result.marginal ? {fillColor: result.colour, color: MARGINAL, weight: 3, dashArray: '4 3'}
                                            : {fillColor: result.colour, color: '#333', weight: 1, dashArray: null});
      }
    }

    function update() {
      var hours = hoursText(data.hours[state.step]);
      ui.value.textContent = hours + ' h';
      ui.slider.setAttribute('aria-valuetext', hours + ' h');
      var results = new Array(n);  // every plant's and place's circle, once a change
      for (var o = 0; o < n; o++) { if (origins.kind[o] !== 'site') { results[o] = circle(o); } }
      ui.plants.textContent = summaryLine(results, 'plant', 'plants', T.plantsZh);
      ui.places.textContent = summaryLine(results, 'place', 'places', T.placesZh);
      recolour(results);
      showPicked();
    }

    function setStep(step) { state.step = step; ui.slider.value = String(step); update(); }
    function setProfile(index) { state.profile = index; update(); }

    function pick(o) {
      state.picked = o;
      if (ui.pick.value !== String(o)) { fillPicker(); }
      showPicked();
      var points = [[origins.lat[o], origins.lon[o]]];  // true points: the layout moves markers a few pixels
      for (var c = 0; c < nC; c++) {
        var s = profiles[state.profile].site[o * nC + c];
        if (s >= 0) { points.push([origins.lat[data.suppliers[s]], origins.lon[data.suppliers[s]]]); }
      }
      var side = ui.box.offsetWidth + 30;  // keep the picked circle clear of the panel
      map.fitBounds(L.latLngBounds(points), {paddingTopLeft: [side, 40], paddingBottomRight: [40, 40], maxZoom: 8});
      hooks.forEach(function (hook) { hook(origins.id[o], circle(o)); });
    }

    function cell(text, header) {
      return element(header ? 'th' : 'td', text === null || text === undefined ? '-' : text);
    }

    function showPicked() {
      links.clearLayers();
      while (ui.detail.firstChild) { ui.detail.removeChild(ui.detail.firstChild); }
      var o = state.picked;
      if (o < 0) { return; }
      var result = circle(o), here = markers[o].getLatLng();  // where the layout drew it
      ui.detail.appendChild(element('h3', originTitle(o) + ' (' + T.kinds[origins.kind[o]] + ')'));
      var facts = element('table', null, 'hc-table hc-facts');
      [[T.complete, result.complete ? T.yes : T.no],
       [T.hoursToComplete, isFinite(result.hours) ? result.hours.toFixed(2) : T.never],
       [T.certainty, certaintyText(result)]].forEach(function (row) {
        var tr = facts.insertRow();
        tr.appendChild(cell(row[0], true));
        tr.appendChild(cell(row[1]));
      });
      ui.detail.appendChild(facts);
      var table = element('table', null, 'hc-table hc-circle');
      var head = table.createTHead().insertRow();
      [T.category, T.nearest, T.minutes, T.alternatives, T.certainty].forEach(function (t) {
        head.appendChild(cell(t, true));
      });
      var body = table.createTBody();
      L.circleMarker(here, {radius: 13, color: '#000', weight: 3, fill: false, interactive: false}).addTo(links);
      result.rows.forEach(function (row) {
        var tr = body.insertRow(), s = row.site, category = categories[row.category];
        tr.className = row.within ? 'hc-within' : 'hc-beyond';
        tr.setAttribute('data-category', category.id);
        tr.appendChild(cell(category.label));
        var target = s >= 0 ? data.suppliers[s] : -1;
        tr.appendChild(cell(target >= 0 ? originTitle(target) : null));
        tr.appendChild(cell(isNaN(row.minutes) ? null : row.minutes.toFixed(0)));
        tr.appendChild(cell(String(row.alternatives)));
        tr.appendChild(cell(row.marginal ? T.marginal : T.robust));
        if (target < 0) { return; }
        var there = markers[target].getLatLng();
        var line = L.polyline([here, there], {color: category.colour, weight: row.within ? 4 : 2, opacity: 0.9,
                                              dashArray: row.within ? null : '6 5', className: 'hc-link'});
        line.bindTooltip(function () {
          return hourcircleTable(category.label, [[T.nearest, originTitle(target)], [T.minutes, row.minutes.toFixed(0)]]);
        }, {sticky: true});
        line.addTo(links);
        L.circleMarker(there, {radius: 10, color: '#000', weight: 2, fill: false, interactive: false,
                               className: 'hc-nearest'}).addTo(links);
      });
      ui.detail.appendChild(table);
      shown.forEach(function (hook) { hook(o, result, ui.detail); });
    }
    map.on('hclayout', function () { if (state.picked >= 0) { showPicked(); } });  // markers moved: follow them

    fillPicker();
    update();
    window.hourcircle.explorer = {
      hours: data.hours, modes: profiles.map(function (p) { return p.mode; }), ids: origins.id,
      circle: function (id) { var o = origins.id.indexOf(id); return o < 0 ? null : circle(o); },
      pick: function (id) { var o = origins.id.indexOf(id); if (o >= 0) { pick(o); } return o >= 0; },
      setHours: function (h) { var i = data.hours.indexOf(h); if (i >= 0) { setStep(i); } return i >= 0; },
      onPick: function (hook) { hooks.push(hook); }, extras: data.extras || {},
      // for scripts that extend the panel (explorer_chains.js): hook(origin position, circle, panel element)
      onShow: function (hook) { shown.push(hook); },
      view: {origins: origins, suppliers: data.suppliers, supplierCategory: data.supplierCategory,
             categories: categories, title: originTitle, circle: circle,
             hours: function () { return data.hours[state.step]; },
             mode: function () { return profiles[state.profile].mode; },
             within: function (o, s) { return profiles[state.profile].step[o * nS + s] <= state.step; }},
      startMs: performance.now() - started  // what drawing and the first recompute took (benchmarks)
    };
    if (data.extras && data.extras.chains && window.hourcircleChains) {
      window.hourcircleChains(window.hourcircle.explorer, data.extras.chains);
    }
  };
})();
