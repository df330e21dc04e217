"""What one nightly run finds, as data and pure functions: its settings, link fixes (permanent
redirects, https twins), dead links over two nights, withdrawn papers. No I/O: the job
(``bot.jobs.nightly``) checks, publishes and reports."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from bot.core import markers
from bot.core.catalog import Catalog, parse
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.forge.protocols import (
    IssueRef,
    PullRequest,
    RepoInfo,
)
from bot.jobs.check_stars import (
    RepoFinding,
    refresh_entries,
    title_at,
)
from bot.linkcheck import (
    Link,
    LinkResult,
    Verdict,
    update_state,
)
from bot.linkcheck.arxiv import is_withdrawn

ISSUE_MARKER = "nightly"  # the tracking issue; its marker data holds the link state
PR_MARKER = "nightly-maintenance"
STATE_VERSION = 1
UNREACHED = "not reached within the nightly time budget"
ISSUE_BODY_LIMIT = 65_000  # GitHub refuses issue bodies over 65,536 characters
_LOGIN_PAGE_RE = re.compile(
    r"(?i)(?:^|[/?&=._-])(?:log-?in|sign-?in|sign_in|auth|sso|session|accounts?)"
    r"(?:[/?&=._-]|$)"
)


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
    def from_config(
        cls, nightly: Mapping[str, Any], links: Mapping[str, Any], catalog_path: str, branch: str
    ) -> NightlySettings:
        """``branch``: BranchNames.maintenance (from github.yml's branch_prefix)."""
        pr, issue, guard = nightly["pull_request"], nightly["issue"], nightly["inconclusive"]
        return cls(
            catalog_path=catalog_path,
            branch=branch,
            pr_title=pr["title"],
            commit_message=pr["commit_message"],
            pr_labels=tuple(pr["labels"]),
            issue_title=issue["title"],
            issue_labels=tuple(issue["labels"]),
            fix_redirects=nightly["fix_redirects"],
            fix_https=nightly["fix_https"],
            redirect_hosts=tuple(
                (str(pair["from"]).lower(), str(pair["to"]).lower())
                for pair in nightly.get("redirect_hosts") or ()
            ),
            confirm_after_nights=links["confirm_after_nights"],
            inconclusive_share=guard["dead_share"],
            inconclusive_min_links=guard["min_links"],
            max_rows=nightly["max_rows"],
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
        moved = [
            LinkFix(
                f.line,
                f.title,
                f.url,
                f.new,
                "redirect",
                False,
                "the repository was renamed or transferred; not a canonical entry line",
            )
            for f in self.of_kind("renamed", applied=False)
        ]
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
    return "https://" + url[len("http://") :] if url[:7].lower() == "http://" else None


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
        return (
            f"it leads to another host ({target}): check that the new site is the same "
            "project, or add the pair to redirect_hosts in config/nightly.yml"
        )
    if before.path.strip("/") and not after.path.strip("/"):
        return "it leads to the site's home page: the page itself may be gone"
    to_login = _LOGIN_PAGE_RE.search(f"{after.path}?{after.query}")
    if to_login and not _LOGIN_PAGE_RE.search(f"{before.path}?{before.query}"):
        return "it leads to a login page"
    return ""


def _better_url(
    result: LinkResult, twin: LinkResult | None, settings: NightlySettings
) -> tuple[str, FixReason, str] | None:
    """(new URL, reason, doubt) for one link, or None when there is nothing to fix."""
    if result.source == "github":
        return None  # renamed repositories are the star refresh's business
    if settings.fix_redirects and result.verdict is Verdict.ALIVE and result.permanent_redirect:
        return (
            result.permanent_redirect,
            "redirect",
            doubtful_redirect(result.url, result.permanent_redirect, settings.redirect_hosts),
        )
    if (
        twin is not None
        and twin.verdict is Verdict.ALIVE
        and (twin.final_url or twin.url).startswith("https://")
    ):
        return twin.url, "https", ""
    return None


def _entry_urls(catalog: Catalog) -> dict[int, set[str]]:
    """1-based line -> the URLs its canonical entry carries (url, pdf, code)."""
    return {
        item.line_number: {u for u in (item.entry.url, item.entry.pdf_url, item.entry.code_url) if u}
        for item in catalog.items
        if item.entry is not None
    }


def link_fixes(
    catalog: Catalog,
    links: Sequence[Link],
    results: Mapping[str, LinkResult],
    twins: Mapping[str, LinkResult],
    settings: NightlySettings,
) -> list[LinkFix]:
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
    return replace(
        entry,
        url=url_map.get(entry.url, entry.url),
        pdf_url=url_map.get(entry.pdf_url, entry.pdf_url),
        code_url=url_map.get(entry.code_url, entry.code_url),
    )


def maintenance_edit(
    infos: Mapping[str, RepoInfo], url_map: Mapping[str, str], taxonomy: Taxonomy | None
) -> Callable[[str], str]:
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


def _problem(
    link: Link, result: LinkResult, entry: Mapping[str, Any] | None, catalog: Catalog
) -> LinkProblem:
    reason = result.error or (f"HTTP {result.status}" if result.status else "no answer")
    since = str(entry["first_failed"]) if entry else ""
    return LinkProblem(link.url, link.lines, title_at(catalog, link.lines[0]), result.status, reason, since)


def is_inconclusive(results: Mapping[str, LinkResult], settings: NightlySettings) -> bool:
    """Most links failing at once says more about the runner's network than about the web."""
    answered = [
        r for r in results.values() if r.source == "http" and r.verdict in (Verdict.ALIVE, Verdict.DEAD)
    ]
    dead = sum(1 for r in answered if r.verdict is Verdict.DEAD)
    enough = len(answered) >= settings.inconclusive_min_links
    return enough and dead > settings.inconclusive_share * len(answered)


def assess_links(
    catalog: Catalog,
    links: Sequence[Link],
    results: Mapping[str, LinkResult],
    previous: Mapping[str, Any],
    today: datetime.date,
    settings: NightlySettings,
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


def withdrawn_papers(
    catalog: Catalog, links: Sequence[Link], results: Mapping[str, LinkResult]
) -> tuple[LinkProblem, ...]:
    """Entries whose arXiv paper was withdrawn (the arXiv resolver says so; the link is alive)."""
    return tuple(
        _problem(link, results[link.url], None, catalog)
        for link in links
        if link.url in results and is_withdrawn(results[link.url])
    )


def store_withdrawn(
    catalog: Catalog, records: Sequence[Any], found: tuple[LinkProblem, ...]
) -> tuple[LinkProblem, ...]:
    """``found`` plus the papers the paper store says were withdrawn (one row per entry line)."""
    seen = {line for problem in found for line in problem.lines}
    extra = []
    for record in records:
        item = catalog.find_by_id(record.arxiv_id)
        if item is None or item.line_number in seen:
            continue
        extra.append(
            LinkProblem(
                f"https://arxiv.org/abs/{record.arxiv_id}",
                (item.line_number,),
                title_at(catalog, item.line_number),
                None,
                f"arXiv {record.arxiv_id} was withdrawn (v{record.versions})",
                "",
            )
        )
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
