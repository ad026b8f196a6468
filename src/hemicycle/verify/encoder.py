"""The encoder: one tier of the rule model, allocated symbolically in Z3.

``encode_tier`` builds, for a symbolic election (:class:`SymElection`), Z3 terms for everything
the allocation pipeline of docs/language.md computes: which lists pass, the ``when`` conditions,
the admitted runner-up, the seats of the method (with corrections and caps), and the guarantees.
All auxiliary variables are *defined* by the constraints it adds (for every election there is
exactly one assignment), so a property stated on the terms is a statement about every election.

Two flags describe elections where the interpreter would not give a result:
``undecided`` (an unbroken tie, which the interpreter reports as a ``TieError``) and
``degenerate`` (a rounded quota of 0). Properties are checked on the elections where both are
false; this is stated in every result (see docs/verify.md).

Arithmetic: in the *rational* encoding (``Ctx.real``) votes are non-negative reals; the tier is
scale invariant, so the caller may fix the admitted-vote sum (``norm``). In the *integer* encoding
votes are integers. Every comparison is made with denominators cleared, so it is linear in the
votes except where a quotient is multiplied by a symbolic quota (then the integer part is written
in binary, which keeps it linear) or a rounded quota (non-linear integer arithmetic).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

import z3

from hemicycle.election import ListEntry
from hemicycle.model import (
    AdmitNext,
    AdmitRunnerUp,
    Alliances,
    Base,
    Correction,
    Divisor,
    DivisorKind,
    Guarantee,
    LargestRemainder,
    Quota,
    QuotaKind,
    Rounding,
    Scope,
    Selector,
    SelectorKind,
    TieCriterion,
    Tier,
    Ties,
)
from hemicycle.verify.errors import UnsupportedClause, VerifyError
from hemicycle.verify.num import ZERO, Num, const, count, ite, total

# --- context ---------------------------------------------------------------------------------


@dataclass
class BInt:
    """A bounded symbolic integer, for multiplying with a vote figure without non-linearity."""

    expr: z3.ArithRef
    lo: int
    hi: int
    values: tuple[int, ...] | None = None  # the only values it can take, when few
    bits: list[z3.BoolRef] | None = None


class Ctx:
    """Collects the defining constraints and names fresh variables."""

    def __init__(self, real: bool, prefix: str = "") -> None:
        self.real = real
        self.prefix = prefix
        self.cons: list[z3.BoolRef] = []
        # normalisations that are claimed to follow from the other constraints (a second
        # election's admitted votes, known from the first's): the engine proves each one before
        # it is used, so none can remove an election from a query
        self.implied: list[tuple[str, z3.BoolRef]] = []
        self.scaled = False  # whether an allocation of this context carries the query's scale
        self._count = 0

    def name(self, base: str) -> str:
        self._count += 1
        return f"{self.prefix}{base}!{self._count}"

    def add(self, *cs: z3.BoolRef) -> None:
        self.cons.extend(cs)

    def num_var(self, base: str) -> z3.ArithRef:
        return z3.Real(self.name(base)) if self.real else z3.Int(self.name(base))

    def int_var(self, base: str) -> z3.ArithRef:
        return z3.Int(self.name(base))

    def bool_var(self, base: str) -> z3.BoolRef:
        return z3.Bool(self.name(base))

    def bint(self, base: str, lo: int, hi: int) -> BInt:
        v = self.int_var(base)
        self.add(v >= lo, v <= hi)
        return BInt(v, lo, hi)

    def mul(self, k: BInt | int, x: Num) -> Num:
        """``k * x`` for a bounded integer ``k``, linear in ``x``."""
        if isinstance(k, int):
            return x.scale(k, self.real)
        if not isinstance(x.a, z3.ExprRef) and not isinstance(x.b, z3.ExprRef):
            b = None if x.b is None else k.expr * x.b
            return Num(k.expr * x.a, b)
        if k.values is not None and len(k.values) <= 8:
            vals = list(k.values)
            out = x.scale(vals[-1], self.real)
            for v in reversed(vals[:-1]):
                out = ite(k.expr == v, x.scale(v, self.real), out)
            return out
        if k.hi - k.lo <= 4:
            out = x.scale(k.hi, self.real)
            for v in range(k.hi - 1, k.lo - 1, -1):
                out = ite(k.expr == v, x.scale(v, self.real), out)
            return out
        if k.bits is None:
            width = max(1, (k.hi - k.lo).bit_length())
            k.bits = [self.bool_var("bit") for _ in range(width)]
            self.add(k.expr == k.lo + z3.Sum([z3.If(b, 2**j, 0) for j, b in enumerate(k.bits)]))
        out = x.scale(k.lo, self.real)
        for j, b in enumerate(k.bits):
            out = out + ite(b, x.scale(2**j, self.real), ZERO)
        return out


# --- elections -------------------------------------------------------------------------------

EXTRAS = ("against_all", "invalid", "nonvoters")


@dataclass
class SymElection:
    """One symbolic election: list votes and the other figures the bases need."""

    votes: list[Num]
    against_all: Num
    invalid: Num
    nonvoters: Num
    tags: dict[str, list[z3.BoolRef]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.votes)

    @property
    def list_votes(self) -> Num:
        return total(self.votes)

    @property
    def valid(self) -> Num:
        return self.list_votes + self.against_all

    @property
    def ballots_cast(self) -> Num:
        return self.valid + self.invalid

    @property
    def registered(self) -> Num:
        return self.ballots_cast + self.nonvoters

    def base(self, base: Base) -> Num:
        return {
            Base.VALID_VOTES: self.valid,
            Base.BALLOTS_CAST: self.ballots_cast,
            Base.LIST_VOTES: self.list_votes,
            Base.VOTES_AND_AGAINST_ALL: self.valid,
            Base.REGISTERED_VOTERS: self.registered,
        }[base]

    def with_votes(self, votes: list[Num]) -> SymElection:
        return SymElection(votes, self.against_all, self.invalid, self.nonvoters, self.tags)


def needed_extras(tiers: list[Tier]) -> set[str]:
    """The figures besides list votes that the thresholds of ``tiers`` can see."""
    out: set[str] = set()
    for tier in tiers:
        bases = [t.base for t in tier.thresholds] + [c.base for c in tier.consolations]
        bases += [a.until.base for p in tier.provisions for a in p.actions if isinstance(a, AdmitNext)]
        for b in bases:
            if b in (Base.VALID_VOTES, Base.VOTES_AND_AGAINST_ALL):
                out.add("against_all")
            elif b is Base.BALLOTS_CAST:
                out.add("invalid")
            elif b is Base.REGISTERED_VOTERS:
                out.add("invalid")
                out.add("nonvoters")
    return out


def needed_tags(tiers: list[Tier]) -> set[str]:
    out: set[str] = set()
    for tier in tiers:
        sels: list[Selector | None] = [t.applies_to for t in tier.thresholds]
        for _, a in tier.actions(Guarantee) + tier.actions(Correction):
            sels.append(a.who)  # type: ignore[attr-defined]
        out |= {s.tag for s in sels
                if s is not None and s.kind.value in ("tagged", "untagged") and s.tag}
    return out


def make_election(
    ctx: Ctx,
    n: int,
    label: str,
    extras: set[str],
    tags: set[str],
    max_votes: int | None = None,
) -> SymElection:
    def fig(name: str) -> Num:
        v = ctx.num_var(f"{label}.{name}")
        ctx.add(v >= 0)
        if max_votes is not None:
            ctx.add(v <= max_votes)
        return Num(v)

    votes = [fig(f"L{i + 1}") for i in range(n)]
    ex = {x: (fig(x) if x in extras else ZERO) for x in EXTRAS}
    tag_vars = {t: [z3.Bool(f"{label}.L{i + 1}#{t}") for i in range(n)] for t in sorted(tags)}
    return SymElection(votes, ex["against_all"], ex["invalid"], ex["nonvoters"], tag_vars)


# --- ties ------------------------------------------------------------------------------------


class TieOrder:
    """The ``ties`` chain as a strict total order on lists (plus whether the chain ran out).

    ``lot`` (when reached): the lists in the order of ``rank``, a free draw (``lot_ranks``)."""

    def __init__(self, ties: Ties | None, tier: Tier, rank: list[z3.ArithRef] | None = None) -> None:
        self.node = ties
        self.criteria: list[TieCriterion] = []
        self.rank = rank
        for c in ties.criteria if ties is not None else ():
            if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
                self.criteria.append(c)
                break  # always decisive: nothing after it is ever used
            if c is TieCriterion.LOT:
                assert ties is not None
                if rank is None:
                    raise UnsupportedClause(ties, "ties ... lot", "a draw is not encoded here")
                self.criteria.append(c)
                break  # the draw always decides
            self.criteria.append(c)
        self.decisive = bool(self.criteria) and self.criteria[-1] in (
            TieCriterion.REGISTRATION_ORDER,
            TieCriterion.BALLOT_ORDER,
            TieCriterion.LOT,
        )

    def compare(self, votes: list[Num], i: int, j: int) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(i wins the tie against j, the chain cannot tell them apart). ``i != j``."""
        win: z3.BoolRef = z3.BoolVal(i < j)  # fallback when exhausted: index order (see undecided)
        exhausted: z3.BoolRef = z3.BoolVal(True)
        for c in reversed(self.criteria):
            if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
                win, exhausted = z3.BoolVal(i < j), z3.BoolVal(False)
            elif c is TieCriterion.LOT:
                assert self.rank is not None
                win, exhausted = self.rank[i] < self.rank[j], z3.BoolVal(False)
            elif c is TieCriterion.MORE_VOTES:
                eq = votes[i].eq(votes[j])
                win = z3.Or(votes[i].gt(votes[j]), z3.And(eq, win))
                exhausted = z3.And(eq, exhausted)
            elif c is TieCriterion.FEWER_VOTES:
                eq = votes[i].eq(votes[j])
                win = z3.Or(votes[i].lt(votes[j]), z3.And(eq, win))
                exhausted = z3.And(eq, exhausted)
        return win, exhausted


