"""Benchmark: `python -m bot score` over the 2025 H1 papers against the full catalog.

    python bench/score_speed.py [--shared ../shared] [--catalog catalog.md] [--repeat 3]

Each run is a fresh process, as in CI: start-up, reading 13,022 papers, training the scorer on
the catalog against them, scoring and routing every paper, writing the JSONL. Prints the best
and median wall time and exits 1 when the best misses the 30 s target.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 30.0
UNLABELLED = "data/arxiv-2025h1-unlabeled.jsonl.gz"


def one_run(papers: Path, catalog: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "score",
            "--input",
            str(papers),
            "--output",
            str(output),
            "--catalog",
            str(catalog),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    papers = args.shared / UNLABELLED
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "decisions.jsonl"
        times = [one_run(papers, args.catalog, output) for _ in range(args.repeat)]
        lines = sum(1 for _ in output.open(encoding="utf-8"))
    best = min(times)
    print(
        f"score: {lines} papers against {args.catalog.name}, training included: best {best:.1f} s, "
        f"median {statistics.median(times):.1f} s over {len(times)} runs (target < {TARGET_SECONDS:.0f} s)"
    )
    return 0 if best < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
