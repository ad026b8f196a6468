"""What the page asks for, computed with the Python API and the CLI's own functions, as plain
JSON-ready dicts (so that they can run in a worker process and cross a pipe).

No function here allocates, parses or verifies by itself: rule text goes through
``hemicycle.loads``, votes through the CLI's reader (``inputs``), diagnostics through the language
server's ``diagnostics`` (the same as ``hemicycle check``), seats through ``Rules.allocate`` (via
``hemicycle.compare``, which also gives the indices), pictures through ``hemicycle.pictures``
and ``hemicycle.html``, properties through ``hemicycle.verify.verify``.

Expected failures (bad rules, bad votes, rules that cannot be applied to the votes) are returned
as messages, in the words the CLI uses; anything else is a bug and is left to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hemicycle.api import Rules, bundled_elections, bundled_rules
from hemicycle.compare import compare
from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.html import arch_for, comparison_html
from hemicycle.interpreter import AllocationError, AllocationResult
from hemicycle.numbers import fmt_int
from hemicycle.reports import district_csv, district_tables, result_csv, result_json_text, result_rows
from hemicycle.version import __version__
from hemicycle.votes import VoteFile, VoteFileError
from hemicycle.web.inputs import (
    MAX_RULES_BYTES,
    MAX_UPLOAD_BYTES,
    InputError,
    VoteSource,
    parse_rules,
    table_position,
)

# --- the catalogue: what the page offers ------------------------------------------------------------


def catalogue() -> dict[str, Any]:
    """Bundled rule files and elections, the verifier's properties, the highlighting grammar."""
    from hemicycle.editor.textmate import textmate_grammar
    from hemicycle.election import TOTALS
    from hemicycle.reproduce import bundled_cases
    from hemicycle.verify import CATALOGUE

    return {
        "version": __version__,
        "rules": bundled_rules(),
        "elections": bundled_elections(),
        "pairs": {case.election: case.rules for case in bundled_cases()},  # election -> its rule file
        "properties": [{"name": p.name, "definition": p.definition, "citation": p.citation}
                       for p in CATALOGUE.values()],
        "grammar": [{"scope": p["name"], "match": p["match"]} for p in textmate_grammar()["patterns"]],
        "totals": list(TOTALS),
        "limits": {"rules_bytes": MAX_RULES_BYTES, "upload_bytes": MAX_UPLOAD_BYTES},
    }


# --- diagnostics, completions, hovers: the language server's functions --------------------------------


def _diagnostic_json(d: Diagnostic, source: str) -> dict[str, Any]:
    s = d.span
    return {"severity": d.severity, "line": s.line, "col": s.col, "end_line": s.end_line, "end_col": s.end_col,
            "message": d.message, "hint": d.hint, "expected": list(d.expected), "text": d.render(source)}


def check_report(text: str, file: str) -> dict[str, Any]:
    """What ``hemicycle check FILE`` prints for this text, and each diagnostic with its span."""
    from hemicycle.editor.lsp import diagnostics

    found = diagnostics(text, file)
    errors = [d for d in found if d.severity == "error"]
    warnings = [d for d in found if d.severity == "warning"]
    lines = [d.render(text) for d in found]
    if not errors:
        lines.append(f"{file}: ok ({len(warnings)} warning(s))")
    return {"file": file, "ok": not errors, "diagnostics": [_diagnostic_json(d, text) for d in found],
            "text": "\n".join(lines)}


def completion_items(text: str, line: int, character: int) -> list[dict[str, str]]:
    from hemicycle.editor.lsp import completions

    return [{"label": c.label, "kind": c.kind} for c in completions(text, line, character)]


def hover_markdown(text: str, line: int, character: int) -> str | None:
    from hemicycle.editor.lsp import hover_text

    return hover_text(text, line, character)


# --- allocation ---------------------------------------------------------------------------------------


def _node_line(node: Any) -> int | None:
    span = getattr(node, "span", None)
    return span.line if span is not None and span.line else None


def votes_error(e: VoteFileError | InputError, source: VoteSource) -> dict[str, Any]:
    out: dict[str, Any] = {"message": str(e)}
    if isinstance(e, VoteFileError):
        out |= {"row": e.row, "field": e.field}
        if source.kind == "table":
            out["table"] = table_position(e.row, e.field, source.districts)
    return out


def _read_votes(source: VoteSource, rules: Sequence[Rules]) -> tuple[VoteFile | None, dict[str, Any] | None]:
    try:
        return source.read([r.model for r in rules]), None
    except (VoteFileError, InputError) as e:
        return None, votes_error(e, source)


