"""The lines of a comment that may be commands: its rendered paragraph text, found with a
CommonMark parser (markdown-it-py), not with regexes, and read as a reader sees it (``as_seen``).
Pure and linear in the text's length; ``bot.jobs.commands.parser`` reads the commands in them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.core.text import strip_unsafe

MAX_LINE = 2000  # characters; a real command line is far shorter
MAX_PARAGRAPH = 10_000  # characters; a longer paragraph is prose (or an attack), not commands
MAX_INLINE = 20_000  # characters of paragraphs given the inline pass, per text
LEAD = " \t*_~"  # emphasis markers before the slash (rendered as emphasis, not as text)


def as_seen(text: str) -> str:
    """``text`` as a reader sees it: without invisible and format characters (zero-width spaces,
    a BOM, soft hyphens, bidi marks: they come along when a command is copied from a web page, and
    GitHub shows nothing for them), and with compatibility forms as their plain characters (NFKC:
    the fullwidth ``２４０５．００７３２`` an input method types is ``2405.00732``)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", strip_unsafe(text))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """CommonMark; inline, only what decides whether text renders as text (code spans, HTML,
    escapes, entities, line breaks). Links and emphasis are left as text (their text renders either
    way; their markers are stripped from the arguments), which keeps the inline pass linear on
    hostile input (markdown-it-py's link and image rules are not)."""
    return MarkdownIt("commonmark", {"maxNesting": 20}).disable(["link", "image", "emphasis"])


@lru_cache(maxsize=1)
def _blocks() -> MarkdownIt:
    """The block structure only: a paragraph's inline pass runs only when it may hold a command."""
    return MarkdownIt("commonmark", {"maxNesting": 20}).disable(["inline"])


def _may_be_command(line: str) -> bool:
    """Whether a line of a paragraph's source can render as a command: at most MAX_LINE
    characters, starting (after emphasis markers) with a slash, an entity or an escape, read as a
    reader sees it (``as_seen``: invisible characters dropped, "／" a slash)."""
    return len(line) <= MAX_LINE and as_seen(line).lstrip(LEAD)[:1] in ("/", "&", "\\")


def _may_hold_command(source: str) -> bool:
    """Whether a paragraph's source has a line that can render as a command."""
    return any(_may_be_command(line) for line in source.split("\n"))


class _Line(NamedTuple):
    number: int  # 1-based
    text: str  # as rendered
    starts_with_text: bool  # False when the line starts with inline code or HTML
    unread: bool
    block: int  # the paragraph's; the items of a list right after a paragraph share its block
    gap: bool = False  # the first line of the paragraph right after one that ends with a command


_TASK_RE = re.compile(r"\[[ xX]\][ \t]+")  # a task list item's checkbox ("- [ ] /add ..."): no text
_LIST_OPEN = ("bullet_list_open", "ordered_list_open")


def paragraph_lines(text: str) -> Iterator[_Line]:
    """Every line of paragraph text outside quotes that may be a command, of the items of a list
    right after such a paragraph, and of the paragraph right after one whose last line may be a
    command (the ids under a ``/add``: the latter's first line is marked ``gap``). A paragraph
    over MAX_PARAGRAPH characters gets no inline pass (it costs a few microseconds per
    character): its lines come as written, marked unread; so do those of the paragraphs past
    MAX_INLINE characters of inline-parsed paragraphs. A task list item's checkbox
    (``- [ ] /add ...``, what issue templates write) is not text: GitHub shows a box."""
    depth, budget = 0, MAX_INLINE
    tokens = _blocks().parse(text)
    last, last_block = -1, -1  # the inline token of the last paragraph read, and its block
    under: tuple[int, int, str] | None = None  # (block, level, closing type) of a list after it
    ends_with_command = (-1, -1)  # (inline token, block) of the last paragraph read, if its last
    # line may be a command
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type in _LIST_OPEN and under is None and index >= 2 and index - 2 == last:
            under = (last_block, token.level, token.type.replace("_open", "_close"))
        elif under is not None and token.type == under[2] and token.level == under[1]:
            under = None
        elif token.type != "inline" or depth or not index or tokens[index - 1].type != "paragraph_open":
            continue
        else:
            content = token.content
            item = index >= 2 and tokens[index - 2].type == "list_item_open"
            if item and (box := _TASK_RE.match(content)):
                content = content[box.end() :]
            # the paragraph after a blank line under a command (``/add kv-cache``, then ids)
            gap = under is None and index >= 3 and ends_with_command[0] == index - 3
            if not (_may_hold_command(content) or (item and under is not None) or gap):
                continue
            block = under[0] if under is not None else ends_with_command[1] if gap else index
            last, last_block, first = index, block, (token.map[0] if token.map else 0) + 1
            ends_with_command = (index, block) if _may_be_command(content.rsplit("\n", 1)[-1]) else (-1, -1)
            if len(content) > min(MAX_PARAGRAPH, budget):
                for offset, line in enumerate(content.split("\n")):
                    yield _Line(first + offset, line, True, True, block, gap and not offset)
            else:
                budget -= len(content)
                [inline] = _markdown().parseInline(content)
                for offset, (n, line, start) in enumerate(_lines_of(inline, first)):
                    yield _Line(n, line, start, False, block, gap and not offset)


def _lines_of(inline: Token, number: int) -> Iterator[tuple[int, str, bool]]:
    parts: list[str] = []
    starts_with_text: bool | None = None
    for child in inline.children or ():
        if child.type in ("softbreak", "hardbreak"):
            yield number, "".join(parts), bool(starts_with_text)
            number, parts, starts_with_text = number + 1, [], None
        elif child.type == "html_inline":
            if starts_with_text is None:
                starts_with_text = False
        elif child.type in ("text", "code_inline"):
            if starts_with_text is None and child.content.strip():
                starts_with_text = child.type == "text"
            parts.append(child.content)
    yield number, "".join(parts), bool(starts_with_text)
