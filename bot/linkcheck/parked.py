"""Links whose domain lapsed and is for sale (pure): their redirects end on a domain marketplace.

A project page on a domain nobody renewed often answers through a domain seller: the domain is
bought and redirected (usually a 302) to its listing, on a site that answers 200. Followed as any
redirect, that was an alive link, by every checker (lychee and linkinator too). It is dead: the
page is gone, and a reader lands on "this domain is for sale". Told by where the redirects end:
a host whose only business is selling or parking domains (or GoDaddy's ``/forsale/`` pages), other
than the link's own. A domain parked in place (the seller's page served at the same URL, no
redirect) is not told: that takes reading the page, which the checker does not download.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from bot.linkcheck.model import LinkResult, Verdict

# (host and its subdomains, path prefix): domain marketplaces and parking services
MARKETPLACES = (
    ("hugedomains.com", "/"),
    ("sedo.com", "/"),
    ("sedoparking.com", "/"),
    ("dan.com", "/"),
    ("afternic.com", "/"),
    ("domainmarket.com", "/"),
    ("buydomains.com", "/"),
    ("undeveloped.com", "/"),
    ("bodis.com", "/"),
    ("parkingcrew.net", "/"),
    ("above.com", "/"),
    ("godaddy.com", "/forsale/"),
)


def marketplace(url: str) -> str:
    """The domain marketplace ``url`` is on ("" when it is on none)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    for name, prefix in MARKETPLACES:
        if (host == name or host.endswith("." + name)) and path.lower().startswith(prefix):
            return name
    return ""


def for_sale(result: LinkResult) -> LinkResult:
    """``result`` dead when its redirects end on a domain marketplace the link itself is not on;
    any other result as it is. No fix to propose: the marketplace is no new address."""
    if result.verdict is not Verdict.ALIVE or not result.redirects or not result.final_url:
        return result
    seller = marketplace(result.final_url)
    if not seller or marketplace(result.url):
        return result
    host = urlsplit(result.url).hostname or result.url
    error = (
        f"the domain {host} is for sale: its redirects end on {seller}, a domain marketplace, not the page"
    )
    return replace(result, verdict=Verdict.DEAD, error=error, permanent_redirect=None)
