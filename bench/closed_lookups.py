"""Benchmark: how poll should read the bot's closed PRs, on the fake GitHub.

    python bench/closed_lookups.py [--closed 50,300,2000] [--new 300,935]

Poll reads every closed bot PR (the snapshot's first 100, then one query per further 100: 20 at
2,000). The issue commands read only those naming the run's papers (one query per 10 papers,
``RepositoryView.bot_pull_requests_naming``). For each number of closed PRs and of new papers in
a day's feed (935: the recorded full day of 2024-11-28; 200 of them with a closed PR when there
are that many), prints the GraphQL queries and the wall time of both ways on the fake GitHub, and
exits 1 if the per-paper lookup costs fewer queries than reading every closed PR anywhere (poll
would then be worth switching, which it is not: its scorer trains on every closed PR too).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CATALOG_BOT_CONFIG", str(ROOT / "tests" / "fixtures" / "project" / "config"))

from bot.config import load_taxonomy  # noqa: E402
from tests.fake_github import FakeGitHub, catalog_text, forge_for, paper_change  # noqa: E402


def measure(closed: int, new: int) -> tuple[tuple[int, float], tuple[int, float]]:
    """((queries, seconds) reading every closed PR, (queries, seconds) per paper)."""
    taxonomy = load_taxonomy()
    with FakeGitHub() as fake:
        fake.push("catalog.md", catalog_text(taxonomy))
        base = fake.file("catalog.md") or ""
        for i in range(closed):
            change = paper_change(taxonomy, f"2401.{i:05d}", i)
            fake.seed_pull(
                change.branch, "catalog.md", base + "x\n", change.title, change.body, state="closed"
            )
        known = min(200, closed, new)
        ids = [f"2411.{i:05d}" for i in range(new - known)] + [f"2401.{i:05d}" for i in range(known)]
        figures = []
        for read in (lambda f: f.bot_pull_requests("all"), lambda f: f.bot_pull_requests_naming(ids)):
            fake.reset_counts()
            began = time.monotonic()
            read(forge_for(fake))
            figures.append((fake.counts["POST /graphql"], time.monotonic() - began))
        return figures[0], figures[1]


def numbers(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--closed", type=numbers, default=[50, 300, 2000], help="closed bot PRs (comma-separated)"
    )
    parser.add_argument(
        "--new", type=numbers, default=[300, 935], help="new papers of a day (comma-separated)"
    )
    args = parser.parse_args()
    worse = 0
    print("| closed PRs | new papers | every closed PR: queries, s | per paper: queries, s |")
    print("|---:|---:|---:|---:|")
    for closed in args.closed:
        for new in args.new:
            (every, every_s), (per, per_s) = measure(closed, new)
            print(f"| {closed:,} | {new:,} | {every}, {every_s:.1f} | {per}, {per_s:.1f} |", flush=True)
            worse += per < every
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
