"""``python -m bot validate-config``: check every config file, and the files against each other.

Reports every problem of every file in one run (not the first one only), each naming the real
path: schema errors of each ``config/*.yml``, a missing or empty keywords file, keyword sections
and import-mapping targets that are not in the taxonomy, and an issue form whose section dropdown
does not list the taxonomy's sections. Jobs run the same checks before they start
(``bot.config_checks.preflight``), so a broken config stops them with the whole list rather than a
traceback.
Warnings (printed, not failing): unknown keys, two keyword patterns of one list that find the
same texts ("fine-tuning" and "finetuning"), which count a paper twice, a catalog file that
does not exist yet, and a run outside the bot's checkout that found no config/ but the bot's own.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from bot import config
from bot.config_checks import check_all
from bot.config_checks import preflight as preflight  # its old import path
from bot.core.locations import CHECKOUT_CONFIG
from bot.core.text import terminal_text
from bot.errors import BotError
from bot.jobs import catalog_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="the config folder (default: $CATALOG_BOT_CONFIG, else the nearest config/ up from here)",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=None,
        help="the repository whose issue form is checked (default: the folder above the config folder)",
    )


def main(args: argparse.Namespace) -> int:
    directory = args.config_dir or config.config_dir()
    if not directory.is_dir():
        raise BotError(f"{directory} is not a folder: pass --config-dir with the config folder")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problems = check_all(directory, args.repo)
    for warning in caught:
        print(terminal_text(f"warning: {warning.message}"))  # they quote the files' text
    for problem in problems:
        print(terminal_text(f"error: {problem}"))
    if problems:
        print(f"{sum(config.problems_in(p) for p in problems)} problem(s) in {directory}")
        return 1
    for name in config.schema_names():
        state = "ok" if (directory / f"{name}.yml").exists() else "ok (defaults, no file)"
        print(f"{directory / (name + '.yml')}: {state}")
    if (
        not args.config_dir
        and directory == CHECKOUT_CONFIG
        and not Path.cwd().resolve().is_relative_to(directory.parent)
    ):
        print(  # a list's repository before init (or after it failed): "ok" is said of the bot's files
            f"warning: no config/ in {Path.cwd()} or a folder above it: {directory} is the bot's own "
            "config (its efficient-LLM list), not this repository's; `python -m bot init --from LIST` "
            "writes yours"
        )
    # the catalog the jobs read: with --config-dir, the folder above it's; else found as the jobs
    # find it (CATALOG_BOT_CONFIG set: the folder the bot runs in, docs/configuration.md)
    path = config.catalog_path(directory)
    catalog = args.repo / path if args.repo else catalog_file(None, args.config_dir)
    if not catalog.exists():  # every job would stop on it: said here, where an adopter checks first
        print(
            f"warning: {catalog} (`catalog` of poll.yml) does not exist yet: "
            "`python -m bot init --from LIST` or `python -m bot import LIST... --output` writes it"
        )
    return 0
