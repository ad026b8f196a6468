"""The exact interpreter: rule model + votes -> seats, with every step explained.

Arithmetic is on ``int`` and ``Fraction`` only. The meaning of every clause is in
``docs/language.md``; this module implements exactly that, and the Z3 encoder
(``hemicycle.verify``) is tested against it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hemicycle import model as m
from hemicycle.election import Election, ListEntry
from hemicycle.numbers import fmt_exact, fmt_int, fmt_percent, fmt_share

# --- errors -------------------------------------------------------------------------------------


class AllocationError(Exception):
    """The rules cannot be applied to these votes; the message says why and where."""

    def __init__(self, message: str, node: m.Node | None = None) -> None:
        self.node = node
        where = f" ({node.where})" if node is not None and node.span.line else ""
        super().__init__(message + where)


class MissingFigure(AllocationError):
    """The rules need a figure (e.g. ballots cast) that the vote file does not give."""


class TieError(AllocationError):
    """A tie that the rules' tie-break chain cannot break."""

    def __init__(self, message: str, lists: Sequence[str], node: m.Node | None = None) -> None:
        self.lists = tuple(lists)
        super().__init__(message, node)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """A tie that decided a seat (or an admission), and how it was broken."""

    tier: str
    stage: str
    lists: tuple[str, ...]
    value: str  # the equal figure, as text
    places: int  # how many of the tied lists were favoured
    winners: tuple[str, ...]
    resolved_by: str  # a tie criterion's name ("lot" included)
    clause: str  # where the tie-break clause is, with its citation

    def describe(self) -> str:
        return (
            f"tie in {self.stage}: {', '.join(self.lists)} all at {self.value}; "
            f"{self.places} of them favoured; {', '.join(self.winners)} by {self.resolved_by}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier, "stage": self.stage, "lists": list(self.lists), "value": self.value,
            "places": self.places, "winners": list(self.winners), "resolved_by": self.resolved_by,
            "clause": self.clause,
        }


@dataclass(frozen=True)
class Step:
    """One line of the protocol, with the clause it applies (if any)."""

    text: str
    clause: m.Node | None = None

    def render(self) -> str:
        if self.clause is not None and self.clause.span.line:
            return f"{self.text}  ({self.clause.where})"
        return self.text


@dataclass
class ListResult:
    abbr: str
    name: str
    votes: int
    passed: bool = False
    admitted: bool = False
    admitted_by: str = ""  # "threshold" | "runner_up"
    factor: Fraction = Fraction(1)
    quotient: Fraction | None = None
    integer_seats: int = 0
    remainder: Fraction | None = None
    seats: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "abbr": self.abbr, "name": self.name, "votes": self.votes, "passed": self.passed,
            "admitted": self.admitted, "admitted_by": self.admitted_by or None,
            "factor": str(self.factor), "quotient": _frac_json(self.quotient),
            "integer_seats": self.integer_seats, "remainder": _frac_json(self.remainder),
            "seats": self.seats,
        }


def _frac_json(x: Fraction | None) -> str | None:
    return None if x is None else str(x)


@dataclass
class TierResult:
    name: str
    size: int
    lists: list[ListResult]
    passed: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    runner_up: str | None = None
    quota: Fraction | None = None
    vacant: int = 0
    steps: list[Step] = field(default_factory=list)

    @property
    def seats(self) -> dict[str, int]:
        return {lr.abbr: lr.seats for lr in self.lists}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "size": self.size, "seats": self.seats, "passed": list(self.passed),
            "admitted": list(self.admitted), "runner_up": self.runner_up,
            "quota": _frac_json(self.quota), "vacant": self.vacant,
            "lists": [lr.to_json() for lr in self.lists],
        }


