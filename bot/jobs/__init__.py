"""One module per ``python -m bot <job>``: each parses its arguments and runs."""

from __future__ import annotations

import argparse
from pathlib import Path

CATALOG_DEFAULT_HELP = "`catalog` of config/poll.yml, catalog.md"


def add_file_argument(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The optional positional FILE of the jobs that read one markdown file (default: the
    configured catalog, see ``catalog_file``)."""
    parser.add_argument("file", nargs="?", type=Path, help=f"{purpose} (default: {CATALOG_DEFAULT_HELP})")


def catalog_file(path: Path | None, config_dir: Path | None = None) -> Path:
    """``path``, else the catalog every job reads (``catalog`` of config/poll.yml): a list adopted
    with ``init --catalog docs/list.md`` is linted, counted and published without naming it."""
    from bot import config

    return path if path is not None else Path(config.catalog_path(config_dir))
