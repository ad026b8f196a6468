"""Divisor methods in Z3: the cut model (a symbolic cut lambda, every list's seats between its
last won and next quotient), linear where the divisors are, with the tie chain at the cut."""

from __future__ import annotations

from fractions import Fraction

import z3

from hemicycle.model import Divisor, DivisorKind
from hemicycle.verify.allocation import Allocation
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.num import ZERO, Num, const, count, ite


class DivisorAllocation(Allocation):
    """The divisor methods of an allocation."""

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
