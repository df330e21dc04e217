"""A list written in HTML (``<table>`` rows, ``<ul>`` items) read as the markdown it shows.

Many awesome lists write their papers as HTML inside the markdown: a ``<table>`` of
``<tr><td><a href="...">Title</a></td><td>CVPR 2023</td></tr>`` rows, or a ``<ul>`` of
``<li><a href="...">Title</a>, Authors, Venue</li>``. ``markdown_of_html`` writes each row as a
markdown table row and each item as a bullet, on the line its ``<tr>`` or ``<li>`` starts
(a row or item spread over several lines is joined there, its other lines left empty), so the
readers of markdown lists read them and every line keeps its number. Only a row or an item that
links a paper (arXiv, a venue's site, a PDF: ``is_paper_link``) is one: a table of contributors'
avatars or of sponsors' logos is no list of papers. A ``<th>`` row becomes the table's header
when a row below it links a paper and a line is free for it and its separator. Lines holding
only the tags of the structure (``<table>``, ``</ul>``...) are left empty; anything else is kept
as written.
"""

from __future__ import annotations

import bisect
import re

from bot.core.catalog_parse import split_lines

# a row or an item: its start tag first on its line, its end at the next row or item, the end
# of its list or table, or its own end tag
_BLOCK = re.compile(
    r"(?P<lead>^[ \t]*)<(?P<tag>tr|li)\b[^>]*>(?P<body>.*?)"
    r"(?:</(?P=tag)\s*>|(?=<(?:tr|li)\b|</?(?:table|tbody|thead|tfoot|ul|ol)\b))",
    re.IGNORECASE | re.DOTALL | re.MULTILINE,
)
_CELL = re.compile(
    r"<t(?P<kind>[dh])\b[^>]*>(?P<body>.*?)(?=</t[dh]\s*>|<t[dh]\b|$)", re.IGNORECASE | re.DOTALL
)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_LINK = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*(?P<q>[\"'])(?P<url>.*?)(?P=q)[^>]*>(?P<label>.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^<>]*>")
_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(?P<src>.*?)\1[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*=\s*([\"'])(?P<alt>.*?)\1", re.IGNORECASE)
# the tags of the structure alone (what a line holds besides a row or an item, or instead)
_TAGS_ONLY = re.compile(
    r"[ \t]*(?:</?(?:table|thead|tbody|tfoot|ul|ol|tr|th|td|li)\b[^>]*>[ \t]*)*", re.IGNORECASE
)
_SEPARATOR_ROOM = re.compile(r"[ \t]*(?:<(?:table|thead)\b[^>]*>[ \t]*)*", re.IGNORECASE)


def markdown_of_html(text: str) -> str:
    """``text`` with its HTML rows and list items written as markdown, line for line."""
    if "<tr" not in text.lower() and "<li" not in text.lower():
        return text
    lines = split_lines(text)
    starts = _line_starts(lines)
    for match in _BLOCK.finditer(text):
        first = _line_of(starts, match.start("lead"))
        last = _line_of(starts, max(match.end() - 1, match.start()))
        rest = text[match.end() : starts[last + 1] if last + 1 < len(starts) else len(text)]
        if not _TAGS_ONLY.fullmatch(rest.rstrip("\r\n")):
            continue  # another row or item, or text, after it on its last line: kept as written
        if match["tag"].lower() == "li":
            markdown = f"{match['lead']}- {_inline(match['body'])}"
        else:
            markdown, header = _row(match["body"])
            if header:
                table_end = text.lower().find("</table", match.end())
                if _links_a_paper(text[match.end() : table_end if table_end >= 0 else len(text)]):
                    _place_header(lines, first, last, markdown)
                continue
        if not _links_a_paper(match["body"]):
            continue  # a contributor's avatar, a sponsor's logo: kept as written
        lines[first] = markdown + _ending(lines[first])
        for index in range(first + 1, last + 1):
            lines[index] = _ending(lines[index])
    return "".join(_ending(line) if _TAGS_ONLY.fullmatch(line.rstrip("\r\n")) else line for line in lines)


def _links_a_paper(html: str) -> bool:
    # fields and items read this module (items' shown_text): theirs are imported when it runs
    from bot.sources.lists.fields import is_paper_link
    from bot.sources.lists.items import Link

    return any(
        is_paper_link(Link(_TAG.sub("", m["label"]).strip(), m["url"].strip())) for m in _LINK.finditer(html)
    )


def _row(body: str) -> tuple[str, bool]:
    """A ``<tr>``'s cells as a markdown row, and whether they are all ``<th>`` (a header)."""
    cells = [(c["kind"].lower(), _inline(_CELL_END.sub("", c["body"]))) for c in _CELL.finditer(body)]
    row = "| " + " | ".join(text for _, text in cells) + " |"
    return row, bool(cells) and all(kind == "h" for kind, _ in cells)


def _place_header(lines: list[str], first: int, last: int, row: str) -> None:
    """A header row and its separator on two lines: the row's own two lines when it spans
    them, else the line above it when that line holds nothing but ``<table>`` (or nothing);
    without room it is left out (the rows are read without it)."""
    separator = "|" + " --- |" * row.count(" | ") + " --- |"
    if last > first:
        top = first
    elif first > 0 and _SEPARATOR_ROOM.fullmatch(lines[first - 1].rstrip("\r\n")):
        top = first - 1
    else:
        top = None
    for index in range(first, last + 1):
        lines[index] = _ending(lines[index])
    if top is not None:
        lines[top] = row + (_ending(lines[top]) or "\n")
        lines[top + 1] = separator + (_ending(lines[top + 1]) or "\n")


def _inline(html: str) -> str:
    """A cell's or item's HTML on one line, its links and images written in markdown."""
    text = _IMG.sub(_image, html)
    text = _LINK.sub(lambda m: f"[{' '.join(m['label'].split())}]({m['url'].strip()})", text)
    text = re.sub(r"</?(?:p|div|span)\b[^>]*>", " ", text, flags=re.IGNORECASE)
    return " ".join(text.replace("|", "\\|").split())


def _image(match: re.Match[str]) -> str:
    alt = _ALT.search(match.group(0))
    return f"![{alt['alt'] if alt else ''}]({match['src']})"


def _line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]
