"""Learning from maintainers: a merged bot PR's paper that a maintainer moved (``/move`` or an
edit of the PR) is a routing label; the router learns it, and poll reads it from the forge."""

from __future__ import annotations

from typing import Any

import pytest

from bot import config
from bot.core import markers
from bot.core.candidates import routing_corrections
from bot.core.catalog import parse
from bot.core.paper import Paper
from bot.core.proposals import MARKER_KIND
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
