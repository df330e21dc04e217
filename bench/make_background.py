"""Regenerate the scorer's fixed background (bot/scoring/data/background.jsonl.gz).

    python bench/make_background.py [--shared ../shared] [--size 3000] [--seed 0]

A seeded sample of the label-0 papers of the 2024 labelled listings (title, abstract,
categories, date), plus the labelled positives (``"label": 1``) except those the curated lists file
only under sections ../shared/SCOPE.md puts out of scope (OUT_OF_SCOPE below): the same file on
every run. The benchmarks exclude every evaluated paper
from it by arXiv id, so evaluating on the 2024 data never trains on the papers evaluated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scoring import background  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402

LABELLED = "data/arxiv-2024-cs.AI-labeled.jsonl.gz"
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
    papers = sorted(negatives + positives, key=lambda p: p.arxiv_id)
    background.write(papers, args.output)
    print(
        f"{len(negatives)} background papers and {len(positives)} known in-scope papers -> "
        f"{args.output} ({args.output.stat().st_size // 1024} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
