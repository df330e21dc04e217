"""The shipped rules of config/keywords.yml for topics newer than the catalog, and for homonyms
(words of a section that mean something else)."""

from __future__ import annotations

from typing import Any

import pytest

from bot import config
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring.patterns import matched_words
from bot.scoring.rules import RuleResult, RuleScorer
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def rules(taxonomy: Taxonomy) -> RuleScorer:
    keywords: dict[str, Any] = config.load("keywords", PROJECT / "config")
    return RuleScorer(keywords, taxonomy)


def judge(rules: RuleScorer, title: str, abstract: str = "") -> RuleResult:
    return rules.evaluate(Paper("2501.00001", title, abstract))


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("Dynamic Early Exit in Reasoning Models", "reasoning"),
        ("Do NOT Think That Much for 2+3=? On the Overthinking of o1-Like LLMs", "reasoning"),
        ("Thinkless: LLM Learns When to Think", "reasoning"),
        ("TokenSkip: Controllable Chain-of-Thought Compression in LLMs", "reasoning"),
        (
            "Sketch-of-Thought: Efficient LLM Reasoning with Adaptive Cognitive-Inspired Sketching",
            "reasoning",
        ),
        ("SpecReason: Fast and Accurate Inference-Time Compute via Speculative Reasoning", "reasoning"),
        ("Concise Reasoning via Reinforcement Learning", "reasoning"),
        ("C3oT: Generating Shorter Chain-of-Thought without Compromising Effectiveness", "reasoning"),
        (
            "Adaptive Inference-Time Compute: LLMs Can Predict if They Can Do Better, Even Mid-Generation",
            "reasoning",
        ),
        ("Learning How Hard to Think: Input-Adaptive Allocation of LM Computation", "reasoning"),
        (
            "QUITO-X: A New Perspective on Context Compression from the Information Bottleneck Theory",
            "prompt-compression",
        ),
        ("Stop Overthinking: A Survey on Efficient Reasoning for Large Language Models", "surveys"),
        (
            "PalmBench: A Comprehensive Benchmark of Compressed Large Language Models on Mobile Platforms",
            "surveys",
        ),
        (
            "Evaluating Quantized Large Language Models for Code Generation on Low-Resource Language Benchmarks",
            "surveys",
        ),
        ('"Give Me BF16 or Give Me Death"? Accuracy-Performance Trade-Offs in LLM Quantization', "surveys"),
        ("Quantifying the Capabilities of LLMs across Scale and Precision", "surveys"),
        ("Measuring the Effect of Pruning on Large Language Models", "surveys"),
        (
            "Decoding Compressed Trust: Scrutinizing the Trustworthiness of Efficient LLMs Under Compression",
            "surveys",
        ),
        (
            "QUICK: Quantization-aware Interleaving and Conflict-free Kernel for efficient LLM inference",
            "hardware",
        ),
        (
            "Accelerating a Triton Fused Kernel for W4A16 Quantized Inference with SplitK work decomposition",
            "hardware",
        ),
        ("TPI-LLM: Serving 70B-scale LLMs Efficiently on Low-resource Edge Devices", "on-device"),
        ("WebLLM: A High-Performance In-Browser LLM Inference Engine", "on-device"),
    ],
)
def test_goal_patterns_say_what_a_paper_is_for(rules: RuleScorer, title: str, section: str) -> None:
    result = judge(rules, title, "We study large language models.")  # the LLM context of an abstract
    assert max(result.goal_points, key=lambda s: result.goal_points[s]) == section
    assert result.points > 4


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("NoMAD-Attention: Efficient LLM Inference on CPUs Through Multiply-add-free Attention", "hardware"),
        (
            "Optimization of Armv9 architecture general large language model inference performance based on Llama.cpp",
            "hardware",
        ),
        (
            "EE-Tuning: An Economical yet Scalable Solution for Tuning Early-Exit Large Language Models",
            "decoding",
        ),
        ("Context Parallelism for Scalable Million-Token Inference", "serving"),
    ],
)
def test_routing_goals_route_without_adding_relevance_of_their_own(
    rules: RuleScorer, title: str, section: str
) -> None:
    """Goals of weight 1 (hardware platforms, early exit, parallel inference) say where a paper
    goes; its relevance comes from the other patterns, here mostly in the abstract."""
    result = judge(rules, title, "We study large language models.")
    assert max(result.goal_points, key=lambda s: result.goal_points[s]) == section
    assert result.goal_points[section] == 2.0  # weight 1 x the title's weight 2


@pytest.mark.parametrize(
    ("title", "not_section"),
    [
        ("NEO: Saving GPU Memory Crisis with CPU Offloading for Online LLM Inference", "hardware"),
        ("Efficient Prompt Optimization Through the Lens of Best Arm Identification", "hardware"),
        ("NITRO: LLM Inference on Intel Laptop NPUs", "hardware"),
        ("Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism", "serving"),
        ("Dynamic Early Exit in Reasoning Models", "decoding"),
        # data pruning selects training data: a method, no measurement study of pruning
        (
            "Measuring Sample Importance in Data Pruning for Language Models based on Information Entropy",
            "surveys",
        ),
    ],
)
def test_goal_patterns_keep_to_their_meaning(rules: RuleScorer, title: str, not_section: str) -> None:
    result = judge(rules, title, "We study large language models.")
    goals = result.goal_points
    assert not goals or max(goals, key=lambda s: goals[s]) != not_section


