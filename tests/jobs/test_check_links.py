"""The link checker against a planted loopback web (real HTTP on 127.0.0.1, two ports = two hosts).

The server below plants each failure mode of the benchmark (404, 410, redirect chains, relative
redirects, redirect to a 404, HEAD 405, 429 with Retry-After, transient 500/503, resets, hangs,
slow pages), counts every request per path and per host, and records requests that arrive
inside a Retry-After window. Timeouts and back-off are shrunk through the settings.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import yaml

from bot import config
from bot.__main__ import main as bot_main
from bot.errors import CatalogError, ConfigError
from bot.jobs.check_links import SUMMARY_ROWS, Options, run, summary
from bot.linkcheck import (
    CheckSettings,
    HostLimits,
    HttpChecker,
    LinkResult,
    Verdict,
    check_all,
    extract_links,
    make_client,
    settings_from_config,
)
from bot.linkcheck.arxiv import ArxivResolver
from bot.linkcheck.gate import Gate, GateClosed
from bot.linkcheck.http import host_key, lingering_limit
from bot.linkcheck.model import Hop
from bot.linkcheck.policy import Policy
from tests.golden_files import assert_shown_in_docs

# ----------------------------------------------------------------------------- planted web


@dataclass
class Route:
    kind: str = "ok"  # ok status redirect head405 ratelimit transient reset flaky_reset hang challenge
    status: int = 200
    location: str = ""
    fails: int = 0  # transient / flaky_reset: how many first requests fail
    retry_after: str | None = None
    delay: float = 0.0  # latency before answering (hang: the whole wait)
    served: int = 0
    window_until: float = 0.0


@dataclass
class Request:
    host: int
    path: str
    method: str
    headers: dict[str, str]
    arrived: float
    answered: float = 0.0


@dataclass
class PlantedWeb:
    """An asyncio HTTP/1.1 server on two loopback ports, run in its own thread."""

    routes: list[dict[str, Route]]
    log: list[Request] = field(default_factory=list)
    in_flight: dict[int, int] = field(default_factory=dict)
    peak: dict[int, int] = field(default_factory=dict)
    early_retries: int = 0
    ports: list[int] = field(default_factory=list)

    def url(self, path: str, host: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[host]}{path}"

    def requests_to(self, path: str, host: int = 0) -> list[Request]:
        return [r for r in self.log if r.path == path and r.host == host]

    def count(self, path: str, host: int = 0) -> int:
        return len(self.requests_to(path, host))

    async def serve(self, ready: threading.Event, stop: asyncio.Event) -> None:
        servers = []
        for index in range(len(self.routes)):
            server = await asyncio.start_server(
                lambda r, w, i=index: self._connection(i, r, w), "127.0.0.1", 0
            )
            self.ports.append(server.sockets[0].getsockname()[1])
            servers.append(server)
        ready.set()
        await stop.wait()
        for server in servers:
            server.close()
        handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in handlers:  # hung answers still sleeping
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def _connection(
        self, host: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while request := await self._read_request(host, reader):
                if not await self._answer(request, writer):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _read_request(self, host: int, reader: asyncio.StreamReader) -> Request | None:
        line = (await reader.readline()).decode("latin-1").split()
        if len(line) != 3:
            return None
        headers = {}
        while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return Request(host, line[1].split("?")[0], line[0], headers, time.monotonic())

    async def _answer(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        self.log.append(request)
        self.in_flight[request.host] = self.in_flight.get(request.host, 0) + 1
        self.peak[request.host] = max(self.peak.get(request.host, 0), self.in_flight[request.host])
        try:
            answer = await self._respond(request)
        finally:
            self.in_flight[request.host] -= 1
            request.answered = time.monotonic()
        if answer is None:  # TCP reset
            writer.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            writer.transport.abort()
            return False
        status, headers = answer
        body = b"" if request.method == "HEAD" else b"<html>planted</html>"
        head = [f"HTTP/1.1 {status} X", "Content-Length: 20", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        return True

    async def _respond(self, request: Request) -> tuple[int, dict[str, str]] | None:
        route = self.routes[request.host].get(request.path)
        if route is None:
            return 404, {}
        await asyncio.sleep(route.delay)
        route.served += 1
        if route.kind == "status":
            return route.status, {}
        if route.kind == "redirect":
            return route.status, {"Location": route.location}
        if route.kind == "challenge":  # a bot check instead of the page (Cloudflare, Vercel)
            return route.status, {route.location or "cf-mitigated": "challenge"}
        if route.kind == "head405":
            return (405, {}) if request.method == "HEAD" else (200, {})
        if route.kind == "ratelimit":
            return self._rate_limited(route, request)
        if route.kind == "transient" and route.served <= route.fails:
            return route.status, ({"Retry-After": route.retry_after} if route.retry_after else {})
        if route.kind == "reset" or (route.kind == "flaky_reset" and route.served <= route.fails):
            return None
        return 200, {}

    def _rate_limited(self, route: Route, request: Request) -> tuple[int, dict[str, str]]:
        if request.arrived < route.window_until:
            self.early_retries += 1
            return 429, {"Retry-After": route.retry_after or "1"}
        if route.served == 1:
            route.window_until = time.monotonic() + float(route.retry_after or "1")
            return 429, {"Retry-After": route.retry_after or "1"}
        return 200, {}


@pytest.fixture
def web(request: pytest.FixtureRequest) -> Iterator[PlantedWeb]:
    planted = PlantedWeb(copy.deepcopy(request.param))  # routes keep state: a fresh copy per test
    loop = asyncio.new_event_loop()
    ready, stop = threading.Event(), asyncio.Event()

    def serve() -> None:
        loop.run_until_complete(planted.serve(ready, stop))
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(5)
    yield planted
    loop.call_soon_threadsafe(stop.set)
    thread.join(5)


FAST = CheckSettings(
    concurrency=32,
    per_host=HostLimits(8, 0.0),
    timeout=0.5,
    connect_timeout=0.5,
    deadline=8.0,
    abandon_after=3.0,
    user_agent="catalog-bot-test/1",
    policy=Policy(backoff=0.05, max_retry_after=3.0),
)

# The tests' default, for every property but a timeout (request counts, verdicts, pacing, resolvers):
# FAST's 0.5 s timed out answers that a loaded machine took that long to deliver (a load of 25), so a
# page was asked twice, or was dead after two. FAST is for the tests of a hang, which must time out.
PATIENT = replace(FAST, timeout=30.0, connect_timeout=30.0, abandon_after=30.0, deadline=60.0)


def check(
    urls: Sequence[str],
    settings: CheckSettings = PATIENT,
    resolvers: Sequence[object] = (),
    order: list[str] | None = None,
) -> dict[str, LinkResult]:
    async def go() -> dict[str, LinkResult]:
        async with make_client(settings) as client:
            http = HttpChecker(client, settings, rng=random.Random(1))
            progress = (lambda result: order.append(result.url)) if order is not None else None
            return await check_all(urls, http, settings, resolvers, progress)  # type: ignore[arg-type]

    return asyncio.run(go())


def check_timed(
    urls: Sequence[str], settings: CheckSettings
) -> tuple[float, dict[str, LinkResult], dict[str, float]]:
    """``check_all`` on ``urls``: when it began, the results, and when each link settled (all
    ``time.monotonic``); the requests given up on are closed after."""
    settled: dict[str, float] = {}

    async def go() -> tuple[float, dict[str, LinkResult]]:
        async with make_client(settings) as client:
            began = time.monotonic()
            http = HttpChecker(client, settings)
            results = await check_all(
                urls, http, settings, progress=lambda r: settled.setdefault(r.url, time.monotonic())
            )
            await http.aclose()
            return began, results

    began, results = asyncio.run(go())
    return began, results, settled


# ----------------------------------------------------------------------------- every failure mode

MODES = [
    {
        "/ok": Route(),
        "/slow": Route(delay=0.3),
        "/404": Route("status", 404),
        "/410": Route("status", 410),
        "/403": Route("status", 403),
        "/500-always": Route("status", 500),
        "/moved": Route("redirect", 301, "/moved-here"),  # relative Location
        "/moved-here": Route(),
        "/found": Route("redirect", 302, "/found-here"),
        "/found-here": Route(),
        "/chain": Route("redirect", 301, "/chain-2"),
        "/chain-2": Route("redirect", 302, "{host1}/chain-3"),  # to the other host
        "/chain-4": Route(),
        "/to-404": Route("redirect", 301, "/gone"),
        "/gone": Route("status", 404),
        "/loop": Route("redirect", 301, "/loop"),
        "/head405": Route("head405"),
        "/429": Route("ratelimit", retry_after="1"),
        "/500-once": Route("transient", 500, fails=1),
        "/503-twice": Route("transient", 503, fails=2, retry_after="1"),
        "/reset": Route("reset"),
        "/flaky-reset": Route("flaky_reset", fails=1),
        "/hang": Route("hang", delay=1.5),
    },
    {"/chain-3": Route("redirect", 308, "{host0}/chain-4")},
]


def _wire(web: PlantedWeb) -> None:
    for routes in web.routes:
        for route in routes.values():
            route.location = route.location.format(host0=web.url("", 0), host1=web.url("", 1))


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_every_failure_mode_gets_the_right_verdict_with_few_requests(web: PlantedWeb) -> None:
    _wire(web)
    paths = [
        "/ok",
        "/slow",
        "/404",
        "/410",
        "/403",
        "/500-always",
        "/moved",
        "/found",
        "/chain",
        "/to-404",
        "/loop",
        "/head405",
        "/429",
        "/500-once",
        "/503-twice",
        "/reset",
        "/flaky-reset",
    ]  # "/hang": test_a_hang_is_dead_after_one_retry_and_says_so (it needs FAST's short timeout)
    results = check([web.url(p) for p in paths])
    verdicts = {p: results[web.url(p)].verdict for p in paths}
    dead = {"/404", "/410", "/403", "/500-always", "/to-404", "/loop", "/reset"}
    assert verdicts == {p: Verdict.DEAD if p in dead else Verdict.ALIVE for p in paths}
    expected_requests = {
        "/ok": 1,
        "/slow": 1,
        "/404": 1,
        "/410": 1,
        "/403": 2,
        "/500-always": 3,
        "/moved": 1,
        "/moved-here": 1,
        "/chain": 1,
        "/chain-2": 1,
        "/chain-4": 1,
        "/to-404": 1,
        "/gone": 1,
        "/head405": 2,
        "/429": 2,
        "/500-once": 2,
        "/503-twice": 3,
        "/reset": 3,
        "/flaky-reset": 2,
    }
    assert {p: web.count(p) for p in expected_requests} == expected_requests
    assert web.count("/chain-3", host=1) == 1
    assert [r.method for r in web.requests_to("/head405")] == ["HEAD", "GET"]
    assert web.requests_to("/head405")[1].headers["range"] == "bytes=0-0"
    assert {r.headers["user-agent"] for r in web.log} == {"catalog-bot-test/1"}


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_redirects_are_recorded_and_permanent_ones_become_fixes(web: PlantedWeb) -> None:
    _wire(web)
    results = check([web.url(p) for p in ("/moved", "/found", "/chain", "/to-404")])
    moved = results[web.url("/moved")]
    assert moved.redirects == (Hop(web.url("/moved"), 301, web.url("/moved-here")),)
    assert moved.final_url == web.url("/moved-here") and moved.status == 200
    assert moved.permanent_redirect == web.url("/moved-here")
    assert results[web.url("/found")].permanent_redirect is None  # 302: temporary, no fix
    chain = results[web.url("/chain")]
    assert [h.status for h in chain.redirects] == [301, 302, 308]
    assert chain.final_url == web.url("/chain-4")
    assert chain.permanent_redirect == web.url("/chain-2")  # only the leading permanent part
    to_404 = results[web.url("/to-404")]
    assert (to_404.verdict, to_404.status, to_404.final_url) == (Verdict.DEAD, 404, web.url("/gone"))
    assert to_404.permanent_redirect is None


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_retry_after_is_honoured_never_inside_the_window(web: PlantedWeb) -> None:
    results = check([web.url("/429"), web.url("/503-twice")])
    assert results[web.url("/429")].verdict is Verdict.ALIVE
    first, second = web.requests_to("/429")
    assert second.arrived - first.answered >= 1.0
    assert web.early_retries == 0
    tries = web.requests_to("/503-twice")
    assert all(b.arrived - a.answered >= 1.0 for a, b in zip(tries, tries[1:], strict=False))


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_a_hang_is_dead_after_one_retry_and_says_so(web: PlantedWeb) -> None:
    result = check([web.url("/hang")], FAST)[web.url("/hang")]  # 0.5 s: a busy machine only adds to 1.5
    assert result.verdict is Verdict.DEAD and result.status is None
    assert result.error == "timed out 2 times"
    assert [r.method for r in web.requests_to("/hang")] == ["HEAD", "GET"]


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_urls_differing_only_by_fragment_are_checked_once(web: PlantedWeb) -> None:
    urls = [web.url("/ok#intro"), web.url("/ok#usage"), web.url("/ok")]
    results = check(urls)
    assert web.count("/ok") == 1
    assert [results[u].url for u in urls] == urls
    assert all(results[u].verdict is Verdict.ALIVE for u in urls)


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_a_redirect_fix_keeps_the_anchor_of_the_link(web: PlantedWeb) -> None:
    """The fragment is not sent, so the redirect came back without it: the fix dropped the
    ``#anchor`` a maintainer linked to (a Location with its own fragment keeps that one)."""
    _wire(web)
    urls = [web.url("/moved#usage"), web.url("/moved#intro"), web.url("/moved")]
    results = check(urls)
    assert web.count("/moved") == 1
    assert [results[u].permanent_redirect for u in urls] == [
        web.url("/moved-here#usage"),
        web.url("/moved-here#intro"),
        web.url("/moved-here"),
    ]


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_a_long_retry_after_makes_the_link_unknown_not_dead(web: PlantedWeb) -> None:
    web.routes[0]["/429"].retry_after = "30"
    result = check([web.url("/429")])[web.url("/429")]
    assert (result.verdict, result.status, result.alive) == (Verdict.UNKNOWN, 429, None)
    assert web.count("/429") == 1


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_the_per_link_deadline_stops_retries(web: PlantedWeb) -> None:
    """A Retry-After of 2 s and a deadline of 4 s: the second try is sent if the first answer took
    under 1.5 s (0.25 s with 1 s and 1.5 s, which a loaded machine missed), the third never."""
    web.routes[0]["/503-twice"].retry_after = "2"
    results = check([web.url("/503-twice"), web.url("/500-always")], replace(PATIENT, deadline=4.0))
    unavailable = results[web.url("/503-twice")]  # asked to come back later: not proven dead
    assert (unavailable.verdict, unavailable.status) == (Verdict.UNKNOWN, 503)
    assert unavailable.error == "HTTP 503: deadline reached after 2 requests"
    assert web.count("/503-twice") == 2
    assert results[web.url("/500-always")].verdict is Verdict.DEAD


