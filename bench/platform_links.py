"""Benchmark: what the hosting-platform rule of check-links can do on real lists (offline: URL shapes).

    python bench/platform_links.py [FILE ...]    # default: catalog.md and ../shared/lists/*.md

A platform (a suffix of the Public Suffix List's private section: ``github.io``, ``notion.site``...)
stops being asked when ``PLATFORM_SITES`` of its sites left the last ``silent_host_limit`` requests
sent to it unanswered (``bot/linkcheck/silence.py``). For each file and platform this prints the
sites and links on it, and the most requests a silent platform could leave unanswered there (each
link's first try and its timeout retries, with this checkout's ``config/links.yml``): below the
limit, the rule cannot fire on that list, whatever ``PLATFORM_SITES`` is. Nothing is fetched.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.linkcheck import extract_links, settings_from_config  # noqa: E402
from bot.linkcheck.http import host_key  # noqa: E402
from bot.linkcheck.silence import PLATFORM_SITES, platform_of, silent_host_limit, site_of  # noqa: E402


def platforms(text: str) -> tuple[int, dict[str, Counter[str]]]:
    """(unique URLs without fragment, {platform: {site: links}}) of a markdown text."""
    urls = list(dict.fromkeys(link.url.split("#", 1)[0] for link in extract_links(text)))
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for url in urls:
        key = host_key(url)
        platform = platform_of(key)
        if platform:
            found[platform][site_of(key) or key] += 1
    return len(urls), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [ROOT / "catalog.md", *sorted((ROOT.parent / "shared" / "lists").glob("*.md"))]
    settings = settings_from_config(config.load("links"))
    limit = silent_host_limit(settings.per_host.concurrency)
    tries = 1 + settings.policy.timeout_retries
    print(
        f"platform rule: {PLATFORM_SITES} sites silent, {limit} requests in a row; a link is {tries} requests"
    )
    print("| file | unique URLs | platform | sites | links | most requests unanswered | can fire |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        total, found = platforms(path.read_text(encoding="utf-8"))
        for platform, sites in sorted(found.items(), key=lambda item: -sum(item[1].values())):
            links = sum(sites.values())
            fires = len(sites) >= PLATFORM_SITES and links * tries >= limit
            row = [
                path.name[:48],
                total,
                platform,
                len(sites),
                links,
                links * tries,
                "yes" if fires else "no",
            ]
            print("| " + " | ".join(str(cell) for cell in row) + " |")
        if not found:
            print(f"| {path.name[:48]} | {total} | – | 0 | 0 | 0 | no |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
