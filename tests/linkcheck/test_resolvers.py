"""The arXiv resolver and the resolvers' wiring into check-links and the nightly job.

arXiv is a local server answering ``id_list`` queries from the real recorded API response: each id
it knows gets the recorded entry under its own id, a withdrawn id gets it with arXiv's withdrawal
comment, an unknown id is left out (as the API does). GitHub is the fake GitHub of
``tests/fake_github.py``; web pages are a loopback site.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.__main__ import main as bot_main
from bot.core.catalog_document import render_document
from bot.core.entry import Entry
from bot.forge.github import RetryPolicy
from bot.jobs.check_links import NETWORK_DOWN
from bot.linkcheck import LinkResult, Verdict
from bot.linkcheck.arxiv import API_UNAVAILABLE, ArxivResolver, is_withdrawn, paper_link
from bot.linkcheck.checker import check_all
from bot.linkcheck.github import GITHUB_UNAVAILABLE, GitHubRepoResolver, RememberedRepositories
from bot.linkcheck.http import HttpChecker
from bot.linkcheck.policy import Policy
from bot.linkcheck.settings import CheckSettings
from bot.linkcheck.state import update_state
from bot.sources.arxiv_api import ApiSettings, ArxivLookup
from tests.conftest import PROJECT
from tests.fake_github import (
    BOT_TOKEN,
    FakeGitHub,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
)
from tests.golden_files import assert_shown_in_docs

RECORDED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "arxiv"
    / "arxiv_api_atom_response_id_list-1605.08386_2026-04-12.xml"
).read_text(encoding="utf-8")
ENTRY = re.search(r"\n  <entry>.*</entry>", RECORDED, re.DOTALL).group(0)  # type: ignore[union-attr]
RECORDED_ID = "1605.08386"
WITHDRAWN_ID = "2301.00002"
UNKNOWN_ID = "2401.99999"
KNOWN = {RECORDED_ID, "2301.00001", "2405.00732", WITHDRAWN_ID, "cs/0112017"}
DOCS = Path(__file__).resolve().parents[2] / "docs"


def atom_answer(id_list: str) -> str:
    """The recorded answer, with one entry per known id asked for."""
    entries = []
    for arxiv_id in (i for i in id_list.split(",") if i in KNOWN):
        entry = ENTRY.replace(RECORDED_ID, arxiv_id)
        if arxiv_id == WITHDRAWN_ID:
            entry = entry.replace("20 pages, 3 figures", "This paper has been withdrawn by the authors")
        entries.append(entry)
    answer = RECORDED.replace(ENTRY, "".join(entries)).replace(f"id_list={RECORDED_ID}", f"id_list={id_list}")
    return answer.replace("<opensearch:totalResults>1<", f"<opensearch:totalResults>{len(entries)}<")


class ArxivApi:
    """The local arXiv API: answers like the real one, or with ``status`` when it is set."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.status = 200
        server.expect_request("/api/query").respond_with_handler(self._answer)

    def _answer(self, request: Request) -> Response:
        if self.status != 200:
            return Response("busy", status=self.status)
        return Response(atom_answer(request.args["id_list"]), content_type="application/atom+xml")

    @property
    def url(self) -> str:
        return self.server.url_for("/api/query")

    @property
    def id_lists(self) -> list[str]:
        return [request.args["id_list"] for request, _ in self.server.log]

    def lookup(self, **settings: object) -> ArxivLookup:
        options: dict[str, object] = {"query_url": self.url, "delay_seconds": 0.0, "retries": 0}
        options.update(settings)
        return ArxivLookup.from_settings(ApiSettings(**options))  # type: ignore[arg-type]


@pytest.fixture
def api(httpserver: HTTPServer) -> ArxivApi:
    return ArxivApi(httpserver)


