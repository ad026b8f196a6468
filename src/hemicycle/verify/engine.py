"""Running properties: solving, reading counterexamples back, replaying them, minimising.

The result types are in verify/results.py, the timeout policy in verify/solving.py; chambers
with districts, levels or a bonus go to verify/multilevel.py."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from pathlib import Path
from typing import Any

import z3

from hemicycle.election import Election
from hemicycle.model import Chamber, Tier
from hemicycle.verify.alliance_tags import concrete_lists
from hemicycle.verify.concrete import Regions, region_totals, totals_for
from hemicycle.verify.cones import solve_on_cones
from hemicycle.verify.encoder import TierEnc, check_supported
from hemicycle.verify.errors import EncodingMismatch, PropertyError, VerifyError
from hemicycle.verify.multilevel import levels_or_bonus, verify_districted
from hemicycle.verify.problem import Outcome, Part, Problem, Query
from hemicycle.verify.properties import CATALOGUE, Property
from hemicycle.verify.refusals import refuse_levels2
from hemicycle.verify.results import NO_RESULT, CounterElection, PropertyResult, Status, mismatch_reason
from hemicycle.verify.results import bounds as _bounds
from hemicycle.verify.solving import check as _check
from hemicycle.verify.solving import left as _left
from hemicycle.verify.ties import replay_tier

# --- solving ---------------------------------------------------------------------------------


@dataclass
class _Model:
    query: Query
    model: z3.ModelRef


@dataclass
class _Solved:
    """What the solver made of a property's queries."""

    status: Status
    found: _Model | None = None
    reasons: list[str] = field(default_factory=list)  # why not PROVED (UNKNOWN)
    leads: list[str] = field(default_factory=list)  # non-refuting parts that have models
    notes: list[str] = field(default_factory=list)  # facts about a proof (empty cases)
    checked: int = 0  # sub-queries whose assumptions were shown satisfiable

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _implied_hold(solver: z3.Solver, q: Query, base: list[z3.BoolRef], deadline: float
                  ) -> str | None:
    """Prove every normalisation that ``q`` claims follows from its constraints (a second
    election's admitted votes): the reason it could not be proved, or None. A claim that is
    false is a bug of the property's encoding (``EncodingMismatch``)."""
    for label, eq in q.implied:
        solver.push()
        solver.add(*base, z3.Not(eq))
        r, why = _check(solver, _left(deadline, 30.0))
        solver.pop()
        if r == z3.sat:
            raise EncodingMismatch(f"{q.label}: the normalisation `{label}` does not follow from "
                                   "the query's other constraints")
        if r == z3.unknown:
            return f"{q.label}: could not establish the normalisation `{label}` ({why})"
    return None


class _Plain:
    """The property's queries without any normalisation, built on demand by label: a case
    split that is empty in the normalised encoding must be empty here too."""

    def __init__(self, prop: Property, problem: Problem) -> None:
        # only the rational encoding normalises; an integer encoding is its own plain encoding
        self.needed = problem.real and problem.normalise
        self.prop = prop
        self.problem = problem

    def get(self, label: str, method: bool) -> Query | None:
        for q in self.prop.build(self.problem.plain(only=label, method=method)):
            if q.label == label:
                return q
        return None


_FIXED = z3.Then("simplify", "propagate-values", "solve-eqs", "smt")


def _free_figures(q: Query) -> list[z3.ArithRef]:
    """The vote variables of the query's independent elections (derived ones are terms)."""
    out: list[z3.ArithRef] = []
    for enc in q.elections:
        for x in enc.election.votes:
            a = x.a
            if z3.is_const(a) and a.decl().kind() == z3.Z3_OP_UNINTERPRETED and \
                    not any(a.eq(y) for y in out):
                out.append(a)
    return out


def _satisfiable(q: Query, conds: list[z3.BoolRef], deadline: float
                 ) -> tuple[z3.CheckSatResult, str]:
    """Whether the query's constraints and ``conds`` have a model: first with a few simple
    elections fixed (a model is then found by propagation), then in general."""
    figs = _free_figures(q)
    n = len(figs)
    shapes = [[2 * (n - i) + 1 for i in range(n)]]
    shapes += [[0 if i == z else 2 * (n - i) + 1 for i in range(n)] for z in range(n)]
    scale = z3.Real(q.ctx.name("witness.scale")) if q.ctx.real else None
    for shape in shapes:
        if time.monotonic() >= deadline:
            break
        s = _FIXED.solver()
        s.add(*q.ctx.cons, *conds)
        if scale is not None:
            s.add(scale > 0, *[f == scale * k for f, k in zip(figs, shape, strict=True)])
        else:
            s.add(*[f == 100 * k for f, k in zip(figs, shape, strict=True)])
        r, _ = _check(s, _left(deadline, 1.0))
        if r == z3.sat:
            return r, ""
    solver = z3.Solver()
    solver.add(*q.ctx.cons, *conds)
    return _check(solver, _left(deadline, 30.0))


