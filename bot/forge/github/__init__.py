"""GitHub behind the bot's narrow interfaces (``Forge``, ``IssueTracker``, ``RepoDirectory``).

- ``client``: the one transport for REST and GraphQL, and the retry loop around it.
- ``failures``: what a failed request was, whether and when to retry it, the final message.
- ``queries``: the GraphQL queries and the run's view of the repository (``RepositoryView``).
- ``snapshot``: what a run knows of the repository (``Snapshot``) and how a PR node reads.
- ``pulls``: the bot's pull requests (one commit each on the default branch).
- ``issues``: comments, reactions, permissions, labels and tracking issues.
- ``repos``: stars, archived flags and renames of many repositories (``RepoDirectory``).
- ``access``: what ``python -m bot doctor`` reports about the token and the repository.
- ``forge``: ``GitHubForge``, the front jobs receive.
"""

from bot.forge.github.access import AccessReport, token_kind
from bot.forge.github.client import DEFAULT_API_URL, GitHubClient
from bot.forge.github.failures import Failure, GitHubError, explain, retry_delay
from bot.forge.github.forge import GitHubForge
from bot.forge.github.graphql import repositories_query
from bot.forge.github.pulls import git_blob_sha
from bot.forge.github.repos import Repositories
from bot.forge.github.settings import GitHubSettings, LabelSpec, RetryPolicy
from bot.forge.github.snapshot import BotPull, Snapshot

__all__ = [
    "DEFAULT_API_URL",
    "AccessReport",
    "BotPull",
    "Failure",
    "GitHubClient",
    "GitHubError",
    "GitHubForge",
    "GitHubSettings",
    "LabelSpec",
    "Repositories",
    "RetryPolicy",
    "Snapshot",
    "explain",
    "git_blob_sha",
    "repositories_query",
    "retry_delay",
    "token_kind",
]
