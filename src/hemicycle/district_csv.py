"""Long-form CSV vote files with districts: one row per (district, list), read into the shape of
the JSON ``"districts"`` and checked by ``hemicycle.district_votes`` and ``hemicycle.figures``.

A CSV vote file whose header has a ``district`` column (docs/elections-data.md)::

    district,abbr,votes,seats,name
    ,PP,,,PARTIDO POPULAR              # a national row: the list's name (and tags, ...); its votes,
    ,total:invalid,227219              #   when given, must be the sum over the districts
    Madrid,PP,1210219,13               # a list in a district (seats: the official seats there)
    Madrid,total:valid,3600167         # a total of the district
    Madrid,district:seats,36           # the district's magnitude
    Madrid,district:population,6454440 # a figure of the district (what magnitudes are apportioned by)

Units inside units (regions holding districts, constituencies with candidates): a ``level`` column
names a unit's level (``district`` when empty; on one row of the unit, or on every row when two
units of different levels share the name) and a ``parent`` column the unit containing it (on any
of its rows); a ``candidate`` column makes the row a candidate of a single-member contest (the
abbr: the list it stands for; votes; seats: 1 elected, 0 not)::

    district,abbr,votes,seats,name,level,parent,candidate
    Bayern,CSU,4000000,,,state                      # a list in a state (the state's list votes)
    München-Nord,CSU,60000,1,,constituency,Bayern,Anna Muster   # a candidate in a constituency

Rows whose abbr begins with ``total:`` or ``district:`` are reserved: ``total:KEY`` (a total, of the
district or, with the district cell empty, of the nation) and ``district:seats`` /
``district:FIGURE`` (the district's own figures). Every district must give the same kinds of row: a
``district:seats`` or ``district:FIGURE`` row that only some districts give, or list rows in some
districts and not in others, is refused with a did-you-mean (a misspelt district name is a second
district, never a silent one). A (district, abbr) pair, a district's total or figure given twice is
refused with both rows named. Units are compared with the others of their level; candidate rows
count as a unit's votes. Row numbers in messages are line numbers.

This module knows the CSV cells only; the JSON-shaped record it builds is read by
``hemicycle.votes`` with the same code as a JSON file's ``"districts"``, and every message of that
reader is translated back to the line and column it came from (``Located.where``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hemicycle.election import TOTALS
from hemicycle.reading import BadValue, VoteFileError, int_from_text

DISTRICT = "district"
TOTAL_PREFIX = "total:"
OWN_PREFIX = "district:"
# Columns a row in a district may fill (the rest describe a list nationally: its national row).
DISTRICT_ROW_COLUMNS = frozenset({"district", "abbr", "votes", "seats", "name", "level", "parent", "candidate"})

Record = dict[str, str]


@dataclass
class _District:
    name: str
    line: int  # its first row
    level: tuple[str, int] | None = None  # (level, line) when a row gives it ("district" if none does)
    seats: tuple[int, int] | None = None  # (magnitude, line)
    figures: dict[str, tuple[int, int]] = field(default_factory=dict)  # figure -> (value, line)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    # abbr -> (votes, seats, name, line)
    lists: dict[str, tuple[int, int | None, str, int]] = field(default_factory=dict)
    parent: tuple[str, int] | None = None  # (the containing unit, line)
    # party -> (candidate, votes, seats, line)
    candidates: dict[str, tuple[str, int, int | None, int]] = field(default_factory=dict)


@dataclass
class Located:
    """The JSON-shaped record of a long-form CSV file and where each of its figures came from."""

    data: dict[str, Any]
    national: list[tuple[int, Record]]  # (line, record) of the national list rows, in order
    national_totals: list[tuple[int, Record]]  # (line, record) of the national total rows
    places: dict[str, tuple[int, str]]  # JSON path -> (line, column)
    first_lines: dict[str, int]  # abbr -> the line it first appears on

    def where(self, path: str | None) -> tuple[int | None, str | None]:
        """The (line, column) of a JSON path of ``data`` (its nearest enclosing known path)."""
        probe = path or ""
        while probe:
            if probe in self.places:
                return self.places[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            if cut <= 0:
                break
            probe = probe[:cut]
        return None, path


def _number(cell: str, file: str, line: int, column: str, who: str) -> int:
    if not cell:
        raise VoteFileError(file, f"{who}: missing", row=line, field=column)
    try:
        return int_from_text(cell)
    except BadValue as bad:
        raise VoteFileError(file, f"{who}: {bad.message}", row=line, field=column) from None


def read_long_form(records: list[tuple[int, Record]], file: str) -> Located:
    """The rows of a CSV file with a ``district`` column, as a JSON-shaped record (see the module
    docstring); the cells' figures are checked here, their consistency by the JSON reader."""
    districts: dict[tuple[str, str], _District] = {}
    national: list[tuple[int, Record]] = []
    national_totals: list[tuple[int, Record]] = []
    first_lines: dict[str, int] = {}
    levels = _explicit_levels(records)
    for line, record in records:
        name = record[DISTRICT]
        abbr = record["abbr"]
        if not name:
            for column in ("level", "parent", "candidate"):
                if record.get(column):
                    raise VoteFileError(file, f"a national row (district empty) has no {column}", row=line,
                                        field=column)
            (national_totals if abbr.lower().startswith(TOTAL_PREFIX) else national).append((line, record))
            if not abbr.lower().startswith(TOTAL_PREFIX) and abbr:
                first_lines.setdefault(abbr, line)
            continue
        for column, cell in record.items():
            if cell and column not in DISTRICT_ROW_COLUMNS and not column.startswith("x-"):
                only = ", ".join(sorted(DISTRICT_ROW_COLUMNS))
                raise VoteFileError(file, f"{name}: a row in a district gives only {only}; "
                                          f"give the {column} of a list in its national row (district empty)",
                                    row=line, field=column)
        level = record.get("level", "")
        if not level:
            known = levels.get(name, [])
            if len(known) > 1:
                raise VoteFileError(file, f"{name}: units of the levels {', '.join(known)} have this name: give the "
                                          "level on each of their rows", row=line, field="level")
            level = known[0] if known else ""
        unit = districts.setdefault((name, level or DISTRICT), _District(name, line))
        if level and unit.level is None:
            unit.level = (level, line)
        _parent(unit, record.get("parent", ""), file, line)
        if record.get("candidate"):
            _candidate_row(unit, abbr, record, file, line)
        else:
            _district_row(unit, abbr, record, file, line)
        if abbr and not abbr.lower().startswith((TOTAL_PREFIX, OWN_PREFIX)):
            first_lines.setdefault(abbr, line)
    if not districts:
        raise VoteFileError(file, "the file has a district column but no row names a district")
    by_level: dict[str, list[_District]] = {}
    for (_, level), unit in districts.items():
        by_level.setdefault(level, []).append(unit)
    for units in by_level.values():
        _check_alike(units, file)
    return _located(list(districts.values()), national, national_totals, first_lines)