def _nonvacuous(q: Query, plain: _Plain, deadline: float, out: _Solved) -> None:
    """The check behind every PROVED: the query's assumptions (and its case) have a model
    without the negated property. Appends to ``out.reasons`` when they have none."""
    full = [*q.assume, *([q.case] if q.case is not None else []), *(eq for _, eq in q.implied)]
    r_full, why_full = _satisfiable(q, full, deadline)
    if r_full == z3.sat:  # (the assumptions alone then have a model too)
        out.checked += 1
        return
    r, why = r_full, why_full
    if q.case is not None or q.implied:
        r, why = _satisfiable(q, list(q.assume), deadline)
    if r != z3.sat:
        out.reasons.append(f"assumptions are contradictory: {q.label}" if r == z3.unsat else
                           f"{q.label}: could not show its assumptions satisfiable ({why})")
        return
    if r_full == z3.unknown:
        out.reasons.append(f"{q.label}: could not show its case satisfiable ({why_full})")
        return
    # an empty case: fine only if no election falls in it (the plain encoding agrees)
    if not plain.needed:
        out.checked += 1
        out.notes.append(f"{q.label}: no election falls in this case")
        return
    # first with the allocation left free (cheap, and an over-approximation: empty there means
    # empty), then with the whole plain encoding
    for method in (False, True):
        pq = plain.get(q.label, method)
        if pq is None:
            out.reasons.append(f"assumptions are contradictory: {q.label} (its case is empty)")
            return
        ps = z3.Solver()
        ps.add(*pq.ctx.cons, *pq.assume, *([pq.case] if pq.case is not None else []))
        r, why = _check(ps, _left(deadline, 30.0))
        if r == z3.unsat:
            out.checked += 1
            out.notes.append(f"{q.label}: no election falls in this case")
            return
        if r == z3.unknown:
            out.reasons.append(f"{q.label}: could not tell whether its case is empty ({why})")
            return
    out.reasons.append(f"assumptions are contradictory: {q.label} (elections of this case drop "
                       "out with the normalisation)")


def _add_lemmas(solver: z3.Solver, lemmas: list[z3.BoolRef], deadline: float) -> None:
    """Add each lemma that the solver's assertions entail (proved within 10 s); the others are
    left out, so a lemma can speed a query up but never change its answer."""
    for lemma in lemmas:
        if time.monotonic() >= deadline:
            break
        solver.push()
        solver.add(z3.Not(lemma))
        r, _ = _check(solver, _left(deadline, 10.0))
        solver.pop()
        if r == z3.unsat:
            solver.add(lemma)


def _solve(prop: Property, problem: Problem, queries: Iterable[Query], deadline: float
           ) -> _Solved:
    """Solve every query (each part on its own); a PROVED needs every part unsatisfiable and
    every query's assumptions satisfiable (``_nonvacuous``)."""
    out = _Solved(Status.PROVED)
    plain = _Plain(prop, problem)
    for q in queries:
        if time.monotonic() >= deadline:
            out.reasons.append(f"{q.label}: timeout (time budget used up)")
            break
        solver = z3.Solver()
        solver.add(*q.ctx.cons)
        base = [*q.assume, *([q.case] if q.case is not None else [])]
        why_not = _implied_hold(solver, q, base, deadline)
        if why_not is not None:
            out.reasons.append(why_not)
            continue
        solver.push()
        # the normalisations hold in the query's case (proved above), not outside it
        solver.add(*base, *(eq for _, eq in q.implied), q.violation)
        if q.cones and not q.parts:  # the lemmas and the query first on their cones (verify/cones.py)
            facts, done = solve_on_cones(q.ctx.cons, [*base, *(eq for _, eq in q.implied)], q.lemmas,
                                         q.violation, deadline)
            solver.add(*facts)
        else:
            _add_lemmas(solver, q.lemmas, deadline)
            done = False
        settled = True
        for part in [] if done else q.parts or [Part("", z3.BoolVal(True))]:
            name = f"{q.label}{' (' + part.label + ')' if part.label else ''}"
            if time.monotonic() >= deadline:
                out.reasons.append(f"{name}: timeout (time budget used up)")
                settled = False
                continue
            solver.push()
            solver.add(part.cond)
            _add_lemmas(solver, part.lemmas, deadline)
            r, why = _check(solver, _left(deadline))
            if r == z3.sat:
                m = solver.model()
                solver.pop()
                if part.refutes:
                    return _Solved(Status.REFUTED, _Model(q, m))
                out.leads.append(name)
                settled = False
                continue
            solver.pop()
            if r == z3.unknown:
                out.reasons.append(f"{name}: {why}")
                settled = False
        solver.pop()
        if settled:
            _nonvacuous(q, plain, deadline, out)
    if out.reasons or out.leads:
        out.status = Status.UNKNOWN
    return out


