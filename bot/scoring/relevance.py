"""The learned relevance score: does this paper read like the catalog's entries?

Positives are the catalog's entries (the list is the best description of what belongs in it);
negatives are the background (a fixed sample of older papers shipped with the bot, see
``background.py``; not the feed, whose new topics would become negatives) and its papers judged
out of scope. The papers of closed PRs can only lower a score: a second set of models is trained
with them as negatives too, and a paper gets the lower of the two logits. (Trained in one model,
a few closed titles took the negative weight of the catalog's own words, LLM, efficient, and the
intercept rose to keep the entries up: a paper sharing no word with them read higher, round 28
of bench/RESULTS-scoring.md.) A paper being scored may still be in the background (benchmarks, or a custom
background): the background is split into folds (by a hash of the arXiv id), and a background
paper is scored by the model trained without its fold ("cross-fitting"), so a paper never counts
as its own negative. Papers outside the background get the average of the models.

The papers of merged PRs can raise a logit by at most ``merged_lift``: a third set of models is
trained without them, and a paper's logit is at most theirs plus the cap. (A few merged titles of
one topic lifted every title sharing its words: "Can Mamba Always Enjoy the Free Lunch?", a theory
paper, rose 0.57 logits with three merged Mamba titles, round 31 of bench/RESULTS-scoring.md.)
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, vstack
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class RelevanceSettings:
    c: float = 2.0  # inverse regularisation strength of the logistic regression
    folds: int = 2  # cross-fitting folds over the background (1: no cross-fitting)
    rejected_weight: float = 3.0  # a rejected PR's paper counts as this many negatives
    taxonomy_weight: float = 3.0  # each section's title and description counts as this many entries
    min_background: int = 20  # fewer background papers than this: no learned score
    merged_lift: float | None = 0.3  # merged PRs' entries raise a logit by at most this (None: no cap)


@dataclass(frozen=True)
class LinearModel:
    coef: np.ndarray
    intercept: float

    def decision(self, rows: csr_matrix) -> np.ndarray:
        return np.asarray(rows @ self.coef).ravel() + self.intercept


def lower_with_closed(logits: np.ndarray, closed: np.ndarray | None) -> np.ndarray:
    """Closed PRs can only lower a score: each logit of the models trained without the closed PRs'
    papers, or the one of their twins trained with them as negatives too (``closed``, the same
    shape; None when no PR was closed) where that is lower. Only the title model learns closed
    PRs (``abstracts.py`` says why)."""
    return logits if closed is None else np.minimum(logits, closed)


def fold_of(arxiv_id: str, folds: int) -> int:
    """A stable fold number for a paper (the same on every run and machine)."""
    return zlib.crc32(arxiv_id.encode("utf-8")) % folds


def _fit(x: csr_matrix, y: np.ndarray, weights: np.ndarray, c: float) -> LinearModel:
    # classes weighted to balance: a few hundred entries against thousands of feed papers
    balance = np.where(y == 1, len(y) / (2 * max(1, y.sum())), len(y) / (2 * max(1, (1 - y).sum())))
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    model.fit(x, y, sample_weight=weights * balance)
    return LinearModel(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


@dataclass(frozen=True)
class RelevanceModel:
    models: tuple[LinearModel, ...]  # one per background fold
    background_folds: dict[str, int]  # arXiv id -> fold, for the background papers
    positives: int
    negatives: int
    closed: tuple[LinearModel, ...] = ()  # per fold, trained with the closed PRs too (or none)
    unmerged: tuple[LinearModel, ...] = ()  # per fold, trained without the merged PRs (or none)
    merged_lift: float = 0.0  # how far above the unmerged models a logit can be

    def decision(self, rows: csr_matrix, arxiv_ids: Sequence[str]) -> np.ndarray:
        """The learned logit of each row; background papers by their out-of-fold model. With
        closed PRs, the lower of each fold's two models: they lower papers like them, never raise
        another. With merged PRs, at most ``merged_lift`` above the models trained without them."""
        closed = np.stack([m.decision(rows) for m in self.closed]) if self.closed else None
        out = self._by_fold(
            lower_with_closed(np.stack([m.decision(rows) for m in self.models]), closed), arxiv_ids
        )
        if self.unmerged:
            unmerged = self._by_fold(np.stack([m.decision(rows) for m in self.unmerged]), arxiv_ids)
            out = np.minimum(out, unmerged + self.merged_lift)
        return out

    def _by_fold(self, scores: np.ndarray, arxiv_ids: Sequence[str]) -> np.ndarray:
        """The folds' mean; a background paper's own out-of-fold model."""
        out = scores.mean(axis=0)
        for row, arxiv_id in enumerate(arxiv_ids):
            fold = self.background_folds.get(arxiv_id)
            if fold is not None and len(self.models) > 1:
                out[row] = scores[fold, row]
        return out


def train_relevance(
    positives: csr_matrix,
    positive_weights: np.ndarray,
    background: csr_matrix,
    background_ids: Sequence[str],
    rejected: csr_matrix,
    settings: RelevanceSettings,
    closed: csr_matrix | None = None,
    merged: np.ndarray | None = None,
) -> RelevanceModel | None:
    """Train one model per background fold (negatives: the background and the ``rejected``
    papers judged out of scope), and with ``closed`` (closed PRs' papers) rows, one more per fold
    with them as negatives too; with ``merged`` (which positives are merged PRs' papers) and a
    ``merged_lift``, one more per fold without them. None when there is too little to learn from."""
    if positives.shape[0] == 0 or background.shape[0] < settings.min_background:
        return None
    folds = max(1, settings.folds)
    assigned = np.array([fold_of(i, folds) for i in background_ids], dtype=int)

    def fit_folds(
        rejected: csr_matrix, positive_weights: np.ndarray = positive_weights
    ) -> tuple[LinearModel, ...]:
        models = []
        for fold in range(folds):
            keep = assigned != fold if folds > 1 else np.ones(len(assigned), dtype=bool)
            negatives = vstack([background[keep], rejected]).tocsr()
            x = vstack([positives, negatives]).tocsr()
            y = np.r_[np.ones(positives.shape[0]), np.zeros(negatives.shape[0])]
            weights = np.r_[
                positive_weights,
                np.ones(int(keep.sum())),
                np.full(rejected.shape[0], settings.rejected_weight),
            ]
            models.append(_fit(x, y, weights, settings.c))
        return tuple(models)

    closed_rows = closed.shape[0] if closed is not None else 0
    lift = settings.merged_lift if merged is not None and merged.any() else None
    return RelevanceModel(
        fit_folds(rejected),
        dict(zip(background_ids, assigned.tolist(), strict=True)),
        positives.shape[0],
        background.shape[0] + rejected.shape[0] + closed_rows,
        fit_folds(vstack([rejected, closed]).tocsr()) if closed is not None and closed_rows else (),
        fit_folds(rejected, np.where(merged, 0.0, positive_weights))
        if merged is not None and lift is not None
        else (),
        lift or 0.0,
    )
