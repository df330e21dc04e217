"""Whether a regular expression of the config (a ``re:`` keyword pattern, an import-mapping
``path`` or ``title``) can take exponential time, read from its parsed form
(``re``'s own parser): a repeat with no upper bound around a part that can split one run of text
in several ways (``(\\w+\\s?)+``, ``(?:\\s*\\w+)*``, ``(a+)+``). Where such a regex fails to match,
Python's backtracking tries every split: ``(\\w+\\s?)+efficient`` runs for hours on one abstract
without the word, and the poll job with it. A bound does not help much (``bounded_nested_repeat``):
``(\\w+\\s?){1,5}`` tries every split of a word into at most five parts, n**5 of them, and one
1,000-letter word in an abstract (which anyone submitting to arXiv can write) holds it for hours;
``{1,2}`` for seconds per paper. Parts that cannot match the same text (``(?:\\w+\\W+)+``: a word,
then what ends it; ``(?:\\w+\\W+){0,5}?`` as the shipped rules write it) cost little, and are not
named."""

from __future__ import annotations

from re import _parser as regex_parser  # type: ignore[attr-defined]  # re's own parser
from typing import Any

# greedy and lazy repeats backtrack; possessive ones (``a++``) and atomic groups do not
_BACKTRACKING = (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT)


def nested_repeat(source: str) -> bool:
    """Whether the regex ``source`` has an unbounded repeat around a part that splits a run of
    text in several ways (see the module's docstring)."""
    return any(_is_unbounded(op, av) and _splits(av[2]) for op, av in _walk(regex_parser.parse(source)))


def bounded_nested_repeat(source: str) -> bool:
    """Whether the regex ``source`` repeats more than once, with a bound, a part that splits a run
    of text in several ways (``(\\w+\\s?){1,5}``): polynomial, not exponential, and as fatal on a
    long word (see the module's docstring)."""
    return any(
        op in _BACKTRACKING and 1 < av[1] != regex_parser.MAXREPEAT and _splits(av[2])
        for op, av in _walk(regex_parser.parse(source))
    )


def _is_unbounded(op: Any, av: Any) -> bool:
    return op in _BACKTRACKING and av[1] == regex_parser.MAXREPEAT


def _walk(items: Any) -> Any:
    """Every item of a parsed regex, nested ones included."""
    for op, av in items:
        yield op, av
        for inner in _inner(op, av):
            yield from _walk(inner)


def _inner(op: Any, av: Any) -> list[Any]:
    """The parsed sequences an item holds."""
    if op in (*_BACKTRACKING, regex_parser.POSSESSIVE_REPEAT):
        return [av[2]]
    if op is regex_parser.SUBPATTERN:
        return [av[-1]]
    if op is regex_parser.BRANCH:
        return list(av[1])
    if op in (regex_parser.ASSERT, regex_parser.ASSERT_NOT):
        return [av[1]]
    if op is regex_parser.ATOMIC_GROUP:
        return [av]
    if op is regex_parser.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _splits(items: Any) -> bool:
    """Whether the sequence can match one run of text in several ways that a repeat around it
    would try: an unbounded repeat in it (or in a group or alternative of it) with nothing else
    in the sequence that must match at least one character."""
    for index, (op, av) in enumerate(items):
        rest = [items[i : i + 1].getwidth()[0] for i in range(len(items)) if i != index]
        if any(rest):
            continue
        if _is_unbounded(op, av):
            return True
        if op is regex_parser.SUBPATTERN and _splits(av[-1]):
            return True
        if op is regex_parser.BRANCH and any(_splits(branch) for branch in av[1]):
            return True
    return False
