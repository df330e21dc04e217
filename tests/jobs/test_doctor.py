"""``python -m bot doctor`` against the fake GitHub, with the tokens a maintainer may use."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main as bot_main
from bot.forge.github import GitHubForge, GitHubSettings, LabelSpec
from bot.jobs import doctor
from tests.conftest import PROJECT
from tests.fake_github import (
    BOT_TOKEN,
    MAINTAINER_TOKEN,
    FakeGitHub,
    fake_github,  # noqa: F401  (fixture)
)
from tests.golden_files import DOCS, assert_shown_in_docs

SETTINGS = GitHubSettings(
    seconds_between_requests=0,
    seconds_between_writes=0,
    timeout_seconds=5,
    labels=(LabelSpec("catalog-bot"), LabelSpec("new-paper")),
    reviewers=("maintainer", "bob"),
)


ADOPTED_COMMIT = "8f0c6a1d2e3b4c5d6e7f8091a2b3c4d5e6f70812"  # a release's commit, as docs/adopt.md says


def copy_adopters_workflows(folder: Path) -> None:
    """docs/workflows/ copied into ``folder`` as docs/adopt.md step 6 says: the placeholder commit
    replaced with the release's."""
    shutil.copytree(DOCS / "workflows", folder)
    for path in folder.glob("*.yml"):
        path.write_text(path.read_text(encoding="utf-8").replace("0" * 40, ADOPTED_COMMIT), encoding="utf-8")


def diagnose(fake: FakeGitHub, token: str) -> tuple[dict[str, str], str]:
    forge = GitHubForge(fake.repository, token, api_url=fake.url, settings=SETTINGS)
    checks, text = doctor.run(forge, SETTINGS)
    return {c.id + (f":{c.facts['login']}" if c.id == "person" else ""): c.status for c in checks}, text


def test_workflow_token(fake_github):  # noqa: F811
    fake_github.labels["catalog-bot"] = {"name": "catalog-bot", "color": "5319e7", "description": ""}
    statuses, text = diagnose(fake_github, BOT_TOKEN)
    assert statuses == {
        "repository": "ok",
        "token-installation": "info",
        "actions-pr-setting-unknown": "warn",
        "triggers": "warn",
        "labels": "info",
        "person:maintainer": "ok",
        "person:bob": "warn",
        "rate": "info",
    }
    assert "PRs opened with the default GITHUB_TOKEN do not start other workflows" in text
    assert "a GitHub App" in text and "fine-grained personal access token" in text
    assert "Settings > Actions > General > Workflow permissions" in text
    assert "labels new-paper do not exist yet" in text
    assert text.endswith("Ready, with 3 warning(s).")


def test_classic_token_and_the_setting_off(fake_github):  # noqa: F811
    fake_github.workflow_permissions = {
        "default_workflow_permissions": "read",
        "can_approve_pull_request_reviews": False,
    }
    statuses, text = diagnose(fake_github, MAINTAINER_TOKEN)
    assert statuses["token-scopes"] == "ok" and statuses["actions-pr-setting"] == "warn"
    assert statuses["triggers"] == "ok"
    assert "scopes: repo, workflow; `repo` covers branches, PRs and issues" in text
    assert '"Allow GitHub Actions to create and approve pull requests" is off (not needed' in text
    # a maintainer's own token is not the one the workflows run with: said under the line
    assert (
        "[ok]   classic token: PRs it opens start CI like a person's would.\n"
        "       The workflows use it only as the secret CATALOG_BOT_TOKEN (or a GitHub App's token, "
        "docs/adopt.md step 5):\n       without that secret they fall back to GITHUB_TOKEN, whose PRs start no CI."
    ) in text


def test_missing_scope_fails(fake_github):  # noqa: F811
    fake_github.scopes[MAINTAINER_TOKEN] = "read:org"
    statuses, text = diagnose(fake_github, MAINTAINER_TOKEN)
    assert statuses["token-scopes"] == "fail"
    assert "it needs `public_repo`" in text and text.endswith(
        "1 problem(s) to fix before the bot can work, 1 warning(s)."
    )


