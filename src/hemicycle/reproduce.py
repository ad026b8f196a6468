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
list's ``seats`` in the JSON record (``null``: not known, never compared), and in a record with
districts also each list's ``seats`` in each district and, for a district without lists (an
apportionment), the district's own ``seats``: every stored level is checked.

An index file is data: it may only make hemicycle read the rule files (``*.elect``) and vote
files (``*.json``, ``*.csv``, ``*.xml``) in its own folder (or a bundled rule file by name); a
path that leads out of the folder, an absolute path or a file of another kind is refused without
being opened, so that no file's content reaches an error message. Files outside it are named
on the command line (``RULES=VOTES``). Index entries are tables of strings with the keys
``rules``, ``votes`` and ``notes`` (free data under ``extra`` or ``x-...``); anything else is
refused with a message.

This module returns data; ``render_table`` and ``to_json`` present it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hemicycle.api import bundled_rules, resolve_rules
from hemicycle.diagnostics import RuleError
from hemicycle.grammar import load_rules
from hemicycle.interpreter import AllocationError, allocate
from hemicycle.reading import KeyTable, VoteFileError, did_you_mean, kind, read_text
from hemicycle.votes import read_votes_for_rules

__all__ = ["Case", "InputError", "Reproduction", "bundled_cases", "cases_for", "reproduce", "run_case"]


MAX_INDEX_BYTES = 1_000_000  # an index names elections; it holds no data


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
    districts_checked: int = 0  # official figures compared in the districts (list seats, magnitudes)
    district_difference: str | None = None  # the first district figure that differs

    @property
    def status(self) -> str:
        return "error" if self.error else ("match" if self.match else "mismatch")

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election, "rules": self.rules, "match": self.match, "status": self.status,
            "official": self.official, "computed": self.computed or None,
            "first_difference": self.first_difference, "error": self.error, "notes": self.notes,
            "index_notes": self.index_notes or None, "districts_checked": self.districts_checked,
            "district_difference": self.district_difference,
        }


# --- finding the cases ---------------------------------------------------------------------------

# The keys of an index entry (free data: "extra" or "x-..."); each value is a string.
INDEX_KEYS = KeyTable("an index entry", data=("rules", "votes", "notes"))
RULE_SUFFIX = ".elect"
VOTE_SUFFIXES = (".json", ".csv", ".xml")


def _elections_dir() -> Path:
    return Path(str(resources.files("hemicycle").joinpath("elections")))


def _read_index(path: Path) -> dict[str, dict[str, str]]:
    """The entries of an index file, each checked: a table of strings with known keys."""
    try:
        data = tomllib.loads(read_text(path, limit=MAX_INDEX_BYTES))
    except VoteFileError as e:
        raise InputError(str(e)) from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise InputError(f"{path}: not valid TOML: nested too deeply") from None
    entries: dict[str, dict[str, str]] = {}
    for name, entry in data.items():
        shown = _shown(name)
        if not isinstance(entry, dict):
            raise InputError(f"{path}: {shown} must be a table ([{shown}] with rules = \"RULE FILE\"), "
                             f"not {kind(entry)}")
        try:
            INDEX_KEYS.check(entry, str(path), prefix=f"{shown}.")
        except VoteFileError as e:
            raise InputError(str(e)) from None
        if "rules" not in entry:
            raise InputError(f"{path}: [{shown}] needs rules = \"RULE FILE\"")
        for key in INDEX_KEYS.data:
            if key in entry and not isinstance(entry[key], str):
                raise InputError(f"{path}: [{shown}] {key} must be a string, not {kind(entry[key])}")
        entries[name] = {k: v for k, v in entry.items() if k in INDEX_KEYS.data}
    return entries


def _shown(name: str) -> str:
    return name if len(name) <= 60 and name.isprintable() else repr(name[:57]) + "..."


def _inside(folder: Path, relative: str, what: str, index: Path, suffixes: tuple[str, ...]) -> Path:
    """``relative`` under ``folder``, refused when it leads out of it or is not a rule or vote file:
    an index may only make hemicycle read the files beside it, and only files of those kinds."""
    path = Path(relative)
    if path.is_absolute():
        raise InputError(f"{index}: {what} {_shown(relative)!s} is an absolute path; an index names files "
                         "relative to its folder")
    resolved = (folder / path).resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise InputError(f"{index}: {what} {_shown(relative)} is outside the index's folder; an index may "
                         "only name files in its folder (name others on the command line: RULES=VOTES)")
    if resolved.suffix.lower() not in suffixes:
        raise InputError(f"{index}: {what} {_shown(relative)} is not a {' or '.join(suffixes)} file")
    return folder / path


def _case(name: str, entry: dict[str, str], folder: Path, bundled: bool, index: Path) -> Case:
    rules = entry["rules"]
    if bundled:
        rules_path = resolve_rules(rules)
    elif (folder / rules).exists() or "/" in rules or rules.endswith(RULE_SUFFIX):
        rules_path = _inside(folder, rules, "the rule file", index, (RULE_SUFFIX,))
    elif rules in bundled_rules():
        rules_path = resolve_rules(rules)
    else:
        raise InputError(f"{index}: [{_shown(name)}] rules = {_shown(rules)}: neither a rule file in the "
                         f"index's folder nor a bundled rule file{did_you_mean(rules, bundled_rules())}")
    votes = entry.get("votes", f"{name}.json")
    votes_path = folder / votes if bundled else _inside(folder, votes, "the vote file", index, VOTE_SUFFIXES)
    return Case(election=name, rules=rules, rules_path=rules_path, votes_path=votes_path,
                notes=entry.get("notes", ""))


