"""Replay: does the bot learn from its maintainers? Walk the labelled 2024 listings through
`refresh` + `poll` in local-git mode, with simulated maintainers.

    python bench/replay.py [--shared ../shared] [--catalog catalog.md] [--months 7-12]
        [--maintainers labels|scope] [--paper-store] [--without-section ID] [--whole-months]
        [--decisions FILE]

Two bots start from the same catalog (catalog.md without any paper of the replayed months) in
two throw-away git repositories, and poll the replayed months a week of listings at a time
(the labelled file holds days 1-7 and 15-21 of each month: two polls a month). After each poll
the simulated maintainers merge every bot PR whose paper the labels call in scope (label 1) and
close the rest. Both bots read their forge each run as the bot does: merged PRs are in the
catalog (positives), closed PRs are remembered as rejected (negatives, never proposed again).
The *learning* bot trains on that catalog and those rejections; the *frozen* bot keeps
scoring with the model trained at the start. Printed per month: proposals, precision (share
of proposals the labels call in scope), recall (share of labelled papers proposed) and routing
(share of merged papers the bot proposed to the section the full catalog files them in).

The maintainers also correct the section: a merged paper that the full catalog.md files in
another section is merged there (what a `/move` or an edit of the PR does). The learning bot
reads those corrections from its forge (``poll.routing_corrections``) as routing labels. The
learned models train against the shipped background minus the replayed months (so no replayed
paper is a negative, or a known positive, before it is polled).

``--maintainers scope``: maintainers who judge by SCOPE.md instead of following the curated
labels. They merge the papers in scope (labelled papers SCOPE.md does not exclude, and label-0
papers judged in scope: bench/data/scope-judgements-2024.jsonl), close the rest (borderline
included), and move a merged paper to the section SCOPE.md gives it
(bench/data/routing-judgements-2024.jsonl) when the bot chose none of its sections. Precision,
recall and routing are then counted on that yardstick, the acceptance measure's.

``--without-section ID``: both bots start from the catalog without that section's entries too
(and the background without its known in-scope papers), as if maintainers had just added the
section: a topic the catalog does not know. The learning bot learns it from the papers its
maintainers merge there; the frozen bot never does. A second table prints, per month, how many
of that section's papers in scope each bot proposed.

``--decisions FILE``: every paper each poll scored, per bot, as a JSON line (its score and the
parts of it: title model, abstract model, rule points; its section and runner-up; whether a PR
was opened, merged, routed right), so that the two bots' PRs and routes can be compared paper by
paper (round 27 of bench/RESULTS-scoring.md).

``--paper-store``: the learning bot also learns the merged papers' abstracts (positives of the
abstract model), as it does once the nightly job has put them in the paper store.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from score_quality import (  # noqa: E402
    LABELLED,
    catalog_without,
    catalog_without_months,
    catalog_without_section,
    in_scope_mask,
    outside_scope,
    routing_judgements,
)

from bot import config  # noqa: E402
from bot.core.candidates import Correction  # noqa: E402
from bot.core.catalog import Catalog  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.core.catalog_parse import parse  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.core.proposals import insert_edit, proposal_marker  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402
from bot.forge.local_git import IDENTITY, LocalGitForge  # noqa: E402
from bot.jobs import poll, refresh  # noqa: E402
from bot.scoring import background  # noqa: E402
from bot.scoring.scorer import Scorer, catalog_entries  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402
from bot.sources import paper_facts  # noqa: E402

CATALOG = "catalog.md"
# where a maintainer files a paper: the sections that are right for it (the first is where a
# move puts it) and the subsection
Home = tuple[tuple[str, ...], str | None]


def git(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    import os

    return subprocess.run(
        ["git", *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **IDENTITY, **(env or {})},
    ).stdout.strip()


def new_repo(folder: Path, catalog_text: str) -> LocalGitForge:
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    (folder / CATALOG).write_text(catalog_text, encoding="utf-8")
    git(folder, "add", CATALOG)
    git(folder, "commit", "-q", "-m", "the catalog")
    return LocalGitForge(folder, "main", branch_prefix="bot/")


def merge(
    forge: LocalGitForge,
    branch: str,
    marker: dict[str, Any],
    taxonomy: Taxonomy,
    home: tuple[str, str | None] | None = None,
) -> None:
    """What a maintainer's merge does: the PR's line lands in the catalog (in ``home`` when the
    maintainer moved it there), the branch is merged."""
    repo = forge.repo
    section, subsection = home or (marker["section"], marker.get("subsection"))
    text = insert_edit(marker["line"], section, subsection, taxonomy)(forge.read_file(CATALOG))
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=text)
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "read-tree", "main", env=env)
        git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{CATALOG}", env=env)
        tree = git(repo, "write-tree", env=env)
    commit = git(
        repo, "commit-tree", tree, "-p", "main", "-p", f"refs/heads/{branch}", stdin=f"Merge {branch}\n"
    )
    git(repo, "update-ref", "refs/heads/main", commit)


def maintainers(
    forge: LocalGitForge, labels: dict[str, int], homes: dict[str, Home], taxonomy: Taxonomy
) -> list[tuple[str, bool, bool | None]]:
    """Merge the open bot PRs whose paper is in scope (moved to its home section when the bot
    chose none of its right sections), close the others; returns (id, merged, routed right)."""
    decided: list[tuple[str, bool, bool | None]] = []
    for pull in forge.bot_pull_requests("open"):
        marker = proposal_marker(pull)
        if marker is None:
            continue
        keep = bool(labels.get(marker["arxiv_id"], 0))
        home = homes.get(marker["arxiv_id"])
        right = None if home is None or not keep else marker["section"] in home[0]
        if keep:
            moved = (home[0][0], home[1]) if home is not None and right is False else None
            merge(forge, pull.branch, marker, taxonomy, moved)
        else:
            forge.close_pull_request(pull, "out of scope")
        decided.append((marker["arxiv_id"], keep, right))
    return decided


def weeks(papers: list[Paper]) -> list[list[Paper]]:
    """The listings a week at a time (days 1-7 and 15-21 of each month), in date order."""
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[paper.date[:7] + ("a" if int(paper.date[8:10]) <= 10 else "b")].append(paper)
    return [groups[key] for key in sorted(groups)]


def months(text: str) -> tuple[int, int]:
    """``--months``: "7-12" (July to December) or "12" (December alone), as (first, last)."""
    parts = text.split("-")
    if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: months of 2024 as 7-12, or one month as 12")
    first, last = int(parts[0]), int(parts[-1])
    if not 1 <= first <= last <= 12:
        raise argparse.ArgumentTypeError(
            f"{text!r}: months of 2024 from 1 to 12, the first not after the last"
        )
    return first, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared",
        help="the shared folder (its data/ holds the labelled 2024 listings; default: ../shared)",
    )
    parser.add_argument(
        "--catalog", type=Path, default=ROOT / "catalog.md", help="the catalog both bots start from"
    )
    parser.add_argument(
        "--months",
        type=months,
        default=(7, 12),
        help="the months of 2024 to replay: 7-12 (the default), or one month: 12",
    )
    parser.add_argument(
        "--maintainers",
        choices=("labels", "scope"),
        default="labels",
        help="what the simulated maintainers merge: the curated labels' papers, or the papers in scope by SCOPE.md",
    )
    parser.add_argument(
        "--paper-store",
        action="store_true",
        help="the learning bot also learns the merged papers' abstracts, as from the nightly job's paper store",
    )
    parser.add_argument(
        "--without-section",
        metavar="ID",
        help="start both bots without this section's catalog entries (a topic new to the catalog)",
    )
    parser.add_argument(
        "--decisions",
        type=Path,
        metavar="FILE",
        help="write every scored paper of every poll, per bot, as JSON lines (score, its parts, "
        "section, runner-up, and what the maintainers did), to compare the two bots",
    )
    parser.add_argument(
        "--whole-months",
        action="store_true",
        help="start both bots without every catalog entry with an arXiv id of the replayed months, "
        "not only the replayed papers (as a bot deployed before those months would start)",
    )
    args = parser.parse_args()
    first, last = args.months
    taxonomy = config.load_taxonomy(ROOT / "config")
    keywords = config.load("keywords", ROOT / "config")
    papers = [
        paper_facts.enrich(p)
        for p in feeds.read_papers(args.shared / LABELLED)
        if first <= int(p.date[5:7]) <= last
    ]
    labels = {p.arxiv_id: int(bool(p.extra.get("label"))) for p in papers}
    full_catalog = read_catalog(args.catalog, taxonomy)
    homes: dict[str, Home] = {
        p.arxiv_id: ((item.section,), item.subsection)
        for p in papers
        if (item := full_catalog.find(p.arxiv_id, p.title)) is not None and item.section
    }
    if args.maintainers == "scope":
        raw = np.array([labels[p.arxiv_id] for p in papers])
        scoped = np.array([not outside_scope(p) for p in papers])
        labels = {
            p.arxiv_id: int(keep) for p, keep in zip(papers, in_scope_mask(papers, raw, scoped), strict=True)
        }
        judged = routing_judgements()
        homes = {i: (tuple(judged[i]), None) for i, keep in labels.items() if keep and judged.get(i)}
    start_catalog, removed = catalog_without(full_catalog, papers, taxonomy)
    if args.whole_months:
        start_catalog, others = catalog_without_months(
            start_catalog, {f"24{month:02d}" for month in range(first, last + 1)}, taxonomy
        )
        removed += others
    replayed = set(labels)
    negatives = [p for p in background.load(keywords) if p.arxiv_id not in replayed]
    if args.without_section:
        start_catalog, dropped = without_section(start_catalog, args.without_section, taxonomy)
        removed += dropped
        negatives = [
            p
            for p in negatives
            if not (
                p.extra.get("label")
                and (item := full_catalog.find(p.arxiv_id, p.title)) is not None
                and item.section == args.without_section
            )
        ]
    settings = poll.PollSettings(max_pull_requests=10_000)
    frozen_scorer = Scorer.train(start_catalog, taxonomy, keywords, background=negatives)

    by_id = {p.arxiv_id: p for p in papers}

    def learning(
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer:
        stored = (
            [by_id[e.arxiv_id] for e in catalog_entries(catalog, taxonomy) if e.arxiv_id in by_id]
            if args.paper_store
            else []
        )
        return Scorer.train(
            catalog,
            taxonomy,
            keywords,
            background=negatives,
            rejected=rejected,
            corrections=corrections,
            accepted=stored,
            merged=merged,
        )

    def frozen(
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer:
        del catalog, feed, rejected, corrections, merged  # it does not learn
        return frozen_scorer

    print(
        f"replaying months {first}-{last} of 2024: {len(papers)} papers, {sum(labels.values())} "
        f"{'labelled' if args.maintainers == 'labels' else 'judged'} in scope; {removed} catalog entries removed from the starting catalog; "
        f"{len(negatives)} background papers"
    )
    proposed: dict[str, dict[str, list[tuple[str, bool, bool | None]]]] = {
        "learning": defaultdict(list),
        "frozen": defaultdict(list),
    }
    started = time.perf_counter()
    records = args.decisions.open("w", encoding="utf-8") if args.decisions else None
    with tempfile.TemporaryDirectory() as scratch:
        bots = {
            name: (new_repo(Path(scratch) / name, start_catalog.render()), Remembering(train))
            for name, train in (("learning", learning), ("frozen", frozen))
        }
        for number, week in enumerate(weeks(papers)):
            month = week[0].date[:7]
            for name, (forge, train) in bots.items():
                refresh.run(forge, taxonomy, CATALOG)
                catalog = parse(forge.read_file(CATALOG), taxonomy)
                report = poll.run(week, catalog, taxonomy, forge, train, settings, io.StringIO())
                decided = maintainers(forge, labels, homes, taxonomy)
                proposed[name][month] += decided
                if records is not None:
                    write_decisions(records, name, number, report, decided, labels, homes, train)
    if records is not None:
        records.close()
    print(f"({time.perf_counter() - started:.0f} s)\n")
    in_scope: dict[str, int] = defaultdict(int)
    for paper in papers:
        in_scope[paper.date[:7]] += labels[paper.arxiv_id]
    print(
        f"{'month':<8} {'in scope':>8}   {'learning: PRs  precision  recall  routing':<43} "
        f"{'frozen: PRs  precision  recall  routing'}"
    )
    for month in [*sorted(in_scope), "all"]:
        row = f"{month:<8} {sum(in_scope.values()) if month == 'all' else in_scope[month]:>8}   "
        for name in ("learning", "frozen"):
            decided = (
                [d for m in proposed[name].values() for d in m] if month == "all" else proposed[name][month]
            )
            merged = sum(keep for _, keep, _ in decided)
            routed = [right for _, _, right in decided if right is not None]
            positives = sum(in_scope.values()) if month == "all" else in_scope[month]
            row += (
                f"{len(decided):>13}  {merged / max(1, len(decided)):>9.3f}  "
                f"{merged / max(1, positives):>6.3f}  {sum(routed) / max(1, len(routed)):>7.3f}     "
            )
        print(row.rstrip())
    if args.without_section:
        print_section_recall(args.without_section, papers, labels, homes, proposed)
    return 0


class Remembering:
    """A trainer that keeps the scorer it trained last (``--decisions`` reads its parts)."""

    def __init__(self, train: Any) -> None:
        self.train = train
        self.last: Scorer | None = None

    def __call__(
        self,
        catalog: Catalog,
        feed: list[Paper],
        rejected: list[Paper],
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer:
        self.last = self.train(catalog, feed, rejected, corrections, merged)
        return self.last


def write_decisions(
    out: io.TextIOBase | Any,
    bot: str,
    week: int,
    report: poll.PollReport,
    decided: list[tuple[str, bool, bool | None]],
    labels: dict[str, int],
    homes: dict[str, Home],
    train: Remembering,
) -> None:
    """One JSON line per paper the poll scored: its score and parts (title model, abstract model,
    rule points), the route, and what the maintainers did with its PR (if one was opened)."""
    outcome = {i: (merged, right) for i, merged, right in decided}
    scored = [paper for paper, _ in report.decisions]
    parts = train.last.components(scored) if scored and train.last is not None else None
    for k, (paper, decision) in enumerate(report.decisions):
        merged, right = outcome.get(paper.arxiv_id, (None, None))
        record = {
            "bot": bot,
            "week": week,
            "id": paper.arxiv_id,
            "title": paper.title,
            "in_scope": labels.get(paper.arxiv_id, 0),
            "homes": list(homes.get(paper.arxiv_id, ((), None))[0]),
            "score": round(decision.score, 4),
            "accept": decision.accept,
            "section": decision.section,
            "runner_up": decision.runner_up,
            "confidence": round(decision.confidence, 3),
            "proposed": paper.arxiv_id in outcome,
            "merged": merged,
            "routed_right": right,
        }
        if parts is not None:
            record |= {
                "learned": round(float(parts.learned[k]), 3),
                "abstract": round(float(parts.abstract[k]), 3),
                "rules": round(float(parts.rules[k]), 2),
            }
        out.write(json.dumps(record) + "\n")


def without_section(catalog: Catalog, section: str, taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog without the entries of ``section`` (and of its subsections); how many."""
    if section not in {s.id for s in taxonomy.sections if s.kind == "papers"}:
        raise SystemExit(f"--without-section: no paper section {section!r} in config/taxonomy.yml")
    return catalog_without_section(catalog, section, taxonomy)


def print_section_recall(
    section: str,
    papers: list[Paper],
    labels: dict[str, int],
    homes: dict[str, Home],
    proposed: dict[str, dict[str, list[tuple[str, bool, bool | None]]]],
) -> None:
    """Per month, the left-out section's papers in scope (their home is that section) and how
    many of them each bot proposed."""
    members = {
        p.arxiv_id: p.date[:7]
        for p in papers
        if labels[p.arxiv_id] and homes.get(p.arxiv_id, ((),))[0][:1] == (section,)
    }
    found = {name: {i for m in by_month.values() for i, _, _ in m} for name, by_month in proposed.items()}
    print(f"\nthe left-out section {section}: its papers in scope, and how many each bot proposed")
    print(f"{'month':<8} {'papers':>6}  {'learning':>8}  {'frozen':>6}")
    for month in [*sorted(set(members.values())), "all"]:
        ids = [i for i, m in members.items() if month in ("all", m)]
        counts = [sum(i in found[name] for i in ids) for name in ("learning", "frozen")]
        print(f"{month:<8} {len(ids):>6}  {counts[0]:>8}  {counts[1]:>6}")


if __name__ == "__main__":
    sys.exit(main())
