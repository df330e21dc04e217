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
refusing a write), never because a web site is down; a night where most links fail at once (the
runner's network, not the web) is declared inconclusive and changes no state.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from bot import config
from bot.core import markers
from bot.core import taxonomy as taxonomy_module
from bot.core.branches import BranchNames
from bot.core.catalog import Catalog, parse
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.core.templates import render
from bot.core.text import unified_diff
from bot.errors import CatalogError, ForgeError
from bot.forge.actions import NO_TOKEN, append_step_summary, build_services
from bot.forge.protocols import (
    ChangeRequest,
    Forge,
    IssueRef,
    IssueTracker,
    PullRequest,
    RepoDirectory,
    RepoInfo,
    TrackedIssue,
)
from bot.jobs.check_stars import (
    GitHubRepoResolver,
    RememberedRepositories,
    RepoFinding,
    count_findings,
    refresh_entries,
    repository_names,
    title_at,
)
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
    update_state,
)
from bot.linkcheck.arxiv import ArxivResolver, is_withdrawn

ISSUE_MARKER = "nightly"  # the tracking issue; its marker data holds the link state
PR_MARKER = "nightly-maintenance"
STATE_VERSION = 1
UNREACHED = "not reached within the nightly time budget"
ISSUE_BODY_LIMIT = 65_000  # GitHub refuses issue bodies over 65,536 characters
_LOGIN_PAGE_RE = re.compile(r"(?i)(?:^|[/?&=._-])(?:log-?in|sign-?in|sign_in|auth|sso|session|accounts?)"
                       r"(?:[/?&=._-]|$)")


# -- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightlySettings:
    """``config/nightly.yml`` (and ``confirm_after_nights`` of ``config/links.yml``) as values."""

    catalog_path: str = "catalog.md"
    branch: str = "bot/nightly-maintenance"
    pr_title: str = "Nightly maintenance"
    commit_message: str = "Nightly maintenance: star counts, moved repositories and links"
    pr_labels: tuple[str, ...] = ("nightly",)
    issue_title: str = "Nightly maintenance"
    issue_labels: tuple[str, ...] = ("nightly", "catalog-bot")
    fix_redirects: bool = True
    fix_https: bool = True
    # (from host, to host) pairs whose permanent redirects are written like same-host ones.
    redirect_hosts: tuple[tuple[str, str], ...] = ()
    confirm_after_nights: int = 2
    inconclusive_share: float = 0.5
    inconclusive_min_links: int = 20
    max_rows: int = 200
    time_budget: float = 45 * 60.0  # seconds for the link check; links not reached are unknown

    @classmethod
    def from_config(cls, nightly: Mapping[str, Any], links: Mapping[str, Any],
                    catalog_path: str, branch: str) -> NightlySettings:
        """``branch``: BranchNames.maintenance (from github.yml's branch_prefix)."""
        pr, issue, guard = nightly["pull_request"], nightly["issue"], nightly["inconclusive"]
        return cls(
            catalog_path=catalog_path, branch=branch, pr_title=pr["title"],
            commit_message=pr["commit_message"], pr_labels=tuple(pr["labels"]),
            issue_title=issue["title"], issue_labels=tuple(issue["labels"]),
            fix_redirects=nightly["fix_redirects"], fix_https=nightly["fix_https"],
            redirect_hosts=tuple((str(pair["from"]).lower(), str(pair["to"]).lower())
                                 for pair in nightly.get("redirect_hosts") or ()),
            confirm_after_nights=links["confirm_after_nights"], inconclusive_share=guard["dead_share"],
            inconclusive_min_links=guard["min_links"], max_rows=nightly["max_rows"],
            time_budget=float(nightly["time_budget_minutes"]) * 60,
        )


# -- findings ---------------------------------------------------------------------------------------


FixReason = Literal["redirect", "https"]


@dataclass(frozen=True)
class LinkFix:
    """A link the bot can write better: where it moved permanently, or its https twin."""

    line: int
    title: str
    old: str
    new: str
    reason: FixReason
    applied: bool  # in the PR; False: for a maintainer (not an entry line, or a doubtful target)
    note: str = ""  # why it was not applied


@dataclass(frozen=True)
class LinkProblem:
    """A failing link: confirmed dead, or failing for the first night (watched)."""

    url: str
    lines: tuple[int, ...]
    title: str
    status: int | None
    reason: str
    since: str  # ISO date of the first failing night of the streak


