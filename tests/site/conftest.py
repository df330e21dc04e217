"""The browser tests' shared fixtures: a site built from the fixture catalog (with its paper
store), served on loopback, and headless Chromium (the tests FAIL, never skip, without it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core import catalog_io
from bot.site import build as site_build
from bot.site.papers import read_papers

from . import fixture
from .browser import MISSING, chromium_path, serve

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

N_PAPERS = 60


def built_site(folder: Path, papers: int) -> tuple[site_build.Site, Path]:
    """The fixture catalog of ``papers`` papers (with its paper store), built into folder/out."""
    catalog_path, papers_path = fixture.write(folder / "src", papers)
    taxonomy = fixture.load_taxonomy()
    built, _ = site_build.build(
        catalog_io.read_catalog(catalog_path, taxonomy),
        taxonomy,
        folder / "out",
        papers=read_papers(papers_path),
        now=datetime(2026, 1, 2, tzinfo=UTC),
    )
    return built, folder / "out"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[site_build.Site, Path]:
    return built_site(tmp_path_factory.mktemp("site-browser"), N_PAPERS)


@pytest.fixture(scope="module")
def base_url(site: tuple[site_build.Site, Path]) -> Iterator[str]:
    with serve(site[1]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.fail(MISSING, pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


def checked_page(browser: Browser, **context: Any) -> Iterator[Page]:
    """A page in a new browser context (``context``: its viewport...) for a fixture to yield;
    the test fails after it when the page raised a JavaScript error."""
    opened = browser.new_context(**context)
    page = opened.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    opened.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    yield from checked_page(browser, viewport={"width": 1100, "height": 900})


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page as a phone shows it (375 x 740, touch)."""
    yield from checked_page(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
