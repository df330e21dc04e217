"""``init``'s starter routing rules for one section (pure; ``scaffold.Scaffold.keywords`` uses
them): its name's words and the words frequent in its titles and rare elsewhere
(``starter_patterns``), never a word ``common_words`` finds in papers at large, nor a word of a
list's headings too generic to be a rule on its own. Such a word is kept in the phrase of the
heading that keeps it telling: "KV Cache" gives the rule "kv cache", never "cache" (caches of
every kind)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from bot.core.matching import title_key
from bot.core.text import TITLE_GLUE_WORDS

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

# Words of degree, size and title rhetoric, rare in papers at large (so they pass
# ``common_words``) yet about any topic: in the 20 shared lists' starter rules, "Pushing the Limit
# of ..." gave "pushing", FlashAttention's "Exact Attention" "exact", "Extreme Compression" and
# "Extreme Sparsity" "extreme", "Infinite Context" "infinite", "Accelerating ..." "accelerating"
# (seven of the shared lists; alone it takes papers of any field). Generic words: a heading
# keeps them only in its phrase ("Extreme Quantization" gives "extreme quantization").
FILLER_WORDS = frozenset(
    (
        "accelerated",
        "accelerating",
        "affordable",
        "boosting",
        "commodity",
        "compact",
        "demystify",
        "demystifying",
        "elaborate",
        "exact",
        "explained",
        "extending",
        "extreme",
        "extremely",
        "giant",
        "huge",
        "infinite",
        "learnable",
        "massive",
        "progressive",
        "pushing",
        "relaxing",
        "resilient",
        "rethinking",
        "revisiting",
        "scratch",
        "simplifying",
        "tiny",
        "tradeoff",
        "ultra",
        "unleashing",
        "unlimited",
        "unlocking",
    )
)

# Telling only next to the word that qualifies them ("low-rank", "1-bit", "sliding window"), so
# never a rule alone: "rank" matched any ranking or retrieval paper, "bit" any bit-level one,
# "window" any sliding-window thing, "head" head pose, "mixture" Gaussian mixtures, "cloud" point
# clouds, "matrix" any matrix. Unlike a generic word, one of them keeps its phrase with a generic
# word: "Low Rank" gives "low rank", "Low Cost" nothing.
QUALIFIED_WORDS = frozenset(("bit", "bits", "cloud", "head", "heads", "matrix", "mixture", "rank", "window"))

# The words of catch-all headings ("Other Tasks", "Misc Papers"): no phrase either.
_CATCH_ALL = frozenset(("general", "misc", "other", "others"))

# Words written together, as a pattern's phrase matches them: apart only by spaces and hyphens.
_WRITTEN_TOGETHER = re.compile(r"[a-z0-9+][a-z0-9+\s-]*")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+-]*[a-z0-9+]|[a-z0-9]")

STARTER_WORDS = 6  # title words per section in the starter keyword rules

# Words that say nothing about a section: the glue of every title, and the words of list headings.
_STOPWORDS = TITLE_GLUE_WORDS | frozenset(
    (
        "any",
        "approach",
        "awesome",
        "approaches",
        "down",
        "general",
        "learning",
        "method",
        "methods",
        "misc",
        "miscellaneous",
        "most",
        "one",
        "other",
        "others",
        "out",
        "paper",
        "papers",
        "studies",
        "these",
        "three",
        "topic",
        "topics",
        "trending",
        "two",
        "up",
        "use",
        "where",
        "which",
        "who",
        "your",
    )
)


def singular(word: str) -> str:
    """A starter pattern's form of a word: the matcher accepts a pattern's plural, not its
    singular, so "robots" is written "robot" (short words and "-ss", "-us", "-is" kept)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_generic(word: str) -> bool:
    """A generic word, a word telling only in a phrase ("rank"), or a hyphenated one made only of
    generic words ("low-cost"; "low-rank" is not)."""
    return _qualified(word) or all(
        singular(part) in GENERIC_WORDS or singular(part) in FILLER_WORDS for part in word.split("-") if part
    )


def _qualified(word: str) -> bool:
    return singular(word) in QUALIFIED_WORDS


def _qualifier(word: str) -> bool:
    """A word that makes a qualified word telling: "low", "sliding", "1", even common in papers
    or generic, never title glue ("window-based"), a catch-all word or an "awesome-..." name."""
    return not (_qualified(word) or word in _STOPWORDS or word in _CATCH_ALL or word.startswith("awesome"))


def _qualified_compound(token: str) -> bool:
    """A hyphenated word of a qualified word and its qualifiers: "1-bit", "low-rank", never
    "window-based", "other-rank" or "bit-rank"."""
    parts = [part for part in token.split("-") if part]
    qualifiers = [part for part in parts if not _qualified(part)]
    return 0 < len(qualifiers) < len(parts) and all(_qualifier(q) for q in qualifiers)


def _pairs(token: str, other: str, skip: Collection[str]) -> bool:
    """Whether the generic ``token`` and the word ``other`` next to it make a telling phrase."""
    if _qualified(token):
        return _qualifier(other)
    if _qualified(other):  # "low" of "Low Rank"
        return True
    return other not in skip and not is_generic(other) and not other.startswith("awesome")


