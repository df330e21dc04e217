"""The PRs docs/scoring.md ("What a maintainer sees in a PR") and docs/poll.md show are rendered here,
from the fixture project and real papers of 2024, so the pages cannot drift from the bot."""

from __future__ import annotations

from bot import config
from bot.core import proposals
from bot.core.branches import BranchNames
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs.poll.plan import PollSettings, proposal_for
from bot.scoring import Decision, Scorer
from bot.sources import paper_facts
from tests.conftest import PROJECT
from tests.golden_files import assert_shown_in_docs
from tests.scoring_helpers import ISSUE9_PAPERS, sample_papers, small_catalog

PAGES = ["scoring.md", "poll.md"]
SAMPLE = "2410.15252"  # Lossless KV Cache Compression to 2%


def scored_as_new(papers: list[Paper], taxonomy: Taxonomy) -> list[Decision]:
    """The papers scored by the fixture project's scorer, trained with none of them in its background."""
    new = {paper.arxiv_id for paper in papers}
    background = [p for p in sample_papers() if p.arxiv_id not in new]  # the bot has not seen them yet
    keywords = config.load("keywords", PROJECT / "config")
    return Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background).score(papers)


def pr_text(paper: Paper, decision: Decision, taxonomy: Taxonomy) -> str:
    """The title and body of the paper's PR, as poll opens it."""
    request = proposals.change_request(
        proposal_for(paper, decision, PollSettings()), taxonomy, "catalog.md", BranchNames.from_prefix("bot/")
    )
    return f"{request.title}\n\n{request.body}\n"


def test_the_docs_show_a_pr_body_as_the_bot_renders_it(taxonomy: Taxonomy) -> None:
    paper = paper_facts.enrich(next(p for p in sample_papers() if p.arxiv_id == SAMPLE))
    [decision] = scored_as_new([paper], taxonomy)
    assert decision.section == "kv-cache" and decision.accept
    for page in PAGES:
        assert_shown_in_docs(page, "pr-body.md", pr_text(paper, decision, taxonomy))


def test_the_docs_show_issue_9s_five_pr_bodies_as_the_bot_renders_them(taxonomy: Taxonomy) -> None:
    """Issue 9's five papers (a KV cache paper with LaTeX in its title, sparse activations, an MoE
    compression with a code link, a safety paper that only uses pruning, early stopping in
    reasoning), each new to the bot: docs/scoring.md shows their PRs beside what they were before
    issue 9's work (bench/RESULTS-scoring.md)."""
    five = [paper_facts.enrich(paper) for paper in sample_papers(ISSUE9_PAPERS)]
    decisions = scored_as_new(five, taxonomy)
    text = "\n".join(
        f"=== {paper.arxiv_id}: {pr_text(paper, decision, taxonomy)}"
        for paper, decision in zip(five, decisions, strict=True)
    )
    assert [(p.arxiv_id, d.section, d.accept) for p, d in zip(five, decisions, strict=True)] == [
        ("2406.11430", "kv-cache", True),
        ("2402.03804", "pruning", True),
        ("2411.01016", "moe", True),
        ("2402.05162", "pruning", False),
        ("2401.10480", "reasoning", True),
    ]
    assert_shown_in_docs("scoring.md", "scoring-pr-bodies.md", text)
