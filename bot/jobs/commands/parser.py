"""Find the bot's commands in a comment or issue body (pure, no I/O).

Commands stand on their own line, anywhere in the text, several per comment:
``/add <ids or arXiv URLs> [section] [code=<url>]``, ``/remove <id>``, ``/move <id> <section>``,
``/approve``, ``/help``. Extra spaces, trailing punctuation and markdown emphasis are tolerated;
quoted lines (``> /add ...``) and code blocks are not commands (quoting is not asking). A link that
is not an arXiv link is taken as the code link when no ``code=`` is given.

Issue form submissions (``.github/ISSUE_TEMPLATE/add-paper.yml``) come as ``### <label>`` sections,
the way GitHub renders issue forms; ``form_command`` reads one as the equivalent ``/add``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.arxiv_ids import parse_user_id

NAMES = ("add", "remove", "move", "approve", "help")
_COMMAND_RE = re.compile(
    r"^[\s*_`~>-]*?(?P<quote>>)?[\s*_`~]*/(?P<name>[a-z]+)\b(?P<args>.*)$", re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_ID_LIKE_RE = re.compile(r"(?i)^(?:arxiv[:]?|https?://|\d{3,5}\.\d|[a-z-]+/\d)")
_STRIP = "*_`~\"'<>()[]{}"
_URL_RE = re.compile(r"(?i)^https?://")
_ARXIV_HOST_RE = re.compile(r"(?i)^https?://([a-z0-9-]+\.)*(arxiv|ar5iv)\.org(/|$)")
_FORM_HEADING_RE = re.compile(r"^###[ \t]+(?P<label>\S.*?)[ \t]*$")
NO_RESPONSE = "_No response_"
_EMPTY_ANSWERS = {"", NO_RESPONSE.lower(), "none", "n/a", "na", "-", "no", "no code"}


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
        elif code_url is None and _URL_RE.match(token) and not _ARXIV_HOST_RE.match(token):
            code_url = token  # a code link without code=; checked by the caller
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


@dataclass(frozen=True)
class FormLabels:
    """The labels of the issue form's fields (config/commands.yml ``form``)."""

    arxiv: str = "arXiv link"
    code: str = "Code link"
    section: str = "Suggested section"


def parse_issue_form(body: str | None) -> dict[str, str]:
    """``{label: answer}`` of a body rendered from an issue form (``### label`` + answer);
    unanswered fields (``_No response_``) are "". Text before the first heading is ignored."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in (body or "").splitlines():
        heading = _FORM_HEADING_RE.match(line)
        if heading:
            current = fields.setdefault(heading["label"], [])
        elif current is not None:
            current.append(line)
    answers = {label: "\n".join(lines).strip() for label, lines in fields.items()}
    return {label: "" if text == NO_RESPONSE else text for label, text in answers.items()}


def form_command(body: str | None, labels: FormLabels = FormLabels()) -> Command | None:
    """The ``/add`` an issue form submission asks for, or None when ``body`` is not one. The
    command's text is the equivalent one-line ``/add`` (what a person would have typed)."""
    fields = parse_issue_form(body)
    if labels.arxiv not in fields:
        return None
    words = ["/add", *fields[labels.arxiv].split()]
    section = " ".join(fields.get(labels.section, "").split())
    if section.lower() not in _EMPTY_ANSWERS:
        words.append(section)
    code = fields.get(labels.code, "").split()
    if code and " ".join(code).lower() not in _EMPTY_ANSWERS:
        words.append(f"code={code[0]}")
    commands = parse_commands(" ".join(words))
    return commands[0] if len(commands) == 1 else None
