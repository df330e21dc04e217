"""The repository's own workflows (.github/workflows/) and the adopters' (docs/workflows/): what
their concurrency settings promise (docs/github.md's table), and how action.yml passes `args`."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted(
    (ROOT / "docs" / "workflows").glob("*.yml")
)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _cancels_on_push(concurrency: Any) -> bool:
    """Whether a newer run in the group cancels a running one on a push (an expression that
    cancels only pull request runs does not)."""
    if not isinstance(concurrency, dict):
        return False
    cancel = concurrency.get("cancel-in-progress", False)
    if isinstance(cancel, str):
        return cancel.replace(" ", "") != "${{github.event_name=='pull_request'}}"
    return bool(cancel)


def _deploy_jobs(workflow: dict[str, Any]) -> list[str]:
    return [
        name
        for name, job in workflow["jobs"].items()
        if any(str(step.get("uses", "")).startswith("actions/deploy-pages@") for step in job.get("steps", []))
    ]


DEPLOYING = [path for path in WORKFLOWS if _deploy_jobs(_load(path))]


def test_the_site_workflows_deploy() -> None:
    assert [str(p.relative_to(ROOT)) for p in DEPLOYING] == [
        ".github/workflows/site.yml",
        "docs/workflows/site.yml",
    ]


@pytest.mark.parametrize("path", DEPLOYING, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_deployment_is_never_cancelled_by_a_newer_run(path: Path) -> None:
    """A newer push cancels the older run's build (superseded), never its deploy job half-way:
    cancelling a run cancels all its jobs, whatever the deploy job's own concurrency says."""
    workflow = _load(path)
    assert not _cancels_on_push(workflow.get("concurrency")), path
    for name in _deploy_jobs(workflow):
        assert not _cancels_on_push(workflow["jobs"][name].get("concurrency")), name


def action_words(args: str) -> list[str]:
    """The words action.yml gives `python -m bot JOB` for its `args` input: its own split line,
    run by bash as the composite step runs it (`-eo pipefail`)."""
    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    [split] = [line for s in steps for line in s.get("run", "").splitlines() if "read -r" in line]
    script = f'set -eo pipefail\n{split.strip()}\nif [ ${{#extra[@]}} -gt 0 ]; then printf "%s\\0" "${{extra[@]}}"; fi'
    result = subprocess.run(
        ["bash", "-c", script], env={"ARGS": args}, capture_output=True, text=True, check=True
    )
    return result.stdout.split("\0")[:-1]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ("", []),
        ("--dry-run", ["--dry-run"]),
        ("  --dry-run   --categories cs.CL ", ["--dry-run", "--categories", "cs.CL"]),
        ("--output _site\n", ["--output", "_site"]),  # a YAML block with `>`: one final newline
        # a YAML literal block (`args: |`), one option a line: every line counts, not the first
        ("--dry-run\n--categories cs.CL\n", ["--dry-run", "--categories", "cs.CL"]),
        ("$(touch pwned) *", ["$(touch", "pwned)", "*"]),  # no shell syntax: words as written
    ],
)
def test_the_actions_args_are_every_word_of_every_line(args: str, words: list[str]) -> None:
    assert action_words(args) == words


def _runs_job(step: dict[str, Any], job: str) -> bool:
    """Whether a step runs the bot's ``job`` (``python -m bot <job>``, or the action with ``job:``)."""
    run = str(step.get("run", ""))
    return f"python -m bot {job}" in run or (step.get("with") or {}).get("job") == job


POLLING = [path for path in WORKFLOWS if path.name == "poll.yml"]


