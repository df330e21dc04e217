from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import config
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.errors import ConfigError
from bot.scoring import Decision, RuleScorer, Scorer
from bot.scoring import training as training_module
from bot.scoring.patterns import PatternSet, pattern_regex, regex_required, regex_start_words
from bot.scoring.relevance import fold_of
from bot.sources.arxiv_rss import read_papers
from tests.conftest import FIXTURES, PROJECT
from tests.scoring_helpers import sample_papers, small_catalog, small_catalog_text


@pytest.fixture(scope="module")
def keywords() -> dict[str, Any]:
    return config.load("keywords", PROJECT / "config")


@pytest.fixture(scope="module")
def background() -> list[Paper]:
    return sample_papers()


@pytest.fixture(scope="module")
def scorer(taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper]) -> Scorer:
    return Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background)


def found(patterns: list[str], text: str) -> set[str]:
    return {patterns[i] for i in PatternSet(patterns).find(text)}


# -- patterns --------------------------------------------------------------------------------


def test_whole_words_only_and_acronyms_keep_their_case() -> None:
    assert found(["RL"], "a world model for planning") == set()
    assert found(["RL"], "RL fine-tuning of LLMs") == {"RL"}
    assert found(["RL"], "rl is lowercase here") == set()
    assert found(["LLM"], "LLMs and LLM-based agents") == {"LLM"}
    assert found(["prun*"], "unpruned weights") == set()


def test_variants_separators_plurals_and_stems() -> None:
    patterns = ["KV cache", "key-value cache", "quantiz*", "expert"]
    assert found(patterns, "a KV-cache policy") == {"KV cache"}
    assert found(patterns, "the KVCache grows") == {"KV cache"}
    assert found(patterns, "kv cache eviction") == {"KV cache"}
    assert found(patterns, "compressing key value caches") == {"key-value cache"}
    assert found(patterns, "Quantized models") == {"quantiz*"}
    assert found(patterns, "mixture of experts") == {"expert"}


def test_a_phrase_may_be_written_partly_together() -> None:
    # a space or hyphen may be nothing anywhere in a phrase, not only everywhere at once
    pattern = ["representation fine-tuning"]
    assert found(pattern, "ReFT: Representation Finetuning for Language Models") == set(pattern)
    assert found(pattern, "representation fine tuning") == set(pattern)
    assert found(pattern, "representationfinetuning") == set(pattern)
    assert found(pattern, "fine-tuning the representation") == set()


def test_patterns_in_other_scripts_match_their_own_words_only() -> None:
    """A pattern's letters outside ASCII are invisible to the word matrix: "é-cache" was confirmed
    by "cache" alone, and "µP" (read as ignoring case once lowercase letters of any script count)
    by any "p"; one with no Latin letter at all ("高效 推理") crashed with TypeError."""
    assert found(["µP"], "a p value study") == set() and found(["µP"], "µP transfer") == {"µP"}
    assert found(["é-cache"], "a cache study") == set() and found(["é-cache"], "an é-cache") == {"é-cache"}
    assert found(["高效 推理"], "KV cache for 高效 推理") == {"高效 推理"}
    assert found(["эффективный вывод"], "Эффективный вывод LLM") == {"эффективный вывод"}
    assert found(["高效 推理"], "KV cache only") == set()


def test_a_word_of_a_script_with_spaces_between_words_matches_whole_words_only() -> None:
    """Word edges were Latin letters and digits only, so a Cyrillic or Greek term was found
    inside longer words ("вывод" in "перевывод"). Scripts written with spaces between words
    (Cyrillic, Greek, Latin letters with accents...) keep whole words, with a trailing "*" taking
    any ending of that script; Chinese, Japanese, Thai... have no spaces between words, and
    Korean joins its particles to the word, so their terms are found inside longer runs."""
    assert found(["вывод"], "перевывод модели") == set()
    assert found(["вывод"], "выводы модели") == set()
    assert found(["вывод"], "быстрый вывод модели") == {"вывод"}
    assert found(["вывод*"], "быстрого вывода модели") == {"вывод*"}
    assert found(["κβάντιση"], "υποκβάντιση") == set() and found(["κβάντιση"], "η κβάντιση") == {"κβάντιση"}
    assert found(["é-cache"], "café-cache") == set()
    assert found(["эффективный вывод"], "неэффективный вывод") == set()
    # no spaces between words: inside longer runs, as before
    assert found(["推理"], "大模型推理加速") == {"推理"}
    assert found(["量子化"], "大規模言語モデルの量子化手法") == {"量子化"}
    assert found(["추론"], "효율적인 추론을 위한") == {"추론"}
    assert found(["การบีบอัด"], "วิธีการบีบอัดโมเดล") == {"การบีบอัด"}
    # a Latin word beside CJK text is still a word ("KV缓存": no space in Chinese)
    assert found(["KV"], "KV缓存压缩") == {"KV"}
    # a pattern's ASCII first or last letter is a word edge as the word index reads words (ASCII
    # letters and digits): an accented letter beside it does not continue the word (docs/scoring.md)
    assert found(["réseau"], "préréseau") == {"réseau"} and found(["cache"], "cacheé") == {"cache"}


def test_regular_expression_patterns_and_bad_ones() -> None:
    assert found([r"re:\bW\d+A\d+\b"], "W4A8 kernels") == {r"re:\bW\d+A\d+\b"}
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        PatternSet(["re:(unclosed"])


