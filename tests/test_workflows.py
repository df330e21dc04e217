"""The repository's own workflows (.github/workflows/) and the adopters' (docs/workflows/): what
their concurrency settings promise (docs/github.md's table)."""

from __future__ import annotations

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
