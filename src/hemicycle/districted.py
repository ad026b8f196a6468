"""The compiled path for districted rules: one tier allocated in each district of one level.

``plan_districts(chamber, election)`` says whether the fast paths cover these rules for elections
shaped like ``election`` (its districts, their magnitudes and its lists), and holds what they need:
the magnitudes (computed once by the interpreter's own step, ``level_magnitudes``, and then held
fixed: only where they do not depend on figures that change from one election to the next), the
district and national threshold tests as integer cross-multiplications, the tie chain as sort keys.

``compile_districts(chamber, election)`` gives a function of an election shaped like it (the same
lists and districts, any figures) to its seats per district. It is exact: integers only, the
divisor and largest-remainder steps are the compiled path's (``hemicycle.compiled``), and any
election they cannot decide (a tie the chain's vote criteria cannot break, a missing total, a
district where no list can take its seats) goes to the interpreter, which gives the same seats or raises the same error.

Covered: one level (magnitudes fixed in the rules, given in the vote file, or apportioned by a
figure the vote file gives for each district), one tier ``in each`` district of it, with share
thresholds for every list taken in the district or nationally, any divisor method with a linear
sequence or any largest-remainder quota, and a tie chain of vote criteria (registration order,
more or fewer votes; a lot is drawn by the interpreter). Anything else is declined (None).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import compress

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.compiled import LotKey, _divisor, _Fallback, _favour, _lr
from hemicycle.election import Election, Unit
from hemicycle.highest_averages import LinearDivisors, seat_rounds
from hemicycle.interpreter import allocate
from hemicycle.interpreter.magnitudes import level_magnitudes
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.thresholds import reaching
from hemicycle.interpreter.workload import check_limits

# base, numerator, denominator, inclusive, and the lists it applies to (by place; None: every list)
Test = tuple[m.Base, int, int, bool, "tuple[bool, ...] | None"]
_VOTE_CRITERIA = (m.TieCriterion.REGISTRATION_ORDER, m.TieCriterion.MORE_VOTES, m.TieCriterion.FEWER_VOTES)


@dataclass(frozen=True)
class DistrictPlan:
    """What the fast paths need of districted rules for elections shaped like one election."""

    chamber: m.Chamber
    tier: m.Tier
    template: Election  # the election the plan was made for (names, tags, figures kept)
    units: tuple[str, ...]  # the districts, in the vote file's order
    magnitudes: tuple[int, ...]
    unit_tests: tuple[Test, ...]  # shares of the district's base, the list's votes there
    national_tests: tuple[Test, ...]  # shares of the national base, the list's national votes
    chain: tuple[m.TieCriterion, ...]  # the vote criteria of the tie chain, before any other
    by_order: bool  # the chain starts with registration order: every tie is decided at once
    level: m.Level
    linear: LinearDivisors | None  # the divisors in integers (divisor methods)
    exempt: tuple[bool, ...] | None  # the lists exempt from the thresholds, by place

    @property
    def method(self) -> m.Method:
        return self.tier.method

    @cached_property
    def positive(self) -> bool:
        """Every divisor is positive (not Adams' 0): the seat-by-seat loop compares products."""
        lin = self.linear
        return lin is not None and all(d > 0 for d in lin.head) and lin.alpha * len(lin.head) + lin.beta > 0

    def same_lists(self, election: Election) -> bool:
        """The election has the plan's lists (names, order, tags and sizes: what selectors read)."""
        mine = self.template.lists
        theirs = election.lists
        if theirs is mine:
            return True
        return len(theirs) == len(mine) and all(
            a.abbr == b.abbr and a.tags == b.tags and a.coalition_size == b.coalition_size
            and a.registration_order == b.registration_order
            for a, b in zip(theirs, mine, strict=True))

    @cached_property
    def abbrs(self) -> tuple[str, ...]:
        return self.template.abbrs

    @cached_property
    def rank(self) -> tuple[int, ...]:
        """Each list's registration order, by place."""
        return tuple(e.registration_order for e in self.template.lists)

    @cached_property
    def place(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.abbrs)}

    @cached_property
    def template_units(self) -> tuple[Unit, ...]:
        return self.template.units_of(self.level.name)

    @cached_property
    def orders(self) -> tuple[tuple[list[str], list[int]], ...]:
        """Per district of the template, its lists (the vote file's order) and their places."""
        place = self.place
        return tuple((list(u.votes), [place[a] for a in u.votes]) for u in self.template_units)

    @cached_property
    def plain(self) -> bool:
        """The commonest shape: at most one district test, for every list; no national test, no
        exemption; a divisor method whose divisors are all positive."""
        return (len(self.unit_tests) <= 1 and all(t[4] is None for t in self.unit_tests) and not self.national_tests
                and self.exempt is None and isinstance(self.method, m.Divisor) and self.positive)

    @cached_property
    def fixed_units(self) -> frozenset[str]:
        return frozenset(f.unit for f in self.level.fixed)


