"""Teaching the keyword rules a term (pure): ``/teach "<term>" <section>`` adds one pattern line to
``config/keywords.yml``, under ``sections: <section>: patterns:``, and nothing else of the file
changes (its comments and layout are the maintainers').

The place is found in the YAML's own node marks (PyYAML's ``compose``), the line is inserted as
text, and the result must load back with the term among that section's patterns, or nothing is
proposed (``KeywordEditError``). A term is a few plain words (letters, digits, spaces, hyphens,
apostrophes): a literal pattern and a YAML string (quoted when YAML would read it as another
type: "yes", "null", "12"), never a regex, a wildcard or markup. A list or a block written once and
used in several places (a YAML anchor ``&`` and its aliases ``*``, or a merge ``<<: *name``) is left to
a maintainer: a line added there would teach every section that uses it, or replace what the section
takes from elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.core import yaml_aliases
from bot.errors import BotError

MAX_TERM = 60  # characters
KEYWORDS_PATH = "config/keywords.yml"  # in the repository: what /teach edits, and refresh rebuilds on
TEACH_MARKER_KIND = "catalog-teach"  # the hidden marker of a /teach pull request: {term, section, comment}
_TERM_RE = re.compile(r"^[^\W_][\w' -]*[^\W_]$")  # two characters or more


class KeywordEditError(BotError):
    """The term cannot be placed in config/keywords.yml as it is written."""


def clean_term(term: str) -> str | None:
    """The term with its spaces collapsed, or None when it is not a few plain words: letters and
    digits (any script), with spaces, hyphens and apostrophes inside, at most ``MAX_TERM``
    characters (so never ``re:`` or a ``*`` wildcard, which patterns read as regex syntax)."""
    words = " ".join(term.split())
    return words if words and len(words) <= MAX_TERM and _TERM_RE.match(words) else None


def add_pattern(text: str, section: str, term: str, comment: str = "") -> str:
    """``text`` (config/keywords.yml) with ``- <term>  # <comment>`` appended to the block list
    ``sections: <section>: patterns:``; a section without ``patterns:`` gets one, a section the
    file does not name yet gets its block at the end of ``sections:``. Raises ``KeywordEditError``
    when the file has no block mapping ``sections:``, or the list is written inline (``[a, b]``),
    or the result does not load back with the term in that list."""
    line = f"- {_yaml_string(term)}" + (f"  # {' '.join(comment.split())}" if comment.strip() else "")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    root = _compose(text)
    sections = _value(root, "sections")
    if not isinstance(sections, yaml.MappingNode) or sections.flow_style:
        raise KeywordEditError(
            "config/keywords.yml has no `sections:` block of keyword rules to add the term to: "
            f"add `sections:` with `{section}:` and `patterns:` by hand"
        )
    shared = _shared_nodes(root)
    block = _value(sections, section)
    if id(sections) in shared or (block is None and _merges(sections)):
        raise KeywordEditError(_SHARED.format(where="sections:", term=term))
    if block is None:  # a section the rules do not name yet: its own block after the others
        indent = _indent(sections)
        at = _end_line(sections)
        insert = [
            f"{indent}{section}:{newline}",
            f"{indent}  patterns:{newline}",
            f"{indent}    {line}{newline}",
        ]
    elif not isinstance(block, yaml.MappingNode) or block.flow_style:
        raise KeywordEditError(
            f"`sections: {section}:` in config/keywords.yml is not a block of keys: add the term "
            f"to its patterns by hand"
        )
    else:
        patterns = _value(block, "patterns")
        if id(block) in shared or (patterns is None and _merges(block)):
            raise KeywordEditError(_SHARED.format(where=f"sections: {section}:", term=term))
        if patterns is None or (
            isinstance(patterns, yaml.ScalarNode) and patterns.value in ("", "~", "null")
        ):
            key = _key(block, "patterns")
            if key is not None:  # "patterns:" with nothing after it
                at = key.start_mark.line + 1
                indent = " " * key.start_mark.column
                insert = [f"{indent}  {line}{newline}"]
            else:
                indent = _indent(block)
                at = block.value[0][0].start_mark.line if block.value else _end_line(block)
                insert = [f"{indent}patterns:{newline}", f"{indent}  {line}{newline}"]
        elif not isinstance(patterns, yaml.SequenceNode) or patterns.flow_style:
            raise KeywordEditError(
                f"the patterns of `{section}` in config/keywords.yml are written on one line "
                f"(`[a, b]`): add `{term}` to them by hand"
            )
        else:
            if {id(patterns), id(patterns.value[0]), id(patterns.value[-1])} & shared:
                raise KeywordEditError(_SHARED.format(where=f"sections: {section}: patterns:", term=term))
            last = patterns.value[-1]
            at = _end_line(last)
            first = patterns.value[0].start_mark
            indent = " " * lines[first.line].rfind("-", 0, first.column)  # where the items' dashes are
            insert = [f"{indent}{line}{newline}"]
    result = "".join(lines[:at] + insert + lines[at:])
    if term not in _patterns_of(result, section):
        raise KeywordEditError(f"`{term}` could not be added to the patterns of `{section}` (a bug)")
    return result


_SHARED = (
    "`{where}` in config/keywords.yml is written once for several places (a YAML anchor `&` and "
    "alias `*`, or a merge `<<: *name`): a line added there would teach every section that uses it, "
    "or replace what the section takes from elsewhere. Add `{term}` by hand"
)


def _shared_nodes(root: yaml.Node | None) -> set[int]:
    """The ids of the nodes of ``root`` reached more than once: an anchored value and each value
    an alias repeats (PyYAML's composer gives an alias the anchor's own node)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return shared


