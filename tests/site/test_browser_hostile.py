"""Hostile entries in a real browser, on the page and in the search's results: a link that is
not http(s), right-to-left text with bidi controls in it, a 10 KB title and author list (HTML in
titles, authors, venues and abstracts: test_browser.py test_hostile_text_stays_text).

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core import catalog_io
from bot.site import build as site_build

from . import fixture
from .browser import serve
from .pages import SEARCH_LABEL, open_page, settle, visible_ids

try:
    from playwright.sync_api import Page
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

# A title, authors and venue in Hebrew and Arabic, with a right-to-left override (U+202E) and an
# isolate (U+2067) typed in: either would reorder the text after it.
RTL_LINE = (
    "- [מודל שפה יעיל \u202eעם זיכרון 2024?](https://arxiv.org/abs/2401.00002) - محمد علي, \u2067דוד לוי"
    " · arXiv 2401.00002 · Feb 2024 · כנס 2024 · [pdf](https://arxiv.org/pdf/2401.00002)"
)
# 10 KB of title and as much of authors, in one catalog line.
LONG_LINE = (
    "- [Efficient "
    + "lengthy words " * 800
    + "end](https://arxiv.org/abs/2401.00003) - "
    + "Author Name, " * 800
    + "Zed · arXiv 2401.00003 · Mar 2024 · [pdf](https://arxiv.org/pdf/2401.00003)"
)
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[site_build.Site, str]]:
    """The fixture catalog (its javascript: link among its tools) with the lines above."""
    folder = tmp_path_factory.mktemp("site-hostile")
    text, _ = fixture.generate(12)
    intro = "Methods named after the first letter.\n"
    assert intro in text  # the fixture's first section
    source = folder / "catalog.md"
    source.write_text(
        text.replace(intro, intro + "\n" + RTL_LINE + "\n" + LONG_LINE + "\n", 1), encoding="utf-8"
    )
    taxonomy = fixture.load_taxonomy()
    built, _ = site_build.build(catalog_io.read_catalog(source, taxonomy), taxonomy, folder / "out")
    with serve(folder / "out") as url:
        yield built, url


def test_a_link_that_is_not_http_is_no_link(phone: Page, hostile_url: tuple[site_build.Site, str]) -> None:
    """A catalog line's javascript: link: its title shows as text, not as a link to "#" that looked
    like the others and took the reader back to the page's top; in the results too."""
    built, url = hostile_url
    sneaky = next(e for e in built.entries if e.url.startswith("javascript:"))
    open_page(phone, url)
    title = phone.locator(f"#e{sneaky.index}")
    assert title.text_content() == "Sneaky link"
    assert title.evaluate("node => node.tagName") == "SPAN" and title.get_attribute("href") is None
    assert phone.locator("a[href='#'], a:not([href])").count() == 0
    phone.get_by_label(SEARCH_LABEL).fill("sneaky")
    settle(phone, 1)
    assert visible_ids(phone) == [sneaky.index]
    match = phone.locator(f"#sorted li[data-i='{sneaky.index}']")
    assert match.get_by_role("link").count() == 0
    match.get_by_text("Sneaky link").click()
    assert phone.url == url + "?q=sneaky" and phone.evaluate("scrollY") > 0  # not sent to the top


def test_right_to_left_text_is_isolated_and_loses_its_bidi_controls(
    phone: Page, hostile_url: tuple[site_build.Site, str]
) -> None:
    """A Hebrew title with a right-to-left override in it, Arabic and Hebrew authors, a Hebrew
    venue: no bidi control reaches the page, each text is isolated (unicode-bidi) in the catalog
    and in the results, so it cannot reorder what follows it, reads right to left (its final
    "?" on its left), and a Hebrew word finds it."""
    built, url = hostile_url
    rtl = next(e for e in built.entries if e.arxiv_id == "2401.00002")
    open_page(phone, url)
    assert rtl.title == "מודל שפה יעיל עם זיכרון 2024?" and rtl.venue == "כנס 2024"
    page_text = phone.evaluate("document.body.innerText + document.title")
    assert not set(page_text) & set(BIDI_CONTROLS)
    isolated = """(li) => ['.title', '.authors', '.venue'].map(
        (part) => getComputedStyle(li.querySelector(part)).unicodeBidi)"""
    item = phone.locator(f"li:has(> #e{rtl.index})")
    assert item.evaluate(isolated) == ["plaintext", "isolate", "plaintext"]  # isolated
    # right to left: the title's first word on the right, its final "?" at its end, on the left (in
    # a left-to-right isolate it was on the right, after the first word)
    x_of = """(title, word) => { const text = title.firstChild, range = document.createRange();
        const at = text.data.indexOf(word); range.setStart(text, at); range.setEnd(text, at + word.length);
        return range.getBoundingClientRect().x; }"""
    title = phone.locator(f"#e{rtl.index}")
    assert title.evaluate(x_of, "?") < title.evaluate(x_of, "מודל")
    phone.get_by_label(SEARCH_LABEL).fill("זיכרון")
    settle(phone, 1)
    assert visible_ids(phone) == [rtl.index]
    match = phone.locator(f"#sorted li[data-i='{rtl.index}']")
    assert match.evaluate(isolated) == ["plaintext", "isolate", "plaintext"]
    # the pdf link still comes after the venue, left to right, as in every entry
    venue, pdf = (match.locator(s).bounding_box() for s in (".venue", "a[href*='/pdf/']"))
    assert venue and pdf and (pdf["y"] > venue["y"] + venue["height"] / 2 or pdf["x"] > venue["x"])


def test_a_10_kb_title_is_capped_and_fits_a_phone(
    phone: Page, hostile_url: tuple[site_build.Site, str]
) -> None:
    """10 KB of title and of authors in a catalog line: the page shows a capped title (ending
    in "…") and the first authors, it never scrolls sideways, and a search finds the entry."""
    built, url = hostile_url
    long = next(e for e in built.entries if e.arxiv_id == "2401.00003")
    open_page(phone, url)
    title = phone.locator(f"#e{long.index}")
    shown = title.text_content() or ""
    assert shown.startswith("Efficient lengthy words") and shown.endswith("…") and len(shown) <= 500
    authors = phone.locator(f"li:has(> #e{long.index}) .authors").text_content() or ""
    assert len(authors) <= 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label(SEARCH_LABEL).fill("efficient lengthy")
    settle(phone, 1)
    assert visible_ids(phone) == [long.index]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
