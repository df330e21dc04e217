"""The list format of tables: a row's paper (its title cell, and the venue, date, arXiv id and
authors columns a header names), several papers in one cell, or a framework's row of ✅ and ❌."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core import arxiv_ids
from bot.core.list_items import Fields, SourceItem
from bot.sources.lists.fields import (
    are_authors,
    badge_venue,
    code_url,
    github_repo,
    is_paper_link,
    links,
    paper_url,
    parse_venue,
    source_title,
    split_authors,
    strip_markup,
)
from bot.sources.lists.items import Link, table_cells


def table_row(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    if item.kind != "row":
        return None
    cells = table_cells(item.text)
    marks = [c.strip() for c in cells[1:] if c.strip()]
    if marks and all(c in "✅❌✔✖" for c in marks):  # a row with its other cells empty is no framework
        return _framework_row(cells, item)
    column = _title_column(item.header, cells)
    if column is None:
        return None
    cell = cells[column]
    papers = [link for link in links(cell) if arxiv_ids.find_ids(link.url) and len(link.label.split()) >= 3]
    if len({arxiv_ids.find_ids(link.url)[0] for link in papers}) > 1:  # several papers in one cell
        return [
            Fields(source_title(link.label), arxiv_id=arxiv_ids.find_ids(link.url)[0], url=link.url)
            for link in papers
        ]
    fields = _title_cell_fields(cell, item, item_links)
    if not fields.venue and (venue := venue_column(item.header, cells))[0]:
        fields = replace(fields, venue=venue[0], year=fields.year or venue[1])
    if fields.year is None and (year := date_column_year(item.header, cells)):
        fields = replace(fields, year=year)
    if not fields.arxiv_id and (
        bare := arxiv_ids.parse_user_id(column_cell(item.header, cells, _ID_COLUMNS))
    ):
        fields = replace(fields, arxiv_id=bare)  # "| arXiv |" over "| 2210.17323 |": no link, the id
    if not fields.authors and (authors := column_cell(item.header, cells, ("author", "authors"))):
        names, et_al = split_authors(authors)
        fields = replace(fields, authors=names, et_al=et_al)
    return [fields]


_ID_COLUMNS = ("arxiv", "arxiv id", "arxiv-id", "id")


def _title_column(header: tuple[str, ...], cells: list[str]) -> int | None:
    for wanted in ("title", "paper", "model", "name"):
        for index, name in enumerate(header):
            if wanted in name and index < len(cells):
                return index
    for index, cell in enumerate(cells):  # no header: the first cell with a long text
        if len(strip_markup(cell)) >= 20:
            return index
    return None


def _title_cell_fields(cell: str, item: SourceItem, item_links: list[Link]) -> Fields:
    """A cell like ``[badges] <br> [Title](url) <br> Authors`` or ``🔥[**Short**] Title``."""
    parts = [p for p in re.split(r"<br\s*/?>|</br>", cell, flags=re.IGNORECASE) if strip_markup(p)]
    title_index = next((i for i, p in enumerate(parts) if any(link.label for link in links(p))), 0)
    title_part = parts[title_index] if parts else cell
    title_link = next(iter(links(title_part)), None)
    authors = parts[title_index + 1] if title_index + 1 < len(parts) else ""
    # names: a comma between them, one name "et al.", or names as a description's words are not
    # (one author, "Minghai Qin"; BibTeX's "Zhihang Yuan and Lin Niu and ...": round 32 read none)
    shown = strip_markup(authors)
    listed = (
        "," in authors
        or re.search(r"(?i)\bet al\.?\s*$", shown)
        or (not links(authors) and are_authors(shown))
    )
    names, et_al = split_authors(authors) if listed else ((), False)
    venue, year = badge_venue(item.text)
    url = title_link.url if title_link and is_paper_link(title_link) else paper_url(item_links)
    return Fields(
        source_title(title_part),
        authors=names,
        et_al=et_al,
        venue=venue,
        year=year,
        url=url,
        code_url=code_url(item.text, item_links),
    )


def _framework_row(cells: list[str], item: SourceItem) -> list[Fields] | None:
    """``| DeepSpeed [[Code](..)] | ✅ | ❌ |`` under a header naming what each column means."""
    name = re.sub(r"\[.*$", "", strip_markup(cells[0])).strip() or strip_markup(cells[0])
    repo_links = links(cells[0])
    if not repo_links:
        return None
    good = [item.header[i + 1] for i, c in enumerate(cells[1:]) if "✅" in c and i + 1 < len(item.header)]
    description = ("Framework for " + ", ".join(g.lower() for g in good)) if good else ""
    return [
        Fields(
            name,
            url=github_repo(repo_links[0].url) or repo_links[0].url,
            description=description,
            resource=True,
        )
    ]


# -- the columns of a table row besides its title -------------------------------------------

_VENUE_HEADERS = ("venue", "conference", "conf", "publication", "published", "pub", "journal")


def column_cell(header: tuple[str, ...], cells: list[str], names: tuple[str, ...]) -> str:
    """The cell of the first column named one of ``names`` (``Venue``, ``**Authors**``); ""."""
    for index, name in enumerate(header):
        if strip_markup(name).strip(" *:").lower() in names and index < len(cells):
            return cells[index]
    return ""


def venue_column(header: tuple[str, ...], cells: list[str]) -> tuple[str, int | None]:
    """The venue and year of a ``Venue`` column (``NeurIPS 2023``, ``ICLR'24``)."""
    venue, year, resource = parse_venue(column_cell(header, cells, _VENUE_HEADERS))
    return ("", None) if resource else (venue, year)


def date_column_year(header: tuple[str, ...], cells: list[str]) -> int | None:
    """The year of a ``Date`` column (``2024.05``)."""
    for index, name in enumerate(header):
        if name in ("date", "year") and index < len(cells):
            match = re.match(r"\s*((?:19|20)\d\d)\b", cells[index])
            return int(match.group(1)) if match else None
    return None
