"""What a link check returns, and the seam for link "resolvers" (batched APIs instead of HTTP)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Verdict(str, enum.Enum):
    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"  # could not be verified this run (e.g. rate limited past the deadline)
    EXCLUDED = "excluded"  # matched an exclusion of config/links.yml: not checked


@dataclass(frozen=True)
class Hop:
    """One redirect answered while following a link: the URL asked and its 3xx status."""

    url: str
    status: int
    location: str  # absolute


@dataclass(frozen=True)
class LinkResult:
    url: str
    verdict: Verdict
    status: int | None = None  # the last HTTP status seen (None: no HTTP answer)
    final_url: str | None = None  # where the redirects ended
    redirects: tuple[Hop, ...] = ()
    error: str | None = None  # why it is dead or unknown, in words
    permanent_redirect: str | None = None  # the URL to write instead (a fix to propose)
    requests: int = 0  # HTTP requests this link cost
    source: str = "http"  # "http", or the name of the resolver that answered
    unresolved: bool = False  # dead because its host's name did not resolve on this machine (DNS)

    @classmethod
    def not_checked(cls, url: str, unavailable: str, failure: str, source: str) -> LinkResult:
        """A link left unknown this run because its resolver's API stopped answering (``unavailable``
        says which, ``failure`` what failed), not checked over HTTP instead."""
        return cls(url, Verdict.UNKNOWN, final_url=url, error=f"{unavailable} ({failure})", source=source)

    @property
    def alive(self) -> bool | None:
        """True/False when verified, None when unknown or excluded."""
        if self.verdict in (Verdict.UNKNOWN, Verdict.EXCLUDED):
            return None
        return self.verdict is Verdict.ALIVE

    def to_json(self, lines: Sequence[int]) -> dict[str, Any]:
        """The ``--json`` record: url, alive, status, final_url, lines, verdict (+ optional keys)."""
        record: dict[str, Any] = {
            "url": self.url,
            "alive": self.alive,
            "status": self.status,
            "final_url": self.final_url,
            "lines": list(lines),
            "verdict": self.verdict.value,
        }
        if self.redirects:
            record["redirects"] = [
                {"url": h.url, "status": h.status, "location": h.location} for h in self.redirects
            ]
        if self.error:
            record["error"] = self.error
        if self.permanent_redirect:
            record["permanent_redirect"] = self.permanent_redirect
        if self.source != "http":
            record["source"] = self.source
        return record


class Resolver(Protocol):
    """Answers for some links through a batched API instead of one HTTP request per link.

    ``claims(url)`` says which links it takes (e.g. github.com repositories, arXiv abstracts);
    ``resolve(urls)`` answers for a batch. URLs missing from the answer are checked over HTTP,
    so a resolver may answer only what it is sure of. It runs in a worker thread, alongside the
    HTTP checks.
    """

    name: str

    def claims(self, url: str) -> bool: ...

    def resolve(self, urls: Sequence[str]) -> Mapping[str, LinkResult]: ...
