"""Reading and writing ``catalog.md`` safely: the only file I/O of the catalog model.

``write_catalog`` writes only text that re-parses to the expected papers (nothing lost, nothing
unannounced added), atomically and keeping the file's mode; ``read_catalog`` says what to do when
the file is missing or not UTF-8.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.paper_store import Store, dump, load, mark_announced
from bot.core.taxonomy import Taxonomy
from bot.core.text import not_utf8, save_as_utf8, unreadable
from bot.errors import BotError, CatalogError, ConfigError


def write_catalog(
    path: Path,
    new_text: str,
    taxonomy: Taxonomy | None,
    expect_added: Iterable[str] = (),
    expect_removed: Iterable[str] = (),
    old_text: str | None = None,
    allow_dropping_unidentified: bool = False,
) -> Catalog:
    """Write ``new_text`` to ``path`` only if it re-parses to the expected model: the same
    arXiv ids as the old file, plus ``expect_added``, minus ``expect_removed``, and no entry
    without an id lost (unless ``allow_dropping_unidentified``). The write is atomic
    (temporary file + rename)."""
    new = parse(new_text, taxonomy)
    if new.render() != new_text:
        raise CatalogError(f"refusing to write {path}: the new text does not round-trip")
    if old_text is None:
        old_text = read_text_exact(path) if path.exists() else ""
    check_papers(
        parse(old_text, taxonomy),
        new,
        f"refusing to write {path}",
        expect_added,
        expect_removed,
        allow_dropping_unidentified,
    )
    write_text_atomic(path, new_text)
    return new


def check_papers(
    old: Catalog,
    new: Catalog,
    refusal: str,
    expect_added: Iterable[str] = (),
    expect_removed: Iterable[str] = (),
    allow_dropping_unidentified: bool = False,
) -> None:
    """Raise a ``CatalogError`` (starting with ``refusal``) unless ``new`` holds the papers of
    ``old``, plus ``expect_added``, minus ``expect_removed``, shows those ``old`` showed (none
    newly commented out), and every entry without an arXiv id (unless
    ``allow_dropping_unidentified``): the check of any edit before it is written."""
    expected = (old.arxiv_id_set() | set(expect_added)) - set(expect_removed)
    if new.arxiv_id_set() != expected:
        missing = sorted(expected - new.arxiv_id_set())[:5]
        extra = sorted(new.arxiv_id_set() - expected)[:5]
        raise CatalogError(
            f"{refusal}: the edit would change papers it should not "
            f"(missing: {missing or 'none'}, unexpected: {extra or 'none'}); the file is unchanged"
        )
    hidden = sorted((_shown(old) & new.arxiv_id_set()) - _shown(new))
    if hidden:
        raise CatalogError(
            f"{refusal}: the edit would hide {len(hidden)} paper(s) in an HTML comment "
            f"(e.g. arXiv {hidden[0]}, still there but no longer shown); the file is unchanged"
        )
    lost = _unidentified(old) - _unidentified(new)
    if lost and not allow_dropping_unidentified:
        raise CatalogError(
            f"{refusal}: the edit would drop {sum(lost.values())} entry(ies) without "
            f"an arXiv id (e.g. {sorted(lost)[0]!r}); the file is unchanged"
        )


def file_mode(path: Path) -> int:
    """The mode a rewrite of ``path`` keeps: its own, or the umask's default for a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def refuse_folder(path: Path) -> None:
    """A file is to be written at ``path``: say so clearly when a folder is there."""
    if path.is_dir():
        raise BotError(f"{path} is a folder: pass the path of a file to write, not a folder")


def refuse_unwritable(path: Path, option: str = "--output") -> None:
    """A job will write ``path`` (given with ``option``) at its end: check now, before the work,
    that it can (not a folder, the folder exists, permission), with what to pass instead."""
    if path.is_dir():
        raise BotError(f"{path} is a folder: pass {option} with the path of a file to write")
    folder = path.parent
    if not folder.is_dir():
        raise BotError(
            f"cannot write {path}: the folder {folder} does not exist; create it, or pass "
            f"{option} with a file in an existing folder"
        )
    writable = os.access(path, os.W_OK) if path.exists() else os.access(folder, os.W_OK | os.X_OK)
    if not writable:
        raise BotError(f"cannot write {path}: permission denied; pass {option} with a file you can write")


