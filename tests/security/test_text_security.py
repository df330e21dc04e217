"""Issue 11, text side: hostile titles, abstracts, links and redirects change nothing they should not.

One section per finding (2, 4, 5, 8, 11, 13); each test replays the attack through the code path the
bot really uses (the poll job on a hostile feed, PR bodies, the nightly job against the fake GitHub
and a loopback web site) and checks the result as GitHub would render it (markdown-it-py)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bot.__main__ import main
from bot.core import urls
from bot.core.branches import BranchNames
from bot.core.digest import DigestEntry, digest_change
from bot.core.entry import Entry, render_entry
from bot.core.paper import Paper
from bot.core.proposals import Proposal, change_request, paper_entry
from bot.core.taxonomy import Taxonomy
from bot.forge.actions import append_step_summary
from bot.jobs.check_stars import repo_link
from bot.jobs.commands import normalize_code_url
from bot.jobs.nightly.findings import LinkFix, Night, NightlySettings
from bot.jobs.nightly.publish import issue_text
from bot.sources import arxiv_rss as feeds
from bot.sources.lists import github_repo
from tests.conftest import PROJECT
from tests.gitrepo import make_repo
from tests.jobs.test_nightly import (  # noqa: F401  (fixtures)
    D1,
    SETTINGS,
    fake,
    fake_github,
    night,
    paper,
    tracking_issues,
    web,
)

ARXIV = Path(__file__).parents[1] / "fixtures" / "arxiv"
FULL_DAY = ARXIV / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
EVIL = "https://evil.example"
HOSTILE_TITLE = (
    f"Fast KV caches](https://evil.example/phish) ![t]({EVIL}/track.png) "
    "[Mallory](javascript:alert(1)) <img src=https://evil.example/x.png> @octocat"
)


class _Refs(HTMLParser):
    """Every link and image address, and every tag, in rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [value or "" for name, value in attrs if name in ("href", "src")]


def rendered(markdown: str) -> _Refs:
    """The markdown as GitHub-flavoured CommonMark renders it (raw HTML allowed, as on GitHub)."""
    parser = _Refs()
    parser.feed(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    return parser


def hostile(refs: _Refs) -> list[str]:
    return [r for r in refs.refs if r.startswith((EVIL, "javascript:")) or "evil.example" in r]


MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")


# -- 2: workflow commands in the log ------------------------------------------------------------------


def _hostile_feed(tmp_path: Path) -> Path:
    """The real day feed, every abstract starting with a workflow command, titles carrying one too."""
    text = FULL_DAY.read_text(encoding="utf-8")
    text = text.replace("Abstract: ", "Abstract: ::error title=pwned::abstract-command ")
    text = text.replace("<title>", "<title>::warning::title-command ", 1)
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, taxonomy: Taxonomy) -> Path:
    return make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))


