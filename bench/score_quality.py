"""Benchmark: relevance quality on the 2024 labelled papers, and section routing accuracy.

    python bench/score_quality.py [--shared ../shared] [--catalog catalog.md] [--show 10]
        [--skip-relevance] [--skip-loso] [--skip-routing] [--show-misses] [--show-judged-errors]

Relevance. The catalog is built from curated lists that overlap the labels, so every paper of
the evaluation half is first removed from the training catalog (by arXiv id and by fuzzy title).
Time split: the evaluation is one half of 2024 (months 1-6 or 7-12); the learned model is trained
against the shipped fixed background (bot/scoring/data/background.jsonl.gz, label-0 papers of
2024) minus every evaluated paper, i.e. against the other half's sample, as the bot runs. Both
directions are reported, and their mean. Figures: average precision (AP), and recall and
precision in the top 3 x positives (the review budget), for rules only, the title model only, the
abstract model only (trained on the background's labelled positives of the other half-year),
combined, and the yardstick the bot must beat: a plain tf-idf + logistic regression trained on
the other half-year's labels. Labels are a lower bound and the ~20 curated lists reach wider than SCOPE.md: the
"in scope" rows leave out the positives that the lists file only under sections the scope
excludes (bench/make_background.py OUT_OF_SCOPE: technical reports, applications, alignment-style
distillation...), neither positive nor negative.

Leave one section out. For each section, its entries are also removed from the training catalog
and the recall of the labelled papers the catalog files there is measured (a topic the catalog
does not know must still be found through the rules and the taxonomy's descriptions).

Routing. 5-fold over the catalog's paper entries: train on four fifths, route the held-out
titles, compare with the section they are in (per section, top-1, top-2, folds 1-3 where the
routing rules were tuned apart from folds 4-5, and how the needs-section flag splits them). Then the 2024 papers the catalog holds, routed from their
title and abstract (as new papers arrive) and from the title alone. Last, the 2024 papers in
scope with a routing judgement (the sections SCOPE.md gives), each half-year routed by a bot
trained without it, and how the needs-section flag splits them: what a maintainer sees.

The main figures come with 95% intervals (bench/intervals.py): a few hundred papers in scope
per half-year cannot tell a figure from one a few points away.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from scipy.stats import rankdata
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import intervals  # noqa: E402
import second_looks  # noqa: E402
from make_background import JUDGEMENTS, OUT_OF_SCOPE, judgements  # noqa: E402

from bot import config  # noqa: E402
from bot.core.catalog import Catalog, Item  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402
from bot.core.catalog_parse import parse  # noqa: E402
from bot.core.matching import title_key  # noqa: E402
from bot.core.paper import Paper  # noqa: E402
from bot.core.taxonomy import Taxonomy  # noqa: E402
from bot.scoring import background  # noqa: E402
from bot.scoring.patterns import matched_words  # noqa: E402
from bot.scoring.scorer import Components, Scorer, catalog_entries, signed_log  # noqa: E402
from bot.sources import arxiv_rss as feeds  # noqa: E402

LABELLED = "data/arxiv-2024-cs.AI-labeled.jsonl.gz"
# The labelled 2024 papers the catalog holds, with the sections SCOPE.md gives them (the
# catalog's curated lists file some by technique where the scope routes by goal: a benchmark of
# quantized models is a survey; some are misfiled: a binarization paper under KV cache).
ROUTING_JUDGEMENTS = Path(__file__).resolve().parent / "data" / "routing-judgements-2024.jsonl"
FUZZY_SAME_TITLE = 90.0
FOLDS = 5


@dataclass(frozen=True)
class Metrics:
    ap: float
    recall: float
    precision: float

    def row(self) -> str:
        return f"AP {self.ap:.3f}  R@3P {self.recall:.3f}  P@3P {self.precision:.3f}"


def metrics(labels: np.ndarray, scores: np.ndarray) -> Metrics:
    recall = intervals.recall_at_budget(labels, scores)
    positives = int(labels.sum())
    budget = min(3 * positives, len(labels))  # the top 3 x positives
    return Metrics(float(average_precision_score(labels, scores)), recall, recall * positives / budget)


def catalog_without(catalog: Catalog, papers: list[Paper], taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog minus every entry that is one of ``papers`` (same id, or titles alike)."""
    ids = {p.arxiv_id for p in papers}
    keys = [title_key(p.title) for p in papers]
    entries = catalog.entries()
    scores = process.cdist(
        [i.title_key for i in entries], keys, scorer=fuzz.ratio, score_cutoff=FUZZY_SAME_TITLE, workers=-1
    )
    drop: list[Item] = [
        item
        for row, item in enumerate(entries)
        if set(item.arxiv_ids) & ids or (item.title_key and scores[row].max() > 0)
    ]
    return _without_items(catalog, drop, taxonomy), len(drop)