def bundled_cases() -> list[Case]:
    """Every bundled election with the rule file the index pairs it with."""
    folder = _elections_dir()
    index = _read_index(folder / "index.toml")
    records = sorted(p.stem for p in folder.glob("*.json"))
    missing = [r for r in records if r not in index]
    if missing:
        raise InputError(f"index.toml pairs no rule file with {', '.join(missing)}")
    return [_case(name, index[name], folder, True, folder / "index.toml") for name in records]


def cases_for(targets: list[str]) -> list[Case]:
    """The cases named by ``targets`` (all bundled elections when empty)."""
    if not targets:
        return bundled_cases()
    folder = _elections_dir()
    index: dict[str, dict[str, str]] | None = None
    cases: list[Case] = []
    for target in targets:
        rules, sep, votes = target.partition("=")
        if sep:  # named on the command line: any path
            votes_path = Path(votes)
            if not votes_path.exists() and (folder / f"{votes}.json").exists():
                votes_path = folder / f"{votes}.json"
            cases.append(Case(election=votes_path.stem, rules=rules, rules_path=resolve_rules(rules),
                              votes_path=votes_path))
            continue
        path = Path(target)
        if path.suffix == ".toml" and path.exists():
            data = _read_index(path)
            cases += [_case(name, entry, path.parent, False, path) for name, entry in data.items()]
            continue
        if index is None:
            index = _read_index(folder / "index.toml")
        name = path.name.removesuffix(".json")
        if name not in index:
            raise InputError(f"{_shown(target)}: not a bundled election, an index file or RULES=VOTES "
                             f"(bundled: {', '.join(sorted(index))})")
        cases.append(_case(name, index[name], folder, True, folder / "index.toml"))
    return cases


# --- running -------------------------------------------------------------------------------------


def run_case(case: Case) -> Reproduction:
    """Allocate ``case`` and compare with the official seats (each list's ``seats`` in the vote
    file). Raises ``InputError`` for inputs that cannot be read (rule syntax, vote file); an
    allocation error is a failed reproduction."""
    try:
        chamber = load_rules(case.rules_path)
    except RuleError as e:
        raise InputError(e.render()) from None
    try:
        vote_file = read_votes_for_rules(case.votes_path, [chamber])
    except VoteFileError as e:
        raise InputError(str(e)) from None
    election = vote_file.election
    if not vote_file.official_seats and not vote_file.official_units:
        raise InputError(f"{case.votes_path}: the vote file gives no official seats (each list's \"seats\")")
    official = {e.abbr: vote_file.official_seats.get(e.abbr) for e in election.lists}
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
    if election.units:
        _check_districts(rep, result, vote_file.official_units)
    rep.match = rep.first_difference is None and rep.district_difference is None
    return rep


def _check_districts(rep: Reproduction, result: Any, official: Sequence[tuple[str, str, str | None, int]]) -> None:
    """Compare every official district figure with the allocation's."""
    units = {(u.level, u.name): u for u in result.districts}
    for level, name, abbr, seats in official:
        rep.districts_checked += 1
        unit = units.get((level, name))
        if unit is None:
            rep.district_difference = f"{name}: the rules allocate nothing in this {level}"
            return
        got = unit.magnitude if abbr is None else unit.seats.get(abbr, 0)
        if got != seats:
            what = "magnitude" if abbr is None else abbr
            rep.district_difference = f"{name}, {what}: official {seats}, computed {got}"
            return


def reproduce(targets: list[str] | None = None,
              progress: Callable[[int, int, str], None] | None = None) -> list[Reproduction]:
    """Reproduce the named elections (every bundled one by default); ``progress(done, total,
    election)`` is called before each one and at the end."""
    cases = cases_for(list(targets or []))
    results = []
    for case in cases:
        if progress is not None:
            progress(len(results), len(cases), case.election)
        results.append(run_case(case))
    if progress is not None:
        progress(len(cases), len(cases), "")
    return results


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
    districts = any(r.districts_checked for r in results)
    for column in ("Election", "Rules", "Official", "Computed", *(("Districts",) if districts else ()), "Match",
                   "First difference"):
        table.add_column(column, overflow="fold")
    for r in results:
        order = list(r.official)
        diff = r.first_difference or ""
        if r.first_difference is not None:
            diff = f"{diff}: official {r.official[diff]}, computed {r.computed.get(diff)}"
        elif r.district_difference is not None:
            diff = r.district_difference
        checked = (f"{r.districts_checked} figures" if r.districts_checked else "",) if districts else ()
        table.add_row(
            r.election, r.rules, seats_text(r.official, order),
            seats_text(r.computed, order) if not r.error else f"error: {r.error}",
            *checked, "yes" if r.match else "NO", diff,
        )
    return table
