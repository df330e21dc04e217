"""An arXiv RSS 2.0 or Atom document read into ``Paper``s. Pure: bytes or text in, no I/O.

``parse_feed`` gives a ``FeedResult`` (the papers in feed order, the items skipped). An empty
feed is normal (weekends, holidays); an error feed ("Feed error for query") or a truncated
document raises SourceError. ``split_authors`` and ``ID_VERSION`` also serve the JSONL records
of ``bot.sources.arxiv_rss``.
"""

from __future__ import annotations

import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from bot.core import arxiv_ids
from bot.core.latex import latex_accents
from bot.core.paper import Paper
from bot.core.text import clean_inline, clean_title
from bot.errors import SourceError

ERROR_FEED_TITLE = "Feed error for query"

# an arXiv id and its version, if any ("2405.00732v2", "hep-th/9901001")
ID_VERSION = re.compile(rf"(?P<id>{arxiv_ids.NEW_ID}|{arxiv_ids.OLD_ID})(?:v(?P<version>\d+))?")
_ANNOUNCE = re.compile(r"Announce Type:\s*(?P<type>[\w-]+)", re.IGNORECASE)
_ABSTRACT = re.compile(r"^.*?\bAbstract:\s*", re.DOTALL)
_HEADER_LINE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*[\w-]+\s*", re.IGNORECASE)


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


def parse_feed(content: bytes | str, source: str, *, categories_option: str = "") -> FeedResult:
    """Parse an arXiv RSS 2.0 or Atom feed. ``source`` (URL or file) is named in errors;
    ``categories_option``: the command-line option the URL's categories came from (an error
    feed then says to fix that, not config/sources.yml)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # A stream, so feedparser never treats the content as a URL or path; arXiv descriptions are
    # plain text, and HTML sanitizing would mangle abstracts such as "$1<s<2$".
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    title = " ".join(str(parsed.feed.get("title", "")).split())
    if title.startswith(ERROR_FEED_TITLE):
        description = str(parsed.feed.get("description", ""))
        raise SourceError(_error_feed_message(title, description, source, categories_option))
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS channel or Atom feed element"
        raise SourceError(
            f"{source} is not an RSS or Atom feed ({reason}). Check the feed URL, or the file given."
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
            "again (or pass another file); nothing was read from it."
        )
    papers: list[Paper] = []
    skipped: list[str] = []
    for entry in parsed.entries:
        paper = _entry_paper(entry)
        if paper is None:  # no id, or one arXiv never issued (month 13): no line could show it
            skipped.append(f"item without a valid arXiv id: {entry.get('title', '')[:80]!r}")
        elif not paper.title:  # nothing left once markup is removed: no entry can show it
            skipped.append(f"arXiv {paper.arxiv_id} without a title: {entry.get('title', '')[:80]!r}")
        else:
            papers.append(paper)
    return FeedResult(source=source, title=title, papers=tuple(papers), skipped=tuple(skipped))


def _error_feed_message(title: str, description: str, source: str, categories_option: str = "") -> str:
    query = title.split(":", 1)[1].strip() if ":" in title else source
    bad = re.findall(r"Bad (?:archive|category|categories)\s*'([^']+)'", description, re.IGNORECASE)
    if not bad:
        bad = query.rstrip("/").rsplit("/", 1)[-1].split("+")
    said = description.strip().rstrip(".") or title
    if not source.startswith(("http://", "https://")):  # a saved file (--feed): not the config's feed
        return (
            f"{source} is arXiv's error feed for query {query}, not papers: {said}. Bad categories: "
            f"{', '.join(bad)}. Save the feed again from a URL with valid category names (such as "
            "cs.CL, see https://arxiv.org/category_taxonomy), or pass another file."
        )
    if categories_option:  # poll --categories (the Run workflow form's categories input)
        return (
            f"arXiv answered with an error feed for query {query}: {said}. Bad categories: "
            f"{', '.join(bad)}, given with {categories_option} (in Actions: the categories input of "
            "the Run workflow form). Run again with names such as cs.CL (see "
            "https://arxiv.org/category_taxonomy); config/sources.yml gave none of them."
        )
    return (
        f"arXiv answered with an error feed for query {query}: {said}. "
        f"Bad categories: {', '.join(bad)}. Fix `feed.categories` in config/sources.yml (names such as "
        "cs.CL, see https://arxiv.org/category_taxonomy), then run `python -m bot validate-config` "
        "and poll again."
    )


def _entry_paper(entry: Any) -> Paper | None:
    """One feed item as a Paper, or None when it carries no valid arXiv id."""
    summary = str(entry.get("summary", ""))
    found = None
    for text in (entry.get("id", ""), summary, entry.get("link", "")):
        found = found or ID_VERSION.search(str(text))
    if found is None or not arxiv_ids.is_valid(found.group("id")):
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
