"""The same paper found in several lists, merged into one record (arXiv id first, then title),
and the fields of each record chosen by vote (pure)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlunsplit

from bot.core import arxiv_ids
from bot.core.catalog_document import Placement
from bot.core.entry import Entry
from bot.core.list_items import Fields, SourceItem
from bot.core.matching import near_titles, same_name_title, same_paper_title, title_key
from bot.core.urls import github_repo_url, split_url


@dataclass(frozen=True)
class Candidate:
    """One paper or resource as one list gives it, with where that list would put it."""

    fields: Fields
    item: SourceItem
    order: int
    source: int  # index of the list it came from
    placement: Placement | None = None  # None: title-only (text without links)
    weight: float = 1.0
    explicit: bool = False  # the list itself names the subsection (no keyword route)

    @cached_property
    def key(self) -> str:
        return title_key(self.fields.title)


# -- merging the same paper across lists -------------------------------------------------------


@dataclass
class Record:
    """Everything the lists say about one paper or resource."""

    candidates: list[Candidate]

    @property
    def first(self) -> Candidate:
        return self.candidates[0]

    @property
    def arxiv_id(self) -> str | None:
        return self.first.fields.arxiv_id

    def files(self) -> set[int]:
        return {c.source for c in self.candidates}


@dataclass
class Merge:
    records: list[Record] = field(default_factory=list)
    conflicts: list[tuple[Candidate, str]] = field(default_factory=list)
    absorbed: list[Candidate] = field(default_factory=list)  # resources named like a paper
    unmatched: list[tuple[Candidate, str | None]] = field(default_factory=list)  # title-only


def merge(
    candidates: Sequence[Candidate], title_match: float, left_out: dict[str, str] | None = None
) -> Merge:
    """Group candidates into records: papers by arXiv id, then by title; resources by link;
    title-only candidates (text without links) join a record or stay unmatched. ``left_out``
    maps title keys of excluded entries to why, to explain unmatched titles."""
    result = Merge()
    papers = [c for c in candidates if c.placement and not c.fields.resource]
    index = TitleIndex(title_match)
    for record in _id_records([c for c in papers if c.fields.arxiv_id], result):
        index.add(record)
    for candidate in [c for c in papers if not c.fields.arxiv_id]:
        found = index.find(candidate.key)
        if found is None:
            index.add(Record([candidate]))
        else:
            index.join(candidate, found)
    resources = _resource_records([c for c in candidates if c.placement and c.fields.resource], index, result)
    resource_index = TitleIndex(title_match)
    for record in resources:
        resource_index.add(record)
    left = dict(left_out or {})
    left.update({c.key: f"left out of {c.item.where}" for c, _ in result.conflicts})
    for candidate in [c for c in candidates if c.placement is None]:
        found = index.find(candidate.key) or resource_index.find(candidate.key)
        if found is not None:
            found.candidates.append(candidate)
        else:
            result.unmatched.append((candidate, left.get(candidate.key)))
    result.records = index.records + resources
    return result


def _id_records(candidates: list[Candidate], result: Merge) -> list[Record]:
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(str(candidate.fields.arxiv_id), []).append(candidate)
    records = []
    for arxiv_id, group in groups.items():
        winner, losers = _majority_title_cluster(group)
        records.append(Record(winner))
        title = best_title(winner)
        for loser in losers:
            result.conflicts.append(
                (
                    loser,
                    f"arXiv {arxiv_id} belongs to “{title}” in {_lists(len(Record(winner).files()))}; "
                    f"this entry's title differs: check its link",
                )
            )
    return _merge_same_titles(records, result)


def _lists(count: int) -> str:
    return "1 list" if count == 1 else f"{count} lists"


def _majority_title_cluster(group: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates that agree on the title most lists give with this id, and the others.
    A short name ("MobileLLM", from a table of models) agrees with any title."""
    clusters: list[list[Candidate]] = []
    short = [c for c in group if len(c.key.split()) <= 3]
    for candidate in (c for c in group if len(c.key.split()) > 3):
        home = next((c for c in clusters if same_paper_title(c[0].key, candidate.key)), None)
        if home is None:
            clusters.append([candidate])
        else:
            home.append(candidate)
    if not clusters:
        return group, []
    winner = max(clusters, key=lambda c: (len({x.source for x in c}), -c[0].order))
    winner = sorted(winner + short, key=lambda c: c.order)
    return winner, [c for cluster in clusters if cluster[0] not in winner for c in cluster]


