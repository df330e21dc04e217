"""Hidden markers: ``<!-- catalog-bot:KIND {json} -->`` in every PR body, comment and issue the
bot writes, so a rerun finds and updates what it wrote instead of duplicating it."""

from __future__ import annotations

import json
import re
from typing import Any

PREFIX = "catalog-bot"
_MARKER_RE = re.compile(r"<!-- catalog-bot:(?P<kind>[a-z0-9-]+)(?: (?P<data>\{.*?\}))? -->", re.S)


def make(kind: str, data: dict[str, Any] | None = None) -> str:
    """A marker; JSON is encoded so it can never close the HTML comment early."""
    if not data:
        return f"<!-- {PREFIX}:{kind} -->"
    payload = json.dumps(data, sort_keys=True, ensure_ascii=True)
    payload = payload.replace("--", "-\\u002d").replace(">", "\\u003e")
    return f"<!-- {PREFIX}:{kind} {payload} -->"


def find(text: str | None, kind: str) -> dict[str, Any] | None:
    """The data of the first ``kind`` marker in ``text`` ({} for a bare marker), else None."""
    for match in _MARKER_RE.finditer(text or ""):
        if match["kind"] != kind:
            continue
        if not match["data"]:
            return {}
        try:
            data: dict[str, Any] = json.loads(match["data"])
        except json.JSONDecodeError:
            continue
        return data
    return None
