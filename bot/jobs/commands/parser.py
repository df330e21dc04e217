"""Find the bot's commands in a comment or issue body (pure, no I/O, linear in the text's length).

Commands are lines of the comment's *rendered paragraph text*, found with a CommonMark parser
(markdown-it-py), not with regexes: ``/add <ids or arXiv URLs> [section] [code=<url>]``,
``/remove <id>``, ``/move <id> <section>``, ``/approve <revision>``, ``/help``, several per comment.
Text that does not render as a paragraph's text is never a command: HTML comments and other HTML,
inline code, indented code blocks, fenced code blocks (an unclosed fence runs to the end), quotes
(``> /add ...``: quoting is not asking), headings, image descriptions. Extra spaces, trailing
punctuation and emphasis markers are tolerated, invisible characters dropped and fullwidth forms
read as plain ones (``as_seen``). A link that is not an arXiv link is taken as the
code link when no ``code=`` is given. A line longer than ``MAX_LINE`` characters, a paragraph
longer than ``MAX_PARAGRAPH``, and paragraphs past ``MAX_INLINE`` characters of paragraphs that may
hold commands are not read (the caller says how many commands were not read).

Issue form submissions (``.github/ISSUE_TEMPLATE/add-paper.yml``) come as ``### <label>`` sections,
the way GitHub renders issue forms; ``form_command`` reads one as the equivalent ``/add``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from bot.core.arxiv_ids import parse_user_id
from bot.core.text import cap
from bot.jobs.commands.paragraphs import LEAD, MAX_LINE, as_seen, paragraph_lines
from bot.jobs.commands.paragraphs import MAX_PARAGRAPH as MAX_PARAGRAPH  # handlers.py's

NAMES = ("add", "remove", "move", "approve", "teach", "help")
MAX_TOKEN = 300  # a longer word is neither an id, a link nor a section
_NAME_RE = re.compile(r"[a-z]+", re.IGNORECASE)
REVISION_RE = re.compile(r"^[0-9a-f]{8}$")  # a revision tag (bot.jobs.commands.state.new_tag)
_ID_LIKE_RE = re.compile(r"(?i)^(?:arxiv[:]?|https?://|\d{3,5}\.\d|[a-z-]+(?:\.[a-z]{2})?/\d)")
_BARE_ID_RE = re.compile(r"(?i)^(?:\d{3,5}\.\d|[a-z-]+(?:\.[a-z]{2})?/\d)")  # an id without "arXiv:"
_STRIP = "*_`~\"'<>()[]{}“”‘’«»„"  # typographic quotes too: "“2405.00732”", as an editor curls them
_URL_RE = re.compile(r"(?i)^https?://")
# a link typed without its scheme, "github.com/owner/repo" (not an old-style id: no digit after "/")
_BARE_URL_RE = re.compile(r"(?i)^(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s\d]")
_ARXIV_HOST_RE = re.compile(r"(?i)^https?://([a-z0-9-]+\.)*(arxiv|ar5iv)\.org(/|$)")
NO_RESPONSE = "_No response_"
_EMPTY_ANSWERS = {"", NO_RESPONSE.lower(), "none", "n/a", "na", "-", "no", "no code"}


@dataclass(frozen=True)
class Command:
    name: str  # add | remove | move | approve | teach | help
    line: int  # 1-based line in the text
    ids: tuple[str, ...] = ()  # arXiv ids without version
    malformed: tuple[str, ...] = ()  # tokens that look like ids but are not valid ones
    section: str | None = None  # as written; resolved against the taxonomy by the caller
    code_url: str | None = None
    text: str = ""  # the command line as written (for replies)
    tags: tuple[str, ...] = ()  # /approve: the revision tags named (8 hex digits, lower case)
    unread: bool = False  # past the limit, or in a paragraph too long to read: only counted
    follows: str = ""  # the text of the command that starts its line: this one is not run
    term: str = ""  # /teach: the words in quotes, as written (checked by the caller)

    @property
    def identity(self) -> str:
        """What the status comment records as answered: its text, and for a command that followed
        another on its line, that too (so that, posted again on its own line, it is new)."""
        return f"{self.follows}\0{self.text}" if self.follows else self.text


def _clean(token: str) -> str:
    token = _without_emoji(token.strip()).strip(_STRIP)
    return token.rstrip(".,;:!?。、").strip(_STRIP)  # "。", "、": the full stop and comma of CJK text


def _is_emoji(char: str) -> bool:
    """A pictograph (🙏, ✅, ⭐), a skin tone or an emoji variation selector."""
    return unicodedata.category(char) in ("So", "Sk") or char in "\ufe0e\ufe0f"


def _without_emoji(token: str) -> str:
    """``token`` without the emoji at its ends ("2405.00732🙏", "🚀"): a thank-you after an id is
    neither part of the id nor a section's name."""
    start, end = 0, len(token)
    while start < end and _is_emoji(token[start]):
        start += 1
    while end > start and _is_emoji(token[end - 1]):
        end -= 1
    return token[start:end]


