"""Dead links over nights (pure): a link is reported dead only when it failed on
``confirm_after_nights`` consecutive nights; the state between nights lives in the tracking
issue's hidden marker, trimmed to fit its body."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core import markers
from bot.core.catalog import Catalog
from bot.jobs.nightly.model import ISSUE_MARKER, STATE_VERSION, LinkProblem, NightlySettings, link_problem
from bot.linkcheck import Link, LinkResult, Verdict, update_state
from bot.linkcheck.http import host_key
from bot.linkcheck.policy import DEAD_STATUSES

# At most this share of the hosts asked may be silent on a night the hosts prove the network works:
# a flaky network silences many small hosts (one link each, that failed) and only some links of
# the big ones; a dead site is one or two hosts among many.
SILENT_HOSTS_SHARE = 0.25


def previous_state(body: str | None) -> dict[str, Any]:
    data = markers.find(body, ISSUE_MARKER) or {}
    if data.get("version") != STATE_VERSION:
        return {}
    state = data.get("links")
    if state is None and isinstance(data.get(PACKED), str):
        state = unpack_state(data[PACKED])
    return dict(state) if isinstance(state, Mapping) else {}


# The marker's key for the state packed (zlib-compressed JSON, in base64), written instead of
# "links" when the plain JSON would not fit in the issue beside the report: a state entry is
# about 150 characters, so a plain state of more than about 400 failing links was trimmed, and
# the links dropped from it started over every night (never reported dead).
PACKED = "links_zlib"


def pack_state(state: Mapping[str, Any]) -> str:
    data = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def unpack_state(text: str) -> Any:
    """The state ``pack_state`` packed (None when ``text`` is not one)."""
    try:
        return json.loads(zlib.decompress(base64.b64decode(text, validate=True)))
    except (binascii.Error, zlib.error, ValueError):
        return None


def streak_order(state: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The state's links, longest streaks first (what a state trimmed to fit keeps)."""
    return sorted(state.items(), key=lambda kv: (-int(kv[1].get("failures", 0)), kv[0]))


def settled_state(previous: Mapping[str, Any], state: Mapping[str, Any], threshold: int) -> dict[str, Any]:
    """``state``, keeping the previous entry of a link that was already confirmed dead and still is:
    the report does not change, so neither does the issue (a quiet night writes nothing)."""
    kept = {}
    for url, entry in state.items():
        before = previous.get(url)
        if not isinstance(before, Mapping):
            kept[url] = entry
            continue
        same_streak = before.get("first_failed") == entry["first_failed"]
        if same_streak and before.get("failures", 0) >= threshold and entry["failures"] >= threshold:
            kept[url] = before
        else:
            kept[url] = entry
    return kept


def outage_like(result: LinkResult) -> bool:
    """A failure the runner's network could cause: no HTTP answer (network errors, timeouts), a
    5xx or any other status but 404 and 410, which are a definite answer from a server reached."""
    return result.verdict is Verdict.DEAD and result.status not in DEAD_STATUSES


def is_inconclusive(results: Mapping[str, LinkResult], settings: NightlySettings) -> bool:
    """Most links failing at once says more about the runner's network than about the web; but
    only failures that could be the network's count (``outage_like``), and only while the hosts
    do not prove the network works (``network_proven``): a site gone from DNS, or whose server
    is gone, fails like an outage, however many of the links it holds."""
    checked = [  # a URL no request can be sent to says nothing about the network
        r
        for r in results.values()
        if r.source == "http" and r.requests and r.verdict in (Verdict.ALIVE, Verdict.DEAD)
    ]
    failed = sum(1 for r in checked if outage_like(r))
    enough = len(checked) >= settings.inconclusive_min_links
    return (
        enough
        and failed > settings.inconclusive_share * len(checked)
        and not network_proven(checked, settings)
    )


