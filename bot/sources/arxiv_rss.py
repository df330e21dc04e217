"""arXiv as a paper source: the RSS service, offline feed/JSONL files, and what the text tells us.

- ``feed_url`` + ``fetch_feed``: one polite HTTP request for all configured categories.
- ``parse_feed``: RSS 2.0 or Atom from rss.arxiv.org -> ``FeedResult`` of ``Paper``s. An empty
  feed is normal (weekends, holidays); an error feed ("Feed error for query") raises SourceError.
- ``read_papers``: the ``--feed FILE`` path: an RSS/Atom file, or JSONL (gzipped or not).
- ``find_code_url``, ``find_venue``, ``is_withdrawn``, ``enrich``: pure functions over a paper's text.
- ``dedupe``: one paper per id when categories overlap.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import time
import xml.sax
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

from bot.core import arxiv_ids
from bot.core.paper import Paper
from bot.core.text import clean_inline, clean_title, latex_accents
from bot.errors import ConfigError, SourceError
from bot.http_retry import RetryPolicy, is_retryable_status, parse_retry_after

DEFAULT_BASE = "https://rss.arxiv.org/rss/"
DEFAULT_CATEGORIES = ("cs.CL", "cs.LG", "cs.AI", "cs.DC", "cs.AR", "cs.PF")
USER_AGENT = "catalog-bot/0.1 (keeps a curated efficient-LLM list; one request per run)"
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
ERROR_FEED_TITLE = "Feed error for query"

_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
_ID_VERSION = re.compile(rf"(?P<id>{arxiv_ids.NEW_ID}|{arxiv_ids.OLD_ID})(?:v(?P<version>\d+))?")
_ANNOUNCE = re.compile(r"Announce Type:\s*(?P<type>[\w-]+)", re.IGNORECASE)
_ABSTRACT = re.compile(r"^.*?\bAbstract:\s*", re.DOTALL)
_HEADER_LINE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*[\w-]+\s*", re.IGNORECASE)


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
) -> bytes:
    """GET ``url`` and return its body. Connection errors, timeouts, 429 and 5xx are retried up to
    ``retries`` times, waiting ``backoff * 2**n`` seconds or the server's Retry-After (at most
    ``max_wait``). Other statuses, or a failure after the last retry, raise SourceError."""
    policy = RetryPolicy(max_attempts=retries + 1, backoff_seconds=backoff, max_wait_seconds=max_wait)
    problem = ""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            response = http_client.get(
                url, headers={"User-Agent": user_agent}, timeout=timeout, follow_redirects=True
            )
        except httpx.TransportError as exc:  # refused, reset, DNS, timeouts
            problem, asked = f"{type(exc).__name__}: {exc}", None
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
        if not policy.gives_up(attempt):
            sleep(min(policy.delay(attempt, asked), policy.max_wait_seconds))
    raise SourceError(
        f"could not fetch the arXiv feed {url} after {retries + 1} attempts (last: {problem}). "
        "arXiv may be down or rate-limiting; nothing was changed, retry the run later."
    )


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
    settings: FeedSettings, http_client: httpx.Client, *, sleep: Callable[[float], None] = time.sleep
) -> FeedResult:
    """Fetch and parse today's feed for the configured categories (one request, polite retries)."""
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
    return parse_feed(content, url)


# --- parsing feeds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedResult:
    """One parsed feed: where it came from, its channel title, its papers in feed order."""

    source: str
    title: str
    papers: tuple[Paper, ...]
    skipped: tuple[str, ...] = ()  # items without an arXiv id, described

    @property
    def is_empty(self) -> bool:
        return not self.papers

    def counts(self) -> dict[str, int]:
        """Papers per announce type, e.g. {"new": 926, "cross": 9, "replace": 569}."""
        counts: dict[str, int] = {}
        for paper in self.papers:
            counts[paper.announce_type] = counts.get(paper.announce_type, 0) + 1
        return counts


FEED_ENDINGS = (b"</rss>", b"</feed>", b"</rdf:RDF>")  # the last tag of a complete RSS 2.0/Atom/RSS 1.0 feed


