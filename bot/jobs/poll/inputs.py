"""What a poll run reads and writes besides the forge's pull requests: the feed's papers (a file,
the recorded sample or the live arXiv feed), the committed catalog, and the paper store's marks
for papers with a new version.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot import config
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.proposals import PollSettings
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, CatalogError
from bot.forge.local_git import LocalGitForge
from bot.forge.protocols import Forge, read_default_catalog
from bot.sources.arxiv_rss import PACKAGED_SAMPLE_FEED

log = logging.getLogger(__name__)

SAMPLE_FEED_DEFAULT = "tests/fixtures/arxiv/arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"


def load_papers(
    args: argparse.Namespace,
    settings_data: dict[str, Any],
    is_github: bool,
    http_client: Callable[[], httpx.Client] | None = None,
) -> tuple[list[Paper], str]:
    """The feed's papers, enriched (code links, venue), and where they came from."""
    import dataclasses

    from bot.sources import arxiv_rss as feeds
    from bot.sources import paper_facts

    if args.categories and (args.feed or (not is_github and not args.live)):
        read = args.feed or "the recorded sample feed"
        print(
            f"warning: --categories is ignored: this run reads {read}, it fetches no feed "
            "(add --live to fetch arXiv with these categories)",
            file=sys.stderr,
        )
    if args.feed:
        papers, source = feeds.read_papers(args.feed), str(args.feed)
    elif not is_github and not args.live:
        sample = args.repo / settings_data["sample_feed"]
        if not sample.exists() and settings_data["sample_feed"] == SAMPLE_FEED_DEFAULT:
            sample = PACKAGED_SAMPLE_FEED  # a repository made by `init` has no tests/fixtures
        if not sample.exists():
            raise BotError(f"the sample feed {sample} is missing: pass --feed FILE or --live")
        papers = feeds.read_papers(sample)
        source = f"{sample} (recorded sample; --live fetches arXiv)"
    else:
        settings = feeds.FeedSettings.from_config(config.load("sources"))
        if args.categories:
            settings = dataclasses.replace(settings, categories=option_categories(args.categories))
        option = "--categories" if args.categories else ""
        if http_client is None:
            with httpx.Client() as client:
                result = feeds.poll(settings, client, categories_option=option)
        else:
            result = feeds.poll(settings, http_client(), categories_option=option)
        papers, source = list(result.papers), result.source
    return [paper_facts.enrich(p) for p in papers], source


def option_categories(value: str) -> tuple[str, ...]:
    """The categories of ``--categories`` (commas or spaces between them), or a BotError that
    names the option, not config/sources.yml."""
    from bot.sources.arxiv_rss import is_category

    categories = tuple(c for c in re.split(r"[\s,]+", value) if c)
    bad = [c for c in categories if not is_category(c)]
    if not categories or bad:
        what = f"not arXiv category names: {', '.join(map(repr, bad))}" if bad else "no category"
        raise BotError(
            f"--categories {value!r}: {what}; pass names such as cs.CL or cs, separated by commas "
            "(https://arxiv.org/category_taxonomy)"
        )
    return categories


def mark_replaced(repo: Path, versions: dict[str, int], dry_run: bool) -> str:
    """New versions of listed papers (the feed's ``replace`` announcements) marked in the paper store,
    when there is one in this checkout, so that the next ``enrich`` fetches their facts again.
    A store with a line that does not read is left as it is: why, and what is not marked ("" when
    all went well; the poll warns and goes on, its pull requests are open by now)."""
    from bot.core import paper_store
    from bot.core.catalog_io import write_text_atomic

    path = repo / config.load("papers")["store"]["path"]
    if not versions or dry_run or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    try:
        store = paper_store.load(text, str(path))
    except CatalogError as exc:
        count = len(versions)
        return f"{exc}; the new versions of {count} listed paper{'s' * (count != 1)} are not marked in it"
    marked = paper_store.dump(paper_store.mark_announced(store, versions))
    if marked != text:  # beside it, then renamed: a run killed meanwhile leaves the old store whole
        write_text_atomic(path, marked)
    return ""


def catalog_from_forge(forge: Forge, settings: PollSettings, taxonomy: Taxonomy) -> Catalog:
    text = read_default_catalog(forge, settings.catalog_path, "--catalog")
    return parse(text, taxonomy)


def note_uncommitted(forge: LocalGitForge, path: str) -> None:
    """Local git: the poll reads the committed catalog (its branches are built on it); say so when
    the working tree's copy differs, as ``git diff`` sees it (a CRLF checkout of ``core.autocrlf``
    is no change), since papers added there but not committed do not count."""
    if forge.working_tree_differs(path):
        log.warning(
            "%s has uncommitted changes; the poll reads (and builds its branches on) the "
            "version committed on %s. Commit your edits for them to count.",
            forge.repo / path,
            forge.default_branch,
        )
