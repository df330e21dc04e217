"""bot.sources.arxiv_api against a local server answering like the arXiv API, with real recorded responses."""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import arxiv
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot import config
from bot.errors import SourceError
from bot.sources.arxiv_api import ApiSettings, ArxivLookup, LookupStatus, OnePageClient, paper_from_result
from bot.sources.arxiv_fetch import PoliteApi
from tests.arxiv_api_server import ArxivApiServer, arxiv_api, synthetic  # noqa: F401

ARXIV = Path(__file__).parents[1] / "fixtures" / "arxiv"
ID_LIST = (ARXIV / "arxiv_api_atom_response_id_list-1605.08386_2026-04-12.xml").read_text(encoding="utf-8")
QUERY = ARXIV / "arxiv_api_atom_response_query-testing_max10_2026-04-12.xml"
NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
ENTRY = re.compile(r"\s*<entry>.*</entry>", re.DOTALL)


def without_entry(text: str = ID_LIST) -> str:
    """The real answer with its entry removed: how the API answers for an id it has no paper for."""
    text = ENTRY.sub("", text)
    return text.replace("<opensearch:totalResults>1<", "<opensearch:totalResults>0<")


def with_error_entry(bad_id: str) -> str:
    """The real answer with its entry swapped for the API's error entry."""
    error = (
        f"\n  <entry>\n    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{bad_id}</id>\n"
        f"    <title>Error</title>\n    <summary>incorrect id format for {bad_id}</summary>\n"
        "    <updated>2026-04-12T00:00:00-04:00</updated>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>"
    )
    return ENTRY.sub(error, ID_LIST)


def lookup_at(server: HTTPServer, **settings: object) -> ArxivLookup:
    options: dict[str, object] = {"query_url": server.url_for("/api/query"), "delay_seconds": 0.0}
    options.update(settings)
    return ArxivLookup.from_settings(ApiSettings(**options))  # type: ignore[arg-type]


def requested_ids(server: HTTPServer) -> list[str]:
    return [request.args["id_list"] for request, _ in server.log]


