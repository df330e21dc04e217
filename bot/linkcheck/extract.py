"""Find every http(s) link in a markdown document, with the 1-based lines it occurs on.

One scan, no markdown parser: every ``http://`` / ``https://`` outside code and HTML comments
is a link, and *where it ends* depends on what stands right before it:

- ``](url ...)`` and ``[label]: url`` (link and image destinations, reference definitions):
  up to whitespace or an unbalanced ``)``; ``](<url>)`` up to ``>``; backslash escapes and
  entities decoded as CommonMark does;
- ``<url>`` (autolinks): up to ``>``;
- ``href="url"`` / ``src='url'`` / ``src=url`` (HTML attributes): up to the quote, or up to
  whitespace or ``>`` when unquoted; entities decoded;
- anything else is a bare URL in prose: up to whitespace or ``<``, then the GFM rules drop
  trailing punctuation and unbalanced ``)`` / ``]``.

Images nested in links (``[![badge](img)](repo)``) need nothing special: both URLs are found.
A URL inside another one (``https://web.archive.org/web/2020/https://x.org``) is one link.
Relative links and ``www.`` autolinks without a scheme are not checked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.core.markdown import prose_lines
from bot.core.text import numbered_lines

_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_REF_DEF = re.compile(r"^ {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*<?$")
_DEST_OPEN = re.compile(r"\]\([ \t]*<?$")
_ATTR_OPEN = re.compile(r"""\b(?:href|src|poster|data|action|cite)[ \t]*=[ \t]*(["']?)$""", re.IGNORECASE)
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BARE_STOP = re.compile(r"[\s<>\"`|]")
_TRAILING_PUNCTUATION = "?!.,:;*_~'\""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class Link:
    """One unique URL of a document and the 1-based lines it occurs on (sorted, unique)."""

    url: str
    lines: tuple[int, ...]


def extract_links(text: str) -> list[Link]:
    """Every unique http(s) URL of ``text``, in order of first occurrence."""
    found: dict[str, list[int]] = {}
    for line_number, line in prose_lines(numbered_lines(text)):
        for url in _urls_in_line(line):
            lines = found.setdefault(url, [])
            if not lines or lines[-1] != line_number:
                lines.append(line_number)
    return [Link(url, tuple(lines)) for url, lines in found.items()]


def _urls_in_line(line: str) -> Iterator[str]:
    pos = 0
    while (match := _SCHEME.search(line, pos)) is not None:
        start = match.start()
        url, end = _url_at(line, start)
        pos = max(end, match.end())
        if _has_host(url):
            yield url


def _url_at(line: str, start: int) -> tuple[str, int]:
    """The URL starting at ``start`` and the offset where it ends, judged by its context."""
    before = line[:start]
    if before.endswith("<"):
        in_destination = bool(_DEST_OPEN.search(before) or _REF_DEF.match(before))
        end = _find_any(line, start, ">" if in_destination else "> \t")
        url = line[start:end]
        return (_unescape(url) if in_destination else url), end
    if _DEST_OPEN.search(before) or _REF_DEF.match(before):
        end = _destination_end(line, start)
        return _unescape(line[start:end]), end
    attribute = _ATTR_OPEN.search(before)
    if attribute:
        quote = attribute.group(1)
        end = _find_any(line, start, quote if quote else " \t>")
        return _decode_entities(line[start:end]), end
    return _bare_url(line, start)


def _destination_end(line: str, start: int) -> int:
    """End of a link destination: whitespace or the ``)`` that closes the link."""
    depth, pos = 0, start
    while pos < len(line):
        char = line[pos]
        if char == "\\" and pos + 1 < len(line):
            pos += 2
            continue
        if char.isspace() or (char == ")" and depth == 0):
            break
        depth += (char == "(") - (char == ")")
        pos += 1
    return pos


def _bare_url(line: str, start: int) -> tuple[str, int]:
    """A URL in prose, with the GFM autolink rules for where it stops."""
    stop = _BARE_STOP.search(line, start)
    end = stop.start() if stop else len(line)
    url = line[start:end]
    while url:
        last = url[-1]
        unbalanced = (last == ")" and url.count(")") > url.count("(")) or (
            last == "]" and url.count("]") > url.count("[")
        )
        if last not in _TRAILING_PUNCTUATION and not unbalanced:
            break
        url = url[:-1]
    cut = _unbalanced_close(url)
    return url[:cut], start + cut


def _unbalanced_close(url: str) -> int:
    """Offset of the first ``]`` without a matching ``[`` (a bare URL in link text ends there)."""
    depth = 0
    for index, char in enumerate(url):
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return index
            depth -= 1
    return len(url)


def _find_any(line: str, start: int, stops: str) -> int:
    positions = [p for p in (line.find(c, start) for c in stops) if p >= 0]
    return min(positions, default=len(line))


def _unescape(destination: str) -> str:
    return _decode_entities(_BACKSLASH_ESCAPE.sub(r"\1", destination))


def _decode_entities(text: str) -> str:
    """Decode ``&amp;``-style references; only with their ``;`` (``&section=`` stays as is)."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False
