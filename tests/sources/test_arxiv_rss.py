"""bot.sources.arxiv_rss against the real arXiv feed fixtures and a local HTTP server."""

from __future__ import annotations

import gzip
import http.server
import json
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot import config
from bot.core import urls
from bot.core.paper import Paper
from bot.errors import ConfigError, SourceError
from bot.sources import arxiv_rss as feeds
from bot.sources import paper_facts

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARXIV = FIXTURES / "arxiv"
DAY_FEED = ARXIV / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
EMPTY_FEED = ARXIV / "arxiv_rss2_feed_empty_test-archive_2024-11-28.xml"
ERROR_FEED = ARXIV / "arxiv_rss2_feed_error_bad-archive_2024-11-28.xml"
ATOM_FEED = ARXIV / "arxiv_atom_feed_cs.AI_2025-08-20_PARTLY-SYNTHETIC.xml"
API_QUERY = ARXIV / "arxiv_api_atom_response_query-testing_max10_2026-04-12.xml"
SAMPLE_2024 = FIXTURES / "data" / "sample-2024.jsonl.gz"
NS = {
    "arxiv": "http://arxiv.org/schemas/atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
}


def raw_items(path: Path) -> list[ET.Element]:
    """The feed's items read with a plain XML parser, independently of feedparser."""
    return ET.parse(path).getroot().findall("./channel/item")


@pytest.fixture(scope="module")
def day() -> feeds.FeedResult:
    return feeds.parse_feed(DAY_FEED.read_bytes(), str(DAY_FEED))


# --- feed URL --------------------------------------------------------------------------------


def test_feed_url_joins_all_categories_into_one_request() -> None:
    assert (
        feeds.feed_url(feeds.DEFAULT_CATEGORIES)
        == "https://rss.arxiv.org/rss/cs.CL+cs.LG+cs.AI+cs.DC+cs.AR+cs.PF"
    )
    assert feeds.feed_url(["cs", "astro-ph.GA"], base="http://127.0.0.1:8000/atom") == (
        "http://127.0.0.1:8000/atom/cs+astro-ph.GA"
    )


@pytest.mark.parametrize("categories", [[], ["cs.CL", "cs CL"], ["cs.CL/../x"], ["CS.CL"]])
def test_feed_url_rejects_what_is_no_category(categories: list[str]) -> None:
    with pytest.raises(ConfigError, match="config/sources.yml"):
        feeds.feed_url(categories)


def test_config_defaults_match_the_settings_defaults() -> None:
    settings = feeds.FeedSettings.from_config(config.load("sources"))
    assert settings == feeds.FeedSettings()
    assert settings.categories == ("cs.CL", "cs.LG", "cs.AI", "cs.DC", "cs.AR", "cs.PF")
    with pytest.raises(ConfigError, match="feed.categories"):
        config.validate("sources", {"feed": {"categories": ["cs CL"]}}, "sources.yml")


# --- the full-day RSS feed -------------------------------------------------------------------


def test_day_feed_counts_match_a_plain_xml_parse(day: feeds.FeedResult) -> None:
    items = raw_items(DAY_FEED)
    expected = Counter(i.findtext("arxiv:announce_type", namespaces=NS) for i in items)
    assert day.counts() == dict(expected)
    assert set(expected) == {"new", "cross", "replace"} and len(day.papers) == len(items)
    assert not day.is_empty and not day.skipped
    assert day.title.startswith("astro-ph, cond-mat")


def test_day_feed_papers_carry_ids_versions_categories_doi_and_journal_ref(day: feeds.FeedResult) -> None:
    for item, paper in zip(raw_items(DAY_FEED), day.papers, strict=True):
        guid = item.findtext("guid") or ""
        arxiv_id, version = re.fullmatch(r"oai:arXiv.org:(.+)v(\d+)", guid).groups()  # type: ignore[union-attr]
        assert (paper.arxiv_id, paper.version) == (arxiv_id, int(version))
        assert paper.categories == tuple(c.text for c in item.findall("category"))
        assert paper.doi == (item.findtext("arxiv:DOI", default="", namespaces=NS)).strip()
        journal_ref = item.findtext("arxiv:journal_reference", default="", namespaces=NS)
        assert paper.journal_ref == " ".join(journal_ref.split())
        assert paper.date == "2024-11-28"
        description = item.findtext("description") or ""
        assert paper.abstract == " ".join(description.split("Abstract:", 1)[1].split())
    assert (
        sum(1 for p in day.papers if p.doi)
        == len([i for i in raw_items(DAY_FEED) if i.find("arxiv:DOI", NS) is not None])
        > 10
    )


