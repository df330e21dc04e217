"""The fixed background the learned model trains against, and the floor that keeps the learned
model from vetoing rule evidence."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot import config
from bot.core.catalog_document import render_document
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.errors import ConfigError
from bot.jobs import score
from bot.scoring import background
from bot.scoring.scorer import Scorer, signed_log
from tests.conftest import PROJECT
from tests.scoring_helpers import placed_entries, sample_papers, small_catalog, small_catalog_text

CONFIG = PROJECT / "config"


@pytest.fixture(scope="module")
def keywords() -> dict[str, Any]:
    return config.load("keywords", CONFIG)


def with_scoring(keywords: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**keywords, "scoring": {**(keywords.get("scoring") or {}), **changes}}


def test_sample_keeps_only_label_0_papers_and_is_reproducible(tmp_path: Path) -> None:
    papers = sample_papers()
    first = background.sample(papers, 50, seed=3)
    assert len(first) == 50 and all(not p.extra["label"] for p in first)
    assert [p.arxiv_id for p in first] == sorted(p.arxiv_id for p in first)
    assert background.sample(papers, 50, seed=3) == first
    assert background.sample(papers, 50, seed=4) != first
    background.write(first, tmp_path / "a.jsonl.gz")
    background.write(first, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    text = gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).decode("utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    assert set(records[0]) == {"arxiv_id", "title", "abstract", "categories", "date"}
    assert "label" not in records[0]


def test_the_shipped_background_is_loaded_unless_the_config_names_another(tmp_path: Path) -> None:
    shipped = background.load({})
    assert len(shipped) >= 1000 and len({p.arxiv_id for p in shipped}) == len(shipped)
    assert all(p.title and p.abstract for p in shipped[:100])
    own = background.sample(sample_papers(), 30)
    background.write(own, tmp_path / "bg.jsonl.gz")
    loaded = background.load({"scoring": {"background": str(tmp_path / "bg.jsonl.gz")}})
    assert [p.arxiv_id for p in loaded] == [p.arxiv_id for p in own]


def test_a_missing_background_is_a_config_error_that_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="make_background.py"):
        background.load({"scoring": {"background": str(tmp_path / "nowhere.jsonl.gz")}})


def test_a_papers_score_does_not_depend_on_the_rest_of_the_feed(
    tmp_path: Path, taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """The score job trains against the fixed background, not the papers it scores: a topic
    that floods the feed does not become the model's negatives."""
    papers = sample_papers()
    background.write(background.sample(papers, 200), tmp_path / "bg.jsonl.gz")
    configured = with_scoring(keywords, background=str(tmp_path / "bg.jsonl.gz"))
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    paper = Paper(
        "2409.99999",
        "ThinkLess: early exit of reasoning for efficient LLM inference",
        "We cut overthinking of large language models with a thinking budget.",
    )
    flood = [
        Paper(
            f"2409.{90000 + i}",
            f"Overthinking in reasoning models, part {i}",
            "Large language model reasoning with a thinking budget and early exit.",
        )
        for i in range(60)
    ]

    def score_of(batch: list[Paper]) -> float:
        out = io.StringIO()
        score.run(batch, catalog, taxonomy, configured, out)
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        return next(r["score"] for r in records if r["arxiv_id"] == paper.arxiv_id)

    assert score_of([paper]) == score_of([paper, *flood])


