"""Link fixes for the rolling PR (pure): permanent redirects and https twins, which of them are
safe to write, and the PR's edit (star refresh, then the fixes) on whatever text it is given."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import SplitResult, urlsplit

from bot.core.catalog import Catalog, parse, title_at
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.forge.protocols import RepoInfo
from bot.jobs.check_stars import refresh_entries
from bot.jobs.nightly.model import FixReason, LinkFix, NightlySettings
from bot.linkcheck import Link, LinkResult, Verdict

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


def https_twin(url: str) -> str | None:
    return "https://" + url[len("http://") :] if url[:7].lower() == "http://" else None


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


def _better_url(
    result: LinkResult, twin: LinkResult | None, settings: NightlySettings
) -> tuple[str, FixReason, str] | None:
    """(new URL, reason, doubt) for one link, or None when there is nothing to fix."""
    github = result.source == "github"
    if github and (twin is None or twin.permanent_redirect):
        return None  # renamed repositories are the star refresh's business (it writes https)
    if (
        not github
        and settings.fix_redirects
        and result.verdict is Verdict.ALIVE
        and result.permanent_redirect
    ):
        return (
            result.permanent_redirect,
            "redirect",
            doubtful_redirect(result.url, result.permanent_redirect, settings.redirect_hosts),
        )
    if (
        twin is not None
        and twin.verdict is Verdict.ALIVE
        and (twin.final_url or twin.url).startswith("https://")
    ):
        return twin.url, "https", ""
    return None


def _entry_urls(catalog: Catalog) -> dict[int, set[str]]:
    """1-based line -> the URLs its canonical entry carries (url, pdf, code)."""
    return {
        item.line_number: {u for u in (item.entry.url, item.entry.pdf_url, item.entry.code_url) if u}
        for item in catalog.items
        if item.entry is not None
    }


def link_fixes(
    catalog: Catalog,
    links: Sequence[Link],
    results: Mapping[str, LinkResult],
    twins: Mapping[str, LinkResult],
    settings: NightlySettings,
) -> list[LinkFix]:
    """Every link that moved permanently or has a working https twin, one fix per line."""
    entry_urls = _entry_urls(catalog)
    fixes = []
    for link in links:
        better = _better_url(results[link.url], twins.get(link.url), settings)
        if better is None or better[0] == link.url:
            continue
        new, reason, doubt = better
        for line in link.lines:
            in_entry = link.url in entry_urls.get(line, set())
            note = doubt or ("" if in_entry else "not a canonical entry line: edit it by hand")
            fixes.append(LinkFix(line, title_at(catalog, line), link.url, new, reason, not note, note))
    return fixes


def moved_entry(entry: Entry, url_map: Mapping[str, str]) -> Entry:
    if not {entry.url, entry.pdf_url, entry.code_url} & url_map.keys():
        return entry
    return replace(
        entry,
        url=url_map.get(entry.url, entry.url),
        pdf_url=url_map.get(entry.pdf_url, entry.pdf_url),
        code_url=url_map.get(entry.code_url, entry.code_url),
    )


def maintenance_edit(
    infos: Mapping[str, RepoInfo], url_map: Mapping[str, str], taxonomy: Taxonomy | None
) -> Callable[[str], str]:
    """The rolling PR's pure edit: star refresh, then link fixes, on whatever text it is given."""

    def edit(text: str) -> str:
        refreshed, _ = refresh_entries(parse(text, taxonomy), infos)
        return refreshed.map_entries(lambda entry: moved_entry(entry, url_map)).render()

    return edit
