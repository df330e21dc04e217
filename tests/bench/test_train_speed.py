"""bench/train_speed.py: the fits it counts are the title model's, and a timed fit is the same fit."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import train_speed  # noqa: E402

from bot.scoring import relevance  # noqa: E402


def test_a_timed_fit_records_its_cpu_time_and_returns_the_fit() -> None:
    """The merged PRs' third set of fits was never timed (score_speed.py trains without merged
    PRs): train_speed.py counts and times each fit of the title model, and must not change it."""
    x = csr_matrix(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]))
    y = np.array([1.0, 1.0, 0.0, 0.0])
    record: list[float] = []
    timed = train_speed.timed_fits(record)(x, y, np.ones(4), 2.0)
    plain = relevance._fit(x, y, np.ones(4), 2.0)
    assert len(record) == 1 and record[0] >= 0.0
    assert np.allclose(timed.coef, plain.coef) and timed.intercept == plain.intercept
