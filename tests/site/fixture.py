"""Fixture catalogs for the site: a small hand-shaped one for the tests (with hostile text in
it), and a generated one of any size for the benchmark. Deterministic for a given seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

from bot import config as bot_config
from bot.core import catalog_document
from bot.core import taxonomy as taxonomy_module
from bot.core.entry import Entry

CONFIG = Path(__file__).resolve().parent / "fixtures" / "config"
# What survives the catalog's own cleaning (tags are stripped from titles) and could still
# end a <script> element or open a comment; the paper store's authors are not cleaned of tags.
HOSTILE_TITLE = 'Breaking </script out <!-- "quoted" & more'
HOSTILE_AUTHOR = "</script><script>window.pwned=1</script>"
HOSTILE_VENUE = "Conf </script <!-- 2024"
HOSTILE_ABSTRACT = "The zeppelin <img src=x onerror=alert(1)> & co."
# No space to break at: it must not widen a phone's page.
LONG_TITLE = "Supercalifragilistic" * 8
# Two titles that differ by a one-digit number only: "4-bit" must not find the "2-bit" one.
BITS = {8: "4-bit", 9: "2-bit"}
WORDS = (
    "sparse",
    "cache",
    "graph",
    "tensor",
    "lattice",
    "river",
    "kernel",
    "adaptive",
    "token",
    "memory",
    "router",
    "quantum",
    "signal",
    "bridge",
    "harbor",
    "vector",
    "compact",
    "fusion",
    "stream",
    "window",
    "prism",
    "orbit",
    "ledger",
    "cascade",
    "meadow",
    "anchor",
)
NAMES = (
    "Ada Lovelace",
    "Alan Turing",
    "Grace Hopper",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
    "Frances Allen",
    "John Backus",
    "Kristen Nygaard",
    "Ole-Johan Dahl",
    "Ørjan Ødegaard",
    "Zoë Ng",
    "Li Wei",
    "María José García",
    "Tony Hoare",
)
VENUES = ("", "", "", "Conf A 2023", "Conf A 2024", "Workshop B 2024", "Journal C")
PLACES = (("alpha", None), ("alpha", "alpha-one"), ("alpha", "alpha-two"), ("beta", None), ("gamma", None))


def load_taxonomy() -> taxonomy_module.Taxonomy:
    return bot_config.load_taxonomy(CONFIG)


def _title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(2, 5))
    return " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(words)) + rng.choice(
        ("", " for Fast Inference", ": A Study", " at Scale")
    )


def generate(n: int, seed: int = 7) -> tuple[str, list[dict[str, object]]]:
    """(catalog text, paper-store records) with ``n`` papers (plus three tools) spread over
    the fixture taxonomy; about half the papers get an abstract in the store."""
    rng = random.Random(seed)
    taxonomy = load_taxonomy()
    placed: dict[tuple[str, str | None], list[Entry]] = {}
    records: list[dict[str, object]] = []
    for i in range(n):
        year = rng.choice((2021, 2022, 2023, 2024, 2025))
        month = rng.randint(1, 12)
        arxiv_id = f"{year % 100:02d}{month:02d}.{10000 + i:05d}"
        authors = rng.sample(NAMES, rng.randint(1, 6))
        has_code = rng.random() < 0.5
        title = HOSTILE_TITLE if i == 4 else _title(rng)
        title = LONG_TITLE if i == 6 else title
        title = f"{BITS[i]} {title}" if i in BITS else title
        entry = Entry(
            title=title,
            url=f"https://arxiv.org/abs/{arxiv_id}",
            authors=tuple(authors),
            arxiv_id=arxiv_id,
            year=year,
            month=month,
            venue=HOSTILE_VENUE if i == 4 else rng.choice(VENUES),
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
            code_url=f"https://github.com/example/repo{i}" if has_code else "",
            stars=rng.choice((3, 40, 150, 900, 2500, 12000)) if has_code else None,
        )
        placed.setdefault(rng.choice(PLACES), []).append(entry)
        if i % 2 == 0:
            abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
            if i == 4:
                abstract += " " + HOSTILE_ABSTRACT
            if i == 4:
                authors = [*authors, HOSTILE_AUTHOR]
            records.append({"arxiv_id": arxiv_id, "title": title, "authors": authors, "abstract": abstract})
    placed[("tools", None)] = [
        Entry(
            title=f"Tool {name}",
            url=f"https://github.com/example/{name}",
            kind="resource",
            description=f"A {name} library for {WORDS[k]} work",
            code_url="",
            stars=None,
        )
        for k, name in enumerate(("hammer", "chisel", "lathe"))
    ]
    placed[("tools", None)].append(
        Entry(title="Sneaky link", url="javascript:alert(1)", kind="resource", description="not a link")
    )
    return catalog_document.render_document(taxonomy, placed), records


def write(directory: Path, n: int, seed: int = 7) -> tuple[Path, Path]:
    """Write catalog.md and papers.jsonl into ``directory``; return their paths."""
    text, records = generate(n, seed)
    directory.mkdir(parents=True, exist_ok=True)
    catalog_path = directory / "catalog.md"
    catalog_path.write_text(text, encoding="utf-8")
    papers_path = directory / "papers.jsonl"
    papers_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return catalog_path, papers_path
