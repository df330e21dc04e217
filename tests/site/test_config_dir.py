"""``site --config-dir other/config``: the catalog and the paper store its config names are the
other list's (relative to the folder above the config, as docs/site.md says), and the warnings name
that config's files. Before round 32 the site read the current folder's catalog with the other
list's sections, and its warnings named config/poll.yml and config/taxonomy.yml of this folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from tests.site import fixture


@pytest.fixture
def two_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``other/`` (config, catalog, paper store) beside ``here/``, the current folder, whose
    catalog.md is no catalog of the other's sections."""
    other = tmp_path / "other"
    (other / "config").mkdir(parents=True)
    shutil.copy(fixture.CONFIG / "taxonomy.yml", other / "config" / "taxonomy.yml")
    (other / "config" / "papers.yml").write_text("store:\n  path: papers.jsonl\n", encoding="utf-8")
    fixture.write(other, 12)
    here = tmp_path / "here"
    here.mkdir()
    subprocess.run(["git", "init", "-q", str(here)], check=True)
    (here / "catalog.md").write_text("# My tool\n\n## Install\n\n- pip install it\n", encoding="utf-8")
    monkeypatch.chdir(here)
    monkeypatch.delenv("CATALOG_BOT_CONFIG", raising=False)
    return tmp_path


def test_the_catalog_and_the_store_are_those_of_the_list_whose_config_is_read(
    two_lists: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot_main(["site", "--output", str(two_lists / "out"), "--config-dir", "../other/config"]) == 0
    out, err = capsys.readouterr()
    assert "site: 16 entries" in out and "6 abstracts from ../other/papers.jsonl" in out
    assert "warning" not in err


def test_the_not_a_catalog_warning_names_the_files_of_the_config_read(
    two_lists: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["site", "--output", str(two_lists / "out"), "--config-dir", "../other/config"]
    assert bot_main([*args, "--catalog", "catalog.md"]) == 0
    assert (
        "catalog.md has no entries and none of the taxonomy's section headings: is it the catalog? "
        "This config's catalog is ../other/catalog.md (`catalog` of ../other/config/poll.yml), with "
        "the sections of ../other/config/taxonomy.yml"
    ) in capsys.readouterr().err