@pytest.mark.parametrize(
    "web",
    [
        [
            {
                "/busy": Route("transient", 503, fails=99, retry_after="0"),
                "/broken": Route("transient", 503, fails=99),
            }
        ]
    ],
    indirect=True,
)
def test_a_503_that_always_names_its_retry_after_is_unknown_not_dead(web: PlantedWeb) -> None:
    """A host rate limiting with 503 and Retry-After (as with 429) says "come back later" on every
    try: its links are unknown tonight, so a storm of them is never reported dead. A 503 without
    Retry-After is a server error like any other: dead after the retries."""
    results = check([web.url("/busy"), web.url("/broken")])
    busy, broken = results[web.url("/busy")], results[web.url("/broken")]
    assert (busy.verdict, busy.status, busy.error) == (Verdict.UNKNOWN, 503, "HTTP 503 after 3 attempts")
    assert (broken.verdict, broken.status) == (Verdict.DEAD, 503)
    assert web.count("/busy") == web.count("/broken") == 3


@pytest.mark.parametrize(
    "web",
    [
        [
            {
                "/cloudflare-403": Route("challenge", 403),
                "/cloudflare-503": Route("challenge", 503),
                "/vercel-429": Route("challenge", 429, "x-vercel-mitigated"),
                "/aws-waf-202": Route("challenge", 202, "x-amzn-waf-action"),
                "/forbidden": Route("status", 403),
            }
        ]
    ],
    indirect=True,
)
def test_a_bot_check_instead_of_the_page_is_unknown_not_dead(web: PlantedWeb) -> None:
    """Cloudflare answers a robot with a challenge page (403 or 503, ``cf-mitigated: challenge``)
    where a browser gets the page: the link was dead ("HTTP 403", or a 503 after three tries),
    and the nightly run reported a page that works after two nights. AWS WAF's challenge is a 202,
    which was alive though no page was seen. A plain 403 stays dead."""
    paths = ["/cloudflare-403", "/cloudflare-503", "/vercel-429", "/aws-waf-202"]
    results = check([web.url(p) for p in [*paths, "/forbidden"]])
    for path in paths:
        result = results[web.url(path)]
        assert (result.verdict, result.alive, result.requests) == (Verdict.UNKNOWN, None, 1), result
        assert result.error is not None and result.error.startswith("a bot check answered")
    assert results[web.url("/forbidden")].verdict is Verdict.DEAD


