"""The lint job: check that ``catalog.md`` is what the bot can maintain.

``python -m bot lint [FILE]`` reports, as ``file:line: message``: duplicate papers (same arXiv
id, same title, or near-identical titles), entries outside the taxonomy's sections, lines in a
section that look like entries but are not in the canonical one-line form, headings that are not
the taxonomy's (unknown, missing or out of order), and a stale table of contents. It exits 1
when it finds anything, 0 with a one-line summary when the catalog is clean.

The job and the checks of entries and duplicates are here; the checks of headings are
``headings.py``, and ``Problem``, what every check reports, is ``problem.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.config import load_taxonomy
from bot.core import arxiv_ids, matching, templates
from bot.core.catalog import Catalog, Item, own_id, raw_html_lines
from bot.core.catalog_blocks import commented_bullet
from bot.core.catalog_document import contents_problems
from bot.core.catalog_io import read_catalog
from bot.core.enrichment import two_ids
from bot.core.entry import misread_venue, why_not_entry
from bot.core.markdown import prose_lines
from bot.core.matching import duplicate_pairs
from bot.core.taxonomy import Taxonomy, heading_key
from bot.core.text import cap, counted, numbered_lines
from bot.errors import BotError, UnknownSectionError
from bot.jobs import EMPTY_HINT, add_file_argument, catalog_file
from bot.jobs.lint.headings import heading_problems
from bot.jobs.lint.problem import Problem

_ENTRY_HINT = (
    "expected one line `- [Title](url) - Authors · arXiv ID · Mon YYYY · [pdf](..) · "
    "[code](..)` (bot.core.entry.render_entry)"
)


# -- duplicates ---------------------------------------------------------------------------------


def duplicate_problems(catalog: Catalog) -> list[Problem]:
    items = [i for i in catalog.items if i.section is not None]
    pairs = duplicate_pairs([(i.title, i.arxiv_ids[0] if i.arxiv_ids else None) for i in items])
    return [
        Problem(
            items[later].line_number,
            f"duplicate of line {items[first].line_number} ({why}): “{cap(items[later].title, 70)}”",
        )
        for first, later, why in pairs
    ]


# -- entries ------------------------------------------------------------------------------------


def _contents_lines(catalog: Catalog, taxonomy: Taxonomy) -> set[int]:
    lines: set[int] = set()
    for heading in catalog.headings:
        if taxonomy.is_contents(heading.title):
            end = catalog.region_end(heading)
            lines.update(range(heading.line, end))
    return lines


def entry_problems(catalog: Catalog, taxonomy: Taxonomy) -> list[Problem]:
    problems = []
    contents = _contents_lines(catalog, taxonomy) | catalog.prose_lines()  # no entries there
    for item in catalog.items:
        if item.start in contents:
            continue
        if item.section is None:
            if item.arxiv_ids or item.entry or "](" in item.text:
                problems.append(
                    Problem(
                        item.line_number,
                        "entry outside the taxonomy's sections: move it under a section heading",
                    )
                )
            continue
        problems += _item_problems(item, taxonomy)
    return problems + _stray_link_lines(catalog, contents | _description_lines(catalog, taxonomy))


def _item_problems(item: Item, taxonomy: Taxonomy) -> list[Problem]:
    if item.entry is None:
        if item.kind == "row":
            return [Problem(item.line_number, f"malformed entry (a table row): {_ENTRY_HINT}")]
        first = item.text.split("\n", 1)[0]
        why = why_not_entry(commented_bullet(first) or first)  # a bullet commented out: its text
        return [
            Problem(
                item.line_number, f"malformed entry (not in the canonical form): {_ENTRY_HINT}; here, {why}"
            )
        ]
    if item.end - item.start > 1:
        return [
            Problem(
                item.line_number,
                f"entry spans {item.end - item.start} lines: each entry "
                "is one line (indented lines below it belong to it)",
            )
        ]
    if why := misread_venue(item.entry.venue):  # the cause of a "resource" among papers too
        return [Problem(item.line_number, why)]
    kind = taxonomy.get(str(item.section)).kind
    if (kind == "resources") != (item.entry.kind == "resource"):
        what = "a paper" if item.entry.kind == "paper" else "a resource (no arXiv id or date)"
        return [Problem(item.line_number, f"{what} in the {kind} section '{item.section}'")]
    return []


def _raw_html_problems(catalog: Catalog) -> list[Problem]:
    """Entries GitHub shows as raw text: inside an HTML block, which a blank line ends."""
    html = raw_html_lines(catalog)
    return [
        Problem(
            item.line_number,
            "entry inside an HTML block (no blank line after the HTML above it): GitHub shows it as "
            "plain text, not a link; put a blank line between the HTML and the entries",
        )
        for item in catalog.items
        if item.section is not None and not item.hidden and item.start in html
    ]


def _two_id_problems(catalog: Catalog) -> list[Problem]:
    """Entries whose link and `` · arXiv`` part name two papers (``enrichment.two_ids``)."""
    return [
        Problem(
            line,
            f"the link shows arXiv {linked} but the line says arXiv {part}: make them name the "
            "same paper (enrich leaves such a line as it is)",
        )
        for line, linked, part in two_ids(catalog)
    ]


def _description_lines(catalog: Catalog, taxonomy: Taxonomy) -> set[int]:
    """The line under each section heading that is its description from the taxonomy, as
    ``import`` writes it: a link in it (``See [GPTQ](...)``) is the maintainer's text, no entry."""
    lines = set()
    for heading in catalog.headings:
        if heading.level not in (2, 3) or heading.section is None:
            continue
        try:
            section = taxonomy.get(heading.section, heading.subsection if heading.level == 3 else None)
        except UnknownSectionError:
            continue
        below = next((i for i in range(heading.below, len(catalog.lines)) if catalog.lines[i].strip()), None)
        if below is not None and catalog.lines[below].strip() == section.description.strip():
            lines.add(below)
    return lines


