"""Who takes part in the distribution: the ``when`` conditions, ``admit`` clauses and quotient
corrections of the active blocks (docs/language.md, 'when', 'admit', 'correct')."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.figures import base_of
from hemicycle.interpreter.selectors import selects


@dataclass(slots=True)
class Admission:
    admitted: list[bool]
    admitted_by: list[str]  # "threshold" | "runner_up" | "next" | ""
    runner_up: int | None  # index of the runner-up, if one was admitted


def active_provisions(ctx: Context, count_passed: int) -> list[m.Provision]:
    """The blocks whose condition holds for the number of lists that passed."""
    active: list[m.Provision] = []
    rec = ctx.rec
    for prov in ctx.tier.provisions:
        if prov.condition is None or prov.condition.op.holds(count_passed, prov.condition.value):
            active.append(prov)
            if prov.condition is not None:
                ctx.used(prov, f"when {prov.condition}")
                rec.say("Condition 'when {}' holds ({} passed)", prov.condition, count_passed, clause=prov)
        elif prov.condition is not None:
            rec.say("Condition 'when {}' does not hold ({} passed)", prov.condition, count_passed, clause=prov)
    return active


def admit(ctx: Context, active: list[m.Provision], passed: list[bool]) -> Admission:
    """The lists that passed, and those the active ``admit`` clauses add, in the order written."""
    votes = ctx.view.votes
    names = ctx.view.names
    n = len(votes)
    admitted = list(passed)
    if not active:
        exempted = ctx.exempted
        return Admission(admitted, [("exempt" if i in exempted else "threshold") if ok else ""
                                    for i, ok in enumerate(passed)], None)
    admitted_by = [""] * n
    runner_up: int | None = None
    for prov in active:
        for action in prov.actions:
            if isinstance(action, m.AdmitRunnerUp) and runner_up is None:
                ctx.used(action, "admit runner_up")
                best = _most_votes_left(ctx, admitted, "choosing the runner-up")
                if best is None:
                    ctx.rec.say("Runner-up: no other list has a vote; nobody is admitted", clause=action)
                    continue
                runner_up, top = best
                admitted[runner_up] = True
                admitted_by[runner_up] = "runner_up"
                ctx.rec.say("Runner-up admitted: {} with {:n} votes", names[runner_up], top, clause=action)
            elif isinstance(action, m.AdmitNext):
                ctx.used(action, f"admit next until {action.until}")
                _admit_next(ctx, action, admitted, admitted_by)
    for i in range(n):
        if passed[i]:
            admitted_by[i] = "exempt" if i in ctx.exempted else "threshold"
    return Admission(admitted, admitted_by, runner_up)


def _most_votes_left(ctx: Context, admitted: list[bool], reason: str) -> tuple[int, int] | None:
    """The list with the most votes of those with a vote not yet admitted, and its votes (a tie
    broken by the tier's rule, the record giving ``reason``); None when there is none."""
    votes = ctx.view.votes
    others = [i for i in range(len(votes)) if not admitted[i] and votes[i] > 0]
    if not others:
        return None
    top = max(votes[i] for i in others)
    tied = [i for i in others if votes[i] == top]
    if len(tied) > 1:
        tied = ctx.tb.favour(tied, 1, reason, f"{top:,} votes")
    return tied[0], top


def _admit_next(ctx: Context, action: m.AdmitNext, admitted: list[bool], admitted_by: list[str]) -> None:
    """Admit lists, most votes first, until the condition holds (docs/language.md)."""
    cond = action.until
    view = ctx.view
    votes = view.votes
    names = view.names
    need: Fraction | None = None
    if cond.subject == "admitted_votes":
        assert cond.share is not None and cond.base is not None
        need = cond.share * base_of(cond.base, view, action, ctx.notes)

    def holds() -> tuple[bool, str]:
        if need is None:
            count = sum(admitted)
            return cond.op.holds(count, cond.value), f"{count} admitted"
        total = sum(v for v, a in zip(votes, admitted, strict=True) if a)
        return cond.op.holds(total, need), (  # type: ignore[arg-type]
            f"admitted lists hold {total:,} votes, against {_exact2(need)}")

    ok, state = holds()
    if ok:
        ctx.rec.say("'{}' holds ({}): nobody else is admitted", cond, state, clause=action)
        return
    while not ok:
        best = _most_votes_left(ctx, admitted, "admitting the next list")
        if best is None:
            ctx.rec.say("'{}' does not hold ({}), and no other list has a vote", cond, state, clause=action)
            ctx.notes.append(f"'admit next until {cond}': no list left to admit, the condition still fails")
            return
        i, top = best
        admitted[i] = True
        admitted_by[i] = "next"
        ctx.rec.say("'{}' does not hold ({}): {} is admitted with {:n} votes", cond, state, names[i], top,
                    clause=action)
        ok, state = holds()


def _exact2(x: Fraction) -> str:
    from hemicycle.numbers import fmt_exact

    return fmt_exact(x, 2)


def corrections(ctx: Context, active: list[m.Provision], admitted: list[bool], runner_up: str | None
                ) -> list[Fraction] | None:
    """The correction factor of each list's quotient (None: no correction applies)."""
    factors: list[Fraction] | None = None
    entries = ctx.view.entries
    for prov in active:
        for action in prov.actions:
            if not isinstance(action, m.Correction):
                continue
            for i, e in enumerate(entries):
                if admitted[i] and selects(action.who, e, runner_up):
                    if factors is None:
                        factors = [Fraction(1)] * len(entries)
                    factors[i] *= action.factor
                    ctx.used(action, "correction")
                    ctx.rec.say("Correction: {}'s quotient is multiplied by {:x}", e.abbr, action.factor,
                                clause=action)
    return factors