WORDS = st.sampled_from(
    [
        "kv",
        "KV",
        "cache",
        "caches",
        "KVCache",
        "world",
        "RL",
        "rl",
        "quantized",
        "quantization",
        "low",
        "rank",
        "lowrank",
        "adaptation",
        "rankadaptation",
        "fine",
        "tuning",
        "finetuning",
        "parameter",
        "efficient",
        "parameterefficient",
        "efficientfine",
        "expert",
        "experts",
        "mixture",
        "of",
        "LLM",
        "LLMs",
        "model",
        "Efficient",
        "inefficient",
        "lowrank",
    ]
)
SEPARATORS = st.sampled_from([" ", "-", ", ", " (", "/", ""])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=0, max_size=12))
def test_fast_search_finds_exactly_what_each_regex_finds(parts: list[tuple[str, str]]) -> None:
    """The word-matrix shortcut must agree with running every pattern's regex on the text."""
    patterns = [
        "KV cache",
        "RL",
        "quantiz*",
        "low-rank",
        "low-rank adaptation",
        "parameter-efficient fine-tuning",
        "mixture of experts",
        "expert",
        "LLM",
        "world model",
        r"re:cache\w*",
        r"re:(?:efficient|mixture)\W+(?:\w+\W+){0,2}?(?:tuning|experts?)",  # "inefficient" too
        r"re:(?-i:\bKV)\W*cache",
        r"re:^(?:low|fine)\W?(?:rank|tuning)",
        r"re:(?:k|kv)\W*cache",  # no literal start of 3 letters: runs on every text
        r"re:(?:efficient|low)\W+(?:\w+\W+){0,2}?(?:RL|rank)\w*",  # "rl" starts a word: not "world"
        r"re:(?=.*\bLLMs?\b).*?(?:fine|low)[\s\-]*(?:tuning|rank)",
        r"re:^(?:low\W)?rank",
        r"re:\bmodel\W+(?>of\W+)?experts?",
    ]
    text = "".join(word + sep for word, sep in parts)
    expected = set()
    for index, pattern in enumerate(patterns):
        source, on_lower = pattern_regex(pattern)
        if re.search(source, text.lower() if on_lower else text):
            expected.add(index)
    assert PatternSet(patterns).find_all([text, "unrelated text"])[0] == expected


def test_a_regex_runs_only_where_a_word_it_starts_with_is() -> None:
    assert regex_start_words(r"(?:efficient|scalable|fast)\W+(?:\w+\W+){0,3}?RL") == (
        "efficient",
        "fast",
        "scalable",
    )
    assert regex_start_words(r"^(?:evaluating|assessing)\b\W+x") == ("assessing", "evaluating")
    assert regex_start_words(r"(?-i:\bvLLM\b)") == ("vllm",)
    assert regex_start_words(r"(?:compress\w*|compact)") == ("comp",)  # the parser's common prefix
    assert regex_start_words(r"(?-i:[A-Z][A-Za-z]*KV)\b") == ()  # a character class: any text
    assert regex_start_words(r"(?:not\W+)?think") == ()  # an optional start: any text
    assert regex_start_words(r"(?:RL|reinforcement)") == ()  # "RL" is too short to look for


def test_a_regex_runs_only_where_the_words_it_needs_are() -> None:
    """Every literal piece a match needs, look-aheads included: a title without "LLM" or "RLHF"
    is not searched for this expression at all (the search that cost seconds per 10,000 titles)."""
    assert regex_required(r"(?=.*\b(?:RLHF|LLMs?)\b).*?efficient\W+(?:RL|PPO)\W+systems?") == (
        "and",
        (("or", ("^rlhf", "^llm")), "efficient", ("or", ("^rl", "^ppo")), "^system"),
    )  # "^": starting a word (after \b, \W, a space...), so "world" is not a text for "RL"
    assert regex_required(r"^(?!.*\btrain\w*).*?\bedge") == "^edge"  # what must be absent: nothing
    assert regex_required(r"(?:not\W+)?think") == "think"  # an optional part: nothing
    assert regex_required(r"(?:k|kv)\W*cache") == "cache"  # "k" is too short; \W* may be nothing
    assert regex_required(r"(?:x|[A-Z]+)y") is None  # a character class: any text
    assert regex_required(r"fast\W+(?:\w+\W+){0,3}?RL") == ("and", ("fast", "^rl"))
    assert regex_required(r"^(?:ab)?cd") == "cd"  # may follow "ab": not the start of a word


def test_a_regex_still_runs_where_a_letter_only_matches_ignoring_case() -> None:
    """``re`` reads "ſ" as an "s" ignoring case: the words of "efficient ſerving" lack
    "serving", yet the expression matches it, so it must run there."""
    patterns = PatternSet([r"re:(?=.*\bserving)efficient"])
    assert patterns.find_all(["efficient ſerving", "efficient erving", "efficient serving"]) == [
        {0},
        set(),
        {0},
    ]


