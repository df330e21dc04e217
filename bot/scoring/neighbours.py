"""The catalog entries most similar to a paper (cosine similarity of title features)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

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
