"""Heading anchors as GitHub makes them, and the catalog's table of contents linking them: a
fixture taxonomy (tests/fixtures/anchors) with repeated titles, punctuation, emoji and
non-ASCII headings, whose catalog.md holds the anchors GitHub gives, worked out by hand."""

from __future__ import annotations

import io

import pytest

from bot.config import load_taxonomy
from bot.core import catalog_document, catalog_parse
from bot.core import taxonomy as taxonomy_module
from bot.core.anchors import github_anchors, slugify, unique_anchors
from bot.jobs import lint
from bot.site.headings import heading_anchors
from tests.conftest import FIXTURES

ANCHORS = FIXTURES / "anchors"


@pytest.fixture
def tricky() -> taxonomy_module.Taxonomy:
    return load_taxonomy(ANCHORS / "config")


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Weight-only Quantization", "weight-only-quantization"),
        ("Courses, Blogs and Talks", "courses-blogs-and-talks"),
        ("Quantization & Pruning", "quantization--pruning"),  # one hyphen per space
        ("C++ / CUDA Kernels", "c--cuda-kernels"),
        ("Speculative Decoding 🚀", "speculative-decoding-"),  # the emoji goes, its space stays
        ("Überblick: Déjà vu (FAQ)", "überblick-déjà-vu-faq"),
        ("हिन्दी सारांश", "हिन्दी-सारांश"),  # combining vowel signs are kept
        ("Top-k² Routing", "top-k-routing"),  # a superscript digit is no word character
        ("snake_case heading", "snake_case-heading"),
        ("  Padded  ", "padded"),
        # from the text GitHub renders, not the markdown written
        ("[Quantization](https://example.org/q)", "quantization"),
        ("**Pruning**", "pruning"),
        ("__Pruning__ and _Sparsity_", "pruning-and-sparsity"),
        ("`__init__` hooks", "__init__-hooks"),  # a code span is literal
        (r"\_private\_ names", "_private_-names"),  # so is an escape
        ("[KV *Cache*][kv] Eviction", "kv-cachekv-eviction"),  # no [kv]: definition, so no link
        ("![logo](logo.png) Distillation", "-distillation"),  # an image leaves its space
        ("Early Exit <sup>new</sup>", "early-exit-new"),
        ("~~Old~~ Survey", "old-survey"),
        ("a _ b", "a-_-b"),  # no emphasis: the underscore is text
    ],
)
def test_slugify_is_githubs_rule(heading: str, anchor: str) -> None:
    assert slugify(heading) == anchor


def test_repeated_slugs_get_the_first_free_suffix_in_document_order() -> None:
    assert github_anchors(["Other", "Other", "Other 1", "Other", "other"]) == [
        "other",
        "other-1",
        "other-1-1",  # "Other 1" is itself a taken anchor
        "other-2",
        "other-3",
    ]
    assert unique_anchors(["results", "results"], reserved={"results"}.__contains__) == [
        "results-1",
        "results-2",
    ]


def test_contents_link_the_anchors_github_gives(tricky: taxonomy_module.Taxonomy) -> None:
    """The rendered document is the fixture, whose contents link "other", "other-1",
    "other-2" (a title), "other-3", "other-4" (a section after four subsections)..."""
    expected = (ANCHORS / "catalog.md").read_text(encoding="utf-8")
    text = catalog_document.render_document(tricky, {})
    assert text == expected
    parsed = catalog_parse.parse(text, tricky)
    headings = [h.title for h in parsed.headings]
    by_anchor = dict(zip(github_anchors(headings), headings, strict=True))
    contents = catalog_document.render_contents(tricky)
    assert len(contents) == len(tricky.sections) + len(tricky.subsections)
    for line in contents:
        title, anchor = line.strip("- ").removeprefix("[").removesuffix(")").split("](#")
        assert by_anchor[anchor] == title
    assert catalog_document.contents_problems(parsed) == []


def test_lint_accepts_githubs_anchors_and_flags_plain_slugs(tricky: taxonomy_module.Taxonomy) -> None:
    good = ANCHORS / "catalog.md"
    out = io.StringIO()
    assert lint.run(good, tricky, out) == 0, out.getvalue()
    plain = good.read_text(encoding="utf-8")
    for anchor in ("other-1", "other-2", "other-3", "other-4"):
        plain = plain.replace(f"(#{anchor})", "(#other)")
    problems = catalog_document.contents_problems(catalog_parse.parse(plain, tricky))
    assert [line for line, _ in problems] == [11]  # the first wrong line: `- [Other](#other)`
    assert "'  - [Other](#other)' should be '  - [Other](#other-1)'" in problems[0][1]


def test_contents_follow_the_document_when_a_heading_above_takes_an_anchor(
    tricky: taxonomy_module.Taxonomy,
) -> None:
    """A heading in the intro ("## Other") shifts every "Other" below it on GitHub: the check
    counts the document's own headings, not only the taxonomy's."""
    text = (ANCHORS / "catalog.md").read_text(encoding="utf-8")
    shifted = text.replace("A fixture list for heading anchors.\n", "## Other\n\nAn intro heading.\n")
    parsed = catalog_parse.parse(shifted, tricky)
    assert catalog_document.contents_anchors(parsed)["quantization-other"] == "other-1"
    assert catalog_document.contents_problems(parsed) != []


def test_the_site_and_the_contents_share_the_anchors(tricky: taxonomy_module.Taxonomy) -> None:
    site = heading_anchors(tricky)
    parsed = catalog_parse.parse((ANCHORS / "catalog.md").read_text(encoding="utf-8"), tricky)
    assert site == catalog_document.contents_anchors(parsed)


MARKUP_TAXONOMY = """\
title: Markup in headings
intro: A list whose headings carry links and emphasis.
contents_heading: Contents
sections:
  - id: quantization
    title: "[Quantization](https://example.org/q)"
    description: Fewer bits.
    subsections:
      - id: weight-only
        title: "**Weight-only**"
        description: Weights only.
  - id: caching
    title: "[KV *Cache*](https://example.org/kv) and `__init__`"
    description: Caches.
"""


def test_headings_with_links_and_emphasis_anchor_as_github_shows_them(tmp_path) -> None:
    """`## [Quantization](https://x)` is anchored "quantization" on GitHub; the contents and the
    site linked "quantizationhttpsexampleorgq"."""
    (tmp_path / "taxonomy.yml").write_text(MARKUP_TAXONOMY, encoding="utf-8")
    markup = load_taxonomy(tmp_path)
    expected = {
        "quantization": "quantization",
        "weight-only": "weight-only",
        "caching": "kv-cache-and-__init__",
    }
    parsed = catalog_parse.parse(catalog_document.render_document(markup, {}), markup)
    assert catalog_document.contents_anchors(parsed) == expected
    assert heading_anchors(markup) == expected  # the site
    assert catalog_document.render_contents(markup) == [
        "- [Quantization](#quantization)",  # no link inside the contents' link
        "  - [**Weight-only**](#weight-only)",
        "- [KV *Cache* and `__init__`](#kv-cache-and-__init__)",
    ]
    assert catalog_document.contents_problems(parsed) == []
