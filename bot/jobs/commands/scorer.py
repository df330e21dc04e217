"""The scorer the issue commands borrow from the poll job: a section for an ``/add`` that names
none (``Router``), and how far the papers of anyone else's requests are from the list's topics
(``Scope``), from one scorer trained on the catalog once per run, lazily."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import config
from bot.core.catalog import Catalog
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands.work import Router, Scope

if TYPE_CHECKING:
    from bot.scoring.scorer import Decision, Scorer


def scorer_router(taxonomy: Taxonomy) -> Router:
    """Route papers as the poll job does (the scorer trained on the catalog), lazily: the
    scorer is trained only when an /add names no section."""
    return scorer_services(taxonomy)[0]


def scorer_services(taxonomy: Taxonomy) -> tuple[Router, Scope]:
    """The router, and the scope of anyone else's requests (the poll job's score and threshold),
    from one scorer trained on the catalog once per run, lazily: only when a run needs either."""
    trained: list[Scorer] = []

    def decide(catalog: Catalog, papers: Sequence[Paper]) -> list[Decision]:
        from bot.scoring import Scorer

        if not trained:
            trained.append(Scorer.train(catalog, taxonomy, config.load("keywords")))
        return list(trained[0].score(list(papers)))

    def route(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[str, str | None, float, bool]]:
        return [(d.section, d.subsection, d.confidence, d.needs_section) for d in decide(catalog, papers)]

    def scope(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[float, float]]:
        return [(d.score, d.threshold) for d in decide(catalog, papers)]

    return route, scope
