"""The share of each announce type in a recorded full day of arXiv's RSS feed, and a check of the
share of replacements the docs state.

    python bench/feed_shares.py [--shared ../shared]

The day is the real all-archives feed of Thu 28 Nov 2024
(``fixtures/arxiv/arxiv_rss2_feed_all-archives_2024-11-28.xml`` under ``--shared``, 1,504
items). The tests' copy (tests/fixtures/arxiv/) is trimmed to 278 items, most of them `new`:
too few replacements to stand for a day, so the figure is checked here, not in the tests.

Prints the count and share of each announce type, then exits 1 when a page of docs/ that states
"N% of the items of a recorded full day" (docs/poll.md, docs/papers.md) has another N than the
day's share of `replace` and `replace-cross` items, rounded, or when neither page states it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sources.arxiv_rss import ANNOUNCE_TYPES, read_papers  # noqa: E402

FEED = Path("fixtures") / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28.xml"
# how the docs state the share (tests/test_docs.py checks the pages agree and name this script)
STATED = re.compile(r"(\d+)% of the items of a recorded full day")
REPLACEMENTS = ("replace", "replace-cross")


def shares(types: list[str]) -> dict[str, tuple[int, float]]:
    """Announce type -> (items, share of all items), in ``ANNOUNCE_TYPES`` order."""
    counts = Counter(types)
    return {t: (counts[t], counts[t] / len(types)) for t in ANNOUNCE_TYPES if len(types)}


def stated_figures(docs: Path) -> dict[str, list[int]]:
    """Page name -> the shares it states (``STATED``), for the pages that state one."""
    found = {
        page.name: [int(n) for n in STATED.findall(page.read_text(encoding="utf-8"))]
        for page in sorted(docs.glob("*.md"))
    }
    return {name: figures for name, figures in found.items() if figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    args = parser.parse_args(argv)
    feed = args.shared / FEED
    papers = read_papers(feed)
    table = shares([p.announce_type for p in papers])
    print(f"{feed}: {len(papers)} items")
    for kind, (count, share) in table.items():
        print(f"  {kind:<14} {count:>5}  {share:6.1%}")
    replaced = round(100 * sum(table[t][1] for t in REPLACEMENTS))
    print(f"  replacements   {replaced}% (replace and replace-cross)")
    stated = stated_figures(ROOT / "docs")
    wrong = {name: figures for name, figures in stated.items() if any(n != replaced for n in figures)}
    for name, figures in stated.items():
        print(
            f"docs/{name}: states {', '.join(f'{n}%' for n in figures)}{' (wrong)' if name in wrong else ''}"
        )
    if not stated:
        print(f"no page of docs/ states the share ({STATED.pattern!r})")
    return 1 if wrong or not stated else 0


if __name__ == "__main__":
    sys.exit(main())
