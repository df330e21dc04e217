"""A list's own intro: its first paragraph of prose before its first section, as text (links
reduced to their words, HTML and emphasis marks dropped: the site shows the intro as text; no
control or invisible character, which the taxonomy refuses), cut to whole sentences when long.
``init`` writes it as the catalog's ``intro`` (pure)."""

from __future__ import annotations

import re

from bot.core.text import strip_unsafe
from bot.sources.lists.items import shown_text

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"<[^>]*>|\*\*|__|`")  # HTML tags, bold, code marks
MAX_INTRO = 400  # characters of the list's own intro kept (a sentence or two)


def list_intro(text: str) -> str | None:
    """The list's own first paragraph of prose before its first section (links reduced to their
    text, HTML and emphasis marks dropped: the site shows the intro as text), or None: badges,
    HTML, lists and tables are not an intro."""
    paragraph: list[str] = []
    for line in [*shown_text(text).splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("## ") and not paragraph:
            return None  # the first section starts before any prose
        prose = stripped and not stripped.startswith(("<", "!", "[", "-", "*", "|", "#", ">", "`"))
        if prose:
            paragraph.append(stripped)
            continue
        if paragraph:
            intro = _MARKUP.sub("", _LINK.sub(r"\1", " ".join(paragraph)))
            intro = " ".join(strip_unsafe(intro).split())
            if len(intro.split()) >= 5:
                return intro if len(intro) <= MAX_INTRO else _shortened(intro)
            paragraph = []
    return None


_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def _shortened(intro: str) -> str:
    """A long intro cut to its whole sentences within ``MAX_INTRO`` (never "The contents of…");
    a first sentence longer than that is cut at a word, with an ellipsis."""
    ends = [m.end() for m in _SENTENCE_END.finditer(intro[: MAX_INTRO + 1])]
    if ends:
        return intro[: ends[-1]]
    return intro[: MAX_INTRO - 1].rsplit(" ", 1)[0] + "…"