def _static(sel: m.Selector | None, election: Election) -> tuple[bool, ...] | None:
    """Which lists a selector picks, by place: a list's tags and size do not change with votes."""
    if sel is None or sel.kind is m.SelectorKind.EVERY_LIST:
        return None
    return tuple(selects(sel, e, None) for e in election.lists)


def _test(th: m.Threshold, election: Election) -> Test | None:
    if th.share is None or th.base is None or th.absolute is not None or th.quotas is not None:
        return None
    if th.alternatives or th.district_op is not None or th.regional:
        return None
    if th.applies_to is not None and th.applies_to.kind is m.SelectorKind.RUNNER_UP:
        return None
    return th.base, th.share.numerator, th.share.denominator, th.inclusive, _static(th.applies_to, election)


# The clauses these paths read; any other field of a tier, a level or a threshold that is not at
# its default (a clause added to the language later included) makes the rules the interpreter's.
_TIER_FIELDS = {"span", "citation", "name", "seats", "thresholds", "method", "ties", "level", "exempt"}
_LEVEL_FIELDS = {"span", "citation", "name", "seats", "fixed", "minimum", "apportion", "ties"}
_THRESHOLD_FIELDS = {"span", "citation", "share", "base", "inclusive", "applies_to", "scope"}


def _tier_covered(tier: m.Tier) -> bool:
    if not m.at_defaults(tier, _TIER_FIELDS) or not all(m.at_defaults(t, _THRESHOLD_FIELDS) for t in tier.thresholds):
        return False
    method = tier.method
    if isinstance(method, m.LargestRemainder):
        return m.at_defaults(method, {"span", "citation", "quota"})
    return (isinstance(method, m.Divisor)
            and m.at_defaults(method, {"span", "citation", "kind", "first", "sequence", "step"})
            and LinearDivisors.of(method) is not None)


def plan_districts(chamber: m.Chamber, election: Election) -> DistrictPlan | None:
    """The plan for ``chamber`` on elections shaped like ``election``; None when not covered."""
    if len(chamber.levels) != 1 or len(chamber.tiers) != 1 or chamber.appointed:
        return None
    level, tier = chamber.levels[0], chamber.tiers[0]
    if tier.level != level.name or not _tier_covered(tier) or not m.at_defaults(level, _LEVEL_FIELDS):
        return None
    if level.apportion is not None and level.apportion.base is not None:
        return None  # magnitudes by a vote figure: they change with the votes
    if tier.exempt is not None and tier.exempt.who.kind is m.SelectorKind.RUNNER_UP:
        return None
    tests = [(th.scope, _test(th, election)) for th in tier.thresholds]
    if any(t is None or scope not in (m.Scope.UNIT, m.Scope.NATION) for scope, t in tests):
        return None
    criteria = tier.ties.criteria if tier.ties is not None else ()
    chain: list[m.TieCriterion] = []
    for c in criteria:
        if c not in _VOTE_CRITERIA:
            break
        chain.append(c)
    units = election.units_of(level.name)
    try:
        check_limits(chamber, election)
        magnitudes = level_magnitudes(level, election, [], [], False).magnitudes
    except Exception:
        return None
    if not units or any(u.level != level.name for u in election.units):
        return None
    return DistrictPlan(
        chamber=chamber, tier=tier, template=election, units=tuple(u.name for u in units),
        magnitudes=tuple(magnitudes[u.name] for u in units),
        unit_tests=tuple(t for s, t in tests if s is m.Scope.UNIT and t is not None),
        national_tests=tuple(t for s, t in tests if s is m.Scope.NATION and t is not None),
        chain=tuple(chain), by_order=bool(chain) and chain[0] is m.TieCriterion.REGISTRATION_ORDER, level=level,
        linear=LinearDivisors.of(tier.method) if isinstance(tier.method, m.Divisor) else None,
        exempt=(tuple(selects(tier.exempt.who, e, None) for e in election.lists) if tier.exempt is not None
                else None))


