"""Keyword patterns as people write them, compiled to whole-word regular expressions.

Syntax (documented in ``config/keywords.yml``):

- words and phrases match whole words only: ``RL`` never matches inside ``world``;
- a space or hyphen in a pattern matches a space, a hyphen, or nothing: ``KV cache`` matches
  "KV cache", "KV-cache" and "KVCache";
- a plural ``s``/``es`` is always accepted; a trailing ``*`` accepts any ending
  (``quantiz*``: quantize, quantized, quantization);
- a pattern without lowercase letters (``RL``, ``KV``, ``LLM``) matches that case only; other
  patterns ignore case (lowercase letters of any script: ``эффективный вывод``);
- the words may be in any script; a pattern with no Latin letter or digit (``高效 推理``) is
  searched in every text. Its edges are whole words in a script written with spaces between
  words (``вывод`` is not found in "перевывод"; ``вывод*`` finds "вывода"), none in one written
  without (Chinese, Japanese, Thai...) or in Korean, whose particles join the word: ``推理`` is
  found in "大模型推理加速", ``추론`` in "추론을";
- ``re:<expression>`` is a raw (case-insensitive) regular expression for anything else; a
  group named ``shown`` (``(?P<shown>...)``) is what a PR shows of its match, when the
  expression also reads the rest of the text (a condition on the whole title, then ``.*``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from bot.core.regex_backtracking import bounded_nested_repeat, nested_repeat
from bot.errors import ConfigError
from bot.scoring import counting
from bot.scoring.regex_needs import Required, pieces, regex_required, regex_start_words

_WORD_AFTER = r"(?![A-Za-z0-9])"
_SEPARATOR = r"[\s\-]*"
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar)
# and Korean, whose particles join the word ("추론을"): a pattern's letter of these has no word
# edge, its term is found inside longer runs
_NO_SPACES = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3005-\u3007\u3040-\u30ff"
    "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)


def _edge(letter: str) -> str:
    """What may not stand beside a pattern's first or last letter: a Latin letter or digit beside
    an ASCII one (as the word matrix reads words), any letter or digit beside a letter of another
    script written with spaces (Cyrillic, Greek, "é"), nothing beside one written without."""
    if letter.isascii():
        return "[A-Za-z0-9]"
    return "" if _NO_SPACES.match(letter) else r"[^\W_]"


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
    lower = _has_lower(text)
    words = [
        re.escape(w.lower() if lower else w) for w in re.split(r"[\s\-]+", text.rstrip("*").strip()) if w
    ]
    first, last = text[0], text.rstrip("*").rstrip()[-1]
    after, before = _edge(last), _edge(first)
    if text.endswith("*"):
        ending = after + "*" if after else ""  # any ending in the last letter's script
    elif last.isascii():
        ending = r"(?:s|es)?" + _WORD_AFTER
    else:
        ending = f"(?!{after})" if after else ""
    start = f"{words[0]}(?<!{before}{words[0]})" if before else words[0]
    return start + "".join(_SEPARATOR + w for w in words[1:]) + ending, lower


def matched_words(pattern: str, text: str) -> str | None:
    """What a pattern found in ``text`` (its first occurrence, as written there), to show a
    rule's evidence by its words rather than by its pattern: a regular expression's group named
    ``shown`` when it has one, else the whole match."""
    found = _as_written(pattern).search(text)
    if found is None:
        return None
    shown = found.group("shown") if "shown" in found.re.groupindex else None
    return shown or found.group(0)


@functools.lru_cache(maxsize=4096)
def _as_written(pattern: str) -> re.Pattern[str]:
    """A pattern's regex for the text as written (every PR reason searches one, of hundreds)."""
    regex, lower = pattern_regex(pattern)
    # lowercasing may change lengths: search the text as written, ignoring case
    return re.compile(f"(?i:{regex})" if lower else regex)


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
        lower = _has_lower(text)
        key = (re.sub(r"[\s\-]+", "", text.lower() if lower else text), lower)
        if key in seen:
            pairs.append((seen[key], pattern))
        else:
            seen[key] = pattern
    return pairs


