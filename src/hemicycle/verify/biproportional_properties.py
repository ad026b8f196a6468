"""Properties of biproportional chambers (docs/verify.md, "Biproportional apportionment"), each
decided on the encoding of verify/biproportional.py for every magnitude vector of the family.

The properties are the districted chambers' (``DISTRICT_CATALOGUE``: negative-vote-weight,
district-monotonicity, majority-reversal, with their definitions, citations and checks on the
interpreter's outcomes) and ``house-size`` (the chamber never holds more seats than its units'
magnitudes add up to). Each magnitude vector is a case: a REFUTED is the first counterexample,
replayed by the interpreter (``solving.decide_queries``); a PROVED needs every case's queries
unsatisfiable with their assumptions satisfiable (non-vacuity); a timeout is UNKNOWN.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3

from hemicycle.model import Chamber
from hemicycle.verify.biproportional import BiproSystem, allocate_bipro, bipro_system
from hemicycle.verify.district_properties import DISTRICT_CATALOGUE, gained, integral_figures
from hemicycle.verify.districts import (
    DistrictCase,
    DistrictEnc,
    DistrictOutcome,
    district_elections,
    interpret,
)
from hemicycle.verify.errors import EncodingMismatch, PropertyError
from hemicycle.verify.results import NO_RESULT, PropertyResult, bounds
from hemicycle.verify.solving import Verdict, assumptions_satisfiable, check_by, replayed
from hemicycle.verify.symbolic import Ctx
from hemicycle.verify.verdict_results import ResultShape, district_counterexample, verdict_result

Mags = tuple[int, ...]


@dataclass
class BQuery:
    label: str
    ctx: Ctx
    assume: list[z3.BoolRef]
    violation: z3.BoolRef
    elections: list[DistrictEnc]


@dataclass(frozen=True)
class BiproProperty:
    name: str
    definition: str
    citation: str
    build: Callable[[BiproSystem, Mags, int, int | None, bool], list[BQuery]]
    violated: Callable[[list[DistrictOutcome]], bool]
    national: bool = False  # about the chamber's seats only: asked first without the lower apportionment


def _pair(bs: BiproSystem, mags: Mags, n: int, max_votes: int | None, k: int, p: int, label: str, lower: bool
          ) -> tuple[Ctx, DistrictEnc, DistrictEnc]:
    """Election A, and B = A with list p's votes in unit k higher (all else equal)."""
    sys = bs.districts(mags)
    ctx = Ctx(real=sys.real, prefix=f"{label}.")
    a_ds = district_elections(ctx, sys, n, "A", max_votes)
    b_ds = gained(ctx, a_ds, k, p, max_votes)
    return (ctx, allocate_bipro(ctx, bs, a_ds, mags, "A", lower=lower),
            allocate_bipro(ctx, bs, b_ds, mags, "B", lower=lower))


def _steps(seat_of: Callable[[DistrictEnc, int, int], z3.ArithRef]
           ) -> Callable[[BiproSystem, Mags, int, int | None, bool], list[BQuery]]:
    def build(bs: BiproSystem, mags: Mags, n: int, max_votes: int | None, lower: bool) -> list[BQuery]:
        out = []
        for k, name in enumerate(bs.names):
            for p in range(n):
                ctx, a, b = _pair(bs, mags, n, max_votes, k, p, f"q{k}_{p}", lower)
                out.append(BQuery(f"L{p + 1} gains in {name}", ctx, [a.defined, b.defined],
                                  seat_of(b, k, p) < seat_of(a, k, p), [a, b]))
        return out

    return build


def _one(violation: Callable[[DistrictEnc, Mags], z3.BoolRef], label: str
         ) -> Callable[[BiproSystem, Mags, int, int | None, bool], list[BQuery]]:
    def build(bs: BiproSystem, mags: Mags, n: int, max_votes: int | None, lower: bool) -> list[BQuery]:
        sys = bs.districts(mags)
        ctx = Ctx(real=sys.real, prefix="r.")
        a = allocate_bipro(ctx, bs, district_elections(ctx, sys, n, "A", max_votes), mags, "A", lower=lower)
        return [BQuery(label, ctx, [a.defined], violation(a, mags), [a])]

    return build


