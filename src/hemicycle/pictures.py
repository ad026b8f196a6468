"""Pictures as self-contained SVG text: parliament arches and seat-vote curves (no plotting library)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]
APPOINTED = "#bbbbbb"


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _seat_positions(total: int) -> list[tuple[float, float, float]]:
    """(x, y, radius) of ``total`` seats in a half-disc of radius 1 centred at (0, 0), ordered left to right."""
    if total <= 0:
        return []
    rows = max(1, math.ceil(math.sqrt(total / 4.0)))
    while True:
        radii = [0.4 + 0.6 * (r + 0.5) / rows for r in range(rows)]
        spacing = 0.6 / rows
        capacity = [max(1, int(math.pi * rad / spacing)) for rad in radii]
        if sum(capacity) >= total:
            break
        rows += 1
    # seats per row in proportion to the row's length
    cap_total = sum(capacity)
    per_row = [int(total * c / cap_total) for c in capacity]
    rest = total - sum(per_row)
    order = sorted(range(rows), key=lambda r: -(total * capacity[r] / cap_total - per_row[r]))
    for r in order[:rest]:
        per_row[r] += 1
    seats = []
    dot = spacing * 0.42
    for rad, count in zip(radii, per_row, strict=True):
        for k in range(count):
            angle = math.pi * (1 - (k + 0.5) / count) if count > 1 else math.pi / 2
            seats.append((angle, rad * math.cos(angle), rad * math.sin(angle)))
    seats.sort(key=lambda s: (-s[0], s[1]))
    return [(x, y, dot) for _, x, y in seats]


MAX_DRAWN_SEATS = 3_000  # every real chamber (China's congress has 2,977); above: one dot stands for many seats
MAX_LEGEND = 48  # lists named under an arch; the rest are counted in one line
MAX_CURVE_STEPS = 2_000  # steps of a seat-vote curve drawn; more are drawn at the picture's resolution


def dots_for(seats: Sequence[int], limit: int = MAX_DRAWN_SEATS) -> tuple[list[int], int]:
    """Dots to draw for each group of ``seats`` and how many seats one dot stands for (a round
    number): all seats when they are at most ``limit``, else at most ``limit`` dots shared by largest
    remainder (integers only), so a group keeps its proportion of the arch."""
    total = sum(seats)
    if total <= limit:
        return list(seats), 1
    per_dot = 1
    while total > per_dot * limit:  # a round number of seats per dot: 1, 2, 5, 10, 20, 50 ...
        per_dot = per_dot * 5 // 2 if str(per_dot).startswith("2") else per_dot * 2
    dots = [n // per_dot for n in seats]
    budget = total // per_dot - sum(dots)
    order = sorted(range(len(seats)), key=lambda i: (-(seats[i] % per_dot), i))
    for i in order[:budget]:
        dots[i] += 1
    return dots, per_dot


def parliament_svg(seats: Sequence[tuple[str, int, str]], title: str = "", width: int = 420) -> str:
    """An arch of seats: ``seats`` is (label, number, colour) from left to right. The picture is
    bounded whatever the house: above ``MAX_DRAWN_SEATS`` seats one dot stands for several (the
    picture says how many), and at most ``MAX_LEGEND`` lists are named."""
    total = sum(n for _, n, _ in seats)
    dots, per_dot = dots_for([n for _, n, _ in seats])
    pos = _seat_positions(sum(dots))
    legend = list(seats[:MAX_LEGEND])
    rest = seats[MAX_LEGEND:]
    notes = ([f"one dot stands for {per_dot:,} seats"] if per_dot > 1 else []) + (
        [f"and {len(rest):,} more lists with {sum(n for _, n, _ in rest):,} seats"] if rest else [])
    h = width * 0.56 + (24 if title else 0) + 18 * ((len(legend) + 2) // 3) + 18 * len(notes)
    scale = width / 2 * 0.95
    cx, cy = width / 2, width * 0.5 + (24 if title else 0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h:.0f}" '
           f'viewBox="0 0 {width} {h:.0f}" font-family="sans-serif" font-size="12">']
    if title:
        out.append(f'<text x="{cx}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    i = 0
    for (label, n, col), k in zip(seats, dots, strict=True):
        if k == 0:
            continue
        out.append(f'<g fill="{col}"><title>{escape(label)}: {n:,}</title>')
        for _ in range(k):
            x, y, r = pos[i]
            out.append(f'<circle cx="{cx + x * scale:.1f}" cy="{cy - y * scale:.1f}" r="{r * scale:.1f}"/>')
            i += 1
        out.append("</g>")
    size = 22 if total < 10**6 else 16
    out.append(f'<text x="{cx}" y="{cy - 4:.0f}" text-anchor="middle" font-size="{size}" '
               f'font-weight="bold">{total:,}</text>')
    y0 = cy + 20
    for k, (label, n, col) in enumerate(legend):
        x = 10 + (k % 3) * (width / 3)
        y = y0 + 18 * (k // 3)
        out.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="10" height="10" fill="{col}"/>'
                   f'<text x="{x + 14:.0f}" y="{y:.0f}">{escape(label)} {n:,}</text>')
    y = y0 + 18 * ((len(legend) + 2) // 3)
    for note in notes:
        out.append(f'<text x="10" y="{y:.0f}" font-style="italic">{escape(note)}</text>')
        y += 18
    out.append("</svg>")
    return "\n".join(out)


def _drawn_steps(pieces: Sequence[tuple[float, float, int]], limit: int = MAX_CURVE_STEPS
                 ) -> list[tuple[float, float, int]]:
    """At most about ``limit`` steps of a step curve: when there are more, the steps within each
    1/``limit`` of the share axis are drawn as their lowest and highest seats (an envelope at the
    resolution of the picture), in order."""
    if len(pieces) <= limit:
        return list(pieces)
    drawn: list[tuple[float, float, int]] = []
    width = 100 / limit
    bucket: list[tuple[float, float, int]] = []
    for piece in pieces:
        if bucket and int(piece[0] // width) != int(bucket[0][0] // width):
            drawn.extend(_envelope(bucket))
            bucket = []
        bucket.append(piece)
    drawn.extend(_envelope(bucket))
    return drawn


def _envelope(bucket: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    if len(bucket) <= 2:
        return bucket
    start, end = bucket[0][0], bucket[-1][1]
    low, high = min(s for _, _, s in bucket), max(s for _, _, s in bucket)
    middle = (start + end) / 2
    return [(start, middle, low), (middle, end, high)]


def curve_svg(curves: Mapping[str, Sequence[tuple[float, float, int]]], *, title: str = "",
              actual: float | None = None, width: int = 560, height: int = 340) -> str:
    """Step plots of seats against vote share (percent). ``curves``: label -> [(from, to, seats)]."""
    left, right, top, bottom = 48, 16, 28 if title else 12, 40
    max_seats = max([s for pieces in curves.values() for _, _, s in pieces] + [1])
    pw, ph = width - left - right, height - top - bottom

    def px(share: float) -> float:
        return left + share / 100 * pw

    def py(seats: float) -> float:
        return top + ph - seats / max_seats * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">']
    if title:
        out.append(f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    for t in range(0, 101, 10):
        out.append(f'<line x1="{px(t):.1f}" y1="{top + ph}" x2="{px(t):.1f}" y2="{top + ph + 4}" stroke="#999"/>'
                   f'<text x="{px(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{t}%</text>')
    step = max(1, round(max_seats / 5))
    for s in range(0, max_seats + 1, step):
        out.append(f'<text x="{left - 6}" y="{py(s) + 4:.1f}" text-anchor="end">{s}</text>'
                   f'<line x1="{left}" y1="{py(s):.1f}" x2="{left + pw}" y2="{py(s):.1f}" stroke="#eee"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle">vote share</text>')
    out.append(f'<text x="12" y="{top + ph / 2}" transform="rotate(-90 12 {top + ph / 2})" '
               'text-anchor="middle">seats</text>')
    if actual is not None:
        out.append(f'<line x1="{px(actual):.1f}" y1="{top}" x2="{px(actual):.1f}" y2="{top + ph}" '
                   'stroke="#444" stroke-dasharray="4 3"><title>actual share</title></line>')
    for k, (label, pieces) in enumerate(curves.items()):
        pts = []
        for a, b, s in _drawn_steps(pieces):
            pts.append(f"{px(a):.1f},{py(s):.1f}")
            pts.append(f"{px(b):.1f},{py(s):.1f}")
        out.append(f'<polyline fill="none" stroke="{colour(k)}" stroke-width="1.6" points="{" ".join(pts)}">'
                   f"<title>{escape(label)}</title></polyline>")
        out.append(f'<rect x="{left + 8}" y="{top + 8 + 14 * k}" width="10" height="3" fill="{colour(k)}"/>'
                   f'<text x="{left + 22}" y="{top + 12 + 14 * k}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
