"""Acting on the commands: /add, /approve, /remove, /move and /help, each answered by a reply."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.core import arxiv_ids, markers, matching, templates
from bot.core.catalog import Catalog, Item, own_id
from bot.core.entry import render_entry
from bot.core.paper import Paper
from bot.core.proposals import EDIT_MARKER_KIND, Proposal, catalog_edit, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError, UnknownSectionError
from bot.forge.protocols import ChangeRequest, Forge, ProposalResult, PullRequest
from bot.jobs.commands.event import MAX_COMMANDS, CommandSettings, Event, Source, normalize_code_url
from bot.jobs.commands.parser import MAX_PARAGRAPH, Command
from bot.jobs.commands.replies import Reply, code_span, fenced, mention, safe_text, where_text
from bot.jobs.commands.state import MAX_PENDING, IssueState, OpenedPull, Pending
from bot.sources.arxiv_api import LookupResult, LookupStatus

# -- one run ----------------------------------------------------------------------------------


class Lookup(Protocol):
    def lookup(self, ids: Iterable[str]) -> dict[str, LookupResult]: ...


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
    tag: str = ""  # the approved request's revision tag
    previewed: str = ""  # the approved request's entry line, as the maintainer saw it


# A paper's section when the command names none: (section, subsection, confidence) per paper.
Router = Callable[[Catalog, Sequence[Paper]], list[tuple[str, str | None, float]]]
AUTO = ""  # the section of an /add that names none: the router picks it after the lookup
MAX_SECTION = 120  # characters of a section name worth looking up


@dataclass
class Run:
    """What one run needs and what it has done so far. ``author``, ``source_url``, ``maintainer``
    and ``ids_left`` are those of the text (issue body or comment) whose commands are being read."""

    event: Event
    settings: CommandSettings
    taxonomy: Taxonomy
    catalog: Catalog
    forge: Forge
    state: IssueState
    replies: list[Reply] = field(default_factory=list)
    show_help: bool = False
    transient_failure: bool = False
    router: Router | None = None
    author: str = ""
    source_url: str = ""
    maintainer: bool = False
    ids_left: int = 0
    sources: dict[int, str] = field(default_factory=dict)  # command index -> source key
    _open_pulls: dict[str, PullRequest] | None = None

    def enter(self, source: Source, maintainer: bool) -> None:
        self.author, self.source_url, self.maintainer = source.author, source.url, maintainer
        self.ids_left = self.settings.max_ids

    def reply(self, order: tuple[int, int], kind: str, command: str, **data: Any) -> None:
        self.replies.append(Reply(order, kind, command, data, self.sources.get(order[0], "")))

    def open_pull(self, branch: str) -> PullRequest | None:
        """The bot's open PR on ``branch`` (read once per run)."""
        if self._open_pulls is None:
            self._open_pulls = {p.branch: p for p in self.forge.bot_pull_requests("open")}
        return self._open_pulls.get(branch)

    def where(self, section: str, subsection: str | None) -> str:
        return where_text(self.taxonomy, section, subsection)

    def item_where(self, item: Item) -> str:
        """Where a catalog item is ("" outside the taxonomy's sections)."""
        return self.where(item.section, item.subsection) if item.section else ""

    def line_link(self, item: Item) -> str:
        base = self.event.repository_url.rstrip("/")
        return (
            f"[line {item.line_number}]({base}/blob/{self.event.default_branch}/"
            f"{self.settings.catalog_path}#L{item.line_number})"
        )


# -- acting on the commands ----------------------------------------------------------------------


HANDLERS: dict[str, Callable[[int, Command, Run], list[AddRequest]]] = {}


def act(batches: Sequence[tuple[Source, bool, Sequence[Command], int]], work: Run, lookup: Lookup) -> None:
    """Every command of every ``(source, maintainer, commands, ignored)`` batch, in order; one
    arXiv lookup for all of them."""
    requests: list[AddRequest] = []
    index = 0
    for source, maintainer, commands, ignored in batches:
        work.enter(source, maintainer)
        for command in commands:
            work.sources[index] = source.key
            requests.extend(HANDLERS[command.name](index, command, work))
            index += 1
        if ignored:
            work.sources[index] = source.key
            work.reply(
                (index, 0),
                "too_many_commands",
                "",
                limit=MAX_COMMANDS,
                paragraph=MAX_PARAGRAPH,
                ignored=ignored,
            )
            index += 1
    if not requests:
        return
    try:  # one batched lookup for every id of the run
        results = lookup.lookup(dict.fromkeys(r.arxiv_id for r in requests))
    except BotError as exc:  # arXiv failed after its retries: nothing is changed, say so
        work.transient_failure = True
        for request in requests:
            work.reply(
                request.order,
                "source_failed",
                request.command,
                id=request.arxiv_id,
                reason=safe_text(str(exc)),
            )
        return
    for request in _route(requests, results, work):
        _finish_add(request, results[request.arxiv_id], work)


