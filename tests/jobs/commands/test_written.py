"""The issue commands as people write them: a task list item an issue template made, ids on the
lines under ``/add``, a thank-you emoji, an old-style id a maintainer wrote with its subject
class, a command edited into a comment. Real webhook payloads, the fake GitHub, the local arXiv
API with real recorded entries."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

from bot.core.taxonomy import Taxonomy
from bot.jobs import commands
from bot.jobs.commands import Event, read_event, run
from bot.jobs.commands.paragraphs import MAX_LINE
from bot.jobs.commands.parser import MAX_BELOW, parse_commands
from tests.fake_github import MAINTAINER_LOGIN, FakeGitHub, forge_for
from tests.jobs.commands.helpers import (
    OUTSIDER,
    SETTINGS,
    ArxivAPI,
    catalog_on,
    catalog_text,
    handle,
    payload,
    post_comment,
    pull,
    status,
)


@pytest.mark.parametrize(
    "text, ids",
    [
        # a task list item, as issue templates and GitHub's "Add a task list" button write them
        ("- [ ] /add 2405.00732", ("2405.00732",)),
        ("- [x] **/add 2405.00732**", ("2405.00732",)),
        ("1. [ ] /add 2405.00732", ("2405.00732",)),
        # the ids on the lines under the command, or the items of a list right after it
        ("/add\n2405.00732\n2401.00001", ("2405.00732", "2401.00001")),
        (
            "/add kv-cache\n- 2405.00732\n- https://arxiv.org/abs/2401.00001v2 (ours)",
            ("2405.00732", "2401.00001"),
        ),
        ("/add:\n\n1. arXiv:2405.00732\n2. `2401.00001`", ("2405.00732", "2401.00001")),
        ("- /add\n  - 2405.00732\n  - 2401.00001", ("2405.00732", "2401.00001")),
        ("/add 2405.00732\n2401.00001", ("2405.00732", "2401.00001")),
        # a command that names no id reads the paragraph after a blank line (it has to)
        ("/add kv-cache\n\n2405.00732\n2401.00001", ("2405.00732", "2401.00001")),
        ("/add\n\n\n2405.00732 (ours)\n\n2401.00001", ("2405.00732",)),
        ("- /add\n\n  2405.00732", ("2405.00732",)),
        ("/add\n\n2405.00732\n- 2401.00001", ("2405.00732", "2401.00001")),
        # emoji are neither part of an id nor a section
        ("/add 2405.00732🙏", ("2405.00732",)),
        ("/add 2405.00732 🙏", ("2405.00732",)),
        # typographic quotes an editor curls, a PDF's file name, the category a citation gives
        ("/add “2405.00732”", ("2405.00732",)),
        ("/add 2405.00732v2.pdf", ("2405.00732",)),
        ("/add arXiv:2405.00732 [cs.CL] kv-cache", ("2405.00732",)),
        ("/add 2405.00732 cs.LG, 2401.00001 [stat.ML]", ("2405.00732", "2401.00001")),
        # already read as people write them (round 31's walk): case, punctuation, versions, links
        ("/ADD 2405.00732.", ("2405.00732",)),
        ("/add arxiv.org/pdf/2405.00732v2.pdf", ("2405.00732",)),
        ("/add doi.org/10.48550/arXiv.2405.00732", ("2405.00732",)),
        ("/add https://arxiv.org/abs/2405.00732?context=cs.CL", ("2405.00732",)),
        ("/add\u00a02405.\u200b00732\u2060", ("2405.00732",)),
    ],
)
def test_commands_as_templates_and_people_write_them(text: str, ids: tuple[str, ...]) -> None:
    [command] = parse_commands(text)
    assert (command.name, command.ids, command.malformed) == ("add", ids, ())
    assert command.section in (None, "kv-cache")


@pytest.mark.parametrize(
    "text, ids",
    [
        # a line that does not start with an id ends the ids under a command
        ("/add 2405.00732\nthanks! 2401.00001 is the older one", ("2405.00732",)),
        ("/add 2405.00732\n\n2401.00001 is the older one", ("2405.00732",)),  # another paragraph
        ("/add kv-cache\nthanks\n\n2405.00732", ()),  # talk under the command, then a paragraph
        ("/add\n\n> 2405.00732", ()),  # a quote
        ("/add\n\n```\n2405.00732\n```", ()),  # code
        ("/add 2405.00732\n- see also\n- 2401.00001", ("2405.00732",)),
        # a line that says no id the way GitHub shows it: a comment, a link to code
        ("/add 2405.00732\n<!-- 2401.00001 -->", ("2405.00732",)),
        ("/add 2405.00732\nhttps://github.com/o/r", ("2405.00732",)),
    ],
)
def test_only_the_ids_right_under_a_command_are_its_own(text: str, ids: tuple[str, ...]) -> None:
    assert [c.ids for c in parse_commands(text)] == [ids]


def test_a_paragraph_after_a_blank_line_is_read_only_right_under_a_command() -> None:
    """``/add kv-cache``, a blank line, then the ids: GitHub shows them under the command, and an
    ``/add`` without ids can mean nothing else, but they were not read ("no arXiv id found"). Only
    the first paragraph after the command's, and only when the command is its paragraph's last line."""
    assert [c.ids for c in parse_commands("/help\n\n2405.00732")] == [()]
    assert [(c.name, c.ids) for c in parse_commands("/add\n\n/remove 2405.00732\n\n2401.00001")] == [
        ("add", ()),
        ("remove", ("2405.00732",)),
    ]
    [command] = parse_commands("/add kv-cache\n\n2405.00732")
    assert (command.text, command.section) == ("/add kv-cache 2405.00732", "kv-cache")


def test_ids_under_a_command_are_bounded() -> None:
    """A list of thousands of ids under an ``/add``: at most MAX_BELOW are read (the reply then
    says at most ``max_ids`` per comment), and the text quoted in the reply stays a line's length."""
    [command] = parse_commands(
        "/add\n" + "".join(f"- https://arxiv.org/abs/2405.{n:05d}v1\n" for n in range(1, 3000))
    )
    assert len(command.ids) == MAX_BELOW and len(command.text) <= MAX_LINE


