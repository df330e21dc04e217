"""``python -m bot validate-config``: load and check every config file."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from bot import config
from bot.core import taxonomy


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="the config folder (default: ./config)")


def main(args: argparse.Namespace) -> int:
    directory = args.config_dir or config.config_dir()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = config.load_all(directory)
        taxonomy.load(directory)
    for warning in caught:
        print(f"warning: {warning.message}")
    for name in loaded:
        state = "ok" if (directory / f"{name}.yml").exists() else "ok (defaults, no file)"
        print(f"{directory / (name + '.yml')}: {state}")
    return 0
