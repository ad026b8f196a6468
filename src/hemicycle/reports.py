"""Allocation results as tables (rich), JSON and CSV."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from hemicycle.display import DataTable, csv_text, json_text
from hemicycle.interpreter import AllocationResult
from hemicycle.numbers import fmt_decimal, fmt_int, fmt_percent


def result_json(result: AllocationResult) -> dict[str, Any]:
    return result.to_json()


def result_json_text(result: AllocationResult) -> str:
    return json_text(result_json(result))


def result_rows(result: AllocationResult) -> list[dict[str, Any]]:
    """One row per list (vote-file order) and per appointed group."""
    election = result.election
    total_votes = election.share_base
    passed = {abbr for t in result.tiers for abbr in t.passed}
    admitted = {abbr for t in result.tiers for abbr in t.admitted}
    rows: list[dict[str, Any]] = []
    for e in election.lists:
        rows.append({
            "abbr": e.abbr, "name": e.name or e.abbr, "votes": e.votes,
            "share": fmt_percent(e.votes, total_votes),
            "passed": e.abbr in passed, "admitted": e.abbr in admitted,
            "seats": result.seats[e.abbr],
        })
    for key, n in result.appointed.items():
        rows.append({"abbr": key, "name": _appointed_name(result, key), "votes": None, "share": "",
                     "passed": None, "admitted": None, "seats": n})
    return rows


def _appointed_name(result: AllocationResult, key: str) -> str:
    return result.appointed_names.get(key, key)


def result_csv(result: AllocationResult) -> str:
    rows: list[list[str | int | None]] = [["abbr", "name", "votes", "seats"]]
    rows += [[row["abbr"], row["name"], row["votes"], row["seats"]] for row in result_rows(result)]
    rows.append(["total", "", election_votes(result), result.total])
    return csv_text(rows)


def election_votes(result: AllocationResult) -> int:
    return result.election.list_votes


def result_table(result: AllocationResult, names: dict[str, str] | None = None) -> Table:
    title = result.chamber + (f": {result.election.name}" if result.election.name else "")
    table = DataTable(title=title, title_justify="left")
    table.add_column("List")
    table.add_column("Abbr")
    table.add_column("Votes", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("Passed", justify="center")
    table.add_column("Seats", justify="right")
    rows = result_rows(result)
    rows.sort(key=lambda r: (-r["seats"], -(r["votes"] or 0)))
    for row in rows:
        name = (names or {}).get(row["abbr"], row["name"])
        passed = "" if row["passed"] is None else ("yes" if row["passed"] else (
            "admitted" if row["admitted"] else "no"))
        table.add_row(name, row["abbr"], "" if row["votes"] is None else fmt_int(row["votes"]),
                      row["share"], passed, str(row["seats"]))
    table.add_section()
    table.add_row("Total", "", fmt_int(result.election.list_votes), "", "", str(result.total))
    return table


def comparison_tables(comparison: Any, curves: Any = (), margins: Any = None, distributions: Any = ()) -> list[Table]:
    """Rich tables for `hemicycle compare`."""
    systems = comparison.systems
    election = comparison.election
    seats = DataTable(title="Seats" + (f": {election.name}" if election.name else ""), title_justify="left")
    seats.add_column("List")
    seats.add_column("Votes", justify="right")
    seats.add_column("Share", justify="right")
    for s in systems:
        seats.add_column(s.label, justify="right")
    total_votes = election.share_base
    for e in election.lists:
        seats.add_row(e.abbr, fmt_int(e.votes), fmt_percent(e.votes, total_votes),
                      *[str(s.result.seats[e.abbr]) for s in systems])
    for key in sorted({k for s in systems for k in s.result.appointed}):
        seats.add_row(f"{key} (appointed)", "", "", *[str(s.result.appointed.get(key, 0)) for s in systems])
    seats.add_section()
    seats.add_row("Total", fmt_int(election.list_votes), "", *[str(s.result.total) for s in systems])
    idx = DataTable(title="Disproportionality (shares in percent of list votes and of their seats)",
                title_justify="left")
    idx.add_column("Index")
    for s in systems:
        idx.add_column(s.label, justify="right")
    for key, label in (("gallagher", "Gallagher"), ("loosemore_hanby", "Loosemore-Hanby"),
                       ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "ENP votes"),
                       ("enp_seats", "ENP seats")):
        idx.add_row(label, *[f"{getattr(s.indices, key):.3f}" for s in systems])
    idx.add_row("Largest list has a majority", *[("yes" if s.majority else "no") for s in systems])
    tables = [seats, idx]
    differences = comparison.unit_differences() if any(s.result.districts for s in systems) else []
    if differences:
        units = DataTable(title="Seats in the units where the systems differ", title_justify="left")
        units.add_column("Unit")
        units.add_column("List")
        for s in systems:
            units.add_column(s.label, justify="right")
        for d in differences:
            units.add_row(f"{d['unit']} ({d['level']})", d["list"], *[str(n) for n in d["seats"]])
        tables.append(units)
    if any(s.properties for s in systems):
        props = DataTable(title="Properties (Z3): " + "; ".join(sorted({s.property_bounds for s in systems
                                                                    if s.property_bounds})),
                      title_justify="left")
        props.add_column("Property")
        for s in systems:
            props.add_column(s.label)
        for name in sorted({p for s in systems for p in (s.properties or {})}):
            props.add_row(name, *[(s.properties or {}).get(name, "–") for s in systems])
        tables.append(props)
    for c in curves:
        t = DataTable(title=f"Seat-vote curve of {c.abbr} under {c.rules}", title_justify="left")
        t.add_column("Vote share from", justify="right")
        t.add_column("to", justify="right")
        t.add_column("Seats", justify="right")
        for p in c.pieces:
            t.add_row(fmt_decimal(p.start * 100, 4) + "%", fmt_decimal(p.end * 100, 4) + "%", str(p.seats))
        tables.append(t)
    for label, ms in (margins or {}).items():
        t = DataTable(title=f"Votes that decide seats under {label} (others unchanged)", title_justify="left")
        for col in ("List", "Seats", "Votes to gain a seat", "Votes to lose one"):
            t.add_column(col, justify="right" if col != "List" else "left")
        for mg in ms:
            t.add_row(mg.abbr, str(mg.seats), "–" if mg.gain is None else fmt_int(mg.gain),
                      "–" if mg.lose is None else fmt_int(mg.lose))
        tables.append(t)
    for d in distributions:
        t = DataTable(title=f"Seats in {d.simulations:,} simulated elections under {d.rules} "
                        f"(majority probability {d.majority:.3f})", title_justify="left")
        for col in ("List", "Mean", "90% interval"):
            t.add_column(col, justify="right" if col != "List" else "left")
        for a in d.abbrs:
            lo, hi = d.interval(a)
            t.add_row(a, f"{d.mean(a):.2f}", f"{lo}–{hi}")
        tables.append(t)
    return tables


# --- districts ----------------------------------------------------------------------------------


def district_columns(result: AllocationResult) -> list[str]:
    """The lists that won a seat in some district, by seats won (then vote-file order)."""
    won: dict[str, int] = {}
    for unit in result.districts:
        for abbr, n in unit.seats.items():
            if n:
                won[abbr] = won.get(abbr, 0) + n
    order = {e.abbr: i for i, e in enumerate(result.election.lists)}
    return sorted(won, key=lambda a: (-won[a], order.get(a, 0)))


def district_table(result: AllocationResult) -> Table:
    """A district x list table of seats (the lists that won a seat somewhere), with each
    district's magnitude; for an apportionment, the districts' seats."""
    title = result.chamber + (f": {result.election.name}" if result.election.name else "")
    table = DataTable(title=title, title_justify="left")
    levels = {u.level for u in result.districts}
    table.add_column(next(iter(levels)).capitalize() if len(levels) == 1 else "District")
    if len(levels) > 1:
        table.add_column("Level")
    table.add_column("Seats", justify="right")
    columns = district_columns(result)
    for abbr in columns:
        table.add_column(abbr, justify="right")
    for unit in result.districts:
        level = [unit.level] if len(levels) > 1 else []
        magnitude = "" if unit.magnitude is None else str(unit.magnitude)
        table.add_row(unit.name, *level, magnitude, *[str(unit.seats.get(a, 0) or "") for a in columns])
    table.add_section()
    totals = [str(sum(u.seats.get(a, 0) for u in result.districts)) for a in columns]
    magnitudes = [u.magnitude for u in result.districts if u.magnitude is not None]
    table.add_row("Total", *([""] if len(levels) > 1 else []), str(sum(magnitudes)) if magnitudes else "", *totals)
    return table


def district_csv(result: AllocationResult) -> str:
    """One row per district and list that stood (or won a seat) there: district, level,
    magnitude, abbr, votes, seats; an apportionment has one row per district (abbr empty)."""
    rows: list[list[str | int | None]] = [["district", "level", "magnitude", "abbr", "votes", "seats"]]
    units = {(u.level, u.name): u for u in result.election.units}
    for unit in result.districts:
        source = units.get((unit.level, unit.name))
        votes = dict(source.votes) if source is not None else {}
        abbrs = list(votes) + [a for a in unit.seats if a not in votes]
        if not abbrs:
            rows.append([unit.name, unit.level, unit.magnitude, None, None, None])
        rows += [[unit.name, unit.level, unit.magnitude, a, votes.get(a), unit.seats.get(a, 0)] for a in abbrs]
    return csv_text(rows)
