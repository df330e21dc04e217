"""Speaking to GitHub: one transport for REST and GraphQL, and the retry policy around it.

Every request to GitHub goes through ``GitHubClient``: one ``httpx.Client`` with the token, the
base URL (GitHub Enterprise too), the pacing GitHub asks integrators for, and the bot's own small
set of REST and GraphQL requests, so that every request is deliberate and countable.

Retries follow ``bot.http_retry.RetryPolicy`` (the policy every HTTP caller shares), with
GitHub's rules on top (``failures.py``: what failed, how long to wait, the final message): reads
are retried on 5xx and timeouts with back-off; rate limits are waited out as GitHub asks
(``Retry-After``, ``x-ratelimit-reset``, at least a minute for a secondary limit). No write is
ever repeated blindly: a write that may have landed (timeout, 5xx) is repeated only after a check
finds it did not (the PR for the branch, the marked comment, the ref). Time is injected
(``sleep``, ``clock``), so tests never wait.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from bot.errors import ForgeError
from bot.forge.github.failures import (
    Failure,
    GitHubError,
    GitHubHTTPError,
    explain,
    failure_of,
    is_rate_limit,
    retry_delay,
    server_side,
)
from bot.forge.github.settings import GitHubSettings
from bot.http_retry import read_within

T = TypeVar("T")
log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = "catalog-bot (+https://github.com/features/actions)"
API_VERSION = "2022-11-28"
REPO_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


def graphql_url(api_url: str) -> str:
    """GitHub's GraphQL endpoint for a REST base URL (``/api/v3`` on GitHub Enterprise Server)."""
    parts = urlsplit(api_url.rstrip("/"))
    path = parts.path[: -len("/v3")] if parts.path.endswith("/v3") else parts.path
    return urlunsplit(parts._replace(path=path + "/graphql"))


def path_segment(text: str) -> str:
    """``text`` as one segment of a REST path (a label's name): every character but letters,
    digits and ``_.-~`` percent-encoded ("/", "#", "?", "%", spaces, non-ASCII), and the dots of a
    name of dots alone too: the HTTP client removes a "." or ".." segment as a URL's dot segment
    (``DELETE .../issues/1/labels/.`` was ``DELETE .../issues/1/labels``, every label removed)."""
    encoded = quote(text, safe="")
    return encoded if encoded.strip(".") else encoded.replace(".", "%2E")