def _reversal(a: DistrictEnc, mags: Mags) -> z3.BoolRef:
    v, s = a.national.votes, a.national_seats
    n = len(v)
    return z3.Or([z3.And(v[p].gt(v[q]), s[p] < s[q]) for p in range(n) for q in range(n) if p != q])


def _oversize(a: DistrictEnc, mags: Mags) -> z3.BoolRef:
    return z3.Sum(a.national_seats) > sum(mags)


def _house_bad(o: list[DistrictOutcome]) -> bool:
    return sum(o[0].national) > sum(o[0].magnitudes)


def _catalogue() -> dict[str, BiproProperty]:
    d = DISTRICT_CATALOGUE
    mono, nvw, rev = d["district-monotonicity"], d["negative-vote-weight"], d["majority-reversal"]
    return {p.name: p for p in (
        BiproProperty(mono.name, mono.definition, mono.citation, _steps(lambda e, k, p: e.seats[k][p]),
                      lambda o: mono.violated(o, None)),
        BiproProperty(nvw.name, nvw.definition, nvw.citation, _steps(lambda e, k, p: e.national_seats[p]),
                      lambda o: nvw.violated(o, None), national=True),
        BiproProperty(rev.name, rev.definition, rev.citation, _one(_reversal, "more national votes, fewer seats"),
                      lambda o: rev.violated(o, None), national=True),
        BiproProperty("house-size", "The chamber never holds more seats than its units' magnitudes add up to.",
                      "Pukelsheim 2017, ch. 14 (the biproportional method fills every unit's magnitude exactly)",
                      _one(_oversize, "more seats than the magnitudes"), _house_bad, national=True),
    )}


BIPRO_CATALOGUE: dict[str, BiproProperty] = _catalogue()


# --- deciding --------------------------------------------------------------------------------


def read_cases(mdl: z3.ModelRef, q: BQuery, mags: Mags) -> tuple[list[DistrictCase], list[list[list[int]]]]:
    """The query's elections as integral cases (one common factor for rational votes), and the
    model's seats (district x list)."""
    raw = integral_figures(mdl, q.elections)
    cases = [DistrictCase(votes, extras,
                          [None] * len(mags), list(mags),
                          {t: [z3.is_true(mdl.eval(v, model_completion=True)) for v in vs]
                           for t, vs in enc.districts[0].tags.items()})
             for (votes, extras), enc in zip(raw, q.elections, strict=True)]
    seats = [[[mdl.eval(s, model_completion=True).as_long() for s in row] for row in enc.seats]
             for enc in q.elections]
    return cases, seats


def decide(bs: BiproSystem, prop: BiproProperty, n: int, *, timeout: float = 60.0,
           max_votes: int | None = None) -> Verdict:
    """The property's verdict over every magnitude vector of ``bs`` (see the module's docstring)."""
    if max_votes is not None and not bs.integer:
        bs = BiproSystem(bs.chamber, bs.tier, bs.names, bs.vectors, bs.free, integer=True)
    start = time.monotonic()
    deadline = start + timeout
    unknown: list[str] = []
    queries = relaxed = 0
    for mags in bs.vectors:
        if time.monotonic() >= deadline:
            unknown.append(f"magnitudes {mags} and after: timeout (time budget used up)")
            break
        full = prop.build(bs, mags, n, max_votes, True)
        light = prop.build(bs, mags, n, max_votes, False)
        for q, r in zip(full, light, strict=True):
            queries += 1
            status, found, why = _ask(bs, prop, mags, q, r, deadline)
            relaxed += status == "proved" and r is not None and why == "relaxed"
            if status == "refuted":
                notes = [f"found in the query: {q.label}"]
                if bs.free:
                    notes.append(f"magnitudes {dict(zip(bs.names, mags, strict=True))}")
                return Verdict("refuted", time.monotonic() - start, outcomes=found, notes=notes)
            if status == "unknown":
                unknown.append(f"magnitudes {mags}, {q.label}: {why}")
    seconds = time.monotonic() - start
    if unknown:
        return Verdict("unknown", seconds, reason="; ".join(unknown[:3]))
    notes = [f"every magnitude vector ({len(bs.vectors)}), {queries} sub-queries in all, each with the "
             "non-vacuity check on the whole encoding (its assumptions have a model without the negated property)"]
    if relaxed:
        notes.append(f"{relaxed} sub-queries unsatisfiable already without the lower apportionment (the chamber's "
                     "seats are the upper apportionment's; an election with a result satisfies the relaxation)")
    return Verdict("proved", seconds, notes=notes)


