"""Untrusted text made safe for the markdown GitHub renders: one helper per place it goes.

Text from arXiv (titles, authors, venues, abstracts), from issue comments and from linked pages is
untrusted. Everywhere it is rendered in markdown (PR bodies, digests, the nightly PR table and
tracking issue, status comments, job summaries) it goes through one of these:

- :func:`inline` - prose, link text and table cells: invisible and bidi characters removed,
  one line, optionally capped, HTML special characters as entities, every markdown
  punctuation character that could open a link, image, emphasis, code span or table cell
  backslash-escaped, and ``@`` and ``#123`` defused so nobody is mentioned and no issue is
  linked. ``](https://evil.example)``,
  ``![x](...)`` and ``[Mallory](javascript:...)`` render as the characters typed.
- :func:`url_text` - a URL from a redirect or an API shown in a table: as is when it is plain,
  else as a code span.
- :func:`code_span` / :func:`fenced` - text shown exactly as typed, in a code span or block that
  nothing inside can close.
- :func:`plain_line` - one-line plain text (PR titles, commit messages): no invisible
  characters, no mentions or issue references (a title "Fixes #1" closes nothing), capped.
- :func:`escape_markdown` / :func:`unescape_markdown` - the catalog's own one-line entry
  escaping, which round-trips through the entry parser (``bot.core.entry``).
- :func:`has_markup` - whether hand-written text holds markup (a link, emphasis, code, inline
  HTML), as CommonMark reads it: such a catalog line is left to a human.
- :func:`sanitize_html` - the last step before a job summary is written: any raw HTML tag not in
  a short allow-list becomes text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.core.text import cap, strip_unsafe

# The catalog's escaping: characters that could end or restyle link text, table cells or inline
# HTML in a one-line entry. Kept as is: catalog.md lines are parsed back with unescape_markdown.
# the longest issue, pull request or comment body the bot writes: GitHub refuses one over 65,536
# characters (HTTP 422), and jobs that list papers or findings show what fits in this many
BODY_LIMIT = 65_000

# "~" and "$": GitHub strikes "2~3x and 5~10%" through (GFM strikethrough, one tilde or two) and
# sets "$5/$" as mathematics.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>|#~$])")
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_\[\]()<>|#~$])")
# For rendered prose: every ASCII punctuation character with a meaning in CommonMark or GFM
# inline syntax (links, images, emphasis, strikethrough, code, tables, autolinks, entities).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]()|#!~])")
# What would start a list item or a setext heading underline at the start of a line.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
# Tags a job summary may contain (written by our templates); anything else becomes text.
SUMMARY_TAGS = frozenset({"details", "summary", "br", "sub", "sup", "code", "b", "i", "em", "strong"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")  # matching backtick runs


def escape_markdown(text: str) -> str:
    """Backslash-escape everything that would break a one-line markdown entry."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unescape_markdown(text: str) -> str:
    return _MARKDOWN_ESCAPED.sub(r"\1", text)


# Characters without which CommonMark reads no inline markup (a fast path for has_markup).
_MARKUP_CHARS = re.compile(r"[\[\]*_`<!&\\~]")
_PLAIN_TOKENS = frozenset({"text", "text_special", "softbreak", "hardbreak"})


@cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough")  # GitHub's "~~struck~~" is markup


def has_markup(text: str) -> bool:
    """True when CommonMark reads markup in ``text``: a link or autolink, an image, emphasis (or
    GitHub's ``~~strikethrough~~``), a code span or inline HTML. Backslash escapes (``\\*``) and
    plain punctuation (``(Oral)``, ``LLM_Pruner``, ``2*3``) are not markup."""
    if not _MARKUP_CHARS.search(text):
        return False
    tokens = _inline_parser().parseInline(text)[0].children or []
    return any(token.type not in _PLAIN_TOKENS for token in tokens)


def no_mentions(text: str) -> str:
    """A zero-width space after each @, so that text from arXiv or a comment notifies nobody
    (neither ``@user`` nor ``@org/team``)."""
    return re.sub("@(?!\u200b)", "@\u200b", text)  # idempotent


# What GitHub links (and, after a closing keyword such as "Fixes", closes) as an issue or pull
# request: #123, owner/repo#123, GH-123, and the URL of an issue, pull request or discussion
# (github.com/owner/repo/issues/123: GitHub lists the reference in that issue's timeline, in any
# repository; owner and repository names as \_-escaped by inline). The markdown escape "\\#" does
# not stop it.
_ISSUE_URL = r"\bgithub\.com/[\w.\\-]+/[\w.\\-]+/(?:issues|pulls?|discussions)(?=/\d)"
_REFERENCE = re.compile(rf"(#)(?=[A-Za-z0-9])|\b(GH-)(?=\d)|({_ISSUE_URL})", re.IGNORECASE)
_ISSUE_URL_RE = re.compile(_ISSUE_URL, re.IGNORECASE)


