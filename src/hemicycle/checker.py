"""Static checks of a rule model: problems that are visible without any votes."""

from __future__ import annotations

from fractions import Fraction

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic


def _condition_possible(cond: m.Condition) -> bool:
    """Can 'passed OP value' hold for some number of passing lists (0, 1, 2, ...)?"""
    if cond.op is m.Comparator.LT:
        return cond.value > 0
    if cond.op is m.Comparator.LE:
        return cond.value >= 0
    return True


def check(chamber: m.Chamber) -> list[Diagnostic]:
    """Errors (severity "error") make the rules unusable; warnings point at likely mistakes."""
    out: list[Diagnostic] = []

    def error(node: m.Node, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(node.span, message, hint))

    def warn(node: m.Node, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(node.span, message, hint, severity="warning"))

    appointed = sum(a.seats for a in chamber.appointed)
    # tiers on another tier's unfilled seats share its seats; a tier levelled against by a later tier
    # is inside that tier's seats (its entitlement is over the whole)
    levelled = {t.levelling.tier for t in chamber.tiers if t.levelling is not None}
    counted = [t for t in chamber.tiers if t.seats_from is None and t.name not in levelled and t.calculation is None]
    tiers = sum(t.seats for t in counted)
    terms = [f"{t.seats} in tier {t.name!r}" for t in counted]
    if not chamber.tiers and chamber.levels:  # an apportionment: the units' seats
        tiers = chamber.levels[0].seats
        terms = [f"{tiers} in the {chamber.levels[0].label}"]
    if appointed + tiers != chamber.seats:
        parts = " + ".join([*(f"{a.seats} appointed" for a in chamber.appointed), *terms])
        error(chamber, f"the seats do not add up: {parts} = {appointed + tiers}, "
                       f"but the chamber has {chamber.seats}")
    used = {t.level for t in chamber.tiers} | {t.placement.level for t in chamber.tiers if t.placement}
    for level in chamber.levels:
        if chamber.tiers and level.name not in used:
            warn(level, f"no tier allocates in the {level.label}: their magnitudes are computed and checked, "
                        "but no seat is allocated in them")
    for tier in chamber.tiers:
        method = tier.method
        if isinstance(method, m.LargestRemainder) and method.integer_parts_only and not any(
                t.seats_from is not None and t.seats_from.tier == tier.name for t in chamber.tiers):
            warn(method, f"tier {tier.name!r} gives only integer parts, and no tier takes the seats it leaves "
                         "unfilled: they stay empty",
                 f"add a tier with 'seats unfilled in tier \"{tier.name}\"'")

    for tier in chamber.tiers:
        if tier.ties is None:
            warn(tier, f"tier {tier.name!r} has no 'ties' clause: any tie that decides a seat "
                       "will stop the allocation with an error",
                 "state the law's tie rule, e.g. 'ties registration_order', or 'ties none'")
        elif m.TieCriterion.LOT in tier.ties.criteria and tier.ties.seed is None:
            warn(tier.ties, "'lot' without a seed draws with seed 0",
                 "write 'lot seed N' so that the draw is stated in the rules")
        if tier.cap is not None and tier.cap.seats >= tier.seats:
            warn(tier.cap, f"the cap of {tier.cap.seats} seats can never bind: the tier has "
                           f"{tier.seats} seats")
        admits = tier.actions(m.AdmitRunnerUp)
        if len(admits) > 1:
            error(admits[1][1], "'admit runner_up' appears twice in one tier",
                  f"the first is on line {admits[0][1].span.line}")
        for th in tier.thresholds:
            if th.base is m.Base.REGISTERED_VOTERS and th.share is not None and th.share > Fraction(1, 2):
                warn(th, "a threshold above half of the registered voters is unusual")
        for prov in tier.provisions:
            if prov.condition is not None and not _condition_possible(prov.condition):
                warn(prov, f"the condition 'when {prov.condition}' can never hold, so this block "
                           "never applies")
            for action in prov.actions:
                who = getattr(action, "who", None)
                if isinstance(who, m.Selector) and who.kind is m.SelectorKind.RUNNER_UP and not admits:
                    error(action, "this clause is about the runner_up, but no 'admit runner_up' "
                                  "in this tier admits one, so it can never apply",
                          "add 'admit runner_up' in the same block")
                if isinstance(action, m.Guarantee):
                    if action.seats > tier.seats:
                        error(action, f"a guarantee of {action.seats} seats in a tier of "
                                      f"{tier.seats} can never be met")
                    if admits and who is not None and who.kind is m.SelectorKind.RUNNER_UP:
                        admit_prov = admits[0][0]
                        if admit_prov is not prov and admit_prov.condition != prov.condition:
                            warn(action, "the guarantee and the 'admit runner_up' it refers to are "
                                         "in blocks with different conditions")
        method = tier.method
        if (isinstance(method, m.Divisor) and method.kind is m.DivisorKind.SEQUENCE
                and method.step is None and len(method.sequence) < tier.seats):
            warn(method, f"the divisor sequence has {len(method.sequence)} divisors and no step: "
                         f"no list can get more than that many of the {tier.seats} seats")
    return out
