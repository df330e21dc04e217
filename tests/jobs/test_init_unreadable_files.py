"""Files of the adopter's that init adds to and validate-config reads (the issue form, .gitignore,
.gitattributes): a folder of that name or a file in another encoding ended init and
validate-config in a traceback (exit 3), after init had written the config. Now one line that
names the file and says what to do (exit 1), and init writes nothing."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import __main__ as cli
from tests.conftest import FIXTURES

FORM = Path(".github") / "ISSUE_TEMPLATE" / "add-paper.yml"


@pytest.fixture
def adopter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "other-list"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    shutil.copy(FIXTURES / "adopt" / "html-list.md", repo / "README.md")
    return repo


def folder(path: Path) -> None:
    path.mkdir(parents=True)


def latin1(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"# caf\xe9\n_site/\n")


BROKEN: list[tuple[Path, Callable[[Path], None], str]] = [
    (Path(".gitignore"), latin1, ".gitignore:1: not UTF-8 text (byte 0xe9"),
    (Path(".gitattributes"), latin1, ".gitattributes:1: not UTF-8 text (byte 0xe9"),
    (FORM, folder, "add-paper.yml is a folder, not a file: make it the issue form's YAML file"),
    (FORM, latin1, "add-paper.yml:1: not UTF-8 text (byte 0xe9"),
]


@pytest.mark.parametrize(("path", "break_it", "said"), BROKEN)
def test_init_says_what_to_do_in_one_line_and_writes_nothing(
    adopter: Path, capsys: pytest.CaptureFixture[str], path: Path, break_it: Callable[[Path], None], said: str
) -> None:
    break_it(adopter / path)
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "init wrote nothing" in err
    assert not (adopter / "config").exists() and not (adopter / "catalog.md").exists()


@pytest.mark.parametrize(("break_it", "said"), [(b, s) for p, b, s in BROKEN if p == FORM])
def test_validate_config_names_an_unreadable_issue_form_among_its_problems(
    adopter: Path, capsys: pytest.CaptureFixture[str], break_it: Callable[[Path], None], said: str
) -> None:
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    (adopter / FORM).unlink()
    break_it(adopter / FORM)
    capsys.readouterr()
    assert cli.main(["validate-config"]) == 1
    out, err = capsys.readouterr()
    assert said in out and "Traceback" not in out + err
    assert out.splitlines()[-1].startswith("1 problem(s) in ")
