"""Where the repository's config folder is: ``$CATALOG_BOT_CONFIG``, else ``config/`` of the
folder the bot runs in or of the nearest folder above it when it holds ``taxonomy.yml`` (a run
from a list's ``docs/`` reads the list's config), up to the top of the git repository it runs in
(a folder holding ``.git``: another list's config above it is not this one's), else the
checkout's ``config/``.

``bot.config`` reads its files there and ``bot.core.templates`` the repository's template
overrides (``templates/``); both ask this module, so core needs nothing from ``bot.config``.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.errors import ConfigError

ENV_CONFIG_DIR = "CATALOG_BOT_CONFIG"
CHECKOUT_CONFIG = Path(__file__).resolve().parents[2] / "config"


def config_dir() -> Path:
    """Where config lives: $CATALOG_BOT_CONFIG, else ./config, else ../config and so on up to the
    repository's top, else the checkout's config/ (whose efficient-LLM taxonomy and rules fit no
    other list). A folder that cannot be looked into (no permission, a path too long) is a
    ConfigError naming it: it may hold this list's config, and another one's would be read."""
    if os.environ.get(ENV_CONFIG_DIR):
        return Path(os.environ[ENV_CONFIG_DIR])
    here = Path.cwd()
    for folder in (here, *here.parents):
        try:
            if (folder / "config" / "taxonomy.yml").stat():
                return folder / "config"
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as exc:
            raise ConfigError(
                f"cannot look for the config folder in {folder} ({exc.strerror}): set "
                f"{ENV_CONFIG_DIR} to the config folder"
            ) from exc
        if (folder / ".git").exists():
            break  # the top of the repository the bot runs in
    return CHECKOUT_CONFIG
