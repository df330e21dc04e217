"""The forge: where the catalog lives and where the bot proposes changes.

A narrow protocol in the bot's own words. Two implementations: ``bot.forge.local_git.LocalGitForge``
(the default without a token: branches in a local git repository, PRs printed) and
``bot.forge.github.GitHubForge`` (the only module that speaks to GitHub). Jobs receive a forge; they
never build one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

# the values core builds and reads, under their names here too (every forge speaks them)
from bot.core.changes import ChangeRequest as ChangeRequest
from bot.core.changes import PullRequest as PullRequest
from bot.core.changes import PullState as PullState
from bot.errors import BranchMovedError, CatalogError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProposalResult:
    pull_request: PullRequest
    action: Literal["opened", "updated", "unchanged"]
    diff: str = ""  # the change as a unified diff, when the forge can show it


@dataclass(frozen=True)
class RepoInfo:
    """What the forge knows of a code repository linked from the catalog."""

    name_with_owner: str  # as asked, e.g. "IST-DASLab/gptq"
    exists: bool
    stars: int | None = None
    archived: bool = False
    current_name: str | None = None  # the new owner/name after a rename or transfer
    url: str | None = None


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    user: str
    url: str = ""
    updated_at: str = ""  # ISO 8601, e.g. 2026-04-12T08:00:00Z ("" when unknown)
    created_at: str = ""  # when it was posted: a later updated_at is an edit ("" when unknown)


@dataclass
class IssueRef:
    number: int
    url: str = ""
    state: str = "open"
    labels: list[str] = field(default_factory=list)


class Forge(Protocol):
    """What the jobs need from a forge, and nothing more."""

    def read_file(self, path: str) -> str:
        """``path`` on the default branch ("" if it does not exist)."""
        ...

    def default_commit(self) -> str:
        """The default branch's commit that ``read_file`` reads now ("" when unknown): what a
        permalink to a line of the catalog names, so that the link still shows that line once the
        branch moved on."""
        ...

    def has_file(self, path: str) -> bool:
        """Whether ``path`` exists on the default branch: ``read_file`` gives "" for a missing
        file and an empty one alike (see ``read_default_catalog``)."""
        ...

    def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
        """The bot's own pull requests (branches ``bot/...``), with their bodies."""
        ...

    def bot_pull_requests_naming(self, arxiv_ids: Sequence[str]) -> list[PullRequest]:
        """Every open bot PR (a paper PR renamed out of the prefix too), and at least the closed
        and merged ones about these papers: on a paper's branch, or naming it in their text (a
        checklist PR, a renamed paper PR). The issue commands ask for the few papers of a run,
        where reading every closed PR costs a query per 100 of them; callers filter."""
        ...

    def read_pull_request_file(self, pull_request: PullRequest, path: str) -> str:
        """``path`` on the head of one of the bot's pull requests ("" if it does not exist there)."""
        ...

    def read_pull_request_base_file(self, pull_request: PullRequest, path: str) -> str | None:
        """``path`` on the default-branch commit the bot's commit of an open PR was built on ("" if
        it did not exist there); None when that is unknown (commits pushed on top by hand, a merge
        commit, a closed PR). With ``read_pull_request_file`` it says what the PR changes."""
        ...

    def read_again(self) -> None:
        """Forget what was read of the default branch and the bot's PRs: the next call reads them
        again. A long run (the nightly link check) calls it before it writes, so that its PR is
        built on the default branch as it is then, not as it was when the run started."""
        ...

    def propose(self, change: ChangeRequest) -> ProposalResult:
        """Open the pull request, or bring the existing one up to date. Idempotent: proposing
        the same change twice leaves one PR and one branch with the same content. The branch
        moves only from the head this forge read (compare-and-swap): if another writer moved it
        meanwhile, it is left so and ``BranchMovedError`` raised; the next call reads it again.
        Updating an open PR, it drops the change's ``stale_labels`` the PR has (one already gone
        is fine) and adds its ``fresh_labels`` it lacks; a forge without labels ignores both."""
        ...

    def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
        """Close an open bot PR with a comment and delete its branch."""
        ...

    def add_missing_labels(self, pull_request: PullRequest, labels: Sequence[str] = ()) -> PullRequest:
        """An open bot PR with none of the bot's labels (its labelling failed when it was opened)
        gets the labels every bot PR gets and ``labels``; one with any of them is left as it is."""
        ...


