"""The issue commands end to end, when things go wrong: bots, hostile text, arXiv or GitHub
failing, a failing router, a missing catalog; and the job's entry point (event file, config,
environment)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core import catalog_parse, markers
from bot.core.entry import parse_entry
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.jobs.commands import (
    MARKER_KIND,
    CommandRun,
    CommandSettings,
    Router,
    read_event,
    run,
)
from tests.conftest import PROJECT
from tests.fake_github import BOT_LOGIN, BOT_TOKEN, MAINTAINER_LOGIN, FakeGitHub, IssueComment, forge_for
from tests.jobs.commands.helpers import (
    OUTSIDER,
    SETTINGS,
    ArxivAPI,
    bot_comments,
    catalog_on,
    catalog_text,
    handle,
    payload,
    post_comment,
    pr_url,
    pull,
    status,
)

# -- robustness ----------------------------------------------------------------------------------------------


def test_comments_by_bots_are_ignored(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    for login, kind in [(BOT_LOGIN, "Bot"), ("dependabot[bot]", "Bot"), ("renovate", "Bot")]:
        outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=login, user_type=kind)
        assert outcome.ignored.startswith("written by a bot")
    # read only: the token's login (GraphQL) and the issue's comments, for what a cancelled run left
    assert all(route.startswith("GET ") or route == "POST /graphql" for route in github.counts), github.counts
    assert github.reactions == [] and arxiv.asked == [] and not github.pulls()


def test_a_bots_event_answers_the_commands_of_a_run_it_cancelled(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """GitHub keeps one waiting run per issue (commands.yml's group) and cancels the one waiting
    before it. With a machine user's token the bot's own edit of its status comment (commands.yml
    runs on edits) is no Bot to the workflow's ``if``: its run took the place of a maintainer's
    waiting run, then answered nothing ("written by a bot"), and the ``/add`` waited for the
    issue's next event. A bot's text is still never a command."""
    settings = dataclasses.replace(SETTINGS, bot_logins=("github-actions[bot]", "catalog-curator"))
    github.collaborators["Catalog-Curator"] = "write"
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", settings=settings)
    first = payload("issue_comment.created", "", MAINTAINER_LOGIN)["comment"]["id"]
    post_comment(github, first + 1, "/add 2302.03287 surveys", MAINTAINER_LOGIN)  # its run cancelled
    text = "Weekly report, quoting a paper:\n/remove 2404.14469"
    outcome = handle(
        github, arxiv, taxonomy, text, "Catalog-Curator", "issue_comment.edited", 2, settings=settings
    )
    assert [(r.kind, r.command) for r in outcome.replies] == [("add_done", "`/add 2302.03287 surveys`")]
    assert pull(github, "bot/arxiv-2302.03287") and not [p for p in github.pulls() if "remove" in p.head]


def test_bot_logins_are_matched_whatever_their_case(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """GitHub logins are case-insensitive: a machine user listed as ``catalog-curator`` in
    config/github.yml is the account whose payloads say ``Catalog-Curator``."""
    github.collaborators["Catalog-Curator"] = "write"
    settings = dataclasses.replace(SETTINGS, bot_logins=("github-actions[bot]", "catalog-curator"))
    text = "Weekly report, quoting a paper:\n/remove 2404.14469"
    outcome = handle(github, arxiv, taxonomy, text, user="Catalog-Curator", settings=settings)
    assert outcome.ignored.startswith("written by a bot") and not github.pulls()


def test_an_issue_the_bot_opened_itself_is_never_read_as_commands(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """With a machine user's token the bot's login is in no bot list; an issue it opened (a report
    quoting paper titles) must not run the commands its text happens to hold."""
    machine_user = "list-curator"
    github.tokens = {
        token: machine_user if login == BOT_LOGIN else login for token, login in github.tokens.items()
    }
    outcome = handle(
        github,
        arxiv,
        taxonomy,
        "New topics:\n/add 2405.13786 kv-cache",
        user=machine_user,
        name="issues.opened",
    )
    assert not github.pulls() and arxiv.asked == [] and outcome.exit_code == 0
    assert not [r for r in outcome.replies if r.kind == "add_done"]


def test_a_command_by_the_tokens_own_login_is_ignored_and_the_log_says_why(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A maintainer who stored their own token as CATALOG_BOT_TOKEN saw their `/add` go
    unanswered, and the workflow's log said "no unanswered command on the issue": what the token's
    login writes is never a command (the bot's own reports quote papers' text)."""
    github.tokens = {token: MAINTAINER_LOGIN for token in github.tokens}
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=MAINTAINER_LOGIN)
    assert outcome.ignored is not None and outcome.ignored.startswith(
        f"written by {MAINTAINER_LOGIN}, the login of the bot's token: its comments are never commands"
    )
    assert "docs/adopt.md" in outcome.ignored
    assert not github.pulls() and arxiv.asked == [] and github.writes() == 0
    # the bot's own status comment, edited by a machine user, is no such mistake
    status_text = f"<!-- catalog-bot:{MARKER_KIND} {{}} -->\n- `/add 2405.13786 kv-cache`: done"
    outcome = handle(github, arxiv, taxonomy, status_text, user=MAINTAINER_LOGIN, serial=1)
    assert outcome.ignored == "no unanswered command on the issue"


