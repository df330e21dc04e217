"""The docs say what the bot does: docs/adopt.md is followed command by command on a real list,
the adopter's workflows use the action's real inputs, and the README keeps its quick start."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from bot import __main__ as cli
from bot.core.anchors import github_anchors
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ADOPT = DOCS / "adopt.md"
ACTION = ROOT / "action.yml"


def bash_commands(markdown: str) -> list[str]:
    """The `python -m bot ...` lines of the page's ```bash blocks, in order, without comments."""
    commands, inside = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if inside and line.startswith("python -m bot "):
            commands.append(line)
    return commands


def test_adopt_md_commands_work_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Follow docs/adopt.md on another list, in a repository of its own."""
    repo = tmp_path / "awesome-kv-cache"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(FIXTURES / "lists" / "Zefan-Cai__Awesome-LLM-KV-Cache__README.md", repo / "README.md")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    commands = bash_commands(ADOPT.read_text(encoding="utf-8"))
    ran = []
    for line in commands:
        command, _, comment = line.partition("  #")
        argv = shlex.split(command)[3:]
        if "on GitHub" in comment:
            assert cli.build_parser(argv[0]).parse_args(argv).command == argv[0]  # the syntax holds
            continue
        assert cli.main(argv) == 0, f"docs/adopt.md: `{command.strip()}` failed:\n{capsys.readouterr()}"
        ran.append(argv[0])
        if ran == ["init"]:  # "Now edit config/taxonomy.yml: reword the titles if you like"
            taxonomy = repo / "config" / "taxonomy.yml"
            text = taxonomy.read_text(encoding="utf-8")
            assert "title: Systems\n" in text
            taxonomy.write_text(
                text.replace("title: Systems\n", "title: Serving Systems\n"), encoding="utf-8"
            )
    assert ran == ["init", "init", "import", "validate-config", "lint", "poll", "score"]
    assert "## Serving Systems" in (repo / "catalog.md").read_text(encoding="utf-8")
    assert (repo.parent / "scored.jsonl").stat().st_size > 0 and not (repo / "scored.jsonl").exists()
    assert not (repo / ".git" / "refs" / "heads" / "bot").exists()  # the dry run made no branch


def test_the_adopters_workflows_use_the_actions_inputs() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    inputs = set(action["inputs"])
    job_line = next(s["run"] for s in action["runs"]["steps"] if "case" in s.get("run", ""))
    jobs = set(re.search(r"\n\s*([a-z|-]+)\) ;;", job_line)[1].split("|"))  # type: ignore[index]
    assert jobs <= set(cli.COMMANDS)
    workflows = sorted((DOCS / "workflows").glob("*.yml"))
    assert [w.stem for w in workflows] == [
        "backfill",
        "commands",
        "new-topics",
        "nightly",
        "poll",
        "refresh",
        "site",
    ]
    # the pages that count or name them agree with the files
    listed = "(poll, refresh, commands, nightly, new-topics)"
    assert "Five short files in `.github/workflows/`" in ADOPT.read_text(encoding="utf-8")
    assert f"Five short files {listed}" in (ROOT / "README.md").read_text(encoding="utf-8")
    for workflow in workflows:
        assert f'--8<-- "docs/workflows/{workflow.name}"' in ADOPT.read_text(encoding="utf-8")
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert data["permissions"] == {}
        steps = [s for job in data["jobs"].values() for s in job["steps"]]
        bot = [s for s in steps if s.get("uses", "").startswith("catalog-bot/catalog-bot@")]
        assert bot, workflow.name
        for step in bot:
            assert re.fullmatch(r"catalog-bot/catalog-bot@[0-9a-f]{40}", step["uses"])
            assert set(step["with"]) <= inputs and step["with"]["job"] in jobs
        assert all(re.search(r"@[0-9a-f]{40}$", s["uses"]) for s in steps if "run" not in s)  # SHA-pinned
        assert all("${{" not in s.get("run", "") for s in steps)  # backfill's cache marker: no expression


def test_the_adopters_workflows_pass_options_their_job_has() -> None:
    """The `args:` of the bot's steps in docs/workflows/ (`--since`, `--categories`...) are checked
    by nothing else: a renamed option would fail every adopter's Run workflow, not this CI."""
    wrong, seen = [], 0
    for workflow in sorted((DOCS / "workflows").glob("*.yml")):
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for step in (s for job in data["jobs"].values() for s in job["steps"]):
            given = step.get("with") or {}
            if "job" not in given:
                continue
            flags = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", str(given.get("args", ""))))
            seen += len(flags)
            wrong += [
                f"{workflow.name}: {given['job']} {flag}"
                for flag in flags - (job_options(given["job"]) or set())
            ]
    assert seen >= 5 and not wrong, wrong


