"""What a poll run reports (``PollReport``). The values poll shares with backfill (its settings,
the scorer it is given, the proposal a scored paper becomes) are ``bot.core.proposals``; they
stay importable from here and from ``bot.jobs.poll`` under their old names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.candidates import Candidates
from bot.core.paper import Paper
from bot.core.proposals import PollSettings, Proposal, Scorer, TrainScorer, proposal_for
from bot.forge.protocols import ProposalResult

if TYPE_CHECKING:  # the scorer pulls in scikit-learn: import it only where it runs
    from bot.scoring import Decision

__all__ = ["PollReport", "PollSettings", "Scorer", "TrainScorer", "proposal_for"]


@dataclass
class PollReport:
    candidates: Candidates
    decisions: list[tuple[Paper, Decision]] = field(default_factory=list)
    results: list[ProposalResult] = field(default_factory=list)
    would_propose: list[Proposal] = field(default_factory=list)  # dry run
    skipped_over_limit: int = 0
    skipped_digest_full: int = 0  # batch mode: accepted, but the open digest's body holds no more
    failures: list[tuple[str, str]] = field(default_factory=list)  # (arxiv id, message)

    @property
    def accepted(self) -> list[tuple[Paper, Decision]]:
        return [(p, d) for p, d in self.decisions if d.accept]

    def near_misses(self, count: int) -> list[tuple[Paper, Decision]]:
        below = [(p, d) for p, d in self.decisions if not d.accept]
        return sorted(below, key=lambda pd: -pd[1].score)[:count]
