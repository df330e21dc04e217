"""The poll job on the fake GitHub when GitHub fails at one step of proposing a paper: the
paper's failure is named, the other papers are proposed, nothing half-made is left (no branch without its PR), and a rerun once
GitHub is back ends where a run without the fault ends (the forge tests, tests/forge/test_github.py,
cover more faults of each request)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import config
from bot.core import catalog_parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs.poll import run
from bot.jobs.poll.plan import PollReport, PollSettings
from bot.scoring.trainer import make_trainer
from bot.sources import arxiv_rss as feeds
from bot.sources import paper_facts
from tests.conftest import FIXTURES, PROJECT
from tests.fake_github import FakeGitHub, forge_for

FULL_DAY = FIXTURES / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
REPO = "/repos/{owner}/{repo}"
FAULTS: dict[str, Callable[[FakeGitHub], None]] = {
    "tree": lambda f: f.fail("POST", f"{REPO}/git/trees", status=500, times=4),
    "branch": lambda f: f.fail("POST", f"{REPO}/git/refs", status=403, message="Resource not accessible"),
    "pr 422": lambda f: f.fail("POST", f"{REPO}/pulls", status=422, message="Validation Failed"),
    "pr rate limit": lambda f: f.rate_limit("POST", f"{REPO}/pulls", retry_after=3600),
    "labels": lambda f: f.fail("PATCH", f"{REPO}/issues/{{issue_number}}", status=500, times=4),
    "label create": lambda f: f.fail("POST", f"{REPO}/labels", status=500, times=4),
}
SAID = {
    "tree": "could not write catalog.md for bot/arxiv-2411.17741: GitHub failed 4 time(s)",
    "branch": "the token may not create branch bot/arxiv-2411.17741 (403",
    "pr 422": "GitHub refused to open a PR for bot/arxiv-2411.17741 (HTTP 422: Validation Failed)",
    "pr rate limit": "GitHub asks to wait 3600 s",
}


def end_state(fake: FakeGitHub, labels: bool = True) -> dict[str, Any]:
    """What a run leaves, by branch (PR numbers depend on the order PRs were opened in)."""
    return {
        "branches": sorted(fake.branches()),
        "pulls": {
            p.head: (
                p.state,
                p.title,
                p.body,
                sorted(p.labels) if labels else None,
                fake.file("catalog.md", p.head),
            )
            for p in fake.pulls()
        },
    }


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]


def poller(
    fake: FakeGitHub, taxonomy: Taxonomy, papers: list[Paper], cache: Path
) -> Callable[[], PollReport]:
    """The fixture catalog on ``fake``, and a poll run of the recorded day (three PRs at most)."""
    fake.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="the catalog")
    train = make_trainer(config.load("keywords"), taxonomy, cache)

    def once() -> PollReport:
        forge = forge_for(fake)
        catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
        return run(papers, catalog, taxonomy, forge, train, PollSettings(max_pull_requests=3), io.StringIO())

    return once


@pytest.fixture(scope="module")
def clean(papers: list[Paper], taxonomy: Taxonomy, _scorer_cache: Path) -> Iterator[FakeGitHub]:
    """The same poll without a fault (module scope runs before conftest's config fixture)."""
    with pytest.MonkeyPatch.context() as patch, FakeGitHub() as fake:
        patch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
        poller(fake, taxonomy, papers, _scorer_cache)()
        yield fake


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_at_one_step_leaves_nothing_half_made_and_the_rerun_ends_as_a_clean_run(
    fault: str,
    papers: list[Paper],
    taxonomy: Taxonomy,
    clean: FakeGitHub,
    _scorer_cache: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with FakeGitHub() as fake:
        once = poller(fake, taxonomy, papers, _scorer_cache)
        FAULTS[fault](fake)
        report = once()
        state = end_state(fake)
        assert set(state["branches"]) == set(state["pulls"]) | {"main"}  # no branch without its PR
        if fault in SAID:  # the paper is named with GitHub's failure; the others are opened
            [(arxiv_id, said)] = report.failures
            assert arxiv_id == "2411.17741" and SAID[fault] in said
            assert [r.action for r in report.results] == ["opened", "opened"]
        else:  # the PR is opened; the run warns which labels to add by hand
            assert not report.failures and "Add its labels by hand (catalog-bot, " in caplog.text
        fake.faults.clear()
        rerun = once()
        assert not rerun.failures
        # labels a poll does not add again: it never proposes an open PR's paper twice
        assert end_state(fake, labels=fault in SAID) == end_state(clean, labels=fault in SAID)
        fake.reset_counts()
        assert not once().results and fake.writes() == 0  # and a third run changes nothing


def test_a_missing_section_heading_is_said_by_the_dry_run_as_by_the_run_and_no_branch_is_made(
    papers: list[Paper], taxonomy: Taxonomy, _scorer_cache: Path
) -> None:
    """A catalog with a header and no section (or a heading deleted by hand): ``--dry-run`` said
    "would open" for each paper, the real run then failed each with "catalog.md has no section
    'hardware'" (the file's name hard-coded, no fix named). Both now name the catalog's path and
    the heading to add, before any branch is made."""
    with FakeGitHub() as fake:
        fake.push("catalog.md", "# Papers\n\nA list.\n", message="a header only")
        train = make_trainer(config.load("keywords"), taxonomy, _scorer_cache)

        def once(dry_run: bool) -> PollReport:
            forge = forge_for(fake)
            catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
            settings = PollSettings(max_pull_requests=3, dry_run=dry_run)
            return run(papers, catalog, taxonomy, forge, train, settings, io.StringIO())

        dry = once(dry_run=True)
        assert not dry.would_propose and len(dry.failures) == 3
        real = once(dry_run=False)
        assert real.failures == dry.failures and not real.results
        assert sorted(fake.branches()) == ["main"] and not fake.pulls()
        for arxiv_id, said in real.failures:
            assert said.startswith("catalog.md has no heading for the section '"), (arxiv_id, said)
            assert said.endswith(": add it where python -m bot lint says, then run poll again")
        assert any("'Parameter-Efficient Fine-tuning', id fine-tuning/peft" in s for _, s in real.failures)
