"""One run of the issue commands: what it needs and has done so far (``Run``), and the steps
the commands share: taking ids, resolving a section, checking the author's role, opening a PR."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.core import digest
from bot.core.branches import paper_id_of
from bot.core.catalog import Catalog, Item
from bot.core.catalog_document import contents_anchors
from bot.core.paper import Paper
from bot.core.proposals import proposal_marker
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.forge.protocols import ChangeRequest, Forge, ProposalResult, PullRequest, propose_redone_once
from bot.jobs.commands.event import CommandSettings, Event, Source, editor_unknown
from bot.jobs.commands.parser import Command
from bot.jobs.commands.replies import Reply, code_span, safe_text, where_text
from bot.jobs.commands.section_names import closest_sections, named_first, section_named
from bot.jobs.commands.state import IssueState, OpenedPull
from bot.sources.arxiv_api import LookupResult


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
    in_doubt: bool = False  # a guess (poll's needs-section): routed, or the open PR's section kept unsure
    tag: str = ""  # the approved request's revision tag
    previewed: str = ""  # the approved request's entry line, as the maintainer saw it
    # a maintainer chose the section: named it in the /add, or approved the preview showing it
    # (not a plain /add that keeps the open PR's, not the router's choice)
    named: bool = False
    approver: tuple[str, str] = ("", "")  # an /approve's: the maintainer's login, their comment's URL


# A paper's section when the command names none, per paper: (section, subsection, confidence,
# in doubt), the last as the poll job decides it (``Decision.needs_section``, routing.needs_section_below).
Router = Callable[[Catalog, Sequence[Paper]], list[tuple[str, str | None, float, bool]]]
# How far each paper is from the list's topics, as the poll job scores it: (score, threshold,
# whether its arXiv categories pass the poll job's gate, ``categories.require_any``).
Scope = Callable[[Catalog, Sequence[Paper]], list[tuple[float, float, bool]]]
AUTO = ""  # the section of an /add that names none: the router picks it after the lookup
MAX_SECTION = 120  # characters of a section name worth looking up
MAX_MALFORMED = 5  # malformed ids answered one by one per command; the rest are counted


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
    scope: Scope | None = None
    catalog_commit: str = ""  # the default branch's commit ``catalog`` was read at ("" unknown)
    scores: dict[str, tuple[float, float, bool]] = field(default_factory=dict)  # the previews': scope's
    author: str = ""
    source_url: str = ""
    maintainer: bool = False
    edited_unknown: bool = False  # the text's editor is unknown (``editor_unknown``): no maintainer
    ids_left: int = 0
    sources: dict[int, str] = field(default_factory=dict)  # command index -> source key
    papers: tuple[str, ...] = ()  # the run's /add ids (``act`` sets them): their PRs are read at once
    _open_pulls: dict[str, PullRequest] | None = None
    _naming: dict[str, list[PullRequest]] = field(default_factory=dict)  # id ("": none) -> its PRs

    def enter(self, source: Source, maintainer: bool) -> None:
        self.author, self.source_url, self.maintainer = source.author, source.url, maintainer
        self.edited_unknown = editor_unknown(source, self.event)
        self.ids_left = self.settings.max_ids

    def reply(self, order: tuple[int, int], kind: str, command: str, **data: Any) -> None:
        self.replies.append(Reply(order, kind, command, data, self.sources.get(order[0], "")))

    def open_pull(self, branch: str) -> PullRequest | None:
        """The bot's open PR on ``branch`` (read once per run); for a paper's branch, else its
        open PR that a maintainer renamed out of the bot's prefix (never rebuilt: ``propose``
        answers that it is left alone, instead of opening a second PR for the paper)."""
        if self._open_pulls is None:
            self._open_pulls = {p.branch: p for p in self.forge.bot_pull_requests("open")}
        found = self._open_pulls.get(branch)
        if found is not None or (arxiv_id := paper_id_of(branch)) is None:
            return found
        renamed = (
            p
            for p in self.pulls_naming("")
            if p.state == "open"
            and not self.settings.branches.owns(p.branch)
            and (proposal_marker(p) or {}).get("arxiv_id") == arxiv_id
        )
        return next(renamed, None)

    def pulls_naming(self, arxiv_id: str) -> list[PullRequest]:
        """Every open bot PR and the closed ones about the paper (``""``: the open ones); read for
        all the run's papers at once, then remembered ([] when GitHub fails: it only informs)."""
        if arxiv_id not in self._naming:
            ids = [i for i in dict.fromkeys((arxiv_id, *self.papers)) if i and i not in self._naming]
            try:
                found = self.forge.bot_pull_requests_naming(ids)
            except BotError:
                found = []
            self._naming.update(dict.fromkeys([arxiv_id, *ids], found))
        return self._naming[arxiv_id]

    def rejected(self, arxiv_id: str) -> tuple[str, bool]:
        """A link to the latest bot PR that said no to the paper, a rejection the maintainer who
        approves or opens it again should know of: its PR closed without merging, or a checklist
        PR (batch mode's digest, a backfill section) closed whole or with its line unticked (then
        True). ("", False) when there is none, or GitHub fails: it is only information. Read once
        per run for all its papers, only when a paper is looked up."""
        said_no: dict[str, tuple[PullRequest, bool]] = {}  # branch or id -> the latest PR, unticked
        for pull in sorted(self.pulls_naming(arxiv_id), key=lambda p: p.number):
            if not pull.number:
                continue
            if digest.is_digest(pull):
                for rejected in digest.rejected_ids(pull):
                    said_no[rejected] = (pull, pull.state != "closed")
            elif pull.said_no_by_closing:
                said_no[pull.branch] = (pull, False)
        found = [said_no.get(k) for k in (self.settings.branches.paper(arxiv_id), arxiv_id)]
        latest = max((f for f in found if f), key=lambda f: f[0].number, default=None)
        return (f"[#{latest[0].number}]({latest[0].url})", latest[1]) if latest else ("", False)

    def where(self, section: str, subsection: str | None) -> str:
        return where_text(self.taxonomy, section, subsection)

    def item_where(self, item: Item) -> str:
        """Where a catalog item is ("" outside the taxonomy's sections)."""
        return self.where(item.section, item.subsection) if item.section else ""

    def line_link(self, item: Item) -> str:
        """A permalink to the item's line at the commit the run read (as GitHub's "Copy
        permalink"): a link on the branch shows another line once anything above it changes."""
        base = self.event.repository_url.rstrip("/")
        return (
            f"[line {item.line_number}]({base}/blob/{self.catalog_commit or self.event.default_branch}/"
            f"{self.settings.catalog_path}#L{item.line_number})"
        )


