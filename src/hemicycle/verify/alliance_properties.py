"""Alliances against running separately (issue 16, item 3: Israel's surplus-vote agreements).

``alliance-gain``: with the same votes, two lists L1 and L2 that join in an alliance (an
agreement, or a list combination) and no other alliance, against the same lists running
separately: the pair never holds fewer seats together with the alliance than without it. The
query has two allocations of one election: A with the alliance partition fixed to {L1, L2}, B
with no alliance; it asks for ``s_A(L1) + s_A(L2) < s_B(L1) + s_B(L2)``, both with a result. A
counterexample is replayed by the interpreter with the agreement (or combination) and without.

For D'Hondt the answer is known (a union of lists never wins fewer seats by D'Hondt than its
parts: Balinski & Young 1982, ch. 9; Pukelsheim 2017, sec. 4.9, "D'Hondt favours
coalitions"); the verifier checks it on the rule file as written, thresholds and split included.

    from hemicycle.grammar import load_rules
    from hemicycle.verify.alliance_properties import alliance_gain
    results = alliance_gain(load_rules("rules/israel-2015.elect"), parties=3)
"""

from __future__ import annotations

import z3

from hemicycle.model import Chamber
from hemicycle.verify.alliance_tags import ALLIANCE_TAG, alliance_groups
from hemicycle.verify.engine import PropertyResult, run_property
from hemicycle.verify.problem import Outcome, Problem, Query
from hemicycle.verify.properties import Property
from hemicycle.verify.symbolic import SymElection


def _build(p: Problem) -> list[Query]:
    ctx = p.ctx()
    e = p.election(ctx, "A")
    a = p.alloc(ctx, e, norm=True, label="with the alliance")
    plain = {t: vs for t, vs in e.tags.items() if not t.startswith(ALLIANCE_TAG)}
    alone = SymElection(e.votes, e.against_all, e.invalid, e.nonvoters, plain, e.blank)
    b = p.alloc(ctx, alone, label="separately")
    fixed: list[z3.BoolRef] = []
    for t, flags in e.tags.items():
        if t.startswith(ALLIANCE_TAG):
            first = t == f"{ALLIANCE_TAG}1"
            fixed += [f == (first and i < 2) for i, f in enumerate(flags)]
    for t, flags in alone.tags.items():
        if t.startswith(ALLIANCE_TAG):
            fixed += [z3.Not(f) for f in flags]
    worse = a.seats[0] + a.seats[1] < b.seats[0] + b.seats[1]
    return [Query("alliance-gain L1+L2", ctx, [a.defined, b.defined, *fixed], worse, [a, b],
                  objective=p.total_votes(e))]


def _violated(o: list[Outcome]) -> bool:
    a, b = o
    if a.votes != b.votes or a.extras != b.extras:
        return False
    if alliance_groups(a.tags) != [[0, 1]] or alliance_groups(b.tags):
        return False
    return a.seats[0] + a.seats[1] < b.seats[0] + b.seats[1]


ALLIANCE_GAIN = Property(
    "alliance-gain",
    "Two lists that join in an alliance (and no other alliance is formed) never hold fewer seats "
    "together than the same two lists running separately with the same votes.",
    "Elections Law (Knesset) s.81A (surplus-vote agreements); Balinski & Young 1982, ch. 9; "
    "Pukelsheim 2017, sec. 4.9",
    "Two allocations of one election: L1 and L2 in one alliance, and no alliance; asks for "
    "s(L1) + s(L2) lower with the alliance, both elections with a result.",
    _build,
    _violated,
    elections=2,
)


def alliance_gain(chamber: Chamber, *, parties: int = 3, timeout: float = 60.0,
                  max_votes: int | None = None) -> list[PropertyResult]:
    """``alliance-gain`` on every tier of ``chamber`` with an ``alliances`` clause."""
    if parties < 2:
        raise ValueError("alliance-gain needs at least 2 lists")
    return [run_property(chamber, t, ALLIANCE_GAIN, parties=parties, timeout=timeout, max_votes=max_votes,
                         search=False)
            for t in chamber.tiers if t.alliances is not None]
