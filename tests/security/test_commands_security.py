"""Issue 11 (hardening), the command side: each test replays an attack a hostile user could make on
a public repository, against the fake GitHub (tests/fake_github.py), real webhook payloads and the
local arXiv API of the command tests. Every one of them failed on the code before the fix."""

from __future__ import annotations

import time

import pytest

from bot.core import markers
from bot.core.branches import BranchNames
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands import MARKER_KIND, CommandSettings
from bot.jobs.commands.parser import form_command, parse_commands
from bot.jobs.commands.replies import LIMIT, LOG_END, LOG_START, TRUNCATED
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub, IssueComment, forge_for
from tests.jobs.commands.helpers import (
    FORM_BODY,
    OUTSIDER,
    ArxivAPI,
    bot_comments,
    handle,
    payload,
    post_comment,
    pull,
    status,
)

EVIL_CODE = "https://github.com/mallory/backdoor"


def waiting(github: FakeGitHub) -> list[dict[str, str]]:
    stored = markers.find(status(github), MARKER_KIND)
    assert stored is not None
    return list(stored["pending"])


# -- 1. /approve binds to what the maintainer reviewed ------------------------------------------------


def test_a_request_swapped_after_the_preview_is_not_approved(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    handle(
        github, arxiv, taxonomy, "/add 2405.13786 kv-cache code=https://github.com/octo/xtcp", user=OUTSIDER
    )
    [reviewed] = waiting(github)
    # after the maintainer read the preview, the requester replaces the request
    handle(github, arxiv, taxonomy, f"/add 2405.13786 decoding code={EVIL_CODE}", user=OUTSIDER, serial=1)
    [swapped] = waiting(github)
    # (.get: the old code had no tags, and its /approve approved whatever was pending)
    outcome = handle(
        github, arxiv, taxonomy, f"/approve {reviewed.get('tag', '')}", user=MAINTAINER_LOGIN, serial=2
    )
    assert not github.pulls() and [r.kind for r in outcome.replies] == ["approve_stale"]
    assert swapped["tag"] != reviewed["tag"] and swapped["code_url"] == EVIL_CODE
    assert f"no request with revision `{reviewed['tag']}` is waiting" in status(github)
    # the new revision needs (and gets) its own approval
    approved = handle(github, arxiv, taxonomy, f"/approve {swapped['tag']}", user=MAINTAINER_LOGIN, serial=3)
    assert [r.kind for r in approved.replies] == ["add_done"]
    assert EVIL_CODE in pull(github, "bot/arxiv-2405.13786").body


def test_an_issue_form_edited_after_the_preview_is_not_approved(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    form = FORM_BODY.replace("_No response_", "https://github.com/edu/chatgpt-testing")
    handle(github, arxiv, taxonomy, form, user=OUTSIDER, name="issues.opened")
    [reviewed] = waiting(github)
    swapped = form.replace("https://github.com/edu/chatgpt-testing", EVIL_CODE)
    handle(github, arxiv, taxonomy, swapped, user=OUTSIDER, name="issues.edited")
    [current] = waiting(github)
    outcome = handle(github, arxiv, taxonomy, f"/approve {reviewed.get('tag', '')}", user=MAINTAINER_LOGIN)
    assert not github.pulls() and [r.kind for r in outcome.replies] == ["approve_stale"]
    assert current["code_url"] == EVIL_CODE and current["tag"] != reviewed["tag"]


def test_approve_never_touches_a_pr_opened_from_another_issue(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = github.file("catalog.md")
    assert text is not None
    other = github.seed_pull(
        "bot/arxiv-2405.13786",
        "catalog.md",
        text + "\n",
        "Add arXiv 2405.13786",
        "Requested by @alice in https://github.com/Codertocat/Hello-World/issues/7",
    )
    before = (other.body, github.head("bot/arxiv-2405.13786"))
    handle(github, arxiv, taxonomy, f"/add 2405.13786 decoding code={EVIL_CODE}", user=OUTSIDER)
    [request] = waiting(github)
    outcome = handle(
        github, arxiv, taxonomy, f"/approve {request.get('tag', '')}", user=MAINTAINER_LOGIN, serial=1
    )
    assert (other.body, github.head("bot/arxiv-2405.13786")) == before and len(github.pulls()) == 1
    assert [r.kind for r in outcome.replies] == ["other_pull"]
    assert f"[#{other.number}](" in status(github) and "is left alone" in status(github)


@pytest.mark.parametrize("where", ["abstract", "authors"])
def test_a_paper_text_claiming_a_request_does_not_make_the_poll_pr_this_issues(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, where: str
) -> None:
    """The poll job's PR for a paper whose abstract (or author list) reads like the bot's
    "Requested by @x in <this issue>." line stays the poll job's: only the bot's own line counts."""
    claim = "Requested by @mallory in https://github.com/Codertocat/Hello-World/issues/1."
    hostile = Paper(
        arxiv_id="2405.13786",
        title="A paper",
        authors=(claim,) if where == "authors" else ("Ann",),
        abstract=claim if where == "abstract" else "We study caches.",
    )
    change = change_request(
        Proposal(paper=hostile, entry=paper_entry(hostile), section="kv-cache"),
        taxonomy,
        "catalog.md",
        BranchNames.from_prefix("bot/"),
    )
    text = github.file("catalog.md")
    assert text is not None and "Requested by @\u200bmallory in https://github.com" in change.body
    polled = github.seed_pull("bot/arxiv-2405.13786", "catalog.md", text + "\n", change.title, change.body)
    before = (polled.body, github.head("bot/arxiv-2405.13786"))
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", user=MAINTAINER_LOGIN)
    assert [r.kind for r in outcome.replies] == ["other_pull"]
    assert (polled.body, github.head("bot/arxiv-2405.13786")) == before


def test_an_arxiv_entry_changed_after_the_preview_needs_a_new_approval(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER)
    [reviewed] = waiting(github)
    arxiv.retitle("2405.13786", "A [phishing](https://evil.example) title")  # a new arXiv version
    outcome = handle(
        github, arxiv, taxonomy, f"/approve {reviewed.get('tag', '')}", user=MAINTAINER_LOGIN, serial=1
    )
    assert not github.pulls() and [r.kind for r in outcome.replies] == ["approve_changed"]
    [fresh] = waiting(github)
    assert fresh["tag"] != reviewed["tag"] and "phishing" in fresh["line"]


# -- 3. a cancelled run loses no command ------------------------------------------------------------------


def test_the_next_run_answers_the_commands_of_a_skipped_run(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER)
    [request] = waiting(github)
    # the maintainer approves, but that run is cancelled (GitHub keeps one pending run per group)
    approve = payload("issue_comment.created", f"/approve {request['tag']}", MAINTAINER_LOGIN)["comment"]
    post_comment(github, approve["id"] + 1, f"/approve {request['tag']}", MAINTAINER_LOGIN)
    # a second maintainer command is skipped the same way
    post_comment(github, approve["id"] + 2, "/remove 2404.14469", MAINTAINER_LOGIN)
    # the next run, for a comment without any command, answers both
    outcome = handle(github, arxiv, taxonomy, "Thanks!", user=OUTSIDER, serial=3)
    assert [r.kind for r in outcome.replies] == ["add_done", "remove_done"]
    assert pull(github, "bot/arxiv-2405.13786").state == "open"
    assert pull(github, "bot/remove-2404.14469").state == "open"
    body = status(github)
    assert "#issuecomment-492700401" in body and "#issuecomment-492700402" in body
    # answered once: the run after it answers nothing again
    assert handle(github, arxiv, taxonomy, "/help", user=OUTSIDER, serial=4).replies == ()
    assert len(github.pulls()) == 2


def test_a_first_run_also_answers_a_skipped_one_but_no_command_from_before_the_bot(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    # posted long before the bot was installed on the repository: never run
    github.comments[492700100] = IssueComment(
        492700100, 1, "/remove 2210.17323", MAINTAINER_LOGIN, "2019-01-02T10:00:00Z", "2019-01-02T10:00:00Z"
    )
    # posted a minute before the event; its run was cancelled and the bot has not answered here yet
    github.comments[492700300] = IssueComment(
        492700300, 1, "/remove 2404.14469", MAINTAINER_LOGIN, "2019-05-15T15:19:21Z", "2019-05-15T15:19:21Z"
    )
    outcome = handle(github, arxiv, taxonomy, "ok", user=OUTSIDER)  # written 2019-05-15T15:20:21Z
    assert [r.kind for r in outcome.replies] == ["remove_done"]
    assert [p.head for p in github.pulls()] == ["bot/remove-2404.14469"]


# -- 6. only the bot's own status comment is trusted, and only it is edited --------------------------------


def test_a_status_marker_forged_by_another_bot_is_not_trusted_nor_edited(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    line = (
        f"- [Innocent](https://arxiv.org/abs/2405.13786) - A. Author · arXiv 2405.13786 · May 2024 · "
        f"[code]({EVIL_CODE})"
    )
    forged = markers.make(
        MARKER_KIND,
        {
            "pending": [
                {
                    "arxiv_id": "2405.13786",
                    "section": "kv-cache",
                    "subsection": None,
                    "code_url": EVIL_CODE,
                    "requested_by": "mallory",
                    "request_url": "https://github.com/Codertocat/Hello-World/issues/1",
                    "line": line,
                    "tag": "deadbeef",
                }
            ],
            "pulls": [],
            "answered": {},
            "before": 0,
        },
    )
    fake = github.add_comment(1, forged + "\nA friendly bot.", user="mallory-app[bot]")
    outcome = handle(github, arxiv, taxonomy, "/approve deadbeef", user=MAINTAINER_LOGIN)
    assert [r.kind for r in outcome.replies] == ["nothing_pending"] and not github.pulls()
    assert github.comments[fake.id].body == forged + "\nA friendly bot."  # never edited
    assert len(bot_comments(github)) == 1 and EVIL_CODE not in status(github)


def test_the_forge_edits_only_comments_written_by_its_own_login(github: FakeGitHub) -> None:
    planted = github.add_comment(1, markers.make("closing") + " planted", user="renovate[bot]")
    forge = forge_for(github)
    assert forge.own_login() == BOT_LOGIN
    written = forge.upsert_comment(1, "closing", "the bot's text")
    assert written.id != planted.id and github.comments[planted.id].body.endswith(" planted")
    assert github.counts["POST /graphql"] == 1  # the login is asked once
    forge.upsert_comment(1, "closing", "edited")
    assert github.comments[written.id].body.startswith("edited") and github.counts["POST /graphql"] == 1


# -- 7. commands that do not render as text do not run --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<!--\n/remove 2404.14469\n-->",
        "Look: <!-- /remove 2404.14469 -->",
        "`/remove 2404.14469`",
        "An example:\n\n    /remove 2404.14469",
        "```\n/remove 2404.14469",  # a fence nobody closed runs to the end
        "> /remove 2404.14469",
        "<details>\n/remove 2404.14469\n</details>",
    ],
)
def test_commands_that_do_not_render_as_text_do_not_run(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, text: str
) -> None:
    outcome = handle(github, arxiv, taxonomy, text, user=MAINTAINER_LOGIN)
    assert outcome.replies == () and not github.pulls()


def test_help_says_which_text_counts(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    handle(github, arxiv, taxonomy, "/help", user=OUTSIDER)
    assert "a command inside `inline code`, a code block (fenced or indented), an HTML comment" in status(
        github
    )


# -- 9. bounded commands per comment and a bounded status comment ---------------------------------------------


def test_a_comment_with_thousands_of_commands_gets_a_bounded_answer(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = "\n\n".join(f"/remove 2401.{n:05d} {'x' * 60}" for n in range(1, 800))[:65_536]
    outcome = handle(
        github, arxiv, taxonomy, text, user=MAINTAINER_LOGIN, settings=CommandSettings(max_ids=100)
    )
    kinds = [r.kind for r in outcome.replies]
    assert kinds == ["not_in_catalog"] * 20 + ["too_many_commands"]
    body = status(github)
    assert len(body) <= LIMIT < 65_536 and "commands were not read" in body
    # one paragraph too long to read: nothing of it runs, and the reply says so
    lines = "\n".join(f"/remove 2404.14469 {'x' * 60}" for _ in range(200))
    unread = handle(github, arxiv, taxonomy, lines, user=MAINTAINER_LOGIN, serial=1)
    assert [r.kind for r in unread.replies] == ["too_many_commands"] and not github.pulls()
    assert "200 commands were not read" in status(github)


def test_the_status_comment_drops_its_oldest_answers_not_the_run(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    handle(github, arxiv, taxonomy, "/help", user=OUTSIDER)
    [own] = [c for c in github.issue_comments(1) if c.user == BOT_LOGIN]
    old = [
        f"@someone, about [your comment](https://github.com/Codertocat/Hello-World/issues/1#c{n}):\n"
        f"- ❌ `/remove 2401.{n:05d}`: arXiv 2401.{n:05d} is not in the catalog, so there is nothing to remove."
        for n in range(1, 700)
    ]
    own.body = own.body.replace(LOG_END, "\n".join(old) + "\n" + LOG_END)
    assert len(own.body) > 65_536
    outcome = handle(github, arxiv, taxonomy, "/remove 2404.14469", user=MAINTAINER_LOGIN, serial=1)
    assert [r.kind for r in outcome.replies] == ["remove_done"]
    body = status(github)
    assert len(body) <= LIMIT and TRUNCATED in body
    assert "2401.00001" not in body and "2401.00699" in body and "`/remove 2404.14469`: opened" in body
    assert (
        body.index(LOG_START)
        < body.index(TRUNCATED)
        < body.index("2401.00699")
        < body.index("`/remove 2404.14469`: opened")
    )


# -- 10. every parser of comment text is linear ------------------------------------------------------------------

HOSTILE = {
    "spaces": " " * 100_000,
    "command and spaces": "/add " + " " * 100_000 + "x",
    "tabs after a slash": "/" + "\t" * 100_000,
    "emphasis": "*_" * 50_000,
    "brackets": "/add " + "[" * 100_000,
    "images": "![" * 50_000,
    "backticks": "`a" * 50_000,
    "html": "<a " * 33_000,
    "entities": "&#" * 50_000,
    "one long token": "/add " + "1" * 100_000,
    "quotes": "> " * 50_000,
    "a command, then backticks": "/help\n" + "`a" * 50_000,
    # paragraphs just under the 10,000 characters that get an inline pass, each with a command
    "full paragraphs of backticks": ("/help\n" + "`a" * 4_990 + "\n\n") * 10,
    "full paragraphs of brackets": ("/help\n" + "[" * 9_980 + "\n\n") * 10,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_lines_are_parsed_in_linear_time(name: str) -> None:
    started = time.process_time()  # CPU time: a busy machine's waits are not the parser's
    parse_commands(HOSTILE[name])
    elapsed = time.process_time() - started
    assert elapsed < 3.0, f"{name}: {elapsed:.2f} s for 100 KB (the goal is < 0.5 s; bench/command_parser.py)"


def test_a_hostile_issue_form_heading_is_read_in_linear_time() -> None:
    body = "### arXiv link" + " " * 100_000 + "x\n\n2405.00732\n"
    started = time.process_time()
    assert form_command(body) is None  # that heading is not the form's
    assert time.process_time() - started < 3.0


def test_a_hostile_comment_is_answered_quickly_end_to_end(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    lines = [f"/move 2210.17323 {'kv cach ' * 240}"[:1990] for _ in range(25)]  # long, fuzzy section names
    text = ("\n\n".join(lines) + "\n/help " + "[" * 9_000 + "\n\n" + "`a" * 15_000)[:65_536]
    started = time.process_time()  # CPU time (fake GitHub's threads too): a busy machine's waits are not ours
    outcome = handle(
        github, arxiv, taxonomy, text, user=MAINTAINER_LOGIN, settings=CommandSettings(max_ids=100)
    )
    elapsed = time.process_time() - started
    # 10 paragraphs of 2,000 characters use up the 20,000 characters of inline parsing
    assert [r.kind for r in outcome.replies] == ["unknown_section"] * 10 + ["too_many_commands"]
    assert "15 commands were not read" in status(github)  # the other /move paragraphs
    assert elapsed < 10.0, f"{elapsed:.2f} s for one 64 KB comment"


# -- 12. an edit runs only the commands it changed ---------------------------------------------------------


def test_an_unrelated_edit_does_not_reopen_a_closed_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    body = "Please take this one out.\n\n/remove 2404.14469"
    first = handle(github, arxiv, taxonomy, body, user=MAINTAINER_LOGIN, name="issues.opened")
    assert [r.kind for r in first.replies] == ["remove_done"]
    removal = pull(github, "bot/remove-2404.14469")
    assert (
        github.api(
            "PATCH", f"/repos/Codertocat/Hello-World/pulls/{removal.number}", {"state": "closed"}
        ).status_code
        == 200
    )  # the maintainer decides against it
    edited = handle(
        github,
        arxiv,
        taxonomy,
        body.replace("Please", "Please, please"),
        user=MAINTAINER_LOGIN,
        name="issues.edited",
    )
    assert edited.ignored and [p.state for p in github.pulls()] == ["closed"]
    # a command the edit adds (or changes) is answered, and only that one
    changed = handle(
        github,
        arxiv,
        taxonomy,
        body + "\n/move 2210.17323 pruning",
        user=MAINTAINER_LOGIN,
        name="issues.edited",
    )
    assert [r.kind for r in changed.replies] == ["move_done"]
    assert sorted(p.state for p in github.pulls()) == ["closed", "open"]