def no_references(text: str) -> str:
    """:func:`no_mentions`, and a zero-width space after the ``#`` of ``#123`` or
    ``owner/repo#123``, the ``-`` of ``GH-123`` and the ``/issues`` (``/pull``, ``/discussions``)
    of an issue's URL, so that text from arXiv or a comment neither links (cross-references) nor,
    in a commit message or PR title, closes an issue. Idempotent."""
    return _REFERENCE.sub(lambda m: (m[1] or m[2] or m[3]) + "\u200b", no_mentions(text))


def cell(value: object) -> str:
    """Untrusted text in a markdown table cell: escaped, no @-mentions or issue references, one
    line, no invisible or direction-changing characters (as :func:`inline`)."""
    return no_references(escape_markdown(" ".join(strip_unsafe(str(value)).split())))


def defuse(text: str) -> str:
    """No hidden marker, HTML comment or @-mention can be formed by echoed text."""
    return no_mentions(text.replace("<!--", "<!\u200b--").replace("-->", "-\u200b->"))


def _one_line(text: str, limit: int | None) -> str:
    text = " ".join(strip_unsafe(str(text)).split())
    return cap(text, limit) if limit else text


def inline(text: object, limit: int | None = None) -> str:
    """Untrusted text as inline markdown that renders as the characters typed: no link, image,
    HTML, emphasis, table cell break or mention can come out of it."""
    text = _one_line(str(text), limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)
    return no_references(text)


# what :func:`inline` escapes with a backslash: its inline punctuation and the block starts
_INLINE_ESCAPED = re.compile(r"\\([\\`*_\[\]()|#!~.)+=-])")


def inline_text(shown: str) -> str:
    """The text :func:`inline` wrote ``shown`` from: its escapes, entities and zero-width spaces
    undone (a bot PR's abstract, read back from its body)."""
    text = _INLINE_ESCAPED.sub(r"\1", shown)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("\u200b", "")


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#!$&'*+,;=%-]+")


def url_text(url: object, limit: int = 300) -> str:
    """A URL shown in a table or list (it came from a redirect, an API or the catalog): as is when
    it is a plain http(s) URL GitHub autolinks and nothing else, else as a code span (so is the URL
    of a GitHub issue or pull request: as a link it would cross-reference it, see
    :func:`no_references`). A ``|`` is percent-encoded (the same URL): in a table it would end the
    cell, even inside a code span."""
    text = str(url).replace("|", "%7C")
    if (
        len(text) <= limit
        and _PLAIN_URL.fullmatch(text)
        and "@" not in text
        and not _ISSUE_URL_RE.search(text)
    ):
        return text
    return code_span(text, limit)


def code_span(text: str, limit: int = 120) -> str:
    """``text`` as one inline code span: shown as typed, never rendered (no HTML, no mentions)."""
    text = _one_line(text, limit)
    text = defuse(text) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(line: str, info: str = "markdown") -> str:
    """A one-line fenced block that nothing inside can close."""
    line = defuse(" ".join(strip_unsafe(line).split()))
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", line)), default=0) + 1)
    return f"{fence}{info}\n{line}\n{fence}"


def plain_line(text: str, limit: int = 300) -> str:
    """One line of plain text for a PR title or a commit subject: no invisible or bidi
    characters, no mentions or issue references, at most ``limit`` characters. Idempotent."""
    return no_references(_one_line(text, limit))


def plain_text(text: str, limit: int = 65_000) -> str:
    """Several lines of plain text (a commit message): each line as :func:`plain_line`."""
    lines = [no_references(" ".join(strip_unsafe(line).split())) for line in text.splitlines()]
    return cap("\n".join(lines).strip("\n"), limit)


