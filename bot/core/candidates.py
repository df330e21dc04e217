"""Which papers of a feed are new, and what the bot's pull requests say about the others. Pure.

``select_candidates`` sorts a feed's papers: new, already listed, already proposed (an open or
merged bot PR), rejected (a closed bot PR, or a line a maintainer unticked in a checklist PR),
withdrawn by its authors, cross-listed twice, a second id with a new paper's title, or a new
version of an older paper.
``rejected_paper`` turns a closed PR back into a paper (a negative for the scorer;
``rejected_papers``: those of all closed PRs and of the checklist lines a maintainer said no to,
whose paper is not in the catalog after all); ``routing_corrections`` finds the merged PRs whose
paper a maintainer moved to another section (routing labels for the scorer). ``lessons`` is both,
as every job that scores (poll, backfill, new-topics, the issue commands' previews) trains on
them; ``train_as_poll`` trains a scorer with them as poll does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import digest
from bot.core.branches import BranchNames, paper_id_of
from bot.core.catalog import Catalog
from bot.core.changes import PullRequest
from bot.core.entry import parse_entry
from bot.core.matching import title_key
from bot.core.paper import Paper
from bot.core.proposals import TrainScorer, abstract_of, first_placement, proposal_marker

REPLACEMENTS = {"replace", "replace-cross"}
# a maintainer's routing label: a merged PR's paper and the (section, subsection) it ended up in
Correction = tuple[Paper, str, str | None]


@dataclass
class Candidates:
    """The feed's papers sorted into what the run does with them."""

    new: list[Paper] = field(default_factory=list)
    seen: int = 0
    cross_duplicates: int = 0
    replacements: int = 0
    replaced_listed: dict[str, int] = field(default_factory=dict)  # listed papers with a new version: id -> v
    in_catalog: list[tuple[Paper, int]] = field(default_factory=list)  # (paper, line)
    already_proposed: list[Paper] = field(default_factory=list)
    rejected: list[Paper] = field(default_factory=list)
    # a second id with the title of a new paper of the same feed (a paper submitted twice): (paper,
    # the first one's id); one PR, as the catalog would take them for one paper
    same_title: list[tuple[Paper, str]] = field(default_factory=list)
    # withdrawn by its authors (the API lists the last version, a withdrawal notice): never proposed
    withdrawn: list[Paper] = field(default_factory=list)


def _proposed(pulls: Sequence[PullRequest], digest_branch: str) -> tuple[set[str], set[str]]:
    """(ids and title keys with an open or merged bot PR, ids and title keys whose bot PR was
    closed without merging, or that a maintainer unticked in the digest PR). A title counts as
    the catalog counts it: a paper submitted again under a new id is the same paper."""
    active: set[str] = set()
    rejected: set[str] = set()
    for pull in pulls:
        if pull.branch == digest_branch or digest.is_digest(pull):  # also backfill's per-section digests
            said_no = digest.rejected_ids(pull)
            rejected |= said_no
            for entry in digest.entries_of(pull.body):
                if entry.arxiv_id in said_no:
                    rejected.update(_keys(entry.arxiv_id, entry.line))
                elif pull.state != "closed":  # closed by no maintainer: its ticked papers forgotten
                    active.update(_keys(entry.arxiv_id, entry.line))
            continue
        if pull.state == "closed" and not pull.said_no_by_closing:
            continue  # closed by the bot, a branch deleted, no maintainer: forgotten
        data = proposal_marker(pull)
        if not data or "arxiv_id" not in data:
            # a closed paper PR whose marker a maintainer edited out: still a rejection, by its
            # branch (the forges list only the bot's own branches, never a fork's)
            if pull.state == "closed" and (arxiv_id := paper_id_of(pull.branch)) is not None:
                rejected.add(arxiv_id)
            elif pull.state == "closed":  # a checklist closed whole: its lines still name the papers
                rejected |= digest.checklist_ids(pull.body)
            continue
        (rejected if pull.state == "closed" else active).update(
            _keys(str(data["arxiv_id"]), data.get("line"))
        )
    return active, rejected - active


def _keys(arxiv_id: str, line: object) -> set[str]:
    """A proposal's id, and the title key of its entry line (prefixed, never an id)."""
    entry = parse_entry(line) if isinstance(line, str) and line else None
    key = title_key(entry.title) if entry else ""
    return {arxiv_id, f"title:{key}"} if key else {arxiv_id}


def routing_corrections(pulls: Sequence[PullRequest], catalog: Catalog) -> list[Correction]:
    """Maintainers' routing labels: each paper of a merged bot PR (a paper PR, or a ticked line of
    a merged checklist PR) that now sits in another section (or subsection) of the catalog than
    the one the PR first proposed (a /move, an edit of the PR before merging, or an /add on the
    open PR naming another section). The paper's title is
    the catalog's; the store adds its abstract."""
    corrections: list[Correction] = []
    for arxiv_id, section, subsection, abstract in _merged_placements(pulls):
        item = catalog.find_by_id(arxiv_id)
        if item is None or item.section is None:
            continue
        if (item.section, item.subsection) != (section, subsection):
            title = item.entry.title if item.entry else item.title
            paper = Paper(arxiv_id=arxiv_id, title=title, abstract=abstract)
            corrections.append((paper, item.section, item.subsection))
    return corrections


