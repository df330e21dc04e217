"""The arXiv resolver: arxiv.org paper links answered by the arXiv API in batches, not one HTTP
request (3 s apart, as arXiv asks) per link.

It claims ``abs``, ``pdf`` and ``html`` links on arxiv.org (also ``www.`` and ``export.``) whose
id ``bot.core.arxiv_ids`` reads, with or without a version, and looks their papers up 100 ids per API
call. What it answers:

- found: alive (200). A version newer than the API knows, and ``html`` pages (not every paper has
  one), are left to HTTP;
- withdrawn: alive, with the note ``withdrawn by its authors`` in ``error`` (``is_withdrawn``);
- unknown: dead (404, "arXiv has no paper <id>");
- a call that finds none of the ids it asked for (the API's empty answers are known to be flaky):
  its links are left to HTTP. The ids of a call that found none are asked once more at the end,
  each batch beside a paper already found: when that one is found, the answer is trusted;
- a call that fails (after its retries): the links of every paper not answered yet are unknown
  this run ("not checked: the arXiv API did not answer"), not left to HTTP, where arXiv's pace of
  one request every 3 s made thousands of links of a night take hours. A hiccup of the API never
  makes a link dead; ``check-links --no-resolvers`` checks them over HTTP on purpose.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from bot.core import arxiv_ids
from bot.errors import SourceError
from bot.linkcheck.model import LinkResult, Verdict
from bot.sources.arxiv_api import ApiSettings, ArxivLookup, LookupResult, LookupStatus, describe_failure
from bot.sources.arxiv_fetch import ApiUnavailable

log = logging.getLogger(__name__)

HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
WITHDRAWN_NOTE = "withdrawn by its authors"
API_UNAVAILABLE = "not checked: the arXiv API did not answer"  # the error of a link left unknown
_PATH_RE = re.compile(
    rf"^/(?P<kind>abs|pdf|html)/(?P<id>{arxiv_ids.NEW_ID}|{arxiv_ids.OLD_ID})"
    r"(?:v(?P<version>\d+))?(?P<suffix>\.pdf)?/?$"
)


class PaperLookup(Protocol):
    """What the resolver needs of ``bot.sources.arxiv_api.ArxivLookup``."""

    batch_size: int

    def lookup(self, ids: Iterable[str]) -> Mapping[str, LookupResult]: ...


@dataclass(frozen=True)
class PaperLink:
    """An arxiv.org link to one paper: its page kind (abs, pdf, html), id and version asked."""

    url: str
    kind: str
    arxiv_id: str
    version: int | None


def paper_link(url: str) -> PaperLink | None:
    """The paper an arxiv.org abs/pdf/html URL points at; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in HOSTS:
        return None
    try:
        if parts.port or parts.username or parts.query:
            return None
    except ValueError:  # a port that is no number: not a paper link (HTTP calls it invalid)
        return None
    match = _PATH_RE.match(parts.path)
    if not match or not arxiv_ids.is_valid(match["id"]) or (match["suffix"] and match["kind"] != "pdf"):
        return None
    version = int(match["version"]) if match["version"] else None
    return PaperLink(url, match["kind"], match["id"], version)


def is_withdrawn(result: LinkResult) -> bool:
    """True for a link whose paper its authors withdrew (alive, but worth a maintainer's look)."""
    return result.verdict is Verdict.ALIVE and WITHDRAWN_NOTE in (result.error or "")