def test_data_pruning_routes_to_training_not_to_pruning(rules: RuleScorer) -> None:
    """Data pruning selects training data: the goal is cheaper training, whatever "pruning"
    says. The goal only routes (weight 0.5); the weight-pruning words still give relevance."""
    title = "Measuring Sample Importance in Data Pruning for Language Models based on Information Entropy"
    data = judge(rules, title, "We study large language models.")
    assert max(data.goal_points, key=lambda s: data.goal_points[s]) == "training"
    assert data.goal_points["training"] == 1.0  # weight 0.5 x the title's weight 2
    weights = judge(rules, "Structured Pruning of Large Language Models", "We study large language models.")
    assert "training" not in weights.goal_points


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        ("DeeR-VLA: Dynamic Inference of Multimodal Large Language Models for Efficient Robot Execution", ""),
        ("Switchable Decision: Dynamic Neural Generation Networks", ""),
        ("Faster Language Models", "We give large language models adaptive computation per token."),
    ],
)
def test_computation_that_adapts_to_the_input_routes_to_architecture(
    rules: RuleScorer, title: str, abstract: str
) -> None:
    """Dynamic inference, dynamic networks, adaptive computation: token and layer skipping by
    older names (SCOPE.md: architecture). They route; they add no relevance."""
    plain = judge(rules, "Faster Language Models", "We study large language models.")
    result = judge(rules, title, abstract or "We study large language models.")
    assert result.section_points.get("architecture", 0) >= plain.section_points.get("architecture", 0) + 3
    assert result.relevance_points.get("architecture", 0) == plain.relevance_points.get("architecture", 0)
    moe = judge(rules, "Faster Language Models", "Mixture of experts is conditional computation.")
    assert moe.section_points.get("architecture", 0) == plain.section_points.get("architecture", 0)


@pytest.mark.parametrize(
    ("title", "abstract", "points"),
    [
        (
            "InfLLM: Training-Free Long-Context Extrapolation for LLMs with an Efficient Context Memory",
            "We study large language models.",
            4.0,  # weight 2 x the title's weight 2
        ),
        ("TokenSelect: Efficient Long-Context Inference and Length Extrapolation for LLMs", "", 4.0),
        (
            "A Memory for Language Models",
            "It lets large language models efficiently process long sequences.",
            2.0,
        ),
    ],
)
def test_an_efficient_long_context_method_adds_relevance(
    rules: RuleScorer, title: str, abstract: str, points: float
) -> None:
    """Long context alone is a capability (route-only); said to be efficient, it is the
    architecture section's topic and adds relevance."""
    result = judge(rules, title, abstract or "We study large language models.")
    assert result.relevance_points.get("architecture", 0) >= points
    capability = judge(
        rules, "Scaling Code Models to 128K Context", "Long context windows for large language models."
    )
    assert capability.relevance_points.get("architecture", 0) == 0


def test_a_low_rank_structure_adds_low_rank_relevance(rules: RuleScorer) -> None:
    """What low-rank methods exploit adds relevance; "low-rank" alone (LoRA, matrix completion)
    only routes."""
    abstract = "Keys of large language models have a low-rank structure that we exploit."
    found = judge(rules, "ATP: Enabling Fast LLM Serving via Attention on Top Principal Keys", abstract)
    plain = judge(
        rules, "ATP: Enabling Fast LLM Serving via Attention on Top Principal Keys", "A low-rank LLM."
    )
    assert found.relevance_points.get("low-rank", 0) >= 3.0
    assert plain.relevance_points.get("low-rank", 0) == 0


def test_new_topics_add_relevance(rules: RuleScorer) -> None:
    dllm = judge(rules, "Accelerating Diffusion LLMs via Adaptive Parallel Decoding")
    assert dllm.section_points["decoding"] >= 10 and dllm.llm_context and dllm.points >= 10
    rl = judge(rules, "ReaL: Efficient RLHF Training of Large Language Models with Parameter Reallocation")
    assert rl.section_points["training"] >= 8 and rl.points >= 8
    plain_dllm = judge(rules, "Scaling Diffusion Language Models via Adaptation from Autoregressive Models")
    assert plain_dllm.points < dllm.points / 2  # a diffusion LM is not efficiency work by itself


@pytest.mark.parametrize(
    "title",
    [
        "ReaL: Efficient RLHF Training of Large Language Models with Parameter Reallocation",
        "AReaL: A Large-Scale Asynchronous Reinforcement Learning System for Language Reasoning",
        "OpenRLHF: An Easy-to-use, Scalable and High-performance RLHF Framework",
        "Accelerating Diffusion LLMs via Adaptive Parallel Decoding",
        "Fast-dLLM: Training-free Acceleration of Diffusion LLM by Enabling KV Cache and Parallel Decoding",
    ],
)
def test_a_title_that_names_a_new_topic_says_what_the_paper_is_for(rules: RuleScorer, title: str) -> None:
    """RL training systems for language models and faster diffusion LMs are newer than the
    catalog: their title is a goal strong enough that neither learned model can veto it."""
    result = judge(rules, title, "We study large language models.")
    assert result.goal_in_title(7.0)
    for goal in (m for m in result.matches if m.rule.goal and m.field == "title"):
        shown = matched_words(goal.rule.pattern, title)  # what a PR's reasons quote: the phrase
        assert shown is not None and shown in title and len(shown) < len(title) - 8


def test_rl_for_agents_or_a_plain_diffusion_lm_is_no_such_goal(rules: RuleScorer) -> None:
    agents = (
        "DistRL: An Asynchronous Distributed Reinforcement Learning Framework for On-Device Control Agents"
    )
    assert not judge(rules, agents, "We study large language models.").goal_in_title(7.0)
    plain = "Scaling Diffusion Language Models via Adaptation from Autoregressive Models"
    assert not judge(rules, plain, "We study large language models.").goal_in_title(7.0)
    # in the abstract the same words still count, once
    abstract = "We present a scalable reinforcement learning system for LLMs."
    result = judge(rules, "HybridEngine", abstract)
    assert result.section_points["training"] == 4.0 and not result.goal_points


