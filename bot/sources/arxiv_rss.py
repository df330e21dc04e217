"""arXiv as a paper source: the RSS service and offline feed/JSONL files.

- ``feed_url`` + ``fetch_feed``: one polite HTTP request for all configured categories.
- ``poll``: fetch and parse today's feed. Parsing an RSS 2.0 or Atom document is
  ``bot.sources.feed_parse`` (``parse_feed`` -> ``FeedResult``; imported here too).
- ``read_papers``: the ``--feed FILE`` path: an RSS/Atom file, or JSONL (gzipped or not).
- ``dedupe``: one paper per id when categories overlap.

The code link, venue and withdrawn notice of a paper's text are ``bot.sources.paper_facts``.
"""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.core import arxiv_ids
from bot.core.paper import Paper
from bot.core.text import clean_inline, clean_title, numbered_lines
from bot.errors import ConfigError, SourceError
from bot.http_retry import RetryPolicy, is_retryable_status, parse_retry_after, read_within
from bot.sources.feed_parse import ID_VERSION, FeedResult, parse_feed, split_authors

log = logging.getLogger(__name__)
DEFAULT_BASE = "https://rss.arxiv.org/rss/"
DEFAULT_CATEGORIES = ("cs.CL", "cs.LG", "cs.AI", "cs.DC", "cs.AR", "cs.PF")
USER_AGENT = "catalog-bot/0.1 (keeps a curated list of papers; one request per run)"
# a day of the feed is a few MB (the 2024-11-28 day of six categories, trimmed: 0.5 MB); a body past this
# (a wrong URL, a proxy, a broken server announcing 2 GB) is refused before it fills the memory
MAX_FEED_BYTES = 100_000_000
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
# a recorded day of arXiv shipped with the package: what poll and score read offline by default
PACKAGED_SAMPLE_FEED = Path(__file__).resolve().parents[1] / "samples" / "arxiv-sample-feed.xml"

_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")


def is_category(name: str) -> bool:
    """An arXiv category (``cs.CL``) or a whole archive (``cs``, ``q-bio``), by its form."""
    return bool(_CATEGORY.match(name))


# --- feed URL and fetching -------------------------------------------------------------------


def feed_url(categories: Sequence[str], base: str = DEFAULT_BASE) -> str:
    """The one RSS URL for all ``categories`` (joined with ``+``), e.g. ``.../rss/cs.CL+cs.LG``."""
    if not categories:
        raise ConfigError(
            "no arXiv categories configured: set `feed.categories` in config/sources.yml, "
            f"e.g. [{', '.join(DEFAULT_CATEGORIES)}]."
        )
    bad = [c for c in categories if not _CATEGORY.match(c)]
    if bad:
        raise ConfigError(
            f"not arXiv category names: {', '.join(map(repr, bad))}. In `feed.categories` of "
            "config/sources.yml use names like cs.CL or cs (https://arxiv.org/category_taxonomy)."
        )
    return base.rstrip("/") + "/" + "+".join(categories)