# -- which links it claims --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "arxiv_id", "version"),
    [
        ("https://arxiv.org/abs/2405.00732", "abs", "2405.00732", None),
        ("https://arxiv.org/abs/2405.00732v2", "abs", "2405.00732", 2),
        ("http://arxiv.org/pdf/2405.00732v1.pdf", "pdf", "2405.00732", 1),
        ("https://export.arxiv.org/abs/1605.08386/", "abs", "1605.08386", None),
        ("https://www.arxiv.org/pdf/1605.08386", "pdf", "1605.08386", None),
        ("https://arxiv.org/html/2405.00732v3", "html", "2405.00732", 3),
        ("https://arxiv.org/abs/cs/0112017", "abs", "cs/0112017", None),
        ("https://arxiv.org/abs/math.GT/0309136v1", "abs", "math.GT/0309136", 1),
    ],
)
def test_paper_links_are_claimed(url: str, kind: str, arxiv_id: str, version: int | None) -> None:
    link = paper_link(url)
    assert link is not None and (link.kind, link.arxiv_id, link.version) == (kind, arxiv_id, version)
    assert ArxivResolver(ArxivLookup.from_settings(ApiSettings())).claims(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/list/cs.CL/recent",  # not a paper
        "https://arxiv.org/abs/2413.00001",  # no 13th month
        "https://arxiv.org/abs/2405.0073",  # too short for 2024
        "https://arxiv.org/abs/2405.00732?context=cs",  # a query: left to HTTP
        "https://arxiv.org/abs/2405.00732.pdf",  # .pdf only after /pdf/
        "https://arxiv.org/abs/2405.00732/extra",
        "https://arxiv.org:8443/abs/2405.00732",
        "https://arxiv.org:abc/abs/2405.00732",  # a port that is no number: not a paper link, no crash
        "https://ar5iv.org/abs/2405.00732",  # another site
        "https://notarxiv.org/abs/2405.00732",
        "https://huggingface.co/papers/2405.00732",
        "ftp://arxiv.org/abs/2405.00732",
    ],
)
def test_other_links_are_not_claimed(url: str) -> None:
    assert paper_link(url) is None


# -- what it answers ---------------------------------------------------------------------------------------


def test_many_links_cost_one_api_request(api: ArxivApi) -> None:
    urls = [
        f"https://arxiv.org/{kind}/{arxiv_id}{version}"
        for arxiv_id in (RECORDED_ID, "2301.00001")
        for kind in ("abs", "pdf")
        for version in ("", "v1")
    ]
    urls += [
        "https://export.arxiv.org/abs/2405.00732",
        "https://arxiv.org/abs/cs/0112017v1",
        f"https://arxiv.org/abs/{WITHDRAWN_ID}",
        f"https://arxiv.org/pdf/{UNKNOWN_ID}v2",
    ]

    answers = ArxivResolver(api.lookup()).resolve(urls)

    assert len(api.id_lists) == 1  # 12 links, 6 papers, one call
    assert sorted(api.id_lists[0].split(",")) == sorted(
        [RECORDED_ID, "2301.00001", "2405.00732", "cs/0112017", WITHDRAWN_ID, UNKNOWN_ID]
    )
    alive = [url for url in urls if WITHDRAWN_ID not in url and UNKNOWN_ID not in url]
    for url in alive:
        assert answers[url] == LinkResult(url, Verdict.ALIVE, status=200, final_url=url, source="arxiv")
    withdrawn = answers[f"https://arxiv.org/abs/{WITHDRAWN_ID}"]
    assert withdrawn.verdict is Verdict.ALIVE and is_withdrawn(withdrawn)
    assert withdrawn.error == f"arXiv {WITHDRAWN_ID} was withdrawn by its authors"
    assert not any(is_withdrawn(answers[url]) for url in alive)
    dead = answers[f"https://arxiv.org/pdf/{UNKNOWN_ID}v2"]
    assert (dead.verdict, dead.status, dead.error) == (Verdict.DEAD, 404, f"arXiv has no paper {UNKNOWN_ID}")


def test_ids_go_out_a_batch_at_a_time(api: ArxivApi) -> None:
    ids = [RECORDED_ID, "2301.00001", "2405.00732", "cs/0112017", UNKNOWN_ID]
    answers = ArxivResolver(api.lookup(batch_size=2)).resolve([f"https://arxiv.org/abs/{i}" for i in ids])
    # the last call found none of its ids (an empty answer may be the API's hiccup): asked again
    # beside a paper found, whose presence makes the answer trusted
    assert api.id_lists == [
        f"{RECORDED_ID},2301.00001",
        "2405.00732,cs/0112017",
        UNKNOWN_ID,
        f"{UNKNOWN_ID},{RECORDED_ID}",
    ]
    assert [answers[f"https://arxiv.org/abs/{i}"].verdict for i in ids[:4]] == [Verdict.ALIVE] * 4
    assert answers[f"https://arxiv.org/abs/{UNKNOWN_ID}"].verdict is Verdict.DEAD


def test_a_batch_of_unknown_papers_first_is_answered_beside_a_known_one(api: ArxivApi) -> None:
    """The nightly job checks its failing links first: 100 papers arXiv does not have made a
    batch of their own, whose empty answer was not trusted, and their links went to HTTP on
    arxiv.org, one request every 3 s (about 10 minutes a night on a 10,000-entry list)."""
    unknown = [f"2401.{n:05d}" for n in range(90001, 90005)]
    ids = [*unknown, RECORDED_ID, "2405.00732"]
    answers = ArxivResolver(api.lookup(batch_size=4)).resolve([f"https://arxiv.org/abs/{i}" for i in ids])
    assert api.id_lists == [
        ",".join(unknown),
        f"{RECORDED_ID},2405.00732",
        *(f"{','.join(unknown[s : s + 3])},{RECORDED_ID}" for s in (0, 3)),
    ]
    for arxiv_id in unknown:
        dead = answers[f"https://arxiv.org/abs/{arxiv_id}"]
        assert (dead.verdict, dead.error) == (Verdict.DEAD, f"arXiv has no paper {arxiv_id}")


