"""Near misses and rising terms (the "near misses and new topics" report)."""

from __future__ import annotations

import dataclasses

from bot.core.paper import Paper
from bot.jobs.new_topics import NewTopicsReport, NewTopicsSettings, issue_text
from bot.scoring.emerging import near_misses, rising_terms, term_reach
from bot.scoring.patterns import PatternSet
from bot.scoring.scorer import Decision


def decision(arxiv_id: str, score: float, accept: bool, section: str = "reasoning") -> Decision:
    return Decision(arxiv_id, score, accept, 0.5, section, None, "pruning", 0.9, False, [], [])


def test_near_misses_are_rejected_papers_with_rule_evidence_nearest_the_threshold_first() -> None:
    papers = [Paper(f"2503.0000{i}", f"Paper {i}") for i in range(5)]
    decisions = [
        decision("2503.00000", 0.3, False),
        decision("2503.00001", 0.9, True),
        decision("2503.00002", 0.45, False),
        decision("2503.00003", 0.4, False),
        decision("2503.00004", 0.35, False),
    ]
    found = near_misses(papers, decisions, [9.0, 20.0, 2.5, 1.0, 12.0], min_points=2.0)
    assert [m.paper.arxiv_id for m in found] == ["2503.00002", "2503.00004", "2503.00000"]


def test_a_technique_word_in_another_field_is_no_near_miss() -> None:
    """Of 2024's months 7-12, 42 of 93 near misses were out of scope, most a technique's word in
    another field: points of an efficiency paper, a score near 0 from the learned models."""
    papers = [
        Paper("2412.03513", "Enhancing CLIP Conceptual Embedding through Knowledge Distillation"),
        Paper("2412.12009", "SpeechPrune: Context-aware Token Pruning for Speech Information Retrieval"),
    ]
    decisions = [decision("2412.03513", 0.22, False), decision("2412.12009", 0.36, False)]
    found = near_misses(papers, decisions, [12.0, 11.5])
    assert [m.paper.arxiv_id for m in found] == ["2412.12009"]
    assert near_misses(papers, decisions, [12.0, 11.5], min_score=0.0)[0].paper.arxiv_id == "2412.12009"
    assert len(near_misses(papers, decisions, [12.0, 11.5], min_score=0.0)) == 2


def test_a_paper_outside_the_category_gate_is_no_near_miss() -> None:
    """An MoE list's weekly issue offered `/add 2411.17828 distillation` for a neutron-star paper
    (nucl-th, "dense quark matter") the gate held back."""
    papers = [Paper("2411.17828", "CP violation in cold dense quark matter"), Paper("2503.00001", "MoE")]
    gated = dataclasses.replace(decision("2411.17828", 0.2, False), in_categories=False)
    found = near_misses(papers, [gated, decision("2503.00001", 0.3, False)], [12.0, 9.0], min_points=8.0)
    assert [m.paper.arxiv_id for m in found] == ["2503.00001"]


def test_rising_terms_are_new_to_the_keywords_and_the_catalog() -> None:
    feed = [
        Paper(f"2503.1{i:04d}", title)
        for i, title in enumerate(
            [
                "Thought Dropout for fast reasoning",
                "Thought Dropout at scale",
                "Adaptive Thought Dropout",
                "KV cache eviction again",
                "KV cache eviction twice",
                "KV cache eviction thrice",
                "Sparse Mixers for speed",
                "Sparse Mixers revisited",
                "Sparse Mixers in practice",
            ]
        )
    ]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    terms = rising_terms(
        feed, background, ["KV cache", "cache eviction"], ["Sparse Mixers: an old catalog entry"]
    )
    assert [t.term for t in terms] == ["thought dropout"]
    assert len(terms[0].papers) == 3 and terms[0].ratio >= 5
    common = background + [Paper("2401.99999", "Thought Dropout is old")] * 30
    assert "thought dropout" not in [t.term for t in rising_terms(feed, common, [], [])]


def test_a_term_is_known_only_when_the_patterns_cover_both_words_or_a_catalog_title_uses_the_pair() -> None:
    titles = ["Latent Reasoning for speed", "Latent Reasoning at scale", "Latent Reasoning again"]
    titles += ["Test Time training now", "Test Time training later", "Test Time training soon"]
    titles += ["Décodage Rapide un", "Décodage Rapide deux", "Décodage Rapide trois"]
    feed = [Paper(f"2503.3{i:04d}", t) for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]

    def terms(patterns: list[str], catalog: list[str]) -> set[str]:
        return {t.term for t in rising_terms(feed, background, patterns, catalog, count=20)}

    # a route-only word ("reasoning") does not hide the pair; a catalog title that only contains
    # the letters ("Contest time") does not either; words in any script count
    found = terms(["reasoning"], ["Contest time matters"])
    assert {"latent reasoning", "test time", "décodage rapide"} <= found
    assert "latent reasoning" not in terms(["latent reasoning"], [])  # a pattern of the pair
    assert "latent reasoning" not in terms(["latent*", "reasoning"], [])  # a pattern for each word
    assert "test time" not in terms([], ["Scaling Test-Time Compute"])  # a catalog title uses it


