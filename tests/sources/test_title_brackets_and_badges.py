"""Round 32: a title holding brackets, a bold title and a star badge after the venue, in markdown
bullets and HTML ``<li>`` items, each read into the right fields (rounds 30 and 31 left them)."""

from __future__ import annotations

import pytest

from bot.sources.lists import extract, read_items

ARXIV = "https://arxiv.org/abs/2401.00001"
BADGE = "[![Stars](https://img.shields.io/github/stars/o/r?style=social)](https://github.com/o/r)"


def fields_of(bullet: str) -> tuple[str, tuple[str, ...], str]:
    (item,), _ = read_items("README.md", f"# Awesome\n\n## Papers\n\n{bullet}\n")
    result = extract(item)
    assert isinstance(result, list), result
    (fields,) = result
    assert fields.arxiv_id == "2401.00001"
    return fields.title, fields.authors, fields.venue


@pytest.mark.parametrize(
    ("bullet", "title", "authors", "venue"),
    [
        # the link's text ended at its first "]": the survey's "Title, Venue, Year" read the rest
        (f"- [Md [v2] title]({ARXIV}), Cy Wu, CVPR 2024", "Md [v2] title", ("Cy Wu",), "CVPR 2024"),
        (
            f"- [Md [v2] title]({ARXIV}) - Cy Wu, Ann Lee, CVPR 2024",
            "Md [v2] title",
            ("Cy Wu", "Ann Lee"),
            "CVPR 2024",
        ),
        (
            f"- [Title [with] brackets]({ARXIV}). Cy Wu, Ann Lee. [[Paper]]({ARXIV})",
            "Title [with] brackets",
            ("Cy Wu", "Ann Lee"),
            "",
        ),
        (
            f"- [[Mamba] Linear-Time Sequence Modeling]({ARXIV}), Albert Gu, Tri Dao, arXiv 2023",
            "Linear-Time Sequence Modeling",
            ("Albert Gu", "Tri Dao"),
            "",
        ),
        # a bold title: the survey's or the venue tag's reader took the authors into it
        (
            f"- **[A] B is a long title** Cy Wu, Ann Lee. [[Paper]({ARXIV})]",
            "B is a long title",
            ("Cy Wu", "Ann Lee"),
            "",
        ),
        (
            f"- **[AWQ] Activation-aware Weight Quantization**, Ji Lin, Song Han, MLSys 2024 [[Paper]({ARXIV})]",
            "Activation-aware Weight Quantization",
            ("Ji Lin", "Song Han"),
            "MLSys 2024",
        ),
        (
            f"- **Activation-aware Weight Quantization**, Ji Lin, Song Han, MLSys 2024 [[Paper]({ARXIV})]",
            "Activation-aware Weight Quantization",
            ("Ji Lin", "Song Han"),
            "MLSys 2024",
        ),
        (
            f"- **Activation-aware Weight Quantization**. Ji Lin, Song Han. [[Paper]({ARXIV})]",
            "Activation-aware Weight Quantization",
            ("Ji Lin", "Song Han"),
            "",
        ),
        (
            f"- **[AWQ] Activation-aware Weight Quantization** - Ji Lin et al. [[Paper]({ARXIV})]",
            "Activation-aware Weight Quantization",
            ("Ji Lin",),
            "",
        ),
        # what stays as it was: a venue tag after a bold title, bold words of a title
        (
            f"- **Activation-aware Weight Quantization**. *[MLSys'24]* [[Paper]({ARXIV})]",
            "Activation-aware Weight Quantization",
            (),
            "MLSys 2024",
        ),
        (
            f"- **Efficient Attention** Mechanisms For Long Sequences [[Paper]({ARXIV})]",
            "Efficient Attention Mechanisms For Long Sequences",
            (),
            "",
        ),
        # a star badge's link after the venue: its "](github)" was read as the last author's
        (
            f"- [Alpha beta gamma]({ARXIV}), Ann Lee, Bo Li, CVPR 2024 {BADGE}",
            "Alpha beta gamma",
            ("Ann Lee", "Bo Li"),
            "CVPR 2024",
        ),
        (
            f'<ul>\n<li><a href="{ARXIV}">Alpha beta gamma</a>, Ann Lee, CVPR 2024 <a href="https://github.com/o/r">'
            '<img src="https://img.shields.io/github/stars/o/r?style=social" alt="GitHub stars"></a></li>\n</ul>',
            "Alpha beta gamma",
            ("Ann Lee",),
            "CVPR 2024",
        ),
        (
            f'<ul>\n<li><a href="{ARXIV}">Alpha beta gamma</a>, Ann Lee, Bo Li, CVPR 2024 <a href="https://github.com/o/r">'
            '<img src="https://img.shields.io/github/stars/o/r" alt="Stars"></a> <a href="https://github.com/o/r">code</a></li>\n</ul>',
            "Alpha beta gamma",
            ("Ann Lee", "Bo Li"),
            "CVPR 2024",
        ),
    ],
)
def test_the_title_authors_and_venue_are_each_their_own(
    bullet: str, title: str, authors: tuple[str, ...], venue: str
) -> None:
    assert fields_of(bullet) == (title, authors, venue)


@pytest.mark.parametrize(
    ("after_title", "authors"),
    [
        (
            "Zhihang Yuan and Lin Niu and Jiawei Liu",
            ("Zhihang Yuan", "Lin Niu", "Jiawei Liu"),
        ),  # BibTeX's "and"
        ("Minghai Qin", ("Minghai Qin",)),  # one author
        ("Ann Lee, Bo Li", ("Ann Lee", "Bo Li")),
        ("a fast and small model for phones", ()),  # a description: no author
    ],
)
def test_a_table_title_cell_reads_one_author_or_authors_joined_by_and(
    after_title: str, authors: tuple[str, ...]
) -> None:
    """horseee's tables: ``[Title](arXiv) <br> Minghai Qin`` and ``<br> Zhihang Yuan and Lin Niu and
    ...`` gave no author (a comma or "et al." was asked for): 7 papers of 4 shared lists."""
    table = (
        "| Title & Authors | Introduction | Links |\n|:--|:--:|:--:|\n"
        f"| [Alpha beta gamma delta]({ARXIV}) <br> {after_title} | ![](https://example.org/x.png) | [Paper]({ARXIV}) |"
    )
    (item,), _ = read_items("README.md", f"# Awesome\n\n## Papers\n\n{table}\n")
    result = extract(item)
    assert isinstance(result, list), result
    assert (result[0].title, result[0].authors) == ("Alpha beta gamma delta", authors)


@pytest.mark.parametrize(
    "pub", ["Under Review", "ICLR Under review", "Under review ICLR", "Submitted to NeurIPS"]
)
def test_a_venue_field_saying_under_review_is_no_venue(pub: str) -> None:
    """pprp's lists: `- Pub: Under Review` and `ICLR Under review` became the venue "Under Review" of
    the catalog line (and a facet of the site's venue filter)."""
    bullet = f"- Alpha beta gamma delta\n  - Link: {ARXIV}\n  - Pub: {pub}\n  - Author: Ann Lee, Bo Li"
    assert fields_of(bullet) == ("Alpha beta gamma delta", ("Ann Lee", "Bo Li"), "")
    assert (
        fields_of(f"- Alpha beta gamma delta\n  - Link: {ARXIV}\n  - Pub: ICML 2024 Oral")[2]
        == "ICML 2024 Oral"
    )
