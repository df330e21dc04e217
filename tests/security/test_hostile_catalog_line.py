"""Hostile text from arXiv pushed through the catalog's real insert: the paper's line reads back
as the same entry, renders as one list item with its own three links and nothing else, and the
rest of the catalog is the same text and the same markup around it."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.core import catalog_parse
from bot.core.entry import Entry, parse_entry, render_entry
from bot.core.taxonomy import Taxonomy
from tests.gitrepo import paper_entry as paper

# GitHub's markdown as far as a catalog line can reach: CommonMark with raw HTML, tables and ~~
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
PIECES = st.sampled_from(
    [
        *"[]()!<>&`*_|#~\\$@{},:-",
        "et al.",
        "Bet al.",
        " et al.",
        "·",
        " · ",
        " - ",
        ", ",
        "arXiv 2401.00001",
        "Jan 2024",
        "withdrawn",
        "⭐ 12",
        "(archived)",
        "[pdf](https://evil.example/p)",
        "![i](https://evil.example/i.png)",
        "<img src=x onerror=alert(1)>",
        "<!--",
        "-->",
        "</li></ul><script>",
        "&lt;b&gt;",
        "&#91;x&#93;",
        "```",
        "~~~",
        "# ",
        "1. ",
        "- ",
        "\n",
        "\r",
        "\t",
        "\x00",
        "\x1b[2J",
        "\u202e",
        "\u200b",
        "\u00a0",
        "\u2028",
        "$x^2$",
        "\\textbf{b}",
        "@mallory",
        "#12",
        "KV",
        "cache",
        " ",
    ]
)
HOSTILE = st.one_of(st.lists(PIECES, min_size=1, max_size=20).map("".join), st.text(min_size=1, max_size=30))
ARXIV_ID = "2412.00021"
LINKS = [f"https://arxiv.org/abs/{ARXIV_ID}", f"https://arxiv.org/pdf/{ARXIV_ID}", "https://github.com/o/r"]


def hostile_entry(title: str, authors: list[str], venue: str) -> Entry | None:
    try:
        return Entry(
            title=title,
            url=LINKS[0],
            authors=tuple(authors),
            arxiv_id=ARXIV_ID,
            year=2024,
            month=12,
            venue=venue,
            pdf_url=LINKS[1],
            code_url=LINKS[2],
            stars=1234,
        )
    except ValueError:  # cleaned to an empty title: the readers skip such a paper
        return None


NEIGHBOURS = (paper("2404.14469", "SnapKV"), paper("2401.00001", "An older paper"))
BEFORE = "# Catalog\n\n## KV Cache Compression\n\n{}\n{}\n\n## Speculative and Parallel Decoding\n"


def tags(html: str) -> dict[str, int]:
    return {
        tag: html.count(tag) for tag in ("<li>", "<a ", "<img", "<em>", "<strong>", "<del>", "<code>", "<h")
    }


@settings(max_examples=150, deadline=None)
@given(title=HOSTILE, authors=st.lists(HOSTILE, max_size=4), venue=HOSTILE)
@example(title="KV cache", authors=["Ann", "Bet al."], venue="ICML 2024")  # read back as "B" (round 33)
def test_a_hostile_paper_is_one_plain_line_that_reads_back(
    taxonomy: Taxonomy, title: str, authors: list[str], venue: str
) -> None:
    entry = hostile_entry(title, authors, venue)
    if entry is None:
        return
    line = render_entry(entry)
    assert parse_entry(line) == entry, line
    html = MD.render(line + "\n")
    assert tags(html) == {**tags(""), "<li>": 1, "<a ": 3}, html
    assert [part.split('"')[0] for part in html.split('href="')[1:]] == LINKS, html
    assert "<!--" not in html and "<script" not in html, html

    before = BEFORE.format(*(render_entry(e) for e in NEIGHBOURS))
    old = catalog_parse.parse(before, taxonomy)
    new = old.insert(entry, "kv-cache")
    after = new.render()
    # lossless: the old text with one line added, read back to the same entries and the new one
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [line]
    assert after.replace(line + "\n", "", 1) == before
    again = catalog_parse.parse(after, taxonomy)
    assert sorted((i.entry for i in again.entries()), key=str) == sorted((*NEIGHBOURS, entry), key=str)
    shown_before, shown_after = tags(MD.render(before)), tags(MD.render(after))
    assert shown_after == {**shown_before, "<li>": shown_before["<li>"] + 1, "<a ": shown_before["<a "] + 3}


@pytest.mark.parametrize("authors", [("Bet al.",), ("Ann", "[et al."), ("Ann", "Bob", "Xet al.")])
def test_a_name_ending_in_et_al_without_a_space_is_a_name(authors: tuple[str, ...]) -> None:
    """Only " et al." (or the lead "et al.") is the mark: "Bet al." was read back as "B"."""
    entry = hostile_entry("KV cache", list(authors), "")
    assert entry is not None and entry.authors == authors and not entry.et_al
    assert parse_entry(render_entry(entry)) == entry
