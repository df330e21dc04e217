"""The context fingerprint of a change (bot.core.hunks): same neighbours, same fingerprint."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.core import hunks

BASE = "# T\n\n## A\n\nabout A\n\n- a3\n- a2\n- a1\n\n## B\n\nabout B\n\n- b1\n"


def insert_after(text: str, anchor: str, line: str) -> str:
    return text.replace(f"{anchor}\n", f"{anchor}\n{line}\n", 1)


def test_a_change_elsewhere_keeps_the_fingerprint() -> None:
    mine = hunks.fingerprint(BASE, insert_after(BASE, "- a3", "- P"))
    elsewhere = insert_after(BASE, "- b1", "- b0")  # another section moved on
    assert hunks.fingerprint(elsewhere, insert_after(elsewhere, "- a3", "- P")) == mine
    one_line_away = insert_after(BASE, "- a2", "- X")  # a2 (my next line) stays between us
    assert hunks.fingerprint(one_line_away, insert_after(one_line_away, "- a3", "- P")) == mine


def test_a_changed_neighbour_changes_the_fingerprint() -> None:
    mine = hunks.fingerprint(BASE, insert_after(BASE, "- a3", "- P"))
    for pushed in (
        BASE.replace("- a2", "- a2 (edited)"),
        BASE.replace("- a3", "- a3 (edited)"),
        insert_after(BASE, "- a3", "- X"),
    ):
        assert hunks.fingerprint(pushed, insert_after(pushed, "- a3", "- P")) != mine
    assert hunks.fingerprint(BASE, insert_after(BASE, "- a3", "- Q")) != mine  # another line


def test_an_insertion_that_can_slide_covers_every_alignment() -> None:
    """A blank line and an entry inserted after a blank line can be aligned two ways; git may
    pick either, so the line before the blank is a neighbour too."""
    base = "about\n\n## H\n"
    edited = "about (edited)\n\n## H\n"
    assert hunks.fingerprint(base, "about\n\n- P\n\n## H\n") != hunks.fingerprint(
        edited, "about (edited)\n\n- P\n\n## H\n"
    )


def test_equal_fingerprints_mean_git_merges_the_old_commit_to_the_rebuilt_text(tmp_path: Path) -> None:
    """The promise the refresh job relies on, checked with git merge-file itself."""
    old_pr = insert_after(BASE, "- a3", "- P")
    pushed = insert_after(insert_after(BASE, "- a2", "- X"), "- b1", "- b0")
    rebuilt = insert_after(pushed, "- a3", "- P")
    assert hunks.fingerprint(BASE, old_pr) == hunks.fingerprint(pushed, rebuilt)
    for name, text in (("ours", pushed), ("base", BASE), ("theirs", old_pr)):
        (tmp_path / name).write_text(text)
    merged = subprocess.run(
        ["git", "merge-file", "-p", "ours", "base", "theirs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0 and merged.stdout == rebuilt


def test_trailer_round_trip() -> None:
    message = hunks.with_trailer("Add P\n\nbody\n", "0123456789abcdef")
    assert message == "Add P\n\nbody\n\nCatalog-Bot-Context: 0123456789abcdef\n"
    assert hunks.trailer_of(message + "\n") == "0123456789abcdef"  # git log adds a blank line
    assert hunks.with_trailer(message, "fedcba9876543210").count("Catalog-Bot-Context") == 1
    assert hunks.without_trailer(message) == "Add P\n\nbody"
    assert hunks.trailer_of("Add P\n\nCatalog-Bot-Context: nothex\n") is None
    assert hunks.trailer_of("Catalog-Bot-Context: 0123456789abcdef\n\nmore text") is None  # not at the end


def test_a_change_that_rewrites_lines_in_place_replays_on_a_text_that_moved_on() -> None:
    old, new = "a\nb\nc\nd\n", "a\nB\nc\nD\n"
    pairs = hunks.line_for_line(old, new)
    assert pairs == {"b\n": "B\n", "d\n": "D\n"}
    # a line inserted next to b, and d edited meanwhile (its new text is kept)
    assert hunks.replay(pairs)("a\nx\nb\nc\nd2\n") == "a\nx\nB\nc\nd2\n"


def test_only_in_place_rewrites_of_unique_lines_replay() -> None:
    assert hunks.line_for_line("a\nb\n", "a\nx\nb\n") is None  # an inserted line
    assert hunks.line_for_line("a\nb\n", "a\n") is None  # a removed one
    assert hunks.line_for_line("-\na\n-\n", "+\na\n-\n") is None  # which "-" was it?
    assert hunks.line_for_line("a\n", "a\n") == {}
