"""Benchmark: the nightly jobs on a big catalog, against local servers only (loopback, no network).

    python bench/nightly_scale.py [--entries 10000] [--jobs links,stars,enrich,nightly]
                                  [--hang-hosts 2] [--hang-links 100] [--timeout 10]

Builds a catalog of ``--entries`` papers (bench/catalog_speed.py's synthetic one, every paper with
its arXiv abs and pdf links), whose code links go half to GitHub repositories (a fake GitHub,
tests/fake_github.py: some renamed, archived or deleted) and half to a loopback web of 12 hosts
(one port each) with planted answers: 200, 404, same-host 301, 429 with a Retry-After of 2 s,
HEAD refused (405), slow (3 s) pages, and ``--hang-hosts`` hosts that accept a connection and never
answer (``--hang-links`` links each). The arXiv API is tests/arxiv_api_server.py.

Then it runs, printing wall time, requests, peak memory and output sizes for each:

- ``links``: check-links (``--json`` and the markdown summary);
- ``stars``: check-stars (dry run);
- ``enrich``: enrich, twice (the second run must ask nothing and change nothing);
- ``nightly``: three nights (the first opens the PR and the issue, the second confirms the dead
  links, the third repeats the second: it must write nothing).

The web counts every request and every retry sent before a Retry-After had passed ("early").
Figures only: nothing is asserted, the exit status is 0 unless a step raises.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import functools
import io
import json
import multiprocessing
import resource
import socket
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import catalog_document, paper_store  # noqa: E402
from bot.core.entry import Entry  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402

KINDS = ("ok", "ok", "ok", "ok", "gone", "moved", "rl", "head405", "slow")  # the web's pages, by share
WEB_HOSTS = 12
RETRY_AFTER = 2
WORDS = [
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
]


# -- the loopback web (its own process: its load must not slow the checker's event loop) ---------


def _serve(ports: list[int], hang_ports: list[int], control: int, ready: Any) -> None:
    stats: dict[str, Any] = {"requests": Counter(), "early": 0, "peak": Counter(), "open": Counter()}
    limited: dict[str, float] = {}  # path -> when its Retry-After passes

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        method, path = head.split(b" ", 2)[:2]
        key = f"{port}{path.decode()}{b'x-https' in head.lower()}"  # a link and its https twin
        stats["requests"][str(port)] += 1
        stats["open"][port] += 1
        stats["peak"][port] = max(stats["peak"][port], stats["open"][port])
        try:
            if port in hang_ports:  # never answers; the connection ends when the client closes it
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reader.read(), 600)
                return
            kind = path.decode().split("/")[1]
            status, headers = 200, ""
            if kind == "gone":
                status = 404
            elif kind == "moved":
                status, headers = 301, f"Location: /ok{path.decode()[6:]}\r\n"
            elif kind == "head405" and method == b"HEAD":
                status = 405
            elif kind == "slow":
                await asyncio.sleep(3)
            elif kind == "rl":
                now = time.monotonic()
                if key not in limited:
                    limited[key] = now + RETRY_AFTER
                    status, headers = 429, f"Retry-After: {RETRY_AFTER}\r\n"
                elif now < limited[key]:
                    stats["early"] += 1
                    status, headers = 429, f"Retry-After: {RETRY_AFTER}\r\n"
            writer.write(
                f"HTTP/1.1 {status} X\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            stats["open"][port] -= 1
            writer.close()

    async def report(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = json.dumps(
            {
                "requests": sum(stats["requests"].values()),
                "early": stats["early"],
                "peak": max(stats["peak"].values(), default=0),
            }
        ).encode()
        stats["requests"].clear()
        stats["peak"].clear()
        stats["early"] = 0
        limited.clear()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    async def main() -> None:
        for port in ports:
            await asyncio.start_server(functools.partial(handle, port=port), "127.0.0.1", port, backlog=1024)
        await asyncio.start_server(report, "127.0.0.1", control)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class Web:
    def __init__(self, hang_hosts: int) -> None:
        *self.ports, self.control = free_ports(WEB_HOSTS + hang_hosts + 1)
        self.hang_ports = self.ports[WEB_HOSTS:]
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_serve, args=(self.ports, self.hang_ports, self.control, ready), daemon=True
        )
        self.process.start()
        ready.wait(10)

    def stats(self) -> dict[str, int]:
        """The requests since the last call (and their peak in flight on one host, early retries)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.control}/", timeout=10) as answer:
            return dict(json.loads(answer.read()))

    def close(self) -> None:
        self.process.terminate()
        self.process.join(5)


