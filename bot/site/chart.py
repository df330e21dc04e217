"""A stacked bar chart of papers per month per section, as a self-contained SVG.

Built at site build time from the same entries as the page; written to ``_site/chart.svg`` and,
with ``--chart PATH``, to a committed copy the README can show. Its words (title, legend, tooltips,
description) are the site's labels (``bot.site.labels``: ``labels`` of config/taxonomy.yml over
English defaults); every text in it is escaped for XML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from markupsafe import Markup, escape

from bot.core.taxonomy import Taxonomy
from bot.site.labels import counted, fill, site_labels

# Colour-blind-friendly-ish qualitative palette (Tableau 20), one colour per section, cycled.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#c7c7c7",
    "#dbdb8d",
    "#9edae5",
)
Month = tuple[int, int]  # (year, month)


class Dated(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def year(self) -> int | None: ...

    @property
    def month(self) -> int | None: ...

    @property
    def arxiv_id(self) -> str | None: ...

    @property
    def title(self) -> str: ...


def per_month(entries: Iterable[Dated]) -> Counter[tuple[str, Month]]:
    """(section id, (year, month)) -> papers; a paper listed twice in a section counts once,
    entries without a month are left out."""
    seen: set[tuple[str, str]] = set()
    counts: Counter[tuple[str, Month]] = Counter()
    for entry in entries:
        if entry.kind != "paper" or entry.year is None or entry.month is None:
            continue
        key = (entry.section, entry.arxiv_id or entry.title)
        if key in seen:
            continue
        seen.add(key)
        counts[(entry.section, (entry.year, entry.month))] += 1
    return counts


def _months(first: Month, last: Month) -> list[Month]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step
    return 10_000


def render_svg(counts: Counter[tuple[str, Month]], taxonomy: Taxonomy, bar: int = 9) -> str:
    """The chart: one stacked bar per month from the first dated paper to the last, a colour
    per section, a legend with each section's total."""
    words = site_labels(taxonomy)
    title = escape(words["chart"])
    sections = [s for s in taxonomy.sections if any(k[0] == s.id for k in counts)]
    colour = {s.id: PALETTE[i % len(PALETTE)] for i, s in enumerate(taxonomy.sections)}
    if not counts:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" role="img" '
            f'aria-labelledby="chart-title"><title id="chart-title">{title}</title>'
            f'<text x="10" y="35" font-family="sans-serif" font-size="14">{escape(words["chart_empty"])}'
            "</text></svg>\n"
        )
    months = _months(min(m for _, m in counts), max(m for _, m in counts))
    totals = {m: sum(counts[(s.id, m)] for s in sections) for m in months}
    top = max(totals.values())
    step = _nice_step(top)
    axis_top = -(-top // step) * step
    left, right, top_margin, plot_h = 48, 16, 36, 220
    plot_w = max(len(months) * bar, 360)
    legend_rows = -(-len(sections) // 3)
    width = left + plot_w + right
    height = top_margin + plot_h + 40 + legend_rows * 20 + 10
    scale = plot_h / axis_top
    font = 'font-family="system-ui, sans-serif"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{title}</title>',
        f'<desc id="chart-desc">{describe(counts, taxonomy)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="22" {font} font-size="15" font-weight="600" fill="#1a1a1a">{title}</text>',
    ]
    for value in range(0, axis_top + 1, step):
        y = top_margin + plot_h - value * scale
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" {font} font-size="11" fill="#444444" '
            f'text-anchor="end">{value}</text>'
        )
    for index, month in enumerate(months):
        x = left + index * bar
        y = top_margin + plot_h
        for section in sections:
            n = counts[(section.id, month)]
            if not n:
                continue
            h = n * scale
            y -= h
            out.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar - 1}" height="{h:.1f}" '
                f'fill="{colour[section.id]}"><title>'
                f"{fill(words['chart_bar'], section=section.title, month=_month(month), n=n)}</title></rect>"
            )
        if month[1] == 1 or index == 0:
            out.append(
                f'<text x="{x}" y="{top_margin + plot_h + 16}" {font} font-size="11" '
                f'fill="#444444">{month[0]}</text>'
            )
    legend_y = top_margin + plot_h + 40
    column = (plot_w + left) // 3
    for i, section in enumerate(sections):
        x = 10 + (i % 3) * column
        y = legend_y + (i // 3) * 20
        total = sum(counts[(section.id, m)] for m in months)
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour[section.id]}"/>')
        out.append(
            f'<text x="{x + 18}" y="{y}" {font} font-size="12" fill="#1a1a1a">'
            f"{fill(words['chart_legend'], section=section.title, n=total)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _month(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def describe(counts: Counter[tuple[str, Month]], taxonomy: Taxonomy) -> Markup:
    """What the chart shows, in the labels' words, escaped for HTML and XML: the text of its
    ``<desc>`` and of the page's ``alt``."""
    words = site_labels(taxonomy)
    if not counts:
        return escape(words["chart_empty"])
    sections = [s for s in taxonomy.sections if any(k[0] == s.id for k in counts)]
    months = _months(min(m for _, m in counts), max(m for _, m in counts))
    per_section = Counter(section for section, _ in counts.elements())
    biggest = sorted(sections, key=lambda s: (-per_section[s.id], sections.index(s)))[:3]
    return fill(
        words["chart_alt"],
        title=words["chart"],
        papers=counted(words, sum(counts.values()), "papers"),
        first=_month(months[0]),
        last=_month(months[-1]),
        sections=counted(words, len(sections), "sections"),
        most=Markup(", ").join(
            fill(words["chart_legend"], section=s.title, n=per_section[s.id]) for s in biggest
        ),
    )
