"""The issue commands end to end: real webhook payloads (only the text and the user changed), the
fake GitHub that PyGithub talks to over HTTP, and a local server answering like the arXiv API with
its real recorded entries."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import check_jsonschema
import jsonschema
import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.core import catalog as catalog_module
from bot.core import markers
from bot.core.catalog_document import render_document
from bot.core.entry import Entry, parse_entry, render_entry
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import BotError
from bot.jobs.commands import (
    MARKER_KIND,
    CommandRun,
    CommandSettings,
    Event,
    Router,
    code_span,
    fenced,
    normalize_code_url,
    read_event,
    run,
    safe_text,
    scorer_router,
    state_from_data,
)
from bot.jobs.commands.parser import FormLabels, form_command, parse_issue_form
from bot.sources.arxiv_api import ApiSettings, ArxivLookup
from tests.conftest import PROJECT
from tests.fake_github import BOT_LOGIN, BOT_TOKEN, MAINTAINER_LOGIN, FakeGitHub, IssueComment, forge_for
from tests.golden_files import assert_shown_in_docs

WEBHOOKS = Path(__file__).parents[2] / "fixtures" / "github" / "webhooks"
ARXIV = Path(__file__).parents[2] / "fixtures" / "arxiv"
FORM = PROJECT / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
SETTINGS = CommandSettings()
OUTSIDER = "someone"  # a GitHub user with read access only (the fake's default role)
CATALOG_URL = "https://github.com/Codertocat/Hello-World/blob/master/catalog.md"


# -- a local arXiv API with the real recorded entries ----------------------------------------------


class ArxivAPI:
    """Answers ``id_list`` queries the way export.arxiv.org does, from the real entries recorded in
    tests/fixtures/arxiv: the asked papers it knows, none for the others."""

    def __init__(self, server: HTTPServer) -> None:
        template = (ARXIV / "arxiv_api_atom_response_id_list-1605.08386_2026-04-12.xml").read_text("utf-8")
        query = (ARXIV / "arxiv_api_atom_response_query-testing_max10_2026-04-12.xml").read_text("utf-8")
        entry_re = re.compile(r"  <entry>.*?</entry>\n", re.S)
        self.entries = {
            re.search(r"<id>http://arxiv.org/abs/(.+?)v\d+</id>", e)[1]: e  # type: ignore[index]
            for e in entry_re.findall(template) + entry_re.findall(query)
        }
        self.head, self.tail = template.split("  <entry>")[0], "</feed>\n"
        self.failures: list[int] = []
        self.asked: list[list[str]] = []
        self.url = server.url_for("/api/query")
        server.expect_request("/api/query").respond_with_handler(self.answer)

    def withdraw(self, arxiv_id: str) -> None:
        self.entries[arxiv_id] = re.sub(
            r"<arxiv:comment>.*?</arxiv:comment>",
            "<arxiv:comment>This paper has been withdrawn by the authors</arxiv:comment>",
            self.entries[arxiv_id],
        )

    def retitle(self, arxiv_id: str, title: str) -> None:
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.entries[arxiv_id] = re.sub(
            r"<title>.*?</title>", f"<title>{escaped}</title>", self.entries[arxiv_id], flags=re.S
        )

    def answer(self, request: Request) -> Response:
        ids = [i for i in request.args.get("id_list", "").split(",") if i]
        self.asked.append(ids)
        if self.failures:
            return Response("Service Unavailable", status=self.failures.pop(0))
        found = [self.entries[i] for i in ids if i in self.entries]
        head = re.sub(r"<opensearch:totalResults>\d+<", f"<opensearch:totalResults>{len(found)}<", self.head)
        return Response(head + "".join(found) + self.tail, content_type="application/atom+xml")

    def lookup(self) -> ArxivLookup:
        return ArxivLookup.from_settings(
            ApiSettings(query_url=self.url, delay_seconds=0.0, retries=2, timeout_seconds=5)
        )


@pytest.fixture
def arxiv(httpserver: HTTPServer) -> ArxivAPI:
    return ArxivAPI(httpserver)


# -- the repository: the payloads' Codertocat/Hello-World, with a small catalog -------------------------


def paper(arxiv_id: str, title: str) -> Entry:
    return Entry(
        title=title,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        arxiv_id=arxiv_id,
        year=2000 + int(arxiv_id[:2]),
        month=int(arxiv_id[2:4]),
        authors=("A. Author",),
    )


def catalog_text(taxonomy: Taxonomy) -> str:
    return render_document(
        taxonomy,
        {
            ("kv-cache", None): [
                paper("2404.14469", "SnapKV: LLM Knows What You are Looking for Before Generation")
            ],
            ("quantization", "weight-only"): [
                paper("2210.17323", "GPTQ: Accurate Post-Training Quantization")
            ],
            ("surveys", None): [
                paper("2202.12139", "Testing Deep Learning Models: A First Comparative Study")
            ],
        },
    )


@pytest.fixture
def github(taxonomy: Taxonomy) -> Iterator[FakeGitHub]:
    with FakeGitHub(
        owner="Codertocat",
        name="Hello-World",
        default_branch="master",
        files={"catalog.md": catalog_text(taxonomy)},
    ) as fake:
        fake.add_issue(
            "Spelling error in the README file",
            "It looks like you accidently spelled 'commit'",
            user=OUTSIDER,
        )
        yield fake
    assert not fake.violations, "requests the real GitHub API would reject:\n" + "\n".join(fake.violations)


def payload(name: str, text: str, user: str, user_type: str = "User", serial: int = 0) -> dict[str, Any]:
    """A real payload with only its text and its user changed (and, for a later comment in the
    same test, its comment id moved on by ``serial``)."""
    data = copy.deepcopy(json.loads((WEBHOOKS / f"{name}.json").read_text("utf-8")))
    written = data["comment"] if name.startswith("issue_comment") else data["issue"]
    written["body"] = text
    for person in (written["user"], data["sender"]):
        person["login"], person["type"] = user, user_type
    if serial:
        written["id"] += serial
        written["html_url"] = re.sub(r"\d+$", str(written["id"]), written["html_url"])
    return data


def handle(
    github: FakeGitHub,
    arxiv: ArxivAPI,
    taxonomy: Taxonomy,
    text: str,
    user: str = MAINTAINER_LOGIN,
    name: str = "issue_comment.created",
    serial: int = 0,
    user_type: str = "User",
    settings: CommandSettings = SETTINGS,
    router: Router | None = None,
) -> CommandRun:
    """Deliver one event as GitHub Actions would, and run the job on it."""
    data = payload(name, text, user, user_type, serial)
    event = read_event(name.split(".")[0], data)
    assert isinstance(event, Event)
    if event.comment_id is not None:  # the comment exists on GitHub before the event is sent
        post_comment(github, event.comment_id, text, user)
    else:
        github.issues[event.issue_number].body = text
    forge = forge_for(github)
    return run(event, forge, forge, arxiv.lookup(), taxonomy, settings, router)


def post_comment(github: FakeGitHub, comment_id: int, text: str, user: str) -> None:
    now = github.now()
    github.comments[comment_id] = IssueComment(comment_id, 1, text, user, now, now)


def bot_comments(github: FakeGitHub) -> list[str]:
    return [c.body for c in github.issue_comments(1) if c.user == BOT_LOGIN]


def status(github: FakeGitHub) -> str:
    [body] = bot_comments(github)
    return body


def pull(github: FakeGitHub, branch: str) -> Any:
    [found] = [p for p in github.pulls() if p.head == branch]
    return found


def line_of(arxiv_id: str, taxonomy: Taxonomy) -> int:
    item = catalog_module.parse(catalog_text(taxonomy), taxonomy).find_by_id(arxiv_id)
    assert item is not None
    return item.line_number


def catalog_on(github: FakeGitHub, branch: str, taxonomy: Taxonomy) -> catalog_module.Catalog:
    text = github.file("catalog.md", branch)
    assert text is not None
    return catalog_module.parse(text, taxonomy)


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
    assert "The bot chose the section (confidence" in body and "`/add 2405.13786 <section>`" in body
    assert f"to **{taxonomy.get(item.section).title}" in body
    # the hint's command re-routes the paper in the same PR (/move only moves listed entries)
    target = "decoding" if item.section != "decoding" else "kv-cache"
    hinted = handle(github, arxiv, taxonomy, f"/add 2405.13786 {target}", serial=1)
    assert [(r.kind, r.data["result"]) for r in hinted.replies] == [("add_done", "updated")]
    assert [p.head for p in github.pulls()] == ["bot/arxiv-2405.13786"]
    moved = catalog_on(github, "bot/arxiv-2405.13786", taxonomy).find_by_id("2405.13786")
    assert moved is not None and moved.section == target


def test_an_add_without_a_section_and_without_a_router_asks_for_one(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786")
    assert [r.kind for r in outcome.replies] == ["no_section"] and not github.pulls()


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
        "the command again.",
        "- ❌ `/add 1605.08386 kv-cache`: Heat-bath random walks with Markov bases (arXiv 1605.08386) has been "
        "withdrawn by its authors, so it is not added.",
        f"- ☑️ `/add 2404.14469 kv-cache`: SnapKV: LLM Knows What You are Looking for Before Generation (arXiv "
        f"2404.14469) is already in the catalog, [line {n}]({CATALOG_URL}#L{n}) in **KV Cache Compression**. "
        "Nothing to add.",
        "- ❌ `/add 2302.03287 kv cash`: there is no section `kv cash`. Closest: `kv-cache` (KV Cache Compression), "
        "`pruning` (Pruning and Sparsity), `low-rank` (Low-Rank Decomposition). Post the command again with one of "
        "them (`/help` lists them all).",
    ]
    assert catalog_module.split_lines(catalog_text(taxonomy))[n - 1].startswith("- [SnapKV")


def test_move_and_remove_open_their_own_prs(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    outcome = handle(github, arxiv, taxonomy, "/move 2210.17323 pruning\n/remove 2404.14469")
    assert [r.kind for r in outcome.replies] == ["move_done", "remove_done"] and arxiv.asked == []
    moved = catalog_on(github, "bot/move-2210.17323", taxonomy)
    item = moved.find_by_id("2210.17323")
    assert item is not None and (item.section, item.subsection) == ("pruning", None)
    assert moved.arxiv_id_set() == catalog_module.parse(catalog_text(taxonomy), taxonomy).arxiv_id_set()
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
    assert f"(arXiv 2404.14469, [line {n}]({CATALOG_URL}#L{n}) in **KV Cache Compression**)" in body


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


def pr_url(github: FakeGitHub, number: int) -> str:
    return f"{github.url}/Codertocat/Hello-World/pull/{number}"


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


FORM_BODY = """### arXiv link

