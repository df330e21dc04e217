from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import taxonomy as taxonomy_module

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The tests' own project (config/, catalog.md, the issue form): a frozen copy, so the suite does not
# depend on the topic of the list it runs in (renaming a section of config/ keeps it green; the real
# files are checked by `python -m bot lint` and `python -m bot validate-config`).
PROJECT = FIXTURES / "project"


@pytest.fixture(scope="session")
def taxonomy() -> taxonomy_module.Taxonomy:
    return taxonomy_module.load(PROJECT / "config")


@pytest.fixture(autouse=True)
def _config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the fixture project's config, wherever pytest is started from."""
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