def _stray_link_lines(catalog: Catalog, contents: set[int]) -> list[Problem]:
    """Lines in a section with a link or an arXiv id that belong to no entry."""
    covered: set[int] = set(contents)
    for item in catalog.items:
        covered.update(range(item.start, item.end))
    covered.update(line for h in catalog.headings for line in range(h.line, h.below))
    first_section = min((h.line for h in catalog.headings if h.section), default=len(catalog.lines))
    # what readers see: not fenced code, HTML comments nor code spans
    prose = dict(prose_lines(line.rstrip("\r\n") for line in catalog.lines))
    problems = []
    for index in range(first_section, len(catalog.lines)):
        line = prose.get(index + 1, "")
        if index not in covered and ("](" in line or arxiv_ids.find_ids(line)):
            problems.append(Problem(index + 1, f"a link that is not an entry line: {_ENTRY_HINT}"))
    return problems


# -- the job ------------------------------------------------------------------------------------


EMPTY = f"the catalog is empty: {EMPTY_HINT}"


def check(catalog: Catalog, taxonomy: Taxonomy) -> list[Problem]:
    """Every problem in the catalog, by line; one root cause gives one problem (an empty file,
    a misspelled section heading)."""
    if not any(line.strip() for line in catalog.lines):
        return [Problem(1, EMPTY)]
    problems = [
        *heading_problems(catalog, taxonomy),
        *(Problem(line, message) for line, message in contents_problems(catalog)),
        *entry_problems(catalog, taxonomy),
        *_two_id_problems(catalog),
        *_raw_html_problems(catalog),
        *duplicate_problems(catalog),
    ]
    problems = _fold_misspelled_sections(catalog, taxonomy, problems)
    return sorted(set(problems), key=lambda p: (p.line, p.message))


def store_warnings(catalog: Catalog, catalog_path: Path, store_path: Path) -> list[str]:
    """Where the paper store (data/papers.jsonl) and the catalog disagree: warnings, never failures
    (the nightly ``enrich`` brings the store up to date). Without a store file, none."""
    from bot.core import paper_store
    from bot.core.catalog_io import read_store_text

    if not store_path.exists():
        return []  # no store (yet): nothing to compare, and nothing to say
    text = read_store_text(store_path)
    store = paper_store.load(text, str(store_path))
    items = {arxiv_id: item for item in catalog.listed() if (arxiv_id := own_id(item))}
    unlisted, lacking = paper_store.differences(items, store)
    store_lines = {_line_id(line): number for number, line in enumerate(numbered_lines(text), 1)}
    return [
        f"{store_path}:{store_lines.get(i, 1)}: warning: arXiv {i} is in the store but no longer "
        "listed (the next `enrich` drops it)"
        for i in unlisted
    ] + [
        f"{catalog_path}:{items[i].line_number}: warning: arXiv {i} is not in the paper store yet "
        "(the next `enrich` fetches it)"
        for i in lacking
    ]


