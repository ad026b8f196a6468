"""Vote files with districts: the ``"districts"`` of a JSON vote file, read into ``Unit`` objects.

The shape (it extends the national one; see docs/elections-data.md)::

    {"election": "...", "seats": 350,
     "parties": [{"abbr": "PP", "name": "...", "seats": 123, "tags": [...]}],     # "votes" optional
     "totals": {"valid": ..., "blank": ..., "invalid": ...},                     # optional where derivable
     "districts": [{"name": "Madrid", "level": "district", "parent": null, "seats": 37,
                    "figures": {"population": 6507184},
                    "totals": {"valid": ..., "blank": ..., "invalid": ...},
                    "parties": [{"abbr": "PP", "votes": 1234, "seats": 15}],      # "seats": official
                    "districts": [...]}]}                                        # units inside this one

* ``level`` defaults to ``"district"``; a unit is named uniquely within its level. ``parent``
  names the unit (of another level) that contains it; units written inside a unit's own
  ``"districts"`` are contained in it.
* A list absent from a unit did not stand there. A list's national votes are the sum of its votes
  in the units that carry votes (the finest level); when the national entry gives ``votes`` too,
  they must agree. National totals the file does not give are the sums of the units' totals
  (when every unit gives them); given ones must agree with those sums.
* A unit's ``seats`` is its magnitude (an input the rules check); a list's ``seats`` in a unit
  is the official result there (``null``: not official), read only by ``hemicycle reproduce``.
* A single-member contest (a constituency) gives ``"candidates"`` (name, party, votes; ``seats``
  1 or 0: official) instead of its lists' votes, or ``"winner": {"name", "party"}`` (with or
  without its candidates: then one of them) for the rules' ``winners given``.
* Nothing is dropped: an unknown key, a unit named twice, a list named twice in one unit, a list
  not among the national ones, a negative or non-integer figure is refused with the unit and the
  field named. (Each unit's figures are then checked against each other like the national ones,
  by ``hemicycle.figures``.)

This module reads already-parsed JSON (``hemicycle.votes`` calls ``read_districts``) and knows
nothing of vote-file errors: it raises ``DistrictError(message, field)``, which the caller reports
with the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hemicycle.election import TOTALS, Candidate, Unit, Winner

UNIT_KEYS = frozenset({"name", "level", "parent", "seats", "figures", "totals", "parties", "districts",
                       "candidates", "winner"})
WINNER_KEYS = frozenset({"name", "party"})
PARTY_KEYS = frozenset({"abbr", "votes", "seats", "name"})
CANDIDATE_KEYS = frozenset({"name", "party", "votes", "seats"})
MAX_DEPTH = 8  # units inside units


class DistrictError(Exception):
    """A problem with the districts of a vote file: the message names the unit, ``field`` the place."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Districts:
    """What the ``"districts"`` of a file say."""

    units: tuple[Unit, ...]
    votes: dict[str, int]  # abbr -> national votes (the sums of the units that carry votes)
    names: dict[str, str] = field(default_factory=dict)  # abbr -> name, as a unit first gives it
    totals: dict[str, int] = field(default_factory=dict)  # national totals that are the units' sums
    official: dict[tuple[str, str], dict[str, int | None]] = field(default_factory=dict)  # (level, unit) -> seats
    paths: dict[tuple[str, str], str] = field(default_factory=dict)  # (level, unit) -> its place in the file


    def official_figures(self) -> list[tuple[str, str, str | None, int]]:
        """(level, unit, list, seats) for every official seat figure of a list in a unit, and
        (level, unit, None, magnitude) for a unit without lists that gives its seats (an
        apportionment's result), in file order."""
        out: list[tuple[str, str, str | None, int]] = []
        for u in self.units:
            seats = self.official.get((u.level, u.name), {})
            if seats:
                out.extend((u.level, u.name, a, n) for a, n in seats.items() if n is not None)
            elif not u.votes and not u.candidates and u.seats is not None:
                out.append((u.level, u.name, None, u.seats))
        return out


Number = Callable[[object], int]  # a JSON value as a non-negative integer, or ValueError with the reason