def _route(requests: list[AddRequest], results: dict[str, LookupResult], work: Run) -> list[AddRequest]:
    """Give the /add requests that named no section the router's section (one batch)."""
    auto = [r for r in requests if r.section == AUTO and results[r.arxiv_id].paper is not None]
    if not auto or work.router is None:
        return requests
    papers = [results[r.arxiv_id].paper for r in auto]
    routes = dict(
        zip(
            (r.order for r in auto),
            work.router(work.catalog, [p for p in papers if p is not None]),
            strict=True,
        )
    )
    return [
        replace(r, section=routes[r.order][0], subsection=routes[r.order][1], routed=routes[r.order][2])
        if r.order in routes
        else r
        for r in requests
    ]


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
        work.reply(
            (index, 99), "too_many", cmd, limit=work.settings.max_ids, skipped=len(command.ids) - len(kept)
        )
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
        if len(command.section) > MAX_SECTION:  # no heading is that long: not worth a fuzzy search
            raise UnknownSectionError(f"unknown section {command.section[:MAX_SECTION]!r}…", [])
        section, subsection = work.taxonomy.resolve(command.section)
    except UnknownSectionError:
        work.reply(
            (index, 0),
            "unknown_section",
            cmd,
            section=code_span(command.section, 60),
            suggestions=closest_sections(command.section, work.taxonomy)
            if len(command.section) <= MAX_SECTION
            else [],
        )
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
        work.reply(
            (index, 0),
            "not_allowed",
            code_span(command.text),
            name=command.name,
            roles=", ".join(work.settings.allowed_roles),
        )
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
            work.reply(
                (index, 0),
                "bad_code",
                cmd,
                url=code_span(command.code_url, 80),
                reason=problem,
                hosts=", ".join(work.settings.code_hosts),
            )
            return []
        code_url = normalized
    placement = _placement(index, command, work)
    if placement is None:
        return []
    requests = []
    for position, arxiv_id in enumerate(ids, start=10):
        if not _already_listed((index, position), cmd, arxiv_id, None, work):
            requests.append(
                AddRequest(
                    (index, position),
                    cmd,
                    arxiv_id,
                    *placement,
                    code_url,
                    work.author,
                    work.source_url,
                    work.maintainer,
                )
            )
    return requests


def _already_listed(order: tuple[int, int], cmd: str, arxiv_id: str, title: str | None, work: Run) -> bool:
    item = work.catalog.find(arxiv_id, title)
    if item is None:
        return False
    work.reply(
        order,
        "duplicate",
        cmd,
        id=arxiv_id,
        title=safe_text(item.title or arxiv_id),
        link=work.line_link(item),
        where=work.item_where(item),
    )
    work.state = work.state.without_pending(arxiv_id)
    return True


def _plan_approve(index: int, command: Command, work: Run) -> list[AddRequest]:
    """``/approve <revision> ...``: the requests whose current revision tag is named, nothing else.
    A request changed after the preview has a new tag, so an old tag approves nothing."""
    cmd = code_span(command.text)
    if not work.maintainer:
        work.reply((index, 0), "approve_refused", cmd)
        return []
    if not work.state.pending:
        work.reply((index, 0), "nothing_pending", cmd)
        return []
    tags = list(dict.fromkeys(word.lower() for word in (command.section or "").split()))[:MAX_PENDING]
    if not tags:
        work.reply(
            (index, 0),
            "approve_which",
            cmd,
            choices=[f"`/approve {p.tag}` (arXiv {p.arxiv_id})" for p in work.state.pending],
        )
        return []
    requests = []
    for position, tag in enumerate(tags, start=10):
        p = next((p for p in work.state.pending if p.tag == tag), None)
        if p is None:
            work.reply(
                (index, position),
                "approve_stale",
                cmd,
                tag=code_span(tag, 20),
                choices=[f"`{q.tag}` (arXiv {q.arxiv_id})" for q in work.state.pending],
            )
        elif not _already_listed((index, position), cmd, p.arxiv_id, None, work):
            requests.append(
                AddRequest(
                    (index, position),
                    cmd,
                    p.arxiv_id,
                    p.section,
                    p.subsection,
                    p.code_url,
                    p.requested_by,
                    p.request_url,
                    approved=True,
                    tag=p.tag,
                    previewed=p.line,
                )
            )
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
    changed = request.approved and request.tag and render_entry(entry) != request.previewed
    if not request.approved or changed:
        # a request, or an approved one whose entry arXiv changed since the preview: (re)preview
        waiting = {p.arxiv_id for p in work.state.pending}
        if arxiv_id not in waiting and len(waiting) >= MAX_PENDING:
            work.reply(order, "too_many_pending", cmd, limit=MAX_PENDING, **facts)
            return
        work.state = work.state.with_pending(
            Pending(
                arxiv_id,
                request.section,
                request.subsection,
                request.code_url,
                request.requested_by,
                request.request_url,
                render_entry(entry),
            )
        )
        tag = next(p.tag for p in work.state.pending if p.arxiv_id == arxiv_id)
        work.reply(order, "approve_changed" if changed else "pending", cmd, tag=tag, **facts)
        return
    section_label = (f"section:{request.section}",) if work.settings.section_labels else ()
    labels = work.settings.add_labels + section_label
    proposal = Proposal(
        paper=paper,
        entry=entry,
        section=request.section,
        subsection=request.subsection,
        requested_by=request.requested_by,
        request_url=request.request_url,
        labels=labels,
    )
    change = change_request(proposal, work.taxonomy, work.settings.catalog_path, work.settings.branches)
    if _propose(order, cmd, change, "add", arxiv_id, work, facts):
        # the approved revision is done; a newer request for the paper (another tag) still waits
        state = work.state
        work.state = state.without_tag(request.tag) if request.tag else state.without_pending(arxiv_id)