def test_an_empty_answer_is_not_trusted_without_a_paper_found_beside_it(api: ArxivApi) -> None:
    """No paper found at all (a list of unknown ids, or the API answering nothing): HTTP decides,
    and an empty answer to the second asking (its anchor missing) is not trusted either."""
    unknown = [UNKNOWN_ID, "2401.99998"]
    assert ArxivResolver(api.lookup()).resolve([f"https://arxiv.org/abs/{i}" for i in unknown]) == {}
    assert api.id_lists == [",".join(unknown)]  # nothing found to ask beside: no second call

    flaky: list[list[str]] = []

    class EmptyOnTheSecondAsking:
        batch_size = 2

        def lookup(self, ids: list[str]) -> dict:
            flaky.append(list(ids))
            return api.lookup().lookup([] if len(flaky) == 3 else ids)

    answers = ArxivResolver(EmptyOnTheSecondAsking()).resolve(
        [f"https://arxiv.org/abs/{i}" for i in (UNKNOWN_ID, "2401.99998", RECORDED_ID)]
    )
    assert flaky == [
        [UNKNOWN_ID, "2401.99998"],
        [RECORDED_ID],
        [UNKNOWN_ID, RECORDED_ID],
        ["2401.99998", RECORDED_ID],
    ]
    assert f"https://arxiv.org/abs/{UNKNOWN_ID}" not in answers  # its asking found not even the anchor
    assert answers["https://arxiv.org/abs/2401.99998"].verdict is Verdict.DEAD


def test_pages_a_paper_may_not_have_are_left_to_http(api: ArxivApi) -> None:
    newer = f"https://arxiv.org/abs/{RECORDED_ID}v2"  # the API knows v1 only
    html = f"https://arxiv.org/html/{RECORDED_ID}"  # not every paper has an HTML page
    html_of_nothing = f"https://arxiv.org/html/{UNKNOWN_ID}"
    answers = ArxivResolver(api.lookup()).resolve([newer, html, html_of_nothing])
    assert newer not in answers and html not in answers
    assert answers[html_of_nothing].verdict is Verdict.DEAD
    assert len(api.id_lists) == 1


