"""Pictures as self-contained SVG text: parliament arches and seat-vote curves (no plotting library)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from hemicycle.palette import APPOINTED as APPOINTED
from hemicycle.palette import OKABE_ITO, fallback_colour

PALETTE = list(OKABE_ITO)  # kept for callers of the first palette


def colour(i: int) -> str:
    """The ``i``-th colour-blind-safe colour (``hemicycle.palette``)."""
    return fallback_colour(i)


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


MAX_LEGEND_CHARS = 46  # a legend line longer than this is cut (the full name is in its tooltip)


def _cut(label: str, limit: int = MAX_LEGEND_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _wrap(words: Sequence[str], limit: int) -> list[str]:
    """``words`` (names, kept whole) on lines of at most about ``limit`` characters."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _legend_lines(label: str) -> list[str]:
    """A legend's name on at most two lines, broken between words (cut, with "…", beyond)."""
    lines = _wrap(label.split(), MAX_LEGEND_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [_cut(line) for line in lines]


def parliament_svg(seats: Sequence[tuple[str, int, str]], title: str = "", width: int = 420,
                   unseated: Sequence[str] = ()) -> str:
    """An arch of seats: ``seats`` is (label, number, colour) from left to right, and the legend
    names each group (its full name, on two lines if need be) with its seats, in the same order;
    ``unseated`` names the lists that won none, on one line. The picture is bounded whatever the
    house: above ``MAX_DRAWN_SEATS`` seats one dot stands for several (the picture says how
    many), and at most ``MAX_LEGEND`` lists are named."""
    total = sum(n for _, n, _ in seats)
    dots, per_dot = dots_for([n for _, n, _ in seats])
    pos = _seat_positions(sum(dots))
    legend = list(seats[:MAX_LEGEND])
    rest = seats[MAX_LEGEND:]
    notes = ([f"one dot stands for {per_dot:,} seats"] if per_dot > 1 else []) + (
        [f"and {len(rest):,} more lists with {sum(n for _, n, _ in rest):,} seats"] if rest else [])
    if unseated:
        shown = [*unseated[:12], *([f"and {len(unseated) - 12:,} more"] if len(unseated) > 12 else [])]
        words = [w for n in shown[:-1] for w in (n + ",").split()] + shown[-1].split()
        notes += _wrap(["No seats:", *words], MAX_LEGEND_CHARS + 6)  # full names, broken between words
    top = 24 if title else 0
    lines = [_legend_lines(label) for label, _, _ in legend]
    h = width * 0.56 + top + sum(18 + 14 * (len(ls) - 1) for ls in lines) + 18 * len(notes)
    scale = width / 2 * 0.95
    cx, cy = width / 2, width * 0.5 + top
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h:.0f}" '
           f'viewBox="0 0 {width} {h:.0f}" font-family="sans-serif" font-size="12" role="img">']
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
    y = cy + 20
    for (label, n, col), shown in zip(legend, lines, strict=True):
        out.append(f'<rect x="10" y="{y - 10:.0f}" width="10" height="10" fill="{col}"/>'
                   f'<text x="26" y="{y:.0f}"><title>{escape(label)}</title>{escape(shown[0])}</text>'
                   f'<text x="{width - 10}" y="{y:.0f}" text-anchor="end" font-weight="bold">{n:,}</text>')
        for more in shown[1:]:
            y += 14
            out.append(f'<text x="26" y="{y:.0f}">{escape(more)}</text>')
        y += 18
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


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``span`` into about ``target`` parts."""
    if span <= 0:
        return 1.0
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(k * magnitude for k in (1, 2, 5, 10) if k * magnitude >= raw * 0.999)


def ticks(top: float, target: int = 5, whole: bool = False) -> list[float]:
    """Round ticks from 0 to at least ``top`` (whole numbers only when ``whole``)."""
    step = nice_step(top, target)
    if whole:
        step = max(1.0, round(step))
    count = math.ceil(top / step - 1e-9)
    return [k * step for k in range(count + 1)]


def _tick_text(value: float) -> str:
    return f"{value:g}"


DASHES = ("", "7 3", "2 2", "9 3 2 3", "4 4")  # one per system, so lines differ in grey too


def curve_svg(curves: Mapping[str, Sequence[tuple[float, float, int]]], *, title: str = "",
              actual: float | None = None, actual_label: str = "", thresholds: Sequence[tuple[float, str]] = (),
              proportional: int | None = None, width: int = 560, height: int = 340) -> str:
    """Step plots of seats against vote share (percent): ``curves`` is label -> [(from, to, seats)].

    ``actual``: the list's actual share, a vertical line labelled ``actual_label`` (default "actual
    share"); ``thresholds``: (share, label) of each threshold, dotted vertical lines labelled at the
    top; ``proportional``: the seats at 100% of the votes, drawn as the dashed line of exact
    proportionality (seats = share x that number) and named in the legend. Ticks are round numbers."""
    left, right, top, bottom = 48, 16, (30 if title else 14) + (14 if thresholds or actual is not None else 0), 40
    max_seats = max([s for pieces in curves.values() for _, _, s in pieces] + [proportional or 0, 1])
    y_ticks = ticks(max_seats, 5, whole=True)
    y_top = y_ticks[-1]
    pw, ph = width - left - right, height - top - bottom

    def px(share: float) -> float:
        return left + share / 100 * pw

    def py(seats: float) -> float:
        return top + ph - seats / y_top * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img">']
    if title:
        out.append(f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    for t in ticks(100, 10):
        out.append(f'<line x1="{px(t):.1f}" y1="{top + ph}" x2="{px(t):.1f}" y2="{top + ph + 4}" stroke="#999"/>'
                   f'<text x="{px(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{_tick_text(t)}%</text>')
    for s in y_ticks:
        out.append(f'<text x="{left - 6}" y="{py(s) + 4:.1f}" text-anchor="end">{_tick_text(s)}</text>'
                   f'<line x1="{left}" y1="{py(s):.1f}" x2="{left + pw}" y2="{py(s):.1f}" stroke="#eee"/>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle">share of the list votes</text>')
    out.append(f'<text x="12" y="{top + ph / 2}" transform="rotate(-90 12 {top + ph / 2})" '
               'text-anchor="middle">seats</text>')
    marks = [(share, label, "1 3", "#777") for share, label in thresholds]
    if actual is not None:
        marks.append((actual, actual_label or f"actual share {actual:.2f}%", "", "#444"))
    for k, (share, label, dash, stroke) in enumerate(sorted(marks)):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        anchor = "end" if share > 70 else "start"
        shift = -3 if anchor == "end" else 3
        out.append(f'<line x1="{px(share):.1f}" y1="{top}" x2="{px(share):.1f}" y2="{top + ph}" stroke="{stroke}"'
                   f'{dash_attr}><title>{escape(label)}</title></line>'
                   f'<text x="{px(share) + shift:.1f}" y="{top - 4 - 12 * (k % 2)}" text-anchor="{anchor}" '
                   f'fill="{stroke}">{escape(label)}</text>')
    legend: list[tuple[str, str, str]] = []
    if proportional:
        out.append(f'<line x1="{px(0):.1f}" y1="{py(0):.1f}" x2="{px(100):.1f}" y2="{py(proportional):.1f}" '
                   'stroke="#888" stroke-dasharray="5 4"/>')
        legend.append((f"proportional: share × {proportional:,} seats", "#888", "5 4"))
    for k, (label, pieces) in enumerate(curves.items()):
        pts = []
        for a, b, seats in _drawn_steps(pieces):
            pts.append(f"{px(a):.1f},{py(seats):.1f}")
            pts.append(f"{px(b):.1f},{py(seats):.1f}")
        colour, dash = OKABE_ITO[k % len(OKABE_ITO)], DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.8"{dash_attr} '
                   f'points="{" ".join(pts)}"><title>{escape(label)}</title></polyline>')
        legend.append((label, colour, dash))
    if legend:
        longest = max(len(_cut(label)) for label, _, _ in legend)
        out.append(f'<rect x="{left + 3}" y="{top + 3}" width="{min(pw - 6, 40 + 6.2 * longest):.0f}" '
                   f'height="{15 * len(legend) + 4}" fill="#fff" fill-opacity="0.9"/>')
    for k, (label, colour, dash) in enumerate(legend):
        y = top + 15 + 15 * k
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{left + 8}" y1="{y - 4}" x2="{left + 30}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/><text x="{left + 36}" y="{y}">{escape(_cut(label))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def side_by_side(svgs: Sequence[str], columns: int = 2, gap: int = 16) -> str:
    """Several pictures of this module in one SVG, ``columns`` to a row (each keeps its size)."""
    sizes = []
    for svg in svgs:
        head = svg.split(">", 1)[0]
        w = float(head.split('width="', 1)[1].split('"', 1)[0])
        h = float(head.split('height="', 1)[1].split('"', 1)[0])
        sizes.append((w, h))
    cell_w = max((w for w, _ in sizes), default=0)
    rows = [sizes[i:i + columns] for i in range(0, len(sizes), columns)]
    row_h = [max(h for _, h in row) for row in rows]
    width = columns * cell_w + (columns - 1) * gap if len(svgs) >= columns else len(svgs) * cell_w + (
        len(svgs) - 1) * gap
    height = sum(row_h) + gap * (len(rows) - 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12" role="img">',
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>']
    for i, svg in enumerate(svgs):
        x = (i % columns) * (cell_w + gap)
        y = sum(row_h[: i // columns]) + gap * (i // columns)
        inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
        out.append(f'<g transform="translate({x:.0f},{y:.0f})">{inner}</g>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["APPOINTED", "MAX_DRAWN_SEATS", "MAX_LEGEND", "colour", "curve_svg", "dots_for", "nice_step",
           "parliament_svg", "side_by_side", "ticks"]
