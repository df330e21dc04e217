"""The importer: real lists in every format -> catalog entries, merged, mapped and reported.

Every format is checked on the real list files in tests/fixtures/lists (copies of the shared
seeds and lists), with papers whose fields can be read in the source.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot import __main__ as cli
from bot.core import arxiv_ids, catalog_io, catalog_parse, import_mapping, text
from bot.core.import_mapping import ImportMapping
from bot.core.taxonomy import Taxonomy
from bot.errors import CatalogError, ConfigError
from bot.jobs import import_lists as importer
from bot.jobs import lint
from bot.jobs.import_lists import Source
from bot.sources.lists import Fields, Unreadable, extract, read_items
from bot.sources.lists.fields import parse_venue
from bot.sources.lists.items import atx_headings
from tests.conftest import PROJECT
from tests.golden_files import assert_shown_in_docs

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
ADOPT = Path(__file__).parents[1] / "fixtures" / "adopt"
ALL_LISTS = sorted(LISTS.iterdir())


def fields_of(name: str) -> list[tuple[int, Fields | Unreadable]]:
    """(line, fields or why not) for every entry of one fixture list."""
    items, _ = read_items(name, (LISTS / name).read_text(encoding="utf-8"))
    found: list[tuple[int, Fields | Unreadable]] = []
    for item in items:
        result = extract(item)
        found += (
            [(item.line, result)]
            if isinstance(result, Unreadable)
            else [(item.line, fields) for fields in result]
        )
    return found


def paper(name: str, arxiv_id: str) -> Fields:
    matches = [f for _, f in fields_of(name) if isinstance(f, Fields) and f.arxiv_id == arxiv_id]
    assert matches, f"{arxiv_id} not extracted from {name}"
    return matches[0]


def titled(name: str, title: str) -> Fields:
    matches = [f for _, f in fields_of(name) if isinstance(f, Fields) and f.title == title]
    assert matches, f"{title!r} not extracted from {name}"
    return matches[0]


@pytest.fixture(scope="module")
def mapping(taxonomy: Taxonomy) -> ImportMapping:
    return importer.load_mapping(taxonomy, PROJECT / "config")


@pytest.fixture(scope="module")
def result(mapping: ImportMapping) -> importer.ImportResult:
    return importer.run(importer.read_sources(ALL_LISTS), mapping)


def report_of(result: importer.ImportResult, name: str) -> importer.FileReport:
    return next(r for r in result.reports if r.name == name)


def placement_of(result: importer.ImportResult, arxiv_id: str) -> tuple[str, str | None]:
    for placement, entries in result.placed.items():
        if any(e.arxiv_id == arxiv_id for e in entries):
            return placement
    raise AssertionError(f"{arxiv_id} is not in the catalog")


def entry_of(result: importer.ImportResult, arxiv_id: str) -> importer.Entry:
    return next(e for entries in result.placed.values() for e in entries if e.arxiv_id == arxiv_id)


# -- each format, on the real lists ------------------------------------------------------------


def test_generated_bullets_join_wrapped_titles_and_read_authors_code_and_venue() -> None:
    pissa = paper("awesome-efficient-llm-plaza.md", "2404.02948")
    assert pissa.title == (
        "PiSSA: Principal Singular Values and Singular Vectors Adaptation of Large Language Models"
    )
    assert pissa.authors == ("Fanxu Meng", "Zhaohui Wang", "Muhan Zhang")
    assert pissa.code_url == "https://github.com/GraphPKU/PiSSA"
    flash = paper("awesome-efficient-llm-plaza.md", "2205.14135")
    assert flash.venue == "NeurIPS 2022"  # `NeurIPS, 2022` instead of `arXiv, ID`
    assert flash.authors[-1] == "Christopher Ré"  # the seed's mojibake (R√©) is undone


def test_generated_resource_bullets_become_tools_with_their_description() -> None:
    bitmat = titled("awesome-efficient-llm-plaza.md", "BitMat")
    assert bitmat.resource and bitmat.url == "https://github.com/astramind-ai/BitMat"
    assert bitmat.description.startswith("An efficent implementation of the method proposed")


def test_markdown_table_rows_read_badges_title_link_and_authors() -> None:
    gkd = paper("awesome-efficient-llm-tables.md", "2306.06629")
    assert gkd.title.startswith("GKD: A General Knowledge Distillation Framework")
    assert gkd.venue == "ACL 2023 Industry Track"  # Conference-ACL'23%20Industry%20Track badge
    assert gkd.code_url == "https://github.com/aitsc/GLMKD"
    assert gkd.authors[:2] == ("Shicheng Tan", "Weng Lam Tam")
    # the title links a typo'd id (2305.0978); the paper link has the real one
    assert paper("awesome-efficient-llm-tables.md", "2305.09781").title.startswith("SpecInfer")


def test_html_ish_table_rows_with_br_and_a_trailing_comment() -> None:
    gptq = paper("horseee__Awesome-Efficient-LLM__quantization.md", "2210.17323")
    assert gptq.title == "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    assert (gptq.venue, gptq.year) == ("ICLR 2022", 2022)
    assert gptq.authors == ("Elias Frantar", "Saleh Ashkboos", "Torsten Hoefler", "Dan Alistarh")
    assert gptq.code_url == "https://github.com/IST-DASLab/gptq"


def test_an_arxiv_figure_in_a_row_is_not_a_second_paper() -> None:
    """The row's image is a figure of arXiv's HTML page of another paper (2407.11722): it made the
    row unreadable as "several arXiv ids (2407.12327, 2407.11722) and no title for each"."""
    spectra = paper("horseee__Awesome-Efficient-LLM__quantization.md", "2407.12327")
    assert spectra.title == "Spectra: A Comprehensive Study of Ternary, Quantized, and FP16 Language Models"
    assert spectra.code_url == "https://github.com/NolanoOrg/SpectraSuite"


def test_badge_bullets_read_title_authors_venue_and_repository() -> None:
    balancing = paper("horseee__Awesome-Efficient-LLM__tuning.md", "2410.12178")
    assert balancing.title == "Model Balancing Helps Low-data Training and Fine-tuning"
    assert balancing.venue == "EMNLP 2024"
    assert balancing.authors[0] == "Zihang Liu" and len(balancing.authors) == 6
    assert balancing.code_url == "https://github.com/ZihangHLiu/ModelBalancing"
    ieee = titled(
        "horseee__Awesome-Efficient-LLM__efficient_plm__readme.md",
        "Dynamic Sparse Attention for Scalable Transformer Acceleration",
    )
    assert (ieee.arxiv_id, ieee.venue, ieee.year) == (None, "IEEE TC 2022", 2022)  # IEEE-TC'22 badge


def test_survey_taxonomy_bullets_read_venue_year_and_code() -> None:
    omniquant = paper("efficient-llms-survey-README.md", "2308.13137")
    assert omniquant.title.startswith("OmniQuant: Omnidirectionally")  # "OmniQuant: OmniQuant:" undoubled
    assert (omniquant.venue, omniquant.year) == ("ICLR 2024", 2024)
    assert omniquant.code_url == "https://github.com/OpenGVLab/OmniQuant"
    gptq = titled(
        "efficient-llms-survey-README.md",
        "GPTQ: Accurate Quantization for Generative Pre-trained Transformers",
    )
    assert gptq.arxiv_id is None and gptq.url == "https://openreview.net/forum?id=tcbBPnfwxS"
    assert gptq.year == 2023


def test_survey_framework_table_rows_become_tools() -> None:
    deepspeed = titled("efficient-llms-survey-README.md", "DeepSpeed")
    assert deepspeed.resource and deepspeed.url == "https://github.com/microsoft/DeepSpeed"
    assert (
        deepspeed.description
        == "Framework for efficient training, efficient inference, efficient fine-tuning"
    )


def test_rendered_text_gives_titles_only() -> None:
    items, _ = read_items("x.txt", (LISTS / "efficient-llms-survey-rendered.txt").read_text(encoding="utf-8"))
    assert items and not any(item.linked for item in items)
    found = titled(
        "efficient-llms-survey-rendered.txt",
        "I-LLM: Efficient Integer-Only Inference for Fully-Quantized Low-Bit Large Language Models",
    )
    assert found.arxiv_id is None and found.url == ""


def test_quoted_and_venue_tag_bullets() -> None:
    kvquant = titled(
        "Zhen-Dong__Awesome-Quantization-Papers__README.md",
        "KVQuant: Towards 10 Million Context Length LLM Inference with KV Cache Quantization",
    )
    assert (kvquant.venue, kvquant.url) == ("NeurIPS 2024", "https://nips.cc/virtual/2024/poster/96936")
    longformer = paper("UbiquitousLearning__Efficient_Foundation_Model_Survey__README.md", "2004.05150")
    assert longformer.title == "Longformer: The long-document transformer"  # final period dropped
    assert longformer.year == 2020 and longformer.code_url == "https://github.com/allenai/longformer"
    assert (
        paper("UbiquitousLearning__Efficient_Foundation_Model_Survey__README.md", "2303.08774").title
        == "GPT-4 Technical Report"
    )  # an ar5iv.org link


def test_line_break_bullets_and_several_papers_in_one_table_cell() -> None:
    name = "NexaAI__Awesome-LLMs-on-device__README.md"
    tinyllama = paper(name, "2401.02385")
    assert tinyllama.title == "Tinyllama: An open-source small language model"
    assert tinyllama.year == 2024 and tinyllama.code_url == "https://github.com/jzhang38/TinyLlama"
    assert paper(name, "2404.19296").title == "Octopus v4: Graph of language models"  # Model Reference cell
    mnn = titled(name, "MNN")
    assert mnn.resource and mnn.description == "A lightweight deep neural network inference engine"
    reasons = [f.reason for line, f in fields_of(name) if isinstance(f, Unreadable) and line == 73]
    assert reasons == [
        "several arXiv ids (2404.01549, 2404.01744, 2404.11459, 2404.19296) and no title for each"
    ]


def test_date_title_paper_code_tables() -> None:
    name = "Zefan-Cai__Awesome-LLM-KV-Cache__README.md"
    h2o = paper(name, "2306.14048")
    assert h2o.title.startswith("H2O: Heavy-Hitter Oracle")  # "🔥🔥[**H2O**] " dropped
    assert h2o.code_url == "https://github.com/FMInference/H2O" and h2o.year == 2023


def test_nested_bullets_read_link_author_code_and_pub() -> None:
    name = "pprp__Awesome-LLM-Prune__README.md"
    sparsegpt = paper(name, "2301.00774")
    assert sparsegpt.title == "SparseGPT: Massive Language Models Can be Accurately Pruned in One-shot"
    assert sparsegpt.authors == ("Elias Frantar", "Dan Alistarh")
    assert (sparsegpt.venue, sparsegpt.code_url) == ("ICML 2023", "https://github.com/IST-DASLab/sparsegpt")
    wanda = paper(name, "2306.11695")
    assert wanda.et_al and wanda.authors == ("Mingjie Sun", "Zhuang Liu", "Anna Bair")  # "etc."
    # sub-bullets written flush left under their title still belong to it
    factor = paper("pprp__Awesome-Efficient-MoE__README.md", "2408.11855")
    assert factor.title.startswith("FactorLLM") and factor.code_url.endswith("zhenwuweihe/FactorLLM")


def test_an_authors_footnote_marks_are_no_part_of_the_name() -> None:
    """ "Barret Zoph*, Irwan Bello*†" (equal contribution) went into the catalog as
    "Barret Zoph\\*, Irwan Bello\\*†"."""
    moe = paper("pprp__Awesome-Efficient-MoE__README.md", "2202.08906")
    assert moe.authors[:3] == ("Barret Zoph", "Irwan Bello", "Sameer Kumar")
    assert paper("pprp__Awesome-LLM-Prune__README.md", "2312.01026").authors[0] == "Minchul Kim"


def test_an_empty_placeholder_is_no_venue() -> None:
    """'- Pub: None' (and N/A, -, TBD...) says the list has no venue: it used to become the venue
    "None" in the catalog."""
    assert paper("pprp__Awesome-LLM-Prune__README.md", "2310.04680").venue == ""
    for placeholder in ("None", "none", "N/A", "n/a", "NA", "-", "—", "null", "TBD", "?", "Unknown"):
        assert parse_venue(placeholder) == ("", None, False), placeholder
    assert parse_venue("None, 2023") == ("", 2023, False)
    assert parse_venue("ICLR 2024") == ("ICLR 2024", 2024, False)  # a real venue is kept


# -- mapping, exclusion, merging ---------------------------------------------------------------


def test_sections_map_to_the_taxonomy_with_keyword_routes(result: importer.ImportResult) -> None:
    assert placement_of(result, "2307.13304") == ("quantization", "low-bit")  # QuIP: 2-Bit ...
    assert placement_of(result, "2211.10438") == ("quantization", "weight-activation")  # SmoothQuant
    assert placement_of(result, "2301.00774") == ("pruning", "unstructured")  # pprp's badge label
    assert placement_of(result, "2306.14048") == ("kv-cache", None)  # H2O: topic lists beat catch-alls
    assert placement_of(result, "2306.00978") == ("quantization", "weight-only")  # AWQ, not on-device


def test_excluded_sources_are_reported_with_their_reason(result: importer.ImportResult) -> None:
    zhen = report_of(result, "Zhen-Dong__Awesome-Quantization-Papers__README.md")
    assert zhen.excluded["CNN-only and vision-only quantization"] == 178
    ubiquitous = report_of(result, "UbiquitousLearning__Efficient_Foundation_Model_Survey__README.md")
    assert ubiquitous.excluded["foundation models themselves, not ways to make them efficient"] == 68
    titles = {e.title for entries in result.placed.values() for e in entries}
    assert "Bi-ViT: Pushing the Limit of Vision Transformer Quantization" not in titles


def test_the_same_paper_in_many_lists_is_one_entry(result: importer.ImportResult) -> None:
    gptq = entry_of(result, "2210.17323")
    assert gptq.title == "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    assert (
        gptq.url == "https://arxiv.org/abs/2210.17323" and gptq.pdf_url == "https://arxiv.org/pdf/2210.17323"
    )
    assert (gptq.year, gptq.month, gptq.stars) == (2022, 10, None)
    assert gptq.code_url == "https://github.com/IST-DASLab/gptq"
    titles = [e.title for entries in result.placed.values() for e in entries]
    assert not any(
        t.startswith("GPTQ: Accurate Quantization") for t in titles
    )  # survey's openreview copy merged
    assert len(result.arxiv_ids) == sum(
        1 for entries in result.placed.values() for e in entries if e.arxiv_id
    )
    assert (
        report_of(result, "metame-ai__awesome-llm-plaza__docs__part1__awesome_efficient_llm.md").merged > 200
    )


def test_conflicting_ids_and_unreadable_entries_are_reported(result: importer.ImportResult) -> None:
    survey = report_of(result, "efficient-llms-survey-README.md")
    conflict = [r for r in survey.unreadable if r.startswith("arXiv 2308.13137 belongs to “OmniQuant")]
    assert conflict and survey.unreadable[conflict[0]] == [136]  # "Rotation and Permutation ..."
    assert survey.unreadable["several arXiv ids (2304.04487, 2406.18200) and no title for each"] == [317]
    rendered = report_of(result, "efficient-llms-survey-rendered.txt")
    assert rendered.title_only == rendered.entries == 420
    assert rendered.merged + sum(rendered.excluded.values()) + rendered.unreadable_count == 420


def test_the_whole_import_meets_the_catalog_targets(
    result: importer.ImportResult, taxonomy: Taxonomy
) -> None:
    assert result.papers > 1000
    assert all(
        result.placed.get((s.id, None))
        or any(result.placed.get((s.id, sub.id)) for sub in taxonomy.children(s.id))
        for s in taxonomy.sections
    )
    assert sum(sum(r.unmapped.values()) for r in result.reports) == 0
    parsed = catalog_parse.parse(result.text(taxonomy), taxonomy)
    assert lint.check(parsed, taxonomy) == []


def test_unmapped_sections_and_unreadable_entries_are_counted(taxonomy: Taxonomy) -> None:
    mapping = ImportMapping(
        taxonomy, rules=(import_mapping.Rule("kv-cache", path=import_mapping._regex("KV", "test")),)
    )
    text_ = (
        "# List\n\n## KV\n\n- [SnapKV: LLM Knows What You are Looking for Before Generation]"
        "(https://arxiv.org/abs/2404.14469)\n- Just a sentence without any link at all\n\n"
        "## Serving\n\n- [Orca: A Distributed Serving System](https://arxiv.org/abs/2201.00001)\n"
    )
    run = importer.run([Source("mine.md", "mine.md", text_)], mapping)
    report = run.reports[0]
    assert report.entries == 3 and report.papers == 1
    assert report.unmapped == {"List > Serving": 1}
    assert report.unreadable == {"no link and no arXiv id": [6]}
    assert placement_of(run, "2404.14469") == ("kv-cache", None)


def test_import_is_deterministic_whatever_the_order_of_the_files(
    mapping: ImportMapping, taxonomy: Taxonomy, result: importer.ImportResult
) -> None:
    shuffled = importer.read_sources(ALL_LISTS)
    random.Random(7).shuffle(shuffled)
    assert importer.run(shuffled, mapping).text(taxonomy) == result.text(taxonomy)


def test_mapping_errors_name_the_key_and_the_problem(tmp_path: Path, taxonomy: Taxonomy) -> None:
    shutil.copy(PROJECT / "config" / "taxonomy.yml", tmp_path / "taxonomy.yml")
    (tmp_path / "import-mapping.yml").write_text("rules:\n  - {path: 'x', to: no-such-section}\n")
    with pytest.raises(ConfigError, match=r"rules\[0\]\.to: 'no-such-section' is neither a route"):
        importer.load_mapping(taxonomy, tmp_path)
    (tmp_path / "import-mapping.yml").write_text("rules:\n  - {path: '(unclosed', to: kv-cache}\n")
    with pytest.raises(ConfigError, match=r"rules\[0\]\.path: '\(unclosed' is not a valid regular"):
        importer.load_mapping(taxonomy, tmp_path)


# -- the command -------------------------------------------------------------------------------


def test_cli_writes_a_lint_clean_catalog_and_reports_each_file(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "catalog.md"
    files = [str(p) for p in ALL_LISTS]
    assert cli.main(["import", *files, "--output", str(output)]) == 0
    report = capsys.readouterr().out
    assert f"{LISTS / 'pprp__Awesome-LLM-Prune__README.md'}\n  entries read: 63" in report
    assert (
        "unreadable: 1\n    1: an arXiv link without a valid id (https://arxiv.org/abs/203.05527)" in report
    )
    assert f"wrote {output} (" in report
    written = catalog_io.read_catalog(output, taxonomy)
    assert lint.check(written, taxonomy) == [] and len(written.arxiv_id_set()) >= 1000
    first = output.read_bytes()
    assert cli.main(["import", *reversed(files), "--output", str(output)]) == 0  # idempotent
    assert output.read_bytes() == first


def test_cli_refuses_to_drop_papers_the_lists_do_not_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "catalog.md"
    plaza = str(LISTS / "awesome-efficient-llm-plaza.md")
    assert (
        cli.main(
            [
                "import",
                plaza,
                str(LISTS / "horseee__Awesome-Efficient-LLM__survey.md"),
                "--output",
                str(output),
            ]
        )
        == 0
    )
    before = output.read_bytes()
    assert cli.main(["import", plaza, "--output", str(output)]) == 1
    assert "rebuilding would remove them. Pass --replace" in capsys.readouterr().err
    assert output.read_bytes() == before
    assert cli.main(["import", plaza, "--output", str(output), "--replace"]) == 0
    assert "removed)" in capsys.readouterr().out and output.read_bytes() != before


def test_cli_refuses_to_rewrite_an_existing_catalog_without_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import LIST`` (``--output`` defaults to catalog.md) rewrote an existing catalog.md without
    asking whenever the lists gave all its papers: a description edited since, an entry moved to
    another section, all replaced by the lists' text. A rerun that changes nothing still passes;
    a change needs --replace, and the message says so (and how to see it first)."""
    monkeypatch.chdir(tmp_path)
    survey = str(LISTS / "horseee__Awesome-Efficient-LLM__survey.md")
    assert cli.main(["import", survey]) == 0  # no catalog yet: written
    built = (tmp_path / "catalog.md").read_text(encoding="utf-8")
    assert cli.main(["import", survey]) == 0  # the same bytes again: nothing to ask
    capsys.readouterr()
    line = next(x for x in built.splitlines() if x.startswith("- ["))
    edited = built.replace(line, line + " A note a maintainer added.", 1)
    (tmp_path / "catalog.md").write_text(edited, encoding="utf-8")
    assert cli.main(["import", survey]) == 1
    err = capsys.readouterr().err
    assert "catalog.md exists and this import would rewrite it (2 lines differ" in err
    assert "--replace" in err and "--output" in err and "--dry-run" in err
    assert (tmp_path / "catalog.md").read_text(encoding="utf-8") == edited
    assert cli.main(["import", survey, "--dry-run"]) == 0  # writes nothing, asks nothing
    assert cli.main(["import", survey, "--replace"]) == 0
    assert (tmp_path / "catalog.md").read_text(encoding="utf-8") == built


