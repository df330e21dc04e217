/* The search and filters' state, in the controls and in the URL (?q=kv+cache&section=...), and
 * the steps of the browser's history. Each change is a step the back button undoes: a change to
 * another control than the last one adds a history entry; more changes to the same control
 * update it (each keystroke of a search, or arrow keys going down a list), until a typed search
 * is committed (Enter, or leaving the box). */

// controls: the form's controls by name (q, section, year, venue, code, stars or null, sort).
export function urlState(controls) {
  let changing = null; // the control whose history entry is the current one
  let pushNext = false;
  let retry = null;
  let changed = false; // the reader has changed the state since the URL gave it

  function read() {
    return {
      q: controls.q.value.trim(),
      section: controls.section.value,
      year: controls.year.value,
      venue: controls.venue.value,
      code: controls.code.checked,
      stars: controls.stars ? Math.max(0, parseInt(controls.stars.value, 10) || 0) : 0,
      sort: controls.sort.value || "relevance"
    };
  }

  function setSelect(select, value) {
    for (let k = 0; k < select.options.length; k++) {
      if (select.options[k].value === value) { select.value = value; return; }
    }
    select.value = "";
  }

  // The controls take the state of a URL's parameters (unknown values are ignored).
  function load(params) {
    changed = false;
    controls.q.value = params.get("q") || "";
    setSelect(controls.section, params.get("section") || "");
    setSelect(controls.year, params.get("year") || "");
    setSelect(controls.venue, params.get("venue") || "");
    controls.code.checked = params.get("code") === "1";
    const stars = parseInt(params.get("stars") || "", 10);
    // No entry has stars: the page has no stars filter (nor order), and ignores ?stars=.
    if (controls.stars) controls.stars.value = stars > 0 ? String(stars) : "";
    setSelect(controls.sort, params.get("sort") || "relevance");
    if (!controls.sort.value) controls.sort.value = "relevance";
  }

  function write(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.section) params.set("section", state.section);
    if (state.year) params.set("year", state.year);
    if (state.venue) params.set("venue", state.venue);
    if (state.code) params.set("code", "1");
    if (state.stars) params.set("stars", String(state.stars));
    if (state.sort !== "relevance") params.set("sort", state.sort);
    const search = params.toString() ? "?" + params.toString() : "";
    // A #section of the URL is where the reader was, not where the new state opens: it goes
    // once the reader changes the state (it stays when only the URL's spelling is tidied).
    const hash = changed ? "" : location.hash;
    if (search !== location.search) writeUrl(location.pathname + search + hash, pushNext);
    pushNext = false;
  }

  // Safari refuses more than 100 history writes in 30 s (a SecurityError), about a minute of
  // typing: the list must go on following the search, and the URL catch up once it may.
  function writeUrl(url, push) {
    try {
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    } catch (error) {
      if (retry === null) {
        retry = setTimeout(function () { retry = null; write(read()); }, 1000);
      }
    }
  }

  return {
    read, load, write,
    // A control changed: a new step unless it is the one the current step is about.
    input(control) {
      pushNext = changing !== control;
      changing = control;
      changed = true;
    },
    // A typed value committed (Enter, leaving the box): more typing is a new step.
    committed(control) {
      if (control === changing) changing = null;
    },
    // Clear, back or forward: the next change is a new step; Clear is one itself (step()).
    forget() { changing = null; },
    step() { pushNext = true; changed = true; }
  };
}
