"""The import job: build ``catalog.md`` from curated lists in other formats.

``python -m bot import FILE... --output catalog.md`` reads each list (``bot.sources.lists``),
maps every source section to a taxonomy section through ``config/import-mapping.yml``, merges
the same paper found in several lists (arXiv id first, then title), and writes the catalog with
``bot.core.catalog_io.write_catalog``. Nothing is dropped silently: the report says, per input file, how
many entries it read, how many papers and resources it gave, and which entries were excluded,
unmapped or unreadable, and why. The same inputs always give the same bytes.

Each list is read into candidates by ``bot.sources.lists.reading``; this module merges, places,
writes and reports.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from bot import config
from bot.core import templates
from bot.core.catalog_document import Placement, dropped_prose, render_document, with_own_parts
from bot.core.catalog_io import refuse_folder, write_catalog
from bot.core.catalog_parse import parse
from bot.core.entry import Entry
from bot.core.import_mapping import MAPPING, ImportMapping, Rule, mapping_from
from bot.core.import_merge import Candidate, Merge, Record, best_placement, merge, record_entry
from bot.core.locations import in_repository
from bot.core.matching import duplicate_pairs
from bot.core.taxonomy import Taxonomy
from bot.core.text import counted, terminal_text
from bot.errors import CatalogError, SourceError
from bot.sources.lists.items import papers_in_no_entry
from bot.sources.lists.reading import FileReport, Source, read_source, read_sources

log = logging.getLogger(__name__)

# -- the whole import --------------------------------------------------------------------------


@dataclass
class ImportResult:
    placed: dict[Placement, list[Entry]]
    reports: list[FileReport]
    papers: int
    resources: int
    arxiv_ids: set[str]
    dropped_duplicates: int = 0

    def text(self, taxonomy: Taxonomy) -> str:
        return render_document(taxonomy, self.placed)


def run(sources: Sequence[Source], mapping: ImportMapping) -> ImportResult:
    """Read, map, merge and place every source; pure (no files written)."""
    ordered = sorted(sources, key=lambda s: (s.name, s.label))
    candidates: list[Candidate] = []
    reports: list[FileReport] = []
    for index, source in enumerate(ordered):
        found, report = read_source(source, mapping, len(candidates), index)
        candidates += found
        reports.append(report)
    left_out = {key: why for report in reports for key, why in report.left_out.items()}
    merged = merge(candidates, mapping.title_match, left_out)
    _report_merge(merged, reports)
    placed: dict[Placement, list[Entry]] = defaultdict(list)
    entries = []
    for record in merged.records:
        entry = record_entry(record)
        entries.append((entry, best_placement(record.candidates), record))
    kept, dropped = _drop_near_duplicates(entries, reports)
    for entry, placement, _ in kept:
        placed[placement].append(entry)
    papers = [e for e, _, _ in kept if e.kind == "paper"]
    return ImportResult(
        dict(placed),
        reports,
        len(papers),
        len(kept) - len(papers),
        {str(e.arxiv_id) for e in papers if e.arxiv_id},
        dropped,
    )


def _report_merge(merged: Merge, reports: list[FileReport]) -> None:
    for record in merged.records:
        placed = sorted((c for c in record.candidates if c.placement), key=lambda c: c.order)
        for candidate in placed[1:] + [c for c in record.candidates if not c.placement]:
            reports[candidate.source].merged += 1
    for candidate in merged.absorbed:
        reports[candidate.source].merged += 1
    for candidate, reason in merged.conflicts:
        reports[candidate.source].add_unreadable(candidate.item.line, reason)
    for candidate, why in merged.unmatched:
        if why:
            reports[candidate.source].excluded[f"same title as an entry {why}"] += 1
        else:
            reports[candidate.source].add_unreadable(
                candidate.item.line,
                "text without links: no arXiv id or link, and no entry with this title in the other lists",
            )


def _drop_near_duplicates(
    entries: list[tuple[Entry, Placement, Record]], reports: list[FileReport]
) -> tuple[list[tuple[Entry, Placement, Record]], int]:
    """A last guard so that the catalog passes ``lint``: of two entries lint would call
    duplicates (e.g. a resource named like a paper), keep the first."""
    pairs = duplicate_pairs([(e.title, e.arxiv_id) for e, _, _ in entries])
    drop = {later for _, later, _ in pairs}
    for index in sorted(drop):
        record = entries[index][2]
        for candidate in record.candidates:
            if candidate.placement:
                reports[candidate.source].merged += 1
    return [e for i, e in enumerate(entries) if i not in drop], len(drop)


# -- writing and reporting ---------------------------------------------------------------------


def write(
    result: ImportResult, taxonomy: Taxonomy, output: Path, replace_papers: bool = False
) -> tuple[int, int]:
    """Write the catalog; returns (arXiv ids added, removed) compared with the previous file.
    Rebuilding a catalog that has papers the lists do not give (added since by the bot or by
    hand), or rewriting any of its lines, is refused unless ``replace_papers``: the same text
    again is no change, and writes nothing new."""
    if not output.parent.is_dir():
        raise CatalogError(f"cannot write {output}: the directory {output.parent} does not exist")
    refuse_folder(output)
    if output.is_symlink() and not output.exists():  # a symlink loop was a traceback (exit 3)
        raise CatalogError(
            f"cannot write {output}: a symbolic link to no file (a loop, or its target is gone); pass "
            "--output with the catalog file"
        )
    old_text = output.read_text(encoding="utf-8") if output.exists() else ""
    text = with_own_parts(result.text(taxonomy), old_text, taxonomy)  # its badges, its Contributing
    old_ids = parse(old_text, taxonomy).arxiv_id_set()
    added, removed = result.arxiv_ids - old_ids, old_ids - result.arxiv_ids
    # lists with papers new to the catalog: the way to add them that keeps the catalog's own
    merge = (
        f"{len(added)} arXiv papers are new to it: to add a list's papers to this catalog, import the "
        f"catalog with it, `import {output} LIST... --output {output} --replace`"
        if added
        else ""
    )
    if removed and not replace_papers:
        raise CatalogError(
            f"{output} has {len(removed)} arXiv paper(s) that the imported lists do not give "
            f"(e.g. {', '.join(sorted(removed)[:3])}); rebuilding would remove them. Pass "
            f"--replace to rebuild anyway, or import into a new file with --output"
            + (f". {merge}" if merge else "")
        )
    if old_text and text != old_text and not replace_papers:
        # edits made since the last import (by hand, or merged bot PRs) would be replaced silently
        raise CatalogError(
            f"{output} exists and this import would rewrite it ({changed_lines(old_text, text)} lines "
            "differ: what was edited or added since is replaced by the lists' text"
            + (f", and {merge}" if merge else "")
            + "); nothing written. Pass --replace to rebuild it, --output with a new file to compare "
            "first, or --dry-run for the report"
        )
    try:
        write_catalog(
            output,
            text,
            taxonomy,
            expect_added=added,
            expect_removed=removed,
            old_text=old_text,
            allow_dropping_unidentified=replace_papers or not old_text,
        )
    except CatalogError as exc:  # e.g. tools or courses added by hand, which the lists do not give
        raise CatalogError(
            f"{exc}. Pass --replace to rebuild anyway, or import into a new file with --output"
        ) from exc
    if dropped := dropped_prose(old_text, text, taxonomy):  # a README that is its own catalog
        log.warning("%s", _dropped_note(output, dropped))
    return len(added), len(removed)


def _dropped_note(output: Path, dropped: list[tuple[int, str]], shown: int = 5) -> str:
    """What a rebuild left out of the file's prose, by line, and where the rest can be kept."""
    lines = ", ".join(
        f'line {number} "{text if len(text) <= 60 else text[:59] + "…"}"' for number, text in dropped[:shown]
    )
    more = f" and {len(dropped) - shown} more" if len(dropped) > shown else ""
    gone = "is gone (`git diff` shows it)" if len(dropped) == 1 else "are gone (`git diff` shows them)"
    return (
        f"{output}: {counted(len(dropped), 'line')} of prose had no place in the rebuilt catalog and "
        f"{gone}: {lines}{more}. Sections of prose above the list and "
        "below the last section are kept (`header_headings`, `footer_headings` of "
        "config/taxonomy.yml; docs/catalog.md)"
    )


