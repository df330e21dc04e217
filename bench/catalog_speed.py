"""Benchmark: the import of all shared lists, and a 10,000-entry catalog (parse, insert, lint).

    python bench/catalog_speed.py [--shared ../shared] [--entries 10000] [--repeat 3]

Prints the best of ``--repeat`` runs for each step and exits 1 when a step misses its target
(2 s for the import and for the parse of the big catalog; the insert and lint are shown too).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_taxonomy  # noqa: E402
from bot.core import catalog_document, catalog_parse  # noqa: E402
from bot.core.entry import Entry  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402
from bot.jobs import import_lists as importer  # noqa: E402
from bot.jobs import lint  # noqa: E402

TARGET_SECONDS = 2.0
WORDS = (
    "efficient",
    "sparse",
    "quantized",
    "low-rank",
    "adaptive",
    "speculative",
    "streaming",
    "mixture",
    "expert",
    "cache",
    "attention",
    "kernel",
    "serving",
    "decoding",
    "pruning",
    "distillation",
    "memory",
    "context",
    "token",
    "layer",
    "model",
    "language",
    "large",
    "transformer",
    "inference",
    "training",
    "scaling",
    "outlier",
    "rotation",
    "lossless",
    "fast",
)


def timed(step: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def import_shared(shared: Path, taxonomy: Taxonomy, mapping: importer.ImportMapping, output: Path) -> int:
    """What `python -m bot import` does after start-up: read, map, merge, render, write safely."""
    paths = sorted([*(shared / "seeds").iterdir(), *(shared / "lists").iterdir()])
    result = importer.run(importer.read_sources(paths), mapping)
    output.unlink(missing_ok=True)
    importer.write(result, taxonomy, output)
    return result.papers


def synthetic_catalog(taxonomy: Taxonomy, count: int, seed: int = 1) -> str:
    """A catalog of ``count`` distinct papers spread over every paper section and subsection."""
    rng = random.Random(seed)
    places: list[tuple[str, str | None]] = [(s.id, None) for s in taxonomy.sections if s.kind == "papers"]
    places += [(sub.parent or "", sub.id) for sub in taxonomy.subsections if sub.kind == "papers"]
    placed: dict[catalog_document.Placement, list[Entry]] = {}
    for index in range(count):
        year, month = 2015 + index % 10, 1 + index % 12
        arxiv_id = f"{year % 100:02d}{month:02d}.{index:05d}"
        title = f"{' '.join(rng.sample(WORDS, 7)).capitalize()} {index}"
        entry = Entry(
            title=title,
            url=f"https://arxiv.org/abs/{arxiv_id}",
            arxiv_id=arxiv_id,
            year=year,
            month=month,
            authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"),
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
            code_url=f"https://github.com/o/r{index}",
            venue="NeurIPS 2024" if index % 3 == 0 else "",
        )
        placed.setdefault(places[index % len(places)], []).append(entry)
    return catalog_document.render_document(taxonomy, placed)


def report(name: str, figures: tuple[float, float], target: float | None) -> bool:
    best, median = figures
    verdict = "" if target is None else ("  ok" if best < target else f"  SLOWER than {target:.0f} s")
    print(f"{name:<44} best {best:6.3f} s   median {median:6.3f} s{verdict}")
    return target is None or best < target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared",
        help="the shared data folder with seeds/ and lists/ (default: ../shared)",
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy(ROOT / "config")
    mapping = importer.load_mapping(taxonomy, ROOT / "config")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "catalog.md"
        papers = import_shared(args.shared, taxonomy, mapping, output)
        ok &= report(
            f"import all shared lists ({papers} papers)",
            timed(lambda: import_shared(args.shared, taxonomy, mapping, output), args.repeat),
            TARGET_SECONDS,
        )
    text = synthetic_catalog(taxonomy, args.entries)
    big = catalog_parse.parse(text, taxonomy)
    assert len(big.arxiv_id_set()) == args.entries
    ok &= report(
        f"parse a {args.entries:,}-entry catalog ({len(text) / 1e6:.1f} MB)",
        timed(lambda: catalog_parse.parse(text, taxonomy), args.repeat),
        TARGET_SECONDS,
    )
    new = Entry(
        title="A brand new paper about efficient inference",
        url="https://arxiv.org/abs/2412.99999",
        arxiv_id="2412.99999",
        year=2024,
        month=12,
        authors=("New Author",),
    )
    ok &= report(
        "insert one entry into it (+ re-parse)",
        timed(lambda: big.insert(new, "kv-cache"), args.repeat),
        TARGET_SECONDS,
    )
    report("lint it", timed(lambda: lint.check(big, taxonomy), args.repeat), None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