@dataclass(frozen=True)
class Night:
    """Everything one nightly run found (pure data; the templates render it)."""

    date: str
    link_counts: Mapping[str, int]
    repositories: int
    repo_findings: tuple[RepoFinding, ...]
    fixes: tuple[LinkFix, ...]
    dead: tuple[LinkProblem, ...]
    watching: tuple[LinkProblem, ...]
    unknown: tuple[LinkProblem, ...]
    state: Mapping[str, Any]
    inconclusive: bool = False
    http_requests: int = 0
    seconds: float = 0.0
    withdrawn: tuple[LinkProblem, ...] = ()  # arXiv papers their authors withdrew
    enrichment: Any = None  # bot.jobs.enrich.Result when the paper store was brought up to date

    @property
    def unreached(self) -> int:
        return sum(1 for problem in self.unknown if problem.reason == UNREACHED)

    def of_kind(self, kind: str, applied: bool | None = None) -> list[RepoFinding]:
        return [f for f in self.repo_findings if f.kind == kind and (applied is None or f.applied == applied)]

    @property
    def gone(self) -> list[RepoFinding]:
        return self.of_kind("deleted")

    @property
    def hand_fixes(self) -> list[LinkFix]:
        """Link fixes the PR cannot make: other lines than entries, doubtful redirects, moved repositories."""
        moved = [LinkFix(f.line, f.title, f.url, f.new, "redirect", False,
                         "the repository was renamed or transferred; not a canonical entry line")
                 for f in self.of_kind("renamed", applied=False)]
        return sorted([*(f for f in self.fixes if not f.applied), *moved], key=lambda f: (f.line, f.old))

    @property
    def green(self) -> bool:
        """Nothing for a maintainer: no confirmed dead link, no gone repository, no hand fix, no
        withdrawn paper."""
        return not (self.dead or self.gone or self.hand_fixes or self.withdrawn)


@dataclass(frozen=True)
class NightlyResult:
    night: Night
    pull_request: PullRequest | None
    pr_action: str  # opened, updated, unchanged, closed, none; "would open|update|close" in a dry run
    issue: IssueRef | None
    issue_action: str  # opened, updated, closed, unchanged, none, skipped (inconclusive night)
    diff: str = ""
    failures: tuple[str, ...] = ()


# -- link fixes (pure) -------------------------------------------------------------------------------


def https_twin(url: str) -> str | None:
    return "https://" + url[len("http://"):] if url[:7].lower() == "http://" else None


def _site(parts: SplitResult) -> str:
    """The host a link is on, as compared for redirects: lowercase, without ``www.``, with a
    port only when it is not the scheme's default."""
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if port in (None, default) else f"{host}:{port}"


def doubtful_redirect(old: str, new: str, allowed_hosts: Sequence[tuple[str, str]] = ()) -> str:
    """Why a permanent redirect should not be written blindly ("" when it is safe).

    Only redirects on the same host (http -> https included) are written; one to another host is
    listed for a maintainer unless the pair is in ``redirect_hosts``: whoever controls a linked
    site, or buys its expired domain, must not be able to repoint a catalog entry."""
    before, after = urlsplit(old), urlsplit(new)
    if before.scheme == "https" and after.scheme != "https":
        return "it leads from https to plain http"
    if after.scheme.lower() not in ("http", "https") or after.username or after.password:
        return "it is not a plain http(s) link"
    source, target = _site(before), _site(after)
    if source != target and (source, target) not in set(allowed_hosts):
        return (f"it leads to another host ({target}): check that the new site is the same "
                "project, or add the pair to redirect_hosts in config/nightly.yml")
    if before.path.strip("/") and not after.path.strip("/"):
        return "it leads to the site's home page: the page itself may be gone"
    to_login = _LOGIN_PAGE_RE.search(f"{after.path}?{after.query}")
    if to_login and not _LOGIN_PAGE_RE.search(f"{before.path}?{before.query}"):
        return "it leads to a login page"
    return ""


def _better_url(result: LinkResult, twin: LinkResult | None,
                settings: NightlySettings) -> tuple[str, FixReason, str] | None:
    """(new URL, reason, doubt) for one link, or None when there is nothing to fix."""
    if result.source == "github":
        return None  # renamed repositories are the star refresh's business
    if settings.fix_redirects and result.verdict is Verdict.ALIVE and result.permanent_redirect:
        return result.permanent_redirect, "redirect", doubtful_redirect(result.url, result.permanent_redirect,
                                                                        settings.redirect_hosts)
    if twin is not None and twin.verdict is Verdict.ALIVE and (twin.final_url or twin.url).startswith("https://"):
        return twin.url, "https", ""
    return None


