"""Verifying chambers with districts, levels or a majority bonus: choosing the properties, calling
their deciders (verify/district_properties.py, level_properties.py, apportionment.py, all on the
one loop of verify/solving.py) and making each verdict a ``PropertyResult`` (verify/verdict_results.py)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from hemicycle.model import Chamber
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.errors import PropertyError, UnsupportedClause
from hemicycle.verify.results import NO_RESULT, CounterElection, PropertyResult, bounds
from hemicycle.verify.verdict_results import ResultShape, district_counterexample, verdict_result

Progress = Callable[[int, int, str], None] | None


def verify_districted(
    chamber: Chamber, properties: list[str] | None, *, parties: int, max_votes: int | None,
    timeout: float, progress: Progress, districts: int | None = None, user: list[Any] | None = None,
    sizes: dict[str, int | None] | None = None,
) -> list[PropertyResult]:
    """The district properties (verify/district_properties.py, verify/apportionment.py) on the
    encoded district family; any other clause about districts is refused with its line. Without
    ``properties``: the ``user`` properties (of a .props file) if any, else the apportionment
    properties when the level apportions its magnitudes, else the vote properties."""
    from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE
    from hemicycle.verify.district_properties import DISTRICT_CATALOGUE, decide
    from hemicycle.verify.districts import district_system

    vote_props = {**DISTRICT_CATALOGUE, **{p.name: p for p in user or []}}
    known = [*vote_props, *APPORTIONMENT_CATALOGUE]
    apportioned = len(chamber.levels) == 1 and chamber.levels[0].apportion is not None \
        and chamber.levels[0].apportion.base is None  # by the votes themselves: the vote properties
    default = [p.name for p in user] if user else list(APPORTIONMENT_CATALOGUE if apportioned else DISTRICT_CATALOGUE)
    names = default if properties is None else properties
    for name in names:
        if name not in known:
            district_system(chamber, districts or 3, **(sizes or {}))  # a clause it does not encode is named first
            raise PropertyError(f"{name!r} is not a property of districted chambers yet; known: "
                                + ", ".join(known))
    system = None
    if any(name in vote_props for name in names):
        system = district_system(chamber, districts or 3, **(sizes or {}))
    results = []
    for k, name in enumerate(names):
        if progress is not None:
            progress(k, len(names), name)
        if name in APPORTIONMENT_CATALOGUE:
            results.append(_verify_apportionment(chamber, name, parties, timeout, districts,
                                                 (sizes or {}).get("seats")))
            continue
        assert system is not None
        prop = vote_props[name]
        real = system.real and max_votes is None
        shape = ResultShape(system.tier.name, "rational" if real else "integer",
                            bounds(parties, real, max_votes) + f", {len(system.names)} districts of "
                            + system.magnitude_text,
                            lambda o, s=system: district_counterexample(s, o), lambda o: o.trace, [NO_RESULT])
        results.append(verdict_result(name, prop, parties, shape, lambda s=system, p=prop: decide(
            s, p, parties, timeout=timeout, max_votes=max_votes)))
    if progress is not None:
        progress(len(names), len(names), "")
    return results


def _verify_levels(
    chamber: Chamber, properties: list[str] | None, *, parties: int, max_votes: int | None, timeout: float,
    progress: Progress, seats: int | None, units: int,
) -> list[PropertyResult]:
    """The level properties (verify/level_properties.py) on the encoded levels family
    (verify/levels.py); any other clause is refused with its line."""
    from hemicycle.verify.level_properties import LEVEL_ALIASES, LEVEL_CATALOGUE, decide
    from hemicycle.verify.levels import level_system, reduce

    system = level_system(reduce(chamber, seats) if seats is not None else chamber, units=units)
    wanted: list[tuple[str, int]] = []
    for name in (["negative-vote-weight", "house-size"] if properties is None else properties):
        base, _, k = name.partition(":")
        base = LEVEL_ALIASES.get(base, base)
        if base not in LEVEL_CATALOGUE or (k and (base != "house-size" or not k.isdigit())):
            raise PropertyError(f"{name!r} is not a property of chambers with levels; known: "
                                + ", ".join([*LEVEL_CATALOGUE, *LEVEL_ALIASES]) + " (house-size:K for at most K more)")
        wanted.append((name, int(k) if k else 0))
    results = []
    shape = ResultShape(system.upper.name, "rational" if max_votes is None else "integer",
                        bounds(parties, max_votes is None, max_votes) + ", " + system.shape,
                        lambda o: _level_counter(system, o), lambda o: o.trace, [NO_RESULT])
    for j, (name, k) in enumerate(wanted):
        if progress is not None:
            progress(j, len(wanted), name)
        prop = LEVEL_CATALOGUE[LEVEL_ALIASES.get(name.partition(":")[0], name.partition(":")[0])]
        results.append(verdict_result(name, prop, parties, shape, lambda p=prop, k=k: decide(
            system, p, parties, timeout=timeout, max_votes=max_votes, k_extra=k)))
    if progress is not None:
        progress(len(wanted), len(wanted), "")
    return results


def levels_or_bonus(
    chamber: Chamber, properties: list[str] | None, *, parties: int, max_votes: int | None, timeout: float,
    progress: Progress, seats: int | None, units: int, property_file: Path | None,
) -> list[PropertyResult] | None:
    """The results for a chamber with levels (or ``bonus-majority`` on a bonus), else None."""
    from hemicycle.verify.bonus import has_bonus
    from hemicycle.verify.levels import is_levels

    if has_bonus(chamber) and properties and all(p.partition(":")[0] == "bonus-majority" for p in properties):
        return _verify_bonus(chamber, properties, parties=parties, max_votes=max_votes, timeout=timeout)
    if is_levels(chamber):
        if property_file is not None:
            raise PropertyError("property files about levels are not supported yet")
        return _verify_levels(chamber, properties, parties=parties, max_votes=max_votes, timeout=timeout,
                              progress=progress, seats=seats, units=units)
    if seats is not None and not chamber.levels:
        raise PropertyError("--seats applies to chambers with levels or districts")
    return None


def _share(name: str) -> Fraction | None:
    """The share of ``bonus-majority:SHARE`` (40%, 0.4 or 2/5), None without one."""
    _, _, text = name.partition(":")
    try:
        at_least = (Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)) if text else None
    except (ValueError, ZeroDivisionError):
        raise PropertyError(f"{name!r}: bonus-majority:SHARE needs a share such as 40%") from None
    if at_least is not None and not 0 <= at_least <= 1:
        raise PropertyError(f"{name!r}: the share must be between 0% and 100%")
    return at_least


def _verify_bonus(chamber: Chamber, properties: list[str], *, parties: int, max_votes: int | None,
                  timeout: float) -> list[PropertyResult]:
    """bonus-majority[:SHARE] (verify/bonus.py, level_properties.decide_bonus)."""
    from hemicycle.verify.bonus import bonus_system
    from hemicycle.verify.level_properties import BONUS_MAJORITY, decide_bonus

    system = bonus_system(chamber)
    abbrs = [f"L{p + 1}" for p in range(parties)]

    def counter(found: tuple[list[int], list[int], str]) -> CounterElection:
        votes, seats, _ = found
        return CounterElection(votes=dict(zip(abbrs, votes, strict=True)), totals=totals_for(votes),
                               seats=dict(zip(abbrs, seats, strict=True)), house=system.tier.seats)

    shape = ResultShape(system.tier.name, "rational" if max_votes is None else "integer",
                        bounds(parties, max_votes is None, max_votes) + f", {system.tier.seats} seats",
                        counter, lambda found: found[2])
    results = []
    for name in properties:
        at_least = _share(name)
        results.append(verdict_result(name, BONUS_MAJORITY, parties, shape, lambda a=at_least: decide_bonus(
            system, parties, at_least=a, timeout=timeout, max_votes=max_votes)))
    return results


def _level_counter(system: Any, o: Any) -> CounterElection:
    n = len(o.national)
    abbrs = [f"L{i + 1}" for i in range(n)]
    units = [{"district": name, "seats": sum(row), "votes": dict(zip(abbrs, votes, strict=True)),
              "totals": totals_for(votes, **(o.case.extras or {})), "won": dict(zip(abbrs, won, strict=True)),
              "allocated": dict(zip(abbrs, row, strict=True))}
             for name, votes, won, row in zip(system.unit_names, o.case.votes,
                                              o.case.won or [[0] * n] * len(o.case.votes),  # districted: no winners
                                              o.districts or o.seats, strict=True)]
    return CounterElection(votes=dict(zip(abbrs, o.national_votes, strict=True)),
                           totals=totals_for(o.national_votes, **(o.case.extras or {})),
                           seats=dict(zip(abbrs, o.national, strict=True)), house=o.total, districts=units)


def _verify_apportionment(chamber: Chamber, name: str, parties: int, timeout: float,
                          districts: int | None, seats: int | None = None) -> PropertyResult:
    """An apportionment property (verify/apportionment.py) of the chamber's one level (at
    ``seats`` seats, its fixed seats and minimum kept, when given)."""
    from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE, DEFAULT_UNITS, apportioned, decide
    from hemicycle.verify.districts import at_seats

    if len(chamber.levels) != 1:
        lv = chamber.levels[1]
        raise UnsupportedClause(lv, lv.label, "one level of districts is encoded, not several")
    if seats is not None:
        chamber = at_seats(chamber, seats)
    app = apportioned(chamber.levels[0], DEFAULT_UNITS if districts is None else districts)
    prop = APPORTIONMENT_CATALOGUE[name]
    fixed = "".join(f", {u} fixed at {s}" for u, s in app.fixed)
    figures = " (rational)" if app.real else " (integers)"
    shape = ResultShape(app.level.label, "rational" if app.real else "integer",
                        f"{len(app.pool)} apportioned units ({', '.join(app.pool)}) of {app.level.seats} seats, "
                        f"minimum {app.minimum}{fixed}, any positive figures{figures}",
                        lambda r: _apportionment_counter(app, r), lambda r: f"{r.seats} seats:\n{r.trace}",
                        ["figures on which an apportionment has no result (an unbroken tie) are not considered"])
    return verdict_result(name, prop, parties, shape, lambda: decide(app, prop, timeout=timeout))


def _apportionment_counter(app: Any, r: Any) -> CounterElection:
    units = [{"district": u, "seats": s, "figure": r.figures.get(u)} for u, s in r.magnitudes.items()]
    return CounterElection(votes={}, totals={app.apportion.figure: sum(r.figures.values())}, seats={},
                           house=r.seats, districts=units)


