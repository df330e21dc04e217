"""Benchmark: topics newer than the catalog, each left out of training and measured on 2024.

    python bench/new_topics.py [--shared ../shared] [--catalog catalog.md] [--topics reasoning ...]
        [--phrasings-only]

"Evaluate like the future": the acceptance measure is a later half-year where topics newer than
the catalog are hot (efficient reasoning, diffusion LMs decoded faster, RL training systems for
reasoning models). Their 2024 papers, read one by one against ../shared/SCOPE.md, are in
bench/data/new-topics-2024.jsonl (topic, grade 0/1/2, the sections SCOPE.md gives, why). For each
topic and each half-year, the bot is trained as score_quality.py trains it (the catalog without
the evaluated half's papers, the fixed background without them), and also without the topic: its
papers leave the catalog and the background, and so do its catalog entries (TOPICS: the whole
section for efficient reasoning, the entries whose titles name the topic for the others). Then
each of the topic's papers is scored and routed as poll would: accepted at the threshold (and the
category gate), and routed to one of the sections SCOPE.md gives it or not. Grade 2 papers give
recall and routing; grade 1 papers are the maintainers' call (counted, not scored); grade 0 papers
accepted are false positives of the topic's words.

Then the phrasings of the three topics that SCOPE.md and the issue name, counted in the 2024
titles and abstracts (how many papers, how many of them judged in scope here): a phrasing 2024
lacks is one its rules were written for without an example to tune on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import intervals  # noqa: E402
from score_quality import LABELLED, background_without, catalog_without, halves_of  # noqa: E402

from bot import config  # noqa: E402
from bot.core.catalog import Catalog, Item  # noqa: E402
from bot.core.catalog_parse import parse  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402
from bot.scoring.scorer import Scorer  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402

JUDGEMENTS = Path(__file__).resolve().parent / "data" / "new-topics-2024.jsonl"


@dataclass(frozen=True)
class Topic:
    name: str
    section: str | None  # a section whose entries all leave the training catalog
    entries: str  # a regular expression: catalog entries whose titles match it leave too
    phrasings: tuple[str, ...]  # what SCOPE.md and the issue call the topic (regular expressions)


TOPICS = {
    "reasoning": Topic(
        "efficient reasoning",
        "reasoning",
        r"overthink|thinking budget|efficient (?:reasoning|thinking)|concise reasoning|latent reasoning"
        r"|chain[- ]of[- ]thought compression|when to think|long[- ]to[- ]short",
        (
            r"overthink\w*",
            r"underthink\w*",
            r"(?:thinking|reasoning|token) budget",
            r"budget forcing",
            r"when (?:not )?to (?:think|reason)",
            r"early[- ](?:exit\w*|stop\w*)\W+(?:\w+\W+){0,5}?(?:reasoning|thinking|chains? of thought|CoT)",
            r"long[- ]?(?:to|2)[- ]?short",
            r"(?:adaptive|hybrid) (?:thinking|reasoning)",
            r"(?:concise|shorter|compressed|compact|succinct|brief) (?:reasoning|chains?[- ]of[- ]thoughts?|CoTs?|rationales?)",
            r"(?:chain[- ]of[- ]thought|CoT|reasoning) (?:compression|length)",
            r"latent (?:reasoning|chain[- ]of[- ]thought)|continuous (?:thought|latent space)",
            r"efficient (?:reasoning|thinking)|reasoning efficiency",
            r"(?:adaptive|input[- ]adaptive) (?:test|inference)[- ]time comput\w+|test[- ]time compute",
            r"reasoning models?|\bLRMs?\b",
        ),
    ),
    "diffusion": Topic(
        "diffusion language models decoded faster",
        None,
        r"diffusion (?:language models?|LLMs?)|\bdLLMs?\b|discrete diffusion|masked diffusion|text diffusion",
        (
            r"diffusion (?:large )?(?:language models?|LLMs?)|(?:large )?language diffusion models?|\bdLLMs?\b",
            r"(?:masked|discrete) diffusion",
            r"(?:text|language) diffusion|diffusion[- ]based (?:text|language)",
            r"(?:fast\w*|accelerat\w*|efficient|parallel) (?:\w+ ){0,3}?(?:diffusion (?:language models?|LLMs?)|dLLMs?)",
            r"(?:diffusion (?:language models?|LLMs?)|dLLMs?) (?:\w+ ){0,4}?(?:decoding|inference|sampling|caching)",
        ),
    ),
    "rl-systems": Topic(
        "RL training systems for reasoning models",
        None,
        r"\bRLHF\b|\bGRPO\b|\bPPO\b|\brollouts?\b|reinforcement learning (?:system|framework)",
        (
            r"\bRLHF\b (?:\w+ ){0,2}?(?:system|framework|training|toolkit)",
            r"(?:efficient|scalable|asynchronous|distributed) (?:\w+ ){0,3}?(?:RLHF|RL|GRPO|PPO|reinforcement learning)",
            r"\bGRPO\b|\bPPO\b",
            r"\brollouts?\b",
            r"(?:RL|reinforcement learning) (?:\w+ ){0,2}?(?:for|of) (?:\w+ ){0,2}?(?:reasoning|LLMs?|language models?)",
        ),
    ),
}


@dataclass(frozen=True)
class Judged:
    arxiv_id: str
    topic: str
    grade: int
    sections: tuple[str, ...]
    title: str


def judgements(path: Path = JUDGEMENTS) -> list[Judged]:
    """The topic papers of 2024 with their SCOPE.md grade and sections; a clear error per bad line."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        where = f"{path.name}:{number}"
        if record.get("grade") not in (0, 1, 2):
            raise SystemExit(f"{where}: grade must be 0, 1 or 2, not {record.get('grade')!r}")
        if record.get("topic") not in (*TOPICS, "other"):
            raise SystemExit(f"{where}: topic must be one of {', '.join([*TOPICS, 'other'])}")
        if record["grade"] == 2 and not record.get("sections"):
            raise SystemExit(f"{where}: a paper in scope (grade 2) needs the sections SCOPE.md gives it")
        found.append(
            Judged(
                str(record["arxiv_id"]),
                record["topic"],
                record["grade"],
                tuple(record["sections"]),
                record["title"],
            )
        )
    return found


