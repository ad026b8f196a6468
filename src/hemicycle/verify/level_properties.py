"""Properties of chambers with levels (docs/verify.md, "Levels"), and how each is decided.

As for districts (verify/district_properties.py): each property is a set of solver queries over
one or two symbolic elections of the levels family (verify/levels.py); a model is made integral
(every vote times the lcm of the denominators: the family is scale invariant), replayed by the
interpreter and accepted only if the interpreter gives the encoding's seats and breaks the
property; a PROVED needs every query unsatisfiable and its assumptions satisfiable without the
negated property (non-vacuity). A timeout is UNKNOWN.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from math import lcm

import z3

from hemicycle.verify.bonus import BonusSystem, majority_query
from hemicycle.verify.bonus import interpret as bonus_interpret
from hemicycle.verify.case_split import WHOLE, decide_by_cases
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.levels import (
    LevelCase,
    LevelEnc,
    LevelOutcome,
    LevelSystem,
    allocate_levels,
    interpret,
    level_election,
)
from hemicycle.verify.solving import Ask, Verdict, decide_queries, replayed
from hemicycle.verify.symbolic import Ctx


@dataclass
class LQuery:
    label: str
    ctx: Ctx
    assume: list[z3.BoolRef]
    violation: z3.BoolRef
    elections: list[LevelEnc]


@dataclass(frozen=True)
class LevelProperty:
    name: str
    definition: str
    citation: str
    build: Callable[[LevelSystem, int, int | None, int], list[LQuery]]
    violated: Callable[[LevelSystem, list[LevelOutcome], int], bool]


def _gain_query(sys: LevelSystem, n: int, max_votes: int | None, k: int, p: int, source: int | None,
                listed: bool = False) -> LQuery:
    """A, and B = A with list p's second votes in unit k higher (from list ``source`` there, or
    new votes); the constituency winners are the same (first votes are other ballots)."""
    where = sys.unit_names[k] if sys.units > 1 else "the country"
    label = f"L{p + 1} gains in {where}" + (f" from L{source + 1}" if source is not None else "")
    ctx = Ctx(real=True, prefix=f"q{k}_{p}_{source}.")
    a_e = level_election(ctx, sys, n, "A", max_votes)
    gain = z3.Real(ctx.name("gain")) if max_votes is None else z3.ToReal(z3.Int(ctx.name("gain")))
    ctx.add(gain > 0)
    b_e = a_e.with_votes(k, p, a_e.votes[k][p] + gain)
    if source is not None:
        b_e = b_e.with_votes(k, source, a_e.votes[k][source] - gain)
        ctx.add(a_e.votes[k][source] - gain >= 0)
    if max_votes is not None:
        ctx.add(a_e.votes[k][p] + gain <= max_votes)
    a = allocate_levels(ctx, sys, a_e)
    b = allocate_levels(ctx, sys, b_e)
    assume = [a.defined, b.defined]
    if listed:  # every list has list votes in both elections (none stands in constituencies alone)
        assume += [z3.Sum([r[q] for r in e.votes]) > 0 for e in (a_e, b_e) for q in range(n)]
    return LQuery(label, ctx, assume, b.national[p] < a.national[p], [a, b])


def _nvw(moved: bool, listed: bool = False) -> Callable[[LevelSystem, int, int | None, int], list[LQuery]]:
    def build(sys: LevelSystem, n: int, max_votes: int | None, k_extra: int) -> list[LQuery]:
        out = []
        for k in range(sys.units):
            for p in range(n):
                sources: list[int | None] = [q for q in range(n) if q != p] if moved else [None]
                out.extend(_gain_query(sys, n, max_votes, k, p, q, listed) for q in sources)
        return out
    return build


def _house(sys: LevelSystem, n: int, max_votes: int | None, k_extra: int) -> list[LQuery]:
    ctx = Ctx(real=True, prefix="h.")
    a = allocate_levels(ctx, sys, level_election(ctx, sys, n, "A", max_votes))
    limit = sys.chamber.seats + k_extra
    return [LQuery(f"more than {limit} seats", ctx, [a.defined], a.total > limit, [a])]


def _reversal(sys: LevelSystem, n: int, max_votes: int | None, k_extra: int) -> list[LQuery]:
    ctx = Ctx(real=True, prefix="r.")
    a = allocate_levels(ctx, sys, level_election(ctx, sys, n, "A", max_votes))
    V = [z3.Sum([row[p] for row in a.election.votes]) for p in range(n)]
    worse = z3.Or([z3.And(V[p] > V[q], a.national[p] < a.national[q]) for p in range(n) for q in range(n) if p != q])
    return [LQuery("a list with more votes has fewer seats", ctx, [a.defined], worse, [a])]


def _reversal_bad(sys: LevelSystem, o: list[LevelOutcome], k_extra: int) -> bool:
    v, s = o[0].national_votes, o[0].national
    return any(v[p] > v[q] and s[p] < s[q] for p in range(len(v)) for q in range(len(v)) if p != q)


def _changed(o: list[LevelOutcome]) -> tuple[int, int] | None:
    """(unit, list) whose votes rose from the first election to the second; every other list's
    votes the same, or lower in that unit only (votes moved), and the same winners."""
    a, b = o[0].case, o[1].case
    if a.won != b.won or a.pop != b.pop or a.mags != b.mags or a.extras != b.extras:
        return None
    up = [(k, p) for k in range(len(a.votes)) for p in range(len(a.votes[0])) if b.votes[k][p] > a.votes[k][p]]
    down = [(k, p) for k in range(len(a.votes)) for p in range(len(a.votes[0])) if b.votes[k][p] < a.votes[k][p]]
    if len(up) != 1 or len(down) > 1 or (down and down[0][0] != up[0][0]):
        return None
    return up[0]


def _nvw_bad(sys: LevelSystem, o: list[LevelOutcome], k_extra: int) -> bool:
    g = _changed(o)
    return g is not None and o[1].national[g[1]] < o[0].national[g[1]]


def _house_bad(sys: LevelSystem, o: list[LevelOutcome], k_extra: int) -> bool:
    return o[0].total > sys.chamber.seats + k_extra


BVERFG = ("BVerfG, judgment of 3 July 2008, 2 BvC 1/07, 2 BvC 7/07 (BVerfGE 121, 266): negative "
          "voting weight (negatives Stimmgewicht) of overhang seats under § 7(3) with § 6(4)-(5) BWahlG")

LEVEL_CATALOGUE: dict[str, LevelProperty] = {
    p.name: p for p in (
        LevelProperty(
            "negative-vote-weight",
            "A list that gains list (second) votes in one upper unit (Land), every other figure "
            "unchanged (the other lists' votes, the constituency winners), never ends with fewer "
            "seats in the chamber.", BVERFG, _nvw(False), _nvw_bad),
        LevelProperty(
            "negative-vote-weight-moved",
            "The same when the gained votes move from another list in that unit (the other list "
            "loses as many).", BVERFG, _nvw(True), _nvw_bad),
        LevelProperty(
            "negative-vote-weight-listed",
            "negative-vote-weight among elections where every list has list votes in both elections "
            "(no list stands in the constituencies alone, as an independent does).", BVERFG,
            _nvw(False, True), _nvw_bad),
        LevelProperty(
            "negative-vote-weight-moved-listed",
            "negative-vote-weight-moved where every list has list votes in both elections.", BVERFG,
            _nvw(True, True), _nvw_bad),
        LevelProperty(
            "house-size",
            "The chamber never has more seats than the levelling tier's nominal seats plus k "
            "(k = 0: overhang-free).",
            "BVerfG, judgment of 25 July 2012, 2 BvF 3/11 (BVerfGE 131, 316): overhang seats "
            "beyond about 15 uncompensated; Electoral Act 1993 (NZ) s. 192(5)", _house, _house_bad),
        LevelProperty(
            "majority-reversal",
            "A list with more list votes nationally never has fewer seats in the chamber than a list "
            "with fewer (constituency seats and the placement included).",
            "Balinski & Young 1982, ch. 9 (concordance), on national votes and seats", _reversal, _reversal_bad),
    )
}
LEVEL_ALIASES = {"overhang-free": "house-size"}


# --- solving ---------------------------------------------------------------------------------------


def _value(m: z3.ModelRef, x: z3.ArithRef) -> Fraction:
    v = m.eval(x, model_completion=True)
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    return Fraction(v.numerator_as_long(), v.denominator_as_long())  # type: ignore[attr-defined]


def cases_of(m: z3.ModelRef, encs: list[LevelEnc]) -> tuple[list[LevelCase], list[list[list[int]]]]:
    """The query's elections as integral cases (one common factor), and the model's seats."""
    raw = [[[_value(m, x) for x in row] for row in enc.election.votes] for enc in encs]
    extras = [{k: _value(m, x) for k, x in (enc.election.extras or {}).items()} for enc in encs]
    den = 1
    for votes, ex in zip(raw, extras, strict=True):
        for x in [*(x for row in votes for x in row), *ex.values()]:
            den = lcm(den, x.denominator)
    pop = None
    if encs[0].election.pop is not None:  # the populations: one figure per Land, scaled on their own
        praw = [_value(m, x) for x in encs[0].election.pop]
        pden = 1
        for x in praw:
            pden = lcm(pden, x.denominator)
        pop = [int(x * pden) for x in praw]
    cases = [LevelCase([[int(x * den) for x in row] for row in votes],
                       [[int(_value(m, x)) for x in row] for row in enc.election.won], pop,
                       {k: int(x * den) for k, x in ex.items()} if enc.election.extras is not None else None,
                       [int(_value(m, x)) for x in enc.election.mags] if enc.election.mags is not None else None)
             for votes, enc, ex in zip(raw, encs, extras, strict=True)]
    seats = [[[m.eval(s, model_completion=True).as_long() for s in row] for row in enc.seats] for enc in encs]
    return cases, seats


def replay(sys: LevelSystem, prop: LevelProperty, cases: list[LevelCase], model_seats: list[list[list[int]]],
           k_extra: int) -> list[LevelOutcome]:
    return replayed(prop.name, cases, model_seats, lambda c: interpret(sys, c),
                    lambda outs: prop.violated(sys, outs, k_extra))


def decide(sys: LevelSystem, prop: LevelProperty, n: int, *, timeout: float = 60.0,
           max_votes: int | None = None, k_extra: int = 0, split: bool = False) -> Verdict:
    """The verdict. ``split`` (a districted lower tier with symbolic magnitudes): one case per
    vector of magnitudes (``magnitude_vectors``), each query encoded again with them fixed, decided
    by verify/case_split.py (PROVED only if every case is). Not the default: on Norway 2021 (2 lists,
    2 districts, 3-6 seats) the cases took about twice the CPU time of the whole queries
    (docs/figures/verify-national-2026-12-02.txt)."""
    deadline = time.monotonic() + timeout

    def confirm(a: Ask, m: z3.ModelRef) -> list[LevelOutcome]:
        cases, model_seats = cases_of(m, a.data.elections)
        return replay(sys, prop, cases, model_seats, k_extra)

    def notes(count: int) -> list[str]:
        return [f"non-vacuity: the assumptions of each of the {count} sub-queries have a model without "
                "the negated property",
                "elections where a method meets a tie at its cut (a lot would be drawn) are left out"]

    if split and sys.districted and not sys.magnitudes:
        split_asks = [(Ask(f"magnitudes {list(v)}" + (f", {q.label}" if q.label else ""), q.ctx.cons, q.assume,
                           q.violation, q), [WHOLE])
                      for v in magnitude_vectors(sys) for q in prop.build(replace(sys, magnitudes=v), n, max_votes,
                                                                               k_extra)]
        return decide_by_cases(split_asks, confirm, deadline, notes)
    asks = [Ask(q.label, q.ctx.cons, q.assume, q.violation, q) for q in prop.build(sys, n, max_votes, k_extra)]
    return decide_queries(asks, confirm, deadline, notes)


def magnitude_vectors(sys: LevelSystem) -> list[tuple[int, ...]]:
    """Every vector of district magnitudes of the districted family: at least 1 each, adding up
    to the district seats (what ``level_election`` allows the symbolic magnitudes; both elections
    of a step share them). The cases of the split, each encoded with its magnitudes fixed."""
    C, K = sys.constituencies, sys.units
    return [v for v in itertools.product(range(1, C + 1), repeat=K) if sum(v) == C]


# --- the majority bonus ------------------------------------------------------------------------------

BONUS_MAJORITY = LevelProperty(
    "bonus-majority",
    "Whenever the first list reaches the bonus's condition (its share of the base; with "
    "'bonus-majority:S', a share S of the votes), it holds more than half of the tier's seats.",
    "P.D. 26/2012 art. 99 as amended by Law 4804/2021 (Greece: the bonus is meant to give the "
    "first party a working majority); Italy, Law 52/2015 (Italicum) art. 1: a bonus that "
    "guarantees 340 of 630 seats",
    lambda *_: [], lambda *_: False)


def decide_bonus(sys: BonusSystem, n: int, *, at_least: Fraction | None = None, timeout: float = 60.0,
                 max_votes: int | None = None) -> Verdict:
    """bonus-majority: the verdict; a counterexample's outcome is (votes, seats, protocol), replayed."""
    deadline = time.monotonic() + timeout
    ctx, enc, assume, violation = majority_query(sys, n, at_least, max_votes)

    def confirm(a: Ask, m: z3.ModelRef) -> list[tuple[list[int], list[int], str]]:
        raw = [_value(m, x) for x in enc.votes]
        den = 1
        for x in raw:
            den = lcm(den, x.denominator)
        votes = [int(x * den) for x in raw]
        model_seats = [m.eval(x, model_completion=True).as_long() for x in enc.seats]
        got = bonus_interpret(sys, votes)
        if isinstance(got, str):
            raise EncodingMismatch(f"bonus-majority: the interpreter gives no result ({got}) for votes {votes}")
        seats, trace = got
        if seats != model_seats:
            raise EncodingMismatch(f"bonus-majority: for votes {votes} the encoding gives {model_seats}, "
                                   f"the interpreter {seats}")
        lead = max(range(n), key=lambda p: votes[p])
        share = Fraction(votes[lead], sum(votes))
        bar = at_least if at_least is not None else sys.bonus.share or Fraction(0)
        if not (share >= bar and 2 * seats[lead] <= sys.tier.seats):
            raise EncodingMismatch(f"bonus-majority: the interpreter's seats {seats} do not break it")
        return [(votes, seats, trace)]

    return decide_queries([Ask("", ctx.cons, assume, violation)], confirm, deadline, lambda _: [
        "non-vacuity: an election where the first list reaches the condition exists",
        "elections with equal most votes or a tie at the method's cut (no result) are left out"])