def test_the_setting_off_with_github_token_fails():
    report = doctor.AccessReport(
        "a/b",
        "https://api.github.com",
        "installation",
        readable=True,
        default_branch="main",
        workflow_permissions={"can_approve_pull_request_reviews": False},
    )
    checks = {c.id: c.status for c in doctor.evaluate(report, SETTINGS)}
    assert checks["actions-pr-setting"] == "fail" and checks["triggers"] == "warn"


def test_unreachable_repository(fake_github):  # noqa: F811
    statuses, text = diagnose(fake_github, "ghp_revoked")
    assert statuses == {"repository-unreachable": "fail"}
    assert "401 Bad credentials" in text and "Check GITHUB_REPOSITORY" in text


def test_python_m_bot_doctor_exit_codes(fake_github, tmp_path, monkeypatch, capsys):  # noqa: F811
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "github.yml").write_text("seconds_between_requests: 0\ntimeout_seconds: 5\n")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config))
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", fake_github.repository)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    assert bot_main(["doctor"]) == 0
    assert "default branch `main`" in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_expired")
    assert bot_main(["doctor"]) == 1
    assert "[FAIL] cannot read the repository" in capsys.readouterr().out
    monkeypatch.delenv("GITHUB_TOKEN")
    assert bot_main(["doctor"]) == 1
    assert "no GitHub token: set GITHUB_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize(
    "token, kind",
    [
        ("ghp_x", "classic"),
        ("github_pat_x", "fine-grained"),
        ("ghs_x", "installation"),
        ("gho_x", "oauth"),
        ("x", "unknown"),
    ],
)
def test_token_kinds(token, kind):
    from bot.forge.github import token_kind

    assert token_kind(token) == kind


def test_the_docs_show_doctor_with_the_workflows_token(fake_github, tmp_path, monkeypatch, capsys):  # noqa: F811
    """docs/github.md includes what ``python -m bot doctor`` prints with an installation token
    (tests/golden/github-doctor.txt): the fixture project's config, a checkout with the catalog
    and the workflows of docs/adopt.md; the fake's loopback port shown as 40677."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    settings = yaml.safe_load((config / "github.yml").read_text(encoding="utf-8"))
    settings.update(seconds_between_requests=0, seconds_between_writes=0, timeout_seconds=5)
    (config / "github.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")
    copy_adopters_workflows(tmp_path / ".github" / "workflows")
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "CATALOG_BOT_CONFIG": str(config),
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": fake_github.repository,
        "GITHUB_TOKEN": BOT_TOKEN,
    }.items():
        monkeypatch.setenv(key, value)
    assert bot_main(["doctor"]) == 0
    out = capsys.readouterr().out
    text = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:40677", out)
    assert text.startswith("catalog-bot doctor: ") and "[FAIL]" not in text
    assert_shown_in_docs("github.md", "github-doctor.txt", text)


@contextlib.contextmanager
def adopted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_branch: str = "master"
) -> Iterator[FakeGitHub]:
    """An adopted list in ``tmp_path`` (the fixture project's config and catalog, the workflows of
    docs/workflows as copied, unless the test wrote its own) on a fake GitHub."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "github.yml").write_text("seconds_between_requests: 0\ntimeout_seconds: 5\n")
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")
    if not (tmp_path / ".github" / "workflows").exists():
        copy_adopters_workflows(tmp_path / ".github" / "workflows")
    monkeypatch.chdir(tmp_path)
    with FakeGitHub(default_branch=default_branch) as fake:
        for key, value in {
            "CATALOG_BOT_CONFIG": str(config),
            "GITHUB_API_URL": fake.url,
            "GITHUB_REPOSITORY": fake.repository,
            "GITHUB_TOKEN": BOT_TOKEN,
        }.items():
            monkeypatch.setenv(key, value)
        yield fake


