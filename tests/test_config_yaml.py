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