# --- reading models back ---------------------------------------------------------------------


def _val(m: z3.ModelRef, x: object) -> Fraction:
    if isinstance(x, int):
        return Fraction(x)
    v = m.eval(x, model_completion=True)  # type: ignore[arg-type]
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    if z3.is_algebraic_value(v):
        raise EncodingMismatch(f"irrational value {v} in a model")
    raise EncodingMismatch(f"cannot read {v} from a model")


@dataclass
class _RawElection:
    votes: list[Fraction]
    extras: dict[str, Fraction]
    tags: dict[str, list[bool]]
    seats: list[int]
    house: int
    regions: list[tuple[list[Fraction], dict[str, Fraction]]] = field(default_factory=list)


def _read(m: z3.ModelRef, enc: TierEnc) -> _RawElection:
    e = enc.election
    return _RawElection(
        regions=[([_val(m, x.a) for x in r.votes], {k: _val(m, x.a) for k, x in r.extra_figures().items()})
                 for r in e.regions],
        votes=[_val(m, x.a) for x in e.votes],
        extras={name: _val(m, x.a) for name, x in e.extra_figures().items()},
        tags={t: [z3.is_true(m.eval(b, model_completion=True)) for b in vs]
              for t, vs in e.tags.items()},
        seats=[m.eval(s, model_completion=True).as_long() for s in enc.seats],
        house=enc.house,
    )


@dataclass
class _Concrete:
    votes: list[int]
    extras: dict[str, int]
    tags: dict[str, list[bool]]
    house: int
    model_seats: list[int]
    regions: Regions = field(default_factory=list)  # a regional threshold's regions


def _scale(raws: list[_RawElection], factor: int = 1) -> list[_Concrete]:
    den = 1
    for r in raws:
        for x in [*r.votes, *r.extras.values(), *(y for v, ex in r.regions for y in [*v, *ex.values()])]:
            den = lcm(den, x.denominator)
    out = []
    for r in raws:
        out.append(_Concrete(
            votes=[int(x * den * factor) for x in r.votes],
            extras={k: int(x * den * factor) for k, x in r.extras.items()},
            tags=r.tags, house=r.house, model_seats=r.seats,
            regions=[([int(x * den * factor) for x in v], {k: int(x * den * factor) for k, x in ex.items()})
                     for v, ex in r.regions],
        ))
    return out


# --- replay ----------------------------------------------------------------------------------


def _election(c: _Concrete) -> Election:
    entries, agreements = concrete_lists(c.votes, c.tags, c.regions)
    return Election(lists=entries, totals=totals_for(c.votes, **c.extras), name="counterexample",
                    agreements=agreements, regions=region_totals(c.regions))


def _tier_chamber(chamber: Chamber, tier: Tier, house: int) -> Chamber:
    t = tier if house == tier.seats else dataclasses.replace(tier, seats=house)
    return dataclasses.replace(chamber, seats=house, appointed=(), tiers=(t,))


