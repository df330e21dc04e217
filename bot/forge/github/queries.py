"""The GraphQL side: what one run reads about the repository (``RepositoryView``); the queries' text
is ``graphql.py``.

One GraphQL query per run reads the default branch head, the catalog text, the labels and every
bot PR (open from ``pullRequests``, closed and merged from one search); the view is then kept up
to date by the run's own writes.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from bot.core import markers
from bot.core.branches import BranchNames
from bot.errors import BotError, ForgeError
from bot.forge.github.client import GitHubClient
from bot.forge.github.graphql import (
    CLOSED_PAGE_QUERY,
    DEFAULT_HEAD_QUERY,
    FILE_QUERY,
    HEAD_QUERY,
    NAMING_BATCH,
    OPEN_PAGE_QUERY,
    SNAPSHOT_QUERY,
    VIEWER_QUERY,
    naming_query,
)
from bot.forge.github.snapshot import ClosedWindow, Snapshot, bot_pull_from_node
from bot.forge.protocols import PullRequest

log = logging.getLogger(__name__)

# an update of an open PR is built on the default branch's head read at most this long ago
# (``RepositoryView.catch_up``): a poll trains for minutes after its read
HEAD_FRESH_SECONDS = 60.0
SEARCH_LIMIT = 1_000  # results GitHub gives for one search, whatever the pages
# the sentence every paper PR's body ends with (templates/pr_body.md.j2): what finds the bot's
# closed paper PRs renamed out of the prefix (``RepositoryView._renamed_search``)
PAPER_PR_SENTENCE = "the bot remembers and will not propose this paper again"


class RepositoryView:
    """The run's snapshot of the repository: loaded on first use, then kept by the run's writes."""

    def __init__(
        self, client: GitHubClient, catalog_path: str, head_fresh_seconds: float = HEAD_FRESH_SECONDS
    ) -> None:
        self.client = client
        self.head_fresh_seconds = head_fresh_seconds
        self.settings = client.settings
        self.catalog_path = catalog_path
        self._snapshot: Snapshot | None = None
        self._own_login: str | None = None

    def _closed_search(self, before: str | None = None) -> str:
        """The search of closed bot PRs, newest first (those created up to ``before``)."""
        word = self.settings.branch_prefix.rstrip("/-_") or self.settings.branch_prefix
        window = f" created:<={before}" if before else ""
        return f"repo:{self.client.repository} is:pr is:closed head:{word} sort:created-desc{window}"

    def _renamed_search(self) -> str:
        """The search of closed paper PRs outside the prefix (the bot's own, whose branch a
        maintainer renamed, then closed the PR), by the sentence every paper PR's body ends with:
        GitHub's search reads no HTML comment (the marker), and an author qualifier would need
        the token's login before this query reads it. ``_own_paper_pull`` keeps the bot's own."""
        word = self.settings.branch_prefix.rstrip("/-_") or self.settings.branch_prefix
        return (
            f'repo:{self.client.repository} is:pr is:closed -head:{word} in:body "{PAPER_PR_SENTENCE}" '
            "sort:created-desc"
        )

    def own_login(self) -> str:
        """The token's own login (GraphQL ``viewer``, which installation tokens may read, unlike
        ``GET /user``), read once per run: with the snapshot, or alone before it (an issue
        comment without a command needs no snapshot: one query per 100 open PRs, the catalog)."""
        if self._own_login is None and self._snapshot is None:
            data = self.client.graphql_data("read the token's login", VIEWER_QUERY, {})
            self._own_login = str((data.get("viewer") or {}).get("login") or "")
        if self._own_login is None:
            self.snapshot()
        return self._own_login or ""

    def snapshot(self) -> Snapshot:
        """The run's view of the repository: one GraphQL query (plus one per further 100 PRs)."""
        if self._snapshot is None:
            self._snapshot = self._load_snapshot()
        return self._snapshot

    def forget(self) -> None:
        """Read the repository again at the next use (a branch moved under the run)."""
        self._snapshot = None

    def follow(self, head_oid: str) -> bool:
        """The default branch is at ``head_oid`` now, not where the snapshot read it (a maintainer
        merged a PR while the run trained): the snapshot's head, tree and files become that
        commit's (one query, the catalog's text with it), so that later commits are built on it;
        the PRs read stay as they are. False, and nothing read, when it is the head already."""
        snap = self.snapshot()
        if head_oid == snap.head_oid:
            return False
        variables = {"owner": self.client.owner, "name": self.client.name, "oid": head_oid}
        data = self.client.graphql_data(
            "read the default branch again", HEAD_QUERY, {**variables, "path": self.catalog_path}
        )
        commit = (data.get("repository") or {}).get("object") or {}
        if not (commit.get("tree") or {}).get("oid"):
            raise ForgeError(f"{snap.default_branch} moved to {head_oid[:7]}, which GitHub does not show")
        catalog = self._file_text(commit.get("file"))  # before the head: a failed read moves nothing
        snap.head_oid, snap.tree_oid = head_oid, commit["tree"]["oid"]
        snap.files = {self.catalog_path: catalog}
        snap.head_read_at = self.client.monotonic()
        return True

    def catch_up(self) -> bool:
        """The default branch's head read again when the run read it over ``head_fresh_seconds``
        ago, and followed when it moved (a maintainer merged a PR while a poll trained): an update
        of an open PR is then built on it, as a new PR is (``follow``). One small query; none when
        the read is recent. True when the snapshot moved. A failed read moves nothing: the update
        is built on the head the run read, as a new PR whose moved head cannot be read."""
        snap = self.snapshot()
        now = self.client.monotonic()
        if now - snap.head_read_at <= self.head_fresh_seconds:
            return False
        variables = {"owner": self.client.owner, "name": self.client.name}
        try:
            data = self.client.graphql_data("read the default branch's head", DEFAULT_HEAD_QUERY, variables)
            head = ((data.get("repository") or {}).get("defaultBranchRef") or {}).get("target") or {}
            moved = bool(head.get("oid")) and self.follow(str(head["oid"]))
        except BotError as exc:
            log.warning(
                "%s: the update is built on the head this run read; if it moved, the next refresh "
                "rebuilds the PR",
                exc,
            )
            return False
        snap.head_read_at = now
        return moved

    def _load_snapshot(self) -> Snapshot:
        client = self.client
        read_at = client.monotonic()
        variables = {
            "owner": client.owner,
            "name": client.name,
            "path": self.catalog_path,
            "closed": self._closed_search(),
            "renamed": self._renamed_search(),
        }
        data = client.graphql_data("read the repository and its bot pull requests", SNAPSHOT_QUERY, variables)
        self._own_login = str((data.get("viewer") or {}).get("login") or "")
        repo = data.get("repository")
        if not repo or not repo.get("defaultBranchRef"):
            raise ForgeError(f"{client.repository} has no default branch yet: push a first commit")
        head = repo["defaultBranchRef"]["target"]
        snap = Snapshot(
            default_branch=repo["defaultBranchRef"]["name"],
            head_oid=head["oid"],
            tree_oid=head["tree"]["oid"],
            files={},
            pulls={},
            labels={n["name"].lower() for n in repo["labels"]["nodes"]},
            repository_id=str(repo.get("id") or ""),
            head_read_at=read_at,
        )
        snap.files[self.catalog_path] = self._file_text(head.get("file"))
        self._add_pulls(snap, repo["pullRequests"]["nodes"])
        snap.closed_window = ClosedWindow(None)
        self._add_closed(snap, data["search"])
        # only counted here (1 of the query's 604 requests, where reading them cost 301: 9 points, now
        # 6): normally none (a maintainer's rename, a changed branch_prefix); some are read later
        snap.renamed_cursor = "" if int(data["renamed"].get("issueCount") or 0) else None
        page = repo["pullRequests"]["pageInfo"]
        while page["hasNextPage"]:
            more = client.graphql_data(
                "read open pull requests", OPEN_PAGE_QUERY, {**variables, "after": page["endCursor"]}
            )
            connection = more["repository"]["pullRequests"]
            self._add_pulls(snap, connection["nodes"])
            page = connection["pageInfo"]
        return snap

    def _add_pulls(self, snap: Snapshot, nodes: list[Mapping[str, Any] | None]) -> None:
        for node in nodes:
            if not node or "headRefName" not in node or node.get("isCrossRepository"):
                continue
            if node["headRefName"].startswith(self.settings.branch_prefix):
                snap.pulls.setdefault(int(node["number"]), bot_pull_from_node(node))
            elif self._own_paper_pull(node):
                snap.renamed.setdefault(int(node["number"]), bot_pull_from_node(node))

    def _own_paper_pull(self, node: Mapping[str, Any]) -> bool:
        """A PR this token's account opened for a paper (its hidden marker): a maintainer's PR
        with a copied marker is not the bot's. GraphQL names an app "name", REST "name[bot]"."""
        author = str((node.get("author") or {}).get("login") or "").removesuffix("[bot]")
        own = (self._own_login or "").removesuffix("[bot]")
        return bool(author) and author == own and markers.find(node.get("body"), "arxiv") is not None

    def _add_closed(self, snap: Snapshot, search: Mapping[str, Any]) -> None:
        """One page of the closed-PR search into the snapshot; past the last page of a search that
        GitHub cut at 1,000 results, the next window (``ClosedWindow``)."""
        window = snap.closed_window
        assert window is not None
        nodes = [n for n in search["nodes"] if n]
        window.total = int(search.get("issueCount") or 0)
        window.read += len(nodes)
        window.new += sum(1 for n in nodes if "number" in n and int(n["number"]) not in snap.pulls)
        window.oldest = min((str(n["createdAt"]) for n in nodes if n.get("createdAt")), default=window.oldest)
        self._add_pulls(snap, nodes)
        page = search["pageInfo"]
        snap.closed_cursor = page["endCursor"] if page["hasNextPage"] else None
        if snap.closed_cursor is None:
            cut = window.read >= SEARCH_LIMIT and window.total > window.read
            advanced = window.new > 0 and window.oldest is not None and window.oldest != window.before
            snap.closed_window = ClosedWindow(window.oldest) if cut and advanced else None

    def _load_closed(self, snap: Snapshot) -> None:
        while snap.closed_window is not None:
            window = snap.closed_window
            variables = {"path": self.catalog_path, "closed": self._closed_search(window.before)}
            data = self.client.graphql_data(
                "read closed bot pull requests", CLOSED_PAGE_QUERY, {**variables, "after": snap.closed_cursor}
            )
            self._add_closed(snap, data["search"])
        while snap.renamed_cursor is not None:  # the snapshot counted some: read them all
            page: dict[str, str | None] = {
                "path": self.catalog_path,
                "closed": self._renamed_search(),
                "after": snap.renamed_cursor or None,  # "": the first page
            }
            data = self.client.graphql_data("read closed renamed bot pull requests", CLOSED_PAGE_QUERY, page)
            self._add_renamed(snap, data["search"])

    def _add_renamed(self, snap: Snapshot, search: Mapping[str, Any]) -> None:
        """One page of the search of closed paper PRs outside the prefix: the bot's own go to
        ``renamed`` (rejections the prefix search cannot find), the others are left out."""
        self._add_pulls(snap, [n for n in search["nodes"] if n])
        page = search["pageInfo"]
        snap.renamed_cursor = page["endCursor"] if page["hasNextPage"] else None

    def _file_text(self, entry: Mapping[str, Any] | None) -> tuple[str, str | None]:
        """(text, oid) of a GraphQL tree entry; large files come from the REST blob API."""
        if not entry:
            return "", None
        blob = entry.get("object") or {}
        if blob.get("text") is not None and not blob.get("isTruncated"):
            return blob["text"], entry["oid"]
        path = f"{self.client.repo_path}/git/blobs/{entry['oid']}"
        data = self.client.rest("GET", path, "read a large file")
        return base64.b64decode(data["content"]).decode("utf-8"), entry["oid"]

    def file_at(self, oid: str | None, path: str) -> str | None:
        """A file's text at a commit (None when the commit is unknown)."""
        if oid is None:
            return None
        data = self.client.graphql_data(
            f"read {path}",
            FILE_QUERY,
            {"owner": self.client.owner, "name": self.client.name, "oid": oid, "path": path},
        )
        return self._file_text(((data.get("repository") or {}).get("object") or {}).get("file"))[0]

    def read_file(self, path: str) -> str:
        snap = self.snapshot()
        if path not in snap.files:
            data = self.client.graphql_data(
                f"read {path}",
                FILE_QUERY,
                {"owner": self.client.owner, "name": self.client.name, "oid": snap.head_oid, "path": path},
            )
            commit = (data.get("repository") or {}).get("object") or {}
            snap.files[path] = self._file_text(commit.get("file"))
        return snap.files[path][0]

    def has_file(self, path: str) -> bool:
        """Whether ``path`` is on the default branch: its blob id, read with its text (no request
        once ``read_file`` read it; an empty file has one, a missing file none)."""
        self.read_file(path)
        return self.snapshot().files[path][1] is not None

    def pull_request_file(self, number: int, path: str) -> str:
        """A file on the head of bot PR ``number`` ("" when the PR, its branch or the file is gone)."""
        pull = self.snapshot().pulls.get(number)
        return (self.file_at(pull.head_oid, path) if pull else None) or ""

    def pull_request_base_file(self, number: int, path: str) -> str | None:
        """A file on the parent of bot PR ``number``'s commit, when that commit is the bot's own one
        commit on the default branch (None otherwise: hand commits on top, a merge, gone)."""
        pull = self.snapshot().pulls.get(number)
        if pull is None or pull.pull.state != "open" or pull.pull.hand_commits or len(pull.head_parents) != 1:
            return None
        return self.file_at(pull.head_parents[0], path)

    def bot_pull_requests_naming(self, arxiv_ids: Sequence[str]) -> list[PullRequest]:
        """The open bot PRs (renamed ones too, from the snapshot) and the closed ones about these
        papers: one query per ``NAMING_BATCH`` papers instead of one per 100 closed PRs (none
        when the run has read them all already)."""
        snap = self.snapshot()
        if snap.closed_window is None and snap.renamed_cursor is None:  # every closed one is read
            return self.bot_pull_requests("all")
        found = {n: b.pull for n, b in {**snap.renamed, **snap.pulls}.items() if b.pull.state == "open"}
        ids = list(dict.fromkeys(arxiv_ids))
        names = BranchNames.from_prefix(self.settings.branch_prefix)
        for start in range(0, len(ids), NAMING_BATCH):
            batch = ids[start : start + NAMING_BATCH]
            variables = {"owner": self.client.owner, "name": self.client.name, "path": self.catalog_path}
            for i, arxiv_id in enumerate(batch):
                variables[f"b{i}"] = names.paper(arxiv_id)
                variables[f"q{i}"] = f'repo:{self.client.repository} is:pr is:closed "{arxiv_id}"'
            data = self.client.graphql_data(
                "read the bot pull requests of the papers", naming_query(len(batch)), variables
            )
            connections = [
                *(data.get("repository") or {}).values(),
                *(v for k, v in data.items() if k != "repository"),
            ]
            for node in (n for c in connections for n in (c or {}).get("nodes") or [] if n):
                if "headRefName" not in node or node.get("isCrossRepository"):
                    continue
                if node["headRefName"].startswith(self.settings.branch_prefix) or self._own_paper_pull(node):
                    found.setdefault(int(node["number"]), bot_pull_from_node(node).pull)
        return [pull for _, pull in sorted(found.items())]

    def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
        """The bot's PRs (branch prefix, same repository), oldest first; "closed" includes merged.
        "all" also has the bot's open paper PRs renamed out of the prefix (``Snapshot.renamed``):
        what was proposed counts them, so the paper is not proposed again; nothing rebuilds them."""
        snap = self.snapshot()
        if state != "open":
            self._load_closed(snap)
        pulls = [b.pull for _, b in sorted(snap.pulls.items())]
        if state == "open":
            return [p for p in pulls if p.state == "open"]
        if state == "closed":
            return [p for p in pulls if p.state != "open"]
        return [b.pull for _, b in sorted({**snap.renamed, **snap.pulls}.items())]
