"""What the issue-command tests share: real webhook payloads (only the text and the user
changed), a local server answering like the arXiv API with its real recorded entries, the
payloads' repository Codertocat/Hello-World with a small catalog, delivering one event to the
job (``handle``), and the fixtures ``arxiv`` and ``github`` (made this directory's by
conftest.py)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.core import catalog as catalog_module
from bot.core import catalog_parse, markers
from bot.core.catalog_document import render_document
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands import (
    MARKER_KIND,
    CommandRun,
    CommandSettings,
    Event,
    Router,
    Scope,
    read_event,
    run,
)
from bot.sources.arxiv_api import ApiSettings, ArxivLookup
from tests.conftest import PROJECT
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub, IssueComment, forge_for
from tests.gitrepo import paper_entry as paper

WEBHOOKS = Path(__file__).parents[2] / "fixtures" / "github" / "webhooks"
ARXIV = Path(__file__).parents[2] / "fixtures" / "arxiv"
FORM = PROJECT / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
SETTINGS = CommandSettings()
OUTSIDER = "someone"  # a GitHub user with read access only (the fake's default role)


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

    def copy_as(self, arxiv_id: str, recorded: str) -> None:
        """Answer for ``arxiv_id`` (an old-style id, say) with the recorded entry of ``recorded``."""
        entry = re.sub(
            r"<id>http://arxiv.org/abs/[^<]*</id>",
            f"<id>http://arxiv.org/abs/{arxiv_id}v1</id>",
            self.entries[recorded],
        )
        self.entries[arxiv_id] = entry.replace(
            f"arxiv.org/abs/{recorded}", f"arxiv.org/abs/{arxiv_id}"
        ).replace(f"arxiv.org/pdf/{recorded}", f"arxiv.org/pdf/{arxiv_id}")

    def retitle(self, arxiv_id: str, title: str) -> None:
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.entries[arxiv_id] = re.sub(
            r"<title>.*?</title>", f"<title>{escaped}</title>", self.entries[arxiv_id], flags=re.S
        )

    def recategorize(self, arxiv_id: str, *categories: str) -> None:
        """Answer for ``arxiv_id`` with these arXiv categories, the first one primary."""
        terms = "".join(
            f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n' for c in categories
        )
        entry = re.sub(r"    <category term=[^\n]*\n", "", self.entries[arxiv_id])
        entry = entry.replace("  </entry>", terms + "  </entry>")
        self.entries[arxiv_id] = re.sub(
            r'<arxiv:primary_category term="[^"]*"', f'<arxiv:primary_category term="{categories[0]}"', entry
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


# -- the repository: the payloads' Codertocat/Hello-World, with a small catalog -------------------------


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
    scope: Scope | None = None,
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
    return run(event, forge, forge, arxiv.lookup(), taxonomy, settings, router, scope)


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


def catalog_url(github: FakeGitHub) -> str:
    """The permalink of the catalog a run read: at the default branch's commit, not on the branch
    (a link to a line on the branch shows another line once anything above it changes)."""
    return f"https://github.com/Codertocat/Hello-World/blob/{github.head()}/catalog.md"


def line_of(arxiv_id: str, taxonomy: Taxonomy) -> int:
    item = catalog_parse.parse(catalog_text(taxonomy), taxonomy).find_by_id(arxiv_id)
    assert item is not None
    return item.line_number


def catalog_on(github: FakeGitHub, branch: str, taxonomy: Taxonomy) -> catalog_module.Catalog:
    text = github.file("catalog.md", branch)
    assert text is not None
    return catalog_parse.parse(text, taxonomy)


def pr_url(github: FakeGitHub, number: int) -> str:
    return f"{github.url}/Codertocat/Hello-World/pull/{number}"


def waiting_tags(github: FakeGitHub) -> set[str]:
    stored = markers.find(status(github), MARKER_KIND)
    assert stored is not None
    return {p["tag"] for p in stored["pending"]}


# -- the fixtures (conftest.py makes them this directory's; tests/security uses them too) ----------


@pytest.fixture
def arxiv(httpserver: HTTPServer) -> ArxivAPI:
    return ArxivAPI(httpserver)


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


# -- the issue form as GitHub renders it into an issue's body -------------------------------------

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
