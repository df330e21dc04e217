"""The poll job: which papers are new (pure), and end to end from the real feed fixtures to
branches in a temporary git repository and to pull requests on the fake GitHub."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from bot import config
from bot.__main__ import main
from bot.core import catalog_document, catalog_parse, digest, markers
from bot.core.candidates import select_candidates
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.forge.protocols import PullRequest
from bot.jobs.poll import render_summary, run
from bot.jobs.poll.plan import PollSettings
from bot.scoring.trainer import make_trainer
from bot.sources import arxiv_rss as feeds
from bot.sources import paper_facts
from tests.conftest import FIXTURES, PROJECT, ROOT
from tests.fake_github import FakeGitHub, fake_github, forge_for  # noqa: F401
from tests.gitrepo import SMALL_CATALOG, git, make_repo
from tests.golden_files import assert_shown_in_docs

ARXIV = Path(__file__).parents[1] / "fixtures" / "arxiv"
FULL_DAY = ARXIV / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
EMPTY = ARXIV / "arxiv_rss2_feed_empty_test-archive_2024-11-28.xml"
ERROR = ARXIV / "arxiv_rss2_feed_error_bad-archive_2024-11-28.xml"


def paper(arxiv_id: str, title: str, announce: str = "new") -> Paper:
    return Paper(arxiv_id=arxiv_id, title=title, announce_type=announce)


def pr(arxiv_id: str, state: str, branch: str | None = None) -> PullRequest:
    body = markers.make("arxiv", {"arxiv_id": arxiv_id, "section": "kv-cache", "line": ""})
    return PullRequest(1, branch or f"bot/arxiv-{arxiv_id}", "t", body, state)  # type: ignore[arg-type]


# -- selecting candidates (pure) -----------------------------------------------------------------


def test_select_candidates_sorts_every_paper(taxonomy: Taxonomy) -> None:
    small = catalog_parse.parse(
        (FIXTURES / "lists" / "horseee__Awesome-Efficient-LLM__kv_cache_compression.md").read_text(
            encoding="utf-8"
        ),
        taxonomy,
    )
    papers = [
        paper("2501.00001", "A brand new paper on KV cache eviction"),
        paper("2501.00001", "A brand new paper on KV cache eviction", "cross"),  # other category
        paper("2401.00002", "An older paper, revised today", "replace"),
        paper("2401.00003", "Another revision", "replace-cross"),
        paper("2310.01801", "Some title arXiv knows"),  # FastGen: in the list by id
        paper(
            "2601.00004",
            "Scissorhands: Exploiting the Persistence of Importance Hypothesis for "
            "LLM KV Cache Compression at Test Time",
        ),  # in the list by title
        paper("2501.00005", "A paper whose PR was closed"),
        paper("2501.00006", "A paper whose PR is open"),
        paper("2501.00007", "A paper unticked in the digest"),
    ]
    digest_body = (
        markers.make(
            "digest",
            {"entries": [{"arxiv_id": "2501.00007", "section": "kv-cache", "subsection": None, "line": "x"}]},
        )
        + "\n- [ ] arXiv 2501.00007: unticked\n"
    )
    pulls = [
        pr("2501.00005", "closed"),
        pr("2501.00006", "open"),
        PullRequest(2, "bot/digest", "Digest", digest_body, "open"),
    ]

    result = select_candidates(papers, small, pulls, "bot/digest")

    assert [p.arxiv_id for p in result.new] == ["2501.00001"]
    assert result.seen == 9 and result.cross_duplicates == 1 and result.replacements == 2
    assert [p.arxiv_id for p, _line in result.in_catalog] == ["2310.01801", "2601.00004"]
    assert [p.arxiv_id for p in result.rejected] == ["2501.00005", "2501.00007"]
    assert [p.arxiv_id for p in result.already_proposed] == ["2501.00006"]
    assert digest.rejected_ids(pulls[2]) == {"2501.00007"}


def test_a_paper_submitted_again_under_a_new_id_is_known_by_its_title(taxonomy: Taxonomy) -> None:
    """The catalog knows a paper by its title too; so do the bot's PRs now: the same title under
    another id is already proposed while its PR is open, and rejected once a maintainer closed it
    (it used to get a second PR on another day)."""
    from bot.core.entry import Entry, render_entry

    def titled_pr(arxiv_id: str, title: str, state: str) -> PullRequest:
        line = render_entry(Entry(title=title, url=f"https://arxiv.org/abs/{arxiv_id}", arxiv_id=arxiv_id))
        body = markers.make("arxiv", {"arxiv_id": arxiv_id, "section": "kv-cache", "line": line})
        return PullRequest(1, f"bot/arxiv-{arxiv_id}", "t", body, state)  # type: ignore[arg-type]

    empty = catalog_parse.parse("# List\n", taxonomy)
    pulls = [
        titled_pr("2501.00021", "Learned KV-Cache Eviction for Fast LLM Inference", "open"),
        titled_pr("2501.00022", "A Paper Maintainers Closed", "closed"),
    ]
    papers = [
        paper("2502.00031", "Learned KV Cache Eviction for Fast LLM Inference."),
        paper("2502.00032", "A paper maintainers closed"),
        paper("2502.00033", "Something new"),
    ]
    result = select_candidates(papers, empty, pulls, "bot/digest")
    assert [p.arxiv_id for p in result.already_proposed] == ["2502.00031"]
    assert [p.arxiv_id for p in result.rejected] == ["2502.00032"]
    assert [p.arxiv_id for p in result.new] == ["2502.00033"]


def test_a_closed_pr_whose_paper_reached_the_catalog_is_no_negative_for_the_scorer(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """A paper added by hand while its bot PR was open: refresh closes the PR ("the paper is in the
    catalog"), and every later run gave that paper to the scorer as a rejection, a negative, while
    the catalog taught it as a positive. Only papers a maintainer said no to are negatives."""
    from bot.core.proposals import Proposal, change_request, paper_entry
    from bot.forge.local_git import LocalGitForge

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    settings = PollSettings()
    said_no = paper("2501.00011", "Yet Another KV Cache Eviction Policy")
    added_by_hand = paper("2501.00012", "Quantized KV Cache Eviction for Long Contexts")
    for closed in (said_no, added_by_hand):
        proposal = Proposal(paper=closed, entry=paper_entry(closed), section="kv-cache")
        forge.propose(change_request(proposal, taxonomy, "catalog.md", settings.branches))
        [pull] = [p for p in forge.bot_pull_requests("open") if closed.arxiv_id in p.branch]
        forge.close_pull_request(pull, "closed")
    text = (repo / "catalog.md").read_text(encoding="utf-8")
    (repo / "catalog.md").write_text(
        catalog_parse.parse(text, taxonomy).insert(paper_entry(added_by_hand), "kv-cache").render(),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "added by hand")
    catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
    negatives: list[str] = []

    class Trained(Exception):
        pass

    def train(
        catalog: object, feed: object, rejected: list[Paper], corrections: object = (), merged: object = ()
    ) -> None:
        negatives.extend(p.arxiv_id for p in rejected)
        raise Trained

    with pytest.raises(Trained):
        run([paper("2501.00013", "A new paper")], catalog, taxonomy, forge, train, settings, io.StringIO())  # type: ignore[arg-type]
    assert negatives == [said_no.arxiv_id]


HAND_EDITED_MARKERS = [
    {"section": "kv-cache", "line": "- [T](https://arxiv.org/abs/2405.00001)"},  # no id
    {"arxiv_id": 2405.00001, "section": "kv-cache", "line": "- [T](https://arxiv.org/abs/2405.00001)"},
    {"arxiv_id": ["2405.00001"], "section": "kv-cache"},
    {"arxiv_id": "2405.00001", "section": "kv-cache", "line": 7},
    {"arxiv_id": "2405.00001", "section": ["kv-cache"], "subsection": {"a": 1}},
]
HAND_EDITED_DIGESTS = [
    {"entries": "x"},
    {"entries": None},
    {"entries": [1]},
    {"entries": [{"arxiv_id": "1"}]},
]


@pytest.mark.parametrize("state", ["open", "closed", "merged"])
@pytest.mark.parametrize("data", HAND_EDITED_MARKERS + HAND_EDITED_DIGESTS)
def test_a_marker_edited_by_hand_is_no_marker_not_a_crash(
    taxonomy: Taxonomy, state: str, data: dict[str, Any]
) -> None:
    """A bot PR's hidden marker edited out of shape (an id that is no text, a line that is a
    number, a digest entry without its section) crashed every poll with a traceback (KeyError,
    AttributeError), open or closed, so no paper was proposed again until someone found it."""
    from bot.core.candidates import rejected_papers, routing_corrections

    kind, branch = ("digest", "bot/digest") if "entries" in data else ("arxiv", "bot/arxiv-2405.00001")
    pull = PullRequest(1, branch, "t", "why\n\n" + markers.make(kind, data), state)  # type: ignore[arg-type]
    catalog = catalog_parse.parse(catalog_document.render_document(taxonomy, SMALL_CATALOG), taxonomy)

    result = select_candidates([paper("2405.00001", "A new paper")], catalog, [pull], "bot/digest")

    # a closed paper PR is still a rejection by its branch, whatever its marker says
    rejected = state == "closed" and kind == "arxiv"
    assert [p.arxiv_id for p in (result.rejected if rejected else result.new)] == ["2405.00001"]
    assert rejected_papers([pull], catalog) == [] and routing_corrections([pull], catalog) == []


def test_a_paper_only_mentioned_under_another_entry_is_still_new(taxonomy: Taxonomy) -> None:
    """A note under an entry ("  - follow-up: arXiv ...") mentions a paper without listing it. The
    poll counted that paper as already in the catalog and never proposed it (the feed lists it on
    one day only), while /add, refresh and the insert itself know a mention is no entry."""
    from bot.core.proposals import paper_entry

    text = catalog_document.render_document(taxonomy, SMALL_CATALOG)
    snapkv = next(line for line in text.splitlines() if "SnapKV" in line)
    noted = text.replace(snapkv, snapkv + "\n  - follow-up: [its sequel](https://arxiv.org/abs/2501.00021)")
    catalog = catalog_parse.parse(noted, taxonomy)
    assert catalog.find_by_id("2501.00021") is not None  # the note's item mentions it
    sequel = paper("2501.00021", "The Sequel to SnapKV")

    result = select_candidates([sequel], catalog, [], "bot/digest")

    assert result.new == [sequel] and result.in_catalog == []
    assert catalog.insert(paper_entry(sequel), "kv-cache").find_paper("2501.00021", None)  # it can be added


# -- end to end, local git --------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, taxonomy: Taxonomy) -> Path:
    """A clone-like repository holding the project's real catalog.md."""
    return make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))


