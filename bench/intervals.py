"""95% confidence intervals for the quality figures of bench/score_quality.py: how far a figure
measured on a few hundred 2024 papers can be from the same bot's figure on another half-year.

A proportion (precision, recall, routing top-1) gets Wilson's interval; a ranking figure (average
precision, recall in the top 3 x positives) a percentile bootstrap over the evaluated papers.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest, bootstrap
from sklearn.metrics import average_precision_score

RESAMPLES = 1000


def proportion(hits: int, total: int) -> str:
    """'[low, high]': Wilson's 95% interval of hits / total."""
    if total <= 0:
        return "[-, -]"
    found = binomtest(hits, total).proportion_ci(confidence_level=0.95, method="wilson")
    return f"[{found.low:.3f}, {found.high:.3f}]"


def recall_at_budget(labels: np.ndarray, scores: np.ndarray) -> float:
    """Recall in the top 3 x positives (the review budget). Papers tied on the score at the
    budget's edge share its last places: each counts for the share of the tied papers that fit
    (the expected recall in a random order of the ties), not by their order in the file."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    positives = int(labels.sum())
    if positives == 0:
        return 0.0
    budget = min(3 * positives, len(scores))
    edge = np.sort(scores)[::-1][budget - 1]
    above, tied = scores > edge, scores == edge
    share = (budget - int(above.sum())) / int(tied.sum())
    return (float(labels[above].sum()) + share * float(labels[tied].sum())) / positives


def ranking(labels: np.ndarray, scores: np.ndarray, seed: int = 0) -> str:
    """'AP [low, high]  R@3P [low, high]': 95% percentile-bootstrap intervals, resampling papers."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    found = []
    for statistic in (average_precision_score, recall_at_budget):
        result = bootstrap(
            (labels, scores),
            lambda y, s, f=statistic: f(y, s) if y.any() else 0.0,
            paired=True,
            vectorized=False,
            n_resamples=RESAMPLES,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
        interval = result.confidence_interval
        found.append(f"[{interval.low:.3f}, {interval.high:.3f}]")
    return f"AP {found[0]}  R@3P {found[1]}"
