"""``python -m bot new-topics``: the weekly "near misses and new topics" issue, edited in place.

A topic that became hot after the catalog was built is what the scorer is worst at: its words
are in no catalog title and maybe in no keyword rule. Once a week this job shows a maintainer
what to teach it, in one issue (found again by its first label and hidden marker):

1. reads the week's papers: the arXiv API searched by submission date over ``new_topics.days``
   days that end ``ANNOUNCED_AFTER_DAYS`` before the run (days arXiv has announced; the
   categories of config/papers.yml ``backfill``), or ``--feed FILE``
   (then the report's dates are the first and last the papers carry);
2. scores the papers that are not listed, proposed or rejected, as ``poll`` does;
3. **near misses**: papers with at least ``min_points`` rule points and a score of at least
   ``min_score`` that the score held back, the nearest the threshold first, each with its
   ``/add <id> <section>`` line;
4. **new topics**: title word pairs of the week's papers with some efficiency evidence that are
   ``term_min_ratio`` times more frequent than in the fixed background and that neither
   config/keywords.yml nor any catalog title knows, each with its papers and their ``/add`` lines;
5. edits the issue (opened the first time; closed in a week with nothing to report, reopened by
   the next report). A rerun on the same papers writes nothing.

Without a token (local-git mode) or with ``--dry-run`` the issue body is printed (``--output
FILE`` writes it) and nothing is published.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot import config
from bot.core import markers
from bot.core.branches import BranchNames
from bot.core.candidates import train_as_poll
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.keyword_edits import TEACH_MARKER_KIND
from bot.core.markdown import BODY_LIMIT
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.core.templates import render
from bot.errors import BotError, SourceError
from bot.forge.actions import add_local_option, append_step_summary, services_from_args
from bot.forge.protocols import IssueTracker, PullRequest, TrackedIssue, read_default_catalog
from bot.jobs import add_repo_argument, repo_root
from bot.scoring.emerging import (
    NearMiss,
    RisingTerm,
    near_misses,
    plural_free,
    rising_terms,
    term_reach,
    usual_section,
)
from bot.sources.arxiv_search import ANNOUNCED_AFTER_DAYS as ANNOUNCED_AFTER_DAYS

MARKER = "new-topics"
DRY_RUN_ACTIONS = {
    "opened": "would open",
    "reopened": "would reopen",
    "updated": "would update",
    "closed": "would close",
}


@dataclass(frozen=True)
class NewTopicsSettings:
    days: int = 7
    min_points: float = 2.0
    min_score: float = 0.25
    max_papers: int = 10
    max_terms: int = 8
    term_min_papers: int = 3
    term_min_ratio: float = 5.0
    evidence_points: float = 2.0
    issue_title: str = "Near misses and new topics"
    issue_labels: tuple[str, ...] = ("new-topics",)

    @classmethod
    def from_config(cls, poll: dict[str, Any]) -> NewTopicsSettings:
        """From the loaded config/poll.yml (schema defaults merged)."""
        data = dict(poll["new_topics"])
        data["issue_labels"] = tuple(data["issue_labels"])
        return cls(**data)


@dataclass(frozen=True)
class NewTopicsReport:
    since: str
    until: str
    papers: int  # the week's papers read
    scored: int  # of them, not listed, proposed or rejected
    misses: tuple[NearMiss, ...]
    terms: tuple[RisingTerm, ...]
    # the week's papers a pull request proposes already or a maintainer closed: id -> which
    settled: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.misses and not self.terms


def build_report(
    papers: Sequence[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    scorer: Any,
    background: Sequence[Paper],
    pulls: Sequence[PullRequest],
    branches: BranchNames,
    settings: NewTopicsSettings,
    since: str,
    until: str,
) -> NewTopicsReport:
    """The report (pure apart from the scorer): near misses among the papers not yet listed,
    proposed or rejected, and the rising title terms of all the week's papers."""
    from bot.core.candidates import REPLACEMENTS, select_candidates
    from bot.scoring.scorer import catalog_entries

    candidates = select_candidates(papers, catalog, pulls, branches.digest)
    new = candidates.new
    settled = {p.arxiv_id: "proposed" for p in candidates.already_proposed}
    settled |= {p.arxiv_id: "rejected" for p in candidates.rejected}
    decisions = scorer.score(new)
    points = [r.points for r in scorer.rules.evaluate_all(new)]
    misses = near_misses(new, decisions, points, settings.min_points, settings.max_papers, settings.min_score)
    evidence = settings.evidence_points
    # a new version of an older paper (a feed's replace item) is no sign of what rises this week,
    # nor is a withdrawn paper (whose /add would be refused), nor one of a category the gate holds
    # back (never proposed: a feed of all archives gave a quantization list "black hole")
    fresh = [
        p
        for p in papers
        if p.announce_type not in REPLACEMENTS and not p.withdrawn and scorer.rules.category_ok(p)
    ]
    week = [p for p, r in zip(fresh, scorer.rules.evaluate_all(fresh), strict=True) if r.points >= evidence]
    usual = [
        p
        for p, r in zip(background, scorer.rules.evaluate_all(background), strict=True)
        if r.points >= evidence and not p.extra.get("label")
    ]
    terms = rising_terms(
        week,
        usual,
        [r.pattern for r in scorer.rules.rules],
        [e.title for e in catalog_entries(catalog, taxonomy)],
        settings.term_min_papers,
        settings.term_min_ratio,
        settings.max_terms,
        whole=(fresh, background),  # a phrase the whole field uses is no new topic
    )
    taught = teach_pulls(pulls)
    terms = [
        replace(
            t,
            section=usual_section(scorer.score(t.papers)),
            reach=term_reach(t.term, background),
            taught_by=f"[#{pull.number}]({pull.url})" if (pull := taught.get(plural_free(t.term))) else "",
        )
        for t in terms
        if getattr(taught.get(plural_free(t.term)), "state", "") != "closed"  # a maintainer said no
    ]
    return NewTopicsReport(since, until, len(papers), len(new), tuple(misses), tuple(terms), settled)


