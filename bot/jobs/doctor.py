"""``python -m bot doctor``: is this token, and this repository, ready for the bot?

Reads only. Checks that the repository is reachable with the token, what the token may do
(classic tokens: the ``x-oauth-scopes`` header; user tokens: the repository's ``permissions``
object; installation tokens such as the workflow's GITHUB_TOKEN: granted by the workflow's
``permissions:`` block, which the API does not echo back), the repository setting "Allow GitHub
Actions to create and approve pull requests", the labels, reviewers and assignees from
``config/github.yml``, and explains that PRs opened with the default GITHUB_TOKEN do not start
other workflows, and the fix. Every line comes from the ``doctor.txt.j2`` template. Before
asking GitHub, it lists every missing piece it can see locally at once (token, repository,
config, catalog, workflows), and warns of workflow jobs granted more than the bot needs there.
"""

from __future__ import annotations

import argparse
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Protocol

import yaml

from bot import config
from bot.core import templates, yaml_aliases
from bot.core.keyword_edits import KEYWORDS_PATH
from bot.core.locations import repository_root
from bot.errors import BotError
from bot.forge.actions import build_services
from bot.forge.branch_filters import names_tags_only, push_runs_for_file, push_runs_on
from bot.forge.github import AccessReport, GitHubSettings
from bot.forge.workflow_files import WORKFLOWS_DIR, bot_workflows, pin_warnings, placeholder_problems
from bot.forge.workflow_permissions import BOT_SCOPES as BOT_SCOPES
from bot.forge.workflow_permissions import JOB_WRITES as JOB_WRITES
from bot.forge.workflow_permissions import _bot_jobs as _bot_jobs
from bot.forge.workflow_permissions import permission_warnings, read_only_problems

Status = Literal["ok", "info", "warn", "fail"]
DEFAULT_CATALOG = "catalog.md"  # config/poll.yml's default `catalog:`


@dataclass(frozen=True)
class Check:
    id: str
    status: Status
    facts: Mapping[str, Any] = field(default_factory=dict)


class Inspectable(Protocol):
    def inspect_access(self) -> AccessReport: ...


def _token_check(report: AccessReport) -> Check:
    facts: dict[str, Any] = {
        "kind": report.token_kind,
        "scopes": report.scopes,
        "private": report.private,
        "permissions": report.permissions,
    }
    if report.scopes is not None:  # classic personal access token or OAuth token
        needed = "repo" if report.private else "public_repo"
        covering = next((s for s in ("repo", needed) if s in report.scopes), None)
        return Check(
            "token-scopes", "ok" if covering else "fail", {**facts, "needed": needed, "covering": covering}
        )
    if report.permissions is not None:
        return Check("token-permissions", "ok" if report.permissions.get("push") else "fail", facts)
    return Check("token-installation", "info", facts)


def _workflow_check(report: AccessReport) -> Check:
    settings = report.workflow_permissions
    if settings is None:
        return Check("actions-pr-setting-unknown", "warn", {"error": report.workflow_error})
    allowed = bool(settings.get("can_approve_pull_request_reviews"))
    needs_it = report.token_kind in ("installation", "unknown")
    status: Status = "ok" if allowed else ("fail" if needs_it else "warn")
    return Check(
        "actions-pr-setting",
        status,
        {"allowed": allowed, "needs_it": needs_it, "default": settings.get("default_workflow_permissions")},
    )


def _people_checks(report: AccessReport, settings: GitHubSettings) -> list[Check]:
    checks = []
    for login, permission in report.people.items():
        roles = {"reviewer": login in settings.reviewers, "assignee": login in settings.assignees}
        ok = permission in ("admin", "maintain", "write", "triage")
        facts = {"login": login, "permission": permission, "roles": [r for r, yes in roles.items() if yes]}
        checks.append(Check("person", "ok" if ok else "warn", facts))
    return checks


def evaluate(report: AccessReport, settings: GitHubSettings) -> list[Check]:
    """The checks, in the order a maintainer should fix them."""
    if not report.readable:
        return [Check("repository-unreachable", "fail", {"error": report.error})]
    checks = [
        Check("repository", "ok", {"default_branch": report.default_branch, "private": report.private}),
        _token_check(report),
        _workflow_check(report),
        Check(
            "triggers", "warn" if report.token_kind == "installation" else "ok", {"kind": report.token_kind}
        ),
    ]
    if report.required_checks:  # they never run on PRs opened with GITHUB_TOKEN
        status: Status = "warn" if report.token_kind in ("installation", "unknown") else "ok"
        facts = {"branch": report.default_branch, "checks": list(report.required_checks)}
        checks.append(Check("required-checks", status, facts))
    if report.bot_branch_rules:
        facts = {"prefix": settings.branch_prefix, "rules": list(report.bot_branch_rules)}
        checks.append(Check("bot-branch-rules", "fail", facts))
    checks.append(
        Check("labels", "info" if report.missing_labels else "ok", {"missing": list(report.missing_labels)})
    )
    checks.extend(_people_checks(report, settings))
    if report.rate_remaining:
        checks.append(Check("rate", "info", {"remaining": report.rate_remaining}))
    return checks


