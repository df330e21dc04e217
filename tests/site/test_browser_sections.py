"""The site in a real browser, with the links inside the page: a section's link in the contents
(or the skip link) and the back button, and a shared link once the reader has searched.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.site import build as site_build
from bot.site.search import Filters

from .pages import SEARCH_LABEL, expected_ids, open_page, settle

try:
    from playwright.sync_api import Page
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

FOCUSED = "document.activeElement.outerHTML"


@pytest.mark.parametrize("how", ["Enter", "click"])
def test_back_from_a_sections_link_gives_the_keyboard_back_to_that_link(
    page: Page, base_url: str, how: str
) -> None:
    """A section's link in the contents followed (with Enter, or a click), then back: the
    browser scrolls back but left the focus on the page's body, so the next Tab went to the skip
    link at the top. The link followed has the focus again and Tab goes on to the next one; back
    from a later search's step leaves the focus in the search box."""
    open_page(page, base_url)
    page.locator("#toc summary").press("Enter")
    links = page.locator("#toc a")
    link, after = links.nth(2), links.nth(3)
    href = link.get_attribute("href")
    if how == "Enter":
        link.press("Enter")
    else:
        link.click()
    page.wait_for_function(f"location.hash === '{href}'")
    page.go_back()
    page.wait_for_function("location.hash === ''")
    page.wait_for_function(f"document.activeElement.getAttribute('href') === '{href}'", timeout=10_000)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == after.evaluate("a => a.outerHTML")
    # back from a search's step (the same history entry as before): the focus stays in the box
    page.get_by_label(SEARCH_LABEL).fill("cache")
    page.wait_for_function("location.search === '?q=cache'")
    page.go_back()
    page.wait_for_function("location.search === ''")
    settle(page)
    assert page.evaluate("document.activeElement.id") == "q"


def test_back_from_the_skip_link_gives_the_keyboard_back_to_it(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#results' && document.activeElement.id === 'results'")
    page.go_back()
    page.wait_for_function("document.activeElement.className === 'skip'", timeout=10_000)


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


def test_the_contents_links_and_toggles_are_targets_of_24_px(phone: Page, base_url: str) -> None:
    """WCAG 2.2's minimum target size (2.5.8), as axe-core found it (bench/site_a11y.py) on a
    phone: the contents' links, one under another, were 17 px high with 22 px between them, and
    the "Abstract" toggles 22 px high just under an entry's pdf link. Each is 24 px high now
    (a size, not a position: the layout around it may move)."""
    open_page(phone, base_url)
    phone.locator("#toc summary").press("Enter")
    phone.wait_for_selector("#catalog li[data-i] summary")  # the toggles, once the abstracts are in
    heights = phone.evaluate("""() => Array.from(document.querySelectorAll('#toc summary, #toc a, li[data-i] summary'))
        .filter(e => e.checkVisibility()).map(e => [e.textContent, e.getBoundingClientRect().height])""")
    assert len(heights) > 10
    small = [(text, height) for text, height in heights if height < 24]
    assert not small, small
