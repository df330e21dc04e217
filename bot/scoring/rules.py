"""The explainable half of scoring: keyword rules from ``config/keywords.yml``.

``RuleScorer(keywords, taxonomy)`` compiles every pattern once; ``evaluate_all(papers)`` gives,
per paper, the relevance points, the points of each section (for routing) and the matches
(listed as reasons).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.errors import ConfigError, UnknownSectionError
from bot.scoring.patterns import PatternSet

EFFICIENCY = "efficiency"
LLM = "llm-context"
FIELDS = ("title", "abstract")


@dataclass(frozen=True)
class Rule:
    """One pattern and what it votes for."""

    pattern: str  # as written in config
    weight: float
    group: str  # a section id, "efficiency", or a negative group's name
    subsection: str | None = None
    relevance: float = 1.0  # share of the points that counts toward relevance (not routing)
    negative: bool = False
    # when LLM context cancels a negative rule: "paper" (anywhere), "title" (in the title), "never"
    unless_llm: str = "paper"
    fields: tuple[str, ...] = FIELDS  # where the rule counts
    goal: bool = False  # says what the paper is for: routes there whatever technique it uses


@dataclass(frozen=True)
class Match:
    rule: Rule
    field: str  # "title" or "abstract"
    points: float  # the pattern's weight times the field's weight

    @property
    def route_only(self) -> bool:
        """Votes for a section without adding relevance (a section's ``route_only`` patterns)."""
        return self.rule.relevance == 0 and not self.rule.negative and self.rule.group != EFFICIENCY

    @property
    def target(self) -> str:
        return self.rule.group + (f"/{self.rule.subsection}" if self.rule.subsection else "")


@dataclass(frozen=True)
class RuleResult:
    """What the rules say about one paper."""

    points: float  # relevance: section and efficiency points (x LLM factor) + negative points
    section_points: dict[str, float]  # section id -> points (before the LLM factor)
    goal_points: dict[str, float]  # section id -> points of its goal patterns
    subsection_points: dict[str, float]  # "section/subsection" -> points
    matches: tuple[Match, ...]
    llm_context: bool
    category_ok: bool
    # section id -> points that add relevance (x the section's relevance share; route-only: 0)
    relevance_points: dict[str, float] = field(default_factory=dict)

    def goal_in_title(self, min_points: float = 0.0, topic_points: float | None = None) -> bool:
        """Whether the title says what the paper is for: a goal pattern, with at least
        ``min_points``, of a section whose points count in full toward relevance ("overthinking",
        "early exit of reasoning": efficient reasoning); or, with ``topic_points``, a goal of a
        section that only routes (a survey, a benchmark) in a title that also names a topic of
        the list with that many points and nothing off-topic ("A Survey of Mamba", not "Large
        Language Models Meet NLP: A Survey")."""
        goals = [m for m in self.matches if m.rule.goal and m.field == "title" and m.points >= min_points]
        if any(m.rule.relevance >= 1.0 for m in goals):
            return True
        if (
            topic_points is None
            or not goals
            or any(m.rule.negative and m.field == "title" for m in self.matches)
        ):
            return False
        topic = sum(
            m.points
            for m in self.matches
            if m.field == "title" and not m.rule.negative and m.rule.relevance >= 1.0
        )
        return topic >= topic_points

    def off_topic_in_title(self) -> bool:
        """Whether the title names another domain or goal: a negative group that counts in the
        title only ("... for Vision Transformers", "... for Sequential Recommendation") matched
        there and no LLM in the title cancelled it."""
        return any(
            m.rule.negative and m.field == "title" and m.rule.fields == ("title",) for m in self.matches
        )

    def top_matches(self, count: int, route: Iterable[str | None] = ()) -> list[Match]:
        """The strongest matches (negative ones count by their size; route-only ones after
        those that add relevance, and only those for a section in ``route``), one per field and
        target, so that the reasons show different evidence rather than variants of one. A goal
        pattern of a section in ``route`` comes first: it is why the paper goes there ("Context
        Parallelism" for serving), even when a technique's word weighs more."""
        seen: set[tuple[str, str]] = set()
        ranked = []
        shown = set(route)

        def order(m: Match) -> tuple[bool, bool, float]:
            return (not (m.rule.goal and m.rule.group in shown), m.route_only, -abs(m.points))

        for match in sorted(self.matches, key=order):
            if match.route_only and match.rule.group not in shown:
                continue
            keys = {(match.field, match.target), (match.field, match.rule.pattern)}
            if not keys & seen:
                seen |= keys
                ranked.append(match)
        return ranked[:count]


def _pattern_items(
    raw: Iterable[Any] | None, weight: float, fields: Sequence[str] = FIELDS
) -> list[tuple[str, float, tuple[str, ...]]]:
    """(pattern, weight, fields) of each item: a plain pattern, or ``{pattern, weight, fields}``
    (``fields: [title]``: the pattern counts in the title only)."""
    items = []
    for item in raw or ():
        if isinstance(item, dict):
            where = tuple(item.get("fields") or fields)
            items.append((str(item["pattern"]), float(item.get("weight", weight)), where))
        else:
            items.append((str(item), weight, tuple(fields)))
    return items


def _checked(taxonomy: Taxonomy, where: str, section: str, subsection: str | None = None) -> None:
    try:
        taxonomy.get(section, subsection)
    except UnknownSectionError as exc:
        raise ConfigError(f"config/keywords.yml: {where}: {exc}") from exc


def _section_rules(sections: dict[str, Any], taxonomy: Taxonomy) -> list[Rule]:
    rules: list[Rule] = []
    for section_id, spec in sections.items():
        spec = spec or {}
        _checked(taxonomy, f"sections.{section_id}", section_id)
        weight, share = float(spec.get("weight", 2.0)), float(spec.get("relevance", 1.0))
        rules += [
            Rule(p, w, section_id, relevance=share, fields=f)
            for p, w, f in _pattern_items(spec.get("patterns"), weight)
        ]
        rules += [
            Rule(p, w, section_id, relevance=0.0, fields=f)  # where a paper goes, not whether it belongs
            for p, w, f in _pattern_items(spec.get("route_only"), weight)
        ]
        rules += [
            Rule(p, w, section_id, relevance=share, goal=True, fields=f)  # what the paper is for
            for p, w, f in _pattern_items(spec.get("goal"), weight)
        ]
        for sub_id, patterns in (spec.get("subsections") or {}).items():
            _checked(taxonomy, f"sections.{section_id}.subsections.{sub_id}", section_id, sub_id)
            rules += [
                Rule(p, w, section_id, sub_id, relevance=share, fields=f)
                for p, w, f in _pattern_items(patterns, weight)
            ]
    return rules


def _unless_llm(value: bool | str) -> str:
    """A negative group's ``unless_llm``: true (LLM context anywhere cancels it), false (never),
    or "title" (only LLM context in the title does)."""
    if value is True:
        return "paper"
    if value is False:
        return "never"
    return str(value)


def _other_rules(keywords: dict[str, Any]) -> list[Rule]:
    """The efficiency vocabulary, the negative groups and the LLM-context patterns."""
    efficiency = keywords.get("efficiency") or {}
    rules = [
        Rule(p, w, EFFICIENCY, fields=f)
        for p, w, f in _pattern_items(efficiency.get("patterns"), float(efficiency.get("weight", 1.0)))
    ]
    rules += [
        Rule(
            p,
            w,
            group["name"],
            negative=True,
            unless_llm=_unless_llm(group.get("unless_llm", True)),
            fields=f,
        )
        for group in keywords.get("negatives") or ()
        for p, w, f in _pattern_items(
            group["patterns"], float(group["weight"]), group.get("fields") or FIELDS
        )
    ]
    llm = keywords.get("llm_context") or {}
    return rules + [Rule(p, 0.0, LLM, fields=f) for p, _, f in _pattern_items(llm.get("patterns"), 0.0)]


class RuleScorer:
    """Compiled keyword rules. Pure: results depend only on the papers passed in."""

    def __init__(self, keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
        fields = keywords.get("fields") or {}
        self.field_weights = {
            "title": float(fields.get("title_weight", 2.0)),
            "abstract": float(fields.get("abstract_weight", 1.0)),
        }
        self.extra_fraction = float(fields.get("extra_pattern_fraction", 0.25))
        self.max_extra = int(fields.get("max_extra", 2))
        self.required_categories = frozenset((keywords.get("categories") or {}).get("require_any", ()))
        self.missing_factor = float((keywords.get("llm_context") or {}).get("missing_factor", 0.3))
        self.rules = _section_rules(keywords.get("sections") or {}, taxonomy) + _other_rules(keywords)
        # each field is searched only for the rules that count there (many count in titles only)
        self.field_rules = {f: [i for i, r in enumerate(self.rules) if f in r.fields] for f in FIELDS}
        self.field_patterns = {
            f: PatternSet([self.rules[i].pattern for i in rules]) for f, rules in self.field_rules.items()
        }
        self.has_llm_patterns = any(r.group == LLM for r in self.rules)

    def category_ok(self, paper: Paper) -> bool:
        if not self.required_categories or not paper.categories:
            return True
        return bool(self.required_categories & set(paper.categories))

    def _group_points(self, matches: list[Match], relevance: bool = False) -> dict[str, float]:
        """Points per group: in each field, the best match plus a fraction of a few more. With
        ``relevance``, each match counts its rule's relevance share (route-only ones: nothing)."""
        found: dict[tuple[str, str], list[float]] = defaultdict(list)
        for match in matches:
            value = match.points * match.rule.relevance if relevance else match.points
            if value:
                found[(match.rule.group, match.field)].append(value)
        points: dict[str, float] = defaultdict(float)
        for (group, _field), values in found.items():
            values.sort(key=abs, reverse=True)
            points[group] += values[0] + sum(values[1 : 1 + self.max_extra]) * self.extra_fraction
        return points

    def evaluate(self, paper: Paper) -> RuleResult:
        return self.evaluate_all([paper])[0]

    def evaluate_all(self, papers: Sequence[Paper]) -> list[RuleResult]:
        """Every paper's result; the patterns are searched in all titles (and all abstracts)
        at once."""
        titles, abstracts = (self._find(field, [getattr(p, field) for p in papers]) for field in FIELDS)
        return [
            self._result(paper, self._matches(in_title, "title") + self._matches(in_abstract, "abstract"))
            for paper, in_title, in_abstract in zip(papers, titles, abstracts, strict=True)
        ]

    def _find(self, field: str, texts: list[str]) -> list[set[int]]:
        """For each text, the indices (in ``self.rules``) of the rules of ``field`` found in it."""
        rules = self.field_rules[field]
        return [{rules[i] for i in found} for found in self.field_patterns[field].find_all(texts)]

    def _matches(self, indices: set[int], field: str) -> list[Match]:
        weight = self.field_weights[field]
        return [Match(self.rules[i], field, self.rules[i].weight * weight) for i in sorted(indices)]

    def _result(self, paper: Paper, matches: list[Match]) -> RuleResult:
        llm_context = not self.has_llm_patterns or any(m.rule.group == LLM for m in matches)
        positive = [m for m in matches if not m.rule.negative and m.rule.group != LLM]
        llm_in = {
            "paper": llm_context,
            "title": not self.has_llm_patterns
            or any(m.rule.group == LLM and m.field == "title" for m in matches),
            "never": False,
        }
        negative = [m for m in matches if m.rule.negative and not llm_in[m.rule.unless_llm]]
        groups = self._group_points(positive)
        relevant = self._group_points(positive, relevance=True)
        points = sum(relevant.values())
        points *= 1.0 if llm_context else self.missing_factor
        points += sum(self._group_points(negative).values())
        subsections: dict[str, float] = defaultdict(float)
        for match in positive:
            if match.rule.subsection:
                subsections[f"{match.rule.group}/{match.rule.subsection}"] += match.points
        sections = {g: v for g, v in groups.items() if g != EFFICIENCY}
        goals = dict(self._group_points([m for m in positive if m.rule.goal]))
        return RuleResult(
            points,
            sections,
            goals,
            dict(subsections),
            tuple(positive + negative),
            llm_context,
            self.category_ok(paper),
            {g: v for g, v in relevant.items() if g != EFFICIENCY},
        )
