/* The search index, off the page's main thread (docs/site.md, "How it works"). {type: "init"}
 * (from search-start.js) indexes the short fields (title, authors, venue, arXiv id) of
 * search.json, or, started as "#page", of the page's entries it is sent ({type: "docs"}):
 * "searchable". {type: "abstracts", url} then builds the whole index (abstracts too) a slice of
 * time at a time, answering from the short one meanwhile: "indexed". {type: "search", seq, q} is
 * answered with the matching ids, their ranks, the index that answered ("short" or "full") and
 * whether typos were allowed (the whole index only); {type: "abstract", id} with its text. */
/* global MiniSearch */
"use strict";

function fetchJSON(url) {
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
    return response.json();
  });
}
// search.json is asked for at once, while MiniSearch loads, before init (which takes it). As
// "#page", nothing: the page sends its entries' text as they are parsed ({type: "docs"}).
var SEARCH_JSON = new URL("../search.json", self.location.href).href;
var fromPage = null;
var pageDocs = [];
var pageIndex = null;  // the short index the page's slices are added to (init makes it)
var searchJSON = self.location.hash === "#page"
  ? new Promise(function (resolve) { fromPage = resolve; })
  : fetchJSON(SEARCH_JSON);
searchJSON.catch(function () {});  // reported by init
importScripts("vendor/minisearch-7.2.0.umd.js");

var index = null;
var stage = null; // "short" (titles, authors, venues, arXiv ids) or "full" (abstracts too)
var abstracts = [];
var waiting = null; // the latest search asked before any index was ready
var SLICE_MS = 8; // the longest a search waits for the whole index's building

var fuzzyFallback = 0;
var minTermLength = 1;

// A query term shorter than minTermLength is a number (the page drops the others): it matches
// whole terms only ("4" of "4-bit" is not the start of 2405.00732 or 4096; search.py is_prefix).
function prefix(term) { return term.length >= minTermLength; }

