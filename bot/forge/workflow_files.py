"""Which of a repository's GitHub Actions workflows run the bot: the files of
``.github/workflows/`` (``*.yml``, ``*.yaml``) whose text runs it (``runs_the_bot``). init says
when none does, doctor checks those that do; both ask here, so they agree on what is the bot's.

A file that cannot be read (a folder named ``old.yml``, a link to nothing, no permission) is no
workflow of the bot's: GitHub cannot run it either, and the checks go on with the others.
"""

from __future__ import annotations

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