# ----------------------------------------------------------------------------- politeness

BUSY_HOST = [
    {
        **{f"/page-{i}": Route(delay=0.1) for i in range(12)},
        "/hang-1": Route("hang", delay=3.0),
        "/hang-2": Route("hang", delay=3.0),
    },
    {f"/fast-{i}": Route(delay=0.02) for i in range(10)},
]


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_per_host_limit_holds_even_for_requests_given_up_on(web: PlantedWeb) -> None:
    settings = replace(FAST, per_host=HostLimits(2, 0.0), timeout=1.5, abandon_after=4.0)  # pages: 0.1 s
    urls = [web.url("/hang-1"), web.url("/hang-2")] + [web.url(f"/page-{i}") for i in range(12)]
    results = check(urls, settings)
    assert web.peak[0] == 2  # the two hung requests kept their slots after the 1.5 s timeout
    assert results[web.url("/hang-1")].verdict is Verdict.DEAD
    assert all(results[web.url(f"/page-{i}")].verdict is Verdict.ALIVE for i in range(12))


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_pacing_spaces_request_starts_on_one_host(web: PlantedWeb) -> None:
    """The k-th request to a host paced at 0.1 s arrives at least k x 0.1 s after the check began
    (unpaced, all six arrive within a few ms). A busy machine only makes arrivals later, so this
    holds at any load; the span from the first arrival to the last did not (a first request that
    arrived late shortened it to 0.23 s at a load of 25)."""
    settings = replace(PATIENT, per_host=HostLimits(4, 0.1))

    async def go() -> float:
        async with make_client(settings) as client:
            began = time.monotonic()  # the client is built: unpaced, requests leave at once
            await check_all(
                [web.url(f"/fast-{i}", host=1) for i in range(6)], HttpChecker(client, settings), settings
            )
            return began

    began = asyncio.run(go())
    after = [r.arrived - began for r in sorted(web.log, key=lambda r: r.arrived)]
    assert len(after) == 6  # one HEAD a link
    assert all(t >= 0.1 * k - 1e-3 for k, t in enumerate(after)), after  # asyncio may wake 1 ms early


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_a_configured_host_limit_holds_over_all_its_ports_and_schemes(web: PlantedWeb) -> None:
    """The gates were per host *and port*: ``http://arxiv.org`` and ``https://arxiv.org`` links
    (or ``export.arxiv.org``) each had arXiv's one request in flight, so arXiv saw two or three."""
    settings = replace(PATIENT, hosts=(("127.0.0.1", HostLimits(1, 0.0)),))
    check([web.url(f"/page-{i}") for i in range(3)] + [web.url(f"/fast-{i}", 1) for i in range(3)], settings)
    spans = [(r.arrived, r.answered) for r in web.log]
    assert len(spans) == 6
    overlapping = max(sum(1 for a, b in spans if a <= start < b) for start, _ in spans)
    assert overlapping == 1  # one request at a time on 127.0.0.1, whatever the port
    assert host_key("http://arxiv.org/abs/1") == host_key("https://arxiv.org:443/pdf/1") == "arxiv.org"
    assert host_key("http://127.0.0.1:8080/") != host_key("http://127.0.0.1:8081/")


