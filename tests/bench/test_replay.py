"""The command line of bench/replay.py, and what every benchmark's --help says first."""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import replay  # noqa: E402


def test_months_are_a_range_or_one_month() -> None:
    """`--months 12` (one month, as a reader would try) stopped with a traceback (ValueError: not
    enough values to unpack): it is December alone; a month past 12 is a usage error."""
    assert replay.months("7-12") == (7, 12)
    assert replay.months("12") == (12, 12)
    for wrong in ("13", "12-7", "0-3", "july", "1-2-3", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="months of 2024"):
            replay.months(wrong)


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_a_benchmarks_help_says_its_first_sentence_whole(script: Path) -> None:
    """replay.py's --help read "Walk the labelled 2024 listings through" and stopped: its
    description was the docstring's first line, not its first paragraph."""
    source = script.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source), clean=False) or ""
    if "description=__doc__.splitlines()[0]" in source:
        assert doc.split("\n\n")[0] == doc.splitlines()[0], f"{script.name}: use __doc__.split('\\n\\n')[0]"
