"""The site build without a browser: escaping, the paper store, the chart, the command line."""

from __future__ import annotations

import json
import re
import shutil
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.__main__ import main as bot_main
from bot.config import load_taxonomy
from bot.core import catalog_io
from bot.core.text import cap
from bot.errors import ConfigError
from bot.site import build as site_build
from bot.site import chart, search
from bot.site import entries as site_entries
from bot.site.build import script_json
from bot.site.papers import MAX_ABSTRACT, PaperStoreError, clean, read_papers
from tests.conftest import PROJECT

from . import fixture

NOW = datetime(2026, 1, 2, tzinfo=UTC)


class _Collector(HTMLParser):
    """Scripts, hrefs and the text of elements with an id, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.hrefs: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.tags = Counter[str]()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag == "script":
            self._script, self._text = dict(attrs), []
        for name, value in attrs:
            if tag == "a" and name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[site_build.Site, Path]:
    folder = tmp_path_factory.mktemp("site-build")
    catalog_path, papers_path = fixture.write(folder / "src", 40)
    taxonomy = fixture.load_taxonomy()
    cat = catalog_io.read_catalog(catalog_path, taxonomy)
    site, _ = site_build.build(
        cat,
        taxonomy,
        folder / "out",
        papers=read_papers(papers_path),
        chart_path=folder / "img" / "chart.svg",
        now=NOW,
    )
    return site, folder


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_every_entry_is_on_the_page_in_catalog_order(built: tuple[site_build.Site, Path]) -> None:
    site, folder = built
    html = (folder / "out" / "index.html").read_text(encoding="utf-8")
    # (a title whose link is not http(s) is text: a <span>)
    ids = [int(i) for i in re.findall(r'<li data-i="(\d+)">\n<(?:a|span) class="title" id="e\1"', html)]
    assert len(ids) == len(site.entries) == 44
    # the page groups entries by section in taxonomy order, like the catalog
    sections = [site.entries[i].section for i in ids]
    order = [s.id for s in site.taxonomy.sections]
    assert sections == sorted(sections, key=order.index)
    assert ids == sorted(ids)


def test_hostile_text_is_escaped_for_html_and_for_the_json_script(
    built: tuple[site_build.Site, Path],
) -> None:
    site, folder = built
    html = (folder / "out" / "index.html").read_text(encoding="utf-8")
    parsed = _parse(html)
    # exactly the page's own scripts: no text from the catalog closed one or opened another
    assert [attrs.get("src") or attrs.get("type") for attrs, _ in parsed.scripts] == [
        "application/json",
        "static/search-start.js",
        "application/json",
        "static/site.js",
    ]
    assert parsed.scripts[3][0] == {"type": "module", "src": "static/site.js"}
    data = json.loads(parsed.scripts[2][1])
    venues = set(data["facets"]["v"])
    assert "Conf </script <!--" in venues  # intact, as data
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in html  # the store's author, as text
    assert "<title>Example &lt;Catalog&gt; &amp; &#34;Friends&#34;</title>" in html
    assert "Breaking &lt;/script out &lt;!-- &#34;quoted&#34; &amp; more" in html
    assert "<b>bold</b>" not in html
    assert json.loads(parsed.scripts[0][1])["options"] == search.SEARCH_OPTIONS
    docs = json.loads((folder / "out" / "search.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in docs] == [e.index for e in site.entries]
    assert any(d["title"] == fixture.HOSTILE_TITLE for d in docs)
    # the short fields first; the abstracts, indexed after, in their own file
    assert {key for d in docs for key in d} == {"id", *search.SHORT_FIELDS}
    assert set(search.SHORT_FIELDS) < set(search.FIELDS) == {*search.SHORT_FIELDS, "abstract"}
    texts = json.loads((folder / "out" / "abstracts.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in texts] == [e.index for e in site.entries if e.abstract]
    assert any(fixture.HOSTILE_ABSTRACT in d["abstract"] for d in texts)
    assert "<img src=x" not in html and "onerror" not in html  # abstracts: served by the worker


def test_only_http_links_reach_the_page(built: tuple[site_build.Site, Path]) -> None:
    site, folder = built
    parsed = _parse((folder / "out" / "index.html").read_text(encoding="utf-8"))
    assert any(e.url.startswith("javascript:") for e in site.entries)
    assert not [h for h in parsed.hrefs if h.lower().startswith(("javascript:", "data:"))]


def test_the_search_worker_is_started_from_the_head_by_a_file(built: tuple[site_build.Site, Path]) -> None:
    """search-start.js starts the worker before the long list is parsed: it is in <head>, async
    (it never holds the parser up), and a file of the site, not inline code (a Content-Security-
    Policy of script-src 'self' still allows it). Its options say whether abstracts are to come:
    without them, the worker's first index is the whole one."""
    site, folder = built
    html = (folder / "out" / "index.html").read_text(encoding="utf-8")
    head = _parse(html.split("</head>")[0])
    options, start = head.scripts
    assert start[0] == {"src": "static/search-start.js", "async": None} and start[1] == ""
    assert json.loads(options[1]) == {"options": search.SEARCH_OPTIONS, "abstracts": True, "etAl": "et al."}
    # every script that runs is a file of the site; the others are data
    assert all(
        attrs.get("src") or attrs.get("type") == "application/json" for attrs, _ in _parse(html).scripts
    )
    alone = site_build.collect(
        catalog_io.read_catalog(folder / "src" / "catalog.md", site.taxonomy), site.taxonomy
    )
    head = _parse(site_build.render_page(alone).split("</head>")[0])
    assert json.loads(head.scripts[0][1])["abstracts"] is False


