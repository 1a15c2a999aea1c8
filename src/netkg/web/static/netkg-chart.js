// A chart view of SELECT results for YASR (the results half of YASGUI), drawn with the vendored
// Chart.js (static/chartjs). It offers itself when a column holds numbers: pick the column for
// the labels (x), optionally one whose values become the series (stacked bars), and the number
// column; rows with the same label and series are summed. Nothing is fetched from anywhere.
// Also here: how literals read in the results table (a value, not "2"^^xsd:integer).
(function () {
  "use strict";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = [
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "gYear",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"
  ];
  // Shown without a type tag: the value says what it is.
  var PLAIN = NUMERIC.concat(["string", "boolean"]);
  var COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"
  ];
  var NONE = "";

  function isNumber(binding) {
    return !!binding && binding.type !== "uri" && typeof binding.datatype === "string" &&
      binding.datatype.indexOf(XSD) === 0 &&
      NUMERIC.indexOf(binding.datatype.slice(XSD.length)) >= 0 &&
      binding.value.trim() !== "" && !isNaN(Number(binding.value));
  }

  function shortIri(iri, prefixes) {
    var best = null;
    Object.keys(prefixes || {}).forEach(function (prefix) {
      var ns = prefixes[prefix];
      if (iri.indexOf(ns) === 0 && (best === null || ns.length > prefixes[best].length)) {
        best = prefix;
      }
    });
    return best === null ? iri : best + ":" + iri.slice(prefixes[best].length);
  }

  function shown(binding, prefixes) {
    if (!binding) { return "–"; }
    return binding.type === "uri" ? shortIri(binding.value, prefixes) : binding.value;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The results table: a literal shows as its value, with a small tag for its language or for a
  // datatype that is not obvious from the value (xsd:date, say); the full datatype on hover.
  function formatLiteral(binding, prefixes) {
    var text = escapeHtml(binding.value);
    var lang = binding["xml:lang"];
    if (lang) {
      return text + ' <sup class="netkg-tag">' + escapeHtml(lang) + "</sup>";
    }
    var datatype = binding.datatype;
    if (!datatype || (datatype.indexOf(XSD) === 0 && PLAIN.indexOf(datatype.slice(XSD.length)) >= 0)) {
      return text;
    }
    return '<span title="' + escapeHtml(datatype) + '">' + text + "</span>" +
      ' <sup class="netkg-tag">' + escapeHtml(shortIri(datatype, prefixes)) + "</sup>";
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Chart";
      this.chart = null;
      this.choice = {};
    }

    columns() {
      var results = this.yasr.results;
      var variables = (results && results.getVariables && results.getVariables()) || [];
      var rows = (results && results.getBindings && results.getBindings()) || [];
      var numbers = variables.filter(function (v) {
        var present = rows.filter(function (r) { return r[v]; });
        return present.length > 0 && present.every(function (r) { return isNumber(r[v]); });
      });
      var others = variables.filter(function (v) { return numbers.indexOf(v) < 0; });
      return { rows: rows, numbers: numbers, others: others };
    }

    canHandleResults() {
      var c = this.columns();
      return c.rows.length > 0 && c.numbers.length > 0;
    }

    getIcon() {
      var icon = document.createElement("div");
      icon.className = "netkg-chart-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "▮▮";
      return icon;
    }

    destroy() {
      if (this.chart) { this.chart.destroy(); this.chart = null; }
      if (this.root) { this.root.remove(); this.root = null; }
    }

    draw() {
      this.destroy();
      var self = this;
      var c = this.columns();
      var choice = this.choice;
      if (c.numbers.indexOf(choice.value) < 0) { choice.value = c.numbers[c.numbers.length - 1]; }
      var labelled = c.others.filter(function (v) { return /Label$/.test(v); });
      if (c.others.indexOf(choice.x) < 0 && choice.x !== NONE) {
        choice.x = labelled[0] || c.others[0] || NONE;
      }
      if (c.others.indexOf(choice.series) < 0) { choice.series = NONE; }
      if (["bar", "horizontal", "line"].indexOf(choice.kind) < 0) { choice.kind = "bar"; }

      var root = document.createElement("div");
      root.className = "netkg-chart";
      this.root = root;
      var controls = document.createElement("div");
      controls.className = "netkg-chart-controls";
      function select(name, label, options, current) {
        var wrap = document.createElement("label");
        wrap.textContent = label + " ";
        var box = document.createElement("select");
        box.name = name;
        options.forEach(function (o) {
          var option = document.createElement("option");
          option.value = o[0];
          option.textContent = o[1];
          option.selected = o[0] === current;
          box.appendChild(option);
        });
        box.addEventListener("change", function () { choice[name] = box.value; self.draw(); });
        wrap.appendChild(box);
        controls.appendChild(wrap);
      }
      function named(list) { return list.map(function (v) { return [v, v]; }); }
      select("x", "Labels", [[NONE, "(row number)"]].concat(named(c.others)), choice.x);
      select("series", "Series", [[NONE, "(none)"]].concat(named(c.others)), choice.series);
      select("value", "Value", named(c.numbers), choice.value);
      select("kind", "Chart", [["bar", "bars"], ["horizontal", "horizontal bars"],
        ["line", "line"]], choice.kind);
      var note = document.createElement("span");
      note.className = "netkg-chart-note";
      note.textContent = "Rows with the same label and series are added up.";
      controls.appendChild(note);
      root.appendChild(controls);
      var box = document.createElement("div");
      box.className = "netkg-chart-canvas";
      var canvas = document.createElement("canvas");
      box.appendChild(canvas);
      root.appendChild(box);
      this.yasr.resultsEl.appendChild(root);

      var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
      var labels = [];
      var seriesNames = [];
      var sums = {};
      c.rows.forEach(function (row, i) {
        var label = choice.x === NONE ? String(i + 1) : shown(row[choice.x], prefixes);
        var series = choice.series === NONE ? choice.value : shown(row[choice.series], prefixes);
        if (labels.indexOf(label) < 0) { labels.push(label); }
        if (seriesNames.indexOf(series) < 0) { seriesNames.push(series); }
        var value = row[choice.value] ? Number(row[choice.value].value) : 0;
        var key = JSON.stringify([label, series]);
        sums[key] = (sums[key] || 0) + value;
      });
      var datasets = seriesNames.map(function (series, i) {
        var colour = COLOURS[i % COLOURS.length];
        return {
          label: series,
          data: labels.map(function (label) {
            var v = sums[JSON.stringify([label, series])];
            return v === undefined ? null : v;
          }),
          backgroundColor: colour,
          borderColor: colour
        };
      });
      var stacked = choice.series !== NONE && choice.kind !== "line";
      box.style.height = Math.max(320, choice.kind === "horizontal" ? 28 * labels.length + 80 : 0) + "px";
      this.chart = new window.Chart(canvas, {
        type: choice.kind === "line" ? "line" : "bar",
        data: { labels: labels, datasets: datasets },
        options: {
          indexAxis: choice.kind === "horizontal" ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { stacked: stacked }, y: { stacked: stacked } },
          plugins: {
            legend: { display: datasets.length > 1, position: "right" },
            title: { display: true, text: choice.value + (choice.x === NONE ? "" : " by " + choice.x) }
          }
        }
      });
    }
  }

  window.netkgChart = {
    ChartPlugin: ChartPlugin,
    formatLiteral: formatLiteral,
    isNumber: isNumber
  };
})();
