"""Small text helpers of bot.core.text that the templates use."""

from __future__ import annotations

import pytest

from bot.core import templates
from bot.core.text import counted


@pytest.mark.parametrize(
    ("number", "words", "shown"),
    [
        (0, ("paper",), "0 papers"),
        (1, ("paper",), "1 paper"),
        (2, ("paper",), "2 papers"),
        (1, ("entry", "entries"), "1 entry"),
        (12, ("entry", "entries"), "12 entries"),
    ],
)
def test_counted_agrees_with_its_number(number: int, words: tuple[str, ...], shown: str) -> None:
    assert counted(number, *words) == shown


def test_the_templates_have_the_counted_filter(tmp_path) -> None:
    (tmp_path / "t.txt.j2").write_text('{{ n | counted("resource") }}', encoding="utf-8")
    assert templates.render("t.txt.j2", directory=tmp_path, n=1) == "1 resource"
    assert templates.render("t.txt.j2", directory=tmp_path, n=137) == "137 resources"
