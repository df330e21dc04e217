"""What the site's search and filters match, in Python: the specification the page follows.

The page searches with MiniSearch configured by ``SEARCH_OPTIONS`` (sent to the page as JSON, so
both sides read the same settings) and filters with the same predicates as ``Filters.keep``.
``select`` gives the entries the page shows for a query and filters; the browser tests check
that the page shows exactly as many. MiniSearch's default tokenizer splits on newlines and on
Unicode space (Z*) and punctuation (P*) characters; each term is then lowercased and its accents
dropped, and the letters with a stroke or joined that have no accent to drop are spelled as a
reader types them (``fold``: "Gaël" is found by "gael", "Łukasz" by "lukasz", "Straße" by
"strasse"; the worker gives MiniSearch the same ``processTerm``, with ``LETTERS``). With
``prefix: true`` and ``combineWith: "AND"`` an entry matches when every query term starts some
term of its title, authors, arXiv id or abstract. Before that, an arXiv link or ``arXiv:`` id in
the query becomes the bare id (``plain_query``), and terms shorter than ``MIN_TERM_LENGTH``
characters (code points) are dropped, unless they are a number, which must then be a whole term
("4-bit" is "4" and "bit", and "4" is not the start of "2405" or "4096"; ``is_prefix``); a query
with no term left shows every entry. When no entry has every term, the search is run again
with typos allowed (``FUZZY``: MiniSearch's ``fuzzy``, a Levenshtein distance of a fifth of the
term's length, rounded; none for terms with a digit), so "quantizaton" still finds
"quantization"; the page says so, and shows those matches closest first (fewest ``edits``, then
the chosen order). The page's default order while searching, "Best match" (``rank``), lists the
entries that show every word of the query in their line (title, authors, venue, arXiv id) before
those found by their abstract, and in each group those with more of the words in their title
first (whole words before the starts of words), then in catalog order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

FIELDS = ("title", "authors", "venue", "arxiv", "abstract")
# Indexed first (search.json), so a big catalog is searchable by them within a fraction of a
# second; the page says so until the abstracts (abstracts.json) are indexed too.
SHORT_FIELDS = ("title", "authors", "venue", "arxiv")
# Query terms shorter than this are left out of the search (they would match most of the index
# as prefixes, and most of a keystroke's time would go there): "k" searches nothing yet, "kv" does.
# A shorter number is kept, as a whole term: "4-bit" is not "bit", and its "4" not "4096".
MIN_TERM_LENGTH = 2
FUZZY = 0.2  # the retry when nothing matches exactly: typos up to a fifth of a term's length
MAX_FUZZY = 6  # MiniSearch's default maxFuzzy
# Letters that Unicode does not decompose into a letter and an accent (a stroke, a ligature),
# lowercase, as a reader without them on the keyboard types them: "Łańcucki" is "lancucki".
LETTERS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ŧ": "t",
    "ŀ": "l",
    "ı": "i",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ð": "d",
    "þ": "th",
}
_LETTERS = str.maketrans(LETTERS)
SEARCH_OPTIONS: dict[str, object] = {
    "fields": list(FIELDS),
    "shortFields": list(SHORT_FIELDS),
    "searchOptions": {
        "prefix": True,
        "combineWith": "AND",
        "fuzzy": False,
        "boost": {"title": 3, "authors": 2},
    },
    "minTermLength": MIN_TERM_LENGTH,  # applied by the page before MiniSearch sees the query
    "fuzzyFallback": FUZZY,  # the worker's second search when the first finds nothing
    "letters": LETTERS,  # fold's spelling of the letters with no accent to drop, on both sides
}
# An arXiv link (abs, pdf or html, any version) or "arXiv:2405.00732v2": the bare id. The page's
# site.js has the same two patterns (plainQuery). Each runs in linear time on any query (a shared
# ?q= link is anyone's text): an archive name has at most 16 letters (the longest is 8), and the
# white space around the colon after "arXiv" is read one way only; "a-a-a-...", or "arXiv" and
# 32,000 spaces, held the page 1-3 s per keystroke and the URL's query, quadratically longer.
# a new-style id (2405.00732) or an old-style one (hep-th/9901001, math.GT/0309136)
_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[a-z]{2})?/\d{7})"
ARXIV_LINK = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{_ID}(?:v\d+)?(?:\.pdf)?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[0-9]+")  # site.js: NUMBER
ARXIV_ID = re.compile(rf"\barxiv\s*(?::\s*)?{_ID}(?:v\d+)?|\b{_ID}v\d+\b", re.IGNORECASE)


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
    def venue(self) -> str: ...

    @property
    def venue_name(self) -> str: ...

    @property
    def code_url(self) -> str: ...

    @property
    def stars(self) -> int | None: ...

    @property
    def date_key(self) -> int: ...

    @property
    def author_text(self) -> str: ...

    @property
    def arxiv_id(self) -> str | None: ...


def _is_separator(char: str) -> bool:
    return char in "\n\r" or unicodedata.category(char)[0] in "ZP"


def fold(term: str) -> str:
    """A term as indexed and searched: accents dropped (NFD, then no combining marks),
    lowercased, ``LETTERS`` spelled out ("Łukasz" -> "lukasz", "Straße" -> "strasse"). The
    worker's processTerm and the page's query do the same."""
    bare = "".join(c for c in unicodedata.normalize("NFD", term) if unicodedata.category(c)[0] != "M")
    return bare.lower().translate(_LETTERS)


def tokenize(text: str) -> list[str]:
    """MiniSearch's default tokenizer, then ``fold``: split on /[\\n\\r\\p{Z}\\p{P}]+/u, drop
    accents, lowercase, drop empty terms."""
    terms: list[str] = []
    current: list[str] = []
    for char in text + "\n":
        if _is_separator(char):
            if current and (term := fold("".join(current))):
                terms.append(term)
            current = []
        else:
            current.append(char)
    return terms


def plain_query(query: str) -> str:
    """arXiv links and ``arXiv:``/versioned ids in a query become bare ids
    ("https://arxiv.org/pdf/2405.00732v2" -> "2405.00732")."""
    query = ARXIV_LINK.sub(r"\1", query)
    return ARXIV_ID.sub(lambda m: m.group(1) or m.group(2), query)


def query_terms(query: str) -> list[str]:
    """The terms the page searches for: tokens of at least ``MIN_TERM_LENGTH`` characters, and
    numbers ("4-bit": ["4", "bit"], "2:4": ["2", "4"])."""
    terms = tokenize(plain_query(query))
    return [term for term in terms if len(term) >= MIN_TERM_LENGTH or _NUMBER.fullmatch(term)]


def entry_terms(entry: Searchable) -> set[str]:
    """The terms of the searched fields (search.json's title, authors, venue, arxiv; abstracts.json's
    abstract)."""
    fields = (entry.title, entry.author_text, entry.venue, entry.arxiv_id or "", entry.abstract)
    return set(tokenize(" ".join(fields)))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # JavaScript's String.length


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), as MiniSearch's fuzzy
    search computes it."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def max_typos(word: str) -> int:
    """MiniSearch's distance for ``fuzzy: FUZZY``: Math.round(length * FUZZY), at most 6; none
    for a term with a digit (a year or an arXiv id off by one digit is another one)."""
    if re.search(r"[0-9]", word):
        return 0
    return min(MAX_FUZZY, int(_utf16_length(word) * FUZZY + 0.5))


def is_prefix(word: str, term: str) -> bool:
    """Whether the query term ``word`` matches the entry's ``term`` without typos: it starts it,
    but a number shorter than ``MIN_TERM_LENGTH`` only as the whole term (the worker's
    ``prefix`` option)."""
    if len(word) < MIN_TERM_LENGTH:
        return term == word
    return term.startswith(word)


def _term_matches(word: str, terms: set[str], fuzzy: bool) -> bool:
    if any(is_prefix(word, term) for term in terms):
        return True
    typos = max_typos(word) if fuzzy else 0
    return typos > 0 and any(edit_distance(term, word) <= typos for term in terms)


def edits(entry: Searchable, query: str) -> int:
    """How far ``entry`` is from ``query``: for each query term, the fewest edits that make it
    a term of the entry (0 when it starts one), summed. Typo-tolerant results show fewest
    edits first."""
    terms = entry_terms(entry)
    total = 0
    for word in query_terms(query):
        if not any(is_prefix(word, term) for term in terms):
            total += min((edit_distance(term, word) for term in terms), default=len(word))
    return total


def rank(entry: Searchable, query: str) -> tuple[int, int]:
    """Where ``entry`` has the query's distinct terms, for "Best match" (smallest first): how
    many start no word of its title, authors, venue or arXiv id (found in the abstract, or with
    typos); then, per term, 0 when it is a word of the title, 1 when it starts one, 2 when the
    title lacks it, summed. The worker's rank does the same."""
    title = set(tokenize(entry.title))
    short = title | set(tokenize(" ".join((entry.author_text, entry.venue, entry.arxiv_id or ""))))
    not_shown = in_title = 0
    for word in dict.fromkeys(query_terms(query)):
        not_shown += not any(is_prefix(word, term) for term in short)
        if word not in title:
            in_title += 1 if any(is_prefix(word, term) for term in title) else 2
    return not_shown, in_title


