"""One catalog entry: a frozen value, rendered to one markdown line and parsed back.

``parse_entry(render_entry(e)) == e`` for every entry: the constructor normalises what the line
cannot carry (title cleaned to one line, at most three authors then "et al.", stars rounded to
the precision shown, no venue that reads as another field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import quote

from bot.core import arxiv_ids
from bot.core.markdown import escape_markdown, has_markup, unescape_markdown
from bot.core.text import clean_inline, clean_title

MAX_AUTHORS = 3
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEPARATOR = " · "
WITHDRAWN = "withdrawn"
ET_AL = "et al."

Kind = Literal["paper", "resource"]


def round_stars(stars: int) -> int:
    """The star count that the displayed text denotes (1234 -> 1200, 12345 -> 12000)."""
    return parse_stars(format_stars(stars))


def format_stars(stars: int) -> str:
    if stars < 1000:
        return str(stars)
    if stars < 10_000:
        return f"{stars / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    if stars < 1_000_000:
        return f"{stars // 1000}k"
    return f"{stars / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"


def parse_stars(text: str) -> int:
    scale = {"k": 1000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if scale > 1 else text
    return round(float(number) * scale)


# What would end the URL of a "[title](url)" link: any whitespace (a tab, a no-break space, an
# ideographic space ... as the line parser's \s) and parentheses; and angle brackets, which a
# link's URL may hold but which the comment rule (bot.core.markdown.blank_comments_and_code)
# would read as a "<!--" hiding every entry after it.
_URL_UNSAFE_RE = re.compile(r"[\s()<>]")


def _safe_url(url: str) -> str:
    """``url`` percent-encoded where the line could not carry it (" " -> %20, NBSP -> %C2%A0,
    "<" -> %3C, as GitHub links it anyway)."""
    return _URL_UNSAFE_RE.sub(lambda m: quote(m[0], safe=""), url.strip())


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    kind: Kind = "paper"
    authors: tuple[str, ...] = ()
    et_al: bool = False
    description: str = ""
    arxiv_id: str | None = None
    year: int | None = None
    month: int | None = None
    venue: str = ""
    pdf_url: str = ""
    code_url: str = ""
    stars: int | None = None
    archived: bool = False
    withdrawn: bool = False  # the authors withdrew the arXiv paper (shown as " · withdrawn")
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("title", clean_title(self.title))
        put("url", _safe_url(self.url))
        put("pdf_url", _safe_url(self.pdf_url))
        put("code_url", _safe_url(self.code_url))
        put("venue", _readable_venue(clean_inline(self.venue)))
        put("description", clean_inline(self.description))
        # A comma would split a name on the line; a last name ending in "et al." would read back
        # as the "et al." mark: both are normalised to what the line says.
        authors = tuple(a for a in (clean_inline(a.replace(",", " ")) for a in self.authors) if a)
        if len(authors) > MAX_AUTHORS:
            put("et_al", True)
            authors = authors[:MAX_AUTHORS]
        while authors and (authors[-1] == ET_AL or authors[-1].endswith(" " + ET_AL)):
            put("et_al", True)
            last = authors[-1].removesuffix(ET_AL).strip()
            authors = authors[:-1] + ((last,) if last else ())
        put("authors", authors)
        if self.arxiv_id:
            put("arxiv_id", arxiv_ids.normalize(self.arxiv_id))
        if self.stars is not None:
            put("stars", round_stars(max(0, int(self.stars))))
        if self.month is not None and self.year is None:
            raise ValueError("an entry with a month needs a year")
        if not self.title or not self.url:
            raise ValueError("an entry needs a title and a url")
        if self.kind == "resource" and (self.arxiv_id or self.year or self.authors or self.pdf_url):
            raise ValueError("a resource has no arXiv id, date, authors or pdf")
        if self.kind == "paper" and not (self.arxiv_id or self.year):
            raise ValueError("a paper needs an arXiv id or a year")
        if self.kind == "paper" and self.description:
            raise ValueError("a paper shows its authors, not a description")

    def with_stars(self, stars: int | None, archived: bool | None = None) -> Entry:
        return replace(self, stars=stars, archived=self.archived if archived is None else archived)


def _readable_venue(venue: str) -> str:
    """``venue``, or "" when the line would read it back as another field: a "2024" or "Oct 2023"
    (a date), "withdrawn", "⭐ 12" (stars) or "arXiv 2401.00001" from a list's venue column is no
    venue, and on the line it made the entry another (a withdrawn paper) or no entry at all."""
    return venue if not venue or _part_fields(escape_markdown(venue)) == {"venue": venue} else ""


def _date_text(entry: Entry) -> str:
    if entry.year is None:
        return ""
    return f"{MONTHS[entry.month - 1]} {entry.year}" if entry.month else str(entry.year)


def _parts(entry: Entry) -> list[str]:
    parts = []
    if entry.arxiv_id:
        parts.append(f"arXiv {entry.arxiv_id}")
    if entry.year:
        parts.append(_date_text(entry))
    if entry.venue:
        parts.append(escape_markdown(entry.venue))
    if entry.withdrawn:
        parts.append(WITHDRAWN)
    if entry.pdf_url:
        parts.append(f"[pdf]({entry.pdf_url})")
    stars = ""
    if entry.stars is not None:
        stars = f"⭐ {format_stars(entry.stars)}"
    if entry.archived:
        stars = f"{stars} (archived)".strip()
    if entry.code_url:
        parts.append(f"[code]({entry.code_url})" + (f" {stars}" if stars else ""))
    elif stars:
        parts.append(stars)
    return parts


def render_entry(entry: Entry) -> str:
    """The entry as one markdown line, without newline."""
    if entry.kind == "paper":
        lead = ", ".join(escape_markdown(a) for a in entry.authors)
        if entry.et_al:
            lead += " et al."
    else:
        lead = escape_markdown(entry.description)
    # The one canonical shape that parse_entry reads back (not a template: an edit of the shape
    # must change the parser with it):  - [Title](url) - lead · part · part ...
    line = f"- [{escape_markdown(entry.title)}]({entry.url})"
    if lead:
        line += f" - {lead}"
    return line + "".join(SEPARATOR + part for part in _parts(entry))


_LINE_RE = re.compile(
    r"^- \[(?P<title>(?:\\.|[^\\\]])+)\]\((?P<url>[^\s()]+)\)"
    r"(?: - (?P<lead>(?:(?! · ).)+?))?(?P<parts>(?: · (?:(?! · ).)+)*)$"
)
_DATE_RE = re.compile(rf"^(?:(?P<month>{'|'.join(MONTHS)}) )?(?P<year>(?:19|20)\d\d)$")
_LINK_RE = re.compile(r"^\[(?P<label>pdf|code)\]\((?P<url>[^\s()]+)\)(?: (?P<rest>.+))?$")
_STARS_RE = re.compile(r"^(?:⭐ (?P<stars>\d+(?:\.\d)?[kM]?))?(?: ?\((?P<archived>archived)\))?$")
_ARXIV_RE = re.compile(r"^arXiv (?P<id>\S+)$")


def _stars_fields(text: str) -> dict[str, object] | None:
    match = _STARS_RE.match(text)
    if not match or not text:
        return None
    stars = match.group("stars")
    return {"stars": parse_stars(stars) if stars else None, "archived": bool(match["archived"])}


def _part_fields(part: str) -> dict[str, object] | None:
    """The fields one ' · '-separated part carries, or None when it is not one we know."""
    if m := _ARXIV_RE.match(part):
        return {"arxiv_id": m["id"]} if arxiv_ids.is_valid(m["id"]) else None
    if m := _DATE_RE.match(part):
        month = MONTHS.index(m["month"]) + 1 if m["month"] else None
        return {"year": int(m["year"]), "month": month}
    if m := _LINK_RE.match(part):
        if m["label"] == "pdf":
            return None if m["rest"] else {"pdf_url": m["url"]}
        fields: dict[str, object] = {"code_url": m["url"]}
        if m["rest"]:
            stars = _stars_fields(m["rest"])
            if stars is None:
                return None
            fields.update(stars)
        return fields
    if stars := _stars_fields(part):
        return stars
    if part == WITHDRAWN:
        return {"withdrawn": True}
    return None if has_markup(part) else {"venue": unescape_markdown(part)}


def parse_entry(line: str) -> Entry | None:
    """Read a canonical entry line back; None when the line is not in the canonical form."""
    read = _read_entry(line)
    return read if isinstance(read, Entry) else None


def why_not_entry(line: str) -> str:
    """What keeps ``line`` from being a canonical entry line, in words for ``lint``; "" when
    it is one."""
    read = _read_entry(line)
    if read is _NO_SHAPE:
        return _shape_problem(line.rstrip("\r\n").rstrip(" \t"))
    return read if isinstance(read, str) else ""


_BULLET_RE = re.compile(r"(?P<indent>[ \t]*)(?P<marker>[-*+•]|\d{1,3}[.)])(?P<space>[ \t]+)")
_HEAD_RE = re.compile(r"^- \[(?:\\.|[^\\\]])+\]\([^\s()]+\)")


_NO_SHAPE = "not the entry's shape"
# A "·" between fields (or the " - " before the authors) with any whitespace around it (a no-break
# space an editor or a copy from a web page left, a tab, a thin space) is the separator: read as
# no separator, it joined the authors and the arXiv id without a word, and the line lost its id.
_LOOSE_SEPARATOR_RE = re.compile(r"\s*(?<=\s)·(?=\s)\s*")  # "a ·  · b" keeps its empty field
_LOOSE_LEAD_RE = re.compile(r"^\s+-\s+")
_OTHER_SPACE_RE = re.compile(r"[^\S ]")  # whitespace but the plain space


def _spaced_separators(text: str) -> str:
    """``text`` with, after the title link, each "·" between whitespace written `` · `` and
    the "-" before the authors `` - ``; whitespace of any kind at its end dropped."""
    text = text.rstrip()
    if text.count("·") == text.count(SEPARATOR) and not _OTHER_SPACE_RE.search(text):
        return text  # only plain spaces, and each "·" a separator: as the bot writes (most lines)
    head = _HEAD_RE.match(text)
    if head is None:
        return text
    rest = _LOOSE_LEAD_RE.sub(" - ", text[head.end() :], count=1)
    return text[: head.end()] + _LOOSE_SEPARATOR_RE.sub(SEPARATOR, rest)


def _read_entry(line: str) -> Entry | str:
    """The entry a canonical line holds, or why the line is not one."""
    # spaces around a field are no part of it: "Jan 2024 " (an editor's trailing space) is the
    # date, not a venue "Jan 2024"; "·  arXiv 2401.00001" the id
    text = _spaced_separators(line)
    match = _LINE_RE.match(text)
    if not match:
        return _NO_SHAPE  # why, only when asked (why_not_entry): most lines of a list are no entry
    if stray := next((f for f in (match["lead"] or "", *match["parts"].split(SEPARATOR)) if "·" in f), ""):
        # no field holds a "·" (``clean_inline``): this one would be changed by the next rewrite
        return f"'{stray.strip()}' holds a '·' that separates no fields: write ' · ' between fields"
    if has_markup(match["title"]) or has_markup(match["lead"] or ""):
        # hand-written markup (a [slides](...) link, **bold**, <b>): left to a human
        where = "title" if has_markup(match["title"]) else "text after ' - '"
        return f"the {where} holds markup (a link, **bold**, HTML or `code`), which the bot never rewrites"
    fields: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in match["parts"].split(SEPARATOR))):
        known = _part_fields(part)
        if known is None:
            return _part_problem(part)
        if any(key in fields for key in known):
            return f"'{part}' repeats a field the line already has ({', '.join(known)})"
        fields.update(known)
    lead = match["lead"] or ""
    is_paper = "arxiv_id" in fields or "year" in fields
    if is_paper:
        et_al = lead.endswith(" et al.") or lead == "et al."
        names = lead.removesuffix("et al.").strip() if et_al else lead  # "Bet al." is a name
        fields["authors"] = tuple(unescape_markdown(a) for a in _split_authors(names))
        fields["et_al"] = et_al
    else:
        fields["description"] = unescape_markdown(lead)
    try:
        return Entry(
            title=unescape_markdown(match["title"]),
            url=match["url"],
            kind="paper" if is_paper else "resource",
            **fields,  # type: ignore[arg-type]
        )
    except ValueError as exc:
        return str(exc)


def _shape_problem(text: str) -> str:
    """Why a line does not have the entry's shape: ``- [Title](url)`` then `` - `` and `` · ``."""
    bullet = _BULLET_RE.match(text)
    if not bullet:
        return "it is not a bullet: an entry starts with '- '"
    if bullet["indent"]:
        return "it is indented: an entry starts at the line's start"
    if bullet["marker"] != "-" or bullet["space"] != " ":
        return f"it starts with '{bullet['marker']}{bullet['space']}', not '- '"
    head = _HEAD_RE.match(text)
    if not head:
        return "no `[Title](url)` link right after '- ' (a URL has no space nor parenthesis)"
    rest = text[head.end() :]
    if not rest.startswith((" - ", SEPARATOR)):
        return f"after the title link comes '{rest[:20]}': authors follow ' - ', the other fields ' · '"
    return "a field is empty or a separator is doubled (fields are separated by ' · ')"