# A markdown link, [text](https://...): what GitHub's editor writes when a link is pasted over
# selected text ("code", "paper"). Bounded, so that it stays linear on a MAX_LINE line.
_LINK_RE = re.compile(r"\[[^\[\]\n]{0,300}\]\(\s*<?(https?://[^\s()<>]{1,300})>?\s*\)", re.IGNORECASE)


# an arXiv category (cs.CL, math.GT, astro-ph.CO, cond-mat.str-el), as citations give it after the id
_CATEGORY_RE = re.compile(
    r"(?i)^(?:cs|math|stat|eess|econ|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[a-z-]{2,}$"
)


def _id_of(token: str) -> str | None:
    """The arXiv id ``token`` gives (``parse_user_id``), also as a PDF's file name
    (``2405.00732v2.pdf``, what a downloaded paper is called)."""
    return parse_user_id(token[:-4] if token[-4:].lower() == ".pdf" else token)


def _with_scheme(token: str) -> str:
    """``https://github.com/o/r`` for ``github.com/o/r``; any other token as it is."""
    return "https://" + token if _BARE_URL_RE.match(token) else token


def _tokens(args: str) -> list[tuple[str, str]]:
    """``(token, separator before it)`` of a command's arguments, split on spaces and commas (and
    "、"); the separator is ", " when a comma came before the token, else " "."""
    parts = re.split(r"([\s,、]+)", args)
    tokens: list[tuple[str, str]] = []
    comma = False
    for n, part in enumerate(parts):
        if n % 2:  # a separator ("、" is the enumeration comma of CJK text)
            comma = comma or "," in part or "、" in part
        elif token := _clean(part) or (">" if part == ">" else ""):  # "Quantization > Weight-only"
            tokens.append((token, ", " if comma else " "))
            comma = False
    return tokens


def _arguments(args: str) -> tuple[list[str], list[str], list[str], str | None, str]:
    """``(ids, malformed ids, other words, code link, section)``; the section is the other words
    as written, a comma between two of them kept ("Courses, Blogs and Talks")."""
    ids: list[str] = []
    malformed: list[str] = []
    words: list[str] = []
    section = ""
    code_url: str | None = None
    tokens = _tokens(_LINK_RE.sub(r"\1", args) if "](" in args else args)  # a link is its address
    last_was_word = False
    for n, (token, separator) in enumerate(tokens):
        previous, following = tokens[n - 1][0] if n else "", tokens[n + 1][0] if n + 1 < len(tokens) else ""
        is_word = False
        if token.lower() == "arxiv" and _BARE_ID_RE.match(following):
            pass  # "arXiv 2405.00732", "arXiv: 2405.00732": a label of the id that follows
        elif token.lower() == "code" and _URL_RE.match(_with_scheme(following)):
            pass  # "code: https://github.com/o/r": a label of the link that follows
        elif _CATEGORY_RE.match(token) and _id_of(previous):
            pass  # "arXiv:2405.00732 [cs.CL]": the id's category, as arXiv cites it, not a section
        elif not section and token.lower() == "section" and following and not _id_of(following):
            pass  # "section: kv-cache", as "code: <link>": a label of the section that follows
        elif token.lower() in ("and", "&") and _id_of(previous) and _id_of(following):
            pass  # "2405.00732 and 2401.00001": the ids' "and", not a word of the section
        elif len(token) > MAX_TOKEN:
            malformed.append(cap(token, 41))
        elif token.lower().startswith(("code=", "code:")):
            code_url = _with_scheme(_clean(token[5:])) or None
        elif arxiv_id := _id_of(token):
            if arxiv_id not in ids:
                ids.append(arxiv_id)
        elif code_url is None and _URL_RE.match(url := _with_scheme(token)) and not _ARXIV_HOST_RE.match(url):
            code_url = url  # a code link without code=; checked by the caller
        elif _ID_LIKE_RE.match(token):
            malformed.append(token)
        else:
            if not section and token[:8].lower() in ("section=", "section:") and len(token) > 8:
                token = token[8:]  # "section=kv-cache", as "code=<link>"
            section += (separator if last_was_word else " " if section else "") + token
            words.append(token)
            is_word = True
        last_was_word = is_word
    return ids, malformed, words, code_url, section


