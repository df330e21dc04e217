"""The abstract model: does this paper's title and abstract read like known in-scope papers?

The catalog holds titles only, so the title model (``relevance.py``) never sees an abstract. This
second learned score reads title + abstract, as new papers arrive: its positives are papers known
to be in scope *with their abstracts* (the labelled positives shipped in the fixed background, see
``background.py``; the papers of merged bot PRs when the forge gives them), its negatives the
background's other papers (those judged out of scope weighted more). Closed PRs do not teach it:
a closed PR gives a title only (its entry line), unlike the titles + abstracts this model reads;
learnt as negatives beside them (a second model, the lower logit), 19 closed titles moved its
intercept by -0.35 and took papers in scope under the threshold more than papers out of scope
(round 30 of bench/RESULTS-scoring.md). The title model learns them (``relevance.py``).
Word 1-2-grams, English stop words
removed, a class-balanced logistic regression. Its logit is added to the combined score with the
weight ``scoring.abstract_model_weight``; it is one vote among three (rules, titles, abstracts), so a
topic newer than its positives still gets through on rule evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.core.paper import Paper
from bot.scoring import counting


@dataclass(frozen=True)
class AbstractSettings:
    c: float = 16.0  # inverse regularisation strength of the logistic regression
    min_positives: int = 20  # fewer known in-scope papers with abstracts than this: no model
    min_negatives: int = 20
    rejected_weight: float = 3.0  # a paper judged out of scope counts as this many negatives


def paper_text(paper: Paper) -> str:
    return f"{paper.title}. {paper.abstract}" if paper.abstract else paper.title


@dataclass(frozen=True)
class AbstractModel:
    vectorizer: TfidfVectorizer
    coef: np.ndarray
    intercept: float
    positives: int
    negatives: int

    def decision(self, papers: Sequence[Paper]) -> np.ndarray:
        """The logit of each paper (> 0: reads more like the positives than the negatives)."""
        if not papers:
            return np.zeros(0)
        rows = counting.transform(self.vectorizer, [paper_text(p) for p in papers])
        logits: np.ndarray = np.asarray(rows @ self.coef).ravel() + self.intercept
        return logits


def train_abstracts(
    positives: Sequence[Paper],
    negatives: Sequence[Paper],
    rejected: Sequence[Paper],
    settings: AbstractSettings,
) -> AbstractModel | None:
    """Train on papers with abstracts (``rejected``: judged out of scope, weighted more); None
    when there are too few to learn from."""
    positives = [p for p in positives if p.abstract]
    negatives = [p for p in negatives if p.abstract]
    if len(positives) < settings.min_positives or len(negatives) < settings.min_negatives:
        return None
    return _fit(positives, negatives, rejected, settings)


def _fit(
    positives: Sequence[Paper],
    negatives: Sequence[Paper],
    rejected: Sequence[Paper],
    settings: AbstractSettings,
) -> AbstractModel:
    papers = [*positives, *negatives, *rejected]
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english", dtype=np.float32
    )
    x = vectorizer.fit_transform([paper_text(p) for p in papers])
    vectorizer.stop_words_ = None  # every pruned n-gram: only for introspection, and most of a pickle
    y = np.r_[np.ones(len(positives)), np.zeros(len(negatives) + len(rejected))]
    weights = np.r_[
        np.ones(len(positives) + len(negatives)), np.full(len(rejected), settings.rejected_weight)
    ]
    model = LogisticRegression(C=settings.c, class_weight="balanced", max_iter=3000)
    model.fit(x, y, sample_weight=weights)
    return AbstractModel(
        vectorizer,
        model.coef_[0].astype(np.float32),
        float(model.intercept_[0]),
        len(positives),
        len(negatives) + len(rejected),
    )
