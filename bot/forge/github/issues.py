"""``IssueTracker`` on GitHub: marked comments, reactions, permissions, tracking issues, labels.

The bot finds its own comments and issues again by a hidden marker (``bot.core.markers``) and
its login, so every write here is an upsert that is safe to repeat.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast
from urllib.parse import quote

from bot.core import markers
from bot.errors import ForgeError
from bot.forge.github.client import GitHubClient
from bot.forge.github.failures import GitHubError
from bot.forge.github.queries import RepositoryView
from bot.forge.github.settings import LabelSpec
from bot.forge.protocols import Comment, IssueRef, Permission, TrackedIssue

log = logging.getLogger(__name__)

# pages of 100 issues and PRs, most recently updated first, read for a tracking issue whose label
# is gone (renamed): its bot edits it every run, so it is among the first
UNLABELLED_PAGES = 10
PERMISSIONS: tuple[Permission, ...] = ("admin", "maintain", "write", "triage", "read", "none")
# a GitHub login (a user, or an app's "name[bot]") as the collaborators API accepts it
GITHUB_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")


def with_marker(body: str, kind: str) -> str:
    """``body`` ending with a ``kind`` marker (unchanged if it already has one)."""
    if markers.find(body, kind) is not None:
        return body
    return f"{body.rstrip()}\n\n{markers.make(kind)}\n"


class Issues:
    """Comments, reactions, permissions, labels and the bot's tracking issues."""

    def __init__(self, client: GitHubClient, view: RepositoryView) -> None:
        self.client = client
        self.view = view
        self.settings = client.settings
        self._repo_path = client.repo_path

    def ensure_labels(self, names: Iterable[str]) -> None:
        """Create the labels the repository does not have yet (colours from config)."""
        snap, specs = self.view.snapshot(), {spec.name.lower(): spec for spec in self.settings.labels}
        for name in names:
            if name.lower() in snap.labels:
                continue
            spec = specs.get(name.lower(), LabelSpec(name))
            try:
                label = {"name": spec.name, "color": spec.color, "description": spec.description}
                self.client.rest("POST", f"{self._repo_path}/labels", f"create label {name!r}", body=label)
            except GitHubError as exc:  # a label we did not see (more than 100), or a concurrent run
                if exc.status != 422 or "already_exists" not in exc.detail:
                    raise
            snap.labels.add(name.lower())

    def add_reaction(self, issue_number: int, comment_id: int | None = None, content: str = "eyes") -> None:
        target = f"/issues/comments/{comment_id}" if comment_id is not None else f"/issues/{issue_number}"
        # GitHub answers 200 with the existing reaction when it is already there: repeatable
        self.client.rest(
            "POST",
            f"{self._repo_path}{target}/reactions",
            f"react {content!r} on #{issue_number}",
            body={"content": content},
        )

    def _is_own(self, user: Mapping[str, Any] | None) -> bool:
        """Written by this token's account: another bot's (or a user's) marker is never trusted,
        and its comment or issue never edited."""
        login = (user or {}).get("login")
        return bool(login) and login == self.view.own_login()

    @staticmethod
    def _comment(data: Mapping[str, Any]) -> Comment:
        return Comment(
            id=int(data["id"]),
            body=data.get("body") or "",
            user=(data.get("user") or {}).get("login", ""),
            url=data.get("html_url", ""),
            updated_at=str(data.get("updated_at") or ""),
            created_at=str(data.get("created_at") or ""),
        )

    def list_comments(self, issue_number: int) -> list[Comment]:
        raw = self.client.list_all(
            f"{self._repo_path}/issues/{issue_number}/comments", f"read the comments of #{issue_number}"
        )
        return [self._comment(c) for c in raw]

    def _find_marked_comment(self, issue_number: int, kind: str) -> Comment | None:
        raw = self.client.list_all(
            f"{self._repo_path}/issues/{issue_number}/comments", f"read the comments of #{issue_number}"
        )
        for data in raw:
            if self._is_own(data.get("user")) and markers.find(data.get("body"), kind) is not None:
                return self._comment(data)
        return None

    def upsert_comment(self, issue_number: int, marker_kind: str, body: str) -> Comment:
        body = with_marker(body, marker_kind)
        existing = self._find_marked_comment(issue_number, marker_kind)
        if existing is not None:
            if existing.body == body:
                return existing
            data = self.client.rest(
                "PATCH",
                f"{self._repo_path}/issues/comments/{existing.id}",
                f"edit the bot's comment on #{issue_number}",
                body={"body": body},
            )
            return self._comment(data)

        def landed() -> Comment | None:
            return self._find_marked_comment(issue_number, marker_kind)

        data = self.client.rest(
            "POST",
            f"{self._repo_path}/issues/{issue_number}/comments",
            f"comment on #{issue_number}",
            body={"body": body},
            repeatable=False,
            landed=landed,
        )
        return data if isinstance(data, Comment) else self._comment(data)

    def permission(self, user: str) -> Permission:
        if not GITHUB_LOGIN_RE.match(user or "") or user.endswith("[bot]"):
            return "none"
        try:
            data = self.client.rest(
                "GET",
                f"{self._repo_path}/collaborators/{quote(user)}/permission",
                f"read the permission of {user}",
            )
        except GitHubError as exc:
            if exc.status == 404:
                return "none"
            raise
        role = data.get("role_name")
        if role in PERMISSIONS:
            return cast(Permission, role)
        legacy = data.get("permission")
        return cast(Permission, legacy) if legacy in PERMISSIONS else "none"

    def _find_marked_issue(self, kind: str, label: str) -> dict[str, Any] | None:
        """The bot's oldest issue marked ``kind`` among those labelled ``label``; else (the label
        was renamed, or taken off the issue), so that the run does not open a second issue, its
        most recently updated one among every issue, read newest first until found (a tracking
        issue is edited every run)."""
        labelled = self.client.list_all(
            f"{self._repo_path}/issues",
            f"look for the {kind} issue",
            {"labels": label, "state": "all", "sort": "created", "direction": "asc"},
        )
        found = next((data for data in labelled if self._is_marked(data, kind)), None)
        if found is not None:
            return found
        for page in range(1, UNLABELLED_PAGES + 1):
            batch = self.client.rest(
                "GET",
                f"{self._repo_path}/issues",
                f"look for the {kind} issue without its label {label!r}",
                params={
                    "state": "all",
                    "sort": "updated",
                    "direction": "desc",
                    "per_page": 100,
                    "page": page,
                },
            )
            found = next((data for data in batch if self._is_marked(data, kind)), None)
            if found is not None:
                names = [str(tag.get("name")) for tag in found.get("labels") or []]
                log.warning(
                    "the %s issue #%s was found by its hidden marker, not by its label %r (labels: %s): "
                    "put its label first in the job's issue labels (config) if it was renamed",
                    kind,
                    found.get("number"),
                    label,
                    ", ".join(names) or "none",
                )
                return cast(dict[str, Any], found)
            if len(batch) < 100:
                break
        return None

    def _is_marked(self, data: Mapping[str, Any], kind: str) -> bool:
        """The bot's own issue (not a pull request) with a ``kind`` marker."""
        return (
            "pull_request" not in data
            and self._is_own(data.get("user"))
            and markers.find(data.get("body"), kind) is not None
        )

    def tracking_issue(self, marker_kind: str, label: str) -> TrackedIssue | None:
        found = self._find_marked_issue(marker_kind, label)
        if found is None:
            return None
        return TrackedIssue(
            int(found["number"]),
            str(found.get("title") or ""),
            str(found.get("body") or ""),
            str(found.get("state") or "open"),
            str(found.get("html_url") or ""),
        )

    @staticmethod
    def _issue_ref(data: Mapping[str, Any]) -> IssueRef:
        return IssueRef(
            number=int(data["number"]),
            url=data.get("html_url", ""),
            state=data.get("state", "open"),
            labels=[label["name"] for label in data.get("labels") or []],
        )

    def upsert_issue(
        self, marker_kind: str, title: str, body: str, labels: tuple[str, ...] = (), close: bool = False
    ) -> IssueRef | None:
        if not labels:
            raise ForgeError(
                f"the {marker_kind} tracking issue needs at least one label: the bot finds it "
                "again by its first label and hidden marker"
            )
        body = with_marker(body, marker_kind)
        existing = self._find_marked_issue(marker_kind, labels[0])
        if existing is None:
            if close:
                return None
            self.ensure_labels(labels)
            data = self.client.rest(
                "POST",
                f"{self._repo_path}/issues",
                f"open the {marker_kind} issue",
                body={"title": title, "body": body, "labels": list(labels)},
                repeatable=False,
                landed=lambda: self._find_marked_issue(marker_kind, labels[0]),
            )
            return self._issue_ref(data)
        changes: dict[str, Any] = {}
        if existing.get("title") != title:
            changes["title"] = title
        if (existing.get("body") or "") != body:
            changes["body"] = body
        wanted_state = "closed" if close else "open"
        if existing.get("state") != wanted_state:
            changes["state"] = wanted_state
            if close:
                changes["state_reason"] = "completed"
        if not changes:
            return self._issue_ref(existing)
        data = self.client.rest(
            "PATCH",
            f"{self._repo_path}/issues/{existing['number']}",
            f"update issue #{existing['number']}",
            body=changes,
        )
        return self._issue_ref(data)
