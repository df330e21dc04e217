"""The lint job's checks of the catalog's headings: the one ``#`` title, and the taxonomy's
sections (``##``) and subsections (``###``), each once, in the taxonomy's order, under its own
section; a heading the taxonomy lacks, and one it names that the catalog lacks (written without
the space after its ``#``s, or where markdown makes no heading of it: an HTML block, a list item).
"""

from __future__ import annotations

import re

from bot.core.catalog import Catalog, Heading, raw_html_lines
from bot.core.taxonomy import Taxonomy, heading_key
from bot.errors import UnknownSectionError
from bot.jobs.lint.problem import Problem


def _expected(taxonomy: Taxonomy) -> list[tuple[int, str, str]]:
    """(level, title, id) of every section and subsection heading, in order."""
    out = []
    for section in taxonomy.sections:
        out.append((2, section.title, section.id))
        out += [(3, sub.title, f"{section.id}/{sub.id}") for sub in taxonomy.children(section.id)]
    return out


def heading_problems(catalog: Catalog, taxonomy: Taxonomy) -> list[Problem]:
    problems = _title_problems(catalog, taxonomy)
    expected = _expected(taxonomy)
    # a subsection is known by its section too: subsection titles may repeat ("Other")
    positions = {
        (level, heading_key(title), ident.split("/")[0] if level == 3 else None): i
        for i, (level, title, ident) in enumerate(expected)
    }
    seen: dict[int, Heading] = {}
    highest = -1
    prose = catalog.prose_lines()
    for heading in catalog.headings:
        if heading.level == 1 or taxonomy.is_contents(heading.title) or heading.line in prose:
            continue
        index = positions.get(
            (heading.level, heading_key(heading.title), heading.section if heading.level == 3 else None)
        )
        if index is None or not _under_its_section(heading, index, expected, catalog):
            above = heading.level <= 2 and heading.line < catalog.list_start()
            problems.append(Problem(heading.line + 1, _unknown_heading(heading, taxonomy, above)))
        elif index in seen:
            problems.append(
                Problem(
                    heading.line + 1,
                    f"heading '{heading.title}' appears twice (first at line {seen[index].line + 1})",
                )
            )
        else:
            if index < highest:
                problems.append(
                    Problem(
                        heading.line + 1,
                        f"heading '{'#' * heading.level} "
                        f"{heading.title}' is out of order: the taxonomy puts it "
                        f"before '{expected[highest][1]}'",
                    )
                )
            seen[index] = heading
            highest = max(highest, index)
    return problems + _missing_headings(catalog, expected, seen)


def _title_problems(catalog: Catalog, taxonomy: Taxonomy) -> list[Problem]:
    prose = catalog.prose_lines()  # a "# License" there is prose, no second title
    titles = [h for h in catalog.headings if h.level == 1 and h.line not in prose]
    if not titles:
        return [Problem(1, f"no title heading: the catalog starts with '# {taxonomy.title}'")]
    return [
        Problem(h.line + 1, f"a second '#' title heading ('{h.title}'): sections are '##'")
        for h in titles[1:]
    ]


def _under_its_section(
    heading: Heading, index: int, expected: list[tuple[int, str, str]], catalog: Catalog
) -> bool:
    """A subsection heading must sit under its own section."""
    if heading.level == 2:
        return True
    section_id = expected[index][2].split("/")[0]
    return heading.section == section_id


