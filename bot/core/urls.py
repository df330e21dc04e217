"""One parser and validator for links to code repositories (GitHub, GitLab, Hugging Face).

Every code link the bot writes or reads goes through here: ``code=`` in issue commands, code links
found in arXiv metadata, repositories linked from the catalog (star counts, renames) and from
imported lists. Pure functions, no network.

Two entry points:

- :func:`github_repo` reads a link *into* a GitHub repository (a file, a branch, ``#readme``) and
  says which repository it is, with what follows. Used to look repositories up;
  :func:`github_repo_url` gives it as a link (imported lists, their merge).
- :func:`code_link` is the strict validator for a link the bot is about to *write* as an entry's
  code link: ``https://HOST/OWNER/REPO`` (optionally ``/tree/REF[/path]``) on an allowed host; no
  credentials, port, query or fragment; no dot segments or percent-escapes; first path segments
  that are GitHub's own pages (``/login``, ``/settings``, ...) refused. It returns the canonical
  ``https`` form, or a reason key (the keys of ``command_status.md.j2``'s ``bad_code`` reasons).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

DEFAULT_CODE_HOSTS: tuple[str, ...] = ("github.com", "gitlab.com", "huggingface.co")
MAX_LENGTH = 200

# First path segments of github.com that are GitHub's own pages, not users or organisations.
GITHUB_RESERVED = frozenset(
    {
        "about",
        "account",
        "apps",
        "codespaces",
        "collections",
        "contact",
        "customer-stories",
        "dashboard",
        "enterprise",
        "enterprises",
        "events",
        "explore",
        "features",
        "gist",
        "issues",
        "join",
        "login",
        "logout",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "organizations",
        "password_reset",
        "pricing",
        "pulls",
        "readme",
        "search",
        "security",
        "sessions",
        "settings",
        "signup",
        "site",
        "sponsors",
        "stars",
        "team",
        "teams",
        "topics",
        "trending",
        "users",
        "watching",
        "device",
        "oauth",
        "auth",
        "github-copilot",
        "copilot",
        "models",
        "resources",
        "solutions",
        "repositories",
        "discussions",
    }
)
# First path segments of gitlab.com and huggingface.co that are not namespaces.
GITLAB_RESERVED = frozenset(
    {
        "-",
        "users",
        "explore",
        "dashboard",
        "help",
        "admin",
        "profile",
        "groups",
        "projects",
        "search",
        "oauth",
        "api",
        "import",
        "sign_in",
        "sign_up",
        "uploads",
    }
)
HUGGINGFACE_RESERVED = frozenset(
    {
        "papers",
        "docs",
        "blog",
        "learn",
        "posts",
        "join",
        "login",
        "pricing",
        "collections",
        "settings",
        "organizations",
        "models",
        "tasks",
        "enterprise",
        "api",
        "oauth",
        "new",
        "search",
        "chat",
    }
)

_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_SEGMENT = re.compile(r"[A-Za-z0-9._~+-]+")


@dataclass(frozen=True)
class GitHubRepo:
    """A github.com link into a repository: ``owner/name`` and what followed it."""

    owner: str
    name: str
    rest: str  # "", "/", "/tree/main/sub", "/blob/...", "#readme", "?tab=..."

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.full_name}"

    @property
    def tree(self) -> str:
        """``/tree/REF[/path]`` when the link shows a branch or folder, else ``""``."""
        path = re.split(r"[?#]", self.rest, maxsplit=1)[0].rstrip("/")
        return path if path.startswith("/tree/") and path.count("/") >= 2 else ""


def _host(netloc_host: str | None) -> str:
    return (netloc_host or "").lower().removeprefix("www.")


def _has_credentials_or_port(parts: SplitResult) -> bool:
    try:
        port = parts.port
    except ValueError:
        return True
    return bool(parts.username or parts.password or port is not None or "@" in parts.netloc)


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None for a URL it refuses: a ``[`` or ``]`` in the host (an unclosed
    IPv6 address, ``https://github.com[/o/r``) raised ValueError out of every reader of a link
    typed by someone else (an issue command's ``code=``, an adopted list)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def github_repo(url: str) -> GitHubRepo | None:
    """The repository an ``http(s)://github.com/OWNER/NAME...`` link points into, or None (another
    host, a profile, one of GitHub's own pages, dot segments, credentials)."""
    text = (url or "").strip()
    if len(text) > 2000 or any(c.isspace() for c in text):
        return None
    parts = split_url(text)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return None
    if _host(parts.hostname) != "github.com":
        return None
    if _has_credentials_or_port(parts):
        return None
    segments = parts.path.split("/")
    if len(segments) < 3 or segments[0] != "":
        return None
    owner, name = segments[1], segments[2]
    if any(s in (".", "..") for s in segments) or "%2e" in parts.path.lower():
        return None
    if not _LOGIN.fullmatch(owner) or owner.lower() in GITHUB_RESERVED:
        return None
    if name.lower().endswith(".git"):
        name = name[:-4]
    if not _REPO_NAME.fullmatch(name) or name.startswith("."):
        return None
    rest = "/".join(["", *segments[3:]]) if len(segments) > 3 else ""
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment or text.endswith("#"):
        rest += "#" + parts.fragment
    return GitHubRepo(owner, name, rest)