def _explicit_levels(records: list[tuple[int, Record]]) -> dict[str, list[str]]:
    """Each unit name -> the levels its rows name, in order of first appearance."""
    out: dict[str, list[str]] = {}
    for _, record in records:
        name, level = record[DISTRICT], record.get("level", "")
        if name and level and level not in out.setdefault(name, []):
            out[name].append(level)
    return out


def _parent(unit: _District, parent: str, file: str, line: int) -> None:
    if not parent:
        return
    if unit.parent is not None and unit.parent[0] != parent:
        raise VoteFileError(file, f"{unit.name}: parent {parent!r}, but row {unit.parent[1]} gives {unit.parent[0]!r}",
                            row=line, field="parent")
    unit.parent = unit.parent or (parent, line)


def _candidate_row(unit: _District, abbr: str, record: Record, file: str, line: int) -> None:
    who = f"{unit.name}, {record['candidate']}"
    if not abbr or abbr.lower().startswith((TOTAL_PREFIX, OWN_PREFIX)):
        raise VoteFileError(file, f"{who}: a candidate row needs the abbr of the list the candidate stands for",
                            row=line, field="abbr")
    if record.get("name"):
        raise VoteFileError(file, f"{who}: a candidate row names the candidate in its candidate column only",
                            row=line, field="name")
    if abbr in unit.candidates:
        raise VoteFileError(file, f"{unit.name}: two candidates stand for {abbr}: rows {unit.candidates[abbr][3]} "
                                  f"and {line}", row=line, field="abbr")
    votes = _number(record["votes"], file, line, "votes", who)
    seats = None if not record.get("seats") else _number(record["seats"], file, line, "seats", who)
    unit.candidates[abbr] = (record["candidate"], votes, seats, line)