def test_an_entry_commented_out_is_not_on_the_page() -> None:
    """A maintainer hides an entry by wrapping it in ``<!-- ... -->``: GitHub does not show it, and
    neither does the site (it did: the site read every entry line). A title that shows ``<!--``
    (escaped, ``\\<!--``) hides nothing."""
    from bot.core.catalog_parse import parse

    text, _ = fixture.generate(12)
    taxonomy = fixture.load_taxonomy()
    lines = [line for line in text.splitlines(keepends=True) if "arxiv.org/abs/" in line]
    assert "\\<!--" in "".join(lines)  # the hostile title's escaped "<!--" is there
    hidden = lines[1]
    shown = site_build.collect(parse(text, taxonomy), taxonomy)
    commented = text.replace(hidden, f"<!--\n{hidden}-->\n")
    site = site_build.collect(parse(commented, taxonomy), taxonomy)
    assert len(site.entries) == len(shown.entries) - 1
    assert hidden.split("](")[0][3:] not in {e.title for e in site.entries}


def test_script_json_cannot_close_the_script_element() -> None:
    value = {"t": "</script><!-- & \u2028 >"}
    text = str(script_json(value))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_paper_store_adds_full_authors_and_abstracts(built: tuple[site_build.Site, Path]) -> None:
    site, folder = built
    records = {
        r["arxiv_id"]: r
        for r in map(json.loads, (folder / "src" / "papers.jsonl").read_text(encoding="utf-8").splitlines())
    }
    with_store = [e for e in site.entries if e.arxiv_id in records]
    assert with_store and site.with_abstract == len(records)
    for entry in with_store:
        assert list(entry.authors) == records[entry.arxiv_id]["authors"] and not entry.et_al
        assert entry.abstract == " ".join(str(records[entry.arxiv_id]["abstract"]).split())
    # without the store, the catalog's at most three authors "et al." and no abstracts
    alone = site_build.collect(
        catalog_io.read_catalog(folder / "src" / "catalog.md", site.taxonomy), site.taxonomy
    )
    assert all(not e.abstract and len(e.authors) <= 3 for e in alone.entries)
    assert any(e.et_al for e in alone.entries)


def test_paper_store_errors_name_the_line(tmp_path: Path) -> None:
    store = tmp_path / "papers.jsonl"
    store.write_text('{"arxiv_id": "2401.00001", "authors": ["A"], "abstract": "x"}\nnot json\n')
    with pytest.raises(PaperStoreError, match=r"papers.jsonl:2: not a JSON object"):
        read_papers(store)
    store.write_text('{"title": "no id"}\n')
    with pytest.raises(PaperStoreError, match=r":1: each line needs an \"arxiv_id\""):
        read_papers(store)
    with pytest.raises(PaperStoreError, match="does not exist"):
        read_papers(tmp_path / "missing.jsonl")


def test_store_text_is_cleaned_and_capped(tmp_path: Path) -> None:
    store = tmp_path / "papers.jsonl"
    record = {"arxiv_id": "2401.00001v2", "authors": ["A\u202eB", 7, "C\x00D"], "abstract": "word " * 5000}
    store.write_text(json.dumps(record) + "\n")
    paper = read_papers(store)["2401.00001"]
    assert paper.authors == ("A B", "C D")
    assert len(paper.abstract) <= MAX_ABSTRACT and paper.abstract.endswith("…")


# Letters, spaces of every kind, line breaks, controls, bidi and zero-width characters, a lone
# surrogate (json.loads makes them from "\ud800"), private use.
HOSTILE_CHARACTERS = (
    "ab é\u00a0\u2003\u3000\n\r\t\x00\x1f\x7f\x85\u2028\u2029\u200b\u200e\u202e\u2066\ufeff\ud800\ue000"
)