def _missing(name: str, why: str) -> int:
    raise _Fallback  # the interpreter names the missing figure


def passes(tests: Sequence[Test], votes: Sequence[int], totals: Mapping[str, int],
           order: Sequence[int] | None = None) -> list[bool]:
    """Which lists reach every test that applies to them (and have votes); ``order``: the place of
    each among the election's lists (None: the same). _Fallback when a base figure is missing."""
    ok = [v > 0 for v in votes]
    if not tests:
        return ok
    list_votes = sum(votes)
    where = order if order is not None else range(len(votes))
    for base, num, den, inclusive, applies in tests:
        rhs = num * base_figure(base, list_votes, totals, _missing)
        reach = reaching(votes, rhs, den, inclusive)
        if applies is not None:
            reach = [r or not applies[i] for r, i in zip(reach, where, strict=True)]
        ok = [p and r for p, r in zip(ok, reach, strict=True)]
    return ok


def election_of(plan: DistrictPlan, votes: Sequence[Sequence[int]], totals: Sequence[Mapping[str, int]],
                national_totals: Mapping[str, int]) -> Election:
    """The election with these district figures: the plan's election with every figure replaced
    (list votes nationally are the sums over the districts); a list stands where it has votes."""
    t = plan.template
    n = len(t.lists)
    national = [sum(row[i] for row in votes) for i in range(n)]
    lists = tuple(dataclasses.replace(e, votes=national[i]) for i, e in enumerate(t.lists))
    units = []
    for u, row, tot in zip(t.units_of(plan.level.name), votes, totals, strict=True):
        stood = {e.abbr: row[i] for i, e in enumerate(t.lists) if row[i] > 0 or e.abbr in u.votes}
        units.append(dataclasses.replace(u, votes=stood, totals=dict(tot)))
    return dataclasses.replace(t, lists=lists, totals=dict(national_totals), units=tuple(units))