def test_readme_keeps_the_quick_start_and_stays_short() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # two commands, the first in a virtual environment (Debian's Python refuses `pip install`
    # outside one and has no `python`)
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert f"{venv}pip install -e '.[test]' && python -m bot poll\npython -m pytest\n```" in readme
    # the browser tests fail without it (tests/site/browser.py MISSING): a newcomer must know first
    assert "git and Chromium (the site's browser tests drive it" in readme
    assert len(readme.splitlines()) <= 300


@pytest.mark.parametrize("page", ["README.md", "SECURITY.md"])
def test_the_links_to_docs_pages_from_outside_docs_resolve_with_their_anchors(page: str) -> None:
    """mkdocs --strict checks the links between pages of docs/, not those of the README and
    SECURITY.md, which GitHub shows: `docs/poll.md#reviewing-in-local-git-mode` is a heading of
    that page as GitHub makes its anchor, or a renamed heading leaves the link at the page's top."""
    text = (ROOT / page).read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#\s]+)(?:#([^)\s]+))?\)", text)
    assert links
    for path, anchor in links:
        assert (ROOT / path).exists(), path
        if anchor:
            prose = re.sub(r"^```.*?^```", "", (ROOT / path).read_text(encoding="utf-8"), flags=re.M | re.S)
            headings = re.findall(r"^#+ (.+)$", prose, re.M)  # not a `# comment` of a code block
            assert anchor in github_anchors(headings), f"{page}: {path}#{anchor}"


def test_every_golden_file_is_shown_on_a_page() -> None:
    """A file of tests/golden/ that no page includes (or quotes whole) would be checked for nothing:
    each one is there for a page of the docs."""
    pages = {page.name: page.read_text(encoding="utf-8") for page in DOCS.glob("*.md")}
    golden = sorted((ROOT / "tests" / "golden").iterdir())
    assert golden
    for path in golden:
        include = f'--8<-- "tests/golden/{path.name}"'
        text = path.read_text(encoding="utf-8").strip()
        shown = [name for name, page in pages.items() if include in page or text in page]
        assert shown, f"tests/golden/{path.name} is on no page of docs/: include it with {include}"


# `python -m bot JOB ...` as the docs, workflows, templates and config comments write it; the
# options end at a code span, a table cell, a comment, a closing parenthesis or a second command
BOT_COMMAND = re.compile(r"python -m bot((?: -[vq])*) ([a-z][a-z-]*)((?:(?! / )[^`|#\n)])*)")


def job_options(job: str) -> set[str] | None:
    """The option strings ``python -m bot JOB`` accepts (None: no such job)."""
    parser = cli.build_parser(job)
    jobs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen = jobs.choices.get(job)
    return None if chosen is None else set(chosen._option_string_actions)


def test_every_command_the_docs_show_exists_with_its_options() -> None:
    """A renamed job or flag must not leave a page, a workflow or a message showing the old one
    (the jobs' command lines are a contract: options are added, never renamed)."""
    places = [
        *sorted(DOCS.rglob("*.md")),
        ROOT / "README.md",
        ACTION,
        *sorted((ROOT / ".github" / "workflows").glob("*.yml")),
        *sorted((ROOT / "bot" / "templates").glob("*.j2")),
        *sorted((ROOT / "config").glob("*.yml")),
    ]
    wrong, seen = [], 0
    for place in places:
        for match in BOT_COMMAND.finditer(place.read_text(encoding="utf-8")):
            seen += 1
            job, rest = match.group(2), match.group(3)
            known = job_options(job)
            if known is None:
                wrong.append(f"{place.relative_to(ROOT)}: no job {job!r}")
                continue
            flags = {token.split("=")[0].rstrip(",.;:") for token in rest.split() if token.startswith("-")}
            wrong += [
                f"{place.relative_to(ROOT)}: {job} has no option {flag}" for flag in flags - known - {"-"}
            ]
    assert seen > 100  # the pages do show the commands
    assert not wrong, "\n".join(wrong)


