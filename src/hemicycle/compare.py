"""Compare electoral systems on the same votes: seats side by side, indices, properties."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from hemicycle.api import Rules
from hemicycle.display import NotebookHtml
from hemicycle.election import Election
from hemicycle.indices import Indices, indices
from hemicycle.interpreter import AllocationResult
from hemicycle.palette import resolve_colours

INDEX_KEYS = ("gallagher", "loosemore_hanby", "sainte_lague", "enp_votes", "enp_seats")


def _number(x: Fraction) -> int | float:
    return x.numerator if x.denominator == 1 else float(x)


def lists_json(election: Election) -> list[dict[str, Any]]:
    """The lists of ``election`` as the comparison's JSON gives them: abbr, name, votes, colour
    (``hemicycle.palette``: the vote file's, the bundled palette's, else colour-blind-safe) and
    position (None: not known)."""
    colours = resolve_colours([(e.abbr, e.color) for e in election.lists])
    return [{"abbr": e.abbr, "name": e.name, "votes": e.votes, "color": colours[e.abbr],
             "position": None if e.position is None else _number(e.position)} for e in election.lists]


@dataclass
class SystemOutcome:
    rules: Rules
    result: AllocationResult
    indices: Indices
    properties: dict[str, str] | None = None  # property -> "proved" | "refuted" | "unknown"
    property_bounds: str = ""
    # The name this comparison shows (``compare(labels=...)``, made unique); "": the rules' label.
    shown_label: str = ""
    votes: str = ""  # the system's own vote file, when the systems do not share one

    @property
    def election(self) -> Election:
        return self.result.election

    @property
    def path(self) -> str:
        return self.rules.path

    @property
    def label(self) -> str:
        """The system's name in this comparison: ``--label``, else the rule file's ``label``, else
        its file name (with its own vote file's name, when it has one); never the same as another
        system's."""
        return self.shown_label or self.rules.label

    @property
    def list_seats(self) -> dict[str, int]:
        return {e.abbr: self.result.seats[e.abbr] for e in self.result.election.lists}

    @property
    def largest(self) -> str | None:
        seats = self.list_seats
        return max(seats, key=lambda a: seats[a]) if seats else None

    @property
    def majority(self) -> bool:
        """Whether the list with the most seats holds more than half of the seats the votes elect."""
        seats = self.list_seats
        total = sum(seats.values())
        return bool(seats) and 2 * max(seats.values()) > total

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": self.path, "name": self.rules.name, "label": self.label,
            "seats": self.list_seats, "appointed": self.result.appointed, "total": self.result.total,
            "indices": self.indices.to_json(), "largest": self.largest, "majority": self.majority,
            "properties": self.properties, "property_bounds": self.property_bounds or None,
            "ties": [{**t.to_json(), "description": t.describe()} for t in self.result.ties],
            "notes": self.result.notes, "appointed_names": dict(self.result.appointed_names),
            **({"votes": self.votes} if self.votes else {}),
        }

    def lists_json(self) -> list[dict[str, Any]]:
        """The lists of the votes with their names, colours and positions (``Comparison.to_json``)."""
        return lists_json(self.result.election)


