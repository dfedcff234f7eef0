"""Server-rendered trajectory charts: one instrument's totals over time as an inline SVG.

Drawn with matplotlib's object API (``Figure`` + the SVG canvas, never ``pyplot``), so rendering
holds no global figure state and is safe in the server's worker threads. The SVG is deterministic
(fixed hash salt, no date stamp), carries a ``<title>`` and ``<desc>`` for screen readers, and works
with JavaScript off and in printed pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

# Stable element ids from run to run, and text kept as text (smaller, selectable, scalable).
matplotlib.rcParams["svg.hashsalt"] = "ketacare-trajectory"
matplotlib.rcParams["svg.fonttype"] = "none"

TEAL = "#0f766e"
RESPONSE = "#92400e"
REMISSION = "#166534"
TREATMENT = "#94a3b8"
WIDTH_IN, HEIGHT_IN, DPI = 6.0, 2.6, 100  # 600 x 260 px

Number = int | float | Decimal


def trajectory_svg(
    points: Sequence[tuple[datetime, Number]],
    baseline: Number | None,
    response_line: Number | None,
    remission_cutoff: Number | None,
    treatment_times: Sequence[datetime],
    title: str,
    y_range: tuple[Number, Number],
    zone: tzinfo = UTC,
) -> str:
    """An inline ``<svg>`` of ``points`` (time, total), with the baseline, the 50 % response line,
    the remission cut-off and a thin vertical marker at each treatment, dates on the x axis."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    times = [_day_number(at) for at, _ in points]
    totals = [float(total) for _, total in points]
    for at in treatment_times:
        axes.axvline(_day_number(at), color=TREATMENT, linewidth=0.8, alpha=0.6, zorder=1)
    _reference_lines(axes, baseline, response_line, remission_cutoff)
    axes.plot(times, totals, color=TEAL, linewidth=2, marker="o", markersize=4, zorder=3)
    _style_axes(axes, y_range, zone)
    if treatment_times:
        axes.plot([], [], color=TREATMENT, linewidth=0.8, label="treatment")
    if baseline is not None or response_line is not None or remission_cutoff is not None:
        axes.legend(loc="upper right", fontsize=7, frameon=False, ncols=4)
    return _inline(figure, title, _description(points, baseline, response_line, remission_cutoff))


def _day_number(at: datetime) -> float:
    """matplotlib's date axis unit (days since its epoch); its ``dates`` module is untyped."""
    return float(date2num(at))  # type: ignore[no-untyped-call]


def _reference_lines(
    axes: Axes,
    baseline: Number | None,
    response_line: Number | None,
    remission_cutoff: Number | None,
) -> None:
    lines = [
        (baseline, "baseline", TEAL, (0, (1, 0)), 0.35),
        (response_line, "50 % response", RESPONSE, (0, (5, 3)), 0.9),
        (remission_cutoff, "remission", REMISSION, (0, (1, 2)), 0.9),
    ]
    for value, label, colour, style, alpha in lines:
        if value is not None:
            axes.axhline(
                float(value), color=colour, linestyle=style, linewidth=1.2, alpha=alpha, label=label
            )


def _style_axes(axes: Axes, y_range: tuple[Number, Number], zone: tzinfo) -> None:
    low, high = float(y_range[0]), float(y_range[1])
    axes.set_ylim(low, high + (high - low) * 0.12)  # legend room
    locator = AutoDateLocator(tz=zone, maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(locator, tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)
    axes.tick_params(labelsize=8, colors="#334155")
    axes.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _description(
    points: Sequence[tuple[datetime, Number]],
    baseline: Number | None,
    response_line: Number | None,
    remission_cutoff: Number | None,
) -> str:
    """What a screen reader says instead of the picture: the span, first and last totals, lines."""
    if not points:
        return "No scores yet."
    first, last = points[0], points[-1]
    parts = [
        f"{len(points)} score{'s' if len(points) != 1 else ''} from "
        f"{first[0]:%Y-%m-%d} ({first[1]}) to {last[0]:%Y-%m-%d} ({last[1]})."
    ]
    named = [("Baseline", baseline), ("50 % response line", response_line)]
    named.append(("Remission cut-off", remission_cutoff))
    parts.extend(f"{name} {value}." for name, value in named if value is not None)
    return " ".join(parts)


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_SIZE = re.compile(r'\s(width|height)="[^"]*"')


def _inline(figure: Figure, title: str, description: str) -> str:
    """The SVG without its XML prolog and doctype, scaling to its container, titled for readers."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _PROLOG.sub("", buffer.getvalue(), count=1)
    opening_end = svg.index(">") + 1
    opening = _SIZE.sub("", svg[:opening_end], count=2)
    opening = opening.replace(
        "<svg", '<svg role="img" class="trajectory-chart" aria-label="' + escape(title) + '"', 1
    )
    heading = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    return opening + heading + svg[opening_end:]
