"""Reading text into a ``Catalog`` (pure): its lines, then its headings (ATX and underlined,
outside code and comments) with the taxonomy sections they open, then its items (a bullet with
its deeper-indented continuation lines, a table row, a bullet commented out on its own line),
each with the arXiv ids it shows, a title guessed for matching, and, for a line in the bot's
canonical form, the parsed ``Entry``. ``parse`` keeps the text as it is: ``parse(t).render() == t``.
The model it builds (find, render, the prose around the list) is ``bot.core.catalog``.
"""

from __future__ import annotations

import re

from bot.core import arxiv_ids
from bot.core.anchors import slugify
from bot.core.catalog import Catalog, Heading, Item
from bot.core.catalog_blocks import (
    BULLET_RE,
    buried_hash_lines,
    code_and_comments,
    commented_bullet,
    setext_headings,
    without_bom,
)
from bot.core.entry import Entry, parse_entry
from bot.core.taxonomy import Taxonomy

_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")
# An ATX heading, as CommonMark reads one: 1-6 "#" then a space, a tab or the line's end ("##"
# alone is an empty heading), its closing "#"s (after a space, or all it holds) no part of it.
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*\r?\n?$")
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t]+)#+$")
# A table row starts with a pipe and has another; text after the last pipe (a stray "o" in a
# real list) does not make it prose.
_TABLE_ROW_RE = re.compile(r"^[ \t]*\|.*\|")
_TABLE_SEPARATOR_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*\r?\n?$")
# Title candidates inside an item: a markdown link's text, bold text, or a quoted title.
_TITLE_PATTERNS = (
    re.compile(r"^\s*(?:[-*+•]|\d+[.)]|\|)?\s*\[(?P<t>(?:\\.|[^\]\\]){8,})\]\("),
    re.compile(r"<br>\s*\[(?P<t>[^\]]{8,})\]\("),
    re.compile(r"\*\*(?P<t>[^*]{8,}?)\*\*"),
    re.compile(r"\[(?P<t>(?:\\.|[^\]\\]){12,})\]\("),
    re.compile(r"\"(?P<t>[^\"]{8,}?)\""),
    # plain text after the bullet, up to links, a line break, or ", Venue, Year"
    re.compile(
        r"^\s*(?:[-*+•]|\d+[.)])\s+(?P<t>[^\[\n<]{8,}?)\s*(?:,[^,\n]*,\s*\d{4}\s*)?"
        r"(?:\[|<br>|\n|$)"
    ),
)


def split_lines(text: str) -> list[str]:
    """Lines with their endings; ``"".join(split_lines(t)) == t`` for every string."""
    return _LINE_RE.findall(text)


def _indent_width(text: str) -> int:
    return len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip(" \t"))


def _heading_sections(
    level: int, title: str, current: tuple[str | None, str | None], taxonomy: Taxonomy | None
) -> tuple[str | None, str | None]:
    """(section, subsection) that a heading opens, given those of the headings above."""
    section, _ = current
    if level == 1:
        return None, None
    if level == 2:
        if taxonomy is None:
            return slugify(title), None
        match = taxonomy.by_title(title)
        return (match.id, None) if match else (None, None)
    if level == 3 and section is not None:
        if taxonomy is None:
            return section, slugify(title)
        match = taxonomy.by_title(title, parent=section)
        if match:
            return section, match.id
    return current


def _find_title(text: str) -> str:
    for pattern in _TITLE_PATTERNS:
        for found in pattern.finditer(text):
            candidate = found.group("t")
            if candidate.startswith("!") or re.fullmatch(
                r"(?i)\W*(paper|pdf|code|github|arxiv|link|project)\W*", candidate
            ):
                continue  # an image (badge) or a link label, not a title
            return candidate
    return ""


def _scan_item_end(lines: list[str], start: int, indent: int, stop: int) -> int:
    """One past the last line of the bullet item starting at ``start``: deeper-indented lines
    (and blank lines followed by them) up to ``stop`` (the next heading) belong to it."""
    end = start + 1
    probe = end
    while probe < stop:
        line = lines[probe]
        if not line.strip():
            probe += 1
            continue
        if _indent_width(line) > indent:  # a heading ends it at ``stop``, a "#" line in it is its own
            end = probe = probe + 1
            continue
        break
    return end


