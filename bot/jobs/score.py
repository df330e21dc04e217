"""The score job: score and route every paper of a feed or JSONL file, and write the decisions.

``python -m bot score --input FILE --output OUT.jsonl [--catalog catalog.md]`` reads an arXiv
RSS/Atom file or a JSONL file of papers (gzipped or not), trains the scorer on the catalog
against the fixed background of older papers (``bot.scoring.background``; a background paper
that is also scored is scored by the model that did not see it), and writes one JSON
object per paper, in input order: ``arxiv_id, title, score, accept, threshold, section,
subsection, runner_up, confidence, needs_section, reasons, neighbours``. No dedupe, no
publishing: the interface for evaluating and tuning ``config/keywords.yml``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot import config
from bot.core import templates
from bot.core.catalog import Catalog
from bot.core.catalog_io import file_mode, read_catalog, refuse_folder
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.jobs import CATALOG_DEFAULT_HELP, catalog_file
from bot.scoring import Decision, Scorer, background, catalog_entries
from bot.sources import arxiv_rss as feeds

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ScoreReport:
    papers: int
    accepted: int
    needs_section: int
    threshold: float
    sections: tuple[tuple[str, int], ...]  # accepted papers per section, most first
    top: tuple[tuple[Paper, Decision], ...]  # the best-scored papers
    gated: int = 0  # at or above the threshold, held back by the categories gate


def records(papers: Sequence[Paper], decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    """The output lines' objects, in input order."""
    out = []
    for paper, decision in zip(papers, decisions, strict=True):
        record = decision.to_record()
        out.append(
            {
                "arxiv_id": paper.arxiv_id,
                "title": paper.title,
                **{k: v for k, v in record.items() if k != "arxiv_id"},
            }
        )
    return out


def training_counts(catalog: Catalog, taxonomy: Taxonomy, keywords: dict[str, Any]) -> tuple[int, int, int]:
    """(catalog paper entries, background papers known in scope, other background papers): what
    the learned part trains on (the background is read once per process)."""
    negatives = background.load(keywords)
    known = sum(1 for p in negatives if p.extra.get("label"))
    return len(catalog_entries(catalog, taxonomy)), known, len(negatives) - known


def run(
    papers: Sequence[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    keywords: dict[str, Any],
    out: TextIO,
    cache_dir: Path | None = None,
    progress: Progress = lambda _: None,
) -> ScoreReport:
    """Train on ``catalog`` against the fixed background, score ``papers``, write one JSON line
    each to ``out``."""
    negatives = background.load(keywords)
    entries, known, others = training_counts(catalog, taxonomy, keywords)
    progress(
        f"training on {entries} catalog entries and {known} papers known to be in scope against "
        f"{others} background papers"
    )
    scorer = Scorer.train(catalog, taxonomy, keywords, background=negatives, cache_dir=cache_dir)
    progress(f"scoring {len(papers)} papers")
    decisions = scorer.score(papers)
    for record in records(papers, decisions):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    accepted = [d for d in decisions if d.accept]
    ranked = sorted(zip(papers, decisions, strict=True), key=lambda pd: -pd[1].score)
    return ScoreReport(
        len(papers),
        len(accepted),
        sum(d.needs_section for d in accepted),
        scorer.settings.threshold,
        tuple(Counter(d.section for d in accepted).most_common()),
        tuple(ranked[:5]),
        sum(not d.in_categories and d.score >= d.threshold for d in decisions),
    )


def check_output(path: Path) -> None:
    """Before training: ``path`` can be written (its missing folders are created then), or a
    BotError says why and what to pass instead."""
    refuse_folder(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise BotError(
            f"cannot write {path}: {folder} is a file, not a folder; pass --output with a path "
            "in a folder (missing folders are created)"
        )
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise BotError(f"cannot write {path}: permission denied; pass --output with a file you can write")


def write_atomically(path: Path, write: Callable[[TextIO], ScoreReport]) -> ScoreReport:
    """Write through a temporary file next to ``path``: a failed run leaves no partial file."""
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = file_mode(path)  # mkstemp's 600 would make the output unreadable to the group
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            report = write(handle)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return report


WEAK_CATALOG = 100  # fewer catalog entries than this: few positives for the learned model


def learned_part_warnings(background_papers: int, entries: int, keywords: dict[str, Any]) -> list[str]:
    """Say when the learned half of the score is off or weak, so a run is not read as the model's
    judgement. It learns the catalog's paper entries against the fixed background (not against
    the papers scored: a run of five papers gets the same learned score as a whole day)."""
    minimum = int(keywords["scoring"]["learned"]["min_background"])
    if background_papers < minimum:
        return [
            f"the scoring background has only {background_papers} paper(s), fewer than "
            f"scoring.learned.min_background ({minimum}): the learned part is off, the keyword "
            "rules alone decide; point scoring.background in config/keywords.yml at a larger "
            "sample of past papers, or unset it for the shipped one (docs/scoring.md)"
        ]
    if entries == 0:
        return [
            "the catalog has no paper entries: the learned part is off, the keyword rules alone "
            "decide; pass --catalog with the catalog to learn from"
        ]
    if entries < WEAK_CATALOG:
        return [
            f"the catalog has only {entries} entries (fewer than {WEAK_CATALOG}): the learned "
            "part is weak, the keyword rules weigh most"
        ]
    return []


def _progress(message: str) -> None:
    log.info("… %s", message)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        type=Path,
        default=None,
        help="an arXiv RSS/Atom file, or a JSONL file of papers (.gz or not); "
        "default: the recorded sample day of arXiv shipped with the bot",
    )
    parser.add_argument(
        "--output", type=Path, required=True, help="where to write one JSON object per paper ('-' for stdout)"
    )
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help=f"the catalog to learn from (default: {CATALOG_DEFAULT_HELP})",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="reuse a model trained from the same catalog, config and papers "
        "(e.g. .catalog-bot-cache); default: train every run",
    )


def main(args: argparse.Namespace) -> int:
    taxonomy = config.load_taxonomy()
    keywords = config.load("keywords")
    catalog_path = catalog_file(args.catalog)
    catalog = read_catalog(catalog_path, taxonomy)
    if args.input is None:
        args.input = feeds.PACKAGED_SAMPLE_FEED
    if str(args.output) != "-":
        for what, path in (("--input", args.input), ("catalog", catalog_path)):
            if args.output.resolve() == Path(path).resolve():
                raise BotError(
                    f"--output {args.output} is the {what} file: the decisions would replace it; "
                    "pass another --output path"
                )
    _progress(f"reading {args.input}")
    papers = feeds.read_papers(args.input, "--input")
    if not papers:
        raise BotError(f"{args.input} has no papers to score; pass a feed or JSONL file with papers")
    to_stdout = str(args.output) == "-"
    if not to_stdout:
        check_output(args.output)  # before the papers are scored, not after
    entries, _, others = training_counts(catalog, taxonomy, keywords)
    for warning in learned_part_warnings(others, entries, keywords):
        print(f"warning: {warning}", file=sys.stderr)

    def write(out: TextIO) -> ScoreReport:
        return run(papers, catalog, taxonomy, keywords, out, args.cache_dir, _progress)

    report = write(sys.stdout) if to_stdout else write_atomically(args.output, write)
    output = "stdout" if to_stdout else args.output
    summary = templates.render("score_summary.txt.j2", r=report, input=args.input, output=output)
    print(summary.rstrip(), file=sys.stderr if to_stdout else sys.stdout)
    return 0
