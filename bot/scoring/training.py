"""What the scorer learns, and where it keeps it.

``train_state`` fits the title model (the catalog's entries against the background and its papers
judged out of scope; with closed PRs, a second one that can only lower) and the router;
``abstract_model`` fits the abstract model. Both are kept in this process's memory by content key (a
run that trains twice on the same content trains once), and ``trained_state`` also keeps the title
model in a cache directory. ``catalog_entries`` and ``background_papers`` say what the positives and
negatives are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, vstack
from threadpoolctl import threadpool_limits

from bot.core.candidates import Correction
from bot.core.catalog import Catalog
from bot.core.matching import title_key
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring import cache
from bot.scoring.abstracts import AbstractModel, train_abstracts
from bot.scoring.features import TextFeatures
from bot.scoring.neighbours import CatalogEntry
from bot.scoring.relevance import RelevanceModel, train_relevance
from bot.scoring.router import Router
from bot.scoring.settings import ScoringSettings


@dataclass(frozen=True)
class TrainedState:
    """Everything training produces (what the cache stores)."""

    features: TextFeatures
    relevance: RelevanceModel | None
    router: Router
    entries: tuple[CatalogEntry, ...]
    entry_rows: csr_matrix
    known_titles: dict[str, int]  # title of a background paper -> its row in known_rows
    known_rows: csr_matrix  # title rows of the background papers (reused when they are scored)
    abstracts: AbstractModel | None = None

    def title_rows(self, papers: Sequence[Paper]) -> csr_matrix:
        """Title rows of ``papers``: those of background papers from training, others anew."""
        rows = [self.known_titles.get(p.title, -1) for p in papers]
        missing = [i for i, row in enumerate(rows) if row < 0]
        if not missing:
            return self.known_rows[rows]
        fresh = self.features.titles([papers[i].title for i in missing])
        if len(missing) == len(papers):
            return fresh
        combined = vstack([self.known_rows, fresh]).tocsr()
        for k, i in enumerate(missing):
            rows[i] = self.known_rows.shape[0] + k
        return combined[rows]


def catalog_entries(catalog: Catalog, taxonomy: Taxonomy) -> list[CatalogEntry]:
    """The catalog's paper entries (not toolkits or courses), each title once; not those a
    maintainer commented out: a hidden entry is no example to learn from or to cite as similar
    (nor a negative: the background leaves out every paper the catalog knows)."""
    paper_sections = {s.id for s in taxonomy.sections if s.kind == "papers"}
    seen: set[str] = set()
    entries = []
    for item in catalog.listed():
        title = item.entry.title if item.entry else item.title
        key = title_key(title)
        if item.section not in paper_sections or not key or key in seen:
            continue
        seen.add(key)
        entries.append(
            CatalogEntry(
                title,
                item.arxiv_ids[0] if item.arxiv_ids else None,
                item.line_number,
                item.section,
                item.subsection,
            )
        )
    return entries


def background_papers(papers: Sequence[Paper], catalog: Catalog) -> list[Paper]:
    """Background negatives: each paper once, without those already in the catalog (by id or
    exact title; fuzzy matching thousands of titles would cost more than it brings)."""
    seen: set[str] = set()
    kept = []
    for paper in papers:
        if paper.arxiv_id in seen or catalog.find_by_id(paper.arxiv_id) is not None:
            continue
        if catalog.find_by_title(paper.title, fuzzy=False) is not None:
            continue
        seen.add(paper.arxiv_id)
        kept.append(paper)
    return kept


def scope_texts(taxonomy: Taxonomy) -> list[str]:
    """What the taxonomy says belongs: each paper section's and subsection's heading and
    description (extra positives, so that a thin section of the catalog still counts)."""
    kinds = {s.id: s.kind for s in taxonomy.sections}
    return [
        f"{s.title}: {s.description}"
        for s in (*taxonomy.sections, *taxonomy.subsections)
        if kinds.get(s.parent or s.id) == "papers"
    ]


def train_state(
    entries: list[CatalogEntry],
    background: list[Paper],
    rejected: list[Paper],
    taxonomy: Taxonomy,
    settings: ScoringSettings,
    entry_texts: list[str] | None = None,
    corrections: Sequence[Correction] = (),
    examples: Sequence[Correction] = (),
    closed: Sequence[Paper] = (),
    merged: frozenset[str] = frozenset(),
) -> TrainedState:
    features = TextFeatures(settings.features)
    scope = scope_texts(taxonomy) if entries and settings.learned.taxonomy_weight > 0 else []
    texts = [e.title for e in entries] + scope + [p.title for p in background] + [p.title for p in rejected]
    # a new list with no entries and an empty background: the vocabulary is the taxonomy's words
    rows = features.fit_titles(texts or scope_texts(taxonomy))[: len(texts)]
    edges = np.cumsum([0, len(entries), len(scope), len(background), len(rejected)])
    title_rows, scope_rows, background_rows, rejected_rows = (rows[edges[i] : edges[i + 1]] for i in range(4))
    # closed PRs are read in that vocabulary, not part of it: the models without them, the router
    # and the neighbour search are those of a bot that never had a PR closed
    closed_rows = features.titles([p.title for p in closed])
    # With the paper store's abstracts (``entry_texts``), the router and the neighbour search read
    # an entry as they read a new paper (words of title and abstract, characters of the title).
    # The relevance model keeps the titles: its negatives (the background) are titles, and
    # abstract words on the positive side only would raise every new paper's score.
    entry_rows = features.texts(entry_texts, title_rows) if entry_texts else title_rows
    positive_weights = np.r_[np.ones(len(entries)), np.full(len(scope), settings.learned.taxonomy_weight)]
    with threadpool_limits(1):  # small dense steps: threads only add contention
        relevance = train_relevance(
            vstack([title_rows, scope_rows]).tocsr(),
            positive_weights,
            background_rows,
            [p.arxiv_id for p in background],
            rejected_rows,
            settings.learned,
            closed_rows,
            # merged PRs' entries (the scope texts never are): they can lift a logit only so far
            np.r_[
                np.array([e.arxiv_id in merged for e in entries], dtype=bool),
                np.zeros(len(scope), dtype=bool),
            ],
        )
        placements = [(e.section or "", e.subsection) for e in entries]
        weights = [1.0] * len(entries)
        # papers with abstracts and their sections: maintainers' corrections, and the background's
        # known in-scope papers placed by a judge (``examples``), each weighted as configured
        labelled = [*corrections, *examples]
        router_rows = entry_rows
        if labelled:
            router_rows = vstack([entry_rows, features.papers([p for p, _, _ in labelled])]).tocsr()
            placements += [(section, subsection) for _, section, subsection in labelled]
            weights += [settings.routing.correction_weight] * len(corrections)
            weights += [settings.routing.example_weight] * len(examples)
        router = Router(taxonomy, router_rows, placements, settings.routing, weights)
    return TrainedState(
        features,
        relevance,
        router,
        tuple(entries),
        entry_rows,
        {p.title: i for i, p in enumerate(background)},
        background_rows,
    )


# this process's trained states and abstract models, by content key (the last few): a run that
# trains twice on the same content (a test suite, a replay) trains once
_STATES: dict[str, Any] = {}
_ABSTRACT_MODELS: dict[str, Any] = {}


def _remember(memo: dict[str, Any], key: str, value: Any = None) -> Any:
    """``memo[key]`` (None when absent); with ``value``, store it, keeping the last four."""
    if value is None:
        return memo.get(key)
    memo.pop(key, None)
    if len(memo) >= 4:
        memo.pop(next(iter(memo)))
    memo[key] = value
    return value


def abstract_model(
    in_scope: Sequence[Paper],
    negatives: Sequence[Paper],
    rejected: Sequence[Paper],
    settings: ScoringSettings,
) -> AbstractModel | None:
    """The abstract model for this content: from this process's memory, or trained (about a
    second; it reads papers and settings only, so a new catalog does not retrain it)."""
    key = cache.content_key(
        "abstracts",
        repr(settings.abstracts),
        *(f"{p.arxiv_id}\t{p.title}\t{p.abstract}" for p in in_scope),
        "negatives",
        *(f"{p.arxiv_id}\t{p.title}\t{p.abstract}" for p in negatives),
        "rejected",
        *(f"{p.arxiv_id}\t{p.title}\t{p.abstract}" for p in rejected),
    )
    known = _remember(_ABSTRACT_MODELS, key)
    if isinstance(known, AbstractModel):
        return known
    model = train_abstracts(in_scope, negatives, rejected, settings.abstracts)
    if model is not None:
        _remember(_ABSTRACT_MODELS, key, model)
    return model


def trained_state(
    catalog: Catalog,
    keywords: dict[str, Any],
    entries: list[CatalogEntry],
    negatives: list[Paper],
    rejected: Sequence[Paper],
    taxonomy: Taxonomy,
    settings: ScoringSettings,
    texts: list[str],
    corrections: Sequence[Correction],
    cache_dir: Path | None,
    examples: Sequence[Correction] = (),
    closed: Sequence[Paper] = (),
    merged: frozenset[str] = frozenset(),
) -> TrainedState:
    """The title model and router for this content: from this process's memory, from
    ``cache_dir``, or trained (and then saved there), keyed by everything training reads."""
    key = cache.content_key(
        catalog.render(),
        *texts,
        json.dumps(keywords, sort_keys=True, default=str),
        *(f"{p.arxiv_id}\t{p.title}" for p in negatives),
        "rejected",
        *(f"{p.arxiv_id}\t{p.title}" for p in rejected),
        "closed",
        *(f"{p.arxiv_id}\t{p.title}" for p in closed),
        "moved",
        *(f"{p.arxiv_id}\t{p.title}\t{p.abstract}\t{section}\t{sub}" for p, section, sub in corrections),
        "examples",
        *(f"{p.arxiv_id}\t{p.title}\t{p.abstract}\t{section}" for p, section, _ in examples),
        *(("merged", *sorted(merged)) if merged else ()),
    )
    state = _remember(_STATES, key)
    if cache_dir and state is not None and not cache.has(cache_dir, key):
        cache.save(cache_dir, key, state)  # trained in this process before, for another directory
    state = state or (cache.load(cache_dir, key, TrainedState) if cache_dir else None)
    if not isinstance(state, TrainedState):
        state = train_state(
            entries,
            negatives,
            list(rejected),
            taxonomy,
            settings,
            texts or None,
            corrections,
            examples,
            closed,
            merged,
        )
        if cache_dir:
            cache.save(cache_dir, key, state)
    _remember(_STATES, key, state)
    return state
