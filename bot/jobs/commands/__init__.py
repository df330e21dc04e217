"""The handle-event job: the issue commands of one GitHub event, answered in one status comment.

``python -m bot handle-event`` reads the event GitHub Actions saved (``GITHUB_EVENT_NAME``,
``GITHUB_EVENT_PATH``): a new issue comment, or an issue opened or edited. The text of the event is
data only: it is parsed here and never reaches a shell or a workflow expression.

``run`` goes through guard clauses, in order: ignore bots -> ignore events without commands ->
react with eyes -> authorise (collaborator permission) -> parse -> act -> one status comment per
issue, edited in place. Papers proposed by ``/add`` get the poll job's branch and PR
(``bot.core.proposals``), so a command and the poll never open two PRs for one paper; ``/remove`` and
``/move`` get branches ``bot/remove-<id>`` and ``bot/move-<id>``. A non-maintainer's ``/add`` is
kept, as data in the status comment's hidden marker, until a maintainer's ``/approve``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from bot import config
from bot.core import arxiv_ids, markers, matching, templates
from bot.core import taxonomy as taxonomy_module
from bot.core.branches import BranchNames
from bot.core.catalog import Catalog, Item, own_id, parse
from bot.core.entry import parse_entry, render_entry
from bot.core.markdown import code_span, escape_markdown, fenced
from bot.core.markdown import defuse as _defuse
from bot.core.paper import Paper
from bot.core.proposals import EDIT_MARKER_KIND, Proposal, catalog_edit, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.core.urls import code_link
from bot.errors import BotError, UnknownSectionError
from bot.forge.protocols import ChangeRequest, Comment, Forge, IssueTracker, ProposalResult
from bot.jobs.commands.parser import Command, FormLabels, form_command, parse_commands
from bot.sources.arxiv_api import LookupResult, LookupStatus

MARKER_KIND = "command-status"  # the status comment on an issue
HANDLED_EVENTS = {("issue_comment", "created"), ("issues", "opened"), ("issues", "edited")}
WRITE_COMMANDS = {"add", "remove", "move", "approve"}
_GITHUB_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_URL_RE = re.compile(r"^https?://[^\s()<>\[\]`]+$")  # a link the bot wrote (PR, comment)


# -- settings and the event ------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSettings:
    """``config/commands.yml`` as values, plus the bot's own logins from ``config/github.yml``."""

    catalog_path: str = "catalog.md"
    allowed_roles: tuple[str, ...] = ("write", "maintain", "admin")
    requests: bool = True
    max_ids: int = 10
    code_hosts: tuple[str, ...] = ("github.com", "gitlab.com", "huggingface.co")
    add_labels: tuple[str, ...] = ("new-paper", "requested")
    remove_labels: tuple[str, ...] = ("remove-paper",)
    move_labels: tuple[str, ...] = ("move-paper",)
    section_labels: bool = True
    form: FormLabels = FormLabels()
    bot_logins: tuple[str, ...] = ("github-actions[bot]",)
    branches: BranchNames = BranchNames.from_prefix("bot/")

    @classmethod
    def from_config(cls, commands: Mapping[str, Any], github: Mapping[str, Any],
                    catalog_path: str) -> CommandSettings:
        labels = commands["labels"]
        return cls(
            catalog_path=catalog_path, allowed_roles=tuple(commands["allowed_roles"]),
            requests=commands["requests"], max_ids=commands["max_ids"],
            code_hosts=tuple(commands["code_hosts"]), add_labels=tuple(labels["add"]),
            remove_labels=tuple(labels["remove"]), move_labels=tuple(labels["move"]),
            section_labels=commands["section_labels"], form=FormLabels(**commands["form"]),
            bot_logins=tuple(github["bot_logins"]),
            branches=BranchNames.from_config(github),
        )


@dataclass(frozen=True)
class Event:
    """What the bot needs of a webhook payload. ``author`` wrote ``text``: the comment's author,
    or for an issue event the issue's author (the form is read as their request)."""

    name: str
    action: str
    repository: str  # owner/name
    repository_url: str  # https://github.com/owner/name
    default_branch: str
    issue_number: int
    author: str
    author_type: str
    sender: str
    sender_type: str
    text: str
    source_url: str  # the comment or the issue on github.com
    comment_id: int | None = None
    body_changed: bool = True