def write_text_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, keeping the file's mode (mkstemp's files
    are 600: a rewrite must not turn a 644 catalog into 600)."""
    refuse_folder(path)
    mode = file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _shown(catalog: Catalog) -> set[str]:
    """The arXiv ids of the entries readers see (not commented out)."""
    return {arxiv_id for item in catalog.listed() for arxiv_id in item.arxiv_ids}


def _unidentified(catalog: Catalog) -> Counter[str]:
    """Entries without an arXiv id (tools, courses, venue-only papers), by title."""
    return Counter(item.title_key for item in catalog.entries() if not item.arxiv_ids and item.title_key)


def read_text_exact(path: Path) -> str:
    """The file's text with its line endings as they are (``read_text`` turns CRLF into LF, so
    writing an edit back would convert the whole file)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def read_catalog(path: Path, taxonomy: Taxonomy | None) -> Catalog:
    try:
        text = read_text_exact(path)
    except FileNotFoundError as exc:
        raise CatalogError(
            f"{path} does not exist: pass the catalog path, or create it from your list with "
            f"`python -m bot import LIST --output {path}` (`python -m bot init --from LIST` also "
            "writes the config)"
        ) from exc
    except IsADirectoryError as exc:
        raise CatalogError(f"{path} is a folder: pass the catalog's markdown file (e.g. catalog.md)") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{not_utf8(path, exc)}: {save_as_utf8(path)}") from exc
    except OSError as exc:  # its permissions, a symlink loop: a traceback (exit 3) before
        raise CatalogError(f"{unreadable(path, exc)}: check the file and its permissions") from exc
    return parse(text, taxonomy)


def read_repo_file(path: Path, fix: str, note: str = "") -> str | None:
    """A file of the repository the bot reads or adds to besides the catalog (the issue form,
    ``.gitignore``, ``.gitattributes``): its text, None when there is none; a folder of that name,
    a file that is not UTF-8 or that cannot be read is a ``ConfigError`` of one line ending with
    ``fix`` (before round 32: a traceback, exit 3), then `` (note)`` when given."""
    note = f" ({note})" if note else ""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a file: {fix}{note}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{not_utf8(path, exc)}: {save_as_utf8(path)}{note}") from exc
    except OSError as exc:  # its permissions, a symlink loop
        raise ConfigError(f"{unreadable(path, exc)}: {fix}{note}") from exc


def read_store_text(path: Path) -> str:
    """The paper store file's text ("" when there is none yet); not UTF-8 is a clear error."""
    if not path.exists():
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"{path} is not UTF-8 text ({exc}); fix its encoding or delete it "
            "(`python -m bot enrich` fetches it again)"
        ) from exc
    except OSError as exc:  # a folder of that name, its permissions: a traceback (exit 3) before
        raise CatalogError(
            f"{unreadable(path, exc)}: make it a file the bot can read, or delete it "
            "(`python -m bot enrich` fetches it again)"
        ) from exc


def write_store(path: Path, store: Store) -> None:
    """Write the paper store atomically (a killed run leaves the old file or the new one, never
    half); the same text again leaves the file as it is. The new versions the file has marked
    meanwhile are kept (in local-git mode a ``poll`` marks the feed's replacements in the file
    while an ``enrich`` runs, whose save dropped them): noted again on ``store``, unless a paper
    was fetched at that version since."""
    on_disk = path.read_text(encoding="utf-8") if path.exists() else ""
    text = dump(mark_announced(store, _announced(on_disk, str(path))))
    if on_disk == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)


def _announced(text: str, source: str) -> dict[str, int]:
    """The new versions a paper store's text marks (none when it does not read: it is replaced)."""
    try:
        records = load(text, source) if text else {}
    except CatalogError:
        return {}
    return {i: r.announced_version for i, r in records.items() if r.announced_version}
