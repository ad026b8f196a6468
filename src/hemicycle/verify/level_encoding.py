"""One symbolic election of the levels family and its allocation (verify/levels.py): second
votes and symbolic constituency winners per upper unit x list; the entitlement above, the least
seats, the split to the units below, overhang."""

from __future__ import annotations

from dataclasses import dataclass

import z3

from hemicycle.model import (
    Comparator,
    Divisor,
    OverhangPolicy,
    PlaceScale,
    Threshold,
)
from hemicycle.verify.encoder import encode_tier
from hemicycle.verify.level_family import LevelSystem, rooms
from hemicycle.verify.level_methods import apportion, bounded, divisor_at_least, mul_int
from hemicycle.verify.num import ZERO, Num
from hemicycle.verify.placement import Count, compete, held_counts, in_turn, scaled_cells, split_within
from hemicycle.verify.symbolic import BInt, Ctx, SymElection, needed_extras


@dataclass
class LevelElection:
    """Second votes per upper unit x list, constituency seats (symbolic winners) per unit x list,
    and each unit's population when the Länder's seats are apportioned by it."""

    votes: list[list[z3.ArithRef]]
    won: list[list[z3.ArithRef]]
    pop: list[z3.ArithRef] | None = None
    # the figures besides list votes a parallel list tier's bases read (against_all, invalid, nonvoters)
    extras: dict[str, z3.ArithRef] | None = None
    # districts allocated from the list votes (``LevelSystem.districted``): each one's magnitude, a
    # figure of the vote file (``won`` is then empty: the district seats follow from the votes)
    mags: list[z3.ArithRef] | None = None
    # quotients per a district's valid votes (``LevelSystem.total_bound``): each district's list
    # votes add up to an integer of at most this (with a bound on the votes: lists x that bound)
    total_bound: int = 0

    def with_votes(self, k: int, p: int, votes: z3.ArithRef) -> LevelElection:
        rows = [list(r) for r in self.votes]
        rows[k][p] = votes
        return LevelElection(rows, self.won, self.pop, self.extras, self.mags, self.total_bound)


@dataclass
class LevelEnc:
    election: LevelElection
    admitted: list[z3.BoolRef]
    entitlement: list[z3.ArithRef]
    seats: list[list[z3.ArithRef]]  # unit x list: the list's seats in the chamber there
    national: list[z3.ArithRef]
    total: z3.ArithRef
    defined: z3.BoolRef
    held: list[list[z3.ArithRef]] | None = None  # unit x list: the seats of the levelled tier there


def level_election(ctx: Ctx, sys: LevelSystem, n: int, label: str, max_votes: int | None = None) -> LevelElection:
    def figure(name: str) -> z3.ArithRef:  # with a bound, whole votes (so that the bound holds as stated)
        x = z3.Real(ctx.name(name)) if max_votes is None else z3.ToReal(z3.Int(ctx.name(name)))
        ctx.add(x >= 0, *([x <= max_votes] if max_votes is not None else []))
        return x

    votes, won = [], []
    if sys.districted:  # the magnitudes: at least 1 each, adding up to the level's seats
        mags = [z3.Int(ctx.name(f"{label}.m{k + 1}")) for k in range(sys.units)]
        if sys.magnitudes:  # a case of the case split: the magnitudes fixed
            mags = [z3.IntVal(m) for m in sys.magnitudes]
        ctx.add(*[x >= 1 for x in mags], z3.Sum(mags) == sys.constituencies)
        return LevelElection([[figure(f"{label}.v{k + 1}_{p + 1}") for p in range(n)] for k in range(sys.units)],
                             [], mags=mags, total_bound=n * max_votes if max_votes is not None else sys.total_bound)
    for k in range(sys.units):
        row = [figure(f"{label}.v{k + 1}_{p + 1}") for p in range(n)]
        wins = [z3.Int(ctx.name(f"{label}.w{k + 1}_{p + 1}")) for p in range(n)]
        ctx.add(*[x >= 0 for x in wins])
        if not sys.figures:  # every unit has a constituency
            ctx.add(z3.Sum(wins) >= 1)
        votes.append(row)
        won.append(wins)
    held = z3.Sum([x for r in won for x in r])
    # district seats as figures: at most the tier's seats; else every constituency is won
    ctx.add(held <= sys.constituencies if sys.figures else held == sys.constituencies)
    pop = None
    if sys.states is not None:
        pop = [z3.Real(ctx.name(f"{label}.pop{k + 1}")) for k in range(sys.units)]
        ctx.add(*[x > 0 for x in pop])
    extras = {x: figure(f"{label}.{x}") for x in sorted(needed_extras([sys.upper]))} if sys.parallel else None
    return LevelElection(votes, won, pop, extras)


