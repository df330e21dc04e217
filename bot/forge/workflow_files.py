"""Which of a repository's GitHub Actions workflows run the bot: the files of
``.github/workflows/`` (``*.yml``, ``*.yaml``) whose text runs it (``runs_the_bot``). init says
when none does, doctor checks those that do; both ask here, so they agree on what is the bot's.

``action_refs`` finds the steps that use an action and the ref each runs it at: doctor fails a
copy that kept docs/adopt.md's placeholder commit and warns of the bot's action at a tag or branch.

A file that cannot be read (a folder named ``old.yml``, a link to nothing, no permission) is no
workflow of the bot's: GitHub cannot run it either, and the checks go on with the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.repo_files import runs_the_bot

WORKFLOWS_DIR = Path(".github") / "workflows"


def workflow_texts(root: Path) -> dict[Path, str]:
    """Every readable workflow file of the repository at ``root``, by path (sorted), with its text
    (undecodable bytes replaced: a comment saved in Windows-1252 is no reason to stop)."""
    texts = {}
    for path in sorted((root / WORKFLOWS_DIR).glob("*.y*ml")):
        try:
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return texts


def bot_workflows(root: Path) -> list[Path]:
    """The workflow files of the repository at ``root`` that run the bot, sorted."""
    return [path for path, text in workflow_texts(root).items() if runs_the_bot(text)]


# a step's `uses: OWNER/REPO[/PATH]@REF`: the bot's action is OWNER/catalog-bot (or a fork's
# OWNER/my-catalog-bot)
_USES = re.compile(
    r"^[ \t]*(?:-[ \t]+)?uses:[ \t]*['\"]?(?P<action>[\w.-]+/[^\s@'\"#]+)@(?P<ref>[^\s'\"#]*)", re.MULTILINE
)
_BOT_ACTION = re.compile(r"[\w.-]+/[\w.-]*catalog-bot")
_COMMIT = re.compile(r"[0-9a-f]{40}")
PLACEHOLDER_COMMIT = "0" * 40  # docs/adopt.md's and docs/workflows/'s: a copy names the release's


@dataclass(frozen=True)
class ActionRef:
    """One step of a workflow that uses an action of another repository: where, which action, at
    which ref."""

    line: int
    action: str
    ref: str

    @property
    def is_bot(self) -> bool:
        return bool(_BOT_ACTION.fullmatch(self.action))

    @property
    def placeholder(self) -> bool:
        return self.ref == PLACEHOLDER_COMMIT

    @property
    def pinned(self) -> bool:
        """Pinned by a commit: a tag or a branch can move, and the job runs whatever it then names
        with the list's write token."""
        return bool(_COMMIT.fullmatch(self.ref))


def action_refs(text: str) -> list[ActionRef]:
    """The steps of a workflow's text that use another repository's action, in order."""
    return [
        ActionRef(text.count("\n", 0, match.start()) + 1, match["action"], match["ref"])
        for match in _USES.finditer(text)
    ]


def placeholder_problems(workflows: list[Path]) -> list[str]:
    """The steps still at docs/adopt.md's placeholder commit (``@000...``, copied as they are: the
    bot's action, the GitHub App's token step), in one line: GitHub cannot resolve the action, and
    each job fails before the bot runs."""
    found = [
        (path, ref)
        for path in workflows
        for ref in action_refs(path.read_text(encoding="utf-8", errors="replace"))
        if ref.placeholder
    ]
    if not found:
        return []
    places = ", ".join(f"{path.name}:{ref.line}" for path, ref in found)
    actions = ", ".join(
        f"`uses: {action}@000...`" for action in dict.fromkeys(ref.action for _, ref in found)
    )
    return [
        f"{found[0][0].parent}: {actions} is docs/adopt.md's placeholder ({places}): replace it with the "
        "action's repository and its release's full commit SHA (`@<sha> # vX.Y.Z`, docs/adopt.md step 6)"
    ]


def pin_warnings(workflows: list[Path]) -> list[str]:
    """The bot's steps at a tag or a branch (``@v0.1.0``, ``@main``): it works, but whoever can move
    that ref runs code with the list's write token; a commit cannot move."""
    return [
        f"{path}:{ref.line}: `uses: {ref.action}@{ref.ref}` runs whatever that tag or branch names "
        f"when the job starts, with your token: pin the release's commit instead (`@<sha> # {ref.ref}`: "
        "docs/adopt.md step 6; Dependabot keeps it current)"
        for path in workflows
        for ref in action_refs(path.read_text(encoding="utf-8", errors="replace"))
        if ref.is_bot and not ref.pinned
    ]
