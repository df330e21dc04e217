"""The fast n-gram counting gives exactly the rows of the vectorisers' own ``transform``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from bot.scoring import counting

TRAINING = [
    "Efficient KV-Cache Compression for Long-Context LLM Inference",
    "KV cache quantization: a survey of LLM inference",
    "Speculative decoding with draft models for LLM serving",
    "Efficient speculative decoding of large language models",
    "Pruning large language models in one shot",
    "Low-rank adaptation (LoRA) for parameter-efficient fine-tuning",
    "LoRA fine-tuning of large language models, efficiently",
    "Mixture-of-Experts inference: expert offloading and caching",
]
TEXTS = [
    *TRAINING,
    "",
    "a",
    "  KV   cache\tkv-cache\n\nKVCache  ",
    "Über-efficient décodage de modèles: naïve façade_of snake_case words, x y z",
    "the the the of of and",  # stop words only
    "LLM LLM LLM inference inference cache cache cache",  # counts above one
    "Long\u2003context \u00a0with odd spaces and ſerving K",
    "12 34 5x 1.5B 7B-parameter models",
]


def assert_same(expected: csr_matrix, got: csr_matrix) -> None:
    assert type(got) is type(expected)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    for part in ("indptr", "indices", "data"):
        assert getattr(got, part).dtype == getattr(expected, part).dtype, part
        assert np.array_equal(getattr(got, part), getattr(expected, part)), part


VECTORIZERS = {
    "words": dict(ngram_range=(1, 2), min_df=1, sublinear_tf=True, dtype=np.float32),
    "words, stop words": dict(
        ngram_range=(1, 2), min_df=1, sublinear_tf=True, stop_words="english", dtype=np.float32
    ),
    "unigrams": dict(min_df=1),
    "characters": dict(analyzer="char_wb", ngram_range=(2, 5), min_df=1, sublinear_tf=True, dtype=np.float32),
    "characters, one size": dict(analyzer="char_wb", ngram_range=(3, 3), min_df=1),
    "plain characters (left to sklearn)": dict(analyzer="char", ngram_range=(2, 3), min_df=1),
    "word trigrams (left to sklearn)": dict(ngram_range=(1, 3), min_df=1),
}


@pytest.mark.parametrize("options", VECTORIZERS.values(), ids=VECTORIZERS.keys())
def test_transform_gives_the_vectorizers_own_rows(options: dict) -> None:
    vectorizer = TfidfVectorizer(**options).fit(TRAINING)
    assert_same(vectorizer.transform(TEXTS), counting.transform(vectorizer, TEXTS))
    with pytest.raises(ValueError):  # as sklearn says of no texts
        counting.transform(vectorizer, [])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab kKvV-_.é\u00a0\t\n1ſ")), max_size=40),
        min_size=1,
        max_size=6,
    )
)
def test_any_text_gets_the_same_rows(texts: list[str]) -> None:
    for options in list(VECTORIZERS.values())[:4]:
        vectorizer = TfidfVectorizer(**options).fit([*TRAINING, "ab ba kv vk a_b 1a é"])
        assert_same(vectorizer.transform(texts), counting.transform(vectorizer, texts))


def test_presence_is_a_binary_count_of_the_texts_words() -> None:
    vectorizer = CountVectorizer(token_pattern=r"[A-Za-z0-9]+", lowercase=True, binary=True)
    expected = vectorizer.fit_transform(TEXTS)
    matrix, terms = counting.presence(TEXTS, r"[A-Za-z0-9]+")
    assert terms == list(vectorizer.get_feature_names_out())
    assert (matrix != expected).nnz == 0
    assert counting.presence(["", " - "], r"[A-Za-z0-9]+")[1] == []
