/* The search index, off the page's main thread: fetches search.json (title, authors, abstract
 * of every entry), builds a MiniSearch index with the options the page passes (from
 * bot/site/search.py), then answers {type: "search", seq, q} with the matching entry ids and
 * {type: "abstract", id} with an abstract's text. Typing never waits for indexing. */
/* global MiniSearch */
"use strict";
importScripts("vendor/minisearch-7.2.0.umd.js");

var index = null;
var abstracts = [];
var waiting = null; // the latest search asked before the index was ready

function answer(message) {
  var start = performance.now();
  var ids = index.search(message.q).map(function (result) { return result.id; });
  self.postMessage({ type: "results", seq: message.seq, q: message.q, ids: ids,
                     ms: performance.now() - start });
}

function init(message) {
  var start = performance.now();
  fetch(message.url).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + message.url);
    return response.json();
  }).then(function (docs) {
    var built = new MiniSearch({
      fields: message.options.fields,
      idField: "id",
      searchOptions: message.options.searchOptions
    });
    built.addAll(docs);
    for (var k = 0; k < docs.length; k++) abstracts[docs[k].id] = docs[k].abstract || "";
    index = built;
    self.postMessage({ type: "ready", ms: performance.now() - start, size: docs.length });
    if (waiting) { answer(waiting); waiting = null; }
  }).catch(function (error) {
    self.postMessage({ type: "error", message: String(error) });
  });
}

self.onmessage = function (event) {
  var message = event.data;
  if (message.type === "init") init(message);
  else if (message.type === "search") {
    if (index) answer(message); else waiting = message;
  } else if (message.type === "abstract") {
    self.postMessage({ type: "abstract", id: message.id, text: abstracts[message.id] || "" });
  }
};
