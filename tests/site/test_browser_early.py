"""The site in a real browser: the search worker starts from the page's <head>
(static/search-start.js), before the long list is parsed and site.js runs, so that a search
link opened cold is answered as soon as site.js runs. The tests hold site.js's request (or the
start script's) to show the order of the steps without timing anything.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.site import build as site_build
from bot.site.search import Filters

from . import fixture
from .pages import expected_ids, open_abstract, settle, visible_ids

try:
    from playwright.sync_api import Browser, Page, Request, Route
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

QUERY = "breaking"  # in a title only (the fixture's hostile one): the short index finds it
SEARCHABLE = "(window.catalogSearch?.messages ?? []).some(m => m.type === 'searchable')"


def _page(browser: Browser, hold: str) -> tuple[Page, list[Route], list[str]]:
    """A page whose request for ``hold`` waits until the test continues it; and the files the
    page and its worker ask for, in order."""
    page = browser.new_context().new_page()
    page.on("pageerror", lambda exc: pytest.fail(f"JavaScript error on the page: {exc}"))
    held: list[Route] = []
    asked: list[str] = []

    def on_request(request: Request) -> None:
        asked.append(request.url.rsplit("/", 1)[-1].split("?")[0])

    page.on("request", on_request)
    page.route(f"**/{hold}", lambda route: held.append(route))
    return page, held, asked


def _answered(page: Page, built: site_build.Site) -> None:
    matches = expected_ids(built, Filters(query=QUERY))
    page.wait_for_selector("html[data-indexed='1']", timeout=10_000)
    settle(page, len(matches))
    assert set(visible_ids(page)) == matches
    assert page.text_content("#count") == f"{len(matches)} of {len(built.entries)} entries match"


def test_the_worker_indexes_the_titles_before_site_js_runs(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """With site.js held back, the worker has fetched search.json and indexed it (its message
    waits in window.catalogSearch), and abstracts.json is not asked for: it would compete with
    the page's own download. Once site.js runs, it takes the worker and its message over."""
    page, held, asked = _page(browser, "site.js")
    page.goto(base_url + "?q=" + QUERY, wait_until="commit")  # "load" waits for site.js
    page.wait_for_function(SEARCHABLE, timeout=10_000)
    assert held, "site.js was never asked for"
    assert page.get_attribute("html", "data-ready") is None  # site.js has not run
    assert "search.json" in asked and "abstracts.json" not in asked
    # the worker asks for search.json before loading MiniSearch, not once it is loaded
    assert asked.index("search.json") < asked.index("minisearch-7.2.0.umd.js")
    held[0].continue_()
    _answered(page, site[0])
    assert asked.count("search.json") == 1 and asked.count("abstracts.json") == 1  # one worker
    page.context.close()


def test_without_the_start_script_site_js_starts_the_worker(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """search-start.js blocked (or failing to load): site.js starts the worker itself."""
    page = browser.new_context().new_page()
    page.route("**/search-start.js", lambda route: route.abort())
    page.goto(base_url + "?q=" + QUERY)
    _answered(page, site[0])
    page.context.close()


def test_a_start_script_later_than_site_js_starts_no_second_worker(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """search-start.js arriving after site.js has started the worker stays out of the way."""
    page, held, asked = _page(browser, "search-start.js")
    page.goto(base_url + "?q=" + QUERY, wait_until="domcontentloaded")  # "load" waits for it
    _answered(page, site[0])
    assert held, "search-start.js was never asked for"
    held[0].continue_()
    page.wait_for_load_state("load")  # the page's async scripts have run
    _answered(page, site[0])
    assert asked.count("search-worker.js") == 1 and asked.count("search.json") == 1
    page.context.close()


def test_abstracts_asked_for_before_the_titles_are_indexed_still_come(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """search.json held until site.js has asked the worker for abstracts.json: the abstracts come
    first, wait for the short index, and the whole index and an abstract's text still come."""
    built = site[0]
    page, held, asked = _page(browser, "search.json")
    with page.expect_request("**/abstracts.json"):
        page.goto(base_url + "?q=" + QUERY)
    assert held, "search.json was never asked for"
    assert page.get_attribute("html", "data-ready") == "1"
    assert page.get_attribute("html", "data-searchable") is None  # no index yet
    held[0].continue_()
    _answered(page, built)
    # the match (the hostile title's entry) opens its abstract in the list of matches
    target = next(e.index for e in built.entries if fixture.HOSTILE_ABSTRACT in e.abstract)
    match = page.locator(f"#sorted li[data-i='{target}']")
    open_abstract(match)
    page.wait_for_function("document.querySelector('#sorted .abstract').textContent !== ''")
    assert match.locator(".abstract").text_content() == built.entries[target].abstract
    assert asked.count("search.json") == 1 and asked.count("abstracts.json") == 1
    page.context.close()
