"""The list formats found in the wild: one small extractor each; the first that recognises an item wins."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core import arxiv_ids
from bot.core.entry import SEPARATOR, parse_entry, render_entry
from bot.core.list_items import Fields, SourceItem
from bot.sources.lists.fields import (
    MARKUP_LINK,
    _first_line,
    _italic_lines,
    are_authors,
    badge_venue,
    code_url,
    drop_links_of_no_one,
    github_repo,
    is_paper_link,
    links,
    paper_url,
    parse_venue,
    resource_title,
    source_title,
    split_authors,
    strip_markup,
    venue_at_end,
)
from bot.sources.lists.items import URL_IN_PARENS, Link
from bot.sources.lists.table_rows import table_row

# -- the formats -------------------------------------------------------------------------------

Extractor = Callable[[SourceItem, list[Link]], "list[Fields] | None"]


def is_catalog_line(item: SourceItem) -> bool:
    """Whether an item is a line of the bot's own format (``_catalog_line`` reads it)."""
    return _catalog_line(item, links(item.text)) is not None


def _catalog_line(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    """The bot's own one-line format (a list the bot keeps, read again), read back whole by
    ``parse_entry``: a paper (its `` · `` parts say so), or a tool or page as the bot writes one,
    with its description. A hand-written ``- [Title](url)`` or ``- [Title](url) - text`` is left
    to the link bullets (a page title's site name, a paper's authors after its link)."""
    lines = item.text.strip("\n").splitlines()
    line = lines[0].strip(" \t") if len(lines) == 1 else ""
    entry = parse_entry(line) if line else None
    if entry is None:
        return None
    if entry.kind == "resource" and (not entry.description or render_entry(entry) != line):
        return None
    if SEPARATOR not in line and any(not fields.resource for fields in _link_bullet(item, item_links) or ()):
        return None  # "- [Title](paper link) - Authors, Venue Year": a hand-written paper
    return [
        Fields(
            entry.title,
            arxiv_id=entry.arxiv_id,
            authors=entry.authors,
            et_al=entry.et_al,
            venue=entry.venue,
            year=entry.year,
            month=entry.month,
            url=entry.url,
            code_url=entry.code_url,
            description=entry.description,
            resource=entry.kind == "resource",
            stars=entry.stars,
            archived=entry.archived,
            withdrawn=entry.withdrawn,
            catalog_line=True,
        )
    ]


_GENERATED = re.compile(r"\s*(?:[-*+]\s+)?\*\*(?P<title>.+?)\*\*,\s*`(?P<tag>[^`]*)`", re.DOTALL)
_GENERATED_RESOURCE = re.compile(r"\s*[-*+]\s+\[\*\*(?P<name>[^*\]]+)\*\*\]\((?P<url>[^)\s]+)\)")


def _generated_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    if match := _GENERATED.match(item.text):
        tag = match["tag"]
        venue, year, _ = ("", None, False) if tag.lower().startswith("arxiv") else parse_venue(tag)
        authors = _italic_lines(item.text)
        names, et_al = split_authors(authors[0]) if authors else ((), False)
        return [
            Fields(
                source_title(match["title"]),
                authors=names,
                et_al=et_al,
                venue=venue,
                year=year,
                url=paper_url(item_links),
                code_url=code_url(item.text, item_links),
            )
        ]
    if match := _GENERATED_RESOURCE.match(item.text):
        description = _italic_lines(item.text)
        return [
            Fields(
                match["name"].strip(),
                url=match["url"],
                resource=True,
                description=description[0] if description else "",
                code_url=code_url(item.text, item_links),
            )
        ]
    return None


_INS = re.compile(
    r"\s*[-*+•]\s+(?P<title>.+?),?\s*(?:<ins>\s*(?P<venue>[^<\[]*?)|(?P<year>(?:19|20)\d\d))"
    r"\s*<?/ins>",
    re.DOTALL,
)
# a link's text, with one level of brackets inside it: "[Md [v2] title](url)", "[[Mamba] Title](url)"
LINK_TEXT = r"(?:\\.|\[(?:\\.|[^\[\]\\])*\]|[^\[\]\\])+"
_LEADING_LINK = re.compile(
    rf"\s*(?:[-*+•]|\d+[.)])\s+(?:\*\*|__|[*_])?\[{LINK_TEXT}\]\("
)  # "**[Title](url)**" too
# "**Title**, Authors, Venue Year", "**[AWQ] Title**. Authors.": the bold marks end the title
_BOLD_LEAD = re.compile(r"\s*(?:[-*+•]|\d+[.)])\s+\*\*[^*\n]{8,}?\*\*[ \t]*[^\s\[]")
_YEAR_END = r"(?P<year>(?:19|20)\d\d)(?:/ins>)?,?\s*(?:\[|$)"
_RENDERED = (  # "• Title, Venue, Year [Paper]", and the same with a comma or two missing
    re.compile(r"\s*[-*+•]\s+(?P<title>.+),\s*(?P<venue>[^,\[\n]+?),?\s+" + _YEAR_END),
    re.compile(
        r"\s*[-*+•]\s+(?P<title>.+?),?\s+(?P<venue>[A-Za-z][\w.-]*(?: [A-Z][\w.-]*)?),?\s+" + _YEAR_END
    ),
)


def _survey_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    line = _first_line(item.text)
    # "- [Title](url) - Authors, RSS 2017" is a link bullet: as "Title, Venue, Year" its title
    # would be "Title - Authors"
    rendered = "<br" not in line and not _LEADING_LINK.match(line) and not _BOLD_LEAD.match(line)
    match = _INS.match(item.text) or (
        _RENDERED[0].match(line) or _RENDERED[1].match(line) if rendered else None
    )
    if not match:
        return None
    venue_text = ", ".join(v for v in (match["venue"], match["year"]) if v)
    return _paper(match["title"], venue_text, item, item_links)


_QUOTED = re.compile(r"\s*[-*+]\s+[\"“](?P<title>[^\"”]{8,})[\"”],?\s*(?P<venue>[^\[]*)")


def _quoted_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _QUOTED.match(item.text)
    if not match:
        return None
    return _paper(match["title"], match["venue"], item, item_links)


_VENUE_TAG = re.compile(r"\s*[-*+]\s+(?P<title>[^\[]{8,}?)\s*(?:\*\[(?P<venue>[^\]]+)\]\*\s*)?\[\[")


def _venue_tag_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _VENUE_TAG.match(item.text)
    if not match or "<br>" in match["title"]:
        return None
    if (bold := re.match(r"\*\*[^*]+\*\*(?P<after>.*)", match["title"])) and bold["after"].strip(" .,:;-–"):
        return None  # "**Title**. Authors. [[Paper]](..)": a bold title (``_plain_bullet``)
    title, _, description = match["title"].partition(": ")
    if not match["venue"] and not any(is_paper_link(link) for link in item_links):
        # "Name: what it is. [[Github]](..)": a tool
        return [
            Fields(
                title.strip(),
                url=resource_url(item_links),
                description=description.strip(),
                resource=True,
                code_url=code_url(item.text, item_links),
            )
        ]
    return _paper(match["title"], match["venue"] or "", item, item_links)


_LINE_BREAK = re.compile(r"\s*[-*+]\s+(?P<title>[^<\[\n]{8,}?)\s*<br>\s*(?P<venue>[^\[\n]*?)\s*(?:\[|$)")


def _line_break_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _LINE_BREAK.match(item.text)
    if not match:
        return None
    return _paper(match["title"], match["venue"], item, item_links)


_NESTED_FIELD = re.compile(
    r"^\s+[-*+]\s+(?P<key>Links?|Authors?|Code|Pub|Paper|Venue):\s*(?P<value>.*)$",
    re.MULTILINE | re.IGNORECASE,
)


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
    return [
        Fields(
            source_title(title),
            authors=names,
            et_al=et_al,
            venue=venue,
            year=year,
            url=paper_links[0].url if paper_links else "",
            code_url=repo,
        )
    ]


_BADGES = r"(?:\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)\s*)*"
_LINK_BULLET = re.compile(
    rf"\s*(?:[-*+•]|\d+[.)])\s+(?P<prefix>[^\[\n]{{0,40}}?){_BADGES}"
    rf"\[(?P<title>{LINK_TEXT})\]\((?P<url>{URL_IN_PARENS})\)(?P<rest>[^\n]*)"
)


_EMPHASIS_ONLY = re.compile(r"[*_]+")

_SUB_LINK = re.compile(rf"^\s+[-*+]\s+\[(?P<title>[^\]]+)\]\((?P<url>{URL_IN_PARENS})\)", re.MULTILINE)


def _link_list_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    """``* Online Resources:`` over indented ``* [Title](url)`` bullets: one resource each."""
    if "](" in _first_line(item.text) or "Link:" in item.text:
        return None
    subs = _SUB_LINK.findall(item.text)
    if not subs:
        return None
    return [
        Fields(resource_title(title), url=url, resource=not arxiv_ids.find_ids(url)) for title, url in subs
    ]


# a link (or a badge) named for what it points to, not for a person: no author's name
_NAMED_LINK = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\[(?i:code|paper|pdf|arxiv|github|project(?: page)?|website|link|url|html"
    r"|slides|video|blog|demo|dataset|model|poster|talk)\]\([^)]*\)"
)


def _link_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    match = _LINK_BULLET.match(item.text)
    if not match or match["title"].startswith("!["):
        return None
    venue, year = badge_venue(item.text)
    rest, prefix = match["rest"], match["prefix"].strip(" :-")
    if _EMPHASIS_ONLY.fullmatch(prefix):  # "**[Title](url)** - Authors": the marks wrap the title
        rest, prefix = re.sub(r"^[*_]+", "", rest), ""
    rest = re.sub(r"\s*\[\[.*$", "", rest).strip(" .,:-–")
    link = Link(match["title"], match["url"])
    before, rest_venue, rest_year = venue_at_end(MARKUP_LINK.sub(" ", rest).strip(" .,:-–"))
    dated = bool(rest_year and (rest_venue or is_paper_link(link)) and not github_repo(link.url))
    if dated:  # "Authors, Venue Year": the authors are what comes before
        rest = before
        venue, year = (venue, year) if year else (rest_venue, rest_year)
    if arxiv_ids.find_ids(match["url"]) or ((is_paper_link(link) or year) and ("," in rest or dated)):
        names, et_al = split_authors(drop_links_of_no_one(_NAMED_LINK.sub(" ", rest)))  # no author "code"
        return [
            Fields(
                source_title(match["title"]),
                authors=names,
                et_al=et_al,
                venue=venue,
                year=year,
                url=match["url"],
                code_url=code_url(item.text, item_links),
            )
        ]
    description = strip_markup(rest) or prefix or " ".join(_italic_lines(item.text)[:1])
    return [
        Fields(
            source_title(match["title"]),
            url=match["url"],
            description=description,
            resource=not is_paper_link(link),
            venue=venue,
            year=year,
            code_url=code_url(item.text, item_links),
        )
    ]


_LEAD_TAG = re.compile(r"\[(?P<tag>[^\[\]]{2,40})\]\s*(?!\()")  # "[NeurIPS 2023] Title"
_BOLD_TITLE = re.compile(r"\*\*(?P<title>[^*]{8,}?)\*\*(?P<rest>(?:[,.:]|\s+[-–(\[]|\s*$).*)")
_BOLD_THEN_NAMES = re.compile(
    r"\*\*(?P<title>[^*]{8,}?)\*\*(?P<rest>\s+[^.\[]+)"
)  # "**Title** Cy Wu, Ann Lee."
# where a title stops: "[[Paper](..)]", or " [paper]" once the link is text (any case)
_AFTER_TITLE = re.compile(r"\s*\[\[|\s+\[(?i:paper|code|pdf|arxiv|github|project|link|url|html)\]")
# the paper's id or address written after its title, as text: "arXiv:2309.06180", "(arXiv
# 2205.14135)", ", https://arxiv.org/pdf/2310.01889.pdf" (the id is read from it all the same)
_REFERENCE = re.compile(
    r"[\s,.;:]*[(\[<]?\s*(?:arxiv\s*[:.]?\s*(?:abs/)?\d{4}\.\d{4,5}(?:v\d+)?|https?://\S+|(?:www\.)?arxiv\.org/\S+)[)\]>]?",
    re.IGNORECASE,
)
_VENUES_AFTER = re.compile(r"(?:,\s*(?:(?:19|20)\d\d|arXiv|[A-Z][\w-]*(?: [A-Z][\w-]*)?))+\s*$")


def _plain_bullet(item: SourceItem, item_links: list[Link]) -> list[Fields] | None:
    """Last resort: the title ``bot.core.catalog_parse`` guesses, with whatever links the item has;
    a ``[Venue Year]`` tag before it, or ``**Title**, Authors, *Venue Year*``, give the venue."""
    line = re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", _first_line(item.text))
    venue, year, et_al = "", None, False
    names: tuple[str, ...] = ()
    if (tag := _LEAD_TAG.match(line)) and (tagged := parse_venue(tag["tag"]))[1]:
        venue, year = tagged[0], tagged[1]
        line = line[tag.end() :]
    bold = _BOLD_TITLE.match(line) or _BOLD_THEN_NAMES.match(line)
    rest = MARKUP_LINK.sub(" ", re.split(r"\s*\[\[", bold["rest"])[0]).strip(" .,:-–") if bold else ""
    several = bool(
        re.search(r",|\band\b|&|\bet al\b", rest)
    )  # not "**Efficient Attention** Mechanisms For.."
    if bold and (bold.re is _BOLD_TITLE or (several and are_authors(rest))):
        title = source_title(bold["title"])
        before, rest_venue, rest_year = venue_at_end(rest)
        if rest_year:  # "Authors, Venue Year"
            names, et_al = split_authors(before)
            venue, year = (venue, year) if year else (rest_venue, rest_year)
        elif are_authors(rest):  # "**Title**. Authors." with no venue
            names, et_al = split_authors(rest)
    else:
        title = _AFTER_TITLE.split(source_title(line))[0]
        if (ref := _REFERENCE.search(title)) and ref.start() >= 8:  # "Title. arXiv:2309.06180"
            title, after_ref = title[: ref.start()], title[ref.end() :].strip(" .,;:()[]")
            if not year and (dated := venue_at_end(after_ref))[2]:  # "... (NeurIPS 2023)"
                venue, year = dated[1], dated[2]
        if after := _VENUES_AFTER.search(title):  # ", arXiv, ICML" or ", 2024" after the title
            title = title[: after.start()]
            if not year and (named := parse_venue(after[0].strip(" ,")))[1]:
                venue, year = named[0], named[1]
    if len(title) < 8:
        return None
    return [
        Fields(
            title,
            authors=names,
            et_al=et_al,
            venue=venue,
            year=year,
            url=paper_url(item_links),
            code_url=code_url(item.text, item_links),
        )
    ]


EXTRACTORS: tuple[Extractor, ...] = (
    _catalog_line,
    table_row,
    _generated_bullet,
    _nested_bullet,
    _line_break_bullet,
    _survey_bullet,
    _quoted_bullet,
    _venue_tag_bullet,
    _link_list_bullet,
    _link_bullet,
    _plain_bullet,
)


def _paper(title: str, venue_text: str, item: SourceItem, item_links: list[Link]) -> list[Fields]:
    """One paper: its title as the source writes it, and the venue and year ``venue_text`` names."""
    venue, year, resource = parse_venue(venue_text)
    return [
        Fields(
            source_title(title),
            venue=venue,
            year=year,
            url=paper_url(item_links),
            code_url=code_url(item.text, item_links),
            resource=resource,
        )
    ]


def resource_url(item_links: list[Link]) -> str:
    return item_links[0].url if item_links else ""