@given(st.text(alphabet=HOSTILE_CHARACTERS, max_size=40), st.integers(min_value=2, max_value=30))
@example("aaaaaa aaa", 9)  # cut after the last whole word, as every text the bot cuts (cap)
def test_cleaning_is_the_definition_whatever_the_characters(text: str, limit: int) -> None:
    """clean() skips its character-by-character pass when nothing but whitespace needs it (the
    paper store's 10,000 abstracts took 40% of a build); the result is the definition's: control
    and format characters as spaces, single spaces, then ``cap``."""
    value = " ".join("".join(" " if unicodedata.category(c)[0] == "C" else c for c in text).split())
    expected = cap(value, limit)
    assert clean(text, limit) == expected


def test_chart_counts_papers_per_month_per_section(built: tuple[site_build.Site, Path]) -> None:
    site, folder = built
    svg = (folder / "out" / "chart.svg").read_text(encoding="utf-8")
    assert (folder / "img" / "chart.svg").read_text(encoding="utf-8") == svg
    root = ET.fromstring(svg)  # well-formed XML: every text escaped
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r.find(f"{ns}title") for r in root.iter(f"{ns}rect")]
    shown = Counter[str]()
    for title in bars:
        if title is not None and title.text:
            label, count = title.text.rsplit(": ", 1)
            shown[label] += int(count)
    expected = Counter[str]()
    titles = {s.id: s.title for s in site.taxonomy.sections}
    for entry in site.entries:
        if entry.kind == "paper" and entry.month:
            expected[f"{titles[entry.section]}, {entry.year}-{entry.month:02d}"] += 1
    assert shown == expected and sum(shown.values()) == 40


def test_the_charts_alt_text_says_what_it_shows(built: tuple[site_build.Site, Path]) -> None:
    """The page's chart image said only "Stacked bar chart ..., one colour per section": a screen
    reader heard no figure. Its alt (and the SVG's description) give the total, the months and the
    biggest sections with their counts."""
    site, folder = built
    per_section = Counter(e.section for e in site.entries if e.kind == "paper" and e.month)
    titles = {s.id: s.title for s in site.taxonomy.sections}
    biggest, count = per_section.most_common(1)[0]
    page = (folder / "out" / "index.html").read_text(encoding="utf-8")
    alt = re.search(r'<img src="chart.svg" loading="lazy" alt="([^"]*)"', page)
    assert alt is not None
    said = unescape(alt[1])
    assert said.startswith(f"Papers per month, by section: {sum(per_section.values())} papers from ")
    assert f"the most in {titles[biggest]} ({count})" in said
    desc = ET.fromstring((folder / "out" / "chart.svg").read_text(encoding="utf-8")).find(
        "{http://www.w3.org/2000/svg}desc"
    )
    assert desc is not None and desc.text == said


def test_chart_escapes_section_titles() -> None:
    taxonomy = fixture.load_taxonomy()
    counts = chart.per_month([])
    assert "No dated papers" in chart.render_svg(counts, taxonomy)
    counts[("beta", (2024, 1))] = 2
    svg = chart.render_svg(counts, taxonomy)
    ET.fromstring(svg)
    assert "Beta Systems (2)" in svg


def test_command_line_builds_idempotently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog_path, papers_path = fixture.write(tmp_path / "src", 12)
    args = [
        "site",
        "--output",
        str(tmp_path / "out"),
        "--catalog",
        str(catalog_path),
        "--config-dir",
        str(fixture.CONFIG),
        "--papers",
        str(papers_path),
        "--chart",
        str(tmp_path / "chart.svg"),
    ]
    assert bot_main(args) == 0
    first = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert bot_main(args) == 0
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert first == second
    out = capsys.readouterr().out
    assert "site: 16 entries" in out and "6 abstracts" in out and "chart ->" in out
    for name in (
        "index.html",
        "search.json",
        "abstracts.json",
        "chart.svg",
        ".nojekyll",
        "static/site.js",
        *(f"static/{module}" for module in site_build.SITE_MODULES),
        "static/site.css",
        "static/search-worker.js",
        "static/vendor/minisearch-7.2.0.umd.js",
        "static/vendor/minisearch-LICENSE.txt",
    ):
        assert (tmp_path / "out" / name).is_file(), name


def test_command_line_errors_are_actionable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        bot_main(
            [
                "site",
                "--output",
                str(tmp_path / "out"),
                "--catalog",
                str(tmp_path / "nope.md"),
                "--config-dir",
                str(fixture.CONFIG),
            ]
        )
        == 1
    )
    assert "nope.md does not exist" in capsys.readouterr().err
    catalog_path, _ = fixture.write(tmp_path / "src", 3)
    assert (
        bot_main(
            [
                "site",
                "--output",
                str(tmp_path / "out"),
                "--catalog",
                str(catalog_path),
                "--config-dir",
                str(fixture.CONFIG),
                "--papers",
                str(tmp_path / "x.jsonl"),
            ]
        )
        == 1
    )
    assert "x.jsonl does not exist" in capsys.readouterr().err