def test_a_pattern_is_compiled_once_per_process(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    """The config check and the scorer each build the rules: the second build reuses the first's
    regexes (hundreds of them, more than ``re``'s own cache keeps)."""
    first, second = RuleScorer(keywords, taxonomy), RuleScorer(keywords, taxonomy)
    assert first.field_patterns["title"].regexes[0] is second.field_patterns["title"].regexes[0]
    assert first.field_patterns["abstract"].plans == second.field_patterns["abstract"].plans


def test_the_shipped_patterns_find_in_a_real_feed_exactly_what_their_regexes_find(
    keywords: dict[str, Any], taxonomy: Taxonomy
) -> None:
    """Every pattern of the rules, on the titles and abstracts of a real day of arXiv: the word
    matrix and the regexes' start words skip only texts the regex cannot match."""
    patterns = PatternSet([r.pattern for r in RuleScorer(keywords, taxonomy).rules])
    assert sum(p.startswith("re:") for p in patterns.patterns) >= 10
    papers = read_papers(FIXTURES / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml")
    texts = [p.title for p in papers] + [p.abstract for p in papers]
    assert len(texts) > 200
    expected = [
        {
            index
            for index, (regex, on_lower) in enumerate(zip(patterns.regexes, patterns.on_lower, strict=True))
            if regex.search(text.lower() if on_lower else text)
        }
        for text in texts
    ]
    assert patterns.find_all(texts) == expected


# -- rules -----------------------------------------------------------------------------------


def rules_for(keywords: dict[str, Any], taxonomy: Taxonomy, **changes: Any) -> RuleScorer:
    data = copy.deepcopy(keywords)
    data.update(changes)
    return RuleScorer(data, taxonomy)


def test_negative_patterns_apply_without_llm_context(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    rules = RuleScorer(keywords, taxonomy)
    cnn = rules.evaluate(
        Paper("2401.00001", "Pruning convolutional neural networks for image classification")
    )
    llm = rules.evaluate(
        Paper("2401.00002", "Pruning large language models and convolutional neural networks")
    )
    assert any(m.rule.negative for m in cnn.matches)
    assert not any(m.rule.negative for m in llm.matches)  # unless_llm: the LLM context wins
    assert cnn.points < llm.points


def test_a_negative_group_can_count_in_the_title_only_and_yield_to_an_llm_there(
    keywords: dict[str, Any], taxonomy: Taxonomy
) -> None:
    group = {"name": "imaging", "weight": -3.0, "patterns": ["image*"], "fields": ["title"]}
    title_only = rules_for(keywords, taxonomy, negatives=[{**group, "unless_llm": "title"}])
    vision = Paper(
        "2401.00001", "Structured pruning for image restoration", "Unlike large language models, ..."
    )
    llm = Paper("2401.00002", "Structured pruning of LLMs for image restoration")
    in_abstract = Paper(
        "2401.00003", "Structured pruning for faster inference", "We test on image restoration."
    )

    def negatives(rules: RuleScorer, paper: Paper) -> list[str]:
        return [m.field for m in rules.evaluate(paper).matches if m.rule.negative]

    assert negatives(title_only, vision) == ["title"]  # the abstract's LLM does not cancel it
    assert negatives(title_only, llm) == []  # an LLM named in the title does
    assert negatives(title_only, in_abstract) == []  # the abstract is not searched
    anywhere = rules_for(keywords, taxonomy, negatives=[{**group, "unless_llm": True}])
    assert negatives(anywhere, vision) == []  # the default: LLM context anywhere cancels it
    never = rules_for(keywords, taxonomy, negatives=[{**group, "unless_llm": False}])
    assert negatives(never, llm) == ["title"]


def test_a_pattern_can_count_in_the_title_only(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    sections = {"pruning": {"patterns": [{"pattern": "layer dropping", "weight": 3.0, "fields": ["title"]}]}}
    rules = rules_for(keywords, taxonomy, sections=sections)
    in_title = rules.evaluate(Paper("2401.00001", "Layer dropping for LLMs"))
    in_abstract = rules.evaluate(Paper("2401.00002", "A study of LLMs", "We try layer dropping."))
    assert in_title.section_points.get("pruning") == 6.0  # 3 points x the title's weight 2
    assert "pruning" not in in_abstract.section_points


def test_llm_context_is_required_for_full_points(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    rules = rules_for(keywords, taxonomy, negatives=[])
    plain = rules.evaluate(Paper("2401.00001", "Structured pruning for faster inference"))
    llm = rules.evaluate(Paper("2401.00002", "Structured pruning for faster LLM inference"))
    assert not plain.llm_context and llm.llm_context
    assert plain.points == pytest.approx(llm.points * keywords["llm_context"]["missing_factor"], rel=0.35)
    assert plain.points < llm.points


def test_title_counts_more_than_abstract(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    rules = RuleScorer(keywords, taxonomy)
    # not "KV cache": a title that names it also says what the paper is for (a goal, title only)
    in_title = rules.evaluate(Paper("2401.00001", "Token eviction", "We study LLMs."))
    in_abstract = rules.evaluate(Paper("2401.00002", "A new method", "Token eviction for LLMs."))
    assert in_title.section_points["kv-cache"] == 2 * in_abstract.section_points["kv-cache"]


def test_route_only_patterns_vote_for_a_section_without_adding_relevance(
    keywords: dict[str, Any], taxonomy: Taxonomy
) -> None:
    paper = Paper("2401.00001", "Chain-of-thought prompting for LLMs")
    route_only = rules_for(
        keywords,
        taxonomy,
        efficiency={},
        negatives=[],
        sections={"reasoning": {"weight": 3.0, "route_only": ["chain-of-thought"]}},
    ).evaluate(paper)
    counted = rules_for(
        keywords,
        taxonomy,
        efficiency={},
        negatives=[],
        sections={"reasoning": {"weight": 3.0, "patterns": ["chain-of-thought"]}},
    ).evaluate(paper)
    assert route_only.section_points == counted.section_points == {"reasoning": 6.0}
    assert route_only.points == 0 and counted.points == 6.0
    assert route_only.matches[0].route_only and not counted.matches[0].route_only


def test_reasons_list_relevant_evidence_first_and_no_noise_words(scorer: Scorer) -> None:
    decision = decide(
        scorer,
        "Efficient reasoning for LLMs",
        "A tree of thoughts with sparse attention and a small inference budget.",
    )
    assert decision.reasons[0] == 'keywords in the title: "Efficient reasoning" (reasoning)'
    assert decision.reasons[1] == 'keywords in the abstract: "sparse attention" (architecture)'
    joined = "\n".join(decision.reasons)
    # 'thought' (routing only, 1.5 points) and 'inference' (0.75) are too weak to be shown
    assert "thought" not in joined and '"inference"' not in joined
    assert "points" not in joined and "more match" not in joined  # no jargon
    assert decision.section == "reasoning"


def test_a_regular_expression_shows_the_words_it_found(scorer: Scorer) -> None:
    """A rule written as a regex is shown by what it matched, one safe line, not by its source."""
    decision = decide(
        scorer,
        "QUICK: Quantization-aware Interleaving and Conflict-free Kernel for efficient LLM inference",
        "We introduce CUDA kernels for quantized LLMs.",
    )
    assert decision.reasons[0].startswith('keywords in the title: "Kernel for efficient LLM" (hardware), ')
    tricky = decide(scorer, "Conflict-free Kernel\u202e for\tefficient @org LLM inference")
    # no bidi control, no tab, and the mention neutralised as everywhere else (@ + zero-width space)
    assert '"Kernel for efficient @\u200borg LLM" (hardware)' in tricky.reasons[0]
    assert "re:" not in "\n".join(decision.reasons + tricky.reasons)


def test_routing_goes_by_goal_first(scorer: Scorer) -> None:
    """An efficient-reasoning paper that prunes chains of thought goes to reasoning, the
    technique's section is the runner-up; a benchmark of quantized models goes to surveys."""
    pruned = decide(
        scorer,
        "ThinkPrune: pruning chain-of-thought of LLMs to stop overthinking",
        "We prune redundant reasoning steps of large language models.",
    )
    assert (pruned.section, pruned.runner_up) == ("reasoning", "pruning")
    assert not pruned.needs_section
    benchmark = decide(
        scorer,
        "A comprehensive benchmark of quantized large language models",
        "We evaluate GPTQ and AWQ quantization of LLMs.",
    )
    assert (benchmark.section, benchmark.runner_up) == ("surveys", "quantization")


def test_a_review_of_one_technique_routes_to_surveys(scorer: Scorer) -> None:
    """A title's "review" or "overview" routes as its "survey" does: the technique it reviews is
    the runner-up, not the route (round 32's scope walk)."""
    review = decide(
        scorer,
        "Keep the Cost Down: A Review on Methods to Optimize LLM's KV-Cache Consumption",
        "The KV cache grows with sequence length and dominates memory during long-context inference. "
        "We review KV cache compression methods and compare their trade-offs.",
    )
    assert (review.section, review.runner_up) == ("surveys", "kv-cache")


def test_the_section_with_the_most_rule_points_gets_the_top_bonus(
    keywords: dict[str, Any], taxonomy: Taxonomy
) -> None:
    def trained(bonus: float) -> Scorer:
        data = copy.deepcopy(keywords)
        data["scoring"]["routing"].update(rules_weight=0.0, rules_top_bonus=bonus)
        return Scorer.train(small_catalog(taxonomy), taxonomy, data)

    plain, boosted = trained(0.0), trained(30.0)
    # decoding 8 + 2 points, quantization 6, and no goal ("speculative decoding" in a title is one)
    title = "Quantized drafts for parallel decoding"
    assert boosted.rules.evaluate(Paper("x", title)).section_points["decoding"] > 6.0
    assert decide(boosted, title).section == "decoding" and decide(boosted, title).confidence > 0.99
    assert decide(plain, title).confidence < 0.99
    nothing = "On the weather in Paris"  # no rule points: no bonus for anyone
    assert decide(boosted, nothing).confidence == pytest.approx(decide(plain, nothing).confidence)


def test_unknown_sections_in_keywords_are_config_errors(keywords: dict[str, Any], taxonomy: Taxonomy) -> None:
    with pytest.raises(ConfigError, match="kv-cash"):
        rules_for(keywords, taxonomy, sections={"kv-cash": {"patterns": ["KV cache"]}})
    with pytest.raises(ConfigError, match="quantization.subsections.int4"):
        rules_for(keywords, taxonomy, sections={"quantization": {"subsections": {"int4": ["INT4"]}}})


# -- decisions -------------------------------------------------------------------------------


def decide(scorer: Scorer, title: str, abstract: str = "", **fields: Any) -> Decision:
    return scorer.score([Paper("2410.99999", title, abstract, **fields)])[0]


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("ShadowKV: KV Cache in Shadows for High-Throughput Long-Context LLM Inference", "kv-cache"),
        ("Faster Cascades via Speculative Decoding", "decoding"),
        ("A Survey of Techniques for Efficient LLM Inference", "surveys"),
        ("OmniQuant: Omnidirectionally Calibrated Quantization for Large Language Models", "quantization"),
        ("Expert-Choice Routing for Mixture-of-Experts Language Models", "moe"),
    ],
)
def test_clear_titles_route_to_their_section(scorer: Scorer, title: str, section: str) -> None:
    decision = decide(scorer, title)
    assert decision.section == section
    assert decision.runner_up not in (None, section)
    assert not decision.needs_section and decision.confidence >= 0.5


def test_subsections_are_chosen_within_the_section(scorer: Scorer) -> None:
    decision = decide(
        scorer,
        "Extremely low-bit binarized and ternary large language models",
        "We binarize LLM weights to 1-bit.",
    )
    assert (decision.section, decision.subsection) == ("quantization", "low-bit")
    assert decide(scorer, "Mixtral of Many Experts").subsection is None  # moe has none


def test_a_route_without_evidence_needs_a_section(scorer: Scorer) -> None:
    decision = decide(scorer, "On the weather in Paris")
    assert decision.confidence < 0.5 and decision.needs_section
    assert not decision.accept


def test_every_decision_explains_itself(scorer: Scorer) -> None:
    decision = decide(
        scorer,
        "KIVI-2: A Tuning-Free 2bit Quantization for the KV Cache of long-context LLMs",
        "We evict tokens from the key-value cache of large language models.",
    )
    joined = "\n".join(decision.reasons)
    assert decision.accept and decision.score >= decision.threshold
    assert re.search(r"learned model: 0\.\d\d", joined)
    assert decision.reasons[0].startswith('keywords in the title: "KV Cache" (kv-cache)')
    assert decision.section == "kv-cache"
    title, arxiv_id, line, similarity = decision.neighbours[0]
    assert "KIVI" in title and scorer.settings.neighbour_min_similarity <= similarity <= 1
    assert title not in joined  # similar entries are a field of their own, listed once
    assert scorer.state.entries[[e.title for e in scorer.state.entries].index(title)].line == line
    json.dumps(decision.to_record())


def test_a_record_is_the_decisions_fields_rounded(scorer: Scorer) -> None:
    """``to_record`` copies the fields without ``asdict``'s deep copy: the same record."""
    decision = decide(scorer, "KV cache quantization for long-context LLMs", "We quantize the KV cache.")
    record = decision.to_record()
    expected = dataclasses.asdict(decision)
    expected["score"], expected["confidence"] = round(decision.score, 4), round(decision.confidence, 4)
    expected["neighbours"] = [[t, i, line, round(s, 3)] for t, i, line, s in decision.neighbours]
    assert json.dumps(record) == json.dumps(expected) and list(record) == list(expected)
    assert record["reasons"] == decision.reasons and record["reasons"] is not decision.reasons


def test_only_similar_enough_entries_are_listed(scorer: Scorer) -> None:
    decision = decide(scorer, "On the weather in Paris")
    assert all(s >= scorer.settings.neighbour_min_similarity for *_, s in decision.neighbours)
    assert scorer.settings.neighbour_min_similarity > 0 and not decision.neighbours


def test_category_gate_rejects_whatever_the_score(scorer: Scorer) -> None:
    title, abstract = "KV cache quantization for LLM inference", "We quantize the KV cache of LLMs."
    gated = decide(scorer, title, abstract, categories=("cs.CV", "eess.IV"))
    listed = decide(scorer, title, abstract, categories=("cs.CV", "cs.CL"))
    unknown = decide(scorer, title, abstract)
    assert gated.score == listed.score >= gated.threshold
    assert not gated.accept and listed.accept and unknown.accept
    assert any("category gate" in r for r in gated.reasons)


def test_in_scope_papers_outrank_off_topic_ones(scorer: Scorer, background: list[Paper]) -> None:
    decisions = scorer.score(background)
    labels = np.array([p.extra["label"] for p in background])
    scores = np.array([d.score for d in decisions])
    assert [d.arxiv_id for d in decisions] == [p.arxiv_id for p in background]
    assert np.median(scores[labels == 1]) > np.percentile(scores[labels == 0], 90)


def test_an_entry_commented_out_is_no_training_example_and_no_negative(taxonomy: Taxonomy) -> None:
    """A maintainer hid the entry: it neither teaches the model nor shows up as a similar entry,
    and the background does not turn it into a negative either."""
    text = small_catalog_text(taxonomy)
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("- [") and "arXiv" in x)
    hidden = parse(text.replace(line, f"<!--\n{line}-->\n"), taxonomy)
    item = next(i for i in hidden.items if i.hidden)
    titles = [e.title for e in training_module.catalog_entries(hidden, taxonomy)]
    assert item.entry is not None and item.entry.title not in titles
    assert len(titles) == len(training_module.catalog_entries(parse(text, taxonomy), taxonomy)) - 1
    paper = Paper(arxiv_id=item.arxiv_ids[0], title=item.entry.title)
    assert training_module.background_papers([paper], hidden) == []


def test_training_is_deterministic(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper]
) -> None:
    first = Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background)
    second = Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background)
    assert first.score(background[:40]) == second.score(background[:40])


