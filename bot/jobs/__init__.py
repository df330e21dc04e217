"""One module per ``python -m bot <job>``: each parses its arguments and runs."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_file_argument(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The optional positional FILE of the jobs that read one markdown file (default: catalog.md)."""
    parser.add_argument(
        "file", nargs="?", type=Path, default=Path("catalog.md"), help=f"{purpose} (default: catalog.md)"
    )
