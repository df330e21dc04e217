"""arXiv identifiers: find them in any text, normalise them, order them.

Handles new-style ids (``2405.00732``, ``0704.0001``), old-style ids (``cs/0112017``,
``math.GT/0309136``), versions (``v2``), and the forms real lists use: abs/pdf/html links
(also on ar5iv.org and huggingface.co/papers), ``arXiv:2405.00732``, `` `arXiv, 2405.00732` ``,
``arXiv 2405.00732`` and DOIs (``10.48550/arXiv.2405.00732``).
"""

from __future__ import annotations

import re

NEW_ID = r"[0-9]{4}\.[0-9]{4,5}"  # ASCII digits only: \d also matches "٢٤٠٥"
OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/[0-9]{7}"
_ID = rf"(?P<id>{NEW_ID}|{OLD_ID})(?P<version>v[0-9]+)?"

# Links to arxiv.org (any subdomain, any scheme) and the prefixed forms of real lists.
_URL_RE = re.compile(
    rf"(?:(?:arxiv|ar5iv)\.org/(?:abs|pdf|html|ps|format)|huggingface\.co/papers)/{_ID}(?![\d])",
    re.IGNORECASE,
)
# arXiv:ID, `arXiv, ID`, arXiv ID, and arXiv's DOIs (10.48550/arXiv.ID)
_PREFIXED_RE = re.compile(rf"\barxiv\s*[:,.]?\s*{_ID}(?![\d])", re.IGNORECASE)
_BARE_RE = re.compile(rf"^\s*{_ID}\s*$")
_ALL_ID_RE = re.compile(rf"(?:{NEW_ID}|{OLD_ID})")  # fullmatch: "$" lets a line end through


def normalize(arxiv_id: str) -> str:
    """Strip a version suffix: ``2405.00732v2`` -> ``2405.00732``."""
    return re.sub(r"v\d+$", "", arxiv_id.strip())


def canonical(arxiv_id: str) -> str:
    """The id as arXiv itself gives it: an old-style id without its subject class
    (``math.GT/0309136`` -> ``math/0309136``, as arXiv's metadata lists it); others unchanged."""
    return re.sub(r"^([a-z][a-z\-]*)\.[A-Z]{2}/", r"\1/", arxiv_id)


def is_valid(arxiv_id: str) -> bool:
    """True for a well-formed id without version (new style with a real month, or old style)."""
    if not _ALL_ID_RE.fullmatch(arxiv_id):
        return False
    if "/" in arxiv_id:
        return True
    yymm, number = arxiv_id.split(".")
    if not 1 <= int(yymm[2:]) <= 12 or yymm < "0704":
        return False
    # four-digit numbers until December 2014, five from January 2015 on
    return len(number) == (5 if yymm >= "1501" else 4)


def find_ids(text: str) -> list[str]:
    """All arXiv ids mentioned in links or ``arXiv:``-style prefixes, in order, without
    versions and without repeats."""
    found: list[tuple[int, str]] = []
    for regex in (_URL_RE, _PREFIXED_RE):
        found.extend((m.start(), normalize(m.group("id"))) for m in regex.finditer(text))
    seen: dict[str, None] = {}
    for _, arxiv_id in sorted(found):
        if is_valid(arxiv_id):
            seen.setdefault(arxiv_id, None)
    return list(seen)


def parse_user_id(token: str) -> str | None:
    """An id as a person types it: bare (``2405.00732v2``), prefixed, or any arXiv URL.
    Returns the id without version, or None when the token is no arXiv id."""
    token = token.strip().strip("<>()[].,;:!?\"'`*_")
    bare = _BARE_RE.match(token)
    if bare and is_valid(bare.group("id")):
        return bare.group("id")
    ids = find_ids(token)
    return ids[0] if ids else None


def sort_key(arxiv_id: str | None) -> tuple[int, int, int]:
    """Chronological key (year, month, number); ids sort newest-last, None sorts first."""
    if not arxiv_id:
        return (0, 0, 0)
    arxiv_id = normalize(arxiv_id)
    digits = arxiv_id.split("/")[-1] if "/" in arxiv_id else arxiv_id.replace(".", "")
    yy, mm, number = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return (year, mm, number)


def month_year(arxiv_id: str) -> tuple[int, int]:
    """The (year, month) of first submission that an id encodes."""
    year, month, _ = sort_key(arxiv_id)
    return year, month


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
