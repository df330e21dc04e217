"""Hidden markers: ``<!-- catalog-bot:KIND {json} -->`` in every PR body, comment and issue the
bot writes, so a rerun finds and updates what it wrote instead of duplicating it."""

from __future__ import annotations

import json
import re
from typing import Any

PREFIX = "catalog-bot"
# A marker starts a real HTML comment: a backslash-escaped "\<!--" (as in an escaped entry line)
# is text, not a marker.
_MARKER_RE = re.compile(r"(?<!\\)<!-- catalog-bot:(?P<kind>[a-z0-9-]+)(?P<rest> -->| \{)")


def make(kind: str, data: dict[str, Any] | None = None) -> str:
    """A marker; JSON is encoded so it can never close the HTML comment early."""
    if not data:
        return f"<!-- {PREFIX}:{kind} -->"
    payload = json.dumps(data, sort_keys=True, ensure_ascii=True)
    payload = payload.replace("--", "-\\u002d").replace(">", "\\u003e")
    return f"<!-- {PREFIX}:{kind} {payload} -->"


def find(text: str | None, kind: str) -> dict[str, Any] | None:
    """The data of the first ``kind`` marker in ``text`` ({} for a bare marker), else None."""
    text = text or ""
    decoder = json.JSONDecoder()
    for match in _MARKER_RE.finditer(text):
        if match["kind"] != kind:
            continue
        if match["rest"] == " -->":
            return {}
        try:
            data, end = decoder.raw_decode(text, match.end() - 1)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and text.startswith(" -->", end):
            return data
    return None
