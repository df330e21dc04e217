"""bench/new_topics.py: the topic lists it reads, and the catalog it trains on without a topic."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import new_topics  # noqa: E402

from bot import config  # noqa: E402
from bot.core.catalog_io import read_catalog  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "project"


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_shipped_topic_lists_read_and_name_known_topics() -> None:
    judged = new_topics.judgements()
    assert {j.topic for j in judged} <= {*new_topics.TOPICS, "other"}
    assert all(j.sections for j in judged if j.grade == 2)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"arxiv_id": "1", "topic": "reasoning", "grade": 3, "sections": [], "title": "t"}, "grade must be"),
        ({"arxiv_id": "1", "topic": "agents", "grade": 0, "sections": [], "title": "t"}, "topic must be"),
        (
            {"arxiv_id": "1", "topic": "reasoning", "grade": 2, "sections": [], "title": "t"},
            "needs the sections",
        ),
    ],
)
def test_a_bad_line_of_a_topic_list_says_where_and_what(tmp_path: Path, record: dict, message: str) -> None:
    path = write(tmp_path / "topics.jsonl", record)
    with pytest.raises(SystemExit, match=rf"topics.jsonl:1: .*{message}"):
        new_topics.judgements(path)


def test_a_topic_leaves_the_catalog_with_its_section_and_the_entries_that_name_it() -> None:
    taxonomy = config.load_taxonomy(PROJECT / "config")
    catalog = read_catalog(PROJECT / "catalog.md", taxonomy)
    entries = catalog.entries()
    reasoning = [e for e in entries if e.section == "reasoning"]
    assert reasoning
    without, dropped = new_topics.without_topic(catalog, new_topics.TOPICS["reasoning"], taxonomy)
    assert dropped >= len(reasoning)
    assert not [e for e in without.entries() if e.section == "reasoning"]
    lora = new_topics.Topic("lora", None, r"\bLoRA\b", ())  # a topic with no section of its own
    named = [e for e in entries if re.search(r"\bLoRA\b", e.title)]
    assert named
    without, dropped = new_topics.without_topic(catalog, lora, taxonomy)
    assert dropped == len(named)
    assert not [e for e in without.entries() if re.search(r"\bLoRA\b", e.title)]
    assert len(without.entries()) == len(entries) - dropped
