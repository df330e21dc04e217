"""The resumable arXiv search names the job that runs it: new-topics' progress lines and errors
said "backfill" (the search was backfill's before new-topics shared it)."""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import config
from bot.core.taxonomy import Taxonomy
from bot.core.venues import VenueTable
from bot.errors import BotError
from bot.jobs import new_topics
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_fetch import PoliteApi
from bot.sources.arxiv_search import Progress, SearchState, search
from tests.arxiv_api_server import FIXTURES, ArxivApiServer, arxiv_api, load_metadata  # noqa: F401
from tests.conftest import ROOT

MONTH = FIXTURES / "api_metadata_2025-01_cs.CL-cs.AI_PARTLY-SYNTHETIC.jsonl.gz"
SINCE, UNTIL = datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)


@pytest.fixture
def api(arxiv_api: ArxivApiServer) -> tuple[ArxivApiServer, PoliteApi]:  # noqa: F811
    arxiv_api.seed(load_metadata(MONTH))
    settings = ApiSettings(query_url=arxiv_api.url, delay_seconds=0.0, retries=1)
    return arxiv_api, PoliteApi(settings, sleep=lambda _: None)


def papers_config() -> dict:
    data = config.load("papers")
    data["backfill"] = {**data["backfill"], "categories": ["cs.CL", "cs.AI"], "page_size": 100}
    return data


def test_new_topics_progress_names_new_topics(
    api: tuple[ArxivApiServer, PoliteApi], capsys: pytest.CaptureFixture[str]
) -> None:
    papers = new_topics.week_papers(api[1], papers_config(), SINCE, UNTIL)
    err = capsys.readouterr().err
    assert len(papers) == 236 and "backfill" not in err
    assert "new-topics: page at 200: 36 papers (236/236 read)" in err.splitlines()


def test_new_topics_empty_pages_say_what_new_topics_can_do(api: tuple[ArxivApiServer, PoliteApi]) -> None:
    api[0].empty_pages(3)
    with pytest.raises(BotError) as error:
        new_topics.week_papers(api[1], papers_config(), SINCE, UNTIL)
    message = str(error.value)
    assert "this new-topics run saves no progress: run it again later" in message
    assert "set fewer new_topics.days in config/poll.yml" in message
    assert "backfill" not in message and "--since" not in message and "dry run" not in message


def test_without_a_job_name_the_words_are_neutral(tmp_path: Path) -> None:
    log = io.StringIO()
    Progress(log).page(SearchState("q", 100, 236), 100)
    assert log.getvalue() == "arXiv search: page at 0: 100 papers (100/236 read)\n"
    broken = tmp_path / "state.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(BotError, match="is not an arXiv search state file"):
        SearchState.load(broken, "q")


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "null",
        '{"version": 1, "query": "q"}',
        '{"version": 1, "query": "q", "next_start": "x"}',
        '{"version": 1, "query": "q", "next_start": 200, "total": 236, "papers": [{"arxiv_id": "2501.00001"}]}',
        # nested past the decoder's depth (the file comes back from the Actions cache): a
        # RecursionError traceback, exit code 3
        '{"version": 1, "query": "q", "papers": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["list", "null", "no next_start", "next_start a string", "a paper without its fields", "nested"],
)
def test_a_state_file_of_another_shape_is_a_clear_error(tmp_path: Path, text: str) -> None:
    """JSON, but not the state the search writes (a hand edit, another tool's file of that name):
    an AttributeError or KeyError traceback, exit code 3, from the load or the end of the search."""
    broken = tmp_path / ".backfill-state.json"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(
        BotError, match=r"\.backfill-state\.json is not an arXiv search state file .*delete it"
    ):
        SearchState.load(broken, "q")


