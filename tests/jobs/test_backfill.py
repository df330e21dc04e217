"""``backfill`` over a fixture month (tests/fixtures/arxiv/api_metadata_2025-01_*: real January 2025
titles, abstracts and categories, synthetic authors) served by the local arXiv API, proposing on the
fake GitHub with the real scorer."""

from __future__ import annotations

import argparse
import datetime
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot import config
from bot.core import digest
from bot.core.catalog_parse import parse
from bot.core.taxonomy import Taxonomy
from bot.core.venues import VenueTable
from bot.errors import BotError
from bot.jobs import backfill, refresh
from bot.scoring.trainer import make_trainer
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_fetch import PoliteApi
from tests.arxiv_api_server import FIXTURES, ArxivApiServer, arxiv_api, load_metadata  # noqa: F401
from tests.conftest import PROJECT
from tests.fake_github import FakeGitHub, fake_github, forge_for  # noqa: F401
from tests.gitrepo import make_repo
from tests.scoring_helpers import small_catalog_text

MONTH = FIXTURES / "api_metadata_2025-01_cs.CL-cs.AI_PARTLY-SYNTHETIC.jsonl.gz"
QUERY = backfill.search_query(["cs.CL", "cs.AI"], datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
TODAY = datetime.date(2025, 2, 1)
VENUES = VenueTable.from_config(config.load("papers"))


def api_for(server: ArxivApiServer, sleeps: list[float]) -> PoliteApi:
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    return PoliteApi(
        ApiSettings(query_url=server.url, delay_seconds=3.0, retries=1), sleep=sleep, clock=lambda: now[0]
    )


@pytest.fixture
def month(arxiv_api: ArxivApiServer) -> ArxivApiServer:  # noqa: F811
    arxiv_api.seed(load_metadata(MONTH))
    return arxiv_api


@pytest.fixture
def repo(taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local-git clone of a small catalog, no token: backfill's local-git mode."""
    from tests.gitrepo import make_repo

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return make_repo(tmp_path / "repo", taxonomy, small_catalog_text(taxonomy))


def test_the_search_pages_politely_logs_each_page_and_resumes(month: ArxivApiServer, tmp_path: Path) -> None:
    sleeps: list[float] = []
    state = tmp_path / "state.json"
    log = io.StringIO()
    month.fail(2)  # the second page fails twice: the run stops, its progress is saved
    month.log.clear()
    with pytest.raises(Exception, match="did not answer the search page at 0"):
        backfill.search(
            api_for(month, sleeps), QUERY, 100, VENUES, state, backfill.Progress(log, "backfill"), TODAY
        )
    assert not state.exists()
    papers_total = len(month.search(QUERY))
    api = api_for(month, sleeps)
    first_page = api.search(QUERY, 0, 100)
    assert first_page.total == papers_total == 236
    # a run killed after its first page resumes at the second
    saved = backfill.SearchState(QUERY, 100, papers_total, [])
    saved.save(state)
    month.log.clear()
    papers = backfill.search(
        api_for(month, sleeps), QUERY, 100, VENUES, state, backfill.Progress(log, "backfill"), TODAY
    )
    assert [r["start"] for r in month.log] == ["100", "200"] and len(papers) == papers_total - 100
    assert log.getvalue().splitlines()[-3:] == [  # a log that starts in the middle says why
        f"backfill: resuming at result 100 of 236, the progress saved in {state}",
        "backfill: page at 100: 100 papers (200/236 read)",
        "backfill: page at 200: 36 papers (236/236 read)",
    ]
    assert all(r["max_results"] == "100" for r in month.log)


def test_an_empty_page_in_the_middle_is_retried(month: ArxivApiServer, tmp_path: Path) -> None:
    month.empty_pages(2)  # the first page twice: the third try answers
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, tmp_path / "s.json", backfill.Progress(io.StringIO()), TODAY
    )
    assert len(papers) == 236 and [r["start"] for r in month.log] == ["0", "0", "0", "100", "200"]


def test_empty_pages_stop_the_search_resumably_not_as_if_done(month: ArxivApiServer, tmp_path: Path) -> None:
    """An empty page before the end used to jump to the end: the run said it was complete and the
    rest of the month was never searched."""
    state = tmp_path / "state.json"
    saved = backfill.SearchState(QUERY, 100, 236, [])
    saved.save(state)
    month.empty_pages(3)
    with pytest.raises(BotError, match=r"empty page at 100 of 236 .*3 times.*run the same backfill again"):
        backfill.search(
            api_for(month, []), QUERY, 100, VENUES, state, backfill.Progress(io.StringIO(), "backfill"), TODAY
        )
    assert [r["start"] for r in month.log] == ["100", "100", "100"]
    assert backfill.SearchState.load(state, QUERY).next_start == 100  # resumes there
    month.log.clear()
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, state, backfill.Progress(io.StringIO()), TODAY
    )
    assert [r["start"] for r in month.log] == ["100", "200"] and len(papers) == 136


