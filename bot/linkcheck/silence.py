"""Hosts that stopped answering, and sites whose subdomains all did: who is not asked again this run.

A host that answers none of ``silent_host_limit`` requests in a row (each timed out, no late
answer meanwhile) is silent: its other links are dead without a request, as their timeouts would
have made them. Its subdomains are other hosts, each with its own count: 600 subdomains of one
server that never answers (``a.x.test``, ``b.x.test``...), 2 links each, cost their timeouts one by
one (188 s in bench/hung_hosts.py --subdomains). So the requests are counted per site too: the
name a host's owner registered, found with the Public Suffix List (the list bundled with the
``publicsuffixlist`` package, read from disk, never fetched), with the port. ``x.test`` for
``a.x.test``; but ``foo.github.io`` and ``bar.github.io``, ``x.co.uk`` and ``y.co.uk``,
``a.pages.dev``, ``b.readthedocs.io`` or ``c.hf.space`` are sites of their own, owned by unrelated
people (counted by their last two labels, as they were until round 32, two hung GitHub Pages
users made every other user's links *unknown*). A site none of whose hosts (two or more)
answered any of the last ``silent_host_limit`` requests is silent, and its hosts are not asked
again: the links of a host asked that left every request unanswered are dead, as its own count
would have made them; those of a host not asked yet are *unknown* (a check lost, never a false
dead link). Any answer, late ones too, resets both counts.
"""

from __future__ import annotations

import functools
import ipaddress

from publicsuffixlist import PublicSuffixList


def silent_host_limit(concurrency: int) -> int:
    """Requests in a row a host may leave unanswered (timed out) before it is not asked again this
    run: two rounds of its slots, at least 4."""
    return max(4, 2 * concurrency)


def site_of(key: str) -> str:
    """The site of a host key (``host`` or ``host:port``): the name registered under a public
    suffix (``x.test`` for ``a.b.x.test``, ``foo.github.io``, ``x.co.uk``), with the port; "" for an
    IP address, a public suffix itself (``github.io``, ``co.uk``) or a one-label name: they are
    their own site."""
    host, colon, port = key.rpartition(":") if key.count(":") == 1 else (key, "", "")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return ""
    except ValueError:
        pass
    if "." not in host.strip("."):
        return ""
    registered = _public_suffixes().privatesuffix(host)
    return registered + colon + port if registered else ""


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    """The Public Suffix List bundled with the package (its private section too: github.io,
    pages.dev...). Read once, from disk: ``PublicSuffixList()`` never fetches; an unknown top-level
    name (``.test``) counts as a public suffix, as the list's default rule says."""
    return PublicSuffixList()


class Silence:
    """Counts the requests each host and each site left unanswered in a row."""

    def __init__(self) -> None:
        self._hosts: dict[str, int] = {}  # host key -> requests timed out in a row
        self._sites: dict[str, int] = {}  # site -> requests to its hosts timed out in a row
        self._site_hosts: dict[str, set[str]] = {}  # site -> its hosts asked so far
        self.silent_sites: set[str] = set()

    def answered(self, key: str) -> None:
        """``key`` answered (a late answer too): it and its site are not silent."""
        self._hosts[key] = 0
        site = site_of(key)
        if site:
            self._sites[site] = 0

    def timed_out(self, key: str, limit: int) -> tuple[bool, bool]:
        """One more request to ``key`` unanswered: (is the host silent now, is its site)."""
        self._hosts[key] = self._hosts.get(key, 0) + 1
        site = site_of(key)
        if site:
            self._sites[site] = self._sites.get(site, 0) + 1
            self._site_hosts.setdefault(site, set()).add(key)
            if self._sites[site] >= limit and len(self._site_hosts[site]) > 1:  # one host: its own rule
                self.silent_sites.add(site)
        return self._hosts[key] >= limit, site in self.silent_sites

    def unanswered(self, key: str) -> int:
        """The requests ``key`` left unanswered in a row (0: it answered the last one, or was not asked)."""
        return self._hosts.get(key, 0)