def _ask(bs: BiproSystem, prop: BiproProperty, mags: Mags, q: BQuery, r: BQuery, deadline: float
         ) -> tuple[str, list[DistrictOutcome] | None, str]:
    """One sub-query: ("proved" | "refuted" | "unknown", the replayed outcomes, a reason). ``r``
    is the query without the lower apportionment; for a property of the chamber's seats it is
    asked first: unsatisfiable there is unsatisfiable here; a model of it is a counterexample
    when the interpreter confirms it (its elections all have results), else the whole query is
    asked."""
    if prop.national:
        s = z3.Solver()
        s.add(*r.ctx.cons, *r.assume, r.violation)
        res, _ = check_by(s, deadline)
        if res == z3.unsat:
            return _non_vacuous(q, r, deadline, "relaxed")
        if res == z3.sat:
            found = _confirm_relaxed(bs, prop, mags, r, s.model())
            if found is not None:
                return "refuted", found, ""
    s = z3.Solver()
    s.add(*q.ctx.cons, *q.assume, q.violation)
    res, why = check_by(s, deadline)
    if res == z3.sat:
        return "refuted", _replay(bs, prop, q, s.model(), mags), ""
    if res == z3.unknown:
        return "unknown", None, why
    return _non_vacuous(q, r, deadline, "")


def _non_vacuous(q: BQuery, r: BQuery, deadline: float, how: str) -> tuple[str, None, str]:
    """PROVED if the whole query's assumptions have a model. Tried first at the figures of a
    model of the relaxation's assumptions with every vote positive (the two queries name their
    vote symbols alike): the lower apportionment then only has to be evaluated; failing that,
    the solver looks for any model."""
    hints: list[list[z3.BoolRef]] = []
    hint = z3.Solver()
    hint.add(*r.ctx.cons, *r.assume, *[x.a >= 1 for e in r.elections for d in e.districts for x in d.votes])
    if check_by(hint, min(deadline, time.monotonic() + 10))[0] == z3.sat:
        mdl = hint.model()
        hints.append([x.a == mdl.eval(x.a, model_completion=True) for e in q.elections for d in e.districts
                      for x in d.votes])
    rng = random.Random(q.label)
    hints += [_random_figures(q, rng) for _ in range(3)]  # generic figures: no tie anywhere, as a rule
    for fix in hints:
        if assumptions_satisfiable(q.ctx.cons, [*q.assume, *fix], min(deadline, time.monotonic() + 10))[0] == z3.sat:
            return "proved", None, how
    res, why = assumptions_satisfiable(q.ctx.cons, q.assume, deadline)
    if res == z3.sat:
        return "proved", None, how
    return "unknown", None, ("assumptions contradictory" if res == z3.unsat
                             else f"could not show its assumptions satisfiable ({why})")


