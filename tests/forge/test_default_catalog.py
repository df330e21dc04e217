"""A catalog missing from the default branch and an empty one are told apart: both forges give ""
for either from ``read_file``, ``has_file`` says which, and every job that builds on the default
branch's catalog says the one it is and what to do (poll, nightly, backfill and new-topics used to
call an empty catalog "missing")."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError
from bot.forge.local_git import LocalGitForge
from bot.forge.protocols import read_default_catalog
from bot.jobs import nightly
from tests.fake_github import FakeGitHub, forge_for
from tests.gitrepo import git, make_repo

FULL_DAY = (
    Path(__file__).parents[1] / "fixtures" / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
)
EMPTY = "catalog.md is empty on the default branch: commit the catalog's headings and entries"
MISSING = "catalog.md is missing on the default branch: commit it there"


@pytest.mark.parametrize("text", ["", "\n\n", "  \n"])
def test_local_git_says_empty_then_missing(tmp_path: Path, taxonomy: Taxonomy, text: str) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy, text=text)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    assert forge.read_file("catalog.md") == text and forge.has_file("catalog.md")
    with pytest.raises(
        CatalogError, match=f"^{EMPTY}.*pass --catalog PATH or set `catalog` in config/poll.yml"
    ):
        read_default_catalog(forge, "catalog.md", "--catalog")
    git(repo, "rm", "-q", "catalog.md")
    git(repo, "commit", "-q", "-m", "gone")
    assert not forge.has_file("catalog.md")
    with pytest.raises(CatalogError, match=f"^{MISSING}, or set `catalog` in config/poll.yml"):
        read_default_catalog(forge, "catalog.md")


@pytest.mark.parametrize(("files", "says"), [({"catalog.md": ""}, EMPTY), ({"README.md": "hi"}, MISSING)])
def test_github_tells_them_apart_without_another_request(files: dict[str, str], says: str) -> None:
    with FakeGitHub(files=files) as fake:
        forge = forge_for(fake)
        assert forge.read_file("catalog.md") == ""
        asked = sum(fake.counts.values())
        with pytest.raises(CatalogError, match=f"^{says}"):
            read_default_catalog(forge, "catalog.md")
        assert sum(fake.counts.values()) == asked  # the blob id came with the text
    assert not fake.violations


@pytest.fixture
def empty_repo(tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return make_repo(tmp_path / "repo", taxonomy, text="")


@pytest.mark.parametrize(
    "job",
    [
        ["poll", "--feed", str(FULL_DAY)],
        ["new-topics", "--feed", str(FULL_DAY)],
        ["backfill", "--since", "2025-01-01", "--until", "2025-01-31", "--dry-run"],
    ],
)
def test_the_jobs_call_an_empty_catalog_empty(
    empty_repo: Path, job: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*job, "--repo", str(empty_repo)]) == 1
    err = capsys.readouterr().err
    assert f"error: {EMPTY}" in err and "missing" not in err


def test_nightly_calls_an_empty_catalog_empty(taxonomy: Taxonomy) -> None:
    with FakeGitHub(files={"catalog.md": "\n"}) as fake:
        forge = forge_for(fake)
        services: Any = nightly.Services(forge, forge, forge, forge, None, (), None)  # type: ignore[arg-type]
        day = datetime.date(2024, 6, 1)
        with pytest.raises(CatalogError, match=f"^{EMPTY}"):
            asyncio.run(nightly.run(services, None, nightly.NightlySettings(), taxonomy, day))  # type: ignore[arg-type]
    assert not fake.violations
