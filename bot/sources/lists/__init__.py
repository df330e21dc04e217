"""Read curated lists in the formats found in the wild, for ``python -m bot import``.

``read_items(name, text)`` turns a list into ``SourceItem``s: every bullet (with its indented
continuation lines) and table row that ``bot.core.catalog_parse.parse`` finds, with the cleaned
heading path above it. ``extract(item)`` reads the ``Fields`` of the paper(s) or resource an
item describes, or says why it cannot (both values live in ``bot.core.list_items``, where the
import's rules use them).
Each format is a small extractor; the first one that recognises an item wins:

- generated bullets: ``- **Title**, `arXiv, 2405.00732`, [arxiv](..)`` with an indented
  ``*authors*`` line and a repository link with a star badge (awesome-efficient-llm-plaza, metame)
- survey bullets: ``- Title, <ins>Venue, Year</ins> [[Paper](..)] [[Code](..)]``, and the same as
  rendered text without links: ``• Title, Venue, Year [Paper]``
- quoted bullets: ``- "Title", Venue, Year. [[paper](..)]``
- venue-tag bullets: ``- Title. *[Venue'YY]* [[Paper]](..) [[Code]](..)``
- line-break bullets: ``- Title <br> Venue Year [[Paper]](..) [[Github]](..)``
- nested bullets: ``- Title`` over ``- Link:``, ``- Author:``, ``- Code:``, ``- Pub:`` sub-bullets
- link bullets: ``- [badges] [Title](url). Authors. [[Paper]](..)``, ``- [Title](url): text`` and
  ``- [Title](url) - Authors, Venue Year`` (or ``(Venue Year)``)
- plain bullets, the last resort: the title up to its links, a ``[Venue Year]`` tag before it,
  or ``- **Title**, Authors, *Venue Year*``
- table rows: a title cell (``Title & Authors``, ``Title``, ``Paper``, ``Model``) holding badges,
  a title (link) and authors separated by ``<br>``; framework tables (``Name [[Code](..)] | ✅``)
"""

from bot.core.list_items import Fields, SourceItem  # the values, given here under their names
from bot.sources.lists.classify import extract
from bot.sources.lists.fields import github_repo
from bot.sources.lists.items import Unreadable, clean_heading, read_items

__all__ = ["Fields", "SourceItem", "Unreadable", "clean_heading", "extract", "github_repo", "read_items"]
