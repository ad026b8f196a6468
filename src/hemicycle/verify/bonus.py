"""A majority bonus in the verifier (docs/verify.md, "Levels": bonus-majority).

The family: one tier (no districts, no appointed seats) with thresholds on shares of the valid
votes, ``bonus N seats to first list [from SHARE of valid_votes] [plus K seat(s) per STEP]
[up to M seats]``, and Hare largest remainder or a divisor method with increasing rational
divisors (verify/levels.py encodes both with a symbolic house). Anything else is refused with
its line.

The encoding: rational votes per list (every valid vote is for a list: the base is their sum);
the admitted lists (a vote, every threshold passed); the first list (strictly the most votes:
equal most votes need the tie chain and are left out, as are ties at the method's cut); its
bonus (0 below SHARE; else N plus K per whole STEP of share above SHARE, written with a bounded
integer count of steps; at most M; at most the tier's seats); the method on the tier's seats
less the bonus among the admitted lists, the leader included; the leader's seats = its seats by
the method + the bonus.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import z3

from hemicycle.election import Election, ListEntry
from hemicycle.model import Base, Bonus, Chamber, Tier
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.errors import EncodingMismatch, UnsupportedClause, refuse_present
from hemicycle.verify.level_encoding import passes
from hemicycle.verify.level_family import check_method, check_threshold
from hemicycle.verify.level_methods import apportion, bounded, mul_int
from hemicycle.verify.symbolic import Ctx


@dataclass(frozen=True)
class BonusSystem:
    chamber: Chamber
    tier: Tier

    @property
    def bonus(self) -> Bonus:
        assert self.tier.bonus is not None
        return self.tier.bonus


def has_bonus(chamber: Chamber) -> bool:
    return any(t.bonus is not None for t in chamber.tiers)


def bonus_system(chamber: Chamber) -> BonusSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside it."""
    tier = next(t for t in chamber.tiers if t.bonus is not None)
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside a bonus are not encoded yet")
    for lv in chamber.levels:
        raise UnsupportedClause(lv, lv.label, "a bonus in a districted chamber is not encoded yet")
    for t in chamber.tiers:
        if t is not tier:
            raise UnsupportedClause(t, "tier", "one tier with a bonus is encoded, no other tier")
    refuse_present(((tier.cap, "cap"), (tier.alliances, "alliances"), (tier.compensation, "compensate"),
                    (tier.exempt, "exempt"), (tier.surplus, "surplus"), (tier.levelling, "levelling"),
                    (tier.upper, "upper apportionment"), (tier.provisions, "provisions"),
                    (tier.consolations, "consolation")), "not encoded beside a bonus")
    b = tier.bonus
    assert b is not None
    if b.base is not None and b.base not in (Base.VALID_VOTES, Base.LIST_VOTES):
        raise UnsupportedClause(b, f"bonus ... of {b.base.value}", "only valid_votes is encoded")
    check_method(tier.method, tier)
    for t in tier.thresholds:
        check_threshold(t)
    return BonusSystem(chamber, tier)


@dataclass
class BonusEnc:
    votes: list[z3.ArithRef]
    leader: list[z3.BoolRef]
    bonus: z3.ArithRef
    share: z3.ArithRef  # the leader's votes (its share times the total)
    total: z3.ArithRef
    seats: list[z3.ArithRef]
    defined: z3.BoolRef


def bonus_election(ctx: Ctx, n: int, label: str, max_votes: int | None = None) -> list[z3.ArithRef]:
    votes = [z3.Real(ctx.name(f"{label}.v{p + 1}")) if max_votes is None
             else z3.ToReal(z3.Int(ctx.name(f"{label}.v{p + 1}"))) for p in range(n)]
    ctx.add(*[x >= 0 for x in votes])
    if max_votes is not None:
        ctx.add(*[x <= max_votes for x in votes])
    return votes


def _bonus_seats(ctx: Ctx, b: Bonus, v: z3.ArithRef, T: z3.ArithRef, cap: int) -> z3.ArithRef:
    """The bonus (before the tier's seats cap it) for a leader with ``v`` votes of ``T``."""
    top = b.seats if b.cap is None else min(b.seats, b.cap)
    if b.share is None:
        return z3.IntVal(min(top, cap))
    start = z3.RealVal(str(b.share)) * T
    reached = v >= start if b.inclusive else v > start
    seats: z3.ArithRef = z3.IntVal(b.seats)
    if b.step is not None and b.step_seats:
        most = int((1 - b.share) / b.step) + 1
        k = ctx.bint("steps", 0, most)
        step = z3.RealVal(str(b.step))
        kT = mul_int(ctx, k, T)
        ctx.add(z3.Implies(z3.And(reached, T > 0), z3.And(kT * step <= v - start, v - start < (kT + T) * step)))
        seats = seats + b.step_seats * k.expr
    if b.cap is not None:
        seats = z3.If(seats > b.cap, z3.IntVal(b.cap), seats)
    seats = z3.If(seats > cap, z3.IntVal(cap), seats)
    return z3.If(reached, seats, z3.IntVal(0))


