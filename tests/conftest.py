from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.config import load_taxonomy
from bot.core import taxonomy as taxonomy_module

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The tests' own project (config/, catalog.md, the issue form): a frozen copy, so the suite does not
# depend on the topic of the list it runs in (renaming a section of config/ keeps it green; the real
# files are checked by `python -m bot lint` and `python -m bot validate-config`).
PROJECT = FIXTURES / "project"


@pytest.fixture(scope="session")
def taxonomy() -> taxonomy_module.Taxonomy:
    return load_taxonomy(PROJECT / "config")


@pytest.fixture(scope="session")
def _scorer_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scorer cache for the whole run: jobs that train on the same catalog, keywords and
    rejections (most poll runs of the suite) train once (bot.scoring.cache keys by content)."""
    return tmp_path_factory.mktemp("scorer-cache")


@pytest.fixture
def threaded_httpserver() -> Iterator[HTTPServer]:
    """A server of the test's own that answers each request on its own thread, for answers that
    trickle: the shared ``httpserver`` answers one request at a time, so a trickle the client gave
    up on held back its next attempt (and the next test's requests) until the server noticed."""
    with HTTPServer(host="127.0.0.1", threaded=True) as server:
        yield server


@pytest.fixture(autouse=True)
def _shared_scorer_cache(monkeypatch: pytest.MonkeyPatch, _scorer_cache: Path) -> None:
    monkeypatch.setenv("CATALOG_BOT_CACHE_DIR", str(_scorer_cache))


@pytest.fixture(autouse=True)
def _outside_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite behaves the same in a terminal and in a workflow (where the jobs refuse the
    local-git fallback without a token); a test about Actions sets GITHUB_ACTIONS itself."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def _config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the fixture project's config, wherever pytest is started from."""
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
