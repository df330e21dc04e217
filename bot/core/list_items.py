"""What an imported list gives, as values: one item of a list (``SourceItem``) and what it says
about one paper or resource (``Fields``).

``bot.sources.lists`` reads a list into these; the import's rules in core (``import_mapping``,
``import_merge``) place and merge them. ``bot.sources.lists`` gives them under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceItem:
    """One bullet (with its continuation lines) or table row of a source list."""

    file: str
    line: int  # 1-based
    path: tuple[str, ...]  # the cleaned headings above the item, outermost first
    text: str
    kind: str = "bullet"  # "bullet" or "row"
    header: tuple[str, ...] = ()  # the table's header cells, for a row
    arxiv_ids: tuple[str, ...] = ()
    linked: bool = True  # False when the whole file has no links (rendered text)

    @property
    def heading_path(self) -> str:
        return " > ".join(self.path)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Fields:
    """What one item says about one paper or resource (empty when it does not say)."""

    title: str
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    et_al: bool = False
    venue: str = ""
    year: int | None = None
    url: str = ""  # the paper's or resource's own link
    code_url: str = ""
    description: str = ""
    resource: bool = False
    # what only a line in the catalog's own format says (a list kept by the bot, read back)
    month: int | None = None
    stars: int | None = None
    archived: bool = False
    withdrawn: bool = False
    catalog_line: bool = False  # read from a line of that format: its title is the catalog's own