@pytest.mark.parametrize("path", POLLING, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_poll_runs_even_when_the_refresh_before_it_failed(path: Path) -> None:
    """arXiv's feed lists a paper only on its announcement day: a refresh that failed (one PR
    GitHub refused to rebuild, a traceback on a hand-edited PR) skipped the poll step after it, and
    every day's papers were lost until someone fixed that PR. The poll step runs unless the run
    was cancelled; the job still fails, so the refresh failure is seen."""
    assert len(POLLING) == 2
    [job] = _load(path)["jobs"].values()
    steps = job["steps"]
    [refresh] = [i for i, step in enumerate(steps) if _runs_job(step, "refresh")]
    [poll] = [i for i, step in enumerate(steps) if _runs_job(step, "poll")]
    assert refresh < poll
    condition = str(steps[poll].get("if", "")).replace(" ", "")
    assert "!cancelled()" in condition or "always()" in condition, condition


# -- installs: nothing unpinned where a write token or a published artifact is at stake ---------------


def _unpinned(words: list[str]) -> str | None:
    """Why one ``python -m pip install|wheel`` or ``python -m build`` command (its words after
    ``-m``) could download something unpinned, or None: pip installs either from a hash lock
    (``--require-hashes -r FILE``) or without dependencies, and builds without isolation (an
    isolated build downloads the newest setuptools)."""
    if words[:2] in (["pip", "install"], ["pip", "wheel"]):
        if "--require-hashes" in words and "-r" in words:
            return None
        if "--no-deps" not in words:
            return "resolves dependencies unpinned (no --require-hashes -r LOCK, no --no-deps)"
        at = words.index("--only-binary") + 1 if "--only-binary" in words else len(words)
        if words[at : at + 1] != [":all:"] and "--no-build-isolation" not in words:
            return "may build in an isolated environment (unpinned setuptools): add --no-build-isolation"
        return None
    if words[:1] == ["build"] and "--no-isolation" not in words:
        return "builds in an isolated environment (unpinned setuptools): add --no-isolation"
    return None


def _python_m_commands(script: str) -> list[list[str]]:
    """The words after ``python -m`` of every ``python -m pip ...`` or ``python -m build ...`` line
    of a shell script (continuation lines joined), and of the ``.ci/`` scripts it runs with bash."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["bash"] and len(words) > 1 and words[1].startswith(".ci/"):
            commands += _python_m_commands((ROOT / words[1]).read_text(encoding="utf-8"))
        for i, word in enumerate(words[:-1]):
            if (
                word.endswith("python")
                and words[i + 1] == "-m"
                and words[i + 2 : i + 3] in (["pip"], ["build"])
            ):
                commands.append(words[i + 2 :])
    return commands


def _jobs_that_matter(workflow: dict[str, Any]) -> list[str]:
    """The jobs whose installs must be pinned: those granted any write permission (a token that
    can change the repository, publish or deploy), and those whose output another job takes
    (`needs:`: the build whose artifact is deployed or published)."""
    jobs = workflow["jobs"]
    needed = {need for job in jobs.values() for need in _as_list(job.get("needs"))}
    return [
        name
        for name, job in jobs.items()
        if name in needed or "write" in (job.get("permissions") or {}).values()
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_jobs_with_a_write_token_or_a_published_artifact_install_nothing_unpinned(path: Path) -> None:
    """release.yml's build job ran `pip install build` and an isolated build (the newest `build`
    and setuptools from PyPI, unpinned), then the wheel check installed the bot's dependencies
    unpinned, all in the job whose dist/ PyPI publishes: one hijacked release of any of them could
    change what is published. Every such install is hash-locked or without dependencies."""
    workflow = _load(path)
    found = []
    for name in _jobs_that_matter(workflow):
        for step in workflow["jobs"][name].get("steps", []):
            for words in _python_m_commands(str(step.get("run", ""))):
                if reason := _unpinned(words):
                    found.append(f"{name}: python -m {' '.join(words)}: {reason}")
    assert not found, found


def test_the_action_installs_the_bot_and_its_locked_dependencies_only(tmp_path: Path) -> None:
    """action.yml, the adopters' workflows' one step, installed the bot with `pip install
    $GITHUB_ACTION_PATH`: every dependency (numpy, lxml, jinja2, ...) resolved unpinned from PyPI,
    in jobs holding a write token, while SECURITY.md says the workflows install from the hash
    locks. The install step is run here with a `python` that records what it is asked."""
    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    [install] = [s for s in steps if s.get("name") == "Install catalog-bot"]
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    shim = bin_dir / "python"
    shim.write_text(
        '#!/bin/sh\nfor a in "$@"; do printf "%s\\037" "$a"; done >> "$CALLS"\necho >> "$CALLS"\n'
    )
    shim.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "CALLS": str(calls),
        "PACKAGE": "",
        "GITHUB_ACTION_PATH": str(ROOT),
    }
    subprocess.run(["bash", "-eo", "pipefail", "-c", install["run"]], env=env, check=True)
    commands = [line.split("\037")[:-1] for line in calls.read_text(encoding="utf-8").splitlines()]
    pip = [words[1:] for words in commands if words[:2] == ["-m", "pip"]]
    assert [_unpinned(words) for words in pip] == [None] * len(pip), pip
    [locked] = [words for words in pip if "--require-hashes" in words]
    assert locked[locked.index("-r") + 1] == f"{ROOT}/requirements.txt"
    [bot] = [words for words in pip if "--no-deps" in words and str(ROOT) in words]
    assert pip.index(locked) < pip.index(bot)


def _action_jobs() -> set[str]:
    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    [case] = [line for s in steps for line in s.get("run", "").splitlines() if line.strip().endswith(") ;;")]
    return set(case.strip().removesuffix(") ;;").split("|"))


def test_the_action_runs_every_job_this_repositorys_workflows_run() -> None:
    """An adopter's workflow is this repository's with the action in place of the install and the
    `python -m bot` line: the action refused `job: backfill` ("unknown job"), so a list that `init`
    had set up for backfill (config/papers.yml) could not run it in Actions."""
    ran = {
        match
        for path in sorted((ROOT / ".github" / "workflows").glob("*.yml"))
        for match in re.findall(r"python -m bot ([a-z][a-z-]*)", path.read_text(encoding="utf-8"))
    }
    assert ran and ran <= _action_jobs(), ran - _action_jobs()
    adopters = {
        step["with"]["job"]
        for path in sorted((ROOT / "docs" / "workflows").glob("*.yml"))
        for job in _load(path)["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("catalog-bot/catalog-bot@")
    }
    assert adopters == ran, "docs/workflows/ has a workflow for each of this repository's bot jobs"


# -- what every workflow promises (docs/github.md, SECURITY.md), checked over the parsed files --------

ACTION_FILE = ROOT / "action.yml"
SHA_PINNED = re.compile(r"[^@\s]+@[0-9a-f]{40}")


def _jobs(path: Path) -> list[tuple[str, dict[str, Any]]]:
    return list(_load(path)["jobs"].items())


def _steps(path: Path) -> list[dict[str, Any]]:
    if path == ACTION_FILE:
        return list(yaml.safe_load(path.read_text(encoding="utf-8"))["runs"]["steps"])
    return [step for _, job in _jobs(path) for step in job.get("steps", [])]


ALL_FILES = [*WORKFLOWS, ACTION_FILE]


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_every_job_is_granted_its_own_permissions_from_none_and_has_a_timeout(path: Path) -> None:
    workflow = _load(path)
    assert workflow.get("permissions") == {}, "start from `permissions: {}` at the top"
    for name, job in _jobs(path):
        assert isinstance(job.get("permissions"), dict), f"{name}: grant the job's permissions itself"
        assert set(job["permissions"].values()) <= {"read", "write", "none"}, name
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: a timeout (6 hours otherwise)"


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_no_expression_reaches_a_shell_line_and_every_action_is_pinned(path: Path) -> None:
    """Untrusted text (issue titles, comments, branch names, dispatch inputs) reaches a step only
    through `env:` or an action's input, never a `${{ }}` in `run:`, which the runner pastes into
    the script before the shell reads it."""
    for step in _steps(path):
        assert "${{" not in str(step.get("run", "")), step.get("name") or step["run"]
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert SHA_PINNED.fullmatch(uses), f"{uses}: pin the action by commit SHA"
        if str(uses).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, "the token stays out of .git"
            assert "ref" not in (step.get("with") or {}), "the default branch's code only, never a PR's"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_an_if_is_one_expression_or_none(path: Path) -> None:
    """`if: ${{ a }} && b` is a string after the expression, which GitHub reads as always true."""
    conditions = [job.get("if") for _, job in _jobs(path)] + [step.get("if") for step in _steps(path)]
    for condition in filter(None, map(str, conditions)):
        if "${{" in condition:
            assert condition.startswith("${{") and condition.endswith("}}"), condition
            assert condition.count("${{") == 1, condition


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_no_trigger_hands_a_write_token_to_code_from_a_pull_request(path: Path) -> None:
    """pull_request_target and workflow_run run with the base repository's token on a fork's
    events; pull_request runs a PR's code, so no job that may run on it is granted a write."""
    triggers = _load(path)["on"]
    names = set(triggers) if isinstance(triggers, dict) else set(_as_list(triggers))
    assert not names & {"pull_request_target", "workflow_run"}, names
    if "pull_request" not in names:
        return
    for name, job in _jobs(path):
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        if writes:
            condition = str(job.get("if", "")).replace(" ", "")
            assert "github.event_name!='pull_request'" in condition, f"{name}: {writes} on a pull request"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_runs_that_write_never_overlap_or_cancel_each_other(path: Path) -> None:
    """Every workflow is in a concurrency group; one whose jobs write (branches, PRs, issues,
    Pages, a release) queues instead of cancelling a run half way."""
    workflow = _load(path)
    groups = [workflow.get("concurrency")] + [job.get("concurrency") for _, job in _jobs(path)]
    assert any(groups), "add a concurrency group"
    writes = any("write" in job["permissions"].values() for _, job in _jobs(path))
    if writes:
        assert not _cancels_on_push(workflow.get("concurrency")), path


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_a_run_skipped_by_its_ifs_never_takes_a_pending_runs_place(path: Path) -> None:
    """GitHub keeps one pending run per concurrency group and cancels the one waiting there. A
    workflow-level group takes a run in before its jobs' ``if`` is read: commands.yml runs on
    comment edits, so the bot's own edit of its status comment (skipped: a bot's) cancelled the
    run of a person's comment queued behind the one answering. Where every job has an ``if``, the
    group is the jobs' (a skipped job never joins it)."""
    workflow = _load(path)
    jobs = [job for _, job in _jobs(path)]
    if all(job.get("if") for job in jobs):
        assert "concurrency" not in workflow, path
        assert all(job.get("concurrency") for job in jobs), path


