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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bot.core import arxiv_ids
from bot.core.catalog import Catalog
from bot.core.entry import MONTHS, format_stars
from bot.core.taxonomy import Taxonomy
from bot.site import chart, labels
from bot.site.headings import UnknownHeading, heading_anchors, unknown_headings
from bot.site.papers import Paper, clean
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

# A year anywhere in a venue ("ICLR 2025", "2025 ICLR", "ICLR'25 Oral", "ICLR (2025)"), with the
# spaces and comma before it; a year in parentheses takes them along. A match starts where a run of
# them does, never inside it: tried at each of a run's characters, it read to the run's end each
# time (8,000 commas in a venue, 1.4 s of a site build; 32,000, 22 s).
_YEAR = r"(?:['’]\d\d|(?<!\d)(?:19|20)\d\d)(?!\d)"
_VENUE_YEAR = re.compile(rf"(?<![\s,])[\s,]*(?:\(\s*{_YEAR}\s*\)|{_YEAR})")


def venue_name(venue: str) -> str:
    """The venue without its year, wherever it is ("NeurIPS 2024" and "2024 NeurIPS" ->
    "NeurIPS", "ICLR'25 Oral" -> "ICLR Oral"): what the venue filter offers. A venue that is
    only a year stays as it is."""
    name = " ".join(_VENUE_YEAR.sub(" ", venue).split())
    return re.sub(r"\s+([,)])", r"\1", name).strip(" ,") or venue.strip()


@dataclass(frozen=True)
class SiteEntry:
    index: int
    section: str
    subsection: str | None
    kind: str
    title: str
    url: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    description: str = ""
    arxiv_id: str | None = None
    year: int | None = None
    month: int | None = None
    venue: str = ""
    pdf_url: str = ""
    code_url: str = ""
    stars: int | None = None
    archived: bool = False
    abstract: str = ""

    @property
    def author_text(self) -> str:
        """The searched authors field (a resource's description stands in for its authors)."""
        return ", ".join(self.authors) if self.kind == "paper" else self.description

    @property
    def venue_name(self) -> str:
        return venue_name(self.venue) if self.venue else ""

    @property
    def date_text(self) -> str:
        if self.year is None:
            return ""
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month else str(self.year)

    @property
    def date_key(self) -> int:
        """Newest first sorts on this: year and month (the entry's, else its arXiv id's), then
        the arXiv id's number within the month; 0 for an undated entry."""
        year, month, number = arxiv_ids.sort_key(self.arxiv_id)
        if self.year is not None:
            year, month = self.year, self.month or 0
        return (year * 100 + month) * 1_000_000 + number % 1_000_000

    @property
    def stars_text(self) -> str:
        return format_stars(self.stars) if self.stars is not None else ""

    def facets(self) -> dict[str, Any]:
        """What filters and sorting read of the entry (in the page's JSON: ``facet_columns``)."""
        return {
            "s": self.section,
            "u": self.subsection or "",
            "y": self.year,
            "v": self.venue_name,
            "c": bool(self.code_url),
            "st": self.stars or 0,
            "d": self.date_key,
            "a": bool(self.abstract),  # gets an "Abstract" toggle once the search index is ready
        }

    def search_doc(self) -> dict[str, Any]:
        """The entry in search.json: the short fields the search worker indexes first
        (search.SHORT_FIELDS; the venue only when there is one); its abstract is in
        abstracts.json (``abstract_doc``)."""
        doc: dict[str, Any] = {"id": self.index, "title": self.title, "authors": self.author_text}
        if self.venue:
            doc["venue"] = self.venue
        doc["arxiv"] = self.arxiv_id or ""
        return doc

    def abstract_doc(self) -> dict[str, Any] | None:
        """The entry in abstracts.json (None without an abstract): indexed after the short
        fields, so that a big catalog's titles are searchable long before its abstracts."""
        return {"id": self.index, "abstract": self.abstract} if self.abstract else None


@dataclass
class Site:
    taxonomy: Taxonomy
    entries: list[SiteEntry]
    skipped: int = 0  # items under a section that are not canonical entry lines
    unknown: list[UnknownHeading] = field(default_factory=list)  # headings not in the taxonomy
    with_abstract: int = 0
    generated: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def in_section(self, section: str, subsection: str | None) -> list[SiteEntry]:
        return [e for e in self.entries if e.section == section and e.subsection == subsection]

    def has_stars(self) -> bool:
        """Whether any entry shows stars: without, the page offers no stars filter or order."""
        return any(e.stars is not None for e in self.entries)

    def years(self) -> list[int]:
        return sorted({e.year for e in self.entries if e.year}, reverse=True)

    def venues(self) -> list[str]:
        counts: dict[str, int] = {}
        for entry in self.entries:
            if entry.venue_name:
                counts[entry.venue_name] = counts.get(entry.venue_name, 0) + 1
        return sorted(counts, key=lambda v: (-counts[v], v.lower()))


def collect(catalog: Catalog, taxonomy: Taxonomy, papers: dict[str, Paper] | None = None) -> Site:
    """The site's entries: every canonical entry under a taxonomy section, in catalog order (not
    those commented out), with the paper store's full author list and abstract when it has the paper."""
    papers = papers or {}
    entries: list[SiteEntry] = []
    skipped = with_abstract = 0
    for item in catalog.listed():
        entry = item.entry
        if entry is None or item.section is None:
            skipped += 1
            continue
        paper = papers.get(entry.arxiv_id) if entry.arxiv_id else None
        authors, et_al = tuple(clean(a, 200) for a in entry.authors), entry.et_al
        abstract = ""
        if paper is not None:
            if paper.authors:
                authors, et_al = paper.authors, False
            abstract = paper.abstract
            with_abstract += bool(abstract)
        entries.append(
            SiteEntry(
                index=len(entries),
                section=item.section,
                subsection=item.subsection,
                kind=entry.kind,
                title=clean(entry.title),
                url=entry.url,
                authors=authors,
                et_al=et_al,
                description=clean(entry.description),
                arxiv_id=entry.arxiv_id,
                year=entry.year,
                month=entry.month,
                venue=clean(entry.venue, 200),
                pdf_url=entry.pdf_url,
                code_url=entry.code_url,
                stars=entry.stars,
                archived=entry.archived,
                abstract=abstract,
            )
        )
    return Site(
        taxonomy,
        entries,
        skipped=skipped,
        with_abstract=with_abstract,
        unknown=unknown_headings(catalog, taxonomy),
    )


def facet_columns(entries: list[SiteEntry]) -> dict[str, list[Any]]:
    """The entries' facets in the page's JSON, a list per facet in catalog order (an entry's id is
    its place): a column of like values compresses to half the size of one object per entry (on
    10,000 entries, 45 against 93 KiB gzipped), and site.js makes the objects back."""
    rows = [e.facets() for e in entries]
    return {key: [row[key] for row in rows] for key in (rows[0] if rows else {})}


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


def entries_by_section(site: Site) -> Iterable[tuple[str, str | None, list[SiteEntry]]]:
    for section in site.taxonomy.sections:
        yield section.id, None, site.in_section(section.id, None)
        for sub in site.taxonomy.children(section.id):
            yield section.id, sub.id, site.in_section(section.id, sub.id)
