"""``/remove`` and ``/move``: a PR that deletes or moves a listed paper's line."""

from __future__ import annotations

from typing import Any

from bot.core import arxiv_ids, markers, templates
from bot.core.catalog import Item, own_id
from bot.core.proposals import EDIT_MARKER_KIND, catalog_edit
from bot.forge.protocols import ChangeRequest
from bot.jobs.commands.parser import Command
from bot.jobs.commands.replies import code_span, fenced, mention, safe_text
from bot.jobs.commands.work import (
    AddRequest,
    Run,
    propose,
    refuse_unless_maintainer,
    resolve_placement,
    take_ids,
)


def _catalog_item(
    order: tuple[int, int], cmd: str, arxiv_id: str, name: str, work: Run, section: str = ""
) -> Item | None:
    """The paper's item in the catalog, or None after replying why there is none; ``section``: the
    id a /move names, for the ``/add <id> <section>`` that moves a paper whose PR is open."""
    item = work.catalog.find_by_id(arxiv_id)
    # an entry that only mentions the id (in a note) is not the paper's
    if item is None or item.section is None or own_id(item) != arxiv_id:
        # a paper whose PR is not merged yet: say which PR, and how to move or drop it there
        proposed = work.open_pull(work.settings.branches.paper(arxiv_id))
        pr = f"[#{proposed.number}]({proposed.url})" if proposed and proposed.number else ""
        work.reply(order, "not_in_catalog", cmd, id=arxiv_id, name=name, pr=pr, section=section)
        return None
    return item


def _as_listed(arxiv_id: str, work: Run) -> str:
    """The id the catalog lists the paper by: an old-style id is one paper with its subject class
    or without (``math.GT/0309136`` is arXiv's ``math/0309136``, as the bot's entries list it; a
    maintainer's hand-written entry may link either), so either finds the entry written with
    the other."""
    if "/" not in arxiv_id or work.catalog.find_by_id(arxiv_id) is not None:
        return arxiv_id
    short = arxiv_ids.canonical(arxiv_id)
    listed = sorted(i for i in work.catalog.arxiv_id_set() if arxiv_ids.canonical(i) == short)
    return next((i for i in listed if work.catalog.find_paper(i, None) is not None), short)


def _item_facts(arxiv_id: str, item: Item, work: Run, **where: str) -> dict[str, str]:
    """What a reply about a catalog line says of it: the id, its title, a link to the line,
    and where it is (or goes)."""
    return dict(id=arxiv_id, title=safe_text(item.title or arxiv_id), link=work.line_link(item), **where)


def remove(index: int, command: Command, work: Run) -> list[AddRequest]:
    if refuse_unless_maintainer(index, command, work):
        return []
    cmd = code_span(command.text)
    for position, written in enumerate(take_ids(index, command, work), start=10):
        arxiv_id = _as_listed(written, work)
        item = _catalog_item((index, position), cmd, arxiv_id, "remove", work)
        if item is None:
            continue
        facts = _item_facts(arxiv_id, item, work, where=work.item_where(item))
        change = edit_request("remove", arxiv_id, item, None, work)
        propose((index, position), cmd, change, "remove", arxiv_id, work, facts)
    return []


def move(index: int, command: Command, work: Run) -> list[AddRequest]:
    if refuse_unless_maintainer(index, command, work):
        return []
    ids = [_as_listed(arxiv_id, work) for arxiv_id in take_ids(index, command, work)]
    placement = resolve_placement(index, command, work) if ids else None
    if placement is None:
        return []
    cmd = code_span(command.text)
    for position, arxiv_id in enumerate(ids, start=10):
        order = (index, position)
        item = _catalog_item(order, cmd, arxiv_id, "move", work, placement[1] or placement[0])
        if item is None:
            continue
        facts = _item_facts(arxiv_id, item, work, where=work.where(*placement), origin=work.item_where(item))
        if item.entry is None:
            work.reply(order, "not_canonical", cmd, **facts)
        elif item.hidden:  # moving the line would list it again: a maintainer hid it on purpose
            work.reply(order, "move_hidden", cmd, **facts)
        elif (item.section, item.subsection) == placement:
            work.reply(order, "same_section", cmd, **facts)
        else:
            propose(
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