def test_the_report_gives_a_ready_add_line_per_paper() -> None:
    paper = Paper("2503.00002", "ThinkLess: stop overthinking")
    misses = near_misses([paper], [decision(paper.arxiv_id, 0.3, False)], [12.0])
    feed = [Paper(f"2503.2{i:04d}", f"Thought Dropout {i}") for i in range(3)]
    terms = rising_terms(feed, [Paper("2401.00001", "old")] * 50, [], [])
    settings = NewTopicsSettings()
    _, text = issue_text(
        NewTopicsReport("2025-03-01", "2025-03-07", 4, 4, tuple(misses), tuple(terms)), settings
    )
    assert "`/add 2503.00002 reasoning`" in text and "\n    `/add 2503.20000`" in text
    assert '**"thought dropout"**: 3 papers' in text and "\n\n\n" not in text
    _, empty = issue_text(NewTopicsReport("2025-03-01", "2025-03-07", 0, 0, (), ()), settings)
    assert empty.count("None this week.") == 2


def test_term_reach_counts_the_older_papers_that_say_a_term_and_those_in_scope() -> None:
    """How broad a term is: papers whose title or abstract says it (as a pattern finds it:
    any case, hyphen or space), and of those the ones marked in scope."""
    papers = [
        Paper("2401.00001", "Policy Optimization for Robots", "We study control.", extra={}),
        Paper("2401.00002", "Fast Decoding", "A policy-optimization method.", extra={"label": 1}),
        Paper("2401.00003", "Proximal policy optimization, again", "", extra={}),
        Paper("2401.00004", "Policy gradients", "An optimization of policies.", extra={"label": 1}),
    ]
    assert term_reach("policy optimization", papers) == (4, 3, 1)
    unmarked = [dataclasses.replace(p, extra={}) for p in papers]
    assert term_reach("policy optimization", unmarked) == (4, 3, None)  # no marks: not "0 in scope"
    assert term_reach("lantern weaving", papers) == (4, 0, 0)


