"""A list filed by label badges, not headings (``bot.sources.lists.labels``): pprp's
Awesome-LLM-Prune gave init one section, its title, for 59 papers its own legend sorts into
Unstructured, Structured, Semi-Structured and Benchmark."""

from __future__ import annotations

import pytest

from bot.sources.lists import read_items
from bot.sources.lists.labels import badge_text, first_label, legend
from bot.sources.lists.scaffold import scaffold
from tests.conftest import FIXTURES

TRIMMED = (FIXTURES / "adopt" / "awesome-label-badges.md").read_text(encoding="utf-8")


def test_init_files_the_papers_by_their_first_label_named_by_the_legend() -> None:
    plan = scaffold("README.md", TRIMMED)
    taxonomy = plan.taxonomy("intro")
    assert [s["title"] for s in taxonomy["sections"]] == [
        "Unstructured",
        "Benchmark",
        "Token",
        "Structured",
        "Pruning",
        "Semi-Structured",
    ]
    items, _ = read_items("README.md", TRIMMED)
    filed = {
        item.text.split("\n")[0][2:].split(":")[0].strip(): item.path
        for item in items
        if item.kind == "bullet"
    }
    assert filed["SparseGPT"] == ("Awesome-LLM-Prune", "Unstructured")  # its first of two badges
    assert filed["LoRAPrune"] == ("Awesome-LLM-Prune", "Structured")
    assert filed["Scaling Law for Post-training after Model Pruning"] == (
        "Awesome-LLM-Prune",
        "Semi-Structured",
    )
    assert filed["Retrospective Sparse Attention for Efficient Long-Context Generation"] == (
        "Awesome-LLM-Prune",
        "Pruning",  # no legend names it: the badge's own text
    )


def test_a_list_with_section_headings_is_filed_by_them_whatever_its_badges() -> None:
    text = TRIMMED.replace("- SparseGPT", "## One-shot\n\n- SparseGPT", 1)
    plan = scaffold("README.md", text)
    assert [s["title"] for s in plan.taxonomy("intro")["sections"]] == ["One-shot"]
    text = TRIMMED.replace("- SparseGPT", "# One-shot\n\n- SparseGPT", 1)  # `#` headings as sections
    items, _ = read_items("README.md", text)
    assert {item.path for item in items if item.kind == "bullet"} == {("One-shot",)}


@pytest.mark.parametrize(
    "body, text",
    [
        ("unstructured-turquoise", "unstructured"),
        ("semi_structured-brightgreen", "semi structured"),
        ("semi__structured-brightgreen", "semi_structured"),
        ("type-structured-blue", "structured"),
        ("n--m_sparsity-blue", "n-m sparsity"),
    ],
)
def test_a_badges_text_is_its_message_as_shields_io_writes_it(body: str, text: str) -> None:
    assert badge_text(body) == text


def test_the_legend_and_the_label_line() -> None:
    assert legend(TRIMMED) == {
        "unstructured": "Unstructured",
        "structured": "Structured",
        "semi structured": "Semi-Structured",
        "benchmark": "Benchmark",
    }
    line = "- Title\n  - Label: <img src=https://img.shields.io/badge/token-green.svg>\n"
    assert first_label(line) == "token"
    assert (
        first_label("- Title ![stars](https://img.shields.io/badge/stars-1k-blue.svg)\n") == ""
    )  # no Label:
