"""``enrich`` end to end against the local arXiv API (tests/arxiv_api_server.py) seeded with
metadata for every arXiv paper of a fixture catalog: real HTTP, the real ``arxiv`` package."""

from __future__ import annotations

import datetime
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import pytest

from bot import config
from bot.__main__ import main as bot_main
from bot.core import paper_store
from bot.core.catalog_document import render_document
from bot.core.catalog_parse import parse
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.core.venues import VenueTable
from bot.errors import SourceError
from bot.forge.protocols import ChangeRequest, ProposalResult, PullRequest
from bot.jobs import enrich
from bot.sources import arxiv_daily
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_fetch import PoliteApi
from tests.arxiv_api_server import ArxivApiServer, arxiv_api, synthetic  # noqa: F401
from tests.conftest import PROJECT

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2025, 3, 1)
VENUES = VenueTable.from_config(config.load("papers"))
SETTINGS = enrich.Settings()


class Clock:
    """A fake monotonic clock; ``sleep`` advances it and records the pause."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def api_for(server: ArxivApiServer, clock: Clock | None = None, **settings: object) -> PoliteApi:
    clock = clock or Clock()
    options: dict[str, object] = {"query_url": server.url, "delay_seconds": 3.0, "retries": 2}
    options.update(settings)
    return PoliteApi(ApiSettings(**options), sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]


def catalog_text(taxonomy: Taxonomy, count: int = 250) -> tuple[str, list[str]]:
    """A catalog with ``count`` arXiv papers, none showing authors, plus one without an arXiv id."""
    ids = [f"2401.{n:05d}" for n in range(1, count + 1)]
    entries = [
        Entry(title=f"Paper number {n}", url=f"https://arxiv.org/abs/{i}", arxiv_id=i, year=2024, month=1)
        for n, i in enumerate(ids)
    ]
    entries.append(
        Entry(title="A venue-only paper", url="https://example.org/p", year=2023, venue="MLSys 2023")
    )
    return render_document(taxonomy, {("quantization", "weight-only"): entries}), ids


def seed(server: ArxivApiServer, ids: list[str]) -> None:
    server.seed(synthetic(i, f"Paper number {n}", n) for n, i in enumerate(ids))
    server.seed(
        [
            synthetic(
                ids[0],
                "Paper number 0",
                0,
                journal_ref="Proceedings of the 41st International Conference on "
                "Machine Learning (ICML 2024), PMLR 235",
            ),
            synthetic(
                ids[1],
                "Paper number 1",
                1,
                comment="Accepted at ICLR 2025. Code: https://github.com/org/repo",
            ),
            synthetic(ids[2], "Paper number 2", 2, comment="Submitted to NeurIPS 2025"),
            synthetic(ids[3], "Paper number 3", 3, comment="Accepted at the Workshop on Cool Things 2025"),
            synthetic(
                ids[4], "Paper number 4", 4, comment="This paper has been withdrawn by the authors", version=2
            ),
            synthetic(
                ids[5],
                "Paper number 5",
                5,
                abstract="We were accepted at ICML 2024 (only the abstract says so).",
            ),
        ]
    )


def use_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: str) -> None:
    """The job's config folder in ``tmp_path`` (the fixture project's taxonomy, paper store and
    poll), with ``sources`` as its sources.yml (where the arXiv API is), named by CATALOG_BOT_CONFIG."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("taxonomy.yml", "papers.yml", "poll.yml"):
        (config_dir / name).write_text((PROJECT / "config" / name).read_text())
    (config_dir / "sources.yml").write_text(sources)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))