def test_doctor_names_the_workflows_that_grant_each_write_permission() -> None:
    """doctor tells a maintainer which workflow needs which write permission: the same as the
    workflows' own `permissions:` blocks."""
    granted: dict[str, set[str]] = {}
    for workflow in (DOCS / "workflows").glob("*.yml"):
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            for scope, level in (job.get("permissions") or {}).items():
                if level == "write":
                    granted.setdefault(scope, set()).add(workflow.stem)
    text = " ".join((ROOT / "tests" / "golden" / "github-doctor.txt").read_text(encoding="utf-8").split())
    said = re.search(r"contents: write and pull-requests: write \(([^)]*)\), issues: write \(([^)]*)\)", text)
    assert said, text
    assert set(said[1].split(", ")) == granted["contents"] == granted["pull-requests"]
    assert set(said[2].split(", ")) == granted["issues"]


@pytest.mark.parametrize(
    ("page", "files"),
    [("github.md", ".github/workflows/*.yml"), ("configuration.md", "bot/config_schemas/*.yml")],
)
def test_a_page_has_a_table_row_for_each_of_its_files(page: str, files: str) -> None:
    """Every workflow of the repository is in github.md's table, every config file (one per
    schema) in configuration.md's."""
    text = (DOCS / page).read_text(encoding="utf-8")
    found = sorted(ROOT.glob(files))
    assert found
    missing = [f.name for f in found if f"| `{f.name}` |" not in text]
    assert not missing, f"docs/{page}: add a row to the table for {missing}"


def test_the_configuration_page_names_the_jobs_that_check_the_config_first() -> None:
    page = " ".join((DOCS / "configuration.md").read_text(encoding="utf-8").split())
    named = re.search(r"The jobs that read the taxonomy \(([^)]*)\) run the same checks", page)
    assert named, "docs/configuration.md: the sentence naming the jobs that run validate-config's checks"
    assert set(named[1].split(", ")) == set(cli.PREFLIGHT)


def test_the_architecture_tree_names_every_module_of_the_layers_it_lists_one_by_one() -> None:
    """docs/architecture.md names each module of bot/core, bot/jobs (and commands/), bot/forge
    and bot/sources (and lists/); the scoring, link-checking, site and GitHub packages are
    described as wholes."""
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    start = page.index("```")
    named = set(re.findall(r"[a-z_]+", page[start : page.index("```", start + 3)]))
    packages = ["core", "jobs", "jobs/commands", "forge", "sources", "sources/lists"]
    missing = [
        f"bot/{package}/{module.name}"
        for package in packages
        for module in sorted((ROOT / "bot" / package).glob("*.py"))
        if module.stem != "__init__" and module.stem not in named
    ]
    assert not missing, f"docs/architecture.md: name {missing} in the tree"


def test_the_architecture_tree_names_each_module_of_a_package_in_its_own_parentheses() -> None:
    """`commands/ (event, state, ...)` left out parser.py, and the test above did not see it: the
    word "parser" is elsewhere in the tree (`configure(parser)`). A package the tree lists with
    its modules in parentheses, `poll/ (plan, inputs)`, names every one of them there."""
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    start = page.index("```")
    tree = re.sub(r"\s*[│▼]\s*", " ", page[start : page.index("```", start + 3)])
    missing = []
    for package in ["jobs/poll", "jobs/nightly", "jobs/import_lists", "jobs/commands", "sources/lists"]:
        listed = re.search(rf"(?<![\w/]){package.rsplit('/', 1)[-1]}/ \(([^()]*)\)", tree)
        assert listed, f"docs/architecture.md: list {package}/ with its modules, `name/ (a, b)`"
        named = set(re.findall(r"[a-z_]+", listed[1]))
        missing += [
            f"bot/{package}/{module.name}"
            for module in sorted((ROOT / "bot" / package).glob("*.py"))
            if module.stem != "__init__" and module.stem not in named
        ]
    assert not missing, f"docs/architecture.md: name {missing} in their package's parentheses"


