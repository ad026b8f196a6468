"""What-ifs on vote files with districts: swings in every district or in one, and the votes a
list needs in each district to win or lose a seat.

The votes move where they are counted: in the units that carry the lists' votes at the finest
level (``hemicycle.derived.vote_units``), through ``derive_units``, which keeps every figure
consistent (a unit's valid votes and ballots cast move with its list votes, the units above and
the nation carry the sums). A list gains or loses votes only where it stood.

* A percentage swing ``ABBR=+2%`` is uniform: in every district where the list stood, its share of
  the district's list votes moves by that many points and the other lists there are scaled in
  proportion, rounded to whole votes by largest remainder within the district (its list votes stay
  as they are). A share that would fall below 0 or rise above 100% stops there; the districts where
  it did are named in a note of the derived election. ``ABBR=+2%@NAME`` moves it in the unit
  called NAME only (or, for a unit containing districts, in each district inside it).
* A vote swing ``ABBR=-5000`` is spread over the districts where the list stood in proportion to
  its votes there (largest remainder: the whole change is applied); ``ABBR=-5000@NAME`` applies it
  in that unit (spread the same way over the districts inside it).
* Margins per list and district: ``hemicycle.district_margins`` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import pairwise
from math import lcm
from typing import Any

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.derived import Seats, UnitKey, WhatIfError, derive_units, parse_swing, round_keep_total, vote_units
from hemicycle.district_margins import DistrictMargin, district_margins, first_true
from hemicycle.election import Election, Unit

__all__ = ["DistrictCurve", "DistrictMargin", "apply_district_swings", "district_margins", "first_true"]


def _targets(election: Election, abbr: str, where: str | None, text: str) -> list[Unit]:
    """The vote units the swing moves ``abbr`` in: those where it stood, in ``where`` if named."""
    units = vote_units(election)
    if where is not None:
        named = [u for u in election.units if u.name == where]
        if not named:
            names = [u.name for u in units]
            from hemicycle.reading import did_you_mean

            raise WhatIfError(f"swing {text!r}: no unit is called {where!r}{did_you_mean(where, names)}")
        if len({u.level for u in named}) > 1:
            raise WhatIfError(f"swing {text!r}: units of several levels are called {where!r}")
        keys = {(u.level, u.name) for u in named}
        tree = election.tree
        units = tuple(u for u in units if (u.level, u.name) in keys
                      or any((a.level, a.name) in keys for a in tree.ancestors(u)))
    stood = [u for u in units if abbr in u.votes]
    if not stood:
        place = f" in {where}" if where is not None else " in any district"
        raise WhatIfError(f"swing {text!r}: {abbr} did not stand{place}")
    return stood


def apply_district_swings(election: Election, swings: Sequence[str]) -> Election:
    """The election after the swings (see the module docstring), every figure kept consistent."""
    votes: dict[UnitKey, dict[str, int]] = {(u.level, u.name): dict(u.votes) for u in vote_units(election)}
    notes: list[str] = []
    for text in swings:
        abbr, value, percent, where = parse_swing(text)
        if abbr not in election.abbrs:
            raise WhatIfError(f"swing {text!r}: no list {abbr!r} in the votes (lists: {', '.join(election.abbrs)})")
        targets = _targets(election, abbr, where, text)
        if percent:
            stopped = [u.name for u in targets if _percent(votes[(u.level, u.name)], abbr, value)]
            if stopped:
                shown = ", ".join(stopped[:5]) + (f" and {len(stopped) - 5} more" if len(stopped) > 5 else "")
                notes.append(f"swing {text}: {abbr}'s share stopped at {'0' if value < 0 else '100'}% in "
                             f"{len(stopped)} district{'s' if len(stopped) > 1 else ''} ({shown})")
        else:
            here = [votes[(u.level, u.name)] for u in targets]
            have = sum(v[abbr] for v in here)
            if value < 0 and -value > have:
                raise WhatIfError(f"swing {text!r}: {abbr} has only {have} votes there")
            amount = abs(int(value))
            parts = (round_keep_total([Fraction(v[abbr] * amount, have) for v in here], amount) if have
                     else round_keep_total([Fraction(amount, len(here))] * len(here), amount))
            for v, part in zip(here, parts, strict=True):
                v[abbr] += part if value > 0 else -part
    name = (election.name + " with " + ", ".join(swings)) if election.name else ", ".join(swings)
    try:
        return derive_units(election, votes, name=name, notes=notes)
    except ValueError as e:
        raise WhatIfError(f"swing {', '.join(swings)}: {e}") from None


def _percent(votes: dict[str, int], abbr: str, points: Fraction) -> bool:
    """Move ``abbr``'s share of these votes by ``points``; True when it stopped at 0 or 100%."""
    total = sum(votes.values())
    if total == 0:
        return False
    share = Fraction(votes[abbr], total) + points / 100
    stopped = not 0 <= share <= 1
    share = min(Fraction(1), max(Fraction(0), share))
    others = total - votes[abbr]
    names = list(votes)
    exact = [share * total if a == abbr else
             (Fraction(votes[a], others) * (1 - share) * total if others else Fraction(0)) for a in names]
    if not others and share < 1:  # nobody else has a vote here: the share cannot fall
        return True
    for a, v in zip(names, round_keep_total(exact, total), strict=True):
        votes[a] = v
    return stopped


