"""One retry policy for every HTTP caller (GitHub, the arXiv RSS feed, the link checker's waits).

Nothing here sleeps or reads the clock unless told to. Callers pass their ``sleep`` (and,
for HTTP dates, ``now``; for a body, the clock), so tests never wait.

- ``parse_retry_after``: the one parser of a ``Retry-After`` header (delta-seconds or HTTP date).
- ``RetryPolicy``: how many attempts, the exponential back-off, and the longest wait accepted.
- ``is_retryable_status``: 429 and 5xx ("come back later"); other statuses are answers.
- ``read_within``: an httpx answer's body read within a time limit in all (httpx's ``timeout``
  bounds each read: the arXiv feed and GitHub use it).
"""

from __future__ import annotations

import datetime
import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad.

    ``now`` (Unix seconds) is the time an HTTP date is measured from; the wall clock by default."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # asctime dates and "-0000" carry no zone: HTTP dates are GMT
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def is_retryable_status(status: int) -> bool:
    """429 and 5xx say "come back later"; every other status is the server's answer."""
    return status == 429 or status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` tries in all; waits of ``backoff_seconds * 2**(n-1)`` after the n-th failure,
    or what the server asked for; a wait longer than ``max_wait_seconds`` is not waited out."""

    max_attempts: int = 4
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 900.0

    def backoff(self, attempt: int) -> float:
        """The back-off after failed attempt ``attempt`` (1-based): 1x, 2x, 4x ... ``backoff_seconds``."""
        return self.backoff_seconds * 2 ** (attempt - 1)

    def delay(self, attempt: int, asked: float | None = None) -> float:
        """What the server asked for, else the back-off."""
        return asked if asked is not None else self.backoff(attempt)

    def gives_up(self, attempt: int) -> bool:
        """True once ``attempt`` tries have been made and no more are allowed."""
        return attempt >= self.max_attempts


class AnswerTooLarge(httpx.RequestError):
    """A body over the caller's ``max_bytes`` (announced, or read): an answer, not retried."""


def read_within(
    response: httpx.Response,
    deadline: float,
    clock: Callable[[], float],
    timeout: float,
    max_bytes: int | None = None,
) -> bytes:
    """The body of a response sent with ``stream=True``, read by ``deadline`` (on ``clock``), then
    closed. httpx's timeout bounds each read, so a server sending a byte now and then held the run
    for as long as the body lasted; past the deadline this is an ``httpx.ReadTimeout`` (a transport
    error, retried as any timeout) saying it took longer than ``timeout`` seconds. A body over
    ``max_bytes`` (its Content-Length, or what arrives) is ``AnswerTooLarge``, not read into memory."""
    declared = response.headers.get("Content-Length", "")
    chunks, size = [], 0
    try:
        if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
            raise AnswerTooLarge(_too_large(int(declared), max_bytes), request=response.request)
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise AnswerTooLarge(_too_large(size, max_bytes, "over "), request=response.request)
            if clock() > deadline:
                raise httpx.ReadTimeout(
                    f"the answer took longer than {timeout:g} s", request=response.request
                )
    finally:
        response.close()
    return b"".join(chunks)


def _too_large(size: int, limit: int, over: str = "") -> str:
    return f"the answer is {over}{size:,} bytes, more than the {limit:,} this reader accepts"
