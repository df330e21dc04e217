"""The digest PR body: titles come from arXiv and are untrusted."""

from __future__ import annotations

import re

from bot.core.digest import DigestEntry, digest_change
from bot.core.entry import Entry, render_entry
from bot.core.taxonomy import Taxonomy


def test_digest_body_mentions_nobody_named_in_a_title(taxonomy: Taxonomy) -> None:
    line = render_entry(
        Entry(
            title="Ask @octocat about KV caches",
            url="https://arxiv.org/abs/2405.00001",
            authors=("A",),
            arxiv_id="2405.00001",
            year=2024,
            month=5,
        )
    )
    change = digest_change(
        [DigestEntry("2405.00001", "kv-cache", None, line)], taxonomy, "catalog.md", "bot/digest"
    )
    assert change is not None
    rendered = re.sub(r"<!-- .*? -->", "", change.body, flags=re.DOTALL)
    assert re.findall(r"(?<![\w`])@[A-Za-z0-9]", rendered) == []
    assert "Ask @\u200boctocat" in rendered


def test_a_closed_checklist_whose_marker_was_edited_out_still_rejects_its_papers(taxonomy: Taxonomy) -> None:
    """A maintainer deleted (or broke) the hidden marker of a checklist PR, then closed it: its
    papers were forgotten and proposed again by the next backfill. Its checklist lines name them."""
    from bot.core import markers
    from bot.core.candidates import select_candidates
    from bot.core.catalog_parse import parse
    from bot.core.changes import PullRequest
    from bot.core.paper import Paper

    lines = [
        DigestEntry(
            i,
            "kv-cache",
            None,
            render_entry(
                Entry(
                    title=f"Paper {i}",
                    url=f"https://arxiv.org/abs/{i}",
                    authors=("A",),
                    arxiv_id=i,
                    year=2024,
                    month=5,
                )
            ),
        )
        for i in ("2405.00001", "2405.00002")
    ]
    change = digest_change(lines, taxonomy, "catalog.md", "bot/backfill-kv-cache")
    assert change is not None
    marker = re.search(r"<!-- catalog-bot:digest .*? -->", change.body, re.DOTALL)
    assert marker is not None
    broken = markers.make("digest", {"entries": "edited"})
    papers = [Paper(arxiv_id=i, title=f"Paper {i}") for i in ("2405.00001", "2405.00002", "2405.00003")]
    catalog = parse("# List\n", taxonomy)
    for body in (change.body.replace(marker[0], ""), change.body.replace(marker[0], broken)):
        pull = PullRequest(0, "bot/backfill-kv-cache", "Backfill", body, "closed")
        chosen = select_candidates(papers, catalog, [pull], "bot/digest")
        assert [p.arxiv_id for p in chosen.rejected] == ["2405.00001", "2405.00002"], body[-80:]
        assert [p.arxiv_id for p in chosen.new] == ["2405.00003"]