def _command_line(line: str) -> tuple[str, str] | None:
    """``(name, arguments)`` when ``line`` starts with ``/name`` (after emphasis markers); ``line``
    is as seen (``as_seen``)."""
    if len(line) > MAX_LINE:
        return None
    rest = line.lstrip(LEAD)
    if not rest.startswith("/"):
        return None
    name = _NAME_RE.match(rest, 1)
    # "/add-paper", "/added": another word, not this command
    if name is None or (name.end() < len(rest) and (rest[name.end()].isalnum() or rest[name.end()] in "_-")):
        return None
    return name.group().lower(), rest[name.end() :]


# A command name after whitespace further on a command's line (emphasis markers may come before
# the slash): another command, which ends the arguments of the one before it.
_NEXT_RE = re.compile(r"(?<=\s)[*_~]*/([a-z]+)(?![a-z0-9_-])", re.IGNORECASE)


def _pieces(line: str, name: str, args: str) -> list[tuple[str, str, str]]:
    """``(name, arguments, text)`` of each command on a command's line: GitHub-style, a command
    is a line's start, so a second ``/name`` ends the first's arguments (never merged into them)."""
    cuts = [(0, name, len(line) - len(args))]
    for match in _NEXT_RE.finditer(line, len(line) - len(args)):
        if match[1].lower() in NAMES:
            cuts.append((match.start(), match[1].lower(), match.end()))
    ends = [start for start, _, _ in cuts[1:]] + [len(line)]
    return [
        (found, line[args_start:end], " ".join(line[start:end].split()))
        for (start, found, args_start), end in zip(cuts, ends, strict=True)
    ]


_TAKES_IDS = ("add", "remove", "move")  # commands whose ids may follow on the lines below
MAX_BELOW = 100  # ids read below a command: far more than max_ids, which the caller enforces


def parse_commands(text: str | None, limit: int | None = None) -> list[Command]:
    """Every command in ``text``, in order. Those past the first ``limit`` and those in paragraphs
    too long to read come ``unread``, with their name and line only: the caller counts them as
    ignored. The lines right below an ``/add``, ``/remove`` or ``/move`` (in its paragraph, or
    the items of a list right after it) that start with an id are its ids too; so are those of
    the paragraph right after a blank line when the command names no id itself (``/add kv-cache``,
    a blank line, ``2405.00732``: an ``/add`` of ids is whole, and the paragraph after it talk)."""
    commands: list[Command] = []
    read = 0
    taking: int | None = None  # the index in ``commands`` of the one the lines below add ids to
    block = -1
    for number, written, starts_with_text, unread, line_block, gap in paragraph_lines(text or ""):
        line = as_seen(written) if len(written) <= MAX_LINE else written
        found = _command_line(line) if starts_with_text else None
        if found is None or found[0] not in NAMES:
            if (
                taking is not None
                and line_block == block
                and not unread
                # after a blank line, only a command that names no id yet reads on: it has to
                and not (gap and (commands[taking].ids or commands[taking].malformed))
                and len(commands[taking].ids) + len(commands[taking].malformed) < MAX_BELOW
                and (more := _listed_ids(line)) is not None
            ):
                commands[taking] = _with_ids(commands[taking], *more)
            else:
                taking = None
            continue
        first, taking, block = "", None, line_block
        for name, args, written_command in _pieces(line, *found):
            if unread or (limit is not None and read >= limit):
                commands.append(Command(name=name, line=number, text=written_command, unread=True))
            elif first:  # a second command on the line: answered, never run
                read += 1
                commands.append(Command(name=name, line=number, text=written_command, follows=first))
            else:
                read += 1
                commands.append(_command(name, number, args, written_command))
                taking = len(commands) - 1 if name in _TAKES_IDS else None
            first = first or written_command
        if commands[-1].follows or commands[-1].unread:
            taking = None  # only a line's last command reads the ids below it
    return commands


def _written_ids(text: str) -> list[str]:
    """The words of ``text`` that are ids, or look like ids, as written."""
    return [t for t in text.split() if _id_of(_clean(t)) or _ID_LIKE_RE.match(_clean(t))]