# --- tier ------------------------------------------------------------------------------------


@dataclass
class LRRound:
    active: list[z3.BoolRef]
    f: list[z3.ArithRef]
    seats: list[z3.ArithRef]


@dataclass
class TierEnc:
    tier: Tier
    house: int
    election: SymElection
    passed: list[z3.BoolRef]
    n_passed: z3.ArithRef
    active: list[z3.BoolRef]  # per provision
    runner_up: list[z3.BoolRef]  # the admitted runner-up (at most one true)
    admitted: list[z3.BoolRef]
    has_votes: z3.BoolRef  # some admitted list has a vote
    admitted_votes: Num
    method_seats: list[z3.ArithRef]  # before guarantees
    seats: list[z3.ArithRef]
    undecided: z3.BoolRef  # an unbroken tie decided something
    tie_used: z3.BoolRef  # some tie was broken by the chain
    degenerate: z3.BoolRef  # a rounded quota of 0
    rounds: list[LRRound] = field(default_factory=list)
    v_norm: Num = ZERO  # the admitted-vote sum as the encoding knows it (1 when normalised)
    cut: Num | None = None  # divisor methods: the cut lambda (1 when it carries the scale)

    @property
    def defined(self) -> z3.BoolRef:
        return z3.And(z3.Not(self.undecided), z3.Not(self.degenerate))


