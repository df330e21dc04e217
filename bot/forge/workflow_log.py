"""What the bot prints in a GitHub Actions log cannot be read as a workflow command.

The runner reads every line a step prints and executes the ones that start (after white space,
Unicode spaces included) with ``::`` (``::warning``, ``::error``, ``::add-mask``,
``::stop-commands::``, ...) and, in the legacy syntax, ``##[...]`` anywhere in a line. Titles,
authors and abstracts from arXiv, comments and link-check answers are printed by the jobs, so
under Actions ``python -m bot`` wraps stdout and stderr in :class:`GuardedStream`: a line that
would be a workflow command gets a ``> `` prefix, ``##[`` is broken up, and control characters
(ANSI escapes, carriage returns that would start a new line for the runner) are dropped. The
bot's own annotations (``check-links``) are written with :func:`workflow_command`, which
bypasses the guard.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import TextIO

from bot.core.text import strip_unsafe

PREFIX = "> "
_LEGACY = re.compile(r"##\[")
_MAYBE_COMMAND = ("", ":", "#", "##")
# A line as the runner reads it: it splits at "\r" and "\n" only (not at "\v", "\f", U+2028...).
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _is_command(line: str) -> bool:
    """The runner trims white space with .NET's TrimStart (no-break and ideographic spaces,
    U+2028... too); Python's ``lstrip()`` removes all of those."""
    return line.lstrip().startswith("::")


def _clean(piece: str, hashes: int = 0) -> str:
    """``piece`` without invisible characters and with ``##[`` broken up (before its ``[``, so
    that ``hashes``, the ``#`` the line already ends with, can complete none either)."""
    tail = "#" * min(hashes, 2)
    return _LEGACY.sub("##\u200b[", tail + strip_unsafe(piece))[len(tail) :]


def neutralise(text: str) -> str:
    """``text`` with no line that the runner would execute (for text printed in one piece)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = strip_unsafe(text).split("\n")
    return "\n".join(
        PREFIX + line if _is_command(line) else line
        for line in (_LEGACY.sub("##\u200b[", line) for line in lines)
    )


class GuardedStream(io.TextIOBase):
    """A text stream that neutralises every line written to it before passing it on to ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw
        self._at_start = True
        self._held = ""  # the start of a line that may still become a command ("", ":", "##")
        self._hashes = 0  # how many "#" the line written so far ends with (a "##[" to be)

    def write(self, text: str) -> int:
        data = (self._held + text).replace("\r\n", "\n").replace("\r", "\n")
        self._held = ""
        for piece in _LINE.findall(data):
            line = _clean(piece, self._hashes)
            # a line start so far only white space or invisible characters may still become one
            if self._at_start and not piece.endswith("\n") and line.lstrip() in _MAYBE_COMMAND:
                self._held = piece
                break
            self._emit(PREFIX + line if self._at_start and _is_command(line) else line)
            self._at_start = piece.endswith("\n")
        return len(text)

    def _emit(self, line: str) -> None:
        self.raw.write(line)
        ending = len(line) - len(line.rstrip("#"))
        self._hashes = 0 if line.endswith("\n") else self._hashes + ending if ending == len(line) else ending

    def flush(self) -> None:
        if _clean(self._held).strip():
            self._emit(PREFIX + _clean(self._held))
            self._held, self._at_start = "", False
        self.raw.flush()

    def close(self) -> None:
        self.flush()
        if self._held:
            self._emit(_clean(self._held))
            self._held = ""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under a guard (for the bot's own workflow commands), or ``stream`` itself."""
    return stream.raw if isinstance(stream, GuardedStream) else stream


def workflow_command(stream: TextIO, text: str) -> None:
    """Write workflow commands the bot means (annotations), past the guard; their values must
    already be escaped for the command syntax."""
    raw_stream(stream).write(text)


def in_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


@contextmanager
def guarded_output(env: Mapping[str, str]) -> Iterator[None]:
    """Under GitHub Actions, stdout and stderr are guarded for the duration (nothing otherwise)."""
    if not in_actions(env) or isinstance(sys.stdout, GuardedStream):
        yield
        return
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = GuardedStream(sys.stdout), GuardedStream(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, GuardedStream):
                with suppress(OSError, ValueError):
                    stream.close()
        sys.stdout, sys.stderr = saved
