"""The issue commands' pure helpers (code spans, fences, code links, events), what the status
comment remembers between runs, and what docs/commands.md shows of it."""

from __future__ import annotations

import re

import pytest

from bot.core import markers
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands import (
    MARKER_KIND,
    code_span,
    fenced,
    normalize_code_url,
    read_event,
    run,
    safe_text,
    state_from_data,
)
from tests.conftest import PROJECT
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub, forge_for
from tests.golden_files import assert_shown_in_docs
from tests.jobs.commands.helpers import (
    OUTSIDER,
    SETTINGS,
    ArxivAPI,
    handle,
    payload,
    post_comment,
    pr_url,
    pull,
    status,
    waiting_tags,
)

# -- pure helpers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span",
    [
        ("/add 2405.00732", "`/add 2405.00732`"),
        ("a `b` c", "``a `b` c``"),
        ("`x`", "`` `x` ``"),
        ("a\nb", "`a b`"),
        ("<!-- x --> @you", "`<!\u200b-- x -\u200b-> @\u200byou`"),
    ],
)
def test_code_span(text: str, span: str) -> None:
    assert code_span(text) == span


def test_fenced_blocks_cannot_be_closed_from_inside() -> None:
    assert fenced("- [a ```` b](u)") == "`````markdown\n- [a ```` b](u)\n`````"
    assert safe_text("a <b> [c] @d") == "a \\<b\\> \\[c\\] @\u200bd"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/IST-DASLab/gptq", ("https://github.com/IST-DASLab/gptq", None)),
        ("http://www.github.com/o/r.git/", ("https://github.com/o/r", None)),
        ("https://huggingface.co/spaces/o/demo", ("https://huggingface.co/spaces/o/demo", None)),
        ("https://gitlab.com/group/sub/project", ("https://gitlab.com/group/sub/project", None)),
        ("javascript:alert(1)", (None, "not_http")),
        ("https://evil.example/o/r", (None, "host")),
        ("https://github.com.evil.example/o/r", (None, "host")),
        ("https://user:pw@github.com/o/r", (None, "credentials")),
        ("https://github.com:8443/o/r", (None, "credentials")),
        ("https://github.com/o/r?x=1", (None, "query")),
        ("https://github.com/o", (None, "not_repository")),
        ("https://github.com/o/r)[x](y", (None, "not_repository")),
        ("https://github.com/" + "a" * 200, (None, "too_long")),
    ],
)
def test_code_links(url: str, expected: tuple[str | None, str | None]) -> None:
    assert normalize_code_url(url, SETTINGS.code_hosts) == expected


def test_stored_state_keeps_only_well_formed_records(taxonomy: Taxonomy) -> None:
    line = "- [T](https://arxiv.org/abs/2405.13786) - A · arXiv 2405.13786 · May 2024"
    good = {
        "arxiv_id": "2405.13786",
        "section": "kv-cache",
        "subsection": None,
        "code_url": "",
        "requested_by": "someone",
        "request_url": "https://github.com/o/r/issues/1",
        "line": line,
    }
    data = {
        "pending": [
            good,
            {**good, "section": "nope"},
            {**good, "arxiv_id": "x"},
            {**good, "line": "junk"},
            {**good, "code_url": "https://evil.example/o/r"},
            {**good, "code_url": 5},
            {**good, "request_url": "javascript:x"},
            {**good, "subsection": 3},
            "junk",
        ],
        "pulls": [
            {"number": 3, "url": "https://github.com/o/r/pull/3", "action": "add", "arxiv_id": "2405.13786"},
            {"number": "x"},
            {"number": 4, "url": "u", "action": "add", "arxiv_id": "2405.13786"},
            {
                "number": 5,
                "url": "https://github.com/o/r/pull/5",
                "action": "merge",
                "arxiv_id": "2405.13786",
            },
            {"number": 6, "url": "https://github.com/o/r/pull/6", "action": "add", "arxiv_id": "2405.13786"}
            | {"tag": "not a tag"},
            {"number": 7, "url": "https://github.com/o/r/pull/7", "action": "add", "arxiv_id": "2405.13786"}
            | {"tag": "0badc0de"},
        ],
    }
    state = state_from_data(data, taxonomy, SETTINGS.code_hosts)
    assert [p.arxiv_id for p in state.pending] == ["2405.13786"] and [p.number for p in state.pulls] == [3, 7]
    assert [p.tag for p in state.pulls] == ["", "0badc0de"]
    assert state_from_data(None, taxonomy, SETTINGS.code_hosts).to_data() == {
        "pending": [],
        "pulls": [],
        "answered": {},
        "before": 0,
    }
    assert state_from_data(
        {"pending": 5, "pulls": {"a": 1}}, taxonomy, SETTINGS.code_hosts
    ) == state_from_data({}, taxonomy, SETTINGS.code_hosts)


