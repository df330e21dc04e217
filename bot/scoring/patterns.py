"""Keyword patterns as people write them, compiled to whole-word regular expressions.

Syntax (documented in ``config/keywords.yml``):

- words and phrases match whole words only: ``RL`` never matches inside ``world``;
- a space or hyphen in a pattern matches a space, a hyphen, or nothing: ``KV cache`` matches
  "KV cache", "KV-cache" and "KVCache";
- a plural ``s``/``es`` is always accepted; a trailing ``*`` accepts any ending
  (``quantiz*``: quantize, quantized, quantization);
- a pattern without lowercase letters (``RL``, ``KV``, ``LLM``) matches that case only; other
  patterns ignore case;
- ``re:<expression>`` is a raw (case-insensitive) regular expression for anything else; a
  group named ``shown`` (``(?P<shown>...)``) is what a PR shows of its match, when the
  expression also reads the rest of the text (a condition on the whole title, then ``.*``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _parser as regex_parser  # type: ignore[attr-defined]  # re's own parser
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

from bot.errors import ConfigError

_WORD_AFTER = r"(?![A-Za-z0-9])"
_SEPARATOR = r"[\s\-]*"


def pattern_regex(pattern: str) -> tuple[str, bool]:
    """(regular expression, whether it is meant for the lowercased text) for one pattern.
    The first word comes first and the word-start check after it, so that ``re`` can jump
    straight to occurrences of that word."""
    text = pattern.strip()
    if not text:
        raise ConfigError("config/keywords.yml: an empty pattern; remove it or write a word")
    if text.startswith("re:"):
        _check(text[3:], pattern)
        return f"(?i:{text[3:]})", False
    lower = bool(re.search(r"[a-z]", text))
    words = [
        re.escape(w.lower() if lower else w) for w in re.split(r"[\s\-]+", text.rstrip("*").strip()) if w
    ]
    ending = r"[A-Za-z0-9]*" if text.endswith("*") else r"(?:s|es)?" + _WORD_AFTER
    start = f"{words[0]}(?<![A-Za-z0-9]{words[0]})"
    return start + "".join(_SEPARATOR + w for w in words[1:]) + ending, lower


def matched_words(pattern: str, text: str) -> str | None:
    """What a pattern found in ``text`` (its first occurrence, as written there), to show a
    regular expression's evidence by its words rather than by its source: its group named
    ``shown`` when it has one, else the whole match."""
    regex, lower = pattern_regex(pattern)
    if lower:  # lowercasing may change lengths: search the text as written, ignoring case
        regex = f"(?i:{regex})"
    found = re.search(regex, text)
    if found is None:
        return None
    shown = found.group("shown") if "shown" in found.re.groupindex else None
    return shown or found.group(0)


def equivalent_patterns(patterns: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs (earlier, later) of patterns that find the same texts: the same words once spaces
    and hyphens are dropped (they may also be nothing), case aside unless a pattern is an
    exact-case one ("SLO"). A text that has one has both, so it would count twice."""
    seen: dict[tuple[str, bool], str] = {}
    pairs = []
    for pattern in patterns:
        text = pattern.strip()
        if not text or text.startswith("re:"):
            continue
        lower = bool(re.search(r"[a-z]", text))
        key = (re.sub(r"[\s\-]+", "", text.lower() if lower else text), lower)
        if key in seen:
            pairs.append((seen[key], pattern))
        else:
            seen[key] = pattern
    return pairs


def _check(source: str, pattern: str) -> None:
    try:
        re.compile(source)
    except re.error as exc:
        raise ConfigError(
            f"config/keywords.yml: pattern {pattern!r} is not a valid regular "
            f"expression ({exc}); fix it or drop the 're:' prefix"
        ) from exc


