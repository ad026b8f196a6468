"""The terminal summary of a sweep: one table per election (variants down, lists across) and one
of the properties. The whole table is in ``--format json|csv`` and the files of ``--out``."""

from __future__ import annotations

from rich.table import Table

from hemicycle.sweep.run import SweepResult
from hemicycle.sweep.table import Row

MAX_SHOWN = 60  # variants per table on the terminal


def _pivot(rows: list[Row], title: str, measure: str, fmt: str, extra: tuple[str, str, str] | None) -> Table | None:
    rows = [r for r in rows if r["measure"] in (measure, extra[0] if extra else "")]
    if not rows:
        return None
    subjects = list(dict.fromkeys(r["subject"] for r in rows if r["measure"] == measure and r["subject"]))
    variants = list(dict.fromkeys((r["rules"], r["variant"]) for r in rows))
    cells = {(r["rules"], r["variant"], r["measure"], r["subject"]): r for r in rows}
    notes = [f"the first {MAX_SHOWN} of {len(variants)} variants"] if len(variants) > MAX_SHOWN else []
    if measure != "property":  # seats: a list with none in any variant is left out (Spain stands 80 lists)
        won = {r["subject"] for r in rows if r["measure"] == measure and not r["verdict"] and r["value"]}
        left_out = sum(1 for s in subjects if s not in won)
        subjects = [s for s in subjects if s in won]
        if left_out:
            notes.append(f"{left_out} {'list' if left_out == 1 else 'lists'} without a seat in any variant left out")
    table = Table(title=title + (f" ({'; '.join(notes)})" if notes else ""))
    table.add_column("variant")
    for s in subjects:
        table.add_column(s, justify="right")
    if extra:
        table.add_column(extra[1], justify="right")
    for rules, variant in variants[:MAX_SHOWN]:
        line = [variant if variant != rules else rules]
        for s in subjects:
            r = cells.get((rules, variant, measure, s))
            line.append("" if r is None else r["verdict"] or format(r["value"], fmt))
        if extra:
            r = cells.get((rules, variant, extra[0], ""))
            line.append("" if r is None else r["verdict"] or format(r["value"], extra[2]))
        table.add_row(*line)
    return table


def summary_tables(result: SweepResult) -> list[Table]:
    out: list[Table] = []
    for e in result.spec.elections:
        rows = [r for r in result.rows if r["election"] == e.name]
        for title, measure, fmt, extra in (
                (f"Seats on {e.name}", "seats", "d", ("gallagher", "Gallagher", ".2f")),
                (f"Mean seats, simulated around {e.name}", "mean_seats", ".2f", ("p_majority", "P(majority)", ".3f"))):
            table = _pivot(rows, title, measure, fmt, extra)
            if table is not None:
                out.append(table)
    props = _pivot([r for r in result.rows if r["measure"] == "property"], "Properties", "property", "", None)
    if props is not None:
        out.append(props)
    return out
