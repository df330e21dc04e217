"""Hostile arXiv records pushed through the real paths: the catalog line must re-parse to the same
paper, and one bad record must not stop a run."""

from __future__ import annotations

import pytest

from bot.core.entry import Entry, parse_entry, render_entry
from bot.core.text import clean_title

ARXIV_URL = "https://arxiv.org/abs/2412.00021"


def _entry(title: str, authors: tuple[str, ...] = ("A",)) -> Entry:
    return Entry(title=title, url=ARXIV_URL, authors=authors, arxiv_id="2412.00021", year=2024, month=12)


# -- a title that one cleaning pass leaves with LaTeX or HTML still in it --------------------------


@pytest.mark.parametrize(
    "title",
    [
        r"KV cache \\} with \\& more",  # \\} -> \} -> } -> "" on the next pass
        r"KV cache \\\\\\\\} nested",
        r"KV cache &\#60;img src=x onerror=alert(1)\#62; tags",  # an entity formed by LaTeX
        r"KV cache \\$x^2\\$ and \\textbf{bold}",
    ],
)
def test_a_cleaned_title_is_clean(title: str) -> None:
    once = clean_title(title)
    assert clean_title(once) == once
    entry = _entry(title)
    assert parse_entry(render_entry(entry)) == entry
