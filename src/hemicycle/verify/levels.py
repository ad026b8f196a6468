"""Chambers with levels in the verifier: a national entitlement above, constituency seats below.

The family (issue 16, levels): single-member constituencies (a tier ``in each`` constituency
electing one member by a divisor method) and one **levelling tier** above them
(``levelling against tier "constituencies"``) with

* thresholds on shares of the valid votes, with alternatives ``or district_seats OP N`` (the
  seats a list holds in the constituencies), ``exempt`` (no list of the query carries a tag);
* a method: largest remainder with the Hare quota, or a divisor method with increasing rational
  divisors (D'Hondt, Sainte-Laguë, ...);
* ``overhang kept`` (the house grows) or ``overhang not seated ...`` (Zweitstimmendeckung);
* at most one placement ``place in each LEVEL by METHOD of entitlement``: each list's
  entitlement split among its Land lists by METHOD on its votes there; kept overhang is then
  decided Land by Land (the German law of 2005).

Everything else is refused with its line (``UnsupportedClause``), never dropped: ``overhang
enlarged`` / ``excluded``, ``levelling ... or tier ... in each`` (the 2013 Mindestsitzzahl),
``calculation only`` tiers, apportioned levels, ``continue after``, placements by quotients.

The encoding (one symbolic election): second votes ``v[l][p]`` per upper unit (Land) x list,
rational (every clause of the family is scale invariant); constituency seats ``w[l][p]`` per
Land x list as **symbolic winners** (integers >= 0; the Länder's numbers of constituencies are
symbolic too, at least 1 each, adding up to the level's seats): first votes are separate
ballots, so every assignment of winners is one some first votes give, and the query ranges over
all of them. The entitlement is the method with a **symbolic house** (the tier's seats less the
seats of lists not admitted that keep theirs), encoded exactly with bounded integers; each split
is the method again with the list's entitlement as its house. Elections where the method meets
a tie at its cut (equal remainders or quotients for the last seat: the rules draw a lot) are
left out of every query (``defined`` is false there); a PROVED covers the elections without a
lot. A chamber can be verified at fewer seats (``reduce``): every seat number of the rules
scaled in proportion, the same clauses.

The modules: ``level_family`` (the family and its refusals), ``level_methods`` (the methods with
a symbolic house), ``level_encoding`` (one symbolic election and its allocation); this module
holds the concrete side (cases, the interpreter's seats, the encoding's seats, their agreement)
and is the entry the engine reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import z3

from hemicycle.election import Candidate, Election, ListEntry, Unit, Winner
from hemicycle.model import Chamber
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.errors import VerifyError
from hemicycle.verify.level_encoding import LevelElection, LevelEnc, allocate_levels, level_election
from hemicycle.verify.level_family import LevelSystem, reduce, rooms
from hemicycle.verify.level_family import is_levels as _levelled
from hemicycle.verify.level_family import level_system as _level_system
from hemicycle.verify.mixed import compensation_system, is_compensation, is_parallel, parallel_system
from hemicycle.verify.symbolic import Ctx

__all__ = ["LevelCase", "LevelElection", "LevelEnc", "LevelOutcome", "LevelSystem", "agree", "allocate_levels",
           "election_of", "encoded", "interpret", "is_levels", "judged", "left_out", "level_election", "level_system",
           "reduce"]


def is_levels(chamber: Chamber) -> bool:
    """True for the chambers of this family: a tier levelling against another or continuing after
    it, mixed-member compensation by district seats, single-member seats beside a list tier."""
    return _levelled(chamber) or is_compensation(chamber) or is_parallel(chamber)


def level_system(chamber: Chamber, *, units: int = 2) -> LevelSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside it."""
    if _levelled(chamber):
        return _level_system(chamber, units=units)
    if is_compensation(chamber):
        return compensation_system(chamber)
    if is_parallel(chamber):
        return parallel_system(chamber)
    raise VerifyError("not a chamber with levels: no tier levels against another, continues after it, "
                      "compensates district seats or elects single members")


