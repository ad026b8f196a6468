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

from hemicycle import clause_data
from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.election import MAX_LISTS, Election, ListEntry
from hemicycle.highest_averages import highest_averages
from hemicycle.numbers import fmt_exact, fmt_int, fmt_percent, fmt_share

# --- errors -------------------------------------------------------------------------------------


class AllocationError(Exception):
    """The rules cannot be applied to these votes; the message says why and where."""

    def __init__(self, message: str, node: m.Node | None = None) -> None:
        self.node = node
        self.message = message  # without the clause's location
        where = f" ({node.where})" if node is not None and node.span.line else ""
        super().__init__(message + where)


class MissingFigure(AllocationError):
    """The rules need a figure (e.g. ballots cast) that the vote file does not give."""


class TieError(AllocationError):
    """A tie that the rules' tie-break chain cannot break."""

    def __init__(self, message: str, lists: Sequence[str], node: m.Node | None = None) -> None:
        self.lists = tuple(lists)
        super().__init__(message, node)


# --- limits -------------------------------------------------------------------------------------
# What one allocation may be asked to do. Far above any real election; hostile or mistaken input
# (a house of 10^12 seats, a million lists) is refused with a message instead of running for hours
# (SECURITY.md). A house of 10^6 seats and 10^4 lists allocates in seconds.
MAX_SEATS = 10_000_000  # seats of a chamber, a tier or an appointed group
MAX_TIERS = 1_000  # tiers in one chamber
MAX_LIST_TIERS = 200_000  # lists x tiers
MAX_WORK = 2_000_000  # guarantee moves x lists (each move looks at every list, and may break a tie)
EXPLAIN_EVERY_SEAT = 1_000  # divisor seats are listed one by one in the protocol up to this many


class LimitError(AllocationError):
    """The input is beyond what hemicycle allocates (see the limits above)."""


def check_limits(chamber: m.Chamber, election: Election) -> None:
    """Refuse, with a message, an allocation beyond the limits (before any work is done)."""
    check_sizes(chamber, len(election.lists))


def check_sizes(chamber: m.Chamber, n: int) -> None:
    """``check_limits`` for ``n`` lists (the compiled and batch paths call it too)."""
    for node, what, seats in (
        (chamber, "the chamber", chamber.seats),
        *((t, f"tier {t.name!r}", t.seats) for t in chamber.tiers),
        *((a, f"the appointed group {a.key!r}", a.seats) for a in chamber.appointed),
    ):
        if seats > MAX_SEATS:
            raise LimitError(f"{what} has {fmt_int(seats)} seats; hemicycle allocates at most "
                             f"{fmt_int(MAX_SEATS)}", node)
    if len(chamber.tiers) > MAX_TIERS:
        raise LimitError(f"the rules have {fmt_int(len(chamber.tiers))} tiers; hemicycle allocates at "
                         f"most {fmt_int(MAX_TIERS)}", chamber)
    if n > MAX_LISTS:
        raise LimitError(f"the vote file has {fmt_int(n)} lists; hemicycle allocates at most "
                         f"{fmt_int(MAX_LISTS)}")
    if n * len(chamber.tiers) > MAX_LIST_TIERS:
        raise LimitError(f"{fmt_int(len(chamber.tiers))} tiers for {fmt_int(n)} lists is more than hemicycle "
                         f"allocates at once (lists x tiers at most {fmt_int(MAX_LIST_TIERS)})", chamber)