def _district_row(unit: _District, abbr: str, record: Record, file: str, line: int) -> None:
    who = f"{unit.name}, {abbr}"
    low = abbr.lower()
    if not abbr:
        raise VoteFileError(file, f"{unit.name}: empty: every row in a district needs an abbr", row=line, field="abbr")
    if low.startswith(TOTAL_PREFIX) or low.startswith(OWN_PREFIX):
        for column in ("seats", "name"):
            if record.get(column):
                raise VoteFileError(file, f"{who}: this row gives a figure of the district in its votes column only",
                                    row=line, field=column)
        value = _number(record["votes"], file, line, "votes", who)
        key = abbr.split(":", 1)[1].strip()
        if low.startswith(TOTAL_PREFIX):
            if key not in TOTALS:
                raise VoteFileError(file, f'{unit.name}: unknown total "{key}"; known: {", ".join(TOTALS)}',
                                    row=line, field="abbr")
            _once(unit.totals, key, (value, line), file, line, f"{unit.name}: total {key}")
        elif key == "seats":
            if unit.seats is not None:
                raise VoteFileError(file, f"{unit.name}: its seats are given twice: rows {unit.seats[1]} and {line}",
                                    row=line, field="abbr")
            unit.seats = (value, line)
        elif not key:
            raise VoteFileError(file, f'{unit.name}: "{abbr}" names no figure (district:seats, '
                                      'district:population, ...)', row=line, field="abbr")
        else:
            _once(unit.figures, key, (value, line), file, line, f"{unit.name}: figure {key}")
        return
    if abbr in unit.lists:
        raise VoteFileError(file, f"{unit.name}: {abbr} appears twice: rows {unit.lists[abbr][3]} and {line}",
                            row=line, field="abbr")
    votes = _number(record["votes"], file, line, "votes", who)
    seats = None if not record.get("seats") else _number(record["seats"], file, line, "seats", who)
    unit.lists[abbr] = (votes, seats, record.get("name", ""), line)


def _once(table: dict[str, tuple[int, int]], key: str, value: tuple[int, int], file: str, line: int,
          what: str) -> None:
    if key in table:
        raise VoteFileError(file, f"{what} is given twice: rows {table[key][1]} and {line}", row=line, field="abbr")
    table[key] = value