def test_poll_prints_no_workflow_command_and_little_by_default(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _hostile_feed(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)

    assert main(["poll", "--repo", str(repo), "--feed", str(feed), "--dry-run", "--verbose"]) == 0
    verbose = capsys.readouterr()
    assert "abstract-command" in verbose.out  # the PR bodies were printed ...
    for line in (verbose.out + verbose.err).splitlines():  # ... and none of their lines is a command
        assert not line.lstrip().startswith("::"), line

    assert main(["poll", "--repo", str(repo), "--feed", str(feed), "--dry-run"]) == 0
    quiet = capsys.readouterr().out
    assert "abstract-command" not in quiet  # no PR body by default: one line per PR
    proposals = quiet.count("==> would open")
    assert proposals and len(quiet.splitlines()) < len(verbose.out.splitlines()) / 3


@pytest.mark.parametrize(
    "writes",
    [
        ["::error::x\n"],
        ["ok\n", "  ::add-mask::secret\n"],
        [":", ":warning::split across writes\n"],
        ["title\r::error::carriage return starts a new line for the runner\n"],
        ["a ##[error]legacy syntax anywhere\n"],
        ["\x1b[2K::error::after an ANSI escape\n"],
    ],
)
def test_the_guarded_stream_neutralises_every_line(writes: list[str]) -> None:
    from bot.forge.workflow_log import GuardedStream, workflow_command

    raw = io.StringIO()
    stream = GuardedStream(raw)
    for chunk in writes:
        stream.write(chunk)
    workflow_command(stream, "::error file=catalog.md,line=3::the bot's own annotation\n")
    stream.close()
    lines = raw.getvalue().splitlines()
    assert lines[-1].startswith("::error file=catalog.md")  # the bot's own command passes
    for line in lines[:-1]:
        assert not line.lstrip().startswith("::") and "##[" not in line, line


# -- 4: markdown injection ----------------------------------------------------------------------------


def _proposal(title: str = HOSTILE_TITLE) -> Proposal:
    hostile_paper = Paper(
        arxiv_id="2405.00001",
        title=title,
        authors=(f"[Mallory]({EVIL}/a)", "Bob"),
        abstract=f"We ![pixel]({EVIL}/p.png) and [click]({EVIL}/c) <img src={EVIL}/i.png>.",
        venue=f"[NeurIPS]({EVIL}/v)",
    )
    return Proposal(
        paper=hostile_paper,
        entry=paper_entry(hostile_paper),
        section="kv-cache",
        reasons=[f"near [this]({EVIL}/r)"],
        neighbours=[(f"![n]({EVIL}/n.png)", "2401.00001", 3, 0.5)],
    )


def test_pr_body_renders_no_link_or_image_from_arxiv_text(taxonomy: Taxonomy) -> None:
    body = change_request(_proposal(), taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).body
    refs = rendered(body)
    assert hostile(refs) == []
    assert "img" not in refs.tags
    assert "https://arxiv.org/abs/2405.00001" in refs.refs  # the real paper link is still a link


def test_digest_body_renders_no_link_from_a_title(taxonomy: Taxonomy) -> None:
    line = render_entry(
        Entry(
            title=HOSTILE_TITLE,
            url="https://arxiv.org/abs/2405.00001",
            authors=("A",),
            arxiv_id="2405.00001",
            year=2024,
            month=5,
        )
    )
    change = digest_change(
        [DigestEntry("2405.00001", "kv-cache", None, line)], taxonomy, "catalog.md", "bot/digest"
    )
    assert change is not None
    refs = rendered(change.body)
    assert hostile(refs) == [] and "img" not in refs.tags
    assert "https://arxiv.org/abs/2405.00001" in refs.refs


def test_nightly_pr_table_renders_no_link_from_a_catalog_title(fake, web, taxonomy) -> None:  # noqa: F811
    from bot.core.catalog_document import render_document

    site = web[0]
    site.pages["/a"] = (200, {})
    fake.add_remote("org/kept", stars=1234)
    entry = Entry(
        title=HOSTILE_TITLE,
        url=site.url("/a"),
        authors=("A",),
        year=2024,
        month=5,
        code_url="https://github.com/org/kept",
    )
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): [entry]}))
    outcome = night(fake, web, taxonomy, D1)
    assert outcome.pr_action == "opened"
    [pull] = fake.pulls()
    refs = rendered(pull.body)
    assert "Fast KV caches" in pull.body  # the title is in the star table ...
    assert hostile(refs) == [] and "img" not in refs.tags  # ... as text
    assert not MENTION.search(re.sub(r"<!--.*?-->", "", pull.body, flags=re.S))


# -- 5: permanent redirects to another host -----------------------------------------------------------


def test_nightly_does_not_follow_a_redirect_to_another_host(fake, web, taxonomy) -> None:  # noqa: F811
    from bot.core.catalog_document import render_document

    site, twin = web
    other_host = f"http://localhost:{twin.port}/phish"  # another host name for the same loopback
    twin.pages["/phish"] = (200, {})
    site.pages.update(
        {"/moved": (301, {"Location": other_host}), "/same": (301, {"Location": "/here"}), "/here": (200, {})}
    )
    fake.add_remote("org/kept", stars=1234)
    entries = [
        paper(1, site.url("/moved"), "https://github.com/org/kept", stars=1234),
        paper(2, site.url("/same"), "https://github.com/org/kept", stars=1234),
    ]
    fake.push("catalog.md", render_document(taxonomy, {("quantization", "weight-only"): entries}))

    night(fake, web, taxonomy, D1)

    new = fake.file("catalog.md", "bot/nightly-maintenance")
    assert other_host not in new and site.url("/moved") in new  # not rewritten ...
    assert site.url("/here") in new  # ... while a same-host redirect is
    [issue] = tracking_issues(fake)
    row = next(line for line in issue.body.splitlines() if other_host in line)
    assert site.url("/moved") in row and "another host" in row  # ... and listed for a maintainer


