from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot import __main__ as cli
from bot.core.taxonomy import Taxonomy
from bot.sources import arxiv_rss as feeds
from tests.scoring_helpers import FIXTURES, SAMPLE_2024, sample_papers, small_catalog_text

RSS = FIXTURES / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
EMPTY_RSS = FIXTURES / "arxiv" / "arxiv_rss2_feed_empty_test-archive_2024-11-28.xml"
KEYS = {
    "arxiv_id",
    "title",
    "score",
    "accept",
    "threshold",
    "section",
    "subsection",
    "runner_up",
    "confidence",
    "needs_section",
    "reasons",
    "neighbours",
    "in_categories",
}


@pytest.fixture()
def catalog_path(tmp_path: Path, taxonomy: Taxonomy) -> Path:
    path = tmp_path / "catalog.md"
    path.write_text(small_catalog_text(taxonomy), encoding="utf-8")
    return path


def score(input_path: Path, output: Path | str, catalog_path: Path, *extra: str) -> int:
    return cli.main(
        ["score", "--input", str(input_path), "--output", str(output), "--catalog", str(catalog_path), *extra]
    )


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_in_one_decision_per_paper_out(
    tmp_path: Path, catalog_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "decisions.jsonl"
    assert score(SAMPLE_2024, output, catalog_path) == 0
    lines = read_lines(output)
    papers = sample_papers()
    assert [line["arxiv_id"] for line in lines] == [p.arxiv_id for p in papers]  # no dedupe, in order
    sections = set(taxonomy.section_ids())
    for line in lines:
        assert set(line) == KEYS
        assert 0.0 <= float(line["score"]) <= 1.0  # type: ignore[arg-type]
        assert line["accept"] == (line["score"] >= line["threshold"])
        assert line["section"] in sections and line["reasons"]
    summary = capsys.readouterr().out
    assert f"Scored {len(papers)} papers from {SAMPLE_2024}" in summary
    assert f"Decisions written to {output}" in summary


def test_known_in_scope_papers_outrank_off_topic_ones(tmp_path: Path, catalog_path: Path) -> None:
    output = tmp_path / "decisions.jsonl"
    assert score(SAMPLE_2024, output, catalog_path) == 0
    scores = np.array([line["score"] for line in read_lines(output)], dtype=float)
    labels = np.array([p.extra["label"] for p in sample_papers()])
    top = np.argsort(-scores)[: labels.sum()]
    assert labels[top].mean() >= 0.7  # the top of the ranking is mostly labelled in scope
    assert np.median(scores[labels == 1]) > np.percentile(scores[labels == 0], 90)


def test_a_few_papers_score_as_they_do_in_a_whole_day(
    tmp_path: Path, catalog_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The learned part trains against the fixed background, not the papers scored: three papers
    alone get the scores they get among the whole sample, and no warning says otherwise."""
    day, few = tmp_path / "day.jsonl", tmp_path / "few.jsonl"
    assert score(SAMPLE_2024, day, catalog_path) == 0
    lines = gzip.decompress(SAMPLE_2024.read_bytes()).decode("utf-8").splitlines()[:3]
    three = tmp_path / "three.jsonl"
    three.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert score(three, few, catalog_path) == 0
    assert "learned part is off" not in capsys.readouterr().err
    whole = {line["arxiv_id"]: line["score"] for line in read_lines(day)}
    alone = read_lines(few)
    assert len(alone) == 3
    assert all(line["score"] == pytest.approx(whole[line["arxiv_id"]]) for line in alone)
    assert all(any("learned model" in r for r in line["reasons"]) for line in alone)  # type: ignore[union-attr]


def test_rss_feed_in(tmp_path: Path, catalog_path: Path) -> None:
    output = tmp_path / "decisions.jsonl"
    assert score(RSS, output, catalog_path) == 0
    assert [line["arxiv_id"] for line in read_lines(output)] == [p.arxiv_id for p in feeds.read_papers(RSS)]


def test_a_rerun_writes_the_same_file(tmp_path: Path, catalog_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert score(RSS, first, catalog_path) == 0
    assert score(RSS, second, catalog_path) == 0
    assert first.read_bytes() == second.read_bytes()


def test_cache_dir_reuses_the_model(tmp_path: Path, catalog_path: Path) -> None:
    cache, first, second = tmp_path / "cache", tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert score(RSS, first, catalog_path, "--cache-dir", str(cache)) == 0
    files = sorted(cache.glob("scorer-*.pickle"))
    assert len(files) == 1
    assert score(RSS, second, catalog_path, "--cache-dir", str(cache)) == 0
    assert sorted(cache.glob("scorer-*.pickle")) == files
    assert first.read_bytes() == second.read_bytes()


def test_a_cache_that_cannot_be_written_costs_a_warning_not_the_run(
    tmp_path: Path, catalog_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The cache only saves a retraining: a --cache-dir that is a file (or a full disk, a
    read-only restore of actions/cache) stopped the run with a traceback (exit 3) after training,
    and poll's day of papers with it."""
    not_a_folder, output = tmp_path / "cache", tmp_path / "out.jsonl"
    not_a_folder.write_text("a file\n", encoding="utf-8")
    assert score(RSS, output, catalog_path, "--cache-dir", str(not_a_folder)) == 0
    assert len(read_lines(output)) == len(feeds.read_papers(RSS))
    assert f"could not cache the trained scorer in {not_a_folder}" in caplog.text
    assert not_a_folder.read_text(encoding="utf-8") == "a file\n"


@pytest.mark.parametrize("below", ["decisions.jsonl", "sub/decisions.jsonl"])
def test_an_output_under_a_file_is_refused_before_training(
    tmp_path: Path, catalog_path: Path, below: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``--output results/decisions.jsonl`` where ``results`` is a file: a traceback (exit 3) once
    every paper was scored; now one line saying what to pass, before any training."""
    caplog.set_level("INFO")
    a_file = tmp_path / "results"
    a_file.write_text("not a folder\n", encoding="utf-8")
    assert score(RSS, a_file / below, catalog_path) == 1
    assert f"cannot write {a_file / below}: {a_file} is a file, not a folder; pass --output" in caplog.text
    assert "training on" not in caplog.text


def test_an_output_that_is_the_input_or_the_catalog_is_refused(tmp_path: Path, catalog_path: Path) -> None:
    """`--input papers.jsonl --output papers.jsonl` replaced the papers with the decisions (and
    `--output catalog.md` the catalog): the data is gone. Both are refused, the files unchanged."""
    papers = tmp_path / "papers.jsonl"
    papers.write_text('{"arxiv_id": "2405.00732", "title": "LoRA Land"}\n', encoding="utf-8")
    before = (papers.read_bytes(), catalog_path.read_bytes())
    assert score(papers, papers, catalog_path) == 1
    assert score(papers, catalog_path, catalog_path) == 1
    assert (papers.read_bytes(), catalog_path.read_bytes()) == before


def test_output_to_stdout(catalog_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert score(RSS, "-", catalog_path) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert len(lines) == len(feeds.read_papers(RSS))
    assert "Decisions written to stdout (one JSON object per paper)." in captured.err


def a_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda folder: folder / "missing.jsonl", "cannot read papers"),
        (lambda folder: folder / "missing.jsonl", "Check the --input path."),  # score has no --feed
        (lambda folder: EMPTY_RSS, "has no papers to score"),
        (lambda folder: a_file(folder / "page.xml", "<html><title>503</title></html>"), "not an RSS or Atom"),
    ],
)
def test_bad_input_fails_clearly_and_writes_nothing(
    tmp_path: Path,
    catalog_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_input: Callable[[Path], Path],
    message: str,
) -> None:
    output = tmp_path / "decisions.jsonl"
    assert score(make_input(tmp_path), output, catalog_path) == 1
    err = capsys.readouterr().err
    assert message in err and "--feed" not in err
    assert not output.exists()


def test_a_missing_catalog_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert score(RSS, tmp_path / "out.jsonl", tmp_path / "nowhere.md") == 1
    assert "nowhere.md does not exist" in capsys.readouterr().err


def test_without_catalog_it_learns_from_the_catalog_config_names(
    tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list adopted with `init --catalog docs/list.md` (`catalog` of config/poll.yml) is scored
    against that file, as every other job reads it, not against a catalog.md that is not there."""
    import shutil

    from tests.conftest import PROJECT

    shutil.copytree(PROJECT / "config", tmp_path / "config")
    shutil.copytree(PROJECT / "data", tmp_path / "data")  # the scoring background
    config_dir = tmp_path / "config"
    poll = config_dir / "poll.yml"
    poll.write_text(poll.read_text(encoding="utf-8").replace("catalog: catalog.md", "catalog: docs/list.md"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "list.md").write_text(small_catalog_text(taxonomy), encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config_dir))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["score", "--input", str(RSS), "--output", "out.jsonl"]) == 0, capsys.readouterr().err
    assert len(read_lines(tmp_path / "out.jsonl")) == len(feeds.read_papers(RSS))


def test_docs_scoring_md_lists_the_fields_of_a_record() -> None:
    page = " ".join((FIXTURES.parents[1] / "docs" / "scoring.md").read_text(encoding="utf-8").split())
    fields = page.split("one JSON object per paper (fields `", 1)[1].split("`", 1)[0]
    assert sorted(fields.split(", ")) == sorted(KEYS)  # each field once, all of them


def test_a_catalog_without_entries_is_said_to_leave_the_learned_part_off(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    """It warned 'only 0 entries ...: the learned part is weak' and each paper's reasons said
    'too few background papers to learn from', of a background of thousands: the catalog was
    what had nothing to learn from."""
    from bot.core import catalog_document

    empty = tmp_path / "empty.md"
    empty.write_text(catalog_document.render_document(taxonomy, {}), encoding="utf-8")
    output = tmp_path / "decisions.jsonl"
    assert score(SAMPLE_2024, output, empty) == 0
    assert (
        "warning: the catalog has no paper entries: the learned part is off, the keyword rules alone "
        "decide; pass --catalog with the catalog to learn from"
    ) in capsys.readouterr().err
    reasons = {reason for line in read_lines(output) for reason in line["reasons"]}  # type: ignore[attr-defined]
    assert "learned model: none (no catalog entries to learn from), keywords only" in reasons
    assert not any("too few background papers" in reason for reason in reasons)