def _random_figures(q: BQuery, rng: random.Random) -> list[z3.BoolRef]:
    """Random figures for the query's elections: every vote symbol of the first election, and a
    vote of a later one that is not the same symbol (the gaining cell) one more random gain."""
    fix: list[z3.BoolRef] = []
    first = q.elections[0].districts
    values = [[rng.randint(100, 10_000) for _ in d.votes] for d in first]
    for e in q.elections:
        for k, d in enumerate(e.districts):
            for i, x in enumerate(d.votes):
                same = x.a.get_id() == first[k].votes[i].a.get_id()  # type: ignore[union-attr]
                fix.append(x.a == values[k][i] + (0 if same else rng.randint(1, 1000)))
    return fix


def _confirm_relaxed(bs: BiproSystem, prop: BiproProperty, mags: Mags, r: BQuery, mdl: z3.ModelRef
                     ) -> list[DistrictOutcome] | None:
    """The interpreter's outcomes of a model of the relaxation, when every election has a result
    (its chamber seats must then be the model's, and break the property); None when one has none."""
    cases, _ = read_cases(mdl, r, mags)
    sys = bs.districts(mags)
    outs = []
    for c, enc in zip(cases, r.elections, strict=True):
        o = interpret(sys, c)
        if isinstance(o, str):
            return None
        want = [mdl.eval(x, model_completion=True).as_long() for x in enc.national_seats]
        if o.national != want:
            raise EncodingMismatch(f"{prop.name}: for {c} the upper apportionment's encoding gives {want}, "
                                   f"the interpreter {o.national}")
        outs.append(o)
    if not prop.violated(outs):
        raise EncodingMismatch(f"{prop.name}: the interpreter's seats {[o.national for o in outs]} do not break it")
    return outs


def _replay(bs: BiproSystem, prop: BiproProperty, q: BQuery, mdl: z3.ModelRef, mags: Mags) -> list[DistrictOutcome]:
    cases, model_seats = read_cases(mdl, q, mags)
    sys = bs.districts(mags)
    return replayed(prop.name, cases, model_seats, lambda c: interpret(sys, c), prop.violated)


# --- the entry point of ``verify`` -----------------------------------------------------------


def verify_biproportional(chamber: Chamber, properties: list[str] | None, *, parties: int, max_votes: int | None,
                          timeout: float, progress: Any = None, districts: int | None = None,
                          max_magnitude: int | None = None, property_file: object = None,
                          seats: int | None = None) -> list[PropertyResult]:
    """The biproportional properties (all when ``properties`` is None) of the chamber, at
    ``districts`` units whose magnitudes range over 1..``max_magnitude`` when the vote file gives
    them; a clause outside the family is refused with its line."""
    if property_file is not None:
        raise PropertyError("property files (.props) are not supported for biproportional chambers yet")
    if seats is not None:
        raise PropertyError("--seats does not apply to a biproportional chamber: its magnitudes are "
                            "--districts and --max-magnitude")

    bs = bipro_system(chamber, districts, max_magnitude)
    names = list(BIPRO_CATALOGUE) if properties is None else properties
    for name in names:
        if name not in BIPRO_CATALOGUE:
            raise PropertyError(f"{name!r} is not a property of biproportional chambers yet; known: "
                                + ", ".join(BIPRO_CATALOGUE))
    real = bs.real and max_votes is None
    shape = ResultShape(bs.tier.name, "rational" if real else "integer",
                        bounds(parties, real, max_votes) + f", {len(bs.names)} units, " + bs.magnitude_text,
                        lambda o: district_counterexample(bs.districts(tuple(o.magnitudes)), o), lambda o: o.trace,
                        [NO_RESULT])
    results = []
    for k, name in enumerate(names):
        if progress is not None:
            progress(k, len(names), name)
        prop = BIPRO_CATALOGUE[name]
        results.append(verdict_result(name, prop, parties, shape, lambda p=prop: decide(
            bs, p, parties, timeout=timeout, max_votes=max_votes)))
    if progress is not None:
        progress(len(names), len(names), "")
    return results