def test_a_workflow_on_pushes_to_another_branch_than_the_default_one_fails(tmp_path, monkeypatch, capsys):
    """An older list's default branch is often `master`: refresh.yml of docs/adopt.md, copied as it
    is (`branches: [main]`), would never run there, and the bot's PRs would conflict."""
    with adopted(tmp_path, monkeypatch) as fake:
        assert bot_main(["doctor"]) == 1
        out = capsys.readouterr().out
        refresh = tmp_path / ".github" / "workflows" / "refresh.yml"
        assert (
            f"[FAIL] {refresh}: runs on pushes to main, but the default branch is master: "
            "set `branches: [master]` under `on: push:`" in out
        )
        assert f"[FAIL] {refresh.parent / 'site.yml'}: runs on pushes to main" in out
        assert out.count("[FAIL]") == 2  # the other workflows run on schedules and events
        for workflow in (refresh, refresh.parent / "site.yml"):
            text = workflow.read_text(encoding="utf-8")
            workflow.write_text(text.replace("[main]", "[master]"), encoding="utf-8")
        assert bot_main(["doctor"]) == 0
        capsys.readouterr()
        # GitHub's filters, not shell globs: a later "!" pattern and branches-ignore leave it out
        text = refresh.read_text(encoding="utf-8")
        refresh.write_text(text.replace("[master]", "['**', '!master']"), encoding="utf-8")
        assert bot_main(["doctor"]) == 1
        assert f"[FAIL] {refresh}: runs on pushes to **, !master, but the default branch is master" in (
            capsys.readouterr().out
        )
        refresh.write_text(text.replace("branches: [master]", "branches-ignore: [mast*]"), encoding="utf-8")
        assert bot_main(["doctor"]) == 1
        assert f"[FAIL] {refresh}: ignores pushes to mast*, but the default branch is master" in (
            capsys.readouterr().out
        )
    assert not fake.violations


def test_a_workflow_pushed_on_tags_only_is_a_release_trigger_not_a_wrong_branch(tmp_path):
    """`on: push: tags:` alone never runs on a branch push (GitHub's filters); doctor leaves such a
    release workflow alone, and still names one whose branches leave the default branch out."""
    from bot.jobs.doctor import branch_problems

    release, refresh = tmp_path / "release.yml", tmp_path / "refresh.yml"
    release.write_text("on:\n  push:\n    tags: ['v*']\n", encoding="utf-8")
    refresh.write_text("on:\n  push:\n    tags: ['v*']\n    branches: [main]\n", encoding="utf-8")
    assert branch_problems([release, refresh], "master") == [
        f"{refresh}: runs on pushes to main, but the default branch is master: "
        "set `branches: [master]` under `on: push:`"
    ]


