"""Compare electoral systems on the same votes: seats side by side, indices, properties."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hemicycle.api import Rules
from hemicycle.election import Election
from hemicycle.html import comparison_html
from hemicycle.indices import Indices, indices
from hemicycle.interpreter import AllocationResult


@dataclass
class SystemOutcome:
    rules: Rules
    result: AllocationResult
    indices: Indices
    properties: dict[str, str] | None = None  # property -> "proved" | "refuted" | "unknown"
    property_bounds: str = ""
    votes: str = ""  # the system's own vote file, when the systems do not share one

    @property
    def election(self) -> Election:
        return self.result.election

    @property
    def path(self) -> str:
        return self.rules.path

    @property
    def label(self) -> str:
        stem = Path(self.rules.path).stem
        return f"{stem} / {self.votes}" if self.votes else stem

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
            "ties": [t.to_json() for t in self.result.ties], "notes": self.result.notes,
            **({"votes": self.votes} if self.votes else {}),
        }


@dataclass
class Comparison:
    election: Election
    systems: list[SystemOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election.name or None,
            "lists": [{"abbr": e.abbr, "name": e.name, "votes": e.votes} for e in self.election.lists],
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

    def csv(self) -> str:
        """The seats side by side and the indices as CSV (text cells neutralised: ``display.csv_text``)."""
        from hemicycle.display import csv_text

        rows: list[list[str | int | float | None]] = [["abbr", "votes", *[s.label for s in self.systems]]]
        for e in self.election.lists:
            rows.append([e.abbr, e.votes, *[s.result.seats[e.abbr] for s in self.systems]])
        for key in ("gallagher", "loosemore_hanby", "sainte_lague", "enp_votes", "enp_seats"):
            rows.append([f"index:{key}", None, *[round(getattr(s.indices, key), 4) for s in self.systems]])
        return csv_text(rows)

    def _repr_html_(self) -> str:
        return comparison_html(self, standalone=False)


def compare(
    rules: Sequence[Rules], election: Election, *,
    properties: Callable[[Rules], tuple[dict[str, str], str] | None] | None = None,
    elections: Sequence[tuple[str, Election]] | None = None,
) -> Comparison:
    """Allocate ``election`` under every system; ``properties`` gives each system's verdicts.
    ``elections``: one (name, election) per system instead (the same rules on two counts, say);
    they must have the same lists, and ``election`` is the one whose votes are shown."""
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
        outcome = SystemOutcome(rules=r, result=result, indices=indices(votes, list_seats), votes=name)
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
    cache: Path | None = None,
) -> tuple[dict[str, str], str]:
    """Each catalogue property's status for ``rules``, from the cache when the same rule text,
    settings and hemicycle version were verified before."""
    from hemicycle import __version__
    from hemicycle import verify as v

    text = rules.model.source
    key_src = json.dumps({"rules": text, "parties": parties, "timeout": timeout, "names": list(names or []),
                          "version": __version__}, sort_keys=True)
    key = hashlib.sha256(key_src.encode("utf-8")).hexdigest()
    folder = cache or cache_dir()
    path = folder / f"{key}.json"
    if path.is_file():
        cached = _cached(path)
        if cached is not None:
            return cached
    results = v.verify(rules.model, list(names) if names else None, parties=parties, timeout=timeout)
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