@dataclass
class Comparison(NotebookHtml):
    election: Election
    systems: list[SystemOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election.name or None,
            "lists": lists_json(self.election),
            "share_base": self.election.share_base,
            "systems": [s.to_json() for s in self.systems],
            **({"district_differences": self.unit_differences()} if any(s.result.districts for s in self.systems)
               else {}),
        }

    def unit_differences(self) -> list[dict[str, Any]]:
        """The seats of a list in a unit wherever the systems give it different seats there:
        ``{"level", "unit", "list", "seats": [one per system]}``, in the order of the units."""
        tables = [{(u.level, u.name): u.seats for u in s.result.districts} for s in self.systems]
        keys: dict[tuple[str, str], None] = {}
        for table in tables:
            keys.update(dict.fromkeys(table))
        out: list[dict[str, Any]] = []
        for key in keys:
            abbrs: dict[str, None] = {}
            for table in tables:
                abbrs.update(dict.fromkeys(table.get(key, {})))
            for a in abbrs:
                seats = [table.get(key, {}).get(a, 0) for table in tables]
                if len(set(seats)) > 1:
                    out.append({"level": key[0], "unit": key[1], "list": a, "seats": seats})
        return out

    def rows(self) -> list[list[str]]:
        """Seats side by side: one row per list, one column per system."""
        out = []
        for e in self.election.lists:
            out.append([e.abbr, str(e.votes)] + [str(s.result.seats[e.abbr]) for s in self.systems])
        return out

    def tidy_rows(self) -> list[dict[str, Any]]:
        """The seats in tidy form: one record per system and list (then per appointed group):
        system (its label), rules (the rule file's name), abbr, name, votes, seats. Appointed groups have no
        votes (None)."""
        out: list[dict[str, Any]] = []
        for s in self.systems:
            for e in self.election.lists:
                out.append({"system": s.label, "rules": Path(s.path).name, "abbr": e.abbr, "name": e.name,
                            "votes": e.votes,
                            "seats": s.result.seats[e.abbr]})
            for key, n in s.result.appointed.items():
                out.append({"system": s.label, "rules": Path(s.path).name, "abbr": key,
                            "name": s.result.appointed_names.get(key, key), "votes": None, "seats": n})
        return out

    def index_rows(self) -> list[dict[str, Any]]:
        """The disproportionality indices in tidy form: one record per system and index."""
        return [{"system": s.label, "rules": Path(s.path).name, "index": key, "value": getattr(s.indices, key)}
                for s in self.systems for key in INDEX_KEYS]

    def csv(self) -> str:
        """The seats as tidy CSV: one row per system and list (``tidy_rows``); text cells
        neutralised (``display.csv_text``). The indices are in ``indices_csv``."""
        from hemicycle.display import csv_text

        columns = ["system", "rules", "abbr", "name", "votes", "seats"]
        return csv_text([columns, *([r[c] for c in columns] for r in self.tidy_rows())])

    def indices_csv(self) -> str:
        """The indices as tidy CSV: one row per system and index (``index_rows``), values to 6 decimals."""
        from hemicycle.display import csv_text

        return csv_text([["system", "rules", "index", "value"],
                         *([r["system"], r["rules"], r["index"], round(r["value"], 6)] for r in self.index_rows())])


    def to_pandas(self, table: str = "seats", *, districts: bool = True) -> Any:
        """A tidy DataFrame (needs pandas: ``pip install 'hemicycle[pandas]'``). ``table``:
        ``"seats"`` (one row per system and list, and per unit when the rules allocate in
        districts), ``"indices"`` (one row per system and index) or ``"properties"`` (one row per
        system and property checked)."""
        from hemicycle import frames

        if table == "seats":
            return frames.comparison_frame(self.to_json(), [s.result.to_json() for s in self.systems],
                                           districts=districts)
        if table == "indices":
            return frames.comparison_indices_frame(self.to_json())
        if table == "properties":
            return frames.comparison_properties_frame(self.to_json())
        raise ValueError(f"table must be 'seats', 'indices' or 'properties', not {table!r}")


def unique_labels(labels: Sequence[str], paths: Sequence[str]) -> list[str]:
    """``labels`` with every repeated one followed by its system's file name, then numbered if
    the same file is compared twice."""
    out = list(labels)
    for i, label in enumerate(labels):
        if labels.count(label) > 1:
            out[i] = f"{label} ({Path(paths[i]).stem})"
    named = list(out)
    for i, label in enumerate(named):
        if named.count(label) > 1:
            out[i] = f"{label} #{named[: i + 1].count(label)}"
    return out


