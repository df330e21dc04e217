"""``python -m bot check-links [FILE]``: check every link of the catalog once.

Without ``--json``: one GitHub Actions ``::error`` annotation per dead link and line (at most
10, what GitHub shows a step: past it, nine and one saying how many more), then a summary table;
a progress line on stderr when it is a terminal. With ``--json``: one JSON object per unique URL
on stdout, ``{"url", "alive", "status", "final_url", "lines", "verdict"}`` plus ``redirects``,
``error`` and ``permanent_redirect`` when there are any.

arxiv.org paper links are answered by the arXiv API (``ArxivResolver``, 100 ids per call), and
github.com repository links by GitHub's GraphQL API (``GitHubRepoResolver``) when GITHUB_TOKEN
is set (a token is all it needs: no repository); what they cannot answer is checked over HTTP.
``--no-resolvers`` checks everything over HTTP.

Dead links are findings, not failures: the exit code is 0 unless the bot itself failed, or
1 with ``--fail-on-dead`` (for local use and pre-commit hooks). Offline (the first hosts asked all
fail to connect the same way, none answers; or nearly every link unanswered at the end) no link is
reported and the exit code is 1, ``NETWORK_DOWN`` (exit codes are kept stable).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

from bot import config
from bot.core.catalog_io import read_text_exact
from bot.core.templates import render
from bot.core.text import not_utf8, save_as_utf8
from bot.errors import BotError, CatalogError
from bot.forge.actions import build_services
from bot.forge.workflow_log import workflow_command
from bot.jobs import add_file_argument, catalog_file
from bot.linkcheck import checker
from bot.linkcheck.arxiv import ArxivResolver
from bot.linkcheck.extract import Link, extract_links
from bot.linkcheck.github import GitHubRepoResolver
from bot.linkcheck.http import HttpChecker, make_client
from bot.linkcheck.model import LinkResult, Resolver, Verdict
from bot.linkcheck.offline import NetworkWatch
from bot.linkcheck.redirects import doubtful_redirect
from bot.linkcheck.settings import CheckSettings, from_config

log = logging.getLogger(__name__)

SUMMARY_ROWS = 100
# GitHub shows at most 10 error annotations a step (50 a job); the rest were lost without a word
ANNOTATIONS = 10


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser, "the markdown file to check")
    parser.add_argument("--json", action="store_true", help="one JSON object per unique URL on stdout")
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="requests in flight at once over all hosts (default: config/links.yml)",
    )
    parser.add_argument(
        "--per-host",
        type=int,
        metavar="N",
        help="requests in flight at once per host (default: config/links.yml)",
    )
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="seconds one request may take (default: config/links.yml)"
    )
    parser.add_argument(
        "--fail-on-dead",
        action="store_true",
        help="exit with status 1 when a link is dead (default: dead links are findings: 0)",
    )
    parser.add_argument(
        "--no-resolvers",
        action="store_true",
        help="check arxiv.org and github.com links over HTTP too, instead of through "
        "the arXiv API and GitHub's GraphQL API",
    )


def _check_options(args: argparse.Namespace) -> None:
    args.file = catalog_file(args.file)
    for flag, value in (("--concurrency", args.concurrency), ("--per-host", args.per_host)):
        if value is not None and value < 1:
            raise BotError(f"{flag} {value}: needs at least 1 request in flight (e.g. {flag} 8)")
    if args.timeout is not None and not args.timeout > 0:
        raise BotError(f"--timeout {args.timeout:g}: needs a number of seconds above 0 (e.g. --timeout 20)")
    if args.file.is_dir():
        raise BotError(
            f"{args.file} is a directory: pass the markdown file to check, "
            "e.g. `python -m bot check-links catalog.md`"
        )


# Nearly every link failing without any answer (connection refused, DNS, timeouts) is how an
# offline machine fails, not how the web does: say so rather than report every link dead. Unless
# an API (arXiv, GitHub) answered for some links: then the network works and the silent hosts are
# down (an offline machine's API calls fail too: their links are unknown, which shows nothing).
OFFLINE_SHARE = 0.9
OFFLINE_MIN_LINKS = 5
# The exit code when the network is down (early: NetworkWatch; or at the end: looks_offline): no link
# is reported. It stays 1, the expected-failure code it always was (callers rely on exit codes); the
# error line says to run again.
NETWORK_DOWN = 1


def looks_offline(results: dict[str, LinkResult]) -> bool:
    if any(r.source not in ("http", "config") and r.verdict is not Verdict.UNKNOWN for r in results.values()):
        return False  # an API answered ("config": excluded links)
    checked = [r for r in results.values() if r.source == "http" and r.requests]  # not: invalid URLs
    silent = [r for r in checked if r.verdict is not Verdict.ALIVE and r.status is None]
    return len(checked) >= OFFLINE_MIN_LINKS and len(silent) >= OFFLINE_SHARE * len(checked)


def main(args: argparse.Namespace) -> int:
    _check_options(args)
    settings = from_config(config.load("links")).with_overrides(args.concurrency, args.timeout, args.per_host)
    trusted = tuple((pair["from"], pair["to"]) for pair in config.load("nightly").get("redirect_hosts") or ())
    options = Options(
        as_json=args.json,
        fail_on_dead=args.fail_on_dead,
        progress=sys.stderr.isatty(),
        redirect_hosts=trusted,
    )
    resolvers = () if args.no_resolvers else default_resolvers(os.environ)
    return asyncio.run(_main(args.file, settings, resolvers, options))


def default_resolvers(env: Mapping[str, str]) -> tuple[Resolver, ...]:
    """The arXiv API resolver, and GitHub's when the environment has a token."""
    services = build_services(env, catalog_path="catalog.md")
    resolvers: list[Resolver] = [ArxivResolver(services.arxiv_lookup())]
    if env.get("GITHUB_TOKEN"):  # repository lookups need a token, not a repository
        resolvers.insert(0, GitHubRepoResolver(services.repo_directory("check-links")))
    return tuple(resolvers)


