"""The fixed background: older papers the learned model is trained against (its negatives).

The learned part of the score learns "reads like the catalog's entries" against a background of
papers that are not in the catalog. It used to be the feed being scored, so a topic that became
hot after the catalog was built filled the negatives and got negative weight. The background is
now a fixed sample of past listings shipped with the bot (``bot/scoring/data/background.jsonl.gz``:
label-0 papers of 2024, title and abstract), or the file named by ``scoring.background`` in
``config/keywords.yml``. The same file carries papers known to be in scope, marked ``"label": 1``
(2024 papers of curated efficient-LLM lists, without those filed only under sections the scope
excludes, and papers judged in scope by SCOPE.md), the positives of the abstract model
(``abstracts.py``), never negatives; and papers judged out of scope or borderline, marked
``"rejected": true``, which both models learn as they learn closed bot PRs: a year of a
maintainer's decisions for a bot that has none yet. Regenerate it with::

    python bench/make_background.py --shared ../shared   # seeded: the same file every time
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import config
from bot.core.paper import Paper
from bot.errors import ConfigError
from bot.sources.arxiv_rss import read_papers

DEFAULT = Path(__file__).resolve().parent / "data" / "background.jsonl.gz"
FIELDS = ("arxiv_id", "title", "abstract", "categories", "date")


def path_of(keywords: dict[str, Any]) -> Path:
    """The background file the config names (a relative path is relative to the repository
    root, the folder that holds config/), or the shipped one."""
    configured = (keywords.get("scoring") or {}).get("background")
    if not configured:
        return DEFAULT
    path = Path(configured)
    return path if path.is_absolute() else config.config_dir().resolve().parent / path


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[Paper, ...]:
    if not path.is_file():
        raise ConfigError(
            f"the scoring background {path} does not exist; set scoring.background in "
            "config/keywords.yml to a JSONL file of papers, or regenerate the shipped one "
            "with `python bench/make_background.py`"
        )
    return tuple(read_papers(path))


MARKS = ("label", "rejected", "section")  # what the file says of a paper's scope, for this list's topic


def load(keywords: dict[str, Any]) -> list[Paper]:
    """The background papers (read once per process). Their scope marks (``"label": 1`` known
    in scope, ``"rejected": true`` judged out of scope) describe the topic of the list the file
    was made for: they are kept only with ``scoring.background_labels: true``; otherwise every
    paper is a plain background paper (a list on another topic must not learn ours)."""
    papers = list(_read(path_of(keywords).resolve()))
    if (keywords.get("scoring") or {}).get("background_labels", False):
        return papers
    return [
        dataclasses.replace(p, extra={k: v for k, v in p.extra.items() if k not in MARKS})
        if any(k in p.extra for k in MARKS)
        else p
        for p in papers
    ]


def plain(papers: Iterable[Paper]) -> list[Paper]:
    """The papers the file marks neither in scope (``label``) nor out of scope (``rejected``)."""
    return [p for p in papers if not p.extra.get("label") and not p.extra.get("rejected")]


def sample(papers: Iterable[Paper], size: int, seed: int = 0) -> list[Paper]:
    """A seeded sample of the label-0 papers of a labelled file, in arXiv id order."""
    negatives = sorted((p for p in papers if not p.extra.get("label")), key=lambda p: p.arxiv_id)
    chosen = random.Random(seed).sample(negatives, min(size, len(negatives)))
    return sorted(chosen, key=lambda p: p.arxiv_id)


def in_scope(papers: Iterable[Paper], out_of_scope_sections: Iterable[str]) -> list[Paper]:
    """The labelled positives of a labelled file, without those that the curated lists file only
    under sections outside the scope (e.g. "Industrial LLM Technical Report"), in arXiv id order."""
    excluded = set(out_of_scope_sections)

    def sections(paper: Paper) -> set[str]:
        listed = paper.extra.get("curated_sections") or ()
        return {str(s) for s in listed} if isinstance(listed, list | tuple) else set()

    kept = [p for p in papers if p.extra.get("label") and not sections(p) <= excluded]
    return sorted(kept, key=lambda p: p.arxiv_id)


def judged(paper: Paper, in_scope: bool) -> Paper:
    """``paper`` with a maintainer's judgement as its scope marks: known in scope (``"label": 1``),
    or judged out of scope (``"rejected": true``, and no longer labelled in scope even if a
    curated list had it: the judgement wins)."""
    marks = {"label": 1} if in_scope else {"label": 0, "rejected": True}
    extra = {k: v for k, v in paper.extra.items() if k != "rejected"}
    return dataclasses.replace(paper, extra={**extra, **marks})


def placed(paper: Paper, section: str | None) -> Paper:
    """``paper`` with the section it belongs in (``"section"``), when it is known in scope."""
    if not section or not paper.extra.get("label"):
        return paper
    return dataclasses.replace(paper, extra={**paper.extra, "section": section})


def write(papers: Sequence[Paper], path: Path) -> None:
    """Write ``papers`` as gzipped JSONL (the fields the scorer reads, ``label`` for known
    in-scope papers, ``section`` for the section a known in-scope paper belongs in, and
    ``rejected`` for papers judged out of scope), reproducibly (no mtime)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps(
            {
                "arxiv_id": p.arxiv_id,
                "title": p.title,
                "abstract": p.abstract,
                "categories": list(p.categories),
                "date": p.date,
                **({"label": 1} if p.extra.get("label") else {}),
                **(
                    {"section": p.extra["section"]} if p.extra.get("label") and p.extra.get("section") else {}
                ),
                **({"rejected": True} if p.extra.get("rejected") else {}),
            },
            ensure_ascii=False,
        )
        + "\n"
        for p in papers
    )
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(lines.encode("utf-8"))