def test_a_word_that_starts_with_a_command_name_is_no_command() -> None:
    """``/add-paper 2405.00732`` was an ``/add`` whose section was "-paper" (answered "there is no
    section"): like ``/added``, it names no command of the bot's."""
    assert parse_commands("/add-paper 2405.00732\n/added 2401.00001") == []
    [first] = parse_commands("/add 2405.00732 /remove-it")
    assert (first.ids, first.section) == (("2405.00732",), "/remove-it")


def test_ids_under_a_command_stop_at_the_next_command_and_a_quote_still_runs_nothing() -> None:
    """A quote is what GitHub's "Quote reply" writes: a maintainer quoting an author's ``/add``
    to answer it is not asking again, so it stays no command."""
    first, second = parse_commands("/add\n2405.00732\n/remove 2401.00001\n2402.00001")
    assert (first.ids, second.name, second.ids) == (("2405.00732",), "remove", ("2401.00001", "2402.00001"))
    assert (first.text, second.text) == ("/add 2405.00732", "/remove 2401.00001 2402.00001")
    assert parse_commands("> - [ ] /add 2405.00732\n> 2401.00001") == []
    # a /help takes no ids; a second command on a line (answered, not run) takes none either
    assert [c.ids for c in parse_commands("/help\n2405.00732")] == [()]
    assert [c.ids for c in parse_commands("/add 2405.00732 /add 2401.00001\n2402.00001")] == [
        ("2405.00732",),
        (),
    ]


