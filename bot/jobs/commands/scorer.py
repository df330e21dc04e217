"""The scorer the issue commands borrow from the poll job: a section for an ``/add`` that names
none (``Router``), and how far the papers of anyone else's requests are from the list's topics
(``Scope``), from one scorer trained as the poll job trains it, once per run, lazily."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import config
from bot.core.branches import BranchNames
from bot.core.catalog import Catalog
from bot.core.changes import PullRequest
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands.work import Router, Scope

if TYPE_CHECKING:
    from bot.forge.protocols import Forge
    from bot.scoring.scorer import Decision, Scorer

logger = logging.getLogger(__name__)


def scorer_router(taxonomy: Taxonomy) -> Router:
    """Route papers as the poll job does, lazily: the scorer is trained only when an /add names
    no section."""
    return scorer_services(taxonomy)[0]


def scorer_services(
    taxonomy: Taxonomy,
    forge: Forge | None = None,
    branches: BranchNames | None = None,
    cache_dir: Path | None = None,
) -> tuple[Router, Scope]:
    """The router, and the scope of anyone else's requests (the poll job's score and threshold),
    from one scorer trained once per run, lazily (only when a run needs either), as the poll job
    trains it (``bot.scoring.trainer.make_trainer``, ``train_as_poll``): on the catalog and the
    paper store of ``forge``'s default branch, against the fixed background, with what the
    maintainers taught through the bot's pull requests (closed ones' papers are negatives, moved
    ones' sections routing labels). Without a forge, the catalog and the background only."""
    trained: list[Scorer] = []

    def decide(catalog: Catalog, papers: Sequence[Paper]) -> list[Decision]:
        if not trained:
            names = branches or BranchNames.from_prefix("bot/")
            trained.append(_train(catalog, taxonomy, forge, names, cache_dir))
        return list(trained[0].score(list(papers)))

    def route(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[str, str | None, float, bool]]:
        return [(d.section, d.subsection, d.confidence, d.needs_section) for d in decide(catalog, papers)]

    def scope(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[float, float, bool]]:
        return [(d.score, d.threshold, d.in_categories) for d in decide(catalog, papers)]

    return route, scope


def _train(
    catalog: Catalog, taxonomy: Taxonomy, forge: Forge | None, branches: BranchNames, cache_dir: Path | None
) -> Scorer:
    """The poll job's scorer for ``catalog``. The poll job also learns the abstracts of its day's
    papers that were rejected before (it never scores those): a command run has no day's feed, so
    its scorer learns their titles only, from their closed pull requests, as the poll job does for
    every other rejected paper."""
    from bot.core.candidates import train_as_poll
    from bot.scoring.trainer import make_trainer, readable_store

    store_path = config.load("papers")["store"]["path"]
    store, problem = readable_store(forge.read_file(store_path) if forge else "", store_path)
    if problem:
        logger.warning("%s", problem)
    pulls: list[PullRequest] = list(forge.bot_pull_requests("all")) if forge else []
    train = make_trainer(config.load("keywords"), taxonomy, cache_dir, store)
    scorer: Scorer = train_as_poll(train, [], catalog, pulls, branches)
    return scorer
