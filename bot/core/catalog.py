"""The lossless model of ``catalog.md``.

A ``Catalog`` keeps the text as its lines, so that ``Catalog.render()`` gives it back byte for
byte, whatever it was, and lays an index over them: headings, and items (a bullet with its
deeper-indented continuation lines, or a table row), each with the arXiv ids it mentions, a
title key for matching, and, for lines in the bot's canonical form, the parsed ``Entry``. It
finds a paper (by id, by title), the lines of a section, and the maintainer's prose above and
below the list, where no entry is read. ``bot.core.catalog_parse.parse(text)`` reads any
markdown (or plain text) into one.

Edits (``insert``, ``remove``, ``replace_line``, ``move``, ``map_entries``) are pure: they return
a new ``Catalog`` whose text differs from the old one only in the lines they touch. They are
methods here and live in ``bot.core.catalog_edits``.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core import arxiv_ids
from bot.core.anchors import slugify
from bot.core.catalog_blocks import without_bom
from bot.core.entry import Entry
from bot.core.markdown import html_block_lines
from bot.core.matching import near_titles, title_key
from bot.core.taxonomy import Taxonomy, heading_key
from bot.errors import UnknownSectionError


@dataclass(frozen=True)
class Heading:
    line: int  # 0-based index into Catalog.lines
    level: int
    title: str
    section: str | None  # taxonomy id of the section this heading is or is inside
    subsection: str | None  # taxonomy id of the subsection, when the heading is one
    span: int = 1  # lines it takes: an underlined (setext) heading's text lines and underline

    @property
    def below(self) -> int:
        """The first line (0-based) after the heading (after its underline, for a setext one)."""
        return self.line + self.span

    @property
    def anchor(self) -> str:
        return slugify(self.title)


@dataclass(frozen=True)
class Item:
    start: int  # first line (0-based)
    end: int  # one past the last line
    text: str
    arxiv_ids: tuple[str, ...]
    title: str  # best guess at the title ("" when none was found)
    entry: Entry | None  # set when the first line is a canonical entry line
    section: str | None  # taxonomy id (or slug of the heading when no taxonomy)
    subsection: str | None
    heading: int | None  # index into Catalog.headings of the nearest heading above
    kind: str = "bullet"  # "bullet" or "row"
    hidden: bool = False  # starts inside an HTML comment: commented out, not shown to readers

    @property
    def line_number(self) -> int:
        """1-based line number, for messages."""
        return self.start + 1

    @property
    def title_key(self) -> str:
        return title_key(self.title) if self.title else ""


@dataclass
class Catalog:
    lines: list[str]
    headings: list[Heading]
    items: list[Item]
    taxonomy: Taxonomy | None = None
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False)
    _by_title: dict[str, Item] = field(default_factory=dict, repr=False)
    _titles: dict[int, str] | None = field(default=None, repr=False, compare=False)  # see title_at

    def __post_init__(self) -> None:
        prose = self.prose_lines()  # the maintainer's header and footer: no paper there
        indexed = [
            i
            for i in self.items
            if i.start not in prose
            and not (i.section is None and i.subsection is None and self._in_contents(i))
        ]
        # An id finds the item that is that paper before an item that merely mentions it.
        for item in indexed:
            if own_id(item):
                self._by_id.setdefault(own_id(item), item)  # type: ignore[arg-type]
        for item in indexed:
            for arxiv_id in item.arxiv_ids:
                self._by_id.setdefault(arxiv_id, item)
            if item.title_key:
                self._by_title.setdefault(item.title_key, item)

    def _in_contents(self, item: Item) -> bool:
        heading = self.headings[item.heading] if item.heading is not None else None
        names = {"contents", "table of contents"}
        if self.taxonomy is not None:
            names.add(heading_key(self.taxonomy.contents_heading))  # as config names it
        return heading is not None and heading_key(heading.title) in names

    # -- reading -----------------------------------------------------------------------------

    def render(self) -> str:
        return "".join(self.lines)

    @property
    def newline(self) -> str:
        """The file's line ending: the one most of its lines end with (CRLF or LF; LF when none
        has one, or on a tie)."""
        crlf = sum(1 for line in self.lines if line.endswith("\r\n"))
        lf = sum(1 for line in self.lines if line.endswith("\n")) - crlf
        return "\r\n" if crlf > lf else "\n"

    def newline_at(self, index: int) -> str:
        """The line ending for a line inserted before line ``index`` (0-based): its neighbours'
        (the line above, else the one below), else the file's, so that a consistent file stays
        consistent and a mixed one takes the ending of the part it is added to."""
        for neighbour in (index - 1, index):
            line = self.lines[neighbour] if 0 <= neighbour < len(self.lines) else ""
            if line.endswith("\n"):
                return "\r\n" if line.endswith("\r\n") else "\n"
        return self.newline

    def entries(self) -> list[Item]:
        """Items inside a taxonomy section (the catalog's papers and resources), commented-out
        ones included: see ``listed``."""
        return [i for i in self.items if i.section is not None]

    def listed(self) -> list[Item]:
        """The entries readers see: not those a maintainer commented out (``Item.hidden``). The
        site, stats, enrich and the star refresh read these; the lookups (``find*``,
        ``arxiv_id_set``) still know the hidden ones, so that poll never proposes them again."""
        return [i for i in self.entries() if not i.hidden]

    def find_by_id(self, arxiv_id: str) -> Item | None:
        return self._by_id.get(arxiv_ids.normalize(arxiv_id))

    def find_by_title(self, title: str, fuzzy: bool = True, arxiv_id: str | None = None) -> Item | None:
        """The item with the same normalised title, else (``fuzzy``) a near-identical one.
        A fuzzy match must have the same numbers ("Part 2" is not "Part 3") and must not
        carry a different arXiv id than ``arxiv_id``."""
        key = title_key(title)
        if not key:
            return None
        if key in self._by_title:
            return self._by_title[key]
        if not fuzzy:
            return None
        for candidate in near_titles(key, self._by_title.keys()):
            item = self._by_title[candidate]
            if arxiv_id and item.arxiv_ids and arxiv_ids.normalize(arxiv_id) not in item.arxiv_ids:
                continue
            return item
        return None

    def find(self, arxiv_id: str | None = None, title: str | None = None) -> Item | None:
        """An item that is the same paper: by version-insensitive id first, then by title."""
        found = self.find_by_id(arxiv_id) if arxiv_id else None
        if found is None and title:
            found = self.find_by_title(title, arxiv_id=arxiv_id)
        return found

    def find_paper(self, arxiv_id: str | None, title: str | None) -> Item | None:
        """The item that *is* the paper: its own entry (by id), else one with its title; never an
        item that only mentions the id ("  - compared with arXiv X" under another entry)."""
        found = self.find_by_id(arxiv_id) if arxiv_id else None
        if found is not None and own_id(found) == arxiv_ids.normalize(arxiv_id or ""):
            return found
        return self.find_by_title(title, arxiv_id=arxiv_id) if title else None

    def arxiv_id_set(self) -> set[str]:
        return set(self._by_id)

    def section_heading(self, section: str, subsection: str | None = None) -> Heading:
        for heading in self.headings:
            if (
                heading.section == section
                and heading.subsection == subsection
                and (heading.level == (3 if subsection else 2))
            ):
                return heading
        suggestions = sorted({h.subsection or h.section for h in self.headings if h.section} - {None})
        name = f"{section}/{subsection}" if subsection else section
        raise UnknownSectionError(f"the catalog has no section {name!r}", suggestions[:5])

    def items_in(self, section: str, subsection: str | None = None) -> list[Item]:
        """The top-level items directly under the heading of a section or subsection."""
        heading = self.section_heading(section, subsection)
        stop = self.region_end(heading)
        return [i for i in self.items if heading.line < i.start < stop]

    def footer_lines(self) -> set[int]:
        """The lines of the taxonomy's ``footer_headings`` (``## Contributing``, ``# License``),
        each to the next heading of its level or higher (a ``##`` one to the next ``#``/``##``, a
        ``#`` one to the next ``#``): the maintainer's prose, which no job reads as entries or
        edits (an entry inserted above it stays in the section above). The title is none."""
        lines: set[int] = set()
        if self.taxonomy is None or not self.taxonomy.footer_headings:
            return lines
        tops = [h for h in self.headings if h.level <= 2]
        title = next((h for h in tops if h.level == 1), None)
        for index, heading in enumerate(tops):
            if heading is title or not self.taxonomy.is_footer(heading.title):
                continue
            end = next((h.line for h in tops[index + 1 :] if h.level <= heading.level), len(self.lines))
            lines.update(range(heading.line, end))
        return lines

    def header_lines(self) -> set[int]:
        """The lines of the maintainer's sections above the list (``## About``, ``## Why this
        list``): the ``#`` and ``##`` headings between the title and the first section or the table
        of contents, each to the next heading of its level or higher (and no further than the
        list's start). With ``header_headings`` of the taxonomy unset (``auto``) they are those
        that hold no paper (no arXiv id, no paper's entry line) and no link to a heading of the page (a
        table of contents), nor wrap the list (``# What's inside`` over the sections); a list of
        titles names them instead (``[]``: none). No job reads entries there or edits them."""
        taxonomy = self.taxonomy
        if taxonomy is None or taxonomy.header_headings == ():
            return set()
        tops = [h for h in self.headings if h.level <= 2]
        title = next((h for h in tops if h.level == 1), None)
        start = self.list_start()
        lines: set[int] = set()
        for index, heading in enumerate(tops):
            if heading is title or not (title is None or title.line < heading.line < start):
                continue
            after = (h.line for h in tops[index + 1 :] if h.level <= heading.level)
            end = next(after, len(self.lines))
            if taxonomy.header_headings is None:
                if end > start or not self._prose(heading.line, end):
                    continue
            elif not taxonomy.is_header(heading.title):
                continue
            lines.update(range(heading.line, min(end, start)))
        return lines

    def list_start(self) -> int:
        """The line (0-based) of the list's first heading: the table of contents' or a section's
        (the end of the text when there is none)."""
        taxonomy = self.taxonomy
        return next(
            (
                h.line
                for h in self.headings
                if taxonomy is not None
                and (taxonomy.is_contents(h.title) or (h.level == 2 and taxonomy.by_title(h.title)))
            ),
            len(self.lines),
        )

    def _prose(self, start: int, end: int) -> bool:
        """Whether the lines hold no paper (an arXiv id, a paper's entry line) and no link to a
        heading (a table of contents). Links to pages are prose ("Our blog")."""
        first = bisect.bisect_left(self.items, start, key=lambda item: item.start)  # in line order
        return not any(
            _not_prose(item) for item in itertools.takewhile(lambda i: i.start < end, self.items[first:])
        )

    def prose_lines(self) -> set[int]:
        """The maintainer's prose: ``header_lines`` and ``footer_lines``, where no entry is read."""
        return self.header_lines() | self.footer_lines()

    def region_end(self, heading: Heading) -> int:
        """The line where the entries under ``heading`` stop: the next heading of any level."""
        for other in self.headings:
            if other.line > heading.line:
                return other.line
        return len(self.lines)

    # -- editing (pure): bot.core.catalog_edits, imported when called, since it imports this module

    def insert(self, entry: Entry, section: str, subsection: str | None = None) -> Catalog:
        """A new catalog with ``entry`` added as one line. Refuses duplicates."""
        from bot.core import catalog_edits

        return catalog_edits.insert(self, entry, section, subsection)

    def lines_with(self, entry: Entry, section: str, subsection: str | None = None) -> list[str]:
        """The lines ``insert`` gives, without the duplicate check and without re-parsing."""
        from bot.core import catalog_edits

        return catalog_edits.lines_with(self, entry, section, subsection)

    def remove(self, arxiv_id: str) -> Catalog:
        """A new catalog without the paper's item (and without a blank line it leaves double)."""
        from bot.core import catalog_edits

        return catalog_edits.remove(self, arxiv_id)

    def move(self, arxiv_id: str, section: str, subsection: str | None = None) -> Catalog:
        from bot.core import catalog_edits

        return catalog_edits.move(self, arxiv_id, section, subsection)

    def replace_line(self, index: int, new_line: str) -> Catalog:
        """Replace one line (0-based), keeping its line ending."""
        from bot.core import catalog_edits

        return catalog_edits.replace_line(self, index, new_line)

    def map_entries(self, change: Callable[[Entry], Entry]) -> Catalog:
        """Apply ``change`` to every canonical entry not commented out; only lines whose entry
        changed are rewritten."""
        from bot.core import catalog_edits

        return catalog_edits.map_entries(self, change)


def _not_prose(item: Item) -> bool:
    """A paper (an arXiv id, a paper's entry line) or a table of contents' link to a heading."""
    paper = item.entry is not None and item.entry.kind == "paper"
    return bool(item.arxiv_ids) or paper or "](#" in item.text


def own_id(item: Item) -> str | None:
    """The arXiv id of the paper an item is: its entry's, else the first one it shows."""
    if item.entry is not None and item.entry.arxiv_id:
        return arxiv_ids.normalize(item.entry.arxiv_id)
    return item.arxiv_ids[0] if item.arxiv_ids else None


def raw_html_lines(catalog: Catalog) -> set[int]:
    """The lines (0-based) of the catalog's HTML blocks, as CommonMark reads them: GitHub shows
    what they hold as HTML, so a markdown entry written in one (no blank line after ``<details>``
    or ``</p>``) shows as its raw text. markdown-it decides, only when some line could open one."""
    return html_block_lines(without_bom(catalog.lines))


def title_at(catalog: Catalog, line: int) -> str:
    """The title of the item that covers 1-based ``line`` ("" outside items; the first item that
    covers it). The lines' titles are indexed on the first call: the nightly job asks for one per
    link fix and link problem, and a scan of the items each time made a 10,000-entry night spend
    13 s on 5,000 of them."""
    if catalog._titles is None:
        titles: dict[int, str] = {}
        for item in catalog.items:
            for covered in range(item.start + 1, item.end + 1):
                titles.setdefault(covered, item.title)
        catalog._titles = titles
    return catalog._titles.get(line, "")
