"""The numbers of scoring, read from the ``scoring:`` block of ``config/keywords.yml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.scoring.abstracts import AbstractSettings
from bot.scoring.features import FeatureSettings
from bot.scoring.relevance import RelevanceSettings
from bot.scoring.router import RouterSettings


@dataclass(frozen=True)
class ScoringSettings:
    threshold: float = 0.5  # accept a paper whose score is at least this
    learned_weight: float = 1.0  # weight of the title model's logit in the combined logit
    abstract_model_weight: float = 0.75  # weight of the abstract model's logit
    # the abstract model's logit counts at least this much (its logits run from about -6 to +4), so
    # a topic its positives do not know yet cannot be vetoed by it (None: no floor)
    abstract_floor: float | None = None
    # the learned logit counts at least this much: the model can lower a score by at most
    # |learned_floor| logits, so it cannot veto strong rule evidence (None: no floor)
    learned_floor: float | None = None
    # both learned logits count at least this much for a paper whose title matches a goal pattern
    # (what it is for: "overthinking", "early exit of reasoning"): the strongest rule evidence,
    # which a model trained before the topic existed must not lower at all (None: off)
    goal_title_floor: float | None = None
    goal_title_min_points: float = 0.0  # weaker goal matches in the title do not count for it
    # both learned logits count at least this much for a paper whose strongest rule section holds
    # fewer than new_section_entries catalog entries: models learnt from the catalog know nothing
    # of a section the maintainers just added, so they cannot veto it (None: off)
    new_section_floor: float | None = None
    new_section_entries: int = 5
    new_section_min_points: float = 0.0  # weaker rule evidence for that section does not count
    # a goal of a section that only routes (a survey) counts for it when the title also names a
    # topic of the list with this many points (None: it never counts)
    goal_title_topic_points: float | None = None
    # both learned logits count at most this much for a paper whose title names another domain or
    # goal (a title-only negative group matched): a model that learned "post-training
    # quantization" from the catalog cannot carry "... for Vision Transformers" (None: off)
    off_topic_title_ceiling: float | None = None
    rules_weight: float = 1.0  # weight of log(1 + rule points)
    bias: float = 0.0  # added to the combined logit
    llm_missing_penalty: float = 1.0  # logits off when no LLM-context pattern matches
    neighbours: int = 3
    neighbour_min_similarity: float = 0.0  # catalog entries less similar than this are not listed
    rule_reasons: int = 4  # matched rules listed per paper
    reasons_min_points: float = 0.0  # weaker matches (noise words) are not listed as reasons
    learned: RelevanceSettings = field(default_factory=RelevanceSettings)
    abstracts: AbstractSettings = field(default_factory=AbstractSettings)
    routing: RouterSettings = field(default_factory=RouterSettings)
    features: FeatureSettings = field(default_factory=FeatureSettings)

    @classmethod
    def from_config(cls, keywords: dict[str, Any]) -> ScoringSettings:
        data = keywords.get("scoring") or {}
        learned = data.get("learned") or {}
        abstracts = data.get("abstracts") or {}
        routing = data.get("routing") or {}
        features = data.get("features") or {}
        defaults = cls()
        return cls(
            threshold=float(data.get("threshold", defaults.threshold)),
            learned_weight=float(data.get("learned_weight", defaults.learned_weight)),
            abstract_model_weight=float(data.get("abstract_model_weight", defaults.abstract_model_weight)),
            abstract_floor=_optional_float(data, "abstract_floor"),
            learned_floor=_optional_float(data, "learned_floor"),
            goal_title_floor=_optional_float(data, "goal_title_floor"),
            off_topic_title_ceiling=_optional_float(data, "off_topic_title_ceiling"),
            goal_title_topic_points=_optional_float(data, "goal_title_topic_points"),
            goal_title_min_points=float(data.get("goal_title_min_points", defaults.goal_title_min_points)),
            new_section_floor=_optional_float(data, "new_section_floor"),
            new_section_entries=int(data.get("new_section_entries", defaults.new_section_entries)),
            new_section_min_points=float(data.get("new_section_min_points", defaults.new_section_min_points)),
            rules_weight=float(data.get("rules_weight", defaults.rules_weight)),
            bias=float(data.get("bias", defaults.bias)),
            llm_missing_penalty=float(
                (keywords.get("llm_context") or {}).get("missing_penalty", defaults.llm_missing_penalty)
            ),
            neighbours=int(data.get("neighbours", defaults.neighbours)),
            neighbour_min_similarity=float(
                data.get("neighbour_min_similarity", defaults.neighbour_min_similarity)
            ),
            rule_reasons=int(data.get("rule_reasons", defaults.rule_reasons)),
            reasons_min_points=float(data.get("reasons_min_points", defaults.reasons_min_points)),
            learned=RelevanceSettings(
                **{k: learned[k] for k in learned if k in RelevanceSettings.__dataclass_fields__}
            ),
            abstracts=AbstractSettings(
                **{k: abstracts[k] for k in abstracts if k in AbstractSettings.__dataclass_fields__}
            ),
            routing=RouterSettings(
                **{k: routing[k] for k in routing if k in RouterSettings.__dataclass_fields__}
            ),
            features=FeatureSettings(
                word_ngrams=tuple(features.get("word_ngrams", defaults.features.word_ngrams)),
                char_ngrams=tuple(features.get("char_ngrams", defaults.features.char_ngrams)),
                min_df=int(features.get("min_df", defaults.features.min_df)),
            ),
        )


def _optional_float(data: dict[str, Any], key: str) -> float | None:
    """A number that may be null (a floor that is off)."""
    return None if data.get(key) is None else float(data[key])
