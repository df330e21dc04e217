/* The catalog page's search, filters, sorting and URL state (progressive enhancement: without
 * this script the page lists every entry). An ES module, with one module per part (no build
 * step): page-data.js (the page's data and words), query.js (a query as searched),
 * search-client.js (the search worker: the text search runs in search-worker.js, MiniSearch
 * with the options in #search-options, which bot/site/search.py documents; search-start.js
 * starts it from <head>, so typing never waits for indexing), url-state.js (the controls, the
 * URL and the history's steps), results.js (the list and the count), abstracts.js (the
 * "Abstract" toggles), search-example.js (the search box's example). Here: what a change does. */
import { readPage } from "./page-data.js";
import { searcher } from "./query.js";
import { searchClient } from "./search-client.js";
import { urlState } from "./url-state.js";
import { resultsView } from "./results.js";
import { catalogAbstracts } from "./abstracts.js";
import { fitExamples } from "./search-example.js";

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

function update() {
  const now = state.read();
  state.write(now);
  const q = searched(now.q);
  if (!q) { view.show(now, null); return; }
  search.askAbstracts();
  if (search.state === "failed") {
    view.show(now, null, function (text) { return label("unavailable", { count: text }); });
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
// Back and forward: the controls take the state of the URL they return to.
window.addEventListener("popstate", function () {
  state.forget();
  state.load(new URLSearchParams(location.search));
  update();
});
search.start(controls.q);
update();
timings.ready = performance.now();
root.setAttribute("data-ready", "1");
