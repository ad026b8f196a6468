"""What an allocation gives back: seats, each tier's figures and protocol, ties, notes; as JSON.

A tier's figures are kept as columns (one entry per list) and made into ``ListResult`` objects
only when ``TierResult.lists`` is read; its protocol is data made into text only when read
(``hemicycle.interpreter.protocol``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hemicycle.display import NotebookHtml
from hemicycle.election import Election
from hemicycle.interpreter.protocol import Entry, Step, expand


@dataclass(frozen=True)
class Tie:
    """A tie that decided a seat (or an admission), and how it was broken."""

    tier: str
    stage: str
    lists: tuple[str, ...]
    value: str  # the equal figure, as text
    places: int  # how many of the tied lists were favoured
    winners: tuple[str, ...]
    resolved_by: str  # a tie criterion's name ("lot" included)
    clause: str  # where the tie-break clause is, with its citation
    district: str | None = None  # the unit the tie is in (None: the whole election)

    def describe(self) -> str:
        where = f" in {self.district}" if self.district is not None else ""
        return (
            f"tie in {self.stage}{where}: {', '.join(self.lists)} all at {self.value}; "
            f"{self.places} of them favoured; {', '.join(self.winners)} by {self.resolved_by}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier, "stage": self.stage, "lists": list(self.lists), "value": self.value,
            "places": self.places, "winners": list(self.winners), "resolved_by": self.resolved_by,
            "clause": self.clause, **({"district": self.district} if self.district is not None else {}),
        }


@dataclass
class ListResult:
    abbr: str
    name: str
    votes: int
    passed: bool = False
    admitted: bool = False
    admitted_by: str = ""  # "threshold" | "exempt" | "runner_up" | "next"
    factor: Fraction = Fraction(1)
    quotient: Fraction | None = None
    integer_seats: int = 0
    remainder: Fraction | None = None
    seats: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "abbr": self.abbr, "name": self.name, "votes": self.votes, "passed": self.passed,
            "admitted": self.admitted, "admitted_by": self.admitted_by or None,
            "factor": str(self.factor), "quotient": _frac_json(self.quotient),
            "integer_seats": self.integer_seats, "remainder": _frac_json(self.remainder),
            "seats": self.seats,
        }


def _frac_json(x: Fraction | None) -> str | None:
    return None if x is None else str(x)


_ONE = Fraction(1)


@dataclass(eq=False)
class TierResult:
    """One tier's outcome: a column per figure, one entry per list (vote-file order)."""

    name: str
    size: int
    abbrs: list[str]
    names: list[str]
    votes: list[int]
    passed_flags: list[bool]
    admitted_flags: list[bool]
    admitted_by: list[str]
    seat_list: list[int]
    factors: list[Fraction] | None = None  # None: no correction
    # largest remainder, with the protocol: the method's columns (quotient(i), floors, remainder(i))
    # and the lists they are for; made into each list's figures when ``lists`` is read
    columns: tuple[Any, list[int]] | None = None
    runner_up: str | None = None
    quota: Fraction | None = None
    vacant: int = 0
    overhang: int = 0  # seats beyond the tier's size (mixed-member compensation)
    units: tuple[tuple[str, ...], ...] = ()  # alliances that took part as one list
    log: list[Entry] = field(default_factory=list)
    level: str | None = None  # a tier allocated in each unit of this level (this result: the sums)
    district: str | None = None  # the unit this result is for (None: the whole election)
    parts: list[TierResult] = field(default_factory=list)  # a tier in units: the result in each unit
    index: Sequence[int] = ()  # in a unit: each list's position among the election's lists
    entitlement: dict[str, int] | None = None  # a levelling tier: each list's entitlement (the final round)
    excluded: tuple[str, ...] = ()  # a levelling tier: the lists excluded for holding more than their entitlement
    _lists: list[ListResult] | None = field(default=None, repr=False)

    @property
    def lists(self) -> list[ListResult]:
        if self._lists is None:
            factors = self.factors
            columns, pool = self.columns if self.columns is not None else (None, ())
            in_pool = set(pool)
            self._lists = []
            for i, a in enumerate(self.abbrs):
                figures = columns is not None and i in in_pool
                self._lists.append(ListResult(
                    abbr=a, name=self.names[i], votes=self.votes[i], passed=self.passed_flags[i],
                    admitted=self.admitted_flags[i], admitted_by=self.admitted_by[i],
                    factor=factors[i] if factors is not None else _ONE,
                    quotient=columns.quotient(i) if figures else None,  # type: ignore[union-attr]
                    integer_seats=columns.floors[i] if figures else 0,  # type: ignore[union-attr]
                    remainder=columns.remainder(i) if figures else None,  # type: ignore[union-attr]
                    seats=self.seat_list[i],
                ))
        return self._lists

    @property
    def passed(self) -> tuple[str, ...]:
        return tuple(a for a, ok in zip(self.abbrs, self.passed_flags, strict=True) if ok)

    @property
    def admitted(self) -> tuple[str, ...]:
        return tuple(a for a, ok in zip(self.abbrs, self.admitted_flags, strict=True) if ok)

    @property
    def seats(self) -> dict[str, int]:
        return dict(zip(self.abbrs, self.seat_list, strict=True))

    @property
    def steps(self) -> list[Step]:
        """The protocol, line by line."""
        return expand(self.log)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "size": self.size, "seats": self.seats, "passed": list(self.passed),
            "admitted": list(self.admitted), "runner_up": self.runner_up,
            "quota": _frac_json(self.quota), "vacant": self.vacant, "overhang": self.overhang,
            "units": [list(u) for u in self.units],
            "lists": [lr.to_json() for lr in self.lists],
            **({"level": self.level} if self.level is not None else {}),
            **({"district": self.district} if self.district is not None else {}),
            **({"entitlement": self.entitlement, "excluded": list(self.excluded)}
               if self.entitlement is not None else {}),
        }


