"""Read curated lists in the formats found in the wild, for ``python -m bot import``.

``read_items(name, text)`` turns a list into ``SourceItem``s: every bullet (with its indented
continuation lines) and table row that ``bot.core.catalog.parse`` finds, with the cleaned heading path
above it. ``extract(item)`` reads the fields of the paper(s) or resource an item describes, or
says why it cannot. Each format is a small extractor; the first one that recognises an item wins:

- generated bullets: ``- **Title**, `arXiv, 2405.00732`, [arxiv](..)`` with an indented
  ``*authors*`` line and a repository link with a star badge (awesome-efficient-llm-plaza, metame)
- survey bullets: ``- Title, <ins>Venue, Year</ins> [[Paper](..)] [[Code](..)]``, and the same as
  rendered text without links: ``• Title, Venue, Year [Paper]``
- quoted bullets: ``- "Title", Venue, Year. [[paper](..)]``
- venue-tag bullets: ``- Title. *[Venue'YY]* [[Paper]](..) [[Code]](..)``
- line-break bullets: ``- Title <br> Venue Year [[Paper]](..) [[Github]](..)``
- nested bullets: ``- Title`` over ``- Link:``, ``- Author:``, ``- Code:``, ``- Pub:`` sub-bullets
- link bullets: ``- [badges] [Title](url). Authors. [[Paper]](..)`` and ``- [Title](url): text``
- table rows: a title cell (``Title & Authors``, ``Title``, ``Paper``, ``Model``) holding badges,
  a title (link) and authors separated by ``<br>``; framework tables (``Name [[Code](..)] | ✅``)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from bot.core import arxiv_ids, urls
from bot.core.catalog import parse as parse_catalog

# -- what an item is and what it gives ---------------------------------------------------------


@dataclass(frozen=True)
class SourceItem:
    """One bullet (with its continuation lines) or table row of a source list."""

    file: str
    line: int  # 1-based
    path: tuple[str, ...]  # the cleaned headings above the item, outermost first
    text: str
    kind: str = "bullet"  # "bullet" or "row"
    header: tuple[str, ...] = ()  # the table's header cells, for a row
    arxiv_ids: tuple[str, ...] = ()
    linked: bool = True  # False when the whole file has no links (rendered text)

    @property
    def heading_path(self) -> str:
        return " > ".join(self.path)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Fields:
    """What one item says about one paper or resource (empty when it does not say)."""

    title: str
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    et_al: bool = False
    venue: str = ""
    year: int | None = None
    url: str = ""  # the paper's or resource's own link
    code_url: str = ""
    description: str = ""
    resource: bool = False


@dataclass(frozen=True)
class Unreadable:
    reason: str
    title: str = ""  # when one was found


@dataclass(frozen=True)
class Link:
    label: str
    url: str


# -- reading a file into items -----------------------------------------------------------------

_WORD = re.compile(r"[^\W_]")
_MOJIBAKE_RUN = re.compile(r"[^\x00-\x7f]+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ANCHOR_LINK = re.compile(r"\(?\s*\[[^\]]*\]\(#[^)]*\)\s*\)?")
_MD_LINK = re.compile(
    r"\[(?P<label>(?:!\[[^\]]*\]\([^)]*\)|\[[^\[\]]*\]|[^\[\]])*)\]"
    r"\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![(\[<=\"'/\w])https?://[^\s<>\"'\])|]+")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Mac Roman (``¬∑`` -> ``·``, ``R√©`` -> ``Ré``), run by run; runs
    that are not such mojibake are kept as they are."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            return run.encode("mac_roman").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run

    return _MOJIBAKE_RUN.sub(fix, text)


def clean_heading(title: str) -> str:
    """A heading as a mapping rule sees it: no emoji, badges, anchors, links or HTML."""
    title = _MD_IMAGE.sub("", title)
    title = _ANCHOR_LINK.sub("", title)
    title = _MD_LINK.sub(lambda m: m["label"], title)
    title = _HTML_TAG.sub("", title)
    title = re.sub(r"^[^\w(]+|[^\w)?]+$", "", title)
    return " ".join(title.split())


def _is_navigation(text: str) -> bool:
    """A table-of-contents bullet: in-page anchors and no outside link."""
    return "](#" in text and not re.search(r"https?://", text)


def _table_header(lines: list[str], start: int) -> tuple[str, ...]:
    index = start - 1
    while index >= 0 and lines[index].lstrip().startswith("|") and not _SEPARATOR.match(lines[index]):
        index -= 1
    if index >= 1 and _SEPARATOR.match(lines[index]) and lines[index - 1].lstrip().startswith("|"):
        return tuple(cell.lower() for cell in table_cells(lines[index - 1]))
    return ()


def table_cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def read_items(name: str, text: str) -> tuple[list[SourceItem], int]:
    """The items of one list, and how many navigation bullets (table of contents) it skipped."""
    text = fix_mojibake(text)
    parsed = parse_catalog(text)
    linked = bool(re.search(r"https?://", text))
    paths: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []
    for heading in parsed.headings:
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, clean_heading(heading.title)))
        paths.append(tuple(title for _, title in stack if title))
    items: list[SourceItem] = []
    navigation = 0
    for item in parsed.items:
        if _is_navigation(item.text):
            navigation += 1
            continue
        if items and items[-1].kind == "bullet" and _FIELD_BULLET.match(item.text):
            items[-1] = _with_field_bullet(items[-1], item.text)
            continue
        path = paths[item.heading] if item.heading is not None else ()
        header = _table_header(parsed.lines, item.start) if item.kind == "row" else ()
        items.append(SourceItem(name, item.line_number, path, item.text, item.kind, header,
                                tuple(item.arxiv_ids), linked))
    return items, navigation


_FIELD_BULLET = re.compile(r"[-*+]\s+(?:Links?|Authors?|Code|Pub|Label|Summary|Comment|摘要)\s*[:：]",
                           re.IGNORECASE)


def _with_field_bullet(item: SourceItem, text: str) -> SourceItem:
    """``- Link: ..`` written flush left under a ``- Title`` bullet belongs to that bullet."""
    body = item.text + "".join(f"  {line}" for line in text.splitlines(keepends=True))
    if not body.endswith("\n"):
        body += "\n"
    return replace(item, text=body, arxiv_ids=tuple(dict.fromkeys(
        item.arxiv_ids + tuple(arxiv_ids.find_ids(text)))))


# -- small readers shared by the formats -------------------------------------------------------

_ACADEMIC_HOSTS = (
    "arxiv.org", "ar5iv", "openreview.net", "aclanthology.org", "aclweb.org", "neurips.cc",
    "nips.cc", "mlr.press", "dl.acm.org", "ieeexplore.ieee.org", "usenix.org", "mlsys.org",
    "jmlr.org", "thecvf.com", "ecva.net", "aaai.org", "springer.com", "sciencedirect.com",
    "semanticscholar.org", "paperswithcode.com", "icml.cc", "iclr.cc", "ijcai.org",
    "researchgate.net", "acm.org", "ieee.org",
)
_PAPER_LABEL = re.compile(r"(?i)^\W*(paper|pdf|url|html|arxiv|openreview|link)\W*$")
_CODE_LABEL = re.compile(r"(?i)^\W*(code|github|repo|project)\W*$")
_STAR_BADGE = re.compile(r"img\.shields\.io/github/stars/(?P<owner>[\w.-]+)/(?P<repo>[\w-]+(?:\.[\w-]+)*?)"
                         r"(?:\.svg)?(?=[?)\"'\s]|$)")
_PUBLISH_BADGE = re.compile(r"!\[Publish\]\(https://img\.shields\.io/badge/(?P<label>[^-)]+)-"
                            r"(?P<venue>[^)\"\s]+?)-[a-z]+\)", re.IGNORECASE)
_NOT_VENUES = {"arxiv", "preprint", "arxiv preprint", "corr", "github", "tech report"}
_RESOURCE_VENUES = {"blog", "website", "github", "tutorial", "video", "talk"}


def links(text: str) -> list[Link]:
    """The http(s) links of an item in order: markdown links (a badge inside the label is
    dropped from it) and bare URLs; images are not links."""
    text = _MD_IMAGE.sub("", _IMG_TAG.sub(" ", text))
    found: list[tuple[int, Link]] = []
    for match in _MD_LINK.finditer(text):
        found.append((match.start(), Link(match["label"].strip(" []"), match["url"])))
    masked = _MD_LINK.sub(lambda m: " " * len(m.group(0)), text)
    for match in _BARE_URL.finditer(masked):
        found.append((match.start(), Link("", match.group(0).rstrip(".,;:"))))
    return [link for _, link in sorted(found, key=lambda pair: pair[0])
            if link.url.lower().startswith(("http://", "https://"))]


def github_repo(url: str) -> str | None:
    """``https://github.com/OWNER/REPO`` (with a ``/tree/...`` path when given) for a link to a
    repository or to something inside it; None for anything else."""
    repo = urls.github_repo(url)
    return repo.url + repo.tree if repo else None


def code_url(text: str, item_links: list[Link]) -> str:
    """The item's code repository: a link labelled Code/Github, else any repository link, else
    the repository a GitHub star badge names."""
    labelled = [github_repo(link.url) for link in item_links if _CODE_LABEL.match(link.label)]
    anywhere = [github_repo(link.url) for link in item_links]
    for repo in (*labelled, *anywhere):
        if repo:
            return repo
    badge = _STAR_BADGE.search(text)
    badge_repo = urls.github_repo(f"https://github.com/{badge['owner']}/{badge['repo']}") if badge else None
    return badge_repo.url if badge_repo else ""


def badge_venue(text: str) -> tuple[str, int | None]:
    """The venue of a ``[![Publish](https://img.shields.io/badge/Conference-ICML'23-blue)]()``
    badge (``IEEE-TC'22`` gives ``IEEE TC 2022``)."""
    badge = _PUBLISH_BADGE.search(text)
    if not badge:
        return "", None
    label = unquote(badge["label"])
    message = unquote(badge["venue"])
    venue_text = message if label.lower() == "conference" else f"{label} {message}"
    venue, year, _ = parse_venue(venue_text)
    return venue, year


def is_paper_link(link: Link) -> bool:
    host = urlsplit(link.url).netloc.lower()
    return bool(_PAPER_LABEL.match(link.label) or any(h in host for h in _ACADEMIC_HOSTS)
                or urlsplit(link.url).path.lower().endswith(".pdf"))


def strip_markup(text: str) -> str:
    text = _IMG_TAG.sub(" ", text)
    text = _MD_IMAGE.sub(" ", text).replace("[]()", " ")
    text = _MD_LINK.sub(lambda m: m["label"], text)
    text = _HTML_TAG.sub(" ", text)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"\\([\\`*_\[\]()<>|#~!.-])", r"\1", text)  # markdown escapes
    return " ".join(text.replace("\xa0", " ").split())


def source_title(text: str) -> str:
    """A title as lists write it, without their decorations: emphasis, quotes, leading emoji,
    a ``[ShortName]`` prefix, an ``(@Lab)`` suffix, a doubled ``Name: Name:`` and a final period."""
    text = _unquote(strip_markup(text))
    text = re.sub(r"^[^\w\[(\"“$]+", "", text)
    text = re.sub(r"^\[[^\]]{1,40}\]\s*(?=\S.{10,})", "", text)
    text = re.sub(r"(?i)^code for paper:\s*", "", text)
    text = re.sub(r"\s*\(@[^)]*\)\s*$", "", text)
    text = re.sub(r"^(?P<name>[^:]{2,40}):\s*(?P=name):\s*", r"\g<name>: ", text)
    text = _unquote(re.sub(r"\s+:", ":", text)).rstrip(" .,;:")
    return " ".join(text.split())


def _unquote(text: str) -> str:
    """``"Title"`` -> ``Title``; a quote that opens a title's first phrase stays."""
    text = text.strip()
    if len(text) > 1 and text[0] in "\"“" and text[-1] in "\"”" and text.count('"') <= 2:
        return text[1:-1].strip()
    return text


def resource_title(text: str) -> str:
    """A web page's title without the site names lists copy along (``| Medium``, ``- YouTube``)."""
    text = source_title(text)
    while True:
        head, sep, tail = text.rpartition(" | ")
        if not sep or len(tail.split()) > 4 or len(head) < 8:
            break
        text = head
    return re.sub(r" - (?:YouTube|Medium|Microsoft Research|Lightning AI|ACL Anthology|Neural Magic)$",
                  "", text)


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Author names and whether the list was cut short ("et al.", "etc.")."""
    text = strip_markup(text).strip().rstrip(".")
    et_al = bool(re.search(r"(?i)\b(et al|etc)\.?\s*$", text))
    text = re.sub(r"(?i),?\s*\b(et al|etc)\.?\s*$", "", text)
    text = unicodedata.normalize("NFC", text)
    names = [re.sub(r"^(?:and|&)\s+", "", name.strip()) for name in re.split(r",|\band\b(?=\s+[A-Z])", text)]
    return tuple(name for name in names if name and len(name) < 60), et_al


_VENUE_YEAR = re.compile(r"(?P<name>.*?[A-Za-z)])\s*['’]?\s*(?P<yy>(?:19|20)\d\d|\d\d)(?P<rest>(?:\s.*)?)")


def parse_venue(text: str) -> tuple[str, int | None, bool]:
    """(venue, year, is_resource) from what lists write: ``ICML, 2023``, ``ICLR'22``,
    ``ACL'23 Industry Track``, ``ICML23 workshop``, ``arXiv 2024``, ``Blog, 2023``."""
    text = unquote(strip_markup(text)).strip(" .[]*")
    year: int | None = None
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if re.fullmatch(r"(?:19|20)\d\d", part):
            year = int(part)
            continue
        match = _VENUE_YEAR.fullmatch(part)
        if match:
            yy = int(match["yy"])
            year = yy if yy > 1900 else (2000 + yy if yy < 70 else 1900 + yy)
            part = f"{match['name']} {year}{match['rest']}"
        part = re.sub(r"['’]\d$", "", part).strip()
        if part and part.lower() not in _NOT_VENUES and not re.fullmatch(r"(?i)arxiv \d{4}", part):
            names.append(part)
    is_resource = any(name.lower() in _RESOURCE_VENUES for name in names)
    venue = ", ".join(names)
    if venue and year and str(year) not in venue:
        venue = f"{venue} {year}"
    return ("" if is_resource else venue), year, is_resource


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _italic_lines(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s+\S?\*([^*\n]{3,})\*", text, re.MULTILINE)]


# -- the formats -------------------------------------------------------------------------------

Extractor = Callable[[SourceItem, list[Link]], "list[Fields] | None"]

_GENERATED = re.compile(r"\s*(?:[-*+]\s+)?\*\*(?P<title>.+?)\*\*,\s*`(?P<tag>[^`]*)`", re.DOTALL)
_GENERATED_RESOURCE = re.compile(r"\s*[-*+]\s+\[\*\*(?P<name>[^*\]]+)\*\*\]\((?P<url>[^)\s]+)\)")


def _generated_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    if match := _GENERATED.match(item.text):
        tag = match["tag"]
        venue, year, _ = ("", None, False) if tag.lower().startswith("arxiv") else parse_venue(tag)
        authors = _italic_lines(item.text)
        names, et_al = split_authors(authors[0]) if authors else ((), False)
        return [Fields(source_title(match["title"]), authors=names, et_al=et_al, venue=venue,
                       year=year, url=_paper_url(item_links), code_url=code_url(item.text, item_links))]
    if match := _GENERATED_RESOURCE.match(item.text):
        description = _italic_lines(item.text)
        return [Fields(match["name"].strip(), url=match["url"], resource=True,
                       description=description[0] if description else "",
                       code_url=code_url(item.text, item_links))]
    return None


_INS = re.compile(r"\s*[-*+•]\s+(?P<title>.+?),?\s*(?:<ins>\s*(?P<venue>[^<\[]*?)|(?P<year>(?:19|20)\d\d))"
                  r"\s*<?/ins>", re.DOTALL)
_YEAR_END = r"(?P<year>(?:19|20)\d\d)(?:/ins>)?,?\s*(?:\[|$)"
_RENDERED = (  # "• Title, Venue, Year [Paper]", and the same with a comma or two missing
    re.compile(r"\s*[-*+•]\s+(?P<title>.+),\s*(?P<venue>[^,\[\n]+?),?\s+" + _YEAR_END),
    re.compile(r"\s*[-*+•]\s+(?P<title>.+?),?\s+(?P<venue>[A-Za-z][\w.-]*(?: [A-Z][\w.-]*)?),?\s+"
               + _YEAR_END),
)


def _survey_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    line = _first_line(item.text)
    match = _INS.match(item.text) or (None if "<br" in line else
                                       _RENDERED[0].match(line) or _RENDERED[1].match(line))
    if not match:
        return None
    venue_text = ", ".join(v for v in (match["venue"], match["year"]) if v)
    venue, year, resource = parse_venue(venue_text)
    return [Fields(source_title(match["title"]), venue=venue, year=year, url=_paper_url(item_links),
                   code_url=code_url(item.text, item_links), resource=resource)]


_QUOTED = re.compile(r"\s*[-*+]\s+[\"“](?P<title>[^\"”]{8,})[\"”],?\s*(?P<venue>[^\[]*)")


def _quoted_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _QUOTED.match(item.text)
    if not match:
        return None
    venue, year, resource = parse_venue(match["venue"])
    return [Fields(source_title(match["title"]), venue=venue, year=year, url=_paper_url(item_links),
                   code_url=code_url(item.text, item_links), resource=resource)]


_VENUE_TAG = re.compile(r"\s*[-*+]\s+(?P<title>[^\[]{8,}?)\s*(?:\*\[(?P<venue>[^\]]+)\]\*\s*)?\[\[")


def _venue_tag_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _VENUE_TAG.match(item.text)
    if not match or "<br>" in match["title"]:
        return None
    venue, year, resource = parse_venue(match["venue"] or "")
    title, _, description = match["title"].partition(": ")
    if not match["venue"] and not any(is_paper_link(link) for link in item_links):
        # "Name: what it is. [[Github]](..)": a tool
        return [Fields(title.strip(), url=_resource_url(item_links), description=description.strip(),
                       resource=True, code_url=code_url(item.text, item_links))]
    return [Fields(source_title(match["title"]), venue=venue, year=year, url=_paper_url(item_links),
                   code_url=code_url(item.text, item_links), resource=resource)]


_LINE_BREAK = re.compile(r"\s*[-*+]\s+(?P<title>[^<\[\n]{8,}?)\s*<br>\s*(?P<venue>[^\[\n]*?)\s*(?:\[|$)")


def _line_break_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _LINE_BREAK.match(item.text)
    if not match:
        return None
    venue, year, resource = parse_venue(match["venue"])
    return [Fields(source_title(match["title"]), venue=venue, year=year, url=_paper_url(item_links),
                   code_url=code_url(item.text, item_links), resource=resource)]


_NESTED_FIELD = re.compile(r"^\s+[-*+]\s+(?P<key>Links?|Authors?|Code|Pub|Paper|Venue):\s*(?P<value>.*)$",
                           re.MULTILINE | re.IGNORECASE)


def _nested_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    fields = {m["key"].lower().rstrip("s"): m["value"].strip() for m in _NESTED_FIELD.finditer(item.text)}
    if "link" not in fields and "paper" not in fields:
        return None
    title = re.sub(r"^\s*[-*+]\s+", "", _first_line(item.text))
    names, et_al = split_authors(fields.get("author", ""))
    venue, year, _ = parse_venue(fields.get("pub", fields.get("venue", "")))
    link_text = fields.get("link") or fields.get("paper", "")
    paper_links = links(link_text)
    repo = code_url(fields.get("code", ""), links(fields.get("code", "")))
    return [Fields(source_title(title), authors=names, et_al=et_al, venue=venue, year=year,
                   url=paper_links[0].url if paper_links else "", code_url=repo)]


_BADGES = r"(?:\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)\s*)*"
_LINK_BULLET = re.compile(rf"\s*(?:[-*+•]|\d+[.)])\s+(?P<prefix>[^\[\n]{{0,40}}?){_BADGES}"
                          r"\[(?P<title>(?:\\.|[^\]\\])+)\]\((?P<url>[^)\s]+)\)(?P<rest>[^\n]*)")


_SUB_LINK = re.compile(r"^\s+[-*+]\s+\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)", re.MULTILINE)


def _link_list_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    """``* Online Resources:`` over indented ``* [Title](url)`` bullets: one resource each."""
    if "](" in _first_line(item.text) or "Link:" in item.text:
        return None
    subs = _SUB_LINK.findall(item.text)
    if not subs:
        return None
    return [Fields(resource_title(title), url=url, resource=not arxiv_ids.find_ids(url))
            for title, url in subs]


def _link_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _LINK_BULLET.match(item.text)
    if not match or match["title"].startswith("!["):
        return None
    venue, year = badge_venue(item.text)
    rest = re.sub(r"\s*\[\[.*$", "", match["rest"]).strip(" .:-–")
    link = Link(match["title"], match["url"])
    if arxiv_ids.find_ids(match["url"]) or ((is_paper_link(link) or year) and "," in rest):
        names, et_al = split_authors(rest)
        return [Fields(source_title(match["title"]), authors=names, et_al=et_al, venue=venue,
                       year=year, url=match["url"], code_url=code_url(item.text, item_links))]
    prefix = match["prefix"].strip(" :-")
    description = strip_markup(rest) or prefix or " ".join(_italic_lines(item.text)[:1])
    return [Fields(source_title(match["title"]), url=match["url"], description=description,
                   resource=not is_paper_link(link), venue=venue, year=year,
                   code_url=code_url(item.text, item_links))]


def _table_row(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    if item.kind != "row":
        return None
    cells = table_cells(item.text)
    if len(cells) > 1 and all(c.strip() in "✅❌✔✖" for c in cells[1:] if c.strip()):
        return _framework_row(cells, item)
    column = _title_column(item.header, cells)
    if column is None:
        return None
    cell = cells[column]
    papers = [link for link in links(cell) if arxiv_ids.find_ids(link.url) and len(link.label.split()) >= 3]
    if len({arxiv_ids.find_ids(link.url)[0] for link in papers}) > 1:  # several papers in one cell
        return [Fields(source_title(link.label), arxiv_id=arxiv_ids.find_ids(link.url)[0], url=link.url)
                for link in papers]
    fields = _title_cell_fields(cell, item, item_links)
    if fields.year is None and (year := _date_column_year(item.header, cells)):
        fields = replace(fields, year=year)
    return [fields]


def _date_column_year(header: tuple[str, ...], cells: list[str]) -> int | None:
    """The year of a ``Date`` column (``2024.05``)."""
    for index, name in enumerate(header):
        if name in ("date", "year") and index < len(cells):
            match = re.match(r"\s*((?:19|20)\d\d)\b", cells[index])
            return int(match.group(1)) if match else None
    return None


def _title_column(header: tuple[str, ...], cells: list[str]) -> int | None:
    for wanted in ("title", "paper", "model", "name"):
        for index, name in enumerate(header):
            if wanted in name and index < len(cells):
                return index
    for index, cell in enumerate(cells):  # no header: the first cell with a long text
        if len(strip_markup(cell)) >= 20:
            return index
    return None


def _title_cell_fields(cell: str, item: SourceItem, item_links: list[Link]) -> Fields:
    """A cell like ``[badges] <br> [Title](url) <br> Authors`` or ``🔥[**Short**] Title``."""
    parts = [p for p in re.split(r"<br\s*/?>|</br>", cell, flags=re.IGNORECASE) if strip_markup(p)]
    title_index = next((i for i, p in enumerate(parts)
                        if any(link.label for link in links(p))), 0)
    title_part = parts[title_index] if parts else cell
    title_link = next(iter(links(title_part)), None)
    authors = parts[title_index + 1] if title_index + 1 < len(parts) else ""
    names, et_al = split_authors(authors) if "," in authors else ((), False)
    venue, year = badge_venue(item.text)
    url = title_link.url if title_link and is_paper_link(title_link) else _paper_url(item_links)
    return Fields(source_title(title_part), authors=names, et_al=et_al, venue=venue, year=year,
                  url=url, code_url=code_url(item.text, item_links))


def _framework_row(cells: list[str], item: SourceItem) -> list[Fields] | None:
    """``| DeepSpeed [[Code](..)] | ✅ | ❌ |`` under a header naming what each column means."""
    name = re.sub(r"\[.*$", "", strip_markup(cells[0])).strip() or strip_markup(cells[0])
    repo_links = links(cells[0])
    if not repo_links:
        return None
    good = [item.header[i + 1] for i, c in enumerate(cells[1:]) if "✅" in c and i + 1 < len(item.header)]
    description = ("Framework for " + ", ".join(g.lower() for g in good)) if good else ""
    return [Fields(name, url=github_repo(repo_links[0].url) or repo_links[0].url,
                   description=description, resource=True)]


def _plain_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    """Last resort: the title ``bot.core.catalog`` guesses, with whatever links the item has."""
    title = source_title(re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", _first_line(item.text)))
    title = re.split(r"\s*\[\[|\s+\[(?:Paper|Code|pdf)\]", title)[0]
    # ", arXiv, ICML" or ", 2024" after the title
    title = re.sub(r"(?:,\s*(?:(?:19|20)\d\d|arXiv|[A-Z][\w-]*(?: [A-Z][\w-]*)?))+\s*$", "", title)
    if len(title) < 8:
        return None
    return [Fields(title, url=_paper_url(item_links), code_url=code_url(item.text, item_links))]


EXTRACTORS: tuple[Extractor, ...] = (
    _table_row, _generated_bullet, _nested_bullet, _line_break_bullet, _survey_bullet,
    _quoted_bullet, _venue_tag_bullet, _link_list_bullet, _link_bullet, _plain_bullet,
)


def _paper_url(item_links: list[Link]) -> str:
    for link in item_links:
        if arxiv_ids.find_ids(link.url):
            return link.url
    for link in item_links:
        if is_paper_link(link) and not github_repo(link.url):
            return link.url
    return ""


def _resource_url(item_links: list[Link]) -> str:
    return item_links[0].url if item_links else ""


# -- from fields to a paper or resource ---------------------------------------------------------


def extract(item: SourceItem) -> list[Fields] | Unreadable:
    """The papers or resources an item describes, with an arXiv id when it has one; or why it
    cannot be read."""
    item_links = links(item.text)
    for extractor in EXTRACTORS:
        found = extractor(item, item_links)
        if found:
            break
    else:
        return Unreadable("no title found")
    results = [_classify(fields, item, item_links) for fields in found if _WORD.search(fields.title)]
    if not results:
        return Unreadable("no title found")
    problems = [r for r in results if isinstance(r, Unreadable)]
    if problems:
        return problems[0]
    return [r for r in results if isinstance(r, Fields)]


def _classify(fields: Fields, item: SourceItem, item_links: list[Link]) -> Fields | Unreadable:
    if fields.arxiv_id or not item.linked:  # rendered text: only the title is usable
        return fields
    ids = list(item.arxiv_ids)
    if len(ids) > 1:
        return Unreadable(f"several arXiv ids ({', '.join(ids)}) and no title for each", fields.title)
    if ids and not fields.resource:
        return replace(fields, arxiv_id=ids[0])
    if fields.resource or (not fields.url and item_links):
        return _as_resource(fields, item_links)
    if not fields.url:
        return Unreadable("no link and no arXiv id", fields.title)
    if "arxiv.org/" in fields.url.lower():
        return Unreadable(f"an arXiv link without a valid id ({fields.url})", fields.title)
    if fields.year is None:
        return Unreadable("a paper link without arXiv id or year", fields.title)
    return replace(fields, url=absolute_url(fields.url))


def _as_resource(fields: Fields, item_links: list[Link]) -> Fields:
    url = absolute_url(fields.url or _resource_url(item_links))
    title, description = resource_title(fields.title), fields.description
    name, colon, rest = title.partition(": ")
    if colon and len(name) <= 30 and not description and not _title_cased(rest):
        # "MNN: A lightweight inference engine", not "REST: Retrieval-Based Speculative Decoding"
        title, description = name, rest
    return replace(fields, title=title, description=description, url=github_repo(url) or url,
                   resource=True, venue="", year=None, authors=(), et_al=False)


def _title_cased(text: str) -> bool:
    words = [w for w in text.split() if len(w) > 3]
    return bool(words) and sum(w[:1].isupper() for w in words) / len(words) >= 0.6


def absolute_url(url: str) -> str:
    url = url.strip()
    return url if re.match(r"(?i)https?://", url) else f"https://{url.lstrip('/')}"