def test_a_feed_where_a_new_topic_is_30_percent_gives_its_words_no_negative_weight(
    tmp_path: Path, taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """Poll, backfill and the new-topics job train through ``make_trainer``: a day whose papers
    are 30% about efficient reasoning (a topic the catalog does not know) leaves the learned
    parts of the topic's papers exactly as they are without that day; trained against the same
    feed instead (the old behaviour), the topic's words get negative weight."""
    from bot.scoring.trainer import make_trainer

    papers = sample_papers()
    background.write(background.sample(papers, 200), tmp_path / "bg.jsonl.gz")
    configured = with_scoring(keywords, background=str(tmp_path / "bg.jsonl.gz"))
    catalog = small_catalog(taxonomy)
    day = [p for p in papers if not p.extra.get("label")][:70]
    topic = [
        Paper(
            f"2409.{90000 + i}",
            f"Overthinking and thinking budgets of reasoning models, study {i}",
            "Large language models overthink: we set a thinking budget for their chains of thought.",
        )
        for i in range(30)
    ]
    feed = [*day, *topic]
    assert len(topic) / len(feed) == 0.3
    target = [
        Paper("2409.99999", "Overthinking and thinking budgets", "Reasoning models overthink easy questions.")
    ]
    train = make_trainer(configured, taxonomy)
    flooded = train(catalog, feed, []).components(target)
    quiet = train(catalog, [], []).components(target)
    assert flooded.learned[0] == quiet.learned[0] and flooded.abstract[0] == quiet.abstract[0]
    assert flooded.combined[0] == quiet.combined[0]
    fixed = background.load(configured)
    against_feed = Scorer.train(catalog, taxonomy, configured, background=[*fixed, *feed]).components(target)
    assert against_feed.learned[0] < quiet.learned[0] - 0.5  # what the fixed background prevents


def test_the_learned_model_cannot_veto_rule_evidence(taxonomy: Taxonomy, keywords: dict[str, Any]) -> None:
    """With ``learned_floor``, the learned logit lowers a score by at most that many logits."""
    papers = sample_papers()
    floored = Scorer.train(
        small_catalog(taxonomy), taxonomy, with_scoring(keywords, learned_floor=-1.0), background=papers
    )
    free = Scorer.train(
        small_catalog(taxonomy), taxonomy, with_scoring(keywords, learned_floor=None), background=papers
    )
    with_floor, without = floored.components(papers), free.components(papers)
    assert np.array_equal(with_floor.learned, without.learned)
    # a title that says what the paper is for ("Align-KD: Distilling ... for Mobile ... Model")
    # floors the learned logit at goal_title_floor either way
    s = floored.settings
    said = np.array(
        [r.goal_in_title(s.goal_title_min_points, s.goal_title_topic_points) for r in with_floor.rule_results]
    )
    vetoed = (without.learned < -1.0) & ~said
    assert vetoed.any()  # the fixture has papers the model dislikes
    assert (with_floor.combined[vetoed] > without.combined[vetoed]).all()
    assert np.allclose(with_floor.combined[~vetoed], without.combined[~vetoed])
    no_llm = np.array([not r.llm_context for r in with_floor.rule_results], dtype=float)
    abstract = s.abstract_model_weight * (
        with_floor.abstract if s.abstract_floor is None else np.maximum(with_floor.abstract, s.abstract_floor)
    )
    lowest = (
        s.rules_weight * signed_log(with_floor.rules)
        + s.bias
        - s.learned_weight
        + abstract
        - no_llm * s.llm_missing_penalty
    )
    logits = np.log(with_floor.combined / (1 - with_floor.combined))
    assert (logits >= lowest - 1e-4).all()


def test_a_background_paper_judged_out_of_scope_teaches_what_a_closed_pr_teaches(
    tmp_path: Path, taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """``"rejected": true`` in the background file: learned by both models as a weighted negative,
    as the paper of a closed bot PR is (which can only lower a score), never as a plain background
    paper; written and read back."""
    papers = sample_papers()
    plain = background.sample(papers, 150)
    judged = [
        Paper(
            f"2409.8000{i}",
            f"Low-rank adaptation of LLMs for sequential recommendation, part {i}",
            "We fine-tune a large language model with LoRA adapters to recommend items to users.",
            extra={"rejected": True},
        )
        for i in range(3)
    ]
    background.write([*plain, *judged], tmp_path / "bg.jsonl.gz")
    file = str(tmp_path / "bg.jsonl.gz")
    loaded = background.load({"scoring": {"background": file, "background_labels": True}})
    assert sorted(p.arxiv_id for p in loaded if p.extra.get("rejected")) == [p.arxiv_id for p in judged]
    # by default the marks are this list's topic's, not an adopter's: every paper is plain
    plain_only = background.load({"scoring": {"background": file}})
    assert len(plain_only) == len(loaded) and not any(p.extra.get("rejected") for p in plain_only)

    catalog = small_catalog(taxonomy)
    target = [
        Paper(
            "2409.99998",
            "Personalised LoRA adapters of LLMs for sequential recommendation",
            "We adapt a large language model with LoRA to recommend items from user histories.",
        )
    ]
    from_file = Scorer.train(catalog, taxonomy, keywords, background=loaded).components(target)
    in_memory = Scorer.train(catalog, taxonomy, keywords, background=[*plain, *judged]).components(target)
    as_closed_prs = Scorer.train(catalog, taxonomy, keywords, background=plain, rejected=judged).components(
        target
    )
    unjudged = Scorer.train(
        catalog,
        taxonomy,
        keywords,
        background=[*plain, *(Paper(p.arxiv_id, p.title, p.abstract) for p in judged)],
    ).components(target)
    # the file's marks are read (the vocabulary of a file read back may differ by a word or two)
    assert abs(from_file.learned[0] - in_memory.learned[0]) < 0.05
    assert max(from_file.learned[0], as_closed_prs.learned[0]) < unjudged.learned[0] - 0.05


def test_a_title_that_says_what_the_paper_is_for_cannot_be_lowered_by_either_model(
    taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """``goal_title_floor``: a strong goal pattern in the title (efficient reasoning here) floors
    both learned logits at 0; a weaker one ("underthinking", under ``goal_title_min_points``)
    and an abstract-only match do not."""
    strong = Paper(
        "2501.00001",
        "Do NOT Think That Much for 2+3=? On the Overthinking of o1-Like LLMs",
        "We study large language models that think before answering.",
    )
    weak = Paper("2501.00002", "On the Underthinking of LLMs")
    abstract_only = Paper("2501.00003", "A new method for LLMs", "We reduce overthinking.")
    papers = [strong, weak, abstract_only]
    settings = {
        "goal_title_floor": 0.0,
        "goal_title_min_points": 7.0,
        "learned_floor": None,
        "abstract_floor": None,
    }
    floored = Scorer.train(
        small_catalog(taxonomy), taxonomy, with_scoring(keywords, **settings), background=sample_papers()
    ).components(papers)
    free = Scorer.train(
        small_catalog(taxonomy),
        taxonomy,
        with_scoring(keywords, **{**settings, "goal_title_floor": None}),
        background=sample_papers(),
    ).components(papers)
    assert min(free.learned[0], free.abstract[0]) < 0  # a model trained before the topic dislikes it
    assert floored.combined[0] > free.combined[0]
    s = Scorer.train(small_catalog(taxonomy), taxonomy, with_scoring(keywords, **settings)).settings
    lowest = s.rules_weight * signed_log(floored.rules[:1]) + s.bias
    assert np.log(floored.combined[0] / (1 - floored.combined[0])) >= lowest[0] - 1e-4
    assert np.allclose(floored.combined[1:], free.combined[1:])  # weak or abstract-only: no floor


def test_a_title_that_names_another_domain_caps_both_models(
    taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """``off_topic_title_ceiling``: models that learned "post-training quantization" from the
    catalog cannot carry a paper whose title says it is for vision transformers or for
    recommendation; a language model named in the title cancels the domain ("vision" in a
    vision-language model), and a paper on language models is left alone."""
    abstract = "We quantize the weights to 4 bits and reduce memory and latency of inference."
    vision = Paper("2501.00011", "Post-Training Quantization for Efficient Vision Transformers", abstract)
    goal = Paper(
        "2501.00012", "Post-Training Quantization of Large Language Models for Recommendation", abstract
    )
    language = Paper("2501.00013", "Post-Training Quantization for Efficient Large Language Models", abstract)
    multimodal = Paper(
        "2501.00014", "Post-Training Quantization for Efficient Vision-Language Models", abstract
    )
    papers = [vision, goal, language, multimodal]
    settings = {"off_topic_title_ceiling": -1.0, "learned_floor": None, "abstract_floor": None}
    catalog, background_papers = small_catalog(taxonomy), sample_papers()
    capped_scorer = Scorer.train(
        catalog, taxonomy, with_scoring(keywords, **settings), background=background_papers
    )
    capped = capped_scorer.components(papers)
    free = Scorer.train(
        catalog,
        taxonomy,
        with_scoring(keywords, **{**settings, "off_topic_title_ceiling": None}),
        background=background_papers,
    ).components(papers)
    assert [r.off_topic_in_title() for r in capped.rule_results] == [True, True, False, False]
    assert min(free.learned[0], free.abstract[0]) > -1  # the models alone would carry it
    assert capped.combined[0] < free.combined[0] and capped.combined[1] < free.combined[1]
    s = capped_scorer.settings
    no_llm = np.array([not r.llm_context for r in capped.rule_results], dtype=float)
    highest = (
        s.learned_weight * -1.0
        + s.abstract_model_weight * -1.0
        + s.rules_weight * signed_log(capped.rules)
        - s.llm_missing_penalty * no_llm
        + s.bias
    )
    logits = np.log(capped.combined / (1 - capped.combined))
    assert np.all(logits[:2] <= highest[:2] + 1e-4)
    assert np.allclose(capped.combined[2:], free.combined[2:])  # about language models: untouched
    reasons = [" ".join(d.reasons) for d in capped_scorer.score(papers)]
    assert "names another domain or goal" in reasons[0] and "names another domain" not in reasons[2]


def test_a_judgement_overrides_a_curated_label() -> None:
    """A curated positive judged out of scope is a judged negative only, not also a known
    in-scope paper (the abstract model would learn it both ways)."""
    curated = Paper(
        "2402.05162", "Assessing the Brittleness of Safety Alignment via Pruning", extra={"label": 1}
    )
    out = background.judged(curated, in_scope=False)
    assert out.extra["rejected"] is True and not out.extra["label"]
    back_in = background.judged(out, in_scope=True)
    assert back_in.extra["label"] == 1 and "rejected" not in back_in.extra


def test_a_background_paper_placed_by_a_judge_teaches_the_router_its_section(
    tmp_path: Path, taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """``"section"`` on a known in-scope background paper: written and read back, kept only with
    ``scoring.background_labels``, and learned by the router as an example with an abstract."""
    paper = Paper(
        "2501.00001",
        "Hummingbird: a lighter way to answer with fewer steps",
        "We make large language models answer with fewer generated tokens.",
    )
    similar = Paper(
        "2501.00002",
        "Hummingbird 2: a lighter way to answer with fewer steps",
        "We make large language models answer with fewer generated tokens, again.",
    )
    catalog = small_catalog(taxonomy)
    plain = background.sample(sample_papers(), 150)
    first = Scorer.train(catalog, taxonomy, keywords, background=plain).score([similar])[0].section
    target = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != first)
    placed = background.placed(dataclasses.replace(paper, extra={"label": 1}), target)
    assert background.placed(paper, target).extra == {}  # only a paper known in scope is placed
    background.write(
        [*plain, placed, *(background.placed(p, target) for p in plain[:3])], tmp_path / "bg.jsonl.gz"
    )
    file = str(tmp_path / "bg.jsonl.gz")

    loaded = background.load({"scoring": {"background": file, "background_labels": True}})
    assert [(p.arxiv_id, p.extra.get("section")) for p in loaded if p.extra.get("section")] == [
        (paper.arxiv_id, target)
    ]
    assert not any(p.extra.get("section") for p in background.load({"scoring": {"background": file}}))
    taught = Scorer.train(catalog, taxonomy, keywords, background=loaded)
    assert taught.score([similar])[0].section == target != first


def test_a_section_the_catalog_holds_no_entries_of_cannot_be_vetoed(
    taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """``new_section_floor``: when the section with a paper's strongest rule evidence holds fewer
    than ``new_section_entries`` catalog entries (a section the maintainers just added), both
    learned logits count at least the floor; a paper of a known section is scored as before, and
    once the new section holds entries the models speak again."""
    reasoning = Paper(
        "2501.00021",
        "Thinking Budgets: When to Stop Thinking in o1-like Models",
        "Large language models overthink on grade-school math questions; we find when to stop.",
    )
    known = Paper(
        "2501.00022",
        "Post-Training Quantization of Large Language Models to 4 Bits",
        "We quantize the weights of large language models to 4 bits and reduce memory.",
    )
    papers = [reasoning, known]
    entries = placed_entries()
    del entries[("reasoning", None)]
    without_section = parse(render_document(taxonomy, entries), taxonomy)
    settings = {"new_section_entries": 1, "new_section_min_points": 4.0, "goal_title_floor": None}

    def scored(catalog_text: str, floor: float | None) -> Any:
        changed = with_scoring(keywords, **settings, new_section_floor=floor)
        return Scorer.train(
            parse(catalog_text, taxonomy), taxonomy, changed, background=sample_papers()
        ).components(papers)

    text = render_document(taxonomy, entries)
    floored, free = scored(text, 0.0), scored(text, None)
    assert without_section.entries() and not [
        i for i in without_section.entries() if i.section == "reasoning"
    ]
    assert min(free.learned[0], free.abstract[0]) < 0  # the models know nothing of the section
    assert floored.combined[0] > free.combined[0]
    assert np.isclose(floored.combined[1], free.combined[1])  # quantization: a known section
    full = small_catalog_text(taxonomy)
    assert np.allclose(scored(full, 0.0).combined, scored(full, None).combined)
    # the reasons say why the models were overruled
    changed = with_scoring(keywords, **settings, new_section_floor=0.0)
    scorer = Scorer.train(parse(text, taxonomy), taxonomy, changed, background=sample_papers())
    reasons = scorer.score(papers)
    assert any("holds 0 entries of reasoning, too few to learn from" in r for r in reasons[0].reasons)
    assert not any("too few to learn from" in r for r in reasons[1].reasons)


def test_each_model_s_new_section_floor_ends_when_that_model_has_learnt_the_section(
    taxonomy: Taxonomy, keywords: dict[str, Any]
) -> None:
    """The title model learns a section from the catalog's entries, the abstract model from known
    in-scope papers with abstracts (the background's labelled ones, merged bot PRs): a catalog
    that holds the section does not end the abstract model's floor while that model knows fewer
    than ``new_section_entries`` papers whose strongest rule evidence points there."""
    reasoning = Paper(
        "2501.00021",
        "Thinking Budgets: When to Stop Thinking in o1-like Models",
        "Large language models overthink on grade-school math questions; we find when to stop.",
    )
    settings = {"new_section_entries": 2, "new_section_min_points": 4.0, "goal_title_floor": None}
    catalog = small_catalog(taxonomy)
    plain = [p for p in sample_papers() if not p.extra["label"]]
    known = [p for p in sample_papers() if p.extra["label"]]
    taught = [
        Paper(f"2502.0010{i}", title, f"{title}: large language models reason with fewer thinking tokens.")
        for i, title in enumerate(
            ("Efficient Reasoning with Thinking Budgets", "Stop Overthinking in o1-like LLMs")
        )
    ]

    def trained(floor: float | None, accepted: list[Paper]) -> Scorer:
        changed = with_scoring(keywords, **settings, new_section_floor=floor)
        return Scorer.train(catalog, taxonomy, changed, background=[*plain, *known], accepted=accepted)

    unknown = trained(0.0, [])
    assert unknown.section_sizes["reasoning"] >= 2  # the catalog holds the section: no title floor
    assert unknown.abstract_sizes["reasoning"] < 2  # its labelled papers: none about reasoning
    assert sum(unknown.abstract_sizes.values()) <= len(known)
    free = trained(None, []).components([reasoning])
    floored = unknown.components([reasoning])
    assert free.abstract[0] < 0  # the abstract model alone would lower the score
    assert floored.combined[0] > free.combined[0]
    assert np.isclose(floored.learned[0], free.learned[0])
    assert any(
        "too few to learn from, so its abstract cannot lower" in r
        for r in unknown.score([reasoning])[0].reasons
    )
    # two merged papers of the section teach the abstract model: its floor ends
    learnt = trained(0.0, taught)
    assert learnt.abstract_sizes["reasoning"] == unknown.abstract_sizes["reasoning"] + 2
    assert np.isclose(
        learnt.components([reasoning]).combined[0], trained(None, taught).components([reasoning]).combined[0]
    )