def _replay(chamber: Chamber, tier: Tier, c: _Concrete) -> Outcome:
    from hemicycle.interpreter import AllocationError, allocate

    ch = _tier_chamber(chamber, replay_tier(tier, c.tags), c.house)  # with the counterexample's draw
    try:
        res = allocate(ch, _election(c))
    except AllocationError as exc:
        raise EncodingMismatch(
            f"the interpreter refuses counterexample votes {c.votes} {c.extras}: {exc}"
        ) from exc
    t = res.tiers[0]
    abbrs = [f"L{i + 1}" for i in range(len(c.votes))]
    ru = abbrs.index(t.runner_up) if t.runner_up in abbrs else None
    return Outcome(
        votes=c.votes, extras=c.extras, tags=c.tags, house=c.house,
        seats=[t.seats[a] for a in abbrs],
        passed=[a in t.passed for a in abbrs],
        admitted=[a in t.admitted for a in abbrs],
        runner_up=ru, ties=len(res.ties), trace=res.explain(), clauses=list(res.clauses_applied),
        regions=c.regions,
    )


def _confirm(chamber: Chamber, tier: Tier, prop: Property, cs: list[_Concrete],
             strict: bool = True) -> list[Outcome] | None:
    outs = [_replay(chamber, tier, c) for c in cs]
    for c, o in zip(cs, outs, strict=True):
        if o.seats != c.model_seats:
            if not strict:
                return None
            raise EncodingMismatch(
                f"{prop.name}: for votes {c.votes} {c.extras} (house {c.house}) the encoding "
                f"gives {c.model_seats} but the interpreter {o.seats}"
            )
    if not prop.violated(outs):
        if not strict:
            return None
        raise EncodingMismatch(
            f"{prop.name}: the interpreter's seats {[o.seats for o in outs]} for "
            f"{[c.votes for c in cs]} do not break the property"
        )
    return outs


def _concretise_step(chamber: Chamber, tier: Tier, prop: Property, raws: list[_RawElection],
                     step: tuple[int, int]) -> tuple[list[_Concrete], list[Outcome]]:
    """Turn an infinitesimal-step counterexample into two integer elections."""
    q, sign = step
    # the standard parts are the same; raws = [low, high]; the base is the one without eps
    base_raw = raws[0] if sign > 0 else raws[1]
    factor = 1
    for _ in range(64):
        base = _scale([base_raw], factor)[0]
        for other in _stepped(base, q, sign):  # a regional election: the step in each region in turn
            pair = [base, other] if sign > 0 else [other, base]
            pair[0].model_seats, pair[1].model_seats = raws[0].seats, raws[1].seats
            outs = _confirm(chamber, tier, prop, pair, strict=False)
            if outs is not None:
                return pair, outs
        factor *= 2
    raise EncodingMismatch(
        f"{prop.name}: no integer election confirms the infinitesimal counterexample "
        f"{[r.votes for r in raws]} (step L{q + 1} {'+' if sign > 0 else '-'}eps)"
    )


def _stepped(base: _Concrete, q: int, sign: int) -> list[_Concrete]:
    """``base`` with list q's votes one higher (``sign`` 1) or lower (-1), in some region when it
    has regions: every way that keeps the figures non-negative."""
    out = []
    for r in range(max(1, len(base.regions))):
        other = dataclasses.replace(base, votes=list(base.votes),
                                    regions=[(list(v), dict(ex)) for v, ex in base.regions])
        other.votes[q] += sign
        if other.regions:
            other.regions[r][0][q] += sign
        if other.votes[q] >= 0 and all(v[q] >= 0 for v, _ in other.regions):
            out.append(other)
    return out


def _clause(tier: Tier, outs: list[Outcome]) -> str | None:
    """Best effort: the clause most likely responsible for the violation."""
    pri = ["correction", "guarantee", "admit runner_up", "cap", "threshold", "when", "allocate"]
    seen = [c for o in outs for c in o.clauses]
    if len(outs) > 1 and any(o.passed != outs[0].passed for o in outs) and tier.thresholds:
        return f"threshold ({tier.thresholds[0].where})"
    if len(outs) > 1:
        differ = [c for o in outs for c in o.clauses if not all(c in x.clauses for x in outs)]
        seen = differ + seen
    for key in pri:
        for c in seen:
            if c.startswith(key):
                return c
    return None


def _counter(outs: list[Outcome]) -> list[CounterElection]:
    res = []
    for o in outs:
        abbrs = [f"L{i + 1}" for i in range(len(o.votes))]
        tags = {t: [abbrs[i] for i, f in enumerate(flags) if f] for t, flags in o.tags.items()}
        res.append(CounterElection(
            votes=dict(zip(abbrs, o.votes, strict=True)),
            totals=totals_for(o.votes, **o.extras),
            seats=dict(zip(abbrs, o.seats, strict=True)),
            house=o.house,
            tags=tags,
            regions=[{"region": f"R{r + 1}", "votes": dict(zip(abbrs, v, strict=True)), "totals": totals_for(v, **ex)}
                     for r, (v, ex) in enumerate(o.regions)],
        ))
    return res


