"""What if: seat-vote curves with exact breakpoints, vote swings, and the votes that decide seats.

Seat-vote curve of list p: p's seats as its share x of the list votes goes from 0 to 1, the other
lists keeping their proportions and the other figures (invalid ballots, 'against all', registered
voters) keeping their ratio to the list votes. For a rule whose seats do not change when every
figure is multiplied by the same number (percentage thresholds, unrounded quotas, divisor methods
with rational divisors), every comparison the rule makes is linear in x, so the seats change only
where one of finitely many linear equations has a root. Those roots are computed exactly
(fractions), and the seats are evaluated exactly at each root and between consecutive roots: the
curve is exact, not sampled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from math import gcd
from typing import Any

from hemicycle import model as m
from hemicycle.api import Rules
from hemicycle.bases import base_figure
from hemicycle.derived import (
    Seats,
    WhatIfError,
    derive,
    national_view,
    parse_swing,
    round_keep_total,
    units_matter,
    vote_units,
)
from hemicycle.display import NotebookHtml
from hemicycle.district_whatif import (
    DistrictCurve,
    DistrictMargin,
    apply_district_swings,
    curve_covered,
    district_margins,
    first_true,
    line_roots,
)
from hemicycle.election import Election
from hemicycle.numbers import fmt_decimal

# --- seat-vote curves ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    start: Fraction  # share of the list votes, 0..1
    end: Fraction
    seats: int  # on the open interval (start, end)

    def to_json(self) -> dict[str, object]:
        return {"from": str(self.start), "to": str(self.end), "from_percent": float(self.start * 100),
                "to_percent": float(self.end * 100), "seats": self.seats}


@dataclass
class Curve(NotebookHtml):
    rules: str
    abbr: str
    pieces: list[Piece] = field(default_factory=list)
    at: dict[Fraction, int] = field(default_factory=dict)  # seats exactly at each breakpoint
    # Where the list's own share meets each threshold that applies to every list (share of the
    # list votes, and the threshold in words), for the picture's labels.
    thresholds: list[tuple[Fraction, str]] = field(default_factory=list)
    house: int = 0  # the seats the tiers allocate: the list's seats at 100% of the votes if proportional
    # How the breakpoints were found: "closed form" (exact on shares) or curve_search.SEARCH (on
    # whole votes; ``note`` then says its resolution and what it may miss).
    found_by: str = "closed form"
    note: str = ""
    # Shares (from, to, both included) where the rules cannot allocate, and why (search only).
    gaps: list[tuple[Fraction, Fraction, str]] = field(default_factory=list)

    def seats_at(self, x: Fraction) -> int:
        if x in self.at:
            return self.at[x]
        for p in self.pieces:
            if p.start < x < p.end:
                return p.seats
        raise ValueError(x)

    def breakpoints(self) -> list[tuple[Fraction, int, int]]:
        """(share, seats just below, seats just above) where the seats change."""
        out = []
        for a, b in pairwise(self.pieces):
            if a.end == b.start:  # not across a gap
                out.append((a.end, a.seats, b.seats))
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "rules": self.rules, "abbr": self.abbr, "pieces": [p.to_json() for p in self.pieces],
            "breakpoints": [{"share": str(x), "percent": float(x * 100), "below": lo, "above": hi,
                             "at": self.at.get(x)} for x, lo, hi in self.breakpoints()],
            "thresholds": [{"share": str(x), "percent": float(x * 100), "label": label}
                           for x, label in self.thresholds],
            "house": self.house,
            "found_by": self.found_by,
            **({"note": self.note} if self.note else {}),
            **({"gaps": [{"from": str(a), "to": str(b), "from_percent": float(a * 100), "to_percent": float(b * 100),
                          "reason": why} for a, b, why in self.gaps]} if self.gaps else {}),
        }


    def to_pandas(self) -> Any:
        """A DataFrame of the pieces (needs pandas: ``pip install 'hemicycle[pandas]'``): ``rules,
        abbr, from, to`` (exact shares), ``from_percent, to_percent, seats, seats_at_end``."""
        from hemicycle.frames import curve_frame

        return curve_frame(self.to_json())


def threshold_marks(chamber: m.Chamber, election: Election) -> list[tuple[Fraction, str]]:
    """(share of the list votes, words) of each national threshold that applies to every list,
    where a list's own share meets it (the other figures in their ratio to the list votes)."""
    marks: dict[Fraction, str] = {}
    for tier in chamber.tiers:
        for th in tier.thresholds:
            if th.regional or th.applies_to is not None or th.base is None:
                continue
            base = _base_units(th.base, election)
            if th.share is not None:
                x, words = th.share * base, f"{fmt_decimal(th.share * 100, 2).rstrip('0').rstrip('.')}%"
            elif th.quotas is not None:
                x, words = th.quotas * base / tier.seats, f"{th.quotas} quota{'s' if th.quotas > 1 else ''}"
            else:
                continue
            alternative = " or a district seat" if th.district_op is not None else ""
            if 0 < x < 1:
                marks.setdefault(x, f"{words} of {th.base.value.replace('_', ' ')}{alternative}")
    return sorted(marks.items())


