"""``config/github.yml`` as values: branch prefix, labels, reviewers, pacing and retries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.http_retry import RetryPolicy

__all__ = ["GitHubSettings", "LabelSpec", "RetryPolicy"]


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str = "ededed"
    description: str = ""
    every_pr: bool = True  # put on every bot PR; False: only created (with this colour) when used


@dataclass(frozen=True)
class GitHubSettings:
    """``config/github.yml`` as values (see its schema for what each option means)."""

    branch_prefix: str = "bot/"
    labels: tuple[LabelSpec, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    bot_logins: tuple[str, ...] = ("github-actions[bot]",)
    delete_branch_on_close: bool = True
    batch_mode: bool = False
    digest_branch: str = "bot/digest"
    timeout_seconds: int = 30
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    retry: RetryPolicy = RetryPolicy()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GitHubSettings:
        retry = config.get("retry") or {}
        return cls(
            branch_prefix=config.get("branch_prefix", cls.branch_prefix),
            labels=tuple(
                LabelSpec(
                    str(label["name"]),
                    label.get("color", "ededed"),
                    label.get("description", ""),
                    bool(label.get("every_pr", True)),
                )
                for label in config.get("labels", ())
            ),
            reviewers=tuple(config.get("reviewers", ())),
            team_reviewers=tuple(config.get("team_reviewers", ())),
            assignees=tuple(config.get("assignees", ())),
            bot_logins=tuple(config.get("bot_logins", cls.bot_logins)),
            delete_branch_on_close=bool(config.get("delete_branch_on_close", True)),
            batch_mode=bool(config.get("batch_mode", False)),
            digest_branch=config.get("digest_branch", cls.digest_branch),
            timeout_seconds=int(config.get("timeout_seconds", cls.timeout_seconds)),
            seconds_between_requests=float(config.get("seconds_between_requests", 0.25)),
            seconds_between_writes=float(config.get("seconds_between_writes", 1.0)),
            retry=RetryPolicy(
                int(retry.get("max_attempts", 4)),
                float(retry.get("backoff_seconds", 2)),
                float(retry.get("max_wait_seconds", 900)),
            ),
        )