@dataclass
class LevelCase:
    """A concrete election: second votes and constituency winners, per upper unit x list."""

    votes: list[list[int]]
    won: list[list[int]]
    pop: list[int] | None = None  # each Land's population (Länder apportioned by it)
    extras: dict[str, int] | None = None  # against_all, invalid, nonvoters (a parallel list tier's bases)
    mags: list[int] | None = None  # districts allocated from the list votes: their magnitudes (``won`` empty)

    def __str__(self) -> str:
        return (f"votes {self.votes} won {self.won}" + (f" population {self.pop}" if self.pop else "")
                + "".join(f" {k} {v}" for k, v in (self.extras or {}).items())
                + (f" magnitudes {self.mags}" if self.mags else ""))


@dataclass
class LevelOutcome:
    case: LevelCase
    seats: list[list[int]]  # upper unit x list (seats in the chamber there)
    national: list[int]
    total: int
    trace: str = ""
    size: int = 0  # the seats the levelling tier's entitlement was computed over, in the end
    districts: list[list[int]] | None = None  # districted: each district's seats, levelling seats placed

    @property
    def national_votes(self) -> list[int]:
        return [sum(r[p] for r in self.case.votes) for p in range(len(self.national))]


def election_of(sys: LevelSystem, case: LevelCase) -> Election:
    """The vote file's shape: the Länder (level of the placement) with their list votes and their
    constituencies inside, each with one candidate per list (the winner more votes than the others)."""
    n = len(case.votes[0])
    abbrs = [f"L{p + 1}" for p in range(n)]
    nat = [sum(r[p] for r in case.votes) for p in range(n)]
    totals = totals_for(nat, **(case.extras or {}))
    if sys.figures:  # each list's district seats, a figure of the vote file
        lists = tuple(ListEntry(abbr=a, votes=v, registration_order=p + 1, ballot_order=p + 1,
                                district_seats=case.won[0][p])
                      for p, (a, v) in enumerate(zip(abbrs, nat, strict=True)))
        return Election(lists=lists, totals=totals, name="counterexample")
    assert sys.lower is not None
    level = sys.lower.level or "district"
    if sys.districted:  # districts with list votes and their magnitudes
        assert case.mags is not None
        # a placement's limit per district by a figure ('at most F per district'): the tier's seats
        # shared as evenly as the districts allow, adding up to them
        N, K = sys.upper.seats, sys.units
        ps = sys.upper.level_placements
        names = [p.per_unit_figure for p in ps if p.per_unit_figure]
        provinces: list[Unit] = []
        if sys.parents:  # the provinces above the districts, each with its room for the levelling seats
            R = len(set(sys.parents))
            room = rooms(ps[0], R, N - sys.constituencies)
            for r in range(R):
                rows = [case.votes[k] for k in range(K) if sys.parents[k] == r]
                here = [sum(col) for col in zip(*rows, strict=True)]
                provinces.append(Unit(name=f"P{r + 1}", level=ps[0].level, votes=dict(zip(abbrs, here, strict=True)),
                                      totals=totals_for(here), figures={f: room[r] for f in names}))
        units = (*provinces, *(Unit(name=name, level=level, votes=dict(zip(abbrs, case.votes[k], strict=True)),
                                    totals=totals_for(case.votes[k]), seats=case.mags[k],
                                    parent=f"P{sys.parents[k] + 1}" if sys.parents else None,
                                    figures={} if sys.parents else {f: rooms(ps[0], K, N)[k] for f in names})
                                for k, name in enumerate(sys.unit_names)))
        lists = tuple(ListEntry(abbr=a, votes=v, registration_order=p + 1, ballot_order=p + 1)
                      for p, (a, v) in enumerate(zip(abbrs, nat, strict=True)))
        return Election(lists=lists, totals=totals, units=units, name="counterexample")
    given = sys.lower.single_member is not None and sys.lower.single_member.given
    units: list[Unit] = []
    for k, name in enumerate(sys.unit_names):
        parent = None
        upper_level = sys.place.level if sys.place is not None else sys.upper.level if sys.magnitude else None
        if upper_level is not None:
            figures = {"population": case.pop[k]} if case.pop is not None else {}
            units.append(Unit(name=name, level=upper_level, votes=dict(zip(abbrs, case.votes[k], strict=True)),
                              totals=totals_for(case.votes[k]), figures=figures,
                              seats=sys.magnitude or None))
            parent = name
        c = 0
        for p in range(n):
            for _ in range(case.won[k][p]):
                c += 1
                # the winner 1 + c votes, the others 1: every winner's share differs (the order
                # in which 'overhang not seated' takes winners up is then never a tie)
                cands = tuple(Candidate(name=f"{a} candidate", party=a, votes=1 + c if q == p else 1)
                              for q, a in enumerate(abbrs))
                units.append(Unit(name=f"{name}-{c}", level=level, parent=parent, seats=1,
                                  totals={"valid": n + c}, candidates=cands,
                                  winner=Winner(name=cands[p].name, party=abbrs[p]) if given else None))
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=p + 1, ballot_order=p + 1)
                  for p, (a, v) in enumerate(zip(abbrs, nat, strict=True)))
    return Election(lists=lists, totals=totals, units=tuple(units), name="counterexample")