REFRESHING = [path for path in WORKFLOWS if path.name == "refresh.yml"]


@pytest.mark.parametrize("path", REFRESHING, ids=_id)
def test_a_push_of_any_file_a_bot_pr_edits_runs_refresh(path: Path) -> None:
    """Refresh ran on pushes to the catalog and the taxonomy only: a merged /teach PR (it edits
    config/keywords.yml) left another /teach PR of the same section conflicting until some later
    push to the catalog, or the next poll."""
    paths = _load(path)["on"]["push"]["paths"]
    assert {"catalog.md", "config/taxonomy.yml", "config/keywords.yml"} <= set(paths), paths


def _cron_values(field: str, low: int, high: int) -> set[int]:
    """The values of one cron field (`*`, numbers, `a-b` ranges, lists; no steps: none is used)."""
    if field == "*":
        return set(range(low, high + 1))
    values: set[int] = set()
    for part in field.split(","):
        first, _, last = part.partition("-")
        values |= set(range(int(first), int(last or first) + 1))
    return values


def _runs_in_a_week(cron: str) -> list[tuple[int, int, int]]:
    """(weekday with Monday 0, hour, minute) of each run of a `M H * * DOW` schedule (UTC)."""
    minute, hour, day, month, dow = cron.split()
    assert day == month == "*", cron
    days = {(d - 1) % 7 for d in _cron_values(dow.replace("7", "0"), 0, 6)}  # cron: Sunday 0
    return sorted(
        (d, h, m) for d in days for h in _cron_values(hour, 0, 23) for m in _cron_values(minute, 0, 59)
    )


