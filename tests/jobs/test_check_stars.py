"""check-stars: the pure refresh of entries, then the job on the fake GitHub (real PyGithub, real
HTTP on 127.0.0.1, every GraphQL query validated against GitHub's schema), with request counts."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.core.catalog_document import render_document
from bot.core.catalog_parse import parse
from bot.core.entry import Entry, render_entry
from bot.forge.protocols import RepoInfo
from bot.jobs.check_stars import (
    GitHubRepoResolver,
    RememberedRepositories,
    StarsReport,
    refresh_entries,
    repo_link,
    report_text,
    repository_names,
    run,
)
from bot.linkcheck import Verdict
from tests.fake_github import (
    BOT_TOKEN,
    FakeGitHub,
    Fault,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
)
from tests.golden_files import assert_shown_in_docs


def paper(index: int, code_url: str = "", stars: int | None = None, archived: bool = False) -> Entry:
    return Entry(
        title=f"Paper number {index} on quantization",
        url=f"https://example.org/paper/{index}",
        authors=("Ada Lovelace",),
        year=2024,
        month=5,
        code_url=code_url,
        stars=stars,
        archived=archived,
    )


def tool(index: int, url: str) -> Entry:
    return Entry(title=f"Tool {index}", url=url, kind="resource", description="A library.")


def document(taxonomy, papers: list[Entry], tools: list[Entry] = ()) -> str:
    return render_document(taxonomy, {("quantization", "weight-only"): papers, ("tools", None): list(tools)})


def line_of(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# -- recognising repository links ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, name, rest, own_page",
    [
        ("https://github.com/IST-DASLab/gptq", "IST-DASLab/gptq", "", True),
        ("http://www.github.com/a/b.git", "a/b", "", True),
        ("https://github.com/a/b/", "a/b", "/", True),
        ("https://github.com/a/b#readme", "a/b", "#readme", True),
        ("https://github.com/a/b/tree/dev", "a/b", "/tree/dev", True),
        (
            "https://github.com/google-research/google-research/tree/master/grow_bert",
            "google-research/google-research",
            "/tree/master/grow_bert",
            False,
        ),
        ("https://github.com/a/b/blob/main/README.md", "a/b", "/blob/main/README.md", False),
        ("https://github.com/user/user.github.io", "user/user.github.io", "", True),
    ],
)
def test_repository_links(url, name, rest, own_page):
    link = repo_link(url)
    assert (link.name, link.rest, link.is_repository_page) == (name, rest, own_page)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/topics/llm",
        "https://github.com/someone",
        "https://gist.github.com/a/b",
        "https://gitlab.com/a/b",
        "https://github.com/orgs/x",
        "https://example.org/github.com/a/b",
    ],
)
def test_links_that_are_not_repositories(url):
    assert repo_link(url) is None


def test_repository_names_come_from_every_line_once(taxonomy):
    text = document(
        taxonomy, [paper(1, "https://github.com/a/one"), paper(2, "https://github.com/a/one/tree/x")]
    )
    text += "\nSee also [two](https://github.com/b/two) and https://github.com/a/one.\n"
    assert repository_names(text) == ["a/one", "b/two"]


# -- the pure refresh ----------------------------------------------------------------------------------


def test_stars_are_written_only_when_the_shown_value_changes(taxonomy):
    text = document(
        taxonomy,
        [paper(1, "https://github.com/a/one", stars=1234), paper(2, "https://github.com/a/two", stars=80)],
    )
    infos = {"a/one": RepoInfo("a/one", True, stars=1249), "a/two": RepoInfo("a/two", True, stars=97)}

    new, findings = refresh_entries(parse(text, taxonomy), infos)

    changed = [
        (old, line)
        for old, line in zip(text.splitlines(), new.render().splitlines(), strict=True)
        if old != line
    ]
    assert len(changed) == 1 and changed[0][1].endswith("[code](https://github.com/a/two) ⭐ 97")
    assert "[code](https://github.com/a/one) ⭐ 1.2k" in new.render()  # 1249 still shows as 1.2k
    assert [(f.kind, f.repo, f.old, f.new) for f in findings] == [("stars", "a/two", "80", "97")]


def test_unchanged_rounding_gives_no_diff_at_all(taxonomy):
    text = document(
        taxonomy,
        [
            paper(i, f"https://github.com/a/r{i}", stars=s)
            for i, s in enumerate([15_400, 2_000, 999, 1_210_000])
        ],
    )
    infos = {
        f"a/r{i}": RepoInfo(f"a/r{i}", True, stars=s) for i, s in enumerate([15_999, 2_049, 999, 1_249_000])
    }
    new, findings = refresh_entries(parse(text, taxonomy), infos)
    assert new.render() == text and findings == []


def test_renamed_archived_and_deleted_repositories(taxonomy):
    text = document(
        taxonomy,
        [
            paper(1, "https://github.com/old/name/tree/v2", stars=10),
            paper(2, "https://github.com/a/frozen", stars=500),
            paper(3, "https://github.com/a/gone", stars=42),
            paper(4, "https://github.com/a/thawed", stars=5, archived=True),
            paper(5, "https://github.com/a/mono/tree/main/sub", stars=7),
        ],
        [tool(1, "https://github.com/old/name")],
    )
    infos = {
        "old/name": RepoInfo("old/name", True, stars=12, current_name="new-owner/new-name"),
        "a/frozen": RepoInfo("a/frozen", True, stars=500, archived=True),
        "a/gone": RepoInfo("a/gone", False),
        "a/thawed": RepoInfo("a/thawed", True, stars=5),
        "a/mono": RepoInfo("a/mono", True, stars=35_000),
    }

    new, findings = refresh_entries(parse(text, taxonomy), infos)
    out = new.render()

    assert "[code](https://github.com/new-owner/new-name/tree/v2) ⭐ 12" in out
    assert "- [Tool 1](https://github.com/new-owner/new-name) - A library. · ⭐ 12" in out
    assert line_of(out, "a/frozen").endswith("[code](https://github.com/a/frozen) ⭐ 500 (archived)")
    assert line_of(out, "a/gone") == line_of(text, "a/gone")  # reported, never removed
    assert line_of(out, "a/thawed").endswith("[code](https://github.com/a/thawed) ⭐ 5")
    assert line_of(out, "a/mono") == line_of(text, "a/mono")  # a subfolder of a mono-repo: not its stars
    kinds = {(f.kind, f.repo) for f in findings}
    assert kinds == {
        ("renamed", "old/name"),
        ("stars", "old/name"),
        ("archived", "a/frozen"),
        ("deleted", "a/gone"),
        ("unarchived", "a/thawed"),
    }
    gone = next(f for f in findings if f.kind == "deleted")
    assert gone.line == out.splitlines().index(line_of(out, "a/gone")) + 1 and gone.title.startswith(
        "Paper number 3"
    )
    assert all(f.applied for f in findings)
    assert parse(out, taxonomy).arxiv_id_set() == parse(text, taxonomy).arxiv_id_set()


def test_lines_that_are_not_entries_are_reported_not_rewritten(taxonomy):
    prose = (
        "- **A hand-written line** with [code](https://github.com/old/name) and "
        "[another](https://github.com/a/gone)"
    )
    text = document(taxonomy, [paper(1)]).replace("## Pruning", f"{prose}\n\n## Pruning", 1)
    infos = {
        "old/name": RepoInfo("old/name", True, stars=3, current_name="new/name"),
        "a/gone": RepoInfo("a/gone", False),
    }

    new, findings = refresh_entries(parse(text, taxonomy), infos)

    assert new.render() == text
    line = text.splitlines().index(prose) + 1
    assert {(f.kind, f.line, f.applied, f.new) for f in findings} == {
        ("renamed", line, False, "https://github.com/new/name"),
        ("deleted", line, False, ""),
    }


def test_the_moved_to_url_is_shown_as_other_urls_are(taxonomy, tmp_path):
    """The "moved to" of a hand-written line joined GitHub's new name to the rest of the catalog's
    link unescaped: an issue's URL cross-referenced that issue from the report, and a `|` (as the
    API could give) ended the table cell. It is shown as the old URL is (``url``)."""
    from bot.jobs.check_stars import run

    prose = (
        "- **By hand**: see [the issue](https://github.com/old/name/issues/5) and [x](https://github.com/a/b)"
    )
    path = tmp_path / "catalog.md"
    path.write_text(document(taxonomy, [paper(1)]).replace("## Pruning", f"{prose}\n\n## Pruning", 1))

    class Directory:
        def lookup_failure(self) -> str:
            return ""  # answered

        def repositories(self, names):
            return {
                "old/name": RepoInfo("old/name", True, stars=3, current_name="new/name"),
                "a/b": RepoInfo("a/b", True, stars=3, current_name="c/d|e"),
            }

    out = io.StringIO()
    run(path, Directory(), taxonomy, dry_run=True, out=out)
    rows = [row for row in out.getvalue().splitlines() if "moved to" in row]
    assert [row.split("moved to ", 1)[1].split(": edit", 1)[0] for row in rows] == [
        "`https://github.com/new/name/issues/5`",
        "https://github.com/c/d%7Ce",
    ]
    assert all(row.count("|") == 5 for row in rows)  # one cell each: nothing ends one early


def test_a_repository_github_did_not_answer_for_is_left_alone(taxonomy):
    text = document(taxonomy, [paper(1, "https://github.com/a/one", stars=3)])
    new, findings = refresh_entries(parse(text, taxonomy), {})
    assert new.render() == text and [f.kind for f in findings] == ["unchecked"]


def test_an_entry_in_an_html_comment_is_left_alone_neither_looked_up_nor_reported(taxonomy):
    """An entry a maintainer commented out is not listed: its repository is not looked up, it is
    in no finding (it was "not checked: GitHub gave no answer" on every run, then looked up and
    refreshed like a listed one), and its line stays as written, stars included."""
    from bot.jobs.check_stars import refresh_text

    text = document(
        taxonomy, [paper(1, "https://github.com/a/one", stars=3), paper(2, "https://github.com/a/two")]
    )
    line = line_of(text, "github.com/a/one")
    text = text.replace(line, f"<!--\n{line}\n-->")

    class Directory:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def lookup_failure(self) -> str:
            return ""  # answered

        def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
            self.asked += names
            return {n: RepoInfo(n, exists=False) for n in names}

    directory = Directory()
    new, findings, looked_up = refresh_text(text, directory, taxonomy)
    assert directory.asked == ["a/two"] and looked_up == 1
    assert [(f.kind, f.repo) for f in findings] == [("deleted", "a/two")] and line in new


# -- the job on the fake GitHub --------------------------------------------------------------------------


def many_repositories(fake: FakeGitHub, taxonomy, tmp_path: Path, count: int) -> Path:
    entries = []
    for i in range(count):
        fake.add_remote(f"org{i}/repo{i}", stars=1000 + i * 7)
        entries.append(paper(i, f"https://github.com/org{i}/repo{i}"))
    fake.rename_remote("org1/repo1", "new-owner/repo1-renamed")
    fake.remote["org2/repo2"].archived = True
    del fake.remote["org3/repo3"]
    path = tmp_path / "catalog.md"
    path.write_text(document(taxonomy, entries), encoding="utf-8")
    return path


def test_250_repositories_in_three_graphql_requests(fake_github, taxonomy, tmp_path):  # noqa: F811
    path = many_repositories(fake_github, taxonomy, tmp_path, 250)
    before = path.read_text(encoding="utf-8")
    out = io.StringIO()

    report = run(path, forge_for(fake_github), taxonomy, out=out)

    requests = sum(fake_github.counts.values())
    assert requests == fake_github.counts["POST /graphql"] == math.ceil(250 / 100) <= math.ceil(250 / 100) + 2
    after = path.read_text(encoding="utf-8")
    assert report.written and report.repositories == 250
    assert "[code](https://github.com/org0/repo0) ⭐ 1k" in after
    assert "[code](https://github.com/org249/repo249) ⭐ 2.7k" in after
    assert "[code](https://github.com/new-owner/repo1-renamed) ⭐ 1k" in after
    assert "[code](https://github.com/org2/repo2) ⭐ 1k (archived)" in after
    assert line_of(after, "org3/repo3") == line_of(before, "org3/repo3")
    text = out.getvalue()
    assert "250 repositories looked up on GitHub." in text and "| star count shown changed | 249 |" in text
    assert "not found on GitHub (deleted, or made private)" in text

    fake_github.reset_counts()
    again = run(path, forge_for(fake_github), taxonomy, out=io.StringIO())
    assert not again.written and path.read_text(encoding="utf-8") == after
    assert dict(fake_github.counts) == {"POST /graphql": 3}


def test_dry_run_prints_the_diff_and_writes_nothing(fake_github, taxonomy, tmp_path):  # noqa: F811
    path = many_repositories(fake_github, taxonomy, tmp_path, 4)
    before = path.read_text(encoding="utf-8")
    out = io.StringIO()

    report = run(path, forge_for(fake_github), taxonomy, dry_run=True, out=out)

    assert path.read_text(encoding="utf-8") == before and not report.written
    assert "(dry run: nothing written)" in out.getvalue()
    assert "+- [Paper number 0 on quantization](https://example.org/paper/0)" in out.getvalue()
    assert "[code](https://github.com/org0/repo0) ⭐ 1k" in out.getvalue()


def test_a_run_github_did_not_answer_does_not_say_up_to_date(fake_github, taxonomy, tmp_path):  # noqa: F811
    """With GitHub unreachable every line is "not checked": the report said the catalog was up to date."""
    path = many_repositories(fake_github, taxonomy, tmp_path, 4)
    fake_github.fail("POST", "/graphql", status=502, times=1000)
    out = io.StringIO()

    report = run(path, forge_for(fake_github), taxonomy, out=out)

    assert not report.written
    assert "is up to date" not in out.getvalue()
    assert "4 lines were not checked: GitHub gave no answer. Run `check-stars` again later." in out.getvalue()


def test_a_rate_limit_mid_run_stops_the_lookups_instead_of_splitting_batches(fake_github, taxonomy, tmp_path):  # noqa: F811
    """GitHub's primary rate limit (403, x-ratelimit-remaining 0) hit on the second query, and
    still hit after the client waited for the reset: each failing batch was split in halves down
    to single repositories, every one waiting out the limit again (250 repositories: 1,003
    queries and 750 waits of 30 s, hours of a rate-limited run). A smaller query does not get
    through a rate limit: the rest is reported as not checked, and what was answered is written."""
    path = many_repositories(fake_github, taxonomy, tmp_path, 250)
    fake_github.faults.append(
        Fault(
            "POST",
            "/graphql",
            "rate_limit",
            403,
            "API rate limit exceeded for installation.",
            times=1000,
            primary=True,
            when=lambda body: '"org0"' not in json.dumps(body),  # the first batch is answered
        )
    )
    sleeps: list[float] = []
    out = io.StringIO()

    report = run(path, forge_for(fake_github, sleeps=sleeps), taxonomy, out=out)

    assert fake_github.counts["POST /graphql"] == 1 + 4  # the first batch, then 4 attempts of the second
    assert len(sleeps) == 3
    assert report.written and "[code](https://github.com/org0/repo0) ⭐ 1k" in path.read_text("utf-8")
    assert sum(1 for f in report.findings if f.kind == "unchecked") == 150
    assert "150 lines were not checked" in out.getvalue()


def test_a_server_error_that_persists_stops_the_lookups_after_two_single_repositories(
    fake_github,  # noqa: F811
    taxonomy,
    tmp_path,
    caplog,
):
    """GitHub answering 502 to every query (an outage): each failing batch was split in halves down
    to single repositories, each waiting out its retries: 250 repositories took 1,247 queries and
    58 minutes of waits (750 of them), past the night's budget before a link was checked. Two
    single lookups failing in a row mean GitHub is failing, not one repository: the rest is not
    checked, and says why."""
    path = many_repositories(fake_github, taxonomy, tmp_path, 250)
    fake_github.fail("POST", "/graphql", status=502, times=100_000)
    sleeps: list[float] = []
    forge = forge_for(fake_github, sleeps=sleeps)

    report = run(path, forge, taxonomy, out=io.StringIO())

    # batches of 100, 50, 25, 12, 6, 3, 2 once each (a batch is split, not retried), then two single
    # repositories with their 4 attempts each (waits of 2, 4 and 8 s)
    assert (fake_github.counts["POST /graphql"], len(sleeps), sum(sleeps)) == (7 + 2 * 4, 6, 2 * (2 + 4 + 8))
    assert sum(1 for f in report.findings if f.kind == "unchecked") == 250 and not report.written
    assert forge.lookup_failure() == "HTTP 502"
    assert "GitHub answered no lookup" in caplog.text and caplog.text.count(": not checked (") == 2


def test_command_line_with_a_token(fake_github, taxonomy, tmp_path, monkeypatch, capsys):  # noqa: F811
    path = many_repositories(fake_github, taxonomy, tmp_path, 5)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert bot_main(["check-stars", str(path), "--api-url", fake_github.url]) == 0
    assert (
        "⭐ 1k" in path.read_text(encoding="utf-8") and "5 repositories looked up" in capsys.readouterr().out
    )


def test_the_docs_show_the_dry_run(fake_github, taxonomy, tmp_path, monkeypatch, capsys):  # noqa: F811
    """docs/nightly.md includes this output (tests/golden/nightly-check-stars-dry-run.md):
    `check-stars --dry-run` on the default catalog.md, one repository renamed, one archived, one
    deleted."""
    many_repositories(fake_github, taxonomy, tmp_path, 4)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    before = (tmp_path / "catalog.md").read_text(encoding="utf-8")

    assert bot_main(["check-stars", "--dry-run", "--api-url", fake_github.url]) == 0

    out = capsys.readouterr().out
    assert (tmp_path / "catalog.md").read_text(encoding="utf-8") == before
    assert "| renamed or transferred: link rewritten | 1 |" in out and "not found on GitHub" in out
    assert_shown_in_docs("nightly.md", "nightly-check-stars-dry-run.md", out)


def test_without_a_token_the_job_says_what_to_do(tmp_path, monkeypatch, capsys):
    """docs/nightly.md includes this message (tests/golden/nightly-check-stars-no-token.md)."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    (tmp_path / "catalog.md").write_text("# Empty\n", encoding="utf-8")
    assert bot_main(["check-stars", str(tmp_path / "catalog.md")]) == 1
    err = capsys.readouterr().err
    assert "needs a token" in err and "GITHUB_TOKEN" in err and "gh auth token" in err
    assert_shown_in_docs("nightly.md", "nightly-check-stars-no-token.md", err)


