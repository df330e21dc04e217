"""The layering rules of docs/architecture.md. A job never imports another job (what two jobs
share lives in bot/core, bot/sources, bot/linkcheck...). Core imports nothing outside itself but
the shared error types (bot.errors). The exceptions to each rule are listed below, each with
why; the lists may only shrink."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

JOBS = ROOT / "bot" / "jobs"

# (importing job, imported job): why it is still so. A new pair fails the test: move what both
# use out of bot/jobs instead (as PollSettings, proposal_for and the scorer protocols moved to
# bot.core.proposals for backfill, and the packaged sample feed to bot.sources.arxiv_rss,
# the arXiv search of backfill and new-topics to bot.sources.arxiv_search).
KNOWN = {
    ("nightly", "check_stars"): "nightly runs the star check (refresh_entries) as one of its steps",
    ("nightly", "enrich"): "nightly runs enrich (its Enricher) as one of its steps",
    ("init", "import_lists"): "init scaffolds the config, then runs the import",
}


def job_of(path: Path) -> str | None:
    """The job a module of bot/jobs belongs to (None for bot/jobs/__init__.py, shared helpers)."""
    parts = path.relative_to(JOBS).with_suffix("").parts
    return None if parts == ("__init__",) else parts[0]


def _is_job(name: str) -> bool:
    return (JOBS / f"{name}.py").exists() or (JOBS / name / "__init__.py").exists()


def imported_jobs(source: str) -> set[str]:
    """The jobs a module's source imports: ``from bot.jobs.X... import``, ``import bot.jobs.X``,
    ``from bot.jobs import X`` when X is a job (not a helper of bot/jobs/__init__.py)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "bot.jobs":
                found |= {alias.name for alias in node.names if _is_job(alias.name)}
            elif node.module.startswith("bot.jobs."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("bot.jobs.")}
    return found


def cross_job_imports() -> set[tuple[str, str]]:
    pairs = set()
    for path in sorted(JOBS.rglob("*.py")):
        job = job_of(path)
        for other in imported_jobs(path.read_text(encoding="utf-8")):
            if job is not None and other != job:
                pairs.add((job, other))
    return pairs


def test_the_rule_sees_every_way_a_job_imports_another() -> None:
    source = (
        "from bot.jobs.poll.plan import PollSettings\n"
        "from bot.jobs import add_file_argument, lint\n"
        "import bot.jobs.refresh\n"
        "def later():\n    from bot.jobs.enrich import cell\n"
    )
    assert imported_jobs(source) == {"poll", "lint", "refresh", "enrich"}
    assert job_of(JOBS / "poll" / "plan.py") == "poll" and job_of(JOBS / "__init__.py") is None


def test_no_job_imports_another_job_beyond_the_known_ones() -> None:
    pairs = cross_job_imports()
    new = sorted(pairs - KNOWN.keys())
    assert not new, (
        f"a job imports another job: {new}; move what both use to bot/core (or the layer it belongs to)"
    )
    gone = sorted(KNOWN.keys() - pairs)
    assert not gone, f"no longer imported, drop from KNOWN: {gone}"


def test_the_old_poll_names_stay_importable_for_the_bench_scripts() -> None:
    from bot.core import proposals
    from bot.jobs import poll
    from bot.jobs.poll import plan

    for name in ("PollSettings", "TrainScorer", "proposal_for"):
        assert getattr(poll, name) is getattr(proposals, name) is getattr(plan, name)
    assert plan.Scorer is proposals.Scorer and poll.PollReport is plan.PollReport


def test_the_github_resolver_keeps_its_old_import_path() -> None:
    from bot.jobs import check_stars
    from bot.linkcheck import github

    for name in ("GitHubRepoResolver", "RememberedRepositories", "RepoLink", "repo_link", "repository_names"):
        assert getattr(check_stars, name) is getattr(github, name)


def test_the_arxiv_search_keeps_its_old_import_path() -> None:
    from bot.jobs import backfill
    from bot.sources import arxiv_search

    for name in ("search", "search_query", "Progress", "SearchState", "STATE_VERSION", "EMPTY_PAGE_TRIES"):
        assert getattr(backfill, name) is getattr(arxiv_search, name)


def test_what_nightly_borrowed_from_other_jobs_keeps_its_old_import_path() -> None:
    from bot.core import catalog, markdown
    from bot.jobs import check_stars, enrich

    assert check_stars.title_at is catalog.title_at and enrich.cell is markdown.cell


def test_lint_and_validate_config_keep_their_old_names() -> None:
    from bot import config_checks
    from bot.core import matching
    from bot.jobs import lint, validate_config

    assert lint.duplicate_pairs is matching.duplicate_pairs
    assert validate_config.check_all is config_checks.check_all
    assert validate_config.preflight is config_checks.preflight


