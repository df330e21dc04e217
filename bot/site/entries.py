"""What the site lists: the catalog's entries under the taxonomy's sections, with the paper
store's full author lists and abstracts, their facets (year, venue without its year, code,
stars, date) and what the search indexes of each. Pure: no file is read or written here
(``bot/site/build.py`` renders and writes the page)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core import arxiv_ids
from bot.core.catalog import Catalog
from bot.core.entry import MONTHS, format_stars
from bot.core.taxonomy import Taxonomy
from bot.site.headings import UnknownHeading, unknown_headings
from bot.site.papers import Paper, clean

# A year anywhere in a venue ("ICLR 2025", "2025 ICLR", "ICLR'25 Oral", "ICLR (2025)"), with the
# spaces and comma before it; a year in parentheses takes them along. A match starts where a run of
# them does, never inside it: tried at each of a run's characters, it read to the run's end each
# time (8,000 commas in a venue, 1.4 s of a site build; 32,000, 22 s).
_YEAR = r"(?:['’]\d\d|(?<!\d)(?:19|20)\d\d)(?!\d)"
_VENUE_YEAR = re.compile(rf"(?<![\s,])[\s,]*(?:\(\s*{_YEAR}\s*\)|{_YEAR})")


def venue_name(venue: str) -> str:
    """The venue without its year, wherever it is ("NeurIPS 2024" and "2024 NeurIPS" ->
    "NeurIPS", "ICLR'25 Oral" -> "ICLR Oral"): what the venue filter offers. A venue that is
    only a year stays as it is."""
    name = " ".join(_VENUE_YEAR.sub(" ", venue).split())
    return re.sub(r"\s+([,)])", r"\1", name).strip(" ,") or venue.strip()


@dataclass(frozen=True)
class SiteEntry:
    index: int
    section: str
    subsection: str | None
    kind: str
    title: str
    url: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    description: str = ""
    arxiv_id: str | None = None
    year: int | None = None
    month: int | None = None
    venue: str = ""
    pdf_url: str = ""
    code_url: str = ""
    stars: int | None = None
    archived: bool = False
    abstract: str = ""

    @property
    def author_text(self) -> str:
        """The searched authors field (a resource's description stands in for its authors)."""
        return ", ".join(self.authors) if self.kind == "paper" else self.description

    @property
    def venue_name(self) -> str:
        return venue_name(self.venue) if self.venue else ""

    @property
    def date_text(self) -> str:
        if self.year is None:
            return ""
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month else str(self.year)

    @property
    def date_key(self) -> int:
        """Newest first sorts on this: year and month (the entry's, else its arXiv id's), then
        the arXiv id's number within the month; 0 for an undated entry."""
        year, month, number = arxiv_ids.sort_key(self.arxiv_id)
        if self.year is not None:
            year, month = self.year, self.month or 0
        return (year * 100 + month) * 1_000_000 + number % 1_000_000

    @property
    def stars_text(self) -> str:
        return format_stars(self.stars) if self.stars is not None else ""

    def facets(self) -> dict[str, Any]:
        """What filters and sorting read of the entry (in the page's JSON: ``facet_columns``)."""
        return {
            "s": self.section,
            "u": self.subsection or "",
            "y": self.year,
            "v": self.venue_name,
            "c": bool(self.code_url),
            "st": self.stars or 0,
            "d": self.date_key,
            "a": bool(self.abstract),  # gets an "Abstract" toggle once the search index is ready
        }

    def search_doc(self) -> dict[str, Any]:
        """The entry in search.json: the short fields the search worker indexes first
        (search.SHORT_FIELDS; the venue only when there is one); its abstract is in
        abstracts.json (``abstract_doc``)."""
        doc: dict[str, Any] = {"id": self.index, "title": self.title, "authors": self.author_text}
        if self.venue:
            doc["venue"] = self.venue
        doc["arxiv"] = self.arxiv_id or ""
        return doc

    def abstract_doc(self) -> dict[str, Any] | None:
        """The entry in abstracts.json (None without an abstract): indexed after the short
        fields, so that a big catalog's titles are searchable long before its abstracts."""
        return {"id": self.index, "abstract": self.abstract} if self.abstract else None


@dataclass
class Site:
    taxonomy: Taxonomy
    entries: list[SiteEntry]
    skipped: int = 0  # items under a section that are not canonical entry lines
    unknown: list[UnknownHeading] = field(default_factory=list)  # headings not in the taxonomy
    with_abstract: int = 0
    generated: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def in_section(self, section: str, subsection: str | None) -> list[SiteEntry]:
        return [e for e in self.entries if e.section == section and e.subsection == subsection]

    def has_stars(self) -> bool:
        """Whether any entry shows stars: without, the page offers no stars filter or order."""
        return any(e.stars is not None for e in self.entries)

    def years(self) -> list[int]:
        return sorted({e.year for e in self.entries if e.year}, reverse=True)

    def venues(self) -> list[str]:
        counts: dict[str, int] = {}
        for entry in self.entries:
            if entry.venue_name:
                counts[entry.venue_name] = counts.get(entry.venue_name, 0) + 1
        return sorted(counts, key=lambda v: (-counts[v], v.lower()))


def collect(catalog: Catalog, taxonomy: Taxonomy, papers: dict[str, Paper] | None = None) -> Site:
    """The site's entries: every canonical entry under a taxonomy section, in catalog order (not
    those commented out), with the paper store's full author list and abstract when it has the paper."""
    papers = papers or {}
    entries: list[SiteEntry] = []
    skipped = with_abstract = 0
    for item in catalog.listed():
        entry = item.entry
        if entry is None or item.section is None:
            skipped += 1
            continue
        paper = papers.get(entry.arxiv_id) if entry.arxiv_id else None
        authors, et_al = tuple(clean(a, 200) for a in entry.authors), entry.et_al
        abstract = ""
        if paper is not None:
            if paper.authors:
                authors, et_al = paper.authors, False
            abstract = paper.abstract
            with_abstract += bool(abstract)
        entries.append(
            SiteEntry(
                index=len(entries),
                section=item.section,
                subsection=item.subsection,
                kind=entry.kind,
                title=clean(entry.title),
                url=entry.url,
                authors=authors,
                et_al=et_al,
                description=clean(entry.description),
                arxiv_id=entry.arxiv_id,
                year=entry.year,
                month=entry.month,
                venue=clean(entry.venue, 200),
                pdf_url=entry.pdf_url,
                code_url=entry.code_url,
                stars=entry.stars,
                archived=entry.archived,
                abstract=abstract,
            )
        )
    return Site(
        taxonomy,
        entries,
        skipped=skipped,
        with_abstract=with_abstract,
        unknown=unknown_headings(catalog, taxonomy),
    )


def facet_columns(entries: list[SiteEntry]) -> dict[str, list[Any]]:
    """The entries' facets in the page's JSON, a list per facet in catalog order (an entry's id is
    its place): a column of like values compresses to half the size of one object per entry (on
    10,000 entries, 45 against 93 KiB gzipped), and site.js makes the objects back."""
    rows = [e.facets() for e in entries]
    return {key: [row[key] for row in rows] for key in (rows[0] if rows else {})}
