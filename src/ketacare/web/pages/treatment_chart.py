"""A small inline SVG chart of a treatment's vital signs over time, drawn on the server.

One line per vital (blood pressures, heart rate, saturation, breathing) on a shared axis, with the
times at the bottom. It is a picture of the table under it, which stays the accessible record;
invalid readings (a monitor's sentinel or status X) are left out of the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from markupsafe import escape

from ketacare.core.enums import Vital
from ketacare.core.vitals.codes import VITALS
from ketacare.db.models import Reading

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 90, 10, 24
COLOURS = {
    Vital.SBP_MMHG: "#b91c1c",
    Vital.DBP_MMHG: "#ea580c",
    Vital.HR_BPM: "#1d4ed8",
    Vital.SPO2_PERCENT: "#0f766e",
    Vital.RR_PER_MIN: "#6b21a8",
}
MIN_SPAN_S = 600  # ten minutes, so a first reading or two still spread out


Scale = Callable[[Decimal], float]
TimeScale = Callable[[datetime], float]


def vitals_svg(readings: Sequence[Reading], zone: ZoneInfo) -> str:
    """The chart's SVG text (every text in it escaped), or "" when there is nothing to draw."""
    usable = [
        (r.vital, r.observed_at, r.value)
        for r in readings
        if r.valid and r.value is not None and r.vital in COLOURS
    ]
    if not usable:
        return ""
    first = min(at for _, at, _ in usable)
    last = max(at for _, at, _ in usable)
    span = max((last - first).total_seconds(), MIN_SPAN_S)
    top = max(Decimal(200), *(value for _, _, value in usable))

    def x(at: datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (at - first).total_seconds() / span

    def y(value: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * float(1 - value / top)

    parts = [_axes(top, y), _time(first, zone, LEFT, "start")]
    if last != first:
        parts.append(_time(last, zone, x(last), "end"))
    for vital, colour in COLOURS.items():
        line = [(x(at), y(value)) for code, at, value in usable if code == vital]
        if line:
            parts.append(_line(VITALS[vital].short, colour, line))
    title = escape(f"Vital signs from {_hhmm(first, zone)} to {_hhmm(last, zone)}")
    return (
        f'<svg class="vitals-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{title}"><title>{title}</title>{"".join(parts)}</svg>'
    )


def _hhmm(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M")


def _axes(top: Decimal, y: Scale) -> str:
    """A faint line and its label every 50 units."""
    lines = []
    for value in range(0, int(top) + 1, 50):
        level = y(Decimal(value))
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}" '
            f'stroke="#e5e7eb"/><text x="{LEFT - 4}" y="{level + 4:.1f}" text-anchor="end" '
            f'font-size="10" fill="#6b7280">{value}</text>'
        )
    return "".join(lines)


def _time(at: datetime, zone: ZoneInfo, where: float, anchor: str) -> str:
    return (
        f'<text x="{where:.1f}" y="{HEIGHT - 6}" font-size="10" fill="#6b7280" '
        f'text-anchor="{anchor}">{_hhmm(at, zone)}</text>'
    )


def _line(name: str, colour: str, points: list[tuple[float, float]]) -> str:
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    end_x, end_y = points[-1]
    dots = "".join(
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>' for px, py in points
    )
    return (
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>{dots}'
        f'<text x="{end_x + 6:.1f}" y="{end_y + 4:.1f}" font-size="11" '
        f'fill="{colour}">{name}</text>'
    )