def sanitize_html(text: str, allowed: frozenset[str] = SUMMARY_TAGS) -> str:
    """Markdown with raw HTML tags outside ``allowed`` turned into text (``&lt;img ...&gt;``);
    allowed tags keep no attributes except ``open`` on ``<details>``."""

    def tag(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        if name.lower() not in allowed:
            return "&lt;" + match.group(0)[1:-1] + "&gt;"
        keep = " open" if name.lower() == "details" and attributes.strip() == "open" else ""
        return f"<{closing}{name}{keep}>"

    return _TAG.sub(tag, text)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def fence_opening(line: str) -> str | None:
    """The fence (its run of backticks or tildes) that ``line`` opens as CommonMark reads one:
    three or more, at most three spaces in, no backtick in the info string of a backtick fence."""
    marker = _FENCE.match(line)
    if not marker or (marker.group(1)[0] == "`" and "`" in line[marker.end() :]):
        return None
    return marker.group(1)


def fence_closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes the code block ``fence`` opened: the same character, at least as
    many of it, nothing after them (a ```` fence is not closed by the ``` of an example inside)."""
    marker = _FENCE.match(line)
    return bool(
        marker
        and marker.group(1)[0] == fence[0]
        and len(marker.group(1)) >= len(fence)
        and not line[marker.end() :].strip()
    )


@cache
def block_parser() -> MarkdownIt:
    """CommonMark's blocks (with GitHub's tables, which a rule under a row ends), without inlines."""
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


def block_tokens(lines: list[str]) -> list[Token]:
    """markdown-it's block tokens of ``lines`` (:func:`block_parser`), parsed once for a text
    however many readers of the catalog's lines ask (HTML blocks, setext and ``#`` headings)."""
    return list(_block_tokens(block_text(lines)))


@lru_cache(maxsize=4)
def _block_tokens(text: str) -> tuple[Token, ...]:
    return tuple(block_parser().parse(text))


def block_text(lines: list[str]) -> str:
    """``lines`` (with or without their endings) as markdown-it's text, line for line: it breaks
    lines at a lone "\r" too, the models (and git's line numbers) do not."""
    return "\n".join(line.rstrip("\r\n").replace("\r", " ") for line in lines) + "\n"


# A line that may open an HTML block (CommonMark's kinds 1 to 7 start with "<" and a letter, "/",
# "!" or "?")
_HTML_START_RE = re.compile(r"^ {0,3}<[A-Za-z/!?]")


def html_block_lines(lines: list[str]) -> set[int]:
    """The lines (0-based) of the top-level HTML blocks, as CommonMark reads them (``<div>`` and the
    lines up to the next blank one): GitHub shows them as HTML, so a fence line there opens no code
    block. markdown-it decides, only when some line could open one."""
    if not any(_HTML_START_RE.match(line) for line in lines):
        return set()
    return {
        line
        for token in block_tokens(lines)
        if token.type == "html_block" and token.level == 0 and token.map
        for line in range(*token.map)
    }


def prose_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of the lines outside fenced code, with HTML comments and code
    spans blanked (``blank_comments_and_code``): the text a reader sees as prose, where the link
    checker looks for links and lint for links that are no entry. A fence line inside an HTML
    block opens no code block, as in the catalog model."""
    lines = list(lines)
    in_html = html_block_lines(lines) if any(map(fence_opening, lines)) else set()
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            if fence_closes(line, fence):
                fence = None
            continue
        opened = None if in_comment or number - 1 in in_html else fence_opening(line)
        if opened:
            fence = opened
            continue
        line, in_comment = blank_comments_and_code(line, in_comment)
        yield number, line


def blank_comments_and_code(line: str, in_comment: bool) -> tuple[str, bool]:
    """Replace ``<!-- ... -->`` (possibly spanning lines) and inline code spans (matching
    backtick runs) by spaces, keeping offsets. Whichever opens first wins: a ``<!--`` shown in a
    code span opens no comment, and backticks in a comment are part of it. Returns the line and
    whether a comment is still open at its end. The one rule of what GitHub hides: the link
    checker skips it, and the catalog marks the items it hides (``Item.hidden``). An escaped
    ``\\<!--`` (a title the bot wrote with ``escape_markdown``) is text, no comment."""
    out, pos = [], 0
    while pos < len(line):
        if in_comment:
            end = line.find("-->", pos)
            stop = len(line) if end < 0 else end + 3
            out.append(" " * (stop - pos))
            pos, in_comment = stop, end < 0
            continue
        start = _comment_start(line, pos)
        span = _CODE_SPAN.search(line, pos) if "`" in line else None
        if span and (start < 0 or span.start() < start):
            out.append(line[pos : span.start()] + " " * len(span.group(0)))
            pos = span.end()
        else:
            stop = len(line) if start < 0 else start
            out.append(line[pos:stop])
            pos, in_comment = stop, start >= 0
    return "".join(out), in_comment


def _comment_start(line: str, pos: int) -> int:
    """Where the first ``<!--`` from ``pos`` that is not backslash-escaped starts (-1: none)."""
    start = line.find("<!--", pos)
    while start > 0 and (len(line[:start]) - len(line[:start].rstrip("\\"))) % 2 == 1:
        start = line.find("<!--", start + 1)
    return start
