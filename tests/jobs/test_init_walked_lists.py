"""What round 30's walk of docs/adopt.md on the real lists of `tests/fixtures/lists` (copies of
`../shared/lists` and `../shared/seeds`) found wrong in what `init` makes of them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot.core import arxiv_ids
from bot.core.locations import CHECKOUT_CONFIG
from bot.sources.lists import Fields, extract, read_items
from bot.sources.lists.scaffold import scaffold
from tests.conftest import FIXTURES

LISTS = FIXTURES / "lists"


def extracted(name: str, text: str, line: int) -> list[Fields]:
    items, _ = read_items(name, text)
    result = extract(next(item for item in items if item.line == line))
    assert isinstance(result, list), result
    return result


def test_a_link_after_a_paper_that_names_no_one_is_no_author() -> None:
    """NexaAI's Applications, `- Disability Support: [Octopus v3](arXiv), [Talkback with Gemini
    Nano](store.google.com)`, gave Octopus v3 the author "Talkback with Gemini Nano" in the
    catalog. A link after the title names an author only when its text is a person's name."""
    name = "NexaAI__Awesome-LLMs-on-device__README.md"
    text = (LISTS / name).read_text(encoding="utf-8")
    (octopus,) = extracted(name, text, 202)
    assert (octopus.arxiv_id, octopus.title, octopus.authors) == ("2404.11459", "Octopus v3", ())
    homepages = (
        "# Awesome Graphs\n\n## Papers\n\n"
        "- [Graph Transformers at Scale](https://arxiv.org/abs/2401.00001), [Rex Ying](https://example.org/rex),"
        " [a talk on it](https://example.org/talk)\n"
    )
    (graph,) = extracted("README.md", homepages, 5)
    assert graph.authors == ("Rex Ying",)  # an author linked to a homepage stays one


def test_a_heading_named_papers_under_a_section_is_no_subsection() -> None:
    """The plaza lists (seeds and metame-ai's) file their quantization papers under "Quantization
    > Papers", beside "Survey" and "Projects": init made the subsection Papers ("Papers on
    Papers", with starter rules from every quantization title), where the poll filed new
    quantization papers. Such a heading says what its entries are, not their topic: they are the
    section's, and the section's import rule maps them."""
    for name, survey, papers in (
        ("awesome-efficient-llm-plaza.md", 2, 34),
        ("metame-ai__awesome-llm-plaza__docs__part1__awesome_efficient_llm.md", 2, 42),
    ):
        plan = scaffold("README.md", (LISTS / name).read_text(encoding="utf-8"))
        quantization = next(s for s in plan.sections if s.title == "Quantization")
        assert list(quantization.children) == ["Survey"], name
        assert (quantization.children["Survey"].papers, quantization.papers) == (survey, papers), name
        rules = {rule["to"] for rule in plan.mapping("README.md")["rules"]}
        assert "quantization" in rules and not any(r.endswith("/papers") for r in rules), name
        assert "papers" not in str(plan.keywords()["sections"]["quantization"])


def test_another_lists_papers_join_an_adopted_catalog_and_keep_what_the_bot_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/import.md's merge of another list into a catalog the bot keeps: the catalog is read
    back whole (a paper the bot added since stays), the other list's headings are mapped by
    --suggest-mapping, and the merged catalog passes lint."""
    repo = tmp_path / "kv-list"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    shutil.copy(LISTS / "horseee__Awesome-Efficient-LLM__kv_cache_compression.md", repo / "README.md")
    shutil.copy(LISTS / "Zefan-Cai__Awesome-LLM-KV-Cache__README.md", repo / "other-list.md")
    assert cli.main(["init", "--from", "README.md"]) == 0
    catalog = repo / "catalog.md"
    added = "- [A KV Cache Paper the Bot Added Later](https://arxiv.org/abs/2411.00001) · arXiv 2411.00001 · Nov 2024"
    text = catalog.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("- [") and "arxiv.org" in line)
    catalog.write_text(text.replace(first, f"{added}\n{first}", 1), encoding="utf-8")
    before = arxiv_ids.find_ids(catalog.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert (
        cli.main(["import", "README.md", "other-list.md", "--output", "catalog.md", "--suggest-mapping"]) == 1
    )
    err = capsys.readouterr().err  # refused: it would drop 2411.00001; the way that keeps it is said
    assert "catalog.md has 1 arXiv paper(s) that the imported lists do not give (e.g. 2411.00001)" in err
    assert "22 arXiv papers are new to it" in err
    assert "`import catalog.md LIST... --output catalog.md --replace`" in err
    command = [
        "import",
        "catalog.md",
        "other-list.md",
        "--output",
        "catalog.md",
        "--replace",
        "--suggest-mapping",
    ]
    capsys.readouterr()
    assert cli.main(command) == 0
    out = capsys.readouterr().out
    after = arxiv_ids.find_ids(catalog.read_text(encoding="utf-8"))
    assert set(before) <= set(after) and "2411.00001" in after
    assert len(set(after) - set(before)) == 22 and "wrote catalog.md (22 arXiv ids added, 0 removed)" in out
    assert cli.main(["lint", "catalog.md"]) == 0


def test_a_link_titled_with_the_kind_of_page_it_is_is_a_resource_without_the_tag() -> None:
    """pprp's Awesome-Efficient-MoE resources, `[ICML 2024 Tutorial on MoE(PPT)](icml.cc/...pdf):
    A tutorial ... from ICML 2024`, `[... Explained(Blog)](..)`: the slides (a PDF on a conference's
    site) were unreadable as "a paper link without arXiv id or year", and the others kept
    "(Blog)", "(Repo)", "(Video)" in their titles. The tag says the link is a page, not a paper."""
    name = "pprp__Awesome-Efficient-MoE__README.md"
    text = (LISTS / name).read_text(encoding="utf-8")
    (slides,) = extracted(name, text, 718)
    assert (slides.resource, slides.title) == (True, "ICML 2024 Tutorial on MoE")
    assert slides.url == "https://icml.cc/media/icml-2024/Slides/35222_1r94S59.pdf"
    titles = [f.title for line in (716, 717, 724, 725) for f in extracted(name, text, line)]
    assert titles == [
        "Mixture of Experts (MoE) Explained",
        "Awesome list of MoE",
        "What is Mixture of Experts (MoE)?",
        "Introduction to Mixture-of-Experts (MoE)",
    ]
    kept = "# Awesome\n\n## Resources\n\n- [MoE in LLMs\\(Video\\)](https://www.youtube.com/watch?v=x) - A talk\n"
    (line,) = extracted("catalog.md", kept, 5)  # a line of the bot's own format is read back as written
    assert line.title == "MoE in LLMs(Video)"


def test_validate_config_outside_any_config_says_the_files_it_checked_are_the_bots_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The walk on the seeds' rendered survey page, whose init is refused (titles, no links): the
    next step of docs/adopt.md, `validate-config`, found no config/ in the list's repository and
    checked the bot checkout's own, "ok" for every file, with nothing saying these were not the
    list's."""
    monkeypatch.delenv("CATALOG_BOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate-config"]) == 0
    out = capsys.readouterr().out
    assert f"{CHECKOUT_CONFIG / 'taxonomy.yml'}: ok" in out
    assert f"warning: no config/ in {tmp_path.resolve()} or a folder above it" in out
    assert "`python -m bot init --from LIST` writes yours" in out
    monkeypatch.chdir(CHECKOUT_CONFIG.parent / "docs")  # inside the checkout: its own config, no warning
    assert cli.main(["validate-config"]) == 0
    assert "warning: no config/" not in capsys.readouterr().out
