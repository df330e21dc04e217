"""One config loader for every ``config/*.yml`` file.

Each file ``config/<name>.yml`` is checked against the JSON schema ``bot/config_schemas/<name>.yml``
(written in YAML). Errors name the file, the key and what was expected; unknown keys are warned
about, not fatal; defaults come from the schema, so a missing file or key means "the default".
"""

from __future__ import annotations

import copy
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.core import taxonomy
from bot.core.locations import config_dir  # where config lives; callers ask config.config_dir()
from bot.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).parent / "config_schemas"


_LIBYAML = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml


def read_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml when PyYAML has it (ten times faster: a job
    reads every config file and schema first); a text libyaml refuses is read again by PyYAML's
    own parser, so a broken file gets the same error, naming the same line."""
    if _LIBYAML is not None:
        try:
            return yaml.load(text, Loader=_LIBYAML)  # noqa: S506 (the safe loader, in C)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def schema_names() -> list[str]:
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.yml"))


@lru_cache(maxsize=32)
def _schema(name: str) -> dict[str, Any]:
    path = SCHEMA_DIR / f"{name}.yml"
    if not path.exists():
        raise ConfigError(f"no schema for config file {name}.yml (known: {', '.join(schema_names())})")
    loaded: dict[str, Any] = read_yaml(path.read_text(encoding="utf-8"))
    return loaded


def _defaults(schema: dict[str, Any]) -> Any:
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if schema.get("type") == "object" and "properties" in schema:
        return {
            key: _defaults(sub)
            for key, sub in schema["properties"].items()
            if "default" in sub or sub.get("type") == "object"
        }
    return None


def _merge(defaults: Any, value: Any) -> Any:
    if isinstance(defaults, dict) and isinstance(value, dict):
        merged = dict(defaults)
        for key, sub in value.items():
            merged[key] = _merge(defaults.get(key), sub)
        return merged
    return value


def _unknown_keys(schema: dict[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, dict) or schema.get("type") != "object":
        return []
    properties = schema.get("properties")
    if properties is None:
        return []
    found = []
    for key, sub in value.items():
        if key not in properties:
            found.append(f"{path}{key}")
        else:
            found.extend(_unknown_keys(properties[key], sub, f"{path}{key}."))
    return found


def _describe(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    expected = error.schema.get("description") if isinstance(error.schema, dict) else None
    hint = f" Expected: {expected}." if expected else ""
    return f"key {where}: {error.message}.{hint}"


def validate(name: str, data: Any, source: str) -> dict[str, Any]:
    """Validate ``data`` for config ``name``; return it merged over the schema's defaults."""
    schema = _schema(name)
    if data is None:
        data = {}
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        details = "; ".join(_describe(e) for e in errors)
        raise ConfigError(f"{source}: {details} Fix the file and run `python -m bot validate-config`.")
    for key in _unknown_keys(schema, data, ""):
        log.warning("%s: unknown key %r is ignored (typo?)", source, key)
    merged: dict[str, Any] = _merge(_defaults(schema), data)
    return merged


def load(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Load and validate ``<config dir>/<name>.yml`` (missing file: all defaults)."""
    path = (directory or config_dir()) / f"{name}.yml"
    data: Any = None
    if path.exists():
        try:
            data = read_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            raise ConfigError(f"{path}{where}: not valid YAML ({exc}).") from exc
    return validate(name, data, str(path))


def load_taxonomy(directory: Path | None = None) -> taxonomy.Taxonomy:
    """``<config dir>/taxonomy.yml``, validated, as the catalog's sections (``bot.core.taxonomy``)."""
    return taxonomy.from_config(load("taxonomy", directory), (directory or config_dir()) / "taxonomy.yml")


def catalog_path(directory: Path | None = None) -> str:
    """The catalog's path: the one ``catalog`` key of config/poll.yml, for every job. The older
    ``catalog`` of config/commands.yml is still read: the same value gets a deprecation warning,
    a different one is an error (two jobs would edit two different files)."""
    path = str(load("poll", directory)["catalog"])
    old = load("commands", directory).get("catalog")
    if old is not None:
        where = (directory or config_dir()) / "commands.yml"
        if str(old) != path:
            raise ConfigError(
                f"{where}: catalog is {old!r} but config/poll.yml says {path!r}. The "
                "catalog path is now set once, as `catalog` in config/poll.yml: put the right "
                "path there and delete the key from commands.yml."
            )
        log.warning(
            "%s: catalog is deprecated (the path is set once, as `catalog` in "
            "config/poll.yml); delete it from commands.yml",
            where,
        )
    return path


def load_all(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every config file the bot knows, validated; used by ``validate-config``."""
    return {name: load(name, directory) for name in schema_names()}