def _scale_invariant(chamber: m.Chamber) -> None:
    for tier in chamber.tiers:
        if not tier.scale_invariant:
            raise WhatIfError(
                f"tier {tier.name!r} uses an absolute threshold or a rounded/Droop quota, so its seats "
                "depend on the number of votes and not only on the shares: its seat-vote curve is not "
                "defined by shares alone")
        if isinstance(tier.method, m.Divisor) and tier.method.kind is m.DivisorKind.HUNTINGTON_HILL:
            raise WhatIfError("Huntington-Hill's divisors are square roots: its breakpoints are irrational "
                              "and cannot be given exactly")


def _factors(tier: m.Tier) -> set[Fraction]:
    out = {Fraction(1)}
    for prov in tier.provisions:
        for a in prov.actions:
            if isinstance(a, m.Correction):
                out |= {f * a.factor for f in list(out)}
    return out


class _Scaled:
    """The election with p at share x and everything else in proportion, as exact integers."""

    def __init__(self, election: Election, abbr: str) -> None:
        self.election = election
        self.index = election.abbrs.index(abbr)
        self.total = election.list_votes
        self.others = self.total - election.lists[self.index].votes
        if self.total == 0:
            raise WhatIfError("no list has a vote")
        if self.others == 0:
            raise WhatIfError(f"{abbr} has every vote: there is no curve to draw")

    def figures(self, x: Fraction) -> tuple[list[int], dict[str, int]]:
        """p's votes x, each other list's (1 - x) v_j / O and each total t / T (O the others' votes, T
        all list votes), as the smallest integers in these proportions: over the common denominator
        D = b O T (x = a / b) every figure is an integer N, and D / gcd(D, N...) is the least common
        denominator of the reduced fractions."""
        a, b = x.numerator, x.denominator
        others, total = self.others, self.total
        votes = [a * others * total if i == self.index else (b - a) * e.votes * total
                 for i, e in enumerate(self.election.lists)]
        totals = {k: v * b * others for k, v in self.election.totals.items()}
        g = gcd(b * others * total, *votes, *totals.values())
        return [v // g for v in votes], {k: v // g for k, v in totals.items()}

    def scale(self, votes: Sequence[int]) -> Fraction:
        """How much larger the scaled electorate is than the election's."""
        return Fraction(sum(votes), self.total)


def seat_vote_curve(rules: Rules, election: Election, abbr: str) -> Curve:
    """The exact seat-vote curve of ``abbr`` under ``rules`` (see the module docstring)."""
    chamber = rules.model
    if not units_matter(chamber):  # rules that allocate nationally: the districts' votes do not matter
        election = national_view(election)
    elif vote_units(election):
        return _district_curve(rules, election, abbr)
    _national_rules(chamber, "a seat-vote curve")
    _national_only(election, "a seat-vote curve")
    _scale_invariant(chamber)
    scaled = _Scaled(election, abbr)
    seats_of = Seats(chamber, election)
    p = scaled.index
    shares = [Fraction(e.votes, scaled.others) for e in election.lists]  # a_j for j != p

    def seats(x: Fraction) -> int:
        votes, totals = scaled.figures(x)
        return seats_of(votes, totals, scale=scaled.scale(votes))[p]

    candidates: set[Fraction] = set()
    for tier in chamber.tiers:
        candidates |= _test_points(tier, election, p, shares)
        probes = candidates | {Fraction(1, 2)}
        if isinstance(tier.method, m.LargestRemainder):
            candidates |= _remainder_points(rules, election, tier, tier.method, p, shares, probes, scaled)
        else:
            candidates |= _divisor_points(rules, election, tier, tier.method, p, shares, probes, scaled)
    return _curve(rules, election, abbr, candidates, seats)


def _test_points(tier: m.Tier, election: Election, p: int, shares: list[Fraction]) -> set[Fraction]:
    """Where p crosses a threshold (the base is a constant B in units of the list votes), where
    another list does, and where p's votes equal another list's (the runner-up)."""
    out: set[Fraction] = set()
    n = len(shares)
    for th in tier.thresholds:
        assert th.share is not None and th.base is not None
        t = th.share * _base_units(th.base, election)
        out |= line_roots([(Fraction(1), -t)]) | {t} if 0 < t < 1 else set()
        for j in range(n):
            if j != p and shares[j] > 0:
                out |= line_roots([(-t, shares[j] - t)])
    for j in range(n):
        if j != p and shares[j] > 0:
            out |= line_roots([(Fraction(1), -shares[j])])
    return out


def _remainder_points(rules: Rules, election: Election, tier: m.Tier, method: m.LargestRemainder, p: int,
                      shares: list[Fraction], probes: set[Fraction], scaled: _Scaled) -> set[Fraction]:
    """Largest remainder: where a quota's integer part or the order of two remainders changes,
    for every admitted set the interpreter meets (A(x) = a_p x + c_s (1 - x) is the admitted votes)."""
    out: set[Fraction] = set()
    n = len(shares)
    facs = _factors(tier)
    hq = tier.seats + {m.QuotaKind.HARE: 0, m.QuotaKind.HAGENBACH_BISCHOFF: 1,
                       m.QuotaKind.IMPERIALI: 2}[method.quota.kind]
    for c_s, with_p in _admitted_sums(rules, election, p, probes, scaled):
        a_p = Fraction(1 if with_p else 0)
        for fp in facs:
            for k in range(0, hq + 2):
                # hq * fp * x = k * (a_p x + c_s (1 - x))
                out |= line_roots([(hq * fp - k * a_p, -k * c_s)])
            for j in range(n):
                if j == p or shares[j] == 0:
                    continue
                for fj in facs:
                    aj = shares[j] * fj
                    for k in range(0, hq + 2):
                        # hq * aj * (1 - x) = k * A(x)
                        out |= line_roots([(-k * a_p, hq * aj - k * c_s)])
                    for mm in range(-hq - 1, hq + 2):
                        # hq (fp x - aj (1 - x)) = mm A(x)
                        out |= line_roots([(hq * fp - mm * a_p, -hq * aj - mm * c_s)])
        if with_p:
            out |= _remainder_pairs(shares, p, facs, hq, a_p, c_s)
    return out


def _remainder_pairs(shares: list[Fraction], p: int, facs: set[Fraction], hq: int, a_p: Fraction,
                     c_s: Fraction) -> set[Fraction]:
    """Where the remainders of two other lists i, j change order: (1 - x) d = mm (x + c_s (1 - x))."""
    out: set[Fraction] = set()
    n = len(shares)
    for i in range(n):
        for j in range(i + 1, n):
            if p in (i, j) or shares[i] == 0 or shares[j] == 0:
                continue
            for fi in facs:
                for fj in facs:
                    d = hq * (shares[i] * fi - shares[j] * fj)
                    for mm in range(-hq - 1, hq + 2):
                        out |= line_roots([(-mm * a_p, d - mm * c_s)])
    return out


def _divisor_points(rules: Rules, election: Election, tier: m.Tier, method: m.Divisor, p: int,
                    shares: list[Fraction], probes: set[Fraction], scaled: _Scaled) -> set[Fraction]:
    """Divisor methods. The others' quotients all scale by (1 - x): their order never changes. With
    k seats, p's k-th quotient fp x / d(k-1) competes with the others' (h-k+1)-th largest quotient
    Q (1 - x); the seat changes hands where fp x / d = Q (1 - x). Neighbouring ranks are included
    too, for ties and for the seats the method cannot give."""
    out: set[Fraction] = set()
    h = tier.seats
    facs = _factors(tier)
    ds = [method.divisor(k) for k in range(h + 1)]
    for members in _admitted_sets(rules, election, p, probes, scaled):
        others = [j for j in members if j != p and shares[j] > 0]
        for fo in facs:
            for favoured in [None, *others]:
                quotients = sorted(
                    (shares[j] * (fo if j == favoured else 1) / d
                     for j in others for d in ds if d is not None and d > 0),
                    reverse=True)
                for fp in facs:
                    for k in range(1, h + 1):
                        d = ds[k - 1]
                        if d is None or d == 0:
                            continue
                        for rank in (h - k - 1, h - k, h - k + 1):
                            if 0 <= rank < len(quotients):
                                out |= line_roots([(fp, -quotients[rank] * d)])
    return out


def _district_curve(rules: Rules, election: Election, abbr: str) -> Curve:
    """The curve of a list under rules that allocate in districts (``district_whatif.DistrictCurve``)."""
    if abbr not in election.abbrs:
        raise WhatIfError(f"no list {abbr!r} in the votes")
    try:
        curve_covered(rules.model)
    except WhatIfError as why:
        return _searched_curve(rules, election, abbr, str(why))
    found = DistrictCurve(rules.model, election, abbr)
    return _curve(rules, election, abbr, found.candidates(), found.seats_at)


def _searched_curve(rules: Rules, election: Election, abbr: str, why: str) -> Curve:
    """The curve on whole votes by search (``curve_search``), where the exact share curve is not
    computed (``why``): each step at V votes is a breakpoint at V / T, the seats there those at V."""
    from hemicycle.curve_search import SEARCH, bounds_note, searched_steps

    chamber = rules.model
    found, grid, steps = searched_steps(chamber, election, abbr)
    total = found.total
    house = sum(t.seats for t in chamber.tiers) or sum(lv.seats for lv in chamber.levels)
    curve = Curve(rules=rules.path, abbr=abbr, thresholds=_marks(chamber, election), house=house,
                  found_by=SEARCH, note=bounds_note(total, grid, why))
    start, seats = Fraction(0), found.seats_at(0)
    if seats is not None:
        curve.at[start] = seats
    first = 0  # the first vote count of the current stretch

    def close(end: Fraction, last: int, seats: int | None) -> None:
        if seats is None:
            curve.gaps.append((start, Fraction(last, total), found.failures[first]))
        else:
            curve.pieces.append(Piece(start, end, seats))

    for votes, below, above in steps:
        x = Fraction(votes, total)
        close(x, votes - 1, below)
        if above is not None:
            curve.at[x] = above
        start, seats, first = x, above, votes
    close(Fraction(1), total, seats)
    if seats is not None:
        curve.at[Fraction(1)] = seats
    return curve


def _curve(rules: Rules, election: Election, abbr: str, candidates: set[Fraction],
           seats: Callable[[Fraction], int]) -> Curve:
    """The curve from the shares where the seats may change: the seats at each and between."""
    chamber = rules.model
    points = sorted(candidates)
    edges = [Fraction(0), *points, Fraction(1)]
    house = sum(t.seats for t in chamber.tiers) or sum(lv.seats for lv in chamber.levels)
    curve = Curve(rules=rules.path, abbr=abbr, thresholds=_marks(chamber, election), house=house)
    for x in edges:
        curve.at[x] = seats(x)
    for a, b in pairwise(edges):
        s = seats((a + b) / 2)
        if curve.pieces and curve.pieces[-1].seats == s and curve.at[a] == s:
            last = curve.pieces[-1]
            curve.pieces[-1] = Piece(last.start, b, s)
        else:
            curve.pieces.append(Piece(a, b, s))
    starts = {pc.start for pc in curve.pieces}
    curve.at = {x: s for x, s in curve.at.items() if x in (0, 1) or x in starts}
    return curve


def _marks(chamber: m.Chamber, election: Election) -> list[tuple[Fraction, str]]:
    """The national thresholds' marks (none for a threshold whose figures the file lacks)."""
    try:
        return threshold_marks(chamber, election)
    except WhatIfError:
        return []


def _base_units(base: m.Base, election: Election) -> Fraction:
    """A threshold base in units of the list votes (constant along the curve)."""
    lv = election.list_votes

    def missing(name: str, why: str) -> int:
        raise WhatIfError(f"the threshold needs the '{name}' total ({why}), which the vote file lacks")

    return Fraction(base_figure(base, lv, election.totals, missing), lv)


def _admitted_sums(rules: Rules, election: Election, p: int, probe: set[Fraction],
                   scaled: _Scaled) -> set[tuple[Fraction, bool]]:
    """(c_S, p in S) for the admitted sets S seen between the threshold/runner-up candidates."""
    out: set[tuple[Fraction, bool]] = set()
    for members in _admitted_sets(rules, election, p, probe, scaled):
        c_s = sum((Fraction(election.lists[i].votes, scaled.others) for i in members if i != p), Fraction(0))
        out.add((c_s, p in members))
    return out


def _admitted_sets(rules: Rules, election: Election, p: int, probe: set[Fraction],
                   scaled: _Scaled) -> set[frozenset[int]]:
    """The admitted sets (list indices) seen at and between the threshold/runner-up candidates."""
    pts = sorted(probe | {Fraction(0), Fraction(1)})
    probes = set(pts) | {(a + b) / 2 for a, b in pairwise(pts)}
    out: set[frozenset[int]] = set()
    abbrs = election.abbrs
    for x in probes:
        votes, totals = scaled.figures(x)
        result = rules.allocate(derive(election, votes, totals, scale=scaled.scale(votes)), explain=False)
        for tier in result.tiers:
            admitted = set(tier.admitted)
            out.add(frozenset(i for i in range(len(abbrs)) if abbrs[i] in admitted))
    return out


__all__ = ["Curve", "Margin", "Margins", "Piece", "WhatIfError", "apply_swings", "parse_swing", "seat_margins",
           "seat_vote_curve", "threshold_marks"]


# --- swings and the votes that decide seats ----------------------------------------------------


def _national_only(election: Election, what: str) -> None:
    """What-ifs move national votes; a vote file with districts would need them moved in each
    district, which these do not do yet."""
    if election.units:
        raise WhatIfError(f"{what} moves national votes, but this vote file gives the votes in "
                          f"{len(election.units)} districts, which would no longer add up to them: not supported "
                          "for districts yet")


def _national_rules(chamber: m.Chamber, what: str) -> None:
    """Curves and margins move a list's national votes; rules that allocate in districts would
    need them moved in each district, which these do not do yet."""
    if chamber.levels or any(t.in_units for t in chamber.tiers):
        raise WhatIfError(f"{what}: these rules allocate in districts, and moving a list's national votes "
                          "does not say how its votes in each district move: not supported for districts yet")


def apply_swings(election: Election, swings: Sequence[str]) -> Election:
    """The election after the swings, in whole votes, every other figure kept
    (``hemicycle.derived.derive``).

    A percentage swing moves the list's share of the list votes by that many points and scales
    every other list in proportion; the new figures are then rounded to whole votes by largest
    remainder, so that the total of list votes is unchanged. A vote swing adds or removes votes
    from that list only (and from the valid and cast totals, where the file gives them).

    With districts (units that carry the lists' votes), the votes move in each district: see
    ``hemicycle.district_whatif`` (a uniform swing in every district, or ``ABBR=+2%@NAME`` in one)."""
    if vote_units(election):
        return apply_district_swings(election, swings)
    votes = [e.votes for e in election.lists]
    totals = dict(election.totals)
    abbrs = list(election.abbrs)
    for text in swings:
        abbr, value, percent, where = parse_swing(text)
        if where is not None:
            raise WhatIfError(f"swing {text!r}: the vote file has no districts to name")
        if abbr not in abbrs:
            raise WhatIfError(f"swing {text!r}: no list {abbr!r} in the votes (lists: {', '.join(abbrs)})")
        i = abbrs.index(abbr)
        total = sum(votes)
        if percent:
            if total == 0:
                raise WhatIfError(f"swing {text!r}: no list has a vote, so there are no shares to move")
            share = Fraction(votes[i], total) + value / 100
            if not 0 <= share <= 1:
                shown = (fmt_decimal(share * 100, 2) if abs(share) < 10
                         else "over 1000" if share > 0 else "below -1000")
                raise WhatIfError(f"swing {text!r}: the share would be {shown}%")
            others = total - votes[i]
            exact = [share * total if j == i else
                     (Fraction(v, others) * (1 - share) * total if others else Fraction(0))
                     for j, v in enumerate(votes)]
            votes = round_keep_total(exact, total)
        else:
            new = votes[i] + int(value)
            if new < 0:
                raise WhatIfError(f"swing {text!r}: {abbr} has only {votes[i]} votes")
            votes[i] = new
            for key in ("valid", "ballots_cast"):
                if key in totals:
                    totals[key] += int(value)
    name = (election.name + " with " + ", ".join(swings)) if election.name else ", ".join(swings)
    return derive(election, votes, totals, name=name)


@dataclass(frozen=True)
class Margin:
    abbr: str
    seats: int
    gain: int | None  # fewest extra votes for one more seat (others unchanged); None: no amount does
    lose: int | None  # fewest votes lost for one seat fewer; None: it has no seat to lose
    # With districts: where the cheapest gain and loss are, and the margins in each district where
    # the list stood, the cheapest gain first (``hemicycle.district_whatif``).
    gain_district: str | None = None
    lose_district: str | None = None
    districts: tuple[DistrictMargin, ...] = ()

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"abbr": self.abbr, "seats": self.seats, "votes_to_gain_a_seat": self.gain,
                                  "votes_to_lose_a_seat": self.lose}
        if self.districts:
            out.update(gain_district=self.gain_district, lose_district=self.lose_district,
                       districts=[d.to_json() for d in self.districts])
        return out


