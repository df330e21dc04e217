"""Paper links on other readers of arXiv (alphaXiv, Hugging Face Papers, Semantic Scholar) and on
paperswithcode.com, which closed: a reader's bot wall is no dead link, its paper's arXiv id decides.

The planted web of tests/jobs/test_check_links.py plays every host as an HTTP proxy
(``HTTP_PROXY``): a request names its host in its request line, the web answers by that URL.
"""

from __future__ import annotations

import pytest

from bot.linkcheck import LinkResult, Verdict
from bot.linkcheck.readers import arxiv_url, reader_link
from tests.jobs.test_check_links import FakeResolver, PlantedWeb, Route, check, web  # noqa: F401  (web: the fixture)

WALLED = "http://www.alphaxiv.org/abs/2401.00001"  # 403 to robots; the paper exists
CHALLENGED = "http://huggingface.co/papers/2401.00002"  # Cloudflare's bot check; arXiv has no such paper
WAF = "http://www.semanticscholar.org/arxiv/2401.00004"  # AWS WAF's challenge, a 202; the paper exists
NOT_ON_HF = "http://huggingface.co/papers/2401.00003"  # Hugging Face's own 404: dead, arXiv not asked
UNANSWERED = "http://alphaxiv.org/overview/2401.00005v2"  # 403; the arXiv API gave no answer on it
SHOWN = "http://huggingface.co/papers/2401.00006"  # the page: alive, arXiv not asked
PWC_TRENDING = "http://paperswithcode.com/paper/a-closed-page"  # sent to the trending page
PWC_PAPER = "http://paperswithcode.com/paper/cogagent"  # sent to its paper on Hugging Face
OPENREVIEW = "http://openreview.net/pdf?id=abc"  # a plain 403, no arXiv id: dead as before

READERS_WEB = [
    {
        WALLED: Route("status", 403),
        CHALLENGED: Route("challenge", 403),
        WAF: Route("challenge", 202, "x-amzn-waf-action"),
        UNANSWERED: Route("status", 403),
        SHOWN: Route(),
        PWC_TRENDING: Route("redirect", 302, "http://huggingface.co/papers/trending"),
        "http://huggingface.co/papers/trending": Route(),
        PWC_PAPER: Route("redirect", 301, "http://huggingface.co/papers/2312.08914"),
        "http://huggingface.co/papers/2312.08914": Route(),
        "http://openreview.net/pdf": Route("status", 403),
    }
]


def paper(arxiv_id: str, verdict: Verdict, error: str | None = None) -> LinkResult:
    return LinkResult(
        arxiv_url(arxiv_id), verdict, status=200 if verdict is Verdict.ALIVE else 404, error=error
    )


@pytest.mark.parametrize("web", [READERS_WEB], indirect=True)
def test_a_readers_bot_wall_defers_to_the_arxiv_paper(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alphaXiv's 403 to robots was a dead link, and Semantic Scholar's AWS WAF challenge (a 202)
    an alive one, neither of them about the paper: now a refusal of the reader asks the arXiv API
    about the paper it shows (one batch, only the refused papers), and its answer is the verdict.
    A reader's own 404, a page that answers, and other hosts' plain 403s are judged as before."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    arxiv = FakeResolver(
        "https://arxiv.org/",
        {
            arxiv_url("2401.00001"): paper("2401.00001", Verdict.ALIVE),
            arxiv_url("2401.00002"): paper("2401.00002", Verdict.DEAD, "arXiv has no paper 2401.00002"),
            arxiv_url("2401.00004"): paper("2401.00004", Verdict.ALIVE),
        },
        name="arxiv",
    )
    urls = [WALLED, CHALLENGED, WAF, NOT_ON_HF, UNANSWERED, SHOWN, OPENREVIEW]

    results = check(urls, resolvers=[arxiv])

    [batch] = arxiv.batches  # one batch, of the refused links' papers only (not 2401.00003, 2401.00006)
    assert sorted(batch) == [arxiv_url(i) for i in ("2401.00001", "2401.00002", "2401.00004", "2401.00005")]
    summary = {url: (results[url].verdict, results[url].source, results[url].error) for url in urls}
    assert summary == {
        WALLED: (
            Verdict.ALIVE,
            "arxiv",
            "www.alphaxiv.org refused the checker (HTTP 403); the arXiv paper 2401.00001 it shows exists",
        ),
        CHALLENGED: (
            Verdict.DEAD,
            "arxiv",
            "huggingface.co refused the checker (a bot check answered (Cloudflare)); arXiv has no paper 2401.00002",
        ),
        WAF: (
            Verdict.ALIVE,
            "arxiv",
            "www.semanticscholar.org refused the checker (a bot check answered (AWS WAF)); "
            "the arXiv paper 2401.00004 it shows exists",
        ),
        NOT_ON_HF: (Verdict.DEAD, "http", "HTTP 404"),
        UNANSWERED: (
            Verdict.UNKNOWN,
            "http",
            "alphaxiv.org refused the checker (HTTP 403), and the arXiv paper 2401.00005 it shows was not checked",
        ),
        SHOWN: (Verdict.ALIVE, "http", None),
        OPENREVIEW: (Verdict.DEAD, "http", "HTTP 403"),
    }
    assert results[WALLED].status == 403 and results[WALLED].requests == 2  # HEAD, then GET to confirm


