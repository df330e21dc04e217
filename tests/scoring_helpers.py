"""A small catalog for the scorer's tests: real paper titles placed in the taxonomy."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bot.core.catalog import Catalog
from bot.core.catalog_document import render_document
from bot.core.catalog_parse import parse
from bot.core.entry import Entry
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_2024 = FIXTURES / "data" / "sample-2024.jsonl.gz"
ISSUE9_PAPERS = FIXTURES / "data" / "issue9-papers.jsonl"  # the five papers of issue 9's PR bodies

TITLES: dict[tuple[str, str | None], list[str]] = {
    ("surveys", None): [
        "A Survey on Efficient Inference for Large Language Models",
        "Efficient Large Language Models: A Survey",
        "A Survey on Model Compression for Large Language Models",
        "Model Compression and Efficient Inference for Large Language Models: A Survey",
    ],
    ("quantization", "weight-only"): [
        "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
        "AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration",
        "SqueezeLLM: Dense-and-Sparse Quantization",
    ],
    ("quantization", "weight-activation"): [
        "SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language Models",
        "QuaRot: Outlier-Free 4-Bit Inference in Rotated LLMs",
        "SpinQuant: LLM Quantization with Learned Rotations",
    ],
    ("quantization", "qat"): [
        "LLM-QAT: Data-Free Quantization Aware Training for Large Language Models",
        "EfficientQAT: Efficient Quantization-Aware Training for Large Language Models",
    ],
    ("quantization", "low-bit"): [
        "BitNet: Scaling 1-bit Transformers for Large Language Models",
        "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits",
        "BiLLM: Pushing the Limit of Post-Training Quantization for LLMs",
    ],
    ("pruning", "unstructured"): [
        "SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot",
        "A Simple and Effective Pruning Approach for Large Language Models",
    ],
    ("pruning", "structured"): [
        "LLM-Pruner: On the Structural Pruning of Large Language Models",
        "ShortGPT: Layers in Large Language Models are More Redundant Than You Expect",
        "Sheared LLaMA: Accelerating Language Model Pre-training via Structured Pruning",
    ],
    ("distillation", None): [
        "MiniLLM: Knowledge Distillation of Large Language Models",
        "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data",
        "DistiLLM: Towards Streamlined Distillation for Large Language Models",
    ],
    ("low-rank", None): [
        "SVD-LLM: Truncation-aware Singular Value Decomposition for Large Language Model Compression",
        "ASVD: Activation-aware Singular Value Decomposition for Compressing Large Language Models",
        "LoSparse: Structured Compression of Large Language Models based on Low-Rank and Sparse "
        "Approximation",
    ],
    ("fine-tuning", "peft"): [
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "DoRA: Weight-Decomposed Low-Rank Adaptation",
        "Prefix-Tuning: Optimizing Continuous Prompts for Generation",
    ],
    ("fine-tuning", "memory-efficient"): [
        "QLoRA: Efficient Finetuning of Quantized LLMs",
        "Fine-Tuning Language Models with Just Forward Passes",
        "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
    ],
    ("training", None): [
        "FP8-LM: Training FP8 Large Language Models",
        "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        "Training Compute-Optimal Large Language Models",
    ],
    ("kv-cache", None): [
        "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
        "SnapKV: LLM Knows What You are Looking for Before Generation",
        "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache",
        "Efficient Streaming Language Models with Attention Sinks",
        "PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information Funneling",
    ],
    ("decoding", None): [
        "Fast Inference from Transformers via Speculative Decoding",
        "Medusa: Simple LLM Inference Acceleration Framework with Multiple Decoding Heads",
        "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty",
        "Break the Sequential Dependency of LLM Inference Using Lookahead Decoding",
    ],
    ("architecture", None): [
        "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        "RWKV: Reinventing RNNs for the Transformer Era",
        "Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
        "GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints",
    ],
    ("moe", None): [
        "Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity",
        "Mixtral of Experts",
        "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
    ],
    ("prompt-compression", None): [
        "LLMLingua: Compressing Prompts for Accelerated Inference of Large Language Models",
        "Learning to Compress Prompts with Gist Tokens",
        "Adapting Language Models to Compress Contexts",
    ],
    ("reasoning", None): [
        "Token-Budget-Aware LLM Reasoning",
        "Do NOT Think That Much for 2+3=? On the Overthinking of o1-like LLMs",
        "Training Large Language Models to Reason in a Continuous Latent Space",
    ],
    ("serving", None): [
        "Efficient Memory Management for Large Language Model Serving with PagedAttention",
        "Orca: A Distributed Serving System for Transformer-Based Generative Models",
        "DistServe: Disaggregating Prefill and Decoding for Goodput-optimized Large Language Model Serving",
    ],
    ("hardware", None): [
        "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
        "FlightLLM: Efficient Large Language Model Inference with a Complete Mapping Flow on FPGAs",
    ],
    ("on-device", None): [
        "MobileLLM: Optimizing Sub-billion Parameter Language Models for On-Device Use Cases",
        "PowerInfer-2: Fast Large Language Model Inference on a Smartphone",
        "LLM in a flash: Efficient Large Language Model Inference with Limited Memory",
    ],
}


def placed_entries(
    extra: dict[tuple[str, str | None], list[str]] | None = None,
) -> dict[tuple[str, str | None], list[Entry]]:
    """The titles (and ``extra`` ones) as entries with made-up but well-formed arXiv ids."""
    placed: dict[tuple[str, str | None], list[Entry]] = {}
    number = 10000
    everything = [(place, title) for place, titles in TITLES.items() for title in titles]
    everything += [(place, title) for place, titles in (extra or {}).items() for title in titles]
    for place, title in everything:
        arxiv_id = f"2301.{number}"
        number += 1
        placed.setdefault(place, []).append(
            Entry(title=title, url=f"https://arxiv.org/abs/{arxiv_id}", arxiv_id=arxiv_id)
        )
    return placed


def small_catalog_text(
    taxonomy: Taxonomy, extra: dict[tuple[str, str | None], list[str]] | None = None
) -> str:
    return render_document(taxonomy, placed_entries(extra))


def small_catalog(taxonomy: Taxonomy) -> Catalog:
    return parse(small_catalog_text(taxonomy), taxonomy)


def sample_papers(path: Path = SAMPLE_2024) -> list[Paper]:
    """The 2024 labelled sample, or another file of its records (the label kept in ``Paper.extra``)."""
    papers = []
    with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            papers.append(
                Paper(
                    arxiv_id=record["arxiv_id"],
                    title=record["title"],
                    abstract=record["abstract"],
                    categories=tuple(record["categories"]),
                    date=record["date"],
                    extra={"label": record["label"]},
                )
            )
    return papers