def interpret(sys: LevelSystem, case: LevelCase, *, explain: bool = True) -> LevelOutcome | str:
    """The interpreter's seats, or "tie" / "error: ..." (no result); ``explain=False``: no trace
    (the agreement harnesses compare seats only: the trace is half the cost of a levels election)."""
    from hemicycle.interpreter import AllocationError, TieError, allocate

    try:
        res = allocate(sys.chamber, election_of(sys, case), explain=explain)
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    n = len(case.votes[0])
    abbrs = [f"L{p + 1}" for p in range(n)]
    national = [res.seats.get(a, 0) for a in abbrs]
    upper_level = sys.place.level if sys.place is not None else sys.upper.level if sys.magnitude else None
    if sys.placing:  # the placement encoded: the seats per district
        by = {u.name: u for u in res.districts if u.level == (sys.lower.level if sys.lower else None)}
        seats = [[by[name].seats.get(a, 0) if name in by else 0 for a in abbrs] for name in sys.unit_names]
    elif upper_level is None:
        seats = [national]
    else:
        by = {u.name: u for u in res.districts if u.level == upper_level}
        seats = [[by[name].seats.get(a, 0) if name in by else 0 for a in abbrs] for name in sys.unit_names]
    ent = res.tiers[sys.chamber.tiers.index(sys.upper)].entitlement
    districts = None
    if sys.districted and sys.lower is not None:
        by = {u.name: u for u in res.districts if u.level == sys.lower.level}
        districts = [[by[name].seats.get(a, 0) if name in by else 0 for a in abbrs] for name in sys.unit_names]
    trace = res.explain() if explain else ""
    return LevelOutcome(case, seats, national, res.total, trace, sum(ent.values()) if ent else 0, districts)