def github_repo_url(url: str) -> str | None:
    """``https://github.com/OWNER/REPO`` (with a ``/tree/...`` path when given) for a link to a
    repository or to something inside it; None for anything else."""
    repo = github_repo(url)
    return repo.url + repo.tree if repo else None


def code_link(url: str, hosts: Sequence[str] = DEFAULT_CODE_HOSTS) -> tuple[str | None, str | None]:
    """``(canonical https URL, None)`` for an acceptable code link, else ``(None, reason)``; reason
    is one of too_long, not_http, credentials, host, query, not_repository."""
    text = (url or "").strip()
    if len(text) > MAX_LENGTH:
        return None, "too_long"
    if any(c.isspace() or ord(c) < 32 for c in text):
        return None, "not_repository"
    parts = split_url(text)
    if parts is None:
        return None, "host"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None, "not_http"
    if _has_credentials_or_port(parts):
        return None, "credentials"
    host = _host(parts.hostname)
    if host not in {h.lower() for h in hosts}:
        return None, "host"
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        return None, "query"
    path = parts.path.rstrip("/")
    segments = path.split("/")[1:] if path.startswith("/") else []
    if not segments or not all(_SEGMENT.fullmatch(s) for s in segments):
        return None, "not_repository"  # empty segments, percent-escapes, markdown or HTML
    if any(s in (".", "..") for s in segments):
        return None, "not_repository"
    repo = _repository_path(host, segments)
    if repo is None:
        return None, "not_repository"
    return f"https://{host}/{repo}", None


def _repository_path(host: str, segments: list[str]) -> str | None:
    """The path of the repository (and its /tree/...) named by ``segments``, or None."""

    def strip_git(name: str) -> str:
        return name[:-4] if name.lower().endswith(".git") else name

    if host == "github.com":
        if len(segments) < 2 or segments[0].lower() in GITHUB_RESERVED or not _LOGIN.fullmatch(segments[0]):
            return None
        name = strip_git(segments[1])
        if not _REPO_NAME.fullmatch(name) or name.startswith("."):
            return None
        tail = segments[2:]
        if tail and (tail[0] != "tree" or len(tail) < 2):
            return None
        return "/".join([segments[0], name, *tail])
    if host == "gitlab.com":
        if "-" in segments:  # group/project/-/tree/ref
            index = segments.index("-")
            project, tail = segments[:index], segments[index + 1 :]
            if not tail or tail[0] != "tree" or len(tail) < 2:
                return None
        else:
            project, tail = segments, []
        if len(project) < 2 or project[0].lower() in GITLAB_RESERVED:
            return None
        project = [*project[:-1], strip_git(project[-1])]
        return "/".join(project + (["-", *tail] if tail else []))
    if host == "huggingface.co":
        size = 3 if segments[0] in ("datasets", "spaces") else 2
        if len(segments) < size or segments[size - 2].lower() in HUGGINGFACE_RESERVED:
            return None
        tail = segments[size:]
        if tail and (tail[0] != "tree" or len(tail) < 2):
            return None
        return "/".join(segments)
    # Another host a maintainer allowed: OWNER/REPO at least, nothing else checked.
    return "/".join(segments) if len(segments) >= 2 else None


# -- the code link a paper's text gives -------------------------------------------------------

_CODE_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<host>github\.com|gitlab\.com|huggingface\.co)/(?P<path>[^\s<>\"'`{}\[\]()|\\,;]*)",
    re.IGNORECASE,
)
_CODE_HOST = re.compile(r"github\.com|gitlab\.com|huggingface\.co", re.IGNORECASE)


def find_code_url(text: str) -> str | None:
    """The best code link in ``text``: a GitHub repository root first, then GitLab projects, then
    Hugging Face repos, then a GitHub user/org page; earliest first within a kind."""
    candidates = []
    if not _CODE_HOST.search(text):
        return None
    for match in _CODE_URL.finditer(text.replace("\\_", "_")):
        ranked = _code_link(match.group("host").lower(), match.group("path"))
        if ranked:
            candidates.append((ranked[0], match.start(), ranked[1]))
    return min(candidates)[2] if candidates else None


def _code_link(host: str, path: str) -> tuple[int, str] | None:
    """(rank, canonical URL) of one link, or None when it is no code repository. The candidate
    (the repository a longer link points into) goes through the one code-link validator,
    ``code_link``, like a ``code=`` link in an issue command."""
    parts = [p for p in re.split(r"[?#]", path, maxsplit=1)[0].split("/") if p]
    if any(p in (".", "..") or "%2e" in p.lower() for p in parts):
        return None  # dot segments: the link may leave the host's namespace
    parts = [p.rstrip(".:!?") for p in parts]  # sentence punctuation after the link
    parts = [p for p in parts if p]
    if not parts:
        return None
    if host == "github.com":
        rank, candidate = 0, parts[:2]
    elif host == "gitlab.com":
        candidate = parts[: parts.index("-")] if "-" in parts else parts
        rank = 1
    else:
        size = 3 if parts[0] in ("datasets", "spaces") else 2
        rank, candidate = 2, parts[:size]
    url, _ = code_link(f"https://{host}/" + "/".join(_strip_git(p) for p in candidate))
    return (rank, url) if url else None


def _strip_git(name: str) -> str:
    return name[:-4] if name.lower().endswith(".git") else name
