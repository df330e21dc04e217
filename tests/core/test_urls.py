"""bot.core.urls: the one code-link validator and GitHub repository parser."""

from __future__ import annotations

import pytest

from bot.core.urls import code_link, github_repo


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/IST-DASLab/gptq", ("https://github.com/IST-DASLab/gptq", None)),
        ("http://www.github.com/o/r.git/", ("https://github.com/o/r", None)),
        ("https://github.com/o/r/tree/main/sub/dir", ("https://github.com/o/r/tree/main/sub/dir", None)),
        (
            "https://gitlab.com/group/sub/project/-/tree/main",
            ("https://gitlab.com/group/sub/project/-/tree/main", None),
        ),
        ("https://huggingface.co/spaces/o/demo", ("https://huggingface.co/spaces/o/demo", None)),
        ("https://huggingface.co/o/model", ("https://huggingface.co/o/model", None)),
        ("https://github.com/login/device", (None, "not_repository")),
        ("https://github.com/settings/tokens", (None, "not_repository")),
        ("https://github.com/../../evil.example/x", (None, "not_repository")),
        ("https://github.com/o/r/../../x", (None, "not_repository")),
        ("https://github.com/o/%2e%2e", (None, "not_repository")),
        ("https://github.com/o/r/blob/main/x.py", (None, "not_repository")),
        ("https://github.com/o", (None, "not_repository")),
        ("https://gitlab.com/users/someone", (None, "not_repository")),
        ("https://huggingface.co/papers/2405.00732", (None, "not_repository")),
        ("https://github.com/o/r?x=1", (None, "query")),
        ("https://github.com/o/r#readme", (None, "query")),
        ("https://u:p@github.com/o/r", (None, "credentials")),
        ("https://github.com@evil.example/o/r", (None, "credentials")),
        ("https://github.com:8443/o/r", (None, "credentials")),
        ("https://github.com.evil.example/o/r", (None, "host")),
        ("javascript:alert(1)", (None, "not_http")),
        ("https://github.com/o/r\n", ("https://github.com/o/r", None)),
        ("https://github.com/o/r x", (None, "not_repository")),
        ("https://github.com/" + "a" * 200, (None, "too_long")),
        # a bracket in the host is an unclosed IPv6 address to urlsplit, which raised ValueError:
        # an outsider's "/add ... code=https://github.com[/o/r" stopped the commands job (exit 3)
        ("https://github.com[/o/r", (None, "host")),
        ("https://[github.com/o/r", (None, "host")),
        ("https://github.com]/o/r", (None, "host")),
    ],
)
def test_code_link(url: str, expected: tuple[str | None, str | None]) -> None:
    assert code_link(url) == expected


def test_another_allowed_host_needs_owner_and_repo() -> None:
    assert code_link("https://codeberg.org/o/r", ("codeberg.org",)) == ("https://codeberg.org/o/r", None)
    assert code_link("https://codeberg.org/o", ("codeberg.org",)) == (None, "not_repository")


@pytest.mark.parametrize(
    "url, name, rest, tree",
    [
        ("https://github.com/a/b", "a/b", "", ""),
        ("http://www.github.com/a/b.git", "a/b", "", ""),
        ("https://github.com/a/b/tree/dev/x/", "a/b", "/tree/dev/x/", "/tree/dev/x"),
        ("https://github.com/a/b/blob/main/README.md", "a/b", "/blob/main/README.md", ""),
        ("https://github.com/a/b#readme", "a/b", "#readme", ""),
        ("https://github.com/a/b?tab=x", "a/b", "?tab=x", ""),
    ],
)
def test_github_repo(url: str, name: str, rest: str, tree: str) -> None:
    repo = github_repo(url)
    assert repo is not None and (repo.full_name, repo.rest, repo.tree) == (name, rest, tree)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/login/device",
        "https://github.com/orgs/x/people",
        "https://github.com/../evil/x",
        "https://gist.github.com/a/b",
        "https://x:y@github.com/a/b",
        "https://github.com/a",
        "ftp://github.com/a/b",
        "https://github.com/-a/b",
        "https://github.com/a/..",
        "https://github.com[/o/r",  # urlsplit raised ValueError (init and import stopped, exit 3)
        "http://]x/o/r",
    ],
)
def test_not_a_github_repository(url: str) -> None:
    assert github_repo(url) is None
