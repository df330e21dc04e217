"""`markdown_of_html`: a list's HTML rows and items read as the markdown they show, line for line."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

from bot.sources.lists import extract, read_items
from bot.sources.lists.html_lists import markdown_of_html

TABLE = """## Foundations

<table>
<tr><th>Paper</th><th>Venue</th><th>Code</th></tr>
<tr><td><a href="https://arxiv.org/abs/2003.08934">NeRF: Representing Scenes</a></td><td>ECCV 2020</td><td><a href="https://github.com/bmild/nerf">code</a></td></tr>
</table>
"""


def test_a_table_becomes_a_markdown_table_with_its_header_line_for_line() -> None:
    assert markdown_of_html(TABLE) == (
        "## Foundations\n\n| Paper | Venue | Code |\n| --- | --- | --- |\n"
        "| [NeRF: Representing Scenes](https://arxiv.org/abs/2003.08934) | ECCV 2020 | "
        "[code](https://github.com/bmild/nerf) |\n\n"
    )


def test_a_row_over_several_lines_is_read_whole_on_its_first_line() -> None:
    text = (
        "<table>\n<tr>\n  <th>Title</th>\n  <th>Venue</th>\n</tr>\n<tr>\n"
        '  <td><a href="https://arxiv.org/abs/2308.04079">\n    3D Gaussian Splatting</a></td>\n'
        "  <td>SIGGRAPH 2023</td>\n</tr>\n</table>\n"
    )
    shown = markdown_of_html(text)
    assert shown.count("\n") == text.count("\n")
    lines = shown.split("\n")
    assert lines[1:3] == ["| Title | Venue |", "| --- | --- |"]
    assert lines[5] == "| [3D Gaussian Splatting](https://arxiv.org/abs/2308.04079) | SIGGRAPH 2023 |"
    assert not "".join(lines[6:]).strip()


def test_the_first_row_or_item_on_the_line_of_its_table_or_list_is_read() -> None:
    """``<ul><li>`` and ``<table><tr>`` on one line: the first paper was no entry (read only when
    nothing came before it on its line), while ``</li></ul>`` after the last one was fine."""
    text = (
        '<ul><li><a href="https://arxiv.org/abs/2401.00001">Alpha</a>, A. Author, NeurIPS 2024</li>\n'
        '<li><a href="https://arxiv.org/abs/2401.00002">Beta</a>, B. Author, ICML 2024</li></ul>\n'
        "\n"
        '  <table><tr><td><a href="https://arxiv.org/abs/2401.00003">Gamma</a></td><td>CVPR 2023</td></tr>\n'
        '  <tr><td><a href="https://arxiv.org/abs/2401.00004">Delta</a></td><td>CVPR 2023</td></tr></table>\n'
    )
    assert markdown_of_html(text).split("\n") == [
        "- [Alpha](https://arxiv.org/abs/2401.00001), A. Author, NeurIPS 2024",
        "- [Beta](https://arxiv.org/abs/2401.00002), B. Author, ICML 2024",
        "",
        "| [Gamma](https://arxiv.org/abs/2401.00003) | CVPR 2023 |",
        "| [Delta](https://arxiv.org/abs/2401.00004) | CVPR 2023 |",
        "",
    ]


def test_list_items_become_bullets_nested_ones_too() -> None:
    text = (
        "<ul>\n"
        '  <li><a href="https://arxiv.org/abs/2209.14988">DreamFusion: Text-to-3D</a>, Ben Poole et al., ICLR 2023\n'
        "    <ul>\n"
        '      <li><a href="https://arxiv.org/abs/2211.10440">Magic3D</a> | CVPR 2023</li>\n'
        "    </ul>\n"
        "  </li>\n"
        "</ul>\n"
    )
    assert markdown_of_html(text) == (
        "\n  - [DreamFusion: Text-to-3D](https://arxiv.org/abs/2209.14988), Ben Poole et al., ICLR 2023\n\n"
        "      - [Magic3D](https://arxiv.org/abs/2211.10440) \\| CVPR 2023\n\n\n\n"
    )


def test_a_badge_in_a_link_is_a_markdown_image_in_a_link() -> None:
    text = (
        '<li><a href="https://arxiv.org/abs/2306.00978">AWQ</a> '
        '<a href="https://github.com/o/r"><img src="https://img.shields.io/github/stars/o/r" alt="stars"></a></li>\n'
    )
    assert markdown_of_html(text) == (
        "- [AWQ](https://arxiv.org/abs/2306.00978) "
        "[![stars](https://img.shields.io/github/stars/o/r)](https://github.com/o/r)\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<li>one</li><li>two</li>\n",  # two items on one line: kept as written
        "- a bullet\n| a | row |\n",  # no HTML at all
        '<p align="center"><img src="banner.png"></p>\n',  # a banner
    ],
)
def test_what_is_no_row_or_item_of_its_own_line_is_kept_as_written(text: str) -> None:
    assert markdown_of_html(text) == text


def test_the_readers_take_the_rows_fields_from_the_header() -> None:
    items, _ = read_items("README.md", TABLE)
    (fields,) = extract(items[0])  # type: ignore[misc]
    assert (fields.arxiv_id, fields.venue, fields.code_url) == (
        "2003.08934",
        "ECCV 2020",
        "https://github.com/bmild/nerf",
    )
    assert items[0].line == 5 and items[0].header == ("paper", "venue", "code")


def test_a_table_of_people_or_logos_is_no_list_of_papers() -> None:
    """A README's HTML table of contributors (avatars linking to GitHub profiles) became an
    entry "Alice | Bob" of a Resources section: only rows and items that link a paper are read."""
    text = (
        "<table>\n<tr><th>Contributors</th></tr>\n<tr>\n"
        '<td><a href="https://github.com/alice"><img src="https://avatars.example/1"><br>Alice</a></td>\n'
        '<td><a href="https://github.com/bob"><img src="https://avatars.example/2"><br>Bob</a></td>\n'
        "</tr>\n</table>\n<ul>\n"
        '<li><a href="https://example.org/sponsor">Our Sponsor Incorporated</a></li>\n'
        "</ul>\n"
    )
    assert read_items("README.md", text)[0] == []
    assert "|" not in markdown_of_html(text) and "- [" not in markdown_of_html(text)


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # an unquoted attribute, as HTML allows it (a regex wanting quotes read no link: no item)
        (
            "<li><a href=https://arxiv.org/abs/2106.09685>LoRA &amp; friends</a>, Hu et al.</li>\n",
            "- [LoRA &amp; friends](https://arxiv.org/abs/2106.09685), Hu et al.\n",
        ),
        # a ">" inside an attribute's value (a regex stopped the tag there: 'b">LoRA' was the title)
        (
            '<tr><td><a href="https://arxiv.org/abs/2106.09685" title="a > b">LoRA</a></td><td>ICLR</td></tr>\n',
            "| [LoRA](https://arxiv.org/abs/2106.09685) | ICLR |\n",
        ),
    ],
)
def test_the_html_is_read_by_an_html_parser_not_by_patterns(html: str, markdown: str) -> None:
    assert markdown_of_html(html) == markdown


@pytest.mark.parametrize("junk", ["<a ", "<a/", "</", "<![CDATA[>", "<!DOCTYPE"])
def test_malformed_markup_of_any_length_is_read_in_linear_time(junk: str) -> None:
    """The standard library's parser retried at each ``<`` of an unclosed tag (Python 3.11.7):
    ``"<a " * 4000`` (12 KB) took 6 s, 12,000 of them about a minute (a list is untrusted). The
    parser is given only the ``<`` that open a whole tag; the others are text, as shown."""
    text = '<ul><li><a href="https://arxiv.org/abs/2401.00001">Alpha</a>, A. Author ' + junk * 12_000 + "\n"
    started = time.monotonic()
    shown = markdown_of_html(text)
    assert time.monotonic() - started < 5
    assert shown.startswith("- [Alpha](https://arxiv.org/abs/2401.00001), A. Author " + junk.strip())


@pytest.mark.parametrize("section", ["<![x]]>", "<![if x]>", "<!-- <li>not shown -->", "<?php x ?>", "a < b"])
def test_declarations_and_stray_brackets_in_an_item_are_its_text(section: str) -> None:
    """``<![x]]>`` raised an AssertionError out of the parser (init and import stopped with a
    traceback, as a bug): what opens no tag is kept as text, a comment dropped."""
    text = f'<li><a href="https://arxiv.org/abs/2401.00001">Alpha</a> {section} end</li>\n'
    shown = (
        "- [Alpha](https://arxiv.org/abs/2401.00001) " + ("" if "--" in section else f"{section} ") + "end\n"
    )
    assert markdown_of_html(text) == shown
    (item,), _ = read_items("README.md", text)
    assert item.arxiv_ids == ("2401.00001",)


def test_a_links_href_ends_where_it_does_in_the_markdown() -> None:
    """An href holding ``) [x](javascript:...`` wrote a second link into the item's markdown, and
    one holding a space no link at all (GitHub shows one link, to the URL percent-encoded)."""
    text = (
        '<li><a href="https://arxiv.org/abs/2401.00001">Alpha</a> '
        '<a href="https://github.com/o/r) [x](javascript:alert(1)">code</a> '
        '<a href="https://example.org/My Paper.pdf">pdf</a> '
        '<a href="https://en.wikipedia.org/wiki/Pruning_(x)">wiki</a></li>\n'
    )
    assert markdown_of_html(text) == (
        "- [Alpha](https://arxiv.org/abs/2401.00001) "
        "[code](https://github.com/o/r%29%20[x]%28javascript:alert%281%29) "
        "[pdf](https://example.org/My%20Paper.pdf) [wiki](https://en.wikipedia.org/wiki/Pruning_(x))\n"
    )
    (item,), _ = read_items("README.md", text)
    assert "javascript:alert(1)" not in item.text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # each item matched its line's opening tags again from the line's start: 7 s for 40 KB
        (
            "<ul>" * 10_000
            + '<li><a href="https://arxiv.org/abs/2401.00001">Alpha</a>'
            + "<li>x" * 10_000
            + "\n",
            "<li>x<li>x\n",  # items after another on their line: kept as written
        ),
        # each header row looked through every later row for a paper: a minute for 100 KB
        (
            "<table>\n"
            + "<tr><th>x</th></tr>\n" * 5_000
            + '<tr><td><a href="https://arxiv.org/abs/2401.00001">Alpha</a></td></tr>\n</table>\n',
            "\n| [Alpha](https://arxiv.org/abs/2401.00001) |\n\n",
        ),
    ],
    ids=["opening-tags-then-items", "header-rows"],
)
def test_many_rows_items_or_opening_tags_are_read_in_linear_time(text: str, shown: str) -> None:
    """A list is untrusted: the work per row or item stays the same however many there are (CPU
    time, so that other jobs on the machine do not count)."""
    started = time.process_time()
    markdown = markdown_of_html(text)
    assert time.process_time() - started < 5
    assert markdown.endswith(shown) and markdown.count("\n") == text.count("\n")


@pytest.mark.parametrize(
    "label",
    [
        "Alpha](https://evil.example/x) [code",  # a second link, read as the paper's
        "Alpha](https://github.com/evil/repo) and [more",  # read as its code
        "Alpha [v2] revisited",  # the authors after the link read into the title
        "Alpha ]x[ beta",
    ],
)
def test_brackets_in_a_links_text_stay_its_text(label: str) -> None:
    """A link's text went into the item's markdown as written: its ``]`` ended the text there, so
    ``<a href=arxiv>Alpha](https://evil.example/x) [code</a>`` wrote a link of its own, which the
    readers took for the paper's, and ``Alpha [v2] revisited`` took the authors into the title.
    Its brackets are written as entities, which the readers decode with the title's others."""
    text = (
        f'<li><a href="https://arxiv.org/abs/2401.00001">{label}</a>, Ann Lee, CVPR 2024 '
        '<a href="https://github.com/o/r"><img src="https://img.shields.io/github/stars/o/r" alt="x]y [z"></a></li>\n'
    )
    shown = markdown_of_html(text)
    assert shown.startswith(
        "- [" + label.replace("[", "&#91;").replace("]", "&#93;") + "](https://arxiv.org/"
    )
    assert "![x&#93;y &#91;z](https://img.shields.io/github/stars/o/r)" in shown
    (item,), _ = read_items("README.md", text)
    (fields,) = extract(item)
    assert (fields.arxiv_id, fields.url) == ("2401.00001", "https://arxiv.org/abs/2401.00001")
    assert fields.code_url == "https://github.com/o/r" and fields.authors[0] == "Ann Lee"
    assert "evil" not in fields.code_url + fields.url  # the title says it, as the list wrote it


def test_an_images_source_ends_where_it_does_in_the_markdown() -> None:
    """An image's ``src`` went into the markdown as written, as an ``href`` did before round 30."""
    text = (
        '<li><a href="https://arxiv.org/abs/2401.00001">Alpha</a> '
        '<img src="https://img.shields.io/x) [y](javascript:alert(1)" alt="badge"></li>\n'
    )
    assert markdown_of_html(text) == (
        "- [Alpha](https://arxiv.org/abs/2401.00001) "
        "![badge](https://img.shields.io/x%29%20[y]%28javascript:alert%281%29)\n"
    )


def test_a_list_of_megabytes_on_one_line_is_read_in_linear_time() -> None:
    """Each row or item of a list written as one line of HTML searched back to the line's start
    and copied the line up to itself: 10 MB took 219 s where the parser alone takes 5 s
    (bench/RESULTS-adopt.md, round 31). Measured against the standard library's parser on the
    same text, so that the machine's load cancels out: 1.5 times its time now, 15 times at 5 MB
    before. Such a line is kept as written (several items on one line are), but must not stall
    the import."""
    item = '<li><a href="https://arxiv.org/abs/2401.{:05d}">Paper number {} on pruning</a>, Ann Lee</li>'
    text = "<ul>" + "".join(item.format(i, i) for i in range(50_000)) + "</ul>\n"
    assert len(text) > 4_500_000
    started = time.monotonic()
    parser = HTMLParser(convert_charrefs=False)
    parser.feed(text)
    parser.close()
    parsing = time.monotonic() - started
    started = time.monotonic()
    shown = markdown_of_html(text)
    assert time.monotonic() - started < 4 * parsing + 1
    assert shown == text  # items one after another on a line are kept as written
