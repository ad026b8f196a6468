"""A tier in every unit of its level, each step made once for all the units (docs/language.md,
'Tiers in units').

The commonest districted tier (Spain, Finland, the what-ifs on them) is share thresholds taken in
the district or made once nationally or across a level, a divisor method and a tie chain; nothing
else of the pipeline. For it ``allocate_units`` runs the steps level by level instead of the whole
per-tier pipeline (``tier.run_tier``) once per unit:

* ``admission``: every unit's base figure and each list's verdict in one pass over the units
  (``UnitAdmission`` records: the figures, the flags); a national or cross-level test is made once
  by ``thresholds.Across``, as in the pipeline;
* the allocation: in each unit the divisor method on the admitted lists by the one divisor step
  (``divisors.divisor_method``, which records each seat as (list, seats held)).

The protocol is the pipeline's, entry for entry, recorded by the same functions
(``thresholds.record_share_test``, ``thresholds.record_verdicts``, ``tier.say_admitted``,
``tier.say_seats``) from the records and made into text only when read. A unit outside the shape
(no seats, one seat without thresholds, no admitted list with a vote) is run by the pipeline in
its turn, so ties, lots and notes come in the same order; rules outside the shape, a base figure
missing in some unit or a national verdict that cannot be decided make ``allocate_units`` decline
(None) before it records anything, and the caller runs the pipeline in every unit.
``tests/test_unit_steps.py`` checks that both give the same parts, protocol and ties.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.divisors import SMALL_LISTS, SMALL_SEATS, divisor_method, divisor_rounds, linear_of
from hemicycle.interpreter.limits import has_list_sizes
from hemicycle.interpreter.protocol import Block, Entry, Recorder, Step, expand
from hemicycle.interpreter.results import TierResult
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
from hemicycle.interpreter.view import View

# The clauses the level-wide steps read (anything else of the tier: the pipeline, unit by unit).
_TIER_FIELDS = {"span", "citation", "name", "seats", "thresholds", "method", "ties", "level", "surplus",
                "calculation"}
_TEST_FIELDS = {"span", "citation", "share", "quotas", "base", "inclusive", "scope", "level", "count"}


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
    if not m.at_defaults(tier, _TIER_FIELDS) or not isinstance(tier.method, m.Divisor):
        return False
    if tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT:
        return False
    return all(th.base is not None and m.at_defaults(th, _TEST_FIELDS) for th in tier.thresholds)


@dataclass(slots=True)
class UnitAdmission:
    """The admission of one unit: per threshold its record, and who passed them all.

    A record is ``(figure, share, own)`` for a test in the unit (its base figure there, the share
    needed, each list's verdict) or ``(None, None, verdicts)`` for a test made across the units
    (the national verdicts of the lists here)."""

    records: list[tuple[int | None, Fraction | None, list[Verdict]]]
    passed: list[bool]


def admission(tier: m.Tier, views: Sequence[View], magnitudes: dict[str, int], across: Across
              ) -> list[UnitAdmission | None] | None:
    """Every unit's threshold verdicts, in one pass over the units (None for a unit without
    seats); None when a unit lacks a base figure or a national verdict cannot be decided (the
    pipeline then says why). A unit's tests record nothing; the national ones are ``across``'s."""
    thresholds = tier.thresholds
    try:  # every unit's base figure of every test made in it, before anything is recorded
        figures = [[base_figure(th.base, sum(v.votes), v.totals, _absent) if th.scope is m.Scope.UNIT else 0  # type: ignore[arg-type]
                    for th in thresholds] for v in views]
    except _Absent:
        return None
    national: list[list[Verdict] | None] = []
    for th in thresholds:
        verdicts = across.verdicts(th, None)[0] if th.scope is not m.Scope.UNIT else None
        if verdicts is not None and any(v is None for v in verdicts):
            return None
        national.append(verdicts)
    out: list[UnitAdmission | None] = []
    for view, unit_figures in zip(views, figures, strict=True):
        seats = magnitudes[view.unit.name]  # type: ignore[union-attr]
        if seats <= 0:
            out.append(None)
            continue
        votes = view.votes
        passed: list[bool] | None = None  # None: every list with a vote, so far
        records: list[tuple[int | None, Fraction | None, list[Verdict]]] = []
        for th, figure, nat in zip(thresholds, unit_figures, national, strict=True):
            if nat is not None:
                own: list[Verdict] = [nat[k] for k in view.index]
                records.append((None, None, own))
            else:
                share = th.share if th.share is not None else share_of(th, seats)
                num = share.numerator * figure
                own = reaching(votes, num, share.denominator, th.inclusive)  # type: ignore[assignment]
                records.append((figure, share, own))
                if passed is None and num > 0:  # reaching a positive share: a vote at least
                    passed = own  # type: ignore[assignment]  (read only: the part's flags and the record)
                    continue
            if passed is None:
                passed = [v > 0 for v in votes]
            passed = [p and v is True for p, v in zip(passed, own, strict=True)]
        out.append(UnitAdmission(records, passed if passed is not None else [v > 0 for v in votes]))
    return out


class _Absent(Exception):
    """A base figure a unit lacks (the pipeline names it, or finds a substitute)."""


def _absent(name: str, why: str) -> int:
    raise _Absent


def allocate_units(ctx: Context, views: Sequence[View], magnitudes: dict[str, int], explain: bool,
                   fallback: Callable[[Context, View, int], TierResult]) -> list[TierResult] | None:
    """The tier's result in each unit by the level-wide steps; None when they decline (nothing
    recorded). ``fallback(ctx, view, seats)`` runs the pipeline on a unit outside the shape."""
    tier = ctx.tier
    if not covered(tier) or has_list_sizes(ctx.view.election):
        return None
    admitted = admission(tier, views, magnitudes, ctx.across)
    if admitted is None:
        return None
    method: m.Divisor = tier.method  # type: ignore[assignment]
    lin = linear_of(method)
    thresholds = tier.thresholds
    tb = ctx.tb
    labelled = False  # the clauses applied (once is enough: ``Applied`` keeps each once)
    parts: list[TierResult] = []
    for view, adm in zip(views, admitted, strict=True):
        unit = view.unit.name  # type: ignore[union-attr]
        seats = magnitudes[unit]
        pool = list(compress(range(len(adm.passed)), adm.passed)) if adm is not None else []
        if adm is None or (seats == 1 and not thresholds) or not pool:
            parts.append(fallback(ctx, view, seats))
            continue
        if not labelled:
            for th in thresholds:
                ctx.used(th, "threshold")
            ctx.used(method, "allocate")
            labelled = True
        votes, names = view.votes, view.names
        tb.rebind(view.entries, votes, unit)
        if lin is not None and seats <= SMALL_SEATS and len(pool) <= SMALL_LISTS:  # divisor_method's way
            outcome = divisor_rounds(method, lin, votes, pool, seats, tb, names, explain)
        else:
            outcome = divisor_method(method, votes, None, pool, seats, tb, names, explain)
        passed = adm.passed
        parts.append(TierResult(
            name=tier.name, size=seats, abbrs=names, names=view.labels, votes=votes, passed_flags=passed,
            admitted_flags=passed, admitted_by=["threshold" if ok else "" for ok in passed],
            seat_list=outcome.seats, quota=outcome.quota, index=view.index,
            log=[Block(_unit_protocol, thresholds, view, adm, pool, outcome.steps, outcome.seats)] if explain else []))
    return parts


def _unit_protocol(thresholds: Sequence[m.Threshold], view: View, adm: UnitAdmission, pool: list[int],
                   method_steps: list[Entry], seats: list[int]) -> list[Step]:
    """One unit's protocol, as the pipeline (``tier.run_tier``) records it: each threshold (as
    ``thresholds.passing``), the lists admitted, the method's seats, the seats."""
    rec = Recorder(True)
    names = view.names
    for th, (figure, share, own) in zip(thresholds, adm.records, strict=True):
        if figure is None:
            record_verdicts(rec, th, names, own, EVERY)
        else:
            record_share_test(rec, th, share, figure, names, view.votes, own, own, EVERY, True)  # type: ignore[arg-type]
    if not thresholds:
        rec.say("No threshold: every list with at least one vote takes part")
    say_admitted(rec, names, pool)
    rec.entries.extend(method_steps)
    say_seats(rec, names, seats, 0, 0)
    return expand(rec.entries)
