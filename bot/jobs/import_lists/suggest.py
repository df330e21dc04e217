"""``python -m bot import FILE... --suggest-mapping``: propose a section for every unmapped heading.

For each source heading whose entries no rule of ``config/import-mapping.yml`` maps, the
suggestion is either the taxonomy section (or subsection) whose title or id the heading's name
matches, or the section the scorer's router sends most of the heading's entries to (the router
trained on the catalog, as the poll job routes papers), with a confidence:

- name: the fuzzy similarity of the heading's last part and the section's title (0..1);
- router: the share of the heading's entries routed to that section, times their mean routing
  confidence, times n/(n+1) for n entries (a heading of one entry is a weak vote).

Every suggestion is written to a YAML file for review (rules in the mapping's own format, each
with its confidence and a few of the entries' titles); the confident ones (``--confident``,
default 0.8) are applied to this import run. Copy the ones you agree with into
``config/import-mapping.yml``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.core.text import counted
from bot.sources.lists import Unreadable, extract, read_items

NAME_MATCH = 0.9  # a heading this similar to a section's title is that section
SAMPLE_TITLES = 3


@dataclass(frozen=True)
class Suggestion:
    file: str
    heading: str  # the heading path, " > "-joined
    entries: int
    target: str  # "section" or "section/subsection"
    confidence: float
    method: str  # "name" or "router"
    why: str
    titles: tuple[str, ...]

    def rule(self) -> dict[str, Any]:
        return {"files": [self.file], "path": f"^{re.escape(self.heading)}$", "to": self.target}


def _name_match(heading: str, taxonomy: Taxonomy) -> tuple[str, float] | None:
    """The section or subsection whose title (or id) the heading's last part names."""
    name = heading.split(" > ")[-1].strip().lower()
    best: tuple[str, float] | None = None
    for section in (*taxonomy.sections, *taxonomy.subsections):
        target = f"{section.parent}/{section.id}" if section.parent else section.id
        score = max(fuzz.ratio(name, section.title.lower()), fuzz.ratio(name, section.id)) / 100
        if best is None or score > best[1]:
            best = (target, score)
    return best


def _router_vote(routes: Sequence[tuple[str, str | None, float]]) -> tuple[str, float, str]:
    """(target, confidence, why) from the routes of a heading's entries."""
    sections = Counter(section for section, _, _ in routes)
    section, count = sections.most_common(1)[0]
    mine = [r for r in routes if r[0] == section]
    mean = sum(confidence for _, _, confidence in mine) / len(mine)
    subsections = Counter(sub for _, sub, _ in mine if sub)
    target = section
    if subsections:
        sub, sub_count = subsections.most_common(1)[0]
        if sub_count * 2 > len(mine):
            target = f"{section}/{sub}"
    share = count / len(routes)
    few = len(routes) / (len(routes) + 1)  # one entry is a weak vote: 0.5, four 0.8, nine 0.9
    return (
        target,
        share * mean * few,
        (f"the router sends {count} of {len(routes)} entries there (mean confidence {mean:.2f})"),
    )


def unmapped_headings(
    sources: Sequence[Any], unmapped: set[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    """The titles of the entries under each unmapped (file, heading path)."""
    titles: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source in sources:
        items, _ = read_items(source.name, source.text)
        for item in items:
            key = (source.name, item.heading_path or "(no heading)")
            if key not in unmapped:
                continue
            extracted = extract(item)
            if not isinstance(extracted, Unreadable):
                titles[key] += [f.title for f in extracted if not f.resource]
    return titles


def suggest(
    headings: dict[tuple[str, str], list[str]], taxonomy: Taxonomy, catalog: Catalog, keywords: dict[str, Any]
) -> list[Suggestion]:
    """A suggestion for each heading with entries: by name when the name is clear, else by router."""
    to_route = [(key, titles) for key, titles in sorted(headings.items()) if titles]
    routes: dict[tuple[str, str], list[tuple[str, str | None, float]]] = {}
    needs_router = [(k, t) for k, t in to_route if (_name_match(k[1], taxonomy) or ("", 0.0))[1] < NAME_MATCH]
    if needs_router:
        from bot.scoring import Scorer

        scorer = Scorer.train(catalog, taxonomy, keywords)
        papers = [Paper(f"title-{n}", title) for _, titles in needs_router for n, title in enumerate(titles)]
        decisions = iter(scorer.score(papers))
        for key, titles in needs_router:
            routes[key] = [(d.section, d.subsection, d.confidence) for d in (next(decisions) for _ in titles)]
    suggestions = []
    for (file, heading), titles in to_route:
        named = _name_match(heading, taxonomy)
        if named and named[1] >= NAME_MATCH:
            target, confidence = named
            method, why = "name", f"the heading names the section ({confidence:.2f} alike)"
        elif (file, heading) in routes:
            target, confidence, why = _router_vote(routes[(file, heading)])
            method = "router"
        else:
            continue
        suggestions.append(
            Suggestion(
                file,
                heading,
                len(titles),
                target,
                round(confidence, 2),
                method,
                why,
                tuple(titles[:SAMPLE_TITLES]),
            )
        )
    return suggestions


def render(suggestions: Sequence[Suggestion], confident: float) -> str:
    """The suggestions as YAML in the mapping's format, each with its reasons in comments."""
    out = [
        "# Suggested rules for config/import-mapping.yml (python -m bot import --suggest-mapping).",
        f"# Review them: rules at or above {confident} confidence were applied to the run that wrote",
        "# this file; copy the ones you agree with (or fix their `to:`) into the `rules:` of",
        "# config/import-mapping.yml, then run `python -m bot validate-config`.",
        "rules:",
    ]
    for s in suggestions:
        mark = "applied" if s.confidence >= confident else "for review"
        out.append(
            f"  # {counted(s.entries, 'entry', 'entries')}, confidence {s.confidence:.2f} ({mark}): {s.why}"
        )
        for title in s.titles:
            out.append(f"  #   e.g. {title[:90]}")
        rule = yaml.safe_dump([s.rule()], default_flow_style=None, allow_unicode=True, width=1000).strip()
        out.append("  " + rule.replace("\n", "\n  "))
    return "\n".join(out) + "\n"


def catalog_for_routing(candidates: Sequence[Path], first_pass: str, taxonomy: Taxonomy) -> Catalog:
    """What the router learns from: the first existing catalog of ``candidates`` (the
    repository's catalog, unless the import rewrites it), else the first pass of this import."""
    for path in candidates:
        if path.is_file():
            existing = parse(path.read_text(encoding="utf-8"), taxonomy)
            if existing.entries():
                return existing
    return parse(first_pass, taxonomy)
