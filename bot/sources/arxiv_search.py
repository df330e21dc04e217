"""The arXiv API search by category and submission date that backfill and new-topics read,
page by page (``bot.sources.arxiv_fetch``), resumable: after each page the progress goes to a
state file, so an interrupted search resumes at the next page. Its messages name the job that
runs it (``Progress``), not one job for all."""

from __future__ import annotations

import datetime
import json
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.core.catalog_io import write_text_atomic
from bot.core.paper import Paper
from bot.core.paper_store import PaperRecord, clean_text
from bot.core.text import unreadable
from bot.core.venues import VenueTable
from bot.errors import BotError, SourceError
from bot.sources.arxiv_fetch import (
    ApiUnavailable,
    PoliteApi,
    SearchPage,
    paper_from_record,
    record_from_result,
)

STATE_VERSION = 1
# A search's saved progress is at most the 30,000 results arXiv's API serves one query, about 2 KB
# each (2.6 KB at most): 80 MB. A larger file (the state comes back from the Actions cache) is no
# progress of this bot's, and is not read into memory.
MAX_STATE_BYTES = 100_000_000

# The arXiv API lists a paper once arXiv announces it: a paper submitted on a Friday evening (UTC)
# is announced on Monday at 20:00 ET, early on Tuesday UTC. A range that ends this many days
# before the run holds only announced days, whatever weekday it runs on (holidays aside).
ANNOUNCED_AFTER_DAYS = 4


def last_announced_day(today: datetime.date) -> datetime.date:
    """The last submission day arXiv has surely announced on ``today``: a search up to it finds
    every paper it ever will (a later one finds a day's papers only once announced)."""
    return today - datetime.timedelta(days=ANNOUNCED_AFTER_DAYS)


def search_query(categories: Sequence[str], since: datetime.date, until: datetime.date) -> str:
    """The API query: any of the categories, submitted from ``since`` to ``until`` (both included)."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    cats = f"({cats})" if len(categories) > 1 else cats
    return f"{cats} AND submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]"


def _state_text(path: Path) -> str:
    """The state file's text; one over ``MAX_STATE_BYTES`` is a clear error, not read, and so is
    what is no file (a folder, or a link to ``/dev/zero`` or a pipe, whose size of 0 passed the
    cap before a read that never ended) or cannot be read."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise BotError(f"{path} is no file: it is not this bot's state file; delete it to start over")
        if status.st_size > MAX_STATE_BYTES:
            raise BotError(
                f"{path} is {status.st_size:,} bytes, more than the progress of any arXiv search can "
                f"be ({MAX_STATE_BYTES:,}: arXiv serves one query 30,000 results): it is not this "
                "bot's state file; delete it to start over"
            )
        with path.open("rb") as file:
            data = file.read(MAX_STATE_BYTES + 1)  # a file that grew since: no further
    except OSError as exc:  # its permissions: a traceback (exit 3) before
        raise BotError(f"{unreadable(path, exc)}: delete it to start over") from exc
    if len(data) > MAX_STATE_BYTES:
        raise BotError(f"{path} grew past {MAX_STATE_BYTES:,} bytes while read: delete it to start over")
    return data.decode("utf-8")  # a UnicodeDecodeError is a ValueError: not a state file


