/* The entries' "Abstract" toggles, for site.js: an entry's toggle appears
 * once the search worker has the abstracts (abstracts.json), and its text is asked of the worker
 * when it is first opened. A <details> costs its own shadow tree and style sheet: thousands of
 * them in the HTML doubled the time a 5,000-entry page took to parse. So they are added here: at
 * once to the entries on screen, to an entry the keyboard reaches and to the copies in a flat
 * list; to all the others a few at a time while the page is idle. */

// The toggle every entry's is a copy of, its words in the catalog's language (label).
function toggleWith(label) {
  var box = document.createElement("details");
  box.className = "abs";
  box.appendChild(document.createElement("summary")).textContent = label("abstract", {});
  box.appendChild(document.createElement("p")).className = "abstract";
  return box;
}

var idle = window.requestIdleCallback ? window.requestIdleCallback.bind(window) : function (callback) {
  return setTimeout(function () {
    var start = performance.now();
    callback({ timeRemaining: function () { return Math.max(0, 8 - (performance.now() - start)); } });
  }, 1);
};

// entries: the page's facets (.a: has an abstract); catalogBox: the grouped catalog;
// askText(id): asks the worker for an abstract's text, which comes back to show(id, text);
// label(key, values): site.js's, the page's words.
export function catalogAbstracts(entries, catalogBox, askText, label) {
  var ABSTRACT = toggleWith(label);
  var on = false;
  var pending = [];

  // Adds the toggle to an entry (the catalog's or a copy) that has an abstract; once only. It is
  // named with the entry's title, like its pdf and code links ("Abstract: <title>"), so that a
  // screen reader's list of the page's buttons is not a column of "Abstract".
  function add(li) {
    if (!on || !li || !entries[li.getAttribute("data-i")].a) return;
    if (li.lastElementChild.classList.contains("abs")) return;
    var toggle = ABSTRACT.cloneNode(true);
    var title = li.querySelector(".title");
    if (title) toggle.firstChild.setAttribute("aria-label", label("abstract_of", { title: title.textContent }));
    li.appendChild(toggle);
  }

  // A batch per call at least: a page that is never idle (a long "Show all", a busy machine)
  // still gets them all, one batch each time the idle callback's timeout runs out.
  function addWhileIdle(deadline) {
    do {
      var batch = pending.splice(0, 25);
      for (var k = 0; k < batch.length; k++) add(batch[k]);
    } while (pending.length && deadline.timeRemaining() > 2);
    if (pending.length) idle(addWhileIdle, { timeout: 500 });
  }

  // shown: the entries of the flat list of matches, if any.
  function start(shown) {
    on = true;
    var all = Array.prototype.slice.call(catalogBox.querySelectorAll("li[data-i]"));
    // The first entry on screen and the thirty after it (more than a screen): now; all the
    // others while idle.
    var top = document.elementFromPoint(window.innerWidth / 2, 1);
    var at = all.indexOf(top && top.closest ? top.closest("#catalog li[data-i]") : null);
    at = Math.max(at, 0);
    var now = all.slice(at, at + 31);
    for (var k = 0; k < now.length; k++) add(now[k]);
    pending = Array.prototype.slice.call(shown).concat(all.slice(at + 31), all.slice(0, at));
    idle(addWhileIdle, { timeout: 500 });
  }

  function show(id, text) {
    var nodes = document.querySelectorAll("li[data-i='" + id + "'] .abstract");
    for (var k = 0; k < nodes.length; k++) nodes[k].textContent = text;
  }

  // An entry the keyboard reaches has its toggle before the Tab after its links.
  document.addEventListener("focusin", function (event) {
    var li = event.target.closest && event.target.closest("li[data-i]");
    if (li) add(li);
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("abs") || !box.open) return;
    var node = box.querySelector(".abstract");
    if (node && !node.textContent) askText(Number(box.parentNode.getAttribute("data-i")));
  }, true);

  return { add: add, start: start, show: show };
}