class Margins(NotebookHtml, list[Margin]):
    """The margins of every list under one rule file (a list of ``Margin``), shown as a table in
    notebooks and as a DataFrame by ``to_pandas``."""

    def __init__(self, margins: Iterable[Margin] = (), rules: str = "") -> None:
        super().__init__(margins)
        self.rules = rules

    def to_json(self) -> list[dict[str, object]]:
        return [mg.to_json() for mg in self]


    def to_pandas(self, *, districts: bool = False) -> Any:
        """``rules, abbr, seats, votes_to_gain_a_seat, votes_to_lose_a_seat`` (needs pandas; with
        districts also ``gain_district, lose_district``); ``districts=True``: one row per list and
        district (``hemicycle.frames.margins_frame``)."""
        from hemicycle.frames import margins_frame

        return margins_frame(self.rules, self.to_json(), districts=districts)


def seat_margins(rules: Rules, election: Election, lists: Sequence[str] | None = None) -> Margins:
    """For every list: the fewest votes it must gain for one more seat, or may lose before it
    loses one, the other lists' votes unchanged.

    Found by doubling then bisection on whole votes, so the answer is the exact smallest number
    when the list's seats never fall as its votes rise (vote monotonicity: `hemicycle verify
    --property monotonicity` proves or refutes it for the rules); without it, a smaller amount
    could exist beyond a non-monotone stretch.

    With districts, the votes are gained or lost in one district (``hemicycle.district_whatif``):
    the margin is the cheapest district's, and ``districts`` holds every district's. Under rules
    that allocate nationally (``derived.units_matter``) it does not matter where the votes are
    gained: the margins are the national ones.
    ``lists``: the abbrs of the lists to give margins for (default: every list)."""
    unknown = [a for a in lists or () if a not in election.abbrs]
    if unknown:
        raise WhatIfError(f"margins of {', '.join(unknown)}: not a list of the votes")
    if vote_units(election):
        if units_matter(rules.model):
            return _district_margins(rules, election, lists)
        election = national_view(election)  # allocated nationally: where the votes are gained does not matter
    _national_rules(rules.model, "the votes that decide seats")
    seats_of = Seats(rules.model, election)
    base_votes = [e.votes for e in election.lists]
    totals = dict(election.totals)

    def seats_with(i: int, delta: int) -> int:
        votes = list(base_votes)
        votes[i] += delta
        t = dict(totals)
        for key in ("valid", "ballots_cast"):
            if key in t:
                t[key] += delta
        return seats_of(votes, t)[i]

    now = seats_of(base_votes, totals)
    limit = 4 * max(1, sum(base_votes) + totals.get("invalid", 0) + totals.get("against_all", 0))
    out = []
    for i, e in enumerate(election.lists):
        if lists is not None and e.abbr not in lists:
            continue
        s = now[i]
        gain = first_true(lambda d, i=i, s=s: seats_with(i, d) > s, limit)
        lose = None if s == 0 else first_true(lambda d, i=i, s=s: seats_with(i, -d) < s, e.votes)
        out.append(Margin(abbr=e.abbr, seats=s, gain=gain, lose=lose))
    return Margins(out, rules.path)


def _district_margins(rules: Rules, election: Election, lists: Sequence[str] | None) -> Margins:
    out = []
    for abbr, seats, found in district_margins(rules.model, election, lists):
        gains = [d for d in found if d.gain is not None]
        loses = sorted((d for d in found if d.lose is not None), key=lambda d: d.lose or 0)
        out.append(Margin(abbr=abbr, seats=seats, gain=gains[0].gain if gains else None,
                          lose=loses[0].lose if loses else None,
                          gain_district=gains[0].district if gains else None,
                          lose_district=loses[0].district if loses else None, districts=tuple(found)))
    return Margins(out, rules.path)