def _entry_urls(catalog: Catalog) -> dict[int, set[str]]:
    """1-based line -> the URLs its canonical entry carries (url, pdf, code)."""
    return {item.line_number: {u for u in (item.entry.url, item.entry.pdf_url, item.entry.code_url) if u}
            for item in catalog.items if item.entry is not None}


def link_fixes(catalog: Catalog, links: Sequence[Link], results: Mapping[str, LinkResult],
               twins: Mapping[str, LinkResult], settings: NightlySettings) -> list[LinkFix]:
    """Every link that moved permanently or has a working https twin, one fix per line."""
    entry_urls = _entry_urls(catalog)
    fixes = []
    for link in links:
        better = _better_url(results[link.url], twins.get(link.url), settings)
        if better is None or better[0] == link.url:
            continue
        new, reason, doubt = better
        for line in link.lines:
            in_entry = link.url in entry_urls.get(line, set())
            note = doubt or ("" if in_entry else "not a canonical entry line: edit it by hand")
            fixes.append(LinkFix(line, title_at(catalog, line), link.url, new, reason, not note, note))
    return fixes


def moved_entry(entry: Entry, url_map: Mapping[str, str]) -> Entry:
    if not {entry.url, entry.pdf_url, entry.code_url} & url_map.keys():
        return entry
    return replace(entry, url=url_map.get(entry.url, entry.url),
                   pdf_url=url_map.get(entry.pdf_url, entry.pdf_url),
                   code_url=url_map.get(entry.code_url, entry.code_url))


def maintenance_edit(infos: Mapping[str, RepoInfo], url_map: Mapping[str, str],
                     taxonomy: Taxonomy | None) -> Callable[[str], str]:
    """The rolling PR's pure edit: star refresh, then link fixes, on whatever text it is given."""
    def edit(text: str) -> str:
        refreshed, _ = refresh_entries(parse(text, taxonomy), infos)
        return refreshed.map_entries(lambda entry: moved_entry(entry, url_map)).render()
    return edit


# -- dead links over nights (pure) --------------------------------------------------------------------


def previous_state(body: str | None) -> dict[str, Any]:
    data = markers.find(body, ISSUE_MARKER) or {}
    state = data.get("links") if data.get("version") == STATE_VERSION else None
    return dict(state) if isinstance(state, Mapping) else {}


def settled_state(previous: Mapping[str, Any], state: Mapping[str, Any], threshold: int) -> dict[str, Any]:
    """``state``, keeping the previous entry of a link that was already confirmed dead and still is:
    the report does not change, so neither does the issue (a quiet night writes nothing)."""
    kept = {}
    for url, entry in state.items():
        before = previous.get(url)
        if not isinstance(before, Mapping):
            kept[url] = entry
            continue
        same_streak = before.get("first_failed") == entry["first_failed"]
        if same_streak and before.get("failures", 0) >= threshold and entry["failures"] >= threshold:
            kept[url] = before
        else:
            kept[url] = entry
    return kept


def _problem(link: Link, result: LinkResult, entry: Mapping[str, Any] | None,
             catalog: Catalog) -> LinkProblem:
    reason = result.error or (f"HTTP {result.status}" if result.status else "no answer")
    since = str(entry["first_failed"]) if entry else ""
    return LinkProblem(link.url, link.lines, title_at(catalog, link.lines[0]), result.status, reason, since)


def is_inconclusive(results: Mapping[str, LinkResult], settings: NightlySettings) -> bool:
    """Most links failing at once says more about the runner's network than about the web."""
    answered = [r for r in results.values()
                if r.source == "http" and r.verdict in (Verdict.ALIVE, Verdict.DEAD)]
    dead = sum(1 for r in answered if r.verdict is Verdict.DEAD)
    enough = len(answered) >= settings.inconclusive_min_links
    return enough and dead > settings.inconclusive_share * len(answered)