@pytest.mark.parametrize("web", [READERS_WEB], indirect=True)
def test_without_an_arxiv_resolver_a_readers_wall_is_unknown(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--no-resolvers`` (or no resolver claiming arxiv.org): the paper cannot be asked, the link
    is unknown, not dead; arxiv.org gets no HTTP request for it."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    results = check([WALLED])
    assert (results[WALLED].verdict, results[WALLED].error) == (
        Verdict.UNKNOWN,
        "www.alphaxiv.org refused the checker (HTTP 403), and the arXiv paper 2401.00001 it shows was not checked",
    )
    assert not [r for r in web.log if "arxiv.org/abs" in r.path]


@pytest.mark.parametrize("web", [READERS_WEB], indirect=True)
def test_a_paperswithcode_link_sent_to_no_paper_is_dead(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """paperswithcode.com closed: its pages were sent to Hugging Face's trending page (a 302 to a
    page that answers: alive). A paper link that ends on a page that is no paper is dead now; one
    sent to its paper on Hugging Face is alive, with the permanent redirect as the fix."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    results = check([PWC_TRENDING, PWC_PAPER])
    assert (results[PWC_TRENDING].verdict, results[PWC_TRENDING].error) == (
        Verdict.DEAD,
        "paperswithcode.com closed (2025): it sends this paper link to http://huggingface.co/papers/trending, "
        "not to the paper",
    )
    assert (results[PWC_PAPER].verdict, results[PWC_PAPER].permanent_redirect) == (
        Verdict.ALIVE,
        "http://huggingface.co/papers/2312.08914",
    )


def test_reader_links_name_their_arxiv_paper() -> None:
    found = {
        url: (link.reader, link.arxiv_id) if (link := reader_link(url)) else None
        for url in (
            "https://www.alphaxiv.org/abs/2401.12345v3",
            "https://alphaxiv.org/overview/2401.12345",
            "https://www.alphaxiv.org/pdf/2401.12345.pdf",
            "https://huggingface.co/papers/2401.12345",
            "https://hf.co/papers/2401.12345/",
            "https://www.semanticscholar.org/arxiv/2401.12345",
            "https://ar5iv.labs.arxiv.org/html/2401.12345",
            "https://ar5iv.org/abs/hep-th/9901001",
            "https://huggingface.co/papers/trending",
            "https://huggingface.co/datasets/x/y",
            "https://www.semanticscholar.org/paper/Some-Title/0123abcd",
            "https://evil-alphaxiv.org/abs/2401.12345",
            "ftp://alphaxiv.org/abs/2401.12345",
        )
    }
    assert list(found.values()) == [
        ("alphaXiv", "2401.12345"),
        ("alphaXiv", "2401.12345"),
        ("alphaXiv", "2401.12345"),
        ("Hugging Face Papers", "2401.12345"),
        ("Hugging Face Papers", "2401.12345"),
        ("Semantic Scholar", "2401.12345"),
        ("ar5iv", "2401.12345"),
        ("ar5iv", "hep-th/9901001"),
        None,
        None,
        None,
        None,
        None,
    ]


LAPSED = "http://old-project.example/paper.html"  # 302 to its listing on a domain marketplace
LAPSED_GODADDY = "http://lapsed.example/"  # 301 to GoDaddy's for-sale page
MOVED = "http://moved.example/page"  # 302 to another host that is no marketplace: alive
GODADDY_HOME = "http://godaddy.example/x"  # 302 to GoDaddy but not a for-sale page: alive
MARKETPLACE_WEB = [
    {
        LAPSED: Route("redirect", 302, "http://www.hugedomains.com/domain_profile.cfm"),
        "http://www.hugedomains.com/domain_profile.cfm": Route(),
        LAPSED_GODADDY: Route("redirect", 301, "http://www.godaddy.com/forsale/lapsed.example"),
        "http://www.godaddy.com/forsale/lapsed.example": Route(),
        MOVED: Route("redirect", 302, "http://new-home.example/page"),
        "http://new-home.example/page": Route(),
        GODADDY_HOME: Route("redirect", 302, "http://www.godaddy.com/hosting"),
        "http://www.godaddy.com/hosting": Route(),
        "http://sedo.com/search": Route("redirect", 301, "http://sedo.com/search/"),
        "http://sedo.com/search/": Route(),
    }
]


@pytest.mark.parametrize("web", [MARKETPLACE_WEB], indirect=True)
def test_a_link_whose_redirects_end_on_a_domain_marketplace_is_dead(
    web: PlantedWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lapsed domain bought and sent to its listing was alive (a 302 to a page that answers),
    with the listing proposed as a fix when the redirect was permanent. A redirect to any other
    host, or within a marketplace, is followed as before."""
    monkeypatch.setenv("HTTP_PROXY", web.url(""))
    urls = [LAPSED, LAPSED_GODADDY, MOVED, GODADDY_HOME, "http://sedo.com/search"]
    results = check(urls)
    summary = {
        url: (results[url].verdict, results[url].error, results[url].permanent_redirect) for url in urls
    }
    assert summary == {
        LAPSED: (
            Verdict.DEAD,
            "the domain old-project.example is for sale: its redirects end on hugedomains.com, a domain "
            "marketplace, not the page",
            None,
        ),
        LAPSED_GODADDY: (
            Verdict.DEAD,
            "the domain lapsed.example is for sale: its redirects end on godaddy.com, a domain marketplace, "
            "not the page",
            None,
        ),
        MOVED: (Verdict.ALIVE, None, None),
        GODADDY_HOME: (Verdict.ALIVE, None, None),
        "http://sedo.com/search": (Verdict.ALIVE, None, "http://sedo.com/search/"),
    }
