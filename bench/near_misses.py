"""Render the weekly "near misses and new topics" issue for a feed, as `new-topics` would.

    python bench/near_misses.py --input FEED [--catalog catalog.md] [--week 2024-10-07]
    python bench/near_misses.py --measure 7-12 [--shared ../shared]

Scores the feed's papers as `poll` does (against the fixed background), builds the report with
the job's own code (bot.jobs.new_topics) and prints the issue body. With ``--week``, only the
papers dated in the 7 days from that date (e.g. a week of the 2024 labelled listings).

``--measure 7-12`` (or 1-6) reads the labelled 2024 listings and, for each of the half-year's
weeks (days 1-7 and 15-21), trains as score_quality.py does (the catalog without the half's
papers and arXiv months, the fixed background without them), builds the week's report and
prints each near miss with its grade by score_quality.py's yardstick (in scope, borderline, out,
unjudged) and each rising term, then the totals.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core.branches import BranchNames  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.jobs.new_topics import NewTopicsSettings, build_report, issue_text  # noqa: E402
from bot.scoring import background  # noqa: E402
from bot.scoring.scorer import Scorer  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path)
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--week", help="first day (YYYY-MM-DD) of the week to report on")
    parser.add_argument(
        "--measure", choices=["1-6", "7-12"], help="grade a half-year of 2024's weekly reports"
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if args.measure:
        return measure(args.shared, args.catalog, args.measure)
    if args.input is None:
        parser.error("--input FEED is needed (or --measure)")
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


def measure(shared: Path, catalog_path: Path, months: str) -> int:
    """Each week of the half-year: its near misses graded against SCOPE.md, its rising terms."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from score_quality import (
        LABELLED,
        background_without,
        catalog_without,
        catalog_without_months,
        outside_scope,
        scope_grades,
    )

    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    papers = feeds.read_papers(shared / LABELLED)
    first, last = (int(m) for m in months.split("-"))
    half = [p for p in papers if first <= int(p.date[5:7]) <= last]
    catalog, _ = catalog_without(read_catalog(catalog_path, taxonomy), half, taxonomy)
    catalog, _ = catalog_without_months(catalog, {f"24{m:02d}" for m in range(first, last + 1)}, taxonomy)
    negatives = background_without(keywords, half)
    scorer = Scorer.train(catalog, taxonomy, keywords, background=negatives)
    settings = NewTopicsSettings.from_config(config.load("poll", ROOT / "config"))

    def grade(paper: Paper) -> str:
        if paper.extra.get("label") and not outside_scope(paper):
            return "in scope"
        return {2: "in scope", 1: "borderline", 0: "out"}.get(
            scope_grades().get(paper.arxiv_id, -1), "unjudged"
        )

    totals: Counter[str] = Counter()
    terms = 0
    for month in range(first, last + 1):
        for day in (1, 15):
            start = datetime.date(2024, month, day)
            days = [(start + datetime.timedelta(days=i)).isoformat() for i in range(7)]
            week = [p for p in half if p.date in days]
            report = build_report(
                week,
                catalog,
                taxonomy,
                scorer,
                negatives,
                [],
                BranchNames.from_prefix("bot/"),
                settings,
                *days[::6],
            )
            print(
                f"\n{days[0]}: {len(week)} papers, {len(report.misses)} near misses, {len(report.terms)} terms"
            )
            for miss in report.misses:
                totals[grade(miss.paper)] += 1
                print(
                    f"  {grade(miss.paper):<10} {miss.points:5.1f} {miss.decision.score:.2f}  {miss.paper.arxiv_id} {miss.paper.title[:80]}"
                )
            for term in report.terms:
                terms += 1
                print(
                    f"  term {term.term!r}: {len(term.papers)} papers, "
                    + " | ".join(p.title[:50] for p in term.papers[:3])
                )
    listed = sum(totals.values())
    print(
        f"\nmonths {months}: {listed} near misses: "
        + ", ".join(f"{totals[k]} {k}" for k in ("in scope", "borderline", "out", "unjudged"))
        + f"; {terms} rising terms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