def read_event(name: str, payload: Mapping[str, Any]) -> Event | None:
    """The event, or None for events and actions the bot does not handle."""
    action = str(payload.get("action") or "")
    if (name, action) not in HANDLED_EVENTS:
        return None
    try:
        issue, repo, sender = payload["issue"], payload["repository"], payload["sender"]
        comment = payload["comment"] if name == "issue_comment" else None
        written = comment if comment is not None else issue
        changes = payload.get("changes") or {}
        return Event(
            name=name, action=action, repository=str(repo["full_name"]), repository_url=str(repo["html_url"]),
            default_branch=str(repo.get("default_branch") or "main"), issue_number=int(issue["number"]),
            author=str(written["user"]["login"]), author_type=str(written["user"].get("type") or ""),
            sender=str(sender["login"]), sender_type=str(sender.get("type") or ""),
            text=str(written.get("body") or ""), source_url=str(written.get("html_url") or ""),
            comment_id=int(comment["id"]) if comment is not None else None,
            body_changed=not changes or "body" in changes,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BotError(f"the {name} event payload lacks {exc}: is GITHUB_EVENT_PATH the file GitHub "
                       "Actions wrote for this event?") from exc


def is_bot(login: str, kind: str, bot_logins: Iterable[str]) -> bool:
    return kind == "Bot" or login.endswith("[bot]") or login in set(bot_logins)


def event_commands(event: Event, form: FormLabels) -> list[Command]:
    """An issue body that is a form submission is one ``/add``; any other text, its commands."""
    if event.comment_id is None:
        submitted = form_command(event.text, form)
        if submitted is not None:
            return [submitted]
    return parse_commands(event.text)


# -- safe text for replies (pure) -------------------------------------------------------------


def safe_text(text: str) -> str:
    """Text from arXiv or the catalog (a title) as inline markdown: escaped, no mentions."""
    return _defuse(escape_markdown(" ".join(text.split())))


def mention(login: str) -> str:
    """``@login`` for a real login (the requester), else the login as code."""
    return f"@{login}" if _GITHUB_LOGIN_RE.match(login) else code_span(login)


def normalize_code_url(url: str, hosts: Sequence[str]) -> tuple[str | None, str | None]:
    """``(https URL, None)`` for an acceptable code link, else ``(None, why)`` where ``why`` is a
    key of the reasons in command_status.md.j2. The one validator: ``bot.core.urls.code_link``."""
    return code_link(url, hosts)


def where_text(taxonomy: Taxonomy, section: str, subsection: str | None) -> str:
    """"Quantization › Weight-only Quantization", escaped."""
    title = taxonomy.get(section).title
    if subsection:
        title += " › " + taxonomy.get(section, subsection).title
    return safe_text(title)


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
             and _GITHUB_LOGIN_RE.match(pending.requested_by) and _URL_RE.match(pending.request_url))
    return pending if valid else None


def _pull(raw: Any) -> OpenedPull | None:
    try:
        pull = OpenedPull(number=int(raw["number"]), url=str(raw["url"]), action=str(raw["action"]),
                          arxiv_id=str(raw["arxiv_id"]))
    except (KeyError, TypeError, ValueError):
        return None
    valid = pull.action in ("add", "remove", "move") and arxiv_ids.is_valid(pull.arxiv_id)
    return pull if valid and _URL_RE.match(pull.url) else None


# -- one run ----------------------------------------------------------------------------------


class Lookup(Protocol):
    def lookup(self, ids: Iterable[str]) -> dict[str, LookupResult]: ...


@dataclass(frozen=True)
class Reply:
    """One line of the status comment: ``kind`` picks the sentence in command_status.md.j2;
    ``data`` holds values already made safe for markdown."""

    order: tuple[int, int]
    kind: str
    command: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AddRequest:
    """A validated ``/add`` (or an approved pending one), waiting for its arXiv metadata."""

    order: tuple[int, int]
    command: str
    arxiv_id: str
    section: str
    subsection: str | None
    code_url: str
    requested_by: str
    request_url: str
    approved: bool
    routed: float | None = None  # the router's confidence, when the bot chose the section


