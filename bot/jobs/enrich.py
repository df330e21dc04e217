"""``python -m bot enrich``: bring the paper store up to date, then the catalog lines up to the store.

1. The catalog's arXiv papers that the store lacks, or holds stale (fetched before the paper's own
   refresh day, which comes every ``enrich.max_age_days`` days, or a newer version announced in the
   daily feed), are looked up ``api.batch_size`` (100) ids per arXiv API request, 3 s apart
   (``bot.sources.arxiv_fetch``). After every request the catalog lines it changes are written,
   then the store file, so an interrupted run leaves
   both consistent and resumes where it stopped.
2. Papers no longer listed leave the store; the store is written sorted and deterministic.
3. Canonical catalog lines are rewritten where the store's facts say more (``bot.core.enrichment``):
   missing authors, an accepted venue, a new version's title, the withdrawn mark.

Run locally it edits ``catalog.md`` and ``data/papers.jsonl`` in place (``--dry-run``: prints
the changes, writes nothing). The nightly job runs the same steps and puts both files in its
rolling maintenance PR. A second run with nothing stale makes no request and changes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import config
from bot.core import arxiv_ids, paper_store, templates
from bot.core.catalog import Catalog, own_id
from bot.core.catalog_io import read_catalog, read_store_text, write_catalog, write_store
from bot.core.catalog_parse import parse
from bot.core.enrichment import Change, EnrichSettings, enrich_catalog, enrich_edit, two_ids
from bot.core.markdown import cell
from bot.core.paper_store import PaperRecord, Store
from bot.core.taxonomy import Taxonomy
from bot.core.venues import VenueTable
from bot.errors import BotError, CatalogError, SourceError
from bot.forge.actions import append_step_summary
from bot.forge.protocols import Forge
from bot.jobs import SUMMARY_ROWS, add_max_rows_argument, add_repo_argument, repo_root, sigterm_exits
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_daily import daily_replacements
from bot.sources.arxiv_fetch import PoliteApi, batches, record_from_result

# The share of a local run's time its saves may take: a save (the whole catalog rewritten and
# checked, the store) follows a request only when the last one took at most this share of the
# time since it ended.
SAVE_SHARE = 0.1


@dataclass(frozen=True)
class Settings:
    store_path: str = paper_store.DEFAULT_PATH
    max_age_days: int = 30
    max_papers: int = 2000
    lines: EnrichSettings = field(default_factory=EnrichSettings)

    @classmethod
    def from_config(cls, papers: Mapping[str, Any]) -> Settings:
        enrich = papers["enrich"]
        return cls(
            store_path=papers["store"]["path"],
            max_age_days=enrich["max_age_days"],
            max_papers=enrich["max_papers"],
            lines=EnrichSettings(
                enrich["authors"], tuple(enrich["placeholder_venues"]), enrich["mark_withdrawn"]
            ),
        )


@dataclass
class Result:
    store: Store  # the new store: listed papers only
    text: str  # the new catalog text
    changes: list[Change]
    asked: list[str]  # ids looked up
    unknown: list[str]  # ids arXiv had no paper for
    requests: int
    listed: int  # arXiv papers in the catalog
    remaining: int = 0  # stale papers left for the next run (max_papers)
    previous: Store = field(default_factory=dict)  # the store before the run
    failure: str = ""  # why the lookups stopped early (the nightly run goes on with what came)
    two_ids: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # lines left alone: (line, link's, part's)

    @property
    def withdrawn(self) -> list[PaperRecord]:
        """The withdrawn papers, in catalog order (``run`` orders the store so)."""
        return [r for r in self.store.values() if r.withdrawn]

    @property
    def refreshed(self) -> list[str]:
        """Papers whose record differs from the store's before the run (on the default branch):
        fetched tonight, or on an earlier night for the rolling PR and not merged yet."""
        return [i for i, record in self.store.items() if self.previous.get(i) != record]

    @property
    def dropped(self) -> list[str]:
        """Papers the store held before the run that the catalog no longer lists: they leave it."""
        return [i for i in self.previous if i not in self.store]

    @property
    def store_text(self) -> str:
        return paper_store.dump(self.store)


def listed_ids(catalog: Catalog) -> list[str]:
    """The arXiv papers the catalog lists (each item's own id), in catalog order; not those
    commented out, which readers do not see either."""
    return list(dict.fromkeys(i for i in map(own_id, catalog.listed()) if i))


def refresh_store(
    ids: list[str],
    store: Store,
    api: PoliteApi,
    today: datetime.date,
    settings: Settings,
    saved: Callable[[Store], None] = lambda _: None,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[Store, list[str], list[str], int]:
    """(store with fresh records for the stale ids, ids asked, ids unknown to arXiv, stale ids left)."""
    stale = paper_store.to_fetch(ids, store, today, settings.max_age_days)
    # the stalest first: missing, then oldest fetch
    stale.sort(key=lambda i: store[i].fetched if i in store else "")
    asked, left = stale[: settings.max_papers], max(0, len(stale) - settings.max_papers)
    unknown: list[str] = []
    store = dict(store)
    for number, batch in enumerate(batches(asked, api.settings.batch_size), 1):
        progress(f"arXiv request {number}: {len(batch)} papers")
        found = _lookup(api, batch, today)
        if not found and len(batch) > 1:  # the API's flaky empty answer: ask once more
            progress(f"arXiv request {number} found none of its {len(batch)} papers: asked again")
            found = _lookup(api, batch, today)
        unknown += [i for i in batch if i not in found]
        store = paper_store.merge(store, found.values())
        saved(store)
    return store, asked, unknown, left


def _lookup(api: PoliteApi, batch: list[str], today: datetime.date) -> dict[str, PaperRecord]:
    """The store records of one request's answer, by id (only the ids asked, under the id the
    catalog shows: arXiv answers ``math.GT/0309136`` as ``math/0309136``)."""
    asked = {arxiv_ids.canonical(i): i for i in batch}
    found: dict[str, PaperRecord] = {}
    for record in (r for r in (record_from_result(x, today) for x in api.lookup(batch)) if r):
        wanted = asked.get(arxiv_ids.canonical(record.arxiv_id))
        if wanted is not None:
            found[wanted] = (
                record if record.arxiv_id == wanted else dataclasses.replace(record, arxiv_id=wanted)
            )
    return found


def run(
    catalog_text: str,
    store_text: str,
    api: PoliteApi,
    today: datetime.date,
    taxonomy: Taxonomy | None,
    venues: VenueTable,
    settings: Settings,
    saved: Callable[[Store], None] = lambda _: None,
    progress: Callable[[str], None] = lambda _: None,
    start: Store | None = None,
    saved_text: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """Everything but the writes: the new store and catalog text, and what changed. The catalog
    lines are compared with ``store_text`` (the store beside the catalog); ``start``, when given,
    is the store to bring up to date instead (e.g. the unmerged nightly PR's, fetched already).

    After every request, ``saved_text`` gets the catalog text brought up to the store so far,
    then ``saved`` the store: a new version's title or authors are only written while the store
    still holds the old ones, so a run stopped halfway must not save the new facts without the
    catalog lines they change. With ``saved_text``, a request is not followed by a save while the
    last save took more than a tenth of the time since (``SAVE_SHARE``): each save rewrites and
    re-parses the whole catalog, seconds on a 10,000-entry one, against arXiv's 3 s a request.
    A run stopped by an error (arXiv down past the retries) first saves what a skipped save left."""
    catalog = parse(catalog_text, taxonomy)
    previous = paper_store.load(store_text, settings.store_path)
    ids = listed_ids(catalog)
    begin = previous if start is None else start
    last_save = (-math.inf, 0.0)  # (when the last save ended, how long it took)
    unsaved: list[Store] = []  # the store of a save skipped since the last one

    def checkpoint(store: Store, force: bool = False) -> None:
        nonlocal last_save
        unsaved[:] = [store]
        if saved_text is not None:
            began = clock()
            if not force and (began - last_save[0]) * SAVE_SHARE < last_save[1]:
                return  # the caller saves the result at the end
            saved_text(enrich_catalog(catalog, previous, store, venues, settings.lines)[0].render())
        saved(store)
        unsaved.clear()
        if saved_text is not None:
            ended = clock()
            last_save = (ended, ended - began)

    try:
        store, asked, unknown, left = refresh_store(ids, begin, api, today, settings, checkpoint, progress)
    # arXiv down, Ctrl-C, SIGTERM (``sigterm_exits``): the requests answered since the last save
    # are saved, not asked again by the next run
    except (BotError, KeyboardInterrupt, SystemExit):
        if unsaved:
            progress("stopped: saving what arXiv answered so far")
            checkpoint(unsaved[0], force=True)
        raise
    # listed papers only, in catalog order: the store read back from its file is sorted by id, one
    # fetched tonight in fetch order, and the summary's lists follow the store's order
    store = {i: store[i] for i in ids if i in store}
    new_catalog, changes = enrich_catalog(catalog, previous, store, venues, settings.lines)
    return Result(
        store,
        new_catalog.render(),
        changes,
        asked,
        unknown,
        api.requests,
        len(ids),
        left,
        previous,
        two_ids=two_ids(new_catalog),
    )


@dataclass
class Enricher:
    """The nightly job's part: the same steps on the default branch's files, through the forge."""

    api: PoliteApi
    settings: Settings
    venues: VenueTable
    # new versions of papers announced today (the daily feed's replace items): refetched at once
    announced: Callable[[], Mapping[str, int]] | None = None

    @classmethod
    def from_config(
        cls, papers: Mapping[str, Any], sources: Mapping[str, Any], api: PoliteApi | None = None
    ) -> Enricher:
        """``api``: the run's arXiv API session when other steps call arXiv too (one pace for all)."""
        announced = daily_replacements(sources) if papers["enrich"]["read_daily_feed"] else None
        return cls(
            api or PoliteApi(ApiSettings.from_config(dict(sources))),
            Settings.from_config(papers),
            VenueTable.from_config(papers),
            announced,
        )

    @property
    def store_path(self) -> str:
        return self.settings.store_path

    def run(
        self,
        forge: Forge,
        catalog_text: str,
        taxonomy: Taxonomy | None,
        today: datetime.date,
        branch: str | None = None,
    ) -> Result:
        """The default branch's store brought up to date; with ``branch``, starting from the store
        on the bot's open PR of that branch too (the papers fetched on earlier nights and not
        merged yet are not fetched again, and a run limited by ``max_papers`` goes on from there)."""
        path = self.settings.store_path
        store_text = forge.read_file(path)
        start = paper_store.newest(paper_store.load(store_text, path), self._pending_store(forge, branch))
        if self.announced is not None and start:
            start = paper_store.mark_announced(start, self.announced())
        saved: list[Store] = []
        try:
            return run(
                catalog_text,
                store_text,
                self.api,
                today,
                taxonomy,
                self.venues,
                self.settings,
                saved=saved.append,
                start=start,
            )
        except SourceError as exc:  # arXiv down: keep what it answered, the next night goes on
            so_far = saved[-1] if saved else start
            no_more = dataclasses.replace(self.settings, max_papers=0)
            result = run(
                catalog_text, store_text, self.api, today, taxonomy, self.venues, no_more, start=so_far
            )
            result.failure = str(exc)
            return result

    def _pending_store(self, forge: Forge, branch: str | None) -> Store:
        """The store on the open bot PR of ``branch`` ({} without one). A broken one is only
        warned about: the PR is rebuilt from the default branch anyway."""
        pull = (
            next((p for p in forge.bot_pull_requests("open") if p.branch == branch), None) if branch else None
        )
        if pull is None:
            return {}
        path = self.settings.store_path
        try:
            return paper_store.load(forge.read_pull_request_file(pull, path), f"{path} on {branch}")
        except CatalogError as exc:
            warnings.warn(f"{exc}; starting from the default branch's store", stacklevel=2)
            return {}

    def edit(self, result: Result, taxonomy: Taxonomy | None) -> Callable[[str], str]:
        """The catalog edit for the rolling PR, applied to whatever the default branch holds then."""
        return enrich_edit(result.previous, result.store, self.venues, self.settings.lines, taxonomy)


def summary(result: Result, settings: Settings, dry_run: bool, max_rows: int = SUMMARY_ROWS) -> str:
    return templates.render(
        "enrich_summary.md.j2", r=result, settings=settings, dry_run=dry_run, cell=cell, max_rows=max_rows
    ).strip()


# -- the job -----------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", help="the catalog path (default: config/poll.yml 'catalog')")
    parser.add_argument("--store", help="the paper store (default: config/papers.yml store.path)")
    add_repo_argument(parser, "the repository root")
    parser.add_argument("--dry-run", action="store_true", help="fetch and print the changes; write nothing")
    add_max_rows_argument(parser, "the table of changes")


def main(args: argparse.Namespace) -> int:
    papers = config.load("papers")
    settings = Settings.from_config(papers)
    if args.store:
        settings = dataclasses.replace(settings, store_path=args.store)
    repo = repo_root(args.repo)  # from docs/: the list's files
    catalog_path = repo / (args.catalog or config.catalog_path())
    store_path = repo / settings.store_path
    taxonomy = config.load_taxonomy()
    catalog_text = read_catalog(catalog_path, taxonomy).render()
    store_text = read_store_text(store_path)
    api = PoliteApi(ApiSettings.from_config(config.load("sources")))

    written = catalog_text  # what catalog.md holds now

    def save_text(text: str) -> None:  # first the catalog lines, then the store (see ``run``)
        nonlocal written
        if not args.dry_run and text != written:
            write_catalog(catalog_path, text, taxonomy, old_text=written)
            written = text

    def save(store: Store) -> None:
        if not args.dry_run:
            write_store(store_path, store)

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    venues = VenueTable.from_config(papers)
    today = datetime.date.today()
    with sigterm_exits():
        result = run(
            catalog_text,
            store_text,
            api,
            today,
            taxonomy,
            venues,
            settings,
            save,
            progress,
            saved_text=save_text,
        )
    save_text(result.text)
    save(result.store)
    text = summary(result, settings, args.dry_run, args.max_rows)
    print(text)
    append_step_summary(dict(os.environ), text)
    return 0
