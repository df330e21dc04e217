"""The plan ``python -m bot init`` writes: sections, ids, import rules and starter keyword rules
read off an existing list (pure).

``scaffold(name, text)`` reads the list with the importer's readers (every format ``import``
reads) and groups its readable entries by heading: one section per heading under the list's
title that holds entries, one subsection per heading below it (deeper headings fold into their
subsection). The ``Scaffold`` renders the three config files as data: ``taxonomy`` (ids from the
titles, a one-line description to edit, a resources section for non-paper links), ``mapping``
(one import rule per source heading) and ``keywords`` (starter routing rules from each section's
name and the words frequent in its titles and rare elsewhere, never a word ``common_words`` finds
in papers at large).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import BotError
from bot.sources.lists import Unreadable, extract, read_items
from bot.sources.lists.items import papers_in_no_entry, stray_link_lines
from bot.sources.lists.starter_rules import distinct, spelling, starter_patterns, word_counts
from bot.sources.lists.titles import FALLBACK_TITLE as FALLBACK_TITLE  # init's import
from bot.sources.lists.titles import (
    NUMBERING,
    contents_heading,
    display_title,
    document_title,
    fallback_title,
    make_id,
    names_no_topic,
    without_years,
)

RESOURCES_ID = "resources"


@dataclass
class SourceSection:
    """What the list says under one heading (a future section or subsection)."""

    path: tuple[str, ...]  # the full cleaned heading path in the source
    title: str
    papers: int = 0
    resources: int = 0
    titles: list[str] = field(default_factory=list)
    children: dict[str, SourceSection] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.papers + self.resources + sum(c.total for c in self.children.values())

    @property
    def kind(self) -> str:
        papers = self.papers + sum(c.papers for c in self.children.values())
        resources = self.resources + sum(c.resources for c in self.children.values())
        return "resources" if resources and not papers else "papers"


@dataclass
class Scaffold:
    title: str
    sections: list[SourceSection]
    prefix: tuple[str, ...]  # the headings every entry sits under (the list's own title)
    ids: dict[tuple[str, ...], str]  # source path of a section or subsection -> its id
    needs_resources: bool  # non-paper links under paper headings
    entries: int
    unreadable: int
    empty_paths: list[tuple[str, ...]] = field(default_factory=list)  # headings with no entry read
    last_entry: int = 0  # the line of the last entry read (1-based): the list's footer is below it
    contents_heading: str = "Contents"  # the list's own ("Table of Contents"), else the bot's

    def taxonomy(self, intro: str) -> dict[str, Any]:
        sections: list[dict[str, Any]] = []
        for section in self.sections:
            raw: dict[str, Any] = {
                "id": self.ids[section.path],
                "title": section.title,
                "description": _description(section),
            }
            if section.kind == "resources":
                raw["kind"] = "resources"
            subs = [
                {"id": self.ids[c.path], "title": c.title, "description": _description(c)}
                for c in section.children.values()
            ]
            if subs and section.kind == "papers":
                raw["subsections"] = subs
            sections.append(raw)
        if self.needs_resources:
            titles = {s.title.lower() for s in self.sections}
            sections.append(
                {
                    "id": RESOURCES_ID,
                    "title": "Resources" if "resources" not in titles else "Other Resources",
                    "kind": "resources",
                    "description": "Tools, code, blogs and other links that are not papers.",
                }
            )
        return {
            "title": self.title,
            "intro": intro,
            "contents_heading": self.contents_heading,
            "sections": sections,
        }

    def mapping(self, file_name: str) -> dict[str, Any]:
        rules = []
        for section in self.sections:
            section_id = self.ids[section.path]
            if section.kind == "papers":  # deeper rules first: the first rule that matches wins
                for child in section.children.values():
                    rules.append(
                        {
                            "files": [file_name],
                            "path": _path_regex(child.path),
                            "to": f"{section_id}/{self.ids[child.path]}",
                        }
                    )
            rules.append({"files": [file_name], "path": _path_regex(section.path), "to": section_id})
        if self.prefix:  # entries right under the list's title
            first = next((s for s in self.sections if s.kind == "papers"), self.sections[0])
            rules.append(
                {
                    "files": [file_name],
                    "path": f"^{re.escape(' > '.join(self.prefix))}$",
                    "to": self.ids[first.path],
                }
            )
        exclude = [
            {
                "files": [file_name],
                "path": f"^{re.escape(' > '.join(path))}$",
                "reason": "no entry could be read under this heading (prose or links, by init)",
            }
            for path in self.empty_paths
        ]
        return {"title_match": 92, "exclude": exclude, "rules": rules, "routes": {}}

    def keywords(self, common: Collection[str] = frozenset()) -> dict[str, Any]:
        """Starter rules; ``common`` words (see ``common_words``) are never one: "performance",
        "llms" or "case" would add points to any paper."""
        every: Counter[str] = Counter()
        everything: list[str] = []  # the list's titles, one per paper in each section
        for section in self.sections:
            every.update(word_counts(_all_titles(section)))
            everything += distinct(_all_titles(section))
        sections: dict[str, Any] = {}
        for section in self.sections:
            if section.kind != "papers":
                continue
            raw: dict[str, Any] = {
                "weight": 3.0,
                "patterns": starter_patterns(
                    section.title, _all_titles(section), every, common, everything=everything
                ),
            }
            # a subsection's patterns count for the section too, so each word is listed once: a
            # word of several subsections goes to the section
            subs = {
                self.ids[c.path]: starter_patterns(c.title, c.titles, every, common, False, everything)
                for c in section.children.values()
            }
            shared = Counter(w for words in subs.values() for w in words)
            raw["patterns"] += [w for w in shared if shared[w] > 1 and w not in raw["patterns"]]
            spelled = {spelling(w) for w in raw["patterns"]}  # "mixed precision" is "mixed-precision"
            subs = {sub: [w for w in words if spelling(w) not in spelled] for sub, words in subs.items()}
            subs = {sub: words for sub, words in subs.items() if words}  # none left: its entries teach it
            if subs:
                raw["subsections"] = subs
            elif not raw["patterns"]:
                continue  # "Others" has no telling word: no rule ("others" is in any abstract)
            sections[self.ids[section.path]] = raw
        return {"sections": sections}


def _lines(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    return f"line {shown}" if len(lines) == 1 else f"lines {shown}"


def _all_titles(section: SourceSection) -> list[str]:
    return section.titles + [t for c in section.children.values() for t in c.titles]


def _description(section: SourceSection) -> str:
    what = "Links" if section.kind == "resources" else "Papers"
    return f"{what} on {section.title} (edit this line: what belongs here, in one sentence)."


def _path_regex(path: tuple[str, ...]) -> str:
    if not path:  # a list of year headings without a title over them: every heading
        return "^"
    return f"^{re.escape(' > '.join(path))}( > |$)"


def _display_titles(sections: Iterable[SourceSection]) -> None:
    """Titles without the list's numbering and marks (``display_title``): the numbering is no
    part of a section's name, nor of its id (`/add ID 1-quantization`), and a section the bot adds
    has none. The numbering is kept when dropping it would leave two siblings one title."""
    siblings = list(sections)
    for titles in (
        [display_title(NUMBERING.sub("", s.title)) or s.title for s in siblings],
        [display_title(s.title) or s.title for s in siblings],
    ):
        if len({t.lower() for t in titles}) == len(titles):
            for section, title in zip(siblings, titles, strict=True):
                section.title = title
            return


def _fold_link_headings(sections: list[SourceSection]) -> None:
    """A heading of links only (tools, blogs) under a heading of papers is no subsection: a
    subsection holds its section's kind, papers, and the import sends links that are no papers to
    the resources section, so it would stay empty while its starter rules routed papers into it.
    Its links count for the section (the section's rule maps the heading, whose path it starts)."""
    for section in sections:
        if section.kind != "papers":
            continue
        for name, child in list(section.children.items()):
            if child.kind == "resources":
                section.resources += child.resources
                section.titles += child.titles
                del section.children[name]


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    # keep one level of sections: a list whose entries all sit under one heading has one section
    while prefix and all(len(p) <= len(prefix) for p in paths):
        prefix = prefix[:-1]
    return prefix


def _no_paper(name: str, read: int, stray: list[int]) -> str:
    """Why a list whose entries read are all links to tools or pages gives no config."""
    entries = f"{read} entr{'y' if read == 1 else 'ies'} read, all links to tools or pages, no paper"
    if stray:
        return papers_in_no_entry(name, stray, entries)
    return (
        f"{name}: {entries}: the bot keeps a list of papers. A paper needs an arXiv link, or a link and "
        "a year (`- [Title](url) - Authors, Venue 2024`); docs/import.md lists the formats read"
    )


def scaffold(name: str, text: str, title: str | None = None) -> Scaffold:
    """The sections of one list, from where its readable entries sit."""
    items, _navigation = read_items(name, text)
    read: list[tuple[tuple[str, ...], str, bool]] = []
    unreadable: dict[str, list[int]] = {}  # why -> lines
    linked = last_entry = 0
    all_paths: dict[tuple[str, ...], None] = {}
    covered: dict[tuple[str, ...], None] = {}  # the headings with an entry read
    for item in items:
        all_paths[item.path] = None
        extracted = extract(item)
        if isinstance(extracted, Unreadable):
            unreadable.setdefault(extracted.reason, []).append(item.line)
            continue
        covered[item.path] = None
        last_entry = max(last_entry, item.line)
        for fields in extracted:
            read.append((without_years(item.path), fields.title, fields.resource))
            linked += bool(fields.url or fields.arxiv_id)
    if not read and unreadable:  # entries, none of them readable: say why, not "no list found"
        whys = sorted(unreadable.items(), key=lambda pair: -len(pair[1]))
        raise BotError(
            f"{name}: 0 entries read of {sum(len(lines) for lines in unreadable.values())} found: "
            + "; ".join(f"{why} ({_lines(lines)})" for why, lines in whys[:3])
            + ". A paper needs an arXiv link, or a link and a year (`- [Title](url) - Authors, "
            "Venue 2024`); docs/import.md lists the formats read"
        )
    if not read and (stray := stray_link_lines(text, items)):
        raise BotError(papers_in_no_entry(name, stray))
    if not read:
        raise BotError(
            f"{name}: 0 entries read: no list of papers found (bullets or table rows "
            "with a title and a link); pass an awesome list's README"
        )
    if all(resource for _, _, resource in read):  # no section of papers: no form, nothing to poll for
        raise BotError(_no_paper(name, len(read), stray_link_lines(text, items)))
    if not linked:  # titles alone (a rendered page): no catalog line can be written from them
        raise BotError(
            f"{name}: {len(read)} entries read, none with a link or an arXiv id (a rendered page or "
            "plain text?): nothing written. Pass the list's markdown source (its README.md); a "
            "title-only file can only add to other lists, with `python -m bot import`"
        )
    prefix = _common_prefix([p for p, _, _ in read])
    sections: dict[str, SourceSection] = {}
    loose: list[tuple[str, bool]] = []
    for path, entry_title, resource in read:
        rest = path[len(prefix) :]
        if not rest:
            loose.append((entry_title, resource))
            continue
        section = sections.setdefault(rest[0], SourceSection(prefix + rest[:1], rest[0]))
        target = section
        if len(rest) > 1 and not names_no_topic(rest[1]):
            target = section.children.setdefault(rest[1], SourceSection(prefix + rest[:2], rest[1]))
        target.titles.append(entry_title)
        if resource:
            target.resources += 1
        else:
            target.papers += 1
    if not sections:  # a flat list: one section named after the list
        only = SourceSection(prefix, prefix[-1] if prefix else "Papers")
        sections[only.title] = only
        prefix = prefix[:-1]
    for entry_title, resource in loose:
        first = next(iter(sections.values()))
        first.titles.append(entry_title)
        if resource:
            first.resources += 1
        else:
            first.papers += 1
    ordered = list(sections.values())
    _fold_link_headings(ordered)
    _display_titles(ordered)
    for section in ordered:
        _display_titles(section.children.values())
    # non-paper links under paper headings go to the last resources section (the import's rule):
    # one init adds, unless that is the list's own "Resources" (a second one, with the same title,
    # made a taxonomy that lint failed at once)
    own = [s for s in ordered if s.kind == "resources"]
    needs_resources = not (own and own[-1].title.lower() == "resources") and any(
        (s.kind == "papers" and (s.resources + sum(c.resources for c in s.children.values())))
        for s in ordered
    )
    taken = {RESOURCES_ID} if needs_resources else set()
    ids: dict[tuple[str, ...], str] = {}
    for section in ordered:
        ids[section.path] = make_id(section.title, taken)
    for section in ordered:
        for child in section.children.values():
            ids[child.path] = make_id(child.title, taken)
    own_title = document_title(text)
    if not prefix and len(ordered) > 1 and own_title in {s.path[0] for s in ordered}:
        own_title = ""  # "# Quantization" over entries, "# Pruning" over others: sections
    list_title = title or display_title(own_title) or fallback_title(prefix, name)
    empty = [p for p in all_paths if p not in covered]
    return Scaffold(
        list_title,
        ordered,
        prefix,
        ids,
        needs_resources,
        len(read),
        sum(map(len, unreadable.values())),
        empty,
        last_entry,
        contents_heading(text, {s.title.lower() for s in ordered}),
    )
