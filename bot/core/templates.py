"""Every text a user reads is rendered here from a jinja2 template.

The templates ship with the package (``bot/templates``, package data, so an installed wheel works
outside the checkout). A repository overrides one by putting a file of the same name in
``config/templates/`` (its config folder's ``templates``): that copy wins. The catalog's entry line
is not a template: it is rendered in code next to ``parse_entry`` (``bot.core.entry``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from bot.core import markdown, text
from bot.core.locations import config_dir

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def escape_text(value: object, limit: int | None = None) -> str:
    """The ``text`` filter: untrusted text shown in markdown as typed (``bot.core.markdown.inline``):
    no link, image, HTML, table-cell break or @-mention can come out of it."""
    return markdown.inline(value, limit)


@lru_cache(maxsize=8)
def _environment(directory: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        # the repository's own copies first, then the package's
        loader=jinja2.FileSystemLoader([directory, str(PACKAGE_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # markdown, not HTML: values are escaped by the code that builds them
    )
    environment.filters["text"] = escape_text
    environment.filters["code"] = markdown.code_span
    environment.filters["url"] = markdown.url_text
    environment.filters["counted"] = text.counted
    environment.filters["cap"] = text.cap  # the one cut of the bot's texts, ending with "…"
    return environment


def render(name: str, *, directory: Path | None = None, **context: Any) -> str:
    """Render template ``name`` (``config/templates/<name>`` if the repository has it, else the
    package's) with ``context``."""
    return template(name, directory=directory).render(**context)


def template(name: str, *, directory: Path | None = None) -> jinja2.Template:
    """Template ``name`` as ``render`` finds it, to render many times (finding it checks the
    folders each time)."""
    folder = directory or (config_dir() / "templates")
    return _environment(str(folder)).get_template(name)
