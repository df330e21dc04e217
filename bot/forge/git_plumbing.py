"""git as the local-git forge runs it: one command in a repository, in bytes (text mode would
turn a CRLF catalog's line endings into LF), as the bot's identity, a failure said in one line;
and the few plumbing steps built on it (a commit's id, a file at a commit, a commit built with a
temporary index, whether a branch merges), none of which touches the working tree or the index."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from bot.errors import ForgeError

IDENTITY = {
    "GIT_AUTHOR_NAME": "catalog-bot",
    "GIT_AUTHOR_EMAIL": "catalog-bot@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "catalog-bot",
    "GIT_COMMITTER_EMAIL": "catalog-bot@users.noreply.github.com",
}


def run_git(
    repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None, check: bool = True
) -> str | None:
    """git's output, or None when it fails and ``check`` is off (else a ``ForgeError``)."""
    # bytes, not text mode: text mode turns CRLF into LF, so a CRLF catalog read and written
    # back would change every line
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        input=None if stdin is None else stdin.encode("utf-8"),
        capture_output=True,
        env={**os.environ, **IDENTITY, **(env or {})},
    )
    if result.returncode != 0:
        if check:
            # one line, as an expected failure is printed: git's advice spans several
            stderr = " ".join(result.stderr.decode("utf-8", errors="replace").split())
            raise ForgeError(f"git {' '.join(args[:3])} failed in {repo}: {stderr}")
        return None
    return result.stdout.decode("utf-8")


def rev(repo: Path, ref: str) -> str | None:
    """The commit ``ref`` names, None when it names none."""
    out = run_git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out.strip() if out else None


def file_at(repo: Path, rev: str, path: str) -> str:
    """``path`` at ``rev`` ("" when it is not there)."""
    result = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo, capture_output=True)
    if result.returncode != 0:
        return ""
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:  # a clear error, not a traceback
        raise ForgeError(
            f"{path} on {rev.removeprefix('refs/heads/')} in {repo} is not UTF-8 text ({exc}): "
            "save it as UTF-8 and commit it again"
        ) from exc


def commit_with_file(
    repo: Path,
    parent: str,
    path: str,
    text: str,
    message: str,
    extra_files: tuple[tuple[str, str], ...] = (),
) -> str:
    """A new commit on ``parent`` with ``path`` (and ``extra_files``) set to their text, built with
    a temporary index; no ref moves."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run_git(repo, "read-tree", parent, env=env)
        for file_path, file_text in ((path, text), *extra_files):
            blob = run_git(repo, "hash-object", "-w", "--stdin", stdin=file_text)
            assert blob is not None
            run_git(
                repo, "update-index", "--add", "--cacheinfo", f"100644,{blob.strip()},{file_path}", env=env
            )
        tree = run_git(repo, "write-tree", env=env)
    assert tree is not None
    commit = run_git(repo, "commit-tree", tree.strip(), "-p", parent, stdin=message)
    assert commit is not None
    return commit.strip()


def merges_cleanly(repo: Path, into: str, ref: str) -> bool | None:
    """Whether ``ref`` merges into ``into`` without conflicts (``git merge-tree``, git 2.38 or
    newer; None with an older git)."""
    result = subprocess.run(
        ["git", "merge-tree", "--write-tree", "--name-only", into, ref],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return {0: True, 1: False}.get(result.returncode)
