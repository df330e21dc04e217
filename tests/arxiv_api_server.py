"""A local arXiv API (``/api/query``) on 127.0.0.1, answering from seeded paper metadata in the Atom
shape of the real API (see the recorded answers in ``fixtures/arxiv``: opensearch totals, ``<id>``
with the version, ``arxiv:comment``, ``arxiv:journal_ref``, ``arxiv:doi``, ``arxiv:primary_category``).

It answers:
- ``id_list=a,b,c`` (batched lookups): one entry per known id, in the order asked; unknown ids are
  left out, as arXiv does;
- ``search_query=cat:X AND submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` (also ``(cat:A OR cat:B)``),
  sorted by submission date, paged with ``start`` and ``max_results`` (at most 2000, as arXiv).

Every request is logged (``log``, and when it came: ``times``); ``fail(n, status, retry_after)`` makes the next ``n`` requests fail
(with that Retry-After header);
``blank(n, body)`` makes them answer HTTP 200 with something that is not an Atom feed (a blank
page, an HTML error page), as the real API sometimes does.
"""

from __future__ import annotations

import datetime
import gzip
import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

logging.getLogger("werkzeug").setLevel(logging.ERROR)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "arxiv"
_CAT = re.compile(r"cat:([A-Za-z.-]+)")
_DATES = re.compile(r"submittedDate:\[(\d{8,14}) TO (\d{8,14})\]")


@dataclass
class Meta:
    """What the server knows of one paper (the fields the real API returns)."""

    arxiv_id: str
    title: str
    authors: list[str]
    abstract: str = ""
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])  # primary first
    published: str = "2024-01-01T00:00:00Z"
    updated: str = ""
    version: int = 1
    comment: str = ""
    journal_ref: str = ""
    doi: str = ""

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Meta:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def entry_xml(m: Meta) -> str:
    vid = f"{m.arxiv_id}v{m.version}"
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(m.title)}</title>",
        f"    <updated>{m.updated or m.published}</updated>",
        f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(m.abstract)}</summary>",
        *(
            f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>'
            for c in m.categories
        ),
        f"    <published>{m.published}</published>",
    ]
    if m.comment:
        parts.append(f"    <arxiv:comment>{escape(m.comment)}</arxiv:comment>")
    parts.append(f"    <arxiv:primary_category term={quoteattr(m.categories[0])}/>")
    if m.journal_ref:
        parts.append(f"    <arxiv:journal_ref>{escape(m.journal_ref)}</arxiv:journal_ref>")
    parts += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in m.authors]
    if m.doi:
        parts.append(f"    <arxiv:doi>{escape(m.doi)}</arxiv:doi>")
        parts.append(f'    <link rel="related" href="https://doi.org/{escape(m.doi)}" title="doi"/>')
    parts.append("  </entry>")
    return "\n".join(parts)


def feed_xml(query: str, entries: list[Meta], total: int, start: int, per_page: int) -> str:
    return (
        "\n".join(
            [
                "<?xml version='1.0' encoding='UTF-8'?>",
                '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"'
                ' xmlns="http://www.w3.org/2005/Atom">',
                "  <id>https://arxiv.org/api/local</id>",
                f"  <title>arXiv Query: {escape(query)}</title>",
                "  <updated>2026-04-12T22:10:19Z</updated>",
                f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>",
                f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
                f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
                *(entry_xml(m) for m in entries),
                "</feed>",
            ]
        )
        + "\n"
    )


