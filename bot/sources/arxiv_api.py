"""Paper metadata by arXiv id, through the ``arxiv`` package (v4), for issue commands like ``/add``.

``ArxivLookup.lookup(ids)`` answers every id with a ``LookupResult``: found (a ``Paper``),
withdrawn, unknown (arXiv has no such paper), or malformed (not an arXiv id; no call is made).
Ids go out in batches, one ``id_list`` query per batch, through ``arxiv_fetch.PoliteApi`` as the
bulk reads: ``delay_seconds`` (3 s) between calls, failed calls (429, 503, any non-200, connection
errors, a page that is not an API answer) retried ``retries`` times with a growing pause, or after
the ``Retry-After`` a 429 or 503 names (one over 5 minutes is not waited for). A failure raises
``SourceError``.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import arxiv
import requests
from requests.adapters import HTTPAdapter

from bot.core import arxiv_ids
from bot.core.latex import latex_accents
from bot.core.paper import Paper
from bot.core.text import clean_inline, clean_title
from bot.errors import SourceError
from bot.sources.arxiv_rss import USER_AGENT
from bot.sources.paper_facts import enrich

if TYPE_CHECKING:
    from bot.sources.arxiv_fetch import PoliteApi

DEFAULT_QUERY_URL = "https://export.arxiv.org/api/query"
MAX_BATCH = 100


class LookupStatus(str, enum.Enum):
    FOUND = "found"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"  # a well-formed id arXiv has no paper for
    MALFORMED = "malformed"  # not an arXiv id at all


@dataclass(frozen=True)
class LookupResult:
    query: str  # the id as it was asked for
    status: LookupStatus
    arxiv_id: str | None = None  # without version; None when malformed
    paper: Paper | None = None  # set when found or withdrawn

    @property
    def found(self) -> bool:
        return self.status is LookupStatus.FOUND


@dataclass(frozen=True)
class ApiSettings:
    """The ``api:`` part of config/sources.yml."""

    query_url: str = DEFAULT_QUERY_URL
    delay_seconds: float = 3.0
    retries: int = 3
    batch_size: int = MAX_BATCH
    timeout_seconds: float = 30.0
    user_agent: str = USER_AGENT

    @classmethod
    def from_config(cls, sources: dict[str, Any]) -> ApiSettings:
        """From ``bot.config.load("sources")``."""
        return cls(**(sources.get("api") or {}))


class _PoliteAdapter(HTTPAdapter):
    """The arxiv package sends requests without a timeout and as "arxiv.py/x"; this adapter adds
    a timeout and names the bot in the User-Agent. The timeout bounds the whole answer: requests'
    bounds each read, so a server sending a few bytes now and then held the run as long as it
    lasted."""

    def __init__(self, timeout: float, user_agent: str) -> None:
        super().__init__()
        self.timeout = timeout
        self.user_agent = f"{user_agent} arxiv.py/{arxiv.__version__}"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        request.headers["User-Agent"] = self.user_agent
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if kwargs.get("stream"):
            return super().send(request, **kwargs)
        deadline = time.monotonic() + self.timeout
        response = super().send(request, **{**kwargs, "stream": True})
        chunks: list[bytes] = []
        # read1: what one read of the socket gives (urllib3 2; an older one's read waits for 64 KiB)
        read = getattr(response.raw, "read1", None) or response.raw.read
        try:
            while chunk := read(65536, decode_content=True):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise requests.ReadTimeout(
                        f"the answer took longer than {self.timeout:g} s", request=request, response=response
                    )
        finally:
            response.close()
        response._content = b"".join(chunks)
        return response


class NotAnAnswer(arxiv.ArxivError):
    """HTTP 200 with something that is not the API's Atom feed (a blank page, an HTML error page):
    read as a feed, it has no entries and a total of 0, which would say "no such paper" or end a
    search early. It is retried like a 503."""


def is_api_answer(feed: arxiv.ParsedFeed) -> bool:
    """An Atom answer of the API: it parses, and it has entries or the API's opensearch header
    (``itemsPerPage`` is the ``max_results`` asked, never 0, even when nothing matched)."""
    return not feed.malformed and (bool(feed.results) or feed.header.items_per_page > 0)


class OnePageClient(arxiv.Client):
    """An ``arxiv.Client`` that reads one page per search: an ``id_list`` answer is always one page.

    When a batch holds an unknown id, arXiv may report more ``totalResults`` than it lists
    (lukasschwab/arxiv.py#82); the stock client then asks for a second page, gets an empty one and
    retries it. Pacing (``delay_seconds``) and retries of each call are the stock client's; an
    answer that is not the API's feed (``NotAnAnswer``) is retried too.
    """

    def __init__(self, settings: ApiSettings) -> None:
        super().__init__(
            page_size=settings.batch_size, delay_seconds=settings.delay_seconds, num_retries=settings.retries
        )
        self.query_url_format = settings.query_url.rstrip("?") + "?{}"
        adapter = _PoliteAdapter(settings.timeout_seconds, settings.user_agent)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self.retry_after: str | None = None  # the last answer's Retry-After (arxiv.HTTPError has none)
        self._session.hooks["response"].append(self._note_retry_after)

    def _note_retry_after(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.retry_after = response.headers.get("Retry-After")

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> arxiv.ParsedFeed:
        feed = super()._parse_feed(url, first_page=first_page, _try_index=_try_index)
        if is_api_answer(feed):
            return feed
        if _try_index < self.num_retries:
            return self._parse_feed(url, first_page=first_page, _try_index=_try_index + 1)
        reason = f"the page has no Atom feed ({feed.error})" if feed.error else "no opensearch header"
        raise NotAnAnswer(url, _try_index, f"not an arXiv API answer: {reason}")

    def _results(self, search: arxiv.Search, offset: int = 0) -> Generator[arxiv.Result, None, None]:
        url = self._format_url(search, offset, self.page_size)
        yield from self._parse_feed(url, first_page=True).results


class ArxivLookup:
    """Looks papers up by id, through a ``PoliteApi`` (``from_settings`` builds one)."""

    def __init__(self, api: PoliteApi, batch_size: int = MAX_BATCH) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}, not {batch_size}")
        self.api = api
        self.batch_size = batch_size

    @classmethod
    def from_settings(cls, settings: ApiSettings, sleep: Callable[[float], None] = time.sleep) -> ArxivLookup:
        from bot.sources.arxiv_fetch import PoliteApi  # it builds on this module

        return cls(PoliteApi(settings, sleep=sleep), settings.batch_size)

    def lookup(self, ids: Iterable[str]) -> dict[str, LookupResult]:
        """One result per distinct query, keyed by the query as given (bare id, ``v2`` version,
        ``arXiv:`` prefix or abs/pdf URL), in the order given."""
        queries = list(dict.fromkeys(q.strip() for q in ids))
        wanted = {q: arxiv_ids.parse_user_id(q) for q in queries}
        valid = list(dict.fromkeys(i for i in wanted.values() if i))
        papers: dict[str, Paper] = {}
        for batch in _batches(valid, self.batch_size):
            papers.update(self._fetch(batch))
        return {q: _result(q, wanted[q], papers) for q in queries}

    def _fetch(self, batch: list[str]) -> dict[str, Paper]:
        """The papers of one batch (one id_list query), by id; missing ids are unknown."""
        from bot.sources.arxiv_fetch import ApiUnavailable, WaitTooLong

        more = f" and {len(batch) - 1} more" if len(batch) > 1 else ""
        try:
            results = self.api.lookup(batch, f"the lookup of {batch[0]}{more}")
        except WaitTooLong as exc:
            raise SourceError(f"{exc.failure}; nothing was changed, try again after that.") from exc
        except ApiUnavailable as exc:
            raise SourceError(
                f"{exc.failure}. arXiv is busy or down; nothing was changed, try again in a few minutes."
            ) from exc
        papers: dict[str, Paper] = {}
        for result in results:
            paper = paper_from_result(result)
            if paper is not None and paper.arxiv_id in batch:
                papers[paper.arxiv_id] = paper
        return papers


def describe_failure(exc: Exception | None) -> str:
    """A short reason: "HTTP 503", "connection refused or reset", "timed out"."""
    if isinstance(exc, arxiv.HTTPError):
        return f"HTTP {exc.status}"
    if isinstance(exc, NotAnAnswer):
        return "not an arXiv API answer (HTTP 200, but a blank or HTML page)"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection refused or reset"
    return f"{type(exc).__name__}: {exc}"


def _result(query: str, arxiv_id: str | None, papers: dict[str, Paper]) -> LookupResult:
    if arxiv_id is None:
        return LookupResult(query, LookupStatus.MALFORMED)
    paper = papers.get(arxiv_id)
    if paper is None:
        return LookupResult(query, LookupStatus.UNKNOWN, arxiv_id)
    status = LookupStatus.WITHDRAWN if paper.withdrawn else LookupStatus.FOUND
    return LookupResult(query, status, arxiv_id, paper)


def paper_from_result(result: arxiv.Result) -> Paper | None:
    """An API entry as an enriched Paper; None for the API's error entries (``/api/errors#...``)
    and for a paper whose title is nothing once its markup is removed (no entry can show it)."""
    if "/api/errors" in result.entry_id or not clean_title(result.title):
        return None
    short_id = result.get_short_id()
    arxiv_id = arxiv_ids.normalize(short_id)
    if not arxiv_ids.is_valid(arxiv_id):
        return None
    version = short_id[len(arxiv_id) + 1 :] if short_id != arxiv_id else ""
    categories = [result.primary_category] + [c for c in result.categories if c != result.primary_category]
    paper = Paper(
        arxiv_id=arxiv_id,
        version=int(version) if version.isdigit() else None,
        title=clean_title(result.title),
        abstract=" ".join(result.summary.split()),
        authors=tuple(clean_inline(latex_accents(a.name)) for a in result.authors),
        categories=tuple(c for c in categories if c),
        date=result.published.date().isoformat(),
        comment=clean_inline(result.comment or ""),
        journal_ref=clean_inline(result.journal_ref or ""),
        doi=(result.doi or "").strip(),
    )
    return enrich(paper)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = [
    "ApiSettings",
    "ArxivLookup",
    "LookupResult",
    "LookupStatus",
    "NotAnAnswer",
    "OnePageClient",
    "is_api_answer",
    "paper_from_result",
]
