"""The site in a real browser, with the links inside the page: a section's link in the contents
(or the skip link) and the back button, and a shared link once the reader has searched.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from bot.site import build as site_build
from bot.site.search import Filters

from .pages import SEARCH_LABEL, expected_ids, open_page, settle

try:
    from playwright.sync_api import Page
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc


def test_a_search_drops_the_sections_fragment_from_the_url(
    page: Page, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """After a section's link (#alpha-two), a search, a filter or Clear wrote its state into a
    URL that still ended in #alpha-two: the link shared opened at that section (or, with the
    matches shown, nowhere in particular), not at the top of the matches. The fragment goes with
    the reader's first change; back returns to it; a link opened keeps it."""
    built = site[0]
    cache = len(expected_ids(built, Filters(query="cache")))
    open_page(page, base_url + "?utm=x#alpha-two")
    # the URL tidied as the page opens (an unknown parameter dropped): the section's link stays
    page.wait_for_function("location.search === ''")
    assert urlparse(page.url).fragment == "alpha-two"
    page.get_by_label(SEARCH_LABEL).fill("cache")
    settle(page, cache)
    assert (urlparse(page.url).query, urlparse(page.url).fragment) == ("q=cache", "")
    page.go_back()
    settle(page, len(built.entries))
    assert (urlparse(page.url).query, urlparse(page.url).fragment) == ("", "alpha-two")
    page.get_by_label("Section", exact=True).select_option("beta")
    settle(page, len(expected_ids(built, Filters(section="beta"))))
    assert (urlparse(page.url).query, urlparse(page.url).fragment) == ("section=beta", "")
    page.go_back()
    settle(page, len(built.entries))
    page.get_by_label(SEARCH_LABEL).fill("cache")
    settle(page, cache)
    page.get_by_role("button", name="Clear").click()
    settle(page, len(built.entries))
    page.wait_for_function("location.search === ''")
    assert urlparse(page.url).fragment == ""
