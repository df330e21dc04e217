"""Fast n-gram counting for fitted tf-idf vectorisers: the same rows as ``transform``, sooner.

scikit-learn's ``transform`` builds every n-gram of every text as a string in a Python loop (most
of a score run's time on 13,000 abstracts). Here a text's words are found as sklearn finds them,
each distinct word's n-grams are built once, word pairs are looked up as pairs of word ids
with numpy, and the counts go through a ``TfidfTransformer`` with the vectoriser's settings and
``idf_`` (its own tf-idf step, by the public API), so the rows are exactly
``vectorizer.transform(texts)`` (``tests/scoring/test_counting.py`` checks it, bit for bit).
A vectoriser set up in a way this does not read (another analyser, a tokenizer, accents
stripped...) is left to ``transform``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

_WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's char_wb analyser normalises spaces


def transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)``: the same matrix, bit for bit."""
    counts = _counts(vectorizer, texts) if texts else None  # none: sklearn's error
    if counts is None:
        return vectorizer.transform(list(texts))
    return _weighting(vectorizer).transform(counts, copy=False)


def _weighting(vectorizer: TfidfVectorizer) -> TfidfTransformer:
    """The fitted vectoriser's tf-idf step, from its public settings and ``idf_``."""
    weighting = TfidfTransformer(
        norm=vectorizer.norm,
        use_idf=vectorizer.use_idf,
        smooth_idf=vectorizer.smooth_idf,
        sublinear_tf=vectorizer.sublinear_tf,
    )
    weighting.idf_ = vectorizer.idf_
    return weighting


def _readable(vectorizer: TfidfVectorizer) -> bool:
    v = vectorizer
    return (
        v.input == "content"
        and v.lowercase
        and v.preprocessor is None
        and v.tokenizer is None
        and v.strip_accents is None
        and not v.binary
        and isinstance(getattr(v, "vocabulary_", None), dict)
        and v.use_idf
        and hasattr(v, "idf_")
    )


