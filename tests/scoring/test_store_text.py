"""With the paper store's abstract, the router and the neighbour search read a catalog entry as
they read a new paper (title and abstract); the relevance model keeps learning titles."""

from __future__ import annotations

import numpy as np

from bot import config
from bot.core import paper_store
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring import Scorer
from tests.conftest import PROJECT
from tests.scoring_helpers import sample_papers, small_catalog


def test_abstracts_from_the_store_reach_routing_and_neighbours_not_relevance(taxonomy: Taxonomy) -> None:
    catalog = small_catalog(taxonomy)
    item = next(i for i in catalog.entries() if "SnapKV" in i.title)
    assert item.arxiv_ids  # the store is keyed by arXiv id
    store = {
        item.arxiv_ids[0]: paper_store.PaperRecord(
            arxiv_id=item.arxiv_ids[0],
            title=item.title,
            fetched="2025-01-01",
            abstract="We compress the KV cache of long prompts: each attention head keeps the positions "
            "it attends to most.",
        )
    }
    text = paper_store.entry_text(store)
    keywords = config.load("keywords", PROJECT / "config")
    background = sample_papers()
    plain = Scorer.train(catalog, taxonomy, keywords, background=background)
    with_store = Scorer.train(catalog, taxonomy, keywords, background=background, entry_text=text)

    index = next(i for i, e in enumerate(with_store.state.entries) if e.title == item.title)
    assert plain.state.entry_rows.shape == with_store.state.entry_rows.shape  # the titles' vocabulary
    changed = [
        i
        for i in range(len(plain.state.entries))
        if (plain.state.entry_rows[i] != with_store.state.entry_rows[i]).nnz
    ]
    assert changed == [index]  # only the stored paper reads differently
    probe = Paper(arxiv_id="2501.99999", title="KV cache of long prompts by attention head")
    probe_row = with_store.components([probe]).title_rows
    similarity = [
        float((probe_row @ s.state.entry_rows[index].T).toarray()[0, 0]) for s in (plain, with_store)
    ]
    assert similarity[1] > similarity[0] + 0.05

    # Positives with abstract words against background titles without them would raise every
    # new paper's learned score: the relevance model is the same with or without the store.
    papers = background[:300]
    assert np.allclose(plain.components(papers).learned, with_store.components(papers).learned)

    other = next(i for i in catalog.entries() if i.title != item.title and i.arxiv_ids)
    assert text(_Entry(other.title, other.arxiv_ids[0])) == other.title  # not in the store: the title


class _Entry:
    def __init__(self, title: str, arxiv_id: str | None) -> None:
        self.title, self.arxiv_id = title, arxiv_id
