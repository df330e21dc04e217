"""The bot PRs of other jobs that refresh keeps mergeable: the nightly job's rolling maintenance PR
(its lines rewritten in place, replayed on the default branch) and the PRs of /teach (their one
pattern line added again to config/keywords.yml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot import config
from bot.core import hunks, paper_store, templates
from bot.core.catalog import Catalog
from bot.core.catalog_io import check_papers
from bot.core.catalog_parse import parse, split_lines
from bot.core.keyword_edits import add_pattern, has_pattern, taught_comment
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, CatalogError
from bot.forge.protocols import Forge, PullRequest
from bot.jobs.refresh.rebuild import (
    NEIGHBOURS_UNCHANGED,
    NO_MARKER,
    NOT_APPLICABLE,
    PullRefresh,
    again,
    close,
    rebuild,
    rebuild_cause,
)

TAUGHT_ALREADY = "the keyword rules already have the pattern"
EDITED_BY_HAND = "a maintainer committed on it: it is theirs to update (GitHub's Update branch)"
NO_BASE = "the commit it was built on is unknown (commits pushed on top of the bot's)"
STORE_MOVED = "the paper store changed on the default branch since the night built it"


def refresh_maintenance(
    forge: Forge,
    pull: PullRequest,
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    store_path: str = paper_store.DEFAULT_PATH,
    dry_run: bool = False,
) -> PullRefresh:
    """The nightly job's rolling PR: its lines rewritten in place (star counts, links, a paper's
    facts), rewritten again on the current default branch (a line edited there meanwhile keeps the
    maintainer's text), its paper store carried over. Without it a paper merged next to a line the
    night rewrote left the PR conflicting until the next night."""
    base = forge.read_pull_request_base_file(pull, catalog_path)
    if base is None:
        return PullRefresh(pull, "skipped", NO_BASE, NO_BASE)
    pairs = hunks.line_for_line(base, forge.read_pull_request_file(pull, catalog_path))
    if pairs is None:
        return PullRefresh(pull, "skipped", "it does not only rewrite lines in place", NOT_APPLICABLE)
    rewrite = hunks.replay(pairs)

    def edit(text: str) -> str:
        new_text = rewrite(text)
        check_papers(parse(text, taxonomy), parse(new_text, taxonomy), "refusing to rebuild the nightly PR")
        return new_text

    change = again(pull, catalog_path, edit)
    try:
        new_lines = split_lines(edit(catalog.render()))
    except CatalogError as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    if rebuild_cause(pull, change, catalog.lines, new_lines) is None:  # the store is read only now
        return PullRefresh(pull, "unchanged", NEIGHBOURS_UNCHANGED, NEIGHBOURS_UNCHANGED)
    store, store_base = (
        forge.read_pull_request_file(pull, store_path),
        forge.read_pull_request_base_file(pull, store_path) or "",
    )
    if store != store_base:  # the night's store goes with its lines, unless another store landed
        if forge.read_file(store_path) != store_base:
            return PullRefresh(pull, "skipped", f"{STORE_MOVED}: the next night rebuilds it", STORE_MOVED)
        change = replace(change, extra_files=((store_path, store),))
    elif new_lines == catalog.lines:
        reason = "its lines were edited on the default branch meanwhile: the next night rebuilds or closes it"
        return PullRefresh(pull, "skipped", reason, NOT_APPLICABLE)
    return rebuild(forge, pull, change, catalog.lines, lambda: new_lines, dry_run)


def refresh_teach(
    forge: Forge, pull: PullRequest, marker: Mapping[str, Any], keywords_path: str, dry_run: bool = False
) -> PullRefresh:
    """A /teach PR: its one pattern line added again to the keyword rules as they are now (two
    /teach PRs of one section append to the same list: merging one left the other conflicting);
    closed once the rules have the pattern. One a maintainer edited (a weight, a field: its body
    invites it) is left to them."""
    term, section = str(marker.get("term") or ""), str(marker.get("section") or "")
    if not term or not section:
        return PullRefresh(pull, "skipped", "no term or section in its catalog-teach marker", NO_MARKER)
    if pull.hand_commits:
        return PullRefresh(pull, "skipped", EDITED_BY_HAND, EDITED_BY_HAND)
    text = forge.read_file(keywords_path)
    try:
        if has_pattern(text, section, term):
            closing = templates.render("refresh_teach_closed.md.j2", pull=pull, term=term, section=section)
            return close(forge, pull, lambda: closing.strip(), TAUGHT_ALREADY, TAUGHT_ALREADY, dry_run)
    except BotError as exc:  # the rules on the default branch do not load: nothing to rebuild on
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    kept = marker.get("comment")  # PRs opened before it was kept: the line on the branch says it
    comment = (
        kept
        if isinstance(kept, str)
        else taught_comment(forge.read_pull_request_file(pull, keywords_path), term)
    )

    def edit(current: str) -> str:
        new_text = add_pattern(current, section, term, comment)
        config.validate("keywords", config.read_yaml(new_text), keywords_path)
        return new_text

    change = again(pull, keywords_path, edit)
    try:
        new_lines = split_lines(edit(text))
    except (BotError, ValueError) as exc:
        return PullRefresh(pull, "skipped", str(exc), NOT_APPLICABLE)
    return rebuild(forge, pull, change, split_lines(text), lambda: new_lines, dry_run)
