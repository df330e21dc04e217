"""Where a template comes from: the repository's config/templates/ copy wins over the package's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core import templates

PACKAGED = (templates.PACKAGE_TEMPLATES / "poll_empty.txt.j2").read_text(encoding="utf-8")


def _with_override(config: Path, text: str) -> Path:
    (config / "templates").mkdir(parents=True)
    (config / "templates" / "poll_empty.txt.j2").write_text(text, encoding="utf-8")
    (config / "taxonomy.yml").write_text("", encoding="utf-8")  # what makes ./config the config folder
    return config


def test_the_packaged_template_without_an_override() -> None:
    expected = PACKAGED.replace("{{ source }}", "cs.CL")
    assert templates.render("poll_empty.txt.j2", source="cs.CL") == expected


def test_the_config_folder_of_the_environment_overrides_a_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(_with_override(tmp_path / "cfg", "quiet {{ source }}\n")))
    assert templates.render("poll_empty.txt.j2", source="cs.CL") == "quiet cs.CL\n"
    # the others are still the package's
    progress = templates.render("links-progress.txt.j2", done=1, total=2, dead=0)
    assert progress == "checking links: 1/2 done, 0 dead\n"


def test_the_config_folder_of_the_working_directory_overrides_a_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    _with_override(tmp_path / "config", "local {{ source }}\n")
    monkeypatch.chdir(tmp_path)
    assert templates.render("poll_empty.txt.j2", source="cs.CL") == "local cs.CL\n"


def test_a_folder_given_to_render_overrides_a_template(tmp_path: Path) -> None:
    folder = _with_override(tmp_path / "cfg", "given {{ source }}\n") / "templates"
    assert templates.render("poll_empty.txt.j2", directory=folder, source="cs.CL") == "given cs.CL\n"


def test_a_template_found_once_renders_as_render_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``template`` (what the scorer renders 10,000 times) finds the same copy as ``render``."""
    assert templates.template("poll_empty.txt.j2").render(source="x") == templates.render(
        "poll_empty.txt.j2", source="x"
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(_with_override(tmp_path / "cfg", "quiet {{ source }}\n")))
    assert templates.template("poll_empty.txt.j2").render(source="cs.CL") == "quiet cs.CL\n"


def test_the_config_folder_is_the_checkouts_when_nothing_else_names_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import config
    from bot.core import locations
    from tests.conftest import ROOT

    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    monkeypatch.chdir(tmp_path)
    assert config.config_dir is locations.config_dir  # bot.config asks core where it lives
    assert locations.config_dir() == ROOT / "config"


def test_a_run_from_a_folder_inside_a_list_reads_the_lists_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m bot poll --dry-run` run from an adopted list's docs/ read the bot's own
    config (an installed checkout's config/): efficient-LLM sections and rules, so a
    neural-rendering list was offered "Chameleon: Adaptive Caching ... LLM Inference" for its
    Serving Systems, a section it does not have (with a warning among the output)."""
    from bot.core import locations

    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    (tmp_path / "list" / "config").mkdir(parents=True)
    (tmp_path / "list" / "config" / "taxonomy.yml").write_text("sections: []\n", encoding="utf-8")
    (tmp_path / "list" / "docs" / "img").mkdir(parents=True)
    for folder in ("list", "list/docs", "list/docs/img", "list/config"):
        monkeypatch.chdir(tmp_path / folder)
        assert locations.config_dir() == tmp_path / "list" / "config"


def test_the_search_up_stops_at_the_top_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list cloned inside a folder that holds another list's config/ (a submodule, a clone in
    a clone) and has none yet read that other list's taxonomy and rules from its docs/."""
    from bot.core import locations
    from tests.conftest import ROOT

    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "taxonomy.yml").write_text("sections: []\n", encoding="utf-8")
    (tmp_path / "other-list" / ".git").mkdir(parents=True)
    (tmp_path / "other-list" / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "other-list" / "docs")
    assert locations.config_dir() == ROOT / "config"
    monkeypatch.chdir(tmp_path)
    assert locations.config_dir() == tmp_path / "config"  # outside that repository: found


def test_a_folder_that_cannot_be_looked_into_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run from a folder whose path with config/taxonomy.yml is too long for the system (as one
    without permission to look into its config/) stopped with a traceback, 'a bug'."""
    from bot.core import locations
    from bot.errors import ConfigError

    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    deep = tmp_path
    while len(str(deep)) < 4080:
        deep = deep / ("d" * min(200, 4085 - len(str(deep))))
    monkeypatch.chdir(tmp_path)
    os.makedirs(deep.relative_to(tmp_path))
    monkeypatch.chdir(deep.relative_to(tmp_path))
    with pytest.raises(ConfigError, match="cannot look for the config folder in .*: set CATALOG_BOT_CONFIG"):
        locations.config_dir()
