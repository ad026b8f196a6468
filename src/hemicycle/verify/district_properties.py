"""Properties of districted chambers (docs/verify.md, "Districts"), and how each is decided.

Each property is a set of solver queries over one or two symbolic districted elections
(verify/districts.py). A model of a query is a counterexample: it is made integral (rational
encoding: every figure times the lcm of the denominators, which changes no seat of a
scale-invariant tier), replayed by the interpreter, and accepted only if the interpreter gives
the encoding's seats and the interpreter's seats break the property (``violated``). A PROVED
needs every query unsatisfiable **and** its assumptions satisfiable without the negated property
(the non-vacuity check of issue 13). A timeout is UNKNOWN.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from math import lcm
from typing import Any

import z3

from hemicycle.verify.districts import (
    DISTRICT_EXTRAS,
    DistrictCase,
    DistrictEnc,
    DistrictOutcome,
    DistrictSystem,
    allocate_districts,
    district_elections,
    draw_of,
    interpret,
    scrutiny_details,
)
from hemicycle.verify.num import Num
from hemicycle.verify.solving import Ask, Verdict, decide_queries, model_fraction, replayed
from hemicycle.verify.symbolic import Ctx, SymElection


@dataclass
class DQuery:
    label: str
    ctx: Ctx
    assume: list[z3.BoolRef]
    violation: z3.BoolRef
    elections: list[DistrictEnc]


@dataclass(frozen=True)
class DistrictProperty:
    name: str
    definition: str
    citation: str
    build: Callable[[DistrictSystem, int, int | None], list[DQuery]]
    violated: Callable[[list[DistrictOutcome], tuple[int, int] | None], bool]
    elections: int = 2
    integer: bool = False  # integer votes (a user property that compares votes with numbers)


# --- the queries -----------------------------------------------------------------------------


def gained(ctx: Ctx, a_ds: list[SymElection], k: int, p: int, max_votes: int | None) -> list[SymElection]:
    """B's districts for a step: A's, with list p's votes in district k raised by a free ``gain`` > 0
    (at most ``max_votes`` there when given); every other district is A's own."""
    d = ctx.num_var("gain")
    ctx.add(d > 0)
    b_ds: list[SymElection] = []
    for j, e in enumerate(a_ds):
        if j != k:
            b_ds.append(e)
            continue
        votes = list(e.votes)
        votes[p] = votes[p] + Num(d)
        if max_votes is not None:
            ctx.add(votes[p].a <= max_votes)
        b_ds.append(e.with_votes(votes))
    return b_ds


def _step(sys: DistrictSystem, n: int, max_votes: int | None, k: int, p: int, label: str
          ) -> tuple[Ctx, DistrictEnc, DistrictEnc, list[z3.BoolRef]]:
    """Election A, and B = A with list p's votes in district k higher (all else equal)."""
    ctx = Ctx(real=sys.real, prefix=f"{label}.")
    a_ds = district_elections(ctx, sys, n, "A", max_votes)
    b_ds = gained(ctx, a_ds, k, p, max_votes)
    a = allocate_districts(ctx, sys, a_ds, "A")
    b = allocate_districts(ctx, sys, b_ds, "B")
    return ctx, a, b, [a.defined, b.defined]


def _steps(seat_of: Callable[[DistrictEnc, int, int], z3.ArithRef]
           ) -> Callable[[DistrictSystem, int, int | None], list[DQuery]]:
    def build(sys: DistrictSystem, n: int, max_votes: int | None) -> list[DQuery]:
        out = []
        for k, name in enumerate(sys.names):
            for p in range(n):
                label = f"L{p + 1} gains in {name}"
                ctx, a, b, assume = _step(sys, n, max_votes, k, p, f"q{k}_{p}")
                out.append(DQuery(label, ctx, assume, seat_of(b, k, p) < seat_of(a, k, p), [a, b]))
        return out

    return build


def _reversal(sys: DistrictSystem, n: int, max_votes: int | None) -> list[DQuery]:
    ctx = Ctx(real=sys.real, prefix="r.")
    a = allocate_districts(ctx, sys, district_elections(ctx, sys, n, "A", max_votes), "A")
    v = a.national.votes
    bad = [z3.And(v[p].gt(v[q]), a.national_seats[p] < a.national_seats[q])
           for p in range(n) for q in range(n) if p != q]
    return [DQuery("more national votes, fewer seats", ctx, [a.defined], z3.Or(bad), [a])]


