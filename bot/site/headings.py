"""The headings of the site's page: each section's unique id (its anchor), and the catalog's
headings the taxonomy does not know (which the build warns about)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.anchors import unique_anchors
from bot.core.catalog import Catalog
from bot.core.taxonomy import Taxonomy
from bot.core.text import counted

TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html.j2"


@functools.cache
def page_ids() -> frozenset[str]:
    """The ids the page itself uses (index.html.j2), which no heading may take."""
    template = (TEMPLATE).read_text(encoding="utf-8")
    return frozenset(re.findall(r'\bid="([\w-]+)"', template))


def heading_anchors(taxonomy: Taxonomy) -> dict[str, str]:
    """Each section's and subsection's id on the page, unique as GitHub makes them: the
    heading's slug, then "-1", "-2"... for a repeated one ("Other" under several sections),
    never one of the page's own ids nor an entry's title's ("e12")."""
    ids = page_ids()
    headings = [h for s in taxonomy.sections for h in (s, *taxonomy.children(s.id))]
    anchors = unique_anchors(
        (h.anchor or "section" for h in headings),
        reserved=lambda anchor: anchor in ids or re.fullmatch(r"e\d+", anchor) is not None,
    )
    return {heading.id: anchor for heading, anchor in zip(headings, anchors, strict=True)}


@dataclass(frozen=True)
class UnknownHeading:
    """A heading of the catalog the taxonomy does not know, with entries under it."""

    line: int  # 1-based
    heading: str  # as written, e.g. "## Delta Things"
    entries: int
    shown_under: str  # the section title the entries show under; "" when they are not shown

    def message(self, taxonomy_file: object = "config/taxonomy.yml") -> str:
        where = f"shown under '{self.shown_under}'" if self.shown_under else "not on the site"
        return (
            f"{counted(self.entries, 'entry', 'entries')} under '{self.heading}', a heading "
            f"{taxonomy_file} does not know: {where}; add it to the taxonomy or move the "
            "entries (`python -m bot lint` lists the headings)"
        )


def unknown_headings(catalog: Catalog, taxonomy: Taxonomy) -> list[UnknownHeading]:
    """The ``##``/``###``... headings that are no section or subsection of the taxonomy and have
    items under them (the contents and the title are not looked at), in catalog order."""
    found: dict[int, UnknownHeading] = {}
    footer = catalog.prose_lines()
    for item in catalog.items:
        heading = catalog.headings[item.heading] if item.heading is not None else None
        if heading is None or heading.level < 2 or taxonomy.is_contents(heading.title):
            continue
        if item.start in footer:  # the maintainer's prose (About, Contributing): no entry, no warning
            continue
        if heading.level == 2 and taxonomy.by_title(heading.title) is not None:
            continue
        if heading.level == 3 and heading.section and taxonomy.by_title(heading.title, heading.section):
            continue
        shown = taxonomy.get(item.section, item.subsection).title if item.section else ""
        seen = found.get(heading.line)
        found[heading.line] = UnknownHeading(
            heading.line + 1,
            f"{'#' * heading.level} {heading.title}",
            (seen.entries if seen else 0) + 1,
            shown,
        )
    return list(found.values())
