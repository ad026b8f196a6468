"""Heat maps as self-contained SVG text (no plotting library): one panel is a grid of cells, the
values of one parameter down, another across; ``grid_svg`` puts panels side by side in one
picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

CELL_W, CELL_H = 80, 18
LEFT, TOP, GAP = 58, 56, 18
VERDICT_COLOURS = {"proved": "#2f9e44", "refuted": "#e03131", "unknown": "#f59f00", "error": "#868e96"}


@dataclass
class Panel:
    title: str
    row_title: str
    rows: list[str]
    col_title: str
    cols: list[str]
    values: list[list[float | None]]  # the colour scale is from 0 (or the smallest) to the largest
    texts: list[list[str]]
    hue: str = "#1f77b4"
    colours: list[list[str | None]] | None = None  # fixed colours (verdicts), instead of the scale

    @property
    def width(self) -> int:
        return LEFT + CELL_W * max(1, len(self.cols)) + GAP

    @property
    def height(self) -> int:
        return TOP + CELL_H * max(1, len(self.rows)) + GAP


def _mix(hue: str, t: float) -> str:
    """``t`` of the way from white to ``hue``."""
    r, g, b = (int(hue[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(255 + (c - 255) * t) for c in (r, g, b)))


def _panel(p: Panel, x0: int, y0: int) -> list[str]:
    out = [f'<g transform="translate({x0},{y0})">',
           f'<text x="{LEFT}" y="14" font-weight="bold">{escape(p.title)}</text>',
           f'<text x="{LEFT}" y="30" fill="#555">{escape(p.col_title)} →</text>']
    known = [v for row in p.values for v in row if v is not None]
    lo, hi = (min(0.0, *known), max(known)) if known else (0.0, 0.0)  # from 0: no seat is always pale
    for j, c in enumerate(p.cols):
        x = LEFT + CELL_W * j + CELL_W / 2
        out.append(f'<text x="{x:.0f}" y="{TOP - 6}" text-anchor="middle">{escape(c)}</text>')
    out.append(f'<text x="4" y="{TOP - 6}" fill="#555">{escape(p.row_title)} ↓</text>')
    for i, r in enumerate(p.rows):
        y = TOP + CELL_H * i
        out.append(f'<text x="{LEFT - 6}" y="{y + 13}" text-anchor="end">{escape(r)}</text>')
        for j in range(len(p.cols)):
            v, text = p.values[i][j], p.texts[i][j]
            fixed = p.colours[i][j] if p.colours is not None else None
            if fixed is not None:
                fill, ink = fixed, "#fff"
            elif v is None:
                fill, ink = "#f1f3f5", "#868e96"
            else:
                t = 0.12 + 0.88 * ((v - lo) / (hi - lo) if hi > lo else 0.0)
                fill, ink = _mix(p.hue, t), ("#fff" if t > 0.6 else "#222")
            x = LEFT + CELL_W * j
            out.append(f'<rect x="{x}" y="{y}" width="{CELL_W - 1}" height="{CELL_H - 1}" fill="{fill}">'
                       f'<title>{escape(p.rows[i])}, {escape(p.cols[j])}: {escape(text)}</title></rect>')
            out.append(f'<text x="{x + CELL_W / 2:.0f}" y="{y + 13}" text-anchor="middle" fill="{ink}">'
                       f'{escape(text)}</text>')
    out.append("</g>")
    return out


def grid_svg(panels: Sequence[Panel], *, title: str = "", per_row: int = 3) -> str:
    """Panels in rows of ``per_row``, under a title, as one SVG picture."""
    rows = [list(panels[i:i + per_row]) for i in range(0, len(panels), per_row)]
    head = 28 if title else 4
    width = max(max((sum(p.width for p in row) for row in rows), default=200), 16 + 8 * len(title))  # the title fits
    height = head + sum(max(p.height for p in row) for row in rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    if title:
        out.append(f'<text x="8" y="19" font-size="14" font-weight="bold">{escape(title)}</text>')
    y = head
    for row in rows:
        x = 0
        for p in row:
            out += _panel(p, x, y)
            x += p.width
        y += max(p.height for p in row)
    out.append("</svg>")
    return "\n".join(out) + "\n"
