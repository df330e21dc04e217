"""``python -m bot check-stars [FILE]``: star counts, renamed, archived and deleted repositories.

Every github.com repository linked from the catalog is looked up in one ``RepoDirectory.
repositories`` call (batched GraphQL: 100 repositories per query). ``refresh_entries`` is the
pure part: in canonical entry lines it writes the star count as plain text (only when the
displayed, rounded value changes, so the diff stays small), rewrites renamed or transferred
repositories to their new URL (keeping any ``/tree/...`` suffix) and marks archived ones
``(archived)``; deleted repositories are reported, never removed. Lines that are not canonical
entries are never rewritten: what concerns them is reported.

The same lookups answer the link checker for github.com repository links
(``bot.linkcheck.github.GitHubRepoResolver``), so repository pages are never scraped.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TextIO

from bot.config import load_taxonomy
from bot.core.catalog import Catalog, Item, title_at
from bot.core.catalog_io import read_catalog, write_catalog
from bot.core.catalog_parse import parse
from bot.core.entry import Entry, format_stars
from bot.core.taxonomy import Taxonomy
from bot.core.templates import render
from bot.core.text import unified_diff
from bot.core.urls import GITHUB_RESERVED
from bot.forge.actions import build_services
from bot.forge.protocols import RepoDirectory, RepoInfo
from bot.jobs import SUMMARY_ROWS, add_file_argument, add_max_rows_argument, catalog_file
from bot.linkcheck import extract_links
from bot.linkcheck.github import (  # the resolver's old import path (it lives with the link checker)
    GitHubRepoResolver as GitHubRepoResolver,
)
from bot.linkcheck.github import RememberedRepositories as RememberedRepositories
from bot.linkcheck.github import RepoLink, repo_link, repository_names

RESERVED_OWNERS = GITHUB_RESERVED  # kept for callers; the one list lives in bot.core.urls


# -- findings and the pure refresh ---------------------------------------------------------------

FindingKind = Literal["stars", "renamed", "archived", "unarchived", "deleted", "unchecked"]


@dataclass(frozen=True)
class RepoFinding:
    """One thing learnt about a linked repository, and whether the refresh wrote it."""

    kind: FindingKind
    line: int  # 1-based
    title: str  # the entry's title ("" on a line that is not an item)
    url: str  # the link as written
    repo: str  # owner/name as written
    old: str = ""  # stars: the star text shown before ("" when none)
    new: str = ""  # stars: the new star text; renamed: the new URL
    applied: bool = True  # written into the catalog; False: reported only (not a canonical entry line)


def _star_link(entry: Entry) -> RepoLink | None:
    """The repository whose stars the entry shows: its code link, or a resource's own URL."""
    return repo_link(entry.code_url) or (repo_link(entry.url) if entry.kind == "resource" else None)


def refreshed_entry(entry: Entry, infos: Mapping[str, RepoInfo]) -> Entry:
    """``entry`` with the repositories' current facts: stars, archived, new URLs after a rename."""
    star_link = _star_link(entry)
    info = infos.get(star_link.name) if star_link else None
    if star_link and info is not None and info.exists:
        fresh = info.stars is not None and star_link.is_repository_page
        entry = entry.with_stars(info.stars if fresh else entry.stars, info.archived)
    url, code_url = _current_url(entry.url, infos), _current_url(entry.code_url, infos)
    if (url, code_url) == (entry.url, entry.code_url):
        return entry
    return replace(entry, url=url, code_url=code_url)


def _current_url(url: str, infos: Mapping[str, RepoInfo]) -> str:
    """``url``, or where its repository lives now after a rename or transfer."""
    link = repo_link(url)
    info = infos.get(link.name) if link else None
    if link and info is not None and info.exists and info.current_name:
        return link.moved_to(info.current_name)
    return url


def refresh_entries(catalog: Catalog, infos: Mapping[str, RepoInfo]) -> tuple[Catalog, list[RepoFinding]]:
    """The catalog with fresh repository facts in its canonical entries, and every finding
    (including those about links on other lines, which are reported and left as they are)."""
    findings: list[RepoFinding] = []
    entry_lines = set()
    for item in catalog.items:
        if item.entry is not None and not item.hidden:
            entry_lines.add(item.start + 1)
            findings += _entry_findings(item, item.entry, refreshed_entry(item.entry, infos), infos)
    findings += _other_line_findings(catalog, entry_lines, infos)
    return catalog.map_entries(lambda entry: refreshed_entry(entry, infos)), findings


