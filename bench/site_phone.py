"""The catalog site on a phone over a slow link: bytes and times of the first view.

    python bench/site_phone.py [--entries 10000] [--runs 3] [--profile slow4g|slow4g-400k|none]

Builds the real ``catalog.md`` and a generated catalog of ``--entries`` papers (as
``bench/site_speed.py`` does), serves each gzipped (as GitHub Pages does, level 6) on
127.0.0.1, and loads it in Debian's chromium at 375 x 740 (a phone: touch, mobile viewport)
with Chromium's network throttling (CDP ``Network.emulateNetworkConditions``; "Slow 4G":
1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip). For each page it prints the medians of
``--runs`` fresh loads:

- first contentful paint, and the bytes received (compressed, all files) before it;
- the first screen's entries shown: the first frame with the list's first entry in it (polled
  with requestAnimationFrame; no earlier than the first contentful paint), and the bytes by then;
- the page in and parsed (site.js ran: the filters work);
- search interactive: the search form shown and the titles searchable (``data-ready`` and
  ``data-searchable``), and the bytes by then; and in how many loads the titles were indexed
  from the page itself rather than search.json (the page still downloading as its head ran);
- the first result of a reader who types at once: a word of the first entry's title typed into
  the search box as soon as the page works (``data-ready``; in the page, no round trip to
  Playwright), and the frame the matches are first shown in (the results no longer busy);
- bytes in all once everything (abstracts included) is in, and when (the query typed as the page
  works asks for the abstracts then).

Times are wall-clock on a shared machine, throttled: the link, not the CPU, sets most of them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from site_speed import ARXIV_CANDIDATES, build, generated  # noqa: E402

from tests.site.browser import MISSING, chromium_path, serve  # noqa: E402

# Chromium DevTools' "Slow 4G" (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip), and the
# same at the low end of what a slow 4G link gives (400 kbit/s): bytes per second, ms.
PROFILES = {
    "slow4g": {"download": 1.6e6 / 8, "upload": 750e3 / 8, "latency": 150},
    "slow4g-400k": {"download": 400e3 / 8, "upload": 400e3 / 8, "latency": 150},
}


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves each file gzipped (level 6) when the browser accepts it, like GitHub Pages."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)


# When the first entry of the list is first in a frame (a requestAnimationFrame's time: the
# frame it is painted in), polled from the page's start; and a reader who types at once: as soon
# as the page works (data-ready), a word of the first entry's title is typed, and the frame its
# matches are first shown in is recorded (the results no longer busy: site.js show()).
OBSERVE = """(() => {
  window.phone = {};
  const look = (now) => {
    if (document.querySelector('#catalog li')) { window.phone.firstEntry = now; return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  const type = () => {
    const box = document.getElementById('q');
    const results = document.getElementById('results');
    const title = document.querySelector('#catalog li .title').textContent;
    const word = title.split(/[^A-Za-z]+/).find((w) => w.length >= 5) || title.split(' ')[0];
    new MutationObserver((records, observer) => {
      if (results.hasAttribute('aria-busy')) return;
      observer.disconnect();
      requestAnimationFrame((now) => { window.phone.firstResult = now; });
    }).observe(results, { attributes: true, attributeFilter: ['aria-busy'] });
    window.phone.typed = performance.now();
    window.phone.query = word;
    box.value = word;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  };
  new MutationObserver((records, observer) => {
    if (document.documentElement.dataset.ready !== '1') return;
    observer.disconnect();
    type();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
})()"""


def load(browser: Browser, url: str, profile: dict[str, float] | None) -> dict[str, float]:
    """One fresh load; its milestones (ms since navigation) and the compressed bytes by each."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    if profile:
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile["latency"],
                "downloadThroughput": profile["download"],
                "uploadThroughput": profile["upload"],
            },
        )
    # Every request, the worker's too: (start, end) in epoch ms and its compressed body size.
    transfers: list[tuple[float, float, int]] = []

    def finished(request: Any) -> None:
        timing, sizes = request.timing, request.sizes()
        first = timing["startTime"] + max(timing["responseStart"], 0)
        transfers.append((first, timing["startTime"] + timing["responseEnd"], sizes["responseBodySize"]))

    context.on("requestfinished", finished)
    page.add_init_script(OBSERVE)
    page.goto(url, wait_until="commit")
    page.wait_for_function(
        "document.documentElement?.dataset.ready === '1' && "
        "(document.documentElement.dataset.searchable === '1' || document.documentElement.dataset.indexed === '1')",
        timeout=300_000,
        polling=50,
    )
    ready, interactive, from_page = page.evaluate(
        "[window.siteTimings.ready, Math.max(window.siteTimings.ready, window.siteTimings.searchable ?? "
        "window.siteTimings.indexed), Boolean(window.catalogSearch && window.catalogSearch.fromPage)]"
    )
    page.wait_for_function("window.phone.firstResult !== undefined", timeout=300_000, polling=50)
    typed, first_result = page.evaluate("[window.phone.typed, window.phone.firstResult]")
    page.wait_for_selector("html[data-indexed='1']", timeout=600_000)
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    origin, fcp, first_frame, indexed = page.evaluate(
        "[performance.timeOrigin, performance.getEntriesByName('first-contentful-paint')[0].startTime, "
        "window.phone.firstEntry, window.siteTimings.indexed]"
    )
    context.close()
    first_entry = max(first_frame, fcp)  # in a frame before the style sheet is in: not painted yet

    def bytes_by(ms: float) -> float:
        """KiB received by ``ms``: each body taken to arrive evenly from its first byte to its last."""
        at = origin + ms
        total = 0.0
        for first, last, size in transfers:
            if at >= last:
                total += size
            elif at > first:
                total += size * (at - first) / (last - first)
        return total / 1024

    return {
        "fcp": fcp,
        "fcp KiB": bytes_by(fcp),
        "first entry": first_entry,
        "first entry KiB": bytes_by(first_entry),
        "ready": ready,
        "from page": float(from_page),
        "interactive": interactive,
        "interactive KiB": bytes_by(interactive),
        "typed": typed,
        "first result": first_result,
        "wait": first_result - typed,
        "indexed": indexed,
        "total KiB": sum(size for _, _, size in transfers) / 1024,
    }


def report(name: str, loads: list[dict[str, float]]) -> None:
    med = {k: statistics.median(load[k] for load in loads) for k in loads[0]}
    print(f"\n## {name}  (medians of {len(loads)} loads)")
    for label, key in (
        ("first contentful paint", "fcp"),
        ("first entry shown", "first entry"),
        ("search interactive (titles)", "interactive"),
    ):
        print(f"  {label:28}{med[key]:8.0f} ms  after {med[key + ' KiB']:8.1f} KiB")
        if key == "first entry":
            print(f"  {'page in, filters work':28}{med['ready']:8.0f} ms")
    from_page = sum(x["from page"] for x in loads)
    print(
        f"    (titles indexed from the page itself, not search.json, in {from_page:.0f} of {len(loads)} loads)"
    )
    print(
        f"  {'first result, typed at once':28}{med['first result']:8.0f} ms  "
        f"({med['wait']:.0f} ms after typing, as the page works)"
    )
    print(f"  {'everything indexed':28}{med['indexed']:8.0f} ms  ({med['total KiB']:.1f} KiB in all)")
    print(
        "  loads (fcp / first entry / page in / interactive / first result, ms): "
        + ", ".join(
            f"{x['fcp']:.0f}/{x['first entry']:.0f}/{x['ready']:.0f}/{x['interactive']:.0f}/{x['first result']:.0f}"
            for x in loads
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", choices=[*PROFILES, "none"], default="slow4g")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument("--skip-real", action="store_true", help="only the generated catalog")
    parser.add_argument(
        "--site",
        type=Path,
        action="append",
        default=[],
        help="measure this built site folder instead of building (repeatable)",
    )
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        print(MISSING, file=sys.stderr)
        return 1
    profile = None if args.profile == "none" else PROFILES[args.profile]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        sites: list[tuple[str, Path]] = [(str(s), s) for s in args.site]
        if not sites:
            if not args.skip_real:
                build(args.catalog, None, ROOT / "config", folder / "real")
                sites.append((f"{args.catalog.name} (no paper store)", folder / "real"))
            arxiv = next((p for p in ARXIV_CANDIDATES if p.exists()), None)
            catalog_path, store, config = generated(args.entries, arxiv, folder / "gen-src")
            build(catalog_path, store, config, folder / "gen")
            sites.append((f"generated, {args.entries} papers with abstracts", folder / "gen"))
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        print(f"chromium {browser.version}, 375 x 740 phone, network: {args.profile} {profile or ''}")
        for name, out in sites:
            with serve(out, GzipHandler) as url:
                report(name, [load(browser, url, profile) for _ in range(args.runs)])
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
