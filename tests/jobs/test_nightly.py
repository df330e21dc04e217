"""The nightly job end to end: the fake GitHub (real PyGithub, real HTTP, requests validated
against GitHub's descriptions) and a small web site on 127.0.0.1 whose pages each test sets night
by night. The ``https://`` side of the site is a second loopback server (TLS is not what is
tested: a transport in the test's HTTP client sends https://127.0.0.1:P to it)."""

from __future__ import annotations

import asyncio
import datetime
import http
import math
import re
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from werkzeug.serving import make_server

from bot.__main__ import main as bot_main
from bot.core import markers
from bot.core.catalog_document import render_document
from bot.core.entry import Entry
from bot.jobs.nightly import (
    ISSUE_MARKER,
    UNREACHED,
    NightlyResult,
    NightlySettings,
    Services,
    TrackedIssue,
    checking_order,
    previous_state,
    report,
    run,
)
from bot.jobs.nightly.findings import doubtful_redirect, fit_state, settled_state
from bot.jobs.nightly.publish import issue_action
from bot.linkcheck import CheckSettings, HostLimits, HttpChecker, LinkResult, Verdict
from bot.linkcheck.policy import Policy
from tests.conftest import PROJECT
from tests.fake_github import (
    BOT_TOKEN,
    FakeGitHub,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
)
from tests.golden_files import assert_shown_in_docs

BRANCH = "bot/nightly-maintenance"
CHECK = CheckSettings(
    concurrency=16,
    per_host=HostLimits(8, 0.0),
    # generous: a page of the loopback web answers at once, but a loaded machine (a load average
    # of 20) made a 404 a timeout with 3 s, and a dead link went missing from the issue
    timeout=10.0,
    connect_timeout=10.0,
    deadline=25.0,
    abandon_after=20.0,
    policy=Policy(error_retries=1, timeout_retries=0, backoff=0.01, max_retry_after=1),
)
SETTINGS = NightlySettings()
D1, D2, D3, D4, D5 = (datetime.date(2024, 6, day) for day in range(1, 6))


# -- the loopback web ------------------------------------------------------------------------------


class Site:
    """A web site on 127.0.0.1: ``pages[path] = (status, headers)``; anything else is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str]]] = {}
        self.delays: dict[str, float] = {}  # seconds before answering
        self.hits: Counter[str] = Counter()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        self.hits[path] += 1
        time.sleep(self.delays.get(path, 0.0))
        status, headers = self.pages.get(path, (404, {}))
        start_response(f"{status} {http.HTTPStatus(status).phrase}", list(headers.items()))
        return [b""]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class HttpsTwin(httpx.AsyncBaseTransport):
    """Answers https://127.0.0.1:P from the plain server on ``port``."""

    def __init__(self, port: int) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._port = port

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def web() -> Iterator[tuple[Site, Site]]:
    site, twin = Site(), Site()
    yield site, twin
    site.close()
    twin.close()


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:  # noqa: F811
    return fake_github


def night(
    fake: FakeGitHub,
    web: tuple[Site, Site],
    taxonomy,
    day: datetime.date,
    dry_run: bool = False,
    settings: NightlySettings = SETTINGS,
    enricher: Any = None,
) -> NightlyResult:
    """One nightly run against the fake GitHub and the loopback web (and, with ``enricher``, the
    paper store step)."""
    site, twin = web

    async def go() -> NightlyResult:
        mounts = {f"https://127.0.0.1:{site.port}": HttpsTwin(twin.port)}
        async with httpx.AsyncClient(timeout=2.0, follow_redirects=False, mounts=mounts) as client:
            forge = forge_for(fake)
            services = Services(forge, forge, forge, forge, HttpChecker(client, CHECK), (), enricher)
            return await run(services, CHECK, settings, taxonomy, day, dry_run)

    return asyncio.run(go())


def enricher_for(query_url: str, papers: dict, settings: Any = None) -> Any:
    """The paper store step against a local arXiv API (settings: config/papers.yml's by default)."""
    from bot.core.venues import VenueTable
    from bot.jobs.enrich import Enricher
    from bot.jobs.enrich import Settings as EnrichSettings
    from bot.sources.arxiv_api import ApiSettings
    from bot.sources.arxiv_fetch import PoliteApi

    api = PoliteApi(ApiSettings(query_url=query_url, delay_seconds=0.0), sleep=lambda _: None)
    return Enricher(api, settings or EnrichSettings.from_config(papers), VenueTable.from_config(papers))


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- catalogs ---------------------------------------------------------------------------------------


def paper(index: int, url: str, code_url: str = "", stars: int | None = None, pdf_url: str = "") -> Entry:
    return Entry(
        title=f"Paper {index}: quantization at scale",
        url=url,
        authors=("Ada Lovelace",),
        year=2024,
        month=5,
        code_url=code_url,
        stars=stars,
        pdf_url=pdf_url,
    )


PROSE = "- **A hand-written line** pointing at [the old repository](https://github.com/org/old-name)"


def full_scenario(fake: FakeGitHub, web: tuple[Site, Site], taxonomy) -> str:
    """Stars to refresh, a renamed, an archived and a deleted repository, a permanent redirect, an
    http link with a working https twin, a dead link, and a hand-written line."""
    site, twin = web
    site.pages.update(
        {
            "/a": (200, {}),
            "/a.pdf": (200, {}),
            "/moved": (301, {"Location": "/new-home"}),
            "/new-home": (200, {}),
            "/plain": (200, {}),
        }
    )
    twin.pages["/plain"] = (200, {})
    fake.add_remote("org/kept", stars=1234)
    fake.add_remote("org/old-name", stars=50)
    fake.rename_remote("org/old-name", "new-org/new-name")
    fake.add_remote("org/frozen", stars=300, archived=True)
    entries = [
        paper(1, site.url("/a"), "https://github.com/org/kept", pdf_url=site.url("/a.pdf")),
        paper(2, site.url("/moved"), "https://github.com/org/old-name/tree/main"),
        paper(3, site.url("/gone"), "https://github.com/org/frozen"),
        paper(4, site.url("/plain"), "https://github.com/org/deleted"),
    ]
    text = render_document(taxonomy, {("quantization", "weight-only"): entries})
    text = text.replace("## Pruning", f"{PROSE}\n\n## Pruning", 1)
    fake.push("catalog.md", text, message="Add the catalog")
    fake.reset_counts()
    return text


def one_link_scenario(fake: FakeGitHub, web: tuple[Site, Site], taxonomy, path: str = "/flaky") -> None:
    """One paper whose page is set per night; its repository's stars are already current."""
    site, _ = web
    fake.add_remote("org/kept", stars=1234)
    entries = [paper(1, site.url(path), "https://github.com/org/kept", stars=1234)]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    fake.reset_counts()


NIGHTLY_DOCS = Path(__file__).resolve().parents[2] / "docs" / "nightly.md"


def stable(text: str) -> str:
    """``text`` with what changes from run to run replaced: loopback ports, the run's duration."""
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return re.sub(r"\b\d+\.\d s\.$", "N.N s.", text, flags=re.MULTILINE)


def shown_in_the_docs(name: str, text: str) -> None:
    """``stable(text)`` is tests/golden/<name>, and docs/nightly.md includes that file."""
    assert_shown_in_docs("nightly.md", name, stable(text))


def tracking_issues(fake: FakeGitHub) -> list[Any]:
    return [i for i in fake.issues.values() if not i.is_pull]


def line_with(text: str, needle: str) -> tuple[int, str]:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if needle in line)
    return index + 1, lines[index]


# -- a first night ---------------------------------------------------------------------------------------