def test_a_term_is_a_pair_of_words_its_titles_say_next_to_each_other() -> None:
    """Words were paired across what the word pattern skipped (a number, a one-letter word, a
    possessive, a colon): three titles "Efficient 4-bit ..." offered the term "efficient bit", and
    its ``/teach`` line taught a pattern that none of its own papers say."""
    titles = [
        f"Efficient {bits}-bit Ember Nets: Transformer's Memory for Qwen2.5 models, run {n}"
        for n, bits in enumerate((2, 4, 8))
    ]
    feed = [Paper(f"2503.4{i:04d}", t) for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    terms = rising_terms(feed, background, [], [], count=50)
    assert {"efficient bit", "nets transformer", "transformer memory", "qwen2 models"}.isdisjoint(
        t.term for t in terms
    )
    assert {t.term for t in terms} == {"ember nets"}  # not "models run" (a comma), nor "bit ember"
    for term in terms:
        assert all(PatternSet([term.term]).find(p.title) for p in term.papers), term.term


def test_a_term_in_any_script_is_found_by_its_pattern_and_measured() -> None:
    """A rising pair of words in Cyrillic or Chinese crashed the weekly job (``term_reach``: a
    pattern without a Latin letter made ``PatternSet`` raise TypeError), and a Cyrillic term,
    taught, found none of its papers (read as an exact-case pattern)."""
    titles = [f"Эффективный вывод моделей {n}" for n in ("один", "два", "три")]
    titles += [f"高效 推理 方法 {n}" for n in ("一", "二", "三")]
    feed = [Paper(f"2503.5{i:04d}", t, "Faster inference.") for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    terms = {t.term: t for t in rising_terms(feed, background, [], [], count=50)}
    assert {"эффективный вывод", "高效 推理"} <= set(terms)
    for term in terms.values():
        assert all(PatternSet([term.term]).find(p.title) for p in term.papers), term.term
        assert term_reach(term.term, [*feed, *background]) == (206, 3, None)


def test_a_hyphenated_word_pairs_only_within_itself() -> None:
    """2025 listings offered "efficient test" and "scaling test" ("Efficient Test-Time Scaling",
    "Scaling Test-Time Compute") and "guided self" ("Guided Self-Refinement"): halves of a
    hyphenated word glued to the word before it, no topic anyone would teach."""
    titles = [
        f"Efficient Test-Time Scaling with Guided Self-Refinement, part {n}" for n in ("one", "two", "six")
    ]
    feed = [Paper(f"2503.6{i:04d}", t) for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    terms = {t.term for t in rising_terms(feed, background, [], [], count=50)}
    assert terms == {"test time", "self refinement"}


def test_a_term_and_its_plural_are_one_term() -> None:
    """Two papers on "Sparse Mixers" and one on "a Sparse Mixer" were two terms of 2 and 1 papers,
    so a topic of 3 papers never rose; and "ember braids" was new to a catalog with "Ember Braid"."""
    titles = ["Sparse Mixers for speed", "Sparse Mixers revisited", "A Sparse Mixer in practice"]
    titles += ["Ember Braids for speed", "Ember Braids revisited", "Ember Braids in practice"]
    feed = [Paper(f"2503.7{i:04d}", t) for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    [term] = rising_terms(feed, background, [], ["Ember Braid: an old catalog entry"], count=50)
    assert (term.term, len(term.papers)) == ("sparse mixer", 3)  # its pattern finds both forms
    assert all(PatternSet([term.term]).find(p.title) for p in term.papers)


def test_a_phrase_the_whole_field_uses_is_no_rising_term() -> None:
    """2024-10-15's week offered "decision making" as a new topic: 3 of its 88 papers with
    efficiency evidence say it and none of the 190 background papers with evidence does, yet 12 of
    the week's 888 titles and 9 of the background's 1,782 say it: the whole field's phrase."""
    titles = (
        "Pruned agents for Decision-Making",
        "Decision Making with quantized policies",
        "Fast Decision Making",
    )
    evidence = [Paper(f"2410.1{i:04d}", title) for i, title in enumerate(titles)]
    evidence += [
        Paper(f"2410.1{i:04d}", f"Thought Dropout {n}")
        for i, n in enumerate(("fast", "again", "at scale"), 5)
    ]
    others = [Paper(f"2410.2{i:04d}", f"Sequential decision making study {i}") for i in range(9)]
    filler = [Paper(f"2410.3{i:04d}", f"Unrelated title {i}") for i in range(876)]
    usual = [Paper(f"2401.{i:05d}", f"Efficient background title {i}") for i in range(190)]
    whole = usual + [Paper(f"2401.2{i:04d}", f"A decision making paper {i}") for i in range(9)]
    whole += [Paper(f"2401.3{i:04d}", f"Other older title {i}") for i in range(1583)]
    before = rising_terms(evidence, usual, [], [])
    assert {t.term for t in before} == {"decision making", "thought dropout"}
    after = rising_terms(evidence, usual, [], [], whole=(evidence + others + filler, whole))
    assert [t.term for t in after] == ["thought dropout"]


def test_two_words_with_of_between_them_are_a_term_of_three() -> None:
    """A topic named with "of" never rose: "of" is glue, so "Mixture of Experts" made no pair.
    2024-11-01's labelled week had three titles with efficiency evidence saying it (LIBMoE,
    MoE-I², RS-MoE), as spaces or hyphens; a bot without the MoE rules was never told."""
    titles = [
        "Compressing Mixture-of-Experts Models through Pruning",
        "A Library for benchmarking Mixture of Experts",
        "Vision-Language Model with Mixture of Experts for captions",
        "The Impact-of Noise paradigm",  # one link a hyphen, the other a space: no term
    ]
    feed = [Paper(f"2411.0{i:04d}", t) for i, t in enumerate(titles)]
    background = [Paper(f"2401.{i:05d}", f"Unrelated background title number {i}") for i in range(200)]
    terms = {t.term: t for t in rising_terms(feed, background, [], [], min_papers=1, count=50)}
    assert len(terms["mixture of experts"].papers) == 3
    assert "impact of noise" not in terms
    # the phrase is one compound: "benchmarking mixture" is no pair, as "compressing mixture" is none
    assert {"benchmarking mixture", "compressing mixture", "experts models"}.isdisjoint(terms)
    for term in terms.values():
        assert all(PatternSet([term.term]).find(p.title) for p in term.papers), term.term
    assert "mixture of experts" not in {
        t.term for t in rising_terms(feed, background, ["mixture of experts"], [])
    }
    assert "mixture of experts" not in {
        t.term for t in rising_terms(feed, background, [], ["MoE-Lite: a Mixture-of-Experts for phones"])
    }
