"""The yardsticks of bench/score_quality.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import score_quality  # noqa: E402


def test_a_paper_scope_gives_no_section_is_left_out_of_routing_accuracy() -> None:
    # a catalog paper judged out of scope has no right section: it was counted as a wrong route
    assert score_quality.routed_in_scope("pruning", []) is None
    assert score_quality.routed_in_scope("pruning", ["pruning", "quantization"]) is True
    assert score_quality.routed_in_scope("surveys", ["pruning"]) is False