def test_first_night_proposes_the_safe_fixes_and_reports_the_rest(fake, web, taxonomy):
    text = full_scenario(fake, web, taxonomy)
    site = web[0]

    outcome = night(fake, web, taxonomy, D1)

    assert outcome.failures == () and outcome.pr_action == "opened" and outcome.issue_action == "opened"
    [pull] = fake.pulls()
    assert pull.head == BRANCH and pull.title == "Nightly maintenance" and "nightly" in pull.labels
    new = fake.file("catalog.md", BRANCH)
    assert line_with(new, "Paper 1:")[1].endswith("[code](https://github.com/org/kept) ⭐ 1.2k")
    assert f"[Paper 2: quantization at scale]({site.url('/new-home')})" in new  # permanent redirect
    assert "[code](https://github.com/new-org/new-name/tree/main) ⭐ 50" in new  # renamed, suffix kept
    assert line_with(new, "Paper 3:")[1].endswith("[code](https://github.com/org/frozen) ⭐ 300 (archived)")
    assert f"(https://127.0.0.1:{site.port}/plain)" in new  # http -> https: the https page answered
    assert line_with(new, "Paper 4:")[1].endswith("[code](https://github.com/org/deleted)")  # reported only
    assert PROSE in new and f"({site.url('/gone')})" in new and f"({site.url('/a.pdf')})" in new
    changed = [a for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert len(changed) == 4  # one line per entry that needed something

    [issue] = tracking_issues(fake)
    assert issue.state == "open" and issue.labels == ["nightly", "catalog-bot"]
    assert issue.title == "Nightly maintenance: 1 repository not found, 1 link to fix by hand"
    assert "### Dead links" not in issue.body  # the dead page failed once: watched, not reported
    assert "### Watching" in issue.body and f"{site.url('/gone')} (HTTP 404, since 2024-06-01)" in issue.body
    gone_line = line_with(text, "org/deleted")[0]
    assert f"| {gone_line} | Paper 4: quantization at scale | https://github.com/org/deleted |" in issue.body
    prose_line = line_with(text, "A hand-written line")[0]
    assert (
        f"| {prose_line} | A hand-written line | https://github.com/org/old-name | "
        "https://github.com/new-org/new-name |"
    ) in issue.body
    assert markers.find(issue.body, ISSUE_MARKER)["links"][site.url("/gone")]["failures"] == 1
    assert "| renamed or transferred repositories: new URL | 1 |" in pull.body
    message = fake.git.commits[fake.head(BRANCH)].message.splitlines()[0]  # what the commit changes
    assert message == (
        "Nightly maintenance: 3 star counts, 1 moved repository, 1 archived mark, 1 redirect followed, "
        "1 link moved to https"
    )
    assert "| `http://` → `https://` (the https page answered) | 1 |" in pull.body
    shown_in_the_docs("nightly-pr-body.md", pull.body)  # docs/nightly.md: the PR body
    watching = next(line for line in issue.body.splitlines() if line.startswith("- line "))
    assert f"`{stable(watching)}`" in NIGHTLY_DOCS.read_text(encoding="utf-8")  # quoted as the first night


def test_a_second_run_with_nothing_new_writes_nothing(fake, web, taxonomy):
    full_scenario(fake, web, taxonomy)
    first = night(fake, web, taxonomy, D1)
    fake.reset_counts()

    again = night(fake, web, taxonomy, D1)

    assert fake.writes() == 0, dict(fake.counts)
    assert (again.pr_action, again.issue_action) == ("unchanged", "unchanged")
    assert again.pull_request.number == first.pull_request.number
    assert len(fake.pulls()) == 1 and len(tracking_issues(fake)) == 1 and not fake.comments
    # the summary still links the issue, as it links the unchanged PR ("Tracking issue: unchanged"
    # named no issue: where the night's findings are was one click further)
    assert again.issue is not None and (again.issue.number, again.issue.url) == (
        first.issue.number,
        first.issue.url,
    )
    summary = report(again, SETTINGS, False, {})
    assert f"- Tracking issue: unchanged ([#{first.issue.number}]({first.issue.url}))" in summary


def test_a_link_dead_on_two_nights_is_reported_with_line_entry_status_and_since(fake, web, taxonomy):
    text = full_scenario(fake, web, taxonomy)
    site = web[0]
    night(fake, web, taxonomy, D1)
    pr_head = fake.head(BRANCH)

    second = night(fake, web, taxonomy, D2)

    [issue] = tracking_issues(fake)
    line = line_with(text, "/gone")[0]
    assert second.issue_action == "updated" and issue.title.startswith("Nightly maintenance: 1 dead link, ")
    assert (
        f"| {line} | Paper 3: quantization at scale | {site.url('/gone')} | HTTP 404 | 2024-06-01 |"
        in issue.body
    )
    assert "### Watching" not in issue.body
    assert second.pr_action == "unchanged" and fake.head(BRANCH) == pr_head and not fake.comments
    shown_in_the_docs("nightly-issue.md", issue.body)  # docs/nightly.md: the issue, and its title
    assert f"`{issue.title}`" in NIGHTLY_DOCS.read_text(encoding="utf-8")

    fake.reset_counts()
    third = night(fake, web, taxonomy, D3)  # still dead, nothing else new: nothing to write
    assert fake.writes() == 0 and third.issue_action == "unchanged" and len(third.night.dead) == 1


def test_a_link_failing_one_night_only_is_never_reported(fake, web, taxonomy):
    one_link_scenario(fake, web, taxonomy)
    site = web[0]

    first = night(fake, web, taxonomy, D1)  # 404 tonight
    [issue] = tracking_issues(fake)
    assert first.night.watching and not first.night.dead
    assert issue.state == "closed" and "### Watching" in issue.body  # remembered, but no alarm
    assert issue.title == "Nightly maintenance: all green"

    site.pages["/flaky"] = (200, {})
    second = night(fake, web, taxonomy, D2)

    assert not second.night.dead and not second.night.watching and second.night.state == {}
    assert issue.state == "closed" and "### Watching" not in issue.body and "### Dead links" not in issue.body
    assert not fake.pulls() and not fake.comments


def test_a_link_still_dead_for_another_reason_leaves_the_issue_as_it_is(fake, web, taxonomy):
    """The state of a link already reported dead is kept as it was (settled_state: "the report
    does not change, so neither does the issue"), but its row showed tonight's reason: a page that
    answers 404 one night and 410 (or a DNS error, or another timeout count) the next was an edit
    of the issue every night, though nothing new was found."""
    one_link_scenario(fake, web, taxonomy)
    site = web[0]
    night(fake, web, taxonomy, D1)
    assert night(fake, web, taxonomy, D2).night.dead
    [issue] = tracking_issues(fake)
    body = issue.body
    fake.reset_counts()

    site.pages["/flaky"] = (410, {})
    still = night(fake, web, taxonomy, D3)

    assert [d.reason for d in still.night.dead] == ["HTTP 404"]  # as reported: since 2024-06-01
    assert still.issue_action == "unchanged" and fake.writes() == 0 and issue.body == body


@pytest.mark.parametrize("path", ["/flaky", "/other"])
def test_a_dead_link_not_verified_tonight_stays_reported_as_it_was(fake, web, taxonomy, path):
    """A link reported dead (or watched) that is rate limited tonight (or not reached within the
    time budget) is no evidence either way, and its state was kept; but it left the report: the
    issue was closed "all green" ("All links answer") and reopened the next night it failed."""
    one_link_scenario(fake, web, taxonomy)
    site = web[0]
    if path == "/other":  # watched only: it failed one night
        night(fake, web, taxonomy, D1)
    else:
        night(fake, web, taxonomy, D1)
        assert night(fake, web, taxonomy, D2).night.dead
    [issue] = tracking_issues(fake)
    body, state = issue.body, issue.state
    fake.reset_counts()

    site.pages["/flaky"] = (429, {"Retry-After": "30"})  # past max_retry_after: unknown tonight
    quiet = night(fake, web, taxonomy, D3)

    assert [u.url for u in quiet.night.unknown] == [site.url("/flaky")]
    assert quiet.issue_action == "unchanged" and fake.writes() == 0
    assert (issue.state, issue.body) == (state, body)


def test_a_green_night_closes_the_tracking_issue(fake, web, taxonomy):
    one_link_scenario(fake, web, taxonomy)
    site = web[0]
    night(fake, web, taxonomy, D1)
    reported = night(fake, web, taxonomy, D2)
    [issue] = tracking_issues(fake)
    assert reported.issue_action == "reopened" and issue.state == "open" and len(reported.night.dead) == 1

    site.pages["/flaky"] = (200, {})
    green = night(fake, web, taxonomy, D3)

    assert green.issue_action == "closed" and issue.state == "closed" and issue.state_reason == "completed"
    assert issue.title == "Nightly maintenance: all green" and "All links answer" in issue.body
    shown_in_the_docs("nightly-issue-green.md", issue.body)  # docs/nightly.md: the closed issue
    assert f"`{issue.title}`" in NIGHTLY_DOCS.read_text(encoding="utf-8")
    shown_in_the_docs("nightly-summary.md", report(green, SETTINGS, False, {}))  # and the job summary
    assert len(tracking_issues(fake)) == 1
    fake.reset_counts()
    assert night(fake, web, taxonomy, D4).issue_action == "unchanged" and fake.writes() == 0


def test_the_pr_is_closed_when_the_default_branch_needs_nothing_more(fake, web, taxonomy):
    one_link_scenario(fake, web, taxonomy, path="/page")
    web[0].pages["/page"] = (200, {})
    fake.remote["org/kept"].stars = 2500
    opened = night(fake, web, taxonomy, D1)
    assert opened.pr_action == "opened" and "⭐ 2.5k" in fake.file("catalog.md", BRANCH)

    fake.push("catalog.md", fake.file("catalog.md", BRANCH), message="Stars, by hand")
    closed = night(fake, web, taxonomy, D2)

    [pull] = fake.pulls()
    assert closed.pr_action == "closed" and pull.state == "closed" and BRANCH not in fake.branches()
    assert "nothing left to change" in fake.issue_comments(pull.number)[0].body
    fake.reset_counts()
    assert night(fake, web, taxonomy, D3).pr_action == "none" and fake.writes() == 0


def test_the_pr_is_rebuilt_in_place_when_stars_move_again(fake, web, taxonomy):
    one_link_scenario(fake, web, taxonomy, path="/page")
    web[0].pages["/page"] = (200, {})
    fake.remote["org/kept"].stars = 2500
    first = night(fake, web, taxonomy, D1)
    fake.remote["org/kept"].stars = 2549  # still shows as 2.5k: nothing to do
    fake.reset_counts()
    assert night(fake, web, taxonomy, D2).pr_action == "unchanged" and fake.writes() == 0

    fake.remote["org/kept"].stars = 3100
    moved = night(fake, web, taxonomy, D3)

    assert moved.pr_action == "updated" and moved.pull_request.number == first.pull_request.number
    assert len(fake.pulls()) == 1 and "⭐ 3.1k" in fake.file("catalog.md", BRANCH)


def test_the_rolling_pr_moved_while_the_night_rebuilds_it_is_rebuilt_once_from_there(fake, web, taxonomy):
    """A push on the maintenance branch between the night's read and its write (a maintainer, or
    another run) is refused by the compare-and-swap; the night reads the branch again and rebuilds
    it once, instead of failing the run."""
    one_link_scenario(fake, web, taxonomy, path="/page")
    web[0].pages["/page"] = (200, {})
    fake.remote["org/kept"].stars = 2500
    night(fake, web, taxonomy, D1)
    fake.remote["org/kept"].stars = 3100
    fake.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/git/commits",
        lambda: fake.push("NOTE.md", "a maintainer's note\n", BRANCH, message="meanwhile"),
    )
    moved = night(fake, web, taxonomy, D3)
    assert moved.pr_action == "updated" and "⭐ 3.1k" in fake.file("catalog.md", BRANCH)
    assert fake.counts["POST /graphql mutation"] == 2 and not fake.violations  # refused, then done


