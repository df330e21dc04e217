"""A ``re:`` keyword pattern that backtracks exponentially is refused before any run: it stalled
the scoring of one abstract for hours (the poll job never ended)."""

from __future__ import annotations

import pytest

from bot.core.regex_backtracking import bounded_nested_repeat, nested_repeat
from bot.errors import ConfigError
from bot.scoring.patterns import PatternSet, pattern_regex


@pytest.mark.parametrize(
    "source",
    [
        r"(\w+\s?)+efficient",  # a word, maybe a space: a run of letters splits in 2**n ways
        r"(?:\s*\w+)*model",
        r"(a+)+$",
        r"(?:\w+)*x",
        r"(?:[a-z]+-?)+x",
        r"(?:fast|(?:\w+\s*))+x",  # in one alternative
        r"(?:\w+\s?)+?x",  # lazy repeats backtrack too
        r"(?>(?:\w+\s?)+)x",  # the inner repeat is no atomic group
    ],
)
def test_an_unbounded_repeat_around_a_part_that_splits_text(source: str) -> None:
    assert nested_repeat(source)


@pytest.mark.parametrize(
    "source",
    [
        r"(?:\w+\W+){0,5}?quantiz\w*",  # bounded, as the shipped rules write it
        r"(?:\w+\W+)+quantiz\w*",  # a word, then what ends it: one way to split
        r"(?:(?:\w+)?-)+x",
        r"(?:\w+\s?)++x",  # possessive: no backtracking
        r"(?=.*\bLLMs?\b).*?efficient\W+RL",
        r"^(?!.*\btrain\w*).*\b(?P<shown>on\W?device)",
        r"kv\W?cache",
    ],
)
def test_repeats_that_cost_little_are_accepted(source: str) -> None:
    assert not nested_repeat(source)


def test_the_keyword_pattern_is_refused_with_what_to_write_instead() -> None:
    with pytest.raises(ConfigError) as refused:
        pattern_regex(r"re:(\w+\s?)+efficient")
    message = str(refused.value)
    assert message.startswith(r"config/keywords.yml: pattern 're:(\w+\s?)+efficient' repeats without bound")
    assert r"Bound the outer repeat, e.g. (?:\w+\W+){0,5}?" in message


@pytest.mark.parametrize(
    "source",
    [
        r"(\w+\s?){1,5}efficient",  # what "Bound the outer repeat" made of (\w+\s?)+efficient
        r"(?:\w+\s?){1,2}efficient",  # seconds per paper on a 1,000-letter word
        r"(?:\w+\s?){2}x",
        r"(?:fast|\s*\w+){0,3}?x",
    ],
)
def test_a_bounded_repeat_around_a_part_that_splits_text(source: str) -> None:
    assert bounded_nested_repeat(source) and not nested_repeat(source)


@pytest.mark.parametrize(
    "source",
    [
        r"(?:\w+\W+){0,5}?quantiz\w*",  # a word, then what ends it: one way to split
        r"(?:\w+\s?)?x",  # at most once: nothing to split between repeats
        r"(?:\w+\s?){0,1}x",
        r"(?:\w+\s?){1,5}+x",  # possessive
        r"\w{2,5}x",
    ],
)
def test_bounded_repeats_that_cost_little_are_accepted(source: str) -> None:
    assert not bounded_nested_repeat(source)


def test_a_bounded_splitting_pattern_is_refused_before_an_abstract_holds_the_poll() -> None:
    """``(?:\\w+\\s?){1,3}efficient`` passed the check ("bounded"); an abstract starting "efficient:"
    with a 400-letter word after it held the scorer 68 s for this one pattern, 800 letters about 18
    minutes: a paper anyone can submit stalled the poll job."""
    with pytest.raises(ConfigError) as refused:
        PatternSet([r"re:(?:\w+\s?){1,3}efficient"])
    message = str(refused.value)
    assert message.startswith(r"config/keywords.yml: pattern 're:(?:\w+\s?){1,3}efficient' repeats a part")
    assert "a bound does not help" in message and r"(?:\w+\W+){0,5}?" in message