def _entry_findings(item: Item, old: Entry, new: Entry, infos: Mapping[str, RepoInfo]) -> list[RepoFinding]:
    found = []
    line, title = item.line_number, old.title
    for field in ("url", "code_url"):
        link = repo_link(getattr(old, field))
        if link is None:
            continue
        info = infos.get(link.name)
        if info is None:
            found.append(RepoFinding("unchecked", line, title, link.url, link.name))
        elif not info.exists:
            found.append(RepoFinding("deleted", line, title, link.url, link.name))
        elif getattr(new, field) != link.url:
            found.append(RepoFinding("renamed", line, title, link.url, link.name, new=getattr(new, field)))
    star_link = _star_link(old)
    if star_link is None:
        return found
    old_text, new_text = _star_text(old), _star_text(new)
    if new_text != old_text and new.stars is not None:
        found.append(RepoFinding("stars", line, title, star_link.url, star_link.name, old_text, new_text))
    if new.archived != old.archived:
        kind: FindingKind = "archived" if new.archived else "unarchived"
        found.append(RepoFinding(kind, line, title, star_link.url, star_link.name))
    return found


def _star_text(entry: Entry) -> str:
    return format_stars(entry.stars) if entry.stars is not None else ""


def _other_line_findings(
    catalog: Catalog, entry_lines: set[int], infos: Mapping[str, RepoInfo]
) -> list[RepoFinding]:
    """Renamed, archived and deleted repositories linked from lines that are not canonical entries."""
    found = []
    for link in extract_links(catalog.render()):
        repo = repo_link(link.url)
        info = infos.get(repo.name) if repo else None
        if repo is None or info is None:
            continue
        for line in (n for n in link.lines if n not in entry_lines):
            title = title_at(catalog, line)
            if not info.exists:
                found.append(RepoFinding("deleted", line, title, repo.url, repo.name, applied=False))
            elif info.current_name:
                found.append(
                    RepoFinding(
                        "renamed",
                        line,
                        title,
                        repo.url,
                        repo.name,
                        new=repo.moved_to(info.current_name),
                        applied=False,
                    )
                )
            elif info.archived:
                found.append(RepoFinding("archived", line, title, repo.url, repo.name, applied=False))
    return found


# -- the job -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarsReport:
    path: str
    repositories: int  # unique repositories looked up
    findings: tuple[RepoFinding, ...]
    diff: str  # the change to the file as a unified diff ("" when nothing changed)
    written: bool


def names_to_look_up(catalog: Catalog) -> list[str]:
    """Every repository the refresh reports on, once: those linked from the text (prose, badges;
    not in code or HTML comments) and those of the canonical entries (a repository link written
    in a form ``repository_names`` does not take). Entries commented out are neither looked up nor
    reported: readers do not see them, and their lines are left as written."""
    links = (
        repo_link(url)
        for item in catalog.items
        if item.entry and not item.hidden
        for url in (item.entry.url, item.entry.code_url)
    )
    return list(dict.fromkeys([*repository_names(catalog.render()), *(link.name for link in links if link)]))


def refresh_text(
    text: str, directory: RepoDirectory, taxonomy: Taxonomy | None
) -> tuple[str, list[RepoFinding], int]:
    """(new text, findings, repositories looked up): one ``repositories`` call for all of them."""
    catalog = parse(text, taxonomy)
    names = names_to_look_up(catalog)
    infos = directory.repositories(names) if names else {}
    new_catalog, findings = refresh_entries(catalog, infos)
    return new_catalog.render(), findings, len(names)


def run(
    path: Path,
    directory: RepoDirectory,
    taxonomy: Taxonomy | None,
    dry_run: bool = False,
    out: TextIO | None = None,
    max_rows: int = SUMMARY_ROWS,
) -> StarsReport:
    """Refresh ``path`` in place (unless ``dry_run``) and print the report (``max_rows`` rows of
    the maintainer's table, the rest counted; 0: all)."""
    old = read_catalog(path, taxonomy).render()
    new, findings, looked_up = refresh_text(old, directory, taxonomy)
    diff = unified_diff(path.name, old, new)
    written = new != old and not dry_run
    if written:
        write_catalog(path, new, taxonomy, old_text=old)
    report = StarsReport(str(path), looked_up, tuple(findings), diff, written)
    (out or sys.stdout).write(report_text(report, dry_run, max_rows))
    return report


def report_text(report: StarsReport, dry_run: bool = False, max_rows: int = SUMMARY_ROWS) -> str:
    """The report of one run (markdown)."""
    counts = count_findings(report.findings)
    return render("stars_report.md.j2", report=report, dry_run=dry_run, counts=counts, max_rows=max_rows)


def count_findings(findings: Sequence[RepoFinding]) -> dict[str, int]:
    kinds: tuple[FindingKind, ...] = ("stars", "renamed", "archived", "unarchived", "deleted", "unchecked")
    return {kind: sum(1 for f in findings if f.kind == kind) for kind in kinds}


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser, "the catalog to refresh in place")
    parser.add_argument("--dry-run", action="store_true", help="print the diff, change nothing")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    add_max_rows_argument(parser, "the maintainer's table")


def main(args: argparse.Namespace) -> int:
    args.file = catalog_file(args.file)
    directory = build_services(os.environ, catalog_path=str(args.file), api_url=args.api_url).repo_directory(
        "check-stars"
    )
    run(args.file, directory, load_taxonomy(), dry_run=args.dry_run, max_rows=args.max_rows)
    return 0
