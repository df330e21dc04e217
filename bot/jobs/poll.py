"""The poll job: arXiv feed -> new papers -> scored and routed -> one pull request per paper.

A paper's life: seen in a feed, kept if it is new (not a replacement, not in the catalog, not
already proposed or rejected), scored, routed to a section, proposed (branch + PR), then merged
(in the list) or closed (remembered as rejected: never proposed again).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import httpx

from bot import config
from bot.core import digest, templates
from bot.core import taxonomy as taxonomy_module
from bot.core.branches import BranchNames
from bot.core.candidates import Candidates, rejected_paper, routing_corrections, select_candidates
from bot.core.catalog import Catalog, parse
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, CatalogError, ForgeError
from bot.forge.actions import append_step_summary, build_services
from bot.forge.protocols import ChangeRequest, Forge, ProposalResult, PullRequest

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the scorer pulls in scikit-learn: import it only where it runs
    from bot.core.candidates import Correction
    from bot.scoring import Decision


class Scorer(Protocol):
    def score(self, papers: Sequence[Paper]) -> Sequence[Decision]: ...


class TrainScorer(Protocol):
    """(catalog, feed, rejected papers, routing corrections) -> a trained scorer."""

    def __call__(
        self,
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
    ) -> Scorer: ...


@dataclass(frozen=True)
class PollSettings:
    catalog_path: str = "catalog.md"
    max_pull_requests: int = 20
    labels: tuple[str, ...] = ("new-paper",)
    section_labels: bool = True
    needs_section_label: str = "needs-section"
    near_misses: int = 5
    dry_run: bool = False
    batch_mode: bool = False  # one digest PR per run (config/github.yml)
    branches: BranchNames = BranchNames.from_prefix("bot/")  # config/github.yml branch_prefix

    @classmethod
    def from_config(cls, data: dict[str, Any], github: dict[str, Any], dry_run: bool = False) -> PollSettings:
        """From the loaded config/poll.yml and config/github.yml (schema defaults merged)."""
        return cls(
            catalog_path=data["catalog"],
            max_pull_requests=data["max_pull_requests"],
            labels=tuple(data["labels"]),
            section_labels=data["section_labels"],
            needs_section_label=data["needs_section_label"],
            near_misses=data["near_misses"],
            dry_run=dry_run,
            batch_mode=bool(github["batch_mode"]),
            branches=BranchNames.from_config(github),
        )


@dataclass
class PollReport:
    candidates: Candidates
    decisions: list[tuple[Paper, Decision]] = field(default_factory=list)
    results: list[ProposalResult] = field(default_factory=list)
    would_propose: list[Proposal] = field(default_factory=list)  # dry run
    skipped_over_limit: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (arxiv id, message)

    @property
    def accepted(self) -> list[tuple[Paper, Decision]]:
        return [(p, d) for p, d in self.decisions if d.accept]

    def near_misses(self, count: int) -> list[tuple[Paper, Decision]]:
        below = [(p, d) for p, d in self.decisions if not d.accept]
        return sorted(below, key=lambda pd: -pd[1].score)[:count]


def proposal_for(paper: Paper, decision: Decision, settings: PollSettings) -> Proposal:
    labels = list(settings.labels)
    if settings.section_labels:
        labels.append(f"section:{decision.section}")
    if decision.needs_section:
        labels.append(settings.needs_section_label)
    return Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section=decision.section,
        subsection=decision.subsection,
        score=decision.score,
        threshold=decision.threshold,
        confidence=decision.confidence,
        runner_up=decision.runner_up,
        needs_section=decision.needs_section,
        reasons=list(decision.reasons),
        neighbours=list(decision.neighbours),
        labels=tuple(labels),
    )


# -- the job ---------------------------------------------------------------------------------


def _progress(message: str) -> None:
    log.info("… %s", message)


def run(
    papers: Sequence[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    forge: Forge,
    train_scorer: TrainScorer,
    settings: PollSettings,
    out: TextIO,
    verbose: bool = False,
) -> PollReport:
    """Everything external is passed in; returns what happened (also printed to ``out``: one line
    per PR, plus its body and diff when ``verbose``)."""
    _progress("reading the bot's pull requests")
    pulls = forge.bot_pull_requests("all")
    candidates = select_candidates(papers, catalog, pulls, settings.branches.digest)
    report = PollReport(candidates)
    if not candidates.new:
        return report
    from bot.scoring import catalog_entries  # here: the scorer (scikit-learn) loads only when it runs

    # the count a PR body cites ("reads like the N catalog entries"): paper entries, each title once
    entries = len(catalog_entries(catalog, taxonomy))
    listed = [item for item in catalog.items if item.arxiv_ids or item.entry]
    if not entries and listed:
        log.warning(
            "none of the catalog's %d entries is under a paper section of config/taxonomy.yml: the "
            "learned model has nothing to learn from and the keyword rules alone decide. Run "
            "`python -m bot lint` to see the headings the taxonomy does not know.",
            len(listed),
        )
    _progress(f"training the scorer on {entries} catalog entries")
    rejected_papers = candidates.rejected + [rejected_paper(p) for p in pulls if p.state == "closed"]
    scorer = train_scorer(
        catalog,
        list(papers),
        [p for p in rejected_papers if p],
        corrections=routing_corrections(pulls, catalog),
    )
    _progress(f"scoring {len(candidates.new)} new papers")
    report.decisions = list(zip(candidates.new, scorer.score(candidates.new), strict=True))
    accepted = sorted(report.accepted, key=lambda pd: -pd[1].score)
    report.skipped_over_limit = max(0, len(accepted) - settings.max_pull_requests)
    proposals = [proposal_for(p, d, settings) for p, d in accepted[: settings.max_pull_requests]]
    changes = (
        [_digest_change(proposals, pulls, catalog, taxonomy, settings)]
        if settings.batch_mode
        else [(p, change_request(p, taxonomy, settings.catalog_path, settings.branches)) for p in proposals]
    )
    for proposal, change in changes:
        if change is None:
            continue
        if settings.dry_run:
            report.would_propose.append(proposal)
            print(
                templates.render(
                    "poll_proposal.txt.j2", change=change, action="would open", diff="", verbose=verbose
                ).rstrip("\n"),
                file=out,
            )
            continue
        try:
            result = forge.propose(change)
        except BotError as exc:  # one paper's failure does not stop the others
            report.failures.append((proposal.paper.arxiv_id, str(exc)))
            continue
        report.results.append(result)
        if result.action != "unchanged":
            print(
                templates.render(
                    "poll_proposal.txt.j2",
                    change=change,
                    action=result.action,
                    diff=result.diff,
                    verbose=verbose,
                ).rstrip("\n"),
                file=out,
            )
    return report


def _digest_change(
    proposals: list[Proposal],
    pulls: Sequence[PullRequest],
    catalog: Catalog,
    taxonomy: Taxonomy,
    settings: PollSettings,
) -> tuple[Any, ChangeRequest | None]:
    """Batch mode: this run's papers join the open digest PR (one change for the run)."""
    previous = next((p for p in pulls if p.branch == settings.branches.digest and p.state == "open"), None)
    if not proposals:
        return None, None
    change = digest.digest_for_run(
        previous, proposals, catalog, taxonomy, settings.catalog_path, settings.branches.digest
    )
    return proposals[0], change


