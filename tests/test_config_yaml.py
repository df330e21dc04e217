"""config.read_yaml: libyaml's speed, PyYAML's data and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "config").glob("*.yml"), *config.SCHEMA_DIR.glob("*.yml")])


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_every_shipped_file_reads_as_pyyaml_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert config.read_yaml(text) == yaml.safe_load(text)


def test_a_broken_file_gets_pyyamls_own_error() -> None:
    text = "sections:\n  a: [1, 2\n  b: 3\n"
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as got:
        config.read_yaml(text)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("loader", ["libyaml", "pyyaml"])
def test_a_key_given_twice_is_an_error_naming_both_lines(
    loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """yaml.safe_load keeps the second ``kv-cache:`` block and silently drops the first one's rules."""
    if loader == "pyyaml":
        monkeypatch.setattr(config, "_LIBYAML", None)
    text = "sections:\n  kv-cache:\n    patterns: [kv]\n  kv-cache:\n    patterns: [cache]\n"
    with pytest.raises(config.DuplicateKeyError) as got:
        config.read_yaml(text)
    assert (got.value.key, got.value.first.line + 1, got.value.again.line + 1) == ("kv-cache", 2, 4)


def test_keys_merged_from_an_anchor_may_be_overridden() -> None:
    text = "base: &b\n  weight: 1\n  fields: [title]\nmine:\n  <<: *b\n  weight: 2\n"
    assert config.read_yaml(text)["mine"] == {"weight": 2, "fields": ["title"]}


def test_the_same_key_in_two_mappings_is_no_duplicate() -> None:
    assert config.read_yaml("a:\n  x: 1\nb:\n  x: 2\n") == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_broken_file_that_also_repeats_a_key_gets_pyyamls_syntax_error() -> None:
    """libyaml refuses it first; PyYAML's reading of it must still say what is broken."""
    with pytest.raises(yaml.YAMLError) as got:
        config.read_yaml("a: 1\na: 2\nb: [1, 2\n")
    assert not isinstance(got.value, config.DuplicateKeyError)


def laughs(levels: int, width: int = 10, key: str = "lol") -> str:
    """A "billion laughs": each line repeats the one before ``width`` times (width**levels values)."""
    lines = [f"{key}0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"{key}{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("loader", ["libyaml", "pyyaml"])
def test_aliases_that_repeat_too_much_are_refused_at_their_line(
    loader: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nine lines of ``&lN [*lM, ...]`` load at once (PyYAML shares the repeated value), and the
    schema check then walks 10**9 values: `validate-config` and every job hung. A file whose
    aliases add more than 10,000 values is refused, naming the file and the line."""
    if loader == "pyyaml":
        monkeypatch.setattr(config, "_LIBYAML", None)
    (tmp_path / "links.yml").write_text(laughs(5) + "hosts: *l4\n", encoding="utf-8")
    with pytest.raises(ConfigError) as got:
        config.load("links", tmp_path)
    assert str(got.value).startswith(f"{tmp_path / 'links.yml'}:4: aliases (*name) repeat the value here")
    (tmp_path / "links.yml").write_text("hosts: &h [{host: x, reason: *h}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"links.yml:1: this value holds itself"):
        config.load("links", tmp_path)


def test_aliases_of_a_usual_size_still_read() -> None:
    """A list written once and used twice, and merge keys, as the example config shows them."""
    assert len(config.read_yaml(laughs(3))["lol2"]) == 10  # 1,000 values: within the budget
    text = "base: &b {weight: 1, fields: [title]}\n" + "".join(f"s{n}: {{<<: *b}}\n" for n in range(500))
    assert config.read_yaml(text)["s499"] == {"weight": 1, "fields": ["title"]}


def test_the_other_yaml_the_bot_reads_has_the_budget_too() -> None:
    """config/keywords.yml as /teach edits it, the issue form (no form: no options), workflows."""
    from bot.core import issue_form, keyword_edits, yaml_aliases

    assert issue_form.form_options(laughs(6) + "body: *l5\n") is None
    with pytest.raises(yaml_aliases.AliasBudgetError):
        yaml_aliases.safe_load(laughs(6))
    with pytest.raises(yaml_aliases.AliasBudgetError):
        keyword_edits._patterns_of(laughs(6) + "sections: {a: {patterns: *l5}}\n", "a")


def test_values_nested_too_deep_are_a_yaml_error_not_a_crash(tmp_path: Path) -> None:
    """libyaml stops at 1,000 levels; PyYAML's own parser then read the file again and recursed
    until Python's RecursionError: a traceback (exit code 3) instead of one line naming the file."""
    (tmp_path / "links.yml").write_text("hosts: " + "[" * 1200 + "]" * 1200 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"links.yml: not valid YAML \(values nested too deep"):
        config.load("links", tmp_path)


def test_config_errors_name_the_line_an_editor_shows(tmp_path: Path) -> None:
    """YAML also breaks lines at "\\u2028", "\\u2029" and "\\x85": a line separator in a quoted
    value (a pasted title) moved every line number an error named one line down."""
    from bot.errors import ConfigError

    (tmp_path / "poll.yml").write_text(
        'catalog: "pasted\u2028name.md"\nmax_pull_requests: lots\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="line 2: key max_pull_requests"):
        config.load("poll", tmp_path)
    (tmp_path / "poll.yml").write_text('catalog: "a\u2028b"\nx: 1\nx: 2\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"poll.yml:3: key 'x' is given twice in one mapping \(first at line 2\)"
    ):
        config.load("poll", tmp_path)
    (tmp_path / "poll.yml").write_text('catalog: "a\u2028b"\nlabels: [1\n', encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"(?s)line 3: not valid YAML \(.*line 2, column 9:\n +labels: \[1\n.*line 3, column 1",
    ):
        config.load("poll", tmp_path)