def test_the_forge_values_core_builds_keep_their_old_import_path() -> None:
    """The forge's value types core builds and reads (ChangeRequest, PullRequest) live in
    bot.core.changes; bot.forge.protocols gives them under their old names."""
    from bot.core import changes
    from bot.forge import protocols

    for name in ("ChangeRequest", "PullRequest", "PullState"):
        assert getattr(protocols, name) is getattr(changes, name)


# -- core uses nothing outside itself ----------------------------------------------------------

CORE = ROOT / "bot" / "core"
CORE_MAY_IMPORT = ("bot.core", "bot.errors")  # itself, and the shared error types

# (core module, module it imports, "type" when only under TYPE_CHECKING else "run"): why it is
# still so. A new import fails the test: move what core needs into core (as SourceItem and Fields
# moved to bot.core.list_items, config_dir to bot.core.locations), or have the caller read the config
# file and hand core the data (bot.config.load_taxonomy -> taxonomy.from_config). It may only shrink.
CORE_KNOWN = {
    ("bot.core.proposals", "bot.scoring", "type"): (
        "the Scorer protocol poll and backfill are given returns bot.scoring's Decision, which the"
        " jobs read beyond what a proposal needs (accept, to_record); a type only, never imported"
        " at run time (it pulls in scikit-learn)"
    ),
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST, package: str) -> list[str]:
    """The modules one import statement of a module of ``package`` names (``from bot import x``
    names ``bot.x``; a relative import is resolved against ``package``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parent, *([base] if base else [])])
    if base in ("bot", "bot.core"):  # names there may be modules: bot.config, bot.core.text
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def outside_imports(source: str, package: str = "bot.core") -> set[tuple[str, str]]:
    """The ``bot`` modules outside core that a module of ``package`` imports, anywhere in it (a
    function body too), each with "type" when it is imported only under ``if TYPE_CHECKING:``."""
    found: dict[str, str] = {}

    def visit(node: ast.AST, type_only: bool) -> None:
        for name in _imported(node, package):
            inside = any(name == m or name.startswith(f"{m}.") for m in CORE_MAY_IMPORT)
            if name.split(".")[0] == "bot" and not inside and found.get(name) != "run":
                found[name] = "type" if type_only else "run"
        for child in ast.iter_child_nodes(node):
            guarded = isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body
            visit(child, type_only or guarded)

    visit(ast.parse(source), False)
    return set(found.items())


def core_imports() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(CORE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for imported, kind in outside_imports(path.read_text(encoding="utf-8"), package):
            found.add((module.removesuffix(".__init__"), imported, kind))
    return found


def test_the_core_rule_sees_every_way_core_imports_another_layer() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import re, jinja2\n"
        "from bot.core import catalog, text\n"
        "from bot.core.entry import Entry\n"
        "from bot import errors\n"
        "from bot.errors import ConfigError\n"
        "from . import markdown\n"
        "from bot.sources.lists import Fields, SourceItem\n"
        "import bot.forge.protocols\n"
        "from bot import config\n"
        "from .. import http_retry\n"
        "if TYPE_CHECKING:\n    from bot.scoring import Decision\n"
        "def later():\n    from bot.jobs.poll import plan\n"
    )
    assert outside_imports(source) == {
        ("bot.sources.lists", "run"),
        ("bot.forge.protocols", "run"),
        ("bot.config", "run"),
        ("bot.http_retry", "run"),
        ("bot.scoring", "type"),
        ("bot.jobs.poll", "run"),
    }
    # a type-only import that is also imported at run time counts as run time
    assert outside_imports(
        "import typing\nif typing.TYPE_CHECKING:\n    import bot.config\nimport bot.config\n"
    ) == {("bot.config", "run")}


def test_core_imports_nothing_outside_itself_beyond_the_known_ones() -> None:
    found = core_imports()
    new = sorted(found - CORE_KNOWN.keys())
    assert not new, (
        f"core imports another layer: {new}; core uses only bot.core and bot.errors: move what it"
        " needs into bot/core, or take it as an argument"
    )
    gone = sorted(CORE_KNOWN.keys() - found)
    assert not gone, f"no longer imported, drop from CORE_KNOWN: {gone}"


def test_the_list_values_keep_their_old_import_path() -> None:
    """The import's rules in core use the values of a read list; bot.sources.lists gives them too."""
    from bot.core import list_items, urls
    from bot.sources import lists
    from bot.sources.lists import fields, items

    assert lists.Fields is list_items.Fields and lists.SourceItem is list_items.SourceItem
    assert items.SourceItem is list_items.SourceItem
    assert lists.github_repo is fields.github_repo is urls.github_repo_url
    assert (
        lists.github_repo("https://github.com/o/r/tree/main/x#readme") == "https://github.com/o/r/tree/main/x"
    )
