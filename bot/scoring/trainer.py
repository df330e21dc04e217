"""The scorer the jobs train: from the config, the paper store and what the forge says.

``make_trainer(keywords, taxonomy, cache_dir, store)`` returns the ``train(catalog, feed,
rejected, corrections=(), merged=())`` that poll, backfill and new-topics call: the title model on the
catalog (with the store's abstracts where it has them), the abstract model on the store's papers
and the background's known in-scope papers, against the fixed background (never the feed: a
topic new in the feed must not become the model's negatives) and the rejected PRs; the router
also learns the maintainers' corrections. Cached under ``cache_dir``, keyed by all of that.
``readable_store(text, path)`` is the store those jobs train with: none, with why, when a line of
it does not read (they warn and go on, as nightly goes on without its store step).
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
from bot.errors import CatalogError
from bot.scoring import background as fixed_background
from bot.scoring.scorer import Scorer


def scorer_cache_dir(repo: Path, configured: str, env: Mapping[str, str]) -> Path | None:
    """Where trained scorers are cached: ``$CATALOG_BOT_CACHE_DIR`` when set (a shared cache, e.g.
    one restored by actions/cache), else poll.yml's ``cache_dir`` relative to the repository
    ("" = none)."""
    if env.get("CATALOG_BOT_CACHE_DIR"):
        return Path(env["CATALOG_BOT_CACHE_DIR"])
    return repo / configured if configured else None


def readable_store(text: str, path: str) -> tuple[paper_store.Store, str]:
    """(the paper store's papers, "") or, when a line of it does not read, (none, why and what the
    run does without it). A store is extra knowledge for training: a hand-edited line must not
    cost the day's feed (arXiv lists a paper only on its day), so the jobs warn and go on."""
    try:
        return (paper_store.load(text, path) if text else {}), ""
    except CatalogError as exc:
        return {}, f"{exc}; this run trains without the paper store's abstracts"


def make_trainer(
    keywords: dict[str, Any],
    taxonomy: Taxonomy,
    cache_dir: Path | None = None,
    store: Mapping[str, paper_store.PaperRecord] | None = None,
) -> Callable[..., Scorer]:
    """Train (or load from ``cache_dir``, keyed by the catalog, keywords and rejected PRs) the
    scorer, against the fixed background of older papers (not the feed: a topic that is new in
    the feed must not become the model's negatives); with the paper store's papers, on title +
    abstract of the catalog papers it holds."""
    papers = store or {}
    entry_text = paper_store.entry_text(papers) if papers else None
    known = paper_store.known_papers(papers)  # catalog papers with abstracts: in scope

    def train(
        catalog: Catalog,
        feed: list[Paper],  # not read: the feed is never a negative (see above)
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer:
        with_abstracts = [(_with_abstract(p, papers), s, sub) for p, s, sub in corrections]
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
            merged=merged,
        )

    return train


def _with_abstract(paper: Paper, store: Mapping[str, Any]) -> Paper:
    record = store.get(paper.arxiv_id)
    return replace(paper, abstract=record.abstract) if record is not None and record.abstract else paper