def bot_branches(repo: Path) -> list[str]:
    out = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/bot/")
    return sorted(out.split())


def poll(repo: Path, *extra: str) -> int:
    return main(["poll", "--repo", str(repo), *extra])


def test_poll_opens_one_branch_per_accepted_paper_and_a_rerun_opens_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    first = capsys.readouterr().out
    branches = bot_branches(repo)
    assert branches, first
    for branch in branches:
        assert git(repo, "rev-list", "--count", f"main..{branch}").strip() == "1"
        diff = git(repo, "diff", f"main...{branch}", "--", "catalog.md").splitlines()
        changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        assert len(changed) == 1 and changed[0].startswith("+- [")
        body = git(repo, "log", "-1", "--format=%B", branch)
        data = markers.find(body, "arxiv")
        assert data and branch == f"bot/arxiv-{data['arxiv_id']}"
        assert "**Why**" in body and "<details><summary>Abstract</summary>" in body
    assert "| seen in the feed | 278 |" in first
    assert f"| pull requests opened | {len(branches)} |" in first
    heads = {b: git(repo, "rev-parse", b) for b in branches}

    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    second = capsys.readouterr().out
    assert bot_branches(repo) == branches
    assert {b: git(repo, "rev-parse", b) for b in branches} == heads
    assert f"| already proposed (open PR) | {len(branches)} |" in second
    assert "==> opened" not in second
    assert git(repo, "status", "--porcelain") == ""


