"""Helpers of the browser tests: wait for the page to show its state, read what it shows,
and what bot.site.search says it should show."""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING

from bot.site import build as site_build
from bot.site.search import Filters, select

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# The search box's label: what the search covers (bot.site.search.FIELDS), arXiv ids included.
SEARCH_LABEL = "Search titles, authors, venues, arXiv ids and abstracts"
SETTLED = (
    "document.documentElement.dataset.ready === '1' && "
    "!document.getElementById('results').hasAttribute('aria-busy')"
)


def settle(page: Page, count: int | None = None) -> None:
    """Wait until the page shows the results of its current state (the search worker answers
    asynchronously), and, when given, that it shows ``count`` entries."""
    condition = SETTLED
    if count is not None:
        condition += f" && document.getElementById('count').dataset.count === '{count}'"
    page.wait_for_function(condition, timeout=10_000)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)


def open_abstract(item: Locator) -> None:
    """Open an entry's "Abstract" toggle as a keyboard user does (focus it, Enter): the page
    then asks the search worker for the text. Not with a click: a click's mouse down and up land
    where the toggle was when Playwright checked, and the entries that content-visibility skips
    off screen are laid out (at their real height, not the estimated one) as they come on
    screen. On a loaded machine that came between the two: the mouse up landed on another
    entry, the toggle never opened and the test waited 30 s for a text nobody asked for
    (test_browser_lazy.py forces that interleaving)."""
    item.get_by_text("Abstract", exact=True).press("Enter")


def visible_ids(page: Page) -> list[int]:
    """The entries a reader sees, in the order they are shown."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('li[data-i]'))
        .filter(li => li.checkVisibility()).map(li => Number(li.dataset.i))""")


def expected_ids(site: site_build.Site, filters: Filters) -> set[int]:
    return {e.index for e in select(site.entries, filters)}  # type: ignore[attr-defined]


def shown_count(page: Page) -> int:
    return int(page.get_attribute("#count", "data-count") or "-1")


def png_pixels(data: bytes) -> list[list[tuple[int, int, int]]]:
    """The RGB pixels, row by row, of an 8-bit RGB or RGBA PNG without interlacing (what a
    Chromium screenshot is): enough to look at a few pixels without an imaging library."""
    pos, idat, header = 8, b"", (0, 0, 0, 0, 0, 0, 0)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and not interlace, header
    size = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - size] if i >= size else 0
            b, c = previous[i], previous[i - size] if i >= size else 0
            p = a + b - c
            guess = (0, a, b, (a + b) // 2, min((a, b, c), key=lambda v: abs(p - v)))[kind]
            line[i] = (line[i] + guess) & 255
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, size)])
        previous = line
    return rows  # type: ignore[return-value]
