from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core import catalog, catalog_document, catalog_io, catalog_parse
from bot.core.entry import Entry, render_entry
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError, DuplicateEntryError, UnknownSectionError
from tests.gitrepo import paper_entry as paper

LISTS = sorted((Path(__file__).parents[1] / "fixtures" / "lists").iterdir())


@pytest.fixture
def small(taxonomy: Taxonomy) -> catalog.Catalog:
    placed: dict[catalog_document.Placement, list[Entry]] = {
        ("kv-cache", None): [
            paper("2404.14469", "SnapKV: LLM Knows What You are Looking for"),
            paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference"),
            paper("2402.02750", "KIVI: A Tuning-Free Asymmetric 2bit Quantization"),
        ],
        ("quantization", "weight-only"): [paper("2210.17323", "GPTQ: Accurate Post-Training Quantization")],
    }
    return catalog_parse.parse(catalog_document.render_document(taxonomy, placed), taxonomy)


@pytest.mark.parametrize("path", LISTS, ids=[p.name for p in LISTS])
def test_every_real_list_round_trips_byte_for_byte(path: Path, taxonomy: Taxonomy) -> None:
    text = path.read_text(encoding="utf-8")
    assert catalog_parse.parse(text).render() == text
    assert catalog_parse.parse(text, taxonomy).render() == text


