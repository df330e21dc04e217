"""What the site's search and filters match, in Python: the specification the page follows.

The page searches with MiniSearch configured by ``SEARCH_OPTIONS`` (sent to the page as JSON, so
both sides read the same settings) and filters with the same predicates as ``Filters.keep``.
``select`` gives the entries the page shows for a query and filters; the browser tests check
that the page shows exactly as many. MiniSearch's default tokenizer splits on newlines and on
Unicode space (Z*) and punctuation (P*) characters and lowercases each term; with
``prefix: true`` and ``combineWith: "AND"`` an entry matches when every query term starts some
term of its title, authors or abstract. Query terms shorter than ``MIN_TERM_LENGTH`` characters
(code points) are dropped first; a query with no term left shows every entry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

FIELDS = ("title", "authors", "abstract")
# Query terms shorter than this are left out of the search (they would match most of the index
# as prefixes, and most of a keystroke's time would go there): "k" searches nothing yet, "kv" does.
MIN_TERM_LENGTH = 2
SEARCH_OPTIONS: dict[str, object] = {
    "fields": list(FIELDS),
    "searchOptions": {
        "prefix": True,
        "combineWith": "AND",
        "fuzzy": False,
        "boost": {"title": 3, "authors": 2},
    },
    "minTermLength": MIN_TERM_LENGTH,  # applied by the page before MiniSearch sees the query
}


class Searchable(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def abstract(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def subsection(self) -> str | None: ...

    @property
    def year(self) -> int | None: ...

    @property
    def venue_name(self) -> str: ...

    @property
    def code_url(self) -> str: ...

    @property
    def stars(self) -> int | None: ...

    @property
    def author_text(self) -> str: ...


def _is_separator(char: str) -> bool:
    return char in "\n\r" or unicodedata.category(char)[0] in "ZP"


def tokenize(text: str) -> list[str]:
    """MiniSearch's default tokenizer and term processing: split on /[\\n\\r\\p{Z}\\p{P}]+/u,
    lowercase, drop empty terms."""
    terms: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_separator(char):
            if current:
                terms.append("".join(current).lower())
                current = []
        else:
            current.append(char)
    if current:
        terms.append("".join(current).lower())
    return terms


def query_terms(query: str) -> list[str]:
    """The terms the page searches for: tokens of at least ``MIN_TERM_LENGTH`` characters."""
    return [term for term in tokenize(query) if len(term) >= MIN_TERM_LENGTH]


def matches_query(entry: Searchable, query: str) -> bool:
    """Every query term is a prefix of some term of the entry's searched fields."""
    wanted = query_terms(query)
    if not wanted:
        return True
    terms = set(tokenize(" ".join((entry.title, entry.author_text, entry.abstract))))
    return all(any(term.startswith(word) for term in terms) for word in wanted)


@dataclass(frozen=True)
class Filters:
    """The page's filters, as in its URL: ``?q=&section=&year=&venue=&code=1&stars=N``."""

    query: str = ""
    section: str = ""  # a section id (with its subsections) or a subsection id
    year: int | None = None
    venue: str = ""
    code: bool = False
    min_stars: int = 0

    def keep(self, entry: Searchable) -> bool:
        if self.section and self.section not in (entry.section, entry.subsection):
            return False
        if self.year is not None and entry.year != self.year:
            return False
        if self.venue and entry.venue_name != self.venue:
            return False
        if self.code and not entry.code_url:
            return False
        if self.min_stars and (entry.stars or 0) < self.min_stars:
            return False
        return matches_query(entry, self.query)


def select(entries: Iterable[Searchable], filters: Filters) -> list[Searchable]:
    return [entry for entry in entries if filters.keep(entry)]


def sort_keys() -> Sequence[str]:
    """The page's orders: the catalog's own, newest first, most stars first."""
    return ("catalog", "newest", "stars")