def run(forge: Inspectable, settings: GitHubSettings, local: Sequence[str] = ()) -> tuple[list[Check], str]:
    """The checks of GitHub, and the report; ``local``: the missing pieces found without GitHub,
    listed first and counted in the report's verdict (a report that ended "Ready." under a list
    of failures told a maintainer the opposite of its exit status)."""
    report = forge.inspect_access()
    checks = evaluate(report, settings)
    return checks, report_text(report, checks, settings, local)


def report_text(
    report: AccessReport,
    checks: Sequence[Check],
    settings: GitHubSettings,
    local: Sequence[str] = (),
    cautions: Sequence[str] = (),
) -> str:
    """The report; ``cautions``: warnings found here (``permission_warnings``), counted as such."""
    return templates.render(
        "doctor.txt.j2",
        report=report,
        checks=checks,
        settings=settings,
        local=list(local),
        cautions=list(cautions),
    ).strip()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repository", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")


def local_problems(env: Mapping[str, str], repository: str | None, root: Path) -> list[str]:
    """Every missing piece that can be seen without GitHub, all at once: the environment,
    the config (validate-config's checks), the catalog and the workflows."""
    from bot.config_checks import check_all

    problems = []
    if not env.get("GITHUB_TOKEN"):
        problems.append(
            "no GitHub token: set GITHUB_TOKEN (`export GITHUB_TOKEN=...`; in Actions: "
            "the secret CATALOG_BOT_TOKEN or github.token); see docs/adopt.md"
        )
    if not (repository or env.get("GITHUB_REPOSITORY")):
        problems.append(
            "GITHUB_REPOSITORY is not set: export GITHUB_REPOSITORY=owner/name or pass "
            "--repository owner/name"
        )
    directory = config.config_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problems += check_all(directory)
        try:
            catalog = config.load("poll", directory)["catalog"]
        except BotError:
            catalog = DEFAULT_CATALOG
    if not (root / catalog).exists():
        problems.append(_missing_catalog(root, str(catalog), directory))
    else:
        problems += _catalog_outside_taxonomy(root / catalog, directory)
    uses_bot = bot_workflows(root)
    if not uses_bot:
        problems.append(
            f"no workflow in {root / WORKFLOWS_DIR} runs the bot: add the short workflows of "
            "docs/adopt.md (poll, refresh, commands, nightly, new-topics)"
        )
    return problems + placeholder_problems(uses_bot) + path_problems(uses_bot, str(catalog))


def _missing_catalog(root: Path, catalog: str, directory: Path) -> str:
    """What to do when the catalog the config names is not there: point the config at the one
    that is (a `catalog:` set by hand, a catalog moved), else make it."""
    if PurePosixPath(catalog) != PurePosixPath(DEFAULT_CATALOG) and (root / DEFAULT_CATALOG).is_file():
        return (
            f"{root / catalog} does not exist (`catalog: {catalog}` in {directory / 'poll.yml'}), but "
            f"{root / DEFAULT_CATALOG} does: set `catalog: {DEFAULT_CATALOG}` there if it is your catalog"
        )
    return f"{root / catalog} does not exist: create it with `python -m bot init --from LIST` (docs/adopt.md)"


def _catalog_outside_taxonomy(path: Path, directory: Path) -> list[str]:
    """A catalog whose entries sit under no section of the taxonomy: the config is another list's
    (copied from another repository, or init run on another list), and every job would file nothing."""
    from bot.core.catalog_io import read_catalog

    try:
        catalog = read_catalog(path, config.load_taxonomy(directory))
    except BotError:
        return []  # a broken taxonomy is check_all's to report, an unreadable catalog lint's
    prose = catalog.prose_lines()  # and the table of contents' links, which read as entries
    entries = [i for i in catalog.items if i.entry and i.start not in prose and "](#" not in i.text]
    outside = [item for item in entries if item.section is None]
    if not entries or not outside:
        return []
    if len(outside) < len(entries):
        return [
            f"{path}: {len(outside)} of its {len(entries)} entries are under no section of "
            f"{directory / 'taxonomy.yml'}: `python -m bot lint` names each and what to do"
        ]
    return [
        f"{path}: none of its {len(entries)} entries is under a section of {directory / 'taxonomy.yml'} "
        "(the config is another list's?): make the config from your list, `python -m bot init --from "
        "README.md --force` (docs/adopt.md)"
    ]


