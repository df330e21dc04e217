"""A small on-disk cache of trained scorers, keyed by the content they were trained from.

The key is a hash of everything training reads (the catalog text, the keyword config, the
background and rejected papers, the model version), so a changed catalog simply misses the
cache and retrains. Files are written atomically; only the newest few are kept, and a killed
save's temporary file is removed by a later save. The files are
plain pickles (the C pickler: joblib's pure-Python one took seconds per model); like any pickle,
load only a cache directory you wrote yourself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import sklearn

MODEL_VERSION = "4"  # bump when the trained state's shape or module changes (4: closed PR models)
KEEP = 4  # cached models kept per directory
# a temporary file a killed save left (SIGKILL, a cancelled job): removed by a later save once
# this old, so that a save still being written by another run is never taken
STALE_SECONDS = 15 * 60
_TEMPORARY = re.compile(r"\.scorer-[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's names in _save

log = logging.getLogger(__name__)


def content_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in (MODEL_VERSION, sklearn.__version__, *parts):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _path(directory: Path, key: str) -> Path:
    return directory / f"scorer-{key}.pickle"


def has(directory: Path, key: str) -> bool:
    return _path(directory, key).exists()


def load(directory: Path, key: str, kind: type | None = None) -> Any | None:
    """The cached value for ``key``, or None: missing, or unreadable, or (with ``kind``) not a
    whole ``kind`` (another version's shape). A file that is there but unusable costs a
    retraining, said once on stderr; the retrained value then replaces it."""
    path = _path(directory, key)
    if not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)  # noqa: S301 (our own cache directory)
    except Exception as exc:  # truncated, corrupt, or a class that no longer exists
        _rebuilding(path, f"unreadable: {type(exc).__name__}")
        return None
    if kind is not None and not _whole(value, kind):
        _rebuilding(path, f"a {type(value).__name__} of another shape, not this version's {kind.__name__}")
        return None
    return value


def _whole(value: Any, kind: type) -> bool:
    """``value`` is a ``kind`` with every field (a pickle of an older dataclass loads without
    the fields added since, and fails only when they are read)."""
    if not isinstance(value, kind):
        return False
    fields = dataclasses.fields(kind) if dataclasses.is_dataclass(kind) else ()
    return all(hasattr(value, field.name) for field in fields)


def _rebuilding(path: Path, reason: str) -> None:
    log.warning("the cached scorer %s is %s; training again and rebuilding the file", path, reason)


GITIGNORE = "# Created by catalog-bot: trained scorers (pickles) are never committed.\n*\n"


def save(directory: Path, key: str, value: Any) -> Path | None:
    """Save ``value`` under ``key``; None when the directory cannot be written (a file of that
    name, a full disk, no permission): the cache only saves a retraining, so the run goes on."""
    try:
        return _save(directory, key, value)
    except OSError as exc:
        log.warning(
            "could not cache the trained scorer in %s (%s); the run goes on, and the next one "
            "trains again. Point the cache at a folder you can write (--cache-dir, cache_dir in "
            "config/poll.yml or CATALOG_BOT_CACHE_DIR).",
            directory,
            exc,
        )
        return None


def _save(directory: Path, key: str, value: Any) -> Path:
    if not directory.exists():
        # a directory the bot creates ignores itself (as .pytest_cache does): an adopter's
        # `git add -A` after a local poll would commit 20 MB of pickles, which the next
        # run would load, whoever changed them
        directory.mkdir(parents=True)
        (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    path = _path(directory, key)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".scorer-", suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _prune(directory)
    return path


def _prune(directory: Path) -> None:
    files = sorted(directory.glob("scorer-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
    _remove_stale_temporaries(directory)


def _remove_stale_temporaries(directory: Path, now: float | None = None) -> None:
    """The temporary files of saves killed mid-write (each up to a model's size), named exactly
    as ``_save`` names them and untouched for ``STALE_SECONDS``; nothing else is touched."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    for path in directory.glob(".scorer-*.tmp"):
        try:
            if _TEMPORARY.fullmatch(path.name) and path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:  # gone meanwhile, or not ours to remove: the next save tries again
            continue
