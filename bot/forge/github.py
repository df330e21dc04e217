"""GitHub behind the bot's narrow interfaces (``Forge``, ``IssueTracker``, ``RepoDirectory``).

PyGithub is imported here and nowhere else: it carries the token, the base URL (GitHub
Enterprise too) and the error types; the bot sends its own small set of REST and GraphQL
requests through it so that every request is deliberate and countable.

How the bot's pull requests stay clean:

- One PR per paper on a fixed branch (``bot/arxiv-<id>``), found again by branch name and the
  hidden marker in its body; GitHub itself refuses a second open PR for the same branch.
- The branch is always ONE commit on top of the current default branch: ``propose`` applies the
  change's pure ``edit`` to the file there and force-moves the branch. When that commit already
  is the branch head (same parent, same file blob), nothing is written at all.
- One GraphQL query per run reads the default branch head, the catalog text, the labels and every
  bot PR (open from ``pullRequests``, closed and merged from one search); writes follow.

Retries (``RetryPolicy``): PyGithub's own urllib3 retries are switched off (``retry=0``), so no
POST is ever repeated blindly. Reads are retried on 5xx and timeouts with back-off; rate limits
are waited out as GitHub asks (``Retry-After``, ``x-ratelimit-reset``, at least a minute for a
secondary limit). A write that may have landed (timeout, 5xx) is repeated only after a check
finds it did not (the PR for the branch, the marked comment, the ref).
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar, cast
from urllib.parse import quote

import github
import requests
from github import Auth, GithubException

from bot import config
from bot.core import markers
from bot.errors import ForgeError
from bot.forge.protocols import (
    ChangeRequest,
    Comment,
    IssueRef,
    Permission,
    ProposalResult,
    PullRequest,
    PullState,
    RepoInfo,
    TrackedIssue,
)

T = TypeVar("T")
DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = "catalog-bot (+https://github.com/features/actions)"
REPOSITORIES_PER_QUERY = 100
PERMISSIONS: tuple[Permission, ...] = ("admin", "maintain", "write", "triage", "read", "none")
_REPO_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")


# -- settings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 900.0


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
            labels=tuple(LabelSpec(str(label["name"]), label.get("color", "ededed"),
                                   label.get("description", ""), bool(label.get("every_pr", True)))
                         for label in config.get("labels", ())),
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
            retry=RetryPolicy(int(retry.get("max_attempts", 4)), float(retry.get("backoff_seconds", 2)),
                              float(retry.get("max_wait_seconds", 900))),
        )


# -- failures and retries (pure) -------------------------------------------------------------------


class GitHubError(ForgeError):
    """A request GitHub refused or failed for good; ``status`` 0 when no HTTP answer came."""

    def __init__(self, message: str, status: int = 0, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail  # GitHub's own message, e.g. "Reference already exists"


@dataclass(frozen=True)
class Failure:
    """A failed request as the retry policy sees it. ``status`` 0: no HTTP answer."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    may_have_landed: bool = False  # a write may have been applied although we saw no success


def failure_of(exc: Exception) -> Failure | None:
    """What went wrong, or None for exceptions that are not about talking to GitHub."""
    if isinstance(exc, GithubException):
        headers = {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}
        return Failure(exc.status, _error_message(exc.data), headers, exc.status >= 500)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Failure(0, "could not connect in time", {}, False)
    if isinstance(exc, requests.exceptions.Timeout):
        return Failure(0, "no answer in time", {}, True)
    if isinstance(exc, requests.exceptions.RetryError):
        return Failure(0, f"retries exhausted ({exc})", {}, True)
    if isinstance(exc, requests.exceptions.RequestException):
        return Failure(0, f"connection failed ({exc.__class__.__name__})", {}, True)
    return None


def _error_message(data: Any) -> str:
    if not isinstance(data, dict):
        return str(data or "")
    message = str(data.get("message") or "")
    details = []
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            details.append(str(error.get("message") or " ".join(
                str(error[k]) for k in ("resource", "field", "code") if error.get(k))))
        else:
            details.append(str(error))
    return f"{message} ({'; '.join(details)})" if details else message


def is_rate_limit(failure: Failure) -> bool:
    if failure.status not in (403, 429):
        return False
    text = failure.message.lower()
    return (failure.status == 429 or "retry-after" in failure.headers or "rate limit" in text
            or failure.headers.get("x-ratelimit-remaining") == "0")


