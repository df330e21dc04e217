"""The jobs that read the configured catalog, run from a folder inside the list (docs/): they read
the config of the nearest config/ up (round 29), and the catalog and paper store at that folder's
root, as the config's paths mean, not a file of the same name in the folder they run from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.core import catalog_io
from tests.conftest import PROJECT

DOCS_PAGE = "# The catalog\n\nThis page explains the catalog's format.\n"


@pytest.fixture
def in_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A list (config/, catalog.md, data/) with a docs/ page of the catalog's name; the run is in docs/."""
    repo = tmp_path / "list"
    shutil.copytree(PROJECT / "config", repo / "config")
    shutil.copy(PROJECT / "catalog.md", repo / "catalog.md")
    shutil.copytree(PROJECT / "data", repo / "data")
    (repo / "docs").mkdir()
    (repo / "docs" / "catalog.md").write_text(DOCS_PAGE, encoding="utf-8")
    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    monkeypatch.chdir(repo / "docs")
    return repo


def entries(repo: Path) -> int:
    from bot import config

    return len(catalog_io.read_catalog(repo / "catalog.md", config.load_taxonomy()).entries())


def test_lint_and_stats_read_the_lists_catalog(in_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """lint found docs/catalog.md (the docs page: 27 problems, 'missing heading ...') and stats
    counted 0 papers in it."""
    bot_main(["lint"])
    out = capsys.readouterr()
    assert "missing heading" not in out.out + out.err
    assert bot_main(["stats", "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)
    assert counted["file"] == str(Path("..") / "catalog.md") and counted["papers"] > 1_000


def test_site_reads_the_lists_catalog_and_paper_store(
    in_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """site published the docs page (0 entries) and looked for the store in docs/data/."""
    record = {"arxiv_id": "2404.14469", "title": "SnapKV", "abstract": "KV cache compression."}
    (in_docs / "data" / "papers.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert bot_main(["site", "--output", str(in_docs.parent / "_site")]) == 0
    out = capsys.readouterr().out
    assert f"site: {entries(in_docs)} entries" in out
    assert f"1 abstract from {Path('..') / 'data' / 'papers.jsonl'}" in out


def test_enrich_reads_and_writes_the_lists_files(in_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """enrich (--repo ., the default) read docs/catalog.md, and would have written a new paper
    store in docs/data/ beside the list's."""
    (in_docs / "data" / "papers.jsonl").write_bytes('{"title": "Caf\xe9"}\n'.encode("latin-1"))
    (in_docs / "config" / "sources.yml").write_text("api:\n  query_url: http://127.0.0.1:9/api/query\n")

    assert bot_main(["enrich", "--dry-run"]) == 1

    err = capsys.readouterr().err
    assert f"{in_docs / 'data' / 'papers.jsonl'} is not UTF-8 text" in err
    assert sorted(p.name for p in (in_docs / "docs").iterdir()) == ["catalog.md"]