@pytest.mark.parametrize(
    ("homonym", "meant"),
    [
        (
            "Latent Dataset Distillation with Diffusion Models for Language Models",
            "Knowledge Distillation with Diffusion Models for Language Models",
        ),
        (
            "Proximal Policy Distillation of language models",
            "Proximal Knowledge Distillation of language models",
        ),
        (
            "Exploiting CPU Cache Side-Channels to Leak Tokens from Large Language Models",
            "Exploiting KV Cache Eviction to Serve Tokens from Large Language Models",
        ),
        ("Large-Scale Data Selection for Instruction Tuning of LLMs", "Memory-Efficient Fine-Tuning of LLMs"),
    ],
)
def test_homonyms_take_back_what_the_word_adds(rules: RuleScorer, homonym: str, meant: str) -> None:
    assert judge(rules, homonym).points <= 1.0 < judge(rules, meant).points


def test_benchmark_alone_is_no_survey_evidence(rules: RuleScorer) -> None:
    plain = judge(rules, "A New Benchmark for Legal Question Answering with LLMs")
    assert plain.points <= 0 and not plain.goal_points
    efficiency = judge(rules, "A Benchmark of Quantization Methods for LLM Inference")
    assert efficiency.goal_points.get("surveys", 0) > 0


def test_efficiency_work_on_other_domains_loses_points_unless_its_title_names_a_language_model(
    rules: RuleScorer,
) -> None:
    vision = judge(
        rules,
        "Contribution-based Low-Rank Adaptation with Pre-training Model for Real Image Restoration",
        "Efficient parameter tuning has succeeded in natural language processing; we bring it to vision.",
    )
    llm = judge(
        rules, "Contribution-based Low-Rank Adaptation of Large Language Models for Image Restoration"
    )
    assert any(m.rule.group == "other-domain-in-title" for m in vision.matches)
    assert not any(m.rule.group == "other-domain-in-title" for m in llm.matches)
    assert vision.points < llm.points - 4


@pytest.mark.parametrize(
    "title",
    [
        "DNN Memory Footprint Reduction via Post-Training Intra-Layer Multi-Precision Quantization",
        "Inducing Semi-Structured Sparsity by Masking for Efficient Model Inference in Convolutional Networks",
        "Optimizing the Deployment of Tiny Transformers on Low-Power MCUs",
        "DTMM: Deploying TinyML Models on Extremely Weak IoT Devices with Pruning",
        "Famba-V: Fast Vision Mamba with Cross-Layer Token Fusion",
        "On the Compression of Language Models for Code: An Empirical Study on CodeBERT",
        "Smarter, Better, Faster, Longer: A Modern Bidirectional Encoder for Fast, Memory Efficient, "
        "and Long Context Finetuning and Inference",
    ],
)
def test_a_title_about_another_kind_of_model_is_off_topic(rules: RuleScorer, title: str) -> None:
    """CNNs, DNNs in general, microcontrollers: efficiency work SCOPE.md calls borderline at best."""
    assert judge(
        rules, title, "We use a transformer with 10M parameters and measure tokens per second."
    ).off_topic_in_title()
    assert not judge(
        rules, "Post-Training Quantization of Large Language Models on MCUs"
    ).off_topic_in_title()


def test_bert_matches_in_its_case_only(rules: RuleScorer) -> None:
    """A name that ends in "bert" is no encoder; RoBERTa and DistilBERT are."""
    assert judge(rules, "Distilling RoBERTa into a Tiny Model").off_topic_in_title()
    assert not judge(rules, "Albert and Hubert Quantize Large Language Models").off_topic_in_title()


def test_vllm_the_engine_is_not_vllms_the_vision_models(rules: RuleScorer) -> None:
    engine = judge(rules, "Faster LLM serving: a scheduler for vLLM")
    vision = judge(rules, "Efficient Inference of VLLMs with Token Pruning")
    assert any(m.rule.pattern.endswith("vLLM\\b)") for m in engine.matches)
    assert not any("vLLM" in m.rule.pattern for m in vision.matches)


def test_a_title_only_goal_pattern_ignores_the_abstract(rules: RuleScorer) -> None:
    """Every abstract says it evaluates something; only a title that says so makes a survey."""
    method = judge(
        rules,
        "QuickQuant: Fast Post-Training Quantization of LLMs",
        "Evaluating quantized models on six tasks, we find trade-offs in quantization that we remove.",
    )
    assert "surveys" not in method.goal_points
    means = judge(
        rules, "Assessing the Brittleness of Safety Alignment via Pruning and Low-Rank Modifications"
    )
    assert "surveys" not in means.goal_points  # pruning is the means there, not what is assessed


def test_survey_and_benchmark_words_of_an_abstract_make_no_survey(rules: RuleScorer) -> None:
    """In an abstract, "survey" is a verb or a questionnaire, and "benchmarks ... efficiency" is
    how any method reports results; "this paper reviews" still says what the paper is."""
    tool = judge(
        rules,
        "Talaria: Interactively Optimizing Machine Learning Models for Efficient Inference",
        "We describe Talaria, an on-device inference tool for LLMs, and a usability survey with 26 users. "
        "Experiments on our benchmarks indicate the effectiveness and efficiency of Talaria, with some "
        "performance benchmarks.",
    )
    assert "surveys" not in tool.goal_points
    review = judge(
        rules,
        "The Evolution of RWKV: Advancements in Efficient Language Modeling",
        "This paper reviews the development of the RWKV architecture for large language models.",
    )
    assert max(review.goal_points, key=lambda s: review.goal_points[s]) == "surveys"