def test_search_semantics_match_minisearch_defaults() -> None:
    assert search.tokenize("KV-cache, (4-bit) C++ Ødegaard") == ["kv", "cache", "4", "bit", "c++", "odegaard"]

    class E:
        title, abstract, section, subsection = "KV-Cache Eviction", "We prune tokens.", "a", None
        year, venue_name, code_url, stars, author_text = 2024, "NeurIPS", "", None, "Zoë Ng"
        arxiv_id, venue = "2405.00732", "NeurIPS 2024 Oral"

    assert search.matches_query(E(), "kv cach")  # every term, as a prefix
    assert search.matches_query(E(), "zoë prune")  # authors and abstract are searched
    assert search.matches_query(E(), "neurips 2024") and search.matches_query(E(), "kv oral")  # and the venue
    assert not search.matches_query(E(), "cache quantization")  # AND, not OR
    assert not search.matches_query(E(), "ache")  # prefixes, not substrings
    assert search.matches_query(E(), "  ,; ")  # no term: everything
    assert search.query_terms("k v kv, x") == ["kv"]  # one-character terms are left out
    assert search.query_terms("4-bit, 2:4 k") == ["4", "bit", "2", "4"]  # but not numbers,
    assert search.matches_query(E(), "24") and not search.matches_query(E(), "2")  # matched whole
    assert search.is_prefix("4", "4") and not search.is_prefix("4", "4096") and search.is_prefix("40", "4096")
    assert search.matches_query(E(), "q") and search.matches_query(E(), "kv q")
    # accents are dropped on both sides: "zoe" finds "Zoë", "zoë" still does
    assert search.tokenize("Gaël Zoë García") == ["gael", "zoe", "garcia"]
    assert search.matches_query(E(), "zoe") and search.matches_query(E(), "ZOË")
    # the arXiv id is searched, also as a link or with "arXiv:" and a version
    for query in (
        "2405.00732",
        "arXiv:2405.00732",
        "arxiv 2405.00732v3",
        "https://arxiv.org/pdf/2405.00732v2",
    ):
        assert search.query_terms(query) == ["2405", "00732"], query
        assert search.matches_query(E(), query), query
    assert not search.matches_query(E(), "2405.00733")
    # typos only in the retry (fuzzy), up to a fifth of the term's length
    assert not search.matches_query(E(), "evicton") and search.matches_query(E(), "evicton", fuzzy=True)
    assert not search.matches_query(E(), "evctn", fuzzy=True)  # 2 typos in 5 letters: too many
    assert search.is_fuzzy([E()], "evicton") and not search.is_fuzzy([E()], "evict")
    assert search.select([E()], search.Filters(query="kv-cahe evicton")) != []  # both retried
    # no typos in numbers: an arXiv id or a year one digit off is another one
    assert not search.matches_query(E(), "2405.00733", fuzzy=True) and search.max_typos("int4bit") == 0


def test_the_page_makes_ids_bare_with_the_same_patterns_in_linear_time() -> None:
    """site.js's plainQuery (search-client.js) runs bot.site.search's two patterns on a query anyone can put in a
    shared ``?q=`` link. "a-a-a-..." (each hyphen starting an old-style id scanned to the end) and
    "arXiv" then spaces (split every way around an optional colon) took time quadratic in the
    query's length: these took about 40 s each here, and held the page as long."""
    js = (Path(site_build.__file__).parent / "static" / "search-client.js").read_text(encoding="utf-8")
    for name, pattern in (("ARXIV_LINK", search.ARXIV_LINK), ("ARXIV_ID", search.ARXIV_ID)):
        literal = re.search(rf"const {name} = /(.*)/gi;", js)
        assert literal is not None and literal[1].replace("\\/", "/") == pattern.pattern, name
    started = time.process_time()  # CPU time: a busy machine's waits are not the patterns'
    assert search.query_terms("a-" * 20_000) == []
    assert search.query_terms("arXiv" + " " * 40_000 + "x") == ["arxiv"]
    assert search.query_terms("arXiv :  hep-th/9901001v2") == ["hep", "th", "9901001"]
    assert time.process_time() - started < 10  # about 0.1 s (the old patterns: 40 s, and 60 s)