def test_a_failing_api_leaves_its_links_unknown_not_to_http(
    api: ArxivApi, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed call's links went to HTTP, where arXiv's pace (3 s a request) made the thousands of a
    night take hours: they are unknown this run, which the two-night rule keeps as they were."""
    api.status = 503
    urls = [f"https://arxiv.org/abs/{RECORDED_ID}", f"https://arxiv.org/pdf/{UNKNOWN_ID}"]
    answers = ArxivResolver(api.lookup(retries=1)).resolve(urls)
    assert re.search(
        r"the arXiv lookup failed, so the links of 2 papers are not checked this run \(unknown, not dead; "
        r"`check-links --no-resolvers` checks them over HTTP\): the arXiv API .* HTTP 503",
        caplog.text,
    )
    # one warning for the whole lookup (the retry's wait is logged at INFO when that level is on)
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]
    assert list(answers) == urls
    for url in urls:
        assert (answers[url].verdict, answers[url].status, answers[url].source) == (
            Verdict.UNKNOWN,
            None,
            "arxiv",
        )
        assert answers[url].error == f"{API_UNAVAILABLE} (HTTP 503)"
    assert len(api.id_lists) == 2  # the call and its one retry


def test_a_call_failing_midway_keeps_the_batches_already_answered(
    api: ArxivApi, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[list[str]] = []

    class FailingSecondCall:
        batch_size = 1

        def lookup(self, ids: list[str]) -> dict:
            calls.append(list(ids))
            if len(calls) == 2:
                api.status = 503
            return api.lookup(retries=0).lookup(ids)

    urls = [f"https://arxiv.org/abs/{i}" for i in (RECORDED_ID, "2301.00001", "2405.00732")]
    answers = ArxivResolver(FailingSecondCall()).resolve(urls)
    assert "links of 2 papers" in caplog.text
    assert answers[urls[0]].verdict is Verdict.ALIVE
    assert [answers[url].verdict for url in urls[1:]] == [Verdict.UNKNOWN] * 2
    assert len(calls) == 2  # no call after the failing one


def test_an_empty_answer_then_a_failure_leaves_the_papers_unknown(api: ArxivApi) -> None:
    """The papers of an empty answer are asked again beside one found; when the API fails then,
    they are unknown too (not dead, not left to HTTP)."""
    calls: list[list[str]] = []

    class EmptyThenDown:
        batch_size = 2

        def lookup(self, ids: list[str]) -> dict:
            calls.append(list(ids))
            api.status = 503 if len(calls) == 3 else 200
            return api.lookup(retries=0).lookup(ids)

    urls = [f"https://arxiv.org/abs/{i}" for i in (UNKNOWN_ID, "2401.99998", RECORDED_ID)]
    answers = ArxivResolver(EmptyThenDown()).resolve(urls)
    assert len(calls) == 3
    assert [answers[url].verdict for url in urls] == [Verdict.UNKNOWN, Verdict.UNKNOWN, Verdict.ALIVE]


# -- check-links ----------------------------------------------------------------------------------------------


def paper(index: int, url: str, code_url: str = "") -> Entry:
    return Entry(
        title=f"Paper {index}: quantization at scale",
        url=url,
        authors=("Ada Lovelace",),
        year=2024,
        month=5,
        code_url=code_url,
    )


@pytest.fixture
def config_dir(tmp_path: Path, api: ArxivApi, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's config whose arXiv API is the local one, without pauses. Anything
    meant for the real arXiv or GitHub would go to a closed local port (the proxy), never out."""
    directory = tmp_path / "config"
    shutil.copytree(PROJECT / "config", directory)
    edit_yaml(directory / "sources.yml", api={"query_url": api.url, "delay_seconds": 0, "retries": 0})
    edit_yaml(directory / "links.yml", timeout=2, deadline=5)
    edit_yaml(directory / "github.yml", seconds_between_requests=0, seconds_between_writes=0)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(directory))
    for name in (
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return directory


def edit_yaml(path: Path, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


@pytest.fixture
def site() -> Iterator[HTTPServer]:
    """A web page on 127.0.0.1 (the bench's kind of link)."""
    with HTTPServer(host="127.0.0.1") as server:
        server.expect_request("/page").respond_with_data("ok")
        yield server


def check_links_json(path: Path, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, dict]:
    assert bot_main(["check-links", str(path), "--json", *options]) == 0
    return {r["url"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


def test_check_links_answers_arxiv_links_through_the_api(config_dir, api, site, taxonomy, tmp_path, capsys):
    abs_urls = [f"https://arxiv.org/abs/{i}" for i in (RECORDED_ID, "2301.00001", WITHDRAWN_ID, UNKNOWN_ID)]
    entries = [paper(n, url) for n, url in enumerate(abs_urls)] + [paper(9, site.url_for("/page"))]
    path = tmp_path / "catalog.md"
    path.write_text(
        render_document(taxonomy, {("quantization", "weight-only"): entries})
        + f"\nSee also the [PDF](https://arxiv.org/pdf/{RECORDED_ID}v1).\n",
        encoding="utf-8",
    )

    records = check_links_json(path, capsys)

    assert len(api.id_lists) == 1 and len(api.id_lists[0].split(",")) == 4
    assert [(r["alive"], r["status"], r["source"]) for url, r in records.items() if "arxiv.org" in url] == [
        (True, 200, "arxiv"),
        (True, 200, "arxiv"),
        (True, 200, "arxiv"),
        (False, 404, "arxiv"),
        (True, 200, "arxiv"),
    ]
    assert records[abs_urls[2]]["error"] == f"arXiv {WITHDRAWN_ID} was withdrawn by its authors"
    assert records[abs_urls[3]]["error"] == f"arXiv has no paper {UNKNOWN_ID}"
    assert records[site.url_for("/page")]["alive"] is True and "source" not in records[site.url_for("/page")]
    assert [request.path for request, _ in site.log] == ["/page"]  # only the web page went over HTTP


LINK_CHECKING_DOCS = DOCS / "link-checking.md"
FIVE_LINKS = (
    "# Papers\n\n"
    f"- [A paper](https://arxiv.org/abs/{RECORDED_ID}) ([pdf](https://arxiv.org/pdf/{RECORDED_ID}v1))\n"
    f"- [A withdrawn paper](https://arxiv.org/abs/{WITHDRAWN_ID})\n"
    f"- [A paper arXiv does not have](https://arxiv.org/abs/{UNKNOWN_ID})\n"
    "- [An old-style id](https://export.arxiv.org/abs/cs/0112017)\n"
)


def test_the_docs_show_check_links_json_on_arxiv_links(config_dir, api, tmp_path, capsys):
    """docs/link-checking.md includes this output (tests/golden/link-checking-arxiv.jsonl): five
    arxiv.org links answered by one call to the local arXiv API, none over HTTP."""
    path = tmp_path / "catalog.md"
    path.write_text(FIVE_LINKS, encoding="utf-8")

    assert bot_main(["check-links", str(path), "--json"]) == 0
    out = capsys.readouterr().out

    assert len(api.id_lists) == 1  # one API call ...
    assert {json.loads(line)["source"] for line in out.splitlines()} == {"arxiv"}  # ... no HTTP request
    assert_shown_in_docs("link-checking.md", "link-checking-arxiv.jsonl", out)


def test_the_docs_show_the_annotation_of_an_unknown_paper(config_dir, api, tmp_path, capsys, monkeypatch):
    """The annotation quoted in docs/link-checking.md, and its claim that API calls are not counted
    as requests: the same five links without --json."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.md").write_text(FIVE_LINKS, encoding="utf-8")

    assert bot_main(["check-links"]) == 0
    out = capsys.readouterr().out

    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file=catalog.md,line=5,title=Dead link::https://arxiv.org/abs/{UNKNOWN_ID} is dead: "
        f"arXiv has no paper {UNKNOWN_ID}"
    ]
    assert f"`{annotations[0]}`" in LINK_CHECKING_DOCS.read_text(encoding="utf-8")
    assert "\n0 requests in " in out and len(api.id_lists) == 1


def test_a_site_that_never_answers_is_dead_when_the_arxiv_api_answered(config_dir, api, tmp_path, capsys):
    """The links of one site gone (connection refused) were nearly every link checked over HTTP,
    so check-links stopped with "the network is probably down" and reported nothing, though the
    arXiv API had just answered for the file's papers: an API answer shows the network works."""
    with socket.socket() as probe:  # a loopback port nothing listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        gone = probe.getsockname()[1]
    urls = [f"http://127.0.0.1:{gone}/project-{n}" for n in range(5)]
    path = tmp_path / "catalog.md"
    path.write_text(FIVE_LINKS + "".join(f"- [project {n}]({url})\n" for n, url in enumerate(urls)), "utf-8")

    records = check_links_json(path, capsys)

    assert [(records[url]["alive"], records[url]["status"]) for url in urls] == [(False, None)] * 5
    assert all(records[url]["error"].startswith("cannot connect") for url in urls)
    assert records[f"https://arxiv.org/abs/{RECORDED_ID}"]["alive"] is True


def test_when_the_arxiv_api_fails_its_links_are_not_checked_over_http(
    config_dir, api, site, tmp_path, capsys
):
    """An arXiv API failure sent every arxiv.org link to HTTP, one request every 3 s (a night's
    thousands: hours); here arxiv.org is a closed port (the proxy), so they were dead. They are
    unknown, with no request, and the file's other links are checked as usual."""
    api.status = 503
    path = tmp_path / "catalog.md"
    path.write_text(FIVE_LINKS + f"- [project]({site.url_for('/page')})\n", encoding="utf-8")

    records = check_links_json(path, capsys)

    papers = [record for url, record in records.items() if "arxiv.org" in url]
    assert len(papers) == 5 and len(api.id_lists) == 1
    assert all((r["verdict"], r["alive"], r["source"]) == ("unknown", None, "arxiv") for r in papers)
    assert {r["error"] for r in papers} == {f"{API_UNAVAILABLE} (HTTP 503)"}
    assert records[site.url_for("/page")]["alive"] is True
    # docs/link-checking.md quotes such a record
    page = " ".join(LINK_CHECKING_DOCS.read_text(encoding="utf-8").split())
    assert f'`"verdict": "unknown"`, `"error": "{API_UNAVAILABLE} (HTTP 503)"`' in page
    assert [request.path for request, _ in site.log] == ["/page"]


def test_an_arxiv_api_that_fails_is_no_sign_the_network_works(config_dir, api, tmp_path, capsys):
    """Its links are unknown records with "source": "arxiv", which must not count as an API that
    answered: every other link unanswered is still the runner being offline, nothing dead."""
    api.status = 503
    with socket.socket() as probe:  # a loopback port nothing listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        gone = probe.getsockname()[1]
    path = tmp_path / "catalog.md"
    path.write_text(
        FIVE_LINKS + "".join(f"- [p{n}](http://127.0.0.1:{gone}/p{n})\n" for n in range(5)), "utf-8"
    )

    assert bot_main(["check-links", str(path)]) == NETWORK_DOWN == 1
    assert "the network is probably down, so no link is reported dead" in capsys.readouterr().err


def test_bench_like_links_never_reach_the_resolver(config_dir, api, site, tmp_path, capsys):
    port = site.port
    site.expect_request(re.compile(r"/(abs|pdf)/.*")).respond_with_data("", status=404)
    urls = [
        f"http://127.0.0.1:{port}/page",
        f"http://127.0.0.1:{port}/pdf/2405.00732",
        f"http://127.0.0.1:{port}/abs/2405.00732v2",
    ]  # the bench's arXiv-looking paths on its own hosts
    path = tmp_path / "links.md"
    path.write_text("".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)), encoding="utf-8")

    records = check_links_json(path, capsys)

    assert api.id_lists == []
    assert [(records[url]["alive"], records[url]["status"]) for url in urls] == [
        (True, 200),
        (False, 404),
        (False, 404),
    ]
    assert not any("source" in record for record in records.values())


def test_no_resolvers_checks_arxiv_links_over_http(config_dir, api, site, tmp_path, capsys, monkeypatch):
    # arxiv.org itself is out of reach: the local site stands in for it as the HTTP proxy
    site.expect_request("/abs/1605.08386").respond_with_data("the abstract page")
    monkeypatch.setenv("HTTP_PROXY", site.url_for("/"))
    url = f"http://arxiv.org/abs/{RECORDED_ID}"
    path = tmp_path / "links.md"
    path.write_text(f"- [paper]({url})\n", encoding="utf-8")

    records = check_links_json(path, capsys, "--no-resolvers")

    assert api.id_lists == []
    assert (records[url]["alive"], records[url]["status"]) == (True, 200) and "source" not in records[url]
    assert [request.headers["Host"] for request, _ in site.log] == ["arxiv.org"]


def point_at(fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a job run in Actions, against the fake GitHub."""
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", fake_github.repository)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)


def test_check_links_resolves_github_repositories_with_a_token(
    config_dir, api, taxonomy, tmp_path, capsys, monkeypatch, fake_github: FakeGitHub
):  # noqa: F811
    fake_github.add_remote("org/kept", stars=10)
    fake_github.add_remote("org/old", stars=10)
    fake_github.rename_remote("org/old", "org/new")
    urls = ["https://github.com/org/kept", "https://github.com/org/old", "https://github.com/org/gone"]
    path = tmp_path / "catalog.md"
    path.write_text(
        "".join(f"- [repo]({url})\n" for url in urls) + f"- https://arxiv.org/abs/{RECORDED_ID}\n",
        encoding="utf-8",
    )
    point_at(fake_github, monkeypatch)

    records = check_links_json(path, capsys)

    assert dict(fake_github.counts) == {"POST /graphql": 1}
    assert [(records[url]["alive"], records[url]["source"]) for url in urls] == [
        (True, "github"),
        (True, "github"),
        (False, "github"),
    ]
    assert records[urls[1]]["permanent_redirect"] == "https://github.com/org/new"
    assert records[f"https://arxiv.org/abs/{RECORDED_ID}"]["source"] == "arxiv" and len(api.id_lists) == 1


# -- the nightly job ------------------------------------------------------------------------------------------


def test_the_nightly_job_resolves_arxiv_links_through_the_api(
    config_dir, api, taxonomy, capsys, monkeypatch, fake_github: FakeGitHub
):  # noqa: F811
    fake_github.add_remote("org/kept", stars=10)
    entries = [
        paper(1, f"https://arxiv.org/abs/{RECORDED_ID}", "https://github.com/org/kept"),
        paper(2, f"https://arxiv.org/abs/{UNKNOWN_ID}"),
        paper(3, f"https://arxiv.org/pdf/{WITHDRAWN_ID}"),
    ]
    fake_github.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    fake_github.reset_counts()
    point_at(fake_github, monkeypatch)

    assert (
        bot_main(["nightly", "--no-enrich"]) == 0
    )  # the paper store's lookups are tests/jobs/test_nightly's

    assert len(api.id_lists) == 1 and sorted(api.id_lists[0].split(",")) == sorted(
        [RECORDED_ID, UNKNOWN_ID, WITHDRAWN_ID]
    )
    issue = next(i for i in fake_github.issues.values() if not i.is_pull)
    watched = issue.body.split("<!--")[0]
    assert f"https://arxiv.org/abs/{UNKNOWN_ID}" in watched and f"arXiv has no paper {UNKNOWN_ID}" in watched
    assert f"https://arxiv.org/abs/{RECORDED_ID}" not in watched
    withdrawn = watched.split("### Withdrawn papers")[1].split("###")[0]
    assert f"https://arxiv.org/pdf/{WITHDRAWN_ID}" in withdrawn and "withdrawn by its authors" in withdrawn
    assert issue.state == "open"  # a withdrawn paper needs a maintainer's decision
    assert "| alive | 3 |" in capsys.readouterr().out


def lookups_fail(fake_github: FakeGitHub, status: int = 502) -> None:  # noqa: F811
    """GitHub answers ``status`` to every repository lookup (an outage of that API, or a rate
    limit), and everything else as usual."""
    fake_github.fail(
        "POST",
        "/graphql",
        status=status,
        times=100_000,
        when=lambda body: "CatalogBotRepositories" in str(body),
    )


def test_when_github_stops_answering_its_repository_links_are_unknown_not_checked_over_http(
    fake_github: FakeGitHub, caplog: pytest.LogCaptureFixture
):  # noqa: F811
    """GitHub's lookups failing (after their retries) sent every github.com link to HTTP, where
    github.com answers crawlers with 429s under its polite limit (4 at a time: 2,000 repositories
    took 17 minutes of the night). As for the arXiv API: unknown this run, the reason in the record,
    one warning; nothing asked over HTTP. A lookup GitHub answered is used as before."""
    fake_github.add_remote("org/kept", stars=10)
    forge = forge_for(fake_github, retry=RetryPolicy(max_attempts=1, backoff_seconds=0, max_wait_seconds=0))
    remembered = RememberedRepositories(forge)
    assert set(remembered.repositories(["org/kept"])) == {"org/kept"}  # the star refresh, earlier
    lookups_fail(fake_github)
    urls = ["https://github.com/org/kept", "https://github.com/org/a", "https://github.com/org/b/blob/main/x"]

    answers = GitHubRepoResolver(remembered).resolve(urls)

    assert answers[urls[0]].verdict is Verdict.ALIVE and remembered.lookup_failure() == "HTTP 502"
    for url in urls[1:]:
        assert (answers[url].verdict, answers[url].status, answers[url].source) == (
            Verdict.UNKNOWN,
            None,
            "github",
        )
        assert answers[url].error == f"{GITHUB_UNAVAILABLE} (HTTP 502)"
    assert (
        "GitHub stopped answering the repository lookups (HTTP 502), so the links of 2 repositories"
        in caplog.text
    )
    # a later call whose names GitHub answered earlier says nothing failed
    assert GitHubRepoResolver(remembered).resolve(urls[:1]) and remembered.lookup_failure() == ""


def test_a_repository_deleted_on_a_night_github_does_not_answer_waits_that_night(
    fake_github: FakeGitHub,  # noqa: F811
):
    """Decided, not a fault: a night the lookups fail, a deleted repository is not marked (GitHub
    did not say it is gone; an unknown is no evidence). Its streak is kept, not restarted: the
    next night GitHub answers, it is confirmed dead from the first night on, one night late."""
    forge = forge_for(fake_github, retry=RetryPolicy(max_attempts=1, backoff_seconds=0, max_wait_seconds=0))
    urls = ["https://github.com/org/gone", "https://github.com/org/also-gone"]
    state: dict = {}
    nights = {}
    for day, down in ((1, False), (2, True), (3, False)):
        fake_github.faults.clear()
        if down:
            lookups_fail(fake_github)
        answers = GitHubRepoResolver(forge).resolve(urls)
        state, confirmed = update_state(state, answers, datetime.date(2026, 12, day))
        nights[day] = (
            [answers[u].verdict for u in urls],
            [c.url for c in confirmed],
            state[urls[0]]["failures"],
        )

    dead, unknown = Verdict.DEAD, Verdict.UNKNOWN
    assert nights == {1: ([dead, dead], [], 1), 2: ([unknown, unknown], [], 1), 3: ([dead, dead], urls, 2)}
    assert state[urls[0]]["first_failed"] == "2026-12-01"


def test_a_night_whose_github_lookups_fail_leaves_its_repository_links_unknown(
    config_dir, api, taxonomy, capsys, monkeypatch, fake_github: FakeGitHub
):  # noqa: F811
    """The night's github.com links went to HTTP when the lookups failed (here github.com is the
    closed proxy port: failing links, watched, then reported dead). They are unknown, counted in
    a row of the summary, and not watched; the stars are "not checked" as before."""
    edit_yaml(config_dir / "github.yml", retry={"max_attempts": 1, "backoff_seconds": 0})
    for n in (1, 2):
        fake_github.add_remote(f"org/repo{n}", stars=10)
    entries = [
        paper(n, f"https://arxiv.org/abs/{RECORDED_ID}", f"https://github.com/org/repo{n}") for n in (1, 2)
    ]
    fake_github.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    point_at(fake_github, monkeypatch)
    lookups_fail(fake_github)

    assert bot_main(["nightly", "--no-enrich"]) == 0

    out = capsys.readouterr().out
    assert (
        "| ↳ github.com links not checked: the GitHub API did not answer (not asked over HTTP instead) | 2 |"
        in out
    )
    assert "| dead tonight | 0 |" in out and "| not checked (GitHub gave no answer) | 2 |" in out
    assert not [i for i in fake_github.issues.values() if not i.is_pull]  # nothing failing: no issue


def test_a_night_whose_arxiv_api_fails_leaves_its_paper_links_unknown(
    config_dir, api, taxonomy, capsys, monkeypatch, fake_github: FakeGitHub
):  # noqa: F811
    """The night's arxiv.org links went to HTTP at arXiv's pace (3 s a link: thousands took up the
    45-minute budget); here arxiv.org is a closed port, so they were failing links. They are not
    checked: unknown, counted apart in the summary, and not watched."""
    api.status = 503
    entries = [
        paper(1, f"https://arxiv.org/abs/{RECORDED_ID}"),
        paper(2, f"https://arxiv.org/abs/{UNKNOWN_ID}"),
    ]
    fake_github.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    point_at(fake_github, monkeypatch)

    assert bot_main(["nightly", "--no-enrich"]) == 0

    out = capsys.readouterr().out
    row = "↳ arxiv.org links not checked: the arXiv API did not answer (not asked over HTTP instead, at arXiv's pace)"
    assert f"| {row} | 2 |" in out
    for name in ("nightly.md", "link-checking.md"):  # the pages quote the row
        assert f"`{row}`" in " ".join((DOCS / name).read_text(encoding="utf-8").split()), name
    assert (
        "| dead tonight | 0 |" in out
        and "| not verified tonight (rate limited, or past the time budget) | 2 |" in out
    )
    assert not [i for i in fake_github.issues.values() if not i.is_pull]  # nothing failing: no issue


class NoSuchName(httpx.AsyncBaseTransport):
    """Sends every request to a host name that does not resolve (``.invalid`` never does): a real
    DNS failure of this machine for the host mounted on it, as a runner whose resolver fails for
    github.com while its API (another name, here the fake GitHub) answers."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="github.com.invalid")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_github_pages_are_unknown_not_dead_when_github_com_does_not_resolve_but_its_api_answered(
    fake_github: FakeGitHub,  # noqa: F811
):
    """DNS failed for github.com on the runner while the GitHub API answered: the `/tree/...` links
    of repositories the API had just found were checked over HTTP and counted dead ("Name or service
    not known", each one watched, an `::error` annotation). A name that does not resolve while the
    same service's API answers is the checker's network: they are unknown. A repository the API
    says is gone is still dead; another host that does not resolve still fails as before."""
    fake_github.add_remote("org/kept", stars=10)
    urls = [
        "https://github.com/org/kept/tree/main/src",
        "https://github.com/org/kept/blob/main/README.md",
        "https://github.com/org/gone/tree/main",
        "https://nowhere.invalid/page",
    ]
    check = CheckSettings(policy=Policy(error_retries=1, timeout_retries=0, backoff=0.01))

    async def go() -> dict[str, LinkResult]:
        client = httpx.AsyncClient(mounts={"https://github.com": NoSuchName()}, follow_redirects=False)
        resolver = GitHubRepoResolver(forge_for(fake_github))
        return await check_all(urls, HttpChecker(client, check), check, [resolver])

    results = asyncio.run(go())

    for url in urls[:2]:
        assert (results[url].verdict, results[url].source) == (Verdict.UNKNOWN, "github"), results[url]
        assert results[url].error.startswith(  # type: ignore[union-attr]
            "not checked: github.com does not resolve on this machine, though the github API answered "
            "(cannot connect ("
        )
    assert results[urls[2]].verdict is Verdict.DEAD and results[urls[2]].status == 404  # the API said so
    assert results[urls[3]].verdict is Verdict.DEAD  # no API vouches for this host


def test_github_pages_are_unknown_when_github_com_s_lookup_fails_in_words_no_list_knew(
    fake_github: FakeGitHub,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
):
    """The runner's DNS server answers SERVFAIL for github.com (glibc: EAI_FAIL, "Non-recoverable
    failure in name resolution") while the GitHub API answers. The failed lookup is told by its
    exception (a socket.gaierror), not by its words: matching a list of messages counted these links
    dead, as that message was not in it."""
    fake_github.add_remote("org/kept", stars=10)
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in ("github.com", b"github.com"):  # anyio asks with the IDNA bytes
            raise socket.gaierror(socket.EAI_FAIL, "Non-recoverable failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "https://github.com/org/kept/tree/main/src"
    check = CheckSettings(policy=Policy(error_retries=1, timeout_retries=0, backoff=0.01))

    async def go() -> dict[str, LinkResult]:
        async with httpx.AsyncClient(follow_redirects=False) as client:
            resolver = GitHubRepoResolver(forge_for(fake_github))
            return await check_all([url], HttpChecker(client, check), check, [resolver])

    result = asyncio.run(go())[url]

    assert (result.verdict, result.source) == (Verdict.UNKNOWN, "github"), result
    assert "Non-recoverable failure in name resolution" in (result.error or "")
