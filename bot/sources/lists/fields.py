"""Small readers shared by the list formats: links, code links, venues, titles, authors."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from bot.core import arxiv_ids, urls
from bot.sources.lists.items import _BARE_URL, _HTML_TAG, _IMG_TAG, _MD_IMAGE, _MD_LINK, Link

# -- small readers shared by the formats -------------------------------------------------------

_ACADEMIC_HOSTS = (
    "arxiv.org",
    "ar5iv",
    "openreview.net",
    "aclanthology.org",
    "aclweb.org",
    "neurips.cc",
    "nips.cc",
    "mlr.press",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "usenix.org",
    "mlsys.org",
    "jmlr.org",
    "thecvf.com",
    "ecva.net",
    "aaai.org",
    "springer.com",
    "sciencedirect.com",
    "semanticscholar.org",
    "paperswithcode.com",
    "icml.cc",
    "iclr.cc",
    "ijcai.org",
    "researchgate.net",
    "acm.org",
    "ieee.org",
)
_PAPER_LABEL = re.compile(r"(?i)^\W*(paper|pdf|url|html|arxiv|openreview|link)\W*$")
_CODE_LABEL = re.compile(r"(?i)^\W*(code|github|repo|project)\W*$")
_STAR_BADGE = re.compile(
    r"img\.shields\.io/github/stars/(?P<owner>[\w.-]+)/(?P<repo>[\w-]+(?:\.[\w-]+)*?)"
    r"(?:\.svg)?(?=[?)\"'\s]|$)"
)
_PUBLISH_BADGE = re.compile(
    r"!\[Publish\]\(https://img\.shields\.io/badge/(?P<label>[^-)]+)-"
    r"(?P<venue>[^)\"\s]+?)-[a-z]+\)",
    re.IGNORECASE,
)
_NOT_VENUES = {"arxiv", "preprint", "arxiv preprint", "corr", "github", "tech report"}
# What lists write in a venue field that has no venue ("- Pub: None", "N/A", "-"): no venue at all.
_EMPTY_VENUES = {"none", "null", "nan", "n/a", "na", "n.a", "-", "–", "—", "?", "tbd", "tba", "unknown"}
# a venue field that says the paper has none yet ("Pub: Under Review", "ICLR Under review",
# "Submitted to NeurIPS"): no venue, not one named "Under Review" on the catalog line and the site
_NOT_YET = re.compile(r"(?i)\bunder[ -]review\b|\bin submission\b|\bsubmitted\b")
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
    return [
        link
        for _, link in sorted(found, key=lambda pair: pair[0])
        if link.url.lower().startswith(("http://", "https://"))
    ]


# a link into a repository, as the repository's link (bot.sources.lists gives it under this name)
github_repo = urls.github_repo_url


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
    parts = urls.split_url(link.url)  # None: a "[" in the host
    host = parts.netloc.lower() if parts else ""
    return bool(
        _PAPER_LABEL.match(link.label)
        or any(h in host for h in _ACADEMIC_HOSTS)
        or (parts is not None and parts.path.lower().endswith(".pdf"))
    )


def paper_url(item_links: list[Link]) -> str:
    """An item's paper link: its arXiv link, else the first paper link that is no repository."""
    for link in item_links:
        if arxiv_ids.find_ids(link.url):
            return link.url
    for link in item_links:
        if is_paper_link(link) and not github_repo(link.url):
            return link.url
    return ""


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
    if len(text) > 1 and text[0] in '"“' and text[-1] in '"”' and text.count('"') <= 2:
        return text[1:-1].strip()
    return text


# what a link's title says it is, in parentheses after it: "MoE Explained(Blog)", "Tutorial (PPT)"
KIND_TAG = re.compile(
    r"\s*[(\[](?:blog|video|ppt|pptx|slides?|repo|tutorial|talk|course|podcast)[)\]]$", re.IGNORECASE
)


def resource_title(text: str) -> str:
    """A web page's title without the site names lists copy along (``| Medium``, ``- YouTube``)."""
    text = source_title(text)
    while True:
        head, sep, tail = text.rpartition(" | ")
        if not sep or len(tail.split()) > 4 or len(head) < 8:
            break
        text = head
    return re.sub(
        r" - (?:YouTube|Medium|Microsoft Research|Lightning AI|ACL Anthology|Neural Magic)$", "", text
    )


