"""The PR docs/scoring.md ("What a maintainer sees in a PR") and docs/poll.md show is rendered here,
from the fixture project and a real paper of the 2024 sample, so the pages cannot drift from the bot."""

from __future__ import annotations

from bot import config
from bot.core import proposals
from bot.core.branches import BranchNames
from bot.core.taxonomy import Taxonomy
from bot.jobs.poll.plan import PollSettings, proposal_for
from bot.scoring import Scorer
from bot.sources import paper_facts
from tests.conftest import PROJECT
from tests.golden_files import assert_shown_in_docs
from tests.scoring_helpers import sample_papers, small_catalog

PAGES = ["scoring.md", "poll.md"]
SAMPLE = "2410.15252"  # Lossless KV Cache Compression to 2%


def test_the_docs_show_a_pr_body_as_the_bot_renders_it(taxonomy: Taxonomy) -> None:
    papers = sample_papers()
    paper = paper_facts.enrich(next(p for p in papers if p.arxiv_id == SAMPLE))
    background = [p for p in papers if p.arxiv_id != SAMPLE]  # the bot has not seen it yet
    keywords = config.load("keywords", PROJECT / "config")
    scorer = Scorer.train(small_catalog(taxonomy), taxonomy, keywords, background=background)
    decision = scorer.score([paper])[0]
    request = proposals.change_request(
        proposal_for(paper, decision, PollSettings()), taxonomy, "catalog.md", BranchNames.from_prefix("bot/")
    )
    text = f"{request.title}\n\n{request.body}\n"
    assert decision.section == "kv-cache" and decision.accept
    for page in PAGES:
        assert_shown_in_docs(page, "pr-body.md", text)