def render_summary(report: PollReport, settings: PollSettings, source: str) -> str:
    return templates.render(
        "poll_summary.md.j2",
        r=report,
        c=report.candidates,
        settings=settings,
        source=source,
        near_misses=report.near_misses(settings.near_misses),
    )


# -- the edge: build the dependencies from arguments, config and the environment ----------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--feed", type=Path, help="read papers from this RSS/Atom/JSONL file instead of the arXiv RSS service"
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="in local-git mode, fetch the live arXiv feed (default: the recorded sample feed)",
    )
    parser.add_argument("--categories", help="comma-separated arXiv categories (default: config)")
    parser.add_argument(
        "--dry-run", action="store_true", help="score and print the would-be PRs; create no branch or PR"
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=Path.cwd(),
        help="the git repository (local-git mode; default: the current directory)",
    )
    parser.add_argument("--catalog", help="the catalog path relative to the repository root")
    # the global --verbose (bot/__main__.py) also prints each pull request's body and diff
    # (default: one line per PR; the job summary has the table)


SAMPLE_FEED_DEFAULT = "tests/fixtures/arxiv/arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
PACKAGED_SAMPLE_FEED = Path(__file__).resolve().parent.parent / "samples" / "arxiv-sample-feed.xml"


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
            categories = tuple(c.strip() for c in args.categories.split(",") if c.strip())
            settings = dataclasses.replace(settings, categories=categories)
        if http_client is None:
            with httpx.Client() as client:
                result = feeds.poll(settings, client)
        else:
            result = feeds.poll(settings, http_client())
        papers, source = list(result.papers), result.source
    return [paper_facts.enrich(p) for p in papers], source


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    data = config.load("poll")
    data["catalog"] = args.catalog or config.catalog_path()
    github = config.load("github")
    settings = PollSettings.from_config(data, github, dry_run=args.dry_run)
    taxonomy = taxonomy_module.load()
    services = build_services(env, catalog_path=settings.catalog_path, repo_path=args.repo)
    is_github, forge = services.is_github, services.forge()
    try:
        papers, source = load_papers(args, data, is_github, services.http_client)
    finally:
        services.close()
    if not papers:
        print(templates.render("poll_empty.txt.j2", source=source).strip())
        append_step_summary(env, f"No new papers: the feed {source} is empty (a weekend or holiday).\n")
        return 0
    # the default branch's committed catalog, where the branches are built (local git too)
    working_tree = args.repo / settings.catalog_path
    if (
        not is_github
        and settings.dry_run
        and not forge.read_file(settings.catalog_path)
        and working_tree.is_file()
    ):
        # a freshly initialised list (nothing committed yet): a dry run builds no branch, so it
        # may read the working tree; a real run needs the committed catalog
        log.warning(
            "note: %s is not committed yet; this dry run reads the working tree's copy. Commit "
            "it before a real run.",
            working_tree,
        )
        catalog = parse(working_tree.read_text(encoding="utf-8"), taxonomy)
    else:
        catalog = _catalog_from_forge(forge, settings, taxonomy)
    if not is_github and forge.read_file(settings.catalog_path):
        _note_uncommitted(working_tree, catalog, forge)
    from bot.scoring.trainer import make_trainer, scorer_cache_dir

    cache_dir = scorer_cache_dir(args.repo, data["cache_dir"], env)
    store_text = forge.read_file(config.load("papers")["store"]["path"])
    trainer = make_trainer(config.load("keywords"), taxonomy, cache_dir, store_text)
    report = run(
        papers,
        catalog,
        taxonomy,
        forge,
        trainer,
        settings,
        sys.stdout,
        verbose=getattr(args, "verbose", False),
    )
    mark_replaced(args.repo, report.candidates.replaced_listed, settings.dry_run)
    summary = render_summary(report, settings, source)
    print(summary)
    append_step_summary(env, summary)
    if report.failures:
        raise ForgeError(
            f"{len(report.failures)} pull request(s) could not be opened: "
            + "; ".join(f"{i}: {m}" for i, m in report.failures[:3])
        )
    return 0


