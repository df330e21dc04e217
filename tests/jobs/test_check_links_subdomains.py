"""Subdomains of one server that never answers (GitHub Pages-like sites: h0.x.test, h1.x.test...).

The planted web of tests/jobs/test_check_links.py plays every host at once as an HTTP proxy
(``HTTP_PROXY``, which httpx reads): a request names its host in its request line, and the web
answers by that URL (no DNS, all on loopback).
"""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from bot.linkcheck import HostLimits, Verdict
from bot.linkcheck import silence as silence_module
from bot.linkcheck.silence import Silence, platform_of, site_of
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


def test_a_site_is_the_name_registered_under_a_public_suffix() -> None:
    """Counted by their last two labels, every GitHub Pages user was one site (``github.io``), and
    so were all of ``co.uk``: two hung users made the others' links unknown. The Public Suffix List
    tells the owner's name; an unknown top-level name (``.test``) is a suffix, as its default rule says."""
    assert [
        site_of(key)
        for key in (
            "foo.github.io",
            "www.foo.github.io",
            "bar.github.io:8080",
            "a.x.co.uk",
            "b.x.co.uk",
            "y.co.uk",
            "app.pages.dev",
            "docs.readthedocs.io",
            "user-demo.hf.space",
            "github.io",
            "co.uk",
            "a.b.x.test",
        )
    ] == [
        "foo.github.io",
        "foo.github.io",
        "bar.github.io:8080",
        "x.co.uk",
        "x.co.uk",
        "y.co.uk",
        "app.pages.dev",
        "docs.readthedocs.io",
        "user-demo.hf.space",
        "",
        "",
        "x.test",
    ]


def test_the_public_suffix_list_is_read_from_disk_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The list the package bundles: a run offline, or in CI without a network, groups hosts the same."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the public suffix list touched the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    silence_module._public_suffixes.cache_clear()
    try:
        assert (site_of("a.foo.github.io"), site_of("b.x.co.uk")) == ("foo.github.io", "x.co.uk")
    finally:
        silence_module._public_suffixes.cache_clear()


HUNG_USERS = 6  # fewer than PLATFORM_SITES
PAGES_USERS = [
    {
        **{
            f"http://h{n}.github.io/{page}": Route("hang", delay=60)
            for n in range(SUBDOMAINS)
            for page in "abcd"
        },
        **{f"http://ok{n}.github.io/": Route() for n in range(4)},
    }
]


@pytest.mark.parametrize("web", [PAGES_USERS], indirect=True)
def test_a_few_hung_github_pages_users_do_not_silence_the_other_users(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6 GitHub Pages users that never answer (4 links each), then 4 that do: each user is a site
    of its own, so the 4 are asked and alive (counted as one site, ``github.io``, they were unknown:
    "not asked: the hosts of github.io answered none of ..."). A hung user costs its own 4 requests."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    settings = replace(FAST, concurrency=8, per_host=HostLimits(2, 0.0), timeout=1.0, abandon_after=3.0)
    hung = [f"http://h{n}.github.io/{page}" for n in range(HUNG_USERS) for page in "abcd"]
    fine = [f"http://ok{n}.github.io/" for n in range(4)]

    results = check([*hung, *fine], settings)

    assert [results[url].verdict for url in fine] == [Verdict.ALIVE] * 4
    assert {results[url].verdict for url in hung} == {Verdict.DEAD}
    assert (
        sum(results[url].requests for url in hung) <= 4 * HUNG_USERS + 8
    )  # its own rule (+ the ones in flight)


@pytest.mark.parametrize("web", [PAGES_USERS], indirect=True)
def test_a_hosting_platform_whose_sites_all_went_silent_is_not_asked_again(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 users of GitHub Pages, none answering, one after the other: past 8 of them (and the
    requests of two rounds) with no answer from any user between, the platform is down; its users
    not asked yet are unknown, not waited for one by one (the platform of the Public Suffix List's
    private section, which ``co.uk`` is not)."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    settings = replace(FAST, concurrency=8, per_host=HostLimits(2, 0.0), timeout=1.0, abandon_after=3.0)
    hung = [f"http://h{n}.github.io/{page}" for n in range(SUBDOMAINS) for page in "ab"]
    fine = [f"http://ok{n}.github.io/" for n in range(4)]

    results = check([*hung, *fine], settings)

    assert {results[url].verdict for url in fine} == {Verdict.UNKNOWN}
    assert {results[url].error for url in fine} == {
        "not asked: the hosts of github.io answered none of the last 4 requests sent to them (all timed out)"
    }
    assert sum(results[url].requests for url in hung) < 2 * 2 * SUBDOMAINS  # 48: each user waited for alone
    assert (platform_of("a.github.io:8080"), platform_of("x.co.uk"), platform_of("a.hung.test")) == (
        "github.io:8080",
        "",
        "",
    )