def test_gate_pacing_spaces_acquisitions() -> None:
    async def go() -> list[float]:
        gate, loop, times = Gate(4, 0.1), asyncio.get_running_loop(), []

        async def one() -> None:
            await gate.acquire()
            times.append(loop.time())
            gate.release()

        await asyncio.gather(*(one() for _ in range(5)))
        return times

    times = asyncio.run(go())
    # the k-th start is reserved 0.1 s after the (k-1)-th reservation (a late wake-up may shorten one gap)
    assert all(t - times[0] >= 0.1 * k - 1e-3 for k, t in enumerate(times))


SILENT_HOST = [
    {f"/hung-{i}": Route("hang", delay=30) for i in range(12)},  # accepts, never answers
    {f"/slow-{i}": Route("hang", delay=2.0) for i in range(2)},  # answers after the timeout
    {f"/ok-{i}": Route() for i in range(6)},
]


@pytest.mark.parametrize("web", [SILENT_HOST], indirect=True)
def test_a_host_that_answers_nothing_is_not_asked_again(web: PlantedWeb) -> None:
    """12 links of a host that never answers took 24 requests, each keeping one of its 2 slots
    for ``abandon_after``: 12 rounds of 3 s. After 4 requests in a row without an answer its
    other links are dead without a request; a slow host that does answer is still asked. (A 1 s
    timeout: the answering host's links come in time on a loaded machine, the slow ones never.)"""
    settings = replace(FAST, per_host=HostLimits(2, 0.0), timeout=1.0, abandon_after=3.0)
    hung = [web.url(f"/hung-{i}") for i in range(12)]
    slow = [web.url(f"/slow-{i}", host=1) for i in range(2)]
    fine = [web.url(f"/ok-{i}", host=2) for i in range(6)]
    results = check(hung + slow + fine, settings)
    assert sum(results[url].requests for url in hung) == 4  # two rounds of its 2 slots
    assert all(results[url].verdict is Verdict.DEAD for url in hung)
    not_asked = [results[url] for url in hung if results[url].requests == 0]
    assert len(not_asked) >= 8
    assert all((r.error or "").startswith("not asked: 127.0.0.1:") for r in not_asked)
    assert sum(results[url].requests for url in slow) == 4  # HEAD and GET for each slow link
    assert all(results[url].error == "timed out 2 times" for url in slow)
    assert all(results[url].verdict is Verdict.ALIVE for url in fine)


HUNG_HOSTS = [{f"/hung-{i}": Route("hang", delay=60) for i in range(3)} for _ in range(6)] + [
    {f"/ok-{i}": Route() for i in range(8)}
]


@pytest.mark.parametrize("web", [HUNG_HOSTS], indirect=True)
def test_hung_hosts_hold_up_no_other_host(web: PlantedWeb) -> None:
    """Six hosts that accept connections and never answer, 2 slots each, filled the overall limit
    of 8: a request given up on kept its place there until ``abandon_after``, so the answering
    host's links waited that long before their first request (70 s with the defaults), behind the
    hung links' retries. Given up on, it keeps only its host's slot: the others' links are done
    before any hung host is asked again."""
    # a link's deadline well past abandon_after: at 8 s, as FAST's, a retry waiting 8 s for its
    # host's slot met its deadline on a loaded machine, and the second round never came. Timeouts
    # retried 3 times: under a load of 20+ an answering host's answer can take the 1 s timeout
    # twice; a hung host is not asked past its 4 requests (2 rounds of its slots) either way
    settings = replace(
        FAST,
        concurrency=8,
        per_host=HostLimits(2, 0.0),
        timeout=1.0,
        abandon_after=8.0,
        deadline=12.0,
        policy=replace(FAST.policy, timeout_retries=3),
    )
    hung = [web.url(f"/hung-{i}", host) for host in range(6) for i in range(3)]
    fine = [web.url(f"/ok-{i}", host=6) for i in range(8)]
    _, results, settled = check_timed([*hung, *fine], settings)
    assert all(results[url].verdict is Verdict.ALIVE for url in fine)
    assert all(results[url].verdict is Verdict.DEAD for url in hung)
    # Order and counts, not wall time (an 8 s bound on the answering links failed at a load of 24):
    # every request of the answering host reached the server before any hung host's second round,
    # which its slots allow only abandon_after after its first: before the fix they came after it,
    # behind the hung links' retries; so did their verdicts
    last_fine = max(r.arrived for r in web.log if r.host == 6)
    assert sum(1 for r in web.log if r.host < 6 and r.arrived <= last_fine) <= 6 * 2  # first rounds only
    assert max(settled[url] for url in fine) < min(settled[url] for url in hung)
    for host in range(6):  # each hung host kept its 2 slots while waiting: the second round came 8 s on
        arrivals = sorted(r.arrived for r in web.log if r.host == host)
        assert len(arrivals) == 4 and arrivals[2] - arrivals[0] > settings.abandon_after / 2


MANY_HUNG_HOSTS = [{"/hung": Route("hang", delay=60)} for _ in range(12)] + [
    {f"/ok-{i}": Route() for i in range(4)}
]


@pytest.mark.parametrize("web", [MANY_HUNG_HOSTS], indirect=True)
def test_hosts_that_never_answer_past_the_lingering_limit_hold_up_no_other_host(web: PlantedWeb) -> None:
    """One link on each of many hosts that never answer (a subdomain each: one hostile list's
    links): past ``lingering_limit`` (16 here, 4 x 4) a request given up on kept its global place
    for ``abandon_after``, so the answering host's links waited 20 s, wave after wave (1,000 links
    behind 600 such hosts took 346 s in bench/hung_hosts.py). It is closed at once and gives its
    place back; its host keeps the slot for ``abandon_after``."""
    settings = replace(FAST, concurrency=4, per_host=HostLimits(2, 0.0), timeout=1.0, abandon_after=20.0)
    assert lingering_limit(settings.concurrency) == 16
    hung = [web.url("/hung", host) for host in range(12)]
    fine = [web.url(f"/ok-{i}", host=12) for i in range(4)]
    began, results, settled = check_timed([*hung, *fine], settings)
    assert all(results[url].verdict is Verdict.ALIVE for url in fine)
    assert all(results[url].verdict is Verdict.DEAD for url in hung)
    assert sum(results[url].requests for url in hung) > 16  # past the limit: some were closed early
    # 24 requests of 1 s on 4 places: about 6 s on an idle machine, 14 s of margin for load
    assert max(settled[url] for url in fine) - began < settings.abandon_after