def _counts(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> csr_matrix | None:
    if not _readable(vectorizer) or not all(isinstance(t, str) for t in texts):
        return None
    low, high = vectorizer.ngram_range
    if vectorizer.analyzer == "word" and low == 1 and high in (1, 2):
        pattern = re.compile(vectorizer.token_pattern)
        if pattern.groups:
            return None
        return _word_counts(vectorizer, words_of(texts, pattern.pattern), high == 2)
    if vectorizer.analyzer == "char_wb":
        return _char_wb_counts(vectorizer, texts)
    return None


# sklearn's default word: two or more word characters between word boundaries, i.e. every run
# of two or more word characters (found faster without the boundaries)
_DEFAULT_WORD = r"(?u)\b\w\w+\b"
_RUNS = re.compile(r"\w\w+")
_LAST_WORDS: list[tuple[tuple[str, tuple[str, ...]], list[list[str]]]] = []


def words_of(texts: Sequence[str], token_pattern: str) -> list[list[str]]:
    """The words of each lowercased text as ``token_pattern`` finds them; the last texts' are kept
    (the relevance features and the abstract model read the same title + abstract texts)."""
    key = (token_pattern, tuple(texts))
    if _LAST_WORDS and _LAST_WORDS[0][0] == key:
        return _LAST_WORDS[0][1]
    pattern = _RUNS if token_pattern == _DEFAULT_WORD else re.compile(token_pattern)
    words = [pattern.findall(t.lower()) for t in texts]
    _LAST_WORDS[:] = [(key, words)]
    return words


def _matrix(rows: np.ndarray, columns: np.ndarray, count: int, vectorizer: TfidfVectorizer) -> csr_matrix:
    """The count matrix of (row, column) occurrences, as sklearn's ``_count_vocab`` builds it."""
    width = len(vectorizer.vocabulary_)
    keys, counts = _distinct(rows.astype(np.int64) * width + columns)
    indptr = np.searchsorted(keys // width, np.arange(count + 1), side="left").astype(np.int32)
    matrix = csr_matrix(
        (counts.astype(vectorizer.dtype), (keys % width).astype(np.int32), indptr),
        shape=(count, width),
        dtype=vectorizer.dtype,
    )
    matrix.has_sorted_indices = True
    return matrix


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys in order, how often each occurs): ``np.unique(keys, return_counts=True)``
    by a plain sort (numpy's hashing unique took longer on a million keys)."""
    keys = np.sort(keys)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
    return keys[starts], np.diff(np.r_[starts, len(keys)])


def _word_counts(vectorizer: TfidfVectorizer, words: list[list[str]], pairs: bool) -> csr_matrix:
    """Word 1-grams (and 2-grams of neighbouring words, stop words dropped first)."""
    stop = vectorizer.get_stop_words()
    if stop:
        words = [[w for w in text if w not in stop] for text in words]
    ids, distinct, row = _word_ids(words)
    vocabulary = vectorizer.vocabulary_
    column_of = np.fromiter((vocabulary.get(w, -1) for w in distinct), dtype=np.int64, count=len(distinct))
    columns = column_of[ids]
    rows = [row[columns >= 0]]
    found = [columns[columns >= 0]]
    if pairs and len(ids) > 1:
        same = row[:-1] == row[1:]  # neighbours within one text
        keys = ids[:-1][same] * len(distinct) + ids[1:][same]
        known, known_columns = _pair_keys(vocabulary, distinct)
        at = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
        hit = known[at] == keys if len(known) else np.zeros(len(keys), dtype=bool)
        rows.append(row[:-1][same][hit])
        found.append(known_columns[at[hit]])
    return _matrix(np.concatenate(rows), np.concatenate(found), len(words), vectorizer)


def _pair_keys(vocabulary: dict[str, int], distinct: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted keys, columns) of the vocabulary's word pairs whose two words occur in the texts,
    a pair's key being ``first id * distinct words + second id``."""
    keys, columns = [], []
    for term, column in vocabulary.items():
        first, space, second = term.partition(" ")
        if space and first in distinct and second in distinct:
            keys.append(distinct[first] * len(distinct) + distinct[second])
            columns.append(column)
    order = np.argsort(keys)
    return np.asarray(keys, dtype=np.int64)[order], np.asarray(columns, dtype=np.int64)[order]


def _char_wb_counts(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> csr_matrix:
    """Character n-grams inside words padded with a space, each distinct word's once."""
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    words = [_WHITE_SPACES.sub(" ", text.lower()).split() for text in texts]
    ids, distinct, row = _word_ids(words)
    # the columns of each distinct word's n-grams, one after the other
    grams = [[vocabulary.get(g, -1) for g in _char_wb_grams(" " + w + " ", low, high)] for w in distinct]
    known = [[c for c in columns if c >= 0] for columns in grams]
    sizes = np.fromiter(map(len, known), dtype=np.int64, count=len(known))
    starts = np.cumsum(sizes) - sizes
    flat = np.fromiter(itertools.chain.from_iterable(known), dtype=np.int64, count=int(sizes.sum()))
    # each occurrence of a word gives its n-grams' columns: ranges of ``flat``, concatenated
    lengths = sizes[ids]
    offsets = np.cumsum(lengths) - lengths
    picks = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(offsets - starts[ids], lengths)
    return _matrix(np.repeat(row, lengths), flat[picks], len(texts), vectorizer)


def _word_ids(words: list[list[str]]) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """(id of each word of all texts, distinct word -> id, text of each word)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = list(itertools.chain.from_iterable(words))
    distinct = {w: i for i, w in enumerate(dict.fromkeys(flat))}
    ids = np.fromiter(map(distinct.__getitem__, flat), dtype=np.int64, count=len(flat))
    return ids, distinct, np.repeat(np.arange(len(words), dtype=np.int64), lengths)


def _char_wb_grams(word: str, low: int, high: int) -> list[str]:
    """sklearn's ``_char_wb_ngrams`` for one padded word: every n-gram of each size, and a word
    no longer than a size once, as it is, ending there."""
    grams: list[str] = []
    size = len(word)
    for n in range(low, high + 1):
        grams += [word[i : i + n] for i in range(max(1, size - n + 1))]
        if size <= n:
            break
    return grams


def presence(texts: Sequence[str], token_pattern: str) -> tuple[csr_matrix, list[str]]:
    """(which words each text has, 1 or nothing; the words in sorted order): what a
    ``CountVectorizer(token_pattern=..., binary=True)`` fitted on ``texts`` gives."""
    ids, distinct, row = _word_ids(words_of(texts, token_pattern))
    terms = sorted(distinct)
    column_of = np.empty(len(terms), dtype=np.int64)
    column_of[[distinct[t] for t in terms]] = np.arange(len(terms))
    width = max(len(terms), 1)
    keys, _ = _distinct(row * width + column_of[ids])
    indptr = np.searchsorted(keys // width, np.arange(len(texts) + 1), side="left")
    matrix = csr_matrix(
        (np.ones(len(keys), dtype=np.int64), keys % width, indptr), shape=(len(texts), len(terms))
    )
    return matrix, terms
