"""Benchmark: GitHub requests per push of the refresh job, on the fake GitHub.

    python bench/refresh_requests.py [--prs 100] [--merges 10] [--seed 13] [--mergeable]

Opens ``--prs`` bot PRs spread over 12 subsections of a fixture catalog, merges ``--merges`` of
them one after another (chosen at random) and runs the refresh job after each merge, counting
every request it sends. Prints one row per push (PRs open, rebuilt, requests, the budget
3 + 3 x rebuilt, what rebuilding every open PR cost before) and the causes, and exits 1 if a
merge conflicted, a PR left open would conflict, or a push went over its budget.

By default the fake answers GitHub's ``mergeable`` as UNKNOWN (as GitHub does right after a push,
before its background check ran), so the context trailer alone decides; ``--mergeable`` lets the
fake compute it (a real merge per open PR per query: slower) and checks every push.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_taxonomy  # noqa: E402
from tests import refresh_scenario  # noqa: E402
from tests.fake_github import FakeGitHub  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=100)
    parser.add_argument("--merges", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--mergeable",
        action="store_true",
        help="let the fake compute GitHub's mergeable state (and check every push)",
    )
    args = parser.parse_args()
    taxonomy = load_taxonomy(ROOT / "config")
    started = time.perf_counter()
    with FakeGitHub() as fake:
        fake.mergeable_unknown = not args.mergeable
        pushes = refresh_scenario.run(
            fake, taxonomy, prs=args.prs, merges=args.merges, seed=args.seed, check_each_push=args.mergeable
        )
        fake.mergeable_unknown = False
    elapsed = time.perf_counter() - started

    print(
        f"{args.prs} open bot PRs, {args.merges} merges in a row, refresh after each "
        f"(seed {args.seed}, mergeable {'computed' if args.mergeable else 'UNKNOWN'})\n"
    )
    print(
        "| push | merged | open PRs | rebuilt | requests (reads + writes) | budget 3 + 3 x rebuilt "
        "| rebuild-all cost | conflicting after |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for index, push in enumerate(pushes, start=1):
        after = "-" if push.conflicting_after < 0 else str(push.conflicting_after)
        print(
            f"| {index} | #{push.merged} | {push.open_prs} | {push.rebuilt} | {push.requests} ({push.reads} + "
            f"{push.writes}) | {push.budget} | {push.rebuild_all_cost} | {after} |"
        )
    total = sum(p.requests for p in pushes)
    before = sum(p.rebuild_all_cost for p in pushes)
    rebuilt = sum(p.rebuilt for p in pushes)
    causes: Counter[str] = Counter()
    for push in pushes:
        causes.update(push.causes)
    print(
        f"\nrebuilt {rebuilt} PRs in {len(pushes)} pushes; {total} requests in all "
        f"({total / len(pushes):.1f} per push) against {before} when every open PR was rebuilt "
        f"({before / len(pushes):.1f} per push)"
    )
    for cause, n in causes.most_common():
        print(f"  {n:5d}  {cause}")
    print(f"merges clean: {len(pushes)}/{args.merges}; wall time {elapsed:.1f} s")
    over = [i for i, p in enumerate(pushes, start=1) if p.requests > p.budget]
    conflicts = [i for i, p in enumerate(pushes, start=1) if p.conflicting_after > 0]
    if over or conflicts:
        print(f"FAILED: over budget at pushes {over}, conflicts after pushes {conflicts}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
