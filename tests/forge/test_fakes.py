"""Every fake of a forge protocol (``bot/forge/protocols.py``) in the tests defines each method of
the protocol, so a method added to a protocol is not forgotten in a fake (``Forge.has_file`` was
missing from test_enrich's). A fake is a class of tests/ with a method named as one of a
protocol's and taking the same parameters."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.forge import protocols
from tests.conftest import ROOT

PROTOCOLS = (protocols.Forge, protocols.IssueTracker, protocols.RepoDirectory)


def protocol_methods(protocol: type) -> dict[str, list[str]]:
    """Method name -> parameter names (self first)."""
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in vars(protocol).items()
        if inspect.isfunction(function) and not name.startswith("_")
    }


def class_methods(node: ast.ClassDef) -> dict[str, list[str]]:
    return {
        f.name: [a.arg for a in (*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs)]
        for f in node.body
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def fakes(root: Path) -> Iterator[tuple[str, type, ast.ClassDef]]:
    """(where, protocol, class) for each class under ``root`` that fakes a protocol."""
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            own = class_methods(node)
            for protocol in PROTOCOLS:
                wanted = protocol_methods(protocol)
                if any(wanted.get(name) == params for name, params in own.items()):
                    yield f"{path.relative_to(root.parent)}:{node.lineno} {node.name}", protocol, node


def test_the_fakes_are_found() -> None:
    """The known fakes, so that the check below is not vacuous."""
    found = {
        (where.split(":")[0], protocol.__name__, node.name) for where, protocol, node in fakes(ROOT / "tests")
    }
    assert ("tests/jobs/test_enrich.py", "Forge", "Branch") in found
    assert ("tests/jobs/test_check_stars.py", "RepoDirectory", "Directory") in found


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_every_fake_defines_every_method_of_its_protocol(protocol: type) -> None:
    missing = [
        f"{where} lacks {', '.join(sorted(set(protocol_methods(protocol)) - set(class_methods(node))))}"
        for where, faked, node in fakes(ROOT / "tests")
        if faked is protocol and set(protocol_methods(protocol)) - set(class_methods(node))
    ]
    assert not missing, f"fakes of {protocol.__name__} (bot/forge/protocols.py): {missing}"
