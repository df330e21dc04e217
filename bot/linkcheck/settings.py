"""The link checker's settings, built from ``config/links.yml`` (see its comments for meanings)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.errors import ConfigError
from bot.linkcheck.policy import Policy


@dataclass(frozen=True)
class HostLimits:
    concurrency: int  # requests in flight at once to one host (timed-out ones included)
    interval: float  # seconds between two request starts to one host


@dataclass(frozen=True)
class Exclusion:
    pattern: re.Pattern[str]
    reason: str

    def matches(self, url: str) -> bool:
        return self.pattern.search(url) is not None


@dataclass(frozen=True)
class CheckSettings:
    concurrency: int = 128
    per_host: HostLimits = HostLimits(24, 0.01)
    hosts: tuple[tuple[str, HostLimits], ...] = ()  # (host or parent domain, its limits)
    timeout: float = 10.0  # one attempt: connect and get the answer's headers
    connect_timeout: float = 5.0
    deadline: float = 60.0  # one link: every attempt, redirect and wait
    abandon_after: float = 60.0  # a timed-out request keeps its host slot until answered or this
    user_agent: str = "catalog-bot-linkcheck/1.0"
    policy: Policy = field(default_factory=Policy)
    exclusions: tuple[Exclusion, ...] = ()

    def host_entry(self, host: str) -> str | None:
        """The ``hosts`` entry whose limits ``host`` has: its own, else its closest parent domain's."""
        names = [name for name, _ in self.hosts if host == name or host.endswith("." + name)]
        return max(names, key=len, default=None)

    def limits_for(self, host: str) -> HostLimits:
        """The limits of ``host`` (its own entry, else its closest parent domain's, else per_host)."""
        entry = self.host_entry(host)
        return next(limits for name, limits in self.hosts if name == entry) if entry else self.per_host

    def exclusion_for(self, url: str) -> Exclusion | None:
        return next((e for e in self.exclusions if e.matches(url)), None)

    def with_overrides(
        self, concurrency: int | None = None, timeout: float | None = None, per_host: int | None = None
    ) -> CheckSettings:
        """These settings with the command line's ``--concurrency/--timeout/--per-host`` applied."""
        new = self
        if concurrency is not None:
            new = replace(new, concurrency=concurrency)
        if timeout is not None:
            new = replace(new, timeout=timeout)
        if per_host is not None:
            new = replace(new, per_host=replace(new.per_host, concurrency=per_host))
        return new


def from_config(config: Mapping[str, Any]) -> CheckSettings:
    """Build settings from the validated, default-merged ``config.load("links")``."""
    retries = config["retries"]
    policy = Policy(
        error_retries=retries["errors"],
        timeout_retries=retries["timeouts"],
        rate_limit_retries=retries["rate_limited"],
        backoff=retries["backoff"],
        max_retry_after=retries["max_retry_after"],
        max_redirects=config["max_redirects"],
        trust_head_not_found=config["trust_head_not_found"],
    )
    per_host = config["per_host"]
    return CheckSettings(
        concurrency=config["concurrency"],
        per_host=HostLimits(per_host["concurrency"], per_host["interval"]),
        hosts=tuple(
            (
                h["host"].lower(),
                HostLimits(
                    h.get("concurrency", per_host["concurrency"]), h.get("interval", per_host["interval"])
                ),
            )
            for h in config["hosts"]
        ),
        timeout=config["timeout"],
        connect_timeout=config["connect_timeout"],
        deadline=config["deadline"],
        abandon_after=config["abandon_after"],
        user_agent=config["user_agent"],
        policy=policy,
        exclusions=tuple(_exclusion(e) for e in config["exclusions"]),
    )


def _exclusion(entry: Mapping[str, str]) -> Exclusion:
    try:
        pattern = re.compile(entry["pattern"])
    except re.error as exc:
        raise ConfigError(
            f"config/links.yml: exclusion pattern {entry['pattern']!r} is not a valid "
            f"regular expression ({exc}); fix it or remove the exclusion."
        ) from exc
    return Exclusion(pattern, entry["reason"])