def test_the_development_layout_names_every_package_and_job_of_bot() -> None:
    """docs/development.md's layout listed 13 of the 17 jobs (no enrich, backfill, new_topics or
    site) and no bot/site/: each folder and module of bot/, and each job, is named there."""
    page = (DOCS / "development.md").read_text(encoding="utf-8")
    start = page.index("```")
    layout = page[start : page.index("```", start + 3)]
    bot = ROOT / "bot"
    missing = [
        f"bot/{path.name}{'/' if path.is_dir() else ''}"
        for path in sorted(bot.iterdir())
        if not path.name.startswith("_") or path.name == "__main__.py"
        if (path.is_dir() and path.name != "__pycache__") or path.suffix == ".py"
        if f"bot/{path.name}" not in layout
    ]
    jobs = layout[layout.index("bot/jobs/") : layout.index("bot/core/")]
    named = set(re.findall(r"[a-z_]+", jobs))
    missing += [
        f"bot/jobs/{job.stem}"
        for job in sorted((bot / "jobs").iterdir())
        if not job.name.startswith("__") and job.stem not in named
    ]
    assert not missing, f"docs/development.md: name {missing} in the layout"


def test_every_page_is_on_the_home_page_and_in_the_navigation() -> None:
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    in_nav = {page for item in nav for page in item.values()}
    for page in sorted(DOCS.glob("*.md")):
        if page.name != "index.md":
            assert f"]({page.name})" in home, f"docs/index.md: add {page.name} to the table of pages"
        assert page.name in in_nav, f"mkdocs.yml: add {page.name} to nav"


# -v/-q are every job's: docs/architecture.md documents them once, for all of them
COMMON_OPTIONS = {"-h", "--help", "-v", "--verbose", "-q", "--quiet"}


def doc_sections() -> list[tuple[str, str]]:
    """(page name, text) of every heading's section of every page of docs/, and the README."""
    sections = []
    for page in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        parts = re.split(r"(?m)^(?=#{1,6} )", page.read_text(encoding="utf-8"))
        sections += [(page.name, part) for part in parts]
    return sections