def _check_alike(units: list[_District], file: str) -> None:
    """Every district gives the same kinds of row: a district that lacks what the others give is
    most likely a misspelt name (a second district), and is refused."""
    kinds: list[tuple[str, Callable[[_District], bool]]] = [
        ("list or candidate rows (its votes)", lambda u: bool(u.lists or u.candidates)),
        ("a district:seats row (its magnitude)", lambda u: u.seats is not None),
    ]
    for figure in sorted({k for u in units for k in u.figures}):
        kinds.append((f"a district:{figure} row", lambda u, f=figure: f in u.figures))  # type: ignore[misc]
    for what, has in kinds:
        having = [u for u in units if has(u)]
        if having and len(having) < len(units):
            lacking = next(u for u in units if not has(u))
            close = difflib.get_close_matches(lacking.name, [u.name for u in having], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise VoteFileError(file, f"{lacking.name}: {len(having)} of the {len(units)} districts give {what}, "
                                      f"but not this one{hint}", row=lacking.line, field=DISTRICT)


def _located(units: list[_District], national: list[tuple[int, Record]], national_totals: list[tuple[int, Record]],
             first_lines: dict[str, int]) -> Located:
    places: dict[str, tuple[int, str]] = {}
    out: list[dict[str, Any]] = []
    for i, u in enumerate(units, start=1):
        at = f"districts[{i}]"
        places[at] = (u.line, DISTRICT)
        places[f"{at}.parties"] = (u.line, DISTRICT)
        record: dict[str, Any] = {"name": u.name}
        if u.level is not None:
            record["level"] = u.level[0]
            places[f"{at}.level"] = (u.level[1], "level")
        if u.parent is not None:
            record["parent"] = u.parent[0]
            places[f"{at}.parent"] = (u.parent[1], "parent")
        if u.candidates:
            record["candidates"] = []
            for j, (party, (who, votes, seats, line)) in enumerate(u.candidates.items(), start=1):
                entry = {"name": who, "party": party, "votes": votes, **({"seats": seats} if seats is not None else {})}
                record["candidates"].append(entry)
                for key, column in (("", "candidate"), (".name", "candidate"), (".party", "abbr"),
                                    (".votes", "votes"), (".seats", "seats")):
                    places[f"{at}.candidates[{j}]{key}"] = (line, column)
        if u.seats is not None:
            record["seats"] = u.seats[0]
            places[f"{at}.seats"] = (u.seats[1], "votes")
        if u.figures:
            record["figures"] = {k: v for k, (v, _) in u.figures.items()}
            places.update({f"{at}.figures.{k}": (n, "votes") for k, (_, n) in u.figures.items()})
        if u.totals:
            record["totals"] = {k: v for k, (v, _) in u.totals.items()}
            places.update({f"{at}.totals.{k}": (n, "votes") for k, (_, n) in u.totals.items()})
        if u.lists:
            parties = []
            for j, (abbr, (votes, seats, name, line)) in enumerate(u.lists.items(), start=1):
                entry: dict[str, Any] = {"abbr": abbr, "votes": votes}
                if seats is not None:
                    entry["seats"] = seats
                if name:
                    entry["name"] = name
                parties.append(entry)
                for key in ("", ".abbr", ".votes", ".seats", ".name"):
                    places[f"{at}.parties[{j}]{key}"] = (line, key.lstrip(".") or "abbr")
            record["parties"] = parties
        out.append(record)
    data: dict[str, Any] = {"districts": out}
    return Located(data, national, national_totals, places, first_lines)


# --- writing ---------------------------------------------------------------------------------------

HEADER = ("district", "abbr", "votes", "seats", "name", "tags", "coalition_size", "level")


def long_form_rows(election: Any, official: Any = None) -> list[list[str | int | None]]:
    """The rows (header first) of a long-form CSV file for ``election`` (a ``hemicycle.election.Election``
    with units); ``official``: the ``VoteFile.official_units`` to write as seats. Reading them back
    (``hemicycle.votes``) gives the same lists, totals and units. The columns ``parent`` and
    ``candidate`` are written when a unit has a parent or candidates."""
    nested = any(u.parent is not None for u in election.units)
    contests = any(u.candidates for u in election.units)
    header = [*HEADER, *(["parent"] if nested else []), *(["candidate"] if contests else [])]
    seats = {(level, unit, abbr): n for level, unit, abbr, n in (official or ()) if abbr is not None}
    rows: list[list[str | int | None]] = [header]
    width = len(header)

    def row(*cells: str | int | None, **named: str | int | None) -> list[str | int | None]:
        out = [*cells, *[None] * (width - len(cells))]
        for key, value in named.items():
            out[header.index(key)] = value
        return out

    for e in election.lists:
        tags = e.tags - _SIZE_TAGS if (e.coalition_size or 1) >= 2 else e.tags  # coalition_size gives them
        rows.append(row("", e.abbr, e.votes, None, e.name or None, ";".join(sorted(tags)) or None, e.coalition_size))
    for key, value in election.totals.items():
        rows.append(row("", TOTAL_PREFIX + key, value))
    names: dict[str, int] = {}
    for u in election.units:
        names[u.name] = names.get(u.name, 0) + 1
    for u in election.units:
        if getattr(u, "winner", None) is not None:
            raise ValueError(f"{u.level} {u.name!r} gives its winner (winners given): a long-form CSV row cannot; "
                             "write JSON")
        unit_rows = _unit_rows(u, row, seats)
        if not unit_rows:
            raise ValueError(f"{u.level} {u.name!r} has no figure a long-form CSV row could give; write JSON")
        level = u.level if u.level != DISTRICT or names[u.name] > 1 else None
        for k, r in enumerate(unit_rows):
            if level is not None and (k == 0 or names[u.name] > 1):
                r[header.index("level")] = level
        if u.parent is not None:
            unit_rows[0][header.index("parent")] = u.parent
        rows.extend(unit_rows)
    return rows


def _unit_rows(u: Any, row: Callable[..., list[str | int | None]],
               seats: dict[tuple[str, str, str], int]) -> list[list[str | int | None]]:
    out: list[list[str | int | None]] = []
    if u.seats is not None:
        out.append(row(u.name, OWN_PREFIX + "seats", u.seats))
    out.extend(row(u.name, OWN_PREFIX + k, v) for k, v in u.figures.items())
    out.extend(row(u.name, TOTAL_PREFIX + k, v) for k, v in u.totals.items())
    out.extend(row(u.name, a, v, seats.get((u.level, u.name, a))) for a, v in u.votes.items())
    out.extend(row(u.name, c.party, c.votes, seats.get((u.level, u.name, c.party)), candidate=c.name)
               for c in u.candidates)
    return out


_SIZE_TAGS = frozenset({"coalition", "coalition_2_3", "coalition_4_plus"})
