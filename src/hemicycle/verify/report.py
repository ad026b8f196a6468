"""Showing verification results: a rich table, plain text, JSON."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from hemicycle.display import DataTable, json_text, text
from hemicycle.verify.engine import PropertyResult, Status

_STYLE = {Status.PROVED: "green", Status.REFUTED: "red", Status.UNKNOWN: "yellow",
          Status.ERROR: "bold red"}


def _summary(r: PropertyResult) -> str:
    if r.status is Status.PROVED:
        return f"for {r.bounds}"
    if r.status in (Status.UNKNOWN, Status.ERROR):
        return r.reason or r.status.value
    assert r.counterexample is not None
    parts = []
    for e in r.counterexample:
        votes = ", ".join(f"{k} {v}" for k, v in e.votes.items())
        seats = ", ".join(f"{k} {v}" for k, v in e.seats.items())
        extra = {k: v for k, v in e.totals.items() if k in ("invalid", "against_all", "blank") and v}
        more = "".join(f"; {k} {v}" for k, v in extra.items())
        if e.districts and "allocated" not in e.districts[0]:  # an apportionment of magnitudes
            units = ", ".join(f"{d['district']} {d['figure'] if d['figure'] is not None else 'fixed'}"
                              f"->{d['seats']}" for d in e.districts)
            parts.append(f"{e.house} seats: {units}")
            continue
        if e.districts:  # a districted chamber: each district's votes and seats, then the sums
            units = "; ".join(
                f"{d['district']} ({d['seats']}): "
                + ", ".join(f"{k} {v}->{d['allocated'][k]}" for k, v in d["votes"].items())
                + "".join(f", {k} {v}" for k, v in d["totals"].items()
                          if k in ("invalid", "against_all") and v)
                + ("; constituencies won " + ", ".join(f"{k} {v}" for k, v in d["won"].items() if v)
                   if "won" in d else "")  # levels: the symbolic winners
                for d in e.districts)
            parts.append(f"{units} => seats {seats} (of {e.house})")
            continue
        parts.append(f"votes {votes}{more} -> seats {seats} (of {e.house})")
    text = " | ".join(parts)
    if r.clause:
        text += f"  [clause: {r.clause}]"
    if r.minimal is not None:
        text += "  (fewest votes)" if r.minimal else "  (not proved minimal)"
    return text


def render_table(results: Sequence[PropertyResult]) -> Table:
    """A rich table: property, tier, status, seconds, bounds or counterexample."""
    table = DataTable(title="hemicycle verify")
    for col in ("property", "tier", "status", "lists", "seconds", "details"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(r.property, r.tier, text(r.status.value, _STYLE[r.status]),
                      str(r.parties), f"{r.seconds:.2f}", _summary(r))
    return table


def format_table(results: Sequence[PropertyResult]) -> str:
    """The same as plain text (one line per result)."""
    rows = [("property", "tier", "status", "lists", "seconds", "details")]
    for r in results:
        rows.append((r.property, r.tier, r.status.value, str(r.parties), f"{r.seconds:.2f}",
                     _summary(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True))
                     + "  " + row[5])
    return "\n".join(lines)


def to_json(results: Sequence[PropertyResult]) -> str:
    return json_text([r.to_json() for r in results])
