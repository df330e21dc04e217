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
figures.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from bot import config
from bot.core import arxiv_ids, digest, hunks, markers, paper_store, templates
from bot.core.catalog import Catalog, own_id, parse, split_lines
from bot.core.catalog_io import check_papers
from bot.core.entry import parse_entry
from bot.core.keyword_edits import add_pattern, has_pattern, taught_comment
from bot.core.proposals import (
    EDIT_MARKER_KIND,
    MAINTENANCE_MARKER_KIND,
    TEACH_MARKER_KIND,
    catalog_edit,
    insert_edit,
    proposal_marker,
)
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, BranchMovedError, CatalogError, ForgeError
from bot.forge.actions import add_local_option, append_step_summary, services_from_args
from bot.forge.protocols import ChangeRequest, Forge, PullRequest, read_default_catalog

KEYWORDS_PATH = "config/keywords.yml"  # what /teach edits (the commands' keywords_path)
Action = Literal["rebuilt", "unchanged", "closed", "skipped", "failed", "would rebuild", "would close"]
log = logging.getLogger(__name__)

# Why a PR was rebuilt, left alone, closed or skipped: the categories counted per push.
CONFLICTING = "the forge reports a conflict"
NEIGHBOURS_CHANGED = "the lines around its change changed"
NO_CONTEXT = "its commit records no context (built by an older version)"
TEXT_CHANGED = "its title or body changed"
NEIGHBOURS_UNCHANGED = "the lines around its change are unchanged"
ALREADY_CURRENT = "already current"
IN_CATALOG = "the paper is in the catalog"
NOTHING_TICKED = "no ticked paper left"
DONE_ALREADY = "the catalog already says so"
NOT_APPLICABLE = "its change no longer applies"
NO_MARKER = "no usable marker"
TAUGHT_ALREADY = "the keyword rules already have the pattern"
EDITED_BY_HAND = "a maintainer committed on it: it is theirs to update (GitHub's Update branch)"
NO_BASE = "the commit it was built on is unknown (commits pushed on top of the bot's)"
STORE_MOVED = "the paper store changed on the default branch since the night built it"
FORGE_ERROR = "the forge refused"
MOVED_MEANWHILE = "its branch moved while this run rebuilt it"
HAND_COMMITS_REPLACED = (
    "the commits pushed on top of the bot's are replaced (comment `/add <id> <section>` on the PR "
    "to change its section)"
)


@dataclass(frozen=True)
class PullRefresh:
    pull_request: PullRequest
    action: Action
    reason: str = ""  # the details shown to a maintainer
    cause: str = ""  # the category counted per push (one of the constants above)

    @property
    def label(self) -> str:
        """``#12``, or the branch where the forge has no PR numbers (local git)."""
        return f"#{self.pull_request.number}" if self.pull_request.number else self.pull_request.branch


def rebuild_cause(
    pull: PullRequest, change: ChangeRequest, base_lines: list[str], new_lines: list[str]
) -> str | None:
    """Why ``pull`` must be rebuilt as ``change`` (``new_lines`` from ``base_lines``, the default
    branch now), or None when merging it as it is gives the same result as a rebuild."""
    if pull.context is None:
        return NO_CONTEXT
    if pull.context != hunks.fingerprint_lines(base_lines, new_lines):
        return NEIGHBOURS_CHANGED  # usually a conflict too: this is the reason counted
    if pull.mergeable is False:
        return CONFLICTING  # one the lines around the change do not show (e.g. a hand-made commit)
    if (change.title, change.body) != (pull.title, pull.body):
        return TEXT_CHANGED
    return None


def _rebuild(
    forge: Forge,
    pull: PullRequest,
    change: ChangeRequest,
    base_lines: list[str],
    new_lines: Callable[[], list[str]],
    dry_run: bool,
) -> PullRefresh:
    """Propose ``change`` again if ``rebuild_cause`` says so; ``new_lines`` is what it gives
    ``base_lines`` (its file on the default branch)."""
    try:
        cause = rebuild_cause(pull, change, base_lines, new_lines())
    except (CatalogError, ValueError) as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    if cause is None:
        return PullRefresh(pull, "unchanged", NEIGHBOURS_UNCHANGED, NEIGHBOURS_UNCHANGED)
    # a maintainer who committed on the branch must learn that the rebuild drops it
    details = f"{cause}; {HAND_COMMITS_REPLACED}" if pull.hand_commits else cause
    if dry_run:
        return PullRefresh(pull, "would rebuild", details, cause)
    try:
        result = forge.propose(change)
    except (CatalogError, ValueError) as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    except BranchMovedError as exc:  # another writer's work, kept; the next run reads it again
        return PullRefresh(pull, "skipped", str(exc), MOVED_MEANWHILE)
    except ForgeError as exc:
        return PullRefresh(pull, "failed", str(exc), FORGE_ERROR)
    if result.action == "unchanged":
        return PullRefresh(result.pull_request, "unchanged", ALREADY_CURRENT, ALREADY_CURRENT)
    return PullRefresh(result.pull_request, "rebuilt", details, cause)


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
    return ChangeRequest(
        branch=pull.branch,
        title=pull.title,
        body=pull.body,
        commit_message=pull.title,
        path=catalog_path,
        edit=edit,
        labels=(),
    )