class LoopbackOnly(httpx.AsyncBaseTransport):
    """Every other host: refused at once. The arxiv.org and github.com links fall back to HTTP
    when their API fails (the local arXiv API, starved on a loaded machine, timed out once):
    they must not leave the machine (nor wait arXiv's 3 s apart: see ``check_settings``)."""

    def __init__(self) -> None:
        self.refused: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.refused[request.url.host] += 1
        raise httpx.ConnectError(f"bench: {request.url.host} is not on loopback", request=request)


REFUSED = LoopbackOnly()


class HttpsAsHttp(httpx.AsyncBaseTransport):
    """https://127.0.0.1:P answered by the plain server on P (TLS is not what is measured)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http")
        request.headers["X-Https"] = "1"
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def client_for(check: Any, web: Web) -> httpx.AsyncClient:
    """bot.linkcheck.make_client's client, with the https:// side of the web mounted."""
    return httpx.AsyncClient(
        headers={"User-Agent": check.user_agent, "Accept": "*/*"},
        timeout=httpx.Timeout(
            connect=check.connect_timeout, read=check.abandon_after, write=check.timeout, pool=None
        ),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
        follow_redirects=False,
        mounts={
            "all://": REFUSED,
            "http://127.0.0.1": httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
            **{f"https://127.0.0.1:{port}": HttpsAsHttp() for port in web.ports},
        },
    )


# -- the catalog ------------------------------------------------------------------------------------


def build_catalog(taxonomy: Taxonomy, count: int, web: Web, hang_links: int) -> tuple[str, dict[str, int]]:
    """(the catalog, how many links of each planted kind)."""
    import random

    rng = random.Random(1)
    places: list[tuple[str, str | None]] = [(s.id, None) for s in taxonomy.sections if s.kind == "papers"]
    places += [(sub.parent or "", sub.id) for sub in taxonomy.subsections if sub.kind == "papers"]
    placed: dict[catalog_document.Placement, list[Entry]] = {}
    kinds: Counter[str] = Counter()
    hanging = [(port, n) for port in web.hang_ports for n in range(hang_links)]
    for index in range(count):
        year, month = 2015 + index % 10, 1 + index % 12
        arxiv_id = f"{year % 100:02d}{month:02d}.{index:05d}"
        if index % 2 == 0:
            code = f"https://github.com/o/r{index}"
            kinds["github"] += 1
        elif hanging:
            port, n = hanging.pop()
            code = f"http://127.0.0.1:{port}/ok/{n}"
            kinds["hang"] += 1
        else:
            kind = KINDS[index % len(KINDS)]
            code = f"http://127.0.0.1:{web.ports[index % WEB_HOSTS]}/{kind}/{index}"
            kinds[kind] += 1
        entry = Entry(
            title=f"{' '.join(rng.sample(WORDS, 7)).capitalize()} {index}",
            url=f"https://arxiv.org/abs/{arxiv_id}",
            arxiv_id=arxiv_id,
            year=year,
            month=month,
            authors=("Ada Lovelace",) if index % 4 else (),
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
            code_url=code,
        )
        placed.setdefault(places[index % len(places)], []).append(entry)
    return catalog_document.render_document(taxonomy, placed), dict(kinds)


def arxiv_ids_of(count: int) -> list[str]:
    return [f"{(2015 + i % 10) % 100:02d}{1 + i % 12:02d}.{i:05d}" for i in range(count)]


# -- measuring ----------------------------------------------------------------------------------------


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def step(name: str) -> Iterator[dict[str, Any]]:
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    yield figures
    figures["wall s"] = round(time.perf_counter() - started, 1)
    figures["peak RSS MB"] = round(rss_mb())
    print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)


def servers(entries: int) -> tuple[Any, Any]:
    from tests.arxiv_api_server import ArxivApiServer, synthetic
    from tests.fake_github import FakeGitHub

    ids = arxiv_ids_of(entries)
    # 1 % unknown to arXiv (dead links), 1 % withdrawn
    metas = [
        synthetic(i, f"Title of {i}", n, comment="This paper has been withdrawn" if n % 100 == 50 else "")
        for n, i in enumerate(ids)
        if n % 100 != 0
    ]
    arxiv = ArxivApiServer(metas)
    fake = FakeGitHub().__enter__()
    for n in range(0, entries, 2):
        name = f"o/r{n}"
        if n % 200 == 2:
            continue  # deleted
        fake.add_remote(name, stars=n * 7, archived=n % 100 == 4)
        if n % 100 == 6:
            fake.rename_remote(name, f"o/renamed{n}")
    return arxiv, fake


def check_settings(timeout: float) -> Any:
    from bot.linkcheck import settings_from_config

    check = settings_from_config(config.load("links", ROOT / "config"))
    unpaced = tuple((host, replace(limits, interval=0.0)) for host, limits in check.hosts)
    return replace(check, timeout=timeout, hosts=unpaced)