def saved_query(path: Path | None) -> str | None:
    """The query whose progress ``path`` holds (None: no file, not a state file, or one of another
    version, which a search does not resume)."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(_state_text(path))
    except (OSError, ValueError, BotError):
        return None  # SearchState.load says what is wrong with it
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None
    query = data.get("query")
    return query if isinstance(query, str) else None


def saved_until(path: Path | None, categories: Sequence[str], since: datetime.date) -> datetime.date | None:
    """The last date of the search saved in ``path`` when it is the search of ``categories`` from
    ``since``: a run without an end date resumes that range (today's date would make it another
    search, which starts over)."""
    query = saved_query(path)
    match = re.search(r" TO (\d{8})2359\]$", query) if query else None
    if match is None:
        return None
    try:
        until = datetime.datetime.strptime(match[1], "%Y%m%d").date()
    except ValueError:
        return None
    return until if search_query(categories, since, until) == query else None


# -- the search, resumable ---------------------------------------------------------------------------


@dataclass
class SearchState:
    query: str
    next_start: int = 0
    total: int | None = None
    papers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.total is not None and self.next_start >= self.total

    @classmethod
    def load(cls, path: Path | None, query: str) -> SearchState:
        """The saved progress of the same query, else a fresh start."""
        if path is None or not path.exists():
            return cls(query)
        try:
            data = json.loads(_state_text(path))
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            if data.get("version") != STATE_VERSION or data.get("query") != query:
                return cls(query)  # another search: start over
            total, papers = data.get("total"), data.get("papers", [])
            if not isinstance(papers, list):
                raise TypeError(f"papers must be a list, not {json.dumps(papers)[:40]}")
            for record in papers:  # each must read back as a paper (search() returns them)
                _paper_of_record(record)
            return cls(query, _count("next_start", data["next_start"]), _count("total", total, None), papers)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            # a hand edit, another tool's file, JSON nested past the decoder's depth: one clear
            # line, not a traceback
            raise BotError(
                f"{path} is not an arXiv search state file ({type(exc).__name__}: {exc}); delete it "
                "to start over"
            ) from exc

    def save(self, path: Path | None) -> None:
        if path is None:
            return
        data = {
            "version": STATE_VERSION,
            "query": self.query,
            "next_start": self.next_start,
            "total": self.total,
            "papers": self.papers,
        }
        # beside it and renamed, and removed when the write fails (a full disk): `git add -A`
        # after a stopped run would commit a leftover `.backfill-state.json.tmp`
        write_text_atomic(path, json.dumps(data, ensure_ascii=False))


def _count(name: str, value: Any, *allowed: None) -> Any:
    """A state file's count (``None`` too when ``allowed``): a whole number, 0 or more. "200" or
    -5 is no result's position (-5 searched from the end of the results, 1e9 ended the search)."""
    if value is None and allowed:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"{name} must be a whole number, 0 or more, not {json.dumps(value)[:40]}")
    return value


def _paper_record(paper: Paper) -> dict[str, Any]:
    return {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "version": paper.version,
        "date": paper.date,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "doi": paper.doi,
        "code_url": paper.code_url,
        "venue": paper.venue,
        "withdrawn": paper.withdrawn,
    }


# a state file's paper: its keys (``_paper_record``) and the paper store's name of each it shares
_RECORD_KEYS = {
    "arxiv_id": "arxiv_id",
    "title": "title",
    "abstract": "abstract",
    "authors": "authors",
    "version": "versions",
    "date": "published",
    "comment": "comment",
    "journal_ref": "journal_ref",
    "doi": "doi",
    "withdrawn": "withdrawn",
}
MAX_VENUE = 200


def _paper_of_record(data: Any) -> Paper:
    """A saved paper as the search found it, read as untrusted as arXiv's answer (the state file
    comes back from the Actions cache): the paper store's checks of each field's type, the id,
    control characters, lengths, dates and code links (``PaperRecord``: a code link not on GitHub is
    dropped). A key it never writes, a wrong type ("withdrawn": "false", "authors": "A B") or an id
    that is none ("../x") is a ValueError or TypeError naming the field; ``SearchState.load`` turns
    it into one clear line."""
    if not isinstance(data, dict):
        raise TypeError(f"a paper must be an object, not {json.dumps(data)[:40]}")
    if unknown := sorted(set(data) - {*_RECORD_KEYS, "categories", "code_url", "venue"}):
        raise ValueError(f"a paper has no key {', '.join(map(repr, unknown))}")
    categories, code_url, venue = data.get("categories", []), data.get("code_url", ""), data.get("venue", "")
    if not isinstance(code_url, str) or not isinstance(venue, str):
        raise TypeError(f"code_url and venue must be strings, not {json.dumps([code_url, venue])[:40]}")
    fields = {store: data[key] for key, store in _RECORD_KEYS.items() if key in data}
    if isinstance(categories, list) and categories:
        fields["primary_category"] = categories[0]
    record = PaperRecord.from_json(
        {**fields, "categories": categories, "code_links": [code_url] if code_url else []}
    )
    return paper_from_record(record, clean_text(venue, MAX_VENUE))