# --- seat-vote curves ----------------------------------------------------------------------------


class DistrictCurve:
    """The seat-vote curve of a list under rules that allocate in districts: the list's national
    share x of the list votes goes from 0 to 1; in every district its votes are multiplied by the
    same factor (x over its national share) and the other lists' by theirs ((1 - x) over the
    others' share), so each list keeps its geography and the other lists their proportions; the
    other totals of each district (blank, invalid, registered ...) stay, those the list votes are part
    of (valid, ballots cast) move with them. Every figure is a linear function of x, so each
    comparison the rules make (a quotient against a quotient, a list's votes against a share of a
    base) changes where a linear equation has a root: the curve is exact.

    Covered: every tier allocates in each unit of one level by a divisor method with rational
    divisors, magnitudes that do not come from the votes, thresholds in the district or nationally
    on shares; anything else raises ``WhatIfError`` (it says which)."""

    def __init__(self, chamber: m.Chamber, election: Election, abbr: str) -> None:
        curve_covered(chamber)
        self.chamber = chamber
        self.election = election
        self.abbr = abbr
        self.p = election.abbrs.index(abbr)
        self.units = vote_units(election)
        total = election.list_votes
        mine = election.lists[self.p].votes
        if total == 0:
            raise WhatIfError("no list has a vote")
        if mine == 0 or mine == total:
            raise WhatIfError(f"{abbr} has {'no' if mine == 0 else 'every'} vote: its votes in the districts cannot "
                              "be scaled to other shares")
        self.total, self.mine, self.others = total, mine, total - mine
        self.seats = Seats(chamber, election)

    def figures(self, x: Fraction) -> dict[UnitKey, dict[str, Fraction]]:
        """Each vote unit's list votes at share x (in units of the national list votes)."""
        a, b = x / self.mine, (1 - x) / self.others
        return {(u.level, u.name): {k: v * (a if k == self.abbr else b) for k, v in u.votes.items()}
                for u in self.units}

    def election_at(self, x: Fraction) -> Election:
        """The election at share x, in whole numbers: every figure over one common denominator
        (the rules' seats do not change when every figure is multiplied by the same number)."""
        votes = self.figures(x)
        den = self.total
        for row in votes.values():
            for v in row.values():
                den = lcm(den, v.denominator)
        factor = Fraction(den, self.total)  # the other figures: multiplied as the votes were
        whole = {key: {k: int(v * den) for k, v in row.items()} for key, row in votes.items()}
        if len(self.units) == len(self.election.units):  # one level: built at once
            return _flat_election(self.election, int(factor), whole)
        return derive_units(_scaled_election(self.election, factor), whole)

    def seats_at(self, x: Fraction) -> int:
        return self.seats_of(self.election_at(x))

    def seats_of(self, election: Election) -> int:
        return self.seats.units(election)[0][self.p]

    def candidates(self) -> set[Fraction]:
        """Shares where the seats may change (a superset of the breakpoints)."""
        out = self._threshold_roots()
        admitted = self._admitted(out | {Fraction(1, 2)})
        if isinstance(self.chamber.tiers[0].method, m.LargestRemainder):
            return out | self._remainder_roots(admitted)
        return out | self._quotient_roots(admitted)

    def _unit_figures(self, key: UnitKey, x: Fraction) -> dict[str, Fraction]:
        """One vote unit's list votes at share x (``figures``)."""
        unit = self.election.tree.unit(*key)
        assert unit is not None
        a, b = x / self.mine, (1 - x) / self.others
        return {k: v * (a if k == self.abbr else b) for k, v in unit.votes.items()}

    def _linear(self, key: UnitKey, f: Callable[[dict[str, Fraction], Mapping[str, Fraction]], Fraction]
                ) -> tuple[Fraction, Fraction]:
        """(value at x = 1, value at x = 0) of a linear function of the unit's figures."""
        return tuple(f(self._unit_figures(key, x), self._totals(key, x)) for x in (Fraction(1), Fraction(0)))  # type: ignore[return-value]

    def _totals(self, key: UnitKey, x: Fraction) -> dict[str, Fraction]:
        unit = self.election.tree.unit(*key)
        assert unit is not None
        listed = sum(self._unit_figures(key, x).values(), Fraction(0))
        moved = listed - Fraction(sum(unit.votes.values()), self.total)
        return {k: Fraction(v, self.total) + (moved if k in ("valid", "ballots_cast") else 0)
                for k, v in unit.totals.items()}

    def _threshold_roots(self) -> set[Fraction]:
        """Where a test's verdict may change; kept apart per district and for the nation
        (``_by_unit``, ``_national``), where the admitted lists of each district are looked for."""
        out: set[Fraction] = set()
        self._by_unit: dict[UnitKey, set[Fraction]] = {}
        self._national: set[Fraction] = set()
        for tier in self.chamber.tiers:
            for th in tier.thresholds:
                for test in th.tests:
                    if test.share is None or test.base is None:
                        continue
                    if test.scope is m.Scope.NATION:
                        found = self._national_threshold_roots(test)
                        self._national |= found
                        out |= found
                        continue
                    for u in self.units:
                        key = (u.level, u.name)
                        here = self._by_unit.setdefault(key, set())
                        for k in u.votes:
                            def g(v: dict[str, Fraction], t: Mapping[str, Fraction], k: str = k,
                                  test: m.Threshold = test) -> Fraction:
                                base = base_figure(test.base, sum(v.values(), Fraction(0)), t, _missing)  # type: ignore[arg-type]
                                return v[k] - test.share * base  # type: ignore[operator, no-any-return]
                            here |= line_roots([self._linear(key, g)])
                        # a list's votes equal another's there (ties, ranks)
                        here |= line_roots([self._linear(key, lambda v, t, k=k: v[self.abbr] - v[k])
                                            for k in u.votes if k != self.abbr and self.abbr in u.votes])
                        out |= here
        return out

    def _national_threshold_roots(self, test: m.Threshold) -> set[Fraction]:
        """The national figures are constant in units of the national list votes (those stay 1):
        a list's votes meet the share of the base where x (or 1 - x, for the others) is one number."""
        totals = {k: Fraction(v, self.total) for k, v in self.election.totals.items()}
        base = test.share * base_figure(test.base, Fraction(1), totals, _missing)  # type: ignore[arg-type, operator]
        out = line_roots([(1 - base, -base)])
        for e in self.election.lists:
            if e.abbr != self.abbr and e.votes:
                share = Fraction(e.votes, self.others)
                out |= line_roots([(-base, share - base)])
        return out

    def _admitted(self, probe: set[Fraction]) -> dict[UnitKey, set[frozenset[str]]]:
        """The lists admitted in each district at and between the probe shares: by the compiled
        path's tests where it covers the rules (each district probed at its own and the national
        roots), else by the interpreter at every probe."""
        from hemicycle.compiled import _Fallback
        from hemicycle.districted import plan_districts
        from hemicycle.interpreter import allocate

        plan = plan_districts(self.chamber, self.election)
        if plan is not None:
            try:
                return self._admitted_by_tests(plan)
            except _Fallback:  # a figure a test needs is missing: the interpreter names it
                pass

        pts = sorted(probe | {Fraction(0), Fraction(1)})
        probes = set(pts) | {(a + b) / 2 for a, b in pairwise(pts)}
        out: dict[UnitKey, set[frozenset[str]]] = {}
        for x in probes:
            result = allocate(self.chamber, self.election_at(x), explain=False)
            for u in result.districts:
                for tier in u.tiers:
                    out.setdefault((u.level, u.name), set()).add(frozenset(tier.admitted))
        return out

    def _admitted_by_tests(self, plan: Any) -> dict[UnitKey, set[frozenset[str]]]:
        """``_admitted`` by the plan's district and national tests and exemptions (as
        ``districted.unit_seats`` admits lists), on the exact figures at each probe."""
        from hemicycle.districted import passes

        place = plan.place
        exempt = plan.exempt
        totals = {k: Fraction(v, self.total) for k, v in self.election.totals.items()}
        shares = [Fraction(e.votes, self.others) for e in self.election.lists]
        out: dict[UnitKey, set[frozenset[str]]] = {}
        for u in self.units:
            key = (u.level, u.name)
            pts = sorted(self._by_unit.get(key, set()) | self._national | {Fraction(0), Fraction(1, 2), Fraction(1)})
            names = list(u.votes)
            order = [place[a] for a in names]
            for x in set(pts) | {(a + b) / 2 for a, b in pairwise(pts)}:
                votes = self._unit_figures(key, x)
                values = [votes[a] for a in names]
                ok = passes(plan.unit_tests, values, self._totals(key, x), order)
                if plan.national_tests:
                    national = [x if a == self.abbr else shares[i] * (1 - x) for i, a in enumerate(plan.abbrs)]
                    verdicts = passes(plan.national_tests, national, totals)
                    ok = [a and verdicts[order[k]] for k, a in enumerate(ok)]
                free = [exempt is not None and exempt[i] for i in order]
                out.setdefault(key, set()).add(frozenset(
                    a for k, a in enumerate(names) if values[k] > 0 and (ok[k] or free[k])))
        return out

    def _quotient_roots(self, admitted: dict[UnitKey, set[frozenset[str]]]) -> set[Fraction]:
        """Where the list's k-th quotient in a district meets the other lists' quotient of the
        rank that decides its k-th seat there (and the ranks beside it): the others all scale
        alike, so their order never changes."""
        out: set[Fraction] = set()
        tier = self.chamber.tiers[0]
        method = tier.method
        assert isinstance(method, m.Divisor)
        magnitudes = self._magnitudes()
        for u in self.units:
            if self.abbr not in u.votes or u.votes[self.abbr] == 0:
                continue
            key = (u.level, u.name)
            h = magnitudes.get(u.name, 0)
            ds = [method.divisor(k) for k in range(h + 1)]
            mine = Fraction(u.votes[self.abbr], self.mine)  # its votes there at x = 1
            for members in admitted.get(key, set()):
                quotients = sorted((Fraction(u.votes[k], self.others) / d for k in members
                                    if k != self.abbr and k in u.votes for d in ds if d is not None and d > 0),
                                   reverse=True)
                for k in range(1, h + 1):
                    d = ds[k - 1]
                    if d is None or d == 0:
                        continue
                    for rank in (h - k - 1, h - k, h - k + 1):
                        if 0 <= rank < len(quotients):
                            # mine * x / d = q * (1 - x)
                            out |= line_roots([(mine / d, -quotients[rank])])
        return out

    def _remainder_roots(self, admitted: dict[UnitKey, set[frozenset[str]]]) -> set[Fraction]:
        """Largest remainder in each district: with the quota A(x) / hq (A the admitted lists'
        votes there, hq the magnitude plus 0, 1 or 2 by the quota), the list's seats there are its
        integer part and a remainder seat when fewer than the seats left over have larger
        remainders (or one taken back). They change only where an integer part steps (any list's:
        the seats left over change) or where the list's remainder meets another's: its votes and
        the other's differ by mm quotas, mm the difference of their integer parts there. Every
        figure is linear in x, so each is one linear equation (the others' remainders crossing
        each other do not move the list's rank among them)."""
        out: set[Fraction] = set()
        method = self.chamber.tiers[0].method
        assert isinstance(method, m.LargestRemainder)
        extra = {m.QuotaKind.HARE: 0, m.QuotaKind.HAGENBACH_BISCHOFF: 1, m.QuotaKind.IMPERIALI: 2}[method.quota.kind]
        magnitudes = self._magnitudes()
        zero = Fraction(0)
        for u in self.units:
            if not u.votes.get(self.abbr):
                continue
            key = (u.level, u.name)
            hq = magnitudes.get(u.name, 0) + extra
            # each list's figure there as a line (value at x = 1, value at x = 0)
            lines = {k: (Fraction(v, self.mine), zero) if k == self.abbr else (zero, Fraction(v, self.others))
                     for k, v in u.votes.items() if v}
            for members in admitted.get(key, set()):
                if self.abbr not in members or hq <= 0:
                    continue  # not admitted there: no seat there in this regime
                here = [k for k in members if k in lines]
                t1 = sum((lines[k][0] for k in here), zero)
                t0 = sum((lines[k][1] for k in here), zero)
                out |= line_roots([(hq * lines[k][0] - n * t1, hq * lines[k][1] - n * t0)
                                   for k in here for n in range(hq + 2)])
                pl, ql = lines[self.abbr]
                for b in here:
                    if b == self.abbr:
                        continue
                    pb, qb = lines[b]
                    for mm in range(-hq - 1, hq + 2):
                        for x in line_roots([(hq * (pl - pb) - mm * t1, hq * (ql - qb) - mm * t0)]):
                            quota = (t1 * x + t0 * (1 - x)) / hq
                            parts = [(p * x + q * (1 - x)) // quota for p, q in (lines[self.abbr], lines[b])]
                            if abs(parts[0] - parts[1] - mm) <= 1:  # the remainders meet there
                                out.add(x)
        return out

    def _magnitudes(self) -> dict[str, int]:
        from hemicycle.interpreter import allocate

        result = allocate(self.chamber, self.election, explain=False)
        return {u.name: u.magnitude or 0 for u in result.districts}


def curve_covered(chamber: m.Chamber) -> None:
    """Raise ``WhatIfError`` (saying why) unless ``DistrictCurve`` computes the exact share curve
    under these rules (else ``curve_search`` finds it on whole votes)."""
    if len(chamber.levels) != 1:
        raise WhatIfError("a seat-vote curve in districts is computed for rules with one level of districts, not "
                          f"{len(chamber.levels)}")
    level = chamber.levels[0]
    if level.apportion is not None and level.apportion.base is not None:
        raise WhatIfError(f"the magnitudes of the {level.name}s are apportioned by {level.apportion.figure}, which "
                          "moves with the votes: a seat-vote curve in districts needs magnitudes that stay")
    for tier in chamber.tiers:
        if tier.level != level.name or tier.placement is not None or tier.level_placements or tier.seats_from \
                or tier.votes_from or tier.bonus is not None or tier.biproportional:
            raise WhatIfError(f"tier {tier.name!r} does not allocate in each {level.name} by itself: a seat-vote "
                              "curve in districts is computed for tiers that do")
        method = tier.method
        if isinstance(method, m.LargestRemainder):
            if method.quota.kind is m.QuotaKind.DROOP or method.quota.rounding is not m.Rounding.EXACT:
                raise WhatIfError(f"tier {tier.name!r}: the {method.quota.kind.value} quota is rounded, so its seats "
                                  "depend on the number of votes and not only on the shares")
        elif not isinstance(method, m.Divisor) or method.kind is m.DivisorKind.HUNTINGTON_HILL:
            raise WhatIfError(f"tier {tier.name!r}: a seat-vote curve in districts is computed for divisor methods "
                              "with rational divisors and for largest remainder")
        if not tier.scale_invariant:
            raise WhatIfError(f"tier {tier.name!r} uses an absolute threshold, so its seats depend on the number of "
                              "votes and not only on the shares")
        for th in tier.thresholds:
            for test in th.tests:
                if test.scope not in (m.Scope.UNIT, m.Scope.NATION) or test.share is None:
                    raise WhatIfError(f"tier {tier.name!r}: a seat-vote curve in districts is computed for share "
                                      "thresholds in the district or nationally")


def _missing(name: str, why: str) -> Fraction:
    raise WhatIfError(f"the threshold needs the '{name}' total ({why}), which the vote file lacks")


def line_roots(pairs: Iterable[tuple[Fraction, Fraction]]) -> set[Fraction]:
    """Roots in (0, 1) of P*x + Q*(1 - x) = 0 for each (P, Q): where a figure linear in a curve's
    share changes sign (the national curves in whatif.py and the district curves here)."""
    out: set[Fraction] = set()
    for p, q in pairs:
        if q != p:
            x = q / (q - p)
            if 0 < x < 1:
                out.add(x)
    return out


def _flat_election(election: Election, k: int, votes: Mapping[UnitKey, Mapping[str, int]]) -> Election:
    """``derive_units(_scaled_election(election, k), votes)`` for an election whose units all carry
    votes (one level), built at once."""
    import dataclasses

    units = []
    national = dict.fromkeys(election.abbrs, 0)
    moved = 0
    for u in election.units:
        row = votes[(u.level, u.name)]
        change = sum(row.values()) - k * sum(u.votes.values())
        moved += change
        for a, v in row.items():
            national[a] += v
        totals = {t: v * k + (change if t in ("valid", "ballots_cast") else 0) for t, v in u.totals.items()}
        units.append(dataclasses.replace(u, votes=dict(row), totals=totals))
    lists = tuple(dataclasses.replace(e, votes=national[e.abbr]) for e in election.lists)
    totals = {t: v * k + (moved if t in ("valid", "ballots_cast") else 0) for t, v in election.totals.items()}
    return dataclasses.replace(election, lists=lists, units=tuple(units), totals=totals)


def _scaled_election(election: Election, factor: Fraction) -> Election:
    """Every vote and total multiplied by ``factor`` (an integer here); the units' figures
    (population ...) are not votes and stay."""
    import dataclasses

    k = int(factor)
    assert k == factor
    if k == 1:
        return election
    units = tuple(dataclasses.replace(u, totals={t: v * k for t, v in u.totals.items()},
                                      votes={a: v * k for a, v in u.votes.items()}) for u in election.units)
    lists = tuple(dataclasses.replace(e, votes=e.votes * k) for e in election.lists)
    totals = {t: v * k for t, v in election.totals.items()}
    return dataclasses.replace(election, lists=lists, units=units, totals=totals)
