"""Regenerate the scorer's fixed background (bot/scoring/data/background.jsonl.gz).

    python bench/make_background.py [--shared ../shared] [--size 3000] [--seed 0]

A seeded sample of the label-0 papers of the 2024 labelled listings (title, abstract,
categories, date), plus the labelled positives (``"label": 1``) except those the curated lists file
only under sections ../shared/SCOPE.md puts out of scope (OUT_OF_SCOPE below), plus the label-0
papers judged one by one against SCOPE.md in bench/data/scope-judgements-2024.jsonl: grade 2
(in scope: the curated lists missed them) as ``"label": 1``, grades 0 and 1 (out of scope,
borderline; also curated positives judged so) as ``"rejected": true`` (learned like closed bot
PRs). A known in-scope paper with a routing judgement (bench/data/routing-judgements-2024.jsonl:
the section SCOPE.md gives it, read paper by paper) carries it as ``"section"``: the router learns
it as an example with an abstract, the way it learns a maintainer's correction. The same file on
every run. The benchmarks exclude every evaluated paper from it by arXiv
id, so evaluating on the 2024 data never trains on the papers evaluated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scoring import background  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402

LABELLED = "data/arxiv-2024-cs.AI-labeled.jsonl.gz"
# Papers of 2024 judged against SCOPE.md (title and abstract, grade 0, 1 or 2): the label-0 papers
# the bot accepted in either half-year of the 2024 evaluation (bench/score_quality.py), where the
# curated labels are least reliable, and the curated positives SCOPE.md does not call in scope
# (a judgement overrides the label: "Pruning for Protection: Increasing Jailbreak Resistance").
# The benchmarks drop the evaluated half-year's papers from the background, so a judgement only
# ever teaches the other half-year.
JUDGEMENTS = Path(__file__).resolve().parent / "data" / "scope-judgements-2024.jsonl"
# The sections SCOPE.md gives the 2024 papers in scope (several where one fits more than one:
# the first is the example's section; none for a curated positive that is out of scope).
ROUTING_JUDGEMENTS = Path(__file__).resolve().parent / "data" / "routing-judgements-2024.jsonl"
# Curated-list sections that SCOPE.md calls out of scope (applications, alignment-style
# "distillation", technical reports, data selection...): a positive filed only there is left out.
OUT_OF_SCOPE = (
    "Industrial LLM Technical Report",
    "Applications to Other Modalities",
    "KD Algorithms",
    "Skill Distillation",
    "Verticalization Distillation",
    "Applications",
    "Data-Centric Methods",
    "Downstream Adaptation Improving",
    "Cross-task Generalization",
    "Foundations and Preliminaries",
    "Foundation Model Overview",
    "Applications of LoRA",
    "Merging",
    "Trending LLM/VLM Topics",
    "Prompts Attribute-Driven Reasoning Routing",
)


def judgements(path: Path) -> dict[str, int]:
    """arXiv id -> SCOPE.md grade (0 out of scope, 1 borderline, 2 in scope)."""
    grades = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        if record.get("grade") not in (0, 1, 2):
            raise SystemExit(f"{path}:{number}: grade must be 0, 1 or 2, not {record.get('grade')!r}")
        grades[str(record["arxiv_id"])] = int(record["grade"])
    return grades


def sections(path: Path) -> dict[str, str]:
    """arXiv id -> the first section SCOPE.md gives the paper (papers judged to have one)."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {str(r["arxiv_id"]): str(r["sections"][0]) for r in records if r.get("sections")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=background.DEFAULT)
    args = parser.parse_args()
    labelled = feeds.read_papers(args.shared / LABELLED)
    negatives = background.sample(labelled, args.size, args.seed)
    positives = background.in_scope(labelled, OUT_OF_SCOPE)
    grades = judgements(JUDGEMENTS)
    by_id = {p.arxiv_id: p for p in labelled}
    judged = [background.judged(by_id[i], in_scope=g == 2) for i, g in grades.items()]
    chosen = {p.arxiv_id: p for p in negatives + positives} | {p.arxiv_id: p for p in judged}
    homes = sections(ROUTING_JUDGEMENTS)
    papers = sorted(
        (background.placed(p, homes.get(p.arxiv_id)) for p in chosen.values()), key=lambda p: p.arxiv_id
    )
    background.write(papers, args.output)
    in_scope = sum(1 for p in papers if p.extra.get("label"))
    rejected = sum(1 for p in papers if p.extra.get("rejected"))
    print(
        f"{len(papers) - in_scope - rejected} background papers, {in_scope} known in-scope papers "
        f"({sum(g == 2 for g in grades.values())} of them judged) and {rejected} judged out of scope"
        f"; {sum(1 for p in papers if p.extra.get('section'))} of the in-scope papers with their section "
        f"-> {args.output} ({args.output.stat().st_size // 1024} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