def test_a_workflow_that_rebuilds_on_pushes_of_another_file_than_the_catalog_fails(
    tmp_path, monkeypatch, capsys
):
    """A list adopted with `init --catalog docs/list.md` keeps refresh.yml of docs/adopt.md, which
    runs on pushes that change `catalog.md`: a merged bot PR changes docs/list.md, no refresh runs
    and the other bot PRs conflict. doctor named the branch filter only; it names the path filter
    too, locally (no token needed), and leaves workflows that do not rebuild from the catalog."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "poll.yml").write_text("catalog: docs/list.md\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    shutil.copy(PROJECT / "catalog.md", tmp_path / "docs" / "list.md")
    workflows = tmp_path / ".github" / "workflows"
    copy_adopters_workflows(workflows)
    (workflows / "ci.yml").write_text(  # runs the bot's lint on pushes of code only: not a rebuild
        "on: {push: {paths: ['src/**']}}\njobs: {lint: {runs-on: ubuntu-latest, steps: [{uses: "
        "catalog-bot/catalog-bot@0000000000000000000000000000000000000000, with: {job: lint}}]}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    refresh = workflows / "refresh.yml"
    assert bot_main(["doctor"]) == 1
    err = capsys.readouterr().err
    assert (
        f"{refresh}: a push that changes docs/list.md, the catalog, does not run it (paths: catalog.md, "
        "config/taxonomy.yml, config/keywords.yml): add docs/list.md to `paths:` under `on: push:`" in err
    )
    assert err.count("the catalog, does not run it") == 1  # site.yml has no path filter; ci.yml lints
    refresh.write_text(refresh.read_text(encoding="utf-8").replace("[catalog.md,", "[docs/list.md,"))
    assert bot_main(["doctor"]) == 1
    assert "the catalog, does not run it" not in capsys.readouterr().err
    refresh.write_text(
        refresh.read_text(encoding="utf-8").replace(
            "paths: [docs/list.md, config/taxonomy.yml, config/keywords.yml]", "paths-ignore: ['docs/**']"
        )
    )
    assert bot_main(["doctor"]) == 1
    assert "(paths-ignore: docs/**): take docs/list.md out of `paths-ignore:`" in capsys.readouterr().err


def test_a_refresh_workflow_that_leaves_out_the_keyword_rules_is_warned_of(tmp_path, monkeypatch, capsys):
    """A merged `/teach` PR changes config/keywords.yml; refresh.yml of an older docs/adopt.md ran
    on pushes of the catalog and the taxonomy only, so the section's other `/teach` PRs stayed
    conflicting until poll's refresh, up to a day. doctor warns (the list works without /teach)."""
    shutil.copytree(PROJECT / "config", tmp_path / "config")
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")
    workflows = tmp_path / ".github" / "workflows"
    copy_adopters_workflows(workflows)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert bot_main(["doctor"]) == 1  # no token: the problems found without GitHub, all at once
    assert "config/keywords.yml" not in capsys.readouterr().out  # docs/adopt.md's refresh.yml names it
    refresh = workflows / "refresh.yml"
    refresh.write_text(refresh.read_text(encoding="utf-8").replace(", config/keywords.yml]", "]"))
    assert bot_main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert (
        f"[warn] {refresh}: a push that changes config/keywords.yml (a merged `/teach` PR) does not run "
        "refresh, so the other `/teach` PRs stay conflicting until poll's refresh: add config/keywords.yml "
        "to `paths:` under `on: push:`" in out
    )
    assert out.count("config/keywords.yml (a merged") == 1  # site.yml rebuilds from the catalog only


def test_a_workflow_that_is_not_utf8_is_still_read(tmp_path):
    """doctor read every workflow as UTF-8: one saved in Windows-1252 (a comment with an accent)
    was a traceback instead of the list of missing pieces."""
    from bot.jobs.doctor import bot_workflows, branch_problems

    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    poll = workflows / "poll.yml"
    poll.write_bytes(
        "# caf\xe9\non:\n  push:\n    branches: [main]\njobs:\n  p:\n    steps:\n      - run: python -m bot poll\n".encode(
            "latin-1"
        )
    )
    assert bot_workflows(tmp_path) == [poll]
    assert branch_problems([poll], "master") == [
        f"{poll}: runs on pushes to main, but the default branch is master: set `branches: [master]` under `on: push:`"
    ]


