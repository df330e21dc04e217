/* The catalog page's search, filters, sorting and URL state (progressive enhancement: without
 * this script the page lists every entry). An ES module, with one module per part (no build
 * step): search-client.js (a query as searched, and the search worker: the text search runs in
 * search-worker.js, MiniSearch with the options in #search-options, which bot/site/search.py
 * documents; search-start.js starts it from <head>, so typing never waits for indexing),
 * url-state.js (the controls, the URL and the history's steps), results.js (the list and the
 * count), abstracts.js (the "Abstract" toggles). Here: the page's data and words, the search
 * box's example, and what a change does. */
import { searcher, searchClient } from "./search-client.js";
import { urlState } from "./url-state.js";
import { resultsView } from "./results.js";
import { catalogAbstracts } from "./abstracts.js";

// The page's data, from the JSON blocks bot/site/build.py writes: the facets the filters read
// (a list per facet, bot/site/build.py facet_columns: one object per entry here), the section
// titles, the page's own words (labels, in the catalog's language: bot/site/labels.py) and the
// search's options (in <head>, for search-start.js).
function readPage() {
  const data = JSON.parse(document.getElementById("catalog-data").textContent);
  // The search's options and whether any entry has an abstract.
  const searchConfig = JSON.parse(document.getElementById("search-options").textContent);
  const facets = data.facets;
  const n = facets.s ? facets.s.length : 0;
  const entries = new Array(n);
  for (let e = 0; e < n; e++) {
    entries[e] = { id: e, s: facets.s[e], u: facets.u[e], y: facets.y[e], v: facets.v[e], c: facets.c[e],
                   st: facets.st[e], d: facets.d[e], a: facets.a[e] };
  }
  const label = labeller(data.labels);
  const all = label(n === 1 ? "entries_one" : "entries_other", { n: n });  // a catalog of one agrees too
  return { data, searchConfig, entries, n, label, all };
}

// label("show_all", {n: 3}) fills each {name} in one pass (a "$&" or a "{count}" typed in the
// search stays as typed).
function labeller(labels) {
  return function label(key, values) {
    return labels[key].replace(/\{(\w+)\}/g, function (found, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : found;
    });
  };
}

// The search box's example, whole when it fits: else the longest of its shorter forms
// (data-examples, one a line) that does, measured in the box's font (at 375 px "e.g.
// weight-only quantization, or 2405.00732" was cut to "e.g. weight-only quantization, or 240"),
// again when the window is resized.
function fitExamples(box) {
  const examples = [box.placeholder].concat((box.getAttribute("data-examples") || "").split("\n").filter(Boolean));
  if (examples.length < 2) return;
  const measure = document.createElement("canvas").getContext("2d");
  function fit() {
    const style = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!measure || !room) return;
    measure.font = style.font;
    for (let k = 0; k < examples.length; k++) {
      if (measure.measureText(examples[k]).width <= room || k === examples.length - 1) {
        box.placeholder = examples[k];
        return;
      }
    }
  }
  fit();
  window.addEventListener("resize", fit);
}


const page = readPage();
const { searchConfig, entries, n, label, all } = page;
const root = document.documentElement;
const form = document.getElementById("controls");
const controls = {
  q: document.getElementById("q"),
  section: document.getElementById("section"),
  year: document.getElementById("year"),
  venue: document.getElementById("venue"),
  code: document.getElementById("code"),
  stars: document.getElementById("stars"),
  sort: document.getElementById("sort")
};
const timings = { ready: null, indexed: null, index: null, search: null, lastUpdate: null, updates: 0 };
window.siteTimings = timings;
const searched = searcher(searchConfig.options);
const state = urlState(controls);

const search = searchClient(searchConfig, timings, {
  changed: update,
  abstracts: function () { abstracts.start(view.list().children); },
  abstract: function (id, text) { abstracts.show(id, text); },
  failed: function () { document.getElementById("search-note").hidden = false; }
});
const abstracts = catalogAbstracts(entries, document.getElementById("catalog"), search.askAbstract, label);
const view = resultsView(page, abstracts.add, timings);

// On a phone the controls fill most of the screen: while a search is typed, they scroll to
// the top unless the count is in the upper 60% of the screen, with room for results under it.
const narrow = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
function keepCountInView() {
  if (!narrow || !narrow.matches) return;
  const height = window.visualViewport ? window.visualViewport.height : window.innerHeight;
  if (view.count.getBoundingClientRect().bottom > 0.6 * height) form.scrollIntoView({ block: "start" });
}