def assess_links(catalog: Catalog, links: Sequence[Link], results: Mapping[str, LinkResult],
                 previous: Mapping[str, Any], today: datetime.date, settings: NightlySettings,
                 ) -> tuple[dict[str, Any], list[LinkProblem], list[LinkProblem], list[LinkProblem], bool]:
    """(state to keep, confirmed dead, watched, unknown tonight, inconclusive) for tonight's results."""
    threshold = settings.confirm_after_nights
    if is_inconclusive(results, settings):
        return dict(previous), [], [], [], True
    state, confirmed = update_state(previous, results, today, threshold)
    state = settled_state(previous, state, threshold)
    confirmed_urls = {c.url for c in confirmed}
    dead, watching, unknown = [], [], []
    for link in links:
        result = results[link.url]
        if result.source == "github" and result.verdict is Verdict.DEAD:
            continue  # a repository gone: reported with the repositories
        if link.url in confirmed_urls:
            dead.append(_problem(link, result, state.get(link.url), catalog))
        elif result.verdict is Verdict.DEAD:
            watching.append(_problem(link, result, state.get(link.url), catalog))
        elif result.verdict is Verdict.UNKNOWN:
            unknown.append(_problem(link, result, state.get(link.url), catalog))
    return state, dead, watching, unknown, False


def withdrawn_papers(catalog: Catalog, links: Sequence[Link],
                     results: Mapping[str, LinkResult]) -> tuple[LinkProblem, ...]:
    """Entries whose arXiv paper was withdrawn (the arXiv resolver says so; the link is alive)."""
    return tuple(_problem(link, results[link.url], None, catalog) for link in links
                 if link.url in results and is_withdrawn(results[link.url]))


def store_withdrawn(catalog: Catalog, records: Sequence[Any],
                    found: tuple[LinkProblem, ...]) -> tuple[LinkProblem, ...]:
    """``found`` plus the papers the paper store says were withdrawn (one row per entry line)."""
    seen = {line for problem in found for line in problem.lines}
    extra = []
    for record in records:
        item = catalog.find_by_id(record.arxiv_id)
        if item is None or item.line_number in seen:
            continue
        extra.append(LinkProblem(f"https://arxiv.org/abs/{record.arxiv_id}", (item.line_number,),
                                 title_at(catalog, item.line_number), None,
                                 f"arXiv {record.arxiv_id} was withdrawn (v{record.versions})", ""))
    return found + tuple(extra)


def fit_state(state: Mapping[str, Any], budget: int) -> dict[str, Any]:
    """The state, trimmed to ``budget`` characters of JSON: links with the longest streaks first."""
    ordered = sorted(state.items(), key=lambda kv: (-int(kv[1].get("failures", 0)), kv[0]))
    kept: dict[str, Any] = {}
    size = 2
    for url, entry in ordered:
        size += len(json.dumps({url: entry})) + 2
        if size > budget:
            break
        kept[url] = entry
    return kept


def link_counts(results: Mapping[str, LinkResult]) -> dict[str, int]:
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results.values():
        counts[result.verdict.value] += 1
    counts["total"] = len(results)
    return counts


# -- the pieces maintainers read ---------------------------------------------------------------------


def issue_text(night: Night, settings: NightlySettings) -> tuple[str, str]:
    """(title, body) of the tracking issue; the body ends with the state marker."""
    title = render("nightly_issue_title.txt.j2", night=night, prefix=settings.issue_title).strip()
    body = render("nightly_issue_body.md.j2", night=night, settings=settings).strip()
    budget = ISSUE_BODY_LIMIT - len(body) - 200
    state = fit_state(night.state, budget)
    return title, f"{body}\n\n{markers.make(ISSUE_MARKER, {'version': STATE_VERSION, 'links': state})}"


def pull_request_body(night: Night, settings: NightlySettings) -> str:
    from bot.jobs.enrich import cell  # escapes arXiv text for a table cell

    body = render("nightly_pr_body.md.j2", night=night, settings=settings, cell=cell).strip()
    return f"{body}\n\n{markers.make(PR_MARKER)}"


# -- publishing ---------------------------------------------------------------------------------------


