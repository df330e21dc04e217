"""build_services: the one place jobs get their adapters from (environment + config)."""

from __future__ import annotations

import pytest

from bot.errors import ForgeError
from bot.forge.actions import Services, build_services
from bot.forge.github import GitHubForge, Repositories
from bot.forge.local_git import LocalGitForge
from tests.fake_github import BOT_TOKEN, FakeGitHub, fake_github  # noqa: F401  (fixture)
from tests.gitrepo import make_repo

NO_PAUSES = {"seconds_between_requests": 0, "seconds_between_writes": 0}


def test_without_a_token_the_forge_is_local_git(tmp_path, taxonomy):
    services = build_services(
        {"GITHUB_REPOSITORY": "o/r"}, catalog_path="catalog.md", repo_path=make_repo(tmp_path, taxonomy)
    )
    assert not services.is_github and isinstance(services.forge(), LocalGitForge)
    with pytest.raises(ForgeError, match="needs a token: set GITHUB_TOKEN"):
        services.repo_directory("check-stars")


def test_with_a_token_and_a_repository_every_service_is_one_github_forge(fake_github: FakeGitHub):  # noqa: F811
    env = {
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_REPOSITORY": fake_github.repository,
        "GITHUB_API_URL": fake_github.url,
    }
    services = Services(env, "catalog.md", github_config=NO_PAUSES)
    forge = services.forge()
    assert isinstance(forge, GitHubForge) and forge is services.github() is services.repo_directory()
    assert forge.api_url == fake_github.url and forge.settings.seconds_between_writes == 0


def test_repository_lookups_need_no_repository(fake_github: FakeGitHub):  # noqa: F811
    fake_github.add_remote("org/tool", stars=42)
    env = {"GITHUB_TOKEN": BOT_TOKEN, "GITHUB_API_URL": fake_github.url}
    directory = Services(env, github_config=NO_PAUSES).repo_directory()
    assert isinstance(directory, Repositories)
    info = directory.repositories(["org/tool", "org/missing"])
    assert info["org/tool"].stars == 42 and not info["org/missing"].exists
