"""``RepoDirectory`` on GitHub: stars, archived flags and renames of many repositories at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from bot.errors import ForgeError
from bot.forge.github.client import REPO_NAME_RE, GitHubClient
from bot.forge.github.graphql import repositories_query
from bot.forge.protocols import RepoInfo

log = logging.getLogger(__name__)

T = TypeVar("T")
REPOSITORIES_PER_QUERY = 100
# single-repository lookups failing in a row with a server error (after their retries) that mean
# GitHub is failing, not one repository: a persistent 502 split every batch down to single ones,
# each waiting out its retries (250 repositories: 1,247 queries, 58 minutes of waits)
FAILING_IN_A_ROW = 2


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Repositories:
    """Batched GraphQL lookups of repositories (any owner, not only the bot's own)."""

    def __init__(self, client: GitHubClient) -> None:
        self.client = client
        self._unreachable = ""  # why GitHub answers no lookup (no answer, a refusal): the rest waits
        self._failure = ""  # the same in a few words ("HTTP 502", "rate limited"), for link records
        self._failing = 0  # single-repository lookups failed in a row with a server error

    def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
        """Batched GraphQL lookups, 100 repositories per query; a failing batch is split in two."""
        wanted = list(dict.fromkeys(names))
        result = {name: RepoInfo(name, exists=False) for name in wanted if not REPO_NAME_RE.match(name)}
        valid = [name for name in wanted if name not in result]
        self._unreachable, self._failure, self._failing = "", "", 0
        for batch in _chunks(valid, REPOSITORIES_PER_QUERY):
            self._repositories_batch(batch, result)
        skipped = [name for name in valid if name not in result]
        if self._unreachable and skipped:
            log.warning(
                "GitHub answered no lookup (%s): %d repositories not looked up (reported as not checked)",
                self._unreachable,
                len(skipped),
            )
        return result

    def lookup_failure(self) -> str:
        """Why the last ``repositories`` call left names out, in a few words ("HTTP 502", "no
        answer", "rate limited"): GitHub stopped answering; "" when it answered (a name left out
        then is one repository GitHub would not look up)."""
        return self._failure

    def _repositories_batch(self, batch: list[str], result: dict[str, RepoInfo]) -> None:
        if self._unreachable:
            return  # splitting further cannot help: each lookup would wait out its retries again
        query, variables = repositories_query(batch)
        try:
            data, errors = self.client.graphql(
                f"look up {len(batch)} repositories", query, variables, retry_errors=len(batch) == 1
            )
        except ForgeError as exc:
            status = getattr(exc, "status", None)
            if status is not None and 0 < status < 500:  # a rate limit, a token refused: the
                self._stop(exc, status)  # query's size is not why, so splitting cannot help
                return
            if len(batch) == 1:
                log.warning("%s: not checked (%s)", batch[0], exc)
                self._failing += 1
                if status == 0 or self._failing >= FAILING_IN_A_ROW:  # no HTTP answer, even after
                    self._stop(exc, status or 0)  # the retries, or GitHub failing one after another
                return
            data, errors = {}, [{"message": str(exc)}]
        not_found = {str(e["path"][0]) for e in errors if e.get("type") == "NOT_FOUND" and e.get("path")}
        if len(errors) > len(not_found) and len(batch) > 1:
            half = len(batch) // 2
            self._repositories_batch(batch[:half], result)
            self._repositories_batch(batch[half:], result)
            return
        self._failing = 0 if data else self._failing  # GitHub answered: not failing in a row
        for index, name in enumerate(batch):
            node = data.get(f"r{index}")
            if node:
                result[name] = self._repo_info(name, node)
            elif f"r{index}" in not_found:
                result[name] = RepoInfo(name, exists=False)

    def _stop(self, exc: ForgeError, status: int) -> None:
        """No more lookups this call: GitHub does not answer them (the rest is not checked)."""
        self._unreachable = str(exc)
        if status == 0:
            self._failure = "no answer"
        elif status in (403, 429) and "rate limit" in str(exc).lower():
            self._failure = "rate limited"
        else:
            self._failure = f"HTTP {status}"

    @staticmethod
    def _repo_info(name: str, node: Mapping[str, Any]) -> RepoInfo:
        current = node.get("nameWithOwner") or name
        return RepoInfo(
            name_with_owner=name,
            exists=True,
            stars=node.get("stargazerCount"),
            archived=bool(node.get("isArchived")),
            current_name=current if current.lower() != name.lower() else None,
            url=node.get("url"),
        )
