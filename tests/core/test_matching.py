"""One set of same-paper rules: title keys, near-identical titles, one-id titles, closest sections."""

from __future__ import annotations

from bot.core.latex import clean_latex
from bot.core.matching import (
    closest_sections,
    near_identical_pairs,
    near_titles,
    same_name_title,
    same_paper_title,
    title_key,
)
from bot.core.taxonomy import Section
from bot.core.text import unified_diff


def test_title_key_drops_case_accents_markup_and_punctuation():
    assert title_key(r"Erd\H{o}s–Rényi: <i>Sparse</i> {Attention}!") == "erdos renyi sparse attention"


def test_near_titles_need_the_same_numbers_and_a_long_enough_key():
    keys = ["scaling laws for sparse attention part 2", "scaling laws for sparse attention part 3"]
    assert list(near_titles("scaling laws for sparse attentoin part 2", keys)) == [keys[0]]
    assert list(near_titles("gptq", ["gptq2", "gptq"])) == []  # short keys match exactly only


def test_near_identical_pairs_agree_with_near_titles():
    keys = [
        "quantized attention for long context",
        "quantised attention for long context",
        "pruning heads in 2 steps",
        "pruning heads in 3 steps",
    ]
    assert near_identical_pairs(range(4), keys) == {(0, 1)}
    assert list(near_titles(keys[1], [keys[0]])) == [keys[0]]


def test_one_id_titles_and_named_titles():
    assert same_paper_title(
        "mobilellm optimizing sub billion parameter language models",
        "optimizing sub billion parameter language models for on device use cases",
    )
    assert not same_paper_title("gptq accurate quantization", "a survey of speculative decoding")
    assert same_name_title(
        "gptq accurate post training quantization", "gptq accurate post training quantization gpt"
    )
    assert not same_name_title("llama 2 open models", "llama 3 open models")


def test_closest_sections_by_id_or_heading_each_once():
    sections = [
        Section("quantization", "Quantization", ""),
        Section("pruning", "Pruning and Sparsity", ""),
        Section("kv-cache", "KV Cache Compression", ""),
    ]
    assert [s.id for s in closest_sections("Quantisation", sections, limit=1)] == ["quantization"]
    assert [s.id for s in closest_sections("kv cache", sections, limit=1)] == ["kv-cache"]
    assert len({s.id for s in closest_sections("x", sections)}) == 3


def test_latex_accents_become_accented_letters_once():
    assert clean_latex(r"V\'aclav Vavry\v{c}uk and Frol\'{\i}k") == "Václav Vavryčuk and Frolík"


def test_unified_diff_names_the_file_like_git():
    diff = unified_diff("catalog.md", "a\nb\n", "a\nc\n")
    assert diff.startswith("--- a/catalog.md\n+++ b/catalog.md\n") and "-b\n+c\n" in diff
