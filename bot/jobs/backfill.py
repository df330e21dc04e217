"""``python -m bot backfill --since 2025-01-01 [--until ...] [--categories ...] [--dry-run]``: catch up
on months the catalog missed.

1. Searches the arXiv API by category and submission date range
   (``(cat:cs.CL OR cat:cs.LG) AND submittedDate:[202501010000 TO 202501312359]``), oldest first,
   ``backfill.page_size`` papers a page, 3 s between pages (``bot.sources.arxiv_fetch``). After each
   page the progress goes to a state file (``backfill.state_file``), so an interrupted run resumes
   at the next page; the file is removed when the search is complete. A progress bar on a
   terminal, one log line per page otherwise.
2. Papers already listed, already proposed or rejected (closed PRs, unticked checklist lines) are
   skipped, exactly as ``poll`` does; the rest are scored and routed by the same scorer.
3. The accepted papers go into ONE checklist PR per section (poll's batch mode,
   ``bot.core.digest``), on branch ``<branch_prefix>backfill-<section>``, at most
   ``backfill.max_per_section`` papers per section per run, best scores first. A maintainer
   unticks what does not belong; ``refresh`` drops those lines (and the bot never proposes them
   again). A rerun adds only what is new to each section's open PR.

``--dry-run`` prints what it would propose per section and writes nothing (no PR, no state).
Without ``--until`` the range ends at the last day arXiv has surely announced (``search_range``);
the summary says the range searched and the ``--since`` of the next backfill.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from bot import config
from bot.core import digest, templates
from bot.core.branches import BranchNames
from bot.core.candidates import lessons, select_candidates
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.proposals import PollSettings, Proposal, TrainScorer, proposal_for
from bot.core.taxonomy import Taxonomy
from bot.core.venues import VenueTable
from bot.errors import BotError, ConfigError
from bot.forge.actions import add_local_option, append_step_summary, services_from_args
from bot.forge.protocols import Forge, ProposalResult, propose_redone_once, read_default_catalog
from bot.jobs import JoinWords, add_repo_argument, repo_root
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_fetch import PoliteApi
from bot.sources.arxiv_search import (
    ANNOUNCED_AFTER_DAYS,
    last_announced_day,
    saved_query,
    saved_until,
    search,
    search_query,
)

# the search (bot.sources.arxiv_search, shared with new-topics) under its old names here too
from bot.sources.arxiv_search import EMPTY_PAGE_TRIES as EMPTY_PAGE_TRIES
from bot.sources.arxiv_search import STATE_VERSION as STATE_VERSION
from bot.sources.arxiv_search import Progress as Progress
from bot.sources.arxiv_search import SearchState as SearchState

if TYPE_CHECKING:
    from bot.scoring import Decision

_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")


@dataclass(frozen=True)
class BackfillSettings:
    categories: tuple[str, ...] = ("cs.CL", "cs.LG", "cs.AI")
    page_size: int = 200
    max_per_section: int = 25
    branch_prefix: str = "bot/backfill-"
    state_file: str = ".backfill-state.json"
    catalog_path: str = "catalog.md"

    @classmethod
    def from_config(
        cls, papers: dict[str, Any], catalog_path: str, branches: BranchNames | None = None
    ) -> BackfillSettings:
        data = papers["backfill"]
        prefix = (branches or BranchNames.from_prefix("bot/")).prefix + "backfill-"
        return cls(
            tuple(data["categories"]),
            data["page_size"],
            data["max_per_section"],
            prefix,
            data["state_file"],
            catalog_path,
        )


# -- routing into one checklist PR per section --------------------------------------------------------


@dataclass
class Report:
    papers: int = 0
    new: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    per_section: dict[str, list[Proposal]] = field(default_factory=dict)
    over_limit: dict[str, int] = field(default_factory=dict)
    results: list[ProposalResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    requests: int = 0


def by_section(
    accepted: Sequence[tuple[Paper, Decision]], poll_settings: PollSettings, limit: int
) -> tuple[dict[str, list[Proposal]], dict[str, int]]:
    """(proposals per section, best scores first, at most ``limit`` each; how many were left out)."""
    grouped: dict[str, list[Proposal]] = defaultdict(list)
    for paper, decision in sorted(accepted, key=lambda pd: -pd[1].score):
        grouped[decision.section].append(proposal_for(paper, decision, poll_settings))
    return (
        {s: p[:limit] for s, p in grouped.items()},
        {s: len(p) - limit for s, p in grouped.items() if len(p) > limit},
    )


def run(
    papers: Sequence[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    forge: Forge,
    train: TrainScorer,
    settings: BackfillSettings,
    dry_run: bool,
    out: TextIO,
) -> Report:
    report = Report(papers=len(papers))
    pulls = forge.bot_pull_requests("all")
    digest_branch = settings.branch_prefix.removesuffix("backfill-") + "digest"
    candidates = select_candidates(papers, catalog, pulls, digest_branch)
    report.new = len(candidates.new)
    report.skipped = {
        "listed": len(candidates.in_catalog),
        "proposed": len(candidates.already_proposed),
        "rejected": len(candidates.rejected),
        "withdrawn": len(candidates.withdrawn),
    }
    if not candidates.new:
        return report
    taught = lessons(pulls, catalog, candidates.rejected)  # as poll learns: the same scores
    scorer = train(
        catalog, list(papers), taught.rejected, corrections=taught.corrections, merged=taught.merged
    )
    decisions = list(zip(candidates.new, scorer.score(candidates.new), strict=True))
    poll_settings = PollSettings(catalog_path=settings.catalog_path, section_labels=False)
    accepted = [pd for pd in decisions if pd[1].accept]
    per_section, report.over_limit = by_section(accepted, poll_settings, settings.max_per_section)
    order = [s.id for s in taxonomy.sections]
    report.per_section = {
        s: per_section[s]
        for s in sorted(per_section, key=lambda s: (order.index(s) if s in order else len(order), s))
    }
    for section, proposals in list(report.per_section.items()):
        branch = f"{settings.branch_prefix}{section}"
        previous = next((p for p in pulls if p.branch == branch and p.state == "open"), None)
        try:
            change, left_out = digest.fitting_digest(
                previous, proposals, catalog, taxonomy, settings.catalog_path, branch
            )
        except BotError as exc:  # its open PR's marker edited by hand: left alone, the others go on
            report.failures.append(f"{section}: {exc}")
            del report.per_section[section]  # none of its papers is proposed
            continue
        if left_out:  # the open checklist's body holds no more: found again by the next run
            report.over_limit[section] = report.over_limit.get(section, 0) + left_out
            proposals = report.per_section[section] = proposals[: len(proposals) - left_out]
        if change is None:
            continue
        if dry_run:
            print(
                templates.render(
                    "backfill_section.txt.j2",
                    section=taxonomy.get(section),
                    proposals=proposals,
                    branch=branch,
                ),
                file=out,
            )
            continue
        try:
            report.results.append(propose_redone_once(forge, change))  # moved meanwhile: once more
        except BotError as exc:  # one section's failure does not stop the others
            report.failures.append(f"{section}: {exc}")
    return report


# -- the job -------------------------------------------------------------------------------------------


def categories_without_papers(categories: Sequence[str], papers: Sequence[Paper]) -> list[str]:
    """The ``categories`` (or whole archives, ``cs``) no paper found is listed in: a name arXiv does
    not know (``cs.XX``) is no error to the API, it only finds nothing."""
    listed = {c for p in papers for c in p.categories}
    archives = {c.split(".")[0] for c in listed}
    return [c for c in categories if c not in listed and ("." in c or c not in archives)]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-01-31") from exc


def search_range(
    since: datetime.date, until: datetime.date | None, saved: datetime.date | None, today: datetime.date
) -> datetime.date:
    """The last submission date to search: ``--until``; else the end of the search a state file
    saved (a run stopped on an earlier day resumes it); else the last day arXiv has surely
    announced. A search up to today found no paper of the days arXiv had not announced yet, and
    the run ended "complete": the next backfill, from the day after, never read them."""
    if since > today:
        raise ConfigError(f"--since {since} is after today ({today}): arXiv has no paper submitted then")
    if until is not None:
        if until < since:
            raise ConfigError(f"--until {until} is before --since {since}: nothing to search")
        if until > last_announced_day(today):
            print(unannounced_warning(first_unannounced(since, today), until), file=sys.stderr)
        return until
    if saved is not None:  # the caller says so
        return saved
    last = last_announced_day(today)
    if last < since:
        raise ConfigError(
            f"without --until the search ends {last}, the last day arXiv has surely announced "
            f"({ANNOUNCED_AFTER_DAYS} days before today), which is before --since {since}: nothing to "
            f"search yet. Run it again on {since + datetime.timedelta(days=ANNOUNCED_AFTER_DAYS)}, or "
            f"pass --until {today} to search now (a paper not announced yet is not found)"
        )
    print(
        f"backfill: without --until the search ends {last}, the last day arXiv has surely announced "
        f"(it lists a paper once announced, up to {ANNOUNCED_AFTER_DAYS} days after its submission)",
        file=sys.stderr,
    )
    return last


def first_unannounced(since: datetime.date, today: datetime.date) -> datetime.date:
    """The first day of a search from ``since`` that arXiv may not have announced on ``today``."""
    return max(since, last_announced_day(today) + datetime.timedelta(days=1))


def unannounced_warning(after: datetime.date, until: datetime.date) -> str:
    return (
        f"warning: arXiv may not have announced every paper submitted from {after} to {until} yet (it lists "
        f"a paper once announced, up to {ANNOUNCED_AFTER_DAYS} days after its submission): run backfill "
        f"--since {after} again in a few days for the ones this search cannot find"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_date, required=True, help="first submission date (YYYY-MM-DD)")
    parser.add_argument(
        "--until",
        type=_date,
        help=f"last submission date (default: {ANNOUNCED_AFTER_DAYS} days ago, the last day arXiv "
        "has surely announced)",
    )
    parser.add_argument(
        "--categories",
        nargs="+",
        action=JoinWords,
        help="arXiv categories separated by commas or spaces (default: config/papers.yml)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be proposed per section")
    add_repo_argument(parser, "the git repository, and the state file's folder")
    parser.add_argument("--catalog", help="the catalog path relative to the repository root")
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    add_local_option(parser)


def main(
    args: argparse.Namespace,
    api: PoliteApi | None = None,
    clock: Callable[[], datetime.date] = datetime.date.today,
) -> int:
    env = dict(os.environ)
    args.repo = repo_root(args.repo)  # from docs/: the list's
    papers_config = config.load("papers")
    catalog_path = args.catalog or config.catalog_path()
    settings = BackfillSettings.from_config(
        papers_config, catalog_path, BranchNames.from_config(config.load("github"))
    )
    categories = (
        tuple(c for c in re.split(r"[\s,]+", args.categories) if c)
        if args.categories
        else settings.categories
    )
    bad = [c for c in categories if not _CATEGORY.match(c)]
    if bad or not categories:
        named = ", ".join(map(repr, bad)) or "none given"
        raise ConfigError(
            f"--categories: {named} is not an arXiv category such as cs.CL or cs (comma-separated)"
        )
    state_path = None if args.dry_run else args.repo / settings.state_file
    today = clock()
    saved = None if args.until else saved_until(state_path, categories, args.since)
    until = search_range(args.since, args.until, saved, today)
    if saved is not None:
        print(f"backfill: resuming the search saved in {state_path} (until {until})", file=sys.stderr)
    taxonomy = config.load_taxonomy()
    forge = services_from_args(env, args, catalog_path).forge("backfill", dry_run=args.dry_run)
    text = read_default_catalog(forge, catalog_path, "--catalog")
    catalog = parse(text, taxonomy)
    api = api or PoliteApi(ApiSettings.from_config(config.load("sources")))
    query = search_query(categories, args.since, until)
    print(f"backfill: {query}", file=sys.stderr)
    if (other := saved_query(state_path)) not in (None, query):  # its progress is replaced, say so
        print(
            f"backfill: {state_path} held the progress of another search ({other}): this run starts "
            "its own search and replaces it",
            file=sys.stderr,
        )
    venues = VenueTable.from_config(papers_config)
    progress = Progress(sys.stderr, "backfill", "search a shorter --since/--until range")
    found = search(api, query, settings.page_size, venues, state_path, progress, today)
    announced = last_announced_day(today)
    missing = categories_without_papers(categories, found)
    if missing and (found or args.since <= announced):  # days arXiv has not announced: no typo
        print(
            f"warning: no paper of {', '.join(missing)} submitted from {args.since} to {until}: check the "
            "name against https://arxiv.org/category_taxonomy (arXiv answers an unknown one with nothing)",
            file=sys.stderr,
        )
    data = config.load("poll")
    from bot.scoring.trainer import make_trainer, readable_store, scorer_cache_dir

    cache_dir = scorer_cache_dir(args.repo, data["cache_dir"], env)
    store_path = papers_config["store"]["path"]
    store, store_problem = readable_store(forge.read_file(store_path), store_path)
    if store_problem:
        print(f"warning: {store_problem}", file=sys.stderr)
    train = make_trainer(config.load("keywords"), taxonomy, cache_dir, store)
    report = run(found, catalog, taxonomy, forge, train, settings, args.dry_run, sys.stdout)
    report.requests = api.requests
    summary = templates.render(
        "backfill_summary.md.j2",
        r=report,
        query=query,
        dry_run=args.dry_run,
        taxonomy=taxonomy,
        since=args.since,
        until=until,
        unannounced=first_unannounced(args.since, today) if until > announced else None,
        next_since=until + datetime.timedelta(days=1),
        days=ANNOUNCED_AFTER_DAYS,
    ).strip()
    print(summary)
    append_step_summary(env, summary)
    if report.failures:
        raise BotError(
            f"{len(report.failures)} section PR(s) could not be opened: " + "; ".join(report.failures[:3])
        )
    if state_path is not None and state_path.exists():
        state_path.unlink()  # complete: the next run starts a new search
    return 0