def publish_issue(tracker: IssueTracker, night: Night, settings: NightlySettings,
                  existing: TrackedIssue | None, dry_run: bool) -> tuple[IssueRef | None, str]:
    """Edit the tracking issue in place: open while something needs a maintainer, closed when green.

    A green night with links under watch still needs somewhere to keep them: when no tracking
    issue exists yet, it is opened and closed at once (this happens once in a catalog's life)."""
    if night.inconclusive:
        return None, "skipped"
    if existing is None and night.green and not night.state:
        return None, "none"
    title, body = issue_text(night, settings)
    action = issue_action(existing, title, body, night.green)
    if action == "unchanged":
        return None, action
    if dry_run:
        return None, DRY_RUN_ACTIONS[action]
    labels = settings.issue_labels
    ref = tracker.upsert_issue(ISSUE_MARKER, title, body, labels, close=night.green)
    if ref is None:  # green and no issue yet, but links under watch must be remembered
        tracker.upsert_issue(ISSUE_MARKER, title, body, labels)
        ref = tracker.upsert_issue(ISSUE_MARKER, title, body, labels, close=True)
    return ref, action


DRY_RUN_ACTIONS = {"opened": "would open", "reopened": "would reopen", "updated": "would update",
                   "closed": "would close"}


def issue_action(existing: TrackedIssue | None, title: str, body: str, green: bool) -> str:
    """What publishing will do to the issue: opened, reopened, updated, closed or unchanged."""
    if existing is None:
        return "opened"
    wanted = "closed" if green else "open"
    if existing.state != wanted:
        return "closed" if green else "reopened"
    return "unchanged" if (existing.title, existing.body.strip()) == (title, body.strip()) else "updated"


def publish_pull_request(forge: Forge, change: ChangeRequest, base_text: str, dry_run: bool,
                         ) -> tuple[PullRequest | None, str, str]:
    """(PR, action, diff): the rolling PR proposed, updated in place, or closed when nothing is left."""
    new_text = change.edit(base_text)
    existing = next((p for p in forge.bot_pull_requests("open") if p.branch == change.branch), None)
    if new_text == base_text and all(forge.read_file(path) == text for path, text in change.extra_files):
        if existing is None:
            return None, "none", ""
        if dry_run:
            return existing, "would close", ""
        forge.close_pull_request(existing, render("nightly_pr_closed.md.j2", pull=existing).strip())
        return existing, "closed", ""
    if dry_run:
        diff = unified_diff(change.path, base_text, new_text)
        return existing, "would update" if existing else "would open", diff
    result = forge.propose(change)
    return result.pull_request, result.action, result.diff


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


async def check_within(urls: Sequence[str], services: Services, check: CheckSettings,
                       resolvers: Sequence[Resolver], budget: float) -> dict[str, LinkResult]:
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


async def check_links(links: Sequence[Link], services: Services, check: CheckSettings, repos: RepoDirectory,
                      settings: NightlySettings, failing: Mapping[str, Any], today: datetime.date,
                      ) -> tuple[dict[str, LinkResult], dict[str, LinkResult]]:
    """(verdict per catalog link, verdict per https twin of an http link), in one concurrent pass."""
    catalog_urls = [link.url for link in links]
    twins = {url: twin for url in catalog_urls if settings.fix_https and (twin := https_twin(url))
             and check.exclusion_for(url) is None}
    resolvers = [GitHubRepoResolver(repos), *services.resolvers]
    urls = checking_order(catalog_urls, failing, today) + list(twins.values())
    results = await check_within(urls, services, check, resolvers, settings.time_budget)
    return ({url: results[url] for url in catalog_urls},
            {url: results[twin] for url, twin in twins.items()})


async def run(services: Services, check: CheckSettings, settings: NightlySettings,
              taxonomy: Taxonomy | None, today: datetime.date, dry_run: bool = False) -> NightlyResult:
    """One nightly run: check, assess, then publish the issue (it keeps the state) and the PR."""
    started = time.monotonic()
    text = services.forge.read_file(settings.catalog_path)
    if not text:
        raise CatalogError(f"{settings.catalog_path} is missing on the default branch: nothing to check")
    catalog = parse(text, taxonomy)
    links = extract_links(text)
    repos = RememberedRepositories(services.repos)
    tracked = services.issues.tracking_issue(ISSUE_MARKER, settings.issue_labels[0])
    infos = repos.repositories(repository_names(text))
    previous = previous_state(tracked.body if tracked else None)
    results, twins = await check_links(links, services, check, repos, settings, previous, today)
    state, dead, watching, unknown, inconclusive = assess_links(catalog, links, results, previous, today,
                                                                settings)
    _, repo_findings = refresh_entries(catalog, infos)
    fixes = link_fixes(catalog, links, results, twins, settings)
    enrichment = services.enricher.run(services.forge, text, taxonomy, today) if services.enricher else None
    withdrawn = withdrawn_papers(catalog, links, results)
    if enrichment is not None:
        withdrawn = store_withdrawn(catalog, enrichment.withdrawn, withdrawn)
    night = Night(today.isoformat(), link_counts(results), len(infos), tuple(repo_findings), tuple(fixes),
                  tuple(dead), tuple(watching), tuple(unknown), state, inconclusive,
                  services.http.requests, time.monotonic() - started, withdrawn, enrichment)
    return _publish(services, night, infos, text, settings, taxonomy, tracked, dry_run)


