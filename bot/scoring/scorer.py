"""The scorer: keyword rules + a model learned from the catalog -> a score, a route, reasons.

``Scorer.train(catalog, taxonomy, keywords, background, rejected, accepted)`` learns two models:
the title model from the catalog's entries (positives) against the background papers (the jobs
pass the fixed background of ``bot.scoring.background``, negatives); the abstract model from
papers known to be in scope with their abstracts (the background's labelled positives, merged bot
PRs) against the same negatives. Rejected (closed) PRs can only lower the title model's logit. In
seconds, or loaded from a cache keyed by all of that content (``training.py``: what is learnt,
and where it is kept).
``scorer.score(papers)`` gives one ``Decision`` per paper, in order: the two models and the rules
combined so that none can veto the others. Pure apart from the optional cache directory.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import csr_matrix

from bot.core import templates
from bot.core.candidates import Correction
from bot.core.catalog import Catalog
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.scoring.background import plain as plain_papers
from bot.scoring.neighbours import CatalogEntry, content_words, nearest
from bot.scoring.reasons import shown_matches
from bot.scoring.router import ANY_SUBSECTION, Route
from bot.scoring.rules import RuleResult, RuleScorer
from bot.scoring.settings import ScoringSettings
from bot.scoring.training import (
    TrainedState,
    abstract_model,
    background_papers,
    catalog_entries,
    trained_state,
)

if TYPE_CHECKING:
    import jinja2

__all__ = ["Components", "Decision", "Neighbour", "Scorer", "catalog_entries", "signed_log"]

Neighbour = tuple[str, str | None, int, float]  # (title, arXiv id, catalog line, similarity)


@dataclass(frozen=True)
class Decision:
    """What the scorer says about one paper, and why."""

    arxiv_id: str
    score: float  # 0..1, higher is more relevant
    accept: bool
    threshold: float
    section: str
    subsection: str | None
    runner_up: str | None
    confidence: float  # of the section, 0..1
    needs_section: bool  # the section is a low-confidence guess
    reasons: list[str]
    neighbours: list[Neighbour]
    in_categories: bool = True  # passes the categories gate (``categories.require_any``)

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready form (``python -m bot score`` writes one per line)."""
        # asdict() deep-copies every value (a third of a second per 10,000 decisions): the
        # fields are strings, numbers and lists of them, so a shallow copy of each list is enough
        record = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        record["reasons"] = list(self.reasons)
        record["score"] = round(self.score, 4)
        record["confidence"] = round(self.confidence, 4)
        record["neighbours"] = [[t, i, line, round(s, 3)] for t, i, line, s in self.neighbours]
        return record


@dataclass(frozen=True)
class Components:
    """The parts of the scores of a batch of papers (for benchmarks and tuning)."""

    learned: np.ndarray  # title model's logit (0 without a model), before the LLM-context penalty
    rules: np.ndarray  # rule points
    combined: np.ndarray  # the final score, 0..1
    rule_results: list[RuleResult]
    rows: csr_matrix  # the papers' feature rows (words of title and abstract)
    title_rows: csr_matrix  # the same from the title alone
    abstract: np.ndarray  # abstract model's logit (0 without a model)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
    return result


def _top_section(rules: RuleResult, sections: dict[str, int]) -> str | None:
    """Of ``sections``, the one with the most rule points that add relevance (None: none)."""
    points = {s: v for s, v in rules.relevance_points.items() if s in sections}
    return max(points, key=lambda s: points[s]) if points else None


def signed_log(points: np.ndarray) -> np.ndarray:
    """log(1 + |points|) with the sign of the points: rule points with diminishing returns."""
    result: np.ndarray = np.sign(points) * np.log1p(np.abs(points))
    return result


