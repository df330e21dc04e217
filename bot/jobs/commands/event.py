"""The command job's inputs: its settings, the event GitHub sent, and what counts as valid input
(a login, a code link)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.branches import BranchNames
from bot.core.keyword_edits import KEYWORDS_PATH
from bot.core.urls import code_link
from bot.errors import BotError
from bot.jobs.commands.parser import Command, FormLabels, form_command, parse_commands

# a comment edited (a typo fixed in its /add) runs what the edit changed, as an edited issue does
HANDLED_EVENTS = {
    ("issue_comment", "created"),
    ("issue_comment", "edited"),
    ("issues", "opened"),
    ("issues", "edited"),
}


def handled_events_text() -> str:
    """``HANDLED_EVENTS`` in words: "issue_comment created or edited and issues edited or opened"."""
    actions: dict[str, list[str]] = {}
    for name, action in sorted(HANDLED_EVENTS):
        actions.setdefault(name, []).append(action)
    return " and ".join(f"{name} {' or '.join(done)}" for name, done in actions.items())


WRITE_COMMANDS = {"add", "remove", "move", "approve", "teach"}
MAX_COMMANDS = 20  # commands read per comment; the rest get one reply saying they were ignored
_GITHUB_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_URL_RE = re.compile(r"^https?://[^\s()<>\[\]`]+$")  # a link the bot wrote (PR, comment)


# -- settings and the event ------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSettings:
    """``config/commands.yml`` as values, plus the bot's own logins from ``config/github.yml``."""

    catalog_path: str = "catalog.md"
    allowed_roles: tuple[str, ...] = ("write", "maintain", "admin")
    requests: bool = True
    max_ids: int = 10
    code_hosts: tuple[str, ...] = ("github.com", "gitlab.com", "huggingface.co")
    add_labels: tuple[str, ...] = ("new-paper", "requested")
    remove_labels: tuple[str, ...] = ("remove-paper",)
    move_labels: tuple[str, ...] = ("move-paper",)
    teach_labels: tuple[str, ...] = ("keywords",)
    keywords_path: str = KEYWORDS_PATH  # in the repository: what /teach edits
    section_labels: bool = True
    needs_section_label: str = "needs-section"  # config/poll.yml's: an /add whose routed section is in doubt
    form: FormLabels = FormLabels()
    bot_logins: tuple[str, ...] = ("github-actions[bot]",)
    branches: BranchNames = BranchNames.from_prefix("bot/")

    @classmethod
    def from_config(
        cls,
        commands: Mapping[str, Any],
        github: Mapping[str, Any],
        catalog_path: str,
        poll: Mapping[str, Any] | None = None,
    ) -> CommandSettings:
        labels = commands["labels"]
        return cls(
            catalog_path=catalog_path,
            allowed_roles=tuple(commands["allowed_roles"]),
            requests=commands["requests"],
            max_ids=commands["max_ids"],
            code_hosts=tuple(commands["code_hosts"]),
            add_labels=tuple(labels["add"]),
            remove_labels=tuple(labels["remove"]),
            move_labels=tuple(labels["move"]),
            teach_labels=tuple(labels["teach"]),
            section_labels=commands["section_labels"],
            needs_section_label=(poll or {}).get("needs_section_label", cls.needs_section_label),
            form=FormLabels(**commands["form"]),
            bot_logins=tuple(github["bot_logins"]),
            branches=BranchNames.from_config(github),
        )


@dataclass(frozen=True)
class Event:
    """What the bot needs of a webhook payload. ``author`` wrote ``text``: the comment's author,
    or for an issue event the issue's author (the form is read as their request)."""

    name: str
    action: str
    repository: str  # owner/name
    repository_url: str  # https://github.com/owner/name
    default_branch: str
    issue_number: int
    author: str
    author_type: str
    sender: str
    sender_type: str
    text: str
    source_url: str  # the comment or the issue on github.com
    comment_id: int | None = None
    body_changed: bool = True
    issue_author: str = ""
    issue_body: str = ""
    issue_url: str = ""
    time: str = ""  # when the comment was written, or the issue opened or edited (ISO 8601)
    issue_created: str = ""
    locked: bool = False  # the issue's conversation is locked: only collaborators may comment