def network_proven(checked: Sequence[LinkResult], settings: NightlySettings) -> bool:
    """True when tonight's hosts show that the runner's network works, so the failures are the
    silent hosts' own (a site gone from DNS, a server gone): at least ``min_hosts`` hosts
    answered, at most a quarter of the hosts asked did not, and the answering hosts' links alone
    would not make the night inconclusive (a flaky network fails links on every host, a dead
    site only its own). Too few hosts to tell proves nothing: the links alone decide."""
    answered, hosts = host_answers(checked)
    silent = len(hosts) - len(answered)
    if len(answered) < settings.inconclusive_min_hosts or silent > SILENT_HOSTS_SHARE * len(hosts):
        return False
    on_answered = [r for r in checked if last_host(r) in answered]
    return sum(1 for r in on_answered if outage_like(r)) <= settings.inconclusive_share * len(on_answered)


def host_answers(checked: Sequence[LinkResult]) -> tuple[set[str], set[str]]:
    """(hosts that answered, every host asked): a host answered when it gave an answer that is not
    outage-like to at least one link: a redirect on the way, or the link's last answer."""
    answered: set[str] = set()
    hosts: set[str] = set()
    for result in checked:
        hops = {host_key(hop.url) for hop in result.redirects}
        answered |= hops
        hosts |= hops | {last_host(result)}
        if not outage_like(result):
            answered.add(last_host(result))
    return answered, hosts


def last_host(result: LinkResult) -> str:
    """The server a link's check ended on (where its redirects led): the one its failure is of."""
    return host_key(result.final_url or result.url)


def assess_links(
    catalog: Catalog,
    links: Sequence[Link],
    results: Mapping[str, LinkResult],
    previous: Mapping[str, Any],
    today: datetime.date,
    settings: NightlySettings,
) -> tuple[dict[str, Any], list[LinkProblem], list[LinkProblem], list[LinkProblem], bool]:
    """(state to keep, confirmed dead, watched, unknown tonight, inconclusive) for tonight's results."""
    threshold = settings.confirm_after_nights
    if is_inconclusive(results, settings):
        return dict(previous), [], [], [], True
    state, confirmed = update_state(previous, results, today, threshold)
    state = settled_state(previous, state, threshold)
    confirmed_urls = {c.url for c in confirmed}
    dead, watching, unknown = [], [], []
    for link in links:
        result = results[link.url]
        if _repository_gone(result):
            continue  # reported with the repositories
        kept = state.get(link.url)
        if link.url in confirmed_urls and kept is not None:  # as reported when first confirmed
            dead.append(link_problem(link, _as_kept(link, kept), kept, catalog))
        elif result.verdict is Verdict.DEAD:
            watching.append(link_problem(link, result, kept, catalog))
        elif result.verdict is Verdict.UNKNOWN:
            unknown.append(link_problem(link, result, kept, catalog))
            if kept is not None:  # no evidence tonight: still reported as its state says
                listed = dead if kept.get("failures", 0) >= threshold else watching
                listed.append(link_problem(link, _as_kept(link, kept), kept, catalog))
    return state, dead, watching, unknown, False


def _as_kept(link: Link, kept: Mapping[str, Any]) -> LinkResult:
    """The failure the state keeps for ``link`` (settled_state keeps a reported link's entry as
    it was first reported), so a quiet night's report, and the issue, stay as they are."""
    return LinkResult(link.url, Verdict.DEAD, kept.get("status"), error=kept.get("error"))


def fit_state(state: Mapping[str, Any], budget: int) -> dict[str, Any]:
    """The state, trimmed to ``budget`` characters of JSON: links with the longest streaks first."""
    ordered = streak_order(state)
    kept: dict[str, Any] = {}
    size = 2
    for url, entry in ordered:
        size += len(json.dumps({url: entry})) + 2
        if size > budget:
            break
        kept[url] = entry
    return kept


def link_counts(results: Mapping[str, LinkResult]) -> dict[str, int]:
    """Unique URLs per verdict, and ``repositories_gone``: the dead ones that are repositories
    GitHub says are gone (reported at once, with the repositories, not watched)."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results.values():
        counts[result.verdict.value] += 1
    counts["total"] = len(results)
    counts["repositories_gone"] = sum(_repository_gone(r) for r in results.values())
    return counts


def _repository_gone(result: LinkResult) -> bool:
    return result.source == "github" and result.verdict is Verdict.DEAD
