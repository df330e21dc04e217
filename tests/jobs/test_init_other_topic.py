"""`init` on a list of another field (robot learning): nothing of the efficient-LLM list the bot
was built for leaks into the adopter's config, issue form, requests or site."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot import config
from bot.jobs import init
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_rss import FeedSettings
from tests.conftest import FIXTURES

ROBOTS = FIXTURES / "lists" / "awesome-robot-learning.md"


@pytest.fixture
def robots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository of a robot-learning list, scaffolded by `init`."""
    repo = tmp_path / "awesome-robot-learning"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(ROBOTS, repo / "README.md")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    assert cli.main(["init", "--from", "README.md"]) == 0
    return repo


def test_the_issue_form_asks_why_the_paper_belongs_in_this_list(robots: Path) -> None:
    form = (robots / init.FORM_PATH).read_text(encoding="utf-8")
    assert "efficien" not in form.lower()
    assert "why the paper belongs in this list" in form


def test_requests_to_arxiv_name_no_other_list(robots: Path) -> None:
    sources = config.load("sources")
    for agent in (FeedSettings.from_config(sources).user_agent, ApiSettings.from_config(sources).user_agent):
        assert agent.startswith("catalog-bot/") and "efficient" not in agent.lower()