def catalog_without_months(catalog: Catalog, months: set[str], taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog minus every entry with an arXiv id of ``months`` ("2407" for July 2024): the
    papers of the evaluated months that the labelled file does not hold (cs.LG only, other days)."""
    drop = [item for item in catalog.entries() if any(i[:4] in months for i in item.arxiv_ids)]
    return _without_items(catalog, drop, taxonomy), len(drop)


def catalog_without_section(catalog: Catalog, section: str, taxonomy: Taxonomy) -> tuple[Catalog, int]:
    """The catalog minus every entry of ``section`` (and of its subsections); how many."""
    drop = [item for item in catalog.entries() if item.section == section]
    return _without_items(catalog, drop, taxonomy), len(drop)


def _without_items(catalog: Catalog, drop: list[Item], taxonomy: Taxonomy) -> Catalog:
    dropped_lines = {line for item in drop for line in range(item.start, item.end)}
    text = "".join(line for i, line in enumerate(catalog.lines) if i not in dropped_lines)
    return parse(text, taxonomy)


def background_without(keywords: dict, papers: list[Paper]) -> list[Paper]:
    """The shipped fixed background minus ``papers`` (never train on what is evaluated)."""
    ids = {p.arxiv_id for p in papers}
    return [p for p in background.load(keywords) if p.arxiv_id not in ids]


def halves_of(papers: list[Paper]) -> dict[str, list[Paper]]:
    return {
        "1-6": [p for p in papers if p.date[5:7] <= "06"],
        "7-12": [p for p in papers if p.date[5:7] > "06"],
    }


def relevance_folds(
    papers: list[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    keywords: dict,
    show: int,
    whole_months: bool = False,
    show_errors: bool = False,
    show_budget: bool = False,
) -> dict[str, list[Metrics]]:
    halves = halves_of(papers)
    results: dict[str, list[Metrics]] = defaultdict(list)
    for eval_name in ("7-12", "1-6"):
        evaluation = halves[eval_name]
        training, removed = catalog_without(catalog, evaluation, taxonomy)
        others = 0
        if whole_months:
            training, others = catalog_without_months(
                training, {"24" + p.date[5:7] for p in evaluation}, taxonomy
            )
        labels = np.array([int(bool(p.extra.get("label"))) for p in evaluation])
        negatives = background_without(keywords, evaluation)
        print(
            f"\ncatalog without the evaluated papers of months {eval_name}"
            + (f" and {others} other entries with an id of those months" if whole_months else "")
            + f", evaluated on months {eval_name}: "
            f"{len(evaluation)} papers, {labels.sum()} positives; {removed} of them removed "
            f"from the training catalog ({len(catalog_entries(training, taxonomy))} entries left); "
            f"{len(negatives)} background papers (the shipped sample minus the evaluated months)"
        )
        mode = "fixed background"
        start = time.perf_counter()
        scorer = Scorer.train(training, taxonomy, keywords, background=negatives)
        parts = scorer.components(evaluation)
        seconds = time.perf_counter() - start
        variants = {
            "rules only": parts.rules,
            "title model only": parts.learned,
            "abstract model only": parts.abstract,
            "combined": parts.combined,
            "yardstick: tf-idf + LR": label_baseline(
                halves["1-6" if eval_name == "7-12" else "7-12"], evaluation
            ),
        }
        scoped = np.array([not outside_scope(p) for p in evaluation])
        for name, scores in variants.items():
            found = metrics(labels, np.asarray(scores, dtype=float))
            results[f"{mode} / {name}"].append(found)
            print(f"  {mode:<16} {name:<19} {found.row()}")
            if name == "combined":
                print(f"  {mode:<16} {'combined, 95% interval':<19} {intervals.ranking(labels, scores)}")
        found = metrics(labels[scoped], np.asarray(parts.combined, dtype=float)[scoped])
        results[f"{mode} / combined, in scope"].append(found)
        print(f"  {mode:<16} {'combined, in scope':<19} {found.row()}  ({labels[scoped].sum()} positives)")
        yardstick = np.asarray(variants["yardstick: tf-idf + LR"], dtype=float)
        found = metrics(labels[scoped], yardstick[scoped])
        results[f"{mode} / yardstick, in scope"].append(found)
        print(f"  {mode:<16} {'yardstick, in scope':<19} {found.row()}")
        judged = in_scope_mask(evaluation, labels, scoped)
        found = metrics(judged.astype(int), np.asarray(parts.combined, dtype=float))
        results[f"{mode} / combined, in scope with judgements"].append(found)
        print(
            f"  {mode:<16} {'combined, in scope with judgements':<19} {found.row()}  ({judged.sum()} positives: "
            "labels in scope and label-0 papers judged in scope)"
        )
        hidden, weights = second_looks.with_unjudged([p.arxiv_id for p in evaluation], judged.tolist())
        weighted_ap = average_precision_score(hidden, parts.combined, sample_weight=weights)
        print(
            f"  {mode:<16} {'combined, in scope with judgements and the unjudged sample':<19} AP {weighted_ap:.3f}  "
            f"({sum(hidden) - int(judged.sum())} sampled unjudged papers in scope, weighted as the papers they stand for)"
        )
        accepted = (parts.combined >= scorer.settings.threshold) & np.array(
            [r.category_ok for r in parts.rule_results]
        )
        hits = int(labels[accepted].sum())
        in_scope_recall = int(labels[accepted & scoped].sum()) / int(labels[scoped].sum())
        print(
            f"  {mode:<16} threshold {scorer.settings.threshold:.2f}: {accepted.sum()} accepted, "
            f"precision {hits / max(1, accepted.sum()):.3f}, recall {hits / labels.sum():.3f} "
            f"(in scope {in_scope_recall:.3f})  ({seconds:.1f} s)"
        )
        print(f"  {mode:<16} {judged_precision(evaluation, labels, scoped, accepted)}")
        print(
            f"  {mode:<16} "
            + second_looks.recall_with_unjudged(
                [p.arxiv_id for p in evaluation],
                [bool(a) for a in accepted],
                int((accepted & judged).sum()),  # judged: the papers in scope, labelled or judged
                int(judged.sum()),
            )
        )
        print(f"  {mode:<16} {scope_ceilings(evaluation, labels, scoped)}")
        print(f"  {mode:<16} {judged_ceilings(evaluation, labels, scoped, parts.combined)}")
        if show:
            show_top_unlabelled(evaluation, labels, parts.combined, show)
        if show_errors:
            print("\n".join(judged_errors(evaluation, labels, scoped, accepted, parts)))
        if show_budget:
            print("\n".join(budget_misses(evaluation, labels, scoped, parts)))
    return results


def label_baseline(training: list[Paper], evaluation: list[Paper]) -> np.ndarray:
    """The issue's yardstick: a plain tf-idf + logistic regression trained on the other half-year's
    labels (title twice, abstract; word 1-2 grams), which the bot has to out-rank."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, stop_words="english")

    def texts(papers: list[Paper]) -> list[str]:
        return [f"{p.title} {p.title} {p.abstract}" for p in papers]

    labels = [int(bool(p.extra.get("label"))) for p in training]
    model = LogisticRegression(C=16, max_iter=3000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(texts(training)), labels)
    return model.decision_function(vectorizer.transform(texts(evaluation)))


def judged_precision(
    papers: list[Paper], labels: np.ndarray, scoped: np.ndarray, accepted: np.ndarray
) -> str:
    """Precision as the acceptance measure counts it (in scope by SCOPE.md): accepted labelled
    positives in scope, plus accepted label-0 papers judged in scope (bench/data/: the
    judgements, and the graded samples of unjudged papers); accepted label-0 papers nobody
    judged are counted out (a lower bound) and reported. Recall: the papers in scope (labelled or
    judged; the samples' papers are counted by second_looks) that are accepted."""
    sampled = second_looks.sample_grades()
    grade = np.array([scope_grades().get(p.arxiv_id, sampled.get(p.arxiv_id, -1)) for p in papers])
    in_scope = in_scope_mask(papers, labels, scoped)
    good = int((accepted & (in_scope | ((labels == 0) & (grade == 2)))).sum())
    found = int((accepted & in_scope).sum())
    judged_out = int((accepted & (grade >= 0) & (grade < 2)).sum())
    unjudged = int((accepted & (labels == 0) & (grade < 0)).sum())
    total = max(1, int(accepted.sum()))
    return (
        f"judged against SCOPE.md: {good} of {accepted.sum()} accepted in scope (precision {good / total:.3f} "
        f"{intervals.proportion(good, int(accepted.sum()))}), "
        f"{judged_out} judged out of scope or borderline, {unjudged} not judged; "
        f"recall of the papers in scope (labels in scope and judged ones) {found / max(1, int(in_scope.sum())):.3f} "
        f"{intervals.proportion(found, int(in_scope.sum()))} (95% intervals)"
    )


def judged_errors(
    papers: list[Paper], labels: np.ndarray, scoped: np.ndarray, accepted: np.ndarray, parts: Components
) -> list[str]:
    """The papers behind the precision and recall that ``judged_precision`` prints, best score
    first: the accepted papers it counts out of scope (a labelled pick SCOPE.md excludes, a
    label-0 paper judged out of scope or borderline, or not judged), then the papers in scope it
    counts as missed, each with the parts of its score and its strongest rule matches."""
    sampled = second_looks.sample_grades()
    grade = np.array([scope_grades().get(p.arxiv_id, sampled.get(p.arxiv_id, -1)) for p in papers])
    in_scope = in_scope_mask(papers, labels, scoped)
    out = accepted & ~(in_scope | ((labels == 0) & (grade == 2)))
    missed = in_scope & ~accepted
    lines = []
    for title, chosen in (("accepted, counted out of scope", out), ("in scope, not accepted", missed)):
        order = sorted(np.flatnonzero(chosen).tolist(), key=lambda i: -parts.combined[i])
        lines.append(
            f"  {title} ({len(order)}): score, title model, abstract model, rule points, why, matches"
        )
        lines += [
            error_line(papers[i], i, parts, error_kind(int(labels[i]), bool(scoped[i]), int(grade[i])))
            for i in order
        ]
    return lines


def budget_misses(
    papers: list[Paper], labels: np.ndarray, scoped: np.ndarray, parts: Components
) -> list[str]:
    """The papers in scope (labels in scope, label-0 papers judged in scope) ranked below the
    review budget of the raw labels (the top 3 x positives, the R@3P line): what that recall
    misses, best score first, each with its score's parts and strongest rule matches."""
    budget = min(3 * int(labels.sum()), len(papers))
    edge = float(np.sort(parts.combined)[::-1][budget - 1])
    sampled = second_looks.sample_grades()
    grade = np.array([scope_grades().get(p.arxiv_id, sampled.get(p.arxiv_id, -1)) for p in papers])
    in_scope = in_scope_mask(papers, labels, scoped)
    below = np.flatnonzero(in_scope & (parts.combined < edge)).tolist()
    outside = int((labels.astype(bool) & ~scoped & (parts.combined < edge)).sum())
    lines = [
        f"  in scope, below the review budget ({len(below)}; the budget's last score {edge:.3f}, "
        f"rank {budget}; {outside} labelled picks outside scope also below): score, title model, "
        "abstract model, rule points, why, matches"
    ]
    for i in sorted(below, key=lambda i: -parts.combined[i]):
        lines.append(
            error_line(papers[i], i, parts, error_kind(int(labels[i]), bool(scoped[i]), int(grade[i])))
        )
    picks = np.flatnonzero(labels.astype(bool) & ~scoped & (parts.combined < edge)).tolist()
    lines.append(
        f"  labelled picks outside scope below the budget ({len(picks)}): score, judgement, the lists' sections"
    )
    for i in sorted(picks, key=lambda i: -parts.combined[i]):
        kind = {0: "judged out", 1: "judged borderline"}.get(int(grade[i]), "filed out of scope")
        sections = ", ".join(papers[i].extra.get("curated_sections") or [])  # type: ignore[arg-type]
        lines.append(
            f"    {parts.combined[i]:.3f}  {kind:<18} {papers[i].arxiv_id} {papers[i].title[:70]}  [{sections[:60]}]"
        )
    return lines


def error_kind(label: int, scoped: bool, grade: int) -> str:
    """Why ``judged_precision`` counts a paper as it does (-1: not judged)."""
    if label and not scoped:
        return "pick outside scope"
    if label:
        return "pick in scope"
    return {0: "judged out", 1: "judged borderline", 2: "judged in scope"}.get(grade, "not judged")


def error_line(paper: Paper, i: int, parts: Components, kind: str) -> str:
    """One paper of ``judged_errors``: its score's parts and its strongest rule matches
    (t: title, a: abstract; the words found and their points; without LLM context the rule
    points shown are before the LLM factor)."""
    rule = parts.rule_results[i]
    shown = [] if rule.llm_context else ["no LLM context"]
    for match in rule.top_matches(6):
        text = paper.title if match.field == "title" else paper.abstract
        words = matched_words(match.rule.pattern, text) or match.rule.pattern
        shown.append(f"{match.field[0]}:{words[:30]!r} {match.target} {match.points:+.1f}")
    return (
        f"    {parts.combined[i]:.3f}  title {parts.learned[i]:+.2f}  abstract {parts.abstract[i]:+.2f}  "
        f"rules {parts.rules[i]:.1f}  {kind}  {paper.arxiv_id} {paper.title[:90]}\n      " + "; ".join(shown)
    )


def scope_ceilings(papers: list[Paper], labels: np.ndarray, scoped: np.ndarray) -> str:
    """What the raw labels give a ranking that follows SCOPE.md's grades exactly (in scope, then
    borderline, then the rest): with the papers of a grade in random order, and at best (the
    labelled ones first in each grade). The raw labels are the lists' picks, not the scope: these
    bound what ranking by scope alone can show on them."""
    grade = np.array([scope_grades().get(p.arxiv_id, -1) for p in papers])
    tier = np.where(in_scope_mask(papers, labels, scoped), 2.0, np.where(grade == 1, 1.0, 0.0))
    noise = np.random.default_rng(0).random((20, len(papers))) * 0.5
    shuffled = [metrics(labels, tier * 2 + row) for row in noise]
    best = metrics(labels, tier * 2 + labels + noise[0])
    return (
        f"raw labels, a ranking by SCOPE.md's grades alone: AP {statistics.mean(m.ap for m in shuffled):.3f}  "
        f"R@3P {statistics.mean(m.recall for m in shuffled):.3f} (a grade's papers in random order, mean of 20); "
        f"AP {best.ap:.3f}  R@3P {best.recall:.3f} with the lists' picks first in each grade"
    )


def judged_order(scores: np.ndarray, tiers: np.ndarray) -> np.ndarray:
    """Sort keys (higher first) that rank by ``tiers`` (integers, higher first) and keep the order
    of ``scores`` inside each tier (tied scores stay tied)."""
    ranks = rankdata(np.asarray(scores, dtype=float), method="average")  # ties stay ties, 1..n
    keys: np.ndarray = np.asarray(tiers, dtype=float) + ranks / (len(ranks) + 1)
    return keys


def judged_ceilings(papers: list[Paper], labels: np.ndarray, scoped: np.ndarray, scores: np.ndarray) -> str:
    """What the raw labels give the bot's own ranking once the judgements it disagrees with are
    applied, the bot's order kept inside each group: (1) its label-0 errors fixed (every paper in
    scope first, label-0 papers judged borderline or out of scope last), the most that better
    relevance by SCOPE.md can reach on the lists' picks; (2) every judgement applied (the picks
    judged out of scope last too), what a ranking by SCOPE.md gets; (3) the picks SCOPE.md
    excludes (technical reports, applications..., judged or not) lifted to just below the papers
    in scope. What stays between (3) and 1 is papers in scope the lists did not pick, ranked among
    the picks."""
    grade = np.array([scope_grades().get(p.arxiv_id, -1) for p in papers])
    in_scope = in_scope_mask(papers, labels, scoped)
    judged_out = (grade >= 0) & (grade < 2) & ~in_scope
    picks_out = (labels == 1) & ~in_scope
    variants = {
        "label-0 errors fixed": np.where(in_scope, 2, np.where(judged_out & ~picks_out, 0, 1)),
        "every judgement applied": np.where(in_scope, 2, np.where(judged_out, 0, 1)),
        "the excluded picks next": np.where(in_scope, 3, np.where(picks_out, 2, np.where(judged_out, 0, 1))),
    }
    found = {name: metrics(labels, judged_order(scores, tiers)) for name, tiers in variants.items()}
    return "raw labels, the bot's order with the judgements applied: " + "; ".join(
        f"{name} AP {m.ap:.3f}  R@3P {m.recall:.3f}" for name, m in found.items()
    )


def in_scope_mask(papers: list[Paper], labels: np.ndarray, scoped: np.ndarray) -> np.ndarray:
    """The papers in scope by SCOPE.md: labelled positives it does not exclude, and label-0
    papers judged in scope (bench/data/). Judged papers are those the bot scored 0.12 or more in
    some round, so an in-scope paper every round ranked low stays a negative: a lower bound on
    recall, and ranking figures on this yardstick flatter the ranking a little."""
    grade = np.array([scope_grades().get(p.arxiv_id, -1) for p in papers])
    result: np.ndarray = ((labels == 1) & scoped) | ((labels == 0) & (grade == 2))
    return result


@functools.cache
def scope_grades() -> dict[str, int]:
    """arXiv id -> SCOPE.md grade of the judged 2024 papers (bench/data/)."""
    return judgements(JUDGEMENTS)


def outside_scope(paper: Paper) -> bool:
    """A labelled positive that SCOPE.md excludes: judged borderline or out of scope, or filed by
    the curated lists only under sections SCOPE.md puts out of scope."""
    if not paper.extra.get("label"):
        return False
    if scope_grades().get(paper.arxiv_id, 2) < 2:
        return True
    sections = paper.extra.get("curated_sections") or []
    return set(sections) <= set(OUT_OF_SCOPE)  # type: ignore[call-overload]


def without_floor(scorer: Scorer, parts: Components) -> np.ndarray:
    """The combined logit as it would be without ``learned_floor`` (the learned model free to
    veto), for comparison."""
    s = scorer.settings
    no_llm = np.array([not r.llm_context for r in parts.rule_results], dtype=float)
    result: np.ndarray = (
        s.learned_weight * parts.learned
        + s.rules_weight * signed_log(parts.rules)
        - s.llm_missing_penalty * no_llm
        + s.bias
    )
    return result


def leave_one_section_out(
    papers: list[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    keywords: dict,
    show_misses: bool = False,
    sections: list[str] | None = None,
) -> dict[str, dict[str, tuple[int, int, int, int]]]:
    """For each paper section: train on the catalog without that section's entries (and without
    the evaluated half-year), and count how many of that section's labelled papers are found: in the
    top 3 x positives of the evaluated half, and at the threshold. A topic the catalog does not know
    must still be found through the rules and the taxonomy's words.

    A section's papers are counted on two yardsticks: the labelled papers the catalog files there,
    and the labelled papers in scope whose section by SCOPE.md (bench/data/) is that one, the
    yardstick of the "in scope" rows. Returns {yardstick: {section: (papers, in top, accepted, in top
    without the learned floor)}}. With ``show_misses``, the papers of the "scope" yardstick below the
    threshold are listed with the parts of their score. ``sections``: only these are left out
    (all paper sections by default)."""
    halves = halves_of(papers)
    misses: list[str] = []
    runs, accepted_all, accepted_in_scope = 0, 0, 0  # the price of a section being new
    paper_sections = [
        s.id for s in taxonomy.sections if s.kind == "papers" and (not sections or s.id in sections)
    ]
    yardsticks = ("catalog", "scope")
    found = {y: {s: [0, 0, 0, 0] for s in paper_sections} for y in yardsticks}
    rules = Scorer.train(catalog, taxonomy, keywords).rules
    by_scope = routing_judgements()

    def section_of(paper: Paper) -> str | None:
        item = catalog.find(paper.arxiv_id, paper.title)
        if item is not None:
            return item.section
        points = rules.evaluate_all([paper])[0].section_points
        return max(points, key=lambda s: points[s]) if points else None

    def homes(paper: Paper) -> dict[str, str | None]:
        item = catalog.find(paper.arxiv_id, paper.title) if paper.extra.get("label") else None
        if item is None:
            return {"catalog": None, "scope": None}
        scope_sections = by_scope.get(paper.arxiv_id, [item.section])
        in_scope = not outside_scope(paper) and bool(scope_sections)
        return {"catalog": item.section, "scope": scope_sections[0] if in_scope else None}

    for eval_name in ("7-12", "1-6"):
        evaluation = halves[eval_name]
        training, _ = catalog_without(catalog, evaluation, taxonomy)
        labels = np.array([int(bool(p.extra.get("label"))) for p in evaluation])
        negatives = background_without(keywords, evaluation)
        home = [homes(p) for p in evaluation]
        in_scope = in_scope_mask(evaluation, labels, np.array([not outside_scope(p) for p in evaluation]))
        for section in paper_sections:
            members = {y: [i for i, h in enumerate(home) if h[y] == section] for y in yardsticks}
            if not any(members.values()):
                continue
            without, _ = catalog_without_section(training, section, taxonomy)
            # the abstract model's known positives of that section go too (by their catalog
            # section, else by the section their rules point to)
            unknown = [p for p in negatives if p.extra.get("label") and section_of(p) == section]
            kept = [p for p in negatives if p not in unknown]
            scorer = Scorer.train(without, taxonomy, keywords, background=kept)
            parts = scorer.components(evaluation)
            budget = 3 * int(labels.sum())
            top = set(np.argsort(-parts.combined, kind="stable")[:budget].tolist())
            unfloored = set(np.argsort(-without_floor(scorer, parts), kind="stable")[:budget].tolist())
            for yardstick in yardsticks:
                tally = found[yardstick][section]
                tally[0] += len(members[yardstick])
                tally[1] += sum(i in top for i in members[yardstick])
                tally[2] += sum(
                    bool(parts.combined[i] >= scorer.settings.threshold) for i in members[yardstick]
                )
                tally[3] += sum(i in unfloored for i in members[yardstick])
            taken = parts.combined >= scorer.settings.threshold
            runs += 1
            accepted_all += int(taken.sum())
            accepted_in_scope += int((taken & in_scope).sum())
            misses += [
                miss_line(section, eval_name, evaluation[i], i, parts)
                for i in members["scope"]
                if parts.combined[i] < scorer.settings.threshold
            ]
    headings = {
        "catalog": "its labelled 2024 papers (both halves) the catalog files there",
        "scope": "its labelled 2024 papers in scope whose section by SCOPE.md is that one",
    }
    for yardstick in yardsticks:
        print(
            f"\nleave one section out: the section's entries removed from the training catalog; {headings[yardstick]}"
        )
        for section, (total, in_top, accepted, in_top_unfloored) in found[yardstick].items():
            if total:
                print(
                    f"  {section:<20} {total:>3} papers  recall@3P {in_top / total:.3f}  "
                    f"recall at threshold {accepted / total:.3f}  "
                    f"(recall@3P without the learned floor {in_top_unfloored / total:.3f})"
                )
    print(
        f"  accepted over the {runs} runs (a section left out, a half-year each): {accepted_all}, "
        f"{accepted_in_scope} of them in scope (labels in scope and papers judged in scope)"
    )
    if show_misses:
        print("\nleave one section out, the papers in scope (by SCOPE.md's section) below the threshold:")
        print(
            "section, months, score, title model, abstract model, rule points (the sections with most relevance points)"
        )
        print("\n".join(misses))
    return {y: {s: (t[0], t[1], t[2], t[3]) for s, t in found[y].items()} for y in yardsticks}


def miss_line(section: str, months: str, paper: Paper, i: int, parts: Components) -> str:
    """One paper a left-out section missed, with the parts of its score."""
    rule = parts.rule_results[i]
    points = sorted(rule.relevance_points.items(), key=lambda kv: -kv[1])[:3]
    strongest = ", ".join(f"{s} {v:.1f}" for s, v in points if v > 0)
    return (
        f"  {section:<12} {months:<5} {parts.combined[i]:.3f}  learned {parts.learned[i]:+.2f}  "
        f"abstract {parts.abstract[i]:+.2f}  rules {parts.rules[i]:.1f} ({strongest})  "
        f"{paper.arxiv_id} {paper.title[:90]}"
    )


def show_top_unlabelled(papers: list[Paper], labels: np.ndarray, scores: np.ndarray, count: int) -> None:
    """Labels are a lower bound: the best-scored label-0 papers, to judge by eye."""
    order = [i for i in np.argsort(-scores, kind="stable") if not labels[i]][:count]
    print(f"  top {count} label-0 papers:")
    for i in order:
        print(f"    {scores[i]:.3f}  {papers[i].title[:100]}")


@dataclass
class RoutingTally:
    """Held-out routes of one group of entries (a section, or all of them)."""

    total: int = 0
    top1: int = 0
    top2: int = 0
    ambiguous: int = 0  # misses whose title has rule points for both sections, runner-up right

    def add(self, right: bool, second: bool, ambiguous: bool) -> None:
        self.total += 1
        self.top1 += right
        self.top2 += right or second
        self.ambiguous += (not right) and second and ambiguous

    def row(self, ambiguous: bool = True) -> str:
        n = max(1, self.total)
        found = f"{self.total:>4}  top-1 {self.top1 / n:.3f}  top-2 {self.top2 / n:.3f}"
        return found + (
            f"  top-1 or ambiguous runner-up {(self.top1 + self.ambiguous) / n:.3f}" if ambiguous else ""
        )


def routing(catalog: Catalog, taxonomy: Taxonomy, keywords: dict) -> None:
    """5-fold over the catalog's entries. Folds 1-3 are where the routing rules and weights were
    tuned (see "How papers are scored and routed" in README.md); folds 4-5 were only measured, so they are reported apart.
    A second figure also counts a miss as right when the title matches rules of both its catalog
    section and the chosen one and the catalog's section is the runner-up (a paper that fits two
    sections); the catalog itself is never relabelled."""
    entries = catalog_entries(catalog, taxonomy)
    fold_of = {e.line: i % FOLDS for i, e in enumerate(entries)}
    per_section: dict[str, RoutingTally] = defaultdict(RoutingTally)
    per_fold: dict[str, RoutingTally] = defaultdict(RoutingTally)
    flagged, flagged_hits, sure_hits = 0, 0, 0
    for fold in range(FOLDS):
        held = [e for e in entries if fold_of[e.line] == fold]
        held_lines = {e.line - 1 for e in held}
        text = "".join(line for i, line in enumerate(catalog.lines) if i not in held_lines)
        scorer = Scorer.train(parse(text, taxonomy), taxonomy, keywords)
        papers = [Paper(arxiv_id=e.arxiv_id or f"held-{e.line}", title=e.title) for e in held]
        rules = scorer.rules.evaluate_all(papers)
        for entry, decision, rule in zip(held, scorer.score(papers), rules, strict=True):
            right = decision.section == entry.section
            both = {entry.section, decision.section} <= {s for s, v in rule.section_points.items() if v > 0}
            for tally in (
                per_section[entry.section or ""],
                per_section["overall"],
                per_fold["folds 1-3 (tuned on)" if fold < 3 else "folds 4-5 (held out)"],
            ):
                tally.add(right, decision.runner_up == entry.section, both)
            flagged += decision.needs_section
            flagged_hits += right and decision.needs_section
            sure_hits += right and not decision.needs_section
    n = per_section["overall"].total
    print(f"\nrouting, {FOLDS}-fold over {n} catalog paper entries (titles only):")
    for section in [*taxonomy.section_ids(), "overall"]:
        if per_section[section].total:
            print(f"  {section:<20} {per_section[section].row()}")
    for name, tally in sorted(per_fold.items()):
        print(f"  {name:<20} {tally.row()}")
    print(
        f"  needs-section flag: {flagged} routes ({flagged / n:.1%}), {flagged_hits / max(1, flagged):.3f} "
        f"of them right; unflagged routes {sure_hits / max(1, n - flagged):.3f} right"
    )


def routing_with_abstracts(papers: list[Paper], catalog: Catalog, taxonomy: Taxonomy, keywords: dict) -> None:
    """New papers come with abstracts: route the 2024 papers that are in the catalog (3-fold,
    each fold removed from the training catalog), from title + abstract and from title alone."""
    paper_sections = {s.id for s in taxonomy.sections if s.kind == "papers"}
    placed = [
        (p, item.section)
        for p in papers
        if (item := catalog.find(p.arxiv_id, p.title)) is not None and item.section in paper_sections
    ]
    judged = routing_judgements()
    right: dict[str, list[bool]] = {"title + abstract": [], "title only": [], "judged": []}
    for fold in range(3):
        held = [pair for i, pair in enumerate(placed) if i % 3 == fold]
        training, _ = catalog_without(catalog, [p for p, _ in held], taxonomy)
        scorer = Scorer.train(training, taxonomy, keywords)
        for mode, keep_abstract in (("title + abstract", True), ("title only", False)):
            decisions = scorer.score(
                [Paper(p.arxiv_id, p.title, p.abstract if keep_abstract else "") for p, _ in held]
            )
            right[mode] += [d.section == section for d, (_, section) in zip(decisions, held, strict=True)]
            if keep_abstract:
                right["judged"] += [
                    hit
                    for d, (p, section) in zip(decisions, held, strict=True)
                    if (hit := routed_in_scope(d.section, judged.get(p.arxiv_id, [section]))) is not None
                ]
    print(f"\nrouting the {len(placed)} labelled 2024 papers that the catalog holds (3-fold, held out):")
    for mode, hits in right.items():
        if mode == "judged":
            print(
                f"  {'title + abstract':<20} top-1 {statistics.mean(hits):.3f} of {len(hits)} against the sections "
                f"SCOPE.md gives ({ROUTING_JUDGEMENTS.name}: {sum(judged.get(p.arxiv_id, [s]) != [s] for p, s in placed)} "
                f"papers where that is not, or not only, the catalog's section; {len(placed) - len(hits)} "
                "out of scope, with no right section, left out)"
            )
        else:
            print(f"  {mode:<20} top-1 {statistics.mean(hits):.3f} against the catalog's sections")


def routing_in_scope(
    papers: list[Paper], catalog: Catalog, taxonomy: Taxonomy, keywords: dict, show_misses: bool = False
) -> None:
    """Route every 2024 paper in scope (labelled in scope, or label-0 judged in scope) that has a
    routing judgement (bench/data/: the sections SCOPE.md gives, read paper by paper), from title +
    abstract, as the bot routes a new paper: each half-year against the catalog and background
    without that half. The closest yardstick to the acceptance measure (routing of proposals in
    scope); most of these papers are not in the catalog."""
    judged = routing_judgements()
    tally: dict[str, RoutingTally] = defaultdict(RoutingTally)
    flagged: list[bool] = []  # right or not, for the routes a PR would mark needs-section
    routes: dict[str, str] = {}
    sure: list[bool] = []  # and for the others
    misses: list[str] = []
    for name, evaluation in halves_of(papers).items():
        held = [p for p in evaluation if judged.get(p.arxiv_id)]
        training, _ = catalog_without(catalog, evaluation, taxonomy)
        scorer = Scorer.train(
            training, taxonomy, keywords, background=background_without(keywords, evaluation)
        )
        for paper, decision in zip(held, scorer.score(held), strict=True):
            sections = judged[paper.arxiv_id]
            accepted = decision.score >= scorer.settings.threshold
            rows = [sections[0], "overall", f"months {name}", "accepted" if accepted else "not accepted"]
            for row in rows:
                tally[row].add(decision.section in sections, decision.runner_up in sections, False)
            (flagged if decision.needs_section else sure).append(decision.section in sections)
            routes[paper.arxiv_id] = decision.section
            if decision.section not in sections:
                misses.append(
                    f"  {'/'.join(sections):<28} -> {decision.section:<18} (runner-up {decision.runner_up}, "
                    f"confidence {decision.confidence:.2f})  {paper.arxiv_id} {paper.title[:80]}"
                )
    print(
        f"\nrouting the {tally['overall'].total} 2024 papers in scope with a routing judgement "
        "(title + abstract; each half-year against the catalog without it):"
    )
    for row in [*taxonomy.section_ids(), "overall", "months 1-6", "months 7-12", "accepted", "not accepted"]:
        if tally[row].total:
            print(f"  {row:<20} {tally[row].row(ambiguous=False)}")
    overall = tally["overall"]
    print(f"  {'overall top-1, 95% interval':<20} {intervals.proportion(overall.top1, overall.total)}")
    print("\n".join(second_looks.routing_agreement(routes, judged)))
    wrong = flagged.count(False) + sure.count(False)
    print(
        f"  needs-section flag: {len(flagged)} routes ({len(flagged) / max(1, len(flagged) + len(sure)):.1%}), "
        f"{statistics.mean(flagged) if flagged else 0:.3f} of them right, {flagged.count(False)} of the "
        f"{wrong} wrong routes; unflagged routes {statistics.mean(sure) if sure else 0:.3f} right"
    )
    if show_misses:
        print("  the wrong routes (the judged sections -> the route):")
        print("\n".join(sorted(misses)))


def routed_in_scope(section: str | None, sections: list[str]) -> bool | None:
    """Whether a route is one of the sections SCOPE.md gives the paper; None for a paper it gives
    none (out of scope): no route is right, so it is left out of routing accuracy."""
    return section in sections if sections else None


def routing_judgements() -> dict[str, list[str]]:
    """arXiv id -> the sections SCOPE.md's definitions give the paper (title and abstract read
    one by one; several where it fits more than one, none for a paper out of scope)."""
    records = [json.loads(line) for line in ROUTING_JUDGEMENTS.read_text(encoding="utf-8").splitlines()]
    return {str(r["arxiv_id"]): list(r["sections"]) for r in records}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--show", type=int, default=10, help="top label-0 papers to list")
    parser.add_argument("--skip-routing", action="store_true")
    parser.add_argument("--skip-relevance", action="store_true")
    parser.add_argument("--skip-loso", action="store_true", help="skip the leave-one-section-out check")
    parser.add_argument(
        "--show-misses",
        action="store_true",
        help="list the papers leave one section out misses at the threshold and the judged papers routed wrong",
    )
    parser.add_argument(
        "--show-judged-errors",
        action="store_true",
        help="relevance: list the accepted papers counted out of scope and the papers in scope not accepted",
    )
    parser.add_argument(
        "--show-budget-misses",
        action="store_true",
        help="relevance: list the papers in scope ranked below the review budget (3 x the labels)",
    )
    parser.add_argument(
        "--loso-sections",
        nargs="+",
        metavar="SECTION",
        help="leave only these sections out (default: every one)",
    )
    parser.add_argument(
        "--whole-months",
        action="store_true",
        help="relevance: also remove the catalog entries with an arXiv id of the evaluated months that the labelled file lacks",
    )
    args = parser.parse_args()
    taxonomy = config.load_taxonomy(ROOT / "config")
    papers_sections = [s.id for s in taxonomy.sections if s.kind == "papers"]
    unknown = sorted(set(args.loso_sections or ()) - set(papers_sections))
    if unknown:  # before the minutes of reading and training
        parser.error(f"--loso-sections: not a paper section of config/taxonomy.yml: {', '.join(unknown)}")
    keywords = config.load("keywords", ROOT / "config")
    catalog = read_catalog(args.catalog, taxonomy)
    papers = feeds.read_papers(args.shared / LABELLED)
    if not args.skip_relevance:
        results = relevance_folds(
            papers,
            catalog,
            taxonomy,
            keywords,
            args.show,
            args.whole_months,
            args.show_judged_errors,
            args.show_budget_misses,
        )
        print("\nmean of the two directions:")
        for name, found in results.items():
            mean = Metrics(
                *(statistics.mean(getattr(m, f) for m in found) for f in ("ap", "recall", "precision"))
            )
            print(f"  {name:<32} {mean.row()}")
    if not args.skip_loso:
        leave_one_section_out(papers, catalog, taxonomy, keywords, args.show_misses, args.loso_sections)
    if not args.skip_routing:
        routing(catalog, taxonomy, keywords)
        routing_with_abstracts(papers, catalog, taxonomy, keywords)
        routing_in_scope(papers, catalog, taxonomy, keywords, args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
