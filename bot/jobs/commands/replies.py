"""The text users read: replies and the status comment, every piece of user or arXiv text made
safe for markdown (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core import markers, templates
from bot.core.markdown import code_span, escape_markdown, fenced, no_references
from bot.core.markdown import defuse as _defuse
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands.event import _GITHUB_LOGIN_RE, CommandSettings
from bot.jobs.commands.state import MARKER_KIND, IssueState

# -- safe text for replies (pure) -------------------------------------------------------------


def safe_text(text: str) -> str:
    """Text from arXiv or the catalog (a title) as inline markdown: escaped, no mentions, no
    issue references."""
    return no_references(_defuse(escape_markdown(" ".join(text.split()))))


def mention(login: str) -> str:
    """``@login`` for a real login (the requester), else the login as code."""
    return f"@{login}" if _GITHUB_LOGIN_RE.match(login) else code_span(login)


def where_text(taxonomy: Taxonomy, section: str, subsection: str | None) -> str:
    """ "Quantization › Weight-only Quantization", escaped."""
    title = taxonomy.get(section).title
    if subsection:
        title += " › " + taxonomy.get(section, subsection).title
    return safe_text(title)


@dataclass(frozen=True)
class Reply:
    """One line of the status comment: ``kind`` picks the sentence in command_status.md.j2;
    ``data`` holds values already made safe for markdown."""

    order: tuple[int, int]
    kind: str
    command: str
    data: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # the key of the text it answers ("issue", "c<comment id>")


def written_pulls(replies: Sequence[Reply]) -> list[str]:
    """The PRs a run opened or updated, as its replies link them, in command order
    ("opened [#12](url) (`/add 2405.00732`)")."""
    return [
        f"{r.data['result']} {r.data['pr']} ({r.command})"
        for r in sorted(replies, key=lambda r: r.order)
        if r.kind.endswith("_done") and r.data.get("result") in ("opened", "updated")
    ]


# -- the status comment ------------------------------------------------------------------------------


LIMIT = 60_000  # characters of the status comment; GitHub refuses comments over 65,536
LOG_START, LOG_END = markers.make("command-log"), markers.make("command-log-end")
TRUNCATED = "<sub>Older answers were removed to keep this comment under GitHub's size limit.</sub>"


def answer_lines(author: str, url: str, is_comment: bool, replies: Sequence[Reply]) -> list[str]:
    """The status comment's lines answering one text: who and which text, then one line per reply."""
    text = templates.render(
        "command_replies.md.j2",
        actor=mention(author),
        source_url=url,
        is_comment=is_comment,
        replies=sorted(replies, key=lambda r: r.order),
    )
    return [line for line in text.splitlines() if line.strip()]


def read_log(body: str) -> list[str]:
    """The answers a status comment (the bot's own) already shows, oldest first."""
    start, end = body.find(LOG_START), body.find(LOG_END)
    if start < 0 or end < start:
        return []
    return [line for line in body[start + len(LOG_START) : end].splitlines() if line.strip()]


def render_status(
    state: IssueState, log: Sequence[str], show_help: bool, taxonomy: Taxonomy, settings: CommandSettings
) -> tuple[str, IssueState]:
    """The status comment, kept under ``LIMIT`` without ever failing: the oldest answers go first,
    then the help table, then old answer records (folded into the marker's ``before``), then the
    oldest waiting requests. Returns the body and the state it stores."""
    log = list(log)
    help_text = render_help(taxonomy, settings) if show_help else ""
    for _ in range(1000):  # each round removes something; the bound only guards against a bug
        pending = [
            dict(
                p=p,
                by=mention(p.requested_by),
                block=fenced(p.line),
                where=where_text(taxonomy, p.section, p.subsection),
            )
            for p in state.pending
        ]
        body = templates.render(
            "command_status.md.j2",
            marker=markers.make(MARKER_KIND, state.to_data()),
            log_start=LOG_START,
            log_end=LOG_END,
            log=log,
            pending=pending,
            pulls=state.pulls,
            help=help_text,
        )
        excess = len(body) - LIMIT
        answers = [line for line in log if line != TRUNCATED]
        if excess <= 0:
            return body, state
        if answers:
            excess += len(TRUNCATED) + 1
            while answers and excess > 0:
                excess -= len(answers.pop(0)) + 1
            while answers and answers[0].startswith("- "):  # no answer without its heading
                answers.pop(0)
            log = [TRUNCATED, *answers] if answers else [TRUNCATED]
        elif help_text:
            help_text = ""
        elif any(source != "issue" for source in state.answered):
            state = state.compacted()
        elif state.pending:
            state = replace(state, pending=state.pending[1:])
        else:
            state = replace(state, pulls=state.pulls[len(state.pulls) // 2 + 1 :])
    return body[:LIMIT], state


def render_help(taxonomy: Taxonomy, settings: CommandSettings) -> str:
    sections = [
        (s.id, where_text(taxonomy, s.parent or s.id, s.id if s.parent else None))
        for parent in taxonomy.sections
        if parent.kind == "papers"
        for s in (parent, *taxonomy.children(parent.id))
    ]
    return templates.render(
        "command_help.md.j2",
        sections=sections,
        roles=settings.allowed_roles,
        hosts=settings.code_hosts,
        requests=settings.requests,
        max_ids=settings.max_ids,
    )
