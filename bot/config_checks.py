"""The checks of ``python -m bot validate-config``, shared with the jobs that run them first
(``preflight``), ``init`` (the config it would write: ``check_staged``) and ``doctor``: every
problem of every config file in one list, each naming the real path."""

from __future__ import annotations

import logging
import shutil
import tempfile
import textwrap
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from bot import config
from bot.core.catalog_io import read_repo_file
from bot.core.issue_form import FORM_PATH as FORM
from bot.core.issue_form import FORM_TEMPLATE, paper_section_titles, set_form_options
from bot.core.taxonomy import Taxonomy
from bot.errors import ConfigError
from bot.scoring.patterns import equivalent_patterns
from bot.scoring.rules import FIELDS, RuleScorer


def _closest(name: str, choices: list[str]) -> str:
    from rapidfuzz import process

    found = process.extractOne(name, choices) if choices else None
    return f" (closest: {found[0]})" if found else ""


# what to do with an issue form the bot cannot read (a folder of its name, another encoding)
_FORM_FIX = (
    "make it the issue form's YAML file, or move it away so that `python -m bot init --from LIST` writes one"
)


def check_all(directory: Path, repo: Path | None = None, keywords_required: bool = True) -> list[str]:
    """Every problem of the config in ``directory`` (and of ``repo``'s issue form; default: the
    folder above the config), as lines that name the file."""
    repo = directory.parent if repo is None else repo
    problems: list[str] = []
    loaded: dict[str, dict] = {}
    for name in config.schema_names():
        try:
            loaded[name] = config.load(name, directory)
        except ConfigError as exc:
            problems.append(str(exc))
    _warn_unread_files(directory)
    keywords_path = directory / "keywords.yml"
    if keywords_required:
        if not keywords_path.exists():
            problems.append(
                f"{keywords_path}: missing: without keyword rules the poll job cannot route "
                "papers; write one (`python -m bot init --from LIST` makes a starter file)"
            )
        elif not _has_content(keywords_path):
            problems.append(
                f"{keywords_path}: empty: without keyword rules the poll job cannot route "
                "papers; add `sections:` with patterns per taxonomy section (docs/scoring.md)"
            )
    if "poll" in loaded and (catalog := str(loaded["poll"]["catalog"])):  # "" is the schema's
        problem = catalog_path_problem(catalog, f"{directory / 'poll.yml'}: catalog")
        problems += [problem] if problem else []
    if "papers" in loaded:  # the store is a file of the repository too (the nightly PR writes it)
        store = str(loaded["papers"]["store"]["path"])
        problem = catalog_path_problem(store, f"{directory / 'papers.yml'}: store.path", "data/papers.jsonl")
        problems += [problem] if problem else []
    if "taxonomy" not in loaded:
        return problems  # the other checks compare with the taxonomy
    try:
        taxonomy = config.load_taxonomy(directory)
    except ConfigError as exc:
        return problems + [str(exc)]
    ids = taxonomy.section_ids()
    if "keywords" in loaded:
        for section_id, raw in (loaded["keywords"].get("sections") or {}).items():
            if section_id not in ids:
                problems.append(
                    f"{keywords_path}: sections.{section_id}: not a section of the taxonomy"
                    f"{_closest(section_id, ids)}"
                )
                continue
            _warn_equivalent_patterns(keywords_path, f"sections.{section_id}", raw or {})
            children = [s.id for s in taxonomy.children(section_id)]
            for sub_id in (raw or {}).get("subsections") or {}:
                if sub_id not in children:
                    problems.append(
                        f"{keywords_path}: sections.{section_id}.subsections.{sub_id}: not "
                        f"a subsection of {section_id} in the taxonomy"
                        f"{_closest(sub_id, children) if children else ' (it has none)'}"
                    )
        for group in loaded["keywords"].get("negatives") or []:
            if isinstance(group, dict):
                where = f"negatives.{group.get('name', '?')}"
                _warn_equivalent_patterns(keywords_path, where, {"patterns": group.get("patterns")})
        if not any(p.startswith(f"{keywords_path}:") for p in problems):
            problems += _rule_problems(loaded["keywords"], taxonomy, keywords_path)
    if "links" in loaded:
        problems += _links_problems(loaded["links"], directory / "links.yml")
    if "keywords" in loaded and "sources" in loaded:
        _warn_gate_outside_feed(directory, loaded["keywords"], loaded["sources"])
    if "import-mapping" in loaded:
        from bot.core.import_mapping import mapping_problems

        problems += mapping_problems(
            taxonomy, loaded["import-mapping"], str(directory / "import-mapping.yml")
        )
    form = repo / FORM
    try:
        form_text = read_repo_file(form, _FORM_FIX)
    except ConfigError as exc:
        problems.append(str(exc))
        form_text = None
    if form_text is not None:
        from bot.core.issue_form import form_options, paper_section_titles

        options = form_options(form_text)
        titles = paper_section_titles(taxonomy)
        if options is None:
            problems.append(f"{form}: no `section` dropdown with options found")
        elif options == [s.title for s in taxonomy.sections] and options != titles:
            warnings.warn(  # as init wrote it before round 22: still works, offers more
                f"{form}: the section dropdown also offers the sections of tools and links, which "
                "`/add` refuses: rerun `python -m bot init --from LIST` to list the sections of papers only",
                stacklevel=2,
            )
        elif options != titles:
            missing = [t for t in titles if t not in options]
            extra = [o for o in options if o not in titles]
            detail = "; ".join(
                filter(
                    None,
                    [
                        f"missing {missing}" if missing else "",
                        f"not in the taxonomy {extra}" if extra else "",
                        "same titles in another order" if not missing and not extra else "",
                    ],
                )
            )
            problems.append(
                f"{form}: the section dropdown does not match the taxonomy's sections of papers "
                f"({detail}): rerun `python -m bot init --from LIST` (it keeps your files and rewrites only "
                "this dropdown from the taxonomy's titles), or edit it by hand"
            )
    return problems


