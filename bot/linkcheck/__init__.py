"""Link checking for the catalog: extraction, a polite async HTTP checker, resolvers, nightly state.

Public API (the job ``bot.jobs.check_links`` and the nightly job use these):

- ``extract_links(text) -> list[Link]``: every unique http(s) URL with its 1-based lines;
- ``CheckSettings`` / ``settings_from_config(config.load("links"))``;
- ``make_client(settings)`` (the httpx.AsyncClient, built at the edge) and
  ``HttpChecker(client, settings)``;
- ``await check_all(urls, http, settings, resolvers=(), progress=None) -> {url: LinkResult}``;
- ``Resolver`` (protocol: ``name``, ``claims(url)``, ``resolve(urls) -> {url: LinkResult}``);
- ``LinkResult``, ``Verdict``, ``Hop``;
- ``update_state(previous, results, today, threshold=2) -> (state, [ConfirmedDead])``.
"""

from bot.linkcheck.checker import check_all
from bot.linkcheck.extract import Link, extract_links
from bot.linkcheck.http import HttpChecker, make_client
from bot.linkcheck.model import Hop, LinkResult, Resolver, Verdict
from bot.linkcheck.settings import CheckSettings, Exclusion, HostLimits
from bot.linkcheck.settings import from_config as settings_from_config
from bot.linkcheck.state import ConfirmedDead, update_state

__all__ = [
    "CheckSettings",
    "ConfirmedDead",
    "Exclusion",
    "Hop",
    "HostLimits",
    "HttpChecker",
    "Link",
    "LinkResult",
    "Resolver",
    "Verdict",
    "check_all",
    "extract_links",
    "make_client",
    "settings_from_config",
    "update_state",
]
