"""Benchmark: the paper store, ``poll`` in GitHub mode and the issue commands at scale (loopback only).

    python bench/poll_scale.py [--parts store,poll,commands] [--store-papers 10000]
                               [--entries 5000] [--open 300] [--closed 2000] [--comments 30]
                               [--feed ../shared/fixtures/arxiv/arxiv_rss2_feed_all-archives_2024-11-28.xml]

- ``store``: a paper store of ``--store-papers`` records (real titles and abstracts of the 2025
  listings in ``../shared/data``, for size only): load, dump, a save after one record changed
  (``enrich.write_store``), poll's ``mark_replaced``; the file's size and how much of it a save
  rewrites; an enrich run stopped by arXiv half-way (consistent?), then resumed, then run again
  (files written: none expected).
- ``poll``: the fake GitHub (tests/fake_github.py) holding a catalog of ``--entries`` entries and
  its paper store, ``--open`` open and ``--closed`` closed bot PRs (some for papers of the day's
  feed), then ``poll``'s run on a recorded full day of arXiv (every archive) three times: GitHub
  refuses the first run's third PR, the second opens it, the third has nothing to do. Requests
  (REST, GraphQL by operation and GitHub's points), the time with config/github.yml's pacing
  (slept virtually: recorded, not waited), the busiest minute of writes, papers proposed again
  that had a PR (expected: none), bot branches left without a PR (none), writes of the third run
  (none).
- ``commands``: on the same repository, one comment with one ``/add`` of ``max_ids`` ids, then
  ``--comments`` comments of one ``/add`` each answered by one run (a burst: Actions keeps one
  pending run per concurrency group and cancels the others), then that run again, then a comment
  without a command. Requests per command, the arXiv API's requests, the status comment's size.

Figures only: nothing is asserted, the exit status is 0 unless a step raises.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import io
import json
import math
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import catalog_document, paper_store  # noqa: E402
from bot.core.entry import Entry  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402

SHARED = ROOT.parent / "shared"
LISTINGS = SHARED / "data" / "arxiv-2025h1-unlabeled.jsonl.gz"
FULL_DAY = SHARED / "fixtures" / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28.xml"
# GitHub's GraphQL points: one per 100 nodes asked of every connection, summed, divided by 100
# (at least 1). Each BotPull node asks labels(50), parents(2), commits(1): 3 connections.
POINTS = {
    # the open and the closed PRs' connections, the labels, the renamed PRs' count (round 30)
    "CatalogBotSnapshot": round(((1 + 3 * 100) * 2 + 2) / 100),
    "CatalogBotOpenPulls": round((1 + 3 * 100) / 100),
    "CatalogBotClosedPulls": round((1 + 3 * 100) / 100),
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def step(name: str) -> Iterator[dict[str, Any]]:
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    yield figures
    figures.setdefault("wall s", round(time.perf_counter() - started, 2))
    figures["peak RSS MB"] = round(rss_mb())
    print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)


def listings(count: int) -> list[dict[str, Any]]:
    """The first ``count`` papers of the 2025 listings (their text only sizes the files)."""
    rows: list[dict[str, Any]] = []
    with gzip.open(LISTINGS, "rt", encoding="utf-8") as lines:
        for line in lines:
            rows.append(json.loads(line))
            if len(rows) == count:
                break
    return rows


def record_of(row: dict[str, Any], fetched: str = "2026-12-01") -> paper_store.PaperRecord:
    categories = row["categories"] if isinstance(row["categories"], list) else row["categories"].split()
    return paper_store.PaperRecord(
        arxiv_id=row["arxiv_id"],
        title=row["title"],
        abstract=row["abstract"],
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"),
        primary_category=categories[0],
        categories=tuple(categories[1:]),
        published=row.get("date", "2025-01-02")[:10],
        updated=row.get("date", "2025-01-02")[:10],
        fetched=fetched,
    )


# -- 1. the paper store -------------------------------------------------------------------------------


def run_store(count: int) -> None:
    from bot.jobs import enrich
    from bot.jobs.poll.inputs import mark_replaced

    rows = listings(count)
    store = {r.arxiv_id: r for r in map(record_of, rows)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "papers.jsonl"
        with step(f"store: dump {len(store):,} records") as figures:
            text = paper_store.dump(store)
            figures["MB"] = round(len(text.encode()) / 1e6, 1)
        with step("store: write (enrich.write_store)") as figures:
            enrich.write_store(path, store)
        with step("store: load") as figures:
            loaded = paper_store.load(path.read_text(encoding="utf-8"))
            figures["records"] = len(loaded)
        one = rows[count // 2]["arxiv_id"]
        changed = {**loaded, one: record_of({**rows[count // 2], "title": "A new title"})}
        inode = path.stat().st_ino
        with step("store: save after one record changed") as figures:
            enrich.write_store(path, changed)
            figures["bytes written"] = path.stat().st_size
            figures["lines changed"] = 1
            figures["file replaced"] = path.stat().st_ino != inode
        inode = path.stat().st_ino
        with step("store: save, nothing changed") as figures:
            enrich.write_store(path, changed)
            figures["file replaced"] = path.stat().st_ino != inode
        repo = Path(tmp)
        (repo / "config").symlink_to(ROOT / "config")
        with step("store: poll's mark_replaced (3 new versions)") as figures, chdir(repo):
            versions = {rows[i]["arxiv_id"]: 5 for i in (1, 2, 3)}
            figures["problem"] = mark_replaced(repo, versions, dry_run=False) or "none"
        inode = path.stat().st_ino
        with step("store: poll's mark_replaced again (nothing new)") as figures, chdir(repo):
            mark_replaced(repo, versions, dry_run=False)
            figures["file replaced"] = path.stat().st_ino != inode
    run_store_enrich(rows[: min(count, 2000)])


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_store_enrich(rows: list[dict[str, Any]]) -> None:
    """enrich on a catalog of ``rows``: stopped by arXiv (503 past the retries) half-way, then run
    again (resumes), then once more (nothing to do: nothing written)."""
    import datetime

    from bot.core.catalog_io import write_catalog
    from bot.core.catalog_parse import parse
    from bot.core.venues import VenueTable
    from bot.errors import BotError
    from bot.jobs import enrich
    from bot.sources.arxiv_api import ApiSettings
    from bot.sources.arxiv_fetch import PoliteApi
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    taxonomy = config.load_taxonomy(ROOT / "config")
    text = build_catalog(taxonomy, rows, authors=False)
    papers = config.load("papers", ROOT / "config")
    venues, settings = VenueTable.from_config(papers), enrich.Settings.from_config(papers)
    metas = [synthetic(r["arxiv_id"], r["title"], n) for n, r in enumerate(rows)]
    arxiv = ArxivApiServer(metas)
    today = datetime.date(2026, 12, 7)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            catalog_path, store_path = Path(tmp) / "catalog.md", Path(tmp) / "papers.jsonl"
            catalog_path.write_text(text, encoding="utf-8")
            for run in ("stopped half-way", "resumed", "again"):
                api = PoliteApi(
                    ApiSettings(query_url=arxiv.url, delay_seconds=0.0, retries=1), sleep=no_sleep
                )
                requests = [0]
                arxiv._failures.clear()  # a fault left from the stopped run

                def progress(_message: str, requests: list[int] = requests, run: str = run) -> None:
                    requests[0] += 1
                    if run == "stopped half-way" and requests[0] == max(1, len(rows) // 200):
                        arxiv.fail(times=10, status=503)  # the next request and its retry: the run stops

                writes = {"catalog": 0, "store": 0}
                written = [catalog_path.read_text(encoding="utf-8")]

                def save_text(
                    new: str, written: list[str] = written, writes: dict[str, int] = writes
                ) -> None:
                    if new != written[0]:
                        write_catalog(catalog_path, new, taxonomy, old_text=written[0])
                        written[0] = new
                        writes["catalog"] += 1

                def save(store: paper_store.Store, writes: dict[str, int] = writes) -> None:
                    before = store_path.stat().st_mtime_ns if store_path.exists() else None
                    enrich.write_store(store_path, store)
                    if store_path.stat().st_mtime_ns != before:
                        writes["store"] += 1

                with step(f"enrich on {len(rows):,} papers, {run}") as figures:
                    failure = ""
                    try:
                        result = enrich.run(
                            written[0],
                            enrich.read_store_text(store_path),
                            api,
                            today,
                            taxonomy,
                            venues,
                            settings,
                            save,
                            progress,
                            saved_text=save_text,
                        )
                        save_text(result.text)
                        save(result.store)
                        figures["arXiv requests"] = result.requests
                    except BotError as exc:
                        failure = str(exc)[:60]
                    store = (
                        paper_store.load(enrich.read_store_text(store_path)) if store_path.exists() else {}
                    )
                    catalog = parse(catalog_path.read_text(encoding="utf-8"), taxonomy)
                    with_authors = {
                        i
                        for item in catalog.entries()
                        if item.entry and item.entry.authors
                        for i in item.arxiv_ids
                    }
                    figures["store records"] = len(store)
                    figures["lines with authors"] = len(with_authors)
                    figures["lines changed without their record"] = len(with_authors - set(store))
                    figures["files written (catalog, store)"] = (writes["catalog"], writes["store"])
                    figures["failure"] = failure or "none"
    finally:
        arxiv.close()


def no_sleep(_seconds: float) -> None:
    return None


# -- the catalog and the repository ------------------------------------------------------------------


def build_catalog(taxonomy: Taxonomy, rows: list[dict[str, Any]], authors: bool = True) -> str:
    places: list[tuple[str, str | None]] = [(s.id, None) for s in taxonomy.sections if s.kind == "papers"]
    places += [(sub.parent or "", sub.id) for sub in taxonomy.subsections if sub.kind == "papers"]
    placed: dict[catalog_document.Placement, list[Entry]] = {}
    for index, row in enumerate(rows):
        arxiv_id = row["arxiv_id"]
        entry = Entry(
            title=" ".join(row["title"].split()),
            url=f"https://arxiv.org/abs/{arxiv_id}",
            arxiv_id=arxiv_id,
            year=2000 + int(arxiv_id[:2]),
            month=int(arxiv_id[2:4]),
            authors=("Ada Lovelace", "Alan Turing") if authors else (),
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
        )
        placed.setdefault(places[index % len(places)], []).append(entry)
    return catalog_document.render_document(taxonomy, placed)


class Recorder:
    """Every request the fake answers: (virtual time, method, route or GraphQL operation)."""

    def __init__(self, fake: Any, clock: Any) -> None:
        self.seen: list[tuple[float, str, str]] = []
        self.clock = clock
        original = fake._respond

        def respond(request: Any) -> Any:
            name = request.path
            if request.path.endswith("/graphql"):
                body = json.loads(request.get_data() or b"{}")
                found = re.search(r"(query|mutation)\s+(\w+)", body.get("query", ""))
                name = f"graphql {found[2] if found else '?'}"
            self.seen.append((self.clock(), request.method, name))
            return original(request)

        fake._respond = respond

    def reset(self) -> None:
        self.seen.clear()

    def figures(self) -> dict[str, Any]:
        graphql = Counter(
            name.removeprefix("graphql ") for _, _, name in self.seen if name.startswith("graphql")
        )
        writes = [t for t, method, name in self.seen if method != "GET" and not name.startswith("graphql")]
        mutations = [t for t, _, name in self.seen if name.startswith("graphql") and "Mutation" in name]
        busiest = max((sum(1 for u in writes if t <= u < t + 60) for t in writes), default=0)
        return {
            "REST": sum(1 for _, _, name in self.seen if not name.startswith("graphql")),
            "REST writes": len(writes),
            "GraphQL": dict(graphql),
            "GraphQL points": sum(POINTS.get(op, 1) * n for op, n in graphql.items()),
            "GraphQL mutations": len(mutations),
            "busiest minute of REST writes": busiest,
        }


class VirtualTime:
    """config/github.yml's pacing, slept virtually: the waits are added to the clock."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def monotonic(self) -> float:
        return time.monotonic() + sum(self.slept)