def test_a_paper_merged_while_the_night_checks_links_does_not_leave_its_pr_conflicting(fake, web, taxonomy):
    """The night read the repository when it started and built its PR on that head some 45 minutes
    later: a paper merged meanwhile right below a star count it updates left the PR conflicting
    (the refresh job that push started had run before the PR was written). The night reads the
    default branch again before it publishes."""
    site, _ = web
    site.pages.update({"/p1": (200, {}), "/p2": (200, {})})
    fake.add_remote("org/kept", stars=1234)
    p1 = paper(1, site.url("/p1"), "https://github.com/org/kept", stars=1234)
    p2 = paper(2, site.url("/p2"))
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): [p1]}))
    fake.remote["org/kept"].stars = 3100
    fake.meanwhile(  # once the night has read the repository: a maintainer merges a paper's PR
        "GET",
        "/repos/{owner}/{repo}/issues",
        lambda: fake.push(
            "catalog.md", render_document(taxonomy, {("quantization", "weight-only"): [p1, p2]})
        ),
    )

    result = night(fake, web, taxonomy, D1)

    assert result.pr_action == "opened" and fake.merge(result.pull_request.number).status_code == 200
    text = fake.file("catalog.md")
    assert "Paper 2: quantization" in text and "⭐ 3.1k" in text


def test_the_rolling_pr_merged_while_the_night_runs_gives_a_new_pr_not_a_branch_without_one(
    fake, web, taxonomy
):
    """A maintainer merges the open maintenance PR while the night checks links: the night's view
    still had it open, so it "updated" the merged PR and created its deleted branch again, a branch
    without a PR. Read again before publishing, it opens a new PR."""
    one_link_scenario(fake, web, taxonomy, path="/page")
    web[0].pages["/page"] = (200, {})
    fake.remote["org/kept"].stars = 2500
    first = night(fake, web, taxonomy, D1)
    fake.remote["org/kept"].stars = 3100
    fake.meanwhile("GET", "/repos/{owner}/{repo}/issues", lambda: fake.merge(first.pull_request.number))

    second = night(fake, web, taxonomy, D2)

    assert fake.pulls()[0].merged and second.pr_action == "opened"
    assert second.pull_request.number != first.pull_request.number
    assert [p.state for p in fake.pulls()] == ["closed", "open"] and "⭐ 3.1k" in fake.file(
        "catalog.md", BRANCH
    )


# -- requests, failures, the guard ------------------------------------------------------------------


def test_requests_for_250_repositories(fake, web, taxonomy, capsys):
    count = 250
    tools = []
    for i in range(count):
        fake.add_remote(f"org{i}/tool{i}", stars=100 + i)
        tools.append(
            Entry(
                title=f"Tool {i}",
                url=f"https://github.com/org{i}/tool{i}",
                kind="resource",
                description="A library.",
            )
        )
    fake.push("catalog.md", render_document(taxonomy, {("tools", None): tools}))
    fake.reset_counts()

    first = night(fake, web, taxonomy, D1)
    counts_first, writes_first = dict(fake.counts), fake.writes()
    fake.reset_counts()
    second = night(fake, web, taxonomy, D2)
    counts_second = dict(fake.counts)

    lookups = math.ceil(count / 100)
    assert first.pr_action == "opened" and len(first.night.of_kind("stars")) == count
    assert counts_first["POST /graphql"] == 2 + lookups  # the snapshot, the lookups, the snapshot again
    assert second.pr_action == "unchanged" and fake.writes() == 0
    # no tracking issue yet: looked for by its label, then by its marker (a label taken off it)
    assert counts_second == {"POST /graphql": 2 + lookups, "GET /repos/{owner}/{repo}/issues": 2}
    assert first.night.http_requests == 0  # repository links are never scraped
    # docs/nightly.md's table of GitHub API requests shows these figures
    table = NIGHTLY_DOCS.read_text(encoding="utf-8")
    graphql = counts_first["POST /graphql"]
    assert (
        f"| `nightly`, {count} repositories, first night (opens the PR) | {sum(counts_first.values())}: "
        f"{graphql} GraphQL (2 snapshots of the repository, before the checks and before the PR, + "
        f"{lookups} lookups), 2 issue lookups (by its "
        f"label, then, no issue having it, by its marker), {writes_first} writes to open the PR |"
    ) in table
    assert (
        f"| `nightly`, same repositories, next night, nothing new | {sum(counts_second.values())}: "
        f"{graphql} GraphQL + 2 issue lookups (no issue yet), **0 writes** |"
    ) in table
    # figures for the report: shown with `pytest -rP`, not between the dots
    print(
        f"\nnightly, {count} repositories: first night {sum(counts_first.values())} requests "
        f"{counts_first}; second night {sum(counts_second.values())} requests {counts_second}"
    )


def test_a_night_where_most_links_fail_at_once_is_inconclusive(fake, web, taxonomy):
    site = web[0]
    entries = [paper(i, site.url(f"/p{i}")) for i in range(25)]
    for i in range(25):
        site.pages[f"/p{i}"] = (200, {})
    site.pages["/p0"] = (404, {})
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    night(fake, web, taxonomy, D1)
    [issue] = tracking_issues(fake)
    body = issue.body
    site.close()  # the runner lost its network: every request fails to connect
    fake.reset_counts()

    outcome = night(fake, web, taxonomy, D2)

    assert outcome.night.inconclusive and outcome.issue_action == "skipped" and fake.writes() == 0
    assert issue.body == body and not outcome.night.dead
    summary = report(outcome, SETTINGS, False, {})
    assert "Tonight is inconclusive" in summary


