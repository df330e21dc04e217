"""What the bot prints under GitHub Actions, read the way the runner reads it: no line of it may be
a workflow command (bot/forge/workflow_log.py; docs/security.md, "The Actions log").

``runner_commands`` follows actions/runner (src/Runner.Common/ActionCommand.cs): the output is cut
into lines at ``\\r``, ``\\n`` and ``\\r\\n`` only; a line is a command when it starts with ``::`` once
.NET's ``TrimStart()`` removed its leading white space (``Char.IsWhiteSpace``: the Zs, Zl and Zp
categories, tab to carriage return, U+0085 and U+00A0), or when it holds ``##[`` anywhere."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.forge.workflow_log import PREFIX, GuardedStream, workflow_command
from tests.site import fixture as site_fixture

OWN = "::error file=catalog.md,line=3::the bot's own annotation\n"


def _dotnet_space(char: str) -> bool:
    return char in "\t\n\v\f\r\x85\xa0" or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def runner_commands(output: str) -> list[str]:
    """The lines of ``output`` the runner would execute."""
    commands = []
    for line in re.split(r"\r\n|\r|\n", output):
        trimmed = line
        while trimmed and _dotnet_space(trimmed[0]):
            trimmed = trimmed[1:]
        if trimmed.startswith("::") or "##[" in line:
            commands.append(line)
    return commands


def guarded(writes: list[str], flush_between: bool = False) -> str:
    raw = io.StringIO()
    stream = GuardedStream(raw)
    for chunk in writes:
        stream.write(chunk)
        if flush_between:
            stream.flush()
    workflow_command(stream, OWN)
    stream.close()
    return raw.getvalue()


@pytest.mark.parametrize(
    "writes",
    [
        pytest.param(["\xa0::add-mask::no-break space\n"], id="no-break space"),
        pytest.param(["\u3000::error::ideographic space\n"], id="ideographic space"),
        pytest.param(["\u2003\u205f::error::em and math spaces\n"], id="em space"),
        pytest.param(["\x0b::error::vertical tab\n"], id="vertical tab"),
        pytest.param(["\x0c::error::form feed\n"], id="form feed"),
        pytest.param(["\x1c::error::file separator\n"], id="file separator"),
        pytest.param(["ok\n\x0c::error::after a form feed, mid-text\n"], id="mid-text form feed"),
        pytest.param(["\u200b", "::error::a zero-width space written alone\n"], id="zero-width write"),
        pytest.param(["\x00", "::error::a NUL written alone\n"], id="NUL write"),
        pytest.param(["\xa0", ":", ":error::split after a no-break space\n"], id="split no-break"),
    ],
)
def test_no_line_is_a_command_once_the_runner_trims_it(writes: list[str]) -> None:
    for flush_between in (False, True):
        output = guarded(writes, flush_between)
        assert runner_commands(output) == [OWN.rstrip("\n")], repr(output)


@pytest.mark.parametrize(
    "writes",
    [
        pytest.param(["title #", "#[error]legacy across two writes\n"], id="# + #["),
        pytest.param(["a ##", "[add-mask]secret\n"], id="## + ["),
        pytest.param(["a #", "\u200b", "#[error]x\n"], id="# + invisible + #["),
        pytest.param(["a ", "#", "#", "[error]x\n"], id="one character a write"),
        pytest.param(["#", "#[error]at the line start\n"], id="line start"),
    ],
)
def test_the_legacy_syntax_split_across_writes_is_broken_up(writes: list[str]) -> None:
    for flush_between in (False, True):
        output = guarded(writes, flush_between)
        assert runner_commands(output) == [OWN.rstrip("\n")], repr(output)
        shown = output.replace("\u200b", "").replace(PREFIX, "")
        assert "".join(writes).replace("\u200b", "") in shown  # the text itself is kept


def test_log_messages_go_through_the_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bot's logger writes to stderr as guarded for the run, not to the stream it found
    when logging was set up: a catalog heading (untrusted text) quoted in a warning stays text."""
    catalog = tmp_path / "catalog.md"
    catalog.write_text(
        "# T\n\n## Contents\n\n- [Alpha Methods](#alpha-methods)\n\n## Alpha Methods\n\n"
        "- [Paper](https://arxiv.org/abs/2401.00001)\n\n## Delta ##[add-mask]secret\n\n"
        "- [Paper](https://arxiv.org/abs/2401.00002)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    argv = ["site", "--output", str(tmp_path / "out"), "--catalog", str(catalog)]
    assert main([*argv, "--config-dir", str(site_fixture.CONFIG)]) == 0
    err = capsys.readouterr().err
    known_by = f"a heading {site_fixture.CONFIG / 'taxonomy.yml'} does not know"  # --config-dir's own file
    assert "add-mask]secret" in err and known_by in err, err
    assert runner_commands(err) == [], err
