"""Subdomains of one server that never answers (GitHub Pages-like sites: h0.x.test, h1.x.test...).

The planted web of tests/jobs/test_check_links.py plays every host at once as an HTTP proxy
(``HTTP_PROXY``, which httpx reads): a request names its host in its request line, and the web
answers by that URL (no DNS, all on loopback).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.linkcheck import HostLimits, Verdict
from bot.linkcheck.silence import Silence, site_of
from tests.jobs.test_check_links import FAST, PlantedWeb, Route, check, web  # noqa: F401  (web: the fixture)

SUBDOMAINS = 12
SILENT_SITE = [
    {
        **{f"http://h{n}.x.test/{page}": Route("hang", delay=60) for n in range(SUBDOMAINS) for page in "ab"},
        **{f"http://ok.test/{n}": Route() for n in range(4)},
    }
]


@pytest.mark.parametrize("web", [SILENT_SITE], indirect=True)
def test_the_subdomains_of_a_silent_server_are_not_waited_for_one_by_one(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each subdomain counted its own timeouts: 12 of them, 2 links each, took 48 requests (each
    link's try and retry), every one a timeout: 600 such hosts kept a run 213 s. Once the site's
    hosts leave 4 requests in a row unanswered (2 rounds of the 2 slots a host has here), none of
    them is asked again: the links of a host asked (all timed out) are dead, those of a host not
    asked yet unknown (nothing was asked of it). Another site is asked as before."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    settings = replace(FAST, concurrency=8, per_host=HostLimits(2, 0.0), timeout=1.0, abandon_after=3.0)
    hosts = {f"h{n}.x.test": [f"http://h{n}.x.test/{page}" for page in "ab"] for n in range(SUBDOMAINS)}
    fine = [f"http://ok.test/{n}" for n in range(4)]

    results = check([*(url for urls in hosts.values() for url in urls), *fine], settings)

    assert [results[url].verdict for url in fine] == [Verdict.ALIVE] * 4
    assert sum(results[url].requests for urls in hosts.values() for url in urls) < 2 * SUBDOMAINS  # 48 before
    asked = {host for host, urls in hosts.items() if any(results[url].requests for url in urls)}
    assert (
        len(asked) <= SUBDOMAINS // 2
    )  # the first rounds: 8 places, and the requests before the 4th timeout
    for host, urls in hosts.items():
        verdicts = {results[url].verdict for url in urls}
        assert verdicts == ({Verdict.DEAD} if host in asked else {Verdict.UNKNOWN}), host
    unknown = {results[url].error for host in hosts.keys() - asked for url in hosts[host]}
    assert unknown == {
        "not asked: the hosts of x.test answered none of the last 4 requests sent to them (all timed out)"
    }
    dead_not_asked = {
        results[url].error for host in asked for url in hosts[host] if results[url].requests == 0
    }
    assert dead_not_asked <= {
        "not asked: the hosts of x.test, this one included, answered none of the last 4 requests sent to them "
        "(all timed out)"
    }


def test_a_site_is_silent_only_when_several_of_its_hosts_are_and_none_answered() -> None:
    silence = Silence()
    assert [silence.timed_out("one.y.test", 4) for _ in range(4)][-1] == (True, False)  # its own rule
    assert silence.timed_out("two.y.test", 4) == (False, True)  # a second host, still no answer
    assert (
        silence.unanswered("one.y.test"),
        silence.unanswered("two.y.test"),
        silence.unanswered("new.y.test"),
    ) == (
        4,
        1,
        0,
    )
    silence.answered("three.z.test")
    for _ in range(3):
        silence.timed_out("a.z.test", 4)
        silence.timed_out("b.z.test", 4)
        silence.answered("c.z.test")  # an answer between the timeouts: never 4 in a row
    assert "z.test" not in silence.silent_sites
    assert (site_of("a.b.x.test:8080"), site_of("x.test"), site_of("127.0.0.1:80"), site_of("localhost")) == (
        "x.test:8080",
        "x.test",
        "",
        "",
    )
