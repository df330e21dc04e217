"""Paper links on other readers of arXiv (alphaXiv, Hugging Face Papers, Semantic Scholar, ar5iv),
and on paperswithcode.com, which closed: what their answers say about the link. Pure functions.

Such a link shows an arXiv paper on another site. Those sites often answer a robot with a wall,
not the page: a plain 403 or 401, a 429, a bot check (Cloudflare, AWS WAF), pages that only a
browser's JavaScript fills. Reported dead for that, the link would be a false alarm the maintainer
cannot fix. So when the reader *refuses* (``refused``), its answer is no verdict: the paper's arXiv
id decides, looked up with the arXiv API like an arxiv.org link (``arxiv_url``). A definite answer
of the reader itself still counts: a 404 or 410 (Hugging Face has no page for that paper) is dead,
a 2xx alive.

paperswithcode.com closed in July 2025: every page was sent to huggingface.co/papers/trending,
and since December 2025 its paper pages to their paper on Hugging Face
(``/paper/<slug>`` to ``huggingface.co/papers/<id>``). A ``/paper/`` link whose redirects end on a
page that is no paper (``closed_redirect``) is dead: the reader no longer finds the paper there.

openreview.net is left to the ordinary rules: its links carry no arXiv id, and its 403 is also how
it answers for a submission that is not public (withdrawn, hidden), which readers cannot open either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.core import arxiv_ids
from bot.linkcheck.model import LinkResult, Verdict

_ID = rf"(?P<id>{arxiv_ids.NEW_ID}|{arxiv_ids.OLD_ID})(?:v[0-9]+)?"
# host (www. and other subdomains too) -> the paths that name an arXiv paper
READERS: dict[str, tuple[str, re.Pattern[str]]] = {
    "alphaxiv.org": ("alphaXiv", re.compile(rf"^/(?:[a-z]{{2}}/)?(?:abs|overview|pdf)/{_ID}(?:\.pdf)?/?$")),
    "huggingface.co": ("Hugging Face Papers", re.compile(rf"^/papers/{_ID}/?$")),
    "hf.co": ("Hugging Face Papers", re.compile(rf"^/papers/{_ID}/?$")),
    "semanticscholar.org": ("Semantic Scholar", re.compile(rf"^/arxiv/{_ID}/?$")),
    "ar5iv.labs.arxiv.org": ("ar5iv", re.compile(rf"^/(?:abs|html)/{_ID}/?$")),
    "ar5iv.org": ("ar5iv", re.compile(rf"^/(?:abs|html)/{_ID}/?$")),
}
# answers that are a reader's refusal of a robot, not a verdict on the page
REFUSALS = frozenset({401, 403, 429, 999})
CLOSED = "paperswithcode.com"


@dataclass(frozen=True)
class ReaderLink:
    url: str
    reader: str  # "alphaXiv"
    host: str
    arxiv_id: str


def _host_entry(host: str) -> str:
    """The key of READERS that ``host`` is (or is a subdomain of), "" when none."""
    return next((name for name in READERS if host == name or host.endswith("." + name)), "")


def reader_link(url: str) -> ReaderLink | None:
    """The arXiv paper ``url`` shows on another reader (None: not such a link)."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    entry = _host_entry(host)
    if not entry or parts.scheme.lower() not in ("http", "https"):
        return None
    name, pattern = READERS[entry]
    match = pattern.match(parts.path)
    if not match or not arxiv_ids.is_valid(match["id"]):
        return None
    return ReaderLink(url, name, host, match["id"])


def arxiv_url(arxiv_id: str) -> str:
    """The arxiv.org link the arXiv resolver answers for the paper."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def refused(result: LinkResult) -> bool:
    """The reader answered a wall instead of the page (a refusal status, a bot check), and the link
    is not alive: its answer says nothing of the paper."""
    if result.verdict is Verdict.ALIVE or result.source != "http":
        return False
    return result.status in REFUSALS or (result.error or "").startswith("a bot check answered")


def judged_by_arxiv(link: ReaderLink, reader: LinkResult, paper: LinkResult | None) -> LinkResult:
    """The verdict on a reader link its reader refused, from the arXiv answer on its paper (None:
    no answer: no resolver, the API down, or the id left in doubt)."""
    wall = f"{link.host} refused the checker ({_why(reader)})"
    if paper is None or paper.verdict is Verdict.UNKNOWN:
        why = f": {paper.error}" if paper is not None and paper.error else ""
        not_checked = f"{wall}, and the arXiv paper {link.arxiv_id} it shows was not checked{why}"
        return _restated(reader, Verdict.UNKNOWN, not_checked)
    if paper.verdict is Verdict.DEAD:
        note = f"{wall}; {paper.error or f'arXiv has no paper {link.arxiv_id}'}"
    else:
        note = f"{wall}; the arXiv paper {link.arxiv_id} it shows exists"
    return _restated(reader, paper.verdict, note, source="arxiv")


def _restated(result: LinkResult, verdict: Verdict, error: str, source: str = "http") -> LinkResult:
    """``result``'s HTTP facts (status, redirects, requests) with another verdict and its reason; no
    fix to propose (a reader's or a closed site's redirect is no new address for the paper)."""
    return LinkResult(
        result.url,
        verdict,
        status=result.status,
        final_url=result.final_url,
        redirects=result.redirects,
        error=error,
        requests=result.requests,
        source=source,
    )


def _why(result: LinkResult) -> str:
    if (result.error or "").startswith("a bot check answered"):
        return (result.error or "").removesuffix(", not the page")
    return f"HTTP {result.status}"


def closed_redirect(result: LinkResult) -> LinkResult:
    """A paperswithcode.com paper link sent to a page that is no paper (its trending page): dead.
    Any other result is returned as it is."""
    parts = urlsplit(result.url)
    host = (parts.hostname or "").lower()
    if (
        result.verdict is not Verdict.ALIVE
        or not result.redirects
        or (host != CLOSED and not host.endswith("." + CLOSED))
        or not parts.path.startswith("/paper/")
        or not result.final_url
        or reader_link(result.final_url) is not None
        or (urlsplit(result.final_url).hostname or "").lower().endswith(CLOSED)
    ):
        return result
    sent = f"{CLOSED} closed (2025): it sends this paper link to {result.final_url}, not to the paper"
    return _restated(result, Verdict.DEAD, sent)