def _words(pattern: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", pattern.rstrip("*")) if w]


@dataclass(frozen=True)
class _Plan:
    """How to find one pattern cheaply: its words must be present before its regex runs."""

    kind: str  # "word" (confirmed by the word alone), "case" (exact-case word), "phrase", "re"
    # "re": lowercase pieces of words, one of which every text it matches holds (empty: unknown);
    # otherwise: lowercase words that must all occur (the last may be a stem)
    words: tuple[str, ...]
    prefix: bool


def _plan(pattern: str) -> _Plan:
    if pattern.startswith("re:"):
        return _Plan("re", regex_start_words(pattern[3:]), False)
    words = _words(pattern)
    prefix = pattern.endswith("*")
    lower = tuple(w.lower() for w in words)
    if len(words) == 1 and not re.search(r"[a-z]", pattern):
        return _Plan("case", tuple(words), prefix)
    kind = "word" if len(words) == 1 else "phrase"
    return _Plan(kind, lower, prefix)


def regex_start_words(source: str) -> tuple[str, ...]:
    """Lowercase word pieces of 3 or more letters or digits, one of which is in every text the
    regex matches, ignoring case: the literal start of each of its first alternatives
    ("(?:efficient|scalable|fast)\\W+..." -> efficient, scalable, fast). Empty when its start is
    not literal (a character class, a repeat...): it may match any text."""
    found = _start_words(regex_parser.parse(source))
    return tuple(sorted(found)) if found else ()


def _start_words(items: Any) -> set[str] | None:
    zero_width = (regex_parser.AT, regex_parser.ASSERT, regex_parser.ASSERT_NOT)  # ^, \b, look-arounds
    items = [(op, av) for op, av in items if op not in zero_width]
    if not items:
        return None
    op, av = items[0]
    if op is regex_parser.SUBPATTERN:
        return _start_words(av[-1])
    if op is regex_parser.BRANCH:
        words: set[str] = set()
        for branch in av[1]:
            start = _start_words(branch)
            if start is None:
                return None
            words |= start
        return words
    literal = ""
    for op, av in items:
        if op is not regex_parser.LITERAL or not chr(av).isascii() or not chr(av).isalnum():
            break
        literal += chr(av).lower()
    return {literal} if len(literal) >= 3 else None


class PatternSet:
    """Many patterns searched in many texts at once. The texts' words go into one sparse
    matrix (as sklearn tokenises them, with the same word boundaries as the patterns); a
    one-word pattern is settled by matrix products; a phrase needs all its words present (some
    may be written together, as in "KVCache") before its regex runs on that text; a case-sensitive
    word, likewise; an ``re:`` pattern runs where one of the words it starts with is (inside a
    word too: ``compress\\w*`` finds "decompression"), or everywhere when it does not start with
    words."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = list(patterns)
        compiled = [pattern_regex(p) for p in patterns]
        self.regexes = [re.compile(source) for source, _ in compiled]
        self.on_lower = [lower for _, lower in compiled]
        self.plans = [_plan(p.strip()) for p in patterns]

    def find(self, text: str) -> set[int]:
        """Indices of every pattern found in ``text``."""
        return self.find_all([text])[0]

    def find_all(self, texts: Sequence[str]) -> list[set[int]]:
        """For each text, the indices of the patterns found in it."""
        found: list[set[int]] = [set() for _ in texts]
        if not self.plans or not any(texts):
            return found
        vectorizer = CountVectorizer(token_pattern=r"[A-Za-z0-9]+", lowercase=True, binary=True)
        try:
            words = vectorizer.fit_transform(texts)
        except ValueError:  # no words at all
            return found
        vocabulary = _Vocabulary(vectorizer.get_feature_names_out())
        slots, needs = self._slots(vocabulary)
        rows = [c for columns in slots for c in columns]
        cols = [j for j, columns in enumerate(slots) for _ in columns]
        selector = csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(vocabulary.terms), len(slots))
        )
        has_slot = (words @ selector).tocsc()
        lowered = [t.lower() for t in texts]
        for index, plan in enumerate(self.plans):
            docs = _candidate_docs(needs[index], has_slot, len(texts))
            search = self.regexes[index].search
            source = lowered if self.on_lower[index] else texts
            for doc in docs:
                if plan.kind == "word" or search(source[doc]):
                    found[doc].add(index)
        return found

    def _slots(self, vocabulary: _Vocabulary) -> tuple[list[list[int]], list[Any]]:
        """Word slots (each a list of vocabulary columns, any of which fills it) and, per
        pattern, what it needs: None (every text), or the ways its words can be written (each a
        list of slots all needed), since a space or hyphen may also be nothing: "representation
        fine-tuning" is "representation", "fine", "tuning" or "representation", "finetuning"..."""
        slots: list[list[int]] = []
        needs: list[Any] = []
        for plan in self.plans:
            if plan.kind == "re":
                ways = []
                for piece in plan.words:  # any one of them will do
                    slots.append(vocabulary.containing(piece))
                    ways.append([len(slots) - 1])
                needs.append(ways or None)
                continue
            ways = []
            for groups in _joinings(plan.words):
                required = []
                for i, group in enumerate(groups):
                    last = i == len(groups) - 1
                    slots.append(vocabulary.columns("".join(group).lower(), prefix=plan.prefix and last))
                    required.append(len(slots) - 1)
                ways.append(required)
            needs.append(ways)
        return slots, needs


def _joinings(words: tuple[str, ...], most: int = 5) -> list[list[tuple[str, ...]]]:
    """The ways ``words`` can be written, each a list of groups of words written together: every
    split of a phrase of up to ``most`` words (16 ways for 5), else all apart or all together."""
    if len(words) > most:
        return [[(w,) for w in words], [words]]
    ways: list[list[tuple[str, ...]]] = []
    for mask in range(2 ** (len(words) - 1)):
        groups: list[tuple[str, ...]] = []
        current = [words[0]]
        for i, word in enumerate(words[1:]):
            if mask >> i & 1:
                current.append(word)
            else:
                groups.append(tuple(current))
                current = [word]
        groups.append(tuple(current))
        ways.append(groups)
    return ways


def _candidate_docs(need: Any, has_slot: Any, count: int) -> Any:
    """The texts that have every word a pattern needs, in one of the ways it can be written;
    all texts for ``re:``."""
    if need is None:
        return range(count)

    def docs(slot: int) -> Any:
        return has_slot.indices[has_slot.indptr[slot] : has_slot.indptr[slot + 1]]

    candidates = np.zeros(0, dtype=np.int32)
    for required in need:
        present = docs(required[0])
        for slot in required[1:]:
            if not len(present):
                break
            present = np.intersect1d(present, docs(slot), assume_unique=True)
        candidates = np.union1d(candidates, present)
    return candidates


class _Vocabulary:
    """The words of a batch of texts, looked up with plurals and stems."""

    def __init__(self, terms: Any) -> None:
        self.terms = [str(t) for t in terms]  # sorted by CountVectorizer
        self.index = {t: i for i, t in enumerate(self.terms)}

    def containing(self, piece: str) -> list[int]:
        """The columns of the words that have ``piece`` anywhere in them."""
        return [i for i, term in enumerate(self.terms) if piece in term]

    def columns(self, word: str, prefix: bool = False) -> list[int]:
        if prefix:
            start = bisect.bisect_left(self.terms, word)
            end = bisect.bisect_left(self.terms, word + "\uffff")
            return list(range(start, end))
        return [self.index[w] for w in (word, word + "s", word + "es") if w in self.index]
