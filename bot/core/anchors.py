"""Heading anchors as GitHub makes them: the one slug rule and the one de-duplication, shared
by the catalog's table of contents and the site's heading ids. Pure."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

# What GitHub keeps of a heading (Ruby's \p{Word}, plus "-" and " "): letters, marks, decimal
# and letter numbers, connector punctuation (the underscore). Emoji, other numbers ("²"),
# and every other symbol or punctuation mark are dropped.
_KEPT_CATEGORIES = ("L", "M", "Nd", "Nl", "Pc")


def _kept(char: str) -> bool:
    return char in "- " or unicodedata.category(char).startswith(_KEPT_CATEGORIES)


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, everything but letters, marks, numbers, "_",
    "-" and spaces dropped, each space a hyphen (``"A & B"`` is ``"a--b"``)."""
    text = "".join(char for char in heading.strip().lower() if _kept(char))
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
