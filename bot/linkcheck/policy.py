"""The checking policy as pure functions: what to do after each HTTP answer.

``decide(outcome, state, policy)`` looks at one answer (or network failure) and says: the link
is settled (alive / dead / unknown), follow a redirect, or try again (which method, after how
long). The HTTP engine only carries out these steps; every rule lives here, testable alone.

Rules, in short: HEAD first. 2xx alive. 3xx followed by hand (hops recorded). 404/410 dead.
Other 4xx/5xx on HEAD are confirmed with GET (servers that mishandle HEAD are common). 429
waits for its Retry-After (never inside it) a bounded number of times; past the per-link
deadline the link is *unknown*, not dead. 5xx, resets and timeouts are retried with
exponential back-off a bounded number of times, then the link is dead; but a 503 that names
its Retry-After every time is *unknown* (rate limited, or down for a while), like a 429. A bot
check instead of the page (Cloudflare's challenge, whatever its status) is *unknown* at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from bot.http_retry import parse_retry_after
from bot.linkcheck.failures import CHAIN_INCOMPLETE
from bot.linkcheck.model import Hop, Verdict

DEAD_STATUSES = frozenset({404, 410})
HEAD_UNRELIABLE = frozenset({403, 405, 501})  # refused HEAD: ask again with GET, at once
ALIVE_EXTRA = frozenset({206, 416})  # ranged GET answers: the resource exists
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
INVALID_REDIRECT = "redirect to an invalid URL"  # an Answer.error that is the server's answer
UNCHECKABLE = "not checked"  # an Answer.error: the HTTP client cannot ask for this URL at all
# an Answer.error: the TLS handshake's certificate was refused ("cannot connect": the offline watch
# counts it, so a machine that trusts no certificate at all, every host failing alike, is told)
CERTIFICATE_REFUSED = "cannot connect: TLS certificate not accepted"


@dataclass(frozen=True)
class Policy:
    """The retry and redirect limits (from config/links.yml)."""

    error_retries: int = 2  # 5xx and network errors
    timeout_retries: int = 1
    rate_limit_retries: int = 3
    backoff: float = 0.5  # seconds, doubled after each retry
    max_retry_after: float = 60.0  # a longer Retry-After makes the link unknown
    max_redirects: int = 10
    trust_head_not_found: bool = True  # False: confirm a HEAD 404/410 with GET too


@dataclass(frozen=True)
class Answer:
    """One answer: an HTTP status with its headers, or a failure (``error`` set)."""

    status: int | None = None
    location: str | None = None
    retry_after: str | None = None
    error: str | None = None  # "timeout", "reset", "connect", ... (network failures)
    challenge: str = ""  # who answered with a bot check instead of the page ("Cloudflare"...)
    # a "timeout" that came before any connection was made (httpx.ConnectTimeout: dropped packets)
    connect_timeout: bool = False
    reached: bool = False  # a "timeout" after a connection was made (the request outlived connecting)
    unresolved: bool = False  # a connect error because this machine's DNS lookup failed (socket.gaierror)
    certificate: int | None = None  # the TLS certificate was not accepted: OpenSSL's verify code


@dataclass(frozen=True)
class CheckState:
    """Where one link's check stands: current URL and method, hops, and retries used."""

    url: str
    method: str = "HEAD"
    hops: tuple[Hop, ...] = ()
    errors: int = 0
    timeouts: int = 0
    rate_limits: int = 0


@dataclass(frozen=True)
class Settle:
    verdict: Verdict
    status: int | None
    error: str | None = None
    unresolved: bool = False  # dead because the host's name did not resolve here (Answer.unresolved)


@dataclass(frozen=True)
class Again:
    """Send the next request (state.url, state.method) after ``delay`` seconds."""

    state: CheckState
    delay: float = 0.0


def decide(outcome: Answer, state: CheckState, policy: Policy) -> Settle | Again:
    """The next step after ``outcome`` answered ``state.method state.url``."""
    if outcome.error is not None:
        return _after_failure(outcome, state, policy)
    status = outcome.status or 0
    if outcome.challenge:  # a browser passes it and gets the page; a robot never does (AWS WAF: a 202)
        return Settle(Verdict.UNKNOWN, status, f"a bot check answered ({outcome.challenge}), not the page")
    if 200 <= status < 300 or status in ALIVE_EXTRA:
        return Settle(Verdict.ALIVE, status)
    if status in REDIRECTS and outcome.location:
        return _follow(outcome.location, status, state, policy)
    if 300 <= status < 400:
        return Settle(Verdict.ALIVE, status)  # 300/304 and Location-less 3xx: the URL answers
    if status == 429:
        return _after_rate_limit(outcome, state, policy)
    if state.method == "HEAD" and _confirm_with_get(status, policy):
        return Again(replace(state, method="GET"))
    if status >= 500:
        return _after_server_error(outcome, state, policy)
    return Settle(Verdict.DEAD, status, f"HTTP {status}")


def _confirm_with_get(head_status: int, policy: Policy) -> bool:
    """A HEAD 4xx is not trusted (except 404/410, unless configured): GET gets the last word."""
    if head_status in HEAD_UNRELIABLE:
        return True
    trusted = head_status in DEAD_STATUSES and policy.trust_head_not_found
    return 400 <= head_status < 500 and not trusted


def give_up(outcome: Answer, waited_for: str) -> Settle:
    """The verdict when the per-link deadline runs out before the next try.

    A 429, or a 503 that named its Retry-After, said "come back later": unknown, not dead.
    """
    if come_back_later(outcome):
        return Settle(
            Verdict.UNKNOWN, outcome.status, f"HTTP {outcome.status}: deadline reached {waited_for}"
        )
    what = outcome.error or f"HTTP {outcome.status}"
    return Settle(Verdict.DEAD, outcome.status, f"{what}: deadline reached {waited_for}", outcome.unresolved)


def come_back_later(outcome: Answer) -> bool:
    """A 429, or a 503 that names its Retry-After: the server is there and rate limits us (or is
    down for a while and says until when), which proves nothing about the link."""
    return outcome.status == 429 or (outcome.status == 503 and bool(outcome.retry_after))


def _follow(location: str, status: int, state: CheckState, policy: Policy) -> Settle | Again:
    try:
        target = urljoin(state.url, location.strip())
        parts = urlsplit(target)
        _ = parts.port  # a port that is no number, or out of range, raises
    except ValueError as exc:
        return Settle(Verdict.DEAD, status, f"{INVALID_REDIRECT} ({exc}): {location.strip()}")
    if parts.scheme.lower() not in ("http", "https"):  # mailto:, ftp://...: no web page to check
        return Settle(Verdict.DEAD, status, f"{INVALID_REDIRECT} (not http or https): {target}")
    hops = (*state.hops, Hop(state.url, status, target))
    if len(hops) > policy.max_redirects:
        return Settle(Verdict.DEAD, status, f"more than {policy.max_redirects} redirects")
    if any(hop.url == target for hop in hops):
        return Settle(Verdict.DEAD, status, "redirect loop")
    return Again(
        CheckState(
            url=target,
            method="HEAD",
            hops=hops,
            errors=state.errors,
            timeouts=state.timeouts,
            rate_limits=state.rate_limits,
        )
    )


def _after_rate_limit(outcome: Answer, state: CheckState, policy: Policy) -> Settle | Again:
    wait = parse_retry_after(outcome.retry_after)
    wait = policy.backoff * 2**state.rate_limits if wait is None else wait
    if state.rate_limits >= policy.rate_limit_retries or wait > policy.max_retry_after:
        return Settle(Verdict.UNKNOWN, 429, f"rate limited (Retry-After {outcome.retry_after or 'absent'})")
    return Again(replace(state, rate_limits=state.rate_limits + 1), delay=wait)


def _after_server_error(outcome: Answer, state: CheckState, policy: Policy) -> Settle | Again:
    status = outcome.status or 0
    if state.errors >= policy.error_retries:
        verdict = Verdict.UNKNOWN if come_back_later(outcome) else Verdict.DEAD
        return Settle(verdict, status, f"HTTP {status} after {state.errors + 1} attempts")
    asked = parse_retry_after(outcome.retry_after)
    if asked is not None and asked > policy.max_retry_after:
        return Settle(Verdict.UNKNOWN, status, f"HTTP {status}, Retry-After {outcome.retry_after}")
    delay = policy.backoff * 2**state.errors if asked is None else asked
    return Again(replace(state, method="GET", errors=state.errors + 1), delay=delay)


def _after_failure(outcome: Answer, state: CheckState, policy: Policy) -> Settle | Again:
    error = outcome.error or ""
    if outcome.certificate is not None:  # the server's answer to the handshake: no retry
        return _after_certificate(error, outcome.certificate)
    if error.startswith(INVALID_REDIRECT):
        return Settle(Verdict.DEAD, None, error)  # the server's answer, not a failure: no retry
    if error.startswith(UNCHECKABLE):
        return Settle(Verdict.UNKNOWN, None, error)  # nothing was asked: no evidence either way
    if error == "timeout":
        if state.timeouts >= policy.timeout_retries:
            return Settle(Verdict.DEAD, None, f"timed out {state.timeouts + 1} times")
        return Again(
            replace(state, method="GET", timeouts=state.timeouts + 1),
            delay=policy.backoff * 2**state.timeouts,
        )
    if state.errors >= policy.error_retries:
        return Settle(Verdict.DEAD, None, f"{error} after {state.errors + 1} attempts", outcome.unresolved)
    return Again(
        replace(state, method="GET", errors=state.errors + 1), delay=policy.backoff * 2**state.errors
    )


def _after_certificate(error: str, code: int) -> Settle:
    """A certificate refused: dead when browsers refuse it too (expired, self-signed, for another
    name: a warning page instead of the page); unknown when its chain could not be completed here
    (a server that leaves out its intermediate certificate opens in browsers)."""
    if code in CHAIN_INCOMPLETE:
        why = "its chain could not be completed here: browsers fetch a missing intermediate certificate"
        return Settle(Verdict.UNKNOWN, None, f"{error}: {why}")
    return Settle(Verdict.DEAD, None, f"{error}: browsers show a warning, not the page")


def permanent_redirect(url: str, hops: tuple[Hop, ...]) -> str | None:
    """The URL to write instead of ``url``: where its leading permanent (301/308) redirects lead."""
    target = None
    for hop in hops:
        if hop.status not in PERMANENT:
            break
        target = hop.location
    return target if target != url else None