def issue_body_with(fix: LinkFix) -> str:
    """The nightly tracking issue's body for a night whose one finding is the link fix ``fix``."""
    night = Night(
        date="2024-06-01",
        link_counts={},
        repositories=0,
        repo_findings=(),
        fixes=(fix,),
        dead=(),
        watching=(),
        unknown=(),
        state={},
    )
    return issue_text(night, NightlySettings())[1]


def test_a_hostile_redirect_target_is_listed_as_text_not_as_a_link() -> None:
    target = f"{EVIL}/x)[click]({EVIL}/y)"  # a Location header is the linked site's to choose
    fix = LinkFix(
        3, "T", "https://a.org/x", target, "redirect", False, f"it leads to another host ({EVIL}/z)"
    )
    body = issue_body_with(fix)
    refs = rendered(body)
    assert "click" in body and hostile(refs) == []


def test_a_redirect_to_an_issue_is_listed_without_referencing_it() -> None:
    """A linked site that redirects to a GitHub issue must not make the tracking issue (edited
    every night) cross-reference it: the URL is shown as code, which GitHub links nothing in."""
    target = "https://github.com/victim/repo/issues/1"
    fix = LinkFix(3, "T", "https://a.org/x", target, "redirect", False, "it leads to another host")
    body = issue_body_with(fix)
    row = next(line for line in body.splitlines() if "victim" in line)
    assert f"`{target}`" in row and "https://a.org/x" in row  # the plain link stays a link


def test_a_documented_host_pair_is_followed(fake, web, taxonomy) -> None:  # noqa: F811
    from dataclasses import replace

    from bot.core.catalog_document import render_document

    site, twin = web
    twin.pages["/new"] = (200, {})
    site.pages["/moved"] = (301, {"Location": f"http://localhost:{twin.port}/new"})
    fake.add_remote("org/kept", stars=1234)
    fake.push(
        "catalog.md",
        render_document(
            taxonomy,
            {
                ("quantization", "weight-only"): [
                    paper(1, site.url("/moved"), "https://github.com/org/kept", stars=1234)
                ]
            },
        ),
    )
    settings = replace(SETTINGS, redirect_hosts=((f"127.0.0.1:{site.port}", f"localhost:{twin.port}"),))

    night(fake, web, taxonomy, D1, settings=settings)

    assert f"http://localhost:{twin.port}/new" in fake.file("catalog.md", "bot/nightly-maintenance")


# -- 8: invisible characters, mentions and length -----------------------------------------------------


BIDI = "\u202eevil\u202c \u2066x\u2069 zero\u200bwidth\u200d \ufeffbom \u00adsoft \x07bell"


def _feed_with_title(tmp_path: Path, title: str, authors: str) -> Path:
    text = FULL_DAY.read_text(encoding="utf-8")
    start = text.index("<title>", text.index("<item>"))
    end = text.index("</title>", start)
    text = text[:start] + f"<title>{title}</title>" + text[end + len("</title>") :]
    text = text.replace("<dc:creator>", f"<dc:creator>{authors}, ", 1)
    path = tmp_path / "feed.xml"
    path.write_text(text, encoding="utf-8")
    return path


UNSAFE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f]")


