"""One config loader for every ``config/*.yml`` file.

Each file ``config/<name>.yml`` is checked against the JSON schema ``bot/config_schemas/<name>.yml``
(written in YAML). Errors name the file, the key and what was expected; unknown keys are warned
about, not fatal; defaults come from the schema, so a missing file or key means "the default".
"""

from __future__ import annotations

import copy
import difflib
import logging
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.core import taxonomy, yaml_aliases
from bot.core.locations import config_dir  # where config lives; callers ask config.config_dir()
from bot.core.text import not_utf8, save_as_utf8, unreadable
from bot.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).parent / "config_schemas"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice: YAML would keep the last value and silently drop the
    first (a second ``kv-cache:`` block of keyword rules replaces the first one)."""

    def __init__(self, key: object, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(problem=f"key {key!r} given twice", problem_mark=again)
        self.key, self.first, self.again = key, first, again


def _unique_keys(loader: yaml.constructor.SafeConstructor, node: yaml.MappingNode) -> None:
    """Raise ``DuplicateKeyError`` at the second of two equal keys written in ``node`` (keys
    merged in with ``<<: *anchor`` may be overridden: that is what merging is for)."""
    seen: dict[object, yaml.Mark] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        if key in seen:
            raise DuplicateKeyError(key, seen[key], key_node.start_mark)
        seen[key] = key_node.start_mark


class _SafeLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        _unique_keys(self, node)
        return super().construct_mapping(node, deep)


_LIBYAML: Any = None
if hasattr(yaml, "CSafeLoader"):  # PyYAML built with libyaml

    class _CSafeLoader(yaml.CSafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            _unique_keys(self, node)
            return super().construct_mapping(node, deep)

    _LIBYAML = _CSafeLoader


def read_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml when PyYAML has it (ten times faster: a job
    reads every config file and schema first); a text libyaml refuses is read again by PyYAML's
    own parser, so a broken file gets the same error, naming the same line. A key given twice
    in one mapping raises ``DuplicateKeyError`` (``yaml.safe_load`` keeps the last silently), and
    aliases that repeat too much ``AliasBudgetError`` (``bot.core.yaml_aliases``)."""
    if _LIBYAML is not None:
        try:
            return yaml_aliases.load_with(_LIBYAML, text)  # the safe loader, in C
        except (DuplicateKeyError, yaml_aliases.AliasBudgetError):
            raise
        except yaml.YAMLError:
            pass
    return yaml_aliases.load_with(_SafeLoader, text)  # yaml.SafeLoader's subclass


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


def _unknown_keys(
    schema: dict[str, Any], value: Any, path: tuple[str, ...]
) -> list[tuple[tuple[str, ...], list[str]]]:
    """Each key the schema does not know (as its path) with the known keys closest to it."""
    if not isinstance(value, dict) or schema.get("type") != "object":
        return []
    properties = schema.get("properties")
    if properties is None:
        return []
    found = []
    for key, sub in value.items():
        if key not in properties:
            found.append(((*path, key), difflib.get_close_matches(str(key), list(properties), n=3)))
        else:
            found.extend(_unknown_keys(properties[key], sub, (*path, key)))
    return found


def _describe(error: jsonschema.ValidationError, data: Any, lines: Lines) -> tuple[int | None, str]:
    """The line of the file an error is at (None: unknown) and the error in words."""
    # a key holding a control character (YAML's "\e[2J") is shown escaped, as the message's values are
    where = ".".join(_key_text(p) for p in error.absolute_path) or "(top level)"
    if owner := _item_id(data, tuple(error.absolute_path)):
        where += f" (in the item with id {owner!r})"  # "sections.2" alone sends a reader counting
    expected = error.schema.get("description") if isinstance(error.schema, dict) else None
    hint = f" Expected: {expected.rstrip('.')}." if expected else ""
    path, message = tuple(error.absolute_path), error.message
    if lost := _lost_placeholders(error):  # not "does not match '^(?=[\\s\\S]*\\{n\\})'"
        message = f"{error.instance!r} has no {', '.join(lost)}"
    if unexpected := _unexpected_keys(error):
        # the typo's own line, not its mapping's (`labels:` is up to 55 lines above a label), and the
        # keys it was meant to be
        path += (unexpected[0],)
        closest = difflib.get_close_matches(
            str(unexpected[0]), list(error.schema.get("properties") or {}), n=3
        )
        message += f" (closest: {', '.join(closest)})" if closest else ""
    line = lines(path) if path else None
    return line, f"{f'line {line}: ' if line else ''}key {where}: {message}.{hint}"


def _key_text(key: Any) -> str:
    """A key of a path as shown: as written, or quoted with its escapes when it holds a character
    a terminal would act on (an ANSI escape, a carriage return)."""
    return str(key) if str(key).isprintable() else repr(str(key))


def _lost_placeholders(error: jsonschema.ValidationError) -> list[str]:
    """The ``{name}``s a label's pattern requires and its text lacks (a site label without its
    ``{n}``), for a message in the label's words rather than the pattern's."""
    if error.validator != "pattern" or not isinstance(error.instance, str):
        return []
    names = re.findall(r"\\\{(\w+)\\\}", str(error.validator_value))
    return [f"{{{name}}}" for name in names if f"{{{name}}}" not in error.instance]


def _unexpected_keys(error: jsonschema.ValidationError) -> list[Any]:
    """The keys an ``additionalProperties: false`` error refuses, in the file's order."""
    schema, instance = error.schema, error.instance
    if (
        error.validator != "additionalProperties"
        or not isinstance(schema, dict)
        or not isinstance(instance, dict)
    ):
        return []
    known = schema.get("properties") or {}
    return [key for key in instance if key not in known]


