"""The abstract model: title + abstract of known in-scope papers against the background."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

from bot.core.paper import Paper
from bot.scoring import background
from bot.scoring.abstracts import AbstractSettings, train_abstracts
from bot.scoring.scorer import Scorer
from tests.scoring_helpers import sample_papers


def halves() -> tuple[list[Paper], list[Paper]]:
    papers = sample_papers()
    return ([p for p in papers if p.date[5:7] <= "06"], [p for p in papers if p.date[5:7] > "06"])


def test_it_ranks_papers_of_another_half_year_better_than_chance() -> None:
    first, second = halves()
    model = train_abstracts(
        [p for p in first if p.extra["label"]],
        [p for p in first if not p.extra["label"]],
        (),
        AbstractSettings(),
    )
    assert model is not None
    labels = np.array([int(bool(p.extra["label"])) for p in second])
    ap = average_precision_score(labels, model.decision(second))
    assert labels.sum() >= 5 and ap > 3 * labels.mean()  # far above a random ranking


def test_too_few_positives_with_abstracts_give_no_model() -> None:
    first, _ = halves()
    positives = [Paper(p.arxiv_id, p.title) for p in first if p.extra["label"]]  # titles only
    assert train_abstracts(positives, first, (), AbstractSettings()) is None
    assert train_abstracts(positives[:0], first, (), AbstractSettings(min_positives=1)) is None


def test_rejected_papers_lower_their_own_kind() -> None:
    first, _ = halves()
    positives = [p for p in first if p.extra["label"]]
    negatives = [p for p in first if not p.extra["label"]]
    target = positives[0]
    plain = train_abstracts(positives[1:], negatives, (), AbstractSettings())
    taught = train_abstracts(positives[1:], negatives, [target] * 3, AbstractSettings())
    assert plain is not None and taught is not None
    assert taught.decision([target])[0] < plain.decision([target])[0]


def test_background_in_scope_keeps_positives_outside_excluded_sections(tmp_path: Path) -> None:
    papers = [
        Paper("2401.00001", "A", "x", extra={"label": 1, "curated_sections": ["Quantization"]}),
        Paper("2401.00002", "B", "x", extra={"label": 1, "curated_sections": ["Applications"]}),
        Paper("2401.00003", "C", "x", extra={"label": 1, "curated_sections": ["Applications", "Pruning"]}),
        Paper("2401.00004", "D", "x", extra={"label": 0}),
    ]
    kept = background.in_scope(papers, ["Applications"])
    assert [p.arxiv_id for p in kept] == ["2401.00001", "2401.00003"]
    background.write(kept + papers[3:], tmp_path / "bg.jsonl.gz")
    read = background.load(
        {"scoring": {"background": str(tmp_path / "bg.jsonl.gz"), "background_labels": True}}
    )
    assert [bool(p.extra.get("label")) for p in read] == [True, True, False]


def test_the_shipped_background_carries_known_in_scope_papers() -> None:
    shipped = background.load({"scoring": {"background_labels": True}})
    positives = [p for p in shipped if p.extra.get("label")]
    assert len(positives) >= 100 and all(p.abstract for p in positives)
    assert len(shipped) - len(positives) >= 1000


def test_the_reasons_show_the_abstract_models_view_only_when_it_was_trained() -> None:
    from bot import config
    from bot.config import load_taxonomy
    from tests.conftest import PROJECT
    from tests.scoring_helpers import small_catalog

    taxonomy = load_taxonomy(PROJECT / "config")
    keywords = config.load("keywords", PROJECT / "config")
    papers = sample_papers()
    paper = next(p for p in papers if p.extra["label"])
    with_positives = Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=papers)
    without = Scorer.train(
        small_catalog(taxonomy), taxonomy, keywords, background=[p for p in papers if not p.extra["label"]]
    )
    assert with_positives.state.abstracts is not None and without.state.abstracts is None
    [shown] = [r for r in with_positives.score([paper])[0].reasons if r.startswith("learned model")]
    assert "from its abstract" in shown
    [plain] = [r for r in without.score([paper])[0].reasons if r.startswith("learned model")]
    assert "abstract" not in plain
