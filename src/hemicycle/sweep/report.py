"""The report of a sweep: heat maps per rule file, election and measure (one parameter down,
another across, the others as separate sets of panels), as SVG pictures and one self-contained
HTML page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from typing import Any

from hemicycle.pictures import colour
from hemicycle.sweep.heatmap import VERDICT_COLOURS, Panel, grid_svg
from hemicycle.sweep.run import SweepResult
from hemicycle.sweep.spec import Variant
from hemicycle.sweep.table import Row

GALLAGHER_HUE, MAJORITY_HUE = "#e8590c", "#7048e8"
MAX_TABLE_ROWS = 5_000  # rows of the table shown in the page (the files hold them all)


class _Layout:
    """How the variants of one rule file sit in panels: the first parameter down, the second
    across, every combination of the others a facet of its own."""

    def __init__(self, variants: list[Variant]) -> None:
        names = [k for k, _ in variants[0].values]
        self.row_name = names[0] if names else ""
        self.col_name = names[1] if len(names) > 1 else ""
        self.rest = names[2:]

        def seen(name: str) -> list[str]:
            return list(dict.fromkeys(dict(v.values)[name] for v in variants))

        self.rows = seen(self.row_name) if self.row_name else [variants[0].rules]
        self.cols = seen(self.col_name) if self.col_name else ["value" if self.row_name else "seats"]
        self.cells: dict[tuple[str, ...], dict[tuple[str, str], str]] = {}
        for v in variants:
            d = dict(v.values)
            facet = tuple(f"{k}={d[k]}" for k in self.rest)
            r = d[self.row_name] if self.row_name else self.rows[0]
            c = d[self.col_name] if self.col_name else self.cols[0]
            self.cells.setdefault(facet, {})[(r, c)] = v.label

    def facets(self) -> Iterator[tuple[str, dict[tuple[str, str], str]]]:
        for facet, cells in self.cells.items():
            yield ", ".join(facet), cells


def _cell_of(row: Row | None, fmt: Any, verdicts: bool) -> tuple[float | None, str, str | None]:
    """(value for the colour scale, text, fixed colour) of one cell."""
    if row is None:
        return None, "", None
    if verdicts or row["verdict"]:
        return None, (row["verdict"] or "?")[0].upper(), VERDICT_COLOURS.get(row["verdict"], "#868e96")
    return float(row["value"]), fmt(row["value"]), None


def _panel(layout: _Layout, cells: dict[tuple[str, str], str], title: str, lookup: dict[str, Row],
           fmt: Any, hue: str, verdicts: bool = False) -> Panel:
    grid = [[_cell_of(lookup.get(cells.get((r, c), "")), fmt, verdicts) for c in layout.cols] for r in layout.rows]
    colours = [[x[2] for x in row] for row in grid]
    return Panel(title, layout.row_name, list(layout.rows), layout.col_name, list(layout.cols),
                 [[x[0] for x in row] for row in grid], [[x[1] for x in row] for row in grid], hue,
                 colours if any(c for row in colours for c in row) else None)


def pictures(result: SweepResult) -> list[tuple[str, str, str]]:
    """(file name, heading, SVG) of every set of heat maps."""
    out: list[tuple[str, str, str]] = []
    spec = result.spec
    by_rules: dict[str, list[Variant]] = {}
    for v in spec.variants:
        by_rules.setdefault(v.rules, []).append(v)
    index: dict[tuple[str, str, str, str], Row] = {}
    for row in result.rows:
        index[(row["variant"], row["election"], row["measure"], row["subject"])] = row
    for rules, variants in by_rules.items():
        layout = _Layout(variants)
        for facet, cells in layout.facets():
            where = f" ({facet})" if facet else ""
            for e in spec.elections:
                subjects = _subjects(result.rows, rules, e.name, "seats")
                panels = [_panel(layout, cells, f"{a}: seats", _measure(index, e.name, "seats", a), str, colour(i))
                          for i, a in enumerate(subjects)]
                panels.append(_panel(layout, cells, "Gallagher index", _measure(index, e.name, "gallagher", ""),
                                     lambda x: f"{x:.2f}", GALLAGHER_HUE))
                out.append((f"seats-{rules}-{e.name}{_slug(facet)}.svg",
                            f"{rules}{where}: seats on the votes of {e.name}", grid_svg(panels, title=(
                                f"{rules}{where}: seats on the votes of {e.name}"))))
                if spec.simulation is not None and spec.simulation.count:
                    subjects = _subjects(result.rows, rules, e.name, "mean_seats")
                    panels = [_panel(layout, cells, f"{a}: mean seats", _measure(index, e.name, "mean_seats", a),
                                     lambda x: f"{x:.1f}", colour(i)) for i, a in enumerate(subjects)]
                    panels.append(_panel(layout, cells, "P(a majority)", _measure(index, e.name, "p_majority", ""),
                                         lambda x: f"{100 * x:.1f}%", MAJORITY_HUE))
                    title = f"{rules}{where}: {spec.simulation.count:,} simulated elections around {e.name}"
                    out.append((f"simulated-{rules}-{e.name}{_slug(facet)}.svg", title, grid_svg(panels, title=title)))
            if spec.verification is not None:
                panels = [_panel(layout, cells, p, _measure(index, "", "property", p), str, "#000", verdicts=True)
                          for p in spec.verification.properties]
                title = (f"{rules}{where}: properties for {spec.verification.parties} lists "
                         "(P proved, R refuted, U unknown, E error)")
                out.append((f"properties-{rules}{_slug(facet)}.svg", title, grid_svg(panels, title=title, per_row=4)))
    return out


def _measure(index: dict[tuple[str, str, str, str], Row], election: str, measure: str, subject: str) -> dict[str, Row]:
    return {k[0]: r for k, r in index.items() if k[1:] == (election, measure, subject)}


def _subjects(rows: list[Row], rules: str, election: str, measure: str) -> list[str]:
    return list(dict.fromkeys(r["subject"] for r in rows if r["rules"] == rules and r["election"] == election
                              and r["measure"] == measure and r["subject"]))


def _slug(facet: str) -> str:
    return "-" + re.sub(r"[^A-Za-z0-9.]+", "_", facet).strip("_") if facet else ""


def html_report(result: SweepResult, cols: list[str]) -> str:
    spec = result.spec
    families = list(dict.fromkeys(v.rules for v in spec.variants))
    measures = ["seats on the real elections"] if spec.elections else []
    if spec.simulation is not None and spec.simulation.count:
        measures.append(f"{spec.simulation.count:,} simulated elections each ({spec.simulation.model})")
    if spec.verification is not None:
        measures.append(f"properties {', '.join(spec.verification.properties)} for {spec.verification.parties} lists "
                        f"({spec.verification.timeout:g} s each)")
    summary = [
        ("rule files", ", ".join(families)),
        ("variants", f"{len(spec.variants):,}"),
        ("elections", ", ".join(e.name for e in spec.elections) or "none"),
        ("measures", "; ".join(measures) or "none"),
        ("engine", result.engine),
        ("units of results", f"{result.units:,} ({result.cached:,} from the cache"
                             + (f", {result.lost:,} lost" if result.lost else "") + ")"),
        ("wall time", f"{result.seconds:.1f} s ({result.cpu_seconds:.1f} CPU seconds in the workers)"),
    ]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>hemicycle sweep</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>hemicycle sweep</h1>", "<table>"]
    parts += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in summary]
    parts.append("</table>")
    for _, heading, svg in pictures(result):
        parts += [f"<h2>{escape(heading)}</h2>", f'<div class="svg">{svg}</div>']
    shown = result.rows[:MAX_TABLE_ROWS]
    parts.append(f"<details><summary>The table ({len(result.rows):,} rows"
                 + (f"; the first {MAX_TABLE_ROWS:,} shown, all in the CSV file" if len(shown) < len(result.rows)
                    else "") + ")</summary><table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>")
    for row in shown:
        parts.append("<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in cols) + "</tr>")
    parts += ["</table></details>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; }
.svg { overflow-x: auto; }
"""

__all__ = ["html_report", "pictures"]