def passes(t: Threshold, v: z3.ArithRef, total: z3.ArithRef, held: z3.ArithRef,
           regional: dict[int, z3.BoolRef] | None = None) -> z3.BoolRef:
    """Whether a list passes ``t``; ``regional``: the verdict of each regional quota test of ``t``
    (by its position in ``t.tests``) for this list."""
    alts = []
    for j, test in enumerate(t.tests):
        if regional is not None and j in regional:
            alts.append(regional[j])
            continue
        if test.share is not None:
            bar = z3.RealVal(str(test.share)) * total
            alts.append(v >= bar if test.inclusive else v > bar)
        if test.district_op is not None:
            alts.append(compare(test.district_op, held, test.district_value))
    return z3.Or(alts)


def compare(op: Comparator, x: z3.ArithRef, k: int) -> z3.BoolRef:
    return {"=": x == k, "!=": x != k, "<": x < k, "<=": x <= k, ">": x > k, ">=": x >= k}[op.value]


def _quota_tests(ctx: Ctx, sys: LevelSystem, e: LevelElection, t: Threshold, p: int) -> dict[int, z3.BoolRef]:
    """List p's verdicts on the regional quota tests of ``t`` (``N quota of valid_votes in at least K
    province``): in each province its votes there at least N x the province's valid votes / the
    seats of its districts, i.e. votes x seats >= N x valid votes (the seats a bounded integer)."""
    out: dict[int, z3.BoolRef] = {}
    if not sys.parents:
        return out
    assert e.mags is not None
    for j, test in enumerate(t.tests):
        if test.quotas is None or not test.regional:
            continue
        verdicts = []
        for r in sorted(set(sys.parents)):
            kids = [k for k, x in enumerate(sys.parents) if x == r]
            seats = bounded(ctx, f"pseats{r + 1}", z3.Sum([e.mags[k] for k in kids]), len(kids), sys.constituencies)
            v = z3.Sum([e.votes[k][p] for k in kids])
            valid = z3.Sum([x for k in kids for x in e.votes[k]])
            lhs, rhs = mul_int(ctx, seats, v), test.quotas * valid
            verdicts.append(lhs >= rhs if test.inclusive else lhs > rhs)
        count = len(verdicts) if test.scope.value == "every" else test.count
        out[j] = z3.Sum([z3.If(x, 1, 0) for x in verdicts]) >= count
    return out


def _least(ctx: Ctx, sys: LevelSystem, e: LevelElection, V: list[z3.ArithRef], T: z3.ArithRef,
           W: list[z3.ArithRef], defined: list[z3.BoolRef]) -> list[z3.ArithRef]:
    """Each list's least seats: Land by Land the larger of its constituency seats and its seats in
    the calculation tier there (the Länder's seats apportioned by population first)."""
    K, n = sys.units, len(V)
    if sys.contingents is None or sys.states is None or e.pop is None:
        return W
    ap = sys.states.apportion
    assert ap is not None
    total = sys.states.seats
    fixed = bounded(ctx, "states", z3.IntVal(total), total, total)
    mags, ok = apportion(ctx, ap.method, fixed, e.pop, [z3.BoolVal(True)] * K)
    defined.append(ok)
    tier = sys.contingents
    passed = [z3.And(*[passes(t, V[p], T, W[p]) for t in tier.thresholds]) for p in range(n)]
    least = [z3.IntVal(0)] * n
    for k in range(K):
        m = bounded(ctx, f"mag{k + 1}", mags[k], 0, total)
        act = [z3.And(passed[p], e.votes[k][p] > 0) for p in range(n)]
        cont, ok_k = apportion(ctx, tier.method, m, e.votes[k], act)
        defined.append(ok_k)
        least = [least[p] + z3.If(cont[p] >= e.won[k][p], cont[p], e.won[k][p]) for p in range(n)]
    return least


