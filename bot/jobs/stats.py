"""The stats job: how many papers the catalog has, where, from when, and with code or not.

``python -m bot stats [FILE]`` prints a plain-text table (``--json`` for a machine): papers per
section and subsection, with and without a code link, papers per year, resources, and the number
of unique papers (by lint's duplicate rule: the same arXiv id, the same or a near-identical
title). Counts live here, not in the catalog's headings, so that adding a paper changes one line.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from bot.config import load_taxonomy
from bot.core import templates
from bot.core.catalog import Catalog, Item
from bot.core.catalog_io import read_catalog
from bot.core.matching import duplicate_pairs
from bot.core.taxonomy import Taxonomy
from bot.core.text import counted
from bot.jobs import add_file_argument, catalog_file, no_entries_warning


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    papers: int
    with_code: int
    resources: int
    level: int  # 2 for a section, 3 for a subsection

    @property
    def without_code(self) -> int:
        return self.papers - self.with_code


@dataclass(frozen=True)
class Stats:
    file: str
    papers: int
    unique_papers: int
    with_code: int
    resources: int
    not_canonical: int  # items in sections that are not canonical entry lines
    rows: tuple[Row, ...]
    years: tuple[tuple[str, int], ...] = field(default=())
    unique_with_code: int = 0  # unique papers with a code link on any of their entries

    @property
    def without_code(self) -> int:
        return self.papers - self.with_code

    @property
    def unique_without_code(self) -> int:
        return self.unique_papers - self.unique_with_code

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["without_code"] = self.without_code
        data["unique_without_code"] = self.unique_without_code
        data["rows"] = [dict(asdict(row), without_code=row.without_code) for row in self.rows]
        data["years"] = dict(self.years)
        return data


def _count(items: list[Item]) -> tuple[int, int, int]:
    papers = [i.entry for i in items if i.entry and i.entry.kind == "paper"]
    resources = sum(1 for i in items if i.entry and i.entry.kind == "resource")
    return len(papers), len([p for p in papers if p and p.code_url]), resources


def compute(catalog: Catalog, taxonomy: Taxonomy, file: str) -> Stats:
    """Stats of the canonical entries under the taxonomy's headings (not those commented out)."""
    entries = catalog.listed()
    rows = []
    for section in taxonomy.sections:
        in_section = [i for i in entries if i.section == section.id]
        rows.append(Row(section.id, section.title, *_count(in_section), level=2))
        for sub in taxonomy.children(section.id):
            rows.append(
                Row(
                    f"{section.id}/{sub.id}",
                    sub.title,
                    *_count([i for i in in_section if i.subsection == sub.id]),
                    level=3,
                )
            )
    paper_items = [i for i in entries if i.entry and i.entry.kind == "paper"]
    papers = [i.entry for i in paper_items]
    unique = _unique_papers(paper_items)
    years = Counter(str(p.year) if p and p.year else "unknown" for p in papers)
    return Stats(
        file=file,
        papers=len(papers),
        unique_papers=len(unique),
        with_code=len([p for p in papers if p and p.code_url]),
        resources=sum(1 for i in entries if i.entry and i.entry.kind == "resource"),
        not_canonical=sum(1 for i in entries if i.entry is None),
        rows=tuple(rows),
        years=tuple(sorted(years.items(), reverse=True)),
        unique_with_code=sum(unique.values()),
    )


def _unique_papers(items: list[Item]) -> dict[int, bool]:
    """The papers among entries, each once, with whether any of its entries links code: entries
    are one paper by lint's duplicate rule (``matching.duplicate_pairs``: the same arXiv id, the
    same title, a near-identical one), so that a paper listed once with its arXiv id and once by
    its venue page only is one, and the repeats the headline counts are the ones lint names."""
    group = list(range(len(items)))  # union-find: each entry's paper

    def paper_of(index: int) -> int:
        while group[index] != index:
            group[index] = group[group[index]]
            index = group[index]
        return index

    for first, later, _ in duplicate_pairs(
        [(i.title, i.arxiv_ids[0] if i.arxiv_ids else None) for i in items]
    ):
        group[paper_of(later)] = paper_of(first)
    unique: dict[int, bool] = {}
    for index, item in enumerate(items):
        paper = paper_of(index)
        unique[paper] = unique.get(paper, False) or bool(item.entry and item.entry.code_url)
    return unique


def render(stats: Stats) -> str:
    width = max(display_width(row.title) + (2 if row.level == 3 else 0) for row in stats.rows)
    return templates.render("stats.txt.j2", s=stats, width=max(width, len("section")), pad=pad).rstrip("\n")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: an emoji or a CJK character two, a combining mark or
    a variation selector none (``KV Cache 🚀`` is 11 columns, not 10)."""
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` columns (``str.ljust`` counts characters)."""
    return text + " " * max(0, width - display_width(text))


def uncounted(catalog: Catalog, taxonomy: Taxonomy) -> list[Item]:
    """Entries under headings that are not the taxonomy's: in no row of the table (the footer's
    links, `footer_headings`, and the header's, are prose: no entries, as lint reads them)."""
    ids = set(taxonomy.section_ids())
    footer = catalog.prose_lines()
    return [
        i
        for i in catalog.items
        if i.section not in ids
        and i.start not in footer
        and "](#" not in i.text
        and (i.entry is not None or i.arxiv_ids)
        and not i.hidden
    ]


def run(path: Path, taxonomy: Taxonomy, out: TextIO, as_json: bool = False) -> int:
    catalog = read_catalog(path, taxonomy)
    stats = compute(catalog, taxonomy, str(path))
    missed = uncounted(catalog, taxonomy)
    if empty := no_entries_warning(catalog, path):
        print(f"warning: nothing to count: {empty}", file=sys.stderr)
    elif missed:
        first = missed[0]
        heading = catalog.headings[first.heading].title if first.heading is not None else "(no heading)"
        print(
            f"warning: {counted(len(missed), 'entry is', 'entries are')} under headings "
            f"outside the taxonomy (e.g. {heading!r}, line {first.line_number}) and not counted in "
            f"the sections; run `python -m bot lint {path}`",
            file=sys.stderr,
        )
    print(json.dumps(stats.as_json(), indent=2) if as_json else render(stats), file=out)
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser, "the catalog to count")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(args: argparse.Namespace) -> int:
    return run(catalog_file(args.file), load_taxonomy(), sys.stdout, as_json=args.json)
