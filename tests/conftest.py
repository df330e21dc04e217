from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import taxonomy as taxonomy_module

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def taxonomy() -> taxonomy_module.Taxonomy:
    return taxonomy_module.load(ROOT / "config")


@pytest.fixture(autouse=True)
def _config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the repository's own config, wherever pytest is started from."""
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(ROOT / "config"))
