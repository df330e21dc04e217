"""The local-git forge: the default without a GitHub token.

A "pull request" is a branch under the bot's prefix (``bot/...``) in a local repository holding
one commit on top of the default branch; its title and body are the commit message. Closing a PR
moves its branch to ``refs/catalog-bot/closed/<branch>`` (the rejection memory), or to
``<branch>@2``, ``@3``... when a PR of that branch was closed before (checklist branches are
reused), so that every closed PR stays remembered; a branch whose commit is in the default branch
is merged. Commits are built with git plumbing and a temporary index, so the
working tree and the user's index are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from bot.core import hunks
from bot.errors import BranchMovedError, ForgeError
from bot.forge import git_plumbing as plumbing
from bot.forge.git_plumbing import IDENTITY as IDENTITY  # bench/replay.py commits as the bot
from bot.forge.protocols import ChangeRequest, ProposalResult, PullRequest, PullState

CLOSED_NAMESPACE = "refs/catalog-bot/closed/"
# a second closed PR of one branch is ``<branch>@2`` (``@`` is in no branch name the bot makes):
# the first one's record is kept, and a ref written by hand under the bare name stays readable
CLOSED_SUFFIX = "@"
ZERO_OID = "0" * 40  # as an old value: the ref must not exist yet
MAX_COMMITS_ON_TOP = 20  # a maintainer's commits on a bot branch looked through for the bot's own


class LocalGitForge:
    def __init__(self, repo: Path, default_branch: str | None = None, *, branch_prefix: str) -> None:
        self.repo = Path(repo)
        self.branch_prefix = branch_prefix  # config/github.yml: the bot's branches, e.g. "bot/"
        if not self.repo.is_dir():
            raise ForgeError(f"{self.repo} is not a folder: pass --repo with the path of a git clone")
        if shutil.which("git") is None:
            raise ForgeError(
                "the local-git mode needs git, which is not on PATH: install git (https://git-scm.com), "
                "or set GITHUB_TOKEN and GITHUB_REPOSITORY to work on GitHub"
            )
        try:
            self._git("rev-parse", "--git-dir")
        except ForgeError as exc:
            if "not a git repository" in str(exc).lower():
                raise ForgeError(
                    f"{self.repo} is not a git repository: run the bot from a clone, or pass --repo PATH"
                ) from None
            raise  # git's own words: "dubious ownership" (with its safe.directory command), ...
        # a folder inside the clone (run from docs/) names the clone: paths beside the catalog
        # (the working tree's copy, the paper store, the cache) are read from its top
        top = self._git("rev-parse", "--show-toplevel", check=False)
        if top and top.strip():
            self.repo = Path(top.strip())
        self.default_branch = default_branch or self._current_branch()

    # -- git plumbing (bot/forge/git_plumbing.py), in this repository ----------------------

    def _git(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None, check: bool = True
    ) -> str | None:
        return plumbing.run_git(self.repo, *args, stdin=stdin, env=env, check=check)

    def _current_branch(self) -> str:
        name = self._git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if not name:
            # the bot builds its branches on the checked-out branch: no option names another one
            raise ForgeError(
                f"{self.repo}: HEAD is detached, so there is no default branch to build the bot's "
                "branches on; check out the default branch (e.g. git switch main) and run again"
            )
        name = name.strip()
        if name.startswith(self.branch_prefix):
            # a proposal checked out for review: branches built on it would carry its paper too
            raise ForgeError(
                f"{self.repo}: HEAD is on {name}, one of the bot's branches (a pull request), not on "
                "the default branch the bot builds its branches on; check out the default branch "
                "(e.g. git switch main) and run again"
            )
        return name

    def _rev(self, ref: str) -> str | None:
        return plumbing.rev(self.repo, ref)

    def _file_at(self, rev: str, path: str) -> str:
        return plumbing.file_at(self.repo, rev, path)

    def _commit_with_file(
        self, parent: str, path: str, text: str, message: str, extra_files: tuple[tuple[str, str], ...] = ()
    ) -> str:
        return plumbing.commit_with_file(self.repo, parent, path, text, message, extra_files)

    # -- the Forge protocol ----------------------------------------------------------------

    def read_file(self, path: str) -> str:
        return self._file_at(self.default_branch, path)

    def default_commit(self) -> str:
        head = f"refs/heads/{self.default_branch}"
        return (self._git("rev-parse", "--verify", "--quiet", head, check=False) or "").strip()

    def has_file(self, path: str) -> bool:
        return self._git("cat-file", "-e", f"{self.default_branch}:{path}", check=False) is not None

    def working_tree_differs(self, path: str) -> bool:
        """Whether the working tree's ``path`` is not the default branch's, as ``git diff`` sees it:
        through git's own filters, so a checkout that ``core.autocrlf`` gave CRLF line endings (Git
        for Windows' default) is no change; a deleted file is one."""
        result = subprocess.run(
            ["git", "diff", "--quiet", "--no-ext-diff", "--no-textconv", self.default_branch, "--", path],
            cwd=self.repo,
            capture_output=True,
            check=False,
        )
        return result.returncode != 0

    def _bot_message(self, ref: str, state: PullState) -> tuple[str, bool]:
        """``(message, hand commits)``: the message of the bot's commit on ``ref``, the tip's,
        unless a maintainer committed on top of it (e.g. moved the line before merging); then the
        nearest commit of the bot's own on the branch (hand commits: True), since its message is
        the PR's title, body and hidden marker. An unmerged branch is searched only in its own
        commits (not the default branch's history)."""
        own = ("--not", self.default_branch) if state != "merged" else ()
        out = self._git(
            "log",
            f"--max-count={MAX_COMMITS_ON_TOP + 1}",
            "--first-parent",
            "--format=%ae%x00%B%x1e",
            ref,
            *own,
        )
        commits = [c.lstrip("\n").split("\0", 1) for c in (out or "").split("\x1e") if c.strip()]
        for position, (email, message) in enumerate(commits):
            if email == IDENTITY["GIT_AUTHOR_EMAIL"] and hunks.trailer_of(message) is not None:
                return message, position > 0
        return (commits[0][1] if commits else ""), False

    def _pull_request(self, ref: str, branch: str, state: PullState) -> PullRequest:
        message, hand_commits = self._bot_message(ref, state)
        title, _, body = hunks.without_trailer(message).partition("\n")
        return PullRequest(
            number=0,
            branch=branch,
            title=title.strip(),
            body=body.strip("\n"),
            state=state,
            url=f"{self.repo}#{branch}",
            context=hunks.trailer_of(message),
            hand_commits=hand_commits,
        )

    def _refs(self, namespace: str) -> list[str]:
        out = self._git("for-each-ref", "--format=%(refname)", namespace) or ""
        return sorted(line for line in out.splitlines() if line)

    def bot_pull_requests_naming(self, arxiv_ids: Sequence[str]) -> list[PullRequest]:
        return self.bot_pull_requests("all")  # local refs: all of them cost no request

    def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
        pulls: list[PullRequest] = []
        if state in ("open", "all"):
            for ref in self._refs(f"refs/heads/{self.branch_prefix}"):
                branch = ref.removeprefix("refs/heads/")
                merged = (
                    self._git("merge-base", "--is-ancestor", ref, self.default_branch, check=False)
                    is not None
                )
                if merged and state == "open":
                    continue
                pull = self._pull_request(ref, branch, "merged" if merged else "open")
                pulls.append(
                    pull
                    if merged
                    else replace(pull, mergeable=plumbing.merges_cleanly(self.repo, self.default_branch, ref))
                )
        if state in ("closed", "all"):
            for ref in self._refs(CLOSED_NAMESPACE):
                record = ref.removeprefix(CLOSED_NAMESPACE)
                pull = self._pull_request(ref, _closed_branch(record), "closed")
                pulls.append(replace(pull, url=f"{self.repo}#{record}"))  # each record its own
        return pulls

    def read_pull_request_file(self, pull_request: PullRequest, path: str) -> str:
        if pull_request.state == "closed":
            record = pull_request.url.rpartition("#")[2] or pull_request.branch
            return self._file_at(f"{CLOSED_NAMESPACE}{record}", path)
        return self._file_at(f"refs/heads/{pull_request.branch}", path)

    def read_again(self) -> None:
        pass  # every call reads the repository as it is

    def read_pull_request_base_file(self, pull_request: PullRequest, path: str) -> str | None:
        ref = f"refs/heads/{pull_request.branch}"
        if pull_request.state != "open" or pull_request.hand_commits or self._rev(f"{ref}^2") is not None:
            return None  # closed, commits on top of the bot's, or a merge: no one base to name
        parent = self._rev(f"{ref}^")
        return None if parent is None else self._file_at(parent, path)

    def propose(self, change: ChangeRequest) -> ProposalResult:
        if not change.branch.startswith(self.branch_prefix):
            raise ForgeError(
                f"branch {change.branch!r} is outside the bot's prefix "
                f"{self.branch_prefix!r} (config/github.yml branch_prefix)"
            )
        base = self._rev(self.default_branch)
        if base is None:
            raise ForgeError(f"default branch {self.default_branch!r} has no commits")
        base_text = self._file_at(base, change.path)
        new_text = change.edit(base_text)
        message = hunks.with_trailer(
            f"{change.title}\n\n{change.body.rstrip()}\n", hunks.fingerprint(base_text, new_text)
        )
        ref = f"refs/heads/{change.branch}"
        tip = self._rev(ref)
        if (
            tip is not None
            and self._is_current(tip, base, change.path, new_text, message)
            and all(self._file_at(tip, p) == text for p, text in change.extra_files)
        ):
            return ProposalResult(
                self._pull_request(ref, change.branch, "open"), "unchanged", self._diff(base, tip)
            )
        commit = self._commit_with_file(base, change.path, new_text, message, change.extra_files)
        # compare-and-swap: only from the tip read above (none: the branch must not exist yet)
        try:
            self._git("update-ref", ref, commit, tip or ZERO_OID)
        except ForgeError:
            if self._rev(ref) == tip:  # not moved: git refused for a reason of its own (a lock
                raise  # a crashed git left, a branch `bot` blocking `bot/...`): its words say it
            raise BranchMovedError(
                f"{change.branch} moved while this run rebuilt it (another run, or a commit on the "
                "branch): it is left as it is, and the next run reads it again"
            ) from None
        return ProposalResult(
            self._pull_request(ref, change.branch, "open"),
            "updated" if tip else "opened",
            self._diff(base, commit),
        )

    def _is_current(self, tip: str, base: str, path: str, text: str, message: str) -> bool:
        parent = self._rev(f"{tip}^")
        current_message = self._git("log", "-1", "--format=%B", tip) or ""
        return (
            parent == base and self._file_at(tip, path) == text and current_message.strip() == message.strip()
        )

    def _diff(self, base: str, commit: str) -> str:
        return self._git("diff", "--no-color", base, commit) or ""

    def add_missing_labels(self, pull_request: PullRequest, labels: Sequence[str] = ()) -> PullRequest:
        return pull_request  # local branches have no labels

    def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
        ref = f"refs/heads/{pull_request.branch}"
        tip = self._rev(ref)
        if tip is None:
            return
        self._remember_closed(pull_request.branch, tip)
        self._git("update-ref", "-d", ref, tip)

    def _remember_closed(self, branch: str, tip: str) -> None:
        """Keep ``tip`` as a closed PR of ``branch`` under the first free record name (compare-and-
        swap against no ref: an earlier closed PR of the branch is never overwritten)."""
        for _ in range(3):  # another writer may take the free name first
            taken = {
                ref.removeprefix(CLOSED_NAMESPACE): self._rev(ref)
                for ref in self._refs(CLOSED_NAMESPACE)
                if _closed_branch(ref.removeprefix(CLOSED_NAMESPACE)) == branch
            }
            if tip in taken.values():
                return  # this very commit is already remembered (a rerun after a crash)
            sequence = 1
            while (record := _closed_record(branch, sequence)) in taken:
                sequence += 1
            if self._git("update-ref", f"{CLOSED_NAMESPACE}{record}", tip, ZERO_OID, check=False) is not None:
                return
            if self._rev(f"{CLOSED_NAMESPACE}{record}") is None:  # not taken: git's own reason
                self._git("update-ref", f"{CLOSED_NAMESPACE}{record}", tip, ZERO_OID)
        raise ForgeError(
            f"{branch}: another writer keeps taking its next record under {CLOSED_NAMESPACE}; run again"
        )


def _closed_record(branch: str, sequence: int) -> str:
    return branch if sequence == 1 else f"{branch}{CLOSED_SUFFIX}{sequence}"


def _closed_branch(record: str) -> str:
    """The branch of a closed PR's record: ``bot/backfill-x@2`` is a second closed PR of
    ``bot/backfill-x``."""
    branch, at, sequence = record.rpartition(CLOSED_SUFFIX)
    return branch if at and branch and sequence and "/" not in sequence else record