def test_enrich_fills_authors_sets_venues_marks_withdrawn_and_a_rerun_does_nothing(
    arxiv_api: ArxivApiServer, taxonomy: Taxonomy
) -> None:  # noqa: F811
    text, ids = catalog_text(taxonomy)
    seed(arxiv_api, ids)
    clock = Clock()
    result = enrich.run(text, "", api_for(arxiv_api, clock), TODAY, taxonomy, VENUES, SETTINGS)

    assert result.requests == 3 and len(arxiv_api.log) == 3  # 250 ids, 100 a request
    assert [len(r["id_list"].split(",")) for r in arxiv_api.log] == [100, 100, 50]
    assert clock.sleeps == [3.0, 3.0]  # paced 3 s apart, on the injected clock
    assert sorted(result.store) == sorted(ids) and result.unknown == []
    catalog = parse(result.text, taxonomy)
    papers = [i.entry for i in catalog.entries() if i.entry and i.entry.arxiv_id]
    assert len(papers) == len(ids) and all(e.authors for e in papers)  # 100% of the arXiv entries
    by_id = {e.arxiv_id: e for e in papers}
    assert by_id[ids[0]].venue == "ICML 2024"  # journal_ref
    assert by_id[ids[1]].venue == "ICLR 2025"  # "Accepted at ..." comment
    assert by_id[ids[2]].venue == "" and by_id[ids[3]].venue == ""  # submitted; unknown venue
    assert by_id[ids[5]].venue == ""  # abstracts never set a venue
    assert by_id[ids[4]].withdrawn and "· withdrawn" in result.text
    assert sum(e.withdrawn for e in papers) == 1
    assert by_id[ids[9]].authors == ("Author1 Of2401x00010", "Author2 Of2401x00010", "Author3 Of2401x00010")
    assert by_id[ids[9]].et_al  # 4 authors: three, then et al.
    assert "A venue-only paper" in result.text  # the entry without an id is untouched
    assert result.store[ids[1]].code_links == ("https://github.com/org/repo",)
    assert {c.field for c in result.changes} == {"authors", "venue", "withdrawn"}
    assert len({c.line for c in result.changes if c.field == "authors"}) == len(ids)

    # the second run: nothing stale, so no request and no change
    store_text = paper_store.dump(result.store)
    again = enrich.run(result.text, store_text, api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert again.requests == 0 and len(arxiv_api.log) == 3
    assert again.text == result.text and again.changes == [] and paper_store.dump(again.store) == store_text


def test_the_configured_batch_size_is_the_ids_per_request(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """``api.batch_size`` (config/sources.yml: "ids per call") held for the link check's and the
    issue commands' lookups, but enrich always asked 100 ids a call: lowering it (smaller answers
    from a struggling API) did not change its requests."""
    text, ids = catalog_text(taxonomy)
    seed(arxiv_api, ids)
    result = enrich.run(text, "", api_for(arxiv_api, batch_size=60), TODAY, taxonomy, VENUES, SETTINGS)
    assert [len(r["id_list"].split(",")) for r in arxiv_api.log] == [60, 60, 60, 60, 10]
    assert result.requests == 5 and sorted(result.store) == sorted(ids)


def test_an_entry_commented_out_is_neither_fetched_nor_rewritten(
    arxiv_api: ArxivApiServer, taxonomy: Taxonomy
) -> None:  # noqa: F811
    """Readers do not see an entry a maintainer commented out: it is not listed, so the store does
    not keep it and its line stays as written (no authors filled in)."""
    text, ids = catalog_text(taxonomy, 10)
    seed(arxiv_api, ids)
    line = next(line for line in text.splitlines(keepends=True) if ids[1] in line)
    text = text.replace(line, f"<!--\n{line}-->\n")
    result = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert sorted(result.store) == sorted(set(ids) - {ids[1]}) and ids[1] not in arxiv_api.log[0]["id_list"]
    assert line in result.text and ids[1] not in {c.arxiv_id for c in result.changes}
    assert {c.arxiv_id for c in result.changes} == set(ids) - {ids[1]}  # the others got their authors


def test_stale_and_announced_papers_are_fetched_again(arxiv_api: ArxivApiServer, taxonomy: Taxonomy) -> None:  # noqa: F811
    text, ids = catalog_text(taxonomy, 6)
    seed(arxiv_api, ids)
    first = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    store = paper_store.mark_announced(first.store, {ids[3]: 2, ids[4]: 2})  # ids[4] already has v2
    later = TODAY + datetime.timedelta(days=10)
    arxiv_api.log.clear()
    second = enrich.run(
        first.text, paper_store.dump(store), api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS
    )
    # the announced paper at once (not on its day), with those whose refresh day came
    came = {i for i in ids if paper_store.last_due(i, later, SETTINGS.max_age_days) > TODAY}
    assert ids[3] not in came and len(came) < len(ids) - 1
    assert sorted(arxiv_api.log[0]["id_list"].split(",")) == sorted({ids[3], *came})
    assert second.store[ids[3]].fetched == later.isoformat()
    arxiv_api.log.clear()
    month_later = TODAY + datetime.timedelta(days=31)
    third = enrich.run(
        second.text,
        paper_store.dump(second.store),
        api_for(arxiv_api),
        month_later,
        taxonomy,
        VENUES,
        SETTINGS,
    )
    # a month on, all the others (never older than max_age_days); ids[3] only if its day came
    waits = {ids[3], *came} - {i for i in ids if paper_store.last_due(i, month_later, 30) > later}
    assert sorted(arxiv_api.log[0]["id_list"].split(",")) == sorted(set(ids) - waits)
    assert third.changes == []


def test_a_new_version_corrects_the_title_and_the_authors(
    arxiv_api: ArxivApiServer, taxonomy: Taxonomy
) -> None:  # noqa: F811
    text, ids = catalog_text(taxonomy, 6)
    seed(arxiv_api, ids)
    first = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert parse(first.text, taxonomy).find_by_id(ids[5]).entry.venue == ""  # type: ignore[union-attr]
    arxiv_api.seed(
        [
            synthetic(
                ids[5],
                "Paper number five, retitled",
                5,
                version=2,
                authors=["New Person", "Author1 Of2401x00006"],
                comment="Accepted to Findings of EMNLP 2024",
            )
        ]
    )
    store = paper_store.mark_announced(first.store, {ids[5]: 2})
    second = enrich.run(
        first.text, paper_store.dump(store), api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS
    )
    changes = {c.field: c for c in second.changes}
    assert set(changes) == {"authors", "title", "venue"}
    assert changes["title"].new == "Paper number five, retitled" and "v2" in changes["title"].reason
    assert changes["venue"].new == "EMNLP 2024 Findings"
    entry = parse(second.text, taxonomy).find_by_id(ids[5]).entry  # type: ignore[union-attr]
    assert entry is not None and entry.authors == ("New Person", "Author1 Of2401x00006") and not entry.et_al
    # a line a maintainer wrote by hand is left alone
    hand = second.text.replace("New Person, Author1 Of2401x00006", "Someone Else")
    third = enrich.run(
        hand, paper_store.dump(second.store), api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS
    )
    assert third.changes == [] and third.text == hand


def test_retries_then_a_clear_error_and_the_run_resumes(
    arxiv_api: ArxivApiServer,
    taxonomy: Taxonomy,  # noqa: F811
    tmp_path: Path,
) -> None:
    from bot.errors import SourceError

    text, ids = catalog_text(taxonomy, 150)
    seed(arxiv_api, ids)
    saved: list[int] = []
    api = api_for(arxiv_api)
    arxiv_api.fail(1)  # the first request fails once, is retried
    store_path = tmp_path / "papers.jsonl"

    def save(store: paper_store.Store) -> None:
        saved.append(len(store))
        enrich.write_store(store_path, store)
        arxiv_api.fail(3)  # every later request fails until the retries run out

    with pytest.raises(SourceError, match="did not answer .* after 3 attempts .*HTTP 503.*resumes"):
        enrich.run(text, "", api, TODAY, taxonomy, VENUES, SETTINGS, saved=save)
    assert saved == [100] and len(paper_store.load(store_path.read_text())) == 100
    arxiv_api.log.clear()
    resumed = enrich.run(text, store_path.read_text(), api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert [len(r["id_list"].split(",")) for r in arxiv_api.log] == [50] and len(resumed.store) == 150


def test_an_answer_finding_none_of_a_batch_is_not_taken_as_unknown_papers(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """The API sometimes answers a lookup with no entries for papers it has: all 100 ids of the
    batch were named "unknown to arXiv (fix the catalog line)". Such an answer is asked again
    once (paced); only a second empty answer makes the ids unknown."""
    text, ids = catalog_text(taxonomy, 150)
    seed(arxiv_api, ids)
    arxiv_api.empty_lookups(1)
    clock = Clock()
    result = enrich.run(text, "", api_for(arxiv_api, clock), TODAY, taxonomy, VENUES, SETTINGS)
    assert result.unknown == [] and len(result.store) == 150
    assert [len(r["id_list"].split(",")) for r in arxiv_api.log] == [100, 100, 50] and clock.sleeps == [
        3.0
    ] * 2
    # a batch of ids arXiv has no paper for at all: asked twice, then they are unknown
    typos = ["2401.90001", "2401.90002"]
    text = text.replace(ids[0], typos[0]).replace(ids[1], typos[1])
    arxiv_api.log.clear()
    store = paper_store.dump({i: r for i, r in result.store.items() if i not in ids[:2]})
    typo = enrich.run(text, store, api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert sorted(typo.unknown) == typos and len(arxiv_api.log) == 2


def test_the_job_writes_the_store_and_the_catalog(
    arxiv_api: ArxivApiServer,
    taxonomy: Taxonomy,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, ids = catalog_text(taxonomy, 6)
    seed(arxiv_api, ids)
    (tmp_path / "catalog.md").write_text(text, encoding="utf-8")
    use_config(tmp_path, monkeypatch, sources=f"api:\n  query_url: {arxiv_api.url}\n  delay_seconds: 0\n")
    assert bot_main(["enrich", "--repo", str(tmp_path), "--dry-run"]) == 0
    assert not (tmp_path / "data").exists() and (tmp_path / "catalog.md").read_text() == text
    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| authors |" in out and "1 arXiv API request(s)" in out
    store = (tmp_path / "data" / "papers.jsonl").read_text()
    assert [
        paper_store.PaperRecord.from_json(__import__("json").loads(line)).arxiv_id
        for line in store.splitlines()
    ] == ids
    assert "Author1 Of2401x00001" in (tmp_path / "catalog.md").read_text()
    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 0
    assert "looked up in 0 arXiv API request(s)" in capsys.readouterr().out
    assert (tmp_path / "data" / "papers.jsonl").read_text() == store


def test_a_store_that_is_not_utf8_is_a_clear_error(
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The store was read with a bare read_text: a file saved in another encoding crashed the
    job with a traceback (exit 3) instead of saying which file and what to do."""
    text, _ = catalog_text(taxonomy, 2)
    (tmp_path / "catalog.md").write_text(text, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "papers.jsonl").write_bytes('{"title": "Caf\xe9"}\n'.encode("latin-1"))
    use_config(tmp_path, monkeypatch, sources="api:\n  query_url: http://127.0.0.1:9/api/query\n")
    assert bot_main(["enrich", "--repo", str(tmp_path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "papers.jsonl is not UTF-8 text" in err and "Traceback" not in err


def test_the_daily_feeds_new_versions_are_refetched_by_the_nightly_enricher(
    arxiv_api: ArxivApiServer, taxonomy: Taxonomy
) -> None:  # noqa: F811
    from bot.sources.arxiv_rss import read_papers

    feed = (
        Path(__file__).parents[1]
        / "fixtures"
        / "arxiv"
        / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
    )
    replaced = arxiv_daily.replaced_versions(read_papers(feed))
    assert len(replaced) == 47 and all(v >= 2 for v in replaced.values())  # the real feed's replace items

    text, ids = catalog_text(taxonomy, 6)
    seed(arxiv_api, ids)
    first = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)

    class Branch:  # a forge whose default branch holds the store, with no bot PR open
        def read_file(self, path: str) -> str:
            return paper_store.dump(first.store) if self.has_file(path) else ""

        def has_file(self, path: str) -> bool:
            return path == SETTINGS.store_path

        def bot_pull_requests(self, state: Literal["open", "closed", "all"] = "all") -> list[PullRequest]:
            return []

        def bot_pull_requests_naming(self, arxiv_ids: Sequence[str]) -> list[PullRequest]:
            return []

        def read_pull_request_file(self, pull_request: PullRequest, path: str) -> str:
            return ""

        def read_pull_request_base_file(self, pull_request: PullRequest, path: str) -> str | None:
            return None

        def read_again(self) -> None:
            pass

        def default_commit(self) -> str:
            return ""

        def propose(self, change: ChangeRequest) -> ProposalResult:
            raise AssertionError("the enricher only reads the forge")

        def close_pull_request(self, pull_request: PullRequest, comment: str) -> None:
            raise AssertionError("the enricher only reads the forge")

        def add_missing_labels(self, pull_request: PullRequest, labels: Sequence[str] = ()) -> PullRequest:
            raise AssertionError("the enricher only reads the forge")

    arxiv_api.log.clear()
    enricher = enrich.Enricher(
        api_for(arxiv_api), SETTINGS, VENUES, announced=lambda: {ids[2]: 3, "2999.00001": 2}
    )
    result = enricher.run(Branch(), first.text, taxonomy, TODAY)
    assert [r["id_list"] for r in arxiv_api.log] == [ids[2]] and result.asked == [ids[2]]
    quiet = enrich.Enricher(api_for(arxiv_api), SETTINGS, VENUES, announced=lambda: {})
    assert quiet.run(Branch(), first.text, taxonomy, TODAY).requests == 0


@pytest.mark.parametrize(
    ("url", "pdf_url"),
    [
        ("https://arxiv.org/pdf/2401.00001v2", ""),
        ("arxiv.org/abs/2401.00001", ""),
        ("https://www.arxiv.org/abs/2401.00001v1", ""),
        ("http://export.arxiv.org/abs/2401.00001", ""),
        ("https://arxiv.org/pdf/2401.00001v2.pdf", ""),
        ("https://doi.org/10.48550/arXiv.2401.00001", ""),
        ("https://example.org/paper", "https://arxiv.org/pdf/2401.00001v3"),
    ],
)
def test_a_line_linking_arxiv_without_the_id_part_is_enriched(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
    url: str,
    pdf_url: str,
) -> None:
    """The store fetched such a paper (the catalog lists it by its link), but the line was matched
    by its ``· arXiv ID`` part only, so it never got its authors or venue."""
    entry = Entry(title="Paper number 0", url=url, pdf_url=pdf_url, year=2024, month=1)
    text = render_document(taxonomy, {("quantization", "weight-only"): [entry]})
    arxiv_api.seed([synthetic("2401.00001", "Paper number 0", 0, journal_ref="ICML 2024")])
    result = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert list(result.store) == ["2401.00001"]
    assert {(c.arxiv_id, c.field) for c in result.changes} == {
        ("2401.00001", "authors"),
        ("2401.00001", "venue"),
    }
    new = parse(result.text, taxonomy).find_by_id("2401.00001").entry  # type: ignore[union-attr]
    assert new is not None and new.authors and new.venue == "ICML 2024" and new.url == entry.url


def test_saves_that_take_long_are_spaced_out_so_they_never_outweigh_the_requests(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """Each save rewrites and re-parses the whole catalog: on a 10,000-entry one that took
    longer than arXiv's 3 s between requests, after every request, so a run took 2.7 times its
    pauses. A save taking 2 s now waits for 20 s of requests; a quick one follows every request."""
    text, ids = catalog_text(taxonomy, 1000)
    seed(arxiv_api, ids)
    for save_seconds, expected in ((2.0, [1, 9]), (0.1, list(range(1, 11)))):
        clock = Clock()
        saves: list[int] = []

        def save_text(_: str, seconds: float = save_seconds, clock: Clock = clock) -> None:
            clock.now += seconds

        def save(store: paper_store.Store, saves: list[int] = saves) -> None:
            saves.append(len(store) // 100)

        result = enrich.run(
            text,
            "",
            api_for(arxiv_api, clock),
            TODAY,
            taxonomy,
            VENUES,
            SETTINGS,
            saved=save,
            saved_text=save_text,
            clock=clock,
        )
        assert (result.requests, saves) == (10, expected), save_seconds
        assert len(result.store) == 1000


def stopped_at_the_6th_request(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
    stop: Callable[[], None],
    raised: type[BaseException],
) -> tuple[list[int], list[str]]:
    """A run on 1,000 papers whose saves take 2 s (so the next one waits 20 s of requests), that
    ``stop`` ends at the 6th request (raising ``raised``): the store sizes and the catalog texts
    saved."""
    text, ids = catalog_text(taxonomy, 1000)
    seed(arxiv_api, ids)
    clock = Clock()
    saves: list[int] = []
    texts: list[str] = []

    def save_text(new: str) -> None:
        texts.append(new)
        clock.now += 2.0

    def progress(message: str) -> None:
        if message.startswith("arXiv request 6:"):
            stop()

    with pytest.raises(raised):
        enrich.run(
            text,
            "",
            api_for(arxiv_api, clock),
            TODAY,
            taxonomy,
            VENUES,
            SETTINGS,
            saved=lambda store: saves.append(len(store)),
            progress=progress,
            saved_text=save_text,
            clock=clock,
        )
    return saves, texts


def test_a_run_stopped_by_arxiv_saves_what_a_spaced_out_save_left(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """Saves taking 2 s follow every 20 s of requests; arXiv failing at the 6th request stopped
    the run with the last save after the 1st, so the answers of requests 2 to 5 were lost and
    asked again the next night (on 10,000 entries: up to 8 requests of 100 papers). They are
    saved, catalog lines first, before the run stops."""

    def fail() -> None:
        arxiv_api.fail(times=3)  # the request and its two retries

    saves, texts = stopped_at_the_6th_request(arxiv_api, taxonomy, fail, SourceError)
    assert saves == [100, 500]
    assert sum(1 for e in parse(texts[-1], taxonomy).entries() if e.entry and e.entry.authors) == 500


def test_a_run_interrupted_by_ctrl_c_saves_what_a_spaced_out_save_left(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """The same as arXiv failing, for Ctrl-C at the 6th request: the save after the 1st was the
    last, and the answers of requests 2 to 5 were lost (only an arXiv error saved them)."""

    def interrupt() -> None:
        raise KeyboardInterrupt

    saves, _ = stopped_at_the_6th_request(arxiv_api, taxonomy, interrupt, KeyboardInterrupt)
    assert saves == [100, 500]


def test_a_run_killed_with_sigterm_saves_what_arxiv_answered_and_the_next_run_goes_on(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real SIGTERM (a workflow's timeout, `kill`) to `python -m bot enrich` in a process: it
    died at once, with only what the last save held (saves are spaced out on a big catalog: 100
    of 500 papers answered in a run by hand). It now saves what arXiv answered, catalog lines
    first, and exits with status 143 (128 + SIGTERM); the next run asks only for the rest."""
    text, ids = catalog_text(taxonomy, 1000)
    seed(arxiv_api, ids)
    (tmp_path / "catalog.md").write_text(text, encoding="utf-8")
    use_config(tmp_path, monkeypatch, sources=f"api:\n  query_url: {arxiv_api.url}\n  delay_seconds: 0.2\n")
    command = [sys.executable, "-m", "bot", "enrich", "--repo", str(tmp_path)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(arxiv_api.log) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)  # the 5th request asked: the first 4 are answered
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, err.decode()
    store = paper_store.load((tmp_path / "data" / "papers.jsonl").read_text(encoding="utf-8"))
    catalog = parse((tmp_path / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    with_authors = {e.entry.arxiv_id for e in catalog.entries() if e.entry and e.entry.authors}
    assert len(store) >= 400 and with_authors == set(store)  # the lines of the saved papers
    assert not [p.name for p in (tmp_path / "data").iterdir() if p.name != "papers.jsonl"]

    asked = len(arxiv_api.log)
    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 0
    assert len(arxiv_api.log) - asked == (1000 - len(store) + 99) // 100
    assert len(paper_store.load((tmp_path / "data" / "papers.jsonl").read_text(encoding="utf-8"))) == 1000


def test_a_run_stopped_halfway_leaves_catalog_and_store_consistent_and_a_rerun_finishes(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store is saved after every request; a catalog line a new version changes (title,
    authors) is only rewritten while the store still holds the old facts. So each save writes
    the catalog lines first: stopped after the first request, the retitled paper of that request
    is already corrected, and nothing is left that a rerun could no longer correct."""
    text, ids = catalog_text(taxonomy, 150)
    seed(arxiv_api, ids)
    (tmp_path / "catalog.md").write_text(text, encoding="utf-8")
    use_config(
        tmp_path,
        monkeypatch,
        sources=f"api:\n  query_url: {arxiv_api.url}\n  delay_seconds: 0\n  retries: 0\n",
    )
    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 0
    store_path = tmp_path / "data" / "papers.jsonl"
    # a month later every paper is stale; arXiv has a v2 of two papers, one in each request
    old = store_path.read_text().replace('"fetched":"', '"fetched":"1999-01-01","x":"')
    store_path.write_text(old)
    for n in (5, 120):
        arxiv_api.seed(
            [synthetic(ids[n], f"Paper number {n}, retitled", n, version=2, authors=["New Person"])]
        )
    writes = 0
    real_write_store = enrich.write_store

    def write_store(path: Path, store: paper_store.Store) -> None:
        nonlocal writes
        real_write_store(path, store)
        writes += 1
        if writes == 1:
            arxiv_api.fail(1)  # the second request fails: the run stops after one saved request

    monkeypatch.setattr(enrich, "write_store", write_store)
    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 1
    catalog = parse((tmp_path / "catalog.md").read_text(), taxonomy)
    store = paper_store.load(store_path.read_text())
    # the newest entries come first, so the first request held ids[120], and not ids[5]
    assert store[ids[120]].title == "Paper number 120, retitled" and store[ids[5]].versions == 1
    entry = catalog.find_by_id(ids[120]).entry  # type: ignore[union-attr]
    assert entry is not None and entry.title == "Paper number 120, retitled"
    assert entry.authors == ("New Person",)

    assert bot_main(["enrich", "--repo", str(tmp_path)]) == 0  # the rerun finishes the work
    catalog = parse((tmp_path / "catalog.md").read_text(), taxonomy)
    for n in (5, 120):
        entry = catalog.find_by_id(ids[n]).entry  # type: ignore[union-attr]
        assert entry is not None and entry.title == f"Paper number {n}, retitled"
        assert entry.authors == ("New Person",)


def test_a_withdrawn_mark_a_maintainer_wrote_stays_and_a_restored_paper_loses_the_bots(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """A maintainer marked a line `· withdrawn` (arXiv's comment says so in words the bot does not
    read, "Paper withdrawn: a bug in the evaluation"): every run removed the mark again, saying
    "arXiv v2 is no longer withdrawn". The mark now goes only when a new version restores a paper
    the store had withdrawn."""
    text, ids = catalog_text(taxonomy, 6)
    seed(arxiv_api, ids)
    arxiv_api.seed([synthetic(ids[0], "Paper number 0", 0, version=2, comment="Paper withdrawn: a bug")])
    line = next(line for line in text.splitlines() if ids[0] in line)
    text = text.replace(line, f"{line} · withdrawn")
    first = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    later = TODAY + datetime.timedelta(days=40)  # every paper refetched
    second = enrich.run(first.text, first.store_text, api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS)
    for result in (first, second):
        assert parse(result.text, taxonomy).find_by_id(ids[0]).entry.withdrawn  # type: ignore[union-attr]
        assert ("withdrawn", ids[0]) not in {(c.field, c.arxiv_id) for c in result.changes}
    # withdrawn in v2, restored in v3: the bot's mark comes, then goes
    arxiv_api.seed(
        [synthetic(ids[1], "Paper number 1", 1, version=2, comment="This paper has been withdrawn")]
    )
    store = paper_store.mark_announced(second.store, {ids[1]: 2})
    third = enrich.run(
        second.text, paper_store.dump(store), api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS
    )
    assert parse(third.text, taxonomy).find_by_id(ids[1]).entry.withdrawn  # type: ignore[union-attr]
    arxiv_api.seed([synthetic(ids[1], "Paper number 1", 1, version=3)])
    store = paper_store.mark_announced(third.store, {ids[1]: 3})
    fourth = enrich.run(
        third.text, paper_store.dump(store), api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS
    )
    assert not parse(fourth.text, taxonomy).find_by_id(ids[1]).entry.withdrawn  # type: ignore[union-attr]
    assert [(c.arxiv_id, c.field, c.reason) for c in fourth.changes] == [
        (ids[1], "withdrawn", "arXiv v3 is no longer withdrawn")
    ]


def test_a_line_whose_link_and_id_part_name_two_papers_is_left_alone_and_named(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """The line of paper A (its link) whose `· arXiv` part says B (a typo, or an id not updated with
    the link) got B's authors and B's venue."""
    a, b = "2401.00001", "2401.00011"
    entries = [
        Entry(title="Paper A", url=f"https://arxiv.org/abs/{a}", arxiv_id=b, year=2024),
        Entry(
            title="Paper C",
            url="https://arxiv.org/abs/2401.00002",
            pdf_url="https://arxiv.org/pdf/2401.00002v2",
            year=2024,
        ),
    ]
    text = render_document(taxonomy, {("quantization", "weight-only"): entries})
    arxiv_api.seed(
        [
            synthetic(a, "Paper A", 0, authors=["Alice A"]),
            synthetic(b, "Paper B", 0, authors=["Bob B"], comment="Accepted at ICLR 2025"),
            synthetic("2401.00002", "Paper C", 0, authors=["Carol C"]),
        ]
    )
    result = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert "Bob B" not in result.text and "ICLR 2025" not in result.text
    assert [c.arxiv_id for c in result.changes] == ["2401.00002"]  # link and pdf link agree: updated
    line = next(n for n, text in enumerate(result.text.splitlines(), 1) if "Paper A" in text)
    assert result.two_ids == [(line, a, b)]
    shown = enrich.summary(result, SETTINGS, dry_run=False)
    assert (  # a paragraph of its own, not a row of the table above
        "|\n\nNot updated, the link and the ` · arXiv` part name two papers (make them agree): "
        f"line {line} (link {a}, arXiv part {b})." in shown
    )
    typo = enrich.run(
        text.replace(b, "2401.90001"), "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS
    )
    shown = enrich.summary(typo, SETTINGS, dry_run=False)
    assert "1 unknown to arXiv (2401.90001: check the arXiv id of its line)" in shown


def test_old_style_ids_are_fetched_also_with_a_subject_class(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """arXiv answers ``math.GT/0309136`` as ``math/0309136``: the answer was dropped as not asked,
    and the paper named "unknown to arXiv" every night."""
    from tests.arxiv_api_server import Meta

    ids = ["hep-th/9901001", "math.GT/0309136", "cs/0112017"]
    entries = [Entry(title=f"Old {i}", url=f"https://arxiv.org/abs/{i}", arxiv_id=i, year=2001) for i in ids]
    text = render_document(taxonomy, {("quantization", "weight-only"): entries})
    arxiv_api.seed(
        Meta(arxiv_id=i, title=f"Old {i}", authors=["Ann Author"], published="2001-01-01T00:00:00Z")
        for i in ("hep-th/9901001", "math/0309136", "cs/0112017")
    )
    result = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    assert result.unknown == [] and {c.arxiv_id for c in result.changes} == set(ids)
    assert "Ann Author" in result.text
    stored = paper_store.load(result.store_text)  # under the catalog's ids, by date
    assert list(stored) == ["hep-th/9901001", "cs/0112017", "math.GT/0309136"] and stored == result.store


def test_the_table_of_changes_shows_100_rows_and_says_where_the_rest_are() -> None:
    """800 changes made a 92 KB summary: more than a comment or an issue holds (65,536 characters),
    pasted or posted. 100 rows, then how many more and where they all are."""
    from bot.core.enrichment import Change

    changes = [
        Change(
            f"2401.{n:05d}", n + 10, f"Paper {n}", "authors", "A. Author", "A. Author, B. Author" * 3, "arXiv"
        )
        for n in range(800)
    ]
    result = enrich.Result(store={}, text="", changes=changes, asked=[], unknown=[], requests=0, listed=800)
    written = enrich.summary(result, SETTINGS, dry_run=False)
    rows = [line for line in written.splitlines() if line.startswith("| ") and "arXiv 2401." in line]
    assert len(rows) == 100 and len(written) < 30_000
    assert "| | … and 700 more: `git diff` shows every line changed | | | | |" in written
    dry = enrich.summary(result, SETTINGS, dry_run=True)
    assert "| | … and 700 more: `--max-rows 0` lists them all | | | | |" in dry
    # docs/papers.md quotes both
    page = " ".join((Path(__file__).parents[2] / "docs" / "papers.md").read_text(encoding="utf-8").split())
    assert (
        '"… and N more: `git diff` shows every line changed" (with `--dry-run`: "`--max-rows 0` lists them all";'
        in page
    )
    every = enrich.summary(result, SETTINGS, dry_run=True, max_rows=0)
    assert "arXiv 2401.00799" in every and "more:" not in every


def test_max_rows_on_the_command_line_is_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bot_main(["enrich", "--max-rows", "-1"])
    assert exit_info.value.code == 2
    assert "is not a number of rows (0 lists them all)" in capsys.readouterr().err


def test_a_daily_feed_that_does_not_read_warns_without_the_polls_advice(httpserver):
    """The week's walk, arXiv's feed down: the nightly run warned "the daily feed could not be read,
    so new versions wait for max_age_days: … nothing was changed, retry the run later." The run
    went on and opened its PR: nothing to retry, and something changed. Config keys are named
    where they live."""
    httpserver.expect_request("/rss/cs.CL").respond_with_data("Service Unavailable", status=503)
    sources = {"feed": {"base_url": httpserver.url_for("/rss/"), "categories": ["cs.CL"], "retries": 1}}
    waits: list[float] = []

    with pytest.warns(UserWarning) as caught:
        assert arxiv_daily.daily_replacements(sources, sleep=waits.append)() == {}

    [warning] = caught
    assert str(warning.message) == (
        f"the daily feed could not be read (could not fetch the arXiv feed {httpserver.url_for('/rss/cs.CL')} "
        "after 2 attempts (last: HTTP 503). arXiv may be down or rate-limiting); the run goes on without it: "
        "a paper's new version is fetched once its record is older than enrich.max_age_days (config/papers.yml)"
    )
    assert len(waits) == 1  # its one retry, waited through the run's sleep


def test_the_withdrawn_list_is_in_catalog_order_on_every_run(
    arxiv_api: ArxivApiServer,  # noqa: F811
    taxonomy: Taxonomy,
) -> None:
    """ "Withdrawn on arXiv:" listed the papers in catalog order on the first run (the store in fetch
    order) and sorted by id on the second (the store read back from its sorted file): one order
    now, the catalog's, the order a maintainer reads the list in."""
    entries = [
        Entry(title=f"Paper {i}", url=f"https://arxiv.org/abs/{i}", arxiv_id=i, year=2024, month=1)
        for i in ("2401.00001", "2401.00005", "2401.00009")
    ]
    text = render_document(taxonomy, {("quantization", "weight-only"): entries})
    ids = enrich.listed_ids(parse(text, taxonomy))
    assert ids != sorted(ids)  # the catalog lists the newest first
    arxiv_api.seed(
        synthetic(i, f"Paper {i}", n, comment="This paper has been withdrawn") for n, i in enumerate(ids)
    )
    first = enrich.run(text, "", api_for(arxiv_api), TODAY, taxonomy, VENUES, SETTINGS)
    later = TODAY + datetime.timedelta(days=40)  # every paper refetched, from the store file
    second = enrich.run(first.text, first.store_text, api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS)
    third = enrich.run(second.text, second.store_text, api_for(arxiv_api), later, taxonomy, VENUES, SETTINGS)
    expected = f"Withdrawn on arXiv: {', '.join(ids)}."
    for result in (first, second, third):
        assert [r.arxiv_id for r in result.withdrawn] == ids
        assert expected in enrich.summary(result, SETTINGS, dry_run=False)
