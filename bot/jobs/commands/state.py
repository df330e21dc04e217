"""What the status comment remembers: requests waiting for /approve and the PRs opened from the
issue, kept in its hidden marker; and finding that comment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.core import arxiv_ids, markers
from bot.core.entry import parse_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.forge.protocols import Comment, IssueTracker
from bot.jobs.commands.event import _LOGIN_RE, _URL_RE, is_bot, normalize_code_url

MARKER_KIND = "command-status"  # the status comment on an issue


# -- what the status comment remembers ----------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A non-maintainer's ``/add``, kept until a maintainer's ``/approve``."""

    arxiv_id: str
    section: str
    subsection: str | None
    code_url: str
    requested_by: str
    request_url: str
    line: str  # the entry line previewed


@dataclass(frozen=True)
class OpenedPull:
    number: int
    url: str
    action: str  # add | remove | move
    arxiv_id: str


@dataclass(frozen=True)
class IssueState:
    pending: tuple[Pending, ...] = ()
    pulls: tuple[OpenedPull, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {"pending": [vars(p) for p in self.pending], "pulls": [vars(p) for p in self.pulls]}

    def without_pending(self, arxiv_id: str) -> IssueState:
        return replace(self, pending=tuple(p for p in self.pending if p.arxiv_id != arxiv_id))

    def with_pending(self, pending: Pending) -> IssueState:
        """``pending`` replaces an earlier request for the same paper."""
        others = self.without_pending(pending.arxiv_id)
        return replace(others, pending=(*others.pending, pending))

    def with_pull(self, pull: OpenedPull) -> IssueState:
        others = tuple(p for p in self.pulls if p.number != pull.number)
        return replace(self, pulls=(*others, pull))


def state_from_data(data: Mapping[str, Any] | None, taxonomy: Taxonomy, hosts: Sequence[str]) -> IssueState:
    """The state stored in the status marker, keeping only well-formed records (a maintainer may
    have edited the comment by hand)."""
    def records(key: str) -> list[Any]:
        found = data.get(key) if isinstance(data, Mapping) else None
        return found if isinstance(found, list) else []
    pending = [p for p in (_pending(raw, taxonomy, hosts) for raw in records("pending")) if p]
    pulls = [p for p in (_pull(raw) for raw in records("pulls")) if p]
    return IssueState(tuple(pending), tuple(pulls))


def _pending(raw: Any, taxonomy: Taxonomy, hosts: Sequence[str]) -> Pending | None:
    try:
        pending = Pending(**{k: raw[k] for k in Pending.__dataclass_fields__})
        texts = [v for k, v in vars(pending).items() if k != "subsection"]
        if not all(isinstance(v, str) for v in texts) or not isinstance(pending.subsection, str | None):
            return None
        taxonomy.get(pending.section, pending.subsection)
    except (KeyError, TypeError, BotError):
        return None
    code_ok = not pending.code_url or normalize_code_url(pending.code_url, hosts)[0] == pending.code_url
    valid = (arxiv_ids.is_valid(pending.arxiv_id) and code_ok and parse_entry(pending.line)
             and _LOGIN_RE.match(pending.requested_by) and _URL_RE.match(pending.request_url))
    return pending if valid else None


def _pull(raw: Any) -> OpenedPull | None:
    try:
        pull = OpenedPull(number=int(raw["number"]), url=str(raw["url"]), action=str(raw["action"]),
                          arxiv_id=str(raw["arxiv_id"]))
    except (KeyError, TypeError, ValueError):
        return None
    valid = pull.action in ("add", "remove", "move") and arxiv_ids.is_valid(pull.arxiv_id)
    return pull if valid and _URL_RE.match(pull.url) else None



def find_status_comment(issues: IssueTracker, number: int, bot_logins: Sequence[str]) -> Comment | None:
    for comment in issues.list_comments(number):
        if is_bot(comment.user, "", bot_logins) and markers.find(comment.body, MARKER_KIND) is not None:
            return comment
    return None