# A paper's section when the command names none: (section, subsection, confidence) per paper.
Router = Callable[[Catalog, Sequence[Paper]], list[tuple[str, str | None, float]]]
AUTO = ""  # the section of an /add that names none: the router picks it after the lookup


@dataclass
class Run:
    """What one event's run needs and what it has done so far."""

    event: Event
    settings: CommandSettings
    taxonomy: Taxonomy
    catalog: Catalog
    forge: Forge
    maintainer: bool
    state: IssueState
    replies: list[Reply] = field(default_factory=list)
    show_help: bool = False
    transient_failure: bool = False
    ids_left: int = 0
    router: Router | None = None

    def reply(self, order: tuple[int, int], kind: str, command: str, **data: Any) -> None:
        self.replies.append(Reply(order, kind, command, data))

    def where(self, section: str, subsection: str | None) -> str:
        return where_text(self.taxonomy, section, subsection)

    def item_where(self, item: Item) -> str:
        """Where a catalog item is ("" outside the taxonomy's sections)."""
        return self.where(item.section, item.subsection) if item.section else ""

    def line_link(self, item: Item) -> str:
        base = self.event.repository_url.rstrip("/")
        return f"[line {item.line_number}]({base}/blob/{self.event.default_branch}/" \
               f"{self.settings.catalog_path}#L{item.line_number})"


@dataclass(frozen=True)
class CommandRun:
    """What ``run`` did: ``ignored`` says why nothing happened; ``body`` is the status comment."""

    ignored: str = ""
    body: str = ""
    replies: tuple[Reply, ...] = ()
    exit_code: int = 0


def run(event: Event, forge: Forge, issues: IssueTracker, lookup: Lookup, taxonomy: Taxonomy,
        settings: CommandSettings, router: Router | None = None) -> CommandRun:
    """Run the commands of one event; every service is injected."""
    # Bots (other apps, and this bot answering itself) never give commands.
    if is_bot(event.author, event.author_type, settings.bot_logins) or is_bot(
            event.sender, event.sender_type, settings.bot_logins):
        return CommandRun(ignored=f"written by a bot ({event.sender})")
    # An issue edit that leaves the body alone asks for nothing new.
    if not event.body_changed:
        return CommandRun(ignored="the issue's body did not change")
    # No command, no answer: most comments are conversation.
    commands = event_commands(event, settings.form)
    if not commands:
        return CommandRun(ignored="no command in the text")
    # React at once, so the author sees the bot is on it.
    issues.add_reaction(event.issue_number, event.comment_id, "eyes")
    existing = _status_comment(issues, event.issue_number, settings.bot_logins)
    state = state_from_data(markers.find(existing.body, MARKER_KIND) if existing else None, taxonomy,
                            settings.code_hosts)
    try:
        # Authorise with the collaborator-permission API, only when a write command asks for it.
        maintainer = any(c.name in WRITE_COMMANDS for c in commands) and (
            issues.permission(event.author) in settings.allowed_roles)
        catalog = default_catalog(forge, settings.catalog_path, taxonomy)
        work = Run(event, settings, taxonomy, catalog, forge, maintainer, state, ids_left=settings.max_ids,
                   router=router)
        _act(commands, work, lookup)
    except BotError as exc:
        return _fail(event, issues, state, str(exc), taxonomy, settings)
    body = render_status(work)
    issues.upsert_comment(event.issue_number, MARKER_KIND, body)
    return CommandRun(body=body, replies=tuple(sorted(work.replies, key=lambda r: r.order)),
                   exit_code=1 if work.transient_failure else 0)


def default_catalog(forge: Forge, path: str, taxonomy: Taxonomy) -> Catalog:
    """The catalog on the default branch (what the PRs will change)."""
    text = forge.read_file(path)
    if not text.strip():
        raise BotError(f"{path} is missing or empty on the default branch: set `catalog` in "
                       "config/commands.yml to the catalog's path")
    return parse(text, taxonomy)


