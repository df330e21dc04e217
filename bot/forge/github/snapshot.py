"""What one run knows of the repository (``Snapshot``: the default branch's head, its files, the
labels, every bot PR, how far the closed PRs' searches were read) and how a GraphQL PR node reads
as a bot PR (``bot_pull_from_node``). ``queries.RepositoryView`` loads it and keeps it current."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core import hunks
from bot.forge.protocols import PullRequest, PullState


@dataclass(frozen=True)
class BotPull:
    """A bot PR with what ``propose`` needs to tell whether its branch is current."""

    pull: PullRequest
    head_oid: str | None = None
    head_parents: tuple[str, ...] = ()
    head_file_oid: str | None = None  # blob of the catalog file on the branch head
    changed_files: int = 0


@dataclass
class ClosedWindow:
    """One closed-PR search (newest first) and how far it was read. GitHub answers a search with
    at most 1,000 results: past them, the next window searches the PRs created up to the oldest
    one read (``created:<=``), so that a bot with more closed PRs still remembers them all."""

    before: str | None  # createdAt of the oldest PR the earlier windows read; None: the first
    total: int = 0  # the search's issueCount
    read: int = 0
    oldest: str | None = None
    new: int = 0  # PRs this window read that no earlier window had


@dataclass
class Snapshot:
    """The repository as one run sees it (loaded once, kept up to date by the run's own writes)."""

    default_branch: str
    head_oid: str
    tree_oid: str
    files: dict[str, tuple[str, str | None]]  # path -> (text, blob oid) on head_oid
    labels: set[str]
    pulls: dict[int, BotPull]
    # the bot's own paper PRs whose branch a maintainer renamed out of the prefix (to keep the
    # bot from rebuilding it): open, still proposals of their papers, never rebuilt; closed,
    # still rejections (``RepositoryView._renamed_search``)
    renamed: dict[int, BotPull] = field(default_factory=dict)
    # more closed renamed PRs to read from their search ("": from its first page)
    renamed_cursor: str | None = None
    closed_cursor: str | None = None  # more closed bot PRs to read from the search
    closed_window: ClosedWindow | None = None  # the search being read (None: all read)
    repository_id: str = ""  # the GraphQL node id (a compare-and-swap branch move names it)
    head_read_at: float = 0.0  # the client's monotonic clock when head_oid was last read


def _pull_state(node: Mapping[str, Any]) -> PullState:
    if node.get("merged") or node.get("state") == "MERGED":
        return "merged"
    return "open" if node.get("state") == "OPEN" else "closed"


def _context(node: Mapping[str, Any], target: Mapping[str, Any]) -> str | None:
    """The context the bot's commit records: the head's, or, when someone committed on top of it
    (a fix in GitHub's editor, "Update branch"), the PR's first commit's: the bot's own, built on
    the default branch. Its change is still what the PR proposes until a rebuild replaces it."""
    head = hunks.trailer_of(target.get("message") or "")
    if head is not None:
        return head
    first = (((node.get("commits") or {}).get("nodes") or [None])[0] or {}).get("commit") or {}
    return hunks.trailer_of(first.get("message") or "")


def bot_pull_from_node(node: Mapping[str, Any]) -> BotPull:
    target = ((node.get("headRef") or {}).get("target")) or {}
    pull = PullRequest(
        number=int(node["number"]),
        branch=node["headRefName"],
        title=node.get("title") or "",
        body=node.get("body") or "",
        state=_pull_state(node),
        url=node.get("url") or "",
        labels=tuple(label["name"] for label in (node.get("labels") or {}).get("nodes") or []),
        context=_context(node, target),
        hand_commits=hunks.trailer_of(target.get("message") or "") is None
        and _context(node, target) is not None,
        mergeable={"MERGEABLE": True, "CONFLICTING": False}.get(node.get("mergeable") or ""),
        **_closer(node),
    )
    return BotPull(
        pull=pull,
        head_oid=target.get("oid"),
        head_parents=tuple(p["oid"] for p in (target.get("parents") or {}).get("nodes") or []),
        head_file_oid=(target.get("file") or {}).get("oid"),
        changed_files=int(node.get("changedFiles") or 0),
    )


def _closer(node: Mapping[str, Any]) -> dict[str, Any]:
    """Who closed a closed PR, from its last two timeline items of the kinds the query asks for (a
    head branch deleted, the PR closed): ``closed_by`` the last close's actor (None: no close in
    the timeline, or its account deleted), and whether the branch's deletion came just before it
    (GitHub closes the PR of a branch deleted or renamed, in the name of who did it)."""
    items = [i for i in ((node.get("timelineItems") or {}).get("nodes") or []) if isinstance(i, Mapping)]
    kinds = [i.get("__typename") for i in items]
    if "ClosedEvent" not in kinds or _pull_state(node) != "closed":
        return {}
    last = len(kinds) - 1 - kinds[::-1].index("ClosedEvent")  # a deletion after it: "Delete branch"
    login = (items[last].get("actor") or {}).get("login")
    return {
        "closed_by": login if isinstance(login, str) and login else None,
        "closed_by_branch_deletion": last > 0 and kinds[last - 1] == "HeadRefDeletedEvent",
    }