def encoded(sys: LevelSystem, case: LevelCase, *, unique: bool = False) -> tuple[list[list[int]], int, bool]:
    """The encoding's seats per unit, the chamber's size, and whether the election is defined
    (no tie at a cut); ``unique``: also prove the encoding allows no other seats."""
    n = len(case.votes[0])
    ctx = Ctx(real=True, prefix="c.")
    e = level_election(ctx, sys, n, "E")
    enc = allocate_levels(ctx, sys, e)
    fix = [x == z3.RealVal(v) for row, vals in zip(e.votes, case.votes, strict=True)
           for x, v in zip(row, vals, strict=True)]
    fix += [x == v for row, vals in zip(e.won, case.won, strict=True)
            for x, v in zip(row, vals, strict=True)]
    if e.pop is not None:
        if case.pop is None:
            raise ValueError("the rules apportion the Länder by population: the case must give it")
        fix += [x == z3.RealVal(v) for x, v in zip(e.pop, case.pop, strict=True)]
    if e.mags is not None:
        if case.mags is None:
            raise ValueError("the rules allocate districts from the list votes: the case must give their magnitudes")
        fix += [x == v for x, v in zip(e.mags, case.mags, strict=True)]
    for name, x in (e.extras or {}).items():
        fix.append(x == z3.RealVal((case.extras or {}).get(name, 0)))
    from hemicycle.verify.errors import EncodingMismatch

    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *fix)
    s.push()
    s.add(enc.defined)  # defined: some cut has no tie (the cut itself is the solver's choice)
    defined = s.check() == z3.sat
    if not defined:
        s.pop()
        if s.check() != z3.sat:
            raise EncodingMismatch(f"the levels encoding has no allocation for {case}")
    m = s.model()
    seats = [[m.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
    total = m.eval(enc.total, model_completion=True).as_long()
    if unique and defined:
        s.add(z3.Or([x != v for row, vals in zip(enc.seats, seats, strict=True)
                                  for x, v in zip(row, vals, strict=True)]))
        if s.check() != z3.unsat:
            raise EncodingMismatch(f"the levels encoding allows other seats for {case}")
    return seats, total, defined


def agree(sys: LevelSystem, case: LevelCase, *, unique: bool = False) -> str | None:
    """None when the encoding and the interpreter agree on ``case``, else what differs. An
    election the encoding leaves out (a tie at a cut) agrees when the interpreter meets a tie."""
    from hemicycle.verify.errors import EncodingMismatch

    want = interpret(sys, case)
    try:
        got, total, defined = encoded(sys, case, unique=unique)
    except EncodingMismatch as exc:
        return str(exc)
    return judged(sys, case, want, got, total, defined)


def judged(sys: LevelSystem, case: LevelCase, want: LevelOutcome | str, got: list[list[int]], total: int,
           defined: bool) -> str | None:
    """None when the encoding's seats (``got``, ``total``; ``defined``: some cut has no tie) are the
    interpreter's ``want`` for ``case``, else what differs; every agreement harness judges here."""
    if isinstance(want, str) and defined and sys.districted and not sys.placing:
        # the levelling seats' placement in the districts is not encoded: a tie or an error there
        # leaves the seats in all as the rules without the placement give them
        bare = _unplaced(sys.chamber)
        want = interpret(replace(sys, chamber=bare, upper=bare.tiers[sys.chamber.tiers.index(sys.upper)]), case)
    if isinstance(want, str):
        return None if not defined else f"{case}: interpreter {want}, encoding {got}"
    if not defined:
        return None if left_out(sys, case, want) else f"{case}: interpreter {want.seats}, encoding says a tie"
    if got != want.seats or total != want.total:
        return f"{case}: interpreter {want.seats} (total {want.total}), encoding {got} (total {total})"
    return None


def left_out(sys: LevelSystem, case: LevelCase, outcome: LevelOutcome | None = None) -> bool:
    """Whether the encoding leaves ``case`` out by design: a tie at a cut (the interpreter, with no
    tie rule, meets a tie) or a house enlarged beyond the encoding's bound."""
    if sys.enlarge_to:
        o = outcome if outcome is not None else interpret(sys, case)
        if not isinstance(o, str) and o.size > sys.enlarge_to:
            return True
    return _tied(sys, case)


def _tied(sys: LevelSystem, case: LevelCase) -> bool:
    """An exact check, on the interpreter's side, that some method of ``sys`` meets a tie at its
    cut for ``case`` (what the encoding leaves out)."""
    from hemicycle.interpreter import TieError, allocate

    chamber = replace(sys.chamber, tiers=tuple(replace(t, ties=None) for t in sys.chamber.tiers),
                      levels=tuple(replace(lv, ties=None) for lv in sys.chamber.levels))
    try:
        allocate(chamber, election_of(sys, case), explain=False)
    except TieError:  # no criterion: every tie the lot would break stops the allocation
        return True
    return False


def _unplaced(chamber: Chamber) -> Chamber:
    """The chamber without the levelling tier's placement (its seats in all are the same)."""
    return replace(chamber, tiers=tuple(replace(t, level_placements=())
                                        if t.levelling is not None or t.continuation is not None else t
                                        for t in chamber.tiers))
