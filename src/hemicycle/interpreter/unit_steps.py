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

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.divisors import divisor_method, linear_of
from hemicycle.interpreter.limits import has_list_sizes
from hemicycle.interpreter.protocol import Recorder
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


def at_defaults(node: m.Node, known: set[str]) -> bool:
    """Every field of ``node`` outside ``known`` is at its default (so a clause added to the
    language later makes a fast path decline until it is taught the clause)."""
    for f in dataclasses.fields(node):
        if f.name in known:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            return False
        if getattr(node, f.name) != default:
            return False
    return True


# The clauses the level-wide steps read (anything else of the tier: the pipeline, unit by unit).
_TIER_FIELDS = {"span", "citation", "name", "seats", "thresholds", "method", "ties", "level", "surplus",
                "calculation"}
_TEST_FIELDS = {"span", "citation", "share", "quotas", "base", "inclusive", "scope", "level", "count"}


def covered(tier: m.Tier) -> bool:
    """The tier is of the shape the level-wide steps cover (see the module's text)."""
    if not at_defaults(tier, _TIER_FIELDS) or not isinstance(tier.method, m.Divisor):
        return False
    if tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT:
        return False
    return all(th.base is not None and at_defaults(th, _TEST_FIELDS) for th in tier.thresholds)


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
    if not all(_has_base(th.base, v.totals) for th in tier.thresholds if th.scope is m.Scope.UNIT  # type: ignore[arg-type]
               for v in views):
        return None
    tests: list[tuple[m.Threshold, list[Verdict] | None]] = []
    for th in tier.thresholds:
        national: list[Verdict] | None = None
        if th.scope is not m.Scope.UNIT:
            national = across.verdicts(th, None)[0]
            if any(v is None for v in national):
                return None
        tests.append((th, national))
    out: list[UnitAdmission | None] = []
    for view in views:
        seats = magnitudes[view.unit.name]  # type: ignore[union-attr]
        if seats <= 0:
            out.append(None)
            continue
        votes = view.votes
        passed = [v > 0 for v in votes]
        records: list[tuple[int | None, Fraction | None, list[Verdict]]] = []
        for th, national in tests:
            if national is not None:
                own: list[Verdict] = [national[k] for k in view.index]
                records.append((None, None, own))
            else:
                figure = base_figure(th.base, sum(votes), view.totals, _absent)  # type: ignore[arg-type]
                share = th.share if th.share is not None else share_of(th, seats)
                own = reaching(votes, share.numerator * figure, share.denominator, th.inclusive)  # type: ignore[assignment]
                records.append((figure, share, own))
            passed = [p and v is True for p, v in zip(passed, own, strict=True)]
        out.append(UnitAdmission(records, passed))
    return out


class _Absent(Exception):
    pass


def _absent(name: str, why: str) -> int:
    raise _Absent


def _has_base(base: m.Base, totals: Mapping[str, int]) -> bool:
    try:
        base_figure(base, 0, totals, _absent)
    except _Absent:
        return False
    return True


def allocate_units(ctx: Context, views: Sequence[View], magnitudes: dict[str, int], explain: bool,
                   fallback: Callable[[Context, View, int], TierResult]) -> list[TierResult] | None:
    """The tier's result in each unit by the level-wide steps; None when they decline (nothing
    recorded). ``fallback(ctx, view, seats)`` runs the pipeline on a unit outside the shape."""
    tier = ctx.tier
    if not covered(tier) or has_list_sizes(ctx.view.election) or linear_of(tier.method) is None:  # type: ignore[arg-type]
        return None
    admitted = admission(tier, views, magnitudes, ctx.across)
    if admitted is None:
        return None
    method: m.Divisor = tier.method  # type: ignore[assignment]
    thresholds = tier.thresholds
    used, tb = ctx.applied.add, ctx.tb
    parts: list[TierResult] = []
    for view, adm in zip(views, admitted, strict=True):
        unit = view.unit.name  # type: ignore[union-attr]
        seats = magnitudes[unit]
        votes = view.votes
        pool = [i for i, ok in enumerate(adm.passed) if ok] if adm is not None else []
        if adm is None or (seats == 1 and not thresholds) or not pool:
            parts.append(fallback(ctx, view, seats))
            continue
        rec = Recorder(explain)
        names = view.names
        for th in thresholds:
            used(th, "threshold")
        if explain:
            _record_admission(rec, thresholds, view, adm)
            say_admitted(rec, names, pool)
        used(method, "allocate")
        tb.rebind(view.entries, votes, unit)
        outcome = divisor_method(method, votes, None, pool, seats, tb, names, explain)
        n = len(votes)
        part = TierResult(name=tier.name, size=seats, abbrs=names, names=view.labels, votes=votes,
                          passed_flags=adm.passed, admitted_flags=list(adm.passed),
                          admitted_by=["threshold" if ok else "" for ok in adm.passed], seat_list=outcome.seats,
                          quota=outcome.quota, log=rec.entries, index=view.index)
        if explain:
            rec.entries.extend(outcome.steps)
            say_seats(rec, names, outcome.seats, 0, 0)
        assert len(outcome.seats) == n
        parts.append(part)
    return parts


def _record_admission(rec: Recorder, thresholds: Sequence[m.Threshold], view: View, adm: UnitAdmission) -> None:
    """The protocol of one unit's thresholds, as ``thresholds.passing`` records it."""
    for th, (figure, share, own) in zip(thresholds, adm.records, strict=True):
        if figure is None:
            record_verdicts(rec, th, view.names, own, EVERY)
        else:
            record_share_test(rec, th, share, figure, view.names, view.votes, own, own, EVERY, True)  # type: ignore[arg-type]
    if not thresholds:
        rec.say("No threshold: every list with at least one vote takes part")