def _status_comment(issues: IssueTracker, number: int, bot_logins: Sequence[str]) -> Comment | None:
    for comment in issues.list_comments(number):
        if is_bot(comment.user, "", bot_logins) and markers.find(comment.body, MARKER_KIND) is not None:
            return comment
    return None


def _fail(event: Event, issues: IssueTracker, state: IssueState, message: str, taxonomy: Taxonomy,
          settings: CommandSettings) -> CommandRun:
    """The run could not start (permission or catalog unreadable): say so, keep the state."""
    failure = Reply((0, 0), "failed", "", {"reason": safe_text(message)})
    body = templates.render("command_status.md.j2", **_status_context(
        event, state, [failure], False, taxonomy, settings))
    issues.upsert_comment(event.issue_number, MARKER_KIND, body)
    return CommandRun(body=body, exit_code=1)


# -- acting on the commands ----------------------------------------------------------------------


def _act(commands: Sequence[Command], work: Run, lookup: Lookup) -> None:
    requests: list[AddRequest] = []
    handlers: dict[str, Callable[[int, Command, Run], list[AddRequest]]] = {
        "add": _plan_add, "approve": _plan_approve, "remove": _remove, "move": _move, "help": _help,
    }
    for index, command in enumerate(commands):
        requests.extend(handlers[command.name](index, command, work))
    if not requests:
        return
    try:  # one batched lookup for every id of the event
        results = lookup.lookup(dict.fromkeys(r.arxiv_id for r in requests))
    except BotError as exc:  # arXiv failed after its retries: nothing is changed, say so
        work.transient_failure = True
        for request in requests:
            work.reply(request.order, "source_failed", request.command, id=request.arxiv_id,
                       reason=safe_text(str(exc)))
        return
    for request in _route(requests, results, work):
        _finish_add(request, results[request.arxiv_id], work)


def _route(requests: list[AddRequest], results: dict[str, LookupResult], work: Run) -> list[AddRequest]:
    """Give the /add requests that named no section the router's section (one batch)."""
    auto = [r for r in requests if r.section == AUTO and results[r.arxiv_id].paper is not None]
    if not auto or work.router is None:
        return requests
    papers = [results[r.arxiv_id].paper for r in auto]
    routes = dict(zip((r.order for r in auto),
                      work.router(work.catalog, [p for p in papers if p is not None]), strict=True))
    return [replace(r, section=routes[r.order][0], subsection=routes[r.order][1],
                    routed=routes[r.order][2]) if r.order in routes else r for r in requests]


def _help(index: int, command: Command, work: Run) -> list[AddRequest]:
    work.show_help = True
    return []


def _take_ids(index: int, command: Command, work: Run) -> list[str]:
    """The command's ids within the event's budget; malformed tokens and overflow get replies."""
    cmd = code_span(command.text)
    for position, token in enumerate(command.malformed):
        work.reply((index, position), "malformed", cmd, token=code_span(token))
    if not command.ids and not command.malformed:
        work.reply((index, 0), "no_ids", cmd, name=command.name)
    kept, work.ids_left = list(command.ids[: work.ids_left]), max(0, work.ids_left - len(command.ids))
    if len(kept) < len(command.ids):
        work.reply((index, 99), "too_many", cmd, limit=work.settings.max_ids,
                   skipped=len(command.ids) - len(kept))
    return kept


def _placement(index: int, command: Command, work: Run) -> tuple[str, str | None] | None:
    """The command's section, or None after replying why it has none."""
    cmd = code_span(command.text)
    if not command.section and command.name == "add" and work.router is not None:
        return AUTO, None  # the bot routes the paper once its abstract is known
    if not command.section:
        work.reply((index, 0), "no_section", cmd, name=command.name)
        return None
    try:
        section, subsection = work.taxonomy.resolve(command.section)
    except UnknownSectionError:
        work.reply((index, 0), "unknown_section", cmd, section=code_span(command.section, 60),
                   suggestions=closest_sections(command.section, work.taxonomy))
        return None
    if work.taxonomy.get(section).kind != "papers":
        work.reply((index, 0), "papers_only", cmd, where=work.where(section, None))
        return None
    return section, subsection