def compare(
    rules: Sequence[Rules], election: Election, *,
    properties: Callable[[Rules], tuple[dict[str, str], str] | None] | None = None,
    labels: Sequence[str | None] | None = None,
    elections: Sequence[tuple[str, Election]] | None = None,
) -> Comparison:
    """Allocate ``election`` under every system; ``properties`` gives each system's verdicts;
    ``labels`` names systems for people (``None`` in it: the rule file's label). ``elections``:
    one (name, election) per system instead (the same rules on two counts, say); they must have
    the same lists, ``election`` is the one whose votes are shown, and each label names its votes."""
    if labels is not None and len(labels) != len(rules):
        raise ValueError(f"{len(labels)} labels for {len(rules)} systems: give one per system")
    given = [(labels[i] if labels is not None else None) or r.label for i, r in enumerate(rules)]
    if elections is not None and len(elections) == len(rules):
        given = [f"{g} / {name}" for g, (name, _) in zip(given, elections, strict=True)]
    shown = unique_labels(given, [r.path for r in rules])
    comparison = Comparison(election=election)
    own = list(elections) if elections is not None else [("", election)] * len(rules)
    if len(own) != len(rules):
        raise ValueError(f"{len(rules)} systems but {len(own)} vote files: give one, or one per system")
    for name, other in own:
        if sorted(other.abbrs) != sorted(election.abbrs):
            raise ValueError(f"the vote file {name} does not have the same lists as the first; the systems can "
                             "only be compared on the same lists")
    for r, (name, election) in zip(rules, own, strict=True):
        result = r.allocate(election)
        list_seats = {e.abbr: result.seats[e.abbr] for e in election.lists}
        votes = {e.abbr: e.votes for e in election.lists}
        outcome = SystemOutcome(rules=r, result=result, indices=indices(votes, list_seats),
                                shown_label=shown[len(comparison.systems)], votes=name)
        if properties is not None:
            verdict = properties(r)
            if verdict is not None:
                outcome.properties, outcome.property_bounds = verdict
        comparison.systems.append(outcome)
    return comparison


# --- the verifier's verdicts, cached by rule-file content ------------------------------------------


def cache_dir() -> Path:
    base = os.environ.get("HEMICYCLE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "hemicycle")
    return Path(base) / "properties"


def _cached(path: Path) -> tuple[dict[str, str], str] | None:
    """A cache entry read as strictly as any JSON file (``hemicycle.reading``); None when it is
    damaged or not of the shape written below, so that it is recomputed."""
    from hemicycle.reading import VoteFileError, read_text, strict_json

    try:
        data = strict_json(read_text(path, limit=1_000_000), str(path))
    except VoteFileError:
        return None
    if not isinstance(data, dict) or set(data) != {"verdicts", "bounds"} or not isinstance(data["bounds"], str):
        return None
    verdicts = data["verdicts"]
    if not isinstance(verdicts, dict) or not all(isinstance(v, str) for v in verdicts.values()):
        return None
    return dict(verdicts), data["bounds"]


def property_verdicts(
    rules: Rules, *, parties: int = 3, timeout: float = 10.0, names: Sequence[str] | None = None,
    cache: Path | None = None, progress: Callable[[int, int, str], None] | None = None,
) -> tuple[dict[str, str], str]:
    """Each catalogue property's status for ``rules``, from the cache when the same rule text,
    settings and hemicycle version were verified before (``progress``: as ``verify.verify``'s,
    not called for a cached answer)."""
    from hemicycle import verify as v
    from hemicycle.version import __version__

    text = rules.model.source
    bound = {"bindings": rules.model.bindings} if rules.model.bindings else {}  # a member of a family
    key_src = json.dumps({"rules": text, **bound, "parties": parties, "timeout": timeout, "names": list(names or []),
                          "version": __version__}, sort_keys=True)
    key = hashlib.sha256(key_src.encode("utf-8")).hexdigest()
    folder = cache or cache_dir()
    path = folder / f"{key}.json"
    if path.is_file():
        cached = _cached(path)
        if cached is not None:
            return cached
    results = v.verify(rules.model, list(names) if names else None, parties=parties, timeout=timeout,
                       progress=progress)
    verdicts = {}
    for r in results:
        j = r.to_json()
        verdicts[j["property"]] = j["status"]
    bounds = f"{parties} lists, unbounded votes, {timeout:g} s per property"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"verdicts": verdicts, "bounds": bounds}), "utf-8")
    except OSError:
        pass  # no cache is no error
    return verdicts, bounds
