"""The import's reading: each curated list read into candidates, with its file's report.

``read_sources`` reads the files; ``read_source`` turns one list into ``Candidate``s (mapped to a
taxonomy section through ``config/import-mapping.yml``, or title-only) and a ``FileReport`` that
counts what it read, extracted, excluded, left unmapped or could not read, and why. The merge,
the catalog and the report are ``bot.jobs.import_lists``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.anchors import slugify
from bot.core.import_mapping import FileMapping, ImportMapping, Rule
from bot.core.import_merge import Candidate
from bot.core.matching import title_key
from bot.core.taxonomy import Section, Taxonomy
from bot.core.text import not_utf8 as where_not_utf8
from bot.core.text import unreadable
from bot.errors import SourceError
from bot.sources.lists import Fields, SourceItem, Unreadable, extract, github_repo, read_items
from bot.sources.lists.formats import is_catalog_line
from bot.sources.lists.items import stray_link_lines


@dataclass(frozen=True)
class Source:
    name: str  # the file name mapping rules match
    label: str  # how the report names it (the path given)
    text: str


@dataclass
class FileReport:
    name: str
    label: str
    entries: int = 0
    navigation: int = 0
    papers: int = 0
    resources: int = 0
    title_only: int = 0
    merged: int = 0
    unreadable: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    excluded: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)
    no_rule: set[str] = field(default_factory=set)  # heading paths no mapping rule matches
    left_out: dict[str, str] = field(default_factory=dict)  # title key of an excluded entry -> why
    stray: list[int] = field(default_factory=list)  # lines with an arXiv link in no entry read

    def add_unreadable(self, line: int, reason: str) -> None:
        self.unreadable[reason].append(line)

    @property
    def unreadable_count(self) -> int:
        return sum(len(lines) for lines in self.unreadable.values())


def read_source(
    source: Source, mapping: ImportMapping, start: int, index: int
) -> tuple[list[Candidate], FileReport]:
    """The candidates one list (the ``index``-th) gives, numbered from ``start``."""
    items, navigation = read_items(source.name, source.text)
    report = FileReport(source.name, source.label, entries=len(items), navigation=navigation)
    report.stray = stray_link_lines(source.text, items)
    file_mapping = mapping.for_file(source.name)
    candidates: list[Candidate] = []
    for item in items:
        candidates += _item_candidates(item, file_mapping, report, (start + len(candidates), index))
    return candidates, report


def _item_candidates(
    item: SourceItem, file_mapping: FileMapping, report: FileReport, position: tuple[int, int]
) -> list[Candidate]:
    """The candidates of one item; ``position`` is (order of the first one, source index)."""
    mapping = file_mapping.mapping
    exclusion = file_mapping.section_exclusion(item)
    if exclusion:
        report.excluded[exclusion.reason] += 1
        _remember_left_out(item, f"excluded from {item.file} ({exclusion.reason})", report)
        return []
    rule = file_mapping.rule_for(item) or _own_heading_rule(mapping.taxonomy, item)
    if rule is None and item.linked:
        report.unmapped[item.heading_path or "(no heading)"] += 1
        if item.heading_path:
            report.no_rule.add(item.heading_path)
        return []
    extracted = extract(item)
    if isinstance(extracted, Unreadable):
        report.add_unreadable(item.line, extracted.reason)
        if extracted.title:
            report.left_out.setdefault(title_key(extracted.title), f"unreadable in {item.where}")
        return []
    found: list[Candidate] = []
    for fields in extracted:
        if exclusion := mapping.entry_exclusion(item, fields):
            report.excluded[exclusion.reason] += 1
            report.left_out.setdefault(
                title_key(fields.title), f"excluded from {item.file} ({exclusion.reason})"
            )
            continue
        candidate = _candidate(fields, item, rule, mapping, (position[0] + len(found), position[1]), report)
        if candidate:
            found.append(candidate)
    return found


def _own_heading_rule(taxonomy: Taxonomy, item: SourceItem) -> Rule | None:
    """Where a line of the catalog's own format goes when no mapping rule matches its headings:
    the section its heading names (by title, or by the id made from it). A README kept as its own
    catalog, read back by `import`, has the taxonomy's headings, not those the mapping was made
    from (a title init added over them, a section renamed since)."""
    if not item.path or not is_catalog_line(item):
        return None
    *above, last = item.path
    parent = _section_named(taxonomy, above[-1]) if above else None
    if parent and (sub := _section_named(taxonomy, last, parent.id)):
        return Rule(f"{parent.id}/{sub.id}")
    section = _section_named(taxonomy, last)
    return Rule(section.id) if section else None


def _section_named(taxonomy: Taxonomy, heading: str, parent: str | None = None) -> Section | None:
    found = taxonomy.by_title(heading, parent)
    if found is None:
        made = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", slugify(heading))).strip("-")
        candidates = taxonomy.sections if parent is None else taxonomy.children(parent)
        found = next((s for s in candidates if s.id == made), None)
    return found


def _remember_left_out(item: SourceItem, why: str, report: FileReport) -> None:
    """Keep the titles of excluded entries, to explain a rendered list's unmatched titles."""
    extracted = extract(item)
    if not isinstance(extracted, Unreadable):
        for fields in extracted:
            report.left_out.setdefault(title_key(fields.title), why)


