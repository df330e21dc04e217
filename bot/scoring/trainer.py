"""The scorer the jobs train: from the config, the paper store and what the forge says.

``make_trainer(keywords, taxonomy, cache_dir, store_text)`` returns the ``train(catalog, feed,
rejected, corrections=())`` that poll, backfill and new-topics call: the title model on the
catalog (with the store's abstracts where it has them), the abstract model on the store's papers
and the background's known in-scope papers, against the fixed background (never the feed: a
topic new in the feed must not become the model's negatives) and the rejected PRs; the router
also learns the maintainers' corrections. Cached under ``cache_dir``, keyed by all of that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.core import paper_store
from bot.core.candidates import Correction
from bot.core.catalog import Catalog
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring import background as fixed_background
from bot.scoring.scorer import Scorer


def scorer_cache_dir(repo: Path, configured: str, env: Mapping[str, str]) -> Path | None:
    """Where trained scorers are cached: ``$CATALOG_BOT_CACHE_DIR`` when set (a shared cache, e.g.
    one restored by actions/cache), else poll.yml's ``cache_dir`` relative to the repository
    ("" = none)."""
    if env.get("CATALOG_BOT_CACHE_DIR"):
        return Path(env["CATALOG_BOT_CACHE_DIR"])
    return repo / configured if configured else None


def make_trainer(
    keywords: dict[str, Any], taxonomy: Taxonomy, cache_dir: Path | None = None, store_text: str = ""
) -> Callable[..., Scorer]:
    """Train (or load from ``cache_dir``, keyed by the catalog, keywords and rejected PRs) the
    scorer, against the fixed background of older papers (not the feed: a topic that is new in
    the feed must not become the model's negatives); with the paper store's text, on title +
    abstract of the catalog papers it holds."""
    store = paper_store.load(store_text) if store_text else {}
    entry_text = paper_store.entry_text(store) if store else None
    known = paper_store.known_papers(store)  # catalog papers with abstracts: in scope

    def train(
        catalog: Catalog,
        feed: list[Paper],  # not read: the feed is never a negative (see above)
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
    ) -> Scorer:
        with_abstracts = [(_with_abstract(p, store), s, sub) for p, s, sub in corrections]
        return Scorer.train(
            catalog,
            taxonomy,
            keywords,
            background=fixed_background.load(keywords),
            rejected=rejected,
            cache_dir=cache_dir,
            entry_text=entry_text,
            accepted=known,
            corrections=with_abstracts,
        )

    return train


def _with_abstract(paper: Paper, store: Mapping[str, Any]) -> Paper:
    record = store.get(paper.arxiv_id)
    return replace(paper, abstract=record.abstract) if record is not None and record.abstract else paper