def changed_lines(old: str, new: str) -> int:
    """Lines removed plus lines added between two texts."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def render_report(
    result: ImportResult, output: str, changes: tuple[int, int] | None, *, kept: bool | str = False
) -> str:
    """The import report; ``changes`` None: nothing written (a dry run, or ``kept``: the output
    exists and init keeps it; a text says why)."""
    totals = {
        "entries": sum(r.entries for r in result.reports),
        "unreadable": sum(r.unreadable_count for r in result.reports),
        "excluded": sum(sum(r.excluded.values()) for r in result.reports),
        "unmapped": sum(sum(r.unmapped.values()) for r in result.reports),
    }
    return templates.render(
        "import_report.txt.j2",
        result=result,
        reports=result.reports,
        totals=totals,
        output=output,
        changes=changes,
        kept=kept,
        sections=sum(1 for entries in result.placed.values() if entries),
    )


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same path, or links to one file)."""
    if a.exists() and b.exists():
        return a.samefile(b)
    return os.path.realpath(a) == os.path.realpath(b)  # not resolve(): a symlink loop is no traceback


def refuse_overwriting_a_list(files: Sequence[Path], output: Path, allowed: bool) -> None:
    """``import X --output X`` would replace the list with the catalog made of it: refused
    unless ``allowed`` (--replace, or a dry run that writes nothing)."""
    for path in files:
        if not allowed and same_file(path, output):
            raise SourceError(
                f"{path} is both a list to import and the --output: writing the catalog there "
                "would replace the list it is read from. Pass --output with another file "
                "(e.g. --output catalog.md), or add --replace to overwrite the list on purpose"
            )


