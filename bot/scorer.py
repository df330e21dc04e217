"""Scoring and routing, the public API (the implementation lives in ``bot.scoring``).

    scorer = Scorer.train(catalog, taxonomy, keywords, background=background.load(keywords),
                          rejected=rejected_papers, cache_dir=None)  # bot.scoring.background
    for decision in scorer.score(papers):
        decision.score, decision.accept, decision.section, decision.reasons, ...
"""

from __future__ import annotations

from .scoring.rules import Match, RuleResult, RuleScorer
from .scoring.scorer import Components, Decision, Neighbour, Scorer, catalog_entries
from .scoring.settings import ScoringSettings

__all__ = ["Components", "Decision", "Match", "Neighbour", "RuleResult", "RuleScorer", "Scorer",
           "ScoringSettings", "catalog_entries"]
