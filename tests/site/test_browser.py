"""The site in a real browser (headless Chromium): search counts equal what bot.site.search
computes, every filter, sorting, the URL state, no-JS mode, accessibility basics, a screenshot.

These tests FAIL (never skip) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.core import catalog_io
from bot.site import build as site_build
from bot.site import search
from bot.site.search import Filters, select

from . import fixture
from .browser import MISSING, chromium_path, serve

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

N_PAPERS = 60


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[site_build.Site, Path]:
    folder = tmp_path_factory.mktemp("site-browser")
    catalog_path, papers_path = fixture.write(folder / "src", N_PAPERS)
    taxonomy = fixture.load_taxonomy()
    built, _ = site_build.build(
        catalog_io.read_catalog(catalog_path, taxonomy),
        taxonomy,
        folder / "out",
        papers=site_build.read_papers(papers_path),
        now=datetime(2026, 1, 2, tzinfo=UTC),
    )
    return built, folder / "out"


@pytest.fixture(scope="module")
def base_url(site: tuple[site_build.Site, Path]) -> Iterator[str]:
    with serve(site[1]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.fail(MISSING, pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


SETTLED = (
    "document.documentElement.dataset.ready === '1' && "
    "!document.getElementById('results').hasAttribute('aria-busy')"
)


def _settle(page: Page, count: int | None = None) -> None:
    """Wait until the page shows the results of its current state (the search worker answers
    asynchronously), and, when given, that it shows ``count`` entries."""
    condition = SETTLED
    if count is not None:
        condition += f" && document.getElementById('count').dataset.count === '{count}'"
    page.wait_for_function(condition, timeout=10_000)


def _open(page: Page, url: str) -> None:
    page.goto(url)
    _settle(page)


def _visible_ids(page: Page) -> list[int]:
    """The entries a reader sees, in the order they are shown."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('li[data-i]'))
        .filter(li => li.checkVisibility()).map(li => Number(li.dataset.i))""")


def _expected(site: site_build.Site, filters: Filters) -> set[int]:
    return {e.index for e in select(site.entries, filters)}  # type: ignore[attr-defined]


def _count(page: Page) -> int:
    return int(page.get_attribute("#count", "data-count") or "-1")


QUERIES = (
    "cache",
    "sparse gr",
    "zoë",
    "ødegaard lattice",
    "meadow anchor river",
    "zeppelin",
    "Fast Inference",
    "breaking script",
    "nothingmatchesthis",
)


def test_typed_queries_show_what_python_computes(
    page: Page, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    built = site[0]
    _open(page, base_url)
    box = page.get_by_label("Search titles, authors and abstracts")
    sizes = set()
    for query in QUERIES:
        box.fill("")
        box.press_sequentially(query)  # real keystrokes, one input event each
        expected = _expected(built, Filters(query=query))
        _settle(page, len(expected))
        assert set(_visible_ids(page)) == expected, query
        assert _count(page) == len(expected)
        sizes.add(len(expected))
    # the queries are meaningful: some match a few, one matches nothing, none matches all
    assert 0 in sizes and max(sizes) < len(built.entries) and len(sizes) >= 5
    assert page.locator("#empty").is_visible() == (len(_expected(built, Filters(query=QUERIES[-1]))) == 0)
    assert page.text_content("#count") == f"0 of {len(built.entries)} entries match"
    # a one-character query searches nothing yet: everything shows (bot.site.search agrees)
    box.fill("")
    box.press_sequentially("q")
    _settle(page, len(built.entries))
    assert len(_expected(built, Filters(query="q"))) == len(built.entries)
    # an abstract-only word finds its entry: the worker indexes the abstracts
    assert _expected(built, Filters(query="zeppelin")) == {
        e.index for e in built.entries if "zeppelin" in e.abstract
    }


def test_arxiv_ids_accents_and_typos_are_found(
    page: Page, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """A reader pastes an arXiv id or link, types a name without its accent, or misspells a
    word: the page finds what bot.site.search selects, and says when it allowed typos."""
    built = site[0]
    target = built.entries[10]
    assert target.arxiv_id
    word = next(w for w in fixture.WORDS if len(w) >= 6 and any(w in e.title.split() for e in built.entries))
    typo = word[:2] + word[3:]  # one letter left out: no exact match anywhere
    cases = [
        (target.arxiv_id, {target.index}),
        (f"arXiv:{target.arxiv_id}v2", {target.index}),
        (f"https://arxiv.org/pdf/{target.arxiv_id}v1", {target.index}),
        ("zoe", {e.index for e in built.entries if "Zoë Ng" in e.authors}),
        ("maria jose garcia", {e.index for e in built.entries if "María José García" in e.authors}),
        (typo, None),
        (target.arxiv_id[:-1] + ("1" if target.arxiv_id[-1] == "0" else "0"), set()),  # no such id
    ]
    _open(page, base_url)
    box = page.get_by_label("Search titles, authors and abstracts")
    for query, wanted in cases:
        expected = _expected(built, Filters(query=query))
        assert (expected or wanted == set()) and (wanted is None or expected == wanted), query
        box.fill(query)
        _settle(page, len(expected))
        assert set(_visible_ids(page)) == expected, query
    assert page.text_content("#count") == f"0 of {len(built.entries)} entries match"
    box.fill(typo)
    _settle(page, len(_expected(built, Filters(query=typo))))
    assert search.is_fuzzy(built.entries, typo) and len(search.query_terms(typo)) == 1
    assert (page.text_content("#count") or "").startswith("No exact match; with similar spellings: ")
    box.fill(word)  # spelled right: no mention of typos
    _settle(page, len(_expected(built, Filters(query=word))))
    assert "similar" not in (page.text_content("#count") or "")


@pytest.mark.parametrize(
    "label, action, filters",
    [
        ("Section", ("select", "beta"), Filters(section="beta")),
        ("Section", ("select", "alpha"), Filters(section="alpha")),  # with its subsections
        ("Section", ("select", "alpha-two"), Filters(section="alpha-two")),
        ("Year", ("select", "2023"), Filters(year=2023)),
        ("Venue", ("select", "Conf A"), Filters(venue="Conf A")),
        ("Has code", ("check", ""), Filters(code=True)),
        ("Minimum stars", ("fill", "900"), Filters(min_stars=900)),
    ],
)
def test_each_filter_shows_what_python_computes(
    page: Page,
    base_url: str,
    site: tuple[site_build.Site, Path],
    label: str,
    action: tuple[str, str],
    filters: Filters,
) -> None:
    built = site[0]
    expected = _expected(built, filters)
    assert 0 < len(expected) < len(built.entries)  # the filter does something
    _open(page, base_url)
    control = page.get_by_label(label, exact=True)
    kind, value = action
    if kind == "select":
        control.select_option(value)
    elif kind == "check":
        control.check()
    else:
        control.fill(value)
    _settle(page, len(expected))
    assert set(_visible_ids(page)) == expected
    # and combined with a query
    page.get_by_label("Search titles, authors and abstracts").fill("cache")
    combined = _expected(built, Filters(**{**filters.__dict__, "query": "cache"}))
    _settle(page, len(combined))
    assert set(_visible_ids(page)) == combined


def test_sorting_by_newest_and_by_stars(
    page: Page, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    built = site[0]
    _open(page, base_url)
    sort = page.get_by_label("Sort by")
    sort.select_option("newest")
    shown = _visible_ids(page)
    keys = [built.entries[i].date_key for i in shown]
    assert len(shown) == len(built.entries) and keys == sorted(keys, reverse=True)
    assert page.locator("section.group").first.is_hidden()
    sort.select_option("stars")
    stars = [built.entries[i].stars or 0 for i in _visible_ids(page)]
    assert stars == sorted(stars, reverse=True) and stars[0] > 0
    page.get_by_label("Has code").check()
    assert set(_visible_ids(page)) == _expected(built, Filters(code=True))
    sort.select_option("catalog")  # the catalog's own order (flat while filtered)
    assert _visible_ids(page) == sorted(_expected(built, Filters(code=True)))
    page.get_by_label("Has code").uncheck()  # nothing filtered: grouped by section again
    _settle(page, len(built.entries))
    assert _visible_ids(page) == list(range(len(built.entries)))
    assert page.locator("section.group").first.is_visible()
    assert page.locator("#sorted").is_hidden()


def test_url_state_round_trips(page: Page, base_url: str, site: tuple[site_build.Site, Path]) -> None:
    built = site[0]
    _open(page, base_url + "?q=cache&section=alpha&code=1&stars=40&sort=stars")
    assert page.get_by_label("Search titles, authors and abstracts").input_value() == "cache"
    assert page.get_by_label("Section", exact=True).input_value() == "alpha"
    assert page.get_by_label("Has code").is_checked()
    assert page.get_by_label("Minimum stars").input_value() == "40"
    assert page.get_by_label("Sort by").input_value() == "stars"
    expected = _expected(built, Filters(query="cache", section="alpha", code=True, min_stars=40))
    assert len(expected) > 0 and set(_visible_ids(page)) == expected
    # changing a control writes the state back into the URL, which loads the same view
    page.get_by_label("Year").select_option("2024")
    page.get_by_label("Search titles, authors and abstracts").fill("kv cache")
    _settle(page)
    state = parse_qs(urlparse(page.url).query)
    assert state == {
        "q": ["kv cache"],
        "section": ["alpha"],
        "year": ["2024"],
        "code": ["1"],
        "stars": ["40"],
        "sort": ["stars"],
    }
    assert "q=kv+cache&section=alpha" in page.url
    shown = _visible_ids(page)
    _open(page, page.url)
    assert _visible_ids(page) == shown
    # unknown values are ignored, not trusted
    _open(page, base_url + "?section=%3Cscript%3E&year=1800&stars=-5")
    assert page.get_by_label("Section", exact=True).input_value() == ""
    assert _count(page) == len(built.entries)
    # Clear resets everything, and the URL
    _open(page, base_url + "?q=cache")
    page.get_by_role("button", name="Clear").click()
    _settle(page, len(built.entries))
    assert urlparse(page.url).query == ""


def test_back_and_forward_step_through_searches_and_filters(
    page: Page, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """Each filter change, and each search (not each keystroke), is a step of the browser's
    history: back shows the previous state, controls and list alike; forward returns."""
    built = site[0]
    everything = len(built.entries)
    beta = _expected(built, Filters(section="beta"))
    beta_cache = _expected(built, Filters(section="beta", query="cache"))
    assert everything > len(beta) > len(beta_cache) > 0
    _open(page, base_url)
    section = page.get_by_label("Section", exact=True)
    box = page.get_by_label("Search titles, authors and abstracts")
    section.select_option("beta")
    _settle(page, len(beta))
    box.press_sequentially("cache")  # five keystrokes: one step
    _settle(page, len(beta_cache))
    assert parse_qs(urlparse(page.url).query) == {"q": ["cache"], "section": ["beta"]}
    page.go_back()
    _settle(page, len(beta))
    assert box.input_value() == "" and section.input_value() == "beta"
    assert set(_visible_ids(page)) == beta
    page.go_back()
    _settle(page, everything)
    assert section.input_value() == "" and urlparse(page.url).query == ""
    page.go_forward()
    page.go_forward()
    _settle(page, len(beta_cache))
    assert box.input_value() == "cache" and set(_visible_ids(page)) == beta_cache
    # arrow keys down a list: one step, not one per option passed
    year = page.get_by_label("Year")
    year.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    _settle(page)
    assert year.input_value() != "" and "year=" in page.url
    page.go_back()
    _settle(page, len(beta_cache))
    assert year.input_value() == "" and box.input_value() == "cache"


def test_long_result_lists_show_the_first_matches_then_all(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_path, _ = fixture.write(tmp_path / "src", 30)
    taxonomy = fixture.load_taxonomy()
    monkeypatch.setattr(site_build, "RESULTS_LIMIT", 4)
    built, _ = site_build.build(catalog_io.read_catalog(catalog_path, taxonomy), taxonomy, tmp_path / "out")
    expected = [e.index for e in sorted(built.entries, key=lambda e: (-(e.stars or 0), e.index))]
    context = browser.new_context()
    page = context.new_page()
    with serve(tmp_path / "out") as url:
        _open(page, url + "?sort=stars")
        assert _visible_ids(page) == expected[:4]
        assert page.text_content("#count") == f"{len(expected)} entries"
        page.get_by_role("button", name=f"Show all {len(expected)} matches").focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('#sorted > li').length === {len(expected)}")
        assert _visible_ids(page) == expected
        assert page.locator("#more").is_hidden()
        # the keyboard goes on from the first entry the button showed (not from the footer)
        focused = "document.activeElement.closest('li') && document.activeElement.closest('li').dataset.i"
        assert page.evaluate(focused) == str(expected[4])
        assert page.evaluate("document.activeElement.className") == "title"
    context.close()


def test_without_stars_in_the_catalog_no_stars_controls_show(browser: Browser, tmp_path: Path) -> None:
    """A catalog whose entries have no stars yet (like catalog.md before check-stars runs):
    a "Minimum stars" box and a "Most stars" order would only empty or not change the list,
    so the page leaves them out, and ignores ?stars= and ?sort=stars."""
    text, _ = fixture.generate(12)
    source = tmp_path / "catalog.md"
    source.write_text(re.sub(r" ?⭐ [0-9.]+[kM]?", "", text), encoding="utf-8")
    taxonomy = fixture.load_taxonomy()
    built, _ = site_build.build(catalog_io.read_catalog(source, taxonomy), taxonomy, tmp_path / "out")
    assert built.entries and not built.has_stars()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with serve(tmp_path / "out") as url:
        _open(page, url + "?stars=100&sort=stars&code=1")
        assert page.get_by_label("Minimum stars").count() == 0
        assert page.locator("#sort option").all_text_contents() == ["Catalog order", "Newest first"]
        assert _count(page) == len(_expected(built, Filters(code=True))) > 0
        assert parse_qs(urlparse(page.url).query) == {"code": ["1"]}
    context.close()
    assert not errors


def test_without_javascript_the_full_list_shows(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    built = site[0]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "?q=cache")
    assert len(_visible_ids(page)) == len(built.entries)
    assert page.locator("#controls").is_hidden()
    assert page.text_content("#count") == f"{len(built.entries)} entries"
    assert page.get_by_role("heading", name="Alpha Two").is_visible()
    context.close()


def test_hostile_text_stays_text(page: Page, base_url: str, site: tuple[site_build.Site, Path]) -> None:
    built = site[0]
    _open(page, base_url)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.get_by_text(fixture.HOSTILE_TITLE, exact=True).count() == 1
    assert page.get_by_text(fixture.HOSTILE_AUTHOR).count() == 1
    assert page.locator("a[href^='javascript:']").count() == 0
    # an abstract, fetched from the search worker when opened, is shown as text
    target = next(e.index for e in built.entries if fixture.HOSTILE_ABSTRACT in e.abstract)
    page.wait_for_selector("html[data-indexed='1']")
    item = page.locator(f"#e{target}")
    item.get_by_text("Abstract", exact=True).click()
    page.wait_for_function(f"document.querySelector('#e{target} .abstract').textContent !== ''")
    assert fixture.HOSTILE_ABSTRACT in (item.locator(".abstract").text_content() or "")
    assert item.locator("img").count() == 0
    # the venue filter offers the hostile venue as a plain option, and filters by it
    page.get_by_label("Venue").select_option("Conf </script <!--")
    _settle(page, 1)
    assert _visible_ids(page) == [target]


def test_accessibility_basics_and_screenshot(page: Page, base_url: str, tmp_path: Path) -> None:
    _open(page, base_url + "?q=cache")
    # every control has a label (get_by_label above); the count is announced politely
    assert page.get_attribute("#count", "aria-live") == "polite"
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#controls input, #controls select')).filter(c => !c.labels || !c.labels.length).length""")
    assert unlabelled == 0
    # keyboard: the skip link comes first, then focus shows a visible outline
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_label("Search titles, authors and abstracts").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.id") == "section" and outline != "none"
    # contrast (WCAG AA, 4.5:1 for normal text) of body text, muted text, links and labels
    ratios = page.evaluate("""() => {
      const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05); };
      const bg = getComputedStyle(document.body).backgroundColor;
      const panel = getComputedStyle(document.getElementById('controls')).backgroundColor;
      const color = sel => getComputedStyle(document.querySelector(sel)).color;
      return [ratio(color('body'), bg), ratio(color('.intro'), bg), ratio(color('#sorted .title'), bg),
              ratio(color('.meta'), bg), ratio(color('label'), panel)];
    }""")
    assert len(ratios) == 5 and min(ratios) >= 4.5, ratios
    # a subsection's option is named with its section, without the "↳" drawn before it
    section = page.get_by_label("Section", exact=True)
    assert section.get_by_role("option", name="Alpha Methods: Alpha Two", exact=True).count() == 1
    # the dots between an entry's links are not part of their names: "pdf", not "· pdf"
    entry = page.locator("#sorted > li").first
    assert entry.get_by_role("link", name="pdf", exact=True).count() == 1
    shot = tmp_path / "site.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_search_index_that_cannot_load_says_search_is_unavailable(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """search.json missing (404): the reader is told, visibly, instead of seeing nothing happen;
    the filters still work."""
    built = site[0]
    context = browser.new_context()
    page = context.new_page()
    page.route("**/search.json", lambda route: route.fulfill(status=404, body="not found"))
    _open(page, base_url)
    note = page.locator("#search-note")
    page.wait_for_function("document.getElementById('search-note').hidden === false", timeout=10_000)
    assert note.is_visible() and "Search unavailable" in (note.text_content() or "")
    page.get_by_label("Search titles, authors and abstracts").fill("cache")
    _settle(page)
    assert "Search unavailable" in (page.text_content("#count") or "")
    page.get_by_label("Section", exact=True).select_option("beta")  # filters still work
    _settle(page, len(_expected(built, Filters(section="beta"))))
    assert set(_visible_ids(page)) == _expected(built, Filters(section="beta"))
    context.close()


def test_a_phone_screen_shows_long_titles_whole(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """At 375 px, a title with no space in it (fixture.LONG_TITLE) wraps: it is neither cut
    off at the screen's edge nor widens the page, in the catalog and in the results."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    _open(page, base_url)
    fits = """() => Array.from(document.querySelectorAll('li[data-i] .title'))
        .filter(a => a.checkVisibility() && a.textContent.startsWith('Supercal'))
        .map(a => a.getBoundingClientRect().right <= innerWidth
                  && document.documentElement.scrollWidth <= innerWidth)"""
    assert page.get_by_text(fixture.LONG_TITLE).count() == 1
    page.get_by_text(fixture.LONG_TITLE).scroll_into_view_if_needed()
    assert page.evaluate(fits) == [True]
    page.get_by_label("Search titles, authors and abstracts").fill("supercalifragilistic")
    _settle(page, 1)
    assert page.evaluate(fits) == [True]
    context.close()


def test_on_a_phone_typing_a_search_shows_its_first_results(
    browser: Browser, base_url: str, site: tuple[site_build.Site, Path]
) -> None:
    """At 375 x 740 the header and the controls fill the first screen: typing a search brings
    the count and the first matches into view (the controls scroll up, in two columns)."""
    built = site[0]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    _open(page, base_url)
    box = page.get_by_label("Search titles, authors and abstracts")
    box.focus()
    page.keyboard.type("cache")
    _settle(page, len(_expected(built, Filters(query="cache"))))
    tops = page.evaluate("""() => {
      const first = Array.from(document.querySelectorAll('li[data-i]')).find(li => li.checkVisibility());
      return [document.getElementById('q').getBoundingClientRect().top,
              document.getElementById('count').getBoundingClientRect().bottom,
              first.getBoundingClientRect().top + 40, innerHeight];
    }""")
    assert tops[0] >= 0 and tops[1] < tops[3] and tops[2] < tops[3], tops
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
