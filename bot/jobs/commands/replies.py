"""The text users read: replies and the status comment, every piece of user or arXiv text made
safe for markdown (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import markers, templates
from bot.core.taxonomy import Taxonomy
from bot.core.text import escape_markdown, no_mentions
from bot.jobs.commands.event import _LOGIN_RE, CommandSettings, Event
from bot.jobs.commands.state import MARKER_KIND, IssueState

# -- safe text for replies (pure) -------------------------------------------------------------


def _defuse(text: str) -> str:
    """No hidden marker, HTML comment or @-mention can be formed by echoed text."""
    return no_mentions(text.replace("<!--", "<!\u200b--").replace("-->", "-\u200b->"))


def code_span(text: str, limit: int = 120) -> str:
    """``text`` as one inline code span: shown as typed, never rendered (no HTML, no mentions)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _defuse(text) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def safe_text(text: str) -> str:
    """Text from arXiv or the catalog (a title) as inline markdown: escaped, no mentions."""
    return _defuse(escape_markdown(" ".join(text.split())))


def mention(login: str) -> str:
    """``@login`` for a real login (the requester), else the login as code."""
    return f"@{login}" if _LOGIN_RE.match(login) else code_span(login)


def fenced(line: str) -> str:
    """A one-line fenced markdown block that nothing inside can close."""
    line = _defuse(" ".join(line.split()))
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", line)), default=0) + 1)
    return f"{fence}markdown\n{line}\n{fence}"



def where_text(taxonomy: Taxonomy, section: str, subsection: str | None) -> str:
    """"Quantization › Weight-only Quantization", escaped."""
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


# -- the status comment ------------------------------------------------------------------------------


def status_context(event: Event, state: IssueState, replies: Sequence[Reply], show_help: bool,
                    taxonomy: Taxonomy, settings: CommandSettings) -> dict[str, Any]:
    pending = [dict(p=p, by=mention(p.requested_by), block=fenced(p.line),
                    where=where_text(taxonomy, p.section, p.subsection)) for p in state.pending]
    return dict(
        marker=markers.make(MARKER_KIND, state.to_data()), actor=mention(event.author),
        source_url=event.source_url, is_comment=event.comment_id is not None,
        replies=sorted(replies, key=lambda r: r.order), show_help=show_help, pending=pending,
        pulls=state.pulls, help=render_help(taxonomy, settings) if show_help else "",
    )



def render_help(taxonomy: Taxonomy, settings: CommandSettings) -> str:
    sections = [(s.id, where_text(taxonomy, s.parent or s.id, s.id if s.parent else None))
                for parent in taxonomy.sections if parent.kind == "papers"
                for s in (parent, *taxonomy.children(parent.id))]
    return templates.render("command_help.md.j2", sections=sections, roles=settings.allowed_roles,
                            hosts=settings.code_hosts, requests=settings.requests, max_ids=settings.max_ids)


