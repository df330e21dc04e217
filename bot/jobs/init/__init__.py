"""``python -m bot init --from README.md``: adopt the bot on an existing awesome list.

Reads the list with the importer's readers (``bot.sources.lists``: every format ``import``
reads) and writes the plan of ``bot.sources.lists.scaffold`` into the repository's ``config/``:

- ``taxonomy.yml``: one section per heading under the list's title that holds entries, one
  subsection per heading below it (deeper headings fold into their subsection); ids from the
  titles, a one-line description to edit; a section of mostly non-paper links is a resources
  section, and non-paper links found among papers get a ``resources`` section of their own
  (the list's own "Resources" when it is its last resources section);
- ``import-mapping.yml``: one rule per source heading, to its new section;
- ``keywords.yml``: starter routing rules per section, from the section's name and the words
  that are frequent in its entries' titles and rare elsewhere (in the list's other sections, and
  in arXiv papers at large: the shipped background's);
- the arXiv categories the list draws from (``--categories``, else the bot's defaults, those of
  efficient-LLM research) in the three places that use them: ``sources.yml`` (the feed),
  ``keywords.yml`` (the categories gate) and ``papers.yml`` (backfill's search);
- the issue form's section dropdown (``.github/ISSUE_TEMPLATE/add-paper.yml``, written when
  the repository has none);
- ``.gitignore`` lines for what the bot generates (the site's ``_site/``, the scorer cache),
  appended when missing;

then imports the list into the bot's one-line format (``catalog.md``). Existing files are
kept unless ``--force``; the generated config passes ``validate-config`` and ``lint``. The
config is checked as it would be (kept files, new files, the form) before anything is written:
a run stopped by a problem leaves the repository as it was. The files' text and how each is
written (kept, wrote, updated) are ``files.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot import config
from bot.config_checks import check_staged, counted_problems
from bot.core.catalog_io import read_repo_file
from bot.core.issue_form import FORM_PATH
from bot.core.repo_files import with_generated_ignored, with_store_marked
from bot.core.text import terminal_text, unreadable
from bot.errors import BotError, ConfigError
from bot.forge.workflow_files import WORKFLOWS_DIR, bot_workflows
from bot.jobs import add_repo_argument, repo_root
from bot.jobs.init.files import (
    DEFAULT_CATALOG,
    Written,
    categories_in,
    config_files,
    dump,
    rewrite,
    write,
)
from bot.sources.arxiv_rss import DEFAULT_CATEGORIES, is_category
from bot.sources.lists.intro import list_intro
from bot.sources.lists.reading import not_utf8
from bot.sources.lists.scaffold import FALLBACK_TITLE, scaffold

if TYPE_CHECKING:
    from bot.core.taxonomy import Taxonomy
    from bot.jobs.import_lists import ImportResult


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="LIST",
        help="an existing awesome list (markdown or text) in any format `import` reads",
    )
    add_repo_argument(parser, "the repository to scaffold")
    parser.add_argument("--title", help="the catalog's title (default: the list's `#` heading)")
    parser.add_argument(
        "--catalog",
        help="the catalog to write, relative to --repo (default: `catalog` of an existing "
        "config/poll.yml, else catalog.md; another path is written to config/poll.yml as `catalog`)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite config files and the catalog that already exist"
    )
    parser.add_argument(
        "--categories",
        metavar="CATS",
        nargs="+",  # `--categories cs.RO, cs.CV` (the shell splits it) is cs.RO,cs.CV too
        type=parse_categories,
        help="comma-separated arXiv categories of the list's field, e.g. cs.RO,cs.CV "
        f"(default: {','.join(DEFAULT_CATEGORIES)}, those of efficient-LLM research)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the taxonomy; write nothing")


def parse_categories(text: str) -> tuple[str, ...]:
    """``cs.RO,cs.CV`` (commas and/or spaces) -> the categories (``--categories``)."""
    cats = tuple(dict.fromkeys(c for c in text.replace(",", " ").split()))
    bad = [c for c in cats if not is_category(c)]
    if bad or not cats:
        what = f"not arXiv category names: {', '.join(bad)}" if bad else "no category given"
        raise argparse.ArgumentTypeError(
            f"{what}; pass names such as cs.RO,cs.CV or a whole archive such as q-bio "
            "(https://arxiv.org/category_taxonomy)"
        )
    return cats


def _refuse_catalog_over_source(args: argparse.Namespace, text: str) -> None:
    """``--catalog README.md --from README.md``: kept as it is, the list is no catalog (lint
    finds every entry malformed); only ``--force`` rewrites it in the bot's one-line format. A
    list already in that format (a rerun after ``--force``) is kept, its footer's prose (a numbered
    list under ``# Contributing``, named in ``footer_headings``) too."""
    from bot.core.catalog_parse import parse

    catalog = (args.repo / args.catalog).resolve()
    if catalog != args.source.resolve() or args.force:
        return
    try:  # a rerun: the taxonomy the first run wrote names the footer
        taxonomy = config.load_taxonomy(args.repo / "config")
    except ConfigError:  # none yet, or broken (checked below, with the other files)
        taxonomy = None
    parsed = parse(text, taxonomy)
    prose = parsed.prose_lines()  # its header and footer
    items = [i for i in parsed.items if i.start not in prose]
    if not items or any(i.entry is None and "](#" not in i.text for i in items):
        raise BotError(
            f"--catalog {args.catalog} is the list init reads (--from {args.source}): kept as it "
            "is, it is not in the bot's one-line format and every job would refuse it. Pass "
            f"--force to rewrite {args.catalog} in that format (its text is replaced; git keeps "
            "the old one), or leave --catalog out to write catalog.md beside it"
        )


