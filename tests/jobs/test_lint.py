"""lint: every kind of problem is found at the right line; the committed catalog is clean."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot.core import catalog_document, catalog_io, catalog_parse
from bot.core.entry import Entry, render_entry
from bot.core.taxonomy import Taxonomy
from bot.jobs import lint
from tests.conftest import PROJECT
from tests.gitrepo import paper_entry as paper
from tests.golden_files import assert_shown_in_docs

SNAPKV = paper("2404.14469", "SnapKV: LLM Knows What You are Looking for Before Generation")
GPTQ = paper(
    "2210.17323", "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
)
VLLM = Entry(
    title="vLLM",
    url="https://github.com/vllm-project/vllm",
    kind="resource",
    description="A high-throughput serving engine",
)


@pytest.fixture
def clean_text(taxonomy: Taxonomy) -> str:
    placed: dict[catalog_document.Placement, list[Entry]] = {
        ("kv-cache", None): [SNAPKV],
        ("quantization", "weight-only"): [GPTQ],
        ("tools", None): [VLLM],
    }
    return catalog_document.render_document(taxonomy, placed)


def problems(text: str, taxonomy: Taxonomy) -> list[lint.Problem]:
    return lint.check(catalog_parse.parse(text, taxonomy), taxonomy)


def line_of(text: str, fragment: str, last: bool = False) -> int:
    """1-based number of the first (or last) line containing ``fragment``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    return found[-1] if last else found[0]


def after(text: str, fragment: str, new_line: str) -> str:
    """``text`` with ``new_line`` inserted after the first line containing ``fragment``."""
    lines = text.splitlines(keepends=True)
    index = line_of(text, fragment)
    return "".join(lines[:index] + [new_line + "\n"] + lines[index:])


def test_a_rendered_catalog_is_clean(clean_text: str, taxonomy: Taxonomy) -> None:
    assert problems(clean_text, taxonomy) == []


def test_a_link_in_a_section_description_is_no_stray_link(taxonomy: Taxonomy) -> None:
    """``import`` writes each section's description from the taxonomy under its heading; one with
    a link was then 'a link that is not an entry line' of lint, in a catalog the bot wrote."""
    sections = tuple(
        dataclasses.replace(s, description=f"{s.description} See [the survey](https://example.org/{s.id}).")
        for s in taxonomy.sections
    )
    subsections = tuple(
        dataclasses.replace(s, description=f"Also [{s.title}](https://example.org/{s.id}).")
        for s in taxonomy.subsections
    )
    linked = dataclasses.replace(taxonomy, sections=sections, subsections=subsections)
    text = catalog_document.render_document(linked, {("kv-cache", None): [SNAPKV]})
    assert "See [the survey](https://example.org/kv-cache)." in text
    assert problems(text, linked) == []
    noted = text.replace("- [SnapKV", "Read [this](https://example.org/note) first.\n\n- [SnapKV", 1)
    assert [p.message.split(":")[0] for p in problems(noted, linked)] == ["a link that is not an entry line"]