def test_every_option_of_every_job_is_documented_with_its_job() -> None:
    """Each option a job accepts is named in a section of the docs that names the job
    (`python -m bot JOB` or `JOB` in code), so no flag is known only to `--help`."""
    sections = doc_sections()
    architecture = (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert "`-v/--verbose`" in architecture and "`-q/--quiet`" in architecture
    missing = []
    for job in cli.COMMANDS:
        named = re.compile(rf"(?:bot |`){re.escape(job)}(?![\w-])")
        with_job = [text for _, text in sections if named.search(text)]
        assert with_job, f"no section of docs/ names the job {job}"
        for option in sorted((job_options(job) or set()) - COMMON_OPTIONS):
            if not option.startswith("--"):
                continue  # a short alias (-o) of a long option
            flag = re.compile(rf"(?<![\w-]){re.escape(option)}(?![\w-])")
            if not any(flag.search(text) for text in with_job):
                missing.append(f"{job} {option}")
    assert not missing, "document these options on the job's page:\n" + "\n".join(missing)


@pytest.mark.parametrize("job", ["new-topics", "nightly"])
def test_the_permissions_a_page_says_its_workflow_needs_are_the_workflows(job: str) -> None:
    page = (DOCS / f"{job}.md").read_text(encoding="utf-8") + "\n\n"
    start = page.lower().index("the workflow needs")
    said = set(re.findall(r"`([a-z-]+: (?:read|write))`", page[start : page.index("\n\n", start)]))
    workflow = yaml.safe_load((DOCS / "workflows" / f"{job}.yml").read_text(encoding="utf-8"))
    granted = {
        f"{scope}: {level}" for j in workflow["jobs"].values() for scope, level in j["permissions"].items()
    }
    assert said == granted, f"docs/{job}.md says the workflow needs {sorted(said)}"


# files a page names that are not in the repository: written by the bot, or named as history
NOT_IN_THE_REPOSITORY = {
    "data/papers.jsonl": "the paper store, built by the first nightly run",
    "config/import-mapping.suggested.yml": "written by import --suggest-mapping",
    "bot/jobs/poll.py": "architecture.md: the module that became the package bot/jobs/poll/",
    "../shared/lists/README.md": "import.md: the big data beside a development checkout, not in a clone",
    "bot/jobs/init.py": "architecture.md: the module that became the package bot/jobs/init/",
}


def test_every_file_a_page_names_exists() -> None:
    """A path in code (`bot/templates/pr_body.md.j2`) is a file of the repository: a renamed or
    moved file must not leave a page pointing at nothing."""
    named = re.compile(r"`([\w.-]+/[\w./-]+\.(?:j2|yml|yaml|py|md|jsonl|json|txt|toml))`")
    missing = []
    for page in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        for path in named.findall(page.read_text(encoding="utf-8")):
            if not (ROOT / path).exists() and path not in NOT_IN_THE_REPOSITORY:
                missing.append(f"{page.name}: {path}")
    assert not missing, "\n".join(missing)


def test_every_module_and_name_a_page_names_in_code_exists() -> None:
    """`bot.catalog` (site.md), `bot.jobs.check_stars.GitHubRepoResolver` (link-checking.md): a
    dotted name in code on a page is a module of the bot, or a name in one, after every move."""
    import importlib

    wrong = []
    for page in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        for name in sorted(set(re.findall(r"`(bot(?:\.\w+)+)", page.read_text(encoding="utf-8")))):
            module, _, attribute = name.rpartition(".")
            try:
                importlib.import_module(name)
            except ImportError:
                try:
                    found = hasattr(importlib.import_module(module), attribute)
                except ImportError:
                    found = False
                if not found:
                    wrong.append(f"{page.name}: {name}")
    assert not wrong, "\n".join(wrong)


def test_every_environment_variable_the_bot_reads_is_on_a_page() -> None:
    """handle-event read GITHUB_EVENT_NAME and GITHUB_EVENT_PATH and no page named them: each
    variable the code reads (`env["X"]`, `env.get("X")`, `os.environ`, `getenv`) is in docs/."""
    read = re.compile(
        r'(?:environ|env)(?:\.get\(|\[)\s*"([A-Z][A-Z_]+)"|getenv\(\s*"([A-Z][A-Z_]+)"'
        r'|^\w*ENV\w* = "([A-Z][A-Z_]+)"',  # a named constant: ENV_CONFIG_DIR = "CATALOG_BOT_CONFIG"
        re.M,
    )
    names = {
        name
        for module in (ROOT / "bot").rglob("*.py")
        for match in read.finditer(module.read_text(encoding="utf-8"))
        for name in match.groups()
        if name
    }
    assert {"GITHUB_TOKEN", "CATALOG_BOT_CACHE_DIR", "GITHUB_EVENT_PATH", "CATALOG_BOT_CONFIG"} <= names
    pages = " ".join(page.read_text(encoding="utf-8") for page in [*DOCS.glob("*.md"), ROOT / "README.md"])
    assert not sorted(n for n in names if f"`{n}" not in pages and f"{n}=" not in pages)


def schema_keys(schema: dict, path: str = "") -> list[str]:
    """The dotted key paths of a config schema (list items and maps add no part)."""
    keys = []
    for key, sub in (schema.get("properties") or {}).items():
        keys += [f"{path}{key}", *schema_keys(sub, f"{path}{key}.")]
    for nested in ("items", "additionalProperties"):
        if isinstance(schema.get(nested), dict):
            keys += schema_keys(schema[nested], path)
    return keys


def code_of(page: str) -> list[str]:
    """The code spans and code blocks of a markdown page."""
    fence = r"(?ms)^\s*````?[a-z]*\n(.*?)^\s*````?\s*$"
    prose = re.sub(fence, "", page).replace("``", "")
    return re.findall(fence, page) + re.findall(r"`([^`]+)`", prose)


# a block of a config file that has a page of its own
OWN_PAGE = {"poll.yml": "new-topics.md", "taxonomy.yml": "site.md"}  # site.md: the site's labels


def config_file_pages() -> dict[str, str]:
    """Config file -> the page configuration.md's table gives it (`sources.yml` -> sources.md)."""
    table = (DOCS / "configuration.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([\w-]+\.yml)` \|.*\]\(([\w-]+\.md)\) \|$", table, re.M))


