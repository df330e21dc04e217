"""Link fixes for the rolling PR (pure): permanent redirects and https twins, which of them are
safe to write (``bot.linkcheck.redirects``), and the PR's edit (star refresh, then the fixes) on
whatever text it is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from bot.core.catalog import Catalog, title_at
from bot.core.catalog_io import check_papers
from bot.core.catalog_parse import parse
from bot.core.entry import Entry
from bot.core.taxonomy import Taxonomy
from bot.forge.protocols import RepoInfo
from bot.jobs.check_stars import refresh_entries
from bot.jobs.nightly.model import FixReason, LinkFix, NightlySettings
from bot.linkcheck import Link, LinkResult, Verdict
from bot.linkcheck.redirects import doubtful_redirect


def https_twin(url: str) -> str | None:
    return "https://" + url[len("http://") :] if url[:7].lower() == "http://" else None


def _better_url(
    result: LinkResult, twin: LinkResult | None, settings: NightlySettings
) -> tuple[str, FixReason, str] | None:
    """(new URL, reason, doubt) for one link, or None when there is nothing to fix."""
    github = result.source == "github"
    if github and (twin is None or twin.permanent_redirect):
        return None  # renamed repositories are the star refresh's business (it writes https)
    if (
        not github
        and settings.fix_redirects
        and result.verdict is Verdict.ALIVE
        and result.permanent_redirect
    ):
        return (
            result.permanent_redirect,
            "redirect",
            doubtful_redirect(result.url, result.permanent_redirect, settings.redirect_hosts),
        )
    if (
        twin is not None
        and twin.verdict is Verdict.ALIVE
        and (twin.final_url or twin.url).startswith("https://")
    ):
        return twin.url, "https", ""
    return None


def _entry_urls(catalog: Catalog) -> dict[int, set[str]]:
    """1-based line -> the URLs its canonical entry carries (url, pdf, code)."""
    return {
        item.line_number: {u for u in (item.entry.url, item.entry.pdf_url, item.entry.code_url) if u}
        for item in catalog.items
        if item.entry is not None
    }


def link_fixes(
    catalog: Catalog,
    links: Sequence[Link],
    results: Mapping[str, LinkResult],
    twins: Mapping[str, LinkResult],
    settings: NightlySettings,
) -> list[LinkFix]:
    """Every link that moved permanently or has a working https twin, one fix per line."""
    entry_urls = _entry_urls(catalog)
    fixes = []
    for link in links:
        better = _better_url(results[link.url], twins.get(link.url), settings)
        if better is None or better[0] == link.url:
            continue
        new, reason, doubt = better
        for line in link.lines:
            in_entry = link.url in entry_urls.get(line, set())
            note = doubt or ("" if in_entry else "not a canonical entry line: edit it by hand")
            fixes.append(LinkFix(line, title_at(catalog, line), link.url, new, reason, not note, note))
    return fixes


def moved_entry(entry: Entry, url_map: Mapping[str, str]) -> Entry:
    if not {entry.url, entry.pdf_url, entry.code_url} & url_map.keys():
        return entry
    return replace(
        entry,
        url=url_map.get(entry.url, entry.url),
        pdf_url=url_map.get(entry.pdf_url, entry.pdf_url),
        code_url=url_map.get(entry.code_url, entry.code_url),
    )


def maintenance_edit(
    infos: Mapping[str, RepoInfo], url_map: Mapping[str, str], taxonomy: Taxonomy | None
) -> Callable[[str], str]:
    """The rolling PR's pure edit: star refresh, then link fixes, on whatever text it is given."""

    def edit(text: str) -> str:
        before = parse(text, taxonomy)
        refreshed, _ = refresh_entries(before, infos)
        after = refreshed.map_entries(lambda entry: moved_entry(entry, url_map))
        # stars and links only: the same papers, or no PR (a link fix that named another paper)
        check_papers(before, after, "refusing the nightly maintenance edit")
        return after.render()

    return edit
