"""Batch mode (``batch_mode: true`` in config/github.yml): one digest PR per run instead of one
PR per paper.

The digest PR's body is a checklist, one line per paper, and a hidden ``digest`` marker that
records every paper's entry line and section. The branch holds exactly the ticked papers, one
commit on the default branch. A maintainer unticks a paper in the PR body and re-runs (the poll,
or the refresh workflow by hand): the branch is rebuilt without it, and the paper stays listed,
unticked, so that it is not proposed again. Papers that reach the catalog another way leave the
list. Everything here is pure; the forge writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.core import arxiv_ids, markers, templates
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.changes import ChangeRequest, PullRequest
from bot.core.entry import parse_entry, render_entry
from bot.core.markdown import BODY_LIMIT, inline
from bot.core.proposals import Proposal
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError, DuplicateEntryError

MARKER_KIND = "digest"
_CHECK_RE = re.compile(r"^\s*[-*] \[(?P<mark>[ xX])\] arXiv (?P<id>[^\s:]+):", re.M)


@dataclass(frozen=True)
class DigestEntry:
    arxiv_id: str
    section: str
    subsection: str | None
    line: str  # the canonical entry line the digest inserts
    ticked: bool = True

    @property
    def title(self) -> str:
        entry = parse_entry(self.line)
        return entry.title if entry else ""

    @property
    def url(self) -> str:
        entry = parse_entry(self.line)
        return entry.url if entry else ""


def from_proposal(proposal: Proposal) -> DigestEntry:
    return DigestEntry(
        proposal.paper.arxiv_id, proposal.section, proposal.subsection, render_entry(proposal.entry)
    )


def _marked_entries(body: str) -> list[Any]:
    """The marker's ``entries`` as found (a list, unless edited by hand)."""
    entries = (markers.find(body, MARKER_KIND) or {}).get("entries", [])
    return entries if isinstance(entries, list) else [entries]


def _usable(entry: Any) -> bool:
    """An entry of the marker as the bot writes it: id, section and line as text, subsection
    text or null."""
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(key), str) and entry[key] for key in ("arxiv_id", "section", "line"))
        and isinstance(entry.get("subsection"), str | None)
    )


def entries_of(body: str) -> list[DigestEntry]:
    """The papers of a digest PR body, with the tick state the checklist shows now (an entry of
    the marker edited out of shape by hand is left out: ``unusable_entries`` counts them)."""
    ticks = {match["id"]: match["mark"] != " " for match in _CHECK_RE.finditer(body)}
    return [
        DigestEntry(
            e["arxiv_id"], e["section"], e.get("subsection"), e["line"], ticks.get(e["arxiv_id"], True)
        )
        for e in _marked_entries(body)
        if _usable(e)
    ]


def checklist_ids(body: str) -> set[str]:
    """The ids of the checklist lines a PR body shows (``- [x] arXiv <id>:``), valid ids only:
    what a closed checklist PR whose hidden marker was edited out still says it proposed."""
    return {m["id"] for m in _CHECK_RE.finditer(body or "") if arxiv_ids.is_valid(m["id"])}


def unusable_entries(body: str) -> int:
    """How many entries of a digest PR's marker are not as the bot writes them (edited by hand):
    a rebuild from ``entries_of`` would drop those papers, so the jobs leave such a PR alone."""
    return sum(1 for e in _marked_entries(body) if not _usable(e))


def combine(
    previous: Sequence[DigestEntry], new: Iterable[DigestEntry], catalog: Catalog
) -> list[DigestEntry]:
    """The digest's papers: the previous ones with their tick state, then the new ones (ticked);
    papers now in the catalog leave the list."""
    by_id = {entry.arxiv_id: entry for entry in previous}
    for entry in new:
        by_id.setdefault(entry.arxiv_id, replace(entry, ticked=True))
    # the paper's own entry: a note under another entry that mentions its id does not list it
    return [e for e in by_id.values() if catalog.find_paper(e.arxiv_id, e.title) is None]