def test_a_kernel_of_another_kind_is_no_hardware(rules: RuleScorer) -> None:
    for title in (
        "PolySketchFormer: Fast Transformers via Sketches for Polynomial Kernels",
        "FLuRKA: Fast fused Low-Rank & Kernel Attention",
    ):
        assert "hardware" not in judge(rules, title).goal_points


def test_training_on_a_device_is_no_on_device_goal(rules: RuleScorer) -> None:
    """SCOPE.md files on-device fine-tuning under fine-tuning; on-device inference goes on-device."""
    tuning = judge(
        rules, "FedPT: Federated Proxy-Tuning of Large Language Models on Resource-Constrained Edge Devices"
    )
    inference = judge(rules, "Hermes: Memory-Efficient Pipeline Inference for Large Models on Edge Devices")
    assert "on-device" not in tuning.goal_points
    assert "on-device" in inference.goal_points


def test_overthinking_is_efficient_reasoning_only_beside_reasoning(rules: RuleScorer) -> None:
    """Early-exit papers call a layer that changes a right answer "overthinking" too: without
    reasoning or thinking in the same field it is no efficient-reasoning goal."""
    early_exit = judge(
        rules,
        "BEExformer: A Fast Inferencing Transformer Architecture via Binarization with Multiple Early Exits",
        "Early exits at each layer mitigate overthinking and cut FLOPs of the binarized transformer.",
    )
    abstract = "Reasoning models overthink easy questions; we cut their tokens by half."
    reasoning = judge(rules, "Adaptive Budgets for Large Language Models", abstract)
    assert "reasoning" not in early_exit.goal_points
    assert reasoning.goal_points.get("reasoning") == 5.0
    shown = [m for m in reasoning.matches if m.rule.group == "reasoning" and m.rule.goal]
    assert matched_words(shown[0].rule.pattern, abstract) == "overthink"


def test_layer_skipping_routes_to_architecture_and_depth_pruning_to_pruning(rules: RuleScorer) -> None:
    skipping = judge(rules, "Skipping Layers Dynamically for Faster Inference of Large Language Models")
    pruning = judge(rules, "Depth Pruning of Large Language Models")
    assert max(skipping.section_points, key=lambda s: skipping.section_points[s]) == "architecture"
    assert "pruning/structured" not in skipping.subsection_points
    assert "pruning/structured" in pruning.subsection_points


def test_a_title_with_another_goal_than_cost_loses_points(rules: RuleScorer) -> None:
    tool = judge(rules, "Customizing Language Models with Instance-wise LoRA for Sequential Recommendation")
    method = judge(rules, "Customizing Language Models with Instance-wise LoRA")
    assert any(m.rule.group == "other-goal-in-title" for m in tool.matches)
    assert tool.points <= method.points - 7
    abstract_only = judge(rules, "Instance-wise LoRA for LLMs", "We also test it on recommendation.")
    assert not any(m.rule.group == "other-goal-in-title" for m in abstract_only.matches)


@pytest.mark.parametrize(
    "title",
    [
        "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty",
        "PocketLLM: Enabling On-Device Fine-Tuning for Personalized LLMs",
        "Discrete Prompt Compression with Reinforcement Learning",
        "MobileVLM: A Fast, Reproducible and Strong Vision Language Assistant for Mobile Devices",
    ],
)
def test_a_word_of_another_field_used_as_the_means_is_not_off_topic(rules: RuleScorer, title: str) -> None:
    """Catalog entries: uncertainty, personalization or RL as the means, a vision-language model."""
    assert not judge(rules, title).off_topic_in_title()


def test_a_survey_says_what_it_is_for_only_with_a_topic_of_the_list_in_its_title(rules: RuleScorer) -> None:
    """``goal_title_topic_points``: "survey" only routes; with a topic of the list beside it in
    the title it is as strong as an efficient-reasoning goal (no veto by the learned models)."""
    topical = judge(rules, "A Survey of Mamba")
    other = judge(rules, "Large Language Models Meet NLP: A Survey")
    assert not topical.goal_in_title(7.0)  # a survey alone is not enough
    assert topical.goal_in_title(7.0, topic_points=4.0)
    assert not other.goal_in_title(7.0, topic_points=4.0)
    assert judge(rules, "Do NOT Think That Much: On the Overthinking of o1-Like LLMs").goal_in_title(7.0)
    assert judge(rules, "Efficient Test-Time Scaling via Self-Calibration").goal_in_title(7.0)
    assert judge(
        rules, "Less is More: A Simple yet Effective Token Reduction Method for Efficient Multi-modal LLMs"
    ).goal_in_title(7.0)
    assert not judge(rules, "Efficient Fine-Tuning for Reasoning Tasks").goal_in_title(7.0)


@pytest.mark.parametrize(
    "title",
    [
        "Towards Efficient Large Language Models for Scientific Text: A Review",
        "A Contemporary Overview: Trends and Applications of Large Language Models on Mobile Devices",
    ],
)
def test_a_review_or_an_overview_is_a_survey(rules: RuleScorer, title: str) -> None:
    result = judge(rules, title, "We review large language models.")
    assert max(result.goal_points, key=lambda s: result.goal_points[s]) == "surveys"
    assert result.goal_in_title(7.0, topic_points=4.0)


@pytest.mark.parametrize(
    "title",
    [
        "Learning from Committee: Reasoning Distillation from a Mixture of Teachers with Peer-Review",
        "Efficient Code Review with Large Language Models",
    ],
)
def test_a_peer_or_code_review_is_no_survey(rules: RuleScorer, title: str) -> None:
    result = judge(rules, title, "We study large language models.")
    assert "surveys" not in result.goal_points