def _merged_placements(pulls: Sequence[PullRequest]) -> list[tuple[str, str, str | None, str]]:
    """(id, section, subsection, abstract shown in its PR or "") of every paper a merged bot PR
    proposed."""
    placements: list[tuple[str, str, str | None, str]] = []
    for pull in pulls:
        if pull.state != "merged":
            continue
        if digest.is_digest(pull):
            placements += [
                (e.arxiv_id, e.section, e.subsection, "") for e in digest.entries_of(pull.body) if e.ticked
            ]
            continue
        data = proposal_marker(pull)
        # where the PR first proposed it: an /add on the open PR that moved it is a correction too
        if data and "arxiv_id" in data and "section" in data and (first := first_placement(data)):
            placements.append((str(data["arxiv_id"]), *first, abstract_of(pull.body)))
    return placements


def select_candidates(
    papers: Sequence[Paper], catalog: Catalog, pulls: Sequence[PullRequest], digest_branch: str
) -> Candidates:
    result = Candidates(seen=len(papers))
    active, rejected = _proposed(pulls, digest_branch)
    seen_ids: set[str] = set()
    new_titles: dict[str, str] = {}  # title key -> id of the new paper that has it
    for paper in papers:
        if paper.arxiv_id in seen_ids:
            result.cross_duplicates += 1
            continue
        seen_ids.add(paper.arxiv_id)
        if paper.announce_type in REPLACEMENTS:
            result.replacements += 1  # an update of an older paper, not a new one
            if paper.version and catalog.find_by_id(paper.arxiv_id) is not None:
                result.replaced_listed[paper.arxiv_id] = paper.version  # enrich refreshes its facts
            continue
        existing = catalog.find_paper(paper.arxiv_id, paper.title)  # a note that mentions the id is no entry
        if existing is not None:
            result.in_catalog.append((paper, existing.line_number))
        elif paper.arxiv_id in rejected or f"title:{title_key(paper.title)}" in rejected:
            result.rejected.append(paper)
        elif paper.arxiv_id in active or f"title:{title_key(paper.title)}" in active:
            result.already_proposed.append(paper)
        elif paper.withdrawn:
            result.withdrawn.append(paper)
        elif (first := new_titles.get(title_key(paper.title))) is not None:
            result.same_title.append((paper, first))
        else:
            result.new.append(paper)
            if title_key(paper.title):
                new_titles[title_key(paper.title)] = paper.arxiv_id
    return result


def rejected_papers(pulls: Sequence[PullRequest], catalog: Catalog) -> list[Paper]:
    """The papers maintainers said no to, negatives for the scorer: those of closed bot PRs and
    the lines of checklist PRs (batch mode's digest, backfill's sections) unticked, or closed
    with the PR; each paper once, and not those now in the catalog: a PR closed because its paper
    reached the catalog another way (added by hand, then closed by refresh) is no rejection, and
    the catalog teaches that paper as a positive."""
    papers: dict[str, Paper] = {}
    for pull in pulls:
        if digest.is_digest(pull):
            said_no = digest.rejected_ids(pull)
            for entry in digest.entries_of(pull.body):
                if entry.arxiv_id in said_no and entry.title:
                    papers.setdefault(entry.arxiv_id, Paper(arxiv_id=entry.arxiv_id, title=entry.title))
        elif pull.said_no_by_closing and (closed := rejected_paper(pull)) is not None:
            papers.setdefault(closed.arxiv_id, closed)
    return [p for p in papers.values() if catalog.find_paper(p.arxiv_id, p.title) is None]


@dataclass(frozen=True)
class Lessons:
    """What the maintainers taught the scorer through the bot's pull requests."""

    rejected: list[Paper]  # negatives: the feed's own rejected papers (with their abstracts) first
    corrections: list[Correction]  # routing labels
    merged: list[str]  # arXiv ids of the merged PRs' papers: they can lift a score only so far


def lessons(pulls: Sequence[PullRequest], catalog: Catalog, feed_rejected: Sequence[Paper] = ()) -> Lessons:
    """The negatives and routing labels every job that scores (poll, backfill, new-topics) trains
    on, so that the three score a paper alike: ``rejected_papers`` (after the feed's rejected
    papers, which carry their abstracts; each paper once), ``routing_corrections`` and the merged
    PRs' papers."""
    rejected = {p.arxiv_id: p for p in feed_rejected}
    for paper in rejected_papers(pulls, catalog):
        rejected.setdefault(paper.arxiv_id, paper)
    merged = list(dict.fromkeys(arxiv_id for arxiv_id, *_ in _merged_placements(pulls)))
    return Lessons(list(rejected.values()), routing_corrections(pulls, catalog), merged)


def rejected_paper(pull: PullRequest) -> Paper | None:
    """A rejected PR as a negative example for the scorer (title from the entry line). Not with
    the abstract its body shows, as a moved paper is learnt: closed papers are the near misses
    out of scope, and their abstracts' words lowered papers in scope too (round 27 of
    bench/RESULTS-scoring.md: in the replay, 3 PRs in scope fewer and 2 out of scope fewer)."""
    data = proposal_marker(pull)
    if not data or not data.get("line"):
        return None
    entry = parse_entry(data["line"])
    return Paper(arxiv_id=data["arxiv_id"], title=entry.title) if entry else None


def train_as_poll(
    train: TrainScorer,
    papers: Sequence[Paper],
    catalog: Catalog,
    pulls: Sequence[PullRequest],
    branches: BranchNames,
) -> Any:
    """The scorer poll trains on the same forge: the same negatives (closed PRs, unticked
    checklist lines, not the papers now listed) and routing labels (moved papers), so that a
    paper's score and section elsewhere (a near miss of new-topics, the preview of an issue's
    ``/add``) are the ones poll gives it."""
    taught = lessons(pulls, catalog, select_candidates(papers, catalog, pulls, branches.digest).rejected)
    return train(catalog, list(papers), taught.rejected, corrections=taught.corrections, merged=taught.merged)
