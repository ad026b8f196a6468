"""The tidy table of a sweep: one row per (variant, election, measure, subject).

Columns: ``rules`` (the rule file), ``variant`` (its parameter values as one label), one column
per parameter (its value's label; empty for files that do not declare it), ``election``,
``measure``, ``subject`` (a list's abbreviation, a property, or empty), ``value`` (a number, or
empty), ``verdict`` (``proved``/``refuted``/``unknown`` for properties, ``error`` when a unit
could not be computed, else empty) and ``detail`` (the error, the counterexample, the reason).

Measures:

| measure | per | value |
| --- | --- | --- |
| `seats` | list | seats on the real election (exact interpreter) |
| `gallagher` | election | Gallagher index of that allocation |
| `mean_seats` | list | mean seats over the simulated elections |
| `p_seat` | list | share of simulated elections in which the list wins a seat |
| `p_majority` | election | share in which some list holds more than half of the seats allocated |
| `property` | property | the verdict (`verdict` column) for the chosen number of lists |

Means and shares are computed once, at the end, from exact integer counts: the table is the same
whatever the engine and the order in which tasks finished.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hemicycle.sweep.spec import SweepSpec
from hemicycle.sweep.tasks import Payload, allocate_key, chunk_count, chunk_size, simulate_key, verify_key

Row = dict[str, Any]
FIXED = ("rules", "variant", "election", "measure", "subject", "value", "verdict", "detail")


def columns(spec: SweepSpec) -> list[str]:
    params = spec.parameters
    return ["rules", "variant", *params, "election", "measure", "subject", "value", "verdict", "detail"]


def reserved(spec: SweepSpec) -> list[str]:
    """Parameter names that would collide with a fixed column."""
    return [p for p in spec.parameters if p in FIXED]


def build_rows(spec: SweepSpec, have: dict[str, Payload]) -> list[Row]:
    params = spec.parameters
    rows: list[Row] = []
    for v in spec.variants:
        values = dict(v.values)
        base = {"rules": v.rules, "variant": v.label, **{p: values.get(p, "") for p in params}}

        def row(election: str, measure: str, subject: str = "", value: Any = None, verdict: str = "",
                detail: str = "", base: Row = base) -> None:
            rows.append({**base, "election": election, "measure": measure, "subject": subject, "value": value,
                         "verdict": verdict, "detail": detail})

        for e in spec.elections:
            got = have.get(allocate_key(v, e))
            if got is None or "seats" not in got:
                row(e.name, "seats", verdict="error", detail=(got or {}).get("error") or "not computed")
                continue
            for abbr, seats in got["seats"].items():
                row(e.name, "seats", abbr, seats)
            row(e.name, "gallagher", value=got["gallagher"])
        s = spec.simulation
        if s is not None and s.count > 0:
            for e in spec.elections:
                _simulated(row, e, [have.get(simulate_key(v, e, c, s)) for c in range(chunk_count(s))],
                           [chunk_size(s, c) for c in range(chunk_count(s))])
        ver = spec.verification
        if ver is not None:
            for prop in ver.properties:
                got = have.get(verify_key(v, prop, ver)) or {"status": "error", "detail": "not computed"}
                row("", "property", prop, verdict=got["status"], detail=got.get("detail", ""))
    return rows


def _simulated(row: Any, e: Any, parts: list[Payload | None], sizes: list[int]) -> None:
    if any(p is None or "n" not in p for p in parts):
        error = next((p.get("error") for p in parts if p is not None and "n" not in p), None)
        row(e.name, "mean_seats", verdict="error", detail=error or "not computed")
        return
    counts: list[Payload] = [p for p in parts if p is not None]
    n = sum(sizes)
    abbrs = list(counts[0]["sum"])
    for a in abbrs:
        row(e.name, "mean_seats", a, sum(p["sum"][a] for p in counts) / n)
    for a in abbrs:
        row(e.name, "p_seat", a, sum(p["any"][a] for p in counts) / n)
    notes = "; ".join(dict.fromkeys(x for p in counts for x in p.get("notes", [])))
    row(e.name, "p_majority", value=sum(p["majority"] for p in counts) / n,
        detail=f"{n} simulated elections" + (f"; {notes}" if notes else ""))


# --- writers ---------------------------------------------------------------------------------------


def to_json(rows: list[Row]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def to_csv(rows: list[Row], cols: list[str]) -> str:
    """The table as CSV through ``display.csv_text``, as every CSV hemicycle writes: text cells
    quoted and neutralised (a list's abbreviation or a message from a file never runs as a
    spreadsheet formula)."""
    from hemicycle.display import csv_text

    return csv_text([cols, *([r.get(k) for k in cols] for r in rows)])


def write_parquet(rows: list[Row], cols: list[str], path: Path) -> bool:
    """Write a Parquet file when pyarrow is installed (``value`` as float64, the rest as text);
    False when it is not."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    data = {c: [None if r.get(c) is None else (float(r[c]) if c == "value" else str(r[c])) for r in rows]
            for c in cols}
    schema = pa.schema([(c, pa.float64() if c == "value" else pa.string()) for c in cols])
    pq.write_table(pa.table(data, schema=schema), path)
    return True