def parse_feed(content: bytes | str, source: str) -> FeedResult:
    """Parse an arXiv RSS 2.0 or Atom feed. ``source`` (URL or file) is named in errors."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # A stream, so feedparser never treats the content as a URL or path; arXiv descriptions are
    # plain text, and HTML sanitizing would mangle abstracts such as "$1<s<2$".
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    title = " ".join(str(parsed.feed.get("title", "")).split())
    if title.startswith(ERROR_FEED_TITLE):
        raise SourceError(_error_feed_message(title, str(parsed.feed.get("description", "")), source))
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS channel or Atom feed element"
        raise SourceError(
            f"{source} is not an RSS or Atom feed ({reason}). Check the feed URL, or the "
            "file given with --feed."
        )
    if isinstance(parsed.get("bozo_exception"), xml.sax.SAXParseException) and not data.rstrip().endswith(
        FEED_ENDINGS
    ):
        # feedparser reads what it can of a broken document: a truncated download would pass as
        # a smaller day, and the papers after the cut would never be proposed. (A complete feed
        # with one bad character in an item is still read, leniently, as before.)
        raise SourceError(
            f"{source} is not well-formed XML ({parsed['bozo_exception']}): probably a truncated "
            "or damaged download, so some of the day's papers would be missing. Fetch the feed "
            "again (or pass another --feed file); nothing was proposed."
        )
    papers: list[Paper] = []
    skipped: list[str] = []
    for entry in parsed.entries:
        paper = _entry_paper(entry)
        if paper is None:
            skipped.append(f"item without an arXiv id: {entry.get('title', '')[:80]!r}")
        elif not paper.title:  # nothing left once markup is removed: no entry can show it
            skipped.append(f"arXiv {paper.arxiv_id} without a title: {entry.get('title', '')[:80]!r}")
        else:
            papers.append(paper)
    return FeedResult(source=source, title=title, papers=tuple(papers), skipped=tuple(skipped))


def _error_feed_message(title: str, description: str, source: str) -> str:
    query = title.split(":", 1)[1].strip() if ":" in title else source
    bad = re.findall(r"Bad (?:archive|category|categories)\s*'([^']+)'", description, re.IGNORECASE)
    if not bad:
        bad = query.rstrip("/").rsplit("/", 1)[-1].split("+")
    said = description.strip().rstrip(".") or title
    return (
        f"arXiv answered with an error feed for query {query}: {said}. "
        f"Bad categories: {', '.join(bad)}. Fix `feed.categories` in config/sources.yml (names such as "
        "cs.CL, see https://arxiv.org/category_taxonomy), then run `python -m bot validate-config` "
        "and poll again."
    )


def _entry_paper(entry: Any) -> Paper | None:
    """One feed item as a Paper, or None when it carries no arXiv id."""
    summary = str(entry.get("summary", ""))
    found = None
    for text in (entry.get("id", ""), summary, entry.get("link", "")):
        found = found or _ID_VERSION.search(str(text))
    if found is None:
        return None
    announce = str(entry.get("arxiv_announce_type") or "")
    if not announce and (match := _ANNOUNCE.search(summary)):
        announce = match.group("type")
    return Paper(
        arxiv_id=found.group("id"),
        version=int(found.group("version")) if found.group("version") else None,
        announce_type=announce.strip().lower() or "new",
        title=clean_title(str(entry.get("title", ""))),
        abstract=abstract_of(summary),
        authors=split_authors(str(entry.get("author", ""))),
        categories=tuple(t["term"] for t in entry.get("tags", []) if t.get("term")),
        date=_announce_date(entry),
        doi=str(entry.get("arxiv_doi", "")).strip(),
        journal_ref=clean_inline(str(entry.get("arxiv_journal_reference") or "")),
        comment=clean_inline(str(entry.get("arxiv_comment", ""))),
    )


def abstract_of(description: str) -> str:
    """The abstract from an item description ``arXiv:ID vN Announce Type: T\\nAbstract: ...``."""
    if _ABSTRACT.match(description):
        text = _ABSTRACT.sub("", description, count=1)
    else:
        text = _HEADER_LINE.sub("", description, count=1)
    return " ".join(text.split())


def split_authors(creator: str) -> tuple[str, ...]:
    """Names from the one ``dc:creator`` string: split on commas and "and" outside parentheses,
    affiliations in parentheses dropped, LaTeX accents turned into letters."""
    names: list[str] = []
    depth, current = 0, ""
    for char in creator:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    split = [part for name in names for part in re.split(r"\s+and\s+(?![^()]*\))", name)]
    cleaned = (clean_inline(re.sub(r"\([^()]*\)", "", latex_accents(name))) for name in split)
    return tuple(name for name in cleaned if name)


def _announce_date(entry: Any) -> str:
    """The date of the announcement as the feed states it (its own time zone), ISO format."""
    raw = str(entry.get("published") or entry.get("updated") or "")
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            return parse(raw).date().isoformat()
        except (TypeError, ValueError):
            continue
    return ""


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


def read_papers(path: Path | str) -> list[Paper]:
    """Papers from an RSS/Atom XML file or a JSONL file (``.gz`` or not), as ``--feed`` takes."""
    path = Path(path)
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except OSError as exc:
        raise SourceError(f"cannot read papers from {path}: {exc}. Check the --feed path.") from exc
    except EOFError as exc:
        raise SourceError(f"{path} is a truncated gzip file; copy it again.") from exc
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
        return _read_jsonl(data.decode("utf-8"), path)
    raise SourceError(f"{path} is neither an RSS/Atom XML file nor JSONL (one JSON object per line).")


def _read_jsonl(text: str, path: Path) -> list[Paper]:
    papers = []
    for number, line in enumerate(text.splitlines(), start=1):
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
    found = _ID_VERSION.fullmatch(raw_id.strip())
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
