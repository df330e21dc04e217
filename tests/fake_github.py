"""A stateful fake GitHub (REST + GraphQL) on 127.0.0.1, for tests of the bot's real GitHub client.

What it keeps: one repository with a tiny git (blobs, flat trees of path -> blob, commits with
parents, refs), pull requests, issues (locked ones take comments and reactions from collaborators
only), comments, labels, reactions, collaborators, the Actions
workflow-permission setting, and "remote" repositories (stars, archived, renamed, deleted) for
GraphQL lookups. Merging a PR is a real three-way merge (``git merge-file``); a conflict makes
the merge endpoint answer 405, as GitHub does.

What it checks: every REST request against GitHub's official REST description (trimmed copy in
``fixtures/github``, validated with openapi-core) and every GraphQL query against GitHub's
schema (graphql-core), executed by graphql-core itself over the fake's state. A request the
real API would reject is answered 422 and recorded in ``violations``; the ``fake_github``
fixture fails the test at teardown if there is any.

Known deviation, accepted on purpose: PyGithub's ``Issue.add_to_labels`` posts a bare JSON array
of label names to ``POST /repos/{owner}/{repo}/issues/{issue_number}/labels``. GitHub accepts it
(its docs say so), but the published description only lists the ``{"labels": [...]}`` object.

Fault injection (``fail``, ``rate_limit``, ``timeout_after_write``, ``fail_after_write``) and a
request counter by method and route (``counts``) for the bot's token.
"""

from __future__ import annotations

import base64
import fnmatch
import gzip
import hashlib
import itertools
import json
import logging
import math
import re
import shlex
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import graphql
import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "github"
OPENAPI_FILE = FIXTURES / "api.github.com.trimmed.openapi.json.gz"
GRAPHQL_FILE = FIXTURES / "graphql-schema.graphql.gz"
BOT_TOKEN = "ghs_fakeBotInstallationToken000000000000"
MAINTAINER_TOKEN = "ghp_fakeMaintainerClassicToken0000000000"
BOT_LOGIN = "github-actions[bot]"
MAINTAINER_LOGIN = "maintainer"
KNOWN_DEVIATIONS = {
    (
        "POST",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    ): "PyGithub's add_to_labels sends a bare JSON array of names (accepted by GitHub)",
}
_SLASH_PARAMS = {"ref", "path", "branch"}  # path parameters whose values may contain '/'

logging.getLogger("werkzeug").setLevel(logging.ERROR)


# -- the API descriptions ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    spec = json.loads(gzip.decompress(OPENAPI_FILE.read_bytes()))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@lru_cache(maxsize=1)
def graphql_schema() -> graphql.GraphQLSchema:
    # GitHub's published SDL defines two EnterpriseOwnerInfo fields twice; graphql-core's SDL
    # validation rejects that, so the SDL is trusted as published (queries are still validated).
    sdl = gzip.decompress(GRAPHQL_FILE.read_bytes()).decode("utf-8")
    return graphql.build_schema(sdl, assume_valid_sdl=True)


@dataclass
class _OpenAPIRequest:
    """A request as openapi-core reads it; '/' inside {ref} and {path} values is sent as %2F so
    that openapi-core's one-segment path parameters match (GitHub allows slashes there)."""

    method: str
    path: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    host_url: str = "https://api.github.com"

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


# -- errors the handlers raise -------------------------------------------------------------------


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors, headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message": self.message,
            "documentation_url": "https://docs.github.com/rest",
            "status": str(self.status),
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def _validation_failed(message: str, **error: Any) -> ApiError:
    return ApiError(422, "Validation Failed", [{"message": message, **error} if message else error])


BODY_LIMIT = 65_536  # characters of an issue, pull request or comment body, as GitHub takes them


def _body_fits(body: dict[str, Any], resource: str) -> None:
    """GitHub refuses a body over 65,536 characters (422, as it words it)."""
    if len(body.get("body") or "") > BODY_LIMIT:
        raise _validation_failed(
            f"body is too long (maximum is {BODY_LIMIT} characters)",
            resource=resource,
            code="custom",
            field="body",
        )


class GraphQLNotFound(Exception):
    """A field GitHub resolves to null with a NOT_FOUND error (a missing repository)."""


class GraphQLBadArgument(Exception):
    """An argument the real API refuses (e.g. first: 101): recorded as a violation."""


def _is_mutation(request: Request) -> bool:
    try:
        document = graphql.parse((request.get_json(silent=True) or {}).get("query") or "")
    except graphql.GraphQLError:
        return False
    return any(getattr(d, "operation", None) == graphql.OperationType.MUTATION for d in document.definitions)


class GraphQLRefRefused(Exception):
    """``updateRefs`` refused as GitHub refuses it: a ref no longer at its ``beforeOid`` (another
    writer moved it; the bot must expect this), or an unknown object."""


# -- a tiny git -------------------------------------------------------------------------------------


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    date: str


class Git:
    """Blobs, flat trees (path -> blob sha), commits and refs."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, dict[str, str]] = {}
        self.commits: dict[str, Commit] = {}
        self.refs: dict[str, str] = {}  # "refs/heads/main" -> commit sha
        self._clock = itertools.count(1)

    def blob(self, data: bytes) -> str:
        sha = blob_sha(data)
        self.blobs[sha] = data
        return sha

    def tree(self, files: dict[str, str]) -> str:
        sha = hashlib.sha1(b"tree " + json.dumps(sorted(files.items())).encode()).hexdigest()
        self.trees[sha] = dict(files)
        return sha

    def commit(self, tree: str, parents: list[str], message: str) -> str:
        tick = next(self._clock)
        date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + tick))
        sha = hashlib.sha1(f"commit {tree} {parents} {message} {tick}".encode()).hexdigest()
        self.commits[sha] = Commit(sha, tree, list(parents), message, date)
        return sha

    def files(self, commit_sha: str) -> dict[str, str]:
        return self.trees[self.commits[commit_sha].tree]

    def text(self, commit_sha: str, path: str) -> str | None:
        sha = self.files(commit_sha).get(path)
        return None if sha is None else self.blobs[sha].decode("utf-8")

    def ancestors(self, sha: str) -> list[str]:
        order, queue, seen = [], [sha], {sha}
        while queue:
            current = queue.pop(0)
            order.append(current)
            for parent in self.commits[current].parents:
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return order

    def merge_base(self, a: str, b: str) -> str | None:
        of_b = set(self.ancestors(b))
        return next((sha for sha in self.ancestors(a) if sha in of_b), None)

    def three_way(self, base: str | None, ours: str, theirs: str) -> dict[str, str] | None:
        """The merged tree of two commits, or None on a conflict."""
        base_files = self.files(base) if base else {}
        our_files, their_files = self.files(ours), self.files(theirs)
        merged: dict[str, str] = {}
        for path in sorted(set(base_files) | set(our_files) | set(their_files)):
            b, o, t = base_files.get(path), our_files.get(path), their_files.get(path)
            if o == t or b == t:
                result = o
            elif b == o:
                result = t
            elif o is None or t is None:
                return None  # modified on one side, deleted on the other
            else:
                text = merge_file(self.blobs[b] if b else b"", self.blobs[o], self.blobs[t])
                if text is None:
                    return None
                result = self.blob(text)
            if result is not None:
                merged[path] = result
        return merged


def merge_file(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """diff3 with ``git merge-file``: the merged text, or None when the changes conflict."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(str(path))
        done = subprocess.run(["git", "merge-file", "-p", *paths], capture_output=True, check=False)
    if done.returncode < 0 or done.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {done.stderr!r}")
    return None if done.returncode else done.stdout


# -- state ------------------------------------------------------------------------------------------


@dataclass
class Issue:
    number: int
    title: str
    body: str
    user: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None
    # a locked conversation ("too heated", "off-topic", "resolved", "spam"): only collaborators
    # with write access may comment or react (``FakeGitHub.lock_issue``)
    lock_reason: str | None = None
    locked: bool = False
    # pull requests only
    head: str | None = None
    base: str | None = None
    merged: bool = False
    merged_at: str | None = None
    merge_commit_sha: str | None = None
    closed_head_sha: str | None = None  # the head when the branch went away
    cross_repository: bool = False  # from a fork: its head branch is the fork's, whatever its name
    # the timeline's closing events, oldest first: (GraphQL type, actor's login): "ClosedEvent",
    # "ReopenedEvent", "HeadRefDeletedEvent" (a PR whose head branch is deleted is closed in the
    # name of who deleted it)
    events: list[tuple[str, str]] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)

    @property
    def is_pull(self) -> bool:
        return self.head is not None


SEARCH_LIMIT = 1_000  # results of one search (GitHub: "only the first 1000 search results are available")


def _date_matches(created_at: str, qualifier: str) -> bool:
    """A search's ``created:`` qualifier (``<=``, ``<``, ``>=``, ``>`` and an ISO 8601 time or
    date, or a date alone): ISO 8601 times in UTC compare as text."""
    for operator, test in (
        ("<=", lambda a, b: a <= b),
        (">=", lambda a, b: a >= b),
        ("<", lambda a, b: a < b),
        (">", lambda a, b: a > b),
    ):
        if qualifier.startswith(operator):
            bound = qualifier[len(operator) :]
            if "T" not in bound and operator in ("<=", ">"):
                bound += "T23:59:59Z"
            return bool(test(created_at, bound))
    return created_at.startswith(qualifier)


@dataclass
class IssueComment:
    id: int
    issue: int
    body: str
    user: str
    created_at: str
    updated_at: str


