"""The yardsticks of bench/score_quality.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import score_quality  # noqa: E402


def test_a_paper_scope_gives_no_section_is_left_out_of_routing_accuracy() -> None:
    # a catalog paper judged out of scope has no right section: it was counted as a wrong route
    assert score_quality.routed_in_scope("pruning", []) is None
    assert score_quality.routed_in_scope("pruning", ["pruning", "quantization"]) is True
    assert score_quality.routed_in_scope("surveys", ["pruning"]) is False


def test_whole_months_removes_every_entry_with_an_id_of_those_months() -> None:
    from bot import config
    from bot.core.catalog_io import read_catalog

    project = Path(__file__).resolve().parents[1] / "fixtures" / "project"
    taxonomy = config.load_taxonomy(project / "config")
    catalog = read_catalog(project / "catalog.md", taxonomy)
    october = [i for i in catalog.entries() if any(a.startswith("2410.") for a in i.arxiv_ids)]
    assert october
    without, dropped = score_quality.catalog_without_months(catalog, {"2410"}, taxonomy)
    assert dropped == len(october)
    assert not any(a.startswith("2410.") for i in without.entries() for a in i.arxiv_ids)
    assert len(without.entries()) == len(catalog.entries()) - dropped


def test_loso_sections_names_a_section_that_is_not_one_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the shared data is not read (tmp_path holds none): the mistake is caught first
    monkeypatch.setattr(
        sys,
        "argv",
        ["score_quality.py", "--shared", str(tmp_path), "--loso-sections", "low-rank", "lowrank", "tools"],
    )
    with pytest.raises(SystemExit) as stopped:
        score_quality.main()
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "not a paper section of config/taxonomy.yml: lowrank, tools" in error


def test_judged_order_ranks_by_tier_and_keeps_the_bots_order_inside_each() -> None:
    import numpy as np

    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    tiers = np.array([1, 2, 0, 2, 1, 1])  # 2: in scope, 0: judged out, 1: the rest
    keys = score_quality.judged_order(scores, tiers)
    assert list(np.argsort(-keys, kind="stable")) == [1, 3, 0, 4, 5, 2]
    # tied scores stay tied inside a tier (average precision counts a tie as one step)
    tied = score_quality.judged_order(np.array([0.5, 0.5, 0.2]), np.array([0, 0, 1]))
    assert tied[0] == tied[1] and tied[2] > tied[0]