def test_a_closed_gate_turns_its_waiters_away() -> None:
    async def go() -> list[str]:
        gate, seen = Gate(1), []
        await gate.acquire()

        async def wait() -> None:
            try:
                await gate.acquire()
            except GateClosed:
                seen.append("turned away")

        waiting = asyncio.gather(wait(), wait())
        await asyncio.sleep(0)
        gate.close()
        await waiting
        gate.release()
        await wait()
        return [*seen, f"in use {gate.in_use}"]

    assert asyncio.run(go()) == ["turned away"] * 3 + ["in use 0"]


RATE_LIMITED_HOST = [
    {"/429": Route("ratelimit", retry_after="1"), **{f"/after-{i}": Route() for i in range(3)}},
    {f"/fast-{i}": Route(delay=0.02) for i in range(10)},
    {"/hang": Route("hang", delay=3.0)},
]


@pytest.mark.parametrize("web", [RATE_LIMITED_HOST], indirect=True)
def test_waiting_on_one_host_never_stalls_the_others(web: PlantedWeb) -> None:
    """The 13 quick links have the 429's 2 s Retry-After to be done in, the 429 settles by 2.5 s,
    the hang (its retry waits for the first try's slot until its answer at 3 s) after 4 s."""
    web.routes[0]["/429"].retry_after = "2"
    settings = replace(FAST, per_host=HostLimits(1, 0.0), timeout=1.0, abandon_after=4.0)
    after = [web.url(f"/after-{i}") for i in range(3)]
    fast = [web.url(f"/fast-{i}", host=1) for i in range(10)]
    order: list[str] = []
    results = check([web.url("/hang", host=2), web.url("/429"), *after, *fast], settings, order=order)
    assert set(order[:13]) == set(fast) | set(after)  # neither the hang nor the 429 held anyone up
    assert order[-2:] == [web.url("/429"), web.url("/hang", host=2)]
    assert results[web.url("/429")].verdict is Verdict.ALIVE and web.early_retries == 0
    assert results[web.url("/hang", host=2)].verdict is Verdict.DEAD


# ----------------------------------------------------------------------------- resolvers, exclusions


@dataclass
class FakeResolver:
    """Claims every URL of one host; answers for the ones it knows; counts its batches."""

    prefix: str
    known: dict[str, LinkResult]
    name: str = "fake-forge"
    batches: list[list[str]] = field(default_factory=list)
    fail: bool = False

    def claims(self, url: str) -> bool:
        return url.startswith(self.prefix)

    def resolve(self, urls: Sequence[str]) -> dict[str, LinkResult]:
        self.batches.append(list(urls))
        if self.fail:
            raise RuntimeError("API down")
        return {u: r for u, r in self.known.items() if u in urls}


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_resolvers_answer_in_one_batch_and_the_rest_goes_over_http(web: PlantedWeb) -> None:
    known = web.url("/fast-0", 1)
    resolver = FakeResolver(
        web.url("", 1), {known: LinkResult(known, Verdict.DEAD, error="repository deleted")}
    )
    urls = [web.url("/page-0"), known, web.url("/fast-1", 1)]
    results = check(urls, PATIENT, resolvers=[resolver])
    assert resolver.batches == [[known, web.url("/fast-1", 1)]]
    assert (results[known].verdict, results[known].source) == (Verdict.DEAD, "fake-forge")
    assert web.count("/fast-0", 1) == 0  # answered by the resolver: no HTTP request
    assert web.count("/fast-1", 1) == 1 and results[web.url("/fast-1", 1)].source == "http"
    assert web.count("/page-0") == 1


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_a_failing_resolver_falls_back_to_http(web: PlantedWeb, caplog: pytest.LogCaptureFixture) -> None:
    resolver = FakeResolver(web.url("", 1), {}, fail=True)
    results = check([web.url("/fast-0", 1)], resolvers=[resolver])
    assert "resolver fake-forge failed" in caplog.text
    assert results[web.url("/fast-0", 1)].verdict is Verdict.ALIVE and web.count("/fast-0", 1) == 1


@pytest.mark.parametrize("web", [BUSY_HOST], indirect=True)
def test_excluded_links_are_not_requested(web: PlantedWeb) -> None:
    settings = settings_from_config(
        config.validate(
            "links", {"exclusions": [{"pattern": "/page-[0-4]$", "reason": "behind a login"}]}, "test"
        )
    )
    results = check([web.url("/page-1"), web.url("/page-7")], settings)
    assert results[web.url("/page-1")].verdict is Verdict.EXCLUDED
    assert results[web.url("/page-1")].error == "excluded: behind a login"
    assert web.count("/page-1") == 0 and web.count("/page-7") == 1


# ----------------------------------------------------------------------------- the job's output


BAD_REDIRECTS = [
    {
        "/ok": Route(),
        "/to-bad-port": Route("redirect", 301, "http://127.0.0.1:99999/x"),
        "/to-bad-ipv6": Route("redirect", 302, "http://[::1/x"),  # httpx refuses to read it
        "/to-mailto": Route("redirect", 301, "mailto:someone@example.org"),
        "/to-ftp": Route("redirect", 301, "ftp://example.org/pub/paper.pdf"),
    }
]


@pytest.mark.parametrize("web", [BAD_REDIRECTS], indirect=True)
def test_a_link_with_an_impossible_port_is_dead_without_a_request_and_stops_nothing(
    web: PlantedWeb,
) -> None:
    """A typo in a port (``:8080a``, ``:99999``), in the catalog or in a server's Location,
    raised ValueError out of the checker: the whole run crashed on one link."""
    bad = ["http://127.0.0.1:99999/page", "https://example.org:80a/", "https://arxiv.org:abc/abs/2401.00001"]
    redirected = [web.url("/to-bad-port"), web.url("/to-bad-ipv6")]
    results = check([*bad, *redirected, web.url("/ok")], resolvers=[ArxivResolver(NoPapers())])
    for url in bad:
        assert results[url].verdict is Verdict.DEAD and results[url].requests == 0
        assert results[url].error is not None and results[url].error.startswith("not a valid URL: ")
    for url in redirected:
        assert results[url].verdict is Verdict.DEAD and results[url].requests == 1
        assert results[url].error is not None and results[url].error.startswith("redirect to an invalid URL")
    assert results[web.url("/ok")].verdict is Verdict.ALIVE


@pytest.mark.parametrize("web", [BAD_REDIRECTS], indirect=True)
def test_a_redirect_to_something_else_than_a_web_page_is_dead_at_once(web: PlantedWeb) -> None:
    """A Location that is no http(s) URL (``mailto:``, ``ftp://``) was taken for a network failure:
    three requests with back-off, then "dead" with httpx's words ("UnsupportedProtocol: ...",
    "InvalidURL: For absolute URLs, path must be empty or begin with '/'")."""
    urls = [web.url("/to-mailto"), web.url("/to-ftp")]
    results = check(urls)
    for url in urls:
        assert results[url].verdict is Verdict.DEAD and results[url].requests == 1, results[url]
        assert results[url].error is not None and results[url].error.startswith("redirect to an invalid URL")
    assert web.count("/to-mailto") == web.count("/to-ftp") == 1
    assert "ftp://example.org/pub/paper.pdf" in (results[urls[1]].error or "")