# --- the entry point -------------------------------------------------------------------------


def run_property(
    chamber: Chamber,
    tier: Tier,
    prop: Property,
    *,
    parties: int = 5,
    max_votes: int | None = None,
    timeout: float = 60.0,
    minimize: bool = False,
    search: bool = True,
    on_refuted: Callable[[PropertyResult], None] | None = None,
) -> PropertyResult:
    """Check one property on one tier. ``search=False`` asks the solver alone (no random
    pre-search). ``on_refuted`` receives a confirmed counterexample before it is minimised (so a
    minimisation that runs out of time loses nothing)."""
    start = time.monotonic()
    deadline = start + timeout
    real = tier.scale_invariant and max_votes is None
    check_supported(tier)
    result = PropertyResult(
        property=prop.name, status=Status.UNKNOWN, parties=parties, seconds=0.0, tier=tier.name,
        bounds=_bounds(parties, real, max_votes), encoding="rational" if real else "integer",
        definition=prop.definition, citation=prop.citation, notes=[NO_RESULT],
    )
    quick = _search_first(chamber, tier, prop, parties, max_votes, timeout) if search else None
    problem = Problem(tier, parties, real=real, max_votes=max_votes)
    if problem.regions:
        result.notes.append(f"regional thresholds: elections with {problem.regions} regions, every figure summing "
                            "over them to the national one")
    if quick is not None:
        result.status, result.found_by, result.bounds = Status.REFUTED, "search", ""
        result.notes = ["found by a random search before any solver was asked, and replayed by "
                        "the interpreter"]
        _refuted(result, tier, quick)
    else:
        solved = _solve(prop, problem, prop.build(problem), deadline)
        if solved.status is Status.UNKNOWN and solved.leads and prop.fallback is not None:
            solved = _settle(prop, problem, solved, deadline)
        result.status = solved.status
        if solved.status is Status.PROVED:
            result.notes.append(f"non-vacuity: the assumptions of each of the {solved.checked} "
                                "sub-queries have a model without the negated property")
            result.notes.extend(solved.notes)
        if solved.status is Status.REFUTED:
            result.notes.extend(solved.notes)
        if solved.status is Status.UNKNOWN:
            result.reason = solved.reason
        if solved.found is not None:
            found = solved.found
            raws = [_read(found.model, enc) for enc in found.query.elections]
            if found.query.step is not None and real:
                cs, outs = _concretise_step(chamber, tier, prop, raws, found.query.step)
            else:
                cs = _scale(raws)
                outs = _confirm(chamber, tier, prop, cs)  # type: ignore[assignment]
                assert outs is not None
            result.bounds = ""
            _refuted(result, tier, outs)
    if result.status is Status.REFUTED and minimize:
        result.minimal = False
        result.seconds = time.monotonic() - start
        if on_refuted is not None:
            on_refuted(result)
        _minimize(chamber, tier, prop, result, deadline, parties, max_votes)
    result.seconds = time.monotonic() - start
    return result


def _refuted(result: PropertyResult, tier: Tier, outs: list[Outcome]) -> None:
    result.counterexample = _counter(outs)
    result.trace = "\n\n".join(o.trace for o in outs)
    result.clause = _clause(tier, outs)


def _settle(prop: Property, problem: Problem, solved: _Solved, deadline: float) -> _Solved:
    """The rules' extension drops at an election without a result (``solved.leads``): that is
    no counterexample. The property's direct queries (``fallback``) decide it."""
    assert prop.fallback is not None
    # (an empty case of a direct query is compared with the same query in the plain encoding)
    direct = _solve(dataclasses.replace(prop, build=prop.fallback), problem, prop.fallback(problem), deadline)
    if direct.status is not Status.UNKNOWN:
        verb = "proved" if direct.status is Status.PROVED else "found"
        direct.notes.insert(0, f"{verb} on the whole encoding: a case had a model on the admission-only "
                               "encoding" if prop.name == "anonymity" else
                            f"{verb} by the direct queries (a free gain): the one-step "
                            "queries meet elections without a result")
        return direct
    leads = ", ".join(solved.leads[:3]) + (" ..." if len(solved.leads) > 3 else "")
    why = ("a case has a model on the admission-only encoding" if prop.name == "anonymity" else
           "the seats drop only next to elections without a result")
    solved.reasons.insert(0, f"{why} ({leads}); "
                             f"the direct queries did not decide: {direct.reason or 'no answer'}")
    return solved


