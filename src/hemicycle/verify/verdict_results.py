"""A decider's verdict as a ``PropertyResult``: the one way for every family of properties on the
loop of verify/solving.py (districts, levels, a bonus, apportionment, biproportional
apportionment), and a district family's outcome as the counterexample election it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hemicycle.verify.concrete import totals_for
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.results import CounterElection, PropertyResult, Status, mismatch_reason
from hemicycle.verify.solving import Verdict


@dataclass
class ResultShape:
    """What a result says besides its verdict: the tier, the encoding, the bounds of a verdict
    without counterexample, the notes before the decider's, and how an outcome is shown."""

    tier: str
    encoding: str
    bounds: str
    counter: Callable[[Any], CounterElection]
    trace: Callable[[Any], str]
    notes: list[str] = field(default_factory=list)


def verdict_result(name: str, prop: Any, parties: int, shape: ResultShape,
                   decide: Callable[[], Verdict]) -> PropertyResult:
    """The one way a decider's verdict becomes a result: ``error`` with the reason when the
    interpreter does not confirm the encoding's counterexample."""
    result = PropertyResult(property=name, status=Status.ERROR, parties=parties, seconds=0.0, tier=shape.tier,
                            definition=prop.definition, citation=prop.citation, encoding=shape.encoding)
    try:
        verdict = decide()
    except EncodingMismatch as exc:
        result.reason = mismatch_reason(exc)
        return result
    result.status, result.seconds, result.reason = Status(verdict.status), verdict.seconds, verdict.reason
    result.notes = [*shape.notes, *verdict.notes]
    if verdict.outcomes is None:
        result.bounds = shape.bounds
    else:
        result.counterexample = [shape.counter(o) for o in verdict.outcomes]
        result.trace = "\n\n".join(shape.trace(o) for o in verdict.outcomes)
    return result


def district_counterexample(system: Any, o: Any) -> CounterElection:
    """The election of a district family's outcome ``o`` (its districts' votes, totals, seats,
    figures and draws) on ``system``, the district system it was decided on."""
    n = len(o.national)
    abbrs = [f"L{i + 1}" for i in range(n)]
    keys = ("against_all", "invalid", "nonvoters", "blank")
    nat_extras = {k: sum(x.get(k, 0) for x in o.case.extras) for k in keys}
    units = [{"district": name, "seats": m, "votes": dict(zip(abbrs, votes, strict=True)),
              "totals": totals_for(votes, **{k: x.get(k, 0) for k in keys}),
              "allocated": dict(zip(abbrs, row, strict=True))}
             for name, m, votes, x, row in zip(system.names, o.magnitudes or system.magnitudes, o.case.votes,
                                                o.case.extras, o.seats, strict=True)]
    for u, draw in zip(units, o.case.draws or [None] * len(units), strict=True):
        if u["district"] in o.figures:  # magnitudes apportioned by a figure of the vote file: the figures
            u["figure"] = o.figures[u["district"]]
        if draw is not None:  # the district's draw of lots (first drawn first), replayed by Ties.district_draws
            u["draw"] = list(draw)
    return CounterElection(votes=dict(zip(abbrs, o.national_votes, strict=True)),
                           totals=totals_for(o.national_votes, **nat_extras),
                           seats=dict(zip(abbrs, o.national, strict=True)), house=o.house or system.chamber.seats,
                           tags={t: [a for a, f in zip(abbrs, flags, strict=True) if f]
                                 for t, flags in o.case.tags.items()},
                           districts=units, members=dict(zip(abbrs, o.case.members, strict=False)),
                           lots={k: list(d) for k, d in o.case.lots.items()})
