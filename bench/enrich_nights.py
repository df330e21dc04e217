"""Benchmark: the nightly run's arXiv API calls on a big catalog, night after night (loopback only).

    python bench/enrich_nights.py [--entries 5000] [--nights 35] [--new-versions 10]
                                  [--delay 3] [--answer-seconds 1.5]

A catalog of ``--entries`` arXiv papers (SYNTHETIC metadata in tests/arxiv_api_server.py, no
authors on the lines) goes through ``--nights`` nights of what ``python -m bot nightly`` asks
arXiv: the link check's arXiv resolver (every arxiv.org link, 100 ids a call), then the paper
store step (``enrich``: the missing and the stale papers, at most ``enrich.max_papers``), through
one API session as the job does, the store carried from night to night (the rolling PR's or the
merged one: the same). Each night ``--new-versions`` listed papers get a new version that the
daily feed announces (an assumption: the feed is not replayed).

Printed per night: the papers and requests of each step, the pauses between calls (``--delay``
seconds apart, slept on a virtual clock: recorded, not waited) and an estimate of the arXiv time
(pauses + ``--answer-seconds`` per request for arXiv to answer: an assumption, measured nowhere
here), against the 75 minutes of the nightly workflow's ``timeout-minutes``. Then the steady
state (the nights after the store is built). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import paper_store  # noqa: E402
from bot.core.catalog_document import render_document  # noqa: E402
from bot.core.entry import Entry  # noqa: E402
from bot.core.venues import VenueTable  # noqa: E402
from bot.jobs import enrich  # noqa: E402
from bot.linkcheck.arxiv import ArxivResolver  # noqa: E402
from bot.sources.arxiv_api import ApiSettings, ArxivLookup  # noqa: E402
from bot.sources.arxiv_fetch import PoliteApi  # noqa: E402
from tests.arxiv_api_server import ArxivApiServer, synthetic  # noqa: E402

WORKFLOW_MINUTES = 75  # the nightly workflow's timeout-minutes (docs/nightly.md)


class Clock:
    """A virtual monotonic clock: ``sleep`` advances it and adds to ``slept``."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def catalog(entries: int) -> tuple[str, list[str]]:
    """A catalog of ``entries`` arXiv papers spread over the sections of this list's taxonomy."""
    taxonomy = config.load_taxonomy(ROOT / "config")
    places = [(s.id, None) for s in taxonomy.sections if s.kind == "papers"]
    ids = [f"{(2015 + i % 10) % 100:02d}{1 + i % 12:02d}.{i:05d}" for i in range(entries)]
    placed: dict = {}
    for n, arxiv_id in enumerate(ids):
        entry = Entry(
            title=f"Title of {arxiv_id}",
            url=f"https://arxiv.org/abs/{arxiv_id}",
            arxiv_id=arxiv_id,
            year=2000 + int(arxiv_id[:2]),
            month=int(arxiv_id[2:4]),
        )
        placed.setdefault(places[n % len(places)], []).append(entry)
    return render_document(taxonomy, placed), ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--nights", type=int, default=35)
    parser.add_argument("--new-versions", type=int, default=10, help="listed papers revised a night")
    parser.add_argument("--delay", type=float, default=3.0, help="seconds between two API calls")
    parser.add_argument("--answer-seconds", type=float, default=1.5, help="assumed time of one answer")
    args = parser.parse_args(argv)

    taxonomy = config.load_taxonomy(ROOT / "config")
    papers = config.load("papers", ROOT / "config")
    venues, settings = VenueTable.from_config(papers), enrich.Settings.from_config(papers)
    text, ids = catalog(args.entries)
    urls = [f"https://arxiv.org/abs/{i}" for i in ids]
    server = ArxivApiServer(synthetic(i, f"Title of {i}", n) for n, i in enumerate(ids))
    versions = dict.fromkeys(ids, 1)
    rng = random.Random(1)
    clock = Clock()
    api = PoliteApi(
        ApiSettings(query_url=server.url, delay_seconds=args.delay), sleep=clock.sleep, clock=clock
    )
    resolver = ArxivResolver(ArxivLookup(api))
    store_text = ""
    day = datetime.date(2026, 1, 1)
    rows = []
    print(
        f"{args.entries:,} arXiv papers; {args.delay:g} s between calls; {args.answer_seconds:g} s assumed "
        f"per answer; {args.new_versions} new versions announced a night; enrich.max_papers "
        f"{settings.max_papers:,}, max_age_days {settings.max_age_days}"
    )
    print(
        "night | link check: requests | enrich: papers, requests | pauses s | arXiv time est. min | stale left"
    )
    try:
        for night in range(1, args.nights + 1):
            today = day + datetime.timedelta(days=night - 1)
            revised = rng.sample(ids, args.new_versions)
            for arxiv_id in revised:  # arXiv has a new version; the daily feed announces it
                versions[arxiv_id] += 1
                server.seed([synthetic(arxiv_id, f"Title of {arxiv_id}", 0, version=versions[arxiv_id])])
            slept, asked = clock.slept, api.requests
            resolver.resolve(urls)
            link_requests = api.requests - asked
            store = paper_store.mark_announced(
                paper_store.load(store_text), {i: versions[i] for i in revised}
            )
            started = time.perf_counter()
            result = enrich.run(text, store_text, api, today, taxonomy, venues, settings, start=store)
            wall = time.perf_counter() - started
            text, store_text = result.text, result.store_text
            enrich_requests = api.requests - asked - link_requests
            pauses = clock.slept - slept
            minutes = (pauses + (api.requests - asked) * args.answer_seconds) / 60
            rows.append((night, link_requests, len(result.asked), enrich_requests, pauses, minutes, wall))
            print(
                f"{night:5} | {link_requests:20} | {len(result.asked):6,}, {enrich_requests:8} | {pauses:8.0f} | "
                f"{minutes:19.1f} | {result.remaining:,}",
                flush=True,
            )
    finally:
        server.close()
    built = next((r[0] for r in rows if r[2] < settings.max_papers), len(rows))
    steady = [r for r in rows if r[0] > built + 1]
    if steady:
        fetched = [r[2] for r in steady]
        print(
            f"store built over {built} night(s) (at most {settings.max_papers:,} papers a night); nights "
            f"{steady[0][0]}-{steady[-1][0]}: enrich {min(fetched)}-{max(fetched)} papers a night "
            f"(mean {sum(fetched) / len(fetched):.0f}), {max(r[3] for r in steady)} request(s) at most; "
            f"the link check {max(r[1] for r in steady)} requests a night"
        )
    busiest = max(rows, key=lambda r: r[5])
    print(
        f"busiest night: {busiest[0]}, about {busiest[5]:.1f} min of arXiv calls "
        f"({math.ceil(busiest[5] / WORKFLOW_MINUTES * 100)} % of the workflow's {WORKFLOW_MINUTES} min); "
        f"enrich's own work {max(r[6] for r in rows):.1f} s at most a night on this machine"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
