"""Learning from maintainers: a merged bot PR's paper that a maintainer moved (``/move`` or an
edit of the PR) is a routing label; the router learns it, and poll reads it from the forge."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot import config
from bot.core import markers
from bot.core.branches import BranchNames
from bot.core.candidates import lessons, rejected_papers, routing_corrections
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.proposals import MARKER_KIND, Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.forge.protocols import PullRequest
from bot.scoring.scorer import Scorer
from tests.conftest import PROJECT
from tests.scoring_helpers import small_catalog, small_catalog_text


@pytest.fixture(scope="module")
def keywords() -> dict[str, Any]:
    return config.load("keywords", PROJECT / "config")


def test_the_router_learns_a_maintainers_correction(taxonomy: Taxonomy, keywords: dict[str, Any]) -> None:
    paper = Paper(
        "2501.00001",
        "Hummingbird: a lighter way to answer with fewer steps",
        "We make large language models answer with fewer generated tokens.",
    )
    plain = Scorer.train(small_catalog(taxonomy), taxonomy, keywords)
    first = plain.score([paper])[0].section
    target = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != first)
    similar = Paper(
        "2501.00002",
        "Hummingbird 2: a lighter way to answer with fewer steps",
        "We make large language models answer with fewer generated tokens, again.",
    )
    taught = Scorer.train(small_catalog(taxonomy), taxonomy, keywords, corrections=[(paper, target, None)])
    assert taught.score([similar])[0].section == target
    assert plain.score([similar])[0].section == first != target


def pull(arxiv_id: str, section: str, state: str, subsection: str | None = None) -> PullRequest:
    body = "A PR\n\n" + markers.make(
        MARKER_KIND, {"arxiv_id": arxiv_id, "section": section, "subsection": subsection, "line": "- x"}
    )
    return PullRequest(0, f"bot/arxiv-{arxiv_id}", "Add", body, state)  # type: ignore[arg-type]


def test_poll_reads_corrections_from_merged_prs_whose_paper_sits_elsewhere(taxonomy: Taxonomy) -> None:
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    listed = [item for item in catalog.entries() if item.arxiv_ids and item.section]
    moved, stayed, closed = listed[0], listed[1], listed[2]
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    pulls = [
        pull(moved.arxiv_ids[0], other, "merged"),
        pull(stayed.arxiv_ids[0], str(stayed.section), "merged", stayed.subsection),
        pull(closed.arxiv_ids[0], other, "closed"),
        pull("2599.99999", other, "merged"),
    ]  # merged, then removed from the catalog
    corrections = routing_corrections(pulls, catalog)
    assert [(p.arxiv_id, section) for p, section, _ in corrections] == [(moved.arxiv_ids[0], moved.section)]
    assert corrections[0][0].title == (moved.entry.title if moved.entry else moved.title)


def checklist(entries: list[tuple[str, str, str, bool]], state: str) -> PullRequest:
    """A checklist PR (batch mode's digest, a backfill section): (id, section, title, ticked)."""
    marked = [
        {"arxiv_id": i, "section": s, "subsection": None, "line": f"- [{t}](https://arxiv.org/abs/{i})"}
        for i, s, t, _ in entries
    ]
    ticks = "".join(f"- [{'x' if ok else ' '}] arXiv {i}: {t}\n" for i, _, t, ok in entries)
    body = f"Papers\n\n{ticks}\n" + markers.make("digest", {"entries": marked})
    return PullRequest(0, "bot/backfill-x", "Add papers", body, state)  # type: ignore[arg-type]


def test_checklist_prs_teach_as_paper_prs_do(taxonomy: Taxonomy) -> None:
    """A checklist PR's papers taught the scorer nothing: the lines a maintainer unticked, or a
    whole backfill section closed unmerged, were never proposed again but were no negatives, and
    a merged checklist line moved afterwards was no routing label (all of backfill's PRs are
    checklists, and every PR of batch mode)."""
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    moved = next(item for item in catalog.entries() if item.arxiv_ids and item.section)
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    pulls = [
        checklist(
            [(moved.arxiv_ids[0], other, "Moved", True), ("2501.00011", other, "Unticked", False)], "merged"
        ),
        checklist([("2501.00012", other, "Closed with its section", True)], "closed"),
        checklist(
            [("2501.00013", other, "Unticked, still open", False), ("2501.00014", other, "Open", True)],
            "open",
        ),
    ]
    assert [(p.arxiv_id, p.title) for p in rejected_papers(pulls, catalog)] == [
        ("2501.00011", "Unticked"),
        ("2501.00012", "Closed with its section"),
        ("2501.00013", "Unticked, still open"),
    ]
    assert [(p.arxiv_id, s) for p, s, _ in routing_corrections(pulls, catalog)] == [
        (moved.arxiv_ids[0], moved.section)
    ]


def test_a_paper_rejected_twice_is_one_negative(taxonomy: Taxonomy) -> None:
    """Poll gave the scorer a feed paper a closed PR rejected twice: once from the feed, once from
    the PR (three times the weight of any other rejection)."""
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    closed = pull("2501.00021", "quantization", "closed")
    closed = dataclasses.replace(
        closed, body=closed.body.replace('"- x"', '"- [Twice](https://arxiv.org/abs/2501.00021)"')
    )
    feed_paper = Paper("2501.00021", "Twice", "An abstract the feed gives.")
    taught = lessons([closed, closed], catalog, [feed_paper])
    assert taught.rejected == [feed_paper]  # the feed's, with its abstract


def proposed(paper: Paper, section: str, state: str, taxonomy: Taxonomy) -> PullRequest:
    """The paper's PR as poll opens it (the real body: abstract, marker), in ``state``."""
    proposal = Proposal(paper=paper, entry=paper_entry(paper), section=section)
    body = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).body
    return PullRequest(0, f"bot/arxiv-{paper.arxiv_id}", "Add", body, state)  # type: ignore[arg-type]


