"""How the HTTP checker tells failures apart, on real sockets: a host name that does not resolve
(``.invalid`` never does), a refused connection (a loopback port nobody listens on)."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bot.linkcheck import HttpChecker, LinkResult, Verdict
from bot.linkcheck.failures import name_not_resolved
from bot.linkcheck.policy import Policy
from bot.linkcheck.settings import CheckSettings

SETTINGS = CheckSettings(policy=Policy(error_retries=1, timeout_retries=0, backoff=0.01), timeout=5.0)


def check(url: str, settings: CheckSettings = SETTINGS) -> LinkResult:
    async def go() -> LinkResult:
        async with httpx.AsyncClient(follow_redirects=False) as client:
            return await HttpChecker(client, settings).check(url)

    return asyncio.run(go())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_name_that_does_not_resolve_is_told_by_the_resolver_s_exception_not_its_words() -> None:
    """The DNS lookup of a ``.invalid`` name fails on every machine (a socket.gaierror under httpx's
    ConnectError); a refused connection is another OSError, its name resolved."""
    unresolved = check("http://no-such-host.invalid/page")
    refused = check(f"http://127.0.0.1:{closed_port()}/page")

    assert (unresolved.verdict, unresolved.unresolved) == (Verdict.DEAD, True), unresolved
    assert unresolved.error and unresolved.error.startswith("cannot connect (")
    assert (refused.verdict, refused.unresolved) == (Verdict.DEAD, False), refused
    assert refused.requests == unresolved.requests == 2  # both retried once, as configured


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (socket.EAI_NONAME, "Name or service not known"),  # glibc
        (socket.EAI_AGAIN, "Temporary failure in name resolution"),  # offline
        (socket.EAI_FAIL, "Non-recoverable failure in name resolution"),  # a DNS server's SERVFAIL
        (socket.EAI_NONAME, "Der Name oder der Dienst ist nicht bekannt"),  # a translated libc
        (11001, "getaddrinfo failed"),  # Windows
    ],
)
def test_every_failed_lookup_is_unresolved_whatever_it_says(
    monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    """The resolver (socket.getaddrinfo, which asyncio's lookup calls) fails for one name, as each
    platform words it: matching the words missed a SERVFAIL and any translation."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in ("failing.example", b"failing.example"):  # anyio asks with the IDNA bytes
            raise socket.gaierror(code, words)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    result = check("https://failing.example/page")

    assert (result.verdict, result.unresolved) == (Verdict.DEAD, True), result
    assert words in (result.error or "")


def test_name_not_resolved_reads_the_chain_of_causes() -> None:
    def raised(exc: BaseException, cause: BaseException | None) -> BaseException:
        try:
            raise exc from cause
        except BaseException as caught:
            return caught

    dns = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    refused = ConnectionRefusedError(111, "Connect call failed")
    assert name_not_resolved(raised(httpx.ConnectError("x"), raised(httpx.ConnectError("y"), dns)))
    assert not name_not_resolved(raised(httpx.ConnectError("All connection attempts failed"), refused))
    assert not name_not_resolved(httpx.ConnectError("[Errno -2] Name or service not known"))  # words alone