def check_guarantee_work(moves: int, n: int, node: m.Node | None) -> None:
    """Refuse guarantees that move ``moves`` seats among ``n`` lists, if that is beyond MAX_WORK
    (each move looks at every list); the caller counts the moves before making any."""
    if moves * n > MAX_WORK:
        raise LimitError(f"the guarantee moves more than {fmt_int(MAX_WORK // n)} seats among "
                         f"{fmt_int(n)} lists, more work than hemicycle does in one "
                         f"allocation ({fmt_int(MAX_WORK)} list-steps)", node)


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
    overhang: int = 0  # seats beyond the tier's size (mixed-member compensation)
    units: tuple[tuple[str, ...], ...] = ()  # alliances that took part as one list

    @property
    def seats(self) -> dict[str, int]:
        return {lr.abbr: lr.seats for lr in self.lists}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "size": self.size, "seats": self.seats, "passed": list(self.passed),
            "admitted": list(self.admitted), "runner_up": self.runner_up,
            "quota": _frac_json(self.quota), "vacant": self.vacant, "overhang": self.overhang,
            "units": [list(u) for u in self.units],
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

    def _lists_json(self) -> list[dict[str, Any]]:
        return [{"abbr": e.abbr, "name": e.name, "votes": e.votes} for e in self.election.lists]

    def _repr_html_(self) -> str:
        """Votes, shares and seats, the parliament, ties, notes and units, for notebooks."""
        from hemicycle.notebook import result_html

        return result_html(self.to_json(), self._lists_json(), self.election.share_base)

    def to_pandas(self, *, districts: bool = True) -> Any:
        """A tidy DataFrame (needs pandas: ``pip install 'hemicycle[pandas]'``): one row per list
        and appointed group, ``district, level, abbr, name, votes, seats, appointed``; then one
        row per list and unit when the rules allocate in districts (``districts=False``: not)."""
        from hemicycle.frames import result_frame

        return result_frame(self.to_json(), self._lists_json(), districts=districts)

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
        self._seed = seed if seed is not None else 0
        self._random: random.Random | None = None  # made on the first lot, in the order lots are drawn

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
                if self._random is None:
                    self._random = random.Random(self._seed)
                self._random.shuffle(pool)
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

    return base_figure(base, list_votes, totals, total)


def _selects(sel: m.Selector, entry: ListEntry, runner_up: str | None) -> bool:
    if sel.kind is m.SelectorKind.EVERY_LIST:
        return True
    if sel.kind is m.SelectorKind.RUNNER_UP:
        return entry.abbr == runner_up
    if sel.kind is m.SelectorKind.UNTAGGED:
        return sel.tag not in entry.tags
    return sel.tag in entry.tags


def _try_base(base: m.Base, election: Election, node: m.Node, notes: list[str]) -> tuple[int | None, str]:
    """The base figure, or None and the reason it is missing."""
    try:
        return _base_figure(base, election, node, notes), ""
    except MissingFigure as e:
        return None, e.message


def _base_lower_bound(base: m.Base, election: Election) -> tuple[int, str]:
    """A figure the unknown ``base`` cannot be below, and what it is (docs/language.md, 'Unknown
    figures'): registered voters >= ballots cast >= valid (+ invalid) >= the listed votes."""
    totals = election.totals
    listed = election.list_votes + totals.get("against_all", 0)
    valid = totals.get("valid", listed)
    valid_what = "valid votes" if "valid" in totals else "the votes of the lists in the file"
    if "ballots_cast" in totals:
        cast, cast_what = totals["ballots_cast"], "ballots cast"
    elif "invalid" in totals:
        cast, cast_what = valid + totals["invalid"], f"{valid_what} plus invalid ballots"
    else:
        cast, cast_what = valid, valid_what
    if base is m.Base.REGISTERED_VOTERS:
        return cast, cast_what
    if base is m.Base.BALLOTS_CAST:
        return cast, cast_what
    if base is m.Base.VOTES_AND_AGAINST_ALL:
        return election.list_votes, "the votes of the lists"
    return valid, valid_what


def _threshold_share(th: m.Threshold, seats: int) -> Fraction:
    """The share of the base a list needs: ``share``, or ``quotas`` / the tier's seats."""
    if th.share is not None:
        return th.share
    assert th.quotas is not None
    return Fraction(th.quotas, seats)


