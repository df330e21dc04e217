"""Refresh that scales: 100 open bot PRs, 10 merges in a row, a refresh after each (fake GitHub)."""

from __future__ import annotations

from bot.jobs import refresh
from tests import refresh_scenario
from tests.fake_github import FakeGitHub, fake_github  # noqa: F401  (fixture)


def test_hundred_open_prs_ten_merges_requests_within_budget(
    fake_github: FakeGitHub,
    taxonomy,  # noqa: F811
    capsys,
) -> None:
    fake_github.mergeable_unknown = True  # as GitHub answers right after a push: the context alone must do
    pushes = refresh_scenario.run(fake_github, taxonomy, prs=100, merges=10)
    fake_github.mergeable_unknown = False

    # the figures (shown with `pytest -rP`; bench/refresh_requests.py prints them too)
    print("\nmerged  open  rebuilt  requests  budget  rebuild-all")
    for push in pushes:
        print(
            f"#{push.merged:<6} {push.open_prs:>4}  {push.rebuilt:>7}  {push.requests:>8}  {push.budget:>6}"
            f"  {push.rebuild_all_cost:>11}"
        )
    assert [p.open_prs for p in pushes] == list(range(99, 89, -1))  # each merge was clean (else: raised)
    assert pushes[-1].conflicting_after == 0  # and every PR still open merges cleanly
    assert all(p.requests <= p.budget for p in pushes)
    assert all(p.reads == 1 and p.writes == 3 * p.rebuilt for p in pushes)
    causes = sum((p.causes for p in pushes), start=type(pushes[0].causes)())
    assert set(causes) <= {
        f"rebuilt: {refresh.NEIGHBOURS_CHANGED}",
        f"unchanged: {refresh.NEIGHBOURS_UNCHANGED}",
    }
    # with 100 papers spread over 12 subsections, a merge disturbs a few PRs, not all of them
    assert sum(p.rebuilt for p in pushes) < sum(p.open_prs for p in pushes) / 10
