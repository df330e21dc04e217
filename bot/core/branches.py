"""Every branch the bot writes, derived from the one ``branch_prefix`` of config/github.yml.

The bot finds its own pull requests again by this prefix (and the hidden marker in their body),
and the forges refuse to write a branch outside it, so each name is made here and nowhere else:

- a paper PR (poll, /add): ``<prefix>arxiv-<id>`` (old-style ids keep their archive:
  ``<prefix>arxiv-cs-0112017``);
- the batch-mode digest PR: ``<prefix>digest``;
- a /remove or /move PR: ``<prefix>remove-<id>``, ``<prefix>move-<id>``;
- the nightly maintenance PR: ``<prefix>nightly-maintenance``.

The older settings ``digest_branch`` (config/github.yml) and ``pull_request.branch``
(config/nightly.yml) are still read, with a deprecation warning, so that an open digest or
maintenance PR on a custom branch is not orphaned.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core import arxiv_ids
from bot.errors import ConfigError


@dataclass(frozen=True)
class BranchNames:
    prefix: str  # e.g. "bot/" (config/github.yml branch_prefix, validated by its schema)
    digest: str
    maintenance: str

    @classmethod
    def from_prefix(cls, prefix: str) -> BranchNames:
        return cls(prefix, f"{prefix}digest", f"{prefix}nightly-maintenance")

    @classmethod
    def from_config(cls, github: Mapping[str, Any], nightly: Mapping[str, Any] | None = None) -> BranchNames:
        """From the loaded config/github.yml (and config/nightly.yml for its deprecated key)."""
        names = cls.from_prefix(str(github["branch_prefix"]))
        digest = _deprecated(
            names, github.get("digest_branch"), "config/github.yml: digest_branch", names.digest
        )
        pull_request = (nightly or {}).get("pull_request") or {}
        maintenance = _deprecated(
            names, pull_request.get("branch"), "config/nightly.yml: pull_request.branch", names.maintenance
        )
        return cls(names.prefix, digest, maintenance)

    def paper(self, arxiv_id: str) -> str:
        return f"{self.prefix}arxiv-{_safe(arxiv_id)}"

    def edit(self, action: str, arxiv_id: str) -> str:
        """The branch of a /remove or /move PR (``action`` is "remove" or "move")."""
        return f"{self.prefix}{action}-{_safe(arxiv_id)}"

    def owns(self, branch: str) -> bool:
        return branch.startswith(self.prefix)


def paper_id_of(branch: str) -> str | None:
    """The arXiv id a paper PR's branch names (``<prefix>arxiv-<id>``, the inverse of
    ``BranchNames.paper``), else None. For the bot's own PRs only (the forges list only those:
    under ``branch_prefix``, never a fork's): a closed PR whose hidden marker a maintainer edited
    out is still remembered by its branch."""
    _, found, rest = branch.rpartition("arxiv-")
    if not found or not rest:
        return None
    for candidate in (rest, "/".join(rest.rsplit("-", 1))):  # an old-style id: cs-0112017
        if arxiv_ids.is_valid(candidate):
            return candidate
    return None


def _safe(arxiv_id: str) -> str:
    return arxiv_ids.normalize(arxiv_id).replace("/", "-")


def _deprecated(names: BranchNames, value: Any, where: str, derived: str) -> str:
    if value is None:
        return derived
    value = str(value)
    if not names.owns(value):
        raise ConfigError(
            f"{where} is {value!r}, outside branch_prefix {names.prefix!r}: the bot only "
            f"writes branches under its prefix. Delete the key (the branch is then "
            f"{derived!r})."
        )
    warnings.warn(
        f"{where} is deprecated: every branch now comes from branch_prefix ({derived!r} here). "
        f"Delete the key once no open PR uses {value!r}.",
        stacklevel=3,
    )
    return value