def _reaches(votes: int | Fraction, need: Fraction, inclusive: bool) -> bool:
    if isinstance(votes, int):  # integer cross-multiplication: the same comparison, cheaper
        lhs, rhs = votes * need.denominator, need.numerator
        return lhs >= rhs if inclusive else lhs > rhs
    return votes >= need if inclusive else votes > need


def _region_election(election: Election, region: str) -> Election | str:
    """The election as seen in one region, or the reason it cannot be: the lists without votes there."""
    lacking = [e.abbr for e in election.lists if region not in e.regional_votes]
    if lacking:
        shown = ", ".join(lacking[:5]) + (f" and {len(lacking) - 5} more" if len(lacking) > 5 else "")
        return f"the vote file gives no votes in {region} for {shown} (the test needs every list's votes there)"
    return Election(
        lists=tuple(ListEntry(abbr=e.abbr, votes=e.regional_votes[region]) for e in election.lists),
        totals=dict(election.regions[region]), name=f"{election.name} ({region})",
    )


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None


def _threshold_verdicts(
    th: m.Threshold, tier: m.Tier, election: Election, notes: list[str], say: Callable[..., Any],
    explain: bool,
) -> tuple[list[bool | None], list[str]]:
    """Per list: True passes, False fails, None cannot be decided (with the reason)."""
    entries = election.lists
    n = len(entries)
    verdicts: list[bool | None] = [True] * n
    why: list[str] = [""] * n
    applies = [th.applies_to is None or _selects(th.applies_to, e, None) for e in entries]
    tail = "" if not explain else (
        ("reaching it passes (inclusive)" if th.inclusive else "it must be exceeded (strict)")
        + (f"; or district_seats {th.district_op.value} {th.district_value}" if th.district_op else "")
        + (f"; for {th.applies_to}" if th.applies_to else ""))
    if th.absolute is not None:
        need: Fraction = Fraction(th.absolute)
        explain and say(f"Threshold: {fmt_int(th.absolute)} votes ({'inclusive' if th.inclusive else 'strict'})"
                        + (f", for {th.applies_to}" if th.applies_to else ""), th)
        for i, e in enumerate(entries):
            if applies[i]:
                verdicts[i] = _reaches(e.votes, need, th.inclusive)
                explain and say(f"{e.abbr}: {fmt_int(e.votes)} votes: "
                                + ("passes" if verdicts[i] else "does not pass"))
        return verdicts, why
    assert th.base is not None
    share = _threshold_share(th, tier.seats)
    shown = "" if not explain else (
        fmt_share(share) if th.quotas is None else f"{th.quotas} quota ({fmt_share(share)})")
    if th.regional:
        regions = {r: _region_election(election, r) for r in election.regions}
        explain and say(f"Threshold: {shown} of {th.base.value} in every region "
                        f"({len(regions)} in the vote file); {tail}", th)
        reported: list[str] = []
        for i, e in enumerate(entries):
            if not applies[i]:
                continue
            verdict: bool | None = True if regions else None
            if regions:
                for r, sub in regions.items():
                    if isinstance(sub, str):
                        verdict, why[i] = None, sub
                        break
                    figure, missing = _try_base(th.base, sub, th, notes)
                    if figure is None:
                        verdict, why[i] = None, f"{r}: {missing}"
                        break
                    if not _reaches(e.regional_votes[r], share * figure, th.inclusive):
                        verdict = False
                        explain and say(f"{e.abbr}: {fmt_int(e.regional_votes[r])} votes in {r} = "
                                        f"{fmt_percent(e.regional_votes[r], figure)}: does not pass there")
                        break
            if verdict is None and e.reported_regional is not None:
                verdict = e.reported_regional
                reported.append(e.abbr)
            elif verdict is None and not why[i]:
                why[i] = (f"the regional threshold needs the votes of {e.abbr} in every region, or "
                          "the officially reported outcome ('reported_regional_threshold')")
            verdicts[i] = _or(verdict, _district(th, e))
            if explain and verdict is not None:
                source = " (officially reported outcome)" if e.abbr in reported else ""
                say(f"{e.abbr}: " + ("passes" if verdicts[i] else "does not pass") + f" in every region{source}")
        if reported:
            notes.append("the vote file gives no regional figures for " + ", ".join(reported)
                         + "; the regional threshold takes the officially reported outcome for them")
        return verdicts, why
    figure, missing = _try_base(th.base, election, th, notes)
    if figure is not None:
        need = share * figure
        explain and say(f"Threshold: {shown} of {th.base.value} ({fmt_int(figure)}) = "
                        f"{fmt_exact(need, 2)} votes; {tail}", th)
        for i, e in enumerate(entries):
            if applies[i]:
                ok = _reaches(e.votes, need, th.inclusive)
                verdicts[i] = _or(ok, _district(th, e))
                if explain:
                    extra = " (district seats)" if verdicts[i] and not ok else ""
                    say(f"{e.abbr}: {fmt_int(e.votes)} votes = {fmt_percent(e.votes, figure)}: "
                        + ("passes" if verdicts[i] else "does not pass") + extra)
        return verdicts, why
    lower, lower_what = _base_lower_bound(th.base, election)
    explain and say(f"Threshold: {shown} of {th.base.value} (not in the vote file); {tail}", th)
    reported_used: list[str] = []
    for i, e in enumerate(entries):
        if not applies[i] or e.votes == 0:
            continue
        rs = e.reported_shares.get(th.base.value)
        verdict = None
        if rs is not None:
            verdict = _reaches(rs, share, th.inclusive)
            reported_used.append(f"{e.abbr} {fmt_share(rs)}")
            explain and say(f"{e.abbr}: officially reported {fmt_share(rs)} of {th.base.value}: "
                            + ("passes" if verdict else "does not pass"))
        elif lower > 0 and not _reaches(e.votes, share * lower, th.inclusive):
            verdict = False
            text = (f"{e.abbr}: {fmt_int(e.votes)} votes are below {fmt_share(share)} of {lower_what} "
                    f"({fmt_int(lower)}), which {th.base.value} cannot be less than: fails whatever the figure")
            notes.append(text)
            explain and say(text)
        else:
            why[i] = missing + f"; or give {e.abbr}'s officially reported share of {th.base.value}"
        verdicts[i] = _or(verdict, _district(th, e))
    if reported_used:
        notes.append(f"the vote file gives no {th.base.value} figure; the threshold test uses the officially "
                     f"reported shares (as published, rounded): {', '.join(reported_used)}")
    return verdicts, why


