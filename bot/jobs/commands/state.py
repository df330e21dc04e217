"""What the status comment remembers, in its hidden marker: requests waiting for /approve (each
with the revision tag a maintainer's ``/approve`` must name), the PRs opened from the issue, and
which commands have been answered; and finding that comment (only the bot's own)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core import arxiv_ids, markers
from bot.core.entry import parse_entry
from bot.core.keyword_edits import clean_term
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.forge.protocols import Comment
from bot.jobs.commands.event import _GITHUB_LOGIN_RE, _URL_RE, normalize_code_url
from bot.jobs.commands.parser import REVISION_RE

MARKER_KIND = "command-status"  # the status comment on an issue
ISSUE_SOURCE = "issue"  # the issue's body; a comment is "c<id>"
_KEY_RE = re.compile(r"^[0-9a-f]{12}$")
_SOURCE_RE = re.compile(r"^(issue|c[0-9]{1,20})$")
MAX_PENDING = 20  # requests waiting on one issue; more get a reply instead of a preview
MAX_KEYS = 50  # answered commands remembered per comment (older ones of an often edited body go)


def new_tag() -> str:
    """A fresh revision tag: random, so nobody can make another request carry a tag a maintainer
    has already seen."""
    return secrets.token_hex(4)


def command_key(text: str) -> str:
    """What identifies an answered command within its comment: a hash of its rendered text, so an
    edited or new command is unanswered and an unchanged one stays answered."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


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
    tag: str = ""  # the revision a maintainer's /approve names; new whenever the request changes
    in_doubt: bool = False  # the bot chose the section and is not sure of it: the PR gets needs-section

    def same_request(self, other: Pending) -> bool:
        """The same paper, section, code link and entry line: what a maintainer reviews. Who
        posted it, and in which comment, is not part of it (posting the same /add again, or
        someone else posting it, changes nothing)."""
        return _reviewed(self) == _reviewed(other)


def _reviewed(pending: Pending) -> tuple[str, str, str | None, str, str]:
    return pending.arxiv_id, pending.section, pending.subsection, pending.code_url, pending.line


@dataclass(frozen=True)
class OpenedPull:
    number: int
    url: str
    action: str  # add | remove | move | teach
    arxiv_id: str
    tag: str = ""  # the approved revision the PR was last written from ("" for a maintainer's own)


