"""What a bot branch changes, in a form that survives unrelated pushes: the change's hunks.

A bot PR is one commit that edits the catalog (one inserted line for a paper, a removal, a move,
a digest's lines). Its *context fingerprint* is a short hash of the changed lines together with
one unchanged line on each side (a unified diff with one line of context, without line numbers).
The forge writes it as a trailer of the commit it builds (``Catalog-Bot-Context: <hash>``), so the
refresh job can tell, from the pull-request list alone, whether a push to the default branch
touched the PR's neighbourhood: if the same edit on the new default branch gives the same
fingerprint, merging the old commit gives exactly what a rebuild would (git's three-way merge
keeps changes that are at least one unchanged line apart), and the branch is left alone.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable

TRAILER = "Catalog-Bot-Context"
_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")  # lines with their endings, as bot.core.catalog_parse splits them
_TRAILER_RE = re.compile(rf"(?:\r?\n)*^{TRAILER}: (?P<value>[0-9a-f]{{16}})\s*\Z", re.M)


def fingerprint(old: str, new: str) -> str:
    """16 hex digits naming the change from ``old`` to ``new``: the changed lines with one unchanged
    line on each side. Where the change could be aligned in several ways (an inserted blank line
    next to a blank line), the window spans every alignment, so that whichever one git picks when
    it merges, its neighbours are inside. Two separate changes (a move) give one window from the
    first to the last: conservative, never too small."""
    return fingerprint_lines(_LINE_RE.findall(old), _LINE_RE.findall(new))


def fingerprint_lines(before: list[str], after: list[str]) -> str:
    """``fingerprint`` of texts given as lines with their endings (``Catalog.lines``)."""
    if before == after:
        return hashlib.sha256(b"").hexdigest()[:16]
    start_a, end_a = _common_ends(before, after, prefix_first=True)
    start_b, end_b = _common_ends(before, after, prefix_first=False)
    start, end = min(start_a, start_b), min(end_a, end_b)
    low, cut = max(start - 1, 0), max(end - 1, 0)
    digest = hashlib.sha256()
    for line in before[low : len(before) - cut]:
        digest.update(b"-" + line.encode() + b"\0")
    for line in after[low : len(after) - cut]:
        digest.update(b"+" + line.encode() + b"\0")
    return digest.hexdigest()[:16]


def _common_ends(before: list[str], after: list[str], prefix_first: bool) -> tuple[int, int]:
    """(lines in common at the start, at the end), the one side taken greedily first."""
    shortest = min(len(before), len(after))

    def prefix(limit: int) -> int:
        n = 0
        while n < limit and before[n] == after[n]:
            n += 1
        return n

    def suffix(limit: int) -> int:
        n = 0
        while n < limit and before[-1 - n] == after[-1 - n]:
            n += 1
        return n

    if prefix_first:
        start = prefix(shortest)
        return start, suffix(shortest - start)
    end = suffix(shortest)
    return prefix(shortest - end), end


def with_trailer(message: str, context: str) -> str:
    """The commit message with the context trailer (replacing an old one)."""
    return f"{without_trailer(message).rstrip()}\n\n{TRAILER}: {context}\n"


def trailer_of(message: str) -> str | None:
    """The context recorded in a commit message, or None (built before the trailer existed)."""
    match = _TRAILER_RE.search(message or "")
    return match["value"] if match else None


def without_trailer(message: str) -> str:
    return _TRAILER_RE.sub("", message or "")


def line_for_line(old: str, new: str) -> dict[str, str] | None:
    """The change from ``old`` to ``new`` as ``{old line: new line}`` when it only rewrites lines in
    place (the nightly PR: star counts, links, facts), each old line unique in ``old``; else None
    (lines inserted or removed, or a rewritten line that is not unique: no way to tell which)."""
    before, after = _LINE_RE.findall(old), _LINE_RE.findall(new)
    counts: dict[str, int] = {}
    for line in before:
        counts[line] = counts.get(line, 0) + 1
    pairs: dict[str, str] = {}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or a2 - a1 != b2 - b1:
            return None
        for line, rewritten in zip(before[a1:a2], after[b1:b2], strict=True):
            if counts[line] > 1:
                return None
            pairs[line] = rewritten
    return pairs


def replay(pairs: dict[str, str]) -> Callable[[str], str]:
    """The edit that rewrites, in any text, each line ``pairs`` names, once it is there once: the
    same rewrites on a default branch that moved on (a line edited or removed there meanwhile keeps
    its new text: that rewrite is dropped)."""

    def edit(text: str) -> str:
        lines = _LINE_RE.findall(text)
        seen: dict[str, int] = {}
        for line in lines:
            seen[line] = seen.get(line, 0) + 1
        return "".join(pairs[line] if seen[line] == 1 and line in pairs else line for line in lines)

    return edit