def _has_lower(text: str) -> bool:
    """Whether a pattern has a lowercase letter (of any script), so that it ignores case."""
    return any(ch.islower() for ch in text)


def _check(source: str, pattern: str) -> None:
    try:
        re.compile(source)
    except re.error as exc:
        raise ConfigError(
            f"config/keywords.yml: pattern {pattern!r} is not a valid regular "
            f"expression ({exc}); fix it or drop the 're:' prefix"
        ) from exc
    if nested_repeat(source):
        raise ConfigError(
            f"config/keywords.yml: pattern '{pattern}' repeats without bound a part that can split "
            "the same words in many ways (as in (\\w+\\s?)+): on a text it does not match, Python "
            "tries every split, for hours on one abstract, and the poll job never ends. Bound the "
            "outer repeat, e.g. (?:\\w+\\W+){0,5}? (up to 5 words, as the shipped rules do)"
        )
    if bounded_nested_repeat(source):
        raise ConfigError(
            f"config/keywords.yml: pattern '{pattern}' repeats a part that can split the same words in "
            "many ways (as in (\\w+\\s?){1,5}): a bound does not help, on one long word an abstract "
            "holds Python tries every split into that many parts, for hours. Write parts that cannot "
            "match the same text: a word, then what ends it, e.g. (?:\\w+\\W+){0,5}? (as the shipped "
            "rules do)"
        )


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
    required: Required = None  # "re": what every text it matches holds (``regex_required``)


def _plan(pattern: str) -> _Plan:
    if pattern.startswith("re:"):
        return _Plan("re", regex_start_words(pattern[3:]), False, regex_required(pattern[3:]))
    words = _words(pattern)
    prefix = pattern.endswith("*")
    lower = tuple(w.lower() for w in words)
    if len(words) == 1 and not _has_lower(pattern):
        return _Plan("case", tuple(words), prefix)
    # one plain word is confirmed by the word alone; a word with letters outside ASCII ("µP",
    # "é-cache") needs its regex, as its ASCII part is all the word matrix sees
    kind = "word" if len(words) == 1 and re.fullmatch(r"[A-Za-z0-9]+\*?", pattern) else "phrase"
    return _Plan(kind, lower, prefix)


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[re.Pattern[str], bool, _Plan]:
    """(regex, whether it reads the lowercased text, plan) of a pattern, made once per process:
    a job builds the rules more than once (the config check, the scorer), with hundreds of
    patterns, many in both fields (more than ``re``'s own cache holds)."""
    source, lower = pattern_regex(pattern)
    return re.compile(source), lower, _plan(pattern.strip())


