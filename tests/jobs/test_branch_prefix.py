"""Every branch the bot writes comes from config/github.yml's one ``branch_prefix``: a non-default
prefix end to end (poll, refresh, a command) on local git and on the fake GitHub; the deprecated
keys that used to name branches and the catalog path."""

from __future__ import annotations

import io
import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import config
from bot.__main__ import main
from bot.core import catalog_parse
from bot.core.branches import BranchNames
from bot.core.taxonomy import Taxonomy
from bot.errors import ConfigError
from bot.jobs import refresh
from bot.jobs.commands import CommandSettings, Event, read_event
from bot.jobs.commands import run as run_commands
from bot.jobs.poll import run as run_poll
from bot.jobs.poll.plan import PollSettings
from bot.scoring.trainer import make_trainer
from bot.sources import arxiv_rss as feeds
from bot.sources import paper_facts
from bot.sources.arxiv_api import ApiSettings, ArxivLookup
from tests.conftest import PROJECT, ROOT
from tests.fake_github import MAINTAINER_LOGIN, FakeGitHub, IssueComment, forge_for, paper_change
from tests.gitrepo import git, make_repo

FULL_DAY = ROOT / "tests" / "fixtures" / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
WEBHOOK = ROOT / "tests" / "fixtures" / "github" / "webhooks" / "issue_comment.created.json"
PREFIX = "catalog-bot/"


@pytest.fixture(scope="module")
def scorer_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scorer-cache")  # both end-to-end tests train on the same catalog


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    shutil.copytree(PROJECT / "config", directory)
    shutil.copytree(PROJECT / "data", tmp_path / "data")  # the scoring background the config names
    github = (directory / "github.yml").read_text(encoding="utf-8")
    assert 'branch_prefix: "bot/"' in github
    (directory / "github.yml").write_text(
        github.replace('branch_prefix: "bot/"', f'branch_prefix: "{PREFIX}"'), encoding="utf-8"
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(directory))
    return directory


# -- the names ------------------------------------------------------------------------------------


def test_every_branch_name_comes_from_the_prefix() -> None:
    names = BranchNames.from_prefix("cb/")
    assert names.paper("2405.00732v2") == "cb/arxiv-2405.00732"
    assert names.paper("cs/0112017") == "cb/arxiv-cs-0112017"
    assert names.edit("remove", "2405.00732") == "cb/remove-2405.00732"
    assert names.edit("move", "hep-th/9901001") == "cb/move-hep-th-9901001"
    assert (names.digest, names.maintenance) == ("cb/digest", "cb/nightly-maintenance")
    assert names.owns("cb/anything") and not names.owns("bot/arxiv-2405.00732")
    assert BranchNames.from_config(config.load("github"), config.load("nightly")) == BranchNames.from_prefix(
        "bot/"
    )


@pytest.mark.parametrize("prefix", ["bot/", "catalog-bot-", "team/bot/"])
@pytest.mark.parametrize("arxiv_id", ["2405.00732", "cs/0112017", "hep-th/9901001", "math.GT/0309136"])
def test_a_paper_branch_names_its_paper_back(prefix: str, arxiv_id: str) -> None:
    """The rejection memory's fallback for a closed PR whose marker was edited out."""
    from bot.core.branches import paper_id_of

    names = BranchNames.from_prefix(prefix)
    assert paper_id_of(names.paper(arxiv_id)) == arxiv_id
    assert {paper_id_of(b) for b in (names.digest, names.edit("remove", arxiv_id), f"{prefix}arxiv-x")} == {
        None
    }


def test_the_deprecated_branch_keys_are_still_read() -> None:
    github = {"branch_prefix": "cb/", "digest_branch": "cb/papers-of-the-day"}
    nightly = {"pull_request": {"branch": "cb/maintenance"}}
    with pytest.warns(UserWarning) as caught:
        names = BranchNames.from_config(github, nightly)
    assert (names.digest, names.maintenance) == ("cb/papers-of-the-day", "cb/maintenance")
    assert [str(w.message).split(" is deprecated")[0] for w in caught] == [
        "config/github.yml: digest_branch",
        "config/nightly.yml: pull_request.branch",
    ]
    with pytest.raises(ConfigError, match="outside branch_prefix 'cb/'.*Delete the key .*'cb/digest'"):
        BranchNames.from_config({"branch_prefix": "cb/", "digest_branch": "bot/digest"})


