"""The catalog entries most similar to a paper (cosine similarity of title features), listed
only when the two titles share a word that says what they are about."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words of any title in the field: two titles that share only these ("A Simple and Effective ...
# for Large Language Models") are not about the same thing.
GENERIC_TITLE_WORDS = frozenset(
    {
        *ENGLISH_STOP_WORDS,
        *("simple", "effective", "efficient", "efficiently", "efficiency", "toward", "towards"),
        *("large", "language", "model", "llm", "llms", "approach", "method", "framework", "novel"),
        *("via", "using", "based", "better", "improv", "learn", "study", "analysis", "fast"),
        *("faster", "scalable", "lightweight", "strategy", "strategi", "deep", "neural", "network", "new"),
        *("accelerat",),  # "Accelerating LLM Training ..." is not like "Accelerating LLM Decoding ..."
    }
)

CHUNK = 2048  # papers per block of the similarity product (bounds memory)


@dataclass(frozen=True)
class CatalogEntry:
    """What a decision shows of a catalog entry."""

    title: str
    arxiv_id: str | None
    line: int  # 1-based line in catalog.md
    section: str | None
    subsection: str | None = None


def nearest(papers: csr_matrix, entries: csr_matrix, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, similarities), each (papers, count), best first. Rows need not be normalised:
    both sides are scaled to unit length here."""
    count = min(count, entries.shape[0])
    if count == 0 or papers.shape[0] == 0:
        empty = np.zeros((papers.shape[0], 0))
        return empty.astype(int), empty
    papers, entries = _unit_rows(papers), _unit_rows(entries)
    indices = np.zeros((papers.shape[0], count), dtype=int)
    similarities = np.zeros((papers.shape[0], count), dtype=np.float32)
    for start in range(0, papers.shape[0], CHUNK):
        block = (papers[start : start + CHUNK] @ entries.T).toarray()
        top = np.argpartition(-block, count - 1, axis=1)[:, :count]
        top_values = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_values, axis=1, kind="stable")
        indices[start : start + CHUNK] = np.take_along_axis(top, order, axis=1)
        similarities[start : start + CHUNK] = np.take_along_axis(top_values, order, axis=1)
    return indices, similarities


def _unit_rows(rows: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scaled: csr_matrix = csr_matrix(rows.multiply(1.0 / norms[:, None]))
    return scaled


@functools.lru_cache(maxsize=65536)  # the same words again and again, in thousands of titles
def _stem(word: str) -> str:
    """A light stem, enough to match compress/compression/compressed, cache/caches,
    prune/pruned/pruning and binarized/binarization."""
    for suffix in ("ations", "ation", "ions", "ion", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_words(title: str) -> set[str]:
    """The stemmed words of a title that say what it is about (not stop or generic words)."""
    words = (w for w in re.findall(r"[a-z0-9]+", title.lower()) if len(w) > 1)
    stems = {_stem(w) for w in words if w not in GENERIC_TITLE_WORDS}
    return stems - GENERIC_TITLE_WORDS
