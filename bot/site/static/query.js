/* A query as the search worker searches it (bot/site/search.py query_terms): arXiv links and
 * ids made bare, its terms folded as the worker indexes them. */

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
