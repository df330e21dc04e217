/* The page's data, from the JSON blocks bot/site/build.py writes: the facets the filters read
 * (a list per facet, bot/site/build.py facet_columns: one object per entry here), the section
 * titles, the page's own words (labels, in the catalog's language: bot/site/labels.py) and the
 * search's options (in <head>, for search-start.js). */

export function readPage() {
  const data = JSON.parse(document.getElementById("catalog-data").textContent);
  // The search's options and whether any entry has an abstract.
  const searchConfig = JSON.parse(document.getElementById("search-options").textContent);
  const facets = data.facets;
  const n = facets.s ? facets.s.length : 0;
  const entries = new Array(n);
  for (let e = 0; e < n; e++) {
    entries[e] = { id: e, s: facets.s[e], u: facets.u[e], y: facets.y[e], v: facets.v[e], c: facets.c[e],
                   st: facets.st[e], d: facets.d[e], a: facets.a[e] };
  }
  const label = labeller(data.labels);
  const all = label(n === 1 ? "entries_one" : "entries_other", { n: n });  // a catalog of one agrees too
  return { data, searchConfig, entries, n, label, all };
}

// label("show_all", {n: 3}) fills each {name} in one pass (a "$&" or a "{count}" typed in the
// search stays as typed).
export function labeller(labels) {
  return function label(key, values) {
    return labels[key].replace(/\{(\w+)\}/g, function (found, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : found;
    });
  };
}