def test_letters_without_an_accent_to_drop_are_found_as_typed() -> None:
    """Letters "Ł", "ø", "ß", "æ"... have no accent for Unicode to drop (NFD keeps them whole):
    a reader typing "lukasz" or "lancucki" must still find "Łukasz Kaiser" and "Adrian
    Łańcucki", as "gael" finds "Gaël"."""
    assert search.tokenize("Łukasz Łańcucki Mikołaj Ørjan STRASSE Straße Æsir Œuvre Đorđe Dağ") == [
        "lukasz",
        "lancucki",
        "mikolaj",
        "orjan",
        "strasse",
        "strasse",
        "aesir",
        "oeuvre",
        "dorde",
        "dag",
    ]

    class E:
        title, abstract, section, subsection = "Attention Is All You Need", "", "a", None
        year, venue_name, code_url, stars, author_text = 2017, "", "", None, "Łukasz Kaiser, Ørjan Ødegaard"
        arxiv_id, venue = "1706.03762", ""

    for query in ("lukasz kaiser", "Łukasz", "odegaard", "ØDEGAARD", "orj"):
        assert search.matches_query(E(), query), query
    # the page and its worker fold with the same table, sent with the search options
    assert search.SEARCH_OPTIONS["letters"] == search.LETTERS
    assert all(search.fold(letter.upper()) == spelled for letter, spelled in search.LETTERS.items())


def test_typo_tolerant_matches_come_closest_first() -> None:
    """The retry with typos orders its matches by edits (fewest first), then catalog order."""

    class E:
        abstract, section, subsection, year, venue_name, code_url, stars = "", "a", None, 2024, "", "", None
        arxiv_id, venue = None, ""

        def __init__(self, title: str, authors: str) -> None:
            self.title, self.author_text = title, authors

    far = E("Quantizing a Kernel", "John Backus")  # johan: 1 edit from john; kernl: 1 from kernel
    near = E("Kernel for Serving", "Johan Dahl")  # johan exactly
    other = E("Pruning", "Johan Dahl")  # no kernel
    query = "johan kernl"
    assert search.is_fuzzy([far, near, other], query)
    assert [search.edits(e, query) for e in (far, near)] == [2, 1]
    assert search.select([far, near, other], search.Filters(query=query)) == [near, far]
    assert search.select([far, other], search.Filters(query=query)) == [far]
    # exact matches equally good keep the catalog order
    assert search.select([far, near], search.Filters(query="kernel")) == [far, near]


def test_best_match_lists_title_matches_first() -> None:
    """A search's default order ("Best match"): the entries with every word in their line (title,
    authors, venue) before those found by their abstract; in each group, the words as words of
    the title first, then as the starts of its words; then catalog order (it was catalog order
    only: a match by its abstract came first)."""

    class E:
        section, subsection, year, venue_name, code_url, stars, arxiv_id = "a", None, 2024, "", "", None, None

        def __init__(self, title: str, authors: str = "Ada", abstract: str = "", venue: str = "") -> None:
            self.title, self.author_text, self.abstract, self.venue = title, authors, abstract, venue
            self.date_key = len(title)

    abstract_only = E("Notes on Caching", abstract="We adapt LoRA to caches.")
    by_author = E("Caching Notes", authors="Lora Smith")
    in_a_word = E("LoraRetriever for Caching")
    whole = E("LoRA Adapters for Caching")
    half = E("LoRA Notes", abstract="cache")  # the other word in its abstract only
    entries = [abstract_only, by_author, in_a_word, whole]
    best = [whole, in_a_word, by_author, abstract_only]
    assert search.select(entries, search.Filters(query="lora")) == best
    ranks = [search.rank(e, "lora lora") for e in entries]  # each distinct term counts once
    assert ranks == [(1, 2), (0, 2), (0, 1), (0, 0)]
    best = [whole, in_a_word, by_author, half, abstract_only]
    assert search.select([*entries, half], search.Filters(query="lora cach")) == best
    # a venue shown in the entry's line beats a title that has one word, the other in the abstract
    at_venue, in_abstract = E("Caching", venue="NeurIPS 2024"), E("SemEval-2024 Notes", abstract="NeurIPS")
    assert search.select([in_abstract, at_venue], search.Filters(query="neurips 2024")) == [
        at_venue,
        in_abstract,
    ]
    # the other orders as before; no query: catalog order
    assert search.select(entries, search.Filters(query="lora", sort="catalog")) == entries
    assert search.select(entries, search.Filters(query="lora", sort="newest"))[0] == in_a_word
    assert search.select(entries, search.Filters()) == entries
    assert search.sort_keys()[0] == "relevance" == search.Filters().sort