def test_background_papers_are_scored_by_the_model_that_did_not_see_them(
    scorer: Scorer, background: list[Paper]
) -> None:
    model = scorer.state.relevance
    assert model is not None and len(model.models) == 2
    paper = background[0]
    rows = scorer.state.features.papers([paper])
    own_fold = fold_of(paper.arxiv_id, 2)
    assert model.decision(rows, [paper.arxiv_id])[0] == pytest.approx(
        model.models[own_fold].decision(rows)[0]
    )
    unseen = model.decision(rows, ["2499.00001"])[0]
    assert unseen == pytest.approx(np.mean([m.decision(rows)[0] for m in model.models]))


def trained_with_closed_prs(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper], titles: list[str]
) -> Scorer:
    """The fixture's scorer trained again with closed PRs of these titles (rejected papers)."""
    closed = [Paper(f"2402.0{n:04d}", title) for n, title in enumerate(titles)]
    return Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background, rejected=closed)


def test_rejected_papers_lower_similar_papers(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper], scorer: Scorer
) -> None:
    titles = [
        "Efficient Streaming Attention Sinks for Video Diffusion",
        "Attention Sinks in Video Diffusion Transformers",
        "Streaming Video Diffusion with Attention Sinks",
    ]
    retrained = trained_with_closed_prs(taxonomy, keywords, background, titles)
    paper = [Paper("2410.99999", "Attention Sinks for Streaming Video Diffusion Models")]
    # the title model learns closed PRs (the score itself sits at the off-topic title's ceiling)
    assert retrained.components(paper).learned[0] < scorer.components(paper).learned[0]
    assert retrained.components(paper).combined[0] <= scorer.components(paper).combined[0]


