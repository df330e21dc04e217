#!/usr/bin/env python3
"""CI: the example config documents every option.

Every option of ``bot/config_schemas/<file>.yml`` that is not deprecated (the keys of a list's or a
map's objects too) is shown (set, or in a comment) in this repository's ``config/<file>.yml``, so
a maintainer reading the example finds it there with its default. Run on this repository's own config (not in the test suite: an adopting
list's config may leave options out to use their defaults).
Exit status 1 with one line per option missing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def options(schema: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The dotted paths of the schema's properties (nested objects too, and the objects of a list or
    a map: ``exclusions.*.reason``), deprecated ones left out."""
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict) or sub.get("deprecated"):
            continue
        yield (*path, key)
        yield from options(sub, (*path, key))
    for nested in ("items", "additionalProperties"):
        if isinstance(schema.get(nested), dict):
            yield from options(schema[nested], (*path, "*"))


def shown(key: str, text: str) -> bool:
    """``key:`` as a YAML key, set or commented out (``# key: ...``), first of a list item
    (``- key: ...``), or inside a flow mapping."""
    return re.search(rf"(?:^[ \t#-]*|[{{,][ \t]*){re.escape(key)}:", text, re.MULTILINE) is not None


def main() -> int:
    missing = []
    for schema_path in sorted((ROOT / "bot" / "config_schemas").glob("*.yml")):
        example = ROOT / "config" / schema_path.name
        if not example.is_file():
            missing.append(f"config/{schema_path.name}: missing (the schema has no example)")
            continue
        text = example.read_text(encoding="utf-8")
        schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
        missing += [
            f"config/{schema_path.name}: option {'.'.join(path)} is not shown; add it with its default"
            for path in options(schema)
            if not shown(path[-1], text)
        ]
    print("\n".join(missing) or "config/: every option is shown")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