def fetch_feed(
    url: str,
    http_client: httpx.Client,
    retries: int = 3,
    backoff: float = 5.0,
    *,
    timeout: float = 30.0,
    user_agent: str = USER_AGENT,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = 300.0,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """GET ``url`` and return its body. Connection errors, timeouts, 429 and 5xx are retried up to
    ``retries`` times, waiting ``backoff * 2**n`` seconds or the server's Retry-After; a Retry-After
    longer than ``max_wait`` is not waited for. Other statuses, an answer that cannot be read
    (a redirect loop, a body that does not decode), a failure after the last retry: SourceError.
    ``timeout`` bounds each attempt as a whole, the body's trickle too."""
    policy = RetryPolicy(max_attempts=retries + 1, backoff_seconds=backoff, max_wait_seconds=max_wait)
    problem = ""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            response = _get(http_client, url, user_agent, timeout, clock)
        except httpx.TransportError as exc:  # refused, reset, DNS, timeouts
            problem, asked = f"{type(exc).__name__}: {exc}", None
        except httpx.RequestError as exc:  # too many redirects, an undecodable body: not transient
            raise SourceError(
                f"could not read the arXiv feed {url} ({type(exc).__name__}: {exc}). Check the feed "
                "base URL in config/sources.yml and any proxy in between; nothing was changed."
            ) from exc
        else:
            if response.status_code == 200:
                return response.content
            if not is_retryable_status(response.status_code):
                raise SourceError(
                    f"the arXiv feed {url} answered HTTP {response.status_code}. Check the "
                    "feed base URL and categories in config/sources.yml."
                )
            problem = f"HTTP {response.status_code}"
            asked = parse_retry_after(response.headers.get("Retry-After"))
        if policy.gives_up(attempt):
            break
        delay = policy.delay(attempt, asked)
        if delay > policy.max_wait_seconds:
            raise SourceError(
                f"the arXiv feed {url} answered {problem} and asks to wait {delay:.0f} s, longer than "
                f"the {policy.max_wait_seconds:.0f} s the bot waits; nothing was changed, retry the "
                "run later."
            )
        log.info("could not fetch the arXiv feed (%s); trying again in %.0f s", problem, delay)
        sleep(delay)
    raise SourceError(
        f"could not fetch the arXiv feed {url} after {retries + 1} attempts (last: {problem}). "
        "arXiv may be down or rate-limiting; nothing was changed, retry the run later."
    )


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: httpx.Headers
    content: bytes


def _get(
    http_client: httpx.Client, url: str, user_agent: str, timeout: float, clock: Callable[[], float]
) -> _Answer:
    """One GET, its body read within ``timeout`` seconds in all: httpx's timeout is per read, so
    a server sending a byte now and then held the run for as long as the body lasted."""
    deadline = clock() + timeout
    request = http_client.build_request("GET", url, headers={"User-Agent": user_agent}, timeout=timeout)
    response = http_client.send(request, stream=True, follow_redirects=True)
    body = read_within(response, deadline, clock, timeout, MAX_FEED_BYTES)
    return _Answer(response.status_code, response.headers, body)


@dataclass(frozen=True)
class FeedSettings:
    """The ``feed:`` part of config/sources.yml."""

    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    base_url: str = DEFAULT_BASE
    retries: int = 3
    backoff_seconds: float = 5.0
    timeout_seconds: float = 30.0
    user_agent: str = USER_AGENT

    @classmethod
    def from_config(cls, sources: dict[str, Any]) -> FeedSettings:
        """From ``bot.config.load("sources")``."""
        feed = dict(sources.get("feed") or {})
        feed["categories"] = tuple(feed.get("categories") or DEFAULT_CATEGORIES)
        return cls(**feed)

    @property
    def url(self) -> str:
        return feed_url(self.categories, self.base_url)


def poll(
    settings: FeedSettings,
    http_client: httpx.Client,
    *,
    sleep: Callable[[float], None] = time.sleep,
    categories_option: str = "",
) -> FeedResult:
    """Fetch and parse today's feed for the configured categories (one request, polite retries;
    ``categories_option``: the option that gave ``settings.categories``, named in an error feed's
    message instead of config/sources.yml)."""
    url = settings.url
    content = fetch_feed(
        url,
        http_client,
        settings.retries,
        settings.backoff_seconds,
        timeout=settings.timeout_seconds,
        user_agent=settings.user_agent,
        sleep=sleep,
    )
    return parse_feed(content, url, categories_option=categories_option)


# --- offline files ---------------------------------------------------------------------------

_JSONL_FIELDS = {
    "arxiv_id",
    "id",
    "title",
    "abstract",
    "categories",
    "date",
    "authors",
    "comment",
    "journal_ref",
    "doi",
    "version",
    "announce_type",
}


def read_papers(path: Path | str, option: str = "--feed") -> list[Paper]:
    """Papers from an RSS/Atom XML file or a JSONL file (``.gz`` or not), as ``--feed`` takes
    (``option``: how the file was given, named in errors)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except OSError as exc:
        raise SourceError(f"cannot read papers from {path}: {exc}. Check the {option} path.") from exc
    except EOFError as exc:
        raise SourceError(f"{path} is a truncated gzip file; copy it again.") from exc
    try:
        data = _without_bom(data)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} is not UTF-16 text, as its byte-order mark says ({exc}); save it as UTF-8."
        ) from exc
    start = data.lstrip()[:1]
    if not start:
        # a failed download (curl -o, a full disk) leaves an empty file: not a day without papers,
        # which arXiv sends as a feed with no items
        raise SourceError(
            f"{path} is empty ({len(data)} bytes): not a feed (a day without papers is an RSS feed "
            "with no items). Download it again, or pass another file."
        )
    if start == b"<":
        return list(parse_feed(data, str(path)).papers)
    if start == b"{":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path} is not UTF-8 text ({exc}); save it as UTF-8.") from exc
        return _read_jsonl(text, path)
    raise SourceError(f"{path} is neither an RSS/Atom XML file nor JSONL (one JSON object per line).")


_XML_ENCODING = re.compile(r"""^(<\?xml[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2""")


def _without_bom(data: bytes) -> bytes:
    """A file saved "UTF-8 with BOM" (Notepad, PowerShell's Set-Content) or as UTF-16 (PowerShell
    5's `>`) as plain UTF-8 bytes; a UTF-16 feed's XML declaration loses its (UTF-8 or UTF-16)
    encoding, which no longer holds."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16").lstrip("\ufeff")
        return _XML_ENCODING.sub(r"\1", text, count=1).encode("utf-8")
    return data


def _read_jsonl(text: str, path: Path) -> list[Paper]:
    papers = []
    for number, line in enumerate(numbered_lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            papers.append(paper_from_record(record))
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
            raise SourceError(
                f"{path} line {number}: {exc}. Each line must be a JSON object with at least "
                "arxiv_id and title (as in ../shared/data)."
            ) from exc
    return papers


def paper_from_record(record: dict[str, Any]) -> Paper:
    """A JSONL record (``arxiv_id, title, abstract, categories, date`` + anything else, kept in
    ``Paper.extra``) as a Paper."""
    raw_id = str(record.get("arxiv_id") or record.get("id") or "")
    found = ID_VERSION.fullmatch(raw_id.strip())
    if not found or not arxiv_ids.is_valid(found.group("id")):
        raise ValueError(f"no valid arxiv_id (got {raw_id!r})")
    title = clean_title(str(record.get("title") or ""))
    if not title:
        raise ValueError(f"paper {raw_id} has no title (or only markup)")
    categories = record.get("categories") or []
    if isinstance(categories, str):
        categories = categories.replace(",", " ").split()
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = split_authors(authors)
    version = record.get("version") or found.group("version")
    return Paper(
        arxiv_id=found.group("id"),
        version=int(version) if version else None,
        title=title,
        abstract=" ".join(str(record.get("abstract") or "").split()),
        authors=tuple(clean_inline(str(a)) for a in authors),
        categories=tuple(str(c) for c in categories),
        date=str(record.get("date") or ""),
        announce_type=str(record.get("announce_type") or "new"),
        comment=clean_inline(str(record.get("comment") or "")),
        journal_ref=clean_inline(str(record.get("journal_ref") or "")),
        doi=str(record.get("doi") or ""),
        extra={k: v for k, v in record.items() if k not in _JSONL_FIELDS},
    )


# --- dedupe ----------------------------------------------------------------------------------

_ANNOUNCE_RANK = {kind: rank for rank, kind in enumerate(ANNOUNCE_TYPES)}


def dedupe(papers: Iterable[Paper]) -> list[Paper]:
    """Each arXiv id once, at its first position; of several copies the most "new" one is kept
    (new > cross > replace > replace-cross)."""
    best: dict[str, Paper] = {}
    for paper in papers:
        key = arxiv_ids.normalize(paper.arxiv_id)
        kept = best.get(key)
        if kept is None or _rank(paper) < _rank(kept):
            best[key] = paper
    return list(best.values())


def _rank(paper: Paper) -> int:
    return _ANNOUNCE_RANK.get(paper.announce_type, len(ANNOUNCE_TYPES))
