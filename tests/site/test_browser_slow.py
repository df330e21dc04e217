"""The site on a slow link: the page is still downloading when its <head> starts the search
worker. Then search.json (the titles, authors, venues and arXiv ids the page itself carries)
is not downloaded beside it: site.js reads those fields from the page once it is in, and asks
for abstracts.json only when a search needs it. A loopback server holds the page's second half
until the test lets it go, so the tests show the path taken without timing anything.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.site import build as site_build
from bot.site.search import Filters, query_terms, tokenize

from . import fixture
from .conftest import built_site
from .pages import SEARCH_LABEL, expected_ids, settle, visible_ids

try:
    from playwright.sync_api import Browser, Page, Route
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc


@contextmanager
def serve_held(directory: Path, entry: int = 0) -> Iterator[tuple[str, threading.Event, list[str]]]:
    """Serve ``directory`` on loopback, sending index.html up to its ``entry`` at once and the
    rest when the event is set; yields (base URL, the event, the paths asked for)."""
    page = (directory / "index.html").read_bytes()
    cut = page.index(b'<li data-i="%d"' % entry)
    go, asked = threading.Event(), []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            if self.path != "/":
                super().do_GET()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page[:cut])
            self.wfile.flush()
            go.wait(30)
            self.wfile.write(page[cut:])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", go, asked
    finally:
        go.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _short_matches(built: site_build.Site, query: str) -> set[int]:
    """What the short fields alone match: every query term starts a term of the entry's title,
    authors, venue or arXiv id."""
    kept = set()
    for entry in built.entries:
        terms = tokenize(" ".join((entry.title, entry.author_text, entry.venue, entry.arxiv_id or "")))
        if all(any(t.startswith(word) for t in terms) for word in query_terms(query)):
            kept.add(entry.index)
    return kept


def _open_slowly(browser: Browser, url: str, go: threading.Event, held: list[Route] | None = None) -> Page:
    """The page, its head in and its list still coming when the worker starts; then the rest
    (abstracts.json's request into ``held`` when given: the titles stay the index)."""
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    if held is not None:
        page.route("**/abstracts.json", lambda route: held.append(route))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.catalogSearch && window.catalogSearch.worker", timeout=10_000)
    assert page.evaluate("window.catalogSearch.fromPage") is True
    go.set()
    page.wait_for_selector("html[data-searchable='1']", timeout=10_000)
    assert not errors, errors
    return page


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[site_build.Site, Path]:
    """1,200 entries: site.js sends their text to the worker in slices of 500."""
    return built_site(tmp_path_factory.mktemp("site-slow"), 1200)


def test_a_page_still_downloading_indexes_its_own_text_not_search_json(
    browser: Browser, big_site: tuple[site_build.Site, Path]
) -> None:
    """The worker is started while the page downloads: search.json is never asked for, the
    page's own text is what search.json holds (hostile titles, authors and venues included),
    and a search of titles, authors, a venue and an arXiv id (of the last slice's entries too)
    shows what bot.site.search selects."""
    built, out = big_site
    with serve_held(out) as (url, go, asked):
        page = _open_slowly(browser, url, go, held=[])
        docs = json.loads((out / "search.json").read_text(encoding="utf-8"))
        assert page.evaluate("window.catalogPageDocs()") == docs
        assert any(d["title"] == fixture.HOSTILE_TITLE for d in docs)
        assert any(d.get("venue") == fixture.HOSTILE_VENUE for d in docs)
        assert "/search.json" not in asked and "/abstracts.json" not in asked
        box = page.get_by_label(SEARCH_LABEL)
        last = next(e for e in reversed(built.entries) if e.arxiv_id and e.authors)
        assert last.index >= 1000  # in the third slice
        queries = (
            "breaking",
            "conf 2024",
            built.entries[3].arxiv_id,
            last.arxiv_id,
            last.authors[0],
            last.title,
        )
        for query in queries:
            assert query
            box.fill(query)
            wanted = _short_matches(built, query)  # abstracts held: the short fields' matches
            settle(page, len(wanted))
            shown = set(visible_ids(page))  # the first RESULTS_LIMIT of them, "Show all" for the rest
            assert shown <= wanted and len(shown) == min(len(wanted), site_build.RESULTS_LIMIT) > 0, query
            assert wanted <= expected_ids(built, Filters(query=query))
        page.context.close()


def test_the_entries_parsed_while_the_page_downloads_are_sent_to_the_worker_meanwhile(
    browser: Browser, big_site: tuple[site_build.Site, Path]
) -> None:
    """The page held after its first 600 entries: they are read and sent to the worker while the
    rest downloads (all but the last one, which may still be being parsed), not once the page is
    in, so the titles are searchable about when it is; the rest follow, and every entry's text
    reaches the index."""
    built, out = big_site
    html = (out / "index.html").read_bytes()
    held_at = 600
    before = html[: html.index(b'<li data-i="%d"' % held_at)].count(b"<li data-i=")
    assert before >= 500  # more than one slice
    with serve_held(out, held_at) as (url, go, _asked):
        page = browser.new_context().new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(f"window.catalogSearch?.sent >= {before - 1}", timeout=10_000)
        assert page.evaluate("window.catalogSearch.fromPage") is True
        assert page.get_attribute("html", "data-ready") is None  # the page is not in
        go.set()
        page.wait_for_selector("html[data-searchable='1']", timeout=10_000)
        assert page.evaluate("window.catalogSearch.sent") == len(built.entries)
        last = built.entries[-1]
        page.get_by_label(SEARCH_LABEL).fill(last.title)
        wanted = _short_matches(built, last.title)
        settle(page, len(wanted))
        assert last.index in visible_ids(page)
        page.context.close()


def test_on_a_slow_link_the_abstracts_come_when_a_search_needs_them(
    browser: Browser, site: tuple[site_build.Site, Path]
) -> None:
    """Reading the list asks for no abstracts (most of a big site's weight); focusing the search
    box does, and then the whole index is built: an abstract-only word finds its entries."""
    built, out = site
    with serve_held(out) as (url, go, asked):
        page = _open_slowly(browser, url, go)
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(300)  # nothing to wait for: the list is read, no search made
        assert "/abstracts.json" not in asked
        assert page.evaluate("document.documentElement.dataset.indexed") is None
        page.get_by_label(SEARCH_LABEL).focus()
        page.wait_for_selector("html[data-indexed='1']", timeout=10_000)
        assert asked.count("/abstracts.json") == 1 and "/search.json" not in asked
        page.get_by_label(SEARCH_LABEL).fill("zeppelin")  # in an abstract only
        wanted = expected_ids(built, Filters(query="zeppelin"))
        settle(page, len(wanted))
        assert set(visible_ids(page)) == wanted and wanted
        page.context.close()


def test_a_page_downloaded_whole_before_its_head_runs_still_uses_search_json(
    browser: Browser, base_url: str
) -> None:
    """On a fast link (here loopback, the page sent at once) the worker fetches search.json as
    the page starts, while the list is parsed, and abstracts.json once it is parsed."""
    page = browser.new_context().new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[-1]))
    page.goto(base_url)
    page.wait_for_selector("html[data-indexed='1']", timeout=10_000)
    assert not page.evaluate("window.catalogSearch.fromPage")  # (site.js may have started it)
    assert asked.count("search.json") == 1 and asked.count("abstracts.json") == 1
    page.context.close()