def _header_titles(catalog_path: Path, taxonomy: Taxonomy) -> list[str]:
    """The headings of the catalog's sections of prose above the list (``## About``)."""
    from bot.core.catalog_parse import parse

    catalog = parse(catalog_path.read_text(encoding="utf-8-sig"), taxonomy)
    header = catalog.header_lines()
    return [h.title for h in catalog.headings if h.line in header and h.level <= 2]


def main(args: argparse.Namespace) -> int:
    from bot.core.catalog_document import footer_headings
    from bot.jobs import import_lists
    from bot.jobs.import_lists import same_file

    source: Path = args.source
    args.repo = repo_root(args.repo)  # from docs/ of a list: the list's root, not docs/config/
    if args.categories:  # one tuple per word given: their union, in order
        args.categories = tuple(dict.fromkeys(c for cats in args.categories for c in cats))
    categories: tuple[str, ...] = args.categories or DEFAULT_CATEGORIES
    try:
        text = source.read_text(encoding="utf-8-sig")  # a BOM (Notepad) is no text
    except UnicodeDecodeError as exc:
        raise not_utf8(source, exc) from exc
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise BotError(
            f"{source}: cannot read the list ({exc.__class__.__name__}): pass the "
            "path of an awesome list's README (markdown or text)"
        ) from exc
    except OSError as exc:  # its permissions, a symlink loop
        raise BotError(f"{unreadable(source, exc)}: check the list's file and its permissions") from exc
    if args.catalog is None:  # a rerun keeps the catalog every job reads, not a second one
        poll_yml = args.repo / "config" / "poll.yml"
        args.catalog = (
            str(config.load("poll", poll_yml.parent)["catalog"]) if poll_yml.exists() else DEFAULT_CATALOG
        )
    _refuse_catalog_over_source(args, text)
    plan = scaffold(source.name, text, args.title)
    title_note = None
    if args.title is None and plan.title == FALLBACK_TITLE and args.repo.resolve().name:
        # no `#` heading: the clone's folder is named after the repository (Awesome-LLM-KV-Cache)
        plan.title = args.repo.resolve().name
        title_note = (
            f"title: {plan.title}, the folder's name ({source.name} has no `#` title over its sections); "
            f'`--title "Awesome X"` or `title:` in config/taxonomy.yml sets another.'
        )
    intro = list_intro(text) or (
        f"A curated list, kept alive by catalog-bot (imported from {source.name}). "
        "Edit this paragraph in config/taxonomy.yml."
    )
    taxonomy_data = plan.taxonomy(intro)
    if same_file(args.repo / args.catalog, source) and (footer := footer_headings(text, plan.last_entry)):
        # the list is the catalog: its Contributing and License stay, under the sections
        sections = taxonomy_data.pop("sections")
        taxonomy_data |= {"footer_headings": footer, "sections": sections}
    if args.dry_run:
        print(dump(taxonomy_data).rstrip())
        return 0
    repo: Path = args.repo
    config_path = repo / "config"
    files = config_files(config_path, source.name, plan, taxonomy_data, categories, args.catalog)
    new = {path: text for path, text in files.items() if args.force or not path.exists()}
    # checked as they would be once written (kept files, new files, the form), before writing any
    form_text, problems = check_staged(repo, new)
    kept = [path.name for path in files if path not in new]
    count, listed = counted_problems(problems)
    if problems and kept:  # the maintainer's files, edited since the first run
        raise ConfigError(
            f"{count} config problem(s) in files init kept as they are ({', '.join(kept)}): "
            "fix them, then rerun init or run `python -m bot validate-config` (init wrote "
            f"nothing):\n{listed}"
        )
    if problems or form_text is None:
        raise ConfigError(f"the generated config has problems (a bug of init):\n{listed}")
    fix = "make it a text file or move it away"
    form_old, ignore, attributes = (
        read_repo_file(repo / p, fix, "init wrote nothing")
        for p in (FORM_PATH, ".gitignore", ".gitattributes")
    )
    written = [write(path, text, args.force) for path, text in files.items()]
    store = config.load("papers", config_path)["store"]["path"]
    written.append(rewrite(repo / FORM_PATH, form_old, form_text))
    written.append(rewrite(repo / ".gitignore", ignore, with_generated_ignored(ignore or "")))
    written.append(rewrite(repo / ".gitattributes", attributes, with_store_marked(attributes or "", store)))
    taxonomy = config.load_taxonomy(config_path)
    mapping = import_lists.load_mapping(taxonomy, config_path)
    result = import_lists.run(import_lists.read_sources([source]), mapping)
    catalog_path = repo / args.catalog
    catalog_kept: bool | str = False  # or why --force keeps it; "" from _added_since: rewritten
    if catalog_path.exists():
        catalog_kept = (_added_since(args, result, taxonomy) or False) if args.force else True
    if catalog_kept:
        written.append(Written(catalog_path, "kept"))
        changes = None
    else:
        changes = _write_catalog(result, taxonomy, catalog_path)
        written.append(Written(catalog_path, "wrote"))
    for item in written:
        if item.path != catalog_path:  # the report's last line says what became of the catalog
            print(f"{item.action} {item.path}")
    report = import_lists.render_report(result, str(catalog_path), changes, kept=catalog_kept)
    print(terminal_text(report.rstrip("\n")))  # the report and the headings quote the list
    if same_file(catalog_path, source) and (header := _header_titles(catalog_path, taxonomy)):
        print(
            terminal_text(
                f"kept as written above the list: {', '.join(header)} (sections of prose; "
                "`header_headings` in config/taxonomy.yml names others or none, docs/catalog.md)"
            )
        )
    print(
        f"init: {_counted(len(taxonomy.sections), 'section')}, "
        f"{_counted(len(taxonomy.subsections), 'subsection')} from "
        f"{plan.entries} entries of {source.name}. Next: edit the descriptions in "
        f"{config_path / 'taxonomy.yml'}, then `python -m bot validate-config`, "
        "`python -m bot lint` and `python -m bot poll --dry-run` (docs/adopt.md)."
    )
    if title_note and config_path / "taxonomy.yml" in new:  # a kept taxonomy keeps its own title
        print(title_note)
    if not bot_workflows(repo):  # init writes none: they pin the bot's commit
        print(
            f"workflows: none in {repo / WORKFLOWS_DIR} runs the bot yet: copy poll.yml, "
            "refresh.yml, commands.yml, nightly.yml and new-topics.yml of the bot's docs/workflows/ "
            "there (docs/adopt.md, step 6; `python -m bot doctor` checks them)."
        )
    _print_warnings(args, config_path, categories)
    return 0