def test_every_config_key_is_on_the_page_of_its_file() -> None:
    """Every key of every schema is named in code (`fix_https`, `api.query_url`, a YAML sample) on
    the page configuration.md's table gives its file, so no option is known only to its file."""
    pages = config_file_pages()
    missing = []
    for schema_file in sorted((ROOT / "bot" / "config_schemas").glob("*.yml")):
        names = [pages[schema_file.name], *filter(None, [OWN_PAGE.get(schema_file.name)])]
        code = [c for name in names for c in code_of((DOCS / name).read_text(encoding="utf-8"))]
        for key in schema_keys(yaml.safe_load(schema_file.read_text(encoding="utf-8"))):
            name = re.escape(key.rsplit(".", 1)[-1])
            if not any(re.search(rf"(?<![\w-]){name}(?![\w-])", c) for c in code):
                missing.append(f"{schema_file.name}: {key} (docs/{names[0]})")
    assert not missing, "name these keys on their page:\n" + "\n".join(missing)


def test_every_benchmark_is_named_on_a_page() -> None:
    """bench/nightly_scale.py was on no page: a maintainer looking for the nightly jobs' figures at
    scale could not find the script that measures them."""
    pages = " ".join(page.read_text(encoding="utf-8") for page in DOCS.glob("*.md"))
    unnamed = [p.name for p in sorted((ROOT / "bench").glob("*.py")) if f"bench/{p.name}" not in pages]
    assert not unnamed, f"name them on the page of what they measure: {unnamed}"