def test_a_scaling_law_routes_to_training_without_adding_relevance(rules: RuleScorer) -> None:
    """A finding about training is not a cheaper way to train (borderline at best by SCOPE.md)."""
    law = judge(rules, "Scaling Laws with Vocabulary: Larger Models Deserve Larger Vocabularies", "For LLMs.")
    assert max(law.section_points, key=lambda s: law.section_points[s]) == "training"
    assert law.points < 2
    cheaper = judge(rules, "Efficient Training of Large Language Models with Less Memory", "For LLMs.")
    assert cheaper.points > law.points + 2


def test_a_small_language_model_routes_to_on_device_without_adding_relevance(rules: RuleScorer) -> None:
    """A small model is a size, not a saving: fine-tuned for a task, it is an application."""
    task = judge(rules, "SC-Phi2: A Fine-tuned Small Language Model for StarCraft II Macromanagement Tasks")
    assert max(task.section_points, key=lambda s: task.section_points[s]) == "on-device"
    assert task.points < 2
    for built in (
        "PhoneLM: an Efficient and Capable Small Language Model Family",
        "HARE: HumAn pRiors, a key to small language model Efficiency",
    ):
        assert judge(rules, built).points > task.points + 2, built


def goal_of(result: RuleResult) -> str | None:
    """The section whose goal patterns score most (the one routing's goal bonus goes to)."""
    goals = result.goal_points
    return max(goals, key=lambda s: goals[s]) if goals else None


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        ("Accelerating Large Language Model Training with Hybrid GPU-based Compression", ""),
        (
            "Scalable Efficient Training of Large Language Models with Low-dimensional Projected Attention",
            "",
        ),
        ("Fira: Can We Achieve Full-rank Training of LLMs Under Low-rank Constraint?", ""),
        (
            "SwitchLoRA: Switched Low-Rank Adaptation Can Learn Full-Rank Information",
            "Applying LoRA during pre-training hurts: premature low-rank training reduces accuracy.",
        ),
    ],
)
def test_a_paper_whose_goal_is_cheaper_training_routes_to_training(
    rules: RuleScorer, title: str, abstract: str
) -> None:
    """Goal first: cheaper training of a language model is training's, whatever technique it
    trains with (low rank, compression, sparsity). "Efficient" training only routes (weight 0.5,
    a side word as often); accelerating it (round 33) is the goal itself, which no learned model
    can veto (weight 3.5)."""
    result = judge(rules, title, abstract or "We study large language models.")
    assert goal_of(result) == "training"
    if title.startswith("Accelerating"):
        assert result.goal_points["training"] >= 7.0  # 3.5 x the title's 2
    else:
        assert result.goal_points["training"] <= 1.25  # weight 0.5 x the title's 2, and a quarter more


@pytest.mark.parametrize(
    "title",
    [
        "Efficient Training of Large Vision Models via Advanced Automated Progressive Learning",
        "Memory-Efficient Fine-Tuning of Large Language Models with Faster Training",
        "ELRT: Efficient Low-Rank Adaptation of Large Language Models",
        # the catalog and the judges file mixture-of-experts training under MoE
        "Accelerating Mixture-of-Experts Training of Large Language Models",
        # post-training and quantization-aware training compress a model; training and inference are a model's
        "SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language Models",
        "EfficientQAT: Efficient Quantization-Aware Training for Large Language Models",
        "MEGALODON: Efficient LLM Pretraining and Inference with Unlimited Context Length",
    ],
)
def test_training_goals_keep_to_training_a_language_model(rules: RuleScorer, title: str) -> None:
    result = judge(rules, title, "We study large language models.")
    assert "training" not in result.goal_points


def test_a_title_that_names_the_kv_cache_routes_there_before_the_tokens_it_prunes(
    rules: RuleScorer,
) -> None:
    """The KV cache in a title is the paper's goal, even when its abstract names visual tokens
    (prompt compression's goal in an abstract)."""
    title = "Cross-Self KV Cache Pruning for Efficient Vision-Language Inference"
    result = judge(rules, title, "We prune the visual tokens of large vision-language models.")
    assert goal_of(result) == "kv-cache"
    assert "prompt-compression" in result.goal_points  # the abstract's goal, outweighed


def test_key_value_kv_cache_spelled_out_is_the_kv_cache(rules: RuleScorer) -> None:
    abstract = "The expanding key-value (KV) cache size of large language models limits decoding."
    spelled = judge(rules, "TidalDecode: Fast and Accurate LLM Decoding", abstract)
    assert spelled.relevance_points["kv-cache"] >= 5.0  # the section's weight, once in the abstract


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        (
            "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse Attention",
            "However, the expanding key-value (KV) cache size required by Transformer architectures "
            "intensifies the memory constraints. Existing sparse attention mechanisms fail.",
        ),
        (
            "LightTransfer: Your Long-Context LLM is Secretly a Hybrid Model with Effortless Adaptation",
            "Scaling language models to handle longer contexts introduces substantial memory "
            "challenges due to the growing cost of key-value (KV) caches.",
        ),
        (
            "Boosting Long-Context Management via Query-Guided Activation Refilling",
            "Long contexts strain LLMs by the computational burden of extensive key-value (KV) activations.",
        ),
    ],
)
def test_an_abstract_whose_problem_is_the_kv_cache_size_routes_to_kv_cache(
    rules: RuleScorer, title: str, abstract: str
) -> None:
    """Goal first: an abstract that names the KV cache's size, memory or cost as the problem is
    about the KV cache, whatever its title says the method is (sparse attention, long context)."""
    assert goal_of(judge(rules, title, abstract)) == "kv-cache"


