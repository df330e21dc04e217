"""The bot's branches on GitHub: read, create, move and delete one ref.

A rebuilt branch moves by compare-and-swap: GraphQL ``updateRefs`` with ``beforeOid``, the head
the run read, so a branch another run or a maintainer moved meanwhile is left as it is
(``BranchMovedError``) and the next run reads it again. GitHub Enterprise Servers without the
mutation get the force-move of REST.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast
from urllib.parse import quote

from bot.errors import BranchMovedError, ForgeError
from bot.forge.github.client import GitHubClient
from bot.forge.github.failures import GitHubError
from bot.forge.github.queries import RepositoryView

log = logging.getLogger(__name__)

MOVE_BRANCH_MUTATION = """
mutation CatalogBotMoveBranch(
  $repositoryId: ID!, $name: GitRefname!, $before: GitObjectID!, $after: GitObjectID!
) {
  updateRefs(input: {
    repositoryId: $repositoryId
    refUpdates: [{name: $name, beforeOid: $before, afterOid: $after, force: true}]
  }) {
    clientMutationId
  }
}
"""


class Branches:
    """One repository's branches, through the run's client and snapshot."""

    def __init__(self, client: GitHubClient, view: RepositoryView) -> None:
        self.client = client
        self.view = view
        self._repo_path = client.repo_path

    def _ref_path(self, branch: str) -> str:
        return f"{self._repo_path}/git/refs/heads/{quote(branch, safe='/')}"

    def sha(self, branch: str) -> str | None:
        """The branch's head commit, or None when there is no such branch."""
        try:
            data = self.client.rest(
                "GET", f"{self._repo_path}/git/ref/heads/{quote(branch, safe='/')}", f"read branch {branch}"
            )
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return cast(str, data["object"]["sha"])

    def force(self, branch: str, sha: str) -> None:
        self.client.rest(
            "PATCH", self._ref_path(branch), f"move branch {branch}", body={"sha": sha, "force": True}
        )

    def create(self, branch: str, sha: str, refuse_if_taken: Callable[[], None] | None = None) -> None:
        """Create the branch at ``sha``. If it exists already, ``refuse_if_taken`` may raise (a
        PR another run opened on it); otherwise the branch is moved there."""

        def landed() -> bool | None:
            return True if self.sha(branch) == sha else None

        try:
            self.client.rest(
                "POST",
                f"{self._repo_path}/git/refs",
                f"create branch {branch}",
                body={"ref": f"refs/heads/{branch}", "sha": sha},
                repeatable=False,
                landed=landed,
            )
        except GitHubError as exc:
            if exc.status != 422 or "Reference already exists" not in exc.detail:
                raise
            if refuse_if_taken is not None:
                refuse_if_taken()
            self.force(branch, sha)

    def move(self, branch: str, sha: str, expected: str | None = None) -> None:
        """Move ``branch`` to ``sha``: only from ``expected`` (its head when this run read it)
        when that is known (a branch moved or deleted since: ``BranchMovedError``), else by force
        (a branch gone then is created again)."""
        repository_id = self.view.snapshot().repository_id
        if expected and repository_id:
            self._swap(repository_id, branch, expected, sha)
            return
        try:
            self.force(branch, sha)
        except GitHubError as exc:
            if exc.status != 422 or "Reference does not exist" not in exc.detail:
                raise
            self.create(branch, sha)

    def _swap(self, repository_id: str, branch: str, expected: str, sha: str) -> None:
        """``updateRefs`` moves the branch only if it still points at ``expected``, atomically. On
        an error the branch is read: moved there already (a retry of a move that landed) is done;
        moved elsewhere is another run's or a maintainer's work, kept."""
        _data, errors = self.client.graphql(
            f"move branch {branch}",
            MOVE_BRANCH_MUTATION,
            {"repositoryId": repository_id, "name": f"refs/heads/{branch}", "before": expected, "after": sha},
        )
        if not errors:
            return
        if any((e.get("extensions") or {}).get("code") == "undefinedField" for e in errors):
            log.warning("this GitHub has no updateRefs mutation: %s is force-moved", branch)
            self.force(branch, sha)
            return
        now = self.sha(branch)
        if now == sha:
            return
        if now is None:  # its PR was merged or closed (GitHub closes a PR whose branch goes)
            self.view.forget()
            raise BranchMovedError(
                f"{branch} was deleted while this run rebuilt it (its PR merged or closed meanwhile): "
                "it is not created again, and the next run reads the repository again"
            )
        if now != expected:
            self.view.forget()  # a caller that tries again starts from the branch as it is now
            raise BranchMovedError(
                f"{branch} moved while this run rebuilt it (to {now[:7]}, from {expected[:7]}: another "
                "run, or a maintainer's push): it is left as it is, and the next run reads it again"
            )
        detail = "; ".join(str(e.get("message")) for e in errors[:3])
        raise ForgeError(f"could not move branch {branch}: GitHub GraphQL answered with errors: {detail}")

    def delete(self, branch: str) -> None:
        """Delete the branch (already gone: nothing to do)."""
        try:
            self.client.rest("DELETE", self._ref_path(branch), f"delete branch {branch}")
        except GitHubError as exc:
            if exc.status not in (404, 422):
                raise
