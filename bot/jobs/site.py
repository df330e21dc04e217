"""The site job: ``python -m bot site --output _site/`` builds a searchable static page of the
catalog (and its chart) for GitHub Pages. See docs/site.md.

The job is thin: read the taxonomy, the catalog and (when there) the paper store, then
``build.build`` writes ``index.html``, ``chart.svg`` and the static files.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.errors import BotError
from bot.jobs import CATALOG_DEFAULT_HELP, CONFIG_FILES, catalog_file, config_relative, no_entries_warning

DEFAULT_OUTPUT = "_site"
DEFAULT_PAPERS = Path("data/papers.jsonl")  # config/papers.yml's default store.path
log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help=f"folder to write the site into (default: {DEFAULT_OUTPUT} in the list's root)",
    )
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help=f"the catalog to publish (default: {CATALOG_DEFAULT_HELP})",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="folder with taxonomy.yml (default: $CATALOG_BOT_CONFIG, else the nearest config/ up from here)",
    )
    parser.add_argument(
        "--papers",
        type=Path,
        default=None,
        help="the paper store, JSON lines with arxiv_id, authors, abstract (default: config/"
        f"papers.yml store.path, {DEFAULT_PAPERS}, in the list's root or next to the --catalog "
        "given, when it exists; "
        "without it the catalog alone)",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the papers-per-month chart (SVG) here, e.g. docs/img/chart.svg",
    )


def store_path(catalog: Path | None, config_dir: Path | None) -> Path:
    """Where config/papers.yml ``store.path`` puts the paper store: relative to the repository
    root, found as the config is (``catalog`` None; the folder above ``--config-dir`` when given),
    or the folder of the catalog given."""
    from bot import config

    configured = config.load("papers", config_dir)["store"]["path"]
    return catalog.parent / configured if catalog is not None else config_relative(configured, config_dir)


def main(args: argparse.Namespace) -> int:
    from bot.config import load_taxonomy
    from bot.core.catalog_io import read_catalog, refuse_folder
    from bot.core.locations import in_repository
    from bot.core.text import counted
    from bot.site.build import build
    from bot.site.papers import read_papers

    if args.output is None:
        args.output = in_repository(DEFAULT_OUTPUT)  # from docs/: the list's _site/, not docs/_site/
    if args.output.exists() and not args.output.is_dir():
        raise BotError(f"{args.output} is a file: pass --output with the folder to write the site into")
    if args.chart is not None:
        refuse_folder(args.chart)
    taxonomy = load_taxonomy(args.config_dir)
    given = args.catalog
    args.catalog = catalog_file(args.catalog, args.config_dir)
    catalog = read_catalog(args.catalog, taxonomy)
    papers_path = args.papers
    if papers_path is None:
        configured = store_path(given, args.config_dir)
        papers_path = configured if configured.exists() else None
    papers = read_papers(papers_path) if papers_path is not None else None
    try:
        site, written = build(catalog, taxonomy, args.output, papers=papers, chart_path=args.chart)
    except OSError as exc:  # a permission, a symlink loop, a full disk: a traceback (exit 3) before
        raise BotError(
            f"cannot write {exc.filename} ({exc.strerror or type(exc).__name__}): pass --output "
            "(and --chart) with a place you can write"
        ) from exc
    store = (
        f"; {counted(site.with_abstract, 'abstract')} from {papers_path}"
        if papers_path is not None
        else "; no paper store (catalog only)"
    )
    print(f"site: {counted(len(site.entries), 'entry', 'entries')} -> {written['index.html']}{store}")
    if empty := no_entries_warning(catalog, args.catalog, args.config_dir):
        print(f"warning: the site lists no paper: {empty}", file=sys.stderr)
    if site.skipped:
        print(
            f"site: {site.skipped} item(s) under a section are not canonical entry lines and are "
            "not shown; `python -m bot lint` lists them",
            file=sys.stderr,
        )
    taxonomy_file = args.config_dir / "taxonomy.yml" if args.config_dir else CONFIG_FILES[1]
    for unknown in site.unknown:  # a warning, not a failure: the rest of the site is right
        log.warning("%s:%d: %s", args.catalog, unknown.line, unknown.message(taxonomy_file))
    if "chart" in written:
        print(f"site: chart -> {written['chart']}")
    return 0
