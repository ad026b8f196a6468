"""Largest-remainder (quota) methods in Z3: integer parts for an exact or a rounded quota, the
leftover seats by largest remainder (or taken back when the quotas over-allocate), and caps
(rounds among the lists not capped)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import z3

from hemicycle.model import LargestRemainder, Quota, QuotaKind, Rounding
from hemicycle.verify.allocation import Allocation
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.num import ZERO, Num, count, ite, total
from hemicycle.verify.symbolic import BInt

# whether lr_round adds the order facts (``_order_facts``); off only to measure them
IMPLIED_ORDER = True


@dataclass
class LRRound:
    active: list[z3.BoolRef]
    f: list[z3.ArithRef]
    seats: list[z3.ArithRef]


class QuotaAllocation(Allocation):
    """The largest-remainder methods of an allocation."""

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
        # caps: re-run among the lists not capped, for the remaining seats, until none is over;
        # ``house``: the method's seats (fewer than h beside consolation seats), one of its values
        hm: BInt | int = h if house is None else house
        hm_vals = (hm,) if isinstance(hm, int) else hm.values
        assert hm_vals is not None
        hm_expr = z3.IntVal(hm) if isinstance(hm, int) else hm.expr
        max_rounds = min(n, h // (cap + 1)) + 1
        capped = [z3.BoolVal(False)] * n
        final: list[z3.ArithRef] = [z3.IntVal(0)] * n
        done_before: z3.BoolRef = z3.BoolVal(False)
        for r in range(max_rounds):
            act = [z3.And(admitted[i], z3.Not(capped[i])) for i in range(n)]
            k = count(capped)
            if r == 0:
                H: BInt | int = hm
                V = V0
            else:
                # the capped lists held more than ``cap`` seats each of the method's: what is left
                # is at least 0
                left = {x - cap * j for x in hm_vals for j in range(n + 1) if x - cap * j >= 0}
                vals = tuple(sorted(left, reverse=True))
                H = BInt(hm_expr - cap * k, min(vals), max(vals), values=vals)
                V = total([ite(act[i], self.e.votes[i], ZERO) for i in range(n)])
            # each round the interpreter runs draws its own lot; a round after the last is none
            self.step()
            self.guard = z3.Not(done_before) if r else z3.BoolVal(True)
            rnd = self.lr_round(method, act, H, weighted, cden, cmax, corrected, V, rounds)
            over = [z3.And(act[i], rnd.seats[i] > cap) for i in range(n)]
            done = z3.Not(z3.Or(over)) if r < max_rounds - 1 else z3.BoolVal(True)
            take = z3.And(z3.Not(done_before), done)
            final = [z3.If(take, z3.If(capped[i], cap, rnd.seats[i]), final[i]) for i in range(n)]
            capped = [z3.Or(capped[i], over[i]) for i in range(n)]
            done_before = z3.Or(done_before, done)
        self.guard = z3.BoolVal(True)
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
        self._order_facts(act, has, weighted, f, rem, rank)
        if quota.kind is QuotaKind.HARE and not integer_quota and not corrected:
            seats = self._leftover_hare(act, has, f, rem, rank, left, weighted)
        else:
            seats = self._leftover_general(act, has, f, rem, rank, left)
        rnd = LRRound(act, f, seats)
        rounds.append(rnd)
        return rnd

    def _order_facts(self, act: list[z3.BoolRef], has: z3.BoolRef, weighted: list[Num],
                     f: list[z3.ArithRef], rem: list[Num], rank: list[z3.ArithRef]) -> None:
        """Facts that follow from the parts and ranks as they are defined (never a constraint of
        their own): they spare the solver a counting argument. A list with at least the weighted
        votes of another has at least its integer part (both parts are the floor of one increasing
        function of the votes, ``f q <= w < (f + 1) q`` with one quota q > 0); a list with the
        larger remainder comes earlier for a leftover seat (every list before it is before the
        other too, and so is it)."""
        if not IMPLIED_ORDER:
            return
        ctx, n = self.ctx, self.n
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                both = z3.And(act[i], act[j])
                if f[i] is not f[j]:
                    ctx.add(z3.Implies(z3.And(has, both, weighted[i].ge(weighted[j])),
                                       f[i] >= f[j]))
                ctx.add(z3.Implies(z3.And(both, rem[i].gt(rem[j])), rank[i] < rank[j]))

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
        self.degenerate.append(z3.And(self.guard, has, q <= 0))
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
                       left: z3.ArithRef, weighted: list[Num]) -> list[z3.ArithRef]:
        """Exact Hare without corrections: the quotients add up to H, so 0 <= leftover < the
        number of active lists, one seat each to the largest remainders."""
        ctx, n = self.ctx, self.n
        gets = [z3.And(has, act[i], rank[i] < left) for i in range(n)]
        seats = []
        for i in range(n):
            s = ctx.int_var(f"s{i + 1}")
            ctx.add(s == f[i] + z3.If(gets[i], 1, 0))
            seats.append(s)
        if IMPLIED_ORDER:  # (the two facts of ``_order_facts`` together: Hamilton keeps the order)
            for i in range(n):
                for j in range(n):
                    if i != j:
                        ctx.add(z3.Implies(z3.And(has, act[i], act[j], weighted[i].gt(weighted[j])),
                                           seats[i] >= seats[j]))
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


def _ranks(n: int, members: list[z3.BoolRef],
           before: Callable[[int, int], z3.BoolRef]) -> list[z3.ArithRef]:
    """For each list i: how many member lists j come before it (``before(j, i)``)."""
    return [z3.Sum([z3.If(z3.And(members[j], before(j, i)), 1, 0) for j in range(n) if j != i]
                   or [z3.IntVal(0)]) for i in range(n)]
