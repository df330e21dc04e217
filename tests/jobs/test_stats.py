"""stats: papers per section, subsection and year, with and without code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot.core import catalog, catalog_document, catalog_io, catalog_parse
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.jobs import stats
from tests.conftest import PROJECT
from tests.gitrepo import paper_entry


def paper(arxiv_id: str, title: str, code: str = "") -> Entry:
    return paper_entry(arxiv_id, title, authors=(), code_url=code)


@pytest.fixture
def small(taxonomy: Taxonomy) -> catalog.Catalog:
    placed: dict[catalog_document.Placement, list[Entry]] = {
        ("kv-cache", None): [
            paper("2404.14469", "SnapKV: LLM Knows", "https://github.com/FasterDecoding/SnapKV"),
            paper("2306.14048", "H2O: Heavy-Hitter Oracle"),
        ],
        ("quantization", "weight-only"): [
            paper("2210.17323", "GPTQ: Accurate PTQ", "https://github.com/IST-DASLab/gptq")
        ],
        ("quantization", None): [
            Entry(title="Q8BERT: Quantized 8Bit BERT", url="https://example.org/q8bert", year=2019)
        ],
        ("tools", None): [
            Entry(
                title="vLLM",
                url="https://github.com/vllm-project/vllm",
                kind="resource",
                description="A serving engine",
            )
        ],
    }
    return catalog_parse.parse(catalog_document.render_document(taxonomy, placed), taxonomy)


def row(result: stats.Stats, row_id: str) -> stats.Row:
    return next(r for r in result.rows if r.id == row_id)


def test_counts_per_section_subsection_and_year(small: catalog.Catalog, taxonomy: Taxonomy) -> None:
    result = stats.compute(small, taxonomy, "catalog.md")
    assert (result.papers, result.unique_papers, result.with_code, result.without_code) == (4, 4, 2, 2)
    assert result.resources == 1 and result.not_canonical == 0
    assert (row(result, "kv-cache").papers, row(result, "kv-cache").with_code) == (2, 1)
    quantization = row(result, "quantization")
    assert (quantization.papers, quantization.with_code, quantization.without_code) == (2, 1, 1)
    assert row(result, "quantization/weight-only").papers == 1
    assert row(result, "quantization/qat").papers == 0
    assert (row(result, "tools").papers, row(result, "tools").resources) == (0, 1)
    assert dict(result.years) == {"2024": 1, "2023": 1, "2022": 1, "2019": 1}
    assert [r.id for r in result.rows if r.level == 2] == taxonomy.section_ids()


def test_lines_that_are_not_entries_are_counted_apart(small: catalog.Catalog, taxonomy: Taxonomy) -> None:
    text = small.render().replace(
        "## Surveys\n", "## Surveys\n\n- A hand-written note https://arxiv.org/abs/2401.00001\n"
    )
    result = stats.compute(catalog_parse.parse(text, taxonomy), taxonomy, "catalog.md")
    assert result.not_canonical == 1 and result.papers == 4
    assert "(1 line in sections is not a canonical entry and is not counted" in stats.render(result)


def test_entries_commented_out_are_not_counted(small: catalog.Catalog, taxonomy: Taxonomy) -> None:
    line = next(line for line in small.render().splitlines(keepends=True) if "2306.14048" in line)
    text = small.render().replace(line, f"<!-- until the final version\n{line}-->\n")
    result = stats.compute(catalog_parse.parse(text, taxonomy), taxonomy, "catalog.md")
    assert (result.papers, row(result, "kv-cache").papers, result.not_canonical) == (3, 1, 0)


def test_the_same_paper_twice_counts_once_as_unique(small: catalog.Catalog, taxonomy: Taxonomy) -> None:
    text = small.render().replace(
        "## Surveys\n\nSurveys, tutorials and benchmarks that map efficient LLM research as a whole.\n",
        "## Surveys\n\nSurveys, tutorials and benchmarks that map efficient LLM research as a whole.\n\n"
        + "- [GPTQ again](https://arxiv.org/abs/2210.17323) · arXiv 2210.17323 · Oct 2022\n",
    )
    result = stats.compute(catalog_parse.parse(text, taxonomy), taxonomy, "catalog.md")
    assert (result.papers, result.unique_papers) == (5, 4)
    # the headline counts unique papers with and without code: they add up to the unique papers
    # (it mixed 4 unique papers with the 5 entries' code counts: "2 with code, 3 without")
    assert (result.unique_with_code, result.unique_without_code) == (2, 2)
    assert (result.with_code, result.without_code) == (2, 3)  # the table: entries, as before
    lines = stats.render(result).splitlines()
    assert lines[0] == "catalog.md: 4 unique papers (2 with code, 2 without), 1 resource"
    assert lines[1].startswith("(5 paper entries: 1 lists a paper already listed;")
    assert stats.compute(small, taxonomy, "c.md").as_json()["unique_without_code"] == 2


def test_text_table(small: catalog.Catalog, taxonomy: Taxonomy) -> None:
    text = stats.render(stats.compute(small, taxonomy, "catalog.md"))
    lines = text.splitlines()
    assert lines[0] == "catalog.md: 4 unique papers (2 with code, 2 without), 1 resource"
    header = next(line for line in lines if line.startswith("section"))
    assert header.split() == ["section", "papers", "code", "no", "code", "resources"]
    kv = next(line for line in lines if line.startswith("KV Cache Compression"))
    assert kv.split()[-4:] == ["2", "1", "1", "0"]
    assert any(
        line.startswith("  Weight-only Quantization") and line.split()[-4:] == ["1", "1", "0", "0"]
        for line in lines
    )
    total = next(line for line in lines if line.startswith("total"))
    assert total.split() == ["total", "4", "2", "2", "1"]
    assert "2019          1" in text


def test_cli_json_and_table(
    tmp_path: Path, small: catalog.Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.md"
    path.write_text(small.render(), encoding="utf-8")
    assert cli.main(["stats", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["unique_papers"], data["with_code"], data["without_code"]) == (4, 2, 2)
    assert data["years"]["2019"] == 1
    assert next(r for r in data["rows"] if r["id"] == "kv-cache")["without_code"] == 1
    assert cli.main(["stats", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: 4 unique papers")


def test_the_committed_catalog_has_every_section_filled(taxonomy: Taxonomy) -> None:
    result = stats.compute(catalog_io.read_catalog(PROJECT / "catalog.md", taxonomy), taxonomy, "catalog.md")
    assert result.unique_papers > 1000 and result.not_canonical == 0
    assert all(r.papers + r.resources > 0 for r in result.rows if r.level == 2)


def test_the_table_stays_aligned_with_emoji_and_wide_titles(
    small: catalog.Catalog, taxonomy: Taxonomy
) -> None:
    """Titles may carry emoji (``Speculative Decoding 🚀``, docs/catalog.md) or CJK: the columns
    were padded by characters, so every number after a wide title sat one column left."""
    import dataclasses

    wide = {"kv-cache": "KV Cache 🚀", "quantization": "量化 Quantization"}
    renamed = dataclasses.replace(
        taxonomy,
        sections=tuple(dataclasses.replace(s, title=wide.get(s.id, s.title)) for s in taxonomy.sections),
    )
    table = stats.render(stats.compute(small, renamed, "catalog.md"))
    lines = table.splitlines()
    rows = lines[lines.index(next(line for line in lines if line.startswith("section"))) :]
    rows = rows[: rows.index(next(line for line in rows if line.startswith("total"))) + 1]
    ends = {stats.display_width(line) for line in rows}
    assert len(ends) == 1, table  # every row of the table ends at the same column
    assert any("KV Cache 🚀" in line for line in rows) and any("量化" in line for line in rows)
    assert stats.display_width("KV Cache 🚀") == 11 and stats.display_width("e\u0301") == 1


def test_docs_catalog_md_shows_what_stats_prints_on_the_fixture_catalog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/catalog.md's sample (this list's live figures, checked by nothing, so bound to drift)
    is `python -m bot stats` on the fixture catalog, cut where it says `...`: every line it shows
    is a line of the real output, in order."""
    monkeypatch.chdir(PROJECT)
    assert cli.main(["stats"]) == 0
    printed = capsys.readouterr().out.splitlines()
    page = (Path(__file__).parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")
    block = page[page.index("```text\n", page.index("`python -m bot stats [FILE]`")) + 8 :]
    shown = [line for line in block[: block.index("```")].splitlines() if line != "..."]
    assert shown[0] == printed[0] and len(shown) > 10
    rest = iter(printed)
    assert all(line in rest for line in shown), "docs/catalog.md: the stats sample is not the output"


def test_a_paper_listed_with_and_without_its_arxiv_id_is_one_paper(taxonomy: Taxonomy) -> None:
    """A paper listed once with its arXiv id and once by its venue page (the same title) was two
    unique papers, while lint named the second a duplicate: stats counts papers by lint's rule."""
    from bot.jobs import lint

    snapkv = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for")
    venue_page = Entry(
        title=snapkv.title, url="https://openreview.net/x", year=2024, code_url="https://c.org"
    )
    typo = Entry(title="SnapKV: LLM Knows What You Are Looking For!", url="https://x.org/y", year=2024)
    text = catalog_document.render_document(
        taxonomy, {("kv-cache", None): [snapkv], ("surveys", None): [venue_page, typo]}
    )
    parsed = catalog_parse.parse(text, taxonomy)
    result = stats.compute(parsed, taxonomy, "catalog.md")
    assert (result.papers, result.unique_papers, result.unique_with_code) == (3, 1, 1)
    named = [p for p in lint.check(parsed, taxonomy) if p.message.startswith("duplicate of")]
    assert len(named) == result.papers - result.unique_papers


def test_links_under_footer_headings_are_neither_counted_nor_warned_about(
    taxonomy: Taxonomy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/catalog.md: no entries are read under `footer_headings` (a README's Contributing and
    License). `stats` warned "1 entry is under headings outside the taxonomy (e.g. 'License') ...;
    run `python -m bot lint`", and lint, which leaves the footer alone, said ok."""
    import dataclasses

    footers = dataclasses.replace(taxonomy, footer_headings=("Contributing", "License"))
    text = (PROJECT / "catalog.md").read_text(encoding="utf-8") + (
        "\n## Contributing\n\nRead the guide first.\n\n"
        "- [A Paper](https://arxiv.org/abs/2401.00001) · arXiv 2401.00001 · Jan 2024\n"
        "\n## License\n\n- [CC0](https://creativecommons.org/publicdomain/zero/1.0/)\n"
    )
    path = tmp_path / "catalog.md"
    path.write_text(text, encoding="utf-8")
    assert stats.uncounted(catalog_parse.parse(text, footers), footers) == []
    assert stats.run(path, footers, __import__("sys").stdout) == 0
    assert "outside the taxonomy" not in capsys.readouterr().err
    # without footer_headings they are entries outside the taxonomy, as lint says
    assert len(stats.uncounted(catalog_parse.parse(text, taxonomy), taxonomy)) == 2


NOT_A_CATALOG = {
    "blank": ("\n\n", "is empty: no entries; create it with `python -m bot init --from LIST`"),
    "a README": (
        "# My tool\n\nIt does things.\n\n## Install\n\n- pip install it\n- run it\n",
        "has no entries and none of the taxonomy's section headings: is it the catalog? This config's "
        "catalog is catalog.md (`catalog` of config/poll.yml)",
    ),
    "a header and empty sections": (
        "# Awesome\n\n## Quantization\n\n## Surveys\n",
        "has no entries: its sections are empty",
    ),
    "another format": (
        "# Awesome\n\n## Quantization\n\n- GPTQ (2022) https://arxiv.org/abs/2210.17323\n",
        "has no entries in the catalog's one-line format: 1 list line is under its sections in another "
        "format (e.g. line 5); `python -m bot lint",
    ),
}


@pytest.mark.parametrize("job", ["stats", "site"])
@pytest.mark.parametrize("kind", sorted(NOT_A_CATALOG))
def test_a_file_that_is_no_catalog_is_a_warning_not_zero_entries(
    job: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """stats and site of a README (or another list, or a catalog of another config) said 0 entries,
    exit 0, and nothing else: they still succeed (a new list may have no paper yet: exit codes
    unchanged), with a warning saying why nothing was read and what to check."""
    text, why = NOT_A_CATALOG[kind]
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    command = (
        ["stats", str(path)]
        if job == "stats"
        else ["site", "--catalog", str(path), "-o", str(tmp_path / "s")]
    )

    assert cli.main(command) == 0

    what = "nothing to count" if job == "stats" else "the site lists no paper"
    assert f"warning: {what}: {path} {why}" in capsys.readouterr().err


@pytest.mark.parametrize("job", ["stats", "site"])
def test_a_catalog_with_entries_gets_no_such_warning(
    job: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = PROJECT / "catalog.md"
    command = (
        ["stats", str(path)]
        if job == "stats"
        else ["site", "--catalog", str(path), "-o", str(tmp_path / "s")]
    )

    assert cli.main(command) == 0

    assert "no entries" not in capsys.readouterr().err
