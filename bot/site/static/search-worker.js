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

// Levenshtein distance (bot/site/search.py edit_distance).
function editDistance(a, b) {
  var previous = [];
  for (var j = 0; j <= b.length; j++) previous.push(j);
  for (var i = 1; i <= a.length; i++) {
    var current = [i];
    for (j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1,
                            previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length];
}

// How far a typo-tolerant match is from the query (bot/site/search.py edits): per query term,
// the fewest edits to a matched term of the entry (0 when it starts one), summed.
function edits(words, terms) {
  var total = 0;
  for (var w = 0; w < words.length; w++) {
    var best = Infinity;
    for (var t = 0; t < terms.length && best > 0; t++) {
      best = Math.min(best, terms[t].indexOf(words[w]) === 0 ? 0 : editDistance(terms[t], words[w]));
    }
    total += best === Infinity ? words[w].length : best;
  }
  return total;
}

// The matching ids; when no entry has every term, the search again with typos allowed, its
// matches closest first (fewest edits, then catalog order), with their edits.
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
  var distances = null;
  if (fuzzy) {
    var words = message.q.split(" ");  // the page's searched(): folded terms, space-separated
    results = results.map(function (result) {
      return { id: result.id, edits: edits(words, result.terms) };
    }).sort(function (a, b) { return (a.edits - b.edits) || (a.id - b.id); });
    distances = results.map(function (result) { return result.edits; });
  }
  var ids = results.map(function (result) { return result.id; });
  self.postMessage({ type: "results", seq: message.seq, q: message.q, ids: ids, fuzzy: fuzzy,
                     edits: distances, ms: performance.now() - start });
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