def example_section(taxonomy: Taxonomy) -> str:
    """A section id of this list for the examples in replies (the first section of papers)."""
    return next((s.id for s in taxonomy.sections if s.kind == "papers"), "<section>")


def take_ids(index: int, command: Command, work: Run) -> list[str]:
    """The command's ids within the event's budget; malformed tokens and overflow get replies."""
    cmd = code_span(command.text)
    shown = command.malformed[:MAX_MALFORMED]  # a line of a hundred broken ids gets a few lines
    for position, token in enumerate(shown):
        more = len(command.malformed) - len(shown) if position == len(shown) - 1 else 0
        work.reply((index, position), "malformed", cmd, token=code_span(token), more=more)
    if not command.ids and not command.malformed:
        work.reply((index, 0), "no_ids", cmd, name=command.name, section=example_section(work.taxonomy))
    kept, work.ids_left = list(command.ids[: work.ids_left]), max(0, work.ids_left - len(command.ids))
    if len(kept) < len(command.ids):
        work.reply(
            (index, 99), "too_many", cmd, limit=work.settings.max_ids, skipped=len(command.ids) - len(kept)
        )
    return kept


def resolve_placement(index: int, command: Command, work: Run) -> tuple[str, str | None] | None:
    """The command's section, or None after replying why it has none."""
    cmd = code_span(command.text)
    if not command.section and command.name == "add" and work.router is not None:
        return AUTO, None  # the bot routes the paper once its abstract is known
    if not command.section:
        work.reply((index, 0), "no_section", cmd, name=command.name, section=example_section(work.taxonomy))
        return None
    # "#other-1": the anchor GitHub gives a heading of this catalog (numbered when titles repeat)
    anchors = contents_anchors(work.catalog) if command.section.lstrip().startswith("#") else None
    found = (
        section_named(command.section, work.taxonomy, anchors)
        if len(command.section) <= MAX_SECTION
        else None
    )
    if found is None:
        work.reply(
            (index, 0),
            "unknown_section",
            cmd,
            section=code_span(command.section, 60),
            suggestions=closest_sections(command.section, work.taxonomy)
            if len(command.section) <= MAX_SECTION
            else [],
            lead=code_span(lead)
            if len(command.section) <= MAX_SECTION and (lead := named_first(command.section, work.taxonomy))
            else "",
        )
        return None
    section, subsection = found
    if work.taxonomy.get(section).kind != "papers":
        work.reply((index, 0), "papers_only", cmd, where=work.where(section, None))
        return None
    return section, subsection


