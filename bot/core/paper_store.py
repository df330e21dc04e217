"""The paper store (``data/papers.jsonl``): the cache of facts about every arXiv paper the catalog lists.

``catalog.md`` says which papers are listed and where; the store says what arXiv knows about each:
title, all authors, abstract, categories, first and latest version dates, version count,
``journal_ref``, DOI, comment, code links, withdrawn flag, and when it was fetched. One JSON object
per line, sorted by arXiv id, keys in a fixed order, so that a night's changes are a readable diff
and the file is rebuildable from arXiv at any time (``python -m bot enrich``).

Everything here is pure: ``load``/``dump`` text, ``merge`` records, decide what is ``stale``.
Text from arXiv is untrusted: control characters are stripped and every field is capped.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core import arxiv_ids
from bot.core.paper import Paper
from bot.core.text import cap, numbered_lines
from bot.errors import CatalogError

DEFAULT_PATH = "data/papers.jsonl"
LIMITS = {"title": 500, "abstract": 5000, "comment": 1000, "journal_ref": 500, "doi": 200, "author": 200}
MAX_AUTHORS = 500
MAX_CODE_LINKS = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
# github.com/<owner>/<repo>: owner 1-39 letters, digits or single hyphens; repo letters, digits, . _ -
_GITHUB = re.compile(
    r"(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})"
    r"/(?P<repo>[A-Za-z0-9._-]{1,100})",
    re.IGNORECASE,
)
_NOT_OWNERS = {
    "features",
    "about",
    "topics",
    "orgs",
    "sponsors",
    "marketplace",
    "settings",
    "search",
    "login",
    "join",
    "pricing",
    "collections",
    "apps",
    "site",
    "contact",
    "explore",
}


def clean_text(text: str, limit: int) -> str:
    """One untrusted field: NFC, no control or bidi characters, single spaces, at most ``limit``
    characters."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))
    text = " ".join(text.split())
    return cap(text, limit)


def github_links(text: str) -> tuple[str, ...]:
    """Every github.com owner/repo link in ``text``, as ``https://github.com/owner/repo``, in order,
    without repeats; user pages, GitHub's own pages and malformed names are not code links."""
    found: dict[str, None] = {}
    for match in _GITHUB.finditer(text.replace("\\_", "_")):
        owner, repo = match["owner"], match["repo"].rstrip(".")
        if repo.lower().endswith(".git"):
            repo = repo[:-4]
        if owner.lower() in _NOT_OWNERS or not repo or repo in {".", ".."}:
            continue
        found.setdefault(f"https://github.com/{owner}/{repo}", None)
    return tuple(found)[:MAX_CODE_LINKS]