def _search_first(chamber: Chamber, tier: Tier, prop: Property, parties: int,
                  max_votes: int | None, timeout: float) -> list[Outcome] | None:
    """A short random search (``verify.search``) for the properties where refutations are easy to
    stumble upon and slow to construct; its candidates are replayed and checked here."""
    from hemicycle.verify.search import HOUSE, SEARCHABLE, search

    if prop.name not in SEARCHABLE or CATALOGUE.get(prop.name) is not prop:
        return None
    # the Alabama paradox is common and slow for the solver; the others get a brief look only
    budget = min(3.0, timeout / 4) if prop.name in HOUSE else min(0.3, timeout / 10)
    found: list[list[Outcome]] = []

    def confirm(candidate: list[tuple[list[int], dict[str, int], int]]) -> bool:
        cs = [_Concrete(votes=list(v), extras=dict(ex), tags={}, house=h, model_seats=[])
              for v, ex, h in candidate]
        try:
            outs = [_replay(chamber, tier, c) for c in cs]
        except EncodingMismatch:  # the interpreter gives no result for these votes
            return False
        if prop.violated(outs):
            found.append(outs)
            return True
        return False

    search(chamber, tier, prop.name, parties, max_votes, budget, confirm)
    return found[0] if found else None


def _refuting(q: Query) -> z3.BoolRef:
    """The models of ``q`` that are counterexamples (those of its refuting parts)."""
    conds = [p.cond for p in q.parts if p.refutes]
    return z3.Or(conds) if conds else z3.BoolVal(bool(not q.parts))


def _minimize(chamber: Chamber, tier: Tier, prop: Property, result: PropertyResult,
              deadline: float, parties: int, max_votes: int | None) -> None:
    """Replace the counterexample by one with the fewest total votes (integer encoding): first
    over the property's queries, then over its direct queries (a free gain), which may find
    fewer votes. The counterexample already confirmed is kept if nothing better is found in
    time (``minimal: false``)."""
    ip = Problem(tier, parties, real=False, max_votes=max_votes)
    builders = [prop.build] + ([prop.fallback] if prop.fallback is not None else [])
    best: tuple[int, list[Outcome]] | None = None
    optimal = True
    for build in builders:
        for q in build(ip):
            left = deadline - time.monotonic()
            if left <= 0 or q.objective is None:
                optimal = False
                continue
            opt = z3.Optimize()
            opt.add(*q.ctx.cons, *(eq for _, eq in q.implied), q.goal, _refuting(q))
            if best is not None:
                opt.add(q.objective < best[0])
            opt.minimize(q.objective)
            r, _ = _check(opt, left)
            if r == z3.unsat:
                continue
            try:
                m = opt.model()
            except z3.Z3Exception:
                m = None
            if r != z3.sat:
                optimal = False
            if m is None or len(m) == 0:
                continue
            raws = [_read(m, enc) for enc in q.elections]
            outs = _confirm(chamber, tier, prop, _scale(raws))
            assert outs is not None
            total = int(m.eval(q.objective, model_completion=True).as_long())
            if best is None or total < best[0]:
                best = (total, outs)
    if best is not None:
        _refuted(result, tier, best[1])
    result.minimal = optimal and best is not None
    if not result.minimal:
        result.notes.append("minimize: the fewest total votes was not reached in time"
                            if best is not None or not optimal else
                            "minimize: no integer counterexample found")