def _warn_unread_files(directory: Path) -> None:
    """Warn of a YAML file in the config folder that the bot never reads (``poll.yaml``,
    ``keyword.yml``): its settings would be silently ignored, as an unknown key's are."""
    from rapidfuzz import process

    names = config.schema_names()
    for path in sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]):
        if path.suffix == ".yml" and path.stem in names:
            continue
        found = process.extractOne(path.stem, names, score_cutoff=70)
        name = path.stem if path.stem in names else found[0] if found else None
        meant = f" (did you mean {name}.yml?)" if name else ""
        warnings.warn(
            f"{path}: the bot reads no such file{meant}, so its settings are ignored: rename it, or "
            "move it out of the config folder",
            stacklevel=2,
        )


def _warn_gate_outside_feed(directory: Path, keywords: dict, sources: dict) -> None:
    """Warn when the categories gate names no category the feed reads: the feed's papers pass it
    only when also listed there (the bot's efficient-LLM feed with a robotics gate)."""
    gate = (keywords.get("categories") or {}).get("require_any") or []
    feed = (sources.get("feed") or {}).get("categories") or []
    if not gate or any(g in feed or g.split(".")[0] in feed for g in gate):
        return
    warnings.warn(
        f"{directory / 'keywords.yml'}: categories.require_any ({', '.join(gate)}) has no "
        f"category the feed reads ({directory / 'sources.yml'}: feed.categories: "
        f"{', '.join(feed)}), so only the feed's papers also listed there can pass the gate; "
        "list your field's categories in both",
        stacklevel=2,
    )


def _rule_problems(keywords: dict, taxonomy: Taxonomy, path: Path) -> list[str]:
    """Compile the rules as a scoring run would: a pattern that is not a valid regular
    expression is found here, not in the middle of the next poll."""
    try:
        RuleScorer(keywords, taxonomy)
    except ConfigError as exc:
        return [str(exc).replace("config/keywords.yml", str(path), 1)]
    return []


def _links_problems(links: dict, path: Path) -> list[str]:
    """Build the link checker's settings as check-links and nightly do: an exclusion pattern
    that is not a valid regular expression is found here, not in the night's run."""
    from bot.linkcheck.settings import from_config

    try:
        from_config(links)
    except ConfigError as exc:
        return [str(exc).replace("config/links.yml", str(path), 1)]
    return []


def _warn_equivalent_patterns(path: Path, where: str, lists: dict) -> None:
    """Warn of two patterns that find the same texts ("fine-tuning", "finetuning", or one
    regular expression written twice) in the same field (title, abstract) in one list, or in two
    lists of one section (its patterns, route-only patterns, goals and subsections all count for
    the section): a paper that has them counts twice. One in the title and one in the abstract
    (``fields``) is how a goal of the title keeps its pattern for the abstract."""
    named = {key: lists.get(key) for key in ("patterns", "route_only", "goal")}
    named |= {f"subsections.{sub}": items for sub, items in (lists.get("subsections") or {}).items()}
    listed = [(key, text, fields) for key, items in named.items() for text, fields in _pattern_texts(items)]
    for i, (key, later, later_fields) in enumerate(listed):
        same = [
            (k, e)
            for k, e, fields in listed[:i]
            if fields & later_fields and (e == later or equivalent_patterns([e, later]))
        ]
        if not same:
            continue
        other, earlier = same[0]
        why = (
            f"finds what {earlier!r} finds (a space or hyphen may also be nothing)"
            if other == key
            else f"is also in {where}.{other} ({earlier!r}); both count for the section"
        )
        warnings.warn(
            f"{path}: {where}.{key}: {later!r} {why}, so a paper that has it counts twice; keep one",
            stacklevel=2,
        )


