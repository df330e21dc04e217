from __future__ import annotations

import pytest

from bot.core import arxiv_ids
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands.parser import Command, form_command, parse_commands
from bot.jobs.commands.section_names import section_named


def only(text: str) -> Command:
    [command] = parse_commands(text)
    return command


@pytest.mark.parametrize(
    "text, ids",
    [
        ("/add 2405.00732", ("2405.00732",)),
        ("  /add   2405.00732v2  ", ("2405.00732",)),
        ("/add https://arxiv.org/abs/2405.00732v1.", ("2405.00732",)),
        (
            "/add https://arxiv.org/pdf/2405.00732.pdf, https://arxiv.org/html/2401.00001v3",
            ("2405.00732", "2401.00001"),
        ),
        ("**/add 2405.00732**", ("2405.00732",)),
        ("- /add 2405.00732", ("2405.00732",)),
        ("/ADD arXiv:2405.00732!", ("2405.00732",)),
        ("/add 2405.00732 2405.00732v2", ("2405.00732",)),
        ("/add cs/0112017", ("cs/0112017",)),
        ("/add arXiv 2405.00732", ("2405.00732",)),
        ("/add arXiv: 2405.00732v2, ARXIV 2401.00001 kv-cache", ("2405.00732", "2401.00001")),
        ("/remove arxiv math.GT/0309136", ("math.GT/0309136",)),
        # CJK punctuation: "、" separates, "。" ends a sentence (both were read as part of the id)
        ("/add 2405.00732、2401.00001 kv-cache", ("2405.00732", "2401.00001")),
        ("/add 2405.00732。", ("2405.00732",)),
    ],
)
def test_add_ids_in_every_form(text: str, ids: tuple[str, ...]) -> None:
    assert only(text).ids == ids
    assert only(text).malformed == ()  # "arXiv" before an id is not a malformed id


def test_the_word_arxiv_alone_is_still_no_id() -> None:
    assert only("/add arXiv kv-cache").malformed == ("arXiv",)
    assert only("/add arXiv 2405.0073").malformed == ("2405.0073",)


def test_section_and_code() -> None:
    command = only("/add 2405.00732 KV Cache Compression code=https://github.com/o/r.")
    assert command.section == "KV Cache Compression"
    assert command.code_url == "https://github.com/o/r"
    assert only("/move 2405.00732 kv-cache").section == "kv-cache"


def test_several_commands_anywhere_in_a_comment() -> None:
    text = "Thanks for the paper!\n\n/add 2405.00732 kv-cache\nand also\n/remove 2101.00001\n/help"
    assert [(c.name, c.line) for c in parse_commands(text)] == [("add", 3), ("remove", 5), ("help", 6)]


def test_a_second_command_on_a_line_ends_the_first_and_is_not_run() -> None:
    """``/add A /add B`` was one /add whose section was "/add" (an unknown section, or an id
    merged into the first's). Each command is a line's start: the first stops where a second
    begins, and the second comes marked ``follows`` (answered "put it on its own line")."""
    first, second = parse_commands("/add 2401.00001 kv-cache /remove 2401.00002")
    assert (first.name, first.ids, first.section, first.text) == (
        "add",
        ("2401.00001",),
        "kv-cache",
        "/add 2401.00001 kv-cache",
    )
    assert (second.name, second.ids, second.line, second.follows) == ("remove", (), 1, first.text)
    assert second.text == "/remove 2401.00002" and not first.follows
    assert [c.text for c in parse_commands("**/add 2401.00001** **/add 2401.00002**, /help")] == [
        "**/add 2401.00001**",
        "**/add 2401.00002**,",
        "/help",
    ]
    # a slash that starts no command, or a command name inside a word or a link, ends nothing
    for text in ("/add 2401.00001 and/or /addition", "/add 2401.00001 code=https://github.com/o/add"):
        assert len(parse_commands(text)) == 1


def test_malformed_ids_are_reported_not_dropped() -> None:
    command = only("/add 2405.0073 2413.00001 arxiv:xyz 2405.00732")
    assert command.ids == ("2405.00732",)
    assert command.malformed == ("2405.0073", "2413.00001", "arxiv:xyz")