def matches_query(entry: Searchable, query: str, fuzzy: bool = False) -> bool:
    """Every query term is a prefix of some term of the entry's searched fields (or, with
    ``fuzzy``, within ``max_typos`` edits of one)."""
    wanted = query_terms(query)
    if not wanted:
        return True
    terms = entry_terms(entry)
    return all(_term_matches(word, terms, fuzzy) for word in wanted)


def is_fuzzy(entries: Sequence[Searchable], query: str) -> bool:
    """Whether the page searches ``query`` with typos allowed: it has terms and no entry has
    them all exactly."""
    return bool(query_terms(query)) and not any(matches_query(e, query) for e in entries)


@dataclass(frozen=True)
class Filters:
    """The page's filters and order, as in its URL: ``?q=&section=&year=&venue=&code=1&stars=N&sort=``."""

    query: str = ""
    section: str = ""  # a section id (with its subsections) or a subsection id
    year: int | None = None
    venue: str = ""
    code: bool = False
    min_stars: int = 0
    fuzzy: bool = False  # the query allows typos (select sets it when nothing matches exactly)
    sort: str = "relevance"  # one of sort_keys(): "Best match", the page's default

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
        return matches_query(entry, self.query, self.fuzzy)


def select(entries: Iterable[Searchable], filters: Filters) -> list[Searchable]:
    """The entries the page shows, in its order. The query is searched over every entry,
    before the filters, so the retry with typos happens when no entry at all has every term;
    its matches come closest first (fewest ``edits``). Then ``filters.sort``: "relevance"
    (``rank``; catalog order without a query), "newest" (``date_key``), "stars" (most first)
    or "catalog"; ties keep catalog order."""
    entries = list(entries)
    if not filters.fuzzy and is_fuzzy(entries, filters.query):
        filters = replace(filters, fuzzy=True)
    kept = [entry for entry in entries if filters.keep(entry)]
    orders: dict[str, Callable[[Searchable], tuple[int, ...]]] = {
        "relevance": lambda entry: rank(entry, filters.query),
        "newest": lambda entry: (-entry.date_key,),
        "stars": lambda entry: (-(entry.stars or 0),),
        "catalog": lambda entry: (),
    }
    order = orders[filters.sort]
    closest = (lambda entry: edits(entry, filters.query)) if filters.fuzzy else (lambda entry: 0)
    return sorted(kept, key=lambda entry: (closest(entry), *order(entry)))  # stable: catalog order next


def sort_keys() -> Sequence[str]:
    """The page's orders: best match (its default), the catalog's own, newest first, most stars
    first."""
    return ("relevance", "catalog", "newest", "stars")