_MARKS = re.compile(r"\s*[*†‡§¶]+$")  # an author's footnote marks


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Author names and whether the list was cut short ("et al.", "etc.")."""
    text = strip_markup(text).strip().rstrip(".")
    et_al = bool(re.search(r"(?i)\b(et al|etc)\.?\s*$", text))
    text = re.sub(r"(?i),?\s*\b(et al|etc)\.?\s*$", "", text)
    text = unicodedata.normalize("NFC", text)
    names = [re.sub(r"^(?:and|&)\s+", "", name.strip()) for name in re.split(r",|\band\b(?=\s+[A-Z])", text)]
    names = [_MARKS.sub("", name) for name in names]  # "Barret Zoph*", "Irwan Bello*†": equal contribution
    # "arXiv preprint" or "Tech Report" where a list writes the venue of a paper has none
    return tuple(name for name in names if name and len(name) < 60 and name.lower() not in _NOT_VENUES), et_al


def drop_links_of_no_one(text: str) -> str:
    """What follows a link bullet's title, before its authors are read: a link that names no
    person is dropped (``[Octopus v3](..), [Talkback with Gemini Nano](..)``: another page, or
    another paper's arXiv link); an author linked to a homepage (``[Rex Ying](..)``) stays."""

    def named(match: re.Match[str]) -> str:
        person = _are_names(match["label"]) and not arxiv_ids.find_ids(match["url"])
        return match["label"] if person else " "

    return _MD_LINK.sub(named, text)


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
        if (
            part
            and part.lower() not in _NOT_VENUES | _EMPTY_VENUES
            and not re.fullmatch(r"(?i)arxiv \d{4}", part)
            and not _NOT_YET.search(part)
        ):
            names.append(part)
    is_resource = any(name.lower() in _RESOURCE_VENUES for name in names)
    venue = ", ".join(names)
    if venue and year and str(year) not in venue:
        venue = f"{venue} {year}"
    return ("" if is_resource else venue), year, is_resource


# a link or an image: no venue in it; a badge's link too (``[![Stars](shields.io/..)](github)``,
# whose image's "]" ended the link's text, its "](github)" then read as the last author's)
MARKUP_LINK = re.compile(r"!?\[(?:!\[[^\]]*\]\([^)]*\)|[^\]])*+\]\([^)]*\)")

# what follows a link bullet's title ends with its venue and year: "Mahler et al., RSS 2017",
# "- CVPR 2020", "(ICRA 2021)", "Chen et al., 2023." (a venue is a few capitalised words, or a
# preprint's "arXiv 2017": its year, no venue)
_VENUE_WORD = r"(?:[A-Z]|arXiv\b)[\w&.+'’/-]*"
_REST_VENUE = re.compile(
    rf"(?:^|[,;(]\s*)[*_]{{0,2}}(?P<venue>{_VENUE_WORD}(?:\s+(?:{_VENUE_WORD}|and|of|on|in|&))*?)?"
    r"[,\s]*['’]?(?P<year>(?:19|20)\d\d)[*_]{0,2}\)?[\s.]*$"
)


def venue_at_end(rest: str) -> tuple[str, str, int | None]:
    """(what comes before, venue, year) of a link bullet's text after its title."""
    start, match = _after_names(rest)
    if not match:
        match = _REST_VENUE.search(rest)
        start = match.start() if match else 0
    if not match:
        return rest, "", None
    venue, year, _ = parse_venue(f"{match['venue'] or ''} {match['year']}")
    return rest[:start].strip(" ,;:-–"), venue, year or int(match["year"])  # "J. Mach. Learn. Res. 2023"


# the words of a name besides capitalised ones: "Andreas ten Pas", "Guido van Rossum"
_NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "del",
        "della",
        "da",
        "di",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "dos",
        "bin",
        "al",
    ]
)


def _after_names(rest: str) -> tuple[int, re.Match[str] | None]:
    """The venue of "Thomas N. Kipf, Max Welling. ICLR 2017" or "Felix Wu et al. ICML 2019":
    a sentence of names, then one of a venue and year (the venue's words would otherwise take
    the last author, or, with no comma before them, be taken for one). Where the names end, and
    the venue's match."""
    for stop in re.finditer(r"\.\s+", rest):
        head = rest[: stop.start()]
        if len(head.split()[-1] if head.split() else "") < 2 or not _are_names(head):
            continue  # "Thomas N. Kipf": an initial's stop ends no sentence
        match = _REST_VENUE.match(rest[stop.end() :])
        if match:
            return stop.start(), match
    return 0, None


def are_authors(text: str) -> bool:
    """Whether ``text`` is a list of authors (``Cy Wu, Ann Lee``, ``Wu et al.``), not a title's
    next words: names, one of them of two words at least, or cut short with "et al"."""
    text = text.strip(" .")
    return _are_names(text) and (
        bool(re.search(r"\bet al$", text)) or any(len(n.split()) > 1 for n in re.split(r",|\band\b|&", text))
    )


def _are_names(text: str) -> bool:
    text = re.sub(r"\s*\bet al$", "", text.strip())
    names = [n.strip() for n in re.split(r",|\band\b|&", text)]
    return all(
        name
        and len(name.split()) <= 5
        and all(word[0].isupper() or word in _NAME_PARTICLES for word in name.split())
        for name in names
    )


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _italic_lines(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s+\S?\*([^*\n]{3,})\*", text, re.MULTILINE)]