@pytest.mark.parametrize("bench", ["score_quality", "replay"])
def test_every_option_of_the_scoring_benchmarks_is_on_the_scoring_page(bench: str) -> None:
    """`--show-judged-errors` (round 28) was in no row of docs/scoring.md's table of commands, and
    `--show` on no page: a maintainer reading the page for how to measure could not find them."""
    shown = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{bench}.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", shown)) - {"--help"}
    page = (DOCS / "scoring.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in page.splitlines() if line.startswith(f"| `python bench/{bench}.py"))
    assert len(options) >= 7
    missing = [o for o in sorted(options) if not re.search(rf"{re.escape(o)}(?![\w-])", table)]
    assert not missing, f"docs/scoring.md: name {missing} in the row of bench/{bench}.py"


def test_the_readme_cheat_sheet_has_a_row_for_every_job() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `python -m bot ([a-z][a-z-]*)", readme, re.M)
    assert sorted(rows) == sorted(cli.COMMANDS), "README.md: one row per job in the Commands table"


def test_the_help_and_the_cheat_sheet_name_every_issue_command() -> None:
    """`python -m bot --help` said handle-event runs "/add, /remove, /move, /approve, /teach": /help
    is one too, as the README's row says."""
    from bot.jobs.commands.parser import NAMES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `python -m bot handle-event"))
    for said in (cli.COMMANDS["handle-event"][1], row):
        assert set(re.findall(r"/([a-z]+)", said)) >= set(NAMES), said


def test_the_config_docs_check_sees_the_keys_of_list_items() -> None:
    """.ci/check_config_docs.py walked `properties` only: the keys of a list's objects
    (`exclusions` of links.yml: `pattern`, `reason`) could go missing from the example config
    unseen, and a key shown as a list item (`- pattern: ...`) did not count as shown."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_config_docs", ROOT / ".ci" / "check_config_docs.py")
    assert spec and spec.loader
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    item = {"properties": {"pattern": {"type": "string"}, "reason": {"type": "string"}}}
    schema = {"properties": {"exclusions": {"type": "array", "items": item}}}
    example = "exclusions:\n  - pattern: 'x'\n"
    missing = [path for path in checker.options(schema) if not checker.shown(path[-1], example)]
    assert missing == [("exclusions", "*", "reason")]


def test_every_dotted_config_key_a_page_names_exists() -> None:
    """`backfill.page_size` on papers.md is a key of papers.yml: a page must not name a key its
    file does not have (a renamed key, or one that never was)."""
    files_of: dict[str, list[str]] = {}
    for file, page in [*config_file_pages().items(), *OWN_PAGE.items()]:
        files_of.setdefault(page, []).append(file)
    dotted = re.compile(r"(?<![\w./<-])([a-z_]+)\.([a-z_]+(?:\.[a-z_]+)*)(?![\w/(>-])")
    wrong = []
    for page, files in files_of.items():
        code = code_of((DOCS / page).read_text(encoding="utf-8"))
        for file in files:
            schema = yaml.safe_load((ROOT / "bot" / "config_schemas" / file).read_text(encoding="utf-8"))
            keys = set(schema_keys(schema))
            for match in (m for span in code for m in dotted.finditer(span)):
                if (
                    match[1] in schema["properties"]
                    and match[0] not in keys
                    and match[2] not in ("md", "yml")
                ):
                    wrong.append(f"docs/{page}: {match[0]} is not a key of {file}")
    assert not wrong, "\n".join(wrong)


def schema_default(schema: dict, path: str) -> object:
    for part in path.split("."):
        schema = schema["properties"][part]
    return schema.get("default")


def shown_defaults(cell: str) -> list[object] | None:
    """`20`, `[new-paper]`, 0.5 / 20, 60 s: the values a default cell shows (None: prose)."""
    values = []
    for part in cell.split(" / "):
        part = part.strip().removesuffix(" s").strip("`")
        if not re.fullmatch(r"-?[\d.]+|true|false|\[.*\]|\S+", part) or part == "none":
            return None
        values.append(yaml.safe_load(part) if part != '""' else "")
    return values


@pytest.mark.parametrize(
    ("page", "file"),
    [
        ("poll.md", "poll"),
        ("nightly.md", "nightly"),
        ("sources.md", "sources"),
        ("link-checking.md", "links"),
    ],
)
def test_the_defaults_a_config_table_shows_are_the_schemas(page: str, file: str) -> None:
    schema = yaml.safe_load((ROOT / "bot" / "config_schemas" / f"{file}.yml").read_text(encoding="utf-8"))
    text = (DOCS / page).read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)`((?: / `\.[a-z_]+`)*) \| ([^|]*) \|", text, re.M)
    checked = 0
    for key, more, cell in rows:
        keys = [key, *(key.rsplit(".", 1)[0] + k for k in re.findall(r"`(\.[a-z_]+)`", more))]
        shown = shown_defaults(cell)
        if shown is None or key not in schema_keys(schema):
            continue
        assert shown == [schema_default(schema, k) for k in keys], f"docs/{page}: the default of {key}"
        checked += 1
    assert checked >= 5


FEED_SHARE = re.compile(r"(\d+)% of the items of a recorded full day")


def test_the_share_of_replacements_in_a_day_is_one_figure_a_bench_checks() -> None:
    """poll.md said 38% of a day, papers.md about a third, and nothing checked either. The
    figure is of the real full day in ../shared (the tests' copy is trimmed), so
    bench/feed_shares.py checks it there; here, every page that states it states the same one,
    in the words the bench looks for, and names the bench."""
    pages = {page.name: page.read_text(encoding="utf-8") for page in sorted(DOCS.glob("*.md"))}
    stated = {name: FEED_SHARE.findall(text) for name, text in pages.items() if FEED_SHARE.search(text)}
    assert {"poll.md", "papers.md"} <= set(stated)
    assert len({n for figures in stated.values() for n in figures}) == 1, stated
    assert all("`bench/feed_shares.py`" in pages[name] for name in stated)
    assert FEED_SHARE.pattern in (ROOT / "bench" / "feed_shares.py").read_text(encoding="utf-8")


def test_the_ci_checks_adopt_md_offers_run_on_any_adopted_list() -> None:
    """The CI snippet linted `args: catalog.md`: on a list adopted with `init --catalog
    docs/list.md` (or `--catalog README.md`) it failed every pull request on a file that is not
    there. `lint` without a file checks `catalog` of config/poll.yml, the path init wrote."""
    page = ADOPT.read_text(encoding="utf-8")
    block = page[page.index("Add the two checks") :]
    steps = yaml.safe_load(block[block.index("```yaml") + 7 : block.index("```", block.index("```yaml") + 7)])
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert {step["with"]["job"] for step in steps} == {"validate-config", "lint"}
    for step in steps:
        assert set(step["with"]) <= set(action["inputs"]), step
        assert "catalog" not in str(step["with"].get("args", "")), step  # no file: config/poll.yml's


