"""GitHub Actions' branch and path filters (`on: push: branches:`, `branches-ignore:`, `paths:` and
`paths-ignore:`), as GitHub reads them ("Filter pattern cheat sheet" of the workflow syntax). Pure.

``*`` matches any characters but ``/``; ``**`` any characters; ``?`` and ``+`` make the character
before them optional or repeatable; ``[...]`` is one character of a set or range; ``\\`` escapes the
next character. In ``branches``, a pattern starting with ``!`` excludes what it matches, and the
patterns are read in order: the last one that matches a branch decides. Paths are matched the same
way (``*`` stops at ``/``: ``*.md`` is a file at the root).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any


@functools.cache
def _pattern(glob: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char in "?+":
            out.append(char)  # of the character before, as in a regular expression
        elif char == "[" and (end := glob.find("]", i + 1)) > i + 1:
            out.append("[" + glob[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end
        elif char == "\\" and i + 1 < len(glob):
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:  # "?" first, say: GitHub refuses such a workflow; match it literally
        return re.compile(re.escape(glob))


def matches(name: str, glob: str) -> bool:
    """Whether one filter pattern (without ``!``) matches the whole branch name."""
    return _pattern(glob).fullmatch(name) is not None


def branch_selected(name: str, patterns: Sequence[Any]) -> bool:
    """``branches:``: the last pattern matching ``name`` decides (``!pattern`` excludes)."""
    selected = False
    for pattern in map(str, patterns):
        negative = pattern.startswith("!")
        if matches(name, pattern[1:] if negative else pattern):
            selected = not negative
    return selected


def push_runs_on(branch: str, push: Mapping[str, Any] | None) -> bool:
    """Whether a workflow's ``on: push:`` settings run it for a push to ``branch``: no settings, or
    none about refs, run it for every branch; tag filters alone (``tags:``, ``tags-ignore:``) run
    it for tags only ("If you define only tags/tags-ignore or only branches/branches-ignore, the
    workflow won't run for events affecting the undefined Git ref")."""
    if not isinstance(push, Mapping):
        return True
    selected = _filtered(branch, push, "branches")
    return not names_tags_only(push) if selected is None else selected


def names_tags_only(push: Mapping[str, Any] | None) -> bool:
    """Whether ``on: push:`` filters tags and says nothing of branches (a release trigger)."""
    if not isinstance(push, Mapping) or "branches" in push or "branches-ignore" in push:
        return False
    return "tags" in push or "tags-ignore" in push


def push_runs_for_file(path: str, push: Mapping[str, Any] | None) -> bool:
    """Whether a push that changes ``path`` alone runs a workflow, as its ``on: push:`` path
    filters say: ``paths`` as ``branches`` (the last matching pattern decides, ``!`` excludes),
    ``paths-ignore`` skips a push whose every changed file it matches; no path filter runs it."""
    if not isinstance(push, Mapping):
        return True
    selected = _filtered(path, push, "paths")
    return True if selected is None else selected


def _filtered(name: str, push: Mapping[str, Any], key: str) -> bool | None:
    """What the ``key`` (``branches``, ``paths``) or ``key-ignore`` filter of ``on: push:`` says
    of ``name``: the last matching pattern of ``key`` decides, any of ``key-ignore`` skips it;
    None when neither is given."""
    chosen, ignored = push.get(key), push.get(f"{key}-ignore")
    if isinstance(chosen, str):
        chosen = [chosen]
    if isinstance(ignored, str):
        ignored = [ignored]
    if isinstance(chosen, list):
        return branch_selected(name, chosen)
    if isinstance(ignored, list):
        return not any(matches(name, str(p)) for p in ignored)
    return None
