"""Find the bot's commands in a comment or issue body (pure, no I/O).

Commands stand on their own line, anywhere in the text, several per comment:
``/add <ids or arXiv URLs> [section] [code=<url>]``, ``/remove <id>``, ``/move <id> <section>``,
``/approve``, ``/help``. Extra spaces, trailing punctuation and markdown emphasis are tolerated;
quoted lines (``> /add ...``) and code blocks are not commands (quoting is not asking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .arxiv_ids import parse_user_id

NAMES = ("add", "remove", "move", "approve", "help")
_COMMAND_RE = re.compile(
    r"^[\s*_`~>-]*?(?P<quote>>)?[\s*_`~]*/(?P<name>[a-z]+)\b(?P<args>.*)$", re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_ID_LIKE_RE = re.compile(r"(?i)^(?:arxiv[:]?|https?://|\d{3,5}\.\d|[a-z-]+/\d)")
_STRIP = "*_`~\"'<>()[]{}"


@dataclass(frozen=True)
class Command:
    name: str  # add | remove | move | approve | help
    line: int  # 1-based line in the text
    ids: tuple[str, ...] = ()  # arXiv ids without version
    malformed: tuple[str, ...] = ()  # tokens that look like ids but are not valid ones
    section: str | None = None  # as written; resolved against the taxonomy by the caller
    code_url: str | None = None
    text: str = ""  # the command line as written (for replies)


def _clean(token: str) -> str:
    token = token.strip().strip(_STRIP)
    return token.rstrip(".,;:!?").strip(_STRIP)


def _arguments(args: str) -> tuple[list[str], list[str], list[str], str | None]:
    ids: list[str] = []
    malformed: list[str] = []
    words: list[str] = []
    code_url: str | None = None
    for raw in re.split(r"[\s,]+", args):
        token = _clean(raw)
        if not token:
            continue
        if token.lower().startswith("code="):
            code_url = _clean(token[5:]) or None
            continue
        arxiv_id = parse_user_id(token)
        if arxiv_id:
            if arxiv_id not in ids:
                ids.append(arxiv_id)
        elif _ID_LIKE_RE.match(token):
            malformed.append(token)
        else:
            words.append(token)
    return ids, malformed, words, code_url


def parse_commands(text: str | None) -> list[Command]:
    """Every command in ``text``, in order."""
    commands: list[Command] = []
    in_fence = False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        match = _COMMAND_RE.match(line)
        if in_fence or not match or match["quote"] or line.lstrip().startswith(">"):
            continue
        name = match["name"].lower()
        if name not in NAMES:
            continue
        ids, malformed, words, code_url = _arguments(match["args"])
        commands.append(Command(
            name=name, line=number, ids=tuple(ids), malformed=tuple(malformed),
            section=" ".join(words) or None, code_url=code_url, text=line.strip(),
        ))
    return commands
