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

Rows whose abbr contains ``:`` are reserved: ``total:KEY`` (a total, of the district or, with the
district cell empty, of the nation) and ``district:seats`` / ``district:FIGURE`` (the district's own
figures). Every district must give the same kinds of row: a ``district:seats`` or
``district:FIGURE`` row that only some districts give, or list rows in some districts and not in
others, is refused with a did-you-mean (a misspelt district name is a second district, never a
silent one). A (district, abbr) pair, a district's total or figure given twice is refused with
both rows named. Row numbers in messages are line numbers.

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
DISTRICT_ROW_COLUMNS = frozenset({"district", "abbr", "votes", "seats", "name", "level"})

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
    districts: dict[str, _District] = {}
    national: list[tuple[int, Record]] = []
    national_totals: list[tuple[int, Record]] = []
    first_lines: dict[str, int] = {}
    for line, record in records:
        name = record[DISTRICT]
        abbr = record["abbr"]
        if not name:
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
        unit = districts.setdefault(name, _District(name, line))
        level = record.get("level", "")
        if level and unit.level is None:
            unit.level = (level, line)
        elif level and unit.level is not None and level != unit.level[0]:
            raise VoteFileError(file, f"{name}: level {level!r}, but row {unit.level[1]} gives {unit.level[0]!r}",
                                row=line, field="level")
        _district_row(unit, abbr, record, file, line)
        if abbr and ":" not in abbr:
            first_lines.setdefault(abbr, line)
    if not districts:
        raise VoteFileError(file, "the file has a district column but no row names a district")
    _check_alike(list(districts.values()), file)
    return _located(list(districts.values()), national, national_totals, first_lines)


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
    if ":" in abbr:
        raise VoteFileError(file, f'{unit.name}: "{abbr}": an abbr with ":" is reserved (total:KEY, district:seats, '
                                  "district:FIGURE); quote nothing, rename the list", row=line, field="abbr")
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
        ("list rows (its votes)", lambda u: bool(u.lists)),
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
    with districts of one level); ``official``: the ``VoteFile.official_units`` to write as seats.
    Reading them back (``hemicycle.votes``) gives the same lists, totals and districts."""
    levels = {u.level for u in election.units}
    if len(levels) > 1 or any(u.parent is not None for u in election.units):
        raise ValueError("a long-form CSV file holds districts of one level, without parents; write JSON")
    if any(getattr(u, "candidate_votes", None) for u in election.units):
        raise ValueError("a long-form CSV file holds lists' votes, not single-member contests; write JSON")
    seats = {(unit, abbr): n for _, unit, abbr, n in (official or ()) if abbr is not None}
    rows: list[list[str | int | None]] = [list(HEADER)]
    for e in election.lists:
        tags = e.tags - _SIZE_TAGS if (e.coalition_size or 1) >= 2 else e.tags  # coalition_size gives them
        rows.append(["", e.abbr, e.votes, None, e.name or None, ";".join(sorted(tags)) or None, e.coalition_size,
                     None])
    for key, value in election.totals.items():
        rows.append(["", TOTAL_PREFIX + key, value, None, None, None, None, None])
    for u in election.units:
        unit_rows: list[list[str | int | None]] = []
        if u.seats is not None:
            unit_rows.append([u.name, OWN_PREFIX + "seats", u.seats, None, None, None, None, None])
        unit_rows.extend([u.name, OWN_PREFIX + k, v, None, None, None, None, None] for k, v in u.figures.items())
        unit_rows.extend([u.name, TOTAL_PREFIX + k, v, None, None, None, None, None] for k, v in u.totals.items())
        unit_rows.extend([u.name, a, v, seats.get((u.name, a)), None, None, None, None] for a, v in u.votes.items())
        if u.level != DISTRICT and unit_rows:
            unit_rows[0][-1] = u.level
        rows.extend(unit_rows)
    return rows


_SIZE_TAGS = frozenset({"coalition", "coalition_2_3", "coalition_4_plus"})