@dataclass(frozen=True)
class IssueState:
    pending: tuple[Pending, ...] = ()
    pulls: tuple[OpenedPull, ...] = ()
    # source ("issue", "c<comment id>") -> keys of its answered commands
    answered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    before: int = 0  # comments with an id up to this one are all answered (older records dropped)
    legacy: bool = False  # read from a status comment written before answers were recorded

    def to_data(self) -> dict[str, Any]:
        return {
            "pending": [{k: v for k, v in vars(p).items() if v or k != "in_doubt"} for p in self.pending],
            "pulls": [{k: v for k, v in vars(p).items() if v or k != "tag"} for p in self.pulls],
            "answered": {k: list(v) for k, v in self.answered.items()},
            "before": self.before,
        }

    def without_pending(self, arxiv_id: str) -> IssueState:
        return replace(self, pending=tuple(p for p in self.pending if p.arxiv_id != arxiv_id))

    def without_tag(self, tag: str) -> IssueState:
        return replace(self, pending=tuple(p for p in self.pending if p.tag != tag))

    def with_pending(self, pending: Pending) -> IssueState:
        """``pending`` replaces an earlier request for the same paper; a changed request gets a new
        revision tag (never the old one). An identical one changes nothing: the earlier request
        stays as it is, with its tag, requester and link (running the same /add twice == once)."""
        earlier = next((p for p in self.pending if p.arxiv_id == pending.arxiv_id), None)
        if earlier is not None and earlier.same_request(pending):
            return self
        tag, taken = new_tag(), {p.tag for p in self.pending}  # the earlier tag included
        while tag in taken:
            tag = new_tag()
        others = self.without_pending(pending.arxiv_id)
        return replace(others, pending=(*others.pending, replace(pending, tag=tag)))

    def with_pull(self, pull: OpenedPull) -> IssueState:
        others = tuple(p for p in self.pulls if p.number != pull.number)
        return replace(self, pulls=(*others, pull))

    def is_answered(self, source: str, key: str) -> bool:
        if source != ISSUE_SOURCE and int(source[1:]) <= self.before:
            return True
        return key in self.answered.get(source, ())

    def with_answered(self, source: str, keys: Sequence[str]) -> IssueState:
        known = self.answered.get(source, ())
        merged = (*known, *(k for k in dict.fromkeys(keys) if k not in known))[-MAX_KEYS:]
        return replace(self, answered={**self.answered, source: merged})

    def compacted(self) -> IssueState:
        """Half of the comments' answer records folded into ``before`` (the marker stays small:
        commands in those comments are answered for good, even if the comment is edited later)."""
        comments = sorted(int(s[1:]) for s in self.answered if s != ISSUE_SOURCE)
        if not comments:
            return self
        cut = comments[max(0, len(comments) // 2 - 1)]
        kept = {s: v for s, v in self.answered.items() if s == ISSUE_SOURCE or int(s[1:]) > cut}
        return replace(self, answered=kept, before=max(self.before, cut))


def state_from_data(data: Mapping[str, Any] | None, taxonomy: Taxonomy, hosts: Sequence[str]) -> IssueState:
    """The state stored in the status marker, keeping only well-formed records (a maintainer may
    have edited the comment by hand)."""

    def records(key: str) -> list[Any]:
        found = data.get(key) if isinstance(data, Mapping) else None
        return found if isinstance(found, list) else []

    pending = [p for p in (_pending(raw, taxonomy, hosts) for raw in records("pending")) if p]
    pulls = [p for p in (_pull(raw) for raw in records("pulls")) if p]
    raw_answered = data.get("answered") if isinstance(data, Mapping) else None
    answered: dict[str, tuple[str, ...]] = {}
    if isinstance(raw_answered, Mapping):
        for source, keys in raw_answered.items():
            if isinstance(source, str) and _SOURCE_RE.match(source) and isinstance(keys, list):
                valid = tuple(k for k in keys if isinstance(k, str) and _KEY_RE.match(k))
                answered[source] = valid[-MAX_KEYS:]
    before = data.get("before") if isinstance(data, Mapping) else 0
    legacy = isinstance(data, Mapping) and "answered" not in data
    kept: dict[str, Pending] = {}
    for p in pending[:MAX_PENDING]:  # a tag read back is kept; a missing or repeated one replaced
        if not REVISION_RE.match(p.tag) or p.tag in {q.tag for q in kept.values()}:
            p = replace(p, tag=new_tag())
        kept[p.arxiv_id] = p
    return IssueState(
        tuple(kept.values()),
        tuple(pulls),
        answered,
        before if isinstance(before, int) and before >= 0 else 0,
        legacy,
    )


def _pending(raw: Any, taxonomy: Taxonomy, hosts: Sequence[str]) -> Pending | None:
    try:
        fields = {k: raw[k] for k in Pending.__dataclass_fields__ if k not in ("tag", "in_doubt")}
        pending = Pending(**fields, tag=raw.get("tag", ""), in_doubt=raw.get("in_doubt") is True)
        texts = [v for k, v in vars(pending).items() if k not in ("subsection", "in_doubt")]
        if not all(isinstance(v, str) for v in texts) or not isinstance(pending.subsection, str | None):
            return None
        taxonomy.get(pending.section, pending.subsection)
    except (KeyError, TypeError, BotError):
        return None
    code_ok = not pending.code_url or normalize_code_url(pending.code_url, hosts)[0] == pending.code_url
    valid = (
        arxiv_ids.is_valid(pending.arxiv_id)
        and code_ok
        and parse_entry(pending.line)
        and _GITHUB_LOGIN_RE.match(pending.requested_by)
        and _URL_RE.match(pending.request_url)
    )
    return pending if valid else None


def _pull(raw: Any) -> OpenedPull | None:
    try:
        pull = OpenedPull(
            number=int(raw["number"]),
            url=str(raw["url"]),
            action=str(raw["action"]),
            arxiv_id=str(raw["arxiv_id"]),
            tag=str(raw.get("tag") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    valid = (
        (pull.action in ("add", "remove", "move") and arxiv_ids.is_valid(pull.arxiv_id))
        or (pull.action == "teach" and clean_term(pull.arxiv_id) == pull.arxiv_id)  # its term
    ) and (not pull.tag or REVISION_RE.match(pull.tag) is not None)
    return pull if valid and _URL_RE.match(pull.url) else None


def find_status_comment(comments: Sequence[Comment], own_login: str) -> Comment | None:
    """The bot's status comment: the first comment *written by the bot's own login* that carries
    the marker. A marker in anyone else's comment (another bot's included) is text, not state."""
    for comment in comments:
        if own_login and comment.user == own_login and markers.find(comment.body, MARKER_KIND) is not None:
            return comment
    return None
