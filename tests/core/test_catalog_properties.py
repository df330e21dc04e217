"""Invariants of the catalog model that can fail (``parse(text).render() == text`` cannot: it
holds by construction, see test_catalog.py): every entry is found by its id and its title, an
insert followed by the removal of the same entry gives back the same bytes, and the index stays
consistent with the text after any sequence of edits."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import catalog, catalog_parse
from bot.core.catalog_document import render_document
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy

WORDS = [
    "sparse",
    "quantized",
    "low-rank",
    "adaptive",
    "speculative",
    "streaming",
    "mixture",
    "expert",
    "cache",
    "attention",
    "kernel",
    "serving",
    "decoding",
    "pruning",
    "memory",
    "efficient",
    "tiny",
]
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def entries(draw: st.DrawFn, count: int) -> list[Entry]:
    """``count`` entries with distinct arXiv ids and distinct titles."""
    numbers = draw(st.lists(st.integers(1, 99_999), min_size=count, max_size=count, unique=True))
    made = []
    for i, number in enumerate(numbers):
        month = draw(st.integers(1, 12))
        words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6))
        title = f"{' '.join(words).capitalize()} model number {i}"  # distinct by construction
        arxiv_id = f"24{month:02d}.{number:05d}"
        made.append(
            Entry(
                title=title,
                url=f"https://arxiv.org/abs/{arxiv_id}",
                arxiv_id=arxiv_id,
                year=2024,
                month=month,
                authors=("A. Author",),
            )
        )
    return made


@st.composite
def without_ids(draw: st.DrawFn, count: int) -> list[Entry]:
    """``count`` papers known by their venue page only (no arXiv id), with distinct titles."""
    made = []
    for i in range(count):
        title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))).capitalize()
        made.append(
            Entry(title=f"{title} {i}", url=f"https://venue.example/{i}", year=2023, venue="ICML 2023")
        )
    return made


def placements(taxonomy: Taxonomy) -> list[tuple[str, str | None]]:
    return [(s.id, None) for s in taxonomy.sections if s.kind == "papers"] + [
        (s.id, c.id) for s in taxonomy.sections if s.kind == "papers" for c in taxonomy.children(s.id)
    ]


@st.composite
def catalogs(draw: st.DrawFn, taxonomy: Taxonomy, extra: int = 1) -> tuple[catalog.Catalog, list[Entry]]:
    """A catalog of a few placed entries, and ``extra`` more entries that are not in it."""
    made = draw(entries(draw(st.integers(0, 12)) + extra))
    spots = placements(taxonomy)
    placed: dict[tuple[str, str | None], list[Entry]] = {}
    for entry in made[extra:]:
        placed.setdefault(draw(st.sampled_from(spots)), []).append(entry)
    text = draw(laid_out(draw(furnished(render_document(taxonomy, placed)))))
    return catalog_parse.parse(text, taxonomy), made[:extra]


@st.composite
def laid_out(draw: st.DrawFn, text: str) -> str:
    """``text`` as an editor may have saved it: headings underlined (setext), CRLF line endings,
    a byte-order mark, no final newline; each or not."""
    if draw(st.booleans()):
        text = re.sub(r"(?m)^(#{1,2}) (.*)$", lambda m: f"{m[2]}\n{'=' if m[1] == '#' else '-'}---", text)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.rstrip("\r\n") if draw(st.booleans()) else text


# What a maintainer keeps in a section besides the bot's bullets, each holding entries newer and
# older than the generated ones (2024): an insert goes before or after them by id.
_NEWER = "- [Kept out for now](https://arxiv.org/abs/2501.00001) · arXiv 2501.00001 · Jan 2025"
_OLDER = "- [An example line](https://arxiv.org/abs/2306.00001) · arXiv 2306.00001 · Jun 2023"
FURNITURE = [
    "",
    f"<!--\n{_NEWER}\n{_OLDER}\n-->",  # commented out over several lines: hidden
    "| Paper | Year |\n|---|---|\n| [Kept out](https://arxiv.org/abs/2501.00001) | 2025 |\n"
    "| [An example](https://arxiv.org/abs/2306.00001) | 2023 |",  # a table
    f"````markdown\n```\n{_NEWER}\n{_OLDER}\n```\n````",  # code showing a fence: no entries
]


@st.composite
def furnished(draw: st.DrawFn, text: str) -> str:
    """``text`` with one of ``FURNITURE`` at the end of one of its sections (before a heading)."""
    block = draw(st.sampled_from(FURNITURE))
    headings = [i for i, line in enumerate(text.splitlines(keepends=True)) if line.startswith("## ")][2:]
    if not block or not headings:
        return text
    lines = text.splitlines(keepends=True)
    at = draw(st.sampled_from(headings))
    return "".join(lines[:at] + [block + "\n\n"] + lines[at:])


def assert_lands_where_shown(
    inserted: catalog.Catalog, new: Entry, section: str, subsection: str | None
) -> None:
    """The new entry is a line readers see, in its section: not in a comment, a code block or a
    table (a bullet between two rows ends the table)."""
    item = inserted.find_paper(new.arxiv_id, new.title)
    assert item is not None and item.entry == new and not item.hidden
    assert (item.section, item.subsection) == (section, subsection)
    around = [
        inserted.lines[item.start - 1],
        inserted.lines[item.end] if item.end < len(inserted.lines) else "",
    ]
    assert not all(line.startswith("|") for line in around)


def assert_index_matches_text(cat: catalog.Catalog, taxonomy: Taxonomy) -> None:
    """The index of an edited catalog is the index of its text parsed afresh."""
    fresh = catalog_parse.parse(cat.render(), taxonomy)
    assert [(i.start, i.end, i.arxiv_ids, i.section, i.subsection) for i in cat.entries()] == [
        (i.start, i.end, i.arxiv_ids, i.section, i.subsection) for i in fresh.entries()
    ]
    for item in fresh.entries():
        for arxiv_id in item.arxiv_ids:
            assert cat.find_by_id(arxiv_id) is not None


@PROPERTY
@given(data=st.data())
def test_every_entry_is_found_by_id_and_by_title(taxonomy: Taxonomy, data: st.DataObject) -> None:
    cat, _ = data.draw(catalogs(taxonomy, extra=0))
    for item in cat.entries():
        if item.entry is None:
            continue  # a table row a maintainer kept (FURNITURE)
        found = cat.find_by_id(item.entry.arxiv_id or "")
        assert found is not None and found.start == item.start
        by_title = cat.find_by_title(item.entry.title)
        assert by_title is not None and by_title.start == item.start


@PROPERTY
@given(data=st.data())
def test_an_insert_then_its_removal_gives_the_same_bytes(taxonomy: Taxonomy, data: st.DataObject) -> None:
    cat, (new,) = data.draw(catalogs(taxonomy))
    section, subsection = data.draw(st.sampled_from(placements(taxonomy)))
    inserted = cat.insert(new, section, subsection)
    assert len(inserted.render().splitlines()) - len(cat.render().splitlines()) in (1, 2)
    assert_lands_where_shown(inserted, new, section, subsection)
    assert inserted.remove(new.arxiv_id or "").render() == cat.render()


@PROPERTY
@given(data=st.data())
def test_the_index_stays_consistent_after_edits(taxonomy: Taxonomy, data: st.DataObject) -> None:
    cat, extra = data.draw(catalogs(taxonomy, extra=3))
    spots = placements(taxonomy)
    pending = list(extra)
    for _ in range(data.draw(st.integers(1, 8))):
        listed = [i.entry.arxiv_id for i in cat.entries() if i.entry and i.entry.arxiv_id]
        action = data.draw(st.sampled_from(["insert", "remove", "move"]))
        if action == "insert" and pending:
            spot = data.draw(st.sampled_from(spots))
            cat = cat.insert(new := pending.pop(), *spot)
            assert_lands_where_shown(cat, new, *spot)
        elif action == "remove" and listed:
            cat = cat.remove(data.draw(st.sampled_from(listed)))
        elif action == "move" and listed:
            spot = data.draw(st.sampled_from(spots))
            moved = cat.find_by_id(moving := data.draw(st.sampled_from(listed)))
            cat = cat.move(moving, *spot)
            assert moved is not None and moved.entry is not None
            assert_lands_where_shown(cat, moved.entry, *spot)
        assert_index_matches_text(cat, taxonomy)
        assert "\n\n\n" not in cat.render()


@PROPERTY
@given(data=st.data())
def test_inserting_entries_one_by_one_gives_the_document_import_renders(
    taxonomy: Taxonomy, data: st.DataObject
) -> None:
    """``insert`` keeps the order ``render_document`` writes: newest arXiv id first, then the
    entries without an id by title (these were appended at the end)."""
    made = data.draw(entries(data.draw(st.integers(0, 5)))) + data.draw(
        without_ids(data.draw(st.integers(1, 5)))
    )
    spot = data.draw(st.sampled_from(placements(taxonomy)))
    first = data.draw(st.integers(0, len(made)))
    order = data.draw(st.permutations(made[first:]))
    cat = catalog_parse.parse(render_document(taxonomy, {spot: made[:first]}), taxonomy)
    for entry in order:
        cat = cat.insert(entry, *spot)
    assert cat.render() == render_document(taxonomy, {spot: made})