# arXiv's RSS feeds are rebuilt "daily at midnight Eastern Standard Time" (05:00 UTC; in summer
# perhaps midnight EDT, 04:00 UTC: earlier), and "arXiv has an empty feed on Saturday/Sundays"
# (info.arxiv.org/help/rss.html and rss_specifications.html; the recorded feeds' lastBuildDate)
FEED_REBUILT_UTC = (5, 0)


@pytest.mark.parametrize("path", POLLING, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_poll_reads_every_weekdays_feed(path: Path) -> None:
    """The poll ran at 01:30 UTC, "shortly after" arXiv's 20:00 US Eastern announcement, but the
    RSS feed it reads is rebuilt only at midnight US Eastern: each run read the day before's feed,
    and Monday's read Sunday's, which is empty, so Friday's feed (Thursday evening's announcement,
    a fifth of the papers) was never read. Each of the five feeds must be current at some run."""
    [cron] = [entry["cron"] for entry in _load(path)["on"]["schedule"]]
    read = set()
    for weekday, hour, minute in _runs_in_a_week(cron):
        # the feed current at a run is the one built at the latest rebuild before it
        built = weekday if (hour, minute) >= FEED_REBUILT_UTC else (weekday - 1) % 7
        read.add(built)
    assert {0, 1, 2, 3, 4} <= read, (
        f"{cron}: the feeds of weekdays {sorted({0, 1, 2, 3, 4} - read)} are never read"
    )


def _config_value(name: str, *keys: str) -> float:
    """The larger of this repository's config value and the schema's default (the adopters')."""
    schema = yaml.safe_load((ROOT / "bot" / "config_schemas" / f"{name}.yml").read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "config" / f"{name}.yml").read_text(encoding="utf-8"))
    for key in keys:
        schema, data = schema["properties"][key], (data or {}).get(key, {})
    return max(float(schema["default"]), float(data or 0))