def _merge_same_titles(records: list[Record], result: Merge) -> list[Record]:
    """Two arXiv ids with one exact title: keep the id more lists give, report the other."""
    by_key: dict[str, Record] = {}
    kept = []
    for record in sorted(records, key=lambda r: (-len(r.files()), r.first.order)):
        key = title_key(best_title(record.candidates))
        if key in by_key:
            winner = by_key[key]
            for candidate in record.candidates:
                result.conflicts.append(
                    (
                        candidate,
                        f"same title as arXiv {winner.arxiv_id} in "
                        f"other lists; arXiv {record.arxiv_id} left out",
                    )
                )
            continue
        by_key[key] = record
        kept.append(record)
    return sorted(kept, key=lambda r: r.first.order)


class TitleIndex:
    """Records found by title: exactly, nearly (ratio >= ``title_match``, same numbers), or by
    the same name before a colon with the other title's words ("GPTQ: Accurate Quantization
    for ..." is "GPTQ: Accurate Post-Training Quantization for ...")."""

    def __init__(self, title_match: float) -> None:
        self.title_match = title_match
        self.records: list[Record] = []
        self._keys: dict[str, Record] = {}
        self._names: dict[str, list[str]] = defaultdict(list)

    def add(self, record: Record) -> None:
        self.records.append(record)
        for candidate in record.candidates:
            self._add_key(candidate.key, record)

    def _add_key(self, key: str, record: Record) -> None:
        if key and key not in self._keys:
            self._keys[key] = record
            if name := _name_of(key):
                self._names[name].append(key)

    def find(self, key: str, arxiv_id: str | None = None) -> Record | None:
        if not key:
            return None
        if key in self._keys:
            return self._keys[key]
        for other in near_titles(key, self._keys.keys(), cutoff=self.title_match):
            if _compatible(self._keys[other], arxiv_id):
                return self._keys[other]
        for other in self._names.get(_name_of(key) or "", []):
            if same_name_title(key, other):
                return self._keys[other]
        return None

    def join(self, candidate: Candidate, record: Record) -> None:
        record.candidates.append(candidate)
        self._add_key(candidate.key, record)


def _name_of(key: str) -> str | None:
    """The leading name of a title key whose title had one ("gptq" for "GPTQ: ...")."""
    return key.split(" ", 1)[0] if " " in key and len(key.split(" ", 1)[0]) >= 3 else None


def _compatible(record: Record, arxiv_id: str | None) -> bool:
    return not (arxiv_id and record.arxiv_id and record.arxiv_id != arxiv_id)


def _resource_records(candidates: list[Candidate], papers: TitleIndex, result: Merge) -> list[Record]:
    records: dict[str, Record] = {}
    by_title: dict[str, Record] = {}
    for candidate in candidates:
        link = canonical_url(candidate.fields.url)
        record = records.get(link) or by_title.get(candidate.key)
        if record is not None:
            record.candidates.append(candidate)
        elif papers.find(candidate.key) is not None:
            result.absorbed.append(candidate)
        else:
            records[link] = by_title[candidate.key] = Record([candidate])
    return list(records.values())


