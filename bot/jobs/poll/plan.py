"""What a poll run works with, pure: its settings (``PollSettings``), the scorer it is given
(``TrainScorer`` -> ``Scorer``), the proposal a scored paper becomes (``proposal_for``, labels
included) and what it did (``PollReport``). Backfill proposes papers with the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.branches import BranchNames
from bot.core.candidates import Candidates, Correction
from bot.core.catalog import Catalog
from bot.core.paper import Paper
from bot.core.proposals import Proposal, paper_entry
from bot.forge.protocols import ProposalResult

if TYPE_CHECKING:  # the scorer pulls in scikit-learn: import it only where it runs
    from bot.scoring import Decision


class Scorer(Protocol):
    def score(self, papers: Sequence[Paper]) -> Sequence[Decision]: ...


class TrainScorer(Protocol):
    """(catalog, feed, rejected papers, routing corrections) -> a trained scorer."""

    def __call__(
        self,
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
    ) -> Scorer: ...


@dataclass(frozen=True)
class PollSettings:
    catalog_path: str = "catalog.md"
    max_pull_requests: int = 20
    labels: tuple[str, ...] = ("new-paper",)
    section_labels: bool = True
    needs_section_label: str = "needs-section"
    near_misses: int = 5
    dry_run: bool = False
    batch_mode: bool = False  # one digest PR per run (config/github.yml)
    branches: BranchNames = BranchNames.from_prefix("bot/")  # config/github.yml branch_prefix

    @classmethod
    def from_config(cls, data: dict[str, Any], github: dict[str, Any], dry_run: bool = False) -> PollSettings:
        """From the loaded config/poll.yml and config/github.yml (schema defaults merged)."""
        return cls(
            catalog_path=data["catalog"],
            max_pull_requests=data["max_pull_requests"],
            labels=tuple(data["labels"]),
            section_labels=data["section_labels"],
            needs_section_label=data["needs_section_label"],
            near_misses=data["near_misses"],
            dry_run=dry_run,
            batch_mode=bool(github["batch_mode"]),
            branches=BranchNames.from_config(github),
        )


@dataclass
class PollReport:
    candidates: Candidates
    decisions: list[tuple[Paper, Decision]] = field(default_factory=list)
    results: list[ProposalResult] = field(default_factory=list)
    would_propose: list[Proposal] = field(default_factory=list)  # dry run
    skipped_over_limit: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (arxiv id, message)

    @property
    def accepted(self) -> list[tuple[Paper, Decision]]:
        return [(p, d) for p, d in self.decisions if d.accept]

    def near_misses(self, count: int) -> list[tuple[Paper, Decision]]:
        below = [(p, d) for p, d in self.decisions if not d.accept]
        return sorted(below, key=lambda pd: -pd[1].score)[:count]


def proposal_for(paper: Paper, decision: Decision, settings: PollSettings) -> Proposal:
    labels = list(settings.labels)
    if settings.section_labels:
        labels.append(f"section:{decision.section}")
    if decision.needs_section:
        labels.append(settings.needs_section_label)
    return Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section=decision.section,
        subsection=decision.subsection,
        score=decision.score,
        threshold=decision.threshold,
        confidence=decision.confidence,
        runner_up=decision.runner_up,
        needs_section=decision.needs_section,
        reasons=list(decision.reasons),
        neighbours=list(decision.neighbours),
        labels=tuple(labels),
    )
