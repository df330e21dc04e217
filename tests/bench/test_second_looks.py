"""The two second looks bench/score_quality.py prints: recall with the unjudged papers estimated
from a weighted sample, and routing against a second judge."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import second_looks  # noqa: E402


def test_the_sample_weights_add_up_to_the_papers_they_stand_for() -> None:
    records = second_looks._records(second_looks.UNJUDGED_SAMPLE)
    assert len({r["arxiv_id"] for r in records}) == len(records)
    by_band: dict[tuple[float, float], float] = {}
    for r in records:
        assert r["grade"] in (0, 1, 2) and (r["section"] is None) == (r["grade"] == 0)
        assert r["sample"] == 2 or r["weight"] == 1.0  # the first sample stands for itself
        by_band[tuple(r["band"])] = by_band.get(tuple(r["band"]), 0.0) + r["weight"]
    # each band's weights sum to its size at sampling time (the docstring's figures)
    assert sorted(round(w) for w in by_band.values()) == [41, 307, 505, 2546, 10919]
    assert round(sum(by_band.values())) == 14318


def test_recall_adds_the_weighted_hidden_papers_and_those_accepted() -> None:
    weights = second_looks.unjudged_in_scope()
    hidden, other = sorted(weights)[:2]
    line = second_looks.recall_with_unjudged([hidden, other, "2401.00001"], [True, False, True], 40, 50)
    expected = (40 + weights[hidden]) / (50 + weights[hidden] + weights[other])
    assert line.endswith(f"recall in scope {expected:.3f}")
    assert "2 of its papers in scope" in line


def test_routing_agreement_counts_a_route_among_either_judges_sections() -> None:
    second = second_looks.second_judge()
    paper = next(i for i, p in second.items() if p.also)
    placement = second[paper]
    lines = second_looks.routing_agreement({paper: placement.also[0]}, {paper: [placement.best]})
    assert "placed 1 of them" in lines[0]
    by_name = {line.rsplit(" [", 1)[0].rsplit(" ", 1)[0].strip(): line for line in lines[1:]}
    assert " 1.000 " in by_name["the judges' best sections agree"]
    assert " 0.000 " in by_name["the bot's route is the second judge's best"]
    assert " 1.000 " in by_name["the bot's route is among the second judge's sections"]
    assert " 0.000 " in by_name["the bot's route is among neither judge's sections"]


def test_the_sampled_unjudged_papers_in_scope_join_the_positives_with_their_weights() -> None:
    weights = second_looks.unjudged_in_scope()
    hidden = max(weights, key=lambda i: weights[i])
    labels, sample_weights = second_looks.with_unjudged(
        [hidden, "0000.00000", "0000.00001"], [False, True, False]
    )
    assert labels == [1, 1, 0]
    assert sample_weights == [weights[hidden], 1.0, 1.0] and weights[hidden] > 1