def test_closed_prs_never_raise_a_paper(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper], scorer: Scorer
) -> None:
    """Closed PRs are near misses: their titles share the catalog's own words (large language
    models, efficient). Learnt in one model with the catalog's entries, those words took their
    negative weight and the intercept rose to keep the entries up, so a paper sharing no word with
    them read higher than with no PR closed. They may lower a paper, never raise one."""
    titles = [
        "Efficient Fine-Tuning of Large Language Models for Legal Question Answering",
        "Large Language Models for Efficient Clinical Note Summarization",
        "An Efficient Large Language Model Framework for Code Review",
    ]
    retrained = trained_with_closed_prs(taxonomy, keywords, background, titles)
    before, after = scorer.components(background), retrained.components(background)
    assert (after.learned <= before.learned).all()
    assert (after.abstract <= before.abstract).all()
    assert (after.combined <= before.combined).all()
    # and they still teach: a paper like them is lowered
    like = [Paper("2402.19999", "Efficient Large Language Models for Legal Contract Review")]
    assert retrained.components(like).combined[0] < scorer.components(like).combined[0]


# three PRs the replay's maintainers closed in months 7-12 (round 30)
REPLAYED_CLOSED_TITLES = (
    "A First Look At Efficient And Secure On-Device LLM Inference Against KV Leakage",
    "Crafting Efficient Fine-Tuning Strategies for Large Language Models",
    "Hyperbolic Fine-tuning for Large Language Models",
)