// A term as indexed and searched: accents dropped, lowercased, the letters with no accent to
// drop spelled out ("Łukasz": "lukasz"; options.letters, bot/site/search.py fold). The quick
// way for a term with no accent to drop: a fifth off the index's time on 5,000 abstracts.
var ASCII = /^[\x00-\x7f]*$/;
var letters = {};
var LETTER = null;  // a pattern of letters' keys, once init has them
function fold(term) {
  if (ASCII.test(term)) return term.toLowerCase();
  var bare = term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return LETTER ? bare.replace(LETTER, function (c) { return letters[c]; }) : bare;
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

// "Best match" (bot/site/search.py rank), from MiniSearch's match (each of the entry's terms that
// a query term found, with the fields it is in): how many distinct query terms start no word of
// the short fields (found in the abstract, or with typos); then, per term, 0 when it is a word of
// the title, 1 when it starts one, 2 when the title lacks it, summed. One number, smallest first.
function rank(query, match, shortFields) {
  var notShown = 0;
  var inTitle = 0;
  for (var w = 0; w < query.length; w++) {
    var word = query[w];
    var shown = false;
    var title = 2;
    for (var term in match) {
      if (word.length < minTermLength ? term !== word : !term.startsWith(word)) continue;
      var fields = match[term];
      if (fields.indexOf("title") >= 0) title = Math.min(title, term === word ? 0 : 1);
      for (var f = 0; f < fields.length && !shown; f++) shown = shortFields.indexOf(fields[f]) >= 0;
    }
    notShown += shown ? 0 : 1;
    inTitle += title;
  }
  return notShown * (2 * query.length + 1) + inTitle;
}

// How far a typo-tolerant match is from the query (bot/site/search.py edits): per query term,
// the fewest edits to a matched term of the entry (0 when it starts one), summed.
function edits(words, terms) {
  var total = 0;
  for (var w = 0; w < words.length; w++) {
    var best = Infinity;
    for (var t = 0; t < terms.length && best > 0; t++) {
      var starts = words[w].length < minTermLength ? terms[t] === words[w] : terms[t].indexOf(words[w]) === 0;
      best = Math.min(best, starts ? 0 : editDistance(terms[t], words[w]));
    }
    total += best === Infinity ? words[w].length : best;
  }
  return total;
}

// The matching ids; when no entry has every term (and the index is whole), the search again
// with typos allowed, its matches closest first (fewest edits, then catalog order), with
// their edits.
function answer(message) {
  var start = performance.now();
  var results = index.search(message.q, { prefix: prefix });
  var fuzzy = false;
  if (!results.length && fuzzyFallback && stage === "full") {
    // No typos in a term with a digit: a year or an arXiv id one digit off is another one.
    results = index.search(message.q, { prefix: prefix, fuzzy: function (term) {
      return /[0-9]/.test(term) ? false : fuzzyFallback;
    } });
    fuzzy = true;
  }
  var distances = null;
  var terms = message.q.split(" ");  // the page's searched(): folded terms, space-separated
  if (fuzzy) {
    results = results.map(function (result) {
      return { id: result.id, match: result.match, edits: edits(terms, result.terms) };
    }).sort(function (a, b) { return (a.edits - b.edits) || (a.id - b.id); });
    distances = results.map(function (result) { return result.edits; });
  }
  var ids = results.map(function (result) { return result.id; });
  var distinct = Array.from(new Set(terms));
  var ranks = results.map(function (result) { return rank(distinct, result.match, options.shortFields); });
  self.postMessage({ type: "results", seq: message.seq, q: message.q, ids: ids, fuzzy: fuzzy,
                     edits: distances, ranks: ranks, stage: stage, ms: performance.now() - start });
}

function newIndex(options, fields) {
  return new MiniSearch({ fields: fields, idField: "id", processTerm: fold,
                          searchOptions: options.searchOptions });
}

function ready(built, which, start, size) {
  index = built;
  stage = which;
  self.postMessage({ type: which === "full" ? "indexed" : "searchable",
                     ms: performance.now() - start, size: size });
  if (waiting) { answer(waiting); waiting = null; }
}

// A task after the ones queued (a search asked meanwhile), without setTimeout's 4 ms minimum
// once nested.
var channel = new MessageChannel();
var next = [];
channel.port1.onmessage = function () { next.shift()(); };
function yieldThen(callback) { next.push(callback); channel.port2.postMessage(null); }

// The whole index, SLICE_MS of work at a time; the short index answers in between.
function buildFull(options, docs, start) {
  var built = newIndex(options, options.fields);
  var k = 0;
  function slice() {
    var until = performance.now() + SLICE_MS;
    while (k < docs.length && performance.now() < until) {
      var doc = docs[k++];
      built.add({ id: doc.id, title: doc.title, authors: doc.authors, venue: doc.venue,
                  arxiv: doc.arxiv, abstract: abstracts[doc.id] || "" });
    }
    if (k < docs.length) yieldThen(slice); else ready(built, "full", start, docs.length);
  }
  slice();
}

// search.json, indexed (the short index when abstracts are to come, else the whole one); its
// documents, once the short index answers.
var docsIndexed = null;
var options = null;

function init(message) {
  var start = 0;  // the times reported are since the worker started (its time origin)
  options = message.options;
  fuzzyFallback = options.fuzzyFallback || 0;
  minTermLength = options.minTermLength || 1;
  letters = options.letters || {};
  if (Object.keys(letters).length) LETTER = new RegExp("[" + Object.keys(letters).join("") + "]", "gu");
  var docsLoaded = message.url === SEARCH_JSON || fromPage ? searchJSON : fetchJSON(message.url);
  // Without abstracts to come, the short fields are the whole index. The page's own text is
  // indexed slice by slice as it comes (while the page reads the next), search.json at once.
  var built = newIndex(options, message.abstractsLater ? options.shortFields : options.fields);
  if (fromPage) pageIndex = built;
  docsIndexed = docsLoaded.then(function (docs) {
    if (!fromPage) built.addAll(docs);
    ready(built, message.abstractsLater ? "short" : "full", start, docs.length);
    return { docs: docs, start: start };
  });
  docsIndexed.catch(function (error) {
    self.postMessage({ type: "error", stage: "search", message: String(error) });
  });
}

// abstracts.json, asked for by the page once it is parsed (its download never competes with the
// page's): the whole index is built once it and the short index are in.
function loadAbstracts(url) {
  var texts = fetchJSON(url);
  texts.catch(function () {});  // reported below, once the short index is up
  docsIndexed.then(function (indexed) {
    texts.then(function (list) {
      for (var k = 0; k < list.length; k++) abstracts[list[k].id] = list[k].abstract;
      self.postMessage({ type: "abstracts", size: list.length });
      yieldThen(function () { buildFull(options, indexed.docs, indexed.start); });
    }).catch(function (error) {
      self.postMessage({ type: "error", stage: "abstracts", message: String(error) });
    });
  }, function () {});  // search.json failed: reported by init
}

self.onmessage = function (event) {
  var message = event.data;
  if (message.type === "init") init(message);
  else if (message.type === "docs" && fromPage) {
    // in slices as the page is parsed (search-start.js), the last one marked
    Array.prototype.push.apply(pageDocs, message.docs);
    if (pageIndex) pageIndex.addAll(message.docs);
    if (message.last) fromPage(pageDocs);
  }
  else if (message.type === "abstracts") loadAbstracts(message.url);
  else if (message.type === "search") {
    if (index) answer(message); else waiting = message;
  } else if (message.type === "abstract") {
    self.postMessage({ type: "abstract", id: message.id, text: abstracts[message.id] || "" });
  }
};
