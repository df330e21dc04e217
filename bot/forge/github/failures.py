"""What a failed request to GitHub was, and whether and when to try it again (pure).

``GitHubClient`` (``client.py``) runs the retry loop; this module decides. A failure is read from
the exception (``failure_of``), waited for as GitHub asks (``retry_delay``: ``Retry-After``,
``x-ratelimit-reset``, at least a minute after a secondary rate limit, back-off after a server
error or a timeout) and, when it is final, said in one actionable line (``explain``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.errors import ForgeError
from bot.http_retry import RetryPolicy, parse_retry_after


class GitHubError(ForgeError):
    """A request GitHub refused or failed for good; ``status`` 0 when no HTTP answer came."""

    def __init__(self, message: str, status: int = 0, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail  # GitHub's own message, e.g. "Reference already exists"


class GitHubHTTPError(Exception):
    """An HTTP answer of 400 or more, before the retry policy has looked at it."""

    def __init__(self, status: int, data: Any, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.data = data
        self.headers = {str(k).lower(): str(v) for k, v in headers.items()}


@dataclass(frozen=True)
class Failure:
    """A failed request as the retry policy sees it. ``status`` 0: no HTTP answer."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    may_have_landed: bool = False  # a write may have been applied although we saw no success


def failure_of(exc: Exception) -> Failure | None:
    """What went wrong, or None for exceptions that are not about talking to GitHub."""
    if isinstance(exc, GitHubHTTPError):
        return Failure(exc.status, _error_message(exc.data), exc.headers, exc.status >= 500)
    if isinstance(exc, httpx.ConnectTimeout):
        return Failure(0, "could not connect in time", {}, False)
    if isinstance(exc, httpx.TimeoutException):
        return Failure(0, "no answer in time", {}, True)
    if isinstance(exc, httpx.TransportError):
        return Failure(0, f"connection failed ({exc.__class__.__name__})", {}, True)
    return None


def _error_message(data: Any) -> str:
    if not isinstance(data, dict):
        return str(data or "")
    message = str(data.get("message") or "")
    details = []
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            details.append(
                str(
                    error.get("message")
                    or " ".join(str(error[k]) for k in ("resource", "field", "code") if error.get(k))
                )
            )
        else:
            details.append(str(error))
    return f"{message} ({'; '.join(details)})" if details else message


def server_side(error: Mapping[str, Any]) -> bool:
    """A GraphQL error that is GitHub failing, not the query: "Something went wrong while executing
    your query. This may be the result of a timeout, or it could be a GitHub bug..."."""
    return str(error.get("message") or "").startswith("Something went wrong while executing your query")


def is_rate_limit(failure: Failure) -> bool:
    if failure.status not in (403, 429):
        return False
    text = failure.message.lower()
    return (
        failure.status == 429
        or "retry-after" in failure.headers
        or "rate limit" in text
        or failure.headers.get("x-ratelimit-remaining") == "0"
    )


def retry_delay(failure: Failure, attempt: int, policy: RetryPolicy, now: float) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None when retrying cannot help.

    GitHub's rules: honour ``Retry-After``; when ``x-ratelimit-remaining`` is 0 wait until
    ``x-ratelimit-reset``; otherwise wait at least a minute after a secondary rate limit, growing
    exponentially. Server errors and timeouts back off exponentially from ``backoff_seconds``."""
    if is_rate_limit(failure):
        headers = failure.headers
        asked = parse_retry_after(headers.get("retry-after"), now)
        if asked is not None:
            return asked
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            return max(0.0, float(headers["x-ratelimit-reset"]) - now) + 1.0
        return max(60.0, policy.backoff_seconds * 2**attempt)
    if failure.status == 0 or failure.status >= 500:
        return policy.backoff(attempt)
    return None


def explain(action: str, failure: Failure, attempts: int, repository: str) -> str:
    """A one-line, actionable message for a request that failed for good."""
    status, message = failure.status, failure.message or "no message"
    lowered = message.lower()
    if status == 401:
        return (
            f"GitHub rejected the token while trying to {action} (401 {message}): set GITHUB_TOKEN "
            "to a valid, unexpired token"
        )
    if "not permitted to create or approve pull requests" in lowered:
        return (
            f"could not {action}: {message}. Turn on Settings > Actions > General > 'Allow GitHub "
            "Actions to create and approve pull requests', or use a GitHub App or fine-grained "
            "token (`python -m bot doctor` checks this)"
        )
    if status == 403 and not is_rate_limit(failure):
        return (
            f"the token may not {action} (403 {message}): grant contents, pull-requests and issues "
            "'write' in the workflow's permissions block, or use a token that has them "
            "(`python -m bot doctor` checks this)"
        )
    if status == 404:
        return (
            f"could not {action}: not found (404). Check GITHUB_REPOSITORY ({repository}) and that "
            "the token can see that repository"
        )
    if is_rate_limit(failure):
        return (
            f"could not {action}: GitHub rate limit ({message}) still hit after {attempts} "
            "attempt(s); rerun later"
        )
    if status == 0 or status >= 500:
        what = "no answer" if status == 0 else f"HTTP {status}"
        return f"could not {action}: GitHub failed {attempts} time(s) ({what}: {message}); rerun later"
    return f"GitHub refused to {action} (HTTP {status}: {message})"