@pytest.mark.parametrize(
    "text",
    [
        "> /add 2405.00732",
        "```\n/add 2405.00732\n```",
        "`/add 2405.00732`",
        "<!-- /add 2405.00732 -->",
        "    /add 2405.00732",
        "# /add 2405.00732",
        "please /add 2405.00732",
        "/addition 2405.00732",
        "/unknown 2405.00732",
        "",
    ],
)
def test_not_commands(text: str) -> None:
    assert parse_commands(text) == []


def test_hostile_text_is_just_data() -> None:
    command = only(
        "/add 2405.00732 $(rm -rf ~) ${{ secrets.GITHUB_TOKEN }} `whoami`; <img src=x onerror=alert(1)>"
    )
    assert command.ids == ("2405.00732",)
    assert command.section is not None and "rm" in command.section  # reported as unknown section later


def test_a_link_that_is_not_arxiv_is_the_code_link() -> None:
    command = only("/add 2405.00732 kv-cache https://github.com/o/r")
    assert (command.ids, command.section, command.code_url) == (
        ("2405.00732",),
        "kv-cache",
        "https://github.com/o/r",
    )
    assert only("/add https://arxiv.org/abs/2405.0073 kv-cache").malformed == (
        "https://arxiv.org/abs/2405.0073",
    )
    assert only("/add 2405.00732 code=https://gitlab.com/a/b https://github.com/o/r").malformed == (
        "https://github.com/o/r",
    )


def test_commands_past_the_limit_keep_only_their_name() -> None:
    text = "\n".join(f"/add 2405.0073{n} kv-cache" for n in range(5))
    commands = parse_commands(text, limit=2)
    assert [c.ids for c in commands] == [("2405.00730",), ("2405.00731",), (), (), ()]
    assert [c.name for c in commands] == ["add"] * 5 and commands[4].text == "/add 2405.00734 kv-cache"


def test_rendered_text_is_what_counts() -> None:
    assert only("&#47;add 2405.00732").ids == ("2405.00732",)  # an entity renders as a slash
    assert only("/add 2405.00732 <b>kv-cache</b>").section == "kv-cache"  # HTML is not text
    assert only("text <!--\n/remove 2101.00001\n-->\n/help").name == "help"
    assert parse_commands("`x\n/add 2405.00732`") == []  # a code span over two lines


def test_approve_reads_only_revision_tags() -> None:
    command = only("/approve please 1A2B3C4D, `5e6f7a8b` and 1a2b3c4d; not deadbeef0 or 2405.00732")
    assert command.tags == ("1a2b3c4d", "5e6f7a8b")
    assert only("/approve please").tags == () and only("/add 1a2b3c4d").tags == ()


def test_a_comma_inside_a_section_name_is_kept() -> None:
    assert only("/move 2405.00732 Courses, Blogs and Talks").section == "Courses, Blogs and Talks"
    command = only("/add 2405.00732, 2401.00001 kv-cache, code=https://github.com/o/r")
    assert (command.ids, command.section) == (("2405.00732", "2401.00001"), "kv-cache")
    assert only("/add 2405.00732 KV Cache 2401.00001, Compression").section == "KV Cache Compression"


