"""Which of a paper's rule matches its reasons show, and how (pure).

A match is shown by the words it found in the paper (``evidence``); two matches that found the
same words are shown once, naming every section (or negative group) they vote for. The positive
matches are shown per field (title, then abstract) up to ``rule_reasons``, the negative ones two
at the most; a match lighter than ``reasons_min_points`` is left out unless it is a goal of the
section the paper is routed to (why it goes there). ``score_reasons.txt.j2`` writes the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.markdown import plain_line
from bot.core.paper import Paper
from bot.scoring.patterns import matched_words
from bot.scoring.router import Route
from bot.scoring.rules import EFFICIENCY, Match, RuleResult
from bot.scoring.settings import ScoringSettings


@dataclass(frozen=True)
class ShownMatches:
    """The matches one paper's reasons show, and what the template says of each."""

    paper: Paper
    fields: list[tuple[str, list[Match]]]  # ("title", its positive matches), then "abstract"; none: left out
    negatives: list[Match]  # two at the most
    target_names: dict[Match, list[str]]  # a positive match shown -> the sections of those merged into it
    group_names: dict[Match, list[str]]  # a negative match shown -> the groups of those merged into it

    def evidence(self, match: Match) -> str:
        return evidence(match, self.paper)

    def targets(self, match: Match) -> list[str]:
        """The sections a positive match votes for (efficiency: none)."""
        return self.target_names.get(match, [match.target] if match.rule.group != EFFICIENCY else [])

    def groups(self, match: Match) -> list[str]:
        """The negative rules' groups a negative match stands for."""
        return self.group_names.get(match, [match.rule.group])


def shown_matches(paper: Paper, rules: RuleResult, route: Route, s: ScoringSettings) -> ShownMatches:
    """The matches of ``rules`` that ``paper``'s reasons show, routed by ``route``."""
    # a goal of the chosen section is why the paper goes there: shown however light (the
    # training goal weighs 0.5, it routes), a noise word is not
    shown = [
        m
        for m in rules.top_matches(len(rules.matches), (route.section,))
        if abs(m.points) >= s.reasons_min_points or (m.rule.goal and m.rule.group == route.section)
    ]
    positive = [m for m in shown if not m.rule.negative][: s.rule_reasons]

    def said(m: Match) -> str:
        return evidence(m, paper)

    targets: dict[Match, list[str]] = {}
    fields = []
    for field in ("title", "abstract"):
        found, named = _once_per_words([m for m in positive if m.field == field], said)
        fields.append((field, found))
        targets |= named
    # two negative rules on the same words ("Hallucination": other-goal-in-title and
    # LLM-application) are one reason naming both
    negatives, groups = _once_per_words([m for m in shown if m.rule.negative], said, lambda m: m.rule.group)
    return ShownMatches(
        paper, [(field, found) for field, found in fields if found], negatives[:2], targets, groups
    )


def evidence(match: Match, paper: Paper) -> str:
    """How a match is shown: the words it found in the paper, as the paper wrote them ("prun*"
    shows "Pruning"; a regular expression its group named ``shown`` when it has one), as one safe
    line of at most 60 characters. Not found again (``re`` folds a few letters other than ASCII
    when it ignores case): a keyword pattern as written in the config, a regular expression ""."""
    found = matched_words(match.rule.pattern, paper.title if match.field == "title" else paper.abstract)
    if found:
        return plain_line(found, 60)
    return "" if match.rule.pattern.startswith("re:") else match.rule.pattern


def _once_per_words(
    matches: list[Match], said: Callable[[Match], str], name: Callable[[Match], str | None] | None = None
) -> tuple[list[Match], dict[Match, list[str]]]:
    """The matches that show different words (two patterns that find the same words, "tensor
    parallel*" and a goal's regex on "Tensor Parallelization", are shown once), and for each one
    kept the names of the matches merged into it, in order: by default the sections its words vote
    for (efficiency names none); ``name`` gives another (a negative rule's group)."""
    first: dict[str, Match] = {}
    targets: dict[Match, list[str]] = {}
    for match in matches:
        words = said(match).casefold()
        kept = first.setdefault(words, match) if words else match  # "a phrase" is never merged
        named = targets.setdefault(kept, [])
        label = name(match) if name else (match.target if match.rule.group != EFFICIENCY else None)
        if label is not None and label not in named:
            named.append(label)
    return [m for m in matches if m in targets], targets
