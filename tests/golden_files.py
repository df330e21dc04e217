"""Golden files (tests/golden/): what the docs show, rendered by the tests so it cannot drift."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
DOCS = GOLDEN.parents[1] / "docs"
UPDATE_HINT = "run with UPDATE_GOLDEN=1 and review the diff"


def golden(name: str, text: str) -> str:
    """The text of ``tests/golden/<name>``; with ``UPDATE_GOLDEN=1`` in the environment, ``text``
    is written there first (then review the diff)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def assert_shown_in_docs(page: str, name: str, text: str) -> None:
    """``text`` is ``tests/golden/<name>`` (see ``golden``), and ``docs/<page>`` includes that
    file with a pymdownx snippet line, so the page shows what the code prints."""
    assert text == golden(name, text), UPDATE_HINT
    include = f'--8<-- "tests/golden/{name}"'
    assert include in (DOCS / page).read_text(encoding="utf-8"), f"docs/{page} must include it: {include}"
