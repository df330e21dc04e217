"""What a failed connection was, read from its exception's chain of causes (httpx's ``ConnectError``
wraps httpcore's, which wraps the resolver's or the TLS layer's), never from its words: messages
differ by platform, by error and by language.

- ``name_not_resolved``: this machine's DNS lookup failed (a ``socket.gaierror``: EAI_NONAME,
  EAI_AGAIN, EAI_FAIL...): no server was asked;
- ``certificate_refused``: the server answered the TLS handshake with a certificate this machine
  does not accept (an ``ssl.SSLCertVerificationError``, with OpenSSL's verify code).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

# OpenSSL's verify codes (X509_V_ERR_*) for a chain that could not be completed here: the server
# left out its intermediate certificate (browsers fetch it themselves, from the certificate's
# "CA Issuers" address, or have it cached), or a CA this machine lacks. No evidence about the page.
# UNABLE_TO_GET_ISSUER_CERT, UNABLE_TO_GET_ISSUER_CERT_LOCALLY, UNABLE_TO_VERIFY_LEAF_SIGNATURE
CHAIN_INCOMPLETE = frozenset({2, 20, 21})


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


def name_not_resolved(exc: BaseException) -> bool:
    """True when ``exc`` (a connect error) came from a failed DNS lookup on this machine, whatever
    its message says (glibc's, musl's, macOS's, Windows' or a translation) and whatever its code.
    A refused connection is an ``OSError`` of another kind."""
    return any(isinstance(cause, socket.gaierror) for cause in _causes(exc))


def certificate_refused(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate error under ``exc`` (a connect error), or None when it is no such error."""
    return next((c for c in _causes(exc) if isinstance(c, ssl.SSLCertVerificationError)), None)
