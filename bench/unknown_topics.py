"""Benchmark: how soon the weekly issue surfaces a topic the bot does not know.

    python bench/unknown_topics.py [--shared ../shared] [--months 7-12] [--topics spec kv ...]

"Evaluate like the future": for each of several real topics of 2024, the bot is made not to know
it. Trained as ``near_misses.py --measure`` trains it (the catalog without the half-year's papers
and arXiv months, the fixed background without them), and also: the catalog entries whose titles
name the topic (the topic's whole section when it has one) leave the training catalog, the
background's papers whose titles name it leave the background, and every keyword pattern that
names the topic leaves a copy of config/keywords.yml (section, efficiency and LLM-context rules;
the negative groups stay). Then each labelled week of the half-year (days 1-7 and 15-21 of each
month: two weeks a month) goes through the weekly job's ``build_report``, and per topic it prints:

- the first week the issue shows the topic: one of its papers among the near misses, or a rising
  term that names it (matches the topic's expression) or whose papers are mostly the topic's;
- its papers in scope (a labelled pick SCOPE.md does not exclude, or judged grade 2, whose title
  names the topic): how many the bot proposed anyway (accepted: rules and taxonomy left), how many
  the issue showed (a near miss, or a paper listed under a rising term), and how many a
  maintainer saw, proposed or in the issue, in the first 4 weekly issues of the half-year.

The 2025 listings are never read.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from new_topics import without_entries  # noqa: E402
from score_quality import (  # noqa: E402
    LABELLED,
    background_without,
    catalog_without,
    catalog_without_months,
    outside_scope,
    scope_grades,
)

from bot import config  # noqa: E402
from bot.core.branches import BranchNames  # noqa: E402
from bot.core.catalog import Catalog  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402
from bot.jobs.new_topics import NewTopicsReport, NewTopicsSettings, build_report  # noqa: E402
from bot.scoring.scorer import Scorer  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402


@dataclass(frozen=True)
class Topic:
    name: str
    papers: str  # a title that matches names the topic (regular expression, any case)
    rules: str  # a keyword pattern whose text matches names the topic
    section: str | None = None  # a section that is only the topic: all its entries leave


TOPICS = {
    "spec": Topic(
        "speculative decoding",
        r"speculative|draft(?:er|ing)?\b|medusa|lookahead decoding|jacobi",
        r"speculat|draft|medusa|eagle|lookahead|jacobi|token tree|tree verification|multi-token"
        r"|parallel decoding|non-autoregressive",
    ),
    "kv": Topic(
        "KV-cache compression and eviction",
        r"\bKV\b|key[- ]value cache|kv[- ]?cache|cache (?:eviction|compression)|token eviction",
        r"\bKV|key\W*value|key/value|cach|evict|heavy hitter|attention sink|pagedattention"
        r"|attention reuse|context memory",
        "kv-cache",
    ),
    "ssm": Topic(
        "state-space models and Mamba",
        r"mamba|state[- ]space|\bSSMs?\b",
        r"mamba|state\W*space|SSM|RWKV|\bVim\b|recurren|linear[- ]time|attention[- ]free|sub-quadratic",
    ),
    "moe": Topic(
        "mixture of experts",
        r"mixture[- ]of[- ](?:\w+[- ])?experts|\bMoEs?\b",
        r"mixture|\bMoE|expert|gating|router|switch transformer|conditional computation|mixtral",
        "moe",
    ),
    "reasoning": Topic(
        "efficient reasoning",
        r"overthink|efficient (?:reasoning|thinking)|reasoning efficiency|chain[- ]of[- ]thought"
        r"|\bCoT\b|self[- ]consistency|reasoning",
        r"reason|think|thought|\bCoT|test\W*time|budget|long\W*(?:to|2)\W*short|LRM|overthink"
        r"|inference\W*time\W*compute|adaptive\W*comput",
        "reasoning",
    ),
    "vlm-tokens": Topic(
        "token pruning for vision-language models",
        r"(?:visual|vision|image|video) tokens?|token (?:pruning|merging|reduction|compression|dropping)",
        r"token|visual|vision|video",
    ),
}


def keywords_without(keywords: dict[str, Any], rules: str) -> tuple[dict[str, Any], list[str]]:
    """A copy of the loaded keywords config without every positive pattern whose text matches
    ``rules`` (sections, efficiency, LLM context; negative groups are kept), and those patterns."""
    names = re.compile(rules, re.IGNORECASE)
    dropped: list[str] = []

    def keep(item: Any) -> bool:
        text = item.get("pattern") if isinstance(item, dict) else item
        if isinstance(text, str) and names.search(text):
            dropped.append(text)
            return False
        return True

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(i) for i in node if keep(i)]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    result = copy.deepcopy(keywords)
    for key in ("sections", "efficiency", "llm_context"):
        if key in result:
            result[key] = walk(result[key])
    return result, dropped


def catalog_without_topic(catalog: Catalog, topic: Topic, taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog without the entries whose titles name the topic, and its section's."""
    return without_entries(catalog, topic.section, topic.papers, taxonomy)


def in_scope(paper: Paper) -> bool:
    """score_quality.py's yardstick: a labelled pick SCOPE.md does not exclude, or judged grade 2."""
    if paper.extra.get("label") and not outside_scope(paper):
        return True
    return scope_grades().get(paper.arxiv_id, -1) == 2


def weeks_of(first: int, last: int) -> list[list[str]]:
    """The labelled weeks of months first..last of 2024: days 1-7 and 15-21."""
    found = []
    for month in range(first, last + 1):
        for day in (1, 15):
            start = datetime.date(2024, month, day)
            found.append([(start + datetime.timedelta(days=i)).isoformat() for i in range(7)])
    return found


