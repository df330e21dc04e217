"""Render the "near misses and new topics" report for a feed (what the weekly issue would say).

    python bench/near_misses.py --input FEED [--catalog catalog.md] [--week 2025-03-03]

Scores the feed's papers as `score` does (against the fixed background), and prints the report
rendered from config/templates/near_misses.md.j2. With ``--week``, only the papers dated in the
7 days from that date.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import taxonomy as taxonomy_module  # noqa: E402
from bot.core import templates  # noqa: E402
from bot.core.catalog import read_catalog  # noqa: E402
from bot.scoring import background, emerging  # noqa: E402
from bot.scoring.scorer import Scorer, catalog_entries  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402

EVIDENCE = 2.0  # rule points that make a paper "about efficiency" for the rising terms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--week", help="first day (YYYY-MM-DD) of the week to report on")
    args = parser.parse_args()
    taxonomy = taxonomy_module.load(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    catalog = read_catalog(args.catalog, taxonomy)
    papers = feeds.read_papers(args.input)
    if args.week:
        first = datetime.date.fromisoformat(args.week)
        days = {(first + datetime.timedelta(days=i)).isoformat() for i in range(7)}
        papers = [p for p in papers if p.date in days]
    negatives = background.load(keywords)
    scorer = Scorer.train(catalog, taxonomy, keywords, background=negatives)
    decisions = scorer.score(papers)
    points = [r.points for r in scorer.rules.evaluate_all(papers)]
    misses = emerging.near_misses(papers, decisions, points)
    # rising among the papers with some efficiency evidence, against the same part of the background
    some = [p for p, v in zip(papers, points, strict=True) if v >= EVIDENCE]
    quiet = [p for p, r in zip(negatives, scorer.rules.evaluate_all(negatives), strict=True)
             if r.points >= EVIDENCE]
    terms = emerging.rising_terms(some, quiet, [r.pattern for r in scorer.rules.rules],
                                  [e.title for e in catalog_entries(catalog, taxonomy)])
    print(templates.render("near_misses.md.j2", misses=misses, terms=terms).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
