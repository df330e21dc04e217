"""``/add`` and ``/approve``: each command plans its requests; after one arXiv lookup for the
whole run, each request is routed (when it names no section), then previewed for approval or
proposed as a PR."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.core.arxiv_ids import canonical
from bot.core.catalog import own_id
from bot.core.entry import parse_entry, render_entry
from bot.core.proposals import Proposal, change_request, first_placement, paper_entry, proposal_marker
from bot.errors import BotError
from bot.jobs.commands.event import normalize_code_url
from bot.jobs.commands.parser import Command
from bot.jobs.commands.replies import code_span, safe_text
from bot.jobs.commands.state import MAX_PENDING, OpenedPull, Pending
from bot.jobs.commands.work import (
    AUTO,
    AddRequest,
    Run,
    propose,
    resolve_placement,
    take_ids,
    updatable,
)
from bot.sources.arxiv_api import LookupResult, LookupStatus

log = logging.getLogger(__name__)


def plan_add(index: int, command: Command, work: Run) -> list[AddRequest]:
    cmd = code_span(command.text)
    if not work.maintainer and not work.settings.requests:
        work.reply((index, 0), "requests_disabled", cmd)
        return []
    # arXiv knows an old-style id by its archive alone: math.GT/0309136 is math/0309136 there
    ids = list(dict.fromkeys(canonical(i) for i in take_ids(index, command, work)))
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
    # /add again for a paper whose PR this issue updates changes only what it names
    current = {arxiv_id: _current(arxiv_id, work) for arxiv_id in ids}
    kept = not command.section and all(current.values())
    placement = (AUTO, None) if kept else resolve_placement(index, command, work)
    if placement is None:
        return []
    requests = []
    for position, arxiv_id in enumerate(ids, start=10):
        if _already_listed((index, position), cmd, arxiv_id, None, work):
            continue
        section, subsection, code = *placement, code_url
        now, in_doubt = current[arxiv_id], False
        if now is not None:
            section, subsection = (section, subsection) if command.section else (now[0], now[1])
            code = code or now[2]
            # the section kept, so is the bot's doubt about it: its label and the PR body's note
            in_doubt = not command.section and _labelled_in_doubt(arxiv_id, work)
        requests.append(
            AddRequest(
                (index, position),
                cmd,
                arxiv_id,
                section,
                subsection,
                code,
                work.author,
                work.source_url,
                work.maintainer,
                named=bool(command.section),
                in_doubt=in_doubt,
            )
        )
    return requests


def _labelled_in_doubt(arxiv_id: str, work: Run) -> bool:
    """The paper's open PR still has the needs-section label: no maintainer has chosen its section."""
    pull = work.open_pull(work.settings.branches.paper(arxiv_id))
    label = work.settings.needs_section_label.lower()
    return pull is not None and any(name.lower() == label for name in pull.labels)


def _current(arxiv_id: str, work: Run) -> tuple[str, str | None, str] | None:
    """``(section, subsection, code link)`` of the open PR for the paper that this run would
    update (this issue's, or the one the command was posted on), None when there is none."""
    pull = work.open_pull(work.settings.branches.paper(arxiv_id))
    if pull is None or not updatable(pull, work):
        return None
    marker = proposal_marker(pull) or {}
    entry = parse_entry(str(marker.get("line") or ""))
    section, subsection = marker.get("section"), marker.get("subsection")
    if entry is None or not isinstance(section, str) or not isinstance(subsection, str | None):
        return None
    try:
        if work.taxonomy.get(section, subsection).kind != "papers":
            return None
    except BotError:
        return None  # a section taken out of the taxonomy since: the command needs its own
    code = entry.code_url or ""
    return section, subsection, code if normalize_code_url(code, work.settings.code_hosts)[0] == code else ""


def _already_listed(order: tuple[int, int], cmd: str, arxiv_id: str, title: str | None, work: Run) -> bool:
    item = work.catalog.find_paper(arxiv_id, title)  # a note that mentions the id is not the paper
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
        hidden=item.hidden,
        listed_as=own_id(item) or "",  # found by its title: the entry may carry another id, or none
    )
    work.state = work.state.without_pending(arxiv_id)
    return True


def plan_approve(index: int, command: Command, work: Run) -> list[AddRequest]:
    """``/approve <revision> ...``: the requests whose current revision tag is named, nothing else.
    A request changed after the preview has a new tag, so an old tag approves nothing."""
    cmd = code_span(command.text)
    if not work.maintainer:
        work.reply((index, 0), "approve_refused", cmd)
        return []
    tags = command.tags[:MAX_PENDING]  # only 8-hex-digit words: other words are not revisions
    opened = {p.tag: p for p in work.state.pulls if p.tag}  # revisions approved before
    if not work.state.pending and not opened.keys() & set(tags):
        work.reply((index, 0), "nothing_pending", cmd)
        return []
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
        if p is None and tag in opened:  # approving twice == once
            pull = opened[tag]
            work.reply((index, position), "approved_before", cmd, tag=tag, pr=f"[#{pull.number}]({pull.url})")
        elif p is None:
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
                    in_doubt=p.in_doubt,
                    tag=p.tag,
                    previewed=p.line,
                    named=True,
                    approver=(work.author, work.source_url),
                )
            )
    return requests