def retry_delay(failure: Failure, attempt: int, policy: RetryPolicy, now: float) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None when retrying cannot help.

    GitHub's rules: honour ``Retry-After``; when ``x-ratelimit-remaining`` is 0 wait until
    ``x-ratelimit-reset``; otherwise wait at least a minute after a secondary rate limit, growing
    exponentially. Server errors and timeouts back off exponentially from ``backoff_seconds``."""
    if is_rate_limit(failure):
        headers = failure.headers
        if headers.get("retry-after", "").strip().isdigit():
            return float(headers["retry-after"])
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            return max(0.0, float(headers["x-ratelimit-reset"]) - now) + 1.0
        return max(60.0, policy.backoff_seconds * 2 ** attempt)
    if failure.status == 0 or failure.status >= 500:
        return policy.backoff_seconds * 2 ** (attempt - 1)
    return None


def explain(action: str, failure: Failure, attempts: int, repository: str) -> str:
    """A one-line, actionable message for a request that failed for good."""
    status, message = failure.status, failure.message or "no message"
    lowered = message.lower()
    if status == 401:
        return (f"GitHub rejected the token while trying to {action} (401 {message}): set GITHUB_TOKEN "
                "to a valid, unexpired token")
    if "not permitted to create or approve pull requests" in lowered:
        return (f"could not {action}: {message}. Turn on Settings > Actions > General > 'Allow GitHub "
                "Actions to create and approve pull requests', or use a GitHub App or fine-grained "
                "token (`python -m bot doctor` checks this)")
    if status == 403 and not is_rate_limit(failure):
        return (f"the token may not {action} (403 {message}): grant contents, pull-requests and issues "
                "'write' in the workflow's permissions block, or use a token that has them "
                "(`python -m bot doctor` checks this)")
    if status == 404:
        return (f"could not {action}: not found (404). Check GITHUB_REPOSITORY ({repository}) and that "
                "the token can see that repository")
    if is_rate_limit(failure):
        return (f"could not {action}: GitHub rate limit ({message}) still hit after {attempts} "
                "attempt(s); rerun later")
    if status == 0 or status >= 500:
        what = "no answer" if status == 0 else f"HTTP {status}"
        return f"could not {action}: GitHub failed {attempts} time(s) ({what}: {message}); rerun later"
    return f"GitHub refused to {action} (HTTP {status}: {message})"


# -- small pure helpers ----------------------------------------------------------------------------


def git_blob_sha(text: str) -> str:
    """The git object id of ``text`` as a file (what GitHub reports as the blob's oid)."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))


def with_marker(body: str, kind: str) -> str:
    """``body`` ending with a ``kind`` marker (unchanged if it already has one)."""
    if markers.find(body, kind) is not None:
        return body
    return f"{body.rstrip()}\n\n{markers.make(kind)}\n"


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- what the bot knows about its PRs ----------------------------------------------------------------


@dataclass(frozen=True)
class BotPull:
    """A bot PR with what ``propose`` needs to tell whether its branch is current."""

    pull: PullRequest
    head_oid: str | None = None
    head_parents: tuple[str, ...] = ()
    head_file_oid: str | None = None  # blob of the catalog file on the branch head
    changed_files: int = 0


@dataclass
class Snapshot:
    """The repository as one run sees it (loaded once, kept up to date by the run's own writes)."""

    default_branch: str
    head_oid: str
    tree_oid: str
    files: dict[str, tuple[str, str | None]]  # path -> (text, blob oid) on head_oid
    labels: set[str]
    pulls: dict[int, BotPull]
    closed_cursor: str | None = None  # more closed bot PRs to read from the search


@dataclass(frozen=True)
class AccessReport:
    """What ``python -m bot doctor`` needs to know about the token and the repository."""

    repository: str
    api_url: str
    token_kind: str  # classic | fine-grained | installation | oauth | user-to-server | unknown
    readable: bool
    error: str = ""
    scopes: tuple[str, ...] | None = None  # x-oauth-scopes, when GitHub sends it
    accepted_permissions: str = ""  # x-accepted-github-permissions of the repository read
    permissions: Mapping[str, bool] | None = None  # the repository's permissions object, if sent
    private: bool | None = None
    default_branch: str = ""
    workflow_permissions: Mapping[str, Any] | None = None
    workflow_error: str = ""
    missing_labels: tuple[str, ...] = ()
    people: Mapping[str, str] = field(default_factory=dict)  # reviewer/assignee -> permission
    rate_remaining: str = ""


def token_kind(token: str) -> str:
    prefixes = {"ghp_": "classic", "github_pat_": "fine-grained", "ghs_": "installation",
                "gho_": "oauth", "ghu_": "user-to-server"}
    return next((kind for prefix, kind in prefixes.items() if token.startswith(prefix)), "unknown")


# -- GraphQL -----------------------------------------------------------------------------------------

_PULL_FRAGMENT = """
fragment BotPull on PullRequest {
  number title body url state merged isCrossRepository headRefName baseRefName changedFiles
  labels(first: 50) { nodes { name } }
  headRef { target { ... on Commit { oid parents(first: 2) { nodes { oid } } file(path: $path) { oid } } } }
}
"""

SNAPSHOT_QUERY = """
query CatalogBotSnapshot($owner: String!, $name: String!, $path: String!, $closed: String!) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef {
      name
      target {
        ... on Commit {
          oid tree { oid } file(path: $path) { oid object { ... on Blob { text isTruncated } } }
        }
      }
    }
    labels(first: 100) { nodes { name } }
    pullRequests(states: [OPEN], first: 100, orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...BotPull }
    }
  }
  search(query: $closed, type: ISSUE, first: 100) {
    pageInfo { hasNextPage endCursor }
    nodes { ...BotPull }
  }
  viewer { login }
}
""" + _PULL_FRAGMENT

OPEN_PAGE_QUERY = """
query CatalogBotOpenPulls($owner: String!, $name: String!, $path: String!, $after: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], first: 100, after: $after, orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...BotPull }
    }
  }
}
""" + _PULL_FRAGMENT

CLOSED_PAGE_QUERY = """
query CatalogBotClosedPulls($path: String!, $closed: String!, $after: String!) {
  search(query: $closed, type: ISSUE, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ...BotPull }
  }
}
""" + _PULL_FRAGMENT

FILE_QUERY = """
query CatalogBotFile($owner: String!, $name: String!, $oid: GitObjectID!, $path: String!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit { file(path: $path) { oid object { ... on Blob { text isTruncated } } } }
    }
  }
}
"""


def repositories_query(names: list[str]) -> tuple[str, dict[str, str]]:
    """One GraphQL query for up to 100 repositories, one alias each, names passed as variables."""
    params, fields, variables = [], [], {}
    for index, name in enumerate(names):
        owner, repo = name.split("/", 1)
        params.append(f"$o{index}: String!, $n{index}: String!")
        fields.append(f"  r{index}: repository(owner: $o{index}, name: $n{index}) {{ ...RepoFacts }}")
        variables[f"o{index}"], variables[f"n{index}"] = owner, repo
    query = (f"query CatalogBotRepositories({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}\n"
             "fragment RepoFacts on Repository { nameWithOwner stargazerCount isArchived url }\n")
    return query, variables


def _pull_state(node: Mapping[str, Any]) -> PullState:
    if node.get("merged") or node.get("state") == "MERGED":
        return "merged"
    return "open" if node.get("state") == "OPEN" else "closed"


def bot_pull_from_node(node: Mapping[str, Any]) -> BotPull:
    target = ((node.get("headRef") or {}).get("target")) or {}
    pull = PullRequest(
        number=int(node["number"]), branch=node["headRefName"], title=node.get("title") or "",
        body=node.get("body") or "", state=_pull_state(node), url=node.get("url") or "",
        labels=tuple(label["name"] for label in (node.get("labels") or {}).get("nodes") or []),
    )
    return BotPull(
        pull=pull, head_oid=target.get("oid"),
        head_parents=tuple(p["oid"] for p in (target.get("parents") or {}).get("nodes") or []),
        head_file_oid=(target.get("file") or {}).get("oid"),
        changed_files=int(node.get("changedFiles") or 0),
    )


# -- the forge -------------------------------------------------------------------------------------


class GitHubForge:
    """``Forge``, ``IssueTracker`` and ``RepoDirectory`` on one GitHub repository.

    Meant to live for one run: the first call reads a snapshot of the repository, and the
    forge keeps it up to date with its own writes."""

    def __init__(
        self,
        repository: str,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        settings: GitHubSettings | None = None,
        catalog_path: str = "catalog.md",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _REPO_NAME_RE.match(repository or ""):
            raise ForgeError(f"GITHUB_REPOSITORY must be 'owner/name', got {repository!r}")
        if not token:
            raise ForgeError("no GitHub token: set GITHUB_TOKEN (in Actions: `GITHUB_TOKEN: "
                             "${{ github.token }}` in the step's env)")
        self.repository = repository
        self.owner, self.name = repository.split("/", 1)
        self.api_url = api_url.rstrip("/")
        self.settings = settings or GitHubSettings()
        self.catalog_path = catalog_path
        self._token = token
        self._sleep, self._clock = sleep, clock
        s = self.settings
        client = github.Github(
            auth=Auth.Token(token), base_url=self.api_url, timeout=s.timeout_seconds,
            user_agent=USER_AGENT, per_page=100, retry=0, lazy=True,
            seconds_between_requests=s.seconds_between_requests or None,
            seconds_between_writes=s.seconds_between_writes or None,
        )
        self._requester = client.requester
        self._repo_path = f"/repos/{quote(self.owner)}/{quote(self.name)}"
        self._snapshot: Snapshot | None = None
        self._own_login: str | None = None

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str],
        *,
        repository: str | None = None,
        api_url: str | None = None,
        settings: GitHubSettings | None = None,
        catalog_path: str = "catalog.md",
    ) -> GitHubForge:
        """From the Actions environment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) and
        ``config/github.yml``; explicit arguments win over both."""
        repo = repository or env.get("GITHUB_REPOSITORY", "")
        if not repo:
            raise ForgeError("no repository: set GITHUB_REPOSITORY=owner/name or pass --repository")
        if settings is None:
            settings = GitHubSettings.from_config(config.load("github"))
        return cls(repo, env.get("GITHUB_TOKEN", ""), api_url=api_url or env.get("GITHUB_API_URL")
                   or DEFAULT_API_URL, settings=settings, catalog_path=catalog_path)

    # -- talking to GitHub ---------------------------------------------------------------------

    def _call(self, action: str, send: Callable[[], T], *, repeatable: bool = True,
              landed: Callable[[], T | None] | None = None, retry_errors: bool = True) -> T:
        """``send()`` under the retry policy. A non-repeatable write whose outcome is unknown is
        repeated only after ``landed()`` found no trace of it (and its result is used if it did)."""
        attempt = 1
        while True:
            try:
                return send()
            except (GithubException, requests.exceptions.RequestException) as exc:
                failure = failure_of(exc)
                assert failure is not None
                self._sleep(self._delay_or_raise(action, failure, attempt, retry_errors, exc))
                if failure.may_have_landed and not repeatable:
                    found = self._landed(action, failure, landed, exc)
                    if found is not None:
                        return found
                attempt += 1

    def _delay_or_raise(self, action: str, failure: Failure, attempt: int, retry_errors: bool,
                        exc: Exception) -> float:
        policy = self.settings.retry
        delay = retry_delay(failure, attempt, policy, self._clock())
        if not retry_errors and not is_rate_limit(failure):
            delay = None
        if delay is None or attempt >= policy.max_attempts:
            raise GitHubError(explain(action, failure, attempt, self.repository),
                              failure.status, failure.message) from exc
        if delay > policy.max_wait_seconds:
            raise GitHubError(
                f"could not {action}: GitHub asks to wait {delay:.0f} s ({failure.message}), longer than "
                f"retry.max_wait_seconds={policy.max_wait_seconds:.0f} in config/github.yml; rerun later",
                failure.status, failure.message) from exc
        return delay

    def _landed(self, action: str, failure: Failure, landed: Callable[[], T | None] | None,
                exc: Exception) -> T | None:
        """What a write that may have been applied left behind (None: nothing, repeat it)."""
        if landed is None:
            raise GitHubError(f"could not {action}: {failure.message}; it may have been applied, so it is "
                              "not repeated blindly. Check GitHub and rerun",
                              failure.status, failure.message) from exc
        try:
            return landed()
        except ForgeError as check:
            raise GitHubError(f"could not {action}: {failure.message}, and checking whether it was applied "
                              f"failed too ({check}); rerun later", failure.status, failure.message) from exc

    def _rest(self, verb: str, path: str, action: str, *, params: Mapping[str, Any] | None = None,
              body: Any = None, repeatable: bool = True,
              landed: Callable[[], Any] | None = None) -> Any:
        def send() -> Any:
            _, data = self._requester.requestJsonAndCheck(
                verb, path, parameters=dict(params) if params else None, input=body)
            return data
        return self._call(action, send, repeatable=repeatable, landed=landed)

    def _list(self, path: str, action: str, params: Mapping[str, Any] | None = None,
              max_pages: int = 50) -> list[Any]:
        """Every item of a paginated REST list (100 per page)."""
        items: list[Any] = []
        for page in range(1, max_pages + 1):
            batch = self._rest("GET", path, action, params={**(params or {}), "per_page": 100, "page": page})
            items.extend(batch)
            if len(batch) < 100:
                break
        return items

    def _graphql(self, action: str, query: str, variables: Mapping[str, Any],
                 retry_errors: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``(data, errors)``: partial errors (a missing repository) are returned, not raised."""
        def send() -> dict[str, Any]:
            headers, payload = self._requester.requestJsonAndCheck(
                "POST", self._requester.graphql_url, input={"query": query, "variables": dict(variables)})
            errors = payload.get("errors") or []
            if any(e.get("type") == "RATE_LIMITED" for e in errors):
                raise GithubException(403, {"message": "GraphQL rate limit exceeded"}, headers)
            return cast(dict[str, Any], payload)
        payload = self._call(action, send, retry_errors=retry_errors)
        return payload.get("data") or {}, payload.get("errors") or []

    def _graphql_data(self, action: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        data, errors = self._graphql(action, query, variables)
        if errors:
            detail = "; ".join(str(e.get("message")) for e in errors[:3])
            raise ForgeError(f"could not {action}: GitHub GraphQL answered with errors: {detail}")
        return data

    # -- the snapshot ------------------------------------------------------------------------------

    def _closed_search(self) -> str:
        word = self.settings.branch_prefix.rstrip("/-_") or self.settings.branch_prefix
        return f"repo:{self.repository} is:pr is:closed head:{word}"

    def snapshot(self) -> Snapshot:
        """The run's view of the repository: one GraphQL query (plus one per further 100 PRs)."""
        if self._snapshot is None:
            self._snapshot = self._load_snapshot()
        return self._snapshot

    def _load_snapshot(self) -> Snapshot:
        variables = {"owner": self.owner, "name": self.name, "path": self.catalog_path,
                     "closed": self._closed_search()}
        data = self._graphql_data("read the repository and its bot pull requests", SNAPSHOT_QUERY, variables)
        self._own_login = str((data.get("viewer") or {}).get("login") or "")
        repo = data.get("repository")
        if not repo or not repo.get("defaultBranchRef"):
            raise ForgeError(f"{self.repository} has no default branch yet: push a first commit")
        head = repo["defaultBranchRef"]["target"]
        snap = Snapshot(
            default_branch=repo["defaultBranchRef"]["name"], head_oid=head["oid"],
            tree_oid=head["tree"]["oid"], files={}, pulls={},
            labels={n["name"].lower() for n in repo["labels"]["nodes"]},
        )
        snap.files[self.catalog_path] = self._file_text(head.get("file"))
        self._add_pulls(snap, repo["pullRequests"]["nodes"])
        self._add_pulls(snap, data["search"]["nodes"])
        page = repo["pullRequests"]["pageInfo"]
        while page["hasNextPage"]:
            more = self._graphql_data("read open pull requests", OPEN_PAGE_QUERY,
                                      {**variables, "after": page["endCursor"]})
            connection = more["repository"]["pullRequests"]
            self._add_pulls(snap, connection["nodes"])
            page = connection["pageInfo"]
        closed_page = data["search"]["pageInfo"]
        snap.closed_cursor = closed_page["endCursor"] if closed_page["hasNextPage"] else None
        return snap

    def _add_pulls(self, snap: Snapshot, nodes: list[Mapping[str, Any] | None]) -> None:
        for node in nodes:
            if not node or "headRefName" not in node or node.get("isCrossRepository"):
                continue
            if node["headRefName"].startswith(self.settings.branch_prefix):
                snap.pulls.setdefault(int(node["number"]), bot_pull_from_node(node))

    def _load_closed(self, snap: Snapshot) -> None:
        variables = {"path": self.catalog_path, "closed": self._closed_search()}
        while snap.closed_cursor:
            data = self._graphql_data("read closed bot pull requests", CLOSED_PAGE_QUERY,
                                      {**variables, "after": snap.closed_cursor})
            self._add_pulls(snap, data["search"]["nodes"])
            page = data["search"]["pageInfo"]
            snap.closed_cursor = page["endCursor"] if page["hasNextPage"] else None

    def _file_text(self, entry: Mapping[str, Any] | None) -> tuple[str, str | None]:
        """(text, oid) of a GraphQL tree entry; large files come from the REST blob API."""
        if not entry:
            return "", None
        blob = entry.get("object") or {}
        if blob.get("text") is not None and not blob.get("isTruncated"):
            return blob["text"], entry["oid"]
        data = self._rest("GET", f"{self._repo_path}/git/blobs/{entry['oid']}", "read a large file")
        return base64.b64decode(data["content"]).decode("utf-8"), entry["oid"]

    # -- Forge -------------------------------------------------------------------------------------

    def read_file(self, path: str) -> str:
        snap = self.snapshot()
        if path not in snap.files:
            data = self._graphql_data(f"read {path}", FILE_QUERY, {
                "owner": self.owner, "name": self.name, "oid": snap.head_oid, "path": path})
            commit = (data.get("repository") or {}).get("object") or {}
            snap.files[path] = self._file_text(commit.get("file"))
        return snap.files[path][0]

    def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
        """The bot's PRs (branch prefix, same repository), oldest first; "closed" includes merged."""
        snap = self.snapshot()
        if state != "open":
            self._load_closed(snap)
        pulls = [b.pull for _, b in sorted(snap.pulls.items())]
        if state == "open":
            return [p for p in pulls if p.state == "open"]
        if state == "closed":
            return [p for p in pulls if p.state != "open"]
        return pulls

    def _open_pull(self, branch: str) -> BotPull | None:
        return next((b for b in self.snapshot().pulls.values()
                     if b.pull.branch == branch and b.pull.state == "open"), None)

    def propose(self, change: ChangeRequest) -> ProposalResult:
        """Open the PR, or bring it up to date: one commit on the current default branch."""
        if not change.branch.startswith(self.settings.branch_prefix):
            raise ForgeError(f"branch {change.branch!r} is outside the bot's prefix "
                             f"{self.settings.branch_prefix!r} (config/github.yml branch_prefix)")
        snap = self.snapshot()
        base_text = self.read_file(change.path)
        new_text = change.edit(base_text)
        if new_text == base_text:
            raise ForgeError(f"the change for {change.branch} leaves {change.path} on "
                             f"{snap.default_branch} as it is: nothing to propose")
        diff = unified_diff(change.path, base_text, new_text)
        existing = self._open_pull(change.branch)
        if existing and self._branch_is_current(existing, change.path, new_text):
            pull = self._update_pull(existing.pull, change)
            snap.pulls[pull.number] = replace(existing, pull=pull)
            return ProposalResult(pull, "unchanged" if pull == existing.pull else "updated", diff)
        commit = self._commit(change, new_text)
        if existing:
            self._move_branch(change.branch, commit)
            pull, action = self._update_pull(existing.pull, change), "updated"
        else:
            pull, action = self._open_new(change, commit), "opened"
        snap.pulls[pull.number] = BotPull(pull, commit, (snap.head_oid,), git_blob_sha(new_text)
                                          if change.path == self.catalog_path else None, 1)
        return ProposalResult(pull, cast(Literal["opened", "updated"], action), diff)

    def _branch_is_current(self, existing: BotPull, path: str, new_text: str) -> bool:
        snap = self.snapshot()
        return (path == self.catalog_path and existing.head_parents == (snap.head_oid,)
                and existing.head_file_oid == git_blob_sha(new_text) and existing.changed_files <= 1)

    def _commit(self, change: ChangeRequest, new_text: str) -> str:
        """A commit with the new file on top of the default branch head (no branch moves yet).
        Repeating these POSTs at worst leaves an unreferenced object, so they are retried freely."""
        snap = self.snapshot()
        tree = self._rest("POST", f"{self._repo_path}/git/trees", f"write {change.path} for {change.branch}",
                          body={"base_tree": snap.tree_oid, "tree": [
                              {"path": change.path, "mode": "100644", "type": "blob", "content": new_text}]})
        commit = self._rest("POST", f"{self._repo_path}/git/commits", f"commit {change.branch}",
                            body={"message": change.commit_message, "tree": tree["sha"],
                                  "parents": [snap.head_oid]})
        return cast(str, commit["sha"])

    def _ref_path(self, branch: str) -> str:
        return f"{self._repo_path}/git/refs/heads/{quote(branch, safe='/')}"

    def _branch_sha(self, branch: str) -> str | None:
        try:
            data = self._rest("GET", f"{self._repo_path}/git/ref/heads/{quote(branch, safe='/')}",
                              f"read branch {branch}")
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return cast(str, data["object"]["sha"])

    def _force_branch(self, branch: str, sha: str) -> None:
        self._rest("PATCH", self._ref_path(branch), f"move branch {branch}", body={"sha": sha, "force": True})

    def _move_branch(self, branch: str, sha: str) -> None:
        try:
            self._force_branch(branch, sha)
        except GitHubError as exc:
            if exc.status != 422 or "Reference does not exist" not in exc.detail:
                raise
            self._create_branch(branch, sha)

    def _create_branch(self, branch: str, sha: str) -> None:
        """Create the branch at ``sha``; a leftover branch of the same name (ours) is moved."""
        def landed() -> bool | None:
            return True if self._branch_sha(branch) == sha else None
        try:
            self._rest("POST", f"{self._repo_path}/git/refs", f"create branch {branch}",
                       body={"ref": f"refs/heads/{branch}", "sha": sha}, repeatable=False, landed=landed)
        except GitHubError as exc:
            if exc.status != 422 or "Reference already exists" not in exc.detail:
                raise
            self._force_branch(branch, sha)

    def _delete_branch(self, branch: str) -> None:
        try:
            self._rest("DELETE", self._ref_path(branch), f"delete branch {branch}")
        except GitHubError as exc:
            if exc.status not in (404, 422):
                raise

    def _open_new(self, change: ChangeRequest, commit: str) -> PullRequest:
        """Branch, then PR; if the PR cannot be opened, the branch goes away again."""
        self._create_branch(change.branch, commit)
        try:
            pull = self._create_pull(change)
        except ForgeError:
            self._discard_branch(change.branch)
            raise
        try:
            self._decorate(pull.number, change)
        except ForgeError as exc:  # the PR is fine without them; say so and carry on
            warnings.warn(f"PR #{pull.number} opened, but {exc}", stacklevel=2)
        return replace(pull, labels=self._labels_for(change))

    def _discard_branch(self, branch: str) -> None:
        """Remove a branch whose PR could not be opened (unless a PR uses it after all)."""
        try:
            if self._find_open_pull_rest(branch) is None:
                self._delete_branch(branch)
        except ForgeError as exc:  # GitHub is down: say so, and let the original error through
            warnings.warn(f"branch {branch} is left behind without a PR; delete it or rerun ({exc})",
                          stacklevel=3)

    def _pull_from_rest(self, data: Mapping[str, Any]) -> PullRequest:
        state: PullState = "merged" if data.get("merged_at") else cast(PullState, data["state"])
        return PullRequest(number=int(data["number"]), branch=data["head"]["ref"], title=data["title"],
                           body=data.get("body") or "", state=state, url=data.get("html_url", ""),
                           labels=tuple(label["name"] for label in data.get("labels") or []))

    def _find_open_pull_rest(self, branch: str) -> PullRequest | None:
        found = self._rest("GET", f"{self._repo_path}/pulls", f"look for the PR of {branch}",
                           params={"head": f"{self.owner}:{branch}", "state": "open"})
        return self._pull_from_rest(found[0]) if found else None

    def _create_pull(self, change: ChangeRequest) -> PullRequest:
        body = {"title": change.title, "head": change.branch, "base": self.snapshot().default_branch,
                "body": change.body}
        try:
            data = self._rest("POST", f"{self._repo_path}/pulls", f"open a PR for {change.branch}", body=body,
                              repeatable=False, landed=lambda: self._find_open_pull_rest(change.branch))
        except GitHubError as exc:
            if exc.status != 422 or "pull request already exists" not in exc.detail.lower():
                raise
            data = self._find_open_pull_rest(change.branch)  # opened by a concurrent run
            if data is None:
                raise
        pull = data if isinstance(data, PullRequest) else self._pull_from_rest(data)
        if pull.title != change.title or pull.body != change.body:
            pull = self._update_pull(pull, change)
        return pull

    def _labels_for(self, change: ChangeRequest) -> tuple[str, ...]:
        names = [label.name for label in self.settings.labels if label.every_pr] + list(change.labels)
        return tuple(dict.fromkeys(names))

    def _decorate(self, number: int, change: ChangeRequest) -> None:
        """Labels and assignees in one PATCH, reviewers in one POST (both idempotent)."""
        labels, s = self._labels_for(change), self.settings
        self.ensure_labels(labels)
        if labels or s.assignees:
            self._rest("PATCH", f"{self._repo_path}/issues/{number}", f"label PR #{number}",
                       body={"labels": list(labels), "assignees": list(s.assignees)})
        if s.reviewers or s.team_reviewers:
            self._rest("POST", f"{self._repo_path}/pulls/{number}/requested_reviewers",
                       f"request reviews on PR #{number}",
                       body={"reviewers": list(s.reviewers), "team_reviewers": list(s.team_reviewers)})

    def _update_pull(self, pull: PullRequest, change: ChangeRequest) -> PullRequest:
        if pull.title == change.title and pull.body == change.body:
            return pull
        self._rest("PATCH", f"{self._repo_path}/pulls/{pull.number}", f"update PR #{pull.number}",
                   body={"title": change.title, "body": change.body})
        return replace(pull, title=change.title, body=change.body)

    def ensure_labels(self, names: Iterable[str]) -> None:
        """Create the labels the repository does not have yet (colours from config)."""
        snap, specs = self.snapshot(), {spec.name.lower(): spec for spec in self.settings.labels}
        for name in names:
            if name.lower() in snap.labels:
                continue
            spec = specs.get(name.lower(), LabelSpec(name))
            try:
                self._rest("POST", f"{self._repo_path}/labels", f"create label {name!r}",
                           body={"name": spec.name, "color": spec.color, "description": spec.description})
            except GitHubError as exc:  # a label we did not see (more than 100), or a concurrent run
                if exc.status != 422 or "already_exists" not in exc.detail:
                    raise
            snap.labels.add(name.lower())

    def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
        """Comment (once, marked), close, delete the branch. Safe to repeat after a failure."""
        number = pull_request.number
        self.upsert_comment(number, "closing", comment)
        self._rest("PATCH", f"{self._repo_path}/pulls/{number}", f"close PR #{number}",
                   body={"state": "closed"})
        own_branch = pull_request.branch.startswith(self.settings.branch_prefix)
        if self.settings.delete_branch_on_close and own_branch:
            self._delete_branch(pull_request.branch)
        snap = self.snapshot()
        if number in snap.pulls:
            snap.pulls[number] = replace(snap.pulls[number],
                                         pull=replace(snap.pulls[number].pull, state="closed"))

    # -- IssueTracker ---------------------------------------------------------------------------

    def add_reaction(self, issue_number: int, comment_id: int | None = None, content: str = "eyes") -> None:
        target = (f"/issues/comments/{comment_id}" if comment_id is not None else f"/issues/{issue_number}")
        # GitHub answers 200 with the existing reaction when it is already there: repeatable
        self._rest("POST", f"{self._repo_path}{target}/reactions", f"react {content!r} on #{issue_number}",
                   body={"content": content})

    def own_login(self) -> str:
        """The token's own login (GraphQL ``viewer``, which installation tokens may read, unlike
        ``GET /user``), read once per forge, i.e. once per run, with the snapshot."""
        if self._own_login is None:
            self.snapshot()
        return self._own_login or ""

    def _is_own(self, user: Mapping[str, Any] | None) -> bool:
        """Written by this token's account: another bot's (or a user's) marker is never trusted,
        and its comment or issue never edited."""
        login = (user or {}).get("login")
        return bool(login) and login == self.own_login()

    @staticmethod
    def _comment(data: Mapping[str, Any]) -> Comment:
        return Comment(id=int(data["id"]), body=data.get("body") or "",
                       user=(data.get("user") or {}).get("login", ""), url=data.get("html_url", ""),
                       updated_at=str(data.get("updated_at") or ""))

    def list_comments(self, issue_number: int) -> list[Comment]:
        raw = self._list(f"{self._repo_path}/issues/{issue_number}/comments",
                         f"read the comments of #{issue_number}")
        return [self._comment(c) for c in raw]

    def _find_marked_comment(self, issue_number: int, kind: str) -> Comment | None:
        raw = self._list(f"{self._repo_path}/issues/{issue_number}/comments",
                         f"read the comments of #{issue_number}")
        for data in raw:
            if self._is_own(data.get("user")) and markers.find(data.get("body"), kind) is not None:
                return self._comment(data)
        return None

    def upsert_comment(self, issue_number: int, marker_kind: str, body: str) -> Comment:
        body = with_marker(body, marker_kind)
        existing = self._find_marked_comment(issue_number, marker_kind)
        if existing is not None:
            if existing.body == body:
                return existing
            data = self._rest("PATCH", f"{self._repo_path}/issues/comments/{existing.id}",
                              f"edit the bot's comment on #{issue_number}", body={"body": body})
            return self._comment(data)

        def landed() -> Comment | None:
            return self._find_marked_comment(issue_number, marker_kind)
        data = self._rest("POST", f"{self._repo_path}/issues/{issue_number}/comments",
                          f"comment on #{issue_number}", body={"body": body}, repeatable=False, landed=landed)
        return data if isinstance(data, Comment) else self._comment(data)

    def permission(self, user: str) -> Permission:
        if not _LOGIN_RE.match(user or "") or user.endswith("[bot]"):
            return "none"
        try:
            data = self._rest("GET", f"{self._repo_path}/collaborators/{quote(user)}/permission",
                              f"read the permission of {user}")
        except GitHubError as exc:
            if exc.status == 404:
                return "none"
            raise
        role = data.get("role_name")
        if role in PERMISSIONS:
            return cast(Permission, role)
        legacy = data.get("permission")
        return cast(Permission, legacy) if legacy in PERMISSIONS else "none"

    def _find_marked_issue(self, kind: str, label: str) -> dict[str, Any] | None:
        issues = self._list(f"{self._repo_path}/issues", f"look for the {kind} issue",
                            {"labels": label, "state": "all", "sort": "created", "direction": "asc"})
        for data in issues:
            if ("pull_request" not in data and self._is_own(data.get("user"))
                    and markers.find(data.get("body"), kind) is not None):
                return cast(dict[str, Any], data)
        return None

    def tracking_issue(self, marker_kind: str, label: str) -> TrackedIssue | None:
        found = self._find_marked_issue(marker_kind, label)
        if found is None:
            return None
        return TrackedIssue(int(found["number"]), str(found.get("title") or ""),
                            str(found.get("body") or ""), str(found.get("state") or "open"))

    @staticmethod
    def _issue_ref(data: Mapping[str, Any]) -> IssueRef:
        return IssueRef(number=int(data["number"]), url=data.get("html_url", ""),
                        state=data.get("state", "open"),
                        labels=[label["name"] for label in data.get("labels") or []])

    def upsert_issue(self, marker_kind: str, title: str, body: str, labels: tuple[str, ...] = (),
                     close: bool = False) -> IssueRef | None:
        if not labels:
            raise ForgeError(f"the {marker_kind} tracking issue needs at least one label: the bot finds it "
                             "again by its first label and hidden marker")
        body = with_marker(body, marker_kind)
        existing = self._find_marked_issue(marker_kind, labels[0])
        if existing is None:
            if close:
                return None
            self.ensure_labels(labels)
            data = self._rest("POST", f"{self._repo_path}/issues", f"open the {marker_kind} issue",
                              body={"title": title, "body": body, "labels": list(labels)}, repeatable=False,
                              landed=lambda: self._find_marked_issue(marker_kind, labels[0]))
            return self._issue_ref(data)
        changes: dict[str, Any] = {}
        if existing.get("title") != title:
            changes["title"] = title
        if (existing.get("body") or "") != body:
            changes["body"] = body
        wanted_state = "closed" if close else "open"
        if existing.get("state") != wanted_state:
            changes["state"] = wanted_state
            if close:
                changes["state_reason"] = "completed"
        if not changes:
            return self._issue_ref(existing)
        data = self._rest("PATCH", f"{self._repo_path}/issues/{existing['number']}",
                          f"update issue #{existing['number']}", body=changes)
        return self._issue_ref(data)

    # -- RepoDirectory ---------------------------------------------------------------------------

    def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
        """Batched GraphQL lookups, 100 repositories per query; a failing batch is split in two."""
        wanted = list(dict.fromkeys(names))
        result = {name: RepoInfo(name, exists=False) for name in wanted if not _REPO_NAME_RE.match(name)}
        valid = [name for name in wanted if name not in result]
        for batch in _chunks(valid, REPOSITORIES_PER_QUERY):
            self._repositories_batch(batch, result)
        return result

    def _repositories_batch(self, batch: list[str], result: dict[str, RepoInfo]) -> None:
        query, variables = repositories_query(batch)
        try:
            data, errors = self._graphql(f"look up {len(batch)} repositories", query, variables,
                                         retry_errors=len(batch) == 1)
        except ForgeError as exc:
            if len(batch) == 1:
                warnings.warn(f"{batch[0]}: not checked ({exc})", stacklevel=2)
                return
            data, errors = {}, [{"message": str(exc)}]
        not_found = {str(e["path"][0]) for e in errors if e.get("type") == "NOT_FOUND" and e.get("path")}
        if len(errors) > len(not_found) and len(batch) > 1:
            half = len(batch) // 2
            self._repositories_batch(batch[:half], result)
            self._repositories_batch(batch[half:], result)
            return
        for index, name in enumerate(batch):
            node = data.get(f"r{index}")
            if node:
                result[name] = self._repo_info(name, node)
            elif f"r{index}" in not_found:
                result[name] = RepoInfo(name, exists=False)

    @staticmethod
    def _repo_info(name: str, node: Mapping[str, Any]) -> RepoInfo:
        current = node.get("nameWithOwner") or name
        return RepoInfo(name_with_owner=name, exists=True, stars=node.get("stargazerCount"),
                        archived=bool(node.get("isArchived")),
                        current_name=current if current.lower() != name.lower() else None,
                        url=node.get("url"))

    # -- doctor ------------------------------------------------------------------------------------

    def _get_with_headers(self, path: str) -> tuple[dict[str, str], Any]:
        headers, data = self._requester.requestJsonAndCheck("GET", path)
        return {str(k).lower(): str(v) for k, v in headers.items()}, data

    def inspect_access(self) -> AccessReport:
        """Token, repository and settings facts for ``python -m bot doctor`` (reads only)."""
        base = AccessReport(self.repository, self.api_url, token_kind(self._token), readable=False)
        try:
            headers, repo = self._call("read the repository", lambda: self._get_with_headers(self._repo_path))
        except ForgeError as exc:
            return replace(base, error=str(exc))
        scopes = headers.get("x-oauth-scopes")
        report = replace(
            base, readable=True, private=repo.get("private"), default_branch=repo.get("default_branch", ""),
            scopes=tuple(s.strip() for s in scopes.split(",") if s.strip()) if scopes is not None else None,
            accepted_permissions=headers.get("x-accepted-github-permissions", ""),
            permissions=repo.get("permissions"), rate_remaining=headers.get("x-ratelimit-remaining", ""),
        )
        try:
            workflow = self._rest("GET", f"{self._repo_path}/actions/permissions/workflow",
                                  "read the repository's Actions workflow permissions")
            report = replace(report, workflow_permissions=workflow)
        except ForgeError as exc:
            report = replace(report, workflow_error=str(exc))
        return self._inspect_people_and_labels(report)

    def _inspect_people_and_labels(self, report: AccessReport) -> AccessReport:
        s = self.settings
        try:
            labels = self._list(f"{self._repo_path}/labels", "read labels")
            existing = {label["name"].lower() for label in labels}
            missing = tuple(spec.name for spec in s.labels if spec.name.lower() not in existing)
        except ForgeError:
            missing = tuple(spec.name for spec in s.labels)
        people: dict[str, str] = {}
        for login in dict.fromkeys((*s.reviewers, *s.assignees)):
            try:
                people[login] = self.permission(login)
            except ForgeError as exc:
                people[login] = f"unknown ({exc})"
        return replace(report, missing_labels=missing, people=people)

