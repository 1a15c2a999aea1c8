// The home page's search box. The index is written into the page (netkg serve and netkg site
// build it from the same data), so searching needs no server and no network: it works on a static
// host and from a folder opened in the browser. Every word typed must begin a word of a resource's
// labels (Danish or English), kind, municipality or path ("ppr" finds PPR, not "approves"); case
// and accents do not matter (æ = ae, ø = oe, å = aa). Each hit says which municipality it belongs
// to; the page's address keeps the search (?q=words), so a search can be linked to.
(function () {
  "use strict";
  var data = document.getElementById("netkg-search-index");
  var input = document.getElementById("netkg-search");
  var list = document.getElementById("netkg-search-results");
  var count = document.getElementById("netkg-search-count");
  if (!data || !input || !list) { return; }
  var entries = JSON.parse(data.textContent);
  var SHOWN = 100;

  function fold(text) {  // lower case, accents and punctuation gone: words between spaces
    return text.toLowerCase()
      .replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ");
  }

  entries.forEach(function (e) {
    e.haystack = " " + fold([e.label, e.also, e.kind, e.municipality || "", e.path].join(" "));
  });

  function item(entry) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry.href;
    link.textContent = entry.label;
    link.title = entry.path;
    li.appendChild(link);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = entry.kind;
    li.appendChild(kind);
    if (entry.municipality) {
      var town = document.createElement("span");
      town.className = "municipality";
      town.textContent = entry.municipality;
      li.appendChild(town);
    }
    if (entry.also) {
      var also = document.createElement("span");
      also.className = "also";
      also.textContent = entry.also;
      li.appendChild(also);
    }
    return li;
  }

  var link = document.getElementById("netkg-search-link");

  function remember() {  // the address holds the search: ?q=words
    var params = new URLSearchParams(window.location.search);
    if (input.value.trim()) { params.set("q", input.value); } else { params.delete("q"); }
    var query = params.toString();
    var here = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try { window.history.replaceState(null, "", here); } catch (e) { /* a file: page may refuse */ }
    if (link) { link.href = here; link.hidden = !input.value.trim(); }
  }

  function search() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    remember();
    if (!words.length) {
      list.hidden = true;
      count.textContent = "";
      return;
    }
    var found = entries.filter(function (e) {
      return words.every(function (w) { return e.haystack.indexOf(" " + w) >= 0; });
    });
    found.slice(0, SHOWN).forEach(function (e) { list.appendChild(item(e)); });
    list.hidden = false;
    count.textContent = found.length === 1 ? "1 resource" :
      found.length + " resources" + (found.length > SHOWN ? " (first " + SHOWN + " shown)" : "");
  }

  input.closest("form").hidden = false;
  input.closest("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) { window.location.href = first.href; }
  });
  input.addEventListener("input", search);
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { input.value = asked; }
  search();
})();