def finish_add(request: AddRequest, result: LookupResult, work: Run) -> None:
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
    rejected, unticked = work.rejected(arxiv_id)
    score = work.scores.get(arxiv_id)
    facts = dict(
        id=arxiv_id,
        title=safe_text(paper.title),
        scope=score[:2] if score and score[2] and score[0] < score[1] else None,  # far from the list's topics
        # outside the poll job's categories gate: it would not have proposed it, whatever its score
        gate=code_span(", ".join(paper.categories[:3]) or "none") if score and not score[2] else "",
        keywords=code_span(work.settings.keywords_path),
        where=where,
        routed=request.routed,
        in_doubt=request.in_doubt,
        label=code_span(work.settings.needs_section_label),
        rejected=rejected,
        unticked=unticked,
    )
    changed = request.approved and request.tag and render_entry(entry) != request.previewed
    proposed = None if request.approved else _proposed(request, render_entry(entry), work)
    if proposed is not None:  # the same request again: the open PR already is it
        work.state = work.state.without_pending(arxiv_id)
        pr = f"[#{proposed.number}]({proposed.url})"
        work.reply(order, "add_done", cmd, result="unchanged", pr=pr, **{**facts, "tag": proposed.tag})
        return
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
                in_doubt=request.in_doubt,
            )
        )
        tag = next(p.tag for p in work.state.pending if p.arxiv_id == arxiv_id)
        other = work.open_pull(work.settings.branches.paper(arxiv_id))  # another issue's, the poll's
        elsewhere = f"[#{other.number}]({other.url})" if other and not updatable(other, work) else ""
        kind = "approve_changed" if changed else "pending"
        work.reply(order, kind, cmd, tag=tag, elsewhere=elsewhere, **facts)
        return
    section_label = (f"section:{request.section}",) if work.settings.section_labels else ()
    doubt_label = (work.settings.needs_section_label,) if request.in_doubt else ()  # as poll's PRs
    labels = work.settings.add_labels + section_label + doubt_label
    proposal = Proposal(
        paper=paper,
        entry=entry,
        section=request.section,
        subsection=request.subsection,
        confidence=request.routed,
        needs_section=request.in_doubt,
        needs_section_label=work.settings.needs_section_label,
        requested_by=request.requested_by,
        request_url=request.request_url,
        approved_by=request.approver[0] or None,
        approved_revision=request.tag or None,
        approved_url=request.approver[1] or None,
        labels=labels,
        first_placement=_first_placement(arxiv_id, work),
    )
    change = change_request(proposal, work.taxonomy, work.settings.catalog_path, work.settings.branches)
    stale, fresh = _relabelling(request, work)
    change = replace(change, stale_labels=stale, fresh_labels=fresh)
    if propose(order, cmd, change, "add", arxiv_id, work, {**facts, "tag": request.tag}, request.tag):
        # the approved revision is done; a newer request for the paper (another tag) still waits
        state = work.state
        work.state = state.without_tag(request.tag) if request.tag else state.without_pending(arxiv_id)


def _first_placement(arxiv_id: str, work: Run) -> tuple[str, str | None] | None:
    """Where the open PR this /add updates first proposed the paper (None: it opens a new PR):
    kept in its marker, so that a paper moved by an /add on its PR teaches the router once merged."""
    pull = work.open_pull(work.settings.branches.paper(arxiv_id))
    marker = proposal_marker(pull) if pull is not None and updatable(pull, work) else None
    return first_placement(marker) if marker else None


def _relabelling(request: AddRequest, work: Run) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The bot's labels an update of the paper's open PR drops and adds: ``section:<old>`` for
    ``section:<new>`` when it moves the paper to another section (its marker says the old one),
    and the needs-section label once a maintainer chose the section. ((), ()) for a new PR."""
    pull = work.open_pull(work.settings.branches.paper(request.arxiv_id))
    marker = proposal_marker(pull) if pull is not None and updatable(pull, work) else None
    if marker is None:
        return (), ()
    stale, fresh = [], []
    old = marker.get("section")
    if work.settings.section_labels and isinstance(old, str) and old != request.section:
        stale.append(f"section:{old}")
        fresh.append(f"section:{request.section}")
    if request.named and not request.in_doubt:
        stale.append(work.settings.needs_section_label)
    return tuple(stale), tuple(fresh)


def _proposed(request: AddRequest, line: str, work: Run) -> OpenedPull | None:
    """This issue's open PR for the paper when it already proposes exactly this request (section
    and entry line, code link included), else None."""
    pull = work.open_pull(work.settings.branches.paper(request.arxiv_id))
    # the record of that open PR (an earlier PR of the paper, closed since, is another record)
    mine = next(
        (
            p
            for p in work.state.pulls
            if p.action == "add" and p.arxiv_id == request.arxiv_id and pull and p.number == pull.number
        ),
        None,
    )
    if mine is None or pull is None:
        return None
    marker = proposal_marker(pull) or {}
    same = (marker.get("section"), marker.get("subsection"), marker.get("line")) == (
        request.section,
        request.subsection,
        line,
    )
    return mine if same else None