# --- the checks on the interpreter's outcomes ------------------------------------------------


def _gained(o: list[DistrictOutcome]) -> tuple[int, int] | None:
    """The (district, list) whose votes rose from the first election to the second, all else equal."""
    a, b = o[0].case, o[1].case
    diff = [(k, i) for k in range(len(a.votes)) for i in range(len(a.votes[0])) if a.votes[k][i] != b.votes[k][i]]
    if len(diff) != 1 or a.extras != b.extras:
        return None
    k, i = diff[0]
    return (k, i) if b.votes[k][i] > a.votes[k][i] else None


def _district_mono_bad(o: list[DistrictOutcome], where: tuple[int, int] | None) -> bool:
    g = _gained(o)
    return g is not None and o[1].seats[g[0]][g[1]] < o[0].seats[g[0]][g[1]]


def _nvw_bad(o: list[DistrictOutcome], where: tuple[int, int] | None) -> bool:
    g = _gained(o)
    return g is not None and o[1].national[g[1]] < o[0].national[g[1]]


def _reversal_bad(o: list[DistrictOutcome], where: tuple[int, int] | None) -> bool:
    v, s = o[0].national_votes, o[0].national
    return any(v[p] > v[q] and s[p] < s[q] for p in range(len(v)) for q in range(len(v)) if p != q)


DISTRICT_CATALOGUE: dict[str, DistrictProperty] = {
    p.name: p for p in (
        DistrictProperty(
            "district-monotonicity",
            "A list that gains votes in one district, every other figure unchanged, never ends "
            "with fewer seats in that district.",
            "Balinski & Young 1982, ch. 6 (vote monotonicity), within each district; "
            "Pukelsheim 2017, 7.3",
            _steps(lambda e, k, p: e.seats[k][p]), _district_mono_bad),
        DistrictProperty(
            "negative-vote-weight",
            "A list that gains votes in one district, every other figure unchanged, never ends "
            "with fewer seats in the chamber.",
            "BVerfG, judgment of 3 July 2008, 2 BvC 1/07, 2 BvC 7/07 (BVerfGE 121, 266): "
            "negative voting weight (negatives Stimmgewicht)",
            _steps(lambda e, k, p: e.national_seats[p]), _nvw_bad),
        DistrictProperty(
            "majority-reversal",
            "A list with more votes nationally never gets fewer seats in the chamber than a list "
            "with fewer votes.",
            "Balinski & Young 1982, ch. 9 (concordance), on the chamber's national votes and seats",
            _reversal, _reversal_bad, elections=1),
    )
}


# --- solving ---------------------------------------------------------------------------------


Figures = tuple[list[list[int]], list[dict[str, int]]]  # an election's votes (district x list), district figures


def integral_figures(m: z3.ModelRef, elections: Sequence[Any]) -> list[Figures]:
    """Each election's votes (district x list) and district figures (``DISTRICT_EXTRAS``) in the
    model, as whole numbers: rational figures times one common factor for all the elections."""
    raw = []
    for enc in elections:
        votes = [[model_fraction(m, x.a) for x in e.votes] for e in enc.districts]
        extras = [{name: model_fraction(m, getattr(e, name).a) for name in DISTRICT_EXTRAS} for e in enc.districts]
        raw.append((votes, extras))
    den = 1
    for votes, extras in raw:
        for row in votes:
            for x in row:
                den = lcm(den, x.denominator)
        for xs in extras:
            for y in xs.values():
                den = lcm(den, y.denominator)
    return [([[int(x * den) for x in row] for row in votes],
             [{k: int(y * den) for k, y in xs.items()} for xs in extras]) for votes, extras in raw]


def _cases(m: z3.ModelRef, q: DQuery) -> tuple[list[DistrictCase], list[list[list[int]]]]:
    """The query's elections as integral cases (one common factor), and the model's seats."""
    raw = integral_figures(m, q.elections)
    cases = [DistrictCase(votes, extras,
                          [draw_of(enc, k, m) for k in range(len(enc.districts))],
                          [m.eval(x, model_completion=True).as_long() for x in enc.magnitudes],
                          {t: [z3.is_true(m.eval(v, model_completion=True)) for v in vs]
                           for t, vs in enc.districts[0].tags.items()}, *scrutiny_details(enc, m))
             for (votes, extras), enc in zip(raw, q.elections, strict=True)]
    seats = [[[m.eval(s, model_completion=True).as_long() for s in row] for row in enc.seats]
             for enc in q.elections]
    return cases, seats


