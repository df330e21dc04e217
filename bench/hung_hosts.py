"""Benchmark: what hosts that never answer cost the other hosts' links (loopback only).

    python bench/hung_hosts.py [--hung-hosts 6] [--hung-links 60] [--hosts 10] [--links 100]
                               [--timeout 10] [--subdomains [--parent hung.test]
                               [--answering-subdomains 0]]

A loopback web (its own process) of ``--hosts`` hosts answering 200 at once and ``--hung-hosts``
hosts that accept a connection, read the request and never answer. The link checker runs with
this checkout's ``config/links.yml`` (128 in flight, 24 per host, 10 s timeout, 60 s
``abandon_after``) on ``--hung-links`` links per hung host first, then ``--links`` per answering
host, and prints when the last answering host's link and the last hung host's link were settled,
the wall time and the requests sent. ``--subdomains``: the hung hosts are subdomains of one site
(``h0.hung.test``, ``h1.hung.test``...: GitHub Pages-like), all one server that never answers,
reached as an HTTP proxy (``HTTP_PROXY``; no DNS needed). ``--parent github.io`` names them
``h0.github.io``...: users of a public suffix, each a site of its own (the Public Suffix List);
``--answering-subdomains N`` adds N more names under the parent, ``ok0.PARENT``..., each with
``--hung-links`` links, that the same server answers at once (other users of GitHub Pages), checked
after the hung ones, and counts their verdicts. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nightly_scale import free_ports  # noqa: E402  (bench/ is on sys.path when run as a script)

from bot import config  # noqa: E402
from bot.linkcheck import HttpChecker, LinkResult, check_all, make_client, settings_from_config  # noqa: E402


def _serve(ports: list[int], hung: set[int], ready: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b""
            # never answers (but ok<i>.PARENT does); the connection ends when the client closes it
            if port in hung and not target.startswith(b"http://ok"):
                await reader.read()
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        for port in ports:
            await asyncio.start_server(functools.partial(handle, port=port), "127.0.0.1", port, backlog=1024)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


async def measure(hung: list[str], fine: list[str], settings: Any, users: list[str]) -> dict[str, Any]:
    settled: dict[str, float] = {}
    verdicts: dict[str, str] = {}

    def progress(result: LinkResult) -> None:
        settled.setdefault(result.url, time.monotonic())
        verdicts[result.url] = result.verdict.value

    async with make_client(settings) as client:
        http = HttpChecker(client, settings)
        began = time.monotonic()
        await check_all([*hung, *users, *fine], http, settings, progress=progress)
        ended = time.monotonic()
    counts = {v: sum(verdicts[u] == v for u in users) for v in ("alive", "dead", "unknown")}
    return {
        **({f"answering subdomains' links {v}": n for v, n in counts.items()} if users else {}),
        "answering hosts' links done s": round(max(settled[u] for u in fine) - began, 1),
        "hung hosts' links done s": round(max(settled[u] for u in hung) - began, 1) if hung else 0.0,
        "wall s": round(ended - began, 1),
        "requests": http.requests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hung-hosts", type=int, default=6)
    parser.add_argument("--hung-links", type=int, default=60, help="links per hung host")
    parser.add_argument("--hosts", type=int, default=10, help="hosts that answer")
    parser.add_argument("--links", type=int, default=100, help="links per answering host")
    parser.add_argument("--timeout", type=float, default=None, help="the checker's timeout (config: 10)")
    parser.add_argument(
        "--subdomains", action="store_true", help="the hung hosts are subdomains of one silent server"
    )
    parser.add_argument(
        "--parent", default="hung.test", help="with --subdomains: the name the hung subdomains are under"
    )
    parser.add_argument(
        "--answering-subdomains",
        type=int,
        default=0,
        metavar="N",
        help="with --subdomains: N more subdomains of --parent (ok<i>) that answer",
    )
    args = parser.parse_args(argv)
    settings = settings_from_config(config.load("links", ROOT / "config"))
    if args.timeout is not None:
        settings = replace(settings, timeout=args.timeout)
    ports = free_ports(args.hosts + (1 if args.subdomains else args.hung_hosts))
    hung_ports = ports[args.hosts :]
    ready = multiprocessing.Event()
    web = multiprocessing.Process(target=_serve, args=(ports, set(hung_ports), ready), daemon=True)
    web.start()
    ready.wait(10)
    try:
        if args.subdomains:  # every h<i>.hung.test is the one silent server, reached as a proxy
            os.environ.update(HTTP_PROXY=f"http://127.0.0.1:{hung_ports[0]}", NO_PROXY="127.0.0.1")
            sites = [f"h{i}.{args.parent}" for i in range(args.hung_hosts)]
            users = [f"ok{i}.{args.parent}" for i in range(args.answering_subdomains)]
        else:
            sites, users = [f"127.0.0.1:{p}" for p in hung_ports], []
        hung = [f"http://{site}/page/{n}" for site in sites for n in range(args.hung_links)]
        answering = [f"http://{site}/page/{n}" for site in users for n in range(args.hung_links)]
        fine = [f"http://127.0.0.1:{p}/page/{n}" for p in ports[: args.hosts] for n in range(args.links)]
        figures = asyncio.run(measure(hung, fine, settings, answering))
    finally:
        web.terminate()
        web.join(5)
    print(
        f"{args.hung_hosts} hung {f'subdomains of {args.parent}' if args.subdomains else 'hosts'} x "
        f"{args.hung_links} links, {args.answering_subdomains if args.subdomains else 0} answering subdomains, "
        f"{args.hosts} hosts x {args.links} links "
        f"(concurrency {settings.concurrency}, per host {settings.per_host.concurrency}, timeout "
        f"{settings.timeout} s, abandon_after {settings.abandon_after} s): "
        + ", ".join(f"{k} {v}" for k, v in figures.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