def test_unhandled_events_and_bad_payloads() -> None:
    data = payload("issue_comment.created", "/help", OUTSIDER)
    assert read_event("issue_comment", {**data, "action": "deleted"}) is None
    assert read_event("push", data) is None
    with pytest.raises(Exception, match="payload lacks"):
        read_event("issue_comment", {"action": "created", "issue": {}})
    edited = payload("issues.edited", "/help", OUTSIDER)
    edited["changes"] = {"title": {"from": "old"}}
    event = read_event("issues", edited)
    assert event is not None and not event.body_changed


def test_an_issue_transferred_here_is_answered(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """An issue moved from another repository arrives as "opened" with ``changes`` naming its old
    issue and repository (as GitHub sends it); its body is new here, so its commands are read."""
    data = payload("issues.opened", "/help", OUTSIDER)
    data["changes"] = {
        "old_issue": {"number": 1, "html_url": "https://github.com/octo-org/hello-world-npm/issues/1"},
        "old_repository": {"full_name": "octo-org/hello-world-npm"},
    }
    event = read_event("issues", data)
    assert event is not None and event.body_changed
    github.issues[event.issue_number].body = event.text
    forge = forge_for(github)
    outcome = run(event, forge, forge, arxiv.lookup(), taxonomy, SETTINGS)
    assert not outcome.ignored and "/add" in status(github)


# -- what the status comment remembers -------------------------------------------------------------------------


def test_a_status_comment_from_before_answers_were_recorded_runs_nothing_old_again(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    post_comment(github, 492700300, "/remove 2404.14469", MAINTAINER_LOGIN)  # answered by the old bot
    old_status = (
        markers.make(MARKER_KIND, {"pending": [], "pulls": []}) + "\n@maintainer, about your comment: ..."
    )
    github.add_comment(1, old_status, user=BOT_LOGIN)
    post_comment(
        github, 492700500, "/add 2405.13786 kv-cache", MAINTAINER_LOGIN
    )  # a later comment, run queued
    outcome = handle(github, arxiv, taxonomy, "/move 2210.17323 pruning")
    assert [r.kind for r in outcome.replies] == ["move_done", "add_done"]
    assert [p.head for p in github.pulls()] == ["bot/move-2210.17323", "bot/arxiv-2405.13786"]
    stored = markers.find(status(github), MARKER_KIND)
    assert stored is not None and stored["before"] == 492700300
    assert sorted(stored["answered"]) == ["c492700400", "c492700500", "issue"]


def test_revision_tags_change_with_the_request_only(taxonomy: Taxonomy) -> None:
    from bot.jobs.commands import IssueState, Pending

    line = "- [T](https://arxiv.org/abs/2405.13786) - A · arXiv 2405.13786 · May 2024"
    request = Pending("2405.13786", "kv-cache", None, "", "someone", "https://github.com/o/r/issues/1", line)
    first = IssueState().with_pending(request)
    [tag] = [p.tag for p in first.pending]
    assert re.fullmatch(r"[0-9a-f]{8}", tag)
    assert [p.tag for p in first.with_pending(request).pending] == [tag]  # the same request, the same tag
    reposted = Pending(
        **{**vars(request), "requested_by": "other", "request_url": "https://github.com/o/r/2"}
    )
    assert first.with_pending(reposted) == first  # posted again (by anyone): nothing changes
    moved = first.with_pending(Pending(**{**vars(request), "section": "decoding"}))
    assert [p.tag for p in moved.pending] != [tag] and len(moved.pending) == 1
    assert moved.without_tag(tag) == moved and moved.without_tag(moved.pending[0].tag).pending == ()


def test_the_same_add_posted_again_keeps_its_revision_tag(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = "/add 2405.13786 kv-cache code=https://github.com/octo/xtcp"
    handle(github, arxiv, taxonomy, text, user=OUTSIDER)
    first = markers.find(status(github), MARKER_KIND)
    assert first is not None
    again = handle(github, arxiv, taxonomy, text, user=OUTSIDER, serial=1)  # a new comment, same request
    [tag] = waiting_tags(github)
    assert [p["tag"] for p in first["pending"]] == [tag]
    assert [r.data["tag"] for r in again.replies] == [tag]
    stored = markers.find(status(github), MARKER_KIND)
    assert stored is not None and stored["pending"] == first["pending"]  # twice == once
    approved = handle(github, arxiv, taxonomy, f"/approve {tag}", serial=2)
    assert [r.kind for r in approved.replies] == ["add_done"]
    pr = pull(github, "bot/arxiv-2405.13786")
    github.reset_counts()
    # posted again once the PR is open: the PR already is that revision, nothing new waits
    reposted = handle(github, arxiv, taxonomy, text, user=OUTSIDER, serial=3)
    assert [(r.kind, r.data["result"], r.data["tag"]) for r in reposted.replies] == [
        ("add_done", "unchanged", tag)
    ]
    assert waiting_tags(github) == set() and pull(github, pr.head).body == pr.body
    assert github.writes() == 2  # the eyes reaction and the status comment: the PR is untouched
    assert f"[#{pr.number}]({pr_url(github, pr.number)}) already adds" in status(github)


def test_answer_records_are_folded_into_a_watermark_when_they_grow(taxonomy: Taxonomy) -> None:
    from bot.jobs.commands import IssueState

    state = IssueState()
    for n in range(1, 9):
        state = state.with_answered(f"c{n}", ["0" * 12])
    state = state.with_answered("issue", ["1" * 12]).compacted()
    assert state.before == 4 and sorted(state.answered) == ["c5", "c6", "c7", "c8", "issue"]
    assert state.is_answered("c2", "f" * 12) and not state.is_answered("c9", "0" * 12)
    assert state.is_answered("issue", "1" * 12) and not state.is_answered("issue", "0" * 12)


# -- what docs/commands.md shows ---------------------------------------------------------------------------


def as_documented(github: FakeGitHub, tags: set[str]) -> str:
    """The status comment as docs/commands.md shows it: without its hidden state marker (the first
    line), the random revision tags as ``XXXXXXXX``, the fake's address as github.com."""
    marker, body = status(github).split("\n", 1)
    assert marker.startswith(f"<!-- catalog-bot:{MARKER_KIND} ")
    for tag in tags:
        body = body.replace(tag, "XXXXXXXX")
    return body.replace(github.url, "https://github.com")


def test_the_docs_show_a_request_and_its_approval_as_github_shows_them(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """docs/commands.md includes the status comment after someone's /add (tests/golden/
    commands-pending.md), and after a maintainer's bare /approve and /approve <tag>
    (commands-approved.md)."""
    text = "/add https://arxiv.org/abs/2405.13786 kv-cache code=https://github.com/octo/xtcp"
    handle(github, arxiv, taxonomy, text, user=OUTSIDER)
    [tag] = waiting_tags(github)
    preview = as_documented(github, {tag})
    assert "would go to **KV Cache Compression**" in preview and "**Waiting for a maintainer's" in preview
    assert_shown_in_docs("commands.md", "commands-pending.md", preview)

    handle(github, arxiv, taxonomy, "/approve", user=MAINTAINER_LOGIN, serial=1)
    handle(github, arxiv, taxonomy, f"/approve {tag}", user=MAINTAINER_LOGIN, serial=2)
    approved = as_documented(github, {tag})
    assert "name the revision you reviewed" in approved
    assert "**Pull requests from this issue:** [#2](https://github.com/" in approved
    assert_shown_in_docs("commands.md", "commands-approved.md", approved)


def test_the_docs_show_a_request_changed_after_its_preview(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """docs/commands.md includes the status comment after someone changed their request and a
    maintainer approved the revision they had reviewed (tests/golden/commands-changed.md)."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER)
    [reviewed] = waiting_tags(github)
    code = "code=https://github.com/mallory/backdoor"
    handle(github, arxiv, taxonomy, f"/add 2405.13786 decoding {code}", user=OUTSIDER, serial=1)
    [changed] = waiting_tags(github)
    outcome = handle(github, arxiv, taxonomy, f"/approve {reviewed}", user=MAINTAINER_LOGIN, serial=2)
    assert [r.kind for r in outcome.replies] == ["approve_stale"] and not github.pulls()
    assert reviewed != changed
    text = as_documented(github, {reviewed, changed})
    assert "no request with revision `XXXXXXXX` is waiting" in text
    assert_shown_in_docs("commands.md", "commands-changed.md", text)


def test_the_docs_show_a_teach_reply_and_its_pull_request(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """docs/commands.md includes the status comment after a maintainer's /teach (tests/golden/
    commands-teach.md) and the body of the pull request it opens (commands-teach-pr.md), which say
    how broad the term is in the fixture project's background."""
    github.push("config/keywords.yml", (PROJECT / "config" / "keywords.yml").read_text(encoding="utf-8"))
    handle(github, arxiv, taxonomy, '/teach "long context" kv-cache')
    reply = as_documented(github, set())
    assert "older papers of the fixed background say it" in reply
    assert_shown_in_docs("commands.md", "commands-teach.md", reply)
    [pr] = [p for p in github.pulls() if p.head == "bot/teach-long-context"]
    assert pr.title == "Teach the keyword rules: long context (kv-cache)"
    assert_shown_in_docs(
        "commands.md", "commands-teach-pr.md", pr.body.replace(github.url, "https://github.com")
    )