def test_a_site_holding_most_links_that_answers_404_is_dead_not_inconclusive(fake, web, taxonomy):
    """A 404 or 410 is a definite answer from a server that was reached: when one site holding most
    of the links really died, its links are reported, where counting them as network failures made
    every night inconclusive and no dead link was ever reported."""
    site = web[0]
    entries = [paper(i, site.url(f"/p{i}")) for i in range(25)]
    site.pages.update({f"/p{i}": (200, {}) for i in range(20, 25)})  # /p0 to /p19: 404 (or 410)
    site.pages["/p19"] = (410, {})
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))

    first = night(fake, web, taxonomy, D1)
    assert not first.night.inconclusive and len(first.night.watching) == 20
    second = night(fake, web, taxonomy, D2)
    assert not second.night.inconclusive and len(second.night.dead) == 20
    # 5xx answers are not definite: most links failing with them is still an inconclusive night
    site.pages.update({f"/p{i}": (503, {}) for i in range(25)})
    assert night(fake, web, taxonomy, D3).night.inconclusive


def test_a_site_gone_from_the_web_with_most_links_is_reported_while_other_hosts_answer(fake, web, taxonomy):
    """A site whose server is gone (here a port nothing listens on: connection refused; a name
    gone from DNS fails the same way) fails like a network outage. While it held most of the
    links, every night was inconclusive: its links, and every other dead link of the catalog,
    were never reported. Five other hosts answering show the runner's network works."""
    site = web[0]
    others = [Site() for _ in range(4)]
    try:
        gone = f"http://127.0.0.1:{closed_port()}"
        entries = [paper(i, f"{gone}/p{i}") for i in range(21)]
        for n, host in enumerate([site, *others]):
            host.pages.update({"/a": (200, {}), "/b": (200, {})})
            entries += [paper(100 + 2 * n, host.url("/a")), paper(101 + 2 * n, host.url("/b"))]
        site.pages.pop("/b")  # a page of a host that answers is gone too: 404
        fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
        settings = replace(SETTINGS, fix_https=False)

        first = night(fake, web, taxonomy, D1, settings=settings)
        assert not first.night.inconclusive and len(first.night.watching) == 22 and not first.night.dead
        second = night(fake, web, taxonomy, D2, settings=settings)
    finally:
        for host in others:
            host.close()

    assert not second.night.inconclusive and second.issue_action == "reopened"
    dead = {problem.url: problem for problem in second.night.dead}
    assert set(dead) == {f"{gone}/p{i}" for i in range(21)} | {site.url("/b")}
    assert dead[f"{gone}/p0"].reason.startswith("cannot connect") and dead[site.url("/b")].status == 404
    [issue] = tracking_issues(fake)
    assert issue.title.startswith("Nightly maintenance: 22 dead links") and f"{gone}/p20" in issue.body


def test_links_not_reached_within_the_time_budget_are_unknown_not_dead(fake, web, taxonomy):
    site = web[0]
    entries = [paper(1, site.url("/fast")), paper(2, site.url("/slow"))]
    site.pages.update({"/fast": (200, {}), "/slow": (404, {})})
    site.delays["/slow"] = 5  # past the budget, which leaves /fast a second to spare under load
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))

    outcome = night(fake, web, taxonomy, D1, settings=replace(SETTINGS, time_budget=1.2))

    slow = site.url("/slow")
    assert [(u.url, u.reason) for u in outcome.night.unknown] == [(slow, UNREACHED)]
    assert outcome.night.unreached == 1 and not outcome.night.watching and outcome.night.state == {}
    assert outcome.night.link_counts["alive"] == 1 and outcome.failures == ()
    assert "| ↳ not reached within 0.02 minutes (the next nights start elsewhere) | 1 |" in report(
        outcome, replace(SETTINGS, time_budget=1.2), False, {}
    )


def test_checking_order_puts_failing_links_first_and_moves_every_night():
    urls = [f"u{i}" for i in range(100)]
    orders = [checking_order(urls, {"u50": {}, "u7": {}}, day) for day in (D1, D2, D3)]
    assert all(order[:2] == ["u7", "u50"] and sorted(order) == sorted(urls) for order in orders)
    starts = {order[2] for order in orders}
    assert len(starts) == 3  # a different starting point each night


def test_a_refused_pr_still_updates_the_issue_and_fails_the_run(fake, web, taxonomy):
    full_scenario(fake, web, taxonomy)
    fake.fail(
        "POST", "/repos/{owner}/{repo}/pulls", status=403, message="Resource not accessible by integration"
    )

    outcome = night(fake, web, taxonomy, D1)

    assert outcome.issue_action == "opened" and len(tracking_issues(fake)) == 1
    assert (
        outcome.pr_action == "failed"
        and len(outcome.failures) == 1
        and "maintenance PR" in outcome.failures[0]
    )
    assert BRANCH not in fake.branches()  # no branch left behind without its PR


def test_dry_run_writes_nothing_and_shows_the_diff(fake, web, taxonomy):
    full_scenario(fake, web, taxonomy)

    outcome = night(fake, web, taxonomy, D1, dry_run=True)

    assert fake.writes() == 0 and not fake.pulls() and not tracking_issues(fake)
    assert (outcome.pr_action, outcome.issue_action) == ("would open", "would open")
    assert "+- [Paper 1: quantization at scale]" in outcome.diff and "⭐ 1.2k" in outcome.diff
    night(fake, web, taxonomy, D1)
    fake.reset_counts()
    later = night(fake, web, taxonomy, D2, dry_run=True)  # /gone would now be reported
    assert (later.pr_action, later.issue_action) == ("would update", "would update") and fake.writes() == 0


def test_the_command_line_job(fake, web, taxonomy, tmp_path, monkeypatch, capsys):
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    github = yaml.safe_load((config_dir / "github.yml").read_text(encoding="utf-8"))
    github.update(seconds_between_requests=0, seconds_between_writes=0)  # no pauses against the fake
    (config_dir / "github.yml").write_text(yaml.safe_dump(github), encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    one_link_scenario(fake, web, taxonomy, path="/page")
    web[0].pages["/page"] = (200, {})
    fake.remote["org/kept"].stars = 2500
    summary_file = tmp_path / "summary.md"
    for key, value in {
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_STEP_SUMMARY": str(summary_file),
    }.items():
        monkeypatch.setenv(key, value)

    assert bot_main(["nightly"]) == 0

    summary = summary_file.read_text(encoding="utf-8")
    assert summary.startswith("## Nightly maintenance, ") and "- Maintenance PR: opened ([#" in summary
    assert "| star count shown changed | 1 |" in summary and summary.strip() in capsys.readouterr().out
    assert len(fake.pulls()) == 1


def test_the_command_line_job_keeps_arxivs_pause_between_the_link_check_and_the_paper_store(
    fake, web, taxonomy, tmp_path, monkeypatch
):
    """The link check's arXiv lookups and the paper store step each paced their own calls: the
    store's first request followed the link check's last at once (0.05 s here, under the
    delay_seconds arXiv asks for between any two calls). One pace for the whole run now."""
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    delay = 0.5
    server = ArxivApiServer([synthetic("2405.00001", "Paper 1")])
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    github = yaml.safe_load((config_dir / "github.yml").read_text(encoding="utf-8"))
    github.update(seconds_between_requests=0, seconds_between_writes=0)
    (config_dir / "github.yml").write_text(yaml.safe_dump(github), encoding="utf-8")
    sources = yaml.safe_load((config_dir / "sources.yml").read_text(encoding="utf-8"))
    sources["api"].update(query_url=server.url, delay_seconds=delay)
    (config_dir / "sources.yml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    fake.add_remote("org/kept", stars=1234)
    entry = paper(1, "https://arxiv.org/abs/2405.00001", "https://github.com/org/kept", stars=1234)
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): [entry]}))
    for key, value in {
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }.items():
        monkeypatch.setenv(key, value)
    try:
        assert bot_main(["nightly"]) == 0
    finally:
        server.close()

    # the link check's lookup, then the paper store's
    assert [a["id_list"] for a in server.log] == ["2405.00001", "2405.00001"]
    assert server.times[1] - server.times[0] >= delay