def refuse_an_empty_catalog(result: ImportResult) -> None:
    """Entries read and none placed (every heading unmapped, excluded or unreadable): writing
    would leave a catalog of headings only, and ``--replace`` would let it drop every paper."""
    if result.papers or result.resources:
        return
    count = {
        "unmapped": sum(sum(r.unmapped.values()) for r in result.reports),
        "excluded": sum(sum(r.excluded.values()) for r in result.reports),
        "unreadable": sum(r.unreadable_count for r in result.reports),
    }
    raise SourceError(
        f"{sum(r.entries for r in result.reports)} entries read, none placed in a section ("
        + ", ".join(f"{n} {what}" for what, n in count.items())
        + "): nothing written. Map the lists' headings to sections in config/import-mapping.yml "
        "(`--suggest-mapping` proposes rules; `--dry-run` shows the report)"
    )


def _apply_suggestions(
    args: argparse.Namespace,
    sources: list[Source],
    mapping: ImportMapping,
    result: ImportResult,
    taxonomy: Taxonomy,
    out: TextIO,
) -> tuple[ImportMapping, ImportResult]:
    """--suggest-mapping: write proposals for the unmapped headings, rerun with the confident ones."""
    from bot.core.catalog_io import write_text_atomic
    from bot.jobs.import_lists import suggest as import_suggest

    # the headings no rule maps (not "(no heading)", nor "... (papers in a resources section)")
    unmapped = {(r.name, heading) for r in result.reports for heading in r.no_rule}
    titles = import_suggest.unmapped_headings(sources, unmapped)
    # Never the output: a second run would learn from what the first wrote, and differ.
    repository_catalog = in_repository(config.catalog_path())  # from docs/: the list's
    learn_from = [] if same_file(repository_catalog, args.output) else [repository_catalog]
    catalog = import_suggest.catalog_for_routing(learn_from, result.text(taxonomy), taxonomy)
    suggestions = import_suggest.suggest(titles, taxonomy, catalog, config.load("keywords"))
    path = args.suggestions or config.config_dir() / "import-mapping.suggested.yml"
    write_text_atomic(path, import_suggest.render(suggestions, args.confident))
    applied = [s for s in suggestions if s.confidence >= args.confident]
    print(
        f"suggested a section for {len(suggestions)} of {len(unmapped)} unmapped heading(s) in "
        f"{path}; applied {len(applied)} at confidence >= {args.confident}",
        file=out,
    )
    for s in suggestions:
        mark = "applied" if s in applied else "review"
        print(
            f"  [{mark}] {s.file}: {s.heading} -> {s.target} ({s.confidence:.2f}, {s.method}, "
            f"{counted(s.entries, 'entry', 'entries')})",
            file=out,
        )
    if not applied:
        return mapping, result
    rules = tuple(Rule(s.target, (s.file,), re.compile(s.rule()["path"], re.IGNORECASE)) for s in applied)
    mapping = replace(mapping, rules=mapping.rules + rules)
    return mapping, run(sources, mapping)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="curated lists to import (markdown or rendered text)",
    )
    parser.add_argument(
        "--output", type=Path, help="the catalog to write (default: catalog.md in the list's root)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the report without writing the catalog")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="rewrite an existing catalog (without it, an import that would change the file "
        "writes nothing), even if that removes papers the lists do not give, "
        "or write over a list given as input",
    )
    parser.add_argument(
        "--suggest-mapping",
        action="store_true",
        help="propose a section for every unmapped source heading (by its name, or "
        "where the router sends its entries), write the proposals for review "
        "and apply the confident ones to this run",
    )
    parser.add_argument(
        "--suggestions",
        type=Path,
        default=None,
        metavar="FILE",
        help="where --suggest-mapping writes its proposals "
        "(default: import-mapping.suggested.yml in the config folder)",
    )
    parser.add_argument(
        "--confident",
        type=float,
        default=0.8,
        metavar="C",
        help="--suggest-mapping applies proposals at or above this confidence "
        "(0..1, default 0.8; 1.01 applies none)",
    )


