"""The edge where a job meets the outside world: the services it talks to, and the job summary.

``build_services(env, ...)`` is the one place that turns the environment (``GITHUB_TOKEN``,
``GITHUB_REPOSITORY``, ``GITHUB_API_URL``) and the config files into the adapters a job uses:

- ``forge()``: GitHub when a token and a repository are known, else the local-git forge (in
  GitHub Actions a job that writes refuses that fallback: see ``LOCAL_IN_ACTIONS``);
- ``github()``: the GitHub forge (``Forge``, ``IssueTracker``, ``RepoDirectory``), or a clear error;
- ``repo_directory()``: repository lookups (stars, renames); needs a token but no repository;
- ``arxiv_lookup()``: the arXiv API (``config/sources.yml`` ``api:``);
- ``http_client()``: the httpx client for plain HTTP (the arXiv RSS feed).

Jobs receive what they need from here and never build a client themselves. Every builder is
lazy and cached: a job that never speaks to GitHub never needs a token.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bot import config
from bot.core.locations import ENV_CONFIG_DIR
from bot.errors import ForgeError
from bot.forge.protocols import Forge, RepoDirectory
from bot.forge.workflow_log import in_actions

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.forge.github import GitHubForge, GitHubSettings
    from bot.sources.arxiv_api import ArxivLookup

NO_TOKEN = (
    "{job} talks to the GitHub API and needs a token: set GITHUB_TOKEN (locally `export "
    "GITHUB_TOKEN=$(gh auth token)`, or a fine-grained token with read access to public "
    "repositories; in Actions `GITHUB_TOKEN: ${{{{ github.token }}}}` in the step's env) "
    "and run it again"
)


# Inside GitHub Actions the local-git mode commits to the runner's checkout, which is thrown away:
# a green run that proposes nothing. A job that writes says so instead, unless asked (--local).
LOCAL_IN_ACTIONS = (
    "{job} runs in GitHub Actions without GITHUB_TOKEN, so it would fall back to the local-git "
    "mode and commit to the runner's checkout, which is thrown away. Give the step the token "
    "(`env: GITHUB_TOKEN: ${{{{ github.token }}}}`, with `permissions: contents: write, "
    "pull-requests: write`), or pass --local to use the local-git mode on purpose"
)


def add_local_option(parser: argparse.ArgumentParser) -> None:
    """``--local``, the same words in every job that writes through the forge."""
    parser.add_argument(
        "--local",
        action="store_true",
        help="use the local-git mode (the repository of --repo) even with GITHUB_TOKEN set or inside "
        "GitHub Actions, where a run without a token otherwise stops with an error",
    )


def uses_github(env: Mapping[str, str], repository: str | None = None) -> bool:
    """GitHub when a token and a repository are known; otherwise the local-git forge (so a
    token exported for other tools does not turn a local run into a GitHub one)."""
    return bool(env.get("GITHUB_TOKEN") and (repository or env.get("GITHUB_REPOSITORY")))


@dataclass
class Services:
    """The adapters of one run, built on first use from the environment and the config files."""

    env: Mapping[str, str]
    catalog_path: str = "catalog.md"
    repo_path: Path = field(default_factory=Path.cwd)  # the local-git repository (no token)
    repository: str | None = None  # owner/name; default $GITHUB_REPOSITORY
    api_url: str | None = None  # default $GITHUB_API_URL, else api.github.com
    github_config: Mapping[str, Any] | None = None  # default config/github.yml
    sources_config: Mapping[str, Any] | None = None  # default config/sources.yml
    local: bool = False  # the local-git forge even with a token, in GitHub Actions too (--local)

    @property
    def is_github(self) -> bool:
        return not self.local and uses_github(self.env, self.repository)

    @cached_property
    def github_settings(self) -> GitHubSettings:
        from bot.forge.github import GitHubSettings

        return GitHubSettings.from_config(
            self.github_config if self.github_config is not None else config.load("github")
        )

    def _sources(self) -> Mapping[str, Any]:
        return self.sources_config if self.sources_config is not None else config.load("sources")

    def forge(self, job: str | None = None, *, dry_run: bool = False) -> Forge:
        """GitHub with a token and a repository, else the local-git forge on ``repo_path``. With
        ``job`` (a job that writes), a ForgeError instead of that fallback inside GitHub Actions,
        unless it is a dry run or the local-git mode was asked for."""
        if self.is_github:
            return self.github()
        if job is not None and not dry_run and not self.local and in_actions(self.env):
            raise ForgeError(LOCAL_IN_ACTIONS.format(job=job))
        return self._local

    @cached_property
    def _local(self) -> Forge:
        from bot.forge.local_git import LocalGitForge

        forge = LocalGitForge(self.repo_path, branch_prefix=self.github_settings.branch_prefix)
        note_config_elsewhere(forge.repo, self.env)
        return forge

    def github(self) -> GitHubForge:
        """The GitHub forge of ``repository`` (a ForgeError says what to set when the token or the
        repository is missing)."""
        return self._github

    @cached_property
    def _github(self) -> GitHubForge:
        from bot.forge.github import GitHubForge

        return GitHubForge.from_environment(
            self.env,
            repository=self.repository,
            api_url=self.api_url,
            settings=self.github_settings,
            catalog_path=self.catalog_path,
        )

    def repo_directory(self, job: str = "this job") -> RepoDirectory:
        """Repository lookups (any owner): the run's forge when it has a repository, else a
        lookup-only client (no repository is needed to read other repositories)."""
        if not self.env.get("GITHUB_TOKEN"):
            raise ForgeError(NO_TOKEN.format(job=job))
        if self.repository or self.env.get("GITHUB_REPOSITORY"):
            return self._github
        from bot.forge.github import GitHubClient, Repositories
        from bot.forge.github.client import DEFAULT_API_URL

        client = GitHubClient(
            None,
            self.env["GITHUB_TOKEN"],
            settings=self.github_settings,
            api_url=self.api_url or self.env.get("GITHUB_API_URL") or DEFAULT_API_URL,
        )
        return Repositories(client)

    def arxiv_lookup(self) -> ArxivLookup:
        from bot.sources.arxiv_api import ApiSettings, ArxivLookup

        return ArxivLookup.from_settings(ApiSettings.from_config(dict(self._sources())))

    @cached_property
    def _http(self) -> httpx.Client:
        return httpx.Client()

    def http_client(self) -> httpx.Client:
        """The plain-HTTP client of the run (closed by ``close``)."""
        return self._http

    def close(self) -> None:
        if "_http" in self.__dict__:
            self._http.close()


def note_config_elsewhere(clone: Path, env: Mapping[str, str]) -> None:
    """Local git: say so when the clone has a config folder of its own and the run reads another
    one (that of the folder it runs in, outside the clone given by ``--repo``, or the bot's
    checkout's), whose taxonomy and rules do not fit this clone's catalog."""
    own = clone / "config"
    used = config.config_dir()
    if env.get(ENV_CONFIG_DIR) or not (own / "taxonomy.yml").is_file() or used.resolve() == own.resolve():
        return
    log.warning(
        "this run reads its config from %s, not from this clone's %s: run the bot from %s, or set "
        "CATALOG_BOT_CONFIG=%s",
        used,
        own,
        clone,
        own,
    )


def build_services(
    env: Mapping[str, str],
    *,
    catalog_path: str | None = None,
    repo_path: Path | None = None,
    repository: str | None = None,
    api_url: str | None = None,
    local: bool = False,
) -> Services:
    """The run's services from the environment and the config files (``catalog`` from
    config/poll.yml unless given; ``local``: the local-git forge whatever the environment)."""
    if catalog_path is None:
        catalog_path = config.catalog_path()
    return Services(dict(env), catalog_path, repo_path or Path.cwd(), repository, api_url, local=local)


def services_from_args(env: Mapping[str, str], args: argparse.Namespace, catalog_path: str) -> Services:
    """``build_services`` from a job's usual options: ``--repo``, ``--repository``, ``--api-url``
    and ``--local``."""
    return build_services(
        env,
        catalog_path=catalog_path,
        repo_path=args.repo,
        repository=args.repository,
        api_url=args.api_url,
        local=args.local,
    )


def append_step_summary(env: Mapping[str, str], text: str) -> None:
    """Add ``text`` to the workflow run's summary page (a no-op outside GitHub Actions).

    The one place every summary goes through: untrusted values were escaped by the templates
    (the ``text`` filter), and any raw HTML tag left outside a short allow-list is written as
    text here (``bot.core.markdown.sanitize_html``), so no ``<img>`` or ``<a>`` reaches the page."""
    from bot.core.markdown import sanitize_html

    path = env.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(sanitize_html(text.rstrip("\n")) + "\n")
