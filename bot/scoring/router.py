"""Routing a paper to a taxonomy section (and subsection), with a runner-up and a confidence.

A multinomial logistic regression learns the sections from the catalog's own entries (their
titles); the keyword rules add their section points (``routing.rules_weight`` logits per point),
which matters most for small sections and for what the catalog does not show yet, and the
section with the most rule points gets ``routing.rules_top_bonus`` more. Routing goes by goal
first: the section whose ``goal`` patterns (what a paper is for: efficient reasoning, a survey
or benchmark of efficiency) score most gets ``routing.goal_bonus`` more, so an efficient-reasoning
paper that prunes chains of thought goes to reasoning, with pruning as the runner-up. The
confidence is the softmax probability of the chosen section. Subsections are chosen the same
way among the entries of the chosen section ("" standing for "directly under the section").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from bot.core.taxonomy import Taxonomy
from bot.scoring.rules import RuleResult

DIRECT = ""  # the "subsection" of an entry placed directly under its section
ANY_SUBSECTION = "*"  # section known, subsection not: only the section model learns it


@dataclass(frozen=True)
class RouterSettings:
    c: float = 10.0
    rules_weight: float = 0.2  # logits per rule point of a section
    rules_top_bonus: float = 0.0  # logits for the section(s) with the most rule points
    goal_bonus: float = 0.0  # logits for the section(s) with the most goal-pattern points
    needs_section_below: float = 0.5  # confidence under which a route is flagged
    correction_weight: float = 5.0  # a maintainer's correction counts as this many catalog entries
    example_weight: float = 3.0  # a background paper placed by a judge counts as this many entries


@dataclass(frozen=True)
class Route:
    section: str
    subsection: str | None
    runner_up: str | None
    confidence: float
    needs_section: bool


@dataclass(frozen=True)
class _Classifier:
    """A fitted linear classifier over fixed class names (or one constant class)."""

    classes: tuple[str, ...]
    coef: np.ndarray | None  # (classes, features); None for a single class
    intercept: np.ndarray | None

    def logits(self, rows: csr_matrix) -> np.ndarray:
        if self.coef is None or self.intercept is None:
            return np.zeros((rows.shape[0], len(self.classes)), dtype=np.float32)
        return np.asarray(rows @ self.coef.T) + self.intercept


def _classifier(
    rows: csr_matrix, labels: Sequence[str], c: float, weights: np.ndarray | None = None
) -> _Classifier:
    """Multinomial logistic regression. Only the features the training rows use can get a
    non-zero weight, so it is fitted on those columns alone (the same optimum, much faster)."""
    classes = sorted(set(labels))
    if len(classes) < 2:
        return _Classifier(tuple(classes), None, None)
    used = np.unique(rows.indices)
    model = LogisticRegression(C=c, max_iter=1000)
    model.fit(rows[:, used], list(labels), sample_weight=weights)
    weights, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # sklearn keeps one row for two classes
        weights = np.vstack([-weights[0] / 2, weights[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    coef = np.zeros((len(classes), rows.shape[1]), dtype=np.float32)
    coef[:, used] = weights
    return _Classifier(tuple(str(c) for c in model.classes_), coef, intercept.astype(np.float32))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


class Router:
    """Trained from catalog entries (rows of title features and their placements), and from
    maintainers' corrections: papers a bot PR proposed to one section that a maintainer moved
    (``/move`` or an edit of the PR) into another, each weighted ``correction_weight``."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        rows: csr_matrix,
        placements: Sequence[tuple[str, str | None]],
        settings: RouterSettings,
        weights: Sequence[float] | None = None,
    ) -> None:
        self.settings = settings
        self.sections = [s.id for s in taxonomy.sections if s.kind == "papers"]
        self.children = {s: [c.id for c in taxonomy.children(s)] for s in self.sections}
        keep = [i for i, (section, _) in enumerate(placements) if section in self.sections]
        labels = [placements[i][0] for i in keep]
        weight = np.ones(len(placements)) if weights is None else np.asarray(weights, dtype=float)
        self.model = _classifier(rows[keep], labels, settings.c, weight[keep]) if keep else None
        self.sub_models: dict[str, _Classifier] = {}
        for section, children in self.children.items():
            rows_of = [i for i in keep if placements[i][0] == section and placements[i][1] != ANY_SUBSECTION]
            subs = [placements[i][1] or DIRECT for i in rows_of]
            if children and rows_of:
                self.sub_models[section] = _classifier(rows[rows_of], subs, settings.c, weight[rows_of])

    def section_logits(self, rows: csr_matrix, rules: Sequence[RuleResult]) -> np.ndarray:
        """(papers, sections) logits: learned, plus rule points; sections the catalog has no
        entries in get the lowest learned logit of the row, so rules alone can pick them."""
        logits = np.zeros((rows.shape[0], len(self.sections)), dtype=np.float32)
        if self.model is not None:
            learned = self.model.logits(rows)
            logits[:] = learned.min(axis=1, keepdims=True)
            for j, name in enumerate(self.model.classes):
                logits[:, self.sections.index(name)] = learned[:, j]
        points = np.array(
            [[r.section_points.get(s, 0.0) for s in self.sections] for r in rules], dtype=np.float32
        ).reshape(len(rules), len(self.sections))
        top = (points > 0) & (points == points.max(axis=1, keepdims=True, initial=0.0))
        goals = np.array(
            [[r.goal_points.get(s, 0.0) for s in self.sections] for r in rules], dtype=np.float32
        ).reshape(len(rules), len(self.sections))
        goal = (goals > 0) & (goals == goals.max(axis=1, keepdims=True, initial=0.0))
        return (
            logits
            + self.settings.rules_weight * points
            + self.settings.rules_top_bonus * top
            + self.settings.goal_bonus * goal
        )

    def route(self, rows: csr_matrix, rules: Sequence[RuleResult]) -> list[Route]:
        probabilities = _softmax(self.section_logits(rows, rules))
        order = np.argsort(-probabilities, axis=1, kind="stable")
        best = order[:, 0]
        subsections = self._subsections(rows, rules, [self.sections[b] for b in best])
        routes = []
        for i in range(len(rules)):
            confidence = float(probabilities[i, best[i]])
            runner_up = self.sections[order[i, 1]] if len(self.sections) > 1 else None
            routes.append(
                Route(
                    self.sections[best[i]],
                    subsections[i],
                    runner_up,
                    confidence,
                    confidence < self.settings.needs_section_below,
                )
            )
        return routes

    def _subsections(
        self, rows: csr_matrix, rules: Sequence[RuleResult], sections: list[str]
    ) -> list[str | None]:
        """The subsection of each paper within its chosen section, section by section."""
        chosen: list[str | None] = [None] * len(sections)
        for section, children in self.children.items():
            members = [i for i, s in enumerate(sections) if s == section]
            if not children or not members:
                continue
            logits = self._subsection_logits(section, rows[members])
            for k, i in enumerate(members):
                for j, child in enumerate(children, start=1):
                    logits[k, j] += self.settings.rules_weight * rules[i].subsection_points.get(
                        f"{section}/{child}", 0.0
                    )
                chosen[i] = ([DIRECT, *children][int(np.argmax(logits[k]))]) or None
        return chosen

    def _subsection_logits(self, section: str, rows: csr_matrix) -> np.ndarray:
        """(papers, 1 + subsections) learned logits; column 0 is "directly in the section"."""
        options = [DIRECT, *self.children[section]]
        logits = np.zeros((rows.shape[0], len(options)), dtype=np.float32)
        model = self.sub_models.get(section)
        if model is None:
            return logits
        if model.coef is None:  # the catalog uses one option only: prefer it unless rules say
            logits[:, options.index(model.classes[0])] = 1.0
            return logits
        learned = model.logits(rows)
        logits[:] = learned.min(axis=1, keepdims=True)
        for j, name in enumerate(model.classes):
            logits[:, options.index(name)] = learned[:, j]
        return logits