def load_mapping(taxonomy: Taxonomy, directory: Path | None = None) -> ImportMapping:
    """Read and check ``config/import-mapping.yml`` (the first problem raises)."""
    where = (directory or config.config_dir()) / f"{MAPPING}.yml"
    return mapping_from(taxonomy, config.load(MAPPING, directory), str(where))


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.output is None:
        args.output = in_repository("catalog.md")  # from docs/: the list's, not docs/catalog.md
    refuse_overwriting_a_list(args.files, args.output, args.replace or args.dry_run)
    taxonomy = config.load_taxonomy()
    mapping = load_mapping(taxonomy)
    sources = read_sources(args.files)
    result = run(sources, mapping)
    if getattr(args, "suggest_mapping", False):
        mapping, result = _apply_suggestions(args, sources, mapping, result, taxonomy, out)
    empty = [r.label for r in result.reports if r.entries == 0]
    if stray := next((r for r in result.reports if r.entries == 0 and r.stray), None):
        raise SourceError(papers_in_no_entry(stray.label, stray.stray))
    if empty:
        raise SourceError(
            f"{', '.join(empty)}: 0 entries read: no list found (bullets or table rows "
            "with a title and a link); nothing written. Pass the list's markdown "
            "(e.g. its README.md), not a rendered page or another file"
        )
    if not args.dry_run:
        refuse_an_empty_catalog(result)
    changes = None if args.dry_run else write(result, taxonomy, args.output, args.replace)
    print(terminal_text(render_report(result, str(args.output), changes).rstrip("\n")), file=out)
    return 0