@pytest.mark.parametrize(
    "venue, name",
    [
        ("ICLR 2025", "ICLR"),
        ("2025 ICLR", "ICLR"),
        ("ICLR'25 Oral", "ICLR Oral"),
        ("ICLR 2024 Oral", "ICLR Oral"),
        ("ICLR’24", "ICLR"),
        ("ICLR2025", "ICLR"),
        ("ICLR, 2025", "ICLR"),
        ("ICLR (2025)", "ICLR"),
        ("Findings of EMNLP 2023", "Findings of EMNLP"),
        ("NeurIPS 2024 Workshop (ENLSP 2024)", "NeurIPS Workshop (ENLSP)"),
        ("Conf </script <!-- 2024", "Conf </script <!--"),
        ("Journal C", "Journal C"),
        ("GPT-4 Day", "GPT-4 Day"),  # not a year
        ("2024", "2024"),  # nothing but a year: kept
    ],
)
def test_the_venue_filter_strips_the_year_wherever_it_is(venue: str, name: str) -> None:
    assert site_entries.venue_name(venue) == name


@pytest.mark.parametrize("run", [",", " ,", ", "])
def test_a_venue_of_any_length_is_read_in_linear_time(run: str) -> None:
    """A catalog line's venue keeps its commas (its spaces are folded): ``ICLR`` and 32,000 commas
    took 22 s of the site build, each comma's search reading to the run's end (CPU time, so that
    other jobs on the machine do not count; now milliseconds)."""
    venue = "ICLR" + run * (32_000 // len(run)) + "x 2024"
    started = time.process_time()
    name = site_entries.venue_name(venue)
    assert time.process_time() - started < 5
    assert name.startswith("ICLR,") and name.endswith("x") and "2024" not in name


def test_venues_group_whatever_the_year_and_where_it_is_written() -> None:
    entries = [
        site_entries.SiteEntry(i, "alpha", None, "paper", f"T{i}", "https://x.org", venue=v)
        for i, v in enumerate(("ICLR 2025", "2024 ICLR", "ICLR'23", "ICLR 2025 Oral", "ICLR'24 Oral"))
    ]
    site = site_build.Site(fixture.load_taxonomy(), entries)
    assert site.venues() == ["ICLR", "ICLR Oral"]
    assert len(search.select(entries, search.Filters(venue="ICLR"))) == 3


def test_heading_ids_are_unique_like_github_anchors(tmp_path: Path) -> None:
    """Subsection titles may repeat across sections ("Other"): each heading gets its own id
    (GitHub's style: "other", "other-1", "other-2"), and the page's own ids are never taken."""
    config = tmp_path / "config"
    config.mkdir()
    text = (fixture.CONFIG / "taxonomy.yml").read_text(encoding="utf-8")
    text = (
        text.replace(
            "        description: The second kind of alpha.\n",
            "        description: The second kind of alpha.\n"
            "      - {id: alpha-other, title: Other, description: Other alpha.}\n",
        )
        .replace(
            "    description: Studies of gamma.\n",
            "    description: Studies of gamma.\n    subsections:\n"
            "      - {id: gamma-other, title: Other, description: Other gamma.}\n"
            "      - {id: gamma-results, title: Results, description: What came out.}\n",
        )
        .replace(
            "    description: Systems, <b>bold</b> ones included.\n",
            "    description: Systems, <b>bold</b> ones included.\n    subsections:\n"
            "      - {id: beta-other, title: Other, description: Other beta.}\n",
        )
    )
    (config / "taxonomy.yml").write_text(text, encoding="utf-8")
    taxonomy = load_taxonomy(config)
    anchors = site_build.heading_anchors(taxonomy)
    assert [anchors[i] for i in ("alpha-other", "beta-other", "gamma-other")] == [
        "other",
        "other-1",
        "other-2",
    ]
    assert anchors["gamma-results"] == "results-1"  # the page's own id="results" is kept
    catalog = catalog_io.parse(
        "# T\n\n## Gamma Studies\n\n### Other\n\n- [A Paper](https://arxiv.org/abs/2401.00001)\n",
        taxonomy,
    )
    site_build.build(catalog, taxonomy, tmp_path / "out", now=NOW)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    links = re.findall(r'<a href="#([^"]+)"', html)
    assert set(links) <= set(ids) and {"other", "other-1", "other-2"} <= set(links)


def test_entries_under_a_heading_the_taxonomy_does_not_know_are_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A warning, not a failure: the site is still built; each unknown heading with entries
    under it is named with its line and where (if anywhere) its entries show."""
    catalog_path = tmp_path / "catalog.md"
    entry = "- [Paper {n}](https://arxiv.org/abs/2401.0000{n})\n"
    catalog_path.write_text(
        "# T\n\n## Contents\n\n- [Alpha Methods](#alpha-methods)\n\n"
        "## Alpha Methods\n\n"
        + entry.format(n=1)
        + "\n### Alpha Zeta\n\n"
        + entry.format(n=2)
        + "\n## Delta Things\n\n"
        + entry.format(n=3)
        + entry.format(n=4)
        + "\n## Beta Systems\n\n"
        + entry.format(n=5),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with caplog.at_level("WARNING", logger="bot"):
        code = bot_main(
            [
                "site",
                "--output",
                str(out),
                "--catalog",
                str(catalog_path),
                "--config-dir",
                str(fixture.CONFIG),
            ]
        )
    assert code == 0 and (out / "index.html").is_file()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    taxonomy_file = fixture.CONFIG / "taxonomy.yml"  # the --config-dir's (round 32: not "config/")
    assert warnings == [
        f"{catalog_path}:11: 1 entry under '### Alpha Zeta', a heading {taxonomy_file} does "
        "not know: shown under 'Alpha Methods'; add it to the taxonomy or move the entries "
        "(`python -m bot lint` lists the headings)",
        f"{catalog_path}:15: 2 entries under '## Delta Things', a heading {taxonomy_file} "
        "does not know: not on the site; add it to the taxonomy or move the entries "
        "(`python -m bot lint` lists the headings)",
    ]


def test_the_paper_store_is_found_where_config_papers_yml_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --papers the site reads config/papers.yml ``store.path`` (relative to the catalog's
    folder, the repository root), not only data/papers.jsonl; a store not written yet is no error."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "taxonomy.yml").write_bytes((fixture.CONFIG / "taxonomy.yml").read_bytes())
    (config / "papers.yml").write_text("store:\n  path: store/all-papers.jsonl\n", encoding="utf-8")
    catalog_path, papers_path = fixture.write(tmp_path / "repo", 12)
    args = [
        "site",
        "--output",
        str(tmp_path / "out"),
        "--catalog",
        str(catalog_path),
        "--config-dir",
        str(config),
    ]
    assert bot_main(args) == 0
    assert "no paper store (catalog only)" in capsys.readouterr().out  # not there yet: no error
    (tmp_path / "repo" / "store").mkdir()
    papers_path.rename(tmp_path / "repo" / "store" / "all-papers.jsonl")
    assert bot_main(args) == 0
    out = capsys.readouterr().out
    assert f"6 abstracts from {tmp_path / 'repo' / 'store' / 'all-papers.jsonl'}" in out


def test_the_page_carries_little_for_each_entry(built: tuple[site_build.Site, Path]) -> None:
    """What a 5,000-entry page pays for each entry at parse time: each catalog list carries its
    estimated height (the browser skips a list far from the screen whole); no entry carries an
    abstract toggle (<details> is costly: the script adds them when the index is ready) nor its
    section's name (the script labels the copies in a flat list, from the data's titles)."""
    site, folder = built
    html = (folder / "out" / "index.html").read_text(encoding="utf-8")
    lists = re.findall(r'<ul class="entries" style="--entries: (\d+)">(.*?)</ul>', html, re.S)
    assert sum(body.count("<li ") for _, body in lists) == len(site.entries)
    assert all(int(count) == body.count("<li ") for count, body in lists)  # site.css: times --entry-height
    assert "<details" not in html.split('<main id="results"')[1]
    assert 'class="where"' not in html
    data = json.loads(_parse(html).scripts[2][1])
    assert data["facets"]["a"] == [bool(e.abstract) for e in site.entries]
    # a list per facet (an entry's id is its place), not an object per entry
    columns = data["facets"]
    assert set(columns) == {"s", "u", "y", "v", "c", "st", "d", "a"}
    assert [{key: column[i] for key, column in columns.items()} for i in range(len(site.entries))] == [
        e.facets() for e in site.entries
    ]
    assert any(e.abstract for e in site.entries) and not all(e.abstract for e in site.entries)
    assert data["titles"]["alpha"] == "Alpha Methods" and data["titles"]["alpha-two"] == "Alpha Two"


def test_pdf_and_code_links_are_named_with_their_entry(built: tuple[site_build.Site, Path]) -> None:
    """A screen reader's list of links reads "PDF: <title>", not "pdf" 1,300 times: each link
    is named by the label's words ("PDF:", hidden) and its entry's title (aria-labelledby), not
    by a copy of the title (two copies per entry were a tenth of a big page)."""
    site, folder = built
    page = (folder / "out" / "index.html").read_text(encoding="utf-8")
    texts = {
        key: unescape(text)
        for key, text in re.findall(r'<(?:a|span) [^>]*?\bid="([^"]+)"[^>]*>([^<]*)<', page)
    }
    links = [
        (href, " ".join(texts[ref] for ref in refs.split()), text)
        for href, refs, text in re.findall(
            r'<a href="([^"]*)" aria-labelledby="([^"]*)">(pdf|code)</a>', page
        )
    ]
    expected = [(e.pdf_url, f"PDF: {e.title}", "pdf") for e in site.entries if e.pdf_url]
    expected += [(e.code_url, f"Code: {e.title}", "code") for e in site.entries if e.code_url]
    assert sorted(links) == sorted(expected) and len(expected) > len(site.entries)
    assert f"PDF: {fixture.HOSTILE_TITLE}" in {label for _, label, _ in links}  # escaped, whole
    assert page.count(">pdf</a>") + page.count(">code</a>") == len(links)  # none left unnamed
    assert page.count(fixture.HOSTILE_TITLE.replace("<", "&lt;").split(" &")[0]) == 1  # not copied


def test_a_link_names_words_may_come_after_the_title() -> None:
    assert site_build.around_title("PDF: {title}") == ("PDF:", "")
    assert site_build.around_title("{title} (code)") == ("", "(code)")
    assert site_build.around_title("« {title} » en PDF") == ("«", "» en PDF")


def test_docs_site_md_quotes_the_line_a_build_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/site.md quotes the one line `site` prints: the build of the fixture catalog, 1,294
    entries and no paper store, into `_site`."""
    monkeypatch.chdir(tmp_path)
    assert bot_main(["site", "--output", "_site", "--catalog", str(PROJECT / "catalog.md")]) == 0
    line = capsys.readouterr().out.strip()
    page = (Path(__file__).parents[2] / "docs" / "site.md").read_text(encoding="utf-8")
    assert f"`{line}`" in " ".join(page.split()), f"docs/site.md should quote: {line}"