def test_cli_refuses_to_write_over_a_list_it_reads_unless_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import X --output X`` would overwrite the list with the catalog made of it."""
    source = tmp_path / "horseee__Awesome-Efficient-LLM__survey.md"  # the name the mapping maps
    shutil.copy(LISTS / "horseee__Awesome-Efficient-LLM__survey.md", source)
    before = source.read_bytes()
    assert cli.main(["import", str(source), "--output", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"{source} is both a list to import and the --output" in err
    assert "--output catalog.md" in err and "--replace" in err
    assert source.read_bytes() == before
    assert cli.main(["import", str(source), "--output", str(source), "--dry-run"]) == 0  # writes nothing
    assert source.read_bytes() == before
    assert cli.main(["import", str(source), "--output", str(source), "--replace"]) == 0
    assert source.read_bytes() != before


def test_cli_reports_a_missing_list_and_dry_run_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(tmp_path / "nope.md"), "--output", str(tmp_path / "c.md")]) == 1
    assert "nope.md does not exist" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "import",
                str(LISTS / "horseee__Awesome-Efficient-LLM__survey.md"),
                "--dry-run",
                "--output",
                str(tmp_path / "c.md"),
            ]
        )
        == 0
    )
    assert "dry run" in capsys.readouterr().out and not (tmp_path / "c.md").exists()


def test_writing_into_a_missing_directory_is_a_clear_error(
    tmp_path: Path, taxonomy: Taxonomy, result: importer.ImportResult
) -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        importer.write(result, taxonomy, tmp_path / "no" / "catalog.md")


def test_report_is_rendered_from_the_template(result: importer.ImportResult) -> None:
    report = importer.render_report(result, "catalog.md", (3, 0))
    assert "wrote catalog.md (3 arXiv ids added, 0 removed)" in report
    assert f"catalog: {result.papers} unique papers" in report
    assert "dry run: catalog.md not written" in importer.render_report(result, "catalog.md", None)


def test_the_docs_show_the_report_of_the_import_that_built_the_catalog(
    result: importer.ImportResult,
    taxonomy: Taxonomy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """docs/import.md includes this report (tests/golden/import-report.txt): the page's command,
    ``python -m bot import ../shared/seeds/* ../shared/lists/*__* --output catalog.md``, run again
    over the catalog it built. tests/fixtures/lists holds copies of those files (the seeds are the
    ones without ``__`` in their name): laid out here as ../shared beside a checkout, they give the
    report of the real data."""
    checkout, shared = tmp_path / "main", tmp_path / "shared"
    checkout.mkdir()
    files: dict[str, list[str]] = {"seeds": [], "lists": []}
    for path in ALL_LISTS:
        folder = "lists" if "__" in path.name else "seeds"
        (shared / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, shared / folder / path.name)
        files[folder].append(f"../shared/{folder}/{path.name}")
    (checkout / "catalog.md").write_text(result.text(taxonomy), encoding="utf-8")
    monkeypatch.chdir(checkout)

    assert cli.main(["import", *files["seeds"], *files["lists"], "--output", "catalog.md"]) == 0

    report = capsys.readouterr().out
    assert_shown_in_docs("import.md", "import-report.txt", report)
    assert report.endswith("wrote catalog.md (0 arXiv ids added, 0 removed)\n")  # the same bytes again
    assert (checkout / "catalog.md").read_text(encoding="utf-8") == result.text(taxonomy)


# -- fixes to shared modules found while importing real lists ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[URL]](https://ar5iv.org/abs/2303.08774)", ["2303.08774"]),  # UbiquitousLearning
        ("[[Paper](https://doi.org/10.48550/arXiv.2305.18403)]", ["2305.18403"]),  # survey README
        ("[[Paper](https://huggingface.co/papers/2407.14057)]", ["2407.14057"]),  # survey README
        (
            "[SpecInfer](https://arxiv.org/abs/2305.0978) [Paper](https://arxiv.org/abs/2305.09781)",
            ["2305.09781"],
        ),  # a typo'd id (4 digits after 2015) is not an id
    ],
)
def test_arxiv_ids_are_found_in_the_forms_real_lists_use(text: str, expected: list[str]) -> None:
    assert arxiv_ids.find_ids(text) == expected


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"$\beta$-VAE: Learning Basic Visual Concepts", "β-VAE: Learning Basic Visual Concepts"),
        (r"Vuli\'{c} and Erd\H{o}s, \v{c}", "Vulić and Erdős, č"),  # accents become accented letters
        (r"$O(n \log n)$ \to $\infty$, $\leq$ 4 bits", "O(n log n) → ∞, ≤ 4 bits"),
        (r"\textbf{\emph{Nested}} at 50\% \& more", "Nested at 50% & more"),
        ("A plain title, untouched", "A plain title, untouched"),
    ],
)
def test_clean_latex_reads_greek_letters_and_symbols(latex: str, plain: str) -> None:
    # \beta was read as the accent \b on "eta"; symbols are now replaced in one pass
    assert text.clean_latex(latex) == plain


def test_a_table_row_with_text_after_its_last_pipe_is_still_a_row() -> None:
    # horseee's quantization table: the GPTQ row ends in "|o"
    parsed = catalog_parse.parse(
        "| Title | Links |\n|--|--|\n"
        "|[GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323) | x |o\n"
    )
    item = parsed.find_by_id("2210.17323")
    assert item is not None and item.kind == "row" and item.line_number == 3


def kv_and_tools(taxonomy: Taxonomy) -> ImportMapping:
    """A list's "KV" heading to kv-cache, its "Tools" heading to tools."""
    return ImportMapping(
        taxonomy,
        rules=(
            import_mapping.Rule("kv-cache", path=import_mapping._regex("KV", "t")),
            import_mapping.Rule("tools", path=import_mapping._regex("Tools", "t")),
        ),
    )


def test_a_resource_named_like_a_paper_is_not_listed_twice(taxonomy: Taxonomy) -> None:
    source = (
        "# L\n\n## KV\n\n- [SnapKV: LLM Knows What You are Looking for Before Generation]"
        "(https://arxiv.org/abs/2404.14469)\n\n## Tools\n\n"
        "- [SnapKV: LLM Knows What You are Looking for Before Generation](https://github.com/FasterDecoding/SnapKV)"
        "\n"
    )
    run = importer.run([Source("l.md", "l.md", source)], kv_and_tools(taxonomy))
    assert (run.papers, run.resources) == (1, 0)
    assert (
        run.reports[0].merged == 1
        and lint.check(catalog_parse.parse(run.text(taxonomy), taxonomy), taxonomy) == []
    )


def test_the_last_guard_drops_what_lint_would_call_a_duplicate(taxonomy: Taxonomy) -> None:
    report = importer.FileReport("l.md", "l.md")
    item = read_items("l.md", "- [x](https://example.org)\n")[0][0]
    candidate = importer.Candidate(Fields("T", url="https://example.org"), item, 0, 0, ("tools", None))
    first = importer.Entry(title="Same Title Here", url="https://a.org", kind="resource", description="a")
    second = importer.Entry(title="Same title here!", url="https://b.org", kind="resource", description="b")
    kept, dropped = importer._drop_near_duplicates(
        [
            (first, ("tools", None), importer.Record([candidate])),
            (second, ("tools", None), importer.Record([candidate])),
        ],
        [report],
    )
    assert [e for e, _, _ in kept] == [first] and dropped == 1 and report.merged == 1


# -- --suggest-mapping ---------------------------------------------------------------------------


def test_suggest_mapping_proposes_sections_for_unmapped_headings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "import-mapping.yml").write_text("rules: []\n", encoding="utf-8")  # nothing mapped
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")  # the router learns from it
    source = str(LISTS / "Zefan-Cai__Awesome-LLM-KV-Cache__README.md")
    output = tmp_path / "new.md"
    assert cli.main(["import", source, "--output", str(output), "--dry-run"]) == 0
    assert "unmapped (no rule" in capsys.readouterr().out  # without suggestions: nothing placed

    assert cli.main(["import", source, "--output", str(output), "--suggest-mapping"]) == 0
    out = capsys.readouterr().out
    suggested = config / "import-mapping.suggested.yml"
    rules = yaml.safe_load(suggested.read_text(encoding="utf-8"))["rules"]
    by_heading = {r["path"]: r["to"] for r in rules}
    assert by_heading[r"^Contents\ >\ LLM\ KV\ Cache\ Compression$"] == "kv-cache"  # by name
    assert by_heading[r"^Contents\ >\ KV\ Cache\ Merge$"] == "kv-cache"  # by the router
    assert "[applied]" in out and "[review]" in out  # confident ones applied, others for review
    applied = [line for line in out.splitlines() if line.startswith("  [applied]")]
    written = catalog_io.read_catalog(output, taxonomy_for(config))
    assert len(written.entries()) >= sum(int(re.search(r"(\d+) entries\)", a)[1]) for a in applied) // 2
    # every suggested target is a real section, and the file is a valid mapping once copied in
    (config / "import-mapping.yml").write_text(suggested.read_text(encoding="utf-8"), encoding="utf-8")
    importer.load_mapping(taxonomy_for(config), config)  # no problem raised


SUGGESTED = re.compile(
    r"  \[(applied|review)\] (\S+): (.+) -> (\S+) \((\d\.\d\d), (name|router), (\d+) entr(?:y|ies)\)"
)


def test_the_docs_show_the_suggestions_for_two_kv_cache_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/import.md includes this output (tests/golden/import-suggest-mapping.txt): the page's
    ``python -m bot import horseee__Awesome-Efficient-LLM__kv_cache_compression.md
    Zefan-Cai__Awesome-LLM-KV-Cache__README.md --output new.md --suggest-mapping``, run on the
    fixture copies of the two lists in a copy of the fixture project: its config with an empty
    mapping, its catalog.md for the router to learn from."""
    lists = [
        "horseee__Awesome-Efficient-LLM__kv_cache_compression.md",
        "Zefan-Cai__Awesome-LLM-KV-Cache__README.md",
    ]
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "import-mapping.yml").write_text("rules: []\n", encoding="utf-8")  # nothing mapped
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")  # the router learns from it
    for name in lists:
        shutil.copy(LISTS / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", "config")  # relative: printed as config/..., no tmp path

    assert cli.main(["import", *lists, "--output", "new.md", "--suggest-mapping"]) == 0

    out = capsys.readouterr().out
    assert_shown_in_docs("import.md", "import-suggest-mapping.txt", out)
    summary = re.fullmatch(
        r"suggested a section for (\d+) of (\d+) unmapped heading\(s\) in "
        r"config/import-mapping\.suggested\.yml; applied (\d+) at confidence >= 0\.8",
        out.splitlines()[0],
    )
    assert summary, out.splitlines()[0]
    suggested, unmapped, applied = map(int, summary.groups())
    lines = [m.groups() for m in map(SUGGESTED.fullmatch, out.splitlines()[1:]) if m]
    assert len(lines) == suggested <= unmapped and suggested > applied > 0  # some applied, some not
    assert [mark for mark, *_ in lines].count("applied") == applied
    for mark, _, heading, _, confidence, _, _ in lines:
        assert (mark == "applied") == (float(confidence) >= 0.8), heading
        # the applied headings are mapped in this run's report, the others are still unmapped
        listed = re.search(rf"^    \d+: {re.escape(heading)}$", out, re.MULTILINE)
        assert (listed is None) == (mark == "applied"), heading
    assert "wrote new.md (" in out and (tmp_path / "new.md").is_file()

    # the file holds the same proposals, in the mapping's format: a valid mapping once copied in
    written = yaml.safe_load((config / "import-mapping.suggested.yml").read_text(encoding="utf-8"))
    assert list(written) == ["rules"]
    assert [(r["files"], r["path"], r["to"]) for r in written["rules"]] == [
        ([file], f"^{re.escape(heading)}$", target) for _, file, heading, target, *_ in lines
    ]
    shutil.copy(config / "import-mapping.suggested.yml", config / "import-mapping.yml")
    importer.load_mapping(taxonomy_for(config), config)  # no problem raised


SMALL_LIST = """# A list

## Quantization (PTQ)

- [GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers](https://arxiv.org/abs/2210.17323)
- [AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration](https://arxiv.org/abs/2306.00978)
- [SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language Models](https://arxiv.org/abs/2211.10438)

## Token Budgets

- [H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models](https://arxiv.org/abs/2306.14048)
- [Efficient Streaming Language Models with Attention Sinks](https://arxiv.org/abs/2309.17453)
"""


def _suggest_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project with an empty mapping and SMALL_LIST; the working folder."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "import-mapping.yml").write_text("rules: []\n", encoding="utf-8")
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")  # the router learns from it
    (tmp_path / "small.md").write_text(SMALL_LIST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", "config")
    return config


def test_suggest_mapping_handles_a_heading_that_ends_with_a_parenthesis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Quantization (PTQ)' was taken for one of the report's own notes ("(no heading)") and
    never got a suggestion."""
    config = _suggest_project(tmp_path, monkeypatch)
    assert cli.main(["import", "small.md", "--output", "new.md", "--suggest-mapping", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("suggested a section for 2 of 2 unmapped heading(s)"), out
    rules = yaml.safe_load((config / "import-mapping.suggested.yml").read_text(encoding="utf-8"))["rules"]
    by_path = {r["path"]: r["to"] for r in rules}
    assert by_path[r"^A\ list\ >\ Quantization\ \(PTQ\)$"].split("/")[0] == "quantization"


def test_suggest_mapping_twice_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The router used to learn from the output the first run wrote, so a second run suggested
    (and applied) something else, and then refused to rebuild its own output."""
    config = _suggest_project(tmp_path, monkeypatch)
    runs = []
    for _ in range(2):
        assert (
            cli.main(["import", "small.md", "--output", "new.md", "--suggest-mapping", "--confident", "0.7"])
            == 0
        )
        suggested = (config / "import-mapping.suggested.yml").read_text(encoding="utf-8")
        runs.append((capsys.readouterr().out, suggested, (tmp_path / "new.md").read_bytes()))
    assert "wrote new.md (" in runs[0][0] and "[applied]" in runs[0][0]
    assert runs[0][1:] == runs[1][1:]
    assert runs[0][0].splitlines()[:-1] == runs[1][0].splitlines()[:-1]  # but "N added" vs "0 added"


def taxonomy_for(config: Path) -> Taxonomy:
    from bot.config import load_taxonomy

    return load_taxonomy(config)


def test_link_bullets_read_authors_venue_and_year_after_the_title() -> None:
    """``- [Title](url) - Authors, RSS 2017`` was read as "Title, Venue, Year" (the title
    "Title - Authors"), ``(ICRA 2021)`` gave no year (unreadable), ``, 2023`` an author "2023"."""
    text = (ADOPT / "awesome-robot-grasping.md").read_text(encoding="utf-8")
    items, _ = read_items("awesome-robot-grasping.md", text)
    read = {}
    for item in items:
        found = extract(item)
        assert isinstance(found, list), (item.line, found)
        read.update({f.title: f for f in found})
    dexnet = read[
        "Dex-Net 2.0: Deep Learning to Plan Robust Grasps with Synthetic Point Clouds and Analytic Grasp Metrics"
    ]
    assert (dexnet.authors, dexnet.et_al, dexnet.venue, dexnet.year) == (
        ("Jeffrey Mahler", "Jacky Liang", "Sherdil Niyaz"),
        True,
        "RSS 2017",
        2017,
    )
    venues = {title: (f.authors, f.venue, f.year, f.resource) for title, f in read.items()}
    assert venues["GraspNet-1Billion: A Large-Scale Benchmark for General Object Grasping"] == (
        (),
        "CVPR 2020",
        2020,
        False,
    )
    assert venues["Contact-GraspNet: Efficient 6-DoF Grasp Generation in Cluttered Scenes"][1:] == (
        "ICRA 2021",
        2021,
        False,
    )
    assert venues["Learning Dexterous In-Hand Manipulation"] == (("OpenAI",), "IJRR 2020", 2020, False)
    assert venues["In-Hand Object Rotation via Rapid Motor Adaptation"][1:3] == ("CoRL 2022", 2022)
    assert venues["DexMV: Imitation Learning for Dexterous Manipulation from Human Videos"][1:3] == (
        "ECCV 2022",
        2022,
    )
    assert read["Visual Dexterity: In-Hand Reorientation of Novel and Complex Object Shapes"].venue == (
        "Science Robotics 2023"
    )
    handeye = read[
        "Learning Hand-Eye Coordination for Robotic Grasping with Deep Learning and Large-Scale Data Collection"
    ]
    assert (handeye.authors, handeye.et_al, handeye.code_url) == (
        ("Levine",),
        True,
        "https://github.com/example/handeye",
    )
    # a repository or a page described with a year stays a tool, its description whole (the
    # catalog's own tool line, read back as written)
    assert (read["MoveIt"].resource, read["MoveIt"].description) == (True, "Motion planning framework, 2013.")
    assert read["PyBullet"].resource


def test_an_arxiv_link_bullet_with_a_year_after_the_authors() -> None:
    text = "# L\n\n## A\n\n- [Accelerating Decoding with Speculative Sampling](https://arxiv.org/abs/2302.01318), Chen et al., 2023.\n"
    items, _ = read_items("list.md", text)
    found = extract(items[0])
    assert isinstance(found, list)
    assert (found[0].authors, found[0].et_al, found[0].year) == (("Chen",), True, 2023)


def test_plain_bullets_cut_their_title_at_lowercase_link_labels_and_read_a_venue_tag_or_a_bold_title() -> (
    None
):
    """``[[paper](..)]`` was cut from a title only as ``Paper``/``Code``/``pdf`` (QLoRA's title
    ended in "[paper] [code]"), a ``[NeurIPS 2023]`` tag's venue was dropped, and a bold title
    took the authors and venue after it along."""
    text = (
        "# L\n\n## A\n\n"
        "- [NeurIPS 2023] QLoRA: Efficient Finetuning of Quantized LLMs "
        "[[paper](https://arxiv.org/abs/2305.14314)] [[code](https://github.com/artidoro/qlora)]\n"
        "1. **LLM-Pruner: On the Structural Pruning of Large Language Models**, Ma et al., "
        "*NeurIPS 2023*. [paper](https://arxiv.org/abs/2305.11627)\n"
        "- [ICML 2023] [FlexGen: High-Throughput Generative Inference of Large Language Models with a "
        "Single GPU](https://arxiv.org/abs/2303.06865)\n"
        "- **Efficient Memory Management for Large Language Model Serving with PagedAttention** "
        "[[Paper](https://arxiv.org/abs/2309.06180)]\n"
    )
    items, _ = read_items("list.md", text)
    read = []
    for item in items:
        found = extract(item)
        assert isinstance(found, list)
        read += [(f.title, f.authors, f.et_al, f.venue, f.year, f.arxiv_id) for f in found]
    assert read == [
        ("QLoRA: Efficient Finetuning of Quantized LLMs", (), False, "NeurIPS 2023", 2023, "2305.14314"),
        (
            "LLM-Pruner: On the Structural Pruning of Large Language Models",
            ("Ma",),
            True,
            "NeurIPS 2023",
            2023,
            "2305.11627",
        ),
        (
            "FlexGen: High-Throughput Generative Inference of Large Language Models with a Single GPU",
            (),
            False,
            "ICML 2023",
            2023,
            "2303.06865",
        ),
        (
            "Efficient Memory Management for Large Language Model Serving with PagedAttention",
            (),
            False,
            "",
            None,
            "2309.06180",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\n=====\n\nText\n", "# Title\n\n\nText\n"),
        ("Section\r\n---\r\n", "## Section\r\n\r\n"),  # line endings and numbers stay
        ("Text\n\n---\n", "Text\n\n---\n"),  # a rule after a blank line
        ("- [A](https://x.org)\n---\n", "- [A](https://x.org)\n---\n"),  # a rule after a bullet
        ("Line one\nline two\n---\n", "Line one\nline two\n---\n"),  # only one-line headings
        ("| a | b |\n|---|---|\n", "| a | b |\n|---|---|\n"),
    ],
)
def test_underlined_headings_are_read_as_headings(text: str, expected: str) -> None:
    assert atx_headings(text) == expected


def adopt_fields(name: str) -> dict[str, Fields]:
    """The papers and resources of a list of tests/fixtures/adopt, by title."""
    items, _ = read_items(name, (ADOPT / name).read_text(encoding="utf-8"))
    read: dict[str, Fields] = {}
    for item in items:
        if isinstance(found := extract(item), list):
            read.update({f.title: f for f in found})
    return read


def test_a_table_row_with_empty_cells_after_its_title_is_a_paper_not_a_framework() -> None:
    """A row whose other cells are all empty passed the framework tables' test (every non-empty
    cell a ✅ or ❌): SnapKV became a tool, its arXiv id lost."""
    snapkv = adopt_fields("awesome-paper-table.md")[
        "SnapKV: LLM Knows What You are Looking for Before Generation"
    ]
    assert (snapkv.resource, snapkv.arxiv_id) == (False, "2404.14469")


def test_venue_and_authors_columns_give_the_venue_year_and_authors() -> None:
    """`| Title | Venue | Code |`: the Venue column was not read (only badges and a Date column),
    nor an Authors column."""
    read = adopt_fields("awesome-paper-table.md")
    h2o = read["H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models"]
    assert (h2o.venue, h2o.year) == ("NeurIPS 2023", 2023)
    kivi = read["KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache"]
    assert (kivi.venue, kivi.year, kivi.code_url) == ("ICML 2024", 2024, "https://github.com/jy-yuan/KIVI")
    assert (kivi.authors, kivi.et_al) == (
        ("Zirui Liu", "Jiayi Yuan", "Hongye Jin"),
        True,
    )  # an Authors column
    snapkv = read["SnapKV: LLM Knows What You are Looking for Before Generation"]
    assert (snapkv.venue, snapkv.year) == ("", None)  # an empty cell


def test_html_comments_are_no_part_of_a_list() -> None:
    """GitHub hides `<!-- ... -->`: a commented-out row or section was imported, and a note after
    an entry became its authors ("<!-- added by @someone -->") or the end of its title."""
    text = (ADOPT / "awesome-paper-table.md").read_text(encoding="utf-8")
    items, _ = read_items("awesome-paper-table.md", text)
    assert {item.path[-1] for item in items} == {"Eviction", "Quantization", "Merging"}
    read = adopt_fields("awesome-paper-table.md")
    assert not [t for t in read if "KVQuant" in t or "Retracted" in t]
    assert not [t for t, f in read.items() if "<!--" in t + " ".join(f.authors)]
    merge = read["Model Tells You Where to Merge: Adaptive KV Cache Merging for LLMs on Long-Context Tasks"]
    assert merge.authors == ()
    cam = read["CaM: Cache Merging for Memory-efficient LLMs Inference"]
    assert (cam.authors, cam.venue, cam.year) == (("Yuxin Zhang",), "ICML 2024", 2024)
    assert [i.line for i in items if "Scissorhands" in i.text] == [15]  # line numbers stay


def test_a_bullet_nested_under_a_paper_that_links_its_own_paper_is_an_entry() -> None:
    """ "- [AWQ](arxiv)" over "  - Related: [SmoothQuant](arxiv)" was one entry with two arXiv
    ids, unreadable: both papers were lost."""
    text = (
        "# L\n\n## A\n\n"
        "- [AWQ: Activation-aware Weight Quantization for LLM Compression](https://arxiv.org/abs/2306.00978)\n"
        "\t- Related: [SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language Models]"
        "(https://arxiv.org/abs/2211.10438)\n"
        "\t  a note under it\n"
        "  - [OmniQuant: Omnidirectionally Calibrated Quantization](https://arxiv.org/abs/2308.13137) - Shao et al., "
        "ICLR 2024\n"
        "    - [A Deeper One With Its Own Id](https://arxiv.org/abs/2401.00001)\n"
        "- [GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323)\n"
        "  - code: https://github.com/IST-DASLab/gptq\n"
    )
    items, _ = read_items("list.md", text)
    read = []
    for item in items:
        found = extract(item)
        assert isinstance(found, list), found
        read += [(item.line, f.arxiv_id, f.title.split(":")[0], f.venue, f.code_url) for f in found]
    assert read == [
        (5, "2306.00978", "AWQ", "", ""),
        (6, "2211.10438", "SmoothQuant", "", ""),
        (8, "2308.13137", "OmniQuant", "ICLR 2024", ""),
        (9, "2401.00001", "A Deeper One With Its Own Id", "", ""),
        (10, "2210.17323", "GPTQ", "", "https://github.com/IST-DASLab/gptq"),  # a field under it stays
    ]


def test_a_table_without_its_outer_pipes_is_read() -> None:
    """GFM's `Title | Venue` over `--- | ---`: its rows were no table rows (0 entries read)."""
    text = (
        "# L\n\n## A\n\nTitle | Venue | Code\n--- | :---: | ---\n"
        "[GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323) | ICLR 2023 | "
        "[code](https://github.com/IST-DASLab/gptq)\n"
        "[AWQ: Activation-aware Weight Quantization](https://arxiv.org/abs/2306.00978) | MLSys 2024 |\n"
        "\nSome prose | with a pipe, after the table\n"
    )
    items, _ = read_items("list.md", text)
    assert [(i.line, i.kind) for i in items] == [(7, "row"), (8, "row")]
    read = [f for i in items for f in extract(i)]  # type: ignore[union-attr]
    assert [(f.arxiv_id, f.venue, f.code_url) for f in read] == [
        ("2210.17323", "ICLR 2023", "https://github.com/IST-DASLab/gptq"),
        ("2306.00978", "MLSys 2024", ""),
    ]


def test_a_link_that_is_not_a_web_page_is_unreadable_not_made_https() -> None:
    """'javascript:alert(4)' used to become the resource https://javascript:alert%284."""
    text = (
        "# L\n\n## Tools\n\n- [Paper One](https://arxiv.org/abs/2401.00001)\n"
        "- [Four](javascript:alert(4))\n- [Mail](mailto:a@b.c)\n- [Port](github.com:443/o/r)\n"
    )
    items, _ = read_items("list.md", text)
    results = {item.text.split("]")[0].lstrip("- ["): extract(item) for item in items}
    assert results["Four"] == Unreadable("a link that is not a web page (javascript:)", "Four")
    assert results["Mail"] == Unreadable("a link that is not a web page (mailto:)", "Mail")
    port = results["Port"]
    assert isinstance(port, list) and port[0].url == "https://github.com:443/o/r"  # host:port is a web link
    assert isinstance(results["Paper One"], list)


def test_a_url_with_parentheses_is_read_whole_in_a_heading_and_an_entry() -> None:
    """'.../wiki/Pruning_(x)' was cut at its first ')', leaving 'Pruning)' as a heading and a
    stray ')' after a link."""
    text = (
        "# L\n\n## [Pruning](https://example.org/Pruning_(x))\n\n"
        "- [Paper One](https://arxiv.org/abs/2401.00001)\n"
        "- [Wiki](https://en.wikipedia.org/wiki/Pruning_(x))\n"
    )
    items, _ = read_items("list.md", text)
    assert {item.path[-1] for item in items} == {"Pruning"}
    wiki = extract(items[-1])
    assert isinstance(wiki, list) and wiki[0].url == "https://en.wikipedia.org/wiki/Pruning_(x)"


def test_a_list_in_the_catalogs_own_format_is_read_back_whole() -> None:
    """A list kept by the bot (`init --catalog README.md --force`, or another adopter's
    catalog) lost its entries without an arXiv id ("- [T](url) · 2024 · ECCV 2024": "a paper link
    without arXiv id or year"), read the parts of an entry without authors as its authors
    ("- - arXiv 2302.14017 - Feb 2023 - pdf") and dropped a venue after the date."""
    text = (PROJECT / "catalog.md").read_text(encoding="utf-8")
    items, _ = read_items("catalog.md", text)
    parsed = catalog_parse.parse(text).entries()
    entries = {e.line_number: e.entry for e in parsed if e.entry and not e.entry.url.startswith("#")}
    extra = (
        "- [Paper With Stars](https://arxiv.org/abs/2401.00001) - A. Author · arXiv 2401.00001 · "
        "Jan 2024 · withdrawn · [pdf](https://arxiv.org/pdf/2401.00001) · "
        "[code](https://github.com/o/r) ⭐ 1.2k (archived)\n"
        "- [Hand Dated Paper](https://example.org/p) · Mar 2023 · Workshop 2023\n"
        "- [A Tool](https://github.com/o/tool) - What it does · ⭐ 340\n"
    )
    more = catalog_parse.parse("# L\n\n## A\n\n" + extra).entries()
    items += read_items("more.md", "# L\n\n## A\n\n" + extra)[0]
    assert len(items) == len(entries) + 3
    for item in items:
        entry = entries.get(item.line) if item.file == "catalog.md" else more[item.line - 5].entry
        found = extract(item)
        assert isinstance(found, list) and len(found) == 1, (item.line, found)
        fields = found[0]
        assert entry is not None
        assert (fields.title, fields.url, fields.resource, fields.arxiv_id) == (
            entry.title,
            entry.url,
            entry.kind == "resource",
            entry.arxiv_id,
        ), item.line
        assert (fields.authors, fields.et_al, fields.venue, fields.year, fields.month) == (
            entry.authors,
            entry.et_al,
            entry.venue,
            entry.year,
            entry.month,
        ), item.line
        code = fields.code_url if entry.kind == "paper" else entry.code_url  # a tool's is its link
        assert (fields.description, code, fields.stars, fields.archived, fields.withdrawn) == (
            entry.description,
            entry.code_url,
            entry.stars,
            entry.archived,
            entry.withdrawn,
        ), item.line


def test_a_list_that_is_not_utf8_is_named_with_its_line_and_how_to_convert_it(tmp_path: Path) -> None:
    """It was "is not a UTF-8 text file ('utf-8' codec can't decode byte 0xe9 in position 52:
    invalid continuation byte)": no line, and nothing about what to do."""
    latin1 = tmp_path / "list.md"
    latin1.write_bytes("# L\n\n## A\n\n- [Résumé](https://arxiv.org/abs/2401.00001)\n".encode("latin-1"))
    with pytest.raises(importer.SourceError, match=r"list\.md:5: not UTF-8 text \(byte 0xe9.*iconv"):
        importer.read_sources([latin1])


def test_an_import_that_maps_no_entry_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lint` says "rebuild with python -m bot import"; an adopter's catalog imported with the
    mapping of its README (whose heading paths it does not share) had every entry unmapped, and
    `--replace` wrote an empty catalog: "0 unique papers ... wrote catalog.md (0 arXiv ids added,
    49 removed)"."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "import-mapping.yml").write_text("rules: []\n", encoding="utf-8")  # nothing mapped
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config))
    output = tmp_path / "catalog.md"
    shutil.copy(PROJECT / "catalog.md", output)
    before = output.read_bytes()
    source = str(LISTS / "Zefan-Cai__Awesome-LLM-KV-Cache__README.md")
    assert cli.main(["import", source, "--output", str(output), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "57 entries read, none placed in a section (57 unmapped, 0 excluded, 0 unreadable)" in err
    assert "nothing written" in err and "--suggest-mapping" in err
    assert output.read_bytes() == before
    assert cli.main(["import", source, "--output", str(output), "--dry-run"]) == 0  # the report, to see why
    assert "57 unmapped" in capsys.readouterr().out


def test_a_bold_link_title_keeps_its_authors_and_a_bold_tool_no_stars() -> None:
    """``**[Title](url)** - Lin et al., MLSys 2024`` lost its authors, or, numbered, gave the author
    "- Lin" (the catalog line "- [Title](url) - - Lin et al. · ..."): the closing ``**`` was read
    as text after the title. A bold tool link got "**" for its description."""
    text = (
        "# L\n\n## A\n\n"
        "- **[AWQ: Activation-aware Weight Quantization for LLM Compression](https://arxiv.org/abs/2306.00978)**"
        " - Lin et al., MLSys 2024\n"
        "2. **[SqueezeLLM: Dense-and-Sparse Quantization](https://arxiv.org/abs/2306.07629)** - Kim et al., ICML 2024\n"
        "- __[GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323)__, Frantar, Ashkboos\n"
        "- **[MNN](https://github.com/alibaba/MNN)**\n"
    )
    items, _ = read_items("list.md", text)
    read = [f for item in items for f in extract(item)]  # type: ignore[union-attr]
    assert [(f.authors, f.et_al, f.venue, f.description) for f in read] == [
        (("Lin",), True, "MLSys 2024", ""),  # the authors were lost (read as "Title, Venue, Year")
        (("Kim",), True, "ICML 2024", ""),  # numbered: the author "- Kim"
        (("Frantar", "Ashkboos"), False, "", ""),  # an author "__"
        ((), False, "", ""),  # the catalog's "GitHub repository alibaba/MNN", not "**"
    ]


def test_an_arxiv_reference_written_after_a_title_is_no_part_of_it() -> None:
    """A plain bullet's ``Title. arXiv:2309.06180``, ``Title (arXiv 2205.14135)`` and ``Title,
    https://arxiv.org/pdf/...`` kept the reference in the catalog's title; a venue after it was
    lost."""
    text = (
        "# L\n\n## A\n\n"
        "- Efficient Memory Management for Large Language Model Serving with PagedAttention. arXiv:2309.06180\n"
        "- FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness (arXiv 2205.14135)\n"
        "- Ring Attention with Blockwise Transformers for Near-Infinite Context, https://arxiv.org/pdf/2310.01889.pdf\n"
        "- QLoRA: Efficient Finetuning of Quantized LLMs https://arxiv.org/abs/2305.14314 (NeurIPS 2023)\n"
    )
    items, _ = read_items("list.md", text)
    read = [f for item in items for f in extract(item)]  # type: ignore[union-attr]
    assert [(f.title, f.arxiv_id, f.venue) for f in read] == [
        (
            "Efficient Memory Management for Large Language Model Serving with PagedAttention",
            "2309.06180",
            "",
        ),
        ("FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness", "2205.14135", ""),
        ("Ring Attention with Blockwise Transformers for Near-Infinite Context", "2310.01889", ""),
        ("QLoRA: Efficient Finetuning of Quantized LLMs", "2305.14314", "NeurIPS 2023"),
    ]


def test_a_hand_written_link_is_not_read_as_a_catalog_line() -> None:
    """`- [Title](url)` has the shape of the catalog's tool line: read as one, a page title kept
    its site names ("| by Fireworks.ai | Jan, 2024 | Medium") and its escaped "\\~no" became "ño"."""
    text = (
        "# L\n\n## A\n\n- [FireAttention — Serving Models 4x faster by quantizing with \\~no tradeoffs | "
        "by Fireworks.ai | Jan, 2024 | Medium](https://blog.fireworks.ai/fireattention)\n"
    )
    items, _ = read_items("list.md", text)
    found = extract(items[0])
    assert isinstance(found, list)
    assert found[0].title == "FireAttention — Serving Models 4x faster by quantizing with ~no tradeoffs"


def test_a_tables_arxiv_column_of_bare_ids_gives_the_papers_id() -> None:
    """``| GPTQ: ... | 2210.17323 | [code](github) |`` under an ``arXiv`` column: the bare id was
    not read, and the paper became a tool, "GitHub repository IST-DASLab/gptq"."""
    text = (
        "# L\n\n## A\n\n| # | Title | arXiv | Code |\n|---|---|---|---|\n"
        "| 1 | GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers | 2210.17323 | "
        "[code](https://github.com/IST-DASLab/gptq) |\n"
        "| 2 | AWQ: Activation-aware Weight Quantization | arXiv:2306.00978v2 | |\n"
    )
    items, _ = read_items("list.md", text)
    read = [f for item in items for f in extract(item)]  # type: ignore[union-attr]
    assert [(f.arxiv_id, f.resource, f.code_url) for f in read] == [
        ("2210.17323", False, "https://github.com/IST-DASLab/gptq"),
        ("2306.00978", False, ""),
    ]


@pytest.mark.parametrize(
    ("rest", "authors", "year"),
    [
        (", arXiv 2017", (), 2017),
        (" - arXiv 2017", (), 2017),
        (" - John Schulman et al., arXiv 2017", ("John Schulman",), 2017),
        (" - John Schulman, Filip Wolski, arXiv preprint", ("John Schulman", "Filip Wolski"), None),
    ],
)
def test_a_preprints_arxiv_where_the_venue_goes_is_no_author(
    rest: str, authors: tuple[str, ...], year: int | None
) -> None:
    """``- [PPO](arxiv link), arXiv 2017`` (the venue of a paper that has none) gave the author
    "arXiv 2017": its catalog line read "PPO - arXiv 2017 · arXiv 1707.06347"."""
    text = f"# L\n\n## A\n\n- [Proximal Policy Optimization Algorithms](https://arxiv.org/abs/1707.06347){rest}\n"
    items, _ = read_items("l.md", text)
    (fields,) = extract(items[0])  # type: ignore[misc]
    assert (fields.authors, fields.venue, fields.year) == (authors, "", year)


@pytest.mark.parametrize(
    ("after", "authors", "et_al"),
    [
        ("Jonathan T. Barron et al.", ("Jonathan T. Barron",), True),
        ("Jonathan T. Barron, Ben Mildenhall", ("Jonathan T. Barron", "Ben Mildenhall"), False),
        ("A multiscale representation", (), False),  # a description: no author
    ],
)
def test_a_title_cells_one_author_et_al_after_a_br_is_read(
    after: str, authors: tuple[str, ...], et_al: bool
) -> None:
    """``| [Mip-NeRF](arxiv)<br>Jonathan T. Barron et al. | ICCV 2021 |`` gave no author: the
    line after the title was read as authors only when it held a comma."""
    text = (
        "# L\n\n## A\n\n| Paper | Venue |\n| --- | --- |\n"
        f"| [Mip-NeRF: A Multiscale Representation](https://arxiv.org/abs/2103.13415)<br>{after} | ICCV 2021 |\n"
    )
    items, _ = read_items("l.md", text)
    (fields,) = extract(items[0])  # type: ignore[misc]
    assert (fields.authors, fields.et_al, fields.venue) == (authors, et_al, "ICCV 2021")


def test_link_bullets_read_a_venue_after_the_sentence_of_authors() -> None:
    """``- [Title](url) - Thomas N. Kipf, Max Welling. ICLR 2017.`` gave the venue "Max Welling.
    ICLR 2017" (the catalog line "Thomas N. Kipf · arXiv ... · Max Welling. ICLR 2017"), ``Felix Wu
    et al. ICML 2019.`` the author "Felix Wu et al. ICML 2019", and a ``[code](..)`` link after
    the authors an author "code"."""
    text = (ADOPT / "awesome-graph-learning.md").read_text(encoding="utf-8")
    items, _ = read_items("awesome-graph-learning.md", text)
    read = {f.arxiv_id: f for item in items if isinstance(found := extract(item), list) for f in found}
    shown = {i: (read[i].authors, read[i].et_al, read[i].venue, read[i].year) for i in read}
    assert shown["1609.02907"] == (("Thomas N. Kipf", "Max Welling"), False, "ICLR 2017", 2017)
    assert shown["1902.07153"] == (("Felix Wu",), True, "ICML 2019", 2019)
    assert shown["1706.02216"] == (("William L. Hamilton",), True, "NeurIPS 2017", 2017)
    assert shown["1710.10903"] == (("Petar Veličković",), True, "ICLR 2018", 2018)
    assert shown["1905.11136"] == (("Haggai Maron", "Heli Ben-Hamu", "Hadar Serviansky"), False, "", None)
    assert read["1706.02216"].code_url == "https://github.com/williamleif/GraphSAGE"
    # a description's sentence is no authors': a tool keeps it whole, with no venue
    items, _ = read_items(
        "l.md", "# L\n\n## A\n\n- [Tool](https://example.org) - A library for graphs. Released 2023\n"
    )
    assert extract(items[0]) == [
        Fields(
            "Tool",
            url="https://example.org",
            description="A library for graphs. Released 2023",
            resource=True,
            catalog_line=True,  # a tool's line as the bot writes one: read back as the catalog's
        )
    ]


def test_a_bracket_in_a_links_host_is_a_link_the_import_reads(taxonomy: Taxonomy) -> None:
    """``urlsplit`` refuses a ``[`` or ``]`` in a host (an unclosed IPv6 address): a list linking
    ``https://github.com[/o/r`` stopped init and import with a ValueError traceback (exit 3). The
    link is read as any other: no repository, a resource's link as written."""
    source = (
        "## KV\n\n"
        "- [SnapKV: LLM Knows What You are Looking for Before Generation](https://arxiv.org/abs/2404.14469)"
        " [code](https://github.com[/o/r)\n"
        "\n## Tools\n\n- [A Tool for Things](https://[tool.example/x)\n"
    )
    run = importer.run([Source("l.md", "l.md", source)], kv_and_tools(taxonomy))
    assert (run.papers, run.resources) == (1, 1)
    [paper] = [e for entries in run.placed.values() for e in entries if e.arxiv_id]
    assert not paper.code_url  # no repository
    assert "- [A Tool for Things](https://[tool.example/x)" in run.text(taxonomy)


def test_a_label_of_images_that_ends_in_no_link_is_read_in_linear_time() -> None:
    """An image in a link's label, ``![a](b)``, also reads as ``!``, ``[a]`` and ``(b)``: a label
    that ends in no ``](`` was tried in 2**n ways (24 images, 330 bytes of an adopted list: 3
    minutes of CPU; each 2 more, four times that). The label is matched once."""
    line = "- [" + "!![a](b)[c](d)" * 24 + " Efficient Things\n"  # "![c](d)" once "![a](b)" is cut
    started = time.process_time()
    results = [extract(item) for item in read_items("l.md", line)[0]]
    assert time.process_time() - started < 5
    assert len(results) == 1


def test_a_list_merged_into_the_catalog_keeps_the_catalogs_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import catalog.md LIST --output catalog.md --replace` (docs/import.md's way to merge a list
    into the catalog): a paper both give, tied one list each, took the better-cased title, so a
    list in Title Case rewrote the catalog's line (arXiv's title, or a maintainer's). The
    catalog's own line wins the tie; the import is then the same bytes."""
    catalog = tmp_path / "catalog.md"
    shutil.copy(PROJECT / "catalog.md", catalog)
    before = catalog.read_text(encoding="utf-8")
    title = "SnapKV: LLM Knows What You are Looking for Before Generation"
    assert f"- [{title}](https://arxiv.org/abs/2404.14469)" in before
    other = tmp_path / "horseee__Awesome-Efficient-LLM__kv.md"  # a name the mapping maps
    other.write_text(
        "# KV\n\n## KV Cache Compression\n\n"
        "- [SnapKV: LLM Knows What You Are Looking For Before Generation](https://arxiv.org/abs/2404.14469)\n",
        encoding="utf-8",
    )

    assert cli.main(["import", str(catalog), str(other), "--output", str(catalog), "--replace"]) == 0

    assert "merged: 1" in capsys.readouterr().out
    assert catalog.read_text(encoding="utf-8") == before