def github_forge(fake: Any, virtual: VirtualTime) -> Any:
    from bot.forge.github import GitHubForge, GitHubSettings
    from tests.fake_github import BOT_TOKEN

    settings = GitHubSettings.from_config(config.load("github", ROOT / "config"))
    forge = GitHubForge(fake.repository, BOT_TOKEN, api_url=fake.url, settings=settings, sleep=virtual.sleep)
    forge.client._monotonic = virtual.monotonic
    return forge


def feed_papers(path: Path) -> list[Paper]:
    from bot.sources import arxiv_rss, paper_facts

    return [paper_facts.enrich(p) for p in arxiv_rss.read_papers(path)]


def seed_pulls(fake: Any, taxonomy: Taxonomy, ids: list[str], state: str) -> None:
    """Bot PRs as the poll opens them (real title, body and marker); their commit changes a side
    file, not the catalog (2,300 copies of a 5,000-entry catalog would not fit in memory)."""
    from tests.fake_github import paper_change

    for n, arxiv_id in enumerate(ids):
        change = paper_change(taxonomy, arxiv_id, n)
        fake.seed_pull(
            change.branch,
            f"notes/{arxiv_id}.md",
            "x\n",
            change.title,
            change.body,
            state=state,
            labels=("catalog-bot", "new-paper", "section:quantization"),
        )


