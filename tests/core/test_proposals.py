"""The PR body of a proposed paper: arXiv text is untrusted."""

from __future__ import annotations

import re

from bot.core.branches import BranchNames
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy


def test_pr_body_mentions_nobody_named_in_arxiv_text(taxonomy: Taxonomy) -> None:
    paper = Paper(
        arxiv_id="2405.00001",
        title="Ask @octocat",
        authors=("@alice", "Bob"),
        abstract="Thanks to @torvalds and @github/security.",
        venue="@venue 2024",
    )
    proposal = Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section="kv-cache",
        reasons=["cites @carol"],
        neighbours=[("by @dave", "2401.00001", 3, 0.5)],
    )
    body = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).body
    rendered = re.sub(r"```markdown\n.*?\n```|<!-- .*? -->", "", body, flags=re.DOTALL)
    assert re.findall(r"(?<![\w`])@[A-Za-z0-9]", rendered) == []
    assert "Ask @\u200boctocat" in body and "@\u200btorvalds" in body


def test_pr_body_still_mentions_the_requester(taxonomy: Taxonomy) -> None:
    paper = Paper(arxiv_id="2405.00001", title="A title")
    proposal = Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section="kv-cache",
        requested_by="octocat",
        request_url="https://github.com/o/r/issues/1",
    )
    assert (
        "Requested by @octocat in https://github.com/o/r/issues/1."
        in change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).body
    )