@dataclass
class AllocationResult:
    chamber: str
    seats: dict[str, int]  # every list (zeros included), then the appointed keys
    total: int
    tiers: list[TierResult]
    appointed: dict[str, int]
    ties: list[Tie]
    clauses_applied: list[str]
    notes: list[str]
    election: Election
    appointed_names: dict[str, str] = field(default_factory=dict)  # key -> appointing body

    def explain(self) -> str:
        """The whole allocation as an election commission's protocol."""
        out = [f"Allocation of seats: {self.chamber}"]
        if self.election.name:
            out.append(f"Election: {self.election.name}")
        for note in self.notes:
            out.append(f"Note: {note}")
        for tier in self.tiers:
            out.append("")
            out.append(f"Tier {tier.name!r}: {tier.size} seats")
            out.extend(f"  {i}. {step.render()}" for i, step in enumerate(tier.steps, 1))
        if self.appointed:
            out.append("")
            for key, n in self.appointed.items():
                out.append(f"Appointed seats: {key} {n}")
        out.append("")
        out.append("Result: " + ", ".join(f"{k} {v}" for k, v in self.seats.items())
                   + f"; total {self.total}")
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "chamber": self.chamber, "election": self.election.name or None,
            "seats": self.seats, "total": self.total,
            "appointed": self.appointed,
            "appointed_by": self.appointed_names,
            "tiers": [t.to_json() for t in self.tiers],
            "ties": [t.to_json() for t in self.ties],
            "clauses_applied": self.clauses_applied, "notes": self.notes,
        }


# --- tie breaking -------------------------------------------------------------------------------


class TieBreaker:
    """Applies a tier's ``ties`` chain and records every tie it breaks."""

    def __init__(self, tier: m.Tier, entries: Sequence[ListEntry], record: list[Tie]) -> None:
        self.tier = tier
        self.ties = tier.ties
        self.entries = entries
        self.record = record
        seed = self.ties.seed if self.ties is not None else None
        self._rng = random.Random(seed if seed is not None else 0)

    def _key(self, crit: m.TieCriterion, i: int) -> int:
        e = self.entries[i]
        if crit is m.TieCriterion.REGISTRATION_ORDER:
            return e.registration_order
        if crit is m.TieCriterion.BALLOT_ORDER:
            if e.ballot_order is None:
                raise MissingFigure(
                    f"the tie-break uses ballot order, but the vote file gives none for {e.abbr}",
                    self.ties,
                )
            return e.ballot_order
        if crit is m.TieCriterion.MORE_VOTES:
            return -e.votes
        if crit is m.TieCriterion.FEWER_VOTES:
            return e.votes
        raise AssertionError(crit)

    def favour(self, tied: list[int], places: int, stage: str, value: str) -> list[int]:
        """Pick ``places`` of the ``tied`` lists (indices) to favour, by the chain."""
        if places <= 0:
            return []
        if places >= len(tied):
            return list(tied)
        chosen: list[int] = []
        remaining = sorted(tied)
        need = places
        criteria = self.ties.criteria if self.ties is not None else ()
        used = ""
        for crit in criteria:
            used = crit.value
            if crit is m.TieCriterion.LOT:
                pool = sorted(remaining, key=lambda i: self.entries[i].registration_order)
                self._rng.shuffle(pool)
                chosen += pool[:need]
                need = 0
                used = f"lot (seed {self.ties.seed if self.ties and self.ties.seed is not None else 0})"
                break
            groups: dict[int, list[int]] = {}
            for i in remaining:
                groups.setdefault(self._key(crit, i), []).append(i)
            straddle: list[int] = []
            for key in sorted(groups):
                group = groups[key]
                if len(group) <= need:
                    chosen += group
                    need -= len(group)
                    if need == 0:
                        break
                else:
                    straddle = group
                    break
            if need == 0:
                break
            remaining = straddle
        abbrs = tuple(self.entries[i].abbr for i in sorted(tied))
        if need > 0:
            names = ", ".join(abbrs)
            raise TieError(
                f"unbroken tie in {stage} of tier {self.tier.name!r}: {names} are tied at {value} "
                f"for {places} place(s), and the rules give no way to break it"
                + (" (ties none)" if not criteria else f" (chain: {', '.join(c.value for c in criteria)})"),
                abbrs,
                self.ties or self.tier,
            )
        self.record.append(
            Tie(
                tier=self.tier.name, stage=stage, lists=abbrs, value=value, places=places,
                winners=tuple(self.entries[i].abbr for i in chosen), resolved_by=used,
                clause=self.ties.where if self.ties is not None else "",
            )
        )
        return chosen


# --- thresholds -------------------------------------------------------------------------------


