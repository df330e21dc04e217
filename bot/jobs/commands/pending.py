"""Which commands of an issue no run has answered yet: the issue's body and comments as sources
(``issue_sources``), a first answer's window (``recent``), the texts answered as they are now
(``unanswered``), and the status comments written before answers were recorded (``migrate``).
Pure: no I/O; ``bot.jobs.commands.run`` acts on what these return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.forge.protocols import Comment
from bot.jobs.commands.event import MAX_COMMANDS, CommandSettings, Event, Source, is_bot, source_commands
from bot.jobs.commands.parser import Command
from bot.jobs.commands.state import ISSUE_SOURCE, IssueState, command_key

SWEEP_WINDOW = timedelta(days=1)  # how far back a first answer on an issue looks


def issue_sources(
    event: Event, comments: Sequence[Comment], own_login: str, settings: CommandSettings
) -> list[Source]:
    """The issue's body and its comments, oldest first, without those written by bots (the bot
    itself included: with a machine user's token its login is in no bot list, and an issue it
    opened, a new-topics report say, quotes paper text that must never run as a command). The
    event's comment is there even if the comment list lags behind."""
    sources = [
        Source(
            ISSUE_SOURCE,
            event.issue_author,
            event.issue_body,
            event.issue_url,
            time=event.time if event.comment_id is None else event.issue_created,
        )
    ]
    if event.comment_id is not None and all(c.id != event.comment_id for c in comments):
        own = Comment(event.comment_id, event.text, event.author, event.source_url, event.time)
        comments = [*comments, own]
    for comment in sorted(comments, key=lambda c: c.id):
        url = event.source_url if comment.id == event.comment_id else comment.url
        edited = bool(comment.created_at) and comment.updated_at not in ("", comment.created_at)
        sources.append(
            Source(f"c{comment.id}", comment.user, comment.body, url, comment.id, comment.updated_at, edited)
        )
    return [s for s in sources if s.author != own_login and not is_bot(s.author, "", settings.bot_logins)]


def recent(source: Source, event: Event) -> bool:
    """The event's own text, or a text written at most ``SWEEP_WINDOW`` before it. Without a
    status comment the bot has never answered on the issue, and only recent texts can belong to a
    cancelled run: commands posted before the bot was installed (or before its token changed) are
    not run."""
    if source.comment_id == event.comment_id:  # the event's comment, or the issue of an issue event
        return True
    written, now = _instant(source.time), _instant(event.time)
    return written is not None and now is not None and written >= now - SWEEP_WINDOW


def _instant(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def unanswered(
    source: Source, state: IssueState, settings: CommandSettings
) -> tuple[Source, list[Command], list[str], int]:
    """``(source, its unanswered commands, the keys that answer them all, how many commands past
    the first MAX_COMMANDS are ignored)``. A text answered as it is now is not parsed again."""
    # line breaks count (a command moved onto its own line is an edit), other spacing does not
    text_key = command_key("\0text\0" + "\0".join(source.text.splitlines()))
    if (source.comment_id is not None and source.comment_id <= state.before) or state.is_answered(
        source.key, text_key
    ):
        return source, [], [], 0
    if not any(c in source.text for c in "/&\uff0f"):  # no slash, not even as an entity or fullwidth
        return source, [], [text_key], 0
    commands = source_commands(source, settings.form)
    read = [c for c in commands if not c.unread][:MAX_COMMANDS]
    keys = [command_key(c.identity) for c in read]
    fresh = [c for c, k in zip(read, keys, strict=True) if not state.is_answered(source.key, k)]
    ignored = len(commands) - len(read)
    return source, fresh, [text_key, *keys], ignored if fresh or not read else 0


def migrate(
    state: IssueState, event: Event, sources: Sequence[Source], settings: CommandSettings
) -> IssueState:
    """A status comment written before answers were recorded: what came before this event was
    answered then (only the event's own text is new), so nothing old runs again."""
    state = replace(state, legacy=False)
    for source in sources:
        if source.comment_id is None and event.comment_id is None:
            continue  # the issue event itself
        later = event.comment_id is not None and (source.comment_id or 0) >= event.comment_id
        if later:
            continue  # the event's comment, and later ones (their own runs are queued)
        if source.comment_id is not None:
            state = replace(state, before=max(state.before, source.comment_id))
        else:
            state = state.with_answered(source.key, unanswered(source, state, settings)[2])
    return state