# -- the link checker's resolver -------------------------------------------------------------------------


def test_the_resolver_answers_repository_links_in_one_query(fake_github):  # noqa: F811
    fake_github.add_remote("a/alive", stars=3)
    fake_github.add_remote("a/old", stars=3)
    fake_github.rename_remote("a/old", "b/new")
    resolver = GitHubRepoResolver(forge_for(fake_github))
    urls = [
        "https://github.com/a/alive",
        "https://github.com/a/old/tree/v1",
        "https://github.com/a/gone",
        "https://github.com/a/alive/blob/main/x.py",
    ]

    assert resolver.claims(urls[0]) and not resolver.claims("https://example.org/a/b")
    answers = resolver.resolve(urls)

    assert fake_github.counts["POST /graphql"] == 1
    assert answers[urls[0]].verdict is Verdict.ALIVE and answers[urls[0]].permanent_redirect is None
    assert answers[urls[1]].permanent_redirect == "https://github.com/b/new/tree/v1"
    assert answers[urls[2]].verdict is Verdict.DEAD and answers[urls[2]].status == 404
    assert urls[3] not in answers  # a file inside an existing repository: left to HTTP


def test_remembered_repositories_ask_once_per_name():
    asked: list[list[str]] = []

    class Directory:
        def lookup_failure(self) -> str:
            return ""  # answered

        def repositories(self, names: list[str]) -> dict[str, RepoInfo]:
            asked.append(names)
            return {n: RepoInfo(n, True, stars=1) for n in names if n != "x/unanswered"}

    remembered = RememberedRepositories(Directory())
    first = remembered.repositories(["a/b", "c/d", "x/unanswered"])
    second = remembered.repositories(["c/d", "e/f", "x/unanswered"])
    assert asked == [["a/b", "c/d", "x/unanswered"], ["e/f"]]
    assert set(first) == {"a/b", "c/d"} and set(second) == {"c/d", "e/f"}