def test_a_template_checklist_and_ids_under_add_open_their_prs(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """An issue template's task list ("- [ ] /add ...") ran nothing, and the ids listed under an
    ``/add`` were not read ("no arXiv id found")."""
    text = "Please add:\n\n- [ ] /add 2405.13786 kv-cache\n\n/add surveys\n- 2302.03287\n- 1605.08386 🙏"
    outcome = handle(github, arxiv, taxonomy, text)
    assert [(r.kind, r.command) for r in outcome.replies] == [
        ("add_done", "`/add 2405.13786 kv-cache`"),
        ("add_done", "`/add surveys 2302.03287 1605.08386`"),
        ("add_done", "`/add surveys 2302.03287 1605.08386`"),
    ]
    assert arxiv.asked == [["2405.13786", "2302.03287", "1605.08386"]]
    for arxiv_id, section in [
        ("2405.13786", "kv-cache"),
        ("2302.03287", "surveys"),
        ("1605.08386", "surveys"),
    ]:
        item = catalog_on(github, pull(github, f"bot/arxiv-{arxiv_id}").head, taxonomy).find_by_id(arxiv_id)
        assert item is not None and item.section == section


def test_ids_after_a_blank_line_under_add_open_their_prs(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A maintainer's ``/add kv-cache``, a blank line, and the id: answered "no arXiv id found"."""
    outcome = handle(github, arxiv, taxonomy, "/add kv-cache\n\n2405.13786")
    assert [(r.kind, r.command) for r in outcome.replies] == [("add_done", "`/add kv-cache 2405.13786`")]
    assert arxiv.asked == [["2405.13786"]] and pull(github, "bot/arxiv-2405.13786")


@pytest.mark.parametrize(
    "listed, asked", [("math.GT/0309136", "math/0309136"), ("math/0309136", "math.GT/0309136")]
)
def test_a_hand_written_old_style_entry_is_found_by_either_form_of_its_id(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, listed: str, asked: str
) -> None:
    """A maintainer's own entry links the paper with its subject class (arxiv.org/abs/math.GT/…)
    or without it (arXiv:math/…): ``/remove`` and ``/move`` of the other form said "not in the
    catalog" when the entry named the subject class."""
    hand = (
        f"- [Knot Floer homology](https://arxiv.org/abs/{listed}) - P. Ozsváth, Z. Szabó (arXiv:{listed})\n"
    )
    text = catalog_text(taxonomy).replace(
        "## KV Cache Compression\n", f"## KV Cache Compression\n\n{hand}", 1
    )
    assert hand in text
    github.push("catalog.md", text, message="a maintainer's own entry")
    removed = handle(github, arxiv, taxonomy, f"/remove {asked}")
    assert [r.kind for r in removed.replies] == ["remove_done"]
    [opened] = github.pulls("open")
    after = catalog_on(github, opened.head, taxonomy)
    assert hand not in after.render() and after.find_by_id("2404.14469") is not None
    moved = handle(github, arxiv, taxonomy, f"/move {asked} decoding", serial=1)
    assert [r.kind for r in moved.replies] == ["move_done"]
    [move] = [p.head for p in github.pulls("open") if p.head.startswith("bot/move-")]
    item = catalog_on(github, move, taxonomy).find_by_id(listed)
    assert item is not None and item.section == "decoding"
    assert arxiv.asked == []


def test_a_command_edited_into_a_comment_runs_when_it_is_edited(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Fixing a typo in one's ``/add`` ran nothing until somebody commented again: the workflow
    did not run on comment edits (GitHub's ``edited`` payload, the same comment). The edit runs
    what it changed, and only that; an outsider's edited comment is still their request."""
    first = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cahe")
    assert [r.kind for r in first.replies] == ["unknown_section"]
    edited = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", name="issue_comment.edited")
    assert [r.kind for r in edited.replies] == ["add_done"] and pull(github, "bot/arxiv-2405.13786")
    again = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", name="issue_comment.edited")
    assert again.ignored == "no unanswered command on the issue"
    outsider = handle(
        github, arxiv, taxonomy, "/add 2302.03287 kv-cache", OUTSIDER, "issue_comment.edited", 5
    )
    assert [r.kind for r in outsider.replies] == ["pending"] and len(github.pulls()) == 1


@pytest.mark.parametrize("name", ["issue_comment.edited", "issues.edited"])
def test_an_edit_runs_with_the_rights_of_its_author_and_its_editor(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, name: str
) -> None:
    """GitHub lets anyone with write access edit anyone's comment (and issue body). A list that
    keeps its commands to `maintain` and `admin` had a `write` collaborator edit an admin's
    comment into ``/remove``, and the bot opened the pull request as the admin's: the role asked
    was the author's alone. An edit by someone else now needs both roles; the editor's own edit,
    the author's alone."""
    settings = dataclasses.replace(SETTINGS, allowed_roles=("maintain", "admin"))
    github.collaborators["writer"] = "write"
    data = payload(name, "/remove 2404.14469", MAINTAINER_LOGIN)
    data["sender"]["login"] = "writer"
    event = read_event(name.split(".")[0], data)
    assert isinstance(event, Event) and event.author == MAINTAINER_LOGIN
    if event.comment_id is not None:
        post_comment(github, event.comment_id, event.text, MAINTAINER_LOGIN)
    else:
        github.issues[event.issue_number].body = event.text
    forge = forge_for(github)
    outcome = run(event, forge, forge, arxiv.lookup(), taxonomy, settings)
    assert [r.kind for r in outcome.replies] == ["not_allowed"] and not github.pulls()
    own = handle(github, arxiv, taxonomy, "/move 2404.14469 decoding", name=name, settings=settings)
    assert [r.kind for r in own.replies] == ["move_done"]


def test_an_event_the_bot_does_not_handle_names_those_it_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The line said "issue_comment created and issues opened or edited" after round 31 had the
    job run on edited comments too."""
    data = payload("issue_comment.created", "/help", MAINTAINER_LOGIN)
    data["action"] = "deleted"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert commands.main(argparse.Namespace(event_name="issue_comment", event_path=path)) == 0
    assert capsys.readouterr().out == (
        "nothing to do: the bot handles issue_comment created or edited and issues edited or opened\n"
    )


def test_a_comment_edited_in_a_cancelled_run_is_not_its_authors_command(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """GitHub keeps one waiting run per issue: a `write` collaborator's edit of an admin's comment,
    followed by any other event on the issue (the bot's own status comment edit, a comment of
    their own), was answered by the later run, which knew no editor and opened the edited
    ``/remove`` as the admin's. A comment edited since it was posted, not the event's own, has an
    editor the run cannot name: it is answered as no maintainer's, and posted anew it runs."""
    settings = dataclasses.replace(SETTINGS, allowed_roles=("maintain", "admin"))
    github.collaborators["writer"] = "write"
    assert handle(github, arxiv, taxonomy, "Looking at this.", settings=settings).ignored
    comment = max(github.comments.values(), key=lambda c: c.id)
    comment.body, comment.updated_at = "/remove 2404.14469", github.now()  # its run cancelled
    later = handle(github, arxiv, taxonomy, "Done?", "writer", serial=7, settings=settings)
    assert [r.kind for r in later.replies] == ["not_allowed"] and not github.pulls()
    assert "post the command again in a new comment" in status(github)
    again = handle(github, arxiv, taxonomy, "/remove 2404.14469", serial=9, settings=settings)
    assert [r.kind for r in again.replies] == ["remove_done"]  # the admin's own, posted anew
