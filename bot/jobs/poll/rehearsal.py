"""What ``poll --dry-run`` reports for each change: the real run's outcome, rehearsed on the text the
run read. A dry run used to print "would open" without applying the change's edit, so a paper the
real run then failed (its line would not read back as an entry, a duplicate, a heading gone) was
announced as proposed; it now applies every edit as the forge would and reports what the forge would
(a failure, a paper already in the catalog, the PR and its diff).
"""

from __future__ import annotations

from collections.abc import Collection

from bot.core.changes import ChangeRequest
from bot.core.text import unified_diff
from bot.errors import ForgeError


def rehearse(change: ChangeRequest, base_text: str, open_branches: Collection[str]) -> tuple[str, str]:
    """``(action, diff)``: "would open" (or "would update", the branch's PR being open) and the
    unified diff of the change applied to ``base_text``. Raises what the real run's forge raises
    on that text: the edit's own ``DuplicateEntryError`` or ``CatalogError``, and, as the GitHub
    forge does, a ``ForgeError`` for an edit that leaves the file as it is."""
    new_text = change.edit(base_text)
    if new_text == base_text:
        raise ForgeError(f"the change for {change.branch} leaves {change.path} as it is: nothing to propose")
    action = "would update" if change.branch in open_branches else "would open"
    return action, unified_diff(change.path, base_text, new_text)


def added_lines(diff: str) -> list[str]:
    """The lines a unified diff adds, blank ones left out (the blank line before a section's first
    entry): what the dry run shows of each PR by default."""
    return [
        line[1:]
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++") and line[1:].strip()
    ]
