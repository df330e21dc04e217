"""A throwaway git repository holding a small catalog, for forge and poll tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from bot.core import catalog_document
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def paper_entry(arxiv_id: str, title: str, authors: tuple[str, ...] = ("A. Author",), **extra: Any) -> Entry:
    """A paper's entry for a test catalog: the arXiv link, the year and month its id gives."""
    return Entry(
        title=title,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        arxiv_id=arxiv_id,
        year=2000 + int(arxiv_id[:2]),
        month=int(arxiv_id[2:4]),
        authors=authors,
        **extra,
    )


TWO_AUTHORS = ("A. Author", "B. Author")


SMALL_CATALOG: dict[catalog_document.Placement, list[Entry]] = {
    ("kv-cache", None): [
        paper_entry(
            "2404.14469", "SnapKV: LLM Knows What You are Looking for Before Generation", authors=TWO_AUTHORS
        ),
        paper_entry(
            "2306.14048",
            "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
            authors=TWO_AUTHORS,
        ),
    ],
    ("quantization", "weight-only"): [
        paper_entry(
            "2210.17323",
            "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
            authors=TWO_AUTHORS,
        ),
    ],
    ("decoding", None): [
        paper_entry(
            "2211.17192", "Fast Inference from Transformers via Speculative Decoding", authors=TWO_AUTHORS
        ),
    ],
}


def make_repo(path: Path, taxonomy: Taxonomy, text: str | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Maintainer")
    git(path, "config", "user.email", "maintainer@example.org")
    (path / "catalog.md").write_text(
        text if text is not None else catalog_document.render_document(taxonomy, SMALL_CATALOG),
        encoding="utf-8",
    )
    (path / ".gitignore").write_text(".catalog-bot-cache/\n", encoding="utf-8")
    git(path, "add", "catalog.md", ".gitignore")
    git(path, "commit", "-q", "-m", "catalog")
    return path
