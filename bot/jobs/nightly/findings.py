"""What one nightly run finds, as data and pure functions, gathered in one place: the settings and
values (``model``), link fixes (``fixes``: permanent redirects, https twins), dead links over two
nights (``dead_links``) and withdrawn papers (``withdrawn``). No I/O: the job
(``bot.jobs.nightly``) checks, publishes and reports."""

from __future__ import annotations

from bot.jobs.nightly.dead_links import (
    PACKED,
    assess_links,
    fit_state,
    is_inconclusive,
    link_counts,
    pack_state,
    previous_state,
    settled_state,
    streak_order,
)
from bot.jobs.nightly.fixes import doubtful_redirect, https_twin, link_fixes, maintenance_edit, moved_entry
from bot.jobs.nightly.model import (
    ISSUE_BODY_LIMIT,
    ISSUE_MARKER,
    PR_BODY_LIMIT,
    PR_MARKER,
    STATE_VERSION,
    UNREACHED,
    FixReason,
    LinkFix,
    LinkProblem,
    Night,
    NightlyResult,
    NightlySettings,
    link_problem,
)
from bot.jobs.nightly.withdrawn import store_withdrawn, withdrawn_papers

__all__ = [
    "ISSUE_BODY_LIMIT",
    "ISSUE_MARKER",
    "PACKED",
    "PR_BODY_LIMIT",
    "PR_MARKER",
    "STATE_VERSION",
    "UNREACHED",
    "FixReason",
    "LinkFix",
    "LinkProblem",
    "Night",
    "NightlyResult",
    "NightlySettings",
    "assess_links",
    "doubtful_redirect",
    "fit_state",
    "https_twin",
    "is_inconclusive",
    "link_counts",
    "link_fixes",
    "link_problem",
    "maintenance_edit",
    "moved_entry",
    "pack_state",
    "previous_state",
    "settled_state",
    "store_withdrawn",
    "streak_order",
    "withdrawn_papers",
]
