"""The confidence intervals bench/score_quality.py prints next to its figures."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import intervals  # noqa: E402


def bounds(text: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in re.findall(r"\[([\d.]+), ([\d.]+)\]", text)]


def test_a_proportion_interval_holds_the_figure_and_narrows_with_more_papers() -> None:
    [(low, high)] = bounds(intervals.proportion(356, 403))
    assert low < 356 / 403 < high
    [(low_more, high_more)] = bounds(intervals.proportion(3560, 4030))
    assert high_more - low_more < (high - low) / 2
    assert intervals.proportion(0, 0) == "[-, -]"


def test_a_perfect_ranking_has_no_spread_and_a_noisy_one_a_wide_interval() -> None:
    rng = np.random.default_rng(1)
    labels = (rng.random(2000) < 0.05).astype(int)
    [(ap_low, ap_high), (recall_low, recall_high)] = bounds(intervals.ranking(labels, labels + 0.0))
    assert (ap_low, ap_high, recall_low, recall_high) == (1.0, 1.0, 1.0, 1.0)
    noisy = labels + rng.normal(0, 1.0, len(labels))
    [(ap_low, ap_high), (recall_low, recall_high)] = bounds(intervals.ranking(labels, noisy))
    assert ap_low < ap_high < 1.0 and recall_low < recall_high
    assert recall_low <= intervals.recall_at_budget(labels, noisy) <= recall_high


def test_recall_at_budget_shares_the_last_places_among_papers_tied_at_the_edge() -> None:
    # 2 positives: a budget of 6; one paper above the edge, then 10 tied at the edge (1 positive)
    labels = np.array([0] + [0] * 9 + [1] + [1] + [0] * 8)
    scores = np.array([3.0] + [1.0] * 10 + [0.0] * 9)
    # 5 of the 10 tied papers fit: the tied positive counts half, wherever the file puts it
    assert intervals.recall_at_budget(labels, scores) == 0.25
    assert intervals.recall_at_budget(labels[::-1], scores[::-1]) == 0.25
    untied = np.array([3.0, 2.9, 2.8, 2.7, 2.6, 2.5] + [0.0] * 14)
    assert intervals.recall_at_budget(labels, untied) == 0.0
    assert intervals.recall_at_budget(np.array([1, 1, 0]), np.array([0.0, 0.0, 0.0])) == 1.0