def arxiv_resolver(arxiv: Any) -> Any:
    from bot.linkcheck.arxiv import ArxivResolver
    from bot.sources.arxiv_api import ApiSettings, ArxivLookup

    settings = ApiSettings(query_url=arxiv.url, delay_seconds=0.0, timeout_seconds=120.0)
    return ArxivResolver(ArxivLookup.from_settings(settings))


def run_links(path: Path, web: Web, arxiv: Any, fake: Any, check: Any) -> None:
    from bot.jobs import check_links
    from bot.linkcheck.github import GitHubRepoResolver
    from tests.fake_github import forge_for

    resolvers = (GitHubRepoResolver(forge_for(fake)), arxiv_resolver(arxiv))
    for as_json in (True, False):
        out = io.StringIO()
        with step(f"check-links{' --json' if as_json else ''}") as figures:

            async def go(out: io.StringIO = out, as_json: bool = as_json) -> int:
                async with client_for(check, web) as client:
                    options = check_links.Options(as_json=as_json, out=out, err=io.StringIO())
                    return await check_links.run(path, check, client, resolvers, options)

            asyncio.run(go())
            served = web.stats()
            figures["web requests"] = served["requests"]
            figures["early retries"] = served["early"]
            figures["peak per host"] = served["peak"]
            figures["output KB"] = round(len(out.getvalue().encode()) / 1024)
            figures["output lines"] = out.getvalue().count("\n")
        if not as_json:
            text = out.getvalue()
            summary = text[text.index("## Links") :]
            print("  summary: " + " | ".join(summary.splitlines()[4:11]))


def run_stars(path: Path, fake: Any, taxonomy: Taxonomy) -> None:
    from bot.jobs import check_stars
    from tests.fake_github import forge_for

    fake.reset_counts()
    out = io.StringIO()
    with step("check-stars --dry-run") as figures:
        report = check_stars.run(path, forge_for(fake), taxonomy, dry_run=True, out=out)
        figures["repositories"] = report.repositories
        figures["GitHub requests"] = sum(fake.counts.values())
        figures["report KB"] = round(len(out.getvalue().encode()) / 1024)
        figures["report lines"] = out.getvalue().count("\n")
        figures["findings"] = len(report.findings)
    fake.reset_counts()
    slept: list[float] = []
    fake.rate_limit("POST", "/graphql", retry_after=2, times=2)  # GitHub's secondary limit, twice
    with step("check-stars --dry-run, 2 secondary rate limits (Retry-After: 2)") as figures:
        report = check_stars.run(
            path, forge_for(fake, sleeps=slept), taxonomy, dry_run=True, out=io.StringIO()
        )
        figures["GitHub requests"] = sum(fake.counts.values())
        figures["waits s"] = [round(s, 1) for s in slept]
        figures["unchecked"] = sum(1 for f in report.findings if f.kind == "unchecked")


def run_enrich(text: str, arxiv: Any, taxonomy: Taxonomy) -> None:
    """Two runs of what ``python -m bot enrich`` does, with arXiv's 3 s pauses slept and the files
    written as the job writes them (the catalog checked and replaced, then the store)."""
    from bot.core.catalog_io import write_catalog
    from bot.core.venues import VenueTable
    from bot.jobs import enrich
    from bot.sources.arxiv_api import ApiSettings
    from bot.sources.arxiv_fetch import PoliteApi

    papers = config.load("papers", ROOT / "config")
    venues, settings = VenueTable.from_config(papers), enrich.Settings.from_config(papers)
    today = datetime.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        catalog_path, store_path = Path(tmp) / "catalog.md", Path(tmp) / "papers.jsonl"
        catalog_path.write_text(text, encoding="utf-8")
        for run in (1, 2):
            slept: list[float] = []

            def sleep(seconds: float, slept: list[float] = slept) -> None:
                slept.append(seconds)
                time.sleep(seconds)

            api = PoliteApi(ApiSettings(query_url=arxiv.url, delay_seconds=3.0), sleep=sleep)
            written = [catalog_path.read_text(encoding="utf-8")]
            saves: list[int] = []

            def save_text(new: str, written: list[str] = written) -> None:
                if new != written[0]:
                    write_catalog(catalog_path, new, taxonomy, old_text=written[0])
                    written[0] = new

            def save(store: paper_store.Store, saves: list[int] = saves) -> None:
                saves.append(len(store))
                enrich.write_store(store_path, store)

            with step(f"enrich run {run}") as figures:
                result = enrich.run(
                    written[0],
                    enrich.read_store_text(store_path),
                    api,
                    today,
                    taxonomy,
                    venues,
                    settings,
                    save,
                    saved_text=save_text,
                )
                save_text(result.text)
                save(result.store)
                figures["arXiv requests"] = result.requests
                figures["pauses s"] = round(sum(slept))
                figures["saves"] = len(saves)
                figures["lines changed"] = len({c.line for c in result.changes})
                figures["store KB"] = round(store_path.stat().st_size / 1024)
                figures["stale left"] = result.remaining
                figures["summary KB"] = round(len(enrich.summary(result, settings, False).encode()) / 1024)