@dataclass
class RemoteRepo:
    """A repository the catalog links to, for GraphQL ``repository`` lookups."""

    full_name: str
    stars: int = 0
    archived: bool = False


# what github.com's GraphQL answers (HTTP 200) for a query that timed out on its side
GRAPHQL_TIMEOUT = (
    "Something went wrong while executing your query. This may be the result of a timeout, or it "
    "could be a GitHub bug. Please include `0401:6C25:28BCA72:539243A:638E5DA9` when reporting this "
    "issue."
)


@dataclass
class Fault:
    method: str
    route: str
    kind: str  # status | rate_limit | timeout_after_write | status_after_write | meanwhile | graphql_error
    status: int = 502
    message: str = "Server Error"
    retry_after: int | None = None
    delay: float = 1.6
    times: int = 1
    primary: bool = False
    when: Callable[[Any], bool] | None = None
    action: Callable[[], Any] | None = None  # meanwhile: what the other writer does


@dataclass(frozen=True)
class Incoming:
    """One request's body and query, parsed once."""

    raw: bytes
    body: Any
    query: dict[str, str]
    query_pairs: list[tuple[str, str]]
    content_type: str

    @classmethod
    def of(cls, request: Request) -> Incoming:
        raw = request.get_data()
        pairs = parse_qsl(request.query_string.decode(), keep_blank_values=True)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"__invalid_json__": raw.decode("utf-8", "replace")}
        return cls(raw, body, dict(pairs), pairs, request.headers.get("Content-Type", ""))


@dataclass
class Route:
    method: str
    template: str
    handler: Callable[..., Any]
    regex: re.Pattern[str]