def test_the_catalog_path_is_one_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shutil.copytree(PROJECT / "config", tmp_path, dirs_exist_ok=True)
    (tmp_path / "poll.yml").write_text("catalog: docs/list.md\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert config.catalog_path(tmp_path) == "docs/list.md"  # commands.yml no longer names it
    commands = (tmp_path / "commands.yml").read_text(encoding="utf-8")
    (tmp_path / "commands.yml").write_text(commands + "catalog: docs/list.md\n", encoding="utf-8")
    assert config.catalog_path(tmp_path) == "docs/list.md"
    assert "commands.yml: catalog is deprecated" in caplog.text
    (tmp_path / "commands.yml").write_text(commands + "catalog: catalog.md\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="catalog is 'catalog.md' but config/poll.yml says 'docs/list.md'"):
        config.catalog_path(tmp_path)


# -- end to end, local git --------------------------------------------------------------------------


def branches_under(repo: Path, prefix: str) -> list[str]:
    return sorted(git(repo, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{prefix}").split())


def test_local_git_poll_and_refresh_with_another_prefix(
    tmp_path: Path,
    taxonomy: Taxonomy,
    config_dir: Path,
    scorer_cache: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))
    poll_yml = config_dir / "poll.yml"
    poll_yml.write_text(
        poll_yml.read_text(encoding="utf-8").replace(
            "cache_dir: .catalog-bot-cache", f"cache_dir: {scorer_cache}"
        ),
        encoding="utf-8",
    )

    assert main(["poll", "--repo", str(repo), "--feed", str(FULL_DAY)]) == 0
    opened = branches_under(repo, PREFIX)
    assert len(opened) >= 2 and all(b.startswith(f"{PREFIX}arxiv-") for b in opened)
    assert branches_under(repo, "bot/") == []
    git(repo, "merge", "-q", "--no-ff", "--no-edit", opened[0])  # a maintainer merges one
    capsys.readouterr()

    assert main(["refresh", "--repo", str(repo)]) == 0

    out = capsys.readouterr().out
    assert f"of {len(opened) - 1} open bot PRs rebuilt" in out and "#0" not in out
    for branch in opened[1:]:  # every PR still open merges cleanly
        assert git(repo, "merge-tree", "--write-tree", "--name-only", "main", branch)
    assert main(["poll", "--repo", str(repo), "--feed", str(FULL_DAY)]) == 0  # nothing proposed twice
    assert branches_under(repo, PREFIX) == opened


# -- end to end, the fake GitHub ---------------------------------------------------------------------


@pytest.fixture
def github(taxonomy: Taxonomy) -> Iterator[FakeGitHub]:
    with FakeGitHub(files={"catalog.md": (PROJECT / "catalog.md").read_text(encoding="utf-8")}) as fake:
        fake.add_issue("Catalog housekeeping", "", user=MAINTAINER_LOGIN)
        yield fake
    assert not fake.violations, "requests the real GitHub API would reject:\n" + "\n".join(fake.violations)


def remove_command(github: FakeGitHub, text: str) -> Event:
    """The real issue_comment webhook payload, with the maintainer's text, on issue #1."""
    data = json.loads(WEBHOOK.read_text(encoding="utf-8"))
    data["comment"]["body"] = text
    for person in (data["comment"]["user"], data["sender"]):
        person["login"], person["type"] = MAINTAINER_LOGIN, "User"
    event = read_event("issue_comment", data)
    assert isinstance(event, Event)
    now = github.now()
    github.comments[event.comment_id] = IssueComment(event.comment_id, 1, text, MAINTAINER_LOGIN, now, now)  # type: ignore[index,arg-type]
    return event


def test_fake_github_poll_refresh_and_a_command_with_another_prefix(
    github: FakeGitHub, taxonomy: Taxonomy, scorer_cache: Path
) -> None:
    names = BranchNames.from_prefix(PREFIX)
    old = github.seed_pull(
        "bot/arxiv-2405.00009",
        "catalog.md",
        "x\n",
        "An old-prefix PR",
        paper_change(taxonomy, "2405.00009").body,
    )
    papers = [paper_facts.enrich(p) for p in feeds.read_papers(FULL_DAY)]
    catalog = catalog_parse.parse(github.file("catalog.md") or "", taxonomy)
    report = run_poll(
        papers,
        catalog,
        taxonomy,
        forge_for(github, branch_prefix=PREFIX),
        make_trainer(config.load("keywords"), taxonomy, scorer_cache),
        PollSettings(max_pull_requests=3, branches=names),
        io.StringIO(),
    )
    opened = [r.pull_request for r in report.results]
    assert len(opened) >= 2 and all(p.branch.startswith(f"{PREFIX}arxiv-") for p in opened)
    assert github.merge(opened[0].number).status_code == 200

    outcomes = refresh.run(forge_for(github, branch_prefix=PREFIX), taxonomy)

    assert sorted(o.pull_request.number for o in outcomes) == sorted(p.number for p in opened[1:])
    assert {o.action for o in outcomes} <= {"rebuilt", "unchanged"} and old.state == "open"
    assert all(github._mergeable(p) for p in github.pulls("open") if p.head.startswith(PREFIX))

    lookup = ArxivLookup.from_settings(
        ApiSettings(query_url="http://127.0.0.1:9/none", retries=1, delay_seconds=0.0, timeout_seconds=1)
    )
    settings = CommandSettings(branches=names)
    forge = forge_for(github, branch_prefix=PREFIX)
    outcome = run_commands(
        remove_command(github, "/remove 2210.17323"), forge, forge, lookup, taxonomy, settings
    )
    assert outcome.exit_code == 0, outcome.body
    [removal] = [p for p in github.pulls("open") if p.head == f"{PREFIX}remove-2210.17323"]
    assert "2210.17323" not in (github.file("catalog.md", removal.head) or "")
    again = {
        o.pull_request.branch: o.action
        for o in refresh.run(forge_for(github, branch_prefix=PREFIX), taxonomy)
    }
    assert again[removal.head] == "unchanged" and "bot/arxiv-2405.00009" not in again
