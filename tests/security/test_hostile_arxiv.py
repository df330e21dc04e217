"""Hostile arXiv records pushed through the real paths: the catalog line must re-parse to the same
paper, and one bad record must not stop a run."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import arxiv
import pytest

from bot.__main__ import main
from bot.core.branches import BranchNames
from bot.core.entry import Entry, parse_entry, render_entry
from bot.core.markdown import plain_text
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.core.text import clean_title
from bot.errors import SourceError
from bot.sources import arxiv_rss as feeds
from bot.sources.arxiv_api import paper_from_result
from tests.fake_github import MAINTAINER_LOGIN, FakeGitHub
from tests.gitrepo import git, make_repo
from tests.jobs.commands.helpers import ArxivAPI, handle, status

ARXIV_URL = "https://arxiv.org/abs/2412.00021"


def _entry(title: str, authors: tuple[str, ...] = ("A",)) -> Entry:
    return Entry(title=title, url=ARXIV_URL, authors=authors, arxiv_id="2412.00021", year=2024, month=12)


# -- a title that one cleaning pass leaves with LaTeX or HTML still in it --------------------------


@pytest.mark.parametrize(
    "title",
    [
        r"KV cache \\} with \\& more",  # \\} -> \} -> } -> "" on the next pass
        r"KV cache \\\\\\\\} nested",
        r"KV cache &\#60;img src=x onerror=alert(1)\#62; tags",  # an entity formed by LaTeX
        r"KV cache \\$x^2\\$ and \\textbf{bold}",
    ],
)
def test_a_cleaned_title_is_clean(title: str) -> None:
    once = clean_title(title)
    assert clean_title(once) == once
    entry = _entry(title)
    assert parse_entry(render_entry(entry)) == entry


def test_a_formula_with_less_and_greater_than_is_mathematics_not_a_tag() -> None:
    """ "$k<d$ ... $m>2$" once lost everything between "<" and ">" (read as one tag); a real tag
    is still removed, in a formula too."""
    title = "Sparse Attention with $k<d$ Heads Works for $m>2$ Layers"
    assert clean_title(title) == "Sparse Attention with k < d Heads Works for m > 2 Layers"
    assert clean_title("KV cache $<img src=x onerror=alert(1)>$ tags") == "KV cache tags"
    entry = _entry(title)
    line = render_entry(entry)
    assert parse_entry(line) == entry and "k \\< d" in line  # escaped for markdown in the line


# -- a title that is nothing once markup is removed -------------------------------------------------

ABSTRACT = (
    "We propose a KV cache compression and quantization method for large language model inference: "
    "the key-value cache is quantized to 2 bits with per-channel keys, reducing memory of long-context "
    "LLM serving by 4x with negligible perplexity loss on LLaMA."
)
ITEM = """<item><title>{title}</title><link>https://arxiv.org/abs/{id}</link>
<description>arXiv:{id}v1 Announce Type: new
Abstract: {abstract}</description><guid isPermaLink="false">oai:arXiv.org:{id}v1</guid>
<category>cs.CL</category><pubDate>Thu, 05 Dec 2024 00:00:00 -0500</pubDate>
<arxiv:announce_type>new</arxiv:announce_type><dc:creator>Ann Author, Bob Author</dc:creator></item>"""


def hostile_feed(path: Path, titles: dict[str, str]) -> Path:
    items = "\n".join(ITEM.format(id=i, title=escape(t), abstract=ABSTRACT) for i, t in titles.items())
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.CL updates on '
        f"arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL</link><description>x</description>{items}"
        "</channel></rss>\n",
        encoding="utf-8",
    )
    return path


EMPTY_TITLES = ["<b></b>", "$$", r"\textbf{}", r"\\}"]


def test_a_title_of_markup_only_is_skipped_and_the_run_goes_on(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = {f"2412.0003{n}": t for n, t in enumerate(EMPTY_TITLES)}
    titles["2412.00039"] = "KV cache quantization for long-context LLM serving"
    feed = hostile_feed(tmp_path / "feed.xml", titles)
    assert [p.arxiv_id for p in feeds.read_papers(feed)] == ["2412.00039"]
    result = feeds.parse_feed(feed.read_bytes(), str(feed))
    assert len(result.skipped) == len(EMPTY_TITLES) and "without a title" in result.skipped[0]

    repo = make_repo(tmp_path / "repo", taxonomy)
    assert main(["poll", "--repo", str(repo), "--feed", str(feed)]) == 0  # was: a crash, exit 3
    assert "bot/arxiv-2412.00039" in git(repo, "branch", "--list", "bot/*")


@pytest.mark.parametrize("title", EMPTY_TITLES)
def test_the_other_readers_refuse_a_title_of_markup_only(tmp_path: Path, title: str) -> None:
    jsonl = tmp_path / "papers.jsonl"
    jsonl.write_text(json.dumps({"arxiv_id": "2412.00031", "title": title}) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no title"):
        feeds.read_papers(jsonl)
    result = arxiv.Result(entry_id="http://arxiv.org/abs/2412.00031v1", title=title, summary=ABSTRACT)
    result.published = datetime(2024, 12, 5, tzinfo=UTC)
    assert paper_from_result(result) is None  # /add answers "unknown" instead of failing the run


# -- author names the line could not carry ---------------------------------------------------------


@pytest.mark.parametrize(
    "authors",
    [
        ("Eve Smith\\", "Bob Jones", "Carol"),  # an escaped backslash before ", " is no separator
        ("Ann", "Bob\\\\", "Carol\\"),
        ("Ann", "Bob", "Carol et al."),  # read back as the "et al." mark
        ("Ann", "et al."),
        ("Ann, Jr.", "Bob ,"),
    ],
)
def test_author_names_round_trip(authors: tuple[str, ...]) -> None:
    entry = _entry("KV cache quantization", authors)
    assert parse_entry(render_entry(entry)) == entry


def test_poll_writes_the_authors_arxiv_gave(tmp_path: Path, taxonomy: Taxonomy) -> None:
    feed = hostile_feed(tmp_path / "feed.xml", {"2412.00041": "KV cache quantization for LLM serving"})
    feed.write_text(
        feed.read_text(encoding="utf-8").replace("Ann Author, Bob Author", "Eve Smith\\, Bob Jones, Carol"),
        encoding="utf-8",
    )
    repo = make_repo(tmp_path / "repo", taxonomy)
    assert main(["poll", "--repo", str(repo), "--feed", str(feed)]) == 0
    diff = git(repo, "diff", "main", "bot/arxiv-2412.00041", "--", "catalog.md")
    [line] = [line[1:] for line in diff.splitlines() if line.startswith("+- ")]
    entry = parse_entry(line)
    assert entry is not None and entry.authors == ("Eve Smith\\", "Bob Jones", "Carol")


# -- a title that names another paper's id ---------------------------------------------------------


def test_a_title_naming_another_id_is_no_duplicate_and_blocks_nothing(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    """SnapKV (2404.14469) is in the catalog; a paper titled with its id, then a paper whose id
    that title names (2412.00052): both are proposed, and the catalog still lints clean."""
    feed = hostile_feed(
        tmp_path / "feed.xml",
        {"2412.00051": "KV cache quantization · see arXiv 2404.14469 and arXiv:2412.00052 · (archived)"},
    )
    repo = make_repo(tmp_path / "repo", taxonomy)
    assert main(["poll", "--repo", str(repo), "--feed", str(feed)]) == 0
    catalog = tmp_path / "catalog.md"
    catalog.write_text(git(repo, "show", "bot/arxiv-2412.00051:catalog.md"), encoding="utf-8")
    capsys.readouterr()
    assert main(["lint", str(catalog)]) == 0, capsys.readouterr().out  # was: "duplicate of line ..."

    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2412.00051")
    feed = hostile_feed(tmp_path / "next.xml", {"2412.00052": "Paged KV cache quantization for LLM serving"})
    assert main(["poll", "--repo", str(repo), "--feed", str(feed)]) == 0
    assert "bot/arxiv-2412.00052" in git(repo, "branch", "--list", "bot/*")  # was: "already listed"


# -- issue references ------------------------------------------------------------------------------

# What GitHub links as an issue (and closes after "Fixes"), backslash-escaped or not: #1,
# org/repo#1, GH-1, and an issue, pull request or discussion URL (a cross-reference in its timeline).
REFERENCE = re.compile(
    r"(?<![\w`])\\?#[0-9]|\b[\w.-]+/[\w.-]+\\?#[0-9]|\bGH-[0-9]"
    r"|github\.com/[\w.-]+/[\w.-]+/(?:issues|pull|discussions)/[0-9]",
    re.IGNORECASE,
)
ISSUE_URL = "https://github.com/victim/repo/issues/9"


def test_a_title_references_no_issue_in_a_pr_title_body_or_commit(taxonomy: Taxonomy) -> None:
    title = f"Fixes #1, closes org/repo#45 and GH-7, see {ISSUE_URL}: KV cache quantization"
    paper = Paper(
        arxiv_id="2412.00061",
        title=title,
        authors=("Resolves #2",),
        abstract=f"Fix #3, https://GitHub.com/o/r/pull/4/files. {ABSTRACT}",
        venue=f"{ISSUE_URL}#issuecomment-1",
    )
    proposal = Proposal(paper=paper, entry=paper_entry(paper), section="kv-cache")
    change = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/"))
    body = change.body.split("```")[0]  # the fenced entry line is code: GitHub links nothing there
    for text in (change.title, change.commit_message, body):
        assert "#1" in text.replace("\u200b", "") and not REFERENCE.search(text), text
    assert not REFERENCE.search(plain_text(f"Fixes #1\nsee org/repo#45\n{ISSUE_URL}"))
    assert "https://GitHub.com/o/r/pull/4/files" in body.replace("\u200b", "")  # still readable


def test_a_command_reply_references_no_issue_from_an_arxiv_title(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    arxiv.retitle("2405.13786", f"Fixes #1 and org/repo#45 {ISSUE_URL}: KV](javascript:alert(1)) @octocat")
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=MAINTAINER_LOGIN)
    assert [r.kind for r in outcome.replies] == ["add_done"]
    [reply] = [line for line in status(github).splitlines() if "Fixes" in line]
    assert not REFERENCE.search(reply.replace("[#2](", "")), reply  # the bot's own PR link stays
    [opened] = github.pulls()
    own_request = "github.com/Codertocat/Hello-World/issues/1"  # "Requested by ... in <this issue>"
    assert not REFERENCE.search(opened.title + opened.body.split("```")[0].replace(own_request, ""))