def _part_problem(part: str) -> str:
    if m := _ARXIV_RE.match(part):
        return f"'{part}': {m['id']} is no valid arXiv id"
    if m := _LINK_RE.match(part):
        return f"'{part}': text after the [{m['label']}](..) link"
    return f"'{part}' is no field the line can hold (a venue is plain text; links are [pdf] and [code])"


_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?"
    "|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_LIKE = re.compile(
    rf"(?i)(?:{_MONTH_NAMES})\.?\s+(?:19|20)\d\d|(?:19|20)\d\d\s*[-/.]\s*(?:0?[1-9]|1[0-2])"
    r"|(?:0?[1-9]|1[0-2])\s*[-/.]\s*(?:19|20)\d\d"
)
_ARXIV_LIKE = re.compile(r"(?i)arxiv\W*\d{4}\.\d{4,5}(?:v\d+)?")


def misread_venue(venue: str) -> str:
    """A hand-written date or arXiv id the line reads as a venue (``jan 2024``, ``2024-01``,
    ``arXiv:2401.00001``): the entry has no date or id, so it sorts and filters wrong."""
    if _DATE_LIKE.fullmatch(venue):
        return f"'{venue}' is read as a venue, not as the date: write the date as `Jan 2024`"
    if _ARXIV_LIKE.fullmatch(venue):
        return f"'{venue}' is read as a venue, not as the arXiv id: write it as `arXiv 2401.00001`"
    return ""


# A name: escaped characters (an escaped backslash ends no name) or anything but ", ".
_AUTHOR_RE = re.compile(r"(?:\\.|(?!, ).)+")


def _split_authors(text: str) -> list[str]:
    return [name.strip() for name in _AUTHOR_RE.findall(text) if name.strip()]