// The reader's place (the entry at the top of the screen, the focused link) is kept in the
// history entry as a link is followed (a click, or Enter: as the page is left, in pagehide, it
// is too late to write it), and taken back once the page shows the same list again (the back
// button from a paper). The browser's own scroll restoration comes before a search's matches
// are listed again (they wait for the search index): on a phone it left the reader 5,000 px
// above the entry they had opened, the keyboard at the page's start.
let comeBack = history.state && history.state.place ? history.state.place : null;
document.addEventListener("click", function (event) {
  const link = event.target.closest ? event.target.closest("a[href]") : null;
  if (!link) return;
  try {
    history.replaceState({ place: view.place(link) }, "", location.href);
  } catch (error) { /* Safari's limit on history writes: the place is not kept */ }
}, true);
let settling = null;  // the place taken back, again once the page is loaded
// The reader moving on before the list is back: the place is theirs, not restored.
for (const kind of ["keydown", "pointerdown", "wheel", "touchstart"]) {
  window.addEventListener(kind, function () { comeBack = settling = null; }, { capture: true, passive: true });
}
// Called once the list shown is final (not the titles' matches while the abstracts are indexed).
// The browser restores its own scroll at the load event, and the entries off screen are laid out
// at their real height late (content-visibility): the place is taken back again two frames after.
function shown() {
  if (!comeBack) return;
  const saved = settling = comeBack;
  comeBack = null;
  view.restore(saved);
  const again = function () {
    requestAnimationFrame(function () {  // the frame that lays out the entries on screen, then
      requestAnimationFrame(function () { if (settling === saved) view.restore(saved); settling = null; });
    });
  };
  if (document.readyState === "complete") again(); else window.addEventListener("load", again, { once: true });
}

function update() {
  const now = state.read();
  state.write(now);
  const q = searched(now.q);
  if (!q) { view.show(now, null); shown(); return; }
  search.askAbstracts();
  if (search.state === "failed") {
    view.show(now, null, function (text) { return label("unavailable", { count: text }); });
    shown();
    return;
  }
  // An answer of the short index stands until the whole index is ready (then it is asked again).
  const found = search.hits;
  if (found.q === q && (found.stage === "full" || search.state === "short")) {
    view.show(now, found.ids, function (text) {
      // Nothing had every word as typed: these matches allow a typo or two; say so.
      if (found.fuzzy && found.ids.size) text = label("similar", { count: text });
      if (found.stage === "short") {  // the page says what was searched
        text = label(search.abstractsFailed ? "short_failed" : "short_indexing", { count: text });
      }
      return text;
    });
    if (found.stage === "full" || search.abstractsFailed) shown();
    return;
  }
  if (search.state === "loading") {
    // A shared ?q= link: the filters that need no index apply at once, and the list is
    // framed and the count says the search is still to come, so it is not taken as the result.
    view.show(now, null, function (text, filtered) {
      return label("loading", {
        q: now.q,
        count: filtered !== n ? label("count_filters", { shown: filtered, total: n }) : all
      });
    });
  }
  view.busy(search.state === "loading");
  if (search.state !== "loading") search.ask(q);
}

state.load(new URLSearchParams(location.search));
form.hidden = false;
fitExamples(controls.q);
root.classList.add("js");
form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
form.addEventListener("input", function (event) {
  state.input(event.target);
  update();
  if (event.target === controls.q) keepCountInView();
});
form.addEventListener("change", function (event) {
  // a typed value committed: more typing is a new step
  if (event.target === controls.q || event.target === controls.stars) state.committed(event.target);
  update();
});
form.addEventListener("reset", function () {
  state.forget();
  setTimeout(function () { state.step(); update(); }, 0);
});
// Back and forward: the controls take the state of the URL they return to, and back from a
// section's link (the same state, another fragment) the keyboard takes the link followed (the
// browser keeps the scroll, not the focus: it fell to the page's start). Back from a search's
// step, the focus stays where the reader is.
window.addEventListener("popstate", function (event) {
  const before = JSON.stringify(state.read());
  state.forget();
  state.load(new URLSearchParams(location.search));
  update();
  const saved = event.state && event.state.place;
  if (saved && JSON.stringify(state.read()) === before) view.focusFollowed(saved);
});
search.start(controls.q);
update();
timings.ready = performance.now();
root.setAttribute("data-ready", "1");