def closest_sections(name: str, taxonomy: Taxonomy, limit: int = 3) -> list[str]:
    """The paper sections and subsections nearest to ``name`` (by id or heading), as
    "`id` (Heading)"."""
    papers = [s for s in (*taxonomy.sections, *taxonomy.subsections) if s.kind == "papers"]
    return [f"`{s.id}` ({safe_text(s.title)})" for s in matching.closest_sections(name, papers, limit)]


def _refuse_unless_maintainer(index: int, command: Command, work: Run) -> bool:
    if not work.maintainer:
        work.reply((index, 0), "not_allowed", code_span(command.text), name=command.name,
                   roles=", ".join(work.settings.allowed_roles))
    return not work.maintainer


def _plan_add(index: int, command: Command, work: Run) -> list[AddRequest]:
    cmd = code_span(command.text)
    if not work.maintainer and not work.settings.requests:
        work.reply((index, 0), "requests_disabled", cmd)
        return []
    ids = _take_ids(index, command, work)
    if not ids:
        return []
    code_url = ""
    if command.code_url:
        normalized, problem = normalize_code_url(command.code_url, work.settings.code_hosts)
        if normalized is None:
            work.reply((index, 0), "bad_code", cmd, url=code_span(command.code_url, 80), reason=problem,
                       hosts=", ".join(work.settings.code_hosts))
            return []
        code_url = normalized
    placement = _placement(index, command, work)
    if placement is None:
        return []
    requests = []
    for position, arxiv_id in enumerate(ids, start=10):
        if not _already_listed((index, position), cmd, arxiv_id, None, work):
            requests.append(AddRequest((index, position), cmd, arxiv_id, *placement, code_url,
                                       work.event.author, work.event.source_url, work.maintainer))
    return requests


def _already_listed(order: tuple[int, int], cmd: str, arxiv_id: str, title: str | None, work: Run) -> bool:
    item = work.catalog.find(arxiv_id, title)
    if item is None:
        return False
    work.reply(order, "duplicate", cmd, id=arxiv_id, title=safe_text(item.title or arxiv_id),
               link=work.line_link(item), where=work.item_where(item))
    work.state = work.state.without_pending(arxiv_id)
    return True


def _plan_approve(index: int, command: Command, work: Run) -> list[AddRequest]:
    cmd = code_span(command.text)
    if not work.maintainer:
        work.reply((index, 0), "approve_refused", cmd)
        return []
    if not work.state.pending:
        work.reply((index, 0), "nothing_pending", cmd)
        return []
    requests = []
    for position, p in enumerate(work.state.pending, start=10):
        if not _already_listed((index, position), cmd, p.arxiv_id, None, work):
            requests.append(AddRequest((index, position), cmd, p.arxiv_id, p.section, p.subsection,
                                       p.code_url, p.requested_by, p.request_url, approved=True))
    return requests


def _finish_add(request: AddRequest, result: LookupResult, work: Run) -> None:
    order, cmd, arxiv_id = request.order, request.command, request.arxiv_id
    paper = result.paper
    if result.status is LookupStatus.UNKNOWN or paper is None:
        work.reply(order, "unknown", cmd, id=arxiv_id)
        work.state = work.state.without_pending(arxiv_id)
        return
    if result.status is LookupStatus.WITHDRAWN:
        work.reply(order, "withdrawn", cmd, id=arxiv_id, title=safe_text(paper.title))
        work.state = work.state.without_pending(arxiv_id)
        return
    if _already_listed(order, cmd, arxiv_id, paper.title, work):
        return
    entry = paper_entry(paper, request.code_url)
    where = work.where(request.section, request.subsection)
    facts = dict(id=arxiv_id, title=safe_text(paper.title), where=where, routed=request.routed)
    if not request.approved:
        work.state = work.state.with_pending(Pending(
            arxiv_id, request.section, request.subsection, request.code_url, request.requested_by,
            request.request_url, render_entry(entry)))
        work.reply(order, "pending", cmd, **facts)
        return
    section_label = (f"section:{request.section}",) if work.settings.section_labels else ()
    labels = work.settings.add_labels + section_label
    proposal = Proposal(paper=paper, entry=entry, section=request.section, subsection=request.subsection,
                        requested_by=request.requested_by, request_url=request.request_url, labels=labels)
    change = change_request(proposal, work.taxonomy, work.settings.catalog_path, work.settings.branches)
    if _propose(order, cmd, change, "add", arxiv_id, work, facts):
        work.state = work.state.without_pending(arxiv_id)


