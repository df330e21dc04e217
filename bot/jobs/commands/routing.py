"""Where an ``/add`` that names no section goes (the router, in one batch for the run) and the
preview's score of a paper a maintainer will review: both plug-ins whose failure is answered, not
raised."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.errors import BotError
from bot.jobs.commands.replies import safe_text
from bot.jobs.commands.work import AUTO, AddRequest, Run
from bot.sources.arxiv_api import LookupResult

log = logging.getLogger(__name__)


def route_auto(requests: list[AddRequest], results: dict[str, LookupResult], work: Run) -> list[AddRequest]:
    """Give the /add requests that named no section the router's section (one batch). A request
    the router cannot place (it fails, or picks no paper section of the taxonomy) is answered
    ``route_failed`` and dropped: nothing is opened for it, the other commands go on, and the run
    exits 1."""
    auto = [r for r in requests if r.section == AUTO and results[r.arxiv_id].paper is not None]
    if not auto or work.router is None:
        return requests
    papers = [paper for r in auto if (paper := results[r.arxiv_id].paper) is not None]
    try:
        routes = dict(zip((r.order for r in auto), work.router(work.catalog, papers), strict=True))
    except Exception as exc:  # the router (the scorer) is a plug-in: its failure is these commands'
        log.exception("routing %d papers failed", len(auto))
        reason = str(exc) if isinstance(exc, BotError) else f"{type(exc).__name__}: {exc}"
        for request in auto:
            _route_failed(request, results[request.arxiv_id], reason, work)
        return [r for r in requests if r not in auto]
    routed = []
    for request in requests:
        if request.order not in routes:
            routed.append(request)
            continue
        section, subsection, confidence, in_doubt = routes[request.order]
        problem = _placement_problem(section, subsection, work)
        if problem:
            _route_failed(request, results[request.arxiv_id], problem, work)
        else:
            routed.append(
                replace(request, section=section, subsection=subsection, routed=confidence, in_doubt=in_doubt)
            )
    return routed


def score_previews(requests: list[AddRequest], results: dict[str, LookupResult], work: Run) -> None:
    """Score the papers of requests a maintainer will review (anyone else's ``/add``) as the poll
    job would, so that the preview says when one is far from the list's topics. Only information:
    when scoring fails, the previews go without it."""
    papers = {
        r.arxiv_id: p
        for r in requests
        if not r.approved
        and results[r.arxiv_id].found
        and (p := results[r.arxiv_id].paper)
        and work.catalog.find_paper(r.arxiv_id, p.title) is None  # listed: nothing to review
    }
    if not papers or work.scope is None:
        return
    try:
        work.scores.update(zip(papers, work.scope(work.catalog, list(papers.values())), strict=True))
    except Exception:  # the scorer is a plug-in, as the router
        log.exception("scoring %d papers failed", len(papers))


def _placement_problem(section: str, subsection: str | None, work: Run) -> str:
    """Why the router's choice cannot be used ("" when it can)."""
    try:
        kind = work.taxonomy.get(section, subsection).kind
    except BotError:
        where = f"{section} / {subsection}" if subsection else section
        return f"it chose {where!r}, which config/taxonomy.yml lacks"
    return "" if kind == "papers" else f"it chose {section!r}, which lists tools, not papers"


def _route_failed(request: AddRequest, result: LookupResult, reason: str, work: Run) -> None:
    work.transient_failure = True  # the job exits 1: a command was not carried out
    title = safe_text(result.paper.title) if result.paper else request.arxiv_id
    work.reply(
        request.order,
        "route_failed",
        request.command,
        id=request.arxiv_id,
        title=title,
        reason=safe_text(reason),
    )
