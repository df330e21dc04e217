"""check-links on a machine without a network: it says so in seconds, not after every link's retries.

Offline, every host fails to connect the same way (here: loopback ports nothing listens on, each
refused at once, a host each); the planted web of tests/jobs/test_check_links.py plays the hosts
that answer.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bot.jobs.check_links import NETWORK_DOWN, Options, run
from bot.linkcheck import LinkResult, make_client
from bot.linkcheck.offline import OFFLINE_HOSTS, NetworkWatch
from bot.linkcheck.policy import Answer, Policy
from tests.jobs.test_check_links import PATIENT, PlantedWeb, Route, web  # noqa: F401  (web: the fixture)

# refused connections come at once: the tests' retries need not wait long for them
SETTINGS = replace(PATIENT, policy=Policy(backoff=0.2, max_retry_after=3.0))


def closed_ports(count: int) -> list[int]:
    """Loopback ports nothing listens on (each refuses at once): one host each."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def write_links(path: Path, urls: Sequence[str]) -> Path:
    path.write_text("".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)), encoding="utf-8")
    return path


def check_file(path: Path, resolvers: Sequence[object] = ()) -> tuple[int, str]:
    """``check-links --json`` on ``path``: (exit code, what it printed on stdout)."""
    out = io.StringIO()

    async def go() -> int:
        async with make_client(SETTINGS) as client:
            return await run(path, SETTINGS, client, resolvers, Options(as_json=True, out=out))  # type: ignore[arg-type]

    return asyncio.run(go()), out.getvalue()


def test_offline_stops_after_the_first_hosts_and_reports_no_link(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """120 links on 12 hosts, each refusing: every link was asked 3 times (2 retries, with their
    back-off) before "the network is probably down" came, at the end (exit 1): 427 s for a real
    list of 935 links. Now the run stops once the first 8 hosts failed the same way with no answer
    anywhere: fewer requests than links, nothing on stdout, its own exit code."""
    ports = closed_ports(12)
    urls = [f"http://127.0.0.1:{port}/paper-{n}" for n in range(10) for port in ports]
    caplog.set_level(logging.ERROR, logger="bot.jobs.check_links")

    code, printed = check_file(write_links(tmp_path / "catalog.md", urls))

    assert (code, printed) == (NETWORK_DOWN, "")
    [message] = [record.getMessage() for record in caplog.records]
    assert f"the first {OFFLINE_HOSTS} hosts asked all failed the same way (cannot connect (" in message
    assert "the network is probably down, so no link is reported dead" in message
    requests = int(re.search(r"\((\d+) requests\)", message).group(1))  # type: ignore[union-attr]
    assert OFFLINE_HOSTS <= requests < len(urls)


ANSWERS_LATE = [{f"/ok-{i}": Route(delay=0.5) for i in range(4)}]


@pytest.mark.parametrize("web", [ANSWERS_LATE], indirect=True)
def test_dead_hosts_first_in_the_list_are_no_outage_when_a_host_answers(
    web: PlantedWeb, tmp_path: Path
) -> None:
    """Ten sites gone (refused at once) listed before a host that answers after 0.5 s: the first 8
    hosts failed the same way before any answer came, but the requests already in flight are
    waited for, and the one that answers shows the network works: the gone sites are dead."""
    gone = [f"http://127.0.0.1:{port}/" for port in closed_ports(10)]
    fine = [web.url(f"/ok-{i}") for i in range(4)]

    code, printed = check_file(write_links(tmp_path / "catalog.md", [*gone, *fine]))

    assert code == 0
    verdicts = {record["url"]: record["verdict"] for record in map(json.loads, printed.splitlines())}
    assert [verdicts[url] for url in gone] == ["dead"] * 10
    assert [verdicts[url] for url in fine] == ["alive"] * 4


@dataclass
class StuckApi:
    """A resolver whose API does not answer: it blocks (as the arXiv lookup retries for 42 s)."""

    prefix: str
    name: str = "stuck-api"
    release: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def claims(self, url: str) -> bool:
        return url.startswith(self.prefix)

    def resolve(self, urls: Sequence[str]) -> dict[str, LinkResult]:
        self.release.wait(20)
        self.finished.set()
        return {}


def test_a_resolver_still_waiting_does_not_hold_the_stopped_run(tmp_path: Path) -> None:
    """Offline, the arXiv API's retries went on in ``asyncio.to_thread``'s worker, and the process
    waited for them at its end (42 s) though the run had stopped: the resolver runs in a thread of
    its own that the run does not wait for once it stopped."""
    api = StuckApi("https://papers.example/")
    urls = [f"http://127.0.0.1:{port}/" for port in closed_ports(OFFLINE_HOSTS)] + [f"{api.prefix}abs/1"]
    try:
        code, printed = check_file(write_links(tmp_path / "catalog.md", urls), [api])
        assert (code, printed) == (NETWORK_DOWN, "")
        assert not api.finished.is_set()  # the run ended while its resolver still waited
    finally:
        api.release.set()


# ----------------------------------------------------------------------------- the watch alone

REFUSED = Answer(error="cannot connect (All connection attempts failed)")
NO_NAME = Answer(error="cannot connect ([Errno -3] Temporary failure in name resolution)")


def test_the_watch_needs_the_hosts_to_fail_the_same_way() -> None:
    """Hosts refusing and hosts not found in DNS at once is no offline machine's pattern; nor are
    timeouts or a reset (a connection was made): only one failure, on every host, is."""
    watch = NetworkWatch(hosts=4)
    for n in range(3):
        watch.heard(watch.sent(), f"refused-{n}", REFUSED)
        watch.heard(watch.sent(), f"unknown-{n}", NO_NAME)
        watch.heard(watch.sent(), f"slow-{n}", Answer(error="timeout"))
        watch.heard(watch.sent(), f"reset-{n}", Answer(error="connection reset"))
    watch.heard(watch.sent(), "refused-0", REFUSED)  # the same host again counts once
    assert not watch.down and not watch.tripped.is_set()
    watch.heard(watch.sent(), "unknown-3", NO_NAME)
    assert watch.down == (
        "the first 4 hosts asked all failed the same way "
        "(cannot connect ([Errno -3] Temporary failure in name resolution)), none answered"
    )
    assert watch.tripped.is_set()


def test_the_watch_waits_for_the_requests_in_flight_and_any_answer_proves_the_network() -> None:
    watch = NetworkWatch(hosts=2)
    slow, later = watch.sent(), watch.sent()
    for host in ("a", "b"):
        watch.heard(watch.sent(), host, REFUSED)
    assert not watch.down  # two requests sent before are still out
    watch.heard(slow, "c", Answer(error="timeout"))
    watch.heard(watch.sent(), "d", REFUSED)  # sent after: not waited for
    assert not watch.down
    watch.heard(later, "e", Answer(status=404))
    assert not watch.down and watch.proven
    for host in ("f", "g", "h"):
        watch.heard(watch.sent(), host, REFUSED)
    assert not watch.down  # proven once, for the whole run

    alone = NetworkWatch(hosts=2)
    for host in ("a", "b"):
        alone.heard(alone.sent(), host, REFUSED)
    assert alone.down  # nothing else in flight: at once

    api = NetworkWatch(hosts=2)
    api.answered()  # an API answered for some links (arXiv, GitHub)
    for host in ("a", "b"):
        api.heard(api.sent(), host, REFUSED)
    assert not api.down
