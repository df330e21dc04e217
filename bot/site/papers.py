"""The paper store as the site reads it (``data/papers.jsonl``: full author lists and abstracts),
and the cleaning of untrusted text for one line of the page."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.core import arxiv_ids
from bot.core.text import cap, numbered_lines, unreadable
from bot.errors import BotError

MAX_ABSTRACT = 5000
MAX_AUTHORS = 100
MAX_FIELD = 500


class PaperStoreError(BotError):
    pass


def clean(text: object, limit: int = MAX_FIELD) -> str:
    """Untrusted text for one line of the page: no control or format (bidi) characters, single
    spaces, at most ``limit`` characters."""
    value = " ".join(str(text).split())
    if not value.isprintable():  # a control or format character left (line breaks were split on)
        value = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in value)
        value = " ".join(value.split())
    return cap(value, limit)


@dataclass(frozen=True)
class Paper:
    """What the paper store adds to an entry: the full author list and the abstract."""

    authors: tuple[str, ...]
    abstract: str


def read_papers(path: Path) -> dict[str, Paper]:
    """The paper store (``data/papers.jsonl``): one JSON object per line with at least
    ``arxiv_id``; ``authors`` (a list of names) and ``abstract`` are used when present."""
    papers: dict[str, Paper] = {}
    try:
        lines = numbered_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PaperStoreError(
            f"{path} does not exist: pass --papers with the paper store "
            "(data/papers.jsonl), or leave it out to build from the catalog alone"
        ) from exc
    except IsADirectoryError as exc:
        raise PaperStoreError(f"{path} is a folder: pass --papers with the paper store file") from exc
    except UnicodeDecodeError as exc:
        raise PaperStoreError(f"{path} is not UTF-8 text ({exc})") from exc
    except OSError as exc:  # its permissions, a symlink loop
        raise PaperStoreError(f"{unreadable(path, exc)}: pass --papers with a store you can read") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PaperStoreError(
                f"{path}:{number}: not a JSON object ({exc.msg}); the paper store "
                "has one JSON object per line"
            ) from exc
        if not isinstance(record, dict) or not isinstance(record.get("arxiv_id"), str):
            raise PaperStoreError(f'{path}:{number}: each line needs an "arxiv_id" string')
        arxiv_id = arxiv_ids.normalize(record["arxiv_id"])
        if not arxiv_ids.is_valid(arxiv_id):
            raise PaperStoreError(f"{path}:{number}: {record['arxiv_id']!r} is not an arXiv id")
        raw_authors = record.get("authors") or []
        authors = (
            tuple(clean(a, 200) for a in raw_authors[:MAX_AUTHORS] if isinstance(a, str) and clean(a))
            if isinstance(raw_authors, list)
            else ()
        )
        abstract = record.get("abstract")
        papers[arxiv_id] = Paper(authors, clean(abstract, MAX_ABSTRACT) if isinstance(abstract, str) else "")
    return papers
