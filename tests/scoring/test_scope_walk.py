"""Round 31's scope walk: realistic titles (with abstracts) for each section of SCOPE.md's list,
multimodal variants included (visual token pruning and merging, the KV cache of long videos,
speculative decoding of VLMs, quantized reasoning models, MoE serving, small language models), and
for its grade-0 side (agents, RAG quality, alignment, capability benchmarks, applications,
efficiency of other models) that use efficiency words in passing. They go through the fixture copy
of the shipped rules: what the rules say is what a maintainer reads and edits; the learned models
add to it (bench/RESULTS-scoring.md, "Round 31: scope walk", scores the same titles end to end)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import config
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring.rules import RuleResult, RuleScorer
from bot.scoring.settings import ScoringSettings
from tests.conftest import FIXTURES, PROJECT

WALK = [
    json.loads(line)
    for line in (FIXTURES / "data" / "scope-walk.jsonl").read_text(encoding="utf-8").splitlines()
]
IN_SCOPE = [row for row in WALK if row["sections"]]
OUT_OF_SCOPE = [row for row in WALK if not row["sections"]]
# An off-topic paper the rules give fewer points than this, and no goal in its title, is left to
# the learned models: 5 points are log(6) x 1.25 = 2.2 logits against a bias of -2
MAX_OFF_TOPIC_POINTS = 5.0
# A paper in scope gets at least this from the rules (one pattern of weight 3.5 in the abstract),
# or a goal in its title that neither learned model can veto
MIN_IN_SCOPE_POINTS = 3.5


@pytest.fixture(scope="module")
def keywords() -> dict[str, Any]:
    return config.load("keywords", PROJECT / "config")


@pytest.fixture(scope="module")
def rules(keywords: dict[str, Any], taxonomy: Taxonomy) -> RuleScorer:
    return RuleScorer(keywords, taxonomy)


def evaluate(rules: RuleScorer, row: dict[str, Any]) -> RuleResult:
    return rules.evaluate(Paper("2501.00001", row["title"], row["abstract"]))


def routed(result: RuleResult) -> str | None:
    """The rules' section: the one whose goal patterns score most (routing by goal first), else
    the one with the most points."""
    points = result.goal_points or result.section_points
    return max(points, key=lambda s: points[s]) if points else None


def says_its_goal(result: RuleResult, keywords: dict[str, Any]) -> bool:
    settings = ScoringSettings.from_config(keywords)
    return result.goal_in_title(settings.goal_title_min_points, settings.goal_title_topic_points)


def test_the_walk_covers_every_paper_section_and_the_grade_0_side(taxonomy: Taxonomy) -> None:
    paper_sections = {s.id for s in taxonomy.sections if s.kind != "resources"}
    walked = {section for row in IN_SCOPE for section in row["sections"]}
    assert walked == paper_sections
    assert len(IN_SCOPE) >= 5 * len(paper_sections) and len(OUT_OF_SCOPE) >= 40


@pytest.mark.parametrize("row", IN_SCOPE, ids=[row["title"][:70] for row in IN_SCOPE])
def test_a_paper_in_scope_is_routed_to_its_section_and_the_rules_speak_for_it(
    rules: RuleScorer, keywords: dict[str, Any], row: dict[str, Any]
) -> None:
    result = evaluate(rules, row)
    assert result.llm_context
    assert routed(result) in row["sections"]
    assert result.points >= MIN_IN_SCOPE_POINTS or says_its_goal(result, keywords)


@pytest.mark.parametrize("row", OUT_OF_SCOPE, ids=[row["title"][:70] for row in OUT_OF_SCOPE])
def test_a_paper_out_of_scope_gets_too_little_from_the_rules_to_be_proposed(
    rules: RuleScorer, keywords: dict[str, Any], row: dict[str, Any]
) -> None:
    result = evaluate(rules, row)
    assert not says_its_goal(result, keywords)
    assert result.points < MAX_OFF_TOPIC_POINTS


@pytest.mark.parametrize(
    "title",
    [
        "ReKV: Retrieving Key-Value Caches for Efficient Streaming Video Question-Answering",
        "Merge Then Prune: Image Token Reduction for Fast LLaVA Inference",
        "LongVU: Spatiotemporal Adaptive Compression for Long Video-Language Understanding",
        "Less is More: Adaptive Vision Token Selection for Efficient Multimodal Inference",
        "Visual Cue Enhancement and Dual Low-Rank Adaptation for Efficient Visual Instruction Fine-Tuning",
    ],
)
def test_a_language_models_own_words_keep_a_title_naming_another_domain_on_topic(
    rules: RuleScorer, title: str
) -> None:
    """A video LLM's KV cache, LLaVA, video-language models, vision tokens: the title names a
    language model, so "video" or "image" beside them is no other domain (whose title cap would
    keep both learned models under the threshold)."""
    result = rules.evaluate(Paper("2501.00001", title, ""))
    assert result.llm_context and not result.off_topic_in_title()


@pytest.mark.parametrize(
    "title",
    [
        "Post-Training Quantization for Video Diffusion Models",
        # round 33: a vision task named without "image" or "video"
        "Dual-Model Distillation for Efficient Action Classification with Hybrid Edge-Cloud Solution",
        "Pruned YOLO Heads for Real-Time Object Detection on Drones",
    ],
)
def test_another_domain_without_those_words_stays_off_topic(rules: RuleScorer, title: str) -> None:
    assert rules.evaluate(Paper("2501.00001", title, "")).off_topic_in_title()


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("Efficient Small Language Models for Edge Devices: Design Space Exploration", "on-device"),
        ("L1: Controlling How Long a Reasoning Model Thinks with Reinforcement Learning", "reasoning"),
        (
            "Make Every Token Count: Reducing the Verbosity of Reasoning Models via Length-Aware Reinforcement Learning",
            "reasoning",
        ),
        ("Scaling LLM Inference Efficiently with Optimized Sample Compute Allocation", "reasoning"),
        ("Faster Cascades via Speculative Decoding", "decoding"),
        (
            "Accelerating Large Vision-Language Models with Speculative Decoding and Visual Token Sharing",
            "decoding",
        ),
        ("DyCoke: Dynamic Compression of Tokens for Fast Video Large Language Models", "prompt-compression"),
        (
            "VisPruner: Pruning Vision Tokens by Importance and Diversity for Efficient Large Vision-Language Models",
            "prompt-compression",
        ),
        ("Streamlining RL Post-Training for Reasoning Models with Asynchronous Rollouts", "training"),
        ("Efficient Multi-modal Large Language Models via Visual Token Grouping", "prompt-compression"),
        (
            "LongVU: Spatiotemporal Adaptive Compression for Long Video-Language Understanding",
            "prompt-compression",
        ),
        # round 33: scheduling a language model's workloads, an accelerator for one, training one faster
        ("Topology-aware Preemptive Scheduling for Co-located LLM Workloads", "serving"),
        (
            "CliqueParcel: An Approach For Batching LLM Prompts That Jointly Optimizes Efficiency And Faithfulness",
            "serving",
        ),
        ("MARCA: Mamba Accelerator with ReConfigurable Architecture", "hardware"),
        ("Optimus: Accelerating Large-Scale Multi-Modal LLM Training by Bubble Exploitation", "training"),
    ],
)
def test_a_title_that_names_its_goal_is_not_left_to_the_models(
    rules: RuleScorer, keywords: dict[str, Any], title: str, section: str
) -> None:
    result = rules.evaluate(Paper("2501.00001", title, "We study large language models."))
    assert says_its_goal(result, keywords) and routed(result) == section


@pytest.mark.parametrize(
    "title",
    [
        "Visual Token Matters: Improving Fine-Grained Perception of MLLMs with High-Resolution Tokens",
        "Small Language Models Are Good Zero-Shot Classifiers for Clinical Text",
        "Reducing the Output Length of Summarization Models with Length Penalties",
        "How Long Do Humans Read? Eye Tracking of Language Model Outputs",
        "Unveiling the Hidden Structure of Self-Attention via Kernel Principal Component Analysis",
        "Task-Aware Encoder Control for Deep Video Compression",
        # round 33: language models used for scheduling; an accelerator for attention alone;
        # "efficient" training of a model adapted to a language
        "Investigating the Potential of Using Large Language Models for Scheduling",
        "FAMOUS: Flexible Accelerator for the Attention Mechanism of Transformer on UltraScale+ FPGAs",
        "GPT4AIGChip: Towards Next-Generation AI Accelerator Design Automation via Large Language Models",
        "Using Large Language Models to Write RTL for FPGA Accelerators",
        "Efficient Language Adaptive Pre-training: Extending State-of-the-Art Large Language Models for Polish",
    ],
)
def test_the_same_words_without_the_goal_say_nothing(
    rules: RuleScorer, keywords: dict[str, Any], title: str
) -> None:
    """Visual tokens that are added, not cut; a small model fine-tuned for a task; output length
    without reasoning; "how long" that is not a model thinking; a kernel method, not a compute kernel;
    a video codec, not a video LLM's tokens; scheduling by a language model, not of its workloads;
    an accelerator for no language model, or one a language model designs; training called efficient, not accelerated."""
    assert not says_its_goal(
        rules.evaluate(Paper("2501.00001", title, "We study large language models.")), keywords
    )


def test_agents_are_an_application_unless_the_field_serves_them(rules: RuleScorer) -> None:
    def negatives(title: str) -> list[str]:
        result = rules.evaluate(Paper("2501.00001", title, ""))
        return [m.rule.group for m in result.matches if m.rule.negative]

    assert negatives("Autellix: An Efficient Serving Engine for LLM Agents as General Programs") == []
    assert negatives(
        "Efficient Multi-Agent Collaboration with Large Language Models for Software Engineering"
    ) == ["LLM-application"]
    assert negatives("LLM Agents Serving as Planners for Household Tasks") == ["LLM-application"]


@pytest.mark.parametrize(
    ("title", "section"),
    [
        # round 32: routing by goal first, where the technique's words had won
        ("Lillama: Large Language Models Compression via Low-Rank Feature Distillation", "low-rank"),
        (
            "SVD-LLM: Truncation-aware Singular Value Decomposition for Large Language Model Compression",
            "low-rank",
        ),
        # the KV cache's own goal outweighs a decomposition's
        ("LoRC: Low-Rank Compression for LLMs KV Cache with a Progressive Compression Strategy", "kv-cache"),
        # a key-value memory is no video LLM's token compression
        ("Efficient Long Video Understanding with Compressed Key-Value Memory", None),
    ],
)
def test_the_goal_a_title_names_routes_it(rules: RuleScorer, title: str, section: str | None) -> None:
    """The section whose goal patterns a title matches (None: no goal at all)."""
    goals = rules.evaluate(Paper("2501.00001", title, "We study large language models.")).goal_points
    assert (max(goals, key=lambda s: goals[s]) if goals else None) == section


def test_a_decomposition_of_experts_is_no_low_rank_goal(rules: RuleScorer) -> None:
    title = "MoE-I2: Compressing Mixture of Experts Models through Inter-Expert Pruning and Intra-Expert Low-Rank Decomposition"
    assert "low-rank" not in rules.evaluate(Paper("2501.00001", title, "")).goal_points
