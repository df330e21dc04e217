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


def _nearest_config() -> Path | None:
    """The nearest config/ with a taxonomy.yml from the current folder up to the repository's
    top, or None."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        try:
            (folder / "config" / "taxonomy.yml").stat()
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as exc:
            raise ConfigError(
                f"cannot look for the config folder in {folder} ({exc.strerror}): set "
                f"{ENV_CONFIG_DIR} to the config folder"
            ) from exc
        else:
            return folder / "config"
        if (folder / ".git").exists():
            break  # the top of the repository the bot runs in
    return None


def config_dir() -> Path:
    """Where config lives: $CATALOG_BOT_CONFIG, else ./config, else ../config and so on up to the
    repository's top, else the checkout's config/ (whose efficient-LLM taxonomy and rules fit no
    other list). A folder that cannot be looked into (no permission, a path too long) is a
    ConfigError naming it: it may hold this list's config, and another one's would be read."""
    if os.environ.get(ENV_CONFIG_DIR):
        return Path(os.environ[ENV_CONFIG_DIR])
    return _nearest_config() or CHECKOUT_CONFIG


def repository_root() -> Path:
    """The folder the config's paths (the catalog, the paper store) are relative to: the one whose
    config/ was found looking up from the current folder (a run from docs/ reads the list's
    catalog.md, not docs/catalog.md), else the current folder ($CATALOG_BOT_CONFIG, no config/)."""
    found = None if os.environ.get(ENV_CONFIG_DIR) else _nearest_config()
    return found.parent if found is not None else Path.cwd()


def in_repository(path: str | Path) -> Path:
    """A path of the config (relative to the repository's root) as seen from the current folder:
    ``catalog.md`` from docs/ is ``../catalog.md``; an absolute path stays as it is."""
    root = repository_root()
    if Path(path).is_absolute() or root == Path.cwd():
        return Path(path)
    return Path(os.path.relpath(root / path))
