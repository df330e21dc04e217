"""The yardsticks of bench/score_quality.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import score_quality  # noqa: E402

from bot.core.taxonomy import Taxonomy  # noqa: E402


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


def test_judged_errors_lists_what_the_precision_counts_out_and_the_recall_misses(taxonomy: Taxonomy) -> None:
    """--show-judged-errors: the accepted papers counted out of scope and the papers in scope
    below the threshold, each with the parts of its score and the words its rules found (ids no
    judgement names: a labelled paper in scope, a label-0 paper nobody judged)."""
    import numpy as np

    from bot import config
    from bot.core.paper import Paper
    from bot.scoring.rules import RuleScorer
    from bot.scoring.scorer import Components

    project = Path(__file__).resolve().parents[1] / "fixtures" / "project"
    rules = RuleScorer(config.load("keywords", project / "config"), taxonomy)
    papers = [
        Paper("2499.00001", "Pruning Large Language Models", "We prune LLMs."),
        Paper("2499.00002", "Assistants for contract law", "A legal assistant."),
        Paper("2499.00003", "Quantization of LLMs", "We quantize LLMs."),
    ]
    parts = Components(
        learned=np.array([0.5, 1.0, 2.0]),
        rules=np.array([6.0, 0.0, 6.0]),
        combined=np.array([0.4, 0.7, 0.9]),
        rule_results=rules.evaluate_all(papers),
        rows=None,  # type: ignore[arg-type]  # not read
        title_rows=None,  # type: ignore[arg-type]
        abstract=np.array([0.0, -1.0, 1.0]),
    )
    labels, scoped = np.array([1, 0, 1]), np.array([True, True, True])
    accepted = np.array([False, True, True])
    lines = score_quality.judged_errors(papers, labels, scoped, accepted, parts)
    assert lines[0].startswith("  accepted, counted out of scope (1):")
    assert "0.700  title +1.00  abstract -1.00  rules 0.0  not judged  2499.00002 Assistants" in lines[1]
    assert "no LLM context" in lines[1]
    assert lines[2].startswith("  in scope, not accepted (1):")
    assert "pick in scope  2499.00001 Pruning Large Language Models" in lines[3]
    assert "t:'Pruning' pruning +6.0" in lines[3]
    assert len(lines) == 4  # the paper accepted in scope is neither


@pytest.mark.parametrize(
    ("label", "scoped", "grade", "kind"),
    [
        (1, False, -1, "pick outside scope"),
        (1, True, 1, "pick in scope"),
        (0, True, 0, "judged out"),
        (0, True, 1, "judged borderline"),
        (0, True, 2, "judged in scope"),
        (0, True, -1, "not judged"),
    ],
)
def test_error_kind_says_why_a_paper_counts_as_it_does(
    label: int, scoped: bool, grade: int, kind: str
) -> None:
    assert score_quality.error_kind(label, scoped, grade) == kind