def teach_pulls(pulls: Sequence[PullRequest]) -> dict[str, PullRequest]:
    """The /teach pull requests by their term (lowercase, plural dropped as ``rising_terms``
    counts them): a closed one (not merged) is a term a maintainer declined, an open one is being
    taught; the newest of a term wins."""
    found: dict[str, PullRequest] = {}
    for pull in sorted(pulls, key=lambda p: p.number):
        term = (markers.find(pull.body, TEACH_MARKER_KIND) or {}).get("term")
        if isinstance(term, str) and term.strip():
            found[plural_free(" ".join(term.lower().split()))] = pull
    return found


def issue_text(
    report: NewTopicsReport, settings: NewTopicsSettings, limit: int = BODY_LIMIT, ids_per_line: int = 10
) -> tuple[str, str]:
    """(title, body); the body ends with the hidden marker the issue is found again by. A body
    over ``limit`` (GitHub refuses an issue over 65,536 characters) shows fewer near misses and
    terms, the last ones first, and says how many it left out. An ``/add`` line holds at most
    ``ids_per_line`` ids (config/commands.yml ``max_ids``: what one comment may add)."""
    most = limit // 50  # no near miss or term takes fewer characters
    shown = replace(report, misses=report.misses[:most], terms=report.terms[:most])
    while True:
        left = (len(report.misses) - len(shown.misses), len(report.terms) - len(shown.terms))
        body = render(
            "new_topics_issue.md.j2", r=shown, settings=settings, left=left, ids_per_line=ids_per_line
        ).strip()
        text = f"{body}\n\n{markers.make(MARKER)}\n"
        if len(text) <= limit or not (shown.misses or shown.terms):
            return settings.issue_title, text
        if len(shown.misses) >= len(shown.terms):
            shown = replace(shown, misses=shown.misses[:-1])
        else:
            shown = replace(shown, terms=shown.terms[:-1])


def planned_action(existing: TrackedIssue | None, title: str, body: str, empty: bool) -> str:
    """opened, reopened, updated, closed, unchanged, or none (nothing to report and no issue). A
    report a maintainer closed stays closed when a rerun finds the same report."""
    if existing is None:
        return "none" if empty else "opened"
    same = (existing.title, existing.body.strip()) == (title, body.strip())
    wanted = "closed" if empty else "open"
    if existing.state != wanted and not (same and existing.state == "closed"):
        return "closed" if empty else "reopened"
    return "unchanged" if same else "updated"


def publish(
    tracker: IssueTracker,
    report: NewTopicsReport,
    settings: NewTopicsSettings,
    dry_run: bool,
    ids_per_line: int = 10,
) -> tuple[str, str]:
    """(action, body): the one issue edited in place (closed in a week with nothing to report)."""
    title, body = issue_text(report, settings, ids_per_line=ids_per_line)
    existing = tracker.tracking_issue(MARKER, settings.issue_labels[0])
    action = planned_action(existing, title, body, report.empty)
    if action in ("none", "unchanged"):
        return action, body
    if dry_run:
        return DRY_RUN_ACTIONS[action], body
    tracker.upsert_issue(MARKER, title, body, settings.issue_labels, close=report.empty)
    return action, body


# -- the job ------------------------------------------------------------------------------------------


