"""A list's headings as the config names them (pure): a heading as a section's title
(``display_title``: no marks, emoji or entities; the list's numbering), an id made from a title,
a heading path without its year headings, a heading that names no topic ("Papers"), and the
list's own title and contents heading.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from pathlib import Path

from bot.core.anchors import slugify
from bot.sources.lists import clean_heading
from bot.sources.lists.items import shown_text

FALLBACK_TITLE = "Awesome Papers"  # a README without a `#` heading
MAX_ID_LENGTH = 40  # an id longer than that is cut at a word ("speculative-and-parallel-decoding")

# "1. Quantization", "1.1 Weight-only", "2) Pruning": the list's own numbering ("2024 Papers" is
# no numbering: a number is one when a dot or a parenthesis follows it, or it has parts)
NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]|\d+(?:\.\d+)+)\s+(?=\S)")
_SHORTCODE = re.compile(r"(?<!\w):[a-z0-9_+-]+(?::|$)")  # GitHub's emoji, ":fire:"
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]+(?=\S)|(?<=\S)[*_]+(?![\w*_])|`")


def display_title(title: str) -> str:
    """A heading as a title shows it: no emphasis or code marks (``*Efficient* Inference``),
    emoji shortcodes (``:fire:``) or HTML entities (``&amp;``); the words as written."""
    title = _EMPHASIS.sub("", _SHORTCODE.sub("", html.unescape(title)))
    return " ".join(re.sub(r"^[^\w(]+|[^\w)?]+$", "", title).split())


def make_id(title: str, taken: set[str]) -> str:
    """An id for ``title`` that is not in ``taken`` (added to it): its slug, at most
    ``MAX_ID_LENGTH`` long, ``-2``, ``-3``... after one already taken."""
    base = slugify(title).strip("-_")
    base = re.sub(r"[^a-z0-9-]+", "-", base.replace("_", "-"))
    base = _whole_words(re.sub(r"-{2,}", "-", base).strip("-")) or "section"
    if not base[0].isalnum():
        base = f"s-{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _whole_words(slug: str) -> str:
    """``slug`` cut to ``MAX_ID_LENGTH`` at a word, not inside one (``...-decodin``), unless its
    first words are longer than half of that."""
    if len(slug) <= MAX_ID_LENGTH:
        return slug
    cut = slug[: MAX_ID_LENGTH + 1].rfind("-")
    return (slug[:cut] if cut >= MAX_ID_LENGTH // 2 else slug[:MAX_ID_LENGTH]).strip("-")


_YEAR = re.compile(r"(?:19|20)\d\d")


def without_years(path: tuple[str, ...]) -> tuple[str, ...]:
    """A heading path without its innermost year headings ("Quantization > 2024"): a year says
    when a paper came, not what it is about, so it is no section (a rule `2024` would take any
    paper saying the year); its entries count for the heading above, whose rule maps them."""
    while path and _YEAR.fullmatch(display_title(path[-1])):
        path = path[:-1]
    return path


# a heading that says what its entries are, not what they are about ("Quantization > Papers" beside
# "Quantization > Survey"): no subsection ("Papers on Papers"), its entries are its section's
_NO_TOPIC = re.compile(
    r"(?:(?:research|selected|all) )?(?:papers?|publications?)(?: list)?|paper ?list",
    re.I,
)


def names_no_topic(title: str) -> bool:
    return bool(_NO_TOPIC.fullmatch(display_title(title)))


_CONTENTS = re.compile(r"^(table of )?contents?$|^paper ?list$|^papers$", re.IGNORECASE)


def contents_heading(text: str, section_titles: Collection[str]) -> str:
    """The list's own table-of-contents heading, "Table of Contents" or "Contents" as it writes
    it (kept, not renamed), else "Contents"; never a section's title."""
    for line in shown_text(text).splitlines():
        if re.match(r"#{2,3} ", line) and re.fullmatch(
            r"(?i)(table of )?contents", title := clean_heading(line)
        ):
            return title if title.lower() not in section_titles else "Contents"
    return "Contents"


def document_title(text: str) -> str:
    """The list's ``#`` heading (or underlined with ``===``), or its HTML ``<h1>``; none in a
    comment."""
    for line in shown_text(text).splitlines():
        if line.startswith("# "):
            return clean_heading(line[2:]) or ""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.IGNORECASE | re.DOTALL)
    return clean_heading(re.sub(r"<[^>]+>", "", match[1])) if match else ""


def fallback_title(prefix: tuple[str, ...], name: str) -> str:
    if prefix and not _CONTENTS.match(prefix[0]):
        return prefix[0]
    stem = Path(name).stem
    return FALLBACK_TITLE if stem.lower() in ("readme", "index") else stem.replace("_", " ")