def test_a_state_file_over_the_cap_is_a_clear_error_and_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state file comes back from the Actions cache and was read whole, whatever its size (a
    poisoned cache: gigabytes in memory). Over the cap (the most a search's progress can be) it
    is an error saying to delete it, before its text is read; the search does not resume it."""
    from bot.sources import arxiv_search

    monkeypatch.setattr(arxiv_search, "MAX_STATE_BYTES", 1_000, raising=False)
    state = tmp_path / ".backfill-state.json"
    valid = '{"version": 1, "query": "q", "next_start": 0, "total": 236, "papers": []'
    state.write_text(valid + " " * (1_000 - len(valid)) + "}", encoding="utf-8")
    with pytest.raises(BotError, match=r"\.backfill-state\.json is 1,001 bytes, more than .*delete it"):
        SearchState.load(state, "q")
    assert arxiv_search.saved_query(state) is None
    state.write_text(valid + "}", encoding="utf-8")
    assert SearchState.load(state, "q").total == 236 and arxiv_search.saved_query(state) == "q"


@pytest.mark.parametrize("kind", ["folder", "link to /dev/zero"])
def test_a_state_file_that_is_no_file_is_a_clear_error_and_not_read(tmp_path: Path, kind: str) -> None:
    """Round 30's cap read the file's size first: a folder of the state file's name was an
    IsADirectoryError traceback (exit 3) out of backfill and new-topics, and a link to
    ``/dev/zero`` (the state comes back from the Actions cache) has a size of 0, then a read that
    never ended. Both are the file's clear error; the search does not resume them."""
    from bot.sources import arxiv_search

    state = tmp_path / ".backfill-state.json"
    if kind == "folder":
        state.mkdir()
    else:
        state.symlink_to("/dev/zero")
    with pytest.raises(BotError, match=r"\.backfill-state\.json is no file: .*delete it to start over"):
        SearchState.load(state, "q")
    assert arxiv_search.saved_query(state) is None


def test_new_topics_on_an_api_that_does_not_answer_promises_no_resume(
    api: tuple[ArxivApiServer, PoliteApi],
) -> None:
    """It said "run the job again later, it resumes where it stopped": new-topics saves nothing."""
    api[0].fail(2)  # retries=1: both attempts fail
    with pytest.raises(BotError) as error:
        new_topics.week_papers(api[1], papers_config(), SINCE, UNTIL)
    message = str(error.value)
    assert "did not answer the search page at 0" in message and "(last: HTTP 503)" in message
    assert "this new-topics run saves no progress, run it again later" in message
    assert "resumes" not in message


def test_new_topics_offline_points_to_a_saved_feed(
    tmp_path: Path, taxonomy: Taxonomy, api: tuple[ArxivApiServer, PoliteApi]
) -> None:
    """An adopter without network learns that a saved feed still gives the report."""
    from bot import __main__ as cli
    from tests.gitrepo import make_repo

    api[0].fail(2)
    repo = make_repo(tmp_path / "repo", taxonomy)
    args = cli.build_parser("new-topics").parse_args(["new-topics", "--repo", str(repo)])
    with pytest.raises(
        BotError, match=r"run it again later; or report on papers saved in a file: --feed FILE"
    ):
        new_topics.main(args, api=api[1])


def test_weekly_runs_read_every_paper_of_the_weeks_they_report_on(
    tmp_path: Path,
    taxonomy: Taxonomy,
    arxiv_api: ArxivApiServer,  # noqa: F811
) -> None:
    """The Monday run read the seven days up to that Monday, while arXiv's API lists a paper only
    once it is announced: what was submitted from Friday on (announced Monday at 20:00 ET) was not
    there yet, and the next Monday's run started on Tuesday. Those days were reported on, never
    read. Here the API lists what arXiv has announced by each Monday morning: the papers submitted
    up to the Thursday before."""
    import re

    from bot import __main__ as cli
    from tests.gitrepo import make_repo

    month = load_metadata(MONTH)
    repo = make_repo(tmp_path / "repo", taxonomy)
    args = cli.build_parser("new-topics").parse_args(["new-topics", "--repo", str(repo)])
    api = PoliteApi(ApiSettings(query_url=arxiv_api.url, delay_seconds=0.0, retries=1), sleep=lambda _: None)
    read: set[str] = set()
    ranges = []
    for monday in (datetime.date(2025, 1, 20), datetime.date(2025, 1, 27)):
        announced = monday - datetime.timedelta(days=4)  # submitted by Thursday: announced by now
        arxiv_api.papers.clear()
        arxiv_api.seed(m for m in month if datetime.date.fromisoformat(m.published[:10]) <= announced)
        arxiv_api.log.clear()
        assert new_topics.main(args, api=api, clock=lambda day=monday: day) == 0
        query = arxiv_api.log[0]["search_query"]
        read |= {m.arxiv_id for m in arxiv_api.search(query)}
        low, high = re.findall(r"\[(\d{8})0000 TO (\d{8})2359\]", query)[0]
        ranges.append((low, high))
    assert ranges == [("20250110", "20250116"), ("20250117", "20250123")]  # consecutive weeks
    reported = {m.arxiv_id for m in month if "20250110" <= m.published[:10].replace("-", "") <= "20250123"}
    assert read == reported and len(read) == 97  # every paper of the two weeks, each read once


def test_a_state_save_cut_short_keeps_the_last_state_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The state went through a fixed `.backfill-state.json.tmp`, left behind when the write failed
    (a full disk; here a file size limit) and committed by a `git add -A` after the stopped run."""
    state_path = tmp_path / ".backfill-state.json"
    SearchState("q", 0, 1000).save(state_path)
    saved = state_path.read_text(encoding="utf-8")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from bot.sources.arxiv_search import SearchState\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "papers = [{'arxiv_id': f'2501.{i:05d}', 'title': 'A paper'} for i in range(100)]\n"
        "SearchState('q', 200, 1000, papers).save(Path(sys.argv[1]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(state_path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "File too large" in done.stderr
    assert state_path.read_text(encoding="utf-8") == saved
    assert [p.name for p in tmp_path.iterdir()] == [".backfill-state.json"]


SAVED = {
    "arxiv_id": "2501.00001",
    "title": "Paged Attention",
    "abstract": "We page the cache.",
    "authors": ["Ada Lovelace", "Alan Turing"],
    "categories": ["cs.CL", "cs.AI"],
    "version": 2,
    "date": "2025-01-02",
    "comment": "ICLR 2025",
    "journal_ref": "",
    "doi": "",
    "code_url": "https://github.com/owner/repo",
    "venue": "ICLR 2025",
    "withdrawn": False,
}


def saved_state(path: Path, *papers: object, next_start: object = 1, total: object = 1) -> Path:
    state = {"version": 1, "query": "q", "next_start": next_start, "total": total, "papers": list(papers)}
    path.write_text(json.dumps(state), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"arxiv_id": "../../catalog"}, "not an arXiv id"),
        ({"authors": "Ada Lovelace"}, "authors must be a list of strings"),
        ({"withdrawn": "false"}, "withdrawn must be true or false"),
        ({"version": "2"}, "must be a whole number"),
        ({"code_url": ["https://github.com/owner/repo"]}, "code_url and venue must be strings"),
        ({"extra": {"label": 1}}, "a paper has no key 'extra'"),
        ({"date": "2025-01-02T00:00"}, "must be YYYY-MM-DD"),
    ],
)
def test_a_saved_paper_of_the_wrong_shape_is_a_clear_error(tmp_path: Path, change: dict, named: str) -> None:
    """The state comes back from the Actions cache: a paper in it was taken as written, so an id
    "../../catalog", "withdrawn": "false" (true), "authors": "A B" (three authors) or a key no
    paper has went on to the proposals."""
    state = saved_state(tmp_path / ".backfill-state.json", {**SAVED, **change})
    with pytest.raises(BotError, match=rf"not an arXiv search state file \(\w+Error: .*{re.escape(named)}"):
        SearchState.load(state, "q")


@pytest.mark.parametrize(("next_start", "total"), [(-5, 1), ("1", 1), (1, -1), (1, True), (1.5, 1)])
def test_a_saved_count_that_is_no_position_is_a_clear_error(
    tmp_path: Path, next_start: object, total: object
) -> None:
    """next_start -5 resumed the search 5 results from its end, "1" and 1.5 were read as 1."""
    state = saved_state(tmp_path / ".backfill-state.json", SAVED, next_start=next_start, total=total)
    with pytest.raises(BotError, match="must be a whole number, 0 or more"):
        SearchState.load(state, "q")


def test_a_saved_paper_is_read_as_untrusted_as_arxivs_answer(tmp_path: Path) -> None:
    """A saved paper is the search's own when the run saved it; one written over it held an ANSI
    escape and a line break in its title (copied into the PR body and the catalog line) and a
    javascript: code link (the entry's code link): they are read as the API's answer is."""
    hostile = {
        **SAVED,
        "title": "Paged\x1b[2J\n## Attention\u202e",
        "authors": ["Ada\x00 Lovelace"],
        "code_url": "javascript:alert(1)",
        "venue": "ICLR\n2025",
    }
    state = saved_state(tmp_path / ".backfill-state.json", SAVED)
    api = PoliteApi(
        ApiSettings(query_url="http://127.0.0.1:9/unused"), sleep=lambda _: None
    )  # done: not asked
    venues = VenueTable.from_config(config.load("papers"))
    [paper] = search(api, "q", 100, venues, state, Progress(io.StringIO()), SINCE)
    assert (paper.title, paper.authors, paper.code_url, paper.venue, paper.version, paper.categories) == (
        "Paged Attention",
        ("Ada Lovelace", "Alan Turing"),
        "https://github.com/owner/repo",
        "ICLR 2025",
        2,
        ("cs.CL", "cs.AI"),
    )  # a paper the run saved reads back as it was
    saved_state(state, hostile)
    [paper] = search(api, "q", 100, venues, state, Progress(io.StringIO()), SINCE)
    assert (paper.title, paper.authors, paper.code_url, paper.venue) == (
        "Paged [2J ## Attention",
        ("Ada Lovelace",),
        "",
        "ICLR 2025",
    )
