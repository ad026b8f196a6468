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
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from hemicycle.model import (
    AdmitNext,
    AdmitRunnerUp,
    Alliances,
    Correction,
    Divisor,
    Guarantee,
    LargestRemainder,
    Scope,
    Selector,
    SelectorKind,
    Threshold,
    Tier,
)
from hemicycle.verify.alliance_tags import alliance_pairs
from hemicycle.verify.divisor_methods import DivisorAllocation
from hemicycle.verify.errors import UnsupportedClause, VerifyError
from hemicycle.verify.num import ZERO, Num, count, ite, total
from hemicycle.verify.quota_methods import LRRound, QuotaAllocation
from hemicycle.verify.refusals import refuse_extensions
from hemicycle.verify.symbolic import (
    BInt,
    Ctx,
    SymElection,
    make_election,
    needed_extras,
    needed_regions,
    needed_tags,
)


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

@dataclass(frozen=True)
class _Weights:
    """Each list's votes with the corrections' factors folded in, times ``cden`` (which clears
    every factor's denominator); ``cmax`` the product of the factors above 1."""

    weighted: list[Num]
    cden: int
    cmax: Fraction
    corrected: bool  # some correction applies


class _TierEncoder(QuotaAllocation, DivisorAllocation):
    """The whole pipeline of one tier: thresholds, conditions, admission, corrections, the method
    (alone or through alliances), guarantees and consolation seats."""

    # a guarantee for the runner-up as one block (``guarantee_one_of``); False: one per list,
    # only for the test that shows the two give the same seats
    one_block = True

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
        tier, e, n = self.tier, self.e, self.n
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
                ok = z3.Or([self._passes(test, i) for test in t.tests])  # any one test (`or ...`)
                conds.append(z3.Implies(applies, ok))
            passed.append(z3.And(conds))
        if tier.exempt is not None:  # the selected lists pass every threshold (they still need a vote)
            freed = self.selected(tier.exempt.who, [], z3.BoolVal(False))
            passed = [z3.Or(p, z3.And(v[i].pos(), f)) for i, (p, f) in enumerate(zip(passed, freed, strict=True))]
        return passed

    def _passes(self, t: Threshold, i: int) -> z3.BoolRef:
        """Whether list i passes the test ``t`` (one test: no alternatives): in this election, the
        whole election (``nationally``), or in every / at least ``count`` of the units: a districted
        chamber's districts, or the vote file's regions under a national tier."""
        if t.regional:
            units = self.national.units if self.national is not None else self._regions(t)
            oks = [self._reaches(t, d, i) for d in units]
            return z3.And(oks) if t.scope is Scope.EVERY else count(oks) >= t.count
        at = self.national if t.scope is Scope.NATION and self.national is not None else self.e
        return self._reaches(t, at, i)

    def _regions(self, t: Threshold) -> tuple[SymElection, ...]:
        """The regions of a regional test under a national tier (refused without them)."""
        if not self.e.regions:
            raise UnsupportedClause(t, "threshold ... in every region" if t.scope is Scope.EVERY else
                                    f"threshold ... in at least {t.count} regions",
                                    "this election has no regional figures (a property that derives an "
                                    "election without them)")
        return self.e.regions

    def _reaches(self, t: Threshold, at: SymElection, i: int) -> z3.BoolRef:
        ctx = self.ctx
        quotas = getattr(t, "quotas", None)
        if t.absolute is not None:
            lim = Num(t.absolute)
            return at.votes[i].ge(lim) if t.inclusive else at.votes[i].gt(lim)
        if quotas is not None:
            assert t.base is not None
            lhs = at.votes[i].scale(self.h, ctx.real)
            rhs = at.base(t.base).scale(quotas, ctx.real)
            return lhs.ge(rhs) if t.inclusive else lhs.gt(rhs)
        assert t.share is not None and t.base is not None
        lhs = at.votes[i].scale(t.share.denominator, ctx.real)
        rhs = at.base(t.base).scale(t.share.numerator, ctx.real)
        return lhs.ge(rhs) if t.inclusive else lhs.gt(rhs)

    def run(self, norm: Num | None, implied: bool = False) -> TierEnc:
        """The pipeline in its order (docs/language.md): thresholds, conditions, admission,
        corrections, the method, guarantees and consolation seats."""
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
        active = self.conditions(n_passed)
        # 3. admission
        admit_on, ru = self.runner_up(passed, active)
        admitted = self.admitted(passed, active, admit_on, ru)
        outside = self.consolations(admitted) if tier.consolations else None
        weights = self.corrections(active, ru, admit_on)
        # 4. the method
        V = total([ite(admitted[i], v[i], ZERO) for i in range(n)])
        has_votes = z3.Or([z3.And(admitted[i], v[i].pos()) for i in range(n)])
        rounds: list[LRRound] = []
        if not self.method:
            # admission only: everything the method and the guarantees compute is a fresh,
            # unconstrained variable (an over-approximation of the allocation, for cheap checks)
            seats = [ctx.int_var(f"free.s{i + 1}") for i in range(n)]
            for flags in (self.undecided, self.tie_used, self.degenerate):
                flags.append(ctx.bool_var("free.flag"))
            return self._result(passed, n_passed, active, ru, admit_on, admitted, has_votes, V,
                                seats, seats, rounds, V)
        v_norm, unit = self.scale(norm, implied, V, has_votes)
        self.step()  # the method's cut draws its own lot
        method_seats = self.method_seats(admitted, weights, v_norm, unit, outside, rounds)
        # 5. guarantees
        seats = self.guarantees(method_seats, active, admitted, ru, admit_on)
        if outside is not None:
            seats = self.plus_outside(seats, outside)
        return self._result(passed, n_passed, active, ru, admit_on, admitted, has_votes, V,
                            method_seats, seats, rounds, v_norm)

    def conditions(self, n_passed: z3.ArithRef) -> list[z3.BoolRef]:
        """Whether each provision's ``when`` condition holds (true without a condition)."""
        active = []
        for p in self.tier.provisions:
            if p.condition is None:
                active.append(z3.BoolVal(True))
            else:
                c = p.condition
                if c.subject != "passed":
                    raise UnsupportedClause(c, str(c), f"unknown subject {c.subject!r}")
                active.append(_cmp(c.op.value, n_passed, c.value))
        return active

    def runner_up(self, passed: list[z3.BoolRef],
                  active: list[z3.BoolRef]) -> tuple[z3.BoolRef, list[z3.BoolRef]]:
        """Whether some active provision admits the runner-up, and which list is it: the list
        that did not pass with the most votes (ties by the chain; an unbroken tie is a tie)."""
        tier, n, v = self.tier, self.n, self.e.votes
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
        return admit_on, ru

    def admitted(self, passed: list[z3.BoolRef], active: list[z3.BoolRef], admit_on: z3.BoolRef,
                 ru: list[z3.BoolRef]) -> list[z3.BoolRef]:
        """The lists that take part in the method: those that passed, the admitted runner-up,
        and those ``admit next`` admits."""
        admitted = [z3.Or(passed[i], z3.And(admit_on, ru[i])) for i in range(self.n)]
        for k, p in enumerate(self.tier.provisions):
            for a in p.actions:
                if isinstance(a, AdmitNext):
                    admitted = self.admit_next(a, active[k], admitted)
        return admitted

    def corrections(self, active: list[z3.BoolRef], ru: list[z3.BoolRef],
                    admit_on: z3.BoolRef) -> _Weights:
        """The corrections' factors folded into each list's weighted votes."""
        ctx, n, v = self.ctx, self.n, self.e.votes
        factors: list[tuple[list[z3.BoolRef], Fraction, Correction]] = []
        for k, p in enumerate(self.tier.provisions):
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
        return _Weights(weighted, cden, cmax, bool(factors))

    def scale(self, norm: Num | None, implied: bool, V: Num,
              has_votes: z3.BoolRef) -> tuple[Num, bool]:
        """Where the query's scale goes: the admitted-vote sum as the encoding knows it, and
        whether the divisor cut carries the scale instead (``unit``)."""
        ctx = self.ctx
        # the divisor methods spend the query's scale on the cut (lambda = 1), which makes
        # "w >= lambda * d(s)" linear in the symbolic seat count s; every other normalisation
        # fixes the admitted votes
        unit = (norm is not None and not implied and isinstance(self.tier.method, Divisor)
                and not norm.eps and isinstance(norm.a, int) and norm.a == 1)
        if norm is None or unit:
            return V, unit
        eq = z3.Implies(has_votes, V.eq(norm))
        if implied:
            ctx.implied.append((f"{self.label}: admitted votes = {norm}", eq))
        else:
            ctx.add(eq)
        return norm, unit

    def method_seats(self, admitted: list[z3.BoolRef], w: _Weights, v_norm: Num, unit: bool,
                     outside: list[z3.ArithRef] | None, rounds: list[LRRound]) -> list[z3.ArithRef]:
        """The seats of the tier's method (alone or through alliances), before guarantees."""
        tier, method = self.tier, self.tier.method
        if tier.alliances is not None:
            return self.alliance_seats(tier.alliances, admitted, w.weighted, w.cden, w.cmax,
                                       w.corrected, v_norm, unit)
        house = self.method_house(outside)
        if isinstance(method, LargestRemainder):
            return self.largest_remainder(method, admitted, w.weighted, w.cden, w.cmax, w.corrected,
                                          v_norm, rounds, house)
        self.hx = house if isinstance(house, int) else house.expr
        return self.divisor(method, admitted, w.weighted, w.cden, unit=unit)

    def guarantees(self, seats: list[z3.ArithRef], active: list[z3.BoolRef],
                   admitted: list[z3.BoolRef], ru: list[z3.BoolRef],
                   admit_on: z3.BoolRef) -> list[z3.ArithRef]:
        """Every active ``guarantee``, in the order of the rule file."""
        n = self.n
        for k, p in enumerate(self.tier.provisions):
            for a in p.actions:
                if isinstance(a, Guarantee):
                    sel = self.selected(a.who, ru, admit_on)
                    ons = [z3.And(active[k], admitted[g], sel[g]) for g in range(n)]
                    if self.one_block and a.who.kind is SelectorKind.RUNNER_UP:  # at most one list
                        seats = self.guarantee_one_of(seats, ons, a.seats)
                        continue
                    for g in range(n):
                        seats = self.guarantee(seats, g, ons[g], a.seats)
        return seats

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
            self.step()  # each admission draws its own lot
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
        if self.draws:  # this allocation's own draws, beside the election's tags
            election = SymElection(self.e.votes, self.e.against_all, self.e.invalid, self.e.nonvoters,
                                   {**self.e.tags, **{t: v for d in self.draws for t, v in d.items()}},
                                   self.e.blank, self.e.regions)
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
    # -- guarantees -------------------------------------------------------------------------
    def guarantee(
        self, seats: list[z3.ArithRef], g: int, on: z3.BoolRef, want: int
    ) -> list[z3.ArithRef]:
        ctx, n = self.ctx, self.n
        if z3.is_false(z3.simplify(on)):
            return seats
        for _ in range(want):
            self.step()  # each seat moved draws its own lot
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


    def guarantee_one_of(self, seats: list[z3.ArithRef], ons: list[z3.BoolRef],
                         want: int) -> list[z3.ArithRef]:
        """``guarantee`` for a selector that picks at most one list (the runner-up: the ranks
        of ``ru`` are a strict total order, so two lists are never both it): the n blocks of
        ``guarantee`` (one per list, all but the selected one doing nothing) as one block with
        the guaranteed list symbolic (``ons[g]``). The same seats, donors and ties, with an
        n-th of the layers of seat variables."""
        ctx, n = self.ctx, self.n
        for _ in range(want):
            self.step()  # each seat moved draws its own lot
            need = z3.Or([z3.And(ons[g], seats[g] < want) for g in range(n)])
            donor = []
            for j in range(n):
                most = [z3.Or(ons[k], seats[j] > seats[k], z3.And(seats[j] == seats[k], self.beats(k, j)))
                        for k in range(n) if k != j]
                donor.append(z3.And(need, z3.Not(ons[j]), seats[j] >= 1, *most))
            for j in range(n):
                for k in range(j + 1, n):
                    self.tie(z3.And(z3.Or(donor[j], donor[k]), z3.Not(ons[j]), z3.Not(ons[k]),
                                    seats[j] == seats[k]), j, k)
            moved = z3.Or(donor)
            new = []
            for j in range(n):
                s = ctx.int_var(f"g.s{j + 1}")
                ctx.add(s == seats[j] + z3.If(z3.And(ons[j], moved), 1, 0) - z3.If(donor[j], 1, 0))
                new.append(s)
            seats = new
        return seats


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
    e = make_election(ctx, 2, "probe", needed_extras([tier]), needed_tags([tier]), regions=needed_regions([tier]))
    encode_tier(ctx, tier, e)
