"""TLS certificates the checker does not accept, on a real HTTPS server on loopback (the
certificates of tests/fixtures/tls/, made by its make.sh; the client trusts its ca.pem only)."""

from __future__ import annotations

import asyncio
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.linkcheck import HttpChecker, LinkResult, Verdict
from bot.linkcheck.offline import NetworkWatch
from bot.linkcheck.policy import Policy
from bot.linkcheck.settings import CheckSettings

TLS = Path(__file__).resolve().parents[1] / "fixtures" / "tls"
SETTINGS = CheckSettings(policy=Policy(error_retries=2, timeout_retries=0, backoff=0.01), timeout=5.0)


class Page(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https() -> Iterator[dict[str, str]]:
    """One HTTPS server per certificate of the fixtures: {certificate: its page's URL}."""
    servers, urls = [], {}
    for name in ("good", "expired", "wrong-name", "self-signed", "unknown-issuer"):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / f"{name}.pem", TLS / "key.pem")
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"https://127.0.0.1:{server.server_address[1]}/page"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


def check_all(urls: dict[str, str], watch: NetworkWatch | None = None) -> dict[str, LinkResult]:
    async def go() -> dict[str, LinkResult]:
        trusted = ssl.create_default_context(cafile=str(TLS / "ca.pem"))
        async with httpx.AsyncClient(verify=trusted, follow_redirects=False) as client:
            checker = HttpChecker(client, SETTINGS, watch=watch)
            return {name: await checker.check(url) for name, url in urls.items()}

    return asyncio.run(go())


def test_a_refused_certificate_is_told_apart_settled_at_once_and_dead_only_when_browsers_refuse_it(
    https: dict[str, str],
) -> None:
    """It was "cannot connect ([SSL: CERTIFICATE_VERIFY_FAILED] ...)", a network error retried twice
    (3 requests), then dead, a chain that browsers complete included."""
    results = check_all(https)

    assert (results["good"].verdict, results["good"].requests) == (Verdict.ALIVE, 1)
    for name, words in [
        ("expired", "certificate has expired"),
        ("wrong-name", "IP address mismatch, certificate is not valid for '127.0.0.1'."),
        ("self-signed", "self-signed certificate"),
    ]:
        result = results[name]
        assert (result.verdict, result.requests) == (Verdict.DEAD, 1), result
        assert result.error == (
            f"cannot connect: TLS certificate not accepted ({words}): browsers show a warning, not the page"
        )
    incomplete = results["unknown-issuer"]  # as a server that leaves out its intermediate certificate
    assert (incomplete.verdict, incomplete.requests) == (Verdict.UNKNOWN, 1), incomplete
    assert incomplete.error == (
        "cannot connect: TLS certificate not accepted (unable to get local issuer certificate): its chain "
        "could not be completed here: browsers fetch a missing intermediate certificate"
    )


def test_a_machine_that_accepts_no_certificate_still_reads_as_failing_to_connect(
    https: dict[str, str],
) -> None:
    """Every host refused alike (a runner without CA certificates, a proxy that re-signs): the
    offline watch still hears "cannot connect", so such a run stops instead of flagging every link."""
    watch = NetworkWatch(hosts=2)
    check_all(
        {"a": https["unknown-issuer"], "b": https["unknown-issuer"].replace("127.0.0.1", "localhost")}, watch
    )

    assert watch.down.startswith("the first 2 hosts asked all failed the same way (cannot connect: TLS"), (
        watch.down
    )
