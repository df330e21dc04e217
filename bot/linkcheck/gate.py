"""A concurrency gate: at most ``limit`` holders, waiters served by priority, optional pacing.

Used once globally and once per host. Priority 0 (a retry or the next redirect hop of a link
already under way) goes before priority 1 (a link not started yet), so a link that waited for
its Retry-After does not queue behind hundreds of fresh links. ``interval`` spaces out the
*starts* (seconds between two acquisitions), which is the per-host pacing. A closed gate admits
no one any more: its waiters and later callers get ``GateClosed`` (a host that stopped answering).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

CONTINUE = 0
FRESH = 1


class GateClosed(Exception):
    """The gate was closed: no slot was taken, there is nothing to release."""


class Gate:
    def __init__(self, limit: int, interval: float = 0.0) -> None:
        if limit < 1:
            raise ValueError(f"a gate needs a limit of at least 1, got {limit}")
        self.limit = limit
        self.interval = interval
        self.in_use = 0
        self.peak = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._next_start = 0.0
        self.closed = False

    def close(self) -> None:
        """Admit no one any more: every waiter, and every later ``acquire``, gets ``GateClosed``
        (the slots already held are released as usual)."""
        self.closed = True
        waiters, self._waiters = self._waiters, []
        for _, _, future in waiters:
            if not future.done():
                future.set_exception(GateClosed())

    async def acquire(self, priority: int = FRESH) -> None:
        """Wait for a slot (then for the pacing interval); the caller must ``release()`` it.
        Raises ``GateClosed`` once the gate is closed (holding no slot)."""
        if self.closed:
            raise GateClosed()
        if self.in_use < self.limit and not self._waiters:
            self.in_use += 1
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (priority, next(self._order), future))
            try:
                await future  # release() hands its slot over: in_use is unchanged
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self.release()
                raise
        self.peak = max(self.peak, self.in_use)
        try:
            await self._pace()
        except asyncio.CancelledError:
            self.release()
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self.in_use -= 1

    async def _pace(self) -> None:
        if self.interval <= 0:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start)
        self._next_start = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
