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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bot.jobs.check_links import NETWORK_DOWN, Options, run
from bot.linkcheck import CheckSettings, LinkResult, make_client
from bot.linkcheck.offline import CONNECT_TIMED_OUT, OFFLINE_HOSTS, NetworkWatch
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


@contextmanager
def blackholes(count: int) -> Iterator[list[int]]:
    """Loopback ports whose connections are never made, as on a network that drops packets: each
    listens with no room in its queue (``listen(0)``, filled by one connection never accepted), so
    Linux drops every further SYN and a connection times out. One host each, no root needed."""
    sockets: list[socket.socket] = []
    try:
        ports = []
        for _ in range(count):
            listener = socket.socket()
            sockets.append(listener)
            listener.bind(("127.0.0.1", 0))
            listener.listen(0)
            filler = socket.create_connection(listener.getsockname(), timeout=5)
            sockets.append(filler)
            ports.append(listener.getsockname()[1])
        yield ports
    finally:
        for sock in sockets:
            sock.close()


def write_links(path: Path, urls: Sequence[str]) -> Path:
    path.write_text("".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)), encoding="utf-8")
    return path


def check_file(
    path: Path, resolvers: Sequence[object] = (), settings: CheckSettings = SETTINGS
) -> tuple[int, str]:
    """``check-links --json`` on ``path``: (exit code, what it printed on stdout)."""
    out = io.StringIO()

    async def go() -> int:
        async with make_client(settings) as client:
            return await run(path, settings, client, resolvers, Options(as_json=True, out=out))  # type: ignore[arg-type]

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


# connections that are never made time out after 0.5 s; a request that was connected, after 3 s
DROPPING = replace(SETTINGS, connect_timeout=0.5, timeout=3.0, abandon_after=5.0)


def test_a_network_that_drops_packets_is_told_in_seconds_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Packets dropped, every connection times out before it is made (httpx's ConnectTimeout). That
    was an ordinary timeout, which the watch did not count: every link was asked, and retried,
    until the end-of-run rule said "got no answer at all". Now a connection that timed out is a
    connection failure like a refusal: the first 8 hosts fail the same way, the run stops."""
    with blackholes(12) as ports:
        urls = [f"http://127.0.0.1:{port}/paper-{n}" for n in range(10) for port in ports]
        caplog.set_level(logging.ERROR, logger="bot.jobs.check_links")

        code, printed = check_file(write_links(tmp_path / "catalog.md", urls), settings=DROPPING)

    assert (code, printed) == (NETWORK_DOWN, "")
    [message] = [record.getMessage() for record in caplog.records]
    assert f"the first {OFFLINE_HOSTS} hosts asked all failed the same way ({CONNECT_TIMED_OUT})" in message
    requests = int(re.search(r"\((\d+) requests\)", message).group(1))  # type: ignore[union-attr]
    assert OFFLINE_HOSTS <= requests < len(urls)


HANGS = [{f"/slow-{i}": Route("hang", delay=60) for i in range(2)}]


@pytest.mark.parametrize("web", [HANGS], indirect=True)
def test_a_slow_network_that_connects_is_not_called_down_early(
    web: PlantedWeb, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Ten hosts whose connections time out, and a server that takes the connection but is slower
    than the timeout, asked first: its requests were still in flight when the 8th host failed, and
    they timed out too, but after connecting: a server was reached, so the watch does not stop the
    run. Every link is checked to the end and the end-of-run rule judges the whole (here: no link
    got an answer at all)."""
    slow = [web.url(f"/slow-{i}") for i in range(2)]
    caplog.set_level(logging.ERROR, logger="bot.jobs.check_links")
    with blackholes(10) as ports:
        gone = [f"http://127.0.0.1:{port}/" for port in ports]

        code, printed = check_file(write_links(tmp_path / "catalog.md", [*slow, *gone]), settings=DROPPING)

    assert (code, printed) == (NETWORK_DOWN, "")
    [message] = [record.getMessage() for record in caplog.records]
    assert message.startswith("12 of 12 links got no answer at all"), message


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


def test_the_watch_counts_connections_that_timed_out_and_a_connection_made_proves_the_network() -> None:
    dropped = Answer(error="timeout", connect_timeout=True)
    watch = NetworkWatch(hosts=2)
    watch.heard(watch.sent(), "a", dropped)
    watch.heard(watch.sent(), "b", dropped)
    assert (
        watch.down == f"the first 2 hosts asked all failed the same way ({CONNECT_TIMED_OUT}), none answered"
    )

    slow = NetworkWatch(hosts=2)
    slow.heard(slow.sent(), "a", Answer(error="timeout", reached=True))  # connected, then no answer in time
    for host in ("b", "c"):
        slow.heard(slow.sent(), host, dropped)
    assert slow.proven and not slow.down
