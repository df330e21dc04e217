"""GitHub's branch filter patterns, as the workflow syntax's "Filter pattern cheat sheet" gives
them (doctor uses them to tell whether the bot's workflows run on the default branch)."""

from __future__ import annotations

import pytest

from bot.forge.branch_filters import branch_selected, matches, push_runs_for_file, push_runs_on


@pytest.mark.parametrize(
    ("glob", "name", "expected"),
    [
        ("main", "main", True),
        ("main", "main2", False),
        ("feature/*", "feature/my-branch", True),
        ("feature/*", "feature/your/branch", False),  # * stops at /
        ("feature/**", "feature/your/branch", True),
        ("**", "any/thing/at/all", True),
        ("*", "releases/v1", False),
        ("main*", "mainline", True),
        ("v2*", "v2.0", True),
        ("v[12].[0-9]+.[0-9]+", "v1.10.1", True),
        ("v[12].[0-9]+.[0-9]+", "v3.1.1", False),
        ("mona/octo?cat", "mona/octcat", True),  # ? : the character before is optional
        ("mona/octo?cat", "mona/octocat", True),
        ("mona/octo+cat", "mona/octooocat", True),
        ("mona/octo+cat", "mona/octcat", False),
        ("release-\\*", "release-*", True),  # escaped
        ("release-\\*", "release-1", False),
        ("a.b", "axb", False),  # a dot is a dot
    ],
)
def test_a_pattern_matches_as_github_reads_it(glob: str, name: str, expected: bool) -> None:
    assert matches(name, glob) is expected


def test_the_last_matching_pattern_decides_and_a_bang_excludes() -> None:
    patterns = ["releases/**", "!releases/**-alpha", "releases/special-alpha"]
    assert branch_selected("releases/10", patterns)
    assert not branch_selected("releases/10-alpha", patterns)
    assert branch_selected("releases/special-alpha", patterns)
    assert not branch_selected("main", patterns)
    assert not branch_selected("master", ["**", "!master"])


@pytest.mark.parametrize(
    ("push", "expected"),
    [
        (None, True),  # on: push (every branch)
        ({}, True),
        ({"tags": ["v*"]}, False),  # tags alone: no branch push runs it
        ({"tags-ignore": ["v*"]}, False),
        ({"tags": ["v*"], "branches": ["master"]}, True),
        ({"paths": ["catalog.md"]}, True),  # paths filter which pushes, not which refs
        ({"branches": ["main"]}, False),
        ({"branches": "master"}, True),  # one pattern as a string
        ({"branches": ["**", "!master"]}, False),
        ({"branches-ignore": ["master"]}, False),
        ({"branches-ignore": ["gh-pages", "bot/**"]}, True),
        ({"branches-ignore": "mast*"}, False),
    ],
)
def test_a_push_filter_runs_on_the_default_branch_or_not(push: dict | None, expected: bool) -> None:
    assert push_runs_on("master", push) is expected


@pytest.mark.parametrize(
    ("push", "expected"),
    [
        (None, True),
        ({"branches": ["main"]}, True),  # no path filter: every change
        ({"paths": ["catalog.md", "config/taxonomy.yml"]}, False),  # refresh.yml as copied
        ({"paths": "docs/list.md"}, True),
        ({"paths": ["docs/*.md"]}, True),
        ({"paths": ["*.md"]}, False),  # * stops at /: files at the root only
        ({"paths": ["**.md"]}, True),
        ({"paths": ["docs/**", "!docs/list.md"]}, False),  # the last matching pattern decides
        ({"paths-ignore": ["docs/**"]}, False),
        ({"paths-ignore": ["README.md"]}, True),
    ],
)
def test_a_push_filter_runs_for_a_change_of_one_file_or_not(push: dict | None, expected: bool) -> None:
    assert push_runs_for_file("docs/list.md", push) is expected
