"""Polite bulk reads of the arXiv API through the ``arxiv`` package: papers by id (100 a request) for
``enrich``, and search pages (category and submission-date range) for ``backfill``.

The ``arxiv`` package builds the URLs and parses the Atom answers; this module paces the calls
(``delay_seconds`` apart, 3 s as arXiv asks), retries failed ones with a growing pause, and counts
them. The clock and the sleep are injected, so tests run without waiting.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import arxiv
import requests

from bot.core import arxiv_ids
from bot.core.latex import latex_accents
from bot.core.paper import Paper
from bot.core.paper_store import PaperRecord, github_links
from bot.core.text import clean_inline, clean_title
from bot.errors import SourceError
from bot.http_retry import parse_retry_after
from bot.sources.arxiv_api import MAX_BATCH, ApiSettings, OnePageClient, describe_failure
from bot.sources.paper_facts import is_withdrawn

MAX_PAGE = 2000  # the API serves at most 2000 results per call
MAX_RETRY_AFTER = 300.0  # the longest Retry-After waited for (as the RSS feed's)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchPage:
    results: tuple[arxiv.Result, ...]
    total: int  # opensearch:totalResults
    start: int


class ApiUnavailable(SourceError):
    """The API did not answer after the retries; ``failure`` says what was asked and what failed."""

    def __init__(self, failure: str) -> None:
        super().__init__(
            f"{failure}. arXiv is busy or down: run the job again later, it resumes where it stopped"
        )
        self.failure = failure


class WaitTooLong(ApiUnavailable):
    """A 429 or 503 asked to wait longer than ``MAX_RETRY_AFTER``: not waited for."""


class PoliteApi:
    """One arXiv API session: ``delay_seconds`` between calls, ``retries`` per call, counted."""

    def __init__(
        self,
        settings: ApiSettings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        client: arxiv.Client | None = None,
    ) -> None:
        self.settings = settings
        # the package's own pacing and retries are off: they sleep on the wall clock
        self.client = client or OnePageClient(dataclasses.replace(settings, delay_seconds=0.0, retries=0))
        self.sleep, self.clock = sleep, clock
        self.requests = 0
        self._last: float | None = None

    def _pace(self) -> None:
        if self._last is not None:
            wait = self.settings.delay_seconds - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)

    def _get(self, search: arxiv.Search, start: int, size: int, what: str) -> arxiv.ParsedFeed:
        url = self.client._format_url(search, start, size)
        last: Exception | None = None
        for attempt in range(self.settings.retries + 1):
            if attempt:
                wait = self._wait(last, attempt, what)
                log.info(
                    "arXiv API: %s failed (%s); trying again in %.0f s", what, describe_failure(last), wait
                )
                self.sleep(wait)
            self._pace()
            self.requests += 1
            try:
                return self.client._parse_feed(url, first_page=True)
            except (arxiv.ArxivError, requests.RequestException) as exc:
                last = exc
            finally:
                self._last = self.clock()
        endpoint = self.settings.query_url
        raise ApiUnavailable(
            f"the arXiv API {endpoint} did not answer {what} after {self.settings.retries + 1} "
            f"attempts (last: {describe_failure(last)})"
        ) from last

    def _wait(self, failure: Exception | None, attempt: int, what: str) -> float:
        """Before retry ``attempt``: what a 429 or 503 asked for in its Retry-After, else the
        growing pause. A Retry-After over ``MAX_RETRY_AFTER`` is not waited for (nor asked early)."""
        backoff = float(self.settings.delay_seconds * 2**attempt)
        if not (isinstance(failure, arxiv.HTTPError) and failure.status in (429, 503)):
            return backoff
        asked = parse_retry_after(getattr(self.client, "retry_after", None))
        if asked is None:
            return backoff
        if asked > MAX_RETRY_AFTER:
            raise WaitTooLong(
                f"the arXiv API {self.settings.query_url} answered {describe_failure(failure)} to {what} "
                f"and asks to wait {asked:.0f} s, longer than the {MAX_RETRY_AFTER:.0f} s the bot waits"
            ) from failure
        return max(asked, self.settings.delay_seconds)

    def lookup(self, ids: Sequence[str], what: str = "") -> list[arxiv.Result]:
        """The API's entries for at most 100 ids (one request); unknown ids are simply absent.
        ``what`` names the request in the log and errors (default: the first id and how many more)."""
        if not 1 <= len(ids) <= MAX_BATCH:
            raise ValueError(f"1..{MAX_BATCH} ids per request, not {len(ids)}")
        search = arxiv.Search(id_list=list(ids), max_results=len(ids))
        feed = self._get(search, 0, len(ids), what or f"the lookup of {ids[0]} and {len(ids) - 1} more")
        return [r for r in feed.results if "/api/errors" not in r.entry_id]

    def search(self, query: str, start: int, size: int) -> SearchPage:
        """One page of a search, oldest submissions first."""
        search = arxiv.Search(
            query=query,
            max_results=None,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        feed = self._get(search, start, min(size, MAX_PAGE), f"the search page at {start} of {query!r}")
        results = tuple(r for r in feed.results if "/api/errors" not in r.entry_id)
        return SearchPage(results, feed.header.total_results, start)


def split_id(result: arxiv.Result) -> tuple[str, int] | None:
    """(id without version, version) of an API entry; None for anything that is not a paper."""
    short = result.get_short_id()
    arxiv_id = arxiv_ids.normalize(short)
    if not arxiv_ids.is_valid(arxiv_id):
        return None
    version = short[len(arxiv_id) + 1 :]
    return arxiv_id, int(version) if version.isdigit() else 1


def record_from_result(result: arxiv.Result, today: datetime.date) -> PaperRecord | None:
    """An API entry as a store line (None for the API's error entries and malformed ids)."""
    split = split_id(result)
    if split is None:
        return None
    arxiv_id, version = split
    abstract, comment = " ".join(result.summary.split()), result.comment or ""
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=clean_title(latex_accents(result.title)),
        authors=tuple(clean_inline(latex_accents(a.name)) for a in result.authors),
        abstract=abstract,
        primary_category=result.primary_category or "",
        categories=tuple(result.categories or ()),
        published=result.published.date().isoformat(),
        updated=result.updated.date().isoformat(),
        versions=version,
        journal_ref=result.journal_ref or "",
        doi=(result.doi or "").strip(),
        comment=comment,
        code_links=github_links(f"{abstract}\n{comment}"),
        withdrawn=is_withdrawn(comment, abstract),
        fetched=today.isoformat(),
    )


def paper_from_record(record: PaperRecord, venue: str = "") -> Paper:
    """A store line as the ``Paper`` the scorer and the proposals read."""
    return Paper(
        arxiv_id=record.arxiv_id,
        title=record.title,
        abstract=record.abstract,
        authors=record.authors,
        categories=(record.primary_category, *record.categories)
        if record.primary_category
        else record.categories,
        version=record.versions,
        date=record.published,
        comment=record.comment,
        journal_ref=record.journal_ref,
        doi=record.doi,
        code_url=record.code_links[0] if record.code_links else "",
        venue=venue,
        withdrawn=record.withdrawn,
    )


def batches(ids: Iterable[str], size: int = MAX_BATCH) -> list[list[str]]:
    items = list(ids)
    return [items[i : i + size] for i in range(0, len(items), size)]


__all__ = [
    "MAX_PAGE",
    "PoliteApi",
    "SearchPage",
    "WaitTooLong",
    "batches",
    "paper_from_record",
    "record_from_result",
    "split_id",
]