WORK_SECONDS = 10 * 60  # a job's own work besides its waits, generously


@pytest.mark.parametrize("path", WORKFLOWS, ids=_id)
def test_a_job_outlasts_the_longest_wait_the_bot_accepts(path: Path) -> None:
    """The bot waits out a GitHub rate limit of up to `retry.max_wait_seconds` (15 minutes) and
    fails with a clear message past it, but refresh and commands had `timeout-minutes: 15`, and
    nightly 60 for a 45-minute link check: the runner killed the job mid-wait or mid-write instead,
    with "exceeded the maximum execution time". A job that talks to GitHub outlasts that wait,
    plus the nightly link check's budget."""
    max_wait = _config_value("github", "retry", "max_wait_seconds")
    for name, job in _jobs(path):
        talks = [
            step
            for step in job.get("steps", [])
            if "GITHUB_TOKEN" in (step.get("env") or {}) or "token" in (step.get("with") or {})
        ]
        if not talks:
            continue
        needed = max_wait + WORK_SECONDS
        if any(_runs_job(step, "nightly") for step in talks):
            needed += _config_value("nightly", "time_budget_minutes") * 60
        assert job["timeout-minutes"] * 60 >= needed, f"{name}: timeout-minutes >= {needed / 60:.0f}"


def test_the_page_names_every_workflow_that_names_the_default_branch() -> None:
    """docs/github.md said to edit refresh.yml and ci.yml on a repository whose default branch is
    not `main`: site.yml, which builds on pushes to `main` and deploys only `refs/heads/main`,
    would then never deploy."""
    sentence = re.search(r"If your default branch is not `main`, edit (.*?)\.(?:\s|$)", _page("github.md"))
    assert sentence, "docs/github.md: the sentence on another default branch"
    naming = [
        path.name
        for path in sorted((ROOT / ".github" / "workflows").glob("*.yml"))
        if re.search(r"branches: \[main\]|refs/heads/main", path.read_text(encoding="utf-8"))
    ]
    assert naming and all(f"`{name}`" in sentence[1] for name in naming), (naming, sentence[1])


def _page(name: str) -> str:
    return " ".join((ROOT / "docs" / name).read_text(encoding="utf-8").split())


def test_the_adopters_workflows_pin_the_actions_this_repository_runs() -> None:
    """Dependabot updates the pins of .github/workflows/ and action.yml, not those of the adopters'
    copies in docs/workflows/ (no workflow directory): a pin there must be one that this repository
    runs, so a Dependabot PR fails here until the copies follow."""
    ours: dict[str, set[str]] = {}
    for path in [*sorted((ROOT / ".github" / "workflows").glob("*.yml")), ACTION_FILE]:
        for step in _steps(path):
            name, _, sha = str(step.get("uses", "")).partition("@")
            if sha:
                ours.setdefault(name, set()).add(sha)
    for path in sorted((ROOT / "docs" / "workflows").glob("*.yml")):
        for step in _steps(path):
            name, _, sha = str(step.get("uses", "")).partition("@")
            if sha and name != "catalog-bot/catalog-bot":
                assert ours.get(name) == {sha}, (
                    f"{path.name}: {name}@{sha}, this repository runs {ours.get(name)}"
                )


def test_the_action_runs_the_installed_bot_not_a_bot_folder_of_the_list(tmp_path: Path) -> None:
    """`python -m bot` searches the current directory first, the list's checkout: a list with a
    `bot/` folder of its own (its old scripts, say) ran that instead of the bot the action had
    just installed, with the action's token."""
    steps = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))["runs"]["steps"]
    [job] = [s for s in steps if s.get("name") == "Run the job"]
    own = tmp_path / "bot"
    own.mkdir()
    (own / "__init__.py").write_text("", encoding="utf-8")
    (own / "__main__.py").write_text("print('the list own bot folder ran')\n", encoding="utf-8")
    env = {
        **{key: value for key, value in os.environ.items() if key.startswith(("PATH", "HOME"))},
        **{key: str(value) for key, value in job["env"].items() if not str(value).startswith("${{")},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),  # where the installed bot is found (here: the checkout under test)
        "JOB": "validate-config",
        "ARGS": "--config-dir config",
    }
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", job["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert "the list own bot folder ran" not in result.stdout
    assert "config" in result.stdout + result.stderr  # the real bot's answer about ./config


