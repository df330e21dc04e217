"""``Forge`` on GitHub: the bot's pull requests, one commit each on the default branch.

How the bot's pull requests stay clean:

- One PR per paper on a fixed branch (``bot/arxiv-<id>``), found again by branch name and the
  hidden marker in its body; GitHub itself refuses a second open PR for the same branch.
- The branch is always ONE commit on top of the current default branch: ``propose`` applies the
  change's pure ``edit`` to the file there and force-moves the branch. When that commit already
  is the branch head (same parent, same file blob), nothing is written at all.
- The move is a compare-and-swap (``branches.py``): only from the head this run read.
- Their labels (every PR's, the change's, a failed labelling repaired) are ``pull_labels.py``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal, cast

from bot.core import hunks
from bot.core.text import unified_diff
from bot.errors import BotError, ForgeError
from bot.forge.github.branches import Branches
from bot.forge.github.client import GitHubClient
from bot.forge.github.failures import GitHubError
from bot.forge.github.issues import Issues
from bot.forge.github.pull_labels import PullLabels
from bot.forge.github.queries import RepositoryView
from bot.forge.github.snapshot import BotPull
from bot.forge.protocols import ChangeRequest, ProposalResult, PullRequest, PullState

log = logging.getLogger(__name__)


def git_blob_sha(text: str) -> str:
    """The git object id of ``text`` as a file (what GitHub reports as the blob's oid)."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _taken(pull: PullRequest, branch: str) -> ForgeError:
    return ForgeError(
        f"PR #{pull.number} was opened on {branch} meanwhile, by another run with another "
        "proposal: it is left as it is (comment on that PR to change it)"
    )


class PullRequests:
    """Open, update and close the bot's PRs; their branches are one commit on the default branch."""

    def __init__(self, client: GitHubClient, view: RepositoryView, issues: Issues) -> None:
        self.client = client
        self.view = view
        self.issues = issues
        self.branches = Branches(client, view)
        self.labels = PullLabels(client, view, issues)
        self.settings = client.settings
        self._repo_path = client.repo_path

    def _rest(self, verb: str, path: str, action: str, **kwargs: Any) -> Any:
        return self.client.rest(verb, path, action, **kwargs)

    def _open_pull(self, branch: str) -> BotPull | None:
        return next(
            (
                b
                for b in self.view.snapshot().pulls.values()
                if b.pull.branch == branch and b.pull.state == "open"
            ),
            None,
        )

    def propose(self, change: ChangeRequest) -> ProposalResult:
        """Open the PR, or bring it up to date: one commit on the current default branch."""
        if not change.branch.startswith(self.settings.branch_prefix):
            raise ForgeError(
                f"branch {change.branch!r} is outside the bot's prefix "
                f"{self.settings.branch_prefix!r} (config/github.yml branch_prefix)"
            )
        snap = self.view.snapshot()
        existing = self._open_pull(change.branch)
        if existing:  # built on the default branch as it is now, not as the run read it minutes ago
            self.view.catch_up()
        base_text = self.view.read_file(change.path)
        new_text = change.edit(base_text)
        extras = [(path, text) for path, text in change.extra_files if self.view.read_file(path) != text]
        if new_text == base_text and not extras:
            raise ForgeError(
                f"the change for {change.branch} leaves {change.path} on "
                f"{snap.default_branch} as it is: nothing to propose"
            )
        diff = unified_diff(change.path, base_text, new_text)
        context = hunks.fingerprint(base_text, new_text)
        if (
            existing
            and self._branch_is_current(existing, change.path, new_text, context, len(extras))
            and all(self.view.file_at(existing.head_oid, path) == text for path, text in extras)
        ):
            pull = self.labels.relabel(
                self._update_pull(self.labels.swap(existing.pull, change), change), change
            )
            snap.pulls[pull.number] = replace(existing, pull=pull)
            return ProposalResult(pull, "unchanged" if pull == existing.pull else "updated", diff)
        message = hunks.with_trailer(change.commit_message, context)
        commit = self._commit(replace(change, commit_message=message), new_text)
        parent = snap.head_oid  # the commit's (a PR left as opened below keeps it; the view moves on)
        if existing:
            # the body (its marker: what refresh rebuilds from) before the branch: a refused PATCH
            # then changes nothing, and a branch move that fails after it is redone by refresh
            # the labels before the body too: the body's marker is what the next /add reads the
            # old section from, so a failed label write is redone by rerunning it
            swapped = self.labels.swap(existing.pull, change)
            pull, action = self.labels.relabel(self._update_pull(swapped, change), change), "updated"
            snap.pulls[pull.number] = replace(existing, pull=pull)
            self.branches.move(change.branch, commit, expected=existing.head_oid)
        else:
            (pull, moved_to), action = self._open_new(change, commit), "opened"
            if moved_to is not None and (rebuilt := self._onto_moved_head(pull, change, commit, moved_to)):
                (commit, new_text, diff, context), parent = rebuilt, snap.head_oid
        pull = replace(pull, context=context, mergeable=None)
        snap.pulls[pull.number] = BotPull(
            pull,
            commit,
            (parent,),
            git_blob_sha(new_text) if change.path == self.view.catalog_path else None,
            1,
        )
        return ProposalResult(pull, cast(Literal["opened", "updated"], action), diff)

    def _branch_is_current(
        self, existing: BotPull, path: str, new_text: str, context: str, extras: int = 0
    ) -> bool:
        snap = self.view.snapshot()
        if not (
            existing.head_parents == (snap.head_oid,)
            and existing.changed_files <= 1 + extras
            and existing.pull.context == context
        ):
            return False
        if path == self.view.catalog_path:  # its blob id came with the PR list
            return existing.head_file_oid == git_blob_sha(new_text)
        return self.view.file_at(existing.head_oid, path) == new_text  # another file (/teach): read

    def _commit(self, change: ChangeRequest, new_text: str) -> str:
        """A commit with the new file on top of the default branch head (no branch moves yet).
        Repeating these POSTs at worst leaves an unreferenced object, so they are retried freely."""
        snap = self.view.snapshot()
        tree = self._rest(
            "POST",
            f"{self._repo_path}/git/trees",
            f"write {change.path} for {change.branch}",
            body={
                "base_tree": snap.tree_oid,
                "tree": [
                    {"path": path, "mode": "100644", "type": "blob", "content": text}
                    for path, text in ((change.path, new_text), *change.extra_files)
                ],
            },
        )
        commit = self._rest(
            "POST",
            f"{self._repo_path}/git/commits",
            f"commit {change.branch}",
            body={"message": change.commit_message, "tree": tree["sha"], "parents": [snap.head_oid]},
        )
        return cast(str, commit["sha"])

    def _create_branch(self, branch: str, sha: str, body: str | None = None) -> None:
        """Create the branch at ``sha``; a leftover branch of the same name (ours) is moved, and
        so is the branch of a PR a concurrent run opened with the same ``body``, but not one it
        opened with another (an /add while the poll job runs: their workflows are in different
        concurrency groups)."""

        def refuse_if_taken() -> None:
            taken = self._find_open_pull_rest(branch)
            if taken is not None and taken.body != body:
                raise _taken(taken, branch)

        self.branches.create(branch, sha, refuse_if_taken if body is not None else None)

    def _open_new(self, change: ChangeRequest, commit: str) -> tuple[PullRequest, str | None]:
        """Branch, then PR; if the PR cannot be opened, the branch goes away again. With the PR,
        the default branch's head GitHub opened it against (None when unknown)."""
        self._create_branch(change.branch, commit, change.body)
        try:
            pull, head, base = self._create_pull(change)
        except ForgeError:
            self._discard_branch(change.branch)
            raise
        if head is not None and head != commit:
            self._move_back(pull, commit, head)
        try:
            self.labels.decorate(pull.number, change)
        except ForgeError as exc:  # the PR is fine without them; say so and carry on
            # a poll never proposes an open PR's paper again, but it labels its unlabelled PRs
            log.warning(
                "PR #%d opened, but %s. Add its labels by hand (%s); the next poll adds the bot's "
                "(and poll.yml's, on a paper PR), the next update of the PR (an /add on it, a "
                "rebuild) all of them",
                pull.number,
                exc,
                ", ".join(self.labels.for_change(change)) or "none",
            )
            return pull, base  # as it is: without them, so that a later proposal in this run adds them
        return replace(pull, labels=self.labels.for_change(change)), base

    def _onto_moved_head(
        self, pull: PullRequest, change: ChangeRequest, commit: str, head: str
    ) -> tuple[str, str, str, str] | None:
        """The PR just opened names the default branch's head, and it is not the one this run read
        (a maintainer merged a PR while the run trained): the PR's branch is rebuilt on it, from
        this run's commit only, and the run's later PRs are built there too. Returns the new
        ``(commit, text, diff, context)``; None when the PR is left as opened (the new head cannot
        be read, or the change no longer applies there, e.g. its paper was added meanwhile: the
        next refresh rebuilds or closes it)."""
        try:
            if not self.view.follow(head):
                return None
            base_text = self.view.read_file(change.path)
            new_text = change.edit(base_text)
            if new_text == base_text:
                raise ForgeError(f"it leaves {change.path} as it is")
            context = hunks.fingerprint(base_text, new_text)
            rebuilt = self._commit(
                replace(change, commit_message=hunks.with_trailer(change.commit_message, context)), new_text
            )
            self.branches.move(change.branch, rebuilt, expected=commit)
        except BotError as exc:
            log.warning(
                "PR #%d was built on %s as this run first read it, which has moved since, and could "
                "not be rebuilt on it (%s): the next refresh rebuilds or closes it",
                pull.number,
                self.view.snapshot().default_branch,
                exc,
            )
            return None
        return rebuilt, new_text, unified_diff(change.path, base_text, new_text), context

    def _move_back(self, pull: PullRequest, commit: str, head: str) -> None:
        """The PR just opened shows another commit than this run's: another run moved the branch
        between this run's branch and its PR (it took the branch, still without a PR, for a
        leftover). Its PR then fails ("opened meanwhile"), so the branch goes back to this run's
        commit, from that head only; moved again since, it is left to refresh, which rebuilds it
        from the PR's marker."""
        log.warning(
            "%s moved to %s before PR #%d was opened on it (another run): moved back to %s",
            pull.branch,
            head[:7],
            pull.number,
            commit[:7],
        )
        try:
            self.branches.move(pull.branch, commit, expected=head)
        except ForgeError as exc:
            log.warning("PR #%d: %s; the next refresh rebuilds it", pull.number, exc)

    def _discard_branch(self, branch: str) -> None:
        """Remove a branch whose PR could not be opened (unless a PR uses it after all)."""
        try:
            if self._find_open_pull_rest(branch) is None:
                self.branches.delete(branch)
        except ForgeError as exc:  # GitHub is down: say so, and let the original error through
            log.warning("branch %s is left behind without a PR; delete it or rerun (%s)", branch, exc)

    @staticmethod
    def _pull_from_rest(data: Mapping[str, Any]) -> PullRequest:
        state: PullState = "merged" if data.get("merged_at") else cast(PullState, data["state"])
        return PullRequest(
            number=int(data["number"]),
            branch=data["head"]["ref"],
            title=data["title"],
            body=data.get("body") or "",
            state=state,
            url=data.get("html_url", ""),
            labels=tuple(label["name"] for label in data.get("labels") or []),
        )

    def _find_open_pull_rest(self, branch: str) -> PullRequest | None:
        found = self._rest(
            "GET",
            f"{self._repo_path}/pulls",
            f"look for the PR of {branch}",
            params={"head": f"{self.client.owner}:{branch}", "state": "open"},
        )
        return self._pull_from_rest(found[0]) if found else None

    def _create_pull(self, change: ChangeRequest) -> tuple[PullRequest, str | None, str | None]:
        """The PR opened (or one a concurrent run opened with the same body), the head commit
        GitHub opened it on and its base branch's head then (both None when that run's PR is
        reused)."""
        body = {
            "title": change.title,
            "head": change.branch,
            "base": self.view.snapshot().default_branch,
            "body": change.body,
        }
        try:
            data = self._rest(
                "POST",
                f"{self._repo_path}/pulls",
                f"open a PR for {change.branch}",
                body=body,
                repeatable=False,
                landed=lambda: self._find_open_pull_rest(change.branch),
            )
        except GitHubError as exc:
            if exc.status != 422 or "pull request already exists" not in exc.detail.lower():
                raise
            data = self._find_open_pull_rest(change.branch)  # opened by a concurrent run
            if data is None:
                raise
            if data.body != change.body:  # with another proposal: it stays that run's
                raise _taken(data, change.branch) from exc
        head = None if isinstance(data, PullRequest) else (data.get("head") or {}).get("sha")
        base = None if isinstance(data, PullRequest) else (data.get("base") or {}).get("sha")
        pull = data if isinstance(data, PullRequest) else self._pull_from_rest(data)
        if pull.title != change.title or pull.body != change.body:
            pull = self._update_pull(pull, change)
        return pull, head, base

    def _update_pull(self, pull: PullRequest, change: ChangeRequest) -> PullRequest:
        if pull.title == change.title and pull.body == change.body:
            return pull
        self._rest(
            "PATCH",
            f"{self._repo_path}/pulls/{pull.number}",
            f"update PR #{pull.number}",
            body={"title": change.title, "body": change.body},
        )
        return replace(pull, title=change.title, body=change.body)

    def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
        """Comment (once, marked), close, delete the branch. Safe to repeat after a failure."""
        number = pull_request.number
        self.issues.upsert_comment(number, "closing", comment)
        self._rest(
            "PATCH", f"{self._repo_path}/pulls/{number}", f"close PR #{number}", body={"state": "closed"}
        )
        own_branch = pull_request.branch.startswith(self.settings.branch_prefix)
        if self.settings.delete_branch_on_close and own_branch:
            try:
                self.branches.delete(pull_request.branch)
            except ForgeError as exc:  # the PR is closed: the job did its part, the branch stays
                log.warning(
                    "closed PR #%d, but its branch %s could not be deleted (%s): delete it by hand",
                    number,
                    pull_request.branch,
                    exc,
                )
        snap = self.view.snapshot()
        if number in snap.pulls:
            snap.pulls[number] = replace(
                snap.pulls[number],
                pull=replace(snap.pulls[number].pull, state="closed", closed_by=self.view.own_login()),
            )