def test_the_progress_line_counts_the_entries_a_pr_body_cites(
    repo: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """ "training the scorer on N catalog entries" and a PR body's "reads like the N catalog
    entries" are one number: the catalog's paper entries, each title once (not its tools)."""
    caplog.set_level("INFO", logger="bot.jobs.poll")
    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    capsys.readouterr()
    progress = re.search(r"training the scorer on (\d+) catalog entries", caplog.text)
    branch = bot_branches(repo)[0]
    cited = re.search(r"reads like the (\d+) catalog entries", git(repo, "log", "-1", "--format=%B", branch))
    assert progress and cited, caplog.text
    assert progress.group(1) == cited.group(1)
    items = catalog_parse.parse((repo / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    assert int(progress.group(1)) < len(items.entries())  # the tools are not counted


def test_poll_in_actions_without_a_token_stops_instead_of_committing_to_the_runner(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a workflow without GITHUB_TOKEN the local-git fallback would commit to the runner's
    checkout, which is thrown away: a green run that proposes nothing. It is an error instead;
    a dry run and --local still run locally."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/list")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)

    assert poll(repo, "--feed", str(FULL_DAY)) == 1
    err = capsys.readouterr().err
    assert "poll runs in GitHub Actions without GITHUB_TOKEN" in err
    assert "GITHUB_TOKEN: ${{ github.token }}" in err and "--local" in err
    assert bot_branches(repo) == []

    assert poll(repo, "--feed", str(FULL_DAY), "--dry-run") == 0
    assert "==> would open: bot/arxiv-" in capsys.readouterr().out
    assert bot_branches(repo) == []
    assert poll(repo, "--feed", str(FULL_DAY), "--local") == 0
    assert bot_branches(repo)


def test_local_forces_the_local_git_mode_even_with_a_token(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--local is the local-git mode whatever the environment says (no GitHub call is made:
    the API address is a closed port)."""
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/list")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    assert poll(repo, "--feed", str(FULL_DAY), "--local") == 0
    assert bot_branches(repo)


def test_a_paper_submitted_twice_gets_one_pr(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two ids with one title (as the catalog compares titles) in one feed are one paper: the
    first id is proposed, the second is named in the run summary, not given a PR of its own."""
    import json

    abstract = (
        "We compress the key-value cache of large language models with a learned eviction policy, "
        "cutting memory by 4x and raising decoding throughput by 2x at equal accuracy."
    )
    rows = [
        {"arxiv_id": "2501.00011", "title": "Learned KV-Cache Eviction for Fast LLM Inference"},
        {"arxiv_id": "2501.00013", "title": "Learned KV Cache Eviction for Fast LLM Inference."},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({**r, "abstract": abstract, "categories": ["cs.CL"]}) + "\n" for r in rows),
        encoding="utf-8",
    )
    assert poll(repo, "--feed", str(feed)) == 0
    out = capsys.readouterr().out
    assert bot_branches(repo) == ["bot/arxiv-2501.00011"], out
    assert "| same title as another new paper (one PR: 2501.00013 as 2501.00011) | 1 |" in out


def test_a_catalog_the_taxonomy_does_not_know_is_said_before_scoring(
    tmp_path: Path, taxonomy: Taxonomy, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A catalog committed under headings the taxonomy lacks (config/ replaced, catalog not yet)
    gives the learned model no positives: the run says so instead of scoring in silence."""
    foreign = "# Another list\n\n## Quantisation\n\n- [Some Paper](https://arxiv.org/abs/2401.00001) · arXiv 2401.00001\n"
    repo = make_repo(tmp_path / "repo", taxonomy, foreign)
    # 1: no paper's section has its heading there, said by the dry run as the run would (round 31)
    assert poll(repo, "--feed", str(FULL_DAY), "--dry-run") == 1
    capsys.readouterr()
    assert "none of the catalog's 1 entries is under a paper section of config/taxonomy.yml" in caplog.text
    assert "python -m bot lint" in caplog.text


def test_a_paper_already_in_the_catalog_is_not_proposed(
    repo: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    assert poll(repo, "--feed", str(FULL_DAY), "--dry-run") == 0
    dry = capsys.readouterr().out
    assert bot_branches(repo) == []  # a dry run creates nothing
    first_id = dry.split("==> would open: bot/arxiv-")[1].split()[0]
    # the maintainer adds that paper by hand; the next run must not propose it
    papers = {p.arxiv_id: p for p in feeds.read_papers(FULL_DAY)}
    from bot.core.proposals import paper_entry

    text = (repo / "catalog.md").read_text(encoding="utf-8")
    edited = catalog_parse.parse(text, taxonomy).insert(paper_entry(papers[first_id]), "surveys")
    (repo / "catalog.md").write_text(edited.render(), encoding="utf-8")
    git(repo, "commit", "-qam", "add by hand")

    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    out = capsys.readouterr().out
    assert f"bot/arxiv-{first_id}" not in bot_branches(repo)
    assert "| already in the catalog |" in out


def test_rejected_papers_are_never_proposed_again(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.forge.local_git import LocalGitForge

    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    forge = LocalGitForge(repo, branch_prefix="bot/")
    [rejected, *_] = forge.bot_pull_requests("open")
    forge.close_pull_request(rejected, "not in scope")
    capsys.readouterr()

    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    assert rejected.branch not in bot_branches(repo)
    assert "| rejected before (closed PR) | 1 |" in capsys.readouterr().out


def test_empty_feed_is_a_quiet_success(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert poll(repo, "--feed", str(EMPTY)) == 0
    assert "No new papers" in capsys.readouterr().out
    assert "empty" in summary.read_text(encoding="utf-8")
    assert bot_branches(repo) == []


def test_error_feed_is_a_loud_failure(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert poll(repo, "--feed", str(ERROR)) == 1
    err = capsys.readouterr().err
    # the run's summary page says it too (it was left empty: a red run with nothing to read there)
    said = summary.read_text(encoding="utf-8")
    assert "The feed did not read: the run failed and opened no pull request." in said
    assert "arXiv's error feed" in said and "astroph" in said and "pass another file" in said
    assert "error feed" in err and "astroph" in err
    # a saved file: not the config's feed to fix (the message said "Fix feed.categories in
    # config/sources.yml" of a file passed with --feed)
    assert f"{ERROR} is arXiv's error feed" in err and "pass another file" in err
    assert "config/sources.yml" not in err
    assert bot_branches(repo) == []


def test_truncated_feed_is_a_loud_failure_not_a_smaller_day(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a download cut in the middle: the first items parse, the rest of the day is missing
    data = FULL_DAY.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"</item>", len(data) // 3) + len(b"</item>") + 40])
    assert poll(repo, "--feed", str(cut)) == 1
    err = capsys.readouterr().err
    assert "not well-formed XML" in err and "truncated" in err
    assert bot_branches(repo) == []


def test_detached_head_says_what_to_do_with_options_that_exist(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "checkout", "-q", "--detach")
    assert poll(repo, "--feed", str(EMPTY)) == 1
    err = capsys.readouterr().err
    assert "HEAD is detached" in err and "git switch main" in err
    for option in re.findall(r"--[a-z][a-z-]+", err):  # every option it suggests is one poll takes
        with pytest.raises(SystemExit) as usage:
            main(["poll", option, "--help"])
        assert usage.value.code == 0, option
    assert bot_branches(repo) == []


def test_a_bot_branch_checked_out_for_review_is_not_taken_for_the_default_branch(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Local git builds the bot's branches on the checked-out branch. With a bot branch checked
    out (to look at a proposal), every new branch was built on top of it, carrying that paper's
    line too (merging one merged two papers), and that paper counted as already in the catalog."""
    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    capsys.readouterr()
    reviewed, forgotten, *_ = bot_branches(repo)
    git(repo, "branch", "-D", forgotten)  # forgotten: the next run proposes it again
    git(repo, "switch", "-q", reviewed)

    assert poll(repo, "--feed", str(FULL_DAY)) == 1

    err = capsys.readouterr().err
    assert f"HEAD is on {reviewed}, one of the bot's branches" in err and "git switch main" in err
    assert forgotten not in bot_branches(repo)


def test_papers_over_the_limit_are_not_promised_to_the_next_run(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The live feed lists a paper on its announcement day only: papers accepted beyond
    max_pull_requests never come back, so the summary must not say they wait for the next run."""
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    poll_yml = config_dir / "poll.yml"
    text = poll_yml.read_text(encoding="utf-8").replace("max_pull_requests: 20", "max_pull_requests: 1")
    poll_yml.write_text(text, encoding="utf-8")
    shutil.copytree(PROJECT / "data", tmp_path / "data")  # the scoring background, next to config/
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
        assert poll(repo, "--feed", str(FULL_DAY)) == 0
    out = capsys.readouterr().out
    assert len(bot_branches(repo)) == 1
    row = next(line for line in out.splitlines() if "over the limit" in line)
    assert "max_pull_requests 1" in row and "not proposed" in row and "/add" in row
    assert int(row.rsplit("|", 2)[1]) >= 1
    assert "next run" not in out


def test_a_rerun_on_the_same_day_keeps_to_max_pull_requests(repo: Path, taxonomy: Taxonomy) -> None:
    """A rerun of the day (Actions' "Re-run failed jobs" after one PR failed) found the papers over
    the limit new again and opened them too: two runs of one day opened up to twice
    max_pull_requests. The day's papers already proposed count against the limit, so a rerun
    opens only what the first run could not (here the paper whose branch git refused)."""
    from bot.forge.local_git import LocalGitForge

    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    settings = PollSettings(max_pull_requests=2)
    train = make_trainer(config.load("keywords"), taxonomy, repo.parent / "cache")

    def poll_run() -> Any:
        forge = LocalGitForge(repo, branch_prefix="bot/")
        catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
        return run(papers, catalog, taxonomy, forge, train, settings, io.StringIO())

    dry = run(
        papers,
        catalog_parse.parse(LocalGitForge(repo, branch_prefix="bot/").read_file("catalog.md"), taxonomy),
        taxonomy,
        LocalGitForge(repo, branch_prefix="bot/"),
        train,
        dataclasses.replace(settings, dry_run=True),
        io.StringIO(),
    )
    assert len(dry.accepted) > 3
    first, second = (p.paper.arxiv_id for p in dry.would_propose)
    lock = repo / ".git" / "refs" / "heads" / "bot" / f"arxiv-{second}.lock"
    lock.parent.mkdir(parents=True)
    lock.touch()  # this paper's branch cannot be written on the first run

    one = poll_run()
    assert [r.action for r in one.results] == ["opened"] and [i for i, _ in one.failures] == [second]
    lock.unlink()
    again = poll_run()
    assert [r.action for r in again.results] == ["opened"] and again.failures == []
    assert bot_branches(repo) == sorted([f"bot/arxiv-{first}", f"bot/arxiv-{second}"])
    assert again.skipped_over_limit == len(dry.accepted) - 2
    assert poll_run().results == [] and len(bot_branches(repo)) == 2


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('catalog: ""', "key catalog: '' should be non-empty"),
        ("catalog: config/", "catalog: 'config/' is not the path of a file inside the repository"),
        (
            "catalog: /etc/hostname",
            "catalog: '/etc/hostname' is not the path of a file inside the repository",
        ),
        ('labels: [new-paper, ""]', "key labels.1: '' should be non-empty"),
        ('needs_section_label: ""', "key needs_section_label: '' should be non-empty"),
    ],
)
def test_a_catalog_path_or_label_that_cannot_work_is_a_config_error_before_the_run(
    repo: Path, tmp_path: Path, setting: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`catalog: ""` or a folder read the default branch's file listing (`git show main:`) as the
    catalog: a dry run scored against it, a real run failed every PR with "catalog.md has no
    section ..."; an absolute path read a file outside the repository; an empty label made GitHub
    refuse every PR's labels. Each is now one line naming config/poll.yml and the key."""
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    key = setting.split(":", 1)[0]
    kept = [
        line
        for line in (config_dir / "poll.yml").read_text(encoding="utf-8").splitlines()
        if not line.startswith(f"{key}:")
    ]
    (config_dir / "poll.yml").write_text("\n".join([*kept, setting, ""]), encoding="utf-8")  # one key, once
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
        assert poll(repo, "--feed", str(FULL_DAY), "--dry-run") == 1
    err = capsys.readouterr().err
    assert f"{config_dir / 'poll.yml'}: " in err and said in err, err
    assert "training the scorer" not in err


def test_a_catalog_option_that_names_no_file_in_the_repository_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "lists").mkdir()
    (repo / "lists" / "catalog.md").write_text((repo / "catalog.md").read_text(encoding="utf-8"))
    git(repo, "add", "lists")
    git(repo, "commit", "-qm", "a copy in lists/")
    assert poll(repo, "--feed", str(FULL_DAY), "--dry-run", "--catalog", "lists/") == 1
    err = capsys.readouterr().err
    assert "--catalog: 'lists/' is not the path of a file inside the repository" in err
    assert "training the scorer" not in err


def test_an_empty_file_is_not_an_empty_day(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "feed.xml"
    empty.write_bytes(b"")  # a failed download
    assert poll(repo, "--feed", str(empty)) == 1
    captured = capsys.readouterr()
    assert "is empty (0 bytes): not a feed" in captured.err
    assert "No new papers" not in captured.out
    assert bot_branches(repo) == []


def test_network_failure_after_retries_is_a_loud_failure(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    (config_dir / "sources.yml").write_text(
        f"feed:\n  base_url: http://127.0.0.1:{port}/rss/\n  retries: 1\n  backoff_seconds: 0\n"
        "  timeout_seconds: 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    assert poll(repo, "--live") == 1
    err = capsys.readouterr().err
    assert "2 attempts" in err and "retry the run later" in err
    assert bot_branches(repo) == []


@pytest.mark.parametrize(
    ("categories", "said"),
    [(",", "no category"), ("cs.CL;cs.LG", "not arXiv category names: 'cs.CL;cs.LG'")],
)
def test_bad_categories_option_is_named_not_blamed_on_the_config(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    categories: str,
    said: str,
) -> None:
    """`--categories ","` (or the workflow's categories input) said "no arXiv categories
    configured: set `feed.categories` in config/sources.yml": the config was fine, the option not."""
    with socket.socket() as probe:  # nothing is fetched: a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    (config_dir / "sources.yml").write_text(
        f"feed:\n  base_url: http://127.0.0.1:{port}/rss/\n", encoding="utf-8"
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    assert poll(repo, "--live", "--categories", categories) == 1
    err = capsys.readouterr().err
    assert f"--categories {categories!r}: {said}; pass names such as cs.CL" in err
    assert "config/sources.yml" not in err and "attempts" not in err


def test_an_error_feed_for_the_categories_option_names_the_option_not_the_config(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    httpserver: HTTPServer,
) -> None:
    """`poll --live --categories astroph` (a name typed in the poll workflow's Run form) got arXiv's
    error feed and said "Fix `feed.categories` in config/sources.yml", which gave no category of
    that run: the message names the option."""
    httpserver.expect_request("/rss/astroph").respond_with_data(ERROR.read_bytes())
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    (config_dir / "sources.yml").write_text(
        f"feed:\n  base_url: {httpserver.url_for('/rss/')}\n  categories: [astroph]\n  retries: 0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    assert poll(repo, "--live", "--categories", "astroph") == 1
    err = capsys.readouterr().err
    assert "error feed" in err and "Bad categories: astroph, given with --categories" in err
    assert "Fix `feed.categories`" not in err and "config/sources.yml gave none of them" in err
    assert poll(repo, "--live") == 1  # the config's categories: the config is what to fix
    assert "Fix `feed.categories` in config/sources.yml" in capsys.readouterr().err
    assert bot_branches(repo) == []


def test_categories_may_be_separated_by_commas_or_spaces() -> None:
    from bot.jobs.poll.inputs import option_categories

    assert option_categories("cs.CL, cs.LG") == option_categories("cs.CL cs.LG") == ("cs.CL", "cs.LG")


# -- end to end, the fake GitHub ----------------------------------------------------------------


def test_poll_on_the_fake_github_then_a_rerun_changes_nothing(
    fake_github: FakeGitHub, taxonomy: Taxonomy, tmp_path: Path
) -> None:  # noqa: F811
    fake_github.push(
        "catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="the catalog"
    )
    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    settings = PollSettings(max_pull_requests=100)
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")

    def once() -> None:
        forge = forge_for(fake_github)
        catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
        run(papers, catalog, taxonomy, forge, train, settings, io.StringIO())

    once()
    pulls = fake_github.pulls()
    assert 1 <= len(pulls) < 100
    state = ([(p.number, p.head, p.body) for p in fake_github.pulls()], fake_github.branches())
    fake_github.reset_counts()
    once()
    assert ([(p.number, p.head, p.body) for p in fake_github.pulls()], fake_github.branches()) == state
    assert fake_github.writes() == 0
    assert fake_github.reads() <= 2


def test_prs_opened_after_main_moved_are_built_on_it_and_a_paper_added_meanwhile_is_not_proposed(
    fake_github: FakeGitHub,  # noqa: F811
    taxonomy: Taxonomy,
    tmp_path: Path,
) -> None:
    """While the poll trains, a maintainer adds by hand one of the papers the run will propose:
    the run built every PR on the head it read at its start (lines next to the new one conflicted)
    and proposed that paper again, a second line for it once merged. The PRs are built on the
    head as it is then, and the paper added meanwhile is counted as in the catalog, no failure."""
    from bot.core.proposals import paper_entry

    fake_github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="catalog")
    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    forge = forge_for(fake_github)
    catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
    dry = run(papers, catalog, taxonomy, forge, train, PollSettings(dry_run=True), io.StringIO())
    assert len(dry.would_propose) >= 3
    late = dry.would_propose[-1]
    by_hand = catalog.insert(paper_entry(late.paper), late.section, late.subsection).render()
    fake_github.meanwhile(
        "POST", "/repos/{owner}/{repo}/pulls", lambda: fake_github.push("catalog.md", by_hand)
    )

    report = run(papers, catalog, taxonomy, forge, train, PollSettings(), io.StringIO())

    assert report.failures == [] and late.paper in [p for p, _line in report.candidates.in_catalog]
    pulls = fake_github.pulls("open")
    assert len(pulls) == len(dry.would_propose) - 1 and f"bot/arxiv-{late.paper.arxiv_id}" not in {
        p.head for p in pulls
    }
    for pull in pulls:
        assert fake_github.git.commits[fake_github.head(pull.head)].parents == [fake_github.head()]
        assert fake_github._mergeable(pull), pull.head
    assert not fake_github.violations


def batch_poller(
    fake_github: FakeGitHub,  # noqa: F811
    taxonomy: Taxonomy,
    tmp_path: Path,
) -> tuple[list[Paper], PollSettings, Callable[[list[Paper]], Any]]:
    """The fixture catalog on the fake GitHub, the recorded day's papers, batch-mode settings, and
    a poll run over some of the papers (each run reads the catalog and the PRs afresh)."""
    fake_github.push(
        "catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="the catalog"
    )
    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    settings = PollSettings(batch_mode=True)
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")

    def poll_run(day: list[Paper]) -> Any:
        forge = forge_for(fake_github)
        catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
        return run(day, catalog, taxonomy, forge, train, settings, io.StringIO())

    return papers, settings, poll_run


def test_the_batch_mode_digest_pr_carries_the_poll_labels(
    fake_github: FakeGitHub,
    taxonomy: Taxonomy,
    tmp_path: Path,  # noqa: F811
) -> None:
    """config/poll.yml's `labels` go on every PR the poll opens: the batch-mode digest had none,
    so a maintainer's `label:new-paper` filter missed the day's papers."""
    fake_github.push(
        "catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="the catalog"
    )
    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    settings = PollSettings(batch_mode=True, labels=("new-paper", "from-arxiv"))
    train = make_trainer(config.load("keywords"), taxonomy, tmp_path / "cache")
    forge = forge_for(fake_github)
    catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
    report = run(papers, catalog, taxonomy, forge, train, settings, io.StringIO())
    [digest_pr] = fake_github.pulls()
    assert digest_pr.head == "bot/digest" and len(report.accepted) > 1
    assert {"new-paper", "from-arxiv"} <= set(digest_pr.labels)
    assert not any(label.startswith("section:") for label in digest_pr.labels)  # one PR, many sections


def test_a_digest_fills_up_to_the_body_github_takes_and_the_summary_counts_the_rest(
    fake_github: FakeGitHub,
    taxonomy: Taxonomy,
    tmp_path: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batch mode: a digest nobody merged for weeks outgrows GitHub's 65,536 characters a PR body
    (about 120 papers), and GitHub refused the whole update, the day's papers with it. The day's
    best papers that fit go in, the rest are counted in the summary (the limit made small here)."""
    from bot.core import digest

    papers, settings, poll_run = batch_poller(fake_github, taxonomy, tmp_path)

    first = poll_run(papers[::2])
    [pull] = fake_github.pulls()
    monkeypatch.setattr(digest, "BODY_LIMIT", len(pull.body) + 600)  # room for one paper more
    second = poll_run(papers[1::2])

    [pull] = fake_github.pulls()
    held = len(digest.entries_of(pull.body))
    assert len(pull.body) <= digest.BODY_LIMIT and second.failures == []
    assert len(second.accepted) >= 2 and len(first.accepted) < held < len(first.accepted) + len(
        second.accepted
    )
    assert second.skipped_digest_full == len(first.accepted) + len(second.accepted) - held
    summary = render_summary(second, settings, "feed")
    assert (
        f"the open digest PR is full (GitHub takes 65,536 characters a PR body): not proposed; merge or close the digest, and `/add` the ones you want | {second.skipped_digest_full} |"
        in summary
    )


def test_an_open_digest_whose_marker_was_edited_out_of_shape_is_left_as_it_is(
    fake_github: FakeGitHub,
    taxonomy: Taxonomy,
    tmp_path: Path,  # noqa: F811
) -> None:
    """Batch mode: the next poll rebuilt the open digest from the marker's usable entries only,
    dropping the paper whose entry a hand edit broke (after a traceback, before the fix). It is
    left as it is, and the run fails saying so."""
    import json

    papers, settings, poll_run = batch_poller(fake_github, taxonomy, tmp_path)

    assert poll_run(papers[::2]).failures == []
    [pull] = fake_github.pulls()
    marker = markers.find(pull.body, "digest")
    assert marker is not None
    marker["entries"][0]["line"] = None
    start = pull.body.index("<!-- catalog-bot:digest ")
    edited = pull.body[:start] + f"<!-- catalog-bot:digest {json.dumps(marker)} -->"
    edited += pull.body[pull.body.index("-->", start) + 3 :]
    path = f"/repos/{fake_github.repository}/pulls/{pull.number}"
    assert fake_github.api("PATCH", path, {"body": edited}).status_code == 200
    head = fake_github.head("bot/digest")

    second = poll_run(papers[1::2])

    assert second.accepted and [arxiv_id for arxiv_id, _ in second.failures] == ["bot/digest"]
    assert "not as the bot wrote them (edited by hand)" in second.failures[0][1]
    assert fake_github.head("bot/digest") == head and fake_github.pulls()[0].body == edited


def test_a_digest_branch_moved_while_the_poll_rebuilds_it_is_rebuilt_once_from_there(
    fake_github: FakeGitHub,
    taxonomy: Taxonomy,
    tmp_path: Path,  # noqa: F811
) -> None:
    """refresh rebuilds the digest branch between the poll's read and its write: the
    compare-and-swap refuses, the poll reads the branch again and adds its papers from there, once.
    Before, the day's papers were a failure and the run ended in an error."""
    papers, settings, poll_run = batch_poller(fake_github, taxonomy, tmp_path)

    first = poll_run(papers[::2])
    assert len(first.accepted) > 0 and [p.head for p in fake_github.pulls()] == ["bot/digest"]
    fake_github.push("NOTE.md", "main moved\n", message="main moves: the digest is due a rebuild")
    fake_github.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/git/commits",
        lambda: fake_github.push("NOTE.md", "refresh's rebuild\n", "bot/digest", message="another run"),
    )
    fake_github.reset_counts()
    second = poll_run(papers[1::2])

    assert second.failures == [] and [r.action for r in second.results] == ["updated"]
    assert fake_github.counts["POST /graphql mutation"] == 2 and not fake_github.violations
    head = fake_github.git.commits[fake_github.head("bot/digest")]
    assert head.parents == [fake_github.head()]  # one commit on the default branch, from the new head
    digest_text = fake_github.file("catalog.md", "bot/digest")
    assert all(p.arxiv_id in digest_text for p, _ in first.accepted + second.accepted)


def test_local_poll_reads_the_committed_catalog_and_says_so(
    repo: Path, taxonomy: Taxonomy, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The branches are built on the committed catalog, so the poll reads that one too: a paper
    added in the working tree but not committed is still proposed (its PR is closed by refresh
    once the edit is committed), and the run says why."""
    from bot.core.proposals import paper_entry
    from bot.forge.local_git import LocalGitForge
    from bot.jobs import refresh

    assert poll(repo, "--feed", str(FULL_DAY), "--dry-run") == 0
    first_id = capsys.readouterr().out.split("==> would open: bot/arxiv-")[1].split()[0]
    papers = {p.arxiv_id: p for p in feeds.read_papers(FULL_DAY)}
    text = (repo / "catalog.md").read_text(encoding="utf-8")
    edited = catalog_parse.parse(text, taxonomy).insert(paper_entry(papers[first_id]), "surveys").render()
    (repo / "catalog.md").write_text(edited, encoding="utf-8")  # not committed

    assert poll(repo, "--feed", str(FULL_DAY)) == 0

    assert f"bot/arxiv-{first_id}" in bot_branches(repo)
    assert (
        "has uncommitted changes; the poll reads (and builds its branches on) the version committed on "
        "main" in caplog.text
    )
    diff = git(repo, "diff", f"main...bot/arxiv-{first_id}", "--", "catalog.md").splitlines()
    assert len([line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]) == 1
    assert (repo / "catalog.md").read_text(encoding="utf-8") == edited  # the working tree is untouched
    git(repo, "commit", "-qam", "added by hand")
    closed = [
        o
        for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
        if o.pull_request.branch == f"bot/arxiv-{first_id}"
    ]
    assert [(o.action, o.cause) for o in closed] == [("closed", refresh.IN_CATALOG)]


def test_local_poll_on_a_crlf_catalog_proposes_one_line_and_sees_no_uncommitted_change(
    repo: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A catalog with Windows line endings: each branch changes one line (git's output was read in
    text mode, which made every line change), and a clean working tree is not "uncommitted"."""
    crlf = (repo / "catalog.md").read_text(encoding="utf-8").replace("\n", "\r\n")
    (repo / "catalog.md").write_bytes(crlf.encode("utf-8"))
    git(repo, "commit", "-qam", "catalog with CRLF line endings")

    assert poll(repo, "--feed", str(FULL_DAY)) == 0

    branches = bot_branches(repo)
    assert branches and "uncommitted changes" not in caplog.text
    for branch in branches:
        diff = subprocess.run(
            ["git", "diff", f"main...{branch}", "--", "catalog.md"], cwd=repo, capture_output=True, check=True
        ).stdout.split(b"\n")
        changed = [line for line in diff if line[:1] in (b"+", b"-") and line[:3] not in (b"+++", b"---")]
        assert len(changed) == 1 and changed[0].endswith(b"\r"), branch
    assert (repo / "catalog.md").read_bytes() == crlf.encode("utf-8")


def replacement_feed(path: Path) -> Path:
    """A day whose only item is a new version of SnapKV, listed in the fixture catalog: the poll
    reads everything, proposes nothing and trains nothing (a fast end-to-end run)."""
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.CL</title>'
        "<item><title>SnapKV, revised</title><link>https://arxiv.org/abs/2404.14469</link>"
        "<description>arXiv:2404.14469v2 Announce Type: replace Abstract: KV cache.</description>"
        '<guid isPermaLink="false">oai:arXiv.org:2404.14469v2</guid><category>cs.CL</category>'
        "<arxiv:announce_type>replace</arxiv:announce_type><dc:creator>A. Author</dc:creator></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_a_checkout_that_autocrlf_gave_crlf_endings_is_no_uncommitted_change(
    repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Git for Windows checks files out with CRLF endings (`core.autocrlf=true`, its default) and
    `git status` is clean, but the poll compared the bytes with the committed LF text and warned
    on every run that the catalog had uncommitted changes."""
    feed = replacement_feed(repo.parent / "replacement.xml")
    git(repo, "config", "core.autocrlf", "true")
    (repo / "catalog.md").unlink()
    git(repo, "checkout", "--", "catalog.md")
    assert b"\r\n" in (repo / "catalog.md").read_bytes() and git(repo, "status", "--porcelain") == ""

    assert poll(repo, "--feed", str(feed)) == 0
    assert "uncommitted changes" not in caplog.text

    with (repo / "catalog.md").open("a", encoding="utf-8") as handle:
        handle.write("- [An edit not committed](https://example.org)\r\n")
    assert poll(repo, "--feed", str(feed)) == 0
    assert f"{repo / 'catalog.md'} has uncommitted changes" in caplog.text


def test_poll_from_a_folder_inside_the_clone_works_on_the_clone(
    repo: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cd docs && python -m bot poll` (or `--repo clone/docs`): git found the clone, but the poll
    looked for the working tree's catalog in docs/ (so it warned of uncommitted changes on a clean
    clone) and for the paper store there (so a new version of a listed paper was not marked)."""
    from bot.core import paper_store

    store = repo / "data" / "papers.jsonl"
    store.parent.mkdir()
    record = paper_store.PaperRecord(arxiv_id="2404.14469", title="SnapKV", versions=1, fetched="2025-01-01")
    store.write_text(paper_store.dump([record]), encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("docs\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a paper store and docs")

    assert poll(repo / "docs", "--feed", str(replacement_feed(repo.parent / "replacement.xml"))) == 0

    assert "uncommitted changes" not in caplog.text, caplog.text
    assert paper_store.load(store.read_text(encoding="utf-8"))["2404.14469"].announced_version == 2
    assert "| replacements of older papers | 1 |" in capsys.readouterr().out


@pytest.mark.parametrize("inside", [True, False])
def test_poll_reads_the_clones_config_from_a_folder_inside_it_and_says_so_from_outside(
    repo: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, inside: bool
) -> None:
    """From docs/ of a clone that has its own config/, the run silently used another list's (the
    bot's checkout's) taxonomy and keyword rules with this clone's catalog: it reads the clone's
    config (the nearest config/ up). Run from outside the clone (`--repo`), it says which folder
    it reads and how to fix it."""
    shutil.copytree(PROJECT / "config", repo / "config")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("docs\n", encoding="utf-8")
    (repo.parent / "elsewhere").mkdir()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "config and docs")
    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    monkeypatch.chdir(repo / "docs" if inside else repo.parent / "elsewhere")

    assert poll(repo, "--dry-run", "--feed", str(replacement_feed(repo.parent / "r.xml"))) == 0

    assert (config.config_dir() == repo / "config") == inside
    warning = f"reads its config from {config.config_dir()}, not from this clone's {repo / 'config'}"
    assert (warning in caplog.text) == (not inside)
    assert (f"set CATALOG_BOT_CONFIG={repo / 'config'}" in caplog.text) == (not inside)


BAD_STORE_LINE = '{"arxiv_id": "2404.14469", "title": "SnapKV", "withdrawn": "false"}\n'


def test_a_paper_store_that_does_not_read_costs_a_warning_not_the_days_pull_requests(
    repo: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-edited store line that does not read failed the poll (exit 1): arXiv's feed lists a
    paper only on its day, so the day's papers were lost for a file that only adds abstracts to
    training. The poll warns, before any pull request, and goes on without it, as nightly does."""
    store = repo / "data" / "papers.jsonl"
    store.parent.mkdir()
    store.write_text(BAD_STORE_LINE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a store line edited by hand")

    assert poll(repo, "--feed", str(FULL_DAY)) == 0

    assert bot_branches(repo)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [w for w in warnings if w.startswith("data/papers.jsonl:1: not a paper record (withdrawn")]
    assert "trains without the paper store's abstracts" in capsys.readouterr().out
    assert store.read_text(encoding="utf-8") == BAD_STORE_LINE


def test_a_paper_store_that_does_not_read_is_not_marked_and_the_poll_still_succeeds(
    repo: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The working tree's store (the one poll marks) broke after its pull requests were opened:
    the run exited 1 with its PRs open, which reads as "nothing was done". It warns and says what
    was not marked, in the log and the summary; the store is left as it is."""
    from bot.core import paper_store

    store = repo / "data" / "papers.jsonl"
    store.parent.mkdir()
    record = paper_store.PaperRecord(arxiv_id="2404.14469", title="SnapKV", versions=1, fetched="2025-01-01")
    store.write_text(paper_store.dump([record]), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a paper store")
    store.write_text(BAD_STORE_LINE, encoding="utf-8")  # edited by hand, not committed

    assert poll(repo, "--feed", str(replacement_feed(repo.parent / "replacement.xml"))) == 0

    assert f"{store}:1: not a paper record" in caplog.text
    assert "the new versions of 1 listed paper are not marked in it" in caplog.text
    out = capsys.readouterr().out
    assert "> The paper store does not read; the poll went on without it:" in out
    assert store.read_text(encoding="utf-8") == BAD_STORE_LINE


def test_a_new_version_of_a_listed_paper_marks_it_stale_in_the_paper_store(
    taxonomy: Taxonomy, tmp_path: Path
) -> None:
    import dataclasses
    import datetime

    from bot.core import paper_store
    from bot.jobs.poll.inputs import mark_replaced

    small = catalog_parse.parse(
        (FIXTURES / "lists" / "horseee__Awesome-Efficient-LLM__kv_cache_compression.md").read_text(
            encoding="utf-8"
        ),
        taxonomy,
    )
    listed = dataclasses.replace(paper("2310.01801", "FastGen, revised", "replace"), version=3)
    unlisted = dataclasses.replace(paper("2401.00002", "Not listed", "replace"), version=2)
    result = select_candidates([listed, unlisted], small, [], "bot/digest")
    assert result.replaced_listed == {"2310.01801": 3} and result.new == []

    store = tmp_path / "data" / "papers.jsonl"
    store.parent.mkdir()
    record = paper_store.PaperRecord(arxiv_id="2310.01801", title="FastGen", versions=2, fetched="2025-01-01")
    store.write_text(paper_store.dump([record]), encoding="utf-8")
    mark_replaced(tmp_path, result.replaced_listed, dry_run=False)
    marked = paper_store.load(store.read_text())["2310.01801"]
    assert marked.announced_version == 3 and paper_store.is_stale(marked, datetime.date(2025, 1, 2), 30)


def test_a_new_version_poll_marks_while_enrich_runs_survives_enrichs_save(tmp_path: Path) -> None:
    """Local-git mode, the paper store in the working tree: an enrich run read the store, a poll
    marked a new version of a listed paper in it meanwhile, then enrich saved the store it held,
    and the mark was gone (enrich refetched that paper only after max_age_days). Enrich's save
    keeps the file's marks, except for a paper it fetched at that version meanwhile."""
    from bot.core import paper_store
    from bot.core.catalog_io import write_store
    from bot.jobs.poll.inputs import mark_replaced

    store = tmp_path / "data" / "papers.jsonl"
    store.parent.mkdir()
    records = [
        paper_store.PaperRecord(arxiv_id=i, title=f"Paper {i}", versions=1, fetched="2025-01-01")
        for i in ("2401.00001", "2401.00002")
    ]
    store.write_text(paper_store.dump(records), encoding="utf-8")
    held = paper_store.load(store.read_text(encoding="utf-8"))  # enrich's read, at its start
    mark_replaced(tmp_path, {"2401.00001": 2, "2401.00002": 3}, dry_run=False)  # the poll, meanwhile
    held["2401.00002"] = dataclasses.replace(held["2401.00002"], versions=3, fetched="2025-01-02")

    write_store(store, held)  # enrich's save

    saved = paper_store.load(store.read_text(encoding="utf-8"))
    assert saved["2401.00001"].announced_version == 2  # still to refetch
    assert saved["2401.00002"].announced_version is None and saved["2401.00002"].versions == 3


def test_a_paper_store_write_cut_short_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """The poll marked replaced papers in the paper store by truncating it and writing in place: a
    run stopped in the middle (here a file size limit, as a full disk) left half a store, whose cut
    line failed every later poll and enrich. It is written beside the store and renamed now."""
    from bot.core import paper_store

    store = tmp_path / "data" / "papers.jsonl"
    store.parent.mkdir()
    records = [
        paper_store.PaperRecord(
            arxiv_id=f"2401.{i:05d}", title=f"Paper {i}", versions=1, fetched="2025-01-01"
        )
        for i in range(1, 301)
    ]
    text = paper_store.dump(records)
    store.write_text(text, encoding="utf-8")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from bot.jobs.poll.inputs import mark_replaced\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({len(text) // 2}, {len(text) // 2}))\n"
        "mark_replaced(Path(sys.argv[1]), {'2401.00150': 2}, dry_run=False)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "File too large" in done.stderr
    assert store.read_text(encoding="utf-8") == text and paper_store.load(text)
    assert [p.name for p in store.parent.iterdir()] == ["papers.jsonl"]  # no temporary file left


def test_the_docs_show_the_run_summary_as_poll_prints_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/poll.md includes this summary (tests/golden/poll-summary.md): the fixture project on the
    recorded full-day feed, from the counts on (the source line names a path of this machine)."""
    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    out = capsys.readouterr().out
    summary = out[out.index("| papers | count |") :]
    assert_shown_in_docs("poll.md", "poll-summary.md", summary)
    assert "### Accepted" in summary and "### Near misses" in summary


def test_one_line_per_pull_request_on_stdout_and_progress_on_stderr(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What docs/poll.md's "Reports" step says: one `==> opened: bot/arxiv-<id> (labels) title` line
    per PR on stdout, progress on stderr even when it is not a terminal, none with --quiet."""
    page = (PROJECT.parents[2] / "docs" / "poll.md").read_text(encoding="utf-8")
    assert "`==> opened: bot/arxiv-<id> (labels) title`" in page
    assert poll(repo, "--feed", str(FULL_DAY)) == 0
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith("==> ")]
    assert len(lines) == len(bot_branches(repo)) > 0
    assert all(
        re.fullmatch(r"==> opened: bot/arxiv-\S+ \(new-paper, section:[a-z-]+.*\) Add .+", x) for x in lines
    )
    assert "… training the scorer on " in err and "`… training the scorer on N catalog entries`" in page
    assert main(["--quiet", "poll", "--repo", str(repo), "--feed", str(FULL_DAY)]) == 0
    assert "…" not in capsys.readouterr().err


def test_categories_typed_with_a_space_reach_the_feed_through_the_action(tmp_path: Path) -> None:
    """The adopter's poll.yml (docs/workflows/poll.yml) passes `--categories <input>` in the
    action's `args`, which action.yml splits at spaces (`read -r -a`); "cs.CL, cs.LG", as typed
    in the Run workflow form, is still the two categories, as it is in this repository's poll.yml."""
    import httpx
    import yaml

    from bot.__main__ import build_parser
    from bot.jobs.poll.inputs import load_papers

    steps = yaml.safe_load((Path(__file__).parents[2] / "action.yml").read_text(encoding="utf-8"))["runs"][
        "steps"
    ]
    [split] = [line for s in steps for line in s.get("run", "").splitlines() if "read -r" in line]
    script = split.strip() + '\nprintf "%s\\0" "${extra[@]}"'
    words = subprocess.run(
        ["bash", "-c", script],
        env={"ARGS": " --categories cs.CL, cs.LG"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")[:-1]
    args = build_parser("poll").parse_args(["poll", *words])
    asked: list[str] = []

    def arxiv(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, text=EMPTY.read_text(encoding="utf-8"))

    with httpx.Client(transport=httpx.MockTransport(arxiv)) as client:
        load_papers(args, config.load("poll"), True, lambda: client)
    assert asked and asked[0].endswith("/cs.CL+cs.LG")


def test_poll_labels_its_open_prs_whose_labelling_failed(
    fake_github: FakeGitHub,
    taxonomy: Taxonomy,
    capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:
    """GitHub failed to label a PR after opening it ("PR #n opened, but could not label"): a poll
    never proposes that paper again, so only a later /add or rebuild labelled it, and the PR stayed
    out of `label:new-paper` filters. Each poll reads its open PRs and labels those with none of the
    bot's labels; a PR keeping one of them (a maintainer removed the other), a closed PR, a PR
    renamed out of the prefix and a dry run are left alone."""
    catalog_text = (PROJECT / "catalog.md").read_text(encoding="utf-8")
    fake_github.push("catalog.md", catalog_text, message="the catalog")

    def seed(branch: str, arxiv_id: str | None, **options: Any) -> int:
        body = markers.make("arxiv", {"arxiv_id": arxiv_id}) if arxiv_id else "Remove an entry."
        return fake_github.seed_pull(
            branch, "catalog.md", catalog_text + "\nx\n", branch, body, **options
        ).number

    unlabelled = seed("bot/arxiv-2401.00001", "2401.00001")
    removal = seed("bot/remove-2401.00002", None)
    kept = seed("bot/arxiv-2401.00003", "2401.00003", labels=("catalog-bot",))
    closed = seed("bot/arxiv-2401.00004", "2401.00004", state="closed")
    renamed = seed("review/kv", "2401.00005")

    def no_training(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an empty feed trains nothing")

    catalog = catalog_parse.parse(catalog_text, taxonomy)

    from bot.forge.github import LabelSpec

    # as config/github.yml: `new-paper` only where a job asks for it (poll.yml's `labels`)
    labels = (LabelSpec("catalog-bot", "5319e7"), LabelSpec("new-paper", "0e8a16", every_pr=False))

    def poll_run(settings: PollSettings) -> None:
        forge = forge_for(fake_github, labels=labels)
        run([], catalog, taxonomy, forge, no_training, settings, io.StringIO())

    fake_github.reset_counts()
    poll_run(PollSettings(dry_run=True))
    assert fake_github.writes() == 0

    poll_run(PollSettings(labels=("new-paper", "from-arxiv")))
    assert {p.number: p.labels for p in fake_github.pulls()} == {
        unlabelled: ["catalog-bot", "new-paper", "from-arxiv"],
        removal: ["catalog-bot"],
        kept: ["catalog-bot"],
        closed: [],
        renamed: [],
    }
    fake_github.reset_counts()
    poll_run(PollSettings())
    assert fake_github.writes() == 0  # labelled once: nothing to do again
