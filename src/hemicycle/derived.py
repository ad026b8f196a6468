"""Derived elections: an election with other votes and totals, every other figure of it kept.

Swings, seat margins, seat-vote curves and simulations (``hemicycle.whatif``,
``hemicycle.uncertainty``) all ask "what seats would these other votes give?" of one election.
They build the other election in one way, ``derive``, which changes the lists' votes and the
totals and keeps everything else as the original has it: agreements, district seats,
combinations, regions and regional votes, tags, list sizes, ballot and registration order,
substitutes, reported outcomes, and whatever an ``Election`` or a ``ListEntry`` holds besides
(``dataclasses.replace``: a field added later is kept too). A derivation that changes nothing
gives back an equal election, so it allocates the same seats.

Two figures are shares of the votes, not independent figures, and follow them: a list's
``reported_shares`` (published shares of a base the file lacks) are multiplied by the change of
the list's votes and divided by ``scale``, the change of the electorate the base grows with (1 for
a swing: the registered voters stay; the change of the list votes for a curve or a simulation,
which keep every total in proportion to the votes). Regional votes are kept as they are: a
derivation moves national votes.

With districts (a tree of units whose finest level carries the votes), ``derive_units`` changes the
votes of lists in the units that carry them and keeps every figure consistent: a list stands
only where it stood; each unit's ``valid`` and ``ballots_cast`` (the totals the list votes are
part of) move by the change of its list votes, and so do those of every unit containing it and the
nation's; units above that carry votes carry the new sums; a list's national votes are the sums.
Other totals (invalid, blank, registered ...), figures, magnitudes and candidates are kept.

``Seats`` allocates derived elections of one election under one rule model, by the fastest path
that is exact for it: the compiled (or batch) path when the rules need nothing but vote counts
and totals and the election holds nothing else that could matter; the interpreter otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.election import Election, ListEntry, Unit

__all__ = ["Seats", "WhatIfError", "derive", "derive_units", "national_view", "parse_swing", "round_keep_total",
           "units_matter", "vote_units"]

UnitKey = tuple[str, str]  # (level, name)
# The totals the list votes are part of: they move by the change of the list votes.
MOVING = ("valid", "ballots_cast")


class WhatIfError(Exception):
    """A what-if question these rules or votes cannot answer exactly (the message says why)."""


def parse_swing(text: str) -> tuple[str, Fraction, bool, str | None]:
    """``ABBR=+2%`` (percentage points of the list votes) or ``ABBR=-5000`` (votes), optionally
    ``@NAME`` after it: in the unit called NAME only. (abbr, amount, percent?, unit name or None)."""
    left, sep, amount = text.rpartition("=")
    amount, at, where = amount.partition("@")
    amount, abbr = amount.strip(), left.strip()
    if not sep or not abbr or not amount or amount[0] not in "+-" or (at and not where.strip()):
        raise WhatIfError(f"swing {text!r}: write ABBR=+2% or ABBR=-5000 (and @DISTRICT for one district)")
    percent = amount.endswith("%")
    try:
        value = Fraction(amount.rstrip("%"))
    except (ValueError, ZeroDivisionError):
        raise WhatIfError(f"swing {text!r}: {amount!r} is not a number") from None
    if not percent and value.denominator != 1:
        raise WhatIfError(f"swing {text!r}: votes must be whole")
    return abbr, value, percent, where.strip() if at else None


def round_keep_total(exact: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers for ``exact`` (which add up to ``total``): floors, then one more for the
    largest remainders (the first in order among equal ones) until they add up to ``total``."""
    floors = [x.numerator // x.denominator for x in exact]
    left = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def derive(election: Election, votes: Sequence[int], totals: Mapping[str, int] | None = None, *,
           name: str | None = None, scale: Fraction = Fraction(1)) -> Election:
    """``election`` with these votes (one per list, in its order) and totals (default: its own),
    every other figure kept (see the module docstring)."""
    if len(votes) != len(election.lists):
        raise ValueError(f"{len(votes)} vote figures for {len(election.lists)} lists")
    lists = tuple(
        dataclasses.replace(e, votes=int(v), reported_shares=_follow(e, int(v), scale))
        if int(v) != e.votes or scale != 1 else e
        for e, v in zip(election.lists, votes, strict=True)
    )
    return dataclasses.replace(
        election, lists=lists, totals=dict(election.totals if totals is None else totals),
        name=election.name if name is None else name,
    )


def vote_units(election: Election) -> tuple[Unit, ...]:
    """The units that carry the list votes at the finest level (no unit below them carries any),
    in file order: the units a derivation changes votes in."""
    tree = election.tree
    above: set[UnitKey] = set()
    for u in election.units:
        if u.votes:
            above.update((a.level, a.name) for a in tree.ancestors(u))
    return tuple(u for u in election.units if u.votes and (u.level, u.name) not in above)


def units_matter(chamber: m.Chamber) -> bool:
    """True when the rules read the units of the vote file (they allocate in them, declare a level,
    or test a threshold in every or some unit); False: only the national figures count."""
    if chamber.levels or any(t.in_units for t in chamber.tiers):
        return True
    return any(th.scope in (m.Scope.EVERY, m.Scope.AT_LEAST) or any(
        alt.scope in (m.Scope.EVERY, m.Scope.AT_LEAST) for alt in th.alternatives)
        for t in chamber.tiers for th in t.thresholds)


def national_view(election: Election) -> Election:
    """The election without its units: the same seats under rules the units do not matter to
    (``units_matter``), and the national what-ifs' fast paths."""
    return dataclasses.replace(election, units=()) if election.units else election


def derive_units(election: Election, unit_votes: Mapping[UnitKey, Mapping[str, int]], *,
                 name: str | None = None, notes: Sequence[str] = ()) -> Election:
    """``election`` with these votes in these units ((level, name) -> {abbr: votes}; units of
    ``vote_units``), every figure kept consistent (see the module docstring); ``notes`` are added
    to the election's."""
    tree = election.tree
    finest = {(u.level, u.name) for u in vote_units(election)}
    change: dict[UnitKey, dict[str, int]] = {}  # unit -> abbr -> change of its votes there (and above)
    moved: dict[UnitKey, int] = {}  # unit -> change of its list votes
    national: dict[str, int] = {}
    for key, votes in unit_votes.items():
        unit = tree.unit(*key)
        if unit is None or key not in finest:
            raise ValueError(f"{key[0]} {key[1]!r} is not a unit that carries the votes of the lists")
        if set(votes) != set(unit.votes):
            raise ValueError(f"{key[0]} {key[1]!r}: the same lists stand there, not {sorted(votes)}")
        diff = {a: int(v) - unit.votes[a] for a, v in votes.items() if int(v) != unit.votes[a]}
        if not diff:
            continue
        for place in [unit, *tree.ancestors(unit)]:
            at = change.setdefault((place.level, place.name), {})
            for a, d in diff.items():
                at[a] = at.get(a, 0) + d
            moved[(place.level, place.name)] = moved.get((place.level, place.name), 0) + sum(diff.values())
        for a, d in diff.items():
            national[a] = national.get(a, 0) + d
    units = tuple(_moved_unit(u, change.get((u.level, u.name)), moved.get((u.level, u.name), 0))
                  for u in election.units)
    lists = tuple(dataclasses.replace(e, votes=e.votes + national[e.abbr],
                                      reported_shares=_follow(e, e.votes + national[e.abbr], Fraction(1)))
                  if national.get(e.abbr) else e for e in election.lists)
    return dataclasses.replace(
        election, lists=lists, units=units, totals=_moved_totals(election.totals, sum(national.values())),
        name=election.name if name is None else name, notes=(*election.notes, *notes))


def _moved_unit(unit: Unit, change: Mapping[str, int] | None, moved: int) -> Unit:
    if not change:
        return unit
    votes = {a: v + change.get(a, 0) for a, v in unit.votes.items()} if unit.votes else unit.votes
    return dataclasses.replace(unit, votes=votes, totals=_moved_totals(unit.totals, moved))


def _moved_totals(totals: Mapping[str, int], moved: int) -> dict[str, int]:
    out = dict(totals)
    for key in MOVING:
        if key in out:
            if out[key] + moved < 0:
                raise ValueError(f"the {key} total would be negative")
            out[key] += moved
    return out


def _follow(entry: ListEntry, votes: int, scale: Fraction) -> Mapping[str, Fraction]:
    if not entry.reported_shares or entry.votes == 0:
        return entry.reported_shares
    ratio = Fraction(votes, entry.votes) / scale
    return {base: share * ratio for base, share in entry.reported_shares.items()}


def _plain(election: Election) -> bool:
    """True when the election holds nothing but votes, totals, names and orders (every other field
    at its default), so that the compiled path, which sees only votes and totals, is exact. A list's
    colour and position are for pictures only (``hemicycle.palette``), never for seats."""
    keep_list = {"abbr", "votes", "name", "registration_order", "ballot_order", "color", "position"}
    keep_election = {"lists", "totals", "name", "source", "notes"}
    return (all(_default(e, keep_list) for e in election.lists) and _default(election, keep_election))


def _default(obj: Any, keep: set[str]) -> bool:
    for f in dataclasses.fields(obj):
        if f.name in keep:
            continue
        value = getattr(obj, f.name)
        if f.default is not dataclasses.MISSING:
            if value != f.default:
                return False
        elif f.default_factory is not dataclasses.MISSING:
            if value != f.default_factory():
                return False
        else:
            return False
    return True


class _Lots:
    """The interpreter's draw of lots for the districts ``Seats.units_with`` allocates again: one
    draw (the tier's seed) going on from district to district in the vote file's order, made on the
    first lot. Only the districts allocated again can hold a tie the chain leaves to the lot (the
    election itself was allocated by the compiled steps, which draw no lot), so theirs are the draws.
    None for a chain without a lot (the compiled steps then hand the tie to the interpreter)."""

    def __init__(self, plan: Any) -> None:
        self.plan = plan
        ties = plan.tier.ties
        self.on = ties is not None and m.TieCriterion.LOT in ties.criteria
        self.breaker: Any = None

    def draw(self, order: Sequence[int], votes: Sequence[int], district: str
             ) -> Callable[[list[int], int], list[int]] | None:
        if not self.on:
            return None

        def lot(tied: list[int], places: int) -> list[int]:
            from hemicycle.interpreter.ties import TieBreaker

            entries = [self.plan.template.lists[i] for i in order]
            if self.breaker is None:
                self.breaker = TieBreaker(self.plan.tier, (), [], ())
            self.breaker.rebind(entries, votes, district)
            return self.breaker.favour(tied, places, "the cut", "a tie")  # type: ignore[no-any-return]
        return lot


class Seats:
    """The seats of the lists (tiers summed, in the election's order; appointed seats apart) for
    derived elections of ``election`` under ``chamber`` (see the module docstring)."""

    def __init__(self, chamber: m.Chamber, election: Election) -> None:
        from hemicycle.compiled import compile_rules, votes_decide

        self.chamber = chamber
        self.election = election
        n = len(election.lists)
        # the compiled path takes the lists in registration order
        self.order = sorted(range(n), key=lambda i: election.lists[i].registration_order)
        self.back = [0] * n
        for k, i in enumerate(self.order):
            self.back[i] = k
        self.fast = votes_decide(chamber) and _plain(election)
        self.function = compile_rules(chamber) if self.fast else None
        self._districted: Any = None  # the compiled path for districted rules, made when first asked

    def units_with(self, changes: Mapping[UnitKey, Mapping[str, int]]) -> tuple[tuple[int, ...],
                                                                            dict[UnitKey, dict[str, int]]]:
        """The seats (as ``units``) of ``derive_units(election, changes)``. Where the compiled path
        for districted rules covers the rules, only the changed districts are allocated again (the
        others keep their seats unless the national tests' verdicts change, and then every one is
        allocated again): each district's seats depend on nothing else. The election itself is
        built only when the interpreter must decide."""
        fast = self._unit_plan()
        if fast is not None:
            from hemicycle.compiled import _Fallback
            from hemicycle.interpreter.ties import TieError

            try:
                return self._units_fast(fast, changes)
            except (_Fallback, TieError):
                pass
        return self.units(derive_units(self.election, changes))

    def _unit_plan(self) -> Any:
        if not hasattr(self, "_plan"):
            from hemicycle.compiled import _Fallback
            from hemicycle.districted import district_seats, magnitudes_for, passes, plan_districts

            self._plan: Any = None
            plan = plan_districts(self.chamber, self.election) if self.election.units else None
            magnitudes = magnitudes_for(plan, self.election) if plan is not None else None
            if plan is not None and magnitudes is not None:
                try:
                    base = district_seats(plan, self.election)
                    nationally = (passes(plan.national_tests, [e.votes for e in self.election.lists],
                                         self.election.totals) if plan.national_tests else None)
                    self._plan = (plan, dict(zip(plan.units, magnitudes, strict=True)), base, nationally)
                    self._list_votes = [e.votes for e in self.election.lists]
                    self._base_national = [0] * len(self.election.lists)
                    for won in base.values():
                        for a, n in won.items():
                            self._base_national[plan.place[a]] += n
                except _Fallback:
                    pass
        return self._plan

    def _units_fast(self, fast: Any, changes: Mapping[UnitKey, Mapping[str, int]]
                    ) -> tuple[tuple[int, ...], dict[UnitKey, dict[str, int]]]:
        from hemicycle.districted import passes, unit_seats

        plan, magnitudes, base, nationally = fast
        level = plan.level.name
        tree = self.election.tree
        national = list(self._list_votes)
        moved = 0
        new_units: dict[str, tuple[dict[str, int], dict[str, int]]] = {}  # name -> votes, totals
        for (lv, name), votes in changes.items():
            unit = tree.unit(lv, name)
            if lv != level or unit is None or set(votes) != set(unit.votes) or any(v < 0 for v in votes.values()):
                return self.units(derive_units(self.election, changes))  # derive_units names the fault
            diff = sum(int(votes[a]) - unit.votes[a] for a in unit.votes)
            for a, v in unit.votes.items():
                national[plan.place[a]] += int(votes[a]) - v
            moved += diff
            new_units[name] = ({a: int(votes[a]) for a in unit.votes}, _moved_totals(unit.totals, diff))
        verdicts = nationally
        if plan.national_tests:
            verdicts = passes(plan.national_tests, national, _moved_totals(self.election.totals, moved))
        again = ([u.name for u in tree.by_level[level]] if verdicts != nationally or len(new_units) > 1
                 else list(new_units))  # in the vote file's order: a lot is drawn district after district
        seats = {}
        lots = _Lots(plan)
        for name in again:
            if name in new_units:
                unit_votes, unit_totals = new_units[name]
            elif verdicts == nationally:
                continue  # an unchanged district under the same verdicts keeps its seats
            else:
                u = tree.unit(level, name)
                assert u is not None
                unit_votes, unit_totals = dict(u.votes), dict(u.totals)
            names = list(unit_votes)
            order = [plan.place[a] for a in names]
            values = list(unit_votes.values())
            got = unit_seats(plan, values, order, unit_totals, magnitudes[name], verdicts,
                             lot=lots.draw(order, values, name))
            seats[name] = {names[k]: n for k, n in sorted(got.items()) if n}
        out = list(self._base_national)
        for name, won in seats.items():
            for a, n in base[name].items():
                out[plan.place[a]] -= n
            for a, n in won.items():
                out[plan.place[a]] += n
        return tuple(out), {(level, name): seats.get(name, won) for name, won in base.items()}

    def units(self, derived: Election) -> tuple[tuple[int, ...], dict[UnitKey, dict[str, int]]]:
        """The seats for ``derived`` (an election ``derive_units`` made of ``election``): of the
        lists nationally, in the election's order, and in each unit the rules allocate in
        ((level, name) -> {abbr: seats}, the lists that win any there). The compiled path for
        districted rules where it covers them (``hemicycle.districted``; it hands what it cannot
        decide to the interpreter), the interpreter otherwise."""
        if self._districted is None:
            from hemicycle.districted import compile_districts

            made = compile_districts(self.chamber, self.election) if self.election.units else None
            self._districted = made or False
        if self._districted:
            level = self.chamber.levels[0].name
            by_name = self._districted(derived)
            national = [0] * len(derived.lists)
            place = {e.abbr: i for i, e in enumerate(derived.lists)}
            for seats in by_name.values():
                for a, n in seats.items():
                    national[place[a]] += n
            return tuple(national), {(level, name): dict(seats) for name, seats in by_name.items()}
        from hemicycle.interpreter import allocate

        result = allocate(self.chamber, derived, explain=False)
        return (tuple(result.seats[e.abbr] for e in derived.lists),
                {(u.level, u.name): {a: n for a, n in u.seats.items() if n} for u in result.districts})

    def __call__(self, votes: Sequence[int], totals: Mapping[str, int], *,
                 scale: Fraction = Fraction(1)) -> tuple[int, ...]:
        if self.function is not None:
            figures = dict(totals)
            invalid = figures.pop("invalid", 0)
            seats = self.function([int(votes[i]) for i in self.order], invalid, **figures)
            return tuple(seats[self.back[i]] for i in range(len(votes)))
        from hemicycle.interpreter import allocate

        result = allocate(self.chamber, derive(self.election, votes, totals, scale=scale), explain=False)
        return tuple(result.seats[e.abbr] for e in self.election.lists)

    def batch(self, votes: Any, totals: Mapping[str, Any]) -> Any:
        """Seats for each row of ``votes`` (elections x lists, the election's order); ``totals``
        one figure or one per row. The batch path where it is exact, else one row at a time."""
        rows = np.asarray(votes)
        if self.fast:
            from hemicycle.batch import allocate_batch

            figures = dict(totals)
            invalid = figures.pop("invalid", None)
            seats = allocate_batch(self.chamber, rows[:, self.order], invalid=invalid, **figures)
            return np.asarray(seats)[:, self.back]
        base = self.election.list_votes
        out = np.zeros(rows.shape, dtype=np.int64)
        for j, row in enumerate(rows):
            figures = {k: int(np.asarray(v).reshape(-1)[j] if np.ndim(v) else v) for k, v in totals.items()}
            scale = Fraction(int(row.sum()), base) if base else Fraction(1)
            out[j] = self(row.tolist(), figures, scale=scale or Fraction(1))
        return out
