"""Catalog lines rewritten from the paper store, where arXiv's facts say more than the line (pure).

For each canonical entry line whose paper the store holds:

- authors: a line without authors gets arXiv's (first three, then "et al."); a line whose authors
  are the ones the store had before gets the new ones when a new version changed them; with
  ``authors: different`` also a line whose shown surnames disagree with arXiv's first authors;
- venue: a line without a venue (or with a placeholder such as "arXiv") gets the venue that
  ``journal_ref`` or an acceptance comment names (``bot.core.venues``; never a guess);
- title: a line showing the title the store had before gets the new version's title;
- withdrawn: a paper withdrawn on arXiv is marked (`` · withdrawn``), and unmarked if a new
  version restores it (a mark a maintainer wrote on a paper arXiv never said was withdrawn stays).

Each change is reported with the line, the field, old and new value and why.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.core import arxiv_ids
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.entry import Entry, render_entry
from bot.core.matching import title_key
from bot.core.paper_store import PaperRecord
from bot.core.taxonomy import Taxonomy
from bot.core.text import cap
from bot.core.venues import VenueTable

EXCERPT = 80


@dataclass(frozen=True)
class EnrichSettings:
    authors: str = "missing"  # missing | different
    placeholder_venues: tuple[str, ...] = ("arXiv", "Preprint", "preprint")
    mark_withdrawn: bool = True


@dataclass(frozen=True)
class Change:
    arxiv_id: str
    line: int  # 1-based
    title: str
    field: str  # authors | venue | title | withdrawn
    old: str
    new: str
    reason: str


def _shown(entry: Entry) -> str:
    return ", ".join(entry.authors) + (" et al." if entry.et_al else "")


def _with_authors(entry: Entry, authors: Sequence[str]) -> Entry:
    return replace(entry, authors=tuple(authors), et_al=False)


def _surname(name: str) -> str:
    last = name.split()[-1] if name.split() else ""
    text = unicodedata.normalize("NFKD", last.lower())
    return "".join(c for c in text if c.isalnum())


def _excerpt(text: str) -> str:
    return cap(text, EXCERPT)


def _author_reason(entry: Entry, previous: PaperRecord | None, record: PaperRecord, mode: str) -> str:
    if not record.authors:
        return ""
    if not entry.authors:
        return "the line showed no authors"
    candidate = _with_authors(entry, record.authors)
    if (candidate.authors, candidate.et_al) == (entry.authors, entry.et_al):
        return ""
    if previous is not None and previous.authors != record.authors:
        before = _with_authors(entry, previous.authors)
        if (before.authors, before.et_al) == (entry.authors, entry.et_al):
            return f"arXiv v{record.versions} changed the authors"
    surnames = [_surname(a) for a in entry.authors]
    if mode == "different" and surnames != [_surname(a) for a in candidate.authors]:
        return "the line's authors differ from arXiv's"
    return ""


def _venue_reason(
    entry: Entry, record: PaperRecord, venues: VenueTable, settings: EnrichSettings
) -> tuple[str, str]:
    if entry.venue and entry.venue not in settings.placeholder_venues:
        return "", ""
    from_ref = venues.find(record.journal_ref, "")
    if from_ref:
        return from_ref, f"journal_ref: {_excerpt(record.journal_ref)}"
    from_comment = venues.find("", record.comment)
    if from_comment:
        return from_comment, f"comment: {_excerpt(record.comment)}"
    return "", ""


def updated_entry(
    entry: Entry,
    previous: PaperRecord | None,
    record: PaperRecord,
    venues: VenueTable,
    settings: EnrichSettings,
) -> tuple[Entry, list[tuple[str, str, str, str]]]:
    """(the entry as the store says it should read, [(field, old, new, why)])."""
    changes: list[tuple[str, str, str, str]] = []
    why = _author_reason(entry, previous, record, settings.authors)
    if why:
        new = _with_authors(entry, record.authors)
        changes.append(("authors", _shown(entry), _shown(new), why))
        entry = new
    venue, why = _venue_reason(entry, record, venues, settings)
    if venue and venue != entry.venue:
        changes.append(("venue", entry.venue, venue, why))
        entry = replace(entry, venue=venue)
    if (
        previous is not None
        and record.title
        and previous.title != record.title
        and title_key(entry.title) == title_key(previous.title) != title_key(record.title)
    ):
        changes.append(("title", entry.title, record.title, f"retitled in arXiv v{record.versions}"))
        entry = replace(entry, title=record.title)
    # the mark is set while arXiv says withdrawn; it is removed only when a new version is no longer
    # withdrawn (the store had it withdrawn), never from a line a maintainer marked by hand
    restored = previous is not None and previous.withdrawn and not record.withdrawn
    if settings.mark_withdrawn and record.withdrawn != entry.withdrawn and (record.withdrawn or restored):
        why = (
            f"withdrawn on arXiv (v{record.versions}: {_excerpt(record.comment or record.abstract)})"
            if record.withdrawn
            else f"arXiv v{record.versions} is no longer withdrawn"
        )
        changes.append(("withdrawn", str(entry.withdrawn).lower(), str(record.withdrawn).lower(), why))
        entry = replace(entry, withdrawn=record.withdrawn)
    return entry, changes


def entry_id(entry: Entry) -> str | None:
    """The arXiv paper an entry line is: its `` · arXiv ID`` part, else the id its own link or pdf
    link shows in any form (``arxiv.org/pdf/2401.00001v2``, no scheme, ``export.``, a DOI ...).
    None for a line whose links show other arXiv ids than its id part (``two_ids``): which paper
    it is would be a guess."""
    linked = arxiv_ids.find_ids(f"{entry.url} {entry.pdf_url}") if entry.kind == "paper" else []
    if entry.arxiv_id:
        return entry.arxiv_id if not linked or entry.arxiv_id in linked else None
    return linked[0] if linked else None


def two_ids(catalog: Catalog) -> list[tuple[int, str, str]]:
    """(line, the id its links show, its `` · arXiv ID`` part) of every entry line whose links
    show another arXiv paper than its id part: ``enrich`` leaves them as they are."""
    found = []
    for item in catalog.listed():
        entry = item.entry
        if entry is not None and entry.arxiv_id and entry_id(entry) is None:
            linked = arxiv_ids.find_ids(f"{entry.url} {entry.pdf_url}")
            found.append((item.line_number, linked[0], entry.arxiv_id))
    return found


def enrich_catalog(
    catalog: Catalog,
    previous: Mapping[str, PaperRecord],
    current: Mapping[str, PaperRecord],
    venues: VenueTable,
    settings: EnrichSettings,
) -> tuple[Catalog, list[Change]]:
    """The catalog with every canonical line of a stored paper brought up to the store's facts."""
    updates: dict[int, Entry] = {}
    changes: list[Change] = []
    for item in catalog.items:
        entry = item.entry
        arxiv_id = entry_id(entry) if entry is not None else None
        if entry is None or arxiv_id is None or arxiv_id not in current or item.hidden:
            continue
        record = current[arxiv_id]
        new, found = updated_entry(entry, previous.get(arxiv_id), record, venues, settings)
        if found:
            updates[item.start] = new
            changes += [Change(arxiv_id, item.line_number, new.title, *c) for c in found]
    if not updates:
        return catalog, []
    lines = list(catalog.lines)
    for start, new in updates.items():
        old = lines[start]
        lines[start] = render_entry(new) + old[len(old.rstrip("\r\n")) :]
    return parse("".join(lines), catalog.taxonomy), changes


def enrich_edit(
    previous: Mapping[str, PaperRecord],
    current: Mapping[str, PaperRecord],
    venues: VenueTable,
    settings: EnrichSettings,
    taxonomy: Taxonomy | None,
) -> Callable[[str], str]:
    """The same as a pure text edit (for the rolling PR, rebuilt on whatever the default branch holds)."""

    def edit(text: str) -> str:
        return enrich_catalog(parse(text, taxonomy), previous, current, venues, settings)[0].render()

    return edit


__all__ = ["Change", "EnrichSettings", "enrich_catalog", "enrich_edit", "two_ids", "updated_entry"]
