// The SPARQL page: YASGUI on this site's endpoint, with netkg's query catalogue to pick from.
// Nothing here talks to another host unless the page names one: YASQE's class and property
// completers (which ask lov.linkeddata.es) are replaced by completers of netkg's own classes and
// properties, prefixes come from YASQE's bundled list, and the endpoint list holds only this
// endpoint. A static site's page (netkg site) without a named endpoint, opened from disk or
// localhost, first asks a local `netkg serve` (config.localEndpoint) whether it is there.
//
// A catalogue question opens with a box per parameter (municipality, date, language, …, with the
// known values offered); what is typed rewrites the query's `VALUES … # defaults` line, and the
// page's address (?question=NAME&municipality=…) reproduces the question with its parameters.
// A ?query=… address (a shared link) opens that query in a tab of its own and runs it.
// The editor knows netkg's prefixes (the endpoint declares them too, so a query may leave out
// its PREFIX lines without being marked wrong), the results table shows literals as values, and
// a chart view (netkg-chart.js, Chart.js) sits beside the table.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("netkg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byName = {};
  config.catalogue.forEach(function (entry) { byName[entry.name] = entry; });
  var XSD_DATE = "http://www.w3.org/2001/XMLSchema#date";

  // --- the editor: no remote completers; netkg's classes and properties completed locally ---
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
    function (name) { return name !== "class" && name !== "property"; }
  );
  var terms = config.terms || {};
  if (Yasgui.Yasqe.Autocompleters["class"] && !Yasgui.Yasqe.Autocompleters["netkg-class"]) {
    Yasgui.Yasqe.forkAutocompleter("class", {
      name: "netkg-class", bulk: true, get: terms["class"] || [], persistenceId: null
    });
    Yasgui.Yasqe.forkAutocompleter("property", {
      name: "netkg-property", bulk: true, get: terms.property || [], persistenceId: null
    });
  }
  // Results show netkg's prefixed names (mun:albertslund) as well as the query's own prefixes.
  var prefixes = config.prefixes || {};
  Yasgui.defaults.yasr.prefixes = config.resultPrefixes || prefixes;

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

  // --- what the address asks for --------------------------------------------------------------
  var search = new URLSearchParams(window.location.search);
  var asked = search.get("question");
  var shared = search.get("query");
  var fromHash = /(^|[#&])query=/.test(window.location.hash);  // YASGUI's own share links

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: catalogueOptions,
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    tabName: "Query",  // a tab opened from an address is named for what it holds, not a question
    yasqe: { value: "" }
  });

  var tabEntry = {};  // tab id → the catalogue question it holds
  var tabValues = {};  // tab id → the boxes' values of that question

  // --- parameters: boxes, terms, the VALUES line ---------------------------------------------
  var form = document.getElementById("netkg-params");
  var fields = document.getElementById("netkg-params-fields");
  var errorEl = document.getElementById("netkg-params-error");
  var linkEl = document.getElementById("netkg-params-link");

  function isPlain(text) { return /^[A-Za-z0-9_-]+$/.test(text); }

  // A name as netkg prints it, read back (netkg.iris.expand); an error says what is wrong.
  function expand(raw, ns) {
    var text = raw.trim();
    if (text.charAt(0) === "<" && text.charAt(text.length - 1) === ">") {
      text = text.slice(1, -1);
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      // a full IRI as it stands
    } else if (text.indexOf(":") > 0) {
      var prefix = text.slice(0, text.indexOf(":"));
      var local = text.slice(text.indexOf(":") + 1);
      if (prefixes[prefix] !== undefined) {
        text = prefixes[prefix] + local;
      } else if (isPlain(prefix) && config.idKinds.indexOf(prefix) < 0 &&
                 (config.municipalities || []).indexOf(prefix) >= 0) {
        text = config.idBase + prefix + "/" + local;  // a municipality's own: gentofte:x
      } else {
        throw new Error("unknown prefix '" + prefix + "' in '" + raw + "': netkg's prefixes " +
          "are " + Object.keys(prefixes).sort().join(", ") + ", and each municipality's own " +
          "(e.g. gentofte:)");
      }
    } else if (ns && prefixes[ns] !== undefined) {
      text = prefixes[ns] + text;
    } else {
      throw new Error("'" + raw + "' is not an IRI or a prefixed name such as mun:gentofte");
    }
    if (!/^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(text)) {
      throw new Error("'" + raw + "' is not a valid IRI");
    }
    return "<" + text + ">";
  }

  function day(raw) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(raw.trim());
    if (!m) { throw new Error("'" + raw + "' is not a day YYYY[-MM[-DD]]"); }
    var text = m[1] + "-" + (m[2] || "01") + "-" + (m[3] || "01");
    var d = new Date(text + "T00:00:00Z");
    if (isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
      throw new Error("'" + raw + "' is not a day that exists");
    }
    return '"' + text + '"^^<' + XSD_DATE + ">";
  }

  function term(param, raw) {
    if (!raw.trim()) { return "UNDEF"; }  // empty: unbound, "all"
    if (param.type === "iri") { return expand(raw, param.ns); }
    if (param.type === "integer") {
      if (!/^[+-]?\d+$/.test(raw.trim())) { throw new Error("'" + raw + "' is not a whole number"); }
      return raw.trim();
    }
    if (param.type === "date") { return day(raw); }
    return '"' + raw.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") + '"';
  }

  // The question's SPARQL with its parameters as one VALUES line opening the WHERE group.
  function queryFor(entry, values) {
    if (!entry.params.length) { return entry.source; }
    var names = [];
    var cells = [];
    entry.params.forEach(function (p) {
      var raw = values[p.name] === undefined ? p["default"] : values[p.name];
      if (p.required && !raw.trim()) { throw new Error(p.name + " is needed: " + p.description); }
      names.push("?" + p.name);
      cells.push(term(p, raw));
    });
    var line = "VALUES (" + names.join(" ") + ") { (" + cells.join(" ") + ") }  # from the boxes above";
    if (entry.defaultsLine) {
      return entry.source.replace(entry.defaultsLine, line);
    }
    return entry.source.replace(/(WHERE\s*\{[^\n]*\n)/i, function (open) {
      return open + "  " + line + "\n";
    });
  }

  function address(entry, values) {
    var params = new URLSearchParams();
    params.set("question", entry.name);
    entry.params.forEach(function (p) {
      var raw = values[p.name];
      if (raw !== undefined && raw !== p["default"]) { params.set(p.name, raw); }
    });
    return window.location.pathname + "?" + params.toString();
  }

  function box(param, value) {
    var label = document.createElement("label");
    label.className = "field";
    label.title = param.description;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = param.name + (param.required ? " *" : "");
    label.appendChild(name);
    var input = document.createElement("input");
    input.name = param.name;
    input.value = value;
    input.autocomplete = "off";
    input.placeholder = param.type === "date" ? "YYYY[-MM[-DD]]" :
      param.required ? "e.g. gentofte:model-opgaveudvalg" : "empty: all";
    if (param.values && param.values.length) {
      var list = document.createElement("datalist");
      list.id = "netkg-values-" + param.name;
      param.values.forEach(function (v) {
        var option = document.createElement("option");
        option.value = v.value;
        option.textContent = v.label || v.value;
        list.appendChild(option);
      });
      label.appendChild(list);
      input.setAttribute("list", list.id);
    }
    label.appendChild(input);
    var about = document.createElement("span");
    about.className = "about";
    about.textContent = param.description;
    label.appendChild(about);
    return label;
  }

  function currentValues() {
    var values = {};
    fields.querySelectorAll("input").forEach(function (input) { values[input.name] = input.value; });
    return values;
  }

  // Rewrite the active tab's query from the boxes (and the address), or say what is wrong.
  function apply() {
    var tab = yasgui.getTab();
    var entry = tab && byName[tabEntry[tab.getId()]];
    if (!entry) { return false; }
    var values = currentValues();
    tabValues[tab.getId()] = values;
    try {
      var text = queryFor(entry, values);
      errorEl.textContent = "";
      if (tab.getYasqe().getValue() !== text) { tab.getYasqe().setValue(text); }
      var here = address(entry, values);
      linkEl.href = here;
      window.history.replaceState(null, "", here);
      return true;
    } catch (error) {
      errorEl.textContent = error.message;
      return false;
    }
  }

  function showForm() {
    var tab = yasgui.getTab();
    var entry = tab && byName[tabEntry[tab.getId()]];
    document.querySelectorAll(".catalogue button").forEach(function (b) {
      b.classList.toggle("active", !!entry && b.dataset.query === entry.name);
    });
    if (!entry) { form.hidden = true; return; }
    form.hidden = !entry.params.length;
    document.getElementById("netkg-params-title").textContent = entry.title;
    document.getElementById("netkg-params-question").textContent = entry.question;
    fields.textContent = "";
    var values = tabValues[tab.getId()] || {};
    entry.params.forEach(function (p) {
      var start = values[p.name] !== undefined ? values[p.name] : p["default"];
      if (p.name === "asOf" && values[p.name] === undefined && config.asOf) { start = config.asOf; }
      fields.appendChild(box(p, start));
    });
    document.title = entry.title + " – netkg";
    apply();
  }

  fields.addEventListener("input", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (apply()) { yasgui.getTab().query().catch(function () {}); }
  });

  // --- opening questions ----------------------------------------------------------------------
  function open(name, values, run, reuse) {
    var entry = byName[name];
    if (!entry) { return; }
    var tab = reuse;
    var existing = Object.keys(tabEntry).filter(function (id) {
      return tabEntry[id] === name && yasgui.getTab(id);
    })[0];
    if (!tab && existing && values === undefined) {  // the question's own tab, as it was left
      yasgui.selectTabId(existing);
      showForm();
      return yasgui.getTab(existing);
    }
    if (!tab) {
      tab = yasgui.addTab(true, {
        name: entry.title,
        yasqe: { value: entry.query },
        requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: endpoint })
      });
    } else {
      tab.setName(entry.title);
      tab.getYasqe().setValue(entry.query);
    }
    tabEntry[tab.getId()] = name;
    tabValues[tab.getId()] = values || {};
    yasgui.selectTabId(tab.getId());
    showForm();
    if (run) { tab.query().catch(function () {}); }
    return tab;
  }

  yasgui.on("tabSelect", function () { window.setTimeout(showForm, 0); });
  yasgui.on("tabClose", function () { window.setTimeout(showForm, 0); });

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

  // --- when a query cannot reach its endpoint: say which, and how to point elsewhere -----------
  var problem = document.getElementById("netkg-query-problem");
  yasgui.on("queryResponse", function (y, tab) {
    window.setTimeout(function () { explain(tab); }, 0);  // YASR takes the answer after this
  });
  function explain(tab) {
    var results = tab.getYasr && tab.getYasr().results;
    var error = results && results.getError && results.getError();
    if (!error) { problem.hidden = true; return; }
    var tried = tab.getEndpoint ? tab.getEndpoint() : endpoint;
    var status = error.status ? " (HTTP " + error.status + ")" : "";
    var how = config.localEndpoint ?
      "Start netkg serve on this machine (it answers at " + config.localEndpoint + "), write the " +
      "site for another endpoint with `netkg site --endpoint URL`, or type an endpoint in the " +
      "editor's endpoint box." :
      "Type another endpoint in the editor's endpoint box.";
    problem.textContent = "The query could not be answered by " + tried + status + ": " +
      (error.text || error.statusText || "no answer") + ". " + how;
    problem.hidden = false;
  }

  function setEndpoint(url, note) {
    endpoint = url;
    yasgui.config.requestConfig.endpoint = url;
    Object.keys(yasgui._tabs || {}).forEach(function (id) { yasgui.getTab(id).setEndpoint(url); });
    document.getElementById("netkg-endpoint-url").textContent = url;
    var how = document.getElementById("netkg-endpoint-how");
    if (how && note) { how.textContent = note; }
  }

  function start() {
    var tab = yasgui.getTab();
    if (asked && byName[asked]) {
      var values = {};
      byName[asked].params.forEach(function (p) {
        if (search.has(p.name)) { values[p.name] = search.get(p.name); }
      });
      open(asked, values, true, tab && !tab.getYasqe().getValue() ? tab : null);
    } else if (shared) {
      tab.setName("Query");
      tab.getYasqe().setValue(shared);
      tab.query().catch(function () {});
    } else if (!fromHash) {
      var first = config.catalogue.find(function (e) { return e.kind === "question"; });
      if (first) { open(first.name, {}, false, tab); }
    }
    showForm();
  }

  // A static site written without --endpoint, opened from disk or this machine: ask the local
  // netkg serve first; the public address stays the answer when none is there.
  var local = config.localEndpoint && !config.endpointGiven &&
    (window.location.protocol === "file:" ||
     ["localhost", "127.0.0.1", "[::1]"].indexOf(window.location.hostname) >= 0);
  if (local) {
    var ask = config.localEndpoint + "?query=" + encodeURIComponent("ASK {}");
    var timer = null;
    var aborter = window.AbortController ? new AbortController() : null;
    if (aborter) { timer = window.setTimeout(function () { aborter.abort(); }, 1500); }
    fetch(ask, { headers: { Accept: "application/sparql-results+json" },
                 signal: aborter ? aborter.signal : undefined })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        setEndpoint(config.localEndpoint, " (the local netkg serve; the site was written for " +
          config.endpoint + ")");
      })
      .catch(function () {
        setEndpoint(endpoint, " (no netkg serve answered at " + config.localEndpoint +
          "; start one there, or write the site for another endpoint with " +
          "`netkg site --endpoint URL`)");
      })
      .then(function () { if (timer) { window.clearTimeout(timer); } start(); });
  } else {
    start();
  }

  window.netkgSparql = { yasgui: yasgui, open: open, expand: expand, queryFor: queryFor };
})();