def test_abstract_text_is_not_mangled_as_html(day: feeds.FeedResult) -> None:
    paper = next(p for p in day.papers if p.arxiv_id == "2411.17730")
    assert "where $\\frac{1}{3}<s<1$ and" in paper.abstract  # an HTML sanitizer makes it "<s><1"


def test_authors_are_split_from_the_one_creator_string(day: feeds.FeedResult) -> None:
    by_id = {p.arxiv_id: p for p in day.papers}
    assert by_id["2411.17758"].authors == ("Kamil Erdayandi", "Mustafa Asan Mustafa")
    assert by_id["2411.17775"].authors == ("Václav Vavryčuk",)  # V\'aclav Vavry\v{c}uk
    assert by_id["2411.17709"].authors[2:4] == ("Przemysław Olbratowski", "Paweł Niedbalski")  # {\l}
    with_affiliations = next(p for p in day.papers if p.authors[:2] == ("Debo Cheng", "Ziqi Xu"))
    assert len(with_affiliations.authors) == 7 and not any("(" in a for a in with_affiliations.authors)
    creators = [i.findtext("dc:creator", namespaces=NS) or "" for i in raw_items(DAY_FEED)]
    assert [len(p.authors) for p in day.papers] == [
        len(re.sub(r"\([^()]*\)", "", c).split(",")) for c in creators
    ]


def test_replace_cross_items_are_understood() -> None:
    # The real day has no replace-cross item: turn one real replace item into one.
    text = DAY_FEED.read_text(encoding="utf-8")
    edited = text.replace("Announce Type: replace \n", "Announce Type: replace-cross \n", 1).replace(
        "<arxiv:announce_type>replace</arxiv:announce_type>",
        "<arxiv:announce_type>replace-cross</arxiv:announce_type>",
        1,
    )
    counts = feeds.parse_feed(edited, "edited").counts()
    assert counts["replace-cross"] == 1
    assert counts["replace"] == feeds.parse_feed(text, "day").counts()["replace"] - 1


def test_announce_type_is_read_from_the_description_when_the_element_is_missing() -> None:
    text = DAY_FEED.read_text(encoding="utf-8")
    stripped = re.sub(r"\s*<arxiv:announce_type>[^<]*</arxiv:announce_type>", "", text)
    assert "arxiv:announce_type>" not in stripped
    assert feeds.parse_feed(stripped, "stripped").counts() == feeds.parse_feed(text, "day").counts()


# --- empty, error and broken feeds -----------------------------------------------------------


def test_the_empty_feed_is_an_empty_result_not_an_error() -> None:
    result = feeds.parse_feed(EMPTY_FEED.read_bytes(), "https://rss.arxiv.org/rss/test")
    assert result.is_empty and result.papers == () and result.counts() == {}
    assert result.title == "test updates on arXiv.org"


def test_the_error_feed_fails_loudly_naming_the_query_and_the_fix() -> None:
    with pytest.raises(SourceError) as caught:
        feeds.parse_feed(ERROR_FEED.read_bytes(), "https://rss.arxiv.org/rss/astroph")
    message = str(caught.value)
    assert "http://rss.arxiv.org/rss/astroph" in message
    assert "Bad categories: astroph." in message
    assert "config/sources.yml" in message and "Valid archive names are" in message


@pytest.mark.parametrize("content", [b"", b"not xml", b"<html><title>503 Service Unavailable</title></html>"])
def test_what_is_no_feed_is_an_error(content: bytes) -> None:
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        feeds.parse_feed(content, "https://example.invalid/feed")


