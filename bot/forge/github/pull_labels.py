"""The labels of the bot's pull requests: those every PR gets, a change's own, and the repair
of a PR whose labelling failed when it was opened.

A PR is labelled after it is opened (labels and assignees in one PATCH, reviewers in one POST);
a failure there leaves the PR as it is, and the next proposal or poll adds what is missing. A
label a maintainer removed from a labelled PR stays removed. An ``/add`` that moves a paper swaps
its PR's ``section:`` labels (``ChangeRequest.stale_labels``, ``fresh_labels``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.errors import ForgeError
from bot.forge.github.client import GitHubClient, path_segment
from bot.forge.github.failures import GitHubError
from bot.forge.github.issues import Issues
from bot.forge.github.queries import RepositoryView
from bot.forge.protocols import ChangeRequest, PullRequest

log = logging.getLogger(__name__)


class PullLabels:
    """The labels of one repository's bot PRs, through the run's client and snapshot."""

    def __init__(self, client: GitHubClient, view: RepositoryView, issues: Issues) -> None:
        self.client = client
        self.view = view
        self.issues = issues
        self.settings = client.settings
        self._repo_path = client.repo_path

    def _rest(self, verb: str, path: str, action: str, **kwargs: Any) -> Any:
        return self.client.rest(verb, path, action, **kwargs)

    def for_change(self, change: ChangeRequest) -> tuple[str, ...]:
        """The labels every PR gets (config/github.yml) and the change's own, once each."""
        return self._with_every_pr(change.labels)

    def _with_every_pr(self, labels: Sequence[str]) -> tuple[str, ...]:
        names = [label.name for label in self.settings.labels if label.every_pr] + list(labels)
        return tuple(dict.fromkeys(names))

    def decorate(self, number: int, change: ChangeRequest) -> None:
        """Labels and assignees in one PATCH, reviewers in one POST (both idempotent)."""
        labels, s = self.for_change(change), self.settings
        self.issues.ensure_labels(labels)
        if labels or s.assignees:
            self._rest(
                "PATCH",
                f"{self._repo_path}/issues/{number}",
                f"label PR #{number}",
                body={"labels": list(labels), "assignees": list(s.assignees)},
            )
        if s.reviewers or s.team_reviewers:
            self._rest(
                "POST",
                f"{self._repo_path}/pulls/{number}/requested_reviewers",
                f"request reviews on PR #{number}",
                body={"reviewers": list(s.reviewers), "team_reviewers": list(s.team_reviewers)},
            )

    def relabel(self, pull: PullRequest, change: ChangeRequest) -> PullRequest:
        """An open PR without any of the labels the bot gives it: labelling failed after it was
        opened ("PR #n opened, but could not label..."), so this run adds them. A PR that keeps
        one of them was labelled: a label a maintainer removed stays removed."""
        wanted = self.for_change(change)
        if not wanted or set(wanted) & set(pull.labels):
            return pull
        return self._add(pull, wanted)

    def add_missing(self, pull: PullRequest, labels: Sequence[str] = ()) -> PullRequest:
        """Give an open bot PR that has none of the bot's labels (config/github.yml's, ``labels``,
        a ``section:`` one) the labels every PR gets and ``labels``: its labelling failed when it
        was opened. A PR with any of them was labelled, and what a maintainer removed stays removed."""
        wanted = self._with_every_pr(labels)
        ours = {label.name.lower() for label in self.settings.labels} | {n.lower() for n in labels}
        if pull.state != "open" or not wanted or not pull.branch.startswith(self.settings.branch_prefix):
            return pull  # closed, or renamed out of the prefix: a maintainer's now
        if any(n.lower() in ours or n.lower().startswith("section:") for n in pull.labels):
            return pull
        labelled = self._add(pull, wanted)
        if labelled is not pull:
            log.info(
                "PR #%d had none of the bot's labels (labelling failed): added %s",
                pull.number,
                ", ".join(wanted),
            )
            snap = self.view.snapshot()
            if pull.number in snap.pulls:
                snap.pulls[pull.number] = replace(snap.pulls[pull.number], pull=labelled)
        return labelled

    def swap(self, pull: PullRequest, change: ChangeRequest) -> PullRequest:
        """The open PR without the change's ``stale_labels`` and with its ``fresh_labels``: one
        DELETE per label it has (gone meanwhile, GitHub's 404: done), one POST for those it lacks.
        Nothing written when the PR already is so (a repeated /add)."""
        fresh = {name.lower() for name in change.fresh_labels}
        stale = {name.lower() for name in change.stale_labels} - fresh
        has = {name.lower() for name in pull.labels}
        for name in (n for n in pull.labels if n.lower() in stale):
            try:
                self._rest(
                    "DELETE",
                    f"{self._repo_path}/issues/{pull.number}/labels/{path_segment(name)}",
                    f"remove label {name} from PR #{pull.number}",
                )
            except GitHubError as exc:
                if exc.status != 404:  # 404: not on the PR (any more), as wanted
                    raise
        kept = tuple(n for n in pull.labels if n.lower() not in stale)
        missing = tuple(dict.fromkeys(n for n in change.fresh_labels if n.lower() not in has))
        if missing:
            self._post(pull.number, missing)
        return replace(pull, labels=kept + missing) if kept + missing != pull.labels else pull

    def _post(self, number: int, names: Sequence[str]) -> None:
        """Add labels to the PR (created first when the repository lacks them)."""
        self.issues.ensure_labels(names)
        path, labels = f"{self._repo_path}/issues/{number}/labels", {"labels": list(names)}
        self._rest("POST", path, f"label PR #{number}", body=labels)

    def _add(self, pull: PullRequest, wanted: Sequence[str]) -> PullRequest:
        try:
            self._post(pull.number, wanted)
        except ForgeError as exc:  # as when it was opened: the PR is fine without them
            log.warning("PR #%d is still without its labels: %s", pull.number, exc)
            return pull
        return replace(pull, labels=tuple(dict.fromkeys((*pull.labels, *wanted))))