def test_comments_without_commands_cost_nothing(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, "Great paper! Maybe someone should\n> /add 2405.13786 kv-cache")
    assert outcome.ignored == "no unanswered command on the issue"
    assert github.writes() == 0 and github.reactions == [] and arxiv.asked == []
    assert github.counts == {
        "POST /graphql": 1,
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
    }


def test_arxiv_answering_503_then_200(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    arxiv.failures = [503]
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done"] and outcome.exit_code == 0
    assert arxiv.asked == [["2405.13786"], ["2405.13786"]]


def test_arxiv_down_changes_nothing_and_says_so(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    arxiv.failures = [503, 503, 503]
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [r.kind for r in outcome.replies] == ["source_failed"] and outcome.exit_code == 1
    assert not github.pulls() and len(arxiv.asked) == 3
    assert (
        "arXiv did not answer, so arXiv 2405.13786 was not looked up and nothing was changed. Post the "
        "command again in a few minutes. (Details: the arXiv API"
    ) in status(github)
    assert "after 3 attempts \\(last: HTTP 503\\)" in status(github)  # escaped markdown


def test_reissuing_a_command_updates_the_same_pr_and_the_same_comment(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    first = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    number = pull(github, "bot/arxiv-2405.13786").number
    github.reset_counts()
    redelivered = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")  # the same event again
    assert redelivered.ignored == "no unanswered command on the issue"  # it was answered once
    assert github.writes() == 0 and status(github) == first.body
    again = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", serial=1)  # credits the new comment
    assert [r.data["result"] for r in again.replies] == ["updated"]
    assert "#issuecomment-492700401" in pull(github, "bot/arxiv-2405.13786").body
    moved = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", serial=2)
    assert [r.data["result"] for r in moved.replies] == ["updated"]
    assert [p.number for p in github.pulls()] == [number]
    item = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "decoding"
    assert len(bot_comments(github)) == 1
    assert f"updated [#{number}]" in status(github) and "which now adds" in status(github)


def test_an_add_racing_another_writer_on_its_branch_is_redone_once_on_the_new_head(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Refresh (or a maintainer) moves the PR's branch between the /add run's read and its write:
    the compare-and-swap refuses, the run reads the branch again and rebuilds from there, once.
    Before, the run gave up: a "could not be updated" reply and a failed workflow."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    branch = "bot/arxiv-2405.13786"
    github.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/git/commits",
        lambda: github.push("NOTE.md", "another writer\n", branch=branch, message="another writer"),
    )
    github.reset_counts()
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", serial=1)
    assert [(r.kind, r.data.get("result")) for r in outcome.replies] == [("add_done", "updated")]
    assert outcome.exit_code == 0 and not github.violations
    assert github.counts["POST /graphql mutation"] == 2  # refused once, then moved from the new head
    item = catalog_on(github, branch, taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "decoding"
    assert github.git.commits[github.head(branch)].parents == [github.head()]


def test_an_add_whose_branch_keeps_moving_gives_up_with_a_clear_reply(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Moved again before the redo lands: the other writer's commit is kept and the reply says
    what happened (no third try, no partial state)."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    branch = "bot/arxiv-2405.13786"
    github.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/git/commits",
        lambda: github.push("NOTE.md", github.head(branch), branch=branch, message="another writer"),
        times=2,
    )
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", serial=1)
    assert [r.kind for r in outcome.replies] == ["forge_failed"] and outcome.exit_code == 1
    assert github.git.commits[github.head(branch)].message.startswith("another writer")
    assert "moved while this run rebuilt it" in status(github) and not github.violations


def test_a_command_on_a_bot_prs_own_page_updates_that_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A pull request is an issue: GitHub sends its comments as issue_comment events whose issue
    is the PR. A maintainer following the PR body's hint there updates the PR itself."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    pr = pull(github, "bot/arxiv-2405.13786")
    outcome, url = handle_on_pull(github, arxiv, taxonomy, pr.number, "/add 2405.13786 decoding")
    assert [(r.kind, r.data["result"]) for r in outcome.replies] == [("add_done", "updated")]
    assert [p.number for p in github.pulls()] == [pr.number]
    item = catalog_on(github, pr.head, taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "decoding"
    assert f"in {url}" in pull(github, pr.head).body
    [on_pr] = [c.body for c in github.issue_comments(pr.number) if c.user == BOT_LOGIN]
    assert f"updated [#{pr.number}]" in on_pr


def test_the_poll_jobs_section_hint_is_a_command_that_works_on_its_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A poll-job PR unsure of its section says which command changes it; posted on that PR, the
    command moves the entry within the PR (``/move`` only moves entries already in the catalog)."""
    paper = arxiv.lookup().lookup(["2405.13786"])["2405.13786"].paper
    assert paper is not None
    proposal = Proposal(paper, paper_entry(paper), "kv-cache", needs_section=True)
    forge = forge_for(github)
    forge.propose(change_request(proposal, taxonomy, SETTINGS.catalog_path, SETTINGS.branches))
    pr = pull(github, "bot/arxiv-2405.13786")
    [hint] = re.findall(r"comment `(/\w+ 2405.13786 <section>)`", pr.body)
    outcome, _url = handle_on_pull(github, arxiv, taxonomy, pr.number, hint.replace("<section>", "decoding"))
    assert [(r.kind, r.data["result"]) for r in outcome.replies] == [("add_done", "updated")]
    item = catalog_on(github, pr.head, taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "decoding" and len(github.pulls()) == 1


def handle_on_pull(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, number: int, text: str
) -> tuple[CommandRun, str]:
    """A maintainer's comment on pull request ``number``'s page (an issue_comment event whose issue
    is the PR); returns the run and the comment's link."""
    data = payload("issue_comment.created", text, MAINTAINER_LOGIN, serial=7)
    data["issue"].update(number=number, html_url=pr_url(github, number), pull_request={})
    data["comment"]["html_url"] = f"{pr_url(github, number)}#issuecomment-{data['comment']['id']}"
    event = read_event("issue_comment", data)
    assert event is not None and event.comment_id is not None
    now = github.now()
    github.comments[event.comment_id] = IssueComment(
        event.comment_id, number, text, MAINTAINER_LOGIN, now, now
    )
    forge = forge_for(github)
    return run(event, forge, forge, arxiv.lookup(), taxonomy, SETTINGS), event.source_url


def test_a_hostile_comment_is_only_data(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, tmp_path: Path
) -> None:
    marker = markers.make(MARKER_KIND, {"pending": [{"arxiv_id": "2404.14469"}]})
    canary = tmp_path / "pwned"
    text = "\n".join(
        [
            f"/add 2405.13786 $(touch {canary}) `touch {canary}`; ${{{{ secrets.GITHUB_TOKEN }}}} @everyone",
            "/add 2405.13786 kv-cache code=javascript:alert(1)",
            "/add 2405.13786 kv-cache code=https://evil.example/x",
            f"/add 2405.13786 <img src=x onerror=alert(1)> {marker} ``` `` ` ",
            "/remove 2404.14469 @maintainer",
        ]
    )
    outcome = handle(github, arxiv, taxonomy, text, user=OUTSIDER)
    # the <img> tag and the marker are HTML, not text: that /add names no section
    assert [r.kind for r in outcome.replies] == [
        "unknown_section",
        "bad_code",
        "bad_code",
        "no_section",
        "not_allowed",
    ]
    assert not canary.exists() and not github.pulls() and arxiv.asked == []
    body = status(github)
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", body)
    assert "<img" not in outside_code and "$(touch" not in outside_code
    assert body.count("<!-- catalog-bot:command-status") == 1
    stored = markers.find(body, MARKER_KIND)
    assert stored is not None and stored["pending"] == [] and stored["pulls"] == []
    assert "@everyone" not in body and "@maintainer" not in body  # only the requester is mentioned
    assert "@someone" in body
    assert "the code link `javascript:alert(1` is refused: it is not an http(s) link" in body
    assert "only links to github.com, gitlab.com, huggingface.co are accepted" in body


def test_a_command_copied_with_invisible_characters_or_typed_fullwidth_runs(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """What GitHub shows is what runs: a zero-width space copied along, or a command typed with an
    input method's fullwidth forms (no ASCII slash in the whole comment), opens the PR."""
    outcome = handle(github, arxiv, taxonomy, "\u200b／add ２４０５.１３７８６\u200b ｋｖ-ｃａｃｈｅ")
    assert [(r.kind, r.command) for r in outcome.replies] == [("add_done", "`/add 2405.13786 kv-cache`")]
    item = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "kv-cache"


def test_a_hostile_title_becomes_valid_escaped_markdown(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    title = "Fast | [Attention](javascript:alert(1)) *for* `$(rm -rf ~)` \\ <script>x</script> #1 @all"
    arxiv.retitle("2405.13786", title)
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done"]
    new = catalog_on(github, "bot/arxiv-2405.13786", taxonomy)
    item = new.find_by_id("2405.13786")
    assert item is not None and item.entry is not None and item.section == "kv-cache"
    line = new.lines[item.start]
    assert parse_entry(line) == item.entry and "<script>" not in line and "\\[Attention\\]" in line
    assert item.entry.title.startswith("Fast | [Attention](javascript:alert(1)) *for* `(rm -rf ~)`")
    assert len(new.items) == len(catalog_parse.parse(catalog_text(taxonomy), taxonomy).items) + 1
    body = status(github)
    assert "<script>" not in body and "@all" not in body and "\\[Attention\\]" in body


def test_help_lists_commands_and_sections(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    outcome = handle(github, arxiv, taxonomy, "/help", user=OUTSIDER)
    assert (
        outcome.replies == ()
        and github.counts["GET /repos/{owner}/{repo}/collaborators/{username}/permission"] == 0
    )
    body = status(github)
    assert "| `/remove <arXiv id>` | a pull request removing the paper's entry | maintainers |" in body
    assert "| `weight-only` | Quantization › Weight-only Quantization |" in body
    assert "`resources`" not in body  # not a paper section


def test_too_many_ids(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    settings = CommandSettings(max_ids=2)
    outcome = handle(
        github, arxiv, taxonomy, "/add 2405.13786 2005.14124 2204.08348 kv-cache", settings=settings
    )
    assert sorted(r.kind for r in outcome.replies) == ["add_done", "add_done", "too_many"]
    assert arxiv.asked == [["2405.13786", "2005.14124"]]


# -- the job's entry point ------------------------------------------------------------------------------------


def test_main_reads_the_event_file_config_and_environment(
    github: FakeGitHub, arxiv: ArxivAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.__main__ import main

    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config_dir)
    sources = yaml.safe_load((config_dir / "sources.yml").read_text("utf-8"))
    sources["api"].update(query_url=arxiv.url, delay_seconds=0)
    (config_dir / "sources.yml").write_text(yaml.safe_dump(sources), "utf-8")
    settings = yaml.safe_load((config_dir / "github.yml").read_text("utf-8"))
    settings.update(seconds_between_requests=0, seconds_between_writes=0)
    (config_dir / "github.yml").write_text(yaml.safe_dump(settings), "utf-8")
    event_file = tmp_path / "event.json"
    event_file.write_text(
        json.dumps(payload("issue_comment.created", "/add 2405.13786 kv-cache", MAINTAINER_LOGIN))
    )
    post_comment(github, 492700400, "/add 2405.13786 kv-cache", MAINTAINER_LOGIN)
    for key, value in {
        "CATALOG_BOT_CONFIG": str(config_dir),
        "GITHUB_EVENT_NAME": "issue_comment",
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_REPOSITORY": github.repository,
        "GITHUB_API_URL": github.url,
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["handle-event"]) == 0
    assert pull(github, "bot/arxiv-2405.13786").state == "open"
    monkeypatch.setenv("GITHUB_EVENT_NAME", "issues")  # an issues event with action "created": not handled
    assert main(["handle-event"]) == 0


def test_a_refused_reaction_does_not_stop_the_commands(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The 👀 reaction only shows the bot is on it: GitHub refusing it (a 403, a 5xx after the
    retries) does not leave the commands unanswered (the run used to stop there, before any work
    and without a status comment)."""
    github.fail("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 403, times=3)
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [(r.kind, r.data["result"]) for r in outcome.replies] == [("add_done", "opened")]
    assert outcome.exit_code == 0 and "✅ `/add 2405.13786 kv-cache`: opened" in status(github)


def test_a_refused_write_leaves_no_branch_and_says_so(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    github.fail(
        "POST",
        "/repos/{owner}/{repo}/git/trees",
        status=403,
        message="Resource not accessible by integration",
        when=lambda body: "2405.13786" in json.dumps(body),
    )  # the /add's commit only
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache\n/remove 2404.14469")
    assert [r.kind for r in outcome.replies] == ["forge_failed", "remove_done"] and outcome.exit_code == 1
    assert github.branches() == ["bot/remove-2404.14469", "master"]
    assert "the pull request for arXiv 2405.13786 could not be opened or updated" in status(github)
    assert "Resource not accessible by integration" in status(github)


def _router_failing(catalog: Any, papers: Any) -> Any:
    raise BotError("the scorer could not be trained: config/keywords.yml is empty")


def _router_crashing(catalog: Any, papers: Any) -> Any:
    raise RuntimeError("a bug in the scorer")


@pytest.mark.parametrize(
    "router, reason",
    [
        (_router_failing, "config/keywords.yml is empty"),
        (_router_crashing, "RuntimeError: a bug in the scorer"),
        (
            lambda catalog, papers: [("gone", None, 0.9, False)] * len(papers),
            "it chose 'gone', which config/",
        ),
        (lambda catalog, papers: [("resources", None, 0.9, False)] * len(papers), "lists tools, not papers"),
    ],
)
def test_a_routing_failure_is_answered_per_command_and_leaves_no_branch(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, router: Router, reason: str
) -> None:
    text = "/move 2210.17323 pruning\n/add 2405.13786\n/add 2005.14124 decoding"
    outcome = handle(github, arxiv, taxonomy, text, router=router)
    assert [r.kind for r in outcome.replies] == ["move_done", "route_failed", "add_done"]
    assert outcome.exit_code == 1
    assert github.branches() == ["bot/arxiv-2005.14124", "bot/move-2210.17323", "master"]
    body = status(github)
    assert (
        "⚠️ `/add 2405.13786`: the bot could not choose a section for Towards Explainable Test Case "
        "Prioritisation with Learning-to-Rank Models (arXiv 2405.13786), so nothing was opened for it. "
        "Name one: `/add 2405.13786 <section>`"
    ) in body and reason in body
    stored = markers.find(body, MARKER_KIND)
    assert stored is not None and [p["action"] for p in stored["pulls"]] == ["move", "add"]
    # answered once: the maintainer names a section in a new comment
    named = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", serial=1, router=router)
    assert [r.kind for r in named.replies] == ["add_done"] and named.exit_code == 0


def test_a_missing_catalog_is_reported_not_guessed(arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    with FakeGitHub(
        owner="Codertocat", name="Hello-World", default_branch="master", files={"README.md": "hi"}
    ) as fake:
        fake.add_issue("Add a paper", "", user=OUTSIDER)
        outcome = handle(fake, arxiv, taxonomy, "/add 2405.13786 kv-cache")
        assert outcome.exit_code == 1 and not fake.pulls() and arxiv.asked == []
        assert "catalog.md is missing on the default branch" in status(fake)
        assert "catalog\\` in config/poll.yml" in status(fake)  # not the deprecated commands.yml key
        assert not fake.violations


# -- a run that stops midway --------------------------------------------------------------------


TWO_EDITS = "/remove 2404.14469\n/move 2210.17323 kv-cache"


def test_a_status_comment_github_refuses_after_the_prs_names_them_and_the_next_run_updates_them(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Once the first PR is open, GitHub fails listing the issue's comments (every retry), so the
    status comment cannot be written: the error names both PRs, and the next event's run finds
    them (their bodies link this issue) and updates them instead of calling them another's."""
    github.fail_after(
        ("POST", "/repos/{owner}/{repo}/pulls"),
        "GET",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
        times=4,
    )
    with pytest.raises(BotError) as stopped:
        handle(github, arxiv, taxonomy, TWO_EDITS)
    message = str(stopped.value)
    assert "the status comment on #1 could not be written" in message
    assert re.search(
        r"this run already opened \[#\d+\]\(.*\) \(`/remove 2404\.14469`\), opened \[#\d+\]", message
    )
    assert "run again on the issue's next event" in message and not bot_comments(github)
    numbers = sorted(p.number for p in github.pulls())
    assert len(numbers) == 2
    again = handle(github, arxiv, taxonomy, "thanks", serial=1)  # any next event on the issue
    assert [r.kind for r in again.replies] == ["remove_done", "move_done"] and again.exit_code == 0
    assert {r.data["result"] for r in again.replies} <= {"updated", "unchanged"}  # the same PRs
    assert sorted(p.number for p in github.pulls()) == numbers and "not opened from this issue" not in status(
        github
    )


def test_a_run_that_stops_after_opening_a_pr_says_what_it_did(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot error after some PRs were written (any step of the run: here raised once the real
    commands are done) is no 'nothing was changed': the reply names the PRs, which are recorded
    as this issue's, so the next run updates them; the run exits 1."""
    from bot import jobs
    from bot.jobs.commands import handlers

    def act_then_fail(*args: Any) -> None:
        handlers.act(*args)
        raise BotError("GitHub: listing the open pull requests failed (502)")

    monkeypatch.setattr(jobs.commands, "act", act_then_fail)
    outcome = handle(github, arxiv, taxonomy, TWO_EDITS)
    assert outcome.exit_code == 1 and [r.kind for r in outcome.replies] == ["failed"]
    body = status(github)
    assert "nothing was changed" not in body and "The bot stopped before it finished the commands" in body
    assert re.search(r"It had already opened \[#\d+\]\(.*\) \(`/remove 2404\.14469`\), opened \[#\d+\]", body)
    assert "listing the open pull requests failed" in body
    monkeypatch.undo()
    again = handle(github, arxiv, taxonomy, "thanks", serial=1)
    assert [r.kind for r in again.replies] == ["remove_done", "move_done"] and again.exit_code == 0
    assert {r.data["result"] for r in again.replies} <= {"updated", "unchanged"} and len(github.pulls()) == 2


def test_a_run_that_cannot_start_still_says_nothing_was_changed(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    github.fail(
        "GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", status=403, message="nope"
    )
    outcome = handle(github, arxiv, taxonomy, TWO_EDITS)
    assert outcome.exit_code == 1 and not github.pulls()
    assert "The bot could not run the commands, so nothing was changed" in status(github)


def test_a_command_full_of_broken_ids_gets_a_few_lines(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Each malformed id got its own answer line: one comment of broken ids (hundreds per line)
    filled the status comment and pushed out every earlier answer, its own included."""
    line = "/add " + " ".join(f"1{i:03d}.1" for i in range(300))
    outcome = handle(github, arxiv, taxonomy, line[:1999], user=OUTSIDER)
    assert [r.kind for r in outcome.replies] == ["malformed"] * 5
    body = status(github)
    assert (
        "`1004.1` is not an arXiv id, nor are " in body
        and "more words of this command that look like one" in body
    )
    assert "Older answers were removed" not in body


def test_a_code_link_with_a_bracket_in_its_host_is_refused(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """``urlsplit`` raises ValueError on ``[`` in a host: anyone's ``code=https://github.com[/o/r``
    stopped the job with a traceback (exit 3, no answer), and every later run on the issue read
    the comment again. It is a refused code link, as any other host."""
    outcome = handle(
        github, arxiv, taxonomy, "/add 2405.13786 kv-cache code=https://github.com[/o/r", user=OUTSIDER
    )
    assert outcome.exit_code == 0 and [r.kind for r in outcome.replies] == ["bad_code"]
    assert "only links to github.com, gitlab.com, huggingface.co are accepted" in status(github)