@dataclass
class Walk:
    topic: str
    months: str
    dropped_rules: int
    dropped_entries: int
    scoped: int = 0  # the topic's papers in scope in the half-year
    proposed: set[str] = field(default_factory=set)  # of them, accepted anyway
    shown: set[str] = field(default_factory=set)  # of them, in the issue (near miss or term)
    seen_4: set[str] = field(default_factory=set)  # proposed or shown in the first 4 issues
    first_miss: str = ""  # the week of the first near miss of the topic
    first_term: str = ""  # the week of the first rising term of the topic
    lines: list[str] = field(default_factory=list)
    unseen: list[str] = field(default_factory=list)  # the papers in scope neither proposed nor shown

    @property
    def surfaced(self) -> str:
        return min((w for w in (self.first_miss, self.first_term) if w), default="")


def topic_terms(report: NewTopicsReport, pattern: re.Pattern[str]) -> list[Any]:
    """The report's rising terms that name the topic or whose papers mostly do."""
    return [
        t
        for t in report.terms
        if pattern.search(t.term) or 2 * sum(bool(pattern.search(p.title)) for p in t.papers) >= len(t.papers)
    ]


def walk(
    name: str,
    half: list[Paper],
    months: str,
    catalog: Catalog,
    taxonomy: Taxonomy,
    keywords: dict[str, Any],
    settings: NewTopicsSettings,
) -> Walk:
    """Train without the half-year and without the topic, then each week's report."""
    topic = TOPICS[name]
    pattern = re.compile(topic.papers, re.IGNORECASE)
    first, last = (int(m) for m in months.split("-"))
    training, _ = catalog_without(catalog, half, taxonomy)
    training, _ = catalog_without_months(training, {f"24{m:02d}" for m in range(first, last + 1)}, taxonomy)
    training, entries = catalog_without_topic(training, topic, taxonomy)
    unknown, dropped = keywords_without(keywords, topic.rules)
    negatives = [p for p in background_without(keywords, half) if not pattern.search(p.title)]
    scorer = Scorer.train(training, taxonomy, unknown, background=negatives)
    result = Walk(name, months, len(dropped), entries)
    for number, days in enumerate(weeks_of(first, last), start=1):
        week = [p for p in half if p.date in days]
        ours = [p for p in week if pattern.search(p.title) and in_scope(p)]
        result.scoped += len(ours)
        accepted = {p.arxiv_id for p, d in zip(ours, scorer.score(ours), strict=True) if d.accept}
        report = build_report(
            week,
            training,
            taxonomy,
            scorer,
            negatives,
            [],
            BranchNames.from_prefix("bot/"),
            settings,
            *days[::6],
        )
        misses = [m for m in report.misses if pattern.search(m.paper.title)]
        terms = topic_terms(report, pattern)
        shown = {m.paper.arxiv_id for m in report.misses} | {
            p.arxiv_id for t in report.terms for p in t.papers
        }
        shown &= {p.arxiv_id for p in ours}
        result.proposed |= accepted
        result.shown |= shown
        if number <= 4:
            result.seen_4 |= accepted | shown
        if misses and not result.first_miss:
            result.first_miss = days[0]
        if terms and not result.first_term:
            result.first_term = days[0]
        points = [r.points for r in scorer.rules.evaluate_all(ours)]
        for paper, decision, got in zip(ours, scorer.score(ours), points, strict=True):
            if paper.arxiv_id not in accepted | shown:  # why the issue did not show it
                result.unseen.append(
                    f"    unseen {days[0]} {paper.arxiv_id} score {decision.score:.2f} points {got:.1f} "
                    f"(near misses from {min((m.decision.score for m in report.misses), default=1):.2f}) "
                    f"{paper.title[:80]}"
                )
        titled = sum(bool(pattern.search(p.title)) for p in week)
        result.lines.append(
            f"  {days[0]}: {titled:>2} titles name it, {len(ours)} in scope, {len(accepted)} proposed, "
            f"{len(shown)} in the issue; near misses naming it {len(misses)}/{len(report.misses)}; "
            f"terms: {', '.join(repr(t.term) for t in terms) or '-'}"
            + (
                f" (others: {', '.join(repr(t.term) for t in report.terms if t not in terms)})"
                if len(terms) < len(report.terms)
                else ""
            )
        )
    return result


def summary(w: Walk) -> str:
    return (
        f"{TOPICS[w.topic].name} ({w.topic}), months {w.months}: {w.dropped_rules} patterns and "
        f"{w.dropped_entries} catalog entries left out; first shown {w.surfaced or 'never'} "
        f"(near miss {w.first_miss or 'never'}, term {w.first_term or 'never'}); in scope {w.scoped}: "
        f"proposed anyway {len(w.proposed)}, in the issue {len(w.shown)}, "
        f"seen in the first 4 issues {len(w.seen_4)}, never seen {w.scoped - len(w.proposed | w.shown)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--months", choices=["1-6", "7-12"], nargs="+", default=["1-6", "7-12"])
    parser.add_argument("--topics", nargs="+", choices=sorted(TOPICS), default=list(TOPICS))
    parser.add_argument("--weeks", action="store_true", help="print each week's line too")
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    settings = NewTopicsSettings.from_config(config.load("poll", ROOT / "config"))
    catalog = read_catalog(args.catalog, taxonomy)
    papers = feeds.read_papers(args.shared / LABELLED)
    results = []
    for months in args.months:
        first, last = (int(m) for m in months.split("-"))
        half = [p for p in papers if first <= int(p.date[5:7]) <= last]
        for name in args.topics:
            result = walk(name, half, months, catalog, taxonomy, keywords, settings)
            results.append(result)
            print(summary(result), flush=True)
            print("\n".join(result.unseen), flush=True)
            if args.weeks:
                print("\n".join(result.lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
