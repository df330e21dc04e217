"""Two checks of bench/score_quality.py's yardsticks, each from papers read a second time.

Recall of the papers nobody had judged. The judgements (bench/data/scope-judgements-2024.jsonl)
cover the label-0 papers some round's bot scored 0.12 or more, so an in-scope paper every bot
ranked lower was never counted: recall in scope is an upper bound. Two stratified random samples
of the 14,318 label-0 papers nobody had judged were graded against SCOPE.md
(bench/data/unjudged-sample-2024.jsonl), in bands of the bot's held-out score in round 18.
Sample 1 (551 papers: all 41 of 0.12-0.5, 150 of 307 in 0.06-0.12, 120 of 505 in 0.03-0.06, 120
of 2,546 in 0.01-0.03, 120 of 10,919 under 0.01) was read while writing rules, so each of its
papers now stands for itself (weight 1), as a judged paper does. Sample 2 (577 of the rest: all
157 left in 0.06-0.12, 120 of 385, 150 of 2,426, 150 of 10,799) was never read for rules; each
of its papers stands for ``weight`` papers of its band (left / sampled). Together they estimate,
for any bot, the in-scope papers hidden among the unjudged ones and how many it accepts
(Horvitz-Thompson).

A second judge of routing. The 403 papers of the routing judgements were placed again, blind, by
a second judge (bench/data/routing-second-judge-2024.jsonl: the section they would file each
paper under, and the others a careful maintainer could also choose). How often two judges agree
bounds what a router can be asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import intervals

DATA = Path(__file__).resolve().parent / "data"
UNJUDGED_SAMPLE = DATA / "unjudged-sample-2024.jsonl"
SECOND_JUDGE = DATA / "routing-second-judge-2024.jsonl"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class Placement:
    best: str
    also: tuple[str, ...]

    @property
    def sections(self) -> set[str]:
        return {self.best, *self.also}


def second_judge() -> dict[str, Placement]:
    return {r["arxiv_id"]: Placement(r["best"], tuple(r["also"])) for r in _records(SECOND_JUDGE)}


def sample_grades() -> dict[str, int]:
    """arXiv id -> SCOPE.md grade of every paper of the samples of unjudged papers."""
    return {r["arxiv_id"]: int(r["grade"]) for r in _records(UNJUDGED_SAMPLE)}


def unjudged_in_scope() -> dict[str, float]:
    """arXiv id -> weight, of the sampled unjudged papers graded in scope (grade 2)."""
    return {r["arxiv_id"]: float(r["weight"]) for r in _records(UNJUDGED_SAMPLE) if r["grade"] == 2}


def with_unjudged(ids: list[str], in_scope: list[bool]) -> tuple[list[int], list[float]]:
    """Labels and sample weights for ranking figures over every paper in scope: the sampled
    unjudged papers graded in scope become positives standing for ``weight`` papers each (the
    judgements cover only papers some bot scored high, so without them the unjudged in-scope
    papers, ranked low, count as negatives and flatter AP)."""
    weights = unjudged_in_scope()
    labels = [int(inside or i in weights) for i, inside in zip(ids, in_scope, strict=True)]
    return labels, [weights.get(i, 1.0) for i in ids]


def recall_with_unjudged(ids: list[str], accepted: list[bool], found: int, in_scope: int) -> str:
    """Recall in scope with the unjudged papers' estimate added: ``found`` of ``in_scope`` judged
    or labelled papers in scope are accepted; ``ids`` and ``accepted`` are every evaluated paper."""
    weights = unjudged_in_scope()
    sampled = [(weights[i], a) for i, a in zip(ids, accepted, strict=True) if i in weights]
    hidden = sum(w for w, _ in sampled)
    caught = sum(w for w, a in sampled if a)
    recall = (found + caught) / max(1.0, in_scope + hidden)
    return (
        f"with the unjudged papers estimated from a graded sample ({len(sampled)} of its papers in scope "
        f"in these months, standing for {hidden:.0f}, {caught:.0f} of them accepted): recall in scope {recall:.3f}"
    )


def routing_agreement(routes: dict[str, str], first: dict[str, list[str]]) -> list[str]:
    """Lines comparing the bot's routes and the first judge's sections with the second judge's."""
    second = second_judge()
    both = [i for i in routes if i in second and first.get(i)]
    n = len(both)

    def line(name: str, hits: int) -> str:
        return f"  {name:<52} {hits / max(1, n):.3f} {intervals.proportion(hits, n)}"

    return [
        f"  a second judge placed {n} of them again, blind (best section, and any other a careful maintainer could choose):",
        line("the judges' best sections agree", sum(second[i].best == first[i][0] for i in both)),
        line(
            "the second judge's best is among the first's sections",
            sum(second[i].best in first[i] for i in both),
        ),
        line("the bot's route is the second judge's best", sum(routes[i] == second[i].best for i in both)),
        line(
            "the bot's route is among the second judge's sections",
            sum(routes[i] in second[i].sections for i in both),
        ),
        line(
            "the bot's route is among neither judge's sections",
            sum(routes[i] not in second[i].sections and routes[i] not in first[i] for i in both),
        ),
    ]
