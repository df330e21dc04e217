"""YAML with a budget on aliases: no "billion laughs" in a file the bot reads.

An alias (``*name``) repeats the value its anchor (``&name``) names. PyYAML shares that value
instead of copying it, so a file of nine lines whose every line repeats the one before nine times
loads at once, but holds 9**9 values for whatever walks it (the schema check, the defaults merge):
the job hangs. ``safe_load`` composes the document first (the nodes, each once), counts the values
the aliases add, and refuses a document whose aliases add more than ``MAX_REPEATED`` values, or
that holds itself (``&a [*a]``), naming the line of the repeated value. The config files' own use
of aliases (``<<: *defaults``, a list written once and used twice) stays far below it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_REPEATED = 10_000  # values all aliases of one document may add


class AliasBudgetError(yaml.composer.ComposerError):
    """Aliases that repeat too much (or a value that holds itself), at ``problem_mark``."""

    def __init__(self, problem: str, mark: yaml.Mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.mark = mark


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_aliases(root: yaml.Node, limit: int = MAX_REPEATED) -> None:
    """Raise ``AliasBudgetError`` when the values of ``root`` written out (every alias replaced
    by a copy of its value) are more than ``limit`` beyond the values written in the text."""
    sizes: dict[int, int] = {}  # id(node) -> values of it written out
    started: set[int] = set()  # the nodes being counted: the path from the root
    repeated: dict[int, yaml.Node] = {}  # the nodes reached more than once: anchors' values
    reached: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        if counted:
            started.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[id(node)] - len(sizes) > limit:
                worst = max(repeated.values(), key=lambda n: sizes.get(id(n), 0), default=node)
                raise AliasBudgetError(
                    f"aliases (*name) repeat the value here into more than {limit:,} values: "
                    'a file this small should not hold so many (a "billion laughs"); write the '
                    "values out instead of repeating them with anchors and aliases",
                    worst.start_mark,
                )
            continue
        if id(node) in sizes:
            continue
        started.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in started:
                raise AliasBudgetError(
                    "this value holds itself through an alias (*name inside its own &name): "
                    "no config has a use for that; write the values out",
                    child.start_mark,
                )
            if id(child) in reached:
                repeated[id(child)] = child
            reached.add(id(child))
            if id(child) not in sizes:
                stack.append((child, False))


class NestingError(yaml.YAMLError):
    """Values nested deeper than the parser can follow (libyaml stops at 1,000 levels; PyYAML's
    own parser, which reads what libyaml refuses, recursed until Python gave up)."""


def load_with(loader_class: Any, text: str) -> Any:
    """``yaml.load(text, Loader=loader_class)`` (a safe loader), aliases checked first."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_aliases(node)
        return loader.construct_document(node)
    except RecursionError:
        raise NestingError(
            "values nested too deep (hundreds of [ or { inside each other): no config needs that"
        ) from None
    finally:
        loader.dispose()


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)`` with the alias budget."""
    return load_with(yaml.SafeLoader, text)
