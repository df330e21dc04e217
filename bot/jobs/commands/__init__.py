"""The handle-event job: the issue commands of an issue, answered in one status comment.

``python -m bot handle-event`` reads the event GitHub Actions saved (``GITHUB_EVENT_NAME``,
``GITHUB_EVENT_PATH``): a new issue comment, or an issue opened or edited. The text of the event is
data only: it is parsed here and never reaches a shell or a workflow expression.

``run`` goes through guard clauses, in order: ignore bots -> ask the token's own login -> read the
issue's comments and the bot's own status comment -> find the commands no run has answered yet
(the event's and any a cancelled run missed; an edit's new or changed ones) -> react with eyes ->
authorise (collaborator permission) -> act -> one status comment per issue, edited in place.
Papers proposed by ``/add`` get the poll job's branch and PR (``bot.core.proposals``); ``/remove``
and ``/move`` get branches ``bot/remove-<id>`` and ``bot/move-<id>``, ``/teach`` a branch
``bot/teach-<term>`` that adds one pattern to config/keywords.yml. A non-maintainer's ``/add`` is
kept, with a random revision tag, in the status comment's hidden marker until a maintainer's
``/approve <tag>``. docs/commands.md describes the behaviour.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot import config
from bot.core import markers
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.forge.protocols import Forge, IssueTracker, read_default_catalog
from bot.jobs.commands.edits import edit_request
from bot.jobs.commands.event import (
    HANDLED_EVENTS,
    WRITE_COMMANDS,
    CommandSettings,
    Event,
    Source,
    editor_unknown,
    event_commands,
    handled_events_text,
    is_bot,
    normalize_code_url,
    read_event,
    source_commands,
)
from bot.jobs.commands.handlers import act
from bot.jobs.commands.pending import issue_sources, migrate, recent, unanswered
from bot.jobs.commands.replies import (
    Reply,
    answer_lines,
    code_span,
    fenced,
    mention,
    read_log,
    render_help,
    render_status,
    safe_text,
    where_text,
    written_pulls,
)
from bot.jobs.commands.scorer import scorer_router, scorer_services
from bot.jobs.commands.section_names import closest_sections
from bot.jobs.commands.state import (
    MARKER_KIND,
    IssueState,
    OpenedPull,
    Pending,
    find_status_comment,
    state_from_data,
)
from bot.jobs.commands.work import AUTO, AddRequest, Lookup, Router, Run, Scope

logger = logging.getLogger(__name__)
# GitHub takes comments and reactions on a locked issue from collaborators with write access only
LOCKED = (
    "the issue is locked and GitHub refused the bot's reaction, so it could not answer there either: "
    "nothing was done (unlock the issue, or give the bot's token write access; the commands run on "
    "the issue's next event)"
)
# what the token's own login writes is never a command: a maintainer's own token as the bot's
OWN_LOGIN = (
    "written by {login}, the login of the bot's token: its comments are never commands (the bot's "
    "own reports quote papers' text). Give the bot an account of its own, a GitHub App or a machine "
    "user's token as CATALOG_BOT_TOKEN, and {login}'s commands are answered (docs/adopt.md, step 5)"
)

__all__ = [
    "AUTO",
    "AddRequest",
    "CommandSettings",
    "Event",
    "HANDLED_EVENTS",
    "IssueState",
    "LOCKED",
    "Lookup",
    "MARKER_KIND",
    "OpenedPull",
    "CommandRun",
    "Pending",
    "Reply",
    "Router",
    "Run",
    "Scope",
    "Source",
    "WRITE_COMMANDS",
    "closest_sections",
    "code_span",
    "configure",
    "default_catalog",
    "edit_request",
    "event_commands",
    "fenced",
    "is_bot",
    "load_event",
    "main",
    "mention",
    "normalize_code_url",
    "read_event",
    "render_help",
    "render_status",
    "run",
    "safe_text",
    "scorer_router",
    "scorer_services",
    "source_commands",
    "state_from_data",
    "where_text",
]


@dataclass(frozen=True)
class CommandRun:
    """What ``run`` did: ``ignored`` says why nothing happened; ``body`` is the status comment."""

    ignored: str = ""
    body: str = ""
    replies: tuple[Reply, ...] = ()
    exit_code: int = 0


def run(
    event: Event,
    forge: Forge,
    issues: IssueTracker,
    lookup: Lookup,
    taxonomy: Taxonomy,
    settings: CommandSettings,
    router: Router | None = None,
    scope: Scope | None = None,
) -> CommandRun:
    """Answer every command on the event's issue that the status comment has not answered yet
    (the event's own and any a cancelled run missed); every service is injected."""
    # Bots (other apps, and this bot answering itself) never give commands (``issue_sources``
    # leaves their texts out); their event only answers what a cancelled run left: GitHub keeps one
    # waiting run per issue, and the run of the bot's own edit of its status comment (a machine
    # user's token is no Bot to the workflow's `if`) takes the place of a person's waiting there.
    by_bot = is_bot(event.author, event.author_type, settings.bot_logins) or is_bot(
        event.sender, event.sender_type, settings.bot_logins
    )
    # An issue edit that leaves the body alone asks for nothing new.
    if not event.body_changed:
        return CommandRun(ignored="the issue's body did not change")
    own_login = issues.own_login()  # once per run: only its comments are the bot's
    comments = issues.list_comments(event.issue_number)
    existing = find_status_comment(comments, own_login)
    state = state_from_data(
        markers.find(existing.body, MARKER_KIND) if existing else None, taxonomy, settings.code_hosts
    )
    log = read_log(existing.body) if existing else []
    sources = issue_sources(event, comments, own_login, settings)
    if by_bot:  # the event's own text too, whatever its author's login (its type is the event's)
        sources = [s for s in sources if s.comment_id != event.comment_id]
    if existing is None:  # first answer on this issue: only what a cancelled run can have missed
        sources = [s for s in sources if recent(s, event)]
    if state.legacy:
        state = migrate(state, event, sources, settings)
    todo = [batch for batch in (unanswered(s, state, settings) for s in sources) if batch[1] or batch[3]]
    if not todo:  # most comments are conversation: no command, no answer, no write
        return CommandRun(ignored=_nothing_to_do(event, own_login, by_bot, settings))
    for source, _commands, _keys, _ignored in todo:  # at once, so the authors see the bot is on it
        try:
            issues.add_reaction(event.issue_number, source.comment_id, "eyes")
        except BotError as exc:  # only a sign of life: the commands are answered all the same
            logger.warning("could not react to %s: %s", source.url or source.key, exc)
            if event.locked:  # ... unless the issue is locked: the answer would be refused too
                return CommandRun(ignored=LOCKED)
    work: Run | None = None
    try:
        # Authorise with the collaborator-permission API, once per author whose write command asks.
        roles: dict[str, bool] = {}
        batches = []
        for source, commands, _keys, ignored in todo:
            asking = [source.author, *_editor(event, source)]
            for login in asking if any(c.name in WRITE_COMMANDS for c in commands) else ():
                if login not in roles:  # "": an editor the run cannot name, no one's rights
                    roles[login] = bool(login) and issues.permission(login) in settings.allowed_roles
            batches.append((source, all(roles.get(login, False) for login in asking), commands, ignored))
        catalog = default_catalog(forge, settings.catalog_path, taxonomy)
        work = Run(event, settings, taxonomy, catalog, forge, state, router=router, scope=scope)
        work.catalog_commit = forge.default_commit()  # the commit read: its lines' permalinks
        act(batches, work, lookup)
    except BotError as exc:  # a whole-run failure, before or after some PRs were written
        return _fail(event, issues, state, log, str(exc), taxonomy, settings, work)
    state = work.state
    for source, _commands, keys, _ignored in todo:
        replies = [r for r in work.replies if r.source == source.key]
        if replies:  # /help alone is answered by the help table, not by a line
            log += answer_lines(source.author, source.url, source.comment_id is not None, replies)
        state = state.with_answered(source.key, keys)
    body, state = render_status(state, log, work.show_help, taxonomy, settings)
    _write_status(event, issues, body, work)
    return CommandRun(
        body=body,
        replies=tuple(sorted(work.replies, key=lambda r: r.order)),
        exit_code=1 if work.transient_failure else 0,
    )


def _editor(event: Event, source: Source) -> list[str]:
    """Who edited the text, when not its author: an edit runs with the rights of both (a
    collaborator whose role is not in ``allowed_roles`` may still edit anyone's comment, GitHub's
    write access, and must not run commands as its author). The editor is known for the event's
    own text only; another comment edited since it was posted (its edit's run cancelled: GitHub
    keeps one waiting run per issue) has an editor the run cannot name, ``""``."""
    if source.comment_id != event.comment_id:
        return [""] if editor_unknown(source, event) else []
    edited = event.action == "edited"
    return [event.sender] if edited and event.sender.lower() != source.author.lower() else []


def default_catalog(forge: Forge, path: str, taxonomy: Taxonomy) -> Catalog:
    """The catalog on the default branch (what the PRs will change)."""
    text = read_default_catalog(forge, path)
    return parse(text, taxonomy)


def _fail(
    event: Event,
    issues: IssueTracker,
    state: IssueState,
    log: list[str],
    message: str,
    taxonomy: Taxonomy,
    settings: CommandSettings,
    work: Run | None = None,
) -> CommandRun:
    """The run stopped (permission or catalog unreadable, GitHub failing midway): say so, naming
    the PRs this run already opened or updated. The commands stay unanswered, so the next run
    tries them again; the PRs are recorded as this issue's, so that it updates them."""
    done = written_pulls(work.replies if work else ())
    failure = Reply((0, 0), "failed", "", {"reason": safe_text(message), "done": done})
    log = log + answer_lines(event.author, event.source_url, event.comment_id is not None, [failure])
    for pull in work.state.pulls if work else ():
        if pull not in state.pulls:
            state = state.with_pull(pull)
    body, _state = render_status(state, log, False, taxonomy, settings)
    _write_status(event, issues, body, work)
    return CommandRun(body=body, replies=(failure,), exit_code=1)


def _write_status(event: Event, issues: IssueTracker, body: str, work: Run | None) -> None:
    """Write the status comment; when GitHub refuses it, the error names what the run did
    (the next run finds those PRs by their bodies, which link this issue)."""
    try:
        issues.upsert_comment(event.issue_number, MARKER_KIND, body)
    except BotError as exc:
        done = written_pulls(work.replies if work else ())
        did = f"this run already {', '.join(done)}" if done else "this run changed no pull request"
        raise BotError(
            f"the status comment on #{event.issue_number} could not be written ({exc}); {did}; "
            "the commands stay unanswered and run again on the issue's next event"
        ) from exc


# -- the edge: the event file, config and services -----------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event-name", help="the event's name (default: $GITHUB_EVENT_NAME)")
    parser.add_argument(
        "--event-path", type=Path, help="the event's JSON payload (default: $GITHUB_EVENT_PATH)"
    )


def load_event(name: str | None, path: Path | None) -> Event | None:
    if not name or not path:
        raise BotError(
            "no event: handle-event runs in GitHub Actions (GITHUB_EVENT_NAME and "
            "GITHUB_EVENT_PATH), or pass --event-name and --event-path"
        )
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BotError(f"cannot read the event file {path}: {exc}") from exc
    if not isinstance(payload, dict):
        raise BotError(f"the event file {path} is not a JSON object")
    return read_event(name, payload)


def _nothing_to_do(event: Event, own_login: str, by_bot: bool, settings: CommandSettings) -> str:
    """Why a run answers nothing: a bot wrote it, the token's own login wrote commands (not its
    status comment), or there is no command left to answer."""
    if by_bot:
        return f"written by a bot ({event.sender})"
    own = own_login and event.comment_id is not None and event.author == own_login
    if own and markers.find(event.text, MARKER_KIND) is None and event_commands(event, settings.form):
        return OWN_LOGIN.format(login=own_login)
    return "no unanswered command on the issue"


def main(args: argparse.Namespace) -> int:
    from bot.forge.actions import build_services

    env = dict(os.environ)
    path = args.event_path or (Path(env["GITHUB_EVENT_PATH"]) if env.get("GITHUB_EVENT_PATH") else None)
    event = load_event(args.event_name or env.get("GITHUB_EVENT_NAME"), path)
    if event is None:
        print(f"nothing to do: the bot handles {handled_events_text()}")
        return 0
    github = config.load("github")
    settings = CommandSettings.from_config(
        config.load("commands"), github, config.catalog_path(), config.load("poll")
    )
    services = build_services(
        env, catalog_path=settings.catalog_path, repository=env.get("GITHUB_REPOSITORY") or event.repository
    )
    forge, lookup = services.github(), services.arxiv_lookup()
    taxonomy = config.load_taxonomy()
    from bot.scoring.trainer import scorer_cache_dir

    cache_dir = scorer_cache_dir(Path.cwd(), config.load("poll")["cache_dir"], env)
    router, scope = scorer_services(taxonomy, forge, settings.branches, cache_dir)
    outcome = run(event, forge, forge, lookup, taxonomy, settings, router, scope)
    if outcome.ignored:
        print(f"nothing to do: {outcome.ignored}")
    else:
        print(outcome.body)
    if outcome.exit_code:
        print(
            "error: some commands could not be carried out (see the status comment above); "
            "post them again later",
            file=sys.stderr,
        )
    return outcome.exit_code
