"""The "Add a paper" issue form's section dropdown: read it, and rewrite it keeping the file's
comments and layout (``init`` writes it, ``validate-config`` compares it with the taxonomy's
sections of papers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.core import yaml_aliases
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.core.taxonomy import Taxonomy

FORM_PATH = Path(".github") / "ISSUE_TEMPLATE" / "add-paper.yml"
FORM_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "add_paper_form.yml"


def paper_section_titles(taxonomy: Taxonomy) -> list[str]:
    """What the dropdown offers: the sections a paper can be added to, never one of tools or
    links (``/add`` refuses those: "lists tools, not papers")."""
    return [s.title for s in taxonomy.sections if s.kind == "papers"]


def form_options(text: str) -> list[str] | None:
    """The options of the form's ``section`` dropdown, or None when it has none."""
    try:
        form = yaml_aliases.safe_load(text)
    except yaml.YAMLError:
        return None
    for field_ in (form or {}).get("body", []) if isinstance(form, dict) else []:
        if isinstance(field_, dict) and field_.get("type") == "dropdown" and field_.get("id") == "section":
            options = (field_.get("attributes") or {}).get("options")
            return [str(o) for o in options] if isinstance(options, list) else None
    return None


def set_form_options(text: str, titles: list[str]) -> str:
    """The form with its section dropdown's options replaced (comments and layout kept)."""
    lines = text.splitlines(keepends=True)
    start = None
    for n, line in enumerate(lines):
        if re.match(r"\s*id:\s*section\s*$", line):
            start = n
        if start is not None and n > start and re.match(r"\s*options:\s*$", line):
            indent = len(line) - len(line.lstrip()) + 2
            end = n + 1
            while end < len(lines) and re.match(rf"\s{{{indent}}}- ", lines[end]):
                end += 1
            new = [f"{' ' * indent}- {_yaml_scalar(t)}\n" for t in titles]
            return "".join(lines[: n + 1] + new + lines[end:])
    raise ConfigError("the issue form has no `section` dropdown with an `options:` list")


def _yaml_scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, default_style=None, width=1000).strip()
    return dumped.removesuffix("\n...").strip()
