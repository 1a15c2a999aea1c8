// The SPARQL page: YASGUI on this site's endpoint, with netkg's query catalogue to pick from.
// Nothing here talks to another host: YASQE's class and property completers (which ask
// lov.linkeddata.es) are switched off, prefixes come from YASQE's bundled list, and the
// endpoint list holds only this endpoint.
// The editor knows netkg's prefixes (the endpoint declares them too, so a query may leave out
// its PREFIX lines without being marked wrong), the results table shows literals as values, and
// a chart view (netkg-chart.js, Chart.js) sits beside the table.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("netkg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byName = {};
  config.catalogue.forEach(function (entry) { byName[entry.name] = entry; });

  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
    function (name) { return name !== "class" && name !== "property"; }
  );
  // Results show netkg's prefixed names (mun:albertslund) as well as the query's own prefixes.
  var prefixes = config.prefixes || {};
  Yasgui.defaults.yasr.prefixes = prefixes;

  // YASQE's grammar checker starts every query knowing no prefix: start it knowing netkg's.
  var modes = Yasgui.Yasqe.modes || {};
  var sparqlMode = modes.sparql11;
  if (sparqlMode) {
    Yasgui.Yasqe.defineMode("sparql11", function (cmConfig, modeConfig) {
      var mode = sparqlMode(cmConfig, modeConfig);
      var startState = mode.startState;
      mode.startState = function () {
        var state = startState.apply(this, arguments);
        Object.keys(prefixes).forEach(function (p) {
          if (state.prefixes[p] === undefined) { state.prefixes[p] = prefixes[p]; }
        });
        return state;
      };
      return mode;
    });
  }

  // Literals read as values; a chart view after the table.
  var Table = Yasgui.Yasr.plugins.table;
  if (Table && window.netkgChart) {
    Table.prototype.formatLiteral = function (binding, prefixMap) {
      return window.netkgChart.formatLiteral(binding, prefixMap);
    };
  }
  if (window.netkgChart && window.Chart) {
    Yasgui.Yasr.registerPlugin("chart", window.netkgChart.ChartPlugin);
    var order = ["table", "chart", "response"];
    Yasgui.Yasr.defaults.pluginOrder = order;
    Yasgui.defaults.yasr.pluginOrder = order;
    Yasgui.defaults.yasr.plugins = Object.assign({}, Yasgui.defaults.yasr.plugins, {
      chart: { enabled: true }
    });
  }
  var catalogueOptions = Object.assign({}, Yasgui.defaults.endpointCatalogueOptions, {
    getData: function () { return [{ endpoint: endpoint }]; }
  });
  var first = config.catalogue.find(function (e) { return e.kind === "question"; });
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: catalogueOptions,
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    tabName: first ? first.title : "Query",
    yasqe: first ? { value: first.query } : {}
  });

  function open(name) {
    var entry = byName[name];
    if (!entry) { return; }
    var tab = yasgui.addTab(true, {
      name: entry.title,
      yasqe: { value: entry.query },
      requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: endpoint })
    }, { avoidDuplicateTabs: true });
    document.querySelectorAll(".catalogue button").forEach(function (b) {
      b.classList.toggle("active", b.dataset.query === name);
    });
    return tab;
  }

  // Result links to netkg IRIs open the local page when this server publishes them.
  if (config.localBase) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".yasr a[href]") : null;
      if (!link || link.href.indexOf(config.localBase) !== 0) { return; }
      event.preventDefault();
      window.open("/" + link.href.slice(config.localBase.length), "_blank", "noopener");
    });
  }

  document.querySelectorAll(".catalogue button[data-query]").forEach(function (button) {
    button.addEventListener("click", function () { open(button.dataset.query); });
  });
  window.netkgSparql = { yasgui: yasgui, open: open };
})();
