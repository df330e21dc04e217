"""The issue commands as authors write them in the wild and as maintainers answer them: links and
old-style ids, a request for a paper another pull request proposes, a paper arXiv has not
announced yet. Real webhook payloads, the fake GitHub, the local arXiv API with real entries."""

from __future__ import annotations

from bot.core.taxonomy import Taxonomy
from tests.fake_github import FakeGitHub
from tests.jobs.commands.helpers import ArxivAPI, catalog_on, handle, pull, status


def test_an_old_style_id_with_its_subject_class_is_the_paper_arxiv_knows(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Papers before 2007 are cited with their subject class ("math.GT/0309136"), which arXiv's
    metadata leaves out ("math/0309136"): asked as written, arXiv answered nothing and the bot
    said it had no such paper."""
    arxiv.copy_as("math/0309136", "2405.13786")
    outcome = handle(github, arxiv, taxonomy, "/add arXiv:math.GT/0309136v1 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done"] and arxiv.asked == [["math/0309136"]]
    item = catalog_on(github, pull(github, "bot/arxiv-math-0309136").head, taxonomy).find_by_id(
        "math/0309136"
    )
    assert item is not None and item.section == "kv-cache"
    assert "(arXiv math/0309136) to **KV Cache Compression**" in status(github)
