"""What round 30's walk of docs/adopt.md on the real lists of `tests/fixtures/lists` (copies of
`../shared/lists` and `../shared/seeds`) found wrong in what `init` makes of them."""

from __future__ import annotations

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