def verify(
    chamber: Chamber,
    properties: list[str] | None = None,
    *,
    parties: int = 5,
    max_votes: int | None = None,
    timeout: float = 60.0,
    minimize: bool = False,
    tier: str | None = None,
    property_file: Path | None = None,
    search: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    seats: int | None = None,
    units: int = 2,
    districts: int | None = None,
    max_magnitude: int | None = None,
) -> list[PropertyResult]:
    """Check catalogue properties (all when ``properties`` is None) and those of a ``.props``
    file, for every tier of ``chamber`` (or the one named ``tier``). ``search=False``: the
    solver alone, without the random pre-search. ``progress(done, total, step)`` is called
    before each property (step: its name, and the tier's when there are several) and once at
    the end.

    A property whose counterexample the interpreter does not confirm (a bug) gets status
    ``error`` with the reason; the other properties are still checked.

    A chamber with districts: the district properties (``DISTRICT_CATALOGUE``: all when
    ``properties`` is None) on the district family the verifier encodes (verify/districts.py);
    ``tier``, ``minimize`` and ``search`` do not apply there yet. ``districts``: how many units
    an apportioned level has (``apportion by ...``: the rule file does not name them; default 3), or
    a level whose magnitudes the vote file gives; ``max_magnitude``: the bound on those magnitudes
    (each ranges over 1..M; default 3); ``seats``: an apportioned level at that many seats (its
    fixed seats and minimum kept).

    A chamber with a levelling tier or a majority bonus: the level properties
    (``LEVEL_CATALOGUE``, verify/level_properties.py), at ``seats`` seats (the rules' seat numbers
    scaled in proportion; default: the rules' own) with ``units`` upper units (Länder)."""
    if parties < 1:
        raise PropertyError("parties must be at least 1")
    family = _verify_family(chamber, properties, parties=parties, max_votes=max_votes, timeout=timeout,
                            progress=progress, property_file=property_file, seats=seats, units=units,
                            districts=districts, max_magnitude=max_magnitude)
    if family is not None:
        return family
    props = _chosen_properties(properties, property_file)
    tiers = _chosen_tiers(chamber, tier)
    return _verify_tiers(chamber, tiers, props, parties=parties, max_votes=max_votes, timeout=timeout,
                         minimize=minimize, search=search, progress=progress)


def _verify_family(
    chamber: Chamber, properties: list[str] | None, *, parties: int, max_votes: int | None,
    timeout: float, progress: Callable[[int, int, str], None] | None, property_file: Path | None,
    seats: int | None, units: int, districts: int | None, max_magnitude: int | None,
) -> list[PropertyResult] | None:
    """The results of a chamber that has its own family of properties (levels or a bonus,
    biproportional apportionment, districts), or None: a chamber of tiers alone, whose tiers
    ``verify`` checks one by one. A new family's hook goes here."""
    levels = levels_or_bonus(chamber, properties, parties=parties, max_votes=max_votes, timeout=timeout,
                             progress=progress, seats=seats, units=units, property_file=property_file)
    if levels is not None:
        return levels
    from hemicycle.verify.biproportional import is_biproportional

    if is_biproportional(chamber):  # verify/biproportional_properties.py
        from hemicycle.verify.biproportional_properties import verify_biproportional

        return verify_biproportional(chamber, properties, parties=parties, max_votes=max_votes, timeout=timeout,
                                     progress=progress, districts=districts, max_magnitude=max_magnitude,
                                     property_file=property_file, seats=seats)
    for t in chamber.tiers:  # the clauses of the levels issue first: the message names the clause itself
        refuse_levels2(t)
    if chamber.levels:
        user_d: list[Any] = []
        if property_file is not None:
            from hemicycle.verify.district_proplang import load_district_properties

            user_d = load_district_properties(property_file)
        return verify_districted(chamber, properties, parties=parties, max_votes=max_votes,
                                 timeout=timeout, progress=progress, districts=districts, user=user_d,
                                 sizes={"seats": seats, "max_magnitude": max_magnitude})
    return None


def _chosen_properties(properties: list[str] | None, property_file: Path | None) -> list[Property]:
    """The tier properties asked for by name (catalogue or ``.props`` file), in the order asked;
    all of the catalogue when none is named and there is no file, else all of the file's."""
    props: list[Property] = []
    if property_file is not None:
        from hemicycle.verify.proplang import load_properties

        user = load_properties(property_file)
        props.extend(user)
    if properties is None:
        if property_file is None:
            props = list(CATALOGUE.values())
        return props
    user_names = {p.name: p for p in props}
    chosen: list[Property] = []
    for name in properties:
        if name in CATALOGUE:
            chosen.append(CATALOGUE[name])
        elif name in user_names:
            chosen.append(user_names[name])
        else:
            from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE
            from hemicycle.verify.district_properties import DISTRICT_CATALOGUE

            if name in DISTRICT_CATALOGUE or name in APPORTIONMENT_CATALOGUE:
                raise PropertyError(f"{name!r} is a property of chambers with districts; "
                                    "these rules have none")
            raise PropertyError(
                f"unknown property {name!r}; known: {', '.join([*CATALOGUE, *user_names])}"
            )
    return chosen