def _base_figure(base: m.Base, election: Election, node: m.Node, notes: list[str]) -> int:
    totals = election.totals
    list_votes = election.list_votes

    def total(name: str, why: str) -> int:
        if name in totals:
            return totals[name]
        sub = election.substitutes.get(name)
        if sub is not None:
            value = total(sub, why)
            note = f"the vote file gives no {name}; it says to use {sub} ({fmt_int(value)}) instead"
            if note not in notes:
                notes.append(note)
            return value
        raise MissingFigure(
            f"the threshold is a share of {base.value}, so the vote file must give the '{name}' "
            f"total ({why})",
            node,
        )

    if base is m.Base.VALID_VOTES:
        if "valid" in totals:
            return totals["valid"]
        return list_votes + totals.get("against_all", 0)
    if base is m.Base.BALLOTS_CAST:
        if "ballots_cast" in totals:
            return totals["ballots_cast"]
        if "invalid" in totals:
            valid = totals["valid"] if "valid" in totals else list_votes + totals.get("against_all", 0)
            return valid + totals["invalid"]
        return total("ballots_cast", "valid plus invalid ballots; or give 'invalid'")
    if base is m.Base.LIST_VOTES:
        return list_votes
    if base is m.Base.VOTES_AND_AGAINST_ALL:
        return list_votes + total("against_all", "the votes 'against all' are in the base")
    if base is m.Base.REGISTERED_VOTERS:
        return total("registered", "the number of registered voters")
    raise AssertionError(base)


def _selects(sel: m.Selector, entry: ListEntry, runner_up: str | None) -> bool:
    if sel.kind is m.SelectorKind.EVERY_LIST:
        return True
    if sel.kind is m.SelectorKind.RUNNER_UP:
        return entry.abbr == runner_up
    return sel.tag in entry.tags


# --- methods ------------------------------------------------------------------------------------


