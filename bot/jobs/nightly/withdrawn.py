"""Withdrawn arXiv papers (pure): what the arXiv resolver said of tonight's links, and what the
paper store says of the catalog's papers; the link still answers, so a maintainer decides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.catalog import Catalog, title_at
from bot.jobs.nightly.model import LinkProblem, link_problem
from bot.linkcheck import Link, LinkResult
from bot.linkcheck.arxiv import is_withdrawn, paper_link


def withdrawn_papers(
    catalog: Catalog, links: Sequence[Link], results: Mapping[str, LinkResult]
) -> tuple[LinkProblem, ...]:
    """Papers withdrawn on arXiv (the arXiv resolver says so; the link is alive), one row per
    paper however many links to it the catalog has (an entry's title and ``[pdf]``): its first
    link, with every line that links it."""
    papers: dict[str, tuple[Link, list[int]]] = {}
    for link in links:
        if link.url in results and is_withdrawn(results[link.url]):
            paper = paper_link(link.url)
            first, lines = papers.setdefault(paper.arxiv_id if paper else link.url, (link, []))
            lines += [line for line in link.lines if line not in lines]
    return tuple(
        link_problem(Link(first.url, tuple(sorted(lines))), results[first.url], None, catalog)
        for first, lines in papers.values()
    )


def store_withdrawn(
    catalog: Catalog, records: Sequence[Any], found: tuple[LinkProblem, ...]
) -> tuple[LinkProblem, ...]:
    """``found`` plus the papers the paper store says were withdrawn (one row per entry line)."""
    seen = {line for problem in found for line in problem.lines}
    extra = []
    for record in records:
        item = catalog.find_by_id(record.arxiv_id)
        if item is None or item.line_number in seen:
            continue
        extra.append(
            LinkProblem(
                f"https://arxiv.org/abs/{record.arxiv_id}",
                (item.line_number,),
                title_at(catalog, item.line_number),
                None,
                f"arXiv {record.arxiv_id} was withdrawn (v{record.versions})",
                "",
            )
        )
    return found + tuple(extra)
