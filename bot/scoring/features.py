"""Text features shared by the relevance model, the router and the neighbour search.

Catalog entries have titles only; new papers have a title and an abstract. Both are read into
one space: word 1-2-grams and character 2-5-grams of the title, where for a paper with an
abstract the word part reads the title and the abstract. (Character n-grams of whole abstracts
cost ten times more and measured no better, see "How papers are scored and routed" in README.md.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.core.paper import Paper
from bot.scoring import counting


@dataclass(frozen=True)
class FeatureSettings:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2


class TextFeatures:
    """Fitted tf-idf vectorisers; ``titles`` and ``papers`` give comparable rows."""

    def __init__(self, settings: FeatureSettings = FeatureSettings()) -> None:
        self.words = TfidfVectorizer(
            ngram_range=settings.word_ngrams, min_df=settings.min_df, sublinear_tf=True, dtype=np.float32
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=settings.char_ngrams,
            min_df=settings.min_df,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit_titles(self, titles: Sequence[str]) -> csr_matrix:
        """Learn the vocabulary from the training titles (catalog entries and background);
        returns their rows."""
        if len(titles) < 2 * max(1, int(self.words.min_df)):  # too few titles for min_df
            self.words.set_params(min_df=1)
            self.chars.set_params(min_df=1)
        rows = hstack([self.words.fit_transform(titles), self.chars.fit_transform(titles)]).tocsr()
        self.words.stop_words_ = self.chars.stop_words_ = None  # pruned n-grams: only bloat a pickle
        return rows

    def titles(self, titles: Sequence[str]) -> csr_matrix:
        if not titles:
            return csr_matrix((0, self.size), dtype=np.float32)
        return hstack(
            [counting.transform(self.words, titles), counting.transform(self.chars, titles)]
        ).tocsr()

    def papers(self, papers: Sequence[Paper], title_rows: csr_matrix | None = None) -> csr_matrix:
        """Rows for papers: words of title and abstract, characters of the title. Pass the
        papers' ``titles`` rows when known, to skip the character n-grams."""
        if not papers:
            return csr_matrix((0, self.size), dtype=np.float32)
        full = [f"{p.title}. {p.abstract}" if p.abstract else p.title for p in papers]
        if title_rows is None:
            title_rows = self.titles([p.title for p in papers])
        return self.texts(full, title_rows)

    def texts(self, texts: Sequence[str], title_rows: csr_matrix) -> csr_matrix:
        """Rows read as a paper's are: words of each whole text, characters of its title (the
        rows of ``titles`` for the same items)."""
        words = len(self.words.vocabulary_)
        return hstack([counting.transform(self.words, texts), title_rows[:, words:]]).tocsr()

    @property
    def size(self) -> int:
        return len(self.words.vocabulary_) + len(self.chars.vocabulary_)