class ArxivApiServer:
    def __init__(self, papers: Iterable[Meta] = ()) -> None:
        self.papers: dict[str, Meta] = {}
        self.seed(papers)
        self.log: list[dict[str, str]] = []
        self.times: list[float] = []  # when each request came (time.monotonic)
        self._failures: list[tuple[int, str | None]] = []
        self._empty = 0
        self._empty_lookups = 0
        self._blank: list[str] = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/query"

    def seed(self, papers: Iterable[Meta]) -> None:
        for paper in papers:
            self.papers[paper.arxiv_id] = paper

    def fail(self, times: int = 1, status: int = 503, retry_after: str | None = None) -> None:
        self._failures += [(status, retry_after)] * times

    def blank(self, times: int = 1, body: str = "") -> None:
        self._blank += [body] * times

    def empty_lookups(self, times: int = 1) -> None:
        """The next ``times`` id_list lookups come back as a well-formed feed with no entries, as
        the API sometimes answers for papers it has (lukasschwab/arxiv.py#129)."""
        self._empty_lookups += times

    def empty_pages(self, times: int = 1) -> None:
        """The next ``times`` search pages come back empty, with the right total (as arXiv's API
        sometimes answers in the middle of a search)."""
        self._empty += times

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        args = {k: request.args[k] for k in request.args}
        self.times.append(time.monotonic())
        self.log.append(args)
        if self._failures:
            status, retry_after = self._failures.pop(0)
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return Response("busy", status=status, headers=headers)(environ, start_response)
        if self._blank:
            return Response(self._blank.pop(0), content_type="text/html")(environ, start_response)
        start = int(args.get("start", "0") or 0)
        size = min(int(args.get("max_results", "10") or 10), 2000)
        if args.get("id_list"):
            # arXiv answers an old-style id under its id without subject class (math.GT/0309136 is
            # math/0309136, the id of arXiv's metadata)
            wanted = [re.sub(r"^([a-z-]+)\.[A-Z]{2}/", r"\1/", i.strip()) for i in args["id_list"].split(",")]
            found = [
                self.papers[re.sub(r"v\d+$", "", i)] for i in wanted if re.sub(r"v\d+$", "", i) in self.papers
            ]
            page, total = found[start : start + size], len(found)
            if self._empty_lookups:
                self._empty_lookups -= 1
                page, total = [], 0
        else:
            matching = self.search(args.get("search_query", ""))
            page, total = matching[start : start + size], len(matching)
            if self._empty:
                self._empty -= 1
                page = []
        query = "&".join(f"{k}={v}" for k, v in args.items())
        body = feed_xml(query, page, total, start, size)
        return Response(body, content_type="application/atom+xml; charset=utf-8")(environ, start_response)

    def search(self, query: str) -> list[Meta]:
        categories = set(_CAT.findall(query))
        dates = _DATES.search(query)
        low, high = (dates.group(1), dates.group(2)) if dates else ("0", "9")

        def submitted(m: Meta) -> str:
            return re.sub(r"\D", "", m.published)[: len(low)]

        hits = [
            m
            for m in self.papers.values()
            if (not categories or categories & set(m.categories)) and low <= submitted(m) <= high[: len(low)]
        ]
        return sorted(hits, key=lambda m: (m.published, m.arxiv_id))

    def requests_for(self, key: str) -> list[dict[str, str]]:
        return [a for a in self.log if a.get(key)]


def load_metadata(path: Path) -> list[Meta]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [Meta.of(json.loads(line)) for line in handle if line.strip()]


def synthetic(arxiv_id: str, title: str = "", index: int = 0, **fields: Any) -> Meta:
    """Invented metadata for an id: deterministic author names, a dated first version."""
    year, month = 2000 + int(arxiv_id[:2]), int(arxiv_id[2:4])
    published = datetime.datetime(year, month, 1 + index % 27, 12, 0, tzinfo=datetime.UTC)
    data: dict[str, Any] = {
        "arxiv_id": arxiv_id,
        "title": title or f"Synthetic paper {arxiv_id}",
        "authors": [f"Author{n} Of{arxiv_id.replace('.', 'x')}" for n in range(1, 2 + index % 6)],
        "abstract": f"An abstract for {arxiv_id}.",
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    data.update(fields)
    return Meta.of(data)


@pytest.fixture
def arxiv_api() -> Iterator[ArxivApiServer]:
    server = ArxivApiServer()
    yield server
    server.close()


__all__ = ["ArxivApiServer", "Meta", "arxiv_api", "entry_xml", "feed_xml", "load_metadata", "synthetic"]
