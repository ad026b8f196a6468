"""Queries: what a property hands the solver, and the outcomes it is checked on afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from hemicycle.model import Tier
from hemicycle.verify.encoder import (
    BInt,
    Ctx,
    SymElection,
    TierEnc,
    encode_tier,
    make_election,
    needed_extras,
    needed_tags,
)
from hemicycle.verify.num import Num


@dataclass
class Query:
    """One solver problem: counterexamples are the models of ``ctx.cons`` and ``goal``.

    ``elections``: the allocations a model is read back from, in the order the property's Python
    check expects them. ``step``: for the infinitesimal encoding, ``(p, sign)``: the second
    election is the first with list p's votes moved by ``sign * eps``.
    ``cubes``: optional extra constraints, each checked on its own (a case split).
    """

    label: str
    ctx: Ctx
    goal: z3.BoolRef
    elections: list[TierEnc]
    step: tuple[int, int] | None = None
    cubes: list[tuple[str, z3.BoolRef]] = field(default_factory=list)
    objective: z3.ArithRef | None = None  # total votes of the first election (minimisation)
    # implied facts that help the solver: each is first proved (constraints and goal entail it)
    # and only then added; one that cannot be proved in time is left out
    lemmas: list[z3.BoolRef] = field(default_factory=list)


@dataclass
class Outcome:
    """One concrete election and what the interpreter made of it (for a property's check)."""

    votes: list[int]
    extras: dict[str, int]  # against_all, invalid, nonvoters
    tags: dict[str, list[bool]]
    house: int
    seats: list[int]
    passed: list[bool]
    admitted: list[bool]
    runner_up: int | None
    ties: int
    trace: str = ""
    clauses: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.votes)

    @property
    def admitted_votes(self) -> int:
        return sum(v for v, a in zip(self.votes, self.admitted, strict=True) if a)

    def quota(self, i: int) -> Fraction:
        V = self.admitted_votes
        return Fraction(self.house * self.votes[i], V) if V else Fraction(0)


class Problem:
    """Builds elections and allocations for one tier, ``n`` lists and one arithmetic."""

    def __init__(self, tier: Tier, n: int, *, real: bool, max_votes: int | None) -> None:
        self.tier = tier
        self.n = n
        self.real = real
        self.max_votes = max_votes
        self.extras = needed_extras([tier])
        self.tags = needed_tags([tier])
        self._q = 0

    def ctx(self) -> Ctx:
        self._q += 1
        return Ctx(real=self.real, prefix=f"q{self._q}.")

    def election(self, ctx: Ctx, label: str) -> SymElection:
        return make_election(ctx, self.n, label, self.extras, self.tags, self.max_votes)

    def alloc(
        self, ctx: Ctx, e: SymElection, *, house: int | None = None, norm: Num | bool = False
    ) -> TierEnc:
        """Allocate; ``norm=True`` fixes the admitted-vote sum at 1 (rational encoding only)."""
        nv: Num | None
        if norm is True:
            nv = Num(1) if self.real else None
        elif norm is False:
            nv = None
        else:
            nv = norm if self.real else None
        return encode_tier(ctx, self.tier, e, house=house, norm=nv)

    def seats_times(self, ctx: Ctx, seats: z3.ArithRef, x: Num, offset: int = 0) -> Num:
        """``(seats + offset) * x``, linear in x (seats are bounded by the house)."""
        hi = self.tier.seats + 1 + abs(offset)
        return ctx.mul(BInt(seats + offset, -abs(offset), hi), x)

    def total_votes(self, e: SymElection) -> z3.ArithRef:
        figs = [*e.votes, e.against_all, e.invalid, e.nonvoters]
        return z3.Sum([f.a for f in figs if not isinstance(f.a, int)])


Violated = Callable[[list[Outcome]], bool]
