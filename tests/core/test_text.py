"""Small text helpers of bot.core.text that the templates use."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core import templates, text
from bot.core.latex import latex_accents
from bot.core.text import cap, clean_title, counted


@pytest.mark.parametrize(
    ("number", "words", "shown"),
    [
        (0, ("paper",), "0 papers"),
        (1, ("paper",), "1 paper"),
        (2, ("paper",), "2 papers"),
        (1, ("entry", "entries"), "1 entry"),
        (12, ("entry", "entries"), "12 entries"),
    ],
)
def test_counted_agrees_with_its_number(number: int, words: tuple[str, ...], shown: str) -> None:
    assert counted(number, *words) == shown


def test_the_templates_have_the_counted_filter(tmp_path) -> None:
    (tmp_path / "t.txt.j2").write_text('{{ n | counted("resource") }}', encoding="utf-8")
    assert templates.render("t.txt.j2", directory=tmp_path, n=1) == "1 resource"
    assert templates.render("t.txt.j2", directory=tmp_path, n=137) == "137 resources"


@pytest.mark.parametrize(
    "written, read",
    [
        ("Aurora Ram\u00c3\u00adrez", "Aurora Ramírez"),  # UTF-8 read as Latin-1, soft hyphen and all
        ("Jos\u00c3\u00a9 Ra\u00c3\u00bal Romero", "José Raúl Romero"),
        (
            "The \u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d word",
            "The \u201cquoted\u201d word",
        ),  # Windows-1252
        ("Ramírez, Müller, naïve, Łukasz, 李飞飞", "Ramírez, Müller, naïve, Łukasz, 李飞飞"),  # already right
        ("JOÃO, SÃO PAULO: 2× faster", "JOÃO, SÃO PAULO: 2× faster"),  # an Ã that is no mojibake
    ],
)
def test_mojibake_is_repaired_where_text_is_cleaned(written: str, read: str) -> None:
    assert text.repair_mojibake(written) == read
    assert text.clean_inline(written) == read and text.clean_title(written) == read
    assert text.clean_title(text.clean_title(written)) == read  # idempotent


@pytest.mark.parametrize(
    ("tex", "name"),
    [
        # the 28 Nov 2024 feed's authors (tests/fixtures/arxiv): letters of their own stayed LaTeX
        (r"Przemys{\l}aw Olbratowski", "Przemysław Olbratowski"),
        (r"Jaros{\l}aw \.Zygierewicz", "Jarosław Żygierewicz"),
        (r"Serdar Kad{\i}o\u{g}lu", "Serdar Kadıoğlu"),
        (r"Sofie Castro Holb{\ae}k", "Sofie Castro Holbæk"),
        (r"Rasmus Mar{\aa}k", "Rasmus Maråk"),
        (r"\L{}ukasz S\o{}rensen", "Łukasz Sørensen"),
        (r"{\O}ystein Stra\ss e", "Øystein Straße"),
        (r"Nguy{\~{\^e}}n Ph\d{a}m", "Nguyễn Phạm"),
        (r"Tom\'a\v{s} R\r{u}\v{z}i\v{c}ka", "Tomáš Růžička"),
    ],
)
def test_latex_letters_and_accents_in_author_names_become_letters(tex: str, name: str) -> None:
    assert latex_accents(tex) == name
    # \omega outside a formula is no "ø" + "mega" (inside one it reads "ω")
    assert clean_title(rf"$\lambda$, \omega and \ldots by {tex}") == f"λ, \\omega and \\ldots by {name}"


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@example("¬$Ä")  # removing the LaTeX "$" uncovers "¬Ä", which reads as mojibake of "€"
@example("óÅwąĢýďĂcĴýı¥\xa0Î²ďķÐĆáø\xa0$")  # collapsing the no-break space uncovers "Î²" ("β")
@example("·Ã¹\U00103cd6¼Ki»þ/")  # removing a private-use character uncovers "Ã¹" ("ù")
@given(_ANY_TEXT)
def test_cleaning_a_clean_title_or_field_changes_nothing(written: str) -> None:
    """A catalog line is read back through the same cleaning (found by fuzzing: the mojibake
    repair ran before what it could uncover was removed)."""
    title, field = clean_title(written), text.clean_inline(written)
    assert clean_title(title) == title and text.clean_inline(field) == field


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Pruning for Protection Without Fine-Tuning", 38, "Pruning for Protection Without…"),  # a word's end
        ("Pruning for Protection: Without", 24, "Pruning for Protection…"),  # no colon before "…"
        (
            "https://example.org/a/very/long/path/to/a/page",
            20,
            "https://example.org…",
        ),  # one word: at the limit
        ("short enough", 12, "short enough"),
    ],
)
def test_a_cut_text_ends_after_a_whole_word_when_one_is_near(text: str, limit: int, shown: str) -> None:
    assert cap(text, limit) == shown and len(cap(text, limit)) <= limit
