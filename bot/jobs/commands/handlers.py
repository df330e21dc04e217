"""Acting on the commands: /add, /approve, /remove, /move, /teach and /help, each answered by a
reply. The steps they share are in ``work``, adding papers in ``adding``, editing listed ones in
``edits``, teaching the keyword rules a term in ``teaching``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.errors import BotError
from bot.jobs.commands.adding import finish_add, plan_add, plan_approve
from bot.jobs.commands.edits import move, remove
from bot.jobs.commands.event import MAX_COMMANDS, Source
from bot.jobs.commands.parser import MAX_PARAGRAPH, Command
from bot.jobs.commands.replies import code_span, safe_text
from bot.jobs.commands.routing import route_auto, score_previews
from bot.jobs.commands.teaching import teach
from bot.jobs.commands.work import AddRequest, Lookup, Run


def _help(index: int, command: Command, work: Run) -> list[AddRequest]:
    work.show_help = True
    return []


HANDLERS: dict[str, Callable[[int, Command, Run], list[AddRequest]]] = {
    "add": plan_add,
    "approve": plan_approve,
    "remove": remove,
    "move": move,
    "teach": teach,
    "help": _help,
}


def act(batches: Sequence[tuple[Source, bool, Sequence[Command], int]], work: Run, lookup: Lookup) -> None:
    """Every command of every ``(source, maintainer, commands, ignored)`` batch, in order; one
    arXiv lookup for all of them."""
    requests: list[AddRequest] = []
    index = 0
    for source, maintainer, commands, ignored in batches:
        work.enter(source, maintainer)
        for command in commands:
            work.sources[index] = source.key
            if command.follows:  # a second command on one line: GitHub-style, one per line
                work.reply((index, 0), "same_line", code_span(command.text), first=code_span(command.follows))
            else:
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
    work.papers = tuple(dict.fromkeys(r.arxiv_id for r in requests))
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
    routed = route_auto(requests, results, work)
    score_previews(routed, results, work)
    for request in routed:
        finish_add(request, results[request.arxiv_id], work)