@dataclass(frozen=True)
class PaperRecord:
    """One line of the store. Field order is the key order of the line."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    abstract: str = ""
    primary_category: str = ""
    categories: tuple[str, ...] = ()  # the other categories, in arXiv's order
    published: str = ""  # first version, YYYY-MM-DD
    updated: str = ""  # latest version, YYYY-MM-DD
    versions: int = 1
    journal_ref: str = ""
    doi: str = ""
    comment: str = ""
    code_links: tuple[str, ...] = ()
    withdrawn: bool = False
    fetched: str = ""  # YYYY-MM-DD
    announced_version: int | None = None  # a newer version seen in the daily feed: refetch

    def __post_init__(self) -> None:
        if not arxiv_ids.is_valid(self.arxiv_id):
            raise ValueError(f"not an arXiv id without version: {self.arxiv_id!r}")
        put = object.__setattr__
        for name in ("title", "abstract", "comment", "journal_ref", "doi"):
            put(self, name, clean_text(getattr(self, name), LIMITS[name]))
        authors = (clean_text(a, LIMITS["author"]) for a in self.authors[:MAX_AUTHORS])
        put(self, "authors", tuple(a for a in authors if a))
        put(
            self,
            "categories",
            tuple(c for c in self.categories if _CATEGORY.match(c) and c != self.primary_category),
        )
        if self.primary_category and not _CATEGORY.match(self.primary_category):
            put(self, "primary_category", "")
        put(
            self,
            "code_links",
            tuple(dict.fromkeys(u for u in self.code_links if github_links(u) == (u,)))[:MAX_CODE_LINKS],
        )
        for name in ("published", "updated", "fetched"):
            if getattr(self, name) and not _DATE.match(getattr(self, name)):
                raise ValueError(f"{name} must be YYYY-MM-DD, not {getattr(self, name)!r}")
        if self.versions < 1:
            raise ValueError("versions must be at least 1")

    def to_json(self) -> str:
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "announced_version" and value is None:
                continue
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaperRecord:
        """A record from a line's JSON; a hand edit of the wrong type is a ``TypeError`` naming the
        key: ``"withdrawn": "false"`` would read as true, ``"authors": "A B"`` as three authors."""
        if not isinstance(data, Mapping):
            raise TypeError(f"one JSON object {{...}} per line, not {json.dumps(data)[:40]}")
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in data:
                values[f.name] = _typed(f.name, data[f.name])
        return cls(**values)

    def with_announced(self, version: int) -> PaperRecord:
        """Remember that the daily feed announced ``version`` (only when newer than what the store has)."""
        if version <= self.versions or (self.announced_version or 0) >= version:
            return self
        return dataclasses.replace(self, announced_version=version)


def _typed(name: str, value: Any) -> Any:
    """``value`` of the store key ``name``, as the record holds it; the wrong JSON type raises."""
    if name in ("authors", "categories", "code_links"):
        ok, wanted = isinstance(value, list) and all(isinstance(v, str) for v in value), "a list of strings"
        value = tuple(value) if ok else value
    elif name == "withdrawn":
        ok, wanted = isinstance(value, bool), "true or false"
    elif name in ("versions", "announced_version"):
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "a whole number"
        ok = ok or (name == "announced_version" and value is None)
    else:
        ok, wanted = isinstance(value, str), "a string"
    if not ok:
        raise TypeError(f"{name} must be {wanted}, not {json.dumps(value, ensure_ascii=False)[:40]}")
    return value


Store = dict[str, PaperRecord]


def load(text: str, source: str = DEFAULT_PATH) -> Store:
    """Read store text; a bad line is a clear error naming the file and line."""
    store: Store = {}
    for number, line in enumerate(numbered_lines(text), 1):
        if not line.strip():
            continue
        try:
            record = PaperRecord.from_json(json.loads(line))
        except (ValueError, TypeError) as exc:
            raise CatalogError(
                f"{source}:{number}: not a paper record ({exc}); fix the line or delete it "
                "(`python -m bot enrich` fetches it again)"
            ) from exc
        store[record.arxiv_id] = record
    return store


def dump(store: Mapping[str, PaperRecord] | Iterable[PaperRecord]) -> str:
    """The store's text: one line per paper, sorted by arXiv id (chronologically), newline-terminated."""
    records = list(store.values()) if isinstance(store, Mapping) else list(store)
    records.sort(key=lambda r: (arxiv_ids.sort_key(r.arxiv_id), r.arxiv_id))
    return "".join(r.to_json() + "\n" for r in records)


def merge(
    old: Mapping[str, PaperRecord], fetched: Iterable[PaperRecord], keep: Iterable[str] | None = None
) -> Store:
    """``old`` with the ``fetched`` records replacing theirs; with ``keep``, only those ids stay
    (papers no longer listed leave the store)."""
    merged = dict(old)
    for record in fetched:
        merged[record.arxiv_id] = record
    if keep is not None:
        wanted = set(keep)
        merged = {k: v for k, v in merged.items() if k in wanted}
    return merged


def newest(store: Mapping[str, PaperRecord], other: Mapping[str, PaperRecord]) -> Store:
    """Both stores, each paper's record the one fetched last (``other``'s on a tie): the default
    branch's store and the one on the unmerged nightly PR's branch, so no fetch is done twice."""
    merged = dict(store)
    for arxiv_id, record in other.items():
        if arxiv_id not in merged or record.fetched >= merged[arxiv_id].fetched:
            merged[arxiv_id] = record
    return merged