@dataclass(eq=False)
class LevelResult:
    """The magnitudes of one level's units, and how they came about."""

    name: str
    seats: int
    magnitudes: dict[str, int]  # unit -> seats, in vote-file order
    label: str = "districts"
    log: list[Entry] = field(default_factory=list)

    @property
    def steps(self) -> list[Step]:
        return expand(self.log)

    def to_json(self) -> dict[str, Any]:
        return {"level": self.name, "seats": self.seats, "magnitudes": self.magnitudes}


@dataclass(eq=False)
class UnitResult:
    """One unit's seats: per list (the lists that stood or won seats there), and each tier's part."""

    name: str
    level: str
    magnitude: int | None
    seats: dict[str, int]
    tiers: list[TierResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "level": self.level, "magnitude": self.magnitude, "seats": self.seats,
                "tiers": [t.to_json() for t in self.tiers]}


@dataclass
class AllocationResult(NotebookHtml):
    chamber: str
    seats: dict[str, int]  # every list (zeros included), then the appointed keys
    total: int
    tiers: list[TierResult]
    appointed: dict[str, int]
    ties: list[Tie]
    clauses_applied: list[str]
    notes: list[str]
    election: Election
    appointed_names: dict[str, str] = field(default_factory=dict)  # key -> appointing body
    levels: list[LevelResult] = field(default_factory=list)  # the magnitudes of each declared level
    # the seats in each unit the rules use, made from the tiers' parts when first read
    units_of: Callable[[], list[UnitResult]] | None = field(default=None, repr=False)
    _districts: list[UnitResult] | None = field(default=None, repr=False)

    @property
    def districts(self) -> list[UnitResult]:
        """The seats in each unit of every level the rules declare or allocate in."""
        if self._districts is None:
            self._districts = self.units_of() if self.units_of is not None else []
        return self._districts

    def explain(self, district: str | None = None) -> str:
        """The whole allocation as an election commission's protocol (``district``: of that unit
        only, besides the national steps)."""
        out = [f"Allocation of seats: {self.chamber}"]
        if self.election.name:
            out.append(f"Election: {self.election.name}")
        for note in self.notes:
            out.append(f"Note: {note}")
        for level in self.levels:
            out.append("")
            out.append(f"{level.label.capitalize()}: {level.seats} seats in {len(level.magnitudes)} units")
            out.extend(f"  {i}. {step.render()}" for i, step in enumerate(level.steps, 1))
        for tier in self.tiers:
            out.append("")
            where = f" in {len(tier.parts)} units of level {tier.level!r}" if tier.level is not None else ""
            out.append(f"Tier {tier.name!r}: {tier.size} seats{where}")
            out.extend(f"  {i}. {step.render()}" for i, step in enumerate(tier.steps, 1))
            for part in tier.parts:
                if district is not None and part.district != district:
                    continue
                out.append(f"  {part.district} ({part.size} seats)")
                out.extend(f"    {i}. {step.render()}" for i, step in enumerate(part.steps, 1))
        if self.appointed:
            out.append("")
            for key, n in self.appointed.items():
                out.append(f"Appointed seats: {key} {n}")
        out.append("")
        out.append("Result: " + ", ".join(f"{k} {v}" for k, v in self.seats.items())
                   + f"; total {self.total}")
        return "\n".join(out)

    def lists_json(self) -> list[dict[str, Any]]:
        """The lists as the JSON shape gives them: abbr, name, votes."""
        return [{"abbr": e.abbr, "name": e.name, "votes": e.votes} for e in self.election.lists]


    def to_pandas(self, *, districts: bool = True) -> Any:
        """A tidy DataFrame (needs pandas: ``pip install 'hemicycle[pandas]'``): one row per list
        and appointed group, ``district, level, abbr, name, votes, seats, appointed``; then one
        row per list and unit when the rules allocate in districts (``districts=False``: not)."""
        from hemicycle.frames import result_frame

        return result_frame(self.to_json(), self.lists_json(), districts=districts)

    def to_json(self) -> dict[str, Any]:
        return {
            "chamber": self.chamber, "election": self.election.name or None,
            "seats": self.seats, "total": self.total,
            "appointed": self.appointed,
            "appointed_by": self.appointed_names,
            "tiers": [t.to_json() for t in self.tiers],
            "ties": [t.to_json() for t in self.ties],
            "clauses_applied": self.clauses_applied, "notes": self.notes,
            **({"levels": [lv.to_json() for lv in self.levels]} if self.levels else {}),
            **({"districts": [u.to_json() for u in self.districts]} if self.districts else {}),
        }