def _item_id(data: Any, path: tuple[Any, ...]) -> str | None:
    """The ``id`` of the innermost list item on ``path`` that has one (a section, a subsection)."""
    found, node = None, data
    for step in path:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                found = node["id"]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            break
    return found


Lines = Callable[[tuple[Any, ...]], "int | None"]


def _no_lines(_path: tuple[Any, ...]) -> None:
    return None


def key_lines(text: str) -> Lines:
    """The 1-based line of a key (or list item) of a YAML text, by its path ``("sections",
    "kv-cache", "weight")``: what a schema error or an unknown key names. None: not found. The
    text is composed on the first question only (a valid file never asks)."""

    @cache
    def root() -> yaml.Node | None:
        try:
            return yaml.compose(text, Loader=_LIBYAML or yaml.SafeLoader)  # noqa: S506 (nodes only)
        except yaml.YAMLError:
            return None

    def line(path: tuple[Any, ...]) -> int | None:
        node, mark = root(), None
        for step in path:
            node, mark = _step(node, step)
        return line_of(text, mark) if mark is not None else None

    return line


def line_of(text: str, mark: yaml.Mark) -> int:
    """The 1-based line of ``mark`` in ``text`` as editors and GitHub number it: YAML also breaks
    lines at "\\x85", "\\u2028" and "\\u2029", so its own ``mark.line`` drifts past one."""
    return text.count("\n", 0, mark.index) + 1


def _renumbered(exc: yaml.YAMLError, text: str) -> yaml.YAMLError:
    """``exc`` with its marks at the lines (and columns) ``line_of`` counts, so that the line
    its message names is the one the editor shows."""
    for name in ("context_mark", "problem_mark"):
        mark = getattr(exc, name, None)
        if mark is not None:
            column = mark.index - (text.rfind("\n", 0, mark.index) + 1)
            line = line_of(text, mark) - 1
            setattr(exc, name, yaml.Mark(mark.name, mark.index, line, column, mark.buffer, mark.pointer))
    return exc


def _step(node: yaml.Node | None, step: Any) -> tuple[yaml.Node | None, yaml.Mark | None]:
    """The node at key or index ``step`` of ``node``, and where its key (or item) starts."""
    if isinstance(node, yaml.MappingNode):
        pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == f"{step}"]
        return (pairs[-1][1], pairs[-1][0].start_mark) if pairs else (None, None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step], node.value[step].start_mark
    return None, None


def problems_in(message: str) -> int:
    """How many problems a config error's message holds: N of ``FILE: N problems:`` (the layout
    ``validate`` gives several problems of one file), else one."""
    listed = re.match(r"[^\n]*: (\d+) problems:\n", message)
    return int(listed[1]) if listed else 1


def validate(name: str, data: Any, source: str, lines: Lines = _no_lines) -> dict[str, Any]:
    """Validate ``data`` for config ``name``; return it merged over the schema's defaults.
    ``lines``: where a key is in the file (``key_lines`` of its text), for the messages."""
    schema = _schema(name)
    if data is None:
        data = {}
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        # in the file's order (a refused key is at its own line, below its mapping's other errors)
        described = sorted((_describe(e, data, lines) for e in errors), key=lambda d: d[0] or 1 << 30)
        details = [text for _, text in described]
        fix = "Fix the file and run `python -m bot validate-config`."
        if len(details) == 1:
            raise ConfigError(f"{source}: {details[0]} {fix}")
        listed = "".join(f"\n  - {detail}" for detail in details)
        raise ConfigError(f"{source}: {len(details)} problems:{listed}\n{fix}")
    for key, closest in _unknown_keys(schema, data, ()):
        line = lines(key)
        log.warning(
            "%s: unknown key %r%s is ignored (typo?)%s",
            source,
            ".".join(key),
            f" (line {line})" if line else "",
            f" (closest: {', '.join(closest)})" if closest else "",
        )
    merged: dict[str, Any] = _merge(_defaults(schema), data)
    return merged


def load(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Load and validate ``<config dir>/<name>.yml`` (missing file: all defaults)."""
    path = (directory or config_dir()) / f"{name}.yml"
    text = _text(path) if path.exists() else None
    data = _parse(path, text) if text is not None else None
    if data is None and (required := _schema(name).get("required")):  # no file, or nothing in it
        raise ConfigError(
            f"{path}: {'empty' if text is not None else 'missing'}: it must give {', '.join(required)} "
            f"(docs/configuration.md); `python -m bot init --from LIST` writes it from your list, or "
            "point CATALOG_BOT_CONFIG (or --config-dir) at the config folder that has it"
        )
    return validate(name, data, str(path), key_lines(text or ""))


def _text(path: Path) -> str:
    """A config file's text, or a ConfigError naming the line that is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{not_utf8(path, exc)}: {save_as_utf8(path)}") from exc
    except OSError as exc:  # a folder of that name, its permissions: a traceback (exit 3) before
        raise ConfigError(f"{unreadable(path, exc)}: make it a YAML file the bot can read") from exc


def _parse(path: Path, text: str) -> Any:
    """The YAML data of one config file, or a ConfigError naming the file and its line."""
    try:
        return read_yaml(text)
    except DuplicateKeyError as exc:
        raise ConfigError(
            f"{path}:{line_of(text, exc.again)}: key {exc.key!r} is given twice in one mapping (first "
            f"at line {line_of(text, exc.first)}); YAML would keep only the second and ignore the first: "
            "merge the two into one"
        ) from exc
    except yaml_aliases.AliasBudgetError as exc:
        raise ConfigError(f"{path}:{exc.mark.line + 1}: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {line_of(text, mark)}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({_renumbered(exc, text)}).") from exc


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
