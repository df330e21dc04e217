"""The handle-event job: the issue commands of one GitHub event, answered in one status comment.

``python -m bot handle-event`` reads the event GitHub Actions saved (``GITHUB_EVENT_NAME``,
``GITHUB_EVENT_PATH``): a new issue comment, or an issue opened or edited. The text of the event is
data only: it is parsed here and never reaches a shell or a workflow expression.

``run`` goes through guard clauses, in order: ignore bots -> ignore events without commands ->
react with eyes -> authorise (collaborator permission) -> parse -> act -> one status comment per
issue, edited in place. Papers proposed by ``/add`` get the poll job's branch and PR
(``bot.core.proposals``), so a command and the poll never open two PRs for one paper; ``/remove`` and
``/move`` get branches ``bot/remove-<id>`` and ``bot/move-<id>``. A non-maintainer's ``/add`` is
kept, as data in the status comment's hidden marker, until a maintainer's ``/approve``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot import config
from bot.core import markers, templates
from bot.core import taxonomy as taxonomy_module
from bot.core.catalog import Catalog, parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.forge.protocols import Forge, IssueTracker
from bot.jobs.commands.event import (
    HANDLED_EVENTS,
    WRITE_COMMANDS,
    CommandSettings,
    Event,
    event_commands,
    is_bot,
    normalize_code_url,
    read_event,
)
from bot.jobs.commands.handlers import (
    AUTO,
    AddRequest,
    Lookup,
    Router,
    Run,
    act,
    closest_sections,
    edit_request,
    render_status,
)
from bot.jobs.commands.replies import (
    Reply,
    code_span,
    fenced,
    mention,
    render_help,
    safe_text,
    status_context,
    where_text,
)
from bot.jobs.commands.state import (
    MARKER_KIND,
    IssueState,
    OpenedPull,
    Pending,
    find_status_comment,
    state_from_data,
)

__all__ = [
    "AUTO",
    "AddRequest",
    "CommandSettings",
    "Event",
    "HANDLED_EVENTS",
    "IssueState",
    "Lookup",
    "MARKER_KIND",
    "OpenedPull",
    "Outcome",
    "Pending",
    "Reply",
    "Router",
    "Run",
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
    "state_from_data",
    "where_text",
]


@dataclass(frozen=True)
class Outcome:
    """What ``run`` did: ``ignored`` says why nothing happened; ``body`` is the status comment."""

    ignored: str = ""
    body: str = ""
    replies: tuple[Reply, ...] = ()
    exit_code: int = 0


def run(event: Event, forge: Forge, issues: IssueTracker, lookup: Lookup, taxonomy: Taxonomy,
        settings: CommandSettings, router: Router | None = None) -> Outcome:
    """Run the commands of one event; every service is injected."""
    # Bots (other apps, and this bot answering itself) never give commands.
    if is_bot(event.author, event.author_type, settings.bot_logins) or is_bot(
            event.sender, event.sender_type, settings.bot_logins):
        return Outcome(ignored=f"written by a bot ({event.sender})")
    # An issue edit that leaves the body alone asks for nothing new.
    if not event.body_changed:
        return Outcome(ignored="the issue's body did not change")
    # No command, no answer: most comments are conversation.
    commands = event_commands(event, settings.form)
    if not commands:
        return Outcome(ignored="no command in the text")
    # React at once, so the author sees the bot is on it.
    issues.add_reaction(event.issue_number, event.comment_id, "eyes")
    existing = find_status_comment(issues, event.issue_number, settings.bot_logins)
    state = state_from_data(markers.find(existing.body, MARKER_KIND) if existing else None, taxonomy,
                            settings.code_hosts)
    try:
        # Authorise with the collaborator-permission API, only when a write command asks for it.
        maintainer = any(c.name in WRITE_COMMANDS for c in commands) and (
            issues.permission(event.author) in settings.allowed_roles)
        catalog = default_catalog(forge, settings.catalog_path, taxonomy)
        work = Run(event, settings, taxonomy, catalog, forge, maintainer, state, ids_left=settings.max_ids,
                   router=router)
        act(commands, work, lookup)
    except BotError as exc:
        return _fail(event, issues, state, str(exc), taxonomy, settings)
    body = render_status(work)
    issues.upsert_comment(event.issue_number, MARKER_KIND, body)
    return Outcome(body=body, replies=tuple(sorted(work.replies, key=lambda r: r.order)),
                   exit_code=1 if work.transient_failure else 0)


def default_catalog(forge: Forge, path: str, taxonomy: Taxonomy) -> Catalog:
    """The catalog on the default branch (what the PRs will change)."""
    text = forge.read_file(path)
    if not text.strip():
        raise BotError(f"{path} is missing or empty on the default branch: set `catalog` in "
                       "config/commands.yml to the catalog's path")
    return parse(text, taxonomy)



def _fail(event: Event, issues: IssueTracker, state: IssueState, message: str, taxonomy: Taxonomy,
          settings: CommandSettings) -> Outcome:
    """The run could not start (permission or catalog unreadable): say so, keep the state."""
    failure = Reply((0, 0), "failed", "", {"reason": safe_text(message)})
    body = templates.render("command_status.md.j2", **status_context(
        event, state, [failure], False, taxonomy, settings))
    issues.upsert_comment(event.issue_number, MARKER_KIND, body)
    return Outcome(body=body, exit_code=1)


# -- the edge: the event file, config and services -----------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event-name", help="the event's name (default: $GITHUB_EVENT_NAME)")
    parser.add_argument("--event-path", type=Path,
                        help="the event's JSON payload (default: $GITHUB_EVENT_PATH)")


def load_event(name: str | None, path: Path | None) -> Event | None:
    if not name or not path:
        raise BotError("no event: handle-event runs in GitHub Actions (GITHUB_EVENT_NAME and "
                       "GITHUB_EVENT_PATH), or pass --event-name and --event-path")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BotError(f"cannot read the event file {path}: {exc}") from exc
    if not isinstance(payload, dict):
        raise BotError(f"the event file {path} is not a JSON object")
    return read_event(name, payload)


def scorer_router(taxonomy: Taxonomy) -> Router:
    """Route papers as the poll job does (the scorer trained on the catalog), lazily: the
    scorer is trained only when an /add names no section."""
    def route(catalog: Catalog, papers: Sequence[Paper]) -> list[tuple[str, str | None, float]]:
        from bot.scoring import Scorer

        scorer = Scorer.train(catalog, taxonomy, config.load("keywords"))
        return [(d.section, d.subsection, d.confidence) for d in scorer.score(list(papers))]

    return route


def main(args: argparse.Namespace) -> int:
    from bot.forge.github import GitHubForge, GitHubSettings
    from bot.sources.arxiv_api import ApiSettings, ArxivLookup

    env = dict(os.environ)
    path = args.event_path or (Path(env["GITHUB_EVENT_PATH"]) if env.get("GITHUB_EVENT_PATH") else None)
    event = load_event(args.event_name or env.get("GITHUB_EVENT_NAME"), path)
    if event is None:
        print("nothing to do: the bot handles issue_comment created and issues opened or edited")
        return 0
    github = config.load("github")
    settings = CommandSettings.from_config(config.load("commands"), github)
    forge = GitHubForge.from_environment(env, repository=env.get("GITHUB_REPOSITORY") or event.repository,
                                         settings=GitHubSettings.from_config(github),
                                         catalog_path=settings.catalog_path)
    lookup = ArxivLookup.from_settings(ApiSettings.from_config(config.load("sources")))
    taxonomy = taxonomy_module.load()
    outcome = run(event, forge, forge, lookup, taxonomy, settings, scorer_router(taxonomy))
    if outcome.ignored:
        print(f"nothing to do: {outcome.ignored}")
    else:
        print(outcome.body)
    if outcome.exit_code:
        print("error: some commands could not be carried out (see the status comment above); "
              "post them again later", file=sys.stderr)
    return outcome.exit_code