def branch_problems(workflows: list[Path], default_branch: str | None) -> list[str]:
    """The bot's workflows that run on pushes to branches other than the default one (refresh.yml
    of docs/adopt.md says `main`; a repository on `master` would never refresh its bot PRs)."""
    if not default_branch:
        return []
    problems = []
    for path in workflows:
        push = push_settings(path)
        if names_tags_only(push):
            continue  # a release trigger (tags only) is meant not to run on branch pushes
        if not push_runs_on(default_branch, push):
            assert isinstance(push, dict)  # only a push filter can leave a branch out
            named = push.get("branches", push.get("branches-ignore"))
            which = "runs on pushes to" if "branches" in push else "ignores pushes to"
            shown = ", ".join(map(str, named)) if isinstance(named, list) else str(named)
            problems.append(
                f"{path}: {which} {shown}, but the default branch is {default_branch}: set "
                f"`branches: [{default_branch}]` under `on: push:`"
            )
    return problems


# a workflow that rebuilds from the catalog: this repository's and the adopters' (the action's `job:`)
REBUILDS_FROM_CATALOG = re.compile(r"python -m bot (?:refresh|site)\b|\bjob:\s*['\"]?(?:refresh|site)\b")


def path_problems(workflows: list[Path], catalog: str) -> list[str]:
    """The bot's workflows that rebuild from the catalog on a push (refresh, site) whose path
    filters leave the catalog out: refresh.yml of docs/adopt.md names `catalog.md`, and a list
    adopted with `init --catalog docs/list.md` would never rebuild its bot PRs on a merge."""
    catalog = PurePosixPath(catalog).as_posix()
    return [
        f"{path}: a push that changes {catalog}, the catalog, does not run it ({filters}): {fix}"
        for path, filters, fix in _pushes_missing(workflows, catalog, REBUILDS_FROM_CATALOG)
    ]


REFRESHES = re.compile(r"python -m bot refresh\b|\bjob:\s*['\"]?refresh\b")


def teach_path_warnings(workflows: list[Path]) -> list[str]:
    """The refresh workflows whose path filters leave out the keyword rules that ``/teach`` edits:
    a merged ``/teach`` PR then leaves the other ``/teach`` PRs of its section conflicting until
    poll's own refresh, up to a day later (warned: the list works without ``/teach``)."""
    return [
        f"{path}: a push that changes {KEYWORDS_PATH} (a merged `/teach` PR) does not run refresh, so "
        f"the other `/teach` PRs stay conflicting until poll's refresh: {fix}"
        for path, _, fix in _pushes_missing(workflows, KEYWORDS_PATH, REFRESHES)
    ]


def _pushes_missing(workflows: list[Path], file: str, runs: re.Pattern[str]) -> list[tuple[Path, str, str]]:
    """(workflow, its path filters as written, the fix) for each workflow that runs ``runs`` on
    pushes whose path filters leave ``file`` out."""
    found = []
    for path in workflows:
        push = push_settings(path)
        if not isinstance(push, Mapping) or names_tags_only(push) or push_runs_for_file(file, push):
            continue
        if not runs.search(path.read_text(encoding="utf-8", errors="replace")):
            continue
        key = "paths" if "paths" in push else "paths-ignore"
        shown = ", ".join(map(str, push[key])) if isinstance(push[key], list) else str(push[key])
        fix = f"add {file} to `paths:`" if key == "paths" else f"take {file} out of `paths-ignore:`"
        found.append((path, f"{key}: {shown}", f"{fix} under `on: push:`"))
    return found


def push_settings(path: Path) -> Any:
    """A workflow file's ``on: push:`` settings (None when it has none, or is no YAML: not the
    checks' business, GitHub reports a broken workflow)."""
    try:
        data = yaml_aliases.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError:
        return None
    triggers = data.get("on", data.get(True)) if isinstance(data, dict) else None  # YAML 1.1: on = True
    return triggers.get("push") if isinstance(triggers, dict) else None


def main(args: argparse.Namespace) -> int:
    root = repository_root()  # from docs/: the list's catalog and workflows
    problems = local_problems(os.environ, args.repository, root)
    workflows = bot_workflows(root)
    # warned, not failed: a step may need the permission; a list may not use /teach
    cautions = permission_warnings(workflows) + pin_warnings(workflows) + teach_path_warnings(workflows)
    if not os.environ.get("GITHUB_TOKEN") or not (args.repository or os.environ.get("GITHUB_REPOSITORY")):
        for caution in cautions:
            print(f"[warn] {caution}")
        # GitHub cannot be asked without them: every missing piece, in one message
        raise BotError(f"{len(problems)} missing piece(s):\n" + "\n".join(f"  {p}" for p in problems))
    services = build_services(os.environ, repository=args.repository, api_url=args.api_url)
    settings = services.github_settings
    report = services.github().inspect_access()
    checks = evaluate(report, settings)
    repository = next((c for c in checks if c.id == "repository"), None)
    if repository:
        problems += branch_problems(workflows, repository.facts.get("default_branch"))
    if (report.workflow_permissions or {}).get("default_workflow_permissions") == "read":
        read_only = read_only_problems(workflows)  # warned of above as "write to everything": it is not
        problems += [problem for problem, _ in read_only]
        cautions = [c for c in cautions if c not in {w for _, warned in read_only for w in warned}]
    print(report_text(report, checks, settings, problems, cautions))
    return 1 if problems or any(check.status == "fail" for check in checks) else 0
