"""The site in the catalog's language: `labels` of config/taxonomy.yml overrides the English
words of the page, those of the HTML and those its scripts write (the counts, "Show all N
matches", the abstract toggles), escaped for where they go. The defaults are the schema's
(bot/config_schemas/taxonomy.yml), which refuses an unknown key and a label without its {name}.

The browser test FAILS (never skips) when Chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
import yaml

from bot.config import load_taxonomy
from bot.core import catalog_io
from bot.errors import ConfigError
from bot.site import build as site_build
from bot.site import chart, labels
from bot.site.papers import read_papers

from . import fixture
from .browser import serve
from .pages import open_page, settle

try:
    from playwright.sync_api import Browser
except ImportError as exc:  # pragma: no cover - the test extra installs playwright
    raise RuntimeError("playwright is missing: pip install -e '.[test]'") from exc

FRENCH = Path(__file__).parent / "fixtures" / "labels" / "fr.yml"
N_PAPERS = 150  # more than a flat list shows at once (build.RESULTS_LIMIT): "Show all" appears
N = N_PAPERS + 4  # the fixture's entries: its papers and four resources


def french_config(folder: Path, extra: str = "", edit: tuple[str, str] = ("", "")) -> Path:
    """The fixture's config with the French labels (one ``edit``ed, ``extra`` YAML after them)."""
    config_dir = folder / "config"
    shutil.copytree(fixture.CONFIG, config_dir)
    taxonomy_yml = config_dir / "taxonomy.yml"
    french = FRENCH.read_text(encoding="utf-8").replace(*edit)
    text = taxonomy_yml.read_text(encoding="utf-8") + french + extra
    taxonomy_yml.write_text(text, encoding="utf-8")
    return config_dir


@pytest.fixture(scope="module")
def french_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site-fr")
    taxonomy = load_taxonomy(french_config(folder))
    catalog_path, papers_path = fixture.write(folder / "src", N_PAPERS)
    site_build.build(
        catalog_io.read_catalog(catalog_path, taxonomy),
        taxonomy,
        folder / "out",
        papers=read_papers(papers_path),
        now=datetime(2026, 1, 2, tzinfo=UTC),
    )
    return folder / "out"


@pytest.fixture(scope="module")
def french_url(french_site: Path) -> Iterator[str]:
    with serve(french_site) as url:
        yield url


def english_words() -> list[str]:
    """The words of the English defaults that the French labels do not have: none may be left
    on the page (around each {name}, longer than three letters)."""
    french = yaml.safe_load(FRENCH.read_text(encoding="utf-8"))["labels"]
    assert set(french) == set(labels.defaults()), "the fixture translates every label"
    words = set()
    for key, text in labels.defaults().items():
        parts = (part.strip(" ,.:;()") for part in re.split(r"\{\w+\}", text))
        words |= {part for part in parts if len(part) > 3 and part not in french[key]}
    return sorted(words)


