"""Benchmark: a list written as one line of HTML, megabytes long (round 31).

    python bench/html_one_line.py [--megabytes 1 10]

Times ``markdown_of_html`` on a ``<ul>`` of ``<li>`` items and on a ``<table>`` of rows, all on one
line, of about each size given, next to the standard library's parser alone on the same text (the
reader's floor), and prints the ratio: about 1.5 when the reader is linear. Figures:
bench/RESULTS-adopt.md, round 31.
"""

from __future__ import annotations

import argparse
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sources.lists.html_lists import markdown_of_html  # noqa: E402

ITEM = (
    '<li><a href="https://arxiv.org/abs/2401.{:05d}">Paper number {} on pruning</a>, Ann Lee, CVPR 2024</li>'
)
ROW = '<tr><td><a href="https://arxiv.org/abs/2401.{:05d}">Paper number {}</a></td><td>CVPR 2024</td></tr>'


def one_line(template: str, opening: str, closing: str, size: int) -> tuple[str, int]:
    count = size // len(template.format(1, 1))
    body = "".join(template.format(i % 100_000, i) for i in range(count))
    return f"# L\n\n## S\n\n{opening}{body}{closing}\n", count


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, nargs="+", default=[1.0, 10.0])
    args = parser.parse_args()
    for megabytes in args.megabytes:
        for name, template, opening, closing in (
            ("ul", ITEM, "<ul>", "</ul>"),
            ("table", ROW, "<table>", "</table>"),
        ):
            text, count = one_line(template, opening, closing, int(megabytes * 1_000_000))
            started = time.perf_counter()
            alone = HTMLParser(convert_charrefs=False)
            alone.feed(text)
            alone.close()
            parsing = time.perf_counter() - started
            started = time.perf_counter()
            markdown_of_html(text)
            reading = time.perf_counter() - started
            print(
                f"{name}: {len(text) / 1e6:.1f} MB on one line, {count} items: markdown_of_html {reading:.2f} s, "
                f"the parser alone {parsing:.2f} s (x{reading / parsing:.1f})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
