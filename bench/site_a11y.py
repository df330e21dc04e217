"""An automated accessibility audit of the catalog site: axe-core in headless Chromium.

    npm install --prefix /tmp/axe axe-core
    python bench/site_a11y.py --axe /tmp/axe/node_modules/axe-core/axe.min.js

Builds two sites, the real ``catalog.md`` (with the paper store when ``data/papers.jsonl``
exists) and the browser tests' fixture catalog (60 papers with abstracts, hostile titles
included), serves each on 127.0.0.1 and audits each page in light and dark colour schemes at a
desktop's width (1100 x 900) and a phone's (375 x 740, touch), in five states: as opened
(scrolled to the list, once the abstracts are indexed and their toggles shown); the contents
open; a search's matches with the first abstract open; a search matching nothing; a search link
opened while the search index is still loading (``search.json`` held back).

axe-core is not a dependency of the bot (nor of its tests): install it where you like with npm
and pass its ``axe.min.js`` (or set ``AXE_PATH``). Rules: WCAG 2.0-2.2 A and AA, and axe's best
practices. Colour contrast and target size (WCAG 2.2, 2.5.8) are checked on the page's parts
and the entries on the screen: an entry far off screen is skipped by the browser
(``content-visibility``), and its links' boxes, measured without layout, seemed to touch another
entry's (99 false reports of target size on the real catalog, and 241 colours undecided). The
rest (names, roles, landmarks, headings, ARIA) is checked on the whole page, once per state.
It prints, per page and state, each rule broken with its impact, the number of
elements and the first of them; then the checks axe could not decide ("to review": a colour
over an overlapping element...), and exits 1 when any rule is broken. docs/site.md has the
figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, Route, sync_playwright  # noqa: E402

from bot.config import load_taxonomy  # noqa: E402
from bot.core import catalog_io  # noqa: E402
from bot.site import build as site_build  # noqa: E402
from bot.site.papers import read_papers  # noqa: E402
from tests.site import fixture  # noqa: E402
from tests.site.browser import MISSING, chromium_path, serve  # noqa: E402

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1100, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}
STATES = ("opened", "contents", "matches", "no match", "loading")
READY = "document.documentElement.dataset.ready === '1'"
SETTLED = READY + " && !document.getElementById('results').hasAttribute('aria-busy')"
# The page's parts and the entries on the screen: what target size is checked on.
ON_SCREEN = """() => {
  const parts = Array.from(document.querySelectorAll('.skip, header, #controls, #count, #toc, #more, footer'));
  const shown = Array.from(document.querySelectorAll('li[data-i]')).filter(li => {
    const r = li.getBoundingClientRect();
    return li.checkVisibility() && r.bottom > 0 && r.top < innerHeight;
  });
  window.auditOnScreen = parts.concat(shown);
}"""
# The whole page but the two checks of what is drawn, then those two on what is on the screen.
ON_SCREEN_RULES = ["color-contrast", "target-size"]
AUDIT = """async ([tags, part, measured]) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']};
  let context = document;
  if (part === 'page') {
    options.rules = Object.fromEntries(measured.map(id => [id, {enabled: false}]));
  } else {
    options.runOnly = {type: 'rule', values: measured};
    context = {include: window.auditOnScreen};
  }
  const r = await axe.run(context, options);
  const brief = list => list.map(v => ({id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
    first: v.nodes[0] ? v.nodes[0].target.join(' ') + ': ' + v.nodes[0].failureSummary : ''}));
  return {violations: brief(r.violations), incomplete: brief(r.incomplete)};
}"""


def build_sites(folder: Path, catalog: Path, papers: Path | None) -> dict[str, Path]:
    taxonomy = load_taxonomy(ROOT / "config")
    store = read_papers(papers) if papers else None
    site_build.build(catalog_io.read_catalog(catalog, taxonomy), taxonomy, folder / "real", papers=store)
    catalog_path, papers_path = fixture.write(folder / "fixture-src", 60)
    taxonomy = fixture.load_taxonomy()
    site_build.build(
        catalog_io.read_catalog(catalog_path, taxonomy),
        taxonomy,
        folder / "fixture",
        papers=read_papers(papers_path),
    )
    return {"real catalog.md": folder / "real", "fixture (60 papers)": folder / "fixture"}


def first_word(page: Page) -> str:
    """A word of the first entry's title: a search with matches on any catalog."""
    title = page.evaluate("document.querySelector('li[data-i] .title').textContent")
    words = [w for w in title.split() if w.isalpha() and len(w) > 3] or ["a"]
    return max(words, key=len).lower()


