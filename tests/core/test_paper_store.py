"""The paper store's text form and its pure operations."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import paper_store
from bot.core.paper_store import PaperRecord, github_links
from bot.errors import CatalogError


def record(arxiv_id: str = "2405.00732", **fields: object) -> PaperRecord:
    data: dict[str, object] = {
        "title": "A title",
        "authors": ("Ann Author", "Bo Builder"),
        "primary_category": "cs.CL",
        "categories": ("cs.CL", "cs.LG"),
        "published": "2024-05-01",
        "updated": "2024-06-01",
        "versions": 2,
        "fetched": "2025-01-01",
    }
    data.update(fields)
    return PaperRecord(arxiv_id=arxiv_id, **data)  # type: ignore[arg-type]


def test_one_line_per_paper_sorted_by_id_with_a_fixed_key_order() -> None:
    text = paper_store.dump(
        [record("2405.00732"), record("2310.01234"), record("cs/0112017"), record("2405.00100")]
    )
    lines = text.splitlines()
    assert [json.loads(line)["arxiv_id"] for line in lines] == [
        "cs/0112017",
        "2310.01234",
        "2405.00100",
        "2405.00732",
    ]
    assert list(json.loads(lines[0])) == [
        "arxiv_id",
        "title",
        "authors",
        "abstract",
        "primary_category",
        "categories",
        "published",
        "updated",
        "versions",
        "journal_ref",
        "doi",
        "comment",
        "code_links",
        "withdrawn",
        "fetched",
    ]
    assert json.loads(lines[0])["categories"] == ["cs.LG"]  # the other categories; the primary has its key
    assert text.endswith("\n") and paper_store.dump(paper_store.load(text)) == text


def test_untrusted_text_is_cleaned_and_capped() -> None:
    r = record(
        title="Bad\u202etitle\x00 with\nnewline",
        abstract="x" * 9000,
        authors=("", "  Name \u200b Two "),
        code_links=("https://github.com/a/b", "https://evil.example/a/b"),
        categories=("cs.CL", "rm -rf"),
    )
    assert r.title == "Bad title with newline" and len(r.abstract) == 5000 and r.abstract.endswith("…")
    assert r.authors == ("Name Two",) and r.code_links == ("https://github.com/a/b",) and r.categories == ()


def test_github_links_are_owner_repo_only() -> None:
    text = (
        "Code: https://github.com/IST-DASLab/gptq. See github.com/org/repo.git and "
        "https://github.com/features/copilot, https://github.com/just-a-user, "
        "https://github.com/-bad/x, github.com/ab-c/c\\_d, github.com/a_b/x and again https://github.com/IST-DASLab/gptq"
    )
    assert github_links(text) == (
        "https://github.com/IST-DASLab/gptq",
        "https://github.com/org/repo",
        "https://github.com/ab-c/c_d",
    )  # owners have no underscore


def test_a_bad_line_names_the_file_and_the_line() -> None:
    good = record().to_json()
    with pytest.raises(CatalogError, match=r"papers.jsonl:2: not a paper record"):
        paper_store.load(good + '\n{"arxiv_id": "nope", "title": "x"}\n', "papers.jsonl")
    with pytest.raises(CatalogError, match=r":1: "):
        paper_store.load("not json\n")


def test_a_line_separator_inside_a_json_string_splits_no_line() -> None:
    """JSON allows a raw "\\u2028" in a string (a hand-edited abstract); the store was read with
    str.splitlines, which broke the record in two: "not a paper record", at the wrong line."""
    good = record().to_json()
    pasted = good.replace('"title":"', '"title":"Pasted\u2028', 1)
    assert paper_store.load(pasted + "\n")[record().arxiv_id].title.startswith("Pasted")
    with pytest.raises(CatalogError, match=r"papers.jsonl:2: not a paper record"):
        paper_store.load(pasted + '\n{"arxiv_id": "nope", "title": "x"}\n', "papers.jsonl")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("[1, 2]", "one JSON object {...} per line, not [1, 2]"),
        ("null", "one JSON object {...} per line, not null"),
        (
            '{"arxiv_id": "2401.00001", "title": "t", "withdrawn": "false"}',
            'withdrawn must be true or false, not "false"',
        ),
        (
            '{"arxiv_id": "2401.00001", "title": "t", "authors": "Ann Author"}',
            'authors must be a list of strings, not "Ann Author"',
        ),
        (
            '{"arxiv_id": "2401.00001", "title": "t", "versions": "2"}',
            'versions must be a whole number, not "2"',
        ),
        ('{"arxiv_id": "2401.00001", "title": ["t"]}', 'title must be a string, not ["t"]'),
    ],
)
def test_a_hand_edited_line_of_the_wrong_type_names_its_line_and_key(line: str, said: str) -> None:
    """A line that is JSON but not an object crashed every job reading the store with a traceback
    (the nightly run lost its link report); ``"withdrawn": "false"`` was read as withdrawn and
    ``"authors": "Ann Author"`` as nine one-letter authors."""
    text = record().to_json() + "\n" + line + "\n" + record("2405.00733").to_json() + "\n"
    with pytest.raises(CatalogError, match=re.escape(f"papers.jsonl:2: not a paper record ({said})")):
        paper_store.load(text, "papers.jsonl")


def test_staleness() -> None:
    today = datetime.date(2025, 1, 31)
    fresh, old = record(fetched="2025-01-30"), record("2405.00100", fetched="2024-12-01")
    store = {r.arxiv_id: r for r in (fresh, old)}
    assert paper_store.to_fetch(
        ["2405.00732", "2405.00100", "2401.00001", "2405.00732"], store, today, 30
    ) == ["2405.00100", "2401.00001"]
    announced = paper_store.mark_announced(store, {"2405.00732": 3, "2405.00100": 1, "2999.00001": 2})
    assert announced["2405.00732"].announced_version == 3 and announced["2405.00100"] == old
    assert paper_store.is_stale(announced["2405.00732"], today, 30)
    assert paper_store.mark_announced(store, {"2405.00732": 2})["2405.00732"] == fresh  # the store has v2


def test_refetches_are_spread_over_the_nights_never_older_than_max_age() -> None:
    """A store fetched all at once (the first run) used to go stale all on one night, every
    ``max_age_days``: each paper now has its own day, so about 1/max_age_days of it is due a night."""
    start, max_age = datetime.date(2025, 1, 1), 30
    ids = [f"2401.{n:05d}" for n in range(1, 601)]
    store = {i: record(i, fetched=start.isoformat()) for i in ids}
    per_night, gaps = [], []
    for night in range(1, 4 * max_age + 1):
        today = start + datetime.timedelta(days=night)
        due = paper_store.to_fetch(ids, store, today, max_age)
        per_night.append(len(due))
        gaps += [(today - datetime.date.fromisoformat(store[i].fetched)).days for i in due]
        store.update({i: dataclasses.replace(store[i], fetched=today.isoformat()) for i in due})
        assert all((today - datetime.date.fromisoformat(r.fetched)).days <= max_age for r in store.values())
    assert max(per_night) <= 2 * len(ids) // max_age and min(per_night) >= len(ids) // max_age // 3
    assert sum(per_night) == len(ids) * 4  # once per cycle each, the first one earlier
    assert set(gaps[len(ids) :]) == {max_age}  # after the first cycle: exactly every max_age days
    # the same days on every run; a paper fetched on its day is not due again until its next one
    paper = ids[0]
    day = paper_store.last_due(paper, start, max_age)
    assert paper_store.last_due(paper, day + datetime.timedelta(days=max_age - 1), max_age) == day
    assert not paper_store.is_stale(record(paper, fetched=day.isoformat()), day, max_age)
    assert paper_store.is_stale(
        record(paper, fetched=day.isoformat()), day + datetime.timedelta(days=max_age), max_age
    )
    assert paper_store.refresh_offset(paper, max_age) == paper_store.refresh_offset(paper, max_age)
    tomorrow = today + datetime.timedelta(days=1)
    assert paper_store.to_fetch(ids, store, tomorrow, 0) == ids  # 0: every night


def test_merge_and_differences() -> None:
    a, b, c = record("2401.00001"), record("2401.00002"), record("2401.00003", title="new")
    merged = paper_store.merge({a.arxiv_id: a, b.arxiv_id: b}, [c], keep=["2401.00001", "2401.00003"])
    assert sorted(merged) == ["2401.00001", "2401.00003"]
    assert paper_store.differences(["2401.00001", "2401.00009"], merged) == (["2401.00003"], ["2401.00009"])


@settings(max_examples=100, deadline=None)
@given(
    title=st.text(min_size=1, max_size=80),
    authors=st.lists(st.text(max_size=30), max_size=5),
    comment=st.text(max_size=100),
    withdrawn=st.booleans(),
    versions=st.integers(1, 30),
)
def test_dump_of_load_is_identity(
    title: str, authors: list[str], comment: str, withdrawn: bool, versions: int
) -> None:
    r = record(title=title, authors=tuple(authors), comment=comment, withdrawn=withdrawn, versions=versions)
    text = paper_store.dump([r])
    assert paper_store.load(text) == {r.arxiv_id: r} and text.count("\n") == 1


def test_the_store_line_docs_papers_md_shows_is_one_the_store_writes() -> None:
    """docs/papers.md's sample line is a store line as ``dump`` writes it (every key, in order,
    compact), and its table explains every key."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "papers.md").read_text(encoding="utf-8")
    sample = page.split("```json\n", 1)[1].split("\n```", 1)[0]
    record = PaperRecord.from_json(json.loads(sample))
    assert paper_store.dump([record]) == sample + "\n"
    table = page[page.index("| key | what |") :].split("\n\n", 1)[0]
    documented = {
        key for cell in re.findall(r"^\| ([^|]+) \|", table, re.M) for key in re.findall(r"`(\w+)`", cell)
    }
    assert documented == {f.name for f in dataclasses.fields(PaperRecord)}
