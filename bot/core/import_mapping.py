"""The import mapping (``config/import-mapping.yml``): which source section of which list goes to
which taxonomy section, what is excluded, and how catch-all sections are routed by title."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.catalog_document import Placement
from bot.core.list_items import Fields, SourceItem
from bot.core.regex_backtracking import bounded_nested_repeat, nested_repeat
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError, ConfigError

MAPPING = "import-mapping"

# -- the mapping (config/import-mapping.yml) --------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    reason: str
    files: tuple[str, ...] = ("*",)
    path: re.Pattern[str] | None = None
    title: re.Pattern[str] | None = None
    link: re.Pattern[str] | None = None

    @property
    def is_section(self) -> bool:
        """Applies to whole source sections (decided before reading the entries)."""
        return self.title is None and self.link is None


@dataclass(frozen=True)
class Rule:
    to: str
    files: tuple[str, ...] = ("*",)
    path: re.Pattern[str] | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class RouteRule:
    to: str
    title: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None

    def matches(self, title: str, text: str) -> bool:
        return bool((self.title and self.title.search(title)) or (self.text and self.text.search(text)))


@dataclass(frozen=True)
class Route:
    default: str
    rules: tuple[RouteRule, ...] = ()
    guess_weight: float = 1.0  # weight of the default: a catch-all's guess counts less


@dataclass(frozen=True)
class ImportMapping:
    taxonomy: Taxonomy
    rules: tuple[Rule, ...] = ()
    exclude: tuple[Exclusion, ...] = ()
    routes: dict[str, Route] = field(default_factory=dict)
    title_match: float = 92.0

    def for_file(self, name: str) -> FileMapping:
        """The rules and exclusions that apply to one input file."""
        return FileMapping(
            replace(
                self,
                rules=tuple(r for r in self.rules if _file_matches(r.files, name)),
                exclude=tuple(e for e in self.exclude if _file_matches(e.files, name)),
            )
        )

    def rule_for(self, item: SourceItem) -> Rule | None:
        return next((r for r in self.rules if _applies(r.files, r.path, item)), None)

    def section_exclusion(self, item: SourceItem) -> Exclusion | None:
        return next((e for e in self.exclude if e.is_section and _applies(e.files, e.path, item)), None)

    def entry_exclusion(self, item: SourceItem, fields: Fields) -> Exclusion | None:
        for exclusion in self.exclude:
            if exclusion.is_section or not _applies(exclusion.files, exclusion.path, item):
                continue
            if exclusion.title and exclusion.title.search(fields.title):
                return exclusion
            if exclusion.link and fields.resource and exclusion.link.search(fields.url):
                return exclusion
        return None

    def place(self, target: str, fields: Fields, item: SourceItem) -> tuple[Placement, float]:
        """Follow routes from ``target`` to a (section, subsection), with the weight of the
        guess (below 1 when a catch-all route fell back on its default)."""
        seen: set[str] = set()
        weight = 1.0
        while target in self.routes and target not in seen:
            seen.add(target)
            route = self.routes[target]
            matched = next((r.to for r in route.rules if r.matches(fields.title, item.text)), None)
            if matched is None:
                weight *= route.guess_weight
            target = matched or route.default
        return _placement(self.taxonomy, target), weight


class FileMapping:
    """A mapping narrowed to one file, remembering the decision for each heading path (the
    entries of a section share it)."""

    def __init__(self, mapping: ImportMapping) -> None:
        self.mapping = mapping
        self._rules: dict[str, Rule | None] = {}
        self._exclusions: dict[str, Exclusion | None] = {}

    def rule_for(self, item: SourceItem) -> Rule | None:
        if item.heading_path not in self._rules:
            self._rules[item.heading_path] = self.mapping.rule_for(item)
        return self._rules[item.heading_path]

    def section_exclusion(self, item: SourceItem) -> Exclusion | None:
        if item.heading_path not in self._exclusions:
            self._exclusions[item.heading_path] = self.mapping.section_exclusion(item)
        return self._exclusions[item.heading_path]


def _file_matches(files: tuple[str, ...], name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in files)


def _applies(files: tuple[str, ...], path: re.Pattern[str] | None, item: SourceItem) -> bool:
    return _file_matches(files, item.file) and (path is None or bool(path.search(item.heading_path)))


def _placement(taxonomy: Taxonomy, target: str) -> Placement:
    section, _, subsection = target.partition("/")
    taxonomy.get(section, subsection or None)  # raises UnknownSectionError
    return section, subsection or None


def _regex(value: str | None, where: str, path: str = f"config/{MAPPING}.yml") -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        compiled = re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"{path}: {where}: {value!r} is not a valid regular "
            f"expression ({exc}); fix it and run `python -m bot validate-config`"
        ) from exc
    if nested_repeat(value):
        raise ConfigError(
            f"{path}: {where}: '{value}' repeats without bound a part that can split the same words in "
            "many ways (as in (\\w+\\s?)+): on a heading or title it does not match, Python tries every "
            "split, for hours, and the import never ends. Bound the outer repeat, e.g. (?:\\w+\\W+){0,5}?"
        )
    if bounded_nested_repeat(value):
        raise ConfigError(
            f"{path}: {where}: '{value}' repeats a part that can split the same words in many ways (as in "
            "(\\w+\\s?){1,5}): a bound does not help, on one long heading or title Python tries every split "
            "into that many parts, for hours. Write parts that cannot match the same text: a word, then "
            "what ends it, e.g. (?:\\w+\\W+){0,5}?"
        )
    return compiled


def mapping_from(taxonomy: Taxonomy, data: dict[str, Any], where: str) -> ImportMapping:
    """The mapping of a loaded ``config/import-mapping.yml`` (``where``: its path, for errors):
    patterns compile, targets exist (the first problem raises; ``mapping_problems`` lists them
    all). The import job reads the file (``bot.jobs.import_lists.load_mapping``)."""
    problems = mapping_problems(taxonomy, data, where)
    if problems:
        raise ConfigError(problems[0])
    return _build_mapping(taxonomy, data, where)


def _build_mapping(taxonomy: Taxonomy, data: dict[str, Any], where: str) -> ImportMapping:
    rules = tuple(
        Rule(
            r["to"],
            tuple(r.get("files", ["*"])),
            _regex(r.get("path"), f"rules[{i}].path", where),
            float(r.get("weight", 1)),
        )
        for i, r in enumerate(data["rules"])
    )
    exclude = tuple(
        Exclusion(
            e["reason"],
            tuple(e.get("files", ["*"])),
            _regex(e.get("path"), f"exclude[{i}].path", where),
            _regex(e.get("title"), f"exclude[{i}].title", where),
            _regex(e.get("link"), f"exclude[{i}].link", where),
        )
        for i, e in enumerate(data["exclude"])
    )
    routes = {
        name: Route(
            r["default"],
            tuple(
                RouteRule(
                    rr["to"],
                    _regex(rr.get("title"), f"routes.{name}.rules[{j}].title", where),
                    _regex(rr.get("text"), f"routes.{name}.rules[{j}].text", where),
                )
                for j, rr in enumerate(r.get("rules", []))
            ),
            float(r.get("guess_weight", 1)),
        )
        for name, r in data["routes"].items()
    }
    return ImportMapping(taxonomy, rules, exclude, routes, float(data["title_match"]))


def mapping_problems(taxonomy: Taxonomy, data: dict[str, Any], where: str) -> list[str]:
    """Every problem of a loaded mapping file (``where``: its path): invalid patterns, targets
    outside the taxonomy."""
    problems = []
    patterns = [(f"rules[{i}].path", r.get("path")) for i, r in enumerate(data["rules"])]
    for i, e in enumerate(data["exclude"]):
        patterns += [(f"exclude[{i}].{key}", e.get(key)) for key in ("path", "title", "link")]
    for name, route in data["routes"].items():
        for j, rr in enumerate(route.get("rules", [])):
            patterns += [(f"routes.{name}.rules[{j}].{key}", rr.get(key)) for key in ("title", "text")]
    for key, value in patterns:
        try:
            _regex(value, key, where)
        except ConfigError as exc:
            problems.append(str(exc))
    targets = [(f"rules[{i}].to", r["to"]) for i, r in enumerate(data["rules"])]
    for name, route in data["routes"].items():
        targets.append((f"routes.{name}.default", route["default"]))
        targets += [(f"routes.{name}.rules[{j}].to", r["to"]) for j, r in enumerate(route.get("rules", []))]
    for key, target in targets:
        if target in data["routes"]:
            continue
        try:
            _placement(taxonomy, target)
        except CatalogError as exc:
            problems.append(
                f"{where}: {key}: {target!r} is neither a route nor a taxonomy section "
                f"({exc}); fix it and run `python -m bot validate-config`"
            )
    return problems