def open_state(page: Page, url: str, state: str, word: str) -> list[Route]:
    """The page in ``state``; the requests held back (search.json while "loading")."""
    held: list[Route] = []
    if state == "loading":
        page.route("**/search.json", lambda route: held.append(route))
        page.goto(url + "?q=" + word)
        page.wait_for_function(READY + " && document.getElementById('results').classList.contains('waiting')")
        return held
    page.goto(url + {"matches": "?q=" + word, "no match": "?q=zzqxjv"}.get(state, ""))
    page.wait_for_function(SETTLED, timeout=30_000)
    if state == "opened":  # the list's first entries on the screen, with their "Abstract" toggles
        page.wait_for_function("document.documentElement.dataset.indexed === '1'", timeout=30_000)
        page.evaluate("document.getElementById('results').scrollIntoView({block: 'start'})")
    if state == "contents":
        page.locator("#toc summary").press("Enter")
    if state == "matches":
        page.wait_for_function("document.documentElement.dataset.indexed === '1'", timeout=30_000)
        page.wait_for_function(SETTLED)
        toggle = page.locator("#sorted summary").first
        if toggle.count():
            toggle.press("Enter")
            page.wait_for_function("document.querySelector('#sorted .abstract') !== null", timeout=30_000)
    page.wait_for_timeout(300)  # the entries on screen laid out (content-visibility)
    return held


def audit(browser: Browser, axe: str, url: str, word: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each state in each width and scheme: what is drawn (contrast, target size) on the
    screen; the rest (names, roles, landmarks, headings...), which no width or scheme changes,
    on the whole page once per state (an audit of the 1,300-entry page takes about 30 s)."""
    for width, context_options in VIEWPORTS.items():
        for scheme in ("light", "dark"):
            for state in STATES:
                context = browser.new_context(color_scheme=scheme, **context_options)  # type: ignore[arg-type]
                page = context.new_page()
                held = open_state(page, url, state, word)
                page.add_script_tag(content=axe)
                page.evaluate(ON_SCREEN)
                found = page.evaluate(AUDIT, [TAGS, "screen", ON_SCREEN_RULES])
                if width == "desktop" and scheme == "light":
                    whole = page.evaluate(AUDIT, [TAGS, "page", ON_SCREEN_RULES])
                    found["violations"] += whole["violations"]
                    found["incomplete"] += whole["incomplete"]
                for route in held:
                    route.abort()
                context.close()
                yield f"{width}, {scheme}, {state}", found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--axe", type=Path, default=os.environ.get("AXE_PATH"), help="axe-core's axe.min.js")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--papers", type=Path, default=None, help="default: data/papers.jsonl if present")
    args = parser.parse_args()
    if not args.axe or not Path(args.axe).is_file():
        print(
            "axe-core is needed: npm install --prefix /tmp/axe axe-core, then --axe "
            "/tmp/axe/node_modules/axe-core/axe.min.js (or AXE_PATH)",
            file=sys.stderr,
        )
        return 2
    executable = chromium_path()
    if executable is None:
        print(MISSING, file=sys.stderr)
        return 2
    axe = Path(args.axe).read_text(encoding="utf-8")
    default_store = ROOT / "data" / "papers.jsonl"
    papers = args.papers or (default_store if default_store.exists() else None)
    broken = 0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for name, out in build_sites(Path(tmp), args.catalog, papers).items():
            with serve(out) as url:
                page = browser.new_page()
                page.goto(url)
                word = first_word(page)
                page.close()
                print(f"{name} (search: {word!r})")
                for where, found in audit(browser, axe, url, word):
                    rules = found["violations"]
                    broken += sum(v["n"] for v in rules)
                    review = "; ".join(
                        f"{v['id']} ({v['n']}, first: {v['first']})" for v in found["incomplete"]
                    )
                    review = " ".join(review.split()) or "none"
                    print(f"  {where}: {sum(v['n'] for v in rules)} violations; to review: {review}")
                    for v in rules:
                        summary = " ".join(v["first"].split())
                        print(
                            f"    {v['id']} ({v['impact']}): {v['n']} elements, {v['help']}; first: {summary}"
                        )
        browser.close()
    print(f"violations in all: {broken}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
