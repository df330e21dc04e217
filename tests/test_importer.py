"""The importer: real lists in every format -> catalog entries, merged, mapped and reported."""

from __future__ import annotations

import pytest

from bot import arxiv_ids, catalog, text

# -- fixes to shared modules found while importing real lists ---------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("[[URL]](https://ar5iv.org/abs/2303.08774)", ["2303.08774"]),  # UbiquitousLearning
    ("[[Paper](https://doi.org/10.48550/arXiv.2305.18403)]", ["2305.18403"]),  # survey README
    ("[[Paper](https://huggingface.co/papers/2407.14057)]", ["2407.14057"]),  # survey README
    ("[SpecInfer](https://arxiv.org/abs/2305.0978) [Paper](https://arxiv.org/abs/2305.09781)",
     ["2305.09781"]),  # a typo'd id (4 digits after 2015) is not an id
])
def test_arxiv_ids_are_found_in_the_forms_real_lists_use(text: str, expected: list[str]) -> None:
    assert arxiv_ids.find_ids(text) == expected


@pytest.mark.parametrize(("latex", "plain"), [
    (r"$\beta$-VAE: Learning Basic Visual Concepts", "β-VAE: Learning Basic Visual Concepts"),
    (r"Vuli\'{c} and Erd\H{o}s, \v{c}", "Vulic and Erdos, c"),  # accents still become letters
    (r"$O(n \log n)$ \to $\infty$, $\leq$ 4 bits", "O(n \\log n) → ∞, ≤ 4 bits"),
    (r"\textbf{\emph{Nested}} at 50\% \& more", "Nested at 50% & more"),
    ("A plain title, untouched", "A plain title, untouched"),
])
def test_clean_latex_reads_greek_letters_and_symbols(latex: str, plain: str) -> None:
    # \beta was read as the accent \b on "eta"; symbols are now replaced in one pass
    assert text.clean_latex(latex) == plain


def test_a_table_row_with_text_after_its_last_pipe_is_still_a_row() -> None:
    # horseee's quantization table: the GPTQ row ends in "|o"
    parsed = catalog.parse("| Title | Links |\n|--|--|\n"
                           "|[GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323) | x |o\n")
    item = parsed.find_by_id("2210.17323")
    assert item is not None and item.kind == "row" and item.line_number == 3
