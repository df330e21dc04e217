"""The link checker's pure parts: the checking policy (``policy.decide``: what to do after each
HTTP answer), Retry-After, the permanent redirect a fix may write, and the order the gate serves
its waiters in. No network."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.linkcheck import Verdict
from bot.linkcheck.gate import CONTINUE, FRESH, Gate
from bot.linkcheck.model import Hop
from bot.linkcheck.policy import (
    Again,
    Answer,
    CheckState,
    Policy,
    Settle,
    decide,
    parse_retry_after,
    permanent_redirect,
)

POLICY = Policy(backoff=0.5)


@pytest.mark.parametrize(
    ("method", "outcome", "expected"),
    [
        ("HEAD", Answer(200), Settle(Verdict.ALIVE, 200)),
        ("GET", Answer(206), Settle(Verdict.ALIVE, 206)),
        ("HEAD", Answer(404), Settle(Verdict.DEAD, 404, "HTTP 404")),
        ("HEAD", Answer(410), Settle(Verdict.DEAD, 410, "HTTP 410")),
        ("HEAD", Answer(405), Again(CheckState("u", "GET"))),
        ("HEAD", Answer(403), Again(CheckState("u", "GET"))),
        ("HEAD", Answer(501), Again(CheckState("u", "GET"))),
        ("HEAD", Answer(400), Again(CheckState("u", "GET"))),
        ("GET", Answer(403), Settle(Verdict.DEAD, 403, "HTTP 403")),
        ("HEAD", Answer(500), Again(CheckState("u", "GET", errors=1), 0.5)),
        ("HEAD", Answer(503, retry_after="3"), Again(CheckState("u", "GET", errors=1), 3.0)),
        ("HEAD", Answer(429, retry_after="2"), Again(CheckState("u", "HEAD", rate_limits=1), 2.0)),
        ("HEAD", Answer(error="timeout"), Again(CheckState("u", "GET", timeouts=1), 0.5)),
        ("HEAD", Answer(error="connection reset"), Again(CheckState("u", "GET", errors=1), 0.5)),
        ("HEAD", Answer(304), Settle(Verdict.ALIVE, 304)),
    ],
)
def test_decide_first_answer(method: str, outcome: Answer, expected: object) -> None:
    assert decide(outcome, CheckState("u", method), POLICY) == expected


def test_decide_bounds_every_kind_of_retry() -> None:
    assert decide(Answer(500), CheckState("u", "GET", errors=2), POLICY) == Settle(
        Verdict.DEAD, 500, "HTTP 500 after 3 attempts"
    )
    assert decide(Answer(error="timeout"), CheckState("u", "GET", timeouts=1), POLICY) == Settle(
        Verdict.DEAD, None, "timed out 2 times"
    )
    assert (
        decide(Answer(429, retry_after="1"), CheckState("u", rate_limits=3), POLICY).verdict
        is Verdict.UNKNOWN
    )  # type: ignore[union-attr]
    assert decide(Answer(429, retry_after="999"), CheckState("u"), POLICY).verdict is Verdict.UNKNOWN  # type: ignore[union-attr]
    assert decide(Answer(503, retry_after="999"), CheckState("u"), POLICY).verdict is Verdict.UNKNOWN  # type: ignore[union-attr]
    # a 503 that names its Retry-After on every try: rate limited (or down for a while), not proven dead
    assert decide(Answer(503, retry_after="1"), CheckState("u", "GET", errors=2), POLICY) == Settle(
        Verdict.UNKNOWN, 503, "HTTP 503 after 3 attempts"
    )
    assert decide(Answer(503), CheckState("u", "GET", errors=2), POLICY).verdict is Verdict.DEAD  # type: ignore[union-attr]
    assert (
        decide(Answer(500, retry_after="1"), CheckState("u", "GET", errors=2), POLICY).verdict is Verdict.DEAD
    )  # type: ignore[union-attr]


def test_decide_head_404_can_be_confirmed_with_get() -> None:
    careful = replace(POLICY, trust_head_not_found=False)
    assert decide(Answer(404), CheckState("u"), careful) == Again(CheckState("u", "GET"))
    assert decide(Answer(404), CheckState("u", "GET"), careful) == Settle(Verdict.DEAD, 404, "HTTP 404")


def test_decide_follows_relative_redirects_and_stops_loops() -> None:
    step = decide(Answer(301, location="../b?x=1"), CheckState("https://h.org/a/c"), POLICY)
    assert step == Again(
        CheckState("https://h.org/b?x=1", hops=(Hop("https://h.org/a/c", 301, "https://h.org/b?x=1"),))
    )
    looping = CheckState("https://h.org/b", hops=(Hop("https://h.org/a", 302, "https://h.org/b"),))
    assert decide(Answer(302, location="/a"), looping, POLICY) == Settle(Verdict.DEAD, 302, "redirect loop")
    many = CheckState("https://h.org/10", hops=tuple(Hop(f"https://h.org/{i}", 302, "") for i in range(10)))
    assert decide(Answer(302, location="/11"), many, POLICY).verdict is Verdict.DEAD  # type: ignore[union-attr]


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_permanent_redirect_is_the_end_of_the_leading_permanent_hops() -> None:
    hops = (
        Hop("http://a/1", 301, "https://a/1"),
        Hop("https://a/1", 308, "https://a/2"),
        Hop("https://a/2", 302, "https://a/login"),
    )
    assert permanent_redirect("http://a/1", hops) == "https://a/2"
    assert permanent_redirect("http://a/1", hops[2:]) is None


def test_gate_serves_retries_before_fresh_links() -> None:
    async def go() -> list[str]:
        gate, served = Gate(1), []
        await gate.acquire()

        async def waiter(name: str, priority: int) -> None:
            await gate.acquire(priority)
            served.append(name)
            gate.release()

        tasks = [asyncio.create_task(waiter("fresh-1", FRESH)), asyncio.create_task(waiter("fresh-2", FRESH))]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(waiter("retry", CONTINUE)))
        await asyncio.sleep(0)
        gate.release()
        await asyncio.gather(*tasks)
        assert (gate.in_use, gate.peak) == (0, 1)
        return served

    assert asyncio.run(go()) == ["retry", "fresh-1", "fresh-2"]
