"""What the bot proposes for one paper: its entry, its branch, its pull request.

Shared by the poll job and the issue commands, so that a paper proposed either way gets the
same branch, the same one-line edit and a PR body of the same shape. The hidden marker records
everything needed to rebuild the PR later (``bot.jobs.refresh``): id, section and the entry line.

Poll and backfill also share, from here, the scorer they are given (``TrainScorer`` ->
``Scorer``), their settings (``PollSettings``) and the proposal a scored paper becomes
(``proposal_for``, labels included).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.core import arxiv_ids, markdown, markers, templates
from bot.core.branches import BranchNames
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.changes import ChangeRequest, PullRequest
from bot.core.entry import Entry, parse_entry, render_entry
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.core.text import cap, clean_abstract

if TYPE_CHECKING:  # the scorer pulls in scikit-learn: import it only where it runs
    from bot.core.candidates import Correction  # (which imports this module)
    from bot.scoring import Decision

MARKER_KIND = "arxiv"
MAX_ABSTRACT = 3000  # characters of the abstract shown in a PR body


def paper_entry(paper: Paper, code_url: str | None = None) -> Entry:
    year, month = arxiv_ids.month_year(paper.arxiv_id)
    return Entry(
        title=paper.title,
        url=arxiv_ids.abs_url(paper.arxiv_id),
        authors=paper.authors,
        arxiv_id=paper.arxiv_id,
        year=year,
        month=month,
        venue=paper.venue,
        pdf_url=arxiv_ids.pdf_url(paper.arxiv_id),
        code_url=code_url or paper.code_url,
    )


@functools.lru_cache(maxsize=1)
def parsed_once(text: str, taxonomy: Taxonomy) -> Catalog:
    """The catalog of ``text``, parsed once for the PRs of a run: each is built on the same
    default branch, whose text was parsed again for every PR (1.2 s at 5,000 entries). Safe to
    share: an edit returns a new ``Catalog``, built from a copy of the lines."""
    return parse(text, taxonomy)


def insert_edit(line: str, section: str, subsection: str | None, taxonomy: Taxonomy) -> Callable[[str], str]:
    """The pure edit a PR applies: insert the entry line into the catalog text."""
    entry = parse_entry(line)
    if entry is None:
        raise ValueError(f"not a canonical entry line: {line!r}")

    def edit(text: str) -> str:
        return parsed_once(text, taxonomy).insert(entry, section, subsection).render()

    return edit


EDIT_MARKER_KIND = "catalog-edit"  # the PRs of /remove and /move
MAINTENANCE_MARKER_KIND = "nightly-maintenance"  # the nightly job's rolling PR


def catalog_edit(
    arxiv_id: str, placement: tuple[str, str | None] | None, taxonomy: Taxonomy
) -> Callable[[str], str]:
    """The pure edit of a /remove (``placement`` None) or /move PR, applied by the forge to the
    catalog on the current default branch. The PR's ``catalog-edit`` marker holds these arguments."""

    def edit(text: str) -> str:
        catalog = parsed_once(text, taxonomy)
        if placement is None:
            return catalog.remove(arxiv_id).render()
        return catalog.move(arxiv_id, *placement).render()

    return edit


@dataclass(frozen=True)
class Proposal:
    """One paper the bot wants in the catalog, with why."""

    paper: Paper
    entry: Entry
    section: str
    subsection: str | None = None
    score: float | None = None
    threshold: float | None = None
    confidence: float | None = None
    runner_up: str | None = None
    needs_section: bool = False
    needs_section_label: str = "needs-section"  # config/poll.yml's: what the PR's note names
    reasons: Sequence[str] = ()
    neighbours: Sequence[Any] = ()  # (title, arxiv_id, line, similarity)
    requested_by: str | None = None  # a person, for /add
    request_url: str | None = None
    # anyone else's /add: the maintainer whose /approve opened it, the revision, and where
    approved_by: str | None = None
    approved_revision: str | None = None
    approved_url: str | None = None
    labels: tuple[str, ...] = field(default_factory=tuple)
    # where the PR first proposed the paper, when an /add on it moved it since: merged, the
    # paper is a routing label (``candidates.routing_corrections``), as if moved after merging
    first_placement: tuple[str, str | None] | None = None


def marker_for(proposal: Proposal) -> str:
    data: dict[str, Any] = {
        "arxiv_id": proposal.paper.arxiv_id,
        "section": proposal.section,
        "subsection": proposal.subsection,
        "line": render_entry(proposal.entry),
    }
    first = proposal.first_placement
    if first is not None and first != (proposal.section, proposal.subsection):
        data["first"] = {"section": first[0], "subsection": first[1]}
    return markers.make(MARKER_KIND, data)