class Progress:
    """A tqdm bar on a terminal, one log line per page otherwise, both named after ``job``, the
    job that searches; ``narrower`` says how that job searches a shorter range (both words also
    go into the search's errors)."""

    def __init__(
        self, stream: TextIO, job: str = "arXiv search", narrower: str = "search a shorter date range"
    ) -> None:
        self.stream = stream
        self.job = job
        self.narrower = narrower
        self.bar: Any = None

    def page(self, state: SearchState, found: int) -> None:
        if self.stream.isatty():
            from tqdm import tqdm

            if self.bar is None:
                self.bar = tqdm(total=state.total, unit="paper", desc=self.job, file=self.stream)
                self.bar.update(state.next_start - found)
            self.bar.update(found)
            return
        print(
            f"{self.job}: page at {state.next_start - found}: {found} papers "
            f"({state.next_start}/{state.total} read)",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def search(
    api: PoliteApi,
    query: str,
    page_size: int,
    venues: VenueTable,
    state_path: Path | None,
    progress: Progress,
    today: datetime.date,
) -> list[Paper]:
    """Every paper of the search, page by page, saving the progress after each page."""
    state = SearchState.load(state_path, query)
    if state.next_start and not state.done:  # say so: the log of the pages starts in the middle
        print(
            f"{progress.job}: resuming at result {state.next_start} of {state.total}, the progress saved in "
            f"{state_path}",
            file=progress.stream,
            flush=True,
        )
    while not state.done:
        page = _page(api, query, state, page_size, state_path, progress)
        records = [r for r in (record_from_result(x, today) for x in page.results) if r]
        state.papers += [
            _paper_record(paper_from_record(r, venues.find(r.journal_ref, r.comment))) for r in records
        ]
        state.total = page.total
        state.next_start += len(page.results)  # an empty page is the end (_page): done, nothing read
        state.save(state_path)
        progress.page(state, len(page.results))
    progress.close()
    return list({p["arxiv_id"]: _paper_of_record(p) for p in state.papers}.values())


EMPTY_PAGE_TRIES = 3


def _page(
    api: PoliteApi,
    query: str,
    state: SearchState,
    page_size: int,
    state_path: Path | None,
    progress: Progress,
) -> SearchPage:
    """The page at ``state.next_start``. arXiv's API sometimes answers a page in the middle of a
    search with no entries: it is asked again (paced), and after ``EMPTY_PAGE_TRIES`` empty
    answers the run stops with the progress saved, never as if the search were complete."""
    for _ in range(EMPTY_PAGE_TRIES):
        try:
            page = api.search(query, state.next_start, page_size)
        except ApiUnavailable as exc:
            if state_path and state.next_start:  # where, and that the same arguments resume it
                raise SourceError(
                    f"{exc.failure}. arXiv is busy or down: the progress ({state.next_start} of "
                    f"{state.total} results) is saved in {state_path}: run the same {progress.job} "
                    "again later to resume there"
                ) from exc
            if state_path:
                raise
            raise SourceError(
                f"{exc.failure}. arXiv is busy or down: this {progress.job} run saves no progress, "
                "run it again later"
            ) from exc
        if page.results or state.next_start >= page.total:
            return page
    state.total = page.total
    state.save(state_path)
    then = (
        f"the progress is saved in {state_path}: run the same {progress.job} again later to resume there"
        if state_path
        else f"this {progress.job} run saves no progress: run it again later"
    )
    raise BotError(
        f"arXiv answered an empty page at {state.next_start} of {page.total} results "
        f"{EMPTY_PAGE_TRIES} times; {then} (if it keeps happening, {progress.narrower})"
    )
