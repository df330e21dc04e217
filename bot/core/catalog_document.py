"""A whole catalog document: rendered from a taxonomy and placed entries, and its table of
contents (rendered, and checked against the headings). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.core import arxiv_ids
from bot.core.anchors import github_anchors, unlinked
from bot.core.catalog import Catalog, parse
from bot.core.entry import Entry, render_entry
from bot.core.matching import title_key
from bot.core.taxonomy import Taxonomy


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
    """(line, message) for every way the table of contents disagrees with the headings."""
    taxonomy = catalog.taxonomy
    if taxonomy is None:
        return []
    contents = [h for h in catalog.headings if h.title == taxonomy.contents_heading]
    if not contents:
        return [(1, f"no '## {taxonomy.contents_heading}' heading (table of contents)")]
    heading = contents[0]
    end = catalog.region_end(heading)
    actual = [line.rstrip("\r\n") for line in catalog.lines[heading.line + 1 : end] if line.strip()]
    expected = render_contents(taxonomy, contents_anchors(catalog))
    if actual != expected:
        return [
            (
                heading.line + 1,
                "table of contents is stale: it should list exactly the "
                "taxonomy's sections and subsections (`python -m bot import` renders it)",
            )
        ]
    return []


Placement = tuple[str, str | None]  # (section id, subsection id or None)


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """The order ``insert`` keeps: newest arXiv id first, then entries without an id by title."""
    with_id = sorted(
        (e for e in entries if e.arxiv_id), key=lambda e: arxiv_ids.sort_key(e.arxiv_id), reverse=True
    )
    without = sorted((e for e in entries if not e.arxiv_id), key=lambda e: title_key(e.title))
    return with_id + without


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
