"""How fast the catalog site is in headless Chromium, and how heavy.

    python bench/site_speed.py [--entries 5000] [--runs 3] [--screenshot docs/img/site.png]

Builds two sites: the real ``catalog.md`` (with the paper store when ``data/papers.jsonl``
exists) and a generated catalog of ``--entries`` papers. The generated one takes real titles
and abstracts from the shared arXiv listing (``--arxiv``, default
``../shared/data/arxiv-2025h1-unlabeled.jsonl.gz`` or ``/work/shared/data/...``) so that search
indexes text of real size; without it, the test fixture's synthetic text. Both are served on
127.0.0.1 and loaded in Debian's chromium through Playwright. It prints:

- first render: first contentful paint, and the time until the script has enhanced the page
  (``data-ready``), medians of ``--runs`` fresh page loads; the search index is then built in
  idle time (printed too). Targets: under 1 s. Also the main thread's CPU time until then
  (parsing, style, layout, script): on a machine shared with other jobs the wall-clock times
  vary with the load, this much less, so it is the figure to compare two versions by.
- search ready: the worker indexes titles, authors and arXiv ids first, then everything
  (abstracts): both times are printed. A search link opened cold (``?q=speculative+decoding``):
  the time from navigation until its results show, and until the whole index is built, medians
  of ``--runs`` loads, with the keystrokes typed meanwhile (while abstracts are indexed).
  Measured 2026-12-06 on the 5,000-entry catalog (docs/site.md has the tables): results shown
  after 1,502 ms (3,430 ms when one index of every field had to be built first); titles
  searchable 545 ms after the worker starts, everything after 2,597 ms (2,360 before);
  keystrokes while the abstracts are indexed: median 28 ms, max 137 ms. With the worker
  started from the page's <head> (search-start.js), results shown after 1,324 ms against
  1,620 ms (20 loads each, alternate runs on a busier machine); also printed: when the worker
  started and when site.js had run.
- per keystroke: for each character of a few queries typed one at a time, the time from the
  input event to the next frame (search + filters + DOM update + style/layout), median and
  max. Target: under 50 ms.
- page weight: HTML (with its JSON data) + JS + CSS, raw and gzipped (level 6, like most web
  servers and GitHub Pages).

The real catalog is held to ``BUDGET`` (page weight, first render, time until the filters work,
per keystroke): each figure is printed with its budget, and the script exits 1 when one is over,
naming it. Times depend on the machine and its load; the budget is checked here, never by a
timed test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bot.config import load_taxonomy  # noqa: E402
from bot.core import catalog_document, catalog_io  # noqa: E402
from bot.core.entry import Entry  # noqa: E402
from bot.site import build as site_build  # noqa: E402
from bot.site.papers import read_papers  # noqa: E402
from tests.site import fixture  # noqa: E402
from tests.site.browser import MISSING, chromium_path, serve  # noqa: E402

ARXIV_CANDIDATES = (
    ROOT.parent / "shared" / "data" / "arxiv-2025h1-unlabeled.jsonl.gz",
    Path("/work/shared/data/arxiv-2025h1-unlabeled.jsonl.gz"),
)
QUERIES = ("kv cache quantization", "speculative decoding", "lora", "sparse attention long context")
# The real catalog's budget (about 1,300 entries; docs/site.md has the figures measured against it).
BUDGET = {
    "weight, gzipped KiB": 300.0,  # everything: index.html, search.json, JS, CSS
    "index.html, gzipped KiB": 200.0,  # all that the first render waits for
    "first contentful paint, ms": 1000.0,
    "filters work (script ready), ms": 1000.0,
    "per keystroke median, ms": 50.0,
}


def generated(n: int, arxiv: Path | None, folder: Path) -> tuple[Path, Path | None, Path]:
    """(catalog, paper store or None, config dir) for ``n`` papers."""
    if arxiv is None:
        catalog_path, papers_path = fixture.write(folder, n)
        return catalog_path, papers_path, fixture.CONFIG
    taxonomy = load_taxonomy(ROOT / "config")
    places: list[tuple[str, str | None]] = [(s.id, None) for s in taxonomy.sections if s.kind == "papers"]
    places += [(s.parent, s.id) for s in taxonomy.subsections if s.parent]
    rng = random.Random(5)
    placed: dict[tuple[str, str | None], list[Entry]] = {}
    records: list[dict[str, Any]] = []
    with gzip.open(arxiv, "rt", encoding="utf-8") as rows:
        for line in rows:
            if len(records) >= n:
                break
            row = json.loads(line)
            arxiv_id = row["arxiv_id"]
            year, month = 2000 + int(arxiv_id[:2]), int(arxiv_id[2:4])
            authors = rng.sample(fixture.NAMES, rng.randint(1, 8))
            code = rng.random() < 0.4
            entry = Entry(
                title=row["title"],
                url=f"https://arxiv.org/abs/{arxiv_id}",
                authors=tuple(authors),
                arxiv_id=arxiv_id,
                year=year,
                month=month,
                venue=rng.choice(("", "", "", "ICLR 2025", "ACL 2025", "NeurIPS 2024")),
                pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
                code_url=f"https://github.com/example/r{len(records)}" if code else "",
                stars=rng.randint(0, 20000) if code else None,
            )
            placed.setdefault(rng.choice(places), []).append(entry)
            records.append({"arxiv_id": arxiv_id, "authors": authors, "abstract": row["abstract"]})
    folder.mkdir(parents=True, exist_ok=True)
    catalog_path = folder / "catalog.md"
    catalog_path.write_text(catalog_document.render_document(taxonomy, placed), encoding="utf-8")
    papers_path = folder / "papers.jsonl"
    papers_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return catalog_path, papers_path, ROOT / "config"


def build(catalog_path: Path, papers: Path | None, config: Path, out: Path) -> site_build.Site:
    taxonomy = load_taxonomy(config)
    store = read_papers(papers) if papers else None
    site, _ = site_build.build(catalog_io.read_catalog(catalog_path, taxonomy), taxonomy, out, papers=store)
    return site


def weight(out: Path) -> dict[str, tuple[int, int]]:
    parts = {
        "html+data": [out / "index.html", out / "search.json", out / "abstracts.json"],
        "js": [
            out / "static" / "site.js",
            *(out / "static" / module for module in getattr(site_build, "SITE_MODULES", ("abstracts.js",))),
            out / "static" / "search-start.js",
            out / "static" / "search-worker.js",
            out / "static" / site_build.SCRIPT,
        ],
        "css": [out / "static" / "site.css"],
    }
    result = {}
    for name, files in parts.items():
        files = [f for f in files if f.exists()]  # a site built before abstracts.json has none
        raw = b"".join(f.read_bytes() for f in files)
        result[name] = (len(raw), sum(len(gzip.compress(f.read_bytes(), 6)) for f in files))
    result["total"] = (sum(r for r, _ in result.values()), sum(g for _, g in result.values()))
    return result


def first_render(page: Page, url: str) -> tuple[float, float, float, float, float]:
    """(first contentful paint, script ready, whole index built, main thread's CPU until ready,
    titles searchable), ms."""
    # The main thread's tasks, in CPU time: unlike the wall-clock figures, hardly changed by
    # other jobs on the machine, so this is the figure to compare two versions of the page by.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    page.goto(url, wait_until="commit")
    page.wait_for_selector("html[data-ready='1']", timeout=30_000)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    page.wait_for_selector("html[data-indexed='1']", timeout=60_000)
    fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    ready = page.evaluate("window.siteTimings.ready")
    index = page.evaluate("window.siteTimings.index")
    short = page.evaluate("window.siteTimings.shortIndex ?? window.siteTimings.index")
    return fcp, ready, index, metrics["TaskDuration"] * 1000, short


def first_answers(page: Page, url: str) -> tuple[float, float, list[float], float, float]:
    """A link to a search opened cold (``?q=`` of ``QUERIES[1]``): (when its results show, when
    the whole index with the abstracts is built, ms since navigation started; the keystrokes
    typed in between, as in ``keystrokes``, while the abstracts are being indexed; when the
    search worker was started (from the page's <head>) and when site.js had run, ms)."""
    page.goto(url + "?q=" + QUERIES[1].replace(" ", "+"), wait_until="commit")
    page.wait_for_function(
        "document.documentElement?.dataset.ready === '1' && "  # no root yet right after commit
        "!document.getElementById('results').hasAttribute('aria-busy')",
        timeout=60_000,
        polling="raf",
    )
    answered = page.evaluate("performance.now()")
    typed: list[float] = []
    page.evaluate("document.getElementById('q').value = ''")
    for ch in " ".join(QUERIES):
        if page.evaluate("document.documentElement.dataset.indexed === '1'"):
            break
        typed.append(page.evaluate(KEYSTROKE, ch)[0])
    page.wait_for_selector("html[data-indexed='1']", timeout=60_000)
    started, ready = page.evaluate("[window.siteTimings.workerStarted, window.siteTimings.ready]")
    return answered, page.evaluate("window.siteTimings.indexed"), typed, started, ready


# One keystroke: from the input event until the page has shown that query's results (the
# worker's search, then filters and the DOM update) and the next frame has been produced.
KEYSTROKE = """async (ch) => {
  const box = document.getElementById('q');
  const results = document.getElementById('results');
  const before = window.siteTimings.updates;
  window.siteTimings.search = null;
  window.siteTimings.roundTrip = null;
  const t0 = performance.now();
  box.value += ch;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  while (window.siteTimings.updates === before || results.hasAttribute('aria-busy')) {
    await new Promise(r => setTimeout(r, 0));
  }
  const t1 = performance.now();
  document.body.offsetHeight;  // style and layout, forced
  const layout = performance.now() - t1;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  window.siteTimings.layout = layout;
  window.siteTimings.shownAt = t1 - t0;
  return [performance.now() - t0, window.siteTimings.lastUpdate, window.siteTimings.search,
          Number(document.getElementById('count').dataset.count), layout, t1 - t0,
          window.siteTimings.roundTrip];
}"""


def keystrokes(page: Page) -> tuple[list[float], list[float], list[float], dict[str, int], list]:
    frame, handler, worker, counts, slowest, trips = [], [], [], {}, [], []
    for query in QUERIES:
        page.evaluate("document.getElementById('q').value = ''")
        for i, ch in enumerate(query):
            total, update, search, count, layout, shown_at, trip = page.evaluate(KEYSTROKE, ch)
            if trip is not None:
                trips.append(trip)
            frame.append(total)
            handler.append(update)
            if search is not None:
                worker.append(search)
            slowest.append((total, query[: i + 1], search or 0.0, update, count, layout, shown_at))
        counts[query] = count
    print(
        f"    worker round trip (ask -> answer received), median {statistics.median(trips):.1f} ms, "
        f"max {max(trips):.1f} ms"
    )
    return frame, handler, worker, counts, sorted(slowest, reverse=True)[:4]


def floor(page: Page, keys: int = 20) -> float:
    """The machine's floor: a keystroke that changes nothing (a trailing space: the same query,
    answered from the cache, no worker, no DOM change) still takes an input event and a frame."""
    times = []
    for _ in range(keys):
        times.append(page.evaluate(KEYSTROKE, " ")[0])
    page.evaluate("document.getElementById('q').value = document.getElementById('q').value.trim()")
    return statistics.median(times)


def over_budget(figures: dict[str, float]) -> list[str]:
    """The budget lines ``figures`` exceed, e.g. "first contentful paint, ms: 1210 > 1000"."""
    return [
        f"{name}: {figures[name]:.0f} > {limit:.0f}"
        for name, limit in BUDGET.items()
        if figures[name] > limit
    ]


def measure(
    name: str, site: site_build.Site, out: Path, runs: int, browser, screenshot: Path | None
) -> dict[str, float]:
    """Print the figures of one site; return those that BUDGET names."""
    w = weight(out)
    print(f"\n## {name}: {len(site.entries)} entries, {site.with_abstract} with abstracts")
    for part, (raw, gz) in w.items():
        print(f"  weight {part:10} {raw / 1024:9.1f} KiB raw {gz / 1024:8.1f} KiB gzipped")
    first = (out / "index.html").stat().st_size
    print(
        f"  (before first render only index.html: {first / 1024:.1f} KiB raw, "
        f"{len(gzip.compress((out / 'index.html').read_bytes(), 6)) / 1024:.1f} KiB gzipped; "
        "search.json, abstracts.json and the search scripts load after)"
    )
    with serve(out) as url:
        renders = []
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            renders.append(first_render(page, url))
            if _ < runs - 1:
                context.close()
        answers = []
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            answers.append(first_answers(context.new_page(), url))
            context.close()
        fcp = statistics.median(r[0] for r in renders)
        ready = statistics.median(r[1] for r in renders)
        index = statistics.median(r[2] for r in renders)
        short = statistics.median(r[4] for r in renders)
        cpu = statistics.median(r[3] for r in renders)
        print(
            f"  first render: first contentful paint {fcp:.0f} ms, enhanced (script ready) "
            f"{ready:.0f} ms  [target < 1000 ms]; search index built in the worker: titles, authors "
            f"and ids in {short:.0f} ms, everything (abstracts) in {index:.0f} ms"
            f"  (medians of {runs} loads: " + ", ".join(f"{r[0]:.0f}/{r[1]:.0f}" for r in renders) + ")"
        )
        print(
            f"    main thread busy until ready: {cpu:.0f} ms of CPU (parsing, style, layout, script; "
            "the figure least moved by the machine's load)"
        )
        print(
            f"  a search link opened cold ({QUERIES[1]!r}): results shown after "
            f"{statistics.median(a[0] for a in answers):.0f} ms, whole index (abstracts) built after "
            f"{statistics.median(a[1] for a in answers):.0f} ms  (medians of {runs} loads: "
            + ", ".join(f"{a[0]:.0f}/{a[1]:.0f}" for a in answers)
            + ")"
        )
        print(
            f"    search worker started after {statistics.median(a[3] for a in answers):.0f} ms, "
            f"site.js ready after {statistics.median(a[4] for a in answers):.0f} ms (medians)"
        )
        early = [t for a in answers for t in a[2]]
        if early:
            print(
                f"    keystrokes typed while the abstracts were being indexed ({len(early)} keys): "
                f"median {statistics.median(early):.1f} ms, max {max(early):.1f} ms"
            )
        frame, handler, worker, counts, slowest = keystrokes(page)
        print(
            f"  per keystroke ({len(frame)} keys): input to results shown and next frame: median "
            f"{statistics.median(frame):.1f} ms, p95 {sorted(frame)[int(len(frame) * 0.95) - 1]:.1f} ms, "
            f"max {max(frame):.1f} ms  [target < 50 ms]"
        )
        print(
            f"    of which search in the worker: median {statistics.median(worker):.1f} ms, max "
            f"{max(worker):.1f} ms; filters + DOM update: median {statistics.median(handler):.1f} ms, "
            f"max {max(handler):.1f} ms"
        )
        print(
            f"    floor on this machine now (a keystroke that changes nothing, median): {floor(page):.1f} ms"
        )
        print("  results: " + ", ".join(f"{q!r}: {c}" for q, c in counts.items()))
        print(
            "  slowest keys: "
            + "; ".join(
                f"{q!r} {t:.0f} ms (shown after {a:.0f}: search {s:.0f}, update {u:.0f}; layout {la:.0f}; "
                f"{c} shown)"
                for t, q, s, u, c, la, a in slowest
            )
        )
        if screenshot is not None:
            page.evaluate("document.getElementById('q').value = ''")
            page.goto(url + "?q=kv+cache&section=kv-cache")
            page.wait_for_function(
                "document.documentElement.dataset.indexed === '1' && "
                "!document.getElementById('results').hasAttribute('aria-busy')"
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
            print(f"  screenshot: {screenshot}")
        context.close()
    return {
        "weight, gzipped KiB": w["total"][1] / 1024,
        "index.html, gzipped KiB": len(gzip.compress((out / "index.html").read_bytes(), 6)) / 1024,
        "first contentful paint, ms": fcp,
        "filters work (script ready), ms": ready,
        "per keystroke median, ms": statistics.median(frame),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog.md")
    parser.add_argument(
        "--papers",
        type=Path,
        default=None,
        help="paper store for the real catalog (default: data/papers.jsonl if present)",
    )
    parser.add_argument(
        "--arxiv",
        type=Path,
        default=None,
        help="arXiv listing (JSON lines, gzipped) for the generated catalog's text",
    )
    parser.add_argument("--skip-real", action="store_true", help="only the generated catalog")
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        help="save a screenshot of the real catalog's page (e.g. docs/img/site.png)",
    )
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        print(MISSING, file=sys.stderr)
        return 1
    arxiv = args.arxiv or next((p for p in ARXIV_CANDIDATES if p.exists()), None)
    papers = args.papers or (
        ROOT / "data" / "papers.jsonl" if (ROOT / "data" / "papers.jsonl").exists() else None
    )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        print(f"chromium: {executable} {browser.version}")
        over: list[str] = []
        if not args.skip_real:
            real = build(args.catalog, papers, ROOT / "config", folder / "real")
            figures = measure(
                f"{args.catalog.name}" + (f" + {papers}" if papers else " (no paper store)"),
                real,
                folder / "real",
                args.runs,
                browser,
                args.screenshot,
            )
            over = over_budget(figures)
            print(
                "  budget: "
                + "; ".join(f"{k} {figures[k]:.0f} (<= {v:.0f})" for k, v in BUDGET.items())
                + (" -- OVER: " + "; ".join(over) if over else " -- all within")
            )
        catalog_path, store, config = generated(args.entries, arxiv, folder / "gen-src")
        big = build(catalog_path, store, config, folder / "gen")
        source = f"titles and abstracts from {arxiv.name}" if arxiv else "synthetic text"
        measure(f"generated catalog ({source})", big, folder / "gen", args.runs, browser, None)
        browser.close()
    if over:
        print(f"over budget ({args.catalog.name}): " + "; ".join(over), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