# the characters other than ASCII that ``re`` matches to an ASCII letter ignoring case ("ſ" is
# an "s"): a text with one may match where its words do not show it, so the regex runs on it
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


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
        compiled = [_compiled(p) for p in patterns]
        self.regexes = [regex for regex, _, _ in compiled]
        self.on_lower = [lower for _, lower, _ in compiled]
        self.plans = [plan for _, _, plan in compiled]

    def find(self, text: str) -> set[int]:
        """Indices of every pattern found in ``text``."""
        return self.find_all([text])[0]

    def find_all(self, texts: Sequence[str]) -> list[set[int]]:
        """For each text, the indices of the patterns found in it."""
        found: list[set[int]] = [set() for _ in texts]
        if not self.plans or not any(texts):
            return found
        words, terms = counting.presence(texts, r"[A-Za-z0-9]+")
        vocabulary = _Vocabulary(terms)
        slots, needs = self._slots(vocabulary)
        piece_slots: dict[str, int] = {}
        for plan in self.plans:
            for piece in pieces(plan.required):
                if piece not in piece_slots:  # "^...": starting a word; else anywhere in one
                    start = piece.startswith("^")
                    slots.append(
                        vocabulary.columns(piece[1:], prefix=True) if start else vocabulary.containing(piece)
                    )
                    piece_slots[piece] = len(slots) - 1
        rows = [c for columns in slots for c in columns]
        cols = [j for j, columns in enumerate(slots) for _ in columns]
        selector = csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(vocabulary.terms), len(slots))
        )
        has_slot = words @ selector
        lowered = [t.lower() for t in texts]
        has = _Slots(has_slot, len(texts))
        folding = np.array([not t.isascii() and bool(_FOLDS_TO_ASCII.search(t)) for t in texts], dtype=bool)
        for index, plan in enumerate(self.plans):
            candidates = _candidates(needs[index], has)
            if plan.kind == "re" and plan.required is not None:
                possible = _required_texts(plan.required, piece_slots, has)
                if possible is not None:
                    possible = possible | folding
                    candidates = possible if candidates is None else candidates & possible
            docs = range(len(texts)) if candidates is None else np.flatnonzero(candidates).tolist()
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
            if not plan.words:  # no Latin letter or digit to look for first: every text
                needs.append(None)
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


class _Slots:
    """Which texts fill each word slot, as a mask over the texts."""

    def __init__(self, has_slot: Any, count: int) -> None:
        self.has_slot = has_slot.tocsc()
        self.count = count

    def __getitem__(self, slot: int) -> np.ndarray:
        mask = np.zeros(self.count, dtype=bool)
        mask[self.has_slot.indices[self.has_slot.indptr[slot] : self.has_slot.indptr[slot + 1]]] = True
        return mask


def _candidates(need: Any, has: _Slots) -> np.ndarray | None:
    """The texts that have every word a pattern needs, in one of the ways it can be written
    (a mask); None (all texts) for ``re:`` without start words."""
    if need is None:
        return None
    candidates = np.zeros(has.count, dtype=bool)
    for required in need:
        present = has[required[0]]
        for slot in required[1:]:
            if not present.any():
                break
            present &= has[slot]
        candidates |= present
    return candidates


def _required_texts(required: Required, piece_slots: dict[str, int], has: _Slots) -> np.ndarray | None:
    """The texts whose words hold what ``required`` says (a mask; None: every text)."""
    if required is None:
        return None
    if isinstance(required, str):
        return has[piece_slots[required]]
    kind, parts = required
    found = [_required_texts(part, piece_slots, has) for part in parts]
    kept = [f for f in found if f is not None]
    if kind == "or":
        return None if len(kept) < len(found) else functools.reduce(np.logical_or, kept)
    return functools.reduce(np.logical_and, kept) if kept else None


class _Vocabulary:
    """The words of a batch of texts, looked up with plurals and stems."""

    def __init__(self, terms: Any) -> None:
        self.terms = [str(t) for t in terms]  # sorted
        self.index = {t: i for i, t in enumerate(self.terms)}
        # every word on a line of one text: a piece is searched once, not word by word
        self._joined = "\n".join(self.terms)
        self._starts = np.cumsum([0] + [len(t) + 1 for t in self.terms[:-1]])

    def containing(self, piece: str) -> list[int]:
        """The columns of the words that have ``piece`` anywhere in them."""
        if not piece or "\n" in piece:
            return [i for i, term in enumerate(self.terms) if piece in term]
        found = [m.start() for m in re.finditer(re.escape(piece), self._joined)]
        columns = np.searchsorted(self._starts, found, side="right") - 1  # in order
        return columns[np.r_[True, columns[1:] != columns[:-1]]].tolist() if len(found) else []

    def columns(self, word: str, prefix: bool = False) -> list[int]:
        if prefix:
            start = bisect.bisect_left(self.terms, word)
            end = bisect.bisect_left(self.terms, word + "\uffff")
            return list(range(start, end))
        return [self.index[w] for w in (word, word + "s", word + "es") if w in self.index]
