"""The scorer learns catalog entries as title + abstract when the paper store has the abstract."""

from __future__ import annotations

from bot import config
from bot.core import paper_store
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring import Scorer
from tests.scoring_helpers import small_catalog


def test_abstracts_from_the_store_reach_the_scorer(taxonomy: Taxonomy) -> None:
    catalog = small_catalog(taxonomy)
    item = next(i for i in catalog.entries() if "SnapKV" in i.title)
    assert item.arxiv_ids  # the store is keyed by arXiv id
    store = {
        item.arxiv_ids[0]: paper_store.PaperRecord(
            arxiv_id=item.arxiv_ids[0],
            title=item.title,
            fetched="2025-01-01",
            abstract="We select clustered important positions per attention head, a zorblax observation window.",
        )
    }
    text = paper_store.entry_text(store)
    keywords = config.load("keywords")
    plain = Scorer.train(catalog, taxonomy, keywords)
    with_store = Scorer.train(catalog, taxonomy, keywords, entry_text=text)
    probe = Paper(arxiv_id="2501.99999", title="Zorblax observation window for attention heads")
    near_plain = [n[0] for n in plain.score([probe])[0].neighbours]
    near_store = [n[0] for n in with_store.score([probe])[0].neighbours]
    assert item.title in near_store[:1] and item.title not in near_plain[:1]
    other = next(i for i in catalog.entries() if i.title != item.title and i.arxiv_ids)
    assert text(_Entry(other.title, other.arxiv_ids[0])) == other.title  # not in the store: the title


class _Entry:
    def __init__(self, title: str, arxiv_id: str | None) -> None:
        self.title, self.arxiv_id = title, arxiv_id