def decide(sys: DistrictSystem, prop: DistrictProperty, n: int, *, timeout: float = 60.0,
           max_votes: int | None = None) -> Verdict:
    """The property's verdict. Magnitudes apportioned by a figure of the vote file: one case per
    vector of magnitudes the apportionment can give (figures that give it found and checked by
    the interpreter; a vector no figures give is left out, the solver having shown it), each
    decided as fixed magnitudes and replayed with those figures."""
    if sys.apportioned is not None:
        return _decide_apportioned(sys, prop, n, timeout=timeout, max_votes=max_votes)
    return _decide_fixed(sys, prop, n, deadline=time.monotonic() + timeout, max_votes=max_votes)


def _decide_apportioned(sys: DistrictSystem, prop: DistrictProperty, n: int, *, timeout: float,
                        max_votes: int | None) -> Verdict:
    from hemicycle.verify.apportionment import figures_for, magnitude_vectors

    app = sys.apportioned
    assert app is not None
    start = time.monotonic()
    deadline = start + timeout
    fixed = tuple(s for _, s in app.fixed)
    cases = skipped = 0
    unknown: list[str] = []
    for vec in magnitude_vectors(app):
        left = deadline - time.monotonic()
        if left <= 0:
            unknown.append(f"magnitudes {vec} and after: timeout")
            break
        reach, figs = figures_for(app, vec, timeout=min(left, 30.0))
        if reach == "unsat":
            skipped += 1
            continue
        if figs is None:
            unknown.append(f"magnitudes {vec}: could not tell whether figures give them ({reach})")
            continue
        # the replay apportions from the figures again (``apportioned`` stays for it)
        sub = replace(sys, magnitudes=fixed + vec, figures=tuple(figs))
        v = _decide_fixed(sub, prop, n, deadline=deadline, max_votes=max_votes)
        cases += 1
        if v.status == "refuted":
            v.seconds = time.monotonic() - start
            v.notes.append(f"magnitudes {dict(zip(app.pool, vec, strict=True))} (figures {figs})")
            return v
        if v.status == "unknown":
            unknown.append(f"magnitudes {vec}: {v.reason}")
    seconds = time.monotonic() - start
    if unknown:
        return Verdict("unknown", seconds, reason="; ".join(unknown[:3]))
    return Verdict("proved", seconds, notes=[
        f"every vector of magnitudes the apportionment gives ({cases}; {skipped} others no figures "
        "give), each with the non-vacuity check of its sub-queries"])


def _decide_fixed(sys: DistrictSystem, prop: DistrictProperty, n: int, *, deadline: float,
                  max_votes: int | None = None) -> Verdict:
    if max_votes is not None or prop.integer:  # a bound on the figures, or a formula comparing
        sys = replace(sys, integer=True)  # votes with numbers: integer votes, so that it holds as stated
    asks = [Ask(q.label, q.ctx.cons, q.assume, q.violation, q) for q in prop.build(sys, n, max_votes)]
    # two scrutinies: linear integer arithmetic throughout (products by cases), QF_LIA measured
    # 2.7 times faster than the default solver on its step queries
    lia = sys.scrutiny is not None
    return decide_queries(asks, lambda a, m: _replay(sys, prop, a.data, m), deadline, lambda count: [
        f"non-vacuity: the assumptions of each of the {count} sub-queries have a model "
        "without the negated property"], solver=(lambda: z3.SolverFor("QF_LIA")) if lia else z3.Solver)


def _replay(sys: DistrictSystem, prop: DistrictProperty, q: DQuery, m: z3.ModelRef) -> list[DistrictOutcome]:
    """The interpreter's outcomes of the model's elections, which must be the encoding's seats
    and break the property."""
    cases, model_seats = _cases(m, q)
    return replayed(prop.name, cases, model_seats, lambda c: interpret(sys, c), lambda outs: prop.violated(outs, None))
