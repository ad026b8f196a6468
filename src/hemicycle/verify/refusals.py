"""The clauses of a tier the single-tier encoder does not express: each refused with its line
(``UnsupportedClause``), never dropped."""

from __future__ import annotations

from hemicycle.model import AdmitNext, AdmitRunnerUp, Correction, Guarantee, Scope, Tier
from hemicycle.verify.errors import UnsupportedClause, refuse_present


def refuse_lot(tier: Tier, districted: bool) -> None:
    """A draw is encoded as a free order for each lot the allocation draws (each tie-breaking
    step: runner-up, admission round, the method's cut in each round of a cap, a guaranteed
    seat). Refused (with the ``ties`` line) beside alliances (each split draws its own lot, in an
    order not encoded yet) and, in districts, where a district's allocation can draw more than
    once (its replay takes one draw)."""
    assert tier.ties is not None
    why = ""
    steps = [type(a).__name__ for p in tier.provisions for a in p.actions if not isinstance(a, Correction)]
    if tier.alliances is not None:
        why = "a draw beside alliances is not encoded (each split draws its own lot)"
    elif districted and (steps or tier.cap is not None):
        why = (f"in districts, a draw beside {', '.join(sorted(set(steps))) or 'a cap'} is not encoded (each "
               "tie-breaking step draws its own lot; a district's replay takes one draw)")
    if why:
        raise UnsupportedClause(tier.ties, "ties ... lot", why)


def refuse_extensions(tier: Tier, districted: bool = False) -> None:
    """Raise ``UnsupportedClause`` for the clauses the encoder does not express. ``districted``:
    the tier is encoded in one unit of a districted chamber (verify/districts.py), so
    ``in each district`` and national thresholds are expressed."""
    for t in tier.thresholds:
        for test in t.tests:
            if not test.regional:
                continue
            what = f"threshold ... in every {test.level}" if test.scope is Scope.EVERY else "threshold ... in at least"
            if test.quotas is not None:
                raise UnsupportedClause(
                    test, what, f"a quota test in each {test.level} needs each {test.level}'s seats")
            if not districted and test.level != "region":
                raise UnsupportedClause(test, what, f"a test in each {test.level} of a national tier is not "
                                        "encoded (only the vote file's regions)")
        if getattr(t, "district_op", None) is not None:
            raise UnsupportedClause(t, "threshold ... or district_seats",
                                    "district seats are not modelled")
        if getattr(t, "quotas", None) is not None and t.base is None:
            raise UnsupportedClause(t, "threshold ... quotas", "a quota threshold needs a base")
    for p in tier.provisions:
        if p.condition is not None and p.condition.subject != "passed":
            raise UnsupportedClause(p.condition, str(p.condition), "only `passed` is modelled")
        for a in p.actions:
            if isinstance(a, AdmitNext) and any(isinstance(b, AdmitRunnerUp) for q in tier.provisions
                                                for b in q.actions):
                raise UnsupportedClause(a, "admit next until ...", "sequential admission beside "
                                        "`admit runner_up` in one tier is not encoded")
            if not isinstance(a, (AdmitRunnerUp, AdmitNext, Guarantee, Correction)):
                raise UnsupportedClause(a, type(a).__name__, "unknown action")
            if isinstance(a, Guarantee) and a.source.value != "largest":
                raise UnsupportedClause(a, "guarantee", f"source {a.source.value}")
    if tier.alliances is not None and (tier.cap is not None or tier.consolations):
        raise UnsupportedClause(tier.alliances, "alliances", "alliances beside a cap or consolation seats "
                                "are not encoded (the interpreter refuses alliances with a cap)")
    refuse_present([(tier.compensation, "mixed-member compensation")], "not encoded by the verifier")
    refuse_levels2(tier)
    _refuse_districts(tier, districted)
    _refuse_levels(tier)


def _refuse_levels(tier: Tier) -> None:
    """The clauses of levels (issue 15: levelling against a lower tier, overhang policies, divisor
    methods continued from held seats, seats placed by quotients): refused with their line until
    the encoder models them (issue 16), never dropped."""
    refuse_present([(tier.levelling, "levelling against tier ..."), (tier.overhang_policy, "overhang ..."),
                    (tier.continuation, "continue after tier ..."), (tier.calculation, "calculation only")],
                   "levels are not encoded by the verifier yet")
    for p in tier.level_placements:
        raise UnsupportedClause(p, f"place in each {p.level} by "
                                f"{p.method.kind.value if hasattr(p.method, 'kind') else 'largest_remainder'}",
                                "levels are not encoded by the verifier yet")


def refuse_levels2(tier: Tier) -> None:
    """The clauses of the levels issue that move seats between levels (biproportional
    apportionment, majority bonus): refused with their line until the encoder models them (issue 16), never dropped."""
    refuse_present([(tier.upper, "upper apportionment ..."), (tier.lower, "lower apportionment ...")],
                   "biproportional apportionment is not encoded by the verifier yet")
    refuse_present([(tier.bonus, "bonus ... to first list")], "majority bonuses are not encoded by the verifier yet")
    refuse_present([(tier.single_member, "elected by plurality / winners given")],
                   "single-member seats are not encoded by the verifier yet")


def _refuse_districts(tier: Tier, districted: bool = False) -> None:
    """The clauses of districts (tiers in units, cross-tier values, thresholds at other levels or
    with alternatives, member counts, exemptions, integer parts only, blank ballots in a base):
    refused until the encoder models districts (issue 16), never dropped."""
    why = "districts are not encoded by the verifier yet"
    if getattr(tier, "level", None) is not None and not districted:
        raise UnsupportedClause(tier, f"tier ... in each {tier.level}", why)
    refuse_present([(tier.seats_from, "seats unfilled in tier ..."), (tier.votes_from, "votes remainders of tier ..."),
                    (tier.placement, "place in each ... by remainders of tier ..."),
                    (None if districted else tier.exempt, "exempt ... from thresholds")], why)
    if getattr(tier.method, "integer_parts_only", False):
        raise UnsupportedClause(tier.method, "integer parts only", why)
    for t in tier.thresholds:
        if getattr(t, "alternatives", ()) and not districted:
            raise UnsupportedClause(t, "threshold ... or ...", "alternative tests are not encoded yet")
        for test in t.tests:  # national tiers: regional tests; in districts also national ones and `or`
            if test.scope is not Scope.UNIT and not districted and not test.regional:
                raise UnsupportedClause(test, f"threshold ... {test.scope.value}", why)
    selectors = [t.applies_to for t in tier.thresholds] + [getattr(a, "who", None) for p in tier.provisions
                                                          for a in p.actions]
    for sel in selectors:
        if sel is not None and sel.kind.value == "members":
            raise UnsupportedClause(sel, str(sel), "the number of member parties is not modelled")