def name_phrases(name: str, skip: Collection[str]) -> list[str]:
    """For each generic word of a heading, the two-word phrase with the word before it, else the
    one after it ("LLM KV Cache Compression" gives "kv cache", "Low-cost Robots" "low-cost
    robot"; "Other Tasks" none); never with a ``skip`` word (title glue such as "of", and words
    common in papers at large: "Language Models" gives none), another generic word or the list's
    own "awesome-..." name. A ``QUALIFIED_WORDS`` word pairs with its qualifier even when that
    one is common or generic ("Low Rank" gives "low rank"), and a hyphenated word holding one is
    its own phrase ("1-bit", "low-rank")."""
    phrases = []
    for run in _WRITTEN_TOGETHER.findall(name.lower()):  # "KV (Cache)" is no phrase "kv cache"
        phrases += _run_phrases(_TOKEN.findall(run), skip)
    return [singular(p) for p in dict.fromkeys(phrases)]


def _run_phrases(tokens: list[str], skip: Collection[str]) -> list[str]:
    phrases = []
    for i, token in enumerate(tokens):
        if _qualified_compound(token):
            phrases.append(token)  # the name's words say "bit" of "1-bit", "low" and "rank"
            continue
        if not is_generic(token) or token in _CATCH_ALL:
            continue
        for j in (i - 1, i + 1):
            other = tokens[j] if 0 <= j < len(tokens) else ""
            if other and _pairs(token, other, skip):
                phrases.append(f"{other} {token}" if j < i else f"{token} {other}")
                break
    return phrases


def title_words(title: str) -> list[str]:
    """A title's words as starter patterns are written: lowercased, singular, without title glue
    and the words of list headings."""
    words = []
    for word in re.findall(r"[A-Za-z][A-Za-z0-9+-]*[A-Za-z0-9+]|[A-Za-z]", title.lower()):
        if len(word) < 3 or word in _STOPWORDS or word.startswith("awesome-"):
            continue  # "awesome-llm-prune": a list's name, when its entries sit under its title
        words.append(singular(word))
    return words


_MIN_KEY = 10  # characters of a title's key that another title may start with and be the same paper


def distinct(titles: Iterable[str]) -> list[str]:
    """One text per paper: a list may hold a paper twice (its arXiv and its venue version;
    "MELTing Point" and "MELTing point: Mobile Evaluation of Language Transformers"), and a word
    of one paper is no word of two. Two titles are one paper when their ``title_key`` without
    spaces ("LayerSkip" is "Layer Skip") are equal or one starts with the other (of ``_MIN_KEY``
    characters or more); its text is its titles joined by " / " (each word of either, no phrase
    across)."""
    papers: list[tuple[list[str], list[str]]] = []  # (keys, titles) of each paper
    for title in titles:
        key = title_key(title).replace(" ", "")
        if not key:
            continue
        paper = next((p for p in papers if any(_same_paper(key, k) for k in p[0])), None)
        if paper is None:
            papers.append(([key], [title]))
        elif title not in paper[1]:
            paper[0].append(key)
            paper[1].append(title)
    return [" / ".join(versions) for _, versions in papers]


def _same_paper(key: str, other: str) -> bool:
    shorter, longer = sorted((key, other), key=len)
    return shorter == longer or (len(shorter) >= _MIN_KEY and longer.startswith(shorter))


def word_counts(titles: Iterable[str]) -> Counter[str]:
    """In how many papers (``distinct`` titles) each word is."""
    return Counter(w for t in distinct(titles) for w in set(title_words(t)))


def bound_phrases(word: str, titles: Iterable[str]) -> list[str]:
    """The phrases a title word stands in wherever the titles use it, as written there: "chain"
    of "Chain of Thought" gives "chain of thought", "super" of "Image Super Resolution" "image
    super" and "super resolution" (the word and a word next to it, with at most a glue word
    between); none when the word stands alone or in several phrases. Alone, "chain" or "super"
    says nothing; a pattern of the two words without the glue ("chain thought") would match no
    title. Asked of a list's titles, a word it uses alone anywhere ("distillation") has none."""
    shared: set[tuple[str, ...]] | None = None
    for title in titles:
        if word not in title_words(title):
            continue
        found: set[tuple[str, ...]] = set()
        for run in _WRITTEN_TOGETHER.findall(title.lower()):
            words = [w.strip("-") for w in run.split()]  # "fine-tuning" is one word of a phrase
            found.update(p for i, w in enumerate(words) if singular(w) == word for p in _next_to(words, i))
        shared = found if shared is None else shared & found
        if not shared:
            return []
    return [" ".join(p) for p in sorted(shared or (), key=lambda p: (len(p), p))]  # no glue first


def _next_to(atoms: list[str], i: int) -> list[tuple[str, ...]]:
    """The phrases of ``atoms[i]`` and a word next to it, with at most one glue word between."""
    phrases = []
    for step in (-1, 1):
        j = i + step
        if 0 <= j < len(atoms) and atoms[j] in TITLE_GLUE_WORDS:
            j += step
        if 0 <= j < len(atoms) and _content(atoms[j]):
            words = atoms[min(i, j) : max(i, j) + 1]
            phrases.append((*words[:-1], singular(words[-1])))
    return phrases


