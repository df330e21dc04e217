"""``GitHubForge``: ``Forge``, ``IssueTracker`` and ``RepoDirectory`` on one GitHub repository.

A thin front over the parts: ``client`` (transport, retries), ``queries`` (the run's snapshot),
``pulls`` (PRs), ``branches`` (their refs), ``issues`` (comments, labels, tracking issues), ``repos`` (stars
and renames) and ``access`` (what doctor reports).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

from bot import config
from bot.errors import ForgeError
from bot.forge.github.access import AccessReport, inspect_access
from bot.forge.github.client import DEFAULT_API_URL, GitHubClient
from bot.forge.github.closers import Closers
from bot.forge.github.issues import Issues
from bot.forge.github.pulls import PullRequests
from bot.forge.github.queries import HEAD_FRESH_SECONDS, RepositoryView
from bot.forge.github.repos import Repositories
from bot.forge.github.settings import GitHubSettings
from bot.forge.github.snapshot import Snapshot
from bot.forge.protocols import (
    ChangeRequest,
    Comment,
    IssueRef,
    Permission,
    ProposalResult,
    PullRequest,
    RepoInfo,
    TrackedIssue,
)


class GitHubForge:
    """``Forge``, ``IssueTracker`` and ``RepoDirectory`` on one GitHub repository.

    Meant to live for one run: the first call reads a snapshot of the repository, and the
    forge keeps it up to date with its own writes."""

    def __init__(
        self,
        repository: str,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        settings: GitHubSettings | None = None,
        catalog_path: str = "catalog.md",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        head_fresh_seconds: float = HEAD_FRESH_SECONDS,
    ) -> None:
        self.client = GitHubClient(
            repository,
            token,
            api_url=api_url,
            settings=settings,
            sleep=sleep,
            clock=clock,
            monotonic=monotonic,
        )
        self.repository, self.owner, self.name = repository, self.client.owner, self.client.name
        self.api_url = self.client.api_url
        self.settings = self.client.settings
        self.catalog_path = catalog_path
        self.view = RepositoryView(self.client, catalog_path, head_fresh_seconds)
        self.issues = Issues(self.client, self.view)
        self.pulls = PullRequests(self.client, self.view, self.issues)
        self.repos = Repositories(self.client)
        # closed PRs that are no maintainer's rejection are marked so (closers.py)
        self.closers = Closers(self.view.own_login, self.issues.permission)

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str],
        *,
        repository: str | None = None,
        api_url: str | None = None,
        settings: GitHubSettings | None = None,
        catalog_path: str = "catalog.md",
    ) -> GitHubForge:
        """From the Actions environment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) and
        ``config/github.yml``; explicit arguments win over both."""
        repo = repository or env.get("GITHUB_REPOSITORY", "")
        if not repo:
            raise ForgeError("no repository: set GITHUB_REPOSITORY=owner/name or pass --repository")
        if settings is None:
            settings = GitHubSettings.from_config(config.load("github"))
        return cls(
            repo,
            env.get("GITHUB_TOKEN", ""),
            api_url=api_url or env.get("GITHUB_API_URL") or DEFAULT_API_URL,
            settings=settings,
            catalog_path=catalog_path,
        )

    # -- Forge -------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return self.view.snapshot()

    def read_file(self, path: str) -> str:
        return self.view.read_file(path)

    def default_commit(self) -> str:
        return self.view.snapshot().head_oid

    def has_file(self, path: str) -> bool:
        return self.view.has_file(path)

    def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
        return self.closers.mark(self.view.bot_pull_requests(state))

    def bot_pull_requests_naming(self, arxiv_ids: Sequence[str]) -> list[PullRequest]:
        return self.closers.mark(self.view.bot_pull_requests_naming(arxiv_ids))

    def read_pull_request_file(self, pull_request: PullRequest, path: str) -> str:
        return self.view.pull_request_file(pull_request.number, path)

    def read_pull_request_base_file(self, pull_request: PullRequest, path: str) -> str | None:
        return self.view.pull_request_base_file(pull_request.number, path)

    def read_again(self) -> None:
        self.view.forget()

    def propose(self, change: ChangeRequest) -> ProposalResult:
        return self.pulls.propose(change)

    def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
        self.pulls.close_pull_request(pull_request, comment)

    def add_missing_labels(self, pull_request: PullRequest, labels: Sequence[str] = ()) -> PullRequest:
        return self.pulls.labels.add_missing(pull_request, labels)

    # -- IssueTracker ----------------------------------------------------------------------------

    def ensure_labels(self, names: Iterable[str]) -> None:
        self.issues.ensure_labels(names)

    def add_reaction(self, issue_number: int, comment_id: int | None = None, content: str = "eyes") -> None:
        self.issues.add_reaction(issue_number, comment_id, content)

    def own_login(self) -> str:
        return self.view.own_login()

    def list_comments(self, issue_number: int) -> list[Comment]:
        return self.issues.list_comments(issue_number)

    def upsert_comment(self, issue_number: int, marker_kind: str, body: str) -> Comment:
        return self.issues.upsert_comment(issue_number, marker_kind, body)

    def permission(self, user: str) -> Permission:
        return self.issues.permission(user)

    def tracking_issue(self, marker_kind: str, label: str) -> TrackedIssue | None:
        return self.issues.tracking_issue(marker_kind, label)

    def upsert_issue(
        self, marker_kind: str, title: str, body: str, labels: tuple[str, ...] = (), close: bool = False
    ) -> IssueRef | None:
        return self.issues.upsert_issue(marker_kind, title, body, labels, close)

    # -- RepoDirectory and doctor ------------------------------------------------------------------

    def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
        return self.repos.repositories(names)

    def lookup_failure(self) -> str:
        return self.repos.lookup_failure()

    def inspect_access(self) -> AccessReport:
        return inspect_access(self.client, self.issues)
