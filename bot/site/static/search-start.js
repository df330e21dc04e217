/* Starts the search worker from the page's <head> (loaded async), while the long list is still
 * being downloaded and parsed, so a search link opened cold is answered soon after site.js runs
 * instead of an index's building later. It asks only for search.json (titles, authors, arXiv
 * ids): abstracts.json is asked for by site.js, once the page is parsed, so its download and
 * parsing never compete with the page's. The worker's messages wait in window.catalogSearch
 * until site.js takes the worker over; without this script (blocked, or too late) site.js
 * starts the worker itself. On a slow link (the page still downloading WAIT_MS after its first
 * byte) the worker indexes the page's own text instead of search.json: the entries are read and
 * sent to it as they are parsed, while the rest of the page downloads, so that the titles are
 * searchable about when the page is in (site.js calls finish() for the last ones). */
(function () {
  "use strict";
  if (window.catalogSearch || !window.Worker) return;
  var WAIT_MS = 300;
  var READ_MS = 100;  // how often the entries parsed meanwhile are read, while the page downloads
  var SLICE = 500;    // entries read in one task at most (10,000 at once took 0.15-0.55 s)
  var early = { worker: null, started: performance.now(), messages: [], error: null, fromPage: false,
                sent: 0, finish: finish };
  window.catalogSearch = early;
  var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var config = null;

  // What search.json holds (bot/site/build.py search_doc), read from an entry of the page: the
  // title, the authors (without "et al."; a resource's description), the venue, the arXiv id.
  function entryDoc(li, etAl) {
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

  function etAlOf() {
    if (!config) config = JSON.parse(document.getElementById("search-options").textContent);
    return " " + config.etAl;
  }

  // Every entry's, in the order of their ids: what search.json holds (the tests compare them).
  window.catalogPageDocs = function () {
    var etAl = etAlOf();
    var docs = [];
    for (var li, k = 0; (li = document.getElementById("e" + k)); k++) docs.push(entryDoc(li.parentNode, etAl));
    return docs;
  };

  // The catalog's entries in page order, from the last one read on: the parser adds to the page
  // meanwhile, and the walker follows it. The last entry found may still be being parsed: it is
  // read once a later one is there, or the page is parsed.
  var walker = null;
  var held = null;
  var done = false;
  function entryOrNot(node) {
    if (node.tagName === "LI" && node.hasAttribute("data-i")) return NodeFilter.FILTER_ACCEPT;
    return node.tagName === "A" || node.tagName === "SPAN" ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
  }

  function read() {
    if (done || !early.worker) return;
    var catalog = document.getElementById("catalog");
    if (!catalog) return;
    if (!walker) walker = document.createTreeWalker(catalog, NodeFilter.SHOW_ELEMENT, entryOrNot);
    var parsed = document.readyState !== "loading";
    var etAl = etAlOf();
    var docs = [];
    for (var node = walker.nextNode(); node; node = docs.length < SLICE ? walker.nextNode() : null) {
      if (held) docs.push(entryDoc(held, etAl));
      held = node;
    }
    var more = docs.length >= SLICE;  // the walker stopped before the page's last entry
    if (parsed && !more && held) { docs.push(entryDoc(held, etAl)); held = null; }
    done = parsed && !more;
    early.sent += docs.length;
    if (docs.length || done) early.worker.postMessage({ type: "docs", docs: docs, last: done });
    if (more) setTimeout(read, 0);
  }

  // The page is parsed (site.js runs): the entries not read yet, in slices of SLICE, a task each.
  function finish() {
    clearInterval(reading);
    read();
  }
  var reading = null;

  function start() {
    if (window.catalogSearch !== early) return;  // site.js came first and started its own
    try {
      etAlOf();
      // The page still downloading: search.json would take the link from it with the same
      // titles and authors again; its entries are read as they come ("#page"), and site.js
      // asks for abstracts.json only when a search needs it.
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
