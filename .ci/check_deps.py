#!/usr/bin/env python3
"""CI: the lock files agree with pyproject.toml, and every imported package is declared.

- requirements.txt (what the workflows install, with --require-hashes) pins exactly the runtime
  dependencies of pyproject.toml at top level, each at a version its specifier allows, every pin
  with at least one hash; requirements-dev.txt does the same for runtime + the ``test`` extra.
- every third-party package imported by bot/ is a runtime dependency; by tests/ and bench/, a
  runtime or test dependency.

Regenerate the locks after changing pyproject.toml (see docs/security.md):
    pip-compile --allow-unsafe --generate-hashes --strip-extras --no-emit-index-url \
        --output-file=requirements.txt pyproject.toml
    pip-compile --allow-unsafe --generate-hashes --strip-extras --no-emit-index-url \
        --extra test --output-file=requirements-dev.txt pyproject.toml
Exit status 1 with one line per problem when something disagrees.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "catalog-bot"
# import name -> distribution name, where they differ
DISTRIBUTIONS = {
    "github": "pygithub", "yaml": "pyyaml", "sklearn": "scikit-learn", "markdown_it": "markdown-it-py",
    "pytest_httpserver": "pytest-httpserver", "openapi_core": "openapi-core", "graphql": "graphql-core",
}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def lock_entries(path: Path) -> dict[str, tuple[str, int, set[str]]]:
    """name -> (version, number of hashes, the 'via' names) of a pip-compile output file."""
    entries: dict[str, tuple[str, int, set[str]]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        pin = _PIN.match(line)
        if pin:
            current = canonicalize_name(pin[1])
            entries[current] = (pin[2], 0, set())
        elif current and "--hash=sha256:" in line:
            version, hashes, via = entries[current]
            entries[current] = (version, hashes + 1, via)
        elif current and line.lstrip().startswith("#"):
            text = line.lstrip("# ").removeprefix("via").strip()
            if text:
                entries[current][2].add(text)
        elif line.strip() and not line.startswith((" ", "#", "-")):
            entries[line.split()[0]] = ("", 0, set())  # not a pin: reported below
    return entries


def check_lock(path: Path, requirements: list[Requirement]) -> list[str]:
    if not path.exists():
        return [f"{path.name} is missing: generate it with pip-compile (see {Path(__file__).name})"]
    problems = []
    entries = lock_entries(path)
    wanted = {canonicalize_name(r.name): r for r in requirements}
    for name, (version, hashes, _via) in entries.items():
        if not version:
            problems.append(f"{path.name}: {name} is not pinned with ==")
        elif hashes == 0:
            problems.append(f"{path.name}: {name}=={version} has no --hash "
                            "(pip install --require-hashes would fail)")
    for name, requirement in wanted.items():
        if name not in entries:
            problems.append(f"{path.name}: {requirement} is in pyproject.toml but not in the lock")
        elif not requirement.specifier.contains(entries[name][0], prereleases=True):
            problems.append(f"{path.name}: {name}=={entries[name][0]} does not satisfy pyproject.toml's "
                            f"{requirement}")
    direct = {name for name, (_v, _h, via) in entries.items()
              if any(v.startswith(f"{PROJECT} (pyproject.toml)") for v in via)}
    for name in sorted(direct - set(wanted)):
        problems.append(f"{path.name}: {name} is locked as a dependency of {PROJECT} but pyproject.toml "
                        "no longer declares it")
    return problems


def imported(folder: Path) -> dict[str, str]:
    """Top-level module -> first file importing it, for absolute imports under ``folder``."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                     else [])
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def check_imports(folder: str, declared: set[str], local: set[str]) -> list[str]:
    problems = []
    for module, where in sorted(imported(ROOT / folder).items()):
        if module in sys.stdlib_module_names or module in local or module == "__future__":
            continue
        distribution = canonicalize_name(DISTRIBUTIONS.get(module, module))
        if distribution not in declared:
            problems.append(f"{where} imports {module}, but pyproject.toml does not declare {distribution}")
    return problems


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    test = [Requirement(r) for r in project.get("optional-dependencies", {}).get("test", [])]
    runtime_names = {canonicalize_name(r.name) for r in runtime}
    all_names = runtime_names | {canonicalize_name(r.name) for r in test}
    local = {"bot", "tests", "bench", "conftest"} | {p.stem for p in (ROOT / "bench").glob("*.py")}
    problems = [
        *check_lock(ROOT / "requirements.txt", runtime),
        *check_lock(ROOT / "requirements-dev.txt", runtime + test),
        *check_imports("bot", runtime_names, local),
        *check_imports("tests", all_names, local),
        *(check_imports("bench", all_names, local) if (ROOT / "bench").is_dir() else []),
    ]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print("lock files and imports agree with pyproject.toml")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