def _parse(text: str, file: str) -> tuple[Rules | None, str | None]:
    try:
        return parse_rules(text, file), None
    except RuleError as e:
        return None, e.render()
    except InputError as e:
        return None, str(e)


def _table_of(vote_file: VoteFile) -> dict[str, Any]:
    """The votes as the page's table (to edit them there): with districts, a list's national
    votes are left to be the sum of its votes there (so that editing a district's votes needs
    nothing else)."""
    election = vote_file.election
    units = election.units
    return {"rows": [[e.abbr, e.name, "" if units else str(e.votes), ";".join(sorted(e.tags))]
                     for e in election.lists],
            "totals": {k: str(v) for k, v in election.totals.items()  # those the districts do not add up to
                       if not units or not all(k in u.totals for u in units)},
            "districts": [{"name": u.name, "level": u.level, "parent": u.parent or "",
                           "seats": "" if u.seats is None else str(u.seats),
                           "figures": {k: str(v) for k, v in u.figures.items()},
                           "totals": {k: str(v) for k, v in u.totals.items()},
                           "votes": {k: str(v) for k, v in u.votes.items()}} for u in units]}


def _steps(steps: Sequence[Any]) -> list[dict[str, Any]]:
    return [{"text": s.text, "line": _node_line(s.clause), "citation": getattr(s.clause, "citation", None)}
            for s in steps]


def _protocol(result: AllocationResult) -> list[dict[str, Any]]:
    """The steps as ``--explain`` numbers them, each with the line of its clause: the levels'
    magnitudes first, then each tier, with its steps in each district (``parts``), as
    ``--explain`` prints them (``--district NAME`` gives one of them)."""
    levels = [{"name": level.label.capitalize(), "size": level.seats, "kind": "level",
               "units": len(level.magnitudes), "steps": _steps(level.steps), "parts": []}
              for level in result.levels]
    tiers = [{"name": t.name, "size": t.size, "kind": "tier", "level": t.level, "steps": _steps(t.steps),
              "parts": [{"district": part.district, "size": part.size, "steps": _steps(part.steps)}
                        for part in t.parts]}
             for t in result.tiers]
    return levels + tiers


def _district_table(result: AllocationResult) -> dict[str, Any] | None:
    """``hemicycle allocate --districts``'s table (``reports.district_tables``), as cells."""
    if not result.districts:
        return None
    table = district_tables(result)[0]
    return {"columns": [{"header": c.header, "align": c.align} for c in table.columns],
            "rows": table.rows, "totals": table.totals}


def levels_form(rules: Rules) -> list[dict[str, Any]]:
    """What a typed table must give for the rules' districts, level by level: each unit's seats
    when the rules take its magnitude from the votes (no ``apportion``), the figure it is
    apportioned by when that is the vote file's (``population``), the units fixed in the rules."""
    out = []
    for level in rules.model.levels:
        apportion = level.apportion
        out.append({"name": level.name, "seats": level.seats, "seats_from_votes": apportion is None,
                    "figure": apportion.figure if apportion is not None and apportion.base is None else None,
                    "fixed": [f.unit for f in level.fixed]})
    return out


def _rows(result: AllocationResult) -> list[dict[str, Any]]:
    """The rows of ``hemicycle allocate``'s table, in its order."""
    rows = result_rows(result)
    rows.sort(key=lambda r: (-r["seats"], -(r["votes"] or 0)))
    for row in rows:  # figures as text: JSON numbers in a browser stop being exact past 2^53
        row["votes"] = None if row["votes"] is None else fmt_int(row["votes"])
    return rows


def allocation(text: str, file: str, source: VoteSource) -> dict[str, Any]:
    """Seats, protocol, arch and downloads for the editor's rules and the chosen votes; the
    problems with the rules, the votes or their combination, each on its own."""
    rules, rules_error = _parse(text, file)
    vote_file, error = _read_votes(source, [rules] if rules else [])
    out: dict[str, Any] = {"rules_error": rules_error, "votes_error": error, "votes_name": source.name}
    if rules is not None:
        out["levels"] = levels_form(rules)
    if vote_file is not None:
        out["votes_table"] = _table_of(vote_file)
        out["lists"] = len(vote_file.election.lists)
    if rules is None or vote_file is None:
        return out
    try:
        system = compare([rules], vote_file.election).systems[0]
    except AllocationError as e:
        out["allocation_error"] = {"message": str(e), "line": _node_line(e.node)}
        return out
    result = system.result
    json_text = result_json_text(result)
    out["result"] = {
        "chamber": result.chamber, "election": result.election.name, "total": result.total,
        "votes_total": fmt_int(result.election.list_votes),
        "rows": _rows(result), "ties": [t.describe() for t in result.ties], "notes": result.notes,
        "indices": system.indices.to_json(), "protocol": _protocol(result), "arch": arch_for(system),
        "districts": result.to_json().get("districts"), "district_table": _district_table(result),
        "downloads": {"json": json_text, "csv": result_csv(result), "protocol": result.explain(),
                      **({"districts_csv": district_csv(result)} if result.districts else {})},
    }
    return out


