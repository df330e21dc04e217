"""Where the repository's config folder is: ``$CATALOG_BOT_CONFIG``, else ``./config`` when it
holds ``taxonomy.yml``, else the checkout's ``config/``.

``bot.config`` reads its files there and ``bot.core.templates`` the repository's template
overrides (``templates/``); both ask this module, so core needs nothing from ``bot.config``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_CONFIG_DIR = "CATALOG_BOT_CONFIG"
CHECKOUT_CONFIG = Path(__file__).resolve().parents[2] / "config"


def config_dir() -> Path:
    """Where config lives: $CATALOG_BOT_CONFIG, else ./config, else the checkout's config/."""
    if os.environ.get(ENV_CONFIG_DIR):
        return Path(os.environ[ENV_CONFIG_DIR])
    local = Path.cwd() / "config"
    if (local / "taxonomy.yml").exists():
        return local
    return CHECKOUT_CONFIG
