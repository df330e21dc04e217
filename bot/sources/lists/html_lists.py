"""A list written in HTML (``<table>`` rows, ``<ul>`` items) read as the markdown it shows.

Many awesome lists write their papers as HTML inside the markdown: a ``<table>`` of
``<tr><td><a href="...">Title</a></td><td>CVPR 2023</td></tr>`` rows, or a ``<ul>`` of
``<li><a href="...">Title</a>, Authors, Venue</li>``. ``markdown_of_html`` writes each row as a
markdown table row and each item as a bullet, on the line its ``<tr>`` or ``<li>`` starts
(a row or item spread over several lines is joined there, its other lines left empty), so the
readers of markdown lists read them and every line keeps its number. A ``<th>`` row becomes
the table's header when a line is free for it and its separator. Lines holding only the tags
of the structure (``<table>``, ``</ul>``...) are left empty; anything else is kept as written.
The HTML is read by the standard library's ``html.parser`` (tags, attributes, entities), given
only the ``<`` that open a whole tag (``whole_tags_only``): the others are text, as a browser shows
them, since its retries at each of them took time quadratic in their number (``"<a " * 10_000``:
a minute) and ``<![x`` raised an ``AssertionError`` on Python 3.11.7.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from bot.core.catalog_parse import split_lines

_ROWS_AND_ITEMS = ("tr", "li")
# a row or item ends at the start or end of its table or list
_STRUCTURE = ("table", "thead", "tbody", "tfoot", "ul", "ol")
_SPACERS = ("p", "div", "span")  # shown as a space
# the tags of the structure alone (what a line holds besides a row or an item, or instead)
_TAGS_ONLY = re.compile(
    r"[ \t]*(?:</?(?:table|thead|tbody|tfoot|ul|ol|tr|th|td|li)\b[^>]*>[ \t]*)*", re.IGNORECASE
)
_SEPARATOR_ROOM = re.compile(r"[ \t]*(?:<(?:table|thead)\b[^>]*>[ \t]*)*", re.IGNORECASE)
# what may come before a row or item on its line: its table's or list's opening tags
# ("<ul><li>...", "<table><tr>..."), as its closing ones may follow it
_OPENING_ONLY = re.compile(r"[ \t]*(?:<(?:table|thead|tbody|tfoot|ul|ol)\b[^>]*>[ \t]*)*", re.IGNORECASE)
# a whole start or end tag: a name, attributes (a value quoted, or bare without "<"), its ">";
# no "<" outside a quoted value, so that a failed match stops at the next one (linear time)
_NAME = r"[^\s/>\"'<=]"
_WHOLE_TAG = re.compile(
    rf"<[A-Za-z]{_NAME}*+"
    rf"(?:(?:\s++|/|(?<=[\"']))(?:{_NAME}++(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s>\"'<][^\s><]*+))?+)?+)*+"
    rf"\s*+/?>|</[A-Za-z]{_NAME}*+\s*+>"
)
_TEXT_LT = "\ufdd0"  # a "<" that opens no whole tag, as the parser is given it (a noncharacter)


@dataclass
class _Block:
    """A ``<tr>`` or ``<li>`` first on its line (after its table's or list's opening tags, if
    any): where it starts (its line's indent) and ends in the text, its content as markdown, and
    the links it holds (label without tags, URL)."""

    tag: str
    start: int
    table: int
    end: int = -1
    parts: list[str] = field(default_factory=list)  # an item's markdown
    cells: list[tuple[str, list[str]]] = field(default_factory=list)  # a row's ("d" or "h", markdown)
    links: list[tuple[str, str]] = field(default_factory=list)
    in_cell: bool = False  # a row's text between its cells is not shown

    def markdown(self) -> str:
        if self.tag == "li":
            return _one_line(self.parts)
        return "| " + " | ".join(_one_line(parts) for _, parts in self.cells) + " |"

    def is_header(self) -> bool:
        return self.tag == "tr" and bool(self.cells) and all(kind == "h" for kind, _ in self.cells)


class _RowsAndItems(HTMLParser):
    """The text's rows and items (``blocks``), each written in markdown as it is read."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)  # "&amp;" stays as written, as in markdown
        self.text = text
        self.blocks: list[_Block] = []
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._open: _Block | None = None
        self._link: tuple[str, list[str], list[str]] | None = None  # href, markdown, text
        self._tables = 0
        self._opening_end: dict[int, int] = {}  # a line's start: where its opening tags end

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _opening_tags_end(self, line_start: int) -> int:
        """Where the opening tags of a table or list that start a line end (the line's start when
        none do): a row or item there is first on its line. Matched once per line, not once per
        row or item (``"<ul>" * 5000 + "<li>" * 5000``, 40 KB on one line, took 7 s)."""
        if line_start not in self._opening_end:
            tags = _OPENING_ONLY.match(self.text, line_start)  # it matches "" at least
            self._opening_end[line_start] = tags.end() if tags else line_start
        return self._opening_end[line_start]

    def _emit(self, markdown: str, text: str = "") -> None:
        if self._open is None:
            return
        if self._link is not None:
            self._link[1].append(markdown)
            self._link[2].append(text)
        elif self._open.tag == "li":
            self._open.parts.append(markdown)
        elif self._open.in_cell:
            self._open.cells[-1][1].append(markdown)

    def _close(self, end: int) -> None:
        if self._open is not None:
            self._finish_link()
            self._open.end = end
            self.blocks.append(self._open)
            self._open = None

    def _finish_link(self) -> None:
        if self._link is not None and self._open is not None:
            href, markdown, text = self._link
            self._link = None
            url = _destination(href)
            self._emit(f"[{' '.join(''.join(markdown).split())}]({url})")
            self._open.links.append((" ".join("".join(text).split()), url))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at, raw = self._offset(), self.get_starttag_text() or ""
        values = {name: value or "" for name, value in attrs}
        if tag in _ROWS_AND_ITEMS or tag in _STRUCTURE:
            self._close(at)
            self._tables += tag == "table"
            line_start = self._line_starts[self.getpos()[0] - 1]
            if tag in _ROWS_AND_ITEMS and self._opening_tags_end(line_start) == at:
                self._open = _Block(tag, line_start, self._tables)
        elif self._open is None:
            return
        elif tag in ("td", "th") and self._open.tag == "tr":
            self._finish_link()
            self._open.cells.append((tag[1], []))
            self._open.in_cell = True
        elif tag == "a" and "href" in values:
            self._finish_link()
            self._link = (values["href"], [], [])
        elif tag == "img":
            self._emit(f"![{_bracket_safe(values.get('alt', ''))}]({_destination(values.get('src', ''))})")
        elif tag in _SPACERS:
            self._emit(" ", " ")
        else:
            self._emit(raw)  # "<br>" and the like: the readers of markdown lists read them

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # "<br/>", "<img .../>": no end tag to write

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        end = self.text.find(">", at) + 1 or len(self.text)
        if self._open is not None and tag == self._open.tag:
            self._close(end)
        elif tag in _STRUCTURE:
            self._close(at)
        elif tag == "a":
            self._finish_link()
        elif tag in _SPACERS:
            self._emit(" ", " ")
        elif tag in ("td", "th") and self._open is not None:
            self._finish_link()
            self._open.in_cell = False
        elif tag not in ("tr", "li"):
            self._emit(self.text[at:end])

    def handle_data(self, data: str) -> None:
        data = data.replace(_TEXT_LT, "<")
        self._emit(_bracket_safe(data) if self._link is not None else data, data)

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};", f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._emit(f"&#{name};", f"&#{name};")

    def close(self) -> None:
        super().close()
        self._close(len(self.text))


