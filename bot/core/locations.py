"""Where the repository's config folder is: ``$CATALOG_BOT_CONFIG``, else ``config/`` of the
folder the bot runs in or of the nearest folder above it when it holds ``taxonomy.yml`` (a run
from a list's ``docs/`` reads the list's config), else the checkout's ``config/``.

``bot.config`` reads its files there and ``bot.core.templates`` the repository's template
overrides (``templates/``); both ask this module, so core needs nothing from ``bot.config``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_CONFIG_DIR = "CATALOG_BOT_CONFIG"
CHECKOUT_CONFIG = Path(__file__).resolve().parents[2] / "config"


def config_dir() -> Path:
    """Where config lives: $CATALOG_BOT_CONFIG, else ./config, else ../config and so on up, else
    the checkout's config/ (whose efficient-LLM taxonomy and rules fit no other list)."""
    if os.environ.get(ENV_CONFIG_DIR):
        return Path(os.environ[ENV_CONFIG_DIR])
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "config" / "taxonomy.yml").exists():
            return folder / "config"
    return CHECKOUT_CONFIG