def read_event(name: str, payload: Mapping[str, Any]) -> Event | None:
    """The event, or None for events and actions the bot does not handle."""
    action = str(payload.get("action") or "")
    if (name, action) not in HANDLED_EVENTS:
        return None
    try:
        issue, repo, sender = payload["issue"], payload["repository"], payload["sender"]
        comment = payload["comment"] if name == "issue_comment" else None
        written = comment if comment is not None else issue
        changes = payload.get("changes") or {}
        return Event(
            name=name,
            action=action,
            repository=str(repo["full_name"]),
            repository_url=str(repo["html_url"]),
            default_branch=str(repo.get("default_branch") or "main"),
            issue_number=int(issue["number"]),
            author=str(written["user"]["login"]),
            author_type=str(written["user"].get("type") or ""),
            sender=str(sender["login"]),
            sender_type=str(sender.get("type") or ""),
            text=str(written.get("body") or ""),
            source_url=str(written.get("html_url") or ""),
            comment_id=int(comment["id"]) if comment is not None else None,
            # an edit that left the body alone asks for nothing new; "opened" always does (a
            # transferred issue arrives opened with `changes` naming its old issue)
            body_changed=action != "edited" or not changes or "body" in changes,
            issue_author=str(issue["user"]["login"]),
            issue_body=str(issue.get("body") or ""),
            issue_url=str(issue.get("html_url") or ""),
            # when it was written, or last edited (an edited comment, an opened or edited issue)
            time=str(
                written.get("updated_at" if action == "edited" or comment is None else "created_at") or ""
            ),
            issue_created=str(issue.get("created_at") or ""),
            locked=issue.get("locked") is True,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BotError(
            f"the {name} event payload lacks {exc}: is GITHUB_EVENT_PATH the file GitHub "
            "Actions wrote for this event?"
        ) from exc


def is_bot(login: str, kind: str, bot_logins: Iterable[str]) -> bool:
    """An account of type Bot, an app's ``<slug>[bot]``, or one of ``bot_logins`` (GitHub logins
    are case-insensitive: ``catalog-curator`` in the config is the account ``Catalog-Curator``)."""
    lowered = login.lower()
    return kind == "Bot" or lowered.endswith("[bot]") or lowered in {b.lower() for b in bot_logins}


@dataclass(frozen=True)
class Source:
    """One text on the issue that can hold commands: the issue's body or one comment."""

    key: str  # "issue" or "c<comment id>" (how the status comment records what it answered)
    author: str
    text: str
    url: str
    comment_id: int | None = None  # None for the issue's body
    time: str = ""  # when it was written or last edited (ISO 8601), "" when unknown
    edited: bool = False  # a comment changed since it was posted (its editor is unknown to a later run)


def editor_unknown(source: Source, event: Event) -> bool:
    """A comment edited since it was posted that is not the event's own: its edit's run was
    cancelled (GitHub keeps one waiting run per issue), and who edited it is unknown to this run."""
    return source.edited and source.comment_id != event.comment_id


def source_commands(source: Source, form: FormLabels) -> list[Command]:
    """An issue body that is a form submission is one ``/add``; any other text, its commands."""
    if source.comment_id is None:
        submitted = form_command(source.text, form)
        if submitted is not None:
            return [submitted]
    return parse_commands(source.text, MAX_COMMANDS)


def event_commands(event: Event, form: FormLabels) -> list[Command]:
    """The commands of the event's own text."""
    return source_commands(Source("", event.author, event.text, event.source_url, event.comment_id), form)


def normalize_code_url(url: str, hosts: Sequence[str]) -> tuple[str | None, str | None]:
    """``(https URL, None)`` for an acceptable code link, else ``(None, why)`` where ``why`` is a
    key of the reasons in command_status.md.j2. The one validator: ``bot.core.urls.code_link``."""
    return code_link(url, hosts)
