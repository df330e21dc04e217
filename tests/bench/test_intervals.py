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
