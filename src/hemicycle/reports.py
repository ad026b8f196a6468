"""Allocation results and comparisons as tables (``hemicycle.tables``: terminal, Markdown, LaTeX),
JSON and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table as RichTable

from hemicycle.display import csv_text, json_text
from hemicycle.interpreter import AllocationResult
from hemicycle.numbers import fmt_decimal, fmt_int, fmt_percent
from hemicycle.tables import Column, Table, to_rich


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


def result_tables(result: AllocationResult, names: dict[str, str] | None = None) -> list[Table]:
    """The table of ``hemicycle allocate``: one row per list (most seats first) and per appointed
    group, the total, and as notes every tie met and every note of the allocation."""
    title = result.chamber + (f": {result.election.name}" if result.election.name else "")
    table = Table(title, [Column("List"), Column("Abbr"), Column("Votes", "right"), Column("Share", "right"),
                          Column("Passed", "center"), Column("Seats", "right")])
    rows = result_rows(result)
    rows.sort(key=lambda r: (-r["seats"], -(r["votes"] or 0)))
    for row in rows:
        name = (names or {}).get(row["abbr"], row["name"])
        passed = "" if row["passed"] is None else ("yes" if row["passed"] else (
            "admitted" if row["admitted"] else "no"))
        table.add(name, row["abbr"], "" if row["votes"] is None else fmt_int(row["votes"]),
                  row["share"], passed, str(row["seats"]))
    table.total("Total", "", fmt_int(result.election.list_votes), "", "", str(result.total))
    table.notes = notes_of(result.ties, result.notes)
    return [table]


def notes_of(ties: Any, notes: Any, prefix: str = "") -> list[str]:
    """The lines that follow a result wherever it is shown: every tie met, then every note."""
    return [f"Tie{prefix}: {t.describe()}" for t in ties] + [f"Note{prefix}: {n}" for n in notes]


def result_table(result: AllocationResult, names: dict[str, str] | None = None) -> RichTable:
    """The table of ``hemicycle allocate`` for a terminal (its ties and notes are printed after it)."""
    return to_rich(result_tables(result, names)[0])


# --- comparisons ------------------------------------------------------------------------------------

INDICES = (("gallagher", "Gallagher"), ("loosemore_hanby", "Loosemore-Hanby"),
           ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "ENP votes"), ("enp_seats", "ENP seats"))
KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def system_key(i: int) -> str:
    """The short key of the ``i``-th system: A ... Z, then A2 ... Z2 and so on."""
    return KEYS[i % 26] + (str(i // 26 + 1) if i >= 26 else "")


def needs_keys(comparison: Any, width: int) -> bool:
    """Whether the comparison's tables are too wide for ``width`` columns with the systems' labels
    as headers (wrapped onto at most three lines): then they are headed A, B, C ... with a legend."""
    election = comparison.election
    names = [e.abbr for e in election.lists] + [f"{k} (appointed)" for s in comparison.systems
                                                for k in s.result.appointed]
    votes = fmt_int(max([e.votes for e in election.lists] + [election.list_votes]))
    fixed = max(map(len, [*names, "Total"])) + len(votes) + len("100.00%") + 3 * 3
    index_fixed = len("Largest list has a majority") // 2 + 3  # the index names wrap onto two lines
    labels = [s.label for s in comparison.systems]
    return not (fits(labels, width, fixed) and fits(labels, width, index_fixed, cell=7))


def fits(labels: list[str], width: int, fixed: int = 40, cell: int = 5) -> bool:
    """Whether columns headed by ``labels`` fit ``width`` beside ``fixed`` columns when each header
    may wrap onto at most three lines (at its spaces, never inside a word)."""
    need = fixed + 1
    for label in labels:
        longest = max((len(w) for w in label.split()), default=1)
        need += max(longest, -(-len(label) // 3), cell) + 3
    return need <= width


def comparison_table_data(comparison: Any, curves: Any = (), margins: Any = None, distributions: Any = (),
                          *, keys: bool = False) -> list[Table]:
    """The tables of ``hemicycle compare``: seats side by side, indices, properties, curves,
    margins, simulations. ``keys``: head the systems' columns A, B, C ... and begin with a legend
    of the keys (for a narrow terminal)."""
    systems = comparison.systems
    election = comparison.election
    heads = [system_key(i) for i in range(len(systems))] if keys else [s.label for s in systems]
    by_path = {s.path: s.label for s in systems}
    tables: list[Table] = []
    if keys:
        legend = Table("Systems", [Column("Key"), Column("System"), Column("Rule file")])
        for head, s in zip(heads, systems, strict=True):
            legend.add(head, s.label, Path(s.path).name)
        tables.append(legend)
    seats = Table("Seats" + (f": {election.name}" if election.name else ""),
                  [Column("List"), Column("Votes", "right"), Column("Share", "right"),
                   *[Column(h, "right") for h in heads]])
    total_votes = election.share_base
    for e in election.lists:
        seats.add(e.abbr, fmt_int(e.votes), fmt_percent(e.votes, total_votes),
                  *[str(s.result.seats[e.abbr]) for s in systems])
    for key in sorted({k for s in systems for k in s.result.appointed}):
        seats.add(f"{key} (appointed)", "", "", *[str(s.result.appointed.get(key, 0)) for s in systems])
    seats.total("Total", fmt_int(election.list_votes), "", *[str(s.result.total) for s in systems])
    notes = sorted({n for s in systems for n in s.result.notes})
    seats.notes = [f"Tie ({head}): {t.describe()}" for head, s in zip(heads, systems, strict=True)
                   for t in s.result.ties] + [f"Note: {n}" for n in notes]
    tables.append(seats)
    idx = Table("Disproportionality (shares in percent of list votes and of their seats)",
                [Column("Index"), *[Column(h, "right") for h in heads]])
    for key, label in INDICES:
        idx.add(label, *[f"{getattr(s.indices, key):.3f}" for s in systems])
    idx.add("Largest list has a majority", *[("yes" if s.majority else "no") for s in systems])
    tables.append(idx)
    differences = comparison.unit_differences() if any(s.result.districts for s in systems) else []
    if differences:
        units = Table("Seats in the units where the systems differ",
                      [Column("Unit"), Column("List"), *[Column(h, "right") for h in heads]])
        for d in differences:
            units.add(f"{d['unit']} ({d['level']})", d["list"], *[str(n) for n in d["seats"]])
        tables.append(units)
    if any(s.properties for s in systems):
        props = Table("Properties (Z3): " + "; ".join(sorted({s.property_bounds for s in systems
                                                              if s.property_bounds})),
                      [Column("Property", fold=True), *[Column(h) for h in heads]])
        for name in sorted({p for s in systems for p in (s.properties or {})}):
            props.add(name, *[(s.properties or {}).get(name, "–") for s in systems])
        tables.append(props)
    tables += _what_if_tables(by_path, curves, margins, distributions)
    return tables


def _margin_cell(votes: int | None, district: str | None) -> str:
    if votes is None:
        return "–"
    return fmt_int(votes) if district is None else f"{fmt_int(votes)} in {district}"


def _what_if_tables(labels: dict[str, str], curves: Any, margins: Any, distributions: Any) -> list[Table]:
    tables: list[Table] = []
    for c in curves:
        t = Table(f"Seat-vote curve of {c.abbr} under {labels.get(c.rules, c.rules)}",
                  [Column("Vote share from", "right"), Column("to", "right"), Column("Seats", "right")])
        for p in c.pieces:
            t.add(fmt_decimal(p.start * 100, 4) + "%", fmt_decimal(p.end * 100, 4) + "%", str(p.seats))
        t.notes = ["Shares of the list votes, the other lists keeping their proportions."]
        if getattr(c, "note", ""):  # a curve searched on whole votes: how, and what it may miss
            t.notes.append(c.note[0].upper() + c.note[1:] + ".")
        for a, b, why in getattr(c, "gaps", ()):
            t.notes.append(f"From {fmt_decimal(a * 100, 4)}% to {fmt_decimal(b * 100, 4)}% the rules cannot "
                           f"allocate: {why}")
        tables.append(t)
    for label, ms in (margins or {}).items():
        t = Table(f"Votes that decide seats under {label} (others unchanged)",
                  [Column("List"), Column("Seats", "right"), Column("Votes to gain a seat", "right"),
                   Column("Votes to lose one", "right")])
        for mg in ms:
            t.add(mg.abbr, str(mg.seats), _margin_cell(mg.gain, mg.gain_district),
                  _margin_cell(mg.lose, mg.lose_district))
        if any(mg.districts for mg in ms):
            t.notes = ["With districts: the votes gained or lost in the cheapest district (named), the others' votes "
                       "unchanged; the JSON gives every district's."]
        tables.append(t)
    for d in distributions:
        t = Table(f"Seats in {d.simulations:,} simulated elections under {labels.get(d.rules, d.rules)} "
                  f"(majority probability {d.majority:.3f})",
                  [Column("List"), Column("Mean", "right"), Column("90% interval", "right")])
        for a in d.abbrs:
            lo, hi = d.interval(a)
            t.add(a, f"{d.mean(a):.2f}", f"{lo}–{hi}")
        if getattr(d, "undecided", 0):
            t.notes = [f"{d.undecided:,} more simulated elections the rules cannot allocate are left out "
                       f"(the first: {d.undecided_reason})"]
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


def district_tables(result: AllocationResult) -> list[Table]:
    """A district x list table of seats (the lists that won a seat somewhere), with each
    district's magnitude; for an apportionment, the districts' seats."""
    title = result.chamber + (f": {result.election.name}" if result.election.name else "")
    levels = {u.level for u in result.districts}
    several = len(levels) > 1
    columns = district_columns(result)
    table = Table(title, [Column(next(iter(levels)).capitalize() if not several else "District"),
                          *([Column("Level")] if several else []), Column("Seats", "right"),
                          *(Column(a, "right") for a in columns)])
    for unit in result.districts:
        magnitude = "" if unit.magnitude is None else str(unit.magnitude)
        table.add(unit.name, *([unit.level] if several else []), magnitude,
                  *[str(unit.seats.get(a, 0) or "") for a in columns])
    totals = [str(sum(u.seats.get(a, 0) for u in result.districts)) for a in columns]
    magnitudes = [u.magnitude for u in result.districts if u.magnitude is not None]
    table.total("Total", *([""] if several else []), str(sum(magnitudes)) if magnitudes else "", *totals)
    return [table]


def district_table(result: AllocationResult) -> RichTable:
    """``district_tables`` for a terminal."""
    return to_rich(district_tables(result)[0])


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


def comparison_tables(comparison: Any, curves: Any = (), margins: Any = None, distributions: Any = (),
                      *, keys: bool = False) -> list[RichTable]:
    """Rich tables for `hemicycle compare` (the notes of each are printed after it)."""
    return [to_rich(t) for t in comparison_table_data(comparison, curves, margins, distributions, keys=keys)]