def _merges(mapping: yaml.MappingNode) -> bool:
    """Whether ``mapping`` takes keys from another one (``<<: *name``): a key added to it would
    replace the one it takes."""
    return any(key.tag == "tag:yaml.org,2002:merge" for key, _ in mapping.value)


def _yaml_string(term: str) -> str:
    """The term as a YAML string: plain, unless YAML would read it as something else ("yes",
    "null", "12")."""
    try:
        plain = yaml.safe_load(term) == term
    except yaml.YAMLError:
        plain = False
    return term if plain else "'" + term.replace("'", "''") + "'"


def yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's error as one line for a reply: "line 3, column 7: mapping values are not allowed
    here", without its ``in "<unicode string>"`` and the caret drawn under a copy of the line."""
    problem = getattr(exc, "problem", None)
    if not problem:
        return " ".join(str(exc).split())
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}" + (f" ({context})" if context else "")


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise KeywordEditError(f"config/keywords.yml is not valid YAML: {yaml_problem(exc)}") from exc


def _key(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((k for k, _ in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _value(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _indent(mapping: yaml.MappingNode) -> str:
    return " " * (mapping.value[0][0].start_mark.column if mapping.value else 2)


def _end_line(node: yaml.Node) -> int:
    """The index of the line after ``node``'s last line of content. A block node's own end mark
    is at the next token (past comment lines that belong to what follows), so its last scalar
    says where it ends."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.line + (0 if node.end_mark.column == 0 else 1)


def _patterns_of(text: str, section: str) -> list[Any]:
    data = yaml_aliases.safe_load(text) or {}
    block = (data.get("sections") or {}).get(section) or {}
    patterns = block.get("patterns") if isinstance(block, dict) else None
    return list(patterns) if isinstance(patterns, list) else []


def has_pattern(text: str, section: str, term: str) -> bool:
    """Whether ``term`` is one of the patterns of ``sections: <section>:`` in ``text``."""
    try:
        return term in _patterns_of(text, section)
    except (yaml.YAMLError, AttributeError) as exc:  # not YAML, or not a mapping of sections
        said = yaml_problem(exc) if isinstance(exc, yaml.YAMLError) else str(exc)
        raise KeywordEditError(f"config/keywords.yml does not load as keyword rules: {said}") from exc


def taught_comment(text: str, term: str) -> str:
    """The comment of the line ``add_pattern`` wrote for ``term`` in ``text`` ("" when none)."""
    start = f"- {_yaml_string(term)}  # "
    return next((s[len(start) :] for s in map(str.strip, text.splitlines()) if s.startswith(start)), "")
