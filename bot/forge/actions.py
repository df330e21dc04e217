"""The GitHub Actions edge shared by the jobs: which forge to talk to, and the job summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.forge.protocols import Forge


def uses_github(env: Mapping[str, str], repository: str | None = None) -> bool:
    """GitHub when a token and a repository are known; otherwise the local-git forge (so a
    token exported for other tools does not turn a local run into a GitHub one)."""
    return bool(env.get("GITHUB_TOKEN") and (repository or env.get("GITHUB_REPOSITORY")))


def make_forge(env: Mapping[str, str], repo_path: Path, catalog_path: str,
               repository: str | None = None, api_url: str | None = None) -> Forge:
    if uses_github(env, repository):
        from bot.forge.github import GitHubForge  # PyGithub is imported only there

        return GitHubForge.from_environment(env, repository=repository, api_url=api_url,
                                            catalog_path=catalog_path)
    from bot.forge.local_git import LocalGitForge

    return LocalGitForge(repo_path)


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
