"""The refresh budget scenario on the fake GitHub: many open bot PRs, merges in a row, refresh
after each. Shared by tests/jobs/test_refresh_scale.py (asserts the bound) and
bench/refresh_requests.py (prints the figures)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.core import hunks
from bot.core.branches import BranchNames
from bot.core.catalog_document import render_document
from bot.core.entry import Entry
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.jobs import refresh
from tests.fake_github import FakeGitHub, forge_for

WORDS = (
    "Sparse",
    "Quantized",
    "Low-Rank",
    "Adaptive",
    "Speculative",
    "Streaming",
    "Mixture",
    "Cache",
    "Attention",
    "Kernel",
    "Serving",
    "Pruning",
    "Distilled",
    "Memory",
    "Token",
    "Layer",
    "Rotation",
)


@dataclass
class Push:
    """One merge to the default branch and the refresh after it."""

    merged: int  # the PR number merged
    open_prs: int  # open bot PRs the refresh saw
    rebuilt: int
    requests: int  # every request the refresh sent (reads + writes)
    reads: int
    writes: int
    conflicting_after: int  # open PRs that would not merge after the refresh
    causes: Counter[str] = field(default_factory=Counter)

    @property
    def budget(self) -> int:
        return 3 + 3 * self.rebuilt

    @property
    def rebuild_all_cost(self) -> int:
        """What the refresh cost before it chose: one read, three writes per open PR."""
        return 1 + 3 * self.open_prs


def placements(taxonomy: Taxonomy, count: int) -> list[tuple[str, str | None]]:
    """The first ``count`` places entries can go (subsections where a section has them)."""
    places: list[tuple[str, str | None]] = []
    for section in taxonomy.sections:
        if section.parent is not None or section.kind != "papers":
            continue
        children = taxonomy.children(section.id)
        places += [(section.id, child.id) for child in children] or [(section.id, None)]
    return places[:count]


def arxiv_id(rng: random.Random) -> str:
    return f"{rng.randint(23, 24)}{rng.randint(1, 12):02d}.{rng.randint(1, 99999):05d}"


def title(rng: random.Random, number: int) -> str:
    return " ".join(rng.sample(WORDS, 4)) + f" for Efficient LLMs, Study {number}"


def base_catalog(
    taxonomy: Taxonomy, rng: random.Random, places: list[tuple[str, str | None]], per_place: int
) -> str:
    placed: dict[Any, list[Entry]] = {}
    for index, place in enumerate(places * per_place):
        paper = Paper(arxiv_id=arxiv_id(rng), title=title(rng, 1000 + index), authors=("A. Author",))
        placed.setdefault(place, []).append(paper_entry(paper))
    return render_document(taxonomy, placed)


def open_pull_requests(
    fake: FakeGitHub, taxonomy: Taxonomy, rng: random.Random, places: list[tuple[str, str | None]], count: int
) -> list[int]:
    """``count`` paper PRs as the forge opens them (same branch, title, body, commit with its
    context trailer), written straight into the fake's state: 500 HTTP requests saved."""
    numbers: list[int] = []
    seen: set[str] = set()
    base = fake.file("catalog.md") or ""
    while len(numbers) < count:
        paper_id = arxiv_id(rng)
        if paper_id in seen:
            continue
        seen.add(paper_id)
        paper = Paper(
            arxiv_id=paper_id,
            title=title(rng, len(numbers)),
            authors=("Ada Lovelace",),
            abstract="We make LLMs cheaper.",
        )
        section, subsection = rng.choice(places)
        proposal = Proposal(
            paper=paper,
            entry=paper_entry(paper),
            section=section,
            subsection=subsection,
            labels=("new-paper",),
        )
        change = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/"))
        text = change.edit(base)
        message = hunks.with_trailer(change.commit_message, hunks.fingerprint(base, text))
        numbers.append(
            fake.seed_pull(
                change.branch,
                change.path,
                text,
                change.title,
                change.body,
                labels=("catalog-bot", *change.labels),
                message=message,
            ).number
        )
    return numbers


def run(
    fake: FakeGitHub,
    taxonomy: Taxonomy,
    prs: int = 100,
    merges: int = 10,
    seed: int = 13,
    places: int = 12,
    per_place: int = 8,
    check_each_push: bool = False,
) -> list[Push]:
    """Open ``prs`` bot PRs on a catalog of ``places`` x ``per_place`` entries, then merge
    ``merges`` of them one after another (chosen at random), refreshing after each merge.

    Whether a PR would conflict is a real ``git merge-file`` per open PR (about 20 ms each):
    ``check_each_push`` checks every open PR after each refresh, otherwise only after the last
    one (``conflicting_after`` is then -1 for the others). Set ``fake.mergeable_unknown`` to
    have GitHub answer UNKNOWN to the refresh's query, as it does right after a push."""
    rng = random.Random(seed)
    where = placements(taxonomy, places)
    fake.push("catalog.md", base_catalog(taxonomy, rng, where, per_place), message="The catalog")
    numbers = open_pull_requests(fake, taxonomy, rng, where, prs)
    pushes: list[Push] = []
    for number in rng.sample(numbers, merges):
        answer = fake.merge(number)
        if answer.status_code != 200:
            raise AssertionError(f"merging PR #{number} failed: {answer.status_code} {answer.text}")
        fake.reset_counts()
        outcomes = refresh.run(forge_for(fake, timeout_seconds=60), taxonomy)
        rebuilt = [o for o in outcomes if o.action == "rebuilt"]
        last = len(pushes) == merges - 1
        conflicting = (
            sum(1 for p in fake.pulls("open") if not fake._mergeable(p)) if check_each_push or last else -1
        )
        pushes.append(
            Push(
                number,
                len(outcomes),
                len(rebuilt),
                sum(fake.counts.values()),
                fake.reads(),
                fake.writes(),
                conflicting,
                Counter(f"{o.action}: {o.cause}" for o in outcomes),
            )
        )
    return pushes
