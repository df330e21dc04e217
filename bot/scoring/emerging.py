"""Near misses and new topics: what a maintainer should look at to teach the bot a new topic.

``near_misses`` are papers with keyword evidence and a score near the threshold that were not
accepted (the learned model or the LLM-context rule held them back). ``rising_terms`` are word
pairs (and "A of B" phrases: "mixture of experts") of the feed's titles that are much more
frequent than in the fixed background and that neither the keyword patterns nor the catalog's
titles know, each with the papers that use it and the ``/teach`` line that adds it to the
keyword rules (``teach_line``). Both are pure; the job
``python -m bot new-topics`` renders them (``new_topics_issue.md.j2``) with a ready ``/add`` line
per paper.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.keyword_edits import clean_term
from bot.core.paper import Paper
from bot.core.text import TITLE_GLUE_WORDS
from bot.scoring.patterns import PatternSet
from bot.scoring.scorer import Decision

_WORD = re.compile(r"[^\W\d_]\w+")  # starts with a letter (any script); hyphens split words
_TOKEN = re.compile(r"\w+")  # what stands between two words is looked at
_GAP = re.compile(r"[\s\-]+")  # what a pattern's space matches: a space or a hyphen
_HYPHENS = re.compile(r"-+")  # the link inside a hyphenated word
_PHRASE_GLUE = frozenset(("of",))  # "mixture of experts", "chain of thought": a term of three words
# the glue of every title, and the words every paper of this field has
_STOP = TITLE_GLUE_WORDS | frozenset(
    (
        "across",
        "between",
        "language",
        "large",
        "less",
        "llm",
        "llms",
        "need",
        "through",
    )
)


# (older papers, those whose title or abstract says a term, of those the ones known in scope:
# None when the papers carry no scope marks)
Reach = tuple[int, int, int | None]


@dataclass(frozen=True)
class NearMiss:
    paper: Paper
    decision: Decision
    points: float

    @property
    def placement(self) -> str:
        """Where poll would list it, as ``/add`` reads it: ``section`` or ``section/subsection``."""
        d = self.decision
        return f"{d.section}/{d.subsection}" if d.subsection else d.section


@dataclass(frozen=True)
class RisingTerm:
    term: str
    papers: tuple[Paper, ...]  # the feed's papers whose title uses it
    ratio: float  # share in the feed / share in the background (smoothed)
    section: str | None = None  # where most of its papers would go: where to teach the term
    reach: Reach | None = None  # how broad it is in the fixed background (``term_reach``)
    taught_by: str = ""  # the open /teach pull request of the term, as a markdown link

    def teach_line(self) -> str:
        """The ``/teach`` command that adds the term to the rules of the section its papers would
        go to ("" for a term ``/teach`` cannot take as it is)."""
        if clean_term(self.term) != self.term:
            return ""
        return f'/teach "{self.term}" {self.section or "<section>"}'


def near_misses(
    papers: Sequence[Paper],
    decisions: Sequence[Decision],
    points: Sequence[float],
    min_points: float = 2.0,
    count: int = 10,
    min_score: float = 0.25,
) -> list[NearMiss]:
    """Not accepted, yet at least ``min_points`` rule points and a score of at least
    ``min_score``: the nearest the threshold first. A paper the category gate holds back is no
    near miss (its score was not what held it back), nor is one the learned models read as
    nothing like the catalog: a technique's word in another field ("Knowledge Distillation" for
    CLIP, "Mamba" for video frames) has the points of an efficiency paper and a score near 0."""
    found = [
        NearMiss(p, d, float(v))
        for p, d, v in zip(papers, decisions, points, strict=True)
        if not d.accept and d.in_categories and v >= min_points and d.threshold > d.score >= min_score
    ]
    return sorted(found, key=lambda m: (-m.decision.score, -m.points))[:count]


def term_reach(term: str, papers: Sequence[Paper]) -> Reach:
    """How broad a term is among ``papers`` (the fixed background): a term many older papers use,
    few of them in scope, would add points to many papers out of scope as a pattern."""
    found = PatternSet([term]).find_all([f"{p.title} {p.abstract}" for p in papers])
    hits = [p for p, where in zip(papers, found, strict=True) if where]
    marked = any(p.extra.get("label") for p in papers)
    return len(papers), len(hits), sum(1 for p in hits if p.extra.get("label")) if marked else None


def usual_section(decisions: Sequence[Decision]) -> str | None:
    """The section most of these papers would go to (the first of a tie, in their order)."""
    counts = Counter(d.section for d in decisions if d.section).most_common(1)
    return counts[0][0] if counts else None


def _pairs(title: str) -> set[str]:
    """The title's pairs of words written next to each other, a space or a hyphen apart (as a
    pattern finds them): a number, a one-letter word, a possessive or a colon between two words
    breaks the pair ("Efficient 4-bit" is no "efficient bit"), and a hyphenated word pairs only
    within itself ("Efficient Test-Time Scaling" gives "test time", not "efficient test"). Two
    words with "of" between them are a term of three ("Mixture-of-Experts", "Mixture of Experts":
    "mixture of experts"), written alike (both links spaces, or both hyphens)."""
    tokens = list(_TOKEN.finditer(title))
    words = [t.group().lower() for t in tokens]
    gaps = [title[a.end() : b.start()] for a, b in zip(tokens, tokens[1:], strict=False)]
    joined = [bool(_HYPHENS.fullmatch(gap)) for gap in gaps]  # "test-time": one compound

    def alone(first: int, last: int) -> bool:  # the words first..last: a whole compound, or none
        inside = joined[first:last]
        outside = (first > 0 and joined[first - 1]) or (last < len(joined) and joined[last])
        return all(inside) or not (any(inside) or outside)

    phrases = [  # the first word of each "A of B"
        i
        for i in range(len(words) - 2)
        if words[i + 1] in _PHRASE_GLUE
        and _GAP.fullmatch(gaps[i])
        and _GAP.fullmatch(gaps[i + 1])
        and _content(words[i])
        and _content(words[i + 2])
        and alone(i, i + 2)
    ]
    pairs = {" ".join(words[i : i + 3]) for i in phrases}
    bordering = {i + 2 for i in phrases} | {i - 1 for i in phrases}  # a phrase pairs with no neighbour
    for i, gap in enumerate(gaps):
        first, second = words[i], words[i + 1]
        if i in bordering or not (_GAP.fullmatch(gap) and _content(first) and _content(second)):
            continue
        if alone(i, i + 1):
            pairs.add(f"{first} {second}")
    return pairs


def _content(word: str) -> bool:
    """A word a term may start or end with: no glue, no number, not one letter."""
    return word not in _STOP and bool(_WORD.fullmatch(word))


def _known(patterns: PatternSet, pair: str) -> bool:
    """Whether the keyword patterns already cover a word pair: a pattern that needs both words
    ("KV cache"), or a pattern for each word. One known word is not enough: "reasoning" (a
    route-only word) must not hide "latent reasoning"."""
    first, second = pair.split()[0], pair.split()[-1]  # "mixture of experts": its two words
    alone = patterns.find(first) | patterns.find(second)
    return bool(patterns.find(pair) - alone) or (bool(patterns.find(first)) and bool(patterns.find(second)))


def plural_free(pair: str) -> str:
    """A pair with its last word's plural "s" dropped: "sparse mixers" and "sparse mixer" are one
    term (a pattern accepts the plural of its last word), which the catalog knows in either form."""
    return (
        pair[:-1]
        if pair.endswith("s") and not pair.endswith("ss") and len(pair.rsplit(" ", 1)[-1]) > 3
        else pair
    )


def rising_terms(
    feed: Sequence[Paper],
    background: Sequence[Paper],
    known_patterns: Sequence[str],
    catalog_titles: Sequence[str],
    min_papers: int = 3,
    min_ratio: float = 5.0,
    count: int = 8,
    whole: tuple[Sequence[Paper], Sequence[Paper]] = ((), ()),
) -> list[RisingTerm]:
    """Title word pairs used by at least ``min_papers`` feed papers, ``min_ratio`` times more often
    than in the background, that the keyword patterns do not cover and no catalog title uses (a
    pair and its plural counted as one term). With ``whole`` (all the week's papers, all the
    background's), a term must also be ``min_ratio`` times more common in the week's titles than in
    the background's: a phrase the whole field uses ("decision making": 12 of a week's 888 titles,
    9 of the background's 1,782) is no new topic, though 3 papers with efficiency evidence say it
    and none of the 190 background papers with evidence does."""
    in_feed: dict[str, list[Paper]] = {}
    spellings: dict[str, set[str]] = {}
    for paper in feed:
        keys = set()
        for pair in _pairs(paper.title):
            keys.add(key := plural_free(pair))
            spellings.setdefault(key, set()).add(pair)
        for key in keys:  # a paper counts once for a term, whichever of its spellings it uses
            in_feed.setdefault(key, []).append(paper)
    in_background = Counter(plural_free(pair) for paper in background for pair in _pairs(paper.title))
    catalog = {plural_free(pair) for title in catalog_titles for pair in _pairs(title)}
    known = PatternSet(list(known_patterns)) if known_patterns else None
    rising = []
    for key, users in in_feed.items():
        if len(users) < min_papers or key in catalog:
            continue
        ratio = (len(users) / max(1, len(feed))) / ((in_background[key] + 1) / max(1, len(background)))
        pair = min(spellings[key], key=lambda p: (len(p), p))  # the singular: its pattern finds both
        if ratio < min_ratio or (known is not None and _known(known, pair)):
            continue
        if whole[0] and whole[1] and _share_ratio(key, *whole) < min_ratio:
            continue
        rising.append(RisingTerm(pair, tuple(users), ratio))
    return sorted(rising, key=lambda t: (-len(t.papers), -t.ratio, t.term))[:count]


def _share_ratio(key: str, feed: Sequence[Paper], background: Sequence[Paper]) -> float:
    """How many times more of the feed's titles than of the background's use the term (smoothed)."""
    used = sum(1 for p in feed if key in {plural_free(pair) for pair in _pairs(p.title)})
    before = sum(1 for p in background if key in {plural_free(pair) for pair in _pairs(p.title)})
    return (used / len(feed)) / ((before + 1) / len(background))