@pytest.mark.parametrize("web", [BAD_REDIRECTS], indirect=True)
def test_links_that_cannot_be_requested_say_nothing_about_the_network(
    web: PlantedWeb, tmp_path: Path
) -> None:
    """They got no answer (none was asked), so a file with a few of them was "offline"."""
    path = tmp_path / "links.md"
    ports = ("80a", "99999", "x", "-1", "1e3", "8O", "65536", "0x50", "80:80")
    bad = "".join(f"- [x](https://example.org:{port}/)\n" for port in ports)
    path.write_text(f"{bad}- [ok]({web.url('/ok')})\n", encoding="utf-8")
    out = io.StringIO()
    assert asyncio.run(_run(path, Options(as_json=True, out=out))) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["verdict"] for r in records] == ["dead"] * len(ports) + ["alive"]


SYMBOL_HOSTS = [{"/page": Route()}]


@pytest.mark.parametrize("web", [SYMBOL_HOSTS], indirect=True)
def test_a_host_name_browsers_open_but_httpx_refuses_is_unknown_not_dead(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host with a symbol or an emoji (``☃.net``, ``i❤.ws``), or in full-width letters, opens in
    every browser (the URL standard maps it as IDNA 2003 did), but httpx's IDNA 2008 refuses it: it
    was dead ("not a valid URL") and the nightly run reported it after two nights; written in its
    ASCII form (``xn--n3h.net``) httpx failed while building the request, which was retried three
    times as a network failure. The checker cannot verify such a link: unknown. (The loopback web
    is the HTTP proxy, so nothing would leave the machine if httpx sent these.)"""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    monkeypatch.setenv("NO_PROXY", "localhost")
    for name in ("http_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    urls = [
        "http://☃.net/page",
        "http://ｅｘａｍｐｌｅ.org:80a/",
        "http://xn--n3h.net/page",
        "http://i❤.ws/#top",
    ]

    results = check(urls)

    for url in (urls[0], urls[2], urls[3]):
        assert (results[url].verdict, results[url].alive) == (Verdict.UNKNOWN, None), results[url]
        assert results[url].requests <= 1 and "not checked" in (results[url].error or "")
    assert results[urls[1]].verdict is Verdict.DEAD  # a port that is no number stays a typo
    assert web.log == []


class NoPapers:
    batch_size = 100

    def lookup(self, ids: object) -> dict[str, object]:
        raise AssertionError("no arXiv paper link here")


def _catalog(web: PlantedWeb, tmp_path: Path) -> Path:
    path = tmp_path / "catalog.md"
    path.write_text(
        "# Catalog\n\n"
        f"- [Alive]({web.url('/ok')}) [![stars]({web.url('/slow')})]({web.url('/moved')})\n"
        f"- [Gone]({web.url('/404')}) - see also <{web.url('/ok')}>\n"
        f"\nBare link in prose: {web.url('/404')}.\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_json_output_is_one_object_per_unique_url(web: PlantedWeb, tmp_path: Path) -> None:
    out = io.StringIO()
    code = asyncio.run(_run(_catalog(web, tmp_path), Options(as_json=True, out=out)))
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 0  # dead links are findings, not failures
    assert [r["url"] for r in records] == [web.url(p) for p in ("/ok", "/slow", "/moved", "/404")]
    by_url = {r["url"]: r for r in records}
    assert by_url[web.url("/ok")] == {
        "url": web.url("/ok"),
        "alive": True,
        "status": 200,
        "final_url": web.url("/ok"),
        "lines": [3, 4],
        "verdict": "alive",
    }
    assert by_url[web.url("/404")] == {
        "url": web.url("/404"),
        "alive": False,
        "status": 404,
        "final_url": web.url("/404"),
        "lines": [4, 6],
        "verdict": "dead",
        "error": "HTTP 404",
    }
    moved = by_url[web.url("/moved")]
    assert moved["permanent_redirect"] == web.url("/moved-here")
    assert moved["redirects"] == [
        {"url": web.url("/moved"), "status": 301, "location": web.url("/moved-here")}
    ]


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_annotations_and_summary_without_json(
    web: PlantedWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = asyncio.run(_run(_catalog(web, tmp_path), Options(out=out, err=err, fail_on_dead=True)))
    text = out.getvalue()
    annotations = [line for line in text.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file=catalog.md,line={n},title=Dead link::{web.url('/404')} is dead: HTTP 404"
        for n in (4, 6)
    ]
    assert "| alive | 3 |" in text and "| dead | 1 |" in text and "| **total** | **4** |" in text
    assert f"| 3 | {web.url('/moved')} | {web.url('/moved-here')} |" in text
    assert code == 1  # --fail-on-dead
    assert err.getvalue() == ""  # no progress line when stderr is not a terminal


async def _run(path: Path, options: Options, settings: CheckSettings = PATIENT) -> int:
    async with make_client(settings) as client:
        return await run(path, settings, client, options=options)


SOFT_404 = [
    {
        "/": Route(),
        "/moved": Route("redirect", 301, "/moved-here"),
        "/moved-here": Route(),
        "/old-post": Route("redirect", 301, "/"),  # the page is gone: the site sends it home
        "/report": Route("redirect", 308, "/login?next=/report"),
        "/login": Route(),
    }
]


@pytest.mark.parametrize("web", [SOFT_404], indirect=True)
def test_a_redirect_to_a_home_or_login_page_is_no_fix_to_propose(web: PlantedWeb, tmp_path: Path) -> None:
    """check-links called every permanent redirect "a fix to propose", a page gone to the site's
    home page (a soft 404) or to a login page too, which the nightly PR never writes: a maintainer
    following the summary repointed entries at a home page."""
    path = tmp_path / "links.md"
    path.write_text("".join(f"- [{p}]({web.url(p)})\n" for p in ("/moved", "/old-post", "/report")), "utf-8")
    out = io.StringIO()

    assert asyncio.run(_run(path, Options(out=out))) == 0

    text = out.getvalue()
    assert "| ↳ permanently redirected (a fix to propose) | 1 |" in text
    assert "| ↳ permanently redirected elsewhere (to check by hand) | 2 |" in text
    safe = text.split("### Permanent redirects\n", 1)[1].split("###", 1)[0]
    assert web.url("/moved-here") in safe and "/old-post" not in safe and "/report" not in safe
    by_hand = text.split("### Permanent redirects to check by hand\n", 1)[1]
    assert f"| 2 | {web.url('/old-post')} | {web.url('/')} | it leads to the site's home page" in by_hand
    assert (
        f"| 3 | {web.url('/report')} | {web.url('/login?next=/report')} | it leads to a login page |"
        in by_hand
    )


# -- the samples of docs/link-checking.md: a small catalog on a planted web of two hosts (papers, code)

DOCS_WEB = [
    {
        "/abs/2302.00001": Route(),
        "/pdf/2302.00001": Route("redirect", 301, "/new/3/pdf/2302.00001"),
        "/new/3/pdf/2302.00001": Route(),
        "/abs/1801.00006": Route("head405"),
        "/pdf/1801.00006": Route("status", 404),
        "/abs/1811.00028": Route("redirect", 308, "/abs/1811.00028v2"),
        "/abs/1811.00028v2": Route(),
        "/pdf/1811.00028": Route("reset"),
        "/abs/1810.00038": Route("transient", 503, fails=1),
        "/pdf/1810.00038": Route("hang", delay=60),  # never answers within the run
        "/abs/1905.00012": Route("status", 410),
        "/pdf/1905.00012": Route("status", 410),
        "/abs/2001.00020": Route("ratelimit", retry_after="30"),  # longer than max_retry_after
        "/pdf/2001.00020": Route("redirect", 302, "/login?next=pdf"),  # temporary: no fix
        "/login": Route(),
    },
    {
        "/github/lab/fast-llm": Route(),
        "/badge/lab/fast-llm": Route("status", 500),
        "/github/group/retrieval": Route("redirect", 301, "/moved/37/gone"),
        "/moved/37/gone": Route("status", 404),
        "/github/org/old-name": Route("redirect", 301, "/github/org/new-name"),
        "/github/org/new-name": Route(),
    },
]


# The samples' timeout: the hang times out on each of its two tries (6 s), while every other answer,
# at once on an idle machine, still comes in time on a loaded one. FAST's 0.5 s did not at a load of
# 25 ("Fast LLM"'s abstract "dead: timed out 2 times"), nor 2 s in a stall of the whole machine at 28
# (the same verdicts, after 37 requests instead of 28).
DOCS_SETTINGS = replace(FAST, timeout=3.0, connect_timeout=3.0, abandon_after=6.0, deadline=20.0)


def _docs_catalog(web: PlantedWeb, tmp_path: Path) -> Path:
    papers, code = web.url("", 0), web.url("", 1)

    def entry(arxiv_id: str, title: str, extra: str = "") -> str:
        return f"- [{title}]({papers}/abs/{arxiv_id}) - A. Author · [pdf]({papers}/pdf/{arxiv_id}){extra}\n"

    path = tmp_path / "catalog.md"
    path.write_text(
        "# Efficient LLM papers\n\n## Quantization\n\n"
        + entry(
            "2302.00001",
            "Fast LLM",
            f" · [code]({code}/github/lab/fast-llm) [![stars]({code}/badge/lab/fast-llm)]({code}/github/lab/fast-llm)",
        )
        + entry("1801.00006", "Old paper")
        + entry("1811.00028", "Revised paper", f" · [code]({code}/github/org/old-name)")
        + entry("1810.00038", "Slow server")
        + "\n## Retrieval\n\n"
        + entry("1905.00012", "Gone paper", f" · [code]({code}/github/group/retrieval)")
        + entry("2001.00020", "Busy server")
        + f"\nSee also <{code}/github/lab/fast-llm>.\n",
        encoding="utf-8",
    )
    return path


def _for_docs(text: str, web: PlantedWeb) -> str:
    """The output with what changes from run to run made stable: the loopback ports (written as
    18080 for the papers' host, 18081 for the code's) and the run's duration (written as ...)."""
    for host, port in enumerate(web.ports):
        text = text.replace(f"127.0.0.1:{port}/", f"127.0.0.1:{18080 + host}/")
    return re.sub(r"(\d+ requests in )\d+\.\d( s;)", r"\1…\2", text)


def test_every_table_of_the_summary_counts_the_rows_it_does_not_show() -> None:
    """The table of links not verified showed the first 100 and dropped the rest without a word
    (the dead and redirected tables say "… and N more")."""
    from bot.linkcheck import Link

    links = [Link(f"https://a.org/{n}", (n + 1,)) for n in range(SUMMARY_ROWS + 30)]
    results = {link.url: LinkResult(link.url, Verdict.UNKNOWN, 429, error="rate limited") for link in links}
    text = summary("catalog.md", links, results, 0, 0.0, 0)
    assert f"https://a.org/{SUMMARY_ROWS - 1} " in text
    # where the rest are: the JSON lines list every link
    assert "| | … and 30 more: `python -m bot check-links catalog.md --json` lists every link | |" in text
    page = " ".join(
        (Path(__file__).parents[2] / "docs" / "link-checking.md").read_text(encoding="utf-8").split()
    )
    assert (
        "`… and N more: python -m bot check-links catalog.md --json lists every link`" in page
    )  # as it says


def test_hundreds_of_dead_links_are_at_most_ten_annotations_the_last_counting_the_rest() -> None:
    """GitHub shows 10 error annotations a step (50 a job): one per dead link's line, 300 dead
    links were 300 annotations and all but 10 were lost without a word. Nine are shown, the tenth
    says how many more and where they are."""
    from bot.jobs.check_links import ANNOTATIONS, dead_link_annotations
    from bot.linkcheck import Link

    links = [Link(f"https://a.org/{n}", (n + 1,) if n % 2 else (n + 1, n + 2)) for n in range(300)]
    results = {link.url: LinkResult(link.url, Verdict.DEAD, 404) for link in links}
    lines = dead_link_annotations("catalog.md", links, results).splitlines()

    assert ANNOTATIONS == 10 and len(lines) == 10 and all(line.startswith("::error ") for line in lines)
    assert lines[0] == "::error file=catalog.md,line=1,title=Dead link::https://a.org/0 is dead: HTTP 404"
    assert lines[8].startswith("::error file=catalog.md,line=") and "https://a.org/" in lines[8]
    assert lines[9] == (
        "::error file=catalog.md,line=7,title=Dead links not annotated::294 more dead links (on 441 "
        "lines) are not annotated: GitHub shows 10 error annotations a step. The summary's table of "
        "dead links lists the first 100; `python -m bot check-links catalog.md --json` lists every link."
    )
    # docs/link-checking.md quotes it
    page = " ".join(
        (Path(__file__).parents[2] / "docs" / "link-checking.md").read_text(encoding="utf-8").split()
    )
    assert "`294 more dead links (on 441 lines) are not annotated: …`" in page
    few = links[:5]
    assert len(dead_link_annotations("catalog.md", few, results).splitlines()) == 8  # all of them
    ten = [Link(f"https://a.org/{n}", (n + 1,)) for n in range(10)]
    assert len(dead_link_annotations("catalog.md", ten, results).splitlines()) == 10


@pytest.mark.parametrize("web", [DOCS_WEB], indirect=True)
def test_the_docs_show_annotations_and_summary_as_check_links_prints_them(
    web: PlantedWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/link-checking.md includes this output (tests/golden/link-checking-summary.txt)."""
    _wire(web)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert asyncio.run(_run(_docs_catalog(web, tmp_path), Options(out=out), DOCS_SETTINGS)) == 0
    text = _for_docs(out.getvalue(), web)
    assert "\n### Dead links\n" in text and "\n### Permanent redirects\n" in text
    assert "most requests in flight on one host: 8." in text  # FAST's per-host limit, reached at once
    assert_shown_in_docs("link-checking.md", "link-checking-summary.txt", text)


@pytest.mark.parametrize("web", [DOCS_WEB], indirect=True)
def test_the_docs_show_json_lines_as_check_links_prints_them(web: PlantedWeb, tmp_path: Path) -> None:
    """docs/link-checking.md includes this output (tests/golden/link-checking-json.jsonl): the same
    catalog with --json."""
    _wire(web)
    out = io.StringIO()
    assert asyncio.run(_run(_docs_catalog(web, tmp_path), Options(as_json=True, out=out), DOCS_SETTINGS)) == 0
    text = _for_docs(out.getvalue(), web)
    records = [json.loads(line) for line in text.splitlines()]
    assert {r["verdict"] for r in records} == {"alive", "dead", "unknown"}
    assert_shown_in_docs("link-checking.md", "link-checking-json.jsonl", text)


@pytest.mark.parametrize("web", [MODES], indirect=True)
def test_command_line_reads_config_and_prints_json(
    web: PlantedWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "links.yml").write_text(
        yaml.safe_dump(
            {
                "timeout": 30,  # no hang here: every answer comes, however loaded the machine
                "retries": {"backoff": 0.05},
                "user_agent": "cli-test",
                "exclusions": [{"pattern": "/slow$", "reason": "too slow for a unit test"}],
            }
        )
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    code = bot_main(["check-links", str(_catalog(web, tmp_path)), "--json", "--concurrency", "4"])
    records = {r["url"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert code == 0
    assert records[web.url("/slow")]["verdict"] == "excluded" and records[web.url("/slow")]["alive"] is None
    assert records[web.url("/404")]["alive"] is False and records[web.url("/ok")]["alive"] is True
    assert {r.headers["user-agent"] for r in web.log} == {"cli-test"}


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="does not exist: pass the markdown file"):
        asyncio.run(_run(tmp_path / "nope.md", Options()))


# ----------------------------------------------------------------------------- config


def test_the_shipped_config_is_valid_and_builds_settings() -> None:
    settings = settings_from_config(config.load("links"))
    assert settings.limits_for("export.arxiv.org") == settings.limits_for("arxiv.org") != settings.per_host
    assert settings.limits_for("example.org") == settings.per_host
    assert all(e.reason for e in settings.exclusions)


def test_an_exclusion_without_a_reason_is_refused() -> None:
    with pytest.raises(ConfigError, match="reason"):
        config.validate("links", {"exclusions": [{"pattern": "example"}]}, "config/links.yml")


def test_an_exclusion_with_a_broken_pattern_is_refused() -> None:
    data = config.validate("links", {"exclusions": [{"pattern": "(", "reason": "oops"}]}, "config/links.yml")
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        settings_from_config(data)


def test_command_line_overrides() -> None:
    settings = FAST.with_overrides(concurrency=3, timeout=2.5, per_host=1)
    assert (settings.concurrency, settings.timeout, settings.per_host.concurrency) == (3, 2.5, 1)
    assert settings.per_host.interval == FAST.per_host.interval


def test_the_github_resolver_needs_only_a_token_and_the_docs_say_so() -> None:
    """Repository lookups read other repositories: no GITHUB_REPOSITORY is needed, but the page
    and the module said both had to be set."""
    from bot.jobs import check_links
    from bot.jobs.check_stars import GitHubRepoResolver

    with_token = check_links.default_resolvers({"GITHUB_TOKEN": "t"})
    assert [type(r) for r in with_token][0] is GitHubRepoResolver
    assert not any(isinstance(r, GitHubRepoResolver) for r in check_links.default_resolvers({}))
    page = " ".join(
        (Path(__file__).parents[2] / "docs" / "link-checking.md").read_text(encoding="utf-8").split()
    )
    assert "`check-links` does this when `GITHUB_TOKEN` is set (no `GITHUB_REPOSITORY` needed" in page
    assert "GITHUB_REPOSITORY" not in " ".join((check_links.__doc__ or "").split()).split("--no-resolvers")[0]


def test_a_file_that_is_not_utf8_names_its_line_and_the_fix(tmp_path: Path) -> None:
    """check-links said "cannot read catalog.md as UTF-8 text ('utf-8' codec can't decode byte
    0xe9 in position 61 ...)", where lint, stats and the config readers name the line and what
    to do."""
    from bot.jobs.check_links import _read

    path = tmp_path / "catalog.md"
    path.write_bytes("# Awesome\n\n- [Caf\xe9 attention](https://example.org/a)\n".encode("latin-1"))
    with pytest.raises(CatalogError) as raised:
        _read(path)
    assert str(raised.value).startswith(f"{path}:3: not UTF-8 text (byte 0xe9")
    assert "iconv -f windows-1252 -t utf-8 catalog.md > utf8.tmp" in str(raised.value)


def test_line_numbers_are_the_ones_lint_and_git_show(tmp_path: Path) -> None:
    """check-links read the file with universal newlines, so a lone carriage return (an old Mac
    editor's) started a line there, and every link below it was reported one line further down
    than lint, the catalog model and git number it."""
    from bot.core import catalog_parse
    from bot.jobs.check_links import _read

    path = tmp_path / "catalog.md"
    path.write_bytes(b"# Awesome\r\nold\rmac\r\n- [Paper](https://example.org/a)\r\n")
    links = extract_links(_read(path))
    assert [link.lines for link in links] == [(3,)]
    assert catalog_parse.parse(_read(path)).items[0].line_number == 3


def test_without_a_links_file_arxiv_and_github_keep_their_polite_limits(tmp_path: Path) -> None:
    """docs/link-checking.md gives arxiv.org 1 request at a time every 3 s and github.com 4 every
    0.5 s as the default; the default was none, so a list adopted without config/links.yml (init
    writes none) checked arXiv's pages, when its API failed, 24 at once, 100 a second."""
    (tmp_path / "config").mkdir()
    settings = settings_from_config(config.load("links", tmp_path / "config"))
    assert settings.limits_for("arxiv.org") == settings.limits_for("export.arxiv.org") == HostLimits(1, 3)
    assert settings.limits_for("github.com") == HostLimits(4, 0.5)
    assert settings.limits_for("example.org") == settings.per_host == HostLimits(24, 0.01)