class GitHubClient:
    """REST and GraphQL requests on one repository, each under the retry policy.

    ``repository`` None: a lookup-only client (``repos.Repositories`` reads any repository)."""

    def __init__(
        self,
        repository: str | None,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        settings: GitHubSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        http: httpx.Client | None = None,
    ) -> None:
        if repository is not None and not REPO_NAME_RE.match(repository):
            raise ForgeError(f"GITHUB_REPOSITORY must be 'owner/name', got {repository!r}")
        if not token:
            raise ForgeError(
                "no GitHub token: set GITHUB_TOKEN (in Actions: `GITHUB_TOKEN: "
                "${{ github.token }}` in the step's env)"
            )
        self.repository = repository or ""  # "" for a lookup-only client (other repositories)
        self.owner, self.name = repository.split("/", 1) if repository else ("", "")
        self.api_url = api_url.rstrip("/")
        self.settings = settings or GitHubSettings()
        self.token = token
        self._sleep, self._clock, self._monotonic = sleep, clock, monotonic
        self._last_request: float | None = None
        self._last_write: float | None = None
        self._http = http or httpx.Client(timeout=self.settings.timeout_seconds, follow_redirects=True)
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "User-Agent": USER_AGENT,
            "X-GitHub-Api-Version": API_VERSION,
        }
        self.graphql_url = graphql_url(self.api_url)
        self.repo_path = f"/repos/{quote(self.owner)}/{quote(self.name)}"

    def monotonic(self) -> float:
        """The client's monotonic clock (tests pass their own)."""
        return self._monotonic()

    # -- one request ---------------------------------------------------------------------------

    def _pace(self, verb: str) -> None:
        """Space requests out as GitHub asks integrators to (``seconds_between_*`` in config)."""
        s, now = self.settings, self._monotonic()
        wait = 0.0
        if s.seconds_between_requests and self._last_request is not None:
            wait = self._last_request + s.seconds_between_requests - now
        if verb != "GET" and s.seconds_between_writes and self._last_write is not None:
            wait = max(wait, self._last_write + s.seconds_between_writes - now)
        if wait > 0:
            self._sleep(wait)
        self._last_request = self._monotonic()
        if verb != "GET":
            self._last_write = self._last_request

    def send(
        self, verb: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> tuple[dict[str, str], Any]:
        """One request, no retry: ``(headers, JSON or None)``; GitHubHTTPError for 400 and more.
        ``timeout_seconds`` bounds the whole answer, not each read (``read_within``)."""
        self._pace(verb)
        url = path if path.startswith(("http://", "https://")) else self.api_url + path
        timeout = self.settings.timeout_seconds
        deadline = self._monotonic() + timeout
        request = self._http.build_request(
            verb, url, params=dict(params) if params else None, json=body, headers=self._headers
        )
        response = self._http.send(request, stream=True)
        content = read_within(response, deadline, self._monotonic, timeout)
        headers = {k.lower(): v for k, v in response.headers.items()}
        try:
            data = json.loads(content) if content else None
        except ValueError:
            data = content.decode("utf-8", "replace")
        log.debug("GitHub %s %s -> %d", verb, url, response.status_code)
        if response.status_code >= 400:
            raise GitHubHTTPError(response.status_code, data, headers)
        if isinstance(data, str):  # a web page (a proxy's sign-in, a wrong base URL), not the API
            start = " ".join(data.split())[:80]
            raise GitHubError(
                f"{url} answered HTTP {response.status_code} with a page that is not GitHub's API "
                f"({start!r}): check GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3) "
                "and any proxy in between",
                response.status_code,
                start,
            )
        return headers, data

    def call(
        self,
        action: str,
        send: Callable[[], T],
        *,
        repeatable: bool = True,
        landed: Callable[[], T | None] | None = None,
        retry_errors: bool = True,
    ) -> T:
        """``send()`` under the retry policy. A non-repeatable write whose outcome is unknown is
        repeated only after ``landed()`` found no trace of it (and its result is used if it did)."""
        attempt = 1
        while True:
            try:
                return send()
            except (GitHubHTTPError, httpx.TransportError) as exc:
                failure = failure_of(exc)
                assert failure is not None
                delay = self._delay_or_raise(action, failure, attempt, retry_errors, exc)
                log.info(
                    "could not %s (%s); trying again in %.0f s",
                    action,
                    failure.message or f"HTTP {failure.status}",
                    delay,
                )
                self._sleep(delay)
                if failure.may_have_landed and not repeatable:
                    found = self._landed(action, failure, landed, exc)
                    if found is not None:
                        return found
                attempt += 1
            except httpx.RequestError as exc:  # no transport error: a redirect loop, an undecodable body
                raise GitHubError(
                    f"could not {action}: the answer from {self.api_url} could not be read "
                    f"({type(exc).__name__}: {exc}): check GITHUB_API_URL and any proxy in between"
                ) from exc

    def _delay_or_raise(
        self, action: str, failure: Failure, attempt: int, retry_errors: bool, exc: Exception
    ) -> float:
        policy = self.settings.retry
        delay = retry_delay(failure, attempt, policy, self._clock())
        if not retry_errors and not is_rate_limit(failure):
            delay = None
        if delay is None or policy.gives_up(attempt):
            raise GitHubError(
                explain(action, failure, attempt, self.repository), failure.status, failure.message
            ) from exc
        if delay > policy.max_wait_seconds:
            raise GitHubError(
                f"could not {action}: GitHub asks to wait {delay:.0f} s ({failure.message}), longer than "
                f"retry.max_wait_seconds={policy.max_wait_seconds:.0f} in config/github.yml; rerun later",
                failure.status,
                failure.message,
            ) from exc
        return delay

    def _landed(
        self, action: str, failure: Failure, landed: Callable[[], T | None] | None, exc: Exception
    ) -> T | None:
        """What a write that may have been applied left behind (None: nothing, repeat it)."""
        if landed is None:
            raise GitHubError(
                f"could not {action}: {failure.message}; it may have been applied, so it is "
                "not repeated blindly. Check GitHub and rerun",
                failure.status,
                failure.message,
            ) from exc
        try:
            return landed()
        except ForgeError as check:
            raise GitHubError(
                f"could not {action}: {failure.message}, and checking whether it was applied "
                f"failed too ({check}); rerun later",
                failure.status,
                failure.message,
            ) from exc

    def rest(
        self,
        verb: str,
        path: str,
        action: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        repeatable: bool = True,
        landed: Callable[[], Any] | None = None,
    ) -> Any:
        def send() -> Any:
            return self.send(verb, path, params=params, body=body)[1]

        return self.call(action, send, repeatable=repeatable, landed=landed)

    def rest_with_headers(self, path: str, action: str) -> tuple[dict[str, str], Any]:
        """A GET returning the response headers (lower-cased names) too."""
        return self.call(action, lambda: self.send("GET", path))

    def list_all(
        self, path: str, action: str, params: Mapping[str, Any] | None = None, max_pages: int = 50
    ) -> list[Any]:
        """Every item of a paginated REST list (100 per page)."""
        items: list[Any] = []
        for page in range(1, max_pages + 1):
            batch = self.rest("GET", path, action, params={**(params or {}), "per_page": 100, "page": page})
            items.extend(batch)
            if len(batch) < 100:
                break
        return items

    def graphql(
        self, action: str, query: str, variables: Mapping[str, Any], retry_errors: bool = True
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``(data, errors)``: partial errors (a missing repository) are returned, not raised."""

        def send() -> dict[str, Any]:
            headers, payload = self.send(
                "POST", self.graphql_url, body={"query": query, "variables": dict(variables)}
            )
            if not isinstance(payload, dict):  # an empty answer: GitHub failing, as a 5xx
                raise GitHubHTTPError(502, {"message": f"an answer without data ({payload!r})"}, headers)
            errors = payload.get("errors") or []
            if any(e.get("type") == "RATE_LIMITED" for e in errors):
                raise GitHubHTTPError(403, {"message": "GraphQL rate limit exceeded"}, headers)
            if payload.get("data") is None and any(server_side(e) for e in errors):
                # a query that ran out of time on GitHub's side, answered 200: a server error
                raise GitHubHTTPError(502, {"message": str(errors[0].get("message"))}, headers)
            return cast(dict[str, Any], payload)

        payload = self.call(action, send, retry_errors=retry_errors)
        return payload.get("data") or {}, payload.get("errors") or []

    def graphql_data(self, action: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        data, errors = self.graphql(action, query, variables)
        if errors:
            detail = "; ".join(str(e.get("message")) for e in errors[:3])
            raise ForgeError(f"could not {action}: GitHub GraphQL answered with errors: {detail}")
        return data