def _unknown_heading(heading: Heading, taxonomy: Taxonomy, above_list: bool = False) -> str:
    if not heading.title:  # "##" alone or "## #": GitHub shows an empty heading
        return (
            f"empty heading '{'#' * heading.level}': it ends the section above it (the entries "
            "below it are in none); give it a section's title or delete the line"
        )
    if heading.level > 3:
        return (
            f"heading '{'#' * heading.level} {heading.title}' is deeper than the catalog's "
            "layout (sections are ##, subsections ###)"
        )
    try:
        section, subsection = taxonomy.resolve(heading.title)
    except UnknownSectionError as exc:
        closest = ", ".join(exc.suggestions)
        prose = (
            "; a heading of prose after the sections (Contributing, License) goes in "
            "`footer_headings` of config/taxonomy.yml"
            if heading.level == 2
            else ""
        )
        if above_list and taxonomy.header_headings is None:
            prose = (
                "; a section of prose above the list (About) is kept as written when it holds no "
                "paper, or when `header_headings` of config/taxonomy.yml names it"
            )
        elif above_list:  # the maintainer named them: a heading left out is no prose, paper or not
            named = ", ".join(taxonomy.header_headings or ()) or "none"
            prose = (
                "; a section of prose above the list (About) is kept as written when "
                f"`header_headings` of config/taxonomy.yml names it (it names {named}; `auto` "
                "finds those that hold no paper)"
            )
        return (
            f"unknown heading '{'#' * heading.level} {heading.title}': not a section of "
            f"config/taxonomy.yml (closest: {closest}){prose}"
        )
    where = f"a subsection of '{taxonomy.get(section).title}' (###)" if subsection else "a section (##)"
    return f"heading '{'#' * heading.level} {heading.title}' is misplaced: it is {where}"


def _missing_headings(
    catalog: Catalog, expected: list[tuple[int, str, str]], seen: dict[int, Heading]
) -> list[Problem]:
    problems = []
    headings = {h.line for h in catalog.headings}
    for index, (level, title, ident) in enumerate(expected):
        if index in seen:
            continue
        unspaced = _unspaced_heading(catalog, headings, title)
        if unspaced is not None:  # "##Low Rank": no heading, its entries count under the one above
            written = catalog.lines[unspaced].strip()
            problems.append(
                Problem(
                    unspaced + 1,
                    f"'{written}' is no heading (a space follows the '#'s): write '{'#' * level} {title}'",
                )
            )
            continue
        buried = _buried_heading(catalog, headings, title)
        if buried is not None:  # under <details> with no blank line, or indented under a bullet
            problems.append(Problem(buried + 1, _why_buried(catalog, buried, level, title)))
            continue
        later = [seen[i].line + 1 for i in seen if i > index]
        line = min(later) if later else max(1, len(catalog.lines))
        # not "`python -m bot import` renders the full layout": without lists it is a usage error,
        # and rebuilt from them the catalog would lose the papers added since
        problems.append(
            Problem(
                line,
                f"missing heading '{'#' * level} {title}' (taxonomy {ident}): add it "
                f"{'above' if later else 'below'} this line, where the taxonomy's order puts it, "
                "and its line to the table of contents",
            )
        )
    return problems


def _unspaced_heading(catalog: Catalog, headings: set[int], title: str) -> int | None:
    """The line (0-based) that writes ``title`` as a heading without the space after its '#'s."""
    wanted = re.compile(rf" {{0,3}}#{{1,6}}{re.escape(title)}[ \t#]*", re.IGNORECASE)
    return next(
        (
            i
            for i, line in enumerate(catalog.lines)
            if i not in headings and wanted.fullmatch(line.rstrip("\r\n"))
        ),
        None,
    )


_HASH_LINE = re.compile(r"[ \t]*#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")


def _buried_heading(catalog: Catalog, headings: set[int], title: str) -> int | None:
    """The line (0-based) that writes ``title`` as a heading where markdown makes none of it: in
    an HTML block or a list item (``bot.core.catalog_blocks.buried_hash_lines``)."""
    for index, line in enumerate(catalog.lines):
        found = _HASH_LINE.fullmatch(line.rstrip("\r\n"))
        if found and index not in headings and heading_key(found[1]) == heading_key(title):
            return index
    return None


def _why_buried(catalog: Catalog, line: int, level: int, title: str) -> str:
    written = catalog.lines[line].strip()
    if line in raw_html_lines(catalog):
        return (
            f"'{written}' is no heading: it is inside an HTML block (from a `<details>`, `<div>` or "
            "`<table>` line to the next blank line), which GitHub shows as HTML; put a blank line above it"
        )
    return (
        f"'{written}' opens no section: it is indented inside a list item (the item's own heading); "
        f"write '{'#' * level} {title}' at the start of a line, after a blank one"
    )
