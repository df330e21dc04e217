"""The poll job: arXiv feed -> new papers -> scored and routed -> one pull request per paper.

A paper's life: seen in a feed, kept if it is new (not a replacement, not in the catalog, not
already proposed or rejected), scored, routed to a section, proposed (branch + PR), then merged
(in the list) or closed (remembered as rejected: never proposed again).

The run's settings, the scorer it is given and a paper's proposal are ``bot.core.proposals``
(shared with backfill; importable from here under the same names), its report is
``poll/plan.py``; what it reads and writes besides pull requests (the feed, the committed
catalog, the paper store's marks) is ``poll/inputs.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot import config
from bot.config_checks import catalog_path_problem
from bot.core import digest, markdown, markers, templates
from bot.core.candidates import lessons, select_candidates
from bot.core.catalog import Catalog
from bot.core.catalog_io import read_text_exact
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.proposals import PollSettings, Proposal, TrainScorer, change_request, proposal_for
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, DuplicateEntryError, ForgeError, UnknownSectionError
from bot.forge.actions import add_local_option, append_step_summary, build_services
from bot.forge.local_git import LocalGitForge
from bot.forge.protocols import ChangeRequest, Forge, PullRequest, propose_redone_once
from bot.jobs import JoinWords, add_repo_argument, repo_root
from bot.jobs.poll.inputs import catalog_from_forge, load_papers, mark_replaced, note_uncommitted
from bot.jobs.poll.plan import PollReport
from bot.jobs.poll.rehearsal import added_lines, rehearse

log = logging.getLogger(__name__)


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
    if not settings.dry_run:
        pulls = [_labelled(forge, pull, settings) for pull in pulls]
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
    taught = lessons(pulls, catalog, candidates.rejected)
    scorer = train_scorer(
        catalog, list(papers), taught.rejected, corrections=taught.corrections, merged=taught.merged
    )
    _progress(f"scoring {len(candidates.new)} new papers")
    report.decisions = list(zip(candidates.new, scorer.score(candidates.new), strict=True))
    accepted = sorted(report.accepted, key=lambda pd: -pd[1].score)
    # the feed's papers already proposed (an earlier run of the day: a rerun after a failure) count
    # against the limit, so that reruns of a day open what one run would, not the papers over it
    budget = max(0, settings.max_pull_requests - len(candidates.already_proposed))
    report.skipped_over_limit = max(0, len(accepted) - budget)
    proposals = [proposal_for(p, d, settings) for p, d in accepted[:budget]]
    changes: list[tuple[Any, ChangeRequest | None]] = []
    if not settings.batch_mode:
        paths = (settings.catalog_path, settings.branches)
        changes = [(p, change_request(p, taxonomy, *paths)) for p in proposals]
    else:
        try:
            first, change, report.skipped_digest_full = _digest_change(
                proposals, pulls, catalog, taxonomy, settings
            )
            changes = [(first, change)]
        except BotError as exc:  # an open digest edited out of shape: left alone, the run fails
            report.failures.append((settings.branches.digest, str(exc)))
    open_branches = {pull.branch for pull in pulls if pull.state == "open"}
    for proposal, change in changes:
        if change is None:
            continue
        if not settings.batch_mode and (
            missing := missing_heading(catalog, taxonomy, proposal, settings.catalog_path)
        ):
            report.failures.append((proposal.paper.arxiv_id, missing))  # --dry-run says it too
            continue
        try:
            if settings.dry_run:  # the forge's edit, on the text the run read: what the run would do
                action, diff = rehearse(change, catalog.render(), open_branches)
            else:
                result = propose_redone_once(forge, change)  # a branch moved meanwhile: once more
                action, diff = result.action, result.diff
        except DuplicateEntryError as exc:  # added to the default branch since the run read it
            log.info("arXiv %s: not proposed: %s", proposal.paper.arxiv_id, exc)
            report.candidates.in_catalog.append((proposal.paper, exc.line))
            continue
        except BotError as exc:  # one paper's failure does not stop the others
            report.failures.append((proposal.paper.arxiv_id, str(exc)))
            continue
        if settings.dry_run:
            report.would_propose.append(proposal)
        else:
            report.results.append(result)
        if action != "unchanged":
            print(
                templates.render(
                    "poll_proposal.txt.j2",
                    change=change,
                    action=action,
                    diff=diff,
                    verbose=verbose,
                    dry_run=settings.dry_run,
                    added=added_lines(diff),
                ).rstrip("\n"),
                file=out,
            )
    return report


def missing_heading(
    catalog: Catalog, taxonomy: Taxonomy, proposal: Proposal, catalog_path: str
) -> str | None:
    """Why the proposal's line has no place in the catalog (its section's heading is missing), or
    None: said before any branch is made, and by ``--dry-run`` as by a real run."""
    try:
        catalog.section_heading(proposal.section, proposal.subsection)
    except UnknownSectionError:
        pass
    else:
        return None
    section = taxonomy.get(proposal.section, proposal.subsection)
    name = f"{proposal.section}/{proposal.subsection}" if proposal.subsection else proposal.section
    return (
        f"{catalog_path} has no heading for the section '{section.title}', id {name}: add it where "
        "python -m bot lint says, then run poll again"
    )


def _labelled(forge: Forge, pull: PullRequest, settings: PollSettings) -> PullRequest:
    """An open bot PR whose labelling failed when it was opened ("PR #n opened, but could not
    label"): a poll never proposes its paper again, so this run labels it, with poll.yml's
    ``labels`` on a paper PR or the digest."""
    if pull.state != "open":
        return pull
    paper = pull.branch == settings.branches.digest or markers.find(pull.body, "arxiv") is not None
    return forge.add_missing_labels(pull, settings.labels if paper else ())  # a failure: a warning


def _digest_change(
    proposals: list[Proposal],
    pulls: Sequence[PullRequest],
    catalog: Catalog,
    taxonomy: Taxonomy,
    settings: PollSettings,
) -> tuple[Any, ChangeRequest | None, int]:
    """Batch mode: this run's papers join the open digest PR (one change for the run), as many as
    its body can hold; the third value counts those left out."""
    previous = next((p for p in pulls if p.branch == settings.branches.digest and p.state == "open"), None)
    if not proposals:
        return None, None, 0
    change, left_out = digest.fitting_digest(
        previous, proposals, catalog, taxonomy, settings.catalog_path, settings.branches.digest
    )
    # poll.yml's labels go on every PR the poll opens (section labels do not: a digest has many)
    return proposals[0], change and dataclasses.replace(change, labels=settings.labels), left_out


def render_summary(
    report: PollReport, settings: PollSettings, source: str, store_problems: Sequence[str] = ()
) -> str:
    """The run's summary; ``store_problems``: why the paper store was not read or not marked."""
    return templates.render(
        "poll_summary.md.j2",
        r=report,
        c=report.candidates,
        settings=settings,
        source=source,
        store_problems=store_problems,
        near_misses=report.near_misses(settings.near_misses),
    )


def feed_failed_summary(message: str) -> str:
    """The run's summary when the feed did not read: that it failed, nothing was proposed, and the
    error's own message (what to do), escaped: an error feed's text is arXiv's."""
    return (
        "## arXiv poll\n\n"
        "**The feed did not read: the run failed and opened no pull request.**\n\n"
        f"> {markdown.inline(message, 1000)}\n"
    )


# -- the edge: build the dependencies from arguments, config and the environment ----------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--feed",
        "--input",  # score's name for it: `poll --dry-run --input FEED` as docs/adopt.md's score step
        dest="feed",
        type=Path,
        help="read papers from this RSS/Atom/JSONL file instead of the arXiv RSS service (--input: the same)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="in local-git mode, fetch the live arXiv feed (default: the recorded sample feed)",
    )
    parser.add_argument(
        "--categories",
        nargs="+",
        action=JoinWords,
        help="comma-separated arXiv categories (default: config)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="score and print the would-be PRs; create no branch or PR"
    )
    add_repo_argument(parser, "the git repository, whose cache and paper store the run uses")
    parser.add_argument("--catalog", help="the catalog path relative to the repository root")
    add_local_option(parser)
    # the global --verbose (bot/__main__.py) also prints each pull request's body and diff
    # (default: one line per PR; the job summary has the table)


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    args.repo = repo_root(args.repo)  # from docs/: the list's cache and paper store
    data = config.load("poll")
    if args.catalog and (problem := catalog_path_problem(args.catalog, "--catalog")):
        raise BotError(problem)
    data["catalog"] = args.catalog or config.catalog_path()
    github = config.load("github")
    settings = PollSettings.from_config(data, github, dry_run=args.dry_run)
    taxonomy = config.load_taxonomy()
    services = build_services(env, catalog_path=settings.catalog_path, repo_path=args.repo, local=args.local)
    is_github, forge = services.is_github, services.forge("poll", dry_run=settings.dry_run)
    if isinstance(forge, LocalGitForge):
        # run from a folder of the clone (docs/): the sample feed, the working tree's catalog, the
        # paper store and the cache are where they are from its top
        args.repo = forge.repo
    try:
        papers, source = load_papers(args, data, is_github, services.http_client)
    except BotError as exc:  # an error feed, a cut download, arXiv down: the log's line, in the summary too
        append_step_summary(env, feed_failed_summary(str(exc)))
        raise
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
            "%s is not committed yet; this dry run reads the working tree's copy. Commit "
            "it before a real run.",
            working_tree,
        )
        catalog = parse(read_text_exact(working_tree), taxonomy)
    else:
        catalog = catalog_from_forge(forge, settings, taxonomy)
    if isinstance(forge, LocalGitForge) and forge.read_file(settings.catalog_path):
        note_uncommitted(forge, settings.catalog_path)
    from bot.scoring.trainer import make_trainer, readable_store, scorer_cache_dir

    cache_dir = scorer_cache_dir(args.repo, data["cache_dir"], env)
    store_path = config.load("papers")["store"]["path"]
    store, store_problem = readable_store(forge.read_file(store_path), store_path)
    if store_problem:  # before any pull request; the day's feed is not lost for it (docs/papers.md)
        log.warning("%s", store_problem)
    trainer = make_trainer(config.load("keywords"), taxonomy, cache_dir, store)
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
    if mark_problem := mark_replaced(args.repo, report.candidates.replaced_listed, settings.dry_run):
        log.warning("%s", mark_problem)
    store_problems = list(dict.fromkeys(p for p in (store_problem, mark_problem) if p))
    summary = render_summary(report, settings, source, store_problems)
    print(summary)
    append_step_summary(env, summary)
    if report.failures:
        raise ForgeError(
            f"{len(report.failures)} pull request(s) could not be opened: "
            + "; ".join(f"{i}: {m}" for i, m in report.failures[:3])
        )
    return 0