# -- 2. poll in GitHub mode -------------------------------------------------------------------------


def run_poll(
    args: argparse.Namespace, fake: Any, taxonomy: Taxonomy, rows: list[dict[str, Any]]
) -> list[str]:
    """Three poll runs (the first with a PR GitHub refuses); returns the feed's new papers nobody
    proposed (for the commands)."""
    from bot.core.candidates import select_candidates
    from bot.core.catalog_parse import parse
    from bot.core.proposals import PollSettings
    from bot.jobs import poll
    from bot.scoring.trainer import make_trainer, readable_store

    papers = feed_papers(args.feed)
    catalog = parse(fake.file("catalog.md") or "", taxonomy)
    fresh = select_candidates(papers, catalog, [], "bot/digest").new
    rng = random.Random(7)
    # the feed's papers with an open PR count against max_pull_requests (a rerun of the day): 5
    picked = rng.sample(range(len(fresh)), min(len(fresh), 205))
    open_feed = [fresh[i].arxiv_id for i in picked[:5]]
    closed_feed = [fresh[i].arxiv_id for i in picked[5:205]]
    others = [
        f"23{m:02d}.{n:05d}" for m in range(1, 13) for n in range(1, 1 + math.ceil(args.closed / 12) + 30)
    ]
    with step("poll: seeding the bot PRs") as figures:
        seed_pulls(fake, taxonomy, open_feed + others[: args.open - len(open_feed)], "open")
        closed_others = others[args.open : args.open + args.closed - len(closed_feed)]
        seed_pulls(fake, taxonomy, closed_feed + closed_others, "closed")
        figures["open"] = len(fake.pulls("open"))
        figures["closed"] = len(fake.pulls("closed"))
        figures["of the feed's new papers: open, closed"] = (len(open_feed), len(closed_feed))
    data = config.load("poll", ROOT / "config")
    github = config.load("github", ROOT / "config")
    settings = PollSettings.from_config(data, github, dry_run=False)
    print(
        f"poll: feed {args.feed.name}: {len(papers):,} items, {len(fresh):,} new papers; catalog "
        f"{len(catalog.entries()):,} entries; max_pull_requests {settings.max_pull_requests}",
        flush=True,
    )
    had_pr = set(open_feed) | set(closed_feed)
    proposed: set[str] = set()
    accepted: set[str] = set()
    with tempfile.TemporaryDirectory() as cache:
        for number in (1, 2, 3):
            virtual = VirtualTime()
            recorder = Recorder(fake, virtual.monotonic)
            fake.reset_counts()
            if number == 1:  # GitHub refuses the 3rd PR: its branch must not stay behind
                created = [0]

                def third(_body: Any, created: list[int] = created) -> bool:
                    created[0] += 1
                    return created[0] == 3

                fake.fail(
                    "POST", "/repos/{owner}/{repo}/pulls", status=422, message="Validation Failed", when=third
                )
            with step(f"poll run {number}") as figures:
                forge = github_forge(fake, virtual)
                started = time.perf_counter()
                store, _problem = readable_store(forge.read_file("data/papers.jsonl"), "data/papers.jsonl")
                text = forge.read_file("catalog.md")
                trainer = make_trainer(config.load("keywords", ROOT / "config"), taxonomy, Path(cache), store)
                out = io.StringIO()
                report = poll.run(papers, parse(text, taxonomy), taxonomy, forge, trainer, settings, out)
                wall = time.perf_counter() - started
                this_run = {r.pull_request.branch.removeprefix("bot/arxiv-") for r in report.results}
                proposed |= this_run
                figures["wall s"] = round(wall, 1)
                figures["with pacing s"] = round(wall + sum(virtual.slept), 1)
                figures.update(recorder.figures())
                figures["reads, writes (fake's count)"] = (fake.reads(), fake.writes())
                figures["already proposed, rejected"] = (
                    len(report.candidates.already_proposed),
                    len(report.candidates.rejected),
                )
                figures["opened"] = sum(1 for r in report.results if r.action == "opened")
                figures["proposed again although it had a PR"] = len(this_run & had_pr)
                figures["failures"] = [f[1][:80] for f in report.failures]
                with_pr = {p.head for p in fake.pulls("open")}
                figures["bot branches without an open PR"] = sum(
                    1 for b in fake.branches() if b.startswith("bot/") and b not in with_pr
                )
            accepted |= {p.arxiv_id for p, _d in report.accepted}
    left = [p.arxiv_id for p in fresh if p.arxiv_id not in had_pr | proposed]
    return sorted(left, key=lambda i: (i not in accepted, i))