def test_rendered_entries_parse_back_with_archived_and_stars():
    entry = paper(1, "https://github.com/a/b", stars=12_345, archived=True)
    assert render_entry(entry).endswith("[code](https://github.com/a/b) ⭐ 12k (archived)")


def test_the_maintainers_table_shows_100_rows_and_says_where_the_rest_are():
    """800 repositories gone made a report of about 92 KB, more than a comment or an issue holds
    (65,536 characters): 100 rows, then how many more and the command that lists them all."""
    from bot.jobs.check_stars import RepoFinding, StarsReport, report_text

    findings = tuple(
        RepoFinding(
            "deleted",
            n + 10,
            f"A paper with a long title, number {n}",
            f"https://github.com/o/r{n}",
            f"o/r{n}",
        )
        for n in range(800)
    )
    report = StarsReport("catalog.md", 800, findings, "", False)
    text = report_text(report)
    rows = [line for line in text.splitlines() if "https://github.com/o/r" in line]
    assert len(rows) == 100 and len(text) < 65_536
    assert (
        "| | … and 700 more: `python -m bot check-stars catalog.md --dry-run --max-rows 0` lists them all | | |"
        in text
    )
    # docs/nightly.md quotes it
    page = " ".join((Path(__file__).parents[2] / "docs" / "nightly.md").read_text(encoding="utf-8").split())
    assert (
        "`… and N more: python -m bot check-stars catalog.md --dry-run --max-rows 0 lists them all`" in page
    )
    every = report_text(report, max_rows=0)
    assert "https://github.com/o/r799" in every and "more:" not in every


@pytest.mark.parametrize(
    ("looked_up", "said"), [(1, "1 repository looked up"), (2, "2 repositories looked up")]
)
def test_the_report_counts_one_repository_in_the_singular(looked_up: int, said: str) -> None:
    """check-stars' report said "1 repositories looked up on GitHub." (the nightly table said it right)."""
    report = StarsReport(path="catalog.md", repositories=looked_up, findings=(), diff="", written=False)
    assert f"\n{said} on GitHub.\n" in report_text(report)
