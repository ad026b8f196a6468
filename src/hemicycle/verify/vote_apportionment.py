"""Largest remainder with a symbolic integer quota over a symbolic number of seats, in linear
integer arithmetic (issue 16: the Czech Republic's apportionment of seats to regions by their
valid votes, its two scrutinies).

A product of two symbols is never formed: every product has one factor known to lie in a small
range (a number of seats, an integer part), and is written **by cases** of that factor's bits
(``Bits.times``): ``x * y = sum of If(bit_j, 2^j * y, 0)``, linear in each case. The interpreter's semantics are those
of ``interpreter/largest_remainder.py``:

* the quota ``quota_value`` of the total ``N`` for ``D = seats + delta`` (Hare 0, Hagenbach-
  Bischoff 1, Imperiali 2; Droop ``floor(N / (seats + 1)) + 1``) rounded down, up or to the
  nearest whole vote (a half up); a quota of 0 gives no result;
* integer parts ``floor(w / q)``, remainders ``w - floor(w / q) * q``;
* seats left over: as many rounds of one seat a list as they allow, then the largest
  remainders (unless ``integer parts only``: they stay unfilled); integer parts beyond the seats:
  one seat back from each holder round after round, then from the smallest remainders;
* a tie at a cut by the chain, lexicographically (``Favour``): more or fewer of a figure, the
  registration order, a lot (a free order of the entries: every draw is covered, and a
  counterexample names the draw it needs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import z3

from hemicycle.model import Quota, QuotaKind, Rounding, TieCriterion, Ties
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.symbolic import Ctx

Int = z3.ArithRef
# the criteria a chain may hold here; it must end in one that decides every tie
TOTAL_CRITERIA = (TieCriterion.LOT, TieCriterion.REGISTRATION_ORDER)
KNOWN_CRITERIA = (*TOTAL_CRITERIA, TieCriterion.MORE_VOTES, TieCriterion.FEWER_VOTES)
DELTA = {QuotaKind.HARE: 0, QuotaKind.DROOP: 1, QuotaKind.HAGENBACH_BISCHOFF: 1, QuotaKind.IMPERIALI: 2}


@dataclass
class Bits:
    """A bounded integer written in binary: ``times`` multiplies it by a symbol linearly."""

    expr: Int
    bits: list[z3.BoolRef]

    def times(self, y: Int) -> Int:
        """``self * y``: the sum of ``2^j * y`` over the set bits (linear in each case)."""
        return z3.Sum([z3.If(b, y * 2**j, 0) for j, b in enumerate(self.bits)] or [z3.IntVal(0)])


def bounded(ctx: Ctx, label: str, hi: int, value: Int | None = None) -> Bits:
    """A fresh integer in 0..hi (equal to ``value`` if given), with its bits."""
    x = ctx.int_var(label)
    bits = [ctx.bool_var(f"{label}.bit{j}") for j in range(max(1, hi.bit_length()))]
    ctx.add(x == z3.Sum([z3.If(b, 2**j, 0) for j, b in enumerate(bits)]), x <= hi)
    if value is not None:
        ctx.add(x == value)
    return Bits(x, bits)


def constant(k: int) -> Bits:
    """A known number as ``Bits`` (its bits are constants)."""
    return Bits(z3.IntVal(k), [z3.BoolVal(bool(k >> j & 1)) for j in range(max(1, k.bit_length()))])


def check_quota(quota: Quota) -> None:
    """Only whole-vote quotas are encoded here (the integer parts of a symbolic exact quota with
    a symbolic number of seats would be a product of two symbols in each comparison)."""
    if quota.kind is not QuotaKind.DROOP and quota.rounding is Rounding.EXACT:
        raise UnsupportedClause(quota, f"quota {quota.kind.value}", "an exact (unrounded) quota over a "
                                "number of seats that depends on the votes is not encoded; a rounded one is")


def quota_of(ctx: Ctx, quota: Quota, total: Int, seats: Bits, on: z3.BoolRef, label: str) -> Int:
    """The whole-vote quota of ``total`` votes for ``seats`` seats (in 0..seats_hi), constrained
    when ``on``; 0 when the rounding gives 0 (the interpreter then gives no result)."""
    check_quota(quota)
    q = ctx.int_var(f"{label}.quota")
    d = DELTA[quota.kind]
    dq = seats.times(q) + q * d  # D * q, D = seats + delta
    dq1 = dq + seats.expr + d  # D * (q + 1)
    dqm1 = dq - seats.expr - d  # D * (q - 1)
    big_d = seats.expr + d
    if quota.kind is QuotaKind.DROOP:
        rule = z3.And(dqm1 <= total, total < dq)
    elif quota.rounding is Rounding.NEAREST:
        rule = z3.And(2 * dq <= 2 * total + big_d, 2 * total + big_d < 2 * dq1)
    elif quota.rounding is Rounding.UP:
        rule = z3.And(dqm1 < total, total <= dq)
    else:
        rule = z3.And(dq <= total, total < dq1)
    ctx.add(q >= 0, z3.Implies(on, rule), z3.Implies(z3.Not(on), q == 0))
    return q


@dataclass
class Favour:
    """The order a tie chain gives to entries tied at a cut: ``before(j, i)`` is j favoured over i."""

    before: Callable[[int, int], z3.BoolRef]
    lot: list[Int]  # the free draw: each entry's place (0 first), or [] without a lot


def lot_places(ctx: Ctx, name: str, k: int) -> list[Int]:
    """A free draw of ``k`` entries: distinct places 0..k-1, named by the query (``ctx.prefix``)
    so that both elections of a step draw the same lot."""
    out = [z3.Int(f"{ctx.prefix}draw.{name}.{i}") for i in range(k)]
    ctx.add(*[z3.And(x >= 0, x < k) for x in out])
    if k > 1:
        ctx.add(z3.Distinct(*out))
    return out


def favour(ctx: Ctx, ties: Ties | None, name: str, keys: Sequence[Int], where: object) -> Favour:
    """The chain of ``ties`` over entries whose ``more_votes`` figures are ``keys``."""
    criteria = ties.criteria if ties is not None else ()
    for c in criteria:
        if c not in KNOWN_CRITERIA:
            raise UnsupportedClause(ties or where, f"ties {c.value}",  # type: ignore[arg-type]
                                    "not encoded in the second-scrutiny family")
    if not criteria or criteria[-1] not in TOTAL_CRITERIA:
        raise UnsupportedClause(ties or where, "ties ...",  # type: ignore[arg-type]
                                "a chain that can leave a tie unbroken is not encoded in the second-scrutiny "
                                "family (end it with lot or registration_order)")
    k = len(keys)
    lot = lot_places(ctx, name, k) if TieCriterion.LOT in criteria else []

    def before(j: int, i: int) -> z3.BoolRef:
        out: z3.BoolRef = z3.BoolVal(False)
        for c in reversed(criteria):
            if c is TieCriterion.LOT:
                out = lot[j] < lot[i]
            elif c is TieCriterion.REGISTRATION_ORDER:
                out = z3.BoolVal(j < i)
            else:
                a, b = (keys[j], keys[i]) if c is TieCriterion.MORE_VOTES else (keys[i], keys[j])
                out = z3.Or(a > b, z3.And(a == b, out))
        return out

    return Favour(before, lot)


@dataclass
class LR:
    """One largest-remainder allocation: the integer parts, remainders and final seats."""

    parts: list[Int]
    rems: list[Int]
    seats: list[Bits]


def largest_remainder(ctx: Ctx, label: str, votes: Sequence[Int], act: Sequence[z3.BoolRef], q: Int,
                      seats: Bits, on: z3.BoolRef, fav: Favour, part_hi: int, seats_hi: int, *,
                      give: bool = True) -> LR:
    """``seats`` seats among the ``act`` entries by their ``votes`` and the whole-vote quota ``q``
    (``on``: the allocation takes place and q >= 1; otherwise every seat is 0). ``part_hi``
    bounds an integer part (implied by the quota: the caller proves it); ``give=False``: integer
    parts only (seats left over are not given; an excess is still taken back)."""
    n = len(votes)
    parts, rems = [], []
    for i in range(n):
        tb = bounded(ctx, f"{label}.part{i + 1}", part_hi)
        t = tb.expr
        live = z3.And(on, act[i])
        tq = tb.times(q)
        ctx.add(z3.Implies(live, z3.And(tq <= votes[i], votes[i] < tq + q)), z3.Implies(z3.Not(live), t == 0))
        parts.append(t)
        rems.append(votes[i] - tq)
    left = seats.expr - z3.Sum(parts)
    final = _finish(ctx, label, parts, rems, act, left, on, fav, give)
    return LR(parts, rems, [bounded(ctx, f"{label}.final{i + 1}", seats_hi, x) for i, x in enumerate(final)])


def _ranks(n: int, members: Sequence[z3.BoolRef], before: Callable[[int, int], z3.BoolRef]) -> list[Int]:
    return [z3.Sum([z3.If(z3.And(members[j], before(j, i)), 1, 0) for j in range(n) if j != i] or [z3.IntVal(0)])
            for i in range(n)]


def _finish(ctx: Ctx, label: str, f: list[Int], rem: list[Int], act: Sequence[z3.BoolRef], left: Int,
            on: z3.BoolRef, fav: Favour, give: bool) -> list[Int]:
    """The leftover ``left`` (any sign) after the integer parts ``f``, as the interpreter's
    ``_give_leftover`` and ``_take_back``."""
    n = len(f)
    m = z3.Sum([z3.If(a, 1, 0) for a in act])
    pos = left >= 0
    base, kk = ctx.int_var(f"{label}.rounds"), ctx.int_var(f"{label}.rest")
    divides = z3.Or([z3.And(m == mm, base * mm + kk == left, kk >= 0, kk < mm) for mm in range(1, n + 1)])
    ctx.add(z3.If(z3.And(on, pos, z3.BoolVal(give)), divides, z3.And(base == 0, kk == 0)))
    full = ctx.int_var(f"{label}.cycles")
    took = [z3.If(f[i] < full, f[i], full) for i in range(n)]
    took1 = [z3.If(f[i] < full + 1, f[i], full + 1) for i in range(n)]
    act_took = z3.Sum([z3.If(act[i], took[i], 0) for i in range(n)])
    act_took1 = z3.Sum([z3.If(act[i], took1[i], 0) for i in range(n)])
    ctx.add(full >= 0, z3.If(z3.And(on, z3.Not(pos)), z3.And(act_took <= -left, -left < act_took1), full == 0))
    rest_neg = -left - act_took
    holder = [z3.And(act[i], f[i] > full) for i in range(n)]
    rank = _ranks(n, act, lambda j, i: z3.Or(rem[j] > rem[i], z3.And(rem[j] == rem[i], fav.before(j, i))))
    lrank = _ranks(n, holder, lambda j, i: z3.Or(rem[j] < rem[i], z3.And(rem[j] == rem[i], fav.before(i, j))))
    out = []
    for i in range(n):
        gets = z3.And(on, pos, act[i], rank[i] < kk)
        loses = z3.And(on, z3.Not(pos), holder[i], lrank[i] < rest_neg)
        plus = z3.If(z3.And(on, pos, act[i]), base, 0) + z3.If(gets, 1, 0)
        minus = z3.If(z3.And(on, z3.Not(pos), act[i]), took[i], 0) + z3.If(loses, 1, 0)
        s = ctx.int_var(f"{label}.seats{i + 1}")
        ctx.add(s == z3.If(on, f[i] + plus - minus, 0))
        out.append(s)
    return out


def draw_names(m: z3.ModelRef, fav: Favour, names: Sequence[str]) -> tuple[str, ...] | None:
    """The model's draw of a lot (first drawn first), None without a lot."""
    if not fav.lot:
        return None
    places = [m.eval(x, model_completion=True).as_long() for x in fav.lot]
    return tuple(name for _, name in sorted(zip(places, names, strict=True)))