def refuse_unless_maintainer(index: int, command: Command, work: Run) -> bool:
    if not work.maintainer:
        work.reply(
            (index, 0),
            "not_allowed",
            code_span(command.text),
            name=command.name,
            roles=", ".join(work.settings.allowed_roles),
            edited=work.edited_unknown,
        )
    return not work.maintainer


def requested_here(pull: PullRequest, event: Event) -> bool:
    """The bot's PR says it was requested on this issue ("Requested by @x in <issue url>[#...]."):
    a run that opened it and then could not write the status comment did not record it there."""
    if not event.issue_url:
        return False
    # Only the bot's own line, a whole line above the body's first bold heading (**Section:**,
    # **The line**): the title, author and venue lines there cannot be one, while the abstract,
    # the reasons and similar titles below are paper text that could read like it.
    head = pull.body.split("\n**", 1)[0]
    own = rf"^Requested by @\S+ in {re.escape(event.issue_url)}(?:#\S*)?\.$"
    return re.search(own, head, re.MULTILINE) is not None


def updatable(pull: PullRequest, work: Run) -> bool:
    """Whether the run may update ``pull``: this issue opened it, or the command was posted on the
    PR's own page (a PR is an issue too: its number is the event's issue number)."""
    ours = {p.number for p in work.state.pulls} | {work.event.issue_number}
    return pull.number in ours or requested_here(pull, work.event)


def propose(
    order: tuple[int, int],
    cmd: str,
    change: ChangeRequest,
    action: str,
    arxiv_id: str,
    work: Run,
    facts: dict[str, Any],
    tag: str = "",
) -> bool:
    """Open or update the PR and reply; a failure is replied and does not stop the other commands.
    An open PR on the branch that this issue did not open (another issue's, the poll job's) is
    never touched, unless the command was posted on that PR's own page (a PR is an issue too:
    its number is the event's issue number). Nor is one whose branch a maintainer renamed out
    of the bot's prefix: that PR is theirs now."""
    foreign = work.open_pull(change.branch)
    if foreign is not None and (not updatable(foreign, work) or foreign.branch != change.branch):
        work.reply(order, "other_pull", cmd, pr=f"[#{foreign.number}]({foreign.url})", **facts)
        return False
    try:  # a branch another run or a push moved meanwhile is rebuilt once from there
        result: ProposalResult = propose_redone_once(work.forge, change)
    except BotError as exc:
        work.transient_failure = True
        work.reply(order, "forge_failed", cmd, reason=safe_text(str(exc)), **facts)
        return False
    pull = result.pull_request
    work.state = work.state.with_pull(OpenedPull(pull.number, pull.url, action, arxiv_id, tag))
    work.reply(
        order, f"{action}_done", cmd, result=result.action, pr=f"[#{pull.number}]({pull.url})", **facts
    )
    return True
