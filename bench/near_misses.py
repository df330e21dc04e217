"""Render the weekly "near misses and new topics" issue for a feed, as `new-topics` would.

    python bench/near_misses.py --input FEED [--catalog catalog.md] [--week 2024-10-07]

Scores the feed's papers as `poll` does (against the fixed background), builds the report with
the job's own code (bot.jobs.new_topics) and prints the issue body. With ``--week``, only the
papers dated in the 7 days from that date (e.g. a week of the 2024 labelled listings).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core.branches import BranchNames  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.jobs.new_topics import NewTopicsSettings, build_report, issue_text  # noqa: E402
from bot.scoring import background  # noqa: E402
from bot.scoring.scorer import Scorer  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--week", help="first day (YYYY-MM-DD) of the week to report on")
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    catalog = read_catalog(args.catalog, taxonomy)
    papers = feeds.read_papers(args.input)
    dates = sorted(p.date for p in papers if p.date) or ["?"]
    since, until = dates[0], dates[-1]
    if args.week:
        first = datetime.date.fromisoformat(args.week)
        days = [(first + datetime.timedelta(days=i)).isoformat() for i in range(7)]
        papers = [p for p in papers if p.date in days]
        since, until = days[0], days[-1]
    shipped = background.load(keywords)
    scorer = Scorer.train(catalog, taxonomy, keywords, background=shipped)
    report = build_report(
        papers,
        catalog,
        taxonomy,
        scorer,
        shipped,
        [],
        BranchNames.from_prefix("bot/"),
        NewTopicsSettings.from_config(config.load("poll", ROOT / "config")),
        since,
        until,
    )
    print(issue_text(report, NewTopicsSettings())[1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