def _propose(order: tuple[int, int], cmd: str, change: ChangeRequest, action: str, arxiv_id: str,
             work: Run, facts: dict[str, Any]) -> bool:
    """Open or update the PR and reply; a failure is replied and does not stop the other commands."""
    try:
        result: ProposalResult = work.forge.propose(change)
    except BotError as exc:
        work.transient_failure = True
        work.reply(order, "forge_failed", cmd, reason=safe_text(str(exc)), **facts)
        return False
    pull = result.pull_request
    work.state = work.state.with_pull(OpenedPull(pull.number, pull.url, action, arxiv_id))
    work.reply(order, f"{action}_done", cmd, result=result.action, pr=f"[#{pull.number}]({pull.url})",
               **facts)
    return True


# -- /remove and /move ----------------------------------------------------------------------------


def _catalog_item(order: tuple[int, int], cmd: str, arxiv_id: str, name: str, work: Run) -> Item | None:
    item = work.catalog.find_by_id(arxiv_id)
    # an entry that only mentions the id (in a note) is not the paper's
    if item is None or item.section is None or own_id(item) != arxiv_id:
        work.reply(order, "not_in_catalog", cmd, id=arxiv_id, name=name)
        return None
    return item


def _remove(index: int, command: Command, work: Run) -> list[AddRequest]:
    if _refuse_unless_maintainer(index, command, work):
        return []
    cmd = code_span(command.text)
    for position, arxiv_id in enumerate(_take_ids(index, command, work), start=10):
        item = _catalog_item((index, position), cmd, arxiv_id, "remove", work)
        if item is None:
            continue
        facts = dict(id=arxiv_id, title=safe_text(item.title or arxiv_id), link=work.line_link(item),
                     where=work.item_where(item))
        change = edit_request("remove", arxiv_id, item, None, work)
        _propose((index, position), cmd, change, "remove", arxiv_id, work, facts)
    return []


def _move(index: int, command: Command, work: Run) -> list[AddRequest]:
    if _refuse_unless_maintainer(index, command, work):
        return []
    ids = _take_ids(index, command, work)
    placement = _placement(index, command, work) if ids else None
    if placement is None:
        return []
    cmd = code_span(command.text)
    for position, arxiv_id in enumerate(ids, start=10):
        order = (index, position)
        item = _catalog_item(order, cmd, arxiv_id, "move", work)
        if item is None:
            continue
        facts = dict(id=arxiv_id, title=safe_text(item.title or arxiv_id), link=work.line_link(item),
                     where=work.where(*placement), origin=work.item_where(item))
        if item.entry is None:
            work.reply(order, "not_canonical", cmd, **facts)
        elif (item.section, item.subsection) == placement:
            work.reply(order, "same_section", cmd, **facts)
        else:
            _propose(order, cmd, edit_request("move", arxiv_id, item, placement, work), "move", arxiv_id,
                     work, facts)
    return []


def edit_request(action: str, arxiv_id: str, item: Item, placement: tuple[str, str | None] | None,
                 work: Run) -> ChangeRequest:
    """The PR of a /remove or /move, on branch ``<prefix>remove-<id>`` or ``<prefix>move-<id>``."""
    section, subsection = placement or (None, None)
    marker = markers.make(EDIT_MARKER_KIND, {"action": action, "arxiv_id": arxiv_id, "section": section,
                                             "subsection": subsection})
    context: dict[str, Any] = dict(
        action=action, arxiv_id=arxiv_id, title=safe_text(item.title or arxiv_id),
        url=arxiv_ids.abs_url(arxiv_id), line=item.text.splitlines()[0] if item.text else "",
        fenced=fenced, origin=work.item_where(item), line_number=item.line_number,
        target=work.where(section, subsection) if section else "", catalog_path=work.settings.catalog_path,
        requester=mention(work.event.author), request_url=work.event.source_url, marker=marker)
    title = templates.render("command_pr_title.txt.j2", **context).strip()
    labels = work.settings.remove_labels if action == "remove" else work.settings.move_labels
    return ChangeRequest(
        branch=work.settings.branches.edit(action, arxiv_id), title=title,
        body=templates.render("command_pr_body.md.j2", **context), commit_message=title,
        path=work.settings.catalog_path, edit=catalog_edit(arxiv_id, placement, work.taxonomy), labels=labels)