async def _main(path: Path, settings: CheckSettings, resolvers: Sequence[Resolver], options: Options) -> int:
    async with make_client(settings) as client:
        return await run(path, settings, client, resolvers, options=options)


@dataclass(frozen=True)
class Options:
    as_json: bool = False
    fail_on_dead: bool = False
    progress: bool = False
    out: TextIO | None = None  # default: sys.stdout at the time of the run
    err: TextIO | None = None  # default: sys.stderr
    redirect_hosts: tuple[tuple[str, str], ...] = ()  # config/nightly.yml: moves to another host trusted


async def run(
    path: Path,
    settings: CheckSettings,
    client: httpx.AsyncClient,
    resolvers: Sequence[Resolver] = (),
    options: Options | None = None,
) -> int:
    """Check every link of ``path`` and print the report; the exit code."""
    options = options or Options()
    out, err = options.out or sys.stdout, options.err or sys.stderr
    links = extract_links(_read(path))
    started = time.monotonic()
    watch = NetworkWatch()
    http = HttpChecker(client, settings, watch=watch)
    progress = _Progress(len(links), err) if options.progress else None

    def settled(result: LinkResult) -> None:
        if result.source not in ("http", "config") and result.verdict is not Verdict.UNKNOWN:
            watch.answered()  # an API answered: the network works
        if progress:
            progress.update(result)

    checking = checker.check_all([link.url for link in links], http, settings, resolvers, settled)
    results = await unless_offline(checking, watch)
    if progress:
        progress.finish()
    if results is None:
        log.error(
            "no link was checked to the end: %s (%d requests): the network is probably down, so no "
            "link is reported dead. Check the connection (or a proxy) and run again",
            watch.down,
            http.requests,
        )
        return NETWORK_DOWN
    if looks_offline(results):
        silent = sum(
            1
            for r in results.values()
            if r.source == "http" and r.requests and r.status is None and r.verdict is not Verdict.ALIVE
        )
        log.error(
            "%d of %d links got no answer at all (connection errors or timeouts): the network is "
            "probably down, so no link is reported dead. Check the connection (or a proxy) and run again",
            silent,
            len(results),
        )
        return NETWORK_DOWN
    if options.as_json:
        for link in links:
            out.write(json.dumps(results[link.url].to_json(link.lines)) + "\n")
    else:
        workflow_command(out, dead_link_annotations(_display_path(path), links, results))
        out.write(
            summary(
                _display_path(path),
                links,
                results,
                http.requests,
                time.monotonic() - started,
                max(http.peak_in_flight.values(), default=0),
                options.redirect_hosts,
            )
        )
    out.flush()
    dead = any(result.verdict is Verdict.DEAD for result in results.values())
    return 1 if options.fail_on_dead and dead else 0