@pytest.mark.parametrize(
    "text, ids, section, code",
    [
        # "code:" (or "code" before a link) was a word of the section: "no section `kv-cache code`"
        (
            "/add 2405.00732 kv-cache code: https://github.com/o/r",
            ("2405.00732",),
            "kv-cache",
            "https://github.com/o/r",
        ),
        (
            "/add 2405.00732 kv-cache code:https://github.com/o/r",
            ("2405.00732",),
            "kv-cache",
            "https://github.com/o/r",
        ),
        (
            "/add 2405.00732 kv-cache (code: github.com/o/r)",
            ("2405.00732",),
            "kv-cache",
            "https://github.com/o/r",
        ),
        ("/add 2405.00732 code generation", ("2405.00732",), "code generation", None),
        # "and" between two ids was a word of the section: "no section `and kv-cache`"
        (
            "/add 2405.00732, 2401.00001 and 2402.00002 kv-cache",
            ("2405.00732", "2401.00001", "2402.00002"),
            "kv-cache",
            None,
        ),
        ("/add 2405.00732 & 2401.00001 kv-cache", ("2405.00732", "2401.00001"), "kv-cache", None),
        ("/add 2405.00732 and kv-cache", ("2405.00732",), "and kv-cache", None),
        # "section=" (as "code=") or "section:" was part of the name: "no section `section=kv-cache`"
        ("/add 2405.00732 section=kv-cache", ("2405.00732",), "kv-cache", None),
        (
            "/add 2405.00732 Section: KV Cache Compression code: github.com/o/r",
            ("2405.00732",),
            "KV Cache Compression",
            "https://github.com/o/r",
        ),
        ("/add 2405.00732 section", ("2405.00732",), "section", None),  # a label of nothing is a name
        # a ">" between a section and its subsection was dropped: "no section `quantization weight-only`"
        ("/move 2405.00732 quantization > weight-only", ("2405.00732",), "quantization > weight-only", None),
    ],
)
def test_labels_and_separators_around_ids_and_links_are_not_section_words(
    text: str, ids: tuple[str, ...], section: str, code: str | None
) -> None:
    command = only(text)
    assert (command.ids, command.section, command.code_url, command.malformed) == (ids, section, code, ())


def test_a_subsection_after_a_greater_than_sign_is_found(taxonomy: Taxonomy) -> None:
    section = only("/move 2405.00732 Quantization > Weight-only Quantization").section
    assert section is not None and section_named(section, taxonomy) == ("quantization", "weight-only")


@pytest.mark.parametrize(
    "text",
    [
        "/add\u200b 2405.00732 kv-cache",  # a zero-width space copied along from a web page
        "\ufeff/add 2405.00732 kv-cache",  # a byte order mark before the slash
        "\u200b/add 2405.00732 kv-cache",
        "/add 2405.00732\u200b kv-cache",
        "/add 2405.00732 kv-\u00adcache\u2060",  # a soft hyphen, a word joiner
        "/add 2405.00732 \u200ekv-cache\u200f",  # direction marks
        "／add ２４０５.００７３２ ｋｖ-ｃａｃｈｅ",  # fullwidth, as a Japanese input method types it
        "/add\u00a02405.00732\u00a0kv-cache",  # no-break spaces
    ],
)
def test_a_command_is_read_as_github_shows_it(text: str) -> None:
    """Invisible characters GitHub shows nothing for, and fullwidth forms, do not change the
    command: it is not "no section `kv-cache`. Closest: `kv-cache`" nor "`2405.00732` is not an
    arXiv id"."""
    command = only(text)
    assert (command.ids, command.malformed, command.section) == (("2405.00732",), (), "kv-cache")
    assert command.text == "/add 2405.00732 kv-cache"


def test_the_issue_form_is_read_as_github_shows_it() -> None:
    body = (
        "### arXiv link\n\n\u200bhttps://arxiv.org/abs/2405.00732\u200b\n\n### Code link\n\n_No response_\n\n"
        "### Suggested section\n\nkv-cache\ufeff\n"
    )
    command = form_command(body)
    assert command is not None
    assert (command.ids, command.malformed, command.section) == (("2405.00732",), (), "kv-cache")


def test_digits_of_other_scripts_are_no_arxiv_id() -> None:
    """``\\d`` matches any script's digits; arXiv ids are ASCII. ``٢٤٠٥.٠٠٧٣٢`` is reported as not
    an id, not looked up on arXiv (nor made a branch name) as one."""
    command = only("/add ٢٤٠٥.٠٠٧٣٢ kv-cache")
    assert (command.ids, command.malformed) == ((), ("٢٤٠٥.٠٠٧٣٢",))
    assert not arxiv_ids.is_valid("٢٤٠٥.٠٠٧٣٢") and not arxiv_ids.is_valid("cs/٠١١٢٠١٧")
    assert arxiv_ids.find_ids("arXiv:٢٤٠٥.٠٠٧٣٢ https://arxiv.org/abs/2405.00732v٢") == ["2405.00732"]


