"""Seat margins on vote files with districts: for each list and each district where it stood, the
fewest votes it must gain there (the other lists' votes unchanged) for one more seat nationally,
and the fewest it may lose there before it has one seat fewer.

Every margin is decided by the one evaluator of derived elections, ``Seats.units_with`` (which
allocates again only the district whose votes moved, unless the national tests' verdicts change):
a margin ``t`` is the answer when the seats change with ``t`` votes moved and do not with ``t - 1``.
That is exact when the list's seats do not fall as its votes rise (vote monotonicity: ``hemicycle
verify --property monotonicity``), as every margin here assumes. Two ways find ``t``:

* the closed form (``ClosedForm``), for the rules the compiled districted path covers with a
  divisor method of positive divisors: in one district the list's seats there change only where a
  test's verdict changes (its own or another list's district threshold, a national one) or where
  its next quotient ``(v + t) / d(s)`` meets the seat-deciding quotient of the others ``w / d(k)``
  (the others' quotient of rank ``M - s`` for a gain, ``M - s + 1`` for a loss), so
  ``t = ceil(w d(s) / d(k)) - v`` for a gain and ``t = v - floor(w d(s-1) / d(k))`` for a loss,
  or one vote more where the tie rule gives the tie to the other list. Every point where a test's
  verdict changes is a linear equation in ``t`` too. The candidates, smallest first, are confirmed
  by the evaluator (the seats change at ``t`` and not at ``t - 1``); "no amount does" is confirmed
  by moving the most votes there are (four times the votes cast for a gain, all the list's votes
  there for a loss);
* the search (``first_true``): doubling then bisection on whole votes through the same evaluator,
  for what the closed form does not cover (largest remainder, levelling, magnitudes apportioned by
  votes, several tiers) and for any candidate the evaluator does not confirm.

Each margin says which found it (``DistrictMargin.gain_by`` / ``lose_by``, ``found_by`` in JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import lcm
from typing import Any

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.derived import MOVING, Seats, UnitKey, WhatIfError, vote_units
from hemicycle.election import Election, Unit

__all__ = ["CLOSED_FORM", "SEARCH", "ClosedForm", "DistrictMargin", "closed_form_covers", "district_margins",
           "first_true"]

CLOSED_FORM = "closed form"
SEARCH = "search"


@dataclass(frozen=True)
class DistrictMargin:
    district: str
    level: str
    votes: int  # the list's votes there
    gain: int | None  # fewest extra votes there for one more seat nationally; None: no amount does
    lose: int | None  # fewest votes lost there for one seat fewer; None: losing them all does not
    gain_seats: int | None = None  # its seats there once it gains them (None: no gain)
    gain_by: str | None = None  # CLOSED_FORM or SEARCH: how the gain was found
    lose_by: str | None = None  # likewise for the loss (None: the list has no seat to lose)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"district": self.district, "level": self.level, "votes": self.votes,
                                  "votes_to_gain_a_seat": self.gain, "votes_to_lose_a_seat": self.lose,
                                  "seats_there_after_gain": self.gain_seats}
        if self.gain_by is not None or self.lose_by is not None:
            out["found_by"] = {"gain": self.gain_by, "lose": self.lose_by}
        return out


def district_margins(chamber: m.Chamber, election: Election, lists: Sequence[str] | None = None, *,
                     closed_form: bool = True) -> list[tuple[str, int, list[DistrictMargin]]]:
    """For every list (or those of ``lists``): (abbr, its seats, its margins in each district where
    it stood, the cheapest gain first). ``closed_form=False``: every margin by the search."""
    if not election.lists:
        raise WhatIfError("the vote file has no lists: there are no votes to move")
    seats_of = Seats(chamber, election)
    units = vote_units(election)
    now, there = seats_of.units_with({})
    closed = ClosedForm.of(seats_of, there) if closed_form else None
    limit = 4 * max(1, election.list_votes + election.totals.get("invalid", 0))
    out = []
    for i, e in enumerate(election.lists):
        if lists is not None and e.abbr not in lists:
            continue
        found = []
        for u in units:
            if e.abbr not in u.votes:
                continue
            probe = _Probe(seats_of, u, e.abbr, i)
            v = u.votes[e.abbr]
            gain, gain_by = _margin(lambda d, p=probe, i=i: p.seats(d) > now[i],
                                    closed.candidates(u, e.abbr, +1, limit) if closed else None, limit)
            lose, lose_by = None, None
            if now[i] > 0 and v > 0:
                lose, lose_by = _margin(lambda d, p=probe, i=i: p.seats(-d) < now[i],
                                        closed.candidates(u, e.abbr, -1, v) if closed else None, v)
            found.append(DistrictMargin(district=u.name, level=u.level, votes=v, gain=gain, lose=lose,
                                        gain_seats=None if gain is None else probe.there(gain),
                                        gain_by=gain_by, lose_by=lose_by))
        found.sort(key=lambda dm: (dm.gain is None, dm.gain or 0))
        out.append((e.abbr, now[i], found))
    return out


def closed_form_covers(chamber: m.Chamber, election: Election) -> bool:
    """The closed form covers these rules on this election: its margins take a few evaluations
    each (the search's take tens; the web workbench gives only these)."""
    seats_of = Seats(chamber, election)
    return ClosedForm.of(seats_of, seats_of.units_with({})[1]) is not None


class _Probe:
    """A list's seats with its votes in one district moved by ``d`` (the evaluator's, kept)."""

    def __init__(self, seats_of: Seats, unit: Unit, abbr: str, i: int) -> None:
        self.seats_of, self.unit, self.abbr, self.i = seats_of, unit, abbr, i
        self.key: UnitKey = (unit.level, unit.name)
        self.memo: dict[int, tuple[int, int]] = {}

    def _at(self, d: int) -> tuple[int, int]:
        if d not in self.memo:
            votes = self.unit.votes
            national, units = self.seats_of.units_with({self.key: {**votes, self.abbr: votes[self.abbr] + d}})
            self.memo[d] = (national[self.i], units.get(self.key, {}).get(self.abbr, 0))
        return self.memo[d]

    def seats(self, d: int) -> int:
        return self._at(d)[0]

    def there(self, d: int) -> int:
        return self._at(d)[1]


def _margin(pred: Callable[[int], bool], candidates: list[int] | None, limit: int) -> tuple[int | None, str]:
    """The smallest d in 1..limit with pred(d) (pred monotone), and how it was found: the first
    candidate (or the one after it: the tie rule may give the tie away) confirmed by pred(d) and
    not pred(d - 1); no candidate: confirmed by not pred(limit); else the search."""
    if candidates is not None:
        if not candidates:
            if not pred(limit):
                return None, CLOSED_FORM
        else:
            for c in candidates:
                for d in (c, c + 1):
                    if 1 <= d <= limit and pred(d):
                        if d == 1 or not pred(d - 1):
                            return d, CLOSED_FORM
                        return first_true(pred, limit), SEARCH
    return first_true(pred, limit), SEARCH


def first_true(pred: Callable[[int], bool], limit: int) -> int | None:
    """Smallest d in 1..limit with pred(d), assuming pred is monotone; None if pred(limit) fails."""
    hi = 1
    while not pred(hi):
        if hi >= limit:
            return None
        hi = min(limit, hi * 2)
    lo = hi // 2  # pred(lo) is false (or lo == 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


# --- the closed form -----------------------------------------------------------------------------


def _flip(a: int, b: int, strict: bool, upto: int) -> int | None:
    """The smallest t in 1..upto where the verdict of ``a + b t >= 0`` (``> 0`` when strict)
    differs from its verdict at t = 0; None when it keeps it."""
    def ok(t: int) -> bool:
        f = a + b * t
        return f > 0 if strict else f >= 0

    now = ok(0)
    if b == 0 or (b > 0) == now:
        return None  # moving away from the root (or constant)
    t = max(1, -a // b)
    while t > 1 and ok(t - 1) != now:
        t -= 1
    while ok(t) == now:
        t += 1
    return t if t <= upto else None


@dataclass(frozen=True)
class _Line:
    """A test's base as a line in t, the votes moved: ``b0 + slope * t``."""
    b0: int
    slope: int


def _base_line(base: m.Base, list_votes: int, totals: Mapping[str, int], sign: int) -> _Line | None:
    def at(t: int) -> int:
        moved = {k: v + (sign * t if k in MOVING else 0) for k, v in totals.items()}
        return base_figure(base, list_votes + sign * t, moved, _missing)

    try:
        b0, b1, b2 = at(0), at(1), at(2)
    except _NotCovered:
        return None
    if b2 - b1 != b1 - b0:
        return None
    return _Line(b0, b1 - b0)


class _NotCovered(Exception):
    pass


def _missing(name: str, why: str) -> int:
    raise _NotCovered


class ClosedForm:
    """The closed form's candidate margins for rules the compiled districted path covers with a
    divisor method of positive divisors (see the module docstring); ``of`` gives None otherwise."""

    def __init__(self, plan: Any, magnitudes: Mapping[str, int], base: Mapping[str, Mapping[str, int]],
                 election: Election) -> None:
        self.plan = plan
        self.magnitudes = magnitudes
        self.base = base
        self.election = election
        self.national = [e.votes for e in election.lists]
        lin = plan.linear
        self.head, self.alpha, self.beta = lin.head, lin.alpha, lin.beta
        self._ranked: dict[tuple[str, frozenset[int]], list[tuple[int, int, int]]] = {}

    @staticmethod
    def of(seats_of: Seats, there: Mapping[UnitKey, Mapping[str, int]]) -> ClosedForm | None:
        fast = seats_of._unit_plan()
        if fast is None:
            return None
        plan, magnitudes, base, _ = fast
        if not isinstance(plan.method, m.Divisor) or plan.linear is None or not plan.positive:
            return None
        return ClosedForm(plan, magnitudes, base, seats_of.election)

    def divisor(self, k: int) -> int:
        return self.head[k] if k < len(self.head) else self.alpha * k + self.beta

    def candidates(self, unit: Unit, abbr: str, sign: int, upto: int) -> list[int] | None:
        """Candidate margins (smallest first) for ``abbr`` gaining (sign +1) or losing (-1) votes in
        ``unit``, up to ``upto``; None when a figure the tests need is missing (the search decides)."""
        plan = self.plan
        names = list(unit.votes)
        values = list(unit.votes.values())
        order = [plan.place[a] for a in names]
        p = names.index(abbr)
        v = values[p]
        seats = self.magnitudes[unit.name]
        s = self.base[unit.name].get(abbr, 0)
        from hemicycle.compiled import _Fallback

        events = self._events(unit, values, order, p, sign, upto)
        if events is None:
            return None
        here, national = events
        out = set(national)  # a national verdict changes: the seats may change in other districts
        best = upto + 1
        try:
            for e in sorted(here | national | {1}):
                if e > best:
                    break
                c = self._at_event(unit, values, order, p, sign, e, seats, s, v)
                if c is not None and c <= upto:
                    out.add(c)
                    best = min(best, c)
        except _Fallback:  # a base figure is missing: the evaluator names it
            return None
        return sorted(out)

    def _events(self, unit: Unit, values: list[int], order: list[int], p: int, sign: int, upto: int
                ) -> tuple[set[int], set[int]] | None:
        """The points t where a test's verdict changes: of the district tests of every list here
        (and, losing, where the list has no vote left), and of the national tests of every list.
        None: a base is not covered."""
        plan = self.plan
        out: set[int] = set()
        for base, num, den, inclusive, applies in plan.unit_tests:
            line = _base_line(base, sum(values), unit.totals, sign)
            if line is None:
                return None
            for k, w in enumerate(values):
                if applies is not None and not applies[order[k]]:
                    continue
                b = (sign * den if k == p else 0) - num * sign * line.slope
                t = _flip(w * den - num * line.b0, b, not inclusive, upto)
                if t is not None:
                    out.add(t)
        national: set[int] = set()
        mine = order[p]
        for base, num, den, inclusive, applies in plan.national_tests:
            line = _base_line(base, sum(self.national), self.election.totals, sign)
            if line is None:
                return None
            for j, w in enumerate(self.national):
                if applies is not None and not applies[j]:
                    continue
                b = (sign * den if j == mine else 0) - num * sign * line.slope
                t = _flip(w * den - num * line.b0, b, not inclusive, upto)
                if t is not None:
                    national.add(t)
        if sign < 0:
            out.add(values[p])  # no vote left: the list takes no seat
        return out, national

    def _pool(self, unit: Unit, values: list[int], order: list[int], p: int, sign: int, t: int) -> set[int]:
        """The lists here (by position) that may take seats with ``t`` votes moved (as
        ``districted.unit_seats`` admits them)."""
        from hemicycle.districted import passes

        plan = self.plan
        moved = list(values)
        moved[p] += sign * t
        totals = {k: v + (sign * t if k in MOVING else 0) for k, v in unit.totals.items()}
        ok = passes(plan.unit_tests, moved, totals, order)
        if plan.national_tests:
            national = list(self.national)
            national[order[p]] += sign * t
            ntotals = {k: v + (sign * t if k in MOVING else 0) for k, v in self.election.totals.items()}
            verdicts = passes(plan.national_tests, national, ntotals)
            ok = [a and verdicts[order[k]] for k, a in enumerate(ok)]
        exempt = plan.exempt
        return {k for k, w in enumerate(moved) if w > 0 and (ok[k] or (exempt is not None and exempt[order[k]]))}

    def _ranked_quotients(self, unit: Unit, values: list[int], pool: set[int], seats: int
                          ) -> list[tuple[int, int, int]]:
        """The quotients w / d(k), k < seats, of the pool's lists here, highest first, as (a key
        proportional to the quotient, the list's position, k); kept per pool."""
        key = (unit.name, frozenset(pool))
        if key not in self._ranked:
            ds = [self.divisor(k) for k in range(seats)]
            big = lcm(*ds) if ds else 1
            self._ranked[key] = sorted(((values[j] * (big // d), j, k) for j in pool for k, d in enumerate(ds)),
                                       reverse=True)
        return self._ranked[key]

    def _at_event(self, unit: Unit, values: list[int], order: list[int], p: int, sign: int, e: int,
                  seats: int, s: int, v: int) -> int | None:
        """The candidate margin from the pool as it is at ``e`` votes moved (None: none here)."""
        if sign < 0 and s == 0:
            return None  # no seat here to lose: only a national verdict can cost one elsewhere
        pool = self._pool(unit, values, order, p, sign, e)
        if p not in pool:
            return e if sign < 0 else None  # losing: out of the running here; gaining: not in it yet
        rank = seats - s if sign > 0 else seats - s + 1  # the others' quotient the seat is decided against
        if rank <= 0:
            return None  # it has every seat here
        others = self._ranked_quotients(unit, values, pool - {p}, seats)
        if len(others) < rank:
            return e if sign > 0 else None  # too few competitors to take the seat from it
        _, j, k = others[rank - 1]
        w, dk = values[j], self.divisor(k)
        if sign > 0:
            return max(e, -(-(w * self.divisor(s)) // dk) - v)  # (v + t) / d(s) reaches w / d(k)
        return max(e, v - (w * self.divisor(s - 1)) // dk)  # (v - t) / d(s - 1) falls to w / d(k)