def test_the_kv_cache_size_goal_stays_within_one_sentence(rules: RuleScorer) -> None:
    """A sentence that ends on the KV cache and the next one's growth are two thoughts ("Bi-Mamba",
    a quantized state space model, judged quantization)."""
    abstract = (
        "State space models avoid the key-value cache. However, the growing size of large "
        "language models calls for quantization."
    )
    result = judge(rules, "Bi-Mamba: Towards Accurate 1-Bit State Space Models", abstract)
    assert "kv-cache" not in result.goal_points


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("FoPru: Focal Pruning for Efficient Large Vision-Language Models", "prompt-compression"),
        (
            "Dynamic-LLaVA: Efficient Multimodal Large Language Models via Dynamic Vision-language Context Sparsification",
            "prompt-compression",
        ),
        ("ECoFLaP: Efficient Coarse-to-Fine Layer-wise Pruning for Vision-Language Models", None),
        ("Structured Pruning of Multimodal Large Language Models", None),
        ("UPop: Unified and Progressive Pruning for Compressing Vision-Language Transformers", None),
    ],
)
def test_pruning_a_multimodal_llm_is_about_its_input_tokens_unless_the_title_names_weights(
    rules: RuleScorer, title: str, section: str | None
) -> None:
    """Goal first for multimodal models: pruning or sparsifying a vision-language model is token
    pruning of its input (SCOPE.md: prompt compression), unless the title says what else it
    prunes (layers, structures, weights: Pruning)."""
    assert goal_of(judge(rules, title, "We study large language models.")) == section


@pytest.mark.parametrize(
    ("title", "abstract", "section"),
    [
        # sparse attention, or the sparsity of a named attention, in the title (not Pruning's weights)
        ("HashAttention: Semantic Sparsity for Faster Inference", "", "architecture"),
        (
            "MoA: Mixture of Sparse Attention for Automatic Large Language Model Compression",
            "",
            "architecture",
        ),
        # layers skipped per input, sublayers too, a few words apart
        (
            "Enhancing Inference Efficiency of Large Language Models: Investigating Optimization Strategies",
            "We show that skipping latter attention sublayers in Transformer LLMs is effective.",
            "architecture",
        ),
        # attention's quadratic cost named as the problem
        (
            "CritiPrefill: A Segment-wise Criticality-based Approach for Prefilling Acceleration in LLMs",
            "Efficient inference of large language models is limited by the quadratic computation "
            "complexity of the attention mechanism.",
            "architecture",
        ),
        # faster decoding in the title, whatever the abstract reuses on the way
        (
            "Plato: Plan to Efficiently Decode for Large Language Model Inference",
            "Plato implements a global context cache to maximize key-value cache reuse.",
            "decoding",
        ),
        # the hardware a paper builds on, named in its abstract
        (
            "From a Lossless Compression Algorithm for Llama2 7B Weights to Compressed Numeric Data Types",
            "The algorithm for large language models can be implemented in ~200 LUTs in AMD FPGAs.",
            "hardware",
        ),
    ],
)
def test_light_goals_route_by_what_a_paper_is_for(
    rules: RuleScorer, title: str, abstract: str, section: str
) -> None:
    """Goal first, round 28: sparse attention, skipped layers and attention's quadratic cost are
    Efficient Architectures' goals (SCOPE.md), faster decoding Decoding's, FPGAs or accelerators
    in an abstract Hardware's, whatever technique word (sparsity, prefill, KV cache reuse,
    investigating, weight compression) the paper also says."""
    assert goal_of(judge(rules, title, abstract or "We study large language models.")) == section


@pytest.mark.parametrize(
    ("title", "abstract", "section"),
    [
        # the KV cache's size as the problem (weight 3) outweighs sparse attention in a title (2 points)
        (
            "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse Attention",
            "However, the expanding key-value (KV) cache size required by Transformer architectures "
            "intensifies the memory constraints.",
            "kv-cache",
        ),
        # an early exit in a title (2 points) outweighs skipped layers there (1.5)
        ("Layer Skip: Enabling Early Exit Inference and Self-Speculative Decoding", "", "decoding"),
        # token pruning (3.5) outweighs attention's quadratic cost (1.5)
        (
            "Token Pruning for Efficient Vision-Language Models",
            "The quadratic complexity of attention over many visual tokens slows inference.",
            "prompt-compression",
        ),
        # a device in the title (2 points) outweighs accelerators in an abstract (1)
        (
            "Attention Acceleration on Resource-Constrained Edge Devices",
            "We accelerate large language model attention on edge neural accelerators.",
            "on-device",
        ),
    ],
)
def test_light_goals_yield_to_weightier_ones(
    rules: RuleScorer, title: str, abstract: str, section: str
) -> None:
    assert goal_of(judge(rules, title, abstract or "We study large language models.")) == section


def test_faster_decoding_of_the_keys_and_values_is_no_decoding_goal(rules: RuleScorer) -> None:
    """Keys and values named in a title are the KV cache's, whatever the decoding gains."""
    title = "MLKV: Multi-Layer Key-Value Heads for Memory Efficient Transformer Decoding"
    assert "decoding" not in judge(rules, title, "We study large language models.").goal_points


def test_the_quadratic_attention_goal_stays_within_one_sentence(rules: RuleScorer) -> None:
    abstract = "Pruning removes weights of attention layers. The search itself is quadratic in the layers."
    assert "architecture" not in judge(rules, "Structured Pruning of LLMs", abstract).goal_points


