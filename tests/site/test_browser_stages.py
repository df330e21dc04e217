"""The site in a real browser: the search index comes in two steps. Titles, authors and arXiv
ids (search.json) are searchable first; the abstracts (abstracts.json) are indexed after, while
the page answers from the short fields and says so, then asks the whole index again. The tests
hold abstracts.json's request, so they show the order of the steps without timing anything.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

from pathlib import Path

from bot.site import build as site_build
from bot.site.search import Filters, query_terms, tokenize

from . import fixture
from .pages import SEARCH_LABEL, expected_ids, settle, visible_ids

try:
    from playwright.sync_api import Browser, Page, Route
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

STILL_INDEXING = " in titles, authors, venues and arXiv ids (abstracts are still being indexed…)"


def _short_matches(built: site_build.Site, query: str) -> set[int]:
    """What the short fields alone match: every query term starts a term of the entry's title,
    authors or arXiv id."""
    kept = set()
    for entry in built.entries:
        terms = tokenize(" ".join((entry.title, entry.author_text, entry.arxiv_id or "")))
        if all(any(t.startswith(word) for t in terms) for word in query_terms(query)):
            kept.add(entry.index)
    return kept


def _search(page: Page, query: str) -> None:
    page.get_by_label(SEARCH_LABEL).fill(query)


def _held_abstracts(browser: Browser, base_url: str) -> tuple[Page, list[Route]]:
    held: list[Route] = []  # abstracts.json's request, answered when the test says so
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/abstracts.json", lambda route: held.append(route))
    page.goto(base_url)
    page.wait_for_selector("html[data-searchable='1']", timeout=10_000)
    assert not errors, errors
    return page, held


def test_titles_answer_before_the_abstracts_are_indexed_and_abstracts_after(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    built = site[0]
    n = len(built.entries)
    # "breaking" is in a title only, "zeppelin" in an abstract only (the fixture's hostile ones)
    title_query, abstract_query = "breaking", "zeppelin"
    in_titles = _short_matches(built, title_query)
    in_abstracts = expected_ids(built, Filters(query=abstract_query))
    assert in_titles and in_titles == expected_ids(built, Filters(query=title_query))
    assert in_abstracts and not _short_matches(built, abstract_query)
    page, held = _held_abstracts(browser, base_url)
    assert held, "the worker never asked for abstracts.json"

    # the abstracts are not in: a title query is answered at once, and the page says what it searched
    _search(page, title_query)
    settle(page, len(in_titles))
    assert set(visible_ids(page)) == in_titles
    assert page.text_content("#count") == f"{len(in_titles)} of {n} entries match{STILL_INDEXING}"
    assert page.get_attribute("html", "data-indexed") is None
    assert page.locator("details.abs").count() == 0  # no abstract to show yet
    # an abstract-only query finds nothing yet, and is not taken as a typo of a title word
    _search(page, abstract_query)
    settle(page, 0)
    assert page.text_content("#count") == f"0 of {n} entries match{STILL_INDEXING}"

    # the abstracts come: the same query, untouched, is asked again of the whole index
    held[0].continue_()
    page.wait_for_selector("html[data-indexed='1']", timeout=10_000)
    settle(page, len(in_abstracts))
    assert set(visible_ids(page)) == in_abstracts
    assert page.text_content("#count") == f"{len(in_abstracts)} of {n} entries match"
    page.context.close()


def test_the_keyboard_keeps_its_place_when_the_abstracts_change_the_matches(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """A keyboard user reads the matches of the titles while the abstracts are indexed; when
    they are in, the list is built again with more matches: the focus stays on the link it was
    on, not thrown back to the page's start (a 10,000-entry list takes 10 s to index)."""
    built = site[0]
    query = next(w for w in fixture.WORDS if _short_matches(built, w) < expected_ids(built, Filters(query=w)))
    page, held = _held_abstracts(browser, base_url)
    _search(page, query)
    settle(page, len(_short_matches(built, query)))
    pdf = page.locator("#sorted > li").nth(1).get_by_role("link", name="PDF: ", exact=False)
    pdf.focus()
    entry = pdf.evaluate("a => a.closest('li').dataset.i")
    held[0].continue_()
    page.wait_for_selector("html[data-indexed='1']", timeout=10_000)
    settle(page, len(expected_ids(built, Filters(query=query))))
    focused = page.evaluate(
        "[document.activeElement.closest('li') && document.activeElement.closest('li').dataset.i,"
        " document.activeElement.textContent]"
    )
    assert focused[0] == entry and focused[1] == "pdf", focused
    # a search that no longer shows it: the focus goes to the results, not to the page's start
    page.evaluate("document.querySelector('#sorted .title').focus()")
    page.evaluate(
        "history.pushState(null, '', '?q=nothingmatchesthis'); dispatchEvent(new PopStateEvent('popstate'))"
    )
    settle(page, 0)
    assert page.evaluate("document.activeElement.id") == "results"
    page.context.close()


def test_a_missing_abstracts_file_leaves_the_short_fields_searchable_and_says_so(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    built = site[0]
    page = browser.new_context().new_page()
    page.route("**/abstracts.json", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(base_url + "?q=" + fixture.HOSTILE_TITLE.split()[0])
    in_titles = _short_matches(built, fixture.HOSTILE_TITLE.split()[0])
    page.wait_for_function(
        "document.getElementById('count').textContent.includes('the abstracts could not be loaded')",
        timeout=10_000,
    )
    settle(page, len(in_titles))
    assert set(visible_ids(page)) == in_titles
    assert page.text_content("#count") == (
        f"{len(in_titles)} of {len(built.entries)} entries match in titles, authors, venues and arXiv ids "
        "(the abstracts could not be loaded)"
    )
    page.context.close()