def _with_enrichment(change: ChangeRequest, services: Services, night: Night,
                     taxonomy: Taxonomy | None) -> ChangeRequest:
    """The rolling PR also carries the catalog lines the paper store updates, and the store itself."""
    if night.enrichment is None or services.enricher is None:
        return change
    enrich_text = services.enricher.edit(night.enrichment, taxonomy)
    first = change.edit
    store = night.enrichment.store_text
    return replace(change, edit=lambda text: enrich_text(first(text)),
                   extra_files=((services.enricher.store_path, store),) if store else ())


def _publish(services: Services, night: Night, infos: Mapping[str, RepoInfo], text: str,
             settings: NightlySettings, taxonomy: Taxonomy | None, tracked: TrackedIssue | None,
             dry_run: bool) -> NightlyResult:
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
    change = ChangeRequest(branch=settings.branch, title=settings.pr_title,
                           body=pull_request_body(night, settings), commit_message=settings.commit_message,
                           path=settings.catalog_path, edit=maintenance_edit(infos, url_map, taxonomy),
                           labels=settings.pr_labels)
    change = _with_enrichment(change, services, night, taxonomy)
    try:
        pull, pr_action, diff = publish_pull_request(services.forge, change, text, dry_run)
    except ForgeError as exc:
        failures.append(f"maintenance PR: {exc}")
    return NightlyResult(night, pull, pr_action, issue, issue_action, diff, tuple(failures))


# -- the job ------------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="check and report, print the PR diff and the issue; write nothing")
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument("--no-enrich", action="store_true",
                        help="skip the paper store (data/papers.jsonl) and the catalog facts from arXiv")


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if not env.get("GITHUB_TOKEN"):
        raise ForgeError(NO_TOKEN.format(job="nightly") + "; without a token, `python -m bot check-links` "
                         "checks the links of your local catalog.md")
    catalog_path = config.catalog_path()
    links_config = config.load("links")
    nightly = config.load("nightly")
    branches = BranchNames.from_config(config.load("github"), nightly)
    settings = NightlySettings.from_config(nightly, links_config, catalog_path, branches.maintenance)
    check = settings_from_config(links_config)
    services = build_services(env, catalog_path=catalog_path, repository=args.repository,
                              api_url=args.api_url)
    forge = services.github()
    arxiv = ArxivResolver(services.arxiv_lookup())  # GitHub's resolver is built by run()
    from bot.jobs.enrich import Enricher

    enricher = None if args.no_enrich else Enricher.from_config(config.load("papers"), config.load("sources"))
    outcome = asyncio.run(_run_with_client(forge, check, settings, taxonomy_module.load(), args.dry_run,
                                           (arxiv,), enricher))
    report(outcome, settings, args.dry_run, env)
    if outcome.failures:
        raise ForgeError("the nightly run could not publish everything: " + "; ".join(outcome.failures))
    return 0


async def _run_with_client(forge: Any, check: CheckSettings, settings: NightlySettings,
                           taxonomy: Taxonomy, dry_run: bool, resolvers: Sequence[Resolver],
                           enricher: Any = None) -> NightlyResult:
    async with make_client(check) as client:
        services = Services(forge, forge, forge, forge, HttpChecker(client, check), resolvers, enricher)
        return await run(services, check, settings, taxonomy, datetime.date.today(), dry_run)


def report(outcome: NightlyResult, settings: NightlySettings, dry_run: bool, env: Mapping[str, str]) -> str:
    """Print the run's summary (and the PR diff in a dry run); append it to the job summary."""
    summary = render("nightly_summary.md.j2", o=outcome, night=outcome.night, settings=settings,
                     counts=count_findings(outcome.night.repo_findings), dry_run=dry_run).strip()
    print(summary)
    if dry_run and outcome.diff:
        print("\n" + outcome.diff)
    append_step_summary(env, summary)
    sys.stdout.flush()
    return summary