def test_the_actions_jobs_and_inputs_are_documented_as_they_are() -> None:
    """action.yml's own description of `job`, its error line and docs/adopt.md name the jobs the
    action runs, and the page names every input."""
    jobs = _action_jobs()
    action = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
    described = re.search(r"The bot's job: (.*)\.", action["inputs"]["job"]["description"])
    assert described and set(re.split(r", | or ", described[1])) == jobs
    steps = action["runs"]["steps"]
    [error] = [line for s in steps for line in s.get("run", "").splitlines() if "unknown job" in line]
    assert set(re.search(r"\(([^)]*)\)", error)[1].split(", ")) == jobs  # type: ignore[index]
    page = _page("adopt.md")
    listed = re.search(r"Its inputs: `job` \(([^)]*)\)", page)
    assert listed and set(listed[1].split(", ")) == jobs
    inputs = re.findall(r"`([a-z][a-z-]*)`", page[listed.start() : page.index(".", listed.end())])
    assert set(inputs) == set(action["inputs"]), inputs


@pytest.mark.parametrize("offset", [0, 1])
def test_a_release_tag_must_name_the_version_it_builds(offset: int) -> None:
    """release.yml built and published whatever version pyproject.toml said: a `v0.2.0` tag on a
    commit still at 0.1.0 published 0.1.0 (or failed at PyPI on a duplicate, after the build)."""
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    major, minor, patch = map(int, version.split("."))
    tag = f"v{major}.{minor}.{patch + offset}"
    [job] = [job for name, job in _jobs(ROOT / ".github" / "workflows" / "release.yml") if name == "build"]
    [check] = [step for step in job["steps"] if "TAG" in (step.get("env") or {})]
    steps = job["steps"]
    assert steps.index(check) < min(i for i, s in enumerate(steps) if "python -m build" in str(s.get("run")))
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "TAG": tag}
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", check["run"]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == (1 if offset else 0), result.stdout + result.stderr
    if offset:
        assert f"::error::the tag is {tag} but pyproject.toml says {version}" in result.stdout


def test_the_github_page_table_shows_each_workflows_permissions_and_group() -> None:
    """docs/github.md's table of workflows: each row names exactly the scopes its jobs are granted,
    the time of each schedule, and the concurrency group when that is a fixed name."""
    rows = {
        match[1]: match[2].split(" | ")
        for match in re.finditer(r"^\| `([a-z-]+\.yml)` \| (.*) \|$", _raw_page("github.md"), re.MULTILINE)
    }
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        runs_on, permissions, concurrency = rows[path.name]
        granted = {scope for _, job in _jobs(path) for scope in job["permissions"]}
        named = set(
            re.findall(r"\b(contents|pull-requests|issues|pages|id-token|actions|checks)\b", permissions)
        )
        assert named == granted, (path.name, permissions)
        triggers = _load(path)["on"]
        for entry in (triggers.get("schedule") or []) if isinstance(triggers, dict) else []:
            minute, hour = entry["cron"].split()[:2]
            assert f"{int(hour):02d}:{int(minute):02d} UTC" in runs_on, (path.name, entry["cron"], runs_on)
        group = str((_load(path).get("concurrency") or {}).get("group", ""))
        if group and "${{" not in group:
            assert f"`{group}`" in concurrency, (path.name, concurrency)


def _raw_page(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", DEPLOYING, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_default_branch_is_deployed(path: Path) -> None:
    """The adopters' site.yml deployed whatever branch *Run workflow* was started on: a draft
    branch's catalog became the public site (unless the Pages environment happened to refuse it).
    A deploy job runs for the default branch only."""
    workflow = _load(path)
    for name in _deploy_jobs(workflow):
        condition = str(workflow["jobs"][name].get("if", "")).replace(" ", "")
        assert (
            "github.ref_name==github.event.repository.default_branch" in condition
            or "github.ref=='refs/heads/main'" in condition
        ), (name, condition)