def test_a_github_apps_token_is_minted_in_the_job_as_the_pages_say() -> None:
    """README, github.md and SECURITY.md said to store "a GitHub App" token as the secret
    CATALOG_BOT_TOKEN: an App's installation token expires after an hour, so a stored one breaks
    the next day. The pages say it is minted in each job, and adopt.md's two steps do that."""
    for path in [ROOT / "README.md", DOCS / "github.md", ROOT / "SECURITY.md", ADOPT]:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for sentence in re.split(r"(?<=[.!?]) ", text):
            if "CATALOG_BOT_TOKEN" in sentence and "GitHub App" in sentence:
                assert "mint" in sentence, f"{path.name}: {sentence}"
    page = ADOPT.read_text(encoding="utf-8")
    bullet = page[page.index("- **GitHub App** (best)") :]
    start = bullet.index("```yaml") + len("```yaml")
    mint, bot = yaml.safe_load(textwrap.dedent(bullet[start : bullet.index("```", start)]))
    assert re.fullmatch(r"actions/create-github-app-token@[0-9a-f]{40}", mint["uses"])
    assert mint["with"] == {
        "app-id": "${{ vars.CATALOG_BOT_APP_ID }}",
        "private-key": "${{ secrets.CATALOG_BOT_APP_KEY }}",
    }
    inputs = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["inputs"]
    assert set(bot["with"]) <= set(inputs)
    assert bot["with"]["token"] == "${{ steps." + mint["id"] + ".outputs.token }}"


def test_the_readme_shows_an_entry_line_as_the_bot_writes_it() -> None:
    """The README's one-line entry is what `render_entry` writes for such a paper: at most three
    authors, then "et al." (it showed two authors and "et al.", a line the bot never writes)."""
    from bot.core.entry import parse_entry, render_entry

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [x for x in readme.splitlines() if x.startswith("- [Title](https://arxiv.org/abs/")]
    entry = parse_entry(line)
    assert entry is not None and render_entry(entry) == line
    assert len(entry.authors) == 3 and entry.et_al  # as a paper of four or more authors shows


def test_the_docs_say_once_what_renaming_a_bot_branch_does() -> None:
    """docs/github.md said that renaming a bot PR's branch closes the PR (as GitHub does), then that
    a maintainer who renames it out of the prefix keeps the PR open, taken from the bot (as did
    security.md and commands.md). One account: the PR is closed, a rejection; the bot's PRs outside
    the prefix are an older ``branch_prefix``'s."""
    pages = {page.name: page.read_text(encoding="utf-8") for page in DOCS.glob("*.md")}
    kept_open = re.compile(r"renam\w* (?:the |its )?branch\w* out of|renamed out of the", re.IGNORECASE)
    assert [name for name, text in pages.items() if kept_open.search(text)] == []
    assert "renaming the branch (Branches > rename) closes the PR" in pages["github.md"]


def test_the_readme_counts_the_tests_as_the_suite_time_does() -> None:
    """The README's quick start said "about 2,600 tests" when docs/development.md's suite time
    (measured) said 3,130: a newcomer's count is the latest measured one, to the hundred."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    measured = (DOCS / "development.md").read_text(encoding="utf-8").split("## Suite time", 1)[1]
    said = re.search(r"about ([\d,]+) tests", readme)
    latest = re.search(r"([\d,]+) tests in \d+ s", measured)
    assert said and latest
    assert int(said[1].replace(",", "")) == round(int(latest[1].replace(",", "")), -2)
