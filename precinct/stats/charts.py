"""Charts drawn on the server as SVG: nothing to download, nothing from a CDN, readable without scripts.
Every bar is a link to the dossiers it counts."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from precinct.stats.selectors import Group

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
COLOURS = {"resolved_early": "#1e7b46", "resolved_on_time": "#2f6fb0", "resolved_late": "#b3261e"}


@dataclass
class Link:
    measure: str
    month: str


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def _number(n: float) -> str:
    from precinct.stats.templatetags.stats_tags import format_number

    return format_number(n)


def monthly_chart(trend: Sequence[Group], href: Callable[[str, str], str] | None = None) -> SafeString:
    """Resolved dossiers per month stacked by timing (early, on time, late), received as a line."""
    if not trend:
        return mark_safe("")
    labels = {
        "resolved_early": _("Resolved early"),
        "resolved_on_time": _("Resolved on time"),
        "resolved_late": _("Resolved late"),
    }
    top = _nice_max(max(max(g.figures.counts["received"], g.figures.resolved) for g in trend))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(trend)
    bar = max(step * 0.62, 2)
    parts = [
        # An image, unless its bars are links (then a group: an image may hold nothing interactive). Its width
        # follows its box (viewBox, width 100 % in stats.css), so it scales down on a phone.
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="{"group" if href else "img"}" '
        'aria-labelledby="chart-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(_("Dossiers per month"))}</title>'
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="chart__grid"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="chart__axis" text-anchor="end">{_number(value)}</text>'
        )
    every = max(1, math.ceil(len(trend) / 12))
    points = []
    for i, group in enumerate(trend):
        x = LEFT + step * i + (step - bar) / 2
        y = TOP + plot_h
        for measure, colour in COLOURS.items():
            n = group.figures.counts[measure]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            rect = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(group.label)} · {escape(labels[measure])}: {_number(n)}</title></rect>"
            )
            parts.append(f'<a href="{escape(href(measure, group.key))}">{rect}</a>' if href else rect)
        cx = LEFT + step * i + step / 2
        cy = TOP + plot_h - plot_h * group.figures.counts["received"] / top
        points.append((cx, cy, group))
        if i % every == 0:
            parts.append(
                f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" class="chart__axis" text-anchor="middle">'
                f"{escape(group.label)}</text>"
            )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _g in points)
        parts.append(f'<polyline points="{path}" class="chart__line"/>')
        for x, y, group in points:
            dot = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="chart__dot"><title>{escape(group.label)} · '
                f"{escape(_('Received'))}: {_number(group.figures.counts['received'])}</title></circle>"
            )
            parts.append(f'<a href="{escape(href("received", group.key))}">{dot}</a>' if href else dot)
    legend_y = HEIGHT - 10
    x = LEFT
    for measure, colour in [*COLOURS.items(), ("received", "")]:
        label = labels.get(measure, _("Received"))
        if measure == "received":
            parts.append(f'<circle cx="{x + 5}" cy="{legend_y - 4}" r="4" class="chart__dot"/>')
        else:
            parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" class="chart__legend">{escape(label)}</text>')
        x += 14 + 8 * len(label) + 18
    parts.append("</svg>")
    return mark_safe("".join(parts))
