/* The explorer's chain view (see hourcircle.maps.explorer_chains): a picked plant's or city's components,
 * each nearest supplier's own inputs within its tier's budget, tier by tier, and whether the chain is
 * complete, recomputed at the slider's budget. Every text is set with textContent. */
(function () {
  'use strict';
  var DEPTH = 6;  // tiers shown below a component at most (a bill's tiers are few)

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  window.hourcircleChains = function (explorer, chains) {
    var view = explorer.view, T = chains.text;

    function tierHours(category) {
      var fixed = chains.budgets[category];
      return fixed === null || fixed === undefined ? view.hours() : fixed;
    }

    /* Plant or place o: for each component, some chain-complete supplier within the budget (chains.py). */
    function lacking(o) {
      var ok = view.categories.map(function () { return false; });
      view.suppliers.forEach(function (_, s) {
        if (chains.complete[s] && view.within(o, s)) { ok[view.supplierCategory[s]] = true; }
      });
      return view.categories.filter(function (_, c) { return !ok[c]; });
    }

    function addRow(body, depth, stage, target, minutes, within, hours) {
      var tr = body.insertRow();
      tr.className = 'hc-chain-row ' + (within ? 'hc-within' : 'hc-beyond');
      tr.setAttribute('data-stage', stage);
      tr.setAttribute('data-depth', String(depth));
      tr.appendChild(element('td', (depth ? new Array(depth + 1).join('\u21b3') + ' ' : '') +
                                   (chains.labels[stage] || stage)));
      tr.appendChild(element('td', target >= 0 ? view.title(target) : '-'));
      tr.setAttribute('data-site', target >= 0 ? view.origins.id[target] : '');
      tr.appendChild(element('td', minutes === null || isNaN(minutes) ? '-' : minutes.toFixed(0)));
      tr.appendChild(element('td', (within ? T.yes : T.no) + ' (' + hours + ' h)'));
    }

    /* A site's tier circle: each input's nearest supplier within the site's tier budget, then theirs. */
    function addInputs(body, site, category, depth) {
      var rows = chains.circles[String(site)];
      if (!rows || depth > DEPTH) { return; }
      var hours = tierHours(category);
      rows.forEach(function (row) {
        var minutes = row[2] === null ? NaN : row[2];
        addRow(body, depth, row[0], row[1], minutes, minutes <= 60 * hours, hours);
        if (row[1] >= 0 && chains.inputs[row[0]]) { addInputs(body, row[1], row[0], depth + 1); }
      });
    }

    explorer.onShow(function (o, result, panel) {
      var kind = view.origins.kind[o], category = view.origins.category[o];
      if (kind === 'site' && !chains.inputs[category]) { return; }
      var box = element('div', null, 'hc-chain');
      box.id = 'hc-chain';
      var budgets = Object.keys(chains.budgets).map(function (c) { return c + ' ' + tierHours(c) + ' h'; });
      box.appendChild(element('h3', T.chain + ' (' + T.budgets + ': ' + budgets.join(', ') + ')'));
      panel.appendChild(box);
      if (view.mode() !== chains.mode) {
        box.appendChild(element('p', T.otherMode.split('{m}').join(chains.mode), 'hc-chain-note'));
        return;
      }
      var table = element('table', null, 'hc-table hc-chain-table');
      var head = table.createTHead().insertRow();
      [T.stage, T.nearest, T.minutes, T.within].forEach(function (t) { head.appendChild(element('th', t)); });
      var body = table.createTBody();
      if (kind === 'site') {
        addInputs(body, o, category, 0);
      } else {
        var verdict = element('p', null, 'hc-chain-verdict');
        var missing = lacking(o);
        verdict.textContent = T.complete + ': ' + (missing.length ? T.no + ' (' + missing.map(function (c) {
          return c.label;
        }).join(', ') + ': ' + T.lacking + ')' : T.yes);
        verdict.setAttribute('data-complete', missing.length ? 'no' : 'yes');
        box.appendChild(verdict);
        if (!chains.live) {
          box.appendChild(element('p', T.runOnly.split('{h}').join(String(chains.hours)), 'hc-chain-note'));
        }
        result.rows.forEach(function (row) {
          var c = view.categories[row.category], target = row.site >= 0 ? view.suppliers[row.site] : -1;
          addRow(body, 0, c.id, target, row.minutes, row.within, view.hours());
          if (target >= 0 && chains.inputs[c.id]) { addInputs(body, target, c.id, 1); }
        });
      }
      box.appendChild(table);
    });
  };
})();
