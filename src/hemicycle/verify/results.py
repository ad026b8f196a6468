"""What the verifier answers: a property's status, its counterexample elections and the result
with its bounds, reasons and notes (the JSON of ``hemicycle verify --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from hemicycle.display import NotebookHtml


class Status(str, Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    ERROR = "error"  # the encoding and the interpreter disagree: a bug, reported per property


@dataclass
class CounterElection:
    votes: dict[str, int]
    totals: dict[str, int]
    seats: dict[str, int]
    house: int
    tags: dict[str, list[str]] = field(default_factory=dict)
    # a districted chamber: per district {"district", "seats" (magnitude), "votes", "totals",
    # "allocated"}; votes, totals and seats above are then the national sums
    districts: list[dict[str, Any]] = field(default_factory=list)
    # a regional threshold: per region {"region", "votes", "totals"} (summing to the above)
    regions: list[dict[str, Any]] = field(default_factory=list)
    # two scrutinies (verify/scrutiny.py): each list's member parties, each lot's draw (first first)
    members: dict[str, int] = field(default_factory=dict)
    lots: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"votes": self.votes, "totals": self.totals, "seats": self.seats,
                               "house": self.house}
        if self.tags:
            out["tags"] = self.tags
        if self.districts:
            out["districts"] = self.districts
        if self.regions:
            out["regions"] = self.regions
        if self.members:
            out["members"] = self.members
        if self.lots:
            out["lots"] = self.lots
        return out


@dataclass
class PropertyResult(NotebookHtml):
    property: str
    status: Status
    parties: int
    seconds: float
    tier: str = ""
    bounds: str = ""
    counterexample: list[CounterElection] | None = None
    reason: str | None = None
    clause: str | None = None
    trace: str | None = None
    encoding: str = ""
    minimal: bool | None = None  # minimize=True: whether the fewest total votes was reached
    definition: str = ""
    citation: str = ""
    notes: list[str] = field(default_factory=list)
    found_by: str = "solver"  # "solver" or "search" (a refutation found by verify.search)

    def to_json(self) -> dict[str, Any]:
        ce = None
        if self.counterexample is not None:
            ce = {"elections": [e.to_json() for e in self.counterexample]}
        return {
            "property": self.property,
            "status": self.status.value,
            "parties": self.parties,
            "seconds": round(self.seconds, 3),
            "counterexample": ce,
            "reason": self.reason,
            "tier": self.tier,
            "bounds": self.bounds,
            "encoding": self.encoding,
            "found_by": self.found_by,
            "clause": self.clause,
            "minimal": self.minimal,
            "trace": self.trace,
            "definition": self.definition,
            "citation": self.citation,
            "notes": self.notes,
        }



def mismatch_reason(exc: Exception) -> str:
    """The reason of an ``error`` result: the interpreter did not confirm the encoding's counterexample."""
    return f"internal error: the Z3 encoding and the interpreter disagree, so no result is shown: {exc}"


def bounds(n: int, real: bool, max_votes: int | None) -> str:
    """What a verdict over ``n`` lists covers."""
    if max_votes is not None:
        return f"{n} lists, every vote figure <= {max_votes}"
    if real:
        return f"{n} lists, votes unbounded (rational encoding: covers every integer election)"
    return f"{n} lists, votes unbounded (integer encoding)"


NO_RESULT = ("elections without a result (an unbroken tie, a zero quota, a divisor sequence "
             "that cannot fill the tier) are not considered; a property of two elections is "
             "about pairs where both have one")
