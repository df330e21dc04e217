"""``init``'s starter rules avoid generic single words: a KV-cache list's sections got the rule
"cache" (caches of every kind) and a robot list's the rule "low-cost" (a radio paper came near the
threshold). A generic word is kept only in a phrase of the heading ("kv cache")."""

from __future__ import annotations

import re

import pytest

from bot.jobs.init.files import arxiv_common_words
from bot.scoring.patterns import equivalent_patterns, pattern_regex
from bot.sources.lists import starter_rules
from bot.sources.lists.scaffold import scaffold
from bot.sources.lists.starter_rules import is_generic, name_phrases, starter_patterns, word_counts
from tests.conftest import FIXTURES

LISTS = FIXTURES / "lists"


def rules(name: str) -> dict[str, list[str]]:
    """Every section's and subsection's starter patterns for a fixture list, by id."""
    plan = scaffold("README.md", (FIXTURES / name).read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for section, raw in plan.keywords(arxiv_common_words())["sections"].items():
        found[section] = raw["patterns"]
        found.update(raw.get("subsections", {}))
    return found


@pytest.mark.parametrize(
    ("word", "generic"),
    [("cache", True), ("caches", True), ("low-cost", True), ("models", True), ("kv-cache", False)],
)
def test_generic_words_and_compounds_of_them(word: str, generic: bool) -> None:
    assert is_generic(word) is generic


@pytest.mark.parametrize(
    ("heading", "phrases"),
    [
        ("LLM KV Cache Compression", ["kv cache"]),
        ("Low-cost Robots", ["low-cost robot"]),
        ("Imitation Learning", ["imitation learning"]),
        ("Other Tasks", []),  # a catch-all heading says nothing, even as a phrase
        ("Low Cost", []),  # two generic words are no phrase
        ("Planning with Language Models", []),  # "language" is skipped (common in papers)
        ("Awesome-Robots Efficient", []),  # the list's own name is no phrase
        ("KV (Cache) Merging", []),  # words apart in the heading are no phrase of a rule
        ("Eviction, Cache Merging", ["cache merging"]),
    ],
)
def test_a_generic_word_of_a_heading_keeps_its_phrase(heading: str, phrases: list[str]) -> None:
    assert name_phrases(heading, {"with", "language", "llm"}) == phrases


def test_a_kv_cache_list_gets_kv_cache_never_cache() -> None:
    found = rules("lists/Zefan-Cai__Awesome-LLM-KV-Cache__README.md")
    words = {w for patterns in found.values() for w in patterns}
    assert "cache" not in words and "evaluation" not in words  # "Evaluation": its entries teach it
    assert found["kv-cache-quantization"] == ["quantization", "kv cache"]
    assert found["low-rank-kv-cache-decomposition"][-2:] == ["low rank", "kv cache"]
    assert not any(is_generic(w) for w in words)


def test_a_robot_list_loses_low_cost_and_keeps_what_it_is_about() -> None:
    found = rules("adopt/awesome-robot-learning.md")
    assert found["imitation-learning"] == ["imitation", "imitation learning", "bimanual", "visuomotor"]
    assert found["planning-with-language-models"] == ["embodied"]
    assert "low-cost" not in {w for patterns in found.values() for w in patterns}


@pytest.mark.parametrize(
    ("heading", "phrases"),
    [
        ("Low Rank Adaptation", ["low rank"]),  # "low" is generic, yet qualifies "rank"
        ("1-bit Quantization", ["1-bit"]),  # the hyphenated word is its own phrase
        ("Sliding Window Attention", ["sliding window"]),
        ("Rank of Experts", []),  # never with title glue
        ("Window-based Pruning", []),  # "based" is glue
        ("Other Rank", []),  # nor a catch-all word
        ("Attention Head Pruning", ["attention head"]),  # "head" alone: head pose, head CT
        ("Mixture of Experts", []),  # "of" is glue: the titles' "mixture-of-expert" stays a rule
        ("Edge-Cloud Collaboration", ["edge-cloud"]),
    ],
)
def test_a_qualified_word_keeps_the_phrase_of_its_qualifier(heading: str, phrases: list[str]) -> None:
    assert name_phrases(heading, {"low", "of", "based", "methods"}) == phrases  # "low": common


def test_rank_bit_and_window_are_rules_only_with_their_qualifier() -> None:
    """ "Low Rank" gave the rule "rank" (any ranking or retrieval paper), "1-bit" the rule "bit"
    (any bit-level paper) and "Sliding Window" the rule "window" (any sliding-window thing)."""
    found = rules("adopt/awesome-compact-llm.md")
    assert found == {
        "low-rank-adaptation": ["low rank", "lora"],  # "low-rank" is the same rule
        "1-bit-quantization": ["quantization", "1-bit"],
        "sliding-window-attention": ["sliding", "sliding window"],
    }
    assert {"rank", "bit", "bits", "window"}.isdisjoint(w for patterns in found.values() for w in patterns)


def test_filler_words_and_one_paper_listed_twice_make_no_rule() -> None:
    """Spare slots went to words of no topic: "Pushing the Limit of ..." gave "pushing", "Extreme
    Compression" and "Extreme Low-bit" "extreme", and a paper listed twice (its arXiv and venue
    titles) counted as two papers: "MELTing Point" gave "melting"."""
    found = rules("adopt/awesome-lean-llm.md")
    assert found["quantization"] == ["quantization", "low-bit", "post-training"]
    assert found["on-device-inference"] == ["on-device"]


def test_a_heading_keeps_a_filler_word_in_its_phrase() -> None:
    assert is_generic("pushing") and is_generic("extreme")
    assert name_phrases("Extreme Quantization", set()) == ["extreme quantization"]


def test_distinct_makes_one_text_of_each_paper() -> None:
    titles = [
        "MELTing Point",
        "MELTing point: Mobile Evaluation of Language Transformers",
        "Mamba",
        "MambaByte",
        "Any-to-Any Generation via Composable Diffusion",
        "Any-to-any generation via composable diffusion",
        "Flash Attention (Fast and Memory-Efficient Exact Attention wi",
        "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
    ]
    assert starter_rules.distinct(titles) == [
        "MELTing Point / MELTing point: Mobile Evaluation of Language Transformers",
        "Mamba",  # too short to be another title's start
        "MambaByte",
        "Any-to-Any Generation via Composable Diffusion / Any-to-any generation via composable diffusion",
        "Flash Attention (Fast and Memory-Efficient Exact Attention wi / FlashAttention: Fast and "
        "Memory-Efficient Exact Attention with IO-Awareness",  # its words "flash" and "flashattention"
    ]


def test_distinct_compares_titles_as_the_bot_does() -> None:
    """Its own key (ASCII letters and digits) made an article about llama.cpp, titled in Chinese,
    the same paper as llama.cpp (seeds/awesome-efficient-llm-plaza.md: "llama" then counted in
    one paper too few of its section) and an accented title another paper than its ASCII
    spelling. It now uses the bot's ``title_key``, spaces aside."""
    titles = [
        "llama.cpp",
        "研究完llama.cpp，我发现手机跑大模型竟这么简单",
        "Gödel Agent: A Self-Referential Agent Framework",
        "Godel Agent: a self-referential agent framework for recursive self-improvement",
        "LayerSkip: Enabling Early Exit Inference and Self-Speculative Decoding",
        "Layer Skip: Enabling Early Exit Inference and Self-Speculative Decoding",
    ]
    assert starter_rules.distinct(titles) == [
        "llama.cpp",
        "研究完llama.cpp，我发现手机跑大模型竟这么简单",
        "Gödel Agent: A Self-Referential Agent Framework / Godel Agent: a self-referential agent "
        "framework for recursive self-improvement",
        "LayerSkip: Enabling Early Exit Inference and Self-Speculative Decoding / Layer Skip: "
        "Enabling Early Exit Inference and Self-Speculative Decoding",
    ]


def test_two_words_of_one_name_are_one_rule_as_written() -> None:
    """ "Segment Anything" and "Super Resolution" each gave two rules ("segment", "anything"),
    words that alone say nothing, and "Chain of Thought" gave "chain": the list uses these words
    only in that name, so the rule is the name, glue word kept ("chain thought" would match no
    title), and it matches the titles it was drawn from as the scorer reads them."""
    found = rules("adopt/awesome-lean-llm.md")
    assert found["efficient-vision-models"] == ["segment anything", "super resolution"]
    assert found["prompting"] == ["thought", "chain of thought"]  # "Tree of Thoughts": "thought" alone too
    text = (FIXTURES / "adopt/awesome-lean-llm.md").read_text(encoding="utf-8").lower()
    for phrase in ("segment anything", "super resolution", "chain of thought"):
        assert len(re.findall(pattern_regex(phrase)[0], text)) == 2


def test_a_word_a_rule_spells_in_a_phrase_is_that_rule() -> None:
    """ "Mixed Precision" titles gave "mixed" next to "mixed-precision" (the same rule)."""
    titles = [
        "Mixed Precision Quantization of Neural Networks",
        "HAWQ: Hessian AWare Quantization with Mixed-Precision",
        "Mixed Precision Training of Transformers",
        "Mixed-Precision Search for Vision Models",
    ]
    assert starter_patterns("Quantization", titles, word_counts(titles)) == [
        "quantization",
        "mixed precision",
    ]


def test_a_word_the_list_uses_alone_stays_a_word() -> None:
    assert starter_rules.bound_phrases("speculative", ["Speculative Decoding", "Speculative Sampling"]) == []
    assert starter_rules.bound_phrases("chain", ["Auto Chain of Thought", "Chain of Thoughts Prompting"]) == [
        "chain of thought"
    ]


@pytest.mark.parametrize(
    ("heading", "titles", "patterns"),
    [
        (
            "Segment Anything",
            [
                "Fast Segment Anything",
                "EfficientSAM: Masked Image Pretraining for Efficient Segment Anything",
            ],
            ["segment anything"],
        ),
        (  # the titles write it hyphenated: the heading's phrase matches them as written
            "Chain of Thought",
            ["Automatic Chain-of-Thought Prompting", "Tree of Thoughts: Deliberate Problem Solving"],
            ["chain of thought", "thought"],  # "Tree of Thoughts": "thought" alone too
        ),
        (  # both words used alone too: two rules
            "Speculative Decoding",
            [
                "Fast Inference via Speculative Decoding",
                "Accelerating LLM Decoding with Speculative Sampling",
            ],
            ["speculative", "decoding"],
        ),
        (  # a phrase of the heading alone, in no title: no name
            "Performance Indicator of On-Device LLMs",
            ["MobileAIBench: Benchmarking LLMs On-Device", "MELTing Point: On-Device Evaluation"],
            ["indicator", "on-device"],
        ),
    ],
)
def test_two_words_of_a_heading_are_one_rule_when_the_list_writes_them_so(
    heading: str, titles: list[str], patterns: list[str]
) -> None:
    assert (
        starter_patterns(heading, titles, word_counts(titles), arxiv_common_words(), everything=titles)
        == patterns
    )


def test_accelerating_is_no_rule_alone() -> None:
    """Seven of the shared lists took "accelerating" for a spare slot ("Accelerating
    LLM Inference with ..."); alone it matches "Accelerating the Discovery of ..." in any field."""
    titles = [
        "Accelerating LLM Inference with Staged Speculative Decoding",
        "Accelerating Large Language Model Decoding with Speculative Sampling",
        "Blockwise Parallel Decoding for Deep Autoregressive Models",
    ]
    patterns = starter_patterns("Speculative Decoding", titles, word_counts(titles))
    assert is_generic("accelerating") and is_generic("accelerated")
    assert "accelerating" not in patterns
    assert "speculative decoding" in patterns or "speculative" in patterns


def test_a_word_written_without_the_space_of_a_rule_is_that_rule() -> None:
    """ "KVCache" in titles gave the rule `kvcache` next to the heading's `kv cache`, which finds
    it too (a pattern's space may be nothing): validate-config warned of the config init wrote,
    and a paper saying either counted twice."""
    titles = [
        "PQCache: Product Quantization-based KVCache for Long Context LLM Inference",
        "Mooncake: A KVCache-centric Disaggregated Architecture for LLM Serving",
        "Infinite-LLM: Efficient LLM Service for Long Context with Distributed KVCache",
        "KV Cache Eviction with Heavy Hitters",
    ]
    found = starter_patterns("KV Cache Compression", titles, word_counts(titles))
    assert "kv cache" in found and "kvcache" not in found


# the lists init reads (not the folder's README, nor the rendered page of no links), and a catalog
LINKED = sorted(p.name for p in LISTS.iterdir() if p.suffix == ".md" and p.name != "README.md")


@pytest.mark.parametrize("name", [*LINKED, "project-catalog"])
def test_no_two_starter_rules_of_a_section_find_the_same_text(name: str) -> None:
    path = FIXTURES / "project" / "catalog.md" if name == "project-catalog" else LISTS / name
    plan = scaffold("README.md", path.read_text(encoding="utf-8"))
    for section, raw in plan.keywords(arxiv_common_words())["sections"].items():
        patterns = list(raw["patterns"]) + [p for sub in raw.get("subsections", {}).values() for p in sub]
        assert not equivalent_patterns(patterns), section


def test_a_year_heading_is_no_rule() -> None:
    """ "## 2024" over topics ("### Quantization") gave the section the rule `2024`."""
    titles = ["Alpha Beta Gamma Models", "Delta Epsilon Zeta Systems"]
    assert starter_patterns("2024", titles, word_counts(titles)) == []