def week_window(today: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """(first, last) submission date of the ``days`` days a run on ``today`` reads: the last ones
    arXiv has surely announced, so that a run every ``days`` days reads each day once (a window
    ending today read days whose papers were not listed yet, and the next run started after them)."""
    until = today - datetime.timedelta(days=ANNOUNCED_AFTER_DAYS)  # backfill's default end too
    return until - datetime.timedelta(days=days - 1), until


def week_papers(
    api: Any,
    papers_config: dict[str, Any],
    since: datetime.date,
    until: datetime.date,
) -> list[Paper]:
    """The papers submitted from ``since`` to ``until``, from the arXiv API (backfill's search
    over config/papers.yml's ``backfill.categories``)."""
    from bot.core.venues import VenueTable
    from bot.sources.arxiv_search import Progress, search, search_query

    backfill = papers_config["backfill"]
    query = search_query(backfill["categories"], since, until)
    print(f"new-topics: {query}", file=sys.stderr)
    return search(
        api,
        query,
        backfill["page_size"],
        VenueTable.from_config(papers_config),
        None,
        Progress(sys.stderr, "new-topics", "set fewer new_topics.days in config/poll.yml"),
        until,
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--feed",
        type=Path,
        action="append",
        help="read the papers from this RSS/Atom/JSONL file instead of the arXiv API (repeatable)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the issue body; publish nothing")
    parser.add_argument("--output", type=Path, help="also write the issue body to this file")
    add_repo_argument(parser, "the git repository (local-git mode), whose scorer cache the run uses")
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    add_local_option(parser)


def dates_of(papers: Sequence[Paper]) -> tuple[str, str] | None:
    """(first, last) date the papers carry (ISO), or None when none has a date."""
    dates = sorted(p.date[:10] for p in papers if p.date)
    return (dates[0], dates[-1]) if dates else None


def main(
    args: argparse.Namespace, api: Any = None, clock: Callable[[], datetime.date] = datetime.date.today
) -> int:
    from bot.core.catalog_io import refuse_unwritable
    from bot.scoring import background
    from bot.scoring.trainer import make_trainer, readable_store, scorer_cache_dir
    from bot.sources import arxiv_rss as feeds

    if args.output:
        refuse_unwritable(args.output)  # before a week of papers is read and scored
    env = dict(os.environ)
    args.repo = repo_root(args.repo)  # from docs/: the list's scorer cache
    poll = config.load("poll")
    settings = NewTopicsSettings.from_config(poll)
    catalog_path = config.catalog_path()
    taxonomy = config.load_taxonomy()
    services = services_from_args(env, args, catalog_path)
    forge = services.forge("new-topics", dry_run=args.dry_run)
    text = read_default_catalog(forge, catalog_path)
    catalog = parse(text, taxonomy)
    since, until = week_window(clock(), settings.days)
    window = (since.isoformat(), until.isoformat())
    if args.feed:
        papers = [p for path in args.feed for p in feeds.read_papers(path)]
        window = dates_of(papers) or window  # a recorded week says when it is, not today
    else:
        from bot.sources.arxiv_api import ApiSettings
        from bot.sources.arxiv_fetch import PoliteApi

        api = api or PoliteApi(ApiSettings.from_config(config.load("sources")))
        try:
            papers = week_papers(api, config.load("papers"), since, until)
        except BotError as exc:  # offline, or arXiv down: a saved feed still gives a report
            raise SourceError(f"{exc}; or report on papers saved in a file: --feed FILE") from exc
    papers = feeds.dedupe(papers)
    keywords = config.load("keywords")
    pulls = forge.bot_pull_requests("all")
    branches = BranchNames.from_config(config.load("github"))
    cache_dir = scorer_cache_dir(args.repo, poll["cache_dir"], env)
    store_path = config.load("papers")["store"]["path"]
    store, store_problem = readable_store(forge.read_file(store_path), store_path)
    if store_problem:
        print(f"warning: {store_problem}", file=sys.stderr)
    train = make_trainer(keywords, taxonomy, cache_dir, store)
    scorer = train_as_poll(train, papers, catalog, pulls, branches)
    report = build_report(
        papers,
        catalog,
        taxonomy,
        scorer,
        background.load(keywords),
        pulls,
        branches,
        settings,
        *window,
    )
    ids_per_line = config.load("commands")["max_ids"]  # what one comment may add
    if services.is_github:
        action, body = publish(services.github(), report, settings, args.dry_run, ids_per_line)
    else:
        action, body = (
            "printed (local-git mode: no issue)",
            issue_text(report, settings, ids_per_line=ids_per_line)[1],
        )
    if args.output:
        args.output.write_text(body, encoding="utf-8")
    if args.dry_run or not services.is_github:
        print(body)
    summary = render("new_topics_summary.md.j2", r=report, action=action).strip()
    print(summary)
    append_step_summary(env, summary)
    return 0