def _added_since(args: argparse.Namespace, result: ImportResult, taxonomy: Taxonomy) -> str:
    """Why ``--force`` keeps the catalog ("" when it may rebuild it): it has arXiv papers the
    list does not give, added since (by the bot, by hand). init's rerun for other categories is
    a ``--force``: it rewrote the config and, with the catalog, dropped those papers."""
    from bot.core.catalog_parse import parse
    from bot.jobs.import_lists import same_file

    path = args.repo / args.catalog
    if same_file(path, args.source):  # --catalog README.md: the list itself, rewritten on purpose
        return ""
    added = sorted(parse(path.read_text(encoding="utf-8"), taxonomy).arxiv_id_set() - result.arxiv_ids)
    if not added:
        return ""
    return (
        f"it has {_counted(len(added), 'arXiv paper')} {args.source.name} does not give (e.g. "
        f"{', '.join(added[:3])}), added since: --force rewrote the config, not the catalog. To "
        f"rebuild it from the list anyway: python -m bot import {args.source} --output {args.catalog} "
        "--replace"
    )


def _write_catalog(result: ImportResult, taxonomy: Taxonomy, catalog_path: Path) -> tuple[int, int]:
    """The imported catalog written anew (an old one replaced only once the new text re-parses):
    (arXiv ids added, removed), compared with the old one."""
    from bot.jobs import import_lists

    catalog_path.parent.mkdir(parents=True, exist_ok=True)  # --catalog docs/list.md
    return import_lists.write(result, taxonomy, catalog_path, replace_papers=True)


