"""The nightly run's settings and what it finds, as plain values. The finders are beside their
checks: ``fixes`` (permanent redirects, https twins), ``dead_links`` (the two-night rule) and
``withdrawn`` (arXiv papers their authors withdrew); ``findings`` gathers them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.catalog import Catalog, title_at
from bot.core.markdown import BODY_LIMIT
from bot.core.proposals import MAINTENANCE_MARKER_KIND
from bot.forge.protocols import IssueRef, PullRequest
from bot.jobs.check_stars import RepoFinding
from bot.linkcheck import Link, LinkResult
from bot.linkcheck.arxiv import API_UNAVAILABLE
from bot.linkcheck.github import GITHUB_UNAVAILABLE

ISSUE_MARKER = "nightly"  # the tracking issue; its marker data holds the link state
PR_MARKER = MAINTENANCE_MARKER_KIND  # refresh rebuilds the rolling PR by it
STATE_VERSION = 1
UNREACHED = "not reached within the nightly time budget"
ISSUE_BODY_LIMIT = PR_BODY_LIMIT = BODY_LIMIT  # GitHub's limit on a body (bot.core.markdown)


# -- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightlySettings:
    """``config/nightly.yml`` (and ``confirm_after_nights`` of ``config/links.yml``) as values."""

    catalog_path: str = "catalog.md"
    branch: str = "bot/nightly-maintenance"
    pr_title: str = "Nightly maintenance"
    commit_message: str = ""  # "": the PR's title and the counts of what it changes (publish.commit_message)
    pr_labels: tuple[str, ...] = ("nightly",)
    issue_title: str = "Nightly maintenance"
    issue_labels: tuple[str, ...] = ("nightly", "catalog-bot")
    fix_redirects: bool = True
    fix_https: bool = True
    # (from host, to host) pairs whose permanent redirects are written like same-host ones.
    redirect_hosts: tuple[tuple[str, str], ...] = ()
    confirm_after_nights: int = 2
    inconclusive_share: float = 0.5
    inconclusive_min_links: int = 20
    inconclusive_min_hosts: int = 5
    max_rows: int = 200
    time_budget: float = 45 * 60.0  # seconds for the link check; links not reached are unknown

    @classmethod
    def from_config(
        cls, nightly: Mapping[str, Any], links: Mapping[str, Any], catalog_path: str, branch: str
    ) -> NightlySettings:
        """``branch``: BranchNames.maintenance (from github.yml's branch_prefix)."""
        pr, issue, guard = nightly["pull_request"], nightly["issue"], nightly["inconclusive"]
        return cls(
            catalog_path=catalog_path,
            branch=branch,
            pr_title=pr["title"],
            commit_message=pr["commit_message"],
            pr_labels=tuple(pr["labels"]),
            issue_title=issue["title"],
            issue_labels=tuple(issue["labels"]),
            fix_redirects=nightly["fix_redirects"],
            fix_https=nightly["fix_https"],
            redirect_hosts=tuple(
                (str(pair["from"]).lower(), str(pair["to"]).lower())
                for pair in nightly.get("redirect_hosts") or ()
            ),
            confirm_after_nights=links["confirm_after_nights"],
            inconclusive_share=guard["dead_share"],
            inconclusive_min_links=guard["min_links"],
            inconclusive_min_hosts=guard["min_hosts"],
            max_rows=nightly["max_rows"],
            time_budget=float(nightly["time_budget_minutes"]) * 60,
        )


# -- findings ---------------------------------------------------------------------------------------


FixReason = Literal["redirect", "https"]


@dataclass(frozen=True)
class LinkFix:
    """A link the bot can write better: where it moved permanently, or its https twin."""

    line: int
    title: str
    old: str
    new: str
    reason: FixReason
    applied: bool  # in the PR; False: for a maintainer (not an entry line, or a doubtful target)
    note: str = ""  # why it was not applied


@dataclass(frozen=True)
class LinkProblem:
    """A failing link: confirmed dead, or failing for the first night (watched)."""

    url: str
    lines: tuple[int, ...]
    title: str
    status: int | None
    reason: str
    since: str  # ISO date of the first failing night of the streak


@dataclass(frozen=True)
class Night:
    """Everything one nightly run found (pure data; the templates render it)."""

    date: str
    link_counts: Mapping[str, int]
    repositories: int
    repo_findings: tuple[RepoFinding, ...]
    fixes: tuple[LinkFix, ...]
    dead: tuple[LinkProblem, ...]
    watching: tuple[LinkProblem, ...]
    unknown: tuple[LinkProblem, ...]
    state: Mapping[str, Any]
    inconclusive: bool = False
    http_requests: int = 0
    seconds: float = 0.0
    withdrawn: tuple[LinkProblem, ...] = ()  # arXiv papers their authors withdrew
    enrichment: Any = None  # bot.jobs.enrich.Result when the paper store was brought up to date
    enrich_failure: str = ""  # why the paper store step stopped early or did not run (arXiv down...)

    @property
    def unreached(self) -> int:
        return sum(1 for problem in self.unknown if problem.reason == UNREACHED)

    @property
    def arxiv_unanswered(self) -> int:
        """arxiv.org paper links left unknown because the arXiv API failed (not checked over HTTP)."""
        return sum(1 for problem in self.unknown if problem.reason.startswith(API_UNAVAILABLE))

    @property
    def github_unanswered(self) -> int:
        """github.com repository links left unknown because GitHub stopped answering the lookups."""
        return sum(1 for problem in self.unknown if problem.reason.startswith(GITHUB_UNAVAILABLE))

    def of_kind(self, kind: str, applied: bool | None = None) -> list[RepoFinding]:
        return [f for f in self.repo_findings if f.kind == kind and (applied is None or f.applied == applied)]

    @property
    def gone(self) -> list[RepoFinding]:
        return self.of_kind("deleted")

    @property
    def hand_fixes(self) -> list[LinkFix]:
        """Link fixes the PR cannot make: other lines than entries, doubtful redirects, moved repositories."""
        moved = [
            LinkFix(
                f.line,
                f.title,
                f.url,
                f.new,
                "redirect",
                False,
                "the repository was renamed or transferred; not a canonical entry line",
            )
            for f in self.of_kind("renamed", applied=False)
        ]
        return sorted([*(f for f in self.fixes if not f.applied), *moved], key=lambda f: (f.line, f.old))

    @property
    def green(self) -> bool:
        """Nothing for a maintainer: no confirmed dead link, no gone repository, no hand fix, no
        withdrawn paper."""
        return not (self.dead or self.gone or self.hand_fixes or self.withdrawn)


@dataclass(frozen=True)
class NightlyResult:
    night: Night
    pull_request: PullRequest | None
    pr_action: str  # opened, updated, unchanged, closed, none; "would open|update|close" in a dry run
    issue: IssueRef | None
    issue_action: str  # opened, updated, closed, unchanged, none, skipped (inconclusive night)
    diff: str = ""
    failures: tuple[str, ...] = ()


def link_problem(
    link: Link, result: LinkResult, entry: Mapping[str, Any] | None, catalog: Catalog
) -> LinkProblem:
    """A failing link (or a withdrawn paper) as a row of the report."""
    reason = result.error or (f"HTTP {result.status}" if result.status else "no answer")
    since = str(entry["first_failed"]) if entry else ""
    return LinkProblem(link.url, link.lines, title_at(catalog, link.lines[0]), result.status, reason, since)
