"""Build the static site: one HTML page listing every catalog entry, its data, the chart.

The page works without JavaScript (every entry, grouped by section like ``catalog.md``); the
script then adds filters, sorting and the state in the URL, and a worker adds text search
(MiniSearch, vendored) over ``search.json`` (titles, authors, venues, arXiv ids) and ``abstracts.json``,
fetched after the page shows, so that neither the first render nor typing waits for the abstracts
or the index; the short fields are searchable first, the abstracts once indexed too.
Everything that comes from the catalog or the paper store is untrusted text: jinja2 escapes it
for HTML, ``script_json`` for the JSON inside a ``<script>`` element.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bot.core.catalog import Catalog
from bot.core.taxonomy import Taxonomy
from bot.site import chart, labels
from bot.site.entries import Site as Site
from bot.site.entries import collect as collect
from bot.site.entries import facet_columns
from bot.site.headings import heading_anchors
from bot.site.papers import Paper
from bot.site.search import SEARCH_OPTIONS

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC = PACKAGE_DIR / "static"
SCRIPT = "vendor/minisearch-7.2.0.umd.js"
# site.js is an ES module (no build step); the modules it imports, preloaded beside it (found
# only once site.js is in, they would cost a round trip more).
# Four: with site.js, five requests, within a browser's six connections to a host over HTTP/1.1
# (eight took a round trip more on a slow link: the page worked 150 ms later).
SITE_MODULES = (
    "search-client.js",
    "url-state.js",
    "results.js",
    "abstracts.js",
)
STATIC_FILES = (
    "site.css",
    "site.js",
    *SITE_MODULES,
    "search-start.js",
    "search-worker.js",
    SCRIPT,
    "vendor/minisearch-LICENSE.txt",
)
RESULTS_LIMIT = 100  # a filtered list shows this many matches at once, the rest on "Show all"


def script_json(value: object) -> Markup:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` (so no
    ``</script>`` or ``<!--``), and no U+2028/U+2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)  # escaped above for this context


def _safe_href(url: str) -> str:
    """Only http(s) links on the page (no javascript: or data: from a catalog line): "" for
    another, which the page shows as no link at all (a title as text, no pdf or code link). An
    href of "#" looked like a link and took the reader back to the page's top."""
    return url if re.match(r"(?i)^https?://", url) else ""


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["href"] = _safe_href
    environment.filters["script_json"] = script_json
    return environment


def render_page(site: Site, chart_file: str = "chart.svg") -> str:
    # The section titles: the script labels each match of a flat list with its section and
    # subsection ("Quantization › Weight-only"), so the grouped catalog need not carry them.
    titles = {s.id: s.title for s in (*site.taxonomy.sections, *site.taxonomy.subsections)}
    words = labels.site_labels(site.taxonomy)
    link_words = {kind: around_title(words[f"{kind}_of"]) for kind in ("pdf", "code")}
    data = {
        "limit": RESULTS_LIMIT,
        "titles": titles,
        "labels": {key: words[key] for key in labels.JS_LABELS},  # what the scripts write
        "facets": facet_columns(site.entries),
    }
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            site=site,
            taxonomy=site.taxonomy,
            data=data,
            # in <head>, for search-start.js to start the worker before the list is parsed
            # and to read the entries' text as they are parsed (without "et al.": search.json's)
            search={"options": SEARCH_OPTIONS, "abstracts": site.with_abstract > 0, "etAl": words["et_al"]},
            chart_file=chart_file,
            modules=SITE_MODULES,
            chart_alt=chart.describe(chart.per_month(site.entries), site.taxonomy),
            anchors=heading_anchors(site.taxonomy),
            examples=search_examples(site.taxonomy, words),
            link_words=link_words,
            # the ids before and after an entry's title's (e12) in its links' aria-labelledby
            named_by={
                kind: (f"{kind}-name " if before else "", f" {kind}-name-end" if after else "")
                for kind, (before, after) in link_words.items()
            },
            label=lambda key, **values: labels.fill(words[key], **values),
            count=lambda number, noun: labels.counted(words, number, noun),
            link=lambda href, text: Markup('<a href="{}">{}</a>').format(href, text),
            code=lambda text: Markup("<code>{}</code>").format(text),
        )
    )


def around_title(label: str) -> tuple[str, str]:
    """A link's name's words before and after its ``{title}`` ("PDF: {title}" -> ("PDF:", "")):
    the page names each pdf and code link by them and its entry's title (aria-labelledby joins
    them with spaces), rather than repeat the title in every link (a tenth of a big page)."""
    before, _, after = label.partition("{title}")
    return before.strip(), after.strip()


def search_examples(taxonomy: Taxonomy, words: dict[str, str]) -> list[str]:
    """The search box's example, whole ("e.g. weight-only quantization, or 2405.00732"), then
    shorter: the topic alone, the arXiv id alone. The script shows the longest that fits the
    box (on a phone the whole one was cut)."""
    example, arxiv_id = search_example(taxonomy), "2405.00732"
    if not example:
        return [labels.fill(words["search_example_id"], id=arxiv_id)]
    return [
        labels.fill(words["search_example"], example=example, id=arxiv_id),
        labels.fill(words["search_example_id"], id=example),
        labels.fill(words["search_example_id"], id=arxiv_id),
    ]


def search_example(taxonomy: Taxonomy) -> str:
    """The search box's example query: the list's own first subsection of papers (the most
    specific topic), else its first section, lowercased (a fixed example would name this
    project's field on every adopter's site)."""
    for group in (taxonomy.subsections, taxonomy.sections):
        papers = [s for s in group if s.kind != "resources"]
        if papers:
            return papers[0].title.lower()
    return ""


def write_site(site: Site, output: Path, chart_path: Path | None = None) -> dict[str, Path]:
    """Write index.html, search.json and abstracts.json (what the search worker indexes),
    chart.svg and the static files into ``output`` (created; files the build owns are replaced,
    others left alone). Returns what it wrote."""
    output.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    svg = chart.render_svg(chart.per_month(site.entries), site.taxonomy)
    docs = _compact_json([e.search_doc() for e in site.entries])
    abstracts = _compact_json([d for e in site.entries if (d := e.abstract_doc())])
    for name, text in (
        ("index.html", render_page(site)),
        ("search.json", docs),
        ("abstracts.json", abstracts),
        ("chart.svg", svg),
    ):
        path = output / name
        path.write_text(text, encoding="utf-8")
        written[name] = path
    (output / ".nojekyll").write_text("", encoding="utf-8")
    for name in STATIC_FILES:
        target = output / "static" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC / name, target)
        written[f"static/{name}"] = target
    if chart_path is not None:
        chart_path.parent.mkdir(parents=True, exist_ok=True)
        chart_path.write_text(svg, encoding="utf-8")
        written["chart"] = chart_path
    return written


def _compact_json(docs: list[dict[str, Any]]) -> str:
    """A JSON array, compact, with a final newline."""
    return json.dumps(docs, ensure_ascii=False, separators=(",", ":")) + "\n"


def build(
    catalog: Catalog,
    taxonomy: Taxonomy,
    output: Path,
    papers: dict[str, Paper] | None = None,
    chart_path: Path | None = None,
    now: datetime | None = None,
) -> tuple[Site, dict[str, Path]]:
    site = collect(catalog, taxonomy, papers)
    site.generated = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    return site, write_site(site, output, chart_path)