def _pattern_texts(items: list | None) -> list[tuple[str, frozenset[str]]]:
    """Each pattern of a list, with the fields it counts in (default: title and abstract)."""
    return [
        (str(i["pattern"]), frozenset(i.get("fields") or FIELDS))
        if isinstance(i, dict)
        else (str(i), frozenset(FIELDS))
        for i in items or ()
        if i is not None
    ]


def catalog_path_problem(
    catalog: str, where: str, examples: str = "catalog.md or docs/catalog.md"
) -> str | None:
    """What is wrong with ``catalog`` as the catalog's path (``where``: the key or option that
    gave it), or None. It is a file in the repository, named from its root: every job reads it on
    the default branch, where a folder would read as the list of its files. The paper store's
    path is held to the same (``examples``: what the message suggests)."""
    parts = catalog.replace("\\", "/").split("/")
    if catalog.startswith("/") or ".." in parts or "" in parts:
        return (
            f"{where}: {catalog!r} is not the path of a file inside the repository: give it "
            f"relative to the repository root, without a leading or trailing '/' or '..' (e.g. {examples})"
        )
    return None


def _has_content(path: Path) -> bool:
    try:
        data = config.read_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return True  # reported by the schema check, or as a file that cannot be read
    return bool(data)


def preflight(directory: Path | None = None, keywords_required: bool = False) -> None:
    """The checks of ``validate-config``, run by jobs before they start: all problems at once."""
    directory = directory or config.config_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown keys are reported by validate-config
        problems = check_all(directory, keywords_required=keywords_required)
    if problems:
        count, listed = counted_problems(problems)
        raise ConfigError(
            f"{count} config problem(s); fix them, then run `python -m bot validate-config`:\n{listed}"
        )


def counted_problems(problems: Sequence[str]) -> tuple[int, str]:
    """How many problems ``problems`` holds (a file's ``FILE: N problems:`` counts N, not one),
    and their text, each line indented under the line that introduces them."""
    return sum(config.problems_in(p) for p in problems), "\n".join(textwrap.indent(p, "  ") for p in problems)


def check_staged(repo: Path, files: dict[Path, str]) -> tuple[str | None, list[str]]:
    """``check_all`` of ``repo`` as it would be once ``files`` (config file -> text) are written
    and the issue form's dropdown follows the taxonomy, with nothing written to ``repo``: the
    checks run on a copy in a temporary folder, and their problems and warnings name ``repo``'s
    files. Returns the form's new text (None when the taxonomy does not load) and the problems."""
    config_path = repo / "config"
    with tempfile.TemporaryDirectory(prefix="catalog-bot-init-") as tmp:
        stage = Path(tmp)
        (stage / "config").mkdir()
        for name in config.schema_names():
            if (config_path / f"{name}.yml").is_file():
                shutil.copyfile(config_path / f"{name}.yml", stage / "config" / f"{name}.yml")
        for path, text in files.items():
            (stage / "config" / path.name).write_text(text, encoding="utf-8")
        with _naming(stage, repo):
            form_text = None
            try:
                titles = paper_section_titles(config.load_taxonomy(stage / "config"))
            except ConfigError:
                titles = None  # check_all reports it
            if titles is not None:
                form = repo / FORM
                old = read_repo_file(form, _FORM_FIX, "init wrote nothing")
                old = FORM_TEMPLATE.read_text(encoding="utf-8") if old is None else old
                try:
                    form_text = set_form_options(old, titles)
                except ConfigError as error:
                    raise ConfigError(
                        f"{form}: {error}; add one (as in bot/templates/add_paper_form.yml) or "
                        "delete the file so that init writes it (init wrote nothing)"
                    ) from error
                (stage / FORM).parent.mkdir(parents=True)
                (stage / FORM).write_text(form_text, encoding="utf-8")
            problems = check_all(stage / "config", stage)
        return form_text, [p.replace(str(stage), str(repo)) for p in problems]


@contextmanager
def _naming(stage: Path, repo: Path) -> Iterator[None]:
    """Warnings and log lines raised meanwhile name ``repo``'s files, not ``stage``'s."""

    def real(text: str) -> str:
        return text.replace(str(stage), str(repo))

    def rename(record: logging.LogRecord) -> bool:
        record.msg, record.args = real(record.getMessage()), ()
        return True

    logger = logging.getLogger(config.__name__)  # "unknown key" lines
    logger.addFilter(rename)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeFilter(rename)
    for w in caught:
        warnings.warn_explicit(real(str(w.message)), w.category, w.filename, w.lineno)
