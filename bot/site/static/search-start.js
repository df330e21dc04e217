/* Starts the search worker from the page's <head> (loaded async), while the long list is still
 * being downloaded and parsed, so a search link opened cold is answered soon after site.js runs
 * instead of an index's building later. It asks only for search.json (titles, authors, arXiv
 * ids): abstracts.json is asked for by site.js, once the page is parsed, so its download and
 * parsing never compete with the page's. The worker's messages wait in window.catalogSearch
 * until site.js takes the worker over; without this script (blocked, or too late) site.js
 * starts the worker itself. On a slow link (the page still downloading WAIT_MS after its first
 * byte) the worker indexes the page's own text, sent by site.js, instead of search.json. */
(function () {
  "use strict";
  if (window.catalogSearch || !window.Worker) return;
  var WAIT_MS = 300;
  var early = { worker: null, started: performance.now(), messages: [], error: null, fromPage: false };
  window.catalogSearch = early;
  var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;

  function start() {
    if (window.catalogSearch !== early) return;  // site.js came first and started its own
    try {
      var config = JSON.parse(document.getElementById("search-options").textContent);
      // The page still downloading: search.json would take the link from it with the same
      // titles and authors again; site.js reads them from the page once it is in ("#page"),
      // and asks for abstracts.json only when a search needs it.
      early.fromPage = Boolean(navigation) && !navigation.responseEnd;
      early.started = performance.now();
      early.worker = new Worker("static/search-worker.js" + (early.fromPage ? "#page" : ""));
      early.worker.onmessage = function (event) { early.messages.push(event.data); };
      early.worker.onerror = function (event) { early.error = event.message || "worker error"; };
      early.worker.postMessage({ type: "init", url: early.fromPage ? null : new URL("search.json", document.baseURI).href,
                                 abstractsLater: config.abstracts, options: config.options });
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