def first_placement(data: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """Where a bot PR's marker (``proposal_marker``) says the PR first proposed its paper: its
    ``first`` placement, else its section and subsection; None when they are not as written."""
    first = data.get("first")
    place = first if isinstance(first, dict) else data
    section, subsection = place.get("section"), place.get("subsection")
    if not isinstance(section, str) or not isinstance(subsection, str | None):
        return None
    return section, subsection


def proposal_marker(pull_request: PullRequest) -> dict[str, Any] | None:
    """The data a bot PR carries about its paper: None for PRs without one, and for a marker whose
    values are not of the kinds the bot writes (edited by hand: an id that is no text, a line that
    is a number), which every reader then takes as no marker instead of failing on it."""
    data = markers.find(pull_request.body, MARKER_KIND)
    if data is None or not isinstance(data.get("arxiv_id"), str) or not data["arxiv_id"].strip():
        return None
    if any(key in data and not isinstance(data[key], str) for key in ("section", "line")):
        return None
    if data.get("subsection") is not None and not isinstance(data["subsection"], str):
        return None
    return data


# where a paper PR's body shows the abstract (pr_body.md.j2), escaped as inline markdown
_ABSTRACT_START, _ABSTRACT_END = "<details><summary>Abstract</summary>\n\n", "\n\n</details>"


def abstract_of(body: str) -> str:
    """The abstract a bot PR's body shows, as plain text ("" when it shows none: an older PR, a
    template without it): what the scorer learns of a closed or moved paper, so that it reads
    that paper as it reads a new one, title and abstract (at most ``MAX_ABSTRACT`` characters: a
    body edited by hand may hold 65,536; GitHub's web editor writes its line ends as CRLF)."""
    text = (body or "").replace("\r\n", "\n")
    start = text.find(_ABSTRACT_START)
    end = text.find(_ABSTRACT_END, start) if start >= 0 else -1
    if end < 0:
        return ""
    return cap(markdown.inline_text(" ".join(text[start + len(_ABSTRACT_START) : end].split())), MAX_ABSTRACT)


_QUOTED = re.compile(r'"[^"]*"')  # the words a reason quotes from the paper


def shown_runner_up(proposal: Proposal) -> str | None:
    """The runner-up section a PR names ("or else ..."): when the route is unsure (needs-section),
    or when the paper's own words point to it (a keyword of that section among the reasons). An
    activation-sparsity paper routed to pruning read "or else Efficient Fine-tuning" with no word
    of fine-tuning in it: no help to the one who checks the route."""
    runner_up = proposal.runner_up
    if not runner_up or proposal.needs_section:
        return runner_up
    named = re.compile(rf"[(,/ ]{re.escape(runner_up)}[),/]")
    keywords = (_QUOTED.sub("", r) for r in proposal.reasons if r.startswith("keywords in"))
    return runner_up if any(named.search(reason) for reason in keywords) else None


def change_request(
    proposal: Proposal, taxonomy: Taxonomy, catalog_path: str, branches: BranchNames
) -> ChangeRequest:
    """The paper's PR, on its branch ``branches.paper(id)``."""
    line = render_entry(proposal.entry)
    section = taxonomy.get(proposal.section)
    subsection = taxonomy.get(proposal.section, proposal.subsection) if proposal.subsection else None
    context: dict[str, Any] = dict(
        p=proposal,
        paper=proposal.paper,
        entry=proposal.entry,
        line=line,
        section=section,
        subsection=subsection,
        runner_up=taxonomy.get(runner_up) if (runner_up := shown_runner_up(proposal)) else None,
        abstract=templates.escape_text(
            " ".join(clean_abstract(proposal.paper.abstract).split()), MAX_ABSTRACT
        ),
        marker=marker_for(proposal),
        title_text=templates.escape_text(proposal.entry.title),
        authors_text=templates.escape_text(
            ", ".join(proposal.entry.authors) + (" et al." if proposal.entry.et_al else "")
        ),
        venue_text=templates.escape_text(proposal.entry.venue),
    )
    title = templates.render("pr_title.txt.j2", **context).strip()
    return ChangeRequest(
        branch=branches.paper(proposal.paper.arxiv_id),
        title=title,
        body=templates.render("pr_body.md.j2", **context),
        commit_message=title,
        path=catalog_path,
        edit=insert_edit(line, proposal.section, proposal.subsection, taxonomy),
        labels=proposal.labels,
    )


# -- what a scored paper becomes (poll, backfill) ---------------------------------------------


class Scorer(Protocol):
    def score(self, papers: Sequence[Paper]) -> Sequence[Decision]: ...


class TrainScorer(Protocol):
    """(catalog, feed, rejected papers, routing corrections, merged PRs' arXiv ids) -> a trained
    scorer."""

    def __call__(
        self,
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer: ...


@dataclass(frozen=True)
class PollSettings:
    catalog_path: str = "catalog.md"
    max_pull_requests: int = 20
    labels: tuple[str, ...] = ("new-paper",)
    section_labels: bool = True
    needs_section_label: str = "needs-section"
    near_misses: int = 5
    dry_run: bool = False
    batch_mode: bool = False  # one digest PR per run (config/github.yml)
    branches: BranchNames = BranchNames.from_prefix("bot/")  # config/github.yml branch_prefix

    @classmethod
    def from_config(cls, data: dict[str, Any], github: dict[str, Any], dry_run: bool = False) -> PollSettings:
        """From the loaded config/poll.yml and config/github.yml (schema defaults merged)."""
        return cls(
            catalog_path=data["catalog"],
            max_pull_requests=data["max_pull_requests"],
            labels=tuple(data["labels"]),
            section_labels=data["section_labels"],
            needs_section_label=data["needs_section_label"],
            near_misses=data["near_misses"],
            dry_run=dry_run,
            batch_mode=bool(github["batch_mode"]),
            branches=BranchNames.from_config(github),
        )


def proposal_for(paper: Paper, decision: Decision, settings: PollSettings) -> Proposal:
    labels = list(settings.labels)
    if settings.section_labels:
        labels.append(f"section:{decision.section}")
    if decision.needs_section:
        labels.append(settings.needs_section_label)
    return Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section=decision.section,
        subsection=decision.subsection,
        score=decision.score,
        threshold=decision.threshold,
        confidence=decision.confidence,
        runner_up=decision.runner_up,
        needs_section=decision.needs_section,
        needs_section_label=settings.needs_section_label,
        reasons=list(decision.reasons),
        neighbours=list(decision.neighbours),
        labels=tuple(labels),
    )