def _route_regex(template: str) -> re.Pattern[str]:
    def param(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SLASH_PARAMS:
            return f"(?P<{name}>.+)"
        if name.endswith(("_number", "_id")):
            return f"(?P<{name}>[0-9]+)"
        return f"(?P<{name}>[^/]+)"

    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", param, re.escape(template)) + "$")


ROUTES: list[tuple[str, str, str]] = []


def route(method: str, template: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append((method, template, handler.__name__))
        return handler

    return register


# -- the server -------------------------------------------------------------------------------------


class FakeGitHub:
    def __init__(
        self,
        owner: str = "octo-org",
        name: str = "awesome-efficient-llm",
        files: dict[str, str] | None = None,
        default_branch: str = "main",
    ) -> None:
        self.owner, self.name, self.default_branch = owner, name, default_branch
        openapi(), graphql_schema()  # load both descriptions before any client starts its timeout
        self.lock = threading.RLock()
        self.git = Git()
        self.issues: dict[int, Issue] = {}
        self.comments: dict[int, IssueComment] = {}
        self.labels: dict[str, dict[str, str]] = {}  # lower name -> {name, color, description}
        self.search_limit = SEARCH_LIMIT  # a test may lower it (GitHub's is 1,000)
        self.reactions: list[tuple[str, int, str, str]] = []  # (kind, id, content, user)
        self.collaborators: dict[str, str] = {MAINTAINER_LOGIN: "admin"}
        self.unknown_users: set[str] = set()
        self.remote: dict[str, RemoteRepo] = {}
        self.renames: dict[str, str] = {}  # old lower name -> new full name
        self.tokens = {BOT_TOKEN: BOT_LOGIN, MAINTAINER_TOKEN: MAINTAINER_LOGIN}
        self.acting = MAINTAINER_LOGIN  # the login of the request being answered
        self.scopes: dict[str, str] = {MAINTAINER_TOKEN: "repo, workflow"}  # x-oauth-scopes per token
        self.workflow_permissions: dict[str, Any] | None = {
            "default_workflow_permissions": "read",
            "can_approve_pull_request_reviews": True,
        }
        self.delete_branch_on_merge = True
        # branch -> the checks its classic protection requires (GET /branches/{branch}'s summary)
        self.protected_branches: dict[str, list[str]] = {}
        # active ruleset rules: (fnmatch pattern of branch names, rule as GET /rules/branches answers it)
        self.branch_rules: list[tuple[str, dict[str, Any]]] = []
        self.mergeable_unknown = False  # True: GraphQL's mergeable is UNKNOWN (GitHub still computing)
        self.graphql_text_limit = 512 * 1024
        # mutations an older server (GitHub Enterprise Server) does not have: answered as GitHub
        # answers a field its schema lacks
        self.missing_mutations: set[str] = set()
        self.clock: Callable[[], float] = (
            time.time
        )  # what x-ratelimit-reset of a rate-limit fault counts from
        self.violations: list[str] = []
        self.counts: Counter[str] = Counter()  # "METHOD /route" for the bot's token
        self.faults: list[Fault] = []
        self.armed: list[tuple[str, str, Fault]] = []  # (method, route) that arms a fault once answered
        self._ids = itertools.count(1001)
        self._numbers = itertools.count(1)
        self._clock = itertools.count(1)
        self._routes = [Route(m, t, getattr(self, h), _route_regex(t)) for m, t, h in ROUTES]
        tree = self.git.tree({path: self.git.blob(text.encode()) for path, text in (files or {}).items()})
        self.git.refs[f"refs/heads/{default_branch}"] = self.git.commit(tree, [], "Initial commit")
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle and test helpers ----------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def repository(self) -> str:
        return f"{self.owner}/{self.name}"

    def now(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + next(self._clock)))

    def head(self, branch: str | None = None) -> str:
        return self.git.refs[f"refs/heads/{branch or self.default_branch}"]

    def file(self, path: str, branch: str | None = None) -> str | None:
        return self.git.text(self.head(branch), path)

    def branches(self) -> list[str]:
        return sorted(ref.removeprefix("refs/heads/") for ref in self.git.refs)

    def push(self, path: str, text: str, branch: str | None = None, message: str = "Edit") -> str:
        """A commit on ``branch`` (default branch) changing one file, as a human push would."""
        with self.lock:
            parent = self.head(branch)
            files = dict(self.git.files(parent))
            files[path] = self.git.blob(text.encode())
            sha = self.git.commit(self.git.tree(files), [parent], message)
            self.git.refs[f"refs/heads/{branch or self.default_branch}"] = sha
            return sha

    def pulls(self, state: str = "all") -> list[Issue]:
        return [i for i in self.issues.values() if i.is_pull and state in ("all", i.state)]

    def issue_comments(self, number: int) -> list[IssueComment]:
        return [c for c in self.comments.values() if c.issue == number]

    def add_remote(self, full_name: str, stars: int = 0, archived: bool = False) -> None:
        self.remote[full_name.lower()] = RemoteRepo(full_name, stars, archived)

    def rename_remote(self, old: str, new: str) -> None:
        repo = self.remote.pop(old.lower())
        repo.full_name = new
        self.remote[new.lower()] = repo
        self.renames[old.lower()] = new

    def add_comment(self, number: int, body: str, user: str = "someone") -> IssueComment:
        with self.lock:
            now = self.now()
            comment = IssueComment(next(self._ids), number, body, user, now, now)
            self.comments[comment.id] = comment
            return comment

    def add_issue(self, title: str, body: str, user: str = "someone", labels: tuple[str, ...] = ()) -> Issue:
        with self.lock:
            now = self.now()
            issue = Issue(
                next(self._numbers), title, body, user, labels=list(labels), created_at=now, updated_at=now
            )
            self.issues[issue.number] = issue
            return issue

    def seed_pull(
        self,
        branch: str,
        path: str,
        text: str,
        title: str,
        body: str,
        state: str = "open",
        labels: tuple[str, ...] = (),
        message: str | None = None,
        user: str = BOT_LOGIN,
        cross_repository: bool = False,
        closed_by: str = MAINTAINER_LOGIN,
    ) -> Issue:
        """A bot PR created directly in the state (for large-M measurements); its one commit's
        message is ``message`` (default: the title). ``cross_repository``: a fork's PR;
        ``closed_by``: who closed a closed one (its timeline's ``ClosedEvent``)."""
        with self.lock:
            parent = self.head()
            files = dict(self.git.files(parent))
            files[path] = self.git.blob(text.encode())
            sha = self.git.commit(self.git.tree(files), [parent], title if message is None else message)
            now = self.now()
            pull = Issue(
                next(self._numbers),
                title,
                body,
                user,
                labels=list(labels),
                created_at=now,
                updated_at=now,
                head=branch,
                base=self.default_branch,
                cross_repository=cross_repository,
            )
            if state == "open":
                self.git.refs[f"refs/heads/{branch}"] = sha
            else:
                pull.state, pull.closed_at, pull.closed_head_sha = "closed", now, sha
                pull.events.append(("ClosedEvent", closed_by))
                pull.merged = state == "merged"
                pull.merged_at = now if pull.merged else None
            self.issues[pull.number] = pull
            return pull

    def api(
        self, method: str, path: str, body: Any = None, token: str = MAINTAINER_TOKEN
    ) -> requests.Response:
        """A request by someone else (a maintainer by default), e.g. merging a PR."""
        return requests.request(
            method,
            self.url + path,
            json=body,
            timeout=10,
            headers={"Authorization": f"token {token}", "Accept": "application/vnd.github+json"},
        )

    def merge(self, number: int, method: str = "merge") -> requests.Response:
        return self.api("PUT", f"/repos/{self.repository}/pulls/{number}/merge", {"merge_method": method})

    def reset_counts(self) -> None:
        self.counts.clear()

    def writes(self) -> int:
        return sum(
            n for key, n in self.counts.items() if not key.startswith("GET ") and key != "POST /graphql"
        )

    def reads(self) -> int:
        return sum(self.counts.values()) - self.writes()

    # -- fault injection -----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        route: str,
        status: int = 502,
        times: int = 1,
        message: str = "Server Error",
        when: Callable[[Any], bool] | None = None,
    ) -> None:
        """Answer ``status`` without applying anything."""
        self.faults.append(Fault(method, route, "status", status, message, times=times, when=when))

    def fail_after(
        self,
        after: tuple[str, str],
        method: str,
        route: str,
        status: int = 502,
        times: int = 1,
        message: str = "Server Error",
    ) -> None:
        """Once a request to ``after`` (method, route) has been answered, answer the next
        ``times`` requests to ``method route`` with ``status`` (e.g. fail a listing once the
        run's first pull request is open)."""
        self.armed.append((*after, Fault(method, route, "status", status, message, times=times)))

    def rate_limit(
        self, method: str, route: str, retry_after: int | None = 1, times: int = 1, primary: bool = False
    ) -> None:
        """403 secondary rate limit (with Retry-After), or the primary limit (x-ratelimit-* only)."""
        message = (
            "API rate limit exceeded for installation."
            if primary
            else "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        )
        self.faults.append(
            Fault(method, route, "rate_limit", 403, message, retry_after, times=times, primary=primary)
        )

    def timeout_after_write(self, method: str, route: str, delay: float = 1.6, times: int = 1) -> None:
        """Apply the request, then answer only after ``delay`` seconds (the client has given up)."""
        self.faults.append(Fault(method, route, "timeout_after_write", delay=delay, times=times))

    def fail_after_write(
        self,
        method: str,
        route: str,
        status: int = 422,
        message: str = "Reference already exists",
        times: int = 1,
    ) -> None:
        """Apply the request, then answer an error anyway (a concurrent writer got there first)."""
        self.faults.append(Fault(method, route, "status_after_write", status, message, times=times))

    def graphql_error(self, times: int = 1, message: str = GRAPHQL_TIMEOUT) -> None:
        """Answer the next ``times`` GraphQL requests as GitHub does when a query ran out of time on
        its side: HTTP 200, no data, one error (nothing applied)."""
        self.faults.append(Fault("POST", "/graphql", "graphql_error", 200, message, times=times))

    def meanwhile(self, method: str, route: str, action: Callable[[], Any], times: int = 1) -> None:
        """Run ``action`` (another writer: a concurrent run, a maintainer's push) just before the
        next ``times`` requests to ``method route`` are applied: a race, deterministically."""
        self.faults.append(Fault(method, route, "meanwhile", times=times, action=action))

    def _take_fault(self, method: str, template: str, body: Any) -> Fault | None:
        for fault in self.faults:
            if (
                fault.method == method
                and fault.route == template
                and fault.times > 0
                and (fault.when is None or fault.when(body))
            ):
                fault.times -= 1
                return fault
        return None

    # -- WSGI ------------------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._respond(request)
        return response(environ, start_response)

    def _match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        for candidate in self._routes:
            if candidate.method != method:
                continue
            found = candidate.regex.match(raw_path)
            if found:
                return candidate, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def _respond(self, request: Request) -> Response:
        raw_path = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        raw_path = raw_path.split("?", 1)[0]
        token = (request.headers.get("Authorization") or "").split(" ", 1)[-1]
        login = self.tokens.get(token)
        if raw_path == "/graphql" and request.method == "POST":
            template, params, handler = "/graphql", {}, None
        else:
            matched = self._match(request.method, raw_path)
            if matched is None:
                self.violations.append(
                    f"{request.method} {raw_path}: no such route in the fake (or in GitHub)"
                )
                return self._json(404, {"message": "Not Found"}, token)
            template, params, handler = matched[0].template, matched[1], matched[0].handler
        key = f"{request.method} {template}"
        if handler is None and _is_mutation(request):  # a write, counted as one
            key += " mutation"
        if login == BOT_LOGIN:
            with self.lock:
                self.counts[key] += 1
        if login is None:
            return self._json(401, {"message": "Bad credentials"}, token)
        incoming = Incoming.of(request)
        problem = (
            self._check_graphql(incoming.body)
            if handler is None
            else self._check_rest(request, template, params, incoming)
        )
        if problem:
            self.violations.append(f"{key}: {problem}")
            return self._json(422, {"message": f"Invalid request (fake GitHub): {problem}"}, token)
        return self._run(request.method, template, params, incoming, handler, login, token)

    def _run(
        self,
        method: str,
        template: str,
        params: dict[str, str],
        incoming: Incoming,
        handler: Callable[..., Any] | None,
        login: str,
        token: str,
    ) -> Response:
        fault = self._take_fault(method, template, incoming.body)
        if fault and fault.kind == "meanwhile" and fault.action is not None:
            fault.action()
        if fault and fault.kind in ("status", "rate_limit"):
            return self._fault_response(fault, token)
        if fault and fault.kind == "graphql_error":
            return self._json(200, {"data": None, "errors": [{"message": fault.message}]}, token)
        try:
            with self.lock:
                self.acting = login  # who GitHub records as the actor of what this request does
                if handler is None:
                    status, data = 200, self._graphql(incoming.body, login)
                else:
                    status, data = handler(
                        params=params, query=incoming.query, body=incoming.body, login=login
                    )
        except ApiError as error:
            return self._json(error.status, error.body(), token, error.headers)
        for armed in [a for a in self.armed if a[:2] == (method, template) and status < 400]:
            self.armed.remove(armed)
            self.faults.append(armed[2])
        if fault and fault.kind == "timeout_after_write":
            time.sleep(fault.delay)
        if fault and fault.kind == "status_after_write":
            return self._json(fault.status, {"message": fault.message}, token)
        return self._json(status, data, token)

    def _fault_response(self, fault: Fault, token: str) -> Response:
        headers: dict[str, str] = {}
        if fault.kind == "rate_limit":
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            if fault.primary:
                headers.update(
                    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(self.clock()) + 30)}
                )
        return self._json(fault.status, {"message": fault.message}, token, headers)

    def _json(self, status: int, data: Any, token: str, extra: dict[str, str] | None = None) -> Response:
        headers = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "4999",
            "x-ratelimit-used": "1",
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
            "x-github-request-id": f"FAKE:{next(self._ids)}",
            "x-github-api-version-selected": "2022-11-28",
        }
        if token in self.scopes:
            headers["x-oauth-scopes"] = self.scopes[token]
        headers.update(extra or {})
        text = "" if status == 204 else json.dumps(data)
        return Response(text, status=status, headers=headers, content_type="application/json; charset=utf-8")

    # -- validation ------------------------------------------------------------------------------------

    def _check_rest(
        self, request: Request, template: str, params: dict[str, str], incoming: Incoming
    ) -> str | None:
        path = template
        for name, value in params.items():
            segment = quote(value, safe="")  # a name of dots stays one segment (not "..": the parent)
            path = path.replace(
                "{" + name + "}", segment if segment.strip(".") else segment.replace(".", "%2E")
            )
        body = incoming.raw or None
        content_type = (incoming.content_type or ("application/json" if body else "")).split(";")[0].lower()
        candidate = _OpenAPIRequest(
            method=request.method.lower(),
            path=path,
            body=body,
            content_type=content_type,
            parameters=RequestParameters(
                query=ImmutableMultiDict(incoming.query_pairs),
                header=Headers(dict(request.headers)),
                cookie=ImmutableMultiDict(),
            ),
        )
        try:
            openapi().validate_request(candidate)
        except Exception as exc:  # openapi-core raises one of many error classes
            deviation = KNOWN_DEVIATIONS.get((request.method, template))
            parsed = json.loads(body) if body else None
            if deviation and isinstance(parsed, list) and all(isinstance(x, str) for x in parsed):
                return None
            detail = "; ".join(str(e) for e in getattr(exc, "schema_errors", ()) or [])
            return f"{exc.__class__.__name__}: {exc}" + (f" [{detail}]" if detail else "")
        return None

    def _check_graphql(self, body: Any) -> str | None:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return "a GraphQL request needs a JSON body with a 'query' string"
        try:
            document = graphql.parse(body["query"])
        except graphql.GraphQLError as exc:
            return f"GraphQL syntax error: {exc.message}"
        errors = graphql.validate(graphql_schema(), document)
        if errors:
            return "GraphQL query invalid for GitHub's schema: " + "; ".join(e.message for e in errors[:5])
        return None

    # -- GraphQL execution -----------------------------------------------------------------------------

    def _graphql(self, body: dict[str, Any], login: str) -> dict[str, Any]:
        document = graphql.parse(body["query"])
        missing = [
            selection.name.value
            for definition in document.definitions
            if isinstance(definition, graphql.OperationDefinitionNode)
            and definition.operation == graphql.OperationType.MUTATION
            for selection in definition.selection_set.selections
            if isinstance(selection, graphql.FieldNode) and selection.name.value in self.missing_mutations
        ]
        if missing:  # as GitHub answers a field its schema lacks
            return {
                "errors": [
                    {
                        "message": f"Field '{name}' doesn't exist on type 'Mutation'",
                        "extensions": {"code": "undefinedField", "typeName": "Mutation", "fieldName": name},
                    }
                    for name in missing
                ]
            }
        result = graphql.execute_sync(
            graphql_schema(),
            document,
            root_value=self._graphql_root(login),
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName"),
        )
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [self._graphql_error(error) for error in result.errors]
        return out

    def _graphql_error(self, error: graphql.GraphQLError) -> dict[str, Any]:
        formatted = dict(error.formatted)
        original = error.original_error
        if isinstance(original, GraphQLNotFound):
            formatted["type"] = "NOT_FOUND"
        elif isinstance(original, GraphQLRefRefused):
            formatted["type"] = "UNPROCESSABLE"
        else:
            self.violations.append(f"POST /graphql: the real API would answer with an error: {error.message}")
        return formatted

    def _graphql_root(self, login: str) -> dict[str, Any]:
        return {
            "repository": lambda info, owner, name, **_: self._repository_node(owner, name),
            "search": lambda info, query, type, **page: self._search_connection(query, type, page),
            "viewer": {"__typename": "User", "login": login},
            "updateRefs": lambda info, input: self._update_refs(input),
            "rateLimit": lambda info, **_: {
                "cost": 1,
                "limit": 5000,
                "remaining": 4999,
                "used": 1,
                "nodeCount": 1,
                "resetAt": self.now(),
            },
        }

    @staticmethod
    def _connection(items: list[Any], page: dict[str, Any], name: str) -> dict[str, Any]:
        first = page.get("first")
        if first is None:
            raise GraphQLBadArgument(
                f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
            )
        if not 0 <= first <= 100:
            raise GraphQLBadArgument(
                f"Requesting {first} records on the `{name}` connection exceeds the "
                "`first` limit of 100 records."
            )
        start = int(base64.b64decode(page["after"]).decode().split(":")[1]) + 1 if page.get("after") else 0
        chosen = items[start : start + first]
        cursors = [base64.b64encode(f"cursor:{start + i}".encode()).decode() for i in range(len(chosen))]
        return {
            "totalCount": len(items),
            "nodes": chosen,
            "edges": [{"node": node, "cursor": cursor} for node, cursor in zip(chosen, cursors, strict=True)],
            "pageInfo": {
                "hasNextPage": start + len(chosen) < len(items),
                "hasPreviousPage": start > 0,
                "startCursor": cursors[0] if cursors else None,
                "endCursor": cursors[-1] if cursors else None,
            },
        }

    def _repository_node(self, owner: str, name: str) -> dict[str, Any]:
        full = f"{owner}/{name}"
        if full.lower() == self.repository.lower():
            return self._own_repository_node()
        remote = self.remote.get(full.lower())
        if remote is None and full.lower() in self.renames:
            remote = self.remote.get(self.renames[full.lower()].lower())
        if remote is None:
            raise GraphQLNotFound(f"Could not resolve to a Repository with the name '{full}'.")
        return {
            "__typename": "Repository",
            "nameWithOwner": remote.full_name,
            "name": remote.full_name.split("/")[1],
            "stargazerCount": remote.stars,
            "isArchived": remote.archived,
            "url": f"https://github.com/{remote.full_name}",
            "defaultBranchRef": None,
        }

    def _update_refs(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The ``updateRefs`` mutation: every update checked first, then all applied (atomic)."""
        if spec["repositoryId"] != self.repository_node_id:
            raise GraphQLNotFound(
                f"Could not resolve to a node with the global id of '{spec['repositoryId']}'"
            )
        zero = "0" * 40
        for update in spec["refUpdates"]:
            name, before, after = update["name"], update.get("beforeOid"), update["afterOid"]
            current = self.git.refs.get(name, zero)
            if before is not None and current != before:
                raise GraphQLRefRefused(f"Expected {name} to point to {before}, but it points to {current}")
            if after != zero and after not in self.git.commits:
                raise GraphQLRefRefused(f"Object {after} does not exist")
            fast_forward = current == zero or after == zero or current in self.git.ancestors(after)
            if not update.get("force") and not fast_forward:
                raise GraphQLRefRefused(f"Update of {name} is not a fast forward")
        for update in spec["refUpdates"]:
            if update["afterOid"] == zero:
                self._branch_gone(update["name"].removeprefix("refs/heads/"))
                self.git.refs.pop(update["name"], None)
            else:
                self.git.refs[update["name"]] = update["afterOid"]
        return {"clientMutationId": spec.get("clientMutationId")}

    @property
    def repository_node_id(self) -> str:
        return "R_" + base64.b64encode(self.repository.encode()).decode().rstrip("=")

    def _own_repository_node(self) -> dict[str, Any]:
        label_nodes = [
            {"__typename": "Label", "name": spec["name"], "color": spec["color"]}
            for spec in self.labels.values()
        ]

        def pull_requests(info: Any, states: list[str] | None = None, **page: Any) -> dict[str, Any]:
            pulls = [p for p in self.pulls() if not states or self._graphql_state(p) in states]
            if page.get("headRefName"):
                pulls = [p for p in pulls if p.head == page["headRefName"]]
            return self._connection([self._pull_node(p) for p in pulls], page, "pullRequests")

        return {
            "__typename": "Repository",
            "id": self.repository_node_id,
            "nameWithOwner": self.repository,
            "name": self.name,
            "stargazerCount": 0,
            "isArchived": False,
            "url": f"https://github.com/{self.repository}",
            "defaultBranchRef": self._ref_node(self.default_branch),
            "labels": lambda info, **page: self._connection(label_nodes, page, "labels"),
            "pullRequests": pull_requests,
            "object": lambda info, oid=None, expression=None: (
                self._commit_node(oid) if oid in self.git.commits else None
            ),
        }

    def _ref_node(self, branch: str) -> dict[str, Any] | None:
        sha = self.git.refs.get(f"refs/heads/{branch}")
        if sha is None:
            return None
        return {
            "__typename": "Ref",
            "name": branch,
            "prefix": "refs/heads/",
            "target": self._commit_node(sha),
        }

    def _commit_node(self, sha: str) -> dict[str, Any]:
        commit = self.git.commits[sha]
        return {
            "__typename": "Commit",
            "oid": sha,
            "abbreviatedOid": sha[:7],
            "message": commit.message,
            "tree": {"__typename": "Tree", "oid": commit.tree},
            "parents": lambda info, **page: self._connection(
                [self._commit_node(p) for p in commit.parents], page, "parents"
            ),
            "file": lambda info, path: self._tree_entry(commit.tree, path),
        }

    def _tree_entry(self, tree: str, path: str) -> dict[str, Any] | None:
        sha = self.git.trees[tree].get(path)
        if sha is None:
            return None
        data = self.git.blobs[sha]
        text = data.decode("utf-8")
        truncated = len(data) > self.graphql_text_limit
        blob = {
            "__typename": "Blob",
            "oid": sha,
            "byteSize": len(data),
            "isBinary": False,
            "isTruncated": truncated,
            "text": text[: self.graphql_text_limit] if truncated else text,
        }
        return {
            "__typename": "TreeEntry",
            "oid": sha,
            "path": path,
            "name": path.rsplit("/", 1)[-1],
            "mode": 33188,
            "type": "blob",
            "object": blob,
        }

    @staticmethod
    def _graphql_state(pull: Issue) -> str:
        if pull.merged:
            return "MERGED"
        return "OPEN" if pull.state == "open" else "CLOSED"

    def _pull_node(self, pull: Issue) -> dict[str, Any]:
        head_ref = self._ref_node(pull.head or "") if pull.state == "open" else None
        labels = [
            {"__typename": "Label", "name": self.labels.get(n.lower(), {"name": n})["name"]}
            for n in pull.labels
        ]
        return {
            "__typename": "PullRequest",
            "number": pull.number,
            "title": pull.title,
            "body": pull.body,
            "url": self._html(f"pull/{pull.number}"),
            "state": self._graphql_state(pull),
            "merged": pull.merged,
            "closed": pull.state == "closed",
            "isCrossRepository": pull.cross_repository,
            "headRefName": pull.head,
            "baseRefName": pull.base,
            "changedFiles": self._changed_files(pull),
            "headRefOid": self._pull_head_sha(pull),
            "headRef": head_ref,
            "mergeable": lambda info: self._mergeable_state(pull),
            "commits": lambda info, **page: self._connection(
                [
                    {"__typename": "PullRequestCommit", "commit": self._commit_node(sha)}
                    for sha in self._pull_commits(pull)
                ],
                page,
                "commits",
            ),
            "author": {"__typename": "Bot" if pull.user.endswith("[bot]") else "User", "login": pull.user},
            "labels": lambda info, **page: self._connection(labels, page, "labels"),
            "timelineItems": lambda info, **page: self._timeline(pull, page),
            "createdAt": pull.created_at,
            "updatedAt": pull.updated_at,
        }

    def _timeline(self, pull: Issue, page: dict[str, Any]) -> dict[str, Any]:
        """A PR's ``timelineItems`` of the closing kinds (``itemTypes``), the ``first`` or ``last``
        ones (one of them, at most 100, as GitHub requires)."""
        kinds = {"CLOSED_EVENT": "ClosedEvent", "REOPENED_EVENT": "ReopenedEvent"}
        kinds["HEAD_REF_DELETED_EVENT"] = "HeadRefDeletedEvent"
        wanted = {kinds.get(str(k), str(k)) for k in page.get("itemTypes") or kinds}
        nodes = [
            {
                "__typename": kind,
                "actor": {"__typename": "Bot" if actor.endswith("[bot]") else "User", "login": actor},
            }
            for kind, actor in pull.events
            if kind in wanted
        ]
        last = page.get("last")
        if last is not None and page.get("first") is None and 0 <= last <= 100:
            return self._connection(nodes[max(0, len(nodes) - last) :], {"first": last}, "timelineItems")
        return self._connection(nodes, page, "timelineItems")

    def _issue_node(self, issue: Issue) -> dict[str, Any]:
        return {
            "__typename": "Issue",
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "url": self._html(f"issues/{issue.number}"),
            "state": issue.state.upper(),
            "closed": issue.state == "closed",
        }

    def _search_connection(self, query: str, kind: str, page: dict[str, Any]) -> dict[str, Any]:
        if kind != "ISSUE":
            raise GraphQLBadArgument(f"the fake only searches issues and pull requests, not {kind}")
        found = self.search(query)
        # GitHub gives at most 1,000 results of a search, whatever the pages; issueCount is all
        nodes = [self._pull_node(i) if i.is_pull else self._issue_node(i) for i in found[: self.search_limit]]
        connection = self._connection(nodes, page, "search")
        connection["issueCount"] = len(found)
        return connection

    # -- search (REST and GraphQL) -------------------------------------------------------------------

    def search(self, q: str) -> list[Issue]:
        """Issues and PRs matching GitHub search qualifiers the bot uses; newest first (or as a
        ``sort:created-asc`` / ``sort:created-desc`` qualifier says)."""
        terms = shlex.split(q)
        found = [issue for issue in self.issues.values() if self._matches(issue, terms)]
        ascending = "sort:created-asc" in terms
        return sorted(found, key=lambda i: (i.created_at, i.number), reverse=not ascending)

    def _matches(self, issue: Issue, terms: list[str]) -> bool:
        texts: list[str] = []
        scope = "title body"
        for term in terms:
            key, _, value = term.partition(":")
            if key == "in" and value:
                scope = value
            elif key == "sort" and value in ("created-asc", "created-desc"):
                continue
            elif key == "created" and value:
                if not _date_matches(issue.created_at, value):
                    return False
            elif value and key in {"repo", "is", "type", "state", "head", "base", "label", "author"}:
                if not self._qualifier(issue, key, value):
                    return False
            elif value and key.startswith("-") and key[1:] in {"is", "head", "base", "label", "author"}:
                if self._qualifier(issue, key[1:], value):  # GitHub: "-qualifier" excludes its matches
                    return False
            else:
                texts.append(term.lower())
        haystack = " ".join(getattr(issue, part) or "" for part in ("title", "body") if part in scope).lower()
        return all(text in haystack for text in texts)

    def _qualifier(self, issue: Issue, key: str, value: str) -> bool:
        if key == "repo":
            return value.lower() == self.repository.lower()
        if key in ("is", "type", "state"):
            return self._is(issue, value)
        if key == "head":  # GitHub: "branch names beginning with"
            return issue.is_pull and (issue.head or "").startswith(value)
        if key == "base":
            return issue.base == value
        if key == "label":
            return value.lower() in {n.lower() for n in issue.labels}
        return issue.user == value.removeprefix("app/") + ("[bot]" if value.startswith("app/") else "")

    @staticmethod
    def _is(issue: Issue, value: str) -> bool:
        checks = {
            "pr": issue.is_pull,
            "issue": not issue.is_pull,
            "open": issue.state == "open",
            "closed": issue.state == "closed",
            "merged": issue.merged,
            "unmerged": issue.is_pull and not issue.merged,
        }
        return checks.get(value, False)

    # -- JSON shapes -------------------------------------------------------------------------------

    def _api(self, path: str) -> str:
        return f"{self.url}/repos/{self.repository}{path}"

    def _html(self, path: str) -> str:
        return f"{self.url}/{self.repository}/{path}"

    def _user(self, login: str) -> dict[str, Any]:
        user_id = int(hashlib.sha1(login.encode()).hexdigest()[:6], 16)
        return {
            "login": login,
            "id": user_id,
            "node_id": f"U_{user_id}",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "site_admin": False,
            "url": f"{self.url}/users/{quote(login)}",
            "html_url": f"{self.url}/{quote(login)}",
        }

    def _label(self, name: str) -> dict[str, Any]:
        spec = self.labels.get(name.lower()) or {"name": name, "color": "ededed", "description": ""}
        return {
            "id": int(hashlib.sha1(name.lower().encode()).hexdigest()[:6], 16),
            "node_id": "LA_x",
            "url": self._api(f"/labels/{quote(spec['name'])}"),
            "default": False,
            **spec,
        }

    def _repo_json(self, login: str) -> dict[str, Any]:
        data = {
            "id": 1,
            "node_id": "R_1",
            "name": self.name,
            "full_name": self.repository,
            "owner": self._user(self.owner),
            "private": False,
            "archived": False,
            "default_branch": self.default_branch,
            "url": f"{self.url}/repos/{self.repository}",
            "html_url": self._html("").rstrip("/"),
            "stargazers_count": 0,
            "fork": False,
        }
        if not login.endswith("[bot]"):  # GitHub omits it for installation tokens
            role = self.collaborators.get(login, "read")
            order = ["read", "triage", "write", "maintain", "admin"]
            level = order.index(role) if role in order else -1
            data["permissions"] = {
                "pull": level >= 0,
                "triage": level >= 1,
                "push": level >= 2,
                "maintain": level >= 3,
                "admin": level >= 4,
            }
        return data

    def _ref_json(self, ref: str) -> dict[str, Any]:
        sha = self.git.refs[ref]
        return {
            "ref": ref,
            "node_id": "REF_x",
            "url": self._api(f"/git/{ref}"),
            "object": {"type": "commit", "sha": sha, "url": self._api(f"/git/commits/{sha}")},
        }

    def _commit_json(self, sha: str) -> dict[str, Any]:
        commit = self.git.commits[sha]
        person = {"name": "catalog-bot", "email": "bot@example.invalid", "date": commit.date}
        return {
            "sha": sha,
            "node_id": "C_x",
            "url": self._api(f"/git/commits/{sha}"),
            "html_url": self._html(f"commit/{sha}"),
            "message": commit.message,
            "author": person,
            "committer": person,
            "tree": {"sha": commit.tree, "url": self._api(f"/git/trees/{commit.tree}")},
            "parents": [
                {"sha": p, "url": self._api(f"/git/commits/{p}"), "html_url": self._html(f"commit/{p}")}
                for p in commit.parents
            ],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        }

    def _tree_json(self, sha: str) -> dict[str, Any]:
        entries = [
            {
                "path": path,
                "mode": "100644",
                "type": "blob",
                "sha": blob,
                "size": len(self.git.blobs[blob]),
                "url": self._api(f"/git/blobs/{blob}"),
            }
            for path, blob in sorted(self.git.trees[sha].items())
        ]
        return {"sha": sha, "url": self._api(f"/git/trees/{sha}"), "tree": entries, "truncated": False}

    def _pull_head_sha(self, pull: Issue) -> str | None:
        return self.git.refs.get(f"refs/heads/{pull.head}") if pull.state == "open" else pull.closed_head_sha

    def _pull_commits(self, pull: Issue) -> list[str]:
        """The PR's commits, oldest first: those of its head that its base branch lacks."""
        head = self._pull_head_sha(pull)
        if head is None:
            return []
        base = set(self.git.ancestors(self.head(pull.base))) if pull.base else set()
        return [sha for sha in self.git.ancestors(head) if sha not in base][::-1]

    def _changed_files(self, pull: Issue) -> int:
        head = self._pull_head_sha(pull)
        if head is None:
            return 0
        base = self.git.merge_base(head, self.head(pull.base)) if pull.base else None
        before = self.git.files(base) if base else {}
        after = self.git.files(head)
        return sum(1 for path in set(before) | set(after) if before.get(path) != after.get(path))

    def _mergeable(self, pull: Issue) -> bool | None:
        head = self._pull_head_sha(pull)
        if pull.state != "open" or head is None or pull.base is None:
            return None
        base_head = self.head(pull.base)
        return self.git.three_way(self.git.merge_base(head, base_head), base_head, head) is not None

    def _mergeable_state(self, pull: Issue) -> str:
        """GraphQL's MergeableState; UNKNOWN while ``mergeable_unknown`` (as GitHub answers right
        after a push, before its background merge check ran)."""
        mergeable = None if self.mergeable_unknown else self._mergeable(pull)
        return {True: "MERGEABLE", False: "CONFLICTING"}.get(mergeable, "UNKNOWN")  # type: ignore[arg-type]

    def _issue_json(self, issue: Issue) -> dict[str, Any]:
        kind = "pull" if issue.is_pull else "issues"
        data: dict[str, Any] = {
            "id": issue.number + 500_000,
            "node_id": f"I_{issue.number}",
            "number": issue.number,
            "url": self._api(f"/issues/{issue.number}"),
            "html_url": self._html(f"{kind}/{issue.number}"),
            "repository_url": f"{self.url}/repos/{self.repository}",
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "locked": issue.locked,
            "active_lock_reason": issue.lock_reason,
            "labels": [self._label(n) for n in issue.labels],
            "assignees": [self._user(a) for a in issue.assignees],
            "assignee": self._user(issue.assignees[0]) if issue.assignees else None,
            "user": self._user(issue.user),
            "comments": len(self.issue_comments(issue.number)),
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            # the REST description's ``closed_by`` (an issue's, one issue per request): who closed it
            "closed_by": next((self._user(a) for k, a in reversed(issue.events) if k == "ClosedEvent"), None)
            if issue.state == "closed"
            else None,
            "author_association": "NONE",
        }
        if issue.is_pull:
            data["pull_request"] = {
                "url": self._api(f"/pulls/{issue.number}"),
                "html_url": self._html(f"pull/{issue.number}"),
                "merged_at": issue.merged_at,
            }
        return data

    def _pull_json(self, pull: Issue) -> dict[str, Any]:
        head_sha = self._pull_head_sha(pull)
        repo = self._repo_json(BOT_LOGIN)
        data = self._issue_json(pull)
        data.pop("pull_request")
        data.update(
            {
                "url": self._api(f"/pulls/{pull.number}"),
                "issue_url": self._api(f"/issues/{pull.number}"),
                "merged": pull.merged,
                "merged_at": pull.merged_at,
                "merge_commit_sha": pull.merge_commit_sha,
                "mergeable": self._mergeable(pull),
                "draft": False,
                "commits": 1,
                "changed_files": self._changed_files(pull),
                "additions": 1,
                "deletions": 0,
                "requested_reviewers": [self._user(r) for r in pull.requested_reviewers],
                "requested_teams": [],
                "head": {
                    "label": f"{self.owner}:{pull.head}",
                    "ref": pull.head,
                    "sha": head_sha,
                    "repo": repo,
                    "user": self._user(self.owner),
                },
                "base": {
                    "label": f"{self.owner}:{pull.base}",
                    "ref": pull.base,
                    "sha": self.head(pull.base),
                    "repo": repo,
                    "user": self._user(self.owner),
                },
            }
        )
        return data

    def _comment_json(self, comment: IssueComment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "node_id": f"IC_{comment.id}",
            "url": self._api(f"/issues/comments/{comment.id}"),
            "html_url": self._html(f"issues/{comment.issue}#issuecomment-{comment.id}"),
            "issue_url": self._api(f"/issues/{comment.issue}"),
            "body": comment.body,
            "user": self._user(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "author_association": "NONE",
        }

    def _page(self, items: list[Any], query: dict[str, str]) -> list[Any]:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        return items[(page - 1) * per_page : page * per_page]

    # -- lookups ------------------------------------------------------------------------------------

    def _issue(self, number: str | int, pull: bool = False) -> Issue:
        issue = self.issues.get(int(number))
        if issue is None or (pull and not issue.is_pull):
            raise ApiError(404, "Not Found")
        return issue

    def _repo(self, params: dict[str, str]) -> None:
        if f"{params['owner']}/{params['repo']}".lower() != self.repository.lower():
            raise ApiError(404, "Not Found")

    def _commit_sha(self, ref: str) -> str:
        if ref in self.git.commits:
            return ref
        sha = self.git.refs.get(f"refs/heads/{ref}") or self.git.refs.get(ref)
        if sha is None:
            raise ApiError(404, f"No commit found for the ref {ref}")
        return sha

    # -- REST: repository, git data, contents ----------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}")
    def get_repo(self, params: dict[str, str], login: str, **_: Any) -> tuple[int, Any]:
        self._repo(params)
        return 200, self._repo_json(login)

    @route("GET", "/repos/{owner}/{repo}/git/ref/{ref}")
    def get_ref(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        ref = f"refs/{params['ref']}"
        if ref not in self.git.refs:
            raise ApiError(404, "Not Found")
        return 200, self._ref_json(ref)

    @route("POST", "/repos/{owner}/{repo}/git/refs")
    def create_ref(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        ref, sha = body["ref"], body["sha"]
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
        if sha not in self.git.commits:
            raise ApiError(422, "Object does not exist")
        if ref in self.git.refs:
            raise ApiError(422, "Reference already exists")
        self.git.refs[ref] = sha
        return 201, self._ref_json(ref)

    @route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}")
    def update_ref(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        ref = f"refs/{params['ref']}"
        if ref not in self.git.refs:
            raise ApiError(422, "Reference does not exist")
        sha = body["sha"]
        if sha not in self.git.commits:
            raise ApiError(422, "Object does not exist")
        if not body.get("force") and self.git.refs[ref] not in self.git.ancestors(sha):
            raise ApiError(422, "Update is not a fast forward")
        self.git.refs[ref] = sha
        return 200, self._ref_json(ref)

    @route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}")
    def delete_ref(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        ref = f"refs/{params['ref']}"
        if ref not in self.git.refs:
            raise ApiError(422, "Reference does not exist")
        self._branch_gone(ref.removeprefix("refs/heads/"))
        del self.git.refs[ref]
        return 204, None

    def _branch_gone(self, branch: str) -> None:
        """GitHub closes the open PRs whose head branch is deleted (in the name of who deleted it),
        and notes the deletion in every PR of the branch."""
        for pull in self.pulls():
            if pull.head == branch:
                pull.events.append(("HeadRefDeletedEvent", self.acting))
                if pull.state == "open":
                    pull.closed_head_sha = self.git.refs[f"refs/heads/{branch}"]
                    pull.state, pull.closed_at = "closed", self.now()
                    pull.events.append(("ClosedEvent", self.acting))

    @route("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}")
    def get_commit(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        if params["commit_sha"] not in self.git.commits:
            raise ApiError(404, "Not Found")
        return 200, self._commit_json(params["commit_sha"])

    @route("POST", "/repos/{owner}/{repo}/git/commits")
    def create_commit(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        if body["tree"] not in self.git.trees:
            raise ApiError(422, "Tree SHA does not exist")
        if any(p not in self.git.commits for p in body.get("parents", [])):
            raise ApiError(422, "Parent SHA does not exist or is not a commit object")
        sha = self.git.commit(body["tree"], body.get("parents", []), body["message"])
        return 201, self._commit_json(sha)

    @route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
    def get_tree(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        sha = params["tree_sha"]
        if sha not in self.git.trees:
            sha = self.git.commits[self._commit_sha(sha)].tree
        return 200, self._tree_json(sha)

    @route("POST", "/repos/{owner}/{repo}/git/trees")
    def create_tree(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        base = body.get("base_tree")
        if base is not None and base not in self.git.trees:
            raise ApiError(422, "base_tree is not a valid tree oid")
        files = dict(self.git.trees[base]) if base else {}
        for entry in body["tree"]:
            if "content" in entry:
                files[entry["path"]] = self.git.blob(entry["content"].encode("utf-8"))
            elif entry.get("sha") is None:
                files.pop(entry["path"], None)
            elif entry["sha"] in self.git.blobs:
                files[entry["path"]] = entry["sha"]
            else:
                raise ApiError(422, "Invalid tree info")
        return 201, self._tree_json(self.git.tree(files))

    @route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
    def get_blob(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        data = self.git.blobs.get(params["file_sha"])
        if data is None:
            raise ApiError(404, "Not Found")
        return 200, {
            "sha": params["file_sha"],
            "node_id": "B_x",
            "size": len(data),
            "url": self._api(f"/git/blobs/{params['file_sha']}"),
            "encoding": "base64",
            "content": base64.encodebytes(data).decode(),
        }

    @route("POST", "/repos/{owner}/{repo}/git/blobs")
    def create_blob(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        raw = body["content"]
        data = base64.b64decode(raw) if body.get("encoding") == "base64" else raw.encode("utf-8")
        sha = self.git.blob(data)
        return 201, {"sha": sha, "url": self._api(f"/git/blobs/{sha}")}

    def _content_json(self, path: str, sha: str) -> dict[str, Any]:
        data = self.git.blobs[sha]
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.encodebytes(data).decode(),
            "sha": sha,
            "url": self._api(f"/contents/{quote(path)}"),
            "git_url": self._api(f"/git/blobs/{sha}"),
            "html_url": self._html(f"blob/{self.default_branch}/{path}"),
            "download_url": None,
            "_links": {
                "self": self._api(f"/contents/{quote(path)}"),
                "git": self._api(f"/git/blobs/{sha}"),
                "html": self._html(f"blob/{self.default_branch}/{path}"),
            },
        }

    @route("GET", "/repos/{owner}/{repo}/contents/{path}")
    def get_contents(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        commit = self._commit_sha(query.get("ref") or self.default_branch)
        sha = self.git.files(commit).get(params["path"])
        if sha is None:
            raise ApiError(404, "Not Found")
        return 200, self._content_json(params["path"], sha)

    @route("PUT", "/repos/{owner}/{repo}/contents/{path}")
    def put_contents(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        branch = body.get("branch") or self.default_branch
        parent = self._commit_sha(branch)
        files = dict(self.git.files(parent))
        path = params["path"]
        if path in files and body.get("sha") != files[path]:
            raise ApiError(409, f"{path} does not match {body.get('sha')}")
        files[path] = self.git.blob(base64.b64decode(body["content"]))
        sha = self.git.commit(self.git.tree(files), [parent], body["message"])
        self.git.refs[f"refs/heads/{branch}"] = sha
        return 200, {"content": self._content_json(path, files[path]), "commit": self._commit_json(sha)}

    # -- REST: pull requests ----------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/pulls")
    def list_pulls(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        state = query.get("state", "open")
        pulls = [p for p in self.pulls() if state in ("all", p.state)]
        if "head" in query:
            owner, _colon, branch = query["head"].rpartition(":")
            pulls = [p for p in pulls if p.head == branch and owner.lower() in ("", self.owner.lower())]
        if "base" in query:
            pulls = [p for p in pulls if p.base == query["base"]]
        pulls.sort(key=lambda p: p.number, reverse=query.get("direction", "desc") == "desc")
        return 200, [self._pull_json(p) for p in self._page(pulls, query)]

    @route("POST", "/repos/{owner}/{repo}/pulls")
    def create_pull(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        _body_fits(body, "PullRequest")
        self._repo(params)
        branch = body["head"].rpartition(":")[2]
        base = body["base"]
        if f"refs/heads/{base}" not in self.git.refs:
            raise _validation_failed("", resource="PullRequest", field="base", code="invalid")
        if f"refs/heads/{branch}" not in self.git.refs:
            raise _validation_failed("", resource="PullRequest", field="head", code="invalid")
        if any(p.head == branch and p.base == base for p in self.pulls("open")):
            raise _validation_failed(
                f"A pull request already exists for {self.owner}:{branch}.",
                resource="PullRequest",
                code="custom",
            )
        head_sha = self.git.refs[f"refs/heads/{branch}"]
        if head_sha in self.git.ancestors(self.head(base)):
            raise _validation_failed(
                f"No commits between {base} and {branch}", resource="PullRequest", code="custom"
            )
        now = self.now()
        pull = Issue(
            next(self._numbers),
            body.get("title") or "",
            body.get("body") or "",
            login,
            created_at=now,
            updated_at=now,
            head=branch,
            base=base,
        )
        self.issues[pull.number] = pull
        return 201, self._pull_json(pull)

    @route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def get_pull(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        return 200, self._pull_json(self._issue(params["pull_number"], pull=True))

    @route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def update_pull(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        _body_fits(body, "PullRequest")
        self._repo(params)
        pull = self._issue(params["pull_number"], pull=True)
        for key in ("title", "body", "base"):
            if key in body:
                setattr(pull, key, body[key])
        self._set_state(pull, body.get("state"))
        pull.updated_at = self.now()
        return 200, self._pull_json(pull)

    def _set_state(self, issue: Issue, state: str | None, reason: str | None = None) -> None:
        if state is None or state == issue.state:
            return
        if (
            state == "open"
            and issue.is_pull
            and (issue.merged or f"refs/heads/{issue.head}" not in self.git.refs)
        ):
            raise ApiError(422, "state cannot be changed. The head branch was deleted or the PR was merged.")
        issue.state, issue.state_reason = state, reason
        issue.closed_at = self.now() if state == "closed" else None
        issue.events.append(("ClosedEvent" if state == "closed" else "ReopenedEvent", self.acting))
        if state == "closed" and issue.is_pull:
            issue.closed_head_sha = self.git.refs.get(f"refs/heads/{issue.head}")

    @route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
    def merge_pull(self, params: dict[str, str], body: dict[str, Any] | None, **_: Any) -> tuple[int, Any]:
        self._repo(params)
        body = body or {}
        pull = self._issue(params["pull_number"], pull=True)
        if pull.state != "open" or pull.base is None:
            raise ApiError(405, "Pull Request is not mergeable")
        head = self.git.refs[f"refs/heads/{pull.head}"]
        if body.get("sha") and body["sha"] != head:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        base_head = self.head(pull.base)
        merged = self.git.three_way(self.git.merge_base(head, base_head), base_head, head)
        if merged is None:
            raise ApiError(405, "Pull Request is not mergeable")
        parents = [base_head, head] if body.get("merge_method", "merge") == "merge" else [base_head]
        title = body.get("commit_title") or f"Merge pull request #{pull.number} from {self.owner}/{pull.head}"
        sha = self.git.commit(self.git.tree(merged), parents, title)
        self.git.refs[f"refs/heads/{pull.base}"] = sha
        pull.merged, pull.merged_at, pull.merge_commit_sha = True, self.now(), sha
        self._set_state(pull, "closed")
        if self.delete_branch_on_merge:
            del self.git.refs[f"refs/heads/{pull.head}"]
        return 200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}

    @route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
    def request_reviewers(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        pull = self._issue(params["pull_number"], pull=True)
        reviewers = body.get("reviewers") or []
        if pull.user in reviewers:
            raise ApiError(422, "Review cannot be requested from pull request author.")
        if any(r not in self.collaborators for r in reviewers):
            raise ApiError(
                422,
                "Reviews may only be requested from collaborators. One or more of the users or "
                f"teams you specified is not a collaborator of the {self.repository} repository.",
            )
        pull.requested_reviewers = list(dict.fromkeys(pull.requested_reviewers + reviewers))
        return 201, self._pull_json(pull)

    # -- REST: issues, comments, labels, reactions -------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/issues")
    def list_issues(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        state = query.get("state", "open")
        issues = [i for i in self.issues.values() if state in ("all", i.state)]
        for label in filter(None, query.get("labels", "").split(",")):
            issues = [i for i in issues if label.strip().lower() in {n.lower() for n in i.labels}]
        if "creator" in query:
            issues = [i for i in issues if i.user == query["creator"]]
        issues.sort(key=lambda i: i.number, reverse=query.get("direction", "desc") == "desc")
        return 200, [self._issue_json(i) for i in self._page(issues, query)]

    @route("POST", "/repos/{owner}/{repo}/issues")
    def create_issue(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        _body_fits(body, "Issue")
        self._repo(params)
        now = self.now()
        issue = Issue(
            next(self._numbers),
            str(body["title"]),
            body.get("body") or "",
            login,
            created_at=now,
            updated_at=now,
            assignees=list(body.get("assignees") or []),
        )
        self._add_labels(issue, body.get("labels") or [])
        self.issues[issue.number] = issue
        return 201, self._issue_json(issue)

    @route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
    def get_issue(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        return 200, self._issue_json(self._issue(params["issue_number"]))

    @route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
    def update_issue(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        _body_fits(body, "Issue")
        self._repo(params)
        issue = self._issue(params["issue_number"])
        for key in ("title", "body"):
            if key in body:
                setattr(issue, key, body[key] or "")
        if "labels" in body:
            issue.labels = []
            self._add_labels(issue, body["labels"])
        if "assignees" in body:
            issue.assignees = [a for a in body["assignees"] if a in self.collaborators]
        self._set_state(issue, body.get("state"), body.get("state_reason"))
        issue.updated_at = self.now()
        return 200, self._issue_json(issue)

    def _add_labels(self, issue: Issue, labels: list[Any]) -> None:
        for label in labels:
            name = label["name"] if isinstance(label, dict) else str(label)
            self.labels.setdefault(name.lower(), {"name": name, "color": "ededed", "description": ""})
            if name.lower() not in {n.lower() for n in issue.labels}:
                issue.labels.append(self.labels[name.lower()]["name"])

    @route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def list_comments(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        self._issue(params["issue_number"])
        found = sorted(self.issue_comments(int(params["issue_number"])), key=lambda c: c.id)
        return 200, [self._comment_json(c) for c in self._page(found, query)]

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def create_comment(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        _body_fits(body, "IssueComment")
        self._repo(params)
        self._unless_locked(self._issue(params["issue_number"]), login, "create comment")
        comment = self.add_comment(int(params["issue_number"]), body["body"], login)
        return 201, self._comment_json(comment)

    def lock_issue(self, number: int, reason: str | None = "too heated") -> None:
        """Lock an issue's conversation, as ``PUT /repos/{owner}/{repo}/issues/{issue_number}/lock``
        does ("Users with push access can lock an issue")."""
        with self.lock:
            issue = self.issues[number]
            issue.locked, issue.lock_reason = True, reason

    def _unless_locked(self, issue: Issue, login: str, action: str) -> None:
        """A locked conversation takes comments (and reactions) from collaborators with write
        access only; anyone else gets 403, as GitHub words it."""
        if issue.locked and self.collaborators.get(login, "read") not in ("write", "maintain", "admin"):
            raise ApiError(403, f"Unable to {action} because issue is locked.")

    def _comment(self, comment_id: str) -> IssueComment:
        comment = self.comments.get(int(comment_id))
        if comment is None:
            raise ApiError(404, "Not Found")
        return comment

    @route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
    def get_comment(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        return 200, self._comment_json(self._comment(params["comment_id"]))

    @route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
    def update_comment(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        _body_fits(body, "IssueComment")
        self._repo(params)
        comment = self._comment(params["comment_id"])
        self._unless_locked(self.issues[comment.issue], login, "update comment")
        comment.body, comment.updated_at = body["body"], self.now()
        return 200, self._comment_json(comment)

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def add_issue_labels(self, params: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        self._repo(params)
        issue = self._issue(params["issue_number"])
        self._add_labels(issue, body if isinstance(body, list) else body.get("labels") or [])
        return 200, [self._label(n) for n in issue.labels]

    @route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def set_issue_labels(self, params: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        self._repo(params)
        issue = self._issue(params["issue_number"])
        issue.labels = []
        self._add_labels(issue, body if isinstance(body, list) else (body or {}).get("labels") or [])
        return 200, [self._label(n) for n in issue.labels]

    @route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
    def remove_issue_label(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        """GitHub's answers: the labels left (200), or 404 when the issue lacks the label."""
        self._repo(params)
        issue = self._issue(params["issue_number"])
        kept = [n for n in issue.labels if n.lower() != params["name"].lower()]
        if len(kept) == len(issue.labels):
            raise ApiError(404, "Label does not exist")
        issue.labels = kept
        return 200, [self._label(n) for n in issue.labels]

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees")
    def add_assignees(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        issue = self._issue(params["issue_number"])
        issue.assignees = list(
            dict.fromkeys(
                issue.assignees + [a for a in body.get("assignees") or [] if a in self.collaborators]
            )
        )
        return 201, self._issue_json(issue)

    @route("GET", "/repos/{owner}/{repo}/labels")
    def list_labels(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        return 200, [self._label(spec["name"]) for spec in self._page(list(self.labels.values()), query)]

    @route("POST", "/repos/{owner}/{repo}/labels")
    def create_label(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        name = body["name"]
        if name.lower() in self.labels:
            raise _validation_failed("", resource="Label", code="already_exists", field="name")
        self.labels[name.lower()] = {
            "name": name,
            "color": body.get("color", "ededed"),
            "description": body.get("description") or "",
        }
        return 201, self._label(name)

    def _react(self, kind: str, target: int, content: str, login: str) -> tuple[int, Any]:
        key = (kind, target, content, login)
        status = 200 if key in self.reactions else 201
        if status == 201:
            self.reactions.append(key)
        return status, {
            "id": self.reactions.index(key) + 1,
            "node_id": "RE_x",
            "content": content,
            "user": self._user(login),
            "created_at": self.now(),
        }

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/reactions")
    def react_issue(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        self._repo(params)
        self._unless_locked(self._issue(params["issue_number"]), login, "create reaction")
        return self._react("issue", int(params["issue_number"]), body["content"], login)

    @route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
    def react_comment(
        self, params: dict[str, str], body: dict[str, Any], login: str, **_: Any
    ) -> tuple[int, Any]:
        self._repo(params)
        issue = self.issues[self._comment(params["comment_id"]).issue]
        self._unless_locked(issue, login, "create reaction")
        return self._react("comment", int(params["comment_id"]), body["content"], login)

    # -- REST: people, settings, search ------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
    def get_permission(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        user = params["username"]
        if user in self.unknown_users:
            raise ApiError(404, "Not Found")
        role = self.collaborators.get(user, "read")  # a public repository: everyone can read
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        return 200, {"permission": legacy, "role_name": role, "user": self._user(user)}

    @route("GET", "/repos/{owner}/{repo}/actions/permissions/workflow")
    def get_workflow_permissions(self, params: dict[str, str], login: str, **_: Any) -> tuple[int, Any]:
        self._repo(params)
        if self.workflow_permissions is None or login.endswith("[bot]"):
            raise ApiError(403, "Resource not accessible by integration")
        return 200, self.workflow_permissions

    @route("GET", "/repos/{owner}/{repo}/branches/{branch}")
    def get_branch(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        self._repo(params)
        name = params["branch"]
        if f"refs/heads/{name}" not in self.git.refs:
            raise ApiError(404, "Branch not found")
        sha = self.head(name)
        checks = self.protected_branches.get(name)
        protection: dict[str, Any] = {"enabled": checks is not None}
        if checks is not None:
            level = "non_admins" if checks else "off"
            protection["required_status_checks"] = {
                "enforcement_level": level,
                "contexts": checks,
                "checks": [],
            }
        return 200, {
            "name": name,
            "commit": {"sha": sha, "url": f"{self.url}/repos/{self.owner}/{self.name}/commits/{sha}"},
            "protected": checks is not None,
            "protection": protection,
            "protection_url": f"{self.url}/repos/{self.owner}/{self.name}/branches/{name}/protection",
        }

    @route("GET", "/repos/{owner}/{repo}/rules/branches/{branch}")
    def get_branch_rules(self, params: dict[str, str], query: dict[str, str], **_: Any) -> tuple[int, Any]:
        """The active rules of the branch name (it need not exist), as GitHub answers any reader."""
        self._repo(params)
        found = [
            {
                **rule,
                "ruleset_source_type": "Repository",
                "ruleset_source": f"{self.owner}/{self.name}",
                "ruleset_id": n,
            }
            for n, (pattern, rule) in enumerate(self.branch_rules, 1)
            if fnmatch.fnmatchcase(params["branch"], pattern)
        ]
        return 200, self._page(found, query)

    @route("GET", "/search/issues")
    def search_issues(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        found = self.search(query.get("q", ""))
        return 200, {
            "total_count": len(found),
            "incomplete_results": False,
            "items": [self._issue_json(i) for i in self._page(found, query)],
        }

    @route("GET", "/rate_limit")
    def get_rate_limit(self, **_: Any) -> tuple[int, Any]:
        core = {"limit": 5000, "remaining": 4999, "used": 1, "reset": int(time.time()) + 3600}
        return 200, {"resources": {"core": core, "search": core, "graphql": core}, "rate": core}

    @route("GET", "/user")
    def get_user(self, login: str, **_: Any) -> tuple[int, Any]:
        if login.endswith("[bot]"):
            raise ApiError(403, "Resource not accessible by integration")
        return 200, self._user(login)


# -- pytest glue ---------------------------------------------------------------------------------------


def route_templates() -> set[tuple[str, str]]:
    return {(method.lower(), template) for method, template, _ in ROUTES}


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running fake GitHub; the test fails if the bot sent a request GitHub would reject."""
    with FakeGitHub() as fake:
        yield fake
    assert not fake.violations, "requests the real GitHub API would reject:\n" + "\n".join(fake.violations)


def forge_for(
    fake: FakeGitHub,
    sleeps: list[float] | None = None,
    clock: Callable[[], float] | None = None,
    monotonic: Callable[[], float] | None = None,
    head_fresh_seconds: float = math.inf,
    **settings: Any,
) -> Any:
    """A GitHubForge on the fake: no pauses between requests, 30 s timeout, sleeps recorded."""
    from bot.forge.github import GitHubForge, GitHubSettings, LabelSpec, RetryPolicy

    defaults: dict[str, Any] = {
        # 30 s: a loaded machine must not turn a slow answer into a timeout (at a load average of 30,
        # 10 s timed out a lookup of 100 repositories, which was then split: 5 requests, not 3); the
        # timeout-fault tests pass timeout_seconds=1 (the fault delays its answer by 1.6 s)
        "seconds_between_requests": 0,
        "seconds_between_writes": 0,
        "timeout_seconds": 30,
        "labels": (
            LabelSpec("catalog-bot", "5319e7", "Opened by catalog-bot"),
            LabelSpec("new-paper", "0e8a16"),
        ),
        "retry": RetryPolicy(max_attempts=4, backoff_seconds=2, max_wait_seconds=900),
    }
    defaults.update(settings)
    record = sleeps if sleeps is not None else []
    return GitHubForge(
        fake.repository,
        BOT_TOKEN,
        api_url=fake.url,
        settings=GitHubSettings(**defaults),
        sleep=record.append,
        clock=clock or time.time,
        monotonic=monotonic or time.monotonic,
        # an update re-reads a default branch read over a minute ago: a loaded machine must not add
        # reads to the tests that count them (the test of that re-read passes 60 and its clock)
        head_fresh_seconds=head_fresh_seconds,
    )


def all_routes_in_description() -> list[str]:
    """Routes the fake serves that the trimmed REST description lacks (should be none)."""
    spec = json.loads(gzip.decompress(OPENAPI_FILE.read_bytes()))
    return [f"{m.upper()} {t}" for m, t in sorted(route_templates()) if m not in spec["paths"].get(t, {})]


__all__ = [
    "FakeGitHub",
    "fake_github",
    "forge_for",
    "BOT_TOKEN",
    "MAINTAINER_TOKEN",
    "BOT_LOGIN",
    "MAINTAINER_LOGIN",
]


# -- bot-side helpers shared by the GitHub tests ---------------------------------------------------

TITLES = [
    "Speculative Decoding with Tiny Draft Heads",
    "Rotation-Based Outlier Removal for 4-bit LLMs",
    "Sparse Mixture Routing under Memory Budgets",
    "KV Cache Eviction by Attention Sinks",
    "Ternary Weights for Edge Transformers",
    "Layer Dropping during Long-Context Finetuning",
    "Distilling Reasoning Chains into Small Models",
    "Vector Quantized Adapters",
    "Paged Attention Schedulers for Multi-Tenant Serving",
    "Prompt Compression via Token Saliency",
    "Hardware-Aware Block Sparsity on GPUs",
    "Streaming Inference on Phones with NPUs",
]


def catalog_text(taxonomy: Any) -> str:
    """A small catalog in the bot's canonical form, two papers under weight-only quantization."""
    from bot.core.catalog_document import render_document
    from bot.core.entry import Entry

    gptq = Entry(
        title="GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
        url="https://arxiv.org/abs/2210.17323",
        authors=("Elias Frantar", "Saleh Ashkboos"),
        arxiv_id="2210.17323",
        year=2022,
        month=10,
    )
    awq = Entry(
        title="AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration",
        url="https://arxiv.org/abs/2306.00978",
        authors=("Ji Lin", "Jiaming Tang"),
        arxiv_id="2306.00978",
        year=2023,
        month=6,
    )
    return render_document(taxonomy, {("quantization", "weight-only"): [gptq, awq]})


def paper_change(
    taxonomy: Any,
    arxiv_id: str,
    index: int = 0,
    section: str = "quantization",
    subsection: str | None = "weight-only",
    branch_prefix: str = "bot/",
) -> Any:
    """The ChangeRequest the poll job builds for one accepted paper (real PR body and marker)."""
    from bot.core.branches import BranchNames
    from bot.core.paper import Paper
    from bot.core.proposals import Proposal, change_request, paper_entry

    paper = Paper(
        arxiv_id=arxiv_id,
        title=TITLES[index % len(TITLES)],
        abstract="We make LLMs cheaper.",
        authors=("Ada Lovelace", "Alan Turing"),
    )
    proposal = Proposal(
        paper=paper, entry=paper_entry(paper), section=section, subsection=subsection, labels=("new-paper",)
    )
    return change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix(branch_prefix))
