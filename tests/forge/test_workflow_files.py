"""Which workflows of a repository run the bot (``bot.forge.workflow_files``): init and doctor ask
the same function, and a file of ``.github/workflows/`` that cannot be read stops neither (the
runs of init and doctor: tests/jobs/test_init.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.forge import workflow_files
from bot.forge.workflow_files import bot_workflows
from bot.jobs import doctor
from tests.conftest import ROOT


def _workflows(root: Path) -> Path:
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    return folder


def test_init_and_doctor_ask_the_same_function() -> None:
    """The glob and the test of a workflow's text were written twice, in init and in doctor (a job
    may not import another job): they now live below both."""
    init_source = (ROOT / "bot" / "jobs" / "init" / "__init__.py").read_text(encoding="utf-8")
    doctor_source = (ROOT / "bot" / "jobs" / "doctor.py").read_text(encoding="utf-8")
    for source in (init_source, doctor_source):
        assert "from bot.forge.workflow_files import" in source
        assert ".glob(" not in source and "runs_the_bot" not in source
    assert doctor.bot_workflows is workflow_files.bot_workflows


def test_only_the_readable_workflows_that_run_the_bot(tmp_path: Path) -> None:
    folder = _workflows(tmp_path)
    shutil.copy(ROOT / "docs" / "workflows" / "poll.yml", folder / "poll.yml")
    (folder / "ci.yaml").write_text("on: push\njobs:\n  t:\n    steps:\n      - run: python -m bot lint\n")
    (folder / "other.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (folder / "README.md").write_text("catalog-bot\n", encoding="utf-8")  # no workflow
    (folder / "old.yml").mkdir()  # a folder, not a file
    (folder / "gone.yml").symlink_to(tmp_path / "nowhere.yml")  # a link to nothing
    assert bot_workflows(tmp_path) == [folder / "ci.yaml", folder / "poll.yml"]
    assert bot_workflows(tmp_path / "no-such-repository") == []


APP_STEPS = """on: workflow_dispatch
permissions: {}
jobs:
  poll:
    runs-on: ubuntu-latest
    permissions: {contents: write, pull-requests: write}
    steps:
      - id: app
        uses: actions/create-github-app-token@0000000000000000000000000000000000000000 # vX.Y.Z
        with: {app-id: "${{ vars.CATALOG_BOT_APP_ID }}", private-key: "${{ secrets.CATALOG_BOT_APP_KEY }}"}
      - uses: actions/checkout@v4
      - uses: 'someone/my-catalog-bot@main'
        with: {job: poll, token: "${{ steps.app.outputs.token }}"}
"""


def test_the_placeholder_of_any_step_and_the_bots_action_at_a_branch(tmp_path: Path) -> None:
    """docs/adopt.md's GitHub App step has the placeholder commit too: copied as it is, the job
    fails as surely as with the bot's. Only the bot's own action is warned of at a tag or branch
    (the others' pins are zizmor's to check)."""
    folder = _workflows(tmp_path)
    (folder / "poll.yml").write_text(APP_STEPS, encoding="utf-8")
    assert [(r.line, r.action, r.ref, r.is_bot) for r in workflow_files.action_refs(APP_STEPS)] == [
        (9, "actions/create-github-app-token", "0" * 40, False),
        (11, "actions/checkout", "v4", False),
        (12, "someone/my-catalog-bot", "main", True),
    ]
    workflows = bot_workflows(tmp_path)
    assert workflow_files.placeholder_problems(workflows) == [
        f"{folder}: `uses: actions/create-github-app-token@000...` is docs/adopt.md's placeholder "
        "(poll.yml:9): replace it with the action's repository and its release's full commit SHA "
        "(`@<sha> # vX.Y.Z`, docs/adopt.md step 6)"
    ]
    [warning] = workflow_files.pin_warnings(workflows)
    assert warning.startswith(f"{folder / 'poll.yml'}:12: `uses: someone/my-catalog-bot@main` runs whatever")