def test_the_verdict_counts_the_missing_pieces_found_without_github(tmp_path, monkeypatch, capsys):
    """With a workflow on the wrong branch (a missing piece found here, not on GitHub), the report
    listed it, then ended "Ready, with 2 warning(s)." and exited 1: the last line a maintainer
    reads counts every problem, and the pieces are listed once, in the report."""
    with adopted(tmp_path, monkeypatch) as fake:
        assert bot_main(["doctor"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == f"catalog-bot doctor: {fake.repository} via {fake.url}"
    assert out[2] == "2 missing piece(s) found here, without GitHub:"
    assert [line.split(":")[0] for line in out if line.startswith("[FAIL]")] == [
        f"[FAIL] {tmp_path / '.github' / 'workflows' / name}" for name in ("refresh.yml", "site.yml")
    ]
    assert out[-1].startswith("2 problem(s) to fix before the bot can work"), out[-1]
    assert not any(line.startswith("Ready") for line in out)


LINT_JOB = """
name: CI
on: {{pull_request: {{}}}}
{top}
jobs:
  check:
    runs-on: ubuntu-latest
{job}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: catalog-bot/catalog-bot@0000000000000000000000000000000000000000 # vX.Y.Z
        with: {{job: lint}}
      - run: python -m bot validate-config
"""


@pytest.mark.parametrize(
    "top, job, says",
    [
        ("", "", "has no `permissions:` (nor has the workflow), so its token gets the repository's default"),
        ("permissions: write-all", "", "grants `permissions: write-all`: grant only {contents: read, "),
        ("permissions: {}", "    permissions: write-all", "grants `permissions: write-all`"),
        ("permissions: {}", "    permissions: {contents: write}", "grants `contents: write`, which lint, "),
        ("permissions: {contents: read, issues: write}", "", "grants `issues: write`, which lint, validate"),
        ("permissions: {}", "    permissions: {contents: read}", None),
        ("", "    permissions: {contents: read}", None),  # the job's own block is all it gets
        ("permissions: read-all", "", None),
    ],
)
def test_doctor_warns_of_a_workflow_that_grants_more_than_the_bot_needs(tmp_path, top, job, says):
    """A lint or site job needs to read only; `write-all`, a write it does not need, or no
    `permissions:` at all (the repository's default token) is a warning naming file and job."""
    path = tmp_path / "ci.yml"
    path.write_text(LINT_JOB.format(top=top, job=job), encoding="utf-8")
    warnings = doctor.permission_warnings([path])
    assert [w.startswith(f"{path}: job `check` ") and says in w for w in warnings] == ([True] if says else [])


def test_the_shipped_workflows_grant_what_the_bot_needs_and_no_more(tmp_path, monkeypatch, capsys):
    """docs/adopt.md's workflows and this repository's own pass; a write granted to the site
    build is warned of by `python -m bot doctor`, whose exit code it leaves alone."""
    root = DOCS.parent
    assert doctor.permission_warnings(doctor.bot_workflows(root)) == []
    shipped = sorted((DOCS / "workflows").glob("*.yml"))
    assert len(shipped) == 7 and doctor.permission_warnings(shipped) == []
    assert doctor.JOB_WRITES["poll"] == {"contents", "pull-requests"}
    for path in shipped:  # each job's grant is what JOB_WRITES says its bot jobs write
        for name, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            runs = doctor._bot_jobs(job)
            if runs:
                writes = {s for s, level in job["permissions"].items() if level == "write"}
                assert writes == set().union(*(doctor.JOB_WRITES.get(r, set()) for r in runs)), (path, name)

    workflows = tmp_path / ".github" / "workflows"
    copy_adopters_workflows(workflows)
    site = workflows / "site.yml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("contents: read ", "contents: write"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert bot_main(["doctor"]) == 1  # no token: the missing pieces fail it, as before
    out = capsys.readouterr().out
    assert out.count("[warn]") == 1
    assert f"[warn] {site}: job `build` grants `contents: write`, which site does not need" in out

    with adopted(tmp_path, monkeypatch, default_branch="main"):
        assert bot_main(["doctor"]) == 0  # a warning, in the report and its verdict, not a failure
    out = capsys.readouterr().out
    assert "1 warning(s) found here, without GitHub:\n[warn] " in out and f"{site}: job `build`" in out
    assert out.strip().splitlines()[-1].startswith("Ready, with "), out


def test_workflows_copied_with_the_placeholder_commit_fail_in_one_line(tmp_path, monkeypatch, capsys):
    """docs/workflows/ copied as they are keep `@000...` (docs/adopt.md: replace it with the
    release's commit): GitHub cannot resolve the action and every job fails before the bot runs,
    while doctor said nothing of it. It is one missing piece naming each step."""
    workflows = tmp_path / ".github" / "workflows"
    shutil.copytree(DOCS / "workflows", workflows)  # as they are
    with adopted(tmp_path, monkeypatch, default_branch="main"):
        assert bot_main(["doctor"]) == 1
        [line] = [line for line in capsys.readouterr().out.splitlines() if "placeholder" in line]
        places = ", ".join(  # every line of docs/workflows/ that holds the placeholder, as the docs are today
            f"{path.name}:{number}"
            for path in sorted(workflows.glob("*.yml"))
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if "catalog-bot/catalog-bot@0000000" in text
        )
        assert places.count(".yml:") >= 8, places  # each job of the copied workflows names one
        assert line == (
            f"[FAIL] {workflows}: `uses: catalog-bot/catalog-bot@000...` is docs/adopt.md's placeholder "
            f"({places}): replace it with the action's repository and its release's full commit "
            "SHA (`@<sha> # vX.Y.Z`, docs/adopt.md step 6)"
        )
        shutil.rmtree(workflows)
        copy_adopters_workflows(workflows)
        assert bot_main(["doctor"]) == 0
    assert "placeholder" not in capsys.readouterr().out


@pytest.mark.parametrize("ref", ["v0.1.0", "main", "8f0c6a1"])
def test_a_workflow_that_calls_the_action_by_tag_or_branch_is_warned_of(tmp_path, monkeypatch, capsys, ref):
    """`uses: catalog-bot/catalog-bot@v0.1.0` works, and runs whatever the tag names when the job
    starts, with the list's write token: doctor warns (exit code unchanged) and names the fix."""
    workflows = tmp_path / ".github" / "workflows"
    copy_adopters_workflows(workflows)
    poll = workflows / "poll.yml"
    poll.write_text(poll.read_text(encoding="utf-8").replace(f"@{ADOPTED_COMMIT}", f"@{ref}", 1))
    with adopted(tmp_path, monkeypatch, default_branch="main"):
        assert bot_main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert out.count("runs whatever that tag") == 1 and out.strip().endswith("Ready, with 3 warning(s).")
    assert (
        f"[warn] {poll}:34: `uses: catalog-bot/catalog-bot@{ref}` runs whatever that tag or branch names "
        f"when the job starts, with your token: pin the release's commit instead (`@<sha> # {ref}`: "
        "docs/adopt.md step 6; Dependabot keeps it current)"
    ) in out


def test_a_catalog_path_set_wrong_names_the_catalog_that_is_there(tmp_path, monkeypatch, capsys):
    """`catalog: docs/list.md` in config/poll.yml with the catalog at catalog.md: doctor said to
    create it with init, which would write a second catalog. It names the one that is there."""
    with adopted(tmp_path, monkeypatch, default_branch="main"):
        (tmp_path / "config" / "poll.yml").write_text("catalog: docs/list.md\n", encoding="utf-8")
        assert bot_main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert (
        f"[FAIL] {tmp_path / 'docs' / 'list.md'} does not exist (`catalog: docs/list.md` in "
        f"{tmp_path / 'config' / 'poll.yml'}), but {tmp_path / 'catalog.md'} does: set `catalog: catalog.md` "
        "there if it is your catalog"
    ) in out


def test_a_config_made_for_another_list_is_said_in_one_line(tmp_path, monkeypatch, capsys):
    """A config copied from another list (its taxonomy's sections none of this catalog's headings):
    doctor said "Ready." while every job would find each entry outside the taxonomy (lint: one
    problem per entry). One line says so and what to do; a few misplaced entries point to lint."""
    with adopted(tmp_path, monkeypatch, default_branch="main"):
        taxonomy = tmp_path / "config" / "taxonomy.yml"
        text = taxonomy.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        titles = [s["title"] for s in data["sections"]]
        catalog = tmp_path / "catalog.md"
        original = catalog.read_text(encoding="utf-8")
        moved = original
        for title in titles:
            moved = moved.replace(f"\n## {title}\n", f"\n## Other {title}\n")
        catalog.write_text(moved, encoding="utf-8")
        assert bot_main(["doctor"]) == 1
        out = capsys.readouterr().out
        count = sum(1 for line in original.splitlines() if line.startswith("- [") and "](#" not in line)
        assert (
            f"[FAIL] {catalog}: none of its {count} entries is under a section of {taxonomy} (the config "
            "is another list's?): make the config from your list, `python -m bot init --from README.md "
            "--force` (docs/adopt.md)"
        ) in out
        catalog.write_text(original.replace(f"\n## {titles[0]}\n", f"\n## Other {titles[0]}\n"))
        assert bot_main(["doctor"]) == 1
        out = capsys.readouterr().out
        assert "entries are under no section of" in out and "`python -m bot lint` names each" in out
