"""``python -m bot nightly``: every link checked, stars refreshed, one rolling PR, one tracking issue.

One run:

1. reads the catalog on the default branch and looks every linked GitHub repository up in one
   batched call (shared by the star refresh and the link checker, which never scrapes them);
2. checks every link once (``bot.linkcheck``), plus the ``https://`` twin of each ``http://`` link;
3. folds tonight's verdicts into the state kept in the tracking issue's hidden marker: a link is
   reported dead only when it failed on two consecutive nights (``confirm_after_nights``);
4. proposes the safe fixes as ONE rolling pull request on a fixed branch, rebuilt in place on the
   current default branch: star counts, renamed repositories, archived marks, permanent
   redirects and http -> https (where the https page answered). No fix left: the PR is closed;
5. edits ONE tracking issue in place (dead links with line, entry, status and since when, gone,
   archived and hand-fix repositories), closed when everything is green.

Reruns with nothing new write nothing. The run fails only on the bot's own errors (or GitHub
refusing a write), never because a web site is down; a night where most links fail at once on
most hosts (the runner's network, not the web) is declared inconclusive and changes no state.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot import config
from bot.core.branches import BranchNames
from bot.core.catalog_parse import parse
from bot.core.taxonomy import Taxonomy
from bot.core.templates import render
from bot.errors import BotError, CatalogError, ForgeError
from bot.forge.actions import NO_TOKEN, append_step_summary, build_services
from bot.forge.protocols import (
    ChangeRequest,
    Forge,
    IssueRef,
    IssueTracker,
    RepoDirectory,
    RepoInfo,
    TrackedIssue,
    read_default_catalog,
)
from bot.jobs.check_stars import count_findings, names_to_look_up, refresh_entries
from bot.jobs.nightly.findings import (
    ISSUE_MARKER,
    UNREACHED,
    Night,
    NightlyResult,
    NightlySettings,
    https_twin,
    link_counts,
    link_fixes,
    maintenance_edit,
    previous_state,
    store_withdrawn,
    withdrawn_papers,
)
from bot.jobs.nightly.findings import (  # noqa: E402  (the findings, re-exported for the job's callers)
    assess_links as assess_links,
)
from bot.jobs.nightly.publish import commit_message, publish_issue, publish_pull_request, pull_request_body
from bot.linkcheck import (
    CheckSettings,
    HttpChecker,
    Link,
    LinkResult,
    Resolver,
    Verdict,
    check_all,
    extract_links,
    make_client,
    settings_from_config,
)
from bot.linkcheck.arxiv import ArxivResolver
from bot.linkcheck.github import GitHubRepoResolver, RememberedRepositories

# -- the run ------------------------------------------------------------------------------------------


@dataclass
class Services:
    """What the nightly run talks to (all injected; one GitHubForge plays every part in production)."""

    forge: Forge
    tracker: IssueTracker
    issues: IssueTracker  # reads the tracking issue back (its marker holds the state)
    repos: RepoDirectory
    http: HttpChecker
    resolvers: Sequence[Resolver] = field(default_factory=tuple)  # besides the GitHub one
    enricher: Any = None  # bot.jobs.enrich.Enricher: the paper store and catalog facts (None: skipped)


def checking_order(urls: Sequence[str], failing: Mapping[str, Any], today: datetime.date) -> list[str]:
    """Links failing on earlier nights first (they await confirmation), then the rest from an
    offset that moves every night, so a budget too short for every link still covers them all
    over a few nights (golden-ratio steps spread the offsets evenly)."""
    first = [url for url in urls if url in failing]
    rest = [url for url in urls if url not in failing]
    offset = int((today.toordinal() * 0.6180339887) % 1 * len(rest)) if rest else 0
    return first + rest[offset:] + rest[:offset]


async def check_within(
    urls: Sequence[str],
    services: Services,
    check: CheckSettings,
    resolvers: Sequence[Resolver],
    budget: float,
) -> dict[str, LinkResult]:
    """``check_all`` cut off after ``budget`` seconds: links not reached by then are unknown
    (no evidence either way), so a slow night still ends and publishes what it found."""
    done: dict[str, LinkResult] = {}

    def record(result: LinkResult) -> None:
        done[result.url] = result

    checking = check_all(urls, services.http, check, resolvers, record)
    try:
        return await asyncio.wait_for(checking, budget)
    except TimeoutError:
        return {url: done.get(url) or LinkResult(url, Verdict.UNKNOWN, error=UNREACHED) for url in urls}


async def check_links(
    links: Sequence[Link],
    services: Services,
    check: CheckSettings,
    repos: RepoDirectory,
    settings: NightlySettings,
    failing: Mapping[str, Any],
    today: datetime.date,
) -> tuple[dict[str, LinkResult], dict[str, LinkResult]]:
    """(verdict per catalog link, verdict per https twin of an http link), in one concurrent pass."""
    catalog_urls = [link.url for link in links]
    twins = {
        url: twin
        for url in catalog_urls
        if settings.fix_https and (twin := https_twin(url)) and check.exclusion_for(url) is None
    }
    resolvers = [GitHubRepoResolver(repos), *services.resolvers]
    urls = checking_order(catalog_urls, failing, today) + list(twins.values())
    results = await check_within(urls, services, check, resolvers, settings.time_budget)
    return ({url: results[url] for url in catalog_urls}, {url: results[twin] for url, twin in twins.items()})


async def run(
    services: Services,
    check: CheckSettings,
    settings: NightlySettings,
    taxonomy: Taxonomy | None,
    today: datetime.date,
    dry_run: bool = False,
) -> NightlyResult:
    """One nightly run: check, assess, then publish the issue (it keeps the state) and the PR."""
    started = time.monotonic()
    text = read_default_catalog(services.forge, settings.catalog_path)
    catalog = parse(text, taxonomy)
    links = extract_links(text)
    repos = RememberedRepositories(services.repos)
    tracked = services.issues.tracking_issue(ISSUE_MARKER, settings.issue_labels[0])
    infos = repos.repositories(names_to_look_up(catalog))
    previous = previous_state(tracked.body if tracked else None)
    results, twins = await check_links(links, services, check, repos, settings, previous, today)
    state, dead, watching, unknown, inconclusive = assess_links(
        catalog, links, results, previous, today, settings
    )
    _, repo_findings = refresh_entries(catalog, infos)
    fixes = link_fixes(catalog, links, results, twins, settings)
    enrichment, enrich_failure = _enrich(services, text, taxonomy, today, settings)
    withdrawn = withdrawn_papers(catalog, links, results)
    if enrichment is not None:
        withdrawn = store_withdrawn(catalog, enrichment.withdrawn, withdrawn)
    night = Night(
        today.isoformat(),
        link_counts(results),
        len(infos),
        tuple(repo_findings),
        tuple(fixes),
        tuple(dead),
        tuple(watching),
        tuple(unknown),
        state,
        inconclusive,
        services.http.requests,
        time.monotonic() - started,
        withdrawn,
        enrichment,
        enrich_failure,
    )
    return _publish(services, night, infos, text, settings, taxonomy, tracked, dry_run)


def _enrich(
    services: Services, text: str, taxonomy: Taxonomy | None, today: datetime.date, settings: NightlySettings
) -> tuple[Any, str]:
    """(the paper store step's result or None, why it stopped early or did not run): arXiv being
    down, or a store file that does not load, must not cost the night its link report and PR."""
    if services.enricher is None:
        return None, ""
    try:
        result = services.enricher.run(services.forge, text, taxonomy, today, settings.branch)
    except BotError as exc:
        return None, str(exc)
    return result, result.failure


def _with_enrichment(
    change: ChangeRequest, services: Services, night: Night, taxonomy: Taxonomy | None
) -> ChangeRequest:
    """The rolling PR also carries the catalog lines the paper store updates, and the store itself."""
    if night.enrichment is None or services.enricher is None:
        return change
    enrich_text = services.enricher.edit(night.enrichment, taxonomy)
    first = change.edit
    store = night.enrichment.store_text
    return replace(
        change,
        edit=lambda text: enrich_text(first(text)),
        extra_files=((services.enricher.store_path, store),) if store else (),
    )


def _publish(
    services: Services,
    night: Night,
    infos: Mapping[str, RepoInfo],
    text: str,
    settings: NightlySettings,
    taxonomy: Taxonomy | None,
    tracked: TrackedIssue | None,
    dry_run: bool,
) -> NightlyResult:
    """The issue first (it carries the state), then the PR; a failure of one does not stop the other."""
    failures: list[str] = []
    issue: IssueRef | None = None
    issue_action = pr_action = "failed"
    pull, diff = None, ""
    try:
        issue, issue_action = publish_issue(services.tracker, night, settings, tracked, dry_run)
    except ForgeError as exc:
        failures.append(f"tracking issue: {exc}")
    url_map = {f.old: f.new for f in night.fixes if f.applied}
    change = ChangeRequest(
        branch=settings.branch,
        title=settings.pr_title,
        body=pull_request_body(night, settings),
        commit_message=commit_message(night, settings),
        path=settings.catalog_path,
        edit=maintenance_edit(infos, url_map, taxonomy),
        labels=settings.pr_labels,
    )
    change = _with_enrichment(change, services, night, taxonomy)
    try:
        text = text if dry_run else _read_again(services.forge, settings.catalog_path)
        pull, pr_action, diff = publish_pull_request(services.forge, change, text, dry_run)
    except ForgeError as exc:
        failures.append(f"maintenance PR: {exc}")
    return NightlyResult(night, pull, pr_action, issue, issue_action, diff, tuple(failures))


def _read_again(forge: Forge, catalog_path: str) -> str:
    """The catalog on the default branch as it is now: the night read it most of an hour ago, and a
    PR built on that head would conflict with a paper merged next to a line it rewrites meanwhile."""
    forge.read_again()
    try:
        return read_default_catalog(forge, catalog_path)
    except CatalogError as exc:  # removed or emptied meanwhile: the PR waits, the report is kept
        raise ForgeError(str(exc)) from exc


# -- the job ------------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check and report, print the PR diff and the issue; write nothing",
    )
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument(
        "--no-enrich",
        action="store_true",
        help="skip the paper store (data/papers.jsonl) and the catalog facts from arXiv",
    )


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    catalog_path = config.catalog_path()
    if not env.get("GITHUB_TOKEN"):
        raise ForgeError(
            NO_TOKEN.format(job="nightly") + "; without a token, `python -m bot check-links` "
            f"checks the links of your local {catalog_path}"
        )
    links_config = config.load("links")
    nightly = config.load("nightly")
    branches = BranchNames.from_config(config.load("github"), nightly)
    settings = NightlySettings.from_config(nightly, links_config, catalog_path, branches.maintenance)
    check = settings_from_config(links_config)
    services = build_services(
        env, catalog_path=catalog_path, repository=args.repository, api_url=args.api_url
    )
    forge = services.github()
    # one arXiv API session for the link check's lookups and the paper store step: arXiv's pause
    # between two calls holds across both (each paced its own, the store's first call came at once)
    lookup = services.arxiv_lookup()
    arxiv = ArxivResolver(lookup)  # GitHub's resolver is built by run()
    from bot.jobs.enrich import Enricher

    enricher = (
        None
        if args.no_enrich
        else Enricher.from_config(config.load("papers"), config.load("sources"), lookup.api)
    )
    outcome = asyncio.run(
        _run_with_client(forge, check, settings, config.load_taxonomy(), args.dry_run, (arxiv,), enricher)
    )
    report(outcome, settings, args.dry_run, env)
    if outcome.failures:
        raise ForgeError("the nightly run could not publish everything: " + "; ".join(outcome.failures))
    return 0


async def _run_with_client(
    forge: Any,
    check: CheckSettings,
    settings: NightlySettings,
    taxonomy: Taxonomy,
    dry_run: bool,
    resolvers: Sequence[Resolver],
    enricher: Any = None,
) -> NightlyResult:
    async with make_client(check) as client:
        services = Services(forge, forge, forge, forge, HttpChecker(client, check), resolvers, enricher)
        return await run(services, check, settings, taxonomy, datetime.date.today(), dry_run)


def report(outcome: NightlyResult, settings: NightlySettings, dry_run: bool, env: Mapping[str, str]) -> str:
    """Print the run's summary (and the PR diff in a dry run); append it to the job summary."""
    summary = render(
        "nightly_summary.md.j2",
        o=outcome,
        night=outcome.night,
        settings=settings,
        counts=count_findings(outcome.night.repo_findings),
        dry_run=dry_run,
    ).strip()
    print(summary)
    if dry_run and outcome.diff:
        print("\n" + outcome.diff)
    append_step_summary(env, summary)
    sys.stdout.flush()
    return summary
