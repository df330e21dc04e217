"""When two titles name the same paper, and which section a name most likely means.

One set of rules for the whole bot (the catalog's ``find``, lint's duplicate check, the importer's
merge, the section suggestions of commands and taxonomy errors):

- ``title_key``: the form titles are compared in (lowercase letters and digits, no accents).
- ``near_titles``: keys at least ``FUZZY_TITLE_SCORE`` alike (``fuzz.ratio``) with the same
  numbers ("Part 2" is not "Part 3"); keys shorter than ``MIN_FUZZY_KEY`` only match exactly.
- ``near_identical_pairs``: the same test over a whole list, blocked by first and last word so
  that 10,000 titles are compared in well under a second.
- ``same_paper_title``: looser, for two titles given with ONE arXiv id (a list may shorten it).
- ``same_name_title``: a title led by the same name ("GPTQ: ...") with the same words.
- ``closest_sections``: the sections nearest to a name a person typed.
- ``duplicate_pairs``: the entries of a list that are the same paper (lint, the import).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core.text import clean_title

if TYPE_CHECKING:
    from bot.core.taxonomy import Section

FUZZY_TITLE_SCORE = 95.0  # near-identical titles: a typo, a dropped hyphen, another dash
MIN_FUZZY_KEY = 12  # shorter keys are compared exactly only
SAME_ID_TITLE_SCORE = 70.0  # two titles given with one arXiv id: below this they are two papers
SAME_NAME_TITLE_SCORE = 90.0  # token-set score for two titles led by the same name
_NOT_WORD = re.compile(r"[^\w\s]|_")
_NUMBER = re.compile(r"\d+")


def title_key(text: str) -> str:
    """The form two titles are compared in: lowercase letters and digits, single spaces."""
    text = clean_title(text)
    if not text.isascii():  # strip accents (é -> e); ASCII titles, the most, skip the work
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", text.lower().replace("^", ""))  # E^2 and E² (NFKD: E2) alike
    return " ".join(text.split())


def same_numbers(a: str, b: str) -> bool:
    return _NUMBER.findall(a) == _NUMBER.findall(b)


def near_titles(
    key: str, keys: Iterable[str], cutoff: float = FUZZY_TITLE_SCORE, limit: int = 3
) -> Iterator[str]:
    """Keys near-identical to ``key`` (best first), with the same numbers; none for short keys."""
    if len(key) < MIN_FUZZY_KEY:
        return
    for other, _score, _ in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit):
        if same_numbers(key, other):
            yield other


def near_identical_pairs(
    indexes: Sequence[int], keys: Sequence[str], cutoff: float = FUZZY_TITLE_SCORE
) -> set[tuple[int, int]]:
    """Pairs (a < b) of ``indexes`` whose keys ``near_titles`` would match, compared within blocks
    that share their first or last word."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index in indexes:
        if len(keys[index]) >= MIN_FUZZY_KEY:
            words = keys[index].split()
            blocks["^" + words[0]].append(index)
            blocks["$" + words[-1]].append(index)
    pairs = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        scores = process.cdist(
            [keys[i] for i in members], [keys[i] for i in members], scorer=fuzz.ratio, score_cutoff=cutoff
        )
        for row, column in zip(*scores.nonzero(), strict=True):
            a, b = members[int(row)], members[int(column)]
            if a < b and same_numbers(keys[a], keys[b]):
                pairs.add((a, b))
    return pairs


def same_paper_title(a: str, b: str) -> bool:
    """Two title keys given with the same arXiv id that still name one paper."""
    return fuzz.token_set_ratio(a, b) >= SAME_ID_TITLE_SCORE


def same_name_title(a: str, b: str) -> bool:
    """Two title keys led by the same name ("gptq ...") whose words agree, with the same numbers."""
    return fuzz.token_set_ratio(a, b) >= SAME_NAME_TITLE_SCORE and same_numbers(a, b)


def closest_sections(
    name: str, sections: Iterable[Section], limit: int = 3, cutoff: float | None = None
) -> list[Section]:
    """The sections nearest to ``name`` by id or heading (any case), best first, each once; with
    ``cutoff`` (0-100), only those at least that similar."""
    candidates = list(sections)
    names = {**{s.id: s for s in candidates}, **{s.title.lower(): s for s in candidates}}
    found: dict[str, Section] = {}
    for choice, _score, _ in process.extract(
        name.strip().lower(), list(names), limit=2 * limit, score_cutoff=cutoff
    ):
        found.setdefault(names[choice].id, names[choice])
    return list(found.values())[:limit]


def duplicate_pairs(entries: Sequence[tuple[str, str | None]]) -> list[tuple[int, int, str]]:
    """(earlier index, later index, why) for entries that are the same paper: the same arXiv id,
    the same normalised title, or titles at least ``FUZZY_TITLE_SCORE`` alike with the same
    numbers and no conflicting arXiv ids (the rules ``Catalog.find`` uses). Near-identical titles
    are compared within blocks sharing their first or last word, so that a 10,000-entry catalog
    is checked in well under a second."""
    found: dict[tuple[int, int], str] = {}
    first_by_id: dict[str, int] = {}
    first_by_key: dict[str, int] = {}
    keys = [title_key(title) if title else "" for title, _ in entries]
    for index, (_, arxiv_id) in enumerate(entries):
        if arxiv_id and arxiv_id in first_by_id:
            found[(first_by_id[arxiv_id], index)] = f"same arXiv id {arxiv_id}"
        elif arxiv_id:
            first_by_id[arxiv_id] = index
        key = keys[index]
        if key and key in first_by_key:
            found.setdefault((first_by_key[key], index), "same title")
        elif key:
            first_by_key[key] = index
    for first, later in near_identical_pairs(list(first_by_key.values()), keys):
        ids = (entries[first][1], entries[later][1])
        if not (ids[0] and ids[1] and ids[0] != ids[1]):
            found.setdefault((first, later), "nearly the same title")
    return sorted((a, b, why) for (a, b), why in found.items())
