"""From what an item's format gives (``Fields``) to a paper or a resource, or why it is neither:
``extract`` runs the formats of ``bot.sources.lists.formats`` (the first that recognises an item
wins) and classifies what it found."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.list_items import Fields, SourceItem
from bot.sources.lists.fields import KIND_TAG, github_repo, links, resource_title
from bot.sources.lists.formats import EXTRACTORS, is_catalog_line, resource_url
from bot.sources.lists.items import _WORD, Link, Unreadable, linked_ids


def extract(item: SourceItem) -> list[Fields] | Unreadable:
    """The papers or resources an item describes, with an arXiv id when it has one; or why it
    cannot be read."""
    item_links = links(item.text)
    for extractor in EXTRACTORS:
        found = extractor(item, item_links)
        if found:
            break
    else:
        return Unreadable("no title found")
    results = [_classify(fields, item, item_links) for fields in found if _WORD.search(fields.title)]
    if not results:
        return Unreadable("no title found")
    problems = [r for r in results if isinstance(r, Unreadable)]
    if problems:
        return problems[0]
    return [r for r in results if isinstance(r, Fields)]


def _classify(fields: Fields, item: SourceItem, item_links: list[Link]) -> Fields | Unreadable:
    if fields.arxiv_id or not item.linked:  # rendered text: only the title is usable
        return fields
    ids = linked_ids(item)
    if len(ids) > 1:
        return Unreadable(f"several arXiv ids ({', '.join(ids)}) and no title for each", fields.title)
    if ids and not fields.resource:
        return replace(fields, arxiv_id=ids[0])
    scheme = _NON_WEB_SCHEME.match(fields.url or resource_url(item_links))
    if scheme:  # javascript:, mailto:, data:... (`absolute_url` would make them https://javascript:)
        return Unreadable(f"a link that is not a web page ({scheme[1].lower()}:)", fields.title)
    # "Tutorial on MoE(PPT)": slides, even as a PDF (a line of the bot's own format stays as written)
    tagged = bool(KIND_TAG.search(fields.title)) and not is_catalog_line(item)
    if fields.resource or tagged or (not fields.url and item_links):
        return _as_resource(fields, item_links, untag=tagged)
    if not fields.url:
        return Unreadable("no link and no arXiv id", fields.title)
    if "arxiv.org/" in fields.url.lower():
        return Unreadable(f"an arXiv link without a valid id ({fields.url})", fields.title)
    if fields.year is None:
        return Unreadable("a paper link without arXiv id or year", fields.title)
    return replace(fields, url=absolute_url(fields.url))


def _as_resource(fields: Fields, item_links: list[Link], untag: bool = False) -> Fields:
    url = absolute_url(fields.url or resource_url(item_links))
    title, description = (
        resource_title(KIND_TAG.sub("", fields.title) if untag else fields.title),
        fields.description,
    )
    name, colon, rest = title.partition(": ")
    if colon and len(name) <= 30 and not description and not _title_cased(rest):
        # "MNN: A lightweight inference engine", not "REST: Retrieval-Based Speculative Decoding"
        title, description = name, rest
    return replace(
        fields,
        title=title,
        description=description,
        url=github_repo(url) or url,
        resource=True,
        venue="",
        year=None,
        authors=(),
        et_al=False,
    )


def _title_cased(text: str) -> bool:
    words = [w for w in text.split() if len(w) > 3]
    return bool(words) and sum(w[:1].isupper() for w in words) / len(words) >= 0.6


_NON_WEB_SCHEME = re.compile(r"\s*(?!https?:)([a-z][a-z0-9+.-]*):(?!\d)", re.IGNORECASE)


def absolute_url(url: str) -> str:
    url = url.strip()
    return url if re.match(r"(?i)https?://", url) else f"https://{url.lstrip('/')}"
