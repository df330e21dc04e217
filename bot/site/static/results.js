/* What the page shows for a state: the catalog (grouped by section, like catalog.md) when
 * nothing is filtered and the order is the catalog's; otherwise the matches in one flat list of
 * copies: the first `limit` at once, all of them on "Show all". The catalog's entries are never
 * restyled one by one, and a keystroke never lays out thousands of entries: that keeps typing
 * fast. And the count, which a screen reader announces. */

const CHUNK = 400;

// page: readPage()'s; add(li): the "Abstract" toggle of a copy (abstracts.js); timings:
// window.siteTimings.
export function resultsView(page, add, timings) {
  const { data, entries, n, label, all } = page;
  const limit = data.limit || 200;
  const count = document.getElementById("count");
  const results = document.getElementById("results");
  const empty = document.getElementById("empty");
  const toc = document.getElementById("toc");
  const catalogBox = document.getElementById("catalog");
  const matchesHeading = document.getElementById("matches");
  const more = document.getElementById("more");
  const moreButton = more.querySelector("button");
  let sortedList = document.getElementById("sorted");
  // each entry's <li>: its title has the id ("e12"), which its pdf and code links are named by
  const items = new Array(n);
  for (let i = 0; i < n; i++) items[i] = document.getElementById("e" + entries[i].id).parentNode;
  let shownKey = "";
  let generation = 0;
  let pendingIds = [];

  function keep(e, state, hits) {
    if (state.section && e.s !== state.section && e.u !== state.section) return false;
    if (state.year && e.y !== Number(state.year)) return false;
    if (state.venue && e.v !== state.venue) return false;
    if (state.code && !e.c) return false;
    if (state.stars && e.st < state.stars) return false;
    return hits === null || hits.has(e.id);
  }

  // A match in a flat list: a copy of the catalog's entry, with its section ("Alpha › Alpha
  // Two"), which the grouped catalog shows as headings.
  function copyOf(id) {
    const copy = items[id].cloneNode(true);
    copy.firstElementChild.removeAttribute("id");  // its title's: the links' names read the catalog's
    const where = document.createElement("span");
    where.className = "where";
    const e = entries[id];
    where.textContent = data.titles[e.s] + (e.u ? " › " + data.titles[e.u] : "");
    copy.querySelector(".meta").appendChild(where);
    add(copy);
    return copy;
  }

  // The keyboard's place in the flat list: its entry and which of the entry's links or toggle.
  function focusedEntry() {
    const active = document.activeElement;
    if (!active || active === sortedList || !sortedList.contains(active)) return null;
    const li = active.closest("li[data-i]");
    const parts = li ? li.querySelectorAll("a, summary") : [];
    return { id: li && li.getAttribute("data-i"), part: Array.prototype.indexOf.call(parts, active) };
  }

  // A list replaced under the keyboard (the same search answered again once the abstracts are
  // indexed, or the back button) keeps the focus on the same link of the same entry when it is
  // still shown, else on the results: the page's start, where it fell, is far from there.
  function refocus(place) {
    const li = sortedList.querySelector("li[data-i='" + place.id + "']");
    const target = li && li.querySelectorAll("a, summary")[place.part];
    (target || results).focus();
  }

  function render(ids) {
    const place = focusedEntry();
    // A new list replaces the old one whole: cheaper than removing its entries one by one.
    const fragment = document.createDocumentFragment();
    const stop = Math.min(ids.length, limit);
    for (let k = 0; k < stop; k++) fragment.appendChild(copyOf(ids[k]));
    const fresh = sortedList.cloneNode(false);
    fresh.appendChild(fragment);
    sortedList.replaceWith(fresh);
    sortedList = fresh;
    pendingIds = ids.slice(stop);
    more.hidden = pendingIds.length === 0;
    moreButton.textContent = label("show_all", { n: ids.length });
    if (place) refocus(place);
  }

  function renderRest(gen) {
    if (gen !== generation || !pendingIds.length) return;
    const fragment = document.createDocumentFragment();
    const chunk = pendingIds.splice(0, CHUNK);
    for (let k = 0; k < chunk.length; k++) fragment.appendChild(copyOf(chunk[k]));
    sortedList.appendChild(fragment);
    if (pendingIds.length) requestAnimationFrame(function () { renderRest(gen); });
  }

  moreButton.addEventListener("click", function () {
    const first = pendingIds[0];
    more.hidden = true;
    renderRest(generation);
    // The button is gone: the keyboard goes on from the first entry it showed, not the footer
    // (its title's link; its first link when its title is none).
    const li = sortedList.querySelector("li[data-i='" + first + "']");
    const link = li && li.querySelector("a[href], summary");
    if (link) link.focus();
  });

  // The count is announced (aria-live) whenever its text node changes, even to the same words: it
  // is written only when they differ, or a screen reader would repeat "64 entries" as the page
  // loads and the index comes in, and each count several times as a search is typed.
  function say(text) {
    if (count.textContent !== text) count.textContent = text;
  }

  // The entries a state keeps, in its order. hits: the search's matching ids (with .edits when
  // found with typos, .ranks for "Best match"), or null: every entry.
  function selected(state, hits) {
    const ids = [];
    for (let k = 0; k < n; k++) {
      if (keep(entries[k], state, hits)) ids.push(k);
    }
    // Matches found with typos allowed come closest first (fewest edits), then in the order chosen:
    // "Best match" (the default) ranks a search's matches, and is the catalog's order otherwise.
    const distance = hits && hits.edits ? hits.edits : null;
    const ranks = hits && state.sort === "relevance" ? hits.ranks : null;
    const key = state.sort === "stars" ? "st" : state.sort === "newest" ? "d" : null;
    if (key || distance || ranks) {
      ids.sort(function (a, b) {
        return (distance ? distance.get(entries[a].id) - distance.get(entries[b].id) : 0) ||
          (ranks ? ranks.get(entries[a].id) - ranks.get(entries[b].id) : 0) ||
          (key ? entries[b][key] - entries[a][key] : 0) || (a - b);
      });
    }
    const flat = (state.sort !== "catalog" && state.sort !== "relevance") || ids.length !== n ||
      distance !== null || ranks !== null;
    return { ids, flat };
  }

  // words(text, shown): the count's words around the plain count ("12 of 64 entries match").
  function show(state, hits, words) {
    const start = performance.now();
    const { ids, flat } = selected(state, hits);
    const listKey = flat ? state.sort + ":" + ids.join(",") : "";
    if (listKey !== shownKey) {
      generation++;
      render(flat ? ids : []);
      shownKey = listKey;
    }
    // content-visibility: hidden keeps the catalog's layout, so showing it again is cheap.
    if (catalogBox.classList.contains("off") !== flat) catalogBox.classList.toggle("off", flat);
    sortedList.hidden = !flat || ids.length === 0;
    matchesHeading.hidden = !flat;
    toc.hidden = flat;
    empty.hidden = ids.length !== 0;
    const text = ids.length !== n ? label("count_match", { shown: ids.length, total: n }) : all;
    say(words ? words(text, ids.length) : text);
    count.setAttribute("data-count", String(ids.length));
    results.removeAttribute("aria-busy");
    results.classList.remove("waiting");
    timings.lastUpdate = performance.now() - start;
    timings.updates++;
  }

  // Until the search is answered: busy, and (waiting for the index) framed as not the result.
  function busy(waiting) {
    results.setAttribute("aria-busy", "true");
    if (waiting) results.classList.add("waiting");
  }

  // The page's links around the list (the skip link, the contents' links, the chart's): the
  // same on every load, so one is known by its rank among them.
  function pageLinks() {
    return Array.prototype.filter.call(document.querySelectorAll("a[href]"), function (a) {
      return !results.contains(a);
    });
  }

  // The reader's place, to come back to (site.js keeps it in the history entry when a link is
  // followed): the link or toggle the keyboard was on, in the list shown (the matches or the
  // catalog), else the page's link followed (`link`, its rank: -1 for none), and an entry and
  // how far down the screen it is: the focused one, else the one at the top of the screen.
  function place(followed) {
    const shown = sortedList.hidden ? catalogBox : sortedList;
    const active = document.activeElement;
    const focusLi = active && shown.contains(active) ? active.closest("li[data-i]") : null;
    const top = document.elementFromPoint(window.innerWidth / 2, 1);
    const li = focusLi || (top && top.closest && top.closest("li[data-i]"));
    const at = li && shown.contains(li) ? li : null;
    return {
      y: window.scrollY,
      top: at ? { id: at.getAttribute("data-i"), offset: at.getBoundingClientRect().top } : null,
      focus: focusLi ? { id: focusLi.getAttribute("data-i"), part: Array.prototype.indexOf.call(
        focusLi.querySelectorAll("a, summary"), active) } : null,
      link: followed && !focusLi ? pageLinks().indexOf(followed) : -1
    };
  }

  // Back to a page's link followed (a section's in the contents, the skip link): the keyboard
  // goes on from it, not from the page's start, where the browser leaves it.
  function focusFollowed(saved) {
    const link = saved.link >= 0 ? pageLinks()[saved.link] : null;
    if (link) link.focus({ preventScroll: true });  // none if hidden since (the contents)
  }

  // Back to a place: its entries listed (all the matches, if it was below the first ones), its
  // link focused, its top entry where it was on the screen (else the same scroll).
  function restore(saved) {
    const shown = sortedList.hidden ? catalogBox : sortedList;
    const wanted = [saved.top, saved.focus].filter(Boolean).map(function (p) { return Number(p.id); });
    if (shown === sortedList && wanted.some(function (id) { return pendingIds.indexOf(id) >= 0; })) {
      more.hidden = true;
      while (pendingIds.length) renderRest(generation);
    }
    const find = function (p) { return p && shown.querySelector("li[data-i='" + p.id + "']"); };
    const focusLi = find(saved.focus);
    const target = focusLi && focusLi.querySelectorAll("a, summary")[saved.focus.part];
    if (target) target.focus({ preventScroll: true }); else focusFollowed(saved);
    const topLi = find(saved.top);
    if (topLi) window.scrollBy(0, topLi.getBoundingClientRect().top - saved.top.offset);
    else window.scrollTo(0, saved.y);
  }

  return { show, busy, count, place, restore, focusFollowed, list: function () { return sortedList; } };
}