@pytest.mark.parametrize("body", ["", "<html><body><h1>Service busy</h1></body></html>"])
def test_a_page_that_is_not_an_api_answer_never_ends_the_search(
    month: ArxivApiServer, tmp_path: Path, body: str
) -> None:
    """A blank page or an HTML error page served with HTTP 200 reads as a feed with no entries and
    a total of 0: taken at its word, the search stopped there as if complete."""
    state = tmp_path / "state.json"
    backfill.SearchState(QUERY, 100, 236, []).save(state)
    month.blank(1, body)  # once: asked again, and the search goes on
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, state, backfill.Progress(io.StringIO()), TODAY
    )
    assert [r["start"] for r in month.log] == ["100", "100", "200"] and len(papers) == 136
    backfill.SearchState(QUERY, 100, 236, []).save(state)
    month.log.clear()
    month.blank(2, body)  # retries=1: both attempts: the run stops, resumable
    with pytest.raises(
        BotError, match=r"search page at 100 .*not an arXiv API answer.*saved in .*to resume there"
    ):
        backfill.search(
            api_for(month, []), QUERY, 100, VENUES, state, backfill.Progress(io.StringIO()), TODAY
        )
    assert backfill.SearchState.load(state, QUERY).next_start == 100


def test_backfill_opens_one_checklist_pr_per_section_and_a_rerun_opens_nothing(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    fake_github.push("catalog.md", small_catalog_text(taxonomy))
    sleeps: list[float] = []
    papers = backfill.search(
        api_for(month, sleeps),
        QUERY,
        100,
        VENUES,
        tmp_path / "s.json",
        backfill.Progress(io.StringIO()),
        TODAY,
    )
    assert len(papers) == 236 and sleeps == [3.0, 3.0]  # 3 pages, 3 s apart
    catalog = parse(fake_github.file("catalog.md") or "", taxonomy)
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    out = io.StringIO()
    capped = backfill.BackfillSettings(max_per_section=2)
    dry = backfill.run(papers, catalog, taxonomy, forge_for(fake_github), train, capped, True, out)
    assert dry.per_section and fake_github.pulls() == []  # a dry run proposes nothing
    assert out.getvalue().count("branch bot/backfill-") == len(dry.per_section)
    assert all(len(p) <= 2 for p in dry.per_section.values()) and sum(dry.over_limit.values()) > 0

    settings = backfill.BackfillSettings(max_per_section=50)
    report = backfill.run(papers, catalog, taxonomy, forge_for(fake_github), train, settings, False, out)
    sections = sorted(report.per_section)
    assert len(sections) >= 2 and report.over_limit == {}
    pulls = fake_github.pulls()
    assert sorted(p.head for p in pulls) == [f"bot/backfill-{s}" for s in sections]  # one PR per section
    for pull in pulls:
        entries = digest.entries_of(pull.body)
        assert entries and all(e.ticked for e in entries) and pull.body.count("- [x] arXiv") == len(entries)
        assert {e.section for e in entries} == {pull.head.removeprefix("bot/backfill-")}
        branch_text = fake_github.file("catalog.md", pull.head) or ""
        assert all(e.arxiv_id in branch_text for e in entries)

    again = backfill.run(papers, catalog, taxonomy, forge_for(fake_github), train, settings, False, out)
    assert again.results == [] and again.new == len(papers) - sum(len(p) for p in report.per_section.values())
    assert len(fake_github.pulls()) == len(pulls)
    assert again.skipped["proposed"] == sum(len(p) for p in report.per_section.values())

    # a maintainer unticks a line: refresh drops it from the branch, and backfill never proposes it again
    pull = pulls[0]
    dropped = digest.entries_of(pull.body)[0].arxiv_id
    body = fake_github.issues[pull.number].body.replace(f"- [x] arXiv {dropped}:", f"- [ ] arXiv {dropped}:")
    assert (
        fake_github.api(
            "PATCH", f"/repos/{fake_github.repository}/pulls/{pull.number}", {"body": body}
        ).status_code
        == 200
    )
    outcomes = {o.pull_request.branch: o.action for o in refresh.run(forge_for(fake_github), taxonomy)}
    remaining = len(digest.entries_of(pull.body)) - 1
    assert outcomes[pull.head] == ("rebuilt" if remaining else "closed")
    if remaining:
        assert dropped not in (fake_github.file("catalog.md", pull.head) or "")
    third = backfill.run(papers, catalog, taxonomy, forge_for(fake_github), train, settings, False, out)
    assert third.skipped["rejected"] == 1 and all(r.action == "unchanged" for r in third.results)
    assert len(fake_github.pulls()) == len(pulls)


def after_a_first_run_on_half(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> Callable[[], backfill.Report]:  # noqa: F811
    """Backfill run on every other paper of the month (one checklist PR per section opened), and
    the rerun on all of them, to call once the test has set the scene."""
    fake_github.push("catalog.md", small_catalog_text(taxonomy))
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, tmp_path / "s.json", backfill.Progress(io.StringIO()), TODAY
    )
    catalog = parse(fake_github.file("catalog.md") or "", taxonomy)
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    settings, out = backfill.BackfillSettings(max_per_section=50), io.StringIO()
    backfill.run(papers[::2], catalog, taxonomy, forge_for(fake_github), train, settings, False, out)
    return lambda: backfill.run(
        papers, catalog, taxonomy, forge_for(fake_github), train, settings, False, out
    )


def test_a_checklist_branch_moved_while_backfill_rebuilds_it_is_rebuilt_once_from_there(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    """A second backfill adds papers to the section PRs; refresh (or a maintainer) moves one
    branch between backfill's read and its write: the compare-and-swap refuses, backfill reads the
    branch again and rebuilds it once, instead of listing that section as a failure."""
    rerun = after_a_first_run_on_half(month, fake_github, taxonomy, tmp_path)
    first_branch = sorted(p.head for p in fake_github.pulls())[0]
    fake_github.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/git/commits",
        lambda: fake_github.push("NOTE.md", "meanwhile\n", first_branch, message="another run"),
    )
    fake_github.reset_counts()
    report = rerun()
    updated = [r for r in report.results if r.action == "updated"]
    assert report.failures == [] and updated and not fake_github.violations
    assert fake_github.counts["POST /graphql mutation"] == len(updated) + 1  # one refused, then redone


def job_args(
    repo: Path,
    categories: str | None,
    until: datetime.date | None = datetime.date(2025, 1, 31),
    dry_run: bool = True,
) -> argparse.Namespace:
    """The job's arguments for a search from 1 January 2025 in the local git ``repo``."""
    return argparse.Namespace(
        since=datetime.date(2025, 1, 1),
        until=until,
        categories=categories,
        dry_run=dry_run,
        repo=repo,
        catalog=None,
        repository=None,
        api_url=None,
        local=False,
    )


def papers_page() -> str:
    """docs/papers.md, its lines joined as a reader sees them."""
    return " ".join((Path(__file__).parents[2] / "docs" / "papers.md").read_text(encoding="utf-8").split())


def test_the_job_dry_run_prints_per_section(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = job_args(repo, "cs.CL,cs.AI")
    assert backfill.main(args, api=api_for(month, []), clock=lambda: TODAY) == 0
    out, err = capsys.readouterr()
    assert "backfill: page at 200: 36 papers (236/236 read)" in err.splitlines()
    assert "`backfill: page at 200: 36 papers (236/236 read)`" in papers_page()  # as it quotes
    assert (
        "(dry run: nothing proposed)" in out and "236 papers in 2 arXiv API request(s)" in out
    )  # pages of 200
    assert "branch bot/backfill-" in out and not (repo / ".backfill-state.json").exists()


def test_a_run_without_until_resumes_the_next_day_where_it_stopped(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--until defaults to the last announced day, so the same command run the next day searched
    another range: the saved progress was dropped and the search started over, though the error
    said "run the same backfill again later to resume there"."""
    args = job_args(repo, "cs.CL,cs.AI", until=None, dry_run=False)
    api = api_for(month, [])
    month.fail(1)  # the first page answers on its retry, the second page never
    served = len(month.log)

    def fail_after_first_page(seconds: float) -> None:
        if len(month.log) - served == 2:
            month.fail(2)

    api.sleep = fail_after_first_page
    with pytest.raises(
        BotError,
        match=r"HTTP 503\)\. arXiv is busy or down: the progress \(200 of 236 results\) is saved in "
        r".*\.backfill-state\.json: run the same backfill again later to resume there$",
    ):
        backfill.main(args, api=api, clock=lambda: datetime.date(2025, 2, 4))  # ends 2025-01-31
    assert (
        "`arXiv is busy or down: the progress (200 of 236 results) is saved in .backfill-state.json: run the "
        "same backfill again later to resume there`" in papers_page()
    )
    assert backfill.SearchState.load(repo / ".backfill-state.json", QUERY).next_start == 200
    month.log.clear()
    assert backfill.main(args, api=api_for(month, []), clock=lambda: datetime.date(2025, 2, 5)) == 0
    assert [r["start"] for r in month.log] == ["200"]  # resumed, with the saved range
    assert "resuming the search saved in" in capsys.readouterr().err
    assert not (repo / ".backfill-state.json").exists()


@dataclass
class ActionsCache:
    """actions/cache/restore and save as GitHub runs them: an entry never changes once saved (a
    second save under its key is refused); a restore takes the key's own entry, else the newest
    one whose key starts with a restore key; a path that does not exist is not saved."""

    entries: list[tuple[str, dict[str, bytes]]] = field(default_factory=list)

    def save(self, key: str, paths: list[str], workspace: Path) -> None:
        files = {path: (workspace / path).read_bytes() for path in paths if (workspace / path).exists()}
        if files and key not in dict(self.entries):
            self.entries.append((key, files))

    def restore(self, key: str, prefixes: list[str], paths: list[str], workspace: Path) -> None:
        newest = (
            files for name, files in reversed(self.entries) if any(name.startswith(p) for p in prefixes)
        )
        for path, data in (dict(self.entries).get(key) or next(newest, {})).items():
            if path in paths:
                (workspace / path).write_bytes(data)


def run_workflow(
    workflow: Path,
    workspace: Path,
    cache: ActionsCache,
    run_id: int,
    job: Callable[[], int],
    broken: bool = False,
) -> bool:
    """The Backfill workflow's steps on ``workspace`` (a fresh checkout), not a dry run: the cache
    steps on ``cache``, the job by ``job`` (``broken``: a step before them failed, the checkout or
    the install). After a failure only the steps whose ``if`` says ``always()`` run, and a step
    that names another's outcome runs when that step had it. Whether the job succeeded."""
    failed, outcomes = broken, {}
    for step in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["backfill"]["steps"]:
        condition = step.get("if", "")
        needed = re.findall(r"steps\.([\w-]+)\.outcome == 'success'", condition)
        if (failed and "always()" not in condition) or any(outcomes.get(n) != "success" for n in needed):
            outcomes[step.get("id", "")] = "skipped"
            continue
        uses, options = step.get("uses", ""), step.get("with", {})
        key = str(options.get("key", "")).replace("${{ github.run_id }}", str(run_id))
        key = key.replace("${{ github.run_attempt }}", "1")
        if uses.startswith("actions/cache/restore@"):
            cache.restore(key, options["restore-keys"].split(), options["path"].split(), workspace)
        elif uses.startswith("actions/cache/save@"):
            cache.save(key, options["path"].split(), workspace)
        elif step.get("name") == "Backfill" or options.get("job") == "backfill":
            try:
                job()
            except BotError:
                failed = True
        elif ".backfill-saved" in step.get("run", ""):
            subprocess.run(["bash", "-c", step["run"]], cwd=workspace, check=True)
        outcomes[step.get("id", "")] = "success"
    return not failed


@pytest.mark.parametrize("workflow", [".github/workflows/backfill.yml", "docs/workflows/backfill.yml"])
def test_a_second_run_in_actions_resumes_where_the_first_stopped(
    workflow: str,
    taxonomy: Taxonomy,
    month: ArxivApiServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each run of the workflow starts on a fresh runner: the state file of a run that arXiv
    stopped was lost with it, and the next run searched the months from the start again. The
    Actions cache keeps it; a run after a completed search starts afresh."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)  # backfill's local-git mode in each checkout
    path = Path(__file__).parents[2] / workflow
    cache, catalog = ActionsCache(), small_catalog_text(taxonomy)
    first = make_repo(tmp_path / "first", taxonomy, catalog)
    api = api_for(month, [])
    served = len(month.log)

    def fail_after_first_page(seconds: float) -> None:
        if len(month.log) - served == 1:
            month.fail(2)  # the second page never answers (one try and its retry)

    api.sleep = fail_after_first_page
    stopped = run_workflow(
        path,
        first,
        cache,
        1,
        lambda: backfill.main(job_args(first, "cs.CL,cs.AI", None, False), api, lambda: TODAY),
    )
    assert not stopped and [r["start"] for r in month.log] == ["0", "200", "200"]

    month.log.clear()
    broken = make_repo(tmp_path / "broken", taxonomy, catalog)  # a run whose install failed saves nothing
    assert not run_workflow(path, broken, cache, 2, lambda: 0, broken=True) and len(cache.entries) == 1
    second = make_repo(tmp_path / "second", taxonomy, catalog)  # another runner: a fresh checkout
    args = job_args(second, "cs.CL,cs.AI", None, False)
    assert run_workflow(
        path, second, cache, 2, lambda: backfill.main(args, api_for(month, []), lambda: TODAY)
    )
    assert [r["start"] for r in month.log] == ["200"]  # resumed where the first run stopped
    said = f"backfill: resuming at result 200 of 236, the progress saved in {second / '.backfill-state.json'}"
    assert said in capsys.readouterr().err.splitlines()
    page = papers_page()  # docs/papers.md quotes it, with the file's name
    assert (
        f"`{said.replace(str(second) + '/', '')}`" in page
        and "`backfill: resuming at result 200 of 236`" in page
    )

    month.log.clear()
    third = make_repo(tmp_path / "third", taxonomy, catalog)
    args = job_args(third, "cs.CL,cs.AI", None, False)
    assert run_workflow(path, third, cache, 4, lambda: backfill.main(args, api_for(month, []), lambda: TODAY))
    assert [r["start"] for r in month.log] == ["0", "200"]  # the search was complete: a new one
    assert len(cache.entries) == 3 and not (third / ".backfill-state.json").exists()
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]["backfill"]["steps"]
    saved = [s["with"]["path"].split() for s in steps if s.get("uses", "").startswith("actions/cache/")]
    assert all(config.load("papers")["backfill"]["state_file"] in paths for paths in saved)  # the default's


def test_a_run_of_another_range_says_it_replaces_the_saved_progress(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stopped January search, then a run of another range: the saved progress was replaced
    without a word, and the January rerun started over. The run says so."""
    state = repo / ".backfill-state.json"
    backfill.SearchState(QUERY, 200, 236, []).save(state)
    args = job_args(repo, "cs.CL,cs.AI", until=datetime.date(2025, 1, 20), dry_run=False)
    assert backfill.main(args, api=api_for(month, []), clock=lambda: TODAY) == 0
    err = capsys.readouterr().err
    assert f"backfill: {state} held the progress of another search ({QUERY}): this run starts its own" in err
    assert not state.exists()


def test_a_run_from_docs_resumes_the_state_file_at_the_lists_root(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--repo defaulted to the current folder: run from docs/ (whose config, round 29, is the
    list's), the search saved its progress in docs/.backfill-state.json, and never saw the one at
    the root. The state file is at the root of the list whose config/ is read."""
    for folder in ("config", "data"):
        shutil.copytree(PROJECT / folder, repo / folder)
    (repo / "docs").mkdir()
    state = repo / ".backfill-state.json"
    backfill.SearchState(QUERY, 200, 236, []).save(state)
    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    monkeypatch.chdir(repo / "docs")
    parser = argparse.ArgumentParser()
    backfill.configure(parser)
    args = parser.parse_args(
        ["--since", "2025-01-01", "--until", "2025-01-20", "--categories", "cs.CL,cs.AI"]
    )

    assert backfill.main(args, api=api_for(month, []), clock=lambda: TODAY) == 0

    assert f"backfill: {state} held the progress of another search" in capsys.readouterr().err
    assert not state.exists() and sorted(p.name for p in (repo / "docs").iterdir()) == []


def test_categories_typed_with_a_space_reach_the_search_through_the_action(
    month: ArxivApiServer,
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The adopters' backfill.yml (docs/workflows/) passes its inputs in the action's `args`, which
    action.yml splits at spaces: "cs.CL, cs.AI" typed in the Run workflow form arrived as two words
    and argparse refused the second ("unrecognized arguments: cs.AI"), and "cs.CL cs.AI" as one
    word was no category. Both are the two categories, as they are for `poll`."""
    from bot.__main__ import build_parser
    from tests.gitrepo import make_repo
    from tests.test_workflows import action_words

    repo = make_repo(tmp_path / "repo", taxonomy, small_catalog_text(taxonomy))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    for typed in ["cs.CL, cs.AI", "cs.CL cs.AI"]:
        words = action_words(f"--since 2025-01-01\n--until 2025-01-31\n--categories {typed}\n--dry-run\n")
        args = build_parser("backfill").parse_args(["backfill", *words, "--repo", str(repo)])
        month.log.clear()
        assert backfill.main(args, api=api_for(month, []), clock=lambda: TODAY) == 0
        assert month.log[0]["search_query"] == QUERY, typed
    capsys.readouterr()


@pytest.mark.parametrize("categories", ["cs.CL,cs.LG OR all:x", "cs.CL,,", "cs.CL;rm"])
def test_bad_categories_are_refused_before_any_request(categories: str, tmp_path: Path) -> None:
    from bot.errors import ConfigError

    args = job_args(tmp_path, categories, until=None)
    if categories == "cs.CL,,":
        args.categories = ",,"
    with pytest.raises(ConfigError, match="--categories: .* is not an arXiv category"):
        backfill.main(args, api=None, clock=lambda: TODAY)


def test_until_before_since_is_a_clear_error(tmp_path: Path) -> None:
    from bot.errors import ConfigError

    args = job_args(tmp_path, None)
    args.since, args.until = datetime.date(2025, 2, 1), datetime.date(2025, 1, 1)
    with pytest.raises(ConfigError, match="^--until 2025-01-01 is before --since 2025-02-01"):
        backfill.main(args, clock=lambda: TODAY)
    # a --since in the future: no paper can be found, refused before any request
    args.since, args.until = datetime.date(2025, 3, 1), None
    with pytest.raises(ConfigError, match=r"^--since 2025-03-01 is after today \(2025-02-01\)"):
        backfill.main(args, clock=lambda: TODAY)
    args.until = datetime.date(2025, 3, 31)
    with pytest.raises(ConfigError, match=r"^--since 2025-03-01 is after today \(2025-02-01\)"):
        backfill.main(args, clock=lambda: TODAY)
    # without --until the range ends at the last day arXiv has surely announced, before --since here
    args.since, args.until = datetime.date(2025, 1, 30), None
    with pytest.raises(
        ConfigError,
        match=r"^without --until the search ends 2025-01-28, the last day arXiv has surely announced \(4 days "
        r"before today\), which is before --since 2025-01-30: nothing to search yet. Run it again on "
        r"2025-02-03, or pass --until 2025-02-01 to search now",
    ):
        backfill.main(args, clock=lambda: TODAY)


def test_a_run_without_until_ends_at_the_last_day_arxiv_has_announced(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The API lists a paper once arXiv announces it, up to four days after its submission. A run
    without --until searched up to today: on Friday 17 January it found nothing of the days not
    announced yet (the 16th and 17th), ended complete, and the next backfill, from the 18th, never
    read them. The range ends at the last announced day now, and the summary says where to go on:
    the two runs together find every paper of the month."""
    every = load_metadata(MONTH)
    month.papers = {m.arxiv_id: m for m in every if m.published[:10] <= "2025-01-15"}  # announced by the 17th
    args = job_args(repo, "cs.CL,cs.AI", until=None)
    assert backfill.main(args, api=api_for(month, []), clock=lambda: datetime.date(2025, 1, 17)) == 0
    out, err = capsys.readouterr()
    assert month.log[0]["search_query"].endswith("TO 202501132359]")
    assert (
        "backfill: without --until the search ends 2025-01-13, the last day arXiv has surely announced" in err
    )
    first = len(month.search(month.log[0]["search_query"]))
    assert f": {first} papers in 1 arXiv API request(s)" in out
    assert "Searched the papers submitted from 2025-01-01 to 2025-01-13. The next backfill starts at " in out
    assert "`--since 2025-01-14`" in out
    month.seed(every)  # later: the days after are announced
    month.log.clear()
    args.since = datetime.date(2025, 1, 14)
    assert backfill.main(args, api=api_for(month, []), clock=lambda: datetime.date(2025, 2, 4)) == 0
    out, err = capsys.readouterr()
    second = len(month.search(month.log[0]["search_query"]))
    assert first + second == len(every) == 236 and f": {second} papers in" in out


def test_a_range_arxiv_may_not_have_announced_is_searched_with_a_warning(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An --until given past the last announced day is searched, but the run says which days may
    lack papers, in the log and the summary; a range that finds nothing there is no category typo."""
    args = job_args(repo, "cs.CL,cs.AI", until=datetime.date(2025, 2, 3))
    args.since = datetime.date(2025, 1, 31)  # none announced yet: no paper found, and no typo
    assert backfill.main(args, api=api_for(month, []), clock=lambda: datetime.date(2025, 2, 3)) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == (
        "warning: arXiv may not have announced every paper submitted from 2025-01-31 to 2025-02-03 yet (it "
        "lists a paper once announced, up to 4 days after its submission): run backfill --since 2025-01-31 "
        "again in a few days for the ones this search cannot find"
    )
    assert "check the name" not in err
    assert "arXiv may not have announced every paper submitted from 2025-01-31 on yet" in out
    assert "run `backfill --since 2025-01-31` again in a few days" in out


def test_a_bad_keyword_rule_stops_backfill_before_the_search(
    month: ArxivApiServer,
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """backfill scores as poll does, so it checks the config first, as poll does: a rule that
    does not compile is said at once, not after minutes of polite API pages."""
    import shutil

    import yaml

    from bot.__main__ import main
    from tests.conftest import PROJECT
    from tests.gitrepo import make_repo

    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    sources = yaml.safe_load((config_dir / "sources.yml").read_text(encoding="utf-8"))
    sources["api"]["query_url"] = month.url
    (config_dir / "sources.yml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    keywords = yaml.safe_load((config_dir / "keywords.yml").read_text(encoding="utf-8"))
    keywords["sections"]["kv-cache"]["patterns"].append("re:(unclosed")
    (config_dir / "keywords.yml").write_text(yaml.safe_dump(keywords), encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)

    repo = make_repo(tmp_path / "repo", taxonomy, small_catalog_text(taxonomy))
    code = main(
        ["backfill", "--since", "2025-01-01", "--until", "2025-01-31", "--dry-run", "--repo", str(repo)]
    )
    err = capsys.readouterr().err
    assert code == 1 and "keywords.yml" in err and "(unclosed" in err
    assert month.log == []  # no page was asked for


def test_a_category_without_any_paper_is_named_as_a_possible_typo(
    repo: Path,
    month: ArxivApiServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`cs.XX` has the form of a category; arXiv's API answers it with no paper, and the backfill
    ended "complete" with nothing to say why. A category (or archive) no found paper is in is named."""
    args = job_args(repo, "cs.CL,cs.XX,cs,q-bio")
    assert backfill.main(args, api=api_for(month, []), clock=lambda: datetime.date(2025, 2, 4)) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: no paper of cs.XX, q-bio submitted from 2025-01-01 to 2025-01-31: check the name against "
        "https://arxiv.org/category_taxonomy (arXiv answers an unknown one with nothing)"
    ]


def test_a_range_without_papers_says_so_in_its_progress_line(month: ArxivApiServer, tmp_path: Path) -> None:
    """A search with no result logged "page at 200: 0 papers (200/0 read)": the empty answer moved
    the start on by a page size, so the log read as 200 papers read out of none."""
    log = io.StringIO()
    query = backfill.search_query(["cs.CL"], datetime.date(2024, 12, 1), datetime.date(2024, 12, 31))
    papers = backfill.search(
        api_for(month, []), query, 200, VENUES, tmp_path / "s.json", backfill.Progress(log, "backfill"), TODAY
    )
    assert papers == [] and log.getvalue() == "backfill: page at 0: 0 papers (0/0 read)\n"
    assert backfill.SearchState.load(tmp_path / "s.json", query).done and len(month.log) == 1


def test_backfill_and_new_topics_learn_from_maintainers_as_poll_does(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    """backfill trained without the maintainers' routing labels (a merged PR's paper moved since),
    and new-topics also took a closed PR whose paper is in the catalog after all for a rejection:
    both scored papers otherwise than poll, whose scorer they say they use."""
    from bot.core import markers
    from bot.core.branches import BranchNames
    from bot.core.proposals import PollSettings
    from bot.jobs import new_topics, poll

    text = small_catalog_text(taxonomy)
    fake_github.push("catalog.md", text)
    catalog = parse(text, taxonomy)
    listed = [item for item in catalog.entries() if item.arxiv_ids and item.section and item.entry]
    moved, added_by_hand = listed[0], listed[1]
    other = next(s.id for s in taxonomy.sections if s.kind == "papers" and s.id != moved.section)
    for item, state in ((moved, "merged"), (added_by_hand, "closed")):
        marker = {
            "arxiv_id": item.arxiv_ids[0],
            "section": other,
            "subsection": None,
            "line": item.text.splitlines()[0],
        }
        body = "Adds a paper\n\n" + markers.make("arxiv", marker)
        fake_github.seed_pull(f"bot/arxiv-{item.arxiv_ids[0]}", "catalog.md", text, "Add", body, state)
    fake_github.seed_pull(
        "bot/arxiv-2501.00099",
        "catalog.md",
        text,
        "Add",
        "why\n\n"
        + markers.make(
            "arxiv",
            {"arxiv_id": "2501.00099", "section": other, "line": "- [No](https://arxiv.org/abs/2501.00099)"},
        ),
        "closed",
    )
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, tmp_path / "s.json", backfill.Progress(io.StringIO()), TODAY
    )[:40]
    real = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    taught: dict[str, tuple[list[str], list[tuple[str, str]], list[str]]] = {}

    def recorder(job: str):  # type: ignore[no-untyped-def]
        def train(catalog, feed, rejected, corrections=(), merged=()):  # type: ignore[no-untyped-def]
            corrected = [(p.arxiv_id, s) for p, s, _ in corrections]
            taught[job] = ([p.arxiv_id for p in rejected], corrected, list(merged))
            return real(catalog, feed, rejected, corrections, merged)

        return train

    forge, out = forge_for(fake_github), io.StringIO()
    poll.run(papers, catalog, taxonomy, forge, recorder("poll"), PollSettings(dry_run=True), out)
    backfill.run(
        papers, catalog, taxonomy, forge, recorder("backfill"), backfill.BackfillSettings(), True, out
    )
    pulls = forge.bot_pull_requests("all")
    new_topics.train_as_poll(recorder("new-topics"), papers, catalog, pulls, BranchNames.from_prefix("bot/"))
    # the merged PR's paper can lift a score only so far (round 31): each job knows it
    assert taught["poll"] == (["2501.00099"], [(moved.arxiv_ids[0], moved.section)], [moved.arxiv_ids[0]])
    assert taught["backfill"] == taught["new-topics"] == taught["poll"]


def test_a_checklist_pr_edited_out_of_shape_fails_its_section_only(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    """One section's open checklist PR whose hidden marker a maintainer edited by hand (an entry
    without its section) stopped the whole rerun at that section: the sections after it never got
    their new papers, and no summary was printed."""
    from bot.core import markers

    rerun = after_a_first_run_on_half(month, fake_github, taxonomy, tmp_path)
    first = min(fake_github.pulls(), key=lambda p: p.number)
    data = markers.find(first.body, "digest")
    del data["entries"][0]["section"]
    edited = first.body.replace(
        markers.make("digest", markers.find(first.body, "digest")), markers.make("digest", data)
    )
    path = f"/repos/{fake_github.repository}/pulls/{first.number}"
    assert edited != first.body and fake_github.api("PATCH", path, {"body": edited}).status_code == 200

    report = rerun()
    section = first.head.removeprefix("bot/backfill-")
    assert [f.split(":")[0] for f in report.failures] == [section] and "edited by hand" in report.failures[0]
    assert report.results and {r.pull_request.branch for r in report.results} & {
        f"bot/backfill-{s}" for s in report.per_section if s != section
    }
    assert section not in report.per_section  # the summary counts no paper proposed there
    assert fake_github.issues[first.number].body == edited  # left as the maintainer edited it


def test_a_paper_its_authors_withdrew_is_not_proposed(
    month: ArxivApiServer, fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    """The API search returns papers withdrawn since (their last version's comment says so): the
    search's saved records dropped the withdrawn mark, and backfill proposed them like any other
    (`/add` refuses them; the RSS feed announces a withdrawal as a replacement, which poll skips)."""
    from tests.arxiv_api_server import synthetic

    title = "KV Cache Quantization for Efficient Long-Context LLM Inference"
    abstract = (
        "We quantize the key-value cache of large language models to 2 bits, cutting the memory "
        "of long-context inference by 8x with little loss in accuracy."
    )
    month.seed(
        [
            synthetic("2501.19991", title, 3, abstract=abstract),
            synthetic(
                "2501.19992",
                title.replace("Efficient", "Fast"),
                3,
                abstract=abstract,
                comment="This paper has been withdrawn by the authors due to an error in Table 2",
            ),
        ]
    )
    fake_github.push("catalog.md", small_catalog_text(taxonomy))
    papers = backfill.search(
        api_for(month, []), QUERY, 100, VENUES, tmp_path / "s.json", backfill.Progress(io.StringIO()), TODAY
    )
    assert {p.arxiv_id for p in papers if p.withdrawn} == {"2501.19992"}  # kept through the state file
    catalog = parse(fake_github.file("catalog.md") or "", taxonomy)
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    out = io.StringIO()
    report = backfill.run(
        papers, catalog, taxonomy, forge_for(fake_github), train, backfill.BackfillSettings(), True, out
    )
    proposed = {p.paper.arxiv_id for ps in report.per_section.values() for p in ps}
    assert "2501.19991" in proposed and "2501.19992" not in proposed
    assert report.skipped["withdrawn"] == 1
