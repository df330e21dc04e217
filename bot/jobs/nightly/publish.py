"""What the nightly run publishes: ONE tracking issue and ONE rolling pull request.

The issue is edited in place (opened while something needs a maintainer, closed when green; its
hidden marker carries the links' state from night to night); the PR is proposed on a fixed
branch, updated in place, or closed when no fix is left. ``--dry-run`` says what each would do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.core import markers
from bot.core.markdown import cell
from bot.core.templates import render
from bot.core.text import counted, unified_diff
from bot.forge.protocols import (
    ChangeRequest,
    Forge,
    IssueRef,
    IssueTracker,
    PullRequest,
    TrackedIssue,
    propose_redone_once,
)
from bot.jobs.nightly.findings import (
    ISSUE_BODY_LIMIT,
    ISSUE_MARKER,
    PACKED,
    PR_BODY_LIMIT,
    PR_MARKER,
    STATE_VERSION,
    Night,
    NightlySettings,
    fit_state,
    pack_state,
    streak_order,
)

# -- the pieces maintainers read ---------------------------------------------------------------------


def issue_text(night: Night, settings: NightlySettings) -> tuple[str, str]:
    """(title, body) of the tracking issue; the body ends with the state marker.

    Both must fit GitHub's limit on a body, and the state comes first (a streak dropped from it
    starts over, so its link would flip between dead and watched): the tables show fewer rows
    (the rest counted) until the state fits; a state too big even then keeps its longest streaks.
    A state that does not fit beside the whole report as plain JSON is packed (``PACKED``)."""
    title = render("nightly_issue_title.txt.j2", night=night, prefix=settings.issue_title).strip()
    rows = settings.max_rows
    body = render("nightly_issue_body.md.j2", night=night, settings=settings).strip()
    marker = _state_marker(night.state)
    packed = len(body) + 2 + len(marker) > ISSUE_BODY_LIMIT
    if packed:
        marker = _packed_marker(night.state, len(night.state))
    wanted = min(len(marker), ISSUE_BODY_LIMIT - MIN_REPORT)
    while rows > 1 and len(body) + 2 + wanted > ISSUE_BODY_LIMIT:
        rows //= 2
        body = render(
            "nightly_issue_body.md.j2", night=night, settings=replace(settings, max_rows=rows)
        ).strip()
    budget = ISSUE_BODY_LIMIT - len(body) - 2
    if packed:
        marker = _packed_within(night.state, budget)
    else:
        marker = _state_marker(fit_state(night.state, budget))
        while len(marker) > budget:  # the marker's escapes ("--", ">") made it longer than measured
            marker = _state_marker(fit_state(night.state, budget - (len(marker) - budget) - 100))
    return title, f"{body}\n\n{marker}"


MIN_REPORT = 5_000  # characters the report keeps however big the state is


def _state_marker(state: Mapping[str, Any]) -> str:
    return markers.make(ISSUE_MARKER, {"version": STATE_VERSION, "links": dict(state)})


def _packed_marker(state: Mapping[str, Any], count: int) -> str:
    """The marker with the ``count`` longest streaks of ``state``, packed."""
    kept = dict(streak_order(state)[:count])
    return markers.make(ISSUE_MARKER, {"version": STATE_VERSION, PACKED: pack_state(kept)})


def _packed_within(state: Mapping[str, Any], budget: int) -> str:
    """The packed marker with as many of the longest streaks as fit in ``budget`` characters."""
    low, high = 0, len(state)
    while low < high:  # the most links whose packed marker fits
        middle = (low + high + 1) // 2
        if len(_packed_marker(state, middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    return _packed_marker(state, low)


def pull_request_body(night: Night, settings: NightlySettings) -> str:
    """The rolling PR's body; its tables show fewer rows (the rest counted) when it would be
    longer than GitHub accepts (a big catalog's first night: every star count, every author list)."""
    rows, marker = settings.max_rows, markers.make(PR_MARKER)
    while True:
        shown = replace(settings, max_rows=rows)
        body = render("nightly_pr_body.md.j2", night=night, settings=shown, cell=cell).strip()
        if rows <= 1 or len(body) + 2 + len(marker) <= PR_BODY_LIMIT:
            return f"{body}\n\n{marker}"
        rows //= 2


# What the rolling PR's commit changes, by kind, in the order of the PR body's table: (the kind's
# finding or Change field, its value when it matters, singular, plural).
_STORE_FIELDS = (
    ("authors", "", "author list", ""),
    ("venue", "", "venue", ""),
    ("title", "", "title", ""),
    ("withdrawn", "true", "paper marked withdrawn", "papers marked withdrawn"),
    ("withdrawn", "false", "withdrawn mark removed", "withdrawn marks removed"),
)
# The fixed message of older configs (config/nightly.yml showed it as the default): still automatic.
LEGACY_COMMIT_MESSAGE = "Nightly maintenance: star counts, moved repositories and links"


def commit_message(night: Night, settings: NightlySettings) -> str:
    """The rolling PR's commit message: the configured one as given, else the PR's title and the
    counts of what the commit changes ("Nightly maintenance: 1 paper marked withdrawn, 2 venues")."""
    configured = settings.commit_message.strip()
    if configured and configured != LEGACY_COMMIT_MESSAGE:
        return configured
    fixes = [f for f in night.fixes if f.applied]
    parts = [
        counted(len(night.of_kind("stars", True)), "star count"),
        counted(len(night.of_kind("renamed", True)), "moved repository", "moved repositories"),
        counted(len(night.of_kind("archived", True)), "archived mark"),
        counted(len(night.of_kind("unarchived", True)), "archived mark removed", "archived marks removed"),
        counted(sum(f.reason == "redirect" for f in fixes), "redirect followed", "redirects followed"),
        counted(sum(f.reason == "https" for f in fixes), "link moved to https", "links moved to https"),
    ]
    enrichment = night.enrichment
    changes = enrichment.changes if enrichment is not None else []
    for name, value, singular, plural in _STORE_FIELDS:
        number = sum(1 for c in changes if c.field == name and (not value or c.new == value))
        parts.append(counted(number, singular, plural or None))
    if enrichment is not None:
        parts.append(counted(len(enrichment.refreshed), "paper store record"))
        parts.append(
            counted(len(enrichment.dropped), "paper store record dropped", "paper store records dropped")
        )
    shown = [part for part in parts if not part.startswith("0 ")]
    return f"{settings.pr_title}: {', '.join(shown)}" if shown else settings.pr_title


# -- publishing ---------------------------------------------------------------------------------------


def publish_issue(
    tracker: IssueTracker,
    night: Night,
    settings: NightlySettings,
    existing: TrackedIssue | None,
    dry_run: bool,
) -> tuple[IssueRef | None, str]:
    """Edit the tracking issue in place: open while something needs a maintainer, closed when green.

    A green night with links under watch still needs somewhere to keep them: when no tracking
    issue exists yet, it is opened and closed at once (this happens once in a catalog's life)."""
    if night.inconclusive:
        return None, "skipped"
    if existing is None and night.green and not night.state:
        return None, "none"
    title, body = issue_text(night, settings)
    action = issue_action(existing, title, body, night.green)
    if action == "unchanged":  # still linked from the summary: where the night's findings are
        assert existing is not None
        return IssueRef(existing.number, existing.url, existing.state), action
    if dry_run:
        return None, DRY_RUN_ACTIONS[action]
    labels = settings.issue_labels
    ref = tracker.upsert_issue(ISSUE_MARKER, title, body, labels, close=night.green)
    if ref is None:  # green and no issue yet, but links under watch must be remembered
        tracker.upsert_issue(ISSUE_MARKER, title, body, labels)
        ref = tracker.upsert_issue(ISSUE_MARKER, title, body, labels, close=True)
    return ref, action


DRY_RUN_ACTIONS = {
    "opened": "would open",
    "reopened": "would reopen",
    "updated": "would update",
    "closed": "would close",
}


def issue_action(existing: TrackedIssue | None, title: str, body: str, green: bool) -> str:
    """What publishing will do to the issue: opened, reopened, updated, closed or unchanged."""
    if existing is None:
        return "opened"
    wanted = "closed" if green else "open"
    if existing.state != wanted:
        return "closed" if green else "reopened"
    return "unchanged" if (existing.title, existing.body.strip()) == (title, body.strip()) else "updated"


def publish_pull_request(
    forge: Forge,
    change: ChangeRequest,
    base_text: str,
    dry_run: bool,
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
    result = propose_redone_once(forge, change)  # a branch moved meanwhile: once more from there
    return result.pull_request, result.action, result.diff
