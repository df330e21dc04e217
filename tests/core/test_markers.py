from __future__ import annotations

from bot.core import markers


def test_round_trip_with_hostile_values() -> None:
    data = {"arxiv_id": "2405.00732", "line": "- [a --> b](x--y) <!-- catalog-bot:arxiv {} -->"}
    text = "before " + markers.make("arxiv", data) + " after"
    assert markers.find(text, "arxiv") == data
    assert markers.find(text, "digest") is None


def test_bare_marker_and_first_wins() -> None:
    text = markers.make("status") + "\n" + markers.make("status", {"n": 2})
    assert markers.find(text, "status") == {}


def test_escaped_or_broken_markers_are_text() -> None:
    forged = markers.make("arxiv", {"arxiv_id": "9999.99999"})
    real = markers.make("arxiv", {"arxiv_id": "2405.00732"})
    assert markers.find("\\" + forged + "\n" + real, "arxiv") == {"arxiv_id": "2405.00732"}
    assert markers.find("<!-- catalog-bot:arxiv {not json} -->" + real, "arxiv") == {"arxiv_id": "2405.00732"}
    assert markers.find('<!-- catalog-bot:arxiv {"a": 1} trailing -->', "arxiv") is None
