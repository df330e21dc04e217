"""`init`: adopt the bot on another awesome list; the generated config passes validate-config,
lint and a dry-run poll, in a repository that is not this one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot import __main__ as cli
from bot.config import load_taxonomy
from bot.core.catalog_io import read_catalog
from bot.jobs import doctor, init
from bot.jobs.init.files import arxiv_common_words
from bot.sources.lists.items import shown_text
from bot.sources.lists.scaffold import scaffold
from bot.sources.lists.starter_rules import common_words
from tests.conftest import FIXTURES, PROJECT, ROOT

LISTS = FIXTURES / "lists"
LISTS_TO_ADOPT = [
    "Zefan-Cai__Awesome-LLM-KV-Cache__README.md",  # bullets, one level of sections
    "NexaAI__Awesome-LLMs-on-device__README.md",  # sections and subsections, papers and tools
    "Zhen-Dong__Awesome-Quantization-Papers__README.md",  # venue-tag bullets, nested headings
    "awesome-efficient-llm-plaza.md",  # "Other" as a section and as a subsection of three
]


@pytest.fixture
def adopter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository of another list, where the bot runs from the repository root."""
    repo = tmp_path / "other-list"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    return repo


@pytest.mark.parametrize("name", LISTS_TO_ADOPT)
def test_init_then_validate_lint_and_a_dry_run_poll(
    adopter: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(LISTS / name, adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "catalog.md" in out and "0 unmapped" in out
    said = [line for line in out.splitlines() if str(adopter / "catalog.md") in line]
    assert len(said) == 1 and said[0].endswith(" arXiv ids added, 0 removed)")  # not also a bare "wrote"
    taxonomy = load_taxonomy(adopter / "config")
    catalog = read_catalog(adopter / "catalog.md", taxonomy)
    assert len(taxonomy.sections) >= 2
    assert len(catalog.entries()) >= 40  # the list's papers, in the one-line format
    form = yaml.safe_load((adopter / init.FORM_PATH).read_text(encoding="utf-8"))
    dropdown = next(f for f in form["body"] if f.get("id") == "section")
    assert dropdown["attributes"]["options"] == [s.title for s in taxonomy.sections if s.kind == "papers"]
    keywords = yaml.safe_load((adopter / "config" / "keywords.yml").read_text(encoding="utf-8"))
    assert set(keywords["sections"]) <= set(taxonomy.section_ids())

    assert cli.main(["validate-config"]) == 0
    assert cli.main(["lint", "catalog.md"]) == 0
    assert "catalog.md: ok" in capsys.readouterr().out
    assert cli.main(["poll", "--dry-run", "--repo", str(adopter)]) == 0
    poll = capsys.readouterr().out
    routed = {s.id for s in taxonomy.sections if f"| {s.id}" in poll}
    assert routed, "the dry run routes papers to the new list's sections"


def test_sections_subsections_ids_and_starter_keywords() -> None:
    text = (LISTS / "NexaAI__Awesome-LLMs-on-device__README.md").read_text(encoding="utf-8")
    plan = scaffold("README.md", text)
    data = plan.taxonomy("intro")
    ids = [s["id"] for s in data["sections"]] + [
        sub["id"] for s in data["sections"] for sub in s.get("subsections", [])
    ]
    assert len(ids) == len(set(ids)) and all(i == i.lower() and " " not in i for i in ids)
    titles = [s["title"] for s in data["sections"]]
    assert "Foundational LLMs and Models" in " | ".join(titles) or len(titles) >= 5
    rules = plan.mapping("README.md")["rules"]
    assert all(r["files"] == ["README.md"] and r["path"].startswith("^") for r in rules)
    keywords = plan.keywords()["sections"]
    for section_id, raw in keywords.items():
        assert raw["patterns"], section_id
        assert all(p == p.lower() for p in raw["patterns"])  # case-insensitive words
        # a subsection's words count for the section too: each word once per section
        listed = raw["patterns"] + [w for words in raw.get("subsections", {}).values() for w in words]
        assert len(listed) == len(set(listed)), section_id
        assert all(raw.get("subsections", {}).values()), section_id  # no empty lists
    assert any(raw.get("subsections") for raw in keywords.values())


def test_common_words_are_those_of_more_than_the_share_of_texts() -> None:
    texts = ["Fast LLMs for all", "LLMs on-device", "Quantized LLMs", "Fast decoding"] * 25
    assert common_words(texts, share=0.3) == {"llms", "fast"}  # "quantized", "on-device": 25 of 100
    assert common_words(texts, share=0.8) == set()


def test_starter_rules_never_use_words_common_in_papers_at_large(adopter: Path) -> None:
    """On the on-device list, "LLMs" heads most sections and "performance" a subsection: as rules
    they would add points to any paper (the recorded day's EEG, credit-default and time-series
    papers were proposed). The words common in the background's papers are never rules."""
    shutil.copy(LISTS / "NexaAI__Awesome-LLMs-on-device__README.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    keywords = yaml.safe_load((adopter / "config" / "keywords.yml").read_text(encoding="utf-8"))
    words = {
        w
        for raw in keywords["sections"].values()
        for w in [*raw["patterns"], *(x for ws in raw.get("subsections", {}).values() for x in ws)]
    }
    common = arxiv_common_words()
    assert {"llm", "performance", "efficient", "case"} <= common
    assert not words & common
    assert {"on-device", "moe", "quantization"} <= words  # what the list is about stays


def test_existing_files_are_kept_and_the_form_dropdown_is_updated(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    form = adopter / init.FORM_PATH
    form.parent.mkdir(parents=True)
    shutil.copy(PROJECT / init.FORM_PATH, form)  # this project's form, with its own sections
    (adopter / "config").mkdir()
    (adopter / "config" / "poll.yml").write_text("max_pull_requests: 3\n", encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    out = capsys.readouterr().out
    assert f"updated {form}" in out
    text = form.read_text(encoding="utf-8")
    assert text.startswith('# The "Add a paper" issue form.')  # comments kept
    assert "Quantization" not in yaml.safe_load(text)["body"][3]["attributes"]["options"]
    assert cli.main(["init", "--from", "README.md"]) == 0  # a rerun keeps everything
    assert "wrote" not in capsys.readouterr().out
    assert (adopter / "config" / "poll.yml").read_text(encoding="utf-8") == "max_pull_requests: 3\n"


def test_a_file_without_a_list_says_0_entries_read(adopter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (adopter / "README.md").write_text("# Notes\n\nJust prose, no list.\n", encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 1
    assert "0 entries read" in capsys.readouterr().err
    assert not (adopter / "config").exists()


def test_a_list_saved_with_a_byte_order_mark_and_crlf_gives_its_title_and_intro(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BOM hid the `#` heading: the title became the folder's name and the intro the heading's
    own line (``\ufeff# Awesome Robot Learning``), a second title in the catalog."""
    text = (FIXTURES / "adopt" / "awesome-robot-learning.md").read_text(encoding="utf-8")
    (adopter / "README.md").write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "the folder's name" not in capsys.readouterr().out
    taxonomy = yaml.safe_load((adopter / "config" / "taxonomy.yml").read_text(encoding="utf-8"))
    assert taxonomy["title"] == "Awesome Robot Learning"
    assert taxonomy["intro"].startswith("A curated list of robot learning papers")
    assert cli.main(["import", "README.md", "--output", "again.md"]) == 0
    assert (adopter / "again.md").read_text(encoding="utf-8") == (adopter / "catalog.md").read_text(
        encoding="utf-8"
    )


def test_a_list_without_arxiv_links_becomes_a_catalog_of_venue_papers(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`- [Title](venue page) - Authors, Venue Year`: every paper read, none with the authors
    glued to its title, and the catalog passes lint."""
    shutil.copy(FIXTURES / "adopt" / "awesome-robot-grasping.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    out = capsys.readouterr().out
    assert "0 unreadable" in out and "9 unique papers (0 with an arXiv id) and 3 resources" in out
    catalog = read_catalog(adopter / "catalog.md", load_taxonomy(adopter / "config"))
    papers = [i.entry for i in catalog.entries() if i.entry and i.entry.kind == "paper"]
    assert len(papers) == 9 and all(e.year and e.venue for e in papers)
    assert not [e.title for e in papers if " - " in e.title or e.title.endswith("-")]
    assert cli.main(["lint", "catalog.md"]) == 0


def test_numbered_headings_give_sections_without_their_numbers(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "## 1. KV Cache Quantization ##", "### 1.1 🔢 Integer Quantization", "## 2) Low Rank": the
    ids were 1-kv-cache-quantization and 11-integer-quantization (`/add ID 11-integer-quantization`),
    the titles kept the numbers and the emoji. The mapping still matches the list's own headings."""
    shutil.copy(FIXTURES / "adopt" / "awesome-numbered-kv.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "0 unmapped, 0 unreadable" in capsys.readouterr().out
    taxonomy = load_taxonomy(adopter / "config")
    assert [(s.id, s.title) for s in taxonomy.sections] == [
        ("kv-cache-quantization", "KV Cache Quantization"),
        ("low-rank", "Low Rank"),
        ("2024-surveys", "2024 Surveys"),  # a year is no numbering
    ]
    assert [(s.id, s.title) for s in taxonomy.children("kv-cache-quantization")] == [
        ("integer-quantization", "Integer Quantization"),
        ("mixed-precision", "Mixed Precision"),
    ]
    catalog = read_catalog(adopter / "catalog.md", taxonomy)
    assert len(catalog.entries()) == 9  # the rows inside <details> too
    assert cli.main(["lint", "catalog.md"]) == 0
    before = (adopter / "catalog.md").read_text(encoding="utf-8")
    assert cli.main(["import", "README.md", "--output", "catalog.md", "--replace"]) == 0
    assert (adopter / "catalog.md").read_text(encoding="utf-8") == before


def test_numbering_stays_when_dropping_it_would_make_two_sections_one() -> None:
    text = (
        "# L\n\n## 1. Other\n\n- [Paper One Title](https://arxiv.org/abs/2401.00001)\n\n"
        "## 2. Other\n\n- [Paper Two Title](https://arxiv.org/abs/2401.00002)\n"
    )
    assert [s.title for s in scaffold("README.md", text).sections] == ["1. Other", "2. Other"]


def test_underlined_headings_are_the_title_and_the_sections(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Quantization" over "------------" was prose: the sections collapsed into one "Papers"
    and the title was the folder's name."""
    shutil.copy(FIXTURES / "adopt" / "awesome-setext.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "the folder's name" not in capsys.readouterr().out
    taxonomy = load_taxonomy(adopter / "config")
    assert taxonomy.title == "Awesome Underlined"
    assert [s.title for s in taxonomy.sections] == ["Quantization", "Pruning"]
    catalog = read_catalog(adopter / "catalog.md", taxonomy)
    assert {i.section for i in catalog.entries()} == {"quantization", "pruning"}
    assert len(catalog.entries()) == 4
    assert cli.main(["lint", "catalog.md"]) == 0


def test_a_list_whose_sections_are_level_one_headings_takes_no_section_as_its_title() -> None:
    """ "# Quantization" over entries, "# Pruning" over others: the catalog was titled
    "Quantization" (its first section's name)."""
    text = (
        "# Quantization\n\n- [GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323)\n\n"
        "# Pruning\n\n- [SparseGPT: Massive Language Models Can Be Pruned](https://arxiv.org/abs/2301.00774)\n"
    )
    plan = scaffold("README.md", text)
    assert [s.title for s in plan.sections] == ["Quantization", "Pruning"]
    assert plan.title == "Awesome Papers"  # init names it after the folder
    flat = "# Awesome Pruning\n\n- [SparseGPT: Massive Language Models Can Be Pruned](https://arxiv.org/abs/2301.00774)\n"
    assert scaffold("README.md", flat).title == "Awesome Pruning"


_RESOURCES_LIST = (
    "# Awesome Res\n\n## Quantization\n\n"
    "- [GPTQ: Accurate Post-Training Quantization](https://arxiv.org/abs/2210.17323)\n"
    "- [AutoGPTQ](https://github.com/AutoGPTQ/AutoGPTQ) - An easy-to-use quantization package.\n\n"
    "## Resources\n\n- [A Blog on Quantization](https://huggingface.co/blog/quantization) - A blog post.\n"
)


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        (_RESOURCES_LIST, [("quantization", "Quantization"), ("resources", "Resources")]),
        (
            _RESOURCES_LIST
            + "\n## Courses\n\n- [A Course on Efficient AI](https://hanlab.mit.edu/courses) - MIT.\n",
            [
                ("quantization", "Quantization"),
                ("resources-2", "Resources"),
                ("courses", "Courses"),
                ("resources", "Other Resources"),
            ],
        ),
    ],
)
def test_a_tool_among_papers_goes_to_the_lists_own_resources_section(
    adopter: Path, text: str, sections: list[tuple[str, str]]
) -> None:
    """A tool under a papers heading made init add a section "Resources" next to the list's own
    "Resources": two sections of one title, and a catalog lint failed at once."""
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = load_taxonomy(adopter / "config")
    assert [(s.id, s.title) for s in taxonomy.sections] == sections
    assert cli.main(["lint", "catalog.md"]) == 0
    catalog = read_catalog(adopter / "catalog.md", taxonomy)
    tool = next(i for i in catalog.entries() if "AutoGPTQ" in i.title)
    assert tool.section == "resources"


def test_section_titles_show_no_markdown_marks_emoji_codes_or_entities() -> None:
    """ "## *Efficient* Inference" was the section "Efficient* Inference" (clean_heading trims a
    heading's ends only), "## `vLLM` and _Serving_" "vLLM` and _Serving_", "&amp;" stayed."""
    papers = iter(["2210.17323", "2309.06180", "2301.00774", "2211.17192", "2404.14469"])
    headings = [
        "*Efficient* Inference",
        "`vLLM` and _Serving_",
        "Pruning :fire:",
        "Speculative Decoding &amp; Drafts",
        "LLM_Pruner and 2*3",
    ]
    text = "# Awesome *Marks*\n\n" + "".join(
        f"## {h}\n\n- [A Paper Title Long Enough](https://arxiv.org/abs/{next(papers)})\n\n" for h in headings
    )
    plan = scaffold("README.md", text)
    assert plan.title == "Awesome Marks"
    assert [s.title for s in plan.sections] == [
        "Efficient Inference",
        "vLLM and Serving",
        "Pruning",
        "Speculative Decoding & Drafts",
        "LLM_Pruner and 2*3",  # a mark inside a word is no emphasis
    ]
    assert "Efficient\\*\\ Inference" in plan.mapping("README.md")["rules"][0]["path"]  # the list's heading


def test_a_heading_with_control_characters_makes_a_clean_section_title(adopter: Path) -> None:
    """A list's "## Quant\\x01ization" became the section title "Quant\\x01ization" (and an ANSI
    escape stayed in "Pru\\x1b[31mning"): written to config/taxonomy.yml as a YAML escape and to
    catalog.md as is, it made the site's chart.svg no XML (a browser showed no chart)."""
    text = (
        "# Awesome \x1b[1mX\n\n## Quant\x01ization\n\n"
        "- [A Paper Title Long Enough](https://arxiv.org/abs/2210.17323)\n\n"
        "## Pru\x1b[31mning \u202eA\n\n- [Another Paper Title Long Enough](https://arxiv.org/abs/2301.00774)\n"
    )
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = load_taxonomy(adopter / "config")  # refuses a control character
    assert (taxonomy.title, [s.title for s in taxonomy.sections]) == (
        "Awesome [1mX",
        ["Quantization", "Pru[31mning A"],
    )
    assert cli.main(["lint", "catalog.md"]) == 0


def test_an_intro_with_control_characters_is_written_clean(adopter: Path) -> None:
    """The list's first paragraph with an ANSI escape or a bidi override became the taxonomy's
    intro as written, which the config check refuses: init stopped with "the generated config
    has problems (a bug of init)" and wrote nothing."""
    text = (
        "# Awesome X\n\nA list of \x1b[2Jpapers \u202eabout fast models.\n\n## Quantization\n\n"
        "- [A Paper Title Long Enough](https://arxiv.org/abs/2210.17323)\n"
    )
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert load_taxonomy(adopter / "config").intro == "A list of [2Jpapers about fast models."


def test_a_jekyll_front_matter_is_no_intro(adopter: Path) -> None:
    """A GitHub Pages list opens with `---` / `layout: default` / ... / `---`: its intro was
    "layout: default title: ... permalink: /"."""
    text = (FIXTURES / "adopt" / "awesome-robot-learning.md").read_text(encoding="utf-8")
    front = "---\nlayout: default\ntitle: Awesome Robot Learning\ntags:\n  - robots\npermalink: /\n---\n\n"
    (adopter / "README.md").write_text(front + text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = yaml.safe_load((adopter / "config" / "taxonomy.yml").read_text(encoding="utf-8"))
    assert taxonomy["intro"].startswith("A curated list of robot learning papers")


@pytest.mark.parametrize(
    "text",
    [
        "---\n\n# Title\n\n- [A](https://x.org)\n\n---\n\nmore\n",  # a rule, then another
        "---\n# Title\n---\n",
    ],
)
def test_a_list_that_opens_with_a_rule_keeps_what_follows(text: str) -> None:
    assert shown_text(text) == text


def test_a_list_of_entries_none_readable_says_why_not_that_there_is_no_list(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Venue links without a year: init said "0 entries read: no list of papers found"."""
    (adopter / "README.md").write_text(
        "# L\n\n## Grasping\n\n"
        "- [Dex-Net 2.0: Deep Learning to Plan Robust Grasps](https://www.roboticsproceedings.org/rss13/p58.pdf)\n"
        "- [GraspNet-1Billion: A Large-Scale Benchmark](https://openaccess.thecvf.com/Fang_CVPR_2020_paper.pdf)\n",
        encoding="utf-8",
    )
    assert cli.main(["init", "--from", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "0 entries read of 2 found: a paper link without arXiv id or year (lines 5, 6)" in err
    assert "a link and a year" in err and "no list of papers found" not in err
    assert not (adopter / "config").exists()


def test_generated_output_stays_out_of_git(adopter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After init, a local `site` build (and the scorer cache) is ignored: `git add -A` commits
    the catalog and the config, never `_site/`. An existing .gitignore keeps its lines."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    (adopter / ".gitignore").write_text("node_modules/", encoding="utf-8")  # no final newline
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert f"updated {adopter / '.gitignore'}" in capsys.readouterr().out
    assert cli.main(["site", "--output", "_site"]) == 0
    (adopter / ".catalog-bot-cache").mkdir()
    (adopter / ".catalog-bot-cache" / "scorer-x.pickle").write_bytes(b"x")
    (adopter / ".backfill-state.json").write_text("{}", encoding="utf-8")  # an interrupted backfill
    (adopter / ".catalog.md.k2x9q.tmp").write_text("half a catalog", encoding="utf-8")  # a killed write
    (adopter / "data").mkdir(exist_ok=True)
    (adopter / "data" / ".papers.jsonl.a1b2.tmp").write_text("{", encoding="utf-8")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=adopter,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "catalog.md" in status and "config/taxonomy.yml" in status
    assert "_site" not in status and ".catalog-bot-cache" not in status, status
    assert ".backfill-state.json" not in status and ".tmp" not in status, status
    text = (adopter / ".gitignore").read_text(encoding="utf-8")
    assert text.startswith("node_modules/\n\n# Generated by catalog-bot")
    assert cli.main(["init", "--from", "README.md"]) == 0  # a rerun adds nothing
    assert f"kept {adopter / '.gitignore'}" in capsys.readouterr().out
    assert (adopter / ".gitignore").read_text(encoding="utf-8") == text


def test_the_paper_store_is_marked_generated_so_github_collapses_its_diff(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The nightly job rewrites a little of data/papers.jsonl every night; marked
    linguist-generated, GitHub folds its diff in the rolling PR. An existing .gitattributes keeps
    its lines, and a rerun adds nothing."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    (adopter / ".gitattributes").write_text("*.md text eol=lf", encoding="utf-8")  # no final newline
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert f"updated {adopter / '.gitattributes'}" in capsys.readouterr().out
    checked = subprocess.run(
        ["git", "check-attr", "linguist-generated", "text", "--", "data/papers.jsonl", "catalog.md"],
        cwd=adopter,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "data/papers.jsonl: linguist-generated: true" in checked
    assert "catalog.md: linguist-generated: unspecified" in checked and "catalog.md: text: set" in checked
    text = (adopter / ".gitattributes").read_text(encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert f"kept {adopter / '.gitattributes'}" in capsys.readouterr().out
    assert (adopter / ".gitattributes").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("text", "store", "marked"),
    [
        ("", "data/papers.jsonl", True),
        ("/data/papers.jsonl -linguist-generated\n", "data/papers.jsonl", False),  # the maintainer's call
        ("data/papers.jsonl linguist-generated=true\n", "data/papers.jsonl", False),
        ("*.md text\n", "store/facts.jsonl", True),
    ],
)
def test_the_store_line_is_added_once_and_never_over_the_maintainers(
    text: str, store: str, marked: bool
) -> None:
    from bot.jobs.init import with_store_marked

    result = with_store_marked(text, store)
    assert (result != text) == marked
    if marked:
        assert result.startswith(text) and result.endswith(f"{store} linguist-generated=true\n")
    assert with_store_marked(result, store) == result


@pytest.mark.parametrize(
    "text, added",
    [
        ("", ["/_site/", "/.catalog-bot-cache/", "/.backfill-state.json", ".*.tmp"]),
        ("_site\n", ["/.catalog-bot-cache/", "/.backfill-state.json", ".*.tmp"]),  # however it is written
        ("/_site/\n.catalog-bot-cache/\n", ["/.backfill-state.json", ".*.tmp"]),  # adopted before
        ("/_site/\n.catalog-bot-cache/\n.backfill-state.json\n.*.tmp\n", []),
    ],
)
def test_with_generated_ignored_appends_only_what_is_missing(text: str, added: list[str]) -> None:
    result = init.with_generated_ignored(text)
    assert result.startswith(text)
    assert [line for line in result[len(text) :].splitlines() if line and not line.startswith("#")] == added


def test_a_renamed_title_is_named_then_fixed_by_a_rerun_that_keeps_the_edit(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/adopt.md: reword a title, rerun init (it keeps the edited taxonomy and rewrites the
    form's dropdown), re-render; until the rerun, the mismatch says what to run."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = adopter / "config" / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text(encoding="utf-8").replace("title: Systems\n", "title: Serving Systems\n"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert cli.main(["validate-config"]) == 1
    out = capsys.readouterr().out
    assert "missing ['Serving Systems']; not in the taxonomy ['Systems']" in out
    assert (
        "rerun `python -m bot init --from LIST` (it keeps your files and rewrites only this dropdown" in out
    )
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert f"updated {adopter / init.FORM_PATH}" in capsys.readouterr().out
    assert "title: Serving Systems\n" in taxonomy.read_text(encoding="utf-8")
    assert cli.main(["validate-config"]) == 0


def test_the_list_itself_as_the_catalog_needs_force(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--catalog README.md` kept the list as it was, and lint then found every entry malformed:
    init refuses before writing anything; with --force it rewrites the list in the one-line
    format, and a rerun (after a title edit) keeps that catalog."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    original = (adopter / "README.md").read_text(encoding="utf-8")
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "--catalog README.md is the list init reads (--from README.md)" in err
    assert "Pass --force to rewrite README.md in that format" in err
    assert not (adopter / "config").exists()
    assert (adopter / "README.md").read_text(encoding="utf-8") == original
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md", "--force"]) == 0
    assert cli.main(["lint"]) == 0
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md"]) == 0
    assert cli.main(["lint"]) == 0


def test_categories_written_with_a_space_after_the_comma_are_all_taken(adopter: Path) -> None:
    """`--categories cs.RO, cs.CV` unquoted (the shell makes it two words) stopped at
    "unrecognized arguments: cs.CV"."""
    shutil.copy(FIXTURES / "adopt" / "html-list.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO,", "cs.CV", "cs.RO"]) == 0
    sources = yaml.safe_load((adopter / "config" / "sources.yml").read_text(encoding="utf-8"))
    assert sources["feed"]["categories"] == ["cs.RO", "cs.CV"]


def test_the_dry_run_reads_a_feed_of_ones_own_field_with_input_as_score_does(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/adopt.md shows `score --input FEED`; `poll --dry-run --input FEED` was refused
    ("unrecognized arguments"): poll named it only `--feed`."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    feed = FIXTURES / "arxiv" / "arxiv_atom_feed_cs.AI_2025-08-20_PARTLY-SYNTHETIC.xml"
    capsys.readouterr()
    assert cli.main(["poll", "--dry-run", "--feed", str(feed), "--repo", str(adopter)]) == 0
    by_feed = capsys.readouterr().out
    assert cli.main(["poll", "--dry-run", "--input", str(feed), "--repo", str(adopter)]) == 0
    assert capsys.readouterr().out == by_feed and "2508." in by_feed


PAPERS_IN_PARAGRAPHS = """# Awesome Robot Learning

## Imitation Learning

- [Diffusion Policy: Visuomotor Policy Learning via Action Diffusion](https://arxiv.org/abs/2303.04137) - RSS 2023
- [Learning Fine-Grained Bimanual Manipulation with Low-Cost Hardware](https://arxiv.org/abs/2304.13705) - RSS 2023

See also PPO (https://arxiv.org/abs/1707.06347), the policy gradient most of them start from,
and Soft Actor-Critic: https://arxiv.org/abs/1801.01290.
"""


def test_arxiv_links_in_no_entry_read_are_named_with_their_lines(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Papers cited in a paragraph (four papers, two read) said "2 entries read, 0 unreadable":
    the other two were lost without a word. The report names their lines."""
    (adopter / "README.md").write_text(PAPERS_IN_PARAGRAPHS, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    out = capsys.readouterr().out
    assert "entries read: 2\n" in out
    assert "not read: 2 lines with an arXiv link outside any entry (lines 8, 9)" in out


def test_init_says_where_the_workflows_are_until_one_runs_the_bot(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """init's output named validate-config, lint and poll --dry-run as what comes next, and never
    the workflows: an adopter who followed it had a bot that never ran on GitHub."""
    shutil.copy(FIXTURES / "adopt" / "html-list.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    note = f"workflows: none in {adopter / '.github' / 'workflows'} runs the bot yet: copy poll.yml"
    assert note in capsys.readouterr().out
    workflows = adopter / ".github" / "workflows"
    workflows.mkdir()
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert note in capsys.readouterr().out  # a workflow of the list's own is none of the bot's
    shutil.copy(ROOT / "docs" / "workflows" / "poll.yml", workflows / "poll.yml")
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "workflows:" not in capsys.readouterr().out


def test_a_folder_among_the_workflows_stops_neither_init_nor_doctor(
    adopter: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder named ``old.yml`` in .github/workflows/ (or a link to nothing) was read as a
    workflow: init and doctor ended in a traceback (exit 3) instead of their reports."""
    folder = adopter / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "old.yml").mkdir()
    shutil.copy(FIXTURES / "adopt" / "html-list.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    assert "workflows: none in" in capsys.readouterr().out
    shutil.copy(ROOT / "docs" / "workflows" / "poll.yml", folder / "poll.yml")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/list")
    problems = doctor.local_problems(os.environ, None, adopter)
    assert problems and not any("runs the bot" in p for p in problems)  # poll.yml does
    assert cli.main(["doctor"]) == 1  # the missing token, said in one line: no traceback
    assert "no GitHub token" in capsys.readouterr().err


def test_the_lists_own_table_of_contents_heading_is_kept(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list's "## Table of Contents" became the catalog's "## Contents", and `init --catalog
    README.md --force` warned that the line "## Table of Contents" "had no place in the rebuilt
    catalog and is gone", of the heading whose contents it had just rewritten."""
    text = (LISTS / "pprp__Awesome-Efficient-MoE__README.md").read_text(encoding="utf-8")
    assert "\n## Table of Contents\n" in text
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md", "--force"]) == 0
    assert "Table of Contents" not in capsys.readouterr().out
    assert load_taxonomy(adopter / "config").contents_heading == "Table of Contents"
    assert "\n## Table of Contents\n" in (adopter / "README.md").read_text(encoding="utf-8")
    assert cli.main(["lint"]) == 0


def test_a_list_written_in_html_is_read_row_by_row_and_item_by_item(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list in HTML (a <table> of papers with a <th> header, a <ul> of them) gave only its
    two markdown bullets: the four papers of the HTML were "not read", and a list with all its
    papers in HTML stopped init with "the generated config has problems (a bug of init)"."""
    shutil.copy(FIXTURES / "adopt" / "html-list.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO"]) == 0
    out = capsys.readouterr().out
    assert "entries read: 6\n" in out and "not read" not in out
    catalog = (adopter / "catalog.md").read_text(encoding="utf-8")
    lines = {m[1]: m[0] for m in re.finditer(r"^- .* · arXiv (\S+) · .*$", catalog, re.MULTILINE)}
    assert sorted(lines) == [
        "1703.06907",
        "1707.06347",
        "1710.06537",
        "1801.01290",
        "2303.04137",
        "2304.13705",
    ]
    assert (
        "· RSS 2023 ·" in lines["2303.04137"]
        and "[code](https://github.com/real-stanford/diffusion_policy)" in (lines["2303.04137"])
    )
    assert "· ICML 2018 ·" in lines["1801.01290"]
    assert (
        "(https://arxiv.org/abs/1707.06347) · arXiv 1707.06347 ·" in lines["1707.06347"]
    )  # no author "arXiv 2017"
    assert cli.main(["lint", "catalog.md"]) == 0


def test_a_rerun_without_catalog_keeps_the_catalog_of_poll_yml(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/adopt.md's rerun after a title edit (`init --from README.md`, no `--catalog`) wrote a
    second catalog, catalog.md, that no job reads, and told the adopter to point poll.yml at it."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--catalog", "docs/list.md"]) == 0
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md"]) == 0
    out = capsys.readouterr().out
    assert not (adopter / "catalog.md").exists()
    assert f"kept {adopter / 'docs' / 'list.md'} as it is" in out
    assert "warning" not in out
    assert yaml.safe_load((adopter / "config" / "poll.yml").read_text(encoding="utf-8")) == {
        "catalog": "docs/list.md"
    }
    assert cli.main(["lint"]) == 0


def test_a_rerun_over_edited_files_with_problems_blames_them_not_init(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A section removed from the taxonomy by hand, its rules left in keywords.yml: the rerun
    said "the generated config has problems (a bug of init)"."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = adopter / "config" / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    start = text.index("- id: systems\n")
    taxonomy.write_text(text[:start] + text[text.index("- id: others\n") :], encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "a bug of init" not in err
    assert "config problem(s) in files init kept as they are (taxonomy.yml, import-mapping.yml" in err
    assert "keywords.yml: sections.systems: not a section of the taxonomy" in err


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_rerun_that_stops_at_kept_files_with_problems_writes_nothing(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rerun checked the kept files only after writing: it stopped at their problems with the
    form's dropdown already rewritten from the edited taxonomy (and a deleted file written
    again). Now it checks the tree as it would be, and a run that fails leaves nothing partial."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = adopter / "config" / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    start = text.index("- id: systems\n")  # its rules stay in keywords.yml: a problem
    taxonomy.write_text(text[:start] + text[text.index("- id: others\n") :], encoding="utf-8")
    (adopter / "config" / "papers.yml").unlink()  # a file init would write again
    (adopter / ".gitignore").unlink()  # and a line it would append
    with (adopter / "config" / "sources.yml").open("a", encoding="utf-8") as sources:
        sources.write("typo_key: 1\n")  # warned of by the checks, which run on a copy
    before = _tree(adopter)
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md"]) == 1
    assert _tree(adopter) == before
    err = capsys.readouterr().err
    assert "config problem(s) in files init kept as they are (taxonomy.yml" in err
    assert "(init wrote nothing)" in err
    assert f"{adopter / 'config' / 'keywords.yml'}: sections.systems: not a section of the taxonomy" in err
    assert f"{adopter / 'config' / 'sources.yml'}: unknown key 'typo_key'" in err  # the real path
    assert "catalog-bot-init-" not in err


def test_a_rerun_over_a_form_without_the_section_dropdown_names_the_form_and_writes_nothing(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The error said "the issue form has no `section` dropdown" without saying which file."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    form = adopter / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
    form.write_text("name: Add a paper\nbody:\n  - type: input\n    id: arxiv\n", encoding="utf-8")
    (adopter / "config" / "papers.yml").unlink()
    before = _tree(adopter)
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md"]) == 1
    assert _tree(adopter) == before
    err = capsys.readouterr().err
    assert f"{form}: the issue form has no `section` dropdown" in err
    assert "delete the file so that init writes it (init wrote nothing)" in err


def entry_lines(path: Path) -> list[str]:
    """The entry lines of a catalog, sorted (its table of contents left out)."""
    return sorted(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- [") and "](#" not in line
    )


def test_a_list_kept_by_the_bot_is_read_back_without_a_loss(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/adopt.md, with the list itself as the catalog: `init --catalog README.md --force`,
    then the re-render after a title edit, `import README.md --output README.md --replace`,
    kept 108 of the quantization list's 278 entries (those without an arXiv id were "a paper
    link without arXiv id or year"), and an entry without authors got its own parts as authors.
    A catalog read as a list gives its entries back, line for line."""
    shutil.copy(LISTS / "Zhen-Dong__Awesome-Quantization-Papers__README.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md", "--force"]) == 0
    before = entry_lines(adopter / "README.md")
    assert len(before) == 278
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
    out = capsys.readouterr().out
    assert "0 unreadable" in out
    assert entry_lines(adopter / "README.md") == before
    # another list's catalog, stars and withdrawn marks included, adopted as it is
    lines = (PROJECT / "catalog.md").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("- [") and "arXiv" in line)
    lines[first] = lines[first].replace(" · [pdf]", " · withdrawn · [pdf]") + " · ⭐ 1.2k"
    other = adopter / "other"
    other.mkdir()
    (other / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["init", "--from", str(other / "README.md"), "--repo", str(other)]) == 0
    assert entry_lines(other / "catalog.md") == entry_lines(other / "README.md")


def test_a_heading_of_links_under_a_paper_section_is_no_subsection(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On-device's "Popular On-Device LLMs Framework" (llama.cpp, MNN...) became a subsection
    of papers that stayed empty, its tools imported into "Resources", with the rule `on-device`
    routing the poll's on-device papers into it; the plaza list's "Projects" and "Other" of links
    were three more. Such links go to the resources section, and their heading maps there."""
    shutil.copy(LISTS / "NexaAI__Awesome-LLMs-on-device__README.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = load_taxonomy(adopter / "config")
    titles = [s.title for s in taxonomy.subsections]
    assert "Popular On-Device LLMs Framework" not in titles and "Hardware Acceleration" in titles
    catalog = read_catalog(adopter / "catalog.md", taxonomy)
    tools = [e.entry.title for e in catalog.entries() if e.entry and e.section == "resources"]
    assert {"MNN", "PowerInfer", "ExecuTorch"} <= set(tools)
    keywords = yaml.safe_load((adopter / "config" / "keywords.yml").read_text(encoding="utf-8"))
    subsections = {sub for raw in keywords["sections"].values() for sub in raw.get("subsections", {})}
    assert subsections <= {s.id for s in taxonomy.subsections}
    text = (LISTS / "awesome-efficient-llm-plaza.md").read_text(encoding="utf-8")
    plan = scaffold("README.md", text).taxonomy("intro")
    quantization = next(s for s in plan["sections"] if s["title"] == "Quantization")
    assert [s["title"] for s in quantization["subsections"]] == ["Survey"]  # "Papers" is none either


def test_init_force_keeps_a_catalog_with_papers_the_list_does_not_give(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """init's own advice for other arXiv categories is "rerun with `--categories cs.RO,cs.CV
    --force`": weeks after adoption that rebuilt catalog.md from the README and dropped every
    paper the bot had added since, in one "(0 arXiv ids added, 1 removed)". The config is
    rewritten; the catalog is kept, and init says how to rebuild it on purpose."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    catalog = adopter / "catalog.md"
    text = catalog.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("- [") and "arXiv" in line)
    merged = "- [A Paper the Bot Added Later](https://arxiv.org/abs/2411.00001) · arXiv 2411.00001 · Nov 2024"
    catalog.write_text(text.replace(first, f"{merged}\n{first}", 1), encoding="utf-8")
    before = catalog.read_text(encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO", "--force"]) == 0
    out = capsys.readouterr().out
    assert catalog.read_text(encoding="utf-8") == before
    assert f"kept {catalog}: it has 1 arXiv paper README.md does not give (e.g. 2411.00001)" in out
    assert "python -m bot import README.md --output catalog.md --replace" in out
    assert "- cs.RO" in (adopter / "config" / "sources.yml").read_text(encoding="utf-8")
    assert cli.main(["lint"]) == 0


def test_a_long_heading_gives_an_id_of_whole_words() -> None:
    """Ids were cut at 32 characters, mid-word: `/add 2405.00732 speculative-and-parallel-decodin`,
    `system-level-efficiency-optimiza`, `general-efficiency-and-performan`."""
    headings = [
        "System-Level Efficiency Optimization",
        "Speculative and Parallel Decoding",
        "General Efficiency and Performance Improvements",
        "Limitations of Cloud-Based LLM Inference and Advantages of On-Device Inference",
        "Pneumonoultramicroscopicsilicovolcanoconiosis Quantization",
    ]
    text = "# L\n\n" + "".join(
        f"## {h}\n\n- [Paper Number {n} Title](https://arxiv.org/abs/2401.0000{n})\n\n"
        for n, h in enumerate(headings)
    )
    plan = scaffold("README.md", text)
    assert [plan.ids[s.path] for s in plan.sections] == [
        "system-level-efficiency-optimization",
        "speculative-and-parallel-decoding",
        "general-efficiency-and-performance",
        "limitations-of-cloud-based-llm-inference",
        "pneumonoultramicroscopicsilicovolcanocon",  # one word longer than an id: cut
    ]


PARAGRAPH_LIST = """# Awesome Quantization

Papers on quantization, cited in prose.

## Quantization

GPTQ: Accurate Post-Training Quantization (https://arxiv.org/abs/2210.17323), ICLR 2023.
AWQ: Activation-aware Weight Quantization (https://arxiv.org/abs/2306.00978), MLSys 2024.
"""


def test_a_list_of_papers_in_paragraphs_is_named_with_what_to_do(
    adopter: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """init and import said "0 entries read: no list of papers found ...; pass an awesome list's
    README" of the README they had been given; its papers sit in paragraphs, which no reader
    knows, and the import's report names such lines: so does the error."""
    (adopter / "README.md").write_text(PARAGRAPH_LIST, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "README.md: 0 entries read; lines 7, 8 link arXiv papers outside any entry" in err
    assert "write the papers as bullets or a table" in err
    assert not (adopter / "config").exists()
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
    assert cli.main(["import", "README.md", "--output", "catalog.md"]) == 1
    assert (
        "README.md: 0 entries read; lines 7, 8 link arXiv papers outside any entry" in capsys.readouterr().err
    )


@pytest.mark.parametrize("papers", [PARAGRAPH_LIST.split("## Quantization")[1], ""])
def test_a_list_of_links_to_tools_only_is_refused_with_why_not_as_a_bug(
    adopter: Path, capsys: pytest.CaptureFixture[str], papers: str
) -> None:
    """A list whose entries read are all links to tools (its papers in prose, or none) stopped
    init with "the generated config has problems (a bug of init): add-paper.yml: no `section`
    dropdown with options found": no section of papers, so no form. It says what it read."""
    text = PARAGRAPH_LIST.split("## Quantization")[0] + f"## Quantization{papers}\n## Tools\n\n"
    text += "- [llama.cpp](https://github.com/ggerganov/llama.cpp) - Inference in C/C++.\n"
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "a bug of init" not in err
    assert "README.md: 1 entry read, all links to tools or pages, no paper" in err
    assert ("lines 7, 8 link arXiv papers outside any entry" in err) == bool(papers)
    assert not (adopter / "config").exists()


def test_the_add_a_paper_form_offers_the_sections_of_papers_only(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plaza list's form offered "Toolkits", "Courses", "Extra Reference", "Other" and
    "Resources" for a paper: `/add` refuses each ("lists tools, not papers"), so a reader who
    picked one got a refusal instead of a pull request."""
    shutil.copy(LISTS / "awesome-efficient-llm-plaza.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = load_taxonomy(adopter / "config")
    form = yaml.safe_load((adopter / init.FORM_PATH).read_text(encoding="utf-8"))
    options = next(f for f in form["body"] if f.get("id") == "section")["attributes"]["options"]
    assert options == [s.title for s in taxonomy.sections if s.kind == "papers"]
    assert "Toolkits" not in options and "Courses" not in options and "Quantization" in options
    assert cli.main(["validate-config"]) == 0


def test_a_form_that_still_offers_every_section_is_a_warning(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A form init wrote before (every section, tools too) is no problem that fails CI: a warning."""
    shutil.copy(LISTS / "awesome-efficient-llm-plaza.md", adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    form = adopter / init.FORM_PATH
    taxonomy = load_taxonomy(adopter / "config")
    from bot.core.issue_form import set_form_options

    form.write_text(set_form_options(form.read_text(encoding="utf-8"), [s.title for s in taxonomy.sections]))
    capsys.readouterr()
    assert cli.main(["validate-config"]) == 0
    assert "the section dropdown also offers the sections of tools and links" in capsys.readouterr().out


def test_year_headings_are_no_sections(adopter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A list by year ("## 2025", "## 2024"...) got the sections 2025 and 2024, a rule `2025`
    (any paper saying the year) and a rule `quantization` for the section "2023", where the poll
    then filed new papers. Years are when a paper came, not what it is about: entries under year
    headings (innermost) count for the heading above them, or the list."""
    papers = iter(range(1, 99))

    def bullets(*titles: str) -> str:
        return "".join(f"- [{t}](https://arxiv.org/abs/2401.{next(papers):05d})\n" for t in titles)

    text = (
        "# Awesome Yearly\n\nQuantization and pruning papers, by year of the paper.\n\n"
        "## 2025\n\n"
        + bullets("Quantized Attention for Long Context Models", "Outlier Smoothing Quantization")
        + "\n## 2024\n\n"
        + bullets("Low-Bit Quantization of Language Models", "Quantized Training at Scale")
    )
    (adopter / "README.md").write_text(text, encoding="utf-8")
    assert cli.main(["init", "--from", "README.md"]) == 0
    taxonomy = load_taxonomy(adopter / "config")
    assert [(s.id, s.title) for s in taxonomy.sections] == [("awesome-yearly", "Awesome Yearly")]
    assert len(read_catalog(adopter / "catalog.md", taxonomy).entries()) == 4
    topics = (
        "# Awesome Topics\n\nPapers on quantization and pruning, by topic and year.\n\n"
        "## Quantization\n\n### 2025\n\n"
        + bullets("Quantized Attention Kernels for Inference")
        + "\n### 2024\n\n"
        + bullets("Outlier Aware Quantization Methods")
        + "\n## Pruning\n\n"
        + bullets("Structured Pruning of Language Models", "Pruning Heads Made Simple")
    )
    plan = scaffold("README.md", topics)
    assert [(s.title, list(s.children)) for s in plan.sections] == [("Quantization", []), ("Pruning", [])]
    assert "2025" not in str(plan.keywords())


def test_init_force_that_rewrites_the_catalog_says_so(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`init --force` over a catalog with no paper added since rewrote it, and said "kept
    catalog.md: " (a reason left empty) instead of what it wrote; and it deleted the old catalog
    before writing the new one, so it counted every paper as added."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    catalog = adopter / "catalog.md"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["init", "--from", "README.md", "--force"]) == 0
    out = capsys.readouterr().out
    assert f"kept {catalog}" not in out
    assert f"wrote {catalog} (0 arXiv ids added, 0 removed)" in out
    assert not catalog.read_text(encoding="utf-8").endswith("\n\n")


def test_a_readme_kept_as_its_catalog_is_rebuilt_after_a_section_is_renamed(
    adopter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/adopt.md's re-render after a title edit, `import README.md --output README.md
    --replace` for a README kept as its own catalog, placed nothing ("52 entries read, none placed
    in a section"): the mapping's rules were made from the list's first headings, and the catalog
    has a title init added over them (this list has none of its own) and the renamed sections."""
    shutil.copy(LISTS / LISTS_TO_ADOPT[0], adopter / "README.md")
    assert cli.main(["init", "--from", "README.md", "--catalog", "README.md", "--force"]) == 0
    before = read_catalog(adopter / "README.md", load_taxonomy(adopter / "config"))
    taxonomy = adopter / "config" / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text(encoding="utf-8").replace("title: KV Cache Merge\n", "title: Merging\n"),
        encoding="utf-8",
    )
    assert cli.main(["init", "--from", "README.md"]) == 0
    capsys.readouterr()
    assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
    assert "wrote README.md (0 arXiv ids added, 0 removed)" in capsys.readouterr().out
    after = read_catalog(adopter / "README.md", load_taxonomy(adopter / "config"))
    assert "## Merging\n" in after.render() and "## KV Cache Merge" not in after.render()
    assert [(i.section, i.title) for i in after.entries()] == [(i.section, i.title) for i in before.entries()]
    assert cli.main(["lint"]) == 0