def national_totals_of(totals: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """The national totals as the sums of the districts' (the totals every district gives)."""
    if not totals:
        return {}
    keys = set(totals[0]).intersection(*totals[1:])
    return {k: sum(t[k] for t in totals) for k in sorted(keys)}


def _key(chain: tuple[m.TieCriterion, ...], rank: Sequence[int], order: Sequence[int], votes: Sequence[int]
         ) -> Callable[[int], tuple[int, ...]]:
    """The chain's sort key of the ``k``-th list here (``order``: its place among the lists,
    ``rank``: the registration order of each place); made for every district, read on a tie."""
    return partial(_chain_key, chain, rank, order, votes)


def _chain_key(chain: tuple[m.TieCriterion, ...], rank: Sequence[int], order: Sequence[int], votes: Sequence[int],
               k: int) -> tuple[int, ...]:
    return tuple(rank[order[k]] if c is m.TieCriterion.REGISTRATION_ORDER
                 else -votes[k] if c is m.TieCriterion.MORE_VOTES else votes[k] for c in chain)


# Seat by seat up to this magnitude (the jump start of hemicycle.highest_averages beyond it).
_SEAT_BY_SEAT = 64


def _seat_by_seat(lin: LinearDivisors, votes: Sequence[int], pool: list[int], seats: int,
                  key: Callable[[int], tuple[int, ...]]) -> dict[int, int]:
    """Highest averages one seat at a time (``_pool_seats``): the seats by position here."""
    got = _pool_seats(lin, votes, pool, seats, key)
    return {pool[j]: g for j, g in enumerate(got) if g}


def _pool_seats(lin: LinearDivisors, votes: Sequence[int], pool: list[int], seats: int,
                key: Callable[[int], tuple[int, ...]]) -> list[int]:
    """The seats of each list of ``pool``, in its order, by the interpreter's own seat-by-seat
    step (``highest_averages.seat_rounds``); a tie it cannot give every list tied goes to the
    chain's keys (``_favour``; _Fallback when they cannot decide)."""
    return seat_rounds(lin, votes, pool, seats, partial(_tied, pool, key))


def _tied(pool: list[int], key: Callable[[int], tuple[int, ...]], positions: list[int], places: int, w: int,
          d: int) -> list[int]:
    chosen = set(_favour([pool[j] for j in positions], places, key))
    return [j for j in positions if pool[j] in chosen]


def _pool(plan: DistrictPlan, votes: Sequence[int], order: Sequence[int], totals: Mapping[str, int]) -> list[int]:
    """The lists here (by position) that reach every district test (and have votes)."""
    tests = plan.unit_tests
    if len(tests) == 1 and tests[0][4] is None:  # the common case, in one pass
        return _admitted(tests[0], votes, totals)
    return [k for k, ok in enumerate(passes(tests, votes, totals, order)) if ok]


def _admitted(test: Test | None, votes: Sequence[int], totals: Mapping[str, int]) -> list[int]:
    """The lists here (by position) with votes that reach the test (for every list; None: no
    test), by the interpreter's share test (``thresholds.reaching``)."""
    if test is None:
        return [k for k, v in enumerate(votes) if v > 0]
    base, num, den, inclusive, _ = test
    rhs = num * base_figure(base, sum(votes), totals, _missing)
    own = compress(range(len(votes)), reaching(votes, rhs, den, inclusive))
    return list(own) if rhs > 0 else [k for k in own if votes[k] > 0]  # a positive share: a vote at least


def unit_seats(plan: DistrictPlan, votes: Sequence[int], order: Sequence[int], totals: Mapping[str, int],
               seats: int, nationally: Sequence[bool] | None,
               lot: Callable[[list[int], int], list[int]] | None = None) -> dict[int, int]:
    """One district: its lists' votes (``order``: their places among the election's lists), its
    totals and magnitude, the national verdicts (by place); the seats won, by position here.
    ``lot(tied, places)`` decides a tie the chain's vote criteria cannot (else _Fallback)."""
    pool = _pool(plan, votes, order, totals)
    if nationally is not None:
        pool = [k for k in pool if nationally[order[k]]]
    if plan.exempt is not None:
        exempt = plan.exempt
        pool = [k for k, v in enumerate(votes) if v > 0 and (exempt[order[k]] or k in pool)]
    if seats <= 0:
        return {}
    if not pool:
        raise _Fallback  # no list can take the seats: the interpreter says what happens
    method = plan.method
    key = _key(plan.chain, plan.rank, order, votes)
    if lot is not None:
        key = LotKey(key, lot)
    if isinstance(method, m.LargestRemainder):
        ones = [1] * len(votes)
        return _lr(method, votes, ones, ones, pool, seats, key)
    if seats <= _SEAT_BY_SEAT and plan.positive:
        return _seat_by_seat(plan.linear, votes, pool, seats, key)  # type: ignore[arg-type]
    ones = [1] * len(votes)
    return _divisor(method, votes, ones, ones, pool, seats, key)  # type: ignore[arg-type]


def magnitudes_for(plan: DistrictPlan, election: Election) -> tuple[int, ...] | None:
    """The magnitudes for this election when the plan's hold for it (the same districts, and the
    figures they come from unchanged); None: the interpreter decides."""
    units = election.units_of(plan.level.name)
    if len(units) != len(plan.units) or any(u.name != n for u, n in zip(units, plan.units, strict=True)):
        return None
    if plan.level.apportion is not None:
        same = all(u.figures is t.figures or u.figures == t.figures
                   for u, t in zip(units, plan.template_units, strict=True))
        return plan.magnitudes if same else None
    fixed = plan.fixed_units
    out = []
    for u, mag in zip(units, plan.magnitudes, strict=True):
        if u.seats is not None and u.seats != mag and u.name in fixed:
            return None
        out.append(mag if u.seats is None else u.seats)
    return tuple(out) if sum(out) == plan.level.seats else None


def district_seats(plan: DistrictPlan, election: Election) -> dict[str, dict[str, int]]:
    """Seats per district (the lists that win any) by the compiled steps; _Fallback for what they
    cannot decide."""
    magnitudes = magnitudes_for(plan, election)
    if magnitudes is None or len(election.units) != len(plan.units) or not plan.same_lists(election):
        raise _Fallback
    nationally = None
    if plan.national_tests:
        nationally = passes(plan.national_tests, [e.votes for e in election.lists], election.totals)
    if plan.plain and nationally is None:
        return _plain_seats(plan, election, magnitudes)
    place = plan.place
    out: dict[str, dict[str, int]] = {}
    for u, seats, (names, order) in zip(election.units_of(plan.level.name), magnitudes, plan.orders, strict=True):
        votes = u.votes
        if len(votes) != len(names) or list(votes) != names:  # not the template's lists: their places
            names = list(votes)
            order = [place[a] for a in names]
        got = unit_seats(plan, list(votes.values()), order, u.totals, seats, nationally)
        out[u.name] = {names[k]: s for k, s in got.items() if s}  # by position: the vote file's order
    return out


def _plain_seats(plan: DistrictPlan, election: Election, magnitudes: Sequence[int]) -> dict[str, dict[str, int]]:
    """``district_seats`` for the commonest shape (``DistrictPlan.plain``): in each district the
    one test, then highest averages seat by seat (``unit_seats`` where the district has more
    seats, or no list passes)."""
    place = plan.place
    lin = plan.linear
    assert lin is not None
    test = plan.unit_tests[0] if plan.unit_tests else None
    out: dict[str, dict[str, int]] = {}
    units = election.units_of(plan.level.name)
    for u, t, seats, (names, order) in zip(units, plan.template_units, magnitudes, plan.orders, strict=True):
        votes = u.votes
        if votes is not t.votes and (len(votes) != len(names) or list(votes) != names):  # other lists: their places
            names = list(votes)
            order = [place[a] for a in names]
        values = list(votes.values())
        pool = _admitted(test, values, u.totals)
        if not pool or not 0 < seats <= _SEAT_BY_SEAT:
            got = unit_seats(plan, values, order, u.totals, seats, None)
            out[u.name] = {names[k]: s for k, s in got.items() if s}
            continue
        won = _pool_seats(lin, values, pool, seats, _key(plan.chain, plan.rank, order, values))
        out[u.name] = {names[k]: s for k, s in zip(pool, won, strict=True) if s}
    return out


def interpreted(plan: DistrictPlan, election: Election) -> dict[str, dict[str, int]]:
    """The interpreter's seats per district (the lists that win any)."""
    result = allocate(plan.chamber, election, explain=False)
    return {u.name: {a: n for a, n in u.seats.items() if n} for u in result.districts}


DistrictFunction = Callable[[Election], dict[str, dict[str, int]]]


def compile_districts(chamber: m.Chamber, election: Election) -> DistrictFunction | None:
    """``f(election) -> {district: {abbr: seats}}`` (the lists that win seats there) for elections
    shaped like ``election`` (the same lists and districts; other figures may change). None when
    these rules or this election are not covered. An election the compiled steps cannot decide
    goes to the interpreter (the same seats, or its error)."""
    plan = plan_districts(chamber, election)
    if plan is None:
        return None

    def f(election: Election) -> dict[str, dict[str, int]]:
        try:
            return district_seats(plan, election)
        except _Fallback:
            return interpreted(plan, election)

    return f


__all__ = ["DistrictPlan", "compile_districts", "district_seats", "election_of", "interpreted", "national_totals_of",
           "passes", "plan_districts", "unit_seats"]
