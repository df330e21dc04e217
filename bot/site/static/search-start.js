/* Starts the search worker from the page's <head> (loaded async), while the long list is still
 * being downloaded and parsed, so a search link opened cold is answered soon after site.js runs
 * instead of an index's building later. It asks only for search.json (titles, authors, arXiv
 * ids): abstracts.json is asked for by site.js, once the page is parsed, so its download and
 * parsing never compete with the page's. The worker's messages wait in window.catalogSearch
 * until site.js takes the worker over; without this script (blocked, or too late) site.js
 * starts the worker itself. */
(function () {
  "use strict";
  if (window.catalogSearch || !window.Worker) return;
  var early = { worker: null, started: performance.now(), messages: [], error: null };
  window.catalogSearch = early;
  try {
    var config = JSON.parse(document.getElementById("search-options").textContent);
    early.worker = new Worker("static/search-worker.js");
    early.worker.onmessage = function (event) { early.messages.push(event.data); };
    early.worker.onerror = function (event) { early.error = event.message || "worker error"; };
    early.worker.postMessage({ type: "init", url: new URL("search.json", document.baseURI).href,
                               abstractsLater: config.abstracts, options: config.options });
  } catch (error) {
    early.error = String(error);
  }
})();
