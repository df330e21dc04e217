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
