"""``/teach``'s edit of config/keywords.yml: one line added where the section's patterns are, the
rest of the file as it was, and only terms that are plain words."""

from __future__ import annotations

import difflib

import pytest
import yaml

from bot.core.keyword_edits import KeywordEditError, add_pattern, clean_term

RULES = """\
# keyword rules
sections:
  kv-cache:
    weight: 2.0
    patterns:
      - KV cache   # "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache"
      - {pattern: token eviction, weight: 3.0}
      - pattern: heavy hitter
        weight: 2.0
    # route-only words vote for the section and add no relevance
    route_only:
      - cache
  pruning:
    weight: 1.0
  empty:
    patterns:
  last:
    patterns:
    -   sparsity
# a comment after the sections

scoring:
  threshold: 0.5
"""


def changed(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("+ ", "- ")
    ]


@pytest.mark.parametrize(
    "section, lines",
    [
        ("kv-cache", ["+       - lantern weaving  # by x"]),  # after a two-line item, before the comment
        ("pruning", ["+     patterns:", "+       - lantern weaving  # by x"]),  # no patterns yet
        ("empty", ["+       - lantern weaving  # by x"]),  # "patterns:" and nothing under it
        ("last", ["+     - lantern weaving  # by x"]),  # the list's own indentation
        ("brand-new", ["+   brand-new:", "+     patterns:", "+       - lantern weaving  # by x"]),
    ],
)
def test_one_pattern_is_added_and_nothing_else_changes(section: str, lines: list[str]) -> None:
    after = add_pattern(RULES, section, "lantern weaving", "by x")
    assert changed(RULES, after) == lines
    assert "lantern weaving" in yaml.safe_load(after)["sections"][section]["patterns"]


def test_the_line_goes_at_the_end_of_the_list_and_keeps_crlf() -> None:
    after = add_pattern(RULES, "kv-cache", "lantern weaving")
    patterns = yaml.safe_load(after)["sections"]["kv-cache"]["patterns"]
    assert patterns[-1] == "lantern weaving" and len(patterns) == 4
    crlf = add_pattern(RULES.replace("\n", "\r\n"), "kv-cache", "lantern weaving")
    assert "\r\n      - lantern weaving\r\n" in crlf and "\n" not in crlf.replace("\r\n", "")


@pytest.mark.parametrize(
    "text, message",
    [
        ("scoring:\n  threshold: 0.5\n", "no `sections:` block"),
        ("", "no `sections:` block"),
        ("sections: {kv-cache: {patterns: [a]}}\n", "no `sections:` block"),
        ("sections:\n  kv-cache:\n    patterns: [KV cache, eviction]\n", "written on one line"),
        ("sections:\n  kv-cache: [a]\n", "not a block of keys"),
        ("sections:\n  kv-cache:\n    patterns:\n  - [\n", "not valid YAML"),
    ],
)
def test_a_file_the_line_cannot_go_into_is_refused(text: str, message: str) -> None:
    with pytest.raises(KeywordEditError, match=message):
        add_pattern(text, "kv-cache", "lantern weaving")


@pytest.mark.parametrize(
    "term, cleaned",
    [
        ("lantern  weaving", "lantern weaving"),
        ("KV-cache eviction", "KV-cache eviction"),
        ("don't think", "don't think"),
        ("思考 预算", "思考 预算"),
        ("KV", "KV"),
        ("x", None),  # one character is no term
        ("re:.*", None),  # regex syntax
        ("token*", None),  # a wildcard
        ("a # comment", None),
        ("a: b", None),
        ("{pattern: x}", None),
        ("-leading", None),
        ("two\nlines", "two lines"),  # white space is one space
        ("x" * 61, None),
    ],
)
def test_a_term_is_a_few_plain_words(term: str, cleaned: str | None) -> None:
    assert clean_term(term) == cleaned


@pytest.mark.parametrize("term", ["yes", "null", "12", "on", "1e5", "don't stop"])
def test_a_term_yaml_would_read_as_another_type_is_quoted(term: str) -> None:
    after = add_pattern(RULES, "kv-cache", term)
    assert yaml.safe_load(after)["sections"]["kv-cache"]["patterns"][-1] == term


def test_a_yaml_error_is_one_line_naming_where_it_is() -> None:
    """The /teach reply quoted PyYAML's whole message: 'in "<unicode string>", line 4, column 3:'
    and the caret drawn under a copy of the line, flattened into the reply's one line."""
    with pytest.raises(KeywordEditError) as raised:
        add_pattern("sections:\n  kv-cache:\n    patterns:\n  - [\n", "kv-cache", "lantern weaving")
    said = str(raised.value)
    assert "<unicode string>" not in said and "^" not in said and "\n" not in said
    assert said.startswith("config/keywords.yml is not valid YAML: line 4, column 3: expected <block end>")


SHARED_LIST = """\
sections:
  pruning:
    patterns: &shared
      - prune
      - sparsity
  quantization:
    patterns: *shared
"""
MERGED_BLOCK = """\
sections:
  pruning: &base
    weight: 2.0
    patterns:
      - prune
  quantization:
    <<: *base
    weight: 3.0
"""
SHARED_ITEM = """\
sections:
  pruning:
    patterns:
      - &p prune
      - sparsity
  quantization:
    patterns:
      - quant
      - *p
"""
SHARED_BLOCK = """\
sections:
  pruning: &block
    patterns:
      - prune
  quantization: *block
"""
MERGED_SECTIONS = """\
base: &sections
  pruning:
    patterns:
      - prune
sections:
  <<: *sections
  quantization:
    patterns:
      - quant
"""


@pytest.mark.parametrize(
    "text, section",
    [
        (SHARED_LIST, "quantization"),  # the list is pruning's: pruning learnt the term too
        (SHARED_LIST, "pruning"),  # and the other way round
        (MERGED_BLOCK, "quantization"),  # a `patterns:` of its own replaced the ones it merges
        (SHARED_ITEM, "quantization"),  # its last item is written in pruning: the line went there
        (SHARED_BLOCK, "quantization"),
        (MERGED_SECTIONS, "pruning"),  # a block of its own replaced the merged one
    ],
)
def test_a_list_or_block_written_once_for_several_places_is_left_to_a_maintainer(
    text: str, section: str
) -> None:
    """/teach added the term to a list an alias repeats (every section using it learnt it, while
    the PR said one), or a `patterns:` beside a merge key that dropped the merged patterns."""
    with pytest.raises(
        KeywordEditError, match=r"written once for several places .* Add `lantern weaving` by hand"
    ):
        add_pattern(text, section, "lantern weaving")


def test_an_anchor_elsewhere_in_the_file_does_not_stop_a_plain_list() -> None:
    after = add_pattern(SHARED_LIST + "  other:\n    patterns:\n      - x\n", "other", "lantern weaving")
    assert yaml.safe_load(after)["sections"]["other"]["patterns"] == ["x", "lantern weaving"]
    assert yaml.safe_load(after)["sections"]["pruning"]["patterns"] == ["prune", "sparsity"]
