"""Allocation results as tables (rich), JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.table import Table

from hemicycle.interpreter import AllocationResult
from hemicycle.numbers import fmt_int, fmt_percent


def result_json(result: AllocationResult) -> dict[str, Any]:
    return result.to_json()


def result_json_text(result: AllocationResult) -> str:
    return json.dumps(result_json(result), indent=2, ensure_ascii=False)


def result_rows(result: AllocationResult) -> list[dict[str, Any]]:
    """One row per list (vote-file order) and per appointed group."""
    election = result.election
    total_votes = election.list_votes
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
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["abbr", "name", "votes", "seats"])
    for row in result_rows(result):
        writer.writerow([row["abbr"], row["name"], "" if row["votes"] is None else row["votes"],
                         row["seats"]])
    writer.writerow(["total", "", election_votes(result), result.total])
    return buf.getvalue()


def election_votes(result: AllocationResult) -> int:
    return result.election.list_votes


def result_table(result: AllocationResult, names: dict[str, str] | None = None) -> Table:
    title = result.chamber + (f": {result.election.name}" if result.election.name else "")
    table = Table(title=title, title_justify="left")
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