def test_the_page_is_in_the_language_the_taxonomy_names(tmp_path: Path) -> None:
    """`<html lang="en">` was written into the template: a list in Chinese had its title, intro and
    headings read by screen readers (and offered for translation) as English."""
    config_dir = tmp_path / "config"
    shutil.copytree(fixture.CONFIG, config_dir)
    taxonomy_yml = config_dir / "taxonomy.yml"
    taxonomy_yml.write_text(taxonomy_yml.read_text(encoding="utf-8") + "language: zh-CN\n", encoding="utf-8")
    catalog_path, _ = fixture.write(tmp_path / "src", 4)
    taxonomy = load_taxonomy(config_dir)
    cat = catalog_io.read_catalog(catalog_path, taxonomy)
    site_build.build(cat, taxonomy, tmp_path / "out", chart_path=tmp_path / "chart.svg", now=NOW)
    assert '<html lang="zh-CN">' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert fixture.load_taxonomy().language == "en"  # the default
    taxonomy_yml.write_text(
        taxonomy_yml.read_text(encoding="utf-8").replace("language: zh-CN", "language: Chinese"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="language"):
        load_taxonomy(config_dir)


def test_the_search_box_carries_its_examples_shorter_forms(built: tuple[site_build.Site, Path]) -> None:
    """The whole example is the placeholder; its shorter forms (the topic, the arXiv id), one a
    line, are for site.js to show on a box too narrow for it (a phone's)."""
    html = (built[1] / "out" / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<input id="q"[^>]*>', html)
    assert box is not None
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', box[0]))
    assert unescape(attrs["placeholder"]) == "e.g. alpha one, or 2405.00732"
    assert unescape(attrs["data-examples"]).split("\n") == ["e.g. alpha one", "e.g. 2405.00732"]


def test_the_search_boxs_examples_and_link_words_are_escaped(tmp_path: Path) -> None:
    """A subsection's title becomes the search box's example (placeholder and data-examples), and
    the pdf and code labels' words are on the page once: markup and quotes in them stay text."""
    config = tmp_path / "config"
    shutil.copytree(fixture.CONFIG, config)
    hostile = 'Alpha "One" </script><b>x</b> & co'
    text = (config / "taxonomy.yml").read_text(encoding="utf-8")
    text = text.replace("        title: Alpha One\n", f"        title: '{hostile}'\n")
    text += "labels:\n  pdf_of: '<i>PDF</i> \"{title}\" &'\n"
    (config / "taxonomy.yml").write_text(text, encoding="utf-8")
    taxonomy = load_taxonomy(config)
    catalog = catalog_io.parse(
        "# T\n\n## Alpha Methods\n\n- [A Paper](https://arxiv.org/abs/2401.00001)\n", taxonomy
    )
    site_build.build(catalog, taxonomy, tmp_path / "out", now=NOW)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<b>x</b>" not in html and "<i>PDF</i>" not in html
    box = re.search(r'<input id="q"[^>]*>', html)
    assert box is not None
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', box[0]))
    assert unescape(attrs["placeholder"]) == f"e.g. {hostile.lower()}, or 2405.00732"
    assert unescape(attrs["data-examples"]).split("\n") == [f"e.g. {hostile.lower()}", "e.g. 2405.00732"]
    words = re.search(
        r'<span id="pdf-name" hidden>([^<]*)</span><span id="pdf-name-end" hidden>([^<]*)</span>', html
    )
    assert words is not None and [unescape(w) for w in words.groups()] == ['<i>PDF</i> "', '" &']