# Round 28: precision in scope (bench/RESULTS-scoring.md)


def test_serving_as_is_no_serving(rules: RuleScorer) -> None:
    """ "serving as a foundation" is no serving system ("Large Language Models Meet NLP: A Survey")."""
    loose = judge(rules, "Language models", "Large language models, serving as a foundation for NLP, ...")
    meant = judge(rules, "Language models", "Large language models need efficient serving at scale.")
    assert "serving" not in loose.section_points
    assert meant.section_points["serving"] == 3.5


@pytest.mark.parametrize(
    "title",
    [
        "MPC-Minimized Secure LLM Inference",
        "Fast Homomorphic Encryption for Private Inference of Large Language Models",
        "SeTAR: Out-of-Distribution Detection with Selective Low-Rank Approximation",
    ],
)
def test_secure_computation_and_ood_detection_are_other_goals(rules: RuleScorer, title: str) -> None:
    assert judge(rules, title, "We study large language models.").off_topic_in_title()


def test_secure_beside_efficient_is_no_other_goal(rules: RuleScorer) -> None:
    """A title that names efficiency as a goal beside security is borderline, not off topic."""
    title = "A First Look At Efficient And Secure On-Device LLM Inference Against KV Leakage"
    assert not judge(rules, title).off_topic_in_title()


@pytest.mark.parametrize(
    "title",
    [
        "Align-KD: Distilling Cross-Modal Alignment Knowledge for Mobile Vision-Language Model",
        "PLaD: Preference-based Large Language Model Distillation with Pseudo-Preference Pairs",
        "Distilling Human Preferences into Smaller Language Models",
    ],
)
def test_alignment_distilled_into_a_smaller_model_is_distillation(rules: RuleScorer, title: str) -> None:
    result = judge(rules, title)
    assert not any(m.rule.group == "distillation-not-for-a-smaller-model" for m in result.matches)
    assert result.relevance_points["distillation"] >= 6.0


def test_alignment_distilled_from_a_stronger_model_is_still_a_homonym(rules: RuleScorer) -> None:
    result = judge(rules, "Zephyr: Direct Distillation of LM Alignment")
    assert any(m.rule.group == "distillation-not-for-a-smaller-model" for m in result.matches)
    assert result.points <= 1.0


def test_model_merging_takes_back_what_its_means_add(rules: RuleScorer) -> None:
    merging = judge(rules, "DPPA: Pruning Method for Large Language Model to Model Merging")
    pruning = judge(rules, "DPPA: Pruning Method for Large Language Models")
    assert any(m.rule.group == "model-merging" for m in merging.matches)
    assert merging.points <= pruning.points - 4
    experts = judge(rules, "Channel Merging: Preserving Specialization for Merged Experts")
    assert any(m.rule.group == "model-merging" for m in experts.matches)
    tokens = judge(rules, "Token Merging for Efficient Vision-Language Models")
    assert not any(m.rule.group == "model-merging" for m in tokens.matches)


def test_token_efficient_is_efficient_reasoning_only_beside_reasoning(rules: RuleScorer) -> None:
    """Tokens of training data are no reasoning tokens ("Token-Efficient Leverage Learning")."""
    data = judge(rules, "Token-Efficient Leverage Learning in Large Language Models")
    reasoning = judge(rules, "Token-Efficient Reasoning for Large Language Models")
    assert "reasoning" not in data.relevance_points
    assert reasoning.relevance_points["reasoning"] >= 7.0


def test_a_survey_of_efficiency_names_a_topic_of_the_list(rules: RuleScorer) -> None:
    """goal_title_topic_points: "efficiency" or "low cost" beside "survey" is the survey's topic."""
    low_cost = judge(
        rules, "Low-Cost Language Models: Survey and Performance Evaluation on Python Code Generation"
    )
    assert low_cost.goal_in_title(7.0, topic_points=4.0)
    other = judge(rules, "Large Language Models Meet NLP: A Survey")
    assert not other.goal_in_title(7.0, topic_points=4.0)
    # not in an abstract, not without a survey
    assert not judge(rules, "LLMs", "We survey efficient methods.").relevance_points
    assert judge(rules, "Efficiency of Large Language Models").points == 0


@pytest.mark.parametrize(
    ("title", "edge"),
    [
        ("Generative AI on the Edge: Architecture and Performance Evaluation", True),
        ("Running Large Language Models at the Edge", True),
        ("Language Models at the Edge of Chaos", False),
    ],
)
def test_on_the_edge_is_edge_devices(rules: RuleScorer, title: str, edge: bool) -> None:
    points = judge(rules, title).section_points.get("on-device", 0.0)
    assert (points >= 6.0) is edge


@pytest.mark.parametrize(
    ("title", "off_topic"),
    [
        ("LLM Maybe LongLM: Self-Extend LLM Context Window Without Tuning", True),
        ("LongSSM: On the Length Extension of State-space Models in Language Modelling", True),
        ("Interpolating Video-LLMs: Toward Longer-sequence LMMs in a Training-free Manner", True),
        # a title that names a cost beside the longer context has its efficiency angle clear
        ("InfLLM: Training-Free Long-Context Extrapolation for LLMs with an Efficient Context Memory", False),
        (
            "Correlation-Aware Select and Merge Attention for Efficient Fine-Tuning and Context Length Extension",
            False,
        ),
        ("Extending the Context of LLMs with a Compressed KV Cache", False),
    ],
)
def test_a_longer_context_without_a_cost_in_the_title_is_off_topic(
    rules: RuleScorer, title: str, off_topic: bool
) -> None:
    """SCOPE.md: long-context modelling whose efficiency angle is unclear is borderline."""
    result = judge(rules, title, "We study large language models.")
    assert result.off_topic_in_title() is off_topic