def markdown_of_html(text: str) -> str:
    """``text`` with its HTML rows and list items written as markdown, line for line."""
    if "<tr" not in text.lower() and "<li" not in text.lower():
        return text
    parser = _RowsAndItems(text)
    parser.feed(whole_tags_only(text))
    parser.close()
    lines = split_lines(text)
    starts = _line_starts(lines)
    headed = _tables_with_papers_after(parser.blocks)
    for index, block in enumerate(parser.blocks):
        first = _line_of(starts, block.start)
        last = _line_of(starts, max(block.end - 1, block.start))
        rest = text[block.end : starts[last + 1] if last + 1 < len(starts) else len(text)]
        if not _TAGS_ONLY.fullmatch(rest.rstrip("\r\n")):
            continue  # another row or item, or text, after it on its last line: kept as written
        if block.is_header():
            if headed[index]:
                _place_header(lines, first, last, block.markdown())
            continue
        if not _links_a_paper(block):
            continue  # a contributor's avatar, a sponsor's logo: kept as written
        indent = text[block.start : text.index("<", block.start)]
        markdown = f"{indent}- {block.markdown()}" if block.tag == "li" else block.markdown()
        lines[first] = markdown + _ending(lines[first])
        for line in range(first + 1, last + 1):
            lines[line] = _ending(lines[line])
    return "".join(_ending(line) if _TAGS_ONLY.fullmatch(line.rstrip("\r\n")) else line for line in lines)


