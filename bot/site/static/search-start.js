/* Starts the search worker from <head> while the list is parsed; its messages wait in
 * window.catalogSearch for site.js. On a slow link it indexes the page's entries, read as they
 * are parsed, not search.json (docs/site.md, "A phone on a slow link"). */
(function () {
  "use strict";
  if (window.catalogSearch || !window.Worker) return;
  var WAIT_MS = 300;
  var READ_MS = 100;  // entries parsed meanwhile are read this often
  var SLICE = 500;    // at most this many a task (10,000 at once took 0.15-0.55 s)
  var early = { worker: null, started: performance.now(), messages: [], error: null, fromPage: false,
                sent: 0, finish: read };
  window.catalogSearch = early;
  var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var config, etAl, walker, held, done, reading;

  // search.json's fields (build.py search_doc), read from an entry: authors without "et al."
  function entryDoc(li) {
    var doc = { id: Number(li.getAttribute("data-i")), title: "", authors: "", arxiv: "" };
    for (var part = li.firstElementChild; part; part = part.nextElementSibling) {
      var text = part.textContent;
      if (part.className === "title") doc.title = text;
      else if (part.className === "authors") {
        doc.authors = text.slice(-etAl.length) === etAl ? text.slice(0, -etAl.length) : text;
      } else if (part.className === "meta") {
        for (var m = part.firstElementChild; m; m = m.nextElementSibling) {
          if (m.className === "venue") doc.venue = m.textContent;
          else if (!doc.arxiv && !m.className && m.textContent.indexOf("arXiv ") === 0) doc.arxiv = m.textContent.slice(6);
        }
      }
    }
    return doc;
  }

  function options() {
    config = config || JSON.parse(document.getElementById("search-options").textContent);
    etAl = " " + config.etAl;
  }

  // For the tests: every entry's, by id, as search.json has them.
  window.catalogPageDocs = function () {
    options();
    var docs = [];
    for (var li, k = 0; (li = document.getElementById("e" + k)); k++) docs.push(entryDoc(li.parentNode));
    return docs;
  };

  // The entries parsed since the last read, in page order. The last one found may be half
  // parsed: it is read once a later one is there, or the page is (site.js calls finish()).
  function read() {
    var catalog = document.getElementById("catalog");
    if (done || !early.worker || !catalog) return;
    walker = walker || document.createTreeWalker(catalog, NodeFilter.SHOW_ELEMENT, function (node) {
      if (node.tagName === "LI" && node.hasAttribute("data-i")) return NodeFilter.FILTER_ACCEPT;
      return node.tagName === "A" || node.tagName === "SPAN" ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
    });
    var parsed = document.readyState !== "loading";
    var docs = [];
    for (var node = walker.nextNode(); node; node = docs.length < SLICE ? walker.nextNode() : null) {
      if (held) docs.push(entryDoc(held));
      held = node;
    }
    var more = docs.length >= SLICE;
    if (parsed && !more && held) { docs.push(entryDoc(held)); held = null; }
    done = parsed && !more;
    if (done) clearInterval(reading);
    early.sent += docs.length;
    if (docs.length || done) early.worker.postMessage({ type: "docs", docs: docs, last: done });
    if (more) setTimeout(read, 0);
  }

  function start() {
    if (window.catalogSearch !== early) return;  // site.js came first and started its own
    try {
      options();
      // Still downloading: search.json would take the link from the page for the same text.
      early.fromPage = Boolean(navigation) && !navigation.responseEnd;
      early.started = performance.now();
      early.worker = new Worker("static/search-worker.js" + (early.fromPage ? "#page" : ""));
      early.worker.onmessage = function (event) { early.messages.push(event.data); };
      early.worker.onerror = function (event) { early.error = event.message || "worker error"; };
      early.worker.postMessage({ type: "init", url: early.fromPage ? null : new URL("search.json", document.baseURI).href,
                                 abstractsLater: config.abstracts, options: config.options });
      if (early.fromPage) reading = setInterval(read, READ_MS);
    } catch (error) {
      early.error = String(error);
    }
  }

  // The page in whole (or no way to know): at once. Still coming: until it is, or WAIT_MS.
  if (!navigation || navigation.responseEnd) { start(); return; }
  var waiting = setInterval(function () {
    if (navigation.responseEnd || performance.now() - navigation.responseStart > WAIT_MS) {
      clearInterval(waiting);
      start();
    }
  }, 20);
})();
