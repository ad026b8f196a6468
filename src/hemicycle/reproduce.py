"""Reproduce real elections: run each record against its rule file and compare with the official
seats.

The bundled records (``hemicycle/elections/*.json``) are paired with rule files by
``hemicycle/elections/index.toml``::

    [kazakhstan-2012]
    rules = "kazakhstan-2021"        # a bundled rule file, or a path relative to the index
    notes = "the 2009 law; the data give valid votes, not ballots cast (see the record)"

A target of ``hemicycle reproduce`` is a bundled election's name, an index file of the same
shape (``votes = "file.json"`` may name the vote file; default: ``<election>.json`` beside the
index), or ``RULES=VOTES`` (a rule file and a JSON vote file). The official seats are each
list's ``seats`` in the JSON record (``null``: not known, never compared).

This module returns data; ``render_table`` and ``to_json`` present it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hemicycle.api import resolve_rules
from hemicycle.diagnostics import RuleError
from hemicycle.grammar import load_rules
from hemicycle.interpreter import AllocationError, allocate
from hemicycle.votes import VoteFileError, load_votes

__all__ = ["Case", "InputError", "Reproduction", "bundled_cases", "cases_for", "reproduce", "run_case"]


class InputError(Exception):
    """A target that cannot be read: unknown name, unreadable index, rule or vote file."""


@dataclass(frozen=True)
class Case:
    """One election to reproduce: its name, rule file and vote file."""

    election: str
    rules: str  # as written (bundled name or path)
    rules_path: Path
    votes_path: Path
    notes: str = ""


@dataclass
class Reproduction:
    """The outcome for one election."""

    election: str
    rules: str
    match: bool
    official: dict[str, int | None]
    computed: dict[str, int] = field(default_factory=dict)
    first_difference: str | None = None  # the first list (vote-file order) whose seats differ
    error: str | None = None  # the rules could not be applied to the data
    notes: list[str] = field(default_factory=list)  # the allocation's notes (substitutes, reported figures)
    index_notes: str = ""

    @property
    def status(self) -> str:
        return "error" if self.error else ("match" if self.match else "mismatch")

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election, "rules": self.rules, "match": self.match, "status": self.status,
            "official": self.official, "computed": self.computed or None,
            "first_difference": self.first_difference, "error": self.error, "notes": self.notes,
            "index_notes": self.index_notes or None,
        }


# --- finding the cases ---------------------------------------------------------------------------


def _elections_dir() -> Path:
    return Path(str(resources.files("hemicycle").joinpath("elections")))


def _read_index(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("rules"), str):
            raise InputError(f"{path}: [{name}] needs rules = \"RULE FILE\"")
    return data


def _case(name: str, entry: dict[str, Any], folder: Path, bundled: bool) -> Case:
    rules = entry["rules"]
    local = folder / rules
    rules_path = local if not bundled and local.exists() else resolve_rules(rules)
    votes = entry.get("votes", f"{name}.json")
    return Case(election=name, rules=rules, rules_path=rules_path, votes_path=folder / votes,
                notes=str(entry.get("notes", "")))


def bundled_cases() -> list[Case]:
    """Every bundled election with the rule file the index pairs it with."""
    folder = _elections_dir()
    index = _read_index(folder / "index.toml")
    records = sorted(p.stem for p in folder.glob("*.json"))
    missing = [r for r in records if r not in index]
    if missing:
        raise InputError(f"index.toml pairs no rule file with {', '.join(missing)}")
    return [_case(name, index[name], folder, True) for name in records]


def cases_for(targets: list[str]) -> list[Case]:
    """The cases named by ``targets`` (all bundled elections when empty)."""
    if not targets:
        return bundled_cases()
    folder = _elections_dir()
    index: dict[str, Any] | None = None
    cases: list[Case] = []
    for target in targets:
        rules, sep, votes = target.partition("=")
        if sep:
            votes_path = Path(votes)
            if not votes_path.exists() and (folder / f"{votes}.json").exists():
                votes_path = folder / f"{votes}.json"
            cases.append(Case(election=votes_path.stem, rules=rules, rules_path=resolve_rules(rules),
                              votes_path=votes_path))
            continue
        path = Path(target)
        if path.suffix == ".toml" and path.exists():
            data = _read_index(path)
            cases += [_case(name, entry, path.parent, False) for name, entry in data.items()]
            continue
        if index is None:
            index = _read_index(folder / "index.toml")
        name = path.name.removesuffix(".json")
        if name not in index:
            raise InputError(f"{target}: not a bundled election, an index file or RULES=VOTES "
                             f"(bundled: {', '.join(sorted(index))})")
        cases.append(_case(name, index[name], folder, True))
    return cases


# --- running -------------------------------------------------------------------------------------


def _official(path: Path) -> dict[str, int | None]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read the official seats: {e}") from None
    parties = data.get("parties") if isinstance(data, dict) else None
    if not isinstance(parties, list):
        raise InputError(f"{path}: a JSON record with a 'parties' array is needed for the official seats")
    out: dict[str, int | None] = {}
    for p in parties:
        seats = p.get("seats") if isinstance(p, dict) else None
        if seats is not None and (isinstance(seats, bool) or not isinstance(seats, int)):
            raise InputError(f"{path}: the official seats of {p.get('abbr')!r} are not a whole number")
        out[str(p.get("abbr", "")).strip()] = seats
    if all(v is None for v in out.values()):
        raise InputError(f"{path}: the record gives no official seats")
    return out


def run_case(case: Case) -> Reproduction:
    """Allocate ``case`` and compare with the official seats. Raises ``InputError`` for inputs
    that cannot be read (rule syntax, vote file); an allocation error is a failed reproduction."""
    try:
        chamber = load_rules(case.rules_path)
    except RuleError as e:
        raise InputError(e.render()) from None
    try:
        election = load_votes(case.votes_path)
    except VoteFileError as e:
        raise InputError(str(e)) from None
    official = _official(case.votes_path)
    rep = Reproduction(election=case.election, rules=case.rules, match=False, official=official,
                       index_notes=case.notes)
    try:
        result = allocate(chamber, election, explain=False)
    except AllocationError as e:
        rep.error = str(e)
        return rep
    rep.notes = list(result.notes)
    rep.computed = {e.abbr: result.seats[e.abbr] for e in election.lists}
    for abbr, seats in official.items():
        if seats is not None and rep.computed.get(abbr) != seats:
            rep.first_difference = abbr
            break
    rep.match = rep.first_difference is None
    return rep


def reproduce(targets: list[str] | None = None) -> list[Reproduction]:
    """Reproduce the named elections (every bundled one by default)."""
    return [run_case(c) for c in cases_for(list(targets or []))]


# --- presenting ----------------------------------------------------------------------------------


def seats_text(seats: dict[str, int | None] | dict[str, int], order: list[str]) -> str:
    """The seats of the lists that have any, in vote-file order: 'A 3, B 2'."""
    parts = [f"{a} {seats[a]}" for a in order if seats.get(a)]
    return ", ".join(parts) or "none"


def to_json(results: list[Reproduction]) -> dict[str, Any]:
    return {
        "elections": [r.to_json() for r in results],
        "matched": sum(r.match for r in results), "total": len(results),
    }


def render_table(results: list[Reproduction]) -> Any:
    """A rich Table: election, rules, official, computed, match, first differing list."""
    from hemicycle.display import DataTable

    table = DataTable(title="Real elections reproduced from their rule files", title_justify="left")
    for column in ("Election", "Rules", "Official", "Computed", "Match", "First difference"):
        table.add_column(column, overflow="fold")
    for r in results:
        order = list(r.official)
        diff = r.first_difference or ""
        if r.first_difference is not None:
            diff = f"{diff}: official {r.official[diff]}, computed {r.computed.get(diff)}"
        table.add_row(
            r.election, r.rules, seats_text(r.official, order),
            seats_text(r.computed, order) if not r.error else f"error: {r.error}",
            "yes" if r.match else "NO", diff,
        )
    return table
