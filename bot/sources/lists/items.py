"""Reading a file into items (``bot.core.list_items.SourceItem``), what an item cannot give
(``Unreadable``) and its links."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core import arxiv_ids
from bot.core.catalog_parse import parse as parse_catalog
from bot.core.catalog_parse import split_lines
from bot.core.list_items import SourceItem
from bot.core.text import strip_unsafe
from bot.sources.lists.html_lists import markdown_of_html
from bot.sources.lists.labels import by_label

# -- what an item cannot give, and its links ----------------------------------------------------


@dataclass(frozen=True)
class Unreadable:
    reason: str
    title: str = ""  # when one was found


@dataclass(frozen=True)
class Link:
    label: str
    url: str


# -- reading a file into items -----------------------------------------------------------------

_WORD = re.compile(r"[^\W_]")
_MOJIBAKE_RUN = re.compile(r"[^\x00-\x7f]+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ANCHOR_LINK = re.compile(r"\(?\s*\[[^\]]*\]\(#[^)]*\)\s*\)?")
# a link's URL in markdown's (...): one level of parentheses inside it (".../wiki/Pruning_(x)")
URL_IN_PARENS = r"(?:[^()\s>]|\([^()\s]*\))+"
# a label's image ("![a](b)") reads as "!", "[a]", "(b)" too: possessive, so that a label that
# ends in no "](" is given up once, not in 2**n ways (24 images, 330 bytes: 3 minutes)
_MD_LINK = re.compile(
    r"\[(?P<label>(?:!\[[^\]]*\]\([^)]*\)|\[[^\[\]]*\]|[^\[\]])*+)\]"
    rf"\(\s*<?(?P<url>{URL_IN_PARENS})>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![(\[<=\"'/\w])https?://[^\s<>\"'\])|]+")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Mac Roman (``¬∑`` -> ``·``, ``R√©`` -> ``Ré``), run by run; runs
    that are not such mojibake are kept as they are."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            return run.encode("mac_roman").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run

    return _MOJIBAKE_RUN.sub(fix, text)


def clean_heading(title: str) -> str:
    """A heading as a mapping rule sees it: no emoji, badges, anchors, links or HTML, and no
    control or invisible character (init makes a section's title of it, which the site's chart
    could not hold)."""
    title = _MD_IMAGE.sub("", strip_unsafe(title))
    title = _ANCHOR_LINK.sub("", title)
    title = _MD_LINK.sub(lambda m: m["label"], title)
    title = _HTML_TAG.sub("", title)
    title = re.sub(r"^[^\w(]+|[^\w)?]+$", "", title)
    return " ".join(title.split())


def _is_navigation(text: str) -> bool:
    """A table-of-contents bullet: in-page anchors and no outside link."""
    return "](#" in text and not re.search(r"https?://", text)


def _table_header(lines: list[str], start: int) -> tuple[str, ...]:
    index = start - 1
    while index >= 0 and lines[index].lstrip().startswith("|") and not _SEPARATOR.match(lines[index]):
        index -= 1
    if index >= 1 and _SEPARATOR.match(lines[index]) and lines[index - 1].lstrip().startswith("|"):
        return tuple(cell.lower() for cell in table_cells(lines[index - 1]))
    return ()


def table_cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells


_SETEXT_UNDERLINE = re.compile(r" {0,3}(?P<mark>=+|-+)[ \t]*(?:\r?\n)?")
_NO_HEADING_TEXT = re.compile(r"\s*$| {4}|\t| {0,3}(?:[-*+>|#<]|\d{1,9}[.)]\s|`{3}|~{3})")


def atx_headings(text: str) -> str:
    """``text`` with its underlined (setext) headings written with ``#``: ``Title`` over
    ``=====`` becomes ``# Title``, over ``-----`` ``## Title``, the underline an empty line (the
    line numbers stay). Only a one-line paragraph is a heading: a ``---`` after a blank line or a
    bullet is a rule."""
    lines = split_lines(text)  # at "\n" only, as the catalog counts lines
    for index in range(1, len(lines)):
        underline = _SETEXT_UNDERLINE.fullmatch(lines[index])
        above, before = lines[index - 1], lines[index - 2] if index > 1 else ""
        if not underline or _NO_HEADING_TEXT.match(above) or before.strip():
            continue
        level = "#" if underline["mark"][0] == "=" else "##"
        lines[index - 1] = f"{level} {above.strip()}" + _ending(above)
        lines[index] = _ending(lines[index])
    return "".join(lines)


_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


# YAML lines only ("key: value", indented or "- " continuations): a list that opens
# with a "---" rule keeps what follows it
_FRONT_MATTER = re.compile(
    r"---[ \t]*\r?\n(?:(?:[\w-]+:|[ \t]+\S|- )[^\r\n]*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)"
)


def shown_text(text: str) -> str:
    """What a list's page shows, line for line: HTML comments (a note after an entry, an entry
    or a section commented out), ``<script>``/``<style>`` elements and a Jekyll front matter
    (``---`` ... ``---`` on top) blanked, their line breaks kept; underlined headings written with
    ``#`` (``atx_headings``), tables with their outer pipes (``piped_tables``), HTML rows and
    list items as markdown ones (``markdown_of_html``)."""
    text = _FRONT_MATTER.sub(lambda m: _blank(m[0]), text, count=1) if text.startswith("---") else text
    return markdown_of_html(piped_tables(atx_headings(_HIDDEN.sub(lambda m: _blank(m[0]), text))))


_BARE_DELIMITER = re.compile(r"[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*\r?\n?")


def piped_tables(text: str) -> str:
    """``text`` with the rows of a table written without its outer pipes (``Title | Venue``
    over ``--- | ---``, as GFM allows) given them, line for line."""
    lines = split_lines(text)
    index = 1
    while index < len(lines):
        if not (_BARE_DELIMITER.fullmatch(lines[index]) and "|" in lines[index - 1]):
            index += 1
            continue
        start = index - 1
        index += 1
        while index < len(lines) and lines[index].strip() and "|" in lines[index]:
            index += 1
        for row in range(start, index):
            body = lines[row].rstrip("\r\n").strip()
            body = body if body.startswith("|") else f"| {body}"
            body = body if body.endswith("|") and not body.endswith("\\|") else f"{body} |"
            lines[row] = body + _ending(lines[row])
    return "".join(lines)


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]+", "", text)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def read_items(name: str, text: str) -> tuple[list[SourceItem], int]:
    """The items of one list, and how many navigation bullets (table of contents) it skipped."""
    text = shown_text(fix_mojibake(text))
    parsed = parse_catalog(text)
    linked = bool(re.search(r"https?://", text))
    paths: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []
    for heading in parsed.headings:
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, clean_heading(heading.title)))
        paths.append(tuple(title for _, title in stack if title))
    items: list[SourceItem] = []
    navigation = 0
    for item in parsed.items:
        if _is_navigation(item.text):
            navigation += 1
            continue
        if items and items[-1].kind == "bullet" and _FIELD_BULLET.match(item.text):
            items[-1] = _with_field_bullet(items[-1], item.text)
            continue
        path = paths[item.heading] if item.heading is not None else ()
        header = _table_header(parsed.lines, item.start) if item.kind == "row" else ()
        parts = _nested_papers(item.line_number, item.text) if item.kind == "bullet" else []
        if len(parts) < 2:
            parts = [(item.line_number, item.text)]
        for line, body in parts:
            ids = tuple(arxiv_ids.find_ids(body)) if len(parts) > 1 else tuple(item.arxiv_ids)
            items.append(SourceItem(name, line, path, body, item.kind, header, ids, linked))
    # a heading below the title, or `#` headings as sections: else filed by label badges, if any
    sectioned = any(h.level > 1 for h in parsed.headings) or sum(h.level == 1 for h in parsed.headings) > 1
    return by_label(items, text, sectioned), navigation


_NESTED_LINK_BULLET = re.compile(r"[ \t]+(?:[-*+•]|\d{1,3}[.)])[ \t]+.*\]\(")


def _nested_papers(line: int, text: str) -> list[tuple[int, str]]:
    """(line, text) of a bullet, and of each bullet under it that links an arXiv paper of its
    own when it links one: ``- [AWQ](arxiv)`` over ``  - [SmoothQuant](arxiv)`` is two papers,
    not one entry with two ids (a line under a nested bullet goes with it)."""
    lines = split_lines(text)
    if len(lines) < 2 or not (arxiv_ids.find_ids(lines[0]) and "](" in lines[0]):
        return [(line, text)]
    parts: list[tuple[int, list[str]]] = [(line, [lines[0]])]
    for offset, body in enumerate(lines[1:], 1):
        if _NESTED_LINK_BULLET.match(body) and arxiv_ids.find_ids(body):
            parts.append((line + offset, [body.lstrip(" \t")]))
        else:
            parts[-1][1].append(body)
    return [(start, "".join(body)) for start, body in parts]


_FIELD_BULLET = re.compile(
    r"[-*+]\s+(?:Links?|Authors?|Code|Pub|Label|Summary|Comment|摘要)\s*[:：]", re.IGNORECASE
)


def _with_field_bullet(item: SourceItem, text: str) -> SourceItem:
    """``- Link: ..`` written flush left under a ``- Title`` bullet belongs to that bullet."""
    body = item.text + "".join(f"  {line}" for line in text.splitlines(keepends=True))
    if not body.endswith("\n"):
        body += "\n"
    return replace(
        item, text=body, arxiv_ids=tuple(dict.fromkeys(item.arxiv_ids + tuple(arxiv_ids.find_ids(text))))
    )


def linked_ids(item: SourceItem) -> list[str]:
    """The item's arXiv ids, less those only in an image (a figure taken from another paper's
    arXiv HTML page, ``<img src="https://arxiv.org/html/2407.11722v1/x1.png">``) when others remain."""
    visible = set(arxiv_ids.find_ids(_MD_IMAGE.sub(" ", _IMG_TAG.sub(" ", item.text))))
    linked = [i for i in item.arxiv_ids if i in visible]
    return linked or list(item.arxiv_ids)


_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf|html)/\d{4}\.\d{4,5}", re.IGNORECASE)


def stray_link_lines(text: str, items: list[SourceItem]) -> list[int]:
    """The lines that link an arXiv paper and belong to no item read: a paper written in a form
    no reader knows (an HTML ``<table>`` or ``<ul>``, a paragraph), which the import would
    otherwise lose without a word."""
    covered = {item.line + offset for item in items for offset in range(item.text.count("\n") + 1)}
    lines = split_lines(shown_text(fix_mojibake(text)))
    return [n for n, line in enumerate(lines, 1) if n not in covered and _ARXIV_LINK.search(line)]


def papers_in_no_entry(name: str, stray: list[int], read: str = "0 entries read") -> str:
    """Why a list of no paper read is one all the same: its papers are linked in lines no reader
    knows (``stray_link_lines``), and how to write them instead."""
    shown = ", ".join(map(str, stray[:5])) + (", ..." if len(stray) > 5 else "")
    where = f"line {shown} links an arXiv paper" if len(stray) == 1 else f"lines {shown} link arXiv papers"
    return (
        f"{name}: {read}; {where} outside any entry (a paragraph, a bare link or a citation is no "
        "entry): write the papers as bullets or a table (docs/import.md lists the formats read)"
    )
