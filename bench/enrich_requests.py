"""Benchmark: what ``enrich`` costs on a catalog, against the local arXiv API (no network).

    python bench/enrich_requests.py [--catalog catalog.md] [--abstract-chars 1100]

Seeds tests/arxiv_api_server.py with SYNTHETIC metadata for every arXiv paper the catalog lists
(authors, an abstract of ``--abstract-chars`` characters, the average of real arXiv abstracts is
about 1,100), runs enrich twice, and prints: arXiv API requests per run, lines changed, the store's
size. Nothing is written: the real data/papers.jsonl is built by the nightly job with network access.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import paper_store  # noqa: E402
from bot.core.catalog_parse import parse  # noqa: E402
from bot.core.venues import VenueTable  # noqa: E402
from bot.jobs import enrich  # noqa: E402
from bot.sources.arxiv_api import ApiSettings  # noqa: E402
from bot.sources.arxiv_fetch import PoliteApi  # noqa: E402
from tests.arxiv_api_server import ArxivApiServer, synthetic  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--abstract-chars", type=int, default=1100)
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    text = args.catalog.read_text(encoding="utf-8")
    catalog = parse(text, taxonomy)
    ids = enrich.listed_ids(catalog)
    no_authors = sum(1 for i in catalog.entries() if i.entry and i.entry.arxiv_id and not i.entry.authors)
    filler = ("word " * (args.abstract_chars // 5))[: args.abstract_chars]
    server = ArxivApiServer(synthetic(i, f"Title of {i}", n, abstract=filler) for n, i in enumerate(ids))
    papers = config.load("papers", ROOT / "config")
    venues, settings = VenueTable.from_config(papers), enrich.Settings.from_config(papers)
    slept: list[float] = []
    try:
        api = PoliteApi(
            ApiSettings(query_url=server.url, delay_seconds=3.0), sleep=slept.append, clock=lambda: 0.0
        )
        today = datetime.date.today()
        started = time.perf_counter()
        first = enrich.run(text, "", api, today, taxonomy, venues, settings)
        seconds = time.perf_counter() - started
        store_text = paper_store.dump(first.store)
        second = enrich.run(
            first.text,
            store_text,
            PoliteApi(ApiSettings(query_url=server.url, delay_seconds=0)),
            today,
            taxonomy,
            venues,
            settings,
        )
    finally:
        server.close()
    after = parse(first.text, taxonomy)
    still_without = sum(1 for i in after.entries() if i.entry and i.entry.arxiv_id and not i.entry.authors)
    not_canonical = sum(1 for i in after.entries() if i.entry is None and i.arxiv_ids)
    print(
        f"catalog: {len(ids)} arXiv papers listed; {no_authors} canonical arXiv entries without authors; "
        f"{not_canonical} arXiv items not in the canonical one-line form (not rewritten)"
    )
    print(
        f"first run: {first.requests} arXiv API requests ({len(first.asked)} ids, 100 a request), "
        f"{len(slept)} pauses of 3 s = {sum(slept):.0f} s of waiting in production; {seconds:.1f} s locally"
    )
    print(
        f"  catalog lines changed: {len({c.line for c in first.changes})}; canonical arXiv entries still "
        f"without authors: {still_without}"
    )
    print(
        f"store: {len(first.store)} lines, {len(store_text.encode()):,} bytes "
        f"({len(store_text.encode()) / max(1, len(first.store)):,.0f} bytes a paper, synthetic "
        f"{args.abstract_chars}-character abstracts)"
    )
    print(
        f"second run: {second.requests} requests, {len(second.changes)} changes, "
        f"catalog unchanged: {second.text == first.text}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