def refresh_offset(arxiv_id: str, max_age_days: int) -> int:
    """The paper's place in the refresh cycle, 0 to ``max_age_days - 1``: a hash of its id, the same
    on every run and machine, so that about one paper in ``max_age_days`` is due each night."""
    digest = hashlib.sha256(arxiv_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % max(1, max_age_days)


def last_due(arxiv_id: str, today: datetime.date, max_age_days: int) -> datetime.date:
    """The paper's latest refresh day on or before ``today``: its days come every ``max_age_days``
    days, each paper on its own (``refresh_offset``)."""
    cycle = max(1, max_age_days)
    return today - datetime.timedelta(days=(today.toordinal() + refresh_offset(arxiv_id, cycle)) % cycle)


def is_stale(record: PaperRecord | None, today: datetime.date, max_age_days: int) -> bool:
    """Missing, a newer version was announced, or fetched before the paper's latest refresh day
    (``last_due``): a paper is refetched on its own day, so never more than ``max_age_days`` days
    after its last fetch, and a store fetched all at once spreads over the next ``max_age_days``
    nights instead of going stale on one."""
    if record is None or not record.fetched:
        return True
    if record.announced_version and record.announced_version > record.versions:
        return True
    return datetime.date.fromisoformat(record.fetched) < last_due(record.arxiv_id, today, max_age_days)


def to_fetch(
    ids: Iterable[str], store: Mapping[str, PaperRecord], today: datetime.date, max_age_days: int
) -> list[str]:
    """The catalog's ids whose facts must be (re)fetched, in catalog order, without repeats."""
    return [i for i in dict.fromkeys(ids) if is_stale(store.get(i), today, max_age_days)]


def mark_announced(store: Mapping[str, PaperRecord], versions: Mapping[str, int]) -> Store:
    """The store with a newer announced version noted on the papers it lists (replacements seen in
    the daily feed): ``is_stale`` then says they need a refetch."""
    return {k: (r.with_announced(versions[k]) if k in versions else r) for k, r in store.items()}


class _Titled(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def arxiv_id(self) -> str | None: ...


def entry_text(store: Mapping[str, PaperRecord]) -> Callable[[_Titled], str]:
    """What the scorer learns for a catalog entry: its title and the store's abstract, or the
    title alone when the store lacks the paper (``Scorer.train(..., entry_text=...)``)."""

    def text(entry: _Titled) -> str:
        record = store.get(entry.arxiv_id) if entry.arxiv_id else None
        return f"{entry.title}. {record.abstract}" if record is not None and record.abstract else entry.title

    return text


def known_papers(store: Mapping[str, PaperRecord]) -> list[Paper]:
    """The store's papers that have an abstract, as Papers: catalog papers with their abstracts,
    the in-scope examples of the scorer's abstract model (``Scorer.train(..., accepted=...)``)."""
    return [
        Paper(
            arxiv_id=r.arxiv_id,
            title=r.title,
            abstract=r.abstract,
            categories=tuple(c for c in (r.primary_category, *r.categories) if c),
        )
        for r in store.values()
        if r.abstract and not r.withdrawn
    ]


def differences(listed: Iterable[str], store: Mapping[str, PaperRecord]) -> tuple[list[str], list[str]]:
    """(ids the store has that the catalog no longer lists, listed ids the store lacks), sorted."""
    wanted = set(listed)
    key = arxiv_ids.sort_key
    return (sorted(set(store) - wanted, key=key), sorted(wanted - set(store), key=key))


__all__ = [
    "DEFAULT_PATH",
    "PaperRecord",
    "Store",
    "clean_text",
    "differences",
    "dump",
    "entry_text",
    "github_links",
    "is_stale",
    "last_due",
    "known_papers",
    "load",
    "mark_announced",
    "merge",
    "refresh_offset",
    "to_fetch",
]
