"""Which permanent redirects are safe to write in place of a link (pure): the nightly PR writes
only those, and check-links says which of the others to look at by hand.

A redirect is doubtful when it leads to another host (whoever controls a linked site, or buys its
expired domain, must not be able to repoint a catalog entry; ``redirect_hosts`` pairs excepted),
from https to plain http, to the site's home page (the page itself is probably gone) or to a
login page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import SplitResult, urlsplit

_LOGIN_PAGE_RE = re.compile(
    r"(?i)(?:^|[/?&=._-])(?:log-?in|sign-?in|sign_in|auth|sso|session|accounts?)"
    r"(?:[/?&=._-]|$)"
)


# What a site's home page is called besides "/": an index file, "home", a language's root
# ("/en/", "/en-us/index.html"): where sites send the pages they removed.
_INDEX = r"(?:(?:index|home|default)(?:\.[a-z]{2,5})?)?"
_HOME_RE = re.compile(rf"(?i)/*{_INDEX}/*")
_LANGUAGE_HOME_RE = re.compile(rf"(?i)/*[a-z]{{2}}(?:[-_][a-z]{{2,4}})?(?:/+{_INDEX})?/*")


def _is_home(parts: SplitResult, language_roots: bool = True) -> bool:
    """The URL is a site's home page: no query, and a path of "/", an index file or (unless
    ``language_roots`` is False: "/cv" may be a page) a language's root."""
    if parts.query:
        return False
    return bool(
        _HOME_RE.fullmatch(parts.path) or (language_roots and _LANGUAGE_HOME_RE.fullmatch(parts.path))
    )


def _site(parts: SplitResult) -> str:
    """The host a link is on, as compared for redirects: lowercase, without ``www.``, with a
    port only when it is not the scheme's default."""
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if port in (None, default) else f"{host}:{port}"


def _pair_host(host: str) -> str:
    """A host of ``redirect_hosts`` as ``_site`` gives a link's: lowercase, without ``www.``."""
    return host.lower().removeprefix("www.")


def doubtful_redirect(old: str, new: str, allowed_hosts: Sequence[tuple[str, str]] = ()) -> str:
    """Why a permanent redirect should not be written blindly ("" when it is safe).

    Only redirects on the same host (http -> https included) are written; one to another host is
    listed for a maintainer unless the pair is in ``redirect_hosts``: whoever controls a linked
    site, or buys its expired domain, must not be able to repoint a catalog entry."""
    before, after = urlsplit(old), urlsplit(new)
    if before.scheme == "https" and after.scheme != "https":
        return "it leads from https to plain http"
    if after.scheme.lower() not in ("http", "https") or after.username or after.password:
        return "it is not a plain http(s) link"
    source, target = _site(before), _site(after)
    allowed = {(_pair_host(a), _pair_host(b)) for a, b in allowed_hosts}
    if source != target and (source, target) not in allowed:
        return (
            f"it leads to another host ({target}): check that the new site is the same "
            "project, or add the pair to redirect_hosts in config/nightly.yml"
        )
    if not _is_home(before, language_roots=False) and _is_home(after):
        return "it leads to the site's home page: the page itself may be gone"
    to_login = _LOGIN_PAGE_RE.search(f"{after.path}?{after.query}")
    if to_login and not _LOGIN_PAGE_RE.search(f"{before.path}?{before.query}"):
        return "it leads to a login page"
    return ""
