"""A whole catalog document: rendered from a taxonomy and placed entries, and its table of
contents (rendered, and checked against the headings). Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

from bot.core import arxiv_ids
from bot.core.anchors import github_anchors, unlinked
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse, split_lines
from bot.core.entry import Entry, render_entry
from bot.core.markdown import block_tokens
from bot.core.matching import title_key
from bot.core.taxonomy import Taxonomy, shown_title


def render_contents(taxonomy: Taxonomy, anchors: Mapping[str, str] | None = None) -> list[str]:
    """The table-of-contents lines for a taxonomy (without newlines), each linking its heading's
    GitHub anchor: ``anchors`` by section id (``contents_anchors`` of a parsed document), by
    default those of the document ``render_document`` writes."""
    if anchors is None:
        anchors = contents_anchors(parse(_render(taxonomy, {}, []), taxonomy))
    lines = []
    for section in taxonomy.sections:
        lines.append(f"- [{unlinked(section.title)}](#{anchors.get(section.id, section.anchor)})")
        for sub in taxonomy.children(section.id):
            lines.append(f"  - [{unlinked(sub.title)}](#{anchors.get(sub.id, sub.anchor)})")
    return lines


def contents_anchors(catalog: Catalog) -> dict[str, str]:
    """The anchor GitHub gives each taxonomy section and subsection heading of a document, by id:
    its title's slug, with "-1", "-2"... when a heading above has the same one (every heading
    counts: the title, the contents, a repeated "Other")."""
    taxonomy = catalog.taxonomy
    anchors: dict[str, str] = {}
    if taxonomy is None:
        return anchors
    titles = [h.title for h in catalog.headings]
    for heading, anchor in zip(catalog.headings, github_anchors(titles), strict=True):
        if heading.level == 2 and heading.section and taxonomy.by_title(heading.title):
            anchors.setdefault(heading.section, anchor)
        elif heading.level == 3 and heading.subsection and taxonomy.by_title(heading.title, heading.section):
            anchors.setdefault(heading.subsection, anchor)
    return anchors


def contents_problems(catalog: Catalog) -> list[tuple[int, str]]:
    """(line, message) for every way the table of contents disagrees with the headings: one
    problem, at its first line that differs, saying what it should be. Spaces at the end of a
    line are not shown, so they are no difference; nor is how a nested line is indented (a
    tab, four spaces: the same sublist on GitHub)."""
    taxonomy = catalog.taxonomy
    if taxonomy is None:
        return []
    contents = [h for h in catalog.headings if taxonomy.is_contents(h.title)]
    if not contents:
        return [(1, f"no '## {taxonomy.contents_heading}' heading (table of contents)")]
    heading = contents[0]
    numbered = [
        (index + 1, _as_rendered(line))
        for index, line in enumerate(
            catalog.lines[heading.below : catalog.region_end(heading)], heading.below
        )
        if line.strip()
    ]
    expected = render_contents(taxonomy, contents_anchors(catalog))
    actual = [line for _, line in numbered]
    if actual == expected:
        return []
    return [_first_difference(numbered, expected, heading.line + 1)]


def _as_rendered(line: str) -> str:
    """A contents line in the form ``render_contents`` writes it: a line indented by two columns
    or more (a tab is four) is nested, written with two spaces; spaces at its end dropped."""
    text = line.strip()
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" \t"))
    return f"  {text}" if indent >= 2 else text


def _first_difference(numbered: list[tuple[int, str]], expected: list[str], heading: int) -> tuple[int, str]:
    """Where the contents' lines (``numbered``: line number, text) first differ from ``expected``,
    and what the line should be."""
    actual = [line for _, line in numbered]
    ops = [
        op for op in SequenceMatcher(None, actual, expected, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    tag, i1, i2, j1, j2 = ops[0]
    line = numbered[i1][0] if i1 < len(numbered) else (numbered[-1][0] if numbered else heading)
    if tag == "replace":
        what = f"'{actual[i1]}' should be '{expected[j1]}'"
    elif tag == "delete":
        what = f"'{actual[i1]}' links no section of the taxonomy (remove it)"
    else:
        where = "before this line" if i1 < len(numbered) else "after this line"
        what = f"'{expected[j1]}' is missing {where}"
    more = len(ops) - 1
    return (
        line,
        f"table of contents is stale: {what}"
        f"{f' (and {more} more difference(s))' if more else ''}; it should list exactly the taxonomy's "
        "sections and subsections (`python -m bot import CATALOG --output CATALOG --replace` renders it)",
    )


Placement = tuple[str, str | None]  # (section id, subsection id or None)


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """The order ``insert`` keeps: newest arXiv id first, then entries without an id by title."""
    with_id = sorted(
        (e for e in entries if e.arxiv_id), key=lambda e: arxiv_ids.sort_key(e.arxiv_id), reverse=True
    )
    without = sorted((e for e in entries if not e.arxiv_id), key=lambda e: title_key(e.title))
    return with_id + without


def footer_headings(text: str, last_entry: int) -> list[str]:
    """The ``#`` and ``##`` headings of a list below its last entry (1-based line): its
    Contributing and License, which stay as written when the list becomes its own catalog. A
    ``##`` heading under a ``#`` one there is part of it (``Catalog.footer_lines``)."""
    titles: list[str] = []
    under_one = False
    for heading in parse(text).headings:
        if heading.line < last_entry or heading.level > 2:
            continue
        under_one = under_one or heading.level == 1
        if heading.level == 1 or not under_one:
            titles.append(heading.title)
    return titles