class _TierEncoder:
    def __init__(self, ctx: Ctx, tier: Tier, e: SymElection, house: int,
                 national: SymElection | None = None) -> None:
        self.ctx = ctx
        self.national = national  # the whole election, for thresholds `nationally` (districts)
        self.tier = tier
        self.e = e
        self.n = e.n
        self.h = house
        # the seats the method fills: the house, or a symbolic count of at most ``h`` (an
        # alliance's seats, split among its lists)
        self.hx: z3.ArithRef | int = house
        self.draw: dict[str, list[z3.BoolRef]] = {}
        rank = None
        if lot_reached(tier.ties):
            refuse_lot(tier, national is not None)
            self.draw = lot_tags(ctx, self.n)
            rank = lot_ranks(self.draw, self.n)
        self.order = TieOrder(tier.ties, tier, rank)
        self.tie_used: list[z3.BoolRef] = []
        self.undecided: list[z3.BoolRef] = []
        self.degenerate: list[z3.BoolRef] = []
        self._cmp: dict[tuple[int, int], tuple[z3.BoolRef, z3.BoolRef]] = {}
        self.label = ""
        self.method = True  # False: admission only (see encode_tier)
        self.cut: Num | None = None

    def beats(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[0]

    def exhausted(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[1]

    def _pair(self, i: int, j: int) -> tuple[z3.BoolRef, z3.BoolRef]:
        if (i, j) not in self._cmp:
            self._cmp[(i, j)] = self.order.compare(self.e.votes, i, j)
        return self._cmp[(i, j)]

    def tie(self, cond: z3.BoolRef, i: int, j: int) -> None:
        """Record that lists i and j were tied at a decision when ``cond`` holds."""
        self.tie_used.append(cond)
        self.undecided.append(z3.And(cond, self.exhausted(i, j)))

    def selected(self, sel: Selector, ru: list[z3.BoolRef], admit_on: z3.BoolRef) -> list[z3.BoolRef]:
        if sel.kind is SelectorKind.EVERY_LIST:
            return [z3.BoolVal(True)] * self.n
        if sel.kind is SelectorKind.TAGGED:
            return list(self.e.tags[sel.tag or ""])
        if sel.kind.value == "untagged":
            return [z3.Not(x) for x in self.e.tags[sel.tag or ""]]
        return [z3.And(admit_on, r) for r in ru]

    # -- the pipeline -----------------------------------------------------------------------
    def thresholds(self) -> list[z3.BoolRef]:
        """Whether each list passes: at least one vote and every threshold that applies to it."""
        ctx, tier, e, n = self.ctx, self.tier, self.e, self.n
        v = e.votes
        passed = []
        for i in range(n):
            conds = [v[i].pos()]
            for t in tier.thresholds:
                if t.applies_to is None or t.applies_to.kind is SelectorKind.EVERY_LIST:
                    applies: z3.BoolRef = z3.BoolVal(True)
                elif t.applies_to.kind is SelectorKind.TAGGED:
                    applies = e.tags[t.applies_to.tag or ""][i]
                elif t.applies_to.kind.value == "untagged":
                    applies = z3.Not(e.tags[t.applies_to.tag or ""][i])
                else:
                    raise UnsupportedClause(
                        t, "threshold ... for runner_up", "the runner-up is chosen after thresholds"
                    )
                quotas = getattr(t, "quotas", None)
                at = self.national if t.scope is Scope.NATION and self.national is not None else e
                if t.absolute is not None:
                    lim = Num(t.absolute)
                    ok = at.votes[i].ge(lim) if t.inclusive else at.votes[i].gt(lim)
                elif quotas is not None:
                    assert t.base is not None
                    lhs = at.votes[i].scale(self.h, ctx.real)
                    rhs = at.base(t.base).scale(quotas, ctx.real)
                    ok = lhs.ge(rhs) if t.inclusive else lhs.gt(rhs)
                else:
                    assert t.share is not None and t.base is not None
                    lhs = at.votes[i].scale(t.share.denominator, ctx.real)
                    rhs = at.base(t.base).scale(t.share.numerator, ctx.real)
                    ok = lhs.ge(rhs) if t.inclusive else lhs.gt(rhs)
                conds.append(z3.Implies(applies, ok))
            passed.append(z3.And(conds))
        return passed

    def run(self, norm: Num | None, implied: bool = False) -> TierEnc:
        ctx, tier, e, n = self.ctx, self.tier, self.e, self.n
        if norm is not None and not implied:
            if ctx.scaled:
                raise VerifyError("internal: two allocations of one query both carry its scale")
            ctx.scaled = True
        refuse_extensions(tier, self.national is not None)
        v = e.votes
        # 1. thresholds
        passed = self.thresholds()
        n_passed = count(passed)
        # 2. conditions
        active = []
        for p in tier.provisions:
            if p.condition is None:
                active.append(z3.BoolVal(True))
            else:
                c = p.condition
                if c.subject != "passed":
                    raise UnsupportedClause(c, str(c), f"unknown subject {c.subject!r}")
                active.append(_cmp(c.op.value, n_passed, c.value))
        # 3. admission
        admit_on = z3.Or(
            [active[k] for k, p in enumerate(tier.provisions) for a in p.actions
             if isinstance(a, AdmitRunnerUp)]
            or [z3.BoolVal(False)]
        )
        cand = [z3.And(z3.Not(passed[i]), v[i].pos()) for i in range(n)]
        ru = []
        for i in range(n):
            beats_all = []
            for j in range(n):
                if j == i:
                    continue
                eq = v[i].eq(v[j])
                beats_all.append(z3.Implies(cand[j], z3.Or(v[i].gt(v[j]),
                                                            z3.And(eq, self.beats(i, j)))))
            ru.append(z3.And(cand[i], *beats_all))
        # a tie for the runner-up: the one admitted and another candidate with as many votes
        for i in range(n):
            for j in range(i + 1, n):
                top_tie = z3.And(admit_on, z3.Or(ru[i], ru[j]), cand[i], cand[j], v[i].eq(v[j]))
                self.tie(top_tie, i, j)
        admitted = [z3.Or(passed[i], z3.And(admit_on, ru[i])) for i in range(n)]
        for k, p in enumerate(tier.provisions):
            for a in p.actions:
                if isinstance(a, AdmitNext):
                    admitted = self.admit_next(a, active[k], admitted)
        outside = self.consolations(admitted) if tier.consolations else None
        # corrections: the factor on each list's quotient
        factors: list[tuple[list[z3.BoolRef], Fraction, Correction]] = []
        for k, p in enumerate(tier.provisions):
            for a in p.actions:
                if isinstance(a, Correction):
                    sel = self.selected(a.who, ru, admit_on)
                    factors.append(([z3.And(active[k], s) for s in sel], a.factor, a))
        cden = 1
        for _, f, _ in factors:
            cden *= f.denominator
        def weight(i: int, k: int, coef: Fraction) -> Num:
            # the coefficient is folded before it meets the vote term, so that it stays an
            # integer (cden clears every factor's denominator) in the integer encoding
            if k == len(factors):
                return v[i].scale(coef, ctx.real)
            sel, f, _ = factors[k]
            return ite(sel[i], weight(i, k + 1, coef * f), weight(i, k + 1, coef))

        weighted = [weight(i, 0, Fraction(cden)) for i in range(n)]
        cmax = Fraction(1)
        for _, f, _ in factors:
            cmax *= max(f, Fraction(1))
        # 4. the method
        V = total([ite(admitted[i], v[i], ZERO) for i in range(n)])
        has_votes = z3.Or([z3.And(admitted[i], v[i].pos()) for i in range(n)])
        method = tier.method
        rounds: list[LRRound] = []
        v_norm = V
        if not self.method:
            # admission only: everything the method and the guarantees compute is a fresh,
            # unconstrained variable (an over-approximation of the allocation, for cheap checks)
            seats = [ctx.int_var(f"free.s{i + 1}") for i in range(n)]
            for flags in (self.undecided, self.tie_used, self.degenerate):
                flags.append(ctx.bool_var("free.flag"))
            return self._result(passed, n_passed, active, ru, admit_on, admitted, has_votes, V,
                                seats, seats, rounds, v_norm)
        # the divisor methods spend the query's scale on the cut (lambda = 1), which makes
        # "w >= lambda * d(s)" linear in the symbolic seat count s; every other normalisation
        # fixes the admitted votes
        unit = (norm is not None and not implied and isinstance(method, Divisor)
                and not norm.eps and isinstance(norm.a, int) and norm.a == 1)
        if norm is not None and not unit:
            eq = z3.Implies(has_votes, V.eq(norm))
            if implied:
                ctx.implied.append((f"{self.label}: admitted votes = {norm}", eq))
            else:
                ctx.add(eq)
            v_norm = norm
        if tier.alliances is not None:
            seats = self.alliance_seats(tier.alliances, admitted, weighted, cden, cmax, bool(factors),
                                        v_norm, unit)
        elif isinstance(method, LargestRemainder):
            house = self.method_house(outside)
            seats = self.largest_remainder(method, admitted, weighted, cden, cmax, bool(factors),
                                           v_norm, rounds, house)
        else:
            seats = self.divisor(method, admitted, weighted, cden, unit=unit)
        method_seats = seats
        # 5. guarantees
        for k, p in enumerate(tier.provisions):
            for a in p.actions:
                if isinstance(a, Guarantee):
                    sel = self.selected(a.who, ru, admit_on)
                    for g in range(n):
                        on = z3.And(active[k], admitted[g], sel[g])
                        seats = self.guarantee(seats, g, on, a.seats)
        if outside is not None:
            seats = self.plus_outside(seats, outside)
        return self._result(passed, n_passed, active, ru, admit_on, admitted, has_votes, V,
                            method_seats, seats, rounds, v_norm)

    # -- alliances --------------------------------------------------------------------------
    def alliance_seats(self, al: Alliances, admitted: list[z3.BoolRef], weighted: list[Num],
                       cden: int, cmax: Fraction, corrected: bool, V: Num,
                       unit: bool) -> list[z3.ArithRef]:
        """``alliances ... split by M``: the admitted lists of one alliance (a free partition of
        the lists, ``alliance_tags``) take part in the method as one unit, named by its lowest
        list (its registration and ballot order are its lowest member's; its votes, and its
        corrected quotient, the sums of its admitted members'); a unit's seats are then split
        among its admitted lists by M (a divisor split with a free cut). An alliance with fewer
        than two admitted lists is void: its lists take part alone."""
        ctx, n, e = self.ctx, self.n, self.e
        same = alliance_pairs(ctx, e)
        v = e.votes
        lead = [z3.And(admitted[i], *[z3.Not(z3.And(admitted[j], same[i][j])) for j in range(i)])
                for i in range(n)]
        joined = [z3.And(admitted[i], z3.Or([z3.And(admitted[j], same[i][j]) for j in range(n) if j != i]
                                            or [z3.BoolVal(False)])) for i in range(n)]
        mates = [[z3.And(lead[k], admitted[j], z3.BoolVal(j == k) if j == k else same[k][j])
                  for j in range(n)] for k in range(n)]
        unit_votes = [ite(lead[k], total([ite(mates[k][j], v[j], ZERO) for j in range(n)]), ZERO)
                      for k in range(n)]
        unit_w = [ite(lead[k], total([ite(mates[k][j], weighted[j], ZERO) for j in range(n)]), ZERO)
                  for k in range(n)]
        top = _TierEncoder(ctx, self.tier, e.with_votes(unit_votes), self.h, self.national)
        method = self.tier.method
        if isinstance(method, LargestRemainder):
            rounds: list[LRRound] = []
            useats = top.largest_remainder(method, lead, unit_w, cden, cmax, corrected, V, rounds)
        else:
            useats = top.divisor(method, lead, unit_w, cden, unit=unit)
            self.cut = top.cut
        self._absorb(top)
        split_tier = dataclasses.replace(self.tier, method=al.split, alliances=None, cap=None,
                                         consolations=(), provisions=())
        parts: list[list[z3.ArithRef]] = []
        for k in range(n):
            sub = _TierEncoder(ctx, split_tier, e, self.h, self.national)
            sub._cmp = self._cmp  # the same chain on the same lists
            got = BInt(z3.If(joined[k], useats[k], 0), 0, self.h, values=tuple(range(self.h + 1)))
            sub.hx = got.expr
            mem = [z3.And(joined[k], mates[k][j]) for j in range(n)]
            Vk = total([ite(mem[j], v[j], ZERO) for j in range(n)])
            if isinstance(al.split, LargestRemainder):
                parts.append(sub.largest_remainder(al.split, mem, weighted, cden, cmax, corrected, Vk, [],
                                                   got))
            else:
                parts.append(sub.divisor(al.split, mem, weighted, cden))
            self._absorb(sub)
        out = []
        for j in range(n):
            s = ctx.int_var(f"al.s{j + 1}")
            ctx.add(s == z3.If(joined[j], z3.Sum([parts[k][j] for k in range(n)]), useats[j]))
            out.append(s)
        return out

    def _absorb(self, sub: _TierEncoder) -> None:
        """The tie and result flags of a sub-allocation (alliances) are this allocation's."""
        self.tie_used += sub.tie_used
        self.undecided += sub.undecided
        self.degenerate += sub.degenerate

    def admit_next(self, a: AdmitNext, on: z3.BoolRef,
                   admitted: list[z3.BoolRef]) -> list[z3.BoolRef]:
        """``admit next until COND``: while the condition fails, the list not yet admitted with
        the most votes (ties by the chain) is admitted, one at a time; it stops when no list
        with a vote is left. Unrolled n times (each round admits a list or stops)."""
        ctx, e, n, v = self.ctx, self.e, self.n, self.e.votes
        cond = a.until
        if cond.subject not in ("admitted", "admitted_votes"):
            raise UnsupportedClause(cond, str(cond), f"unknown subject {cond.subject!r}")
        adm = list(admitted)
        for _ in range(n):
            if cond.subject == "admitted":
                ok = _cmp(cond.op.value, count(adm), cond.value)
            else:
                assert cond.share is not None and cond.base is not None
                held = total([ite(adm[i], v[i], ZERO) for i in range(n)])
                ok = _num_cmp(cond.op.value, held.scale(cond.share.denominator, ctx.real),
                              e.base(cond.base).scale(cond.share.numerator, ctx.real))
            go = z3.And(on, z3.Not(ok))
            cand = [z3.And(z3.Not(adm[i]), v[i].pos()) for i in range(n)]
            pick = []
            for i in range(n):
                top = [z3.Implies(cand[j], z3.Or(v[i].gt(v[j]), z3.And(v[i].eq(v[j]), self.beats(i, j))))
                       for j in range(n) if j != i]
                pick.append(z3.And(go, cand[i], *top))
            for i in range(n):
                for j in range(i + 1, n):
                    self.tie(z3.And(z3.Or(pick[i], pick[j]), cand[i], cand[j], v[i].eq(v[j])), i, j)
            adm = [z3.Or(adm[i], pick[i]) for i in range(n)]
        return adm

    def consolations(self, admitted: list[z3.BoolRef]) -> list[z3.ArithRef]:
        """Consolation seats, clause by clause: a list not admitted, not yet consoled, with a
        vote and ``low * base <= votes < high * base`` gets the clause's seats."""
        ctx, e, n, v = self.ctx, self.e, self.n, self.e.votes
        outside: list[z3.ArithRef] = [z3.IntVal(0)] * n
        for c in self.tier.consolations:
            base = e.base(c.base)
            for i in range(n):
                lo = v[i].scale(c.low.denominator, ctx.real).ge(base.scale(c.low.numerator, ctx.real))
                hi = v[i].scale(c.high.denominator, ctx.real).lt(base.scale(c.high.numerator, ctx.real))
                band = z3.And(z3.Not(admitted[i]), outside[i] == 0, v[i].pos(), lo, hi)
                outside[i] = z3.If(band, c.seats, outside[i])
        out = []
        for i in range(n):
            x = ctx.int_var(f"cons.s{i + 1}")
            ctx.add(x == outside[i])
            out.append(x)
        return out

    def method_house(self, outside: list[z3.ArithRef] | None) -> BInt | int:
        """The seats for the method: the tier's, less the seats outside the distribution (one
        of the values those can sum to); fewer than 0 is an election without a result (the
        interpreter's error)."""
        if outside is None:
            return self.h
        sums = {0}
        for _ in range(self.n):
            sums = {x + c for x in sums for c in {0, *(k.seats for k in self.tier.consolations)}}
        vals = tuple(sorted({max(0, self.h - x) for x in sums}))
        raw = z3.IntVal(self.h) - z3.Sum(outside)
        self.degenerate.append(raw < 0)
        # clamped at 0 (the election has no result then), so that every quota stays defined
        return BInt(z3.If(raw < 0, 0, raw), vals[0], vals[-1], values=vals)

    def plus_outside(self, seats: list[z3.ArithRef], outside: list[z3.ArithRef]) -> list[z3.ArithRef]:
        out = []
        for i in range(self.n):
            s = self.ctx.int_var(f"tot.s{i + 1}")
            self.ctx.add(s == seats[i] + outside[i])
            out.append(s)
        return out

    def _result(self, passed: list[z3.BoolRef], n_passed: z3.ArithRef, active: list[z3.BoolRef],
                ru: list[z3.BoolRef], admit_on: z3.BoolRef, admitted: list[z3.BoolRef],
                has_votes: z3.BoolRef, V: Num, method_seats: list[z3.ArithRef],
                seats: list[z3.ArithRef], rounds: list[LRRound], v_norm: Num) -> TierEnc:
        election = self.e
        if self.draw:  # this allocation's own draw, beside the election's tags
            election = SymElection(self.e.votes, self.e.against_all, self.e.invalid, self.e.nonvoters,
                                   {**self.e.tags, **self.draw})
        return TierEnc(
            tier=self.tier,
            house=self.h,
            election=election,
            passed=passed,
            n_passed=n_passed,
            active=active,
            runner_up=[z3.And(admit_on, r) for r in ru],
            admitted=admitted,
            has_votes=has_votes,
            admitted_votes=V,
            method_seats=method_seats,
            seats=seats,
            undecided=z3.Or(self.undecided) if self.undecided else z3.BoolVal(False),
            tie_used=z3.Or(self.tie_used) if self.tie_used else z3.BoolVal(False),
            degenerate=z3.Or(self.degenerate) if self.degenerate else z3.BoolVal(False),
            rounds=rounds,
            v_norm=v_norm,
            cut=self.cut,
        )

    # -- largest remainder ------------------------------------------------------------------
    def largest_remainder(
        self,
        method: LargestRemainder,
        admitted: list[z3.BoolRef],
        weighted: list[Num],
        cden: int,
        cmax: Fraction,
        corrected: bool,
        V0: Num,
        rounds: list[LRRound],
        house: BInt | int | None = None,
    ) -> list[z3.ArithRef]:
        ctx, n, h = self.ctx, self.n, self.h
        cap = self.tier.cap.seats if self.tier.cap is not None else None
        if cap is None:
            return self.lr_round(method, admitted, h if house is None else house, weighted, cden, cmax,
                                 corrected, V0, rounds).seats
        assert house is None or house == h  # consolation seats beside a cap are refused
        # caps: re-run among the lists not capped, for the remaining seats, until none is over
        max_rounds = min(n, h // (cap + 1)) + 1
        capped = [z3.BoolVal(False)] * n
        final: list[z3.ArithRef] = [z3.IntVal(0)] * n
        done_before: z3.BoolRef = z3.BoolVal(False)
        for r in range(max_rounds):
            act = [z3.And(admitted[i], z3.Not(capped[i])) for i in range(n)]
            k = count(capped)
            if r == 0:
                H: BInt | int = h
                V = V0
            else:
                vals = tuple(h - cap * j for j in range(n + 1) if h - cap * j >= 0)
                H = BInt(z3.IntVal(h) - cap * k, min(vals), max(vals), values=vals)
                V = total([ite(act[i], self.e.votes[i], ZERO) for i in range(n)])
            rnd = self.lr_round(method, act, H, weighted, cden, cmax, corrected, V, rounds)
            over = [z3.And(act[i], rnd.seats[i] > cap) for i in range(n)]
            done = z3.Not(z3.Or(over)) if r < max_rounds - 1 else z3.BoolVal(True)
            take = z3.And(z3.Not(done_before), done)
            final = [z3.If(take, z3.If(capped[i], cap, rnd.seats[i]), final[i]) for i in range(n)]
            capped = [z3.Or(capped[i], over[i]) for i in range(n)]
            done_before = z3.Or(done_before, done)
        out = []
        for i in range(n):
            s = ctx.int_var(f"cap.s{i + 1}")
            ctx.add(s == final[i])
            out.append(s)
        return out

    def lr_round(
        self,
        method: LargestRemainder,
        act: list[z3.BoolRef],
        H: BInt | int,
        weighted: list[Num],
        cden: int,
        cmax: Fraction,
        corrected: bool,
        V: Num,
        rounds: list[LRRound],
    ) -> LRRound:
        """One largest-remainder allocation of ``H`` seats among the ``act`` lists: the integer
        parts (``_exact_parts`` or ``_rounded_parts``), then the leftover seats
        (``_leftover_hare`` or ``_leftover_general``)."""
        quota = method.quota
        delta = {QuotaKind.HARE: 0, QuotaKind.DROOP: 1, QuotaKind.HAGENBACH_BISCHOFF: 1,
                 QuotaKind.IMPERIALI: 2}[quota.kind]
        has = z3.Or([z3.And(act[i], self.e.votes[i].pos()) for i in range(self.n)])
        Hd: BInt | int
        if isinstance(H, int):
            Hd = H + delta
            hmax = H
        else:
            assert H.values is not None
            Hd = BInt(H.expr + delta, H.lo + delta, H.hi + delta,
                      values=tuple(x + delta for x in H.values))
            hmax = H.hi
        integer_quota = quota.kind is QuotaKind.DROOP or quota.rounding is not Rounding.EXACT
        if not integer_quota:
            f, rem = self._exact_parts(act, has, Hd, hmax + delta, weighted, cden, cmax, V)
        else:
            f, rem = self._rounded_parts(quota, act, has, Hd, weighted, cden, V)
        Hx = H if isinstance(H, int) else H.expr
        left = Hx - z3.Sum(f) if f else z3.IntVal(Hx) if isinstance(Hx, int) else Hx
        # rank_i: how many active lists come before i for a leftover seat
        rank = _ranks(self.n, act, lambda j, i: z3.Or(rem[j].gt(rem[i]),
                                                      z3.And(rem[j].eq(rem[i]), self.beats(j, i))))
        if quota.kind is QuotaKind.HARE and not integer_quota and not corrected:
            seats = self._leftover_hare(act, has, f, rem, rank, left)
        else:
            seats = self._leftover_general(act, has, f, rem, rank, left)
        rnd = LRRound(act, f, seats)
        rounds.append(rnd)
        return rnd

    def _exact_parts(self, act: list[z3.BoolRef], has: z3.BoolRef, Hd: BInt | int, dmax: int,
                     weighted: list[Num], cden: int, cmax: Fraction,
                     V: Num) -> tuple[list[z3.ArithRef], list[Num]]:
        """Integer parts and remainders for an exact quota (Hare, Hagenbach-Bischoff,
        Imperiali): ``f_i * V <= D w_i < (f_i + 1) * V``, the remainder ``D w_i - f_i V``."""
        ctx = self.ctx
        f: list[z3.ArithRef] = []
        rem: list[Num] = []
        qden = V.scale(cden, ctx.real)
        bound = int(cmax * dmax) + 1
        for i in range(self.n):
            fi = ctx.bint(f"f{i + 1}", 0, bound)
            qnum = ctx.mul(Hd, weighted[i])
            fq = ctx.mul(fi, qden)
            on = z3.And(has, act[i])
            ctx.add(z3.Implies(on, z3.And(fq.le(qnum), qnum.lt(fq + qden))))
            ctx.add(z3.Implies(z3.Not(on), fi.expr == 0))
            f.append(fi.expr)
            rem.append(qnum - fq)
        return f, rem

    def _rounded_parts(self, quota: Quota, act: list[z3.BoolRef], has: z3.BoolRef,
                       Hd: BInt | int, weighted: list[Num], cden: int,
                       V: Num) -> tuple[list[z3.ArithRef], list[Num]]:
        """Integer parts and remainders for an integer quota q (Droop, or a rounded quota):
        q is fixed by its rounding of V / D, then ``f_i q <= w_i < (f_i + 1) q``; a quota of 0
        is ``degenerate`` (the interpreter gives no result)."""
        ctx = self.ctx
        if ctx.real:
            raise UnsupportedClause(quota, "quota", "an integer quota needs integer votes")
        q = ctx.int_var("quota")
        Vt = V.a
        D = Hd if isinstance(Hd, int) else None
        qD = (q * D) if D is not None else ctx.mul(Hd, Num(q)).a
        q1D = ((q + 1) * D) if D is not None else ctx.mul(Hd, Num(q + 1)).a
        qm1D = ((q - 1) * D) if D is not None else ctx.mul(Hd, Num(q - 1)).a
        Dx = D if D is not None else Hd.expr  # type: ignore[union-attr]
        if quota.kind is QuotaKind.DROOP:
            # floor(V / (h + 1)) + 1
            ctx.add(qm1D <= Vt, Vt < qD)
        elif quota.rounding is Rounding.UP:
            ctx.add(qm1D < Vt, Vt <= qD)
        elif quota.rounding is Rounding.NEAREST:
            ctx.add(2 * qD <= 2 * Vt + Dx, 2 * Vt + Dx < 2 * q1D)
        else:  # DOWN
            ctx.add(qD <= Vt, Vt < q1D)
        self.degenerate.append(z3.And(has, q <= 0))
        f: list[z3.ArithRef] = []
        rem: list[Num] = []
        for i in range(self.n):
            fi = ctx.int_var(f"f{i + 1}")
            on = z3.And(has, act[i], q > 0)
            w = weighted[i].a
            ctx.add(fi >= 0)
            ctx.add(z3.Implies(on, z3.And(fi * q * cden <= w, w < (fi + 1) * q * cden)))
            ctx.add(z3.Implies(z3.Not(on), fi == 0))
            f.append(fi)
            rem.append(Num(w - fi * q * cden))
        return f, rem

    def _leftover_hare(self, act: list[z3.BoolRef], has: z3.BoolRef, f: list[z3.ArithRef],
                       rem: list[Num], rank: list[z3.ArithRef],
                       left: z3.ArithRef) -> list[z3.ArithRef]:
        """Exact Hare without corrections: the quotients add up to H, so 0 <= leftover < the
        number of active lists, one seat each to the largest remainders."""
        ctx, n = self.ctx, self.n
        gets = [z3.And(has, act[i], rank[i] < left) for i in range(n)]
        seats = []
        for i in range(n):
            s = ctx.int_var(f"s{i + 1}")
            ctx.add(s == f[i] + z3.If(gets[i], 1, 0))
            seats.append(s)
        for i in range(n):
            for j in range(i + 1, n):
                self.tie(z3.Or(z3.And(gets[i], act[j], z3.Not(gets[j]), rem[i].eq(rem[j])),
                               z3.And(gets[j], act[i], z3.Not(gets[i]), rem[i].eq(rem[j]))), i, j)
        return seats

    def _leftover_general(self, act: list[z3.BoolRef], has: z3.BoolRef, f: list[z3.ArithRef],
                          rem: list[Num], rank: list[z3.ArithRef],
                          left: z3.ArithRef) -> list[z3.ArithRef]:
        """Any leftover L. L >= 0: every active list gets floor(L/m), then L mod m go by largest
        remainder. L < 0: -L seats are taken back in rounds, one from every holder while -L is
        at least the number of holders, then from the smallest remainders among the holders."""
        ctx, n = self.ctx, self.n
        m = count(act)
        base = ctx.int_var("lr.base")
        kk = ctx.int_var("lr.rest")
        divides = [z3.And(m == mm, base * mm + kk == left, kk >= 0, kk < mm)
                   for mm in range(1, n + 1)]
        pos = left >= 0
        ctx.add(z3.If(z3.And(has, pos), z3.Or(divides), z3.And(base == 0, kk == 0)))
        full = ctx.int_var("lr.cycles")
        took = [z3.If(f[i] < full, f[i], full) for i in range(n)]
        took1 = [z3.If(f[i] < full + 1, f[i], full + 1) for i in range(n)]
        act_took = z3.Sum([z3.If(act[i], took[i], 0) for i in range(n)])
        act_took1 = z3.Sum([z3.If(act[i], took1[i], 0) for i in range(n)])
        ctx.add(full >= 0)
        ctx.add(z3.If(z3.And(has, z3.Not(pos)),
                      z3.And(act_took <= -left, -left < act_took1),
                      full == 0))
        rest_neg = -left - act_took
        holder = [z3.And(act[i], f[i] > full) for i in range(n)]
        lrank = _ranks(n, holder, lambda j, i: z3.Or(rem[j].lt(rem[i]),
                                                     z3.And(rem[j].eq(rem[i]), self.beats(i, j))))
        gets = [z3.And(has, pos, act[i], rank[i] < kk) for i in range(n)]
        loses = [z3.And(has, z3.Not(pos), holder[i], lrank[i] < rest_neg) for i in range(n)]
        seats = []
        for i in range(n):
            s = ctx.int_var(f"s{i + 1}")
            plus = z3.If(z3.And(has, pos, act[i]), base, 0) + z3.If(gets[i], 1, 0)
            minus = z3.If(z3.And(has, z3.Not(pos), act[i]), took[i], 0) + z3.If(loses[i], 1, 0)
            ctx.add(s == f[i] + plus - minus)
            seats.append(s)
        for i in range(n):
            for j in range(i + 1, n):
                eq = rem[i].eq(rem[j])
                cut_pos = z3.Or(z3.And(gets[i], act[j], z3.Not(gets[j])),
                                z3.And(gets[j], act[i], z3.Not(gets[i])))
                cut_neg = z3.Or(z3.And(loses[i], holder[j], z3.Not(loses[j])),
                                z3.And(loses[j], holder[i], z3.Not(loses[i])))
                self.tie(z3.And(eq, z3.Or(cut_pos, cut_neg)), i, j)
        return seats

    # -- divisor methods --------------------------------------------------------------------
    def divisors(self, method: Divisor) -> tuple[list[Fraction], int]:
        """The divisors for each list's seats as the seat-by-seat process sees them
        (``effective_divisors``; squares for Huntington-Hill) and how many seats a list can
        hold."""
        smax = self.h
        if self.tier.cap is not None:
            smax = min(smax, self.tier.cap.seats)
        if method.kind is DivisorKind.SEQUENCE:
            if not method.sequence:
                raise UnsupportedClause(method, "divisors", "an empty divisor sequence")
            if method.step is None:
                smax = min(smax, len(method.sequence))
        hh = method.kind is DivisorKind.HUNTINGTON_HILL
        raw: list[Fraction] = []
        for k in range(smax):
            d = method.squared(k) if hh else method.divisor(k)
            if d is None:
                break
            if d < 0:
                raise UnsupportedClause(method, "divisors", f"negative divisor {d}")
            raw.append(d)
        return effective_divisors(raw), min(smax, len(raw))

    def divisor(
        self, method: Divisor, admitted: list[z3.BoolRef], weighted: list[Num], cden: int,
        *, unit: bool = False,
    ) -> list[z3.ArithRef]:
        ctx, n, v = self.ctx, self.n, self.e.votes
        hh = method.kind is DivisorKind.HUNTINGTON_HILL
        ds, smax = self.divisors(method)
        levels = seats_at_level(ds)
        if method.kind is DivisorKind.SEQUENCE and method.step is None:
            # the interpreter cannot fill the tier when every list has used up the sequence
            el = [z3.And(admitted[i], v[i].pos()) for i in range(n)]
            self.degenerate.append(z3.And(z3.Or(el), count(el) * len(method.sequence) < self.hx))
        eps = any(w.eps for w in weighted)
        lam = Num(z3.Real(ctx.name("lambda")))
        if eps:
            lam = Num(lam.a, z3.Real(ctx.name("lambda.eps")))
        if not hh and all(d > 0 for d in ds):
            if unit and not eps:
                self.cut = Num(const(Fraction(1), ctx.real))
                return self.divisor_linear(ds, levels, smax, admitted, weighted, cden)
            ctx.add(lam.ge(ZERO))
            self.cut = lam
            return self.divisor_linear(ds, levels, smax, admitted, weighted, cden, lam)
        ctx.add(lam.ge(ZERO))
        inf_cut = ctx.bool_var("infcut")
        if all(d != 0 for d in ds):
            ctx.add(z3.Not(inf_cut))
        keys = [w.square() if hh else w for w in weighted]
        kscale = cden * cden if hh else cden
        elig = [z3.And(admitted[i], v[i].pos()) for i in range(n)]
        seats: list[z3.ArithRef] = []
        won_eq: list[z3.BoolRef] = []
        lost_eq: list[z3.BoolRef] = []
        at_level: list[z3.ArithRef] = []
        for i in range(n):
            s = ctx.int_var(f"s{i + 1}")
            ctx.add(s >= 0, s <= smax, z3.Implies(z3.Not(elig[i]), s == 0))
            we: list[z3.BoolRef] = []
            le: list[z3.BoolRef] = []
            x: list[z3.ArithRef] = []
            for k in range(smax + 1):
                at = s == k
                conds = []
                if k >= 1:  # the k-th seat (divisor d(k-1)) was won: quotient >= cut
                    d = ds[k - 1]
                    if d == 0:
                        won = z3.And(at, inf_cut)
                    else:
                        rhs = lam.scale(d * kscale, True)
                        conds.append(z3.Not(inf_cut))
                        conds.append(keys[i].ge(rhs))
                        won = z3.And(at, z3.Not(inf_cut), keys[i].eq(rhs))
                    we.append(won)
                    if levels[k - 1] > 1:
                        x.append(z3.If(won, levels[k - 1] - 1, 0))
                if k < smax:  # the next seat (divisor d(k)) was not: quotient <= cut
                    d = ds[k]
                    if d == 0:
                        conds.append(inf_cut)
                        le.append(z3.And(at, inf_cut))
                    else:
                        rhs = lam.scale(d * kscale, True)
                        conds.append(z3.Or(inf_cut, keys[i].le(rhs)))
                        le.append(z3.And(at, z3.Not(inf_cut), keys[i].eq(rhs)))
                if conds:
                    ctx.add(z3.Implies(z3.And(elig[i], at), z3.And(conds)))
            seats.append(s)
            won_eq.append(z3.And(elig[i], z3.Or(we)) if we else z3.BoolVal(False))
            lost_eq.append(z3.And(elig[i], z3.Or(le)) if le else z3.BoolVal(False))
            # seats won at the cut's level (1 for a won_eq list, unless divisors repeat)
            at_level.append(z3.If(won_eq[-1], 1, 0) + z3.Sum(x) if x else z3.If(won_eq[-1], 1, 0))
        self._divisor_total_and_ties(seats, elig, won_eq, lost_eq, smax,
                                     at_level if any(x > 1 for x in levels) else None)
        return seats

    def divisor_linear(self, ds: list[Fraction], levels: list[int], smax: int,
                       admitted: list[z3.BoolRef], weighted: list[Num], cden: int,
                       lam: Num | None = None) -> list[z3.ArithRef]:
        """Divisor method as ``lambda d(s-1) <= w_i <= lambda d(s)`` for a list with s seats,
        ``d`` written as a term in the symbolic seat count s (an explicit prefix, then an
        arithmetic tail). ``lam=None``: the cut is 1 (sound only where the election may be
        scaled freely: the cut is then scaled to 1), which keeps every comparison linear; a
        free cut ``lam`` is multiplied with s written in binary (linear too). Every divisor
        must be positive."""
        ctx, n, v = self.ctx, self.n, self.e.votes
        k0 = 0
        if len(ds) >= 2:
            step = ds[-1] - ds[-2]
            k0 = len(ds) - 1
            while k0 > 0 and ds[k0] - ds[k0 - 1] == step:
                k0 -= 1
        else:
            step = Fraction(0)

        def times(x: Fraction) -> Num:  # x * lambda
            return Num(const(x * cden, ctx.real)) if lam is None else lam.scale(x * cden, True)

        def cut_d(s: z3.ArithRef, ls: Num) -> Num:
            """lambda * d(s); ``ls`` is lambda * s."""
            tail = times(ds[k0] - step * k0) + (ls.scale(step * cden, True) if step else ZERO)
            out = tail
            for k in range(k0 - 1, -1, -1):
                out = ite(s == k, times(ds[k]), out)
            return out

        def level_of(s: z3.ArithRef) -> z3.ArithRef:
            # seats among the first s that share the s-th seat's divisor (levels[s - 1])
            out: z3.ArithRef = z3.IntVal(1)
            for k in range(len(levels) - 1, -1, -1):
                if levels[k] != 1:
                    out = z3.If(s == k + 1, levels[k], out)
            return out

        elig = [z3.And(admitted[i], v[i].pos()) for i in range(n)]
        seats: list[z3.ArithRef] = []
        won_eq: list[z3.BoolRef] = []
        lost_eq: list[z3.BoolRef] = []
        at_level: list[z3.ArithRef] = []
        for i in range(n):
            if lam is None:
                s = ctx.int_var(f"s{i + 1}")
                ctx.add(s >= 0, s <= smax)
                ls = Num(z3.ToReal(s) if ctx.real else s)
                lam1 = Num(const(Fraction(1), ctx.real))
            else:
                bs = ctx.bint(f"s{i + 1}", 0, smax)
                s = bs.expr
                ls = ctx.mul(bs, lam)
                lam1 = lam
            w = weighted[i]
            ctx.add(z3.Implies(z3.Not(elig[i]), s == 0))
            won = z3.And(elig[i], s >= 1)
            more = z3.And(elig[i], s < smax)
            last, nxt = cut_d(s - 1, ls - lam1), cut_d(s, ls)
            ctx.add(z3.Implies(won, w.ge(last)), z3.Implies(more, w.le(nxt)))
            seats.append(s)
            won_eq.append(z3.And(won, w.eq(last)))
            lost_eq.append(z3.And(more, w.eq(nxt)))
            at_level.append(z3.If(won_eq[-1], level_of(s), 0))
        self._divisor_total_and_ties(seats, elig, won_eq, lost_eq, smax,
                                     at_level if any(x > 1 for x in levels) else None)
        return seats

    def _divisor_total_and_ties(self, seats: list[z3.ArithRef], elig: list[z3.BoolRef],
                                won_eq: list[z3.BoolRef], lost_eq: list[z3.BoolRef], smax: int,
                                at_level: list[z3.ArithRef] | None = None,
                                canonical: bool = True) -> None:
        """Both divisor encodings: the seats add up to the house (or to what the eligible lists
        can hold); a list whose last seat's quotient equals another's next quotient must beat it
        in the tie chain, and the pair is a tie.

        ``at_level`` (divisor sequences that repeat a divisor): how many seats each list won at
        the cut's level. Lists at one level get a seat per round (docs/language.md), so a list
        that wants another seat at the cut has at most one seat there fewer than any other list
        that won some, and one fewer only if it lost that round's tie."""
        ctx, n, h = self.ctx, self.n, self.hx
        has = z3.Or(elig)
        capacity = count(elig) * smax
        ctx.add(z3.Sum(seats) == z3.If(has, z3.If(capacity < h, capacity, h), 0))
        if canonical:
            # the cut is the lowest quotient that won a seat (the top of the interval of cuts
            # that give these seats): a function of the votes, so that two allocations of one
            # query can be compared cut against cut; no election loses its seats by it
            ctx.add(z3.Implies(z3.And(has, h > 0) if not isinstance(h, int) else has, z3.Or(won_eq)))
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                both = z3.And(won_eq[i], lost_eq[j])
                if at_level is None:
                    ctx.add(z3.Implies(both, self.beats(i, j)))
                    if i < j:
                        self.tie(z3.Or(both, z3.And(won_eq[j], lost_eq[i])), i, j)
                    continue
                xi, xj = at_level[i], at_level[j]
                ctx.add(z3.Implies(both, z3.And(xi <= xj + 1,
                                                z3.Implies(xi == xj + 1, self.beats(i, j)))))
                if i < j:
                    self.tie(z3.Or(z3.And(both, xi == xj + 1),
                                   z3.And(won_eq[j], lost_eq[i], xj == xi + 1)), i, j)

    # -- guarantees -------------------------------------------------------------------------
    def guarantee(
        self, seats: list[z3.ArithRef], g: int, on: z3.BoolRef, want: int
    ) -> list[z3.ArithRef]:
        ctx, n = self.ctx, self.n
        if z3.is_false(z3.simplify(on)):
            return seats
        for _ in range(want):
            need = z3.And(on, seats[g] < want)
            donor = []
            for j in range(n):
                if j == g:
                    donor.append(z3.BoolVal(False))
                    continue
                most = []
                for k in range(n):
                    if k in (g, j):
                        continue
                    # the tie's winners keep their seats: the donor loses to every tied list
                    most.append(z3.Or(seats[j] > seats[k],
                                      z3.And(seats[j] == seats[k], self.beats(k, j))))
                donor.append(z3.And(need, seats[j] >= 1, *most))
            for j in range(n):
                for k in range(j + 1, n):
                    if g in (j, k):
                        continue
                    self.tie(z3.And(z3.Or(donor[j], donor[k]), seats[j] == seats[k]), j, k)
            moved = z3.Or(donor)
            new = []
            for j in range(n):
                s = ctx.int_var(f"g.s{j + 1}")
                if j == g:
                    ctx.add(s == seats[j] + z3.If(moved, 1, 0))
                else:
                    ctx.add(s == seats[j] - z3.If(donor[j], 1, 0))
                new.append(s)
            seats = new
        return seats


ALLIANCE_TAG = "alliance#"  # tags of the free alliance partition (no rule file can name them)
LOT_TAG = "lot#"  # tags of a free draw: lot#k holds the list drawn k-th


def lot_reached(ties: Ties | None) -> bool:
    """Whether the chain can reach ``lot`` (no registration or ballot order before it)."""
    for c in ties.criteria if ties is not None else ():
        if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
            return False
        if c is TieCriterion.LOT:
            return True
    return False


def refuse_lot(tier: Tier, districted: bool) -> None:
    """A draw is encoded as one free order per allocation, which is every outcome of the lot
    exactly when the allocation breaks at most one tie: the method's cut. Refused (with the
    ``ties`` line) where the interpreter can draw several lots in one allocation."""
    assert tier.ties is not None
    steps = [type(a).__name__ for p in tier.provisions for a in p.actions if not isinstance(a, Correction)]
    why = ""
    if districted:
        why = "lots in districts are not encoded yet"
    elif steps:
        why = (f"a draw beside {', '.join(sorted(set(steps)))} is not encoded (each tie-breaking step "
               "draws its own lot)")
    elif tier.cap is not None or tier.alliances is not None:
        why = "a draw beside a cap or alliances is not encoded (each round or split draws its own lot)"
    if why:
        raise UnsupportedClause(tier.ties, "ties ... lot", why)


def lot_tags(ctx: Ctx, n: int) -> dict[str, list[z3.BoolRef]]:
    """A free draw of the n lists: ``lot#k`` (k = 1..n) holds exactly one list, each list is
    in exactly one; a property holds only if it holds for every draw."""
    out = {f"{LOT_TAG}{k + 1}": [ctx.bool_var(f"L{i + 1}#{LOT_TAG}{k + 1}") for i in range(n)]
           for k in range(n)}
    for k in range(n):
        ctx.add(z3.PbEq([(out[f"{LOT_TAG}{k + 1}"][i], 1) for i in range(n)], 1))
    for i in range(n):
        ctx.add(z3.PbEq([(out[f"{LOT_TAG}{k + 1}"][i], 1) for k in range(n)], 1))
    return out


def lot_ranks(draw: dict[str, list[z3.BoolRef]], n: int) -> list[z3.ArithRef]:
    """Each list's place in the draw (0 = drawn first)."""
    return [z3.Sum([z3.If(draw[f"{LOT_TAG}{k + 1}"][i], k, 0) for k in range(n)]) for i in range(n)]


def lot_order(tags: dict[str, list[bool]]) -> tuple[str, ...] | None:
    """The draw a counterexample's tags name (abbrs, first drawn first), or None."""
    if f"{LOT_TAG}1" not in tags:
        return None
    n = len(tags[f"{LOT_TAG}1"])
    return tuple(f"L{i + 1}" for k in range(n) for i in range(n) if tags[f"{LOT_TAG}{k + 1}"][i])


def replay_tier(tier: Tier, tags: dict[str, list[bool]]) -> Tier:
    """``tier`` with its lots drawn as the tags say (``Ties.draw``), for the interpreter."""
    order = lot_order(tags)
    if order is None or tier.ties is None:
        return tier
    return dataclasses.replace(tier, ties=dataclasses.replace(tier.ties, draw=order))


def alliance_pairs(ctx: Ctx, e: SymElection) -> list[list[z3.BoolRef]]:
    """For each pair of lists, whether they are in one alliance: a free partition of the lists,
    as tags ``alliance#1`` .. ``alliance#m`` (m = n // 2, enough for every partition into groups
    of two or more), each list in at most one. Made once per election and shared, like its
    tags, with the elections derived from it; a counterexample names its alliances."""
    n = e.n
    m = max(1, n // 2)
    names = [f"{ALLIANCE_TAG}{k + 1}" for k in range(m)]
    if names[0] not in e.tags:
        for t in names:
            e.tags[t] = [ctx.bool_var(f"L{i + 1}#{t}") for i in range(n)]
    for i in range(n):
        ctx.add(z3.AtMost(*[e.tags[t][i] for t in names], 1))
    return [[z3.Or([z3.And(e.tags[t][i], e.tags[t][j]) for t in names]) for j in range(n)]
            for i in range(n)]


def alliance_groups(tags: dict[str, list[bool]]) -> list[list[int]]:
    """The alliances a counterexample's tags name (indices of lists), for the interpreter."""
    return [[i for i, on in enumerate(flags) if on] for t, flags in sorted(tags.items())
            if t.startswith(ALLIANCE_TAG) and sum(flags) >= 2]


def concrete_lists(votes: list[int], tags: dict[str, list[bool]]) -> tuple[tuple[ListEntry, ...],
                                                                           tuple[tuple[str, ...], ...]]:
    """The lists L1..Ln of a concrete election (registered and on the ballot in that order) with
    their tags, and the alliances the tags name: as each list's combination and as agreements,
    so that either source of ``alliances`` reads them."""
    groups = alliance_groups(tags)
    comb = {i: f"A{k + 1}" for k, g in enumerate(groups) for i in g}
    entries = tuple(
        ListEntry(abbr=f"L{i + 1}", votes=v, registration_order=i + 1, ballot_order=i + 1,
                  tags=frozenset(t for t, flags in tags.items()
                                 if flags[i] and not t.startswith((ALLIANCE_TAG, LOT_TAG))),
                  combination=comb.get(i))
        for i, v in enumerate(votes))
    return entries, tuple(tuple(f"L{i + 1}" for i in g) for g in groups)


def effective_divisors(ds: list[Fraction]) -> list[Fraction]:
    """The divisors as the seat-by-seat process sees them: each the largest so far.

    Only the first divisor may exceed the next (``modified_sainte_lague first 4``: 4, 3, 5, ...).
    A list that wins a seat at w / d(0) then holds a higher quotient w / d(1) than every other
    list (they were all at or below w / d(0)), so it wins the following seats at once, up to the
    first divisor above d(0), before anyone else; lists level with it have its votes and go in
    step with it. That is exactly what the sequence 4, 4, 5, ... gives with one seat per round at
    a level, which the cut model can express (for a first divisor above the second, the cut model
    on the raw sequence would give no list exactly one seat)."""
    out: list[Fraction] = []
    for d in ds:
        out.append(d if not out or d > out[-1] else out[-1])
    return out


def seats_at_level(ds: list[Fraction]) -> list[int]:
    """For s = 1..len(ds): how many of a list's first s seats share the s-th seat's divisor
    (1 for a strictly increasing sequence; more on a run of equal divisors)."""
    out: list[int] = []
    for k, d in enumerate(ds):
        out.append(out[-1] + 1 if k and ds[k - 1] == d else 1)
    return out


def _ranks(n: int, members: list[z3.BoolRef],
           before: Callable[[int, int], z3.BoolRef]) -> list[z3.ArithRef]:
    """For each list i: how many member lists j come before it (``before(j, i)``)."""
    return [z3.Sum([z3.If(z3.And(members[j], before(j, i)), 1, 0) for j in range(n) if j != i]
                   or [z3.IntVal(0)]) for i in range(n)]


def refuse_extensions(tier: Tier, districted: bool = False) -> None:
    """Raise ``UnsupportedClause`` for the clauses the encoder does not express. ``districted``:
    the tier is encoded in one unit of a districted chamber (verify/districts.py), so
    ``in each district`` and national thresholds are expressed."""
    for t in tier.thresholds:
        if getattr(t, "regional", False):
            raise UnsupportedClause(t, "threshold ... in every region",
                                    "regional figures are not modelled")
        if getattr(t, "district_op", None) is not None:
            raise UnsupportedClause(t, "threshold ... or district_seats",
                                    "district seats are not modelled")
        if getattr(t, "quotas", None) is not None and t.base is None:
            raise UnsupportedClause(t, "threshold ... quotas", "a quota threshold needs a base")
    for p in tier.provisions:
        if p.condition is not None and p.condition.subject != "passed":
            raise UnsupportedClause(p.condition, str(p.condition), "only `passed` is modelled")
        for a in p.actions:
            if isinstance(a, AdmitNext) and any(isinstance(b, AdmitRunnerUp) for q in tier.provisions
                                                for b in q.actions):
                raise UnsupportedClause(a, "admit next until ...", "sequential admission beside "
                                        "`admit runner_up` in one tier is not encoded")
            if not isinstance(a, (AdmitRunnerUp, AdmitNext, Guarantee, Correction)):
                raise UnsupportedClause(a, type(a).__name__, "unknown action")
            if isinstance(a, Guarantee) and a.source.value != "largest":
                raise UnsupportedClause(a, "guarantee", f"source {a.source.value}")
    for c in tier.consolations:
        if not isinstance(tier.method, LargestRemainder):
            raise UnsupportedClause(c, "consolation", "consolation seats beside a divisor method are "
                                    "not encoded (only largest remainder)")
        if tier.cap is not None:
            raise UnsupportedClause(c, "consolation", "consolation seats beside a cap are not encoded")
    if tier.alliances is not None and (tier.cap is not None or tier.consolations):
        raise UnsupportedClause(tier.alliances, "alliances", "alliances beside a cap or consolation seats "
                                "are not encoded (the interpreter refuses alliances with a cap)")
    for name, what in (("compensation", "mixed-member compensation"),):
        val = getattr(tier, name, None)
        if val:
            node = val[0] if isinstance(val, tuple) else val
            raise UnsupportedClause(node, what, "not encoded by the verifier")
    refuse_levels2(tier)
    _refuse_districts(tier, districted)
    _refuse_levels(tier)


def _refuse_levels(tier: Tier) -> None:
    """The clauses of levels (issue 15: levelling against a lower tier, overhang policies, divisor
    methods continued from held seats, seats placed by quotients): refused with their line until
    the encoder models them (issue 16), never dropped."""
    why = "levels are not encoded by the verifier yet"
    for name, what in (("levelling", "levelling against tier ..."), ("overhang_policy", "overhang ..."),
                       ("continuation", "continue after tier ..."), ("calculation", "calculation only")):
        node = getattr(tier, name, None)
        if node is not None:
            raise UnsupportedClause(node, what, why)
    for p in getattr(tier, "level_placements", ()):
        raise UnsupportedClause(p, f"place in each {p.level} by {p.method.kind.value}", why)


def refuse_levels2(tier: Tier) -> None:
    """The clauses of the levels issue that move seats between levels (biproportional
    apportionment, majority bonus): refused with their line until the encoder models them (issue 16), never dropped."""
    for name, what, why in (
            ("upper", "upper apportionment ...", "biproportional apportionment is not encoded by the verifier yet"),
            ("lower", "lower apportionment ...", "biproportional apportionment is not encoded by the verifier yet"),
            ("bonus", "bonus ... to first list", "majority bonuses are not encoded by the verifier yet"),
            ("single_member", "elected by plurality / winners given",
             "single-member seats are not encoded by the verifier yet")):
        node = getattr(tier, name, None)
        if node is not None:
            raise UnsupportedClause(node, what, why)


def _refuse_districts(tier: Tier, districted: bool = False) -> None:
    """The clauses of districts (tiers in units, cross-tier values, thresholds at other levels or
    with alternatives, member counts, exemptions, integer parts only, blank ballots in a base):
    refused until the encoder models districts (issue 16), never dropped."""
    why = "districts are not encoded by the verifier yet"
    if getattr(tier, "level", None) is not None and not districted:
        raise UnsupportedClause(tier, f"tier ... in each {tier.level}", why)
    for name, what in (("seats_from", "seats unfilled in tier ..."), ("votes_from", "votes remainders of tier ..."),
                       ("placement", "place in each ... by remainders of tier ..."),
                       ("exempt", "exempt ... from thresholds")):
        node = getattr(tier, name, None)
        if node is not None:
            raise UnsupportedClause(node, what, why)
    if getattr(tier.method, "integer_parts_only", False):
        raise UnsupportedClause(tier.method, "integer parts only", why)
    for t in tier.thresholds:
        if getattr(t, "alternatives", ()):
            raise UnsupportedClause(t, "threshold ... or ...", "alternative tests are not encoded yet")
        if getattr(t, "scope", None) is not None and t.scope.value != "unit" and not (
                districted and t.scope is Scope.NATION):
            raise UnsupportedClause(t, f"threshold ... {t.scope.value}", why)
        if t.base is not None and t.base.value == "valid_votes_and_blank":
            raise UnsupportedClause(t, "valid_votes_and_blank", "blank ballots are not modelled")
    selectors = [t.applies_to for t in tier.thresholds] + [getattr(a, "who", None) for p in tier.provisions
                                                          for a in p.actions]
    for sel in selectors:
        if sel is not None and sel.kind.value == "members":
            raise UnsupportedClause(sel, str(sel), "the number of member parties is not modelled")


def _num_cmp(op: str, left: Num, right: Num) -> z3.BoolRef:
    return {
        "=": lambda: left.eq(right),
        "!=": lambda: z3.Not(left.eq(right)),
        "<": lambda: left.lt(right),
        "<=": lambda: left.le(right),
        ">": lambda: left.gt(right),
        ">=": lambda: left.ge(right),
    }[op]()


def _cmp(op: str, left: z3.ArithRef, right: int) -> z3.BoolRef:
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def encode_tier(
    ctx: Ctx,
    tier: Tier,
    election: SymElection,
    *,
    house: int | None = None,
    norm: Num | None = None,
    implied: bool = False,
    label: str = "",
    method: bool = True,
    national: SymElection | None = None,
) -> TierEnc:
    """Encode ``tier`` (with ``house`` seats instead of its own, if given) on ``election``.

    ``national``: ``election`` is one district of a districted chamber and ``national`` the
    whole election (the sums over the districts), where thresholds ``nationally`` are tested.

    ``norm`` (``implied=False``): this allocation carries the query's **scale**: its divisor cut
    is 1 (divisor methods) or its admitted votes sum to ``norm`` whenever some admitted list has
    a vote. Only sound when the whole query is scale invariant, and only once per context (a
    second scale is refused: two normalisations of one scale are how elections silently drop out
    of a query).

    ``norm`` with ``implied=True``: the admitted votes equal ``norm``, a claim that must follow
    from the rest of the query (a second election whose admitted set is known to be the first's).
    The equation goes to ``ctx.implied``, which the engine proves before it uses it.

    ``method=False``: thresholds and admission only; the seats and the flags are fresh,
    unconstrained variables, so any formula satisfiable on the full encoding is satisfiable on
    this one (used to show cheaply that a case split is empty).
    """
    h = tier.seats if house is None else house
    if h < 1:
        raise VerifyError(f"a house of {h} seats: every allocation needs at least 1 seat")
    enc = _TierEncoder(ctx, tier, election, h, national)
    enc.label = label or f"house {h}"
    enc.method = method
    return enc.run(norm, implied)


def check_supported(tier: Tier) -> None:
    """Raise ``UnsupportedClause`` for the first clause of ``tier`` the encoder cannot express."""
    ctx = Ctx(real=tier.scale_invariant)
    e = make_election(ctx, 2, "probe", needed_extras([tier]), needed_tags([tier]))
    encode_tier(ctx, tier, e)


def lcm_all(xs: list[int]) -> int:
    out = 1
    for x in xs:
        out = lcm(out, x)
    return out
