"""Invariants of the catalog model that can fail (``parse(text).render() == text`` cannot: it
holds by construction, see test_catalog.py): every entry is found by its id and its title, an
insert followed by the removal of the same entry gives back the same bytes, and the index stays
consistent with the text after any sequence of edits."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import catalog
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
    return catalog.parse(render_document(taxonomy, placed), taxonomy), made[:extra]


def assert_index_matches_text(cat: catalog.Catalog, taxonomy: Taxonomy) -> None:
    """The index of an edited catalog is the index of its text parsed afresh."""
    fresh = catalog.parse(cat.render(), taxonomy)
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
        assert item.entry is not None
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
    assert inserted.find_by_id(new.arxiv_id or "") is not None
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
            cat = cat.insert(pending.pop(), *data.draw(st.sampled_from(spots)))
        elif action == "remove" and listed:
            cat = cat.remove(data.draw(st.sampled_from(listed)))
        elif action == "move" and listed:
            cat = cat.move(data.draw(st.sampled_from(listed)), *data.draw(st.sampled_from(spots)))
        assert_index_matches_text(cat, taxonomy)
        assert "\n\n\n" not in cat.render()