def test_closed_prs_teach_the_title_model_only(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper], scorer: Scorer
) -> None:
    """A closed PR gives a title only (its entry line): the abstract model, which reads titles and
    abstracts, does not learn it. Learnt there as a negative, closed titles moved its intercept and
    took papers in scope under the threshold (round 30: "On-Device LLMs for SMEs" beside a closed
    on-device security paper). The title model still lowers a paper like them."""
    retrained = trained_with_closed_prs(taxonomy, keywords, background, list(REPLAYED_CLOSED_TITLES))
    assert np.array_equal(retrained.components(background).abstract, scorer.components(background).abstract)
    like = [Paper("2402.19999", "Secure On-Device LLM Inference Against Leakage")]
    assert retrained.components(like).learned[0] < scorer.components(like).learned[0]


# three Mamba titles the replay's maintainers merged in months 7-9 (round 31)
MERGED_MAMBA_TITLES = (
    "Mamba-PTQ: Outlier Channels in Recurrent Large Language Models",
    "A Survey of Mamba",
    "Transformers to SSMs: Distilling Quadratic Knowledge to Subquadratic Models",
)


def test_merged_prs_lift_a_paper_by_at_most_merged_lift(
    taxonomy: Taxonomy, keywords: dict[str, Any], background: list[Paper]
) -> None:
    """A few merged titles of one topic lifted every title sharing its words: in the replay,
    "Can Mamba Always Enjoy the Free Lunch?" (a theory paper, out of scope) rose 0.57 logits with
    three merged Mamba titles and was proposed. Merged PRs' entries can raise the title model's
    logit by at most ``learned.merged_lift`` over the model trained without them; the same titles
    added by hand (not merged PRs) count in full."""
    text = small_catalog_text(taxonomy, {("architecture", None): list(MERGED_MAMBA_TITLES)})
    catalog = parse(text, taxonomy)
    merged = [i.arxiv_ids[0] for i in catalog.entries() if i.entry and i.entry.title in MERGED_MAMBA_TITLES]
    by_hand = Scorer.train(catalog, taxonomy, keywords, background=background)
    as_merged = Scorer.train(catalog, taxonomy, keywords, background=background, merged=merged)
    paper = [Paper("2410.99998", 'Can Mamba Always Enjoy the "Free Lunch"?')]
    model, cap = as_merged.state.relevance, as_merged.settings.learned.merged_lift
    assert len(merged) == 3 and model is not None and cap is not None and by_hand.state.relevance is not None
    rows = as_merged.state.features.papers(paper, as_merged.state.title_rows(paper))
    unmerged = float(np.mean([m.decision(rows) for m in model.unmerged]))
    assert by_hand.components(paper).learned[0] > unmerged + cap  # the Mamba titles lift it more
    assert as_merged.components(paper).learned[0] == pytest.approx(unmerged + cap)
    # a paper they lift less is as before, and none is raised
    before, after = by_hand.components(background).learned, as_merged.components(background).learned
    assert (after <= before + 1e-9).all() and np.isclose(after, before).mean() > 0.9
    assert not by_hand.state.relevance.unmerged  # no merged PR: no third model


def test_without_background_the_rules_decide_alone(taxonomy: Taxonomy, keywords: dict[str, Any]) -> None:
    scorer = Scorer.train(small_catalog(taxonomy), taxonomy, keywords)
    decision = decide(scorer, "KV cache compression for LLM inference")
    assert scorer.state.relevance is None
    assert any(r.startswith("learned model: none") for r in decision.reasons)
    assert decision.section == "kv-cache" and decision.score > 0
    assert scorer.score([]) == []


# -- the cache -------------------------------------------------------------------------------