def test_titles_and_authors_lose_bidi_and_invisible_characters_and_are_capped(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    long_title = "Attention " + BIDI.replace("\x07", "&#x7;") + " " + "very long " * 100
    [first, *_] = feeds.read_papers(_feed_with_title(tmp_path, long_title, "Eve \u202eRTL\u202c Smith"))
    assert not UNSAFE.search(first.title) and "evil" in first.title
    assert len(first.title) <= 300 and first.title.endswith("…")
    assert all(not UNSAFE.search(author) for author in first.authors)
    assert any("RTL" in author for author in first.authors)
    line = render_entry(paper_entry(first))  # what catalog.md gets
    assert not UNSAFE.search(line)


def test_pr_titles_and_commit_messages_mention_nobody(taxonomy: Taxonomy) -> None:
    change = change_request(
        _proposal("Ask @octocat and @github/security \u202eabout caches"),
        taxonomy,
        "catalog.md",
        BranchNames.from_prefix("bot/"),
    )
    for text in (change.title, change.commit_message):
        assert not MENTION.search(text), text
        assert "\u202e" not in text and "octocat" in text
    long = change_request(_proposal("word " * 200), taxonomy, "catalog.md", BranchNames.from_prefix("bot/"))
    assert len(long.title) <= 300


# -- 11: one validator for code links -----------------------------------------------------------------


HOSTILE_CODE_LINKS = [
    "https://github.com/login/device",
    "https://github.com/settings/tokens",
    "https://github.com/../../evil.example/x",
    "https://github.com/o/../../evil.example",
    "https://github.com/o/r/%2e%2e/%2e%2e/x",
    "https://github.com/sessions/two-factor",
]


@pytest.mark.parametrize("url", HOSTILE_CODE_LINKS)
def test_code_links_naming_github_pages_or_dot_segments_are_refused(url: str) -> None:
    assert normalize_code_url(url, ("github.com", "gitlab.com", "huggingface.co"))[0] is None  # /add code=
    assert urls.find_code_url(f"Code: {url}") is None  # arXiv metadata
    assert repo_link(url) is None  # star refresh
    assert github_repo(url) is None  # imported lists


def test_arxiv_code_links_go_through_the_same_validator() -> None:
    assert (
        urls.find_code_url("Code at https://github.com/login/device or https://github.com/o/r.")
        == "https://github.com/o/r"
    )
    assert urls.find_code_url("see https://github.com/o/r?token=x#frag") == "https://github.com/o/r"
    from bot.core.urls import code_link

    assert code_link("https://github.com/o/r/tree/main/src") == ("https://github.com/o/r/tree/main/src", None)
    assert code_link("https://github.com/o/r/blob/main/x.py") == (None, "not_repository")
    assert code_link("https://u:p@github.com/o/r") == (None, "credentials")


# -- 13: HTML in the job summary ----------------------------------------------------------------------


def test_an_entity_escaped_tag_in_an_rss_title_never_becomes_a_tag(tmp_path: Path) -> None:
    title = f"A &amp;lt;img src={EVIL}/t.png&amp;gt; B &amp;amp;lt;b&amp;amp;gt;"
    [first, *_] = feeds.read_papers(_feed_with_title(tmp_path, title, "A"))
    assert "<img" not in first.title and "<b" not in first.title


@pytest.fixture
def summary(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "summary.md"


def test_poll_job_summary_has_no_tag_from_a_feed(
    repo: Path,
    tmp_path: Path,
    summary: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = FULL_DAY.read_text(encoding="utf-8").replace(
        "<title>", f"<title>&amp;lt;img src={EVIL}/t.png&amp;gt; "
    )
    feed = tmp_path / "img.xml"
    feed.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert main(["poll", "--repo", str(repo), "--feed", str(feed), "--dry-run"]) == 0
    capsys.readouterr()
    written = summary.read_text(encoding="utf-8")
    assert "Near misses" in written or "Accepted" in written
    refs = rendered(written)
    assert "img" not in refs.tags and hostile(refs) == []


def test_the_job_summary_writes_raw_html_as_text(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    append_step_summary(
        {"GITHUB_STEP_SUMMARY": str(path)},
        f"<details><summary>ok</summary>\n\n<img src={EVIL}/x.png> <a href={EVIL}>x</a>\n</details>",
    )
    refs = rendered(path.read_text(encoding="utf-8"))
    assert {"details", "summary"} <= set(refs.tags)
    assert "img" not in refs.tags and "a" not in refs.tags