def _close(
    forge: Forge, pull: PullRequest, comment: Callable[[], str], reason: str, cause: str, dry_run: bool
) -> PullRefresh:
    if dry_run:
        return PullRefresh(pull, "would close", reason, cause)
    try:
        forge.close_pull_request(pull, comment())
    except ForgeError as exc:  # like a refused rebuild: listed, the others go on, the job exits 1
        return PullRefresh(pull, "failed", str(exc), FORGE_ERROR)
    return PullRefresh(pull, "closed", reason, cause)


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
        return _close(
            forge,
            pull,
            lambda: templates.render("refresh_digest_closed.md.j2", pull=pull, entries=entries).strip(),
            NOTHING_TICKED,
            NOTHING_TICKED,
            dry_run,
        )
    return _rebuild(
        forge, pull, change, catalog.lines, lambda: split_lines(change.edit(catalog.render())), dry_run
    )


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

        return _close(forge, pull, comment, DONE_ALREADY, DONE_ALREADY, dry_run)
    placement = (str(section), subsection) if section else None
    change = ChangeRequest(
        branch=pull.branch,
        title=pull.title,
        body=pull.body,
        commit_message=pull.title,
        path=catalog_path,
        edit=catalog_edit(arxiv_id, placement, taxonomy),
        labels=(),
    )
    return _rebuild(
        forge, pull, change, catalog.lines, lambda: split_lines(change.edit(catalog.render())), dry_run
    )


def refresh_maintenance(
    forge: Forge,
    pull: PullRequest,
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    store_path: str = paper_store.DEFAULT_PATH,
    dry_run: bool = False,
) -> PullRefresh:
    """The nightly job's rolling PR: its lines rewritten in place (star counts, links, a paper's
    facts), rewritten again on the current default branch (a line edited there meanwhile keeps the
    maintainer's text), its paper store carried over. Without it a paper merged next to a line the
    night rewrote left the PR conflicting until the next night."""
    base = forge.read_pull_request_base_file(pull, catalog_path)
    if base is None:
        return PullRefresh(pull, "skipped", NO_BASE, NO_BASE)
    pairs = hunks.line_for_line(base, forge.read_pull_request_file(pull, catalog_path))
    if pairs is None:
        return PullRefresh(pull, "skipped", "it does not only rewrite lines in place", NOT_APPLICABLE)
    rewrite = hunks.replay(pairs)

    def edit(text: str) -> str:
        new_text = rewrite(text)
        check_papers(parse(text, taxonomy), parse(new_text, taxonomy), "refusing to rebuild the nightly PR")
        return new_text

    change = ChangeRequest(
        branch=pull.branch,
        title=pull.title,
        body=pull.body,
        commit_message=pull.title,
        path=catalog_path,
        edit=edit,
        labels=(),
    )
    try:
        new_lines = split_lines(edit(catalog.render()))
    except CatalogError as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    if rebuild_cause(pull, change, catalog.lines, new_lines) is None:  # the store is read only now
        return PullRefresh(pull, "unchanged", NEIGHBOURS_UNCHANGED, NEIGHBOURS_UNCHANGED)
    store, store_base = (
        forge.read_pull_request_file(pull, store_path),
        forge.read_pull_request_base_file(pull, store_path) or "",
    )
    if store != store_base:  # the night's store goes with its lines, unless another store landed
        if forge.read_file(store_path) != store_base:
            return PullRefresh(pull, "skipped", f"{STORE_MOVED}: the next night rebuilds it", STORE_MOVED)
        change = replace(change, extra_files=((store_path, store),))
    elif new_lines == catalog.lines:
        reason = "its lines were edited on the default branch meanwhile: the next night rebuilds or closes it"
        return PullRefresh(pull, "skipped", reason, NOT_APPLICABLE)
    return _rebuild(forge, pull, change, catalog.lines, lambda: new_lines, dry_run)


def refresh_teach(
    forge: Forge, pull: PullRequest, marker: Mapping[str, Any], keywords_path: str, dry_run: bool = False
) -> PullRefresh:
    """A /teach PR: its one pattern line added again to the keyword rules as they are now (two
    /teach PRs of one section append to the same list: merging one left the other conflicting);
    closed once the rules have the pattern. One a maintainer edited (a weight, a field: its body
    invites it) is left to them."""
    term, section = str(marker.get("term") or ""), str(marker.get("section") or "")
    if not term or not section:
        return PullRefresh(pull, "skipped", "no term or section in its catalog-teach marker", NO_MARKER)
    if pull.hand_commits:
        return PullRefresh(pull, "skipped", EDITED_BY_HAND, EDITED_BY_HAND)
    text = forge.read_file(keywords_path)
    try:
        if has_pattern(text, section, term):
            closing = templates.render("refresh_teach_closed.md.j2", pull=pull, term=term, section=section)
            return _close(forge, pull, lambda: closing.strip(), TAUGHT_ALREADY, TAUGHT_ALREADY, dry_run)
    except BotError as exc:  # the rules on the default branch do not load: nothing to rebuild on
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    kept = marker.get("comment")  # PRs opened before it was kept: the line on the branch says it
    comment = (
        kept
        if isinstance(kept, str)
        else taught_comment(forge.read_pull_request_file(pull, keywords_path), term)
    )

    def edit(current: str) -> str:
        new_text = add_pattern(current, section, term, comment)
        config.validate("keywords", config.read_yaml(new_text), keywords_path)
        return new_text

    change = ChangeRequest(
        branch=pull.branch,
        title=pull.title,
        body=pull.body,
        commit_message=pull.title,
        path=keywords_path,
        edit=edit,
        labels=(),
    )
    try:
        new_lines = split_lines(edit(text))
    except (BotError, ValueError) as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    return _rebuild(forge, pull, change, split_lines(text), lambda: new_lines, dry_run)


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
        return _close(
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
    return _rebuild(
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
    parser.add_argument(
        "--repo", type=Path, default=Path.cwd(), help="the git repository in local-git mode (no GITHUB_TOKEN)"
    )
    add_local_option(parser)


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
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