@pytest.mark.parametrize("path", LISTS, ids=[p.name for p in LISTS])
def test_real_lists_yield_arxiv_ids(path: Path) -> None:
    parsed = catalog_parse.parse(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt" or path.name == "README.md":
        return  # rendered text has no links
    assert parsed.arxiv_id_set(), f"no arXiv id found in {path.name}"


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert catalog_parse.parse(text).render() == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "# T",
                "## Quantization",
                "### Weight-only Quantization",
                "- [x](y)",
                "- item",
                "  continued",
                "",
                "| a | b |",
                "|---|---|",
                "```",
                "\t- nested",
                "1. one",
                "\r",
                "• dot",
            ]
        ),
        max_size=30,
    )
)
def test_markdown_like_text_round_trips(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert catalog_parse.parse(text).render() == text


@pytest.mark.parametrize(
    "form",
    [
        "- [Title of the paper here](https://arxiv.org/abs/2405.00732)",
        "- [Title of the paper here](http://arxiv.org/abs/2405.00732v2)",
        "- [Title of the paper here](https://arxiv.org/pdf/2405.00732v1.pdf)",
        "- [Title of the paper here](https://arxiv.org/html/2405.00732v3)",
        "- Title of the paper here, arXiv:2405.00732",
        "- **Title of the paper here**, `arXiv, 2405.00732`, [arxiv](http://x.org)",
        "| [Title of the paper here](https://www.arxiv.org/abs/2405.00732) | x |",
    ],
)
def test_finds_entries_by_arxiv_id_in_every_form(form: str) -> None:
    parsed = catalog_parse.parse(f"## Section\n\n{form}\n")
    item = parsed.find_by_id("2405.00732v4")
    assert item is not None and item.line_number == 3


def test_finds_old_style_ids() -> None:
    parsed = catalog_parse.parse("- Old paper https://arxiv.org/abs/cs/0112017v1\n")
    assert parsed.find_by_id("cs/0112017") is not None


def test_finds_by_normalised_and_fuzzy_title(small: catalog.Catalog) -> None:
    assert small.find_by_title("snapkv: llm knows what you are looking FOR") is not None
    assert small.find_by_title("SnapKV - LLM knows what you are\n looking for") is not None
    assert small.find_by_title("SnapKV: LLM Knows What You Are Looking For.") is not None
    assert small.find_by_title("SnapKV: LLM Knows What You Were Looking for") is not None  # fuzzy
    assert small.find_by_title("A completely different paper on pruning") is None


class CountingItems(list):  # type: ignore[type-arg]
    """A catalog's item list that counts the passes over it."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.passes += 1
        return super().__iter__()


def test_title_at_reads_the_items_once_for_every_line_asked(small: catalog.Catalog) -> None:
    """The nightly job asks the title of every link fix and problem: a pass over the items for
    each made a 10,000-entry catalog's 5,000 fixes cost 13 s (bench/nightly_scale.py)."""
    expected = {
        line: next((i.title for i in small.items if i.start < line <= i.end), "")
        for line in range(len(small.lines) + 2)
    }
    small.items = CountingItems(small.items)
    assert {line: catalog.title_at(small, line) for line in expected} == expected
    assert small.items.passes == 1
    assert catalog.title_at(small, small.items[1].line_number) == small.items[1].title != ""


def test_insert_changes_only_the_inserted_line_newest_first(small: catalog.Catalog) -> None:
    new = paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts")
    after = small.insert(new, "kv-cache")
    diff = [
        line
        for line in difflib.unified_diff(
            small.render().splitlines(), after.render().splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ["+" + render_entry(new)]
    ids = [i.arxiv_ids[0] for i in after.items_in("kv-cache")]
    assert ids == ["2404.14469", "2403.00001", "2402.02750", "2306.14048"]
    assert catalog_document.contents_problems(after) == []


def test_insert_is_deterministic_at_both_ends(small: catalog.Catalog) -> None:
    newest = small.insert(paper("2501.00001", "The newest paper of them all"), "kv-cache")
    oldest = small.insert(paper("2001.00001", "The oldest paper of them all"), "kv-cache")
    assert newest.items_in("kv-cache")[0].arxiv_ids == ("2501.00001",)
    assert oldest.items_in("kv-cache")[-1].arxiv_ids == ("2001.00001",)


def test_insert_into_subsection_and_empty_section(small: catalog.Catalog) -> None:
    after = small.insert(
        paper("2306.00978", "AWQ: Activation-aware Weight Quantization"), "quantization", "weight-only"
    )
    assert [i.arxiv_ids[0] for i in after.items_in("quantization", "weight-only")] == [
        "2306.00978",
        "2210.17323",
    ]
    empty = small.insert(
        paper("2305.14314", "QLoRA: Efficient Finetuning of Quantized LLMs"), "fine-tuning", "peft"
    )
    assert [i.arxiv_ids[0] for i in empty.items_in("fine-tuning", "peft")] == ["2305.14314"]
    assert catalog_parse.parse(empty.render(), small.taxonomy).find_by_id("2305.14314") is not None


def test_insert_refuses_duplicates_by_id_and_title(small: catalog.Catalog) -> None:
    with pytest.raises(DuplicateEntryError, match="already in the catalog at line"):
        small.insert(paper("2404.14469", "Another title"), "surveys")
    with pytest.raises(DuplicateEntryError):
        small.insert(paper("2499.99999", "H2O: Heavy Hitter Oracle for Efficient Inference"), "surveys")


def test_insert_into_unknown_section_fails_clearly(small: catalog.Catalog) -> None:
    with pytest.raises(UnknownSectionError):
        small.insert(paper("2405.00001", "Some new paper about something"), "no-such-section")


def test_remove_and_move(small: catalog.Catalog) -> None:
    removed = small.remove("2306.14048")
    assert removed.find_by_id("2306.14048") is None
    assert len(removed.lines) == len(small.lines) - 1
    moved = small.move("2402.02750", "quantization", "low-bit")
    assert moved.find_by_id("2402.02750").subsection == "low-bit"  # type: ignore[union-attr]


def test_an_id_mentioned_in_another_entry_finds_its_own_entry(taxonomy: Taxonomy) -> None:
    follow_up = render_entry(paper("2405.00002", "A Follow-up That Cites the Original"))
    original = render_entry(paper("2401.00001", "The Original Paper Being Cited"))
    text = (
        f"# T\n\n## Quantization\n\n{follow_up}\n  - extends arXiv 2401.00001\n"
        f"{original}\n\n## Pruning and Sparsity\n\nd\n"
    )
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.find_by_id("2401.00001").title == "The Original Paper Being Cited"  # type: ignore[union-attr]
    assert parsed.remove("2401.00001").render() == text.replace(original + "\n", "")
    moved = parsed.move("2401.00001", "pruning")
    assert moved.find_by_id("2405.00002").section == "quantization"  # type: ignore[union-attr]
    assert moved.find_by_id("2401.00001").section == "pruning"  # type: ignore[union-attr]


def test_remove_refuses_an_id_that_is_only_mentioned(taxonomy: Taxonomy) -> None:
    follow_up = render_entry(paper("2405.00002", "A Follow-up That Cites the Original"))
    text = f"# T\n\n## Quantization\n\n{follow_up}\n  - extends arXiv 2401.00001\n"
    parsed = catalog_parse.parse(text, taxonomy)
    with pytest.raises(CatalogError, match="line 5"):
        parsed.remove("2401.00001")
    with pytest.raises(CatalogError, match="line 5"):
        parsed.move("2401.00001", "pruning")


def test_crlf_files_keep_their_line_endings(small: catalog.Catalog) -> None:
    crlf = catalog_parse.parse(small.render().replace("\n", "\r\n"), small.taxonomy)
    after = crlf.insert(paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts"), "kv-cache")
    assert "\n" not in after.render().replace("\r\n", "")


def test_a_crlf_catalog_read_and_written_back_changes_only_the_edited_lines(
    tmp_path: Path, small: catalog.Catalog
) -> None:
    """read_catalog read CRLF as LF, so an edit written back converted every line of the file."""
    path = tmp_path / "catalog.md"
    original = small.render().replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    read = catalog_io.read_catalog(path, small.taxonomy)
    assert read.render() == original
    new = read.insert(paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts"), "kv-cache")
    catalog_io.write_catalog(path, new.render(), small.taxonomy, expect_added=["2403.00001"])
    written = path.read_bytes().decode("utf-8")
    assert "\n" not in written.replace("\r\n", "")
    added = [
        line for line in written.splitlines(keepends=True) if line not in original.splitlines(keepends=True)
    ]
    assert added == [
        render_entry(paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts")) + "\r\n"
    ]


def test_a_catalog_saved_with_a_byte_order_mark_keeps_its_title_heading_and_the_mark(
    small: catalog.Catalog,
) -> None:
    """Notepad saves UTF-8 with a BOM: the title under it was no heading (lint: "no title
    heading: the catalog starts with '# ...'", on a file that visibly did)."""
    text = "\ufeff" + small.render().replace("\n", "\r\n")
    parsed = catalog_parse.parse(text, small.taxonomy)
    assert parsed.render() == text
    assert [(h.line, h.level, h.title) for h in parsed.headings[:1]] == [(0, 1, small.headings[0].title)]
    assert [h.title for h in parsed.headings] == [h.title for h in small.headings]
    assert parsed.arxiv_id_set() == small.arxiv_id_set()
    after = parsed.insert(paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts"), "kv-cache")
    assert after.render().startswith("\ufeff# ")


def test_write_catalog_is_safe(tmp_path: Path, small: catalog.Catalog) -> None:
    path = tmp_path / "catalog.md"
    path.write_text(small.render(), encoding="utf-8")
    new = small.insert(
        paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts"), "kv-cache"
    ).render()
    with pytest.raises(CatalogError, match="unexpected"):
        catalog_io.write_catalog(path, new, small.taxonomy)  # the addition was not announced
    assert path.read_text(encoding="utf-8") == small.render()
    lossy = small.remove("2306.14048").render()
    with pytest.raises(CatalogError, match="missing"):
        catalog_io.write_catalog(path, lossy, small.taxonomy)
    catalog_io.write_catalog(path, new, small.taxonomy, expect_added=["2403.00001"])
    assert path.read_text(encoding="utf-8") == new
    assert not [p for p in tmp_path.iterdir() if p.name != "catalog.md"]


def test_write_catalog_refuses_to_hide_papers(tmp_path: Path, small: catalog.Catalog) -> None:
    """A paper commented out is still known (its id is there), so the id check passed an edit that
    hid papers from readers, the site and stats: a write must show what was shown."""
    path = tmp_path / "catalog.md"
    path.write_text(small.render(), encoding="utf-8")
    snapkv = small.find_by_id("2404.14469")
    assert snapkv is not None
    hiding = small.render().replace(snapkv.text, f"<!--\n{snapkv.text}-->\n")
    with pytest.raises(CatalogError, match="would hide 1 paper.*arXiv 2404.14469"):
        catalog_io.write_catalog(path, hiding, small.taxonomy)
    assert path.read_text(encoding="utf-8") == small.render()


def test_stale_contents_is_reported(small: catalog.Catalog) -> None:
    text = small.render().replace("- [Surveys](#surveys)\n", "")
    assert catalog_document.contents_problems(catalog_parse.parse(text, small.taxonomy))


def test_fuzzy_title_match_respects_numbers_and_ids(small: catalog.Catalog) -> None:
    # near-identical titles that differ in a number are different papers
    assert small.find_by_title("SnapKV 2: LLM Knows What You are Looking for") is None
    # a near-identical title under another arXiv id is another paper; the same id matches
    near = "SnapKV: LLM Knows What You Were Looking for"
    assert small.find(arxiv_id="2501.00001", title=near) is None
    assert small.find(arxiv_id=None, title=near) is not None


def test_write_catalog_refuses_to_drop_entries_without_an_id(tmp_path: Path, small: catalog.Catalog) -> None:
    tool = Entry(
        title="vLLM",
        url="https://github.com/vllm-project/vllm",
        kind="resource",
        description="A fast inference engine.",
    )
    with_tool = small.insert(tool, "tools")
    path = tmp_path / "catalog.md"
    path.write_text(with_tool.render(), encoding="utf-8")
    without = with_tool.render().replace(render_entry(tool) + "\n", "")
    with pytest.raises(CatalogError, match="without an arXiv id .*'vllm'"):
        catalog_io.write_catalog(path, without, small.taxonomy)
    assert path.read_text(encoding="utf-8") == with_tool.render()
    catalog_io.write_catalog(path, without, small.taxonomy, allow_dropping_unidentified=True)
    assert path.read_text(encoding="utf-8") == without


def test_a_subsection_title_repeated_across_sections_is_found_under_its_own_section() -> None:
    """Lists often have an "Other" subsection in several sections, and an "Other" section too
    (the plaza list does): a ### heading is looked up among its own section's subsections."""
    from bot.core.taxonomy import Section
    from bot.jobs.lint.headings import heading_problems

    taxonomy = Taxonomy(
        "T",
        "",
        "Contents",
        (Section("a", "A", "d"), Section("b", "B", "d"), Section("other", "Other", "d")),
        (Section("a-other", "Other", "d", parent="a"), Section("b-other", "Other", "d", parent="b")),
    )
    text = (
        "# T\n\n## A\n\n### Other\n\n- [P1](https://arxiv.org/abs/2401.00001)\n\n"
        "## B\n\n### Other\n\n- [P2](https://arxiv.org/abs/2401.00002)\n\n"
        "## Other\n\n- [P3](https://arxiv.org/abs/2401.00003)\n"
    )
    parsed = catalog_parse.parse(text, taxonomy)
    placed = {item.arxiv_ids[0]: (item.section, item.subsection) for item in parsed.entries()}
    assert placed == {
        "2401.00001": ("a", "a-other"),
        "2401.00002": ("b", "b-other"),
        "2401.00003": ("other", None),
    }
    assert heading_problems(parsed, taxonomy) == []


def test_an_entry_commented_out_is_hidden_but_still_known(taxonomy: Taxonomy) -> None:
    """A maintainer who wraps entry lines in ``<!-- ... -->`` hides them from readers: they are not
    listed (``listed()``: site, stats, enrich, stars), but lookups still find them, so that poll
    does not propose the paper again and ``insert`` refuses it as a duplicate."""
    kept = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for")
    hidden = paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference")
    inline = paper("2402.02750", "KIVI: A Tuning-Free Asymmetric 2bit Quantization")
    text = catalog_document.render_document(taxonomy, {("kv-cache", None): [kept, hidden, inline]})
    hidden_line, inline_line = render_entry(hidden), render_entry(inline)
    text = text.replace(hidden_line, f"<!-- hidden until v2 is out\n{hidden_line}\n-->")
    text = text.replace(inline_line, f"{inline_line} <!-- a note, not a comment around it -->")
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.render() == text
    assert sorted(map(catalog.own_id, parsed.entries())) == ["2306.14048", "2402.02750", "2404.14469"]
    assert sorted(map(catalog.own_id, parsed.listed())) == ["2402.02750", "2404.14469"]
    found = parsed.find_paper("2306.14048", None)
    assert found is not None and found.hidden and "2306.14048" in parsed.arxiv_id_set()
    with pytest.raises(DuplicateEntryError):
        parsed.insert(hidden, "kv-cache")
    # a `<!--` in a code span opens no comment; a fenced block is no comment either
    shown = text.replace("<!-- hidden until v2 is out\n", "`<!--` is shown\n", 1).replace("\n-->", "", 1)
    assert all(not i.hidden for i in catalog_parse.parse(shown, taxonomy).items)


def test_an_entry_commented_out_on_its_own_line_is_hidden_but_still_known(taxonomy: Taxonomy) -> None:
    """An editor's "toggle line comment" writes ``<!-- - [Title](...) ... -->`` on one line: it
    was no entry at all, so poll proposed the paper again and lint called it a stray link."""
    kept = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for")
    hidden = paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference")
    text = catalog_document.render_document(taxonomy, {("kv-cache", None): [kept, hidden]})
    text = text.replace(render_entry(hidden), f"<!-- {render_entry(hidden)} -->")
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.render() == text
    assert sorted(map(catalog.own_id, parsed.entries())) == ["2306.14048", "2404.14469"]
    assert list(map(catalog.own_id, parsed.listed())) == ["2404.14469"]
    found = parsed.find_paper("2306.14048", None)
    assert found is not None and found.hidden and found.entry == hidden
    assert (found.section, "2306.14048" in parsed.arxiv_id_set()) == ("kv-cache", True)
    with pytest.raises(DuplicateEntryError):
        parsed.insert(hidden, "kv-cache")
    # a comment that is no bullet, or text after the comment, is no commented-out entry
    for line in (f"<!-- note: {render_entry(hidden)} -->", f"<!-- {render_entry(hidden)} --> listed"):
        other = catalog_parse.parse(text.replace(f"<!-- {render_entry(hidden)} -->", line), taxonomy)
        assert other.find_paper("2306.14048", None) is None


def test_code_fences_are_read_as_commonmark_reads_them(taxonomy: Taxonomy) -> None:
    """A ```` block showing a ``` example (or a fence with an info string) is closed only by a
    fence as long as its own, with nothing after it: the ``` inside closed it, so the example's
    entry line was read as an entry (lint and the link checker read it as code)."""
    shown = paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference")
    example = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for")
    text = catalog_document.render_document(taxonomy, {("kv-cache", None): [shown]})
    block = f"````markdown\n```\n{render_entry(example)}\n## Not a heading\n```\n````\n\n"
    block += f"~~~\n~~~ not a closing fence\n{render_entry(example)}\n~~~\n\n"
    text = text.replace("## Speculative", block + "## Speculative", 1)
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.find_by_id("2404.14469") is None
    assert "Not a heading" not in [h.title for h in parsed.headings]
    inserted = parsed.insert(paper("2201.00001", "An older paper on caches"), "kv-cache")
    assert inserted.find_by_id("2201.00001").start == parsed.find_by_id("2306.14048").end  # type: ignore[union-attr]


def test_an_insert_never_lands_in_a_comment_left_open_by_the_line_above(taxonomy: Taxonomy) -> None:
    """The catalog is only written when the new line reads back as a listed entry of its section:
    a comment opened at the end of the last entry's line would hide it."""
    last = paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference")
    text = catalog_document.render_document(taxonomy, {("kv-cache", None): [last]})
    text = text.replace(render_entry(last), f"{render_entry(last)} <!-- review:\nstill open")
    text = text.replace("## Speculative", "-->\n\n## Speculative", 1)
    with pytest.raises(CatalogError, match="would not read back as a listed entry of kv-cache"):
        catalog_parse.parse(text, taxonomy).insert(
            paper("2201.00001", "An older paper on caches"), "kv-cache"
        )


def test_a_link_holding_a_comment_opener_hides_nothing(taxonomy: Taxonomy) -> None:
    """A paper without an arXiv id links its venue page, from an imported list: "<!--" in that
    URL is part of the link for GitHub, but the model read a comment there, hiding every entry
    after it (from the site, stats and enrich) while no check saw a paper go."""
    text = catalog_document.render_document(
        taxonomy,
        {
            ("surveys", None): [paper("2405.00001", "A survey")],
            ("kv-cache", None): [paper("2306.14048", "H2O")],
        },
    )
    venue_paper = Entry(title="A venue-only paper", url="https://venue.example/p<!--x", year=2023)
    inserted = catalog_parse.parse(text, taxonomy).insert(venue_paper, "surveys")
    assert [i.title for i in inserted.listed()] == ["A survey", "A venue-only paper", "H2O"]


def test_a_heading_inside_an_html_comment_is_no_heading(taxonomy: Taxonomy) -> None:
    """A maintainer's commented-out draft holding `## Quantization` put the shown entries below
    it in Quantization (site, stats), and lint said the real heading appeared twice."""
    survey, older = paper("2405.00001", "A survey"), paper("2301.00001", "An older survey")
    text = catalog_document.render_document(taxonomy, {("surveys", None): [survey, older]})
    text = text.replace(render_entry(older), f"<!-- draft:\n## Quantization\n-->\n{render_entry(older)}")
    parsed = catalog_parse.parse(text, taxonomy)
    assert [(i.title, i.section) for i in parsed.entries()] == [
        ("A survey", "surveys"),
        ("An older survey", "surveys"),
    ]
    assert [h.title for h in parsed.headings].count("Quantization") == 1
    assert catalog_document.contents_problems(parsed) == []


def test_the_table_of_contents_under_its_configured_heading_holds_no_papers(taxonomy: Taxonomy) -> None:
    """Only "Contents" and "Table of Contents" were known: under another `contents_heading`, a
    contents line (`- [Knowledge Distillation](#...)`) was found as the paper or tool of
    that title, so adding one so named said it was already in the catalog, at the contents."""
    renamed = dataclasses.replace(taxonomy, contents_heading="Index")
    text = catalog_document.render_document(renamed, {})
    parsed = catalog_parse.parse(text, renamed)
    assert parsed.find_by_title("Knowledge Distillation", fuzzy=False) is None
    tool = Entry(
        title="Knowledge Distillation",
        url="https://github.com/o/kd",
        kind="resource",
        description="A library",
    )
    assert parsed.insert(tool, "tools").find_by_title(tool.title) is not None


NEW_KV = paper("2403.00001", "A New KV Cache Eviction Policy for Long Contexts")


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("last", ["entry", "heading", "text"])
def test_insert_then_remove_keeps_a_missing_final_newline_missing(
    taxonomy: Taxonomy, ending: str, last: str
) -> None:
    """A catalog without a final newline (the last line an entry, a heading or text) got one from
    an insert at its end, and kept it after the entry was removed: not the same bytes."""
    tail = {
        "entry": render_entry(paper("2404.14469", "SnapKV: LLM Knows What You are Looking for")),
        "heading": "## KV Cache Compression",
        "text": "## KV Cache Compression\n\nKeys and values, compressed.",
    }[last]
    text = f"# T\n\n## KV Cache Compression\n\n{tail}" if last == "entry" else f"# T\n\n{tail}"
    text = text.replace("\n", ending)
    parsed = catalog_parse.parse(text, taxonomy)
    inserted = parsed.insert(NEW_KV, "kv-cache")
    assert inserted.render().endswith(render_entry(NEW_KV))  # still no final newline
    assert "\n" not in inserted.render().replace(ending, "")  # one line ending throughout
    assert inserted.remove("2403.00001").render() == text
    moved = parsed.insert(NEW_KV, "kv-cache").move("2403.00001", "kv-cache")
    assert moved.render() == inserted.render()


def test_an_inserted_line_takes_the_line_ending_of_its_neighbours(taxonomy: Taxonomy) -> None:
    """The new line took the first line's ending: an LF line in a CRLF section (a title edited on
    GitHub, the rest written on Windows) made the file mixed, and a CRLF catalog whose first
    line was LF got LF lines."""
    older = render_entry(paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference"))
    text = f"# T\n\n## KV Cache Compression\r\n\r\n{older}\r\n\r\n## Speculative and Parallel Decoding\r\n"
    inserted = catalog_parse.parse(text, taxonomy).insert(NEW_KV, "kv-cache")
    assert inserted.render() == text.replace(older, f"{render_entry(NEW_KV)}\r\n{older}")
    lf_section = "# T\r\n\r\n## KV Cache Compression\n\n" + older + "\n"
    inserted = catalog_parse.parse(lf_section, taxonomy).insert(NEW_KV, "kv-cache")
    assert inserted.render() == lf_section.replace(older, f"{render_entry(NEW_KV)}\n{older}")


def test_an_entry_added_under_an_empty_heading_of_a_crlf_catalog_is_crlf(taxonomy: Taxonomy) -> None:
    """The first entry under a heading (with its blank line) in a CRLF catalog whose first line
    ends in LF: the line above decides, so the catalog stays CRLF below its first line."""
    text = "# T\n\r\n## KV Cache Compression\r\n\r\nKeys and values.\r\n"
    inserted = catalog_parse.parse(text, taxonomy).insert(NEW_KV, "kv-cache")
    assert inserted.render() == text + f"\r\n{render_entry(NEW_KV)}\r\n"
    assert catalog_parse.parse(text, taxonomy).newline == "\r\n"


def test_underlined_headings_are_read_as_commonmark_reads_them(taxonomy: Taxonomy) -> None:
    """`Title` over `=====` or `-----` (setext) is a heading on GitHub, but the model read only
    `#` headings: the entries under `KV Cache Compression` over `---` were in no section (lint:
    outside the taxonomy; insert: no section 'kv-cache'). A `---` after a blank line or under a
    bullet is a rule, not an underline."""
    older = render_entry(paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference"))
    text = (
        "Awesome Efficient LLMs\n======================\n\nAn intro\nover two lines\n\n---\n\n"
        f"KV Cache Compression\n--------------------\n\n{older}\n---\n\nSpeculative and\nParallel Decoding\n---\n"
    )
    parsed = catalog_parse.parse(text, taxonomy)
    assert [(h.line, h.level, h.title, h.section, h.span) for h in parsed.headings] == [
        (0, 1, "Awesome Efficient LLMs", None, 2),
        (8, 2, "KV Cache Compression", "kv-cache", 2),
        (14, 2, "Speculative and Parallel Decoding", "decoding", 3),
    ]
    assert [(i.line_number, i.section) for i in parsed.entries()] == [(12, "kv-cache")]
    inserted = parsed.insert(NEW_KV, "kv-cache").insert(paper("2401.00001", "A drafting paper"), "decoding")
    assert inserted.render() == text.replace(older, f"{render_entry(NEW_KV)}\n{older}") + (
        "\n" + render_entry(paper("2401.00001", "A drafting paper")) + "\n"
    )
    assert inserted.remove("2401.00001").remove("2403.00001").render() == text


def test_a_fence_inside_an_html_block_hides_nothing_after_it(taxonomy: Taxonomy) -> None:
    """``<div>`` then a lone ```` ``` ```` with no blank line between: CommonMark shows the fence line as
    HTML (the block runs to the next blank line), but the model opened a code block there that
    never closed, and every heading and entry after it was code: in no section, unseen by lint."""
    entry = render_entry(NEW_KV)
    text = f"# T\n\n<div>\n```\n</div>\n\n## KV Cache Compression\n\n{entry}\n"
    parsed = catalog_parse.parse(text, taxonomy)
    assert [(i.section, i.hidden) for i in parsed.entries()] == [("kv-cache", False)]
    assert parsed.render() == text


def test_a_hash_line_in_an_html_block_or_a_list_item_opens_no_section(taxonomy: Taxonomy) -> None:
    """`## Quantization` right under `<details>` (no blank line) is HTML on GitHub, and one
    indented under a bullet is that item's text: the model read both as headings, so the entries
    after them moved to Quantization (site, stats, insert) and lint said the heading appeared twice."""
    survey, older = paper("2405.00001", "A survey"), paper("2301.00001", "An older survey")
    text = catalog_document.render_document(taxonomy, {("surveys", None): [survey, older]})
    text = text.replace(
        render_entry(older),
        f"  ## Quantization\n  notes under the survey\n\n<details>\n## Quantization\n</details>\n\n"
        f"{render_entry(older)}",
    )
    parsed = catalog_parse.parse(text, taxonomy)
    assert [(i.title, i.section, i.end - i.start) for i in parsed.entries()] == [
        ("A survey", "surveys", 3),
        ("An older survey", "surveys", 1),
    ]
    assert [h.title for h in parsed.headings].count("Quantization") == 1
    assert parsed.insert(NEW_KV, "surveys").remove(NEW_KV.arxiv_id or "").render() == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Title", "two words", "=====", "---", "  ---", "", "- item", "  continued", "1. one", "2. two"]
            + ["| a | b |", "|---|---|", "```", "> quote", "    code", "<div>", "<!-- x -->", "***", "# T"]
        ),
        max_size=12,
    )
)
@example(lines=["<div>", "```", "", "Title", "====="])  # a fence inside an HTML block opens no code
def test_underlined_headings_are_those_markdown_it_reads(lines: list[str]) -> None:
    """The reference: markdown-it's CommonMark block parser (the project's dependency), which
    knows which paragraph an underline may end (not a list's lazy line, not a table, not an HTML
    block) and when a `---` is a rule."""
    from markdown_it import MarkdownIt

    text = "\n".join(lines) + "\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    expected = [
        (t.map[0], int(t.tag[1]))
        for t in tokens
        if t.type == "heading_open" and t.markup in ("=", "-") and t.level == 0 and t.map
    ]
    assert [(h.line, h.level) for h in catalog_parse.parse(text).headings if h.span > 1] == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["# T #", "## Q ##", "##", "## #", "#\tT", "#5 bolt", "\\## x", "    # code", " ## x", "## Q#"]
            + ["   ### y ###   ", "####### seven", "# T \\#", "#", "Para", "", "```", "Title", "---", "==="]
            + ["- item", "  ## in the item", "1. one", "   # in one", "<details>", "</details>", "<div>"]
            + ["<table>", "> quote", "| a | b |", "|---|---|", "<pre>", "</pre>", "<p align=center><img></p>"]
        ),
        max_size=10,
    )
)
@example(lines=["- item", "  ## in the item"])  # the item's own heading, not a section
@example(lines=["<details>", "## Quantization", "</details>"])  # HTML to the next blank line
@example(lines=["<pre>", "", "## Quantization", "</pre>"])  # <pre> runs to </pre>, blank lines too
def test_hash_headings_are_those_markdown_it_reads(lines: list[str]) -> None:
    """`##` alone is an empty heading (it ends the section above it on GitHub: the entries below
    were still counted in it), and `## #` one too; closing `#`s count only after a space. A `#`
    line inside an HTML block is HTML, and one indented in a list item is the item's."""
    from markdown_it import MarkdownIt

    text = "\n".join(lines) + "\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    expected = [
        (t.map[0], int(t.tag[1]), " ".join(part.strip() for part in tokens[i + 1].content.split("\n")))
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.level == 0 and t.map
    ]
    assert [(h.line, h.level, h.title) for h in catalog_parse.parse(text).headings] == expected


def test_dropped_prose_names_the_lines_a_rebuild_has_no_place_for(taxonomy: Taxonomy) -> None:
    """`init --catalog README.md --force` and `import --replace` rewrote a README without its prose
    between two sections and without a section's second paragraph, and said nothing. What the
    taxonomy writes anew (the intro, a section's description, its headings, emoji and all) and
    entries are no loss."""
    old = (
        "# Awesome Efficient LLMs\n\nOur own intro, said our way.\n\n## 🧭 Surveys\n\nOur description.\n\n"
        "More about surveys.\n\n- [A](https://arxiv.org/abs/2401.00001)\n\n## Why this list\n\n"
        "Because small is beautiful.\n\n- a bullet of prose\n\n---\n\n## Quantization\n\n"
        "Quantization papers.\n"
    )
    new = (
        "# Awesome Efficient LLMs\n\nThe taxonomy's intro.\n\n## Surveys\n\nThe description.\n\n"
        "- [A](https://arxiv.org/abs/2401.00001) · arXiv 2401.00001\n\n## Quantization\n\nOther words.\n"
    )
    assert catalog_document.dropped_prose(old, new, taxonomy) == [
        (9, "More about surveys."),
        (13, "## Why this list"),
        (15, "Because small is beautiful."),
    ]
    assert catalog_document.dropped_prose(old, old, taxonomy) == []
    # a title the taxonomy renders otherwise (`init --title`) is no prose lost
    assert catalog_document.dropped_prose(old.replace("# Awesome Efficient LLMs", "# Ours"), new, taxonomy)[
        0
    ] == (
        9,
        "More about surveys.",
    )
