"""The inconclusive-night guard (``bot.jobs.nightly.dead_links.is_inconclusive``), night by night:
most links failing as an outage would is the runner's network only while the hosts do not show
that the network works. The same guard through the whole job: tests/jobs/test_nightly.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.jobs.nightly.dead_links import is_inconclusive
from bot.jobs.nightly.model import NightlySettings
from bot.linkcheck import Hop, LinkResult, Verdict

SETTINGS = NightlySettings()  # dead_share 0.5, min_links 20, min_hosts 5

Night = list[LinkResult]


def alive(url: str) -> LinkResult:
    return LinkResult(url, Verdict.ALIVE, 200, final_url=url, requests=1)


def no_answer(url: str, error: str = "cannot connect ([Errno -2] Name or service not known)") -> LinkResult:
    return LinkResult(url, Verdict.DEAD, None, final_url=url, error=f"{error} after 3 attempts", requests=3)


def status(url: str, code: int, verdict: Verdict = Verdict.DEAD) -> LinkResult:
    return LinkResult(url, verdict, code, final_url=url, error=f"HTTP {code}", requests=3)


def host(name: str, count: int, fails: int = 0, failure=no_answer) -> Night:  # type: ignore[no-untyped-def]
    """``count`` links on ``name``, the first ``fails`` of them failing with ``failure``."""
    urls = [f"https://{name}/p{i}" for i in range(count)]
    return [failure(url) if i < fails else alive(url) for i, url in enumerate(urls)]


def hosts(count: int, links: int = 1, fails: int = 0, failure=no_answer, prefix: str = "site") -> Night:  # type: ignore[no-untyped-def]
    return [r for i in range(count) for r in host(f"{prefix}{i}.example", links, fails, failure)]


def through(redirector: str, target: str, count: int) -> Night:
    """Links on ``redirector`` (a DOI-style resolver) that redirect to ``target``, which is silent."""
    return [
        LinkResult(
            f"https://{redirector}/10.1/{i}",
            Verdict.DEAD,
            None,
            final_url=f"https://{target}/article/{i}",
            redirects=(Hop(f"https://{redirector}/10.1/{i}", 302, f"https://{target}/article/{i}"),),
            error="timed out 2 times",
            requests=3,
        )
        for i in range(count)
    ]


def timed_out(url: str) -> LinkResult:
    return no_answer(url, "timeout")


CASES = [
    # the runner's network
    pytest.param(hosts(30, 3, fails=3), True, id="no network at all: every host fails"),
    pytest.param(
        hosts(30, 5, fails=3, failure=timed_out), True, id="flaky network: 60% of every host's links time out"
    ),
    pytest.param(
        hosts(12, fails=1, failure=timed_out) + hosts(8, prefix="ok"),
        True,
        id="flaky network, one link per host: 60% of the hosts silent",
    ),
    pytest.param(
        hosts(20, 2, fails=2) + hosts(10, 2, prefix="cached"),
        True,
        id="names no longer resolve but for a few cached hosts",
    ),
    pytest.param(
        hosts(30, 2, fails=2, failure=lambda u: status(u, 502)), True, id="a proxy answers 502 for every host"
    ),
    # a dead site among hosts that answer
    pytest.param(
        host("gone.example", 70, fails=70) + hosts(30),
        False,
        id="one host gone from DNS with 70% of the links, 30 hosts fine",
    ),
    pytest.param(
        host(
            "gone.example",
            70,
            fails=70,
            failure=lambda u: no_answer(u, "cannot connect (Connection refused)"),
        )
        + hosts(30),
        False,
        id="one server gone (connection refused) with 70% of the links",
    ),
    pytest.param(
        host("gone.example", 70, fails=70, failure=timed_out) + hosts(30),
        False,
        id="one server that hangs, 70% of the links",
    ),
    pytest.param(
        host("a.example", 40, fails=40)
        + host("b.example", 30, fails=30)
        + hosts(8, 3, fails=1, failure=timed_out),
        False,
        id="two hosts gone, 8 hosts answering with a failure each",
    ),
    pytest.param(
        host("gone.example", 70, fails=70)
        + hosts(3, fails=1, failure=lambda u: status(u, 403), prefix="bot-shy")
        + hosts(27),
        False,
        id="one host gone and three refusing bots (4 silent of 31)",
    ),
    pytest.param(
        through("doi.example", "publisher.example", 40) + hosts(4),
        False,
        id="a redirect is an answer: 5 hosts answered, the silent one is where it led",
    ),
    # rate limiting: 5xx is outage-like, but one host; 429 is unknown and not counted
    pytest.param(
        host("arxiv.org", 70, fails=70, failure=lambda u: status(u, 503)) + hosts(30),
        False,
        id="arxiv.org answers 503 to every link, 30 hosts fine",
    ),
    pytest.param(
        host("arxiv.org", 70, fails=70, failure=lambda u: status(u, 429, Verdict.UNKNOWN)) + hosts(30),
        False,
        id="arxiv.org rate limits (429, unknown) every link",
    ),
    pytest.param(
        host("arxiv.org", 70, fails=70, failure=lambda u: status(u, 503, Verdict.UNKNOWN)),
        False,
        id="arxiv.org answers 503 with a Retry-After (unknown) to every link, alone",
    ),
    # too few hosts to tell: the links alone decide, as before
    pytest.param(host("gone.example", 25, fails=25), True, id="one host only, every link failing"),
    pytest.param(
        host("gone.example", 70, fails=70) + hosts(4), True, id="one host gone, only 4 hosts answering"
    ),
    pytest.param(
        host("big.example", 25, fails=25, failure=lambda u: status(u, 503)),
        True,
        id="one host only, 503 everywhere",
    ),
    # what never made a night inconclusive
    pytest.param(
        host("gone.example", 70, fails=70, failure=lambda u: status(u, 404)) + hosts(3),
        False,
        id="404 is an answer",
    ),
    pytest.param(host("gone.example", 19, fails=19), False, id="fewer than min_links links checked"),
    pytest.param(
        host("gone.example", 10, fails=10) + hosts(11), False, id="half of the links failing or fewer"
    ),
]


@pytest.mark.parametrize(("night", "inconclusive"), CASES)
def test_is_inconclusive(night: Night, inconclusive: bool) -> None:
    assert is_inconclusive({r.url: r for r in night}, SETTINGS) is inconclusive


def test_min_hosts_sets_how_many_answering_hosts_prove_the_network() -> None:
    night = {r.url: r for r in host("gone.example", 70, fails=70) + hosts(30)}
    assert not is_inconclusive(night, SETTINGS)
    assert is_inconclusive(night, replace(SETTINGS, inconclusive_min_hosts=31))
    assert not is_inconclusive(night, replace(SETTINGS, inconclusive_min_hosts=30))


def test_links_a_resolver_answered_or_no_request_was_sent_for_say_nothing_about_hosts() -> None:
    failing = host("gone.example", 70, fails=70)
    resolved = [replace(r, source="arxiv") for r in hosts(30)]  # the arXiv API, not the web
    invalid = [replace(r, requests=0) for r in hosts(30, prefix="typo")]  # "not a valid URL"
    assert is_inconclusive({r.url: r for r in failing + resolved + invalid}, SETTINGS)
