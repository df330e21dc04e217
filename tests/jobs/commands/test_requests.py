"""The issue commands end to end, what they do: a maintainer's /add, /move, /remove; anyone
else's request previewed, then approved; the issue form. Real webhook payloads, the fake
GitHub that PyGithub talks to over HTTP, a local arXiv API with real recorded entries."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import check_jsonschema
import jsonschema
import pytest
import yaml

from bot import config
from bot.config import load_taxonomy
from bot.core import catalog_parse, markers
from bot.core.catalog_document import render_document
from bot.core.entry import parse_entry, render_entry
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands import (
    MARKER_KIND,
    CommandSettings,
    scorer_router,
)
from bot.jobs.commands.parser import FormLabels, form_command, parse_issue_form
from bot.jobs.commands.replies import where_text
from bot.jobs.commands.section_names import closest_sections, section_named
from tests.conftest import PROJECT
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub, forge_for
from tests.gitrepo import paper_entry as paper
from tests.jobs.commands.helpers import (
    FORM,
    FORM_BODY,
    OUTSIDER,
    ArxivAPI,
    catalog_on,
    catalog_text,
    catalog_url,
    handle,
    line_of,
    payload,
    pr_url,
    pull,
    status,
    waiting_tags,
)

# -- maintainers -----------------------------------------------------------------------------------------


def test_a_maintainers_add_opens_the_same_pr_the_poll_job_would(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, "Thanks!\n\n/add 2405.13786 kv-cache")
    assert outcome.exit_code == 0 and [r.kind for r in outcome.replies] == ["add_done"]
    pr = pull(github, "bot/arxiv-2405.13786")
    assert (
        pr.state == "open"
        and "Requested by @maintainer in https://github.com/Codertocat/Hello-World/issues/1"
        "#issuecomment-492700400"
        in pr.body
    )
    assert "Approved by" not in pr.body  # a maintainer's own /add: no approval to name
    assert {"requested", "section:kv-cache", "catalog-bot"} <= set(pr.labels)
    item = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section == "kv-cache" and item.entry is not None
    assert item.entry.title == "Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"
    assert ("comment", 492700400, "eyes", BOT_LOGIN) in github.reactions
    body = status(github)
    assert f"✅ `/add 2405.13786 kv-cache`: opened [#{pr.number}](" in body
    assert "to **KV Cache Compression**" in body
    assert body.startswith("<!-- catalog-bot:command-status ")
    assert github.file("catalog.md") == catalog_text(taxonomy)  # the default branch is untouched


def test_an_add_without_a_section_is_routed_like_the_poll_job_would(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786", router=scorer_router(taxonomy))
    assert [r.kind for r in outcome.replies] == ["add_done"]
    item = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert item is not None and item.section in taxonomy.section_ids()
    assert taxonomy.get(item.section).kind == "papers"
    body = status(github)
    # how sure in words a requester reads, not "confidence 0.41"
    assert re.search(
        r"The bot chose the section \(\d{1,3}% sure\): `/add 2405.13786 <section>` changes it", body
    )
    assert f"to **{taxonomy.get(item.section).title}" in body
    # the hint's command re-routes the paper in the same PR (/move only moves listed entries)
    target = "decoding" if item.section != "decoding" else "kv-cache"
    hinted = handle(github, arxiv, taxonomy, f"/add 2405.13786 {target}", serial=1)
    assert [(r.kind, r.data["result"]) for r in hinted.replies] == [("add_done", "updated")]
    assert [p.head for p in github.pulls()] == ["bot/arxiv-2405.13786"]
    moved = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert moved is not None and moved.section == target


def test_an_add_whose_routed_section_is_in_doubt_gets_needs_section_as_the_poll_job_would(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The reply said "41% sure" but the PR got neither the label nor the note the poll job
    gives a route under routing.needs_section_below (the fixture's 0.65): the router passed its
    confidence only. Now it passes the poll job's own decision (``Decision.needs_section``)."""
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    router = scorer_router(taxonomy)
    poll = config.load("poll", PROJECT / "config") | {"needs_section_label": "check-section"}
    commands, github_config = (config.load(name, PROJECT / "config") for name in ("commands", "github"))
    settings = CommandSettings.from_config(commands, github_config, "catalog.md", poll)  # poll's label
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786", router=router, settings=settings)
    [reply] = outcome.replies
    assert reply.kind == "add_done" and reply.data["routed"] < 0.65 and reply.data["in_doubt"]
    pr = pull(github, "bot/arxiv-2405.13786")
    assert "check-section" in pr.labels
    assert "> Not sure of the section: please check it (label `check-section`)" in pr.body  # as poll's
    body = status(github)
    assert re.search(
        r"The bot chose the section \(\d{1,2}% sure\): `/add 2405.13786 <section>` changes it\. "
        r"That is too unsure: the section needs a look \(label `check-section`, as on the poll job's guesses\)",
        body,
    )
    # docs/commands.md quotes it, with the default label
    page = " ".join((PROJECT.parents[2] / "docs" / "commands.md").read_text(encoding="utf-8").split())
    assert (
        '"The bot chose the section (41% sure): `/add <id> <section>` changes it"; under '
        "`routing.needs_section_below` of config/keywords.yml, the poll job's own test, it adds \"That is "
        "too unsure: the section needs a look (label `needs-section`, as on the poll job's guesses)\""
    ) in page
    # a code link given later keeps the section, and so the doubt: label and note stay together
    handle(
        github,
        arxiv,
        taxonomy,
        "/add 2405.13786 code=https://github.com/o/r",
        serial=9,
        router=router,
        settings=settings,
    )
    pr = pull(github, "bot/arxiv-2405.13786")
    assert "https://github.com/o/r" in pr.body and "check-section" in pr.labels
    assert "> Not sure of the section: please check it (label `check-section`)" in pr.body
    # a section the maintainer names is never in doubt
    named = handle(
        github, arxiv, taxonomy, "/add 2005.14124 kv-cache", serial=1, router=router, settings=settings
    )
    assert [(r.kind, r.data["routed"], r.data["in_doubt"]) for r in named.replies] == [
        ("add_done", None, False)
    ]
    other = pull(github, "bot/arxiv-2005.14124")
    assert "check-section" not in other.labels and "Not sure of the section" not in other.body
    # anyone else's request keeps the doubt until a maintainer approves it
    asked = handle(
        github, arxiv, taxonomy, "/add 2204.08348", user=OUTSIDER, serial=2, router=router, settings=settings
    )
    assert [(r.kind, r.data["in_doubt"]) for r in asked.replies] == [("pending", True)]
    assert "the section needs a look" in status(github)
    [tag] = waiting_tags(github)
    handle(github, arxiv, taxonomy, f"/approve {tag}", serial=3, router=router, settings=settings)
    approved = pull(github, "bot/arxiv-2204.08348")
    assert "check-section" in approved.labels and "> Not sure of the section" in approved.body