# -- 3. the issue commands --------------------------------------------------------------------------


WEBHOOK = ROOT / "tests" / "fixtures" / "github" / "webhooks" / "issue_comment.created.json"


def comment_event(fake: Any, issue: int, text: str) -> Any:
    from bot.jobs.commands import read_event
    from tests.fake_github import MAINTAINER_LOGIN

    comment = fake.add_comment(issue, text, user=MAINTAINER_LOGIN)
    data = copy.deepcopy(json.loads(WEBHOOK.read_text("utf-8")))
    data["issue"]["number"] = issue
    data["issue"]["user"]["login"] = "someone"
    data["comment"].update(
        id=comment.id, body=text, created_at=comment.created_at, updated_at=comment.updated_at
    )
    data["comment"]["html_url"] = (
        f"https://github.com/{fake.repository}/issues/{issue}#issuecomment-{comment.id}"
    )
    for person in (data["comment"]["user"], data["sender"]):
        person["login"], person["type"] = MAINTAINER_LOGIN, "User"
    data["repository"]["full_name"] = fake.repository
    return read_event("issue_comment", data)


def run_commands(args: argparse.Namespace, fake: Any, taxonomy: Taxonomy, ids: list[str]) -> None:
    from bot.jobs.commands import CommandSettings, run
    from bot.sources.arxiv_api import ApiSettings, ArxivLookup
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    settings = CommandSettings.from_config(
        config.load("commands", ROOT / "config"), config.load("github", ROOT / "config"), "catalog.md"
    )
    per = settings.max_ids
    wanted = ids[: per + args.comments]
    arxiv = ArxivApiServer([synthetic(i, f"Efficient inference paper {n}", n) for n, i in enumerate(wanted)])
    lookup = ArxivLookup.from_settings(ApiSettings(query_url=arxiv.url, delay_seconds=0.0))
    sections = [s.id for s in taxonomy.sections if s.kind == "papers"]
    try:
        issue = fake.add_issue("Please add these papers", "A list of papers.").number
        scenarios = [
            ("one comment, /add of max_ids ids", [f"/add {' '.join(wanted[:per])} {sections[0]}"]),
            (
                f"{args.comments} comments of one /add, one run",
                [f"/add {i} {sections[n % len(sections)]}" for n, i in enumerate(wanted[per:])],
            ),
            ("the same run again", []),
            ("a comment without a command", ["Thanks, all of these look good to me."]),
        ]
        event = None
        for name, texts in scenarios:
            for text in texts:
                event = comment_event(fake, issue, text)
            assert event is not None
            virtual = VirtualTime()
            recorder = Recorder(fake, virtual.monotonic)
            fake.reset_counts()
            asked = len(arxiv.log)
            with step(f"commands: {name}") as figures:
                forge = github_forge(fake, virtual)
                started = time.perf_counter()
                outcome = run(event, forge, forge, lookup, taxonomy, settings)
                wall = time.perf_counter() - started
                figures["wall s"] = round(wall, 1)
                figures["with pacing s"] = round(wall + sum(virtual.slept), 1)
                figures.update(recorder.figures())
                figures["reads, writes (fake's count)"] = (fake.reads(), fake.writes())
                figures["by route"] = dict(Counter(f"{m} {n}" for _, m, n in recorder.seen).most_common(8))
                figures["arXiv API requests"] = len(arxiv.log) - asked
                figures["replies"] = dict(Counter(r.kind for r in outcome.replies))
                figures["ignored"] = outcome.ignored or "-"
                status = [c.body for c in fake.issue_comments(issue) if "command-status" in c.body]
                figures["status comment KB"] = round(len(status[-1].encode()) / 1024, 1) if status else 0
                figures["exit"] = outcome.exit_code
    finally:
        arxiv.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="store,poll,commands", help="what to measure, comma-separated")
    parser.add_argument("--store-papers", type=int, default=10_000, help="records of the paper store part")
    parser.add_argument(
        "--entries", type=int, default=5_000, help="entries of the catalog on the fake GitHub"
    )
    parser.add_argument("--open", type=int, default=300, help="open bot PRs on the fake GitHub")
    parser.add_argument("--closed", type=int, default=2_000, help="closed bot PRs on the fake GitHub")
    parser.add_argument(
        "--comments", type=int, default=30, help="comments of one /add each, answered by one run"
    )
    parser.add_argument("--feed", type=Path, default=FULL_DAY, help="the recorded full day of arXiv polled")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if "store" in parts:
        run_store(args.store_papers)
    if parts & {"poll", "commands"}:
        from tests.fake_github import FakeGitHub

        taxonomy = config.load_taxonomy(ROOT / "config")
        rows = listings(args.entries)
        text = build_catalog(taxonomy, rows)
        store = paper_store.dump({r.arxiv_id: r for r in map(record_of, rows)})
        with FakeGitHub(files={"catalog.md": text, "data/papers.jsonl": store}) as fake:
            fake.mergeable_unknown = (
                True  # GitHub's answer right after a push; the fake's merge per PR is slow
            )
            print(
                f"repository: catalog {len(text) / 1e6:.1f} MB, paper store {len(store) / 1e6:.1f} MB",
                flush=True,
            )
            left = run_poll(args, fake, taxonomy, rows)
            if "commands" in parts:
                run_commands(args, fake, taxonomy, left)
    return 0


if __name__ == "__main__":
    sys.exit(main())