def whole_tags_only(text: str) -> str:
    """``text`` with each ``<`` that opens no whole tag (``_WHOLE_TAG``) or comment written
    ``_TEXT_LT``, for the parser, which reads it as text, as it would read those ``<`` (unclosed
    tags, ``<!...``, ``<?...``, a ``<`` of the prose) at the end; lines and columns stay. The
    parser's retries from each of them took quadratic time: ``"<a " * 4_000`` (12 KB) took 6 s."""
    kept, covered, comments_end = [], 0, len(text)  # no "-->" after comments_end
    for lt in re.finditer("<", text):
        at = lt.start()
        if at < covered:
            continue  # inside a quoted value of the tag before, or a comment
        if text.startswith("<!--", at) and at < comments_end:
            close = text.find("-->", at + 4)
            if close >= 0:
                covered = close + 3
                continue
            comments_end = at  # unclosed: so is every later one (searched once)
        tag = _WHOLE_TAG.match(text, at)
        if tag:
            covered = tag.end()
        else:
            kept.append(at)
    if not kept:
        return text
    pieces, start = [], 0
    for at in kept:
        pieces += [text[start:at], _TEXT_LT]
        start = at + 1
    return "".join([*pieces, text[start:]])


def _destination(href: str) -> str:
    """An ``href`` as a markdown link's destination that ends where it does: white space, ``<``,
    ``>`` and parentheses that are not one balanced pair percent-encoded, as a browser sends them
    (``https://github.com/o/r) [x](javascript:alert(1)`` wrote a second link, ``My Paper.pdf``
    none)."""
    from bot.sources.lists.items import URL_IN_PARENS  # items reads this module

    url = re.sub(r"[\s<>]", lambda m: quote(m[0]), href.strip())
    if url and not re.fullmatch(URL_IN_PARENS, url):
        url = url.replace("(", "%28").replace(")", "%29")
    return url


def _tables_with_papers_after(blocks: list[_Block]) -> list[bool]:
    """For each block, whether a later block of its table links a paper (a header row is then
    the papers' header): one pass from the end, not one over the later blocks per header row
    (5,000 header rows, 100 KB, took a minute)."""
    seen: set[int] = set()
    later: list[bool] = []
    for block in reversed(blocks):
        later.append(block.table in seen)
        if _links_a_paper(block):
            seen.add(block.table)
    return later[::-1]


def _bracket_safe(text: str) -> str:
    """A link's text (or an image's alt) with its brackets as entities, which the readers decode
    with the title's others: written as they are between ``[`` and ``]``, a ``]`` ended the text
    (``Title](https://evil.example) [x`` wrote a link of its own, read as the paper's) and a ``[``
    took the authors after the link into the title (``Title [v2]``)."""
    return text.replace("[", "&#91;").replace("]", "&#93;")


def _links_a_paper(block: _Block) -> bool:
    # fields and items read this module (items' shown_text): theirs are imported when it runs
    from bot.sources.lists.fields import is_paper_link
    from bot.sources.lists.items import Link

    return any(is_paper_link(Link(label, url)) for label, url in block.links)


def _one_line(parts: list[str]) -> str:
    return " ".join("".join(parts).replace("|", "\\|").split())


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