def _propose(
    order: tuple[int, int],
    cmd: str,
    change: ChangeRequest,
    action: str,
    arxiv_id: str,
    work: Run,
    facts: dict[str, Any],
) -> bool:
    """Open or update the PR and reply; a failure is replied and does not stop the other commands.
    An open PR on the branch that this issue did not open (another issue's, the poll job's) is
    never touched."""
    foreign = work.open_pull(change.branch)
    if foreign is not None and all(p.number != foreign.number for p in work.state.pulls):
        work.reply(order, "other_pull", cmd, pr=f"[#{foreign.number}]({foreign.url})", **facts)
        return False
    try:
        result: ProposalResult = work.forge.propose(change)
    except BotError as exc:
        work.transient_failure = True
        work.reply(order, "forge_failed", cmd, reason=safe_text(str(exc)), **facts)
        return False
    pull = result.pull_request
    work.state = work.state.with_pull(OpenedPull(pull.number, pull.url, action, arxiv_id))
    work.reply(
        order, f"{action}_done", cmd, result=result.action, pr=f"[#{pull.number}]({pull.url})", **facts
    )
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
        facts = dict(
            id=arxiv_id,
            title=safe_text(item.title or arxiv_id),
            link=work.line_link(item),
            where=work.item_where(item),
        )
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
        facts = dict(
            id=arxiv_id,
            title=safe_text(item.title or arxiv_id),
            link=work.line_link(item),
            where=work.where(*placement),
            origin=work.item_where(item),
        )
        if item.entry is None:
            work.reply(order, "not_canonical", cmd, **facts)
        elif (item.section, item.subsection) == placement:
            work.reply(order, "same_section", cmd, **facts)
        else:
            _propose(
                order,
                cmd,
                edit_request("move", arxiv_id, item, placement, work),
                "move",
                arxiv_id,
                work,
                facts,
            )
    return []


def edit_request(
    action: str, arxiv_id: str, item: Item, placement: tuple[str, str | None] | None, work: Run
) -> ChangeRequest:
    """The PR of a /remove or /move, on branch ``bot/remove-<id>`` or ``bot/move-<id>``."""
    section, subsection = placement or (None, None)
    marker = markers.make(
        EDIT_MARKER_KIND,
        {"action": action, "arxiv_id": arxiv_id, "section": section, "subsection": subsection},
    )
    context: dict[str, Any] = dict(
        action=action,
        arxiv_id=arxiv_id,
        title=safe_text(item.title or arxiv_id),
        url=arxiv_ids.abs_url(arxiv_id),
        line=item.text.splitlines()[0] if item.text else "",
        fenced=fenced,
        origin=work.item_where(item),
        line_number=item.line_number,
        target=work.where(section, subsection) if section else "",
        catalog_path=work.settings.catalog_path,
        requester=mention(work.author),
        request_url=work.source_url,
        marker=marker,
    )
    title = templates.render("command_pr_title.txt.j2", **context).strip()
    labels = work.settings.remove_labels if action == "remove" else work.settings.move_labels
    return ChangeRequest(
        branch=work.settings.branches.edit(action, arxiv_id),
        title=title,
        body=templates.render("command_pr_body.md.j2", **context),
        commit_message=title,
        path=work.settings.catalog_path,
        edit=catalog_edit(arxiv_id, placement, work.taxonomy),
        labels=labels,
    )


HANDLERS.update({"add": _plan_add, "approve": _plan_approve, "remove": _remove, "move": _move, "help": _help})