def _candidate(
    fields: Fields,
    item: SourceItem,
    rule: Rule | None,
    mapping: ImportMapping,
    position: tuple[int, int],
    report: FileReport,
) -> Candidate | None:
    if rule is None or not item.linked:
        report.title_only += 1
        return Candidate(fields, item, *position)
    placement, guess = mapping.place(rule.to, fields, item)
    kind = mapping.taxonomy.get(placement[0]).kind
    if fields.resource:
        resource_sections = [s.id for s in mapping.taxonomy.sections if s.kind == "resources"]
        if {"tools", "resources"} <= set(resource_sections):
            # tools are code, pages about them are resources; a list's own "Datasets" keeps its links
            if placement[0] == "tools" or kind != "resources":
                placement = ("tools" if github_repo(fields.url) else "resources", None)
        elif kind != "resources":  # a link that is no paper, under a papers heading
            if not resource_sections:
                report.unmapped[
                    f"{item.heading_path} (links that are not papers, and no resources section)"
                ] += 1
                return None
            placement = (resource_sections[-1], None)
        report.resources += 1
    elif kind == "resources":
        report.unmapped[f"{item.heading_path} (papers in a resources section)"] += 1
        return None
    else:
        report.papers += 1
    explicit = rule.to not in mapping.routes and "/" in rule.to
    return Candidate(
        fields, item, *position, placement=placement, weight=rule.weight * guess, explicit=explicit
    )


def read_sources(paths: Sequence[Path]) -> list[Source]:
    sources = []
    for path in paths:
        try:  # utf-8-sig: a byte-order mark (saved by Notepad) is no text
            sources.append(Source(path.name, str(path), path.read_text(encoding="utf-8-sig")))
        except FileNotFoundError as exc:
            raise SourceError(f"{path} does not exist: pass the lists to import") from exc
        except IsADirectoryError as exc:
            raise SourceError(f"{path} is a folder: pass the list's markdown file (e.g. README.md)") from exc
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from exc
        except OSError as exc:  # its permissions, a symlink loop
            raise SourceError(f"{unreadable(path, exc)}: check the list's file and its permissions") from exc
    return sources


def not_utf8(path: Path, exc: UnicodeDecodeError) -> SourceError:
    """What to do with a list saved in another encoding (Latin-1, Windows-1252): where the first
    byte that is no UTF-8 is, and how to convert the file."""
    return SourceError(
        f"{where_not_utf8(path, exc)}: save the list as UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 "
        f"{path} > list.md`) and pass that"
    )
