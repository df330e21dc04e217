"""The site's own words (the search box's label, the filters, the counts...), in the catalog's
language: English by default, each overridden by ``labels`` of ``config/taxonomy.yml``.

The defaults live in one place, the schema of that file (``bot/config_schemas/taxonomy.yml``,
``labels``), which also refuses an unknown key and a label without the ``{name}`` the site fills
in. The page's HTML takes them through ``label`` (escaped for HTML); site.js and abstracts.js take
the ones they write from the page's data, as JSON (``JS_LABELS``), and fill them in the same way.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from bot.core.taxonomy import Taxonomy

SCHEMA = Path(__file__).resolve().parent.parent / "config_schemas" / "taxonomy.yml"

# what the scripts write themselves (the rest is in the HTML)
JS_LABELS = (
    "entries_one",
    "entries_other",
    "count_match",
    "count_filters",
    "loading",
    "unavailable",
    "similar",
    "short_indexing",
    "short_failed",
    "show_all",
    "abstract",
    "abstract_of",
)


@functools.cache
def defaults() -> dict[str, str]:
    """The English labels, by key: the schema's defaults."""
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return {key: spec["default"] for key, spec in schema["properties"]["labels"]["properties"].items()}


def site_labels(taxonomy: Taxonomy) -> dict[str, str]:
    """Every label: the taxonomy's, else the English default."""
    return defaults() | dict(taxonomy.labels)


_NAME = re.compile(r"\{(\w+)\}")


def fill(text: str, **values: object) -> Markup:
    """A label with its ``{name}``s replaced, escaped for HTML (a value that is ``Markup``, a
    link the page makes, goes in as it is). One pass, not ``str.format``: a brace a translator
    wrote stays text, and a ``{name}`` inside a value (a section's title) is not filled in."""
    parts, last = [], 0
    for found in _NAME.finditer(text):
        if found[1] in values:
            parts += [escape(text[last : found.start()]), escape(values[found[1]])]
            last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def counted(labels: dict[str, str], number: int, noun: str) -> Markup:
    """``number`` with its noun in the labels' words: ``entries_one`` for 1, else ``entries_other``."""
    return fill(labels[f"{noun}_{'one' if number == 1 else 'other'}"], n=number)