# -- issues and repositories (used by the command and nightly jobs) ------------------------------

Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]
WRITE_PERMISSIONS: tuple[Permission, ...] = ("admin", "maintain", "write")


@dataclass(frozen=True)
class TrackedIssue:
    """A tracking issue the bot wrote, read back (its marker can hold state between runs)."""

    number: int
    title: str
    body: str
    state: str  # open | closed
    url: str = ""  # its page, for a summary to link ("" when the forge names none)


class IssueTracker(Protocol):
    """Issues and comments, in the bot's words: one status comment per issue and one tracking
    issue per kind, each found again by its hidden marker (``bot.core.markers``) and edited in place."""

    def add_reaction(self, issue_number: int, comment_id: int | None = None, content: str = "eyes") -> None:
        """React to a comment (``comment_id``) or, without one, to the issue itself. Idempotent."""
        ...

    def own_login(self) -> str:
        """The login the token acts as, found once per run: only comments and issues written by
        it are the bot's own (their markers trusted, and only they are ever edited)."""
        ...

    def list_comments(self, issue_number: int) -> list[Comment]:
        """Every comment of an issue or pull request, oldest first."""
        ...

    def upsert_comment(self, issue_number: int, marker_kind: str, body: str) -> Comment:
        """The bot's one comment of ``marker_kind`` on the issue: edited if it exists, created
        otherwise. The marker is appended to ``body`` unless it already carries one."""
        ...

    def permission(self, user: str) -> Permission:
        """The user's role on the repository (collaborator-permission API); "none" if unknown."""
        ...

    def tracking_issue(self, marker_kind: str, label: str) -> TrackedIssue | None:
        """The bot's issue with ``marker_kind`` and ``label`` (open or closed), or None; the
        same lookup ``upsert_issue`` uses, so the state read is the state written."""
        ...

    def upsert_issue(
        self, marker_kind: str, title: str, body: str, labels: tuple[str, ...] = (), close: bool = False
    ) -> IssueRef | None:
        """The one tracking issue of ``marker_kind`` (found by its first label and marker): created
        or edited (and reopened) with ``title`` and ``body``; with ``close=True`` it is edited and
        closed instead, and None is returned when there is no such issue (nothing to close)."""
        ...


class RepoDirectory(Protocol):
    """Facts about the code repositories the catalog links to."""

    def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
        """``{"owner/name": RepoInfo}`` for each name asked; a name the forge could not check
        (repeated server errors) is absent from the result, a deleted repository has
        ``exists=False``, a renamed or transferred one has ``current_name``."""
        ...

    def lookup_failure(self) -> str:
        """Why the last ``repositories`` call left names out because the forge stopped answering
        (a few words: "HTTP 502", "no answer", "rate limited"); "" when it answered, a name left
        out then being one repository it would not look up."""
        ...


def read_default_catalog(forge: Forge, path: str, option: str | None = None) -> str:
    """The catalog's text on the default branch, for the jobs that build on it. A missing or blank
    file stops the job with a ``CatalogError`` that says which of the two it is and what to do:
    commit the catalog there, or point the job at it (``option``, e.g. "--catalog", when the job
    takes one; ``catalog`` in config/poll.yml for every job)."""
    text = forge.read_file(path)
    if text.strip():
        return text
    elsewhere = f"pass {option} PATH or set" if option else "set"
    where = f"{elsewhere} `catalog` in config/poll.yml to the catalog's path if it is elsewhere"
    if forge.has_file(path):
        raise CatalogError(
            f"{path} is empty on the default branch: commit the catalog's headings and entries "
            f"(python -m bot init --from LIST creates them from your list), or {where}"
        )
    raise CatalogError(f"{path} is missing on the default branch: commit it there, or {where}")


def propose_redone_once(forge: Forge, change: ChangeRequest) -> ProposalResult:
    """``forge.propose``; when another run or a push moved the branch between the forge's read and
    its write, done once more from the branch as it is now. Moved again: ``BranchMovedError``
    (the other writer's commit is kept)."""
    try:
        return forge.propose(change)
    except BranchMovedError as exc:
        log.warning("%s; it is read again and rebuilt from there, once", exc)
    return forge.propose(change)