def test_the_page_shows_the_labels_of_the_taxonomy_escaped_for_html_and_json(french_site: Path) -> None:
    html = (french_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert (
        '<label for="q">Chercher dans les titres, les auteurs, les identifiants arXiv et les résumés</label>'
        in html
    )
    assert f'data-count="{N}">{N} entrées</p>' in html
    assert 'placeholder="ex. alpha one, ou 2405.00732"' in html
    assert (
        '<a href="static/vendor/minisearch-LICENSE.txt">MiniSearch</a> (MIT). La liste est <code>catalog.md</code>'
        in html
    )
    # markup in a label is text: escaped in the HTML, and in the page's data (JSON in a <script>)
    assert "Aucune entrée &lt;b&gt;ne&lt;/b&gt; correspond &lt;/script&gt; « essayez" in html
    assert "<b>ne</b>" not in html and html.count("</script>") == html.count("<script")


def test_the_chart_speaks_the_labels_of_the_taxonomy_escaped_for_xml(
    french_site: Path, tmp_path: Path
) -> None:
    """The chart's title, legend, tooltips and text alternative were English on a French page."""
    svg = (french_site / "chart.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text or "" for t in root.iter(f"{ns}text")]
    assert root.findtext(f"{ns}title") == "Articles par mois, par section" and texts[0] == root.findtext(
        f"{ns}title"
    )
    desc = root.findtext(f"{ns}desc") or ""
    assert re.fullmatch(
        r"Articles par mois, par section : \d+ articles de \d{4}-\d\d à \d{4}-\d\d dans \d+ sections ; surtout .+\.",
        desc,
    ), desc
    page = (french_site / "index.html").read_text(encoding="utf-8")
    alt = re.search(r'<img src="chart.svg" loading="lazy" alt="([^"]*)"', page)
    assert alt is not None and unescape(alt[1]) == desc
    bars = [t.text or "" for rect in root.iter(f"{ns}rect") for t in rect.iter(f"{ns}title")]
    assert bars and all(re.fullmatch(r".+, \d{4}-\d\d : \d+", bar) for bar in bars), bars[:3]
    english = [w for w in english_words() if w in svg or w in desc]
    assert not english, english
    # a label is text in the SVG too: markup and quotes in it are escaped, the file stays XML
    hostile = load_taxonomy(french_config(tmp_path, edit=("{section} ({n})", r"{section} <b>\"&</b> ({n})")))
    counts = chart.per_month([])
    counts[(hostile.sections[0].id, (2024, 1))] = 2
    legend = ET.fromstring(chart.render_svg(counts, hostile)).findall(f"{ns}text")[-1].text
    assert legend == f'{hostile.sections[0].title} <b>"&</b> (2)'
    empty = ET.fromstring(chart.render_svg(chart.per_month([]), hostile)).findtext(f"{ns}text")
    assert (
        empty
        == chart.describe(chart.per_month([]), hostile).unescape()
        == "Aucun article daté pour l'instant."
    )


def test_a_label_with_an_unknown_key_or_without_its_placeholder_is_a_config_error(tmp_path: Path) -> None:
    """A typo'd key is refused (not ignored, leaving the English word), and so is a label that
    lost the {n} the page fills in (the count would show no number)."""
    with pytest.raises(
        ConfigError, match=r"labels: Additional properties are not allowed \('serach' was"
    ) as typo:
        load_taxonomy(french_config(tmp_path / "typo", "  serach: Chercher\n"))
    # the typo's own line (not the line of `labels:`), and the key it was meant to be
    typo_file = (tmp_path / "typo" / "config" / "taxonomy.yml").read_text(encoding="utf-8").splitlines()
    assert f"line {typo_file.index('  serach: Chercher') + 1}: key labels:" in str(typo.value)
    assert "(closest: search" in str(typo.value)
    with pytest.raises(ConfigError, match=r"key labels.show_all: .*, with \{n\} in it") as lost:
        load_taxonomy(french_config(tmp_path / "lost", edit=("les {n} résultats", "tout")))
    # said in the label's words, not as the schema's pattern
    assert "key labels.show_all: 'Afficher tout' has no {n}. Expected:" in str(lost.value)
    page = " ".join((Path(__file__).parents[2] / "docs" / "site.md").read_text(encoding="utf-8").split())
    assert "for a lost `{n}`, \"'Afficher tout' has no {n}\")" in page  # as it quotes
    assert dict(fixture.load_taxonomy().labels)["show_all"] == "Show all {n} matches"  # the default


def test_a_control_character_in_a_label_or_a_title_is_a_config_error(tmp_path: Path) -> None:
    """A label or a section title holding a control character (a YAML escape, "\\x01") was taken
    as it is: the chart's SVG then was no XML, and a browser showed no chart. It names the key."""
    with pytest.raises(
        ConfigError, match=r"key labels\.chart holds the control character U\+0001 \(at character 9"
    ):
        load_taxonomy(
            french_config(tmp_path / "label", edit=("chart: Articles par", 'chart: "Articles\\x01" #'))
        )
    with pytest.raises(
        ConfigError, match=r"key sections\.0\.title \(in the item with id 'alpha'\) holds .* U\+001B"
    ):
        title = french_config(tmp_path / "title") / "taxonomy.yml"
        title.write_text(
            title.read_text(encoding="utf-8").replace("title: Alpha Methods", 'title: "Alpha \\e[31mMethods"')
        )
        load_taxonomy(title.parent)
    counts = chart.per_month([])
    hostile = load_taxonomy(
        french_config(
            tmp_path / "fine", edit=("{section} ({n})", "{section} \\u2028 ]]> \\x85 \\u00e9 ({n})")
        )
    )
    counts[(hostile.sections[0].id, (2024, 1))] = 2
    ET.fromstring(chart.render_svg(counts, hostile))  # what YAML lets a label hold, XML holds


def test_the_scripts_write_the_labels_of_the_taxonomy(browser: Browser, french_url: str) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_page(page, french_url + "?sort=newest")
    assert page.text_content("#count") == f"{N} entrées"
    assert page.text_content("#more button") == f"Afficher les {N} résultats"
    page.wait_for_selector("#sorted details.abs")  # the abstracts are in
    first = page.locator("#sorted li[data-i]:has(details.abs)").first
    title = first.locator(".title").text_content()
    toggle = first.locator("details.abs summary")
    assert toggle.text_content() == "Résumé" and toggle.get_attribute("aria-label") == f"Résumé : {title}"
    toggle.press("Enter")  # as pages.open_abstract, by its French name
    page.wait_for_function("document.querySelector('#sorted details.abs[open] .abstract').textContent !== ''")
    page.get_by_label("Chercher dans les titres").fill((title or "").split()[0])
    settle(page)
    shown = int(page.get_attribute("#count", "data-count") or "0")
    assert 0 < shown < N
    assert page.text_content("#count") == f"{shown} entrées sur {N} correspondent"
    page.get_by_label("Chercher dans les titres").fill("zzyzx {count} $&")
    settle(page, 0)
    assert page.text_content("#count") == f"0 entrées sur {N} correspondent"
    assert page.is_visible("#empty")
    assert (
        page.text_content("#empty")
        == "Aucune entrée <b>ne</b> correspond </script> « essayez moins de mots »."
    )
    body = page.inner_text("body")
    assert all(word not in body for word in english_words()), [w for w in english_words() if w in body]
    page.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_the_docs_table_of_labels_is_the_schemas() -> None:
    """docs/site.md lists every label with its English default, as the schema gives them."""
    page = (Path(__file__).parents[2] / "docs" / "site.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \| .* \|$", page, re.MULTILINE)
    assert {key: text.replace("\\|", "|") for key, text in rows} == labels.defaults()
