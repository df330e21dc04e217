"""The repository's own workflows (.github/workflows/) and the adopters' (docs/workflows/): what
their concurrency settings promise (docs/github.md's table), and how action.yml passes `args`."""

from __future__ import annotations

import subprocess
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
