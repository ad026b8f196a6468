"""The magnitudes of a level's units (docs/language.md, 'districts'): fixed in the rules, given in
the vote file, or apportioned by a figure of each unit with any method of the language, after
fixed seats and a minimum per unit. The apportionment runs the same method steps as a tier, the
units standing in for lists."""

from __future__ import annotations

import difflib
from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import Election, Unit
from hemicycle.interpreter.divisors import divisor_method
from hemicycle.interpreter.errors import AllocationError, MissingFigure
from hemicycle.interpreter.figures import base_of
from hemicycle.interpreter.largest_remainder import largest_remainder
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Lazy, Recorder
from hemicycle.interpreter.results import LevelResult, Tie
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import unit_views


def level_magnitudes(level: m.Level, election: Election, ties: list[Tie], notes: list[str],
                     explain: bool) -> LevelResult:
    """The seats of each unit of ``level``; every figure the vote file gives is checked against them."""
    units = election.units_of(level.name)
    if not units:
        raise MissingFigure(f"the rules allocate in the units of level {level.name!r}, but the vote file gives "
                            "none (its \"districts\", each with its \"level\")", level)
    rec = Recorder(explain)
    by_name = {u.name: u for u in units}
    fixed: dict[str, int] = {}
    for f in level.fixed:
        if f.unit not in by_name:
            close = difflib.get_close_matches(f.unit, list(by_name), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise AllocationError(f"the rules fix the seats of {f.unit!r}, but the vote file has no unit of level "
                                  f"{level.name!r} of that name{hint}", f)
        fixed[f.unit] = f.seats
    if fixed:
        rec.say("Fixed: {}", ", ".join(f"{name} {n}" for name, n in fixed.items()), clause=level.fixed[0])
    if level.apportion is None:
        out = _from_vote_file(level, units, fixed, rec)
    else:
        out = _apportioned(level, level.apportion, election, units, fixed, ties, notes, rec)
    for u in units:
        if u.seats is not None and u.seats != out[u.name]:
            raise AllocationError(f"{u.name}: the vote file gives a magnitude of {u.seats}, but the rules give "
                                  f"{out[u.name]}", level.apportion or level)
    total = sum(out.values())
    if total != level.seats:
        raise AllocationError(f"the magnitudes of the units add up to {total}, but the rules give the level "
                              f"{level.seats} seats", level)
    return LevelResult(name=level.name, seats=level.seats, magnitudes=out, label=level.label, log=rec.entries)


def _from_vote_file(level: m.Level, units: tuple[Unit, ...], fixed: dict[str, int], rec: Recorder) -> dict[str, int]:
    out: dict[str, int] = {}
    for u in units:
        if u.name in fixed:
            out[u.name] = fixed[u.name]
        elif u.seats is None:
            raise MissingFigure(f"{u.name}: the vote file gives no magnitude (\"seats\"), and the rules neither fix "
                                "nor apportion it", level)
        else:
            out[u.name] = u.seats
    if len(fixed) < len(units):
        rec.say("Magnitudes as the vote file gives them: {}", ", ".join(f"{k} {v}" for k, v in out.items()
                                                                        if k not in fixed), clause=level)
    return out


def _figure(apportion: m.Apportion, unit: Unit, election: Election, notes: list[str]) -> int:
    if apportion.base is not None:
        return base_of(apportion.base, unit_views(election, [unit])[0], apportion, notes)
    value = unit.figures.get(apportion.figure)
    if value is None:
        raise MissingFigure(f"the seats are apportioned by {apportion.figure}, but the vote file gives no "
                            f"{apportion.figure} for {unit.name} (its \"figures\")", apportion)
    return value


def _apportioned(level: m.Level, apportion: m.Apportion, election: Election, units: tuple[Unit, ...],
                 fixed: dict[str, int], ties: list[Tie], notes: list[str], rec: Recorder) -> dict[str, int]:
    pool = [u for u in units if u.name not in fixed]
    minimum = level.minimum.seats if level.minimum is not None else 0
    rest = level.seats - sum(fixed.values()) - minimum * len(pool)
    if rest < 0:
        raise AllocationError(f"{level.seats} seats are too few for the fixed seats ({sum(fixed.values())}) and "
                              f"{minimum} for each of the other {len(pool)} units", level.minimum or level)
    if minimum:
        rec.say("Minimum: {} seat(s) for each of the other {} units ({} in all)", minimum, len(pool),
                minimum * len(pool), clause=level.minimum)
    if apportion.base is None:  # a figure of each unit (the commonest: population)
        got = [u.figures.get(apportion.figure) for u in pool]
        figures = [_figure(apportion, u, election, notes) if f is None else f for u, f in zip(pool, got, strict=True)]
    else:
        figures = [_figure(apportion, u, election, notes) for u in pool]
    names = [u.name for u in pool]
    rec.say("{} seat(s) apportioned by {} among {} units", rest, apportion.figure, len(pool), clause=apportion)
    entries = _entries(election, level.name, pool)
    tb = TieBreaker(level, entries, ties, figures)  # type: ignore[arg-type]
    outcome = _apportion_seats(apportion.method, figures, rest, minimum, tb, names, rec.on, apportion.figure)
    rec.entries.extend(outcome.steps)
    out = {u.name: fixed[u.name] for u in units if u.name in fixed}
    for k, u in enumerate(pool):
        out[u.name] = outcome.seats[k]
    ordered = {u.name: out[u.name] for u in units}
    rec.say("Magnitudes: {}", Lazy(_listed, ordered))
    return ordered


def _listed(magnitudes: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in magnitudes.items())


def _entries(election: Election, level: str, pool: list[Unit]) -> list[_Unit]:
    """The units of ``pool`` as the tie breaker sees them, made once per election and pool."""
    key = ("apportioned units", level, tuple(u.name for u in pool))
    found = election.derived.get(key)
    if found is None:
        found = election.derived[key] = [_Unit(u.name, k + 1) for k, u in enumerate(pool)]
    return found  # type: ignore[no-any-return]


class _Unit:
    """A unit as the tie breaker sees it (its name, its place in the vote file)."""

    __slots__ = ("abbr", "ballot_order", "registration_order")

    def __init__(self, name: str, order: int) -> None:
        self.abbr, self.registration_order, self.ballot_order = name, order, None


def _apportion_seats(method: m.Method, figures: list[int], rest: int, minimum: int, tb: TieBreaker,
                     names: list[str], explain: bool, figure: str) -> MethodOutcome:
    """``rest`` seats by ``method`` on ``figures``, every unit holding ``minimum`` first; the seats
    returned include the minimum."""
    n = len(figures)
    pool = list(range(n))
    if rest == 0:
        return MethodOutcome([minimum] * n)
    if isinstance(method, m.LargestRemainder):
        outcome = largest_remainder(method, figures, None, pool, rest, tb, names, explain, counted=f"of {figure}")
        outcome.seats = [s + minimum for s in outcome.seats]
        return outcome
    if all(method.squared(k) == 0 for k in range(minimum)):
        # the method's own first divisors are zero (Huntington-Hill, Adams: 1 seat): it gives the
        # minimum by itself to every unit with a figure
        eligible = [i for i in pool if figures[i] > 0]
        outcome = divisor_method(method, figures, None, eligible, rest + minimum * len(eligible), tb, names, explain)
        outcome.seats = [s if figures[i] > 0 else minimum for i, s in enumerate(outcome.seats)]
        return outcome
    shifted = _continued(method, minimum)
    outcome = divisor_method(shifted, figures, None, pool, rest, tb, names, explain)
    outcome.seats = [s + minimum for s in outcome.seats]
    return outcome


def _continued(method: m.Divisor, minimum: int) -> m.Divisor:
    """The divisor method continued from ``minimum`` seats: d'(k) = d(minimum + k)."""
    if method.kind is m.DivisorKind.HUNTINGTON_HILL:
        raise AllocationError(f"a minimum of {minimum} seats with huntington_hill is not supported (its divisors "
                              "beyond the first seat are not rational)", method)
    first = method.divisor(minimum)
    if first is None:
        raise AllocationError(f"the divisor sequence has no divisor for a unit's seat {minimum + 1}", method)
    if method.kind is m.DivisorKind.SEQUENCE and method.step is None:
        return m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=method.sequence[minimum:], span=method.span,
                         citation=method.citation)
    second = method.divisor(minimum + 1)
    assert second is not None
    step: Fraction = second - first
    for k in range(minimum + 2, minimum + 6):  # linear from the minimum on, as every rational kind is
        d = method.divisor(k)
        if d != first + step * (k - minimum):
            raise AllocationError("this divisor sequence cannot be continued after a minimum", method)
    return m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=(first,), step=step, span=method.span,
                     citation=method.citation)
