"""bot.sources.arxiv_fetch against the local arXiv API, and the local API against real recorded answers."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import arxiv
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_fetch import ApiUnavailable, PoliteApi, record_from_result
from tests.arxiv_api_server import ArxivApiServer, Meta, arxiv_api, synthetic  # noqa: F401

ARXIV = Path(__file__).parents[1] / "fixtures" / "arxiv"
RECORDED = (ARXIV / "arxiv_api_atom_response_id_list-1605.08386_2026-04-12.xml").read_text(encoding="utf-8")
QUERY = (ARXIV / "arxiv_api_atom_response_query-testing_max10_2026-04-12.xml").read_text(encoding="utf-8")
TODAY = datetime.date(2026, 4, 12)


def api(url: str, sleeps: list[float] | None = None) -> PoliteApi:
    record = sleeps if sleeps is not None else []
    now = [0.0]

    def sleep(seconds: float) -> None:
        record.append(seconds)
        now[0] += seconds

    return PoliteApi(
        ApiSettings(query_url=url, delay_seconds=3.0, retries=1), sleep=sleep, clock=lambda: now[0]
    )


def test_the_local_api_answers_like_the_recorded_real_one(
    httpserver: HTTPServer, arxiv_api: ArxivApiServer
) -> None:  # noqa: F811
    httpserver.expect_request("/api/query").respond_with_data(RECORDED, content_type="application/atom+xml")
    real = [
        record_from_result(r, TODAY) for r in api(httpserver.url_for("/api/query")).lookup(["1605.08386"])
    ]
    arxiv_api.seed(
        [
            Meta(
                arxiv_id="1605.08386",
                title="Heat-bath random walks with Markov bases",
                authors=["Caprice Stanley", "Tobias Windisch"],
                abstract=RECORDED.split("<summary>")[1].split("</summary>")[0],
                categories=["math.CO", "math.ST"],
                published="2016-05-26T17:59:46Z",
                comment="20 pages, 3 figures",
            )
        ]
    )
    local = [record_from_result(r, TODAY) for r in api(arxiv_api.url).lookup(["1605.08386"])]
    assert local == real and real[0] is not None
    assert real[0].versions == 1 and real[0].published == "2016-05-26" and real[0].categories == ("math.ST",)


def test_a_recorded_query_answer_gives_full_records(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(QUERY, content_type="application/atom+xml")
    page = api(httpserver.url_for("/api/query")).search("all:testing", 0, 10)
    records = [record_from_result(r, TODAY) for r in page.results]
    assert page.total == 214881 and len(records) == 10
    first = records[0]
    assert (
        first is not None and first.arxiv_id == "2202.12139" and first.doi == "10.1109/ICSTW55395.2022.00035"
    )
    assert first.journal_ref.startswith("Artificial Intelligence in Software Testing @ 2022 IEEE")
    assert first.primary_category == "cs.SE" and first.categories == ("cs.LG",)


def test_search_by_category_and_date_range_pages_politely(arxiv_api: ArxivApiServer) -> None:  # noqa: F811
    papers = [
        synthetic(f"2501.{n:05d}", index=n, categories=["cs.CL" if n % 2 else "cs.CV"]) for n in range(1, 60)
    ]
    arxiv_api.seed(papers)
    sleeps: list[float] = []
    client = api(arxiv_api.url, sleeps)
    query = "cat:cs.CL AND submittedDate:[202501010000 TO 202501102359]"
    first = client.search(query, 0, 7)
    wanted = [m.arxiv_id for m in papers if m.categories == ["cs.CL"] and m.published[:10] <= "2025-01-10"]
    assert first.total == len(wanted) and len(first.results) == 7
    second = client.search(query, 7, 7)
    got = [r.get_short_id()[:-2] for r in first.results + second.results]
    assert got == sorted(wanted, key=lambda i: next(m.published for m in papers if m.arxiv_id == i))[:14]
    assert (
        sleeps == [3.0] and arxiv_api.log[1]["start"] == "7" and arxiv_api.log[1]["sortBy"] == "submittedDate"
    )


def test_a_failed_call_is_retried_after_a_pause(arxiv_api: ArxivApiServer) -> None:  # noqa: F811
    arxiv_api.seed([synthetic("2501.00001")])
    arxiv_api.fail(1, 429)
    sleeps: list[float] = []
    results = api(arxiv_api.url, sleeps).lookup(["2501.00001", "2501.99999"])
    assert [r.entry_id for r in results] == ["http://arxiv.org/abs/2501.00001v1"]
    assert sleeps == [6.0] and len(arxiv_api.log) == 2
    assert isinstance(results[0], arxiv.Result)


def test_a_store_record_has_the_authors_letters_not_their_latex(arxiv_api: ArxivApiServer) -> None:  # noqa: F811
    """The API gives names as their authors typed them: "Przemys{\\l}aw" went into the store and
    onto catalog lines as LaTeX."""
    arxiv_api.seed(
        [synthetic("2501.00001", authors=[r"Przemys{\l}aw Olbratowski", r"Serdar Kad{\i}o\u{g}lu"])]
    )
    [result] = api(arxiv_api.url).lookup(["2501.00001"])
    record = record_from_result(result, TODAY)
    assert record is not None and record.authors == ("Przemysław Olbratowski", "Serdar Kadıoğlu")


def test_a_retry_after_of_the_api_is_waited_and_logged(
    arxiv_api: ArxivApiServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 or 503 naming its Retry-After was retried after the fixed pause (6 s), before the time
    arXiv asked for, and nothing in the log said why the run was idle."""
    arxiv_api.seed([synthetic("2501.00001")])
    arxiv_api.fail(1, 503, retry_after="40")
    sleeps: list[float] = []
    with caplog.at_level("INFO", logger="bot"):
        results = api(arxiv_api.url, sleeps).lookup(["2501.00001"])
    assert len(results) == 1 and sleeps == [40.0] and len(arxiv_api.log) == 2
    assert "the lookup of 2501.00001 and 0 more failed (HTTP 503); trying again in 40 s" in caplog.text