@pytest.mark.parametrize(
    ("title", "goal"),
    [
        (
            "Beyond Answers: Transferring Reasoning Capabilities to Smaller LLMs Using Multi-Teacher Knowledge Distillation",
            True,
        ),
        ("Align-KD: Distilling Cross-Modal Alignment Knowledge for Mobile Vision-Language Model", True),
        ("Compact Language Models via Pruning and Knowledge Distillation", True),
        # distillation alone does not say the student is smaller
        ("Distillation Contrastive Decoding: Improving LLMs Reasoning with Contrastive Decoding", False),
    ],
)
def test_distilling_into_a_smaller_model_says_what_the_paper_is_for(
    rules: RuleScorer, title: str, goal: bool
) -> None:
    """SCOPE.md's distillation: "a smaller student for efficiency"; no learned veto then."""
    result = judge(rules, title, "We study large language models.")
    assert result.goal_in_title(7.0) is goal
    assert ("distillation" in result.goal_points) is goal


def test_latent_reasoning_is_efficient_reasoning_only_beside_a_word_of_cost_or_speed(
    rules: RuleScorer,
) -> None:
    """SCOPE.md: "latent reasoning for speed". Without a word of cost or speed in the same field
    the words only route ("Language Models are Hidden Reasoners: Unlocking Latent Reasoning
    Capabilities via Self-Rewarding", out of scope, had 9 relevance points)."""
    capability = judge(
        rules,
        "Language Models are Hidden Reasoners: Unlocking Latent Reasoning Capabilities via Self-Rewarding",
        "Large language models unlock latent reasoning capabilities through self-rewarding.",
    )
    assert "reasoning" not in capability.relevance_points
    assert max(capability.section_points, key=lambda s: capability.section_points[s]) == "reasoning"
    abstract = (
        "Coconut lets large language models reason in a continuous latent space, with fewer thinking "
        "tokens during inference."
    )
    speed = judge(rules, "Training Large Language Models to Reason in a Continuous Latent Space", abstract)
    assert speed.relevance_points["reasoning"] >= 3.0 and speed.goal_points["reasoning"] >= 3.0
    shown = [m for m in speed.matches if m.rule.group == "reasoning" and m.rule.goal]
    assert matched_words(shown[0].rule.pattern, abstract) == "continuous latent space"


def test_the_cost_of_reasoning_named_as_the_problem_is_efficient_reasoning(rules: RuleScorer) -> None:
    """ "Rational Metareasoning for Large Language Models": "How, then, might we optimize
    reasoning's cost-performance tradeoff?" (it had gone to Serving). A robot's "cost of
    transport (COT)" is no chain of thought."""
    abstract = (
        "Large language models think at length. How might we optimize reasoning's cost-performance tradeoff?"
    )
    found = judge(rules, "Rational Metareasoning for Large Language Models", abstract)
    assert found.goal_points.get("reasoning") == 4.0
    assert max(found.section_points, key=lambda s: found.section_points[s]) == "reasoning"
    robot = judge(
        rules, "A Robotic Dolphin", "The language model lowers the cost of transport (COT) of the robot."
    )
    assert "reasoning" not in robot.goal_points


def test_rlhf_made_cheaper_in_a_title_says_what_the_paper_is_for(rules: RuleScorer) -> None:
    """ "Parameter Efficient Reinforcement Learning from Human Feedback" names no system, yet its
    title says its goal (cheaper RLHF); the sample or data efficiency of the feedback is another."""
    cheaper = judge(rules, "Parameter Efficient Reinforcement Learning from Human Feedback", "We study LLMs.")
    assert cheaper.goal_in_title(7.0) and cheaper.goal_points["training"] >= 8.0
    for title in (
        "Active Preference Optimization for Sample Efficient RLHF",
        "Prototypical Reward Network for Data-Efficient RLHF",
    ):
        assert "training" not in judge(rules, title, "We study LLMs.").goal_points


def test_the_cost_of_rlhf_named_as_the_problem_routes_to_training(rules: RuleScorer) -> None:
    """ "Proxy-RLHF" ("existing RLHF methods require a high computational cost") had 1 point; the
    cost of Best-of-N sampling at inference that an RLHF algorithm avoids is not RLHF's ("BOND")."""
    proxy = judge(
        rules,
        "Proxy-RLHF: Decoupling Generation and Alignment in Large Language Model with Proxy",
        "However, existing RLHF methods require a high computational cost, one main reason being ...",
    )
    assert proxy.goal_points.get("training") == 3.0
    assert max(proxy.section_points, key=lambda s: proxy.section_points[s]) == "training"
    bond = judge(
        rules,
        "BOND: Aligning LLMs with Best-of-N Distillation",
        "BOND is a novel RLHF algorithm that seeks to emulate Best-of-N but without its significant "
        "computational overhead at inference time.",
    )
    assert "training" not in bond.goal_points


@pytest.mark.parametrize(
    "title",
    [
        "Accelerating Diffusion Large Language Models with SlowFast Sampling",
        "Parallel Decoding of Large Language Diffusion Models",
    ],
)
def test_a_diffusion_lm_decoded_faster_is_found_whichever_way_it_is_named(
    rules: RuleScorer, title: str
) -> None:
    """ "Diffusion large language models" and "large language diffusion models" (LLaDA's name) are
    diffusion LMs too: a title that decodes them faster says what it is for, and goes to Decoding."""
    result = judge(rules, title, "We study large language models.")
    assert result.goal_in_title(7.0)
    assert max(result.goal_points, key=lambda s: result.goal_points[s]) == "decoding"
