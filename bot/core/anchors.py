"""Heading anchors as GitHub makes them: the one slug rule and the one de-duplication, shared
by the catalog's table of contents and the site's heading ids. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# What GitHub keeps of a heading (Ruby's \p{Word}, plus "-" and " "): letters, marks, decimal
# and letter numbers, connector punctuation (the underscore). Emoji, other numbers ("²"),
# and every other symbol or punctuation mark are dropped.
_KEPT_CATEGORIES = ("L", "M", "Nd", "Nl", "Pc")


def _kept(char: str) -> bool:
    return char in "- " or unicodedata.category(char).startswith(_KEPT_CATEGORIES)


# Inline markdown, in the order it binds: a code span or an escape is literal text; an image
# renders no text, a link its label, an autolink its address, an HTML tag nothing, emphasis and
# strikethrough their content. Private-use characters hold the literals meanwhile.
_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = (
    re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)"),  # "_" not inside a word
    re.compile(r"(\*{1,3}|~~)(?=\S)(.+?)(?<=\S)\1"),
)
_HELD = 0xF0000  # a plane of private-use characters, none of which a heading has


def _code_text(code: str) -> str:
    """A code span's text: one space each side is dropped when both are there (CommonMark)."""
    return code[1:-1] if len(code) > 2 and code[0] == code[-1] == " " and code.strip() else code


def rendered_text(heading: str) -> str:
    """The text GitHub shows for a heading's inline markdown: ``"[Quantization](https://x)"``
    shows "Quantization", ``"**Pruning**"`` "Pruning", ``"`__init__` hooks"`` "__init__ hooks"."""
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return chr(_HELD + len(held) - 1)

    text = _CODE.sub(lambda m: hold(_code_text(m[2])), heading)
    text = _ESCAPE.sub(lambda m: hold(m[1]), text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m[1], text)
    text = _AUTOLINK.sub(lambda m: hold(m[1]), text)
    text = _TAG.sub("", text)
    for pattern in _EMPHASIS:
        while (unwrapped := pattern.sub(lambda m: m[2], text)) != text:
            text = unwrapped
    return "".join(held[ord(c) - _HELD] if _HELD <= ord(c) < _HELD + len(held) else c for c in text)


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
