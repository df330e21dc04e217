"""The refresh job: keep every open bot PR one clean commit on top of the default branch.

Run on every push to the default branch (``.github/workflows/refresh.yml``) and at the start of
each poll run. For each open bot
PR it re-inserts the PR's one line, as recorded in the PR's hidden ``arxiv`` marker (entry line,
section, subsection), into the catalog as it is now, and lets the forge force-update the branch
(nothing is written for a PR that is already current). A PR whose paper has meanwhile reached
the catalog some other way is closed with a comment. So merging bot PRs one after another never
needs a human rebase. A batch-mode digest PR (``bot.core.digest``) is rebuilt with its ticked papers.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot import config
from bot.core import arxiv_ids, digest, markers, templates
from bot.core import taxonomy as taxonomy_module
from bot.core.catalog import Catalog, own_id, parse
from bot.core.entry import parse_entry
from bot.core.proposals import EDIT_MARKER_KIND, catalog_edit, insert_edit, proposal_marker
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError, ForgeError
from bot.forge.actions import append_step_summary, build_services
from bot.forge.protocols import ChangeRequest, Forge, PullRequest

Action = Literal["rebuilt", "unchanged", "closed", "skipped", "failed", "would rebuild", "would close"]


@dataclass(frozen=True)
class PullRefresh:
    pull_request: PullRequest
    action: Action
    reason: str = ""


def rebuild_change(pull: PullRequest, marker: Mapping[str, object], taxonomy: Taxonomy,
                   catalog_path: str) -> ChangeRequest:
    """The PR again, as a change on the current default branch (title and body kept)."""
    edit = insert_edit(str(marker["line"]), str(marker["section"]),
                       str(marker["subsection"]) if marker.get("subsection") else None, taxonomy)
    return ChangeRequest(branch=pull.branch, title=pull.title, body=pull.body, commit_message=pull.title,
                         path=catalog_path, edit=edit, labels=())


def refresh_digest(forge: Forge, pull: PullRequest, catalog: Catalog, taxonomy: Taxonomy,
                   catalog_path: str, dry_run: bool = False) -> PullRefresh:
    """A batch-mode digest PR: rebuilt with its ticked papers that are not in the catalog yet;
    closed when none is left."""
    entries = digest.combine(digest.entries_of(pull.body), [], catalog)
    change = digest.digest_change(entries, taxonomy, catalog_path, pull.branch)
    if change is None:
        if dry_run:
            return PullRefresh(pull, "would close", "no ticked paper left")
        comment = templates.render("refresh_digest_closed.md.j2", pull=pull, entries=entries).strip()
        forge.close_pull_request(pull, comment)
        return PullRefresh(pull, "closed", "no ticked paper left")
    if dry_run:
        return PullRefresh(pull, "would rebuild")
    try:
        result = forge.propose(change)
    except ForgeError as exc:
        return PullRefresh(pull, "failed", str(exc))
    return PullRefresh(result.pull_request, "unchanged" if result.action == "unchanged" else "rebuilt")


def refresh_edit(forge: Forge, pull: PullRequest, marker: Mapping[str, Any], catalog: Catalog,
                 taxonomy: Taxonomy, catalog_path: str, dry_run: bool = False) -> PullRefresh:
    """A /remove or /move PR: rebuilt on the current default branch; closed once the catalog
    already says what it asks for (the paper gone, or already in the target section)."""
    arxiv_id, section = str(marker.get("arxiv_id") or ""), marker.get("section")
    subsection = str(marker["subsection"]) if marker.get("subsection") else None
    item = catalog.find_by_id(arxiv_id)
    if item is not None and own_id(item) != arxiv_ids.normalize(arxiv_id):
        item = None  # only mentioned by another entry: the paper's own entry is gone
    done = item is None or (section is not None and (item.section, item.subsection) == (section, subsection))
    if done:
        if dry_run:
            return PullRefresh(pull, "would close", "the catalog already says so")
        comment = templates.render("refresh_edit_closed.md.j2", pull=pull, marker=marker,
                                   item=item, path=catalog_path).strip()
        forge.close_pull_request(pull, comment)
        return PullRefresh(pull, "closed", "the catalog already says so")
    if dry_run:
        return PullRefresh(pull, "would rebuild")
    placement = (str(section), subsection) if section else None
    change = ChangeRequest(branch=pull.branch, title=pull.title, body=pull.body, commit_message=pull.title,
                           path=catalog_path, edit=catalog_edit(arxiv_id, placement, taxonomy), labels=())
    try:
        result = forge.propose(change)
    except CatalogError as exc:
        return PullRefresh(pull, "skipped", str(exc))
    except ForgeError as exc:
        return PullRefresh(pull, "failed", str(exc))
    return PullRefresh(result.pull_request, "unchanged" if result.action == "unchanged" else "rebuilt")


def refresh_one(forge: Forge, pull: PullRequest, catalog: Catalog, taxonomy: Taxonomy,
                catalog_path: str, dry_run: bool = False) -> PullRefresh:
    if markers.find(pull.body, digest.MARKER_KIND) is not None:
        return refresh_digest(forge, pull, catalog, taxonomy, catalog_path, dry_run)
    edit_marker = markers.find(pull.body, EDIT_MARKER_KIND)
    if edit_marker and edit_marker.get("arxiv_id"):
        return refresh_edit(forge, pull, edit_marker, catalog, taxonomy, catalog_path, dry_run)
    marker = proposal_marker(pull)
    if not marker or not marker.get("line") or not marker.get("section"):
        return PullRefresh(pull, "skipped", "no arxiv marker with an entry line: not a one-paper PR")
    entry = parse_entry(str(marker["line"]))
    if entry is None:
        return PullRefresh(pull, "skipped", "the marker's entry line is not a canonical entry")
    present = catalog.find(str(marker.get("arxiv_id") or entry.arxiv_id or ""), entry.title)
    if present is not None:
        if dry_run:
            return PullRefresh(pull, "would close", f"already at line {present.line_number}")
        comment = templates.render("refresh_closed.md.j2", pull=pull, marker=marker, item=present,
                                   path=catalog_path).strip()
        forge.close_pull_request(pull, comment)
        return PullRefresh(pull, "closed", f"already at line {present.line_number}")
    if dry_run:
        return PullRefresh(pull, "would rebuild")
    try:
        result = forge.propose(rebuild_change(pull, marker, taxonomy, catalog_path))
    except (CatalogError, ValueError) as exc:
        return PullRefresh(pull, "skipped", str(exc))
    except ForgeError as exc:
        return PullRefresh(pull, "failed", str(exc))
    return PullRefresh(result.pull_request, "unchanged" if result.action == "unchanged" else "rebuilt")


def run(forge: Forge, taxonomy: Taxonomy, catalog_path: str = "catalog.md",
        dry_run: bool = False) -> list[PullRefresh]:
    """Refresh every open bot PR against the default branch as it is now."""
    text = forge.read_file(catalog_path)
    if not text:
        raise CatalogError(f"{catalog_path} is missing on the default branch: nothing to rebuild on")
    catalog = parse(text, taxonomy)
    return [refresh_one(forge, pull, catalog, taxonomy, catalog_path, dry_run)
            for pull in forge.bot_pull_requests("open")]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", help="the catalog path (default: config/poll.yml 'catalog')")
    parser.add_argument("--dry-run", action="store_true", help="say what would happen, change nothing")
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(),
                        help="the git repository in local-git mode (no GITHUB_TOKEN)")


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    catalog_path = args.catalog or str(config.load("poll").get("catalog", "catalog.md"))
    taxonomy = taxonomy_module.load()
    forge = build_services(env, catalog_path=catalog_path, repo_path=args.repo, repository=args.repository,
                           api_url=args.api_url).forge()
    outcomes = run(forge, taxonomy, catalog_path, dry_run=args.dry_run)
    summary = templates.render("refresh_summary.md.j2", outcomes=outcomes, dry_run=args.dry_run).strip()
    print(summary)
    append_step_summary(env, summary)
    failed = [o for o in outcomes if o.action == "failed"]
    if failed:
        raise ForgeError(f"{len(failed)} bot PR(s) could not be rebuilt: "
                         + "; ".join(f"#{o.pull_request.number}: {o.reason}" for o in failed[:3]))
    return 0
