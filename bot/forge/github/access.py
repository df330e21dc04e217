"""What ``python -m bot doctor`` learns about the token and the repository (reads only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from bot.errors import ForgeError
from bot.forge.github.client import GitHubClient
from bot.forge.github.issues import Issues


@dataclass(frozen=True)
class AccessReport:
    """What ``python -m bot doctor`` needs to know about the token and the repository."""

    repository: str
    api_url: str
    token_kind: str  # classic | fine-grained | installation | oauth | user-to-server | unknown
    readable: bool
    error: str = ""
    scopes: tuple[str, ...] | None = None  # x-oauth-scopes, when GitHub sends it
    accepted_permissions: str = ""  # x-accepted-github-permissions of the repository read
    permissions: Mapping[str, bool] | None = None  # the repository's permissions object, if sent
    private: bool | None = None
    default_branch: str = ""
    workflow_permissions: Mapping[str, Any] | None = None
    workflow_error: str = ""
    missing_labels: tuple[str, ...] = ()
    people: Mapping[str, str] = field(default_factory=dict)  # reviewer/assignee -> permission
    rate_remaining: str = ""
    required_checks: tuple[str, ...] = ()  # the status checks the default branch requires
    bot_branch_rules: tuple[str, ...] = ()  # ruleset rules that stop the bot's own branches (their types)


def token_kind(token: str) -> str:
    prefixes = {
        "ghp_": "classic",
        "github_pat_": "fine-grained",
        "ghs_": "installation",
        "gho_": "oauth",
        "ghu_": "user-to-server",
    }
    return next((kind for prefix, kind in prefixes.items() if token.startswith(prefix)), "unknown")


def inspect_access(client: GitHubClient, issues: Issues) -> AccessReport:
    """Token, repository and settings facts for ``python -m bot doctor`` (reads only)."""
    base = AccessReport(client.repository, client.api_url, token_kind(client.token), readable=False)
    try:
        headers, repo = client.rest_with_headers(client.repo_path, "read the repository")
    except ForgeError as exc:
        return replace(base, error=str(exc))
    scopes = headers.get("x-oauth-scopes")
    report = replace(
        base,
        readable=True,
        private=repo.get("private"),
        default_branch=repo.get("default_branch", ""),
        scopes=tuple(s.strip() for s in scopes.split(",") if s.strip()) if scopes is not None else None,
        accepted_permissions=headers.get("x-accepted-github-permissions", ""),
        permissions=repo.get("permissions"),
        rate_remaining=headers.get("x-ratelimit-remaining", ""),
    )
    try:
        workflow = client.rest(
            "GET",
            f"{client.repo_path}/actions/permissions/workflow",
            "read the repository's Actions workflow permissions",
        )
        report = replace(report, workflow_permissions=workflow)
    except ForgeError as exc:
        report = replace(report, workflow_error=str(exc))
    return _inspect_people_and_labels(client, issues, _inspect_branches(client, report))


# ruleset rules that stop what the bot does on its own branches: create them (poll), push to them and
# force-push them (refresh rebuilds a PR on the moved default branch), delete them (a paper dropped)
BLOCKING_RULES = ("creation", "update", "non_fast_forward", "deletion", "pull_request")


def _inspect_branches(client: GitHubClient, report: AccessReport) -> AccessReport:
    """The checks the default branch requires (its classic protection's and its rulesets') and the
    rules that apply to a branch of the bot's: both readable with the workflow's own token (contents
    and metadata read), unlike the Actions settings. Unreadable: nothing said."""
    required: list[str] = []
    branch = quote(report.default_branch, safe="/")
    try:
        found = client.rest("GET", f"{client.repo_path}/branches/{branch}", "read the default branch")
        protection = (found.get("protection") or {}) if isinstance(found, dict) else {}
        checks = protection.get("required_status_checks") or {}
        if protection.get("enabled") and checks.get("enforcement_level", "everyone") != "off":
            required += [
                *(checks.get("contexts") or []),
                *(c.get("context") for c in checks.get("checks") or []),
            ]
        required += [
            check.get("context")
            for rule in _rules(client, report.default_branch)
            if rule.get("type") == "required_status_checks"
            for check in (rule.get("parameters") or {}).get("required_status_checks") or []
        ]
        example = f"{client.settings.branch_prefix}arxiv-2401.00001"
        blocking = [r["type"] for r in _rules(client, example) if r.get("type") in BLOCKING_RULES]
    except ForgeError:
        return report
    return replace(
        report,
        required_checks=tuple(dict.fromkeys(str(c) for c in required if c)),
        bot_branch_rules=tuple(dict.fromkeys(blocking)),
    )


def _rules(client: GitHubClient, branch: str) -> list[dict[str, Any]]:
    found = client.rest(
        "GET",
        f"{client.repo_path}/rules/branches/{quote(branch, safe='/')}",
        f"read the rules of branch {branch}",
        params={"per_page": 100},
    )
    return [rule for rule in found if isinstance(rule, dict)] if isinstance(found, list) else []


def _inspect_people_and_labels(client: GitHubClient, issues: Issues, report: AccessReport) -> AccessReport:
    s = client.settings
    try:
        labels = client.list_all(f"{client.repo_path}/labels", "read labels")
        existing = {label["name"].lower() for label in labels}
        missing = tuple(spec.name for spec in s.labels if spec.name.lower() not in existing)
    except ForgeError:
        missing = tuple(spec.name for spec in s.labels)
    people: dict[str, str] = {}
    for login in dict.fromkeys((*s.reviewers, *s.assignees)):
        try:
            people[login] = issues.permission(login)
        except ForgeError as exc:
            people[login] = f"unknown ({exc})"
    return replace(report, missing_labels=missing, people=people)
