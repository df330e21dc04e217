"""config.read_yaml: libyaml's speed, PyYAML's data and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import config

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