async def unless_offline(
    checking: Awaitable[dict[str, LinkResult]], watch: NetworkWatch
) -> dict[str, LinkResult] | None:
    """The results of ``checking``, or None, the check stopped, as soon as ``watch`` says the
    network is down (the links not settled yet would all fail the same way, slowly)."""
    task = asyncio.ensure_future(checking)
    tripped = asyncio.ensure_future(watch.tripped.wait())
    try:
        await asyncio.wait({task, tripped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        tripped.cancel()
    if not watch.down:
        return await task
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None


def dead_link_annotations(
    file: str, links: Sequence[Link], results: dict[str, LinkResult], limit: int = ANNOTATIONS
) -> str:
    """``::error file=...,line=N::...`` for every line of every dead link, at most ``limit`` of
    them: past it, ``limit - 1`` and a last one that says how many more and where they are."""
    dead = [(link, results[link.url]) for link in links if results[link.url].verdict is Verdict.DEAD]
    lines = [(link, result, line) for link, result in dead for line in link.lines]
    shown = lines if len(lines) <= limit else lines[: limit - 1]
    out = []
    for link, result, line in shown:
        final = result.final_url if result.redirects else None
        out.append(
            render(
                "links-annotation.txt.j2",
                file=_escape_property(file),
                line=line,
                url=_escape_data(link.url),
                reason=_escape_data(_reason(result)),
                final_url=_escape_data(final) if final else None,
            )
        )
    rest = lines[len(shown) :]
    if rest:
        out.append(
            render(
                "links-annotation-more.txt.j2",
                file=_escape_property(file),
                line=rest[0][2],
                links=len({link.url for link, _, _ in rest}),
                lines=len(rest),
                limit=limit,
                dead=len(dead),
                rows=SUMMARY_ROWS,
                command_file=_escape_data(file),
            )
        )
    return "".join(text if text.endswith("\n") else text + "\n" for text in out)


def summary(
    file: str,
    links: Sequence[Link],
    results: dict[str, LinkResult],
    requests: int,
    seconds: float,
    peak_host: int,
    redirect_hosts: Sequence[tuple[str, str]] = (),
) -> str:
    """The summary table (markdown) of one run. A permanent redirect is a fix to propose unless it
    is doubtful (``bot.linkcheck.redirects``: another host, a home or login page): then it is a
    link to check by hand, as the nightly job lists it."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results.values():
        counts[result.verdict.value] += 1
    counts["total"] = len(results)

    def rows(verdict: Verdict) -> list[dict[str, Any]]:
        return [
            {"lines": link.lines, "url": link.url, "reason": _reason(results[link.url])}
            for link in links
            if results[link.url].verdict is verdict
        ]

    redirected = [
        {
            "lines": link.lines,
            "url": link.url,
            "target": target,
            "doubt": doubtful_redirect(link.url, target, redirect_hosts),
        }
        for link in links
        if (target := results[link.url].permanent_redirect)
    ]
    return render(
        "links-summary.md.j2",
        file=file,
        counts=counts,
        dead=rows(Verdict.DEAD),
        unknown=rows(Verdict.UNKNOWN),
        redirected=[row for row in redirected if not row["doubt"]],
        doubtful=[row for row in redirected if row["doubt"]],
        requests=requests,
        seconds=seconds,
        peak_host=peak_host,
        max_rows=SUMMARY_ROWS,
    )


def _reason(result: LinkResult) -> str:
    if result.error:
        return result.error
    return f"HTTP {result.status}" if result.status is not None else "no answer"


def _read(path: Path) -> str:
    """The file's text as it is: a lone carriage return stays in its line (``read_text`` made it a
    line break, so the lines reported drifted from lint's and git's), CRLF is left to the
    extraction."""
    try:
        return read_text_exact(path)
    except FileNotFoundError as exc:
        raise CatalogError(
            f"{path} does not exist: pass the markdown file to check, "
            f"e.g. `python -m bot check-links catalog.md`."
        ) from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{not_utf8(path, exc)}: {save_as_utf8(path)}") from exc
    except OSError as exc:
        raise CatalogError(f"cannot read {path} ({exc}).") from exc


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class _Progress:
    """A progress line on a terminal, redrawn at most five times a second."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.done = self.dead = 0
        self._drawn = 0.0

    def update(self, result: LinkResult) -> None:
        self.done += 1
        self.dead += result.verdict is Verdict.DEAD
        now = time.monotonic()
        if now - self._drawn >= 0.2 or self.done == self.total:
            self._drawn = now
            line = render("links-progress.txt.j2", done=self.done, total=self.total, dead=self.dead)
            self.stream.write("\r" + line.rstrip("\n"))
            self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