class Scorer:
    def __init__(
        self,
        state: TrainedState,
        rules: RuleScorer,
        settings: ScoringSettings,
        entry_texts: Sequence[str] | None = None,
        section_sizes: dict[str, int] | None = None,
        abstract_sizes: dict[str, int] | None = None,
    ) -> None:
        self.state = state
        self.rules = rules
        self.settings = settings
        # what each catalog entry was learnt from (its title, or title + the store's abstract):
        # a similar entry must share a content word with the paper's title (neighbours.py)
        texts = entry_texts if entry_texts else [e.title for e in state.entries]
        self.entry_words = [content_words(text) for text in texts]
        # catalog entries per paper section (0 for an empty one): how much the title model knows
        # of it; the abstract model's positives per section (by their strongest rule evidence):
        # how much it knows. Each model's new-section floor ends when it has learnt the section.
        self.section_sizes = section_sizes if section_sizes is not None else {}
        self.abstract_sizes = abstract_sizes if abstract_sizes is not None else self.section_sizes
        # sections whose evidence counts only in part toward relevance (a survey of anything is
        # not in scope): being new to the models says nothing about relevance there
        self.partial_sections = {r.group for r in rules.rules if 0 < r.relevance < 1}

    @classmethod
    def train(
        cls,
        catalog: Catalog,
        taxonomy: Taxonomy,
        keywords: dict[str, Any],
        background: Sequence[Paper] = (),
        rejected: Sequence[Paper] = (),
        cache_dir: Path | None = None,
        entry_text: Callable[[CatalogEntry], str] | None = None,
        accepted: Sequence[Paper] = (),
        corrections: Sequence[Correction] = (),
        merged: Sequence[str] = (),
    ) -> Scorer:
        """Learn from ``catalog`` (positives) against ``background`` and ``rejected`` (negatives); with
        ``cache_dir``, reuse a model trained from the same content. Background papers whose
        ``extra["label"]`` is true are known in-scope papers: positives of the abstract model, like
        ``accepted`` (papers of merged bot PRs, with abstracts); those whose ``extra["rejected"]``
        is true were judged out of scope: weighted negatives (``rejected_weight``). ``rejected``
        (papers of closed bot PRs, titles), weighted alike, can only lower a score: the title
        model is also trained with them, and gives the lower logit; a known in-scope paper's
        ``extra["section"]`` is the section it belongs in: the router learns it
        (``routing.example_weight``).
        ``corrections`` are maintainers' routing labels (``Correction``): the router learns them.
        ``merged`` are the arXiv ids of merged bot PRs' papers: their catalog entries can raise the
        title model's logit by at most ``learned.merged_lift``.
        ``entry_text`` gives the text learnt for a catalog entry (default: its title; e.g. title +
        abstract from the paper store, ``bot.core.paper_store.entry_text``)."""
        settings = ScoringSettings.from_config(keywords)
        rules = RuleScorer(keywords, taxonomy)
        entries = catalog_entries(catalog, taxonomy)
        in_scope = [p for p in background if p.extra.get("label")] + list(accepted)
        # background papers judged out of scope (``"rejected": true``): weighted negatives of
        # both models. Closed PRs (``rejected``) are kept apart: they can only lower the title
        # model's logit (a title alone is no negative for the abstract model, abstracts.py)
        closed = list(rejected)
        judged_out = [p for p in background if p.extra.get("rejected")]
        plain = plain_papers(background)
        negatives = background_papers(plain, catalog)
        texts = [entry_text(e) for e in entries] if entry_text else []
        # known in-scope papers with the section they belong in: routing examples with abstracts
        examples = [
            (p, str(p.extra["section"]), ANY_SUBSECTION)
            for p in background
            if p.extra.get("label") and p.extra.get("section")
        ]
        state = trained_state(
            catalog,
            keywords,
            entries,
            negatives,
            judged_out,
            taxonomy,
            settings,
            texts,
            corrections,
            cache_dir,
            examples,
            closed,
            frozenset(merged),
        )
        # the abstract model does not read the catalog: cached apart, it survives catalog changes
        abstracts = abstract_model(in_scope, plain, judged_out, settings)
        sizes = {s.id: 0 for s in taxonomy.sections if s.kind == "papers"}
        abstract_sizes = dict(sizes)
        for entry in entries:
            if entry.section in sizes:
                sizes[entry.section] += 1
        for result in rules.evaluate_all(in_scope) if abstracts is not None else ():
            if (top := _top_section(result, sizes)) is not None:
                abstract_sizes[top] += 1
        state = dataclasses.replace(state, abstracts=abstracts)
        return cls(state, rules, settings, texts, sizes, abstract_sizes)

    def components(self, papers: Sequence[Paper]) -> Components:
        rule_results = self.rules.evaluate_all(papers)
        title_rows = self.state.title_rows(papers)
        rows = self.state.features.papers(papers, title_rows)
        model = self.state.relevance
        learned = (
            model.decision(rows, [p.arxiv_id for p in papers]) if model is not None else np.zeros(len(papers))
        )
        abstracts = self.state.abstracts
        abstract = abstracts.decision(papers) if abstracts is not None else np.zeros(len(papers))
        points = np.array([r.points for r in rule_results], dtype=float)
        no_llm = np.array([not r.llm_context for r in rule_results], dtype=float)
        s = self.settings
        learned_floor = np.full(len(papers), -np.inf if s.learned_floor is None else s.learned_floor)
        abstract_floor = np.full(len(papers), -np.inf if s.abstract_floor is None else s.abstract_floor)
        if s.goal_title_floor is not None:  # the title says what the paper is for: no veto at all
            said = np.array(
                [r.goal_in_title(s.goal_title_min_points, s.goal_title_topic_points) for r in rule_results],
                dtype=bool,
            )
            learned_floor[said] = np.maximum(learned_floor[said], s.goal_title_floor)
            abstract_floor[said] = np.maximum(abstract_floor[said], s.goal_title_floor)
        if s.new_section_floor is not None:  # a section a model has (almost) no examples of
            for floor, sizes in ((learned_floor, self.section_sizes), (abstract_floor, self.abstract_sizes)):
                new = np.array([self._new_section(r, sizes) is not None for r in rule_results], dtype=bool)
                floor[new] = np.maximum(floor[new], s.new_section_floor)
        floored = np.maximum(learned, learned_floor)
        abstract_floored = np.maximum(abstract, abstract_floor)
        if s.off_topic_title_ceiling is not None:  # the title says it is about something else
            off = np.array([r.off_topic_in_title() for r in rule_results], dtype=bool)
            floored[off] = np.minimum(floored[off], s.off_topic_title_ceiling)
            abstract_floored[off] = np.minimum(abstract_floored[off], s.off_topic_title_ceiling)
        logit = (
            s.learned_weight * floored
            + s.abstract_model_weight * abstract_floored
            - s.llm_missing_penalty * no_llm
            + s.rules_weight * signed_log(points)
            + s.bias
        )
        return Components(learned, points, _sigmoid(logit), rule_results, rows, title_rows, abstract)

    def _new_section(self, rules: RuleResult, sizes: dict[str, int]) -> str | None:
        """The section with the most rule points that add relevance (route-only words add none) if
        it is a paper section a model knows fewer than ``new_section_entries`` examples of
        (``sizes``: the catalog's entries for the title model, the abstract model's positives),
        with at least ``new_section_min_points`` and a full share of relevance (not surveys)."""
        top = _top_section(rules, sizes)
        if top is None or top in self.partial_sections:
            return None
        s = self.settings
        new = rules.relevance_points[top] >= s.new_section_min_points and sizes[top] < s.new_section_entries
        return top if new else None

    def score(self, papers: Sequence[Paper]) -> list[Decision]:
        papers = list(papers)
        if not papers:
            return []
        parts = self.components(papers)
        routes = self.state.router.route(parts.rows, parts.rule_results)
        near, similarity = nearest(parts.title_rows, self.state.entry_rows, self.settings.neighbours)
        decisions = []
        least = self.settings.neighbour_min_similarity
        reasons = templates.template("score_reasons.txt.j2")  # found once, rendered per paper
        for i, paper in enumerate(papers):
            close = [(int(j), v) for j, v in zip(near[i], similarity[i], strict=True) if v >= least]
            about = content_words(paper.title) if close else set()  # most papers have none close
            neighbours = [self._neighbour(j, float(v)) for j, v in close if about & self.entry_words[j]]
            decisions.append(
                self._decision(
                    paper,
                    float(parts.combined[i]),
                    (float(parts.learned[i]), float(parts.abstract[i])),
                    parts.rule_results[i],
                    routes[i],
                    neighbours,
                    reasons,
                )
            )
        return decisions

    def _neighbour(self, index: int, similarity: float) -> Neighbour:
        entry = self.state.entries[index]
        return (entry.title, entry.arxiv_id, entry.line, similarity)

    def _decision(
        self,
        paper: Paper,
        score: float,
        learned: tuple[float, float],
        rules: RuleResult,
        route: Route,
        neighbours: list[Neighbour],
        template: jinja2.Template,
    ) -> Decision:
        # with no learned model (a catalog without entries yet) a paper no rule speaks for scores
        # exactly sigmoid(bias), 0.5 with the defaults: nothing says it belongs
        evidence = rules.points > 0 or self.state.relevance is not None or self.state.abstracts is not None
        accept = score >= self.settings.threshold and rules.category_ok and evidence
        reasons = self._reasons(paper, learned, rules, route, template)
        return Decision(
            paper.arxiv_id,
            score,
            accept,
            self.settings.threshold,
            route.section,
            route.subsection,
            route.runner_up,
            route.confidence,
            route.needs_section,
            reasons,
            neighbours,
            rules.category_ok,
        )

    def _reasons(
        self,
        paper: Paper,
        learned_logits: tuple[float, float],
        rules: RuleResult,
        route: Route,
        template: jinja2.Template,
    ) -> list[str]:
        learned, abstract = learned_logits
        model = self.state.relevance
        abstracts = self.state.abstracts
        s = self.settings

        def lifted(logit: float, sizes: dict[str, int]) -> str | None:  # the new section that floored it
            floor = s.new_section_floor
            return self._new_section(rules, sizes) if floor is not None and logit < floor else None

        shown = shown_matches(paper, rules, route, s)
        text = template.render(
            learned=(1.0 / (1.0 + math.exp(-learned))) if model else None,
            floored=bool(model) and s.learned_floor is not None and learned < s.learned_floor,
            capped=bool(model) and s.off_topic_title_ceiling is not None and rules.off_topic_in_title(),
            new_section=lifted(learned, self.section_sizes) if model else None,
            abstract_new_section=lifted(abstract, self.abstract_sizes) if abstracts else None,
            section_sizes=self.section_sizes,
            abstract_sizes=self.abstract_sizes,
            positives=len(self.state.entries),
            rules=rules,
            abstract=(1.0 / (1.0 + math.exp(-abstract))) if abstracts else None,
            fields=shown.fields,
            negatives=shown.negatives,
            groups=shown.groups,
            evidence=shown.evidence,
            targets=shown.targets,
        )
        return [line.strip() for line in text.splitlines() if line.strip()]
