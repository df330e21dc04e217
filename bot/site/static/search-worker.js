/* The search index, off the page's main thread: fetches search.json (title, authors, abstract
 * of every entry), builds a MiniSearch index with the options the page passes (from
 * bot/site/search.py), then answers {type: "search", seq, q} with the matching entry ids (and
 * whether they were found with typos allowed, when nothing matched exactly) and
 * {type: "abstract", id} with an abstract's text. Typing never waits for indexing. */
/* global MiniSearch */
"use strict";
importScripts("vendor/minisearch-7.2.0.umd.js");

var index = null;
var abstracts = [];
var waiting = null; // the latest search asked before the index was ready

var fuzzyFallback = 0;

// A term as indexed and searched: accents dropped, lowercased (bot/site/search.py fold).
function fold(term) {
  return term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

// The matching ids; when no entry has every term, the search again with typos allowed.
function answer(message) {
  var start = performance.now();
  var results = index.search(message.q);
  var fuzzy = false;
  if (!results.length && fuzzyFallback) {
    // No typos in a term with a digit: a year or an arXiv id one digit off is another one.
    results = index.search(message.q, { fuzzy: function (term) {
      return /[0-9]/.test(term) ? false : fuzzyFallback;
    } });
    fuzzy = true;
  }
  var ids = results.map(function (result) { return result.id; });
  self.postMessage({ type: "results", seq: message.seq, q: message.q, ids: ids, fuzzy: fuzzy,
                     ms: performance.now() - start });
}

function init(message) {
  var start = performance.now();
  fetch(message.url).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + message.url);
    return response.json();
  }).then(function (docs) {
    fuzzyFallback = message.options.fuzzyFallback || 0;
    var built = new MiniSearch({
      fields: message.options.fields,
      idField: "id",
      processTerm: fold,
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