def without_topic(catalog: Catalog, topic: Topic, taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog without the topic's entries: its section's (if it has one) and every entry whose
    title matches the topic's expression; how many left."""
    return without_entries(catalog, topic.section, topic.entries, taxonomy)


def without_entries(
    catalog: Catalog, section: str | None, titles: str, taxonomy: Taxonomy
) -> tuple[Catalog, int]:
    """The catalog without the entries of ``section`` (if any) and those whose titles match the
    regular expression ``titles`` (any case); how many left."""
    pattern = re.compile(titles, re.IGNORECASE)
    drop: list[Item] = [
        item
        for item in catalog.entries()
        if (section and item.section == section) or pattern.search(item.title or "")
    ]
    dropped_lines = {line for item in drop for line in range(item.start, item.end)}
    text = "".join(line for i, line in enumerate(catalog.lines) if i not in dropped_lines)
    return parse(text, taxonomy), len(drop)


@dataclass
class Outcome:
    judged: Judged
    months: str
    score: float
    accepted: bool
    section: str | None
    runner_up: str | None
    needs_section: bool
    rank: int  # among the evaluated half-year's papers, 1 = best
    out_of: int

    @property
    def routed_right(self) -> bool:
        return self.section in self.judged.sections


def measure(
    papers: list[Paper], catalog: Catalog, taxonomy: Taxonomy, keywords: dict, name: str, judged: list[Judged]
) -> list[Outcome]:
    """Each half-year: train without it and without the topic, score and route the topic's papers."""
    topic = TOPICS[name]
    ours = {j.arxiv_id: j for j in judged if j.topic == name}
    by_id = {p.arxiv_id: p for p in papers}
    missing = sorted(set(ours) - set(by_id))
    if missing:
        raise SystemExit(f"{JUDGEMENTS.name}: not in the 2024 listings: {', '.join(missing)}")
    topic_papers = [by_id[i] for i in ours]
    outcomes = []
    for months, evaluation in halves_of(papers).items():
        held = [p for p in evaluation if p.arxiv_id in ours]
        if not held:
            continue
        training, _ = catalog_without(catalog, [*evaluation, *topic_papers], taxonomy)
        training, dropped = without_topic(training, topic, taxonomy)
        negatives = background_without(keywords, [*evaluation, *topic_papers])
        scorer = Scorer.train(training, taxonomy, keywords, background=negatives)
        combined = scorer.components(evaluation).combined
        order = np.argsort(-combined, kind="stable")
        rank = {evaluation[i].arxiv_id: r + 1 for r, i in enumerate(order.tolist())}
        print(
            f"  {name}, months {months}: {len(held)} of its papers; {dropped} topic entries also left "
            f"out of the training catalog; {len(negatives)} background papers"
        )
        for paper, decision in zip(held, scorer.score(held), strict=True):
            outcomes.append(
                Outcome(
                    ours[paper.arxiv_id],
                    months,
                    decision.score,
                    decision.accept,
                    decision.section,
                    decision.runner_up,
                    decision.needs_section,
                    rank[paper.arxiv_id],
                    len(evaluation),
                )
            )
    return outcomes


def report(name: str, outcomes: list[Outcome]) -> list[str]:
    """Per paper, then the topic's figures: recall and routing of its papers in scope, how many of
    its borderline and out-of-scope papers are accepted."""
    lines = [
        f"\n{TOPICS[name].name} ({name}): grade, months, score, accepted, route (runner-up), rank, title"
    ]
    for o in sorted(outcomes, key=lambda o: (-o.judged.grade, -o.score)):
        route = f"{o.section} ({o.runner_up})" + (" needs-section" if o.needs_section else "")
        right = (
            ""
            if o.judged.grade < 2
            else (" right" if o.routed_right else f" WRONG, wants {'/'.join(o.judged.sections)}")
        )
        lines.append(
            f"  {o.judged.grade}  {o.months:<5} {o.score:.3f}  {'yes' if o.accepted else 'no ':<3}  "
            f"{route:<34}{right:<22} {o.rank:>5}/{o.out_of}  {o.judged.arxiv_id} {o.judged.title[:70]}"
        )
    scoped = [o for o in outcomes if o.judged.grade == 2]
    found = sum(o.accepted for o in scoped)
    routed = sum(o.routed_right for o in scoped)
    lines.append(
        f"  in scope: {len(scoped)} papers, recall at the threshold {found}/{len(scoped)} "
        f"{intervals.proportion(found, len(scoped)) if scoped else ''}, routed right {routed}/{len(scoped)} "
        f"{intervals.proportion(routed, len(scoped)) if scoped else ''}"
    )
    for grade, what in ((1, "borderline (the maintainers' call)"), (0, "out of scope (false positives)")):
        graded = [o for o in outcomes if o.judged.grade == grade]
        lines.append(f"  {what}: {sum(o.accepted for o in graded)} of {len(graded)} accepted")
    return lines


def phrasings(papers: list[Paper], judged: list[Judged]) -> list[str]:
    """How many 2024 papers say each phrasing of each topic (title or abstract), and how many of
    those are judged in scope in the topic's list."""
    in_scope = {j.arxiv_id for j in judged if j.grade == 2}
    lines = [
        "\nphrasings of the topics in the 2024 listings: papers that say it (in scope by the topic list)"
    ]
    for topic in TOPICS.values():
        lines.append(f"  {topic.name}:")
        for phrasing in topic.phrasings:
            pattern = re.compile(phrasing, re.IGNORECASE)
            hits = [p for p in papers if pattern.search(p.title) or pattern.search(p.abstract)]
            good = sum(p.arxiv_id in in_scope for p in hits)
            lines.append(f"    {len(hits):>4} ({good})  {phrasing}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--topics", nargs="+", choices=sorted(TOPICS), default=sorted(TOPICS))
    parser.add_argument("--phrasings-only", action="store_true", help="only count the phrasings")
    args = parser.parse_args()
    judged = judgements()
    papers = feeds.read_papers(args.shared / LABELLED)
    if not args.phrasings_only:
        from bot.core.catalog_io import read_catalog

        taxonomy = config.load_taxonomy(ROOT / "config")
        keywords = config.load("keywords", ROOT / "config")
        catalog = read_catalog(args.catalog, taxonomy)
        print(
            "each topic left out: its papers and catalog entries removed from training, as a topic the catalog does not know"
        )
        for name in args.topics:
            print("\n".join(report(name, measure(papers, catalog, taxonomy, keywords, name, judged))))
    print("\n".join(phrasings(papers, judged)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
