"""Sections a list gives by label badges instead of headings (pure).

pprp's Awesome-LLM-Prune has no heading under its title: each paper's ``- Label:`` line carries
shields.io badges (``<img src=https://img.shields.io/badge/structured-blue.svg>``), and a legend
table under the intro names them (``| Taxonomy | Unstructured | Structured | Semi-Structured |``
over ``| Label | <img ...unstructured...> | ...``). A maintainer files such a list by those labels,
so an entry with a label badge counts for a heading named by its first badge, under the list's
title: the legend's name for it, else the badge's text (``semi_structured`` -> Semi Structured).

Only in a list without section headings (none below its ``#`` title): a list with headings is
filed by them, whatever badges its entries carry (a venue badge, a star badge).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.list_items import SourceItem

# a shields.io static badge: /badge/MESSAGE-COLOR or /badge/LABEL-MESSAGE-COLOR (`--` is a dash,
# `_` a space, `__` an underscore)
_BADGE = re.compile(r"img\.shields\.io/badge/(?P<body>[^\s\"'<>()?]+?)(?:\.svg|\.png)?(?=[\s\"'<>)?]|$)")
_LABEL_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?Labels?[ \t]*[:：](?P<rest>.*)$", re.IGNORECASE | re.MULTILINE
)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def badge_text(body: str) -> str:
    """The words a static badge shows as its message: ``semi_structured-brightgreen`` -> ``semi
    structured``, ``type-structured-blue`` -> ``structured``."""
    parts = [p.replace("\0", "-") for p in body.replace("--", "\0").split("-")]
    message = parts[0] if len(parts) <= 2 else parts[1]
    return " ".join(message.replace("__", "\0").replace("_", " ").replace("\0", "_").split())


def _key(text: str) -> str:
    return " ".join(re.sub(r"[_\-\s]+", " ", text).lower().split())


def legend(text: str) -> dict[str, str]:
    """A table row of badges under a header row of names: badge (its key) -> the header's name."""
    names: dict[str, str] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("|") or not _BADGE.search(line) or index < 2:
            continue
        header, separator = lines[index - 2], lines[index - 1]
        if not header.lstrip().startswith("|") or set(separator.strip()) - set("|-: "):
            continue
        for name, cell in zip(_cells(header), _cells(line), strict=False):
            if (badge := _BADGE.search(cell)) and name.strip():
                names.setdefault(_key(badge_text(badge["body"])), name.strip())
    return names


def _cells(row: str) -> list[str]:
    cells = _CELL_SPLIT.split(row.strip())
    return cells[1:-1] if len(cells) > 2 else cells


def first_label(item_text: str) -> str:
    """The message of the first badge on the item's ``Label:`` line, or ""."""
    for line in _LABEL_LINE.finditer(item_text):
        if badge := _BADGE.search(line["rest"]):
            return badge_text(badge["body"])
    return ""


def by_label(items: list[SourceItem], text: str, sectioned: bool) -> list[SourceItem]:
    """``items`` with each labelled bullet under a heading named by its first label (appended to its
    path: the list's title, or none), when the list has no section heading (``sectioned`` False)."""
    if sectioned:
        return items
    names = None
    out = []
    for item in items:
        label = first_label(item.text) if item.kind == "bullet" else ""
        if not label:
            out.append(item)
            continue
        if names is None:
            names = legend(text)
        name = names.get(_key(label)) or label[:1].upper() + label[1:]
        out.append(replace(item, path=(*item.path, name)))
    return out
