"""The apportionment methods of the levels encoding with a **symbolic house** (a bounded
integer): Hare largest remainder, and divisor methods by a cut, plain or with each unit's least
seats (a method that continues after seats already held). Each returns the seats and the
condition that no tie stands at the cut (elections with a tie are left out of a query)."""

from __future__ import annotations

from fractions import Fraction

import z3

from hemicycle.model import Divisor, LargestRemainder
from hemicycle.verify.num import Num
from hemicycle.verify.symbolic import BInt, Ctx

Method = LargestRemainder | Divisor


def mul_int(ctx: Ctx, k: BInt, x: z3.ArithRef) -> z3.ArithRef:
    return ctx.mul(k, Num(x)).a  # type: ignore[return-value]


def bounded(ctx: Ctx, name: str, expr: z3.ArithRef, lo: int, hi: int) -> BInt:
    b = ctx.bint(name, lo, hi)
    ctx.add(b.expr == expr)
    return b


def hare_lr(ctx: Ctx, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
        ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """Hare largest remainder of ``house`` seats among the active lists: (seats, no tie at the cut)."""
    n = len(votes)
    T = z3.Sum([z3.If(a, v, 0) for a, v in zip(active, votes, strict=True)])
    has = T > 0
    seats, rems, on_ = [], [], []
    chosen = [ctx.bool_var("rem") for _ in range(n)]
    fs = []
    for i in range(n):
        on = z3.And(has, active[i])
        f = ctx.bint("f", 0, house.hi)
        num = mul_int(ctx, house, votes[i])  # house * v: the quota count times T
        fT = mul_int(ctx, f, T)
        ctx.add(z3.Implies(on, z3.And(fT <= num, num < fT + T)))
        ctx.add(z3.Implies(z3.Not(on), f.expr == 0))
        ctx.add(z3.Implies(z3.Not(on), z3.Not(chosen[i])))
        rems.append(num - fT)
        on_.append(on)
        fs.append(f.expr)
        seats.append(f.expr + z3.If(chosen[i], 1, 0))
    left = house.expr - z3.Sum(fs)
    ctx.add(z3.Implies(has, z3.Sum([z3.If(c, 1, 0) for c in chosen]) == left))
    # no active vote: no seat (the seats stay vacant, or the caller's 'defined' leaves the election out)
    for i in range(n):
        for j in range(n):
            if i != j:
                ctx.add(z3.Implies(z3.And(chosen[i], on_[j], z3.Not(chosen[j])), rems[i] >= rems[j]))
    strict = [z3.Implies(z3.And(chosen[i], on_[j], z3.Not(chosen[j])), rems[i] > rems[j])
              for i in range(n) for j in range(n) if i != j]
    return seats, z3.And(strict) if strict else z3.BoolVal(True)


def divisor_cut(ctx: Ctx, method: Divisor, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
             ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """The divisor method for ``house`` seats among the active lists, by a cut lam: a list with
    s seats has v >= lam d(s-1) (s > 0) and v <= lam d(s); (seats, every inequality strict)."""
    n = len(votes)
    lam = z3.Real(ctx.name("cut"))
    ctx.add(lam > 0)
    T = z3.Sum([z3.If(a, v, 0) for a, v in zip(active, votes, strict=True)])
    has = T > 0
    seats, strict = [], []
    for i in range(n):
        s = ctx.bint("s", 0, house.hi)
        on = z3.And(has, active[i])
        hi, lo = cut_terms(ctx, method, s, lam, house.hi)
        ctx.add(z3.Implies(on, votes[i] <= hi))
        ctx.add(z3.Implies(z3.And(on, s.expr > 0), votes[i] >= lo))
        ctx.add(z3.Implies(z3.Not(on), s.expr == 0))
        strict.append(z3.Implies(on, z3.And(votes[i] < hi, z3.Or(s.expr == 0, votes[i] > lo))))
        seats.append(s.expr)
    ctx.add(z3.Implies(has, z3.Sum(seats) == house.expr))
    return seats, z3.And(strict)


def linear_divisors(method: Divisor) -> tuple[Fraction, Fraction, Fraction] | None:
    """(a, b, d0) when every divisor from the second on is a k + b and the first is d0 (D'Hondt,
    Sainte-Laguë, Danish, Imperiali: d0 = b; modified Sainte-Laguë: 1.4, then 2k + 1)."""
    d0, d1, d2 = method.divisor(0), method.divisor(1), method.divisor(2)
    if d0 is None or d1 is None or d2 is None:
        return None
    a, b = d2 - d1, d1 - (d2 - d1)
    return (a, b, d0) if all(method.divisor(k) == a * k + b for k in range(3, 12)) else None


def cut_terms(ctx: Ctx, method: Divisor, s: BInt, lam: z3.ArithRef, top: int) -> tuple[z3.ArithRef, z3.ArithRef]:
    """lam * d(s) and lam * d(s - 1) (the latter only read when s > 0), linear in lam."""
    lin = linear_divisors(method)
    if lin is not None:  # lam (a s + b), the first divisor apart: lam * s written with the bits of s
        a, b, first = (z3.RealVal(str(x)) for x in lin)
        ls = mul_int(ctx, s, lam)
        hi, lo = a * ls + b * lam, a * ls + b * lam - a * lam
        if lin[2] == lin[1]:
            return hi, lo
        return (hi + z3.If(s.expr == 0, (first - b) * lam, 0),
                lo + z3.If(s.expr == 1, (first - b) * lam, 0))
    ds = [method.divisor(k) for k in range(top + 1)]

    def at(k_of: int) -> z3.ArithRef:  # lam * d(s + k_of); s = top the last case (k_of = -1: d(top - 1))
        out: z3.ArithRef = lam * z3.RealVal(str(ds[max(0, top + k_of)]))  # type: ignore[arg-type]
        for k in range(top - 1, -1, -1):
            j = k + k_of
            if 0 <= j <= top:
                out = z3.If(s.expr == k, lam * z3.RealVal(str(ds[j])), out)  # type: ignore[arg-type]
        return out

    return at(0), at(-1)


def divisor_at_least(ctx: Ctx, method: Divisor, house: BInt, votes: list[z3.ArithRef],
                      least: list[z3.ArithRef], on: z3.BoolRef) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """The divisor method's split of ``house`` among the units, each unit at least ``least``: a cut
    lam gives each unit k seats (its quotients above lam) and its share is max(least, k), the
    shares adding up to the house (the interpreter's greedy stops there); (shares, strict cut)."""
    n = len(votes)
    lam = z3.Real(ctx.name("cutm"))
    ctx.add(lam > 0)
    shares, strict = [], []
    for i in range(n):
        k = ctx.bint("k", 0, house.hi)
        hi, lo = cut_terms(ctx, method, k, lam, house.hi)
        ctx.add(votes[i] <= hi, z3.Implies(k.expr > 0, votes[i] >= lo))
        ctx.add(z3.Implies(votes[i] == 0, k.expr == 0))
        # a tie matters only between seats that count (beyond the unit's least seats), as in the interpreter
        strict.append(z3.And(z3.Or(votes[i] < hi, k.expr + 1 <= least[i]),
                             z3.Or(k.expr == 0, votes[i] > lo, k.expr <= least[i])))
        shares.append(z3.If(least[i] >= k.expr, least[i], k.expr))
    # (a house below the least seats is an error of the interpreter: such elections are not defined)
    ok = z3.And(on, house.expr >= z3.Sum(least))
    ctx.add(z3.Implies(ok, z3.Sum(shares) == house.expr))
    return shares, z3.And(ok, *strict)


def apportion(ctx: Ctx, method: Method, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
            ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    if isinstance(method, LargestRemainder):
        return hare_lr(ctx, house, votes, active)
    return divisor_cut(ctx, method, house, votes, active)

