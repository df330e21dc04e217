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
dead link). A hosting platform (a suffix of the list's private section: ``github.io``,
``pages.dev``, one operator for all its sites) is counted the same way, but needs ``PLATFORM_SITES``
of its sites in the silent row: GitHub Pages down is not waited for user by user (300 users, 138 s),
a few hung users leave the others alone. Any answer, late ones too, resets every count.
"""

from __future__ import annotations

import functools
import ipaddress

from publicsuffixlist import PublicSuffixList


def silent_host_limit(concurrency: int) -> int:
    """Requests in a row a host may leave unanswered (timed out) before it is not asked again this
    run: two rounds of its slots, at least 4."""
    return max(4, 2 * concurrency)


PLATFORM_SITES = 8  # sites of one hosting platform that must go silent together before it is


def _split(key: str) -> tuple[str, str]:
    """(host, ":port" or "") of a host key; host "" for an IP address or a one-label name."""
    host, colon, port = key.rpartition(":") if key.count(":") == 1 else (key, "", "")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return "", ""
    except ValueError:
        pass
    return (host, colon + port) if "." in host.strip(".") else ("", "")


def site_of(key: str) -> str:
    """The site of a host key (``host`` or ``host:port``): the name registered under a public
    suffix (``x.test`` for ``a.b.x.test``, ``foo.github.io``, ``x.co.uk``), with the port; "" for an
    IP address, a public suffix itself (``github.io``, ``co.uk``) or a one-label name: they are
    their own site."""
    host, port = _split(key)
    registered = _public_suffixes().privatesuffix(host) if host else None
    return registered + port if registered else ""


def platform_of(key: str) -> str:
    """The hosting platform of a host key: its public suffix when the list's private section names
    it (``github.io``, ``pages.dev``, ``hf.space``: one operator serves every site under it), with the
    port; "" otherwise (``co.uk``'s names are unrelated servers)."""
    host, port = _split(key)
    if not host:
        return ""
    suffix = _public_suffixes().publicsuffix(host)
    return suffix + port if suffix and suffix != _public_suffixes(icann=True).publicsuffix(host) else ""


@functools.cache
def _public_suffixes(icann: bool = False) -> PublicSuffixList:
    """The Public Suffix List bundled with the package (with its private section, github.io,
    pages.dev..., unless ``icann``). Read once, from disk: ``PublicSuffixList()`` never fetches; an
    unknown top-level name (``.test``) counts as a public suffix, as the list's default rule says."""
    return PublicSuffixList(only_icann=icann)


class Silence:
    """Counts the requests each host, each site and each hosting platform left unanswered in a row."""

    def __init__(self) -> None:
        self._hosts: dict[str, int] = {}  # host key -> requests timed out in a row
        self._groups: dict[str, int] = {}  # site or platform -> requests to it timed out in a row
        self._members: dict[str, set[str]] = {}  # site -> its hosts, platform -> its sites, in that row
        self.silent_sites: set[str] = set()  # sites and platforms not asked again

    @staticmethod
    def _groups_of(key: str) -> list[tuple[str, str, int]]:
        """(group, the member ``key`` is of it, members needed): its site, its platform."""
        site, platform = site_of(key), platform_of(key)
        groups = [(site, key, 2)] if site else []  # one host alone: its own rule
        return groups + ([(platform, site or key, PLATFORM_SITES)] if platform else [])

    def answered(self, key: str) -> None:
        """``key`` answered (a late answer too): it, its site and its platform are not silent."""
        self._hosts[key] = 0
        for group, _, _ in self._groups_of(key):
            self._groups[group] = 0
            self._members.pop(group, None)

    def timed_out(self, key: str, limit: int) -> tuple[bool, bool]:
        """One more request to ``key`` unanswered: (is the host silent now, is its site or platform)."""
        self._hosts[key] = self._hosts.get(key, 0) + 1
        for group, member, needed in self._groups_of(key):
            self._groups[group] = self._groups.get(group, 0) + 1
            members = self._members.setdefault(group, set())
            members.add(member)
            if self._groups[group] >= limit and len(members) >= needed:
                self.silent_sites.add(group)
        return self._hosts[key] >= limit, bool(self.silent_group(key))

    def silent_group(self, key: str) -> str:
        """The silent site or platform ``key`` is part of ("" when none is)."""
        return next((group for group, _, _ in self._groups_of(key) if group in self.silent_sites), "")

    def unanswered(self, key: str) -> int:
        """The requests ``key`` left unanswered in a row (0: it answered the last one, or was not asked)."""
        return self._hosts.get(key, 0)
