"""Check a set of URLs: exclusions, resolvers (batched APIs) and HTTP, all concurrently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from bot.linkcheck.http import HttpChecker
from bot.linkcheck.model import LinkResult, Resolver, Verdict
from bot.linkcheck.parked import for_sale
from bot.linkcheck.readers import (
    ReaderLink,
    arxiv_url,
    closed_redirect,
    judged_by_arxiv,
    reader_link,
    refused,
)
from bot.linkcheck.settings import CheckSettings

log = logging.getLogger(__name__)

Progress = Callable[[LinkResult], None]


async def check_all(
    urls: Iterable[str],
    http: HttpChecker,
    settings: CheckSettings,
    resolvers: Sequence[Resolver] = (),
    progress: Progress | None = None,
) -> dict[str, LinkResult]:
    """A verdict for every URL (each checked once; URLs differing only by #fragment share one).

    Excluded URLs are not checked. URLs a resolver claims go to it in one batch per resolver;
    what it does not answer (or all of it, if it fails) is checked over HTTP instead.
    """
    results: dict[str, LinkResult] = {}
    groups: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        exclusion = settings.exclusion_for(url)
        if exclusion is not None:
            results[url] = LinkResult(
                url, Verdict.EXCLUDED, error=f"excluded: {exclusion.reason}", source="config"
            )
            _report(progress, results[url])
        else:
            groups.setdefault(url.split("#", 1)[0], []).append(url)

    def settle(key: str, result: LinkResult) -> None:
        for url in groups[key]:
            results[url] = _for_url(result, url)
            _report(progress, results[url])

    walled: dict[str, tuple[ReaderLink, LinkResult]] = {}  # reader links refused: their papers decide

    async def over_http(key: str, api: str = "") -> None:
        """``api``: the resolver whose API answered for the batch ``key`` was in (see ``_unresolved``)."""
        result = _unresolved(for_sale(closed_redirect(await http.check(key))), api)
        link = reader_link(key)
        if link is not None and refused(result):
            walled[key] = (link, result)
        else:
            settle(key, result)

    claimed = _claims(list(groups), resolvers)
    taken = {key for _, keys in claimed for key in keys}
    tasks = [asyncio.create_task(over_http(key)) for key in groups if key not in taken]
    tasks += [asyncio.create_task(_resolve(resolver, keys, settle, over_http)) for resolver, keys in claimed]
    try:
        await asyncio.gather(*tasks)
        await _judge_walled(walled, resolvers, settle)
    finally:
        for task in tasks:
            task.cancel()
        await http.aclose()
    return {url: results[url] for url in dict.fromkeys(urls)}


def _for_url(result: LinkResult, url: str) -> LinkResult:
    """The verdict on a URL without fragment, for ``url``: a permanent redirect keeps the link's
    ``#anchor`` (as a browser does), unless the new location names its own."""
    if url == result.url:
        return result
    fix, fragment = result.permanent_redirect, url.partition("#")[2]
    if fix and fragment and "#" not in fix:
        fix = f"{fix}#{fragment}"
    return replace(result, url=url, permanent_redirect=fix)


def _unresolved(result: LinkResult, api: str) -> LinkResult:
    """A link the resolver ``api`` claimed, whose host name did not resolve here though that API
    had just answered (github.com's DNS failing on the runner, api.github.com answering): the
    checker's network, not the link, so unknown this run rather than dead."""
    if not api or result.verdict is not Verdict.DEAD or not result.unresolved:
        return result
    host = urlsplit(result.url).hostname or result.url
    why = f"not checked: {host} does not resolve on this machine, though the {api} API answered"
    return LinkResult.not_checked(result.url, why, result.error or "", api)


def _claims(keys: list[str], resolvers: Sequence[Resolver]) -> list[tuple[Resolver, list[str]]]:
    """Each URL goes to the first resolver that claims it; resolvers that claim nothing drop out."""
    batches: list[list[str]] = [[] for _ in resolvers]
    for key in keys:
        index = next((i for i, r in enumerate(resolvers) if r.claims(key)), None)
        if index is not None:
            batches[index].append(key)
    return [(resolver, batch) for resolver, batch in zip(resolvers, batches, strict=True) if batch]


async def _resolve(
    resolver: Resolver,
    keys: list[str],
    settle: Callable[[str, LinkResult], None],
    over_http: Callable[[str, str], Awaitable[None]],
) -> None:
    api = resolver.name  # its API answered: the links it left to HTTP are on a service that works
    try:
        answers = await _in_daemon_thread(resolver.resolve, keys)
    except Exception as exc:  # a failing API must not hide the links: fall back to HTTP
        log.warning(
            "resolver %s failed (%s); checking its %d links over HTTP instead", resolver.name, exc, len(keys)
        )
        answers, api = {}, ""
    pending = []
    for key in keys:
        if key in answers:
            settle(key, replace(answers[key], url=key, source=resolver.name))
        else:
            pending.append(over_http(key, api))
    await asyncio.gather(*pending)


async def _judge_walled(
    walled: dict[str, tuple[ReaderLink, LinkResult]],
    resolvers: Sequence[Resolver],
    settle: Callable[[str, LinkResult], None],
) -> None:
    """The reader links whose reader refused the checker (a bot wall): their arXiv papers decide,
    looked up in one batch with the resolver of arxiv.org links (``bot.linkcheck.readers``). A paper
    no resolver answered leaves its link unknown; nothing is asked of arxiv.org over HTTP."""
    papers = {key: arxiv_url(link.arxiv_id) for key, (link, _) in walled.items()}
    answers: dict[str, LinkResult] = {}
    for resolver, batch in _claims(list(dict.fromkeys(papers.values())), resolvers):
        try:
            answers.update(await _in_daemon_thread(resolver.resolve, batch))
        except Exception as exc:  # the links stay unknown, as an API that does not answer leaves them
            log.warning("resolver %s failed (%s) on %d papers of readers", resolver.name, exc, len(batch))
    for key, (link, result) in walled.items():
        settle(key, judged_by_arxiv(link, result, answers.get(papers[key])))


async def _in_daemon_thread(
    resolve: Callable[[list[str]], Mapping[str, LinkResult]], keys: list[str]
) -> Mapping[str, LinkResult]:
    """``resolve(keys)`` in a thread of its own that does not hold the process up at its end: a run
    stopped early (the network down, the nightly budget spent) left ``asyncio.to_thread``'s worker
    retrying an API that does not answer, and the process waited for it (45 s of arXiv retries)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Mapping[str, LinkResult]] = loop.create_future()

    def settle(answers: Mapping[str, LinkResult] | None, failure: BaseException | None) -> None:
        if done.done():  # the run stopped waiting
            return
        if failure is not None:
            done.set_exception(failure)
        else:
            done.set_result(answers or {})

    def work() -> None:
        try:
            answers, failure = resolve(keys), None
        except Exception as exc:
            answers, failure = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for them any more
            loop.call_soon_threadsafe(settle, answers, failure)

    threading.Thread(target=work, name=f"resolver-{len(keys)}", daemon=True).start()
    return await done


def _report(progress: Progress | None, result: LinkResult) -> None:
    if progress is not None:
        progress(result)