def test_an_add_moving_a_paper_relabels_its_open_pr_and_leaves_a_maintainers_labels(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """`/add <id> <section>` on a paper whose PR is open moved it in the same PR (body, commit),
    but the PR kept `section:<old>` and the needs-section label: it said the old section and "needs
    a look" though a maintainer had just chosen. The bot's own labels follow; a maintainer's stay."""
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    router = scorer_router(taxonomy)
    poll = config.load("poll", PROJECT / "config") | {"needs_section_label": "check-section"}
    commands, github_config = (config.load(name, PROJECT / "config") for name in ("commands", "github"))
    settings = CommandSettings.from_config(commands, github_config, "catalog.md", poll)
    handle(github, arxiv, taxonomy, "/add 2405.13786", router=router, settings=settings)
    pr = pull(github, "bot/arxiv-2405.13786")
    routed = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert routed is not None and {f"section:{routed.section}", "check-section"} <= set(pr.labels)
    target = "decoding" if routed.section != "decoding" else "kv-cache"
    other = next(s for s in ("quantization", "pruning") if s not in (routed.section, target))
    pr.labels += [f"section:{other}", "wontfix"]  # a maintainer's, by hand

    moved = handle(github, arxiv, taxonomy, f"/add 2405.13786 {target}", serial=1, settings=settings)
    assert [(r.kind, r.data["result"]) for r in moved.replies] == [("add_done", "updated")]
    labels = set(pull(github, "bot/arxiv-2405.13786").labels)
    assert f"section:{target}" in labels and f"section:{routed.section}" not in labels
    assert "check-section" not in labels and {f"section:{other}", "wontfix", "requested"} <= labels
    assert not github.violations

    # the same command again: no label written
    github.reset_counts()
    again = handle(github, arxiv, taxonomy, f"/add 2405.13786 {target}", serial=2, settings=settings)
    assert [r.kind for r in again.replies] == ["add_done"]
    assert set(pull(github, "bot/arxiv-2405.13786").labels) == labels
    assert not [key for key in github.counts if "/labels" in key and not key.startswith("GET ")]


def test_a_paper_moved_by_an_add_on_its_open_pr_teaches_the_router_once_merged(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The replies invite `/add <id> <section>` to re-route a paper whose PR is open, but the PR's
    marker then named only the new section: merged, the paper sat where the marker said, and the
    maintainer's correction was no routing label (as a /move after merging is)."""
    from bot.core.candidates import routing_corrections

    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", serial=1)
    handle(github, arxiv, taxonomy, "/add 2405.13786 pruning", serial=2)  # twice: the first is kept
    pr = pull(github, "bot/arxiv-2405.13786")
    assert github.merge(pr.number).status_code == 200
    forge = forge_for(github)
    catalog = catalog_parse.parse(github.file("catalog.md") or "", taxonomy)
    corrections = routing_corrections(forge.bot_pull_requests("all"), catalog)
    assert [(p.arxiv_id, section, sub) for p, section, sub in corrections] == [
        ("2405.13786", "pruning", None)
    ]


def test_an_add_without_a_section_and_without_a_router_asks_for_one(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786")
    assert [r.kind for r in outcome.replies] == ["no_section"] and not github.pulls()
    # the example names a section of this list, not of the efficient-LLM one the bot came from
    first = next(s.id for s in taxonomy.sections if s.kind == "papers")
    assert f"e.g. `/add 2405.00732 {first}`" in status(github)
    renamed = dataclasses.replace(
        taxonomy,
        sections=tuple(
            dataclasses.replace(s, id="robot-learning") if s.id == first else s for s in taxonomy.sections
        ),
    )
    outcome = handle(github, arxiv, renamed, "/move", serial=1)
    assert [r.kind for r in outcome.replies] == ["no_ids"]
    assert "Write it like `/move 2405.00732 robot-learning`" in status(github)


def test_an_add_again_changes_only_what_it_names_in_the_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """``/add <id> <section>`` again moves the paper in its PR: the code link given before stays;
    ``/add <id> code=<url>`` changes the code link: the section chosen before (by a maintainer)
    stays, it is not routed again."""
    asked: list[str] = []

    def router(catalog: object, papers: list[Any]) -> list[tuple[str, str | None, float, bool]]:
        asked.extend(p.arxiv_id for p in papers)
        return [("quantization", "weight-only", 0.9, False) for _ in papers]

    def entry() -> Any:
        item = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
        assert item is not None and item.entry is not None
        return item.section, item.entry.code_url

    handle(github, arxiv, taxonomy, "/add 2405.13786 decoding code=https://github.com/o/first")
    moved = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", serial=1, router=router)
    assert [(r.kind, r.data["result"]) for r in moved.replies] == [("add_done", "updated")]
    assert entry() == ("kv-cache", "https://github.com/o/first")
    recoded = handle(
        github, arxiv, taxonomy, "/add 2405.13786 code=https://github.com/o/second", serial=2, router=router
    )
    assert [(r.kind, r.data["result"], r.data["routed"]) for r in recoded.replies] == [
        ("add_done", "updated", None)
    ]
    assert entry() == ("kv-cache", "https://github.com/o/second") and asked == []
    again = handle(github, arxiv, taxonomy, "/add 2405.13786", serial=3, router=router)
    assert [(r.kind, r.data["routed"]) for r in again.replies] == [("add_done", None)]  # credits the comment
    assert entry() == ("kv-cache", "https://github.com/o/second") and asked == []
    assert len(github.pulls()) == 1
    # a paper without a PR of this issue is still routed
    routed = handle(github, arxiv, taxonomy, "/add 2005.14124", serial=4, router=router)
    assert [(r.kind, r.data["routed"]) for r in routed.replies] == [("add_done", 0.9)] and asked == [
        "2005.14124"
    ]


def test_several_ids_in_one_comment_are_looked_up_in_one_call(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = "/add 2405.13786, arXiv:2005.14124v2 https://arxiv.org/pdf/2204.08348v3 Speculative and Parallel Decoding"
    outcome = handle(github, arxiv, taxonomy, text)
    assert [r.kind for r in outcome.replies] == ["add_done"] * 3
    assert arxiv.asked == [["2405.13786", "2005.14124", "2204.08348"]]
    for arxiv_id in ("2405.13786", "2005.14124", "2204.08348"):
        item = catalog_on(github, f"bot/arxiv-{arxiv_id}", taxonomy).find_by_id(arxiv_id)
        assert item is not None and item.section == "decoding"
    assert status(github).count("✅") == 3


def test_each_problem_gets_its_own_clear_line(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    arxiv.withdraw("1605.08386")
    text = "\n".join(
        [
            "/add 2405.0073 kv-cache",  # malformed
            "/add 2401.99999 kv-cache",  # unknown to arXiv
            "/add 1605.08386 kv-cache",  # withdrawn
            "/add 2404.14469 kv-cache",  # already in the catalog
            "/add 2302.03287 kv cash",  # unknown section
        ]
    )
    outcome = handle(github, arxiv, taxonomy, text)
    assert [r.kind for r in outcome.replies] == [
        "malformed",
        "unknown",
        "withdrawn",
        "duplicate",
        "unknown_section",
    ]
    assert arxiv.asked == [["2401.99999", "1605.08386"]]  # one call, only for ids worth asking about
    assert not github.pulls() and outcome.exit_code == 0
    lines = [line for line in status(github).splitlines() if line.startswith("- ")]
    n = line_of("2404.14469", taxonomy)
    assert lines == [
        "- ❌ `/add 2405.0073 kv-cache`: `2405.0073` is not an arXiv id. Write it like `2405.00732`, or paste "
        "the paper's `https://arxiv.org/abs/…` link.",
        "- ❌ `/add 2401.99999 kv-cache`: arXiv has no paper 2401.99999. Check the number (a typo?) and post "
        "the command again; a new submission is found once arXiv has announced it.",  # not listed before that
        "- ❌ `/add 1605.08386 kv-cache`: Heat-bath random walks with Markov bases (arXiv 1605.08386) has been "
        "withdrawn by its authors, so it is not added.",
        f"- ☑️ `/add 2404.14469 kv-cache`: SnapKV: LLM Knows What You are Looking for Before Generation (arXiv "
        f"2404.14469) is already in the catalog, [line {n}]({catalog_url(github)}#L{n}) in **KV Cache Compression**. "
        "Nothing to add.",
        "- ❌ `/add 2302.03287 kv cash`: there is no section `kv cash`. Closest: `kv-cache` (KV Cache Compression), "
        "`pruning` (Pruning and Sparsity), `low-rank` (Low-Rank Decomposition). Post the command again with one of "
        "them (`/help` lists them all).",
    ]
    assert catalog_parse.split_lines(catalog_text(taxonomy))[n - 1].startswith("- [SnapKV")


def hide_snapkv(github: FakeGitHub, taxonomy: Taxonomy) -> None:
    """A maintainer comments out SnapKV's entry (arXiv 2404.14469) on the default branch."""
    text = catalog_text(taxonomy)
    line = next(x for x in catalog_parse.split_lines(text) if "2404.14469" in x)
    github.push("catalog.md", text.replace(line, f"<!--\n{line}-->\n"), message="hide SnapKV")


def test_an_add_of_an_entry_commented_out_says_so_and_adds_nothing(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A maintainer hid the entry in an HTML comment: the paper is known (no second entry, no PR),
    and the answer says where it is hidden and how to list it again."""
    hide_snapkv(github, taxonomy)
    outcome = handle(github, arxiv, taxonomy, "/add 2404.14469 kv-cache")
    assert [r.kind for r in outcome.replies] == ["duplicate"] and not github.pulls()
    n = line_of("2404.14469", taxonomy) + 1
    assert (
        f"(arXiv 2404.14469) is already in the catalog, commented out (hidden from readers) at [line {n}]("
        f"{catalog_url(github)}#L{n}) in **KV Cache Compression**. Nothing to add: remove the comment around it to "
        "list it again." in status(github)
    )


def test_a_move_of_an_entry_commented_out_is_refused_and_says_why(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Moving a hidden entry would write it visible into the target section, undoing the
    maintainer who hid it: the bot refuses and says how; /remove still removes it."""
    hide_snapkv(github, taxonomy)
    outcome = handle(github, arxiv, taxonomy, "/move 2404.14469 pruning")
    assert [r.kind for r in outcome.replies] == ["move_hidden"] and not github.pulls()
    n = line_of("2404.14469", taxonomy) + 1
    assert (
        f"(arXiv 2404.14469) is commented out (hidden from readers) at [line {n}]({catalog_url(github)}#L{n}) in "
        "**KV Cache Compression**, and moving it would list it again. Remove the comment around it first"
        in status(github)
    )
    outcome = handle(github, arxiv, taxonomy, "/remove 2404.14469", serial=1)
    assert [r.kind for r in outcome.replies] == ["remove_done"]
    removed = catalog_on(github, "bot/remove-2404.14469", taxonomy)
    assert removed.find_by_id("2404.14469") is None and not any(i.hidden for i in removed.items)


def test_two_commands_on_one_line_run_the_first_and_ask_for_the_second_on_its_own_line(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """``/add A /add B``: the second is never merged into the first's arguments (it made "/add"
    the section: "there is no section `/add`"); it is answered, and runs once posted on its own line."""
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache /add 2302.03287 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done", "same_line"]
    assert len(github.pulls()) == 1 and pull(github, "bot/arxiv-2405.13786").state == "open"
    assert (
        "- ❌ `/add 2302.03287 kv-cache`: not run: it follows `/add 2405.13786 kv-cache` on the same "
        "line, and a command must start its own line. Post it again on a line of its own." in status(github)
    )
    # the same in an issue's body, then edited onto two lines: only the second is new, and runs
    two = "/add 2405.13786 kv-cache\n/add 2302.03287 kv-cache"
    opened = handle(github, arxiv, taxonomy, two.replace("\n", " "), name="issues.opened")
    assert [r.kind for r in opened.replies] == ["add_done", "same_line"]
    edited = handle(github, arxiv, taxonomy, two, name="issues.edited")
    assert [r.kind for r in edited.replies] == ["add_done"] and len(github.pulls()) == 2


def test_move_and_remove_open_their_own_prs(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    outcome = handle(github, arxiv, taxonomy, "/move 2210.17323 pruning\n/remove 2404.14469")
    assert [r.kind for r in outcome.replies] == ["move_done", "remove_done"] and arxiv.asked == []
    moved = catalog_on(github, "bot/move-2210.17323", taxonomy)
    item = moved.find_by_id("2210.17323")
    assert item is not None and (item.section, item.subsection) == ("pruning", None)
    assert moved.arxiv_id_set() == catalog_parse.parse(catalog_text(taxonomy), taxonomy).arxiv_id_set()
    removed = catalog_on(github, "bot/remove-2404.14469", taxonomy)
    assert removed.find_by_id("2404.14469") is None and removed.find_by_id("2210.17323") is not None
    move_pr, remove_pr = pull(github, "bot/move-2210.17323"), pull(github, "bot/remove-2404.14469")
    assert "move-paper" in move_pr.labels and "remove-paper" in remove_pr.labels
    assert markers.find(remove_pr.body, "catalog-edit") == {
        "action": "remove",
        "arxiv_id": "2404.14469",
        "section": None,
        "subsection": None,
    }
    assert move_pr.title == "Move arXiv 2210.17323 to Pruning and Sparsity"
    body = status(github)
    assert (f"✅ `/move 2210.17323 pruning`: opened [#{move_pr.number}]") in body
    assert "from **Quantization › Weight-only Quantization** to **Pruning and Sparsity**" in body
    n = line_of("2404.14469", taxonomy)
    assert f"(arXiv 2404.14469, [line {n}]({catalog_url(github)}#L{n}) in **KV Cache Compression**)" in body


@pytest.mark.parametrize(
    "name, placement",
    [
        ("Quantization › Weight-only Quantization", ("quantization", "weight-only")),  # as replies show it
        ("quantization/weight-only", ("quantization", "weight-only")),
        ("Quantization > Weight-only", ("quantization", "weight-only")),
        ("#kv-cache-compression", ("kv-cache", None)),  # a heading's anchor
        ("KV cache", ("kv-cache", None)),
        ("kv_cache", ("kv-cache", None)),
        ("weight only", ("quantization", "weight-only")),
        ("Speculative & Parallel Decoding", ("decoding", None)),
        ("to decoding", ("decoding", None)),  # "/move 2405.00732 to decoding": "no section `to decoding`"
        ("into Quantization › Weight-only Quantization", ("quantization", "weight-only")),
        ("in KV cache", ("kv-cache", None)),
        ("to to decoding", ("decoding", None)),
        ("to nowhere", None),
        ("Pruning › Weight-only Quantization", None),  # not a subsection of that section
        ("kvcache", None),
        ("speculative decoding", None),
    ],
)
def test_a_section_is_found_by_the_names_the_bot_shows(
    taxonomy: Taxonomy, name: str, placement: tuple[str, str | None] | None
) -> None:
    """The help table and every reply show "Section › Subsection"; copied back into a command, it
    names that subsection (it was "there is no section"). Spaces, underscores and "&" for the
    hyphens and "and" of an id or heading are the same name, and so is the name after "to"
    ("/move 2405.00732 to decoding"); anything else stays unknown and is answered with the closest
    sections."""
    assert section_named(name, taxonomy) == placement


def repeated_titles(folder: Path) -> Taxonomy:
    """An adopted list's taxonomy that repeats a title: "Other" under two sections, and a section."""
    (folder / "taxonomy.yml").write_text(
        "title: T\nsections:\n"
        "  - {id: alpha, title: Alpha, description: A., subsections: "
        "[{id: alpha-misc, title: Other, description: O.}]}\n"
        "  - {id: beta, title: Beta, description: B., subsections: "
        "[{id: beta-misc, title: Other, description: O.}]}\n"
        "  - {id: other, title: Other, description: O.}\n",
        encoding="utf-8",
    )
    return load_taxonomy(folder)


def test_a_subsection_title_used_under_several_sections_is_found_under_the_one_named(tmp_path: Path) -> None:
    """An adopted list repeats subsection titles ("Other" under three sections, and a section
    "Other"): "Quantization › Other", as the replies and /help show it, was "no section", since
    "Other" alone is the section and the path's parts were resolved each on its own."""
    taxonomy = repeated_titles(tmp_path)
    shown = where_text(taxonomy, "beta", "beta-misc")
    assert shown == "Beta › Other" and section_named(shown, taxonomy) == ("beta", "beta-misc")
    assert section_named("alpha/other", taxonomy) == ("alpha", "alpha-misc")
    assert section_named("Other", taxonomy) == ("other", None)
    assert section_named("Alpha › Beta", taxonomy) is None
    # the closest sections of an unknown name say which "Other" each is (they were all "(Other)")
    assert "`beta-misc` (Beta › Other)" in closest_sections("Othr", taxonomy)


def test_a_repeated_headings_anchor_names_the_heading_github_gives_it(
    github: FakeGitHub, arxiv: ArxivAPI, tmp_path: Path
) -> None:
    """docs/commands.md: a section may be named by its heading's ``#anchor``. GitHub numbers a
    repeated title in page order ("#other", "#other-1", "#other-2", as the catalog's contents
    link them); "#other-2", the section Other, moved the paper to nothing or to whichever id
    happened to read "other-2"."""
    taxonomy = repeated_titles(tmp_path)
    snapkv = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for Before Generation")
    github.push("catalog.md", render_document(taxonomy, {("alpha", None): [snapkv]}))
    assert "- [Other](#other-2)" in (github.file("catalog.md") or "")
    outcome = handle(github, arxiv, taxonomy, "/move 2404.14469 #other-2\n/move 2404.14469 #other-1")
    assert [r.kind for r in outcome.replies] == ["move_done", "move_done"]
    item = catalog_on(github, "bot/move-2404.14469", taxonomy).find_by_id("2404.14469")
    assert item is not None and (item.section, item.subsection) == ("beta", "beta-misc")  # the last one
    assert "to **Other**" in status(github) and "to **Beta › Other**" in status(github)


def test_a_section_copied_from_a_reply_moves_the_paper(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, "/move 2404.14469 Quantization › Weight-only Quantization")
    assert [r.kind for r in outcome.replies] == ["move_done"]
    item = catalog_on(github, "bot/move-2404.14469", taxonomy).find_by_id("2404.14469")
    assert item is not None and (item.section, item.subsection) == ("quantization", "weight-only")


def test_a_section_heading_with_a_comma_is_a_section(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Arguments are split on commas (between ids); a comma inside a heading still names it."""
    outcome = handle(github, arxiv, taxonomy, "/move 2210.17323 Courses, Blogs and Talks")
    assert [r.kind for r in outcome.replies] == ["papers_only"]  # known: a section of resources
    retitled = dataclasses.replace(
        taxonomy,
        sections=tuple(
            dataclasses.replace(s, title="Quantization, Pruning") if s.id == "pruning" else s
            for s in taxonomy.sections
        ),
    )
    github.push("catalog.md", catalog_text(retitled))
    text = "/move 2210.17323 Quantization, Pruning\n/add 2405.13786, 2005.14124 quantization, pruning"
    outcome = handle(github, arxiv, retitled, text, serial=1)
    assert [r.kind for r in outcome.replies] == ["move_done", "add_done", "add_done"]
    for branch, arxiv_id in [("bot/move-2210.17323", "2210.17323"), ("bot/arxiv-2005.14124", "2005.14124")]:
        item = catalog_on(github, branch, retitled).find_by_id(arxiv_id)
        assert item is not None and (item.section, item.subsection) == ("pruning", None)


def test_move_to_the_same_section_and_unknown_papers(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(
        github, arxiv, taxonomy, "/move 2404.14469 KV cache compression\n/remove 2401.00001\n/move 2210.17323"
    )
    assert [r.kind for r in outcome.replies] == ["same_section", "not_in_catalog", "no_section"]
    assert not github.pulls()


def test_remove_of_a_paper_only_mentioned_by_another_entry_says_it_is_not_in_the_catalog(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = catalog_text(taxonomy)
    snapkv = next(line for line in text.splitlines() if "arXiv 2404.14469" in line)
    github.push("catalog.md", text.replace(snapkv, snapkv + "\n  - compared with arXiv 2401.00001"))
    outcome = handle(github, arxiv, taxonomy, "/remove 2401.00001\n/move 2401.00001 pruning")
    assert [r.kind for r in outcome.replies] == ["not_in_catalog", "not_in_catalog"]
    assert not github.pulls() and outcome.exit_code == 0


def test_move_or_remove_of_a_paper_whose_pr_is_not_merged_says_what_to_do_there(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """docs/commands.md: a paper whose PR is not merged yet is moved with ``/add <id> <section>``;
    the answer names that PR and says so, instead of only "not in the catalog", with the section
    the /move named (it said ``<section>``, to be typed again)."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    pr = pull(github, "bot/arxiv-2405.13786")
    link = f"[#{pr.number}]({pr_url(github, pr.number)})"
    outcome = handle(github, arxiv, taxonomy, "/move 2405.13786 decoding\n/remove 2405.13786", serial=1)
    assert [r.kind for r in outcome.replies] == ["not_in_catalog", "not_in_catalog"]
    assert [p.number for p in github.pulls()] == [pr.number]
    body = status(github)
    assert (
        "❌ `/move 2405.13786 decoding`: arXiv 2405.13786 is not in the catalog, so there is nothing "
        f"to move. {link} proposes it and is not merged yet: comment `/add 2405.13786 decoding` "
        f"on {link} to move it there."
    ) in body
    assert (
        "❌ `/remove 2405.13786`: arXiv 2405.13786 is not in the catalog, so there is nothing to "
        f"remove. {link} proposes it and is not merged yet: close {link} to drop it."
    ) in body


def test_add_of_a_paper_only_mentioned_by_another_entry_adds_its_own_entry(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A note under SnapKV that mentions arXiv 2005.14124 does not list that paper: ``/add`` opens
    its PR (it was answered "SnapKV (arXiv 2005.14124) is already in the catalog")."""
    text = catalog_text(taxonomy)
    snapkv = next(line for line in text.splitlines() if "arXiv 2404.14469" in line)
    github.push("catalog.md", text.replace(snapkv, snapkv + "\n  - compared with arXiv 2005.14124"))
    outcome = handle(github, arxiv, taxonomy, "/add 2005.14124 decoding\n/add 2404.14469 decoding")
    assert [r.kind for r in outcome.replies] == ["add_done", "duplicate"]
    added = catalog_on(github, "bot/arxiv-2005.14124", taxonomy)
    item = added.find_paper("2005.14124", None)
    assert item is not None and item.section == "decoding"
    assert "compared with arXiv 2005.14124" in added.render()


def test_add_of_a_paper_listed_under_another_id_by_its_title_names_that_id(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The catalog lists the paper's title under another id (submitted again under a new one):
    the answer named the requested id ("SnapKV (arXiv 2405.13786) is already in the catalog,
    line N"), which line N does not show; it names the one the line has."""
    arxiv.retitle("2405.13786", "SnapKV: LLM Knows What You are Looking for Before Generation")
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding")
    assert [r.kind for r in outcome.replies] == ["duplicate"] and not github.pulls()
    n = line_of("2404.14469", taxonomy)
    assert (
        "(arXiv 2405.13786) is already in the catalog under the same title, as arXiv 2404.14469, "
        f"[line {n}]({catalog_url(github)}#L{n}) in **KV Cache Compression**. Nothing to add."
    ) in status(github)


# -- everyone else ------------------------------------------------------------------------------------------


def test_anyone_elses_add_is_previewed_and_a_maintainers_approve_opens_the_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    text = "/add https://arxiv.org/abs/2405.13786 kv-cache code=https://github.com/octo/xtcp"
    outcome = handle(github, arxiv, taxonomy, text, user=OUTSIDER)
    assert [r.kind for r in outcome.replies] == ["pending"] and not github.pulls()
    preview = status(github)
    [tag] = [p["tag"] for p in markers.find(preview, MARKER_KIND)["pending"]]  # type: ignore[index]
    assert f"A maintainer's `/approve {tag}` will open the pull request." in preview
    assert f"@someone asked for arXiv 2405.13786 in **KV Cache Compression**, revision `{tag}`" in preview
    line = re.search(r"```markdown\n(.*)\n```", preview)[1]  # type: ignore[index]
    entry = parse_entry(line)
    assert entry is not None and entry.code_url == "https://github.com/octo/xtcp"

    refused = handle(github, arxiv, taxonomy, "/approve", user=OUTSIDER, serial=1)
    assert [r.kind for r in refused.replies] == ["approve_refused"] and not github.pulls()
    assert "asked for arXiv 2405.13786" in status(github)  # still waiting

    which = handle(github, arxiv, taxonomy, "/approve", user=MAINTAINER_LOGIN, serial=2)
    assert [r.kind for r in which.replies] == ["approve_which"] and not github.pulls()
    assert f"name the revision you reviewed, shown with each request below: `/approve {tag}`" in status(
        github
    )
    approved = handle(github, arxiv, taxonomy, f"/approve {tag}", user=MAINTAINER_LOGIN, serial=3)
    assert [r.kind for r in approved.replies] == ["add_done"]
    pr = pull(github, "bot/arxiv-2405.13786")
    assert (
        "Requested by @someone in https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400"
        in pr.body
    )
    # and who approved which revision where (the body named the requester only)
    approval = re.search(r"^Approved by @(\S+) \(revision `(\w+)`\) in (\S+)\.$", pr.body, re.MULTILINE)
    approval_url = "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700403"  # serial 3
    assert approval is not None and approval.groups() == (MAINTAINER_LOGIN, tag, approval_url), pr.body
    item = catalog_on(github, pr.head, taxonomy).find_by_id("2405.13786")
    assert (
        item is not None and item.entry is not None and item.entry.code_url == "https://github.com/octo/xtcp"
    )
    assert render_entry(item.entry) == line  # exactly the previewed line
    final = status(github)  # the same comment, edited
    assert "Waiting for a maintainer" not in final and f"[#{pr.number}]" in final
    stored = markers.find(final, MARKER_KIND)
    assert (
        stored is not None
        and stored["pending"] == []
        and stored["pulls"]
        == [
            {
                "number": pr.number,
                "url": f"{github.url}/Codertocat/Hello-World/pull/{pr.number}",
                "action": "add",
                "arxiv_id": "2405.13786",
                "tag": tag,  # the approved revision the PR is
            }
        ]
    )
    assert (
        final.index("only a maintainer can approve")
        < final.index("name the revision")
        < final.index(f"opened [#{pr.number}]")
    )  # every answer stays, oldest first
    again = handle(github, arxiv, taxonomy, f"/approve {tag}", user=MAINTAINER_LOGIN, serial=4)
    assert [r.kind for r in again.replies] == ["approved_before"]  # approving twice == once
    assert f"revision `{tag}` was approved already: [#{pr.number}](" in status(github)
    other = handle(github, arxiv, taxonomy, "/approve 0badc0de", user=MAINTAINER_LOGIN, serial=5)
    assert [r.kind for r in other.replies] == ["nothing_pending"]


def test_a_request_for_a_rejected_paper_says_so_before_the_approval(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A closed, unmerged PR is a rejection (the poll job never proposes that paper again): the
    preview a maintainer approves from, and the new PR's answer, link it."""
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    rejected = pull(github, "bot/arxiv-2405.13786")
    assert github.api(
        "PATCH", f"/repos/Codertocat/Hello-World/pulls/{rejected.number}", {"state": "closed"}
    ).ok
    note = (
        "A pull request for it was closed without merging before "
        f"([#{rejected.number}]({pr_url(github, rejected.number)}))."
    )
    handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", user=OUTSIDER, serial=1)
    [preview] = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    assert note in preview
    [tag] = waiting_tags(github)
    outcome = handle(github, arxiv, taxonomy, f"/approve {tag}", serial=2)
    assert [(r.kind, r.data["result"]) for r in outcome.replies] == [("add_done", "opened")]
    [opened] = [line for line in status(github).splitlines() if line.startswith("- ✅")][-1:]
    [reopened] = github.pulls("open")
    assert note in opened and reopened.number != rejected.number and "`decoding`" in reopened.body
    # the same request again is the open PR, not a new one to approve (the closed PR is not it)
    again = handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", user=OUTSIDER, serial=3)
    assert [(r.kind, r.data["result"], r.data["pr"]) for r in again.replies] == [
        ("add_done", "unchanged", f"[#{reopened.number}]({pr_url(github, reopened.number)})")
    ]
    assert waiting_tags(github) == set()


@pytest.mark.parametrize("state", ["open", "closed"])
def test_a_request_for_a_paper_a_checklist_said_no_to_says_so(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy, state: str
) -> None:
    """Backfill's PRs (and batch mode's digest) are checklists: a paper a maintainer unticked
    there, or whose checklist was closed unmerged, is as rejected as a closed PR's, yet the preview
    a maintainer approves from said nothing of it (the new-topics issue offers /add lines for any
    paper of a rising term)."""
    line = "- [A paper](https://arxiv.org/abs/2405.13786)"
    entries = [{"arxiv_id": "2405.13786", "section": "kv-cache", "subsection": None, "line": line}]
    body = "Papers\n\n- [ ] arXiv 2405.13786: A paper\n\n" + markers.make("digest", {"entries": entries})
    text = github.file("catalog.md") or ""
    checklist = github.seed_pull("bot/backfill-kv-cache", "catalog.md", text, "Add 0 papers", body, state)
    handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", user=OUTSIDER)
    [preview] = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    link = f"([#{checklist.number}]({pr_url(github, checklist.number)}))"
    said = (
        "A maintainer unticked it in a checklist pull request before"
        if state == "open"
        else ("A pull request for it was closed without merging before")
    )
    assert f"{said} {link}." in preview


def test_a_request_for_a_paper_another_pr_proposes_says_so_in_its_preview(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The preview promised that an approval would open the PR, while the poll job's (or another
    issue's) open PR for the paper is left alone: approving it answers "comment there instead"."""
    text = github.file("catalog.md")
    assert text is not None
    other = github.seed_pull("bot/arxiv-2405.13786", "catalog.md", text + "\n", "Add arXiv 2405.13786", "")
    handle(github, arxiv, taxonomy, "/add 2405.13786 decoding", user=OUTSIDER)
    [preview] = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    link = f"[#{other.number}]({pr_url(github, other.number)})"
    assert f"Note: {link} already proposes it and was not opened from this issue" in preview
    # and it does not promise, in its last words, what it just said an approval will not do
    assert preview.endswith(
        f"Once it is closed, a maintainer's `/approve {waiting_tags(github).pop()}` will open the pull request."
    )


def test_an_add_for_a_paper_whose_pr_was_renamed_out_of_the_prefix_leaves_it_alone(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A maintainer renamed the bot's branch of a paper's open PR out of `bot/` (to keep it from
    rebuilds): an /add of the paper opened a second PR on `bot/arxiv-<id>`. It answers that the
    renamed PR proposes it, as for another issue's PR, even when posted on that PR."""
    text = github.file("catalog.md")
    assert text is not None
    body = markers.make("arxiv", {"arxiv_id": "2405.13786", "section": "kv-cache", "line": "x"})
    renamed = github.seed_pull("review/kv", "catalog.md", text + "\n", "Add arXiv 2405.13786", body)
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache")
    assert [r.kind for r in outcome.replies] == ["other_pull"]
    assert f"[#{renamed.number}]({pr_url(github, renamed.number)}) already proposes" in status(github)
    assert [p.head for p in github.pulls()] == ["review/kv"]


def test_approve_reads_only_revision_tags_and_names_the_approved_ones(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER)
    [tag] = waiting_tags(github)
    text = f"/approve please, `{tag.upper()}` thanks!"
    approved = handle(github, arxiv, taxonomy, text, serial=1)
    assert [(r.kind, r.data["tag"]) for r in approved.replies] == [("add_done", tag)]
    pr = pull(github, "bot/arxiv-2405.13786")
    assert f"opened [#{pr.number}]({pr_url(github, pr.number)}), which adds " in status(github)
    assert f"(arXiv 2405.13786, revision `{tag}`) to **KV Cache Compression**" in status(github)
    words = handle(github, arxiv, taxonomy, "/approve it please", serial=2)
    assert [r.kind for r in words.replies] == ["nothing_pending"]


def test_permission_comes_from_the_api_not_author_association(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    data = payload("issue_comment.created", "/remove 2404.14469", OUTSIDER)
    assert data["comment"]["author_association"] == "OWNER"  # what the real payload says
    outcome = handle(github, arxiv, taxonomy, "/remove 2404.14469\n/move 2210.17323 pruning", user=OUTSIDER)
    assert [r.kind for r in outcome.replies] == ["not_allowed", "not_allowed"] and not github.pulls()
    assert github.counts["GET /repos/{owner}/{repo}/collaborators/{username}/permission"] == 1
    assert (
        "🔒 `/remove 2404.14469`: only maintainers (write, maintain, admin permission on this repository) "
        "can use `/remove`. A maintainer can post it for you."
    ) in status(github)


def test_requests_can_be_switched_off(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    settings = CommandSettings(requests=False)
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER, settings=settings)
    assert [r.kind for r in outcome.replies] == ["requests_disabled"] and arxiv.asked == []


# -- the issue form ------------------------------------------------------------------------------------------


def test_the_issue_form_is_an_add_by_its_author(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, FORM_BODY, user=OUTSIDER, name="issues.opened")
    assert [(r.kind, r.command) for r in outcome.replies] == [
        ("pending", "`/add https://arxiv.org/abs/2302.03287v3 Efficient Reasoning`")
    ]
    assert ("issue", 1, "eyes", BOT_LOGIN) in github.reactions
    assert "@someone, about [this issue](https://github.com/Codertocat/Hello-World/issues/1)" in status(
        github
    )
    # an edit that leaves the request alone answers nothing again: same comment, same content
    first = status(github)
    edited = handle(github, arxiv, taxonomy, FORM_BODY, user=OUTSIDER, name="issues.edited")
    assert edited.ignored == "no unanswered command on the issue" and status(github) == first


def test_a_maintainers_form_opens_the_pr_with_the_code_link(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    body = FORM_BODY.replace("_No response_", "https://github.com/edu/chatgpt-testing/")
    outcome = handle(github, arxiv, taxonomy, body, user=MAINTAINER_LOGIN, name="issues.opened")
    assert [r.kind for r in outcome.replies] == ["add_done"]
    item = catalog_on(github, "bot/arxiv-2302.03287", taxonomy).find_by_id("2302.03287")
    assert item is not None and item.section == "reasoning" and item.entry is not None
    assert item.entry.code_url == "https://github.com/edu/chatgpt-testing"
    assert item is not None and not [
        p for p in github.pulls() if p.head != "bot/arxiv-2302.03287"
    ]  # prose ignored


def test_the_form_template_matches_the_taxonomy_config_and_githubs_schema(taxonomy: Taxonomy) -> None:
    form = yaml.safe_load(FORM.read_text("utf-8"))
    schema_dir = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
    schema = json.loads((schema_dir / "github-issue-forms.json").read_text("utf-8"))
    jsonschema.Draft7Validator(schema).validate(form)
    fields = {f.get("id"): f for f in form["body"]}
    labels = FormLabels()
    assert (
        fields["arxiv"]["attributes"]["label"],
        fields["code"]["attributes"]["label"],
        fields["section"]["attributes"]["label"],
    ) == (labels.arxiv, labels.code, labels.section)
    # the sections a paper can go to: those of tools and links would be refused by /add
    assert fields["section"]["attributes"]["options"] == [
        s.title for s in taxonomy.sections if s.kind == "papers"
    ]
    assert len(taxonomy.sections) == 18 and "paper-request" in form["labels"]
    assert fields["arxiv"]["validations"]["required"] is True


def test_the_rendered_form_body_parses(taxonomy: Taxonomy) -> None:
    assert parse_issue_form(FORM_BODY)["Code link"] == ""
    command = form_command(FORM_BODY)
    assert command is not None and command.ids == ("2302.03287",) and command.code_url is None
    assert taxonomy.resolve(command.section or "") == ("reasoning", None)
    assert form_command("### Something else\n\nhello") is None
    no_link = form_command("### arXiv link\n\n_No response_\n\n### Suggested section\n\nSurveys")
    assert no_link is not None and no_link.ids == () and no_link.section == "Surveys"


def test_each_form_field_is_read_on_its_own(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    """Words around the link are not the section; headings typed into "Why it belongs" are that
    field's text, not answers to the fields above; no line of the form is a command, even when
    the arXiv field is too long to be one command line."""
    typed = "\n### arXiv link\n\n2405.13786\n\n### Suggested section\n\nKV Cache Compression\n"
    body = FORM_BODY.replace("v3", "v3 (our reasoning paper)") + typed
    assert form_command(body) == form_command(FORM_BODY)
    long = FORM_BODY.replace("v3", "v3 " + "see " * 600)
    command = form_command(long)
    assert command is not None and command.ids == ("2302.03287",) and command.section == "Efficient Reasoning"
    outcome = handle(github, arxiv, taxonomy, long + typed, name="issues.opened")
    assert [r.kind for r in outcome.replies] == ["add_done"]  # and no /remove from the why field
    assert [p.head for p in github.pulls()] == ["bot/arxiv-2302.03287"]
    item = catalog_on(github, "bot/arxiv-2302.03287", taxonomy).find_by_id("2302.03287")
    assert item is not None and item.section == "reasoning"


def test_a_run_reads_the_closed_prs_of_its_papers_not_every_closed_bot_pr(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The rejections a preview names were found by reading every closed bot PR, 100 a query: with
    2,000 of them, 20 queries on every run that looked a paper up (bench/poll_scale.py). The run
    now asks for its papers' PRs only (their branch, and a search naming them: checklists), one
    query for up to 10 papers, and still finds both kinds of rejection."""
    for n in range(250):
        github.seed_pull(f"bot/arxiv-2301.{n:05d}", "notes.md", "x", f"Add {n}", "A paper.", "closed")
    closed = github.seed_pull("bot/arxiv-2405.13786", "notes.md", "x", "Add arXiv 2405.13786", "", "closed")
    line = "- [A paper](https://arxiv.org/abs/2005.14124)"
    entries = [{"arxiv_id": "2005.14124", "section": "kv-cache", "subsection": None, "line": line}]
    body = "Papers\n\n- [ ] arXiv 2005.14124: A paper\n\n" + markers.make("digest", {"entries": entries})
    checklist = github.seed_pull("bot/backfill-kv-cache", "notes.md", "y", "Add 0 papers", body, "closed")
    github.reset_counts()
    handle(github, arxiv, taxonomy, "/add 2405.13786 2005.14124 kv-cache", user=OUTSIDER)
    previews = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    for pr in (closed, checklist):
        link = f"([#{pr.number}]({pr_url(github, pr.number)}))"
        assert any(f"A pull request for it was closed without merging before {link}." in p for p in previews)
    assert github.counts["POST /graphql"] == 3  # the login, the snapshot, the two papers' PRs


def test_a_comment_without_a_command_reads_no_pull_request(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Most comments are conversation. The bot's login was read with the run's snapshot: every
    open bot PR (a query per 100) and the catalog (a second request when over GraphQL's text
    limit), to answer nothing. The login is now asked alone; the comments are read once."""
    for n in range(150):
        github.seed_pull(f"bot/arxiv-2301.{n:05d}", "notes.md", "x", f"Add {n}", "A paper.")
    github.reset_counts()
    outcome = handle(github, arxiv, taxonomy, "Thanks, that looks right to me.")
    assert outcome.ignored == "no unanswered command on the issue"
    assert github.counts == {
        "POST /graphql": 1,
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
    }