https://arxiv.org/abs/2302.03287v3

### Code link

_No response_

### Suggested section

Efficient Reasoning

### Why it belongs

It is about ${{ secrets.GITHUB_TOKEN }} and $(id) and <b>bold</b>.
/remove 2404.14469
"""


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
    assert fields["section"]["attributes"]["options"] == [s.title for s in taxonomy.sections]
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


# -- robustness ----------------------------------------------------------------------------------------------


def test_comments_by_bots_are_ignored(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    for login, kind in [(BOT_LOGIN, "Bot"), ("dependabot[bot]", "Bot"), ("renovate", "Bot")]:
        outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=login, user_type=kind)
        assert outcome.ignored.startswith("written by a bot")
    assert github.counts == {} and github.reactions == [] and arxiv.asked == []


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
    assert len(new.items) == len(catalog_module.parse(catalog_text(taxonomy), taxonomy).items) + 1
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
        (lambda catalog, papers: [("gone", None, 0.9)] * len(papers), "it chose 'gone', which config/"),
        (lambda catalog, papers: [("resources", None, 0.9)] * len(papers), "lists tools, not papers"),
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
        assert "catalog.md is missing or empty on the default branch" in status(fake)
        assert not fake.violations


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


def waiting_tags(github: FakeGitHub) -> set[str]:
    stored = markers.find(status(github), MARKER_KIND)
    assert stored is not None
    return {p["tag"] for p in stored["pending"]}


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