def _listed_ids(line: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]] | None:
    """``(ids, malformed ids, the id words as written)`` of a line below a command that starts
    with an id (``2405.00732``, ``https://arxiv.org/abs/2405.00732 (ours)``; its other words are
    not read), else None."""
    if len(line) > MAX_LINE or not (words := line.split()):
        return None
    start = _clean(words[0])
    if not (_id_of(start) or (_ID_LIKE_RE.match(start) and not _URL_RE.match(start))):
        return None
    ids, malformed, _words, _code, _section = _arguments(line)
    return (tuple(ids), tuple(malformed), _written_ids(line)) if ids or malformed else None


def _with_ids(
    command: Command, ids: tuple[str, ...], malformed: tuple[str, ...], written: list[str]
) -> Command:
    """``command`` with the ids of a line below it; its text (what replies quote and the status
    comment records) lists them on its line, as one could have typed them, up to MAX_LINE
    characters as a command's own line."""
    return replace(
        command,
        ids=tuple(dict.fromkeys(command.ids + ids)),
        malformed=command.malformed + malformed,
        text=cap(" ".join([command.text, *written]), MAX_LINE),
    )


# /teach "<term>" <section>: the term in straight or typographic double quotes
_QUOTED_RE = re.compile(
    r'^\s*["\u201c\u201e\u00ab](?P<term>[^"\u201c\u201d\u201e\u00ab\u00bb]{1,300})["\u201d\u00bb](?P<rest>.*)$'
)


def _command(name: str, number: int, args: str, text: str) -> Command:
    term = ""
    if name == "teach" and (quoted := _QUOTED_RE.match(args)):
        term, args = quoted["term"], quoted["rest"]
    ids, malformed, words, code_url, section = _arguments(args)
    # /approve names revision tags; any other word ("please", "thanks") is not one
    tags = [w.lower() for w in words if REVISION_RE.match(w.lower())] if name == "approve" else []
    return Command(
        name=name,
        line=number,
        ids=tuple(ids),
        malformed=tuple(malformed),
        section=section or None,
        code_url=code_url,
        text=text,
        tags=tuple(dict.fromkeys(tags)),
        term=term,
    )


@dataclass(frozen=True)
class FormLabels:
    """The labels of the issue form's fields (config/commands.yml ``form``)."""

    arxiv: str = "arXiv link"
    code: str = "Code link"
    section: str = "Suggested section"


def parse_issue_form(body: str | None) -> dict[str, str]:
    """``{label: answer}`` of a body rendered from an issue form (``### label`` + answer);
    unanswered fields (``_No response_``) are "". Text before the first heading is ignored. GitHub
    renders every field, in the form's order, so the first heading of a label is the field's: a
    later one was typed into a text area (the last field, "Why it belongs") and is that field's
    text, never another answer to an earlier field."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in (body or "").splitlines():
        label = line[3:].strip(" \t") if line.startswith("###") and line[3:4] in (" ", "\t") else ""
        if label:  # "### label" (stripping, not a regex: linear on hostile lines)
            current = fields.setdefault(label, []) if label not in fields else None
        elif current is not None:
            current.append(line)
    answers = {label: "\n".join(lines).strip() for label, lines in fields.items()}
    return {label: "" if text == NO_RESPONSE else text for label, text in answers.items()}


def _answer(text: str) -> str:
    """A form field's answer on one line, "" for "no response" and the like."""
    words = " ".join(as_seen(text[:MAX_LINE]).split())
    return "" if words.lower() in _EMPTY_ANSWERS else words


def form_command(body: str | None, labels: FormLabels = FormLabels()) -> Command | None:
    """The ``/add`` an issue form submission asks for, or None when ``body`` is not one. Each field
    is read on its own: the ids (and malformed ids) of the arXiv field, the section field as the
    section, the code field's link; other words of a field are not read, and nothing in the form
    is a command. The command's text is the equivalent one-line ``/add`` (what a person would
    have typed)."""
    fields = parse_issue_form(body)
    if labels.arxiv not in fields:
        return None
    links = as_seen(fields[labels.arxiv][:MAX_LINE])
    ids, malformed, _words, _code, _section = _arguments(links)
    written = _written_ids(links)
    section = _answer(fields.get(labels.section, ""))
    answer = _answer(fields.get(labels.code, ""))
    # its link as a command reads it ("[repo](https://...)", "code: https://..."), else its first word
    code = [found] if answer and (found := _arguments(answer)[3]) else answer.split()[:1]
    code_url = _with_scheme(_clean(code[0])) if code else ""
    words = ["/add", *written, *([section] if section else []), *([f"code={code_url}"] if code_url else [])]
    return Command(
        name="add",
        line=1,
        ids=tuple(ids),
        malformed=tuple(malformed),
        section=section or None,
        code_url=code_url or None,
        text=" ".join(words),
    )