def _entitlement(ctx: Ctx, sys: LevelSystem, house: BInt, V: list[z3.ArithRef], admitted: list[z3.BoolRef],
                 least: list[z3.ArithRef], defined: list[z3.BoolRef]
                 ) -> tuple[list[z3.ArithRef], z3.ArithRef, list[z3.BoolRef]]:
    """The entitlement, the seats it is over and the lists it is for: the tier's seats among the
    admitted lists; under 'overhang enlarged' the least house from there on that gives every
    admitted list its least seats; under 'overhang excluded' the rounds (``_excluded``)."""
    if sys.policy is OverhangPolicy.EXCLUDED:
        return _excluded(ctx, sys, house, V, admitted, least, defined)
    if sys.policy is not OverhangPolicy.ENLARGED:
        ent, ok = apportion(ctx, sys.upper.method, house, V, admitted)
        defined.append(ok)
        return ent, house.expr, admitted
    top = sys.enlarge_to
    size = ctx.bint("enlarged", house.lo, top)
    ent, ok = apportion(ctx, sys.upper.method, size, V, admitted)
    below = bounded(ctx, "enlarged-1", size.expr - 1, max(0, house.lo - 1), top - 1)
    ent1, ok1 = apportion(ctx, sys.upper.method, below, V, admitted)
    enough = z3.And([z3.Implies(admitted[p], ent[p] >= least[p]) for p in range(len(V))])
    short = z3.Or([z3.And(admitted[p], ent1[p] < least[p]) for p in range(len(V))])
    ctx.add(size.expr >= house.expr)
    # a result within the bound: enough at the size, not enough one seat fewer (house monotone)
    defined.extend([ok, enough, z3.Or(size.expr == house.expr, z3.And(ok1, short))])
    return ent, size.expr, admitted


EXCLUSION_ROUNDS_EXTRA = 0  # rounds beyond the n needed (1: the older n + 1, for the test of the fixed point)


def _excluded(ctx: Ctx, sys: LevelSystem, house: BInt, V: list[z3.ArithRef], admitted: list[z3.BoolRef],
              held: list[z3.ArithRef], defined: list[z3.BoolRef]
              ) -> tuple[list[z3.ArithRef], z3.ArithRef, list[z3.BoolRef]]:
    """'overhang excluded', as the interpreter's rounds: the method on the house among the pool;
    every list holding more seats than its entitlement leaves the pool with them, its seats come off
    the house, and the method runs again, until no list is over. n lists: the pool never empties
    (the house covers the seats held in the pool), so at most n - 1 rounds exclude and the n-th
    round is the fixed point (tests/test_verify_case_split.py proves from the encoding that an
    (n + 1)-th round repeats it). A tie at the cut of any round that runs leaves the election out."""
    n = len(V)
    pool = list(admitted)
    gone: z3.ArithRef = z3.IntVal(0)
    last = n - 1 + EXCLUSION_ROUNDS_EXTRA
    for r in range(last + 1):
        now = bounded(ctx, f"round{r + 1}", house.expr - gone, house.lo, house.hi)
        ent, ok = apportion(ctx, sys.upper.method, now, V, pool)
        defined.append(ok)
        if r == last:
            return ent, now.expr, pool
        over = [z3.And(pool[p], held[p] > ent[p]) for p in range(n)]
        gone = gone + z3.Sum([z3.If(over[p], held[p], 0) for p in range(n)])
        pool = [z3.And(pool[p], z3.Not(over[p])) for p in range(n)]
    raise AssertionError("unreachable")