# --- comparison ---------------------------------------------------------------------------------------


def comparison(systems: Sequence[tuple[str, str]], source: VoteSource, curve: str | None = None) -> dict[str, Any]:
    """Systems side by side on the same votes (``hemicycle compare ... --margins [--curve]``):
    the report as the self-contained HTML page that ``--html`` writes, and each arch as SVG."""
    from hemicycle.derived import units_matter, vote_units
    from hemicycle.district_margins import closed_form_covers
    from hemicycle.whatif import WhatIfError, seat_margins, seat_vote_curve

    parsed = []
    for text, file in systems:
        rules, error = _parse(text, file)
        if rules is None:
            return {"error": f"{file}: the rules do not parse; fix them first:\n{error}"}
        parsed.append(rules)
    vote_file, error = _read_votes(source, parsed)
    if vote_file is None:
        return {"error": (error or {}).get("message", "no votes")}
    election = vote_file.election
    try:
        result = compare(parsed, election)
    except AllocationError as e:
        return {"error": str(e)}
    notes: list[str] = []
    margins, curves = {}, []
    try:  # margins in districts the closed form does not cover take long: the command line gives them
        heavy = ([s.label for s in result.systems if units_matter(s.rules.model)
                  and not closed_form_covers(s.rules.model, election)] if vote_units(election) else [])
        if heavy:
            notes.append(f"margins of {', '.join(heavy)}: the votes each list needs in each district are found by a "
                         "search under these rules, which takes long: `hemicycle compare RULES --votes VOTES "
                         "--margins` gives them")
        margins = {s.label: seat_margins(s.rules, election) for s in result.systems if s.label not in heavy}
    except WhatIfError as e:
        notes.append(f"margins: {e}")
    except AllocationError as e:
        return {"error": str(e)}
    try:  # so does a curve in every district
        slow = list(parsed) if curve and vote_units(election) else []
        if slow:
            notes.append("seat-vote curve: the votes are given in districts, and the curve takes long to find: "
                         f"`hemicycle compare RULES --votes VOTES --curve {curve}` gives it")
        curves = [seat_vote_curve(r, election, curve) for r in parsed if r not in slow] if curve else []
    except WhatIfError as e:
        notes.append(f"seat-vote curve: {e}")
    except AllocationError as e:
        return {"error": str(e)}
    return {
        "notes": notes,
        "html": comparison_html(result, curves=curves, margins=margins),
        "csv": result.csv(),
        "arches": [{"label": s.label, "file": Path(s.path).stem, "svg": arch_for(s)} for s in result.systems],
        "lists": [e.abbr for e in election.lists],
    }


# --- verification -------------------------------------------------------------------------------------


def _clause_place(clause: str | None, file: str) -> tuple[int | None, str | None]:
    """The line and citation in a verdict's clause, ``"threshold (FILE:14 [art. 97-1 p.1])"``."""
    found = re.search(re.escape(file) + r":(\d+)(?: \[([^\]]*)\])?", clause or "")
    return (int(found.group(1)), found.group(2)) if found else (None, None)


def verification(text: str, file: str, name: str, parties: int, timeout: float,
                 max_votes: int | None) -> dict[str, Any]:
    """One property, as ``hemicycle verify RULES --property NAME --format json`` reports it (one
    result per tier), each with the line of the clause responsible."""
    from hemicycle import verify as v

    rules, error = _parse(text, file)
    if rules is None:
        return {"error": f"the rules do not parse; fix them first:\n{error}"}
    try:
        results = v.verify(rules.model, [name], parties=parties, timeout=timeout, max_votes=max_votes)
    except v.EncodingMismatch as e:
        return {"error": f"internal error: the Z3 encoding and the interpreter disagree, so no result is "
                         f"shown: {e}\nThis is a bug in hemicycle; please report it."}
    except v.VerifyError as e:
        return {"error": f"error: {e}"}
    out = []
    for r in results:
        j = r.to_json()
        j["line"], j["clause_citation"] = _clause_place(r.clause, rules.path)
        out.append(j)
    return {"results": out}
