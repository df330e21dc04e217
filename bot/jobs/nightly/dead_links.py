"""Dead links over nights (pure): a link is reported dead only when it failed on
``confirm_after_nights`` consecutive nights; the state between nights lives in the tracking
issue's hidden marker, trimmed to fit its body."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core import markers
from bot.core.catalog import Catalog
from bot.jobs.nightly.model import ISSUE_MARKER, STATE_VERSION, LinkProblem, NightlySettings, link_problem
from bot.linkcheck import Link, LinkResult, Verdict, update_state
from bot.linkcheck.policy import DEAD_STATUSES


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


def is_inconclusive(results: Mapping[str, LinkResult], settings: NightlySettings) -> bool:
    """Most links failing at once says more about the runner's network than about the web; but
    only failures that could be the network's count: a 404 or 410 is a definite answer from a
    server that was reached (a site that really died), while network errors, timeouts and 5xx
    are not."""
    answered = [  # a URL no request can be sent to says nothing about the network
        r
        for r in results.values()
        if r.source == "http" and r.requests and r.verdict in (Verdict.ALIVE, Verdict.DEAD)
    ]
    failed = sum(1 for r in answered if r.verdict is Verdict.DEAD and r.status not in DEAD_STATUSES)
    enough = len(answered) >= settings.inconclusive_min_links
    return enough and failed > settings.inconclusive_share * len(answered)


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
            dead.append(link_problem(link, result, state.get(link.url), catalog))
        elif result.verdict is Verdict.DEAD:
            watching.append(link_problem(link, result, state.get(link.url), catalog))
        elif result.verdict is Verdict.UNKNOWN:
            unknown.append(link_problem(link, result, state.get(link.url), catalog))
    return state, dead, watching, unknown, False


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
