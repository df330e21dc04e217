"""Scoring and routing of papers: keyword rules, a model learned from the catalog, reasons.

    scorer = Scorer.train(catalog, taxonomy, keywords, background=background.load(keywords),
                          rejected=rejected_papers, cache_dir=None)
    for decision in scorer.score(papers):
        decision.score, decision.accept, decision.section, decision.reasons, ...

The public names are loaded on first use, so that importing ``bot.scoring.patterns`` (as
``validate-config`` does) does not pay for scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.scoring.rules import Match, RuleResult, RuleScorer
    from bot.scoring.scorer import Components, Decision, Neighbour, Scorer, catalog_entries
    from bot.scoring.settings import ScoringSettings

_PUBLIC = {
    "Match": "rules",
    "RuleResult": "rules",
    "RuleScorer": "rules",
    "Components": "scorer",
    "Decision": "scorer",
    "Neighbour": "scorer",
    "Scorer": "scorer",
    "catalog_entries": "scorer",
    "ScoringSettings": "settings",
}
__all__ = [
    "Components",
    "Decision",
    "Match",
    "Neighbour",
    "RuleResult",
    "RuleScorer",
    "Scorer",
    "ScoringSettings",
    "catalog_entries",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'bot.scoring' has no attribute {name!r}")
    return getattr(importlib.import_module(f"bot.scoring.{_PUBLIC[name]}"), name)
