"""Show the PR bodies the bot would open for some papers of the 2024 labelled listings.

    python bench/show_pr_bodies.py [--shared ../shared] [--catalog catalog.md] ID [ID ...]

Each paper is first removed from the training catalog (as if it were new), the scorer is trained
as `poll` trains it, and the body of the paper's PR is printed as `poll` would open it (whether
or not the score reaches the threshold). For judging the PR text by eye, before and after a change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from score_quality import LABELLED, catalog_without  # noqa: E402

from bot import config  # noqa: E402
from bot.core import proposals  # noqa: E402
from bot.core.branches import BranchNames  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.jobs.poll.plan import PollSettings, proposal_for  # noqa: E402
from bot.scoring import background  # noqa: E402
from bot.scoring.scorer import Scorer  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402
from bot.sources import paper_facts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    papers = {p.arxiv_id: p for p in feeds.read_papers(args.shared / LABELLED)}
    chosen = [paper_facts.enrich(papers[i]) for i in args.ids]
    catalog, _ = catalog_without(read_catalog(args.catalog, taxonomy), chosen, taxonomy)
    negatives = [p for p in background.load(keywords) if p.arxiv_id not in set(args.ids)]
    scorer = Scorer.train(catalog, taxonomy, keywords, background=negatives)
    settings = PollSettings()
    for paper, decision in zip(chosen, scorer.score(chosen), strict=True):
        request = proposals.change_request(
            proposal_for(paper, decision, settings), taxonomy, "catalog.md", BranchNames.from_prefix("bot/")
        )
        print(f"=== {paper.arxiv_id}: {request.title}\n{request.body}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
