"""Telling an offline machine from a web of dead links, in seconds rather than at the end of the run.

Offline, every request fails before any server is reached: every DNS lookup fails, or every
connection is refused (or unreachable), or, on a network that drops packets, every connection (or
DNS lookup) times out before it is made: each the same way. Waiting for every link's retries to
say so took 427 s on a list of 935 links (github.com's paced ones, retried). ``NetworkWatch``
hears each request's outcome; once the first ``hosts`` hosts have failed to connect the same way
and no host has answered anything, it waits for the requests already in flight (a server that
answers any of them shows the network works: a few dead domains first in a list are not an
outage) and then says the network is down, with why. A request that timed out after its
connection was made reached a server (or a proxy): that network works, like an answer, so a slow
network that connects is never called down here (the end-of-run rule of ``check_links`` still
applies). Pure bookkeeping: no clock, no I/O.
"""

from __future__ import annotations

import asyncio
import itertools

from bot.linkcheck.policy import Answer

OFFLINE_HOSTS = 8  # hosts that must fail to connect, the same way, before the network is down
CONNECT_FAILURE = "cannot connect"  # the start of an Answer.error when no connection was made
# how a connection that timed out before it was made (Answer.connect_timeout) failed
CONNECT_TIMED_OUT = f"{CONNECT_FAILURE} (the connection timed out: no answer, as when packets are dropped)"


class NetworkWatch:
    """Hears the outcome of every request of a run; ``down`` says why the network is down
    ("" while it is not), and ``tripped`` is set when it is."""

    def __init__(self, hosts: int = OFFLINE_HOSTS) -> None:
        self.hosts = hosts
        self.down = ""
        self.proven = False  # a server answered (or an API): the network works, for this run
        self.tripped = asyncio.Event()
        self._failed: dict[str, set[str]] = {}  # how a connection failed -> hosts it failed so
        self._in_flight: set[int] = set()
        self._awaited: set[int] | None = None  # in flight when enough hosts had failed
        self._failure = ""
        self._ids = itertools.count()

    def sent(self) -> int:
        """A request is on its way: its id, for ``heard``."""
        request = next(self._ids)
        self._in_flight.add(request)
        return request

    def heard(self, request: int, host: str, outcome: Answer) -> None:
        """What became of request ``request`` to ``host`` (a timeout given up on is heard too)."""
        self._in_flight.discard(request)
        if self.down or self.proven:
            return
        if outcome.status is not None or outcome.reached:
            self.answered()
            return
        failure = CONNECT_TIMED_OUT if outcome.connect_timeout else outcome.error or ""
        if failure.startswith(CONNECT_FAILURE):
            failed = self._failed.setdefault(failure, set())
            failed.add(host)
            if self._awaited is None and len(failed) >= self.hosts:
                self._awaited, self._failure = set(self._in_flight), failure
        if self._awaited is not None:
            self._awaited.discard(request)
            if not self._awaited:
                self.down = (
                    f"the first {self.hosts} hosts asked all failed the same way ({self._failure}), "
                    "none answered"
                )
                self.tripped.set()

    def answered(self) -> None:
        """A server or an API answered (or a server took a connection): the network works,
        whatever fails later."""
        self.proven = True
        self._awaited = None
