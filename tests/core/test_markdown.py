"""bot.core.markdown: untrusted text renders as typed, whatever it contains."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.core.markdown import (
    code_span,
    escape_markdown,
    has_markup,
    inline,
    inline_text,
    plain_line,
    sanitize_html,
    unescape_markdown,
    url_text,
)

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
PIECES = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "&",
        "`",
        "*",
        "_",
        "|",
        "#",
        "~",
        "\\",
        "@",
        "javascript:",
        "https://evil.example/x",
        "img src=x",
        "<!--",
        "-->",
        "1.",
        "- ",
        " ",
        "\n",
        "\u202e",
        "&lt;",
        "a",
        "b",
    ]
)
HOSTILE = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_inline_text_never_renders_a_link_image_tag_or_mention(text: str) -> None:
    html = MD.render(f"Before {inline(text)} after")
    assert "<a " not in html and "<img" not in html and "<!--" not in html
    assert html.count("<p>") == 1 and "<em>" not in html and "<strong>" not in html and "<code>" not in html


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_inline_text_stays_in_its_table_cell(text: str) -> None:
    html = MD.render(f"| a | b |\n|---|---|\n| {inline(text)} | end |\n")
    assert html.count("<td>") == 2 and "<td>end</td>" in html


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Q&A: [x](y) @octocat", "Q&amp;A: \\[x\\]\\(y\\) @\u200boctocat"),
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("a\u202eb\u200bc\nd", "abc d"),
    ],
)
def test_inline_examples(text: str, shown: str) -> None:
    assert inline(text) == shown


def test_inline_caps_with_an_ellipsis() -> None:
    assert inline("word " * 100, 20) == "word word word word…"


def test_catalog_escaping_round_trips() -> None:
    text = "a [b] (c) <d> | #e *f* _g_ `h` \\i"
    assert unescape_markdown(escape_markdown(text)) == text


def test_code_span_cannot_be_closed_from_inside() -> None:
    span = code_span("a `` b ` c")
    assert span.startswith("```") and MD.render(span).count("<code>") == 1


def test_plain_line_is_idempotent_and_mentions_nobody() -> None:
    once = plain_line("Ask @octocat \u2066now\u2069")
    assert once == plain_line(once) == "Ask @\u200boctocat now"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://example.org/a_b?x=1#y", "https://example.org/a_b?x=1#y"),
        (
            "https://evil.example/x)[click](https://evil.example/y)",
            "`https://evil.example/x)[click](https://evil.example/y)`",
        ),
        ("javascript:alert(1)", "`javascript:alert(1)`"),
        ("https://user@example.org/", "`https://user@\u200bexample.org/`"),
    ],
)
def test_url_text(url: str, shown: str) -> None:
    assert url_text(url) == shown


@pytest.mark.parametrize("url", ["https://example.org/a|b", "https://example.org/a b|c"])
def test_a_url_with_a_pipe_stays_in_its_table_cell(url: str) -> None:
    table = MD.render(f"| line | url | reason |\n|---|---|---|\n| 3 | {url_text(url)} | dead |\n")
    assert table.count("<td>") == 3 and "a%7C" in table.replace("a b%7C", "a%7C")


def test_sanitize_html_keeps_only_bare_allowed_tags() -> None:
    text = '<details open><summary onclick="x">S</summary><img src=x><a href="y">z</a><script>1</script></details>'
    assert sanitize_html(text) == (
        '<details open><summary>S</summary>&lt;img src=x&gt;&lt;a href="y"&gt;z'
        "&lt;/a&gt;&lt;script&gt;1&lt;/script&gt;</details>"
    )


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("x [slides](https://x.org/s) y", True),
        ("**Best paper**", True),
        ("ICLR <b>oral</b>", True),
        ("<https://x.org>", True),
        ("a `code` b", True),
        ("x ![i](y)", True),
        ("_em_", True),
        ("Tips (Low-Rank) LLM_Pruner 2*3 a * b", False),
        ("NeurIPS 2024 \\(Oral\\) \\[x\\] \\*", False),
        ("AT&T &amp; R&D", False),
    ],
)
def test_has_markup_reads_markup_as_commonmark_does(text: str, markup: bool) -> None:
    assert has_markup(text) is markup


@given(st.lists(PIECES | st.text(max_size=4), max_size=12).map("".join))
@settings(max_examples=300, deadline=None)  # a loaded CI machine took 413 ms on one example
def test_what_escape_markdown_writes_is_never_markup(text: str) -> None:
    """The catalog's own escaping never reads as markup, or the bot's lines would stop being its own."""
    assert not has_markup(escape_markdown(text))


def test_a_table_cell_shows_no_invisible_or_direction_changing_character() -> None:
    """``cell`` (the enrichment tables of the nightly PR and the enrich summary) kept a right-to-left
    override or a zero-width joiner from an arXiv value or an old catalog line, which ``inline``
    strips: "Smith\u202e,nehC" reads as "Smith,Chen" reversed."""
    from bot.core.markdown import cell

    shown = cell("Smith\u202e,nehC\u200d and\u2066 Li\u2069")
    assert shown == "Smith,nehC and Li"
    assert cell(shown) == shown


def test_inline_text_reads_back_what_inline_wrote() -> None:
    typed = "-1. A #12 [link](x) *b* <tag> & ~y~ `c` owner/repo#3 = GH-4"
    assert inline(typed) != typed and inline_text(inline(typed)) == typed