def test_a_retry_after_longer_than_the_longest_wait_is_not_waited_for(
    arxiv_api: ArxivApiServer,  # noqa: F811
) -> None:
    arxiv_api.fail(1, 429, retry_after="3600")
    sleeps: list[float] = []
    with pytest.raises(
        ApiUnavailable, match=r"answered HTTP 429 .* asks to wait 3600 s, longer than the 300 s"
    ):
        api(arxiv_api.url, sleeps).lookup(["2501.00001"])
    assert sleeps == [] and len(arxiv_api.log) == 1


def test_an_api_slower_than_the_timeout_is_retried_then_a_clear_error(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(RECORDED, content_type="application/atom+xml")

    for handler in (slow, slow, slow):
        httpserver.expect_ordered_request("/api/query").respond_with_handler(handler)
    httpserver.expect_ordered_request("/api/query").respond_with_data(
        RECORDED, content_type="application/atom+xml"
    )
    waits: list[float] = []

    def wait_for_the_server(seconds: float) -> None:  # it answers one request at a time
        # the second lookup's first attempt waits in line for the first lookup's last slow answer
        # (0.6 s) and then gets the third slow one: its retry is sent once that one is done too,
        # with room for a loaded machine (0.7 s left 0.1 s: the retry timed out on CI once)
        waits.append(seconds)
        time.sleep(1.5)

    settings = ApiSettings(
        query_url=httpserver.url_for("/api/query"), delay_seconds=0.0, retries=1, timeout_seconds=0.2
    )
    with pytest.raises(ApiUnavailable, match=r"after 2 attempts \(last: timed out\)"):
        PoliteApi(settings, sleep=wait_for_the_server).lookup(["1605.08386"])
    assert [
        record_from_result(r, TODAY)
        for r in PoliteApi(settings, sleep=wait_for_the_server).lookup(["1605.08386"])
    ]


def _trickling(body: bytes, pause: float) -> Callable[[Request], Response]:
    """An answer sent ten bytes at a time, ``pause`` seconds apart (chunked, as a generator)."""

    def handler(request: Request) -> Response:
        def parts() -> Iterator[bytes]:
            for start in range(0, len(body), 10):
                yield body[start : start + 10]
                time.sleep(pause)

        return Response(parts(), content_type="application/atom+xml")

    return handler


def test_an_api_trickling_its_answer_is_cut_at_the_timeout(threaded_httpserver: HTTPServer) -> None:
    """requests' timeout bounds each read, not the answer: a server sending a few bytes now and
    then held enrich or backfill for as long as its answer lasted."""
    threaded_httpserver.expect_request("/api/query").respond_with_handler(_trickling(RECORDED.encode(), 0.1))
    settings = ApiSettings(
        query_url=threaded_httpserver.url_for("/api/query"), delay_seconds=0.0, retries=0, timeout_seconds=0.3
    )
    started = time.monotonic()
    with pytest.raises(ApiUnavailable, match=r"after 1 attempts \(last: timed out\)"):
        PoliteApi(settings, sleep=lambda _: None).lookup(["1605.08386"])
    assert time.monotonic() - started < 5  # 0.3 s; the whole answer takes about 30 s


def test_an_answer_in_chunks_within_the_timeout_is_read_whole(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_handler(_trickling(RECORDED.encode(), 0))
    settings = ApiSettings(query_url=httpserver.url_for("/api/query"), delay_seconds=0.0, retries=0)
    [result] = PoliteApi(settings, sleep=lambda _: None).lookup(["1605.08386"])
    assert record_from_result(result, TODAY) is not None