def _item_ids(entry: Entry | None, body: str, more: list[str]) -> tuple[str, ...]:
    """The arXiv ids an item shows. For a canonical entry line only its own fields count (its id,
    its links) and the lines under it: a title, an author or a venue is text, and one from arXiv
    that reads "arXiv 2404.14469" must not make the entry another paper's duplicate."""
    if entry is None:
        return tuple(arxiv_ids.find_ids(body))
    own = [arxiv_ids.normalize(entry.arxiv_id)] if entry.arxiv_id else []
    links = arxiv_ids.find_ids(" ".join((entry.url, entry.pdf_url, *more)))
    return tuple(dict.fromkeys(own + links))


def parse(text: str, taxonomy: Taxonomy | None = None) -> Catalog:
    """Read any text into a Catalog whose ``render()`` gives the text back unchanged."""
    lines = split_lines(text)
    kept = lines  # the Catalog keeps the text as it is, byte-order mark included
    lines = without_bom(lines)
    headings: list[Heading] = []
    fenced, hidden = code_and_comments(lines)
    current: tuple[str | None, str | None] = (None, None)
    heading_at: dict[int, int] = {}
    underlined = setext_headings(lines)
    buried = buried_hash_lines(lines) or set()
    for index, line in enumerate(lines):
        if fenced[index] or hidden[index]:  # code, or commented out: GitHub shows no heading
            continue
        match = None if index in buried else _HEADING_RE.match(line)  # HTML, or a list item's
        found = (len(match[1]), _CLOSING_HASHES_RE.sub("", match[2] or "").strip(), 1) if match else None
        found = found or underlined.get(index)
        if found and not any(fenced[index : index + found[2]] + hidden[index : index + found[2]]):
            level, title, span = found
            current = _heading_sections(level, title, current, taxonomy)
            heading_at[index] = len(headings)
            headings.append(Heading(index, level, title, current[0], current[1], span))

    items: list[Item] = []
    index = 0
    heading_index: int | None = None
    section: tuple[str | None, str | None] = (None, None)
    while index < len(lines):
        line = lines[index]
        if index in heading_at:
            heading_index = heading_at[index]
            h = headings[heading_index]
            section = (h.section, h.subsection)
            index += h.span
            continue
        if fenced[index]:
            index += 1
            continue
        commented = commented_bullet(line)
        if commented is not None:  # hidden as a whole: one line, its entry the comment's text
            items.append(_commented_item(line, commented, index, section, heading_index))
            index += 1
            continue
        bullet = BULLET_RE.match(line)
        is_row = not bullet and _TABLE_ROW_RE.match(line)
        if bullet:
            stop = min([s for s in heading_at if s > index] + [len(lines)])
            end = _scan_item_end(lines, index, _indent_width(bullet.group(1)), stop)
        elif is_row:
            next_line = lines[index + 1] if index + 1 < len(lines) else ""
            if _TABLE_SEPARATOR_RE.match(line) or _TABLE_SEPARATOR_RE.match(next_line):
                index += 1
                continue
            end = index + 1
        else:
            index += 1
            continue
        body = "".join(lines[index:end])
        entry = parse_entry(line) if bullet else None
        items.append(
            Item(
                start=index,
                end=end,
                text=body,
                arxiv_ids=_item_ids(entry, body, lines[index + 1 : end]),
                title=entry.title if entry else _find_title(body),
                entry=entry,
                section=section[0],
                subsection=section[1],
                heading=heading_index,
                kind="bullet" if bullet else "row",
                hidden=hidden[index],
            )
        )
        index = end
    return Catalog(kept, headings, items, taxonomy)


def _commented_item(
    line: str, inner: str, index: int, section: tuple[str | None, str | None], heading: int | None
) -> Item:
    """A bullet commented out on its own line: hidden, and known by its entry (as one whose line
    starts inside a comment), so that poll never proposes it again."""
    entry = parse_entry(inner)
    return Item(
        start=index,
        end=index + 1,
        text=line,
        arxiv_ids=_item_ids(entry, inner, []),
        title=entry.title if entry else _find_title(inner),
        entry=entry,
        section=section[0],
        subsection=section[1],
        heading=heading,
        hidden=True,
    )
