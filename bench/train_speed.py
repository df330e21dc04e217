"""Benchmark: what the title model's third set of fits (merged PRs' papers) costs a training run.

    python bench/train_speed.py [--catalog catalog.md] [--merged 300] [--repeat 3]

`score` never learns merged PRs, so `bench/score_speed.py` trains without them; poll, backfill
and new-topics pass the merged PRs' arXiv ids, and the title model is then fitted once more per
background fold without those entries (``learned.merged_lift``). This trains the scorer as they
do, on the catalog against the fixed background, without merged ids and with the last
``--merged`` catalog entries' ids as merged (in memory only: every repeat trains anew; the
abstract model, which merged ids do not change, is trained once before the timing). Prints wall
and CPU time per training, and the logistic-regression fits' count and CPU time: CPU time is the
figure to compare on a loaded machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.scoring import background, relevance, training  # noqa: E402
from bot.scoring.scorer import Scorer, catalog_entries  # noqa: E402


def timed_fits(record: list[float]) -> Callable[..., Any]:
    """relevance._fit, recording each call's CPU time in ``record``."""
    fit = relevance._fit

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fit(*args, **kwargs)
        finally:
            record.append(time.process_time() - start)

    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument(
        "--merged", type=int, default=300, help="how many catalog entries count as merged PRs"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    catalog = read_catalog(args.catalog, taxonomy)
    papers = background.load(keywords)
    entries = catalog_entries(catalog, taxonomy)
    ids = [e.arxiv_id for e in entries if e.arxiv_id][-args.merged :] if args.merged > 0 else []
    Scorer.train(catalog, taxonomy, keywords, background=papers)  # imports, the abstract model
    fits: list[float] = []
    relevance._fit = timed_fits(fits)
    print(f"{len(entries)} catalog entries, {len(papers)} background papers")
    for label, merged in (("no merged PRs", []), (f"{len(ids)} merged PRs", ids)):
        runs = []
        for _ in range(args.repeat):
            training._STATES.clear()  # train anew, as a run with new content does
            fits.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            Scorer.train(catalog, taxonomy, keywords, background=papers, merged=merged)
            runs.append((time.perf_counter() - wall, time.process_time() - cpu, len(fits), sum(fits)))
        print(
            f"{label}: wall best {min(r[0] for r in runs):.2f} s, median "
            f"{statistics.median(r[0] for r in runs):.2f} s; CPU best {min(r[1] for r in runs):.2f} s, "
            f"median {statistics.median(r[1] for r in runs):.2f} s; {runs[0][2]} title-model fits, "
            f"{statistics.median(r[3] for r in runs):.2f} s of CPU (median)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
