"""Commands on a locked issue: GitHub takes comments (and reactions) there from collaborators with
write access only, and answers anyone else 403. The payload says ``locked: true``; the fake GitHub
locks the issue as ``PUT /repos/{owner}/{repo}/issues/{issue_number}/lock`` does."""

from __future__ import annotations

from typing import Any

from bot.core.taxonomy import Taxonomy
from bot.jobs.commands import LOCKED, CommandRun, Event, read_event, run
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub, forge_for
from tests.jobs.commands.helpers import (
    SETTINGS,
    ArxivAPI,
    bot_comments,
    handle,
    payload,
    post_comment,
    status,
)


def locked_comment(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, text: str) -> CommandRun:
    """A maintainer's comment on the locked issue #1, as GitHub sends it (the real payload, its
    issue ``locked`` with a reason)."""
    data: dict[str, Any] = payload("issue_comment.created", text, MAINTAINER_LOGIN)
    data["issue"]["locked"], data["issue"]["active_lock_reason"] = True, "too heated"
    event = read_event("issue_comment", data)
    assert isinstance(event, Event) and event.locked
    post_comment(github, event.comment_id or 0, text, MAINTAINER_LOGIN)
    forge = forge_for(github)
    return run(event, forge, forge, arxiv.lookup(), taxonomy, SETTINGS)


def test_a_locked_issue_the_bot_may_not_answer_on_changes_nothing_and_does_not_fail(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A maintainer may comment on a locked issue; a token without write access may not answer
    there. The bot opened the pull request, then GitHub refused its status comment: the run failed
    with a pull request nobody was told about. Now the refused reaction stops it first."""
    github.lock_issue(1)
    branches = set(github.git.refs)
    outcome = locked_comment(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert (outcome.ignored, outcome.exit_code) == (LOCKED, 0)
    assert github.pulls() == [] and set(github.git.refs) == branches and bot_comments(github) == []
    assert arxiv.asked == []  # nothing was looked up either
    # unlocked, the next comment runs the command left unanswered
    github.issues[1].locked = False
    later = handle(github, arxiv, taxonomy, "Unlocked now.", serial=1)
    assert [r.kind for r in later.replies] == ["add_done"] and len(github.pulls()) == 1


def test_a_locked_issue_is_answered_when_the_bots_token_may_write_there(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    github.lock_issue(1, "resolved")
    github.collaborators[BOT_LOGIN] = "write"
    outcome = locked_comment(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done"] and outcome.exit_code == 0
    assert "✅" in status(github) and len(github.pulls()) == 1