def _line_id(line: str) -> str:
    import json

    try:
        return str(json.loads(line).get("arxiv_id", ""))
    except ValueError:
        return ""


_CAUSED_BY_HEADING = ("entry outside the taxonomy's sections", "heading '", "unknown heading '")


def _fold_misspelled_sections(catalog: Catalog, taxonomy: Taxonomy, problems: list[Problem]) -> list[Problem]:
    """A ``##`` heading that is not the taxonomy's but close to a missing section's title is a
    misspelling: one problem that names the section, instead of one per entry under it, per
    subsection heading and for the 'missing' section."""
    present = {heading_key(h.title) for h in catalog.headings if h.level == 2}
    missing = [s for s in taxonomy.sections if heading_key(s.title) not in present]
    sections = [h for h in catalog.headings if h.level <= 2]
    prose = catalog.prose_lines()
    for heading in catalog.headings:
        if heading.level != 2 or taxonomy.is_contents(heading.title) or heading.section or not missing:
            continue
        if heading.line in prose:
            continue
        closest = matching.closest_sections(heading_key(heading.title), missing, 1, cutoff=75)
        if not closest:
            continue
        section = closest[0]
        missing.remove(section)
        end = next((h.line for h in sections if h.line > heading.line), len(catalog.lines))
        titles = [section.title] + [c.title for c in taxonomy.children(section.id)]
        caused = {f"missing heading '{'#' * (2 if i == 0 else 3)} {t}'" for i, t in enumerate(titles)}
        entries = sum(1 for i in catalog.items if heading.line < i.start < end and "](" in i.text)
        problems = [
            p
            for p in problems
            if not (heading.line < p.line <= end and p.message.startswith(_CAUSED_BY_HEADING))
            and not any(p.message.startswith(c) for c in caused)
        ]
        problems.append(
            Problem(
                heading.line + 1,
                (
                    f"unknown heading '## {heading.title}': did you mean '## {section.title}' (taxonomy "
                    f"{section.id})? Rename it; the {counted(entries, 'entry', 'entries')} under it "
                    f"{'counts' if entries == 1 else 'count'} as outside the taxonomy until then"
                ),
            )
        )
    return problems


def run(path: Path, taxonomy: Taxonomy, out: TextIO, store: Path | None = None) -> int:
    catalog = read_catalog(path, taxonomy)
    problems = check(catalog, taxonomy)
    warnings = store_warnings(catalog, path, store) if store else []
    entries = [i for i in catalog.listed() if i.entry is not None]  # what readers see, as stats counts
    print(
        templates.render(
            "lint_report.txt.j2",
            path=str(path),
            problems=problems,
            warnings=warnings,
            entries=len(entries),
            papers=sum(1 for i in entries if i.entry and i.entry.kind == "paper"),
            sections=len({i.section for i in entries}),
            hidden=sum(1 for i in catalog.entries() if i.hidden),
        ).rstrip("\n"),
        file=out,
    )
    return 1 if problems else 0


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser, "the catalog to check")
    parser.add_argument(
        "--store",
        type=Path,
        help="the paper store to compare with the catalog "
        "(default: config/papers.yml store.path next to the catalog); warnings only",
    )


def main(args: argparse.Namespace) -> int:
    from bot import config

    args.file = catalog_file(args.file)
    if args.store is not None and not args.store.is_file():  # the default store may not exist yet
        what = "a folder" if args.store.is_dir() else "no such file"
        if args.store.is_symlink() and not args.store.is_dir():
            what = "a symbolic link to no file (a loop, or its target is gone)"
        raise BotError(
            f"--store {args.store}: {what}; pass the paper store's path (data/papers.jsonl), "
            "or leave --store out for the one config/papers.yml names"
        )
    # realpath, not resolve(): a symlink loop is then the catalog's one-line read error, not a traceback
    store = args.store or Path(os.path.realpath(args.file)).parent / config.load("papers")["store"]["path"]
    return run(args.file, load_taxonomy(), sys.stdout, store)