def test_an_id_with_a_line_end_is_no_valid_id() -> None:
    """``is_valid`` took "cs/0112017\\n" (a regex's "$" matches before a final line end): the
    validator of ids read back from the status comment's state, which the search of a run's PRs
    quotes (``bot_pull_requests_naming``), let a line end through."""
    assert arxiv_ids.is_valid("cs/0112017") and arxiv_ids.is_valid("2405.00732")
    assert not any(
        arxiv_ids.is_valid(i) for i in ("cs/0112017\n", "2405.00732\n", " 2405.00732", "2405.00732 ")
    )


def test_a_markdown_link_is_read_as_its_address() -> None:
    """GitHub's editor writes ``[code](https://...)`` when a link is pasted over a selected word:
    the reader sees "code", the command means the link (it was read as part of the section)."""
    command = only(
        "/add [the paper](https://arxiv.org/abs/2405.00732v2) kv-cache [code](https://github.com/o/r)"
    )
    assert (command.ids, command.section, command.code_url) == (
        ("2405.00732",),
        "kv-cache",
        "https://github.com/o/r",
    )
    command = only("/add 2405.00732 kv-cache code=[repo](<https://github.com/o/r>)")
    assert (command.section, command.code_url) == ("kv-cache", "https://github.com/o/r")


@pytest.mark.parametrize(
    "text, code_url, malformed",
    [
        ("/add 2405.00732 kv-cache github.com/o/r", "https://github.com/o/r", ()),
        ("/add 2405.00732 kv-cache code=www.github.com/o/r.", "https://www.github.com/o/r", ()),
        ("/add 2405.00732 kv-cache arxiv.org/abs/notanid", None, ("arxiv.org/abs/notanid",)),
        ("/add cs.AI/011201 kv-cache", None, ("cs.AI/011201",)),  # an old-style id, one digit short
    ],
)
def test_a_link_without_its_scheme_is_a_link(
    text: str, code_url: str | None, malformed: tuple[str, ...]
) -> None:
    """``github.com/o/r`` is the code link (checked against code_hosts like any), not words of the
    section ("there is no section `kv-cache github.com/o/r`"); a broken arXiv link or old-style id
    is reported as not an arXiv id."""
    command = only(text)
    assert (command.section, command.code_url, command.malformed) == ("kv-cache", code_url, malformed)


def test_the_issue_forms_code_link_may_lack_its_scheme() -> None:
    body = "### arXiv link\n\n2405.00732\n\n### Code link\n\ngithub.com/o/r\n\n### Suggested section\n\nkv-cache\n"
    command = form_command(body)
    assert command is not None and command.code_url == "https://github.com/o/r"


@pytest.mark.parametrize(
    "answer, code_url",
    [
        ("[repo](https://github.com/o/r)", "https://github.com/o/r"),  # was "repo](https://github.com/o/r"
        ("Code: github.com/o/r", "https://github.com/o/r"),  # was "Code", refused
        ("https://github.com/o/r (official)", "https://github.com/o/r"),
        ("owner/repo", "owner/repo"),  # no link: refused with its reason, never dropped
    ],
)
def test_the_issue_forms_code_link_is_read_as_a_command_reads_it(answer: str, code_url: str) -> None:
    body = f"### arXiv link\n\n2405.00732\n\n### Code link\n\n{answer}\n\n### Suggested section\n\nkv-cache\n"
    command = form_command(body)
    assert command is not None and command.code_url == code_url


def test_a_paragraph_inside_details_is_text_github_shows() -> None:
    """docs/commands.md: HTML hides a command, but a paragraph between blank lines inside
    ``<details>`` is markdown that GitHub renders (once the block is opened): it runs."""
    assert parse_commands("<details><summary>How</summary>/add 2405.00732</details>") == []
    text = "<details>\n<summary>How</summary>\n\n/add 2405.00732 kv-cache\n\n</details>"
    assert [(c.name, c.ids) for c in parse_commands(text)] == [("add", ("2405.00732",))]
