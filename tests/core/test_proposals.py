"""The PR body of a proposed paper: arXiv text is untrusted."""

from __future__ import annotations

import re

import pytest

from bot.core.branches import BranchNames
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from tests.conftest import PROJECT


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


def test_the_prs_of_a_run_parse_the_default_branchs_catalog_once(
    taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every PR of a run is built on the same default branch: its text was parsed again for each
    (1.2 s a PR at 5,000 entries, beside the re-parse of the new text that must stay). Each edit
    still gives its own text, and another text is parsed anew."""
    from bot.core import catalog_parse, proposals

    text = (PROJECT / "catalog.md").read_text(encoding="utf-8")
    parsed: list[int] = []
    proposals.parsed_once.cache_clear()  # an earlier test may have parsed this text
    monkeypatch.setattr(
        proposals, "parse", lambda t, tax: parsed.append(len(t)) or catalog_parse.parse(t, tax)
    )
    edits = []
    for n in range(3):
        paper = Paper(arxiv_id=f"2405.0000{n + 1}", title=f"A new paper {n}")
        proposal = Proposal(paper=paper, entry=paper_entry(paper), section="kv-cache")
        edits.append(change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).edit)
    texts = [edit(text) for edit in edits]
    assert parsed == [len(text)]
    for n, new in enumerate(texts):
        found = catalog_parse.parse(new, taxonomy).find_by_id(f"2405.0000{n + 1}")
        assert found is not None and found.section == "kv-cache"
        assert sum(1 for t in texts if f"2405.0000{n + 1}" in t) == 1
    edits[0](texts[1])  # the default branch moved: its new text is read
    assert parsed == [len(text), len(texts[1])]
