"""Checking links over HTTP: carries out the steps of ``policy.decide`` politely, all at once.

Every link is one coroutine. A request needs a slot of its host's gate (per-host limit and
pacing) and of the global gate; waits between tries (back-off, Retry-After) hold no slot, so
a slow or rate-limited host never stalls the others. Redirects are followed by hand.

A request that outlives its timeout is given up on (the link moves on: retry or verdict) but
it is *not* abandoned: it keeps its host slot until the server answers or ``abandon_after``
passes, because the server is still busy with it. So a host never has more than its limit of
our requests open, hung ones included. It gives its place in the global gate back at once
(up to ``lingering_limit`` such requests, for the sockets they hold; past them it is closed at
once, its host slot kept for ``abandon_after``): when it kept that too, six hosts that never
answer held all 128 places for ``abandon_after``, wave after wave, and every other host's links
waited (183 s for 1,000 of them in bench/hung_hosts.py; 15 s now).

A host that answers none of ``silent_host_limit`` requests in a row (every one timed out, and no
request given up on got a late answer meanwhile) is not asked any more this run: its remaining
links are dead at once ("not asked: ... answered none of ..."), as each would have been after its
timeouts. Without that, a host that accepts connections and never answers kept its slots 60 s a
request, and its links alone made the run last an hour or more. The same count per site (a host
and its sibling subdomains: ``bot.linkcheck.silence``) stops asking every host of a silent site.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bot.linkcheck.failures import certificate_refused, name_not_resolved
from bot.linkcheck.gate import CONTINUE, FRESH, Gate, GateClosed
from bot.linkcheck.model import LinkResult, Verdict
from bot.linkcheck.offline import NetworkWatch
from bot.linkcheck.policy import (
    CERTIFICATE_REFUSED,
    INVALID_REDIRECT,
    UNCHECKABLE,
    Again,
    Answer,
    CheckState,
    Settle,
    decide,
    give_up,
    permanent_redirect,
)
from bot.linkcheck.settings import CheckSettings
from bot.linkcheck.silence import Silence, silent_host_limit, site_of


def make_client(settings: CheckSettings) -> httpx.AsyncClient:
    """The HTTP client the checker needs (built at the edge, by the job's ``main``).

    One connection per request, closed after the headers: with ~100 requests in flight,
    httpcore's pool either closes idle connections anyway or spends more CPU scanning them
    than the reuse saves (measured on the benchmark: 3x the CPU, 1.6x the wall time).
    """
    return httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
        timeout=httpx.Timeout(
            connect=settings.connect_timeout, read=settings.abandon_after, write=settings.timeout, pool=None
        ),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
        follow_redirects=False,
    )


def host_key(url: str) -> str:
    """The server a URL is on: its host, with the port only when it is not the scheme's default
    (``http://`` and ``https://`` links to one host are one server to be polite to)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def browsers_open(url: str) -> bool:
    """True when ``url``'s host is one that httpx (IDNA 2008) refuses but browsers open: with a
    symbol or an emoji (``☃.net``, ``i❤.ws``) or in full-width letters, which the URL standard
    maps as IDNA 2003 does; the rest of the URL must be valid."""
    try:
        parts = urlsplit(url)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        _ = parts.port
        ascii_host = host.encode("idna").decode("ascii")
        httpx.URL(parts._replace(netloc=f"{userinfo}{at}{ascii_host}{colon}{port}").geturl())
    except (ValueError, httpx.InvalidURL):  # UnicodeError (IDNA 2003 refuses it too) is a ValueError
        return False
    return bool(ascii_host) and ascii_host != host


def invalid_url(url: str) -> str:
    """Why no request can be sent to ``url`` (a port that is no number or out of range, a host
    that is no hostname), or "" when it can be."""
    try:
        _ = urlsplit(url).port  # a port that is no number, or out of range, raises
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return str(exc)
    return ""


def lingering_limit(concurrency: int) -> int:
    """Requests given up on that may wait for their late answer outside the global gate (each
    holds a socket until answered or abandoned): four times the requests in flight."""
    return 4 * concurrency


@dataclass(frozen=True)
class _Sent:
    outcome: Answer
    started: float


class HttpChecker:
    """Checks URLs over HTTP with ``client``; one instance per run (it holds the gates)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: CheckSettings,
        rng: random.Random | None = None,
        watch: NetworkWatch | None = None,
    ) -> None:
        self._client = client
        self._watch = watch  # hears every request's outcome: is the machine offline?
        self._settings = settings
        self._rng = rng or random.Random()
        self._global = Gate(settings.concurrency)
        self._hosts: dict[str, Gate] = {}
        self._silence = Silence()  # requests hosts (and their sites) left unanswered in a row
        self._lingering: set[asyncio.Task[Answer]] = set()
        self._off_global: set[asyncio.Task[Answer]] = set()  # lingering, its global place given back
        self._closed_early: set[asyncio.Task[Answer]] = set()  # given up on past the lingering limit
        self.requests = 0

    @property
    def peak_in_flight(self) -> dict[str, int]:
        """The most requests open at once on each host during this run."""
        return {host: gate.peak for host, gate in self._hosts.items()}

    async def check(self, url: str) -> LinkResult:
        """The verdict on ``url`` (its fragment is not sent)."""
        state = CheckState(url=url.split("#", 1)[0])
        problem = invalid_url(state.url)
        if problem and browsers_open(state.url):  # a host name only httpx refuses: cannot tell
            return LinkResult(url, Verdict.UNKNOWN, final_url=state.url, error=f"{UNCHECKABLE}: {problem}")
        if problem:  # a typo such as ":8080a": dead, no request sent
            return LinkResult(url, Verdict.DEAD, final_url=state.url, error=f"not a valid URL: {problem}")
        deadline, priority, requests = math.inf, FRESH, 0
        while True:
            sent = await self._send(state.method, state.url, priority)
            if sent is None:  # the host, or its site, stopped answering: not asked
                return self._not_asked(url, state, requests)
            deadline = min(deadline, sent.started + self._settings.deadline)  # from the first request
            priority, requests = CONTINUE, requests + 1
            step = decide(sent.outcome, state, self._settings.policy)
            if isinstance(step, Again) and step.state.hops == state.hops:  # a retry, not the next hop
                step = await self._wait_before_retry(step, sent.outcome, deadline, requests)
            if isinstance(step, Settle):
                return self._result(url, state, step, requests)
            state = step.state

    async def _wait_before_retry(
        self, step: Again, outcome: Answer, deadline: float, requests: int
    ) -> Again | Settle:
        """Sleep out the retry's delay (holding no slot), or give up if it would pass the deadline."""
        delay = self._jitter(step.delay)
        if asyncio.get_running_loop().time() + delay + 0.05 >= deadline:
            return give_up(outcome, f"after {requests} requests")
        if delay:
            await asyncio.sleep(delay)
        return step

    async def aclose(self) -> None:
        """Stop waiting for requests given up on (call once every check is done)."""
        for task in list(self._lingering):
            task.cancel()
        await asyncio.gather(*self._lingering, return_exceptions=True)

    def _result(self, url: str, state: CheckState, step: Settle, requests: int) -> LinkResult:
        fix = None
        if state.hops and step.verdict is Verdict.ALIVE:
            fix = permanent_redirect(state.hops[0].url, state.hops)
            fragment = url.partition("#")[2]
            if fix and fragment and "#" not in fix:
                fix = f"{fix}#{fragment}"
        return LinkResult(
            url=url,
            verdict=step.verdict,
            status=step.status,
            final_url=state.url,
            redirects=state.hops,
            error=step.error,
            permanent_redirect=fix,
            requests=requests,
            unresolved=step.unresolved,
        )

    def _jitter(self, delay: float) -> float:
        """Up to 20 % more, never less: a Retry-After is a minimum."""
        return delay * (1.0 + 0.2 * self._rng.random()) if delay > 0 else 0.0

    def _host(self, url: str) -> str:
        """The key of ``url``'s server; a host of ``hosts`` (config) has one gate for all of its
        ports, schemes and subdomains, so its limit is what that site sees from us."""
        return self._settings.host_entry((urlsplit(url).hostname or "").lower()) or host_key(url)

    def _gate(self, url: str) -> Gate:
        key = self._host(url)
        if key not in self._hosts:
            limits = self._settings.limits_for((urlsplit(url).hostname or "").lower())
            self._hosts[key] = Gate(limits.concurrency, limits.interval)
            if self._silence.silent_group(key):  # a new host of a site (or platform) that stopped answering
                self._hosts[key].close()
        return self._hosts[key]

    def _not_asked(self, url: str, state: CheckState, requests: int) -> LinkResult:
        """A link whose host stopped answering: dead, as its timeouts would have made it. Or whose
        site's hosts did: dead too if its own host was asked and left it all unanswered, else
        unknown (nothing was asked of that host)."""
        key = self._host(url)
        limit = silent_host_limit(self._hosts[key].limit)
        unanswered = self._silence.unanswered(key)
        if unanswered >= limit:
            return self._silent(
                url, state, requests, f"{key} answered none of the last {limit} requests sent to it"
            )
        group = self._silence.silent_group(key) or site_of(key)
        who = f"the hosts of {group}{', this one included,' if unanswered else ''}"
        note = f"{who} answered none of the last {limit} requests sent to them"
        return self._silent(url, state, requests, note, Verdict.DEAD if unanswered else Verdict.UNKNOWN)

    @staticmethod
    def _silent(
        url: str, state: CheckState, requests: int, why: str, verdict: Verdict = Verdict.DEAD
    ) -> LinkResult:
        return LinkResult(
            url,
            verdict,
            final_url=state.url,
            redirects=state.hops,
            error=f"not asked: {why} (all timed out)",
            requests=requests,
        )

    def _heard(self, key: str, outcome: Answer, request: int) -> None:
        """Count the requests a host (and its site) leaves unanswered in a row; close its gate (its
        site's gates) past the limit."""
        if self._watch is not None:
            self._watch.heard(request, key, outcome)
        if outcome.error != "timeout":
            self._silence.answered(key)
            return
        host_silent, site_silent = self._silence.timed_out(key, silent_host_limit(self._hosts[key].limit))
        if host_silent:
            self._hosts[key].close()
        if site_silent:  # every host of the site (or platform), asked yet or not
            for other, gate in self._hosts.items():
                if self._silence.silent_group(other):
                    gate.close()

    def _late_answer(self, key: str, task: asyncio.Task[Answer]) -> None:
        """A request given up on was answered after all: the host is slow, not silent."""
        if not task.cancelled() and task.result().error != "timeout":
            self._silence.answered(key)

    async def _send(self, method: str, url: str, priority: int) -> _Sent | None:
        """One request (None, sending nothing, when its host has stopped answering)."""
        host, key = self._gate(url), self._host(url)
        try:
            await host.acquire(priority)
        except GateClosed:
            return None
        try:
            await self._global.acquire(priority)
        except BaseException:
            host.release()
            raise
        if host.closed:  # it stopped answering while this request waited for its place
            self._global.release()
            host.release()
            return None
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.requests += 1
        request = self._watch.sent() if self._watch is not None else self.requests
        task = loop.create_task(self._request(method, url))

        def release(_: asyncio.Task[Answer]) -> None:
            if task in self._closed_early:  # its places were given back when it was closed
                self._closed_early.discard(task)
                return
            if task in self._off_global:
                self._off_global.discard(task)
            else:
                self._global.release()
            host.release()

        task.add_done_callback(release)
        done, _ = await asyncio.wait({task}, timeout=self._settings.timeout)
        if task in done:
            self._heard(key, task.result(), request)
            return _Sent(task.result(), started)
        # still running after connect_timeout (shorter than timeout): it was connected, a server reached
        reached = self._settings.connect_timeout < self._settings.timeout
        self._heard(key, Answer(error="timeout", reached=reached), request)
        if len(self._off_global) >= lingering_limit(self._settings.concurrency):
            self._close_early(task, host, started)
            return _Sent(Answer(error="timeout"), started)
        self._off_global.add(task)  # the run moves on: only the host keeps waiting for it
        self._global.release()
        self._lingering.add(task)
        task.add_done_callback(self._lingering.discard)
        task.add_done_callback(lambda late: self._late_answer(key, late))
        return _Sent(Answer(error="timeout"), started)

    def _close_early(self, task: asyncio.Task[Answer], host: Gate, started: float) -> None:
        """A request given up on past ``lingering_limit``: closed now (its socket with it), its
        global place given back; its host keeps the slot until ``abandon_after`` as if it still
        waited (the server may still be busy with it). Keeping the global place instead, hundreds
        of hosts that never answer (one per subdomain) held all of them, wave after wave, for
        ``abandon_after``: 1,000 other links took 346 s in bench/hung_hosts.py."""
        self._closed_early.add(task)
        task.cancel()
        self._global.release()
        loop = asyncio.get_running_loop()
        loop.call_later(max(0.0, started + self._settings.abandon_after - loop.time()), host.release)

    async def _request(self, method: str, url: str) -> Answer:
        """One request, reduced to an Answer (it never raises)."""
        headers = {"Range": "bytes=0-0"} if method == "GET" else {}
        try:
            return await asyncio.wait_for(self._fetch(method, url, headers), self._settings.abandon_after)
        except httpx.ConnectTimeout:  # no connection within connect_timeout: the network may drop packets
            return Answer(error="timeout", connect_timeout=True)
        except (TimeoutError, httpx.TimeoutException):
            return Answer(error="timeout")
        except httpx.ConnectError as exc:
            refused = certificate_refused(exc)
            if refused is not None:  # a server answered, with a certificate not accepted here
                why = refused.verify_message or str(refused)
                return Answer(error=f"{CERTIFICATE_REFUSED} ({why})", certificate=refused.verify_code or -1)
            unresolved = name_not_resolved(exc)
            return Answer(error=f"cannot connect ({exc or type(exc).__name__})", unresolved=unresolved)
        except httpx.RemoteProtocolError as exc:
            if str(exc).startswith("Invalid URL in location header"):  # httpx could not read it
                return Answer(error=f"{INVALID_REDIRECT} ({str(exc).split(': ', 1)[-1]})")
            return Answer(error="connection reset")
        except (httpx.ReadError, httpx.WriteError):
            return Answer(error="connection reset")
        except httpx.InvalidURL as exc:  # the URL asked was checked: httpx could not read a Location
            return Answer(error=f"{INVALID_REDIRECT} ({exc})")
        except UnicodeError as exc:  # an ASCII host (xn--...) httpx cannot decode (IDNA 2008)
            return Answer(error=f"{UNCHECKABLE}: httpx cannot request this host name ({exc})")
        except (httpx.HTTPError, ValueError) as exc:
            return Answer(error=f"{type(exc).__name__}: {exc}")

    async def _fetch(self, method: str, url: str, headers: dict[str, str]) -> Answer:
        async with self._client.stream(method, url, headers=headers) as response:
            return Answer(
                status=response.status_code,
                location=response.headers.get("location"),
                retry_after=response.headers.get("retry-after"),
                challenge=bot_check(response.headers),
            )


# The headers that say an answer is a bot check (a browser passes it), not the page: "challenge" is
# the one value of Cloudflare's (https://developers.cloudflare.com/cloudflare-challenges/
# challenge-types/challenge-pages/detect-response/) and of Vercel's; AWS WAF says "challenge" (with
# a 202) or "captcha" (with a 405) (https://docs.aws.amazon.com/waf/latest/developerguide/
# waf-captcha-and-challenge-actions.html).
BOT_CHECKS = (
    ("cf-mitigated", "Cloudflare", ("challenge",)),
    ("x-vercel-mitigated", "Vercel", ("challenge",)),
    ("x-amzn-waf-action", "AWS WAF", ("challenge", "captcha")),
)


def bot_check(headers: httpx.Headers) -> str:
    """Who answered with a bot check instead of the page ("" when the answer is the page's)."""
    return next((who for name, who, says in BOT_CHECKS if headers.get(name, "").lower() in says), "")