def _obj(value: object, where: str, what: str = "an object") -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DistrictError(f"expected {what}", where)
    dups = getattr(value, "duplicates", None)
    if dups:
        raise DistrictError(f'the key "{dups[0]}" appears twice', where)
    return value


def _num(number: Number, value: object, where: str, label: str) -> int:
    try:
        return number(value)
    except ValueError as exc:
        raise DistrictError(f"{label}: {exc}", where) from None


def _text(value: object, where: str, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DistrictError(f"{label}: expected a name (a non-empty string)", where)
    return value.strip()


def read_districts(data: Mapping[str, Any], number: Number) -> Districts:
    """The units of ``data["districts"]`` and the national figures they add up to."""
    raw = data.get("districts")
    if not isinstance(raw, list) or not raw:
        raise DistrictError("expected a non-empty array of districts", "districts")
    national = _national_abbrs(data)
    units: list[Unit] = []
    official: dict[tuple[str, str], dict[str, int | None]] = {}
    paths: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()

    def walk(items: list[Any], prefix: str, parent: Unit | None, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise DistrictError(f"units are nested more than {MAX_DEPTH} deep", prefix)
        for k, item in enumerate(items):
            where = f"{prefix}[{k + 1}]"
            unit, seats, children = _unit(item, where, parent, national, names, number)
            key = (unit.level, unit.name)
            if key in seen:
                raise DistrictError(f"{unit.name}: a second unit of level {unit.level!r} with this name", where)
            seen.add(key)
            units.append(unit)
            official[key] = seats
            paths[key] = where
            if children is not None:
                walk(children, f"{where}.districts", unit, depth + 1)

    walk(raw, "districts", None, 1)
    _check_parents(units)
    votes, totals = _national_sums(units)
    return Districts(units=tuple(units), votes=votes, names=names, totals=totals, official=official, paths=paths)


def _national_abbrs(data: Mapping[str, Any]) -> set[str] | None:
    """The abbrs of the national entries, if the file gives them (else any abbr may appear)."""
    parties = data.get("parties")
    if not isinstance(parties, list):
        return None
    return {p["abbr"].strip() for p in parties if isinstance(p, dict) and isinstance(p.get("abbr"), str)}


def _unit(item: object, where: str, parent: Unit | None, national: set[str] | None, names: dict[str, str],
          number: Number) -> tuple[Unit, dict[str, int | None], list[Any] | None]:
    obj = _obj(item, where, "a district (an object)")
    unknown = sorted(set(obj) - UNIT_KEYS)
    if unknown:
        raise DistrictError(f'unknown key "{unknown[0]}" (a district has: {", ".join(sorted(UNIT_KEYS))})', where)
    name = _text(obj.get("name"), f"{where}.name", "a district needs its name")
    level = _text(obj.get("level", "district"), f"{where}.level", name)
    up = obj.get("parent")
    if parent is not None:
        if up is not None and up != parent.name:
            raise DistrictError(f"{name}: written inside {parent.name}, but its parent is {up!r}", f"{where}.parent")
        up = parent.name
    elif up is not None:
        up = _text(up, f"{where}.parent", name)
    seats = None if obj.get("seats") is None else _num(number, obj["seats"], f"{where}.seats", name)
    figures = _figures(obj.get("figures"), f"{where}.figures", name, number)
    totals = _totals(obj.get("totals"), f"{where}.totals", name, number)
    votes, official = _parties(obj.get("parties"), f"{where}.parties", name, national, names, number)
    candidates: tuple[Candidate, ...] = ()
    if obj.get("candidates") is not None:
        if votes:
            raise DistrictError(f"{name}: a unit gives the votes of its lists or its candidates, not both",
                                f"{where}.candidates")
        candidates, official = _candidates(obj["candidates"], f"{where}.candidates", name, national, number)
    winner = None
    if obj.get("winner") is not None:
        if votes:
            raise DistrictError(f"{name}: a unit gives the votes of its lists or a single-member contest's winner, "
                                "not both", f"{where}.winner")
        winner = _winner(obj["winner"], f"{where}.winner", name, national, candidates, official)
        official = {c.party: int(c.party == winner.party) for c in candidates} or {winner.party: 1}
    children = obj.get("districts")
    if children is not None and not isinstance(children, list):
        raise DistrictError(f"{name}: expected an array of the units inside it", f"{where}.districts")
    unit = Unit(name=name, level=level, parent=up, seats=seats, totals=totals, figures=figures, votes=votes,
                candidates=candidates, winner=winner)
    return unit, official, children


def _winner(value: object, where: str, name: str, national: set[str] | None, candidates: tuple[Candidate, ...],
            official: dict[str, int | None]) -> Winner:
    """The given winner of a single-member contest: its name and party; one of the candidates
    there when the unit gives them (and the one whose official ``seats`` is 1, if they say)."""
    obj = _obj(value, where, "the winner (an object with its name and party)")
    unknown = sorted(set(obj) - WINNER_KEYS)
    if unknown:
        raise DistrictError(f'{name}: unknown key "{unknown[0]}" (a winner has: name, party)', where)
    who = _text(obj.get("name"), f"{where}.name", f"{name}: the winner needs a name")
    party = _text(obj.get("party"), f"{where}.party", f"{name}, {who}: the party (a list's abbr)")
    if national is not None and party not in national:
        raise DistrictError(f"{name}: the winner {who} stands for {party}, which is not one of the file's parties",
                            f"{where}.party")
    if candidates:
        if not any(c.name == who and c.party == party for c in candidates):
            raise DistrictError(f"{name}: the winner {who} ({party}) is not one of the candidates there", where)
        elected = [a for a, n in official.items() if n == 1]
        if elected and elected != [party]:
            raise DistrictError(f"{name}: the winner is {who} ({party}), but the candidates' seats say "
                                f"{elected[0]}", where)
    return Winner(name=who, party=party)


def _figures(value: object, where: str, name: str, number: Number) -> dict[str, int]:
    if value is None:
        return {}
    obj = _obj(value, where)
    return {k: _num(number, v, f"{where}.{k}", name) for k, v in obj.items() if v is not None}


def _totals(value: object, where: str, name: str, number: Number) -> dict[str, int]:
    if value is None:
        return {}
    obj = _obj(value, where)
    out: dict[str, int] = {}
    for key, v in obj.items():
        if key not in TOTALS:
            raise DistrictError(f'{name}: unknown total "{key}"; known: {", ".join(TOTALS)}', f"{where}.{key}")
        if v is not None:
            out[key] = _num(number, v, f"{where}.{key}", name)
    return out


def _parties(value: object, where: str, name: str, national: set[str] | None, names: dict[str, str],
             number: Number) -> tuple[dict[str, int], dict[str, int | None]]:
    if value is None:
        return {}, {}
    if not isinstance(value, list):
        raise DistrictError(f"{name}: expected an array of the lists that stood there", where)
    votes: dict[str, int] = {}
    official: dict[str, int | None] = {}
    for k, item in enumerate(value):
        at = f"{where}[{k + 1}]"
        obj = _obj(item, at, "a list (an object)")
        unknown = sorted(set(obj) - PARTY_KEYS)
        if unknown:
            raise DistrictError(f'{name}: unknown key "{unknown[0]}" (a district\'s list has: '
                                f'{", ".join(sorted(PARTY_KEYS))})', at)
        abbr = _text(obj.get("abbr"), f"{at}.abbr", f"{name}: a list needs its abbr")
        if abbr in votes:
            raise DistrictError(f"{name}: {abbr} appears twice", f"{at}.abbr")
        if national is not None and abbr not in national:
            raise DistrictError(f"{name}: {abbr} is not one of the file's parties", f"{at}.abbr")
        if obj.get("votes") is None:
            raise DistrictError(f"{name}: the votes of {abbr} are missing", f"{at}.votes")
        votes[abbr] = _num(number, obj["votes"], f"{at}.votes", f"{name}, {abbr}")
        seats = obj.get("seats")
        official[abbr] = None if seats is None else _num(number, seats, f"{at}.seats", f"{name}, {abbr}")
        list_name = obj.get("name")
        if isinstance(list_name, str) and list_name.strip():
            names.setdefault(abbr, list_name.strip())
    return votes, official


def _candidates(value: object, where: str, name: str, national: set[str] | None,
                number: Number) -> tuple[tuple[Candidate, ...], dict[str, int | None]]:
    """The candidates of a single-member contest: name, party (a list's abbr), votes; ``seats``
    (1 elected, 0 not; ``null``: not official) is the official result, read by reproduce only."""
    if not isinstance(value, list) or not value:
        raise DistrictError(f"{name}: expected a non-empty array of candidates", where)
    out: list[Candidate] = []
    official: dict[str, int | None] = {}
    for k, item in enumerate(value):
        at = f"{where}[{k + 1}]"
        obj = _obj(item, at, "a candidate (an object)")
        unknown = sorted(set(obj) - CANDIDATE_KEYS)
        if unknown:
            raise DistrictError(f'{name}: unknown key "{unknown[0]}" (a candidate has: '
                                f'{", ".join(sorted(CANDIDATE_KEYS))})', at)
        who = _text(obj.get("name"), f"{at}.name", f"{name}: a candidate needs a name")
        party = _text(obj.get("party"), f"{at}.party", f"{name}, {who}: the party (a list's abbr)")
        if party in official:
            raise DistrictError(f"{name}: two candidates stand for {party}", f"{at}.party")
        if national is not None and party not in national:
            raise DistrictError(f"{name}: {who} stands for {party}, which is not one of the file's parties",
                                f"{at}.party")
        if obj.get("votes") is None:
            raise DistrictError(f"{name}: the votes of {who} are missing", f"{at}.votes")
        votes = _num(number, obj["votes"], f"{at}.votes", f"{name}, {who}")
        seats = obj.get("seats")
        official[party] = None if seats is None else _num(number, seats, f"{at}.seats", f"{name}, {who}")
        if official[party] is not None and official[party] > 1:  # type: ignore[operator]
            raise DistrictError(f"{name}, {who}: a candidate wins at most one seat", f"{at}.seats")
        out.append(Candidate(name=who, party=party, votes=votes))
    return tuple(out), official


def _check_parents(units: list[Unit]) -> None:
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
    for u in units:
        if u.parent is None:
            continue
        found = [p for p in by_name.get(u.parent, []) if p.level != u.level]
        if len(found) != 1:
            what = "is not a unit of another level" if not found else "names units of several levels"
            raise DistrictError(f"{u.name}: its parent {u.parent!r} {what}", "districts")


def _national_sums(units: list[Unit]) -> tuple[dict[str, int], dict[str, int]]:
    """Votes per list over the units that carry votes and are in no unit that does; totals over
    those units when every one of them gives the total."""
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)

    def carried_above(u: Unit) -> bool:
        seen = 0
        up = u.parent
        level = u.level
        while up is not None and seen <= MAX_DEPTH:
            p = next(p for p in by_name[up] if p.level != level)
            if p.votes:
                return True
            up, level = p.parent, p.level
            seen += 1
        return False

    top = [u for u in units if u.votes and not carried_above(u)]
    votes: dict[str, int] = {}
    for u in top:
        for abbr, v in u.votes.items():
            votes[abbr] = votes.get(abbr, 0) + v
    totals: dict[str, int] = {}
    if top:
        for key in TOTALS:
            if all(key in u.totals for u in top):
                totals[key] = sum(u.totals[key] for u in top)
    return votes, totals


def units_to_json(units: tuple[Unit, ...]) -> list[dict[str, Any]]:
    """The ``"districts"`` of a vote file for ``units`` (``read_districts`` of it gives them back)."""
    out = []
    for u in units:
        record: dict[str, Any] = {"name": u.name, "level": u.level}
        if u.parent is not None:
            record["parent"] = u.parent
        if u.seats is not None:
            record["seats"] = u.seats
        if u.figures:
            record["figures"] = dict(u.figures)
        if u.totals:
            record["totals"] = dict(u.totals)
        if u.winner is not None:
            record["winner"] = {"name": u.winner.name, "party": u.winner.party}
        if u.candidates:
            record["candidates"] = [{"name": c.name, "party": c.party, "votes": c.votes} for c in u.candidates]
        elif u.votes or u.winner is None:
            record["parties"] = [{"abbr": a, "votes": v} for a, v in u.votes.items()]
        out.append(record)
    return out