def test_an_item_with_an_id_arxiv_never_issued_is_skipped_not_a_crash_of_the_run() -> None:
    """One real item given a month-13 id (2413.17741): read as a paper, its entry line could not
    be rendered (no 13th month) and the whole poll stopped with a traceback, every other paper of
    the day unproposed. It is skipped, said, and the rest of the day is read."""
    from bot.core.entry import render_entry
    from bot.core.proposals import paper_entry

    text = DAY_FEED.read_text(encoding="utf-8")
    assert text.count("2411.17741") == 3  # link, description, guid
    edited = feeds.parse_feed(text.replace("2411.17741", "2413.17741"), "edited")
    assert [p.arxiv_id for p in edited.papers] == [
        p.arxiv_id for p in feeds.parse_feed(text, "day").papers if p.arxiv_id != "2411.17741"
    ]
    assert len(edited.skipped) == 1
    assert edited.skipped[0].startswith("item without a valid arXiv id: 'Chameleon: Adaptive Caching")
    for paper in edited.papers:
        render_entry(paper_entry(paper))  # every paper read can be shown as a catalog line


# --- Atom and offline files ------------------------------------------------------------------


def test_the_atom_flavour_is_read_like_rss() -> None:
    result = feeds.parse_feed(ATOM_FEED.read_text(encoding="utf-8"), str(ATOM_FEED))
    entries = ET.parse(ATOM_FEED).getroot().findall("atom:entry", NS)
    assert [p.arxiv_id for p in result.papers] == [
        re.search(r"(\d{4}\.\d{5})", e.findtext("atom:id", namespaces=NS) or "").group(1)  # type: ignore[union-attr]
        for e in entries
    ]
    assert result.counts() == dict(Counter(e.findtext("arxiv:announce_type", namespaces=NS) for e in entries))
    first = result.papers[0]
    assert first.authors == ("Chunhua Liu", "Kabir Manandhar Shrestha", "Sukai Huang")
    assert first.categories == ("cs.CL", "cs.AI") and first.date == "2025-08-20" and first.version == 1
    assert first.abstract.startswith("As large language models (LLMs) increasingly mediate")


def test_read_papers_reads_xml_files(tmp_path: Path) -> None:
    assert [p.arxiv_id for p in feeds.read_papers(ATOM_FEED)][-2:] == ["2508.14001", "2508.14002"]
    assert feeds.read_papers(EMPTY_FEED) == []
    with pytest.raises(SourceError, match="astroph"):
        feeds.read_papers(ERROR_FEED)


def test_read_papers_reads_gzipped_and_plain_jsonl(tmp_path: Path) -> None:
    records = [json.loads(line) for line in gzip.decompress(SAMPLE_2024.read_bytes()).splitlines()]
    papers = feeds.read_papers(SAMPLE_2024)
    assert [p.arxiv_id for p in papers] == [r["arxiv_id"] for r in records]
    assert sum(p.extra["label"] == 1 for p in papers) == sum(r["label"] for r in records) == 60
    assert papers[0].categories == tuple(records[0]["categories"]) and papers[0].date == records[0]["date"]
    assert papers[0].extra == {"label": 0, "label_core": 0, "curated_sections": []}
    plain = tmp_path / "papers.jsonl"
    plain.write_text(gzip.decompress(SAMPLE_2024.read_bytes()).decode("utf-8"), encoding="utf-8")
    assert feeds.read_papers(plain) == papers


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("feed.xml", lambda text: "\ufeff".encode() + text.encode("utf-8")),  # Notepad's "UTF-8 with BOM"
        ("feed.xml", lambda text: text.encode("utf-16")),  # PowerShell 5's `>`: its declaration says UTF-8
        ("feed.xml", lambda text: text.replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16")),
        ("papers.jsonl", lambda text: "\ufeff".encode() + text.encode("utf-8")),
        ("papers.jsonl", lambda text: text.encode("utf-16")),
    ],
)
def test_a_file_saved_with_a_bom_or_as_utf16_is_read_like_plain_utf8(
    tmp_path: Path, name: str, encode: Callable[[str], bytes]
) -> None:
    """An XML or JSONL file is still one when a Windows editor or shell saved it: it was refused
    as "neither an RSS/Atom XML file nor JSONL"."""
    plain = tmp_path / f"plain-{name}"
    if name.endswith(".xml"):
        plain.write_bytes(DAY_FEED.read_bytes())
    else:
        plain.write_text('{"arxiv_id": "2405.00732", "title": "LoRA Land"}\n', encoding="utf-8")
    saved = tmp_path / name
    saved.write_bytes(encode(plain.read_text(encoding="utf-8")))
    assert feeds.read_papers(saved) == feeds.read_papers(plain) != []


