"""The taxonomy: the catalog's sections and subsections, from ``config/taxonomy.yml``."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.anchors import rendered_text, slugify
from bot.core.matching import closest_sections
from bot.errors import ConfigError, UnknownSectionError


@functools.lru_cache(maxsize=4096)
def heading_key(title: str) -> str:
    """How a heading is matched with a section's title: the text GitHub shows for it (a link's
    label, without emphasis, code or HTML marks: ``anchors.rendered_text``), without emoji and
    other symbols, spaces collapsed, in any case. ``[Pruning](#pruning)``, ``**Pruning**`` and
    ``Pruning 🔧`` are all the heading ``Pruning``; ``C++ / CUDA`` keeps its ``+`` and ``/``."""
    return shown_title(title).casefold()


def shown_title(title: str) -> str:
    """A heading's text as GitHub shows it, without emoji and other symbols, spaces collapsed:
    ``heading_key`` before the case is folded."""
    shown = "".join(char for char in rendered_text(title) if not _decoration(char))
    return " ".join(shown.split())


def _decoration(char: str) -> bool:
    """An emoji or another pictograph, its variation selector, skin tone, keycap or joiner."""
    category = unicodedata.category(char)
    return (
        category in ("So", "Cf", "Me")
        or (category == "Sk" and not char.isascii())
        or "\ufe00" <= char <= "\ufe0f"
    )


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    kind: str = "papers"  # "papers" or "resources"
    parent: str | None = None  # the section id, for a subsection

    @property
    def anchor(self) -> str:
        return slugify(self.title)


@dataclass(frozen=True)
class Taxonomy:
    title: str
    intro: str
    contents_heading: str
    sections: tuple[Section, ...]
    subsections: tuple[Section, ...]
    footer_headings: tuple[str, ...] = ()  # "## Contributing", "## License": the maintainer's prose
    language: str = "en"  # BCP 47: the site's <html lang>
    # the maintainer's sections above the list ("About"): None finds them (prose), () has none
    header_headings: tuple[str, ...] | None = None
    labels: tuple[tuple[str, str], ...] = ()  # the site's own words given in config (bot.site.labels)

    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]

    def get(self, section_id: str, subsection_id: str | None = None) -> Section:
        for section in self.sections if subsection_id is None else self.subsections:
            if section.id == (subsection_id or section_id) and (
                subsection_id is None or section.parent == section_id
            ):
                return section
        raise self._unknown(subsection_id or section_id)

    def children(self, section_id: str) -> list[Section]:
        return [s for s in self.subsections if s.parent == section_id]

    def by_title(self, title: str, parent: str | None = None) -> Section | None:
        """The section (``parent`` None) or the subsection of ``parent`` whose heading is
        ``title``, by the text it shows (``heading_key``: any case, a link, emphasis or an emoji
        around it). Subsection titles may repeat across sections ("Other") and match a
        section's: only the heading's own level and parent are looked at."""
        wanted = heading_key(title)
        candidates = self.sections if parent is None else self.children(parent)
        return next((s for s in candidates if heading_key(s.title) == wanted), None)

    def is_contents(self, title: str) -> bool:
        """Whether a heading is the table of contents' (``contents_heading``, as ``by_title``
        matches)."""
        return heading_key(title) == heading_key(self.contents_heading)

    def is_footer(self, title: str) -> bool:
        """Whether a heading is one of ``footer_headings`` (as ``by_title`` matches)."""
        return heading_key(title) in {heading_key(t) for t in self.footer_headings}

    def is_header(self, title: str) -> bool:
        """Whether a heading is one of ``header_headings`` named (as ``by_title`` matches)."""
        return heading_key(title) in {heading_key(t) for t in self.header_headings or ()}

    def resolve(self, name: str) -> tuple[str, str | None]:
        """A section named as a person would (id or heading, any case, of a section or a
        subsection) -> (section id, subsection id or None). Unknown names raise with the
        closest suggestions."""
        wanted = name.strip().strip("`'\"").lower()
        for section in (*self.sections, *self.subsections):
            if wanted in (section.id, section.title.lower(), section.anchor) or (
                heading_key(name) == heading_key(section.title)
            ):
                if section.parent:
                    return section.parent, section.id
                return section.id, None
        raise self._unknown(name)

    def _unknown(self, name: str) -> UnknownSectionError:
        suggestions = [s.id for s in closest_sections(name, (*self.sections, *self.subsections))]
        return UnknownSectionError(
            f"unknown section {name!r}; closest: {', '.join(suggestions)} "
            f"(all: {', '.join(self.section_ids())})",
            suggestions,
        )


def from_config(data: Mapping[str, Any], where: Path | str) -> Taxonomy:
    """The taxonomy of a loaded ``config/taxonomy.yml`` (``where``: its path, for errors);
    ``bot.config.load_taxonomy`` reads the file."""
    _check_characters(data, where)
    sections, subsections = [], []
    for raw in data["sections"]:
        sections.append(Section(raw["id"], raw["title"], raw["description"], raw.get("kind", "papers")))
        for sub in raw.get("subsections", []):
            subsections.append(
                Section(
                    sub["id"], sub["title"], sub["description"], raw.get("kind", "papers"), parent=raw["id"]
                )
            )
    ids = [s.id for s in sections] + [s.id for s in subsections]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{where}: section ids must be unique; repeated: {', '.join(duplicates)}")
    footers = tuple(str(t) for t in data.get("footer_headings") or ())
    named = data.get("header_headings", "auto")
    headers = None if named == "auto" else tuple(str(t) for t in named or ())
    _check_titles(sections, subsections, str(data["contents_heading"]), where, footers, headers or ())
    return Taxonomy(
        data["title"],
        data["intro"].strip(),
        data["contents_heading"],
        tuple(sections),
        tuple(subsections),
        footers,
        str(data.get("language") or "en"),
        headers,
        tuple((str(key), str(text)) for key, text in (data.get("labels") or {}).items()),
    )


def _check_characters(data: Any, where: Path | str, path: str = "", owner: str = "") -> None:
    """No text of the taxonomy holds a control character (written as a YAML escape such as
    ``"\\x01"``, or brought by an imported list's heading): the site's chart is XML, which
    cannot hold one (the SVG no longer shows), and the catalog's headings would carry it."""
    if isinstance(data, Mapping):
        owner = f" (in the item with id {data['id']!r})" if isinstance(data.get("id"), str) else owner
        for key, value in data.items():
            _check_characters(value, where, f"{path}.{key}" if path else str(key), owner)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _check_characters(value, where, f"{path}.{index}", owner)
    elif isinstance(data, str) and (found := _CONTROL.search(data)):
        raise ConfigError(
            f"{where}: key {path}{owner} holds the control character U+{ord(found[0]):04X} "
            f"(at character {found.start() + 1} of {data!r}): no text of the catalog can show it, "
            "and the site's chart (SVG) would not load; delete it"
        )


# what XML cannot hold and YAML refuses typed: controls (tab and line ends aside), C1 controls,
# surrogates, U+FFFE and U+FFFF
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _check_titles(
    sections: list[Section],
    subsections: list[Section],
    contents: str,
    where: Path | str,
    footers: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
) -> None:
    """A title is its heading in the catalog, which is how a heading is read back as a section:
    two sections (or two subsections of one section) with one title, or a section titled as the
    table of contents or as a footer heading, would be one heading for two places. Subsections of
    different sections may share a title ("Other")."""
    problems = [
        f"section {s.id} has the title of the table of contents ({contents!r}, contents_heading)"
        for s in sections
        if heading_key(s.title) == heading_key(contents)
    ]
    problems += [
        f"section {s.id} has the title of a footer heading ({s.title!r}, footer_headings)"
        for s in sections
        if heading_key(s.title) in {heading_key(f) for f in footers}
    ]
    problems += [
        f"section {s.id} has the title of a header heading ({s.title!r}, header_headings)"
        for s in sections
        if heading_key(s.title) in {heading_key(h) for h in headers}
    ]
    for parent in (None, *(s.id for s in sections)):
        named: dict[str, list[Section]] = {}
        for section in sections if parent is None else [s for s in subsections if s.parent == parent]:
            named.setdefault(heading_key(section.title), []).append(section)
        problems += [
            f"{'sections' if parent is None else f'subsections of {parent}'} "
            f"{' and '.join(s.id for s in same)} have the same title {same[0].title!r}"
            for same in named.values()
            if len(same) > 1
        ]
    if problems:
        raise ConfigError(
            f"{where}: {'; '.join(problems)}: a title is the section's heading in the catalog, and "
            "one heading cannot be two sections; rename one"
        )
