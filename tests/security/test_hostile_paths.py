"""Hostile text end to end, property-based, on the paths that were already safe (kept so that they
stay so): a paper's PR title, commit message and body; an issue comment's commands and the answer,
PRs and branches they make on the fake GitHub; the branch name of any arXiv id; an adopted list
of any bytes given to ``import``. Each checks what GitHub would do with the text: mention someone,
link or close an issue, hide text in an HTML comment, show a link, image or tag."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pytest_httpserver import HTTPServer

from bot import __main__ as cli
from bot.core import arxiv_ids, catalog_parse
from bot.core.branches import BranchNames, paper_id_of
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from tests.fake_github import BOT_LOGIN, MAINTAINER_LOGIN, FakeGitHub
from tests.jobs.commands.helpers import OUTSIDER, ArxivAPI, catalog_text, handle

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
PIECES = [
    *"[]()!<>&`*_|#~\\\"'$",
    "@mallory",
    "#4242",
    "GH-4242",
    "Fixes #4242",
    "o/r#4242",
    "https://github.com/o/r/issues/4242",
    "<!--",
    "-->",
    "::set-output name=x::y",
    "::add-mask::",
    "\x1b[31m",
    "\u202e",
    "\u200b",
    "\x00",
    "\r",
    "\n",
    "\n\n",
    "\t",
    "\u2028",
    "```",
    "~~~",
    "[x](https://evil.example)",
    "![i](https://evil.example/i.png)",
    "<img src=x onerror=alert(1)>",
    "<details>",
    "&#64;mallory",
    "&lt;b&gt;",
    "${{ secrets.X }}",
    "$(id)",
    "# ",
    "- ",
    "1. ",
    "> ",
    "KV cache",
    " ",
]
HOSTILE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join)
SUMMARY_TAG = re.compile(r"</?(?:details|summary|br|sub|sup|b|i|code|em|strong)>")
MARKER = re.compile(r"<!-- catalog-bot:.*?-->", re.S)  # the bot's own hidden state
# what GitHub links or notifies (the text's "#4242", "@mallory" defused by a zero-width space)
REFERENCE = re.compile(r"@(?!\u200b)mallory|#(?!\u200b)4242|(?<!\w)GH-(?!\u200b)4242|/issues(?!\u200b)/4242")
UNTRUSTED = settings(deadline=None, suppress_health_check=list(HealthCheck))


def invisible(text: str) -> list[str]:
    return [
        hex(ord(c))
        for c in text
        if c not in "\n\u200b" and unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
    ]


def assert_plain(text: str) -> None:
    """A PR title or commit message: no control or bidi character, nothing GitHub links."""
    assert not invisible(text) and not REFERENCE.search(text), text


def assert_shown_as_typed(body: str) -> None:
    """Markdown GitHub renders: outside code, no mention, issue reference, link or image to
    the hostile text's target, raw HTML other than the bot's own markers and summary tags."""
    assert not invisible(MARKER.sub("", body)), invisible(body)
    for token in MD.parse(body):
        if token.type == "html_block":
            for tag in re.findall(r"<[^>]*>", MARKER.sub("", token.content)):
                assert SUMMARY_TAG.fullmatch(tag), token.content
        for child in token.children or []:
            if child.type == "text":
                assert not REFERENCE.search(child.content), child.content
            elif child.type == "html_inline":
                assert SUMMARY_TAG.fullmatch(child.content), child.content
            elif child.type in ("link_open", "image"):
                assert "evil" not in str(child.attrs), child.attrs


@UNTRUSTED
@given(title=HOSTILE, author=HOSTILE, abstract=HOSTILE, comment=HOSTILE)
def test_a_papers_pr_shows_arxiv_text_as_typed(
    taxonomy: Taxonomy, title: str, author: str, abstract: str, comment: str
) -> None:
    paper = Paper(
        arxiv_id="2412.00021",
        title=f"KV {title}",
        authors=(author, "Bob"),
        abstract=abstract,
        comment=comment,
        categories=("cs.CL",),
    )
    proposal = Proposal(paper=paper, entry=paper_entry(paper), section="kv-cache")
    change = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/"))
    assert "\n" not in change.title
    assert_plain(change.title)
    assert_plain(change.commit_message)
    assert_shown_as_typed(change.body)


COMMANDS = st.sampled_from(
    [
        "/add 2405.13786 {}",
        "/add {} kv-cache",
        "/add 2405.13786 kv-cache code={}",
        "/move 2404.14469 {}",
        "/remove {}",
        '/teach "{}" kv-cache',
        "/approve {}",
        "/help {}",
        "{}",
    ]
)
COMMENT = st.lists(st.tuples(COMMANDS, HOSTILE).map(lambda c: c[0].format(c[1])), min_size=1, max_size=3)


@settings(UNTRUSTED, max_examples=6)
@given(lines=COMMENT, title=HOSTILE, user=st.sampled_from([MAINTAINER_LOGIN, OUTSIDER]))
def test_a_hostile_comment_gets_answers_and_prs_that_show_it_as_typed(
    httpserver: HTTPServer, taxonomy: Taxonomy, lines: list[str], title: str, user: str
) -> None:
    httpserver.clear()
    arxiv = ArxivAPI(httpserver)
    arxiv.retitle("2405.13786", f"KV {title} cache")
    files = {"catalog.md": catalog_text(taxonomy)}
    with FakeGitHub(owner="Codertocat", name="Hello-World", default_branch="master", files=files) as github:
        github.add_issue("Spelling error in the README file", "It looks like", user=OUTSIDER)
        handle(github, arxiv, taxonomy, "\n".join(lines), user=user)
        for comment in github.issue_comments(1):
            if comment.user == BOT_LOGIN:
                assert_shown_as_typed(comment.body)
        for pull in github.pulls():
            assert_plain(pull.title)
            assert_shown_as_typed(pull.body)
        for branch in github.branches():
            assert git_accepts(branch), branch
        assert not github.violations


def git_accepts(branch: str) -> bool:
    return subprocess.run(["git", "check-ref-format", f"refs/heads/{branch}"], check=False).returncode == 0


NEW_ID = st.builds(
    "{:02d}{:02d}.{}".format,
    st.integers(7, 99),
    st.integers(1, 12),
    st.integers(1, 9999).map("{:05d}".format),
).filter(arxiv_ids.is_valid)
OLD_ID = st.builds(
    "{}{}/{:07d}".format,
    st.sampled_from(["cs", "hep-th", "math", "cond-mat", "q-bio"]),
    st.sampled_from(["", ".AG", ".CL"]),
    st.integers(0, 9_999_999),
)


@settings(max_examples=60, deadline=None)
@given(
    arxiv_id=st.one_of(NEW_ID, OLD_ID),
    version=st.integers(1, 30),
    prefix=st.sampled_from(["bot/", "x_y/", ""]),
)
def test_a_papers_branch_is_valid_for_git_and_the_same_however_the_id_is_written(
    arxiv_id: str, version: int, prefix: str
) -> None:
    names = BranchNames.from_prefix(prefix)
    branch = names.paper(arxiv_id)
    assert git_accepts(branch) and paper_id_of(branch) == arxiv_id
    for written in (
        f"{arxiv_id}v{version}",
        f"arXiv:{arxiv_id}v{version}",
        f"https://arxiv.org/abs/{arxiv_id}",
    ):
        assert names.paper(arxiv_ids.parse_user_id(written) or "") == branch


LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
LIST_LINES = [line for path in sorted(LISTS.iterdir()) for line in path.read_text("utf-8").splitlines()[:300]]
LIST_PIECES = [
    *PIECES,
    "<ul>",
    "<li>",
    "<table><tr><td>",
    "<![CDATA[",
    "<!DOCTYPE",
    "|---|---|",
    "https://github.com[/o/r",
    "http://[::1",
    "\ufeff",
    "&#xD800;",
    "    ",
    "## ",
    " · ",
]


@st.composite
def byte_soup(draw: st.DrawFn) -> bytes:
    """Lines of the real lists, cut and spliced with hostile pieces, and maybe bytes that are no UTF-8."""
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        line = draw(st.sampled_from(LIST_LINES))
        cut = draw(st.integers(0, len(line)))
        parts.append(line[:cut] + draw(st.sampled_from(LIST_PIECES)) + line[cut:] + "\n")
    return "".join(parts).encode() + draw(st.one_of(st.just(b""), st.binary(max_size=8)))


@settings(UNTRUSTED, max_examples=15)
@given(soup=byte_soup(), suffix=st.sampled_from(["md", "html", "txt"]))
def test_import_of_any_bytes_is_a_catalog_or_one_clear_error(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], soup: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("import")
    (folder / f"list.{suffix}").write_bytes(soup)
    output = folder / "catalog.md"
    code = cli.main(["import", str(folder / f"list.{suffix}"), "--output", str(output)])
    err = capsys.readouterr().err
    assert code in (0, 1) and "Traceback" not in err, err
    if code == 0:
        written = output.read_text("utf-8")
        assert catalog_parse.parse(written).entries() and not invisible(written.replace("\t", ""))
    else:
        assert not output.exists() and "error:" in err
