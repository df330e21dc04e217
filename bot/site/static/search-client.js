/* The search, from the page's side: a query as the worker searches it (bot/site/search.py
 * query_terms: arXiv links and ids made bare, its terms folded as the worker indexes them), and
 * the search worker (search-worker.js): takes over the worker search-start.js started from
 * <head> (or starts one), asks it one query at a time, and keeps what it answered and how far
 * its index is. */

// MiniSearch's default tokenizer (what the worker splits queries with).
const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;
const NUMBER = /^[0-9]+$/;  // kept whatever its length: "4-bit" is not "bit"

// arXiv links and "arXiv:" or versioned ids become bare ids (bot/site/search.py plain_query).
// An id is new-style (2405.00732) or old-style (hep-th/9901001, math.GT/0309136).
const ARXIV_LINK = /(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?/gi;
const ARXIV_ID = /\barxiv\s*(?::\s*)?(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?|\b(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?\/\d{7})v\d+\b/gi;

export function plainQuery(query) {
  return query.replace(ARXIV_LINK, "$1").replace(ARXIV_ID, function (m, a, b) { return a || b; });
}

// searched(query): its terms folded (without accents, lowercased, "ł" as "l"...), of at least
// minTermLength characters (code points) unless a number, space-separated; "" when none is
// left (every entry matches). options: the search's (bot/site/search.py SEARCH_OPTIONS).
export function searcher(options) {
  const minLength = options.minTermLength || 1;
  const letters = options.letters || {};
  const LETTER = new RegExp("[" + Object.keys(letters).join("") + "]", "gu");
  return function searched(query) {
    return plainQuery(query).split(SPACE_OR_PUNCTUATION).map(function (t) {
      return t.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
        .replace(LETTER, function (c) { return letters[c]; });
    }).filter(function (t) {
      return Array.from(t).length >= minLength || NUMBER.test(t);
    }).join(" ");
  };
}

// config: the search's options (#search-options); timings: window.siteTimings; on: the page's
// callbacks: changed() (the index or an answer came: show the search again), abstracts() (the
// worker has them: the toggles can appear), abstract(id, text) (an abstract's text), failed()
// (no search at all).
export function searchClient(config, timings, on) {
  const root = document.documentElement;
  const client = {
    // "loading"; "short": titles, authors and arXiv ids searchable, abstracts being indexed;
    // "ready": everything; "failed". abstractsFailed: abstracts.json could not be loaded.
    state: "loading",
    abstractsFailed: false,
    // the last answer: its query, its ids (with .ranks and, found with typos, .edits), fuzzy,
    // which index gave it ("short" or "full")
    hits: { q: null, ids: null, stage: null },
    start, ask, askAbstracts, askAbstract
  };
  let worker = null;
  let inFlight = null; // the query the worker is answering
  let seq = 0;
  let abstractsAsked = false;

  function ask(q) {
    // One search at a time: a query typed meanwhile is asked for when this one is answered.
    if (inFlight !== null) return;
    inFlight = q;
    timings.asked = performance.now();
    worker.postMessage({ type: "search", seq: ++seq, q: q });
  }

  function askAbstract(id) {
    if (worker) worker.postMessage({ type: "abstract", id: id });
  }

  function onMessage(event) {
    const message = event.data;
    if (message.type === "searchable" || message.type === "indexed") {
      // The short fields, then everything: the current query is asked again of the whole index.
      client.state = message.type === "indexed" ? "ready" : "short";
      timings[message.type === "indexed" ? "index" : "shortIndex"] = message.ms;
      timings[message.type] = performance.now();
      root.setAttribute("data-" + message.type, "1");
      on.changed();
    } else if (message.type === "abstracts") {
      on.abstracts();
    } else if (message.type === "results") {
      inFlight = null;
      timings.search = message.ms;
      timings.roundTrip = performance.now() - timings.asked;
      const ids = new Set(message.ids);
      if (message.edits) {  // typo-tolerant matches: closest first
        ids.edits = new Map();
        for (let r = 0; r < message.ids.length; r++) ids.edits.set(message.ids[r], message.edits[r]);
      }
      ids.ranks = new Map();  // "Best match": where each has the query's words (search-worker.js rank)
      for (let m = 0; m < message.ids.length; m++) ids.ranks.set(message.ids[m], message.ranks[m]);
      client.hits = { q: message.q, ids: ids, fuzzy: message.fuzzy, stage: message.stage };
      on.changed();
    } else if (message.type === "abstract") {
      on.abstract(message.id, message.text);
    } else if (message.type === "error" && message.stage === "abstracts") {
      client.abstractsFailed = true;
      if (window.console) console.warn("abstracts not searchable: " + message.message);
      on.changed();
    } else if (message.type === "error") {
      failed(message.message);
    }
  }

  // The index could not be loaded (search.json missing or broken, no worker): the page says so,
  // not only the console, so a search that shows everything is not taken as a match.
  function failed(why) {
    client.state = "failed";
    if (window.console) console.warn("catalog search unavailable: " + why);
    on.failed();
    on.changed();
  }

  // The worker search-start.js started from the page's <head> (its messages so far wait in
  // window.catalogSearch), else a new one; then abstracts.json, now that the page is parsed.
  // searchBox: on a slow link the abstracts are asked for when it is focused.
  function start(searchBox) {
    const early = window.catalogSearch;
    let queued = [];
    if (early && (early.worker || early.error)) {
      if (early.error) { failed(early.error); return; }
      worker = early.worker;
      queued = early.messages;
      timings.workerStarted = early.started;
    } else {
      window.catalogSearch = { worker: null };  // search-start.js, if it comes late, stays out
      timings.workerStarted = performance.now();
      try {
        worker = new Worker("static/search-worker.js");
      } catch (error) {
        failed(String(error));
        return;
      }
      worker.postMessage({ type: "init", url: new URL("search.json", document.baseURI).href,
                           abstractsLater: config.abstracts, options: config.options });
    }
    worker.onmessage = onMessage;
    worker.onerror = function (event) { failed(event.message || "worker error"); };
    if (early && early.fromPage) {
      // The page was still downloading when search-start.js ran: its own text, not search.json
      // (search-start.js has sent the entries parsed so far, and now the rest), and the
      // abstracts (most of a big site's weight) once a search needs them.
      early.finish();
      searchBox.addEventListener("focus", askAbstracts);
    } else {
      askAbstracts();
    }
    for (let k = 0; k < queued.length; k++) onMessage({ data: queued[k] });
    queued.length = 0;
  }

  function askAbstracts() {
    if (abstractsAsked || !worker || !config.abstracts) return;
    abstractsAsked = true;
    worker.postMessage({ type: "abstracts", url: new URL("abstracts.json", document.baseURI).href });
  }

  return client;
}