def test_a_jsonl_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    latin = tmp_path / "papers.jsonl"
    latin.write_bytes('{"arxiv_id": "2405.00732", "title": "Caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(SourceError, match=r"papers.jsonl is not UTF-8 text .*save it as UTF-8"):
        feeds.read_papers(latin)  # was a UnicodeDecodeError: a traceback, exit 3


def test_jsonl_accepts_category_strings_and_versioned_ids(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    path.write_text(
        '{"arxiv_id": "2405.00732v2", "title": "LoRA  Land", "categories": "cs.CL cs.AI"}\n\n'
        '{"arxiv_id": "cs/0112017", "title": "Old", "categories": ["cs.AI"], "date": "2001-12-01"}\n'
    )
    first, second = feeds.read_papers(path)
    assert (first.arxiv_id, first.version, first.title, first.categories) == (
        "2405.00732",
        2,
        "LoRA Land",
        ("cs.CL", "cs.AI"),
    )
    assert (second.arxiv_id, second.version, second.date) == ("cs/0112017", None, "2001-12-01")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"arxiv_id": "2405.00732"}', "has no title"),
        ('{"arxiv_id": "24-05", "title": "x"}', "no valid arxiv_id"),
        ('{"arxiv_id": "2405.00732", "title": ', "line 2"),
    ],
)
def test_bad_jsonl_lines_are_named(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"arxiv_id": "2405.00733", "title": "fine"}\n' + line + "\n")
    with pytest.raises(SourceError, match=problem) as caught:
        feeds.read_papers(path)
    assert "line 2" in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="--feed"):
        feeds.read_papers(tmp_path / "nope.xml")


# --- fetching over HTTP ----------------------------------------------------------------------


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def client() -> httpx.Client:
    with httpx.Client() as http_client:
        yield http_client


