"""What the bot's workflow jobs are granted, against what its jobs write with the workflow's token
(``python -m bot doctor`` warns of more, and fails a job granted nothing when the repository's
default token is read-only)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.core import yaml_aliases

# What each job of the bot writes with the workflow's token (docs/adopt.md's workflows grant these);
# a job not named here (lint, validate-config, site, stats, check-links, ...) only reads.
JOB_WRITES: dict[str, frozenset[str]] = {
    "poll": frozenset({"contents", "pull-requests"}),
    "refresh": frozenset({"contents", "pull-requests"}),
    "backfill": frozenset({"contents", "pull-requests"}),
    "handle-event": frozenset({"contents", "pull-requests", "issues"}),
    "nightly": frozenset({"contents", "pull-requests", "issues"}),
    "new-topics": frozenset({"issues"}),
}
BOT_SCOPES = ("contents", "pull-requests", "issues")  # the bot's business; other scopes are other steps'
_BOT_RUN = re.compile(r"python -m bot (?:-\S+ )*([a-z][a-z-]*)")


def _bot_jobs(job: Mapping[str, Any]) -> set[str] | None:
    """The bot's jobs that a workflow job's steps run (the action's ``job:``, or ``python -m bot
    JOB``); None when one of them cannot be told (``job: ${{ inputs.job }}``)."""
    found: set[str] = set()
    for step in job.get("steps") or []:
        if not isinstance(step, Mapping):
            continue
        if "catalog-bot" in str(step.get("uses") or "") and "job" in (step.get("with") or {}):
            name = str(step["with"]["job"])
            if "${{" in name:
                return None
            found.add(name)
        found.update(_BOT_RUN.findall(str(step.get("run") or "")))
    return found


def permission_warnings(workflows: list[Path]) -> list[str]:
    """The bot's workflow jobs whose token may do more than the bot's jobs in them need: no
    ``permissions:`` for the job nor at the top (the repository's default token, write to every
    scope on repositories made before February 2023), ``write-all``, or a write of contents, pull
    requests or issues that none of its bot jobs makes (lint, site: read-only)."""
    found: list[str] = []
    for path, name, job, runs, data in _bot_workflow_jobs(workflows):
        found += _job_permission_warnings(path, name, job, runs, data)
    return found


def _bot_workflow_jobs(
    workflows: list[Path],
) -> Iterator[tuple[Path, str, Mapping[str, Any], set[str] | None, Mapping[str, Any]]]:
    """(workflow, job name, job, the bot's jobs it runs or None when unknown, the workflow) of each
    workflow job that runs the bot."""
    for path in workflows:
        try:
            data = yaml_aliases.safe_load(path.read_text(encoding="utf-8", errors="replace"))
        except yaml.YAMLError:
            continue  # GitHub reports a broken workflow
        jobs = data.get("jobs") if isinstance(data, Mapping) else None
        for name, job in (jobs or {}).items() if isinstance(jobs, Mapping) else ():
            if isinstance(job, Mapping) and (runs := _bot_jobs(job)) != set():
                yield path, str(name), job, runs, data


def read_only_problems(workflows: list[Path]) -> list[tuple[str, list[str]]]:
    """(the problem, the warning it replaces) of each bot job that writes and has no ``permissions:``
    (nor has its workflow) when the repository's default token is read-only (GitHub's default since
    February 2023): its writes fail with 403 "Resource not accessible by integration"."""
    found = []
    for path, name, job, runs, data in _bot_workflow_jobs(workflows):
        needs = set().union(*(JOB_WRITES.get(run, frozenset()) for run in runs or ()))
        if job.get("permissions", data.get("permissions")) is not None or (runs is not None and not needs):
            continue
        wanted = ", ".join(f"{scope}: {'write' if scope in needs else 'read'}" for scope in BOT_SCOPES)
        problem = (
            f"{path}: job `{name}` has no `permissions:` (nor has the workflow) and the repository's default "
            "token is read-only (Settings > Actions > General > Workflow permissions), so the bot's writes "
            f"fail with 403: add `permissions: {{}}` at the top and grant the job {{{wanted}}}"
        )
        found.append((problem, _job_permission_warnings(path, name, job, runs, data)))
    return found


def _job_permission_warnings(
    path: Path, name: str, job: Mapping[str, Any], runs: set[str] | None, workflow: Mapping[str, Any]
) -> list[str]:
    needs = set().union(*(JOB_WRITES.get(run, frozenset()) for run in runs or ()))
    wanted = ", ".join(f"{scope}: {'write' if scope in needs else 'read'}" for scope in BOT_SCOPES)
    granted = job.get("permissions", workflow.get("permissions"))
    where = f"{path}: job `{name}`"
    if granted is None:
        return [
            f"{where} has no `permissions:` (nor has the workflow), so its token gets the repository's "
            f"default, write to everything on older repositories: add `permissions: {{}}` at the top "
            f"and grant the job {{{wanted}}}"
        ]
    if granted == "write-all":
        return [f"{where} grants `permissions: write-all`: grant only {{{wanted}}}"]
    if runs is None or not isinstance(granted, Mapping):
        return []  # which bot job runs is not known; read-all grants no write
    extra = [scope for scope in BOT_SCOPES if granted.get(scope) == "write" and scope not in needs]
    jobs = ", ".join(sorted(runs))
    return [
        f"{where} grants `{scope}: write`, which {jobs} does not need: `{scope}: read` (unless "
        "another step of the job writes)"
        for scope in extra
    ]
