/* The catalog page's search, filters, sorting and URL state (progressive enhancement: without
 * this script the page lists every entry). Search is MiniSearch with the options the build put
 * in #catalog-data (bot/site/search.py documents what they match). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("catalog-data").textContent);
  var entries = data.entries;
  var n = entries.length;
  var form = document.getElementById("controls");
  var controls = {
    q: document.getElementById("q"),
    section: document.getElementById("section"),
    year: document.getElementById("year"),
    venue: document.getElementById("venue"),
    code: document.getElementById("code"),
    stars: document.getElementById("stars"),
    sort: document.getElementById("sort")
  };
  var count = document.getElementById("count");
  var sortedList = document.getElementById("sorted");
  var empty = document.getElementById("empty");
  var toc = document.getElementById("toc");
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  var items = new Array(n);
  var homes = new Array(n);
  var shown = new Array(n);
  for (var i = 0; i < n; i++) {
    items[i] = document.getElementById("e" + entries[i].id);
    homes[i] = items[i].parentNode;
    shown[i] = true;
  }
  var tokenize = MiniSearch.getDefault("tokenize");
  var index = null;
  var order = "catalog";
  var timings = { index: null, lastUpdate: null, updates: 0 };
  window.siteTimings = timings;

  function abstractOf(id) {
    var node = items[id].querySelector(".abstract");
    return node ? node.textContent : "";
  }

  function ensureIndex() {
    if (index) return index;
    var start = performance.now();
    index = new MiniSearch({
      fields: data.search.fields,
      idField: "id",
      searchOptions: data.search.searchOptions,
      extractField: function (doc, field) {
        return field === "abstract" ? abstractOf(doc.id) : doc[field];
      }
    });
    index.addAll(entries);
    timings.index = performance.now() - start;
    return index;
  }

  function terms(query) {
    return tokenize(query).filter(function (t) { return t.length > 0; });
  }

  function readState() {
    return {
      q: controls.q.value.trim(),
      section: controls.section.value,
      year: controls.year.value,
      venue: controls.venue.value,
      code: controls.code.checked,
      stars: Math.max(0, parseInt(controls.stars.value, 10) || 0),
      sort: controls.sort.value || "catalog"
    };
  }

  function setSelect(select, value) {
    for (var k = 0; k < select.options.length; k++) {
      if (select.options[k].value === value) { select.value = value; return; }
    }
    select.value = "";
  }

  function loadState(params) {
    controls.q.value = params.get("q") || "";
    setSelect(controls.section, params.get("section") || "");
    setSelect(controls.year, params.get("year") || "");
    setSelect(controls.venue, params.get("venue") || "");
    controls.code.checked = params.get("code") === "1";
    var stars = parseInt(params.get("stars") || "", 10);
    controls.stars.value = stars > 0 ? String(stars) : "";
    setSelect(controls.sort, params.get("sort") || "catalog");
    if (!controls.sort.value) controls.sort.value = "catalog";
  }

  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.section) params.set("section", state.section);
    if (state.year) params.set("year", state.year);
    if (state.venue) params.set("venue", state.venue);
    if (state.code) params.set("code", "1");
    if (state.stars) params.set("stars", String(state.stars));
    if (state.sort !== "catalog") params.set("sort", state.sort);
    var search = params.toString();
    var url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(null, "", url);
    }
  }

  function keep(e, state, hits) {
    if (state.section && e.s !== state.section && e.u !== state.section) return false;
    if (state.year && e.y !== Number(state.year)) return false;
    if (state.venue && e.v !== state.venue) return false;
    if (state.code && !e.c) return false;
    if (state.stars && e.st < state.stars) return false;
    return hits === null || hits.has(e.id);
  }

  function reorder(sort) {
    if (sort === order) return;
    var k;
    if (sort === "catalog") {
      for (k = 0; k < n; k++) homes[k].appendChild(items[k]);
    } else {
      var key = sort === "stars" ? "st" : "d";
      var ids = entries.map(function (e) { return e.id; });
      ids.sort(function (a, b) { return (entries[b][key] - entries[a][key]) || (a - b); });
      var fragment = document.createDocumentFragment();
      for (k = 0; k < ids.length; k++) fragment.appendChild(items[ids[k]]);
      sortedList.appendChild(fragment);
    }
    var flat = sort !== "catalog";
    sortedList.hidden = !flat;
    toc.hidden = flat;
    order = sort;
  }

  function update() {
    var start = performance.now();
    var state = readState();
    var hits = null;
    if (terms(state.q).length) {
      hits = new Set(ensureIndex().search(state.q).map(function (r) { return r.id; }));
    }
    reorder(state.sort);
    var visible = 0;
    var groupCounts = new Map();
    for (var k = 0; k < n; k++) {
      var on = keep(entries[k], state, hits);
      if (on !== shown[k]) { items[k].hidden = !on; shown[k] = on; }
      if (on) {
        visible++;
        groupCounts.set(homes[k], (groupCounts.get(homes[k]) || 0) + 1);
      }
    }
    var flat = state.sort !== "catalog";
    var filtered = visible !== n;
    for (var g = groups.length - 1; g >= 0; g--) {
      var group = groups[g];
      var list = group.querySelector(":scope > ul.entries");
      var total = groupCounts.get(list) || 0;
      var subs = group.querySelectorAll(":scope > section.group");
      for (var s = 0; s < subs.length; s++) total += subs[s].hidden ? 0 : 1;
      group.hidden = flat || (filtered && total === 0);
    }
    empty.hidden = visible !== 0;
    count.textContent = filtered ? visible + " of " + n + " entries match" : n + " entries";
    count.setAttribute("data-count", String(visible));
    writeState(state);
    timings.lastUpdate = performance.now() - start;
    timings.updates++;
  }

  loadState(new URLSearchParams(location.search));
  form.hidden = false;
  document.documentElement.classList.add("js");
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  update();
  document.documentElement.setAttribute("data-ready", "1");
  // Build the index once the page has painted, so that the first keystroke does not pay for it.
  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
  idle(function () { ensureIndex(); document.documentElement.setAttribute("data-indexed", "1"); });
})();