def test_fetch_retries_a_503_then_returns_the_feed(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_ordered_request("/rss/cs.CL").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/rss/cs.CL").respond_with_data(DAY_FEED.read_bytes())
    sleeps = Sleeps()
    content = feeds.fetch_feed(httpserver.url_for("/rss/cs.CL"), client, retries=3, backoff=2.0, sleep=sleeps)
    assert content == DAY_FEED.read_bytes()
    assert sleeps == [2.0] and len(httpserver.log) == 2
    assert all(r.headers["User-Agent"] == feeds.USER_AGENT for r, _ in httpserver.log)


def test_fetch_honours_retry_after_seconds_and_dates(httpserver: HTTPServer, client: httpx.Client) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    httpserver.expect_ordered_request("/rss").respond_with_data("", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/rss").respond_with_data(
        "", status=503, headers={"Retry-After": later}
    )
    httpserver.expect_ordered_request("/rss").respond_with_data(EMPTY_FEED.read_bytes())
    sleeps = Sleeps()
    feeds.fetch_feed(httpserver.url_for("/rss"), client, retries=3, backoff=1.0, sleep=sleeps)
    assert sleeps[0] == 7.0 and 100 < sleeps[1] <= 120


def test_fetch_gives_up_after_bounded_retries(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/rss").respond_with_data("down", status=502)
    sleeps = Sleeps()
    with pytest.raises(SourceError, match=r"after 3 attempts \(last: HTTP 502\).*retry the run later"):
        feeds.fetch_feed(httpserver.url_for("/rss"), client, retries=2, backoff=1.0, sleep=sleeps)
    assert sleeps == [1.0, 2.0] and len(httpserver.log) == 3


def test_fetch_does_not_retry_a_client_error(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/rss/cs.CL").respond_with_data("no", status=404)
    with pytest.raises(SourceError, match="HTTP 404"):
        feeds.fetch_feed(httpserver.url_for("/rss/cs.CL"), client, sleep=Sleeps())
    assert len(httpserver.log) == 1


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_network_failure_is_a_source_error_after_n_attempts(client: httpx.Client) -> None:
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{closed_port()}/rss/cs.CL"
    with pytest.raises(SourceError, match=r"after 4 attempts \(last: ConnectError") as caught:
        feeds.fetch_feed(url, client, retries=3, backoff=0.5, sleep=sleeps)
    assert url in str(caught.value) and sleeps == [0.5, 1.0, 2.0]


SOURCES_MD = Path(__file__).parents[2] / "docs" / "sources.md"


def test_docs_sources_md_quotes_the_error_feed_and_network_failure_messages(client: httpx.Client) -> None:
    """docs/sources.md shows the two messages a red poll run prints: the real ones, with the
    real feed URL in place of the local port (and the OS's wording of a refused connection)."""
    page = SOURCES_MD.read_text(encoding="utf-8")
    with pytest.raises(SourceError) as error_feed:
        feeds.parse_feed(ERROR_FEED.read_bytes(), "https://rss.arxiv.org/rss/astroph")
    assert f"\n  {error_feed.value}\n" in page, f"docs/sources.md should quote: {error_feed.value}"
    url = f"http://127.0.0.1:{closed_port()}/rss/cs.CL+cs.LG"
    with pytest.raises(SourceError) as network:
        feeds.fetch_feed(url, client, retries=3, backoff=0, sleep=Sleeps())
    said = str(network.value).replace(url, "https://rss.arxiv.org/rss/cs.CL+cs.LG")
    refused = r"\(last: ConnectError: [^)]*\)"
    shown = re.search(r"\n  (could not fetch the arXiv feed .*)\n", page)
    assert shown, "docs/sources.md: quote the network failure"
    assert re.sub(refused, "(last: …)", said) == re.sub(refused, "(last: …)", shown[1])


def test_a_timeout_is_retried(httpserver: HTTPServer, client: httpx.Client) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("late")

    httpserver.expect_ordered_request("/rss").respond_with_handler(slow)
    httpserver.expect_ordered_request("/rss").respond_with_data(EMPTY_FEED.read_bytes())
    waits: list[float] = []

    def wait_for_the_server(seconds: float) -> None:  # the test server answers one request at a time
        waits.append(seconds)
        time.sleep(0.6)

    content = feeds.fetch_feed(httpserver.url_for("/rss"), client, timeout=0.1, sleep=wait_for_the_server)
    assert content == EMPTY_FEED.read_bytes() and waits == [5.0]


def test_poll_fetches_one_url_for_all_categories(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/rss/cs.CL+cs.LG").respond_with_data(ATOM_FEED.read_bytes())
    settings = feeds.FeedSettings(categories=("cs.CL", "cs.LG"), base_url=httpserver.url_for("/rss/"))
    result = feeds.poll(settings, client, sleep=Sleeps())
    assert len(result.papers) == 7 and result.source == httpserver.url_for("/rss/cs.CL+cs.LG")
    assert len(httpserver.log) == 1


def test_poll_of_a_misspelled_category_fails_loudly(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/rss/astroph").respond_with_data(ERROR_FEED.read_bytes())
    settings = feeds.FeedSettings(categories=("astroph",), base_url=httpserver.url_for("/rss/"))
    with pytest.raises(SourceError, match="Bad categories: astroph"):
        feeds.poll(settings, client, sleep=Sleeps())


# --- enrichment on real text -----------------------------------------------------------------


def test_code_links_and_venues_found_in_the_real_day_feed(day: feeds.FeedResult) -> None:
    enriched = {p.arxiv_id: paper_facts.enrich(p) for p in day.papers}
    assert enriched["2411.17705"].code_url == "https://github.com/Kanyooo/EEG-DCNet"  # \href{...}{here}.
    assert enriched["2411.17876"].code_url == "https://github.com/aheldis/Toxicity-Classification"  # .git.
    assert enriched["2409.13694"].code_url == "https://github.com/USTCAGI/PruningRAG"  # \footnote{...},
    assert (
        enriched["2410.11112"].venue == "ICML 2024"
    )  # International Conference on Machine Learning (ICML) 2024
    assert (
        enriched["2411.18388"].venue == "IJCNN 2023"
    )  # 2023 International Joint Conference on Neural Networks
    assert enriched["2411.18428"].venue == "KDD 2025"  # abstract: "... the paper accepted by KDD 2025"
    venues = {p.venue for p in enriched.values() if p.venue}
    assert venues == {
        "ICML 2024",
        "IJCNN 2023",
        "KDD 2025",
        "IROS 2024",
        "NeurIPS 2024 Datasets and Benchmarks",
    }
    linked = [p for p in day.papers if "github.com/" in p.abstract]
    assert linked and all(enriched[p.arxiv_id].code_url.startswith("https://github.com/") for p in linked)
    assert not any(p.withdrawn for p in enriched.values())


def test_venues_from_real_api_comments_are_conservative() -> None:
    root = ET.parse(API_QUERY).getroot()
    comments = [
        e.findtext("arxiv:comment", default="", namespaces=NS) for e in root.findall("atom:entry", NS)
    ]
    assert any("ISSTA 2020" in c for c in comments)
    assert [paper_facts.find_venue("", c) for c in comments] == [None] * len(
        comments
    )  # software-testing venues


def test_code_links_in_the_2024_sample() -> None:
    found = {p.arxiv_id: urls.find_code_url(p.abstract) for p in feeds.read_papers(SAMPLE_2024)}
    assert "https://github.com/Cornell-RelaxML/quip-sharp" in found.values()
    assert all(
        url is None or re.fullmatch(r"https://(github\.com|gitlab\.com|huggingface\.co)/[^\s{}()]+", url)
        for url in found.values()
    )


@pytest.mark.parametrize(
    ("journal_ref", "comment", "venue"),
    [
        ("", "Accepted to ICML 2024", "ICML 2024"),
        ("", "ICLR 2025 (oral)", "ICLR 2025"),
        ("", "Published in NeurIPS 2023", "NeurIPS 2023"),
        ("", "EMNLP 2024 Findings", "EMNLP 2024 Findings"),
        ("", "Findings of the Association for Computational Linguistics: ACL 2024", "ACL 2024 Findings"),
        ("", "Accepted at NeurIPS'24 workshop on efficient ML; 9 pages", "NeurIPS 2024 Workshop"),
        ("", "Camera-ready for MLSys 2025", "MLSys 2025"),
        ("", "To appear in ISCA", "ISCA"),
        ("", "Submitted to ICML 2024", None),
        ("", "Under review at ICLR 2025", None),
        ("", "12 pages, 5 figures", None),
        ("", "Code at https://github.com/a/b", None),
        ("Phys. Rev. B 110(2024)174448", "", None),
        (
            "Proceedings of the 2024 Conference on Empirical Methods in Natural Language Processing",
            "",
            "EMNLP 2024",
        ),
        ("ICML 2023", "Accepted to NeurIPS 2024", "ICML 2023"),  # the journal reference wins
    ],
)
def test_find_venue(journal_ref: str, comment: str, venue: str | None) -> None:
    assert paper_facts.find_venue(journal_ref, comment) == venue


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Code: https://github.com/FasterDecoding/SnapKV.", "https://github.com/FasterDecoding/SnapKV"),
        ("see github.com/owner/repo/tree/main/src and more", "https://github.com/owner/repo"),
        (
            "https://github.com/JokerJohn/Cloud\\_Map\\_Evaluation}}.",
            "https://github.com/JokerJohn/Cloud_Map_Evaluation",
        ),
        (
            "weights https://huggingface.co/org/model, code https://github.com/org/code",
            "https://github.com/org/code",
        ),
        (
            "org https://github.com/SPARC-X) repo https://gitlab.com/grp/sub/proj/-/tree/main",
            "https://gitlab.com/grp/sub/proj",
        ),
        ("data at https://huggingface.co/datasets/org/set.", "https://huggingface.co/datasets/org/set"),
        ("page https://huggingface.co/papers/2405.00732 only", None),
        ("nothing here", None),
    ],
)
def test_find_code_url(text: str, url: str | None) -> None:
    assert urls.find_code_url(text) == url


@pytest.mark.parametrize(
    ("comment", "abstract", "withdrawn"),
    [
        ("This paper has been withdrawn by the author due to an error in Lemma 2", "", True),
        ("Withdrawn", "", True),
        ("", "This paper has been withdrawn.", True),
        ("12 pages", "We study drugs withdrawn from the market.", False),
    ],
)
def test_is_withdrawn(comment: str, abstract: str, withdrawn: bool) -> None:
    assert paper_facts.is_withdrawn(comment, abstract) is withdrawn


def test_enrich_keeps_values_already_set(day: feeds.FeedResult) -> None:
    paper = next(p for p in day.papers if p.arxiv_id == "2410.11112")
    assert paper_facts.enrich(replace(paper, venue="ICML 2024 (oral)")).venue == "ICML 2024 (oral)"


# --- dedupe ----------------------------------------------------------------------------------


def test_dedupe_keeps_each_id_once_preferring_new(day: feeds.FeedResult) -> None:
    first, second = day.papers[:2]
    cross_copy = replace(first, announce_type="cross", categories=("cs.LG",))
    replace_copy = replace(second, announce_type="replace", version=(second.version or 1) + 1)
    merged = feeds.dedupe([cross_copy, second, first, replace_copy, *day.papers[2:]])
    assert [p.arxiv_id for p in merged] == [p.arxiv_id for p in day.papers]
    assert merged[0] is first and merged[1] is second
    only_cross = Paper(arxiv_id="2411.17700", title="t", announce_type="cross")
    assert feeds.dedupe([only_cross, replace(only_cross, announce_type="replace-cross")]) == [only_cross]


@pytest.mark.parametrize(
    ("comment", "venue"),
    [
        ("Accepted at ICLR 2025 and NeurIPS 2024 workshop", "ICLR 2025"),
        ("Accepted at EMNLP 2024, an earlier version appeared in Findings of ACL 2023", "EMNLP 2024"),
        ("Accepted at NeurIPS 2024 (Datasets and Benchmarks Track)", "NeurIPS 2024 Datasets and Benchmarks"),
        ("Accepted at the ICML 2024 Workshop on Efficient Systems", "ICML 2024 Workshop"),
    ],
)
def test_a_new_lines_venue_takes_no_qualifier_of_another_venue(comment: str, venue: str) -> None:
    """The venue a PR line gets read "workshop" or "Findings" anywhere in the clause: a paper
    accepted at ICLR 2025 and at a NeurIPS workshop was proposed as "ICLR 2025 Workshop"."""
    assert paper_facts.find_venue("", comment) == venue


def test_a_retry_after_longer_than_the_longest_wait_fails_at_once(
    httpserver: HTTPServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    """arXiv asked to come back in an hour: the bot waited its five minutes and asked again, three
    times (a quarter of an hour of a CI runner, and requests arXiv had asked not to get), with no
    line in the log saying why the run was idle. Now a shorter wait is logged and a longer one is
    not waited for."""
    httpserver.expect_ordered_request("/rss").respond_with_data("", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/rss").respond_with_data(
        "", status=503, headers={"Retry-After": "3600"}
    )
    sleeps = Sleeps()
    with (
        caplog.at_level("INFO", logger="bot"),
        pytest.raises(SourceError, match=r"answered HTTP 503 and asks to wait 3600 s, longer than the 300 s"),
    ):
        feeds.fetch_feed(httpserver.url_for("/rss"), client, sleep=sleeps)
    assert sleeps == [7.0] and len(httpserver.log) == 2
    assert "could not fetch the arXiv feed (HTTP 429); trying again in 7 s" in caplog.text


def test_a_redirect_loop_is_a_source_error_not_a_crash(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/rss").respond_with_data("", status=302, headers={"Location": "/rss"})
    with pytest.raises(SourceError, match=r"could not read the arXiv feed .*TooManyRedirects.*base URL"):
        feeds.fetch_feed(httpserver.url_for("/rss"), client, sleep=Sleeps())


def test_a_body_that_does_not_decode_is_a_source_error_not_a_crash(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    """A proxy's "Content-Encoding: gzip" on a body that is not gzip (httpx's DecodingError is no
    TransportError: it went through as a traceback, exit code 3)."""
    httpserver.expect_request("/rss").respond_with_data(
        EMPTY_FEED.read_bytes(), headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(SourceError, match=r"could not read the arXiv feed .*DecodingError"):
        feeds.fetch_feed(httpserver.url_for("/rss"), client, sleep=Sleeps())


class _CutServer(http.server.ThreadingHTTPServer):
    """Answers 200 with the whole feed's length, sends ``cut`` bytes of it and closes, ``times``
    times; then the whole feed."""

    def __init__(self, body: bytes, cut: int, times: int) -> None:
        self.body, self.cut, self.times = body, cut, times
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                if outer.times > 0:
                    outer.times -= 1
                    self.wfile.write(outer.body[: outer.cut])
                    self.close_connection = True
                else:
                    self.wfile.write(outer.body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture()
def cut_server() -> Iterator[Callable[[int], str]]:
    servers: list[_CutServer] = []

    def start(times: int) -> str:
        server = _CutServer(DAY_FEED.read_bytes(), 1000, times)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/rss"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_connection_reset_mid_body_is_retried_then_fails_clearly(
    cut_server: Callable[[int], str], client: httpx.Client
) -> None:
    sleeps = Sleeps()
    assert feeds.fetch_feed(cut_server(1), client, sleep=sleeps) == DAY_FEED.read_bytes()
    assert sleeps == [5.0]
    with pytest.raises(
        SourceError, match=r"after 4 attempts \(last: RemoteProtocolError.*received 1000 bytes"
    ):
        feeds.fetch_feed(cut_server(10), client, sleep=Sleeps())


def test_a_server_trickling_its_answer_is_cut_at_the_timeout(client: httpx.Client) -> None:
    """httpx's timeout bounds each read, not the answer: a server sending a byte every now and then
    held the poll for as long as the feed lasted (a 2 MB feed at a byte a second: weeks). Each
    attempt now ends at the timeout, and is retried like any timeout."""
    body = EMPTY_FEED.read_bytes().ljust(2_000, b"\n")  # 10 s at 10 bytes every 0.05 s

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 10):
                self.wfile.write(body[start : start + 10])
                self.wfile.flush()
                time.sleep(0.05)  # far below the 0.5 s httpx waits for each read

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with pytest.raises(
            SourceError, match=r"after 2 attempts \(last: ReadTimeout: the answer took longer than 0.5 s"
        ):
            feeds.fetch_feed(
                f"http://127.0.0.1:{server.server_port}/rss", client, retries=1, timeout=0.5, sleep=Sleeps()
            )
        # two attempts of 0.5 s; the bound leaves a loaded machine 4 s, far below one whole answer (10 s)
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("sends", ["announced", "streamed"])
def test_an_answer_claiming_2_gb_is_refused_not_read_into_memory(
    sends: str, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server (a wrong base URL, a proxy) answering 200 with `Content-Length: 2000000000` and a
    body that keeps coming was read whole into memory, a GB in ten seconds on loopback, until the
    timeout: refused at once, announced, or once past the limit read (lowered here to 1 MB), one
    attempt, "could not read the arXiv feed" with what to check."""
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 1_000_000)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    answered = []

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                length = "2000000000" if sends == "announced" else ""
                head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                head += f"Content-Length: {length}\r\n" if length else "Connection: close\r\n"
                answered.append(sends)
                try:
                    conn.sendall(head.encode() + b"\r\n")
                    for _ in range(200):  # 200 MB if read to the end
                        conn.sendall(b"<!-- " + b"x" * (1 << 20) + b" -->")
                except OSError:
                    pass

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/rss"
    try:
        with pytest.raises(
            SourceError, match=r"could not read the arXiv feed .*AnswerTooLarge: the answer is"
        ):
            feeds.fetch_feed(url, client, retries=2, backoff=0.0, sleep=lambda _: None)
    finally:
        server.close()
    assert answered == [sends]
