"""The words of a list's headings too generic to be one of ``init``'s starter routing rules on
their own, and the phrase of a heading that keeps such a word telling: "KV Cache" gives the rule
"kv cache", never "cache" (caches of every kind). Pure; ``scaffold.Scaffold.keywords`` uses it."""

from __future__ import annotations

import re
from collections.abc import Collection

# Rare enough in arXiv at large to pass ``common_words``, yet about anything: a KV-cache list's
# "cache" and a robot list's "low-cost" (a radio paper's) routed papers of other fields.
GENERIC_WORDS = frozenset(
    (
        "analysis",
        "application",
        "cache",
        "caching",
        "cost",
        "efficiency",
        "efficient",
        "evaluation",
        "framework",
        "general",
        "high",
        "learning",
        "low",
        "method",
        "misc",
        "model",
        "other",
        "others",
        "system",
    )
)

# The words of catch-all headings ("Other Tasks", "Misc Papers"): no phrase either.
_CATCH_ALL = frozenset(("general", "misc", "other", "others"))

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+-]*[a-z0-9+]|[a-z0-9]")


def singular(word: str) -> str:
    """A starter pattern's form of a word: the matcher accepts a pattern's plural, not its
    singular, so "robots" is written "robot" (short words and "-ss", "-us", "-is" kept)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_generic(word: str) -> bool:
    """A generic word, or a hyphenated one made only of generic words ("low-cost")."""
    return all(singular(part) in GENERIC_WORDS for part in word.split("-") if part)


def name_phrases(name: str, skip: Collection[str]) -> list[str]:
    """For each generic word of a heading, the two-word phrase with the word before it, else the
    one after it ("LLM KV Cache Compression" gives "kv cache", "Low-cost Robots" "low-cost
    robot"; "Other Tasks" none); never with a ``skip`` word (title glue such as "of", and words
    common in papers at large: "Language Models" gives none), another generic word or the list's
    own "awesome-..." name."""
    tokens = _TOKEN.findall(name.lower())
    phrases = []
    for i, token in enumerate(tokens):
        if not is_generic(token) or token in _CATCH_ALL:
            continue
        for j in (i - 1, i + 1):
            other = tokens[j] if 0 <= j < len(tokens) else ""
            if other and other not in skip and not is_generic(other) and not other.startswith("awesome"):
                phrases.append(f"{other} {token}" if j < i else f"{token} {other}")
                break
    return [singular(p) for p in dict.fromkeys(phrases)]