def test_without_a_token_the_job_says_what_to_do(monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert bot_main(["nightly"]) == 1
    err = capsys.readouterr().err
    assert "needs a token" in err and "GITHUB_TOKEN" in err and "check-links" in err


def test_without_a_token_the_hint_names_the_configured_catalog(monkeypatch, capsys, tmp_path):
    """The hint said "your local catalog.md" whatever `catalog` config/poll.yml names."""
    import shutil

    from tests.conftest import PROJECT

    shutil.copytree(PROJECT / "config", tmp_path / "config")
    poll_yml = tmp_path / "config" / "poll.yml"
    text = poll_yml.read_text(encoding="utf-8")
    poll_yml.write_text(re.sub(r"(?m)^catalog:.*$", "catalog: docs/papers.md", text), encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert bot_main(["nightly"]) == 1
    assert "checks the links of your local docs/papers.md" in capsys.readouterr().err


# -- the pure parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, doubt",
    [
        ("https://a.org/docs/page", "https://a.org/docs/page/", ""),
        ("http://a.org/x", "https://a.org/x", ""),
        ("https://a.org/paper.pdf", "https://b.org/paper.pdf", "another host"),  # issue 11: hand fix
        ("https://a.org/x", "http://a.org/x", "from https to plain http"),
        ("https://a.org/blog/post", "https://a.org/", "home page"),
        ("https://a.org/report", "https://a.org/login?next=/report", "login page"),
        ("https://a.org/", "https://www.a.org/", ""),
        # a page named by its query (?p=123) that now lands on the home page is gone too
        ("http://a.org/?p=123", "https://a.org/", "home page"),
        ("https://a.org/index.php?id=7", "https://a.org/", "home page"),
        ("http://a.org/?p=123", "https://a.org/?p=123", ""),
        # a home page has other names: a site sends its removed pages to /index.html or /en/
        ("https://a.org/blog/post", "https://a.org/index.html", "home page"),
        ("https://a.org/docs/old-page", "https://a.org/en/", "home page"),
        ("https://a.org/docs/page", "https://a.org/en-us/index.php", "home page"),
        ("https://a.org/about/team", "https://a.org/home", "home page"),
        ("https://a.org/", "https://a.org/en/", ""),  # home to home: nothing lost
        ("https://a.org/index.html", "https://a.org/en/", ""),
        ("https://a.org/cv", "https://a.org/", "home page"),  # a short page name is no language root
        ("https://a.org/docs", "https://a.org/docs/index.html", ""),
        ("https://a.org/paper", "https://a.org/papers/home-page-of-the-paper", ""),
    ],
)
def test_which_redirects_are_safe_to_write(old, new, doubt):
    found = doubtful_redirect(old, new)
    assert (doubt in found and bool(found)) if doubt else found == ""


@pytest.mark.parametrize(
    "pair",
    [
        {"from": "pytorch.org", "to": "docs.pytorch.org"},
        {"from": "www.pytorch.org", "to": "docs.pytorch.org"},
        {"from": "WWW.PyTorch.org", "to": "www.docs.pytorch.org"},
    ],
)
def test_a_redirect_hosts_pair_ignores_www_as_the_config_says(pair):
    """config/nightly.yml says "`www.` is ignored" in redirect_hosts, but a pair written with it
    never matched (the redirect's own hosts are compared without it): the move it allows stayed a
    hand fix every night."""
    nightly = yaml.safe_load((PROJECT / "config" / "nightly.yml").read_text(encoding="utf-8"))
    links = yaml.safe_load((PROJECT / "config" / "links.yml").read_text(encoding="utf-8"))
    settings = NightlySettings.from_config({**nightly, "redirect_hosts": [pair]}, links, "catalog.md", BRANCH)
    for old in ("https://pytorch.org/docs/stable/x.html", "https://www.pytorch.org/docs/stable/x.html"):
        assert (
            doubtful_redirect(old, "https://docs.pytorch.org/docs/stable/x.html", settings.redirect_hosts)
            == ""
        )
    assert "another host" in doubtful_redirect(
        "https://pytorch.org/x", "https://docs.pytorch.org.evil.example/x", settings.redirect_hosts
    )


def test_a_confirmed_link_keeps_its_stored_entry_so_quiet_nights_write_nothing():
    before = {
        "u": {
            "first_failed": "2024-06-01",
            "last_failed": "2024-06-02",
            "failures": 2,
            "status": 404,
            "error": "HTTP 404",
        }
    }
    tonight = {
        "u": {**before["u"], "last_failed": "2024-06-03", "failures": 3},
        "v": {
            "first_failed": "2024-06-03",
            "last_failed": "2024-06-03",
            "failures": 1,
            "status": 500,
            "error": "x",
        },
    }
    assert settled_state(before, tonight, 2) == {"u": before["u"], "v": tonight["v"]}
    restarted = {"u": {**tonight["u"], "first_failed": "2024-06-03", "failures": 1}}
    assert settled_state(before, restarted, 2) == restarted


def test_the_state_survives_only_from_the_bots_own_marker():
    state = {"u": {"first_failed": "2024-06-01", "last_failed": "2024-06-01", "failures": 1}}
    body = "text\n\n" + markers.make(ISSUE_MARKER, {"version": 1, "links": state})
    assert previous_state(body) == state
    assert previous_state(None) == {} and previous_state("no marker") == {}
    assert previous_state(markers.make(ISSUE_MARKER, {"version": 99, "links": state})) == {}
    assert previous_state(markers.make(ISSUE_MARKER, {"version": 1, "links": ["bad"]})) == {}


def test_the_state_is_trimmed_to_fit_an_issue_body():
    state = {
        f"https://example.org/{i:04}": {
            "first_failed": "2024-06-01",
            "last_failed": "2024-06-02",
            "failures": 2 if i % 2 else 1,
        }
        for i in range(2000)
    }
    kept = fit_state(state, 20_000)
    assert 0 < len(kept) < len(state) and len(str(kept)) < 25_000
    assert all(entry["failures"] == 2 for entry in kept.values())  # longest streaks first


def test_the_state_of_thousands_of_failing_links_is_kept_whole_in_the_issue():
    """A state entry is about 150 characters of JSON: past about 400 failing links the state was
    trimmed to fit the issue, and the links dropped from it started over every night, so on a big
    catalog with 933 failing links 568 could never be reported dead (bench/nightly_scale.py).
    Packed, the state of 2,000 keeps every streak; a small state stays plain JSON."""
    from bot.jobs.nightly.findings import ISSUE_BODY_LIMIT, Night
    from bot.jobs.nightly.publish import issue_text

    def entry(i: int) -> dict[str, Any]:
        day = f"2024-06-{1 + i % 2:02}"
        return {"error": "HTTP 404", "failures": 1 + i % 2, "first_failed": day, "last_failed": "2024-06-02"}

    state = {f"https://site{i % 37}.example.org/papers/{i}/code-and-slides": entry(i) for i in range(2000)}
    _, body = issue_text(Night("2024-06-02", {}, 0, (), (), (), (), (), state), NightlySettings())
    assert len(body) <= ISSUE_BODY_LIMIT
    assert previous_state(body) == state
    assert issue_text(Night("2024-06-02", {}, 0, (), (), (), (), (), state), NightlySettings())[1] == body
    small = dict(list(state.items())[:3])
    _, body = issue_text(Night("2024-06-02", {}, 0, (), (), (), (), (), small), NightlySettings())
    assert markers.find(body, ISSUE_MARKER) == {"version": 1, "links": small}
    assert previous_state(markers.make(ISSUE_MARKER, {"version": 1, "links_zlib": "not zlib"})) == {}


def test_a_long_report_keeps_the_issue_under_githubs_limit_and_its_state():
    """Only the state was trimmed to fit the issue: 250 dead links with long titles made the body
    itself longer than GitHub accepts (65,536 characters), so the issue was refused every night,
    and the state in it had been trimmed to nothing (every streak would start over)."""
    from bot.jobs.nightly.findings import ISSUE_BODY_LIMIT, LinkProblem, Night
    from bot.jobs.nightly.publish import issue_text

    title = "A Fairly Long Title About Efficient Quantization of Large Language Models, and More"
    dead = tuple(
        LinkProblem(
            f"https://paperswithcode.com/paper/a-long-slug-number-{i}-about-the-quantization-of-llms",
            (100 + i,),
            f"Paper {i}: {title}",
            404,
            "HTTP 404",
            "2024-06-01",
        )
        for i in range(250)
    )
    entry = {"first_failed": "2024-06-01", "last_failed": "2024-06-02", "failures": 2, "status": 404}
    night = Night("2024-06-02", {}, 0, (), (), dead, (), (), {p.url: dict(entry) for p in dead})
    _, body = issue_text(night, NightlySettings())
    assert len(body) <= ISSUE_BODY_LIMIT
    assert len(previous_state(body)) == 250  # every streak is kept
    assert "… and " in body and " more |" in body  # fewer rows, and the rest counted


def test_a_long_pull_request_body_stays_under_githubs_limit():
    """The first night of the paper store on a big catalog (every line's authors, hundreds of
    star counts and https fixes, 200 rows each) wrote a PR body longer than GitHub accepts: the
    rolling PR could not be opened, night after night."""
    from types import SimpleNamespace

    from bot.core.enrichment import Change
    from bot.jobs.check_stars import RepoFinding
    from bot.jobs.nightly.findings import LinkFix, Night
    from bot.jobs.nightly.model import PR_BODY_LIMIT
    from bot.jobs.nightly.publish import pull_request_body

    title = "Paper: A Fairly Long Title About Efficient Quantization of Large Language Models"
    authors = "Firstname Lastname, Another Author, Third Person et al."
    changes = [
        Change(f"2401.{i:05d}", i, title, "authors", "", authors, "the line showed no authors")
        for i in range(1000)
    ]
    stars = tuple(
        RepoFinding("stars", i, title, f"https://github.com/org/repo-{i}", f"org/repo-{i}", "1.2k", "1.3k")
        for i in range(400)
    )
    fixes = tuple(
        LinkFix(
            i,
            title,
            f"http://example.org/a/long/path/{i}",
            f"https://example.org/a/long/path/{i}",
            "https",
            True,
        )
        for i in range(300)
    )
    enrichment = SimpleNamespace(changes=changes, refreshed=["2401.00001"] * 1000, dropped=[])
    night = Night("2024-06-02", {}, 0, stars, fixes, (), (), (), {}, enrichment=enrichment)
    body = pull_request_body(night, NightlySettings())
    assert len(body) <= PR_BODY_LIMIT and body.endswith("<!-- catalog-bot:nightly-maintenance -->")
    assert "| | … and " in body  # fewer rows, and the rest counted
    assert "| star counts (written only when the number shown changes) | 400 |" in body  # totals kept


def test_the_issue_title_says_when_withdrawn_papers_are_the_only_finding():
    """A night whose only finding is a withdrawn paper keeps the issue open: its title said
    "all green" (the counts did not include withdrawn papers)."""
    from bot.jobs.nightly.findings import LinkProblem, Night
    from bot.jobs.nightly.publish import issue_text

    withdrawn = LinkProblem("https://arxiv.org/abs/2401.00001", (12,), "T", 200, "withdrawn", "2024-06-01")
    night = Night("2024-06-01", {}, 0, (), (), (), (), (), {}, withdrawn=(withdrawn,))
    assert not night.green
    title, _ = issue_text(night, NightlySettings())
    assert title == "Nightly maintenance: 1 paper withdrawn"
    title, _ = issue_text(replace(night, withdrawn=(withdrawn, withdrawn)), NightlySettings())
    assert title == "Nightly maintenance: 2 papers withdrawn"


def test_the_commit_message_counts_what_the_pr_changes_unless_one_is_configured():
    """The rolling PR's commit always read "star counts, moved repositories and links", even when
    it only marked a paper withdrawn; a configured message is still used as given."""
    from types import SimpleNamespace

    from bot.jobs.check_stars import RepoFinding
    from bot.jobs.nightly.findings import Night
    from bot.jobs.nightly.publish import LEGACY_COMMIT_MESSAGE, commit_message

    change = SimpleNamespace(field="withdrawn", new="true")
    store = SimpleNamespace(changes=[change], refreshed=[], dropped=[])
    withdrawn_only = Night("2024-06-01", {}, 0, (), (), (), (), (), {}, enrichment=store)
    assert (
        commit_message(withdrawn_only, NightlySettings()) == "Nightly maintenance: 1 paper marked withdrawn"
    )
    legacy = NightlySettings(commit_message=LEGACY_COMMIT_MESSAGE)  # older configs showed it as the default
    assert commit_message(withdrawn_only, legacy) == "Nightly maintenance: 1 paper marked withdrawn"
    venues = [SimpleNamespace(field="venue", new="ICLR 2025")] * 2
    stars = RepoFinding("stars", 3, "T", "https://github.com/a/b", "a/b", "1.2k", "1.3k")
    both = replace(
        withdrawn_only,
        repo_findings=(stars,),
        enrichment=SimpleNamespace(changes=venues, refreshed=["1"], dropped=[]),
    )
    assert commit_message(both, NightlySettings(pr_title="Upkeep")) == (
        "Upkeep: 1 star count, 2 venues, 1 paper store record"
    )
    configured = NightlySettings(commit_message="chore: nightly upkeep")
    assert commit_message(withdrawn_only, configured) == "chore: nightly upkeep"
    assert commit_message(Night("2024-06-01", {}, 0, (), (), (), (), (), {}), NightlySettings()) == (
        "Nightly maintenance"
    )


def test_the_watching_list_says_how_many_nights_confirm_a_dead_link():
    """It said "listed as dead if they fail again on the next night" whatever
    ``confirm_after_nights`` was: with 3, a link on its second failing night stayed there."""
    from bot.jobs.nightly.findings import LinkProblem, Night
    from bot.jobs.nightly.publish import issue_text

    watched = LinkProblem("https://a.org/p", (12,), "T", 404, "HTTP 404", "2024-06-01")
    night = Night("2024-06-02", {}, 0, (), (), (), (watched,), (), {})
    _, body = issue_text(night, NightlySettings(confirm_after_nights=3))
    assert "Failed on fewer than 3 consecutive nights so far" in body and "next night" not in body
    _, body = issue_text(night, NightlySettings())
    assert "Failed on one night so far; listed as dead if they fail again on the next night." in body


def test_the_job_summary_says_how_many_nights_confirm_a_dead_link():
    """The summary's row of watched links said "first failing night" whatever
    ``confirm_after_nights`` was: with 3, a link on its second failing night was counted there."""
    from bot.jobs.nightly.findings import LinkProblem, Night

    watched = LinkProblem("https://a.org/p", (12,), "T", 404, "HTTP 404", "2024-06-01")
    night = Night("2024-06-02", Counter(dead=1, total=1), 0, (), (), (), (watched,), (), {})
    outcome = NightlyResult(night, None, "none", None, "updated")
    summary = report(outcome, NightlySettings(confirm_after_nights=3), False, {})
    assert "| ↳ failing on fewer than 3 nights so far: watched, not reported | 1 |" in summary
    assert "first failing night" not in summary
    summary = report(outcome, SETTINGS, False, {})
    assert "| ↳ first failing night: watched, not reported | 1 |" in summary


def test_a_withdrawn_paper_is_one_row_however_many_of_its_links_the_line_has(taxonomy):
    """An entry links its paper twice (the title and ``[pdf]``): the resolver calls both links
    withdrawn, and the issue listed the paper twice and counted "2 papers withdrawn"."""
    from bot.core.catalog_parse import parse
    from bot.jobs.nightly.findings import Night, withdrawn_papers
    from bot.jobs.nightly.publish import issue_text
    from bot.linkcheck import extract_links
    from bot.linkcheck.arxiv import WITHDRAWN_NOTE

    ids = ["2401.00001", "2401.00002"]
    entries = [
        Entry(
            title=f"Paper {i}",
            url=f"https://arxiv.org/abs/{i}",
            pdf_url=f"https://arxiv.org/pdf/{i}",
            arxiv_id=i,
            year=2024,
            month=1,
        )
        for i in ids
    ]
    text = render_document(taxonomy, {("quantization", "weight-only"): entries})
    text += f"\nSee also [the withdrawn one](https://arxiv.org/abs/{ids[0]}v2).\n"
    links = extract_links(text)
    note = f"arXiv {ids[0]} was {WITHDRAWN_NOTE}"
    results = {
        link.url: LinkResult(link.url, Verdict.ALIVE, 200, error=note if ids[0] in link.url else None)
        for link in links
    }
    catalog = parse(text, taxonomy)
    [problem] = withdrawn_papers(catalog, links, results)
    line = catalog.find_by_id(ids[0]).line_number  # type: ignore[union-attr]
    assert problem.url == f"https://arxiv.org/abs/{ids[0]}" and problem.lines == (
        line,
        len(text.splitlines()),
    )
    night = Night("2024-06-01", {}, 0, (), (), (), (), (), {}, withdrawn=(problem,))
    assert issue_text(night, NightlySettings())[0] == "Nightly maintenance: 1 paper withdrawn"
    # more than a table shows: the rest is counted, as in every other table
    _, body = issue_text(replace(night, withdrawn=(problem,) * 3), NightlySettings(max_rows=2))
    assert "| | … and 1 more | | |" in body


def test_the_job_summary_counts_withdrawn_papers(capsys):
    """The summary had no row for withdrawn papers, though they keep the tracking issue open."""
    from bot.jobs.nightly.findings import LinkProblem, Night

    withdrawn = LinkProblem("https://arxiv.org/abs/2401.00001", (12,), "T", 200, "withdrawn", "")
    night = Night("2024-06-01", Counter(), 0, (), (), (), (), (), {}, withdrawn=(withdrawn, withdrawn))
    summary = report(NightlyResult(night, None, "none", None, "opened"), SETTINGS, False, {})
    assert "| withdrawn arXiv papers: reported in the issue | 2 |" in summary
    assert "entries updated from arXiv" not in summary  # no paper store tonight (--no-enrich)
    from types import SimpleNamespace

    changes = [SimpleNamespace(line=12, field="withdrawn"), SimpleNamespace(line=12, field="venue")]
    enriched = replace(night, enrichment=SimpleNamespace(changes=changes))
    summary = report(NightlyResult(enriched, None, "none", None, "opened"), SETTINGS, False, {})
    assert "| entries updated from arXiv in the PR (authors, venue, title, withdrawn) | 1 |" in summary


def test_the_job_summary_counts_as_newly_archived_only_the_entries_the_pr_marks():
    """A hand-written line linking an archived repository is reported every night (nothing to
    mark on it): the summary counted it as "newly archived" every night."""
    from bot.jobs.check_stars import RepoFinding
    from bot.jobs.nightly.findings import Night

    marked = RepoFinding("archived", 12, "T", "https://github.com/o/a", "o/a")
    prose = RepoFinding("archived", 30, "", "https://github.com/o/b", "o/b", applied=False)
    night = Night("2024-06-01", Counter(), 2, (marked, prose), (), (), (), (), {})
    summary = report(NightlyResult(night, None, "none", None, "none"), SETTINGS, False, {})
    assert "| newly archived / unarchived | 1 / 0 |" in summary


def test_the_pr_body_shows_an_archived_repositorys_url_as_other_urls_are():
    """The archived and unarchived rows showed the catalog's link as it is: a link into the
    repository's issues (`/issues/3`) cross-referenced that issue from the rolling PR."""
    from bot.jobs.check_stars import RepoFinding
    from bot.jobs.nightly.findings import Night
    from bot.jobs.nightly.publish import pull_request_body

    archived = RepoFinding("archived", 12, "T", "https://github.com/o/a/issues/3", "o/a")
    unarchived = RepoFinding("unarchived", 13, "U", "https://github.com/o/b/pull/4", "o/b")
    night = Night("2024-06-01", Counter(), 2, (archived, unarchived), (), (), (), (), {})
    body = pull_request_body(night, SETTINGS)
    assert "| `https://github.com/o/a/issues/3` | marked `(archived)`" in body
    assert "| `https://github.com/o/b/pull/4` | no longer archived" in body


def test_issue_actions():
    issue = TrackedIssue(7, "T", "B", "open")
    assert issue_action(None, "T", "B", green=False) == "opened"
    assert issue_action(issue, "T", "B", green=False) == "unchanged"
    assert issue_action(issue, "T", "B2", green=False) == "updated"
    assert issue_action(issue, "T", "B", green=True) == "closed"
    assert issue_action(TrackedIssue(7, "T", "B", "closed"), "T", "B", green=False) == "reopened"


def test_results_of_the_github_resolver_are_not_link_fixes(taxonomy):
    from bot.core.catalog_parse import parse
    from bot.jobs.nightly import link_fixes
    from bot.linkcheck import extract_links

    url = "https://github.com/org/old"
    text = render_document(taxonomy, {("quantization", "weight-only"): [paper(1, "https://a.org/p", url)]})
    results = {link.url: LinkResult(link.url, Verdict.ALIVE, 200) for link in extract_links(text)}
    results[url] = LinkResult(
        url, Verdict.ALIVE, 200, permanent_redirect="https://github.com/new/x", source="github"
    )
    assert link_fixes(parse(text, taxonomy), extract_links(text), results, {}, SETTINGS) == []


def test_an_http_github_link_gets_its_https_fix_though_the_github_resolver_answered_it(taxonomy):
    """Links the GitHub resolver answers were never link fixes (renames are the star refresh's),
    so ``http://github.com/o/r`` never became ``https://`` though its https twin answered."""
    from bot.core.catalog_parse import parse
    from bot.jobs.nightly import link_fixes
    from bot.linkcheck import extract_links

    url, twin = "http://github.com/org/x", "https://github.com/org/x"
    text = render_document(taxonomy, {("quantization", "weight-only"): [paper(1, "https://a.org/p", url)]})
    links = extract_links(text)
    results = {link.url: LinkResult(link.url, Verdict.ALIVE, 200) for link in links}
    results[url] = LinkResult(url, Verdict.ALIVE, 200, final_url=url, source="github")
    twins = {url: LinkResult(twin, Verdict.ALIVE, 200, final_url=twin, source="github")}
    [fix] = link_fixes(parse(text, taxonomy), links, results, twins, SETTINGS)
    assert (fix.old, fix.new, fix.reason, fix.applied) == (url, twin, "https", True)
    # renamed: the star refresh writes the new https URL, so no second fix is listed for it
    twins[url] = replace(twins[url], permanent_redirect="https://github.com/org/new")
    assert link_fixes(parse(text, taxonomy), links, results, twins, SETTINGS) == []


# -- the paper store: facts from arXiv in the same rolling PR -------------------------------------------


def test_the_nightly_pr_carries_the_paper_store_and_the_lines_it_updates(fake, web, taxonomy):
    from bot import config
    from bot.core import paper_store
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    site, _ = web
    site.pages.update({"/a": (200, {})})
    ids = ["2405.00001", "2405.00002"]
    entries = [
        Entry(title=f"Paper {n}", url=site.url("/a"), arxiv_id=i, year=2024, month=5)
        for n, i in enumerate(ids)
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    server = ArxivApiServer(
        [
            synthetic(ids[0], "Paper 0", 0, comment="Accepted at ICLR 2025"),
            synthetic(ids[1], "Paper 1", 1, comment="This paper has been withdrawn"),
        ]
    )
    papers = config.load("papers")

    def night_with(day: datetime.date) -> NightlyResult:
        return night(fake, web, taxonomy, day, enricher=enricher_for(server.url, papers))

    try:
        first = night_with(D1)
        assert first.pr_action == "opened" and len(server.log) == 1
        new = fake.file("catalog.md", BRANCH)
        assert "- Author1 Of2405x00001 · arXiv 2405.00001 · May 2024 · ICLR 2025" in new
        assert "arXiv 2405.00002 · May 2024 · withdrawn" in new
        store = paper_store.load(fake.file("data/papers.jsonl", BRANCH) or "")
        assert sorted(store) == ids and store[ids[1]].withdrawn
        [pull] = fake.pulls()
        assert "| venue |  | ICLR 2025 | comment: Accepted at ICLR 2025 |" in pull.body
        assert "### Facts from arXiv" in pull.body
        [issue] = tracking_issues(fake)
        assert "### Withdrawn papers" in issue.body and "arXiv 2405.00002 was withdrawn" in issue.body
        # the commit says what it changes, not the fixed "star counts, moved repositories and links"
        message = fake.git.commits[fake.head(BRANCH)].message.splitlines()[0]
        assert (
            message
            == "Nightly maintenance: 2 author lists, 1 venue, 1 paper marked withdrawn, 2 paper store records"
        )

        # not merged yet: the store on the PR's branch is reused (no request), and the same facts
        # rebuild the same PR (the store on the branch is compared too)
        assert night_with(D1).pr_action == "unchanged" and len(server.log) == 1
        [pull] = fake.pulls()

        # the store is merged: the next night asks arXiv nothing and changes nothing
        assert fake.merge(pull.number).status_code == 200
        second = night_with(D2)
        assert len(server.log) == 1 and second.night.enrichment.requests == 0
        assert second.pr_action in ("none", "closed") and len(fake.pulls("open")) == 0
    finally:
        server.close()


def test_an_arxiv_outage_during_the_paper_store_step_stops_nothing_else(fake, web, taxonomy, monkeypatch):
    """The paper store step let the arXiv API's failure (503 after its retries) out of the run:
    the whole night failed, with no link report, no star refresh and no tracking issue. Now the
    night publishes everything else, with what arXiv answered before it failed, and says so."""
    from bot import config
    from bot.core import paper_store
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    site, _ = web
    site.pages.update({"/a": (200, {})})
    ids = ["2405.00001", "2405.00002", "2405.00003"]
    entries = [
        Entry(title=f"Paper {n}", url=site.url("/a"), arxiv_id=i, year=2024, month=5, code_url=code)
        for n, (i, code) in enumerate(zip(ids, ["https://github.com/org/kept", "", ""], strict=True))
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    fake.add_remote("org/kept", stars=1234)
    server = ArxivApiServer([synthetic(i, f"Paper {n}", n) for n, i in enumerate(ids)])
    papers = config.load("papers")
    enricher = enricher_for(server.url, papers)
    enricher.api.settings = replace(enricher.api.settings, batch_size=1)  # one id a request
    lookup = enricher.api.lookup

    def first_then_busy(batch):  # the first request answers, then arXiv stays busy
        if len(server.log) == 1:
            server.fail(100)
        return lookup(batch)

    enricher.api.lookup = first_then_busy
    try:
        outcome = night(fake, web, taxonomy, D1, enricher=enricher)
    finally:
        server.close()
    assert outcome.failures == () and outcome.pr_action == "opened"
    new = fake.file("catalog.md", BRANCH) or ""
    assert "[code](https://github.com/org/kept) ⭐ 1.2k" in new  # the star refresh still ran
    store = paper_store.load(fake.file("data/papers.jsonl", BRANCH) or "")
    assert list(store) == [ids[2]]  # what arXiv answered before it failed is kept (newest first)
    summary = report(outcome, SETTINGS, False, {})
    assert "The paper store was not brought up to date" in summary and "HTTP 503" in summary
    # a store on the default branch that does not load: said, and the night goes on too
    fake.push("data/papers.jsonl", "not a record\n")
    broken = night(fake, web, taxonomy, D2, enricher=enricher)
    assert broken.failures == () and broken.night.enrichment is None
    assert "data/papers.jsonl:1: not a paper record" in report(broken, SETTINGS, False, {})


def test_the_store_on_the_unmerged_pr_is_where_the_next_night_goes_on(fake, web, taxonomy):
    """The store was read from the default branch only: while the rolling PR waited for a merge,
    each night fetched the same papers again, and with ``max_papers`` the rest never came."""
    import dataclasses

    from bot import config
    from bot.core import paper_store
    from bot.jobs.enrich import Settings as EnrichSettings
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    site, _ = web
    site.pages.update({"/a": (200, {})})
    ids = ["2405.00001", "2405.00002", "2405.00003"]
    entries = [
        Entry(title=f"Paper {n}", url=site.url("/a"), arxiv_id=i, year=2024, month=5)
        for n, i in enumerate(ids)
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    server = ArxivApiServer([synthetic(i, f"Paper {n}", n) for n, i in enumerate(ids)])
    papers = config.load("papers")
    settings = dataclasses.replace(EnrichSettings.from_config(papers), max_papers=2)

    def night_with(day: datetime.date) -> NightlyResult:
        return night(fake, web, taxonomy, day, enricher=enricher_for(server.url, papers, settings))

    try:
        first = night_with(D1)
        assert first.pr_action == "opened" and first.night.enrichment.remaining == 1
        assert len(paper_store.load(fake.file("data/papers.jsonl", BRANCH) or "")) == 2
        second = night_with(D2)  # the PR is still open: only the paper left is asked for
        assert [len(r["id_list"].split(",")) for r in server.log] == [2, 1]
        assert second.pr_action == "updated" and second.night.enrichment.remaining == 0
        assert sorted(paper_store.load(fake.file("data/papers.jsonl", BRANCH) or "")) == ids
        new = fake.file("catalog.md", BRANCH)
        assert all(f"Author1 Of{i.replace('.', 'x')}" in new for i in ids)  # every line, not only tonight's
        third = night_with(D2)
        assert len(server.log) == 2 and third.pr_action == "unchanged"
    finally:
        server.close()


def test_a_maintenance_edit_that_would_name_other_papers_is_refused() -> None:
    """Stars and links only: a link fix that turned an entry into another paper (a redirect from
    one arXiv page to another's) must not reach the rolling PR; the edit says so instead."""
    from bot.core.catalog_parse import parse
    from bot.core.entry import render_entry
    from bot.errors import CatalogError
    from bot.jobs.nightly.fixes import maintenance_edit
    from tests.gitrepo import paper_entry

    entry = paper_entry("2405.00001", "A Paper")
    text = f"# List\n\n## KV Cache Compression\n\n{render_entry(entry)}\n"
    assert "2405.00001" in parse(text, None).arxiv_id_set()
    harmless = maintenance_edit({}, {"https://github.com/o/r": "https://github.com/o/r2"}, None)
    assert harmless(text) == text
    other = maintenance_edit({}, {entry.url: "https://arxiv.org/abs/2405.09999"}, None)
    with pytest.raises(
        CatalogError, match=r"refusing the nightly maintenance edit: .*unexpected: \['2405.09999'\]"
    ):
        other(text)


def test_the_summary_counts_every_dead_link_under_dead_tonight(fake, web, taxonomy):
    """A week's walk: "dead tonight 33", then "reported 0" and "watched 22": the other 11 were the
    repositories GitHub no longer has, reported at once in the issue (not watched) and counted
    under dead tonight, but in no row under it."""
    full_scenario(fake, web, taxonomy)  # a dead page (watched) and a deleted repository
    outcome = night(fake, web, taxonomy, D1)
    summary = report(outcome, SETTINGS, False, {})
    assert "| dead tonight | 2 |" in summary
    assert "| ↳ first failing night: watched, not reported | 1 |" in summary
    assert "| ↳ repositories not found on GitHub: reported now, with the repositories | 1 |" in summary
    assert "| not found (deleted or private) | 1 |" in summary


def test_a_pr_that_only_drops_a_paper_no_longer_listed_from_the_store_says_so(fake, web, taxonomy):
    """The week's walk: a withdrawn paper `/remove`d, the nightly PR merged, and the next night
    opened a new "Nightly maintenance" PR whose table said 0 on every row: its one change was the
    removed paper's record leaving data/papers.jsonl, and the commit was titled only "Nightly
    maintenance"."""
    from bot import config
    from tests.arxiv_api_server import ArxivApiServer, synthetic

    site, _ = web
    site.pages.update({"/a": (200, {})})
    ids = ["2405.00001", "2405.00002"]
    entries = [
        Entry(
            title=f"Paper {n}",
            url=site.url("/a"),
            arxiv_id=i,
            authors=(f"Author1 Of{i.replace('.', 'x')}",),
            year=2024,
            month=5,
        )
        for n, i in enumerate(ids)
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    server = ArxivApiServer([synthetic(ids[0], "Paper 0", 0), synthetic(ids[1], "Paper 1", 1)])
    papers = config.load("papers")
    try:
        first = night(fake, web, taxonomy, D1, enricher=enricher_for(server.url, papers))
        assert first.pr_action == "opened" and fake.merge(first.pull_request.number).status_code == 200
        fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries[:1]}))

        second = night(fake, web, taxonomy, D2, enricher=enricher_for(server.url, papers))
    finally:
        server.close()

    assert second.pr_action == "opened" and fake.file("catalog.md", BRANCH) == fake.file("catalog.md")
    [pull] = fake.pulls("open")
    assert "| paper store `data/papers.jsonl`: papers no longer listed, dropped | 1 |" in pull.body
    message = fake.git.commits[fake.head(BRANCH)].message.splitlines()[0]
    assert message == "Nightly maintenance: 1 paper store record dropped"


def test_the_repositories_table_says_it_counts_lines_as_check_stars_does(fake, web, taxonomy):
    """One repository linked from two lines whose star count changed: the table said "looked up on
    GitHub | 1" above "star counts changed | 2" (the second a count of catalog lines, which it did
    not say; check-stars' table does, in its "lines" column)."""
    site, _ = web
    site.pages["/a"] = site.pages["/b"] = (200, {})
    fake.add_remote("org/kept", stars=2500)
    entries = [
        paper(n, site.url(f"/{p}"), "https://github.com/org/kept", stars=1234)
        for n, p in ((1, "a"), (2, "b"))
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))
    fake.reset_counts()

    summary = report(night(fake, web, taxonomy, D1), SETTINGS, False, {})

    assert "1 repository looked up on GitHub.\n\n| repositories | lines |\n|---|---:|\n" in summary
    assert "| star count shown changed | 2 |" in summary