_TRACKING = re.compile(r"^(utm_\w+|continueFlag|ref|trk|spm_id_from|vd_source|source)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """A link compared across lists: repository root for GitHub, no tracking parameters, no
    trailing slash, lowercase host."""
    repo = github_repo_url(url)
    if repo:
        return repo.lower()
    parts = split_url(url.strip())
    if parts is None:  # a "[" in the host: compared as written
        return url.strip()
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    return urlunsplit(("https", parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), query, ""))


# -- choosing the fields of a record -----------------------------------------------------------


def _votes(values: Iterable[tuple[str, Candidate]]) -> dict[str, tuple[int, int]]:
    """value -> (number of lists giving it, -order of its first appearance)."""
    files: dict[str, set[int]] = defaultdict(set)
    first: dict[str, int] = {}
    for value, candidate in values:
        if value:
            files[value].add(candidate.source)
            first.setdefault(value, candidate.order)
    return {value: (len(names), -first[value]) for value, names in files.items()}


def _title_quality(candidate: Candidate) -> tuple[bool, bool, float, int]:
    """A catalog's own line first (merging a list into the catalog keeps the catalog's titles:
    arXiv's, or a maintainer's), then at least four words, then the better-cased."""
    title = candidate.fields.title
    words = title.split()
    capitals = sum(1 for w in words if w[:1].isupper()) / max(1, len(words))
    return candidate.fields.catalog_line, len(words) >= 4, round(capitals, 1), len(title)


def best_title(candidates: Sequence[Candidate]) -> str:
    """The title most lists agree on (by normalised title); ties go to the catalog's own line, then
    to the better-cased one."""
    keyed = _votes((c.key, c) for c in candidates)
    shown: dict[str, Candidate] = {}
    for candidate in candidates:
        current = shown.get(candidate.key)
        if current is None or _title_quality(candidate) > _title_quality(current):
            shown[candidate.key] = candidate
    key = max(keyed, key=lambda k: (keyed[k][0], _title_quality(shown[k]), keyed[k][1]))
    return shown[key].fields.title


def _best(values: Iterable[tuple[str, Candidate]]) -> str:
    votes = _votes(values)
    return max(votes, key=lambda v: votes[v]) if votes else ""


def _best_code(candidates: Sequence[Candidate], title: str) -> str:
    """The repository most lists give; ties go to one whose name shares a word with the title."""
    votes = _votes((c.fields.code_url, c) for c in candidates)
    words = set(title_key(title).split())

    def score(url: str) -> tuple[int, bool, int]:
        repo_words = set(re.split(r"[^a-z0-9]+", url.lower().removeprefix("https://github.com/")))
        return votes[url][0], bool(words & repo_words), votes[url][1]

    return max(votes, key=score) if votes else ""


def _best_authors(candidates: Sequence[Candidate]) -> tuple[tuple[str, ...], bool]:
    best = max(candidates, key=lambda c: (len(c.fields.authors), not c.fields.et_al, -c.order))
    return best.fields.authors, best.fields.et_al


def best_placement(candidates: Sequence[Candidate]) -> Placement:
    """The section the lists' weighted votes prefer; within it, the most voted subsection (a
    list that names the subsection itself counts double against a keyword route's guess)."""
    placed = [c for c in candidates if c.placement]
    sections: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for candidate in placed:
        section = candidate.placement[0] if candidate.placement else ""
        sections[section] += candidate.weight
        first.setdefault(section, candidate.order)
    section = max(sections, key=lambda s: (sections[s], -first[s]))
    subsections: dict[str, float] = defaultdict(float)
    for candidate in placed:
        if candidate.placement and candidate.placement[0] == section and candidate.placement[1]:
            subsections[candidate.placement[1]] += candidate.weight * (2 if candidate.explicit else 1)
    if not subsections:
        return section, None
    return section, max(subsections, key=lambda s: subsections[s])


def _marks(candidates: Sequence[Candidate]) -> tuple[int | None, bool, bool]:
    """(stars, archived, withdrawn): what only a list in the catalog's own format gives, kept so
    that a list the bot keeps, read again, loses nothing (the nightly checks renew them)."""
    ordered = sorted(candidates, key=lambda c: c.order)
    return (
        next((c.fields.stars for c in ordered if c.fields.stars is not None), None),
        any(c.fields.archived for c in ordered),
        any(c.fields.withdrawn for c in ordered),
    )


def record_entry(record: Record) -> Entry:
    """The catalog entry for a record: arXiv links and date from the id, the rest voted."""
    candidates = [c for c in record.candidates if c.placement]
    title = best_title(candidates)
    stars, archived, withdrawn = _marks(candidates)
    if record.first.fields.resource:
        return Entry(
            title=title,
            url=record.first.fields.url,
            kind="resource",
            description=_best((c.fields.description, c) for c in candidates)
            or default_description(record.first.fields.url),
            stars=stars,
            archived=archived,
        )
    authors, et_al = _best_authors(candidates)
    venue = _best((c.fields.venue, c) for c in candidates)
    code = _best_code(candidates, title)
    arxiv_id = record.arxiv_id
    if arxiv_id:
        year, month = arxiv_ids.month_year(arxiv_id)
        return Entry(
            title=title,
            url=arxiv_ids.abs_url(arxiv_id),
            authors=authors,
            et_al=et_al,
            arxiv_id=arxiv_id,
            year=year,
            month=month,
            venue=venue,
            pdf_url=arxiv_ids.pdf_url(arxiv_id),
            code_url=code,
            stars=stars,
            archived=archived,
            withdrawn=withdrawn,
        )
    years = _votes((str(c.fields.year or ""), c) for c in candidates)
    year = int(max(years, key=lambda y: years[y]))
    shown_month = next((c.fields.month for c in candidates if c.fields.year == year and c.fields.month), None)
    return Entry(
        title=title,
        url=record.first.fields.url,
        authors=authors,
        et_al=et_al,
        year=year,
        month=shown_month,
        venue=venue,
        code_url=code,
        stars=stars,
        archived=archived,
        withdrawn=withdrawn,
    )


def default_description(url: str) -> str:
    repo = github_repo_url(url)
    if repo:
        return "GitHub repository " + "/".join(repo.split("/")[3:5])
    parts = split_url(url)
    host = parts.netloc.lower().removeprefix("www.") if parts else "the web"
    if "youtube.com" in host or "youtu.be" in host:
        return "Video on YouTube"
    return f"Article on {host}"
