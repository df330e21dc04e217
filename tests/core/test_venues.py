"""The venue table (config/papers.yml): every venue pattern, and nothing from what does not say so."""

from __future__ import annotations

import re

import pytest

from bot import config
from bot.core.venues import VenueTable

PAPERS = config.load("papers")
TABLE = VenueTable.from_config(PAPERS)
ROWS = PAPERS["venues"]["table"]


def _example(pattern: str) -> str:
    """The first alternative of a regex, as plain text ("NeurIPS|NIPS" -> "NeurIPS")."""
    first = pattern.split("|")[0]
    first = re.sub(r"\(\?:[^)]*\)\?", "", first)  # optional groups out: (?:SIG)?KDD -> KDD
    return first.replace("[- ]", "-").replace(",?", ",")


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_each_acronym_in_an_acceptance_comment(row: dict[str, str]) -> None:
    text = f"Accepted at {_example(row['acronyms'])} 2025 (oral)"
    assert TABLE.find("", text) == f"{row['name']} 2025"
    assert TABLE.find("", f"Submitted to {_example(row['acronyms'])} 2025") == ""
    assert TABLE.find("", f"{_example(row['acronyms'])} 2025") == ""  # no word of acceptance: no guess


@pytest.mark.parametrize("row", [r for r in ROWS if r.get("full_names")], ids=lambda r: r["name"])
def test_each_full_name_in_a_journal_ref(row: dict[str, str]) -> None:
    ref = f"Proceedings of the 2024 {_example(row['full_names'])}, pages 1-12"
    assert TABLE.find(ref, "") == f"{row['name']} 2024"
    assert TABLE.find(_example(row["full_names"]), "") == ""  # no year: nothing


@pytest.mark.parametrize(
    ("journal_ref", "comment", "venue"),
    [
        ("", "Accepted to Findings of EMNLP 2024", "EMNLP 2024 Findings"),
        ("", "Accepted at the ICML 2024 Workshop on Efficient Systems", "ICML 2024 Workshop"),
        ("", "To appear in NeurIPS'24", "NeurIPS 2024"),
        ("", "12 pages. Published in TMLR (2024)", "TMLR 2024"),
        ("ACL 2024", "Submitted to NeurIPS 2024", "ACL 2024"),  # journal_ref first
        ("", "Under review at ICLR 2025; accepted at COLM 2024", "COLM 2024"),
        ("", "Camera-ready version for MLSys 2024", "MLSys 2024"),
        ("", "Accepted at ACL 2024 (Findings)", "ACL 2024 Findings"),
        (
            "",
            "Accepted at NeurIPS 2024 (Datasets and Benchmarks Track)",
            "NeurIPS 2024 Datasets and Benchmarks",
        ),
        # a qualifier after the venue is its own up to a comma or another venue: they were added
        ("", "Accepted at ICLR 2025 and NeurIPS 2024 workshop", "ICLR 2025"),
        ("", "Accepted at AAAI 2025 (Oral) and NeurIPS 2024 workshop", "AAAI 2025"),
        ("", "Accepted at EMNLP 2024, an earlier version appeared in Findings of ACL 2023", "EMNLP 2024"),
        ("", "Accepted at NeurIPS 2024, an earlier version was presented at a workshop", "NeurIPS 2024"),
        # the word of acceptance after the venue, in its own part of the clause: they set nothing
        ("", "NeurIPS 2024 (spotlight)", "NeurIPS 2024"),
        ("", "ICLR 2025 Oral. Code: https://github.com/o/r", "ICLR 2025"),
        ("", "ICML 2024 (poster)", "ICML 2024"),
        ("", "ICLR 2024 camera-ready version", "ICLR 2024"),
        ("", "EMNLP 2024 (accepted)", "EMNLP 2024"),
        ("", "Oral presentation at ICML 2024", "ICML 2024"),
        ("", "ICML 2024 Workshop on Efficient Systems (spotlight)", "ICML 2024 Workshop"),
    ],
)
def test_forms_of_acceptance(journal_ref: str, comment: str, venue: str) -> None:
    assert TABLE.find(journal_ref, comment) == venue


@pytest.mark.parametrize(
    ("journal_ref", "comment"),
    [
        ("", "Accepted at the International Symposium on Very Niche Things 2025"),  # unknown venue
        ("Journal of Obscure Results 12 (2024)", ""),
        ("", "Accepted at ICLR"),  # no year
        ("", "Preprint. Under review at ICML 2025"),
        ("", "This paper has been withdrawn; it was accepted at ICML 2024"),
        ("", "Not accepted at ICLR 2024"),  # "accepted at" is in it: config/papers.yml not_accepted
        ("", "Paper not accepted to NeurIPS 2024; accepted at COLM"),
        ("", "12 pages, 3 figures, ACLU 2024 data"),  # not a word match
        ("", "Submitted to ICLR 2025 (oral)"),
        ("", "ICLR 2025 submission; the code is published on GitHub"),  # another clause
        ("", "ICLR 2025, accepted code contributions welcome"),  # after a comma: another part
        ("", "Extended version of our ICML 2024 spotlight"),
        ("", "NeurIPS 2024 (under review, spotlight track)"),
        ("", ""),
    ],
)
def test_anything_unsure_sets_nothing(journal_ref: str, comment: str) -> None:
    assert TABLE.find(journal_ref, comment) == ""