def test_cache_is_keyed_by_the_catalog(
    tmp_path: Path,
    taxonomy: Taxonomy,
    keywords: dict[str, Any],
    background: list[Paper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = small_catalog(taxonomy)
    first = Scorer.train(catalog, taxonomy, keywords, background=background, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("scorer-*.pickle"))) == 1

    def no_training(*args: Any) -> None:
        raise AssertionError("trained again although the cache had this catalog")

    with monkeypatch.context() as patch:
        patch.setattr(training_module, "train_state", no_training)
        patch.setattr(training_module, "_STATES", {})  # not this process's memory: the cache directory
        cached = Scorer.train(catalog, taxonomy, keywords, background=background, cache_dir=tmp_path)
    assert cached.score(background[:20]) == first.score(background[:20])

    changed = parse(
        small_catalog_text(
            taxonomy,
            {
                ("kv-cache", None): [
                    "ShadowKV: KV Cache in Shadows for High-Throughput Long-Context LLM Inference"
                ]
            },
        ),
        taxonomy,
    )
    retrained = Scorer.train(changed, taxonomy, keywords, background=background, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("scorer-*.pickle"))) == 2
    assert len(retrained.state.entries) == len(first.state.entries) + 1


def _broken_pickles() -> list[tuple[str, bytes]]:
    import pickle

    from bot.scoring.training import TrainedState

    older = object.__new__(TrainedState)  # an older version's state: loads, lacks a field
    object.__setattr__(older, "__dict__", {"features": None, "entries": ()})
    return [
        ("truncated", pickle.dumps({"state": list(range(100))})[:20]),
        ("garbage", b"not a pickle at all"),
        ("another type", pickle.dumps({"state": "from another program"})),
        ("another shape", pickle.dumps(older)),
    ]


