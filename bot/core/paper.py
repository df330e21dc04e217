"""Small named values shared by the jobs: papers as sources describe them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paper:
    """An arXiv paper as a feed, a JSONL record or the arXiv API describes it."""

    arxiv_id: str  # without version
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # primary first when known
    version: int | None = None
    announce_type: str = "new"  # new | cross | replace | replace-cross
    date: str = ""  # ISO date (submission or announcement)
    comment: str = ""
    journal_ref: str = ""
    doi: str = ""
    code_url: str = ""  # found in the abstract or comments
    venue: str = ""  # from the journal reference or comments
    withdrawn: bool = False
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""