def allocate_bonus(ctx: Ctx, sys: BonusSystem, votes: list[z3.ArithRef]) -> BonusEnc:
    tier, n, H = sys.tier, len(votes), sys.tier.seats
    T = z3.Sum(votes)
    admitted = [z3.And(votes[p] > 0, *[passes(t, votes[p], T, z3.IntVal(0)) for t in tier.thresholds])
                for p in range(n)]
    leader = [z3.And(admitted[p], *[z3.Or(z3.Not(admitted[q]), votes[p] > votes[q]) for q in range(n) if q != p])
              for p in range(n)]
    lead_votes = z3.Sum([z3.If(leader[p], votes[p], 0) for p in range(n)])
    some = z3.Or(leader)
    raw = _bonus_seats(ctx, sys.bonus, lead_votes, T, H)
    bonus = bounded(ctx, "bonus", z3.If(some, raw, 0), 0, H)
    house = bounded(ctx, "rest", H - bonus.expr, 0, H)
    seats, ok = apportion(ctx, tier.method, house, votes, admitted)
    seats = [s + z3.If(leader[p], bonus.expr, 0) for p, s in enumerate(seats)]
    # a result: some list admitted with strictly the most votes (no tie for first), no tie at the cut
    defined = z3.And(ok, some, z3.Or(house.expr == 0, T > 0))
    return BonusEnc(votes, leader, bonus.expr, lead_votes, T, seats, defined)


# --- concrete elections ----------------------------------------------------------------------


def election_of(votes: list[int]) -> Election:
    lists = tuple(ListEntry(abbr=f"L{p + 1}", votes=v, registration_order=p + 1, ballot_order=p + 1)
                  for p, v in enumerate(votes))
    return Election(lists=lists, totals=totals_for(votes), name="counterexample")


def interpret(sys: BonusSystem, votes: list[int]) -> tuple[list[int], str] | str:
    from hemicycle.interpreter import AllocationError, TieError, allocate

    try:
        res = allocate(sys.chamber, election_of(votes))
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    return [res.seats.get(f"L{p + 1}", 0) for p in range(len(votes))], res.explain()


def encoded(sys: BonusSystem, votes: list[int]) -> tuple[list[int], bool]:
    """The encoding's seats for concrete votes, and whether the election is defined."""
    ctx = Ctx(real=True, prefix="c.")
    vs = bonus_election(ctx, len(votes), "E")
    enc = allocate_bonus(ctx, sys, vs)
    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *[x == v for x, v in zip(vs, votes, strict=True)])
    s.push()
    s.add(enc.defined)
    defined = s.check() == z3.sat
    if not defined:
        s.pop()
        if s.check() != z3.sat:
            raise EncodingMismatch(f"the bonus encoding has no allocation for votes {votes}")
    m = s.model()
    return [m.eval(x, model_completion=True).as_long() for x in enc.seats], defined


def agree(sys: BonusSystem, votes: list[int]) -> str | None:
    want = interpret(sys, votes)
    try:
        got, defined = encoded(sys, votes)
    except EncodingMismatch as exc:
        return str(exc)
    if isinstance(want, str):
        return None if not defined else f"votes {votes}: interpreter {want}, encoding {got}"
    if not defined:
        return f"votes {votes}: interpreter {want[0]}, encoding says no result"
    return None if got == want[0] else f"votes {votes}: interpreter {want[0]}, encoding {got}"


def majority_query(sys: BonusSystem, n: int, at_least: Fraction | None, max_votes: int | None
                   ) -> tuple[Ctx, BonusEnc, list[z3.BoolRef], z3.BoolRef]:
    """One election where the first list reaches the bonus's condition (or ``at_least`` of the
    votes), and the violation: it has no majority (at most half the tier's seats)."""
    ctx = Ctx(real=True, prefix="b.")
    enc = allocate_bonus(ctx, sys, bonus_election(ctx, n, "A", max_votes))
    b = sys.bonus
    share = at_least if at_least is not None else (b.share if b.share is not None else Fraction(0))
    bar = z3.RealVal(str(share)) * enc.total
    cond = enc.share >= bar if (at_least is not None or b.inclusive) else enc.share > bar
    lead_seats = z3.Sum([z3.If(enc.leader[p], enc.seats[p], 0) for p in range(n)])
    return ctx, enc, [enc.defined, cond], 2 * lead_seats <= sys.tier.seats