def _district(th: m.Threshold, e: ListEntry) -> bool | None:
    """The 'or district_seats OP N' alternative: False when the threshold has none."""
    if th.district_op is None:
        return False
    if e.district_seats is None:
        return None
    return th.district_op.holds(e.district_seats, th.district_value)


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
    if seats <= 0:  # every seat is outside the distribution (consolation or district seats)
        return _MethodOutcome(out)
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

    def shown(best: tuple[int, Fraction]) -> str:
        return "∞" if best[0] else fmt_exact(_root_display(method, best[1]), 4)

    def favour(tied: list[int], places: int, best: tuple[int, Fraction]) -> list[int]:
        value = "a zero divisor" if best[0] else f"quotient {shown(best)}"
        return tb.favour(tied, places, f"the last {places} seat(s) by {method.kind.value}", value)

    # Seat by seat in the protocol up to EXPLAIN_EVERY_SEAT seats; beyond, the jump start of
    # hemicycle.highest_averages (same seats, same ties) and a summary of the seats it gave.
    every_seat = explain and seats <= EXPLAIN_EVERY_SEAT
    run = highest_averages(method, weights, eligible, seats, favour, record=explain, jump=not every_seat)
    for i, c in run.seats.items():
        out[i] = c
    if explain and run.jumped:
        assert run.bound is not None
        later: dict[int, int] = {}
        for i, _ in run.order:
            later[i] = later.get(i, 0) + 1
        steps.append(Step(
            f"Seats 1 to {fmt_int(run.jumped)}: every quotient above {fmt_exact(run.bound, 4)} "
            "(the seats below are given one by one): "
            + ", ".join(f"{names[i]} {run.seats[i] - later.get(i, 0)}" for i in sorted(run.seats)),
            method,
        ))
    for awarded, (i, best) in enumerate(run.order, run.jumped + 1):
        steps.append(Step(f"Seat {awarded}: {names[i]} (quotient {shown(best)})"))
    if run.left > 0:
        raise AllocationError(
            f"{run.left} seat(s) cannot be given: every list has used up the divisor sequence",
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


def _apply_method(
    method: m.Method, votes: list[int], factors: list[Fraction], pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> _MethodOutcome:
    if isinstance(method, m.LargestRemainder):
        return _largest_remainder(method, votes, factors, pool, seats, tb, names, explain)
    return _divisor(method, votes, factors, pool, seats, tb, names, explain)


# --- admissions, consolation seats, alliances ---------------------------------------------------


def _admit_next(
    action: m.AdmitNext, election: Election, admitted: list[bool], results: list[ListResult],
    tb: TieBreaker, notes: list[str], say: Callable[..., Any], explain: bool,
) -> None:
    """Admit lists, most votes first, until the condition holds (docs/language.md)."""
    cond = action.until
    entries = election.lists
    need: Fraction | None = None
    if cond.subject == "admitted_votes":
        assert cond.share is not None and cond.base is not None
        need = cond.share * _base_figure(cond.base, election, action, notes)

    def holds() -> tuple[bool, str]:
        if need is None:
            count = sum(admitted)
            return cond.op.holds(count, cond.value), f"{count} admitted"
        total = sum(e.votes for e, a in zip(entries, admitted, strict=True) if a)
        return cond.op.holds(total, need), f"admitted lists hold {fmt_int(total)} votes, against {fmt_exact(need, 2)}"

    ok, state = holds()
    if ok:
        explain and say(f"'{cond}' holds ({state}): nobody else is admitted", action)
        return
    while not ok:
        others = [i for i, e in enumerate(entries) if not admitted[i] and e.votes > 0]
        if not others:
            explain and say(f"'{cond}' does not hold ({state}), and no other list has a vote", action)
            notes.append(f"'admit next until {cond}': no list left to admit, the condition still fails")
            return
        top = max(entries[i].votes for i in others)
        tied = [i for i in others if entries[i].votes == top]
        if len(tied) > 1:
            tied = tb.favour(tied, 1, "admitting the next list", f"{fmt_int(top)} votes")
        i = tied[0]
        admitted[i] = True
        results[i].admitted_by = "next"
        explain and say(f"'{cond}' does not hold ({state}): {entries[i].abbr} is admitted with "
                        f"{fmt_int(top)} votes", action)
        ok, state = holds()


def _consolation(
    c: m.Consolation, election: Election, admitted: list[bool], outside: list[int], notes: list[str],
    say: Callable[..., Any], explain: bool,
) -> None:
    figure = _base_figure(c.base, election, c, notes)
    low, high = c.low * figure, c.high * figure
    explain and say(f"Consolation: lists not admitted with at least {fmt_share(c.low)} and less than "
                    f"{fmt_share(c.high)} of {c.base.value} ({fmt_exact(low, 2)} to {fmt_exact(high, 2)} votes) "
                    f"get {c.seats} seat(s)", c)
    for i, e in enumerate(election.lists):
        if not admitted[i] and outside[i] == 0 and e.votes > 0 and low <= e.votes < high:
            outside[i] = c.seats
            explain and say(f"{e.abbr}: {fmt_int(e.votes)} votes = {fmt_percent(e.votes, figure)}: "
                            f"{c.seats} consolation seat(s)", c)


def _alliance_groups(alliances: m.Alliances, election: Election) -> list[list[int]]:
    index = {e.abbr: i for i, e in enumerate(election.lists)}
    if alliances.source is m.AllianceSource.AGREEMENTS:
        return [[index[a] for a in group] for group in election.agreements]
    named: dict[str, list[int]] = {}
    for i, e in enumerate(election.lists):
        if e.combination is not None:
            named.setdefault(e.combination, []).append(i)
    return list(named.values())


def _allocate_alliances(
    tier: m.Tier, alliances: m.Alliances, election: Election, votes: list[int], factors: list[Fraction],
    pool: list[int], seats_total: int, tb: TieBreaker, seats: list[int], steps: list[Step], explain: bool,
) -> tuple[tuple[str, ...], ...]:
    """The method among units (alliances of admitted lists, and the other admitted lists), then
    each alliance's seats split among its lists. Writes ``seats``; returns the alliances formed."""
    entries = election.lists
    names = [e.abbr for e in entries]
    in_pool = set(pool)
    units: list[list[int]] = []
    joined: set[int] = set()
    for group in _alliance_groups(alliances, election):
        members = [i for i in group if i in in_pool]
        label = " + ".join(names[i] for i in group)
        if len(members) >= 2:
            units.append(members)
            joined.update(members)
            if explain:
                void = [names[i] for i in group if i not in in_pool]
                steps.append(Step(f"Alliance {' + '.join(names[i] for i in members)} takes part as one list"
                                  + (f" ({', '.join(void)} not admitted)" if void else ""), alliances))
        elif explain:
            steps.append(Step(f"Alliance {label} is void: fewer than two of its lists are admitted", alliances))
    units += [[i] for i in pool if i not in joined]
    units.sort(key=min)
    unit_entries = []
    for u in units:
        orders = [entries[i].ballot_order for i in u]
        unit_entries.append(ListEntry(
            abbr="+".join(names[i] for i in u), votes=sum(votes[i] for i in u),
            registration_order=min(entries[i].registration_order for i in u),
            ballot_order=None if None in orders else min(o for o in orders if o is not None),
        ))
    unit_votes = [e.votes for e in unit_entries]
    unit_factors = [
        (sum(votes[i] * factors[i] for i in u) / total) if (total := sum(votes[i] for i in u)) else Fraction(1)
        for u in units
    ]
    unit_tb = TieBreaker(tier, unit_entries, tb.record)
    unit_names = [e.abbr for e in unit_entries]
    outcome = _apply_method(tier.method, unit_votes, unit_factors, list(range(len(units))), seats_total,
                            unit_tb, unit_names, explain)
    steps.extend(outcome.steps)
    for k, u in enumerate(units):
        got = outcome.seats[k]
        if len(u) == 1:
            seats[u[0]] = got
            continue
        if got == 0:
            continue
        if explain:
            steps.append(Step(f"Alliance {unit_names[k]}: its {got} seat(s) are split among its lists",
                              alliances))
        split = _apply_method(alliances.split, votes, factors, u, got, tb, names, explain)
        steps.extend(split.steps)
        for i in u:
            seats[i] = split.seats[i]
    return tuple(tuple(names[i] for i in u) for u in units if len(u) > 1)


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
    undecided: dict[int, tuple[str, m.Threshold]] = {}
    for th in tier.thresholds:
        used(th, "threshold")
        verdicts, why = _threshold_verdicts(th, tier, election, notes, say, explain)
        for i, verdict in enumerate(verdicts):
            if verdict is False:
                passed[i] = False
            elif verdict is None and i not in undecided:
                undecided[i] = (why[i] or (f"the threshold's 'or district_seats' alternative needs the "
                                           f"district seats of {names[i]}"), th)
    for i, (reason, th) in undecided.items():
        if passed[i]:
            raise MissingFigure(f"cannot tell whether {names[i]} passes: {reason}", th)
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
            elif isinstance(action, m.AdmitNext):
                used(action, f"admit next until {action.until}")
                _admit_next(action, election, admitted, results, tb, notes, say, explain)
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
    # consolation seats and district seats outside the distribution (docs/language.md)
    outside = [0] * n
    for c in tier.consolations:
        used(c, "consolation")
        _consolation(c, election, admitted, outside, notes, say, explain)
    district = [0] * n
    if tier.compensation is not None:
        used(tier.compensation, "compensate")
        for i, e in enumerate(entries):
            if e.district_seats is None:
                raise MissingFigure(f"mixed-member compensation needs the district seats of every list; "
                                    f"the vote file gives none for {e.abbr}", tier.compensation)
            district[i] = e.district_seats
            if not admitted[i]:
                outside[i] += e.district_seats
        deducted = sum(district[i] for i in range(n) if not admitted[i])
        explain and say(f"District seats won: {sum(district)}; by lists not admitted: {deducted}, "
                        f"which come off the {tier.seats} seats", tier.compensation)
    method_seats = tier.seats - sum(outside)
    if method_seats < 0:
        raise AllocationError(f"the seats outside the distribution ({sum(outside)}) exceed the tier's "
                              f"{tier.seats} seats", tier)
    if method_seats != tier.seats:
        explain and say(f"Seats for the distribution: {tier.seats} - {sum(outside)} = {method_seats}")
    if sum(votes[i] for i in pool) == 0:
        explain and say("No admitted list has a vote: no seats are allocated in this tier")
        notes.append(f"tier {tier.name!r}: no admitted list has a vote; no seats allocated")
        tier_result.vacant = method_seats
        for i in range(n):
            results[i].seats = outside[i]
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
    remaining = method_seats
    first = True
    if tier.alliances is not None:
        used(tier.alliances, "alliances")
        if limits and any(i in limits for i in pool):
            raise AllocationError("alliances together with a cap or list sizes are not supported",
                                  tier.alliances)
        tier_result.units = _allocate_alliances(tier, tier.alliances, election, votes, factors, pool,
                                                method_seats, tb, seats, steps, explain)
        first = False
    while tier.alliances is None:
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
        remaining = method_seats - sum(fixed.values())
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
    moves, held = 0, sum(seats)  # moves keep the sum
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
                moves += max(0, min(action.seats, held) - seats[i])  # until no other list holds one
                check_guarantee_work(moves, n, action)
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

    # 6. mixed-member compensation: district seats beyond the entitlement are kept (overhang)
    if tier.compensation is not None:
        for i in pool:
            if district[i] > seats[i]:
                tier_result.overhang += district[i] - seats[i]
                explain and say(f"{names[i]} won {district[i]} district seats, more than its entitlement of "
                                f"{seats[i]}: it keeps them ({district[i] - seats[i]} overhang)", tier.compensation)
                seats[i] = district[i]
        if tier_result.overhang:
            notes.append(f"tier {tier.name!r}: {tier_result.overhang} overhang seat(s) enlarge the chamber")
    for i in range(n):
        seats[i] += outside[i]
    for i in range(n):
        results[i].seats = seats[i]
    explain and say("Seats: " + ", ".join(f"{names[i]} {seats[i]}" for i in range(n))
        + (f"; vacant {tier_result.vacant}" if tier_result.vacant else "")
        + (f"; overhang {tier_result.overhang}" if tier_result.overhang else ""))
    return tier_result


def allocate(chamber: m.Chamber, election: Election, *, explain: bool = True) -> AllocationResult:
    """Allocate every tier of ``chamber`` for ``election``; appointed seats are added as given."""
    check_limits(chamber, election)
    ties: list[Tie] = []
    notes: list[str] = [*election.notes, *clause_data.notes(chamber, election)]
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