def with_own_parts(text: str, old_text: str, taxonomy: Taxonomy) -> str:
    """A rendered catalog ``text`` with what the maintainer wrote in the catalog it replaces:
    its title line when that is the taxonomy's title with badges or emoji, the badges and HTML
    banners under it (``_banners``), its sections of prose above the list (``header_lines``)
    above the table of contents, and its footer (the lines of ``footer_headings``) below the
    sections, all as written."""
    old = parse(old_text, taxonomy)
    new = split_lines(text)
    title = next((h for h in old.headings if h.level == 1), None)
    if title is not None and new and title.line < min(old.footer_lines(), default=len(old.lines)):
        if shown_title(_BADGE.sub("", title.title)) == shown_title(taxonomy.title):
            new[0] = old.lines[title.line]  # "# 🚀 Awesome X [![Awesome](..)](..)"
        later = [h.line for h in old.headings if h.line > title.line]
        below = later[0] if later else len(old.lines)
        banners = _banners(old.lines[title.below : below], old.newline)
        new[1:1] = [line for block in banners for line in (old.newline, *block)]
    header = _header(old)
    contents = f"## {taxonomy.contents_heading}"
    at = next((i for i, line in enumerate(new) if line.rstrip("\r\n") == contents), None)
    if header and at is not None:
        new[at:at] = [*header, old.newline]
    footer = sorted(old.footer_lines())
    if footer:
        new += [old.newline, *(old.lines[i] for i in footer)]
    return "".join(new)