def _print_warnings(args: argparse.Namespace, config_path: Path, categories: tuple[str, ...]) -> None:
    """What the maintainer should know about files init kept, categories and where the config is read."""
    configured = str(config.load("poll", config_path)["catalog"])
    if configured != args.catalog:  # a poll.yml that init kept
        print(
            f"warning: {config_path / 'poll.yml'} says `catalog: {configured}`, so the jobs read "
            f"that file, not {args.catalog}: set `catalog: {args.catalog}` there."
        )
    found = categories_in(config_path)
    differ = [name for name, cats in found.items() if args.categories and tuple(cats) != categories]
    if differ:  # kept files: --categories reached none of them
        print(
            f"warning: --categories {','.join(categories)} is not in {', '.join(differ)}, kept as "
            "they are: set the categories there, or rerun with `--force` (which rewrites every file)."
        )
    feed = found["config/sources.yml"]
    if args.categories is None and tuple(feed) == DEFAULT_CATEGORIES:  # not a kept file's own
        print(
            f"arXiv categories: {', '.join(categories)} (the bot's defaults, made for efficient-LLM "
            "research). For another field set yours in config/sources.yml (feed.categories), "
            "config/keywords.yml (categories.require_any) and config/papers.yml "
            "(backfill.categories), or rerun with `--categories cs.RO,cs.CV --force`."
        )
    if config.config_dir().resolve() != config_path.resolve():
        print(
            f"note: the bot reads its config from {config.config_dir()} here; run it from "
            f"{args.repo} (or set CATALOG_BOT_CONFIG={config_path})."
        )
