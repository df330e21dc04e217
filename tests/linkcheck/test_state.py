"""Dead only after two nights: the state the nightly link check keeps between runs (pure)."""

from __future__ import annotations

import datetime
import json

from bot.linkcheck import LinkResult, Verdict, update_state

DAY1, DAY2, DAY3 = datetime.date(2026, 11, 20), datetime.date(2026, 11, 21), datetime.date(2026, 11, 22)


def _results(**verdicts: Verdict) -> dict[str, LinkResult]:
    return {
        f"https://{name}.org": LinkResult(
            f"https://{name}.org",
            v,
            status=404 if v is Verdict.DEAD else 200,
            error="HTTP 404" if v is Verdict.DEAD else None,
        )
        for name, v in verdicts.items()
    }


def test_a_link_is_confirmed_dead_only_on_the_second_failing_night() -> None:
    state, confirmed = update_state({}, _results(a=Verdict.DEAD, b=Verdict.ALIVE), DAY1)
    assert confirmed == []
    assert state == {
        "https://a.org": {
            "first_failed": "2026-11-20",
            "last_failed": "2026-11-20",
            "failures": 1,
            "status": 404,
            "error": "HTTP 404",
        }
    }
    state, confirmed = update_state(json.loads(json.dumps(state)), _results(a=Verdict.DEAD), DAY2)
    assert [(c.url, c.first_failed, c.failures) for c in confirmed] == [("https://a.org", "2026-11-20", 2)]


def test_state_rerun_on_the_same_day_changes_nothing() -> None:
    once, _ = update_state({}, _results(a=Verdict.DEAD), DAY1)
    twice, confirmed = update_state(once, _results(a=Verdict.DEAD), DAY1)
    assert twice == once and confirmed == []


def test_state_recovery_unknown_and_removed_links() -> None:
    night1, _ = update_state({}, _results(a=Verdict.DEAD, b=Verdict.DEAD, c=Verdict.DEAD), DAY1)
    night2, confirmed = update_state(night1, _results(a=Verdict.ALIVE, b=Verdict.UNKNOWN), DAY2)
    assert confirmed == [] and night2 == {"https://b.org": night1["https://b.org"]}  # a healed, c removed
    night3, confirmed = update_state(night2, _results(b=Verdict.DEAD), DAY3)
    assert [(c.url, c.failures) for c in confirmed] == [("https://b.org", 2)]


def test_state_ignores_damaged_entries() -> None:
    damaged = {"https://a.org": {"first_failed": "yesterday", "failures": 5}, "https://b.org": "x"}
    state, confirmed = update_state(damaged, _results(a=Verdict.DEAD, b=Verdict.DEAD), DAY2)
    assert confirmed == [] and {e["failures"] for e in state.values()} == {1}