def run_nightly(
    text: str, web: Web, arxiv: Any, fake: Any, check: Any, taxonomy: Taxonomy, nights: int, save: Path | None
) -> None:
    from bot.core.venues import VenueTable
    from bot.jobs import nightly
    from bot.jobs.enrich import Enricher
    from bot.jobs.enrich import Settings as EnrichSettings
    from bot.linkcheck import HttpChecker
    from bot.sources.arxiv_api import ApiSettings
    from bot.sources.arxiv_fetch import PoliteApi
    from tests.fake_github import forge_for

    fake.push("catalog.md", text)
    papers = config.load("papers", ROOT / "config")
    settings = nightly.NightlySettings()
    days = (datetime.date(2024, 6, 1), datetime.date(2024, 6, 2), datetime.date(2024, 6, 2))
    for number, day in enumerate(days[:nights], 1):
        fake.reset_counts()
        api = PoliteApi(ApiSettings(query_url=arxiv.url, delay_seconds=0.0), sleep=lambda _: None)
        # every paper fetched on the first night (config: 2,000 a night), so that the third night,
        # a rerun of the second, has nothing new to do and must write nothing
        enrich_settings = replace(EnrichSettings.from_config(papers), max_papers=len(text))
        enricher = Enricher(api, enrich_settings, VenueTable.from_config(papers))
        with step(f"nightly night {number} ({day})") as figures:

            async def go(enricher: Enricher = enricher, day: datetime.date = day) -> Any:
                async with client_for(check, web) as client:
                    forge = forge_for(fake)
                    services = nightly.Services(
                        forge,
                        forge,
                        forge,
                        forge,
                        HttpChecker(client, check),
                        (arxiv_resolver(arxiv),),
                        enricher,
                    )
                    return await nightly.run(services, check, settings, taxonomy, day)

            outcome = asyncio.run(go())
            served = web.stats()
            figures["web requests"] = served["requests"]
            figures["early retries"] = served["early"]
            figures["refused (not loopback)"] = sum(REFUSED.refused.values())
            REFUSED.refused.clear()
            figures["GitHub reads"] = fake.reads()
            figures["GitHub writes"] = fake.writes()
            figures["PR"] = outcome.pr_action
            figures["issue"] = outcome.issue_action
            pulls = fake.pulls("open")
            figures["PR body KB"] = round(len((pulls[0].body if pulls else "").encode()) / 1024)
            issue = outcome.issue
            if issue is not None:
                body = fake.issues[issue.number].body
                figures["issue body KB"] = round(len(body.encode()) / 1024)
            figures["failures"] = list(outcome.failures)
        if save is not None:  # what a maintainer reads: the PR body, the issue, the job summary
            save.mkdir(parents=True, exist_ok=True)
            with contextlib.redirect_stdout(io.StringIO()):
                summary = nightly.report(outcome, settings, False, {})
            (save / f"night{number}-summary.md").write_text(summary)
            if pulls:
                (save / f"night{number}-pr.md").write_text(pulls[0].body)
            if issue is not None:
                (save / f"night{number}-issue.md").write_text(fake.issues[issue.number].body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--jobs", default="links,stars,enrich,nightly")
    parser.add_argument("--hang-hosts", type=int, default=2)
    parser.add_argument("--hang-links", type=int, default=100)
    parser.add_argument("--nights", type=int, default=3, help="nightly runs (at most 3)")
    parser.add_argument("--save", type=Path, help="write each night's PR body, issue and summary here")
    parser.add_argument("--timeout", type=float, default=10.0, help="the link checker's timeout (config: 10)")
    args = parser.parse_args(argv)
    jobs = set(args.jobs.split(","))
    taxonomy = config.load_taxonomy(ROOT / "config")
    web = Web(args.hang_hosts)
    arxiv, fake = servers(args.entries)
    check = check_settings(args.timeout)
    try:
        text, kinds = build_catalog(taxonomy, args.entries, web, args.hang_links)
        print(
            f"catalog: {args.entries:,} entries, {len(text) / 1e6:.1f} MB; code links: "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "catalog.md"
            path.write_text(text, encoding="utf-8")
            if "links" in jobs:
                run_links(path, web, arxiv, fake, check)
            if "stars" in jobs:
                run_stars(path, fake, taxonomy)
        if "enrich" in jobs:
            run_enrich(text, arxiv, taxonomy)
        if "nightly" in jobs:
            run_nightly(text, web, arxiv, fake, check, taxonomy, args.nights, args.save)
    finally:
        web.close()
        arxiv.close()
        fake.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
