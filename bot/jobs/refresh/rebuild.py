"""What refresh does to one open bot PR, and why: its outcome (``PullRefresh``), the causes counted
per push, and the two writes it may make (rebuild the branch when ``rebuild_cause`` says so, or
close the PR with a comment)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core import hunks
from bot.errors import BranchMovedError, CatalogError, ForgeError
from bot.forge.protocols import ChangeRequest, Forge, PullRequest

log = logging.getLogger(__name__)

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
FORGE_ERROR = "the forge refused"
MOVED_MEANWHILE = "its branch moved while this run rebuilt it"
HAND_COMMITS_REPLACED = (
    "the commits pushed on top of the bot's are replaced (comment `/add <id> <section>` on the PR "
    "to change its section)"
)
# the local-git forge has no PRs to comment on; git's reflog of the branch keeps the old head
HAND_COMMITS_REPLACED_LOCAL = (
    "the commits on top of the bot's are replaced (`git reflog {branch}` still has them): make the change "
    "again after merging the branch"
)


def hand_commits_replaced(pull: PullRequest) -> str:
    """What a maintainer who committed on the bot's branch reads when a rebuild drops the commit."""
    if pull.number:
        return HAND_COMMITS_REPLACED
    return HAND_COMMITS_REPLACED_LOCAL.format(branch=pull.branch)


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


def again(pull: PullRequest, path: str, edit: Callable[[str], str]) -> ChangeRequest:
    """``pull`` as a change to propose again: its branch, title and body, ``edit`` of ``path``
    (its labels are left as they are)."""
    return ChangeRequest(
        branch=pull.branch,
        title=pull.title,
        body=pull.body,
        commit_message=pull.title,
        path=path,
        edit=edit,
        labels=(),
    )


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


def rebuild(
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
    details = f"{cause}; {hand_commits_replaced(pull)}" if pull.hand_commits else cause
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


def close(
    forge: Forge, pull: PullRequest, comment: Callable[[], str], reason: str, cause: str, dry_run: bool
) -> PullRefresh:
    if dry_run:
        return PullRefresh(pull, "would close", reason, cause)
    try:
        forge.close_pull_request(pull, comment())
    except ForgeError as exc:  # like a refused rebuild: listed, the others go on, the job exits 1
        return PullRefresh(pull, "failed", str(exc), FORGE_ERROR)
    return PullRefresh(pull, "closed", reason, cause)
