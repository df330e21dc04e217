"""github.com links answered from the forge's repository lookups, never by scraping the pages.

``repo_link`` reads the repository a link points into; ``GitHubRepoResolver`` answers the link
checker for repository links from one batched ``RepoDirectory.repositories`` call, and
``RememberedRepositories`` lets the star refresh and the link check of one run share it.

When GitHub stops answering the lookups (a 5xx after the retries, a rate limit, no answer), the
repositories not looked up yet have their links *unknown* this run ("not checked: the GitHub API
did not answer (HTTP 502)"), as the arXiv resolver's: not checked over HTTP on github.com, which
answers crawlers with 429s, under its polite limit (4 at a time, 0.5 s apart: 2,000 repositories
took 17 minutes of the night's budget). The two-night rule keeps their state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.urls import github_repo
from bot.forge.protocols import RepoDirectory, RepoInfo
from bot.linkcheck.extract import extract_links
from bot.linkcheck.model import LinkResult, Verdict

log = logging.getLogger(__name__)

GITHUB_UNAVAILABLE = "not checked: the GitHub API did not answer"  # the error of a link left unknown

# What may follow owner/name for the link to show the repository itself (or one of its branches).
_REPOSITORY_PAGE_RE = re.compile(r"(?:/|/tree/[^/?#]+/?)?(?:[?#].*)?")


@dataclass(frozen=True)
class RepoLink:
    """A github.com link to a repository: ``https://github.com/OWNER/NAME`` plus ``rest``."""

    url: str
    name: str  # "owner/name", as written
    rest: str  # what follows owner/name: "", "/tree/main/sub", "#readme", ...

    @property
    def is_repository_page(self) -> bool:
        """The link shows the repository itself (or a branch), so the repository's stars are its own."""
        return _REPOSITORY_PAGE_RE.fullmatch(self.rest) is not None

    def moved_to(self, new_name: str) -> str:
        return f"https://github.com/{new_name}{self.rest}"


def repo_link(url: str) -> RepoLink | None:
    """The repository a github.com URL points into, or None (not GitHub, a profile, a GitHub page)."""
    repo = github_repo(url)
    return RepoLink(url, repo.full_name, repo.rest) if repo else None


def repository_names(text: str) -> list[str]:
    """Every repository linked from ``text`` (entries, prose, badges), once, in order."""
    links = (repo_link(link.url) for link in extract_links(text))
    return list(dict.fromkeys(link.name for link in links if link))


# -- the link checker's resolver for github.com --------------------------------------------------


class RememberedRepositories:
    """A ``RepoDirectory`` that asks its source at most once per name: the nightly job's star
    refresh and link check share one batched lookup."""

    def __init__(self, source: RepoDirectory) -> None:
        self._source = source
        self._asked: set[str] = set()
        self._known: dict[str, RepoInfo] = {}
        self._unanswered: dict[str, str] = {}  # name -> why GitHub did not answer for it
        self._failure = ""

    def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
        missing = [name for name in dict.fromkeys(names) if name not in self._asked]
        if missing:
            self._known.update(self._source.repositories(missing))
            self._asked.update(missing)
            if failure := self._source.lookup_failure():
                self._unanswered.update((n, failure) for n in missing if n not in self._known)
        self._failure = next((self._unanswered[n] for n in names if n in self._unanswered), "")
        return {name: self._known[name] for name in names if name in self._known}

    def lookup_failure(self) -> str:
        return self._failure


class GitHubRepoResolver:
    """Answers the link checker for github.com repository links from ``RepoDirectory`` lookups.

    A missing repository is dead (404); a repository page of an existing one is alive (a rename
    is a permanent redirect to the new URL). Deeper pages (``/blob/...``, ``/tree/main/sub``) of
    an existing repository, and a repository GitHub would not look up, are left to HTTP; the
    links of the repositories not looked up once GitHub stopped answering are unknown.
    """

    name = "github"

    def __init__(self, directory: RepoDirectory) -> None:
        self._directory = directory

    def claims(self, url: str) -> bool:
        return repo_link(url) is not None

    def resolve(self, urls: Sequence[str]) -> dict[str, LinkResult]:
        links = [link for link in map(repo_link, urls) if link]
        infos = self._directory.repositories(list(dict.fromkeys(link.name for link in links)))
        failure = self._directory.lookup_failure()
        if failure:
            log.warning(
                "GitHub stopped answering the repository lookups (%s), so the links of %d repositories "
                "are not checked this run (unknown, not dead; `check-links --no-resolvers` checks them "
                "over HTTP)",
                failure,
                len({link.name for link in links} - infos.keys()),
            )
        answers = {}
        for link in links:
            answer = _resolved(link, infos.get(link.name), failure)
            if answer is not None:
                answers[link.url] = answer
        return answers


def _resolved(link: RepoLink, info: RepoInfo | None, failure: str = "") -> LinkResult | None:
    """The verdict for one link, or None to leave it to HTTP; ``failure``: why GitHub stopped
    answering (the links of the repositories it did not answer for are unknown)."""
    if info is None and failure:
        return LinkResult.not_checked(link.url, GITHUB_UNAVAILABLE, failure, GitHubRepoResolver.name)
    if info is None:
        return None
    if not info.exists:
        return LinkResult(
            link.url,
            Verdict.DEAD,
            status=404,
            error=f"GitHub: repository {link.name} not found (deleted, or private)",
        )
    if not link.is_repository_page:
        return None
    moved = link.moved_to(info.current_name) if info.current_name else None
    return LinkResult(
        link.url, Verdict.ALIVE, status=200, final_url=moved or link.url, permanent_redirect=moved
    )
