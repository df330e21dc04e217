"""Where a paper was accepted, read conservatively from its arXiv ``journal_ref`` and comments.

The venue table lives in config (``config/papers.yml``, key ``venues``): each venue has a display
name, case-sensitive acronyms and case-insensitive full names (regular expressions). The rules:

- ``journal_ref`` (arXiv's field for the published version): a known venue with a year.
- comment: a known venue with a year, in a clause that says it was accepted ("Accepted at ICLR
  2025", "To appear in ...", "Published in ...", the ``accepted`` phrases; or after the venue, up to
  a comma: "NeurIPS 2024 (spotlight)") and does not say it was only submitted ("Submitted to",
  "under review", the ``not_accepted`` phrases).

Anything else sets nothing: an unknown venue, a venue without a year, a bare "ICLR 2025" with no
word of acceptance, any text of a withdrawn paper. The result reads "ICLR 2025", "EMNLP 2024
Findings", "ICML 2024 Workshop".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_YEAR = re.compile(r"(?<![\d.])(?:19[89]\d|20[0-4]\d)(?![\d])")
_SHORT_YEAR = re.compile(r"^(?:\s?['’])?(\d{2})(?![\d])")  # ICML'24, ICML '24, ICML24
_CLAUSE_END = re.compile(r";|\.\s|\.$|\|")
_WINDOW = 80
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)


@dataclass(frozen=True)
class Venue:
    name: str
    acronyms: re.Pattern[str] | None
    full_names: re.Pattern[str] | None


@dataclass(frozen=True)
class VenueTable:
    venues: tuple[Venue, ...]
    accepted: re.Pattern[str]
    not_accepted: re.Pattern[str]
    qualifiers: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_config(cls, papers: Mapping[str, Any]) -> VenueTable:
        """From ``bot.config.load("papers")`` (its ``venues`` part)."""
        data = papers["venues"]
        venues = tuple(
            Venue(
                str(v["name"]),
                _word(v["acronyms"], 0) if v.get("acronyms") else None,
                _word(v["full_names"], re.IGNORECASE) if v.get("full_names") else None,
            )
            for v in data["table"]
        )
        qualifiers = tuple(
            (str(label), re.compile(rx, re.IGNORECASE)) for label, rx in data["qualifiers"].items()
        )
        return cls(venues, _any(data["accepted"]), _any(data["not_accepted"]), qualifiers)

    def find(self, journal_ref: str, comment: str) -> str:
        """The venue, or "" when the text does not say for sure (a withdrawn paper has none)."""
        if _WITHDRAWN.search(comment or "") or _WITHDRAWN.search(journal_ref or ""):
            return ""
        return self._in(" ".join((journal_ref or "").split()), need_acceptance=False) or self._in(
            " ".join((comment or "").split()), need_acceptance=True
        )

    def _mentions(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        for venue in self.venues:
            for pattern in (venue.acronyms, venue.full_names):
                if pattern is not None:
                    found += [(m.start(), m.end(), venue.name) for m in pattern.finditer(text)]
        return sorted(found)

    def _in(self, text: str, need_acceptance: bool) -> str:
        mentions = self._mentions(text)
        for start, end, name in mentions:
            before = _CLAUSE_END.split(text[max(0, start - _WINDOW) : start])[-1]
            after = _CLAUSE_END.split(text[end : end + _WINDOW])[0]
            if self.not_accepted.search(before) or self.not_accepted.search(after):
                continue
            # what follows the venue is its own up to a comma or another venue: "Accepted at ICLR
            # 2025 and NeurIPS 2024 workshop" is ICLR 2025, not "ICLR 2025 Workshop"
            other = next((s for s, _, n in mentions if s >= end and n != name), len(text))
            own_after = after[: other - end].split(",")[0]
            # the word of acceptance before the venue, or after it in its own part: "NeurIPS 2024
            # (spotlight)", "ICLR 2024 camera-ready"
            if need_acceptance and not (self.accepted.search(before) or self.accepted.search(own_after)):
                continue
            year = _year_near(before, after)
            if year is None:
                continue
            clause = f"{before} {own_after}"
            qualifier = next((label for label, rx in self.qualifiers if rx.search(clause)), "")
            return " ".join(p for p in (name, year, qualifier) if p)
        return ""


def _word(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", flags)


def _any(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


def _year_near(before: str, after: str) -> str | None:
    """The year written with the venue: "ICML'24", "ICML 2024", "(ICML) 2024", "2023 ... (IJCNN)"."""
    short = _SHORT_YEAR.match(after)
    if short:
        return f"20{short.group(1)}"
    following = [(m.start(), m.group(0)) for m in _YEAR.finditer(after)]
    preceding = [(len(before) - m.end(), m.group(0)) for m in _YEAR.finditer(before)]
    nearest = sorted(following[:1] + preceding[-1:])
    return nearest[0][1] if nearest else None


__all__ = ["Venue", "VenueTable"]
