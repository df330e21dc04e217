"""The pure edits of a ``Catalog``: insert, remove, move, replace a line, map the entries.

Each returns a new ``Catalog`` whose text differs from the old one only in the lines it touches;
``Catalog.insert``, ``.remove``, ``.move``, ``.replace_line``, ``.map_entries`` and
``.lines_with`` call these. The model they edit (find, render) is ``bot.core.catalog``; each new
text is read again by ``bot.core.catalog_parse``.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import arxiv_ids
from bot.core.catalog import Catalog, Heading, Item, own_id
from bot.core.catalog_blocks import commented_bullet
from bot.core.catalog_parse import parse
from bot.core.entry import Entry, render_entry
from bot.core.matching import title_key
from bot.errors import CatalogError, DuplicateEntryError


def _reparse(catalog: Catalog, lines: list[str]) -> Catalog:
    return parse("".join(lines), catalog.taxonomy)


def check_not_present(catalog: Catalog, entry: Entry) -> None:
    existing = catalog.find_paper(entry.arxiv_id, entry.title)  # a note mentioning the id is no entry
    if existing is not None:
        what = f"arXiv {entry.arxiv_id}" if entry.arxiv_id else f"{entry.title!r}"
        raise DuplicateEntryError(
            f"{what} is already in the catalog at line {existing.line_number} "
            f"(section {existing.section}): nothing to add",
            existing.line_number,
        )


def insertion_line(catalog: Catalog, entry: Entry, section: str, subsection: str | None = None) -> int:
    """Where ``entry`` goes: newest first by arXiv id, then the entries without an id by title (the
    order ``catalog_document.sort_entries`` gives a new document). Only the bullets readers see
    place it: never between two rows of a table (which would end the table) nor next to an entry
    inside a multi-line HTML comment (which would hide the new one too)."""
    items = _anchors(catalog, section, subsection)
    new_key = arxiv_ids.sort_key(entry.arxiv_id)
    for item in items:
        if entry.arxiv_id and arxiv_ids.sort_key(item.arxiv_ids[0] if item.arxiv_ids else None) < new_key:
            return item.start
        if not entry.arxiv_id and not item.arxiv_ids and item.title_key > title_key(entry.title):
            return item.start  # among the entries without an id, by title (``sort_entries``)
    if items:
        return items[-1].end
    heading = catalog.section_heading(section, subsection)
    return _empty_region_insertion_line(catalog, heading)


def _anchors(catalog: Catalog, section: str, subsection: str | None) -> list[Item]:
    """The items of a region a new entry may go next to: bullets that are shown, or commented out
    on a line of their own (``<!-- - [Title](...) -->``, which ends on its line)."""
    return [
        item
        for item in catalog.items_in(section, subsection)
        if item.kind == "bullet" and (not item.hidden or commented_bullet(item.text) is not None)
    ]


def _empty_region_insertion_line(catalog: Catalog, heading: Heading) -> int:
    end = catalog.region_end(heading)
    while end - 1 > heading.line and not catalog.lines[end - 1].strip():
        end -= 1
    return end


def insert(catalog: Catalog, entry: Entry, section: str, subsection: str | None = None) -> Catalog:
    """A new catalog with ``entry`` added as one line. Refuses duplicates."""
    check_not_present(catalog, entry)
    return _insert(catalog, entry, section, subsection)


def _insert(catalog: Catalog, entry: Entry, section: str, subsection: str | None) -> Catalog:
    lines, index = _lines_and_index(catalog, entry, section, subsection)
    inserted = _reparse(catalog, lines)
    # the catalog is only written when the new text reads back as wanted: the new line is the
    # entry, listed in its section (not hidden in a comment or code block another item opened)
    item = next((i for i in inserted.items if i.start == index), None)
    if (
        item is None
        or item.entry != entry
        or item.hidden
        or (item.section, item.subsection) != (section, subsection)
    ):
        raise CatalogError(
            f"the new entry at line {index + 1} would not read back as a listed entry of "
            f"{subsection or section} (inside an HTML comment or code block left open above it?): "
            "close it, or add the entry by hand"
        )
    return inserted


def lines_with(catalog: Catalog, entry: Entry, section: str, subsection: str | None = None) -> list[str]:
    """The lines ``insert`` gives (without the duplicate check and without re-parsing: cheap
    enough to ask for every open PR)."""
    return _lines_and_index(catalog, entry, section, subsection)[0]


def _lines_and_index(
    catalog: Catalog, entry: Entry, section: str, subsection: str | None
) -> tuple[list[str], int]:
    """The lines with ``entry`` inserted, and the index of its line."""
    position = insertion_line(catalog, entry, section, subsection)
    newline = catalog.newline_at(position)
    lines = list(catalog.lines)
    new = [render_entry(entry) + newline]
    if not _anchors(catalog, section, subsection):  # first entry under a heading: keep a blank line before it
        new.insert(0, newline)
    if position > 0 and not lines[position - 1].endswith("\n"):
        # the file had no final newline: the new last line has none either (lossless remove)
        lines[position - 1] += newline
        new[-1] = new[-1].removesuffix(newline)
    lines[position:position] = new
    return lines, position + len(new) - 1


def _own_item(catalog: Catalog, arxiv_id: str, action: str) -> Item:
    """The item that is paper ``arxiv_id``; refuses an item that only mentions it."""
    item = catalog.find_by_id(arxiv_id)
    if item is None:
        raise CatalogError(f"arXiv {arxiv_id} is not in the catalog: nothing to {action}")
    if own_id(item) != arxiv_ids.normalize(arxiv_id):
        raise CatalogError(
            f"arXiv {arxiv_id} is only mentioned in the item at line {item.line_number} "
            f"(arXiv {own_id(item)}), not an entry of its own; {action} it by hand"
        )
    return item


def remove(catalog: Catalog, arxiv_id: str) -> Catalog:
    """A new catalog without the paper's item. When blank lines would then meet (the item was
    alone between blank lines, as ``insert`` puts the first entry under a heading), one of
    them goes too: inserting an entry and removing it gives back the same bytes."""
    item = _own_item(catalog, arxiv_id, "remove")
    lines = catalog.lines[: item.start] + catalog.lines[item.end :]
    blank_before = item.start > 0 and not catalog.lines[item.start - 1].strip()
    blank_after = item.end >= len(catalog.lines) or not catalog.lines[item.end].strip()
    if blank_before and blank_after:
        del lines[item.start - 1]
    if item.end == len(catalog.lines) and lines and not catalog.lines[-1].endswith("\n"):
        lines[-1] = lines[-1].rstrip("\r\n")  # it was the last line, without a final newline: keep none
    return _reparse(catalog, lines)


def move(catalog: Catalog, arxiv_id: str, section: str, subsection: str | None = None) -> Catalog:
    item = _own_item(catalog, arxiv_id, "move")
    if item.entry is None:
        raise CatalogError(f"line {item.line_number} is not a canonical entry line; move it by hand")
    # not insert(): another entry that mentions the id must not block the move
    return _insert(remove(catalog, arxiv_id), item.entry, section, subsection)


def replace_line(catalog: Catalog, index: int, new_line: str) -> Catalog:
    """Replace one line (0-based), keeping its line ending."""
    old = catalog.lines[index]
    ending = old[len(old.rstrip("\r\n")) :]
    lines = list(catalog.lines)
    lines[index] = new_line.rstrip("\r\n") + ending
    return _reparse(catalog, lines)


def map_entries(catalog: Catalog, change: Callable[[Entry], Entry]) -> Catalog:
    """Apply ``change`` to every canonical entry; only lines whose entry changed are rewritten.
    Entries commented out are left as the maintainer wrote them."""
    lines = list(catalog.lines)
    for item in catalog.items:
        if item.entry is None or item.hidden:
            continue
        updated = change(item.entry)
        if updated != item.entry:
            old = lines[item.start]
            lines[item.start] = render_entry(updated) + old[len(old.rstrip("\r\n")) :]
    return _reparse(catalog, lines)