def _content(atom: str) -> bool:
    return len(atom) > 1 and atom not in _STOPWORDS and any(c.isalpha() for c in atom)


def _matching(pattern: str, titles: Iterable[str]) -> int:
    """How many titles the starter pattern matches, as the scorer reads it."""
    from bot.scoring.patterns import pattern_regex  # scikit-learn behind it: only when needed

    regex = re.compile(pattern_regex(pattern)[0])
    return sum(1 for title in titles if regex.search(title.lower()))


def _one_name(word: str, rules: list[str], titles: list[str], everything: Sequence[str]) -> str:
    """``word``, or the phrase it makes one name with another of the section's ``rules``: the
    list's titles (``everything``) use it only in that phrase (``bound_phrases``), whose other
    word is a rule too ("segment" and "anything" of "Segment Anything"), or the section's
    ``titles`` use it only in a phrase a rule spells ("mixed" of "mixed-precision"). A word
    the list also uses alone ("speculative") stays a word, and so does one bound to a word that
    is no rule ("distillation" of "knowledge distillation")."""
    if "-" in word:
        return word
    for phrase in bound_phrases(word, everything or titles):
        if ({singular(w) for w in phrase.split() if w not in TITLE_GLUE_WORDS} - {word}) & set(rules):
            return phrase
    spelled = {spelling(r) for r in rules}
    return next((p for p in bound_phrases(word, titles) if spelling(p) in spelled), word)


def spelling(pattern: str) -> str:
    """What a starter pattern matches, whichever way it is written: a pattern's space or hyphen
    matches either or nothing ("super-resolution", "super resolution"; "kv cache", "kvcache"),
    as ``equivalent_patterns`` (validate-config) reads them."""
    return re.sub(r"[\s-]+", "", pattern)


def starter_patterns(
    name: str,
    titles: list[str],
    every: Counter[str],
    common: Collection[str] = frozenset(),
    fallback: bool = True,
    everything: Sequence[str] = (),
) -> list[str]:
    """The section's own name words, then the title words frequent here and rare elsewhere (in
    the list's other sections, and among papers at large: never a ``common`` word). A generic
    word ("cache", "low-cost": ``GENERIC_WORDS``) is never one alone, only in a phrase of the
    name ("kv cache"). Two words of one name are that name, as written (``_one_name``: "segment
    anything", "chain of thought", never "chain"), counted in the titles it matches, here and
    among ``everything`` (the list's titles). None found: the whole name (``fallback``, a section
    needs one rule) unless it says nothing ("Others", "Awesome-X"), or nothing (its entries
    teach it)."""
    own = Counter({w: n for w, n in word_counts(titles).items() if not is_generic(w)})
    named = [w for w in dict.fromkeys(title_words(name)) if w not in common and not is_generic(w)]
    picked: list[str] = []
    for word in named:  # "Chain of Thought" is one rule when the list writes "chain" in it only
        term = _one_name(word, named, [name, *titles], [name, *everything])
        if term != word and not _matching(term, titles):
            term = word  # the heading's phrase alone ("indicator of on-device"): no name
        if spelling(term) not in {spelling(p) for p in picked}:
            picked.append(term)
    picked += [p for p in name_phrases(name, _STOPWORDS | frozenset(common)) if p not in picked]
    every = every | own  # a subsection may keep another version of a paper than its section
    telling = [w for w in own if own[w] >= 2 and own[w] / every[w] >= 0.5 and w not in common]
    for word in sorted(telling, key=lambda w: (-own[w] * own[w] / every[w], w)):
        if len(picked) >= STARTER_WORDS + 2:
            break
        term = _one_name(word, [*picked, *telling], titles, everything)
        if term != word:  # its papers, here and in the list (hyphenated or not: "chain-of-thought")
            here = _matching(term, distinct(titles))
            if here < 2 or here / max(here, _matching(term, everything)) < 0.5:
                continue
        if spelling(term) not in {spelling(p) for p in picked}:
            picked.append(term)
    meaningful = any(  # "2024" (a year heading) says nothing either: a rule of it takes any paper
        w not in _STOPWORDS and not w.startswith("awesome") and not is_generic(w) and re.search("[a-z]", w)
        for w in name.lower().split()
    )
    return picked or ([name.lower()] if fallback and meaningful else [])


COMMON_SHARE = 0.015  # a word in more of the background papers' texts says nothing about a section


def common_words(texts: Iterable[str], share: float = COMMON_SHARE) -> frozenset[str]:
    """The words (as starter patterns are written) found in more than ``share`` of ``texts``: in
    the titles and abstracts of arXiv papers at large, "performance" (42% of them), "llms" (22%),
    "case" (9%) or "fast" (1.8%) would match any paper; "quantization" (0.5%), "on-device" or
    "speculative" say what a paper is about."""
    texts = list(texts)
    counts = Counter(w for text in texts for w in set(title_words(text)))
    return frozenset(w for w, n in counts.items() if n > share * len(texts))