def _chosen_tiers(chamber: Chamber, tier: str | None) -> list[Tier]:
    """Every tier of ``chamber``, or the one named ``tier``."""
    tiers = list(chamber.tiers)
    if tier is not None:
        tiers = [t for t in tiers if t.name == tier]
        if not tiers:
            raise PropertyError(f"no tier named {tier!r}; tiers: "
                                + ", ".join(t.name for t in chamber.tiers))
    return tiers


def _verify_tiers(
    chamber: Chamber, tiers: list[Tier], props: list[Property], *, parties: int,
    max_votes: int | None, timeout: float, minimize: bool, search: bool,
    progress: Callable[[int, int, str], None] | None,
) -> list[PropertyResult]:
    """Each property on each tier, each in its own bounded process; an encoding that the
    interpreter does not confirm is that property's ``error``."""
    results = []
    total = len(tiers) * len(props)
    for t in tiers:
        for p in props:
            if progress is not None:
                progress(len(results), total, p.name + (f" ({t.name})" if len(tiers) > 1 else ""))
            start = time.monotonic()
            try:
                results.append(run_bounded(chamber, t, p, parties=parties, max_votes=max_votes,
                                           timeout=timeout, minimize=minimize, search=search))
            except EncodingMismatch as exc:
                results.append(PropertyResult(
                    property=p.name, status=Status.ERROR, parties=parties,
                    seconds=time.monotonic() - start, tier=t.name,
                    definition=p.definition, citation=p.citation,
                    reason=mismatch_reason(exc)))
    if progress is not None:
        progress(total, total, "")
    return results


GRACE = 0.25  # seconds a property may run past its timeout before its process is ended


def run_bounded(
    chamber: Chamber, tier: Tier, prop: Property, *, parties: int, max_votes: int | None,
    timeout: float, minimize: bool, search: bool = True,
) -> PropertyResult:
    """``run_property`` in a child process that is ended when the timeout is over.

    Z3's own timeout only covers solving; building a large encoding (a house of thousands of
    seats) can take longer than the whole budget. The child is forked, so it needs nothing
    pickled but its answer; an answer that does not come in time is UNKNOWN, never PROVED.
    Where fork is not available the property runs in this process."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:
        return run_property(chamber, tier, prop, parties=parties, max_votes=max_votes,
                            timeout=timeout, minimize=minimize, search=search)
    start = time.monotonic()
    receiver, sender = ctx.Pipe(duplex=False)

    def child() -> None:
        import pickle

        try:
            answer: tuple[str, object] = ("ok", run_property(
                chamber, tier, prop, parties=parties, max_votes=max_votes, timeout=timeout,
                minimize=minimize, search=search,
                on_refuted=lambda r: sender.send(("partial", r))))
        except BaseException as e:  # sent to the parent, which raises it there
            try:
                pickle.loads(pickle.dumps(e))
                answer = ("error", e)
            except Exception:  # an exception that does not survive pickling: keep its words
                kind = EncodingMismatch if isinstance(e, EncodingMismatch) else VerifyError
                answer = ("error", kind(f"{type(e).__name__}: {e}"))
        sender.send(answer)
        sender.close()

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    sender.close()
    answer = None
    partial: PropertyResult | None = None  # a confirmed counterexample, before minimisation
    end = start + timeout + GRACE
    while receiver.poll(max(0.0, end - time.monotonic())):
        try:
            msg = receiver.recv()
        except EOFError:
            break
        if msg[0] == "partial":
            partial = msg[1]
            continue
        answer = msg
        break
    proc.join(0.1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    receiver.close()
    if answer is None and partial is not None:
        partial.minimal = False
        partial.seconds = time.monotonic() - start
        partial.notes.append(f"minimize: stopped at the {timeout:g} s timeout; the counterexample "
                             "shown is confirmed by the interpreter but not minimised")
        return partial
    if answer is None:
        return PropertyResult(
            property=prop.name, status=Status.UNKNOWN, parties=parties,
            seconds=time.monotonic() - start, tier=tier.name,
            bounds=_bounds(parties, tier.scale_invariant and max_votes is None, max_votes),
            encoding="rational" if tier.scale_invariant and max_votes is None else "integer",
            definition=prop.definition, citation=prop.citation,
            reason=(f"timeout: no answer within {timeout:g} s (building the encoding or solving); "
                    + ("the process ended with code " + str(proc.exitcode)
                       if proc.exitcode not in (None, -9) else "the process was stopped")),
        )
    kind, value = answer
    if kind == "error":
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]
