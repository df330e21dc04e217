"""Round 32: what an adopter's repository settings stop, as doctor sees them with the workflow's own
token (GET /branches/{branch} and /rules/branches/{branch} need only read access, unlike the Actions
settings): checks the default branch requires, which PRs opened with GITHUB_TOKEN never start; a
ruleset that forbids the bot's own branches; and, with a token that can read the Actions settings, a
read-only default token for a bot job granted nothing. Each is one line with its fix."""

from __future__ import annotations

import pytest

from bot.__main__ import main as bot_main
from tests.fake_github import BOT_TOKEN, MAINTAINER_TOKEN
from tests.jobs.test_doctor import adopted, diagnose


@pytest.mark.parametrize("where", ["classic protection", "ruleset"])
def test_checks_the_default_branch_requires_never_start_on_the_workflow_tokens_prs(
    tmp_path, monkeypatch, capsys, where
):
    with adopted(tmp_path, monkeypatch, default_branch="main") as fake:
        if where == "classic protection":
            fake.protected_branches["main"] = ["ci/test"]
        else:
            checks = {
                "required_status_checks": [{"context": "ci/test"}],
                "strict_required_status_checks_policy": False,
            }
            fake.branch_rules.append(("main", {"type": "required_status_checks", "parameters": checks}))
        statuses, text = diagnose(fake, BOT_TOKEN)
        assert statuses["required-checks"] == "warn"
        (line,) = [line for line in text.splitlines() if "requires the checks" in line]
        assert line == (
            "[warn] the default branch `main` requires the checks ci/test, which PRs opened with GITHUB_TOKEN "
            "never start (they would wait forever): give the bot a GitHub App (its token minted in each job) or a fine-grained token as the secret "
            "CATALOG_BOT_TOKEN (docs/adopt.md step 5)."
        )
        statuses, text = diagnose(fake, MAINTAINER_TOKEN)  # a person's token: its PRs start CI
        assert statuses["required-checks"] == "ok"
        assert "PRs this token opens start them" in text
    assert not fake.violations


def test_a_ruleset_that_forbids_the_bots_branches_fails_with_the_fix(tmp_path, monkeypatch, capsys):
    with adopted(tmp_path, monkeypatch, default_branch="main") as fake:
        fake.branch_rules.append(("main", {"type": "deletion"}))  # the default branch's own: fine
        statuses, _ = diagnose(fake, BOT_TOKEN)
        assert "bot-branch-rules" not in statuses and "required-checks" not in statuses
        fake.branch_rules += [("*/**", {"type": "creation"}), ("*/**", {"type": "non_fast_forward"})]
        statuses, text = diagnose(fake, BOT_TOKEN)
        assert statuses["bot-branch-rules"] == "fail"
        assert (
            "[FAIL] a ruleset forbids creation, non_fast_forward on the bot's branches (bot/...), which it "
            "creates, pushes, force-pushes and deletes: exclude `refs/heads/bot/**` from it (Settings > Rules "
            "> Rulesets) or make the bot a bypass actor."
        ) in text.splitlines()
        assert bot_main(["doctor"]) == 1
        assert "1 problem(s) to fix before the bot can work" in capsys.readouterr().out
    assert not fake.violations


def test_a_bot_job_granted_nothing_fails_when_the_default_token_is_read_only(tmp_path, monkeypatch, capsys):
    """doctor warned that such a job gets "write to everything on older repositories"; on a
    repository made since February 2023 (default: read) its pushes fail with 403, and doctor ended
    "Ready, with 1 warning(s)"."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "poll.yml").write_text(
        "on: {schedule: [{cron: '0 1 * * *'}]}\njobs:\n  poll:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: python -m bot poll\n",
        encoding="utf-8",
    )
    with adopted(tmp_path, monkeypatch, default_branch="main") as fake:
        monkeypatch.setenv("GITHUB_TOKEN", MAINTAINER_TOKEN)  # reads the Actions settings (admin)
        assert fake.workflow_permissions is not None
        fake.workflow_permissions["default_workflow_permissions"] = "read"
        assert bot_main(["doctor"]) == 1
        out = capsys.readouterr().out
        assert (
            f"[FAIL] {workflows / 'poll.yml'}: job `poll` has no `permissions:` (nor has the workflow) and the "
            "repository's default token is read-only (Settings > Actions > General > Workflow permissions), so "
            "the bot's writes fail with 403: add `permissions: {}` at the top and grant the job {contents: write, "
            "pull-requests: write, issues: read}"
        ) in out.splitlines()
        assert "write to everything on older repositories" not in out  # the warning it replaces
        fake.workflow_permissions["default_workflow_permissions"] = "write"
        assert bot_main(["doctor"]) == 0
        out = capsys.readouterr().out
        assert "write to everything on older repositories" in out and "[FAIL]" not in out
    assert not fake.violations