ABSTRACT = (
    "We evict *cold* entries of the KV cache [2x smaller] with #tricks & <tags>; "
    "1. as a list? No: a sentence, and @someone's idea."
)


def test_a_moved_paper_is_a_routing_label_with_the_abstract_its_pr_showed(taxonomy: Taxonomy) -> None:
    """The router reads a new paper's title and abstract; a correction of its title alone weighed
    the title's words five times over (``routing.correction_weight``)."""
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    moved = next(item for item in catalog.entries() if item.arxiv_ids and item.section)
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    paper = Paper(moved.arxiv_ids[0], moved.title, ABSTRACT)
    merged = proposed(paper, other, "merged", taxonomy)
    [(learnt, section, _)] = routing_corrections([merged], catalog)
    assert (learnt.arxiv_id, section, learnt.abstract) == (paper.arxiv_id, moved.section, ABSTRACT)
    taught = lessons([merged], catalog)
    assert taught.corrections[0][0].abstract == ABSTRACT


def test_the_abstract_of_a_pr_body_edited_by_hand_is_read_capped(taxonomy: Taxonomy) -> None:
    """A body edited in GitHub's web editor has CRLF line ends: its abstract was not found (the
    paper learnt by its title alone); a body anyone with write access edited to hold 60,000
    characters of abstract was learnt whole, twenty times what a PR body shows (MAX_ABSTRACT)."""
    from bot.core.proposals import MAX_ABSTRACT

    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    moved = next(item for item in catalog.entries() if item.arxiv_ids and item.section)
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    merged = proposed(Paper(moved.arxiv_ids[0], moved.title, ABSTRACT), other, "merged", taxonomy)
    edited = dataclasses.replace(merged, body=merged.body.replace("\n", "\r\n"))
    [(learnt, _, _)] = routing_corrections([edited], catalog)
    assert learnt.abstract == ABSTRACT
    long = "word " * 12_000
    padded = dataclasses.replace(merged, body=merged.body.replace("We evict", long + "We evict"))
    [(learnt, _, _)] = routing_corrections([padded], catalog)
    assert len(learnt.abstract) <= MAX_ABSTRACT and learnt.abstract.startswith("word word")


def test_a_merged_pr_without_an_abstract_in_its_body_is_a_routing_label_of_its_title(
    taxonomy: Taxonomy,
) -> None:
    """An older PR, or a PR body template that shows no abstract."""
    catalog = parse(small_catalog_text(taxonomy), taxonomy)
    moved = next(item for item in catalog.entries() if item.arxiv_ids and item.section)
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    [(learnt, _, _)] = routing_corrections([pull(moved.arxiv_ids[0], other, "merged")], catalog)
    assert (learnt.title, learnt.abstract) == (moved.entry.title if moved.entry else moved.title, "")