def quota_value(quota: m.Quota, total_votes: int, seats: int) -> Fraction:
    """The quota of ``docs/language.md`` for ``total_votes`` admitted votes and ``seats`` seats."""
    kind = quota.kind
    if kind is m.QuotaKind.DROOP:
        return Fraction(total_votes // (seats + 1) + 1)
    divisor = {m.QuotaKind.HARE: seats, m.QuotaKind.HAGENBACH_BISCHOFF: seats + 1,
               m.QuotaKind.IMPERIALI: seats + 2}[kind]
    q = Fraction(total_votes, divisor)
    r = quota.rounding
    if r is m.Rounding.DOWN:
        return Fraction(q.numerator // q.denominator)
    if r is m.Rounding.UP:
        return Fraction(-(-q.numerator // q.denominator))
    if r is m.Rounding.NEAREST:
        return Fraction((2 * q.numerator + q.denominator) // (2 * q.denominator))
    return q


@dataclass
class _MethodOutcome:
    seats: list[int]
    quota: Fraction | None = None
    quotients: list[Fraction] | None = None
    integer_seats: list[int] | None = None
    remainders: list[Fraction] | None = None
    steps: list[Step] = field(default_factory=list)


def _largest_remainder(
    method: m.LargestRemainder, votes: list[int], factors: list[Fraction], pool: list[int],
    seats: int, tb: TieBreaker, names: Sequence[str], explain: bool,
) -> _MethodOutcome:
    n = len(votes)
    out = [0] * n
    total = sum(votes[i] for i in pool)
    quota = quota_value(method.quota, total, seats)
    steps: list[Step] = []
    if quota == 0:
        raise AllocationError(
            f"the {method.quota.kind.value} quota of {fmt_int(total)} votes for {seats} seats "
            "rounds to zero", method,
        )
    quotients = [Fraction(0)] * n
    floors = [0] * n
    rems: list[Fraction] | list[int] = [0] * n
    qn, qd = quota.numerator, quota.denominator
    if all(factors[i] == 1 for i in pool):
        # votes / quota = votes * qd / qn: remainders as integers over the common denominator qn
        for i in pool:
            f, r = divmod(votes[i] * qd, qn)
            floors[i], rems[i] = f, r  # type: ignore[call-overload]
            out[i] = f
        if explain:
            for i in pool:
                quotients[i] = Fraction(votes[i] * qd, qn)
    else:
        for i in pool:
            q = votes[i] * factors[i] / quota
            f = q.numerator // q.denominator
            quotients[i], floors[i], rems[i] = q, f, q - f  # type: ignore[call-overload]
            out[i] = f
        qn = 1
    leftover = seats - sum(floors[i] for i in pool)
    if explain:
        steps.append(Step(
            f"Quota ({method.quota.kind.value}"
            + ("" if method.quota.rounding is m.Rounding.EXACT else f", rounded {method.quota.rounding.value}")
            + f"): {fmt_int(total)} admitted votes for {seats} seats = {fmt_exact(quota)}",
            method,
        ))
        for i in pool:
            corr = "" if factors[i] == 1 else f" x {fmt_exact(factors[i])} (correction)"
            steps.append(Step(
                f"{names[i]}: {fmt_int(votes[i])}{corr} / {fmt_exact(quota)} = "
                f"{fmt_exact(quotients[i], 6)}: {floors[i]} seats, remainder {fmt_exact(Fraction(rems[i], qn), 6)}"
            ))
        steps.append(Step(f"Seats by integer parts: {seats - leftover}; left over: {leftover}"))
    if leftover > 0 and pool:
        rounds, rest = divmod(leftover, len(pool))
        if rounds:
            for i in pool:
                out[i] += rounds
            if explain:
                steps.append(Step(f"{leftover} seats left over for {len(pool)} lists: every admitted "
                                  f"list first gets {rounds} more"))
        winners = _by_remainder(pool, rems, qn, rest, tb, largest=True, stage="the remainder seats")
        for i in winners:
            out[i] += 1
        if explain and winners:
            order = sorted(winners, key=lambda i: rems[i], reverse=True)
            steps.append(Step("Remainder seats to the largest remainders: " + ", ".join(
                f"{names[i]} ({fmt_exact(Fraction(rems[i], qn), 6)})" for i in order)))
    elif leftover < 0:
        need = -leftover
        while need > 0:
            holders = [i for i in pool if out[i] > 0]
            if not holders:
                raise AllocationError("integer parts exceed the seats and no seat can be taken back",
                                      method)
            take = min(need, len(holders))
            losers = _by_remainder(holders, rems, qn, take, tb, largest=False,
                                   stage="taking back seats from the smallest remainders")
            for i in losers:
                out[i] -= 1
            need -= take
            if explain:
                steps.append(Step("Integer parts exceed the seats: one seat taken back from " + ", ".join(
                    f"{names[i]} ({fmt_exact(Fraction(rems[i], qn), 6)})" for i in losers)))
    if not explain:
        return _MethodOutcome(out, quota, steps=steps)
    exact_rems = [Fraction(r, qn) for r in rems]
    return _MethodOutcome(out, quota, quotients, floors, exact_rems, steps)


def _by_remainder(
    pool: list[int], rems: Sequence[Fraction | int], scale: int, k: int, tb: TieBreaker, *,
    largest: bool, stage: str,
) -> list[int]:
    """The ``k`` lists with the largest (or smallest) remainders; ties at the cut by the chain.

    Remainders are ``rems[i] / scale`` (integers over a common denominator on the fast path)."""
    if k <= 0:
        return []
    if k >= len(pool):
        return list(pool)
    order = sorted(pool, key=lambda i: rems[i], reverse=largest)
    cut = rems[order[k - 1]]
    if rems[order[k]] != cut:
        return order[:k]
    sure = [i for i in order if (rems[i] > cut if largest else rems[i] < cut)]
    tied = [i for i in order if rems[i] == cut]
    places = k - len(sure)
    if largest:
        picked = tb.favour(tied, places, stage, f"remainder {fmt_exact(Fraction(cut, scale), 6)}")
    else:
        keep = tb.favour(tied, len(tied) - places, stage,
                         f"remainder {fmt_exact(Fraction(cut, scale), 6)}")
        picked = [i for i in tied if i not in keep]
    return sure + picked


def _divisor(
    method: m.Divisor, votes: list[int], factors: list[Fraction], pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> _MethodOutcome:
    n = len(votes)
    out = [0] * n
    weights = [votes[i] * factors[i] for i in range(n)]
    eligible = [i for i in pool if votes[i] > 0]
    steps: list[Step] = []

    def key(i: int) -> tuple[int, Fraction] | None:
        d2 = method.squared(out[i])
        if d2 is None:
            return None  # the divisor sequence is exhausted for this list
        if d2 == 0:
            return (1, Fraction(0))
        return (0, weights[i] * weights[i] / d2)

    keys = {i: key(i) for i in eligible}
    remaining = seats
    awarded = 0
    while remaining > 0:
        live = [i for i in eligible if keys[i] is not None]
        if not live:
            break
        best = max(keys[i] for i in live)  # type: ignore[type-var]
        tied = [i for i in live if keys[i] == best]
        if len(tied) > remaining:
            shown = "a zero divisor" if best[0] else f"quotient {fmt_exact(_root_display(method, best[1]), 4)}"
            tied = tb.favour(tied, remaining, f"the last {remaining} seat(s) by {method.kind.value}",
                             shown)
        for i in tied:
            out[i] += 1
            awarded += 1
            remaining -= 1
            keys[i] = key(i)
            if explain:
                value = "∞" if best[0] else fmt_exact(_root_display(method, best[1]), 4)
                steps.append(Step(f"Seat {awarded}: {names[i]} (quotient {value})"))
    if remaining > 0:
        raise AllocationError(
            f"{remaining} seat(s) cannot be given: every list has used up the divisor sequence",
            method,
        )
    return _MethodOutcome(out, steps=steps)


def _root_display(method: m.Divisor, squared_priority: Fraction) -> Fraction:
    """The quotient to show: exact for rational divisors; for Huntington-Hill, the squared value."""
    if method.kind is m.DivisorKind.HUNTINGTON_HILL:
        return squared_priority  # shown squared: sqrt is not exact
    num, den = squared_priority.numerator, squared_priority.denominator
    rn, rd = _isqrt_exact(num), _isqrt_exact(den)
    if rn is not None and rd is not None:
        return Fraction(rn, rd)
    return squared_priority


def _isqrt_exact(x: int) -> int | None:
    from math import isqrt

    r = isqrt(x)
    return r if r * r == x else None


def _run_method(
    tier: m.Tier, votes: list[int], factors: list[Fraction], pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> _MethodOutcome:
    method = tier.method
    if isinstance(method, m.LargestRemainder):
        return _largest_remainder(method, votes, factors, pool, seats, tb, names, explain)
    return _divisor(method, votes, factors, pool, seats, tb, names, explain)


# --- the pipeline ---------------------------------------------------------------------------


def allocate_tier(
    tier: m.Tier, election: Election, ties: list[Tie], notes: list[str], applied: list[str],
    *, explain: bool = True,
) -> TierResult:
    entries = election.lists
    n = len(entries)
    votes = [e.votes for e in entries]
    names = [e.abbr for e in entries]
    results = [ListResult(abbr=e.abbr, name=e.name, votes=e.votes) for e in entries]
    steps: list[Step] = []
    tb = TieBreaker(tier, entries, ties)

    def say(text: str, clause: m.Node | None = None) -> None:
        steps.append(Step(text, clause))

    def used(node: m.Node, what: str) -> None:
        label = f"{what} ({node.where})"
        if label not in applied:
            applied.append(label)

    # 1. thresholds
    passed = [e.votes > 0 for e in entries]
    for th in tier.thresholds:
        used(th, "threshold")
        base = 0
        if th.absolute is not None:
            need: Fraction = Fraction(th.absolute)
            explain and say(f"Threshold: {fmt_int(th.absolute)} votes ({'inclusive' if th.inclusive else 'strict'})"
                + (f", for {th.applies_to}" if th.applies_to else ""), th)
        else:
            assert th.share is not None and th.base is not None
            base = _base_figure(th.base, election, th, notes)
            need = th.share * base
            explain and say(f"Threshold: {fmt_share(th.share)} of {th.base.value} ({fmt_int(base)}) = "
                f"{fmt_exact(need, 2)} votes; "
                + ("reaching it passes (inclusive)" if th.inclusive else "it must be exceeded (strict)")
                + (f"; for {th.applies_to}" if th.applies_to else ""), th)
        for i, e in enumerate(entries):
            if th.applies_to is not None and not _selects(th.applies_to, e, None):
                continue
            ok = e.votes >= need if th.inclusive else e.votes > need
            passed[i] = passed[i] and ok
            if explain and th.share is not None:
                explain and say(f"{e.abbr}: {fmt_int(e.votes)} votes = {fmt_percent(e.votes, base)}: "
                    + ("passes" if ok else "does not pass"))
            elif explain:
                explain and say(f"{e.abbr}: {fmt_int(e.votes)} votes: " + ("passes" if ok else "does not pass"))
    if not tier.thresholds:
        explain and say("No threshold: every list with at least one vote takes part")
    for i, ok in enumerate(passed):
        results[i].passed = ok
    admitted = list(passed)
    count_passed = sum(passed)

    # 2-3. conditions and admissions
    active: list[m.Provision] = []
    for prov in tier.provisions:
        if prov.condition is None or prov.condition.op.holds(count_passed, prov.condition.value):
            active.append(prov)
            if prov.condition is not None:
                used(prov, f"when {prov.condition}")
                explain and say(f"Condition 'when {prov.condition}' holds ({count_passed} passed)", prov)
        elif prov.condition is not None:
            explain and say(f"Condition 'when {prov.condition}' does not hold ({count_passed} passed)", prov)
    runner_up: int | None = None
    for prov in active:
        for action in prov.actions:
            if isinstance(action, m.AdmitRunnerUp) and runner_up is None:
                used(action, "admit runner_up")
                others = [i for i in range(n) if not admitted[i] and votes[i] > 0]
                if not others:
                    explain and say("Runner-up: no other list has a vote; nobody is admitted", action)
                    continue
                top = max(votes[i] for i in others)
                tied = [i for i in others if votes[i] == top]
                if len(tied) > 1:
                    tied = tb.favour(tied, 1, "choosing the runner-up", f"{fmt_int(top)} votes")
                runner_up = tied[0]
                admitted[runner_up] = True
                results[runner_up].admitted_by = "runner_up"
                explain and say(f"Runner-up admitted: {names[runner_up]} with {fmt_int(top)} votes", action)
    runner_abbr = names[runner_up] if runner_up is not None else None
    for i in range(n):
        results[i].admitted = admitted[i]
        if passed[i]:
            results[i].admitted_by = "threshold"

    # 4. corrections, method, caps and list sizes
    factors = [Fraction(1)] * n
    for prov in active:
        for action in prov.actions:
            if isinstance(action, m.Correction):
                for i, e in enumerate(entries):
                    if admitted[i] and _selects(action.who, e, runner_abbr):
                        factors[i] *= action.factor
                        used(action, "correction")
                        explain and say(f"Correction: {e.abbr}'s quotient is multiplied by {fmt_exact(action.factor)}",
                            action)
    for i in range(n):
        results[i].factor = factors[i]
    pool = [i for i in range(n) if admitted[i]]
    explain and say("Admitted to the distribution: " + (", ".join(names[i] for i in pool) or "none"))
    tier_result = TierResult(
        name=tier.name, size=tier.seats, lists=results,
        passed=tuple(names[i] for i in range(n) if passed[i]),
        admitted=tuple(names[i] for i in pool), runner_up=runner_abbr, steps=steps,
    )
    if sum(votes[i] for i in pool) == 0:
        explain and say("No admitted list has a vote: no seats are allocated in this tier")
        notes.append(f"tier {tier.name!r}: no admitted list has a vote; no seats allocated")
        tier_result.vacant = tier.seats
        return tier_result
    used(tier.method, "allocate")

    limits: dict[int, int] = {}
    for i, e in enumerate(entries):
        lim = []
        if tier.cap is not None:
            lim.append(tier.cap.seats)
        redistribute = tier.surplus is None or tier.surplus.policy is m.SurplusPolicy.REDISTRIBUTED
        if e.list_size is not None and redistribute:
            lim.append(e.list_size)
        if lim:
            limits[i] = min(lim)
    seats = [0] * n
    fixed: dict[int, int] = {}
    remaining = tier.seats
    first = True
    while True:
        live = [i for i in pool if i not in fixed]
        outcome = _run_method(tier, votes, factors, live, remaining, tb, names, explain)
        if first:
            tier_result.quota = outcome.quota
            if outcome.quotients is not None:
                for i in pool:
                    results[i].quotient = outcome.quotients[i]
                    results[i].integer_seats = outcome.integer_seats[i]  # type: ignore[index]
                    results[i].remainder = outcome.remainders[i]  # type: ignore[index]
            first = False
        steps.extend(outcome.steps)
        over = [i for i in live if i in limits and outcome.seats[i] > limits[i]]
        for i in live:
            seats[i] = outcome.seats[i]
        if not over:
            break
        for i in over:
            fixed[i] = limits[i]
            seats[i] = limits[i]
            clause: m.Node | None = tier.cap if tier.cap is not None and limits[i] == tier.cap.seats else tier.surplus
            if clause is not None:
                used(clause, "cap" if clause is tier.cap else "surplus")
            explain and say(f"{names[i]} would get {outcome.seats[i]} seats but may hold at most {limits[i]}; "
                "the method runs again for the others", clause)
        remaining = tier.seats - sum(fixed.values())
        if not [i for i in pool if i not in fixed]:
            tier_result.vacant = remaining
            explain and say(f"Every admitted list is full: {remaining} seat(s) stay vacant")
            break
        if remaining <= 0:
            break
    if tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT:
        for i, e in enumerate(entries):
            if e.list_size is not None and seats[i] > e.list_size:
                lost = seats[i] - e.list_size
                seats[i] = e.list_size
                tier_result.vacant += lost
                used(tier.surplus, "surplus")
                explain and say(f"{e.abbr} has only {e.list_size} candidates: {lost} seat(s) stay vacant",
                    tier.surplus)

    # 5. guarantees
    for prov in active:
        for action in prov.actions:
            if not isinstance(action, m.Guarantee):
                continue
            for i, e in enumerate(entries):
                if not (admitted[i] and _selects(action.who, e, runner_abbr)):
                    continue
                used(action, "guarantee")
                if seats[i] >= action.seats:
                    explain and say(f"Guarantee: {e.abbr} already has {seats[i]} >= {action.seats} seats", action)
                    continue
                while seats[i] < action.seats:
                    donors = [j for j in range(n) if j != i and seats[j] > 0]
                    if not donors:
                        explain and say(f"Guarantee: no other list holds a seat; {e.abbr} stays at {seats[i]}",
                            action)
                        break
                    most = max(seats[j] for j in donors)
                    tied = [j for j in donors if seats[j] == most]
                    if len(tied) > 1:
                        keep = tb.favour(tied, len(tied) - 1, "taking a guaranteed seat from the largest list",
                                         f"{most} seats")
                        tied = [j for j in tied if j not in keep]
                    donor = tied[0]
                    seats[donor] -= 1
                    seats[i] += 1
                    explain and say(f"Guarantee: one seat moves from {names[donor]} to {e.abbr} "
                        f"(now {seats[donor]} and {seats[i]})", action)

    for i in range(n):
        results[i].seats = seats[i]
    explain and say("Seats: " + ", ".join(f"{names[i]} {seats[i]}" for i in range(n))
        + (f"; vacant {tier_result.vacant}" if tier_result.vacant else ""))
    return tier_result


def allocate(chamber: m.Chamber, election: Election, *, explain: bool = True) -> AllocationResult:
    """Allocate every tier of ``chamber`` for ``election``; appointed seats are added as given."""
    ties: list[Tie] = []
    notes: list[str] = []
    applied: list[str] = []
    tiers = [allocate_tier(t, election, ties, notes, applied, explain=explain) for t in chamber.tiers]
    seats = {e.abbr: 0 for e in election.lists}
    for t in tiers:
        for lr in t.lists:
            seats[lr.abbr] += lr.seats
    appointed: dict[str, int] = {}
    appointed_names: dict[str, str] = {}
    for a in chamber.appointed:
        if a.key in seats:
            raise AllocationError(
                f"the vote file has a list {a.key!r}, which is also the key of appointed seats", a
            )
        appointed[a.key] = appointed.get(a.key, 0) + a.seats
        appointed_names[a.key] = a.by
        applied.append(f"appointed ({a.where})")
    seats.update(appointed)
    return AllocationResult(
        chamber=chamber.name, seats=seats, total=sum(seats.values()), tiers=tiers,
        appointed=appointed, ties=ties, clauses_applied=applied, notes=notes, election=election,
        appointed_names=appointed_names,
    )


def seats_only(chamber: m.Chamber, election: Election) -> dict[str, int]:
    """Seats without the protocol (faster)."""
    return allocate(chamber, election, explain=False).seats


Allocator = Callable[[m.Chamber, Election], AllocationResult]