@pytest.mark.parametrize(
    ("kind", "content"), _broken_pickles(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_an_unusable_cached_scorer_is_retrained_said_once_and_rebuilt(
    tmp_path: Path,
    taxonomy: Taxonomy,
    keywords: dict[str, Any],
    background: list[Paper],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    content: bytes,
) -> None:
    """A cache file cut short (a full disk), foreign, or of an older shape (it loads, and crashed
    at scoring time when a missing field was read) is retrained: one warning names the file, and
    the file is rewritten so the next run loads it quietly."""
    catalog = small_catalog(taxonomy)
    monkeypatch.setattr(training_module, "_STATES", {})
    first = Scorer.train(catalog, taxonomy, keywords, background=background, cache_dir=tmp_path)
    (path,) = tmp_path.glob("scorer-*.pickle")
    path.write_bytes(content)

    monkeypatch.setattr(training_module, "_STATES", {})
    with caplog.at_level("WARNING", logger="bot"):
        again = Scorer.train(catalog, taxonomy, keywords, background=background, cache_dir=tmp_path)
    assert again.score(background[:20]) == first.score(background[:20])
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and str(path) in warnings[0] and "rebuilding the file" in warnings[0]

    caplog.clear()
    monkeypatch.setattr(training_module, "_STATES", {})
    monkeypatch.setattr(training_module, "train_state", _no_training)
    with caplog.at_level("WARNING", logger="bot"):
        Scorer.train(catalog, taxonomy, keywords, background=background, cache_dir=tmp_path)
    assert not caplog.records  # rebuilt: loaded as it is


def _no_training(*args: Any) -> None:
    raise AssertionError("trained again although the cache had this catalog")


def test_a_cache_write_cut_short_leaves_no_half_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pickle is written to a temporary file and renamed over the cache file: a run killed
    mid-write leaves the old file (or none), never half a pickle the next run would load."""
    import pickle

    from bot.scoring import cache

    def killed(value: Any, handle: Any, protocol: int) -> None:
        handle.write(b"\x80\x05half a pickle")
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.save(tmp_path, "k", {"a": 1})
    assert not list(tmp_path.glob("scorer-*")) and not list(tmp_path.glob(".scorer-*"))
    monkeypatch.undo()
    cache.save(tmp_path, "k", {"a": 1})
    monkeypatch.setattr(pickle, "dump", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.save(tmp_path, "k", {"a": 2})
    assert cache.load(tmp_path, "k") == {"a": 1}


def test_a_save_removes_the_stale_temporary_files_of_killed_saves(tmp_path: Path) -> None:
    """A save killed by SIGKILL (no ``finally``) left ``.scorer-XXXXXXXX.tmp``, up to a model's size,
    for ever. The next save removes such files once they are old; a recent one (another run's
    save still being written) and any other file are kept."""
    import os
    import time

    from bot.scoring import cache

    old = time.time() - 3600  # an hour: past cache.STALE_SECONDS
    killed = tmp_path / ".scorer-ab_3x9qz.tmp"
    writing = tmp_path / ".scorer-k2m4p6r8.tmp"
    others = [tmp_path / name for name in (".scorer-notours.tmp", ".scorer-ab_3x9qz.tmp.bak", "scorer-x.tmp")]
    for path in [killed, writing, *others]:
        path.write_bytes(b"\x80\x05half a pickle")
    for path in [killed, *others]:
        os.utime(path, (old, old))
    cache.save(tmp_path, "k", {"a": 1})
    assert not killed.exists()
    assert writing.exists() and all(path.exists() for path in others)
    assert cache.load(tmp_path, "k") == {"a": 1}


def test_similar_entries_must_share_a_word_that_says_what_the_title_is_about() -> None:
    from bot.scoring.neighbours import content_words

    def about_the_same(title: str, other: str) -> bool:
        return bool(content_words(title) & content_words(other))

    kv = "A Simple and Effective L2 Norm-Based Strategy for KV Cache Compression"
    assert not about_the_same(kv, "A Simple and Effective Pruning Approach for Large Language Models")
    assert about_the_same(kv, "Lossless KV Cache Compression to 2%")
    # light stems: compress/compressing, binarized/binarizations, caches/cache
    assert about_the_same("Compressing LLMs", "Compress Large Language Models by Deleting Rows")
    assert about_the_same("ARB-LLM: Alternating Refined Binarizations", "PB-LLM: Partially Binarized LLMs")
    assert about_the_same("Caches for serving", "A cache for everyone")
    assert not about_the_same("Efficient Large Language Models", "Towards Efficient Language Models")
    # a goal word of any title, as "fast": training sped up is no neighbour of decoding sped up
    assert not about_the_same(
        "Accelerating Large Language Model Training with Hybrid GPU-based Compression",
        "Accelerating Large Language Model Decoding with Speculative Sampling",
    )
    assert about_the_same("Accelerating MoE inference", "Mixture of Experts inference on a budget")


def test_the_goal_that_routes_a_paper_is_its_first_reason(scorer: Scorer) -> None:
    """A goal of the chosen section is why the paper goes there: it is listed first, even when a
    technique's word weighs more, and a regex that reads the whole title shows its own words."""
    decision = decide(
        scorer,
        "Flash Communication: Reducing Tensor Parallelization Bottleneck for Fast Large Language Model Inference",
        "We compress the communication of tensor parallelism to speed up LLM inference.",
    )
    assert decision.section == "serving"
    # "tensor parallel*" (training) found the same words: shown once, with both sections
    assert decision.reasons[0].startswith(
        'keywords in the title: "Tensor Parallelization" (serving, training)'
    )


def test_a_light_goal_that_routes_a_paper_is_shown_though_under_the_noise_floor(scorer: Scorer) -> None:
    """The training goal weighs 0.5 (it routes, it adds no relevance): 1 point in a title, under
    `reasons_min_points` (2). It was left out as a noise word, so the body said "Efficient
    Pre-training" and gave "GPU" (hardware) or "no keyword evidence" as the only reason."""
    decision = decide(
        scorer,
        "Accelerating Large Language Model Training with Hybrid GPU-based Compression",
        "We compress the activations and gradients exchanged between GPUs.",
    )
    assert decision.section == "training"
    assert decision.reasons[0].startswith(
        'keywords in the title: "Accelerating Large Language Model Training" (training)'
    )
    alone = decide(
        scorer,
        "Scalable Efficient Training of Large Language Models with Low-dimensional Projected Attention",
    )
    assert alone.section == "training"
    assert alone.reasons[0] == 'keywords in the title: "Scalable Efficient Training" (training)'
    assert "no keyword evidence" not in alone.reasons


def test_a_keyword_pattern_shows_the_words_it_found(scorer: Scorer) -> None:
    """A maintainer reads the paper's word ("Compression"), not the config's pattern
    ("compress*"); the PR body escapes it as every reason (tests/core/test_pr_body.py)."""
    decision = decide(
        scorer,
        "KV-Cache Compression for long-context LLMs",
        "We compress the key-value cache of large language models.",
    )
    joined = "\n".join(decision.reasons)
    assert decision.reasons[0].startswith('keywords in the title: "KV-Cache" (kv-cache), "Compression"')
    assert "*" not in joined and '"compress' not in joined
    starred = decide(scorer, "Compress*ion of KV caches for LLMs")
    assert '"Compress"' in starred.reasons[0]  # the word as found, nothing after it


def test_with_nothing_learnt_and_no_rule_evidence_a_paper_is_not_accepted(taxonomy: Taxonomy) -> None:
    """A catalog with no entries yet (a new list) and the default scoring settings (bias 0,
    threshold 0.5, as `init` writes them): a paper no rule speaks for scored exactly 0.5 and was
    accepted, so the first poll would propose every paper of the feed."""
    from bot.core.catalog_document import render_document
    from bot.scoring import background

    keywords = {"sections": {"quantization": {"patterns": ["quantization"]}}}
    empty = parse(render_document(taxonomy, {}), taxonomy)
    scorer = Scorer.train(empty, taxonomy, keywords, background=background.load(keywords))
    assert scorer.state.relevance is None and scorer.state.abstracts is None  # nothing to learn from
    plain, quantized = scorer.score(
        [
            Paper(arxiv_id="2401.00001", title="A study of dialogue agents"),
            Paper(arxiv_id="2401.00002", title="Quantization of large language models"),
        ]
    )
    assert plain.score == pytest.approx(0.5) and not plain.accept
    assert quantized.score > 0.5 and quantized.accept


def test_a_new_list_with_an_empty_background_scores_by_its_rules(taxonomy: Taxonomy) -> None:
    """No catalog entries and an empty background file (an adopter's own `scoring.background`
    not written yet): the title vocabulary had no text to learn from and training crashed
    ("empty vocabulary"); the taxonomy's headings and descriptions give it one."""
    from bot.core.catalog_document import render_document

    keywords = {"sections": {"quantization": {"patterns": ["quantization"]}}}
    empty = parse(render_document(taxonomy, {}), taxonomy)
    scorer = Scorer.train(empty, taxonomy, keywords, background=[])
    assert scorer.state.relevance is None
    (decision,) = scorer.score([Paper(arxiv_id="2401.00002", title="Quantization of large language models")])
    assert decision.accept and decision.section == "quantization"


def test_an_off_topic_word_two_negative_rules_found_is_one_reason(scorer: Scorer) -> None:
    """The word "Hallucination" is found by LLM-application and other-goal-in-title: the body listed it
    twice ('"Hallucination" (other-goal-in-title), "Hallucination" (LLM-application)')."""
    decision = decide(
        scorer,
        "Skip \\n: A Simple Method to Reduce Hallucination in Large Vision-Language Models",
        "We find that a paragraph break makes vision-language models describe what is not there.",
    )
    off_topic = [line for line in decision.reasons if line.startswith("off-topic words:")]
    assert len(off_topic) == 1
    assert off_topic[0].count('"Hallucination"') == 1
    assert "other-goal-in-title" in off_topic[0] and "LLM-application" in off_topic[0]
