"""The layering rule of docs/architecture.md, for jobs: a job never imports another job (what
two jobs share lives in bot/core, bot/sources, bot/linkcheck...). The jobs that still run or
reuse another job are listed below, each with why; the list may only shrink."""

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


def test_core_imports_no_forge_and_no_job() -> None:
    """The forge's value types core builds and reads (ChangeRequest, PullRequest) live in
    bot.core.changes; bot.forge.protocols gives them under their old names."""
    from bot.core import changes
    from bot.forge import protocols

    for name in ("ChangeRequest", "PullRequest", "PullState"):
        assert getattr(protocols, name) is getattr(changes, name)
    for path in sorted((ROOT / "bot" / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            bad = [n for n in names if n.startswith(("bot.forge", "bot.jobs"))]
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}: core uses nothing outside itself"


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
