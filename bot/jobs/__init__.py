"""One module per ``python -m bot <job>``: each parses its arguments and runs."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.catalog import Catalog

CATALOG_DEFAULT_HELP = "`catalog` of config/poll.yml, catalog.md"


def add_file_argument(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The optional positional FILE of the jobs that read one markdown file (default: the
    configured catalog, see ``catalog_file``)."""
    parser.add_argument("file", nargs="?", type=Path, help=f"{purpose} (default: {CATALOG_DEFAULT_HELP})")


SUMMARY_ROWS = 100  # rows of a report's table, the rest counted: 800 rows were 92 KB, over a comment's 65,536


def add_max_rows_argument(parser: argparse.ArgumentParser, table: str) -> None:
    """``--max-rows N``: the rows of a report's ``table``, the rest counted (0: all)."""

    def count(text: str) -> int:
        if not text.isdigit():
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (0 lists them all)")
        return int(text)

    parser.add_argument(
        "--max-rows",
        type=count,
        default=SUMMARY_ROWS,
        metavar="N",
        help=f"rows of {table}, the rest counted (default: {SUMMARY_ROWS}; 0: all)",
    )


class JoinWords(argparse.Action):
    """A comma-separated list given as one or more words (``nargs="+"``), joined with commas:
    ``--categories cs.CL, cs.LG`` is ``cs.CL,,cs.LG`` (empty items are dropped by the reader), as
    the action's ``args``, split at spaces, passes a value typed with a space after each comma."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        words = values if isinstance(values, list) else [values]
        setattr(namespace, self.dest, ",".join(str(w) for w in words))


REPO_DEFAULT_HELP = "the folder of the nearest config/ up, else the current one"


def add_repo_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--repo PATH``: ``what``, by default the root of the list whose config/ is read (see
    ``repo_root``)."""
    parser.add_argument("--repo", type=Path, help=f"{what} (default: {REPO_DEFAULT_HELP})")


def repo_root(path: Path | None) -> Path:
    """``--repo``, else the folder of the config/ the run reads: from docs/, the list's root, so
    that its cache, state and store are the root's, not new ones in docs/."""
    from bot.core.locations import repository_root

    return path if path is not None else repository_root()


def catalog_file(path: Path | None, config_dir: Path | None = None) -> Path:
    """``path``, else the catalog every job reads (``catalog`` of config/poll.yml): a list adopted
    with ``init --catalog docs/list.md`` is linted, counted and published without naming it. The
    configured path is the repository root's, found as the config is (from docs/: ../catalog.md);
    with ``config_dir`` given (``--config-dir other/config``), the folder above it (``other/``):
    the catalog of the list whose config is read, not the current folder's."""
    from bot import config

    if path is not None:
        return path
    return config_relative(config.catalog_path(config_dir), config_dir)


def config_relative(path: str | Path, config_dir: Path | None) -> Path:
    """A path of the config (the catalog, the paper store) as seen from the current folder: relative
    to the folder above ``config_dir`` when one is given, else to the repository's root."""
    from bot.core.locations import in_repository

    if config_dir is None or Path(path).is_absolute():
        return in_repository(path)
    return config_dir.parent / path


def no_entries_warning(catalog: Catalog, path: Path, config_dir: Path | None = None) -> str:
    """Why ``catalog`` (read from ``path``) has no entry line to count or publish, and what to check,
    or "" when it has one. stats and site still succeed (a new list may have no paper yet), but a
    README or another list given by mistake, or a catalog of another config, must not read as an
    empty catalog."""
    from bot.core.text import counted

    if any(item.entry is not None for item in catalog.listed()):
        return ""
    if not any(line.strip() for line in catalog.lines):
        return f"{path} is empty: no entries; {EMPTY_HINT}"
    if others := catalog.listed():
        return (
            f"{path} has no entries in the catalog's one-line format: "
            f"{counted(len(others), 'list line is', 'list lines are')} under its sections in another format "
            f"(e.g. line {others[0].line_number}); `python -m bot lint {path}` names them, `python -m bot "
            "import LIST --output FILE` converts a list"
        )
    if not any(heading.section for heading in catalog.headings):
        poll, taxonomy = (
            (config_dir / f for f in ("poll.yml", "taxonomy.yml")) if config_dir else CONFIG_FILES
        )
        return (
            f"{path} has no entries and none of the taxonomy's section headings: is it the catalog? "
            f"This config's catalog is {catalog_file(None, config_dir)} (`catalog` of {poll}), with the "
            f"sections of {taxonomy}"
        )
    return f"{path} has no entries: its sections are empty"


CONFIG_FILES = (Path("config/poll.yml"), Path("config/taxonomy.yml"))  # as the messages name them
EMPTY_HINT = (
    "create it with `python -m bot init --from LIST` (a new list) or "
    "`python -m bot import LIST... --output FILE`"
)


@contextlib.contextmanager
def sigterm_exits() -> Iterator[None]:
    """Within: SIGTERM (``kill``, a workflow's timeout after its Ctrl-C) raises ``SystemExit(143)``
    (128 + 15, the status a shell shows for a process SIGTERM killed) instead of killing the
    process at once, so a job's ``except``/``finally`` can save its work first (``enrich``: the
    answers since its last save). Outside the main thread (tests) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
