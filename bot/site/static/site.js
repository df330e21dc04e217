/* The catalog page's search, filters, sorting and URL state (progressive enhancement: without
 * this script the page lists every entry). Filters and sorting run here on the facets in
 * #catalog-data; the text search runs in search-worker.js (MiniSearch with the options in
 * #search-options, which bot/site/search.py documents; search-start.js starts it from <head>),
 * so typing never waits for indexing. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("catalog-data").textContent);
  // The search's options and whether any entry has an abstract (in <head>, for search-start.js).
  var searchConfig = JSON.parse(document.getElementById("search-options").textContent);
  // The facets come a list per facet (bot/site/build.py facet_columns): one object per entry here.
  var facets = data.facets;
  var n = facets.s ? facets.s.length : 0;
  var entries = new Array(n);
  for (var e = 0; e < n; e++) {
    entries[e] = { id: e, s: facets.s[e], u: facets.u[e], y: facets.y[e], v: facets.v[e], c: facets.c[e],
                   st: facets.st[e], d: facets.d[e], a: facets.a[e] };
  }
  // The page's own words, in the catalog's language (bot/site/labels.py): label("show_all", {n: 3})
  // fills each {name} in one pass (a "$&" or a "{count}" typed in the search stays as typed).
  var labels = data.labels;
  function label(key, values) {
    return labels[key].replace(/\{(\w+)\}/g, function (found, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : found;
    });
  }
  var ALL = label(n === 1 ? "entries_one" : "entries_other", { n: n });  // a catalog of one agrees too
  var root = document.documentElement;
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
  var results = document.getElementById("results");
  var sortedList = document.getElementById("sorted");
  var empty = document.getElementById("empty");
  var toc = document.getElementById("toc");
  var catalogBox = document.getElementById("catalog");
  var matchesHeading = document.getElementById("matches");
  var items = new Array(n);
  // each entry's <li>: its title has the id ("e12"), which its pdf and code links are named by
  for (var i = 0; i < n; i++) items[i] = document.getElementById("e" + entries[i].id).parentNode;
  // MiniSearch's default tokenizer (what the worker splits queries with).
  var SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;
  var timings = { ready: null, indexed: null, index: null, search: null, lastUpdate: null, updates: 0 };
  window.siteTimings = timings;

  // -- the search worker ---------------------------------------------------------------------
  var worker = null;
  // "loading"; "short": titles, authors and arXiv ids searchable, abstracts being indexed;
  // "ready": everything; "failed". abstractsFailed: abstracts.json could not be loaded.
  var indexState = "loading";
  var abstractsFailed = false;
  var hitCache = { q: null, ids: null, stage: null };
  var inFlight = null; // the query the worker is answering
  var seq = 0;

  var minLength = searchConfig.options.minTermLength || 1;
  var NUMBER = /^[0-9]+$/;  // kept whatever its length: "4-bit" is not "bit"

  // arXiv links and "arXiv:" or versioned ids become bare ids (bot/site/search.py plain_query).
  // An id is new-style (2405.00732) or old-style (hep-th/9901001, math.GT/0309136).
  var ARXIV_LINK = /(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?/gi;
  var ARXIV_ID = /\barxiv\s*(?::\s*)?(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?|\b(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})v\d+\b/gi;
  function plainQuery(query) {
    return query.replace(ARXIV_LINK, "$1").replace(ARXIV_ID, function (m, a, b) { return a || b; });
  }

  // The query as searched: its terms folded as the worker indexes them (without accents,
  // lowercased, "ł" as "l"...), of at least minTermLength characters (code points) unless a
  // number, space-separated; "" when none is left (every entry matches).
  var letters = searchConfig.options.letters || {};
  var LETTER = new RegExp("[" + Object.keys(letters).join("") + "]", "gu");
  function searched(query) {
    return plainQuery(query).split(SPACE_OR_PUNCTUATION).map(function (t) {
      return t.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
        .replace(LETTER, function (c) { return letters[c]; });
    }).filter(function (t) {
      return Array.from(t).length >= minLength || NUMBER.test(t);
    }).join(" ");
  }

  function ask(q) {
    // One search at a time: a query typed meanwhile is asked for when this one is answered.
    if (inFlight !== null) return;
    inFlight = q;
    timings.asked = performance.now();
    worker.postMessage({ type: "search", seq: ++seq, q: q });
  }

  function onWorkerMessage(event) {
    var message = event.data;
    if (message.type === "searchable" || message.type === "indexed") {
      // The short fields, then everything: the current query is asked again of the whole index.
      indexState = message.type === "indexed" ? "ready" : "short";
      timings[message.type === "indexed" ? "index" : "shortIndex"] = message.ms;
      timings[message.type] = performance.now();
      root.setAttribute("data-" + message.type, "1");
      update();
    } else if (message.type === "abstracts") {
      abstracts.start(sortedList.children);
    } else if (message.type === "results") {
      inFlight = null;
      timings.search = message.ms;
      timings.roundTrip = performance.now() - timings.asked;
      var ids = new Set(message.ids);
      if (message.edits) {  // typo-tolerant matches: closest first
        ids.edits = new Map();
        for (var r = 0; r < message.ids.length; r++) ids.edits.set(message.ids[r], message.edits[r]);
      }
      ids.ranks = new Map();  // "Best match": where each has the query's words (search-worker.js rank)
      for (var m = 0; m < message.ids.length; m++) ids.ranks.set(message.ids[m], message.ranks[m]);
      hitCache = { q: message.q, ids: ids, fuzzy: message.fuzzy, stage: message.stage };
      update();
    } else if (message.type === "abstract") {
      abstracts.show(message.id, message.text);
    } else if (message.type === "error" && message.stage === "abstracts") {
      abstractsFailed = true;
      if (window.console) console.warn("abstracts not searchable: " + message.message);
      update();
    } else if (message.type === "error") {
      searchFailed(message.message);
    }
  }

  // The index could not be loaded (search.json missing or broken, no worker): say so on the
  // page, not only in the console, so a search that shows everything is not taken as a match.
  function searchFailed(why) {
    indexState = "failed";
    document.getElementById("search-note").hidden = false;
    if (window.console) console.warn("catalog search unavailable: " + why);
    update();
  }

  // The worker search-start.js started from the page's <head> (its messages so far wait in
  // window.catalogSearch), else a new one; then abstracts.json, now that the page is parsed.
  function startWorker() {
    var early = window.catalogSearch;
    var queued = [];
    if (early && (early.worker || early.error)) {
      if (early.error) { searchFailed(early.error); return; }
      worker = early.worker;
      queued = early.messages;
      timings.workerStarted = early.started;
    } else {
      window.catalogSearch = { worker: null };  // search-start.js, if it comes late, stays out
      timings.workerStarted = performance.now();
      try {
        worker = new Worker("static/search-worker.js");
      } catch (error) {
        searchFailed(String(error));
        return;
      }
      worker.postMessage({ type: "init", url: new URL("search.json", document.baseURI).href,
                           abstractsLater: searchConfig.abstracts, options: searchConfig.options });
    }
    worker.onmessage = onWorkerMessage;
    worker.onerror = function (event) { searchFailed(event.message || "worker error"); };
    if (early && early.fromPage) {
      // The page was still downloading when search-start.js ran: its own text, not search.json
      // (search-start.js has sent the entries parsed so far, and now the rest), and the
      // abstracts (most of a big site's weight) once a search needs them.
      early.finish();
      controls.q.addEventListener("focus", askAbstracts);
    } else {
      askAbstracts();
    }
    for (var k = 0; k < queued.length; k++) onWorkerMessage({ data: queued[k] });
    queued.length = 0;
  }

  var abstractsAsked = false;
  function askAbstracts() {
    if (abstractsAsked || !worker || !searchConfig.abstracts) return;
    abstractsAsked = true;
    worker.postMessage({ type: "abstracts", url: new URL("abstracts.json", document.baseURI).href });
  }

  // -- abstracts (abstracts.js): toggles once the worker has them, text asked when opened --
  var abstracts = window.catalogAbstracts(entries, catalogBox, function (id) {
    if (worker) worker.postMessage({ type: "abstract", id: id });
  }, label);

  // -- state ---------------------------------------------------------------------------------
  function readState() {
    return {
      q: controls.q.value.trim(),
      section: controls.section.value,
      year: controls.year.value,
      venue: controls.venue.value,
      code: controls.code.checked,
      stars: controls.stars ? Math.max(0, parseInt(controls.stars.value, 10) || 0) : 0,
      sort: controls.sort.value || "relevance"
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
    // No entry has stars: the page has no stars filter (nor order), and ignores ?stars=.
    if (controls.stars) controls.stars.value = stars > 0 ? String(stars) : "";
    setSelect(controls.sort, params.get("sort") || "relevance");
    if (!controls.sort.value) controls.sort.value = "relevance";
  }

  // Each change is a step the back button undoes: a change to another control than the last
  // one adds a history entry; more changes to the same control update it (each keystroke of a
  // search, or arrow keys going down a list), until a typed search is committed (Enter, or
  // leaving the box).
  var changing = null; // the control whose history entry is the current one
  var pushNext = false;

  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.section) params.set("section", state.section);
    if (state.year) params.set("year", state.year);
    if (state.venue) params.set("venue", state.venue);
    if (state.code) params.set("code", "1");
    if (state.stars) params.set("stars", String(state.stars));
    if (state.sort !== "relevance") params.set("sort", state.sort);
    var search = params.toString();
    var url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) writeUrl(url, pushNext);
    pushNext = false;
  }

  // Safari refuses more than 100 history writes in 30 s (a SecurityError), about a minute of
  // typing: the list must go on following the search, and the URL catch up once it may.
  var retry = null;
  function writeUrl(url, push) {
    try {
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    } catch (error) {
      if (retry === null) {
        retry = setTimeout(function () { retry = null; writeState(readState()); }, 1000);
      }
    }
  }

  function onInput(event) {
    pushNext = changing !== event.target;
    changing = event.target;
    update();
    if (event.target === controls.q) keepCountInView();
  }

  // On a phone the controls fill most of the screen: while a search is typed, they scroll to
  // the top unless the count is in the upper 60% of the screen, with room for results under it.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
  function keepCountInView() {
    if (!narrow || !narrow.matches) return;
    var height = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    if (count.getBoundingClientRect().bottom > 0.6 * height) form.scrollIntoView({ block: "start" });
  }

  // -- showing -------------------------------------------------------------------------------
  function keep(e, state, hits) {
    if (state.section && e.s !== state.section && e.u !== state.section) return false;
    if (state.year && e.y !== Number(state.year)) return false;
    if (state.venue && e.v !== state.venue) return false;
    if (state.code && !e.c) return false;
    if (state.stars && e.st < state.stars) return false;
    return hits === null || hits.has(e.id);
  }

  // The catalog (grouped by section, like catalog.md) shows when nothing is filtered and the
  // order is the catalog's; otherwise the matches show in one flat list of copies: the first
  // LIMIT at once, all of them on "Show all". The catalog's entries are never restyled one by
  // one, and a keystroke never lays out thousands of entries: that keeps typing fast.
  var LIMIT = data.limit || 200;
  var CHUNK = 400;
  var shownKey = "";
  var generation = 0;
  var pendingIds = [];
  var more = document.getElementById("more");
  var moreButton = more.querySelector("button");

  // A match in a flat list: a copy of the catalog's entry, with its section ("Alpha › Alpha
  // Two"), which the grouped catalog shows as headings.
  function copyOf(id) {
    var copy = items[id].cloneNode(true);
    copy.firstElementChild.removeAttribute("id");  // its title's: the links' names read the catalog's
    var where = document.createElement("span");
    where.className = "where";
    var e = entries[id];
    where.textContent = data.titles[e.s] + (e.u ? " › " + data.titles[e.u] : "");
    var meta = copy.querySelector(".meta");
    meta.appendChild(where);
    abstracts.add(copy);
    return copy;
  }

  // The keyboard's place in the flat list: its entry and which of the entry's links or toggle.
  function focusedEntry() {
    var active = document.activeElement;
    if (!active || active === sortedList || !sortedList.contains(active)) return null;
    var li = active.closest("li[data-i]");
    var parts = li ? li.querySelectorAll("a, summary") : [];
    return { id: li && li.getAttribute("data-i"), part: Array.prototype.indexOf.call(parts, active) };
  }

  // A list replaced under the keyboard (the same search answered again once the abstracts are
  // indexed, or the back button) keeps the focus on the same link of the same entry when it is
  // still shown, else on the results: the page's start, where it fell, is far from there.
  function refocus(place) {
    var li = sortedList.querySelector("li[data-i='" + place.id + "']");
    var target = li && li.querySelectorAll("a, summary")[place.part];
    (target || results).focus();
  }

  function render(ids) {
    var place = focusedEntry();
    // A new list replaces the old one whole: cheaper than removing its entries one by one.
    var fragment = document.createDocumentFragment();
    var stop = Math.min(ids.length, LIMIT);
    for (var k = 0; k < stop; k++) fragment.appendChild(copyOf(ids[k]));
    var fresh = sortedList.cloneNode(false);
    fresh.appendChild(fragment);
    sortedList.replaceWith(fresh);
    sortedList = fresh;
    pendingIds = ids.slice(stop);
    more.hidden = pendingIds.length === 0;
    moreButton.textContent = label("show_all", { n: ids.length });
    if (place) refocus(place);
  }

  function renderRest(gen) {
    if (gen !== generation || !pendingIds.length) return;
    var fragment = document.createDocumentFragment();
    var chunk = pendingIds.splice(0, CHUNK);
    for (var k = 0; k < chunk.length; k++) fragment.appendChild(copyOf(chunk[k]));
    sortedList.appendChild(fragment);
    if (pendingIds.length) requestAnimationFrame(function () { renderRest(gen); });
  }

  moreButton.addEventListener("click", function () {
    var first = pendingIds[0];
    more.hidden = true;
    renderRest(generation);
    // The button is gone: the keyboard goes on from the first entry it showed, not the footer.
    var link = sortedList.querySelector("li[data-i='" + first + "'] .title");
    if (link) link.focus();
  });

  // The count is announced (aria-live) whenever its text node changes, even to the same words: it
  // is written only when they differ, or a screen reader would repeat "64 entries" as the page
  // loads and the index comes in, and each count several times as a search is typed.
  function say(text) {
    if (count.textContent !== text) count.textContent = text;
  }

  // words(text, shown): the count's words around the plain count ("12 of 64 entries match").
  function show(state, hits, words) {
    var start = performance.now();
    var ids = [];
    for (var k = 0; k < n; k++) {
      if (keep(entries[k], state, hits)) ids.push(k);
    }
    // Matches found with typos allowed come closest first (fewest edits), then in the order chosen:
    // "Best match" (the default) ranks a search's matches, and is the catalog's order otherwise.
    var distance = hits && hits.edits ? hits.edits : null;
    var ranks = hits && state.sort === "relevance" ? hits.ranks : null;
    var flat = (state.sort !== "catalog" && state.sort !== "relevance") || ids.length !== n ||
      distance !== null || ranks !== null;
    var key = state.sort === "stars" ? "st" : state.sort === "newest" ? "d" : null;
    if (key || distance || ranks) {
      ids.sort(function (a, b) {
        return (distance ? distance.get(entries[a].id) - distance.get(entries[b].id) : 0) ||
          (ranks ? ranks.get(entries[a].id) - ranks.get(entries[b].id) : 0) ||
          (key ? entries[b][key] - entries[a][key] : 0) || (a - b);
      });
    }
    var listKey = flat ? state.sort + ":" + ids.join(",") : "";
    if (listKey !== shownKey) {
      generation++;
      render(flat ? ids : []);
      shownKey = listKey;
    }
    // content-visibility: hidden keeps the catalog's layout, so showing it again is cheap.
    if (catalogBox.classList.contains("off") !== flat) catalogBox.classList.toggle("off", flat);
    sortedList.hidden = !flat || ids.length === 0;
    matchesHeading.hidden = !flat;
    toc.hidden = flat;
    empty.hidden = ids.length !== 0;
    var text = ids.length !== n ? label("count_match", { shown: ids.length, total: n }) : ALL;
    say(words ? words(text, ids.length) : text);
    count.setAttribute("data-count", String(ids.length));
    results.removeAttribute("aria-busy");
    results.classList.remove("waiting");
    timings.lastUpdate = performance.now() - start;
    timings.updates++;
  }

  function update() {
    var state = readState();
    writeState(state);
    var q = searched(state.q);
    if (!q) { show(state, null); return; }
    askAbstracts();
    if (indexState === "failed") {
      show(state, null, function (text) { return label("unavailable", { count: text }); });
      return;
    }
    // An answer of the short index stands until the whole index is ready (then it is asked again).
    if (hitCache.q === q && (hitCache.stage === "full" || indexState === "short")) {
      var found = hitCache;
      show(state, found.ids, function (text) {
        // Nothing had every word as typed: these matches allow a typo or two; say so.
        if (found.fuzzy && found.ids.size) text = label("similar", { count: text });
        if (found.stage === "short") {  // the page says what was searched
          text = label(abstractsFailed ? "short_failed" : "short_indexing", { count: text });
        }
        return text;
      });
      return;
    }
    if (indexState === "loading") {
      // A shared ?q= link: the filters that need no index apply at once, and the list is
      // framed and the count says the search is still to come, so it is not taken as the result.
      show(state, null, function (text, filtered) {
        return label("loading", {
          q: state.q,
          count: filtered !== n ? label("count_filters", { shown: filtered, total: n }) : ALL
        });
      });
      results.classList.add("waiting");
    }
    results.setAttribute("aria-busy", "true");
    if (indexState !== "loading") ask(q);
  }

  // The search box's example, whole when it fits: else the longest of its shorter forms
  // (data-examples) that does, measured in the box's font (at 375 px "e.g. weight-only
  // quantization, or 2405.00732" was cut to "e.g. weight-only quantization, or 240").
  var examples = [controls.q.placeholder].concat(
    (controls.q.getAttribute("data-examples") || "").split("\n").filter(Boolean));
  var measure = document.createElement("canvas").getContext("2d");
  function fitExample() {
    var style = getComputedStyle(controls.q);
    var room = controls.q.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!measure || !room) return;
    measure.font = style.font;
    for (var k = 0; k < examples.length; k++) {
      if (measure.measureText(examples[k]).width <= room || k === examples.length - 1) {
        controls.q.placeholder = examples[k];
        return;
      }
    }
  }

  loadState(new URLSearchParams(location.search));
  form.hidden = false;
  if (examples.length > 1) {
    fitExample();
    window.addEventListener("resize", fitExample);
  }
  root.classList.add("js");
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("input", onInput);
  form.addEventListener("change", function (event) {
    var typed = event.target === controls.q || event.target === controls.stars;
    if (typed && event.target === changing) changing = null; // committed: more typing, a new step
    update();
  });
  form.addEventListener("reset", function () {
    changing = null;
    setTimeout(function () { pushNext = true; update(); }, 0);
  });
  // Back and forward: the controls take the state of the URL they return to.
  window.addEventListener("popstate", function () {
    changing = null;
    loadState(new URLSearchParams(location.search));
    update();
  });
  startWorker();
  update();
  timings.ready = performance.now();
  root.setAttribute("data-ready", "1");
})();