# -- the status comment ------------------------------------------------------------------------------


def _status_context(event: Event, state: IssueState, replies: Sequence[Reply], show_help: bool,
                    taxonomy: Taxonomy, settings: CommandSettings) -> dict[str, Any]:
    pending = [dict(p=p, by=mention(p.requested_by), block=fenced(p.line),
                    where=where_text(taxonomy, p.section, p.subsection)) for p in state.pending]
    return dict(
        marker=markers.make(MARKER_KIND, state.to_data()), actor=mention(event.author),
        source_url=event.source_url, is_comment=event.comment_id is not None,
        replies=sorted(replies, key=lambda r: r.order), show_help=show_help, pending=pending,
        pulls=state.pulls, help=render_help(taxonomy, settings) if show_help else "",
    )


def render_status(work: Run) -> str:
    return templates.render("command_status.md.j2", **_status_context(
        work.event, work.state, work.replies, work.show_help, work.taxonomy, work.settings))


def render_help(taxonomy: Taxonomy, settings: CommandSettings) -> str:
    sections = [(s.id, where_text(taxonomy, s.parent or s.id, s.id if s.parent else None))
                for parent in taxonomy.sections if parent.kind == "papers"
                for s in (parent, *taxonomy.children(parent.id))]
    return templates.render("command_help.md.j2", sections=sections, roles=settings.allowed_roles,
                            hosts=settings.code_hosts, requests=settings.requests, max_ids=settings.max_ids)


# -- the edge: the event file, config and services -----------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event-name", help="the event's name (default: $GITHUB_EVENT_NAME)")
    parser.add_argument("--event-path", type=Path,
                        help="the event's JSON payload (default: $GITHUB_EVENT_PATH)")


def load_event(name: str | None, path: Path | None) -> Event | None:
    if not name or not path:
        raise BotError("no event: handle-event runs in GitHub Actions (GITHUB_EVENT_NAME and "
                       "GITHUB_EVENT_PATH), or pass --event-name and --event-path")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BotError(f"cannot read the event file {path}: {exc}") from exc
    if not isinstance(payload, dict):
        raise BotError(f"the event file {path} is not a JSON object")
    return read_event(name, payload)


def scorer_router(taxonomy: Taxonomy) -> Router:
    """Route papers as the poll job does (the scorer trained on the catalog), lazily: the
    scorer is trained only when an /add names no section."""
    def route(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[str, str | None, float]]:
        from bot.scoring import Scorer

        scorer = Scorer.train(catalog, taxonomy, config.load("keywords"))
        return [(d.section, d.subsection, d.confidence) for d in scorer.score(list(papers))]

    return route


def main(args: argparse.Namespace) -> int:
    from bot.forge.actions import build_services

    env = dict(os.environ)
    path = args.event_path or (Path(env["GITHUB_EVENT_PATH"]) if env.get("GITHUB_EVENT_PATH") else None)
    event = load_event(args.event_name or env.get("GITHUB_EVENT_NAME"), path)
    if event is None:
        print("nothing to do: the bot handles issue_comment created and issues opened or edited")
        return 0
    github = config.load("github")
    settings = CommandSettings.from_config(config.load("commands"), github, config.catalog_path())
    services = build_services(env, catalog_path=settings.catalog_path,
                              repository=env.get("GITHUB_REPOSITORY") or event.repository)
    forge, lookup = services.github(), services.arxiv_lookup()
    taxonomy = taxonomy_module.load()
    outcome = run(event, forge, forge, lookup, taxonomy, settings, scorer_router(taxonomy))
    if outcome.ignored:
        print(f"nothing to do: {outcome.ignored}")
    else:
        print(outcome.body)
    if outcome.exit_code:
        print("error: some commands could not be carried out (see the status comment above); "
              "post them again later", file=sys.stderr)
    return outcome.exit_code