def digest_edit(entries: Sequence[DigestEntry], taxonomy: Taxonomy) -> Callable[[str], str]:
    """Insert every ticked paper (one already present is skipped)."""

    def edit(text: str) -> str:
        catalog = parse(text, taxonomy)
        for entry in entries:
            parsed = parse_entry(entry.line)
            if not entry.ticked or parsed is None:
                continue
            try:
                catalog = catalog.insert(parsed, entry.section, entry.subsection)
            except DuplicateEntryError:
                continue
        return catalog.render()

    return edit


def digest_change(
    entries: Sequence[DigestEntry], taxonomy: Taxonomy, catalog_path: str, branch: str
) -> ChangeRequest | None:
    """The digest PR for these papers; None when no paper is ticked (nothing to propose)."""
    ticked = [e for e in entries if e.ticked]
    if not ticked:
        return None
    marker = markers.make(
        MARKER_KIND,
        {
            "entries": [
                {"arxiv_id": e.arxiv_id, "section": e.section, "subsection": e.subsection, "line": e.line}
                for e in entries
            ]
        },
    )
    links = {e.arxiv_id: f"[{inline(e.title)}]({e.url})" for e in entries}
    context: dict[str, Any] = {
        "entries": entries,
        "ticked": ticked,
        "taxonomy": taxonomy,
        "marker": marker,
        "links": links,
    }
    title = templates.render("digest_title.txt.j2", **context).strip()
    return ChangeRequest(
        branch=branch,
        title=title,
        body=templates.render("digest_body.md.j2", **context),
        commit_message=title,
        path=catalog_path,
        edit=digest_edit(entries, taxonomy),
    )


def digest_for_run(
    previous: PullRequest | None,
    proposals: Sequence[Proposal],
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    branch: str,
) -> ChangeRequest | None:
    """What the poll job proposes in batch mode: the open digest (if any) plus this run's papers.
    An open digest whose marker was edited out of shape is not rewritten (its papers would be
    dropped): a ``CatalogError`` says so."""
    earlier = entries_of(previous.body) if previous is not None and previous.state == "open" else []
    if previous is not None and previous.state == "open" and (bad := unusable_entries(previous.body)):
        raise CatalogError(
            f"the open digest PR {previous.url or previous.branch} has {bad} paper(s) in its hidden "
            "marker that are not as the bot wrote them (edited by hand), so it is left as it is: "
            "undo the marker's edit or close the PR, and `/add` this run's accepted papers"
        )
    return digest_change(
        combine(earlier, map(from_proposal, proposals), catalog), taxonomy, catalog_path, branch
    )


def is_digest(pull: PullRequest) -> bool:
    """A checklist PR of this module (poll's batch mode, or a backfill section), by its marker."""
    return markers.find(pull.body, MARKER_KIND) is not None


def rejected_ids(pull: PullRequest) -> set[str]:
    """Papers a digest PR says no to: all of a digest closed unmerged, the unticked ones otherwise."""
    entries = entries_of(pull.body)
    if pull.said_no_by_closing:  # the checklist's lines too: a marker edited out of shape names none
        return {e.arxiv_id for e in entries} | checklist_ids(pull.body)
    return {e.arxiv_id for e in entries if not e.ticked}


def fitting_digest(
    previous: PullRequest | None,
    proposals: Sequence[Proposal],
    catalog: Catalog,
    taxonomy: Taxonomy,
    catalog_path: str,
    branch: str,
    limit: int | None = None,  # default: BODY_LIMIT
) -> tuple[ChangeRequest | None, int]:
    """``digest_for_run`` with as many of ``proposals`` (best first) as GitHub takes in one PR
    body, and how many were left out: a digest nobody merged for weeks (about 120 papers) would
    otherwise be refused whole. None when not even the open digest's own papers fit: it is full."""
    most = BODY_LIMIT if limit is None else limit
    for keep in range(len(proposals), -1, -1):
        change = digest_for_run(previous, proposals[:keep], catalog, taxonomy, catalog_path, branch)
        if change is None or len(change.body) <= most:
            return change, len(proposals) - keep
    return None, len(proposals)