def _header(catalog: Catalog) -> list[str]:
    """The lines of a catalog's sections of prose above the list, as written: each run of them
    without the blank lines that end it, one blank line between two runs."""
    lines: list[str] = []
    kept = sorted(catalog.header_lines())
    for index, number in enumerate(kept):
        if index and number != kept[index - 1] + 1:
            _strip_blank_end(lines)
            lines.append(catalog.newline)
        lines.append(catalog.lines[number])
    _strip_blank_end(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += catalog.newline
    return lines


def _strip_blank_end(lines: list[str]) -> None:
    while lines and not lines[-1].strip():
        lines.pop()


# a badge: an image, linked or not ("[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)")
_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")


def _badges_only(line: str) -> bool:
    return bool(_BADGE.search(line)) and not _BADGE.sub("", line).strip()


# an HTML block that shows an image ("<p align="center"><img src="logo.png"></p>"), or the bare
# tags of one around badges ("<div align=center>" ... "</div>", each a block of its own)
_IMAGE_TAG = re.compile(r"<img\b", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_WRAPPER_TAGS = re.compile(r"(?:\s*</?(?:div|p|center|a|picture|span|br)\b[^<>]*>)+\s*", re.IGNORECASE)


def _banners(lines: list[str], newline: str) -> list[list[str]]:
    """The blocks under a title that show it off, each as written (a blank line goes between
    them): a paragraph's lines of badges (its other lines left out), and HTML blocks that show an
    image or wrap them (``<div align="center">``, ``</div>``), without the lines of text that end
    one (the intro under ``</div>``, which the taxonomy's intro gives). markdown-it reads them."""
    blocks: list[list[str]] = []
    for token in block_tokens(lines):
        if token.level != 0 or not token.map:
            continue
        block = lines[token.map[0] : token.map[1]]
        if token.type == "paragraph_open":
            block = [line for line in block if _badges_only(line)]
        elif token.type == "html_block" and _shows_off(token.content):
            while block and not _TAG.search(block[-1]):  # "</div>" then the intro, no blank line
                block.pop()
        else:
            continue
        if block:
            blocks.append([*block[:-1], block[-1] if block[-1].endswith("\n") else block[-1] + newline])
    if all(_WRAPPER_TAGS.fullmatch(line) for block in blocks for line in block):
        return []  # a <div> around prose only
    return blocks


def _shows_off(html: str) -> bool:
    return bool(_IMAGE_TAG.search(html) or _BADGE.search(html) or _WRAPPER_TAGS.fullmatch(html))


def render_document(taxonomy: Taxonomy, placed: dict[Placement, list[Entry]]) -> str:
    """The whole catalog.md for a taxonomy and entries placed in its sections."""
    return _render(taxonomy, placed, render_contents(taxonomy))


def _render(taxonomy: Taxonomy, placed: dict[Placement, list[Entry]], contents: list[str]) -> str:
    out = [f"# {taxonomy.title}", ""]
    if taxonomy.intro:
        out += [taxonomy.intro, ""]
    out += [f"## {taxonomy.contents_heading}", "", *contents, ""]
    for section in taxonomy.sections:
        out += [f"## {section.title}", "", section.description, ""]
        direct = sort_entries(placed.get((section.id, None), []))
        if direct:
            out += [render_entry(e) for e in direct] + [""]
        for sub in taxonomy.children(section.id):
            out += [f"### {sub.title}", "", sub.description, ""]
            entries = sort_entries(placed.get((section.id, sub.id), []))
            if entries:
                out += [render_entry(e) for e in entries] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


# what a rebuild writes anew, not prose of the maintainer's: an entry or a contents line, a table
# row, a rule or an underline, a lone HTML tag
_NOT_PROSE = re.compile(r"\s*(?:(?:[-*+]|\d+[.)])(?:\s|$)|\||(?:[-=*_]\s*){3,}$|</?[A-Za-z][^<>]*>\s*$)")


def dropped_prose(old_text: str, new_text: str, taxonomy: Taxonomy) -> list[tuple[int, str]]:
    """The lines of prose of ``old_text`` that ``new_text`` no longer has, as (1-based line, text):
    a paragraph under a heading that is no section (``## Why this list`` between two sections),
    a section's paragraphs after its first one. Not entries, tables, rules, lone HTML tags, nor
    what the taxonomy writes anew: the intro under the title and a section's first paragraph
    (its description)."""
    old = parse(old_text, taxonomy)
    title = next((h for h in old.headings if h.level == 1), None)
    rewritten: set[int] = set()
    for heading in old.headings:
        if heading.level == 1 or heading.section is not None:
            rewritten.update(_first_paragraph(old.lines, heading.below))
        if heading is title or heading.section is not None:  # the taxonomy renders them
            rewritten.update(range(heading.line, heading.below))
    kept = " ".join(new_text.split())
    return [
        (number + 1, line.strip())
        for number, line in enumerate(old.lines)
        if line.strip()
        and number not in rewritten
        and not _NOT_PROSE.match(line)
        and " ".join(line.split()) not in kept
    ]


def _first_paragraph(lines: list[str], start: int) -> range:
    """The lines of the first paragraph at or after ``start`` (blank lines skipped first)."""
    first = next((i for i in range(start, len(lines)) if lines[i].strip()), len(lines))
    end = next(
        (i for i in range(first, len(lines)) if not lines[i].strip() or lines[i].lstrip().startswith("#")),
        len(lines),
    )
    return range(first, end)