def _district_seats(ctx: Ctx, sys: LevelSystem, e: LevelElection, defined: list[z3.BoolRef]
                    ) -> list[list[z3.ArithRef]]:
    """The levelled tier in each district (``sys.districted``): its divisor method on the district's
    list votes, for its symbolic magnitude, among the lists with a vote there."""
    assert sys.lower is not None and e.mags is not None
    out = []
    for k in range(sys.units):
        lo, hi = (sys.magnitudes[k],) * 2 if sys.magnitudes else (1, sys.constituencies)
        m = bounded(ctx, f"mag{k + 1}", e.mags[k], lo, hi)
        seats, ok = apportion(ctx, sys.lower.method, m, e.votes[k], [v > 0 for v in e.votes[k]])
        defined.append(ok)
        out.append(seats)
    return out


def allocate_levels(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """Encode the allocation of ``e`` under ``sys``."""
    if sys.magnitude:
        return _allocate_members(ctx, sys, e)
    if sys.parallel:
        return _allocate_parallel(ctx, sys, e)
    if sys.continued:
        return _allocate_continued(ctx, sys, e)
    upper, K, n = sys.upper, sys.units, len(e.votes[0])
    defined: list[z3.BoolRef] = []
    won = _district_seats(ctx, sys, e, defined) if sys.districted else e.won
    V = [z3.Sum([e.votes[k][p] for k in range(K)]) for p in range(n)]
    W = [z3.Sum([won[k][p] for k in range(K)]) for p in range(n)]
    T = z3.Sum(V)
    # a list takes part with a vote and every threshold passed (as the interpreter's 'passing')
    admitted = [z3.And(V[p] > 0, *[passes(t, V[p], T, W[p], _quota_tests(ctx, sys, e, t, p))
                                   for t in upper.thresholds]) for p in range(n)]
    not_seated = sys.policy is OverhangPolicy.NOT_SEATED
    keeps = [z3.And(z3.Not(admitted[p]), V[p] == 0) if not_seated else z3.Not(admitted[p]) for p in range(n)]
    outside = z3.Sum([z3.If(keeps[p], W[p], 0) for p in range(n)])
    N = upper.seats
    house = bounded(ctx, "house", N - outside, max(0, N - sys.constituencies), N)
    # no list vote: the interpreter seats only the lists outside (district seats as figures); the
    # levelling chambers' interpreter has no result then unless the house is empty
    defined.append(z3.BoolVal(True) if sys.figures else z3.Or(house.expr == 0, T > 0))
    least = _least(ctx, sys, e, V, T, W, defined)
    ent, _size, pool = _entitlement(ctx, sys, house, V, admitted, least, defined)
    if sys.place is None:  # the seats in all (no Länder, or their placement not encoded)
        if sys.policy is OverhangPolicy.EXCLUDED:  # the pool its entitlement, the others their seats held
            national = [z3.If(pool[p], ent[p], W[p]) for p in range(n)]
            if sys.placing == "provinces":  # each district's seats: the levelling seats placed
                seats = _placed_in_provinces(ctx, sys, e, won, [z3.If(pool[p], ent[p] - W[p], 0) for p in range(n)],
                                             defined)
                return LevelEnc(e, admitted, ent, seats, national, z3.Sum(national), z3.And(defined), won)
        else:
            here = [z3.If(ent[p] >= W[p], ent[p], W[p]) if sys.policy is OverhangPolicy.KEPT else ent[p]
                    for p in range(n)]
            national = [z3.If(admitted[p], here[p], z3.If(keeps[p], W[p], 0)) for p in range(n)]
        return LevelEnc(e, admitted, ent, [national], national, z3.Sum(national), z3.And(defined), won)
    seats = _placed(ctx, sys, e, ent, admitted, keeps, defined)
    national = [z3.Sum([seats[k][p] for k in range(K)]) for p in range(n)]
    return LevelEnc(e, admitted, ent, seats, national, z3.Sum(national), z3.And(defined), won)


def _placed(ctx: Ctx, sys: LevelSystem, e: LevelElection, ent: list[z3.ArithRef], admitted: list[z3.BoolRef],
            keeps: list[z3.BoolRef], defined: list[z3.BoolRef]) -> list[list[z3.ArithRef]]:
    """Each list's entitlement split among the Länder ('place in each LEVEL by METHOD of
    entitlement'), the seats held there kept beyond the share under 'overhang kept'."""
    assert sys.place is not None
    K, n = sys.units, len(ent)
    top = max(sys.upper.seats, sys.enlarge_to)
    seats = [[z3.IntVal(0)] * n for _ in range(K)]
    for p in range(n):
        ep = bounded(ctx, f"ent{p + 1}", ent[p], 0, top)
        col = [e.votes[k][p] for k in range(K)]
        if sys.place.at_least is not None:
            assert isinstance(sys.place.method, Divisor)
            split, ok_p = divisor_at_least(ctx, sys.place.method, ep, col, [e.won[k][p] for k in range(K)],
                                           admitted[p])
        else:
            split, ok_p = apportion(ctx, sys.place.method, ep, col, [z3.BoolVal(True)] * K)
        defined.append(z3.Or(z3.Not(admitted[p]), ok_p))
        for k in range(K):
            s, w = split[k], e.won[k][p]
            here = z3.If(s >= w, s, w) if sys.policy is OverhangPolicy.KEPT else s
            seats[k][p] = z3.If(admitted[p], here, z3.If(keeps[p], w, 0))
    return seats


def _allocate_members(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """In each region the method continues after the constituency seats held there: with a cut lam a
    list's seats there are the larger of its constituency seats and its quotients above lam, adding
    up to the region's seats plus the constituency seats (equal quotients that all get a seat are no
    tie)."""
    assert isinstance(sys.upper.method, Divisor)
    K, n, M = sys.units, len(e.votes[0]), sys.magnitude
    seats, defined = [], []
    for k in range(K):
        T = z3.Sum(e.votes[k])
        held = z3.Sum(e.won[k])
        house = bounded(ctx, f"region{k + 1}", M + held, M, M + sys.constituencies)
        shares, ok = divisor_at_least(ctx, sys.upper.method, house, e.votes[k], e.won[k], T > 0)
        defined.append(z3.Or(T == 0, ok))  # no list vote in the region: its seats stay vacant
        seats.append(shares)
    national = [z3.Sum([seats[k][p] for k in range(K)]) for p in range(n)]
    return LevelEnc(e, [z3.BoolVal(True)] * n, national, seats, national, z3.Sum(national), z3.And(defined))




def _allocate_parallel(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """The list tier by the national encoder on the list votes; each list's seats are its list seats
    plus its constituency winners (the tiers read nothing of each other)."""
    ex = {x: Num(v) for x, v in (e.extras or {}).items()}
    sym = SymElection([Num(v) for v in e.votes[0]], ex.get("against_all", ZERO), ex.get("invalid", ZERO),
                      ex.get("nonvoters", ZERO))
    enc = encode_tier(ctx, sys.upper, sym, label=f"{ctx.prefix}list tier")
    seats = [enc.seats[p] + e.won[0][p] for p in range(len(e.votes[0]))]
    return LevelEnc(e, enc.admitted, list(enc.seats), [seats], seats, z3.Sum(seats), enc.defined)


def _allocate_continued(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """The district seats from the list votes; then the national tier's seats one at a time to the
    highest votes / d(seats held + won here) among the admitted lists: with a cut lam an admitted
    list ends with the larger of its district seats and its quotients above lam, adding up to the
    tier's seats plus the admitted lists' district seats; a list not admitted keeps its district
    seats."""
    assert isinstance(sys.upper.method, Divisor)
    K, n = sys.units, len(e.votes[0])
    defined: list[z3.BoolRef] = []
    won = _district_seats(ctx, sys, e, defined)
    V = [z3.Sum([e.votes[k][p] for k in range(K)]) for p in range(n)]
    W = [z3.Sum([won[k][p] for k in range(K)]) for p in range(n)]
    T = z3.Sum(V)
    admitted = [z3.And(V[p] > 0, *[passes(t, V[p], T, W[p]) for t in sys.upper.thresholds]) for p in range(n)]
    least = [z3.If(admitted[p], W[p], 0) for p in range(n)]
    N = sys.upper.seats
    house = bounded(ctx, "house", N + z3.Sum(least), N, N + sys.constituencies)
    any_vote = z3.Or(admitted)
    shares, ok = divisor_at_least(ctx, sys.upper.method, house, [z3.If(admitted[p], V[p], 0) for p in range(n)],
                                  least, any_vote)
    defined.append(z3.Or(z3.Not(any_vote), ok))  # no admitted list: the tier's seats stay vacant
    if sys.placing == "in turn":
        placed = _placed_in_turn(ctx, sys, e, won, V, W, admitted, defined)
        districts = [[won[k][p] + placed[k][p] for p in range(n)] for k in range(K)]
        national = [z3.Sum([districts[k][p] for k in range(K)]) for p in range(n)]
        # the placement encoded: the seats per district (each district a unit of the result)
        return LevelEnc(e, admitted, shares, districts, national, z3.Sum(national), z3.And(defined), won)
    national = [z3.If(admitted[p], z3.If(any_vote, shares[p], W[p]), W[p]) for p in range(n)]
    return LevelEnc(e, admitted, shares, [national], national, z3.Sum(national), z3.And(defined), won)


def _placed_in_provinces(ctx: Ctx, sys: LevelSystem, e: LevelElection, won: list[list[z3.ArithRef]],
                         need: list[z3.ArithRef], defined: list[z3.BoolRef]) -> list[list[z3.ArithRef]]:
    """The levelling seats (``need``: each list's, its entitlement less its seats held) placed into
    the provinces by the highest quotient after the seats held there, each province up to its room,
    then within each province into its districts (verify/placement.compete, split_within); returns
    each district's seats in the chamber."""
    first, second = sys.upper.level_placements
    assert isinstance(first.method, Divisor) and isinstance(second.method, Divisor)
    K, n = sys.units, len(need)
    R = len(set(sys.parents))
    kids = [[k for k in range(K) if sys.parents[k] == r] for r in range(R)]
    votes = [[z3.Sum([e.votes[k][p] for k in ks]) for p in range(n)] for ks in kids]
    held = [[z3.Sum([won[k][p] for k in ks]) for p in range(n)] for ks in kids]
    steps = sys.upper.seats - sys.constituencies  # the levelling seats placed in all (when any list takes part)
    room = rooms(first, R, steps)
    scaled = first.scale is PlaceScale.VALID_VOTES
    totals = [z3.Sum(row) for row in votes]
    if scaled:
        defined.extend(t > 0 for t in totals)
    C = sys.constituencies
    cells = scaled_cells(ctx, votes, held_counts(ctx, held, C, "held"), first.method, totals if scaled else None,
                         e.total_bound)
    placed, ok = compete(cells, need, room, steps)
    defined.append(ok)
    below = scaled_cells(ctx, e.votes, held_counts(ctx, won, C, "won"), second.method, None)
    within, ok2 = split_within(below, sys.parents, placed, max(room))
    defined.append(ok2)
    return [[won[k][p] + within[k][p] for p in range(n)] for k in range(K)]


def _placed_in_turn(ctx: Ctx, sys: LevelSystem, e: LevelElection, won: list[list[z3.ArithRef]], V: list[z3.ArithRef],
                    W: list[z3.ArithRef], admitted: list[z3.BoolRef], defined: list[z3.BoolRef]
                    ) -> list[list[z3.ArithRef]]:
    """The adjustment seats placed in turn (verify/placement.in_turn): the seats in all are those placed."""
    p = sys.upper.level_placements[0]
    assert isinstance(p.method, Divisor) and isinstance(sys.upper.method, Divisor)
    K, N = sys.units, sys.upper.seats
    totals = [z3.Sum(row) for row in e.votes]
    scaled = p.scale is PlaceScale.VALID_VOTES
    if scaled:  # the interpreter divides by each district's list votes: none there is its error
        defined.extend(t > 0 for t in totals)
    C = sys.constituencies
    cells = scaled_cells(ctx, e.votes, held_counts(ctx, won, C, "won"), p.method, totals if scaled else None,
                         e.total_bound)
    H = [Count(bounded(ctx, f"held{q + 1}", W[q], 0, C)) for q in range(len(V))]
    placed, ok = in_turn(ctx, cells, sys.upper.method, V, H, admitted, N, rooms(p, K, N), p.quotients)
    defined.append(ok)
    return placed