def mark_replaced(repo: Path, versions: dict[str, int], dry_run: bool) -> None:
    """New versions of listed papers (the feed's ``replace`` announcements) marked in the paper store,
    when there is one in this checkout, so that the next ``enrich`` fetches their facts again."""
    from bot.core import paper_store

    path = repo / config.load("papers")["store"]["path"]
    if not versions or dry_run or not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    marked = paper_store.dump(paper_store.mark_announced(paper_store.load(text, str(path)), versions))
    if marked != text:
        path.write_text(marked, encoding="utf-8")


def _catalog_from_forge(forge: Forge, settings: PollSettings, taxonomy: Taxonomy) -> Catalog:
    text = forge.read_file(settings.catalog_path)
    if not text:
        raise CatalogError(
            f"{settings.catalog_path} is missing on the default branch: push it, or set "
            "`catalog` in config/poll.yml to where it is"
        )
    return parse(text, taxonomy)


def _note_uncommitted(path: Path, committed: Catalog, forge: Forge) -> None:
    """Local git: the poll reads the committed catalog (its branches are built on it); say so when
    the working tree's copy differs, since papers added there but not committed do not count."""
    try:
        working = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        working = None
    if working != committed.render():
        branch = getattr(forge, "default_branch", "the default branch")
        log.warning(
            "note: %s has uncommitted changes; the poll reads (and builds its branches on) the "
            "version committed on %s. Commit your edits for them to count.",
            path,
            branch,
        )
