"""A tier in every unit of its level, each step made once for all the units (docs/language.md,
'Tiers in units').

The commonest districted tiers (Spain, Finland, Poland, the Czech first scrutiny, the what-ifs on
them) are share thresholds taken in the district or made once nationally or across a level (each
possibly for the lists a selector picks), an exemption from them, a divisor or largest-remainder
method, a cap per list and a tie chain; nothing else of the pipeline. For them ``allocate_units`` runs the steps
level by level instead of the whole per-tier pipeline (``tier.run_tier``) once per unit:

* the tests: every unit's base figures (made once per election, ``_bases``) and the national or
  cross-level verdicts (made once by ``thresholds.Across``, as in the pipeline), before anything
  is recorded; then in one pass over the units:
* the admission (``admit``, or in line for one share test in each unit): each list's verdicts,
  the exempt lists, who takes part;
* the method on the admitted lists: a divisor method by the one divisor step
  (``divisors.pool_rounds``, which records each seat as (list, seats held)), largest remainder by
  ``largest_remainder.largest_remainder``; under a cap, ``limits.distribute`` (the method again for
  the lists not capped, its steps recorded at once);
* the unit's result (``unit_part``) and the tier's national sums (``Sums``), in the same loop.

The protocol is the pipeline's, entry for entry, recorded by the same functions
(``thresholds.record_share_test``, ``thresholds.record_verdicts``, ``tier.say_admitted``,
``tier.say_seats``) from the records and made into text only when read. A unit outside the shape
(no seats, one seat without thresholds, no admitted list) is run by the pipeline in its turn, so
ties, lots and notes come in the same order; rules outside the shape (list sizes, alliances, ...), a base
figure missing in some unit or a national verdict that cannot be decided make ``allocate_units``
decline (None) before it records anything, and the caller runs the pipeline in every unit.
``tests/test_unit_steps.py`` checks that both give the same parts, protocol and ties.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress
from typing import Any

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.election import Election
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.divisors import SMALL_LISTS, SMALL_SEATS, divisor_method, linear_of, pool_rounds, seat_lines
from hemicycle.interpreter.largest_remainder import largest_remainder
from hemicycle.interpreter.limits import distribute, has_list_sizes
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Block, Entry, Recorder, Step, expand
from hemicycle.interpreter.results import TierResult
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.thresholds import (
    EVERY,
    Across,
    Verdict,
    reaching,
    record_share_test,
    record_verdicts,
    share_of,
)
from hemicycle.interpreter.tier import say_admitted, say_seats
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View

# The clauses the level-wide steps read (anything else of the tier: the pipeline, unit by unit).
_TIER_FIELDS = {"span", "citation", "name", "seats", "thresholds", "method", "ties", "level", "surplus",
                "calculation", "exempt", "cap"}
_TEST_FIELDS = {"span", "citation", "share", "quotas", "base", "inclusive", "scope", "level", "count", "applies_to"}


# covered(tier), by the tier object (held, so that its id is not reused): asked on every allocation
_COVERED: dict[int, tuple[m.Tier, bool]] = {}


def covered(tier: m.Tier) -> bool:
    """The tier is of the shape the level-wide steps cover (see the module's text)."""
    found = _COVERED.get(id(tier))
    if found is not None and found[0] is tier:
        return found[1]
    if len(_COVERED) > 256:
        _COVERED.clear()
    _COVERED[id(tier)] = (tier, _covered(tier))
    return _COVERED[id(tier)][1]


def _covered(tier: m.Tier) -> bool:
    if not m.at_defaults(tier, _TIER_FIELDS) or not isinstance(tier.method, m.Divisor | m.LargestRemainder):
        return False
    if tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT:
        return False
    return all(th.base is not None and m.at_defaults(th, _TEST_FIELDS) for th in tier.thresholds)


# A unit's record of one threshold: ``(figure, share, own, applies)`` for a test in the unit (its
# base figure there, the share needed, each list's verdict, the lists it is for: None for every
# list) or ``(None, None, verdicts, applies)`` for a test made across the units (the national
# verdicts of the lists here).
Record = tuple[int | None, Fraction | None, list[Verdict], list[bool] | None]


@dataclass(slots=True)
class Tests:
    """A tier's thresholds made ready for every unit: per threshold, the national verdicts (a test
    made across the units) or None (a test in each unit: its share, or None for a share of quotas
    that depends on the unit's seats), the lists it is for (national; None: every list), each
    unit's base figures of the tests made in it; the lists the tier exempts (None: no exemption)."""

    national: list[list[Verdict] | None]
    shares: list[Fraction | None]
    figures: list[list[int]]  # per threshold, per unit (0 for a test made across the units)
    applies: list[list[bool] | None]
    exempt: list[bool] | None


def tests(tier: m.Tier, views: Sequence[View], across: Across) -> Tests | None:
    """Every unit's base figures and the national verdicts, before anything is recorded; None
    when a unit lacks a base figure or a national verdict cannot be decided (the pipeline then
    says why). The national tests are recorded by ``across``, as in the pipeline."""
    thresholds = tier.thresholds
    figures: list[list[int]] = []
    for th in thresholds:
        column = _bases(views, th.base) if th.scope is m.Scope.UNIT else [0] * len(views)  # type: ignore[arg-type]
        if column is None:
            return None
        figures.append(column)
    lists = across.view.entries
    national: list[list[Verdict] | None] = []
    applies: list[list[bool] | None] = []
    for th in thresholds:
        verdicts = across.verdicts(th, th.applies_to)[0] if th.scope is not m.Scope.UNIT else None
        if verdicts is not None and any(v is None for v in verdicts):
            return None
        national.append(verdicts)
        applies.append(None if th.applies_to is None else [selects(th.applies_to, e, None) for e in lists])
    shares = [th.share if nat is None else None for th, nat in zip(thresholds, national, strict=True)]
    exempt = None if tier.exempt is None else [selects(tier.exempt.who, e, None) for e in lists]
    return Tests(national, shares, figures, applies, exempt)


def admit(thresholds: Sequence[m.Threshold], prepared: Tests, k: int, view: View, seats: int
          ) -> tuple[list[Record], list[bool], list[int]]:
    """Unit ``k``'s record of each threshold, which of its lists pass them all (and have a vote)
    or are exempt, and the exempt ones with a vote, as ``thresholds.passing`` decides."""
    votes, index = view.votes, view.index
    passed: list[bool] | None = None  # None: every list with a vote, so far
    records: list[Record] = []
    for th, column, nat, share, app in zip(thresholds, prepared.figures, prepared.national, prepared.shares,
                                           prepared.applies, strict=True):
        applies = None if app is None else [app[j] for j in index]
        if nat is not None:  # True for a list the test is not for (``Across``)
            own: list[Verdict] = [nat[j] for j in index]
            records.append((None, None, own, applies))
        else:
            if share is None:
                share = share_of(th, seats)
            figure = column[k]
            num = share.numerator * figure
            own = reaching(votes, num, share.denominator, th.inclusive)  # type: ignore[assignment]
            if applies is not None:  # a list the test is not for passes it
                own = [o or not a for o, a in zip(own, applies, strict=True)]
            records.append((figure, share, own, applies))
            if passed is None and num > 0 and applies is None:  # reaching a positive share: a vote at least
                passed = own  # type: ignore[assignment]  (read only: the part's flags and the record)
                continue
        if passed is None:
            passed = [v > 0 for v in votes]
        passed = [p and v is True for p, v in zip(passed, own, strict=True)]
    if passed is None:
        passed = [v > 0 for v in votes]
    freed: list[int] = []
    if prepared.exempt is not None:
        exempt = prepared.exempt
        freed = [i for i, j in enumerate(index) if exempt[j] and votes[i] > 0]
        if freed:
            passed = list(passed)
            for i in freed:
                passed[i] = True
    return records, passed, freed


def _one_local_test(thresholds: Sequence[m.Threshold], prepared: Tests
                    ) -> tuple[int, int, bool, Fraction] | None:
    """(share's numerator, denominator, inclusive, share) when the tier has one threshold, a
    fixed share of a base in each unit; else None."""
    if len(thresholds) != 1 or prepared.shares[0] is None or prepared.applies[0] is not None or prepared.exempt:
        return None
    share = prepared.shares[0]
    return share.numerator, share.denominator, thresholds[0].inclusive, share


def _bases(views: Sequence[View], base: m.Base) -> list[int] | None:
    """Each unit's figure ``base`` (None: some unit lacks it), made once per election and level
    (kept with the views in ``Election.derived``: figures of the vote file, never changed)."""
    if not views:
        return []
    derived = views[0].election.derived
    key = ("unit bases", views[0].unit.level if views[0].unit is not None else None, base)
    found = derived.get(key)
    if found is None or found[0] is not views:  # type: ignore[index]  (other views: made again, in its place)
        try:
            column: list[int] | None = [base_figure(base, sum(v.votes), v.totals, _absent) for v in views]
        except _Absent:
            column = None
        found = derived[key] = (views, column)
    return found[1]  # type: ignore[index, no-any-return]


class _Absent(Exception):
    """A base figure a unit lacks (the pipeline names it, or finds a substitute)."""


def _absent(name: str, why: str) -> int:
    raise _Absent


def allocate_units(ctx: Context, views: Sequence[View], magnitudes: dict[str, int], explain: bool,
                   fallback: Callable[[Context, View, int], TierResult]) -> TierResult | None:
    """The tier in each unit by the level-wide steps: the national sums, the result in each unit
    its parts; None when they decline (nothing recorded). ``fallback(ctx, view, seats)`` runs the
    pipeline on a unit outside the shape."""
    tier = ctx.tier
    election = ctx.view.election
    if not covered(tier) or has_list_sizes(election):
        return None
    prepared = tests(tier, views, ctx.across)
    if prepared is None:
        return None
    method = tier.method
    lin = linear_of(method) if isinstance(method, m.Divisor) else None
    log = ctx.rec.entries  # the tier's own protocol (a unit run by the pipeline gets its own recorder)
    labelled = False  # the clauses applied (once is enough: ``Applied`` keeps each once)
    sums = Sums(len(election.lists))
    parts: list[TierResult] = []
    one = _one_local_test(tier.thresholds, prepared)  # the commonest admission, in line in ``_admission``
    local = prepared.figures[0] if one is not None else []
    for k, view in enumerate(views):
        seats = magnitudes[view.unit.name]  # type: ignore[union-attr]
        if seats <= 0:
            pool: list[int] | None = None
        else:
            records, passed, pool, freed = _admission(tier, prepared, one, local, k, view, seats)
        if not pool or (seats == 1 and not tier.thresholds):
            part = fallback(ctx, view, seats)
            part.level, part.district, part.index = tier.level, view.unit.name, part.index or view.index  # type: ignore[union-attr]
            sums.add(part)
            parts.append(part)
            continue
        labelled = _label(ctx, tier, bool(freed), labelled)
        ctx.tb.rebind(view.entries, view.votes, view.unit.name)  # type: ignore[union-attr]
        got, won, steps, vacant, outcome = _unit_method(ctx, tier, lin, view, pool, seats, explain)
        by = [""] * len(view.votes)
        sums.admitted(view.index, pool, won, got, by, freed)
        part = unit_part(tier.name, seats, view, passed, by, got, tier.level, [])
        part.vacant = vacant
        if outcome is not None and outcome.quota is not None:  # largest remainder: its figures
            _with_quota(part, method, outcome, pool)  # type: ignore[arg-type]
        if explain:
            part.log.append(Block(_unit_protocol, tier, view, records, pool, freed, steps, got, part.vacant))
        parts.append(part)
    return sums.result(tier, election, parts, log)


def _admission(tier: m.Tier, prepared: Tests, one: tuple[int, int, bool, Fraction] | None, local: list[int],
               k: int, view: View,
               seats: int) -> tuple[list[Record], list[bool], list[int], list[int]]:
    """Unit ``k``'s admission: (its threshold records, each list's flag, the admitted lists, the
    exempt ones). One share test in the unit is made in line (``thresholds.passing`` on one share
    test: reaching a positive share is a vote at least), anything else by ``admit``."""
    if one is None:
        records, passed, freed = admit(tier.thresholds, prepared, k, view, seats)
        return records, passed, list(compress(range(len(view.votes)), passed)), freed
    votes = view.votes
    figure = local[k]
    num, den = one[0] * figure, one[1]
    own = [v * den >= num for v in votes] if one[2] else [v * den > num for v in votes]
    passed = own if num > 0 else [v > 0 and p for p, v in zip(own, votes, strict=True)]
    records: list[Record] = [(figure, one[3], own, None)]  # (``own`` is read only: the flags, the record)
    return records, passed, list(compress(range(len(votes)), passed)), []


def _label(ctx: Context, tier: m.Tier, freed: bool, labelled: bool) -> bool:
    """The clauses a unit run by these steps applies (the thresholds and the method once for the
    tier, the exemption whenever a unit frees a list, in the pipeline's order); True once done."""
    if not labelled:
        for th in tier.thresholds:
            ctx.used(th, "threshold")
    if freed:
        ctx.used(tier.exempt, "exempt")  # type: ignore[arg-type]
    if not labelled:
        ctx.used(tier.method, "allocate")
    return True


def _unit_method(ctx: Context, tier: m.Tier, lin: Any, view: View, pool: list[int], seats: int, explain: bool
                 ) -> tuple[list[int], list[int], Any, int, MethodOutcome | None]:
    """The method on a unit's admitted lists: (each list's seats, the admitted lists' seats in pool
    order, the steps for the protocol, the seats left vacant, the method's outcome if it made
    one). Under a cap as the pipeline distributes it (its steps at once); a small divisor
    allocation by the rounds (``divisors.pool_rounds``, its record for ``divisors.seat_lines``);
    else the method (``_method``)."""
    votes = view.votes
    if tier.cap is not None:
        ctx.view, ctx.seats, ctx.rec = view, seats, Recorder(explain)
        dist = distribute(ctx, pool, None, seats, dict.fromkeys(range(len(votes)), tier.cap.seats))
        got = dist.seats
        return got, [got[i] for i in pool], ctx.rec.entries, dist.vacant, dist.first
    if lin is not None and seats <= SMALL_SEATS and len(pool) <= SMALL_LISTS:  # divisor_method's way
        won, start, order = pool_rounds(tier.method, lin, votes, pool, seats, ctx.tb, explain)  # type: ignore[arg-type]
        return [0] * len(votes), won, (lin, start, order), 0, None
    outcome = _method(tier.method, votes, pool, seats, ctx.tb, view.names, explain)
    got = outcome.seats
    return got, [got[i] for i in pool], outcome.steps, 0, outcome


def _method(method: m.Method, votes: list[int], pool: list[int], seats: int, tb: TieBreaker, names: list[str],
            explain: bool) -> MethodOutcome:
    """The method on the admitted lists, as the pipeline applies it when no limit can bind
    (``methods.apply_method``)."""
    if isinstance(method, m.LargestRemainder):
        return largest_remainder(method, votes, None, pool, seats, tb, names, explain)
    return divisor_method(method, votes, None, pool, seats, tb, names, explain)  # type: ignore[arg-type]


def _with_quota(part: TierResult, method: m.LargestRemainder, outcome: MethodOutcome, pool: list[int]) -> None:
    """A largest-remainder unit's quota, the columns of its protocol and (integer parts only) the
    seats it leaves over, as ``tier._distribute`` keeps them (``outcome``: the method's first run)."""
    part.quota = outcome.quota
    if outcome.columns is not None:
        part.columns = (outcome.columns, pool)
    if method.integer_parts_only:
        part.vacant = part.size - sum(part.seat_list)


_NEW = object.__new__


def unit_part(name: str, seats: int, view: View, flags: list[bool], by: list[str], got: list[int], level: str | None,
              log: list[Entry]) -> TierResult:
    """A tier's result in one unit: the columns the level-wide steps give (its lists passed and
    were admitted alike), every other field at its default. The same ``TierResult`` as its
    ``__init__`` makes (``tests/test_unit_steps.py`` compares every field), made by setting those
    fields alone: the defaults are the dataclass's class attributes, read through them."""
    part: TierResult = _NEW(TierResult)
    part.name, part.size, part.abbrs, part.names, part.votes = name, seats, view.names, view.labels, view.votes
    part.passed_flags = part.admitted_flags = flags
    part.admitted_by, part.seat_list, part.index, part.level, part.district = by, got, view.index, level, view.unit.name  # type: ignore[union-attr]
    part.log, part.parts = log, []
    return part


class Sums:
    """A tier's national columns summed over its parts in one pass: each list's seats, whether it
    passed or was admitted in some unit, and why it was first admitted."""

    __slots__ = ("admitted_flags", "by", "passed_flags", "seats")

    def __init__(self, n: int) -> None:
        self.seats = [0] * n
        self.passed_flags = [False] * n
        self.admitted_flags = [False] * n
        self.by = [""] * n

    def admitted(self, index: Sequence[int], pool: list[int], won: list[int], got: list[int], by: list[str],
                 freed: list[int]) -> None:
        """A part whose lists passed and were admitted exactly when in ``pool``, those of ``freed``
        as exempt, the others by the thresholds; ``won``: their seats (pool order), written into
        the part's columns ``got`` (its seats) and ``by`` (why admitted)."""
        seats, passed, admitted, nat_by = self.seats, self.passed_flags, self.admitted_flags, self.by
        if not freed:  # the commonest, in one loop
            for i, g in zip(pool, won, strict=True):
                got[i] = g
                by[i] = "threshold"
                j = index[i]
                seats[j] += g
                passed[j] = admitted[j] = True
                if not nat_by[j]:
                    nat_by[j] = "threshold"
            return
        for i, g in zip(pool, won, strict=True):
            got[i] = g
            by[i] = "threshold"
            seats[index[i]] += g
        for i in freed:
            by[i] = "exempt"
        for i in pool:
            j = index[i]
            passed[j] = admitted[j] = True
            if not nat_by[j]:
                nat_by[j] = by[i]

    def add(self, part: TierResult) -> None:
        """Any part (only the lists that won, passed or were admitted there: compress, in C)."""
        index, got, seats, by = part.index, part.seat_list, self.seats, self.by
        for i, k in compress(zip(index, got, strict=True), got):
            seats[i] += k
        for i in compress(index, part.passed_flags):
            self.passed_flags[i] = True
        for i, why in compress(zip(index, part.admitted_by, strict=True), part.admitted_flags):
            self.admitted_flags[i] = True
            by[i] = by[i] or why

    def result(self, tier: m.Tier, election: Election, parts: list[TierResult], log: list[Entry]) -> TierResult:
        """The tier's result: these sums nationally, ``parts`` the result in each unit."""
        entries = election.lists
        return TierResult(
            name=tier.name, size=sum(p.size for p in parts), abbrs=[e.abbr for e in entries],
            names=[e.name for e in entries], votes=[e.votes for e in entries], passed_flags=self.passed_flags,
            admitted_flags=self.admitted_flags, admitted_by=self.by, seat_list=self.seats,
            vacant=sum(p.vacant for p in parts), log=log, level=tier.level, parts=parts)


def _unit_protocol(tier: m.Tier, view: View, records: list[Record], pool: list[int], freed: list[int],
                   method_steps: Any, seats: list[int], vacant: int) -> list[Step]:
    """One unit's protocol, as the pipeline (``tier.run_tier``) records it: each threshold and the
    exempt lists (as ``thresholds.passing``), the lists admitted, the method's seats (its steps, or
    the rounds' record: ``divisors.seat_lines``), the seats."""
    rec = Recorder(True)
    names = view.names
    thresholds = tier.thresholds
    for th, (figure, share, own, applies) in zip(thresholds, records, strict=True):
        if figure is None:
            record_verdicts(rec, th, names, own, EVERY if applies is None else applies)
        else:
            record_share_test(rec, th, share, figure, names, view.votes, own, own,  # type: ignore[arg-type]
                              EVERY if applies is None else applies, True)
    if freed:
        rec.say("Exempt from the thresholds ({}): {}", tier.exempt.who, ", ".join(names[i] for i in freed),  # type: ignore[union-attr]
                clause=tier.exempt)
    if not thresholds:
        rec.say("No threshold: every list with at least one vote takes part")
    say_admitted(rec, names, pool)
    if isinstance(method_steps, tuple):
        lin, start, order = method_steps
        rec.block(seat_lines, lin, view.votes, pool, start, order, names)
    else:
        rec.entries.extend(method_steps)
    say_seats(rec, names, seats, vacant, 0)
    return expand(rec.entries)
