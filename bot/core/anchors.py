"""Heading anchors as GitHub makes them: the one slug rule and the one de-duplication, shared
by the catalog's table of contents and the site's heading ids. Pure."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from markdown_it import MarkdownIt

# What GitHub keeps of a heading (Ruby's \p{Word}, plus "-" and " "): letters, marks, decimal
# and letter numbers, connector punctuation (the underscore). Emoji, other numbers ("²"),
# and every other symbol or punctuation mark are dropped.
_KEPT_CATEGORIES = ("L", "M", "Nd", "Nl", "Pc")


def _kept(char: str) -> bool:
    return char in "- " or unicodedata.category(char).startswith(_KEPT_CATEGORIES)


# A link and its label: the contents' link to a heading shows the label alone.
_LINK = re.compile(r"(?<!!)\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
# Tokens whose text a reader sees; every other inline token (emphasis and link marks, an image,
# an HTML tag) shows none. A line break shows as a space.
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})


@functools.cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough")  # GitHub's "~~" too


def rendered_text(heading: str) -> str:
    """The text GitHub shows for a heading's inline markdown (CommonMark, by markdown-it):
    ``"[Quantization](https://x)"`` shows "Quantization", ``"**Pruning**"`` "Pruning",
    ``"`__init__` hooks"`` "__init__ hooks"; an image or an HTML tag shows nothing."""
    tokens = _inline_parser().parseInline(heading)
    children = tokens[0].children or [] if tokens else []
    return "".join(
        token.content if token.type in _TEXT_TOKENS else " " if token.type in _BREAKS else ""
        for token in children
    )


def unlinked(heading: str) -> str:
    """The heading with each link replaced by its label, the rest of its markup kept: the label
    of the contents' link to it (a link inside a link's label is not one)."""
    return _LINK.sub(lambda m: m[1], heading)


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading, made from its rendered text (``rendered_text``: a link's
    label, not its address; a leading image leaves its space, as an emoji does): lowercase,
    everything but letters, marks, numbers, "_", "-" and spaces dropped, each space a hyphen
    (``"A & B"`` is ``"a--b"``)."""
    text = "".join(char for char in rendered_text(heading.strip()).lower() if _kept(char))
    return text.replace(" ", "-")


def unique_anchors(slugs: Iterable[str], reserved: Callable[[str], bool] = lambda _: False) -> list[str]:
    """Each slug made unique in document order as GitHub does: a repeated one gets "-1", "-2"...
    (the first free), and no anchor is one ``reserved`` refuses."""
    taken: set[str] = set()
    anchors = []
    for base in slugs:
        anchor, count = base, 0
        while anchor in taken or reserved(anchor):
            count += 1
            anchor = f"{base}-{count}"
        taken.add(anchor)
        anchors.append(anchor)
    return anchors


def github_anchors(headings: Iterable[str]) -> list[str]:
    """The anchor GitHub gives each heading of a document, every heading listed in order."""
    return unique_anchors(slugify(heading) for heading in headings)