def test_a_real_id_is_found_with_its_metadata(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(ID_LIST, content_type="application/atom+xml")
    result = lookup_at(httpserver).lookup(["1605.08386"])["1605.08386"]
    assert result.status is LookupStatus.FOUND and result.found and result.arxiv_id == "1605.08386"
    paper = result.paper
    assert paper is not None
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.authors == ("Caprice Stanley", "Tobias Windisch")
    assert paper.abstract.startswith("Graphs on lattice points are studied") and "\n" not in paper.abstract
    assert paper.categories == ("math.CO", "math.ST") and paper.primary_category == "math.CO"
    assert (paper.comment, paper.journal_ref, paper.doi) == ("20 pages, 3 figures", "", "")
    assert (paper.date, paper.version, paper.withdrawn) == ("2016-05-26", 1, False)
    request = httpserver.log[0][0]
    assert request.args["id_list"] == "1605.08386" and len(httpserver.log) == 1
    assert (
        request.headers["User-Agent"].startswith("catalog-bot/")
        and "arxiv.py/" in request.headers["User-Agent"]
    )


def test_ids_in_any_form_are_answered_under_the_query_given(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(ID_LIST)
    queries = ["arXiv:1605.08386v1", "https://arxiv.org/abs/1605.08386", "1605.08386v2"]
    results = lookup_at(httpserver).lookup(queries)
    assert list(results) == queries
    assert {r.status for r in results.values()} == {LookupStatus.FOUND}
    assert requested_ids(httpserver) == ["1605.08386"]  # one id, asked once


def test_an_unknown_id_is_unknown(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(without_entry())
    result = lookup_at(httpserver).lookup(["2401.99999"])["2401.99999"]
    assert (result.status, result.arxiv_id, result.paper) == (LookupStatus.UNKNOWN, "2401.99999", None)


def test_the_apis_error_entry_means_unknown(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(with_error_entry("2401.99999"))
    assert lookup_at(httpserver).lookup(["2401.99999"])["2401.99999"].status is LookupStatus.UNKNOWN


def test_a_batch_with_an_unknown_id_costs_one_request(httpserver: HTTPServer) -> None:
    # arXiv may count the unknown id in totalResults (lukasschwab/arxiv.py#82): no second page is asked.
    answer = ID_LIST.replace("<opensearch:totalResults>1<", "<opensearch:totalResults>2<")
    httpserver.expect_request("/api/query").respond_with_data(answer)
    results = lookup_at(httpserver).lookup(["1605.08386", "2401.99999"])
    assert [r.status for r in results.values()] == [LookupStatus.FOUND, LookupStatus.UNKNOWN]
    assert requested_ids(httpserver) == ["1605.08386,2401.99999"]


def test_a_withdrawn_paper_by_its_comment(httpserver: HTTPServer) -> None:
    answer = ID_LIST.replace(
        "<arxiv:comment>20 pages, 3 figures</arxiv:comment>",
        "<arxiv:comment>This paper has been withdrawn</arxiv:comment>",
    )
    assert answer != ID_LIST
    httpserver.expect_request("/api/query").respond_with_data(answer)
    result = lookup_at(httpserver).lookup(["1605.08386"])["1605.08386"]
    assert result.status is LookupStatus.WITHDRAWN and not result.found
    assert result.paper is not None and result.paper.withdrawn


def test_a_withdrawn_paper_by_its_newest_version(httpserver: HTTPServer) -> None:
    summary = re.search(r"<summary>.*</summary>", ID_LIST, re.DOTALL).group(0)  # type: ignore[union-attr]
    answer = (
        ID_LIST.replace("1605.08386v1", "1605.08386v2")
        .replace(summary, "<summary>This paper has been withdrawn by the authors due to an error.</summary>")
        .replace("<arxiv:comment>20 pages, 3 figures</arxiv:comment>", "")
    )
    httpserver.expect_request("/api/query").respond_with_data(answer)
    result = lookup_at(httpserver).lookup(["1605.08386"])["1605.08386"]
    assert result.status is LookupStatus.WITHDRAWN
    assert result.paper is not None and result.paper.version == 2 and result.paper.comment == ""


@pytest.mark.parametrize(
    "bad", ["2413.00001", "hello", "1234", "0000.0000", "arxiv.org/abs/", "2405.00732 rm -rf"]
)
def test_malformed_ids_make_no_http_call(httpserver: HTTPServer, bad: str) -> None:
    results = lookup_at(httpserver).lookup([bad])
    assert results[bad].status is LookupStatus.MALFORMED and results[bad].arxiv_id is None
    assert httpserver.log == []


def test_only_the_well_formed_ids_are_asked_for(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(ID_LIST)
    results = lookup_at(httpserver).lookup(["nope", "1605.08386"])
    assert [r.status for r in results.values()] == [LookupStatus.MALFORMED, LookupStatus.FOUND]
    assert requested_ids(httpserver) == ["1605.08386"]


def test_a_503_then_200_is_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/api/query").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/api/query").respond_with_data(ID_LIST)
    result = lookup_at(httpserver).lookup(["1605.08386"])["1605.08386"]
    assert result.status is LookupStatus.FOUND
    assert [response.status_code for _, response in httpserver.log] == [503, 200]


def test_429s_until_the_retries_run_out_raise_a_source_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data("slow down", status=429)
    with pytest.raises(
        SourceError, match=r"lookup of 1605.08386 after 3 attempts \(last: HTTP 429\).*try again"
    ):
        lookup_at(httpserver, retries=2).lookup(["1605.08386"])
    assert len(httpserver.log) == 3


def test_an_add_lookup_waits_the_retry_after_of_a_busy_api(
    arxiv_api: ArxivApiServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/add's lookup went through the arxiv package's own retries, which ignore Retry-After: a 503
    asking for 1 s was asked again at once (with delay 0), adding to arXiv's load. It is waited for
    and logged, as the bulk reads do."""
    arxiv_api.seed([synthetic("2501.00001")])
    arxiv_api.fail(1, 503, retry_after="1")
    lookup = ArxivLookup.from_settings(ApiSettings(query_url=arxiv_api.url, delay_seconds=0.0))
    started = time.monotonic()
    with caplog.at_level("INFO", logger="bot"):
        assert lookup.lookup(["2501.00001"])["2501.00001"].found
    assert time.monotonic() - started >= 1.0 and len(arxiv_api.log) == 2
    assert "the lookup of 2501.00001 failed (HTTP 503); trying again in 1 s" in caplog.text


def test_an_add_lookup_told_to_wait_over_five_minutes_fails_at_once_saying_so(
    arxiv_api: ArxivApiServer,  # noqa: F811
) -> None:
    arxiv_api.seed([synthetic("2501.00001")])
    arxiv_api.fail(1, 429, retry_after="3600")
    lookup = ArxivLookup.from_settings(ApiSettings(query_url=arxiv_api.url, delay_seconds=0.0))
    with pytest.raises(SourceError) as failure:
        lookup.lookup(["2501.00001"])
    assert str(failure.value) == (
        f"the arXiv API {arxiv_api.url} answered HTTP 429 to the lookup of 2501.00001 and asks to wait "
        "3600 s, longer than the 300 s the bot waits; nothing was changed, try again after that."
    )
    assert len(arxiv_api.log) == 1


@pytest.mark.parametrize("body", ["", "<html><body>Rate exceeded.</body></html>"])
def test_a_page_that_is_not_an_api_answer_is_retried_never_read_as_no_such_paper(
    httpserver: HTTPServer, body: str
) -> None:
    """HTTP 200 with a blank or HTML page has no entries: read as an answer, every id asked was
    "unknown" (an /add said arXiv has no such paper)."""
    httpserver.expect_ordered_request("/api/query").respond_with_data(body, content_type="text/html")
    httpserver.expect_ordered_request("/api/query").respond_with_data(ID_LIST)
    assert lookup_at(httpserver).lookup(["1605.08386"])["1605.08386"].status is LookupStatus.FOUND
    httpserver.clear_log()
    httpserver.expect_request("/api/query").respond_with_data(body, content_type="text/html")
    with pytest.raises(SourceError, match=r"after 2 attempts \(last: not an arXiv API answer"):
        lookup_at(httpserver, retries=1).lookup(["1605.08386"])
    assert len(httpserver.log) == 2


def test_docs_sources_md_quotes_the_message_of_a_busy_api(httpserver: HTTPServer) -> None:
    """docs/sources.md shows what a command's reply says when the API stays busy: the real message
    (the default retries, the real endpoint in place of the local one)."""
    httpserver.expect_request("/api/query").respond_with_data("busy", status=503)
    with pytest.raises(SourceError) as failure:
        lookup_at(httpserver).lookup(["2405.00732"])
    message = str(failure.value).replace(httpserver.url_for("/api/query"), ApiSettings().query_url)
    assert "after 4 attempts (last: HTTP 503)" in message
    docs = Path(__file__).parents[2] / "docs" / "sources.md"
    assert message in docs.read_text(encoding="utf-8"), f"docs/sources.md should quote: {message}"


def test_a_network_failure_raises_a_source_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    lookup = ArxivLookup.from_settings(
        ApiSettings(query_url=f"http://127.0.0.1:{port}/api/query", delay_seconds=0, retries=1)
    )
    with pytest.raises(
        SourceError, match=r"1605.08386 and 1 more after 2 attempts \(last: connection refused"
    ):
        lookup.lookup(["1605.08386", "2405.00732"])


def test_batches_are_one_query_each_paced_by_the_delay(httpserver: HTTPServer) -> None:
    times: list[float] = []

    def answer(request: Request) -> Response:
        times.append(time.monotonic())
        return Response(ID_LIST if "1605.08386" in request.args["id_list"] else without_entry())

    httpserver.expect_request("/api/query").respond_with_handler(answer)
    ids = ["2401.00001", "1605.08386", "2401.00003"]
    results = lookup_at(httpserver, batch_size=2, delay_seconds=0.3).lookup(ids)
    assert requested_ids(httpserver) == ["2401.00001,1605.08386", "2401.00003"]
    assert [r.status for r in results.values()] == [
        LookupStatus.UNKNOWN,
        LookupStatus.FOUND,
        LookupStatus.UNKNOWN,
    ]
    assert times[1] - times[0] >= 0.29


def test_the_real_query_response_maps_every_field(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(QUERY.read_bytes())
    client = OnePageClient(ApiSettings(query_url=httpserver.url_for("/api/query"), delay_seconds=0))
    papers = [paper_from_result(r) for r in client.results(arxiv.Search(query="testing", max_results=10))]
    entries = ET.parse(QUERY).getroot().findall("atom:entry", NS)
    assert len(papers) == len(entries) == 10
    for paper, entry in zip(papers, entries, strict=True):
        assert paper is not None
        assert paper.comment == " ".join((entry.findtext("arxiv:comment", "", NS)).split())
        assert paper.journal_ref == " ".join((entry.findtext("arxiv:journal_ref", "", NS)).split())
        assert paper.doi == entry.findtext("arxiv:doi", "", NS)
        assert paper.primary_category == entry.find("arxiv:primary_category", NS).get("term")  # type: ignore[union-attr]
        assert len(paper.authors) == len(entry.findall("atom:author", NS))
    assert sum(1 for p in papers if p is not None and p.journal_ref) >= 3
    assert sum(1 for p in papers if p is not None and p.doi) >= 1


def test_mojibake_in_the_real_response_is_read_as_the_authors_wrote_their_names(
    httpserver: HTTPServer,
) -> None:
    """The recorded answer spells two authors of 2405.13786 "Aurora RamÃ­rez" and "JosÃ© RaÃºl
    Romero" (UTF-8 read as Latin-1 upstream): the entry line and PR body would show that, less
    the soft hyphen the invisible-character filter drops ("RamÃrez", beyond repair)."""
    httpserver.expect_request("/api/query").respond_with_data(QUERY.read_bytes())
    client = OnePageClient(ApiSettings(query_url=httpserver.url_for("/api/query"), delay_seconds=0))
    papers = {
        p.arxiv_id: p for r in client.results(arxiv.Search(query="testing")) if (p := paper_from_result(r))
    }
    assert papers["2405.13786"].authors[:3] == ("Aurora Ramírez", "Mario Berrios", "José Raúl Romero")
    assert not any("Ã" in " ".join(p.authors) + p.title + p.abstract for p in papers.values())


def test_settings_come_from_config_sources_yml() -> None:
    assert ApiSettings.from_config(config.load("sources")) == ApiSettings()
    with pytest.raises(ValueError, match="batch_size"):
        ArxivLookup(PoliteApi(ApiSettings()), batch_size=500)
