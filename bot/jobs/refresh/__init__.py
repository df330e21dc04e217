"""The refresh job: keep every open bot PR mergeable, rebuilding only the ones that need it.

Run on every push to the default branch (``.github/workflows/refresh.yml``) and at the start of
each poll run. For each open bot PR it computes, without writing anything, the PR's change on the
default branch as it is now: the paper's line re-inserted as recorded in the PR's hidden ``arxiv``
marker (entry line, section, subsection), a /remove or /move redone, a digest's ticked papers.
The branch is rebuilt (one commit on the current default branch, force-moved by the forge) only

- when the forge reports the PR as conflicting (GitHub's ``mergeable``), or
- when the lines around the change differ from the ones its commit was built against (the commit
  records them as a ``Catalog-Bot-Context`` trailer, ``bot.core.hunks``): then merging the old
  commit could conflict or land the line in the wrong place, or
- when the commit records nothing (built by an older version), or the PR's title or body changed.

Otherwise merging the PR as it is gives exactly what a rebuild would, and nothing is written: a
push costs one read plus three writes per rebuilt PR, not three per open PR. A PR whose paper has
meanwhile reached the catalog some other way is closed with a comment. ``docs/refresh.md`` has the
figures. ``rebuild.py`` holds the outcome, its causes and the two writes; ``other_prs.py`` the PRs
of other jobs (the nightly maintenance PR, /teach PRs).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections import Counter
from collections.abc import Mapping
from typing import Any

from bot import config
from bot.core import arxiv_ids, digest, markers, paper_store, templates
from bot.core.catalog import Catalog, own_id
from bot.core.catalog_parse import parse, split_lines
from bot.core.entry import parse_entry
from bot.core.keyword_edits import KEYWORDS_PATH, TEACH_MARKER_KIND
from bot.core.proposals import (
    EDIT_MARKER_KIND,
    MAINTENANCE_MARKER_KIND,
    catalog_edit,
    insert_edit,
    proposal_marker,
)
from bot.core.taxonomy import Taxonomy
from bot.errors import ForgeError
from bot.forge.actions import add_local_option, append_step_summary, services_from_args
from bot.forge.protocols import ChangeRequest, Forge, PullRequest, read_default_catalog
from bot.jobs import add_repo_argument, repo_root
from bot.jobs.refresh.other_prs import (
    EDITED_BY_HAND,
    NO_BASE,
    STORE_MOVED,
    TAUGHT_ALREADY,
    refresh_maintenance,
    refresh_teach,
)
from bot.jobs.refresh.rebuild import (
    ALREADY_CURRENT,
    CONFLICTING,
    DONE_ALREADY,
    FORGE_ERROR,
    HAND_COMMITS_REPLACED,
    IN_CATALOG,
    MOVED_MEANWHILE,
    NEIGHBOURS_CHANGED,
    NEIGHBOURS_UNCHANGED,
    NO_CONTEXT,
    NO_MARKER,
    NOT_APPLICABLE,
    NOTHING_TICKED,
    TEXT_CHANGED,
    Action,
    PullRefresh,
    again,
    close,
    rebuild,
    rebuild_cause,
)

log = logging.getLogger(__name__)

__all__ = [
    "ALREADY_CURRENT",
    "Action",
    "CONFLICTING",
    "DONE_ALREADY",
    "EDITED_BY_HAND",
    "FORGE_ERROR",
    "HAND_COMMITS_REPLACED",
    "IN_CATALOG",
    "KEYWORDS_PATH",
    "MOVED_MEANWHILE",
    "NEIGHBOURS_CHANGED",
    "NEIGHBOURS_UNCHANGED",
    "NOTHING_TICKED",
    "NOT_APPLICABLE",
    "NO_BASE",
    "NO_CONTEXT",
    "NO_MARKER",
    "PullRefresh",
    "STORE_MOVED",
    "TAUGHT_ALREADY",
    "TEXT_CHANGED",
    "configure",
    "counts",
    "main",
    "rebuild_cause",
    "rebuild_change",
    "refresh_digest",
    "refresh_edit",
    "refresh_maintenance",
    "refresh_one",
    "refresh_teach",
    "run",
]


def rebuild_change(
    pull: PullRequest, marker: Mapping[str, object], taxonomy: Taxonomy, catalog_path: str
) -> ChangeRequest:
    """The PR again, as a change on the current default branch (title and body kept)."""
    edit = insert_edit(
        str(marker["line"]),
        str(marker["section"]),
        str(marker["subsection"]) if marker.get("subsection") else None,
        taxonomy,
    )
    return again(pull, catalog_path, edit)


def _rebuild_on(
    forge: Forge, pull: PullRequest, change: ChangeRequest, catalog: Catalog, dry_run: bool
) -> PullRefresh:
    """``rebuild`` of a PR whose change is an edit of the whole catalog (a digest, a /remove or /move)."""
    return rebuild(
        forge, pull, change, catalog.lines, lambda: split_lines(change.edit(catalog.render())), dry_run
    )


def refresh_digest(
    forge: Forge,
    pull: PullRequest,
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    dry_run: bool = False,
) -> PullRefresh:
    """A batch-mode digest PR: rebuilt with its ticked papers that are not in the catalog yet;
    closed when none is left; left as it is when its marker was edited out of shape (a rebuild
    would drop those papers)."""
    if bad := digest.unusable_entries(pull.body):
        reason = (
            f"{bad} paper(s) of its hidden marker are not as the bot wrote them (edited by hand): "
            "undo the marker's edit, or close the PR"
        )
        return PullRefresh(pull, "skipped", reason, NO_MARKER)
    entries = digest.combine(digest.entries_of(pull.body), [], catalog)
    change = digest.digest_change(entries, taxonomy, catalog_path, pull.branch)
    if change is None:
        return close(
            forge,
            pull,
            lambda: templates.render("refresh_digest_closed.md.j2", pull=pull, entries=entries).strip(),
            NOTHING_TICKED,
            NOTHING_TICKED,
            dry_run,
        )
    return _rebuild_on(forge, pull, change, catalog, dry_run)


def refresh_edit(
    forge: Forge,
    pull: PullRequest,
    marker: Mapping[str, Any],
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    dry_run: bool = False,
) -> PullRefresh:
    """A /remove or /move PR: rebuilt on the current default branch; closed once the catalog
    already says what it asks for (the paper gone, or already in the target section)."""
    arxiv_id, section = str(marker.get("arxiv_id") or ""), marker.get("section")
    subsection = str(marker["subsection"]) if marker.get("subsection") else None
    item = catalog.find_by_id(arxiv_id)
    if item is not None and own_id(item) != arxiv_ids.normalize(arxiv_id):
        item = None  # only mentioned by another entry: the paper's own entry is gone
    done = item is None or (section is not None and (item.section, item.subsection) == (section, subsection))
    if done:

        def comment() -> str:
            return templates.render(
                "refresh_edit_closed.md.j2", pull=pull, marker=marker, item=item, path=catalog_path
            ).strip()

        return close(forge, pull, comment, DONE_ALREADY, DONE_ALREADY, dry_run)
    placement = (str(section), subsection) if section else None
    change = again(pull, catalog_path, catalog_edit(arxiv_id, placement, taxonomy))
    return _rebuild_on(forge, pull, change, catalog, dry_run)


def refresh_one(
    forge: Forge,
    pull: PullRequest,
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    dry_run: bool = False,
    store_path: str = paper_store.DEFAULT_PATH,
    keywords_path: str = KEYWORDS_PATH,
) -> PullRefresh:
    if markers.find(pull.body, digest.MARKER_KIND) is not None:
        return refresh_digest(forge, pull, catalog, taxonomy, catalog_path, dry_run)
    if markers.find(pull.body, MAINTENANCE_MARKER_KIND) is not None:
        return refresh_maintenance(forge, pull, catalog, taxonomy, catalog_path, store_path, dry_run)
    teach_marker = markers.find(pull.body, TEACH_MARKER_KIND)
    if teach_marker is not None:
        return refresh_teach(forge, pull, teach_marker, keywords_path, dry_run)
    edit_marker = markers.find(pull.body, EDIT_MARKER_KIND)
    if edit_marker and edit_marker.get("arxiv_id"):
        return refresh_edit(forge, pull, edit_marker, catalog, taxonomy, catalog_path, dry_run)
    marker = proposal_marker(pull)
    if not marker or not marker.get("line") or not marker.get("section"):
        return PullRefresh(
            pull, "skipped", "no arxiv marker with an entry line: not a one-paper PR", NO_MARKER
        )
    entry = parse_entry(str(marker["line"]))
    if entry is None:
        return PullRefresh(pull, "skipped", "the marker's entry line is not a canonical entry", NO_MARKER)
    # the paper's own entry, not a note of another entry that mentions its id
    present = catalog.find_paper(str(marker.get("arxiv_id") or entry.arxiv_id or ""), entry.title)
    if present is not None:
        return close(
            forge,
            pull,
            lambda: templates.render(
                "refresh_closed.md.j2", pull=pull, marker=marker, item=present, path=catalog_path
            ).strip(),
            f"already at line {present.line_number}",
            IN_CATALOG,
            dry_run,
        )
    subsection = str(marker["subsection"]) if marker.get("subsection") else None
    try:
        change = rebuild_change(pull, marker, taxonomy, catalog_path)
    except ValueError as exc:
        return PullRefresh(pull, "skipped", str(exc), NO_MARKER)
    # the inserted text without re-parsing the catalog: one open PR costs milliseconds
    return rebuild(
        forge,
        pull,
        change,
        catalog.lines,
        lambda: catalog.lines_with(entry, str(marker["section"]), subsection),
        dry_run,
    )


def counts(outcomes: list[PullRefresh]) -> list[tuple[str, str, int]]:
    """``(action, cause, how many)`` per action and cause, most frequent first."""
    tally = Counter((o.action, o.cause) for o in outcomes)
    return [(action, cause, n) for (action, cause), n in tally.most_common()]


def run(
    forge: Forge,
    taxonomy: Taxonomy,
    catalog_path: str = "catalog.md",
    dry_run: bool = False,
    store_path: str = paper_store.DEFAULT_PATH,
    keywords_path: str = KEYWORDS_PATH,
) -> list[PullRefresh]:
    """Refresh the open bot PRs against the default branch as it is now (rebuilding only those
    that need it); one log line per action and cause with its count."""
    text = read_default_catalog(forge, catalog_path, "--catalog")
    catalog = parse(text, taxonomy)
    outcomes = [
        refresh_one(forge, pull, catalog, taxonomy, catalog_path, dry_run, store_path, keywords_path)
        for pull in forge.bot_pull_requests("open")
    ]
    rebuilt = sum(1 for o in outcomes if o.action in ("rebuilt", "would rebuild"))
    log.info(
        "refresh: %d of %d open bot PRs %srebuilt", rebuilt, len(outcomes), "would be " if dry_run else ""
    )
    for action, cause, n in counts(outcomes):
        log.info("refresh: %s %d: %s", action, n, cause)
    return outcomes


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", help="the catalog path (default: config/poll.yml 'catalog')")
    parser.add_argument("--dry-run", action="store_true", help="say what would happen, change nothing")
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    add_repo_argument(parser, "the git repository in local-git mode (no GITHUB_TOKEN)")
    add_local_option(parser)


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    args.repo = repo_root(args.repo)
    catalog_path = args.catalog or config.catalog_path()
    taxonomy = config.load_taxonomy()
    forge = services_from_args(env, args, catalog_path).forge("refresh", dry_run=args.dry_run)
    store_path = config.load("papers")["store"]["path"]
    outcomes = run(forge, taxonomy, catalog_path, dry_run=args.dry_run, store_path=store_path)
    summary = templates.render(
        "refresh_summary.md.j2", outcomes=outcomes, counts=counts(outcomes), dry_run=args.dry_run
    ).strip()
    print(summary)
    append_step_summary(env, summary)
    failed = [o for o in outcomes if o.action == "failed"]
    if failed:
        raise ForgeError(
            f"{len(failed)} bot PR(s) could not be rebuilt: "
            + "; ".join(f"{o.label}: {o.reason}" for o in failed[:3])
        )
    return 0
