"""Link extraction: hand-written cases, and every real list in tests/fixtures/lists checked
against an independent CommonMark parser (markdown-it-py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.linkcheck.extract import Link, extract_links

LISTS = sorted((Path(__file__).parents[1] / "fixtures" / "lists").glob("*"))


def urls(text: str) -> list[str]:
    return [link.url for link in extract_links(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- [Paper](https://arxiv.org/abs/2401.00001) - text", ["https://arxiv.org/abs/2401.00001"]),
        ('[a](https://x.org/p "title")', ["https://x.org/p"]),
        ("[a](<https://x.org/with space>)", ["https://x.org/with space"]),
        ("[w](https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        (
            "[![Stars](https://img.shields.io/github/stars/o/r?style=social)](https://github.com/o/r)",
            ["https://img.shields.io/github/stars/o/r?style=social", "https://github.com/o/r"],
        ),
        ("[x][1]\n\n[1]: https://x.org/ref 'T'", ["https://x.org/ref"]),
        ("[label]: <https://x.org/angle>", ["https://x.org/angle"]),
        ("see <https://x.org/auto>.", ["https://x.org/auto"]),
        ('<a href="https://x.org/a?b=1&amp;c=2">x</a>', ["https://x.org/a?b=1&c=2"]),
        ("<img src='https://x.org/i.png' width=20>", ["https://x.org/i.png"]),
        ("<img src=https://x.org/i.svg>", ["https://x.org/i.svg"]),
        (
            '<img srcset="https://x.org/a.png 1x, https://x.org/b.png 2x">',
            ["https://x.org/a.png", "https://x.org/b.png"],
        ),
        (
            "Bare https://x.org/page, then (https://x.org/paren). End: https://x.org/end.",
            ["https://x.org/page", "https://x.org/paren", "https://x.org/end"],
        ),
        ("**https://x.org/bold**", ["https://x.org/bold"]),
        (
            "[[Code]](https://github.com/o/r.\n)",
            ["https://github.com/o/r."],
        ),  # as CommonMark: ')' on the next line
        ("| https://x.org/cell | [b](https://x.org/b) |", ["https://x.org/cell", "https://x.org/b"]),
        ("[https://x.org/text](https://x.org/dest)", ["https://x.org/text", "https://x.org/dest"]),
        ("[a](https://x.org/a\\_b)", ["https://x.org/a_b"]),
        (
            "[l](https://lightning.ai/s?view=public&section=all)",
            ["https://lightning.ai/s?view=public&section=all"],
        ),
        (
            "https://web.archive.org/web/2020/https://x.org/old",
            ["https://web.archive.org/web/2020/https://x.org/old"],
        ),
        ("HTTPS://X.ORG/Upper", ["HTTPS://X.ORG/Upper"]),
        ("`https://x.org/code` and ``a `https://x.org/c2` b``", []),
        ("<!-- https://x.org/hidden --> https://x.org/shown", ["https://x.org/shown"]),
        ("[relative](docs/a.md) [mail](mailto:a@b.org) www.x.org http:// https://", []),
    ],
)
def test_extract_cases(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_code_blocks_and_multiline_comments_are_skipped() -> None:
    text = (
        "```bibtex\n@misc{x, url={https://x.org/in-fence}}\n```\n"
        "~~~~\n```\nhttps://x.org/nested\n~~~~\n"
        "<!--\nhttps://x.org/comment\n-->\n"
        "[after](https://x.org/after)\n"
    )
    assert extract_links(text) == [Link("https://x.org/after", (11,))]


def test_a_fence_line_inside_an_html_block_hides_no_later_link() -> None:
    """``<details>`` then a lone fence with no blank line between: CommonMark shows the fence line as
    HTML, and the links after the block are shown; the checker skipped every one of them as code."""
    text = "<details>\n```\n</details>\n\n[after](https://x.org/after)\n"
    assert extract_links(text) == [Link("https://x.org/after", (5,))]


def test_an_indented_code_block_is_checked_as_docs_say_since_it_is_not_told_from_a_nested_list() -> None:
    """docs/link-checking.md said "Code blocks ... are skipped"; only fenced ones are: four spaces
    of indent are a nested list item as often as a code block, and a scan without a parser cannot
    tell, so both are checked (the page says so now)."""
    text = "Intro\n\n    curl https://x.org/in-indented-code\n\n- item\n    - nested https://x.org/nested\n"
    assert [link.url for link in extract_links(text)] == [
        "https://x.org/in-indented-code",
        "https://x.org/nested",
    ]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "link-checking.md").read_text(encoding="utf-8")
    assert "an indented code block is not told apart from a nested list" in " ".join(docs.split())


def test_a_comment_opener_in_a_code_span_hides_nothing() -> None:
    """Comments were blanked before code spans, so a ``<!--`` shown in a code span opened a
    comment that hid every link after it, to the end of the file (nothing checked, no stars)."""
    text = (
        "Start a hidden part with `<!--`, then end it.\n\n"
        "- [a](https://x.org/a)\n"
        "- [b](https://x.org/b) ``<!-- `x` ``\n\n"
        "<!-- a real comment `with code` [c](https://x.org/c) -->\n\n"
        "[d](https://x.org/d)\n"
    )
    assert urls(text) == ["https://x.org/a", "https://x.org/b", "https://x.org/d"]
    parsed = MarkdownIt("commonmark").parse(text)
    hrefs = [t.attrs["href"] for b in parsed if b.children for t in b.children if t.type == "link_open"]
    assert hrefs == urls(text)  # as CommonMark reads it


def test_an_escaped_comment_opener_hides_nothing() -> None:
    """A title showing ``<!--`` is written escaped (``\\<!--``): CommonMark shows it as text, and
    it opened a comment that hid every link after it (the catalog's entries too)."""
    text = (
        "- [Breaking \\<!-- out](https://x.org/a) · [pdf](https://x.org/a.pdf)\n"
        "- [b](https://x.org/b) \\\\<!-- an escaped backslash, then a real comment -->\n"
        "- [c](https://x.org/c)\n"
    )
    assert urls(text) == ["https://x.org/a", "https://x.org/a.pdf", "https://x.org/b", "https://x.org/c"]
    parsed = MarkdownIt("commonmark").parse(text)
    inline = [b for b in parsed if b.type == "inline"]
    hrefs = [t.attrs["href"] for b in inline for t in b.children or [] if t.type == "link_open"]
    assert hrefs == urls(text)  # as CommonMark reads it


def test_lines_are_one_based_unique_and_in_order() -> None:
    text = "[a](https://x.org/1) [b](https://x.org/1)\n\nhttps://x.org/2\n- https://x.org/1\n"
    assert extract_links(text) == [Link("https://x.org/1", (1, 4)), Link("https://x.org/2", (3,))]


@pytest.mark.parametrize("breaker", ["\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x0b"])
def test_line_numbers_count_newlines_only(breaker: str) -> None:
    """Lines were counted with str.splitlines, which also breaks at a form feed, "\\x85",
    "\\u2028"...: a link below one was reported lines further down than git and GitHub show it."""
    text = f"intro {breaker} still the intro\r\nsecond\n- [x](https://x.org/3)\n"
    assert extract_links(text) == [Link("https://x.org/3", (3,))]


def test_benchmark_style_catalog_lines() -> None:
    text = (
        "# Awesome [![Awesome](http://127.0.0.4:18080/badge/awesome.svg)](http://127.0.0.5:18080/awesome/)\n"
        "- **T** (ICLR 2024) [[arxiv](http://127.0.0.2:18080/abs/2101.00012)] "
        "![GitHub stars](http://127.0.0.4:18080/github/stars/o/r?style=social) "
        "[[project](http://127.0.0.6:18080/projects/r/)]\n"
    )
    assert urls(text) == [
        "http://127.0.0.4:18080/badge/awesome.svg",
        "http://127.0.0.5:18080/awesome/",
        "http://127.0.0.2:18080/abs/2101.00012",
        "http://127.0.0.4:18080/github/stars/o/r?style=social",
        "http://127.0.0.6:18080/projects/r/",
    ]


_URL_PATH = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./?=&%~+", min_size=0, max_size=30)


@given(path=_URL_PATH, text=st.text(alphabet="abc XYZ*_", max_size=12))
def test_any_inline_link_destination_comes_back(path: str, text: str) -> None:
    url = f"https://example.org/{path}"
    assert urls(f"- [{text or 'x'}]({url}) and ![i]({url}x)") == [url, url + "x"]


# ----------------------------------------------------------------------------- real lists


def commonmark_links(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(URL, block line range [start, end) 0-based) of every link and image markdown-it-py sees."""
    md = MarkdownIt("commonmark").enable("table")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # keep URLs as written
    found: list[tuple[str, tuple[int, int]]] = []

    def walk(tokens: list, block: tuple[int, int]) -> None:  # type: ignore[type-arg]
        for token in tokens:
            where = tuple(token.map) if token.map else block
            url = (
                token.attrGet("href")
                if token.type == "link_open"
                else (token.attrGet("src") if token.type == "image" else None)
            )
            if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE):
                found.append((url, where))  # type: ignore[arg-type]
            if token.children:
                walk(token.children, where)  # type: ignore[arg-type]

    walk(md.parse(text), (0, 0))
    return found


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_every_commonmark_link_of_a_real_list_is_found_on_its_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = {link.url: link.lines for link in extract_links(text)}
    for url, (start, end) in commonmark_links(text):
        assert url in ours, url
        assert any(start < line <= end for line in ours[url]), (url, start, end, ours[url])


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_every_link_of_a_real_list_is_written_on_each_of_its_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for link in extract_links("\n".join(lines)):
        host = link.url.split("/")[2]
        assert link.lines == tuple(sorted(set(link.lines)))
        assert all(host in lines[n - 1] for n in link.lines), link
        assert not re.search(r"[\s<>\"`]", link.url), link.url


def test_real_lists_hold_thousands_of_links() -> None:
    total = sum(len(extract_links(p.read_text(encoding="utf-8"))) for p in LISTS)
    commonmark = sum(len({u for u, _ in commonmark_links(p.read_text(encoding="utf-8"))}) for p in LISTS)
    assert total > commonmark > 4000  # we also find HTML src/href, bare URLs and unused references
