"""What today's arXiv feed announces of older papers: their new versions (the feed's ``replace``
and ``replace-cross`` items), so ``enrich`` refetches those papers at once rather than when their
records go stale. One request, the same as ``poll``'s; a feed that does not read only warns."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.core.paper import Paper
from bot.errors import BotError


def replaced_versions(papers: Iterable[Paper]) -> dict[str, int]:
    """The versions a feed announces for older papers (its ``replace`` and ``replace-cross`` items)."""
    return {
        p.arxiv_id: p.version for p in papers if p.announce_type in ("replace", "replace-cross") and p.version
    }


def daily_feed_warning(error: str) -> str:
    """What the run says when today's feed did not read: the feed's error without the poll's
    advice ("nothing was changed, retry the run later": this run goes on, and changes things)."""
    reason = re.split(r";? nothing was changed\b", error, maxsplit=1)[0].rstrip(" .")
    return (
        f"the daily feed could not be read ({reason}); the run goes on without it: a paper's new "
        "version is fetched once its record is older than enrich.max_age_days (config/papers.yml)"
    )


def daily_replacements(
    sources: Mapping[str, Any], sleep: Callable[[float], None] = time.sleep
) -> Callable[[], dict[str, int]]:
    """Reads today's arXiv feed (one request, the same as ``poll``'s); a failure only warns: the
    papers are then refreshed when they go stale."""

    def read() -> dict[str, int]:
        import httpx

        from bot.sources import arxiv_rss

        try:
            with httpx.Client() as client:
                feed = arxiv_rss.FeedSettings.from_config(dict(sources))
                result = arxiv_rss.poll(feed, client, sleep=sleep)
        except BotError as exc:
            warnings.warn(daily_feed_warning(str(exc)), stacklevel=2)
            return {}
        return replaced_versions(result.papers)

    return read