class ArxivResolver:
    """Answers the link checker for arxiv.org paper links from one batched arXiv API lookup."""

    name = "arxiv"

    def __init__(self, lookup: PaperLookup) -> None:
        self._lookup = lookup

    @classmethod
    def from_config(cls, sources: Mapping[str, Any]) -> ArxivResolver:
        """From ``bot.config.load("sources")`` (its ``api:`` part: endpoint, pacing, retries)."""
        return cls(ArxivLookup.from_settings(ApiSettings.from_config(dict(sources))))

    def claims(self, url: str) -> bool:
        return paper_link(url) is not None

    def resolve(self, urls: Sequence[str]) -> dict[str, LinkResult]:
        links = [link for link in map(paper_link, urls) if link]
        ids = list(dict.fromkeys(link.arxiv_id for link in links))
        papers: dict[str, LookupResult] = {}
        failure = self._papers(ids, papers)
        if failure is not None:
            log.warning(
                "the arXiv lookup failed, so the links of %d papers are not checked this run (unknown, "
                "not dead; `check-links --no-resolvers` checks them over HTTP): %s",
                len(set(ids) - papers.keys()),
                failure,
            )
        why = _short_reason(failure) if failure is not None else ""
        answers = {}
        for link in links:
            answer = _resolved(link, papers.get(link.arxiv_id), why)
            if answer is not None:
                answers[link.url] = answer
        return answers

    def _papers(self, ids: list[str], papers: dict[str, LookupResult]) -> SourceError | None:
        """Look ``ids`` up into ``papers``, one API call per batch; the failure of a call (None when
        none failed). The ids of a call that found none are asked again beside a paper already found (the
        anchor): 100 unknown ids, checked first as the nightly job orders its failing links, made a
        batch of their own and went to HTTP, 3 s a link."""
        size = max(1, self._lookup.batch_size)
        found_none, failure = self._ask(
            [ids[start : start + size] for start in range(0, len(ids), size)], papers
        )
        anchor = next((i for i, r in papers.items() if r.status is LookupStatus.FOUND), None)
        if found_none and anchor is not None and size > 1 and failure is None:
            step = size - 1
            _, failure = self._ask(
                [[*found_none[s : s + step], anchor] for s in range(0, len(found_none), step)], papers
            )
        return failure

    def _ask(
        self, batches: list[list[str]], papers: dict[str, LookupResult]
    ) -> tuple[list[str], SourceError | None]:
        """Look ``batches`` up into ``papers``, one call each, none after a failing call: the ids of
        the calls that found none of them (not trusted: the API's empty answers are flaky), and the
        failure of a call (None when none failed)."""
        found_none: list[str] = []
        for batch in batches:
            try:
                results = self._lookup.lookup(batch)
            except SourceError as exc:
                return found_none, exc
            if any(r.status in (LookupStatus.FOUND, LookupStatus.WITHDRAWN) for r in results.values()):
                papers.update(results)
            else:
                found_none += batch
        return found_none, None


def _short_reason(failure: SourceError) -> str:
    """What failed in a few words ("HTTP 503", "timed out"), for each link's record (the log line
    has the whole message, with the papers it was asking for)."""
    unavailable = failure.__cause__
    if isinstance(unavailable, ApiUnavailable) and isinstance(unavailable.__cause__, Exception):
        return describe_failure(unavailable.__cause__)
    return str(failure)


def _resolved(link: PaperLink, result: LookupResult | None, failure: str = "") -> LinkResult | None:
    """The verdict for one link, or None to leave it to HTTP; ``failure``: why the API stopped
    answering (its papers not answered are unknown, not left to HTTP at arXiv's pace)."""
    if result is None and failure:
        return LinkResult.not_checked(link.url, API_UNAVAILABLE, failure, ArxivResolver.name)
    if result is None or result.status is LookupStatus.MALFORMED:
        return None
    if result.status is LookupStatus.UNKNOWN:
        return LinkResult(
            link.url,
            Verdict.DEAD,
            status=404,
            final_url=link.url,
            error=f"arXiv has no paper {link.arxiv_id}",
            source=ArxivResolver.name,
        )
    latest = result.paper.version if result.paper else None
    if link.kind == "html" or (link.version and latest and link.version > latest):
        return None  # the paper exists, but this page may not: HTTP says
    note = f"arXiv {link.arxiv_id} was {WITHDRAWN_NOTE}" if result.status is LookupStatus.WITHDRAWN else None
    return LinkResult(
        link.url, Verdict.ALIVE, status=200, final_url=link.url, error=note, source=ArxivResolver.name
    )
