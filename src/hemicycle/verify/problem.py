"""Queries: what a property hands the solver, and the outcomes it is checked on afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from hemicycle.model import LargestRemainder, Tier
from hemicycle.verify.encoder import TierEnc, encode_tier
from hemicycle.verify.num import Num
from hemicycle.verify.symbolic import BInt, Ctx, SymElection, make_election, needed_extras, needed_regions, needed_tags


@dataclass
class Part:
    """One cube of a query, solved on its own. A model of a part that ``refutes`` is a
    counterexample; a model of one that does not (elections where the rules' extension beyond
    their results drops) is only a lead, settled by the property's ``fallback`` queries."""

    label: str
    cond: z3.BoolRef
    refutes: bool = True
    # facts for this part only, each proved (from the query, its goal and ``cond``) before use
    lemmas: list[z3.BoolRef] = field(default_factory=list)


@dataclass
class Query:
    """One solver problem: counterexamples are the models of the constraints, ``assume``,
    ``case`` and ``violation`` (and one of ``parts``).

    ``assume``: the elections the query is about (defined, well formed); they must be
    satisfiable, or a proof would be vacuous (the engine checks this before it says PROVED).
    ``case``: the condition of a case split (the cases of one split cover ``assume`` between
    them); a case may be empty only if it is empty without any normalisation too.
    ``violation``: the negated property.
    ``elections``: the allocations a model is read back from, in the order the property's Python
    check expects them. ``step``: for the infinitesimal encoding, ``(p, sign)``: the second
    election is the first with list p's votes moved by ``sign * eps``.
    """

    label: str
    ctx: Ctx
    assume: list[z3.BoolRef]
    violation: z3.BoolRef
    elections: list[TierEnc]
    case: z3.BoolRef | None = None
    step: tuple[int, int] | None = None
    parts: list[Part] = field(default_factory=list)
    objective: z3.ArithRef | None = None  # total votes of the first election (minimisation)
    # implied facts that help the solver: each is first proved (constraints and goal entail it)
    # and only then added; one that cannot be proved in time is left out
    lemmas: list[z3.BoolRef] = field(default_factory=list)
    # the lemmas, and then the query, asked first of their cones (verify/cones.py)
    cones: bool = False

    @property
    def goal(self) -> z3.BoolRef:
        case = [] if self.case is None else [self.case]
        return z3.And(*self.assume, *case, self.violation)

    @property
    def implied(self) -> list[tuple[str, z3.BoolRef]]:
        return self.ctx.implied


@dataclass
class Outcome:
    """One concrete election and what the interpreter made of it (for a property's check)."""

    votes: list[int]
    extras: dict[str, int]  # against_all, invalid, nonvoters (and blank, when the rules see it)
    tags: dict[str, list[bool]]
    house: int
    seats: list[int]
    passed: list[bool]
    admitted: list[bool]
    runner_up: int | None
    ties: int
    trace: str = ""
    clauses: list[str] = field(default_factory=list)
    regions: list[tuple[list[int], dict[str, int]]] = field(default_factory=list)  # regional thresholds

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
    """Builds elections and allocations for one tier, ``n`` lists and one arithmetic.

    ``normalise=False`` ignores every normalisation (the plain encoding, used to tell a case
    that is empty for every election from one that a normalisation emptied)."""

    def __init__(self, tier: Tier, n: int, *, real: bool, max_votes: int | None,
                 normalise: bool = True, only: str | None = None, method: bool = True) -> None:
        self.tier = tier
        self.method = method  # False: admission only, the seats free (``encode_tier``)
        self.only = only  # build only the query of this label (builders that split may skip)
        self.n = n
        self.real = real
        self.max_votes = max_votes
        self.normalise = normalise
        self.extras = needed_extras([tier])
        self.tags = needed_tags([tier])
        self.regions = needed_regions([tier])
        self._q = 0

    @property
    def scales_votes(self) -> bool:
        """Whether the query's scale fixes the admitted votes (largest remainder), so that a
        second election with the same admitted set knows its admitted votes; divisor methods
        spend the scale on the cut instead."""
        return self.real and self.normalise and isinstance(self.tier.method, LargestRemainder)

    def plain(self, only: str | None = None, method: bool = True) -> Problem:
        return Problem(self.tier, self.n, real=self.real, max_votes=self.max_votes,
                       normalise=False, only=only, method=method)

    def wants(self, label: str) -> bool:
        return self.only is None or self.only == label

    def ctx(self) -> Ctx:
        self._q += 1
        return Ctx(real=self.real, prefix=f"q{self._q}.")

    def election(self, ctx: Ctx, label: str) -> SymElection:
        return make_election(ctx, self.n, label, self.extras, self.tags, self.max_votes, self.regions)

    def alloc(
        self, ctx: Ctx, e: SymElection, *, house: int | None = None, norm: bool = False,
        implied: Num | None = None, label: str = "",
    ) -> TierEnc:
        """Allocate ``e``. ``norm=True``: this allocation carries the query's scale (rational
        encoding only; at most one per query). ``implied``: the admitted votes, as they follow
        from another election of the query (proved by the engine before use; largest remainder
        only, see ``scales_votes``)."""
        if not (self.real and self.normalise):
            return encode_tier(ctx, self.tier, e, house=house, label=label, method=self.method)
        if norm:
            return encode_tier(ctx, self.tier, e, house=house, norm=Num(1), label=label)
        if implied is not None and self.scales_votes:
            return encode_tier(ctx, self.tier, e, house=house, norm=implied, implied=True,
                               label=label)
        return encode_tier(ctx, self.tier, e, house=house, label=label)

    def seats_times(self, ctx: Ctx, seats: z3.ArithRef, x: Num, offset: int = 0) -> Num:
        """``(seats + offset) * x``, linear in x (seats are bounded by the house)."""
        hi = self.tier.seats + 1 + abs(offset)
        return ctx.mul(BInt(seats + offset, -abs(offset), hi), x)

    def total_votes(self, e: SymElection) -> z3.ArithRef:
        figs = [*e.votes, e.against_all, e.invalid, e.nonvoters, e.blank]
        return z3.Sum([f.a for f in figs if not isinstance(f.a, int)])


Violated = Callable[[list[Outcome]], bool]
