"""Which section a person's words name in a command ("Quantization › Weight-only", "#other-1",
"the kv-cache section", "quantization weight-only"), and the nearest ones when none: pure
functions of the taxonomy."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.core import matching
from bot.core.taxonomy import Taxonomy
from bot.errors import UnknownSectionError
from bot.jobs.commands.replies import where_text

_PATH_RE = re.compile(
    r"\s*[›»>/]\s*"
)  # "Quantization › Weight-only Quantization", "quantization/weight-only"


_TO_RE = re.compile(r"(?i)^(?:to|into|in|under)\s+")  # "/move 2405.00732 to kv-cache"


def section_named(
    name: str, taxonomy: Taxonomy, anchors: Mapping[str, str] | None = None
) -> tuple[str, str | None] | None:
    """``(section, subsection)`` named as a person would: an id or heading in any case
    (``Taxonomy.resolve``), also as the bot shows it, "Section › Subsection" (or
    "section/subsection"), as a heading's ``#anchor``, or with spaces, underscores or "&" for the
    hyphens and "and" of an id or heading, after "to", "into", "in" or "under". None when it
    names no section. ``anchors``: the catalog's heading anchors by id (``contents_anchors``), so
    that "#other-1" is the heading GitHub gives that anchor, the second "Other" of the page."""
    anchored = [i for i, a in (anchors or {}).items() if "#" + a == name.strip().lower()]
    if anchored:
        return _by_id(anchored[0], taxonomy)
    found = _one_section(name, taxonomy)
    parts = [part for part in _PATH_RE.split(name.strip()) if part]
    if found is None and len(parts) == 2:  # a subsection under its own section
        parent = _one_section(parts[0], taxonomy)
        # among that section's subsections: a title may repeat under others ("Other", "Survey")
        child = _child_named(parts[1], parent[0], taxonomy) if parent and parent[1] is None else None
        if parent and child:
            return parent[0], child
    if found is None and _TO_RE.match(name.strip()):  # no section is named "to ..." here
        return section_named(_TO_RE.sub("", name.strip(), count=1), taxonomy)
    words = name.split()
    if found is None and len(words) > 1:
        inner = words[words[0].lower() == "the" :]
        inner = inner[:-1] if inner and inner[-1].lower() == "section" else inner
        if inner and len(inner) < len(words):  # "the kv-cache section": a sentence's words around it
            return section_named(" ".join(inner), taxonomy)
        return _with_child(words, taxonomy)  # "quantization weight-only"
    return found


def _with_child(words: Sequence[str], taxonomy: Taxonomy) -> tuple[str, str | None] | None:
    """A section then one of its subsections, by id or heading, with a space between them
    ("quantization weight-only"). Only splits into two names of a heading's length at most are
    tried: a hostile line of words costs a few slugs."""
    longest = _longest_name(taxonomy)
    tops = {key: s.id for s in taxonomy.sections for key in (_slug(s.id), _slug(s.title))}
    for cut in range(min(len(words) - 1, longest), max(0, len(words) - 1 - longest), -1):
        parent = tops.get(_slug(" ".join(words[:cut])))
        child = _child_named(" ".join(words[cut:]), parent, taxonomy) if parent else None
        if parent and child:
            return parent, child
    return None


def named_first(name: str, taxonomy: Taxonomy) -> str | None:
    """The longest run of ``name``'s first words that names a section or a subsection (by id or
    heading, or a section then its subsection) when words follow it ("kv-cache thanks!": the
    line's other text read as part of the name), else None."""
    words = name.split()
    names = {_slug(k) for s in (*taxonomy.sections, *taxonomy.subsections) for k in (s.id, s.title)}
    for cut in range(min(len(words) - 1, 2 * _longest_name(taxonomy)), 0, -1):
        if _slug(" ".join(words[:cut])) in names or _with_child(words[:cut], taxonomy):
            return " ".join(words[:cut]).rstrip(",;:.!?")
    return None


def _longest_name(taxonomy: Taxonomy) -> int:
    """The words of the longest id or heading of a section or subsection."""
    return max(len(k.split()) for s in (*taxonomy.sections, *taxonomy.subsections) for k in (s.id, s.title))


def _one_section(name: str, taxonomy: Taxonomy) -> tuple[str, str | None] | None:
    try:
        return taxonomy.resolve(name)
    except UnknownSectionError:
        pass
    wanted = _slug(name)
    for section in (*taxonomy.sections, *taxonomy.subsections):
        if wanted in (_slug(section.id), _slug(section.title)):
            return taxonomy.resolve(section.id)
    return None


def _by_id(section_id: str, taxonomy: Taxonomy) -> tuple[str, str | None]:
    sub = next((s for s in taxonomy.subsections if s.id == section_id), None)
    return (sub.parent or "", sub.id) if sub else (section_id, None)


def _child_named(name: str, section: str, taxonomy: Taxonomy) -> str | None:
    """The id of the subsection of ``section`` named ``name`` (id, heading or anchor, in any case,
    or the same with spaces, underscores or "&" for hyphens and "and")."""
    wanted = name.strip().strip("`'\"").lower()
    for sub in taxonomy.children(section):
        if wanted in (sub.id, sub.title.lower(), sub.anchor) or _slug(name) in (
            _slug(sub.id),
            _slug(sub.title),
        ):
            return sub.id
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")


def closest_sections(name: str, taxonomy: Taxonomy, limit: int = 3) -> list[str]:
    """The paper sections and subsections nearest to ``name`` (by id or heading), as
    "`id` (Heading)", a subsection's heading under its section's ("Quantization › Other": a
    subsection title may repeat under several sections)."""
    papers = [s for s in (*taxonomy.sections, *taxonomy.subsections) if s.kind == "papers"]
    return [
        f"`{s.id}` ({where_text(taxonomy, s.parent or s.id, s.id if s.parent else None)})"
        for s in matching.closest_sections(name, papers, limit)
    ]