def test_what_readers_do_not_see_holds_no_stray_link(clean_text: str, taxonomy: Taxonomy) -> None:
    """An entry commented out on its own line (an editor's "toggle line comment"), a comment with
    a link, and a fenced block showing an entry were each 'a link that is not an entry line'."""
    h2o = render_entry(paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference"))
    hidden = [
        f"<!-- {h2o} -->",
        "<!-- see [the thread](https://example.org/t) -->",
        "<!--\nsee [the thread](https://example.org/t)\n-->",
        f"```markdown\n{render_entry(GPTQ)}\n```",
    ]
    for text in hidden:
        assert problems(after(clean_text, "## Efficient Reasoning", "\n" + text), taxonomy) == [], text
    shown = after(clean_text, "## Efficient Reasoning", "\nsee [the thread](https://example.org/t)")
    assert [p.message.split(":")[0] for p in problems(shown, taxonomy)] == [
        "a link that is not an entry line"
    ]


def test_a_hand_written_line_commented_out_is_named_by_its_text(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(
        clean_text,
        "## Efficient Reasoning",
        "\n<!-- - [A Title Here](https://arxiv.org/abs/2401.00001) hand -->",
    )
    (found,) = problems(text, taxonomy)
    assert found.message.endswith(
        "here, after the title link comes ' hand': authors follow ' - ', the other fields ' · '"
    )


def test_the_committed_catalog_is_clean(taxonomy: Taxonomy) -> None:
    committed = catalog_io.read_catalog(PROJECT / "catalog.md", taxonomy)
    assert lint.check(committed, taxonomy) == []
    assert len([i for i in committed.entries() if i.entry and i.entry.kind == "paper"]) > 1000


def test_same_arxiv_id_twice(clean_text: str, taxonomy: Taxonomy) -> None:
    copy = render_entry(paper("2404.14469", "A different title for the same id"))
    text = after(clean_text, "## Speculative and Parallel Decoding", "\n" + copy)
    line = line_of(text, "A different title for the same id")
    assert problems(text, taxonomy) == [
        lint.Problem(
            line,
            (
                f"duplicate of line {line_of(text, 'SnapKV')} (same arXiv id 2404.14469): "
                "“A different title for the same id”"
            ),
        )
    ]


def test_same_title_with_another_id_and_near_identical_title(clean_text: str, taxonomy: Taxonomy) -> None:
    same = render_entry(paper("2401.00001", SNAPKV.title))
    near = render_entry(
        Entry(
            title="SnapKV: LLM Knows What You are Looking for Before Generaton",
            url="https://example.org/snapkv",
            year=2024,
        )
    )
    text = after(clean_text, "## Mixture of Experts", "\n" + same + "\n" + near)
    found = problems(text, taxonomy)
    snapkv = line_of(text, "SnapKV")
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (line_of(text, "2401.00001"), f"duplicate of line {snapkv} (same title)"),
        (line_of(text, "example.org/snapkv"), f"duplicate of line {snapkv} (nearly the same title)"),
    ]


def test_titles_that_differ_in_a_number_are_not_duplicates(clean_text: str, taxonomy: Taxonomy) -> None:
    v2 = render_entry(
        Entry(
            title="SnapKV 2: LLM Knows What You are Looking for Before Generation",
            url="https://example.org/snapkv2",
            year=2025,
        )
    )
    text = after(clean_text, "## Mixture of Experts", "\n" + v2)
    assert problems(text, taxonomy) == []


def test_entry_outside_the_sections(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(
        clean_text, taxonomy.intro[:30], "\n" + render_entry(paper("2402.02750", "KIVI: A Tuning-Free"))
    )
    assert problems(text, taxonomy) == [
        lint.Problem(
            line_of(text, "KIVI"), "entry outside the taxonomy's sections: move it under a section heading"
        )
    ]


@pytest.mark.parametrize(
    ("line", "what", "why"),
    [
        (
            "- Some paper https://arxiv.org/abs/2401.00002 without the canonical form",
            "not in the canonical form",
            "; here, no `[Title](url)` link right after '- ' (a URL has no space nor parenthesis)",
        ),
        ("| [A table row](https://arxiv.org/abs/2401.00003) | x |", "a table row", ""),
        (
            "* [Starred Paper Title](https://arxiv.org/abs/2401.00004) · arXiv 2401.00004 · Jan 2024",
            "not in the canonical form",
            "; here, it starts with '* ', not '- '",
        ),
        (
            "- [A Paper Title](https://arxiv.org/abs/2401.00005) · arXiv 2401.0005 · Jan 2024",
            "not in the canonical form",
            "; here, 'arXiv 2401.0005': 2401.0005 is no valid arXiv id",
        ),
    ],
)
def test_malformed_lines_in_a_section(
    clean_text: str, taxonomy: Taxonomy, line: str, what: str, why: str
) -> None:
    """The message says which part of the line is wrong, after the format it should have."""
    text = after(clean_text, "SnapKV", line)
    found = problems(text, taxonomy)
    assert [p.line for p in found] == [line_of(text, line.strip()[:20])]
    assert found[0].message.startswith(f"malformed entry ({what}): expected one line `- [Title](url)")
    assert found[0].message.endswith(f"(bot.core.entry.render_entry){why}")


@pytest.mark.parametrize(
    ("written", "what"),
    [
        ("January 2024", "the date: write the date as `Jan 2024`"),
        ("jan 2024", "the date: write the date as `Jan 2024`"),
        ("2024-01", "the date: write the date as `Jan 2024`"),
        ("arXiv:2401.00006", "the arXiv id: write it as `arXiv 2401.00001`"),
    ],
)
def test_a_date_or_an_id_read_as_a_venue(
    clean_text: str, taxonomy: Taxonomy, written: str, what: str
) -> None:
    """A hand-written date the line reads as a venue left the entry undated, with lint silent."""
    line = f"- [A Hand Added Paper](https://arxiv.org/abs/2401.00006) - Ada L · {written}"
    if "arXiv" not in written:
        line = line.replace(" · ", " · arXiv 2401.00006 · ")
    text = after(clean_text, "SnapKV", line)
    assert problems(text, taxonomy) == [
        lint.Problem(line_of(text, "A Hand Added"), f"'{written}' is read as a venue, not as {what}")
    ]
    fixed = line.replace(written, "arXiv 2401.00006" if "arXiv" in written else "Jan 2024")
    assert problems(after(clean_text, "SnapKV", fixed), taxonomy) == []


def test_an_entry_with_continuation_lines(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(clean_text, "SnapKV", "  a continuation line")
    assert problems(text, taxonomy) == [
        lint.Problem(
            line_of(text, "SnapKV"),
            "entry spans 2 lines: each entry is one line (indented lines below it belong to it)",
        )
    ]


def test_papers_and_resources_in_the_wrong_kind_of_section(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(clean_text, "vllm-project", render_entry(paper("2309.06180", "Efficient Memory Management")))
    text = after(
        text,
        "SnapKV",
        render_entry(
            Entry(
                title="llama.cpp",
                url="https://github.com/ggerganov/llama.cpp",
                kind="resource",
                description="Inference in C/C++",
            )
        ),
    )
    assert problems(text, taxonomy) == [
        lint.Problem(
            line_of(text, "llama.cpp"), "a resource (no arXiv id or date) in the papers section 'kv-cache'"
        ),
        lint.Problem(
            line_of(text, "Efficient Memory Management"), "a paper in the resources section 'tools'"
        ),
    ]


def test_an_entry_whose_link_and_arxiv_part_name_two_papers(clean_text: str, taxonomy: Taxonomy) -> None:
    """enrich leaves such a line alone (which paper would it update?): lint says so, in CI."""
    line = render_entry(paper("2306.14048", "H2O: Heavy-Hitter Oracle")).replace(
        "arxiv.org/abs/2306.14048", "arxiv.org/abs/2401.00001", 1
    )
    text = after(clean_text, "SnapKV", line)
    assert problems(text, taxonomy) == [
        lint.Problem(
            line_of(text, "H2O"),
            "the link shows arXiv 2401.00001 but the line says arXiv 2306.14048: make them name the "
            "same paper (enrich leaves such a line as it is)",
        )
    ]
    agreeing = after(clean_text, "SnapKV", render_entry(paper("2306.14048", "H2O")))
    assert problems(agreeing, taxonomy) == []


def test_a_link_that_is_no_entry(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(clean_text, "SnapKV", "\nSee also [this post](https://example.org/post) about it.")
    found = problems(text, taxonomy)
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (line_of(text, "See also"), "a link that is not an entry line")
    ]


def test_unknown_and_misplaced_headings(clean_text: str, taxonomy: Taxonomy) -> None:
    text = after(clean_text, "SnapKV", "\n## Random Stuff\n\n### Weight-only Quantization\n\n#### Deeper")
    found = problems(text, taxonomy)
    messages = {p.line: p.message for p in found}
    assert messages[line_of(text, "## Random Stuff")].startswith(
        "unknown heading '## Random Stuff': not a section of config/taxonomy.yml (closest:"
    )
    assert messages[line_of(text, "### Weight-only Quantization", last=True)] == (
        "heading '### Weight-only Quantization' is misplaced: it is a subsection of 'Quantization' (###)"
    )
    assert messages[line_of(text, "#### Deeper")].startswith("heading '#### Deeper' is deeper than")


def test_a_heading_without_the_space_after_its_hashes_is_named_where_it_is(
    clean_text: str, taxonomy: Taxonomy
) -> None:
    """ "##KV Cache Compression" is prose: lint said the heading was missing, at the next heading's line,
    with `import` as the fix, while the section's entries counted under the one above."""
    text = clean_text.replace("\n## KV Cache Compression\n", "\n##KV Cache Compression\n", 1)
    assert text != clean_text
    assert problems(text, taxonomy) == [
        lint.Problem(
            line_of(text, "##KV Cache"),
            "'##KV Cache Compression' is no heading (a space follows the '#'s): write '## KV Cache Compression'",
        )
    ]


@pytest.mark.parametrize(
    ("before", "heading", "why"),
    [
        (
            "\n<details>\n",
            "## KV Cache Compression",
            "is no heading: it is inside an HTML block (from a `<details>`, `<div>` or `<table>` line to the "
            "next blank line), which GitHub shows as HTML; put a blank line above it",
        ),
        (
            "\n\n- a note\n",
            "  ## KV Cache Compression",
            "opens no section: it is indented inside a list item (the item's own heading); write "
            "'## KV Cache Compression' at the start of a line, after a blank one",
        ),
    ],
)
def test_a_heading_in_an_html_block_or_a_list_item_is_named_where_it_is(
    clean_text: str, taxonomy: Taxonomy, before: str, heading: str, why: str
) -> None:
    """Right under `<details>`, or indented under the last bullet above it, `## KV Cache Compression`
    opens no section on GitHub: lint said the heading was missing, at the next heading's line."""
    text = clean_text.replace("\n\n## KV Cache Compression\n", f"{before}{heading}\n", 1)
    assert text != clean_text
    found = [p for p in problems(text, taxonomy) if "KV Cache Compression" in p.message]
    assert found[0] == lint.Problem(line_of(text, heading), f"'{heading.strip()}' {why}")


def test_missing_and_out_of_order_headings(clean_text: str, taxonomy: Taxonomy) -> None:
    lines = clean_text.splitlines(keepends=True)
    start, end = (
        line_of(clean_text, "## Low-Rank Decomposition") - 1,
        line_of(clean_text, "## Efficient Fine-tuning") - 1,
    )
    moved = "".join(lines[:start] + lines[end:])  # Low-Rank removed
    moved = after(moved, "## Surveys", "\n" + "".join(lines[start:end]).rstrip("\n"))  # ... and put too early
    found = problems(moved, taxonomy)
    assert (
        lint.Problem(
            line_of(moved, "## Quantization"),
            "heading '## Quantization' is out of order: the taxonomy puts it before 'Low-Rank Decomposition'",
        )
        in found
    )
    removed = "".join(lines[:start] + lines[end:])
    assert problems(removed, taxonomy) == [
        lint.Problem(
            line_of(removed, "## Efficient Fine-tuning"),
            "missing heading '## Low-Rank Decomposition' (taxonomy low-rank): add it above this line, where "
            "the taxonomy's order puts it, and its line to the table of contents",
        )
    ]


def test_stale_table_of_contents_and_missing_title(clean_text: str, taxonomy: Taxonomy) -> None:
    stale = clean_text.replace("  - [Structured Pruning](#structured-pruning)\n", "")
    assert problems(stale, taxonomy) == [
        lint.Problem(
            line_of(stale, "- [Knowledge Distillation](#knowledge-distillation)"),
            "table of contents is stale: '  - [Structured Pruning](#structured-pruning)' is missing "
            "before this line; it should list exactly the taxonomy's "
            "sections and subsections (`python -m bot import CATALOG --output CATALOG --replace` renders it)",
        )
    ]
    untitled = clean_text.replace(f"# {taxonomy.title}\n", "", 1)
    assert problems(untitled, taxonomy)[0] == lint.Problem(
        1, f"no title heading: the catalog starts with '# {taxonomy.title}'"
    )


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        (
            "- [Surveys](#surveys)\n",
            "* [Surveys](#surveys)\n",
            "'* [Surveys](#surveys)' should be '- [Surveys](#surveys)'",
        ),
        (
            "- [Surveys](#surveys)\n",
            "- [Surveys](#surveys)\n- [Blogs](#blogs)\n",
            "'- [Blogs](#blogs)' links no section of the taxonomy (remove it)",
        ),
        (
            "- [Surveys](#surveys)\n- [Quantization](#quantization)\n",
            "- [Quantization](#quantization)\n- [Surveys](#surveys)\n",
            "'- [Surveys](#surveys)' is missing before this line (and 1 more difference(s))",
        ),
    ],
)
def test_a_stale_table_of_contents_names_its_first_wrong_line(
    clean_text: str, taxonomy: Taxonomy, old: str, new: str, what: str
) -> None:
    """It said only 'table of contents is stale' at the contents heading, for a table of 30 lines."""
    stale = clean_text.replace(old, new, 1)
    wrong = next(
        i for i, (a, b) in enumerate(zip(stale.splitlines(), clean_text.splitlines(), strict=False)) if a != b
    )
    assert problems(stale, taxonomy) == [
        lint.Problem(
            wrong + 1,
            f"table of contents is stale: {what}; it should list exactly the taxonomy's sections and "
            "subsections (`python -m bot import CATALOG --output CATALOG --replace` renders it)",
        )
    ]


def test_spaces_at_the_end_of_the_contents_lines_are_no_stale_table(
    clean_text: str, taxonomy: Taxonomy
) -> None:
    """An editor's trailing spaces (or a markdown hard break) do not show: lint called the table stale."""
    start = clean_text.index("- [Surveys](#surveys)")
    end = clean_text.index("\n\n", start)
    spaced = clean_text[:start] + clean_text[start:end].replace("\n", "  \n") + "  " + clean_text[end:]
    assert spaced != clean_text
    assert problems(spaced, taxonomy) == []


@pytest.mark.parametrize("indent", ["\t", "    ", "   "])
def test_contents_nested_with_a_tab_or_more_spaces_is_no_stale_table(
    clean_text: str, taxonomy: Taxonomy, indent: str
) -> None:
    """A tab (or four spaces) before a subsection's contents line is the same sublist on GitHub:
    lint called the table stale ("'\\t- [Weight-only ...' should be '  - [Weight-only ...'")."""
    nested = clean_text.replace("\n  - [", f"\n{indent}- [")
    assert nested != clean_text
    assert problems(nested, taxonomy) == []
    flat = clean_text.replace("\n  - [Weight-only", "\n - [Weight-only")  # one space: no sublist
    assert [p.message.split(":")[0] for p in problems(flat, taxonomy)] == ["table of contents is stale"]


def test_a_catalog_saved_with_a_byte_order_mark_and_crlf_is_clean(
    clean_text: str, taxonomy: Taxonomy
) -> None:
    assert problems("\ufeff" + clean_text.replace("\n", "\r\n"), taxonomy) == []


def test_duplicate_pairs_scale_to_a_big_catalog() -> None:
    titles = [
        (f"Paper number {i} about topic {i % 97} and method {i % 89}", f"24{i % 12 + 1:02d}.{i:05d}")
        for i in range(3000)
    ]
    titles.append(("Paper number 12 about topic 12 and method 12", None))
    assert lint.duplicate_pairs(titles) == [(12, 3000, "same title")]


def test_cli_prints_file_line_message_and_fails(
    tmp_path: Path, clean_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.md"
    path.write_text(after(clean_text, "SnapKV", "- not an entry line"), encoding="utf-8")
    assert cli.main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    line = line_of(path.read_text(encoding="utf-8"), "not an entry line")
    assert out[0].startswith(f"{path}:{line}: malformed entry (not in the canonical form)")
    assert out[-1] == (
        f"{path}: 1 problem; fix them by hand (`python -m bot import {path} --output {path} --replace` "
        "renders its headings and table of contents anew)"
    )


def test_the_command_lint_names_runs_as_written_and_renders_the_contents(
    tmp_path: Path,
    clean_text: str,
    taxonomy: Taxonomy,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """lint's last line said "rebuild with `python -m bot import`": a usage error (exit 2), as the
    missing heading's message was until round 24. The command it names now runs as written and
    leaves a stale table of contents fixed, every paper kept."""
    broken = clean_text.replace("  - [Structured Pruning](#structured-pruning)\n", "")
    (tmp_path / "catalog.md").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lint", "catalog.md"]) == 1
    said = re.search(r"`python -m bot (import [^`]*)`", capsys.readouterr().out.splitlines()[-1])
    assert said is not None
    assert cli.main(said.group(1).split()) == 0
    assert cli.main(["lint", "catalog.md"]) == 0
    before, after_import = (
        sorted(
            (i.section, i.subsection, i.arxiv_ids, i.title)
            for i in catalog_parse.parse(text, taxonomy).listed()
        )
        for text in (clean_text, (tmp_path / "catalog.md").read_text(encoding="utf-8"))
    )
    assert before == after_import and len(before) == 3


def test_cli_says_ok_on_a_clean_catalog(
    tmp_path: Path, clean_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.md"
    path.write_text(clean_text, encoding="utf-8")
    assert cli.main(["lint", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok (2 papers, 1 resource in 3 sections)\n"
    assert cli.main(["lint", str(tmp_path / "missing.md")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_the_paper_store_is_compared_with_the_catalog_as_warnings(
    clean_text: str, taxonomy: Taxonomy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.core import paper_store

    path, store = tmp_path / "catalog.md", tmp_path / "data" / "papers.jsonl"
    path.write_text(clean_text, encoding="utf-8")
    assert lint.run(path, taxonomy, __import__("sys").stdout, store) == 0  # no store yet: nothing to say
    assert "warning" not in capsys.readouterr().out
    store.parent.mkdir()
    records = [
        paper_store.PaperRecord(arxiv_id=i, title="t", fetched="2025-01-01")
        for i in ("2101.00001", "2404.14469")
    ]
    store.write_text(paper_store.dump(records), encoding="utf-8")
    assert lint.run(path, taxonomy, __import__("sys").stdout, store) == 0
    out = capsys.readouterr().out
    assert f"{store}:1: warning: arXiv 2101.00001 is in the store but no longer listed" in out
    assert (
        f"{path}:{line_of(clean_text, '2210.17323')}: warning: arXiv 2210.17323 is not in the paper store"
        in out
    )
    assert "2404.14469" not in out and ": ok (" in out


def test_a_paper_store_that_is_not_utf8_is_a_clear_error(
    clean_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lint` read the store with a bare read_text: a store saved in another encoding was a
    traceback (exit 3), where `enrich` says which file and what to do."""
    (tmp_path / "catalog.md").write_text(clean_text, encoding="utf-8")
    (tmp_path / "store.jsonl").write_bytes('{"title": "Caf\xe9"}\n'.encode("latin-1"))
    assert cli.main(["lint", str(tmp_path / "catalog.md"), "--store", str(tmp_path / "store.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "store.jsonl is not UTF-8 text" in err and "Traceback" not in err


def test_a_store_line_that_does_not_read_fails_lint_naming_it(
    clean_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/papers.md: a store line that does not read fails `enrich`, and `lint` too (exit 1, the
    same one line), while poll, backfill and new-topics go on without the store."""
    (tmp_path / "catalog.md").write_text(clean_text, encoding="utf-8")
    (tmp_path / "store.jsonl").write_text(
        '{"arxiv_id": "2210.17323", "withdrawn": "false"}\n', encoding="utf-8"
    )
    assert cli.main(["lint", str(tmp_path / "catalog.md"), "--store", str(tmp_path / "store.jsonl")]) == 1
    err = capsys.readouterr().err
    assert 'store.jsonl:1: not a paper record (withdrawn must be true or false, not "false")' in err
    assert "Traceback" not in err


def test_the_docs_show_lint_on_a_broken_catalog(
    tmp_path: Path,
    clean_text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """docs/catalog.md includes this output (tests/golden/catalog-lint-broken.txt): a catalog with a
    stale table of contents, the same paper twice, and a hand-written line about it."""
    broken = clean_text.replace("  - [Structured Pruning](#structured-pruning)\n", "")
    broken = after(broken, "SnapKV", render_entry(SNAPKV))
    broken = after(broken, "SnapKV", "- SnapKV again, see https://arxiv.org/abs/2404.14469")
    (tmp_path / "broken.md").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    status = cli.main(["lint", "broken.md"])

    out = capsys.readouterr().out
    assert status == 1 and out.count("broken.md:") == 5
    assert_shown_in_docs(
        "catalog.md", "catalog-lint-broken.txt", f"$ python -m bot lint broken.md; echo $?\n{out}{status}\n"
    )


@pytest.mark.parametrize(
    ("entries", "verb"), [(1, "the 1 entry under it counts"), (2, "the 2 entries under it count")]
)
def test_a_misspelled_heading_says_how_many_entries_it_holds_in_words(
    clean_text: str, taxonomy: Taxonomy, entries: int, verb: str
) -> None:
    lines = [render_entry(paper(f"2405.0000{i}", f"Paper {i}")) for i in range(1, entries + 1)]
    start = clean_text.index("\n## Low-Rank Decomposition\n")
    end = clean_text.index("\n## ", start + 1)
    text = clean_text[:start] + "\n## Low-Rank Decompositon\n\n" + "\n".join(lines) + "\n" + clean_text[end:]
    [message] = [p.message for p in problems(text, taxonomy) if "Decompositon" in p.message]
    assert (
        f"did you mean '## Low-Rank Decomposition' (taxonomy low-rank)? Rename it; {verb} as outside"
        in message
    )


@pytest.mark.parametrize("job", ["lint", "stats"])
def test_a_catalog_that_is_not_utf8_names_its_line_and_what_to_do(
    job: str, clean_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "is not UTF-8 text ('utf-8' codec can't decode byte 0xe9 in position 4312: ...)"."""
    path = tmp_path / "catalog.md"
    path.write_bytes(clean_text.encode("utf-8").replace(b"SnapKV:", b"SnapKV \xe9:"))  # one Latin-1 byte
    assert cli.main([job, str(path)]) == 1
    assert (
        f"error: {path}:{line_of(clean_text, 'SnapKV:')}: not UTF-8 text (byte 0xe9, an older encoding such "
        "as Latin-1 or Windows-1252?): save it as UTF-8 (in its folder: iconv -f windows-1252 -t utf-8 "
        "catalog.md > utf8.tmp && mv utf8.tmp catalog.md)"
    ) in capsys.readouterr().err


def test_the_summary_counts_what_readers_see_as_stats_does(
    clean_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lint said 'ok (3 papers ...)' of a catalog whose third paper is commented out, where stats
    counts 2: the summary counts the listed entries and says how many are hidden."""
    h2o = render_entry(paper("2306.14048", "H2O: Heavy-Hitter Oracle for Efficient Inference"))
    path = tmp_path / "catalog.md"
    path.write_text(after(clean_text, "## Efficient Reasoning", f"\n<!--\n{h2o}\n-->"), encoding="utf-8")
    assert cli.main(["lint", str(path)]) == 0
    assert (
        capsys.readouterr().out.strip().endswith(": ok (2 papers, 1 resource in 3 sections; 1 commented out)")
    )
    assert cli.main(["stats", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["papers"] == 2


def test_a_store_option_that_names_no_file_is_an_error(
    clean_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--store data/paper.jsonl` (a typo) compared nothing and said ok: a missing store is only
    normal for the default one, before the first enrich."""
    (tmp_path / "catalog.md").write_text(clean_text, encoding="utf-8")
    for store, what in ((tmp_path / "paper.jsonl", "no such file"), (tmp_path, "a folder")):
        assert cli.main(["lint", str(tmp_path / "catalog.md"), "--store", str(store)]) == 1
        assert f"error: --store {store}: {what}; pass the paper store's path" in capsys.readouterr().err
    assert cli.main(["lint", str(tmp_path / "catalog.md")]) == 0  # the default store is not there yet


def test_docs_catalog_md_shows_what_lint_prints_on_the_fixture_catalog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(PROJECT)
    assert cli.main(["lint"]) == 0
    shown = f"```text\n$ python -m bot lint\n{capsys.readouterr().out}```"
    assert shown in (Path(__file__).parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")


def test_a_missing_catalog_names_a_command_that_creates_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "run `python -m bot import` to create one": without a list and --output that stops
    at a usage error. The commands it names run as written, with LIST in place."""
    import re
    import shlex

    missing = tmp_path / "missing.md"
    assert cli.main(["lint", str(missing)]) == 1
    err = capsys.readouterr().err
    commands = re.findall(r"`python -m bot ([^`]+)`", err)
    assert [c.split()[0] for c in commands] == ["import", "init"], err
    for command in commands:
        argv = shlex.split(command.replace("LIST", "README.md"))
        assert cli.build_parser(argv[0]).parse_args(argv).command == argv[0]
    assert f"--output {missing}" in err


def test_a_catalog_with_underlined_headings_is_clean(clean_text: str, taxonomy: Taxonomy) -> None:
    """`Title` over `=====` and sections over `-----` (setext) are headings on GitHub: lint said
    'no title heading', every section 'missing' and every entry outside the taxonomy."""
    lines = []
    for line in clean_text.splitlines():
        level = len(line) - len(line.lstrip("#"))
        if level in (1, 2) and line[level:].startswith(" "):
            lines += [line[level + 1 :], ("=" if level == 1 else "-") * 5]
        else:
            lines.append(line)
    underlined = "\n".join(lines) + "\n"
    assert "\n## " not in underlined and "\nContents\n-----\n" in underlined
    assert problems(underlined, taxonomy) == []


@pytest.mark.parametrize(
    "heading",
    [
        "## [KV Cache Compression](#kv-cache-compression)",
        "## **KV Cache Compression**",
        "## <a id='kv'></a>KV Cache Compression",
        "## `KV Cache Compression`",
        "## kv cache compression",
        "## KV Cache Compression 🔧",
        "## 🚀 KV Cache Compression",
        "## KV Cache Compression ⚡️",
    ],
)
def test_a_linked_emphasised_or_decorated_heading_is_its_section(
    clean_text: str, taxonomy: Taxonomy, heading: str
) -> None:
    """A section heading is matched by the text it shows (a link's label, no emphasis, code, HTML
    or emoji): `## [KV Cache Compression](#...)` or `## KV Cache Compression 🔧` was an unknown
    heading to lint and its entries were outside the taxonomy (stats: uncounted; insert: no such
    section). Lint still checks the contents' link against the heading's own anchor."""
    text = clean_text.replace("## KV Cache Compression", heading)
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.find_by_id("2404.14469").section == "kv-cache"  # type: ignore[union-attr]
    assert parsed.insert(paper("2403.00001", "A new KV cache paper"), "kv-cache").find_by_id("2403.00001")
    found = problems(text, taxonomy)
    assert [p.message.split(":")[0] for p in found] in ([], ["table of contents is stale"])
    anchor = catalog_document.contents_anchors(parsed)["kv-cache"]
    fixed = text.replace("(#kv-cache-compression)", f"(#{anchor})")
    assert problems(fixed, taxonomy) == []


def test_a_decorated_contents_heading_is_the_contents(clean_text: str, taxonomy: Taxonomy) -> None:
    text = clean_text.replace("## Contents", "## 📚 **Contents**")
    assert problems(text, taxonomy) == []
    assert catalog_parse.parse(text, taxonomy).find_by_title("Surveys", fuzzy=False) is None


@pytest.mark.parametrize("empty", ["##", "## #", "###   "])
def test_an_empty_heading_is_named_as_one(clean_text: str, taxonomy: Taxonomy, empty: str) -> None:
    """`##` alone is an empty heading on GitHub, which ends the section above: lint said
    "unknown heading '## ': not a section (closest: surveys, quantization, pruning)"."""
    text = after(clean_text, "- [SnapKV", empty)
    assert [p.message.split(":")[0] for p in problems(text, taxonomy)] == [
        f"empty heading '{empty.split()[0]}'"
    ]


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("<details>\n<summary>Older</summary>\n", False),
        ("<p align='center'><img src='x.png'></p>\n", False),
        ("<details>\n<summary>Older</summary>\n\n", True),
        ("<!-- a note -->\n", True),
    ],
)
def test_an_entry_inside_an_html_block_is_named(
    clean_text: str, taxonomy: Taxonomy, html: str, shown: bool
) -> None:
    """An entry right under `<details>` (no blank line) is part of the HTML block: GitHub shows
    `- [SnapKV](...)` as raw text, and lint said nothing."""
    text = clean_text.replace("- [SnapKV", f"{html}- [SnapKV", 1)
    found = [p for p in problems(text, taxonomy) if "HTML block" in p.message]
    assert [p.line for p in found] == ([] if shown else [line_of(text, "- [SnapKV")])


FOOTER = (
    "\n## 🤝 Contributing\n\nRead [CONTRIBUTING.md](CONTRIBUTING.md) first.\n\n"
    "- [Open an issue](https://github.com/o/r/issues/new)\n\n### Code of conduct\n\nBe kind.\n\n"
    "## License\n\n[![CC0](https://licensebuttons.net/p/zero/1.0/88x31.png)](https://creativecommons.org/publicdomain/zero/1.0/)\n"
)


HEADER = (
    "## 🌟 About\nWhy this list exists, and [who](https://example.org/us) keeps it.\n\n"
    "## Why read it\n- 📊 curated by hand\n- [Our blog](https://example.org/blog)\n\n### Aims\n\nBe useful.\n\n"
)


def test_sections_of_prose_above_the_list_are_the_maintainers(clean_text: str, taxonomy: Taxonomy) -> None:
    """NexaAI's README opens with About and Why sections above its list: lint called them unknown
    headings and their links stray entries. Between the title and the list, a ``#``/``##`` section
    that holds no paper and no table of contents is prose (``header_headings: auto``): lint, stats
    and the site leave it alone and no lookup finds its links; one with a paper stays an error,
    unless ``header_headings`` names it; ``[]`` turns the detection off."""
    from bot.jobs.stats import uncounted
    from bot.site.headings import unknown_headings

    at = clean_text.index("## Contents")
    text = clean_text[:at] + HEADER + clean_text[at:]
    parsed = catalog_parse.parse(text, taxonomy)
    assert parsed.render() == text
    assert problems(text, taxonomy) == []
    assert unknown_headings(parsed, taxonomy) == [] and uncounted(parsed, taxonomy) == []
    assert parsed.find_by_title("Our blog", fuzzy=False) is None
    assert len(parsed.listed()) == 3
    # an entry inserted in the first section leaves the header as it was
    inserted = parsed.insert(
        dataclasses.replace(VLLM, title="SGLang", url="https://github.com/x/sglang"), "tools"
    )
    assert (
        inserted.render().startswith(text[: at + len(HEADER)]) and problems(inserted.render(), taxonomy) == []
    )
    # a paragraph citing the maintainers' own paper is still prose (docs/catalog.md says so)
    cited = text.replace("keeps it.", "keeps it ([our survey](https://arxiv.org/abs/2402.12345)).")
    assert cited != text and problems(cited, taxonomy) == []
    # a paper there is no prose: lint says so, until header_headings names the heading
    news = text.replace("Be useful.", "- [SnapKV reprint](https://arxiv.org/abs/2404.14469)")
    found = [p.message for p in problems(news, taxonomy)]
    assert found and found[0].startswith("unknown heading '## Why read it'")
    assert "`header_headings`" in found[0]
    named = dataclasses.replace(taxonomy, header_headings=("about", "Why read it"))
    assert problems(news, named) == []
    off = [p.message for p in problems(text, dataclasses.replace(taxonomy, header_headings=()))][0]
    assert off.startswith("unknown heading '## 🌟 About'")
    # a heading left out of the list is no prose even without a paper: the message does not say
    # "when it holds no paper" then, it says what the list names
    assert off.endswith(
        "is kept as written when `header_headings` of config/taxonomy.yml names it (it names none; "
        "`auto` finds those that hold no paper)"
    )
    about = dataclasses.replace(taxonomy, header_headings=("About",))
    why = [p.message for p in problems(text, about)][0]
    assert why.startswith("unknown heading '## Why read it'") and "(it names About;" in why


def test_footer_headings_hold_prose_that_lint_and_the_site_leave_alone(
    clean_text: str, taxonomy: Taxonomy
) -> None:
    """An awesome list kept in its README ends with Contributing and License: lint called them
    unknown headings and their links stray entries, so the list could not be its own catalog.
    ``footer_headings`` names them; without it, lint's message says so."""
    from bot.site.headings import unknown_headings

    text = clean_text + FOOTER
    found = [p.message for p in problems(text, taxonomy)]
    assert len(found) == 6  # two headings, the ### under one, the two links and the badge
    assert found[0].startswith("unknown heading '## 🤝 Contributing': not a section of config/taxonomy.yml")
    assert found[0].endswith(
        "; a heading of prose after the sections (Contributing, License) goes in `footer_headings` "
        "of config/taxonomy.yml"
    )
    footers = dataclasses.replace(taxonomy, footer_headings=("Contributing", "license"))
    assert problems(text, footers) == []
    parsed = catalog_parse.parse(text, footers)
    assert unknown_headings(parsed, footers) == []
    assert parsed.find_by_title("Open an issue", fuzzy=False) is None  # no entry there
    # an entry of the last section goes above the footer, which stays as it was
    course = dataclasses.replace(VLLM, title="A Course", url="https://example.org/course")
    inserted = parsed.insert(course, "resources")
    assert inserted.render().endswith(FOOTER) and problems(inserted.render(), footers) == []


@pytest.mark.parametrize("text", ["", "# My tool\n\nIt does things.\n"])
def test_a_file_without_entries_is_not_offered_an_import_of_itself(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lint of an empty file (or a README) ended with "fix them by hand (`python -m bot import
    X --output X --replace` renders its headings ... anew)": an import of a file with no entries
    renders nothing (and of a README, replaces it). The summary offers it only with entries."""
    path = tmp_path / "catalog.md"
    path.write_text(text, encoding="utf-8")

    assert cli.main(["lint", str(path)]) == 1

    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith(f"{path}: ") and summary.endswith("; fix them by hand")
