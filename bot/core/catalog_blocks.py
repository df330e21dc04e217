"""What markdown makes of a catalog's lines before its entries are read (pure functions): which
lines are fenced code or inside an HTML comment, which are underlined (setext) headings, which
hold a bullet commented out. ``bot.core.catalog_parse`` reads the headings and items over them."""

from __future__ import annotations

import re

from bot.core.markdown import (
    blank_comments_and_code,
    block_tokens,
    fence_closes,
    fence_opening,
    html_block_lines,
)

BULLET_RE = re.compile(r"^([ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+\S")
# An underline (``=====`` or ``-----``) under a paragraph makes it a heading (setext); a bullet
# above one ends its own paragraph, so the line under it is a rule, not an underline.
_UNDERLINE_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*\r?\n?$")
_PARAGRAPH_ENDER_RE = re.compile(r"^ {0,3}[-*+][ \t]+\S")
# A whole line in one HTML comment (an editor's "toggle line comment": <!-- - [Title](...) -->)
_ONE_LINE_COMMENT_RE = re.compile(r"^[ \t]*<!--[ \t]*(?P<inner>(?:(?!-->).)*?)[ \t]*-->[ \t]*\r?\n?$")


def setext_headings(lines: list[str]) -> dict[int, tuple[int, str, int]]:
    """The underlined (setext) headings, as CommonMark reads them: by the line their text starts
    on, (level, title, lines taken). ``Title`` over ``=====`` is a ``#`` heading, over ``-----`` a
    ``##`` one; a ``---`` after a blank line, under a bullet (a list's lazy line too) or a table is
    a rule, and one inside a list item or a quote makes no heading of the catalog. markdown-it
    decides, and only reads the text when some line could be an underline."""
    if not any(
        _UNDERLINE_RE.match(lines[i]) and lines[i - 1].strip() and not _PARAGRAPH_ENDER_RE.match(lines[i - 1])
        for i in range(1, len(lines))
    ):
        return {}
    tokens = block_tokens(lines)
    found = {}
    for token, inline in zip(tokens, tokens[1:], strict=False):
        if token.type == "heading_open" and token.markup in ("=", "-") and token.level == 0 and token.map:
            start, end = token.map
            title = " ".join(part.strip() for part in inline.content.split("\n"))
            found[start] = (1 if token.markup == "=" else 2, title, end - start)
    return found


# A "#" line a list item or an HTML block may hold: indented (under a bullet), or after a line
# that could open an HTML block ("<details>", "<div>", "<table>"...) with no blank line between,
# or anywhere in a <pre>, <script>, <style> or <textarea> one (blank lines do not end those)
_HASHES_RE = re.compile(r"^[ \t]*#")
_HTML_START_RE = re.compile(r"^ {0,3}<[A-Za-z/!?]")
_RAW_START_RE = re.compile(r"^ {0,3}<(?:pre|script|style|textarea)(?:[ \t>]|$)", re.IGNORECASE)
_RAW_END_RE = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)


def buried_hash_lines(lines: list[str]) -> set[int] | None:
    """The lines where markdown-it reads no heading of the document, or None when every ``#``
    line is one: a ``#`` line in an HTML block (right under ``<details>``, with no blank line) is
    HTML, and one indented under a bullet is the item's own text (a heading inside the list item,
    as ``setext_headings`` reads an underline there). markdown-it decides, only when some ``#``
    line may be either (``_may_bury``: a whole parse of a big catalog takes seconds)."""
    if not _may_bury(lines):
        return None
    shown = {t.map[0] for t in block_tokens(lines) if t.type == "heading_open" and t.level == 0 and t.map}
    return set(range(len(lines))) - shown


def _may_bury(lines: list[str]) -> bool:
    """Whether some ``#`` line is indented, or may be in an HTML block (more than CommonMark's
    rules: markdown-it then decides)."""
    html = raw = False
    for line in lines:
        if raw:
            if _HASHES_RE.match(line):
                return True
            raw = not _RAW_END_RE.search(line)
        elif not line.strip():
            html = False
        elif _HASHES_RE.match(line) and (html or line[0] in " \t"):
            return True
        elif _HTML_START_RE.match(line):
            html = True
            raw = bool(_RAW_START_RE.match(line)) and not _RAW_END_RE.search(line)
    return False


def commented_bullet(line: str) -> str | None:
    """The bullet line that ``line`` holds as a whole one-line HTML comment
    (``<!-- - [Title](...) · arXiv ... -->``, as an editor comments a line out), or None."""
    found = _ONE_LINE_COMMENT_RE.match(line)
    inner = found.group("inner") if found else ""
    return inner if BULLET_RE.match(inner) else None


def code_and_comments(lines: list[str]) -> tuple[list[bool], list[bool]]:
    """For each line, whether it is fenced code, and whether it starts inside an HTML comment:
    the rule of the link checker and of lint's prose (``bot.core.markdown.prose_lines``), so that
    what the model reads as code or commented out is what they skip. A fence shown inside a
    comment opens no code block, nor one in an HTML block (``<div>`` and the lines up to the next
    blank one: CommonMark shows them as HTML; markdown-it decides, only when both could occur)."""
    fenced, starts_inside = [], []
    fence: str | None = None
    in_comment = False
    in_html = html_block_lines(lines) if any(map(fence_opening, lines)) else set()
    for index, line in enumerate(lines):
        starts_inside.append(in_comment)
        if fence is not None:
            fenced.append(True)
            fence = None if fence_closes(line, fence) else fence
            continue
        fence = None if in_comment or index in in_html else fence_opening(line)
        fenced.append(fence is not None)
        if fence is None:
            _, in_comment = blank_comments_and_code(line.rstrip("\r\n"), in_comment)
    return fenced, starts_inside


def without_bom(lines: list[str]) -> list[str]:
    """The lines as the patterns read them: a byte-order mark that an editor saved at the start
    (Notepad's UTF-8) is no text, so that the title heading under it is still a heading."""
    if lines and lines[0].startswith("\ufeff"):
        return [lines[0][1:], *lines[1:]]
    return lines
