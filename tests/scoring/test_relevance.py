"""The title model's logits, and how closed PRs lower them."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from bot.scoring.relevance import LinearModel, RelevanceModel, lower_with_closed


def test_closed_prs_only_lower_a_logit() -> None:
    logits = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    closed = np.array([[0.5, -1.0, 0.5], [1.0, 2.0, -4.0]])
    assert lower_with_closed(logits, closed).tolist() == [[0.5, -2.0, 0.5], [0.0, 2.0, -4.0]]
    assert lower_with_closed(logits, None) is logits  # no PR closed: the logits as they are


def test_the_title_model_takes_each_folds_lower_logit() -> None:
    rows = csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    plain = (LinearModel(np.array([1.0, 1.0]), 0.0), LinearModel(np.array([3.0, 1.0]), 0.0))
    closed = (LinearModel(np.array([2.0, -1.0]), 0.0), LinearModel(np.array([1.0, 1.0]), 0.0))
    model = RelevanceModel(plain, {"2401.00001": 1}, positives=1, negatives=1, closed=closed)
    # fold 0: min(1, 2) = 1 and min(1, -1) = -1; fold 1: min(3, 1) = 1 and min(1, 1) = 1
    assert model.decision(rows, ["2401.09999", "2401.00002"]).tolist() == [1.0, 0.0]
    assert model.decision(rows, ["2401.00001", "2401.09999"]).tolist() == [1.0, 0.0]  # its fold 1
    assert RelevanceModel(plain, {}, 1, 1).decision(rows, ["a", "b"]).tolist() == [2.0, 1.0]
