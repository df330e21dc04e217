"""Dead only after two nights: the state kept between nightly link checks (pure functions).

The state is a JSON object ``{url: {"first_failed": "YYYY-MM-DD", "last_failed": "YYYY-MM-DD",
"failures": n, "status": int|null, "error": str|null}}`` holding only links that are failing.
``failures`` counts consecutive nightly runs (distinct dates) in which the link was dead. A
link is *confirmed* dead, and reported, when it is dead tonight and ``failures`` reaches the
threshold (2 by default), so one flaky night raises no alarm.

- dead tonight: ``failures`` + 1 (a second run on the same date changes nothing);
- alive tonight, excluded, or gone from the catalog: forgotten;
- unknown tonight (e.g. rate limited): no evidence either way, the entry is kept unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.linkcheck.model import LinkResult, Verdict

State = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ConfirmedDead:
    url: str
    first_failed: str  # ISO date of the first failure of the current streak
    failures: int  # consecutive nightly failures, tonight included
    status: int | None
    error: str | None


def update_state(
    previous: Mapping[str, Any], results: Mapping[str, LinkResult], today: datetime.date, threshold: int = 2
) -> tuple[State, list[ConfirmedDead]]:
    """Tonight's ``results`` folded into the ``previous`` state; the links confirmed dead."""
    day = today.isoformat()
    state: State = {}
    confirmed: list[ConfirmedDead] = []
    for url, result in results.items():
        before = _entry(previous.get(url))
        if result.verdict is Verdict.DEAD:
            entry = _failed_again(before, result, day)
            state[url] = entry
            if entry["failures"] >= threshold:
                confirmed.append(
                    ConfirmedDead(
                        url, entry["first_failed"], entry["failures"], entry["status"], entry["error"]
                    )
                )
        elif result.verdict is Verdict.UNKNOWN and before is not None:
            state[url] = before
    return state, confirmed


def _failed_again(before: dict[str, Any] | None, result: LinkResult, day: str) -> dict[str, Any]:
    if before is not None and before["last_failed"] >= day:
        return before  # this date is already counted: running twice is running once
    failures = before["failures"] + 1 if before else 1
    return {
        "first_failed": before["first_failed"] if before else day,
        "last_failed": day,
        "failures": failures,
        "status": result.status,
        "error": result.error,
    }


def _entry(value: Any) -> dict[str, Any] | None:
    """A well-formed previous entry, or None (a damaged entry counts as no history)."""
    if not isinstance(value, Mapping):
        return None
    first, last, failures = value.get("first_failed"), value.get("last_failed"), value.get("failures")
    if not (_is_date(first) and _is_date(last) and isinstance(failures, int) and failures >= 1):
        return None
    return {
        "first_failed": first,
        "last_failed": last,
        "failures": failures,
        "status": value.get("status"),
        "error": value.get("error"),
    }


def _is_date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
